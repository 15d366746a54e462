/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include <vigil/vigil.h>

#include "vigil-board.h"
#include "vigil-board-column.h"
#include "vigil-incident-card.h"
#include "vigil-incident-page.h"
#include "vigil-item-dialog.h"
#include "vigil-window.h"
#include "test-gui-util.h"
#include "test-core-util.h"


typedef struct {
  char           *dir;
  char           *db_path;
  VigilStore     *store;
  VigilWorkspace *workspace;
  VigilWindow    *window;
  VigilIncidentPage *page;
} Fixture;

/* Helpers */

static GtkWidget *
field_row (Fixture    *fixture,
           const char *field_id)
{
  GtkWidget *row = test_gui_find_by_name (GTK_WIDGET (fixture->page), field_id);

  g_assert_nonnull (row);
  return row;
}

/* The inline problem shown under a field, or NULL. */
static const char *
field_problem (Fixture    *fixture,
               const char *field_id)
{
  GtkWidget *row = field_row (fixture, field_id);
  GtkWidget *error_row = gtk_widget_get_next_sibling (row);

  g_assert_nonnull (error_row);
  if (!gtk_widget_get_visible (error_row))
    return NULL;
  return gtk_label_get_text (GTK_LABEL (gtk_list_box_row_get_child (
                                          GTK_LIST_BOX_ROW (error_row))));
}

static void
set_field_text (Fixture    *fixture,
                const char *field_id,
                const char *text)
{
  GtkWidget *row = field_row (fixture, field_id);

  if (GTK_IS_EDITABLE (row))
    gtk_editable_set_text (GTK_EDITABLE (row), text);
  else
    {
      GtkWidget *view = test_gui_find_by_type (row, GTK_TYPE_TEXT_VIEW);

      g_assert_nonnull (view);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
    }
}

static char *
dup_field_text (Fixture    *fixture,
                const char *field_id)
{
  GtkWidget *row = field_row (fixture, field_id);
  GtkWidget *view;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  if (GTK_IS_EDITABLE (row))
    return g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));
  view = test_gui_find_by_type (row, GTK_TYPE_TEXT_VIEW);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static VigilIncident *
apply (Fixture     *fixture,
       VigilOpKind  kind,
       const char  *incident_id,
       JsonObject  *payload)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilOp) op = NULL;
  gint64 rev = 0;
  VigilIncident *incident;

  if (incident_id != NULL)
    {
      g_autoptr(VigilIncident) current = vigil_store_get_incident (fixture->store, incident_id,
                                                                    &error);
      g_assert_no_error (error);
      rev = vigil_incident_get_revision (current);
    }
  op = vigil_op_new (kind, incident_id, "analyst1", rev, payload);
  incident = vigil_store_apply (fixture->store, op, VIGIL_ROLE_ANALYST, NULL, NULL, &error);
  g_assert_no_error (error);
  return incident;
}

/* The findings and the escalation decision a lead needs. */
static void
fill_for_approval (Fixture    *fixture,
                   const char *incident_id)
{
  JsonObject *findings = json_object_new ();
  JsonObject *escalate = json_object_new ();
  JsonObject *fields;

  fields = json_object_new ();
  json_object_set_string_member (fields, "summary", "What was found");
  json_object_set_string_member (findings, "form", "findings");
  json_object_set_object_member (findings, "fields", fields);
  g_object_unref (apply (fixture, VIGIL_OP_FORM_UPDATE, incident_id, findings));

  fields = json_object_new ();
  json_object_set_boolean_member (fields, "escalate", FALSE);
  json_object_set_string_member (escalate, "form", "escalate");
  json_object_set_object_member (escalate, "fields", fields);
  g_object_unref (apply (fixture, VIGIL_OP_FORM_UPDATE, incident_id, escalate));
}

static char *
add_incident (Fixture    *fixture,
              const char *title)
{
  JsonObject *payload = json_object_new ();
  g_autoptr(VigilIncident) incident = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) earlier = g_date_time_add_hours (now, -3);
  g_autofree char *when = vigil_time_to_iso (earlier);

  json_object_set_string_member (payload, "title", title);
  json_object_set_string_member (payload, "type", "malware");
  json_object_set_string_member (payload, "detected_at", when);
  json_object_set_string_member (payload, "aware_at", when);
  incident = apply (fixture, VIGIL_OP_INCIDENT_CREATE, NULL, payload);
  return g_strdup (vigil_incident_get_id (incident));
}

static VigilIncident *
stored (Fixture    *fixture,
        const char *id)
{
  g_autoptr(GError) error = NULL;
  VigilIncident *incident = vigil_store_get_incident (fixture->store, id, &error);

  g_assert_no_error (error);
  return incident;
}

static void
open_window (Fixture *fixture)
{
  fixture->workspace = vigil_workspace_new (fixture->store, "analyst1", VIGIL_ROLE_ANALYST);
  fixture->window = test_gui_open_window (fixture->workspace, 0, 0);
  fixture->page = VIGIL_INCIDENT_PAGE (test_gui_find_by_id (GTK_WIDGET (fixture->window),
                                                            "incident_page"));
}

static void
close_window (Fixture *fixture)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_assert_finalize_object (fixture->window);
  fixture->window = NULL;
  fixture->page = NULL;
  g_assert_finalize_object (fixture->workspace);
  fixture->workspace = NULL;
}

static void
open_incident (Fixture    *fixture,
               const char *id,
               guint       step)
{
  g_assert_true (test_gui_open_incident (fixture->window, id, step) == fixture->page);
}

static void
wait_saved (Fixture *fixture)
{
  WAIT_UNTIL (!vigil_incident_page_get_busy (fixture->page), "the changes to be saved");
}

static VigilItemDialog *
find_item_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    {
      if (VIGIL_IS_ITEM_DIALOG (l->data))
        return l->data;
    }
  return NULL;
}

static AdwMessageDialog *
find_message_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    {
      if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
        return l->data;
    }
  return NULL;
}

static JsonNode *
string_node (const char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  return node;
}

/* Fixture */

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->store = test_core_open_temp_store ("vigil-test-page-XXXXXX", &fixture->dir, &fixture->db_path);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->window != NULL)
    close_window (fixture);
  vigil_store_close (fixture->store);
  g_assert_finalize_object (fixture->store);

  test_core_remove_tree (fixture->dir);
  g_free (fixture->db_path);
  g_free (fixture->dir);
}

/* Tests */

static void
test_page_findings (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *id = add_incident (fixture, "Ransomware on the payroll file server");
  g_autoptr(VigilIncident) after = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *assets = NULL;
  VigilItemDialog *dialog;
  VigilIncident *incident;
  GtkWidget *add;
  JsonArray *timeline;
  gint64 revision;

  open_window (fixture);
  incident = vigil_workspace_lookup (fixture->workspace, id);
  open_incident (fixture, id, 1);

  /* The header says which incident this is and where it stands. */
  g_assert_nonnull (test_gui_find_label_containing (GTK_WIDGET (fixture->page),
                                           "Ransomware on the payroll file server"));
  g_assert_nonnull (test_gui_find_label_containing (GTK_WIDGET (fixture->page),
                                           vigil_incident_get_reference (incident)));
  g_assert_nonnull (test_gui_find_label_containing (GTK_WIDGET (fixture->page), "Step 1 · "));
  g_assert_null (vigil_incident_page_get_read_only_reason (fixture->page));

  /* Step 6: the findings, typed; nothing goes out before the pause. */
  vigil_incident_page_select_step (fixture->page, 6);
  revision = vigil_incident_get_revision (incident);
  set_field_text (fixture, "summary", "Payroll share encrypted through a phished VPN account.");
  set_field_text (fixture, "involved_assets", "FS-PAY-01, VPN gateway , ");
  set_field_text (fixture, "root_cause", "No second factor on the VPN.");
  g_assert_true (vigil_incident_page_get_busy (fixture->page));
  g_assert_cmpint (vigil_incident_get_revision (incident), ==, revision);
  {
    gint64 typed = g_get_monotonic_time ();
    gint64 saved;

    WAIT_UNTIL (vigil_incident_get_revision (incident) == revision + 1, "the autosave");
    saved = g_get_monotonic_time ();
    g_test_message ("Saved %" G_GINT64_FORMAT " ms after the last change",
                    (saved - typed) / 1000);
    /* Not before the pause, and soon after it (the bound leaves room for a
     * loaded machine). */
    g_assert_cmpint (saved - typed, >=, 700 * 1000);
    g_assert_cmpint (saved - typed, <, 2000 * 1000);
  }
  wait_saved (fixture);
  g_assert_cmpint (vigil_incident_get_revision (incident), ==, revision + 1);
  g_assert_cmpstr (vigil_incident_get_form_string (incident, "findings", "root_cause"), ==,
                   "No second factor on the VPN.");

  /* The last keys are sent when leaving, without waiting for the pause. */
  set_field_text (fixture, "recommendations", "Enforce MFA on remote access.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.back", NULL));
  g_assert_cmpstr (test_gui_window_page (fixture->window), ==, "board");
  WAIT_UNTIL (vigil_incident_get_form_string (incident, "findings", "recommendations") != NULL,
              "the flushed recommendations");

  /* A timeline entry through the entry dialog. */
  open_incident (fixture, id, 6);
  add = test_gui_find_by_name (GTK_WIDGET (fixture->page), "timeline");
  g_assert_true (GTK_IS_BUTTON (add));
  g_signal_emit_by_name (add, "clicked");
  dialog = find_item_dialog ();
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) earlier = g_date_time_add_hours (now, -2);
    g_autofree char *when = vigil_time_to_iso (earlier);
    g_autoptr(JsonNode) at = string_node (when);
    g_autoptr(JsonNode) event = string_node ("First files renamed to *.locked");

    /* A required field left empty keeps the dialog open. */
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "item.save", NULL));
    g_assert_nonnull (vigil_item_dialog_get_problem (dialog, "event"));
    vigil_item_dialog_set_value (dialog, "at", at);
    vigil_item_dialog_set_value (dialog, "event", event);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "item.save", NULL));
  WAIT_UNTIL (dialog == NULL, "the entry dialog to close");
  timeline = vigil_incident_get_items (incident, "findings", "timeline");
  g_assert_nonnull (timeline);
  g_assert_cmpuint (json_array_get_length (timeline), ==, 1);
  WAIT_UNTIL (test_gui_find_label_containing (test_gui_find_by_name (GTK_WIDGET (fixture->page), "timeline-list"),
                                     "First files renamed") != NULL, "the entry in the list");

  /* Removing asks first; cancelling keeps the entry. */
  {
    AdwMessageDialog *confirm;
    GtkWidget *remove = test_gui_find_by_name (test_gui_find_by_name (GTK_WIDGET (fixture->page), "timeline-list"),
                                      "remove");

    g_assert_nonnull (remove);
    g_signal_emit_by_name (remove, "clicked");
    confirm = find_message_dialog ();
    g_assert_nonnull (confirm);
    adw_message_dialog_response (confirm, "cancel");
    gtk_window_destroy (GTK_WINDOW (confirm));
    test_gui_pause_ms (100);
    g_assert_cmpuint (json_array_get_length (vigil_incident_get_items (incident, "findings",
                                                                       "timeline")), ==, 1);

    remove = test_gui_find_by_name (test_gui_find_by_name (GTK_WIDGET (fixture->page), "timeline-list"), "remove");
    g_signal_emit_by_name (remove, "clicked");
    confirm = find_message_dialog ();
    adw_message_dialog_response (confirm, "remove");
    gtk_window_destroy (GTK_WINDOW (confirm));
    WAIT_UNTIL (vigil_incident_get_items (incident, "findings", "timeline") == NULL,
                "the entry to be removed");
    WAIT_UNTIL (test_gui_find_label_containing (test_gui_find_by_name (GTK_WIDGET (fixture->page),
                                                     "timeline-list"), "No entries yet") != NULL,
                "the empty list");
  }

  /* Escape-like back puts the focus on the card again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.back", NULL));
  wait_saved (fixture);
  {
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
    VigilIncidentCard *card = focus ? vigil_board_column_get_card_for_widget (focus) : NULL;

    g_assert_nonnull (card);
    g_assert_true (vigil_incident_card_get_incident (card) == incident);
  }

  /* A new window on the same store: it is all there. */
  close_window (fixture);
  after = stored (fixture, id);
  g_assert_cmpstr (vigil_incident_get_form_string (after, "findings", "summary"), ==,
                   "Payroll share encrypted through a phished VPN account.");

  open_window (fixture);
  open_incident (fixture, id, 6);
  summary = dup_field_text (fixture, "summary");
  g_assert_cmpstr (summary, ==, "Payroll share encrypted through a phished VPN account.");
  assets = dup_field_text (fixture, "involved_assets");
  g_assert_cmpstr (assets, ==, "FS-PAY-01, VPN gateway");
  g_assert_null (test_gui_find_label_containing (GTK_WIDGET (fixture->page), "First files renamed"));
  g_assert_nonnull (test_gui_find_label_containing (test_gui_find_by_name (GTK_WIDGET (fixture->page),
                                                         "timeline-list"), "No entries yet"));
}

static void
test_page_invalid (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *id = add_incident (fixture, "Credential phishing wave");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) future = g_date_time_add_days (now, 2);
  g_autoptr(GDateTime) long_ago = g_date_time_add_days (now, -30);
  g_autofree char *future_text = g_date_time_format (future, "%Y-%m-%d %H:%M");
  g_autofree char *long_ago_text = g_date_time_format (long_ago, "%Y-%m-%d %H:%M");
  VigilIncident *incident;
  gint64 revision;

  open_window (fixture);
  incident = vigil_workspace_lookup (fixture->workspace, id);
  open_incident (fixture, id, 1);
  revision = vigil_incident_get_revision (incident);

  /* Not a time at all: said at once, never sent. */
  set_field_text (fixture, "detected_at", "yesterday morning");
  g_assert_nonnull (field_problem (fixture, "detected_at"));
  g_assert_nonnull (strstr (field_problem (fixture, "detected_at"), "YYYY-MM-DD HH:MM"));
  g_assert_true (gtk_widget_has_css_class (field_row (fixture, "detected_at"), "error"));
  g_assert_false (vigil_incident_page_get_busy (fixture->page));

  /* A detection in the future. */
  set_field_text (fixture, "detected_at", future_text);
  g_assert_nonnull (strstr (field_problem (fixture, "detected_at"), "future"));
  test_gui_pause_ms (1000);
  vigil_incident_page_flush (fixture->page);
  wait_saved (fixture);
  g_assert_cmpint (vigil_incident_get_revision (incident), ==, revision);

  /* An empty title. */
  set_field_text (fixture, "title", "   ");
  g_assert_nonnull (strstr (field_problem (fixture, "title"), "filled in"));
  vigil_incident_page_flush (fixture->page);
  wait_saved (fixture);
  g_assert_cmpstr (vigil_incident_get_title (incident), ==, "Credential phishing wave");
  set_field_text (fixture, "title", "Credential phishing wave, second round");
  g_assert_null (field_problem (fixture, "title"));

  /* Awareness before detection: the core refuses; the reason shows under
   * the field, and the valid title still goes through. */
  set_field_text (fixture, "aware_at", long_ago_text);
  g_assert_null (field_problem (fixture, "aware_at"));
  vigil_incident_page_flush (fixture->page);
  wait_saved (fixture);
  g_assert_nonnull (field_problem (fixture, "aware_at"));
  g_assert_nonnull (strstr (field_problem (fixture, "aware_at"), "detected"));
  g_assert_cmpstr (vigil_incident_get_title (incident), ==,
                   "Credential phishing wave, second round");
  {
    g_autoptr(VigilIncident) in_store = stored (fixture, id);
    g_autoptr(GDateTime) aware = g_date_time_to_local (vigil_incident_get_aware_at (in_store));
    g_autofree char *aware_text = g_date_time_format (aware, "%Y-%m-%d %H:%M");

    g_assert_cmpstr (aware_text, !=, long_ago_text);
    g_assert_cmpint (g_date_time_compare (vigil_incident_get_detected_at (in_store),
                                          vigil_incident_get_aware_at (in_store)), <=, 0);
  }
}

static void
test_page_frozen (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *id = add_incident (fixture, "Lookalike domain of the bank");
  JsonObject *payload;
  GtkWidget *banner;

  payload = json_object_new ();
  json_object_set_string_member (payload, "severity", "high");
  g_object_unref (apply (fixture, VIGIL_OP_INCIDENT_UPDATE, id, payload));
  fill_for_approval (fixture, id);
  g_object_unref (apply (fixture, VIGIL_OP_APPROVAL_SUBMIT, id, json_object_new ()));

  open_window (fixture);
  open_incident (fixture, id, 6);

  /* Submitted: steps 1 to 7 wait for the lead and cannot change. */
  g_assert_nonnull (vigil_incident_page_get_read_only_reason (fixture->page));
  g_assert_nonnull (strstr (vigil_incident_page_get_read_only_reason (fixture->page),
                            "waiting for the lead"));
  banner = test_gui_find_by_id (GTK_WIDGET (fixture->page), "banner");
  g_assert_true (gtk_widget_get_visible (banner));
  g_assert_nonnull (test_gui_find_label_containing (banner, "waiting for the lead"));
  g_assert_false (gtk_widget_get_sensitive (field_row (fixture, "involved_assets")));
  g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (
                    test_gui_find_by_type (field_row (fixture, "summary"), GTK_TYPE_TEXT_VIEW))));
  g_assert_false (gtk_widget_get_sensitive (test_gui_find_by_name (GTK_WIDGET (fixture->page),
                                                          "timeline")));

  vigil_incident_page_select_step (fixture->page, 1);
  g_assert_nonnull (vigil_incident_page_get_read_only_reason (fixture->page));
  g_assert_false (gtk_widget_get_sensitive (field_row (fixture, "title")));

  /* Step 9 opens only after approval. */
  vigil_incident_page_select_step (fixture->page, 9);
  g_assert_nonnull (strstr (vigil_incident_page_get_read_only_reason (fixture->page),
                            "approved"));

  /* The chain of custody is not part of what is approved... but it needs
   * evidence to refer to; its Add stays available. */
  vigil_incident_page_select_step (fixture->page, 2);
  g_assert_false (gtk_widget_get_sensitive (test_gui_find_by_name (GTK_WIDGET (fixture->page),
                                                          "evidence")));
  g_assert_true (gtk_widget_get_sensitive (test_gui_find_by_name (GTK_WIDGET (fixture->page),
                                                         "handovers")));
}

/* After approval: the later steps open, and step 14 is signed off. */
static void
test_page_sign_off (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *id = add_incident (fixture, "Data leak through a shared link");
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilOp) op = NULL;
  g_autoptr(VigilIncident) decided = NULL;
  g_autoptr(VigilIncident) current = NULL;
  JsonObject *payload;
  JsonNode *signature;
  VigilIncident *incident;
  GtkWidget *row;
  GtkWidget *button;

  payload = json_object_new ();
  json_object_set_string_member (payload, "severity", "medium");
  g_object_unref (apply (fixture, VIGIL_OP_INCIDENT_UPDATE, id, payload));
  fill_for_approval (fixture, id);
  g_object_unref (apply (fixture, VIGIL_OP_APPROVAL_SUBMIT, id, json_object_new ()));
  current = stored (fixture, id);
  payload = json_object_new ();
  json_object_set_string_member (payload, "decision", "approve");
  json_object_set_string_member (payload, "comment", "Analysis is sound.");
  op = vigil_op_new (VIGIL_OP_APPROVAL_DECIDE, id, "lead1", vigil_incident_get_revision (current),
                     payload);
  decided = vigil_store_apply (fixture->store, op, VIGIL_ROLE_LEAD, NULL, NULL, &error);
  g_assert_no_error (error);

  open_window (fixture);
  incident = vigil_workspace_lookup (fixture->workspace, id);
  open_incident (fixture, id, 9);
  g_assert_null (vigil_incident_page_get_read_only_reason (fixture->page));
  g_assert_true (gtk_widget_get_sensitive (test_gui_find_by_name (GTK_WIDGET (fixture->page), "actions")));

  vigil_incident_page_select_step (fixture->page, 14);
  row = field_row (fixture, "sign_off");
  g_assert_nonnull (test_gui_find_label_containing (row, "Not signed off yet"));
  button = test_gui_find_by_type (row, GTK_TYPE_BUTTON);
  while (button != NULL && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)),
                                      "_Sign Off") != 0)
    button = gtk_widget_get_next_sibling (button);
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  vigil_incident_page_flush (fixture->page);
  wait_saved (fixture);

  signature = vigil_incident_get_form_value (incident, "finalize", "sign_off");
  g_assert_nonnull (signature);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (signature));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (signature), "by"), ==,
                   "analyst1");
  WAIT_UNTIL (test_gui_find_label_containing (row, "analyst1, ") != NULL, "who signed off");
}

/* Opening another incident while changes wait: they go to the first one. */
static void
test_page_switch (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *first = add_incident (fixture, "Rogue access point in the lobby");
  g_autofree char *second = add_incident (fixture, "Stolen laptop of a trader");
  VigilIncident *a, *b;

  open_window (fixture);
  a = vigil_workspace_lookup (fixture->workspace, first);
  b = vigil_workspace_lookup (fixture->workspace, second);
  open_incident (fixture, first, 5);
  set_field_text (fixture, "technical_impact", "Guest VLAN exposed to the office network.");
  /* The severity is the incident's own field: a second change at once. */
  {
    GtkWidget *severity = field_row (fixture, "severity");

    adw_combo_row_set_selected (ADW_COMBO_ROW (severity), 3);
  }
  g_assert_true (vigil_incident_page_get_busy (fixture->page));
  open_incident (fixture, second, 5);
  wait_saved (fixture);
  WAIT_UNTIL (vigil_incident_get_form_string (a, "severity", "technical_impact") != NULL &&
              vigil_incident_get_severity (a) != NULL, "both changes of the first incident");
  g_assert_cmpstr (vigil_incident_get_form_string (a, "severity", "technical_impact"), ==,
                   "Guest VLAN exposed to the office network.");
  g_assert_null (vigil_incident_get_form_string (b, "severity", "technical_impact"));
  g_assert_null (vigil_incident_get_severity (b));
  g_assert_cmpuint (vigil_incident_page_get_step (fixture->page), ==, 5);
}

/* A manager reads: every field insensitive, the role named as the reason. */
static void
test_page_manager (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *id = add_incident (fixture, "Suspicious mailbox rule");

  fixture->workspace = vigil_workspace_new (fixture->store, "manager1", VIGIL_ROLE_MANAGER);
  fixture->window = g_object_ref_sink (vigil_window_new (NULL, fixture->workspace));
  fixture->page = VIGIL_INCIDENT_PAGE (test_gui_find_by_id (GTK_WIDGET (fixture->window),
                                                   "incident_page"));
  gtk_window_present (GTK_WINDOW (fixture->window));
  WAIT_UNTIL (g_str_equal (test_gui_window_page (fixture->window), "board"), "the board to load");

  open_incident (fixture, id, 1);
  g_assert_nonnull (strstr (vigil_incident_page_get_read_only_reason (fixture->page),
                            "may look at incidents but not change them"));
  g_assert_false (gtk_widget_get_sensitive (field_row (fixture, "title")));
  vigil_incident_page_select_step (fixture->page, 6);
  g_assert_nonnull (vigil_incident_page_get_read_only_reason (fixture->page));
  g_assert_false (gtk_widget_get_sensitive (test_gui_find_by_name (GTK_WIDGET (fixture->page),
                                                          "timeline")));

  /* Escape goes back to the board. */
  test_gui_press_shortcut (GTK_WIDGET (fixture->window), GDK_KEY_Escape, 0);
  g_assert_cmpstr (test_gui_window_page (fixture->window), ==, "board");
  g_assert_false (gtk_widget_get_visible (test_gui_find_by_id (GTK_WIDGET (fixture->window),
                                                      "back_button")));
}

static void
test_page_history (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *id = add_incident (fixture, "Unusual outbound traffic");
  GtkWidget *history;
  GtkWidget *first;

  open_window (fixture);
  open_incident (fixture, id, 3);
  set_field_text (fixture, "notes", "Beaconing every 60 s to a hosting provider.");
  vigil_incident_page_flush (fixture->page);
  wait_saved (fixture);

  vigil_incident_page_show_history (fixture->page);
  history = test_gui_find_by_id (GTK_WIDGET (fixture->page), "history_list");
  WAIT_UNTIL (gtk_widget_get_first_child (history) != NULL, "the history");

  /* Newest first: the form change, who made it and what changed. */
  first = gtk_widget_get_first_child (history);
  g_assert_nonnull (test_gui_find_label_containing (first, "analyst1"));
  g_assert_nonnull (test_gui_find_label_containing (first, "Changed a form"));
  g_assert_nonnull (test_gui_find_label_containing (first,
                                           "Analysis › Analysis notes: — → Beaconing every 60 s"));
  g_assert_nonnull (test_gui_find_label_containing (history, "Recorded the incident"));
  g_assert_nonnull (test_gui_find_label_containing (GTK_WIDGET (fixture->page), "2 changes"));
}


static void
test_page_evidence (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *id = add_incident (fixture, "Exfiltration over DNS");
  g_autofree char *other = add_incident (fixture, "Earlier beaconing from the same host");
  g_autofree char *path = g_build_filename (fixture->dir, "capture.pcap", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *other_reference = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  GtkWidget *overlay;
  VigilItemDialog *dialog;
  VigilIncident *incident;
  JsonArray *evidence;
  JsonArray *verifications;
  JsonObject *item;
  JsonObject *payload;

  /* Three MiB of evidence, so that the hashing takes several reads. */
  for (guint i = 0; i < 3 * 1024 * 1024; i++)
    {
      guint8 byte = (i * 7919) & 0xff;

      g_byte_array_append (bytes, &byte, 1);
    }
  g_assert_true (g_file_set_contents (path, (const char *) bytes->data, bytes->len, &error));
  g_assert_no_error (error);
  expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes->data, bytes->len);

  /* The other incident saw the same domain, written differently. */
  item = json_object_new ();
  json_object_set_string_member (item, "id", "ioc1");
  json_object_set_string_member (item, "type", "domain");
  json_object_set_string_member (item, "value", "Tunnel.Example.org");
  payload = json_object_new ();
  json_object_set_string_member (payload, "form", "correlate");
  json_object_set_string_member (payload, "collection", "indicators");
  json_object_set_object_member (payload, "item", item);
  {
    g_autoptr(VigilIncident) updated = apply (fixture, VIGIL_OP_ITEM_ADD, other, payload);

    other_reference = g_strdup (vigil_incident_get_reference (updated));
  }

  open_window (fixture);
  incident = vigil_workspace_lookup (fixture->workspace, id);
  overlay = test_gui_find_by_id (GTK_WIDGET (fixture->window), "toast_overlay");
  open_incident (fixture, id, 2);

  /* Attach: size and SHA-256 from a worker thread, name and place filled in. */
  g_signal_emit_by_name (test_gui_find_by_name (GTK_WIDGET (fixture->page), "evidence"), "clicked");
  dialog = find_item_dialog ();
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  vigil_item_dialog_attach (dialog, file);
  g_assert_true (vigil_item_dialog_get_busy (dialog));
  g_assert_false (gtk_widget_is_sensitive (test_gui_find_by_id (GTK_WIDGET (dialog), "save_button")));
  WAIT_UNTIL (!vigil_item_dialog_get_busy (dialog), "the hashing");
  g_assert_nonnull (test_gui_find_label_containing (GTK_WIDGET (dialog), expected));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "item.save", NULL));
  WAIT_UNTIL (dialog == NULL, "the evidence to be saved");

  evidence = vigil_incident_get_items (incident, "collect", "evidence");
  g_assert_nonnull (evidence);
  item = json_array_get_object_element (evidence, 0);
  g_assert_cmpstr (json_object_get_string_member (item, "sha256"), ==, expected);
  g_assert_cmpint (json_object_get_int_member (item, "size"), ==, 3 * 1024 * 1024);
  g_assert_cmpstr (json_object_get_string_member (item, "name"), ==, "capture.pcap");
  g_assert_cmpstr (json_object_get_string_member (item, "collected_by"), ==, "analyst1");
  g_assert_true (json_object_has_member (item, "collected_at"));

  /* Verify: the same file matches, and the check joins the chain of custody. */
  vigil_incident_page_verify_evidence (fixture->page, json_object_get_string_member (item, "id"),
                                       file);
  g_assert_true (vigil_incident_page_get_verifying (fixture->page));
  WAIT_UNTIL (test_gui_find_label_containing (overlay, "matches the recorded SHA-256") != NULL,
              "the verification");
  WAIT_UNTIL ((verifications = vigil_incident_get_items (incident, "custody",
                                                         "verifications")) != NULL,
              "the verification record");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (verifications,
                                                                                  0),
                                                  "sha256"), ==, expected);

  /* One byte changed: a mismatch, said plainly. */
  bytes->data[1000] ^= 0xff;
  g_assert_true (g_file_set_contents (path, (const char *) bytes->data, bytes->len, &error));
  vigil_incident_page_verify_evidence (fixture->page,
                                       json_object_get_string_member (
                                         json_array_get_object_element (
                                           vigil_incident_get_items (incident, "collect",
                                                                     "evidence"), 0), "id"),
                                       file);
  WAIT_UNTIL (test_gui_find_label_containing (overlay, "does NOT match") != NULL, "the mismatch");
  WAIT_UNTIL (json_array_get_length (vigil_incident_get_items (incident, "custody",
                                                               "verifications")) == 2,
              "the second record");

  /* Step 4: an indicator shows where else it was seen. */
  item = json_object_new ();
  json_object_set_string_member (item, "id", "ioc2");
  json_object_set_string_member (item, "type", "domain");
  json_object_set_string_member (item, "value", "tunnel.example.org");
  payload = json_object_new ();
  json_object_set_string_member (payload, "form", "correlate");
  json_object_set_string_member (payload, "collection", "indicators");
  json_object_set_object_member (payload, "item", item);
  g_object_unref (apply (fixture, VIGIL_OP_ITEM_ADD, id, payload));
  close_window (fixture);
  open_window (fixture);
  open_incident (fixture, id, 4);
  {
    g_autofree char *seen = g_strdup_printf ("Also seen in %s", other_reference);

    WAIT_UNTIL (test_gui_find_label_containing (test_gui_find_by_name (GTK_WIDGET (fixture->page),
                                                     "indicators-list"), seen) != NULL,
                "the other incident");
  }
}

/* Screenshots, to look at: only with VIGIL_SHOT_DIR set. */

static void
shoot (Fixture    *fixture,
       const char *name)
{
  test_gui_shoot (GTK_WINDOW (fixture->window), name);
}

static void
add_item (Fixture    *fixture,
          const char *id,
          const char *form,
          const char *collection,
          JsonObject *item)
{
  JsonObject *payload = json_object_new ();
  g_autofree char *item_id = g_uuid_string_random ();

  if (!json_object_has_member (item, "id"))
    json_object_set_string_member (item, "id", item_id);
  json_object_set_string_member (payload, "form", form);
  json_object_set_string_member (payload, "collection", collection);
  json_object_set_object_member (payload, "item", item);
  g_object_unref (apply (fixture, VIGIL_OP_ITEM_ADD, id, payload));
}

/* Closing the window within the autosave pause still saves what was typed. */
static void
test_page_close_saves (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *id = add_incident (fixture, "Typed just before closing");
  g_autoptr(VigilIncident) stored = NULL;
  VigilWorkspace *workspace;

  open_window (fixture);
  open_incident (fixture, id, 1);
  vigil_incident_page_select_step (fixture->page, 6);
  set_field_text (fixture, "summary", "Written in the last half second.");
  g_assert_true (vigil_incident_page_get_busy (fixture->page));

  workspace = fixture->workspace;
  gtk_window_close (GTK_WINDOW (fixture->window));
  WAIT_UNTIL (vigil_workspace_get_n_applying (workspace) == 0, "the pending change");
  g_assert_finalize_object (fixture->window);
  fixture->window = NULL;
  fixture->page = NULL;

  stored = vigil_store_get_incident (fixture->store, id, NULL);
  g_assert_cmpstr (vigil_incident_get_form_string (stored, "findings", "summary"), ==,
                   "Written in the last half second.");
  g_assert_finalize_object (fixture->workspace);
  fixture->workspace = NULL;
}

static void
test_page_screenshots (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *other = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) earlier = g_date_time_add_hours (now, -5);
  g_autofree char *when = vigil_time_to_iso (earlier);
  JsonObject *payload, *item, *fields;
  GtkWidget *add;
  VigilItemDialog *dialog;

  if (g_getenv ("VIGIL_SHOT_DIR") == NULL)
    {
      g_test_skip ("Set VIGIL_SHOT_DIR to take screenshots");
      return;
    }

  /* The application's own style, as AdwApplication would load it. */
  {
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (provider, "/org/vigil/Vigil/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  other = add_incident (fixture, "Phishing mail with invoice lure");
  item = json_object_new ();
  json_object_set_string_member (item, "type", "domain");
  json_object_set_string_member (item, "value", "payroll-update.example.net");
  add_item (fixture, other, "correlate", "indicators", item);

  id = add_incident (fixture, "Ransomware on the payroll file server");
  payload = json_object_new ();
  json_object_set_string_member (payload, "description",
                                 "Files on FS-PAY-01 renamed to *.locked; ransom note in every "
                                 "share. Payroll run of Friday at risk.");
  json_object_set_string_member (payload, "detection_method", "monitoring");
  json_object_set_string_member (payload, "reporter", "SOC night shift");
  json_object_set_string_member (payload, "severity", "critical");
  {
    JsonArray *systems = json_array_new ();

    json_array_add_string_element (systems, "FS-PAY-01");
    json_array_add_string_element (systems, "Payroll");
    json_object_set_array_member (payload, "affected_systems", systems);
  }
  g_object_unref (apply (fixture, VIGIL_OP_INCIDENT_UPDATE, id, payload));

  item = json_object_new ();
  json_object_set_string_member (item, "name", "fs-pay-01-security.evtx");
  json_object_set_string_member (item, "kind", "log");
  json_object_set_string_member (item, "location", "/evidence/INC-2026-0002/");
  json_object_set_int_member (item, "size", 48234496);
  json_object_set_string_member (item, "sha256",
                                 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  json_object_set_string_member (item, "collected_by", "analyst1");
  json_object_set_string_member (item, "collected_at", when);
  add_item (fixture, id, "collect", "evidence", item);
  payload = json_object_new ();
  fields = json_object_new ();
  json_object_set_string_member (payload, "form", "collect");
  json_object_set_string_member (payload, "collection", "checklist");
  json_object_set_string_member (payload, "id", "system_logs");
  json_object_set_boolean_member (fields, "done", TRUE);
  json_object_set_string_member (fields, "by", "analyst1");
  json_object_set_string_member (fields, "at", when);
  json_object_set_object_member (payload, "fields", fields);
  g_object_unref (apply (fixture, VIGIL_OP_ITEM_UPDATE, id, payload));

  item = json_object_new ();
  json_object_set_string_member (item, "type", "domain");
  json_object_set_string_member (item, "value", "Payroll-Update.example.net");
  json_object_set_boolean_member (item, "known", TRUE);
  json_object_set_string_member (item, "source", "Open-source feed");
  add_item (fixture, id, "correlate", "indicators", item);
  item = json_object_new ();
  json_object_set_string_member (item, "type", "ip");
  json_object_set_string_member (item, "value", "203.0.113.17");
  add_item (fixture, id, "correlate", "indicators", item);

  open_window (fixture);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1280, 860);
  open_incident (fixture, id, 6);
  shoot (fixture, "step6-empty");

  /* Every other step as a new incident shows it. */
  for (guint step = 3; step <= VIGIL_N_STEPS; step++)
    {
      g_autofree char *name = g_strdup_printf ("step%u-empty", step);

      if (step == 4 || step == 6)
        continue;
      vigil_incident_page_select_step (fixture->page, step);
      shoot (fixture, name);
    }
  vigil_incident_page_select_step (fixture->page, 6);

  set_field_text (fixture, "summary", "The payroll share was encrypted by ransomware that came "
                  "in through a phished VPN account without a second factor.");
  set_field_text (fixture, "involved_assets", "FS-PAY-01, VPN gateway, DC-02");
  set_field_text (fixture, "potential_impacts", "Late salaries for 2,300 employees.");
  set_field_text (fixture, "recommendations", "Enforce MFA on remote access; restore from the "
                  "offline backup of Thursday.");
  set_field_text (fixture, "root_cause", "yesterday");
  vigil_incident_page_flush (fixture->page);
  wait_saved (fixture);
  shoot (fixture, "step6-filled");

  vigil_incident_page_select_step (fixture->page, 1);
  shoot (fixture, "step1");
  vigil_incident_page_select_step (fixture->page, 2);
  shoot (fixture, "step2");
  vigil_incident_page_select_step (fixture->page, 4);
  test_gui_pause_ms (300);
  {
    GtkWidget *scroller = test_gui_find_by_id (GTK_WIDGET (fixture->page), "forms_scroller");
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  }
  shoot (fixture, "step4");

  vigil_incident_page_select_step (fixture->page, 2);
  add = test_gui_find_by_name (GTK_WIDGET (fixture->page), "evidence");
  g_signal_emit_by_name (add, "clicked");
  dialog = find_item_dialog ();
  {
    g_autofree char *path = g_build_filename (fixture->dir, "vigil.db", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);

    vigil_item_dialog_attach (dialog, file);
    WAIT_UNTIL (!vigil_item_dialog_get_busy (dialog), "the hashing");
  }
  test_gui_shoot (GTK_WINDOW (dialog), "evidence-dialog");
  gtk_window_destroy (GTK_WINDOW (dialog));

  vigil_incident_page_show_history (fixture->page);
  WAIT_UNTIL (gtk_widget_get_first_child (test_gui_find_by_id (GTK_WIDGET (fixture->page),
                                                      "history_list")) != NULL, "the history");
  shoot (fixture, "history");

  /* Submitted for approval: the banner and the read-only fields. */
  {
    JsonObject *escalate = json_object_new ();
    JsonObject *decision = json_object_new ();

    json_object_set_boolean_member (decision, "escalate", FALSE);
    json_object_set_string_member (escalate, "form", "escalate");
    json_object_set_object_member (escalate, "fields", decision);
    g_object_unref (apply (fixture, VIGIL_OP_FORM_UPDATE, id, escalate));
  }
  {
    g_autoptr(VigilOp) op = vigil_op_new (VIGIL_OP_APPROVAL_SUBMIT, id, "analyst1",
                                          vigil_incident_get_revision (
                                            vigil_workspace_lookup (fixture->workspace, id)),
                                          json_object_new ());

    vigil_workspace_apply_async (fixture->workspace, op, NULL, NULL, NULL);
  }
  open_incident (fixture, id, 6);
  WAIT_UNTIL (vigil_incident_page_get_read_only_reason (fixture->page) != NULL, "the freeze");
  shoot (fixture, "step6-frozen");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!test_gui_init_display ())
    return 0;

  g_test_add ("/vigil/incident-page/findings", Fixture, NULL,
              fixture_setup, test_page_findings, fixture_teardown);
  g_test_add ("/vigil/incident-page/invalid", Fixture, NULL,
              fixture_setup, test_page_invalid, fixture_teardown);
  g_test_add ("/vigil/incident-page/frozen", Fixture, NULL,
              fixture_setup, test_page_frozen, fixture_teardown);
  g_test_add ("/vigil/incident-page/sign-off", Fixture, NULL,
              fixture_setup, test_page_sign_off, fixture_teardown);
  g_test_add ("/vigil/incident-page/switch", Fixture, NULL,
              fixture_setup, test_page_switch, fixture_teardown);
  g_test_add ("/vigil/incident-page/manager", Fixture, NULL,
              fixture_setup, test_page_manager, fixture_teardown);
  g_test_add ("/vigil/incident-page/close-saves", Fixture, NULL,
              fixture_setup, test_page_close_saves, fixture_teardown);
  g_test_add ("/vigil/incident-page/history", Fixture, NULL,
              fixture_setup, test_page_history, fixture_teardown);
  g_test_add ("/vigil/incident-page/evidence", Fixture, NULL,
              fixture_setup, test_page_evidence, fixture_teardown);
  g_test_add ("/vigil/incident-page/screenshots", Fixture, NULL,
              fixture_setup, test_page_screenshots, fixture_teardown);

  return g_test_run ();
}
