/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigild-server"

#include "config.h"

#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <libsoup/soup.h>
#include <vigil/vigil.h>

#include "vigild-api.h"
#include "vigild-auth.h"
#include "vigild-live.h"
#include "vigild-response.h"
#include "vigild-server.h"
#include "vigild-writer.h"

#define API_PREFIX "/api/v1/"
#define LIVE_PATH  API_PREFIX "live"
#define TOO_LARGE_KEY "vigild-too-large"
/* After an answer or a request this large, give the memory it took back to
 * the system a moment later (see schedule_trim()). */
#define TRIM_THRESHOLD (256 * 1024)
#define TRIM_DELAY_MS 500
/* A batch of operations up to this size is read and checked on the main
 * context rather than in a worker thread: that is quicker than two thread
 * switches, and it is what a client's outbox usually sends. */
#define INLINE_OPS_BODY (16 * 1024)

struct _VigildServer
{
  GObject       parent_instance;

  SoupServer   *soup;
  /* Three connections: the writer thread's commits do not hold up reads
   * (SQLite WAL lets readers go on beside one writer), and a long read (a
   * full sync) does not hold up the token checks of other requests. */
  VigilStore   *writer_store;
  VigilStore   *reader_store;
  VigilStore   *auth_store;
  VigildWriter *writer;
  VigildAuth   *auth;
  VigildLive   *live;
  GSource      *trim_source;
  gboolean      stopped;
};

G_DEFINE_FINAL_TYPE (VigildServer, vigild_server, G_TYPE_OBJECT)

typedef enum {
  ROUTE_NONE,
  ROUTE_HEALTH,
  ROUTE_SESSION,
  ROUTE_ME,
  ROUTE_OPS,
  ROUTE_CHANGES,
  ROUTE_INCIDENTS,
  ROUTE_INCIDENT,
  ROUTE_HISTORY,
  ROUTE_PENDING,
  ROUTE_LIVE,
} Route;

/* The routes, as paths below API_PREFIX with OpenAPI's {id} for one path
 * segment, and the methods of each as sent in Allow. docs/openapi.yaml
 * describes exactly these (tests/test-server.c checks it). */
static const struct {
  Route       route;
  const char *path;
  const char *methods;
} routes[] = {
  { ROUTE_HEALTH, "/health", "GET" },
  { ROUTE_SESSION, "/session", "POST, DELETE" },
  { ROUTE_ME, "/me", "GET" },
  { ROUTE_OPS, "/ops", "POST" },
  { ROUTE_CHANGES, "/changes", "GET" },
  { ROUTE_INCIDENTS, "/incidents", "GET" },
  { ROUTE_INCIDENT, "/incidents/{id}", "GET" },
  { ROUTE_HISTORY, "/incidents/{id}/history", "GET" },
  { ROUTE_PENDING, "/approvals/pending", "GET" },
  { ROUTE_LIVE, "/live", "GET" },
};

static const char *
get_route_methods (Route route)
{
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (routes[i].route == route)
        return routes[i].methods;
    }
  return "";
}

/* One API request on its way through the worker thread, the writer or the
 * password check. The message is only touched on the main context. */
typedef struct {
  VigildServer      *server;
  SoupServerMessage *msg;
  gulong             finished_id;
  gboolean           finished;
  Route              route;
  const char        *method;    /* interned by libsoup */
  char              *id;
  GHashTable        *query;
  GBytes            *body;
  char              *token;
  char              *remote;
  VigilUser         *user;
  GPtrArray         *ops;
  char              *login_user;
  char              *login_password;
  gboolean           expected;   /* by the writer, see vigild_writer_expect() */
} Call;

static void
call_unexpect (Call *call)
{
  if (call->expected)
    {
      call->expected = FALSE;
      vigild_writer_unexpect (call->server->writer);
    }
}

static void
call_free (Call *call)
{
  call_unexpect (call);
  if (call->finished_id != 0)
    g_signal_handler_disconnect (call->msg, call->finished_id);
  g_clear_object (&call->msg);
  g_clear_object (&call->server);
  g_free (call->id);
  g_clear_pointer (&call->query, g_hash_table_unref);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_free (call->token);
  g_free (call->remote);
  g_clear_pointer (&call->user, vigil_user_free);
  g_clear_pointer (&call->ops, g_ptr_array_unref);
  g_free (call->login_user);
  g_free (call->login_password);
  g_free (call);
}

static void
on_message_finished_cb (SoupServerMessage *msg,
                        Call              *call)
{
  call->finished = TRUE;
}

static gboolean
on_trim_cb (gpointer data)
{
  VigildServer *self = data;

  g_clear_pointer (&self->trim_source, g_source_unref);
#ifdef __GLIBC__
  malloc_trim (0);
#endif
  return G_SOURCE_REMOVE;
}

/* glibc keeps the memory of freed blocks in its arenas for later; after a
 * large answer (a full sync, a page of 1,000 incidents) that is megabytes
 * that a server waiting for the next small request does not need. */
static void
schedule_trim (VigildServer *self)
{
  if (self->trim_source != NULL)
    return;

  self->trim_source = g_timeout_source_new (TRIM_DELAY_MS);
  g_source_set_callback (self->trim_source, on_trim_cb, self, NULL);
  g_source_attach (self->trim_source, g_main_context_get_thread_default ());
}

/* Sends @response (taking it) and ends the call; main context. */
static void
call_respond (Call           *call,
              VigildResponse *response)
{
  if ((response->text != NULL && response->text->len > TRIM_THRESHOLD) ||
      (call->body != NULL && g_bytes_get_size (call->body) > TRIM_THRESHOLD))
    schedule_trim (call->server);

  if (!call->finished)
    {
      vigild_response_apply (response, call->msg);
      soup_server_message_unpause (call->msg);
    }
  vigild_response_free (response);
  call_free (call);
}

/* Routing */

/* Matches @path (below API_PREFIX, starting with "/") against a route's
 * template; {id} takes one non-empty segment. */
static gboolean
match_template (const char  *template,
                const char  *path,
                char       **id)
{
  while (*template != '\0')
    {
      if (g_str_has_prefix (template, "{id}"))
        {
          const char *end = strchr (path, '/');
          gsize length = end ? (gsize) (end - path) : strlen (path);

          if (length == 0)
            return FALSE;
          g_free (*id);
          *id = g_strndup (path, length);
          path += length;
          template += strlen ("{id}");
          continue;
        }
      if (*template != *path)
        return FALSE;
      template++;
      path++;
    }
  return *path == '\0';
}

static Route
match_route (const char  *path,
             char       **id)
{
  *id = NULL;
  if (!g_str_has_prefix (path, API_PREFIX))
    return ROUTE_NONE;
  path += strlen (API_PREFIX) - 1;

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (match_template (routes[i].path, path, id))
        return routes[i].route;
      g_clear_pointer (id, g_free);
    }
  return ROUTE_NONE;
}

static gboolean
method_allowed (Route       route,
                const char *method)
{
  g_auto(GStrv) methods = g_strsplit (get_route_methods (route), ", ", -1);

  return g_strv_contains ((const char * const *) methods, method);
}

/* Returns the bearer token of the Authorization header, or NULL. */
static char *
dup_bearer_token (SoupMessageHeaders *headers)
{
  const char *value = soup_message_headers_get_one (headers, "Authorization");
  const char *p;

  if (value == NULL)
    return NULL;
  while (*value == ' ')
    value++;
  if (g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;
  p = value + 7;
  while (*p == ' ')
    p++;
  return g_strstrip (g_strdup (p));
}

static VigildResponse *
unauthorized_response (gboolean had_token)
{
  VigildResponse *response;

  if (had_token)
    {
      response = vigild_response_new_error (VIGILD_ERROR_UNAUTHORIZED,
                                            "The token is unknown, expired or revoked; "
                                            "sign in again");
      vigild_response_add_header (response, "WWW-Authenticate",
                                  "Bearer realm=\"vigild\", error=\"invalid_token\"");
    }
  else
    {
      response = vigild_response_new_error (VIGILD_ERROR_UNAUTHORIZED,
                                            "Sign in first: this request needs "
                                            "“Authorization: Bearer TOKEN”");
      vigild_response_add_header (response, "WWW-Authenticate", "Bearer realm=\"vigild\"");
    }
  return response;
}

static void
respond_now (SoupServerMessage *msg,
             VigildResponse    *response)
{
  vigild_response_apply (response, msg);
  vigild_response_free (response);
}

/* The work of a call, in a worker thread (small batches of operations: on
 * the main context). Returns the response, or NULL when the call goes on
 * to the writer (ops) or to the password check. */
static VigildResponse *
call_run (Call *call)
{
  VigildServer *self = call->server;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  const char *data = call->body ? g_bytes_get_data (call->body, &length) : NULL;

  if (call->route == ROUTE_SESSION && g_str_equal (call->method, SOUP_METHOD_POST))
    {
      if (!vigild_api_check_params (call->query, NULL, &error) ||
          !vigild_api_parse_login (data, length, &call->login_user, &call->login_password,
                                   &error))
        return vigild_response_new_from_error (error);
      return NULL;
    }

  call->user = vigild_auth_authenticate (self->auth, call->token);
  if (call->user == NULL)
    return unauthorized_response (call->token != NULL);

  switch (call->route)
    {
    case ROUTE_SESSION:   /* DELETE */
      if (!vigild_api_check_params (call->query, NULL, &error) ||
          !vigild_auth_logout (self->auth, call->token, &error))
        return vigild_response_new_from_error (error);
      return vigild_response_new (SOUP_STATUS_NO_CONTENT, NULL);

    case ROUTE_ME:
      if (!vigild_api_check_params (call->query, NULL, &error))
        return vigild_response_new_from_error (error);
      return vigild_api_me (call->user);

    case ROUTE_OPS:
      if (!vigild_api_check_params (call->query, NULL, &error) ||
          !(call->ops = vigild_api_parse_ops (data, length, &error)))
        return vigild_response_new_from_error (error);
      /* The actor is who signed in, whatever the client claimed. */
      for (guint i = 0; i < call->ops->len; i++)
        vigil_op_set_actor (g_ptr_array_index (call->ops, i), call->user->name);
      return NULL;

    case ROUTE_CHANGES:
      return vigild_api_list_changes (self->reader_store, call->query,
                                      vigild_writer_get_last_seq (self->writer));

    case ROUTE_INCIDENTS:
      return vigild_api_list_incidents (self->reader_store, call->query);

    case ROUTE_INCIDENT:
    case ROUTE_HISTORY:
      if (!vigild_api_check_params (call->query, NULL, &error))
        return vigild_response_new_from_error (error);
      return call->route == ROUTE_INCIDENT
             ? vigild_api_get_incident (self->reader_store, call->id)
             : vigild_api_get_history (self->reader_store, call->id);

    case ROUTE_PENDING:
      if (!vigild_api_check_params (call->query, NULL, &error))
        return vigild_response_new_from_error (error);
      return vigild_api_list_pending (self->reader_store);

    case ROUTE_NONE:
    case ROUTE_HEALTH:
    case ROUTE_LIVE:
    default:
      g_assert_not_reached ();
    }
}

static void
call_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  VigildResponse *response = call_run (task_data);

  g_task_return_pointer (task, response, (GDestroyNotify) vigild_response_free);
}

static void
on_ops_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;

  results = vigild_writer_apply_finish (VIGILD_WRITER (source), result, &error);
  if (results == NULL)
    {
      call_respond (call, vigild_response_new_from_error (error));
      return;
    }

  call_respond (call, vigild_api_ops_results (call->ops, results,
                                              vigild_writer_get_last_seq (call->server->writer)));
}

static void
on_login_checked_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigildSession) session = NULL;
  guint retry_after = 0;
  VigildResponse *response;

  session = vigild_auth_login_finish (VIGILD_AUTH (source), result, &retry_after, &error);
  if (session == NULL)
    {
      response = vigild_response_new_from_error (error);
      if (retry_after > 0)
        {
          g_autofree char *seconds = g_strdup_printf ("%u", retry_after);

          vigild_response_add_header (response, "Retry-After", seconds);
        }
      call_respond (call, response);
      return;
    }

  call_respond (call, vigild_api_session_created (session));
}

/* After call_run(): answer, or hand the call on. */
static void
call_continue (Call           *call,
               VigildResponse *response)
{
  VigildServer *self = call->server;

  if (response != NULL)
    {
      call_respond (call, response);
      return;
    }

  if (call->ops != NULL)
    {
      vigild_writer_apply_async (self->writer, call->ops, call->user->role, NULL,
                                 on_ops_written_cb, call);
      call_unexpect (call);
    }
  else
    {
      g_assert (call->login_user != NULL);
      vigild_auth_login_async (self->auth, call->login_user, call->login_password, call->remote,
                               NULL, on_login_checked_cb, call);
      g_clear_pointer (&call->login_password, g_free);
    }
}

static void
on_call_run_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  call_continue (user_data, g_task_propagate_pointer (G_TASK (result), NULL));
}

/* Request handling on the main context */

static gboolean
is_json_content_type (SoupMessageHeaders *headers)
{
  const char *type = soup_message_headers_get_content_type (headers, NULL);

  return type != NULL && g_ascii_strcasecmp (type, "application/json") == 0;
}

static void
on_request_cb (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  VigildServer *self = user_data;
  g_autofree char *id = NULL;
  g_autoptr(GTask) task = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  Route route;
  Call *call;

  route = match_route (path, &id);
  if (route == ROUTE_NONE || route == ROUTE_LIVE)
    {
      respond_now (msg, vigild_response_new_error (VIGILD_ERROR_NOT_FOUND,
                                                   "There is no resource at %s", path));
      return;
    }

  if (!method_allowed (route, method))
    {
      VigildResponse *response;

      response = vigild_response_new_error (VIGILD_ERROR_METHOD_NOT_ALLOWED,
                                            "%s does not accept %s; use %s", path, method,
                                            get_route_methods (route));
      vigild_response_add_header (response, "Allow", get_route_methods (route));
      respond_now (msg, response);
      return;
    }

  if (route == ROUTE_HEALTH)
    {
      g_autoptr(GError) error = NULL;

      if (!vigild_api_check_params (query, NULL, &error))
        respond_now (msg, vigild_response_new_from_error (error));
      else
        respond_now (msg, vigild_api_health (vigild_writer_get_last_seq (self->writer)));
      return;
    }

  if (method == SOUP_METHOD_POST && !is_json_content_type (headers))
    {
      respond_now (msg, vigild_response_new_error (VIGILD_ERROR_BAD_REQUEST,
                                                   "The body must be JSON, sent with "
                                                   "“Content-Type: application/json”"));
      return;
    }

  if (self->stopped)
    {
      respond_now (msg, vigild_response_new_error (VIGILD_ERROR_INTERNAL,
                                                   "The server is shutting down"));
      return;
    }

  call = g_new0 (Call, 1);
  call->server = g_object_ref (self);
  call->msg = g_object_ref (msg);
  call->route = route;
  call->method = method;
  call->id = g_steal_pointer (&id);
  call->query = query ? g_hash_table_ref (query) : NULL;
  call->token = dup_bearer_token (headers);
  call->remote = g_strdup (soup_server_message_get_remote_host (msg));
  if (method == SOUP_METHOD_POST)
    call->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  call->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (on_message_finished_cb),
                                        call);
  if (route == ROUTE_OPS)
    {
      call->expected = TRUE;
      vigild_writer_expect (self->writer);
    }

  soup_server_message_pause (msg);

  if (route == ROUTE_OPS && g_bytes_get_size (call->body) <= INLINE_OPS_BODY)
    {
      call_continue (call, call_run (call));
      return;
    }

  task = g_task_new (self, NULL, on_call_run_cb, call);
  g_task_set_source_tag (task, on_request_cb);
  g_task_set_task_data (task, call, NULL);
  g_task_run_in_thread (task, call_thread);
}

/* The live WebSocket: checked here, then upgraded by libsoup. */
static void
on_live_request_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  static const char * const allowed[] = { "access_token", NULL };
  VigildServer *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilUser) user = NULL;
  g_autofree char *token = NULL;
  const char *method = soup_server_message_get_method (msg);

  if (!g_str_equal (path, LIVE_PATH))
    {
      respond_now (msg, vigild_response_new_error (VIGILD_ERROR_NOT_FOUND,
                                                   "There is no resource at %s", path));
      return;
    }
  if (method != SOUP_METHOD_GET)
    {
      VigildResponse *response;

      response = vigild_response_new_error (VIGILD_ERROR_METHOD_NOT_ALLOWED,
                                            "%s does not accept %s; use GET", path, method);
      vigild_response_add_header (response, "Allow", "GET");
      respond_now (msg, response);
      return;
    }
  if (!vigild_api_check_params (query, allowed, &error))
    {
      respond_now (msg, vigild_response_new_from_error (error));
      return;
    }

  /* The upgrade happens right after this handler returns, so the token is
   * checked here and now: one indexed read on the reader connection. */
  token = dup_bearer_token (soup_server_message_get_request_headers (msg));
  if (token == NULL && query != NULL && g_hash_table_lookup (query, "access_token") != NULL)
    token = g_strdup (g_hash_table_lookup (query, "access_token"));
  user = vigild_auth_authenticate (self->auth, token);
  if (user == NULL)
    {
      respond_now (msg, unauthorized_response (token != NULL));
      return;
    }

  if (!soup_websocket_server_check_handshake (msg, NULL, NULL, NULL, &error))
    {
      respond_now (msg, vigild_response_new_error (VIGILD_ERROR_BAD_REQUEST,
                                                   "%s expects a WebSocket handshake: %s",
                                                   path, error->message));
      return;
    }

  g_object_set_data_full (G_OBJECT (msg), "vigild-user", g_strdup (user->name), g_free);
}

static void
on_live_connected_cb (SoupServer              *soup,
                      SoupServerMessage       *msg,
                      const char              *path,
                      SoupWebsocketConnection *connection,
                      gpointer                 user_data)
{
  VigildServer *self = user_data;

  vigild_live_add (self->live, connection, g_object_get_data (G_OBJECT (msg), "vigild-user"),
                   vigild_writer_get_last_seq (self->writer));
}

/* Body size limit: refuse early, and stop keeping the bytes of a body that
 * is too large (it is still read, so that the answer reaches the client). */
static void
refuse_too_large (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  VigildResponse *response;

  g_object_set_data (G_OBJECT (msg), TOO_LARGE_KEY, GINT_TO_POINTER (TRUE));
  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);

  response = vigild_response_new_error (VIGILD_ERROR_TOO_LARGE,
                                        "The request body is larger than %d bytes",
                                        VIGILD_API_MAX_BODY);
  vigild_response_add_header (response, "Connection", "close");
  respond_now (msg, response);
}

static void
on_got_headers_cb (SoupServerMessage *msg,
                   gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_server_message_get_status (msg) != 0)
    return;

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > VIGILD_API_MAX_BODY)
    refuse_too_large (msg);
}

static void
on_got_chunk_cb (SoupServerMessage *msg,
                 GBytes            *chunk,
                 gpointer           user_data)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  if (g_object_get_data (G_OBJECT (msg), TOO_LARGE_KEY) != NULL)
    return;

  if (body->length > VIGILD_API_MAX_BODY)
    refuse_too_large (msg);
}

static void
on_request_started_cb (SoupServer        *soup,
                       SoupServerMessage *msg,
                       gpointer           user_data)
{
  /* Here, so that even the answers libsoup makes by itself carry it. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers_cb), NULL);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk_cb), NULL);
}

static void
on_writer_committed_cb (VigildWriter *writer,
                        gint64        last_seq,
                        VigildServer *self)
{
  vigild_live_broadcast (self->live, last_seq);
}

/* GObject */

static void
vigild_server_dispose (GObject *object)
{
  VigildServer *self = (VigildServer *) object;

  if (self->soup != NULL)
    vigild_server_stop (self);
  if (self->trim_source != NULL)
    {
      g_source_destroy (self->trim_source);
      g_clear_pointer (&self->trim_source, g_source_unref);
    }

  g_clear_object (&self->soup);
  g_clear_object (&self->live);
  g_clear_object (&self->auth);
  g_clear_object (&self->writer);
  g_clear_object (&self->auth_store);
  g_clear_object (&self->reader_store);
  g_clear_object (&self->writer_store);

  G_OBJECT_CLASS (vigild_server_parent_class)->dispose (object);
}

static void
vigild_server_class_init (VigildServerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vigild_server_dispose;
}

static void
vigild_server_init (VigildServer *self)
{
}

/* Public API */

VigildServer *
vigild_server_new (const char  *store_path,
                   GError     **error)
{
  g_autoptr(VigildServer) self = NULL;

  g_return_val_if_fail (store_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!vigild_auth_init_crypto (error))
    return NULL;

  self = g_object_new (VIGILD_TYPE_SERVER, NULL);

  if (!(self->writer_store = vigil_store_open (store_path, error)) ||
      !(self->reader_store = vigil_store_open (store_path, error)) ||
      !(self->auth_store = vigil_store_open (store_path, error)))
    return NULL;
  /* What the core computes without a profile of its own counts for this
   * workspace's; the answers read it afresh, see vigild-api.c. */
  vigil_store_publish_dora_profile (self->writer_store);

  self->writer = vigild_writer_new (self->writer_store);
  self->auth = vigild_auth_new (self->auth_store, self->writer_store);
  self->live = vigild_live_new ();
  g_signal_connect_object (self->writer, "committed", G_CALLBACK (on_writer_committed_cb), self,
                           0);

  self->soup = soup_server_new ("server-header", "vigild/" PACKAGE_VERSION, NULL);
  /* Notifications are a few bytes: compression buys nothing there. */
  soup_server_remove_websocket_extension (self->soup, SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE);
  g_signal_connect_object (self->soup, "request-started", G_CALLBACK (on_request_started_cb),
                           self, 0);
  soup_server_add_handler (self->soup, NULL, on_request_cb, self, NULL);
  soup_server_add_handler (self->soup, LIVE_PATH, on_live_request_cb, self, NULL);
  soup_server_add_websocket_handler (self->soup, LIVE_PATH, NULL, NULL, on_live_connected_cb,
                                     self, NULL);

  return g_steal_pointer (&self);
}

gboolean
vigild_server_listen (VigildServer     *self,
                      GInetAddress     *address,
                      guint             port,
                      GTlsCertificate  *certificate,
                      GError          **error)
{
  g_autoptr(GSocketAddress) socket_address = NULL;

  g_return_val_if_fail (VIGILD_IS_SERVER (self), FALSE);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), FALSE);
  g_return_val_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate), FALSE);

  if (certificate != NULL)
    soup_server_set_tls_certificate (self->soup, certificate);

  socket_address = g_inet_socket_address_new (address, port);
  return soup_server_listen (self->soup, socket_address,
                             certificate ? SOUP_SERVER_LISTEN_HTTPS : 0, error);
}

char *
vigild_server_dup_url (VigildServer *self)
{
  GSList *uris;
  char *url = NULL;

  g_return_val_if_fail (VIGILD_IS_SERVER (self), NULL);

  uris = soup_server_get_uris (self->soup);
  if (uris != NULL)
    url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return url;
}

const char *
vigild_server_get_route (guint        index,
                         const char **methods)
{
  if (index >= G_N_ELEMENTS (routes))
    return NULL;
  if (methods != NULL)
    *methods = routes[index].methods;
  return routes[index].path;
}

VigildWriter *
vigild_server_get_writer (VigildServer *self)
{
  g_return_val_if_fail (VIGILD_IS_SERVER (self), NULL);

  return self->writer;
}

void
vigild_server_stop (VigildServer *self)
{
  g_return_if_fail (VIGILD_IS_SERVER (self));

  if (self->stopped)
    return;
  self->stopped = TRUE;

  vigild_live_close_all (self->live);
  soup_server_disconnect (self->soup);
  vigild_auth_shutdown (self->auth);
  vigild_writer_stop (self->writer);
}
