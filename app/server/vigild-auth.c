/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigild-auth"

#include "config.h"

#include <string.h>
#include <sodium.h>

#include "vigild-auth.h"
#include "vigild-response.h"

/* argon2id takes 64 MiB and tens of milliseconds per check: at most this
 * many run at once, and at most this many wait, so a flood of sign-ins
 * cannot exhaust memory. */
#define HASH_THREADS 2
#define MAX_QUEUED_LOGINS 64
/* Forget throttling entries now and then so the table cannot grow without
 * bound. */
#define THROTTLE_PRUNE_SIZE 4096
#define TOKEN_BYTES 32

#define BAD_CREDENTIALS_MESSAGE "The user name or the password is wrong"

struct _VigildAuth
{
  GObject        parent_instance;

  VigilStore    *reader;
  VigilStore    *writer;
  GMainContext  *context;
  GThreadPool   *pool;
  /* "user:NAME" / "addr:ADDRESS" -> Throttle; main context only */
  GHashTable    *throttle;
  gboolean       shut_down;
};

G_DEFINE_FINAL_TYPE (VigildAuth, vigild_auth, G_TYPE_OBJECT)

typedef struct {
  GQueue failures;   /* monotonic times in µs, oldest first */
  guint  in_flight;
} Throttle;

typedef enum {
  OUTCOME_OK,
  OUTCOME_BAD_CREDENTIALS,
  OUTCOME_DISABLED,
  OUTCOME_ERROR,
} Outcome;

typedef struct {
  VigildAuth    *self;
  GTask         *task;
  char          *user;
  char          *password;
  char          *user_key;
  char          *addr_key;
  Outcome        outcome;
  GError        *error;
  VigildSession *session;
} Login;

static void
throttle_free (Throttle *throttle)
{
  g_queue_clear (&throttle->failures);
  g_free (throttle);
}

static void
login_free (Login *login)
{
  if (login->password != NULL)
    {
      sodium_memzero (login->password, strlen (login->password));
      g_free (login->password);
    }
  g_free (login->user);
  g_free (login->user_key);
  g_free (login->addr_key);
  g_clear_error (&login->error);
  g_clear_pointer (&login->session, vigild_session_free);
  g_clear_object (&login->task);
  g_clear_object (&login->self);
  g_free (login);
}

void
vigild_session_free (VigildSession *session)
{
  if (session == NULL)
    return;

  if (session->token != NULL)
    {
      sodium_memzero (session->token, strlen (session->token));
      g_free (session->token);
    }
  g_clear_pointer (&session->expires, g_date_time_unref);
  g_clear_pointer (&session->user, vigil_user_free);
  g_free (session);
}

/* Crypto helpers */

gboolean
vigild_auth_init_crypto (GError **error)
{
  static gsize initialised = 0;
  static gboolean ok = FALSE;

  if (g_once_init_enter (&initialised))
    {
      ok = sodium_init () >= 0;
      g_once_init_leave (&initialised, 1);
    }

  if (!ok)
    g_set_error_literal (error, VIGILD_ERROR, VIGILD_ERROR_INTERNAL,
                         "libsodium could not be initialised");
  return ok;
}

char *
vigild_auth_hash_password (const char  *password,
                           GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];

  g_return_val_if_fail (password != NULL, NULL);

  if (!vigild_auth_init_crypto (error))
    return NULL;

  if (crypto_pwhash_str (hash, password, strlen (password),
                         crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error_literal (error, VIGILD_ERROR, VIGILD_ERROR_INTERNAL,
                           "Not enough memory to hash the password");
      return NULL;
    }
  return g_strdup (hash);
}

gboolean
vigild_auth_verify_password (const char *hash,
                             const char *password)
{
  g_return_val_if_fail (hash != NULL && password != NULL, FALSE);

  if (!vigild_auth_init_crypto (NULL))
    return FALSE;

  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

char *
vigild_auth_new_token (void)
{
  guchar bytes[TOKEN_BYTES];
  char text[sodium_base64_ENCODED_LEN (TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  if (!vigild_auth_init_crypto (NULL))
    g_error ("libsodium could not be initialised");

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (text, sizeof text, bytes, sizeof bytes,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (bytes, sizeof bytes);
  return g_strdup (text);
}

char *
vigild_auth_hash_token (const char *token)
{
  g_return_val_if_fail (token != NULL, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static gboolean
token_looks_valid (const char *token)
{
  gsize length = 0;

  for (const char *p = token; *p != '\0'; p++, length++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        return FALSE;
      if (length > 128)
        return FALSE;
    }
  return length > 0;
}

/* A hash to check against when the user does not exist, so that an unknown
 * name takes as long as a wrong password. */
static const char *
get_dummy_hash (void)
{
  static char *dummy = NULL;

  if (g_once_init_enter (&dummy))
    {
      g_autofree char *password = vigild_auth_new_token ();
      char *hash = vigild_auth_hash_password (password, NULL);

      g_once_init_leave (&dummy, hash ? hash : g_strdup ("-"));
    }
  return dummy;
}

/* Throttling, on the main context */

static Throttle *
throttle_lookup (VigildAuth *self,
                 const char *key,
                 gint64      now,
                 gboolean    create)
{
  Throttle *throttle = g_hash_table_lookup (self->throttle, key);
  gint64 window = (gint64) VIGILD_THROTTLE_WINDOW_SECONDS * G_USEC_PER_SEC;

  if (throttle == NULL)
    {
      if (!create)
        return NULL;
      throttle = g_new0 (Throttle, 1);
      g_queue_init (&throttle->failures);
      g_hash_table_insert (self->throttle, g_strdup (key), throttle);
      return throttle;
    }

  while (!g_queue_is_empty (&throttle->failures) &&
         now - *(gint64 *) g_queue_peek_head (&throttle->failures) >= window)
    g_free (g_queue_pop_head (&throttle->failures));

  if (!create && g_queue_is_empty (&throttle->failures) && throttle->in_flight == 0)
    {
      g_hash_table_remove (self->throttle, key);
      return NULL;
    }
  return throttle;
}

static void
throttle_prune (VigildAuth *self,
                gint64      now)
{
  GHashTableIter iter;
  gpointer key;
  g_autoptr(GPtrArray) keys = NULL;

  if (g_hash_table_size (self->throttle) < THROTTLE_PRUNE_SIZE)
    return;

  keys = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_iter_init (&iter, self->throttle);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, g_strdup (key));
  for (guint i = 0; i < keys->len; i++)
    throttle_lookup (self, g_ptr_array_index (keys, i), now, FALSE);
}

/* Returns how many seconds the key must wait, 0 when it may try now. */
static guint
throttle_check (VigildAuth *self,
                const char *key,
                gint64      now)
{
  Throttle *throttle = throttle_lookup (self, key, now, FALSE);
  guint failures;
  gint64 oldest, wait;

  if (throttle == NULL)
    return 0;

  failures = g_queue_get_length (&throttle->failures);
  if (failures == 0)
    return 0;

  if (failures >= VIGILD_THROTTLE_MAX_FAILURES)
    {
      oldest = *(gint64 *) g_queue_peek_head (&throttle->failures);
      wait = (gint64) VIGILD_THROTTLE_WINDOW_SECONDS * G_USEC_PER_SEC - (now - oldest);
      return (guint) MAX (1, (wait + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
    }

  /* Checks under way count too once a key has failed: ten parallel guesses
   * must not all get through before the first failure is recorded. */
  if (failures + throttle->in_flight >= VIGILD_THROTTLE_MAX_FAILURES)
    return 1;

  return 0;
}

static void
throttle_record_failure (VigildAuth *self,
                         const char *key,
                         gint64      now)
{
  Throttle *throttle = throttle_lookup (self, key, now, TRUE);

  g_queue_push_tail (&throttle->failures, g_memdup2 (&now, sizeof now));
  while (g_queue_get_length (&throttle->failures) > VIGILD_THROTTLE_MAX_FAILURES)
    g_free (g_queue_pop_head (&throttle->failures));
}

static void
throttle_set_in_flight (VigildAuth *self,
                        const char *key,
                        gint64      now,
                        gboolean    start)
{
  Throttle *throttle = throttle_lookup (self, key, now, TRUE);

  if (start)
    throttle->in_flight++;
  else if (throttle->in_flight > 0)
    throttle->in_flight--;
}

static void
throttle_reset (VigildAuth *self,
                const char *key)
{
  Throttle *throttle = g_hash_table_lookup (self->throttle, key);

  if (throttle != NULL)
    {
      g_queue_clear_full (&throttle->failures, g_free);
      if (throttle->in_flight == 0)
        g_hash_table_remove (self->throttle, key);
    }
}

/* Sign-in */

static gboolean
on_login_checked_cb (gpointer data)
{
  Login *login = data;
  VigildAuth *self = login->self;
  gint64 now = g_get_monotonic_time ();

  throttle_set_in_flight (self, login->user_key, now, FALSE);
  throttle_set_in_flight (self, login->addr_key, now, FALSE);

  switch (login->outcome)
    {
    case OUTCOME_OK:
      throttle_reset (self, login->user_key);
      g_task_return_pointer (login->task, g_steal_pointer (&login->session),
                             (GDestroyNotify) vigild_session_free);
      break;

    case OUTCOME_BAD_CREDENTIALS:
      throttle_record_failure (self, login->user_key, now);
      throttle_record_failure (self, login->addr_key, now);
      g_message ("Failed sign-in for “%s” from %s", login->user, login->addr_key + 5);
      g_task_return_new_error (login->task, VIGILD_ERROR, VIGILD_ERROR_UNAUTHORIZED,
                               BAD_CREDENTIALS_MESSAGE);
      break;

    case OUTCOME_DISABLED:
      g_task_return_new_error (login->task, VIGILD_ERROR, VIGILD_ERROR_UNAUTHORIZED,
                               "This account is disabled; ask the administrator");
      break;

    case OUTCOME_ERROR:
    default:
      g_task_return_error (login->task, g_steal_pointer (&login->error));
      break;
    }

  throttle_prune (self, now);
  login_free (login);
  return G_SOURCE_REMOVE;
}

/* In a pool thread: the slow part. */
static void
login_check (gpointer data,
             gpointer user_data)
{
  Login *login = data;
  VigildAuth *self = login->self;
  g_autoptr(VigilUser) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;

  user = vigil_store_get_user (self->reader, login->user, &hash, &error);
  if (user == NULL)
    {
      if (g_error_matches (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_NO_SUCH_USER))
        {
          vigild_auth_verify_password (get_dummy_hash (), login->password);
          login->outcome = OUTCOME_BAD_CREDENTIALS;
        }
      else
        {
          login->outcome = OUTCOME_ERROR;
          login->error = g_steal_pointer (&error);
        }
    }
  else if (!vigild_auth_verify_password (hash, login->password))
    {
      login->outcome = OUTCOME_BAD_CREDENTIALS;
    }
  else if (user->disabled)
    {
      login->outcome = OUTCOME_DISABLED;
    }
  else
    {
      g_autoptr(VigildSession) session = g_new0 (VigildSession, 1);
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;
      g_autofree char *token_hash = NULL;

      session->token = vigild_auth_new_token ();
      session->expires = g_date_time_new_from_unix_utc (now + VIGILD_TOKEN_LIFETIME_SECONDS);
      token_hash = vigild_auth_hash_token (session->token);

      if (vigil_store_add_token (self->writer, token_hash, user->name,
                                 g_date_time_to_unix (session->expires), &error))
        {
          session->user = g_steal_pointer (&user);
          login->session = g_steal_pointer (&session);
          login->outcome = OUTCOME_OK;
        }
      else
        {
          login->outcome = OUTCOME_ERROR;
          login->error = g_steal_pointer (&error);
        }
    }

  g_main_context_invoke (self->context, on_login_checked_cb, login);
}

/* GObject */

static void
vigild_auth_dispose (GObject *object)
{
  VigildAuth *self = (VigildAuth *) object;

  vigild_auth_shutdown (self);

  G_OBJECT_CLASS (vigild_auth_parent_class)->dispose (object);
}

static void
vigild_auth_finalize (GObject *object)
{
  VigildAuth *self = (VigildAuth *) object;

  g_clear_object (&self->reader);
  g_clear_object (&self->writer);
  g_clear_pointer (&self->throttle, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (vigild_auth_parent_class)->finalize (object);
}

static void
vigild_auth_class_init (VigildAuthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vigild_auth_dispose;
  object_class->finalize = vigild_auth_finalize;
}

static void
vigild_auth_init (VigildAuth *self)
{
  self->throttle = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) throttle_free);
  self->context = g_main_context_ref_thread_default ();
}

/* Public API */

VigildAuth *
vigild_auth_new (VigilStore *reader,
                 VigilStore *writer)
{
  VigildAuth *self;

  g_return_val_if_fail (VIGIL_IS_STORE (reader), NULL);
  g_return_val_if_fail (VIGIL_IS_STORE (writer), NULL);

  vigild_auth_init_crypto (NULL);

  self = g_object_new (VIGILD_TYPE_AUTH, NULL);
  self->reader = g_object_ref (reader);
  self->writer = g_object_ref (writer);
  /* The login functions only fail for exclusive pools. */
  self->pool = g_thread_pool_new (login_check, self, HASH_THREADS, FALSE, NULL);
  return self;
}

VigilUser *
vigild_auth_authenticate (VigildAuth *self,
                          const char *token)
{
  g_autofree char *hash = NULL;

  g_return_val_if_fail (VIGILD_IS_AUTH (self), NULL);

  if (token == NULL || !token_looks_valid (token))
    return NULL;

  hash = vigild_auth_hash_token (token);
  return vigil_store_lookup_token (self->reader, hash, g_get_real_time () / G_USEC_PER_SEC);
}

gboolean
vigild_auth_logout (VigildAuth  *self,
                    const char  *token,
                    GError     **error)
{
  g_autofree char *hash = NULL;

  g_return_val_if_fail (VIGILD_IS_AUTH (self), FALSE);
  g_return_val_if_fail (token != NULL, FALSE);

  hash = vigild_auth_hash_token (token);
  return vigil_store_remove_token (self->writer, hash, error);
}

void
vigild_auth_login_async (VigildAuth          *self,
                         const char          *user,
                         const char          *password,
                         const char          *remote,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *user_key = NULL;
  g_autofree char *addr_key = NULL;
  gint64 now = g_get_monotonic_time ();
  guint wait;
  Login *login;

  g_return_if_fail (VIGILD_IS_AUTH (self));
  g_return_if_fail (user != NULL && password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigild_auth_login_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (0), NULL);

  if (self->shut_down)
    {
      g_task_return_new_error (task, VIGILD_ERROR, VIGILD_ERROR_INTERNAL,
                               "The server is shutting down");
      return;
    }

  user_key = g_strconcat ("user:", user, NULL);
  addr_key = g_strconcat ("addr:", remote ? remote : "unknown", NULL);

  wait = MAX (throttle_check (self, user_key, now), throttle_check (self, addr_key, now));
  if (wait == 0 && g_thread_pool_unprocessed (self->pool) >= MAX_QUEUED_LOGINS)
    wait = 1;
  if (wait > 0)
    {
      g_task_set_task_data (task, GUINT_TO_POINTER (wait), NULL);
      g_task_return_new_error (task, VIGILD_ERROR, VIGILD_ERROR_TOO_MANY_REQUESTS,
                               "Too many failed sign-ins; try again in %u seconds", wait);
      return;
    }

  throttle_set_in_flight (self, user_key, now, TRUE);
  throttle_set_in_flight (self, addr_key, now, TRUE);

  login = g_new0 (Login, 1);
  login->self = g_object_ref (self);
  login->task = g_steal_pointer (&task);
  login->user = g_strdup (user);
  login->password = g_strdup (password);
  login->user_key = g_steal_pointer (&user_key);
  login->addr_key = g_steal_pointer (&addr_key);

  g_thread_pool_push (self->pool, login, NULL);
}

VigildSession *
vigild_auth_login_finish (VigildAuth    *self,
                          GAsyncResult  *result,
                          guint         *retry_after,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (retry_after != NULL)
    *retry_after = GPOINTER_TO_UINT (g_task_get_task_data (G_TASK (result)));

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
vigild_auth_shutdown (VigildAuth *self)
{
  g_return_if_fail (VIGILD_IS_AUTH (self));

  self->shut_down = TRUE;
  if (self->pool != NULL)
    {
      /* Finish what is queued; the completions go to the main context. */
      g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);
    }
}
