/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <string.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <vigil/vigil.h>

#include "test-core-util.h"

#define ANALYST "alice"
#define LEAD    "bob"

#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

typedef struct {
  char          *dir;
  VigilStore    *store;
  VigilIncident *incident;
  char          *archive;
} Fixture;

static const char * const files[] = {
  "incident.json", "history.json", "evidence.json", "report.md", "report.pdf",
  VIGIL_ARCHIVE_MANIFEST,
};

/* Applies one operation through the store, as the app does. */
static void
apply (Fixture    *f,
       const char *kind,
       const char *actor,
       const char *squoted_payload)
{
  VigilIncident *result = test_core_apply (f->store, f->incident, kind, actor,
                                           g_str_equal (actor, LEAD) ? VIGIL_ROLE_LEAD
                                                                     : VIGIL_ROLE_ANALYST,
                                           squoted_payload);

  g_set_object (&f->incident, result);
  g_object_unref (result);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->store = test_core_open_temp_store ("vigil-test-archive-XXXXXX", &f->dir, NULL);

  apply (f, "incident.create", ANALYST,
         "{'title':'Credential phishing','type':'phishing','detected_at':'2026-11-03T07:00:00Z',"
         "'aware_at':'2026-11-03T07:20:00Z'}");
  apply (f, "incident.update", ANALYST, "{'severity':'medium'}");
  apply (f, "item.add", ANALYST,
         "{'form':'collect','collection':'evidence','item':{'id':'ev1','name':'Phishing mail',"
         "'kind':'email','size':3,'sha256':'" SHA_ABC "','collected_by':'alice',"
         "'collected_at':'2026-11-03T08:00:00Z'}}");
  apply (f, "form.update", ANALYST,
         "{'form':'findings','fields':{'summary':'Three users entered their passwords.'}}");
  apply (f, "form.update", ANALYST, "{'form':'escalate','fields':{'escalate':false}}");
  apply (f, "approval.submit", ANALYST, "{}");
  apply (f, "approval.decide", LEAD, "{'decision':'approve','comment':'Go ahead'}");
  apply (f, "item.add", ANALYST,
         "{'form':'custody','collection':'handovers','item':{'id':'h1','evidence':'ev1',"
         "'from':'alice','to':'legal','at':'2026-11-03T09:00:00Z'}}");
  apply (f, "incident.move", ANALYST, "{'to':15}");
  g_assert_true (vigil_incident_is_archived (f->incident));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->incident);
  vigil_store_close (f->store);
  g_clear_object (&f->store);
  test_core_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->archive);
}

static void
write_archive (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) retain = g_date_time_new_utc (2036, 12, 31, 0, 0, 0);
  g_autofree char *manifest_sum = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *sum = NULL;

  f->archive = vigil_archive_write (f->store, vigil_incident_get_id (f->incident), f->dir,
                                    retain, &manifest_sum, &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("%s/%s-archive", f->dir, vigil_incident_get_reference (f->incident));
  g_assert_cmpstr (f->archive, ==, expected);


  /* the manifest's own sum, to be kept apart from the archive */
  path = g_build_filename (f->archive, VIGIL_ARCHIVE_MANIFEST, NULL);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  g_assert_cmpstr (manifest_sum, ==, sum);
}

static void
assert_intact (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  guint checked = 0;

  g_assert_true (vigil_archive_verify (f->archive, &checked, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (checked, ==, G_N_ELEMENTS (files) - 1);
}

static JsonObject *
read_object (Fixture    *f,
             const char *name,
             JsonParser *parser)
{
  g_autofree char *path = g_build_filename (f->archive, name, NULL);
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* tests */

static void
test_contents (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *manifest_path = NULL;
  g_autofree char *md = NULL;
  g_autofree char *md_path = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *pdf_path = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *root;
  JsonObject *meta;
  JsonArray *entries;
  JsonArray *evidence;
  guint n = 0;

  write_archive (f);
  assert_intact (f);

  dir = g_dir_open (f->archive, 0, &error);
  g_assert_no_error (error);
  while (g_dir_read_name (dir) != NULL)
    n++;
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (files));

  /* incident.json: the document and the archive's metadata */
  root = read_object (f, "incident.json", parser);
  meta = json_object_get_object_member (root, "archive");
  g_assert_cmpstr (json_object_get_string_member (meta, "format"), ==, "vigil-archive");
  g_assert_cmpstr (json_object_get_string_member (meta, "retain_until"), ==,
                   "2036-12-31T00:00:00Z");
  {
    g_autoptr(VigilIncident) copy = vigil_incident_new_from_json (json_object_get_member (root,
                                                                                          "incident"),
                                                                  &error);
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;

    g_assert_no_error (error);
    a = vigil_incident_to_string (copy);
    b = vigil_incident_to_string (f->incident);
    g_assert_cmpstr (a, ==, b);
  }

  /* history.json: every log entry with its hashes */
  log = vigil_store_list_log (f->store, vigil_incident_get_id (f->incident), &error);
  g_assert_no_error (error);
  root = read_object (f, "history.json", parser);
  entries = json_object_get_array_member (root, "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, log->len);
  g_assert_cmpuint (log->len, ==, 9);
  for (guint i = 0; i < log->len; i++)
    {
      VigilLogEntry *entry = g_ptr_array_index (log, i);
      JsonObject *written = json_array_get_object_element (entries, i);

      g_assert_cmpint (json_object_get_int_member (written, "seq"), ==, entry->seq);
      g_assert_cmpstr (json_object_get_string_member (written, "hash"), ==, entry->hash);
      g_assert_cmpstr (json_object_get_string_member (written, "prev_hash"), ==,
                       entry->prev_hash);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (written,
                                                                                      "op"), "id"),
                       ==, vigil_op_get_id (entry->op));
    }
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_array_get_object_element (entries, 6), "op"), "kind"),
                   ==, "approval.decide");

  /* evidence.json: hashes, sizes and custody */
  root = read_object (f, "evidence.json", parser);
  evidence = json_object_get_array_member (root, "evidence");
  g_assert_cmpuint (json_array_get_length (evidence), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (evidence, 0),
                                                  "sha256"), ==, SHA_ABC);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (evidence, 0),
                                               "size"), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_array_get_object_element (evidence, 0), "handovers")), ==, 1);

  /* the reports */
  md_path = g_build_filename (f->archive, "report.md", NULL);
  g_file_get_contents (md_path, &md, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (md, "Three users entered their passwords."));
  g_assert_nonnull (strstr (md, "`" SHA_ABC "`"));
  g_assert_nonnull (strstr (md, "- **Current step:** 15. Archive incident data"));
  pdf_path = g_build_filename (f->archive, "report.pdf", NULL);
  g_file_get_contents (pdf_path, &pdf, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (pdf, "%PDF-"));

  /* the manifest: sha256sum's format, one line per other file */
  manifest_path = g_build_filename (f->archive, VIGIL_ARCHIVE_MANIFEST, NULL);
  g_file_get_contents (manifest_path, &manifest, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (manifest, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (files));
  g_assert_cmpstr (lines[G_N_ELEMENTS (files) - 1], ==, "");
  for (guint i = 0; i + 1 < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (f->archive, files[i], NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;
      g_autofree char *sum = NULL;
      g_autofree char *line = NULL;

      g_file_get_contents (path, &contents, &length, &error);
      g_assert_no_error (error);
      sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
      line = g_strdup_printf ("%s  %s", sum, files[i]);
      g_assert_cmpstr (lines[i], ==, line);
    }

  /* no temporary folder is left behind */
  g_clear_pointer (&dir, g_dir_close);
  dir = g_dir_open (f->dir, 0, &error);
  n = 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  g_assert_cmpuint (n, <=, 4); /* vigil.db, its -wal and -shm, the archive */
}

static void
test_sha256sum (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *program = g_find_program_in_path ("sha256sum");
  const char *argv[] = { program, "--strict", "-c", VIGIL_ARCHIVE_MANIFEST, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (program == NULL)
    {
      g_test_skip ("sha256sum is not installed");
      return;
    }
  write_archive (f);
  g_spawn_sync (f->archive, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_test_message ("%s", out);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "report.pdf: OK"));
}

static void
test_tampered (Fixture       *f,
               gconstpointer  data)
{
  write_archive (f);

  /* one changed byte anywhere breaks it; putting it back mends it */
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (f->archive, files[i], NULL);
      g_autofree char *contents = NULL;
      g_autofree char *changed = NULL;
      gsize length = 0;
      g_autoptr(GError) error = NULL;

      g_file_get_contents (path, &contents, &length, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (length, >, 10);
      changed = g_memdup2 (contents, length);
      changed[length / 2] ^= 0x01;
      g_file_set_contents (path, changed, length, &error);
      g_assert_no_error (error);

      g_assert_false (vigil_archive_verify (f->archive, NULL, &error));
      g_test_message ("%s: %s", files[i], error->message);
      if (i + 1 < G_N_ELEMENTS (files))
        {
          g_assert_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_MISMATCH);
          g_assert_nonnull (strstr (error->message, files[i]));
        }
      else
        g_assert_true (error->domain == VIGIL_ARCHIVE_ERROR);
      g_clear_error (&error);

      g_file_set_contents (path, contents, length, &error);
      g_assert_no_error (error);
      assert_intact (f);
    }
}

static void
test_missing_and_extra (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *report = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *hidden = NULL;
  g_autoptr(GError) error = NULL;

  write_archive (f);
  report = g_build_filename (f->archive, "report.md", NULL);
  moved = g_build_filename (f->dir, "report.md", NULL);
  g_assert_cmpint (g_rename (report, moved), ==, 0);
  g_assert_false (vigil_archive_verify (f->archive, NULL, &error));
  g_assert_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, "report.md"));
  g_clear_error (&error);
  g_assert_cmpint (g_rename (moved, report), ==, 0);
  assert_intact (f);

  extra = g_build_filename (f->archive, "notes.txt", NULL);
  g_file_set_contents (extra, "added later\n", -1, &error);
  g_assert_no_error (error);
  g_assert_false (vigil_archive_verify (f->archive, NULL, &error));
  g_assert_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_EXTRA);
  g_assert_nonnull (strstr (error->message, "notes.txt"));
  g_clear_error (&error);
  g_assert_cmpint (g_remove (extra), ==, 0);

  hidden = g_build_filename (f->archive, ".hidden", NULL);
  g_assert_cmpint (g_mkdir (hidden, 0700), ==, 0);
  g_assert_false (vigil_archive_verify (f->archive, NULL, &error));
  g_assert_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_EXTRA);
  g_clear_error (&error);
  g_assert_cmpint (g_rmdir (hidden), ==, 0);
  assert_intact (f);

  /* a file dropped together with its manifest line is still found out */
  manifest = g_build_filename (f->archive, VIGIL_ARCHIVE_MANIFEST, NULL);
  {
    g_autofree char *text = NULL;
    g_autoptr(GString) kept = g_string_new (NULL);
    g_auto(GStrv) lines = NULL;

    g_file_get_contents (manifest, &text, NULL, &error);
    g_assert_no_error (error);
    lines = g_strsplit (text, "\n", -1);
    for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
      if (!g_str_has_suffix (lines[i], "  report.pdf"))
        g_string_append_printf (kept, "%s\n", lines[i]);
    g_file_set_contents (manifest, kept->str, -1, &error);
    g_assert_no_error (error);
  }
  {
    g_autofree char *pdf = g_build_filename (f->archive, "report.pdf", NULL);

    g_assert_cmpint (g_remove (pdf), ==, 0);
  }
  g_assert_false (vigil_archive_verify (f->archive, NULL, &error));
  g_assert_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_MANIFEST);
  g_assert_nonnull (strstr (error->message, "report.pdf"));
  g_clear_error (&error);

  g_assert_cmpint (g_remove (manifest), ==, 0);
  g_assert_false (vigil_archive_verify (f->archive, NULL, &error));
  g_assert_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_MANIFEST);
  g_clear_error (&error);

  g_assert_false (vigil_archive_verify (moved, NULL, &error));
  g_assert_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_FAILED);
}

static void
test_bad_manifest (Fixture       *f,
                   gconstpointer  data)
{
  static const char * const bad[] = {
    "not a manifest\n",
    SHA_ABC " report.md\n",                     /* one space */
    SHA_ABC "  ../vigil.db\n",                  /* leaves the folder */
    SHA_ABC "  " VIGIL_ARCHIVE_MANIFEST "\n",   /* itself */
    SHA_ABC "  report.md\n" SHA_ABC "  report.md\n",
    "zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  report.md\n",
  };
  g_autofree char *manifest = NULL;

  write_archive (f);
  manifest = g_build_filename (f->archive, VIGIL_ARCHIVE_MANIFEST, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_file_set_contents (manifest, bad[i], -1, &error);
      g_assert_no_error (error);
      g_assert_false (vigil_archive_verify (f->archive, NULL, &error));
      g_test_message ("%s", error->message);
      g_assert_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_MANIFEST);
    }
}

static void
test_exists (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *again = NULL;

  write_archive (f);
  again = vigil_archive_write (f->store, vigil_incident_get_id (f->incident), f->dir, NULL,
                               NULL, &error);
  g_assert_null (again);
  g_assert_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_EXISTS);
  assert_intact (f);
  g_clear_error (&error);

  again = vigil_archive_write (f->store, vigil_incident_get_id (f->incident), "/nonexistent/dir",
                               NULL, NULL, &error);
  g_assert_null (again);
  g_assert_error (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "/nonexistent/dir"));
}

static void
on_written_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  char **path = user_data;
  g_autoptr(GError) error = NULL;

  *path = vigil_archive_write_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  vigil_archive_write_async (f->store, vigil_incident_get_id (f->incident), f->dir, NULL, NULL,
                             on_written_cb, &f->archive);
  while (f->archive == NULL)
    g_main_context_iteration (NULL, TRUE);
  assert_intact (f);
}

static int
run_vigil (const char  *path,
           char       **out,
           char       **err)
{
  const char *vigil = g_getenv ("VIGIL");
  const char *argv[] = { vigil, "--verify-archive", path, NULL };
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_nonnull (vigil);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_command_line (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  if (g_getenv ("VIGIL") == NULL)
    {
      g_test_skip ("VIGIL is not set to the built app");
      return;
    }

  write_archive (f);
  g_assert_cmpint (run_vigil (f->archive, &out, &err), ==, 0);
  g_test_message ("%s%s", out, err);
  g_assert_nonnull (strstr (out, "intact (5 files match their manifest)"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  pdf = g_build_filename (f->archive, "report.pdf", NULL);
  g_file_get_contents (pdf, &contents, &length, &error);
  g_assert_no_error (error);
  contents[length - 20] ^= 0x20;
  g_file_set_contents (pdf, contents, length, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_vigil (f->archive, &out, &err), ==, 1);
  g_test_message ("%s%s", out, err);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "NOT intact"));
  g_assert_nonnull (strstr (err, "“report.pdf” does not match the manifest"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_vigil (f->dir, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, VIGIL_ARCHIVE_MANIFEST));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_vigil ("/nonexistent/archive", &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "could not be checked"));
  g_assert_nonnull (strstr (err, "is not a folder"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/vigil/archive/contents", Fixture, NULL, fixture_setup, test_contents,
              fixture_teardown);
  g_test_add ("/vigil/archive/sha256sum", Fixture, NULL, fixture_setup, test_sha256sum,
              fixture_teardown);
  g_test_add ("/vigil/archive/tampered", Fixture, NULL, fixture_setup, test_tampered,
              fixture_teardown);
  g_test_add ("/vigil/archive/missing-and-extra", Fixture, NULL, fixture_setup,
              test_missing_and_extra, fixture_teardown);
  g_test_add ("/vigil/archive/bad-manifest", Fixture, NULL, fixture_setup, test_bad_manifest,
              fixture_teardown);
  g_test_add ("/vigil/archive/exists", Fixture, NULL, fixture_setup, test_exists,
              fixture_teardown);
  g_test_add ("/vigil/archive/async", Fixture, NULL, fixture_setup, test_async,
              fixture_teardown);
  g_test_add ("/vigil/archive/command-line", Fixture, NULL, fixture_setup, test_command_line,
              fixture_teardown);

  return g_test_run ();
}
