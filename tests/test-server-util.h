/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <vigil/vigil.h>

#include "vigild-server.h"

G_BEGIN_DECLS

/* Every test user has this password. */
#define TEST_PASSWORD "correct horse battery"

/* Times inside payloads: long past, so never "in the future". */
#define TEST_PAST "2025-01-01T08:00:00Z"

/* A real vigild server on 127.0.0.1, port 0, in a thread with its own main
 * context, over a real SQLite store in a temporary directory. */
typedef struct {
  char            *dir;
  char            *data_dir;
  char            *store_path;
  GTlsCertificate *certificate;
  char            *url;

  GThread         *thread;
  GMainContext    *context;
  GMainLoop       *loop;
  VigildServer    *server;
  GMutex           lock;
  GCond            cond;
  gboolean         ready;

  /* The test's own connection to the store (WAL: beside the server's). */
  VigilStore      *store;
  SoupSession     *session;

  /* The port to listen on; 0 picks a free one. */
  guint            port;
} TestServer;

typedef struct {
  guint               status;
  GBytes             *body;
  JsonNode           *json;
  SoupMessageHeaders *headers;
} TestReply;

void        test_reply_free            (TestReply  *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestReply, test_reply_free)

/* A temporary directory, removed with test_rm_rf(). */
char       *test_make_tmp_dir          (void);
void        test_rm_rf                 (const char *path);

/* The argon2id hash of TEST_PASSWORD, made once. */
const char *test_password_hash         (void);

/* A self-signed certificate for 127.0.0.1 made with openssl. */
void        test_make_certificate      (const char *dir,
                                        char      **cert_path,
                                        char      **key_path);

/* Starts a server on a new data directory (or on @data_dir when given). */
TestServer *test_server_start          (GTlsCertificate *certificate,
                                        const char      *data_dir);
/* The same on a given port: a server restarted where clients expect it. */
TestServer *test_server_start_on_port  (GTlsCertificate *certificate,
                                        const char      *data_dir,
                                        guint            port);
void        test_server_stop           (TestServer *ts);
void        test_server_add_user       (TestServer *ts,
                                        const char *name,
                                        VigilRole   role);
/* A session token made the way the server makes them, stored directly:
 * tests that are not about signing in skip the slow password check. */
char       *test_server_make_token     (TestServer *ts,
                                        const char *user);

/* One HTTP request with the test's session. @token and @body may be NULL;
 * a body is sent as application/json unless @content_type says otherwise. */
TestReply  *test_request_full          (TestServer  *ts,
                                        SoupSession *session,
                                        const char  *method,
                                        const char  *path,
                                        const char  *token,
                                        const char  *content_type,
                                        const char  *body,
                                        gssize       length);
TestReply  *test_request               (TestServer *ts,
                                        const char *method,
                                        const char *path,
                                        const char *token,
                                        const char *body);
/* Asserts an error reply: status, the error object and its code. */
void        test_assert_error          (TestReply  *reply,
                                        guint       status,
                                        const char *code);

/* One operation document; ' in @payload stands for ". The id is new unless
 * @op_id is given; the actor claims to be "mallory". */
char       *test_op                    (const char *kind,
                                        const char *incident,
                                        gint64      base_rev,
                                        const char *payload);
char       *test_op_with_id            (const char *op_id,
                                        const char *kind,
                                        const char *incident,
                                        gint64      base_rev,
                                        const char *payload);
/* {"ops": [...]} of the NULL-terminated op documents. */
char       *test_ops_body              (const char *first,
                                        ...) G_GNUC_NULL_TERMINATED;
TestReply  *test_post_op               (TestServer *ts,
                                        const char *token,
                                        const char *op);

/* Member access on replies. */
JsonObject *test_reply_object          (TestReply  *reply);
JsonObject *test_reply_result          (TestReply  *reply,
                                        guint       index);

/* Incidents made through the API by @token's user: a new one in step 1;
 * a complete one ready for approval; one submitted for approval. Each
 * returns the incident id; @revision gets its revision. */
char       *test_create_incident       (TestServer *ts,
                                        const char *token,
                                        gint64     *revision);
char       *test_create_complete_incident (TestServer *ts,
                                           const char *token,
                                           gint64     *revision);
char       *test_create_pending_incident  (TestServer *ts,
                                           const char *token,
                                           gint64     *revision);

/* Spins the thread-default main context until *@flag or @timeout_ms. */
gboolean    test_wait_for              (gboolean   *flag,
                                        guint       timeout_ms);

G_END_DECLS
