/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include <vigil/vigil.h>

#include "vigil-board.h"
#include "vigil-board-column.h"
#include "vigil-new-incident-dialog.h"
#include "vigil-window.h"
#include "test-gui-util.h"
#include "test-core-util.h"

#define TITLE "Ransomware on the payroll file server"

typedef struct {
  char           *dir;
  char           *db_path;
  VigilStore     *store;
  VigilWorkspace *workspace;
} Fixture;

/* Helpers */

static VigilNewIncidentDialog *
find_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    {
      if (VIGIL_IS_NEW_INCIDENT_DIALOG (l->data))
        return l->data;
    }

  return NULL;
}

static VigilWindow *
open_window (Fixture *fixture)
{
  VigilWindow *window = test_gui_open_window (fixture->workspace, 0, 0);

  g_assert_true (vigil_workspace_get_loaded (fixture->workspace));

  return window;
}

static void
close_window (VigilWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static VigilNewIncidentDialog *
open_dialog (VigilWindow *window)
{
  VigilNewIncidentDialog *dialog;

  g_assert_null (find_dialog ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-incident", NULL));

  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));

  return dialog;
}

static void
on_created_cb (VigilNewIncidentDialog *dialog,
               VigilIncident          *incident,
               gpointer                user_data)
{
  VigilIncident **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (incident);
}

static void
set_row_text (VigilNewIncidentDialog *dialog,
              const char             *id,
              const char             *text)
{
  GtkWidget *row = test_gui_find_by_id (GTK_WIDGET (dialog), id);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
assert_column_counts (VigilBoard *board,
                      guint       step_with_one)
{
  for (guint step = 1; step <= VIGIL_N_STEPS; step++)
    {
      GListModel *model = vigil_board_get_column_model (board, step);

      g_assert_cmpuint (g_list_model_get_n_items (model), ==, step == step_with_one ? 1 : 0);
    }
}

static const char *
column_page (VigilBoard *board,
             guint       step)
{
  GtkWidget *stack = test_gui_find_by_id (vigil_board_get_column (board, step), "content_stack");

  g_assert_nonnull (stack);
  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

/* Fixture */

static void
open_store (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->store = vigil_store_open (fixture->db_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
  fixture->workspace = vigil_workspace_new (fixture->store, "analyst1", VIGIL_ROLE_ANALYST);
}

static void
close_store (Fixture *fixture)
{
  vigil_store_close (fixture->store);
  g_assert_finalize_object (fixture->workspace);
  fixture->workspace = NULL;
  g_assert_finalize_object (fixture->store);
  fixture->store = NULL;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("vigil-test-window-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db_path = g_build_filename (fixture->dir, "vigil.db", NULL);
  open_store (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_assert_null (find_dialog ());
  close_store (fixture);

  test_core_remove_tree (fixture->dir);

  g_free (fixture->db_path);
  g_free (fixture->dir);
}

/* Tests */

static void
test_window_create_incident (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(VigilIncident) created = NULL;
  g_autofree char *reference = NULL;
  VigilNewIncidentDialog *dialog;
  VigilWindow *window;
  VigilBoard *board;
  VigilIncident *incident;
  GListModel *column;

  window = open_window (fixture);
  board = vigil_window_get_board (window);
  assert_column_counts (board, 0);
  g_assert_cmpstr (column_page (board, 1), ==, "empty");

  dialog = open_dialog (window);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_signal_connect (dialog, "created", G_CALLBACK (on_created_cb), &created);

  vigil_new_incident_dialog_set_values (dialog, TITLE,
                                        "malware", "Files renamed to *.locked on FS-PAY-01.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.create", NULL));
  WAIT_UNTIL (created != NULL, "the incident to be created");
  WAIT_UNTIL (dialog == NULL, "the dialog to close");

  /* The board shows the model's object, in step 1 and nowhere else. */
  assert_column_counts (board, 1);
  column = vigil_board_get_column_model (board, 1);
  incident = g_list_model_get_item (column, 0);
  g_assert_true (incident == created);
  g_object_unref (incident);
  g_assert_cmpstr (vigil_incident_get_title (created), ==, TITLE);
  g_assert_cmpstr (vigil_incident_get_incident_type (created), ==, "malware");
  g_assert_cmpstr (vigil_incident_get_description (created), ==,
                   "Files renamed to *.locked on FS-PAY-01.");
  g_assert_cmpstr (vigil_incident_get_created_by (created), ==, "analyst1");
  g_assert_nonnull (vigil_incident_get_detected_at (created));
  g_assert_nonnull (vigil_incident_get_aware_at (created));
  g_assert_true (g_str_has_prefix (vigil_incident_get_reference (created), "INC-"));
  g_assert_cmpstr (column_page (board, 1), ==, "list");
  g_assert_cmpstr (column_page (board, 2), ==, "empty");
  reference = g_strdup (vigil_incident_get_reference (created));
  g_clear_object (&created);

  close_window (window);

  /* Restart: a new store on the same file, a new workspace, a new window. */
  close_store (fixture);
  open_store (fixture);
  window = open_window (fixture);
  board = vigil_window_get_board (window);
  assert_column_counts (board, 1);
  incident = g_list_model_get_item (vigil_board_get_column_model (board, 1), 0);
  g_assert_cmpstr (vigil_incident_get_title (incident), ==, TITLE);
  g_assert_cmpstr (vigil_incident_get_reference (incident), ==, reference);
  g_object_unref (incident);
  close_window (window);
}

static void
test_window_invalid_input (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(VigilIncident) created = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) detected = g_date_time_add_hours (now, -1);
  g_autoptr(GDateTime) aware_too_early = g_date_time_add_hours (now, -2);
  VigilNewIncidentDialog *dialog;
  GtkWidget *create_button;
  VigilWindow *window;
  VigilBoard *board;
  const char *error;

  window = open_window (fixture);
  board = vigil_window_get_board (window);
  dialog = open_dialog (window);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_signal_connect (dialog, "created", G_CALLBACK (on_created_cb), &created);
  create_button = test_gui_find_by_id (GTK_WIDGET (dialog), "create_button");
  g_assert_nonnull (create_button);

  /* An empty or blank title: Create is unavailable, nothing happens. */
  g_assert_false (gtk_widget_is_sensitive (create_button));
  vigil_new_incident_dialog_set_values (dialog, "   ", "phishing", NULL);
  g_assert_false (gtk_widget_is_sensitive (create_button));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.create", NULL);
  test_gui_drain ();
  g_assert_nonnull (dialog);
  g_assert_null (created);

  /* A time that is not YYYY-MM-DD HH:MM is refused in the dialog itself. */
  vigil_new_incident_dialog_set_values (dialog, "Credential phishing wave", "phishing", NULL);
  g_assert_true (gtk_widget_is_sensitive (create_button));
  set_row_text (dialog, "detected_row", "yesterday morning");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.create", NULL);
  error = vigil_new_incident_dialog_get_error (dialog);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error, "YYYY-MM-DD HH:MM"));
  g_assert_true (gtk_widget_get_visible (test_gui_find_by_id (GTK_WIDGET (dialog), "time_error_label")));
  g_assert_true (gtk_widget_has_css_class (test_gui_find_by_id (GTK_WIDGET (dialog), "detected_row"),
                                           "error"));
  test_gui_drain ();
  g_assert_nonnull (dialog);
  g_assert_null (created);

  /* Editing the row clears its error. */
  set_row_text (dialog, "detected_row", "2026-02-30 10:00");
  g_assert_null (vigil_new_incident_dialog_get_error (dialog));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.create", NULL);
  g_assert_nonnull (vigil_new_incident_dialog_get_error (dialog));

  /* Aware before detected: the core refuses, the dialog shows why and stays. */
  vigil_new_incident_dialog_set_times (dialog, detected, aware_too_early);
  g_assert_null (vigil_new_incident_dialog_get_error (dialog));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.create", NULL);
  WAIT_UNTIL (vigil_new_incident_dialog_get_error (dialog) != NULL, "the refusal");
  error = vigil_new_incident_dialog_get_error (dialog);
  g_assert_nonnull (strstr (error, "aware"));
  g_assert_true (gtk_widget_get_visible (test_gui_find_by_id (GTK_WIDGET (dialog), "error_label")));
  g_assert_true (gtk_widget_has_css_class (test_gui_find_by_id (GTK_WIDGET (dialog), "aware_row"), "error"));
  g_assert_true (gtk_widget_is_sensitive (create_button));
  test_gui_drain ();
  g_assert_nonnull (dialog);
  g_assert_null (created);
  g_assert_cmpuint (vigil_store_count_incidents (fixture->store), ==, 0);
  assert_column_counts (board, 0);

  /* "Other" needs a description of the type. */
  vigil_new_incident_dialog_set_values (dialog, "Strange traffic", "other", NULL);
  vigil_new_incident_dialog_set_times (dialog, detected, detected);
  g_assert_true (gtk_widget_get_visible (test_gui_find_by_id (GTK_WIDGET (dialog), "type_other_row")));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.create", NULL);
  WAIT_UNTIL (vigil_new_incident_dialog_get_error (dialog) != NULL, "the refusal");
  g_assert_true (gtk_widget_has_css_class (test_gui_find_by_id (GTK_WIDGET (dialog), "type_other_row"),
                                           "error"));
  g_assert_null (created);

  /* Once corrected, the same dialog creates the incident and closes. */
  set_row_text (dialog, "type_other_row", "Unexplained outbound traffic");
  g_assert_null (vigil_new_incident_dialog_get_error (dialog));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.create", NULL);
  WAIT_UNTIL (created != NULL, "the incident to be created");
  WAIT_UNTIL (dialog == NULL, "the dialog to close");
  g_assert_cmpstr (vigil_incident_get_type_other (created), ==, "Unexplained outbound traffic");
  assert_column_counts (board, 1);
  g_assert_cmpuint (vigil_store_count_incidents (fixture->store), ==, 1);

  /* Cancel closes without creating anything. */
  g_clear_object (&created);
  dialog = open_dialog (window);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  vigil_new_incident_dialog_set_values (dialog, "Never created", "ddos", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL));
  WAIT_UNTIL (dialog == NULL, "the dialog to close");
  g_assert_cmpuint (vigil_store_count_incidents (fixture->store), ==, 1);

  close_window (window);
}

static void
on_applied_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (vigil_workspace_apply_finish (VIGIL_WORKSPACE (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
move_incident (VigilWorkspace *workspace,
               VigilIncident  *incident,
               guint           step)
{
  JsonObject *payload = json_object_new ();
  g_autoptr(VigilOp) op = NULL;
  gboolean done = FALSE;

  json_object_set_int_member (payload, "to", step);
  op = vigil_op_new (VIGIL_OP_INCIDENT_MOVE, vigil_incident_get_id (incident),
                     vigil_workspace_get_actor (workspace),
                     vigil_incident_get_revision (incident), payload);
  vigil_workspace_apply_async (workspace, op, NULL, on_applied_cb, &done);
  WAIT_UNTIL (done, "the move to be applied");
}

static void
test_window_move (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(VigilIncident) created = NULL;
  g_autofree char *id = NULL;
  VigilNewIncidentDialog *dialog;
  VigilIncident *incident;
  VigilWindow *window;
  VigilBoard *board;
  GtkWidget *count;

  window = open_window (fixture);
  board = vigil_window_get_board (window);
  dialog = open_dialog (window);
  g_signal_connect (dialog, "created", G_CALLBACK (on_created_cb), &created);
  vigil_new_incident_dialog_set_values (dialog, TITLE, "malware", NULL);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.create", NULL);
  WAIT_UNTIL (created != NULL, "the incident to be created");
  WAIT_UNTIL (find_dialog () == NULL, "the dialog to close");

  /* Hold no reference of our own: the model's is what keeps it alive. */
  id = g_strdup (vigil_incident_get_id (created));
  g_clear_object (&created);

  /* The same object moves from column to column; headers count along. */
  move_incident (fixture->workspace, vigil_workspace_lookup (fixture->workspace, id), 3);
  assert_column_counts (board, 3);
  g_assert_cmpstr (column_page (board, 1), ==, "empty");
  g_assert_cmpstr (column_page (board, 3), ==, "list");
  count = test_gui_find_by_id (vigil_board_get_column (board, 3), "count_label");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (count)), ==, "1");
  count = test_gui_find_by_id (vigil_board_get_column (board, 1), "count_label");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (count)), ==, "0");

  move_incident (fixture->workspace, vigil_workspace_lookup (fixture->workspace, id), 2);
  assert_column_counts (board, 2);
  incident = g_list_model_get_item (vigil_board_get_column_model (board, 2), 0);
  g_assert_cmpstr (vigil_incident_get_id (incident), ==, id);
  g_assert_cmpuint (vigil_incident_get_step (incident), ==, 2);
  g_object_unref (incident);

  close_window (window);
}

static void
test_window_columns (Fixture       *fixture,
                     gconstpointer  data)
{
  VigilWindow *window = open_window (fixture);
  VigilBoard *board = vigil_window_get_board (window);
  GtkWidget *groups = test_gui_find_by_id (GTK_WIDGET (board), "groups_box");
  GtkWidget *group;
  guint next_step = 1;
  VigilPhase phase = 0;

  g_assert_cmpuint (vigil_board_get_n_columns (board), ==, VIGIL_N_STEPS);
  g_assert_nonnull (groups);

  /* One group per phase, in order: a band with the phase's name, then the
   * phase's columns, in step order. */
  for (group = gtk_widget_get_first_child (groups);
       group != NULL;
       group = gtk_widget_get_next_sibling (group), phase++)
    {
      g_autofree char *phase_class = NULL;
      GtkWidget *band = gtk_widget_get_first_child (group);
      GtkWidget *columns = gtk_widget_get_next_sibling (band);

      g_assert_cmpuint (phase, <, VIGIL_N_PHASES);
      phase_class = g_strdup_printf ("phase-%s", vigil_phase_get_id (phase));
      g_assert_true (GTK_IS_LABEL (band));
      g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (band)), ==, vigil_phase_get_name (phase));
      g_assert_true (gtk_widget_has_css_class (band, phase_class));
      g_assert_cmpuint (vigil_phase_get_first_step (phase), ==, next_step);

      for (GtkWidget *column = gtk_widget_get_first_child (columns);
           column != NULL;
           column = gtk_widget_get_next_sibling (column))
        {
          guint step;

          g_assert_true (VIGIL_IS_BOARD_COLUMN (column));
          step = vigil_board_column_get_step (VIGIL_BOARD_COLUMN (column));
          g_assert_cmpuint (step, ==, next_step);
          g_assert_true (column == vigil_board_get_column (board, next_step));
          g_assert_cmpuint (vigil_process_get_phase (next_step), ==, phase);
          g_assert_true (gtk_widget_has_css_class (column, phase_class));
          g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (test_gui_find_by_id (column, "name_label"))), ==,
                           vigil_step_get_short_name (vigil_process_get_step (next_step)));
          g_assert_cmpstr (column_page (board, next_step), ==, "empty");
          next_step++;
        }

      g_assert_cmpuint (vigil_phase_get_last_step (phase), ==, next_step - 1);
    }

  g_assert_cmpuint (phase, ==, VIGIL_N_PHASES);
  g_assert_cmpuint (next_step, ==, VIGIL_N_STEPS + 1);

  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!test_gui_init_display ())
    return 0;

  g_test_add ("/vigil/window/create-incident", Fixture, NULL,
              fixture_setup, test_window_create_incident, fixture_teardown);
  g_test_add ("/vigil/window/invalid-input", Fixture, NULL,
              fixture_setup, test_window_invalid_input, fixture_teardown);
  g_test_add ("/vigil/window/move", Fixture, NULL,
              fixture_setup, test_window_move, fixture_teardown);
  g_test_add ("/vigil/window/columns", Fixture, NULL,
              fixture_setup, test_window_columns, fixture_teardown);

  return g_test_run ();
}
