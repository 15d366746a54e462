/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-sync"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "vigil-sync.h"

/* How many queued operations go in one request, and how many log entries
 * one pull asks for. */
#define PUSH_BATCH      100
#define PULL_LIMIT      500
/* An empty replica first takes the incidents as they stand, this many per
 * request, rather than replaying the whole history. */
#define PAGE_LIMIT      1000
/* Without the live connection, the server is asked this often. */
#define POLL_SECONDS    30
#define MAX_BACKOFF     60
#define REQUEST_TIMEOUT 30

struct _VigilSync
{
  GObject                  parent_instance;

  VigilStore              *store;
  char                    *api;        /* "http://host:port/api/v1/" */
  char                    *token;
  SoupSession             *session;
  GCancellable            *cancellable;
  GTlsCertificate         *pinned;

  VigilSyncState           state;
  GDateTime               *offline_since;
  char                    *last_error;
  guint                    n_pending;
  guint                    n_problems;

  gboolean                 running;
  gboolean                 busy;
  gboolean                 again;
  guint                    push_limit;
  guint                    retry_id;
  guint                    backoff;
  guint                    poll_id;

  gboolean                 bootstrapped;
  gint64                   boot_seq;
  /* The store's policy as this sync last saw or set it. */
  VigilPolicyFlags         policy;
  /* The store's DORA profile, likewise. */
  VigilDoraProfile        *dora_profile;
  guint                    boot_offset;

  SoupWebsocketConnection *live;
  gboolean                 live_connecting;
  guint                    live_retry_id;
  guint                    live_backoff;
};

G_DEFINE_FINAL_TYPE (VigilSync, vigil_sync, G_TYPE_OBJECT)
G_DEFINE_QUARK (vigil-sync-error-quark, vigil_sync_error)

enum {
  PROP_0,
  PROP_STATE,
  PROP_N_PENDING,
  PROP_N_PROBLEMS,
  PROP_LAST_ERROR,
  PROP_POLICY,
  PROP_DORA_PROFILE,
  N_PROPS
};

enum {
  INCIDENTS_CHANGED,
  PROBLEM,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_cycle  (VigilSync *self);
static void push_step    (VigilSync *self);
static void pull_step    (VigilSync *self);
static void connect_live (VigilSync *self);
static void page_step    (VigilSync *self);

/* Helpers */

static char *
api_base (const char *server_url)
{
  g_autofree char *trimmed = g_strdup (server_url);
  gsize len = strlen (trimmed);

  while (len > 0 && trimmed[len - 1] == '/')
    trimmed[--len] = '\0';
  return g_strconcat (trimmed, "/api/v1/", NULL);
}

static SoupSession *
make_session (void)
{
  return soup_session_new_with_options ("timeout", REQUEST_TIMEOUT,
                                        "user-agent", "vigil/" PACKAGE_VERSION,
                                        NULL);
}

/* Called only when the certificate did not pass the system's checks: the
 * one the user chose to trust passes; any other is kept for the user to
 * look at. */
static gboolean
on_accept_certificate_cb (SoupMessage          *msg,
                          GTlsCertificate      *peer,
                          GTlsCertificateFlags  errors,
                          gpointer              user_data)
{
  GTlsCertificate *pinned = user_data;

  if (pinned != NULL && g_tls_certificate_is_same (peer, pinned))
    return TRUE;
  g_object_set_data_full (G_OBJECT (msg), "vigil-peer-certificate", g_object_ref (peer),
                          g_object_unref);
  return FALSE;
}

static void
unref_pinned (gpointer  data,
              GClosure *closure)
{
  if (data != NULL)
    g_object_unref (data);
}

static void
watch_certificate (SoupMessage     *msg,
                   GTlsCertificate *pinned)
{
  g_signal_connect_data (msg, "accept-certificate", G_CALLBACK (on_accept_certificate_cb),
                         pinned ? g_object_ref (pinned) : NULL, unref_pinned, 0);
}

static SoupMessage *
make_request (const char      *method,
              const char      *url,
              const char      *token,
              const char      *body,
              GTlsCertificate *pinned)
{
  SoupMessage *msg = soup_message_new (method, url);

  if (msg == NULL)
    return NULL;
  watch_certificate (msg, pinned);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    value);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  return msg;
}

/* The server's own words from {"error": {"code", "message"}}, if any. */
static char *
dup_error_message (JsonNode *root)
{
  JsonObject *object, *error;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "error") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "error")))
    return NULL;
  error = json_object_get_object_member (object, "error");
  return g_strdup (json_object_get_string_member_with_default (error, "message", NULL));
}

/* Reads a reply: a transport failure, 401, 429 and server errors become
 * errors; otherwise the body must be a JSON object (whatever the status, so
 * that per-operation results of a partly refused batch are read). */
static JsonNode *
read_reply (SoupSession   *session,
            SoupMessage   *msg,
            GAsyncResult  *result,
            guint         *status_out,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *message = NULL;
  guint status;

  body = soup_session_send_and_read_finish (session, result, &local_error);
  if (body == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (g_object_get_data (G_OBJECT (msg), "vigil-peer-certificate") != NULL)
        g_set_error (error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_UNTRUSTED_CERTIFICATE,
                     _("The server’s certificate is not one this computer trusts; compare "
                       "its fingerprint with the one your administrator gave you before "
                       "trusting it"));
      else
        g_set_error (error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_NETWORK,
                     _("The server cannot be reached: %s"), local_error->message);
      return NULL;
    }

  status = soup_message_get_status (msg);
  if (g_bytes_get_size (body) > 0 &&
      json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                  (gssize) g_bytes_get_size (body), NULL) &&
      json_parser_get_root (parser) != NULL)
    root = json_node_copy (json_parser_get_root (parser));
  message = dup_error_message (root);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      g_set_error (error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_SIGNED_OUT,
                   _("The server no longer accepts your sign-in (%s); sign in again"),
                   message ? message : soup_message_get_reason_phrase (msg));
      return NULL;
    }
  if (status == 429)
    {
      g_set_error (error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_THROTTLED,
                   _("The server asks to wait before trying again: %s"),
                   message ? message : soup_message_get_reason_phrase (msg));
      return NULL;
    }
  if (status >= 500)
    {
      g_set_error (error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_SERVER,
                   _("The server failed (HTTP %u: %s); it will be asked again"), status,
                   message ? message : soup_message_get_reason_phrase (msg));
      return NULL;
    }
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_autofree char *uri = g_uri_to_string (soup_message_get_uri (msg));

      g_set_error (error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_BAD_REPLY,
                   _("The server’s reply (HTTP %u) is not a JSON object; is %s a Vigil "
                     "server?"), status, uri);
      return NULL;
    }

  *status_out = status;
  return g_steal_pointer (&root);
}

static void
set_state (VigilSync      *self,
           VigilSyncState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_last_error (VigilSync  *self,
                const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
set_counts (VigilSync *self,
            guint      n_pending,
            guint      n_problems)
{
  if (self->n_pending != n_pending)
    {
      self->n_pending = n_pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
    }
  if (self->n_problems != n_problems)
    {
      self->n_problems = n_problems;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PROBLEMS]);
    }
}

/* Timers */

static gboolean
on_retry_cb (gpointer user_data)
{
  VigilSync *self = user_data;

  self->retry_id = 0;
  start_cycle (self);
  connect_live (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_poll_cb (gpointer user_data)
{
  VigilSync *self = user_data;

  /* The live connection tells of changes; polling only stands in for it. */
  if (self->live == NULL)
    start_cycle (self);
  return G_SOURCE_CONTINUE;
}

static void
finish_cycle (VigilSync *self,
              GError    *error)
{
  self->busy = FALSE;

  if (error == NULL)
    {
      self->backoff = 0;
      g_clear_pointer (&self->offline_since, g_date_time_unref);
      set_last_error (self, NULL);
      set_state (self, VIGIL_SYNC_STATE_ONLINE);
      if (self->again)
        {
          self->again = FALSE;
          start_cycle (self);
        }
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_debug ("Exchange with the server failed: %s", error->message);
  set_last_error (self, error->message);
  self->again = FALSE;

  if (g_error_matches (error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_SIGNED_OUT))
    {
      set_state (self, VIGIL_SYNC_STATE_SIGNED_OUT);
      return;
    }

  if (self->offline_since == NULL)
    self->offline_since = g_date_time_new_now_utc ();
  set_state (self, VIGIL_SYNC_STATE_OFFLINE);

  /* 1, 2, 4 ... 60 seconds: a server coming back is found soon, one that
   * stays away is not hammered. */
  self->backoff = self->backoff == 0 ? 1 : MIN (self->backoff * 2, MAX_BACKOFF);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->running)
    self->retry_id = g_timeout_add_seconds (self->backoff, on_retry_cb, self);
}

/* Merging, in a worker thread */

/* What follows a merge. */
typedef enum {
  NEXT_PUSH,
  NEXT_PULL,
  NEXT_PAGE,
  NEXT_DONE,
} Next;

typedef struct {
  VigilRemoteChanges  changes;
  GPtrArray          *touched;
  GPtrArray          *removed;
  GPtrArray          *problems;
  guint               n_pending;
  guint               n_problems;
  Next                next;
  /* The server's workspace policy, when its reply says it. */
  gboolean            has_policy;
  VigilPolicyFlags    policy;
  /* The server's DORA profile, when its reply says it. */
  VigilDoraProfile   *dora_profile;
} Merge;

static void
merge_free (Merge *merge)
{
  vigil_remote_changes_clear (&merge->changes);
  g_clear_pointer (&merge->touched, g_ptr_array_unref);
  g_clear_pointer (&merge->removed, g_ptr_array_unref);
  g_clear_pointer (&merge->problems, g_ptr_array_unref);
  g_clear_object (&merge->dora_profile);
  g_free (merge);
}

static void
merge_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  VigilSync *self = source_object;
  Merge *merge = task_data;
  GError *error = NULL;

  if (merge->dora_profile != NULL)
    {
      g_autoptr(VigilDoraProfile) current = vigil_store_dup_dora_profile (self->store);

      if (!vigil_dora_profile_equal (current, merge->dora_profile) &&
          !vigil_store_set_dora_profile (self->store, merge->dora_profile, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }

  /* The policy first: the outbox is replayed on the server's states with
   * the server's rules. */
  if ((merge->has_policy && merge->policy != vigil_store_get_policy (self->store) &&
       !vigil_store_set_policy (self->store, merge->policy, &error)) ||
      !vigil_store_merge_remote (self->store, &merge->changes, &merge->touched,
                                 &merge->removed, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  merge->n_pending = vigil_store_count_outbox (self->store);
  merge->n_problems = vigil_store_count_sync_problems (self->store);
  g_task_return_boolean (task, TRUE);
}

static void
on_merged_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  VigilSync *self = VIGIL_SYNC (source);
  Merge *merge = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      finish_cycle (self, error);
      return;
    }

  set_counts (self, merge->n_pending, merge->n_problems);

  if (merge->has_policy && merge->policy != self->policy)
    {
      self->policy = merge->policy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLICY]);
    }
  if (merge->dora_profile != NULL &&
      !vigil_dora_profile_equal (merge->dora_profile, self->dora_profile))
    {
      g_set_object (&self->dora_profile, merge->dora_profile);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DORA_PROFILE]);
    }

  for (guint i = 0; merge->problems != NULL && i < merge->problems->len; i++)
    g_signal_emit (self, signals[PROBLEM], 0, g_ptr_array_index (merge->problems, i));

  if (merge->touched->len > 0 || merge->removed->len > 0)
    g_signal_emit (self, signals[INCIDENTS_CHANGED], 0, merge->touched, merge->removed);

  switch (merge->next)
    {
    case NEXT_PUSH:
      push_step (self);
      break;
    case NEXT_PULL:
      pull_step (self);
      break;
    case NEXT_PAGE:
      page_step (self);
      break;
    case NEXT_DONE:
    default:
      finish_cycle (self, NULL);
      break;
    }
}

static void
run_merge (VigilSync *self,
           Merge     *merge,
           Next       next)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_merged_cb, NULL);

  merge->next = next;

  g_task_set_source_tag (task, run_merge);
  g_task_set_task_data (task, merge, (GDestroyNotify) merge_free);
  /* A merge that started commits or rolls back as a whole. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, merge_thread);
}

static Merge *
merge_new (void)
{
  Merge *merge = g_new0 (Merge, 1);

  merge->changes.settled = g_ptr_array_new_with_free_func (g_free);
  merge->changes.refused = g_ptr_array_new_with_free_func (
    (GDestroyNotify) vigil_sync_problem_free);
  merge->changes.entries = g_ptr_array_new_with_free_func (
    (GDestroyNotify) vigil_log_entry_free);
  merge->changes.incidents = g_ptr_array_new_with_free_func (g_object_unref);
  merge->changes.gone = g_ptr_array_new_with_free_func (g_free);
  merge->problems = g_ptr_array_new ();
  return merge;
}

/* Push: the outbox, oldest first */

typedef struct {
  VigilSync   *self;
  SoupMessage *msg;
  GPtrArray   *ops;   /* VigilOutboxEntry */
} Push;

static void
push_free (Push *push)
{
  g_clear_object (&push->self);
  g_clear_object (&push->msg);
  g_clear_pointer (&push->ops, g_ptr_array_unref);
  g_free (push);
}

static VigilIncident *
incident_member (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "incident");
  g_autoptr(GError) error = NULL;
  VigilIncident *incident;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  incident = vigil_incident_new_from_json (node, &error);
  if (incident == NULL)
    g_warning ("The server sent an incident this version cannot read: %s", error->message);
  return incident;
}

/* Per-operation results of POST /ops, matched to what was sent. */
static gboolean
read_push_results (JsonNode   *root,
                   GPtrArray  *sent,
                   Merge      *merge,
                   GError    **error)
{
  JsonObject *object = json_node_get_object (root);
  JsonNode *node = json_object_get_member (object, "results");
  JsonArray *results;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (json_node_get_array (node)) != sent->len)
    {
      g_set_error (error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_BAD_REPLY,
                   _("The server’s reply does not list a result for each operation sent"));
      return FALSE;
    }
  results = json_node_get_array (node);

  for (guint i = 0; i < sent->len; i++)
    {
      VigilOutboxEntry *entry = g_ptr_array_index (sent, i);
      JsonNode *item_node = json_array_get_element (results, i);
      JsonObject *item;
      const char *status;
      VigilIncident *incident;

      if (!JSON_NODE_HOLDS_OBJECT (item_node) ||
          g_strcmp0 (json_object_get_string_member_with_default (
                       json_node_get_object (item_node), "id", NULL),
                     vigil_op_get_id (entry->op)) != 0)
        {
          g_set_error (error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_BAD_REPLY,
                       _("The server’s reply lists its results in another order than the "
                         "operations sent"));
          return FALSE;
        }
      item = json_node_get_object (item_node);
      status = json_object_get_string_member_with_default (item, "status", "");

      if (g_str_equal (status, "applied") || g_str_equal (status, "duplicate"))
        {
          g_ptr_array_add (merge->changes.settled, g_strdup (vigil_op_get_id (entry->op)));
        }
      else if (g_str_equal (status, "rejected"))
        {
          g_autofree char *message = NULL;
          JsonObject *err = NULL;
          const char *code = "";
          VigilSyncProblem *problem;

          if (json_object_has_member (item, "error") &&
              JSON_NODE_HOLDS_OBJECT (json_object_get_member (item, "error")))
            {
              err = json_object_get_object_member (item, "error");
              code = json_object_get_string_member_with_default (err, "code", "");
              message = g_strdup (json_object_get_string_member_with_default (err, "message",
                                                                               NULL));
            }
          if (message == NULL)
            message = g_strdup (_("The server refused this change without saying why"));
          problem = vigil_sync_problem_new (entry->op, g_str_equal (code, "conflict"), message);
          g_ptr_array_add (merge->changes.refused, problem);
          g_ptr_array_add (merge->problems, problem);
        }
      else
        {
          g_set_error (error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_BAD_REPLY,
                       _("The server answered an operation with the unknown status “%s”"),
                       status);
          return FALSE;
        }

      /* The server's state after this operation (or as it stands, when it
       * refused it): the local copy goes back to it. */
      incident = incident_member (item);
      if (incident != NULL)
        g_ptr_array_add (merge->changes.incidents, incident);
      else if (g_str_equal (status, "rejected"))
        g_ptr_array_add (merge->changes.gone, g_strdup (vigil_op_get_incident_id (entry->op)));
    }

  return TRUE;
}

static void
on_push_reply_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Push *push = user_data;
  VigilSync *self = push->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  Merge *merge;
  guint status = 0;

  root = read_reply (SOUP_SESSION (source), push->msg, result, &status, &error);
  if (root == NULL)
    {
      finish_cycle (self, error);
      push_free (push);
      return;
    }

  if (!json_object_has_member (json_node_get_object (root), "results"))
    {
      g_autofree char *message = dup_error_message (root);

      /* The whole batch was refused (one operation did not even parse, say).
       * Send them one by one, so that only the bad one is set aside. */
      if (push->ops->len > 1)
        {
          self->push_limit = 1;
          push_free (push);
          push_step (self);
          return;
        }

      merge = merge_new ();
      {
        VigilOutboxEntry *entry = g_ptr_array_index (push->ops, 0);
        VigilSyncProblem *problem;

        problem = vigil_sync_problem_new (entry->op, FALSE,
                                          message ? message
                                                  : _("The server refused this change"));
        g_ptr_array_add (merge->changes.refused, problem);
        g_ptr_array_add (merge->problems, problem);
      }
      push_free (push);
      run_merge (self, merge, NEXT_PUSH);
      return;
    }

  merge = merge_new ();
  if (!read_push_results (root, push->ops, merge, &error))
    {
      merge_free (merge);
      finish_cycle (self, error);
      push_free (push);
      return;
    }

  self->push_limit = PUSH_BATCH;
  push_free (push);
  run_merge (self, merge, NEXT_PUSH);
}

static void
outbox_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VigilSync *self = source_object;
  GError *error = NULL;
  GPtrArray *ops;

  ops = vigil_store_list_outbox (self->store, GPOINTER_TO_UINT (task_data), &error);
  if (ops == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ops, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_outbox_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  VigilSync *self = VIGIL_SYNC (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *text = NULL;
  g_autofree char *url = NULL;
  Push *push;

  ops = g_task_propagate_pointer (G_TASK (result), &error);
  if (ops == NULL)
    {
      finish_cycle (self, error);
      return;
    }
  if (ops->len == 0)
    {
      pull_step (self);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ops");
  json_builder_begin_array (builder);
  for (guint i = 0; i < ops->len; i++)
    {
      VigilOutboxEntry *entry = g_ptr_array_index (ops, i);

      json_builder_add_value (builder, vigil_op_to_json (entry->op));
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, body);
  text = json_generator_to_data (generator, NULL);

  url = g_strconcat (self->api, "ops", NULL);
  push = g_new0 (Push, 1);
  push->self = g_object_ref (self);
  push->ops = g_steal_pointer (&ops);
  push->msg = make_request (SOUP_METHOD_POST, url, self->token, text, self->pinned);
  soup_session_send_and_read_async (self->session, push->msg, G_PRIORITY_DEFAULT,
                                    self->cancellable, on_push_reply_cb, push);
}

static void
push_step (VigilSync *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_outbox_read_cb, NULL);

  g_task_set_source_tag (task, push_step);
  g_task_set_task_data (task, GUINT_TO_POINTER (self->push_limit), NULL);
  g_task_run_in_thread (task, outbox_thread);
}

/* Pull: what changed on the server since the last merge */

typedef struct {
  VigilSync   *self;
  SoupMessage *msg;
} Pull;

static void
pull_free (Pull *pull)
{
  g_clear_object (&pull->self);
  g_clear_object (&pull->msg);
  g_free (pull);
}

static gboolean
read_changes (JsonNode   *root,
              Merge      *merge,
              GError    **error)
{
  JsonObject *object = json_node_get_object (root);
  JsonNode *entries = json_object_get_member (object, "entries");
  JsonNode *incidents = json_object_get_member (object, "incidents");
  JsonNode *last_seq = json_object_get_member (object, "last_seq");
  JsonNode *policy;
  JsonNode *dora_profile;

  if (entries == NULL || !JSON_NODE_HOLDS_ARRAY (entries) ||
      incidents == NULL || !JSON_NODE_HOLDS_ARRAY (incidents) ||
      last_seq == NULL || json_node_get_value_type (last_seq) != G_TYPE_INT64)
    {
      g_set_error (error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_BAD_REPLY,
                   _("The server’s list of changes lacks its entries, incidents or "
                     "sequence number"));
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (entries)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (entries), i);
      g_autoptr(VigilLogEntry) entry = g_new0 (VigilLogEntry, 1);
      g_autoptr(GError) local_error = NULL;
      JsonObject *item;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto bad_entry;
      item = json_node_get_object (node);
      entry->seq = json_object_get_int_member_with_default (item, "seq", 0);
      if (!json_object_has_member (item, "op") ||
          !(entry->op = vigil_op_new_from_json (json_object_get_member (item, "op"),
                                                &local_error)))
        goto bad_entry;
      if (json_object_has_member (item, "changes") &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (item, "changes")))
        entry->changes = json_array_ref (json_object_get_array_member (item, "changes"));
      else
        entry->changes = json_array_new ();
      g_ptr_array_add (merge->changes.entries, g_steal_pointer (&entry));
      continue;

bad_entry:
      g_set_error (error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_BAD_REPLY,
                   _("Change %u of the server’s list cannot be read%s%s"), i + 1,
                   local_error ? ": " : "", local_error ? local_error->message : "");
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (incidents)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (incidents), i);
      g_autoptr(GError) local_error = NULL;
      VigilIncident *incident = vigil_incident_new_from_json (node, &local_error);

      if (incident == NULL)
        {
          g_set_error (error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_BAD_REPLY,
                       _("An incident sent by the server cannot be read: %s"),
                       local_error->message);
          return FALSE;
        }
      g_ptr_array_add (merge->changes.incidents, incident);
    }

  policy = json_object_get_member (object, "policy");
  if (policy != NULL && JSON_NODE_HOLDS_OBJECT (policy))
    {
      merge->has_policy = TRUE;
      merge->policy = VIGIL_POLICY_NONE;
      if (json_object_get_boolean_member_with_default (json_node_get_object (policy),
                                                       "external_notifications_need_approval",
                                                       TRUE))
        merge->policy |= VIGIL_POLICY_EXTERNAL_NOTIFICATIONS_NEED_APPROVAL;
    }

  /* A profile this version cannot read keeps the one it has: the incidents
   * still sync. */
  dora_profile = json_object_get_member (object, "dora_profile");
  if (dora_profile != NULL && JSON_NODE_HOLDS_OBJECT (dora_profile))
    {
      g_autoptr(GError) profile_error = NULL;

      merge->dora_profile = vigil_dora_profile_new_from_json (dora_profile, &profile_error);
      if (merge->dora_profile == NULL)
        g_warning ("The server’s DORA profile cannot be read, the local one stays: %s",
                   profile_error->message);
    }

  merge->changes.seq = json_node_get_int (last_seq);
  /* A full page may be followed by more, whatever the server thinks its
   * newest number is. */
  merge->next = json_object_get_boolean_member_with_default (object, "more", FALSE) ||
                json_array_get_length (json_node_get_array (entries)) >= PULL_LIMIT
                ? NEXT_PULL : NEXT_DONE;
  /* The last entry reached, not the server's newest: more may follow. */
  if (merge->next == NEXT_PULL && merge->changes.entries->len > 0)
    {
      VigilLogEntry *last = g_ptr_array_index (merge->changes.entries,
                                               merge->changes.entries->len - 1);

      merge->changes.seq = last->seq;
    }
  return TRUE;
}

static void
on_pull_reply_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Pull *pull = user_data;
  VigilSync *self = g_object_ref (pull->self);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  Merge *merge;
  guint status = 0;

  root = read_reply (SOUP_SESSION (source), pull->msg, result, &status, &error);
  pull_free (pull);

  if (root != NULL && status != SOUP_STATUS_OK)
    {
      g_autofree char *message = dup_error_message (root);

      g_set_error (&error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_SERVER,
                   _("The server refused to list its changes (HTTP %u: %s)"), status,
                   message ? message : "");
      g_clear_pointer (&root, json_node_unref);
    }
  if (root == NULL)
    {
      finish_cycle (self, error);
      g_object_unref (self);
      return;
    }

  merge = merge_new ();
  if (!read_changes (root, merge, &error))
    {
      merge_free (merge);
      finish_cycle (self, error);
      g_object_unref (self);
      return;
    }

  /* Nothing after what was asked for: nothing to merge (and no reason to
   * wait for the store's lock on this thread). */
  if (merge->changes.entries->len == 0 && merge->changes.incidents->len == 0 &&
      (!merge->has_policy || merge->policy == self->policy) &&
      (merge->dora_profile == NULL ||
       vigil_dora_profile_equal (merge->dora_profile, self->dora_profile)))
    {
      merge_free (merge);
      finish_cycle (self, NULL);
      g_object_unref (self);
      return;
    }

  run_merge (self, merge, merge->next);
  g_object_unref (self);
}

/* Bootstrap: an empty replica takes the incidents as they stand. The
 * server's sequence number is read first; what changes while the pages come
 * is in the changes after it, pulled next. */

typedef struct {
  VigilSync   *self;
  SoupMessage *msg;
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->self);
  g_clear_object (&request->msg);
  g_free (request);
}

static void
send_request (VigilSync           *self,
              const char          *method,
              const char          *path,
              GAsyncReadyCallback  callback)
{
  g_autofree char *url = g_strconcat (self->api, path, NULL);
  Request *request = g_new0 (Request, 1);

  request->self = g_object_ref (self);
  request->msg = make_request (method, url, self->token, NULL, self->pinned);
  soup_session_send_and_read_async (self->session, request->msg, G_PRIORITY_DEFAULT,
                                    self->cancellable, callback, request);
}

/* Reads a request's reply: NULL (and the cycle ended) unless it is a JSON
 * object with status 200. */
static JsonNode *
finish_request (Request      *request,
                GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  guint status = 0;

  root = read_reply (request->self->session, request->msg, result, &status, &error);
  if (root != NULL && status != SOUP_STATUS_OK)
    {
      g_autofree char *message = dup_error_message (root);
      g_autofree char *path = g_strdup (g_uri_get_path (soup_message_get_uri (request->msg)));

      g_set_error (&error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_SERVER,
                   _("The server refused %s (HTTP %u: %s)"), path, status,
                   message ? message : "");
      g_clear_pointer (&root, json_node_unref);
    }
  if (root == NULL)
    finish_cycle (request->self, error);
  return root;
}

static void
on_page_reply_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(VigilSync) self = g_object_ref (request->self);
  g_autoptr(JsonNode) root = finish_request (request, result);
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  JsonNode *incidents;
  gint64 total;
  Merge *merge;
  guint n;

  request_free (request);
  if (root == NULL)
    return;

  object = json_node_get_object (root);
  incidents = json_object_get_member (object, "incidents");
  total = json_object_get_int_member_with_default (object, "total", -1);
  if (incidents == NULL || !JSON_NODE_HOLDS_ARRAY (incidents) || total < 0)
    {
      g_set_error (&error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_BAD_REPLY,
                   _("The server’s list of incidents lacks its incidents or their number"));
      finish_cycle (self, error);
      return;
    }

  merge = merge_new ();
  n = json_array_get_length (json_node_get_array (incidents));
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (incidents), i);
      g_autoptr(GError) local_error = NULL;
      VigilIncident *incident = vigil_incident_new_from_json (node, &local_error);

      if (incident == NULL)
        {
          merge_free (merge);
          g_set_error (&error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_BAD_REPLY,
                       _("An incident sent by the server cannot be read: %s"),
                       local_error->message);
          finish_cycle (self, error);
          return;
        }
      g_ptr_array_add (merge->changes.incidents, incident);
    }

  self->boot_offset += n;
  if (n == 0 || self->boot_offset >= total)
    {
      /* Complete: from now on, changes after the number read first. */
      merge->changes.seq = self->boot_seq;
      self->bootstrapped = TRUE;
      run_merge (self, merge, NEXT_PULL);
    }
  else
    {
      run_merge (self, merge, NEXT_PAGE);
    }
}

static void
page_step (VigilSync *self)
{
  g_autofree char *path = g_strdup_printf ("incidents?offset=%u&limit=%d", self->boot_offset,
                                           PAGE_LIMIT);

  send_request (self, SOUP_METHOD_GET, path, on_page_reply_cb);
}

static void
on_health_reply_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(VigilSync) self = g_object_ref (request->self);
  g_autoptr(JsonNode) root = finish_request (request, result);
  g_autoptr(GError) error = NULL;
  JsonNode *last_seq;

  request_free (request);
  if (root == NULL)
    return;

  last_seq = json_object_get_member (json_node_get_object (root), "last_seq");
  if (last_seq == NULL || json_node_get_value_type (last_seq) != G_TYPE_INT64)
    {
      g_set_error (&error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_BAD_REPLY,
                   _("The server does not tell its sequence number; is it a Vigil server?"));
      finish_cycle (self, error);
      return;
    }

  self->boot_seq = json_node_get_int (last_seq);
  self->boot_offset = 0;
  if (self->boot_seq == 0)
    {
      /* Nothing on the server yet. */
      self->bootstrapped = TRUE;
      pull_step (self);
      return;
    }
  page_step (self);
}

static void
bootstrap (VigilSync *self)
{
  send_request (self, SOUP_METHOD_GET, "health", on_health_reply_cb);
}

static void
seq_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  VigilSync *self = source_object;

  g_task_return_int (task, vigil_store_get_sync_seq (self->store));
}

static void
on_seq_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  VigilSync *self = VIGIL_SYNC (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  gssize seq;
  Pull *pull;

  seq = g_task_propagate_int (G_TASK (result), &error);
  if (error != NULL)
    {
      finish_cycle (self, error);
      return;
    }

  if (seq == 0 && !self->bootstrapped)
    {
      bootstrap (self);
      return;
    }

  url = g_strdup_printf ("%schanges?since=%" G_GSSIZE_FORMAT "&limit=%d", self->api, seq,
                         PULL_LIMIT);
  pull = g_new0 (Pull, 1);
  pull->self = g_object_ref (self);
  pull->msg = make_request (SOUP_METHOD_GET, url, self->token, NULL, self->pinned);
  soup_session_send_and_read_async (self->session, pull->msg, G_PRIORITY_DEFAULT,
                                    self->cancellable, on_pull_reply_cb, pull);
}

static void
pull_step (VigilSync *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_seq_read_cb, NULL);

  /* The store's mutex may be held by a long merge: never on this thread. */
  g_task_set_source_tag (task, pull_step);
  g_task_run_in_thread (task, seq_thread);
}

static void
start_cycle (VigilSync *self)
{
  if (!self->running || self->state == VIGIL_SYNC_STATE_SIGNED_OUT)
    return;
  if (self->busy)
    {
      self->again = TRUE;
      return;
    }

  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->busy = TRUE;
  self->again = FALSE;
  self->push_limit = PUSH_BATCH;
  if (self->state != VIGIL_SYNC_STATE_OFFLINE)
    set_state (self, VIGIL_SYNC_STATE_SYNCING);
  push_step (self);
}

/* Live: the server says when something changed */

static gboolean
on_live_retry_cb (gpointer user_data)
{
  VigilSync *self = user_data;

  self->live_retry_id = 0;
  connect_live (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_live_retry (VigilSync *self)
{
  if (!self->running || self->live_retry_id != 0)
    return;
  self->live_backoff = self->live_backoff == 0 ? 1 : MIN (self->live_backoff * 2, MAX_BACKOFF);
  self->live_retry_id = g_timeout_add_seconds (self->live_backoff, on_live_retry_cb, self);
}

static void
on_live_message_cb (SoupWebsocketConnection *connection,
                    int                      type,
                    GBytes                  *message,
                    VigilSync               *self)
{
  /* Any message ("hello" after connecting, "changed" later) may mean news:
   * an exchange asks for exactly what is missing. */
  start_cycle (self);
}

static void
on_live_closed_cb (SoupWebsocketConnection *connection,
                   VigilSync               *self)
{
  g_signal_handlers_disconnect_by_data (connection, self);
  if (self->live == connection)
    g_clear_object (&self->live);
  schedule_live_retry (self);
}

static void
on_live_connected_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  VigilSync *self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  self->live_connecting = FALSE;

  if (connection == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("No live connection: %s", error->message);
          schedule_live_retry (self);
        }
      g_object_unref (self);
      return;
    }

  if (!self->running)
    {
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (connection);
      g_object_unref (self);
      return;
    }

  self->live = connection;
  self->live_backoff = 0;
  soup_websocket_connection_set_keepalive_interval (connection, 20);
  g_signal_connect (connection, "message", G_CALLBACK (on_live_message_cb), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_live_closed_cb), self);
  g_object_unref (self);
}

static void
connect_live (VigilSync *self)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;

  if (!self->running || self->live != NULL || self->live_connecting ||
      self->state == VIGIL_SYNC_STATE_SIGNED_OUT)
    return;

  g_clear_handle_id (&self->live_retry_id, g_source_remove);
  url = g_strconcat (self->api, "live", NULL);
  msg = make_request (SOUP_METHOD_GET, url, self->token, NULL, self->pinned);
  self->live_connecting = TRUE;
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->cancellable, on_live_connected_cb,
                                        g_object_ref (self));
}

/* GObject */

static void
vigil_sync_dispose (GObject *object)
{
  VigilSync *self = (VigilSync *) object;

  vigil_sync_stop (self);
  g_clear_object (&self->session);
  g_clear_object (&self->store);
  g_clear_object (&self->pinned);

  G_OBJECT_CLASS (vigil_sync_parent_class)->dispose (object);
}

static void
vigil_sync_finalize (GObject *object)
{
  VigilSync *self = (VigilSync *) object;

  g_free (self->api);
  g_free (self->token);
  g_free (self->last_error);
  g_clear_pointer (&self->offline_since, g_date_time_unref);
  g_clear_object (&self->dora_profile);

  G_OBJECT_CLASS (vigil_sync_parent_class)->finalize (object);
}

static void
vigil_sync_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VigilSync *self = VIGIL_SYNC (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_N_PENDING:
      g_value_set_uint (value, self->n_pending);
      break;
    case PROP_N_PROBLEMS:
      g_value_set_uint (value, self->n_problems);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_POLICY:
      g_value_set_uint (value, self->policy);
      break;
    case PROP_DORA_PROFILE:
      g_value_set_object (value, self->dora_profile);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_sync_class_init (VigilSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = vigil_sync_dispose;
  object_class->finalize = vigil_sync_finalize;
  object_class->get_property = vigil_sync_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, VIGIL_SYNC_STATE_OFFLINE,
                      VIGIL_SYNC_STATE_SIGNED_OUT, VIGIL_SYNC_STATE_OFFLINE, flags);
  properties[PROP_N_PENDING] = g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0,
                                                  flags);
  properties[PROP_N_PROBLEMS] = g_param_spec_uint ("n-problems", NULL, NULL, 0, G_MAXUINT, 0,
                                                   flags);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, flags);
  properties[PROP_POLICY] = g_param_spec_uint ("policy", NULL, NULL, 0, G_MAXUINT,
                                               VIGIL_POLICY_DEFAULT, flags);
  properties[PROP_DORA_PROFILE] = g_param_spec_object ("dora-profile", NULL, NULL,
                                                       VIGIL_TYPE_DORA_PROFILE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[INCIDENTS_CHANGED] =
    g_signal_new ("incidents-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_PTR_ARRAY, G_TYPE_PTR_ARRAY);
  signals[PROBLEM] =
    g_signal_new ("problem", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
vigil_sync_init (VigilSync *self)
{
  self->state = VIGIL_SYNC_STATE_OFFLINE;
  self->push_limit = PUSH_BATCH;
}

/* Public API */

VigilSync *
vigil_sync_new (VigilStore *store,
                const char *server_url,
                const char *token)
{
  VigilSync *self;

  g_return_val_if_fail (VIGIL_IS_STORE (store), NULL);
  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (token != NULL, NULL);

  self = g_object_new (VIGIL_TYPE_SYNC, NULL);
  self->store = g_object_ref (store);
  self->policy = vigil_store_get_policy (store);
  self->dora_profile = vigil_store_dup_dora_profile (store);
  self->api = api_base (server_url);
  self->token = g_strdup (token);
  self->session = make_session ();
  self->n_pending = vigil_store_count_outbox (store);
  self->n_problems = vigil_store_count_sync_problems (store);
  return self;
}

void
vigil_sync_set_pinned_certificate (VigilSync       *self,
                                   GTlsCertificate *certificate)
{
  g_return_if_fail (VIGIL_IS_SYNC (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));

  g_set_object (&self->pinned, certificate);
}

void
vigil_sync_start (VigilSync *self)
{
  g_return_if_fail (VIGIL_IS_SYNC (self));

  if (self->running)
    return;
  self->running = TRUE;
  self->cancellable = g_cancellable_new ();
  self->poll_id = g_timeout_add_seconds (POLL_SECONDS, on_poll_cb, self);
  start_cycle (self);
  connect_live (self);
}

void
vigil_sync_stop (VigilSync *self)
{
  g_return_if_fail (VIGIL_IS_SYNC (self));

  if (!self->running)
    return;
  self->running = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->live_retry_id, g_source_remove);
  if (self->live != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->live, self);
      if (soup_websocket_connection_get_state (self->live) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->live, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
      g_clear_object (&self->live);
    }
  self->busy = FALSE;
  self->again = FALSE;
}

void
vigil_sync_kick (VigilSync *self)
{
  g_return_if_fail (VIGIL_IS_SYNC (self));

  start_cycle (self);
}

VigilSyncState
vigil_sync_get_state (VigilSync *self)
{
  g_return_val_if_fail (VIGIL_IS_SYNC (self), VIGIL_SYNC_STATE_OFFLINE);

  return self->state;
}

GDateTime *
vigil_sync_get_offline_since (VigilSync *self)
{
  g_return_val_if_fail (VIGIL_IS_SYNC (self), NULL);

  return self->offline_since;
}

guint
vigil_sync_get_n_pending (VigilSync *self)
{
  g_return_val_if_fail (VIGIL_IS_SYNC (self), 0);

  return self->n_pending;
}

guint
vigil_sync_get_n_problems (VigilSync *self)
{
  g_return_val_if_fail (VIGIL_IS_SYNC (self), 0);

  return self->n_problems;
}

const char *
vigil_sync_get_last_error (VigilSync *self)
{
  g_return_val_if_fail (VIGIL_IS_SYNC (self), NULL);

  return self->last_error;
}

VigilPolicyFlags
vigil_sync_get_policy (VigilSync *self)
{
  g_return_val_if_fail (VIGIL_IS_SYNC (self), VIGIL_POLICY_DEFAULT);

  return self->policy;
}

VigilStore *
vigil_sync_get_store (VigilSync *self)
{
  g_return_val_if_fail (VIGIL_IS_SYNC (self), NULL);

  return self->store;
}

/* Signing in */

typedef struct {
  SoupSession *session;
  SoupMessage *msg;
  char        *token;
  VigilRole    role;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_clear_object (&sign_in->session);
  g_clear_object (&sign_in->msg);
  g_free (sign_in->token);
  g_free (sign_in);
}

static void
on_sign_in_reply_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *sign_in = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *user;
  const char *token, *role_name;
  VigilRole role;
  guint status = 0;

  root = read_reply (SOUP_SESSION (source), sign_in->msg, result, &status, &error);
  if (root == NULL)
    {
      if (g_error_matches (error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_SIGNED_OUT))
        {
          g_clear_error (&error);
          g_set_error_literal (&error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_SIGNED_OUT,
                               _("The user name or the password is wrong, or the account is "
                                 "disabled"));
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autofree char *message = dup_error_message (root);

      g_task_return_new_error (task, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_SERVER,
                               _("The server refused the sign-in (HTTP %u): %s"), status,
                               message ? message : "");
      return;
    }

  object = json_node_get_object (root);
  token = json_object_get_string_member_with_default (object, "token", NULL);
  user = json_object_has_member (object, "user") &&
         JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "user"))
         ? json_object_get_object_member (object, "user") : NULL;
  role_name = user ? json_object_get_string_member_with_default (user, "role", NULL) : NULL;
  if (token == NULL || role_name == NULL || !vigil_role_from_string (role_name, &role))
    {
      g_task_return_new_error (task, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_BAD_REPLY,
                               _("The server’s answer to the sign-in lacks a token or a role"));
      return;
    }

  sign_in->token = g_strdup (token);
  sign_in->role = role;
  g_task_return_boolean (task, TRUE);
}

void
vigil_sync_sign_in_async (const char          *server_url,
                          GTlsCertificate     *pinned,
                          const char          *user,
                          const char          *password,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *api = NULL;
  g_autofree char *url = NULL;
  g_autofree char *text = NULL;
  SignIn *sign_in;

  g_return_if_fail (server_url != NULL);
  g_return_if_fail (user != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_sync_sign_in_async);

  api = api_base (server_url);
  url = g_strconcat (api, "session", NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "user");
  json_builder_add_string_value (builder, user);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  json_generator_set_root (generator, body);
  text = json_generator_to_data (generator, NULL);

  sign_in = g_new0 (SignIn, 1);
  sign_in->session = make_session ();
  sign_in->msg = make_request (SOUP_METHOD_POST, url, NULL, text, pinned);
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);
  if (sign_in->msg == NULL)
    {
      g_task_return_new_error (task, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_NETWORK,
                               _("“%s” is not a server address; write it like "
                                 "https://vigil.example.org:8443/"), server_url);
      return;
    }
  soup_session_send_and_read_async (sign_in->session, sign_in->msg, G_PRIORITY_DEFAULT,
                                    cancellable, on_sign_in_reply_cb, g_steal_pointer (&task));
}

char *
vigil_sync_sign_in_finish (GAsyncResult  *result,
                           VigilRole     *role,
                           GError       **error)
{
  SignIn *sign_in;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  sign_in = g_task_get_task_data (G_TASK (result));
  if (role != NULL)
    *role = sign_in->role;
  return g_strdup (sign_in->token);
}

GTlsCertificate *
vigil_sync_sign_in_dup_peer_certificate (GAsyncResult *result)
{
  SignIn *sign_in;
  GTlsCertificate *peer;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  sign_in = g_task_get_task_data (G_TASK (result));
  if (sign_in == NULL || sign_in->msg == NULL)
    return NULL;
  peer = g_object_get_data (G_OBJECT (sign_in->msg), "vigil-peer-certificate");
  return peer ? g_object_ref (peer) : NULL;
}

char *
vigil_certificate_dup_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *hex = NULL;
  GString *text;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  text = g_string_new (NULL);
  for (guint i = 0; hex[i] != '\0'; i += 2)
    {
      if (i > 0)
        g_string_append_c (text, ':');
      g_string_append_c (text, g_ascii_toupper (hex[i]));
      g_string_append_c (text, g_ascii_toupper (hex[i + 1]));
    }
  return g_string_free (text, FALSE);
}

VigilDoraProfile *
vigil_sync_get_dora_profile (VigilSync *self)
{
  g_return_val_if_fail (VIGIL_IS_SYNC (self), NULL);

  return self->dora_profile;
}
