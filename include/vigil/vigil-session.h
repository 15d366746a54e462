/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "vigil-op.h"

G_BEGIN_DECLS

/**
 * VigilSession:
 * @server_url: the vigild server, e.g. "https://vigil.example.org:8443/"
 * @user: the user name signed in
 * @role: the role the server gave that user
 * @token: the bearer token; secret
 * @certificate_pem: (nullable): the server certificate the user chose to
 *   trust, in PEM
 *
 * A sign-in to a server, remembered between runs of the app. It is kept in
 * a file only its owner can read (mode 0600), one per data folder.
 */
typedef struct {
  char      *server_url;
  char      *user;
  VigilRole  role;
  char      *token;
  char      *certificate_pem;
} VigilSession;

VigilSession *vigil_session_new           (const char    *server_url,
                                           const char    *user,
                                           VigilRole      role,
                                           const char    *token);
void          vigil_session_free          (VigilSession  *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilSession, vigil_session_free)

/* Returns: (transfer full) (nullable): the session, or %NULL without an error
 * when there is none */
VigilSession *vigil_session_load          (const char    *path,
                                           GError       **error);
gboolean      vigil_session_save          (VigilSession  *session,
                                           const char    *path,
                                           GError       **error);
/* Removes the file; no error when there is none. */
gboolean      vigil_session_forget        (const char    *path,
                                           GError       **error);

/* Where the session of the data folder @data_dir is kept: in the user's
 * configuration folder, named after the data folder. */
char         *vigil_session_path_for      (const char    *data_dir);
/* The file name of the replica of @server_url in a data folder, e.g.
 * "server-vigil.example.org-8443.db". */
char         *vigil_session_replica_name  (const char    *server_url);

G_END_DECLS
