/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigild-response"

#include "config.h"

#include <vigil/vigil.h>

#include "vigild-response.h"

G_DEFINE_QUARK (vigild-error-quark, vigild_error)

static const struct {
  const char *code;
  guint       status;
} error_table[] = {
  [VIGILD_ERROR_BAD_REQUEST] = { "bad_request", SOUP_STATUS_BAD_REQUEST },
  [VIGILD_ERROR_UNAUTHORIZED] = { "unauthorized", SOUP_STATUS_UNAUTHORIZED },
  [VIGILD_ERROR_FORBIDDEN] = { "forbidden", SOUP_STATUS_FORBIDDEN },
  [VIGILD_ERROR_NOT_FOUND] = { "not_found", SOUP_STATUS_NOT_FOUND },
  [VIGILD_ERROR_METHOD_NOT_ALLOWED] = { "method_not_allowed", SOUP_STATUS_METHOD_NOT_ALLOWED },
  [VIGILD_ERROR_CONFLICT] = { "conflict", SOUP_STATUS_CONFLICT },
  [VIGILD_ERROR_INVALID] = { "invalid", SOUP_STATUS_UNPROCESSABLE_ENTITY },
  [VIGILD_ERROR_GATE] = { "gate", SOUP_STATUS_CONFLICT },
  [VIGILD_ERROR_READ_ONLY] = { "read_only", SOUP_STATUS_CONFLICT },
  [VIGILD_ERROR_EXISTS] = { "exists", SOUP_STATUS_CONFLICT },
  [VIGILD_ERROR_UNKNOWN_KIND] = { "unknown_kind", SOUP_STATUS_BAD_REQUEST },
  [VIGILD_ERROR_TOO_LARGE] = { "too_large", SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE },
  [VIGILD_ERROR_TOO_MANY_REQUESTS] = { "too_many_requests", 429 },
  [VIGILD_ERROR_INTERNAL] = { "internal", SOUP_STATUS_INTERNAL_SERVER_ERROR },
};

const char *
vigild_error_code_to_string (VigildError code)
{
  g_return_val_if_fail (code < G_N_ELEMENTS (error_table), "internal");

  return error_table[code].code;
}

guint
vigild_error_code_to_status (VigildError code)
{
  g_return_val_if_fail (code < G_N_ELEMENTS (error_table), SOUP_STATUS_INTERNAL_SERVER_ERROR);

  return error_table[code].status;
}

VigildError
vigild_error_code_from_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, VIGILD_ERROR_INTERNAL);

  if (error->domain == VIGILD_ERROR && (guint) error->code < G_N_ELEMENTS (error_table))
    return error->code;

  if (error->domain == VIGIL_OP_ERROR)
    {
      switch ((VigilOpError) error->code)
        {
        case VIGIL_OP_ERROR_PARSE:
          return VIGILD_ERROR_BAD_REQUEST;
        case VIGIL_OP_ERROR_UNKNOWN_KIND:
          return VIGILD_ERROR_UNKNOWN_KIND;
        case VIGIL_OP_ERROR_INVALID:
          return VIGILD_ERROR_INVALID;
        case VIGIL_OP_ERROR_FORBIDDEN:
          return VIGILD_ERROR_FORBIDDEN;
        case VIGIL_OP_ERROR_GATE:
          return VIGILD_ERROR_GATE;
        case VIGIL_OP_ERROR_READ_ONLY:
          return VIGILD_ERROR_READ_ONLY;
        case VIGIL_OP_ERROR_CONFLICT:
          return VIGILD_ERROR_CONFLICT;
        case VIGIL_OP_ERROR_NOT_FOUND:
          return VIGILD_ERROR_NOT_FOUND;
        case VIGIL_OP_ERROR_EXISTS:
          return VIGILD_ERROR_EXISTS;
        default:
          break;
        }
    }

  return VIGILD_ERROR_INTERNAL;
}

JsonNode *
vigild_error_object_new (VigildError  code,
                         const char  *message)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "code", vigild_error_code_to_string (code));
  json_object_set_string_member (object, "message", message ? message : "");
  json_node_take_object (node, object);
  return node;
}

VigildResponse *
vigild_response_new (guint     status,
                     JsonNode *body)
{
  VigildResponse *self = g_new0 (VigildResponse, 1);

  self->status = status;
  self->body = body;
  return self;
}

VigildResponse *
vigild_response_new_text (guint    status,
                          GString *text)
{
  VigildResponse *self = g_new0 (VigildResponse, 1);

  g_return_val_if_fail (text != NULL, NULL);

  self->status = status;
  self->text = text;
  return self;
}

static VigildResponse *
response_new_error_literal (VigildError  code,
                            const char  *message)
{
  JsonObject *root = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_member (root, "error", vigild_error_object_new (code, message));
  json_node_take_object (node, root);
  return vigild_response_new (vigild_error_code_to_status (code), node);
}

VigildResponse *
vigild_response_new_error (VigildError  code,
                           const char  *format,
                           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  return response_new_error_literal (code, message);
}

VigildResponse *
vigild_response_new_from_error (const GError *error)
{
  VigildError code;

  g_return_val_if_fail (error != NULL, NULL);

  code = vigild_error_code_from_error (error);
  if (code == VIGILD_ERROR_INTERNAL)
    {
      /* The details (paths, SQLite messages) go to the log, not to clients. */
      g_message ("Internal error: %s", error->message);
      return response_new_error_literal (code, "The server failed to handle the request; "
                                               "the administrator can find the cause in its log");
    }
  return response_new_error_literal (code, error->message);
}

void
vigild_response_add_header (VigildResponse *self,
                            const char     *name,
                            const char     *value)
{
  g_return_if_fail (self != NULL);

  if (self->headers == NULL)
    self->headers = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->headers, g_strdup (name));
  g_ptr_array_add (self->headers, g_strdup (value));
}

void
vigild_response_free (VigildResponse *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->body, json_node_unref);
  if (self->text != NULL)
    g_string_free (g_steal_pointer (&self->text), TRUE);
  g_clear_pointer (&self->headers, g_ptr_array_unref);
  g_free (self);
}

void
vigild_response_apply (VigildResponse    *self,
                       SoupServerMessage *msg)
{
  SoupMessageHeaders *headers;

  g_return_if_fail (self != NULL);
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  headers = soup_server_message_get_response_headers (msg);
  soup_server_message_set_status (msg, self->status, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");

  for (guint i = 0; self->headers != NULL && i + 1 < self->headers->len; i += 2)
    soup_message_headers_replace (headers, g_ptr_array_index (self->headers, i),
                                  g_ptr_array_index (self->headers, i + 1));

  if (self->text != NULL)
    {
      gsize length = self->text->len;

      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                        g_string_free (g_steal_pointer (&self->text), FALSE),
                                        length);
    }
  else if (self->body != NULL)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      char *data;
      gsize length;

      json_generator_set_root (generator, self->body);
      data = json_generator_to_data (generator, &length);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, data, length);
    }
  else
    {
      soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
    }
}
