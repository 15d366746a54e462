/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define VIGILD_ERROR (vigild_error_quark ())

/* One code per error object code of the API (docs/openapi.yaml). */
typedef enum {
  VIGILD_ERROR_BAD_REQUEST,
  VIGILD_ERROR_UNAUTHORIZED,
  VIGILD_ERROR_FORBIDDEN,
  VIGILD_ERROR_NOT_FOUND,
  VIGILD_ERROR_METHOD_NOT_ALLOWED,
  VIGILD_ERROR_CONFLICT,
  VIGILD_ERROR_INVALID,
  VIGILD_ERROR_GATE,
  VIGILD_ERROR_READ_ONLY,
  VIGILD_ERROR_EXISTS,
  VIGILD_ERROR_UNKNOWN_KIND,
  VIGILD_ERROR_TOO_LARGE,
  VIGILD_ERROR_TOO_MANY_REQUESTS,
  VIGILD_ERROR_INTERNAL,
} VigildError;

GQuark       vigild_error_quark        (void);
const char  *vigild_error_code_to_string (VigildError code);
guint        vigild_error_code_to_status (VigildError code);
/* Maps any GError (VIGIL_OP_ERROR, VIGILD_ERROR, others are internal). */
VigildError  vigild_error_code_from_error (const GError *error);

/**
 * VigildResponse:
 * @status: the HTTP status
 * @body: (nullable): the JSON document to send
 * @text: (nullable): the body as JSON text already, instead of @body
 * @headers: (nullable): extra response headers, name and value in turn
 *
 * An API answer, made in any thread and sent on the server's thread.
 */
typedef struct {
  guint      status;
  JsonNode  *body;
  GString   *text;
  GPtrArray *headers;
} VigildResponse;

VigildResponse *vigild_response_new            (guint           status,
                                                JsonNode       *body);
/* @text: (transfer full): a JSON document */
VigildResponse *vigild_response_new_text       (guint           status,
                                                GString        *text);
VigildResponse *vigild_response_new_error      (VigildError     code,
                                                const char     *format,
                                                ...) G_GNUC_PRINTF (2, 3);
VigildResponse *vigild_response_new_from_error (const GError   *error);
void            vigild_response_add_header     (VigildResponse *self,
                                                const char     *name,
                                                const char     *value);
void            vigild_response_free           (VigildResponse *self);
/* Sets status, headers and body on @msg; main context only. */
void            vigild_response_apply          (VigildResponse    *self,
                                                SoupServerMessage *msg);

/* The error object of the API: {"code": ..., "message": ...}. */
JsonNode       *vigild_error_object_new        (VigildError     code,
                                                const char     *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigildResponse, vigild_response_free)

G_END_DECLS
