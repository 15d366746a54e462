/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <vigil/vigil.h>

G_BEGIN_DECLS

/* Passwords shorter than this are refused when set. */
#define VIGILD_PASSWORD_MIN_LENGTH 10
#define VIGILD_PASSWORD_MAX_LENGTH 1024
/* A session lasts this long. */
#define VIGILD_TOKEN_LIFETIME_SECONDS (12 * 60 * 60)
/* More failed sign-ins than this within the window block further tries. */
#define VIGILD_THROTTLE_MAX_FAILURES 5
#define VIGILD_THROTTLE_WINDOW_SECONDS (5 * 60)

/**
 * VigildSession:
 * @token: the bearer token, handed to the client once and never stored
 * @expires: when it stops being valid
 * @user: who signed in
 *
 * The result of a successful sign-in.
 */
typedef struct {
  char      *token;
  GDateTime *expires;
  VigilUser *user;
} VigildSession;

void vigild_session_free (VigildSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigildSession, vigild_session_free)

#define VIGILD_TYPE_AUTH (vigild_auth_get_type ())
G_DECLARE_FINAL_TYPE (VigildAuth, vigild_auth, VIGILD, AUTH, GObject)

/* Initialises libsodium once; FALSE when it cannot (no entropy source). */
gboolean       vigild_auth_init_crypto       (GError       **error);
/* argon2id (libsodium's crypto_pwhash_str, interactive limits). Slow on
 * purpose: never call these on the main loop. */
char          *vigild_auth_hash_password     (const char    *password,
                                              GError       **error);
gboolean       vigild_auth_verify_password   (const char    *hash,
                                              const char    *password);
/* 32 random bytes as unpadded base64url (43 characters). */
char          *vigild_auth_new_token         (void);
/* The form in which tokens are stored: hex SHA-256. */
char          *vigild_auth_hash_token        (const char    *token);

/**
 * vigild_auth_new:
 * @reader: the store connection for lookups
 * @writer: the store connection for writes (sessions)
 *
 * Sign-in, sign-out and bearer token checks. The throttling state lives in
 * memory and belongs to the thread-default main context of the caller of
 * vigild_auth_new().
 */
VigildAuth    *vigild_auth_new               (VigilStore    *reader,
                                              VigilStore    *writer);
/* Any thread. Returns: (transfer full) (nullable): the token's user when the
 * token is valid. */
VigilUser     *vigild_auth_authenticate      (VigildAuth    *self,
                                              const char    *token);
/* Any thread. Ends the session of @token. */
gboolean       vigild_auth_logout            (VigildAuth    *self,
                                              const char    *token,
                                              GError       **error);
/**
 * vigild_auth_login_async:
 * @remote: the client's address, for throttling
 *
 * Checks the password in a worker thread and starts a session. Fails with
 * VIGILD_ERROR_UNAUTHORIZED (the same message for an unknown user and a
 * wrong password) or VIGILD_ERROR_TOO_MANY_REQUESTS.
 */
void           vigild_auth_login_async       (VigildAuth    *self,
                                              const char    *user,
                                              const char    *password,
                                              const char    *remote,
                                              GCancellable  *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer       user_data);
/* @retry_after: (out): seconds to wait when throttled, else 0 */
VigildSession *vigild_auth_login_finish      (VigildAuth    *self,
                                              GAsyncResult  *result,
                                              guint         *retry_after,
                                              GError       **error);
/* Waits for the sign-ins under way; later ones fail. */
void           vigild_auth_shutdown          (VigildAuth    *self);

G_END_DECLS
