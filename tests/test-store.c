/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include <vigil/vigil.h>
#include "test-core-util.h"

#define T0 "2025-03-01T10:00:00Z"

#define ANALYST "alice"
#define LEAD    "bob"

typedef struct {
  char       *dir;
  char       *path;
  VigilStore *store;
} Fixture;

/* helpers: files */

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("vigil-test-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "vigil.db", NULL);
  f->store = vigil_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (VIGIL_IS_STORE (f->store));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->store != NULL)
    {
      vigil_store_close (f->store);
      g_clear_object (&f->store);
    }
  test_core_remove_tree (f->dir);
  g_clear_pointer (&f->path, g_free);
  g_clear_pointer (&f->dir, g_free);
}

static void
fixture_close (Fixture *f)
{
  vigil_store_close (f->store);
  g_clear_object (&f->store);
}

static void
fixture_reopen (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  fixture_close (f);
  f->store = vigil_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

/* helpers: raw SQLite, to look behind the store's back */

static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);

  return db;
}

static void
raw_exec (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_test_message ("%s: %s", sql, message);
  sqlite3_free (message);
  g_assert_cmpint (rc, ==, SQLITE_OK);
}

static gint64
raw_int (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

static char *
raw_text (sqlite3    *db,
          const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return value;
}

/* The log is the table with a previous-hash column; its sequence column is
 * "seq" or else its integer primary key. The test does not depend on the
 * store's naming beyond that. */
static void
raw_find_log_table (sqlite3    *db,
                    char      **table,
                    char      **seq_column,
                    GPtrArray **columns)
{
  sqlite3_stmt *tables = NULL;

  *table = NULL;
  *seq_column = NULL;
  *columns = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT name FROM sqlite_master WHERE type = 'table' "
                                       "AND name NOT LIKE 'sqlite_%'",
                                       -1, &tables, NULL), ==, SQLITE_OK);
  while (sqlite3_step (tables) == SQLITE_ROW && *table == NULL)
    {
      const char *name = (const char *) sqlite3_column_text (tables, 0);
      g_autofree char *sql = g_strdup_printf ("PRAGMA table_info(\"%s\")", name);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *seq = NULL;
      g_autofree char *pk = NULL;
      gboolean has_prev = FALSE;
      sqlite3_stmt *info = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &info, NULL), ==, SQLITE_OK);
      while (sqlite3_step (info) == SQLITE_ROW)
        {
          const char *column = (const char *) sqlite3_column_text (info, 1);

          g_ptr_array_add (names, g_strdup (column));
          if (strstr (column, "prev") != NULL)
            has_prev = TRUE;
          if (g_strcmp0 (column, "seq") == 0)
            seq = g_strdup (column);
          if (sqlite3_column_int (info, 5) == 1)
            pk = g_strdup (column);
        }
      sqlite3_finalize (info);

      if (has_prev)
        {
          *table = g_strdup (name);
          *seq_column = g_strdup (seq != NULL ? seq : pk);
          *columns = g_steal_pointer (&names);
        }
    }
  sqlite3_finalize (tables);

  g_assert_nonnull (*table);
  g_assert_nonnull (*seq_column);
  g_test_message ("log table %s, sequence column %s", *table, *seq_column);
}

/* The store may guard its log with triggers; whoever edits the file directly
 * can drop them, and then only the hash chain tells. */
static void
raw_drop_triggers (sqlite3    *db,
                   const char *table)
{
  g_autoptr(GPtrArray) triggers = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sql = g_strdup_printf ("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                          " AND tbl_name = '%s'", table);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (triggers, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);

  for (guint i = 0; i < triggers->len; i++)
    {
      g_autofree char *drop = g_strdup_printf ("DROP TRIGGER \"%s\"",
                                               (const char *) g_ptr_array_index (triggers, i));

      g_test_message ("dropping trigger %s", (const char *) g_ptr_array_index (triggers, i));
      raw_exec (db, drop);
    }
}

/* Replaces @from by @to in every text column of log entry @seq. Returns how
 * many columns held @from. */
static guint
raw_tamper_log (const char *path,
                gint64      seq,
                const char *from,
                const char *to)
{
  sqlite3 *db = raw_open (path);
  g_autofree char *table = NULL;
  g_autofree char *seq_column = NULL;
  g_autoptr(GPtrArray) columns = NULL;
  guint touched = 0;

  raw_find_log_table (db, &table, &seq_column, &columns);
  raw_drop_triggers (db, table);
  for (guint i = 0; i < columns->len; i++)
    {
      const char *column = g_ptr_array_index (columns, i);
      g_autofree char *count_sql = NULL;
      g_autofree char *update_sql = NULL;

      count_sql = g_strdup_printf ("SELECT count(*) FROM \"%s\" WHERE \"%s\" = %" G_GINT64_FORMAT
                                   " AND typeof(\"%s\") IN ('text', 'blob')"
                                   " AND instr(CAST(\"%s\" AS TEXT), '%s') > 0",
                                   table, seq_column, seq, column, column, from);
      if (raw_int (db, count_sql) == 0)
        continue;

      update_sql = g_strdup_printf ("UPDATE \"%s\" SET \"%s\" = replace(\"%s\", '%s', '%s')"
                                    " WHERE \"%s\" = %" G_GINT64_FORMAT,
                                    table, column, column, from, to, seq_column, seq);
      raw_exec (db, update_sql);
      g_assert_cmpint (sqlite3_changes (db), ==, 1);
      touched++;
    }
  sqlite3_close (db);

  return touched;
}

static void
raw_delete_log (const char *path,
                gint64      seq)
{
  sqlite3 *db = raw_open (path);
  g_autofree char *table = NULL;
  g_autofree char *seq_column = NULL;
  g_autoptr(GPtrArray) columns = NULL;
  g_autofree char *sql = NULL;

  raw_find_log_table (db, &table, &seq_column, &columns);
  raw_drop_triggers (db, table);
  sql = g_strdup_printf ("DELETE FROM \"%s\" WHERE \"%s\" = %" G_GINT64_FORMAT,
                         table, seq_column, seq);
  raw_exec (db, sql);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_close (db);
}

/* helpers: operations */

static char *
squote_to_json (const char *text)
{
  return g_strdelimit (g_strdup (text), "'", '"');
}

static VigilOp *
make_op (const char *kind,
         const char *incident_id,
         const char *actor,
         gint64      base_rev,
         const char *at,
         const char *squoted_payload)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *payload = squote_to_json (squoted_payload);
  g_autofree char *doc = g_strdup_printf ("{\"id\":\"%s\",\"incident\":\"%s\",\"kind\":\"%s\","
                                          "\"base_rev\":%" G_GINT64_FORMAT ",\"actor\":\"%s\","
                                          "\"at\":\"%s\",\"payload\":%s}",
                                          id, incident_id, kind, base_rev, actor, at, payload);
  g_autoptr(GError) error = NULL;
  VigilOp *op = vigil_op_new_from_string (doc, &error);

  g_assert_no_error (error);
  g_assert_nonnull (op);

  return op;
}

static VigilOp *
make_op_for (const char    *kind,
             VigilIncident *incident,
             const char    *actor,
             const char    *at,
             const char    *squoted_payload)
{
  return make_op (kind, vigil_incident_get_id (incident), actor,
                  vigil_incident_get_revision (incident), at, squoted_payload);
}

static VigilOp *
make_create (const char *title,
             const char *at)
{
  g_autofree char *incident_id = g_uuid_string_random ();
  g_autofree char *payload = g_strdup_printf ("{'title':'%s','type':'phishing',"
                                              "'detected_at':'2024-01-01T00:00:00Z'}", title);

  return make_op ("incident.create", incident_id, ANALYST, 0, at, payload);
}

static VigilIncident *
store_apply_ok (VigilStore *store,
                VigilOp    *op,
                VigilRole   role)
{
  g_autoptr(GError) error = NULL;
  gboolean duplicate = TRUE;
  gint64 seq = -1;
  gint64 last_before = vigil_store_get_last_seq (store);
  VigilIncident *incident;

  incident = vigil_store_apply (store, op, role, &duplicate, &seq, &error);
  g_assert_no_error (error);
  g_assert_nonnull (incident);
  g_assert_false (duplicate);
  g_assert_cmpint (seq, ==, last_before + 1);
  g_assert_cmpint (vigil_store_get_last_seq (store), ==, seq);
  g_assert_true (vigil_store_has_op (store, vigil_op_get_id (op)));

  return incident;
}

static VigilIncident *
store_create (VigilStore *store,
              const char *title,
              const char *at)
{
  g_autoptr(VigilOp) op = make_create (title, at);

  return store_apply_ok (store, op, VIGIL_ROLE_ANALYST);
}

static guint
log_length (VigilStore *store,
            const char *incident_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) log = vigil_store_list_log (store, incident_id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (log);

  return log->len;
}

static gboolean
is_lower_hex (const char *text,
              gsize       len)
{
  if (text == NULL || strlen (text) != len)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i]))
      return FALSE;

  return TRUE;
}

static void
assert_same_state (VigilIncident *a,
                   VigilIncident *b)
{
  g_autoptr(JsonNode) na = vigil_incident_to_json (a);
  g_autoptr(JsonNode) nb = vigil_incident_to_json (b);

  if (!json_node_equal (na, nb))
    {
      g_autofree char *sa = vigil_incident_to_string (a);
      g_autofree char *sb = vigil_incident_to_string (b);

      g_assert_cmpstr (sa, ==, sb);
    }
}

/* open */

static void
test_open_new (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) incidents = NULL;
  gint64 checked = -1;
  gint64 broken = -1;

  g_assert_true (g_file_test (f->path, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (vigil_store_get_path (f->store), ==, f->path);
  g_assert_cmpint (vigil_store_get_schema_version (f->store), ==, VIGIL_STORE_SCHEMA_VERSION);
  g_assert_cmpuint (vigil_store_count_incidents (f->store), ==, 0);
  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, 0);
  g_assert_cmpuint (log_length (f->store, NULL), ==, 0);

  incidents = vigil_store_list_incidents (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (incidents->len, ==, 0);

  g_assert_true (vigil_store_verify (f->store, &checked, &broken, &error));
  g_assert_no_error (error);
  g_assert_cmpint (checked, ==, 0);
  g_assert_cmpint (broken, ==, 0);
}

static void
test_open_file_format (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(VigilIncident) incident = store_create (f->store, "Phishing wave", T0);
  g_autofree char *mode = NULL;
  g_autofree char *integrity = NULL;
  sqlite3 *db;

  fixture_close (f);

  db = raw_open (f->path);
  mode = raw_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, VIGIL_STORE_SCHEMA_VERSION);
  integrity = raw_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
  sqlite3_close (db);
}

static void
test_open_reopen (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(VigilIncident) a = store_create (f->store, "Phishing wave", T0);
  g_autoptr(VigilIncident) b = store_create (f->store, "Malware on laptop", T0);
  g_autoptr(VigilOp) update = make_op_for ("incident.update", a, ANALYST,
                                           "2025-03-01T11:00:00Z",
                                           "{'severity':'high',"
                                           "'aware_at':'2025-03-01T09:00:00Z'}");
  g_autoptr(VigilIncident) a2 = store_apply_ok (f->store, update, VIGIL_ROLE_ANALYST);
  g_autoptr(GPtrArray) log_before = NULL;
  g_autoptr(GPtrArray) log_after = NULL;
  g_autoptr(VigilIncident) a_after = NULL;
  g_autoptr(VigilIncident) b_after = NULL;
  g_autoptr(VigilIncident) c = NULL;
  g_autoptr(GError) error = NULL;
  gint64 checked = 0;

  log_before = vigil_store_list_log (f->store, NULL, &error);
  g_assert_no_error (error);

  fixture_reopen (f);

  g_assert_cmpint (vigil_store_get_schema_version (f->store), ==, VIGIL_STORE_SCHEMA_VERSION);
  g_assert_cmpuint (vigil_store_count_incidents (f->store), ==, 2);
  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, 3);

  a_after = vigil_store_get_incident (f->store, vigil_incident_get_id (a), &error);
  g_assert_no_error (error);
  assert_same_state (a_after, a2);
  b_after = vigil_store_get_incident (f->store, vigil_incident_get_id (b), &error);
  g_assert_no_error (error);
  assert_same_state (b_after, b);

  log_after = vigil_store_list_log (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (log_after->len, ==, log_before->len);
  for (guint i = 0; i < log_after->len; i++)
    {
      VigilLogEntry *x = g_ptr_array_index (log_before, i);
      VigilLogEntry *y = g_ptr_array_index (log_after, i);

      g_assert_cmpint (x->seq, ==, y->seq);
      g_assert_cmpstr (x->hash, ==, y->hash);
      g_assert_cmpstr (x->prev_hash, ==, y->prev_hash);
      g_assert_cmpstr (vigil_op_get_id (x->op), ==, vigil_op_get_id (y->op));
    }

  g_assert_true (vigil_store_verify (f->store, &checked, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (checked, ==, 3);

  /* numbering and the chain continue */
  c = store_create (f->store, "Third", T0);
  g_assert_cmpstr (vigil_incident_get_reference (c), ==, "INC-2025-0003");
  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, 4);
  g_assert_true (vigil_store_verify (f->store, &checked, NULL, &error));
  g_assert_cmpint (checked, ==, 4);
}

static void
test_open_too_new (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *sql = NULL;
  sqlite3 *db;

  fixture_close (f);

  db = raw_open (f->path);
  sql = g_strdup_printf ("PRAGMA user_version = %d", VIGIL_STORE_SCHEMA_VERSION + 1);
  raw_exec (db, sql);
  sqlite3_close (db);

  store = vigil_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_TOO_NEW);

  /* the file is left as it was */
  db = raw_open (f->path);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, VIGIL_STORE_SCHEMA_VERSION + 1);
  sqlite3_close (db);
}

static void
test_open_not_a_database (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "notes.txt", NULL);
  g_autofree char *garbage = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < 200; i++)
    g_string_append (text, "This is not a database, it is a shopping list.\n");
  garbage = g_string_free (text, FALSE);
  g_assert_true (g_file_set_contents (path, garbage, -1, &error));

  store = vigil_store_open (path, &error);
  g_assert_null (store);
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
}

/* The loop that wait_for*() runs until a callback delivers its result. */
static GMainLoop *waiting_loop;

static void
on_result_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
  if (waiting_loop != NULL)
    g_main_loop_quit (waiting_loop);
}

static gboolean
on_timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  g_main_loop_quit (waiting_loop);

  return G_SOURCE_REMOVE;
}

static void
wait_for_result (GAsyncResult **slot)
{
  g_autoptr(GMainLoop) loop = NULL;
  gboolean timed_out = FALSE;
  guint timeout_id;

  if (*slot != NULL)
    return;

  loop = g_main_loop_new (NULL, FALSE);
  waiting_loop = loop;
  timeout_id = g_timeout_add_seconds (30, on_timeout_cb, &timed_out);
  g_main_loop_run (loop);
  waiting_loop = NULL;

  g_assert_false (timed_out);
  g_assert_nonnull (*slot);
  g_source_remove (timeout_id);
}

static void
test_open_async (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "other.db", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;

  vigil_store_open_async (path, NULL, on_result_cb, &result);
  wait_for_result (&result);
  store = vigil_store_open_finish (result, &error);
  g_assert_no_error (error);
  g_assert_true (VIGIL_IS_STORE (store));
  g_assert_cmpstr (vigil_store_get_path (store), ==, path);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  vigil_store_close (store);
}

/* apply */

static void
test_apply_create (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(VigilOp) op = make_create ("Phishing wave", T0);
  g_autoptr(VigilIncident) incident = NULL;
  g_autoptr(VigilIncident) stored = NULL;
  g_autoptr(GError) error = NULL;
  gboolean duplicate = TRUE;
  gint64 seq = 0;

  incident = vigil_store_apply (f->store, op, VIGIL_ROLE_ANALYST, &duplicate, &seq, &error);
  g_assert_no_error (error);
  g_assert_false (duplicate);
  g_assert_cmpint (seq, ==, 1);
  g_assert_cmpstr (vigil_incident_get_id (incident), ==, vigil_op_get_incident_id (op));
  g_assert_cmpstr (vigil_incident_get_reference (incident), ==, "INC-2025-0001");
  g_assert_cmpint (vigil_incident_get_revision (incident), ==, 1);
  g_assert_cmpstr (vigil_incident_get_owner (incident), ==, ANALYST);

  stored = vigil_store_get_incident (f->store, vigil_incident_get_id (incident), &error);
  g_assert_no_error (error);
  assert_same_state (stored, incident);

  g_assert_cmpuint (vigil_store_count_incidents (f->store), ==, 1);
  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, 1);
  g_assert_true (vigil_store_has_op (f->store, vigil_op_get_id (op)));
  g_assert_false (vigil_store_has_op (f->store, "00000000-0000-4000-8000-000000000000"));
}

static void
test_apply_references (Fixture       *f,
                       gconstpointer  data)
{
  static const struct {
    const char *at;
    const char *reference;
  } creates[] = {
    { "2024-06-01T12:00:00Z", "INC-2024-0001" },
    { "2025-01-15T12:00:00Z", "INC-2025-0001" },
    { "2025-02-15T12:00:00Z", "INC-2025-0002" },
    { "2024-07-01T12:00:00Z", "INC-2024-0002" },
    { "2025-03-15T12:00:00Z", "INC-2025-0003" },
  };
  static const char * const ordered[] = {
    "INC-2024-0001", "INC-2024-0002", "INC-2025-0001", "INC-2025-0002", "INC-2025-0003"
  };
  g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(VigilOp) update = NULL;
  g_autoptr(VigilIncident) updated = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (creates); i++)
    {
      VigilIncident *incident = store_create (f->store, "Incident", creates[i].at);

      g_assert_cmpstr (vigil_incident_get_reference (incident), ==, creates[i].reference);
      g_ptr_array_add (made, incident);
    }

  /* later operations keep the reference */
  update = make_op_for ("incident.update", g_ptr_array_index (made, 0), ANALYST,
                        "2025-04-01T00:00:00Z", "{'title':'Renamed'}");
  updated = store_apply_ok (f->store, update, VIGIL_ROLE_ANALYST);
  g_assert_cmpstr (vigil_incident_get_reference (updated), ==, "INC-2024-0001");

  listed = vigil_store_list_incidents (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, G_N_ELEMENTS (ordered));
  for (guint i = 0; i < listed->len; i++)
    g_assert_cmpstr (vigil_incident_get_reference (g_ptr_array_index (listed, i)), ==,
                     ordered[i]);
}

static void
test_apply_refused (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(VigilIncident) incident = store_create (f->store, "Phishing wave", T0);
  g_autoptr(VigilOp) gate = make_op_for ("incident.move", incident, ANALYST, T0, "{'to':9}");
  g_autoptr(VigilOp) bad_create = make_op ("incident.create",
                                           "9a1c0f5e-2b3d-4e6f-8a9b-0c1d2e3f4a5b",
                                           ANALYST, 0, T0, "{'title':'','type':'malware'}");
  g_autoptr(VigilIncident) refused = NULL;
  g_autoptr(VigilIncident) stored = NULL;
  g_autoptr(VigilIncident) next = NULL;
  g_autoptr(GError) error = NULL;
  gint64 seq = 0;

  refused = vigil_store_apply (f->store, gate, VIGIL_ROLE_ANALYST, NULL, &seq, &error);
  g_assert_null (refused);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_GATE);
  g_clear_error (&error);

  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, 1);
  g_assert_cmpuint (log_length (f->store, NULL), ==, 1);
  g_assert_false (vigil_store_has_op (f->store, vigil_op_get_id (gate)));
  stored = vigil_store_get_incident (f->store, vigil_incident_get_id (incident), &error);
  g_assert_no_error (error);
  assert_same_state (stored, incident);

  /* a refused creation takes no reference number and leaves no incident */
  refused = vigil_store_apply (f->store, bad_create, VIGIL_ROLE_ANALYST, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (vigil_store_count_incidents (f->store), ==, 1);
  g_assert_null (vigil_store_get_incident (f->store, "9a1c0f5e-2b3d-4e6f-8a9b-0c1d2e3f4a5b",
                                           NULL));

  next = store_create (f->store, "Next", T0);
  g_assert_cmpstr (vigil_incident_get_reference (next), ==, "INC-2025-0002");
  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, 2);
}

static void
test_apply_refused_roles (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(VigilOp) create = make_create ("By a manager", T0);
  g_autoptr(VigilIncident) refused = NULL;
  g_autoptr(GError) error = NULL;

  refused = vigil_store_apply (f->store, create, VIGIL_ROLE_MANAGER, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_FORBIDDEN);
  g_assert_cmpuint (vigil_store_count_incidents (f->store), ==, 0);
  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, 0);
}

static void
test_apply_not_found (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(VigilOp) op = make_op ("incident.update", "7d3f0c2a-1111-4222-8333-944455566677",
                                   ANALYST, 1, T0, "{'title':'Ghost'}");
  g_autoptr(VigilIncident) refused = NULL;
  g_autoptr(GError) error = NULL;

  refused = vigil_store_apply (f->store, op, VIGIL_ROLE_ANALYST, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_NOT_FOUND);
  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, 0);
}

static void
test_apply_exists (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(VigilIncident) incident = store_create (f->store, "First", T0);
  /* a different operation creating the same incident id */
  g_autoptr(VigilOp) again = make_op ("incident.create", vigil_incident_get_id (incident),
                                      ANALYST, 0, T0, "{'title':'Second','type':'ddos'}");
  g_autoptr(VigilIncident) refused = NULL;
  g_autoptr(VigilIncident) stored = NULL;
  g_autoptr(GError) error = NULL;

  refused = vigil_store_apply (f->store, again, VIGIL_ROLE_ANALYST, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_EXISTS);
  g_clear_error (&error);

  stored = vigil_store_get_incident (f->store, vigil_incident_get_id (incident), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vigil_incident_get_title (stored), ==, "First");
  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, 1);
}

static void
test_apply_duplicate (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(VigilOp) create = make_create ("Phishing wave", T0);
  g_autoptr(VigilIncident) first = NULL;
  g_autoptr(VigilIncident) second = NULL;
  g_autoptr(VigilIncident) stored = NULL;
  g_autoptr(GError) error = NULL;
  gboolean duplicate = TRUE;
  gint64 seq1 = 0;
  gint64 seq2 = 0;

  first = vigil_store_apply (f->store, create, VIGIL_ROLE_ANALYST, &duplicate, &seq1, &error);
  g_assert_no_error (error);
  g_assert_false (duplicate);

  second = vigil_store_apply (f->store, create, VIGIL_ROLE_ANALYST, &duplicate, &seq2, &error);
  g_assert_no_error (error);
  g_assert_nonnull (second);
  g_assert_true (duplicate);
  g_assert_cmpint (seq2, ==, seq1);
  assert_same_state (second, first);
  g_assert_cmpint (vigil_incident_get_revision (second), ==, 1);
  g_assert_cmpstr (vigil_incident_get_reference (second), ==, "INC-2025-0001");

  g_assert_cmpuint (log_length (f->store, NULL), ==, 1);
  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, 1);
  g_assert_cmpuint (vigil_store_count_incidents (f->store), ==, 1);
  stored = vigil_store_get_incident (f->store, vigil_incident_get_id (first), &error);
  g_assert_cmpint (vigil_incident_get_revision (stored), ==, 1);
}

static void
test_apply_duplicate_later (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(VigilIncident) created = store_create (f->store, "Phishing wave", T0);
  g_autoptr(VigilOp) u1 = make_op_for ("incident.update", created, ANALYST, T0,
                                       "{'title':'One'}");
  g_autoptr(VigilIncident) after1 = store_apply_ok (f->store, u1, VIGIL_ROLE_ANALYST);
  g_autoptr(VigilOp) u2 = make_op_for ("incident.update", after1, ANALYST, T0,
                                       "{'title':'Two'}");
  g_autoptr(VigilIncident) after2 = store_apply_ok (f->store, u2, VIGIL_ROLE_ANALYST);
  g_autoptr(VigilIncident) replay = NULL;
  g_autoptr(VigilIncident) stored = NULL;
  g_autoptr(GError) error = NULL;
  gboolean duplicate = FALSE;
  gint64 seq = 0;

  /* a retry of u1 after a lost reply must not undo u2 */
  replay = vigil_store_apply (f->store, u1, VIGIL_ROLE_ANALYST, &duplicate, &seq, &error);
  g_assert_no_error (error);
  g_assert_nonnull (replay);
  g_assert_true (duplicate);
  g_assert_cmpint (seq, ==, 2);

  stored = vigil_store_get_incident (f->store, vigil_incident_get_id (created), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vigil_incident_get_title (stored), ==, "Two");
  g_assert_cmpint (vigil_incident_get_revision (stored), ==, 3);
  assert_same_state (stored, after2);
  g_assert_cmpuint (log_length (f->store, NULL), ==, 3);
  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, 3);
}

static void
test_apply_workflow (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(VigilIncident) created = store_create (f->store, "Phishing wave", T0);
  g_autoptr(VigilOp) fill = make_op_for ("incident.update", created, ANALYST,
                                         "2025-03-01T10:10:00Z",
                                         "{'severity':'high','aware_at':'2025-03-01T09:00:00Z'}");
  g_autoptr(VigilIncident) updated = store_apply_ok (f->store, fill, VIGIL_ROLE_ANALYST);
  g_autoptr(VigilOp) findings = make_op_for ("form.update", updated, ANALYST,
                                             "2025-03-01T10:12:00Z",
                                             "{'form':'findings','fields':{'summary':'Fake "
                                             "invoices with a macro dropper'}}");
  g_autoptr(VigilIncident) found = store_apply_ok (f->store, findings, VIGIL_ROLE_ANALYST);
  g_autoptr(VigilOp) escalate = make_op_for ("form.update", found, ANALYST,
                                             "2025-03-01T10:14:00Z",
                                             "{'form':'escalate','fields':{'escalate':false}}");
  g_autoptr(VigilIncident) filled = store_apply_ok (f->store, escalate, VIGIL_ROLE_ANALYST);
  g_autoptr(VigilOp) submit = make_op_for ("approval.submit", filled, ANALYST,
                                           "2025-03-01T10:20:00Z", "{}");
  g_autoptr(VigilIncident) pending = store_apply_ok (f->store, submit, VIGIL_ROLE_ANALYST);
  g_autoptr(VigilOp) stale = make_op ("approval.decide", vigil_incident_get_id (pending), LEAD,
                                      vigil_incident_get_revision (pending) - 1,
                                      "2025-03-01T10:25:00Z",
                                      "{'decision':'approve','comment':'ok'}");
  g_autoptr(VigilOp) decide = make_op_for ("approval.decide", pending, LEAD,
                                           "2025-03-01T10:30:00Z",
                                           "{'decision':'approve','comment':'Go ahead'}");
  g_autoptr(VigilIncident) approved = NULL;
  g_autoptr(VigilOp) archive = NULL;
  g_autoptr(VigilIncident) archived = NULL;
  g_autoptr(VigilIncident) stored = NULL;
  g_autoptr(VigilIncident) refused = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GError) error = NULL;
  static const char * const kinds[] = {
    "incident.create", "incident.update", "form.update", "form.update", "approval.submit",
    "approval.decide", "incident.move"
  };

  refused = vigil_store_apply (f->store, stale, VIGIL_ROLE_LEAD, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_CONFLICT);
  g_clear_error (&error);

  approved = store_apply_ok (f->store, decide, VIGIL_ROLE_LEAD);
  archive = make_op_for ("incident.move", approved, ANALYST, "2025-03-02T10:00:00Z", "{'to':15}");
  archived = store_apply_ok (f->store, archive, VIGIL_ROLE_ANALYST);
  g_assert_true (vigil_incident_is_archived (archived));

  fixture_reopen (f);

  stored = vigil_store_get_incident (f->store, vigil_incident_get_id (created), &error);
  g_assert_no_error (error);
  assert_same_state (stored, archived);
  g_assert_true (vigil_incident_is_archived (stored));
  g_assert_cmpint (vigil_incident_get_revision (stored), ==, 7);
  g_assert_cmpint (vigil_incident_get_approval_state (stored), ==, VIGIL_APPROVAL_APPROVED);
  g_assert_cmpstr (vigil_incident_get_decided_by (stored), ==, LEAD);
  g_assert_cmpstr (vigil_incident_get_submitted_by (stored), ==, ANALYST);
  g_assert_cmpstr (vigil_incident_get_decision_comment (stored), ==, "Go ahead");
  g_assert_cmpstr (vigil_incident_get_snapshot_hash (stored), ==,
                   vigil_incident_get_snapshot_hash (pending));

  log = vigil_store_list_log (f->store, vigil_incident_get_id (created), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (log->len, ==, G_N_ELEMENTS (kinds));
  for (guint i = 0; i < log->len; i++)
    {
      VigilLogEntry *entry = g_ptr_array_index (log, i);

      g_assert_cmpstr (vigil_op_kind_to_string (vigil_op_get_kind (entry->op)), ==, kinds[i]);
    }
}

/* log */

static void
test_log_chain (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(VigilIncident) a = store_create (f->store, "Phishing wave", T0);
  g_autoptr(VigilIncident) b = store_create (f->store, "Malware on laptop", T0);
  g_autoptr(VigilOp) ua = make_op_for ("incident.update", a, ANALYST, "2025-03-01T11:00:00Z",
                                       "{'title':'Phishing wave 2'}");
  g_autoptr(VigilIncident) a2 = store_apply_ok (f->store, ua, VIGIL_ROLE_ANALYST);
  g_autoptr(VigilOp) ma = make_op_for ("incident.move", a2, LEAD, "2025-03-01T11:30:00Z",
                                       "{'to':2}");
  g_autoptr(VigilIncident) a3 = store_apply_ok (f->store, ma, VIGIL_ROLE_LEAD);
  g_autoptr(VigilOp) ub = make_op_for ("incident.update", b, ANALYST, "2025-03-01T12:00:00Z",
                                       "{'severity':'low'}");
  g_autoptr(VigilIncident) b2 = store_apply_ok (f->store, ub, VIGIL_ROLE_ANALYST);
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GHashTable) hashes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  VigilLogEntry *entry;
  JsonObject *change = NULL;

  log = vigil_store_list_log (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (log->len, ==, 5);

  for (guint i = 0; i < log->len; i++)
    {
      entry = g_ptr_array_index (log, i);

      g_assert_cmpint (entry->seq, ==, i + 1);
      g_assert_true (VIGIL_IS_OP (entry->op));
      g_assert_nonnull (entry->changes);
      g_assert_true (is_lower_hex (entry->hash, 64));
      g_assert_true (g_hash_table_add (hashes, entry->hash));
      if (i == 0)
        g_assert_cmpstr (entry->prev_hash, ==, "");
      else
        g_assert_cmpstr (entry->prev_hash, ==,
                         ((VigilLogEntry *) g_ptr_array_index (log, i - 1))->hash);
    }

  /* the entries are the operations as applied */
  entry = g_ptr_array_index (log, 3);
  g_assert_cmpstr (vigil_op_get_id (entry->op), ==, vigil_op_get_id (ma));
  g_assert_cmpint (vigil_op_get_kind (entry->op), ==, VIGIL_OP_INCIDENT_MOVE);
  g_assert_cmpstr (vigil_op_get_actor (entry->op), ==, LEAD);
  g_assert_cmpint (vigil_op_get_base_rev (entry->op), ==, 2);
  g_assert_true (g_date_time_equal (vigil_op_get_at (entry->op), vigil_op_get_at (ma)));
  g_assert_cmpint (json_object_get_int_member (vigil_op_get_payload (entry->op), "to"), ==, 2);

  /* and what they changed */
  entry = g_ptr_array_index (log, 2);
  for (guint i = 0; i < json_array_get_length (entry->changes); i++)
    {
      JsonObject *c = json_array_get_object_element (entry->changes, i);

      if (g_strcmp0 (json_object_get_string_member (c, "field"), "title") == 0)
        change = c;
    }
  g_assert_nonnull (change);
  g_assert_cmpstr (json_object_get_string_member (change, "old"), ==, "Phishing wave");
  g_assert_cmpstr (json_object_get_string_member (change, "new"), ==, "Phishing wave 2");

  g_assert_cmpint (vigil_incident_get_revision (a3), ==, 3);
  g_assert_cmpint (vigil_incident_get_revision (b2), ==, 2);
}

static void
test_log_per_incident (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(VigilIncident) a = store_create (f->store, "A", T0);
  g_autoptr(VigilIncident) b = store_create (f->store, "B", T0);
  g_autoptr(VigilOp) ua = make_op_for ("incident.update", a, ANALYST, T0, "{'reporter':'Carol'}");
  g_autoptr(VigilIncident) a2 = store_apply_ok (f->store, ua, VIGIL_ROLE_ANALYST);
  g_autoptr(VigilOp) mb = make_op_for ("incident.move", b, ANALYST, T0, "{'to':4}");
  g_autoptr(VigilIncident) b2 = store_apply_ok (f->store, mb, VIGIL_ROLE_ANALYST);
  g_autoptr(VigilOp) ma = make_op_for ("incident.move", a2, ANALYST, T0, "{'to':3}");
  g_autoptr(VigilIncident) a3 = store_apply_ok (f->store, ma, VIGIL_ROLE_ANALYST);
  g_autoptr(GPtrArray) log_a = NULL;
  g_autoptr(GPtrArray) log_b = NULL;
  g_autoptr(GPtrArray) log_none = NULL;
  g_autoptr(GError) error = NULL;
  static const gint64 seq_a[] = { 1, 3, 5 };
  static const VigilOpKind kinds_a[] = {
    VIGIL_OP_INCIDENT_CREATE, VIGIL_OP_INCIDENT_UPDATE, VIGIL_OP_INCIDENT_MOVE
  };

  log_a = vigil_store_list_log (f->store, vigil_incident_get_id (a), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (log_a->len, ==, 3);
  for (guint i = 0; i < log_a->len; i++)
    {
      VigilLogEntry *entry = g_ptr_array_index (log_a, i);

      g_assert_cmpint (entry->seq, ==, seq_a[i]);
      g_assert_cmpint (vigil_op_get_kind (entry->op), ==, kinds_a[i]);
      g_assert_cmpstr (vigil_op_get_incident_id (entry->op), ==, vigil_incident_get_id (a));
    }
  g_assert_cmpstr (vigil_op_get_id (((VigilLogEntry *) g_ptr_array_index (log_a, 2))->op), ==,
                   vigil_op_get_id (ma));

  log_b = vigil_store_list_log (f->store, vigil_incident_get_id (b), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (log_b->len, ==, 2);
  g_assert_cmpint (((VigilLogEntry *) g_ptr_array_index (log_b, 0))->seq, ==, 2);
  g_assert_cmpint (((VigilLogEntry *) g_ptr_array_index (log_b, 1))->seq, ==, 4);

  log_none = vigil_store_list_log (f->store, "00000000-0000-4000-8000-000000000000", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (log_none->len, ==, 0);

  g_assert_cmpuint (vigil_incident_get_step (a3), ==, 3);
  g_assert_cmpuint (vigil_incident_get_step (b2), ==, 4);
}

/* verify */

static void
fill_four (Fixture *f)
{
  g_autoptr(VigilIncident) a = store_create (f->store, "Printer jam", T0);
  g_autoptr(VigilIncident) b = store_create (f->store, "Phishing mail to finance", T0);
  g_autoptr(VigilOp) ua = make_op_for ("incident.update", a, ANALYST, T0, "{'severity':'low'}");
  g_autoptr(VigilIncident) a2 = store_apply_ok (f->store, ua, VIGIL_ROLE_ANALYST);
  g_autoptr(VigilOp) mb = make_op_for ("incident.move", b, ANALYST, T0, "{'to':2}");
  g_autoptr(VigilIncident) b2 = store_apply_ok (f->store, mb, VIGIL_ROLE_ANALYST);

  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, 4);
}

static void
test_verify_intact (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 checked = 0;
  gint64 broken = -1;

  fill_four (f);
  g_assert_true (vigil_store_verify (f->store, &checked, &broken, &error));
  g_assert_no_error (error);
  g_assert_cmpint (checked, ==, 4);
  g_assert_cmpint (broken, ==, 0);

  /* optional out arguments */
  g_assert_true (vigil_store_verify (f->store, NULL, NULL, NULL));
}

static void
test_verify_tampered (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 broken = 0;

  fill_four (f);
  fixture_close (f);

  /* seq 2 created "Phishing mail to finance" */
  g_assert_cmpuint (raw_tamper_log (f->path, 2, "Phishing", "Malware"), >, 0);

  f->store = vigil_store_open (f->path, &error);
  g_assert_no_error (error);

  g_assert_false (vigil_store_verify (f->store, NULL, &broken, &error));
  g_assert_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_CHAIN_BROKEN);
  g_test_message ("message: %s", error->message);
  g_assert_nonnull (strstr (error->message, "2"));
  g_assert_cmpint (broken, ==, 2);
}

static void
test_verify_tampered_last (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) c = NULL;
  gint64 broken = 0;

  fill_four (f);
  c = store_create (f->store, "Phishing again", T0);
  fixture_close (f);

  g_assert_cmpuint (raw_tamper_log (f->path, 5, "Phishing", "Fishing"), >, 0);

  f->store = vigil_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_false (vigil_store_verify (f->store, NULL, &broken, &error));
  g_assert_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_CHAIN_BROKEN);
  g_assert_cmpint (broken, ==, 5);
}

static void
test_verify_deleted (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 broken = 0;

  fill_four (f);
  fixture_close (f);

  raw_delete_log (f->path, 2);

  f->store = vigil_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_false (vigil_store_verify (f->store, NULL, &broken, &error));
  g_assert_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_CHAIN_BROKEN);
  /* the gap is at 2; the first entry that fails to chain is 3 */
  g_assert_cmpint (broken, >=, 2);
  g_assert_cmpint (broken, <=, 3);
}

/* batch */

static void
test_batch (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) a = NULL;
  g_autoptr(VigilIncident) b = NULL;
  gint64 checked = 0;

  g_ptr_array_add (ops, make_op ("incident.create", "11111111-1111-4111-8111-111111111111",
                                 ANALYST, 0, T0, "{'title':'A','type':'malware'}"));
  g_ptr_array_add (ops, make_op ("incident.update", "11111111-1111-4111-8111-111111111111",
                                 ANALYST, 1, T0, "{'severity':'low'}"));
  g_ptr_array_add (ops, make_op ("incident.create", "22222222-2222-4222-8222-222222222222",
                                 ANALYST, 0, T0, "{'title':'B','type':'ddos'}"));
  g_ptr_array_add (ops, make_op ("incident.move", "11111111-1111-4111-8111-111111111111",
                                 ANALYST, 2, T0, "{'to':3}"));

  g_assert_true (vigil_store_apply_batch (f->store, ops, VIGIL_ROLE_ANALYST, &error));
  g_assert_no_error (error);

  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, 4);
  g_assert_cmpuint (vigil_store_count_incidents (f->store), ==, 2);
  for (guint i = 0; i < ops->len; i++)
    g_assert_true (vigil_store_has_op (f->store,
                                       vigil_op_get_id (g_ptr_array_index (ops, i))));

  a = vigil_store_get_incident (f->store, "11111111-1111-4111-8111-111111111111", &error);
  g_assert_no_error (error);
  g_assert_cmpint (vigil_incident_get_revision (a), ==, 3);
  g_assert_cmpuint (vigil_incident_get_step (a), ==, 3);
  g_assert_cmpstr (vigil_incident_get_severity (a), ==, "low");
  g_assert_cmpstr (vigil_incident_get_reference (a), ==, "INC-2025-0001");
  b = vigil_store_get_incident (f->store, "22222222-2222-4222-8222-222222222222", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vigil_incident_get_reference (b), ==, "INC-2025-0002");

  g_assert_true (vigil_store_verify (f->store, &checked, NULL, &error));
  g_assert_cmpint (checked, ==, 4);
}

static void
test_batch_rollback (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(VigilIncident) existing = store_create (f->store, "Existing", T0);
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) stored = NULL;
  g_autoptr(VigilIncident) next = NULL;
  gint64 checked = 0;

  g_ptr_array_add (ops, make_op ("incident.create", "33333333-3333-4333-8333-333333333333",
                                 ANALYST, 0, T0, "{'title':'C','type':'malware'}"));
  g_ptr_array_add (ops, make_op_for ("incident.update", existing, ANALYST, T0,
                                     "{'title':'Changed in batch'}"));
  g_ptr_array_add (ops, make_op ("incident.move", "33333333-3333-4333-8333-333333333333",
                                 ANALYST, 1, T0, "{'to':9}"));

  g_assert_false (vigil_store_apply_batch (f->store, ops, VIGIL_ROLE_ANALYST, &error));
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_GATE);
  g_clear_error (&error);

  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, 1);
  g_assert_cmpuint (vigil_store_count_incidents (f->store), ==, 1);
  g_assert_cmpuint (log_length (f->store, NULL), ==, 1);
  for (guint i = 0; i < ops->len; i++)
    g_assert_false (vigil_store_has_op (f->store,
                                        vigil_op_get_id (g_ptr_array_index (ops, i))));
  g_assert_null (vigil_store_get_incident (f->store, "33333333-3333-4333-8333-333333333333",
                                           NULL));
  stored = vigil_store_get_incident (f->store, vigil_incident_get_id (existing), &error);
  g_assert_no_error (error);
  assert_same_state (stored, existing);

  /* the rolled-back creation used no reference number */
  next = store_create (f->store, "Next", T0);
  g_assert_cmpstr (vigil_incident_get_reference (next), ==, "INC-2025-0002");
  g_assert_true (vigil_store_verify (f->store, &checked, NULL, &error));
  g_assert_cmpint (checked, ==, 2);
}

static void
test_apply_each (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func (g_object_unref);
  static const VigilRole roles[] = {
    VIGIL_ROLE_ANALYST, VIGIL_ROLE_ANALYST, VIGIL_ROLE_ANALYST, VIGIL_ROLE_MANAGER,
    VIGIL_ROLE_ANALYST,
  };
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  VigilApplyResult *r;
  gint64 checked = 0;

  g_ptr_array_add (ops, make_op ("incident.create", "44444444-4444-4444-8444-444444444444",
                                 ANALYST, 0, T0, "{'title':'D','type':'malware'}"));
  g_ptr_array_add (ops, make_op ("incident.move", "44444444-4444-4444-8444-444444444444",
                                 ANALYST, 1, T0, "{'to':9}"));
  g_ptr_array_add (ops, make_op ("incident.update", "44444444-4444-4444-8444-444444444444",
                                 ANALYST, 1, T0, "{'severity':'medium'}"));
  g_ptr_array_add (ops, make_op ("incident.update", "44444444-4444-4444-8444-444444444444",
                                 "carl", 2, T0, "{'title':'By a manager'}"));
  /* the first one again: a retry inside the same commit */
  g_ptr_array_add (ops, g_object_ref (g_ptr_array_index (ops, 0)));

  results = vigil_store_apply_each (f->store, ops, roles, &error);
  g_assert_no_error (error);
  g_assert_nonnull (results);
  g_assert_cmpuint (results->len, ==, ops->len);

  r = g_ptr_array_index (results, 0);
  g_assert_no_error (r->error);
  g_assert_false (r->duplicate);
  g_assert_cmpint (r->seq, ==, 1);
  g_assert_cmpstr (vigil_incident_get_reference (r->incident), ==, "INC-2025-0001");
  {
    g_autofree char *doc = vigil_incident_to_string (r->incident);

    /* the text saved is the incident's own encoding */
    g_assert_cmpstr (r->doc, ==, doc);
  }

  /* refused on its own; the others go on */
  r = g_ptr_array_index (results, 1);
  g_assert_error (r->error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_GATE);
  g_assert_cmpint (r->seq, ==, 0);
  g_assert_null (r->doc);
  g_assert_nonnull (r->incident);
  g_assert_cmpuint (vigil_incident_get_step (r->incident), ==, 1);
  g_assert_cmpint (vigil_incident_get_revision (r->incident), ==, 1);

  r = g_ptr_array_index (results, 2);
  g_assert_no_error (r->error);
  g_assert_cmpint (r->seq, ==, 2);
  g_assert_cmpstr (vigil_incident_get_severity (r->incident), ==, "medium");

  r = g_ptr_array_index (results, 3);
  g_assert_error (r->error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_FORBIDDEN);
  g_assert_cmpint (r->seq, ==, 0);

  r = g_ptr_array_index (results, 4);
  g_assert_no_error (r->error);
  g_assert_true (r->duplicate);
  g_assert_cmpint (r->seq, ==, 1);
  g_assert_null (r->doc);

  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, 2);
  g_assert_false (vigil_store_has_op (f->store, vigil_op_get_id (g_ptr_array_index (ops, 1))));
  g_assert_false (vigil_store_has_op (f->store, vigil_op_get_id (g_ptr_array_index (ops, 3))));

  /* committed for good */
  fixture_reopen (f);
  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, 2);
  g_assert_true (vigil_store_verify (f->store, &checked, NULL, &error));
  g_assert_cmpint (checked, ==, 2);
}

/* The store keeps its statements compiled between calls. A kept SELECT
 * must not keep its read transaction open: another connection's writes
 * would stay unseen and a checkpoint could not empty the WAL. */
static void
test_kept_statements (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) other = vigil_store_open (f->path, &error);
  g_autoptr(VigilIncident) first = NULL;
  g_autoptr(VigilIncident) updated = NULL;
  g_autoptr(VigilOp) update = NULL;
  sqlite3 *db;

  g_assert_no_error (error);
  first = store_create (f->store, "First title", T0);
  db = raw_open (f->path);

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(VigilIncident) seen = NULL;
      g_autoptr(GPtrArray) log = NULL;

      seen = vigil_store_get_incident (other, vigil_incident_get_id (first), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (vigil_incident_get_title (seen), ==,
                       round == 0 ? "First title" : "Second title");
      g_assert_cmpuint (vigil_store_count_incidents (other), ==, 1);
      g_assert_cmpint (vigil_store_get_last_seq (other), ==, round + 1);
      log = vigil_store_list_log_since (other, 0, 10, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (log->len, ==, round + 1);

      /* busy = 0: no reader holds the WAL */
      g_assert_cmpint (raw_int (db, "PRAGMA wal_checkpoint(TRUNCATE)"), ==, 0);

      if (round == 0)
        {
          update = make_op_for ("incident.update", first, ANALYST, T0,
                                "{'title':'Second title'}");
          updated = store_apply_ok (f->store, update, VIGIL_ROLE_ANALYST);
        }
    }

  sqlite3_close (db);
  vigil_store_close (other);
}

static void
test_log_since (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) after2 = NULL;
  g_autoptr(GPtrArray) limited = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GError) error = NULL;

  fill_four (f);

  all = vigil_store_list_log_since (f->store, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 4);

  after2 = vigil_store_list_log_since (f->store, 2, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after2->len, ==, 2);
  g_assert_cmpint (((VigilLogEntry *) g_ptr_array_index (after2, 0))->seq, ==, 3);
  g_assert_cmpint (((VigilLogEntry *) g_ptr_array_index (after2, 1))->seq, ==, 4);
  g_assert_cmpstr (((VigilLogEntry *) g_ptr_array_index (after2, 0))->prev_hash, ==,
                   ((VigilLogEntry *) g_ptr_array_index (all, 1))->hash);

  limited = vigil_store_list_log_since (f->store, 1, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (limited->len, ==, 2);
  g_assert_cmpint (((VigilLogEntry *) g_ptr_array_index (limited, 0))->seq, ==, 2);
  g_assert_cmpint (((VigilLogEntry *) g_ptr_array_index (limited, 1))->seq, ==, 3);

  none = vigil_store_list_log_since (f->store, 4, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
}

/* async */

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(VigilOp) create = make_create ("Async", T0);
  g_autoptr(GAsyncResult) applied = NULL;
  g_autoptr(GAsyncResult) listed = NULL;
  g_autoptr(VigilIncident) incident = NULL;
  g_autoptr(GPtrArray) incidents = NULL;
  g_autoptr(VigilOp) bad = NULL;
  g_autoptr(GAsyncResult) refused_result = NULL;
  g_autoptr(VigilIncident) refused = NULL;
  g_autoptr(GError) error = NULL;

  vigil_store_apply_async (f->store, create, VIGIL_ROLE_ANALYST, NULL,
                           on_result_cb, &applied);
  wait_for_result (&applied);
  incident = vigil_store_apply_finish (f->store, applied, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vigil_incident_get_reference (incident), ==, "INC-2025-0001");
  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, 1);

  bad = make_op_for ("incident.move", incident, ANALYST, T0, "{'to':10}");
  vigil_store_apply_async (f->store, bad, VIGIL_ROLE_ANALYST, NULL,
                           on_result_cb, &refused_result);
  wait_for_result (&refused_result);
  refused = vigil_store_apply_finish (f->store, refused_result, &error);
  g_assert_null (refused);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_GATE);
  g_clear_error (&error);

  vigil_store_list_incidents_async (f->store, NULL, on_result_cb, &listed);
  wait_for_result (&listed);
  incidents = vigil_store_list_incidents_finish (f->store, listed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (incidents->len, ==, 1);
  assert_same_state (g_ptr_array_index (incidents, 0), incident);
}

/* preview */

/* The first @per_step incidents of each step in the full listing's order,
 * and the counts, as the preview must have them. */
static void
assert_preview_matches (VigilStore              *store,
                        const VigilStorePreview *preview,
                        guint                    per_step)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = vigil_store_list_incidents (store, &error);
  GPtrArray *expected[VIGIL_N_STEPS];
  guint total = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (preview->per_step, ==, per_step);
  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    expected[i] = g_ptr_array_new ();
  for (guint i = 0; i < all->len; i++)
    {
      VigilIncident *incident = g_ptr_array_index (all, i);

      g_ptr_array_add (expected[vigil_incident_get_step (incident) - 1], incident);
    }

  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    {
      g_assert_cmpuint (preview->counts[i], ==, expected[i]->len);
      g_assert_cmpuint (preview->incidents[i]->len, ==, MIN (expected[i]->len, per_step));
      for (guint j = 0; j < preview->incidents[i]->len; j++)
        assert_same_state (g_ptr_array_index (preview->incidents[i], j),
                           g_ptr_array_index (expected[i], j));
      total += preview->counts[i];
      g_ptr_array_unref (expected[i]);
    }
  g_assert_cmpuint (total, ==, all->len);
}

static void
test_preview (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(VigilStorePreview) empty = NULL;
  g_autoptr(VigilStorePreview) preview = NULL;
  g_autoptr(VigilStorePreview) all = NULL;
  g_autoptr(VigilStorePreview) async_preview = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  empty = vigil_store_list_preview (f->store, 4, &error);
  g_assert_no_error (error);
  assert_preview_matches (f->store, empty, 4);
  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    {
      g_assert_cmpuint (empty->counts[i], ==, 0);
      g_assert_cmpuint (empty->incidents[i]->len, ==, 0);
    }

  /* 30 incidents: references of 2025, then of 2024, which sort first
   * though they were written later; a third moved to step 3, a sixth to
   * step 4, the rest in step 1. */
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *title = g_strdup_printf ("Incident %u", i);
      g_autoptr(VigilIncident) incident = store_create (f->store, title,
                                                        i < 15 ? T0 : "2024-06-01T10:00:00Z");

      if (i % 3 == 1 || i % 6 == 2)
        {
          g_autoptr(VigilOp) move = make_op_for ("incident.move", incident, ANALYST, T0,
                                                 i % 3 == 1 ? "{'to':3}" : "{'to':4}");
          g_autoptr(VigilIncident) moved = store_apply_ok (f->store, move, VIGIL_ROLE_ANALYST);
        }
    }

  preview = vigil_store_list_preview (f->store, 4, &error);
  g_assert_no_error (error);
  assert_preview_matches (f->store, preview, 4);
  g_assert_cmpuint (preview->counts[0], ==, 15);
  g_assert_cmpuint (preview->counts[2], ==, 10);
  g_assert_cmpuint (preview->counts[3], ==, 5);
  g_assert_cmpuint (preview->incidents[0]->len, ==, 4);
  g_assert_cmpstr (vigil_incident_get_reference (g_ptr_array_index (preview->incidents[0], 0)),
                   ==, "INC-2024-0001");

  /* More per step than there are: every incident. */
  all = vigil_store_list_preview (f->store, 100, &error);
  g_assert_no_error (error);
  assert_preview_matches (f->store, all, 100);
  g_assert_cmpuint (all->incidents[0]->len, ==, 15);

  vigil_store_list_preview_async (f->store, 4, NULL, on_result_cb, &result);
  wait_for_result (&result);
  async_preview = vigil_store_list_preview_finish (f->store, result, &error);
  g_assert_no_error (error);
  assert_preview_matches (f->store, async_preview, 4);

  /* A closed store says so. */
  vigil_store_close (f->store);
  g_assert_null (vigil_store_list_preview (f->store, 4, &error));
  g_assert_error (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_FAILED);
}

/* threads */

#define N_THREADS 4
#define N_OPS_PER_THREAD 50

typedef struct {
  VigilStore *store;
  guint       index;
  char       *incident_id;
} Worker;

static gpointer
worker_run (gpointer data)
{
  Worker *worker = data;
  g_autoptr(VigilIncident) incident = NULL;
  g_autofree char *payload = g_strdup_printf ("{'title':'Worker %u','type':'malware'}",
                                              worker->index);
  g_autoptr(VigilOp) create = make_op ("incident.create", worker->incident_id, ANALYST, 0, T0,
                                       payload);
  g_autoptr(GError) error = NULL;

  incident = vigil_store_apply (worker->store, create, VIGIL_ROLE_ANALYST, NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 1; i < N_OPS_PER_THREAD; i++)
    {
      g_autofree char *update_payload = g_strdup_printf ("{'title':'Worker %u, edit %u'}",
                                                         worker->index, i);
      g_autoptr(VigilOp) update = make_op_for ("incident.update", incident, ANALYST, T0,
                                               update_payload);
      VigilIncident *next;

      next = vigil_store_apply (worker->store, update, VIGIL_ROLE_ANALYST, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (vigil_incident_get_revision (next), ==, i + 1);
      g_object_unref (incident);
      incident = next;
    }

  return NULL;
}

static void
test_threads (Fixture       *f,
              gconstpointer  data)
{
  Worker workers[N_THREADS];
  GThread *threads[N_THREADS];
  g_autoptr(GHashTable) references = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                            g_free, NULL);
  g_autoptr(GError) error = NULL;
  gint64 checked = 0;

  for (guint i = 0; i < N_THREADS; i++)
    {
      workers[i].store = f->store;
      workers[i].index = i;
      workers[i].incident_id = g_uuid_string_random ();
      threads[i] = g_thread_new ("vigil-test-worker", worker_run, &workers[i]);
    }
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, N_THREADS * N_OPS_PER_THREAD);
  g_assert_cmpuint (log_length (f->store, NULL), ==, N_THREADS * N_OPS_PER_THREAD);
  g_assert_true (vigil_store_verify (f->store, &checked, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (checked, ==, N_THREADS * N_OPS_PER_THREAD);

  for (guint i = 0; i < N_THREADS; i++)
    {
      g_autoptr(VigilIncident) incident = NULL;
      g_autofree char *title = g_strdup_printf ("Worker %u, edit %u", i, N_OPS_PER_THREAD - 1);

      incident = vigil_store_get_incident (f->store, workers[i].incident_id, &error);
      g_assert_no_error (error);
      g_assert_cmpint (vigil_incident_get_revision (incident), ==, N_OPS_PER_THREAD);
      g_assert_cmpstr (vigil_incident_get_title (incident), ==, title);
      g_assert_cmpuint (log_length (f->store, workers[i].incident_id), ==, N_OPS_PER_THREAD);
      g_assert_true (g_hash_table_add (references,
                                       g_strdup (vigil_incident_get_reference (incident))));
      g_free (workers[i].incident_id);
    }
}

/* The workspace policy: kept in the store, followed by every operation it
 * applies, and kept across a restart. */
static void
test_policy (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(VigilIncident) incident = NULL;
  g_autoptr(VigilIncident) next = NULL;
  g_autoptr(VigilIncident) refused = NULL;
  g_autoptr(VigilOp) send = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;

  g_assert_cmpint (vigil_store_get_policy (f->store), ==, VIGIL_POLICY_DEFAULT);
  g_assert_true (vigil_store_get_policy (f->store) &
                 VIGIL_POLICY_EXTERNAL_NOTIFICATIONS_NEED_APPROVAL);

  incident = test_core_apply (f->store, NULL, "incident.create", ANALYST, VIGIL_ROLE_ANALYST,
                              "{'title':'Card payments down','type':'ddos',"
                              "'aware_at':'2025-03-01T09:00:00Z','severity':'high'}");
#define STEP(kind, actor, role, payload) \
  next = test_core_apply (f->store, incident, kind, actor, role, payload); \
  g_set_object (&incident, next); \
  g_clear_object (&next)
  STEP ("form.update", ANALYST, VIGIL_ROLE_ANALYST,
        "{'form':'findings','fields':{'summary':'Flood of requests'}}");
  STEP ("form.update", ANALYST, VIGIL_ROLE_ANALYST,
        "{'form':'escalate','fields':{'escalate':false}}");
  STEP ("approval.submit", ANALYST, VIGIL_ROLE_ANALYST, "{}");
  STEP ("approval.decide", LEAD, VIGIL_ROLE_LEAD, "{'decision':'approve'}");
  STEP ("item.add", ANALYST, VIGIL_ROLE_ANALYST,
        "{'form':'notify','collection':'notifications','item':{'id':'n1',"
        "'audience':'regulator','subject':'Notice of an incident'}}");
#undef STEP

  payload = json_from_string ("{\"form\": \"notify\", \"collection\": \"notifications\", "
                              "\"id\": \"n1\", \"fields\": {\"sent\": true}}", &error);
  g_assert_no_error (error);
  send = vigil_op_new (VIGIL_OP_ITEM_UPDATE, vigil_incident_get_id (incident), ANALYST,
                       vigil_incident_get_revision (incident),
                       json_object_ref (json_node_get_object (payload)));
  refused = vigil_store_apply (f->store, send, VIGIL_ROLE_ANALYST, NULL, NULL, &error);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_GATE);
  g_assert_null (refused);
  g_clear_error (&error);

  g_assert_true (vigil_store_set_policy (f->store, VIGIL_POLICY_NONE, &error));
  g_assert_no_error (error);
  fixture_reopen (f);
  g_assert_cmpint (vigil_store_get_policy (f->store), ==, VIGIL_POLICY_NONE);

  next = vigil_store_apply (f->store, send, VIGIL_ROLE_ANALYST, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (vigil_incident_find_item (next, "notify", "notifications", "n1"));
  g_assert_nonnull (json_object_get_member (
                      vigil_incident_find_item (next, "notify", "notifications", "n1"), "sent"));

  g_assert_true (vigil_store_set_policy (f->store, VIGIL_POLICY_DEFAULT, &error));
  g_assert_cmpint (vigil_store_get_policy (f->store), ==, VIGIL_POLICY_DEFAULT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/vigil/store/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("open/new", test_open_new);
  ADD ("open/file-format", test_open_file_format);
  ADD ("open/reopen", test_open_reopen);
  ADD ("open/too-new", test_open_too_new);
  ADD ("open/not-a-database", test_open_not_a_database);
  ADD ("open/async", test_open_async);

  ADD ("apply/create", test_apply_create);
  ADD ("apply/references", test_apply_references);
  ADD ("apply/refused", test_apply_refused);
  ADD ("apply/refused-role", test_apply_refused_roles);
  ADD ("apply/not-found", test_apply_not_found);
  ADD ("apply/exists", test_apply_exists);
  ADD ("apply/duplicate", test_apply_duplicate);
  ADD ("apply/duplicate-later", test_apply_duplicate_later);
  ADD ("apply/workflow", test_apply_workflow);

  ADD ("log/chain", test_log_chain);
  ADD ("log/per-incident", test_log_per_incident);

  ADD ("verify/intact", test_verify_intact);
  ADD ("verify/tampered", test_verify_tampered);
  ADD ("verify/tampered-last", test_verify_tampered_last);
  ADD ("verify/deleted", test_verify_deleted);

  ADD ("batch/apply", test_batch);
  ADD ("batch/rollback", test_batch_rollback);
  ADD ("batch/each", test_apply_each);
  ADD ("log/since", test_log_since);
  ADD ("kept-statements", test_kept_statements);

  ADD ("async/apply", test_async);
  ADD ("preview", test_preview);
  ADD ("policy", test_policy);

  ADD ("threads", test_threads);

#undef ADD

  return g_test_run ();
}
