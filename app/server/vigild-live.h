/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Seconds between WebSocket pings, so that dead peers and idle NAT
 * mappings are noticed. */
#define VIGILD_LIVE_KEEPALIVE_SECONDS 30
#define VIGILD_LIVE_MAX_CONNECTIONS 1000

#define VIGILD_TYPE_LIVE (vigild_live_get_type ())
G_DECLARE_FINAL_TYPE (VigildLive, vigild_live, VIGILD, LIVE, GObject)

/**
 * VigildLive:
 *
 * The connections of /api/v1/live. Each gets {"type": "hello", "last_seq": N}
 * when it connects and {"type": "changed", "last_seq": N} after every commit
 * that applied something. Main context only.
 */
VigildLive *vigild_live_new               (void);
void        vigild_live_add               (VigildLive              *self,
                                           SoupWebsocketConnection *connection,
                                           const char              *user,
                                           gint64                   last_seq);
void        vigild_live_broadcast         (VigildLive              *self,
                                           gint64                   last_seq);
guint       vigild_live_get_n_connections (VigildLive              *self);
void        vigild_live_close_all         (VigildLive              *self);

G_END_DECLS
