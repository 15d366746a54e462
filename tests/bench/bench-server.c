/* SPDX-License-Identifier: GPL-3.0-or-later */

/* bench-server: starts the real vigild on a new store in a temporary
 * directory and measures, over loopback HTTP:
 *   - durable operations committed per second with 1 and with 8 clients,
 *     one operation per request (each answered only after its commit),
 *     and with 1 client sending batches of 50 (a sync client's outbox);
 *   - the latency of those requests (p50, p99);
 *   - the server's resident memory once it holds 10,000 incidents and
 *     clients have read them (a full sync, pages of 1,000, searches);
 *   - the server's CPU time per operation, which says more than the rate
 *     when the machine is shared.
 * Run: build/tests/bench/bench-server [--requests N] [--incidents N]
 * With --clients N and/or --batch N it runs only that one measurement (to
 * profile the server under one load). */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#define PASSWORD "benchmark password"
#define RSS_BUDGET_KB (40 * 1024)
#define OPS_BUDGET 2000.0

static guint n_requests = 2000;
static guint n_incidents = 10000;
static guint only_clients = 0;
static guint only_batch = 0;
static char *vigild = NULL;

typedef struct {
  char        *url;
  char        *token;
  GSubprocess *process;
} Server;

typedef struct {
  Server  *server;
  guint    n_requests;
  guint    ops_per_request;
  GArray  *latencies;   /* gint64 µs */
} Client;

static void
fail (const char *format,
      ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;

static void
fail (const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  exit (1);
}

static void
run (const char *input,
     const char *first,
     ...) G_GNUC_NULL_TERMINATED;

static void
run (const char *input,
     const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  va_list args;

  g_ptr_array_add (argv, vigild);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  if (process == NULL ||
      !g_subprocess_communicate_utf8 (process, input, NULL, NULL, &err, &error))
    fail ("%s", error->message);
  if (!g_subprocess_get_successful (process))
    fail ("vigild %s failed: %s", first, err);
}

static guint
request (Server      *server,
         SoupSession *session,
         const char  *method,
         const char  *path,
         const char  *body,
         JsonNode   **reply)
{
  g_autofree char *url = g_strconcat (server->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  if (server->token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", server->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    value);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) data = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", data);
    }

  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  if (bytes == NULL)
    fail ("%s %s: %s", method, path, error->message);
  if (reply != NULL)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

      *reply = json_from_string (text, NULL);
    }
  return soup_message_get_status (msg);
}

/* {"ops": [...]} with @n new incidents. */
static char *
create_body (guint n)
{
  g_autoptr(GString) body = g_string_new ("{\"ops\":[");
  static const char *types[] = { "malware", "phishing", "data_breach", "ddos" };
  static guint counter = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *op_id = g_uuid_string_random ();
      g_autofree char *incident = g_uuid_string_random ();
      guint k = g_atomic_int_add (&counter, 1);

      g_string_append_printf (body,
                              "%s{\"id\":\"%s\",\"incident\":\"%s\",\"kind\":\"incident.create\","
                              "\"base_rev\":0,\"actor\":\"bench\",\"at\":\"2026-01-01T00:00:00Z\","
                              "\"payload\":{\"title\":\"Benchmark incident %u on host-%u\","
                              "\"type\":\"%s\",\"description\":\"Alert raised by the "
                              "monitoring on host-%u; user reported slow logins.\"}}",
                              i ? "," : "", op_id, incident, k, k % 97, types[k % 4], k % 97);
    }
  g_string_append (body, "]}");
  return g_string_free (g_steal_pointer (&body), FALSE);
}

static gpointer
client_thread (gpointer data)
{
  Client *client = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);

  for (guint i = 0; i < client->n_requests; i++)
    {
      g_autofree char *body = create_body (client->ops_per_request);
      gint64 start = g_get_monotonic_time ();
      gint64 elapsed;
      guint status = request (client->server, session, "POST", "api/v1/ops", body, NULL);

      elapsed = g_get_monotonic_time () - start;
      if (status != 200)
        fail ("POST ops answered %u", status);
      g_array_append_val (client->latencies, elapsed);
    }
  return NULL;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *sorted,
            double  p)
{
  guint index = (guint) (p * (sorted->len - 1) + 0.5);

  return g_array_index (sorted, gint64, index) / 1000.0;
}

/* CPU time the server has used, user and system, in µs; @system gets the
 * system part. */
static gint64
server_cpu_usec (Server *server,
                 gint64 *system)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat",
                                           g_subprocess_get_identifier (server->process));
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;

  if (!g_file_get_contents (path, &text, NULL, NULL) || !(end = strrchr (text, ')')))
    fail ("cannot read %s", path);
  /* After "pid (comm)": state is field 3, utime 14, stime 15. */
  fields = g_strsplit (end + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    fail ("cannot parse %s", path);
  *system = g_ascii_strtoll (fields[12], NULL, 10) * G_USEC_PER_SEC / sysconf (_SC_CLK_TCK);
  return (g_ascii_strtoll (fields[11], NULL, 10) + g_ascii_strtoll (fields[12], NULL, 10)) *
         G_USEC_PER_SEC / sysconf (_SC_CLK_TCK);
}

/* CPU time this process (the clients) has used, in µs. */
static gint64
clients_cpu_usec (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (gint64) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC +
         usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

/* Returns the operations committed per second. */
static double
measure (Server     *server,
         const char *name,
         guint       n_clients,
         guint       total_requests,
         guint       ops_per_request)
{
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));
  Client clients[8];
  GThread *threads[8];
  gint64 start, elapsed, cpu, system, system_after, client_cpu;
  guint n_ops;
  double ops_per_second;

  g_assert (n_clients <= G_N_ELEMENTS (clients));

  cpu = server_cpu_usec (server, &system);
  client_cpu = clients_cpu_usec ();
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_clients; i++)
    {
      clients[i].server = server;
      clients[i].n_requests = total_requests / n_clients;
      clients[i].ops_per_request = ops_per_request;
      clients[i].latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
      threads[i] = g_thread_new ("client", client_thread, &clients[i]);
    }
  for (guint i = 0; i < n_clients; i++)
    {
      g_thread_join (threads[i]);
      g_array_append_vals (all, clients[i].latencies->data, clients[i].latencies->len);
      g_array_unref (clients[i].latencies);
    }
  elapsed = g_get_monotonic_time () - start;
  cpu = server_cpu_usec (server, &system_after) - cpu;
  system = system_after - system;
  client_cpu = clients_cpu_usec () - client_cpu;

  g_array_sort (all, compare_gint64);
  n_ops = all->len * ops_per_request;
  ops_per_second = (double) n_ops * G_USEC_PER_SEC / elapsed;
  printf ("%-30s %6u ops %6.0f ops/s  p50 %6.2f ms  p99 %6.2f ms  CPU/op: server %4.0f us "
          "(system %4.0f us), clients %4.0f us\n", name, n_ops, ops_per_second,
          percentile (all, 0.50), percentile (all, 0.99), (double) cpu / n_ops,
          (double) system / n_ops, (double) client_cpu / n_ops);
  return ops_per_second;
}

/* VmRSS and VmHWM of the server, in KiB. */
static void
read_memory (Server *server,
             guint  *rss,
             guint  *peak)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status",
                                           g_subprocess_get_identifier (server->process));
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    fail ("cannot read %s", path);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "VmRSS:"))
        *rss = (guint) g_ascii_strtoull (lines[i] + 6, NULL, 10);
      else if (g_str_has_prefix (lines[i], "VmHWM:"))
        *peak = (guint) g_ascii_strtoull (lines[i] + 6, NULL, 10);
    }
}

static gint64
count_total (Server      *server,
             SoupSession *session)
{
  g_autoptr(JsonNode) reply = NULL;

  if (request (server, session, "GET", "api/v1/incidents?limit=1", NULL, &reply) != 200)
    fail ("GET incidents failed");
  return json_object_get_int_member (json_node_get_object (reply), "total");
}

static void
remove_store (const char *dir,
              const char *data_dir)
{
  const char *names[] = { "vigild.db", "vigild.db-wal", "vigild.db-shm", NULL };

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (data_dir, names[i], NULL);

      g_remove (path);
    }
  g_rmdir (data_dir);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  GOptionEntry entries[] = {
    { "requests", 'n', 0, G_OPTION_ARG_INT, &n_requests,
      "Requests per measurement (default 2000)", "N" },
    { "incidents", 'i', 0, G_OPTION_ARG_INT, &n_incidents,
      "Incidents in the store for the memory figure (default 10000)", "N" },
    { "vigild", 0, 0, G_OPTION_ARG_FILENAME, &vigild, "The vigild binary", "PATH" },
    { "clients", 'c', 0, G_OPTION_ARG_INT, &only_clients,
      "Only measure this many clients (1 to 8)", "N" },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &only_batch,
      "Only measure requests of this many operations", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- benchmark the vigild server");
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 120, NULL);
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *line = NULL;
  g_autofree char *tmp_parent = NULL;
  Server server = { 0, };
  double one, eight;
  guint rss = 0, peak = 0, rss_idle = 0, peak_idle = 0, rss_written = 0, rss_settled = 0;
  gint64 total;
  gboolean ok = TRUE;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    fail ("%s", error->message);
  if (only_clients > 8)
    fail ("--clients takes 1 to 8");
  if (vigild == NULL)
    vigild = g_strdup (g_getenv ("VIGILD") ? g_getenv ("VIGILD") : VIGILD_PATH);

  /* A real file system, not tmpfs: fsync must cost what it costs. */
  tmp_parent = g_strdup (g_getenv ("BENCH_TMPDIR") ? g_getenv ("BENCH_TMPDIR") : "/var/tmp");
  dir = g_build_filename (tmp_parent, "vigild-bench-XXXXXX", NULL);
  if (g_mkdtemp (dir) == NULL)
    fail ("cannot create a directory in %s", tmp_parent);
  data_dir = g_build_filename (dir, "data", NULL);

  run (NULL, "init", "--data", data_dir, NULL);
  run (PASSWORD "\n", "user", "add", "bench", "--role", "analyst", "--data", data_dir, NULL);

  {
    const char *args[] = { vigild, "serve", "--data", data_dir, "--listen", "127.0.0.1:0", NULL };

    server.process = g_subprocess_newv (args, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
    if (server.process == NULL)
      fail ("%s", error->message);
  }
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server.process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, NULL);
  if (line == NULL || !g_str_has_prefix (line, "Listening on "))
    fail ("vigild serve did not start");
  server.url = g_strdup (line + strlen ("Listening on "));

  if (request (&server, session, "POST", "api/v1/session",
               "{\"user\": \"bench\", \"password\": \"" PASSWORD "\"}", &reply) != 201)
    fail ("cannot sign in");
  server.token = g_strdup (json_object_get_string_member (json_node_get_object (reply),
                                                          "token"));

  printf ("vigild %s, store in %s, %u requests per measurement\n\n", PACKAGE_VERSION, dir,
          n_requests);
  read_memory (&server, &rss_idle, &peak_idle);

  if (only_clients > 0 || only_batch > 0)
    {
      guint clients = MAX (only_clients, 1), batch = MAX (only_batch, 1);
      g_autofree char *name = g_strdup_printf ("%u client%s, %u op%s per request", clients,
                                               clients > 1 ? "s" : "", batch,
                                               batch > 1 ? "s" : "");

      measure (&server, name, clients, MAX (clients, n_requests / batch), batch);
      g_subprocess_send_signal (server.process, SIGTERM);
      g_subprocess_wait (server.process, NULL, NULL);
      remove_store (dir, data_dir);
      return 0;
    }

  one = measure (&server, "1 client, 1 op per request", 1, n_requests, 1);
  eight = measure (&server, "8 clients, 1 op per request", 8, n_requests, 1);
  measure (&server, "1 client, 50 ops per request", 1, MAX (1, n_requests / 50), 50);

  /* Up to the incidents of the memory figure, in batches of 500. */
  total = count_total (&server, session);
  while (total < n_incidents)
    {
      g_autofree char *body = create_body (MIN (500, n_incidents - total));

      if (request (&server, session, "POST", "api/v1/ops", body, NULL) != 200)
        fail ("filling the store failed");
      total = count_total (&server, session);
    }

  read_memory (&server, &rss_written, &peak);

  /* What clients do: a full sync, a board's pages, searches. */
  for (gint64 since = 0;;)
    {
      g_autofree char *path = g_strdup_printf ("api/v1/changes?since=%" G_GINT64_FORMAT
                                               "&limit=5000", since);
      JsonObject *object;

      g_clear_pointer (&reply, json_node_unref);
      if (request (&server, session, "GET", path, NULL, &reply) != 200)
        fail ("GET changes failed");
      object = json_node_get_object (reply);
      since += json_array_get_length (json_object_get_array_member (object, "entries"));
      if (!json_object_get_boolean_member (object, "more"))
        break;
    }
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *path = g_strdup_printf ("api/v1/incidents?offset=%u&limit=1000",
                                               i * 1000);

      request (&server, session, "GET", path, NULL, NULL);
    }
  request (&server, session, "GET", "api/v1/incidents?q=host-42", NULL, NULL);
  request (&server, session, "GET", "api/v1/incidents?type=ddos&limit=1000", NULL, NULL);

  read_memory (&server, &rss, &peak);
  g_usleep (G_USEC_PER_SEC);
  read_memory (&server, &rss_settled, &peak);
  printf ("\nserver memory (RSS): %u KiB at start; %" G_GINT64_FORMAT " incidents written: "
          "%u KiB; read by clients: %u KiB, a second later %u KiB; peak %u KiB\n",
          rss_idle, total, rss_written, rss, rss_settled, peak);

  printf ("\nbudgets: durable ops/s > %.0f: 1 client %s, 8 clients %s; RSS < %u MiB: %s\n",
          OPS_BUDGET, one > OPS_BUDGET ? "met" : "MISSED", eight > OPS_BUDGET ? "met" : "MISSED",
          RSS_BUDGET_KB / 1024, rss < RSS_BUDGET_KB ? "met" : "MISSED");
  ok = eight > OPS_BUDGET && rss < RSS_BUDGET_KB;
  (void) peak_idle;

  g_subprocess_send_signal (server.process, SIGTERM);
  g_subprocess_wait (server.process, NULL, NULL);
  remove_store (dir, data_dir);
  g_free (server.url);
  g_free (server.token);
  g_clear_object (&server.process);
  return ok ? 0 : 1;
}
