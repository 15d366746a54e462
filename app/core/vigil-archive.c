/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-archive"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vigil-archive.h"
#include "vigil-forms.h"
#include "vigil-report.h"

G_DEFINE_QUARK (vigil-archive-error-quark, vigil_archive_error)

#define ARCHIVE_FORMAT  "vigil-archive"
#define ARCHIVE_VERSION 1
#define HASH_CHUNK      (256 * 1024)

/* The files every archive has, in the order of the manifest. */
static const char * const archive_files[] = {
  "incident.json",
  "history.json",
  "evidence.json",
  "report.md",
  "report.pdf",
};

/* helpers */

static char *
hash_file (const char  *path,
           GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, error);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buffer = NULL;

  if (stream == NULL)
    return NULL;
  buffer = g_malloc (HASH_CHUNK);
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, HASH_CHUNK, NULL, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      g_checksum_update (checksum, buffer, n);
    }
  return g_strdup (g_checksum_get_string (checksum));
}

static gboolean
write_text (const char  *dir,
            const char  *name,
            const char  *text,
            GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_set_contents_full (path, text, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0644, error);
}

static gboolean
write_json (const char  *dir,
            const char  *name,
            JsonNode    *root,
            GError     **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  g_autofree char *with_newline = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  with_newline = g_strconcat (text, "\n", NULL);
  return write_text (dir, name, with_newline, error);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (dir);
}

/* A folder name from the reference: nothing that could leave the folder. */
static char *
archive_name (VigilIncident *incident)
{
  const char *reference = vigil_incident_get_reference (incident);
  const char *base = reference != NULL && *reference != '\0' ? reference
                                                             : vigil_incident_get_id (incident);
  g_autofree char *safe = g_strdup (base);

  g_strcanon (safe, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", '_');
  return g_strconcat (safe, "-archive", NULL);
}

static JsonNode *
history_json (VigilIncident *incident,
              GPtrArray     *log)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "incident");
  json_builder_add_string_value (builder, vigil_incident_get_id (incident));
  json_builder_set_member_name (builder, "reference");
  json_builder_add_string_value (builder, vigil_incident_get_reference (incident));
  json_builder_set_member_name (builder, "entries");
  json_builder_begin_array (builder);
  for (guint i = 0; i < log->len; i++)
    {
      VigilLogEntry *entry = g_ptr_array_index (log, i);
      JsonNode *changes = json_node_new (JSON_NODE_ARRAY);

      if (entry->changes != NULL)
        json_node_set_array (changes, entry->changes);
      else
        json_node_take_array (changes, json_array_new ());
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "seq");
      json_builder_add_int_value (builder, entry->seq);
      json_builder_set_member_name (builder, "op");
      json_builder_add_value (builder, vigil_op_to_json (entry->op));
      json_builder_set_member_name (builder, "changes");
      json_builder_add_value (builder, changes);
      json_builder_set_member_name (builder, "prev_hash");
      json_builder_add_string_value (builder, entry->prev_hash);
      json_builder_set_member_name (builder, "hash");
      json_builder_add_string_value (builder, entry->hash);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* The records of @collection that refer to the evidence @id. */
static JsonNode *
custody_of (VigilIncident *incident,
            const char    *collection,
            const char    *id)
{
  JsonArray *items = vigil_incident_get_items (incident, "custody", collection);
  JsonArray *out = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (item, "evidence", ""), id) == 0)
        json_array_add_element (out, json_node_copy (json_array_get_element (items, i)));
    }
  json_node_take_array (node, out);
  return node;
}

static JsonNode *
evidence_json (VigilIncident *incident)
{
  JsonArray *items = vigil_incident_get_items (incident, "collect", "evidence");
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "incident");
  json_builder_add_string_value (builder, vigil_incident_get_id (incident));
  json_builder_set_member_name (builder, "reference");
  json_builder_add_string_value (builder, vigil_incident_get_reference (incident));
  json_builder_set_member_name (builder, "evidence");
  json_builder_begin_array (builder);
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *id = json_object_get_string_member_with_default (item, "id", "");
      JsonNode *copy = json_node_copy (json_array_get_element (items, i));
      JsonObject *record = json_node_get_object (copy);

      json_object_set_member (record, "handovers", custody_of (incident, "handovers", id));
      json_object_set_member (record, "verifications",
                              custody_of (incident, "verifications", id));
      json_builder_add_value (builder, copy);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static JsonNode *
incident_json (VigilIncident *incident,
               GPtrArray     *log,
               GDateTime     *archived_at,
               GDateTime     *retain_until)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *archived = vigil_time_to_iso (archived_at);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "archive");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, ARCHIVE_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, ARCHIVE_VERSION);
  json_builder_set_member_name (builder, "archived_at");
  json_builder_add_string_value (builder, archived);
  json_builder_set_member_name (builder, "retain_until");
  if (retain_until != NULL)
    {
      g_autofree char *retain = vigil_time_to_iso (retain_until);

      json_builder_add_string_value (builder, retain);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "log_entries");
  json_builder_add_int_value (builder, log->len);
  json_builder_set_member_name (builder, "last_log_hash");
  if (log->len > 0)
    json_builder_add_string_value (builder,
                                   ((VigilLogEntry *) g_ptr_array_index (log, log->len - 1))->hash);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "incident");
  json_builder_add_value (builder, vigil_incident_to_json (incident));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* Writing */

char *
vigil_archive_write (VigilStore  *store,
                     const char  *incident_id,
                     const char  *parent_dir,
                     GDateTime   *retain_until,
                     char       **manifest_sha256,
                     GError     **error)
{
  g_autoptr(VigilIncident) incident = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(VigilReport) report = NULL;
  g_autoptr(JsonNode) incident_node = NULL;
  g_autoptr(JsonNode) history_node = NULL;
  g_autoptr(JsonNode) evidence_node = NULL;
  g_autoptr(GString) manifest = g_string_new (NULL);
  g_autofree char *name = NULL;
  g_autofree char *final_path = NULL;
  g_autofree char *template = NULL;
  g_autofree char *temp_dir = NULL;
  g_autofree char *markdown = NULL;
  g_autofree char *pdf_path = NULL;
  g_autofree char *display = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (store), NULL);
  g_return_val_if_fail (incident_id != NULL, NULL);
  g_return_val_if_fail (parent_dir != NULL, NULL);

  incident = vigil_store_get_incident (store, incident_id, error);
  if (incident == NULL)
    return NULL;
  log = vigil_store_list_log (store, incident_id, error);
  if (log == NULL)
    return NULL;

  name = archive_name (incident);
  final_path = g_build_filename (parent_dir, name, NULL);
  display = g_filename_display_name (final_path);
  if (g_file_test (final_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_EXISTS,
                   _("“%s” exists already. An archive is never overwritten: move the old one "
                     "away or choose another folder."), display);
      return NULL;
    }

  template = g_strconcat (".", name, "-XXXXXX", NULL);
  temp_dir = g_build_filename (parent_dir, template, NULL);
  if (g_mkdtemp_full (temp_dir, 0755) == NULL)
    {
      int saved = errno;
      g_autofree char *parent = g_filename_display_name (parent_dir);

      g_set_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_FAILED,
                   _("Could not make the archive in “%s”: %s. Check that the folder exists and "
                     "that you may write there."), parent, g_strerror (saved));
      return NULL;
    }

  incident_node = incident_json (incident, log, now, retain_until);
  history_node = history_json (incident, log);
  evidence_node = evidence_json (incident);
  report = vigil_report_new (incident, log, now);
  markdown = vigil_report_to_markdown (report);
  pdf_path = g_build_filename (temp_dir, "report.pdf", NULL);

  if (!write_json (temp_dir, "incident.json", incident_node, &local_error) ||
      !write_json (temp_dir, "history.json", history_node, &local_error) ||
      !write_json (temp_dir, "evidence.json", evidence_node, &local_error) ||
      !write_text (temp_dir, "report.md", markdown, &local_error) ||
      !vigil_report_write_pdf (report, pdf_path, &local_error))
    goto failed;

  /* The sums are taken from what is on disk, not from what was meant to be
   * written. */
  for (guint i = 0; i < G_N_ELEMENTS (archive_files); i++)
    {
      g_autofree char *path = g_build_filename (temp_dir, archive_files[i], NULL);
      g_autofree char *sum = hash_file (path, &local_error);

      if (sum == NULL)
        goto failed;
      g_string_append_printf (manifest, "%s  %s\n", sum, archive_files[i]);
    }
  if (!write_text (temp_dir, VIGIL_ARCHIVE_MANIFEST, manifest->str, &local_error))
    goto failed;

  if (g_rename (temp_dir, final_path) != 0)
    {
      int saved = errno;

      g_set_error (&local_error, VIGIL_ARCHIVE_ERROR,
                   saved == EEXIST || saved == ENOTEMPTY ? VIGIL_ARCHIVE_ERROR_EXISTS
                                                         : VIGIL_ARCHIVE_ERROR_FAILED,
                   "%s", g_strerror (saved));
      goto failed;
    }

  if (manifest_sha256 != NULL)
    *manifest_sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, manifest->str, -1);
  return g_steal_pointer (&final_path);

failed:
  remove_tree (temp_dir);
  if (local_error->domain == VIGIL_ARCHIVE_ERROR &&
      local_error->code == VIGIL_ARCHIVE_ERROR_EXISTS)
    {
      g_clear_error (&local_error);
      g_set_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_EXISTS,
                   _("“%s” exists already. An archive is never overwritten: move the old one "
                     "away or choose another folder."), display);
      return NULL;
    }
  g_set_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_FAILED,
               _("Could not write the archive “%s”: %s"), display, local_error->message);
  g_clear_error (&local_error);
  return NULL;
}

typedef struct {
  VigilStore *store;
  char       *incident_id;
  char       *parent_dir;
  GDateTime  *retain_until;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_clear_object (&data->store);
  g_free (data->incident_id);
  g_free (data->parent_dir);
  g_clear_pointer (&data->retain_until, g_date_time_unref);
  g_free (data);
}

static void
write_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteData *data = task_data;
  GError *error = NULL;
  char *path;

  if (g_task_return_error_if_cancelled (task))
    return;
  path = vigil_archive_write (data->store, data->incident_id, data->parent_dir,
                              data->retain_until, NULL, &error);
  if (path != NULL)
    g_task_return_pointer (task, path, g_free);
  else
    g_task_return_error (task, error);
}

void
vigil_archive_write_async (VigilStore          *store,
                           const char          *incident_id,
                           const char          *parent_dir,
                           GDateTime           *retain_until,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WriteData *data;

  g_return_if_fail (VIGIL_IS_STORE (store));
  g_return_if_fail (incident_id != NULL);
  g_return_if_fail (parent_dir != NULL);

  data = g_new0 (WriteData, 1);
  data->store = g_object_ref (store);
  data->incident_id = g_strdup (incident_id);
  data->parent_dir = g_strdup (parent_dir);
  data->retain_until = retain_until != NULL ? g_date_time_ref (retain_until) : NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_archive_write_async);
  g_task_set_task_data (task, data, (GDestroyNotify) write_data_free);
  g_task_run_in_thread (task, write_thread);
}

char *
vigil_archive_write_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Verifying */

typedef struct {
  char *sum;
  char *name;
} ManifestLine;

static void
manifest_line_free (ManifestLine *line)
{
  g_free (line->sum);
  g_free (line->name);
  g_free (line);
}

static gboolean
is_sum (const char *text,
        gsize       len)
{
  if (len != 64)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isxdigit (text[i]))
        return FALSE;
    }
  return TRUE;
}

static GPtrArray *
read_manifest (const char  *dir,
               GError     **error)
{
  g_autofree char *path = g_build_filename (dir, VIGIL_ARCHIVE_MANIFEST, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func ((GDestroyNotify) manifest_line_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) rows = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &text, &length, NULL))
    {
      g_set_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_MANIFEST,
                   _("The folder has no readable %s: it is not an archive, or its manifest "
                     "was removed."), VIGIL_ARCHIVE_MANIFEST);
      return NULL;
    }
  if (strlen (text) != length || !g_utf8_validate (text, length, NULL))
    {
      g_set_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_MANIFEST,
                   _("%s is not text: the manifest was damaged."), VIGIL_ARCHIVE_MANIFEST);
      return NULL;
    }

  rows = g_strsplit (text, "\n", -1);
  for (guint i = 0; rows[i] != NULL; i++)
    {
      const char *row = rows[i];
      const char *name;
      ManifestLine *line;

      if (*row == '\0' && rows[i + 1] == NULL)
        break;
      /* "SUM  NAME" (text mode) or "SUM *NAME" (binary mode), as sha256sum writes. */
      name = row + 66;
      if (strlen (row) <= 66 || !is_sum (row, 64) || row[64] != ' ' ||
          (row[65] != ' ' && row[65] != '*') || strchr (name, '/') != NULL ||
          g_str_equal (name, ".") || g_str_equal (name, "..") ||
          g_str_equal (name, VIGIL_ARCHIVE_MANIFEST))
        {
          g_set_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_MANIFEST,
                       _("Line %u of %s is not “SHA-256, two spaces, file name”: the manifest "
                         "was damaged or edited."), i + 1, VIGIL_ARCHIVE_MANIFEST);
          return NULL;
        }
      line = g_new0 (ManifestLine, 1);
      line->sum = g_ascii_strdown (row, 64);
      line->name = g_strdup (name);
      if (g_hash_table_contains (seen, line->name))
        {
          g_set_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_MANIFEST,
                       _("%s lists “%s” twice: the manifest was edited."),
                       VIGIL_ARCHIVE_MANIFEST, line->name);
          manifest_line_free (line);
          return NULL;
        }
      g_hash_table_add (seen, line->name);
      g_ptr_array_add (lines, line);
    }
  return g_steal_pointer (&lines);
}

gboolean
vigil_archive_verify (const char  *path,
                      guint       *n_checked,
                      GError     **error)
{
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = NULL;
  const char *entry;

  g_return_val_if_fail (path != NULL, FALSE);

  if (n_checked != NULL)
    *n_checked = 0;
  display = g_filename_display_name (path);
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_FAILED,
                   _("“%s” is not a folder. Give the path of an archive folder, e.g. "
                     "INC-2026-0001-archive."), display);
      return FALSE;
    }

  lines = read_manifest (path, error);
  if (lines == NULL)
    return FALSE;
  for (guint i = 0; i < lines->len; i++)
    g_hash_table_add (listed, ((ManifestLine *) g_ptr_array_index (lines, i))->name);

  for (guint i = 0; i < G_N_ELEMENTS (archive_files); i++)
    {
      if (!g_hash_table_contains (listed, archive_files[i]))
        {
          g_set_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_MANIFEST,
                       _("%s does not list %s, which every archive has: the manifest was "
                         "edited."), VIGIL_ARCHIVE_MANIFEST, archive_files[i]);
          return FALSE;
        }
    }

  dir = g_dir_open (path, 0, &local_error);
  if (dir == NULL)
    {
      g_set_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_FAILED,
                   _("Could not read the folder “%s”: %s"), display, local_error->message);
      return FALSE;
    }
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      if (!g_str_equal (entry, VIGIL_ARCHIVE_MANIFEST) && !g_hash_table_contains (listed, entry))
        {
          g_autofree char *name = g_filename_display_name (entry);

          g_set_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_EXTRA,
                       _("“%s” is not listed in the manifest: something was added to the "
                         "archive after it was written."), name);
          return FALSE;
        }
    }

  for (guint i = 0; i < lines->len; i++)
    {
      ManifestLine *line = g_ptr_array_index (lines, i);
      g_autofree char *file = g_build_filename (path, line->name, NULL);
      g_autofree char *sum = NULL;

      if (!g_file_test (file, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_MISSING,
                       _("“%s” is missing from the archive."), line->name);
          return FALSE;
        }
      if (!g_file_test (file, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_MISMATCH,
                       _("“%s” is not a regular file any more."), line->name);
          return FALSE;
        }
      sum = hash_file (file, &local_error);
      if (sum == NULL)
        {
          g_set_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_FAILED,
                       _("Could not read “%s”: %s"), line->name, local_error->message);
          return FALSE;
        }
      if (!g_str_equal (sum, line->sum))
        {
          g_set_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_MISMATCH,
                       _("“%s” does not match the manifest: its SHA-256 is %s, the manifest says "
                         "%s. The file or the manifest was changed after the archive was "
                         "written."),
                       line->name, sum, line->sum);
          return FALSE;
        }
      if (n_checked != NULL)
        (*n_checked)++;
    }
  return TRUE;
}
