/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vigild-writer.h"

G_BEGIN_DECLS

#define VIGILD_TYPE_SERVER (vigild_server_get_type ())
G_DECLARE_FINAL_TYPE (VigildServer, vigild_server, VIGILD, SERVER, GObject)

/**
 * VigildServer:
 *
 * The HTTP API and the live WebSocket over one store. Everything runs on the
 * thread-default main context of the caller of vigild_server_new(); SQLite
 * and password hashing run in worker threads, operations are written by a
 * #VigildWriter.
 */
VigildServer *vigild_server_new           (const char      *store_path,
                                           GError         **error);
/* @certificate: (nullable): serve HTTPS with it */
gboolean      vigild_server_listen        (VigildServer    *self,
                                           GInetAddress    *address,
                                           guint            port,
                                           GTlsCertificate *certificate,
                                           GError         **error);
/* Returns: (transfer full): the URL of the first listener, e.g.
 * "http://127.0.0.1:41234/" */
char         *vigild_server_dup_url       (VigildServer    *self);
/* The routes below /api/v1, e.g. "/incidents/{id}", and their methods
 * ("POST, DELETE"); NULL after the last. */
const char   *vigild_server_get_route     (guint            index,
                                           const char     **methods);
VigildWriter *vigild_server_get_writer    (VigildServer    *self);
/* Stops listening, closes live connections and writes what is queued. */
void          vigild_server_stop          (VigildServer    *self);

G_END_DECLS
