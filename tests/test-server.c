/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <sqlite3.h>

#include "vigild-api.h"
#include "test-server-util.h"

#define API "/api/v1/"

/* A server with one user of each role and a token for each. */
typedef struct {
  TestServer *ts;
  char       *analyst;   /* token of "alice" */
  char       *analyst2;  /* token of "amir" */
  char       *lead;      /* token of "lena" */
  char       *lead2;     /* token of "leo" */
  char       *manager;   /* token of "max" */
  char       *admin;     /* token of "ada" */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->ts = test_server_start (NULL, NULL);
  test_server_add_user (f->ts, "alice", VIGIL_ROLE_ANALYST);
  test_server_add_user (f->ts, "amir", VIGIL_ROLE_ANALYST);
  test_server_add_user (f->ts, "lena", VIGIL_ROLE_LEAD);
  test_server_add_user (f->ts, "leo", VIGIL_ROLE_LEAD);
  test_server_add_user (f->ts, "max", VIGIL_ROLE_MANAGER);
  test_server_add_user (f->ts, "ada", VIGIL_ROLE_ADMIN);
  f->analyst = test_server_make_token (f->ts, "alice");
  f->analyst2 = test_server_make_token (f->ts, "amir");
  f->lead = test_server_make_token (f->ts, "lena");
  f->lead2 = test_server_make_token (f->ts, "leo");
  f->manager = test_server_make_token (f->ts, "max");
  f->admin = test_server_make_token (f->ts, "ada");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  test_server_stop (f->ts);
  g_free (f->analyst);
  g_free (f->analyst2);
  g_free (f->lead);
  g_free (f->lead2);
  g_free (f->manager);
  g_free (f->admin);
}

static void
assert_health (TestServer *ts)
{
  g_autoptr(TestReply) reply = test_request (ts, "GET", API "health", NULL, NULL);

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (test_reply_object (reply), "status"), ==,
                   "ok");
}

static char *
login (TestServer *ts,
       const char *user,
       const char *password,
       guint       expected_status)
{
  g_autofree char *body = g_strdup_printf ("{\"user\":\"%s\",\"password\":\"%s\"}", user,
                                           password);
  g_autoptr(TestReply) reply = test_request (ts, "POST", API "session", NULL, body);

  g_assert_cmpuint (reply->status, ==, expected_status);
  if (expected_status != 201)
    return NULL;
  return g_strdup (json_object_get_string_member (test_reply_object (reply), "token"));
}

/* Health and sessions */

static void
test_health (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(TestReply) reply = test_request (f->ts, "GET", API "health", NULL, NULL);
  JsonObject *object = test_reply_object (reply);

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (object, "version"), ==, PACKAGE_VERSION);
  g_assert_cmpint (json_object_get_int_member (object, "last_seq"), ==, 0);
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "Server"), ==,
                   "vigild/" PACKAGE_VERSION);
}

static void
test_session_login (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(TestReply) reply = NULL;
  g_autoptr(TestReply) me = NULL;
  g_autoptr(TestReply) logout = NULL;
  g_autoptr(TestReply) after = NULL;
  g_autoptr(GDateTime) expires = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  JsonObject *object, *user;
  const char *token;
  GTimeSpan lifetime;

  reply = test_request (f->ts, "POST", API "session", NULL,
                        "{\"user\": \"lena\", \"password\": \"" TEST_PASSWORD "\"}");
  g_assert_cmpuint (reply->status, ==, 201);
  object = test_reply_object (reply);
  token = json_object_get_string_member (object, "token");
  g_assert_cmpuint (strlen (token), ==, 43);   /* 32 bytes, base64url */
  expires = g_date_time_new_from_iso8601 (json_object_get_string_member (object, "expires_at"),
                                          NULL);
  g_assert_nonnull (expires);
  lifetime = g_date_time_difference (expires, now);
  g_assert_cmpint (lifetime, >, 11 * G_TIME_SPAN_HOUR + 59 * G_TIME_SPAN_MINUTE);
  /* Against a time taken after the answer: the server counts from its own
   * clock, a little later than @now. */
  {
    g_autoptr(GDateTime) answered = g_date_time_new_now_utc ();

    g_assert_cmpint (g_date_time_difference (expires, answered), <=, 12 * G_TIME_SPAN_HOUR);
  }
  user = json_object_get_object_member (object, "user");
  g_assert_cmpstr (json_object_get_string_member (user, "name"), ==, "lena");
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "lead");

  /* Only the token's hash is stored. */
  {
    g_autofree char *hash = vigild_auth_hash_token (token);
    g_autoptr(VigilUser) stored = vigil_store_lookup_token (f->ts->store, hash,
                                                            g_get_real_time () / G_USEC_PER_SEC);
    g_autoptr(VigilUser) raw = vigil_store_lookup_token (f->ts->store, token,
                                                         g_get_real_time () / G_USEC_PER_SEC);

    g_assert_nonnull (stored);
    g_assert_null (raw);
  }

  me = test_request (f->ts, "GET", API "me", token, NULL);
  g_assert_cmpuint (me->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (test_reply_object (me), "name"), ==, "lena");
  g_assert_cmpstr (json_object_get_string_member (test_reply_object (me), "role"), ==, "lead");

  logout = test_request (f->ts, "DELETE", API "session", token, NULL);
  g_assert_cmpuint (logout->status, ==, 204);
  g_assert_cmpuint (g_bytes_get_size (logout->body), ==, 0);

  after = test_request (f->ts, "GET", API "me", token, NULL);
  test_assert_error (after, 401, "unauthorized");
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (after->headers,
                                                                 "WWW-Authenticate"),
                                   "Bearer"));
}

static void
test_session_wrong_password (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(TestReply) wrong = NULL;
  g_autoptr(TestReply) unknown = NULL;

  wrong = test_request (f->ts, "POST", API "session", NULL,
                        "{\"user\": \"alice\", \"password\": \"not the password\"}");
  test_assert_error (wrong, 401, "unauthorized");
  unknown = test_request (f->ts, "POST", API "session", NULL,
                          "{\"user\": \"nobody\", \"password\": \"not the password\"}");
  test_assert_error (unknown, 401, "unauthorized");

  /* The same words for both: no way to learn which names exist. */
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (test_reply_object (wrong), "error"),
                     "message"), ==,
                   json_object_get_string_member (
                     json_object_get_object_member (test_reply_object (unknown), "error"),
                     "message"));
}

static void
test_session_disabled (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestReply) me = NULL;
  g_autofree char *token = login (f->ts, "amir", TEST_PASSWORD, 201);

  vigil_store_set_user_disabled (f->ts->store, "amir", TRUE, &error);
  g_assert_no_error (error);

  /* Disabling ends the sessions and forbids new ones. */
  me = test_request (f->ts, "GET", API "me", token, NULL);
  test_assert_error (me, 401, "unauthorized");
  login (f->ts, "amir", TEST_PASSWORD, 401);
  me = (test_reply_free (me), test_request (f->ts, "GET", API "me", f->analyst2, NULL));
  test_assert_error (me, 401, "unauthorized");
}

static void
test_session_expired (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestReply) me = NULL;
  g_autofree char *token = vigild_auth_new_token ();
  g_autofree char *hash = vigild_auth_hash_token (token);

  vigil_store_add_token (f->ts->store, hash, "alice", g_get_real_time () / G_USEC_PER_SEC - 1,
                         &error);
  g_assert_no_error (error);
  me = test_request (f->ts, "GET", API "me", token, NULL);
  test_assert_error (me, 401, "unauthorized");
}

static void
test_session_throttle (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(TestReply) reply = NULL;
  const char *retry_after;
  guint64 seconds;

  for (guint i = 0; i < VIGILD_THROTTLE_MAX_FAILURES; i++)
    login (f->ts, "alice", "guess number one", 401);

  /* Blocked now, even with the right password. */
  reply = test_request (f->ts, "POST", API "session", NULL,
                        "{\"user\": \"alice\", \"password\": \"" TEST_PASSWORD "\"}");
  test_assert_error (reply, 429, "too_many_requests");
  retry_after = soup_message_headers_get_one (reply->headers, "Retry-After");
  g_assert_nonnull (retry_after);
  g_assert_true (g_ascii_string_to_unsigned (retry_after, 10, 1,
                                             VIGILD_THROTTLE_WINDOW_SECONDS, &seconds, NULL));

  /* The address is throttled too: another user from it waits as well. */
  g_clear_pointer (&reply, test_reply_free);
  reply = test_request (f->ts, "POST", API "session", NULL,
                        "{\"user\": \"lena\", \"password\": \"" TEST_PASSWORD "\"}");
  test_assert_error (reply, 429, "too_many_requests");

  /* Tokens already handed out keep working. */
  g_clear_pointer (&reply, test_reply_free);
  reply = test_request (f->ts, "GET", API "me", f->analyst, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
}

typedef struct {
  Fixture *f;
  guint    status;
} Guess;

static gpointer
guess_thread (gpointer data)
{
  Guess *guess = data;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(TestReply) reply = NULL;

  reply = test_request_full (guess->f->ts, session, "POST", API "session", NULL, NULL,
                             "{\"user\": \"leo\", \"password\": \"a parallel guess\"}", -1);
  guess->status = reply->status;
  return NULL;
}

static void
test_session_concurrent_guesses (Fixture       *f,
                                 gconstpointer  data)
{
  Guess guesses[6];
  GThread *threads[G_N_ELEMENTS (guesses)];
  guint n_401 = 0, n_429 = 0;

  for (guint i = 0; i < VIGILD_THROTTLE_MAX_FAILURES - 1; i++)
    login (f->ts, "leo", "guess number one", 401);

  /* One failure short of the limit, six guesses at once: the checks under
   * way count, so only one of them gets to try. */
  for (guint i = 0; i < G_N_ELEMENTS (guesses); i++)
    {
      guesses[i].f = f;
      threads[i] = g_thread_new ("guess", guess_thread, &guesses[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (guesses); i++)
    {
      g_thread_join (threads[i]);
      n_401 += guesses[i].status == 401;
      n_429 += guesses[i].status == 429;
    }
  g_assert_cmpuint (n_401, ==, 1);
  g_assert_cmpuint (n_429, ==, G_N_ELEMENTS (guesses) - 1);
  login (f->ts, "leo", TEST_PASSWORD, 429);
}

/* Operations */

static void
test_ops_create_and_read (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *op = test_op ("incident.create", id, 0,
                                 "{'title': 'Phishing wave', 'type': 'phishing'}");
  g_autoptr(TestReply) reply = test_post_op (f->ts, f->analyst, op);
  g_autoptr(TestReply) get = NULL;
  g_autoptr(TestReply) list = NULL;
  g_autoptr(TestReply) history = NULL;
  g_autofree char *path = NULL;
  JsonObject *result, *incident, *entry;
  JsonArray *entries;

  g_assert_cmpuint (reply->status, ==, 200);
  result = test_reply_result (reply, 0);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  g_assert_cmpint (json_object_get_int_member (result, "seq"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (result, "revision"), ==, 1);
  g_assert_false (json_object_has_member (result, "error"));
  incident = json_object_get_object_member (result, "incident");
  g_assert_cmpstr (json_object_get_string_member (incident, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (incident, "title"), ==, "Phishing wave");
  /* The actor is who signed in, not who the client claimed to be. */
  g_assert_cmpstr (json_object_get_string_member (incident, "created_by"), ==, "alice");
  g_assert_cmpint (json_object_get_int_member (test_reply_object (reply), "last_seq"), ==, 1);

  path = g_strconcat (API "incidents/", id, NULL);
  get = test_request (f->ts, "GET", path, f->manager, NULL);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (test_reply_object (get), "reference"), !=,
                   NULL);

  list = test_request (f->ts, "GET", API "incidents", f->admin, NULL);
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (test_reply_object (list), "total"), ==, 1);

  g_free (path);
  path = g_strconcat (API "incidents/", id, "/history", NULL);
  history = test_request (f->ts, "GET", path, f->lead, NULL);
  g_assert_cmpuint (history->status, ==, 200);
  entries = json_object_get_array_member (test_reply_object (history), "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  entry = json_array_get_object_element (entries, 0);
  g_assert_cmpint (json_object_get_int_member (entry, "seq"), ==, 1);
  g_assert_cmpuint (strlen (json_object_get_string_member (entry, "hash")), ==, 64);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (entry, "op"),
                                                  "actor"), ==, "alice");
  g_assert_nonnull (json_object_get_array_member (entry, "changes"));
}

typedef struct {
  const char *kind;
  gboolean    allowed[4];   /* analyst, lead, manager, admin */
} RoleCase;

static void
test_ops_role_matrix (Fixture       *f,
                      gconstpointer  data)
{
  static const RoleCase cases[] = {
    { "incident.create", { TRUE, TRUE, FALSE, FALSE } },
    { "incident.update", { TRUE, TRUE, FALSE, FALSE } },
    { "incident.move", { TRUE, TRUE, FALSE, FALSE } },
    { "approval.submit", { TRUE, TRUE, FALSE, FALSE } },
    { "approval.decide", { FALSE, TRUE, FALSE, FALSE } },
  };
  const char *tokens[] = { f->analyst2, f->lead, f->manager, f->admin };
  const char *names[] = { "analyst", "lead", "manager", "admin" };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      for (guint r = 0; r < G_N_ELEMENTS (tokens); r++)
        {
          g_autofree char *id = NULL;
          g_autofree char *op = NULL;
          g_autoptr(TestReply) reply = NULL;
          gint64 rev = 0;
          const char *kind = cases[c].kind;
          JsonObject *result;

          /* Each case on a fresh incident of another user, made through the
           * API as a real one would be. */
          if (g_str_equal (kind, "incident.create"))
            {
              id = g_uuid_string_random ();
              op = test_op (kind, id, 0, "{'title': 'New one', 'type': 'ddos'}");
            }
          else if (g_str_equal (kind, "incident.update"))
            {
              id = test_create_incident (f->ts, f->analyst, &rev);
              op = test_op (kind, id, rev, "{'description': 'More detail'}");
            }
          else if (g_str_equal (kind, "incident.move"))
            {
              id = test_create_incident (f->ts, f->analyst, &rev);
              op = test_op (kind, id, rev, "{'to': 2}");
            }
          else if (g_str_equal (kind, "approval.submit"))
            {
              id = test_create_complete_incident (f->ts, f->analyst, &rev);
              op = test_op (kind, id, rev, NULL);
            }
          else
            {
              id = test_create_pending_incident (f->ts, f->analyst, &rev);
              op = test_op (kind, id, rev, "{'decision': 'approve', 'comment': 'Fine'}");
            }

          reply = test_post_op (f->ts, tokens[r], op);
          result = test_reply_result (reply, 0);
          if (cases[c].allowed[r])
            {
              if (reply->status != 200)
                g_error ("%s by %s: expected 200, got %u", kind, names[r], reply->status);
              g_assert_cmpstr (json_object_get_string_member (result, "status"), ==,
                               "applied");
            }
          else
            {
              JsonObject *error = json_object_get_object_member (result, "error");

              if (reply->status != 403)
                g_error ("%s by %s: expected 403, got %u", kind, names[r], reply->status);
              g_assert_cmpstr (json_object_get_string_member (result, "status"), ==,
                               "rejected");
              g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "forbidden");
              g_assert_cmpint (json_object_get_int_member (result, "seq"), ==, 0);
            }
        }
    }
}

static void
test_ops_four_eyes (Fixture       *f,
                    gconstpointer  data)
{
  gint64 rev = 0;
  g_autofree char *id = test_create_pending_incident (f->ts, f->lead, &rev);
  g_autofree char *own = test_op ("approval.decide", id, rev,
                                  "{'decision': 'approve', 'comment': 'mine'}");
  g_autofree char *other = test_op ("approval.decide", id, rev,
                                    "{'decision': 'reject', 'comment': 'Too thin'}");
  g_autoptr(TestReply) reply = test_post_op (f->ts, f->lead, own);
  g_autoptr(TestReply) second = NULL;
  JsonObject *incident;

  g_assert_cmpuint (reply->status, ==, 403);
  second = test_post_op (f->ts, f->lead2, other);
  g_assert_cmpuint (second->status, ==, 200);
  incident = json_object_get_object_member (test_reply_result (second, 0), "incident");
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (incident, "approval"), "state"), ==,
                   "rejected");
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (incident, "approval"), "decided_by"), ==,
                   "leo");
}

/* The workspace policy: external notifications wait for a lead */

static gint64
result_revision (TestReply *reply)
{
  return json_object_get_int_member (test_reply_result (reply, 0), "revision");
}

static void
test_ops_notification_policy (Fixture       *f,
                              gconstpointer  data)
{
  gint64 rev = 0;
  g_autofree char *id = test_create_pending_incident (f->ts, f->analyst, &rev);
  g_autoptr(JsonObject) text = json_object_new ();
  g_autofree char *hash = NULL;
  g_autofree char *decide = NULL;
  g_autofree char *payload = NULL;
  g_autoptr(TestReply) changes = NULL;
  JsonObject *policy;
  TestReply *reply;
  char *op;

#define POST(token, kind, expected, ...) \
  payload = g_strdup_printf (__VA_ARGS__); \
  op = test_op (kind, id, rev, payload); \
  reply = test_post_op (f->ts, token, op); \
  g_assert_cmpuint (reply->status, ==, expected); \
  if (expected == 200) \
    rev = result_revision (reply); \
  g_free (op); \
  g_clear_pointer (&payload, g_free)

  POST (f->lead, "approval.decide", 200, "%s", "{'decision': 'approve'}");
  test_reply_free (reply);
  POST (f->analyst, "item.add", 200, "%s",
        "{'form': 'notify', 'collection': 'notifications', 'item': {'id': 'n1', "
        "'audience': 'regulator', 'subject': 'Notice', 'body': 'An incident.'}}");
  test_reply_free (reply);

  /* A text with gaps is not sent, whatever the policy: the server says
   * which, in the words of the core. */
  POST (f->analyst, "item.add", 200, "%s",
        "{'form': 'notify', 'collection': 'notifications', 'item': {'id': 'n0', "
        "'audience': 'executive', 'subject': 'Notice', "
        "'body': 'Impact: [to fill in: impact]. Done: [to fill in: actions].'}}");
  test_reply_free (reply);
  POST (f->analyst, "item.update", 422, "%s",
        "{'form': 'notify', 'collection': 'notifications', 'id': 'n0', "
        "'fields': {'channel': 'email', 'sent': true}}");
  {
    JsonObject *refusal = json_object_get_object_member (test_reply_result (reply, 0), "error");

    g_assert_cmpstr (json_object_get_string_member (refusal, "code"), ==, "invalid");
    g_assert_nonnull (strstr (json_object_get_string_member (refusal, "message"),
                              "The message still has 2 gaps to fill in: impact, actions. "
                              "Replace them with the facts, or remove them."));
  }
  test_reply_free (reply);

  /* The default policy: the server refuses to record it sent. */
  POST (f->analyst, "item.update", 409, "%s",
        "{'form': 'notify', 'collection': 'notifications', 'id': 'n1', "
        "'fields': {'channel': 'portal', 'sent': true}}");
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (test_reply_result (reply, 0), "error"),
                     "code"), ==, "gate");
  test_reply_free (reply);

  /* A lead's approval of this very text lets it go. */
  json_object_set_string_member (text, "audience", "regulator");
  json_object_set_string_member (text, "subject", "Notice");
  json_object_set_string_member (text, "body", "An incident.");
  hash = vigil_notification_dup_text_hash (text);
  decide = g_strdup_printf ("{'id': 'n1', 'decision': 'approve', 'sha256': '%s'}", hash);
  POST (f->analyst, "notification.decide", 403, "%s", decide);
  test_reply_free (reply);
  POST (f->lead2, "notification.decide", 200, "%s", decide);
  test_reply_free (reply);
  POST (f->analyst, "item.update", 200, "%s",
        "{'form': 'notify', 'collection': 'notifications', 'id': 'n1', "
        "'fields': {'channel': 'portal', 'sent': true}}");
  test_reply_free (reply);

  /* The administrator switches the rule off (vigild policy writes the
   * store beside the running server): the next one goes at once. */
  POST (f->analyst, "item.add", 200, "%s",
        "{'form': 'notify', 'collection': 'notifications', 'item': {'id': 'n2', "
        "'audience': 'clients', 'subject': 'Dear clients'}}");
  test_reply_free (reply);
  changes = test_request (f->ts, "GET", API "changes?since=0", f->analyst, NULL);
  policy = json_object_get_object_member (test_reply_object (changes), "policy");
  g_assert_true (json_object_get_boolean_member (policy, "external_notifications_need_approval"));
  g_clear_pointer (&changes, test_reply_free);

  g_assert_true (vigil_store_set_policy (f->ts->store, VIGIL_POLICY_NONE, NULL));
  POST (f->analyst, "item.update", 200, "%s",
        "{'form': 'notify', 'collection': 'notifications', 'id': 'n2', "
        "'fields': {'channel': 'email', 'sent': true}}");
  test_reply_free (reply);
  changes = test_request (f->ts, "GET", API "changes?since=0", f->analyst, NULL);
  policy = json_object_get_object_member (test_reply_object (changes), "policy");
  g_assert_false (json_object_get_boolean_member (policy, "external_notifications_need_approval"));
#undef POST
}

static void
test_ops_idempotent (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *a = test_op ("incident.create", id, 0,
                                "{'title': 'Laptop stolen', 'type': 'data_breach'}");
  g_autofree char *b = test_op ("incident.update", id, 1, "{'severity': 'medium'}");
  g_autofree char *c = test_op ("incident.move", id, 2, "{'to': 3}");
  g_autofree char *body = test_ops_body (a, b, c, NULL);
  g_autoptr(TestReply) first = test_request (f->ts, "POST", API "ops", f->analyst, body);
  g_autoptr(TestReply) again = test_request (f->ts, "POST", API "ops", f->analyst, body);
  g_autoptr(TestReply) changes = NULL;
  g_autoptr(TestReply) history = NULL;
  g_autofree char *path = g_strconcat (API "incidents/", id, "/history", NULL);

  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpuint (again->status, ==, 200);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *r1 = test_reply_result (first, i);
      JsonObject *r2 = test_reply_result (again, i);

      g_assert_cmpstr (json_object_get_string_member (r1, "status"), ==, "applied");
      g_assert_cmpstr (json_object_get_string_member (r2, "status"), ==, "duplicate");
      g_assert_cmpint (json_object_get_int_member (r1, "seq"), ==,
                       json_object_get_int_member (r2, "seq"));
      g_assert_cmpstr (json_object_get_string_member (r1, "id"), ==,
                       json_object_get_string_member (r2, "id"));
    }
  /* The replay answers with the current state: revision 3. */
  g_assert_cmpint (json_object_get_int_member (test_reply_result (again, 0), "revision"), ==, 3);

  history = test_request (f->ts, "GET", path, f->analyst, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      test_reply_object (history), "entries")), ==, 3);
  changes = test_request (f->ts, "GET", API "changes?since=0", f->analyst, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      test_reply_object (changes), "entries")), ==, 3);
  g_assert_cmpint (json_object_get_int_member (test_reply_object (changes), "last_seq"), ==, 3);
}

static void
test_ops_conflict (Fixture       *f,
                   gconstpointer  data)
{
  gint64 rev = 0;
  g_autofree char *id = test_create_pending_incident (f->ts, f->analyst, &rev);
  g_autofree char *stale = test_op ("approval.decide", id, rev - 1,
                                    "{'decision': 'approve', 'comment': 'ok'}");
  g_autoptr(TestReply) reply = test_post_op (f->ts, f->lead, stale);
  JsonObject *result = test_reply_result (reply, 0);
  JsonObject *incident;

  g_assert_cmpuint (reply->status, ==, 409);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (result, "error"), "code"), ==, "conflict");
  /* With the current state, to show the lead what changed. */
  incident = json_object_get_object_member (result, "incident");
  g_assert_cmpint (json_object_get_int_member (incident, "revision"), ==, rev);
  g_assert_cmpint (json_object_get_int_member (result, "revision"), ==, rev);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (incident, "approval"), "state"), ==,
                   "pending");
}

static void
test_ops_mixed_batch (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *missing = g_uuid_string_random ();
  g_autofree char *a = test_op ("incident.create", id, 0, "{'title': 'A', 'type': 'ddos'}");
  g_autofree char *b = test_op ("incident.move", id, 1, "{'to': 9}");   /* gate */
  g_autofree char *c = test_op ("incident.update", missing, 0, "{'title': 'x'}");
  g_autofree char *d = test_op ("incident.update", id, 1, "{'title': 'A, renamed'}");
  g_autofree char *body = test_ops_body (a, b, c, d, NULL);
  g_autoptr(TestReply) reply = test_request (f->ts, "POST", API "ops", f->analyst, body);
  JsonObject *gate;

  /* The status of the first refusal; the others are applied. */
  g_assert_cmpuint (reply->status, ==, 409);
  g_assert_cmpstr (json_object_get_string_member (test_reply_result (reply, 0), "status"), ==,
                   "applied");
  gate = test_reply_result (reply, 1);
  g_assert_cmpstr (json_object_get_string_member (gate, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (gate, "error"),
                                                  "code"), ==, "gate");
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (test_reply_result (reply, 2), "error"),
                     "code"), ==, "not_found");
  g_assert_true (json_object_get_null_member (test_reply_result (reply, 2), "incident"));
  g_assert_cmpstr (json_object_get_string_member (test_reply_result (reply, 3), "status"), ==,
                   "applied");
  g_assert_cmpint (json_object_get_int_member (test_reply_result (reply, 3), "revision"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (test_reply_object (reply), "last_seq"), ==, 2);
}

static gpointer
concurrent_sender (gpointer data)
{
  Fixture *f = data;
  g_autoptr(SoupSession) session = soup_session_new ();

  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autofree char *op = test_op ("incident.create", id, 0, "{'title': 'T', 'type': 'ddos'}");
      g_autofree char *body = test_ops_body (op, NULL);
      g_autoptr(TestReply) reply = test_request_full (f->ts, session, "POST", API "ops",
                                                      f->analyst, NULL, body, -1);

      g_assert_cmpuint (reply->status, ==, 200);
    }
  return NULL;
}

static void
test_ops_concurrent (Fixture       *f,
                     gconstpointer  data)
{
  GThread *threads[8];
  g_autoptr(GError) error = NULL;
  gint64 checked = 0;
  guint64 commits = 0, ops = 0;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("sender", concurrent_sender, f);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  g_assert_cmpuint (vigil_store_count_incidents (f->ts->store), ==, 200);
  g_assert_true (vigil_store_verify (f->ts->store, &checked, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (checked, ==, 200);

  vigild_writer_get_stats (vigild_server_get_writer (f->ts->server), &commits, &ops);
  g_assert_cmpuint (ops, ==, 200);
  g_test_message ("200 operations from 8 clients in %" G_GUINT64_FORMAT " commits", commits);
}

/* Reading */

static void
test_incidents_query (Fixture       *f,
                      gconstpointer  data)
{
  static const struct {
    const char *query;
    gint64      total;
  } cases[] = {
    { "", 5 },
    { "?type=malware", 2 },
    { "?severity=high", 2 },
    { "?type=malware&severity=high", 2 },
    { "?step=8", 1 },
    { "?step=1", 4 },
    { "?owner=alice", 3 },
    { "?owner=amir", 2 },
    { "?q=ransomware", 2 },
    { "?q=RANSOMWARE", 2 },
    { "?q=", 5 },
    { "?q=nothing-like-this", 0 },
  };
  g_autoptr(TestReply) page = NULL;
  g_autoptr(TestReply) pending = NULL;
  JsonObject *object;

  g_free (test_create_incident (f->ts, f->analyst, NULL));
  g_free (test_create_incident (f->ts, f->analyst2, NULL));
  g_free (test_create_incident (f->ts, f->analyst2, NULL));
  g_free (test_create_complete_incident (f->ts, f->analyst, NULL));
  g_free (test_create_pending_incident (f->ts, f->analyst, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strconcat (API "incidents", cases[i].query, NULL);
      g_autoptr(TestReply) reply = test_request (f->ts, "GET", path, f->manager, NULL);

      g_assert_cmpuint (reply->status, ==, 200);
      if (json_object_get_int_member (test_reply_object (reply), "total") != cases[i].total)
        g_error ("%s: expected %" G_GINT64_FORMAT ", got %" G_GINT64_FORMAT, path,
                 cases[i].total, json_object_get_int_member (test_reply_object (reply), "total"));
    }

  page = test_request (f->ts, "GET", API "incidents?offset=1&limit=2", f->manager, NULL);
  object = test_reply_object (page);
  g_assert_cmpint (json_object_get_int_member (object, "total"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (object, "offset"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "limit"), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "incidents")),
                    ==, 2);

  pending = test_request (f->ts, "GET", API "approvals/pending", f->lead, NULL);
  g_assert_cmpuint (pending->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      test_reply_object (pending), "incidents")), ==, 1);
}

static void
test_changes_feed (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(TestReply) first = NULL;
  g_autoptr(TestReply) rest = NULL;
  g_autoptr(TestReply) none = NULL;
  JsonObject *object;
  JsonArray *entries, *incidents;
  gint64 rev;
  g_autofree char *a = test_create_incident (f->ts, f->analyst, &rev);
  g_autofree char *b = test_create_incident (f->ts, f->analyst, NULL);
  g_autofree char *op = test_op ("incident.update", a, rev, "{'severity': 'low'}");
  g_autoptr(TestReply) update = test_post_op (f->ts, f->analyst, op);

  g_assert_cmpuint (update->status, ==, 200);

  first = test_request (f->ts, "GET", API "changes?since=0&limit=2", f->manager, NULL);
  object = test_reply_object (first);
  entries = json_object_get_array_member (object, "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, 2);
  g_assert_true (json_object_get_boolean_member (object, "more"));
  g_assert_cmpint (json_object_get_int_member (object, "last_seq"), ==, 3);
  incidents = json_object_get_array_member (object, "incidents");
  g_assert_cmpuint (json_array_get_length (incidents), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (entries, 1),
                                               "seq"), ==, 2);
  g_assert_nonnull (json_object_get_object_member (json_array_get_object_element (entries, 0),
                                                   "op"));

  rest = test_request (f->ts, "GET", API "changes?since=2", f->manager, NULL);
  object = test_reply_object (rest);
  entries = json_object_get_array_member (object, "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  g_assert_false (json_object_get_boolean_member (object, "more"));
  incidents = json_object_get_array_member (object, "incidents");
  g_assert_cmpuint (json_array_get_length (incidents), ==, 1);
  /* The current state of what the entries touched. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (incidents, 0),
                                                  "severity"), ==, "low");

  none = test_request (f->ts, "GET", API "changes?since=3", f->manager, NULL);
  object = test_reply_object (none);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "entries")), ==,
                    0);
  g_assert_false (json_object_get_boolean_member (object, "more"));
}

/* More entries than the server reads at a time. */
static void
test_changes_chunks (Fixture       *f,
                     gconstpointer  data)
{
  guint n = 2 * VIGILD_API_CHANGES_CHUNK + 17;
  g_autoptr(TestReply) all = NULL;
  g_autoptr(TestReply) part = NULL;
  JsonObject *object;
  JsonArray *entries;

  for (guint done = 0; done < n;)
    {
      g_autoptr(GString) body = g_string_new ("{\"ops\":[");
      g_autoptr(TestReply) created = NULL;
      guint batch = MIN (n - done, VIGILD_API_MAX_OPS);

      for (guint i = 0; i < batch; i++)
        {
          g_autofree char *id = g_uuid_string_random ();
          g_autofree char *op = test_op ("incident.create", id, 0,
                                         "{'title': 'T', 'type': 'ddos'}");

          g_string_append_printf (body, "%s%s", i ? "," : "", op);
        }
      g_string_append (body, "]}");
      created = test_request (f->ts, "POST", API "ops", f->analyst, body->str);
      g_assert_cmpuint (created->status, ==, 200);
      done += batch;
    }

  all = test_request (f->ts, "GET", API "changes?since=3&limit=5000", f->manager, NULL);
  object = test_reply_object (all);
  entries = json_object_get_array_member (object, "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, n - 3);
  for (guint i = 0; i < n - 3; i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (entries, i),
                                                 "seq"), ==, i + 4);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "incidents")),
                    ==, n - 3);
  g_assert_false (json_object_get_boolean_member (object, "more"));
  g_assert_cmpint (json_object_get_int_member (object, "last_seq"), ==, n);

  /* A limit that ends inside a chunk. */
  part = test_request (f->ts, "GET", API "changes?since=0&limit=260", f->manager, NULL);
  object = test_reply_object (part);
  entries = json_object_get_array_member (object, "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, 260);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (entries, 259),
                                               "seq"), ==, 260);
  g_assert_true (json_object_get_boolean_member (object, "more"));
}

/* Bad input */

typedef enum {
  AUTH_NONE,
  AUTH_VALID,
  AUTH_RAW,       /* the header value is given as is */
} AuthKind;

typedef struct {
  const char *name;
  const char *method;
  const char *path;
  AuthKind    auth;
  const char *authorization;   /* for AUTH_RAW */
  const char *content_type;    /* NULL: application/json when there is a body */
  const char *body;            /* ' stands for " unless raw_body */
  gboolean    raw_body;
  guint       status;
  const char *code;
} BadCase;

#define OP_FIELDS(id) "'id': '" id "', 'incident': 'c0ffee00-0000-4000-8000-000000000001'"
#define GOOD_OP "{" OP_FIELDS ("aaaaaaaa-0000-4000-8000-000000000001") ", 'kind': " \
  "'incident.create', 'base_rev': 0, 'actor': 'x', 'at': '2026-01-01T00:00:00Z', 'payload': " \
  "{'title': 'T', 'type': 'ddos'}}"

static const BadCase bad_cases[] = {
  /* Routes and methods */
  { "unknown route", "GET", API "nope", AUTH_VALID, NULL, NULL, NULL, FALSE, 404, "not_found" },
  { "root", "GET", "/", AUTH_NONE, NULL, NULL, NULL, FALSE, 404, "not_found" },
  { "other version", "GET", "/api/v2/health", AUTH_NONE, NULL, NULL, NULL, FALSE, 404,
    "not_found" },
  { "trailing slash", "GET", API "health/", AUTH_NONE, NULL, NULL, NULL, FALSE, 404,
    "not_found" },
  { "empty incident id", "GET", API "incidents/", AUTH_VALID, NULL, NULL, NULL, FALSE, 404,
    "not_found" },
  { "incident subpath", "GET", API "incidents/x/y", AUTH_VALID, NULL, NULL, NULL, FALSE, 404,
    "not_found" },
  { "history without id", "GET", API "incidents//history", AUTH_VALID, NULL, NULL, NULL, FALSE,
    404, "not_found" },
  { "unknown incident", "GET", API "incidents/no-such-id", AUTH_VALID, NULL, NULL, NULL, FALSE,
    404, "not_found" },
  { "unknown history", "GET", API "incidents/no-such-id/history", AUTH_VALID, NULL, NULL, NULL,
    FALSE, 404, "not_found" },
  { "live subpath", "GET", API "live/more", AUTH_VALID, NULL, NULL, NULL, FALSE, 404,
    "not_found" },
  { "PUT ops", "PUT", API "ops", AUTH_VALID, NULL, NULL, "{}", FALSE, 405,
    "method_not_allowed" },
  { "GET ops", "GET", API "ops", AUTH_VALID, NULL, NULL, NULL, FALSE, 405, "method_not_allowed" },
  { "DELETE me", "DELETE", API "me", AUTH_VALID, NULL, NULL, NULL, FALSE, 405,
    "method_not_allowed" },
  { "POST health", "POST", API "health", AUTH_NONE, NULL, NULL, "{}", FALSE, 405,
    "method_not_allowed" },
  { "PATCH incidents", "PATCH", API "incidents", AUTH_VALID, NULL, NULL, "{}", FALSE, 405,
    "method_not_allowed" },
  { "GET session", "GET", API "session", AUTH_VALID, NULL, NULL, NULL, FALSE, 405,
    "method_not_allowed" },
  { "POST live", "POST", API "live", AUTH_VALID, NULL, NULL, "{}", FALSE, 405,
    "method_not_allowed" },
  /* Authentication */
  { "no token", "GET", API "me", AUTH_NONE, NULL, NULL, NULL, FALSE, 401, "unauthorized" },
  { "unknown token", "GET", API "me", AUTH_RAW, "Bearer WES-GAv_5uFx8OePU8sWkPeh8hBJLuSBLr",
    NULL, NULL, FALSE, 401, "unauthorized" },
  { "basic auth", "GET", API "me", AUTH_RAW, "Basic dXNlcjpwYXNz", NULL, NULL, FALSE, 401,
    "unauthorized" },
  { "empty bearer", "GET", API "me", AUTH_RAW, "Bearer ", NULL, NULL, FALSE, 401,
    "unauthorized" },
  { "odd token", "GET", API "me", AUTH_RAW, "Bearer '; DROP TABLE users; --", NULL, NULL, FALSE,
    401, "unauthorized" },
  { "ops without token", "POST", API "ops", AUTH_NONE, NULL, NULL, "{'ops': [" GOOD_OP "]}",
    FALSE, 401, "unauthorized" },
  { "changes without token", "GET", API "changes", AUTH_NONE, NULL, NULL, NULL, FALSE, 401,
    "unauthorized" },
  { "incidents without token", "GET", API "incidents", AUTH_NONE, NULL, NULL, NULL, FALSE, 401,
    "unauthorized" },
  { "pending without token", "GET", API "approvals/pending", AUTH_NONE, NULL, NULL, NULL, FALSE,
    401, "unauthorized" },
  { "logout without token", "DELETE", API "session", AUTH_NONE, NULL, NULL, NULL, FALSE, 401,
    "unauthorized" },
  { "live without token", "GET", API "live", AUTH_NONE, NULL, NULL, NULL, FALSE, 401,
    "unauthorized" },
  { "live without handshake", "GET", API "live", AUTH_VALID, NULL, NULL, NULL, FALSE, 400,
    "bad_request" },
  /* Sign-in documents */
  { "login empty body", "POST", API "session", AUTH_NONE, NULL, NULL, "", FALSE, 400,
    "bad_request" },
  { "login not json", "POST", API "session", AUTH_NONE, NULL, NULL, "user=alice", FALSE, 400,
    "bad_request" },
  { "login array", "POST", API "session", AUTH_NONE, NULL, NULL, "[]", FALSE, 400,
    "bad_request" },
  { "login no password", "POST", API "session", AUTH_NONE, NULL, NULL, "{'user': 'alice'}",
    FALSE, 400, "bad_request" },
  { "login number user", "POST", API "session", AUTH_NONE, NULL, NULL,
    "{'user': 1, 'password': 'x'}", FALSE, 400, "bad_request" },
  { "login extra field", "POST", API "session", AUTH_NONE, NULL, NULL,
    "{'user': 'alice', 'password': 'x', 'remember': true}", FALSE, 400, "bad_request" },
  { "login empty user", "POST", API "session", AUTH_NONE, NULL, NULL,
    "{'user': '', 'password': 'x'}", FALSE, 400, "bad_request" },
  { "login as text/plain", "POST", API "session", AUTH_NONE, NULL, "text/plain",
    "{'user': 'alice', 'password': 'x'}", FALSE, 400, "bad_request" },
  /* Operation batches */
  { "ops empty body", "POST", API "ops", AUTH_VALID, NULL, NULL, "", FALSE, 400, "bad_request" },
  { "ops open brace", "POST", API "ops", AUTH_VALID, NULL, NULL, "{", FALSE, 400,
    "bad_request" },
  { "ops null", "POST", API "ops", AUTH_VALID, NULL, NULL, "null", FALSE, 400, "bad_request" },
  { "ops array", "POST", API "ops", AUTH_VALID, NULL, NULL, "[]", FALSE, 400, "bad_request" },
  { "ops string", "POST", API "ops", AUTH_VALID, NULL, NULL, "'ops'", FALSE, 400,
    "bad_request" },
  { "ops missing", "POST", API "ops", AUTH_VALID, NULL, NULL, "{}", FALSE, 400, "bad_request" },
  { "ops object", "POST", API "ops", AUTH_VALID, NULL, NULL, "{'ops': {}}", FALSE, 400,
    "bad_request" },
  { "ops empty", "POST", API "ops", AUTH_VALID, NULL, NULL, "{'ops': []}", FALSE, 400,
    "bad_request" },
  { "ops number element", "POST", API "ops", AUTH_VALID, NULL, NULL, "{'ops': [1]}", FALSE, 400,
    "bad_request" },
  { "ops extra field", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [" GOOD_OP "], 'dry_run': true}", FALSE, 400, "bad_request" },
  { "op without id", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{'incident': 'i', 'kind': 'incident.create', 'base_rev': 0, 'actor': 'x', "
    "'at': '2026-01-01T00:00:00Z', 'payload': {}}]}", FALSE, 400, "bad_request" },
  { "op unknown field", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{" OP_FIELDS ("aaaaaaaa-0000-4000-8000-000000000002") ", 'kind': "
    "'incident.create', 'base_rev': 0, 'actor': 'x', 'at': '2026-01-01T00:00:00Z', "
    "'payload': {}, 'sudo': true}]}", FALSE, 400, "bad_request" },
  { "op unknown kind", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{" OP_FIELDS ("aaaaaaaa-0000-4000-8000-000000000003") ", 'kind': "
    "'incident.explode', 'base_rev': 0, 'actor': 'x', 'at': '2026-01-01T00:00:00Z'}]}", FALSE,
    400, "unknown_kind" },
  { "op negative base_rev", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{" OP_FIELDS ("aaaaaaaa-0000-4000-8000-000000000004") ", 'kind': "
    "'incident.create', 'base_rev': -1, 'actor': 'x', 'at': '2026-01-01T00:00:00Z'}]}", FALSE,
    400, "bad_request" },
  { "op string base_rev", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{" OP_FIELDS ("aaaaaaaa-0000-4000-8000-000000000005") ", 'kind': "
    "'incident.create', 'base_rev': '0', 'actor': 'x', 'at': '2026-01-01T00:00:00Z'}]}", FALSE,
    400, "bad_request" },
  { "op float base_rev", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{" OP_FIELDS ("aaaaaaaa-0000-4000-8000-000000000006") ", 'kind': "
    "'incident.create', 'base_rev': 0.5, 'actor': 'x', 'at': '2026-01-01T00:00:00Z'}]}", FALSE,
    400, "bad_request" },
  { "op huge base_rev", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{" OP_FIELDS ("aaaaaaaa-0000-4000-8000-000000000007") ", 'kind': "
    "'incident.create', 'base_rev': 123456789012345678901234567890, 'actor': 'x', "
    "'at': '2026-01-01T00:00:00Z', 'payload': {'title': 'T', 'type': 'ddos'}}]}", FALSE, 400, "bad_request" },
  { "op infinite base_rev", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{" OP_FIELDS ("aaaaaaaa-0000-4000-8000-000000000008") ", 'kind': "
    "'incident.create', 'base_rev': 1e999999, 'actor': 'x', 'at': '2026-01-01T00:00:00Z', "
    "'payload': {'title': 'T', 'type': 'ddos'}}]}",
    FALSE, 400, "bad_request" },
  { "op bad time", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{" OP_FIELDS ("aaaaaaaa-0000-4000-8000-000000000009") ", 'kind': "
    "'incident.create', 'base_rev': 0, 'actor': 'x', 'at': 'yesterday'}]}", FALSE, 400,
    "bad_request" },
  { "op array payload", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{" OP_FIELDS ("aaaaaaaa-0000-4000-8000-00000000000a") ", 'kind': "
    "'incident.create', 'base_rev': 0, 'actor': 'x', 'at': '2026-01-01T00:00:00Z', "
    "'payload': []}]}", FALSE, 400, "bad_request" },
  { "op empty id", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{'id': '', 'incident': 'i', 'kind': 'incident.create', 'base_rev': 0, "
    "'actor': 'x', 'at': '2026-01-01T00:00:00Z'}]}", FALSE, 400, "bad_request" },
  { "good op then bad op", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [" GOOD_OP ", {'id': 7}]}", FALSE, 400, "bad_request" },
  { "trailing garbage", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [" GOOD_OP "]} trailing", FALSE, 400, "bad_request" },
  { "two documents", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [" GOOD_OP "]} {'ops': [" GOOD_OP "]}", FALSE, 400, "bad_request" },
  { "javascript assignment", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "var x = {'ops': [" GOOD_OP "]};", FALSE, 400, "bad_request" },
  { "key twice", "POST", API "session", AUTH_NONE, NULL, NULL,
    "{'user': 'alice', 'user': 'lena', 'password': 'x'}", FALSE, 400, "bad_request" },
  { "op id twice", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{'id': 'aaaaaaaa-0000-4000-8000-00000000000d', 'id': 'other', 'incident': 'i', "
    "'kind': 'incident.create', 'base_rev': 0, 'actor': 'x', 'at': '2026-01-01T00:00:00Z', "
    "'payload': {'title': 'T', 'type': 'ddos'}}]}", FALSE, 400, "bad_request" },
  { "single quotes", "POST", API "ops", AUTH_VALID, NULL, NULL, "{'ops': []}", TRUE, 400,
    "bad_request" },
  { "ops as text/plain", "POST", API "ops", AUTH_VALID, NULL, "text/plain",
    "{'ops': [" GOOD_OP "]}", FALSE, 400, "bad_request" },
  { "ops as form", "POST", API "ops", AUTH_VALID, NULL, "application/x-www-form-urlencoded",
    "ops=1", TRUE, 400, "bad_request" },
  { "ops without content type", "POST", API "ops", AUTH_VALID, NULL, "", "{}", TRUE, 400,
    "bad_request" },
  /* Query parameters */
  { "step 99", "GET", API "incidents?step=99", AUTH_VALID, NULL, NULL, NULL, FALSE, 400,
    "bad_request" },
  { "step 0", "GET", API "incidents?step=0", AUTH_VALID, NULL, NULL, NULL, FALSE, 400,
    "bad_request" },
  { "step word", "GET", API "incidents?step=one", AUTH_VALID, NULL, NULL, NULL, FALSE, 400,
    "bad_request" },
  { "limit abc", "GET", API "incidents?limit=abc", AUTH_VALID, NULL, NULL, NULL, FALSE, 400,
    "bad_request" },
  { "limit 0", "GET", API "incidents?limit=0", AUTH_VALID, NULL, NULL, NULL, FALSE, 400,
    "bad_request" },
  { "limit huge", "GET", API "incidents?limit=99999999999999999999", AUTH_VALID, NULL, NULL,
    NULL, FALSE, 400, "bad_request" },
  { "offset negative", "GET", API "incidents?offset=-1", AUTH_VALID, NULL, NULL, NULL, FALSE,
    400, "bad_request" },
  { "unknown type", "GET", API "incidents?type=alien", AUTH_VALID, NULL, NULL, NULL, FALSE, 400,
    "bad_request" },
  { "unknown severity", "GET", API "incidents?severity=apocalyptic", AUTH_VALID, NULL, NULL,
    NULL, FALSE, 400, "bad_request" },
  { "empty owner", "GET", API "incidents?owner=", AUTH_VALID, NULL, NULL, NULL, FALSE, 400,
    "bad_request" },
  { "unknown parameter", "GET", API "incidents?sort=title", AUTH_VALID, NULL, NULL, NULL, FALSE,
    400, "bad_request" },
  { "since negative", "GET", API "changes?since=-5", AUTH_VALID, NULL, NULL, NULL, FALSE, 400,
    "bad_request" },
  { "since huge", "GET", API "changes?since=99999999999999999999", AUTH_VALID, NULL, NULL, NULL,
    FALSE, 400, "bad_request" },
  { "changes limit too big", "GET", API "changes?limit=5001", AUTH_VALID, NULL, NULL, NULL,
    FALSE, 400, "bad_request" },
  { "changes unknown parameter", "GET", API "changes?from=3", AUTH_VALID, NULL, NULL, NULL,
    FALSE, 400, "bad_request" },
  { "me with parameter", "GET", API "me?debug=1", AUTH_VALID, NULL, NULL, NULL, FALSE, 400,
    "bad_request" },
  { "health with parameter", "GET", API "health?x=1", AUTH_NONE, NULL, NULL, NULL, FALSE, 400,
    "bad_request" },
  { "live with parameter", "GET", API "live?since=1", AUTH_VALID, NULL, NULL, NULL, FALSE, 400,
    "bad_request" },
  /* Rules, reached with well-formed documents */
  { "create without title", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{" OP_FIELDS ("aaaaaaaa-0000-4000-8000-00000000000b") ", 'kind': "
    "'incident.create', 'base_rev': 0, 'actor': 'x', 'at': '2026-01-01T00:00:00Z', "
    "'payload': {'type': 'ddos'}}]}", FALSE, 422, "invalid" },
  { "title as number", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{" OP_FIELDS ("aaaaaaaa-0000-4000-8000-00000000000e") ", 'kind': "
    "'incident.create', 'base_rev': 0, 'actor': 'x', 'at': '2026-01-01T00:00:00Z', "
    "'payload': {'title': 42, 'type': 'ddos'}}]}", FALSE, 422, "invalid" },
  { "systems as text", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{" OP_FIELDS ("aaaaaaaa-0000-4000-8000-00000000000f") ", 'kind': "
    "'incident.create', 'base_rev': 0, 'actor': 'x', 'at': '2026-01-01T00:00:00Z', "
    "'payload': {'title': 'T', 'type': 'ddos', 'affected_systems': 'mail'}}]}", FALSE, 422,
    "invalid" },
  { "unknown payload field", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{" OP_FIELDS ("aaaaaaaa-0000-4000-8000-000000000010") ", 'kind': "
    "'incident.create', 'base_rev': 0, 'actor': 'x', 'at': '2026-01-01T00:00:00Z', "
    "'payload': {'title': 'T', 'type': 'ddos', 'admin': true}}]}", FALSE, 422, "invalid" },
  { "unknown type value", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{" OP_FIELDS ("aaaaaaaa-0000-4000-8000-000000000011") ", 'kind': "
    "'incident.create', 'base_rev': 0, 'actor': 'x', 'at': '2026-01-01T00:00:00Z', "
    "'payload': {'title': 'T', 'type': 'alien'}}]}", FALSE, 422, "invalid" },
  { "kind as number", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{" OP_FIELDS ("aaaaaaaa-0000-4000-8000-000000000012") ", 'kind': 7, "
    "'base_rev': 0, 'actor': 'x', 'at': '2026-01-01T00:00:00Z'}]}", FALSE, 400,
    "bad_request" },
  { "empty kind", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{" OP_FIELDS ("aaaaaaaa-0000-4000-8000-000000000013") ", 'kind': '', "
    "'base_rev': 0, 'actor': 'x', 'at': '2026-01-01T00:00:00Z'}]}", FALSE, 400,
    "unknown_kind" },
  { "password as array", "POST", API "session", AUTH_NONE, NULL, NULL,
    "{'user': 'alice', 'password': ['x']}", FALSE, 400, "bad_request" },
  { "bearer twice", "GET", API "me", AUTH_RAW, "Bearer a Bearer b", NULL, NULL, FALSE, 401,
    "unauthorized" },
  { "update of no incident", "POST", API "ops", AUTH_VALID, NULL, NULL,
    "{'ops': [{'id': 'aaaaaaaa-0000-4000-8000-00000000000c', 'incident': 'nope', 'kind': "
    "'incident.update', 'base_rev': 0, 'actor': 'x', 'at': '2026-01-01T00:00:00Z', "
    "'payload': {'title': 'x'}}]}", FALSE, 404, "not_found" },
};

static void
test_bad_requests (Fixture       *f,
                   gconstpointer  data)
{
  guint n = 0;

  g_assert_cmpuint (G_N_ELEMENTS (bad_cases), >=, 50);

  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      const BadCase *c = &bad_cases[i];
      g_autofree char *url = g_strconcat (f->ts->url, c->path + 1, NULL);
      g_autoptr(SoupMessage) msg = soup_message_new (c->method, url);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autoptr(JsonNode) root = NULL;
      JsonObject *object;
      SoupMessageHeaders *headers;

      g_assert_nonnull (msg);
      g_test_message ("%s %s: %s", c->method, c->path, c->name);
      headers = soup_message_get_request_headers (msg);
      if (c->auth == AUTH_VALID)
        {
          g_autofree char *value = g_strconcat ("Bearer ", f->analyst, NULL);

          soup_message_headers_replace (headers, "Authorization", value);
        }
      else if (c->auth == AUTH_RAW)
        {
          soup_message_headers_replace (headers, "Authorization", c->authorization);
        }

      if (c->body != NULL)
        {
          g_autofree char *text = c->raw_body ? g_strdup (c->body)
                                              : g_strdelimit (g_strdup (c->body), "'", '"');
          gsize length = strlen (text);
          g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), length);

          soup_message_set_request_body_from_bytes (msg, NULL, bytes);
          if (c->content_type == NULL)
            soup_message_headers_set_content_type (headers, "application/json", NULL);
          else if (*c->content_type != '\0')
            soup_message_headers_set_content_type (headers, c->content_type, NULL);
          else
            soup_message_headers_remove (headers, "Content-Type");
        }

      body = soup_session_send_and_read (f->ts->session, msg, NULL, &error);
      g_assert_no_error (error);

      if (soup_message_get_status (msg) != c->status)
        g_error ("%s: expected %u, got %u: %.*s", c->name, c->status,
                 soup_message_get_status (msg), (int) g_bytes_get_size (body),
                 (const char *) g_bytes_get_data (body, NULL));

      headers = soup_message_get_response_headers (msg);
      g_assert_cmpstr (soup_message_headers_get_content_type (headers, NULL), ==,
                       "application/json");
      g_assert_cmpstr (soup_message_headers_get_one (headers, "Cache-Control"), ==, "no-store");
      {
        g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL),
                                           g_bytes_get_size (body));

        root = json_from_string (text, &error);
      }
      g_assert_no_error (error);
      object = json_node_get_object (root);
      if (json_object_has_member (object, "results"))
        {
          /* A refusal by the rules: the batch's results say why. */
          object = json_array_get_object_element (
            json_object_get_array_member (object, "results"), 0);
          g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "rejected");
        }
      object = json_object_get_object_member (object, "error");
      g_assert_nonnull (object);
      if (g_strcmp0 (json_object_get_string_member (object, "code"), c->code) != 0)
        g_error ("%s: expected code %s, got %s", c->name, c->code,
                 json_object_get_string_member (object, "code"));
      g_assert_cmpstr (json_object_get_string_member (object, "message"), !=, "");
      if (c->status == 405)
        g_assert_nonnull (soup_message_headers_get_one (headers, "Allow"));
      if (c->status == 401)
        g_assert_nonnull (soup_message_headers_get_one (headers, "WWW-Authenticate"));

      assert_health (f->ts);
      n++;
    }

  /* Nothing of it was applied. */
  g_assert_cmpint (vigil_store_get_last_seq (f->ts->store), ==, 0);
  g_test_message ("%u malformed requests answered", n);
}

/* Bodies that cannot be written as table entries. */
static void
test_bad_bodies (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GString) many = g_string_new ("{\"ops\": [");
  g_autofree char *deep = NULL;
  g_autofree char *huge = NULL;
  gsize huge_length = VIGILD_API_MAX_BODY + 4096;
  static const char invalid_utf8[] = "{\"user\": \"al\xff\xfeice\", \"password\": \"x\"}";
  static const char with_nul[] = "{\"user\": \"alice\"}\0{\"password\": \"x\"}";
  struct {
    const char *name;
    const char *path;
    const char *body;
    gssize      length;
    guint       status;
    const char *code;
  } cases[5];

  /* 501 operations: one too many. */
  for (guint i = 0; i <= VIGILD_API_MAX_OPS; i++)
    {
      g_autofree char *id = g_strdup_printf ("%08x-0000-4000-8000-000000000000", i);
      g_autofree char *op = test_op ("incident.create", id, 0, "{'title': 'T', 'type': 'ddos'}");

      g_string_append_printf (many, "%s%s", i ? "," : "", op);
    }
  g_string_append (many, "]}");

  deep = g_malloc (200001);
  memset (deep, '[', 100000);
  memset (deep + 100000, ']', 100000);
  deep[200000] = '\0';

  huge = g_malloc (huge_length + 1);
  memset (huge, ' ', huge_length);
  huge[0] = '{';
  huge[huge_length - 1] = '}';
  huge[huge_length] = '\0';

  cases[0] = (typeof (cases[0])) { "too many ops", API "ops", many->str, -1, 400, "bad_request" };
  cases[1] = (typeof (cases[0])) { "deep nesting", API "ops", deep, -1, 400, "bad_request" };
  cases[2] = (typeof (cases[0])) { "over 1 MiB", API "ops", huge, -1, 413, "too_large" };
  cases[3] = (typeof (cases[0])) { "invalid UTF-8", API "session", invalid_utf8, -1, 400,
                                   "bad_request" };
  cases[4] = (typeof (cases[0])) { "NUL byte", API "session", with_nul, sizeof with_nul - 1, 400,
                                   "bad_request" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TestReply) reply = test_request_full (f->ts, NULL, "POST", cases[i].path,
                                                      f->analyst, NULL, cases[i].body,
                                                      cases[i].length);

      if (reply->status != cases[i].status)
        g_error ("%s: expected %u, got %u", cases[i].name, cases[i].status, reply->status);
      test_assert_error (reply, cases[i].status, cases[i].code);
      assert_health (f->ts);
    }

  g_assert_cmpint (vigil_store_get_last_seq (f->ts->store), ==, 0);
}

/* A body without Content-Length (chunked) that grows past the limit. */
static void
test_bad_chunked_body (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *url = g_strconcat (f->ts->url, "api/v1/ops", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autofree char *token = g_strconcat ("Bearer ", f->analyst, NULL);
  gsize length = 3 * 1024 * 1024;
  g_autofree char *data_bytes = g_malloc (length);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  memset (data_bytes, ' ', length);
  stream = g_memory_input_stream_new_from_data (g_steal_pointer (&data_bytes), length, g_free);
  soup_message_set_request_body (msg, "application/json", stream, -1);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", token);

  body = soup_session_send_and_read (f->ts->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 413);
  assert_health (f->ts);
}

/* Bytes that are not HTTP at all, straight on a socket. */
static void
test_bad_raw (Fixture       *f,
              gconstpointer  data)
{
  static const char *requests[] = {
    "GARBAGE\r\n\r\n",
    "GET /api/v1/health HTTP/9.9\r\n\r\n",
    "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: rot13\r\n\r\n",
    "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",   /* a TLS hello on plain HTTP */
    "GET /api/v1/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
  };
  g_autoptr(GUri) uri = g_uri_parse (f->ts->url, G_URI_FLAGS_NONE, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_autoptr(GSocketConnection) connection = NULL;
      g_autoptr(GError) error = NULL;
      char buffer[512] = { 0 };
      GInputStream *in;
      GOutputStream *out;

      g_socket_client_set_timeout (client, 10);
      connection = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                    g_uri_get_port (uri), NULL, &error);
      g_assert_no_error (error);
      out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
      in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
      g_output_stream_write_all (out, requests[i], strlen (requests[i]), NULL, NULL, &error);
      g_assert_no_error (error);
      g_socket_shutdown (g_socket_connection_get_socket (connection), FALSE, TRUE, NULL);
      /* Whatever the answer (an error status, or a closed connection)... */
      g_input_stream_read (in, buffer, sizeof buffer - 1, NULL, NULL);
      g_test_message ("raw request %u answered: %.20s", i, buffer);
      if (buffer[0] != '\0')
        g_assert_true (g_str_has_prefix (buffer, "HTTP/1.") &&
                       (buffer[9] == '4' || buffer[9] == '5'));
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      /* ...the server still answers. */
      assert_health (f->ts);
    }
}

/* The API description */

/* docs/openapi.yaml, read just enough: "METHOD /path" -> the statuses of
 * its responses, and the error codes of the ErrorCode schema. */
typedef struct {
  GHashTable *operations;   /* char * -> GPtrArray of char * */
  GPtrArray  *error_codes;
} OpenApi;

static void
openapi_clear (OpenApi *api)
{
  g_clear_pointer (&api->operations, g_hash_table_unref);
  g_clear_pointer (&api->error_codes, g_ptr_array_unref);
}

static gsize
indent_of (const char *line)
{
  gsize n = 0;

  while (line[n] == ' ')
    n++;
  return n;
}

static void
openapi_load (OpenApi *api)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "docs", "openapi.yaml",
                                                 NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *current_path = NULL;
  GPtrArray *statuses = NULL;
  gboolean in_paths = FALSE, in_responses = FALSE, in_error_code = FALSE;
  gboolean in_enum = FALSE;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);

  api->operations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_ptr_array_unref);
  api->error_codes = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      gsize indent = indent_of (line);
      const char *rest = line + indent;

      if (*rest == '\0' || *rest == '#')
        continue;

      if (indent == 0)
        {
          in_paths = g_str_equal (line, "paths:");
          continue;
        }

      if (in_paths && indent == 2 && rest[0] == '/' && g_str_has_suffix (rest, ":"))
        {
          g_free (current_path);
          current_path = g_strndup (rest, strlen (rest) - 1);
          statuses = NULL;
        }
      else if (in_paths && indent == 4 && current_path != NULL && g_str_has_suffix (rest, ":"))
        {
          g_autofree char *method = g_ascii_strup (rest, strlen (rest) - 1);
          char *key = g_strdup_printf ("%s %s", method, current_path);

          g_assert_false (g_hash_table_contains (api->operations, key));
          statuses = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (api->operations, key, statuses);
          in_responses = FALSE;
        }
      else if (in_paths && indent == 6)
        {
          in_responses = g_str_equal (rest, "responses:");
        }
      else if (in_paths && in_responses && indent == 8 && statuses != NULL && rest[0] == '\'')
        {
          g_ptr_array_add (statuses, g_strndup (rest + 1, 3));
        }

      /* components/schemas/ErrorCode/enum */
      if (indent == 4)
        in_error_code = g_str_equal (rest, "ErrorCode:");
      else if (in_error_code && indent == 6)
        in_enum = g_str_equal (rest, "enum:");
      else if (in_error_code && in_enum && indent == 8 && g_str_has_prefix (rest, "- "))
        g_ptr_array_add (api->error_codes, g_strdup (rest + 2));
    }
}

static gboolean
openapi_documents (OpenApi    *api,
                   const char *method,
                   const char *route,
                   guint       status)
{
  g_autofree char *key = g_strdup_printf ("%s %s", method, route);
  g_autofree char *code = g_strdup_printf ("%u", status);
  GPtrArray *statuses = g_hash_table_lookup (api->operations, key);

  return statuses != NULL &&
         g_ptr_array_find_with_equal_func (statuses, code, g_str_equal, NULL);
}

/* The documented route of a request path, e.g. "/incidents/{id}". */
static char *
openapi_route_of (OpenApi    *api,
                  const char *path)
{
  g_autofree char *bare = g_strndup (path, strcspn (path, "?"));
  g_auto(GStrv) parts = NULL;
  GHashTableIter iter;
  gpointer key;

  if (!g_str_has_prefix (bare, "/api/v1/"))
    return NULL;
  parts = g_strsplit (bare + strlen ("/api/v1"), "/", -1);

  g_hash_table_iter_init (&iter, api->operations);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const char *route = strchr (key, ' ') + 1;
      g_auto(GStrv) template = g_strsplit (route, "/", -1);
      gboolean match = g_strv_length (template) == g_strv_length (parts);

      for (guint i = 0; match && template[i] != NULL; i++)
        match = g_str_equal (template[i], "{id}") ? *parts[i] != '\0'
                                                   : g_str_equal (template[i], parts[i]);
      if (match)
        return g_strdup (route);
    }
  return NULL;
}

static void
test_openapi (void)
{
  OpenApi api = { 0, };
  const char *route, *methods;
  guint n_operations = 0, n_checked = 0;

  openapi_load (&api);

  /* Every route and method of the server is described, and nothing else. */
  for (guint i = 0; (route = vigild_server_get_route (i, &methods)) != NULL; i++)
    {
      g_auto(GStrv) list = g_strsplit (methods, ", ", -1);

      for (guint j = 0; list[j] != NULL; j++)
        {
          g_autofree char *key = g_strdup_printf ("%s %s", list[j], route);
          GPtrArray *statuses = g_hash_table_lookup (api.operations, key);

          if (statuses == NULL)
            g_error ("docs/openapi.yaml does not describe %s", key);
          /* Every route can be refused as a whole. */
          g_assert_true (openapi_documents (&api, list[j], route, 405));
          if (!g_str_equal (route, "/health") &&
              !(g_str_equal (route, "/session") && g_str_equal (list[j], "POST")))
            g_assert_true (openapi_documents (&api, list[j], route, 401));
          n_operations++;
        }
    }
  if (g_hash_table_size (api.operations) != n_operations)
    g_error ("docs/openapi.yaml describes %u operations, the server has %u",
             g_hash_table_size (api.operations), n_operations);

  /* Every error code, and only those. */
  g_assert_cmpuint (api.error_codes->len, ==, VIGILD_ERROR_INTERNAL + 1);
  for (guint code = 0; code <= VIGILD_ERROR_INTERNAL; code++)
    {
      if (!g_ptr_array_find_with_equal_func (api.error_codes,
                                             vigild_error_code_to_string (code),
                                             g_str_equal, NULL))
        g_error ("docs/openapi.yaml lacks the error code %s", vigild_error_code_to_string (code));
    }

  /* Every status the bad requests get is documented for their route. */
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path_route = openapi_route_of (&api, bad_cases[i].path);

      if (path_route == NULL || bad_cases[i].status == 405 || bad_cases[i].status == 404)
        continue;
      if (!openapi_documents (&api, bad_cases[i].method, path_route, bad_cases[i].status))
        g_error ("%s: status %u of %s %s is not in docs/openapi.yaml", bad_cases[i].name,
                 bad_cases[i].status, bad_cases[i].method, path_route);
      n_checked++;
    }
  g_test_message ("%u operations described, %u bad requests checked", n_operations,
                  n_checked);

  /* The limits are the ones written there. */
  {
    g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "docs", "openapi.yaml",
                                                   NULL);
    g_autofree char *text = NULL;
    g_autofree char *max_ops = g_strdup_printf ("maxItems: %d\n", VIGILD_API_MAX_OPS);
    g_autofree char *max_changes = g_strdup_printf ("maximum: %d\n", VIGILD_API_CHANGES_MAX);
    g_autofree char *max_incidents = g_strdup_printf ("maximum: %d\n",
                                                      VIGILD_API_INCIDENTS_MAX);

    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, max_ops));
    g_assert_nonnull (strstr (text, max_changes));
    g_assert_nonnull (strstr (text, max_incidents));
  }

  openapi_clear (&api);
}

/* TLS */

static void
test_tls (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TestReply) reply = NULL;
  g_autoptr(TestReply) login_reply = NULL;
  g_autoptr(SoupSession) untrusting = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  TestServer *ts;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    g_error ("no TLS backend: install glib-networking");

  test_make_certificate (dir, &cert_path, &key_path);
  certificate = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);

  ts = test_server_start (certificate, NULL);
  test_server_add_user (ts, "alice", VIGIL_ROLE_ANALYST);
  g_assert_true (g_str_has_prefix (ts->url, "https://127.0.0.1:"));

  reply = test_request (ts, "GET", API "health", NULL, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  login_reply = test_request (ts, "POST", API "session", NULL,
                              "{\"user\": \"alice\", \"password\": \"" TEST_PASSWORD "\"}");
  g_assert_cmpuint (login_reply->status, ==, 201);

  /* A client that does not trust the certificate gets nothing. */
  url = g_strconcat (ts->url, "api/v1/health", NULL);
  msg = soup_message_new ("GET", url);
  body = soup_session_send_and_read (untrusting, msg, NULL, &error);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_null (body);

  test_server_stop (ts);
  test_rm_rf (dir);
}

/* The live WebSocket */

typedef struct {
  SoupWebsocketConnection *connection;
  GError                  *error;
  gboolean                 done;
  GPtrArray               *messages;
  gboolean                 got_message;
} Live;

static void
on_live_message_cb (SoupWebsocketConnection *connection,
                    gint                     type,
                    GBytes                  *message,
                    Live                    *live)
{
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  g_ptr_array_add (live->messages, g_strndup (data, size));
  live->got_message = TRUE;
}

static void
on_live_connected_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Live *live = user_data;

  live->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
                                                            &live->error);
  if (live->connection != NULL)
    g_signal_connect (live->connection, "message", G_CALLBACK (on_live_message_cb), live);
  live->done = TRUE;
}

static void
live_connect (Fixture    *f,
              SoupSession *session,
              const char *query_token,
              const char *header_token,
              Live       *live)
{
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;

  url = query_token ? g_strconcat (f->ts->url, "api/v1/live?access_token=", query_token, NULL)
                    : g_strconcat (f->ts->url, "api/v1/live", NULL);
  msg = soup_message_new ("GET", url);
  if (header_token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", header_token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    value);
    }

  live->messages = g_ptr_array_new_with_free_func (g_free);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_live_connected_cb, live);
  g_assert_true (test_wait_for (&live->done, 10000));
}

static void
live_clear (Live *live)
{
  if (live->connection != NULL &&
      soup_websocket_connection_get_state (live->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (live->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&live->connection);
  g_clear_error (&live->error);
  g_clear_pointer (&live->messages, g_ptr_array_unref);
}

static void
assert_live_message (const char *text,
                     const char *type,
                     gint64      last_seq)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);
  JsonObject *object;

  g_assert_no_error (error);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, type);
  g_assert_cmpint (json_object_get_int_member (object, "last_seq"), ==, last_seq);
}

static void
test_live (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *id = NULL;
  Live live = { 0, };
  Live by_query = { 0, };
  Live refused = { 0, };
  gint64 start;

  g_free (test_create_incident (f->ts, f->analyst, NULL));

  live_connect (f, session, NULL, f->lead, &live);
  g_assert_no_error (live.error);
  live_connect (f, session, f->manager, NULL, &by_query);
  g_assert_no_error (by_query.error);

  g_assert_true (test_wait_for (&live.got_message, 10000));
  g_assert_true (test_wait_for (&by_query.got_message, 10000));
  assert_live_message (g_ptr_array_index (live.messages, 0), "hello", 1);
  assert_live_message (g_ptr_array_index (by_query.messages, 0), "hello", 1);
  live.got_message = by_query.got_message = FALSE;

  /* An analyst's new operation reaches both at once. */
  start = g_get_monotonic_time ();
  id = test_create_incident (f->ts, f->analyst, NULL);
  g_assert_true (test_wait_for (&live.got_message, 10000));
  g_assert_true (test_wait_for (&by_query.got_message, 10000));
  g_test_message ("notified %" G_GINT64_FORMAT " us after the operation was sent",
                  g_get_monotonic_time () - start);
  assert_live_message (g_ptr_array_index (live.messages, 1), "changed", 2);
  assert_live_message (g_ptr_array_index (by_query.messages, 1), "changed", 2);

  /* A refused operation changes nothing and tells nobody. */
  {
    g_autofree char *op = test_op ("incident.move", id, 1, "{'to': 12}");
    g_autoptr(TestReply) reply = test_post_op (f->ts, f->analyst, op);

    g_assert_cmpuint (reply->status, ==, 409);
  }
  live.got_message = FALSE;
  g_free (test_create_incident (f->ts, f->analyst, NULL));
  g_assert_true (test_wait_for (&live.got_message, 10000));
  g_assert_cmpuint (live.messages->len, ==, 3);
  assert_live_message (g_ptr_array_index (live.messages, 2), "changed", 3);

  /* Without a token, no connection. */
  live_connect (f, session, "not-a-token", NULL, &refused);
  g_assert_nonnull (refused.error);
  g_assert_null (refused.connection);

  live_clear (&live);
  live_clear (&by_query);
  live_clear (&refused);
}

/* DORA: the server computes whether a cyber threat is significant */
static void
test_dora_threat_assess (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *create = test_op ("incident.create", id, 0,
                                     "{'title': 'Phishing kit', 'type': 'phishing'}");
  /* The client claims "not significant"; the rules say otherwise. */
  g_autofree char *assess = test_op ("dora.threat_assess", id, 1,
                                     "{'could_affect': true, 'high_probability': true, "
                                     "'would_trigger': ['clients'], 'significant': false, "
                                     "'description': 'Look-alike login pages', "
                                     "'status': 'active'}");
  g_autofree char *by_manager = test_op ("dora.threat_assess", id, 2,
                                         "{'could_affect': true, 'high_probability': true, "
                                         "'description': 'x', 'status': 'active'}");
  g_autoptr(TestReply) created = test_post_op (f->ts, f->analyst, create);
  g_autoptr(TestReply) assessed = NULL;
  g_autoptr(TestReply) refused = NULL;
  JsonObject *incident, *threat;

  g_assert_cmpuint (created->status, ==, 200);
  assessed = test_post_op (f->ts, f->analyst, assess);
  g_assert_cmpuint (assessed->status, ==, 200);
  incident = json_object_get_object_member (test_reply_result (assessed, 0), "incident");
  threat = json_object_get_object_member (json_object_get_object_member (incident, "dora"),
                                          "threat");
  g_assert_true (json_object_get_boolean_member (threat, "significant"));
  g_assert_cmpstr (json_object_get_string_member (threat, "description"), ==,
                   "Look-alike login pages");

  refused = test_post_op (f->ts, f->manager, by_manager);
  g_assert_cmpuint (refused->status, ==, 403);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (test_reply_result (refused, 0), "error"),
                     "code"), ==, "forbidden");
}

/* The workspace's DORA profile: in the changes feed, and the deadlines of
 * every answer follow it as soon as the administrator sets it. */
static gboolean
initial_relief_applies (Fixture    *f,
                        const char *path)
{
  g_autoptr(TestReply) get = test_request (f->ts, "GET", path, f->manager, NULL);
  JsonObject *dora;
  JsonObject *deadline;

  g_assert_cmpuint (get->status, ==, 200);
  dora = json_object_get_object_member (test_reply_object (get), "dora");
  deadline = json_array_get_object_element (json_object_get_array_member (dora, "deadlines"), 0);
  g_assert_cmpstr (json_object_get_string_member (deadline, "report"), ==, "initial");
  return json_object_get_boolean_member (deadline, "relief_applies");
}

static void
test_dora_profile (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *aware_text = vigil_time_to_iso (now);
  g_autofree char *payload = g_strdup_printf ("{'title': 'Card payments down', 'type': 'ddos', "
                                              "'detected_at': '%s', 'aware_at': '%s'}",
                                              aware_text, aware_text);
  g_autofree char *create = test_op ("incident.create", id, 0, payload);
  g_autofree char *path = g_strconcat (API "incidents/", id, NULL);
  g_autoptr(TestReply) created = test_post_op (f->ts, f->analyst, create);
  g_autoptr(TestReply) changes = NULL;
  g_autoptr(VigilDoraProfile) payments = NULL;
  g_autoptr(VigilDoraProfile) heard = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *profile;

  g_assert_cmpuint (created->status, ==, 200);

  /* The default: a credit institution in Germany, no relief for the
   * initial report; the built-in holidays ride along. */
  changes = test_request (f->ts, "GET", API "changes?since=0", f->analyst, NULL);
  profile = json_object_get_object_member (test_reply_object (changes), "dora_profile");
  g_assert_nonnull (profile);
  g_assert_cmpstr (json_object_get_string_member (profile, "member_state"), ==, "DE");
  g_assert_true (json_object_has_member (json_object_get_object_member (profile, "holidays"),
                                         "DE"));
  g_assert_false (initial_relief_applies (f, path));
  g_clear_pointer (&changes, test_reply_free);

  /* Set beside the running server, as `vigild profile set` does. */
  payments = vigil_dora_profile_new (VIGIL_DORA_ENTITY_PAYMENT_INSTITUTION, "FR", NULL, NULL);
  g_assert_true (vigil_store_set_dora_profile (f->ts->store, payments, &error));
  g_assert_no_error (error);
  g_assert_true (initial_relief_applies (f, path));

  changes = test_request (f->ts, "GET", API "changes?since=0", f->analyst, NULL);
  profile = json_object_get_object_member (test_reply_object (changes), "dora_profile");
  heard = vigil_dora_profile_new_from_json (json_object_get_member (test_reply_object (changes),
                                                                    "dora_profile"), &error);
  g_assert_no_error (error);
  g_assert_true (vigil_dora_profile_equal (heard, payments));
  g_assert_cmpstr (json_object_get_string_member (profile, "member_state"), ==, "FR");
}

/* DORA: the incident answers carry the classification and the deadlines */

static void
test_incident_dora_deadlines (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) aware = g_date_time_add_hours (now, -2);
  g_autofree char *aware_text = vigil_time_to_iso (aware);
  g_autofree char *payload = g_strdup_printf ("{'title': 'Payments down', 'type': 'malware', "
                                              "'detected_at': '%s', 'aware_at': '%s'}",
                                              aware_text, aware_text);
  g_autofree char *create = test_op ("incident.create", id, 0, payload);
  g_autofree char *classify = test_op ("dora.classify", id, 1,
                                       "{'criteria': {'critical_services': "
                                       "{'malicious_access': true}, "
                                       "'data_losses': {'intrusion': true}}}");
  g_autofree char *path = g_strconcat (API "incidents/", id, NULL);
  g_autoptr(TestReply) created = test_post_op (f->ts, f->analyst, create);
  g_autoptr(TestReply) before = NULL;
  g_autoptr(TestReply) classified = NULL;
  g_autoptr(TestReply) get = NULL;
  g_autoptr(TestReply) list = NULL;
  g_autoptr(GDateTime) classified_at = NULL;
  g_autoptr(GDateTime) due = NULL;
  g_autoptr(GDateTime) expected = NULL;
  g_autoptr(VigilIncident) parsed = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *dora, *deadline, *listed;
  JsonArray *deadlines;

  g_assert_cmpuint (created->status, ==, 200);

  /* Not classified yet: the 24-hour cap after awareness, as a reminder. */
  before = test_request (f->ts, "GET", path, f->manager, NULL);
  g_assert_cmpuint (before->status, ==, 200);
  dora = json_object_get_object_member (test_reply_object (before), "dora");
  g_assert_nonnull (dora);
  g_assert_false (json_object_has_member (dora, "result"));
  deadlines = json_object_get_array_member (dora, "deadlines");
  g_assert_cmpuint (json_array_get_length (deadlines), ==, 1);
  deadline = json_array_get_object_element (deadlines, 0);
  g_assert_cmpstr (json_object_get_string_member (deadline, "report"), ==, "initial");
  g_assert_true (json_object_get_boolean_member (deadline, "pending"));
  due = vigil_time_from_iso (json_object_get_string_member (deadline, "legal_due"));
  expected = g_date_time_add_hours (aware, 24);
  g_assert_true (g_date_time_equal (due, expected));

  classified = test_post_op (f->ts, f->analyst, classify);
  g_assert_cmpuint (classified->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (test_reply_result (classified, 0), "status"),
                   ==, "applied");

  get = test_request (f->ts, "GET", path, f->manager, NULL);
  g_assert_cmpuint (get->status, ==, 200);
  dora = json_object_get_object_member (test_reply_object (get), "dora");
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (dora, "result"),
                                                 "major"));
  classified_at = vigil_time_from_iso (json_object_get_string_member (dora, "classified_at"));
  g_assert_nonnull (classified_at);
  deadlines = json_object_get_array_member (dora, "deadlines");
  g_assert_cmpuint (json_array_get_length (deadlines), ==, 1);
  deadline = json_array_get_object_element (deadlines, 0);
  g_assert_false (json_object_get_boolean_member (deadline, "pending"));
  /* Classified two hours after awareness: four hours from classification. */
  g_clear_pointer (&due, g_date_time_unref);
  g_clear_pointer (&expected, g_date_time_unref);
  due = vigil_time_from_iso (json_object_get_string_member (deadline, "legal_due"));
  expected = g_date_time_add_hours (classified_at, 4);
  g_assert_true (g_date_time_equal (due, expected));
  /* A credit institution has no weekend relief for the initial report. */
  g_assert_false (json_object_get_boolean_member (deadline, "relief_applies"));
  g_assert_cmpstr (json_object_get_string_member (deadline, "relieved_due"), ==,
                   json_object_get_string_member (deadline, "legal_due"));
  g_assert_cmpint (json_object_get_int_member (deadline, "seconds_left"), >, 3 * 3600);
  g_assert_cmpstr (json_object_get_string_member (deadline, "status"), ==, "soon");

  /* The answer is still an incident the strict reader takes. */
  parsed = vigil_incident_new_from_json (get->json, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_incident_get_dora_major (parsed));
  g_assert_false (json_object_has_member (vigil_incident_get_dora (parsed), "deadlines"));

  list = test_request (f->ts, "GET", API "incidents", f->admin, NULL);
  g_assert_cmpuint (list->status, ==, 200);
  listed = json_array_get_object_element (json_object_get_array_member (test_reply_object (list),
                                                                        "incidents"), 0);
  dora = json_object_get_object_member (listed, "dora");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (dora, "deadlines")), ==,
                    1);

  {
    g_autoptr(TestReply) changes = test_request (f->ts, "GET", API "changes?since=0", f->lead,
                                                 NULL);
    JsonArray *incidents;

    g_assert_cmpuint (changes->status, ==, 200);
    incidents = json_object_get_array_member (test_reply_object (changes), "incidents");
    g_assert_cmpuint (json_array_get_length (incidents), ==, 1);
    dora = json_object_get_object_member (json_array_get_object_element (incidents, 0), "dora");
    g_assert_true (json_object_has_member (dora, "deadlines"));
    g_assert_true (json_object_has_member (dora, "criteria"));
  }

  /* Report drafts go through the same rules on the server. */
  {
    g_autofree char *draft = test_op ("dora.report_draft", id, 2,
                                      "{'report': 'initial', 'fields': "
                                      "{'1.2': 'Acme Bank AG', '2.9': false}}");
    g_autofree char *bad = test_op ("dora.report_draft", id, 3,
                                    "{'report': 'initial', 'fields': {'2.2': 'yesterday'}}");
    g_autoptr(TestReply) drafted = test_post_op (f->ts, f->analyst, draft);
    g_autoptr(TestReply) refused = test_post_op (f->ts, f->analyst, bad);
    g_autoptr(TestReply) after = NULL;
    JsonObject *result = test_reply_result (refused, 0);

    g_assert_cmpstr (json_object_get_string_member (test_reply_result (drafted, 0), "status"),
                     ==, "applied");
    g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
    g_assert_nonnull (strstr (json_object_get_string_member (
                                json_object_get_object_member (result, "error"), "message"),
                              "fields.2.2"));
    after = test_request (f->ts, "GET", path, f->manager, NULL);
    dora = json_object_get_object_member (test_reply_object (after), "dora");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                       json_object_get_object_member (dora, "drafts"), "initial"), "1.2"), ==,
                     "Acme Bank AG");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* Made once: every test user shares it. */
  test_password_hash ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/vigil/server/health", test_health);
  ADD ("/vigil/server/session/login", test_session_login);
  ADD ("/vigil/server/session/wrong-password", test_session_wrong_password);
  ADD ("/vigil/server/session/disabled", test_session_disabled);
  ADD ("/vigil/server/session/expired", test_session_expired);
  ADD ("/vigil/server/session/throttle", test_session_throttle);
  ADD ("/vigil/server/session/throttle-in-flight", test_session_concurrent_guesses);
  ADD ("/vigil/server/ops/create-and-read", test_ops_create_and_read);
  ADD ("/vigil/server/ops/role-matrix", test_ops_role_matrix);
  ADD ("/vigil/server/ops/four-eyes", test_ops_four_eyes);
  ADD ("/vigil/server/ops/notification-policy", test_ops_notification_policy);
  ADD ("/vigil/server/ops/idempotent", test_ops_idempotent);
  ADD ("/vigil/server/ops/conflict", test_ops_conflict);
  ADD ("/vigil/server/ops/mixed-batch", test_ops_mixed_batch);
  ADD ("/vigil/server/ops/concurrent", test_ops_concurrent);
  ADD ("/vigil/server/incidents/query", test_incidents_query);
  ADD ("/vigil/server/changes", test_changes_feed);
  ADD ("/vigil/server/changes/chunks", test_changes_chunks);
  ADD ("/vigil/server/bad/requests", test_bad_requests);
  ADD ("/vigil/server/bad/bodies", test_bad_bodies);
  ADD ("/vigil/server/bad/chunked", test_bad_chunked_body);
  ADD ("/vigil/server/bad/raw", test_bad_raw);
  ADD ("/vigil/server/live", test_live);
  ADD ("/vigil/server/incidents/dora-deadlines", test_incident_dora_deadlines);
  ADD ("/vigil/server/incidents/dora-profile", test_dora_profile);
  ADD ("/vigil/server/ops/dora-threat", test_dora_threat_assess);
  g_test_add_func ("/vigil/server/tls", test_tls);
  g_test_add_func ("/vigil/server/openapi", test_openapi);

#undef ADD

  return g_test_run ();
}
