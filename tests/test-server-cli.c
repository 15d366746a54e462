/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The vigild command, run for real as a child process: administration,
 * serving, a crash with SIGKILL, verify and backup. */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "vigild-cli.h"
#include "test-server-util.h"

#define API "/api/v1/"
#define OTHER_PASSWORD "another long secret"

static const char *
vigild_path (void)
{
  const char *path = g_getenv ("VIGILD");

  if (path == NULL)
    g_error ("VIGILD must name the vigild binary");
  return path;
}

/* Runs vigild with the NULL-terminated arguments and @input on standard
 * input; returns the exit status. */
static int
run_vigild (const char  *input,
            char       **out,
            char       **err,
            const char  *first,
            ...) G_GNUC_NULL_TERMINATED;

static int
run_vigild (const char  *input,
            char       **out,
            char       **err,
            const char  *first,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  va_list args;

  g_ptr_array_add (argv, (gpointer) vigild_path ());
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input ? input : "", NULL, &stdout_text, &stderr_text,
                                 &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));

  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  if (err != NULL)
    *err = g_steal_pointer (&stderr_text);
  return g_subprocess_get_exit_status (process);
}

/* A data directory made with "vigild init", with one analyst. */
static char *
make_data_dir (const char *dir,
               const char *name)
{
  char *data_dir = g_build_filename (dir, name, NULL);
  g_autofree char *out = NULL;

  g_assert_cmpint (run_vigild (NULL, &out, NULL, "init", "--data", data_dir, NULL), ==, 0);
  g_assert_cmpint (run_vigild (TEST_PASSWORD "\n", NULL, NULL, "user", "add", "alice",
                               "--role", "analyst", "--data", data_dir, NULL), ==, 0);
  return data_dir;
}

/* vigild serve as a child process */

typedef struct {
  GSubprocess *process;
  char        *url;
  SoupSession *session;
  char        *token;
} Serve;

static Serve *
serve_start (const char *data_dir,
             const char *first_option,
             ...) G_GNUC_NULL_TERMINATED;

static Serve *
serve_start (const char *data_dir,
             const char *first_option,
             ...)
{
  Serve *serve = g_new0 (Serve, 1);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  va_list args;

  g_ptr_array_add (argv, (gpointer) vigild_path ());
  g_ptr_array_add (argv, "serve");
  g_ptr_array_add (argv, "--data");
  g_ptr_array_add (argv, (gpointer) data_dir);
  if (first_option == NULL)
    {
      g_ptr_array_add (argv, "--listen");
      g_ptr_array_add (argv, "127.0.0.1:0");
    }
  va_start (args, first_option);
  for (const char *arg = first_option; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  serve->process = g_subprocess_newv ((const char * const *) argv->pdata,
                                      G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);

  /* It says where it listens once it does. */
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (serve->process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL || !g_str_has_prefix (line, "Listening on "))
    g_error ("vigild serve did not start: %s", line ? line : "(no output)");
  serve->url = g_strdup (line + strlen ("Listening on "));
  g_assert_true (g_str_has_suffix (serve->url, "/"));

  serve->session = soup_session_new_with_options ("timeout", 30, NULL);
  return serve;
}

/* Ends the server: SIGTERM (orderly) or SIGKILL. */
static void
serve_stop (Serve    *serve,
            gboolean  kill)
{
  g_autoptr(GError) error = NULL;

  if (kill)
    {
      g_subprocess_force_exit (serve->process);
      g_subprocess_wait (serve->process, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_signaled (serve->process));
      g_assert_cmpint (g_subprocess_get_term_sig (serve->process), ==, SIGKILL);
    }
  else
    {
      g_subprocess_send_signal (serve->process, SIGTERM);
      g_subprocess_wait (serve->process, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (serve->process));
      g_assert_cmpint (g_subprocess_get_exit_status (serve->process), ==, 0);
    }

  g_clear_object (&serve->process);
  g_clear_object (&serve->session);
  g_free (serve->url);
  g_free (serve->token);
  g_free (serve);
}

/* One request; returns the status, 0 when the connection failed. */
static guint
serve_request (Serve        *serve,
               SoupSession  *session,
               const char   *method,
               const char   *path,
               const char   *token,
               const char   *body,
               JsonNode    **reply)
{
  g_autofree char *url = g_strconcat (serve->url, path + 1, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    value);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }

  bytes = soup_session_send_and_read (session ? session : serve->session, msg, NULL, &error);
  if (bytes == NULL)
    return 0;

  if (reply != NULL)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

      *reply = json_from_string (text, NULL);
    }
  return soup_message_get_status (msg);
}

static char *
serve_login (Serve      *serve,
             const char *user,
             const char *password,
             guint       expected)
{
  g_autofree char *body = g_strdup_printf ("{\"user\": \"%s\", \"password\": \"%s\"}", user,
                                           password);
  g_autoptr(JsonNode) reply = NULL;
  guint status = serve_request (serve, NULL, "POST", API "session", NULL, body, &reply);

  if (status != expected)
    g_error ("sign-in of %s: expected %u, got %u", user, expected, status);
  if (status != 201)
    return NULL;
  return g_strdup (json_object_get_string_member (json_node_get_object (reply), "token"));
}

/* --help */

static void
test_help (void)
{
  static const char *commands[][2] = {
    { "init", NULL },
    { "user", "add" },
    { "user", "passwd" },
    { "user", "disable" },
    { "user", "enable" },
    { "user", "list" },
    { "serve", NULL },
    { "backup", NULL },
    { "verify", NULL },
    { "policy", NULL },
    { "profile", NULL },
  };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_vigild (NULL, &out, NULL, "--help", NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_assert_nonnull (strstr (out, commands[i][0]));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_vigild (NULL, &out, NULL, "user", "--help", NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (commands[i][1] != NULL)
        g_assert_nonnull (strstr (out, commands[i][1]));
    }
  g_clear_pointer (&out, g_free);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *usage = NULL;
      int status;

      if (commands[i][1] != NULL)
        status = run_vigild (NULL, &usage, NULL, commands[i][0], commands[i][1], "--help", NULL);
      else
        status = run_vigild (NULL, &usage, NULL, commands[i][0], "--help", NULL);
      g_assert_cmpint (status, ==, 0);
      g_assert_true (g_str_has_prefix (usage, "Usage:"));
      /* Each names itself and its data directory option. */
      g_assert_nonnull (strstr (usage, commands[i][1] ? commands[i][1] : commands[i][0]));
      g_assert_nonnull (strstr (usage, "--data"));
    }

  /* Wrong usage is told apart from failure. */
  g_assert_cmpint (run_vigild (NULL, NULL, &err, "frobnicate", NULL), ==, VIGILD_EXIT_USAGE);
  g_assert_nonnull (strstr (err, "frobnicate"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vigild (NULL, NULL, &err, "verify", NULL), ==, VIGILD_EXIT_USAGE);
  g_assert_nonnull (strstr (err, "--data"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vigild (NULL, NULL, &err, "serve", "--data", "/nonexistent", "--bogus",
                               NULL), ==, VIGILD_EXIT_USAGE);
}

/* init and user ... */

static void
test_users (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token2 = NULL;
  struct stat st;
  Serve *serve;

  g_assert_cmpint (run_vigild (NULL, &out, NULL, "init", "--data", data_dir, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "vigild user add"));
  g_assert_cmpint (g_stat (data_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  /* Never over an existing store. */
  g_assert_cmpint (run_vigild (NULL, NULL, &err, "init", "--data", data_dir, NULL), ==,
                   VIGILD_EXIT_FAILURE);
  g_assert_nonnull (strstr (err, "holds a store already"));
  g_clear_pointer (&err, g_free);

  /* The password comes as one line on standard input. */
  g_assert_cmpint (run_vigild (TEST_PASSWORD "\n", &out, NULL, "user", "add", "alice",
                               "--role", "analyst", "--data", data_dir, NULL), ==, 0);
  g_assert_cmpint (run_vigild (TEST_PASSWORD "\n", NULL, NULL, "user", "add", "lena",
                               "--role", "lead", "--data", data_dir, NULL), ==, 0);
  g_assert_cmpint (run_vigild ("short\n", NULL, &err, "user", "add", "sam", "--role", "manager",
                               "--data", data_dir, NULL), ==, VIGILD_EXIT_FAILURE);
  g_assert_nonnull (strstr (err, "too short"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vigild ("", NULL, &err, "user", "add", "sam", "--role", "manager",
                               "--data", data_dir, NULL), ==, VIGILD_EXIT_FAILURE);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vigild (TEST_PASSWORD "\n", NULL, &err, "user", "add", "alice", "--role",
                               "lead", "--data", data_dir, NULL), ==, VIGILD_EXIT_FAILURE);
  g_assert_nonnull (strstr (err, "exists already"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vigild (TEST_PASSWORD "\n", NULL, NULL, "user", "add", "sam", "--role",
                               "boss", "--data", data_dir, NULL), ==, VIGILD_EXIT_USAGE);
  g_assert_cmpint (run_vigild (TEST_PASSWORD "\n", NULL, NULL, "user", "add", "bad name!",
                               "--role", "lead", "--data", data_dir, NULL), ==,
                   VIGILD_EXIT_USAGE);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_vigild (NULL, &out, NULL, "user", "list", "--data", data_dir, NULL), ==,
                   0);
  g_assert_true (g_regex_match_simple ("^alice +analyst +active ", out, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^lena +lead +active ", out, G_REGEX_MULTILINE, 0));
  g_assert_null (strstr (out, "sam"));
  /* No password hash ever leaves the store. */
  g_assert_null (strstr (out, "argon2"));

  serve = serve_start (data_dir, NULL, NULL);
  token = serve_login (serve, "alice", TEST_PASSWORD, 201);

  /* A new password: the old one stops working, the new one works. */
  g_assert_cmpint (run_vigild (OTHER_PASSWORD "\n", NULL, NULL, "user", "passwd", "alice",
                               "--data", data_dir, NULL), ==, 0);
  serve_login (serve, "alice", TEST_PASSWORD, 401);
  token2 = serve_login (serve, "alice", OTHER_PASSWORD, 201);
  g_assert_cmpint (run_vigild (OTHER_PASSWORD "\n", NULL, &err, "user", "passwd", "nobody",
                               "--data", data_dir, NULL), ==, VIGILD_EXIT_FAILURE);
  g_clear_pointer (&err, g_free);

  /* Disabled: no more sign-ins, and the sessions end at once. */
  g_assert_cmpuint (serve_request (serve, NULL, "GET", API "me", token2, NULL, NULL), ==, 200);
  g_assert_cmpint (run_vigild (NULL, NULL, NULL, "user", "disable", "alice", "--data", data_dir,
                               NULL), ==, 0);
  g_assert_cmpuint (serve_request (serve, NULL, "GET", API "me", token, NULL, NULL), ==, 401);
  g_assert_cmpuint (serve_request (serve, NULL, "GET", API "me", token2, NULL, NULL), ==, 401);
  serve_login (serve, "alice", OTHER_PASSWORD, 401);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_vigild (NULL, &out, NULL, "user", "list", "--data", data_dir, NULL), ==,
                   0);
  g_assert_true (g_regex_match_simple ("^alice +analyst +disabled ", out, G_REGEX_MULTILINE, 0));

  /* Enabled again, the new password works. */
  g_assert_cmpint (run_vigild (NULL, NULL, NULL, "user", "enable", "alice", "--data", data_dir,
                               NULL), ==, 0);
  g_free (serve_login (serve, "alice", OTHER_PASSWORD, 201));

  serve_stop (serve, FALSE);
  test_rm_rf (dir);
}

/* serve: plain HTTP only on loopback */

static void
test_serve_listen (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *data_dir = make_data_dir (dir, "data");
  g_autofree char *err = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  Serve *serve;

  g_assert_cmpint (run_vigild (NULL, NULL, &err, "serve", "--data", data_dir, "--listen",
                               "0.0.0.0:0", NULL), ==, VIGILD_EXIT_USAGE);
  g_assert_nonnull (strstr (err, "Refusing plain HTTP"));
  g_assert_nonnull (strstr (err, "--insecure-http"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vigild (NULL, NULL, &err, "serve", "--data", data_dir, "--listen",
                               "[::]:0", NULL), ==, VIGILD_EXIT_USAGE);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vigild (NULL, NULL, &err, "serve", "--data", data_dir, "--listen",
                               "127.0.0.1", NULL), ==, VIGILD_EXIT_USAGE);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vigild (NULL, NULL, &err, "serve", "--data", data_dir, "--listen",
                               "127.0.0.1:0", "--tls-cert", "x.pem", NULL), ==,
                   VIGILD_EXIT_USAGE);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vigild (NULL, NULL, &err, "serve", "--data", dir, "--listen",
                               "127.0.0.1:0", NULL), ==, VIGILD_EXIT_FAILURE);
  g_assert_nonnull (strstr (err, "vigild init"));

  /* With --insecure-http it does, for a TLS proxy in front. */
  serve = serve_start (data_dir, "--listen", "0.0.0.0:0", "--insecure-http", NULL);
  g_assert_true (g_str_has_prefix (serve->url, "http://"));
  serve_stop (serve, FALSE);

  /* With a certificate, anywhere. */
  test_make_certificate (dir, &cert_path, &key_path);
  serve = serve_start (data_dir, "--listen", "0.0.0.0:0", "--tls-cert", cert_path,
                       "--tls-key", key_path, NULL);
  g_assert_true (g_str_has_prefix (serve->url, "https://"));
  serve_stop (serve, FALSE);

  test_rm_rf (dir);
}

/* A stream of batches from several clients */

#define N_SENDERS 4

/* Each batch makes one incident in three operations: all of them or none
 * may be in the store, never a part. */
typedef struct {
  char     *incident;
  char     *op_ids[3];
  char     *body;
  gboolean  acknowledged;
} Batch;

static void
batch_free (Batch *batch)
{
  g_free (batch->incident);
  for (guint i = 0; i < G_N_ELEMENTS (batch->op_ids); i++)
    g_free (batch->op_ids[i]);
  g_free (batch->body);
  g_free (batch);
}

static Batch *
batch_new (void)
{
  Batch *batch = g_new0 (Batch, 1);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;

  batch->incident = g_uuid_string_random ();
  for (guint i = 0; i < G_N_ELEMENTS (batch->op_ids); i++)
    batch->op_ids[i] = g_uuid_string_random ();
  a = test_op_with_id (batch->op_ids[0], "incident.create", batch->incident, 0,
                       "{'title': 'Streamed', 'type': 'ddos'}");
  b = test_op_with_id (batch->op_ids[1], "incident.update", batch->incident, 1,
                       "{'severity': 'medium'}");
  c = test_op_with_id (batch->op_ids[2], "incident.move", batch->incident, 2, "{'to': 2}");
  batch->body = test_ops_body (a, b, c, NULL);
  return batch;
}

typedef struct {
  Serve      *serve;
  const char *token;
  GMutex      lock;
  GPtrArray  *batches;       /* Batch: every batch sent or being sent */
  guint       n_acknowledged;
  gint        stop;
} Stream;

static gpointer
stream_sender (gpointer data)
{
  Stream *stream = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);

  while (!g_atomic_int_get (&stream->stop))
    {
      Batch *batch = batch_new ();
      g_autoptr(JsonNode) reply = NULL;
      guint status;

      g_mutex_lock (&stream->lock);
      g_ptr_array_add (stream->batches, batch);
      g_mutex_unlock (&stream->lock);

      status = serve_request (stream->serve, session, "POST", API "ops", stream->token,
                              batch->body, &reply);
      if (status == 0)
        break;   /* the server is gone: this batch is not acknowledged */
      g_assert_cmpuint (status, ==, 200);
      for (guint i = 0; i < 3; i++)
        {
          JsonObject *result = json_array_get_object_element (
            json_object_get_array_member (json_node_get_object (reply), "results"), i);

          g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
        }

      g_mutex_lock (&stream->lock);
      batch->acknowledged = TRUE;
      stream->n_acknowledged++;
      g_mutex_unlock (&stream->lock);
    }
  return NULL;
}

static void
stream_start (Stream     *stream,
              Serve      *serve,
              const char *token,
              GThread   **threads)
{
  stream->serve = serve;
  stream->token = token;
  g_mutex_init (&stream->lock);
  stream->batches = g_ptr_array_new_with_free_func ((GDestroyNotify) batch_free);
  for (guint i = 0; i < N_SENDERS; i++)
    threads[i] = g_thread_new ("sender", stream_sender, stream);
}

static void
stream_wait_for (Stream *stream,
                 guint   n_acknowledged)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  for (;;)
    {
      guint n;

      g_mutex_lock (&stream->lock);
      n = stream->n_acknowledged;
      g_mutex_unlock (&stream->lock);
      if (n >= n_acknowledged)
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (2000);
    }
}

static void
stream_join (Stream   *stream,
             GThread **threads)
{
  g_atomic_int_set (&stream->stop, TRUE);
  for (guint i = 0; i < N_SENDERS; i++)
    g_thread_join (threads[i]);
}

static void
stream_clear (Stream *stream)
{
  g_clear_pointer (&stream->batches, g_ptr_array_unref);
  g_mutex_clear (&stream->lock);
}

/* How often each operation id is in the log of @store. */
static GHashTable *
count_ops (VigilStore *store)
{
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = vigil_store_list_log (store, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      VigilLogEntry *entry = g_ptr_array_index (entries, i);
      const char *id = vigil_op_get_id (entry->op);

      g_assert_cmpint (entry->seq, ==, i + 1);
      g_hash_table_insert (counts, g_strdup (id),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts,
                                                                                    id)) + 1));
    }
  return counts;
}

/* The store of @data_dir is whole: the chain is intact, and every incident
 * is exactly what its log entries made of it. */
static void
assert_store_consistent (const char *store_path,
                         guint      *n_entries)
{
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) incidents = NULL;
  g_autoptr(GError) error = NULL;
  gint64 checked = 0;
  guint total = 0;

  store = vigil_store_open (store_path, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_store_verify (store, &checked, NULL, &error));
  g_assert_no_error (error);

  incidents = vigil_store_list_incidents (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < incidents->len; i++)
    {
      VigilIncident *incident = g_ptr_array_index (incidents, i);
      g_autoptr(GPtrArray) entries = vigil_store_list_log (store, vigil_incident_get_id (incident),
                                                           &error);

      g_assert_no_error (error);
      g_assert_cmpint (vigil_incident_get_revision (incident), ==, entries->len);
      total += entries->len;
    }
  g_assert_cmpint (checked, ==, total);
  g_assert_cmpint (vigil_store_get_last_seq (store), ==, total);
  if (n_entries != NULL)
    *n_entries = total;
}

/* kill -9 in the middle of a stream loses nothing acknowledged */

static void
test_crash (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *data_dir = make_data_dir (dir, "data");
  g_autofree char *store_path = vigild_cli_get_store_path (data_dir);
  g_autofree char *token = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GHashTable) counts = NULL;
  GThread *threads[N_SENDERS];
  Stream stream = { 0, };
  guint n_acknowledged = 0, n_whole = 0, n_entries = 0;
  Serve *serve;

  serve = serve_start (data_dir, NULL, NULL);
  token = serve_login (serve, "alice", TEST_PASSWORD, 201);

  stream_start (&stream, serve, token, threads);
  stream_wait_for (&stream, 40);
  /* Mid-stream: requests are on their way and commits under way. */
  serve_stop (serve, TRUE);
  stream_join (&stream, threads);

  /* What is on disk now, before anything opened the store again. */
  assert_store_consistent (store_path, &n_entries);
  {
    g_autoptr(VigilStore) store = vigil_store_open (store_path, NULL);

    counts = count_ops (store);
  }
  for (guint i = 0; i < stream.batches->len; i++)
    {
      Batch *batch = g_ptr_array_index (stream.batches, i);
      guint present = 0;

      for (guint j = 0; j < 3; j++)
        {
          guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, batch->op_ids[j]));

          g_assert_cmpuint (count, <=, 1);
          present += count;
        }
      /* All of a batch or nothing; all of it when it was acknowledged. */
      g_assert_true (present == 0 || present == 3);
      if (batch->acknowledged)
        {
          g_assert_cmpuint (present, ==, 3);
          n_acknowledged++;
        }
      n_whole += present == 3;
    }
  g_assert_cmpuint (n_acknowledged, >=, 40);
  g_assert_cmpuint (n_entries, ==, 3 * n_whole);
  g_test_message ("killed with %u batches acknowledged, %u on disk, %u sent",
                  n_acknowledged, n_whole, stream.batches->len);

  /* Restarted, the server takes every batch again: the acknowledged ones
   * as duplicates, the others applied now; each exactly once. */
  serve = serve_start (data_dir, NULL, NULL);
  for (guint i = 0; i < stream.batches->len; i++)
    {
      Batch *batch = g_ptr_array_index (stream.batches, i);
      g_autoptr(JsonNode) reply = NULL;
      JsonArray *results;

      g_assert_cmpuint (serve_request (serve, NULL, "POST", API "ops", token, batch->body,
                                       &reply), ==, 200);
      results = json_object_get_array_member (json_node_get_object (reply), "results");
      for (guint j = 0; j < 3; j++)
        {
          const char *status = json_object_get_string_member (
            json_array_get_object_element (results, j), "status");

          if (GPOINTER_TO_UINT (g_hash_table_lookup (counts, batch->op_ids[j])) > 0)
            g_assert_cmpstr (status, ==, "duplicate");
          else
            g_assert_cmpstr (status, ==, "applied");
        }
    }
  serve_stop (serve, FALSE);

  assert_store_consistent (store_path, &n_entries);
  g_assert_cmpuint (n_entries, ==, 3 * stream.batches->len);
  g_clear_pointer (&counts, g_hash_table_unref);
  {
    g_autoptr(VigilStore) store = vigil_store_open (store_path, NULL);

    counts = count_ops (store);
  }
  g_assert_cmpuint (g_hash_table_size (counts), ==, n_entries);

  g_assert_cmpint (run_vigild (NULL, &out, NULL, "verify", "--data", data_dir, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "chain intact"));

  stream_clear (&stream);
  test_rm_rf (dir);
}

/* vigild policy */

static void
test_policy (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *data_dir = make_data_dir (dir, "data");
  g_autofree char *store_path = vigild_cli_get_store_path (data_dir);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_vigild (NULL, &out, NULL, "policy", "--data", data_dir, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "external-approval"));
  g_assert_true (g_regex_match_simple ("external-approval +on ", out, 0, 0));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_vigild (NULL, &out, NULL, "policy", "external-approval", "off",
                               "--data", data_dir, NULL), ==, 0);
  g_assert_true (g_regex_match_simple ("external-approval +off ", out, 0, 0));
  g_clear_pointer (&out, g_free);
  {
    g_autoptr(VigilStore) store = vigil_store_open (store_path, NULL);

    g_assert_cmpint (vigil_store_get_policy (store), ==, VIGIL_POLICY_NONE);
  }
  g_assert_cmpint (run_vigild (NULL, &out, NULL, "policy", "external-approval", "on",
                               "--data", data_dir, NULL), ==, 0);
  {
    g_autoptr(VigilStore) store = vigil_store_open (store_path, NULL);

    g_assert_cmpint (vigil_store_get_policy (store), ==, VIGIL_POLICY_DEFAULT);
  }

  /* Wrong usage names what is wrong. */
  g_assert_cmpint (run_vigild (NULL, NULL, &err, "policy", "external-approval", "maybe",
                               "--data", data_dir, NULL), ==, VIGILD_EXIT_USAGE);
  g_assert_nonnull (strstr (err, "maybe"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vigild (NULL, NULL, &err, "policy", "no-such-rule", "on",
                               "--data", data_dir, NULL), ==, VIGILD_EXIT_USAGE);
  g_assert_nonnull (strstr (err, "no-such-rule"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vigild (NULL, NULL, &err, "policy", "external-approval", NULL), ==,
                   VIGILD_EXIT_USAGE);
  test_rm_rf (dir);
}

/* vigild profile */

static void
test_profile (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *data_dir = make_data_dir (dir, "data");
  g_autofree char *store_path = vigild_cli_get_store_path (data_dir);
  g_autofree char *file = g_build_filename (dir, "profile.json", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.json", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  /* The default until set. */
  g_assert_cmpint (run_vigild (NULL, &out, NULL, "profile", "show", "--data", data_dir, NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "\"credit_institution\""));
  g_assert_nonnull (strstr (out, "\"2026-12-25\""));
  g_clear_pointer (&out, g_free);

  g_assert_true (g_file_set_contents (file,
                                      "{\"entity_types\": [\"payment_institution\"],"
                                      " \"member_state\": \"LU\","
                                      " \"relief_withdrawn_at\": null,"
                                      " \"holidays\": {\"LU\": [\"2026-06-23\"]}}", -1, NULL));
  g_assert_cmpint (run_vigild (NULL, &out, NULL, "profile", "set", file, "--data", data_dir,
                               NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"LU\""));
  g_clear_pointer (&out, g_free);
  {
    g_autoptr(VigilStore) store = vigil_store_open (store_path, NULL);
    g_autoptr(VigilDoraProfile) profile = vigil_store_dup_dora_profile (store);

    g_assert_cmpstr (vigil_dora_profile_get_member_state (profile), ==, "LU");
    g_assert_cmpuint (vigil_dora_profile_get_types (profile), ==,
                      VIGIL_DORA_ENTITY_PAYMENT_INSTITUTION);
  }

  /* A wrong file changes nothing and says which member is wrong. */
  g_assert_true (g_file_set_contents (bad,
                                      "{\"entity_types\": [\"payment_institution\"],"
                                      " \"member_state\": \"XX\", \"holidays\": {}}", -1,
                                      NULL));
  g_assert_cmpint (run_vigild (NULL, NULL, &err, "profile", "set", bad, "--data", data_dir,
                               NULL), ==, VIGILD_EXIT_FAILURE);
  g_assert_nonnull (strstr (err, "member_state"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vigild (NULL, &out, NULL, "profile", "show", "--data", data_dir, NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "\"LU\""));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_vigild (NULL, NULL, &err, "profile", "set", "--data", data_dir, NULL),
                   ==, VIGILD_EXIT_USAGE);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vigild (NULL, NULL, &err, "profile", "show", NULL), ==,
                   VIGILD_EXIT_USAGE);
  test_rm_rf (dir);
}

/* verify */

static void
tamper (const char *store_path,
        const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (store_path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static void
test_verify (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *data_dir = make_data_dir (dir, "data");
  g_autofree char *store_path = vigild_cli_get_store_path (data_dir);
  g_autofree char *token = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  Serve *serve;

  serve = serve_start (data_dir, NULL, NULL);
  token = serve_login (serve, "alice", TEST_PASSWORD, 201);
  for (guint i = 0; i < 4; i++)
    {
      Batch *batch = batch_new ();

      g_assert_cmpuint (serve_request (serve, NULL, "POST", API "ops", token, batch->body, NULL),
                        ==, 200);
      batch_free (batch);
    }
  serve_stop (serve, FALSE);

  g_assert_cmpint (run_vigild (NULL, &out, NULL, "verify", "--data", data_dir, NULL), ==,
                   VIGILD_EXIT_OK);
  g_assert_nonnull (strstr (out, "12 entries, chain intact"));
  g_clear_pointer (&out, g_free);

  /* Someone with write access to the file rewrites who did something. The
   * log refuses updates, so they remove that first. */
  tamper (store_path, "DROP TRIGGER oplog_append_only_update; "
                      "UPDATE oplog SET actor = 'mallory' WHERE seq = 5;");
  g_assert_cmpint (run_vigild (NULL, &out, NULL, "verify", "--data", data_dir, NULL), ==,
                   VIGILD_EXIT_CHAIN_BROKEN);
  g_assert_nonnull (strstr (out, "chain broken at entry 5"));
  g_assert_nonnull (strstr (out, "changed"));
  g_clear_pointer (&out, g_free);

  /* A store that is not there is another failure. */
  g_assert_cmpint (run_vigild (NULL, NULL, &err, "verify", "--data", dir, NULL), ==,
                   VIGILD_EXIT_FAILURE);

  test_rm_rf (dir);
}

/* backup while writes go on */

static void
test_backup (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *data_dir = make_data_dir (dir, "data");
  g_autofree char *store_path = vigild_cli_get_store_path (data_dir);
  g_autofree char *token = NULL;
  GThread *threads[N_SENDERS];
  Stream stream = { 0, };
  guint previous = 0, target;
  Serve *serve;

  serve = serve_start (data_dir, NULL, NULL);
  token = serve_login (serve, "alice", TEST_PASSWORD, 201);
  stream_start (&stream, serve, token, threads);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("copy%u", i);
      g_autofree char *copy_dir = g_build_filename (dir, name, NULL);
      g_autofree char *copy_path = vigild_cli_get_store_path (copy_dir);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      guint n_entries = 0;
      int status;

      /* Ten more batches acknowledged since the last copy, at least. */
      g_mutex_lock (&stream.lock);
      target = stream.n_acknowledged + 10;
      g_mutex_unlock (&stream.lock);
      stream_wait_for (&stream, target);
      g_assert_cmpint (g_mkdir (copy_dir, 0700), ==, 0);
      status = run_vigild (NULL, &out, &err, "backup", "--data", data_dir, copy_path, NULL);
      if (status != 0)
        g_error ("backup failed (%d): %s", status, err);
      g_assert_nonnull (strstr (out, "chain intact"));
      g_clear_pointer (&out, g_free);

      /* The copy is a store of its own that verify accepts... */
      g_assert_cmpint (run_vigild (NULL, &out, NULL, "verify", "--data", copy_dir, NULL), ==,
                       0);
      /* ...whose incidents are what their log entries made, taken between
       * two commits, while the server wrote on. */
      assert_store_consistent (copy_path, &n_entries);
      g_assert_cmpuint (n_entries % 3, ==, 0);
      g_assert_cmpuint (n_entries, >, previous);
      previous = n_entries;
      g_test_message ("backup %u holds %u entries", i, n_entries);

      /* Never over an existing file. */
      g_assert_cmpint (run_vigild (NULL, NULL, &err, "backup", "--data", data_dir, copy_path,
                                   NULL), ==, VIGILD_EXIT_FAILURE);
    }

  stream_join (&stream, threads);
  serve_stop (serve, FALSE);
  assert_store_consistent (store_path, NULL);
  stream_clear (&stream);
  test_rm_rf (dir);
}

/* The systemd unit */

static void
test_systemd_unit (void)
{
  g_autofree char *analyze = g_find_program_in_path ("systemd-analyze");
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "..", "resources",
                                                   "vigild.service.in", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *unit_path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *bindir = g_path_get_dirname (vigild_path ());
  g_autoptr(GString) unit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  static const char *hardening[] = {
    "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectHome=yes",
    "StateDirectory=vigild", "CapabilityBoundingSet=\n", "RestrictAddressFamilies=",
    "SystemCallFilter=@system-service",
  };

  g_assert_true (g_file_get_contents (source, &text, NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (hardening); i++)
    {
      g_autofree char *line = g_strconcat ("\n", hardening[i], NULL);

      if (strstr (text, line) == NULL)
        g_error ("vigild.service.in lacks %s", hardening[i]);
    }

  if (analyze == NULL)
    {
      g_test_skip ("systemd-analyze is not installed");
      return;
    }

  /* The unit as installed, with the vigild of this build. */
  unit = g_string_new (text);
  g_string_replace (unit, "@bindir@", bindir, 0);
  dir = test_make_tmp_dir ();
  unit_path = g_build_filename (dir, "vigild.service", NULL);
  g_file_set_contents (unit_path, unit->str, -1, &error);
  g_assert_no_error (error);

  {
    const char *argv[] = { analyze, "verify", "--man=no", unit_path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                  &error);
  }
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL) || strstr (err, "vigild.service") != NULL)
    g_error ("systemd-analyze verify: %s%s", out, err);

  test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vigil/server-cli/help", test_help);
  g_test_add_func ("/vigil/server-cli/users", test_users);
  g_test_add_func ("/vigil/server-cli/serve-listen", test_serve_listen);
  g_test_add_func ("/vigil/server-cli/crash", test_crash);
  g_test_add_func ("/vigil/server-cli/verify", test_verify);
  g_test_add_func ("/vigil/server-cli/policy", test_policy);
  g_test_add_func ("/vigil/server-cli/profile", test_profile);
  g_test_add_func ("/vigil/server-cli/backup", test_backup);
  g_test_add_func ("/vigil/server-cli/systemd-unit", test_systemd_unit);

  return g_test_run ();
}
