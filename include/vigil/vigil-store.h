/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vigil-dora-profile.h"
#include "vigil-incident.h"
#include "vigil-op.h"
#include "vigil-process.h"

G_BEGIN_DECLS

#define VIGIL_STORE_ERROR (vigil_store_error_quark ())

/**
 * VigilStoreError:
 * @VIGIL_STORE_ERROR_FAILED: SQLite reported an error (the message says which)
 * @VIGIL_STORE_ERROR_TOO_NEW: the file was written by a newer Vigil
 * @VIGIL_STORE_ERROR_CORRUPT: stored data does not decode
 * @VIGIL_STORE_ERROR_CHAIN_BROKEN: the audit chain does not verify
 * @VIGIL_STORE_ERROR_USER_EXISTS: a user of that name exists already
 * @VIGIL_STORE_ERROR_NO_SUCH_USER: there is no user of that name
 */
typedef enum {
  VIGIL_STORE_ERROR_FAILED,
  VIGIL_STORE_ERROR_TOO_NEW,
  VIGIL_STORE_ERROR_CORRUPT,
  VIGIL_STORE_ERROR_CHAIN_BROKEN,
  VIGIL_STORE_ERROR_USER_EXISTS,
  VIGIL_STORE_ERROR_NO_SUCH_USER,
} VigilStoreError;

GQuark vigil_store_error_quark (void);

/* The schema version this build writes. */
#define VIGIL_STORE_SCHEMA_VERSION 3

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

/**
 * VigilUser:
 * @name: the login name
 * @role: what the user may do
 * @disabled: a disabled user cannot sign in and their tokens are gone
 * @created_at: when the account was made
 *
 * A user account of the shared server.
 */
typedef struct {
  char      *name;
  VigilRole  role;
  gboolean   disabled;
  GDateTime *created_at;
} VigilUser;

void vigil_user_free (VigilUser *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilUser, vigil_user_free)

/**
 * VigilQuery:
 * @step: only this step, or 0 for all
 * @type: only this incident type id, or %NULL
 * @severity: only this severity id, or %NULL
 * @owner: only this owner, or %NULL
 * @text: case-insensitive words to find in reference, title, description
 *   or owner, or %NULL
 * @offset: how many matches to skip
 * @limit: how many matches at most (0 for the default of 100)
 *
 * A filter over incidents, for the server's listing.
 */
typedef struct {
  guint       step;
  const char *type;
  const char *severity;
  const char *owner;
  const char *text;
  guint       offset;
  guint       limit;
} VigilQuery;

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

/**
 * VigilStorePreview:
 * @incidents: for each step (index 0 is step 1), its first incidents in the
 *   order of vigil_store_list_incidents(), a #GPtrArray of #VigilIncident
 * @counts: for each step, how many incidents it has in all
 * @per_step: at most how many incidents each step was given
 *
 * What a board needs to show before all incidents are read: the first cards
 * of every column and the true number of each. Read in one transaction, so
 * that the counts and the incidents agree.
 */
typedef struct {
  GPtrArray *incidents[VIGIL_N_STEPS];
  guint      counts[VIGIL_N_STEPS];
  guint      per_step;
} VigilStorePreview;

void               vigil_store_preview_free          (VigilStorePreview *preview);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilStorePreview, vigil_store_preview_free)

/* Returns: (transfer full): the first @per_step incidents of each step and
 * the number of incidents per step. */
VigilStorePreview *vigil_store_list_preview          (VigilStore    *self,
                                                      guint          per_step,
                                                      GError       **error);
void               vigil_store_list_preview_async    (VigilStore    *self,
                                                      guint          per_step,
                                                      GCancellable  *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer       user_data);
VigilStorePreview *vigil_store_list_preview_finish   (VigilStore    *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);

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

/**
 * VigilApplyResult:
 * @incident: (nullable): the state after the operation; when it was refused,
 *   the current state (%NULL when the incident does not exist)
 * @error: (nullable): why the operation was refused, %NULL when applied
 * @duplicate: the operation had been applied before; nothing changed
 * @seq: the operation's log sequence number (0 when refused)
 * @doc: (nullable): when the operation was applied, @incident as the JSON
 *   text the store saved, the same as vigil_incident_to_string() gives: a
 *   caller that sends the incident on need not encode it again
 */
typedef struct {
  VigilIncident *incident;
  GError        *error;
  gboolean       duplicate;
  gint64         seq;
  char          *doc;
} VigilApplyResult;

void vigil_apply_result_free (VigilApplyResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilApplyResult, vigil_apply_result_free)

/**
 * vigil_store_apply_each:
 * @ops: (element-type VigilOp): operations, applied in order
 * @roles: the role of each operation's actor (as many as @ops)
 *
 * Applies each operation on its own (a refused one leaves no trace and the
 * others go on) but commits them all in one durable transaction: the way to
 * many operations per second. When it returns, every applied operation is on
 * disk.
 *
 * Returns: (transfer full) (element-type VigilApplyResult): one result per
 *   operation, or %NULL when the transaction failed and nothing was written
 */
GPtrArray      *vigil_store_apply_each          (VigilStore       *self,
                                                 GPtrArray        *ops,
                                                 const VigilRole  *roles,
                                                 GError          **error);

/* Bulk import for benchmarks and demos: applies many operations in one
 * transaction. Stops at the first refusal and rolls everything back. */
gboolean        vigil_store_apply_batch         (VigilStore    *self,
                                                 GPtrArray     *ops,
                                                 VigilRole      role,
                                                 GError       **error);

/**
 * vigil_store_list_log_since:
 * @since: return entries with a sequence number above this
 * @limit: at most this many entries
 *
 * Returns: (transfer full) (element-type VigilLogEntry): the entries after
 *   @since in order: what changed, for clients catching up
 */
GPtrArray      *vigil_store_list_log_since      (VigilStore    *self,
                                                 gint64         since,
                                                 guint          limit,
                                                 GError       **error);

/**
 * vigil_store_query_incidents:
 * @total: (out) (optional): the number of matches before paging
 *
 * Returns: (transfer full) (element-type VigilIncident): one page of the
 *   incidents matching @query, ordered by reference
 */
GPtrArray      *vigil_store_query_incidents     (VigilStore       *self,
                                                 const VigilQuery *query,
                                                 guint            *total,
                                                 GError          **error);

/* Returns: (transfer full) (element-type VigilIncident): the incidents
 * waiting for a lead's decision, oldest submission first. */
GPtrArray      *vigil_store_list_pending_approvals (VigilStore  *self,
                                                    GError     **error);

/**
 * vigil_store_find_indicator:
 * @type: an indicator type id of step 4 ("ip", "domain", "url", "hash",
 *   "email", "account")
 * @value: the indicator, normalised here the way step 4 keeps it (so
 *   "EXAMPLE.com" finds "example.com")
 * @exclude_id: (nullable): the incident that asks, left out of the answer
 *
 * The "also seen in" lookup of step 4: the other incidents that list the
 * same indicator.
 *
 * Returns: (transfer full) (element-type VigilIncident): the incidents,
 *   ordered by reference; %NULL with a VIGIL_OP_ERROR_INVALID error when
 *   @value is not an indicator of @type, or a store error
 */
GPtrArray      *vigil_store_find_indicator      (VigilStore    *self,
                                                 const char    *type,
                                                 const char    *value,
                                                 const char    *exclude_id,
                                                 GError       **error);
void            vigil_store_find_indicator_async  (VigilStore    *self,
                                                   const char    *type,
                                                   const char    *value,
                                                   const char    *exclude_id,
                                                   GCancellable  *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer       user_data);
GPtrArray      *vigil_store_find_indicator_finish (VigilStore    *self,
                                                   GAsyncResult  *result,
                                                   GError       **error);

/**
 * vigil_store_backup:
 * @dest: path of the copy to write; must not exist yet
 *
 * Copies the whole database with SQLite's online backup: the copy is
 * consistent even while other threads or processes write.
 */
gboolean        vigil_store_backup              (VigilStore    *self,
                                                 const char    *dest,
                                                 GError       **error);

/* Users and sessions of the shared server. Password hashes are made and
 * checked by the caller; the store only keeps them. Tokens are kept only as
 * their hashes. */
gboolean        vigil_store_add_user            (VigilStore    *self,
                                                 const char    *name,
                                                 VigilRole      role,
                                                 const char    *password_hash,
                                                 GError       **error);
gboolean        vigil_store_set_user_password   (VigilStore    *self,
                                                 const char    *name,
                                                 const char    *password_hash,
                                                 GError       **error);
/* Disabling a user also ends all their sessions. */
gboolean        vigil_store_set_user_disabled   (VigilStore    *self,
                                                 const char    *name,
                                                 gboolean       disabled,
                                                 GError       **error);
VigilUser      *vigil_store_get_user            (VigilStore    *self,
                                                 const char    *name,
                                                 char         **password_hash,
                                                 GError       **error);
/* Returns: (transfer full) (element-type VigilUser) */
GPtrArray      *vigil_store_list_users          (VigilStore    *self,
                                                 GError       **error);
guint           vigil_store_count_users         (VigilStore    *self);
gboolean        vigil_store_add_token           (VigilStore    *self,
                                                 const char    *token_hash,
                                                 const char    *user_name,
                                                 gint64         expires_unix,
                                                 GError       **error);
/* Returns: (transfer full) (nullable): the user of a valid token: known,
 * not expired at @now_unix, user not disabled; %NULL otherwise. */
VigilUser      *vigil_store_lookup_token        (VigilStore    *self,
                                                 const char    *token_hash,
                                                 gint64         now_unix);
gboolean        vigil_store_remove_token        (VigilStore    *self,
                                                 const char    *token_hash,
                                                 GError       **error);

/* A desktop replica of a server (see vigil-sync.h). */

/**
 * VigilOutboxEntry:
 * @pos: the position in the outbox: operations go to the server in this order
 * @op: the operation
 * @role: the role it was applied with here
 */
typedef struct {
  gint64     pos;
  VigilOp   *op;
  VigilRole  role;
} VigilOutboxEntry;

void vigil_outbox_entry_free (VigilOutboxEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilOutboxEntry, vigil_outbox_entry_free)

/**
 * VigilSyncProblem:
 * @incident_id: the incident the operation was for
 * @conflict: %TRUE when someone else changed the same field first; %FALSE
 *   when a rule refused the operation
 * @message: the server's reason, for the user
 * @op: the refused operation, with the values the user had entered
 * @at: when the server refused it
 *
 * An operation the server did not commit. It left the outbox; the incident
 * went back to the server's state. It stays listed until the user dealt
 * with it (vigil_store_remove_sync_problem()).
 */
typedef struct {
  char      *incident_id;
  gboolean   conflict;
  char      *message;
  VigilOp   *op;
  GDateTime *at;
} VigilSyncProblem;

VigilSyncProblem *vigil_sync_problem_new  (VigilOp          *op,
                                           gboolean          conflict,
                                           const char       *message);
void              vigil_sync_problem_free (VigilSyncProblem *problem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilSyncProblem, vigil_sync_problem_free)

/**
 * VigilRemoteChanges:
 * @settled: (element-type utf8) (nullable): ids of queued operations the
 *   server committed (or had committed before): they leave the outbox
 * @refused: (element-type VigilSyncProblem) (nullable): queued operations
 *   the server refused
 * @entries: (element-type VigilLogEntry) (nullable): the server's log
 *   entries, mirrored into the local log unless known
 * @incidents: (element-type VigilIncident) (nullable): the server's state of
 *   incidents; what is still queued is applied on top of each
 * @gone: (element-type utf8) (nullable): ids of incidents the server does
 *   not have (a refused creation)
 * @seq: the server's sequence number these changes reach, or 0
 *
 * What one exchange with the server brought, merged in one transaction.
 */
typedef struct {
  GPtrArray *settled;
  GPtrArray *refused;
  GPtrArray *entries;
  GPtrArray *incidents;
  GPtrArray *gone;
  gint64     seq;
} VigilRemoteChanges;

void vigil_remote_changes_clear (VigilRemoteChanges *changes);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VigilRemoteChanges, vigil_remote_changes_clear)

/**
 * vigil_store_set_sync_server:
 * @url: (nullable): the server this store is a replica of; %NULL for local
 *   mode
 * @upload_local: when becoming a replica, queue the local history so that
 *   the incidents made in local mode reach the server
 *
 * In a replica, every operation applied is also queued in the outbox in the
 * same transaction; the server numbers revisions and references, so local
 * operations keep the revision the server gave last and new incidents have
 * no reference until the server gives them one. A store is a replica of one
 * server only.
 */
gboolean        vigil_store_set_sync_server     (VigilStore    *self,
                                                 const char    *url,
                                                 gboolean       upload_local,
                                                 GError       **error);
char           *vigil_store_dup_sync_server     (VigilStore    *self);
/* The server's sequence number up to which changes were merged. */
gint64          vigil_store_get_sync_seq        (VigilStore    *self);
guint           vigil_store_count_outbox        (VigilStore    *self);
/* Returns: (transfer full) (element-type VigilOutboxEntry): the oldest
 * @limit queued operations (0: all), in order */
GPtrArray      *vigil_store_list_outbox         (VigilStore    *self,
                                                 guint          limit,
                                                 GError       **error);
guint           vigil_store_count_sync_problems (VigilStore    *self);
/* Returns: (transfer full) (element-type VigilSyncProblem) */
GPtrArray      *vigil_store_list_sync_problems  (VigilStore    *self,
                                                 GError       **error);
gboolean        vigil_store_remove_sync_problem (VigilStore    *self,
                                                 const char    *op_id,
                                                 GError       **error);
/**
 * vigil_store_merge_remote:
 * @touched: (out) (optional) (transfer full) (element-type VigilIncident):
 *   the local state of every incident that changed
 * @removed: (out) (optional) (transfer full) (element-type utf8): ids of
 *   incidents that no longer exist here
 */
gboolean        vigil_store_merge_remote        (VigilStore          *self,
                                                 VigilRemoteChanges  *changes,
                                                 GPtrArray          **touched,
                                                 GPtrArray          **removed,
                                                 GError             **error);

/**
 * vigil_store_get_policy:
 *
 * The workspace's optional rules (#VigilPolicyFlags), which every
 * operation applied by this store follows. A replica keeps the server's, as
 * last heard from it.
 *
 * Returns: the rules; %VIGIL_POLICY_DEFAULT until set
 */
VigilPolicyFlags vigil_store_get_policy          (VigilStore        *self);
/* Saved at once; operations applied afterwards follow it. */
gboolean         vigil_store_set_policy          (VigilStore        *self,
                                                  VigilPolicyFlags   policy,
                                                  GError           **error);

/**
 * vigil_store_dup_dora_profile:
 *
 * The workspace's DORA profile (#VigilDoraProfile). A replica keeps the
 * server's, as last heard from it.
 *
 * Returns: (transfer full): the profile; vigil_dora_profile_new_default()
 *   until set, or when the saved one cannot be read
 */
VigilDoraProfile *vigil_store_dup_dora_profile     (VigilStore        *self);
/* Saved at once; when the store is the published one, the process's
 * deadlines follow it from then on. */
gboolean          vigil_store_set_dora_profile     (VigilStore        *self,
                                                    VigilDoraProfile  *profile,
                                                    GError           **error);
/**
 * vigil_store_publish_dora_profile:
 *
 * Makes the store's profile the process's (vigil_dora_profile_set_default()),
 * now and whenever vigil_store_set_dora_profile() changes it. The
 * application and the server call it on the store they work on.
 */
void              vigil_store_publish_dora_profile (VigilStore        *self);

G_END_DECLS
