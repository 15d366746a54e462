/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <string.h>
#include <glib/gstdio.h>

#include "vigild-auth.h"
#include "test-server-util.h"

void
test_reply_free (TestReply *reply)
{
  if (reply == NULL)
    return;

  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->json, json_node_unref);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_free (reply);
}

char *
test_make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("vigild-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
test_rm_rf (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      GFileInfo *info;

      while ((info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

          test_rm_rf (child);
          g_object_unref (info);
        }
    }
  g_remove (path);
}

const char *
test_password_hash (void)
{
  static char *hash = NULL;

  if (g_once_init_enter (&hash))
    {
      g_autoptr(GError) error = NULL;
      char *value = vigild_auth_hash_password (TEST_PASSWORD, &error);

      g_assert_no_error (error);
      g_once_init_leave (&hash, value);
    }
  return hash;
}

void
test_make_certificate (const char  *dir,
                       char       **cert_path,
                       char       **key_path)
{
  g_autofree char *openssl = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  openssl = g_strdup (g_getenv ("OPENSSL"));
  if (openssl == NULL)
    openssl = g_find_program_in_path ("openssl");
  if (openssl == NULL)
    g_error ("openssl is needed to make a test certificate");

  *cert_path = g_build_filename (dir, "cert.pem", NULL);
  *key_path = g_build_filename (dir, "key.pem", NULL);

  {
    const char *argv[] = {
      openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
      "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout", *key_path, "-out", *cert_path, NULL
    };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                  &err, &status, &error);
  }
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("openssl failed: %s", err);
}

/* The server thread */

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gpointer
server_thread (gpointer data)
{
  TestServer *ts = data;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (ts->context);

  ts->server = vigild_server_new (ts->store_path, &error);
  g_assert_no_error (error);
  vigild_server_listen (ts->server, loopback, ts->port, ts->certificate, &error);
  g_assert_no_error (error);

  g_mutex_lock (&ts->lock);
  ts->url = vigild_server_dup_url (ts->server);
  ts->ready = TRUE;
  g_cond_signal (&ts->cond);
  g_mutex_unlock (&ts->lock);

  g_main_loop_run (ts->loop);

  vigild_server_stop (ts->server);
  /* Let completions already queued run (they only touch finished calls). */
  while (g_main_context_iteration (ts->context, FALSE))
    ;
  g_clear_object (&ts->server);
  while (g_main_context_iteration (ts->context, FALSE))
    ;

  g_main_context_pop_thread_default (ts->context);
  return NULL;
}

TestServer *
test_server_start (GTlsCertificate *certificate,
                   const char      *data_dir)
{
  return test_server_start_on_port (certificate, data_dir, 0);
}

TestServer *
test_server_start_on_port (GTlsCertificate *certificate,
                           const char      *data_dir,
                           guint            port)
{
  TestServer *ts = g_new0 (TestServer, 1);
  g_autoptr(GError) error = NULL;

  ts->port = port;
  if (data_dir != NULL)
    {
      ts->data_dir = g_strdup (data_dir);
    }
  else
    {
      ts->dir = test_make_tmp_dir ();
      ts->data_dir = g_build_filename (ts->dir, "data", NULL);
      g_assert_cmpint (g_mkdir (ts->data_dir, 0700), ==, 0);
    }
  ts->store_path = g_build_filename (ts->data_dir, "vigild.db", NULL);
  ts->certificate = certificate ? g_object_ref (certificate) : NULL;

  ts->store = vigil_store_open (ts->store_path, &error);
  g_assert_no_error (error);

  g_mutex_init (&ts->lock);
  g_cond_init (&ts->cond);
  ts->context = g_main_context_new ();
  ts->loop = g_main_loop_new (ts->context, FALSE);
  ts->thread = g_thread_new ("test-server", server_thread, ts);

  g_mutex_lock (&ts->lock);
  while (!ts->ready)
    g_cond_wait (&ts->cond, &ts->lock);
  g_mutex_unlock (&ts->lock);

  ts->session = soup_session_new_with_options ("timeout", 60, NULL);
  if (certificate != NULL)
    {
      g_autoptr(GTlsDatabase) database = NULL;
      g_autoptr(GByteArray) der = NULL;
      g_autofree char *pem = NULL;
      g_autofree char *cert_path = NULL;

      /* Trust exactly the server's certificate. */
      g_object_get (certificate, "certificate-pem", &pem, NULL);
      cert_path = g_build_filename (ts->dir ? ts->dir : ts->data_dir, "trust.pem", NULL);
      g_file_set_contents (cert_path, pem, -1, &error);
      g_assert_no_error (error);
      database = g_tls_file_database_new (cert_path, &error);
      g_assert_no_error (error);
      soup_session_set_tls_database (ts->session, database);
    }

  return ts;
}

void
test_server_stop (TestServer *ts)
{
  g_main_context_invoke (ts->context, quit_cb, ts->loop);
  g_thread_join (ts->thread);

  g_clear_object (&ts->session);
  g_clear_object (&ts->store);
  g_main_loop_unref (ts->loop);
  g_main_context_unref (ts->context);
  g_mutex_clear (&ts->lock);
  g_cond_clear (&ts->cond);
  g_clear_object (&ts->certificate);
  if (ts->dir != NULL)
    test_rm_rf (ts->dir);
  g_free (ts->dir);
  g_free (ts->data_dir);
  g_free (ts->store_path);
  g_free (ts->url);
  g_free (ts);
}

void
test_server_add_user (TestServer *ts,
                      const char *name,
                      VigilRole   role)
{
  g_autoptr(GError) error = NULL;

  vigil_store_add_user (ts->store, name, role, test_password_hash (), &error);
  g_assert_no_error (error);
}

char *
test_server_make_token (TestServer *ts,
                        const char *user)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  char *token = vigild_auth_new_token ();

  hash = vigild_auth_hash_token (token);
  vigil_store_add_token (ts->store, hash, user, g_get_real_time () / G_USEC_PER_SEC + 3600,
                         &error);
  g_assert_no_error (error);
  return token;
}

/* HTTP */

TestReply *
test_request_full (TestServer  *ts,
                   SoupSession *session,
                   const char  *method,
                   const char  *path,
                   const char  *token,
                   const char  *content_type,
                   const char  *body,
                   gssize       length)
{
  g_autofree char *url = g_strconcat (ts->url, path[0] == '/' ? path + 1 : path, NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  TestReply *reply = g_new0 (TestReply, 1);
  const char *type;

  msg = soup_message_new (method, url);
  g_assert_nonnull (msg);

  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    value);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, length < 0 ? strlen (body) : (gsize) length);

      soup_message_set_request_body_from_bytes (msg, content_type ? content_type
                                                                  : "application/json", bytes);
    }

  reply->body = soup_session_send_and_read (session ? session : ts->session, msg, NULL, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  type = soup_message_headers_get_content_type (reply->headers, NULL);
  if (g_strcmp0 (type, "application/json") == 0)
    {
      gsize size;
      const char *data = g_bytes_get_data (reply->body, &size);
      g_autofree char *text = g_strndup (data, size);

      reply->json = json_from_string (text, &error);
      g_assert_no_error (error);
    }

  /* Every answer of the server says so. */
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "Cache-Control"), ==,
                   "no-store");
  return reply;
}

TestReply *
test_request (TestServer *ts,
              const char *method,
              const char *path,
              const char *token,
              const char *body)
{
  return test_request_full (ts, NULL, method, path, token, NULL, body, -1);
}

JsonObject *
test_reply_object (TestReply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

JsonObject *
test_reply_result (TestReply *reply,
                   guint      index)
{
  JsonArray *results = json_object_get_array_member (test_reply_object (reply), "results");

  g_assert_nonnull (results);
  g_assert_cmpuint (index, <, json_array_get_length (results));
  return json_array_get_object_element (results, index);
}

void
test_assert_error (TestReply  *reply,
                   guint       status,
                   const char *code)
{
  JsonObject *error;

  if (reply->status != status)
    g_error ("expected status %u, got %u: %.*s", status, reply->status,
             (int) g_bytes_get_size (reply->body),
             (const char *) g_bytes_get_data (reply->body, NULL));

  error = json_object_get_object_member (test_reply_object (reply), "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_cmpstr (json_object_get_string_member (error, "message"), !=, "");
  g_assert_cmpuint (json_object_get_size (error), ==, 2);
}

/* Operations */

char *
test_op_with_id (const char *op_id,
                 const char *kind,
                 const char *incident,
                 gint64      base_rev,
                 const char *payload)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *at = vigil_time_to_iso (now);
  g_autofree char *json_payload = g_strdelimit (g_strdup (payload ? payload : "{}"), "'", '"');

  return g_strdup_printf ("{\"id\":\"%s\",\"incident\":\"%s\",\"kind\":\"%s\","
                          "\"base_rev\":%" G_GINT64_FORMAT ",\"actor\":\"mallory\","
                          "\"at\":\"%s\",\"payload\":%s}",
                          op_id, incident, kind, base_rev, at, json_payload);
}

char *
test_op (const char *kind,
         const char *incident,
         gint64      base_rev,
         const char *payload)
{
  g_autofree char *id = g_uuid_string_random ();

  return test_op_with_id (id, kind, incident, base_rev, payload);
}

char *
test_ops_body (const char *first,
               ...)
{
  g_autoptr(GString) body = g_string_new ("{\"ops\":[");
  va_list args;

  va_start (args, first);
  for (const char *op = first; op != NULL; op = va_arg (args, const char *))
    {
      if (op != first)
        g_string_append_c (body, ',');
      g_string_append (body, op);
    }
  va_end (args);

  g_string_append (body, "]}");
  return g_string_free (g_steal_pointer (&body), FALSE);
}

TestReply *
test_post_op (TestServer *ts,
              const char *token,
              const char *op)
{
  g_autofree char *body = test_ops_body (op, NULL);

  return test_request (ts, "POST", "/api/v1/ops", token, body);
}

static char *
create_incident (TestServer *ts,
                 const char *token,
                 const char *payload,
                 gint64     *revision)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *op = test_op ("incident.create", id, 0, payload);
  g_autoptr(TestReply) reply = test_post_op (ts, token, op);
  JsonObject *result;

  g_assert_cmpuint (reply->status, ==, 200);
  result = test_reply_result (reply, 0);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  if (revision != NULL)
    *revision = json_object_get_int_member (result, "revision");
  return g_steal_pointer (&id);
}

char *
test_create_incident (TestServer *ts,
                      const char *token,
                      gint64     *revision)
{
  return create_incident (ts, token, "{'title': 'Suspicious login', 'type': 'phishing'}",
                          revision);
}

/* Applies @kind with @payload on top of @revision; returns the new one. */
static gint64
post_more (TestServer *ts,
           const char *token,
           const char *id,
           gint64      revision,
           const char *kind,
           const char *payload)
{
  g_autofree char *op = test_op (kind, id, revision, payload);
  g_autoptr(TestReply) reply = test_post_op (ts, token, op);
  JsonObject *result;

  g_assert_cmpuint (reply->status, ==, 200);
  result = test_reply_result (reply, 0);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  return json_object_get_int_member (result, "revision");
}

char *
test_create_complete_incident (TestServer *ts,
                               const char *token,
                               gint64     *revision)
{
  gint64 rev = 0;
  char *id = create_incident (ts, token,
                              "{'title': 'Ransomware on file server', 'type': 'malware', "
                              "'severity': 'high', 'detected_at': '" TEST_PAST "', "
                              "'aware_at': '" TEST_PAST "'}",
                              &rev);

  /* What a lead needs before deciding: the findings and the escalation. */
  rev = post_more (ts, token, id, rev, "form.update",
                   "{'form': 'findings', 'fields': {'summary': 'Encrypted shares'}}");
  rev = post_more (ts, token, id, rev, "form.update",
                   "{'form': 'escalate', 'fields': {'escalate': false}}");
  if (revision != NULL)
    *revision = rev;
  return id;
}

char *
test_create_pending_incident (TestServer *ts,
                              const char *token,
                              gint64     *revision)
{
  gint64 rev = 0;
  g_autofree char *id = test_create_complete_incident (ts, token, &rev);
  g_autofree char *op = test_op ("approval.submit", id, rev, NULL);
  g_autoptr(TestReply) reply = test_post_op (ts, token, op);
  JsonObject *result;

  g_assert_cmpuint (reply->status, ==, 200);
  result = test_reply_result (reply, 0);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  if (revision != NULL)
    *revision = json_object_get_int_member (result, "revision");
  return g_steal_pointer (&id);
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
test_wait_for (gboolean *flag,
               guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return *flag;
}
