/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vigil-store.h"

G_BEGIN_DECLS

#define VIGIL_SYNC_ERROR (vigil_sync_error_quark ())

/**
 * VigilSyncError:
 * @VIGIL_SYNC_ERROR_NETWORK: the server could not be reached, or the
 *   connection broke
 * @VIGIL_SYNC_ERROR_SIGNED_OUT: the server does not accept the sign-in (wrong
 *   password, expired or revoked token)
 * @VIGIL_SYNC_ERROR_THROTTLED: too many attempts; try again later
 * @VIGIL_SYNC_ERROR_BAD_REPLY: the server answered something this version does
 *   not understand
 * @VIGIL_SYNC_ERROR_SERVER: the server reported an error of its own
 * @VIGIL_SYNC_ERROR_UNTRUSTED_CERTIFICATE: the server's TLS certificate is
 *   not vouched for by an authority of this computer nor the one the user
 *   chose to trust
 */
typedef enum {
  VIGIL_SYNC_ERROR_NETWORK,
  VIGIL_SYNC_ERROR_SIGNED_OUT,
  VIGIL_SYNC_ERROR_THROTTLED,
  VIGIL_SYNC_ERROR_BAD_REPLY,
  VIGIL_SYNC_ERROR_SERVER,
  VIGIL_SYNC_ERROR_UNTRUSTED_CERTIFICATE,
} VigilSyncError;

GQuark vigil_sync_error_quark (void);

/**
 * VigilSyncState:
 * @VIGIL_SYNC_STATE_OFFLINE: the server is out of reach; operations wait in
 *   the outbox and the client retries with growing pauses
 * @VIGIL_SYNC_STATE_SYNCING: an exchange with the server is under way
 * @VIGIL_SYNC_STATE_ONLINE: everything known has been exchanged
 * @VIGIL_SYNC_STATE_SIGNED_OUT: the server refused the token; nothing is sent
 *   until the user signs in again
 */
typedef enum {
  VIGIL_SYNC_STATE_OFFLINE,
  VIGIL_SYNC_STATE_SYNCING,
  VIGIL_SYNC_STATE_ONLINE,
  VIGIL_SYNC_STATE_SIGNED_OUT,
} VigilSyncState;

#define VIGIL_TYPE_SYNC (vigil_sync_get_type ())
G_DECLARE_FINAL_TYPE (VigilSync, vigil_sync, VIGIL, SYNC, GObject)

/**
 * VigilSync:
 *
 * Keeps a replica store (vigil_store_set_sync_server()) and a vigild server
 * in step: pushes the outbox in order, pulls what changed since the last
 * sequence number, and listens on the server's live WebSocket so that a
 * change elsewhere arrives within a fraction of a second. Everything runs on
 * the thread-default main context of the caller of vigil_sync_new(); SQLite
 * work runs in worker threads.
 *
 * An operation leaves the outbox only when the server committed it or
 * refused it; a refusal is kept as a #VigilSyncProblem and reported by the
 * #VigilSync::problem signal. Network failures, server errors and replies
 * that do not parse leave the outbox as it is and are retried.
 *
 * Signals:
 * - "incidents-changed" (GPtrArray *touched, GPtrArray *removed): local
 *   incidents that changed (element-type VigilIncident) and ids of those
 *   that are gone (element-type utf8)
 * - "problem" (VigilSyncProblem *problem): the server refused an operation
 */
VigilSync      *vigil_sync_new                 (VigilStore          *store,
                                                const char          *server_url,
                                                const char          *token);
/* Trust this certificate for the server (a self-signed one the user
 * accepted after comparing its fingerprint), in addition to the system's
 * authorities. */
void            vigil_sync_set_pinned_certificate (VigilSync        *self,
                                                   GTlsCertificate  *certificate);
void            vigil_sync_start               (VigilSync           *self);
void            vigil_sync_stop                (VigilSync           *self);
/* Something was queued: push it now rather than at the next occasion. */
void            vigil_sync_kick                (VigilSync           *self);

VigilSyncState  vigil_sync_get_state           (VigilSync           *self);
/* Returns: (nullable): since when the server is out of reach */
GDateTime      *vigil_sync_get_offline_since   (VigilSync           *self);
guint           vigil_sync_get_n_pending       (VigilSync           *self);
guint           vigil_sync_get_n_problems      (VigilSync           *self);
/* Returns: (nullable): why the last exchange failed, for the user */
const char     *vigil_sync_get_last_error      (VigilSync           *self);
VigilStore     *vigil_sync_get_store           (VigilSync           *self);
/* The server's workspace policy as last heard (the "policy" property, also
 * saved in the replica's store for the operations applied there). */
VigilPolicyFlags vigil_sync_get_policy         (VigilSync           *self);
/* Returns: (transfer none): the server's DORA profile as last heard (the
 * "dora-profile" property, also saved in the replica's store) */
VigilDoraProfile *vigil_sync_get_dora_profile  (VigilSync           *self);

/**
 * vigil_sync_sign_in_async:
 *
 * Signs in to @server_url ("https://host:port/") with a user name and a
 * password; the result is a bearer token for vigil_sync_new(). @pinned, if
 * given, is trusted as the server's certificate.
 */
void            vigil_sync_sign_in_async       (const char          *server_url,
                                                GTlsCertificate     *pinned,
                                                const char          *user,
                                                const char          *password,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
/* Returns: (transfer full): the token; @role gets the user's role */
char           *vigil_sync_sign_in_finish      (GAsyncResult        *result,
                                                VigilRole           *role,
                                                GError             **error);

/* After a sign-in failed with %VIGIL_SYNC_ERROR_UNTRUSTED_CERTIFICATE: the
 * certificate the server presented, for the user to decide on. */
GTlsCertificate *vigil_sync_sign_in_dup_peer_certificate (GAsyncResult   *result);
/* "AB:CD:…": the SHA-256 of the certificate, as administrators compare it. */
char           *vigil_certificate_dup_fingerprint (GTlsCertificate     *certificate);

G_END_DECLS
