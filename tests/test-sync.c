/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Desktop replicas against a real vigild: each client has its own SQLite
 * store and a VigilSync on the test's main context; the server runs in its
 * own thread on 127.0.0.1. */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <vigil/vigil.h>

#include "test-server-util.h"

typedef struct {
  char       *dir;
  char       *path;
  char       *user;
  char       *token;
  VigilRole   role;
  VigilStore *store;
  VigilSync  *sync;
  guint       n_changed;
  GPtrArray  *problems;   /* messages */
} Client;

static void
on_incidents_changed_cb (VigilSync *sync,
                         GPtrArray *touched,
                         GPtrArray *removed,
                         Client    *client)
{
  client->n_changed++;
}

static void
on_problem_cb (VigilSync        *sync,
               VigilSyncProblem *problem,
               Client           *client)
{
  g_ptr_array_add (client->problems, g_strdup (problem->message));
}

static void
client_connect (Client     *client,
                const char *url)
{
  client->sync = vigil_sync_new (client->store, url, client->token);
  g_signal_connect (client->sync, "incidents-changed", G_CALLBACK (on_incidents_changed_cb),
                    client);
  g_signal_connect (client->sync, "problem", G_CALLBACK (on_problem_cb), client);
}

static void
client_open (Client *client)
{
  g_autoptr(GError) error = NULL;

  client->store = vigil_store_open (client->path, &error);
  g_assert_no_error (error);
}

/* A replica of @ts for @user, who must exist there; not started. */
static Client *
client_new (TestServer *ts,
            const char *user,
            VigilRole   role)
{
  Client *client = g_new0 (Client, 1);
  g_autoptr(GError) error = NULL;

  client->dir = test_make_tmp_dir ();
  client->path = g_build_filename (client->dir, "vigil.db", NULL);
  client->user = g_strdup (user);
  client->role = role;
  client->token = test_server_make_token (ts, user);
  client->problems = g_ptr_array_new_with_free_func (g_free);
  client_open (client);
  vigil_store_set_sync_server (client->store, ts->url, FALSE, &error);
  g_assert_no_error (error);
  client_connect (client, ts->url);
  return client;
}

/* The app stops: the sync and the store go, the file stays. */
static void
client_close (Client *client)
{
  if (client->sync != NULL)
    {
      vigil_sync_stop (client->sync);
      g_signal_handlers_disconnect_by_data (client->sync, client);
      g_clear_object (&client->sync);
    }
  g_clear_object (&client->store);
}

static void
client_free (Client *client)
{
  client_close (client);
  test_rm_rf (client->dir);
  g_free (client->dir);
  g_free (client->path);
  g_free (client->user);
  g_free (client->token);
  g_ptr_array_unref (client->problems);
  g_free (client);
}

/* What the desktop does for a user action: apply locally (which queues the
 * operation), then ask the sync to push. */
static VigilIncident *
client_apply (Client      *client,
              VigilOpKind  kind,
              const char  *incident_id,
              const char  *payload_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) current = NULL;
  g_autoptr(VigilOp) op = NULL;
  JsonObject *payload = NULL;
  VigilIncident *result;
  gint64 base_rev = 0;

  if (payload_json != NULL)
    {
      g_autoptr(JsonNode) node = json_from_string (payload_json, &error);

      g_assert_no_error (error);
      payload = json_object_ref (json_node_get_object (node));
    }
  if (incident_id != NULL)
    {
      current = vigil_store_get_incident (client->store, incident_id, &error);
      g_assert_no_error (error);
      base_rev = vigil_incident_get_revision (current);
    }

  op = vigil_op_new (kind, incident_id, client->user, base_rev, payload);
  result = vigil_store_apply (client->store, op, client->role, NULL, NULL, &error);
  g_assert_no_error (error);
  if (client->sync != NULL)
    vigil_sync_kick (client->sync);
  return result;
}

static char *
client_create (Client     *client,
               const char *title)
{
  g_autofree char *payload = g_strdup_printf ("{\"title\": \"%s\", \"type\": \"phishing\"}",
                                              title);
  g_autoptr(VigilIncident) incident = client_apply (client, VIGIL_OP_INCIDENT_CREATE, NULL,
                                                    payload);

  return g_strdup (vigil_incident_get_id (incident));
}

/* The local state, or NULL. */
static VigilIncident *
client_get (Client     *client,
            const char *id)
{
  return vigil_store_get_incident (client->store, id, NULL);
}

static gboolean
client_has_title (Client     *client,
                  const char *id,
                  const char *title)
{
  g_autoptr(VigilIncident) incident = client_get (client, id);

  return incident != NULL && g_strcmp0 (vigil_incident_get_title (incident), title) == 0;
}

typedef gboolean (*Check) (gpointer data);

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Spins the main context until @check holds or @timeout_ms passed. */
static gboolean
wait_until (Check    check,
            gpointer data,
            guint    timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id;

  if (check (data))
    return TRUE;
  id = g_timeout_add (timeout_ms, timeout_cb, &timed_out);
  while (!check (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return check (data);
}

static gboolean
is_settled (gpointer data)
{
  Client *client = data;

  return vigil_sync_get_state (client->sync) == VIGIL_SYNC_STATE_ONLINE &&
         vigil_store_count_outbox (client->store) == 0;
}

static gboolean
is_offline (gpointer data)
{
  Client *client = data;

  /* Offline because an attempt failed, not merely not yet online. */
  return vigil_sync_get_state (client->sync) == VIGIL_SYNC_STATE_OFFLINE &&
         vigil_sync_get_last_error (client->sync) != NULL;
}

typedef struct {
  Client     *client;
  const char *id;
  const char *title;
} TitleCheck;

static gboolean
has_title (gpointer data)
{
  TitleCheck *check = data;

  return client_has_title (check->client, check->id, check->title);
}

static gboolean
has_problem (gpointer data)
{
  Client *client = data;

  return client->problems->len > 0;
}

static guint
count_ops_on_server (TestServer *ts,
                     const char *op_id)
{
  g_autoptr(GPtrArray) log = vigil_store_list_log (ts->store, NULL, NULL);
  guint n = 0;

  for (guint i = 0; log != NULL && i < log->len; i++)
    {
      VigilLogEntry *entry = g_ptr_array_index (log, i);

      if (g_strcmp0 (vigil_op_get_id (entry->op), op_id) == 0)
        n++;
    }
  return n;
}

/* Tests */

static void
test_live (void)
{
  TestServer *ts = test_server_start (NULL, NULL);
  Client *a, *b;
  g_autofree char *id = NULL;
  g_autoptr(VigilIncident) on_a = NULL;
  g_autoptr(VigilIncident) on_b = NULL;
  TitleCheck check;
  gint64 start, elapsed;

  test_server_add_user (ts, "alice", VIGIL_ROLE_ANALYST);
  test_server_add_user (ts, "liam", VIGIL_ROLE_LEAD);
  a = client_new (ts, "alice", VIGIL_ROLE_ANALYST);
  b = client_new (ts, "liam", VIGIL_ROLE_LEAD);
  vigil_sync_start (a->sync);
  vigil_sync_start (b->sync);
  g_assert_true (wait_until (is_settled, a, 5000));
  g_assert_true (wait_until (is_settled, b, 5000));
  /* Let both live connections open. */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_usleep (200 * 1000);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  start = g_get_monotonic_time ();
  id = client_create (a, "Login from an unknown country");

  /* Before the server answered, A already shows it, without a reference. */
  on_a = client_get (a, id);
  g_assert_nonnull (on_a);
  g_assert_null (vigil_incident_get_reference (on_a));
  g_clear_object (&on_a);

  check = (TitleCheck) { b, id, "Login from an unknown country" };
  g_assert_true (wait_until (has_title, &check, 1000));
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("A to B in %" G_GINT64_FORMAT " µs", elapsed);
  g_assert_cmpint (elapsed, <, G_USEC_PER_SEC);

  /* The server numbered it; both replicas agree. */
  g_assert_true (wait_until (is_settled, a, 5000));
  on_a = client_get (a, id);
  on_b = client_get (b, id);
  g_assert_nonnull (vigil_incident_get_reference (on_b));
  g_assert_cmpstr (vigil_incident_get_reference (on_a), ==, vigil_incident_get_reference (on_b));
  g_assert_cmpint (vigil_incident_get_revision (on_a), ==, 1);
  g_assert_cmpuint (b->n_changed, >, 0);
  /* B's history has the creation, mirrored from the server. */
  {
    g_autoptr(GPtrArray) log = vigil_store_list_log (b->store, id, NULL);

    g_assert_nonnull (log);
    g_assert_cmpuint (log->len, ==, 1);
  }

  /* And back: B's change reaches A. */
  g_clear_object (&on_b);
  on_b = client_apply (b, VIGIL_OP_INCIDENT_UPDATE, id, "{\"severity\": \"high\"}");
  g_clear_object (&on_a);
  check = (TitleCheck) { a, id, "Login from an unknown country" };
  g_assert_true (wait_until (is_settled, b, 5000));
  {
    gboolean done = FALSE;

    for (guint i = 0; i < 100 && !done; i++)
      {
        g_autoptr(VigilIncident) now = client_get (a, id);

        done = g_strcmp0 (vigil_incident_get_severity (now), "high") == 0;
        if (!done)
          g_main_context_iteration (NULL, TRUE);
      }
    g_assert_true (done);
  }

  client_free (a);
  client_free (b);
  test_server_stop (ts);
}

static void
test_offline_queue (void)
{
  TestServer *ts = test_server_start (NULL, NULL);
  g_autofree char *moved = g_strdup (ts->data_dir);
  g_autofree char *keep = g_steal_pointer (&ts->dir);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GUri) uri = NULL;
  Client *a;
  guint port;

  test_server_add_user (ts, "alice", VIGIL_ROLE_ANALYST);
  a = client_new (ts, "alice", VIGIL_ROLE_ANALYST);
  uri = g_uri_parse (ts->url, G_URI_FLAGS_NONE, NULL);
  port = g_uri_get_port (uri);

  /* The server goes away (its data kept), then the analyst works. */
  test_server_stop (ts);

  vigil_sync_start (a->sync);
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *title = g_strdup_printf ("Offline finding %u", i);

      g_ptr_array_add (ids, client_create (a, title));
    }
  g_assert_true (wait_until (is_offline, a, 5000));
  g_assert_cmpuint (vigil_store_count_outbox (a->store), ==, 100);
  g_assert_nonnull (vigil_sync_get_offline_since (a->sync));
  g_assert_nonnull (vigil_sync_get_last_error (a->sync));

  /* Back on the same address: everything arrives, once. */
  ts = test_server_start_on_port (NULL, moved, port);
  g_assert_true (wait_until (is_settled, a, 15000));
  g_assert_cmpuint (vigil_store_count_incidents (ts->store), ==, 100);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(VigilIncident) incident = client_get (a, g_ptr_array_index (ids, i));

      g_assert_nonnull (vigil_incident_get_reference (incident));
    }
  {
    g_autoptr(GPtrArray) log = vigil_store_list_log (ts->store, NULL, NULL);

    g_assert_cmpuint (log->len, ==, 100);
  }

  client_free (a);
  test_server_stop (ts);
  test_rm_rf (keep);
}

static void
test_restart_with_outbox (void)
{
  TestServer *ts = test_server_start (NULL, NULL);
  g_autofree char *moved = g_strdup (ts->data_dir);
  g_autofree char *keep = g_steal_pointer (&ts->dir);
  g_autofree char *url = g_strdup (ts->url);
  g_autoptr(GUri) uri = g_uri_parse (ts->url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *id = NULL;
  g_autofree char *op_id = NULL;
  Client *a;

  test_server_add_user (ts, "alice", VIGIL_ROLE_ANALYST);
  a = client_new (ts, "alice", VIGIL_ROLE_ANALYST);
  test_server_stop (ts);

  /* Made while the server is away; then the app goes before sending. */
  id = client_create (a, "Made before a crash");
  {
    g_autoptr(GPtrArray) queued = vigil_store_list_outbox (a->store, 0, NULL);

    g_assert_cmpuint (queued->len, ==, 1);
    op_id = g_strdup (vigil_op_get_id (((VigilOutboxEntry *) g_ptr_array_index (queued, 0))->op));
  }
  client_close (a);

  /* The app starts again, the server is back. */
  ts = test_server_start_on_port (NULL, moved, g_uri_get_port (uri));
  client_open (a);
  g_assert_cmpuint (vigil_store_count_outbox (a->store), ==, 1);
  client_connect (a, url);
  vigil_sync_start (a->sync);
  g_assert_true (wait_until (is_settled, a, 10000));
  g_assert_cmpuint (count_ops_on_server (ts, op_id), ==, 1);

  /* A retry of the same operation (a reply lost) has no second effect. */
  {
    g_autoptr(GPtrArray) log = vigil_store_list_log (a->store, id, NULL);
    VigilLogEntry *entry = g_ptr_array_index (log, 0);
    g_autoptr(GPtrArray) ops = g_ptr_array_new ();
    const VigilRole roles[] = { VIGIL_ROLE_ANALYST };
    g_autoptr(GPtrArray) results = NULL;

    g_ptr_array_add (ops, entry->op);
    results = vigil_store_apply_each (ts->store, ops, roles, NULL);
    g_assert_true (((VigilApplyResult *) g_ptr_array_index (results, 0))->duplicate);
  }
  g_assert_cmpuint (count_ops_on_server (ts, op_id), ==, 1);
  g_assert_cmpuint (vigil_store_count_incidents (ts->store), ==, 1);

  client_free (a);
  test_server_stop (ts);
  test_rm_rf (keep);
}

typedef struct {
  TestServer *ts;
  Client     *a;
  Client     *b;
  char       *id;
} Pair;

/* Two analysts with the same synced incident; B not started. */
static void
pair_set_up (Pair *pair)
{
  g_autoptr(VigilIncident) on_b = NULL;
  TitleCheck check;

  pair->ts = test_server_start (NULL, NULL);
  test_server_add_user (pair->ts, "alice", VIGIL_ROLE_ANALYST);
  test_server_add_user (pair->ts, "bob", VIGIL_ROLE_ANALYST);
  pair->a = client_new (pair->ts, "alice", VIGIL_ROLE_ANALYST);
  pair->b = client_new (pair->ts, "bob", VIGIL_ROLE_ANALYST);
  vigil_sync_start (pair->a->sync);
  vigil_sync_start (pair->b->sync);
  pair->id = client_create (pair->a, "Shared incident");
  check = (TitleCheck) { pair->b, pair->id, "Shared incident" };
  g_assert_true (wait_until (has_title, &check, 5000));
  g_assert_true (wait_until (is_settled, pair->a, 5000));
  g_assert_true (wait_until (is_settled, pair->b, 5000));
  /* B works offline from now on. */
  vigil_sync_stop (pair->b->sync);
}

static void
pair_tear_down (Pair *pair)
{
  client_free (pair->a);
  client_free (pair->b);
  test_server_stop (pair->ts);
  g_free (pair->id);
}

static void
test_conflict_same_field (void)
{
  Pair pair;
  g_autoptr(VigilIncident) on_a = NULL;
  g_autoptr(VigilIncident) on_b = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  VigilSyncProblem *problem;
  TitleCheck check;

  pair_set_up (&pair);

  g_clear_object (&on_a);
  on_a = client_apply (pair.a, VIGIL_OP_INCIDENT_UPDATE, pair.id, "{\"title\": \"Alice's title\"}");
  g_assert_true (wait_until (is_settled, pair.a, 5000));
  on_b = client_apply (pair.b, VIGIL_OP_INCIDENT_UPDATE, pair.id, "{\"title\": \"Bob's title\"}");
  g_assert_true (client_has_title (pair.b, pair.id, "Bob's title"));

  vigil_sync_start (pair.b->sync);
  g_assert_true (wait_until (has_problem, pair.b, 5000));
  g_assert_true (wait_until (is_settled, pair.b, 5000));

  /* Not overwritten: the server kept Alice's, B shows it again, and B's own
   * value waits as a conflict for Bob to decide. */
  check = (TitleCheck) { pair.b, pair.id, "Alice's title" };
  g_assert_true (wait_until (has_title, &check, 2000));
  {
    g_autoptr(VigilIncident) on_server = vigil_store_get_incident (pair.ts->store, pair.id, NULL);

    g_assert_cmpstr (vigil_incident_get_title (on_server), ==, "Alice's title");
  }
  problems = vigil_store_list_sync_problems (pair.b->store, NULL);
  g_assert_cmpuint (problems->len, ==, 1);
  problem = g_ptr_array_index (problems, 0);
  g_assert_true (problem->conflict);
  g_assert_cmpstr (problem->incident_id, ==, pair.id);
  g_assert_nonnull (strstr (problem->message, "alice"));
  g_assert_nonnull (strstr (problem->message, "title"));
  g_assert_cmpstr (json_object_get_string_member (vigil_op_get_payload (problem->op), "title"),
                   ==, "Bob's title");
  g_assert_cmpuint (vigil_sync_get_n_problems (pair.b->sync), ==, 1);

  /* Dealt with: gone from the list. */
  g_assert_true (vigil_store_remove_sync_problem (pair.b->store, vigil_op_get_id (problem->op),
                                                  NULL));
  g_assert_cmpuint (vigil_store_count_sync_problems (pair.b->store), ==, 0);

  pair_tear_down (&pair);
}

static void
test_merge_different_fields (void)
{
  Pair pair;
  g_autoptr(VigilIncident) on_a = NULL;
  g_autoptr(VigilIncident) on_b = NULL;
  g_autoptr(VigilIncident) on_server = NULL;

  pair_set_up (&pair);

  on_a = client_apply (pair.a, VIGIL_OP_INCIDENT_UPDATE, pair.id, "{\"title\": \"Alice's title\"}");
  g_assert_true (wait_until (is_settled, pair.a, 5000));
  /* Bob, offline, changes another field twice (an autosaved form). */
  g_clear_object (&on_b);
  on_b = client_apply (pair.b, VIGIL_OP_INCIDENT_UPDATE, pair.id, "{\"description\": \"Bob wr\"}");
  g_clear_object (&on_b);
  on_b = client_apply (pair.b, VIGIL_OP_INCIDENT_UPDATE, pair.id,
                       "{\"description\": \"Bob wrote this\"}");

  vigil_sync_start (pair.b->sync);
  g_assert_true (wait_until (is_settled, pair.b, 5000));
  g_assert_cmpuint (pair.b->problems->len, ==, 0);

  on_server = vigil_store_get_incident (pair.ts->store, pair.id, NULL);
  g_assert_cmpstr (vigil_incident_get_title (on_server), ==, "Alice's title");
  g_assert_cmpstr (vigil_incident_get_description (on_server), ==, "Bob wrote this");
  g_clear_object (&on_b);
  on_b = client_get (pair.b, pair.id);
  g_assert_cmpstr (vigil_incident_get_title (on_b), ==, "Alice's title");
  g_assert_cmpstr (vigil_incident_get_description (on_b), ==, "Bob wrote this");
  g_assert_cmpint (vigil_incident_get_revision (on_b), ==,
                   vigil_incident_get_revision (on_server));

  pair_tear_down (&pair);
}

static void
test_refused (void)
{
  TestServer *ts = test_server_start (NULL, NULL);
  g_autofree char *id = NULL;
  g_autoptr(VigilIncident) gone = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  Client *m;

  /* The workstation thinks it may create; the server knows a manager. */
  test_server_add_user (ts, "maria", VIGIL_ROLE_MANAGER);
  m = client_new (ts, "maria", VIGIL_ROLE_ANALYST);
  vigil_sync_start (m->sync);
  id = client_create (m, "Not hers to make");
  g_assert_true (wait_until (has_problem, m, 5000));
  g_assert_true (wait_until (is_settled, m, 5000));

  /* Reported with the server's reason, and rolled back. */
  problems = vigil_store_list_sync_problems (m->store, NULL);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_false (((VigilSyncProblem *) g_ptr_array_index (problems, 0))->conflict);
  g_assert_cmpstr (g_ptr_array_index (m->problems, 0), ==,
                   ((VigilSyncProblem *) g_ptr_array_index (problems, 0))->message);
  gone = client_get (m, id);
  g_assert_null (gone);
  g_assert_cmpuint (vigil_store_count_incidents (ts->store), ==, 0);
  g_assert_cmpuint (vigil_store_count_outbox (m->store), ==, 0);

  client_free (m);
  test_server_stop (ts);
}

/* A server that answers badly: garbage, an error, a cut connection. */

typedef enum {
  BAD_GARBAGE,
  BAD_ERROR,
  BAD_CUT,
  BAD_WRONG_RESULTS,
} BadMode;

typedef struct {
  SoupServer *server;
  BadMode     mode;
  guint       n_requests;
  char       *url;
} BadServer;

static void
bad_handler (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  BadServer *bad = user_data;
  static const char garbage[] = "<html>Gateway says hello</html>";
  static const char wrong[] = "{\"results\": [], \"last_seq\": 3}";

  g_atomic_int_inc (&bad->n_requests);
  switch (bad->mode)
    {
    case BAD_GARBAGE:
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, garbage,
                                        sizeof garbage - 1);
      break;
    case BAD_ERROR:
      soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      break;
    case BAD_CUT:
      {
        GIOStream *stream = soup_server_message_steal_connection (msg);

        g_io_stream_close (stream, NULL, NULL);
        g_object_unref (stream);
      }
      break;
    case BAD_WRONG_RESULTS:
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, wrong,
                                        sizeof wrong - 1);
      break;
    }
}

typedef struct {
  BadServer *bad;
  Client    *client;
} Retried;

/* Failed, and asked again since. */
static gboolean
has_retried (gpointer data)
{
  Retried *retried = data;

  return g_atomic_int_get (&retried->bad->n_requests) >= 4 && is_offline (retried->client);
}

static void
test_bad_replies (gconstpointer data)
{
  BadMode mode = GPOINTER_TO_INT (data);
  TestServer *ts = test_server_start (NULL, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  g_autofree char *id = NULL;
  BadServer bad = { 0, };
  Client *a;

  test_server_add_user (ts, "alice", VIGIL_ROLE_ANALYST);

  bad.mode = mode;
  bad.server = soup_server_new (NULL, NULL);
  soup_server_add_handler (bad.server, NULL, bad_handler, &bad, NULL);
  soup_server_listen (bad.server, address, 0, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (bad.server);
  bad.url = g_uri_to_string (uris->data);

  /* A replica whose server address leads to the bad one. */
  a = client_new (ts, "alice", VIGIL_ROLE_ANALYST);
  g_clear_object (&a->sync);
  client_connect (a, bad.url);
  vigil_sync_start (a->sync);
  id = client_create (a, "Kept through bad replies");

  {
    Retried retried = { &bad, a };

    g_assert_true (wait_until (has_retried, &retried, 10000));
  }
  g_assert_cmpint (vigil_sync_get_state (a->sync), ==, VIGIL_SYNC_STATE_OFFLINE);
  g_assert_nonnull (vigil_sync_get_last_error (a->sync));
  g_test_message ("%s", vigil_sync_get_last_error (a->sync));
  g_assert_cmpuint (vigil_store_count_outbox (a->store), ==, 1);
  g_assert_cmpuint (a->problems->len, ==, 0);

  /* The same replica against the real server: delivered. */
  vigil_sync_stop (a->sync);
  g_signal_handlers_disconnect_by_data (a->sync, a);
  g_clear_object (&a->sync);
  client_connect (a, ts->url);
  vigil_sync_start (a->sync);
  g_assert_true (wait_until (is_settled, a, 5000));
  g_assert_cmpuint (vigil_store_count_incidents (ts->store), ==, 1);

  client_free (a);
  soup_server_disconnect (bad.server);
  g_object_unref (bad.server);
  g_free (bad.url);
  test_server_stop (ts);
}

typedef struct {
  gboolean   done;
  char      *token;
  VigilRole  role;
  GError    *error;
} SignIn;

static void
on_signed_in_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SignIn *sign_in = user_data;

  sign_in->token = vigil_sync_sign_in_finish (result, &sign_in->role, &sign_in->error);
  sign_in->done = TRUE;
}

static void
test_sign_in (void)
{
  TestServer *ts = test_server_start (NULL, NULL);
  SignIn ok = { 0, }, wrong = { 0, }, nowhere = { 0, };

  test_server_add_user (ts, "liam", VIGIL_ROLE_LEAD);

  vigil_sync_sign_in_async (ts->url, NULL, "liam", TEST_PASSWORD, NULL, on_signed_in_cb, &ok);
  g_assert_true (test_wait_for (&ok.done, 20000));
  g_assert_no_error (ok.error);
  g_assert_nonnull (ok.token);
  g_assert_cmpint (ok.role, ==, VIGIL_ROLE_LEAD);

  vigil_sync_sign_in_async (ts->url, NULL, "liam", "not the password", NULL, on_signed_in_cb,
                            &wrong);
  g_assert_true (test_wait_for (&wrong.done, 20000));
  g_assert_error (wrong.error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_SIGNED_OUT);
  g_assert_null (wrong.token);

  vigil_sync_sign_in_async ("http://127.0.0.1:1/", NULL, "liam", TEST_PASSWORD, NULL,
                            on_signed_in_cb, &nowhere);
  g_assert_true (test_wait_for (&nowhere.done, 20000));
  g_assert_error (nowhere.error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_NETWORK);

  g_free (ok.token);
  g_clear_error (&wrong.error);
  g_clear_error (&nowhere.error);
  test_server_stop (ts);
}

static void
test_upload_local (void)
{
  TestServer *ts = test_server_start (NULL, NULL);
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "vigil.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *token = NULL;
  VigilSync *sync;
  Client client = { 0, };

  test_server_add_user (ts, "alice", VIGIL_ROLE_ANALYST);

  /* Local mode first: two incidents and a change. */
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  client.store = store;
  client.user = (char *) "alice";
  client.role = VIGIL_ROLE_ANALYST;
  {
    g_autofree char *id = client_create (&client, "Made in local mode");
    g_autofree char *other = client_create (&client, "Also local");
    g_autoptr(VigilIncident) updated = client_apply (&client, VIGIL_OP_INCIDENT_UPDATE, id,
                                                     "{\"severity\": \"low\"}");
  }
  g_assert_cmpuint (vigil_store_count_outbox (store), ==, 0);

  /* Signing in, the user chose to upload them. */
  vigil_store_set_sync_server (store, ts->url, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vigil_store_count_outbox (store), ==, 3);

  /* Another server for the same file is refused. */
  g_assert_false (vigil_store_set_sync_server (store, "https://elsewhere.example/", FALSE,
                                               &error));
  g_assert_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_FAILED);
  g_clear_error (&error);

  token = test_server_make_token (ts, "alice");
  sync = vigil_sync_new (store, ts->url, token);
  client.sync = sync;
  vigil_sync_start (sync);
  g_assert_true (wait_until (is_settled, &client, 5000));
  g_assert_cmpuint (vigil_store_count_incidents (ts->store), ==, 2);
  g_assert_cmpuint (vigil_store_count_incidents (store), ==, 2);

  vigil_sync_stop (sync);
  g_object_unref (sync);
  g_clear_object (&store);
  test_rm_rf (dir);
  test_server_stop (ts);
}

static void
test_bootstrap (void)
{
  TestServer *ts = test_server_start (NULL, NULL);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(VigilIncident) updated = NULL;
  g_autoptr(VigilDoraProfile) payments = NULL;
  g_autoptr(VigilDoraProfile) investment = NULL;
  Client *a, *c;
  TitleCheck check;

  test_server_add_user (ts, "alice", VIGIL_ROLE_ANALYST);
  test_server_add_user (ts, "carl", VIGIL_ROLE_MANAGER);
  a = client_new (ts, "alice", VIGIL_ROLE_ANALYST);
  vigil_sync_start (a->sync);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *title = g_strdup_printf ("Before the manager came %u", i);

      g_ptr_array_add (ids, client_create (a, title));
    }
  g_assert_true (wait_until (is_settled, a, 5000));

  /* The administrator switched a rule off: replicas follow the server's
   * policy, not their own default. */
  g_assert_true (vigil_store_set_policy (ts->store, VIGIL_POLICY_NONE, NULL));
  /* So is the DORA profile: the server's counts. */
  payments = vigil_dora_profile_new (VIGIL_DORA_ENTITY_PAYMENT_INSTITUTION, "LU", NULL, NULL);
  g_assert_true (vigil_store_set_dora_profile (ts->store, payments, NULL));

  /* A new workstation takes the incidents as they stand... */
  c = client_new (ts, "carl", VIGIL_ROLE_MANAGER);
  g_assert_cmpint (vigil_store_get_policy (c->store), ==, VIGIL_POLICY_DEFAULT);
  vigil_sync_start (c->sync);
  g_assert_true (wait_until (is_settled, c, 5000));
  g_assert_cmpuint (vigil_store_count_incidents (c->store), ==, 3);
  g_assert_cmpint (vigil_store_get_policy (c->store), ==, VIGIL_POLICY_NONE);
  {
    g_autoptr(VigilDoraProfile) replica = vigil_store_dup_dora_profile (c->store);

    g_assert_true (vigil_dora_profile_equal (replica, payments));
    g_assert_true (vigil_dora_profile_equal (vigil_sync_get_dora_profile (c->sync), payments));
  }
  g_assert_cmpint (vigil_store_get_sync_seq (c->store), ==, vigil_store_get_last_seq (ts->store));

  /* ...and then follows the changes, the profile's too. */
  investment = vigil_dora_profile_new (VIGIL_DORA_ENTITY_INVESTMENT_FIRM, "IE", NULL, NULL);
  g_assert_true (vigil_store_set_dora_profile (ts->store, investment, NULL));
  updated = client_apply (a, VIGIL_OP_INCIDENT_UPDATE, g_ptr_array_index (ids, 1),
                          "{\"title\": \"Renamed later\"}");
  check = (TitleCheck) { c, g_ptr_array_index (ids, 1), "Renamed later" };
  g_assert_true (wait_until (has_title, &check, 5000));
  {
    g_autoptr(VigilDoraProfile) replica = vigil_store_dup_dora_profile (c->store);

    g_assert_true (vigil_dora_profile_equal (replica, investment));
  }

  client_free (a);
  client_free (c);
  test_server_stop (ts);
}

typedef struct {
  gboolean         done;
  char            *token;
  GError          *error;
  GTlsCertificate *peer;
} TlsSignIn;

static void
on_tls_signed_in_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  TlsSignIn *sign_in = user_data;

  sign_in->token = vigil_sync_sign_in_finish (result, NULL, &sign_in->error);
  sign_in->peer = vigil_sync_sign_in_dup_peer_certificate (result);
  sign_in->done = TRUE;
}

static void
test_untrusted_certificate (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  TlsSignIn refused = { 0, }, trusted = { 0, };
  TestServer *ts;
  Client *a;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    g_error ("No TLS backend: install glib-networking");

  test_make_certificate (dir, &cert_path, &key_path);
  certificate = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);
  ts = test_server_start (certificate, NULL);
  g_assert_true (g_str_has_prefix (ts->url, "https://"));
  test_server_add_user (ts, "alice", VIGIL_ROLE_ANALYST);

  /* A self-signed certificate: refused, and shown for the user to judge. */
  vigil_sync_sign_in_async (ts->url, NULL, "alice", TEST_PASSWORD, NULL, on_tls_signed_in_cb,
                            &refused);
  g_assert_true (test_wait_for (&refused.done, 20000));
  g_assert_error (refused.error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_UNTRUSTED_CERTIFICATE);
  g_assert_nonnull (refused.peer);
  g_assert_true (g_tls_certificate_is_same (refused.peer, certificate));
  fingerprint = vigil_certificate_dup_fingerprint (refused.peer);
  g_assert_cmpuint (strlen (fingerprint), ==, 32 * 3 - 1);
  g_assert_true (g_regex_match_simple ("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", fingerprint, 0, 0));

  /* Trusted after comparing the fingerprint. */
  vigil_sync_sign_in_async (ts->url, refused.peer, "alice", TEST_PASSWORD, NULL,
                            on_tls_signed_in_cb, &trusted);
  g_assert_true (test_wait_for (&trusted.done, 20000));
  g_assert_no_error (trusted.error);
  g_assert_nonnull (trusted.token);

  /* The sync trusts the same certificate, live connection included. */
  a = client_new (ts, "alice", VIGIL_ROLE_ANALYST);
  vigil_sync_set_pinned_certificate (a->sync, refused.peer);
  vigil_sync_start (a->sync);
  g_free (client_create (a, "Over TLS"));
  g_assert_true (wait_until (is_settled, a, 5000));
  g_assert_cmpuint (vigil_store_count_incidents (ts->store), ==, 1);

  /* Without it, nothing goes out, and the reason says why. */
  vigil_sync_stop (a->sync);
  g_signal_handlers_disconnect_by_data (a->sync, a);
  g_clear_object (&a->sync);
  client_connect (a, ts->url);
  vigil_sync_start (a->sync);
  g_free (client_create (a, "Not without trust"));
  g_assert_true (wait_until (is_offline, a, 5000));
  g_assert_nonnull (strstr (vigil_sync_get_last_error (a->sync), "certificate"));
  g_assert_cmpuint (vigil_store_count_outbox (a->store), ==, 1);

  client_free (a);
  g_clear_error (&refused.error);
  g_clear_object (&refused.peer);
  g_clear_object (&trusted.peer);
  g_free (trusted.token);
  test_server_stop (ts);
  test_rm_rf (dir);
}

typedef struct {
  Client             *client;
  const char         *id;
  VigilApprovalState  state;
} StateCheck;

static gboolean
has_state (gpointer data)
{
  StateCheck *check = data;
  g_autoptr(VigilIncident) incident = client_get (check->client, check->id);

  return incident != NULL && vigil_incident_get_approval_state (incident) == check->state;
}

/* The findings and the escalation decision a lead needs. */
static void
fill_for_approval (Client     *client,
                   const char *id)
{
  g_autoptr(VigilIncident) found = NULL;
  g_autoptr(VigilIncident) escalated = NULL;

  found = client_apply (client, VIGIL_OP_FORM_UPDATE, id,
                        "{\"form\": \"findings\", \"fields\": {\"summary\": \"Seen\"}}");
  escalated = client_apply (client, VIGIL_OP_FORM_UPDATE, id,
                            "{\"form\": \"escalate\", \"fields\": {\"escalate\": false}}");
}

static void
test_approval_end_to_end (void)
{
  TestServer *ts = test_server_start (NULL, NULL);
  g_autoptr(VigilIncident) done = NULL;
  g_autoptr(VigilIncident) on_a = NULL;
  g_autofree char *id = NULL;
  g_autofree char *other = NULL;
  StateCheck check;
  Client *a, *lead;

  test_server_add_user (ts, "ana", VIGIL_ROLE_ANALYST);
  test_server_add_user (ts, "lea", VIGIL_ROLE_LEAD);
  a = client_new (ts, "ana", VIGIL_ROLE_ANALYST);
  lead = client_new (ts, "lea", VIGIL_ROLE_LEAD);
  vigil_sync_start (a->sync);
  vigil_sync_start (lead->sync);

  /* The analyst completes and submits steps 1-7. */
  id = client_create (a, "Data exfiltration over DNS");
  g_clear_object (&done);
  done = client_apply (a, VIGIL_OP_INCIDENT_UPDATE, id,
                       "{\"severity\": \"high\", \"aware_at\": \"" TEST_PAST "\"}");
  fill_for_approval (a, id);
  g_clear_object (&done);
  done = client_apply (a, VIGIL_OP_APPROVAL_SUBMIT, id, NULL);
  g_assert_true (wait_until (is_settled, a, 5000));

  /* The lead sees it waiting, approves; the analyst sees step 9. */
  check = (StateCheck) { lead, id, VIGIL_APPROVAL_PENDING };
  g_assert_true (wait_until (has_state, &check, 5000));
  g_clear_object (&done);
  done = client_apply (lead, VIGIL_OP_APPROVAL_DECIDE, id, "{\"decision\": \"approve\"}");
  check = (StateCheck) { a, id, VIGIL_APPROVAL_APPROVED };
  g_assert_true (wait_until (has_state, &check, 5000));
  on_a = client_get (a, id);
  g_assert_cmpuint (vigil_incident_get_step (on_a), ==, 9);
  g_assert_cmpstr (vigil_incident_get_decided_by (on_a), ==, "lea");

  /* The reject path brings the comment back to the analyst. */
  other = client_create (a, "Suspicious OAuth grant");
  g_clear_object (&done);
  done = client_apply (a, VIGIL_OP_INCIDENT_UPDATE, other,
                       "{\"severity\": \"medium\", \"aware_at\": \"" TEST_PAST "\"}");
  fill_for_approval (a, other);
  g_clear_object (&done);
  done = client_apply (a, VIGIL_OP_APPROVAL_SUBMIT, other, NULL);
  check = (StateCheck) { lead, other, VIGIL_APPROVAL_PENDING };
  g_assert_true (wait_until (has_state, &check, 5000));
  g_clear_object (&done);
  done = client_apply (lead, VIGIL_OP_APPROVAL_DECIDE, other,
                       "{\"decision\": \"reject\", \"comment\": \"Which accounts?\"}");
  check = (StateCheck) { a, other, VIGIL_APPROVAL_REJECTED };
  g_assert_true (wait_until (has_state, &check, 5000));
  g_clear_object (&on_a);
  on_a = client_get (a, other);
  g_assert_cmpstr (vigil_incident_get_decision_comment (on_a), ==, "Which accounts?");
  g_assert_cmpuint (vigil_incident_get_step (on_a), <, 8);
  g_assert_cmpuint (lead->problems->len, ==, 0);

  client_free (a);
  client_free (lead);
  test_server_stop (ts);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  test_password_hash ();

  g_test_add_func ("/vigil/sync/live", test_live);
  g_test_add_func ("/vigil/sync/bootstrap", test_bootstrap);
  g_test_add_func ("/vigil/sync/offline-queue", test_offline_queue);
  g_test_add_func ("/vigil/sync/restart-with-outbox", test_restart_with_outbox);
  g_test_add_func ("/vigil/sync/conflict/same-field", test_conflict_same_field);
  g_test_add_func ("/vigil/sync/conflict/different-fields", test_merge_different_fields);
  g_test_add_func ("/vigil/sync/refused", test_refused);
  g_test_add_func ("/vigil/sync/approval-end-to-end", test_approval_end_to_end);
  g_test_add_data_func ("/vigil/sync/bad-reply/garbage", GINT_TO_POINTER (BAD_GARBAGE),
                        test_bad_replies);
  g_test_add_data_func ("/vigil/sync/bad-reply/server-error", GINT_TO_POINTER (BAD_ERROR),
                        test_bad_replies);
  g_test_add_data_func ("/vigil/sync/bad-reply/connection-cut", GINT_TO_POINTER (BAD_CUT),
                        test_bad_replies);
  g_test_add_data_func ("/vigil/sync/bad-reply/wrong-results",
                        GINT_TO_POINTER (BAD_WRONG_RESULTS), test_bad_replies);
  g_test_add_func ("/vigil/sync/sign-in", test_sign_in);
  g_test_add_func ("/vigil/sync/untrusted-certificate", test_untrusted_certificate);
  g_test_add_func ("/vigil/sync/upload-local", test_upload_local);

  return g_test_run ();
}
