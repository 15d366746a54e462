/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigild-json"

#include "config.h"

#include <math.h>
#include <string.h>

#include "vigild-json.h"
#include "vigild-response.h"

/* One open object or array while scanning. */
typedef struct {
  gboolean    object;
  gboolean    expect_key;
  GHashTable *keys;
} Frame;

static void
frame_clear (gpointer data)
{
  Frame *frame = data;

  g_clear_pointer (&frame->keys, g_hash_table_unref);
}

static gboolean
scan_error (GError     **error,
            const char  *message,
            gsize        offset)
{
  g_set_error (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
               "The request body is not acceptable JSON: %s (at byte %" G_GSIZE_FORMAT ")",
               message, offset);
  return FALSE;
}

/* json-glib accepts a few things a strict reader must not: more than one
 * document ("{} {}"), integers beyond 64 bits (silently clamped), numbers
 * beyond the double range (infinity) and repeated keys (the last wins, so
 * two readers could see different documents). Its recursive parser also
 * needs stack in proportion to the nesting. This scan refuses all of that
 * before json-glib sees the text; the parser then checks the grammar. */
static gboolean
check_structure (const char  *data,
                 gsize        length,
                 GError     **error)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, TRUE, sizeof (Frame));
  gboolean top_done = FALSE;
  gsize i = 0;

  g_array_set_clear_func (stack, frame_clear);

  while (i < length)
    {
      char c = data[i];
      Frame *top = stack->len ? &g_array_index (stack, Frame, stack->len - 1) : NULL;

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        {
          i++;
          continue;
        }

      if (stack->len == 0 && top_done)
        return scan_error (error, "more data after the document", i);

      if (c == '"')
        {
          gsize begin = ++i;

          while (i < length && data[i] != '"')
            i += data[i] == '\\' ? 2 : 1;
          if (i >= length)
            return scan_error (error, "unterminated string", begin - 1);

          if (top != NULL && top->object && top->expect_key)
            {
              g_autofree char *key = g_strndup (data + begin, i - begin);

              if (g_hash_table_contains (top->keys, key))
                return scan_error (error, "a key appears twice in an object", begin - 1);
              g_hash_table_add (top->keys, g_steal_pointer (&key));
              top->expect_key = FALSE;
            }
          i++;
          if (stack->len == 0)
            top_done = TRUE;
          continue;
        }

      if (c == '-' || g_ascii_isdigit (c))
        {
          gsize begin = i;
          gboolean integer = TRUE;
          g_autofree char *text = NULL;

          while (i < length && (g_ascii_isdigit (data[i]) || strchr ("+-.eE", data[i]) != NULL))
            {
              if (data[i] == '.' || data[i] == 'e' || data[i] == 'E')
                integer = FALSE;
              i++;
            }
          text = g_strndup (data + begin, i - begin);
          if (integer)
            {
              gint64 value;

              if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, NULL))
                return scan_error (error, "a whole number is malformed or beyond 64 bits", begin);
            }
          else
            {
              double value = g_ascii_strtod (text, NULL);

              if (!isfinite (value))
                return scan_error (error, "a number is out of range", begin);
            }
          if (stack->len == 0)
            top_done = TRUE;
          continue;
        }

      if (g_ascii_isalpha (c))
        {
          while (i < length && (g_ascii_isalnum (data[i]) || data[i] == '_'))
            i++;
          if (stack->len == 0)
            top_done = TRUE;
          continue;
        }

      switch (c)
        {
        case '{':
        case '[':
          {
            Frame frame = { c == '{', c == '{', NULL };

            if (stack->len >= VIGILD_JSON_MAX_DEPTH)
              {
                g_set_error (error, VIGILD_ERROR, VIGILD_ERROR_BAD_REQUEST,
                             "The JSON document is nested deeper than %d levels",
                             VIGILD_JSON_MAX_DEPTH);
                return FALSE;
              }
            if (frame.object)
              frame.keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
            g_array_append_val (stack, frame);
          }
          break;

        case '}':
        case ']':
          if (stack->len == 0)
            return scan_error (error, "a bracket closes what was not opened", i);
          g_array_set_size (stack, stack->len - 1);
          if (stack->len == 0)
            top_done = TRUE;
          break;

        case ',':
          if (top != NULL && top->object)
            top->expect_key = TRUE;
          break;

        default:
          break;
        }
      i++;
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
                           "The request body is not valid UTF-8 text (or holds a NUL byte)");
      return NULL;
    }
  if (!check_structure (data, length, error))
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
