/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigild-json"

#include "config.h"

#include "vigild-json.h"
#include "vigild-response.h"

/* Tracks nesting outside of strings. JSON text has no other place where a
 * bracket means something, so this is exact for valid documents and safe
 * for invalid ones (the parser refuses those afterwards). */
static gboolean
check_depth (const char  *data,
             gsize        length,
             GError     **error)
{
  gboolean in_string = FALSE;
  gboolean escaped = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          if (++depth > VIGILD_JSON_MAX_DEPTH)
            {
              g_set_error (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                           "The JSON document is nested deeper than %d levels",
                           VIGILD_JSON_MAX_DEPTH);
              return FALSE;
            }
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        default:
          break;
        }
    }
  return TRUE;
}

JsonNode *
vigild_json_parse (const char  *data,
                   gsize        length,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (data == NULL || length == 0)
    {
      g_set_error_literal (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                           "The request has no body; a JSON document was expected");
      return NULL;
    }
  if (!g_utf8_validate_len (data, length, NULL))
    {
      g_set_error_literal (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                           "The request body is not valid UTF-8");
      return NULL;
    }
  if (!check_depth (data, length, error))
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                   "The request body is not valid JSON: %s", local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                           "The request body holds no JSON value");
      return NULL;
    }
  return json_node_ref (root);
}

gboolean
vigild_json_check_members (JsonObject         *object,
                           const char * const *known,
                           const char         *what,
                           GError            **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (known, l->data))
        {
          g_set_error (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                       "%s has an unknown field “%s”", what, (const char *) l->data);
          return FALSE;
        }
    }
  return TRUE;
}

const char *
vigild_json_get_string (JsonObject  *object,
                        const char  *name,
                        GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    {
      g_set_error (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                   "The field “%s” is missing", name);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                   "The field “%s” must be a string", name);
      return NULL;
    }
  return json_node_get_string (node);
}
