/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigild-api"

#include "config.h"

#include <string.h>

#include "vigild-api.h"
#include "vigild-json.h"

/* Helpers */

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

/* Long lists are written out as text one element at a time, instead of as
 * one document tree: a tree of thousands of incidents takes many times the
 * memory of its text, and the allocator keeps much of it afterwards. */
static void
append_node (GString  *out,
             JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  g_string_append (out, text);
  json_node_unref (node);
}

/* The incident as stored, plus what the core computes from it for other
 * tools: the DORA reporting deadlines, for the workspace's profile (read
 * afresh, as `vigild profile set` may change it while the server runs),
 * measured against @now. */
static JsonNode *
incident_answer (VigilIncident    *incident,
                 VigilDoraProfile *profile,
                 GDateTime        *now)
{
  JsonNode *node = vigil_incident_to_json (incident);
  JsonObject *object = json_node_get_object (node);
  g_autoptr(JsonNode) deadlines = NULL;
  JsonObject *dora;

  deadlines = vigil_incident_dora_deadlines_to_json (incident,
                                                     vigil_dora_profile_get_entity (profile),
                                                     vigil_dora_profile_get_calendar (profile),
                                                     now);
  if (json_array_get_length (json_node_get_array (deadlines)) == 0 &&
      !json_object_has_member (object, "dora"))
    return node;

  if (!json_object_has_member (object, "dora"))
    json_object_set_object_member (object, "dora", json_object_new ());
  dora = json_object_get_object_member (object, "dora");
  json_object_set_member (dora, "deadlines", g_steal_pointer (&deadlines));
  return node;
}

static void
append_incidents (GString    *out,
                  VigilStore *store,
                  GPtrArray  *incidents)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(VigilDoraProfile) profile = vigil_store_dup_dora_profile (store);

  g_string_append_c (out, '[');
  for (guint i = 0; i < incidents->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_node (out, incident_answer (g_ptr_array_index (incidents, i), profile, now));
    }
  g_string_append_c (out, ']');
}

gboolean
vigild_api_check_params (GHashTable          *query,
                         const char * const  *allowed,
                         GError             **error)
{
  GHashTableIter iter;
  gpointer key;

  if (query == NULL)
    return TRUE;

  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (allowed == NULL || !g_strv_contains (allowed, key))
        {
          g_set_error (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                       "The parameter “%s” is not known here", (const char *) key);
          return FALSE;
        }
    }
  return TRUE;
}

/* Reads an optional whole-number parameter in [min, max]. */
static gboolean
get_number_param (GHashTable  *query,
                  const char  *name,
                  guint64      min,
                  guint64      max,
                  guint64      fallback,
                  guint64     *out,
                  GError     **error)
{
  const char *text = query ? g_hash_table_lookup (query, name) : NULL;

  *out = fallback;
  if (text == NULL)
    return TRUE;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, out, NULL))
    {
      g_set_error (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                   "The parameter “%s” must be a whole number from %" G_GUINT64_FORMAT
                   " to %" G_GUINT64_FORMAT, name, min, max);
      return FALSE;
    }
  return TRUE;
}

/* Reads an optional text parameter: not empty, valid UTF-8, not too long. */
static gboolean
get_text_param (GHashTable  *query,
                const char  *name,
                const char **out,
                GError     **error)
{
  const char *text = query ? g_hash_table_lookup (query, name) : NULL;

  *out = NULL;
  if (text == NULL)
    return TRUE;

  if (*text == '\0' || strlen (text) > VIGILD_API_MAX_NAME_LENGTH ||
      !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                   "The parameter “%s” must be non-empty text of at most %d bytes", name,
                   VIGILD_API_MAX_NAME_LENGTH);
      return FALSE;
    }
  *out = text;
  return TRUE;
}

static gboolean
get_choice_param (GHashTable       *query,
                  const char       *name,
                  VigilChoiceList   list,
                  const char      **out,
                  GError          **error)
{
  if (!get_text_param (query, name, out, error))
    return FALSE;

  if (*out != NULL && !vigil_process_is_valid_choice (list, *out))
    {
      g_set_error (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                   "The parameter “%s” is not one of the known values", name);
      return FALSE;
    }
  return TRUE;
}

static JsonNode *
log_entry_to_json (VigilLogEntry *entry,
                   gboolean       with_hash)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "seq", entry->seq);
  json_object_set_member (object, "op", vigil_op_to_json (entry->op));
  json_object_set_array_member (object, "changes", json_array_ref (entry->changes));
  if (with_hash)
    json_object_set_string_member (object, "hash", entry->hash);
  return object_node (object);
}

/* Endpoints */

VigildResponse *
vigild_api_health (gint64 last_seq)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "status", "ok");
  json_object_set_string_member (object, "version", PACKAGE_VERSION);
  json_object_set_int_member (object, "last_seq", last_seq);
  return vigild_response_new (SOUP_STATUS_OK, object_node (object));
}

static JsonObject *
user_to_object (VigilUser *user)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "name", user->name);
  json_object_set_string_member (object, "role", vigil_role_to_string (user->role));
  return object;
}

VigildResponse *
vigild_api_me (VigilUser *user)
{
  g_return_val_if_fail (user != NULL, NULL);

  return vigild_response_new (SOUP_STATUS_OK, object_node (user_to_object (user)));
}

gboolean
vigild_api_parse_login (const char  *data,
                        gsize        length,
                        char       **user,
                        char       **password,
                        GError     **error)
{
  static const char * const known[] = { "user", "password", NULL };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  const char *name, *secret;

  if (!(root = vigild_json_parse (data, length, error)))
    return FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                           "The sign-in must be a JSON object {\"user\", \"password\"}");
      return FALSE;
    }
  object = json_node_get_object (root);

  if (!vigild_json_check_members (object, known, "The sign-in", error) ||
      !(name = vigild_json_get_string (object, "user", error)) ||
      !(secret = vigild_json_get_string (object, "password", error)))
    return FALSE;

  if (*name == '\0' || strlen (name) > VIGILD_API_MAX_NAME_LENGTH)
    {
      g_set_error (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                   "The field “user” must hold 1 to %d bytes", VIGILD_API_MAX_NAME_LENGTH);
      return FALSE;
    }
  if (*secret == '\0' || strlen (secret) > VIGILD_PASSWORD_MAX_LENGTH)
    {
      g_set_error (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                   "The field “password” must hold 1 to %d bytes", VIGILD_PASSWORD_MAX_LENGTH);
      return FALSE;
    }

  *user = g_strdup (name);
  *password = g_strdup (secret);
  return TRUE;
}

VigildResponse *
vigild_api_session_created (VigildSession *session)
{
  JsonObject *object = json_object_new ();
  g_autofree char *expires = NULL;

  g_return_val_if_fail (session != NULL, NULL);

  expires = vigil_time_to_iso (session->expires);
  json_object_set_string_member (object, "token", session->token);
  json_object_set_string_member (object, "expires_at", expires);
  json_object_set_object_member (object, "user", user_to_object (session->user));
  return vigild_response_new (SOUP_STATUS_CREATED, object_node (object));
}

GPtrArray *
vigild_api_parse_ops (const char  *data,
                      gsize        length,
                      GError     **error)
{
  static const char * const known[] = { "ops", NULL };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  JsonObject *object;
  JsonNode *member;
  JsonArray *array;
  guint n;

  if (!(root = vigild_json_parse (data, length, error)))
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                           "The request must be a JSON object {\"ops\": [...]}");
      return NULL;
    }
  object = json_node_get_object (root);
  if (!vigild_json_check_members (object, known, "The request", error))
    return NULL;

  member = json_object_get_member (object, "ops");
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    {
      g_set_error_literal (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                           "The field “ops” must be an array of operations");
      return NULL;
    }
  array = json_node_get_array (member);
  n = json_array_get_length (array);
  if (n == 0 || n > VIGILD_API_MAX_OPS)
    {
      g_set_error (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                   "The field “ops” must hold 1 to %d operations, not %u", VIGILD_API_MAX_OPS, n);
      return NULL;
    }

  ops = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) local_error = NULL;
      VigilOp *op = vigil_op_new_from_json (json_array_get_element (array, i), &local_error);

      if (op == NULL)
        {
          /* Keep the core's error code (parse or unknown kind) for the
           * status; say which element it was. */
          g_set_error (error, VIGILD_ERROR,
                       vigild_error_code_from_error (local_error) == VIGILD_ERROR_UNKNOWN_KIND
                       ? VIGILD_ERROR_UNKNOWN_KIND : VIGILD_ERROR_BAD_REQUEST,
                       "ops[%u]: %s", i, local_error->message);
          return NULL;
        }
      g_ptr_array_add (ops, op);
    }

  return g_steal_pointer (&ops);
}

VigildResponse *
vigild_api_ops_results (GPtrArray *ops,
                        GPtrArray *results,
                        gint64     last_seq)
{
  g_autoptr(GString) out = NULL;
  guint status = SOUP_STATUS_OK;

  g_return_val_if_fail (ops != NULL && results != NULL, NULL);
  g_return_val_if_fail (ops->len == results->len, NULL);

  out = g_string_sized_new (2048 * results->len);
  g_string_append (out, "{\"results\":[");
  for (guint i = 0; i < results->len; i++)
    {
      VigilApplyResult *result = g_ptr_array_index (results, i);
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "id", vigil_op_get_id (g_ptr_array_index (ops, i)));
      if (result->error != NULL)
        {
          VigildError code = vigild_error_code_from_error (result->error);

          json_object_set_string_member (item, "status", "rejected");
          json_object_set_member (item, "error",
                                  vigild_error_object_new (code, result->error->message));
          if (status == SOUP_STATUS_OK)
            status = vigild_error_code_to_status (code);
        }
      else
        {
          json_object_set_string_member (item, "status",
                                         result->duplicate ? "duplicate" : "applied");
        }

      json_object_set_int_member (item, "seq", result->seq);
      if (result->incident != NULL)
        {
          json_object_set_int_member (item, "revision",
                                      vigil_incident_get_revision (result->incident));
          /* The text the store saved is the incident's encoding: spliced in
           * as the last member rather than encoded a second time. */
          if (result->doc == NULL)
            json_object_set_member (item, "incident", vigil_incident_to_json (result->incident));
        }
      else
        {
          json_object_set_null_member (item, "revision");
          json_object_set_null_member (item, "incident");
        }

      if (i > 0)
        g_string_append_c (out, ',');
      append_node (out, object_node (item));
      if (result->incident != NULL && result->doc != NULL)
        {
          g_assert (out->len > 0 && out->str[out->len - 1] == '}');
          g_string_truncate (out, out->len - 1);
          g_string_append (out, ",\"incident\":");
          g_string_append (out, result->doc);
          g_string_append_c (out, '}');
        }
    }

  g_string_append_printf (out, "],\"last_seq\":%" G_GINT64_FORMAT "}", last_seq);
  return vigild_response_new_text (status, g_steal_pointer (&out));
}

VigildResponse *
vigild_api_list_changes (VigilStore *store,
                         GHashTable *query,
                         gint64      last_seq)
{
  static const char * const allowed[] = { "since", "limit", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GPtrArray) incident_ids = NULL;
  g_autoptr(GString) out = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(VigilDoraProfile) profile = vigil_store_dup_dora_profile (store);
  g_autofree char *profile_text = NULL;
  guint64 since, limit;
  gint64 newest, cursor;
  guint remaining, n_entries = 0, n_incidents = 0;

  if (!vigild_api_check_params (query, allowed, &error) ||
      !get_number_param (query, "since", 0, G_MAXINT64, 0, &since, &error) ||
      !get_number_param (query, "limit", 1, VIGILD_API_CHANGES_MAX, VIGILD_API_CHANGES_DEFAULT,
                         &limit, &error))
    return vigild_response_new_from_error (error);

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  incident_ids = g_ptr_array_new_with_free_func (g_free);
  out = g_string_sized_new (16 * 1024);
  g_string_append (out, "{\"entries\":[");
  newest = cursor = (gint64) since;
  remaining = (guint) limit;

  /* The log is append-only, so reading it in chunks gives the same entries
   * as one read, with a fraction of them in memory at a time. */
  while (remaining > 0)
    {
      guint want = MIN (remaining, VIGILD_API_CHANGES_CHUNK);
      g_autoptr(GPtrArray) entries = vigil_store_list_log_since (store, cursor, want, &error);

      if (entries == NULL)
        return vigild_response_new_from_error (error);

      for (guint i = 0; i < entries->len; i++)
        {
          VigilLogEntry *entry = g_ptr_array_index (entries, i);
          const char *incident_id = vigil_op_get_incident_id (entry->op);

          if (n_entries++ > 0)
            g_string_append_c (out, ',');
          append_node (out, log_entry_to_json (entry, FALSE));
          newest = MAX (newest, entry->seq);
          cursor = entry->seq;

          if (!g_hash_table_contains (seen, incident_id))
            {
              char *copy = g_strdup (incident_id);

              g_ptr_array_add (incident_ids, copy);
              g_hash_table_add (seen, copy);
            }
        }

      remaining -= entries->len;
      if (entries->len < want)
        break;
    }

  /* The current state of what the entries touched. */
  g_string_append (out, "],\"incidents\":[");
  for (guint i = 0; i < incident_ids->len; i++)
    {
      g_autoptr(VigilIncident) incident = NULL;

      incident = vigil_store_get_incident (store, g_ptr_array_index (incident_ids, i), NULL);
      if (incident == NULL)
        continue;
      if (n_incidents++ > 0)
        g_string_append_c (out, ',');
      append_node (out, incident_answer (incident, profile, now));
    }

  /* The writer's counter can trail a commit that readers see already. */
  last_seq = MAX (last_seq, newest);

  /* The workspace policy and DORA profile ride along, so that replicas
   * apply the rules the server does and count the same deadlines. */
  profile_text = vigil_dora_profile_to_data (profile);
  g_string_append_printf (out, "],\"last_seq\":%" G_GINT64_FORMAT ",\"more\":%s,"
                          "\"policy\":{\"external_notifications_need_approval\":%s},"
                          "\"dora_profile\":%s}",
                          last_seq, newest < last_seq ? "true" : "false",
                          (vigil_store_get_policy (store) &
                           VIGIL_POLICY_EXTERNAL_NOTIFICATIONS_NEED_APPROVAL) ? "true" : "false",
                          profile_text);
  return vigild_response_new_text (SOUP_STATUS_OK, g_steal_pointer (&out));
}

VigildResponse *
vigild_api_list_incidents (VigilStore *store,
                           GHashTable *query)
{
  static const char * const allowed[] = {
    "step", "type", "severity", "owner", "q", "offset", "limit", NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) incidents = NULL;
  g_autoptr(GString) out = NULL;
  VigilQuery q = { 0, };
  guint64 step, offset, limit;
  const char *text = query ? g_hash_table_lookup (query, "q") : NULL;
  guint total = 0;

  if (!vigild_api_check_params (query, allowed, &error) ||
      !get_number_param (query, "step", 1, VIGIL_N_STEPS, 0, &step, &error) ||
      !get_choice_param (query, "type", VIGIL_CHOICES_INCIDENT_TYPE, &q.type, &error) ||
      !get_choice_param (query, "severity", VIGIL_CHOICES_SEVERITY, &q.severity, &error) ||
      !get_text_param (query, "owner", &q.owner, &error) ||
      !get_number_param (query, "offset", 0, G_MAXINT32, 0, &offset, &error) ||
      !get_number_param (query, "limit", 1, VIGILD_API_INCIDENTS_MAX,
                         VIGILD_API_INCIDENTS_DEFAULT, &limit, &error))
    return vigild_response_new_from_error (error);

  /* An empty search box means no text filter. */
  if (text != NULL && *text != '\0' && !get_text_param (query, "q", &q.text, &error))
    return vigild_response_new_from_error (error);

  q.step = (guint) step;
  q.offset = (guint) offset;
  q.limit = (guint) limit;

  incidents = vigil_store_query_incidents (store, &q, &total, &error);
  if (incidents == NULL)
    return vigild_response_new_from_error (error);

  out = g_string_sized_new (16 * 1024);
  g_string_append (out, "{\"incidents\":");
  append_incidents (out, store, incidents);
  g_string_append_printf (out, ",\"total\":%u,\"offset\":%u,\"limit\":%u}", total, q.offset,
                          q.limit);
  return vigild_response_new_text (SOUP_STATUS_OK, g_steal_pointer (&out));
}

VigildResponse *
vigild_api_get_incident (VigilStore *store,
                         const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) incident = vigil_store_get_incident (store, id, &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(VigilDoraProfile) profile = NULL;

  if (incident == NULL)
    return vigild_response_new_from_error (error);

  profile = vigil_store_dup_dora_profile (store);
  return vigild_response_new (SOUP_STATUS_OK, incident_answer (incident, profile, now));
}

VigildResponse *
vigild_api_get_history (VigilStore *store,
                        const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) incident = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GString) out = NULL;

  if (!(incident = vigil_store_get_incident (store, id, &error)) ||
      !(entries = vigil_store_list_log (store, id, &error)))
    return vigild_response_new_from_error (error);

  out = g_string_sized_new (4096);
  g_string_append (out, "{\"entries\":[");
  for (guint i = 0; i < entries->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_node (out, log_entry_to_json (g_ptr_array_index (entries, i), TRUE));
    }
  g_string_append (out, "]}");
  return vigild_response_new_text (SOUP_STATUS_OK, g_steal_pointer (&out));
}

VigildResponse *
vigild_api_list_pending (VigilStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) incidents = vigil_store_list_pending_approvals (store, &error);
  g_autoptr(GString) out = NULL;

  if (incidents == NULL)
    return vigild_response_new_from_error (error);

  out = g_string_sized_new (4096);
  g_string_append (out, "{\"incidents\":");
  append_incidents (out, store, incidents);
  g_string_append_c (out, '}');
  return vigild_response_new_text (SOUP_STATUS_OK, g_steal_pointer (&out));
}
