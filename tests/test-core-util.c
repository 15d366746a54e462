/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "test-core-util.h"

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
  g_autofree char *payload = g_strdelimit (g_strdup (squoted_payload), "'", '"');
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *at = vigil_time_to_iso (now);
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
