/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <inttypes.h>

#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>

#include "vigil-store.h"
#include "vigil-forms.h"
#include "vigil-dora-profile.h"

/* The only module that speaks SQL. One connection, serialised by a mutex so
 * that every public method can be called from any thread (the app calls them
 * from GTask worker threads). Writes run in IMMEDIATE transactions so that a
 * second process on the same file (a backup, another instance) cannot
 * interleave. */

struct _VigilStore
{
  GObject   parent_instance;

  GMutex    lock;
  sqlite3  *db;
  char     *path;
  int       schema_version;
  /* Set while the store is a replica of a server (meta "sync.server"). */
  char     *sync_server;
  /* SQL text -> CachedStatement, see lease_statement() */
  GHashTable *statements;
};

G_DEFINE_TYPE (VigilStore, vigil_store, G_TYPE_OBJECT)

static JsonArray *parse_changes (const char *text);
G_DEFINE_QUARK (vigil-store-error-quark, vigil_store_error)

/* Each entry migrates from version N to N+1. Never edit a released entry:
 * add a new one. */
static const char *migrations[] = {
  /* 0 -> 1 */
  "CREATE TABLE incidents ("
  "  id TEXT PRIMARY KEY,"
  "  reference TEXT UNIQUE,"
  "  step INTEGER NOT NULL CHECK (step BETWEEN 1 AND 15),"
  "  revision INTEGER NOT NULL CHECK (revision >= 0),"
  "  updated_at TEXT,"
  "  doc TEXT NOT NULL"
  ");"
  "CREATE TABLE oplog ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  op_id TEXT NOT NULL UNIQUE,"
  "  incident_id TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  actor TEXT NOT NULL,"
  "  at TEXT NOT NULL,"
  "  doc TEXT NOT NULL,"
  "  changes TEXT NOT NULL,"
  "  prev_hash TEXT NOT NULL,"
  "  hash TEXT NOT NULL"
  ");"
  "CREATE INDEX oplog_by_incident ON oplog (incident_id, seq);"
  "CREATE TABLE reference_counters ("
  "  year INTEGER PRIMARY KEY,"
  "  last INTEGER NOT NULL"
  ");"
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");"
  "CREATE TRIGGER oplog_append_only_update BEFORE UPDATE ON oplog "
  "BEGIN SELECT RAISE (ABORT, 'the operation log is append-only'); END;"
  "CREATE TRIGGER oplog_append_only_delete BEFORE DELETE ON oplog "
  "BEGIN SELECT RAISE (ABORT, 'the operation log is append-only'); END;",

  /* 1 -> 2: users and sessions of the shared server */
  "CREATE TABLE users ("
  "  name TEXT PRIMARY KEY,"
  "  role TEXT NOT NULL CHECK (role IN ('analyst', 'lead', 'manager', 'admin')),"
  "  password_hash TEXT NOT NULL,"
  "  disabled INTEGER NOT NULL DEFAULT 0,"
  "  created_at TEXT NOT NULL"
  ");"
  "CREATE TABLE tokens ("
  "  token_hash TEXT PRIMARY KEY,"
  "  user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,"
  "  expires INTEGER NOT NULL"
  ");"
  "CREATE INDEX tokens_by_user ON tokens (user_name);"
  "CREATE INDEX incidents_by_step ON incidents (step);",

  /* 2 -> 3: a desktop replica of a server: the operations not yet
   * committed by the server, in the order they were made, and what the
   * server refused. */
  "CREATE TABLE outbox ("
  "  pos INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  op_id TEXT NOT NULL UNIQUE,"
  "  incident_id TEXT NOT NULL,"
  "  role TEXT NOT NULL,"
  "  doc TEXT NOT NULL"
  ");"
  "CREATE INDEX outbox_by_incident ON outbox (incident_id, pos);"
  "CREATE TABLE sync_problems ("
  "  op_id TEXT PRIMARY KEY,"
  "  incident_id TEXT NOT NULL,"
  "  conflict INTEGER NOT NULL,"
  "  message TEXT NOT NULL,"
  "  doc TEXT NOT NULL,"
  "  at TEXT NOT NULL"
  ");",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == VIGIL_STORE_SCHEMA_VERSION);

void
vigil_log_entry_free (VigilLogEntry *entry)
{
  if (entry == NULL)
    return;

  g_clear_object (&entry->op);
  g_clear_pointer (&entry->changes, json_array_unref);
  g_free (entry->prev_hash);
  g_free (entry->hash);
  g_free (entry);
}

static gboolean
set_sqlite_error (VigilStore  *self,
                  GError     **error,
                  const char  *what)
{
  g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_FAILED,
               _("Could not %s in %s: %s"), what, self->path, sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
exec (VigilStore  *self,
      const char  *sql,
      GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_FAILED,
                   _("Database error in %s: %s"), self->path, message ? message : "?");
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

static sqlite3_stmt *
prepare (VigilStore  *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, _("prepare a query"));
      return NULL;
    }
  return stmt;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* The statements of every operation and every request are compiled once per
 * connection and kept: compiling one costs more than running it. A Lease
 * hands a kept statement out; when the lease ends (it is a g_auto() type)
 * the statement is reset, which ends the read transaction a SELECT holds,
 * and its bindings are cleared, so that it points to no freed text. Leases
 * only exist while the store's lock is held. A statement that is leased
 * already (one use inside another) is compiled afresh and finalized at the
 * end of its lease. */
typedef struct {
  sqlite3_stmt *stmt;
  gboolean      in_use;
} CachedStatement;

typedef struct {
  sqlite3_stmt *stmt;
  gboolean     *in_use;   /* NULL when the statement is the lease's own */
} Lease;

static void
cached_statement_free (CachedStatement *cached)
{
  g_assert (!cached->in_use);
  sqlite3_finalize (cached->stmt);
  g_free (cached);
}

static void
lease_clear (Lease *lease)
{
  if (lease->stmt == NULL)
    return;

  if (lease->in_use != NULL)
    {
      sqlite3_reset (lease->stmt);
      sqlite3_clear_bindings (lease->stmt);
      *lease->in_use = FALSE;
    }
  else
    sqlite3_finalize (lease->stmt);
  lease->stmt = NULL;
  lease->in_use = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Lease, lease_clear)

/* Returns the statement of @sql (constant text) ready to be bound, held by
 * @lease, or NULL on error. */
static sqlite3_stmt *
lease_statement (VigilStore  *self,
                 Lease       *lease,
                 const char  *sql,
                 GError     **error)
{
  CachedStatement *cached;

  g_assert (lease->stmt == NULL);

  cached = g_hash_table_lookup (self->statements, sql);
  if (cached != NULL && cached->in_use)
    {
      if (sqlite3_prepare_v2 (self->db, sql, -1, &lease->stmt, NULL) != SQLITE_OK)
        {
          set_sqlite_error (self, error, _("prepare a query"));
          return NULL;
        }
      return lease->stmt;
    }

  if (cached == NULL)
    {
      sqlite3_stmt *stmt = NULL;

      if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt,
                              NULL) != SQLITE_OK)
        {
          set_sqlite_error (self, error, _("prepare a query"));
          return NULL;
        }
      cached = g_new0 (CachedStatement, 1);
      cached->stmt = stmt;
      g_hash_table_insert (self->statements, g_strdup (sql), cached);
    }

  cached->in_use = TRUE;
  lease->stmt = cached->stmt;
  lease->in_use = &cached->in_use;
  return lease->stmt;
}

/* Runs a statement without parameters or rows (BEGIN, COMMIT, SAVEPOINT)
 * from the kept ones. */
static gboolean
run_statement (VigilStore  *self,
               const char  *sql,
               GError     **error)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt;

  if (!(stmt = lease_statement (self, &lease, sql, error)))
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_FAILED,
                   _("Database error in %s: %s"), self->path, sqlite3_errmsg (self->db));
      return FALSE;
    }
  return TRUE;
}

static void
rollback (VigilStore *self)
{
  /* Harmless when no transaction is open. */
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Returns FALSE on error; *value stays NULL when the key is not set. */
static gboolean
meta_get (VigilStore  *self,
          const char  *key,
          char       **value,
          GError     **error)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;
  int rc;

  *value = NULL;
  if (!(stmt = lease_statement (self, &lease, "SELECT value FROM meta WHERE key = ?", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, _("read the settings"));
  return TRUE;
}

/* A %NULL @value removes the key. */
static gboolean
meta_set (VigilStore  *self,
          const char  *key,
          const char  *value,
          GError     **error)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;

  if (!(stmt = lease_statement (self, &lease,
                                value
                                ? "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)"
                                : "DELETE FROM meta WHERE key = ?1",
                                error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, _("save the settings"));
  return TRUE;
}

/* The workspace's optional rules; a rule never set has its default. */
#define POLICY_KEY_EXTERNAL_APPROVAL "policy.external_notifications_need_approval"

static gboolean
read_policy (VigilStore        *self,
             VigilPolicyFlags  *policy,
             GError           **error)
{
  g_autofree char *value = NULL;

  if (!meta_get (self, POLICY_KEY_EXTERNAL_APPROVAL, &value, error))
    return FALSE;
  *policy = VIGIL_POLICY_DEFAULT;
  if (g_strcmp0 (value, "on") == 0)
    *policy |= VIGIL_POLICY_EXTERNAL_NOTIFICATIONS_NEED_APPROVAL;
  else if (g_strcmp0 (value, "off") == 0)
    *policy &= ~VIGIL_POLICY_EXTERNAL_NOTIFICATIONS_NEED_APPROVAL;
  return TRUE;
}

static gboolean
migrate (VigilStore  *self,
         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int version;

  if (!(stmt = prepare (self, "PRAGMA user_version", error)))
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return set_sqlite_error (self, error, _("read the schema version"));
  version = sqlite3_column_int (stmt, 0);

  if (version > VIGIL_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_TOO_NEW,
                   _("%s was written by a newer version of Vigil (schema %d, this version "
                     "knows up to %d); update Vigil to open it"),
                   self->path, version, VIGIL_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  while (version < VIGIL_STORE_SCHEMA_VERSION)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (!exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!exec (self, migrations[version], error) || !exec (self, bump, error) ||
          !exec (self, "COMMIT", error))
        {
          rollback (self);
          g_prefix_error (error, _("Upgrading the database to schema %d failed: "), version + 1);
          return FALSE;
        }
      version++;
    }

  self->schema_version = version;
  return TRUE;
}

static void
vigil_store_finalize (GObject *object)
{
  VigilStore *self = (VigilStore *) object;

  vigil_store_close (self);
  g_hash_table_unref (self->statements);
  g_mutex_clear (&self->lock);
  g_free (self->path);
  g_free (self->sync_server);

  G_OBJECT_CLASS (vigil_store_parent_class)->finalize (object);
}

static void
vigil_store_class_init (VigilStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vigil_store_finalize;
}

static void
vigil_store_init (VigilStore *self)
{
  g_mutex_init (&self->lock);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) cached_statement_free);
}

VigilStore *
vigil_store_open (const char  *path,
                  GError     **error)
{
  g_autoptr(VigilStore) self = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (VIGIL_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_FAILED,
                   _("Could not open the database %s: %s"), path,
                   self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }

  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_extended_result_codes (self->db, TRUE);

  /* WAL for readers beside a writer; FULL so that a committed operation
   * survives a power cut, not only a crash. */
  if (!exec (self, "PRAGMA journal_mode = WAL", error) ||
      !exec (self, "PRAGMA synchronous = FULL", error) ||
      !exec (self, "PRAGMA foreign_keys = ON", error) ||
      !migrate (self, error) ||
      !meta_get (self, "sync.server", &self->sync_server, error))
    {
      g_prefix_error (error, _("Could not open the database: "));
      return NULL;
    }

  return g_steal_pointer (&self);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  VigilStore *store = vigil_store_open (task_data, &error);

  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

void
vigil_store_open_async (const char          *path,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_store_open_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_thread);
}

VigilStore *
vigil_store_open_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
vigil_store_close (VigilStore *self)
{
  g_return_if_fail (VIGIL_IS_STORE (self));

  g_mutex_lock (&self->lock);
  if (self->db != NULL)
    {
      g_hash_table_remove_all (self->statements);
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  g_mutex_unlock (&self->lock);
}

const char *
vigil_store_get_path (VigilStore *self)
{
  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  return self->path;
}

int
vigil_store_get_schema_version (VigilStore *self)
{
  g_return_val_if_fail (VIGIL_IS_STORE (self), 0);

  return self->schema_version;
}

static gboolean
check_open (VigilStore  *self,
            GError     **error)
{
  if (self->db == NULL)
    {
      g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_FAILED,
                   _("The database %s is closed"), self->path);
      return FALSE;
    }
  return TRUE;
}

/* Reading incidents */

static VigilIncident *
incident_from_column (VigilStore    *self,
                      sqlite3_stmt  *stmt,
                      int            column,
                      GError       **error)
{
  const char *doc = (const char *) sqlite3_column_text (stmt, column);
  g_autoptr(GError) local_error = NULL;
  VigilIncident *incident;

  incident = vigil_incident_new_from_string (doc ? doc : "", &local_error);
  if (incident == NULL)
    {
      g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_CORRUPT,
                   _("A stored incident in %s does not decode: %s"), self->path,
                   local_error->message);
      return NULL;
    }
  return incident;
}

/* Returns FALSE on error; *out stays NULL when the incident does not exist. */
static gboolean
load_incident (VigilStore     *self,
               const char     *id,
               VigilIncident **out,
               GError        **error)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;
  int rc;

  *out = NULL;
  if (!(stmt = lease_statement (self, &lease, "SELECT doc FROM incidents WHERE id = ?", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return set_sqlite_error (self, error, _("read an incident"));

  *out = incident_from_column (self, stmt, 0, error);
  return *out != NULL;
}

VigilIncident *
vigil_store_get_incident (VigilStore  *self,
                          const char  *id,
                          GError     **error)
{
  VigilIncident *incident = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  g_mutex_lock (&self->lock);
  if (check_open (self, error) && load_incident (self, id, &incident, error) &&
      incident == NULL)
    g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_NOT_FOUND,
                 _("The incident %s does not exist"), id);
  g_mutex_unlock (&self->lock);

  return incident;
}

/* Decoding the JSON documents is most of the cost of a listing (some 50 µs
 * an incident); with many of them the second half is decoded in a thread of
 * its own, outside the store's lock. */
#define LIST_PARALLEL_MIN 512

typedef struct {
  VigilStore *store;
  GPtrArray  *docs;       /* borrowed */
  guint       from;
  guint       to;
  GPtrArray  *incidents;  /* filled in place, at the same positions as the docs */
  GError     *error;
} DecodeRange;

static gpointer
decode_range (gpointer data)
{
  DecodeRange *range = data;

  for (guint i = range->from; i < range->to; i++)
    {
      const char *doc = g_ptr_array_index (range->docs, i);
      g_autoptr(GError) local_error = NULL;
      VigilIncident *incident = vigil_incident_new_from_string (doc, &local_error);

      if (incident == NULL)
        {
          g_set_error (&range->error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_CORRUPT,
                       _("A stored incident in %s does not decode: %s"), range->store->path,
                       local_error->message);
          break;
        }
      range->incidents->pdata[i] = incident;
    }
  return NULL;
}

/* A listing that failed half-way holds empty slots. */
static void
unref_incident (gpointer incident)
{
  if (incident != NULL)
    g_object_unref (incident);
}

GPtrArray *
vigil_store_list_incidents (VigilStore  *self,
                            GError     **error)
{
  g_autoptr(GPtrArray) incidents = g_ptr_array_new_with_free_func (unref_incident);
  g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  DecodeRange ranges[2];
  GThread *helper = NULL;
  gboolean ok = TRUE;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);

  if (!check_open (self, error) ||
      !(stmt = prepare (self, "SELECT doc FROM incidents ORDER BY reference, id", error)))
    ok = FALSE;

  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *doc = (const char *) sqlite3_column_text (stmt, 0);

      g_ptr_array_add (docs, g_strdup (doc != NULL ? doc : ""));
    }
  if (ok && rc != SQLITE_DONE)
    ok = set_sqlite_error (self, error, _("list the incidents"));

  g_clear_pointer (&stmt, sqlite3_finalize);
  g_mutex_unlock (&self->lock);

  if (!ok)
    return NULL;

  g_ptr_array_set_size (incidents, docs->len);
  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    ranges[i] = (DecodeRange) { self, docs, 0, 0, incidents, NULL };
  ranges[0].to = docs->len;
  if (docs->len >= LIST_PARALLEL_MIN && g_get_num_processors () > 1)
    {
      ranges[0].to = docs->len / 2;
      ranges[1].from = ranges[0].to;
      ranges[1].to = docs->len;
      helper = g_thread_try_new ("vigil-decode", decode_range, &ranges[1], NULL);
      if (helper == NULL)
        ranges[0].to = docs->len;
    }
  decode_range (&ranges[0]);
  if (helper != NULL)
    {
      g_thread_join (helper);
      if (ranges[1].error != NULL && ranges[0].error == NULL)
        g_propagate_error (&ranges[0].error, g_steal_pointer (&ranges[1].error));
      g_clear_error (&ranges[1].error);
    }

  if (ranges[0].error != NULL)
    {
      g_propagate_error (error, ranges[0].error);
      return NULL;
    }

  return g_steal_pointer (&incidents);
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *incidents = vigil_store_list_incidents (source_object, &error);

  if (incidents == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, incidents, (GDestroyNotify) g_ptr_array_unref);
}

void
vigil_store_list_incidents_async (VigilStore          *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VIGIL_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_store_list_incidents_async);
  g_task_run_in_thread (task, list_thread);
}

GPtrArray *
vigil_store_list_incidents_finish (VigilStore    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The board's first frame: a few incidents per step and the counts. The
 * window function numbers each step's incidents in the listing's order
 * without reading their documents (the last column of the row); only the
 * documents kept are joined back by rowid and decoded, outside the lock.
 * Through the index on step SQLite would read every row in step order, one
 * lookup each: reading the table in its own order and sorting is twice as
 * fast (40 against 75-120 ms for 10,000 incidents). */
#define PREVIEW_COUNTS_SQL \
  "SELECT step, count(*) FROM incidents GROUP BY step"
#define PREVIEW_ROWS_SQL \
  "SELECT i.step, i.doc FROM incidents AS i JOIN (" \
  "  SELECT rowid AS row, row_number () OVER (PARTITION BY step ORDER BY reference, id) AS n" \
  "  FROM incidents NOT INDEXED) AS r ON r.row = i.rowid " \
  "WHERE r.n <= ?1 ORDER BY i.step, r.n"

void
vigil_store_preview_free (VigilStorePreview *preview)
{
  if (preview == NULL)
    return;

  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    g_clear_pointer (&preview->incidents[i], g_ptr_array_unref);
  g_free (preview);
}

static gboolean
read_preview (VigilStore         *self,
              guint               per_step,
              VigilStorePreview  *preview,
              GPtrArray          *docs[VIGIL_N_STEPS],
              GError            **error)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = lease_statement (self, &lease, PREVIEW_COUNTS_SQL, error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int step = sqlite3_column_int (stmt, 0);

      if (step >= 1 && step <= VIGIL_N_STEPS)
        preview->counts[step - 1] = sqlite3_column_int (stmt, 1);
    }
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, _("count the incidents"));
  lease_clear (&lease);

  if (!(stmt = lease_statement (self, &lease, PREVIEW_ROWS_SQL, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, per_step);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int step = sqlite3_column_int (stmt, 0);
      const char *doc = (const char *) sqlite3_column_text (stmt, 1);

      if (step >= 1 && step <= VIGIL_N_STEPS)
        g_ptr_array_add (docs[step - 1], g_strdup (doc != NULL ? doc : ""));
    }
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, _("list the incidents"));
  return TRUE;
}

VigilStorePreview *
vigil_store_list_preview (VigilStore  *self,
                          guint        per_step,
                          GError     **error)
{
  g_autoptr(VigilStorePreview) preview = g_new0 (VigilStorePreview, 1);
  GPtrArray *docs[VIGIL_N_STEPS];
  gboolean ok = FALSE;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  preview->per_step = per_step;
  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    {
      docs[i] = g_ptr_array_new_with_free_func (g_free);
      preview->incidents[i] = g_ptr_array_new_with_free_func (g_object_unref);
    }

  g_mutex_lock (&self->lock);
  if (check_open (self, error) && run_statement (self, "BEGIN", error))
    {
      ok = read_preview (self, per_step, preview, docs, error);
      if (ok)
        ok = run_statement (self, "COMMIT", error);
      if (!ok)
        rollback (self);
    }
  g_mutex_unlock (&self->lock);

  for (guint i = 0; ok && i < VIGIL_N_STEPS; i++)
    {
      DecodeRange range = { self, docs[i], 0, docs[i]->len, preview->incidents[i], NULL };

      g_ptr_array_set_size (preview->incidents[i], docs[i]->len);
      decode_range (&range);
      if (range.error != NULL)
        {
          g_propagate_error (error, range.error);
          ok = FALSE;
        }
    }
  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    g_ptr_array_unref (docs[i]);

  return ok ? g_steal_pointer (&preview) : NULL;
}

static void
preview_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  VigilStorePreview *preview;

  preview = vigil_store_list_preview (source_object, GPOINTER_TO_UINT (task_data), &error);
  if (preview == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, preview, (GDestroyNotify) vigil_store_preview_free);
}

void
vigil_store_list_preview_async (VigilStore          *self,
                                guint                per_step,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VIGIL_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_store_list_preview_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (per_step), NULL);
  g_task_run_in_thread (task, preview_thread);
}

VigilStorePreview *
vigil_store_list_preview_finish (VigilStore    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
vigil_store_count_incidents (VigilStore *self)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;
  guint count = 0;

  g_return_val_if_fail (VIGIL_IS_STORE (self), 0);

  g_mutex_lock (&self->lock);
  if (self->db != NULL &&
      (stmt = lease_statement (self, &lease, "SELECT count(*) FROM incidents", NULL)) != NULL &&
      sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int (stmt, 0);
  lease_clear (&lease);
  g_mutex_unlock (&self->lock);

  return count;
}

/* The audit chain */

static char *
entry_hash (gint64      seq,
            const char *op_id,
            const char *incident_id,
            const char *kind,
            const char *actor,
            const char *at,
            const char *doc,
            const char *changes,
            const char *prev_hash)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *seq_text = g_strdup_printf ("%" G_GINT64_FORMAT, seq);
  const char *parts[] = { seq_text, op_id, incident_id, kind, actor, at, doc, changes, prev_hash };

  /* Each part is followed by a NUL so that shifting text between fields
   * changes the hash. */
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      const char *part = parts[i] ? parts[i] : "";

      g_checksum_update (checksum, (const guchar *) part, strlen (part));
      g_checksum_update (checksum, (const guchar *) "", 1);
    }

  return g_strdup (g_checksum_get_string (checksum));
}

static gboolean
get_chain_head (VigilStore  *self,
                gint64      *seq,
                char       **hash,
                GError     **error)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;
  int rc;

  *seq = 0;
  *hash = g_strdup ("");
  if (!(stmt = lease_statement (self, &lease,
                                "SELECT seq, hash FROM oplog ORDER BY seq DESC LIMIT 1", error)))
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *seq = sqlite3_column_int64 (stmt, 0);
      g_free (*hash);
      *hash = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  else if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, _("read the operation log"));

  return TRUE;
}

static gboolean
find_op (VigilStore  *self,
         const char  *op_id,
         gint64      *seq,
         GError     **error)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;
  int rc;

  *seq = 0;
  if (!(stmt = lease_statement (self, &lease, "SELECT seq FROM oplog WHERE op_id = ?", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, op_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *seq = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, _("read the operation log"));
  return TRUE;
}

static gboolean
next_reference (VigilStore  *self,
                gint         year,
                char       **reference,
                GError     **error)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;
  gint64 last = 0;

  if (!(stmt = lease_statement (self, &lease,
                                "SELECT last FROM reference_counters WHERE year = ?", error)))
    return FALSE;
  sqlite3_bind_int (stmt, 1, year);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    last = sqlite3_column_int64 (stmt, 0);
  lease_clear (&lease);

  if (!(stmt = lease_statement (self, &lease,
                                "INSERT OR REPLACE INTO reference_counters (year, last) "
                                "VALUES (?, ?)", error)))
    return FALSE;
  sqlite3_bind_int (stmt, 1, year);
  sqlite3_bind_int64 (stmt, 2, last + 1);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, _("assign a reference"));

  *reference = vigil_reference_format (year, (guint) (last + 1));
  return TRUE;
}

/* @doc_out: (optional): the incident's JSON text as saved */
static gboolean
save_incident (VigilStore     *self,
               VigilIncident  *incident,
               char          **doc_out,
               GError        **error)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;
  g_autofree char *doc = vigil_incident_to_string (incident);
  g_autofree char *updated = vigil_time_to_iso (vigil_incident_get_updated_at (incident));

  if (!(stmt = lease_statement (self, &lease,
                                "INSERT INTO incidents "
                                "(id, reference, step, revision, updated_at, doc) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                "ON CONFLICT (id) DO UPDATE SET reference = ?2, step = ?3, "
                                "revision = ?4, updated_at = ?5, doc = ?6", error)))
    return FALSE;

  sqlite3_bind_text (stmt, 1, vigil_incident_get_id (incident), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, vigil_incident_get_reference (incident), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, vigil_incident_get_step (incident));
  sqlite3_bind_int64 (stmt, 4, vigil_incident_get_revision (incident));
  sqlite3_bind_text (stmt, 5, updated, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, doc, -1, SQLITE_STATIC);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, _("save an incident"));
  if (doc_out != NULL)
    *doc_out = g_steal_pointer (&doc);
  return TRUE;
}

static gboolean
append_log (VigilStore  *self,
            VigilOp     *op,
            JsonArray   *changes,
            gint64      *seq_out,
            GError     **error)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;
  g_autoptr(JsonNode) changes_node = json_node_new (JSON_NODE_ARRAY);
  g_autofree char *doc = vigil_op_to_string (op);
  g_autofree char *changes_text = NULL;
  g_autofree char *at = vigil_time_to_iso (vigil_op_get_at (op));
  g_autofree char *prev_hash = NULL;
  g_autofree char *hash = NULL;
  const char *kind = vigil_op_kind_to_string (vigil_op_get_kind (op));
  gint64 seq;

  json_node_set_array (changes_node, changes);
  changes_text = json_to_string (changes_node, FALSE);

  if (!get_chain_head (self, &seq, &prev_hash, error))
    return FALSE;
  seq++;

  hash = entry_hash (seq, vigil_op_get_id (op), vigil_op_get_incident_id (op), kind,
                     vigil_op_get_actor (op), at, doc, changes_text, prev_hash);

  if (!(stmt = lease_statement (self, &lease,
                                "INSERT INTO oplog (seq, op_id, incident_id, kind, actor, at, doc, "
                                "changes, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_text (stmt, 2, vigil_op_get_id (op), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, vigil_op_get_incident_id (op), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, vigil_op_get_actor (op), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, doc, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, changes_text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, prev_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, hash, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, _("append to the operation log"));
  lease_clear (&lease);

  /* The head is kept apart so that cutting entries off the end shows. */
  if (!(stmt = lease_statement (self, &lease,
                                "INSERT OR REPLACE INTO meta (key, value) "
                                "VALUES ('chain_head', ?)", error)))
    return FALSE;
  {
    g_autofree char *head = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", seq, hash);

    sqlite3_bind_text (stmt, 1, head, -1, SQLITE_TRANSIENT);
    if (sqlite3_step (stmt) != SQLITE_DONE)
      return set_sqlite_error (self, error, _("append to the operation log"));
  }

  *seq_out = seq;
  return TRUE;
}

/* Per-field merging: an operation made on an older revision goes through
 * unless someone else changed, in between, a field that it changes too.
 * Only in the authoritative store: there each logged operation of an
 * incident made exactly one revision, so the entries after the first
 * @base_rev are the changes the author did not see. The author's own later
 * changes do not count (a form saved twice while offline). */
static gboolean
check_concurrent_changes (VigilStore  *self,
                          VigilOp     *op,
                          JsonArray   *changes,
                          GError     **error)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GHashTable) mine = g_hash_table_new (g_str_hash, g_str_equal);
  int rc;

  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      g_hash_table_add (mine, (gpointer) json_object_get_string_member (change, "field"));
    }
  if (g_hash_table_size (mine) == 0)
    return TRUE;

  if (!(stmt = lease_statement (self, &lease,
                                "SELECT actor, changes FROM oplog WHERE incident_id = ? "
                                "ORDER BY seq LIMIT -1 OFFSET ?", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, vigil_op_get_incident_id (op), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, vigil_op_get_base_rev (op));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *actor = (const char *) sqlite3_column_text (stmt, 0);
      g_autoptr(JsonArray) theirs = NULL;

      if (g_strcmp0 (actor, vigil_op_get_actor (op)) == 0)
        continue;
      theirs = parse_changes ((const char *) sqlite3_column_text (stmt, 1));
      for (guint i = 0; theirs != NULL && i < json_array_get_length (theirs); i++)
        {
          JsonObject *change = json_array_get_object_element (theirs, i);
          const char *field = json_object_get_string_member_with_default (change, "field", "");

          if (g_hash_table_contains (mine, field))
            {
              g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_CONFLICT,
                           _("%s changed “%s” after you last saw this incident; compare "
                             "both values and choose which one to keep"),
                           actor, field);
              return FALSE;
            }
        }
    }
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, _("read the operation log"));

  return TRUE;
}

static gboolean
queue_op (VigilStore  *self,
          VigilOp     *op,
          VigilRole    role,
          GError     **error)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;
  g_autofree char *doc = vigil_op_to_string (op);

  if (!(stmt = lease_statement (self, &lease,
                                "INSERT INTO outbox (op_id, incident_id, role, doc) "
                                "VALUES (?, ?, ?, ?)",
                                error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, vigil_op_get_id (op), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, vigil_op_get_incident_id (op), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, vigil_role_to_string (role), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, doc, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, _("queue an operation for the server"));
  return TRUE;
}

/* Runs inside an open transaction. @doc: (optional): set to the saved JSON
 * text of the incident when the operation is applied. */
static VigilIncident *
apply_in_transaction (VigilStore  *self,
                      VigilOp     *op,
                      VigilRole    role,
                      gboolean    *duplicate,
                      gint64      *seq,
                      char       **doc,
                      GError     **error)
{
  g_autoptr(VigilIncident) current = NULL;
  g_autoptr(VigilIncident) result = NULL;
  g_autoptr(JsonArray) changes = NULL;
  VigilPolicyFlags policy;
  gint64 existing;

  if (!find_op (self, vigil_op_get_id (op), &existing, error) ||
      !read_policy (self, &policy, error))
    return NULL;

  if (!load_incident (self, vigil_op_get_incident_id (op), &current, error))
    return NULL;

  if (existing != 0)
    {
      /* Applied before: a retry after a lost reply. No second effect. */
      *duplicate = TRUE;
      *seq = existing;
      if (current == NULL)
        {
          g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_CORRUPT,
                       _("The operation %s is logged but its incident is missing"),
                       vigil_op_get_id (op));
          return NULL;
        }
      return g_steal_pointer (&current);
    }

  result = vigil_op_apply_with_policy (op, current, role, policy, &changes, error);
  if (result == NULL)
    return NULL;

  if (self->sync_server != NULL)
    {
      /* A replica: the server numbers revisions and references. Keeping the
       * revision the server last gave means that every operation made here
       * says which server state it was made on, however many wait in the
       * outbox. */
      vigil_incident_set_revision (result, current ? vigil_incident_get_revision (current) : 0);
      if (!queue_op (self, op, role, error))
        return NULL;
    }
  else if (current != NULL &&
           vigil_op_get_base_rev (op) < vigil_incident_get_revision (current) &&
           !check_concurrent_changes (self, op, changes, error))
    return NULL;

  if (self->sync_server == NULL &&
      vigil_op_get_kind (op) == VIGIL_OP_INCIDENT_CREATE &&
      vigil_incident_get_reference (result) == NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (vigil_op_get_at (op));
      g_autofree char *reference = NULL;
      JsonObject *change;

      if (!next_reference (self, g_date_time_get_year (utc), &reference, error))
        return NULL;
      vigil_incident_set_reference (result, reference);

      change = json_object_new ();
      json_object_set_string_member (change, "field", "reference");
      json_object_set_null_member (change, "old");
      json_object_set_string_member (change, "new", reference);
      json_array_add_object_element (changes, change);
    }

  if (!save_incident (self, result, doc, error) || !append_log (self, op, changes, seq, error))
    return NULL;

  *duplicate = FALSE;
  return g_steal_pointer (&result);
}

VigilIncident *
vigil_store_apply (VigilStore  *self,
                   VigilOp     *op,
                   VigilRole    role,
                   gboolean    *duplicate,
                   gint64      *seq,
                   GError     **error)
{
  g_autoptr(VigilIncident) result = NULL;
  gboolean dup = FALSE;
  gint64 s = 0;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);
  g_return_val_if_fail (VIGIL_IS_OP (op), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_mutex_lock (&self->lock);

  if (check_open (self, error) && run_statement (self, "BEGIN IMMEDIATE", error))
    {
      result = apply_in_transaction (self, op, role, &dup, &s, NULL, error);
      if (result != NULL && !run_statement (self, "COMMIT", error))
        g_clear_object (&result);
      if (result == NULL)
        rollback (self);
    }

  g_mutex_unlock (&self->lock);

  if (result != NULL)
    {
      if (duplicate != NULL)
        *duplicate = dup;
      if (seq != NULL)
        *seq = s;
    }

  return g_steal_pointer (&result);
}

typedef struct {
  VigilOp   *op;
  VigilRole  role;
} ApplyData;

static void
apply_data_free (ApplyData *data)
{
  g_clear_object (&data->op);
  g_free (data);
}

static void
apply_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ApplyData *data = task_data;
  GError *error = NULL;
  VigilIncident *result;

  result = vigil_store_apply (source_object, data->op, data->role, NULL, NULL, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, g_object_unref);
}

void
vigil_store_apply_async (VigilStore          *self,
                         VigilOp             *op,
                         VigilRole            role,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ApplyData *data;

  g_return_if_fail (VIGIL_IS_STORE (self));
  g_return_if_fail (VIGIL_IS_OP (op));

  data = g_new0 (ApplyData, 1);
  data->op = g_object_ref (op);
  data->role = role;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_store_apply_async);
  g_task_set_task_data (task, data, (GDestroyNotify) apply_data_free);
  /* Once started, an operation runs to its end: cancelling must not leave
   * the caller unsure whether it was committed. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, apply_thread);
}

VigilIncident *
vigil_store_apply_finish (VigilStore    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
vigil_store_apply_batch (VigilStore  *self,
                         GPtrArray   *ops,
                         VigilRole    role,
                         GError     **error)
{
  gboolean ok = FALSE;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (ops != NULL, FALSE);

  g_mutex_lock (&self->lock);

  if (check_open (self, error) && run_statement (self, "BEGIN IMMEDIATE", error))
    {
      ok = TRUE;
      for (guint i = 0; ok && i < ops->len; i++)
        {
          g_autoptr(VigilIncident) result = NULL;
          gboolean dup;
          gint64 seq;

          result = apply_in_transaction (self, g_ptr_array_index (ops, i), role, &dup, &seq,
                                         NULL, error);
          if (result == NULL)
            {
              g_prefix_error (error, _("Operation %u of %u: "), i + 1, ops->len);
              ok = FALSE;
            }
        }
      if (ok)
        ok = run_statement (self, "COMMIT", error);
      if (!ok)
        rollback (self);
    }

  g_mutex_unlock (&self->lock);

  return ok;
}

void
vigil_apply_result_free (VigilApplyResult *result)
{
  if (result == NULL)
    return;

  g_clear_object (&result->incident);
  g_clear_error (&result->error);
  g_free (result->doc);
  g_free (result);
}

GPtrArray *
vigil_store_apply_each (VigilStore       *self,
                        GPtrArray        *ops,
                        const VigilRole  *roles,
                        GError          **error)
{
  g_autoptr(GPtrArray) results = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);
  g_return_val_if_fail (ops != NULL, NULL);
  g_return_val_if_fail (roles != NULL || ops->len == 0, NULL);

  results = g_ptr_array_new_full (ops->len, (GDestroyNotify) vigil_apply_result_free);

  g_mutex_lock (&self->lock);

  if (check_open (self, error) && run_statement (self, "BEGIN IMMEDIATE", error))
    {
      ok = TRUE;
      for (guint i = 0; ok && i < ops->len; i++)
        {
          VigilOp *op = g_ptr_array_index (ops, i);
          VigilApplyResult *result = g_new0 (VigilApplyResult, 1);

          g_ptr_array_add (results, result);

          /* A savepoint per operation: a refusal unwinds only its own
           * writes (a reference counter, say). */
          if (!(ok = run_statement (self, "SAVEPOINT op", error)))
            break;

          result->incident = apply_in_transaction (self, op, roles[i], &result->duplicate,
                                                   &result->seq, &result->doc,
                                                   &result->error);
          if (result->incident != NULL)
            {
              ok = run_statement (self, "RELEASE op", error);
              continue;
            }

          ok = run_statement (self, "ROLLBACK TO op", error) &&
               run_statement (self, "RELEASE op", error);
          result->seq = 0;
          g_clear_pointer (&result->doc, g_free);
          if (result->error != NULL && result->error->domain == VIGIL_STORE_ERROR)
            {
              /* A disk or database failure is not a refusal: give up. */
              g_propagate_error (error, g_steal_pointer (&result->error));
              ok = FALSE;
            }
          else if (ok)
            load_incident (self, vigil_op_get_incident_id (op), &result->incident, NULL);
        }
      if (ok)
        ok = run_statement (self, "COMMIT", error);
      if (!ok)
        rollback (self);
    }

  g_mutex_unlock (&self->lock);

  return ok ? g_steal_pointer (&results) : NULL;
}

gint64
vigil_store_get_last_seq (VigilStore *self)
{
  g_autofree char *hash = NULL;
  gint64 seq = 0;

  g_return_val_if_fail (VIGIL_IS_STORE (self), 0);

  g_mutex_lock (&self->lock);
  if (self->db != NULL)
    get_chain_head (self, &seq, &hash, NULL);
  g_mutex_unlock (&self->lock);

  return seq;
}

gboolean
vigil_store_has_op (VigilStore *self,
                    const char *op_id)
{
  gint64 seq = 0;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (op_id != NULL, FALSE);

  g_mutex_lock (&self->lock);
  if (self->db != NULL)
    find_op (self, op_id, &seq, NULL);
  g_mutex_unlock (&self->lock);

  return seq != 0;
}

static JsonArray *
parse_changes (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return NULL;
  return json_array_ref (json_node_get_array (root));
}

/* Steps @stmt (already bound) and decodes each row into a VigilLogEntry.
 * Called with the lock held. */
static GPtrArray *
collect_log (VigilStore    *self,
             sqlite3_stmt  *stmt,
             GError       **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (
    (GDestroyNotify) vigil_log_entry_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(VigilLogEntry) entry = g_new0 (VigilLogEntry, 1);
      g_autoptr(GError) local_error = NULL;

      entry->seq = sqlite3_column_int64 (stmt, 0);
      entry->op = vigil_op_new_from_string ((const char *) sqlite3_column_text (stmt, 1),
                                            &local_error);
      entry->changes = parse_changes ((const char *) sqlite3_column_text (stmt, 2));
      entry->prev_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      entry->hash = g_strdup ((const char *) sqlite3_column_text (stmt, 4));

      if (entry->op == NULL || entry->changes == NULL)
        {
          g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_CORRUPT,
                       _("Log entry %" PRId64 " in %s does not decode: %s"),
                       (int64_t) entry->seq, self->path,
                       local_error ? local_error->message : _("bad list of changes"));
          return NULL;
        }
      g_ptr_array_add (entries, g_steal_pointer (&entry));
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("read the operation log"));
      return NULL;
    }

  return g_steal_pointer (&entries);
}

#define LOG_COLUMNS "SELECT seq, doc, changes, prev_hash, hash FROM oplog "

GPtrArray *
vigil_store_list_log (VigilStore  *self,
                      const char  *incident_id,
                      GError     **error)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;
  GPtrArray *entries = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  if (check_open (self, error) &&
      (stmt = lease_statement (self, &lease,
                               incident_id
                               ? LOG_COLUMNS "WHERE incident_id = ? ORDER BY seq"
                               : LOG_COLUMNS "ORDER BY seq",
                               error)) != NULL)
    {
      if (incident_id != NULL)
        sqlite3_bind_text (stmt, 1, incident_id, -1, SQLITE_STATIC);
      entries = collect_log (self, stmt, error);
    }
  lease_clear (&lease);
  g_mutex_unlock (&self->lock);

  return entries;
}

GPtrArray *
vigil_store_list_log_since (VigilStore  *self,
                            gint64       since,
                            guint        limit,
                            GError     **error)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;
  GPtrArray *entries = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  if (check_open (self, error) &&
      (stmt = lease_statement (self, &lease, LOG_COLUMNS "WHERE seq > ? ORDER BY seq LIMIT ?",
                               error)) != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, since);
      sqlite3_bind_int64 (stmt, 2, limit);
      entries = collect_log (self, stmt, error);
    }
  lease_clear (&lease);
  g_mutex_unlock (&self->lock);

  return entries;
}

static gboolean
chain_broken (GError     **error,
              gint64      *broken_seq,
              gint64       seq,
              const char  *why)
{
  if (broken_seq != NULL)
    *broken_seq = seq;
  g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_CHAIN_BROKEN,
               _("The audit chain breaks at entry %" PRId64 ": %s"), (int64_t) seq, why);
  return FALSE;
}

gboolean
vigil_store_verify (VigilStore  *self,
                    gint64      *checked,
                    gint64      *broken_seq,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *prev = g_strdup ("");
  g_autofree char *head = NULL;
  gint64 expected = 1, count = 0;
  gboolean ok = TRUE;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);

  if (broken_seq != NULL)
    *broken_seq = 0;

  g_mutex_lock (&self->lock);

  /* One read transaction: a consistent view while writers go on. */
  if (!check_open (self, error) || !exec (self, "BEGIN", error))
    {
      g_mutex_unlock (&self->lock);
      return FALSE;
    }

  if (!(stmt = prepare (self,
                        "SELECT seq, op_id, incident_id, kind, actor, at, doc, changes, "
                        "prev_hash, hash FROM oplog ORDER BY seq", error)))
    ok = FALSE;

  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (stmt, 0);
      const char *text[10];
      g_autofree char *hash = NULL;

      for (int i = 1; i < 10; i++)
        text[i] = (const char *) sqlite3_column_text (stmt, i);

      if (seq != expected)
        {
          ok = chain_broken (error, broken_seq, expected, _("the entry is missing"));
          break;
        }
      if (g_strcmp0 (text[8], prev) != 0)
        {
          ok = chain_broken (error, broken_seq, seq,
                             _("it does not point to the previous entry"));
          break;
        }
      hash = entry_hash (seq, text[1], text[2], text[3], text[4], text[5], text[6], text[7],
                         text[8]);
      if (g_strcmp0 (hash, text[9]) != 0)
        {
          ok = chain_broken (error, broken_seq, seq, _("its content was changed"));
          break;
        }

      g_free (prev);
      prev = g_steal_pointer (&hash);
      expected++;
      count++;
    }
  if (ok && rc != SQLITE_DONE)
    ok = set_sqlite_error (self, error, _("read the operation log"));
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (ok)
    {
      g_autofree char *expected_head = NULL;

      if ((stmt = prepare (self, "SELECT value FROM meta WHERE key = 'chain_head'", error)) &&
          sqlite3_step (stmt) == SQLITE_ROW)
        head = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      g_clear_pointer (&stmt, sqlite3_finalize);

      if (count > 0)
        expected_head = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", count, prev);
      if (g_strcmp0 (head, expected_head) != 0)
        ok = chain_broken (error, broken_seq, count + 1,
                           _("the last entries were removed"));
    }

  rollback (self);
  g_mutex_unlock (&self->lock);

  if (checked != NULL)
    *checked = count;

  return ok;
}

/* Queries for the shared server */

static GPtrArray *
collect_incidents (VigilStore    *self,
                   sqlite3_stmt  *stmt,
                   GError       **error)
{
  g_autoptr(GPtrArray) incidents = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VigilIncident *incident = incident_from_column (self, stmt, 0, error);

      if (incident == NULL)
        return NULL;
      g_ptr_array_add (incidents, incident);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("list the incidents"));
      return NULL;
    }
  return g_steal_pointer (&incidents);
}

GPtrArray *
vigil_store_query_incidents (VigilStore        *self,
                             const VigilQuery  *query,
                             guint             *total,
                             GError           **error)
{
  /* Every condition is present and switched off by a NULL parameter, so the
   * statement text stays fixed. */
  static const char *where =
    "WHERE (?1 = 0 OR step = ?1) "
    "AND (?2 IS NULL OR json_extract (doc, '$.type') = ?2) "
    "AND (?3 IS NULL OR json_extract (doc, '$.severity') = ?3) "
    "AND (?4 IS NULL OR json_extract (doc, '$.owner') = ?4) "
    "AND (?5 IS NULL OR instr (lower (coalesce (reference, '') || ' ' || "
    "     coalesce (json_extract (doc, '$.title'), '') || ' ' || "
    "     coalesce (json_extract (doc, '$.description'), '') || ' ' || "
    "     coalesce (json_extract (doc, '$.owner'), '')), lower (?5)) > 0) ";
  g_auto(Lease) count_lease = { NULL, };
  g_auto(Lease) page_lease = { NULL, };
  sqlite3_stmt *count_stmt, *stmt;
  g_autofree char *count_sql = g_strconcat ("SELECT count(*) FROM incidents ", where, NULL);
  g_autofree char *page_sql = g_strconcat ("SELECT doc FROM incidents ", where,
                                           "ORDER BY reference, id LIMIT ?6 OFFSET ?7", NULL);
  g_autofree char *text = NULL;
  sqlite3_stmt *stmts[2];
  GPtrArray *incidents = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (query->text != NULL)
    text = g_strstrip (g_strdup (query->text));
  if (text != NULL && *text == '\0')
    g_clear_pointer (&text, g_free);

  g_mutex_lock (&self->lock);

  if (!check_open (self, error) ||
      !(count_stmt = lease_statement (self, &count_lease, count_sql, error)) ||
      !(stmt = lease_statement (self, &page_lease, page_sql, error)))
    goto out;

  stmts[0] = count_stmt;
  stmts[1] = stmt;
  for (guint i = 0; i < 2; i++)
    {
      sqlite3_bind_int (stmts[i], 1, query->step);
      sqlite3_bind_text (stmts[i], 2, query->type, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmts[i], 3, query->severity, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmts[i], 4, query->owner, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmts[i], 5, text, -1, SQLITE_STATIC);
    }
  sqlite3_bind_int64 (stmt, 6, query->limit ? query->limit : 100);
  sqlite3_bind_int64 (stmt, 7, query->offset);

  if (sqlite3_step (count_stmt) != SQLITE_ROW)
    {
      set_sqlite_error (self, error, _("count the incidents"));
      goto out;
    }
  if (total != NULL)
    *total = sqlite3_column_int (count_stmt, 0);

  incidents = collect_incidents (self, stmt, error);

out:
  lease_clear (&count_lease);
  lease_clear (&page_lease);
  g_mutex_unlock (&self->lock);
  return incidents;
}

GPtrArray *
vigil_store_list_pending_approvals (VigilStore  *self,
                                    GError     **error)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;
  GPtrArray *incidents = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  if (check_open (self, error) &&
      (stmt = lease_statement (self, &lease,
                               "SELECT doc FROM incidents "
                               "WHERE json_extract (doc, '$.approval.state') = 'pending' "
                               "ORDER BY json_extract (doc, '$.approval.submitted_at'), reference",
                               error)) != NULL)
    incidents = collect_incidents (self, stmt, error);
  lease_clear (&lease);
  g_mutex_unlock (&self->lock);

  return incidents;
}

GPtrArray *
vigil_store_find_indicator (VigilStore  *self,
                            const char  *type,
                            const char  *value,
                            const char  *exclude_id,
                            GError     **error)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;
  g_autofree char *normalized = NULL;
  GPtrArray *incidents = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);
  g_return_val_if_fail (type != NULL, NULL);
  g_return_val_if_fail (value != NULL, NULL);

  /* Step 4 keeps indicators normalised, so equal text means the same one. */
  if (!vigil_process_is_valid_choice (VIGIL_CHOICES_INDICATOR_TYPE, type))
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID, "type: %s",
                   _("the value is not one of the allowed choices"));
      return NULL;
    }
  if (!vigil_indicator_normalize (type, value, &normalized, error))
    return NULL;

  g_mutex_lock (&self->lock);
  if (check_open (self, error) &&
      (stmt = lease_statement (self, &lease,
                               "SELECT doc FROM incidents AS i "
                               "WHERE (?3 IS NULL OR i.id <> ?3) AND EXISTS ("
                               "  SELECT 1 FROM json_each (i.doc, "
                               "    '$.forms.correlate.indicators') AS ind "
                               "  WHERE json_extract (ind.value, '$.type') = ?1 "
                               "    AND json_extract (ind.value, '$.value') = ?2) "
                               "ORDER BY reference, id",
                               error)) != NULL)
    {
      sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, normalized, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, exclude_id, -1, SQLITE_STATIC);
      incidents = collect_incidents (self, stmt, error);
    }
  lease_clear (&lease);
  g_mutex_unlock (&self->lock);

  return incidents;
}

typedef struct {
  char *type;
  char *value;
  char *exclude_id;
} FindIndicatorData;

static void
find_indicator_data_free (FindIndicatorData *data)
{
  g_free (data->type);
  g_free (data->value);
  g_free (data->exclude_id);
  g_free (data);
}

static void
find_indicator_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  FindIndicatorData *data = task_data;
  GError *error = NULL;
  GPtrArray *incidents = vigil_store_find_indicator (source_object, data->type, data->value,
                                                     data->exclude_id, &error);

  if (incidents == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, incidents, (GDestroyNotify) g_ptr_array_unref);
}

void
vigil_store_find_indicator_async (VigilStore          *self,
                                  const char          *type,
                                  const char          *value,
                                  const char          *exclude_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FindIndicatorData *data;

  g_return_if_fail (VIGIL_IS_STORE (self));
  g_return_if_fail (type != NULL);
  g_return_if_fail (value != NULL);

  data = g_new0 (FindIndicatorData, 1);
  data->type = g_strdup (type);
  data->value = g_strdup (value);
  data->exclude_id = g_strdup (exclude_id);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_store_find_indicator_async);
  g_task_set_task_data (task, data, (GDestroyNotify) find_indicator_data_free);
  g_task_run_in_thread (task, find_indicator_thread);
}

GPtrArray *
vigil_store_find_indicator_finish (VigilStore    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
vigil_store_backup (VigilStore  *self,
                    const char  *dest,
                    GError     **error)
{
  sqlite3 *target = NULL;
  sqlite3_backup *backup;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (dest != NULL, FALSE);

  if (g_file_test (dest, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_FAILED,
                   _("%s exists already; choose a new file for the backup"), dest);
      return FALSE;
    }

  rc = sqlite3_open_v2 (dest, &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_FAILED,
                   _("Could not create the backup %s: %s"), dest,
                   target ? sqlite3_errmsg (target) : sqlite3_errstr (rc));
      sqlite3_close (target);
      return FALSE;
    }

  g_mutex_lock (&self->lock);
  if (check_open (self, error))
    {
      /* All pages in one step: the copy is one consistent snapshot. Other
       * processes may still write to the WAL meanwhile. */
      backup = sqlite3_backup_init (target, "main", self->db, "main");
      if (backup == NULL)
        g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_FAILED,
                     _("Could not start the backup to %s: %s"), dest, sqlite3_errmsg (target));
      else
        {
          rc = sqlite3_backup_step (backup, -1);
          sqlite3_backup_finish (backup);
          if (rc == SQLITE_DONE)
            ok = TRUE;
          else
            g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_FAILED,
                         _("The backup to %s failed: %s"), dest, sqlite3_errstr (rc));
        }
    }
  g_mutex_unlock (&self->lock);

  sqlite3_close (target);
  if (!ok)
    g_unlink (dest);
  return ok;
}

/* Users and tokens */

void
vigil_user_free (VigilUser *user)
{
  if (user == NULL)
    return;

  g_free (user->name);
  g_clear_pointer (&user->created_at, g_date_time_unref);
  g_free (user);
}

static VigilUser *
user_from_row (sqlite3_stmt *stmt)
{
  VigilUser *user = g_new0 (VigilUser, 1);

  user->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (!vigil_role_from_string ((const char *) sqlite3_column_text (stmt, 1), &user->role))
    user->role = VIGIL_ROLE_MANAGER;
  user->disabled = sqlite3_column_int (stmt, 2) != 0;
  user->created_at = vigil_time_from_iso ((const char *) sqlite3_column_text (stmt, 3));
  return user;
}

/* Runs one write statement with the user name as ?1 and, when given, @value
 * as ?2; fails with NO_SUCH_USER when it touched no row. */
static gboolean
write_user (VigilStore  *self,
            const char  *sql,
            const char  *name,
            const char  *value,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok = FALSE;

  g_mutex_lock (&self->lock);
  if (check_open (self, error) && (stmt = prepare (self, sql, error)) != NULL)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      if (value != NULL)
        sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        set_sqlite_error (self, error, _("change a user"));
      else if (sqlite3_changes (self->db) == 0)
        g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_NO_SUCH_USER,
                     _("There is no user “%s”"), name);
      else
        ok = TRUE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  g_mutex_unlock (&self->lock);

  return ok;
}

gboolean
vigil_store_add_user (VigilStore  *self,
                      const char  *name,
                      VigilRole    role,
                      const char  *password_hash,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = vigil_time_to_iso (now);
  gboolean ok = FALSE;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL && *name != '\0', FALSE);
  g_return_val_if_fail (password_hash != NULL, FALSE);

  g_mutex_lock (&self->lock);
  if (check_open (self, error) &&
      (stmt = prepare (self, "INSERT INTO users (name, role, password_hash, created_at) "
                             "VALUES (?, ?, ?, ?)", error)) != NULL)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, vigil_role_to_string (role), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, password_hash, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, created, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_DONE)
        ok = TRUE;
      else if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_PRIMARYKEY)
        g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_USER_EXISTS,
                     _("A user “%s” exists already"), name);
      else
        set_sqlite_error (self, error, _("add a user"));
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  g_mutex_unlock (&self->lock);

  return ok;
}

gboolean
vigil_store_set_user_password (VigilStore  *self,
                               const char  *name,
                               const char  *password_hash,
                               GError     **error)
{
  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL && password_hash != NULL, FALSE);

  return write_user (self, "UPDATE users SET password_hash = ?2 WHERE name = ?1",
                     name, password_hash, error);
}

gboolean
vigil_store_set_user_disabled (VigilStore  *self,
                               const char  *name,
                               gboolean     disabled,
                               GError     **error)
{
  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  /* The column has integer affinity: "1" is stored as 1. */
  if (!write_user (self, "UPDATE users SET disabled = ?2 WHERE name = ?1",
                   name, disabled ? "1" : "0", error))
    return FALSE;

  if (disabled)
    {
      g_autoptr(GError) local_error = NULL;

      /* No row deleted is fine: the user had no session. */
      if (!write_user (self, "DELETE FROM tokens WHERE user_name = ?1",
                       name, NULL, &local_error) &&
          !g_error_matches (local_error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_NO_SUCH_USER))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  return TRUE;
}

VigilUser *
vigil_store_get_user (VigilStore  *self,
                      const char  *name,
                      char       **password_hash,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  VigilUser *user = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  g_mutex_lock (&self->lock);
  if (check_open (self, error) &&
      (stmt = prepare (self, "SELECT name, role, disabled, created_at, password_hash "
                             "FROM users WHERE name = ?", error)) != NULL)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          user = user_from_row (stmt);
          if (password_hash != NULL)
            *password_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
        }
      else if (rc == SQLITE_DONE)
        g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_NO_SUCH_USER,
                     _("There is no user “%s”"), name);
      else
        set_sqlite_error (self, error, _("read a user"));
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  g_mutex_unlock (&self->lock);

  return user;
}

GPtrArray *
vigil_store_list_users (VigilStore  *self,
                        GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_user_free);
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  if (check_open (self, error) &&
      (stmt = prepare (self, "SELECT name, role, disabled, created_at FROM users ORDER BY name",
                       error)) != NULL)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (users, user_from_row (stmt));
      if (rc == SQLITE_DONE)
        ok = TRUE;
      else
        set_sqlite_error (self, error, _("list the users"));
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  g_mutex_unlock (&self->lock);

  return ok ? g_steal_pointer (&users) : NULL;
}

guint
vigil_store_count_users (VigilStore *self)
{
  g_autoptr(GPtrArray) users = vigil_store_list_users (self, NULL);

  return users ? users->len : 0;
}

gboolean
vigil_store_add_token (VigilStore  *self,
                       const char  *token_hash,
                       const char  *user_name,
                       gint64       expires_unix,
                       GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (token_hash != NULL && user_name != NULL, FALSE);

  g_mutex_lock (&self->lock);
  if (check_open (self, error) &&
      (stmt = prepare (self, "INSERT INTO tokens (token_hash, user_name, expires) "
                             "VALUES (?, ?, ?)", error)) != NULL)
    {
      sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, user_name, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, expires_unix);
      if (sqlite3_step (stmt) == SQLITE_DONE)
        ok = TRUE;
      else
        set_sqlite_error (self, error, _("start a session"));
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* Expired sessions are of no use to anyone: drop them now and then. */
  if (ok)
    exec (self, "DELETE FROM tokens WHERE expires < strftime ('%s', 'now')", NULL);
  g_mutex_unlock (&self->lock);

  return ok;
}

VigilUser *
vigil_store_lookup_token (VigilStore *self,
                          const char *token_hash,
                          gint64      now_unix)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;
  VigilUser *user = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);
  g_return_val_if_fail (token_hash != NULL, NULL);

  g_mutex_lock (&self->lock);
  if (self->db != NULL &&
      (stmt = lease_statement (self, &lease,
                               "SELECT u.name, u.role, u.disabled, u.created_at FROM tokens t "
                               "JOIN users u ON u.name = t.user_name "
                               "WHERE t.token_hash = ? AND t.expires > ? AND u.disabled = 0",
                               NULL)) != NULL)
    {
      sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, now_unix);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        user = user_from_row (stmt);
    }
  lease_clear (&lease);
  g_mutex_unlock (&self->lock);

  return user;
}

gboolean
vigil_store_remove_token (VigilStore  *self,
                          const char  *token_hash,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (token_hash != NULL, FALSE);

  g_mutex_lock (&self->lock);
  if (check_open (self, error) &&
      (stmt = prepare (self, "DELETE FROM tokens WHERE token_hash = ?", error)) != NULL)
    {
      sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_DONE)
        ok = TRUE;
      else
        set_sqlite_error (self, error, _("end a session"));
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  g_mutex_unlock (&self->lock);

  return ok;
}

/* Replica of a server: the outbox and merging the server's state */

void
vigil_outbox_entry_free (VigilOutboxEntry *entry)
{
  if (entry == NULL)
    return;

  g_clear_object (&entry->op);
  g_free (entry);
}

void
vigil_sync_problem_free (VigilSyncProblem *problem)
{
  if (problem == NULL)
    return;

  g_free (problem->incident_id);
  g_free (problem->message);
  g_clear_object (&problem->op);
  g_clear_pointer (&problem->at, g_date_time_unref);
  g_free (problem);
}

VigilSyncProblem *
vigil_sync_problem_new (VigilOp    *op,
                        gboolean    conflict,
                        const char *message)
{
  VigilSyncProblem *problem;

  g_return_val_if_fail (VIGIL_IS_OP (op), NULL);
  g_return_val_if_fail (message != NULL, NULL);

  problem = g_new0 (VigilSyncProblem, 1);
  problem->op = g_object_ref (op);
  problem->incident_id = g_strdup (vigil_op_get_incident_id (op));
  problem->conflict = conflict;
  problem->message = g_strdup (message);
  problem->at = g_date_time_new_now_utc ();
  return problem;
}

void
vigil_remote_changes_clear (VigilRemoteChanges *changes)
{
  g_clear_pointer (&changes->settled, g_ptr_array_unref);
  g_clear_pointer (&changes->refused, g_ptr_array_unref);
  g_clear_pointer (&changes->entries, g_ptr_array_unref);
  g_clear_pointer (&changes->incidents, g_ptr_array_unref);
  g_clear_pointer (&changes->gone, g_ptr_array_unref);
  changes->seq = 0;
}

/* Queues every logged operation that is neither in the outbox nor refused:
 * the local history goes to the server in the order it was made. */
static gboolean
queue_local_history (VigilStore  *self,
                     GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!(stmt = prepare (self,
                        "INSERT INTO outbox (op_id, incident_id, role, doc) "
                        "SELECT op_id, incident_id, 'analyst', doc FROM oplog "
                        "WHERE op_id NOT IN (SELECT op_id FROM outbox) "
                        "AND op_id NOT IN (SELECT op_id FROM sync_problems) ORDER BY seq",
                        error)))
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, _("queue the local incidents for the server"));
  return TRUE;
}

gboolean
vigil_store_set_sync_server (VigilStore  *self,
                             const char  *url,
                             gboolean     upload_local,
                             GError     **error)
{
  gboolean ok = FALSE;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->lock);

  if (!check_open (self, error))
    goto out;

  if (url != NULL && self->sync_server != NULL && g_strcmp0 (url, self->sync_server) != 0)
    {
      g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_FAILED,
                   _("%s is a copy of the incidents of %s; use another data folder for %s"),
                   self->path, self->sync_server, url);
      goto out;
    }

  if (g_strcmp0 (url, self->sync_server) == 0)
    {
      ok = TRUE;
      goto out;
    }

  if (run_statement (self, "BEGIN IMMEDIATE", error))
    {
      ok = meta_set (self, "sync.server", url, error) &&
           meta_set (self, "sync.seq", NULL, error) &&
           (url == NULL || !upload_local || queue_local_history (self, error)) &&
           run_statement (self, "COMMIT", error);
      if (!ok)
        rollback (self);
    }

  if (ok)
    {
      g_free (self->sync_server);
      self->sync_server = g_strdup (url);
    }

out:
  g_mutex_unlock (&self->lock);
  return ok;
}

char *
vigil_store_dup_sync_server (VigilStore *self)
{
  char *url;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  url = g_strdup (self->sync_server);
  g_mutex_unlock (&self->lock);

  return url;
}

VigilPolicyFlags
vigil_store_get_policy (VigilStore *self)
{
  VigilPolicyFlags policy = VIGIL_POLICY_DEFAULT;

  g_return_val_if_fail (VIGIL_IS_STORE (self), VIGIL_POLICY_DEFAULT);

  g_mutex_lock (&self->lock);
  if (self->db != NULL && !read_policy (self, &policy, NULL))
    policy = VIGIL_POLICY_DEFAULT;
  g_mutex_unlock (&self->lock);

  return policy;
}

gboolean
vigil_store_set_policy (VigilStore        *self,
                        VigilPolicyFlags   policy,
                        GError           **error)
{
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->lock);
  ok = check_open (self, error) &&
       meta_set (self, POLICY_KEY_EXTERNAL_APPROVAL,
                 (policy & VIGIL_POLICY_EXTERNAL_NOTIFICATIONS_NEED_APPROVAL) ? "on" : "off",
                 error);
  g_mutex_unlock (&self->lock);

  return ok;
}

gint64
vigil_store_get_sync_seq (VigilStore *self)
{
  g_autofree char *text = NULL;
  gint64 seq = 0;

  g_return_val_if_fail (VIGIL_IS_STORE (self), 0);

  g_mutex_lock (&self->lock);
  if (self->db != NULL && meta_get (self, "sync.seq", &text, NULL) && text != NULL)
    seq = g_ascii_strtoll (text, NULL, 10);
  g_mutex_unlock (&self->lock);

  return seq;
}

static guint
count_rows (VigilStore *self,
            const char *sql)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;
  guint count = 0;

  g_mutex_lock (&self->lock);
  if (self->db != NULL && (stmt = lease_statement (self, &lease, sql, NULL)) != NULL &&
      sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int (stmt, 0);
  lease_clear (&lease);
  g_mutex_unlock (&self->lock);

  return count;
}

guint
vigil_store_count_outbox (VigilStore *self)
{
  g_return_val_if_fail (VIGIL_IS_STORE (self), 0);

  return count_rows (self, "SELECT count(*) FROM outbox");
}

guint
vigil_store_count_sync_problems (VigilStore *self)
{
  g_return_val_if_fail (VIGIL_IS_STORE (self), 0);

  return count_rows (self, "SELECT count(*) FROM sync_problems");
}

static VigilOp *
op_from_column (VigilStore    *self,
                sqlite3_stmt  *stmt,
                int            column,
                GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  VigilOp *op;

  op = vigil_op_new_from_string ((const char *) sqlite3_column_text (stmt, column),
                                 &local_error);
  if (op == NULL)
    g_set_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_CORRUPT,
                 _("A queued operation in %s does not decode: %s"), self->path,
                 local_error->message);
  return op;
}

/* Called with the lock held. @incident_id: only this incident's, or all. */
static GPtrArray *
collect_outbox (VigilStore  *self,
                const char  *incident_id,
                guint        limit,
                GError     **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (
    (GDestroyNotify) vigil_outbox_entry_free);
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!(stmt = lease_statement (self, &lease,
                                incident_id
                                ? "SELECT pos, role, doc FROM outbox WHERE incident_id = ?2 "
                          "ORDER BY pos LIMIT ?1"
                        : "SELECT pos, role, doc FROM outbox ORDER BY pos LIMIT ?1",
                        error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit > 0 ? (gint64) limit : -1);
  if (incident_id != NULL)
    sqlite3_bind_text (stmt, 2, incident_id, -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(VigilOutboxEntry) entry = g_new0 (VigilOutboxEntry, 1);

      entry->pos = sqlite3_column_int64 (stmt, 0);
      if (!vigil_role_from_string ((const char *) sqlite3_column_text (stmt, 1), &entry->role))
        entry->role = VIGIL_ROLE_ANALYST;
      if (!(entry->op = op_from_column (self, stmt, 2, error)))
        return NULL;
      g_ptr_array_add (entries, g_steal_pointer (&entry));
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("read the queued operations"));
      return NULL;
    }

  return g_steal_pointer (&entries);
}

GPtrArray *
vigil_store_list_outbox (VigilStore  *self,
                         guint        limit,
                         GError     **error)
{
  GPtrArray *entries = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  if (check_open (self, error))
    entries = collect_outbox (self, NULL, limit, error);
  g_mutex_unlock (&self->lock);

  return entries;
}

GPtrArray *
vigil_store_list_sync_problems (VigilStore  *self,
                                GError     **error)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (
    (GDestroyNotify) vigil_sync_problem_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  if (!check_open (self, error) ||
      !(stmt = prepare (self,
                        "SELECT conflict, message, doc, at FROM sync_problems ORDER BY at, op_id",
                        error)))
    goto out;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(VigilOp) op = op_from_column (self, stmt, 2, error);
      VigilSyncProblem *problem;

      if (op == NULL)
        goto out;
      problem = vigil_sync_problem_new (op, sqlite3_column_int (stmt, 0),
                                        (const char *) sqlite3_column_text (stmt, 1));
      g_clear_pointer (&problem->at, g_date_time_unref);
      problem->at = vigil_time_from_iso ((const char *) sqlite3_column_text (stmt, 3));
      if (problem->at == NULL)
        problem->at = g_date_time_new_now_utc ();
      g_ptr_array_add (problems, problem);
    }
  if (rc != SQLITE_DONE)
    set_sqlite_error (self, error, _("read the refused operations"));
  else
    ok = TRUE;

out:
  g_clear_pointer (&stmt, sqlite3_finalize);
  g_mutex_unlock (&self->lock);
  return ok ? g_steal_pointer (&problems) : NULL;
}

gboolean
vigil_store_remove_sync_problem (VigilStore  *self,
                                 const char  *op_id,
                                 GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (op_id != NULL, FALSE);

  g_mutex_lock (&self->lock);
  if (check_open (self, error) &&
      (stmt = prepare (self, "DELETE FROM sync_problems WHERE op_id = ?", error)) != NULL)
    {
      sqlite3_bind_text (stmt, 1, op_id, -1, SQLITE_STATIC);
      ok = sqlite3_step (stmt) == SQLITE_DONE || set_sqlite_error (self, error,
                                                                   _("forget a refused operation"));
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  g_mutex_unlock (&self->lock);

  return ok;
}

static gboolean
run_text (VigilStore  *self,
          const char  *sql,
          const char  *text,
          const char  *what,
          GError     **error)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;

  if (!(stmt = lease_statement (self, &lease, sql, error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, what);
  return TRUE;
}

static gboolean
record_problem (VigilStore        *self,
                VigilSyncProblem  *problem,
                GError           **error)
{
  g_auto(Lease) lease = { NULL, };
  sqlite3_stmt *stmt = NULL;
  g_autofree char *doc = vigil_op_to_string (problem->op);
  g_autofree char *at = vigil_time_to_iso (problem->at);

  if (!run_text (self, "DELETE FROM outbox WHERE op_id = ?", vigil_op_get_id (problem->op),
                 _("take a refused operation out of the queue"), error))
    return FALSE;

  if (!(stmt = lease_statement (self, &lease,
                                "INSERT OR REPLACE INTO sync_problems "
                                "(op_id, incident_id, conflict, message, doc, at) "
                                "VALUES (?, ?, ?, ?, ?, ?)", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, vigil_op_get_id (problem->op), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, problem->incident_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, problem->conflict);
  sqlite3_bind_text (stmt, 4, problem->message, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, doc, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, at, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, _("record a refused operation"));
  return TRUE;
}

/* The server's state of an incident, with what still waits in the outbox
 * applied on top, becomes the local one. An operation that no longer
 * applies stays queued: the server has the last word on it. */
static gboolean
rebase_incident (VigilStore      *self,
                 VigilIncident   *server_state,
                 VigilIncident  **local,
                 GError         **error)
{
  g_autoptr(VigilIncident) current = NULL;
  g_autoptr(VigilIncident) state = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  const char *id = vigil_incident_get_id (server_state);
  VigilPolicyFlags policy;

  if (!load_incident (self, id, &current, error) || !read_policy (self, &policy, error))
    return FALSE;

  /* An older state than one already merged (replies can cross). */
  if (current != NULL &&
      vigil_incident_get_revision (server_state) < vigil_incident_get_revision (current))
    {
      *local = g_steal_pointer (&current);
      return TRUE;
    }

  if (!(pending = collect_outbox (self, id, 0, error)))
    return FALSE;

  state = vigil_incident_copy (server_state);
  for (guint i = 0; i < pending->len; i++)
    {
      VigilOutboxEntry *entry = g_ptr_array_index (pending, i);
      g_autoptr(VigilIncident) next = NULL;
      g_autoptr(GError) local_error = NULL;

      next = vigil_op_apply_with_policy (entry->op, state, entry->role, policy, NULL,
                                         &local_error);
      if (next == NULL)
        {
          g_debug ("Queued operation %s no longer applies here: %s",
                   vigil_op_get_id (entry->op), local_error->message);
          continue;
        }
      g_set_object (&state, next);
    }
  vigil_incident_set_revision (state, vigil_incident_get_revision (server_state));

  if (!save_incident (self, state, NULL, error))
    return FALSE;

  *local = g_steal_pointer (&state);
  return TRUE;
}

static gboolean
merge_in_transaction (VigilStore          *self,
                      VigilRemoteChanges  *changes,
                      GPtrArray           *touched,
                      GPtrArray           *removed,
                      GError             **error)
{
  g_autofree char *seq_text = NULL;
  gint64 known_seq = 0;

  for (guint i = 0; changes->settled && i < changes->settled->len; i++)
    if (!run_text (self, "DELETE FROM outbox WHERE op_id = ?",
                   g_ptr_array_index (changes->settled, i),
                   _("take a committed operation out of the queue"), error))
      return FALSE;

  for (guint i = 0; changes->refused && i < changes->refused->len; i++)
    if (!record_problem (self, g_ptr_array_index (changes->refused, i), error))
      return FALSE;

  for (guint i = 0; changes->entries && i < changes->entries->len; i++)
    {
      VigilLogEntry *entry = g_ptr_array_index (changes->entries, i);
      gint64 existing, seq;

      /* The server's history, mirrored into the local log for the
       * incident's timeline; what was made here is logged already. */
      if (!find_op (self, vigil_op_get_id (entry->op), &existing, error))
        return FALSE;
      if (existing == 0 &&
          !append_log (self, entry->op, entry->changes ? entry->changes : json_array_new (),
                       &seq, error))
        return FALSE;
    }

  for (guint i = 0; changes->incidents && i < changes->incidents->len; i++)
    {
      VigilIncident *local = NULL;

      if (!rebase_incident (self, g_ptr_array_index (changes->incidents, i), &local, error))
        return FALSE;
      g_ptr_array_add (touched, local);
    }

  /* Incidents the server does not have (a refused creation): gone here too,
   * unless something queued still makes them. */
  for (guint i = 0; changes->gone && i < changes->gone->len; i++)
    {
      const char *id = g_ptr_array_index (changes->gone, i);
      g_autoptr(GPtrArray) pending = collect_outbox (self, id, 1, error);

      if (pending == NULL)
        return FALSE;
      if (pending->len > 0)
        continue;
      if (!run_text (self, "DELETE FROM incidents WHERE id = ?", id,
                     _("remove an incident the server refused"), error))
        return FALSE;
      g_ptr_array_add (removed, g_strdup (id));
    }

  if (!meta_get (self, "sync.seq", &seq_text, error))
    return FALSE;
  if (seq_text != NULL)
    known_seq = g_ascii_strtoll (seq_text, NULL, 10);
  if (changes->seq > known_seq)
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, changes->seq);

      if (!meta_set (self, "sync.seq", text, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
vigil_store_merge_remote (VigilStore          *self,
                          VigilRemoteChanges  *changes,
                          GPtrArray          **touched,
                          GPtrArray          **removed,
                          GError             **error)
{
  g_autoptr(GPtrArray) touched_list = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) removed_list = g_ptr_array_new_with_free_func (g_free);
  gboolean ok = FALSE;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->lock);

  if (check_open (self, error) && run_statement (self, "BEGIN IMMEDIATE", error))
    {
      ok = merge_in_transaction (self, changes, touched_list, removed_list, error) &&
           run_statement (self, "COMMIT", error);
      if (!ok)
        rollback (self);
    }

  g_mutex_unlock (&self->lock);

  if (ok && touched != NULL)
    *touched = g_steal_pointer (&touched_list);
  if (ok && removed != NULL)
    *removed = g_steal_pointer (&removed_list);
  return ok;
}

/* The workspace's DORA profile, as JSON in one meta row. */
#define DORA_PROFILE_KEY "dora.profile"

/* The store whose profile is the process's (vigil_store_publish_dora_profile()). */
static GWeakRef published_store;

static VigilDoraProfile *
read_dora_profile (VigilStore *self)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  VigilDoraProfile *profile = NULL;

  if (self->db != NULL && meta_get (self, DORA_PROFILE_KEY, &text, &error) && text != NULL &&
      !(profile = vigil_dora_profile_new_from_data (text, -1, &error)))
    g_warning ("The saved DORA profile cannot be read, the default one counts: %s",
               error->message);
  else if (error != NULL)
    g_warning ("The DORA profile cannot be read, the default one counts: %s", error->message);

  return profile != NULL ? profile : vigil_dora_profile_new_default ();
}

VigilDoraProfile *
vigil_store_dup_dora_profile (VigilStore *self)
{
  VigilDoraProfile *profile;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  profile = read_dora_profile (self);
  g_mutex_unlock (&self->lock);

  return profile;
}

gboolean
vigil_store_set_dora_profile (VigilStore        *self,
                              VigilDoraProfile  *profile,
                              GError           **error)
{
  g_autofree char *text = NULL;
  g_autoptr(VigilStore) published = NULL;
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (VIGIL_IS_DORA_PROFILE (profile), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = vigil_dora_profile_to_data (profile);
  g_mutex_lock (&self->lock);
  ok = check_open (self, error) && meta_set (self, DORA_PROFILE_KEY, text, error);
  g_mutex_unlock (&self->lock);

  published = g_weak_ref_get (&published_store);
  if (ok && published == self)
    vigil_dora_profile_set_default (profile);

  return ok;
}

void
vigil_store_publish_dora_profile (VigilStore *self)
{
  g_autoptr(VigilDoraProfile) profile = NULL;

  g_return_if_fail (VIGIL_IS_STORE (self));

  g_weak_ref_set (&published_store, self);
  profile = vigil_store_dup_dora_profile (self);
  vigil_dora_profile_set_default (profile);
}
