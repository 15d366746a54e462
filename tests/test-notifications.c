/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include <vigil/vigil.h>

#include "vigil-approvals-view.h"
#include "vigil-incident-page.h"
#include "vigil-notification-composer.h"
#include "vigil-window.h"
#include "test-gui-util.h"
#include "test-core-util.h"

typedef struct {
  char              *dir;
  char              *db_path;
  VigilStore        *store;
  VigilWorkspace    *workspace;
  VigilWindow       *window;
  VigilIncidentPage *page;
} Fixture;

/* Helpers */

static VigilIncident *
apply (Fixture     *fixture,
       VigilOpKind  kind,
       const char  *incident_id,
       JsonObject  *payload,
       GError     **error)
{
  g_autoptr(VigilOp) op = NULL;
  gint64 rev = 0;

  if (incident_id != NULL)
    {
      g_autoptr(VigilIncident) current = vigil_store_get_incident (fixture->store, incident_id,
                                                                    NULL);
      g_assert_nonnull (current);
      rev = vigil_incident_get_revision (current);
    }
  op = vigil_op_new (kind, incident_id, "analyst1", rev, payload);
  return vigil_store_apply (fixture->store, op, VIGIL_ROLE_ANALYST, NULL, NULL, error);
}

static void approve (Fixture    *fixture,
                     const char *incident_id);

static char *
add_incident (Fixture    *fixture,
              const char *title)
{
  JsonObject *payload = json_object_new ();
  g_autoptr(VigilIncident) incident = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) earlier = g_date_time_add_hours (now, -3);
  g_autofree char *when = vigil_time_to_iso (earlier);
  g_autoptr(GError) error = NULL;
  char *id;

  json_object_set_string_member (payload, "title", title);
  json_object_set_string_member (payload, "type", "malware");
  json_object_set_string_member (payload, "detected_at", when);
  json_object_set_string_member (payload, "aware_at", when);
  incident = apply (fixture, VIGIL_OP_INCIDENT_CREATE, NULL, payload, &error);
  g_assert_no_error (error);
  id = g_strdup (vigil_incident_get_id (incident));
  approve (fixture, id);
  return id;
}

static void
update_form (Fixture    *fixture,
             const char *incident_id,
             const char *form,
             JsonObject *fields)
{
  JsonObject *payload = json_object_new ();
  g_autoptr(VigilIncident) incident = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (payload, "form", form);
  json_object_set_object_member (payload, "fields", fields);
  incident = apply (fixture, VIGIL_OP_FORM_UPDATE, incident_id, payload, &error);
  g_assert_no_error (error);
}

/* Steps 9 to 11 open once a lead has approved the analysis. */
static void
approve (Fixture    *fixture,
         const char *incident_id)
{
  JsonObject *payload = json_object_new ();
  JsonObject *fields;
  g_autoptr(VigilIncident) updated = NULL;
  g_autoptr(VigilIncident) submitted = NULL;
  g_autoptr(VigilIncident) decided = NULL;
  g_autoptr(VigilOp) op = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (payload, "severity", "medium");
  updated = apply (fixture, VIGIL_OP_INCIDENT_UPDATE, incident_id, payload, &error);
  g_assert_no_error (error);
  fields = json_object_new ();
  json_object_set_string_member (fields, "summary", "Encrypted shares on one file server");
  update_form (fixture, incident_id, "findings", fields);
  fields = json_object_new ();
  json_object_set_boolean_member (fields, "escalate", FALSE);
  update_form (fixture, incident_id, "escalate", fields);
  submitted = apply (fixture, VIGIL_OP_APPROVAL_SUBMIT, incident_id, json_object_new (), &error);
  g_assert_no_error (error);

  payload = json_object_new ();
  json_object_set_string_member (payload, "decision", "approve");
  json_object_set_string_member (payload, "comment", "Go ahead.");
  op = vigil_op_new (VIGIL_OP_APPROVAL_DECIDE, incident_id, "lead1",
                     vigil_incident_get_revision (submitted), payload);
  decided = vigil_store_apply (fixture->store, op, VIGIL_ROLE_LEAD, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
add_notification (Fixture    *fixture,
                  const char *incident_id,
                  const char *template_id,
                  const char *subject)
{
  JsonObject *payload = json_object_new ();
  JsonObject *item = json_object_new ();
  g_autofree char *item_id = g_uuid_string_random ();
  g_autoptr(VigilIncident) incident = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (item, "id", item_id);
  json_object_set_string_member (item, "audience", "other");
  json_object_set_string_member (item, "template", template_id);
  json_object_set_string_member (item, "subject", subject);
  json_object_set_string_member (payload, "form", "notify");
  json_object_set_string_member (payload, "collection", "notifications");
  json_object_set_object_member (payload, "item", item);
  incident = apply (fixture, VIGIL_OP_ITEM_ADD, incident_id, payload, &error);
  g_assert_no_error (error);
}

static JsonObject *
stored_item (Fixture    *fixture,
             const char *incident_id,
             const char *item_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) incident = vigil_store_get_incident (fixture->store, incident_id,
                                                                 &error);
  JsonObject *item;

  g_assert_no_error (error);
  item = vigil_incident_find_item (incident, "notify", "notifications", item_id);
  return item ? json_object_ref (item) : NULL;
}

static void
open_incident (Fixture    *fixture,
               const char *id)
{
  fixture->workspace = vigil_workspace_new (fixture->store, "analyst1", VIGIL_ROLE_ANALYST);
  fixture->window = test_gui_open_window (fixture->workspace, 1280, 860);
  fixture->page = test_gui_open_incident (fixture->window, id, 10);
}

static VigilNotificationComposer *
find_composer (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    {
      if (VIGIL_IS_NOTIFICATION_COMPOSER (l->data) && gtk_widget_get_visible (l->data))
        return l->data;
    }
  return NULL;
}

static void
close_composer (VigilNotificationComposer *composer)
{
  g_object_add_weak_pointer (G_OBJECT (composer), (gpointer *) &composer);
  gtk_window_destroy (GTK_WINDOW (composer));
  WAIT_UNTIL (composer == NULL, "the composer to go");
}

/* Opens the composer as the step 10 list does. */
static VigilNotificationComposer *
click_open (Fixture    *fixture,
            const char *item_id)
{
  GtkWidget *list = test_gui_find_by_name (GTK_WIDGET (fixture->page), "notifications-list");
  GtkWidget *row = test_gui_find_by_name (list, item_id);
  GtkWidget *open;

  g_assert_nonnull (row);
  open = test_gui_find_by_name (row, "open");
  g_assert_nonnull (open);
  g_signal_emit_by_name (open, "clicked");
  g_assert_nonnull (find_composer ());
  return find_composer ();
}

static const char *
row_subtitle (Fixture    *fixture,
              const char *item_id)
{
  GtkWidget *list = test_gui_find_by_name (GTK_WIDGET (fixture->page), "notifications-list");
  GtkWidget *row = test_gui_find_by_name (list, item_id);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
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

static guint
choice_index (VigilChoiceList  list,
              const char      *id)
{
  guint n_choices;
  const VigilChoice *choices = vigil_process_get_choices (list, &n_choices);

  for (guint i = 0; i < n_choices; i++)
    if (g_str_equal (choices[i].id, id))
      return i;
  g_assert_not_reached ();
}

static gboolean
gaps_contain (VigilNotificationComposer *composer,
              const char                *name)
{
  return g_strv_contains (vigil_notification_composer_get_gaps (composer), name);
}

static void
wait_idle (VigilNotificationComposer *composer)
{
  WAIT_UNTIL (!vigil_notification_composer_get_busy (composer), "the notification to be saved");
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->store = test_core_open_temp_store ("vigil-test-notify-XXXXXX", &fixture->dir, &fixture->db_path);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  VigilNotificationComposer *composer;

  while ((composer = find_composer ()) != NULL)
    close_composer (composer);
  if (fixture->window != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (fixture->window));
      g_assert_finalize_object (fixture->window);
      g_assert_finalize_object (fixture->workspace);
    }
  vigil_store_close (fixture->store);
  g_assert_finalize_object (fixture->store);
  test_core_remove_tree (fixture->dir);
  g_free (fixture->db_path);
  g_free (fixture->dir);
}

/* Tests */

static void
test_compose_and_send (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *id = add_incident (fixture, "Ransomware on file server");
  g_autofree char *reference = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *item_id = NULL;
  g_autofree char *eml_path = NULL;
  g_autofree char *md_path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(JsonObject) item = NULL;
  g_autoptr(GError) error = NULL;
  VigilNotificationComposer *composer;
  AdwMessageDialog *dialog;
  GtkWidget *add, *gaps_label;
  JsonObject *payload, *fields;
  g_autoptr(VigilIncident) refused = NULL;

  open_incident (fixture, id);
  reference = g_strdup (vigil_incident_get_reference (vigil_incident_page_get_incident (
                                                        fixture->page)));

  /* New Notification… opens the composer */
  add = test_gui_find_by_name (GTK_WIDGET (fixture->page), "notifications");
  g_assert_nonnull (add);
  g_assert_true (gtk_widget_get_sensitive (add));
  g_signal_emit_by_name (add, "clicked");
  composer = find_composer ();
  g_assert_nonnull (composer);
  g_assert_true (vigil_notification_composer_get_editable (composer));

  /* A template fills the subject from the incident and lists its gaps */
  g_assert_true (vigil_notification_composer_select_template (composer, "executive"));
  subject = vigil_notification_composer_dup_subject (composer);
  g_assert_nonnull (strstr (subject, reference));
  g_assert_true (gaps_contain (composer, "next_update"));
  gaps_label = test_gui_find_by_name (GTK_WIDGET (composer), "gaps");
  g_assert_true (gtk_widget_get_visible (gaps_label));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gaps_label)), "next update"));

  /* Once the text is changed by hand, a value typed in Details fills its
   * gaps and keeps the rest */
  {
    g_autofree char *body = vigil_notification_composer_dup_body (composer);
    g_autofree char *edited = g_strconcat ("Please read at once.\n", body, NULL);
    g_autofree char *shown = NULL;

    vigil_notification_composer_set_body (composer, edited);
    vigil_notification_composer_set_extra (composer, "next_update", "Tuesday 09:00 CET");
    g_assert_false (gaps_contain (composer, "next_update"));
    shown = vigil_notification_composer_dup_body (composer);
    g_assert_true (g_str_has_prefix (shown, "Please read at once.\n"));
    g_assert_nonnull (strstr (shown, "Tuesday 09:00 CET"));
    g_assert_null (strstr (shown, "[to fill in: next_update]"));
  }

  /* Save Draft adds the entry */
  vigil_notification_composer_set_recipients (composer, "ceo@example.com, cfo@example.com");
  item_id = g_strdup (vigil_notification_composer_get_item_id (composer));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.save-draft",
                                             NULL));
  wait_idle (composer);
  g_assert_null (vigil_notification_composer_get_problem (composer));
  item = stored_item (fixture, id, item_id);
  g_assert_nonnull (item);
  g_assert_cmpstr (json_object_get_string_member (item, "audience"), ==, "executive");
  g_assert_cmpstr (json_object_get_string_member (item, "template"), ==, "executive");
  g_assert_cmpstr (json_object_get_string_member (item, "subject"), ==, subject);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (item, "recipients")),
                    ==, 2);
  g_assert_false (json_object_has_member (item, "sent"));
  g_clear_pointer (&item, json_object_unref);
  close_composer (composer);

  /* The list shows the draft; reopened, it edits the same entry */
  WAIT_UNTIL (test_gui_find_by_name (GTK_WIDGET (fixture->page), item_id) != NULL, "the draft in the list");
  g_assert_nonnull (strstr (row_subtitle (fixture, item_id), "Draft"));
  g_assert_null (strstr (row_subtitle (fixture, item_id), "Next update due"));
  composer = click_open (fixture, item_id);
  g_assert_true (vigil_notification_composer_get_editable (composer));
  {
    g_autofree char *shown = vigil_notification_composer_dup_subject (composer);

    g_assert_cmpstr (shown, ==, subject);
  }
  vigil_notification_composer_set_body (composer, "We contained it. Next update Tuesday.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.save-draft",
                                             NULL));
  wait_idle (composer);
  g_assert_null (vigil_notification_composer_get_problem (composer));
  item = stored_item (fixture, id, item_id);
  g_assert_cmpstr (json_object_get_string_member (item, "body"), ==,
                   "We contained it. Next update Tuesday.");
  g_clear_pointer (&item, json_object_unref);

  /* The promised next update and the contact are stored with the draft and
   * come back when it is reopened; a time is kept as ISO 8601 */
  vigil_notification_composer_set_extra (composer, "next_update", "2030-05-06 10:30");
  vigil_notification_composer_set_extra (composer, "contact", "Ana Ruiz, +49 30 1234");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.save-draft",
                                             NULL));
  wait_idle (composer);
  g_assert_null (vigil_notification_composer_get_problem (composer));
  item = stored_item (fixture, id, item_id);
  {
    g_autoptr(GDateTime) expected = g_date_time_new_local (2030, 5, 6, 10, 30, 0);
    g_autoptr(GDateTime) stored = vigil_time_from_iso (json_object_get_string_member (item,
                                                                                     "next_update"));

    g_assert_nonnull (stored);
    g_assert_true (g_date_time_equal (stored, expected));
  }
  g_assert_cmpstr (json_object_get_string_member (item, "contact"), ==, "Ana Ruiz, +49 30 1234");
  g_clear_pointer (&item, json_object_unref);
  close_composer (composer);
  composer = click_open (fixture, item_id);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (test_gui_find_by_name (GTK_WIDGET (composer),
                                                                               "next_update"))),
                   ==, "2030-05-06 10:30");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (test_gui_find_by_name (GTK_WIDGET (composer),
                                                                               "contact"))),
                   ==, "Ana Ruiz, +49 30 1234");
  {
    g_autofree char *body = vigil_notification_composer_dup_body (composer);

    g_assert_cmpstr (body, ==, "We contained it. Next update Tuesday.");
  }

  /* Mark as Sent…: one update with channel, time and recipients */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.mark-sent", NULL));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  {
    GtkWidget *time_entry = test_gui_find_by_name (GTK_WIDGET (dialog), "sent-at");
    GtkWidget *to = test_gui_find_by_name (GTK_WIDGET (dialog), "sent-recipients");
    g_autofree char *when = NULL;

    /* The time is now unless changed, the recipients those of the draft */
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (to)), ==,
                     "ceo@example.com, cfo@example.com");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (time_entry)), !=, "");
    gtk_drop_down_set_selected (GTK_DROP_DOWN (test_gui_find_by_name (GTK_WIDGET (dialog), "channel")),
                                choice_index (VIGIL_CHOICES_CHANNEL, "email"));
    gtk_editable_set_text (GTK_EDITABLE (to), "ceo@example.com; board@example.com");
    /* As its button does: respond, then close */
    adw_message_dialog_response (dialog, "sent");
    gtk_window_close (GTK_WINDOW (dialog));
  }
  wait_idle (composer);
  g_assert_null (vigil_notification_composer_get_problem (composer));
  item = stored_item (fixture, id, item_id);
  g_assert_true (json_object_has_member (item, "sent"));
  g_assert_false (JSON_NODE_HOLDS_NULL (json_object_get_member (item, "sent")));
  g_assert_cmpstr (json_object_get_string_member (item, "channel"), ==, "email");
  g_assert_true (json_object_has_member (item, "sent_at"));
  {
    JsonArray *to = json_object_get_array_member (item, "recipients");

    g_assert_cmpuint (json_array_get_length (to), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (to, 1), ==, "board@example.com");
  }
  g_clear_pointer (&item, json_object_unref);
  g_assert_false (vigil_notification_composer_get_editable (composer));
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (test_gui_find_by_name (GTK_WIDGET (composer),
                                                                         "subject"))));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (test_gui_find_by_name (GTK_WIDGET (composer),
                                                                         "status"))),
                            "correction"));

  /* Export: an e-mail draft that starts with its headers, and Markdown */
  eml_path = g_build_filename (fixture->dir, "notification.eml", NULL);
  {
    g_autoptr(GFile) file = g_file_new_for_path (eml_path);

    g_assert_true (vigil_notification_composer_export (composer, VIGIL_NOTIFICATION_EML, file,
                                                       &error));
    g_assert_no_error (error);
  }
  g_assert_true (g_file_get_contents (eml_path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "To: ceo@example.com, board@example.com\r\n"));
  g_assert_nonnull (strstr (contents, "\r\nX-Unsent: 1\r\n\r\n"));
  g_assert_nonnull (strstr (contents, "\r\nSubject: "));
  g_clear_pointer (&contents, g_free);
  md_path = g_build_filename (fixture->dir, "notification.md", NULL);
  {
    g_autoptr(GFile) file = g_file_new_for_path (md_path);

    g_assert_true (vigil_notification_composer_export (composer, VIGIL_NOTIFICATION_MARKDOWN,
                                                       file, &error));
    g_assert_no_error (error);
  }
  g_assert_true (g_file_get_contents (md_path, &contents, NULL, &error));
  g_assert_nonnull (strstr (contents, "We contained it."));
  g_clear_pointer (&contents, g_free);
  {
    g_autofree char *pdf_path = g_build_filename (fixture->dir, "notification.pdf", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (pdf_path);

    g_assert_true (vigil_notification_composer_export (composer, VIGIL_NOTIFICATION_PDF,
                                                       file, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (pdf_path, &contents, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (contents, "%PDF"));
    g_unlink (pdf_path);
  }
  close_composer (composer);

  /* The list shows it sent; it opens read-only */
  WAIT_UNTIL (strstr (row_subtitle (fixture, item_id), "Sent on") != NULL, "the sent state");
  g_assert_nonnull (strstr (row_subtitle (fixture, item_id), "E-mail"));
  /* The sent notification promised the next update: the list says when it is due */
  g_assert_nonnull (strstr (row_subtitle (fixture, item_id), "Next update due 2030-05-06 10:30"));
  composer = click_open (fixture, item_id);
  g_assert_false (vigil_notification_composer_get_editable (composer));
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (test_gui_find_by_name (GTK_WIDGET (composer),
                                                                         "subject"))));
  g_assert_false (gtk_widget_get_visible (test_gui_find_by_name (GTK_WIDGET (composer), "save-draft")));
  close_composer (composer);

  /* And the core refuses a change */
  payload = json_object_new ();
  fields = json_object_new ();
  json_object_set_string_member (fields, "subject", "Rewritten afterwards");
  json_object_set_string_member (payload, "form", "notify");
  json_object_set_string_member (payload, "collection", "notifications");
  json_object_set_string_member (payload, "id", item_id);
  json_object_set_object_member (payload, "fields", fields);
  refused = apply (fixture, VIGIL_OP_ITEM_UPDATE, id, payload, &error);
  g_assert_null (refused);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_READ_ONLY);
}

static void
test_update_number (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *id = add_incident (fixture, "Phishing wave");
  g_autofree char *subject = NULL;
  VigilNotificationComposer *composer;

  add_notification (fixture, id, "update", "First update");
  add_notification (fixture, id, "executive", "To the board");
  add_notification (fixture, id, "update", "Second update");

  open_incident (fixture, id);
  g_signal_emit_by_name (test_gui_find_by_name (GTK_WIDGET (fixture->page), "notifications"), "clicked");
  composer = find_composer ();
  g_assert_true (vigil_notification_composer_select_template (composer, "update"));
  subject = vigil_notification_composer_dup_subject (composer);
  g_assert_nonnull (strstr (subject, "Update 3"));
}

static void
test_user_templates (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *id = add_incident (fixture, "Lost laptop");
  g_autofree char *user_dir = vigil_templates_dup_user_dir ();
  g_autofree char *good = g_build_filename (user_dir, "board-brief.txt", NULL);
  g_autofree char *bad = g_build_filename (user_dir, "broken.txt", NULL);
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;
  VigilNotificationComposer *composer;
  GtkWidget *problems;

  g_assert_cmpint (g_mkdir_with_parents (user_dir, 0700), ==, 0);
  g_file_set_contents (good, "Audience: executive\nTitle: Board brief\n"
                       "Subject: Brief on {{reference}}\n\nNext: {{next_update}}\nContact: {{contact}}\n", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (bad, "No header at all\n", -1, &error);
  g_assert_no_error (error);

  open_incident (fixture, id);
  g_signal_emit_by_name (test_gui_find_by_name (GTK_WIDGET (fixture->page), "notifications"), "clicked");
  composer = find_composer ();
  problems = test_gui_find_by_name (GTK_WIDGET (composer), "template-problems");
  g_assert_true (gtk_widget_get_visible (problems));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (problems)), "broken"));

  g_assert_true (vigil_notification_composer_select_template (composer, "board-brief"));
  subject = vigil_notification_composer_dup_subject (composer);
  g_assert_true (g_str_has_prefix (subject, "Brief on "));
  g_assert_true (gaps_contain (composer, "next_update"));
  vigil_notification_composer_set_extra (composer, "contact", "Dana, +49 30 1234");
  body = vigil_notification_composer_dup_body (composer);
  g_assert_nonnull (strstr (body, "Contact: Dana, +49 30 1234"));
  g_unlink (good);
  g_unlink (bad);
}

/* A notification to clients waits for a lead: Mark as Sent is refused with
 * the reason, a lead decides in the approvals view of their own window, and
 * what is sent is exactly what the lead approved. */

static void
close_window (Fixture *fixture)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_assert_finalize_object (fixture->window);
  g_assert_finalize_object (fixture->workspace);
  fixture->window = NULL;
  fixture->workspace = NULL;
  fixture->page = NULL;
}

static const char *
approval_text (VigilNotificationComposer *composer)
{
  GtkWidget *label = test_gui_find_by_name (GTK_WIDGET (composer), "approval");

  g_assert_nonnull (label);
  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static gboolean
can_mark_sent (VigilNotificationComposer *composer)
{
  return gtk_widget_get_sensitive (test_gui_find_by_id (GTK_WIDGET (composer), "sent_button"));
}

/* A lead's own window on the same store decides on the notification. */
static void
lead_decides (Fixture    *fixture,
              const char *item_id,
              const char *comment,
              gboolean    approve,
              const char *shot)
{
  g_autoptr(VigilWorkspace) workspace = vigil_workspace_new (fixture->store, "lead1",
                                                             VIGIL_ROLE_LEAD);
  VigilWindow *window = g_object_ref_sink (vigil_window_new (NULL, workspace));
  VigilApprovalsView *view;
  g_autoptr(JsonObject) item = NULL;
  GtkWidget *body;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (vigil_workspace_get_loaded (workspace), "the lead's workspace");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "approvals");
  view = VIGIL_APPROVALS_VIEW (test_gui_find_by_type (GTK_WIDGET (window),
                                                      VIGIL_TYPE_APPROVALS_VIEW));
  WAIT_UNTIL (vigil_approvals_view_get_n_pending (view) == 1, "the draft in Approvals");
  g_assert_cmpstr (vigil_approvals_view_get_shown_notification (view), ==, item_id);
  g_assert_null (vigil_approvals_view_get_notice (view));

  /* The lead reads the very text that is to go out. */
  item = stored_item (fixture, vigil_incident_get_id (vigil_approvals_view_get_shown (view)),
                      item_id);
  body = test_gui_find_by_name (GTK_WIDGET (view), "notification-body");
  g_assert_nonnull (body);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (body)), ==,
                   json_object_get_string_member (item, "body"));
  g_assert_nonnull (test_gui_find_label_containing (GTK_WIDGET (view),
                                                    json_object_get_string_member (item,
                                                                                   "subject")));
  /* Text first, then the decision below it. */
  test_gui_wait_painted (GTK_WIDGET (window));
  {
    GtkWidget *approve_button = test_gui_find_by_id (GTK_WIDGET (view), "approve_button");
    graphene_point_t body_at, approve_at;

    g_assert_true (gtk_widget_compute_point (body, GTK_WIDGET (view),
                                             &GRAPHENE_POINT_INIT (0, 0), &body_at));
    g_assert_true (gtk_widget_compute_point (approve_button, GTK_WIDGET (view),
                                             &GRAPHENE_POINT_INIT (0, 0), &approve_at));
    g_assert_cmpfloat (body_at.y, <, approve_at.y);
    g_assert_null (strstr (gtk_widget_get_tooltip_text (approve_button), "step 9"));
  }
  /* No cryptic hash: who wrote it, in words. */
  g_assert_null (test_gui_find_label_containing (GTK_WIDGET (view), "Text "));
  g_assert_nonnull (test_gui_find_label_containing (GTK_WIDGET (view), "Written by "));

  /* Gaps left: the lead may approve, and is told it cannot go out so. */
  {
    g_auto(GStrv) gaps = vigil_notify_find_gaps (json_object_get_string_member (item, "subject"),
                                                 json_object_get_string_member (item, "body"));
    GtkWidget *warning = test_gui_find_by_name (GTK_WIDGET (view), "notification-gaps");

    if (gaps[0] == NULL)
      g_assert_null (warning);
    else
      {
        g_autofree char *list = vigil_notify_dup_gap_list ((const char * const *) gaps);

        g_assert_nonnull (warning);
        g_assert_true (gtk_widget_get_mapped (warning));
        g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (warning)), list));
        g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (warning)),
                                  "cannot be sent as it is"));
      }
  }

  if (shot != NULL)
    test_gui_shoot (GTK_WINDOW (window), shot);

  if (comment != NULL)
    vigil_approvals_view_set_comment (view, comment);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view),
                                             approve ? "approvals.approve" : "approvals.reject",
                                             NULL));
  WAIT_UNTIL (vigil_approvals_view_get_n_pending (view) == 0, "the decision");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

/* The writer replaces every gap with the facts. */
static void
fill_gaps (VigilNotificationComposer *composer)
{
  g_autofree char *body = vigil_notification_composer_dup_body (composer);
  g_autoptr(GString) filled = g_string_new (NULL);
  const char *at = body;
  const char *gap, *end;

  while ((gap = vigil_notify_match_gap (at, &end, NULL)) != NULL)
    {
      g_string_append_len (filled, at, gap - at);
      g_string_append (filled, "the payment service was down for 40 minutes");
      at = end;
    }
  g_string_append (filled, at);
  vigil_notification_composer_set_body (composer, filled->str);
}

static void
test_external_approval (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *id = add_incident (fixture, "Card payments down");
  g_autofree char *item_id = NULL;
  g_autofree char *approved_subject = NULL;
  g_autofree char *approved_body = NULL;
  g_autoptr(JsonObject) item = NULL;
  VigilNotificationComposer *composer;
  AdwMessageDialog *dialog;

  g_assert_true (vigil_store_get_policy (fixture->store) &
                 VIGIL_POLICY_EXTERNAL_NOTIFICATIONS_NEED_APPROVAL);

  /* An analyst writes to the clients: not to be sent yet, and told why. */
  open_incident (fixture, id);
  g_signal_emit_by_name (test_gui_find_by_name (GTK_WIDGET (fixture->page), "notifications"),
                         "clicked");
  composer = find_composer ();
  g_assert_true (vigil_notification_composer_select_template (composer, "clients"));
  vigil_notification_composer_set_extra (composer, "contact", "Ana Ruiz, +49 30 1234");
  vigil_notification_composer_set_extra (composer, "next_update", "2030-05-06 10:30");
  vigil_notification_composer_set_recipients (composer, "clients@example.com");
  item_id = g_strdup (vigil_notification_composer_get_item_id (composer));
  g_assert_false (can_mark_sent (composer));
  g_assert_nonnull (strstr (approval_text (composer), "approved"));
  gtk_widget_activate_action (GTK_WIDGET (composer), "composer.mark-sent", NULL);
  g_assert_null (find_message_dialog ());

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.save-draft",
                                             NULL));
  wait_idle (composer);
  g_assert_null (vigil_notification_composer_get_problem (composer));
  g_assert_false (can_mark_sent (composer));
  g_assert_nonnull (strstr (approval_text (composer), "Awaiting approval"));

  /* The clients' text has gaps the incident cannot fill yet: listed above
   * the message, and given as a reason beside the lead's. */
  {
    const char * const *gaps = vigil_notification_composer_get_gaps (composer);
    GtkWidget *gaps_label = test_gui_find_by_name (GTK_WIDGET (composer), "gaps");
    const char *tooltip = gtk_widget_get_tooltip_text (test_gui_find_by_id (GTK_WIDGET (composer),
                                                                            "sent_button"));

    g_assert_nonnull (gaps[0]);
    g_assert_true (gtk_widget_get_visible (gaps_label));
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gaps_label)), "to fill in: "));
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gaps_label)),
                              "with the facts"));
    g_assert_nonnull (tooltip);
    g_assert_nonnull (strstr (tooltip, "Awaiting approval"));
    g_assert_nonnull (strstr (tooltip, gtk_label_get_text (GTK_LABEL (gaps_label))));
  }
  test_gui_wait_painted (GTK_WIDGET (composer));
  test_gui_shoot (GTK_WINDOW (composer), "composer-awaiting-approval");

  /* Even past the composer, the core refuses it: the gaps first. */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    const char * const to[] = { "clients@example.com", NULL };

    vigil_notification_composer_mark_sent (composer, "email", now, to);
    wait_idle (composer);
    g_assert_nonnull (vigil_notification_composer_get_problem (composer));
    g_assert_nonnull (strstr (vigil_notification_composer_get_problem (composer),
                              "to fill in: "));
    item = stored_item (fixture, id, item_id);
    g_assert_false (json_object_has_member (item, "sent"));
    g_clear_pointer (&item, json_object_unref);
  }
  close_composer (composer);
  close_window (fixture);

  /* The lead rejects it, saying why. */
  lead_decides (fixture, item_id, "Do not promise a time we cannot keep.", FALSE,
                "approvals-notification");

  open_incident (fixture, id);
  composer = click_open (fixture, item_id);
  g_assert_false (can_mark_sent (composer));
  g_assert_nonnull (strstr (approval_text (composer), "Rejected by lead1"));
  g_assert_nonnull (strstr (approval_text (composer), "Do not promise"));
  test_gui_wait_painted (GTK_WIDGET (composer));
  test_gui_shoot (GTK_WINDOW (composer), "composer-rejected");

  /* Filled in, changed and saved, it waits again. */
  fill_gaps (composer);
  g_assert_null (vigil_notification_composer_get_gaps (composer)[0]);
  g_assert_false (gtk_widget_get_visible (test_gui_find_by_name (GTK_WIDGET (composer), "gaps")));
  {
    g_autofree char *body = vigil_notification_composer_dup_body (composer);
    g_autofree char *edited = g_strconcat (body, "\nWe apologise for the trouble.\n", NULL);

    vigil_notification_composer_set_body (composer, edited);
  }
  g_assert_nonnull (strstr (approval_text (composer), "save the draft"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.save-draft",
                                             NULL));
  wait_idle (composer);
  g_assert_null (vigil_notification_composer_get_problem (composer));
  g_assert_nonnull (strstr (approval_text (composer), "Awaiting approval"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (test_gui_find_by_id (GTK_WIDGET (composer),
                                                                     "sent_button")), ==,
                   approval_text (composer));
  /* Without gaps, it is the lead's approval the core waits for. */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    const char * const to[] = { "clients@example.com", NULL };

    vigil_notification_composer_mark_sent (composer, "email", now, to);
    wait_idle (composer);
    g_assert_nonnull (strstr (vigil_notification_composer_get_problem (composer), "approve"));
  }
  /* As stored: the core keeps no white space at either end. */
  approved_subject = g_strstrip (vigil_notification_composer_dup_subject (composer));
  approved_body = g_strstrip (vigil_notification_composer_dup_body (composer));
  close_composer (composer);
  close_window (fixture);

  lead_decides (fixture, item_id, NULL, TRUE, NULL);

  /* Approved: Mark as Sent is offered and records the approved text. */
  open_incident (fixture, id);
  composer = click_open (fixture, item_id);
  g_assert_true (can_mark_sent (composer));
  g_assert_nonnull (strstr (approval_text (composer), "Approved by lead1"));
  test_gui_wait_painted (GTK_WIDGET (composer));
  test_gui_shoot (GTK_WINDOW (composer), "composer-approved");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.mark-sent", NULL));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (test_gui_find_by_name (GTK_WIDGET (dialog),
                                                                    "channel")),
                              choice_index (VIGIL_CHOICES_CHANNEL, "email"));
  adw_message_dialog_response (dialog, "sent");
  gtk_window_close (GTK_WINDOW (dialog));
  wait_idle (composer);
  g_assert_null (vigil_notification_composer_get_problem (composer));
  g_assert_false (vigil_notification_composer_get_editable (composer));

  item = stored_item (fixture, id, item_id);
  g_assert_true (json_object_has_member (item, "sent"));
  g_assert_cmpstr (json_object_get_string_member (item, "subject"), ==, approved_subject);
  g_assert_cmpstr (json_object_get_string_member (item, "body"), ==, approved_body);
  g_assert_cmpstr (json_object_get_string_member (item, "approval_by"), ==, "lead1");
  {
    g_autofree char *hash = vigil_notification_dup_text_hash (item);

    g_assert_cmpstr (json_object_get_string_member (item, "approval_sha256"), ==, hash);
  }
}

/* Screenshots, to look at: only with VIGIL_SHOT_DIR set. */

static void
test_screenshots (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  const char * const recipients[] = { "board@example.com", NULL };
  VigilNotificationComposer *composer;
  g_autofree char *item_id = NULL;

  if (g_getenv ("VIGIL_SHOT_DIR") == NULL)
    {
      g_test_skip ("Set VIGIL_SHOT_DIR to take screenshots");
      return;
    }

  id = add_incident (fixture, "Ransomware on file server");
  open_incident (fixture, id);
  g_signal_emit_by_name (test_gui_find_by_name (GTK_WIDGET (fixture->page), "notifications"), "clicked");
  composer = find_composer ();
  vigil_notification_composer_select_template (composer, "executive");
  vigil_notification_composer_set_recipients (composer, "board@example.com");
  test_gui_wait_painted (GTK_WIDGET (composer));
  test_gui_shoot (GTK_WINDOW (composer), "composer-draft");
  /* The facts in, it can go. */
  fill_gaps (composer);
  g_assert_null (vigil_notification_composer_get_gaps (composer)[0]);
  item_id = g_strdup (vigil_notification_composer_get_item_id (composer));
  gtk_widget_activate_action (GTK_WIDGET (composer), "composer.mark-sent", NULL);
  test_gui_shoot (GTK_WINDOW (find_message_dialog ()), "composer-mark-sent");
  gtk_window_close (GTK_WINDOW (find_message_dialog ()));
  vigil_notification_composer_mark_sent (composer, "email", now, recipients);
  wait_idle (composer);
  test_gui_shoot (GTK_WINDOW (composer), "composer-sent");
  close_composer (composer);
  WAIT_UNTIL (test_gui_find_by_name (GTK_WIDGET (fixture->page), item_id) != NULL, "the list");
  test_gui_shoot (GTK_WINDOW (fixture->window), "step10");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config = g_dir_make_tmp ("vigil-test-config-XXXXXX", NULL);
  int status;

  /* The user's own templates come from here: start with none. */
  g_assert_nonnull (config);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_test_init (&argc, &argv, NULL);

  if (!test_gui_init_display ())
    return 0;

  g_test_add ("/vigil/notifications/compose-and-send", Fixture, NULL,
              fixture_setup, test_compose_and_send, fixture_teardown);
  g_test_add ("/vigil/notifications/update-number", Fixture, NULL,
              fixture_setup, test_update_number, fixture_teardown);
  g_test_add ("/vigil/notifications/user-templates", Fixture, NULL,
              fixture_setup, test_user_templates, fixture_teardown);
  g_test_add ("/vigil/notifications/external-approval", Fixture, NULL,
              fixture_setup, test_external_approval, fixture_teardown);
  g_test_add ("/vigil/notifications/screenshots", Fixture, NULL,
              fixture_setup, test_screenshots, fixture_teardown);

  status = g_test_run ();
  test_core_remove_tree (config);
  return status;
}
