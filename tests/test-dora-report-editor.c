/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include <vigil/vigil.h>

#include "vigil-dora-report-editor.h"
#include "vigil-incident-page.h"
#include "vigil-notification-composer.h"
#include "test-gui-util.h"
#include "test-core-util.h"

/* The DORA report editor on a real store and workspace, in a real window. */

#define ANALYST "alice"
#define CRITERIA "{'critical_services':{'cif':true,'malicious_access':true}," \
                 "'clients':{'affected':1500,'total':10000}," \
                 "'geography':{'home_state':'DE','states':{'DE':['clients'],'AT':['clients']}}," \
                 "'data_losses':{'intrusion':true}}"

typedef struct {
  char                  *dir;
  VigilStore            *store;
  VigilWorkspace        *workspace;
  VigilIncident         *incident;   /* the workspace's */
  VigilDoraReportEditor *editor;
  int                    width;      /* of the editor's window, 0 for its own */
  gboolean               done;
  GError                *error;
} Fixture;

static void
on_loaded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Fixture *f = user_data;

  vigil_workspace_load_finish (VIGIL_WORKSPACE (object), result, &f->error);
  f->done = TRUE;
}

static void show_editor (Fixture    *f,
                         VigilRole   role,
                         const char *incident_id);

static void
open_editor (Fixture   *f,
             VigilRole  role)
{
  g_autoptr(VigilIncident) created = NULL;
  g_autoptr(VigilIncident) classified = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) earlier = g_date_time_add_hours (now, -3);
  g_autofree char *when = vigil_time_to_iso (earlier);
  g_autofree char *payload = g_strdup_printf ("{'title':'Card payments down','type':'ddos',"
                                              "'detected_at':'%s','aware_at':'%s'}",
                                              when, when);

  created = test_core_apply (f->store, NULL, "incident.create", ANALYST, VIGIL_ROLE_ANALYST,
                             payload);
  classified = test_core_apply (f->store, created, "dora.classify", ANALYST,
                                VIGIL_ROLE_ANALYST, "{'criteria':" CRITERIA "}");
  show_editor (f, role, vigil_incident_get_id (classified));
}

static void
show_editor (Fixture    *f,
             VigilRole   role,
             const char *incident_id)
{
  f->workspace = vigil_workspace_new (f->store, ANALYST, role);
  vigil_workspace_load_async (f->workspace, NULL, on_loaded_cb, f);
  WAIT_UNTIL (f->done, "the workspace to load");
  g_assert_no_error (f->error);
  f->incident = g_object_ref (vigil_workspace_lookup (f->workspace, incident_id));
  g_assert_nonnull (f->incident);

  f->editor = g_object_ref (VIGIL_DORA_REPORT_EDITOR (
                              vigil_dora_report_editor_new (NULL, f->workspace, f->incident)));
  if (f->width > 0)
    gtk_window_set_default_size (GTK_WINDOW (f->editor), f->width, 820);
  gtk_window_present (GTK_WINDOW (f->editor));
  test_gui_wait_painted (GTK_WIDGET (f->editor));
}

/* The window says which incident its reports are for, narrow or wide. */
static void
test_incident_header (Fixture       *f,
                      gconstpointer  data)
{
  int width = GPOINTER_TO_INT (data);
  const char *reference;
  g_autofree char *title = NULL;
  g_autofree char *shot = g_strdup_printf ("dora-report-editor-%d", width);
  GtkWidget *reference_label, *title_label;

  f->width = width;
  open_editor (f, VIGIL_ROLE_ANALYST);
  reference = vigil_incident_get_reference (f->incident);
  g_assert_nonnull (reference);
  title = g_strdup_printf ("DORA Reports — %s", reference);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (f->editor)), ==, title);

  reference_label = test_gui_find_by_name (GTK_WIDGET (f->editor), "incident-reference");
  title_label = test_gui_find_by_name (GTK_WIDGET (f->editor), "incident-title");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (reference_label)), ==, reference);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (title_label)), ==, "Card payments down");
  g_assert_true (gtk_widget_get_mapped (reference_label));
  g_assert_true (gtk_widget_get_mapped (title_label));
  /* The window keeps the width asked for: nothing in it forces it wider. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->editor)), <=, width);

  test_gui_wait_painted (GTK_WIDGET (f->editor));
  test_gui_shoot (GTK_WINDOW (f->editor), shot);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->store = test_core_open_temp_store ("vigil-test-dora-editor-XXXXXX", &f->dir, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->editor != NULL)
    {
      WAIT_UNTIL (!vigil_dora_report_editor_get_busy (f->editor), "the drafts to be saved");
      gtk_window_destroy (GTK_WINDOW (f->editor));
      g_assert_finalize_object (f->editor);
    }
  g_clear_object (&f->incident);
  if (f->workspace != NULL)
    g_assert_finalize_object (f->workspace);
  vigil_store_close (f->store);
  g_assert_finalize_object (f->store);
  test_core_remove_tree (f->dir);
  g_free (f->dir);
  g_clear_error (&f->error);
}

static GtkWidget *
page_of (Fixture             *f,
         VigilDoraReportForm  form)
{
  GtkWidget *stack = test_gui_find_by_type (GTK_WIDGET (f->editor), ADW_TYPE_VIEW_STACK);
  GtkWidget *page = adw_view_stack_get_child_by_name (ADW_VIEW_STACK (stack),
                                                      vigil_dora_form_to_string (form));

  g_assert_nonnull (page);
  return page;
}

static GtkWidget *
field_of (Fixture             *f,
          VigilDoraReportForm  form,
          const char          *no)
{
  g_autofree char *name = g_strdup_printf ("field-%s", no);
  GtkWidget *widget = test_gui_find_by_name (page_of (f, form), name);

  g_assert_nonnull (widget);
  return widget;
}

static JsonObject *
draft_of (VigilIncident *incident,
          const char    *form)
{
  JsonObject *dora = vigil_incident_get_dora (incident);
  JsonObject *drafts = dora && json_object_has_member (dora, "drafts")
                       ? json_object_get_object_member (dora, "drafts") : NULL;

  return drafts && json_object_has_member (drafts, form)
         ? json_object_get_object_member (drafts, form) : NULL;
}

static gboolean
draft_has (VigilIncident *incident,
           const char    *form,
           const char    *no)
{
  JsonObject *draft = draft_of (incident, form);

  return draft != NULL && json_object_has_member (draft, no);
}

static void
on_exported_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Fixture *f = user_data;

  vigil_dora_report_editor_export_finish (VIGIL_DORA_REPORT_EDITOR (object), result, &f->error);
  f->done = TRUE;
}

static const char *
exported_value (JsonArray  *fields,
                const char *no)
{
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonObject *item = json_array_get_object_element (fields, i);

      if (g_str_equal (json_object_get_string_member (item, "no"), no))
        return JSON_NODE_HOLDS_NULL (json_object_get_member (item, "value"))
               ? NULL : json_object_get_string_member (item, "value");
    }
  g_assert_not_reached ();
}

static guint
count_drafts_in_log (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) log = vigil_store_list_log (f->store, vigil_incident_get_id (f->incident),
                                                   &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < log->len; i++)
    {
      VigilLogEntry *entry = g_ptr_array_index (log, i);

      if (vigil_op_get_kind (entry->op) == VIGIL_OP_DORA_REPORT_DRAFT)
        n++;
    }
  return n;
}

static void
test_draft_export_submit (Fixture       *f,
                          gconstpointer  data)
{
  const char *reference;
  GtkWidget *entry, *source, *complete, *version_row;
  g_autofree char *json_path = NULL;
  g_autoptr(GFile) json_file = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  JsonArray *fields;

  open_editor (f, VIGIL_ROLE_ANALYST);
  reference = vigil_incident_get_reference (f->incident);
  g_assert_nonnull (reference);
  g_assert_cmpint (vigil_dora_report_editor_get_form (f->editor), ==, VIGIL_DORA_FORM_INITIAL);
  g_assert_true (gtk_widget_get_visible (test_gui_find_by_name (GTK_WIDGET (f->editor),
                                                                "record-submission")));

  /* The incident's reference is there, marked as taken from the incident. */
  entry = field_of (f, VIGIL_DORA_FORM_INITIAL, "2.1");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, reference);
  source = test_gui_find_label_containing (test_gui_find_by_name (page_of (f, VIGIL_DORA_FORM_INITIAL),
                                                                  "row-2.1"),
                                           "From the incident");
  g_assert_nonnull (source);
  g_assert_true (gtk_widget_get_visible (source));

  /* 1.2 is mandatory and empty: flagged in words. */
  complete = test_gui_find_by_name (page_of (f, VIGIL_DORA_FORM_INITIAL), "completeness");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (complete)), "1.2"));
  g_assert_nonnull (test_gui_find_label_containing (
                      test_gui_find_by_name (page_of (f, VIGIL_DORA_FORM_INITIAL), "row-1.2"),
                      "Mandatory, still empty"));

  /* Typed: saved as a draft operation after the pause. */
  entry = field_of (f, VIGIL_DORA_FORM_INITIAL, "1.2");
  gtk_editable_set_text (GTK_EDITABLE (entry), "Acme Bank AG");
  g_assert_true (vigil_dora_report_editor_get_busy (f->editor));
  WAIT_UNTIL (draft_has (f->incident, "initial", "1.2"), "1.2 to be saved");
  WAIT_UNTIL (!vigil_dora_report_editor_get_busy (f->editor), "the save to end");
  g_assert_cmpstr (json_object_get_string_member (draft_of (f->incident, "initial"), "1.2"), ==,
                   "Acme Bank AG");
  g_assert_cmpuint (count_drafts_in_log (f), ==, 1);
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (complete)), "1.2,"));

  /* A value that is not one of its type is not sent, and says why. */
  entry = field_of (f, VIGIL_DORA_FORM_INITIAL, "1.14");
  gtk_editable_set_text (GTK_EDITABLE (entry), "not a LEI");
  g_assert_nonnull (test_gui_find_label_containing (
                      test_gui_find_by_name (page_of (f, VIGIL_DORA_FORM_INITIAL), "row-1.14"),
                      "is not a valid LEI"));
  g_assert_false (vigil_dora_report_editor_get_busy (f->editor));
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  WAIT_UNTIL (!vigil_dora_report_editor_get_busy (f->editor), "the clear to be saved");

  /* A yes/no answer through its drop-down. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (field_of (f, VIGIL_DORA_FORM_INITIAL, "2.9")), 2);
  WAIT_UNTIL (draft_has (f->incident, "initial", "2.9"), "2.9 to be saved");
  g_assert_false (json_object_get_boolean_member (draft_of (f->incident, "initial"), "2.9"));

  /* Exported as JSON for the authority: the spec's numbers and names. */
  json_path = g_build_filename (f->dir, "initial.json", NULL);
  json_file = g_file_new_for_path (json_path);
  f->done = FALSE;
  vigil_dora_report_editor_export_async (f->editor, VIGIL_DORA_EXPORT_JSON, json_file, NULL,
                                         on_exported_cb, f);
  WAIT_UNTIL (f->done, "the export");
  g_assert_no_error (f->error);
  json_parser_load_from_file (parser, json_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                  "report"), ==, "initial");
  fields = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                         "fields");
  g_assert_cmpuint (json_array_get_length (fields), ==, 25);
  g_assert_cmpstr (exported_value (fields, "1.1"), ==, "initial_notification");
  g_assert_cmpstr (exported_value (fields, "1.2"), ==, "Acme Bank AG");
  g_assert_cmpstr (exported_value (fields, "2.1"), ==, reference);
  g_assert_null (exported_value (fields, "1.3"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (fields, 1),
                                                  "name"), ==,
                   "Name of the entity submitting the report");

  /* Recorded as submitted: version 1 in the list, the next one is 2. */
  vigil_dora_report_editor_record_submission (f->editor, now, "BaFin", "BAF-2025-1");
  WAIT_UNTIL (test_gui_find_by_name (page_of (f, VIGIL_DORA_FORM_INITIAL), "version-1") != NULL,
              "version 1 to show");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (
                      test_gui_find_by_name (page_of (f, VIGIL_DORA_FORM_INITIAL), "version-1"))),
                            "BaFin, reference BAF-2025-1"));
  version_row = test_gui_find_by_name (page_of (f, VIGIL_DORA_FORM_INITIAL), "version");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (version_row)), ==, "Version 2");

  /* The intermediate report carries the entity over and now has a clock. */
  vigil_dora_report_editor_set_form (f->editor, VIGIL_DORA_FORM_INTERMEDIATE);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field_of (f, VIGIL_DORA_FORM_INTERMEDIATE,
                                                                  "1.2"))), ==,
                   "Acme Bank AG");
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (
                   test_gui_find_by_name (page_of (f, VIGIL_DORA_FORM_INTERMEDIATE), "deadline"))),
                         "No deadline"));

  /* Clients' financial interests hit: the notification is asked for. */
  g_assert_false (gtk_widget_is_visible (test_gui_find_by_name (
                    page_of (f, VIGIL_DORA_FORM_INTERMEDIATE), "clients")));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (field_of (f, VIGIL_DORA_FORM_INTERMEDIATE, "3.30")),
                              1);
  WAIT_UNTIL (draft_has (f->incident, "intermediate", "3.30"), "3.30 to be saved");
  WAIT_UNTIL (!vigil_dora_report_editor_get_busy (f->editor), "the save to end");
  {
    GtkWidget *clients = test_gui_find_by_name (page_of (f, VIGIL_DORA_FORM_INTERMEDIATE),
                                                "clients");

    g_assert_true (gtk_widget_is_visible (clients));
    /* Not approved yet: it says where to draft it. */
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (clients)),
                              "step 10"));
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (clients)),
                              "Marked just now"));
  }

  test_gui_shoot (GTK_WINDOW (f->editor), "dora-report-intermediate");
  if (g_getenv ("VIGIL_SHOT_DIR") != NULL)
    {
      GtkWidget *page = page_of (f, VIGIL_DORA_FORM_INTERMEDIATE);
      GtkWidget *row = test_gui_find_by_name (page, "row-3.12");
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (page));
      graphene_point_t point;

      g_assert_true (gtk_widget_compute_point (row, gtk_scrolled_window_get_child (
                                                 GTK_SCROLLED_WINDOW (page)),
                                               &GRAPHENE_POINT_INIT (0, 0), &point));
      gtk_adjustment_set_value (adjustment, point.y - 40);
      test_gui_shoot (GTK_WINDOW (f->editor), "dora-report-intermediate-fields");
      gtk_adjustment_set_value (adjustment, 0);
    }
  vigil_dora_report_editor_set_form (f->editor, VIGIL_DORA_FORM_INITIAL);
  test_gui_shoot (GTK_WINDOW (f->editor), "dora-report-initial");

  /* The dialog asks for time, authority and reference. */
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.record-submission", NULL);
  {
    g_autoptr(GList) toplevels = gtk_window_list_toplevels ();
    AdwMessageDialog *dialog = NULL;

    for (GList *l = toplevels; l != NULL; l = l->next)
      if (ADW_IS_MESSAGE_DIALOG (l->data))
        dialog = l->data;
    g_assert_nonnull (dialog);
    g_assert_nonnull (test_gui_find_label_containing (GTK_WIDGET (dialog), "Version 2"));
    test_gui_shoot (GTK_WINDOW (dialog), "dora-report-record");
    adw_message_dialog_response (dialog, "cancel");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
}

static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  GtkWidget *blocked;

  open_editor (f, VIGIL_ROLE_ANALYST);
  /* No threat was assessed: its notification says why it cannot be drafted. */
  blocked = test_gui_find_by_name (page_of (f, VIGIL_DORA_FORM_THREAT), "blocked");
  g_assert_true (gtk_widget_get_visible (blocked));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (blocked)), "not assessed"));
  g_assert_false (gtk_widget_get_sensitive (field_of (f, VIGIL_DORA_FORM_THREAT, "13")));
  g_assert_true (gtk_widget_get_sensitive (field_of (f, VIGIL_DORA_FORM_FINAL, "4.1")));
  gtk_window_destroy (GTK_WINDOW (f->editor));
  g_assert_finalize_object (f->editor);
  f->editor = NULL;
  g_clear_object (&f->incident);
  g_assert_finalize_object (f->workspace);
  f->workspace = NULL;
  vigil_store_close (f->store);
  g_assert_finalize_object (f->store);
  test_core_remove_tree (f->dir);
  g_free (f->dir);
  f->done = FALSE;
  fixture_setup (f, data);

  open_editor (f, VIGIL_ROLE_MANAGER);

  g_assert_false (gtk_widget_get_visible (test_gui_find_by_name (GTK_WIDGET (f->editor),
                                                                 "record-submission")));
  g_assert_false (gtk_widget_get_sensitive (field_of (f, VIGIL_DORA_FORM_INITIAL, "1.2")));
  g_assert_false (gtk_widget_get_sensitive (field_of (f, VIGIL_DORA_FORM_FINAL, "4.1")));
}

/* The incident page offers the reports once the incident has a DORA record. */
static void
test_entry_point (Fixture       *f,
                  gconstpointer  data)
{
  GtkWidget *window = gtk_window_new ();
  VigilIncidentPage *page = VIGIL_INCIDENT_PAGE (vigil_incident_page_new ());
  g_autoptr(VigilIncident) plain = NULL;
  GtkWidget *button;

  open_editor (f, VIGIL_ROLE_ANALYST);
  gtk_window_destroy (GTK_WINDOW (f->editor));
  g_assert_finalize_object (f->editor);
  f->editor = NULL;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  vigil_incident_page_set_workspace (page, f->workspace);
  vigil_incident_page_set_incident (page, f->incident);
  button = test_gui_find_by_name (GTK_WIDGET (page), "dora-report-editor-button");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));

  plain = test_core_apply (f->store, NULL, "incident.create", ANALYST, VIGIL_ROLE_ANALYST,
                           "{'title':'Phishing wave','type':'phishing'}");
  vigil_incident_page_set_incident (page, plain);
  g_assert_false (gtk_widget_get_visible (button));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Approved, so step 10 is open: the page opens the composer on the
 * client template. */
static void
test_client_notification (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) earlier = g_date_time_add_hours (now, -3);
  g_autofree char *when = vigil_time_to_iso (earlier);
  g_autofree char *payload = g_strdup_printf ("{'title':'Card payments down','type':'ddos',"
                                              "'severity':'high','detected_at':'%s',"
                                              "'aware_at':'%s'}", when, when);
  g_autoptr(VigilIncident) created = test_core_apply (f->store, NULL, "incident.create", ANALYST,
                                                      VIGIL_ROLE_ANALYST, payload);
  g_autoptr(VigilIncident) summary = test_core_apply (f->store, created, "form.update", ANALYST,
                                                      VIGIL_ROLE_ANALYST,
                                                      "{'form':'findings','fields':"
                                                      "{'summary':'Gateway flooded'}}");
  g_autoptr(VigilIncident) escalated = test_core_apply (f->store, summary, "form.update",
                                                        ANALYST, VIGIL_ROLE_ANALYST,
                                                        "{'form':'escalate','fields':"
                                                        "{'escalate':false}}");
  g_autoptr(VigilIncident) classified = test_core_apply (f->store, escalated, "dora.classify",
                                                         ANALYST, VIGIL_ROLE_ANALYST,
                                                         "{'criteria':" CRITERIA "}");
  g_autoptr(VigilIncident) submitted = test_core_apply (f->store, classified, "approval.submit",
                                                        ANALYST, VIGIL_ROLE_ANALYST, "{}");
  g_autoptr(VigilIncident) approved = test_core_apply (f->store, submitted, "approval.decide",
                                                       "lena", VIGIL_ROLE_LEAD,
                                                       "{'decision':'approve','comment':'Go'}");
  g_autoptr(VigilIncident) drafted = test_core_apply (f->store, approved, "dora.report_draft",
                                                      ANALYST, VIGIL_ROLE_ANALYST,
                                                      "{'report':'intermediate','fields':"
                                                      "{'3.30':'yes'}}");
  GtkWidget *clients, *button;
  VigilNotificationComposer *composer = NULL;
  g_autofree char *subject = NULL;

  show_editor (f, VIGIL_ROLE_ANALYST, vigil_incident_get_id (drafted));
  vigil_dora_report_editor_set_form (f->editor, VIGIL_DORA_FORM_INTERMEDIATE);
  clients = test_gui_find_by_name (page_of (f, VIGIL_DORA_FORM_INTERMEDIATE), "clients");
  g_assert_true (gtk_widget_is_visible (clients));
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (clients)), "step 10"));
  button = test_gui_find_by_name (clients, "draft-client-notification");
  g_assert_true (gtk_widget_is_visible (button));
  g_signal_emit_by_name (button, "clicked");

  {
    g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

    for (GList *l = toplevels; l != NULL; l = l->next)
      if (VIGIL_IS_NOTIFICATION_COMPOSER (l->data))
        composer = l->data;
  }
  g_assert_nonnull (composer);
  subject = vigil_notification_composer_dup_subject (composer);
  g_assert_nonnull (strstr (subject, "Important information about an incident"));
  g_assert_nonnull (strstr (subject, vigil_incident_get_reference (f->incident)));
  g_object_add_weak_pointer (G_OBJECT (composer), (gpointer *) &composer);
  gtk_window_destroy (GTK_WINDOW (composer));
  WAIT_UNTIL (composer == NULL, "the composer to go");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!test_gui_init_display ())
    return 0;

  g_test_add ("/vigil/dora-report-editor/draft-export-submit", Fixture, NULL, fixture_setup,
              test_draft_export_submit, fixture_teardown);
  g_test_add ("/vigil/dora-report-editor/read-only", Fixture, NULL, fixture_setup,
              test_read_only, fixture_teardown);
  g_test_add ("/vigil/dora-report-editor/entry-point", Fixture, NULL, fixture_setup,
              test_entry_point, fixture_teardown);
  g_test_add ("/vigil/dora-report-editor/client-notification", Fixture, NULL, fixture_setup,
              test_client_notification, fixture_teardown);
  g_test_add ("/vigil/dora-report-editor/incident-header/990", Fixture, GINT_TO_POINTER (990),
              fixture_setup, test_incident_header, fixture_teardown);
  g_test_add ("/vigil/dora-report-editor/incident-header/1400", Fixture,
              GINT_TO_POINTER (1400), fixture_setup, test_incident_header, fixture_teardown);

  return g_test_run ();
}
