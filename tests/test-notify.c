/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <vigil/vigil.h>

#include "test-core-util.h"

#define PAST "2025-03-01T08:00:00Z"

static VigilIncident *
apply (VigilIncident *incident,
       VigilOpKind    kind,
       const char    *payload_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (payload_json, &error);
  g_autoptr(VigilOp) op = NULL;
  VigilIncident *result;

  g_assert_no_error (error);
  op = vigil_op_new (kind, incident ? vigil_incident_get_id (incident) : NULL, "ana",
                     incident ? vigil_incident_get_revision (incident) : 0,
                     json_object_ref (json_node_get_object (node)));
  result = vigil_op_apply (op, incident, VIGIL_ROLE_ANALYST, NULL, &error);
  g_assert_no_error (error);
  return result;
}

/* An incident with what the templates use filled in. */
static VigilIncident *
make_incident (gboolean with_severity)
{
  g_autoptr(VigilIncident) created = NULL;
  g_autoptr(VigilIncident) impact = NULL;

  created = apply (NULL, VIGIL_OP_INCIDENT_CREATE,
                   with_severity
                   ? "{\"title\": \"Störung im Zahlungsverkehr\", \"type\": \"ddos\", "
                     "\"severity\": \"critical\", \"description\": \"Card payments time out.\", "
                     "\"detected_at\": \"" PAST "\", \"aware_at\": \"" PAST "\"}"
                   : "{\"title\": \"Login failures\", \"type\": \"phishing\"}");
  vigil_incident_set_reference (created, "INC-2025-0007");
  impact = apply (created, VIGIL_OP_FORM_UPDATE,
                  "{\"form\": \"severity\", \"fields\": {\"technical_impact\": "
                  "\"Payment gateway saturated\", \"business_impact\": "
                  "\"Card payments fail for 40 % of clients\"}}");
  return g_steal_pointer (&impact);
}

static void
test_builtin_templates (void)
{
  g_autoptr(GPtrArray) templates = vigil_templates_list (NULL, NULL);
  static const char *expected[] = {
    "clients", "clients_major", "departments", "executive", "legal", "regulator", "staff",
    "update"
  };

  g_assert_cmpuint (templates->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < templates->len; i++)
    {
      VigilTemplate *template_ = g_ptr_array_index (templates, i);

      g_assert_cmpstr (template_->id, ==, expected[i]);
      g_assert_true (template_->builtin);
      g_assert_true (vigil_process_is_valid_choice (VIGIL_CHOICES_AUDIENCE,
                                                    template_->audience));
      g_assert_cmpstr (template_->title, !=, "");
      g_assert_nonnull (strstr (template_->subject, "{{"));
      g_assert_cmpuint (strlen (template_->body), >, 100);
    }
}

static void
test_user_templates (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vigil-templates-XXXXXX", &error);
  g_autofree char *good = g_build_filename (dir, "board.txt", NULL);
  g_autofree char *unknown = g_build_filename (dir, "typo.txt", NULL);
  g_autofree char *binary = g_build_filename (dir, "binary.txt", NULL);
  g_autofree char *ignored = g_build_filename (dir, "notes.md", NULL);
  g_autoptr(GPtrArray) builtin = NULL;
  g_autoptr(GPtrArray) templates = NULL;
  g_auto(GStrv) problems = NULL;
  VigilTemplate *last;

  g_assert_no_error (error);
  g_file_set_contents (good, "Audience: executive\nTitle: Board of directors\n"
                       "Subject: {{reference}} for the board\n\nDear board,\n{{impact}}\n",
                       -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (unknown, "Audience: staff\nTitle: Typo\nSubject: {{titel}}\n\nHi\n", -1,
                       &error);
  g_assert_no_error (error);
  g_file_set_contents (binary, "Audience: staff\nTitle: \xff\xfe\nSubject: x\n\ny\n", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (ignored, "not a template", -1, &error);
  g_assert_no_error (error);

  builtin = vigil_templates_list (NULL, NULL);
  templates = vigil_templates_list (dir, &problems);
  g_assert_cmpuint (templates->len, ==, builtin->len + 1);
  last = g_ptr_array_index (templates, builtin->len);
  g_assert_cmpstr (last->id, ==, "board");
  g_assert_false (last->builtin);
  g_assert_cmpstr (last->title, ==, "Board of directors");
  g_assert_cmpstr (last->body, ==, "Dear board,\n{{impact}}\n");

  /* The bad ones are left out, each with its file and reason. */
  for (guint i = 0; problems[i] != NULL; i++)
    g_test_message ("problem: %s", problems[i]);
  g_assert_cmpuint (g_strv_length (problems), ==, 2);
  g_assert_nonnull (strstr (problems[0], "binary.txt"));
  g_assert_nonnull (strstr (problems[1], "typo.txt"));
  g_assert_nonnull (strstr (problems[1], "titel"));

  g_unlink (good);
  g_unlink (unknown);
  g_unlink (binary);
  g_unlink (ignored);
  g_rmdir (dir);
}

static void
test_bad_templates (void)
{
  static const struct {
    const char *text;
    int         code;
    const char *names;
  } cases[] = {
    { "Subject: x\n\nbody", VIGIL_NOTIFY_ERROR_BAD_TEMPLATE, "Audience" },
    { "Audience: press\nTitle: T\nSubject: x\n\nbody", VIGIL_NOTIFY_ERROR_BAD_TEMPLATE, "press" },
    { "Audience: staff\nTitle: T\nSubject: x\nColour: red\n\nbody",
      VIGIL_NOTIFY_ERROR_BAD_TEMPLATE, "Colour" },
    { "Audience: staff\nTitle: T\nnot a header\n\nbody", VIGIL_NOTIFY_ERROR_BAD_TEMPLATE,
      "not a header" },
    { "Audience: staff\nTitle: T\nSubject: {{title\n\nbody", VIGIL_NOTIFY_ERROR_BAD_TEMPLATE,
      "}}" },
    { "Audience: staff\nTitle: T\nSubject: x\n\nHello {{nobody}}",
      VIGIL_NOTIFY_ERROR_UNKNOWN_PLACEHOLDER, "nobody" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VigilTemplate) template_ = vigil_template_parse ("t", cases[i].text, &error);

      g_test_message ("%s", cases[i].text);
      g_assert_null (template_);
      g_assert_error (error, VIGIL_NOTIFY_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].names));
    }
}

static void
test_render_all (void)
{
  g_autoptr(VigilIncident) incident = make_incident (TRUE);
  g_autoptr(GHashTable) extra = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) text = g_string_new (NULL);
  const char * const *names = vigil_notify_get_placeholders ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) gaps = NULL;
  g_autofree char *rendered = NULL;
  g_autoptr(VigilIncident) planned = NULL;

  planned = apply (incident, VIGIL_OP_INCIDENT_UPDATE, "{\"owner\": \"ana\"}");
  g_hash_table_insert (extra, (gpointer) "next_update", (gpointer) "2025-03-01 16:00 CET");
  g_hash_table_insert (extra, (gpointer) "update_number", (gpointer) "2");

  for (guint i = 0; names[i] != NULL; i++)
    g_string_append_printf (text, "%s=[{{%s}}]\n", names[i], names[i]);

  rendered = vigil_notify_render (text->str, planned, extra, &gaps, &error);
  g_assert_no_error (error);
  g_test_message ("%s", rendered);

  /* Every placeholder but the actions (none planned yet) has a value. */
  g_assert_cmpuint (g_strv_length (gaps), ==, 1);
  g_assert_cmpstr (gaps[0], ==, "actions");
  g_assert_nonnull (strstr (rendered, "reference=[INC-2025-0007]"));
  g_assert_nonnull (strstr (rendered, "title=[Störung im Zahlungsverkehr]"));
  g_assert_nonnull (strstr (rendered, "type=[DDoS Attack]"));
  g_assert_nonnull (strstr (rendered, "severity=[Critical]"));
  g_assert_nonnull (strstr (rendered, "description=[Card payments time out.]"));
  g_assert_nonnull (strstr (rendered, "detected_at=[2025-03-01 "));
  g_assert_nonnull (strstr (rendered, "step=[1. Identify security incidents]"));
  g_assert_nonnull (strstr (rendered, "impact=[Payment gateway saturated\nCard payments fail"));
  g_assert_nonnull (strstr (rendered, "next_update=[2025-03-01 16:00 CET]"));
  g_assert_nonnull (strstr (rendered, "contact=[ana]"));
  g_assert_nonnull (strstr (rendered, "update_number=[2]"));
  g_assert_nonnull (strstr (rendered, "actions=[[to fill in: actions]]"));
  g_assert_null (strstr (rendered, "{{"));
}

static void
test_render_missing (void)
{
  g_autoptr(VigilIncident) incident = make_incident (FALSE);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) gaps = NULL;
  g_autofree char *rendered = NULL;

  rendered = vigil_notify_render ("{{title}} is {{severity}}; next: {{next_update}}; "
                                  "again {{severity}}", incident, NULL, &gaps, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rendered, ==, "Login failures is [to fill in: severity]; next: "
                                 "[to fill in: next_update]; again [to fill in: severity]");
  g_assert_cmpuint (g_strv_length (gaps), ==, 2);
  g_assert_cmpstr (gaps[0], ==, "severity");
  g_assert_cmpstr (gaps[1], ==, "next_update");
}

/* The gaps left in a text, as the sent rule, the composer and the
 * approvals view see them. */
static void
test_find_gaps (void)
{
  static const struct {
    const char *subject;
    const char *body;
    const char *names;     /* "|"-separated, "" for none */
    const char *message;   /* of vigil_notify_check_gaps(), NULL when none */
  } cases[] = {
    { NULL, NULL, "", NULL },
    { "Notice", "All facts are here.", "", NULL },
    { "Notice", "Impact: [to fill in: impact]. Done: [to fill in: actions].", "impact|actions",
      "The message still has 2 gaps to fill in: impact, actions. Replace them with the facts, "
      "or remove them." },
    { "[to fill in: reference] update", "Next: [to fill in: next_update]",
      "reference|next_update",
      "The message still has 2 gaps to fill in: reference, next update. Replace them with "
      "the facts, or remove them." },
    /* each gap once, in the order of the subject then the message */
    { "[to fill in: impact]", "[to fill in: impact] and [to fill in: impact]", "impact",
      "The message still has 1 gap to fill in: impact. Replace it with the facts, or remove "
      "it." },
    /* a gap typed by hand counts like the renderer's */
    { "Notice", "Clients affected: [to fill in: number of clients]", "number of clients", NULL },
    /* not a gap: unclosed, empty, across lines, plain brackets */
    { "Notice", "[to fill in: impact", "", NULL },
    { "Notice", "[to fill in: ] and [to fill in:\nimpact]", "", NULL },
    { "Notice", "See [1] and [fill in: impact]", "", NULL },
    /* a marker inside an unclosed one: the inner one is the gap */
    { "Notice", "[to fill in: [to fill in: contact]", "contact", NULL },
    /* non-ASCII around and in the name */
    { "Störung", "Auswirkung: [to fill in: Auswirkung für Kunden] — ende", "Auswirkung für Kunden",
      NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GStrv) gaps = vigil_notify_find_gaps (cases[i].subject, cases[i].body);
      g_autofree char *joined = g_strjoinv ("|", gaps);
      g_autoptr(GError) error = NULL;
      gboolean ok;

      g_test_message ("case %u: %s / %s", i, cases[i].subject, cases[i].body);
      g_assert_cmpstr (joined, ==, cases[i].names);
      ok = vigil_notify_check_gaps (cases[i].subject, cases[i].body, &error);
      g_assert_true (ok == (gaps[0] == NULL));
      if (ok)
        g_assert_no_error (error);
      else
        {
          g_assert_error (error, VIGIL_NOTIFY_ERROR, VIGIL_NOTIFY_ERROR_GAPS);
          if (cases[i].message != NULL)
            g_assert_cmpstr (error->message, ==, cases[i].message);
        }
    }
}

/* What the renderer leaves is what the search finds, and where. */
static void
test_gap_positions (void)
{
  g_autoptr(VigilIncident) incident = make_incident (FALSE);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) gaps = NULL;
  g_autofree char *rendered = NULL;
  g_autofree char *marker = vigil_notify_format_gap ("next_update");
  g_autofree char *name = NULL;
  const char *start, *end;

  rendered = vigil_notify_render ("Über {{title}}: {{next_update}}, {{severity}}.", incident,
                                  NULL, &gaps, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (marker, ==, "[to fill in: next_update]");

  start = vigil_notify_match_gap (rendered, &end, &name);
  g_assert_nonnull (start);
  g_assert_cmpstr (name, ==, "next_update");
  g_assert_cmpint (strncmp (start, marker, end - start), ==, 0);
  g_assert_cmpint (end - start, ==, strlen (marker));
  g_clear_pointer (&name, g_free);
  start = vigil_notify_match_gap (end, &end, &name);
  g_assert_cmpstr (name, ==, "severity");
  g_assert_cmpstr (end, ==, ".");
  g_assert_null (vigil_notify_match_gap (end, &end, NULL));

  {
    g_auto(GStrv) found = vigil_notify_find_gaps (NULL, rendered);

    g_assert_true (g_strv_equal ((const char * const *) found, (const char * const *) gaps));
  }
}

static void
test_render_unknown (void)
{
  g_autoptr(VigilIncident) incident = make_incident (TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *rendered = NULL;

  rendered = vigil_notify_render ("Dear {{ recipient }},", incident, NULL, NULL, &error);
  g_assert_null (rendered);
  g_assert_error (error, VIGIL_NOTIFY_ERROR, VIGIL_NOTIFY_ERROR_UNKNOWN_PLACEHOLDER);
  g_assert_nonnull (strstr (error->message, "{{recipient}}"));
  g_clear_error (&error);

  rendered = vigil_notify_render ("Dear {{title", incident, NULL, NULL, &error);
  g_assert_null (rendered);
  g_assert_error (error, VIGIL_NOTIFY_ERROR, VIGIL_NOTIFY_ERROR_BAD_TEMPLATE);
}

static void
test_render_builtin (void)
{
  g_autoptr(VigilIncident) incident = make_incident (TRUE);
  g_autoptr(GPtrArray) templates = vigil_templates_list (NULL, NULL);

  for (guint i = 0; i < templates->len; i++)
    {
      VigilTemplate *template_ = g_ptr_array_index (templates, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *subject = vigil_notify_render (template_->subject, incident, NULL, NULL,
                                                      &error);
      g_autofree char *body = NULL;

      g_assert_no_error (error);
      body = vigil_notify_render (template_->body, incident, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_null (strstr (subject, "{{"));
      g_assert_null (strstr (body, "{{"));
    }
}

/* The client notification of a major incident (DORA Art. 19(3)) says what
 * happened, what it means for the client, what was done and what the
 * client can do, and fills every placeholder it uses from the incident. */
static void
test_render_clients_major (void)
{
  g_autoptr(VigilIncident) incident = make_incident (TRUE);
  g_autoptr(GPtrArray) templates = vigil_templates_list (NULL, NULL);
  g_autoptr(GHashTable) extra = g_hash_table_new (g_str_hash, g_str_equal);
  VigilTemplate *found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;
  g_auto(GStrv) gaps = NULL;

  for (guint i = 0; i < templates->len; i++)
    if (g_str_equal (((VigilTemplate *) g_ptr_array_index (templates, i))->id, "clients_major"))
      found = g_ptr_array_index (templates, i);
  g_assert_nonnull (found);
  g_assert_cmpstr (found->audience, ==, "clients");

  g_hash_table_insert (extra, "next_update", "Monday, 10:00");
  g_hash_table_insert (extra, "contact", "our hotline +49 30 1234");
  subject = vigil_notify_render (found->subject, incident, extra, NULL, &error);
  g_assert_no_error (error);
  body = vigil_notify_render (found->body, incident, extra, &gaps, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (subject, "INC-2025-0007"));
  g_assert_nonnull (strstr (body, "Card payments time out."));
  g_assert_nonnull (strstr (body, "Card payments fail for 40 % of clients"));
  g_assert_nonnull (strstr (body, "Monday, 10:00"));
  g_assert_nonnull (strstr (body, "our hotline +49 30 1234"));
  g_assert_nonnull (strstr (body, "account statements"));
  g_assert_null (strstr (body, "{{"));
  /* No response actions recorded yet: said so, never left blank. */
  g_assert_true (g_strv_contains ((const char * const *) gaps, "actions"));
  g_assert_nonnull (strstr (body, "[to fill in: actions]"));
}

/* Decodes the RFC 2047 words of a (possibly folded) header value. */
static char *
decode_words (const char *value)
{
  GString *out = g_string_new (NULL);
  const char *p = value;

  while ((p = strstr (p, "=?UTF-8?B?")) != NULL)
    {
      const char *end = strstr (p + 10, "?=");
      g_autofree char *b64 = g_strndup (p + 10, end - p - 10);
      gsize len;
      g_autofree guchar *raw = g_base64_decode (b64, &len);

      g_assert_cmpuint (end + 2 - p, <=, 75);
      g_string_append_len (out, (const char *) raw, len);
      p = end + 2;
    }
  return g_string_free (out, FALSE);
}

static void
test_eml (void)
{
  const char *subject = "Vorfall INC-2025-0007: Störung im Zahlungsverkehr – Update 2, "
                        "Kartenzahlungen schlagen fehl (日本語のテスト)";
  const char *body = "Sehr geehrte Damen und Herren,\n\nZahlungen schlagen fehl.\nGrüße\n";
  const char *to[] = { "vorstand@example.org", "recht@example.org", NULL };
  g_autoptr(GDateTime) date = g_date_time_new_utc (2025, 3, 1, 14, 5, 0);
  g_autofree char *eml = vigil_notify_to_eml (subject, body, "Vigil SOC <soc@example.org>", to,
                                              date);
  g_auto(GStrv) parts = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) subject_value = g_string_new (NULL);
  g_autofree char *decoded_subject = NULL;
  g_autoptr(GString) b64 = g_string_new (NULL);
  g_autofree guchar *raw = NULL;
  g_autofree char *decoded_body = NULL;
  gboolean in_subject = FALSE;
  gsize len;

  /* Header and body apart; every line ends in CRLF and stays short. */
  parts = g_strsplit (eml, "\r\n\r\n", 2);
  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  g_assert_null (strstr (parts[0], "\n\n"));
  lines = g_strsplit (parts[0], "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_assert_cmpuint (strlen (lines[i]), <=, 78);
      g_assert_null (strchr (lines[i], '\n'));
      for (const char *c = lines[i]; *c != '\0'; c++)
        g_assert_cmpint ((guchar) *c, <, 0x80);
      if (g_str_has_prefix (lines[i], "Subject:"))
        {
          in_subject = TRUE;
          g_string_append (subject_value, lines[i] + 8);
        }
      else if (in_subject && lines[i][0] == ' ')
        g_string_append (subject_value, lines[i]);
      else
        in_subject = FALSE;
    }
  g_assert_true (g_strv_contains ((const char * const *) lines, "X-Unsent: 1"));
  g_assert_true (g_strv_contains ((const char * const *) lines,
                                  "To: vorstand@example.org, recht@example.org"));
  g_assert_true (g_strv_contains ((const char * const *) lines,
                                  "Date: Sat, 01 Mar 2025 14:05:00 +0000"));
  g_assert_true (g_strv_contains ((const char * const *) lines,
                                  "Content-Type: text/plain; charset=UTF-8"));

  decoded_subject = decode_words (subject_value->str);
  g_assert_cmpstr (decoded_subject, ==, subject);
  g_assert_true (g_utf8_validate (decoded_subject, -1, NULL));

  /* The body: base64 of the text with CRLF line ends. */
  {
    g_auto(GStrv) body_lines = g_strsplit (parts[1], "\r\n", -1);

    for (guint i = 0; body_lines[i] != NULL; i++)
      {
        g_assert_cmpuint (strlen (body_lines[i]), <=, 76);
        g_string_append (b64, body_lines[i]);
      }
  }
  raw = g_base64_decode (b64->str, &len);
  decoded_body = g_strndup ((const char *) raw, len);
  g_assert_cmpstr (decoded_body, ==,
                   "Sehr geehrte Damen und Herren,\r\n\r\nZahlungen schlagen fehl.\r\nGrüße\r\n");

  /* And a real mail parser agrees. */
  if (g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      g_autofree char *out = NULL;
      g_autofree char *script = NULL;
      int fd = g_file_open_tmp ("vigil-XXXXXX.eml", &path, &error);
      int status = 0;

      g_assert_no_error (error);
      close (fd);
      g_file_set_contents (path, eml, -1, &error);
      g_assert_no_error (error);
      script = g_strdup_printf ("/usr/bin/python3 -c \"import email, email.policy, sys; "
                                "m = email.message_from_binary_file(open(sys.argv[1], 'rb'), "
                                "policy=email.policy.default); "
                                "sys.stdout.buffer.write((str(m['subject']) + '|' + "
                                "m.get_content() + '|' + m['x-unsent']).encode())\" %s", path);
      g_spawn_command_line_sync (script, &out, NULL, &status, &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_true (g_str_has_prefix (out, subject));
      g_test_message ("parsed: %s", out);
      g_assert_nonnull (strstr (out, "Zahlungen schlagen fehl."));
      g_assert_nonnull (strstr (out, "Grüße"));
      g_assert_true (g_str_has_suffix (out, "|1"));
      g_unlink (path);
    }
}

static void
test_markdown (void)
{
  const char *to[] = { "legal@example.org", NULL };
  g_autofree char *md = vigil_notify_to_markdown ("Incident INC-1", "Line one\nLine two", to);

  g_assert_cmpstr (md, ==, "# Incident INC-1\n\n**To:** legal@example.org\n\nLine one\n"
                           "Line two\n");
}

static void
test_pdf (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vigil-notify-XXXXXX", &error);
  g_autofree char *short_path = NULL;
  g_autofree char *long_path = NULL;
  g_autofree char *bad_path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GDateTime) date = g_date_time_new_utc (2025, 3, 1, 9, 30, 0);
  const char * const recipients[] = { "cert@bank.example", "ciso@bank.example", NULL };
  gsize length;

  g_assert_no_error (error);
  short_path = g_build_filename (dir, "short.pdf", NULL);
  long_path = g_build_filename (dir, "long.pdf", NULL);

  /* Non-ASCII text in every part. */
  g_assert_true (vigil_notify_to_pdf ("Störung im Zahlungsverkehr – Erstmeldung",
                                      "Sehr geehrte Damen und Herren,\n\nwir melden eine "
                                      "Störung. Größe: 3 €; Ελληνικά; 日本語.\n",
                                      recipients, date, short_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (short_path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "%PDF"));
  g_assert_cmpuint (test_core_count_pdf_pages (contents, length), ==, 1);
  g_clear_pointer (&contents, g_free);

  /* A long body breaks across pages. */
  for (guint i = 0; i < 300; i++)
    g_string_append_printf (body, "Paragraph %u: the service stays degraded while the "
                            "provider reroutes traffic; we will report again.\n", i);
  g_assert_true (vigil_notify_to_pdf ("Update", body->str, NULL, NULL, long_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (long_path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "%PDF"));
  g_assert_cmpuint (test_core_count_pdf_pages (contents, length), >, 1);

  /* A folder that does not exist is an error that says so. */
  bad_path = g_build_filename (dir, "missing", "x.pdf", NULL);
  g_assert_false (vigil_notify_to_pdf ("Update", "Text", NULL, NULL, bad_path, &error));
  g_assert_error (error, VIGIL_NOTIFY_ERROR, VIGIL_NOTIFY_ERROR_WRITE);

  g_unlink (short_path);
  g_unlink (long_path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vigil/notify/templates/builtin", test_builtin_templates);
  g_test_add_func ("/vigil/notify/templates/user", test_user_templates);
  g_test_add_func ("/vigil/notify/templates/bad", test_bad_templates);
  g_test_add_func ("/vigil/notify/render/all", test_render_all);
  g_test_add_func ("/vigil/notify/render/missing", test_render_missing);
  g_test_add_func ("/vigil/notify/render/unknown", test_render_unknown);
  g_test_add_func ("/vigil/notify/gaps/find", test_find_gaps);
  g_test_add_func ("/vigil/notify/gaps/positions", test_gap_positions);
  g_test_add_func ("/vigil/notify/render/builtin", test_render_builtin);
  g_test_add_func ("/vigil/notify/render/clients-major", test_render_clients_major);
  g_test_add_func ("/vigil/notify/eml", test_eml);
  g_test_add_func ("/vigil/notify/markdown", test_markdown);
  g_test_add_func ("/vigil/notify/pdf", test_pdf);

  return g_test_run ();
}
