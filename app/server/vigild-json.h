/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Deeper documents are refused before json-glib's recursive parser sees
 * them: a megabyte of "[" must not exhaust a thread's stack. */
#define VIGILD_JSON_MAX_DEPTH 32

/**
 * vigild_json_parse:
 * @data: the request body
 * @length: its length in bytes
 * @error: set to VIGILD_ERROR_BAD_REQUEST naming the problem
 *
 * Parses a request body strictly: valid UTF-8 without NUL, exactly one JSON
 * document, no key twice in an object, whole numbers within 64 bits, no
 * number beyond the double range, no deeper than %VIGILD_JSON_MAX_DEPTH.
 *
 * Returns: (transfer full): the root node
 */
JsonNode   *vigild_json_parse          (const char  *data,
                                        gsize        length,
                                        GError     **error);

/* Checks that @object has only members named in @known (NULL-terminated). */
gboolean    vigild_json_check_members  (JsonObject         *object,
                                        const char * const *known,
                                        const char         *what,
                                        GError            **error);

/* Returns the member as a string, or NULL with @error set when it is missing
 * or not a string. */
const char *vigild_json_get_string     (JsonObject  *object,
                                        const char  *name,
                                        GError     **error);

G_END_DECLS
