/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vigil-incident.h"
#include "vigil-op.h"

G_BEGIN_DECLS

#define VIGIL_STORE_ERROR (vigil_store_error_quark ())

/**
 * VigilStoreError:
 * @VIGIL_STORE_ERROR_FAILED: SQLite reported an error (the message says which)
 * @VIGIL_STORE_ERROR_TOO_NEW: the file was written by a newer Vigil
 * @VIGIL_STORE_ERROR_CORRUPT: stored data does not decode
 * @VIGIL_STORE_ERROR_CHAIN_BROKEN: the audit chain does not verify
 */
typedef enum {
  VIGIL_STORE_ERROR_FAILED,
  VIGIL_STORE_ERROR_TOO_NEW,
  VIGIL_STORE_ERROR_CORRUPT,
  VIGIL_STORE_ERROR_CHAIN_BROKEN,
} VigilStoreError;

GQuark vigil_store_error_quark (void);

/* The schema version this build writes. */
#define VIGIL_STORE_SCHEMA_VERSION 1

/**
 * VigilLogEntry:
 * @seq: global sequence number, from 1
 * @op: the operation as applied (actor as authenticated)
 * @changes: array of {"field", "old", "new"}
 * @prev_hash: hex SHA-256 of the previous entry ("" for the first)
 * @hash: hex SHA-256 over this entry and @prev_hash
 *
 * One entry of the append-only operation log.
 */
typedef struct {
  gint64     seq;
  VigilOp   *op;
  JsonArray *changes;
  char      *prev_hash;
  char      *hash;
} VigilLogEntry;

void vigil_log_entry_free (VigilLogEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilLogEntry, vigil_log_entry_free)

#define VIGIL_TYPE_STORE (vigil_store_get_type ())
G_DECLARE_FINAL_TYPE (VigilStore, vigil_store, VIGIL, STORE, GObject)

/* Every method is thread-safe; calls are serialised on one connection. The
 * synchronous ones block on disk: the app uses the _async variants. */

VigilStore     *vigil_store_open                (const char    *path,
                                                 GError       **error);
void            vigil_store_open_async          (const char    *path,
                                                 GCancellable  *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer       user_data);
VigilStore     *vigil_store_open_finish         (GAsyncResult  *result,
                                                 GError       **error);
void            vigil_store_close               (VigilStore    *self);
const char     *vigil_store_get_path            (VigilStore    *self);
int             vigil_store_get_schema_version  (VigilStore    *self);

/**
 * vigil_store_apply:
 * @role: the actor's role as established by the caller
 * @duplicate: (out) (optional): set to %TRUE when an operation with this id
 *   had already been applied; nothing changes then
 * @seq: (out) (optional): the log sequence number of the operation
 *
 * Applies @op with vigil_op_apply() and, in one transaction, saves the new
 * incident state and appends the operation to the audit log. New incidents
 * get the next reference of the operation's year.
 *
 * Returns: (transfer full): the incident's state after the operation
 */
VigilIncident  *vigil_store_apply               (VigilStore    *self,
                                                 VigilOp       *op,
                                                 VigilRole      role,
                                                 gboolean      *duplicate,
                                                 gint64        *seq,
                                                 GError       **error);
void            vigil_store_apply_async         (VigilStore    *self,
                                                 VigilOp       *op,
                                                 VigilRole      role,
                                                 GCancellable  *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer       user_data);
VigilIncident  *vigil_store_apply_finish        (VigilStore    *self,
                                                 GAsyncResult  *result,
                                                 GError       **error);

VigilIncident  *vigil_store_get_incident        (VigilStore    *self,
                                                 const char    *id,
                                                 GError       **error);
/* Returns: (transfer full) (element-type VigilIncident): all incidents,
 * ordered by reference. */
GPtrArray      *vigil_store_list_incidents      (VigilStore    *self,
                                                 GError       **error);
void            vigil_store_list_incidents_async  (VigilStore    *self,
                                                   GCancellable  *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer       user_data);
GPtrArray      *vigil_store_list_incidents_finish (VigilStore    *self,
                                                   GAsyncResult  *result,
                                                   GError       **error);
guint           vigil_store_count_incidents     (VigilStore    *self);

/* Returns: (transfer full) (element-type VigilLogEntry): the log entries of
 * one incident (or of all, when @incident_id is %NULL) in order. */
GPtrArray      *vigil_store_list_log            (VigilStore    *self,
                                                 const char    *incident_id,
                                                 GError       **error);
gint64          vigil_store_get_last_seq        (VigilStore    *self);
gboolean        vigil_store_has_op              (VigilStore    *self,
                                                 const char    *op_id);

/**
 * vigil_store_verify:
 * @checked: (out) (optional): how many entries were checked
 * @broken_seq: (out) (optional): the first entry that fails, 0 when intact
 *
 * Walks the audit chain from the first entry and recomputes every hash.
 *
 * Returns: %TRUE when intact; %FALSE with VIGIL_STORE_ERROR_CHAIN_BROKEN
 *   naming the first bad entry
 */
gboolean        vigil_store_verify              (VigilStore    *self,
                                                 gint64        *checked,
                                                 gint64        *broken_seq,
                                                 GError       **error);

/* Bulk import for benchmarks and demos: applies many operations in one
 * transaction. Stops at the first refusal and rolls everything back. */
gboolean        vigil_store_apply_batch         (VigilStore    *self,
                                                 GPtrArray     *ops,
                                                 VigilRole      role,
                                                 GError       **error);

G_END_DECLS
