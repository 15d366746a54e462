/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-sync [ROUNDS] [INCIDENTS]: measures, against a real vigild on
 * 127.0.0.1 with durable SQLite stores,
 *  - how long a change made on workstation A takes to be in B's replica
 *    (pushed, committed, announced on the live WebSocket, pulled, merged),
 *  - how long an empty replica takes to receive INCIDENTS incidents. */
#include "config.h"

#include <stdlib.h>

#include "test-server-util.h"
#include "vigil-sample.h"

typedef struct {
  char       *dir;
  char       *user;
  VigilStore *store;
  VigilSync  *sync;
  guint       n_changed;
} Replica;

static void
on_changed_cb (VigilSync *sync,
               GPtrArray *touched,
               GPtrArray *removed,
               Replica   *replica)
{
  replica->n_changed++;
}

static Replica *
replica_new (TestServer *ts,
             const char *user)
{
  Replica *replica = g_new0 (Replica, 1);
  g_autofree char *path = NULL;
  g_autofree char *token = test_server_make_token (ts, user);
  g_autoptr(GError) error = NULL;

  replica->dir = test_make_tmp_dir ();
  replica->user = g_strdup (user);
  path = g_build_filename (replica->dir, "vigil.db", NULL);
  replica->store = vigil_store_open (path, &error);
  if (replica->store == NULL ||
      !vigil_store_set_sync_server (replica->store, ts->url, FALSE, &error))
    g_error ("%s", error->message);
  replica->sync = vigil_sync_new (replica->store, ts->url, token);
  g_signal_connect (replica->sync, "incidents-changed", G_CALLBACK (on_changed_cb), replica);
  vigil_sync_start (replica->sync);
  return replica;
}

static void
replica_free (Replica *replica)
{
  vigil_sync_stop (replica->sync);
  g_clear_object (&replica->sync);
  g_clear_object (&replica->store);
  test_rm_rf (replica->dir);
  g_free (replica->dir);
  g_free (replica->user);
  g_free (replica);
}

static gboolean
replica_settled (Replica *replica)
{
  return vigil_sync_get_state (replica->sync) == VIGIL_SYNC_STATE_ONLINE &&
         vigil_store_count_outbox (replica->store) == 0;
}

static void
spin_until_settled (Replica *replica)
{
  while (!replica_settled (replica))
    g_main_context_iteration (NULL, TRUE);
}

static VigilIncident *
apply (Replica    *replica,
       VigilOpKind kind,
       const char *id,
       JsonObject *payload)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) current = NULL;
  g_autoptr(VigilOp) op = NULL;
  VigilIncident *result;

  if (id != NULL)
    current = vigil_store_get_incident (replica->store, id, NULL);
  op = vigil_op_new (kind, id, replica->user, current ? vigil_incident_get_revision (current) : 0,
                     payload);
  result = vigil_store_apply (replica->store, op, VIGIL_ROLE_ANALYST, NULL, NULL, &error);
  if (result == NULL)
    g_error ("%s", error->message);
  vigil_sync_kick (replica->sync);
  return result;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
bench_latency (guint rounds)
{
  TestServer *ts = test_server_start (NULL, NULL);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(VigilIncident) created = NULL;
  g_autofree char *id = NULL;
  Replica *a, *b;

  test_server_add_user (ts, "alice", VIGIL_ROLE_ANALYST);
  test_server_add_user (ts, "bob", VIGIL_ROLE_ANALYST);
  a = replica_new (ts, "alice");
  b = replica_new (ts, "bob");
  spin_until_settled (a);
  spin_until_settled (b);

  {
    JsonObject *payload = json_object_new ();

    json_object_set_string_member (payload, "title", "Latency probe");
    json_object_set_string_member (payload, "type", "phishing");
    created = apply (a, VIGIL_OP_INCIDENT_CREATE, NULL, payload);
    id = g_strdup (vigil_incident_get_id (created));
  }
  spin_until_settled (a);
  while (TRUE)
    {
      g_autoptr(VigilIncident) seen = vigil_store_get_incident (b->store, id, NULL);

      if (seen != NULL)
        break;
      g_main_context_iteration (NULL, TRUE);
    }

  for (guint i = 0; i < rounds; i++)
    {
      g_autofree char *title = g_strdup_printf ("Latency probe %u", i);
      g_autoptr(VigilIncident) updated = NULL;
      JsonObject *payload = json_object_new ();
      gint64 start;
      double ms;

      json_object_set_string_member (payload, "title", title);
      start = g_get_monotonic_time ();
      updated = apply (a, VIGIL_OP_INCIDENT_UPDATE, id, payload);
      while (TRUE)
        {
          g_autoptr(VigilIncident) seen = vigil_store_get_incident (b->store, id, NULL);

          if (g_strcmp0 (vigil_incident_get_title (seen), title) == 0)
            break;
          g_main_context_iteration (NULL, TRUE);
        }
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (times, ms);
      spin_until_settled (a);
    }

  g_array_sort (times, compare_doubles);
  g_print ("change on A visible on B (%u rounds): median %.1f ms, p95 %.1f ms, max %.1f ms\n",
           rounds, g_array_index (times, double, times->len / 2),
           g_array_index (times, double, (times->len * 95) / 100),
           g_array_index (times, double, times->len - 1));

  replica_free (a);
  replica_free (b);
  test_server_stop (ts);
}

static void
bench_initial_sync (guint n)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "vigild.db", NULL);
  g_autoptr(GError) error = NULL;
  TestServer *ts;
  Replica *fresh;
  gint64 start;

  /* The server's data made beforehand, as a server would have it. */
  {
    g_autoptr(VigilStore) store = vigil_store_open (path, &error);

    if (store == NULL || !vigil_sample_fill_store (store, n, 42, &error))
      g_error ("%s", error->message);
  }
  ts = test_server_start (NULL, dir);
  test_server_add_user (ts, "alice", VIGIL_ROLE_ANALYST);

  start = g_get_monotonic_time ();
  fresh = replica_new (ts, "alice");
  spin_until_settled (fresh);
  while (vigil_store_count_incidents (fresh->store) < n)
    g_main_context_iteration (NULL, TRUE);
  g_print ("initial sync of %u incidents into an empty replica: %.2f s\n", n,
           (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  replica_free (fresh);
  test_server_stop (ts);
  test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  guint64 rounds = 200, incidents = 10000;

  if ((argc > 1 && !g_ascii_string_to_unsigned (argv[1], 10, 1, 100000, &rounds, NULL)) ||
      (argc > 2 && !g_ascii_string_to_unsigned (argv[2], 10, 1, 1000000, &incidents, NULL)))
    {
      g_printerr ("Usage: %s [ROUNDS] [INCIDENTS]\n", argv[0]);
      return 2;
    }

  test_password_hash ();
  bench_latency ((guint) rounds);
  bench_initial_sync ((guint) incidents);
  return 0;
}
