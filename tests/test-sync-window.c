/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The desktop app signed in to a real vigild: the server settings window,
 * the header bar's sync status, live updates on the board, uploading the
 * incidents of local mode, and signing out. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include <vigil/vigil.h>

#include "test-server-util.h"
#include "vigil-application.h"
#include "vigil-preferences-window.h"
#include "vigil-sync-button.h"
#include "vigil-window.h"
#include "test-gui-util.h"


typedef struct {
  TestServer       *ts;
  VigilApplication *app;
  VigilWindow      *window;
  char             *dir;
} Fixture;

static AdwMessageDialog *
find_message_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static VigilWorkspace *
workspace (Fixture *f)
{
  return vigil_application_get_workspace (f->app);
}

static gboolean
has_title (Fixture    *f,
           const char *title)
{
  GListModel *model;

  if (workspace (f) == NULL)
    return FALSE;
  model = vigil_workspace_get_incidents (workspace (f));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VigilIncident) incident = g_list_model_get_item (model, i);

      if (g_strcmp0 (vigil_incident_get_title (incident), title) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_online (Fixture *f)
{
  VigilSync *sync = workspace (f) ? vigil_workspace_get_sync (workspace (f)) : NULL;

  return sync != NULL && vigil_sync_get_state (sync) == VIGIL_SYNC_STATE_ONLINE &&
         vigil_sync_get_n_pending (sync) == 0 && vigil_workspace_get_loaded (workspace (f));
}

static const char *
sync_label (Fixture *f)
{
  GtkWidget *button = test_gui_find_by_type (GTK_WIDGET (f->window), VIGIL_TYPE_SYNC_BUTTON);

  g_assert_nonnull (button);
  return vigil_sync_button_get_label (VIGIL_SYNC_BUTTON (button));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->ts = test_server_start (NULL, NULL);
  test_server_add_user (f->ts, "alice", VIGIL_ROLE_ANALYST);
  test_server_add_user (f->ts, "bob", VIGIL_ROLE_ANALYST);

  /* The app as it starts, in local mode on the test's own folders. */
  f->dir = test_make_tmp_dir ();
  f->app = vigil_application_new ();
  vigil_application_set_data_dir (f->app, f->dir);
  /* An id of its own per test: an application stays exported on the
   * session bus until the process ends. */
  {
    static guint counter;
    g_autofree char *id = g_strdup_printf ("org.vigil.Vigil.Test%u", ++counter);

    g_application_set_application_id (G_APPLICATION (f->app), id);
  }
  g_application_set_flags (G_APPLICATION (f->app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (f->app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (f->app));
  f->window = VIGIL_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (f->app)));
  g_assert_nonnull (f->window);
  WAIT_UNTIL (workspace (f) != NULL && vigil_workspace_get_loaded (workspace (f)),
              "the local store");
  g_assert_cmpstr (sync_label (f), ==, "Local mode");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  /* What the end of g_application_run() does: close the store and stop the
   * sync. The object itself stays: only g_application_run() can take it off
   * the session bus before it goes. */
  g_signal_emit_by_name (f->app, "shutdown");
  test_server_stop (f->ts);
  test_rm_rf (f->dir);
  g_free (f->dir);
}

static VigilPreferencesWindow *
sign_in (Fixture    *f,
         const char *user,
         const char *password)
{
  VigilPreferencesWindow *prefs = vigil_preferences_window_new (f->app);

  /* Not presented: without a window manager, moving the focus between the
   * rows of a shown window makes GTK complain. */
  vigil_preferences_window_sign_in (prefs, f->ts->url, user, password);
  return prefs;
}

static void
test_sign_in_and_live (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *bob = test_server_make_token (f->ts, "bob");
  g_autofree char *id = NULL;
  g_autofree char *session_path = vigil_application_dup_session_path (f->app);
  VigilPreferencesWindow *prefs;
  GStatBuf st;

  /* Made by someone else before Alice signs in. */
  g_free (test_create_incident (f->ts, bob, NULL));

  prefs = sign_in (f, "alice", "wrong password");
  WAIT_UNTIL (vigil_preferences_window_get_error (prefs) != NULL, "the refusal");
  g_assert_nonnull (strstr (vigil_preferences_window_get_error (prefs), "password"));
  g_assert_null (vigil_application_get_session (f->app));

  vigil_preferences_window_sign_in (prefs, f->ts->url, "alice", TEST_PASSWORD);
  WAIT_UNTIL (vigil_application_get_session (f->app) != NULL, "the sign-in");
  WAIT_UNTIL (is_online (f) && has_title (f, "Suspicious login"), "the server's incidents");
  g_assert_cmpstr (sync_label (f), ==, "Online");
  g_assert_cmpstr (vigil_workspace_get_actor (workspace (f)), ==, "alice");

  /* The token is kept where only the user can read it. */
  g_assert_cmpint (g_stat (session_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* Another workstation's change reaches the board by itself. */
  {
    g_autofree char *op = test_op ("incident.create", NULL, 0,
                                   "{'title': 'Beacon to a known C2 domain', "
                                   "'type': 'malware'}");
    g_autoptr(TestReply) reply = test_post_op (f->ts, bob, op);

    g_assert_cmpuint (reply->status, ==, 200);
  }
  WAIT_UNTIL (has_title (f, "Beacon to a known C2 domain"), "the live change");

  /* Alice's own change goes to the server. */
  {
    g_autoptr(VigilOp) op = NULL;
    JsonObject *payload = json_object_new ();
    gboolean done = FALSE;

    json_object_set_string_member (payload, "title", "Made by Alice on her desktop");
    json_object_set_string_member (payload, "type", "phishing");
    op = vigil_op_new (VIGIL_OP_INCIDENT_CREATE, NULL, "alice", 0, payload);
    id = g_strdup (vigil_op_get_incident_id (op));
    vigil_workspace_apply_async (workspace (f), op, NULL, NULL, NULL);
    while (!done)
      {
        g_autoptr(VigilIncident) there = vigil_store_get_incident (f->ts->store, id, NULL);

        done = there != NULL;
        if (!done)
          g_main_context_iteration (NULL, TRUE);
      }
  }
  WAIT_UNTIL (is_online (f), "the outbox to empty");

  /* Signing out, confirmed: local mode, the saved sign-in gone. */
  vigil_application_use_local (f->app);
  WAIT_UNTIL (vigil_application_get_session (f->app) == NULL &&
              vigil_workspace_get_loaded (workspace (f)), "local mode");
  g_assert_null (vigil_workspace_get_sync (workspace (f)));
  g_assert_cmpstr (sync_label (f), ==, "Local mode");
  g_assert_false (g_file_test (session_path, G_FILE_TEST_EXISTS));
  g_assert_false (has_title (f, "Suspicious login"));

  gtk_window_destroy (GTK_WINDOW (prefs));
}

static void
test_upload_local (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(VigilOp) op = NULL;
  VigilPreferencesWindow *prefs;
  AdwMessageDialog *dialog = NULL;
  JsonObject *payload = json_object_new ();
  const char *id;

  /* Local mode first. */
  json_object_set_string_member (payload, "title", "Recorded before the server existed");
  json_object_set_string_member (payload, "type", "data_breach");
  op = vigil_op_new (VIGIL_OP_INCIDENT_CREATE, NULL, g_get_user_name (), 0, payload);
  id = vigil_op_get_incident_id (op);
  vigil_workspace_apply_async (workspace (f), op, NULL, NULL, NULL);
  WAIT_UNTIL (has_title (f, "Recorded before the server existed"), "the local incident");

  prefs = sign_in (f, "alice", TEST_PASSWORD);
  WAIT_UNTIL ((dialog = find_message_dialog ()) != NULL, "the question about local incidents");
  adw_message_dialog_response (dialog, "upload");

  WAIT_UNTIL (vigil_application_get_session (f->app) != NULL && is_online (f),
              "the upload");
  {
    g_autoptr(VigilIncident) there = vigil_store_get_incident (f->ts->store, id, NULL);

    g_assert_nonnull (there);
    g_assert_cmpstr (vigil_incident_get_title (there), ==, "Recorded before the server existed");
  }
  g_assert_true (has_title (f, "Recorded before the server existed"));

  /* Local mode still has it too. */
  vigil_application_use_local (f->app);
  WAIT_UNTIL (vigil_application_get_session (f->app) == NULL &&
              vigil_workspace_get_loaded (workspace (f)), "local mode");
  g_assert_true (has_title (f, "Recorded before the server existed"));

  gtk_window_destroy (GTK_WINDOW (prefs));
}

/* The workspace policy in Preferences: the user's own in local mode, the
 * server's, read-only, once signed in. */
static void
test_policy (Fixture       *f,
             gconstpointer  data)
{
  VigilPreferencesWindow *prefs = vigil_preferences_window_new (f->app);
  GtkWidget *toggle = test_gui_find_by_id (GTK_WIDGET (prefs), "external_approval_switch");
  VigilStore *local = vigil_workspace_get_store (workspace (f));
  g_autofree char *local_path = g_strdup (vigil_store_get_path (local));

  g_assert_nonnull (toggle);
  g_assert_true (gtk_widget_get_sensitive (toggle));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (toggle)));

  gtk_switch_set_active (GTK_SWITCH (toggle), FALSE);
  WAIT_UNTIL (vigil_store_get_policy (local) == VIGIL_POLICY_NONE, "the local policy");
  gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
  WAIT_UNTIL (vigil_store_get_policy (local) == VIGIL_POLICY_DEFAULT, "the local policy");

  /* The team's administrator switched it off on the server. */
  g_assert_true (vigil_store_set_policy (f->ts->store, VIGIL_POLICY_NONE, NULL));
  vigil_preferences_window_sign_in (prefs, f->ts->url, "alice", TEST_PASSWORD);
  WAIT_UNTIL (vigil_application_get_session (f->app) != NULL, "the sign-in");
  WAIT_UNTIL (is_online (f), "the first sync");
  WAIT_UNTIL (!gtk_switch_get_active (GTK_SWITCH (toggle)), "the server's policy");
  g_assert_false (gtk_widget_get_sensitive (toggle));
  g_assert_cmpint (vigil_store_get_policy (vigil_workspace_get_store (workspace (f))), ==,
                   VIGIL_POLICY_NONE);
  /* Local mode keeps its own. */
  {
    g_autoptr(VigilStore) reopened = vigil_store_open (local_path, NULL);

    g_assert_nonnull (reopened);
    g_assert_cmpint (vigil_store_get_policy (reopened), ==, VIGIL_POLICY_DEFAULT);
    vigil_store_close (reopened);
  }
  gtk_window_destroy (GTK_WINDOW (prefs));
}

static gboolean
profile_is (VigilStore *store,
            const char *member_state,
            guint       types)
{
  g_autoptr(VigilDoraProfile) profile = vigil_store_dup_dora_profile (store);

  return g_strcmp0 (vigil_dora_profile_get_member_state (profile), member_state) == 0 &&
         vigil_dora_profile_get_types (profile) == types;
}

static const char *
row_subtitle (VigilPreferencesWindow *prefs,
              const char             *id)
{
  GtkWidget *row = test_gui_find_by_id (GTK_WIDGET (prefs), id);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

/* The DORA profile in Preferences: editable in local mode, where it drives
 * the deadlines at once; the server's, read-only, once signed in. */
static void
test_dora_profile (Fixture       *f,
                   gconstpointer  data)
{
  VigilPreferencesWindow *prefs = vigil_preferences_window_new (f->app);
  GtkWidget *state_row = test_gui_find_by_id (GTK_WIDGET (prefs), "member_state_row");
  GtkWidget *import = test_gui_find_by_id (GTK_WIDGET (prefs), "holidays_import_button");
  GtkWidget *group = test_gui_find_by_id (GTK_WIDGET (prefs), "profile_group");
  GtkWidget *credit = test_gui_find_by_name (GTK_WIDGET (prefs), "entity-type-credit_institution");
  GtkWidget *payment = test_gui_find_by_name (GTK_WIDGET (prefs),
                                              "entity-type-payment_institution");
  GtkWidget *investment = test_gui_find_by_name (GTK_WIDGET (prefs),
                                                 "entity-type-investment_firm");
  VigilStore *local = vigil_workspace_get_store (workspace (f));
  g_autofree char *holidays_path = g_build_filename (f->dir, "holidays.json", NULL);
  g_autoptr(GFile) holidays = g_file_new_for_path (holidays_path);
  g_autoptr(GFile) broken = NULL;
  g_autofree char *broken_path = g_build_filename (f->dir, "broken.json", NULL);
  g_autoptr(VigilDoraProfile) team = NULL;

  g_assert_nonnull (state_row);
  g_assert_nonnull (import);
  g_assert_nonnull (credit);
  g_assert_nonnull (payment);
  g_assert_nonnull (investment);

  /* The default: a credit institution in Germany, built-in holidays. */
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (credit)));
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (payment)));
  g_assert_cmpstr (vigil_dora_eea_states ()[adw_combo_row_get_selected (ADW_COMBO_ROW (state_row))],
                   ==, "DE");
  g_assert_nonnull (strstr (row_subtitle (prefs, "holidays_row"), "DE: 27"));
  g_assert_nonnull (strstr (row_subtitle (prefs, "holidays_row"), "FR: 33"));
  g_assert_true (gtk_widget_get_sensitive (state_row));
  g_assert_true (gtk_widget_get_sensitive (import));

  /* Editable in local mode, and the process's deadlines follow. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (payment), TRUE);
  WAIT_UNTIL (profile_is (local, "DE", VIGIL_DORA_ENTITY_CREDIT_INSTITUTION |
                                       VIGIL_DORA_ENTITY_PAYMENT_INSTITUTION),
              "the entity types saved");
  /* Two changes in a row, the second before the first is saved: both hold. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (investment), TRUE);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (credit), FALSE);
  WAIT_UNTIL (profile_is (local, "DE", VIGIL_DORA_ENTITY_PAYMENT_INSTITUTION |
                                       VIGIL_DORA_ENTITY_INVESTMENT_FIRM),
              "the entity types saved");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (investment), FALSE);
  WAIT_UNTIL (profile_is (local, "DE", VIGIL_DORA_ENTITY_PAYMENT_INSTITUTION),
              "the entity types saved");
  /* The last type cannot go. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (payment), FALSE);
  WAIT_UNTIL (gtk_check_button_get_active (GTK_CHECK_BUTTON (payment)), "the last type back");
  g_assert_true (profile_is (local, "DE", VIGIL_DORA_ENTITY_PAYMENT_INSTITUTION));

  adw_combo_row_set_selected (ADW_COMBO_ROW (state_row), vigil_dora_eea_state_index ("LU"));
  WAIT_UNTIL (profile_is (local, "LU", VIGIL_DORA_ENTITY_PAYMENT_INSTITUTION),
              "the member state saved");
  {
    g_autoptr(VigilDoraProfile) process = vigil_dora_profile_dup_default ();

    g_assert_cmpstr (vigil_dora_profile_get_member_state (process), ==, "LU");
  }
  /* The window shows it once saved. */
  WAIT_UNTIL (strstr (adw_preferences_row_get_title (
                        ADW_PREFERENCES_ROW (test_gui_find_by_id (GTK_WIDGET (prefs),
                                                                  "next_holidays_row"))),
                      "LU") != NULL,
              "the next holidays of LU");

  /* Importing replaces the states in the file and keeps the others. */
  g_assert_true (g_file_set_contents (holidays_path,
                                      "{\"LU\": [\"2099-06-23\", \"2099-12-25\"]}", -1, NULL));
  vigil_preferences_window_import_holidays (prefs, holidays);
  WAIT_UNTIL (strstr (row_subtitle (prefs, "holidays_row"), "LU: 2, NL") != NULL,
              "the imported holidays");
  g_assert_nonnull (strstr (row_subtitle (prefs, "holidays_row"), "DE: 27"));
  g_assert_nonnull (strstr (row_subtitle (prefs, "next_holidays_row"), "2099"));
  {
    g_autoptr(VigilDoraProfile) saved = vigil_store_dup_dora_profile (local);
    g_autoptr(GPtrArray) days = vigil_calendar_dup_holidays (vigil_dora_profile_get_calendar (saved),
                                                             "LU");

    g_assert_cmpuint (days->len, ==, 2);
  }

  /* A wrong file is refused, saying why, and changes nothing. */
  g_assert_true (g_file_set_contents (broken_path, "{\"LU\": [\"23 June\"]}", -1, NULL));
  broken = g_file_new_for_path (broken_path);
  vigil_preferences_window_import_holidays (prefs, broken);
  WAIT_UNTIL (vigil_preferences_window_get_error (prefs) != NULL, "the import error");
  g_assert_nonnull (strstr (vigil_preferences_window_get_error (prefs), "broken.json"));
  g_assert_nonnull (strstr (row_subtitle (prefs, "holidays_row"), "LU: 2, NL"));

  /* Signed in: the server's profile, read-only. */
  team = vigil_dora_profile_new (VIGIL_DORA_ENTITY_INVESTMENT_FIRM, "IE", NULL, NULL);
  g_assert_true (vigil_store_set_dora_profile (f->ts->store, team, NULL));
  vigil_preferences_window_sign_in (prefs, f->ts->url, "alice", TEST_PASSWORD);
  WAIT_UNTIL (vigil_application_get_session (f->app) != NULL, "the sign-in");
  WAIT_UNTIL (is_online (f), "the first sync");
  WAIT_UNTIL (vigil_dora_eea_states ()[adw_combo_row_get_selected (ADW_COMBO_ROW (state_row))] ==
              vigil_dora_eea_states ()[vigil_dora_eea_state_index ("IE")],
              "the server's profile");
  g_assert_false (gtk_widget_get_sensitive (state_row));
  g_assert_false (gtk_widget_get_sensitive (import));
  g_assert_false (gtk_widget_get_sensitive (payment));
  g_assert_nonnull (strstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (group)),
                            "administrator"));
  g_assert_true (profile_is (vigil_workspace_get_store (workspace (f)), "IE",
                             VIGIL_DORA_ENTITY_INVESTMENT_FIRM));
  {
    g_autoptr(VigilDoraProfile) process = vigil_dora_profile_dup_default ();

    g_assert_true (vigil_dora_profile_equal (process, team));
  }
  gtk_window_destroy (GTK_WINDOW (prefs));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;

  g_test_init (&argc, &argv, NULL);

  /* Saved sign-ins go to the configuration folder: a private one. Data
   * folders are per test; icons still come from the system. */
  home = test_make_tmp_dir ();
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);

  if (!test_gui_init_display ())
    return 0;
  test_password_hash ();

  g_test_add ("/vigil/sync-window/sign-in-and-live", Fixture, NULL,
              fixture_set_up, test_sign_in_and_live, fixture_tear_down);
  g_test_add ("/vigil/sync-window/upload-local", Fixture, NULL,
              fixture_set_up, test_upload_local, fixture_tear_down);
  g_test_add ("/vigil/sync-window/policy", Fixture, NULL,
              fixture_set_up, test_policy, fixture_tear_down);
  g_test_add ("/vigil/sync-window/dora-profile", Fixture, NULL,
              fixture_set_up, test_dora_profile, fixture_tear_down);

  {
    int status = g_test_run ();

    test_rm_rf (home);
    return status;
  }
}
