/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <vigil/vigil.h>

#include "vigild-auth.h"
#include "vigild-response.h"

G_BEGIN_DECLS

/* Limits of the API, as documented in docs/openapi.yaml. */
#define VIGILD_API_MAX_BODY           (1024 * 1024)
#define VIGILD_API_MAX_OPS            500
#define VIGILD_API_CHANGES_DEFAULT    500
#define VIGILD_API_CHANGES_MAX        5000
/* /changes reads the log this many entries at a time. */
#define VIGILD_API_CHANGES_CHUNK      250
#define VIGILD_API_INCIDENTS_DEFAULT  100
#define VIGILD_API_INCIDENTS_MAX      1000
#define VIGILD_API_MAX_NAME_LENGTH    256

/* The endpoints' work, without HTTP: each takes what a request carried and
 * returns the answer. They run in worker threads; the store is thread-safe. */

/* Fails with VIGILD_ERROR_BAD_REQUEST naming the first parameter of @query
 * that is not in @allowed (NULL-terminated). */
gboolean        vigild_api_check_params     (GHashTable          *query,
                                             const char * const  *allowed,
                                             GError             **error);

VigildResponse *vigild_api_health           (gint64               last_seq);
VigildResponse *vigild_api_me               (VigilUser           *user);

/* POST /session: exactly {"user": string, "password": string}. */
gboolean        vigild_api_parse_login      (const char          *data,
                                             gsize                length,
                                             char               **user,
                                             char               **password,
                                             GError             **error);
VigildResponse *vigild_api_session_created  (VigildSession       *session);

/* POST /ops: exactly {"ops": [op, ...]} with 1 to VIGILD_API_MAX_OPS
 * operations, each a valid VigilOp document. Returns: (transfer full)
 * (element-type VigilOp) */
GPtrArray      *vigild_api_parse_ops        (const char          *data,
                                             gsize                length,
                                             GError             **error);
/* @results: (element-type VigilApplyResult) one per operation */
VigildResponse *vigild_api_ops_results      (GPtrArray           *ops,
                                             GPtrArray           *results,
                                             gint64               last_seq);

VigildResponse *vigild_api_list_changes     (VigilStore          *store,
                                             GHashTable          *query,
                                             gint64               last_seq);
VigildResponse *vigild_api_list_incidents   (VigilStore          *store,
                                             GHashTable          *query);
VigildResponse *vigild_api_get_incident     (VigilStore          *store,
                                             const char          *id);
VigildResponse *vigild_api_get_history      (VigilStore          *store,
                                             const char          *id);
VigildResponse *vigild_api_list_pending     (VigilStore          *store);

G_END_DECLS
