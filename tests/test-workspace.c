/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <vigil/vigil.h>
#include "test-core-util.h"

#define T0 "2025-03-01T10:00:00Z"

#define ACTOR "alice"

typedef struct {
  char           *dir;
  char           *path;
  VigilStore     *store;
  VigilWorkspace *workspace;
} Fixture;

typedef struct {
  guint position;
  guint removed;
  guint added;
} ItemsChanged;

/* helpers */

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("vigil-test-workspace-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "vigil.db", NULL);
  f->store = vigil_store_open (f->path, &error);
  g_assert_no_error (error);
  f->workspace = vigil_workspace_new (f->store, ACTOR, VIGIL_ROLE_ANALYST);
  g_assert_true (VIGIL_IS_WORKSPACE (f->workspace));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->workspace);
  /* let worker threads hand back their last references */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  vigil_store_close (f->store);
  g_clear_object (&f->store);
  test_core_remove_tree (f->dir);
  g_clear_pointer (&f->path, g_free);
  g_clear_pointer (&f->dir, g_free);
}

/* The loop that wait_for*() runs until a callback delivers its result. */
static GMainLoop *waiting_loop;

static gboolean
on_timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  g_main_loop_quit (waiting_loop);

  return G_SOURCE_REMOVE;
}

static void
on_result_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
  if (waiting_loop != NULL)
    g_main_loop_quit (waiting_loop);
}

static void
wait_for (GAsyncResult **slot)
{
  g_autoptr(GMainLoop) loop = NULL;
  gboolean timed_out = FALSE;
  guint timeout_id;

  if (*slot != NULL)
    return;

  loop = g_main_loop_new (NULL, FALSE);
  waiting_loop = loop;
  timeout_id = g_timeout_add_seconds (30, on_timeout_cb, &timed_out);
  g_main_loop_run (loop);
  waiting_loop = NULL;

  g_assert_false (timed_out);
  g_assert_nonnull (*slot);
  g_source_remove (timeout_id);
}

static char *
squote_to_json (const char *text)
{
  return g_strdelimit (g_strdup (text), "'", '"');
}

static VigilOp *
make_op (const char *kind,
         const char *incident_id,
         const char *actor,
         gint64      base_rev,
         const char *squoted_payload)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *payload = squote_to_json (squoted_payload);
  g_autofree char *doc = g_strdup_printf ("{\"id\":\"%s\",\"incident\":\"%s\",\"kind\":\"%s\","
                                          "\"base_rev\":%" G_GINT64_FORMAT ",\"actor\":\"%s\","
                                          "\"at\":\"%s\",\"payload\":%s}",
                                          id, incident_id, kind, base_rev, actor, T0, payload);
  g_autoptr(GError) error = NULL;
  VigilOp *op = vigil_op_new_from_string (doc, &error);

  g_assert_no_error (error);

  return op;
}

static VigilOp *
make_create (const char *actor,
             const char *title)
{
  g_autofree char *incident_id = g_uuid_string_random ();
  g_autofree char *payload = g_strdup_printf ("{'title':'%s','type':'malware'}", title);

  return make_op ("incident.create", incident_id, actor, 0, payload);
}

/* Puts an incident in the store behind the workspace's back. */
static VigilIncident *
store_create (Fixture    *f,
              const char *title)
{
  g_autoptr(VigilOp) op = make_create ("dave", title);
  g_autoptr(GError) error = NULL;
  VigilIncident *incident;

  incident = vigil_store_apply (f->store, op, VIGIL_ROLE_ANALYST, NULL, NULL, &error);
  g_assert_no_error (error);

  return incident;
}

static void
load (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vigil_workspace_load_async (f->workspace, NULL, on_result_cb, &result);
  wait_for (&result);
  g_assert_true (vigil_workspace_load_finish (f->workspace, result, &error));
  g_assert_no_error (error);
  g_assert_true (vigil_workspace_get_loaded (f->workspace));
}

static VigilIncident *
apply (Fixture  *f,
       VigilOp  *op,
       GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vigil_workspace_apply_async (f->workspace, op, NULL, on_result_cb, &result);
  wait_for (&result);

  return vigil_workspace_apply_finish (f->workspace, result, error);
}

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     GArray     *log)
{
  ItemsChanged change = { position, removed, added };

  g_array_append_val (log, change);
}

static void
on_notify_cb (GObject    *object,
              GParamSpec *pspec,
              GPtrArray  *names)
{
  g_ptr_array_add (names, g_strdup (pspec->name));
}

static gboolean
names_contain (GPtrArray  *names,
               const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (strstr (g_ptr_array_index (names, i), name) != NULL)
      return TRUE;

  return FALSE;
}

static gboolean
find_position (GListModel    *model,
               VigilIncident *incident,
               guint         *position)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VigilIncident) item = g_list_model_get_item (model, i);

      if (item == incident)
        {
          *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

static void
assert_same_state (VigilIncident *a,
                   VigilIncident *b)
{
  g_autofree char *sa = vigil_incident_to_string (a);
  g_autofree char *sb = vigil_incident_to_string (b);
  g_autoptr(JsonNode) na = json_from_string (sa, NULL);
  g_autoptr(JsonNode) nb = json_from_string (sb, NULL);

  if (!json_node_equal (na, nb))
    g_assert_cmpstr (sa, ==, sb);
}

/* tests */

static void
test_new (Fixture       *f,
          gconstpointer  data)
{
  GListModel *model = vigil_workspace_get_incidents (f->workspace);

  g_assert_true (vigil_workspace_get_store (f->workspace) == f->store);
  g_assert_cmpstr (vigil_workspace_get_actor (f->workspace), ==, ACTOR);
  g_assert_cmpint (vigil_workspace_get_role (f->workspace), ==, VIGIL_ROLE_ANALYST);
  g_assert_false (vigil_workspace_get_loaded (f->workspace));
  g_assert_true (G_IS_LIST_MODEL (model));
  g_assert_true (g_list_model_get_item_type (model) == VIGIL_TYPE_INCIDENT);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  /* the same model every time: views hold on to it */
  g_assert_true (vigil_workspace_get_incidents (f->workspace) == model);

  vigil_workspace_set_role (f->workspace, VIGIL_ROLE_LEAD);
  g_assert_cmpint (vigil_workspace_get_role (f->workspace), ==, VIGIL_ROLE_LEAD);
}

static void
test_load (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(VigilIncident) a = store_create (f, "First");
  g_autoptr(VigilIncident) b = store_create (f, "Second");
  g_autoptr(VigilIncident) c = store_create (f, "Third");
  VigilIncident *stored[] = { a, b, c };
  GListModel *model = vigil_workspace_get_incidents (f->workspace);
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (ItemsChanged));
  gint net = 0;

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), log);
  load (f);
  g_signal_handlers_disconnect_by_func (model, on_items_changed_cb, log);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  for (guint i = 0; i < log->len; i++)
    {
      ItemsChanged *change = &g_array_index (log, ItemsChanged, i);

      net += (gint) change->added - (gint) change->removed;
    }
  g_assert_cmpint (net, ==, 3);

  for (guint i = 0; i < G_N_ELEMENTS (stored); i++)
    {
      VigilIncident *item = vigil_workspace_lookup (f->workspace,
                                                    vigil_incident_get_id (stored[i]));
      guint position = G_MAXUINT;

      g_assert_nonnull (item);
      g_assert_true (VIGIL_IS_INCIDENT (item));
      g_assert_true (find_position (model, item, &position));
      assert_same_state (item, stored[i]);
    }

  g_assert_null (vigil_workspace_lookup (f->workspace, "00000000-0000-4000-8000-000000000000"));
}

static void
test_load_empty (Fixture       *f,
                 gconstpointer  data)
{
  load (f);
  g_assert_cmpuint (g_list_model_get_n_items (vigil_workspace_get_incidents (f->workspace)), ==,
                    0);
}

static void
test_apply_create (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(VigilIncident) existing = store_create (f, "Existing");
  GListModel *model = vigil_workspace_get_incidents (f->workspace);
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (ItemsChanged));
  g_autoptr(VigilOp) op = make_create ("mallory", "Created here");
  g_autoptr(VigilIncident) last = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  VigilIncident *incident;
  ItemsChanged *change;
  VigilLogEntry *entry;

  load (f);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), log);

  incident = apply (f, op, &error);
  g_assert_no_error (error);
  g_assert_true (VIGIL_IS_INCIDENT (incident));

  /* appended once */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_cmpuint (log->len, ==, 1);
  change = &g_array_index (log, ItemsChanged, 0);
  g_assert_cmpuint (change->position, ==, 1);
  g_assert_cmpuint (change->removed, ==, 0);
  g_assert_cmpuint (change->added, ==, 1);
  last = g_list_model_get_item (model, 1);
  g_assert_true (last == incident);
  g_assert_true (vigil_workspace_lookup (f->workspace, vigil_op_get_incident_id (op)) ==
                 incident);

  g_assert_cmpstr (vigil_incident_get_title (incident), ==, "Created here");
  g_assert_cmpstr (vigil_incident_get_reference (incident), ==, "INC-2025-0002");
  g_assert_cmpint (vigil_incident_get_revision (incident), ==, 1);

  /* the workspace acts as its own user, whatever the operation claimed */
  g_assert_cmpstr (vigil_op_get_actor (op), ==, ACTOR);
  g_assert_cmpstr (vigil_incident_get_created_by (incident), ==, ACTOR);
  g_assert_cmpstr (vigil_incident_get_owner (incident), ==, ACTOR);
  entries = vigil_store_list_log (f->store, vigil_op_get_incident_id (op), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (vigil_op_get_actor (entry->op), ==, ACTOR);

  g_signal_handlers_disconnect_by_func (model, on_items_changed_cb, log);
}

static void
test_apply_update_in_place (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(VigilIncident) first = store_create (f, "First");
  g_autoptr(VigilIncident) second = store_create (f, "Second");
  GListModel *model = vigil_workspace_get_incidents (f->workspace);
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (ItemsChanged));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(VigilOp) op = NULL;
  g_autoptr(VigilIncident) stored = NULL;
  g_autoptr(GError) error = NULL;
  VigilIncident *item;
  VigilIncident *result;
  guint position = G_MAXUINT;
  guint position_after = G_MAXUINT;
  ItemsChanged *change;

  load (f);
  item = vigil_workspace_lookup (f->workspace, vigil_incident_get_id (second));
  g_assert_nonnull (item);
  g_assert_true (find_position (model, item, &position));

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), log);
  g_signal_connect (item, "notify", G_CALLBACK (on_notify_cb), names);

  op = make_op ("incident.update", vigil_incident_get_id (second), "mallory",
                vigil_incident_get_revision (second), "{'title':'Second, renamed'}");
  result = apply (f, op, &error);
  g_assert_no_error (error);

  /* the very object views already show */
  g_assert_true (result == item);
  g_assert_cmpstr (vigil_incident_get_title (item), ==, "Second, renamed");
  g_assert_cmpint (vigil_incident_get_revision (item), ==, 2);
  g_assert_true (names_contain (names, "title"));
  g_assert_false (names_contain (names, "step"));

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_true (find_position (model, item, &position_after));
  g_assert_cmpuint (position_after, ==, position);
  g_assert_cmpuint (log->len, ==, 1);
  change = &g_array_index (log, ItemsChanged, 0);
  g_assert_cmpuint (change->position, ==, position);
  g_assert_cmpuint (change->removed, ==, 1);
  g_assert_cmpuint (change->added, ==, 1);

  /* the model and the store agree */
  stored = vigil_store_get_incident (f->store, vigil_incident_get_id (second), &error);
  g_assert_no_error (error);
  assert_same_state (item, stored);
  g_assert_cmpstr (vigil_op_get_actor (op), ==, ACTOR);

  g_signal_handlers_disconnect_by_func (model, on_items_changed_cb, log);
  g_signal_handlers_disconnect_by_func (item, on_notify_cb, names);
}

static void
test_apply_move_in_place (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(VigilIncident) first = store_create (f, "First");
  GListModel *model = vigil_workspace_get_incidents (f->workspace);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(VigilOp) op = NULL;
  g_autoptr(GError) error = NULL;
  VigilIncident *item;
  VigilIncident *result;

  load (f);
  item = vigil_workspace_lookup (f->workspace, vigil_incident_get_id (first));
  g_signal_connect (item, "notify", G_CALLBACK (on_notify_cb), names);

  op = make_op ("incident.move", vigil_incident_get_id (first), ACTOR, 1, "{'to':4}");
  result = apply (f, op, &error);
  g_assert_no_error (error);
  g_assert_true (result == item);
  g_assert_cmpuint (vigil_incident_get_step (item), ==, 4);
  g_assert_true (names_contain (names, "step"));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);

  g_signal_handlers_disconnect_by_func (item, on_notify_cb, names);
}

static void
test_apply_refused (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(VigilIncident) first = store_create (f, "First");
  GListModel *model = vigil_workspace_get_incidents (f->workspace);
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (ItemsChanged));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(VigilOp) gate = NULL;
  g_autoptr(VigilOp) bad_create = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  VigilIncident *item;
  VigilIncident *result;
  gint64 last_seq;

  load (f);
  item = vigil_workspace_lookup (f->workspace, vigil_incident_get_id (first));
  before = vigil_incident_to_string (item);
  last_seq = vigil_store_get_last_seq (f->store);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), log);
  g_signal_connect (item, "notify", G_CALLBACK (on_notify_cb), names);

  gate = make_op ("incident.move", vigil_incident_get_id (first), ACTOR, 1, "{'to':9}");
  result = apply (f, gate, &error);
  g_assert_null (result);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_GATE);
  g_clear_error (&error);

  bad_create = make_op ("incident.create", "6e1f0a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b", ACTOR, 0,
                        "{'title':'','type':'malware'}");
  result = apply (f, bad_create, &error);
  g_assert_null (result);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID);

  g_assert_cmpuint (log->len, ==, 0);
  g_assert_cmpuint (names->len, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  after = vigil_incident_to_string (item);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (vigil_incident_get_step (item), ==, 1);
  g_assert_null (vigil_workspace_lookup (f->workspace, "6e1f0a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b"));
  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, last_seq);

  g_signal_handlers_disconnect_by_func (model, on_items_changed_cb, log);
  g_signal_handlers_disconnect_by_func (item, on_notify_cb, names);
}

static void
test_apply_role (Fixture       *f,
                 gconstpointer  data)
{
  GListModel *model = vigil_workspace_get_incidents (f->workspace);
  g_autoptr(VigilOp) as_manager = make_create (ACTOR, "By a manager");
  g_autoptr(VigilOp) as_analyst = make_create (ACTOR, "By an analyst");
  g_autoptr(GError) error = NULL;
  VigilIncident *result;

  load (f);

  /* the operation is checked with the workspace's role */
  vigil_workspace_set_role (f->workspace, VIGIL_ROLE_MANAGER);
  result = apply (f, as_manager, &error);
  g_assert_null (result);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  vigil_workspace_set_role (f->workspace, VIGIL_ROLE_ANALYST);
  result = apply (f, as_analyst, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
}

static void
test_apply_decide_role (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(VigilOp) create = make_create (ACTOR, "Needs approval");
  g_autoptr(VigilOp) fill = NULL;
  g_autoptr(VigilOp) submit = NULL;
  g_autoptr(VigilOp) decide = NULL;
  g_autoptr(VigilWorkspace) lead = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  VigilIncident *incident;
  VigilIncident *decided;
  const char *id;

  load (f);
  incident = apply (f, create, &error);
  g_assert_no_error (error);
  id = vigil_incident_get_id (incident);

  fill = make_op ("incident.update", id, ACTOR, 1,
                  "{'severity':'high','aware_at':'2025-03-01T09:00:00Z'}");
  g_assert_true (apply (f, fill, &error) == incident);
  g_assert_no_error (error);
  {
    g_autoptr(VigilOp) findings = make_op ("form.update", id, ACTOR, 2,
                                           "{'form':'findings','fields':{'summary':'Fake "
                                           "invoices'}}");
    g_autoptr(VigilOp) escalate = make_op ("form.update", id, ACTOR, 3,
                                           "{'form':'escalate','fields':{'escalate':false}}");

    g_assert_true (apply (f, findings, &error) == incident);
    g_assert_true (apply (f, escalate, &error) == incident);
    g_assert_no_error (error);
  }
  submit = make_op ("approval.submit", id, ACTOR, 4, "{}");
  g_assert_true (apply (f, submit, &error) == incident);
  g_assert_no_error (error);
  g_assert_cmpint (vigil_incident_get_approval_state (incident), ==, VIGIL_APPROVAL_PENDING);

  /* "bob" claimed in the operation does not make the analyst a lead */
  decide = make_op ("approval.decide", id, "bob", 5, "{'decision':'approve','comment':'ok'}");
  g_assert_null (apply (f, decide, &error));
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_FORBIDDEN);
  g_clear_error (&error);

  /* a lead's workspace on the same store may decide */
  lead = vigil_workspace_new (f->store, "bob", VIGIL_ROLE_LEAD);
  vigil_workspace_load_async (lead, NULL, on_result_cb, &result);
  wait_for (&result);
  g_assert_true (vigil_workspace_load_finish (lead, result, &error));
  g_clear_object (&result);
  {
    g_autoptr(VigilOp) decide2 = make_op ("approval.decide", id, "bob", 5,
                                          "{'decision':'approve','comment':'ok'}");

    vigil_workspace_apply_async (lead, decide2, NULL, on_result_cb, &result);
    wait_for (&result);
    decided = vigil_workspace_apply_finish (lead, result, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (vigil_incident_get_step (decided), ==, 9);
    g_assert_cmpstr (vigil_incident_get_decided_by (decided), ==, "bob");
  }
  g_clear_object (&lead);
}

static void
test_apply_duplicate (Fixture       *f,
                      gconstpointer  data)
{
  GListModel *model = vigil_workspace_get_incidents (f->workspace);
  g_autoptr(VigilOp) op = make_create (ACTOR, "Sent twice");
  g_autoptr(GError) error = NULL;
  VigilIncident *first;
  VigilIncident *second;

  load (f);
  first = apply (f, op, &error);
  g_assert_no_error (error);

  /* a retry of the same operation neither fails nor adds a second card */
  second = apply (f, op, &error);
  g_assert_no_error (error);
  g_assert_true (second == first);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpint (vigil_incident_get_revision (first), ==, 1);
  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, 1);
}

static void
test_apply_many (Fixture       *f,
                 gconstpointer  data)
{
  GListModel *model = vigil_workspace_get_incidents (f->workspace);
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr(GError) error = NULL;

  load (f);
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *title = g_strdup_printf ("Incident %u", i);
      g_autoptr(VigilOp) op = make_create (ACTOR, title);
      VigilIncident *incident = apply (f, op, &error);

      g_assert_no_error (error);
      g_assert_true (g_hash_table_add (seen, incident));
    }
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 20);

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(VigilIncident) item = g_list_model_get_item (model, i);

      g_assert_true (g_hash_table_contains (seen, item));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/vigil/workspace/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("new", test_new);
  ADD ("load", test_load);
  ADD ("load/empty", test_load_empty);
  ADD ("apply/create", test_apply_create);
  ADD ("apply/update-in-place", test_apply_update_in_place);
  ADD ("apply/move-in-place", test_apply_move_in_place);
  ADD ("apply/refused", test_apply_refused);
  ADD ("apply/role", test_apply_role);
  ADD ("apply/decide-role", test_apply_decide_role);
  ADD ("apply/duplicate", test_apply_duplicate);
  ADD ("apply/many", test_apply_many);

#undef ADD

  return g_test_run ();
}
