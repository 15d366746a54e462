/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-session"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vigil-session.h"

VigilSession *
vigil_session_new (const char *server_url,
                   const char *user,
                   VigilRole   role,
                   const char *token)
{
  VigilSession *session;

  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (token != NULL, NULL);

  session = g_new0 (VigilSession, 1);
  session->server_url = g_strdup (server_url);
  session->user = g_strdup (user);
  session->role = role;
  session->token = g_strdup (token);
  return session;
}

void
vigil_session_free (VigilSession *session)
{
  if (session == NULL)
    return;

  g_free (session->server_url);
  g_free (session->user);
  if (session->token != NULL)
    memset (session->token, 0, strlen (session->token));
  g_free (session->token);
  g_free (session->certificate_pem);
  g_free (session);
}

VigilSession *
vigil_session_load (const char  *path,
                    GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *object;
  const char *url, *user, *role_name, *token, *pem;
  VigilSession *session;
  VigilRole role;

  g_return_val_if_fail (path != NULL, NULL);

  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return NULL;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The saved sign-in in %s cannot be read (%s); sign in again"), path,
                   local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  object = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  url = object ? json_object_get_string_member_with_default (object, "server", NULL) : NULL;
  user = object ? json_object_get_string_member_with_default (object, "user", NULL) : NULL;
  role_name = object ? json_object_get_string_member_with_default (object, "role", NULL) : NULL;
  token = object ? json_object_get_string_member_with_default (object, "token", NULL) : NULL;
  pem = object ? json_object_get_string_member_with_default (object, "certificate", NULL) : NULL;

  if (url == NULL || user == NULL || token == NULL || role_name == NULL ||
      !vigil_role_from_string (role_name, &role))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The saved sign-in in %s is incomplete; sign in again"), path);
      return NULL;
    }

  session = vigil_session_new (url, user, role, token);
  session->certificate_pem = g_strdup (pem);
  return session;
}

gboolean
vigil_session_save (VigilSession  *session,
                    const char    *path,
                    GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *text = NULL;

  g_return_val_if_fail (session != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "server");
  json_builder_add_string_value (builder, session->server_url);
  json_builder_set_member_name (builder, "user");
  json_builder_add_string_value (builder, session->user);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, vigil_role_to_string (session->role));
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, session->token);
  if (session->certificate_pem != NULL)
    {
      json_builder_set_member_name (builder, "certificate");
      json_builder_add_string_value (builder, session->certificate_pem);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);

  /* The token is as good as the password for its lifetime: only the owner
   * may read it, and it is replaced in one step. */
  return g_file_set_contents_full (path, text, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT |
                                   G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                   0600, error);
}

gboolean
vigil_session_forget (const char  *path,
                      GError     **error)
{
  g_return_val_if_fail (path != NULL, FALSE);

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not remove the saved sign-in %s: %s"), path,
                   g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

char *
vigil_session_path_for (const char *data_dir)
{
  g_autofree char *digest = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);

  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, data_dir, -1);
  digest[16] = '\0';
  name = g_strdup_printf ("session-%s.json", digest);
  return g_build_filename (g_get_user_config_dir (), "vigil", name, NULL);
}

char *
vigil_session_replica_name (const char *server_url)
{
  g_autoptr(GUri) uri = NULL;
  GString *name = g_string_new ("server-");
  const char *host;
  int port;

  g_return_val_if_fail (server_url != NULL, NULL);

  uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);
  host = uri ? g_uri_get_host (uri) : NULL;
  port = uri ? g_uri_get_port (uri) : -1;

  /* Only characters that are safe in a file name on every system. */
  for (const char *p = host ? host : server_url; *p != '\0'; p++)
    g_string_append_c (name, g_ascii_isalnum (*p) || *p == '.' || *p == '-' ? *p : '_');
  if (port > 0)
    g_string_append_printf (name, "-%d", port);
  g_string_append (name, ".db");
  return g_string_free (name, FALSE);
}
