/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include <vigil/vigil.h>

#include "vigil-board.h"
#include "vigil-board-column.h"
#include "vigil-incident-card.h"
#include "vigil-window.h"
#include "vigil-sample.h"
#include "test-gui-util.h"

#define N_SAMPLE 1000

typedef struct {
  char           *dir;
  char           *db_path;
  VigilStore     *store;
  VigilWorkspace *workspace;
  VigilWindow    *window;
  VigilBoard     *board;
} Fixture;

/* Helpers */

/* The list row that shows @incident in the column of @step, once laid out. */
static GtkWidget *
find_row (VigilBoard    *board,
          guint          step,
          VigilIncident *incident)
{
  GtkWidget *list = test_gui_find_by_id (vigil_board_get_column (board, step), "list_view");

  g_assert_nonnull (list);
  for (GtkWidget *row = gtk_widget_get_first_child (list);
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *card = gtk_widget_get_first_child (row);

      if (VIGIL_IS_INCIDENT_CARD (card) &&
          vigil_incident_card_get_incident (VIGIL_INCIDENT_CARD (card)) == incident &&
          gtk_widget_get_mapped (row))
        return row;
    }

  return NULL;
}

static guint
column_count (VigilBoard *board,
              guint       step)
{
  return g_list_model_get_n_items (vigil_board_get_column_model (board, step));
}

static const char *
column_count_label (VigilBoard *board,
                    guint       step)
{
  GtkWidget *label = test_gui_find_by_id (vigil_board_get_column (board, step), "count_label");

  g_assert_nonnull (label);
  return gtk_label_get_label (GTK_LABEL (label));
}

static gboolean
column_holds (VigilBoard    *board,
              guint          step,
              VigilIncident *incident)
{
  GListModel *model = vigil_board_get_column_model (board, step);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VigilIncident) item = g_list_model_get_item (model, i);

      if (item == incident)
        return TRUE;
    }
  return FALSE;
}

/* Checks that every column shows exactly the incidents of its step that
 * @pass lets through, and says so in its header. */
static void
assert_columns (VigilBoard *board,
                gboolean  (*pass) (VigilIncident *incident, gpointer data),
                gpointer    data)
{
  GListModel *all = vigil_board_get_model (board);
  guint expected[VIGIL_N_STEPS + 1] = { 0 };
  guint total = 0;

  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(VigilIncident) incident = g_list_model_get_item (all, i);

      if (pass == NULL || pass (incident, data))
        {
          expected[vigil_incident_get_step (incident)]++;
          total++;
        }
    }

  for (guint step = 1; step <= VIGIL_N_STEPS; step++)
    {
      g_autofree char *text = g_strdup_printf ("%u", expected[step]);
      GListModel *column = vigil_board_get_column_model (board, step);

      g_assert_cmpuint (column_count (board, step), ==, expected[step]);
      g_assert_cmpstr (column_count_label (board, step), ==, text);
      for (guint i = 0; i < g_list_model_get_n_items (column); i++)
        {
          g_autoptr(VigilIncident) incident = g_list_model_get_item (column, i);

          g_assert_cmpuint (vigil_incident_get_step (incident), ==, step);
          g_assert_true (pass == NULL || pass (incident, data));
        }
    }
  g_assert_cmpuint (g_list_model_get_n_items (vigil_board_get_filtered_model (board)), ==, total);
}

/* Runs the shortcut bound to @keyval + @mods on @widget, as a key press would. */
static void
press_shortcut (GtkWidget       *widget,
                guint            keyval,
                GdkModifierType  mods)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_keyval_trigger_new (keyval, mods);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            {
              g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                           GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                                           widget,
                                                           gtk_shortcut_get_arguments (shortcut)));
              return;
            }
        }
    }

  g_error ("No shortcut for %s on %s", gtk_accelerator_name (keyval, mods),
           G_OBJECT_TYPE_NAME (widget));
}

/* The same, as a key press goes: through the controllers of @widget that
 * listen before its children (capture), then the others, until one
 * handles it. */
static void
press_shortcut_in_order (GtkWidget       *widget,
                         guint            keyval,
                         GdkModifierType  mods)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_keyval_trigger_new (keyval, mods);
  const GtkPropagationPhase phases[] = { GTK_PHASE_CAPTURE, GTK_PHASE_BUBBLE };

  for (guint p = 0; p < G_N_ELEMENTS (phases); p++)
    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

        if (!GTK_IS_SHORTCUT_CONTROLLER (controller) ||
            gtk_event_controller_get_propagation_phase (controller) != phases[p])
          continue;

        for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
          {
            g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

            if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted) &&
                gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                              GTK_SHORTCUT_ACTION_EXCLUSIVE, widget,
                                              gtk_shortcut_get_arguments (shortcut)))
              return;
          }
      }

  g_error ("Nothing handled %s on %s", gtk_accelerator_name (keyval, mods),
           G_OBJECT_TYPE_NAME (widget));
}

static VigilIncident *
apply (Fixture    *fixture,
       VigilOpKind kind,
       const char *incident_id,
       const char *actor,
       VigilRole   role,
       JsonObject *payload)
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
  op = vigil_op_new (kind, incident_id, actor, rev, payload);
  incident = vigil_store_apply (fixture->store, op, role, NULL, NULL, &error);
  g_assert_no_error (error);
  return incident;
}

/* Makes an incident in the store, before the window loads it. */
static char *
add_incident (Fixture    *fixture,
              const char *title,
              const char *type)
{
  JsonObject *payload = json_object_new ();
  g_autoptr(VigilIncident) incident = NULL;

  json_object_set_string_member (payload, "title", title);
  json_object_set_string_member (payload, "type", type);
  incident = apply (fixture, VIGIL_OP_INCIDENT_CREATE, NULL, "analyst1", VIGIL_ROLE_ANALYST,
                    payload);
  return g_strdup (vigil_incident_get_id (incident));
}

/* Takes @id through approval to the archive, step 15. */
static void
archive_incident (Fixture    *fixture,
                  const char *id)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) earlier = g_date_time_add_hours (now, -3);
  g_autofree char *when = vigil_time_to_iso (earlier);
  JsonObject *payload;
  JsonObject *fields;

  payload = json_object_new ();
  json_object_set_string_member (payload, "severity", "high");
  json_object_set_string_member (payload, "detected_at", when);
  json_object_set_string_member (payload, "aware_at", when);
  g_object_unref (apply (fixture, VIGIL_OP_INCIDENT_UPDATE, id, "analyst1", VIGIL_ROLE_ANALYST,
                         payload));
  /* The findings and the escalation decision a lead needs. */
  payload = json_object_new ();
  fields = json_object_new ();
  json_object_set_string_member (fields, "summary", "What was found");
  json_object_set_string_member (payload, "form", "findings");
  json_object_set_object_member (payload, "fields", fields);
  g_object_unref (apply (fixture, VIGIL_OP_FORM_UPDATE, id, "analyst1", VIGIL_ROLE_ANALYST,
                         payload));
  payload = json_object_new ();
  fields = json_object_new ();
  json_object_set_boolean_member (fields, "escalate", FALSE);
  json_object_set_string_member (payload, "form", "escalate");
  json_object_set_object_member (payload, "fields", fields);
  g_object_unref (apply (fixture, VIGIL_OP_FORM_UPDATE, id, "analyst1", VIGIL_ROLE_ANALYST,
                         payload));
  g_object_unref (apply (fixture, VIGIL_OP_APPROVAL_SUBMIT, id, "analyst1", VIGIL_ROLE_ANALYST,
                         NULL));
  payload = json_object_new ();
  json_object_set_string_member (payload, "decision", "approve");
  json_object_set_string_member (payload, "comment", "Sound.");
  g_object_unref (apply (fixture, VIGIL_OP_APPROVAL_DECIDE, id, "lead1", VIGIL_ROLE_LEAD,
                         payload));
  payload = json_object_new ();
  json_object_set_int_member (payload, "to", VIGIL_STEP_ARCHIVE);
  g_object_unref (apply (fixture, VIGIL_OP_INCIDENT_MOVE, id, "analyst1", VIGIL_ROLE_ANALYST,
                         payload));
}

static const char *
window_page (VigilWindow *window)
{
  GtkWidget *stack = test_gui_find_by_id (GTK_WIDGET (window), "main_stack");

  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

/* @width: the window's width, or 0 for its default */
static void
open_window_sized (Fixture *fixture,
                   int      width)
{
  fixture->workspace = vigil_workspace_new (fixture->store, "analyst1", VIGIL_ROLE_ANALYST);
  fixture->window = g_object_ref_sink (vigil_window_new (NULL, fixture->workspace));
  fixture->board = vigil_window_get_board (fixture->window);
  if (width > 0)
    gtk_window_set_default_size (GTK_WINDOW (fixture->window), width, 900);
  gtk_window_present (GTK_WINDOW (fixture->window));
  /* A large store shows the board's preview before it is loaded. */
  WAIT_UNTIL (g_str_equal (window_page (fixture->window), "board") &&
              vigil_workspace_get_loaded (fixture->workspace), "the board to load");
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (fixture->board)), "the board to show");
}

static void
open_window (Fixture *fixture)
{
  open_window_sized (fixture, 0);
}

typedef struct {
  guint          calls;
  VigilIncident *incident;
  char          *message;
} MoveFailed;

static void
on_move_failed_cb (VigilBoard    *board,
                   VigilIncident *incident,
                   const char    *message,
                   MoveFailed    *out)
{
  out->calls++;
  g_set_object (&out->incident, incident);
  g_free (out->message);
  out->message = g_strdup (message);
}

static void
move_failed_clear (MoveFailed *failed)
{
  g_clear_object (&failed->incident);
  g_clear_pointer (&failed->message, g_free);
}

/* Fixture */

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("vigil-test-board-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db_path = g_build_filename (fixture->dir, "vigil.db", NULL);
  fixture->store = vigil_store_open (fixture->db_path, &error);
  g_assert_no_error (error);

  if (data != NULL)
    {
      vigil_sample_fill_store (fixture->store, GPOINTER_TO_UINT (data), 42, &error);
      g_assert_no_error (error);
    }
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (fixture->window != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (fixture->window));
      g_assert_finalize_object (fixture->window);
    }
  vigil_store_close (fixture->store);
  if (fixture->workspace != NULL)
    g_assert_finalize_object (fixture->workspace);
  g_assert_finalize_object (fixture->store);

  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);

  g_free (fixture->db_path);
  g_free (fixture->dir);
}

/* Tests */

static void
test_board_move_action (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *id = add_incident (fixture, "Trojan beaconing from WS-1187", "malware");
  g_autofree char *other = add_incident (fixture, "Fake invoice campaign", "phishing");
  VigilIncident *incident;

  open_window (fixture);
  incident = vigil_workspace_lookup (fixture->workspace, id);
  g_assert_nonnull (incident);
  g_assert_true (column_holds (fixture->board, 1, incident));
  g_assert_cmpstr (column_count_label (fixture->board, 1), ==, "2");

  /* What a drop does: the board's move action, applied by the core. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->board), "board.move", "(su)",
                                             id, 4));
  WAIT_UNTIL (vigil_incident_get_step (incident) == 4, "the move");
  g_assert_true (column_holds (fixture->board, 4, incident));
  g_assert_false (column_holds (fixture->board, 1, incident));
  g_assert_cmpstr (column_count_label (fixture->board, 1), ==, "1");
  g_assert_cmpstr (column_count_label (fixture->board, 4), ==, "1");

  /* It is stored: the store says step 4, and the log has the move. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VigilIncident) stored = vigil_store_get_incident (fixture->store, id, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (vigil_incident_get_step (stored), ==, 4);
  }

  /* Back again, through a column's drop path (the action on the column). */
  g_assert_true (gtk_widget_activate_action (vigil_board_get_column (fixture->board, 2),
                                             "board.move", "(su)", id, 2));
  WAIT_UNTIL (vigil_incident_get_step (incident) == 2, "the move back");
  g_assert_true (column_holds (fixture->board, 2, incident));
  g_assert_cmpstr (column_count_label (fixture->board, 4), ==, "0");
  g_assert_true (column_holds (fixture->board, 1, vigil_workspace_lookup (fixture->workspace,
                                                                          other)));
}

static void
test_board_move_keyboard (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *id = add_incident (fixture, "Volumetric attack on the payments gateway",
                                      "ddos");
  VigilIncident *incident;
  GtkWidget *row;

  open_window (fixture);
  incident = vigil_workspace_lookup (fixture->workspace, id);

  WAIT_UNTIL ((row = find_row (fixture->board, 1, incident)) != NULL, "the card's row");
  g_assert_true (gtk_widget_get_focusable (row));
  g_assert_true (gtk_widget_grab_focus (row));

  /* Alt+Right moves the focused card one step on; the focus goes with it. */
  press_shortcut (GTK_WIDGET (fixture->board), GDK_KEY_Right, GDK_ALT_MASK);
  WAIT_UNTIL (vigil_incident_get_step (incident) == 2, "the move right");
  g_assert_true (column_holds (fixture->board, 2, incident));
  WAIT_UNTIL ((row = find_row (fixture->board, 2, incident)) != NULL &&
              gtk_widget_has_focus (row), "the focus to follow the card");

  press_shortcut (GTK_WIDGET (fixture->board), GDK_KEY_Right, GDK_ALT_MASK);
  WAIT_UNTIL (vigil_incident_get_step (incident) == 3, "the second move right");
  WAIT_UNTIL ((row = find_row (fixture->board, 3, incident)) != NULL &&
              gtk_widget_has_focus (row), "the focus to follow the card again");

  /* Alt+Left moves it back. */
  press_shortcut (GTK_WIDGET (fixture->board), GDK_KEY_Left, GDK_ALT_MASK);
  WAIT_UNTIL (vigil_incident_get_step (incident) == 2, "the move left");
  g_assert_cmpstr (column_count_label (fixture->board, 2), ==, "1");
  g_assert_cmpstr (column_count_label (fixture->board, 3), ==, "0");
  WAIT_UNTIL ((row = find_row (fixture->board, 2, incident)) != NULL &&
              gtk_widget_has_focus (row), "the focus after the move left");
}

static void
on_open_incident_cb (VigilWindow    *window,
                     VigilIncident  *incident,
                     VigilIncident **out)
{
  g_set_object (out, incident);
}

static void
test_board_open (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *id = add_incident (fixture, "Lookalike domain mimicking online banking",
                                      "phishing");
  g_autoptr(VigilIncident) opened = NULL;
  VigilIncident *incident;
  GtkWidget *row;

  open_window (fixture);
  incident = vigil_workspace_lookup (fixture->workspace, id);
  g_signal_connect (fixture->window, "open-incident", G_CALLBACK (on_open_incident_cb), &opened);

  /* Enter on a focused row activates it. */
  WAIT_UNTIL ((row = find_row (fixture->board, 1, incident)) != NULL, "the card's row");
  gtk_widget_grab_focus (row);
  press_shortcut (row, GDK_KEY_Return, 0);
  g_assert_true (opened == incident);
  g_clear_object (&opened);

  /* The window action itself, with the id as a card passes it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.open-incident",
                                             "s", id));
  g_assert_true (opened == incident);
  g_clear_object (&opened);

  /* An unknown id opens nothing. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.open-incident", "s", "nope");
  g_assert_null (opened);
}

static void
assert_refused (Fixture       *fixture,
                MoveFailed    *failed,
                VigilIncident *incident,
                guint          to,
                const char    *reason)
{
  GtkWidget *overlay = test_gui_find_by_id (GTK_WIDGET (fixture->window), "toast_overlay");
  guint step = vigil_incident_get_step (incident);
  gint64 revision = vigil_incident_get_revision (incident);
  guint calls = failed->calls;
  g_autofree char *count = g_strdup_printf ("%u", column_count (fixture->board, step));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->board), "board.move", "(su)",
                                             vigil_incident_get_id (incident), to));
  WAIT_UNTIL (failed->calls == calls + 1, "the refusal");

  /* The reason reaches the user, in a toast... */
  g_assert_true (failed->incident == incident);
  g_assert_nonnull (strstr (failed->message, reason));
  g_assert_true (g_str_has_prefix (failed->message, "Not moved: "));
  g_assert_nonnull (test_gui_find_label_containing (overlay, reason));

  /* ...and the card stays where it was, unchanged. */
  g_assert_cmpuint (vigil_incident_get_step (incident), ==, step);
  g_assert_cmpint (vigil_incident_get_revision (incident), ==, revision);
  g_assert_true (column_holds (fixture->board, step, incident));
  g_assert_false (column_holds (fixture->board, to, incident));
  g_assert_cmpstr (column_count_label (fixture->board, step), ==, count);
}

static void
test_board_move_refused (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *id = add_incident (fixture, "Customer records exposed via the CRM",
                                      "data_breach");
  g_autofree char *archived_id = add_incident (fixture, "DNS amplification hitting the portal",
                                               "ddos");
  MoveFailed failed = { 0 };
  VigilIncident *incident;
  VigilIncident *archived;
  GtkWidget *row;

  archive_incident (fixture, archived_id);
  open_window (fixture);
  g_signal_connect (fixture->board, "move-failed", G_CALLBACK (on_move_failed_cb), &failed);
  incident = vigil_workspace_lookup (fixture->workspace, id);
  archived = vigil_workspace_lookup (fixture->workspace, archived_id);
  g_assert_cmpuint (vigil_incident_get_step (archived), ==, VIGIL_STEP_ARCHIVE);

  /* The approval gate: no response steps before the lead approved. */
  assert_refused (fixture, &failed, incident, 9, "needs the approval of the incident response lead");
  /* Step 8 is entered by submitting, not by moving. */
  assert_refused (fixture, &failed, incident, 8, "submitted for approval");
  /* Archived incidents are read-only. */
  assert_refused (fixture, &failed, archived, 14, "is archived");

  /* The same refusal by keyboard: Alt+Right from step 7 into the gate. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->board), "board.move", "(su)",
                                             id, 7));
  WAIT_UNTIL (vigil_incident_get_step (incident) == 7, "the move to step 7");
  WAIT_UNTIL ((row = find_row (fixture->board, 7, incident)) != NULL, "the card's row");
  gtk_widget_grab_focus (row);
  press_shortcut (GTK_WIDGET (fixture->board), GDK_KEY_Right, GDK_ALT_MASK);
  WAIT_UNTIL (failed.calls == 4, "the keyboard refusal");
  g_assert_nonnull (strstr (failed.message, "submitted for approval"));
  g_assert_cmpuint (vigil_incident_get_step (incident), ==, 7);
  g_assert_true (column_holds (fixture->board, 7, incident));

  /* A role that may only look. */
  vigil_workspace_set_role (fixture->workspace, VIGIL_ROLE_MANAGER);
  assert_refused (fixture, &failed, incident, 6, "may look at incidents but not change them");

  move_failed_clear (&failed);
}

static gboolean
pass_type (VigilIncident *incident,
           gpointer       data)
{
  return g_strcmp0 (vigil_incident_get_incident_type (incident), data) == 0;
}

static gboolean
pass_type_and_severity (VigilIncident *incident,
                        gpointer       data)
{
  return pass_type (incident, "phishing") &&
         g_strcmp0 (vigil_incident_get_severity (incident), data) == 0;
}

static gboolean
pass_search (VigilIncident *incident,
             gpointer       data)
{
  return vigil_incident_matches (incident, data);
}

static gboolean
pass_owner (VigilIncident *incident,
            gpointer       data)
{
  return g_strcmp0 (vigil_incident_get_owner (incident), data) == 0;
}

static gboolean
pass_major (VigilIncident *incident,
            gpointer       data)
{
  return vigil_incident_get_dora_major (incident);
}

static gboolean
pass_overdue (VigilIncident *incident,
              gpointer       data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return vigil_incident_has_overdue_report (incident, now);
}

static gboolean
pass_phase (VigilIncident *incident,
            gpointer       data)
{
  return vigil_process_get_phase (vigil_incident_get_step (incident)) ==
         (VigilPhase) GPOINTER_TO_INT (data);
}

static gboolean
pass_severity (VigilIncident *incident,
               gpointer       data)
{
  return g_strcmp0 (vigil_incident_get_severity (incident), data) == 0;
}

static guint
count_matching (VigilBoard *board,
                gboolean  (*pass) (VigilIncident *incident, gpointer data),
                gpointer    data)
{
  GListModel *all = vigil_board_get_model (board);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(VigilIncident) incident = g_list_model_get_item (all, i);

      n += pass (incident, data) ? 1 : 0;
    }
  return n;
}

static guint
n_shown (Fixture *fixture)
{
  return g_list_model_get_n_items (vigil_board_get_filtered_model (fixture->board));
}

static guint
n_chips (Fixture *fixture)
{
  GtkWidget *chips = test_gui_find_by_id (GTK_WIDGET (fixture->board), "chips_box");
  guint n = 0;

  for (GtkWidget *chip = gtk_widget_get_first_child (chips); chip != NULL;
       chip = gtk_widget_get_next_sibling (chip))
    n++;
  return n;
}

static const char *
summary (Fixture *fixture)
{
  return gtk_label_get_label (GTK_LABEL (test_gui_find_by_id (GTK_WIDGET (fixture->board),
                                                     "summary_label")));
}

static gboolean
filters_shown (Fixture *fixture)
{
  return gtk_revealer_get_reveal_child (GTK_REVEALER (test_gui_find_by_id (GTK_WIDGET (fixture->board),
                                                                  "filters_revealer")));
}

static void
test_board_filters (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkWidget *type_dropdown;
  GtkWidget *entry;
  GtkWidget *chip;
  g_autofree char *text = NULL;
  guint shown;
  g_autoptr(GError) error = NULL;

  /* Every fourth incident classified major an hour after awareness, long
   * ago: their initial notifications are overdue. */
  g_assert_true (vigil_sample_add_dora (fixture->store, 4, &error));
  g_assert_no_error (error);
  open_window (fixture);
  /* Look at the board as one of the sample's analysts, for "mine". */
  g_clear_object (&fixture->workspace);
  fixture->workspace = vigil_workspace_new (fixture->store, "carol", VIGIL_ROLE_ANALYST);
  vigil_window_set_workspace (fixture->window, fixture->workspace);
  WAIT_UNTIL (g_str_equal (window_page (fixture->window), "board") &&
              vigil_workspace_get_loaded (fixture->workspace), "the board to reload");

  assert_columns (fixture->board, NULL, NULL);
  g_assert_false (filters_shown (fixture));
  g_assert_false (vigil_board_get_filtering (fixture->board));

  /* Ctrl+F opens the search bar, with the focus in the entry. */
  entry = test_gui_find_by_id (GTK_WIDGET (fixture->board), "search_entry");
  press_shortcut (GTK_WIDGET (fixture->window), GDK_KEY_f, GDK_CONTROL_MASK);
  g_assert_true (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (test_gui_find_by_id (GTK_WIDGET (fixture->board),
                                                                             "search_bar"))));
  WAIT_UNTIL (gtk_widget_is_focus (entry) ||
              gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)), entry),
              "the focus in the search entry");

  /* A type, picked in the drop-down as a user would. */
  type_dropdown = test_gui_find_by_id (GTK_WIDGET (fixture->board), "type_dropdown");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (type_dropdown), 2);   /* All, Malware, Phishing */
  assert_columns (fixture->board, pass_type, "phishing");
  g_assert_true (filters_shown (fixture));
  g_assert_cmpuint (n_chips (fixture), ==, 1);
  shown = g_list_model_get_n_items (vigil_board_get_filtered_model (fixture->board));
  g_assert_cmpuint (shown, >, 0);
  g_assert_cmpuint (shown, <, N_SAMPLE);
  text = g_strdup_printf ("Showing %u of %u incidents", shown, N_SAMPLE);
  g_assert_cmpstr (summary (fixture), ==, text);
  g_assert_nonnull (test_gui_find_label_containing (GTK_WIDGET (fixture->board), "Type: Phishing Attempt"));

  /* Two filters narrow further. */
  vigil_board_set_severity_filter (fixture->board, "high");
  assert_columns (fixture->board, pass_type_and_severity, "high");
  g_assert_cmpuint (n_chips (fixture), ==, 2);

  /* Removing one filter by its chip (the first is the type's). */
  chip = gtk_widget_get_first_child (test_gui_find_by_id (GTK_WIDGET (fixture->board), "chips_box"));
  g_signal_emit_by_name (chip, "clicked");
  assert_columns (fixture->board, pass_severity, "high");
  g_assert_cmpuint (n_chips (fixture), ==, 1);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (type_dropdown)), ==, 0);
  g_assert_true (filters_shown (fixture));
  vigil_board_clear_filters (fixture->board);
  assert_columns (fixture->board, NULL, NULL);

  /* Search, typed letter by letter into the entry. */
  {
    const char *query = "trojan mail";

    for (gsize len = 1; len <= strlen (query); len++)
      {
        g_autofree char *prefix = g_strndup (query, len);
        guint expected = count_matching (fixture->board, pass_search, prefix);

        int position = -1;

        /* One key press: one more character at the end. */
        gtk_editable_insert_text (GTK_EDITABLE (entry), query + len - 1, 1, &position);
        /* The entry reports a search after a short pause in typing. */
        WAIT_UNTIL (vigil_board_get_filtering (fixture->board) && n_shown (fixture) == expected,
                    "the search to apply");
        assert_columns (fixture->board, pass_search, prefix);
      }
    g_assert_cmpuint (n_shown (fixture), >, 0);
    g_assert_cmpuint (n_shown (fixture), <, count_matching (fixture->board, pass_search, "trojan"));

    /* Deleting letters widens the search again. */
    gtk_editable_delete_text (GTK_EDITABLE (entry), 4, -1);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "troj");
    WAIT_UNTIL (n_shown (fixture) == count_matching (fixture->board, pass_search, "troj"),
                "the wider search");
    assert_columns (fixture->board, pass_search, "troj");

    /* References are searched too, and the chip shows the query. */
    vigil_board_set_search_text (fixture->board, "INC-2026-0007");
    assert_columns (fixture->board, pass_search, "INC-2026-0007");
    g_assert_cmpuint (n_shown (fixture), ==, 1);
    g_assert_nonnull (test_gui_find_label_containing (GTK_WIDGET (fixture->board), "“INC-2026-0007”"));

    vigil_board_set_search_text (fixture->board, "no such thing anywhere");
    assert_columns (fixture->board, pass_search, "no such thing anywhere");
    g_assert_cmpuint (n_shown (fixture), ==, 0);
    g_assert_nonnull (test_gui_find_label_containing (vigil_board_get_column (fixture->board, 1),
                                             "No matching incidents"));
    vigil_board_set_search_text (fixture->board, NULL);
  }
  assert_columns (fixture->board, NULL, NULL);

  /* Mine: the incidents that carol owns. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (test_gui_find_by_id (GTK_WIDGET (fixture->board),
                                                               "mine_button")), TRUE);
  assert_columns (fixture->board, pass_owner, "carol");
  g_assert_cmpuint (g_list_model_get_n_items (vigil_board_get_filtered_model (fixture->board)),
                    >, 0);
  vigil_board_set_mine_filter (fixture->board, FALSE);

  /* DORA major, by its toggle, with its chip. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (test_gui_find_by_id (GTK_WIDGET (fixture->board),
                                                               "major_button")), TRUE);
  assert_columns (fixture->board, pass_major, NULL);
  shown = n_shown (fixture);
  g_assert_cmpuint (shown, >, 0);
  g_assert_cmpuint (shown, <, N_SAMPLE);
  g_assert_nonnull (test_gui_find_label_containing (GTK_WIDGET (fixture->board), "DORA major"));

  /* Overdue reports: among the majors here, and on its own. */
  vigil_board_set_overdue_filter (fixture->board, TRUE);
  g_assert_cmpuint (n_chips (fixture), ==, 2);
  g_assert_cmpuint (n_shown (fixture), >, 0);
  g_assert_cmpuint (n_shown (fixture), <=, shown);
  vigil_board_set_major_filter (fixture->board, FALSE);
  assert_columns (fixture->board, pass_overdue, NULL);
  g_assert_cmpuint (n_shown (fixture), >, 0);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (test_gui_find_by_id (GTK_WIDGET (fixture->board),
                                                                              "overdue_button"))));
  chip = gtk_widget_get_first_child (test_gui_find_by_id (GTK_WIDGET (fixture->board), "chips_box"));
  g_signal_emit_by_name (chip, "clicked");
  g_assert_false (vigil_board_get_filtering (fixture->board));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (test_gui_find_by_id (GTK_WIDGET (fixture->board),
                                                                               "overdue_button"))));
  assert_columns (fixture->board, NULL, NULL);

  /* A phase: its columns only, the others leave the board. */
  vigil_board_set_phase_filter (fixture->board, VIGIL_PHASE_RESPOND);
  assert_columns (fixture->board, pass_phase, GINT_TO_POINTER (VIGIL_PHASE_RESPOND));
  for (guint step = 1; step <= VIGIL_N_STEPS; step++)
    g_assert_cmpint (gtk_widget_is_visible (vigil_board_get_column (fixture->board, step)), ==,
                     vigil_process_get_phase (step) == VIGIL_PHASE_RESPOND);

  /* Clear all: everything is back, nothing is shown as active. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->board), "board.clear-filters",
                                             NULL));
  assert_columns (fixture->board, NULL, NULL);
  g_assert_false (filters_shown (fixture));
  g_assert_cmpuint (n_chips (fixture), ==, 0);
  for (guint step = 1; step <= VIGIL_N_STEPS; step++)
    g_assert_true (gtk_widget_is_visible (vigil_board_get_column (fixture->board, step)));
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (type_dropdown)), ==, 0);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
}

static void
test_board_load_sample (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  guint expected[VIGIL_N_STEPS + 1] = { 0 };

  /* Narrow enough for the last columns to be far out of view. */
  open_window_sized (fixture, 700);

  /* Every column holds what the store says is in its step. */
  stored = vigil_store_list_incidents (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, N_SAMPLE);
  for (guint i = 0; i < stored->len; i++)
    expected[vigil_incident_get_step (g_ptr_array_index (stored, i))]++;

  for (guint step = 1; step <= VIGIL_N_STEPS; step++)
    {
      g_autofree char *text = g_strdup_printf ("%u", expected[step]);

      g_assert_cmpuint (expected[step], >, 0);
      g_assert_cmpuint (column_count (fixture->board, step), ==, expected[step]);
      g_assert_cmpstr (column_count_label (fixture->board, step), ==, text);
    }
  assert_columns (fixture->board, NULL, NULL);

  /* Each list holds rows for the first incidents only, enough to fill its
   * height with some to spare; scrolling down and the keyboard bring the
   * others in, and the counts always say how many there are. */
  {
    VigilBoardColumn *first = VIGIL_BOARD_COLUMN (vigil_board_get_column (fixture->board, 1));
    VigilBoardColumn *last = VIGIL_BOARD_COLUMN (vigil_board_get_column (fixture->board,
                                                                         VIGIL_N_STEPS));
    GtkListView *first_list = GTK_LIST_VIEW (test_gui_find_by_id (GTK_WIDGET (first), "list_view"));
    GtkListView *last_list = GTK_LIST_VIEW (test_gui_find_by_id (GTK_WIDGET (last), "list_view"));
    GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (first_list));
    g_autoptr(VigilIncident) deep = NULL;
    g_autoptr(VigilIncident) end = NULL;
    GListModel *last_model;
    GtkWidget *row;
    guint rows;

    /* Columns far out of view keep only their first rows. */
    WAIT_UNTIL (vigil_board_column_get_away (last), "the last column to be out of view");
    test_gui_wait_painted (GTK_WIDGET (fixture->window));
    g_assert_false (vigil_board_column_get_away (first));
    for (guint step = 1; step <= VIGIL_N_STEPS; step++)
      {
        VigilBoardColumn *column = VIGIL_BOARD_COLUMN (vigil_board_get_column (fixture->board,
                                                                               step));

        g_assert_cmpuint (vigil_board_column_get_n_rows_shown (column), >=,
                          vigil_board_column_get_away (column) ? 1 : 8);
        g_assert_cmpuint (vigil_board_column_get_n_rows_shown (column), <, expected[step]);
      }

    /* The rows given fill the view, with at least a quarter of it to spare. */
    WAIT_UNTIL (gtk_adjustment_get_page_size (vadjustment) > 0 &&
                gtk_adjustment_get_upper (vadjustment) >=
                1.25 * gtk_adjustment_get_page_size (vadjustment),
                "the first list to fill its view");
    g_assert_cmpuint (vigil_board_column_get_n_rows_shown (first), <, expected[1]);

    /* Scrolled to the end of its rows, the list gets more, until all. */
    rows = vigil_board_column_get_n_rows_shown (first);
    gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment));
    WAIT_UNTIL (vigil_board_column_get_n_rows_shown (first) > rows, "more rows when scrolled down");
    while (vigil_board_column_get_n_rows_shown (first) < expected[1])
      {
        rows = vigil_board_column_get_n_rows_shown (first);
        /* After the layout that made room for the new rows. */
        test_gui_wait_painted (GTK_WIDGET (fixture->window));
        gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment));
        WAIT_UNTIL (vigil_board_column_get_n_rows_shown (first) > rows, "rows down to the last");
      }
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (first_list))),
                      ==, expected[1]);
    g_assert_cmpuint (column_count (fixture->board, 1), ==, expected[1]);

    /* The focus on the last row held brings the next rows: Down finds one. */
    last_model = vigil_board_get_column_model (fixture->board, VIGIL_N_STEPS);
    rows = vigil_board_column_get_n_rows_shown (last);
    {
      g_autoptr(VigilIncident) last_held = g_list_model_get_item (last_model, rows - 1);
      g_autoptr(VigilIncident) next = g_list_model_get_item (last_model, rows);

      WAIT_UNTIL (vigil_board_column_focus_incident (last, last_held), "the last held row's focus");
      g_assert_cmpuint (vigil_board_column_get_n_rows_shown (last), >, rows);
      press_shortcut (GTK_WIDGET (last_list), GDK_KEY_Down, 0);
      WAIT_UNTIL ((row = find_row (fixture->board, VIGIL_N_STEPS, next)) != NULL &&
                  gtk_widget_has_focus (row), "the focus to go down past the first rows");
    }

    /* End reaches the column's last incident, however many there are. */
    end = g_list_model_get_item (last_model, expected[VIGIL_N_STEPS] - 1);
    press_shortcut_in_order (GTK_WIDGET (last_list), GDK_KEY_End, 0);
    g_assert_cmpuint (vigil_board_column_get_n_rows_shown (last), ==, expected[VIGIL_N_STEPS]);
    WAIT_UNTIL ((row = find_row (fixture->board, VIGIL_N_STEPS, end)) != NULL &&
                gtk_widget_has_focus (row), "End to focus the last card");

    /* A new search starts again from a few rows. */
    vigil_board_set_search_text (fixture->board, "a");
    g_assert_cmpuint (vigil_board_column_get_n_rows_shown (first), <,
                      g_list_model_get_n_items (vigil_board_get_column_model (fixture->board, 1)));
    vigil_board_set_search_text (fixture->board, NULL);

    /* Scrolled sideways into view, a column gets the rows that fill it. */
    {
      VigilBoardColumn *away = VIGIL_BOARD_COLUMN (vigil_board_get_column (fixture->board,
                                                                           VIGIL_N_STEPS - 1));
      GtkAdjustment *hadjustment =
        gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (test_gui_find_by_id (GTK_WIDGET (fixture->board),
                                                                                       "scroller")));

      g_assert_true (vigil_board_column_get_away (away));
      g_assert_cmpuint (vigil_board_column_get_n_rows_shown (away), <, 8);
      gtk_adjustment_set_value (hadjustment, gtk_adjustment_get_upper (hadjustment));
      WAIT_UNTIL (!vigil_board_column_get_away (away), "the column to come into view");
      g_assert_cmpuint (vigil_board_column_get_n_rows_shown (away), >=, 8);
      gtk_adjustment_set_value (hadjustment, 0);
      WAIT_UNTIL (vigil_board_column_get_away (away), "the column to be out of view again");
    }

    /* Focusing an incident deep in a column brings its row in. */
    deep = g_list_model_get_item (vigil_board_get_column_model (fixture->board, 2),
                                  expected[2] - 1);
    WAIT_UNTIL (vigil_board_column_focus_incident (VIGIL_BOARD_COLUMN (vigil_board_get_column (fixture->board, 2)),
                                                   deep),
                "the deep card to take the focus");
    row = find_row (fixture->board, 2, deep);
    g_assert_nonnull (row);
    g_assert_true (gtk_widget_has_focus (row));
  }
}

/* What the board showed when the workspace had its preview and no more. */
typedef struct {
  Fixture   *fixture;
  guint      calls;
  GPtrArray *stored;                      /* all incidents, in order */
  GtkWidget *first_rows[VIGIL_N_STEPS + 1];
  char      *first_ids[VIGIL_N_STEPS + 1];
} PreviewSeen;

static void
on_preview_ready_cb (VigilWorkspace *workspace,
                     PreviewSeen    *seen)
{
  Fixture *fixture = seen->fixture;
  const VigilStorePreview *preview = vigil_workspace_get_preview (workspace);
  GtkWidget *search_button = test_gui_find_by_id (GTK_WIDGET (fixture->window), "search_button");
  guint expected[VIGIL_N_STEPS + 1] = { 0 };
  MoveFailed failed = { 0, };
  gulong handler;

  seen->calls++;

  /* Not loaded, and the model holds nothing: only the board shows more. */
  g_assert_nonnull (preview);
  g_assert_false (vigil_workspace_get_loaded (workspace));
  g_assert_cmpuint (g_list_model_get_n_items (vigil_workspace_get_incidents (workspace)), ==, 0);
  g_assert_true (vigil_board_get_previewing (fixture->board));
  g_assert_cmpstr (window_page (fixture->window), ==, "board");

  /* A frame of the preview is painted: the full load is only asked for
   * after this signal, so what shows now is the preview alone. */
  test_gui_wait_painted (GTK_WIDGET (fixture->window));
  g_assert_false (vigil_workspace_get_loaded (workspace));

  for (guint i = 0; i < seen->stored->len; i++)
    expected[vigil_incident_get_step (g_ptr_array_index (seen->stored, i))]++;

  for (guint step = 1; step <= VIGIL_N_STEPS; step++)
    {
      g_autofree char *text = g_strdup_printf ("%u", expected[step]);
      GListModel *column = vigil_board_get_column_model (fixture->board, step);
      g_autoptr(VigilIncident) first = NULL;
      guint n = 0;

      /* The true count, and the first incidents of the step in order. */
      g_assert_cmpuint (expected[step], >, VIGIL_WORKSPACE_PREVIEW_PER_STEP);
      g_assert_cmpstr (column_count_label (fixture->board, step), ==, text);
      g_assert_cmpuint (g_list_model_get_n_items (column), ==, VIGIL_WORKSPACE_PREVIEW_PER_STEP);
      for (guint i = 0; i < seen->stored->len && n < VIGIL_WORKSPACE_PREVIEW_PER_STEP; i++)
        {
          VigilIncident *incident = g_ptr_array_index (seen->stored, i);
          g_autoptr(VigilIncident) shown = NULL;

          if (vigil_incident_get_step (incident) != step)
            continue;
          shown = g_list_model_get_item (column, n++);
          g_assert_cmpstr (vigil_incident_get_id (shown), ==, vigil_incident_get_id (incident));
        }

      /* Its first card is on screen. */
      first = g_list_model_get_item (column, 0);
      if (!vigil_board_column_get_away (VIGIL_BOARD_COLUMN (vigil_board_get_column (fixture->board,
                                                                                   step))))
        {
          seen->first_rows[step] = find_row (fixture->board, step, first);
          g_assert_nonnull (seen->first_rows[step]);
          seen->first_ids[step] = g_strdup (vigil_incident_get_id (first));
        }
    }
  g_assert_nonnull (seen->first_rows[1]);

  /* No search on a part of the incidents, nor moves of copies. */
  g_assert_false (gtk_widget_get_sensitive (search_button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (search_button), ==, "Loading all incidents…");
  vigil_board_start_search (fixture->board);
  g_assert_false (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (test_gui_find_by_id (GTK_WIDGET (fixture->board),
                                                                                          "search_bar"))));
  handler = g_signal_connect (fixture->board, "move-failed", G_CALLBACK (on_move_failed_cb), &failed);
  {
    g_autoptr(VigilIncident) first = g_list_model_get_item (vigil_board_get_column_model (fixture->board, 1), 0);

    /* As a drop does it: through the action, with the id. */
    gtk_widget_activate_action (GTK_WIDGET (fixture->board), "board.move", "(su)",
                                vigil_incident_get_id (first), 2);
    g_assert_cmpuint (failed.calls, ==, 1);
    g_assert_true (failed.incident == first);
    g_assert_nonnull (strstr (failed.message, "still loading"));

    /* Opening its card waits for the load too: the board stays. */
    gtk_widget_activate_action (GTK_WIDGET (vigil_board_get_column (fixture->board, 1)),
                                "win.open-incident", "s", vigil_incident_get_id (first));
    g_assert_cmpstr (window_page (fixture->window), ==, "board");
  }
  g_signal_handler_disconnect (fixture->board, handler);
  move_failed_clear (&failed);
}

static void
test_board_preview (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  PreviewSeen seen = { fixture, 0, NULL, { NULL, }, { NULL, } };
  GtkWidget *search_button;
  guint expected[VIGIL_N_STEPS + 1] = { 0 };

  seen.stored = vigil_store_list_incidents (fixture->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < seen.stored->len; i++)
    expected[vigil_incident_get_step (g_ptr_array_index (seen.stored, i))]++;

  fixture->workspace = vigil_workspace_new (fixture->store, "analyst1", VIGIL_ROLE_ANALYST);
  fixture->window = g_object_ref_sink (vigil_window_new (NULL, fixture->workspace));
  /* After the board's and the window's handlers, which show the preview. */
  g_signal_connect (fixture->workspace, "preview-ready", G_CALLBACK (on_preview_ready_cb), &seen);
  fixture->board = vigil_window_get_board (fixture->window);
  gtk_window_present (GTK_WINDOW (fixture->window));
  WAIT_UNTIL (vigil_workspace_get_loaded (fixture->workspace), "the board to load");
  g_signal_handlers_disconnect_by_func (fixture->workspace, on_preview_ready_cb, &seen);
  g_assert_cmpuint (seen.calls, ==, 1);

  /* Then the whole board: the model's incidents, every count right. */
  g_assert_null (vigil_workspace_get_preview (fixture->workspace));
  g_assert_false (vigil_board_get_previewing (fixture->board));
  g_assert_cmpstr (window_page (fixture->window), ==, "board");
  assert_columns (fixture->board, NULL, NULL);
  for (guint step = 1; step <= VIGIL_N_STEPS; step++)
    g_assert_cmpuint (column_count (fixture->board, step), ==, expected[step]);

  /* The rows of the preview stay and show the model's incidents. */
  test_gui_wait_painted (GTK_WIDGET (fixture->window));
  for (guint step = 1; step <= VIGIL_N_STEPS; step++)
    {
      g_autoptr(VigilIncident) first = NULL;

      if (seen.first_rows[step] == NULL)
        continue;
      first = g_list_model_get_item (vigil_board_get_column_model (fixture->board, step), 0);
      g_assert_cmpstr (vigil_incident_get_id (first), ==, seen.first_ids[step]);
      g_assert_true (vigil_workspace_lookup (fixture->workspace, seen.first_ids[step]) == first);
      g_assert_true (find_row (fixture->board, step, first) == seen.first_rows[step]);
      g_free (seen.first_ids[step]);
    }

  search_button = test_gui_find_by_id (GTK_WIDGET (fixture->window), "search_button");
  g_assert_true (gtk_widget_get_sensitive (search_button));
  vigil_board_start_search (fixture->board);
  g_assert_true (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (test_gui_find_by_id (GTK_WIDGET (fixture->board),
                                                                                         "search_bar"))));
  g_ptr_array_unref (seen.stored);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Not gtk_test_init(): it aborts without a display instead of letting us skip. */
  if (!gtk_init_check ())
    {
      if (g_getenv ("CI") != NULL)
        g_error ("No display in CI: run the GUI tests under xvfb-run -a");
      g_print ("1..0 # SKIP no display (run under xvfb-run -a)\n");
      return 0;
    }
  adw_init ();

  g_test_add ("/vigil/board/move/action", Fixture, NULL,
              fixture_setup, test_board_move_action, fixture_teardown);
  g_test_add ("/vigil/board/move/keyboard", Fixture, NULL,
              fixture_setup, test_board_move_keyboard, fixture_teardown);
  g_test_add ("/vigil/board/open", Fixture, NULL,
              fixture_setup, test_board_open, fixture_teardown);
  g_test_add ("/vigil/board/move/refused", Fixture, NULL,
              fixture_setup, test_board_move_refused, fixture_teardown);
  g_test_add ("/vigil/board/filters", Fixture, GUINT_TO_POINTER (N_SAMPLE),
              fixture_setup, test_board_filters, fixture_teardown);
  g_test_add ("/vigil/board/load-sample", Fixture, GUINT_TO_POINTER (N_SAMPLE),
              fixture_setup, test_board_load_sample, fixture_teardown);
  g_test_add ("/vigil/board/preview", Fixture, GUINT_TO_POINTER (N_SAMPLE),
              fixture_setup, test_board_preview, fixture_teardown);

  return g_test_run ();
}
