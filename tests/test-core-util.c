/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "test-core-util.h"

VigilStore *
test_core_open_temp_store (const char  *tmpl,
                           char       **dir,
                           char       **db_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  VigilStore *store;

  *dir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  path = g_build_filename (*dir, "vigil.db", NULL);
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  if (db_path != NULL)
    *db_path = g_steal_pointer (&path);
  return store;
}

void
test_core_remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        test_core_remove_tree (child);
      else
        g_assert_cmpint (g_remove (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

VigilIncident *
test_core_apply (VigilStore    *store,
                 VigilIncident *incident,
                 const char    *kind,
                 const char    *actor,
                 VigilRole      role,
                 const char    *squoted_payload)
{
  return test_core_apply_at (store, incident, kind, actor, role, NULL, squoted_payload);
}

VigilIncident *
test_core_apply_at (VigilStore    *store,
                    VigilIncident *incident,
                    const char    *kind,
                    const char    *actor,
                    VigilRole      role,
                    const char    *made_at,
                    const char    *squoted_payload)
{
  g_autofree char *payload = g_strdelimit (g_strdup (squoted_payload), "'", '"');
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *at = made_at != NULL ? g_strdup (made_at) : vigil_time_to_iso (now);
  g_autofree char *op_id = g_uuid_string_random ();
  g_autofree char *incident_id = incident != NULL ? g_strdup (vigil_incident_get_id (incident))
                                                  : g_uuid_string_random ();
  gint64 base_rev = incident != NULL ? vigil_incident_get_revision (incident) : 0;
  g_autofree char *doc = g_strdup_printf ("{\"id\":\"%s\",\"incident\":\"%s\",\"kind\":\"%s\","
                                          "\"base_rev\":%" G_GINT64_FORMAT ",\"actor\":\"%s\","
                                          "\"at\":\"%s\",\"payload\":%s}",
                                          op_id, incident_id, kind, base_rev, actor, at, payload);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilOp) op = vigil_op_new_from_string (doc, &error);
  VigilIncident *result;

  g_assert_no_error (error);
  result = vigil_store_apply (store, op, role, NULL, NULL, &error);
  if (error != NULL)
    g_test_message ("%s %s: %s", kind, payload, error->message);
  g_assert_no_error (error);
  return result;
}

const char *
test_core_find_bytes (const char *p,
                      const char *end,
                      const char *needle)
{
  gsize n = strlen (needle);

  for (; p + n <= end; p++)
    if (memcmp (p, needle, n) == 0)
      return p;
  return NULL;
}

guint
test_core_count_pdf_pages (const char *contents,
                           gsize       length)
{
  const char *p = contents, *end = contents + length;
  guint n = 0;

  while ((p = test_core_find_bytes (p, end, "/Type /Page")) != NULL)
    {
      p += 11;
      if (p >= end || *p != 's')
        n++;
    }
  return n;
}

void
test_core_assert_png_size (const char *path,
                           guint       width,
                           guint       height)
{
  g_autofree char *contents = NULL;
  gsize length;
  const guchar *header;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 33);
  g_assert_cmpmem (contents, 8, "\x89PNG\r\n\x1a\n", 8);
  header = (const guchar *) contents;
  g_assert_cmpmem (contents + 12, 4, "IHDR", 4);
  g_assert_cmpuint ((guint) header[16] << 24 | header[17] << 16 | header[18] << 8 | header[19],
                    ==, width);
  g_assert_cmpuint ((guint) header[20] << 24 | header[21] << 16 | header[22] << 8 | header[23],
                    ==, height);
}
