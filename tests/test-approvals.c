/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The approvals pane in a real window under Xvfb, on a real store. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include <vigil/vigil.h>

#include "vigil-approvals-view.h"
#include "vigil-window.h"
#include "test-gui-util.h"
#include "test-core-util.h"

#define PAST "2025-03-01T08:00:00Z"

typedef struct {
  char           *dir;
  VigilStore     *store;
  VigilWorkspace *workspace;
  VigilWindow    *window;
  VigilApprovalsView *view;
} Fixture;

static gboolean
has_group_titled (GtkWidget  *root,
                  const char *title)
{
  if (ADW_IS_PREFERENCES_GROUP (root) &&
      g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (root)), title) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_group_titled (child, title))
      return TRUE;
  return FALSE;
}

static VigilIncident *
apply (VigilStore  *store,
       VigilOpKind  kind,
       const char  *incident_id,
       const char  *actor,
       VigilRole    role,
       const char  *payload_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) current = NULL;
  g_autoptr(VigilOp) op = NULL;
  JsonObject *payload = NULL;
  VigilIncident *result;

  if (payload_json != NULL)
    {
      g_autoptr(JsonNode) node = json_from_string (payload_json, &error);

      g_assert_no_error (error);
      payload = json_object_ref (json_node_get_object (node));
    }
  if (incident_id != NULL)
    {
      current = vigil_store_get_incident (store, incident_id, &error);
      g_assert_no_error (error);
    }
  op = vigil_op_new (kind, incident_id, actor, current ? vigil_incident_get_revision (current) : 0,
                     payload);
  result = vigil_store_apply (store, op, role, NULL, NULL, &error);
  g_assert_no_error (error);
  return result;
}

/* The findings and the escalation decision a lead needs. */
static void
fill_for_approval (VigilStore *store,
                   const char *id,
                   const char *actor,
                   VigilRole   role)
{
  g_autoptr(VigilIncident) found = NULL;
  g_autoptr(VigilIncident) escalated = NULL;

  found = apply (store, VIGIL_OP_FORM_UPDATE, id, actor, role,
                 "{\"form\": \"findings\", \"fields\": {\"summary\": \"What we found\"}}");
  escalated = apply (store, VIGIL_OP_FORM_UPDATE, id, actor, role,
                     "{\"form\": \"escalate\", \"fields\": {\"escalate\": false}}");
}

/* An analyst's complete incident, submitted for approval. */
static char *
submit_incident (Fixture    *f,
                 const char *title)
{
  g_autofree char *payload = g_strdup_printf ("{\"title\": \"%s\", \"type\": \"malware\", "
                                              "\"severity\": \"high\", \"detected_at\": \""
                                              PAST "\", \"aware_at\": \"" PAST "\"}", title);
  g_autoptr(VigilIncident) created = apply (f->store, VIGIL_OP_INCIDENT_CREATE, NULL, "ana",
                                            VIGIL_ROLE_ANALYST, payload);
  g_autoptr(VigilIncident) submitted = NULL;

  fill_for_approval (f->store, vigil_incident_get_id (created), "ana", VIGIL_ROLE_ANALYST);
  submitted = apply (f->store, VIGIL_OP_APPROVAL_SUBMIT, vigil_incident_get_id (created), "ana",
                     VIGIL_ROLE_ANALYST, NULL);

  return g_strdup (vigil_incident_get_id (created));
}

static void
open_window (Fixture    *f,
             const char *actor,
             VigilRole   role)
{
  g_clear_object (&f->workspace);
  f->workspace = vigil_workspace_new (f->store, actor, role);
  f->window = VIGIL_WINDOW (vigil_window_new (NULL, f->workspace));
  gtk_window_present (GTK_WINDOW (f->window));
  WAIT_UNTIL (vigil_workspace_get_loaded (f->workspace), "the workspace");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-view", "s", "approvals");
  f->view = VIGIL_APPROVALS_VIEW (test_gui_find_by_type (GTK_WIDGET (f->window),
                                                VIGIL_TYPE_APPROVALS_VIEW));
  g_assert_nonnull (f->view);
}

static void
close_window (Fixture *f)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = NULL;
  f->view = NULL;
  test_gui_drain ();
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->store = test_core_open_temp_store ("vigil-approvals-XXXXXX", &f->dir, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (f->window != NULL)
    close_window (f);
  g_clear_object (&f->workspace);
  vigil_store_close (f->store);
  g_clear_object (&f->store);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (f->dir, name, NULL);

      g_unlink (file);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static VigilIncident *
stored (Fixture    *f,
        const char *id)
{
  return vigil_store_get_incident (f->store, id, NULL);
}

static void
test_approve (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *first = submit_incident (f, "Ransomware on the file server");
  g_autofree char *second = submit_incident (f, "Phishing kit hosted on a lookalike domain");
  g_autoptr(VigilIncident) after = NULL;

  open_window (f, "lea", VIGIL_ROLE_LEAD);
  g_assert_cmpuint (vigil_approvals_view_get_n_pending (f->view), ==, 2);
  /* Oldest first, and the lead may decide. */
  g_assert_cmpstr (vigil_incident_get_id (vigil_approvals_view_get_shown (f->view)), ==, first);
  g_assert_null (vigil_approvals_view_get_notice (f->view));

  /* A submission runs long: the decision stays at the top, the forms below
   * it; the buttons say what deciding does. */
  test_gui_wait_painted (GTK_WIDGET (f->window));
  {
    GtkWidget *approve = test_gui_find_by_id (GTK_WIDGET (f->view), "approve_button");
    GtkWidget *step1 = test_gui_find_label_containing (GTK_WIDGET (f->view), "Step 1 ·");
    graphene_point_t approve_at, step1_at;

    g_assert_nonnull (step1);
    g_assert_true (gtk_widget_compute_point (approve, GTK_WIDGET (f->view),
                                             &GRAPHENE_POINT_INIT (0, 0), &approve_at));
    g_assert_true (gtk_widget_compute_point (step1, GTK_WIDGET (f->view),
                                             &GRAPHENE_POINT_INIT (0, 0), &step1_at));
    g_assert_cmpfloat (approve_at.y, <, step1_at.y);
    g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (approve), "step 9"));
  }

  /* Approved by keyboard (the action behind Alt+A): step 9. */
  gtk_widget_activate_action (GTK_WIDGET (f->view), "approvals.approve", NULL);
  WAIT_UNTIL (vigil_approvals_view_get_n_pending (f->view) == 1, "the approval");
  after = stored (f, first);
  g_assert_cmpint (vigil_incident_get_approval_state (after), ==, VIGIL_APPROVAL_APPROVED);
  g_assert_cmpuint (vigil_incident_get_step (after), ==, 9);
  g_assert_cmpstr (vigil_incident_get_decided_by (after), ==, "lea");
  g_assert_cmpstr (vigil_incident_get_id (vigil_approvals_view_get_shown (f->view)), ==, second);
}

static void
test_reject_needs_comment (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *id = submit_incident (f, "Credential stuffing on the client portal");
  g_autoptr(VigilIncident) after = NULL;

  open_window (f, "lea", VIGIL_ROLE_LEAD);

  /* Without a comment: refused, said why, nothing changed. */
  gtk_widget_activate_action (GTK_WIDGET (f->view), "approvals.reject", NULL);
  g_assert_nonnull (vigil_approvals_view_get_notice (f->view));
  g_assert_nonnull (strstr (vigil_approvals_view_get_notice (f->view), "why"));
  after = stored (f, id);
  g_assert_cmpint (vigil_incident_get_approval_state (after), ==, VIGIL_APPROVAL_PENDING);
  g_clear_object (&after);

  vigil_approvals_view_set_comment (f->view, "The timeline misses the first alert.");
  gtk_widget_activate_action (GTK_WIDGET (f->view), "approvals.reject", NULL);
  WAIT_UNTIL (vigil_approvals_view_get_n_pending (f->view) == 0, "the rejection");
  after = stored (f, id);
  g_assert_cmpint (vigil_incident_get_approval_state (after), ==, VIGIL_APPROVAL_REJECTED);
  g_assert_cmpstr (vigil_incident_get_decision_comment (after), ==,
                   "The timeline misses the first alert.");
  g_assert_cmpuint (vigil_incident_get_step (after), <, 8);

  /* The analyst sees why on the card itself. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-view", "s", "board");
  WAIT_UNTIL (test_gui_find_label (GTK_WIDGET (f->window),
                                   "“The timeline misses the first alert.”") != NULL,
              "the comment on the card");
  close_window (f);

  /* Resubmitted after a change: the pane says what changed. */
  {
    g_autoptr(VigilIncident) edited = apply (f->store, VIGIL_OP_INCIDENT_UPDATE, id, "ana",
                                             VIGIL_ROLE_ANALYST,
                                             "{\"title\": \"Credential stuffing, first alert 02:10\"}");
    g_autoptr(VigilIncident) again = apply (f->store, VIGIL_OP_APPROVAL_SUBMIT, id, "ana",
                                            VIGIL_ROLE_ANALYST, NULL);
  }
  open_window (f, "lea", VIGIL_ROLE_LEAD);
  WAIT_UNTIL (has_group_titled (GTK_WIDGET (f->view), "Changed Since the Previous Submission"),
              "the changes since the previous submission");
}

/* The decide actions are disabled: nothing happens. */
static void
try_to_decide (Fixture *f)
{
  vigil_approvals_view_set_comment (f->view, "Looks fine to me");
  gtk_widget_activate_action (GTK_WIDGET (f->view), "approvals.approve", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->view), "approvals.reject", NULL);
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (vigil_approvals_view_get_n_pending (f->view), ==, 1);
}

static void
test_who_may_decide (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autoptr(VigilIncident) after = NULL;

  /* A lead who submitted it: four-eyes. */
  {
    g_autoptr(VigilIncident) created = apply (f->store, VIGIL_OP_INCIDENT_CREATE, NULL, "lea",
                                              VIGIL_ROLE_LEAD,
                                              "{\"title\": \"Insider copying client files\", "
                                              "\"type\": \"insider_threat\", \"severity\": "
                                              "\"critical\", \"aware_at\": \"" PAST "\"}");
    g_autoptr(VigilIncident) submitted = NULL;

    fill_for_approval (f->store, vigil_incident_get_id (created), "lea", VIGIL_ROLE_LEAD);
    submitted = apply (f->store, VIGIL_OP_APPROVAL_SUBMIT, vigil_incident_get_id (created),
                       "lea", VIGIL_ROLE_LEAD, NULL);
    id = g_strdup (vigil_incident_get_id (created));
  }
  open_window (f, "lea", VIGIL_ROLE_LEAD);
  g_assert_nonnull (strstr (vigil_approvals_view_get_notice (f->view), "four-eyes"));
  try_to_decide (f);
  close_window (f);

  /* A manager reads; an analyst waits for a lead. */
  open_window (f, "max", VIGIL_ROLE_MANAGER);
  g_assert_nonnull (strstr (vigil_approvals_view_get_notice (f->view), "read-only"));
  try_to_decide (f);
  close_window (f);
  open_window (f, "ana", VIGIL_ROLE_ANALYST);
  g_assert_nonnull (strstr (vigil_approvals_view_get_notice (f->view), "lead decides"));
  try_to_decide (f);
  close_window (f);

  after = stored (f, id);
  g_assert_cmpint (vigil_incident_get_approval_state (after), ==, VIGIL_APPROVAL_PENDING);
}

static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  open_window (f, "lea", VIGIL_ROLE_LEAD);
  g_assert_cmpuint (vigil_approvals_view_get_n_pending (f->view), ==, 0);
  g_assert_null (vigil_approvals_view_get_shown (f->view));
}

/* A major incident waits on top, and its card shows the flag and the
 * countdown of its first report. */
static void
test_major_first (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *older = submit_incident (f, "Older, not major");
  g_autofree char *major = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) aware = g_date_time_add_hours (now, -2);
  g_autofree char *aware_text = vigil_time_to_iso (aware);
  g_autofree char *payload = NULL;
  g_autoptr(VigilIncident) created = NULL;
  g_autoptr(VigilIncident) classified = NULL;
  GtkWidget *countdown;

  payload = g_strdup_printf ("{\"title\": \"Payments down, data taken\", \"type\": \"data_breach\", "
                             "\"severity\": \"critical\", \"aware_at\": \"%s\"}", aware_text);
  created = apply (f->store, VIGIL_OP_INCIDENT_CREATE, NULL, "ana", VIGIL_ROLE_ANALYST, payload);
  major = g_strdup (vigil_incident_get_id (created));
  classified = apply (f->store, VIGIL_OP_DORA_CLASSIFY, major, "ana", VIGIL_ROLE_ANALYST,
                      "{\"criteria\": {\"critical_services\": {\"malicious_access\": true}, "
                      "\"data_losses\": {\"intrusion\": true}}}");
  g_assert_true (vigil_incident_get_dora_major (classified));
  fill_for_approval (f->store, major, "ana", VIGIL_ROLE_ANALYST);
  g_object_unref (apply (f->store, VIGIL_OP_APPROVAL_SUBMIT, major, "ana", VIGIL_ROLE_ANALYST,
                         NULL));

  open_window (f, "lea", VIGIL_ROLE_LEAD);
  g_assert_cmpuint (vigil_approvals_view_get_n_pending (f->view), ==, 2);
  g_assert_cmpstr (vigil_incident_get_id (vigil_approvals_view_get_shown (f->view)), ==, major);

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-view", "s", "board");
  WAIT_UNTIL (test_gui_find_label (GTK_WIDGET (f->window), "DORA major") != NULL,
              "the major flag on the card");
  /* Classified now, aware two hours ago: the initial report is due within
   * four hours of classification, capped at 24 h after awareness. */
  countdown = test_gui_find_label_containing (GTK_WIDGET (f->window), " left");
  g_assert_nonnull (countdown);
  g_test_message ("countdown: %s", gtk_label_get_text (GTK_LABEL (countdown)));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (countdown)), "3 h 5") ||
                 g_str_equal (gtk_label_get_text (GTK_LABEL (countdown)), "4 h 00 left"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!test_gui_init_display ())
    return 0;

  g_test_add ("/vigil/approvals/approve", Fixture, NULL, fixture_set_up, test_approve,
              fixture_tear_down);
  g_test_add ("/vigil/approvals/reject-needs-comment", Fixture, NULL, fixture_set_up,
              test_reject_needs_comment, fixture_tear_down);
  g_test_add ("/vigil/approvals/who-may-decide", Fixture, NULL, fixture_set_up,
              test_who_may_decide, fixture_tear_down);
  g_test_add ("/vigil/approvals/empty", Fixture, NULL, fixture_set_up, test_empty,
              fixture_tear_down);
  g_test_add ("/vigil/approvals/major-first", Fixture, NULL, fixture_set_up, test_major_first,
              fixture_tear_down);

  return g_test_run ();
}
