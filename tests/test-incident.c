/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include <vigil/vigil.h>

#define INCIDENT_ID "5b0c3c1e-7a43-4c52-9d61-0f6a3a1c2b7e"

/* Documents in the tables below use ' for " to stay readable. */
static char *
squote_to_json (const char *text)
{
  return g_strdelimit (g_strdup (text), "'", '"');
}

static GDateTime *
utc (gint year,
     gint month,
     gint day,
     gint hour,
     gint minute,
     gint second)
{
  return g_date_time_new_utc (year, month, day, hour, minute, second);
}

static void
assert_time_equal (GDateTime *a,
                   GDateTime *b)
{
  if (a == NULL || b == NULL)
    {
      g_assert_true (a == b);
      return;
    }

  if (!g_date_time_equal (a, b))
    {
      g_autofree char *sa = g_date_time_format_iso8601 (a);
      g_autofree char *sb = g_date_time_format_iso8601 (b);

      g_assert_cmpstr (sa, ==, sb);
      g_assert_not_reached ();
    }
}

static void
assert_strv_equal (const char * const *a,
                   const char * const *b)
{
  guint na = a != NULL ? g_strv_length ((char **) a) : 0;
  guint nb = b != NULL ? g_strv_length ((char **) b) : 0;

  g_assert_cmpuint (na, ==, nb);
  for (guint i = 0; i < na; i++)
    g_assert_cmpstr (a[i], ==, b[i]);
}

static void
assert_incidents_equal (VigilIncident *a,
                        VigilIncident *b)
{
  g_assert_cmpstr (vigil_incident_get_id (a), ==, vigil_incident_get_id (b));
  g_assert_cmpstr (vigil_incident_get_reference (a), ==, vigil_incident_get_reference (b));
  g_assert_cmpint (vigil_incident_get_revision (a), ==, vigil_incident_get_revision (b));
  g_assert_cmpuint (vigil_incident_get_step (a), ==, vigil_incident_get_step (b));
  g_assert_cmpstr (vigil_incident_get_title (a), ==, vigil_incident_get_title (b));
  g_assert_cmpstr (vigil_incident_get_description (a), ==, vigil_incident_get_description (b));
  g_assert_cmpstr (vigil_incident_get_incident_type (a), ==,
                   vigil_incident_get_incident_type (b));
  g_assert_cmpstr (vigil_incident_get_type_other (a), ==, vigil_incident_get_type_other (b));
  g_assert_cmpstr (vigil_incident_get_severity (a), ==, vigil_incident_get_severity (b));
  g_assert_cmpstr (vigil_incident_get_detection_method (a), ==,
                   vigil_incident_get_detection_method (b));
  assert_time_equal (vigil_incident_get_detected_at (a), vigil_incident_get_detected_at (b));
  assert_time_equal (vigil_incident_get_aware_at (a), vigil_incident_get_aware_at (b));
  g_assert_cmpstr (vigil_incident_get_reporter (a), ==, vigil_incident_get_reporter (b));
  assert_strv_equal (vigil_incident_get_affected_systems (a),
                     vigil_incident_get_affected_systems (b));
  g_assert_cmpstr (vigil_incident_get_owner (a), ==, vigil_incident_get_owner (b));
  g_assert_cmpstr (vigil_incident_get_created_by (a), ==, vigil_incident_get_created_by (b));
  assert_time_equal (vigil_incident_get_created_at (a), vigil_incident_get_created_at (b));
  assert_time_equal (vigil_incident_get_updated_at (a), vigil_incident_get_updated_at (b));

  g_assert_cmpint (vigil_incident_get_approval_state (a), ==,
                   vigil_incident_get_approval_state (b));
  g_assert_cmpstr (vigil_incident_get_submitted_by (a), ==, vigil_incident_get_submitted_by (b));
  assert_time_equal (vigil_incident_get_submitted_at (a), vigil_incident_get_submitted_at (b));
  g_assert_cmpuint (vigil_incident_get_submitted_from (a), ==,
                    vigil_incident_get_submitted_from (b));
  g_assert_cmpstr (vigil_incident_get_snapshot_hash (a), ==,
                   vigil_incident_get_snapshot_hash (b));
  g_assert_cmpstr (vigil_incident_get_decided_by (a), ==, vigil_incident_get_decided_by (b));
  assert_time_equal (vigil_incident_get_decided_at (a), vigil_incident_get_decided_at (b));
  g_assert_cmpstr (vigil_incident_get_decision_comment (a), ==,
                   vigil_incident_get_decision_comment (b));
}

static gboolean
is_lower_hex (const char *text,
              gsize       len)
{
  if (text == NULL || strlen (text) != len)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i]))
      return FALSE;

  return TRUE;
}

/* An incident with every step 1-7 field set. */
static VigilIncident *
make_filled_incident (void)
{
  static const char * const systems[] = { "mail01", "vpn-gateway", NULL };
  VigilIncident *incident = vigil_incident_new (INCIDENT_ID);
  g_autoptr(GDateTime) detected = utc (2025, 3, 1, 8, 30, 0);
  g_autoptr(GDateTime) aware = utc (2025, 3, 1, 9, 15, 0);
  g_autoptr(GDateTime) created = utc (2025, 3, 1, 9, 20, 0);
  g_autoptr(GDateTime) updated = utc (2025, 3, 2, 14, 0, 0);

  vigil_incident_set_reference (incident, "INC-2025-0007");
  vigil_incident_set_revision (incident, 12);
  vigil_incident_set_step (incident, 5);
  vigil_incident_set_title (incident, "Phishing wave against finance");
  vigil_incident_set_description (incident, "Forty mails with a fake invoice link.\nTwo clicks.");
  vigil_incident_set_incident_type (incident, "other");
  vigil_incident_set_type_other (incident, "Vishing follow-up \xe2\x80\x94 caf\xc3\xa9");
  vigil_incident_set_severity (incident, "high");
  vigil_incident_set_detection_method (incident, "user_report");
  vigil_incident_set_detected_at (incident, detected);
  vigil_incident_set_aware_at (incident, aware);
  vigil_incident_set_reporter (incident, "Carol");
  vigil_incident_set_affected_systems (incident, systems);
  vigil_incident_set_owner (incident, "alice");
  vigil_incident_set_created_by (incident, "dave");
  vigil_incident_set_created_at (incident, created);
  vigil_incident_set_updated_at (incident, updated);

  return incident;
}

/* new, setters, getters */

static void
test_new (void)
{
  g_autoptr(VigilIncident) incident = vigil_incident_new (INCIDENT_ID);
  const char * const *systems;

  g_assert_true (VIGIL_IS_INCIDENT (incident));
  g_assert_cmpstr (vigil_incident_get_id (incident), ==, INCIDENT_ID);
  g_assert_cmpuint (vigil_incident_get_step (incident), ==, 1);
  g_assert_cmpint (vigil_incident_get_revision (incident), ==, 0);
  g_assert_null (vigil_incident_get_reference (incident));
  g_assert_null (vigil_incident_get_severity (incident));
  g_assert_null (vigil_incident_get_aware_at (incident));
  g_assert_cmpint (vigil_incident_get_approval_state (incident), ==, VIGIL_APPROVAL_NONE);
  g_assert_null (vigil_incident_get_submitted_by (incident));
  g_assert_null (vigil_incident_get_snapshot_hash (incident));
  g_assert_false (vigil_incident_is_archived (incident));

  systems = vigil_incident_get_affected_systems (incident);
  g_assert_true (systems == NULL || systems[0] == NULL);
}

static void
test_accessors (void)
{
  g_autoptr(VigilIncident) incident = make_filled_incident ();
  g_autoptr(GDateTime) detected = utc (2025, 3, 1, 8, 30, 0);
  g_autoptr(GDateTime) aware = utc (2025, 3, 1, 9, 15, 0);
  const char * const *systems;

  g_assert_cmpstr (vigil_incident_get_reference (incident), ==, "INC-2025-0007");
  g_assert_cmpint (vigil_incident_get_revision (incident), ==, 12);
  g_assert_cmpuint (vigil_incident_get_step (incident), ==, 5);
  g_assert_cmpstr (vigil_incident_get_title (incident), ==, "Phishing wave against finance");
  g_assert_cmpstr (vigil_incident_get_incident_type (incident), ==, "other");
  g_assert_cmpstr (vigil_incident_get_severity (incident), ==, "high");
  g_assert_cmpstr (vigil_incident_get_detection_method (incident), ==, "user_report");
  g_assert_true (g_date_time_equal (vigil_incident_get_detected_at (incident), detected));
  g_assert_true (g_date_time_equal (vigil_incident_get_aware_at (incident), aware));
  g_assert_cmpstr (vigil_incident_get_reporter (incident), ==, "Carol");
  g_assert_cmpstr (vigil_incident_get_owner (incident), ==, "alice");
  g_assert_cmpstr (vigil_incident_get_created_by (incident), ==, "dave");

  systems = vigil_incident_get_affected_systems (incident);
  g_assert_nonnull (systems);
  g_assert_cmpstr (systems[0], ==, "mail01");
  g_assert_cmpstr (systems[1], ==, "vpn-gateway");
  g_assert_null (systems[2]);

  /* NULL clears */
  vigil_incident_set_severity (incident, NULL);
  g_assert_null (vigil_incident_get_severity (incident));
  vigil_incident_set_aware_at (incident, NULL);
  g_assert_null (vigil_incident_get_aware_at (incident));
  vigil_incident_set_description (incident, NULL);
  g_assert_null (vigil_incident_get_description (incident));
}

static void
test_setters_copy_input (void)
{
  g_autoptr(VigilIncident) incident = vigil_incident_new (INCIDENT_ID);
  char title[] = "Original title";
  char *systems[] = { g_strdup ("db01"), NULL };

  vigil_incident_set_title (incident, title);
  vigil_incident_set_affected_systems (incident, (const char * const *) systems);

  /* The incident keeps its own copies. */
  title[0] = 'X';
  g_free (systems[0]);
  systems[0] = g_strdup ("zz99");

  g_assert_cmpstr (vigil_incident_get_title (incident), ==, "Original title");
  g_assert_cmpstr (vigil_incident_get_affected_systems (incident)[0], ==, "db01");

  g_free (systems[0]);
}

static void
test_archived (void)
{
  g_autoptr(VigilIncident) incident = vigil_incident_new (INCIDENT_ID);

  for (guint step = 1; step < VIGIL_N_STEPS; step++)
    {
      vigil_incident_set_step (incident, step);
      g_assert_false (vigil_incident_is_archived (incident));
    }

  vigil_incident_set_step (incident, VIGIL_STEP_ARCHIVE);
  g_assert_true (vigil_incident_is_archived (incident));
}

static void
test_approval_setters (void)
{
  g_autoptr(VigilIncident) incident = make_filled_incident ();
  g_autoptr(GDateTime) submitted = utc (2025, 3, 3, 10, 0, 0);
  g_autoptr(GDateTime) decided = utc (2025, 3, 3, 11, 0, 0);
  g_autofree char *hash = vigil_incident_dup_snapshot_hash (incident);

  vigil_incident_set_submission (incident, "alice", submitted, 7, hash);
  g_assert_cmpstr (vigil_incident_get_submitted_by (incident), ==, "alice");
  g_assert_true (g_date_time_equal (vigil_incident_get_submitted_at (incident), submitted));
  g_assert_cmpuint (vigil_incident_get_submitted_from (incident), ==, 7);
  g_assert_cmpstr (vigil_incident_get_snapshot_hash (incident), ==, hash);

  vigil_incident_set_decision (incident, VIGIL_APPROVAL_REJECTED, "bob", decided, "Add logs");
  g_assert_cmpint (vigil_incident_get_approval_state (incident), ==, VIGIL_APPROVAL_REJECTED);
  g_assert_cmpstr (vigil_incident_get_decided_by (incident), ==, "bob");
  g_assert_true (g_date_time_equal (vigil_incident_get_decided_at (incident), decided));
  g_assert_cmpstr (vigil_incident_get_decision_comment (incident), ==, "Add logs");

  vigil_incident_clear_approval (incident);
  g_assert_cmpint (vigil_incident_get_approval_state (incident), ==, VIGIL_APPROVAL_NONE);
  g_assert_null (vigil_incident_get_submitted_by (incident));
  g_assert_null (vigil_incident_get_decided_by (incident));
  g_assert_null (vigil_incident_get_decision_comment (incident));
}

static void
test_approval_state_strings (void)
{
  static const struct {
    VigilApprovalState state;
    const char        *text;
  } states[] = {
    { VIGIL_APPROVAL_NONE,     "none" },
    { VIGIL_APPROVAL_PENDING,  "pending" },
    { VIGIL_APPROVAL_APPROVED, "approved" },
    { VIGIL_APPROVAL_REJECTED, "rejected" },
  };
  static const char * const bad[] = { "", "maybe", "approve", "PENDING ", "accepted" };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      VigilApprovalState parsed = (VigilApprovalState) 99;

      g_assert_cmpstr (vigil_approval_state_to_string (states[i].state), ==, states[i].text);
      g_assert_true (vigil_approval_state_from_string (states[i].text, &parsed));
      g_assert_cmpint (parsed, ==, states[i].state);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      VigilApprovalState parsed = VIGIL_APPROVAL_NONE;

      g_assert_false (vigil_approval_state_from_string (bad[i], &parsed));
    }
}

/* copy and update_from */

static void
test_copy (void)
{
  g_autoptr(VigilIncident) incident = make_filled_incident ();
  g_autoptr(VigilIncident) copy = NULL;
  static const char * const other_systems[] = { "fileserver", NULL };

  copy = vigil_incident_copy (incident);
  g_assert_true (copy != incident);
  assert_incidents_equal (copy, incident);

  /* deep copy: changing the copy leaves the original alone */
  vigil_incident_set_title (copy, "Changed");
  vigil_incident_set_affected_systems (copy, other_systems);
  vigil_incident_set_step (copy, 2);
  g_assert_cmpstr (vigil_incident_get_title (incident), ==, "Phishing wave against finance");
  g_assert_cmpstr (vigil_incident_get_affected_systems (incident)[0], ==, "mail01");
  g_assert_cmpuint (vigil_incident_get_step (incident), ==, 5);
}

static void
on_notify_cb (GObject    *object,
              GParamSpec *pspec,
              GPtrArray  *names)
{
  g_ptr_array_add (names, g_strdup (pspec->name));
}

static gboolean
names_contain (GPtrArray  *names,
               const char *part)
{
  for (guint i = 0; i < names->len; i++)
    if (strstr (g_ptr_array_index (names, i), part) != NULL)
      return TRUE;

  return FALSE;
}

static void
test_update_from (void)
{
  g_autoptr(VigilIncident) target = make_filled_incident ();
  g_autoptr(VigilIncident) source = vigil_incident_copy (target);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_signal_connect (target, "notify", G_CALLBACK (on_notify_cb), names);

  /* identical content: nothing to notify */
  vigil_incident_update_from (target, source);
  g_assert_cmpuint (names->len, ==, 0);

  /* one field changed: exactly that one is notified */
  vigil_incident_set_title (source, "Phishing wave, second round");
  vigil_incident_update_from (target, source);
  g_assert_cmpstr (vigil_incident_get_title (target), ==, "Phishing wave, second round");
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_true (names_contain (names, "title"));

  /* several fields */
  g_ptr_array_set_size (names, 0);
  vigil_incident_set_step (source, 6);
  vigil_incident_set_severity (source, "critical");
  vigil_incident_set_revision (source, 13);
  vigil_incident_update_from (target, source);
  assert_incidents_equal (target, source);
  g_assert_true (names_contain (names, "step"));
  g_assert_true (names_contain (names, "severity"));
  g_assert_false (names_contain (names, "title"));
  g_assert_false (names_contain (names, "owner"));

  /* the source is not tied to the target afterwards */
  vigil_incident_set_title (source, "Third");
  g_assert_cmpstr (vigil_incident_get_title (target), ==, "Phishing wave, second round");

  g_signal_handlers_disconnect_by_func (target, on_notify_cb, names);
}

static void
test_notify_setter (void)
{
  g_autoptr(VigilIncident) incident = make_filled_incident ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) aware = utc (2025, 3, 1, 9, 15, 0);

  g_signal_connect (incident, "notify", G_CALLBACK (on_notify_cb), names);

  vigil_incident_set_title (incident, "Another title");
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_true (names_contain (names, "title"));

  /* STYLE.md: notify only on real change */
  g_ptr_array_set_size (names, 0);
  vigil_incident_set_title (incident, "Another title");
  vigil_incident_set_step (incident, 5);
  vigil_incident_set_severity (incident, "high");
  vigil_incident_set_aware_at (incident, aware);
  g_assert_cmpuint (names->len, ==, 0);

  g_signal_handlers_disconnect_by_func (incident, on_notify_cb, names);
}

/* time and reference helpers */

static void
test_time_iso (void)
{
  g_autoptr(GDateTime) when = utc (2025, 3, 1, 10, 0, 0);
  g_autoptr(GTimeZone) plus_two = g_time_zone_new_offset (2 * 3600);
  g_autoptr(GDateTime) local = g_date_time_new (plus_two, 2025, 3, 1, 12, 0, 0);
  g_autofree char *text = vigil_time_to_iso (when);
  g_autofree char *local_text = vigil_time_to_iso (local);
  g_autoptr(GDateTime) parsed = NULL;
  g_autoptr(GDateTime) parsed_local = NULL;
  g_autoptr(GDateTime) parsed_offset = NULL;

  g_assert_nonnull (text);
  g_assert_true (g_str_has_prefix (text, "2025-03-01T10:00:00"));
  g_assert_true (g_str_has_suffix (text, "Z"));

  /* a time in another zone is written in UTC */
  g_assert_true (g_str_has_prefix (local_text, "2025-03-01T10:00:00"));
  g_assert_true (g_str_has_suffix (local_text, "Z"));

  parsed = vigil_time_from_iso (text);
  g_assert_nonnull (parsed);
  g_assert_true (g_date_time_equal (parsed, when));

  parsed_local = vigil_time_from_iso (local_text);
  g_assert_true (g_date_time_equal (parsed_local, when));

  parsed_offset = vigil_time_from_iso ("2025-03-01T12:00:00+02:00");
  g_assert_nonnull (parsed_offset);
  g_assert_true (g_date_time_equal (parsed_offset, when));
}

static void
test_time_iso_subsecond (void)
{
  g_autoptr(GDateTime) base = utc (2025, 3, 1, 10, 0, 0);
  g_autoptr(GDateTime) when = g_date_time_add (base, 1234567);   /* +1.234567 s */
  g_autofree char *text = vigil_time_to_iso (when);
  g_autoptr(GDateTime) parsed = vigil_time_from_iso (text);

  g_assert_nonnull (parsed);
  assert_time_equal (parsed, when);
}

static void
test_time_iso_bad (void)
{
  static const char * const bad[] = {
    "",
    "yesterday",
    "2025-13-01T10:00:00Z",
    "2025-02-30T10:00:00Z",
    "2025-03-01T25:00:00Z",
    "1700000000",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GDateTime) parsed = vigil_time_from_iso (bad[i]);

      g_test_message ("'%s'", bad[i]);
      g_assert_null (parsed);
    }
}

static void
test_reference (void)
{
  static const struct {
    gint        year;
    guint       number;
    const char *text;
  } good[] = {
    { 2026, 42,    "INC-2026-0042" },
    { 2025, 1,     "INC-2025-0001" },
    { 2025, 9999,  "INC-2025-9999" },
    { 2025, 12345, "INC-2025-12345" },
  };
  static const char * const bad[] = {
    "",
    "INC-2026-042",
    "INC-2026-",
    "INC-2026",
    "INC-26-0042",
    "INC-2026-00a2",
    "XYZ-2026-0042",
    "INC 2026 0042",
    "INC-2026-0042 ",
    "INC--2026-0042",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *text = vigil_reference_format (good[i].year, good[i].number);
      gint year = 0;
      guint number = 0;

      g_assert_cmpstr (text, ==, good[i].text);
      g_assert_true (vigil_reference_parse (good[i].text, &year, &number));
      g_assert_cmpint (year, ==, good[i].year);
      g_assert_cmpuint (number, ==, good[i].number);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gint year = 0;
      guint number = 0;

      g_test_message ("'%s'", bad[i]);
      g_assert_false (vigil_reference_parse (bad[i], &year, &number));
    }
}

/* JSON */

static void
test_json_round_trip (void)
{
  g_autoptr(VigilIncident) incident = make_filled_incident ();
  g_autoptr(GDateTime) submitted = utc (2025, 3, 3, 10, 0, 0);
  g_autoptr(GDateTime) decided = utc (2025, 3, 3, 11, 30, 0);
  g_autofree char *hash = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) node2 = NULL;
  g_autoptr(VigilIncident) back = NULL;
  g_autoptr(VigilIncident) back2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  vigil_incident_set_step (incident, 9);
  hash = vigil_incident_dup_snapshot_hash (incident);
  vigil_incident_set_submission (incident, "alice", submitted, 6, hash);
  vigil_incident_set_decision (incident, VIGIL_APPROVAL_APPROVED, "bob", decided, "Go ahead");

  node = vigil_incident_to_json (incident);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));

  back = vigil_incident_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  assert_incidents_equal (back, incident);
  g_assert_cmpint (vigil_incident_get_approval_state (back), ==, VIGIL_APPROVAL_APPROVED);
  g_assert_cmpuint (vigil_incident_get_submitted_from (back), ==, 6);

  /* and through text */
  text = vigil_incident_to_string (incident);
  g_assert_nonnull (text);
  back2 = vigil_incident_new_from_string (text, &error);
  g_assert_no_error (error);
  assert_incidents_equal (back2, incident);

  /* writing the decoded incident again gives the same document */
  node2 = vigil_incident_to_json (back2);
  g_assert_true (json_node_equal (node, node2));
}

static void
test_json_round_trip_empty (void)
{
  g_autoptr(VigilIncident) incident = vigil_incident_new (INCIDENT_ID);
  g_autoptr(VigilIncident) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = vigil_incident_to_string (incident);

  back = vigil_incident_new_from_string (text, &error);
  g_assert_no_error (error);
  assert_incidents_equal (back, incident);
  g_assert_cmpuint (vigil_incident_get_step (back), ==, 1);
  g_assert_cmpint (vigil_incident_get_revision (back), ==, 0);
}

static void
test_json_round_trip_subsecond (void)
{
  g_autoptr(VigilIncident) incident = make_filled_incident ();
  g_autoptr(GDateTime) base = utc (2025, 3, 1, 10, 0, 0);
  g_autoptr(GDateTime) created = g_date_time_add (base, 987654);
  g_autoptr(GDateTime) updated = g_date_time_add (base, 5000001);
  g_autoptr(VigilIncident) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* operations carry the current time with microseconds; states made from
   * them must survive a trip through the store unchanged */
  vigil_incident_set_created_at (incident, created);
  vigil_incident_set_updated_at (incident, updated);
  text = vigil_incident_to_string (incident);
  back = vigil_incident_new_from_string (text, &error);
  g_assert_no_error (error);
  assert_time_equal (vigil_incident_get_created_at (back), created);
  assert_time_equal (vigil_incident_get_updated_at (back), updated);
}

static void
test_json_shape (void)
{
  g_autoptr(VigilIncident) incident = make_filled_incident ();
  g_autoptr(JsonNode) node = vigil_incident_to_json (incident);
  JsonObject *object = json_node_get_object (node);
  JsonObject *approval;
  JsonArray *systems;
  g_autoptr(GDateTime) aware = utc (2025, 3, 1, 9, 15, 0);
  g_autoptr(GDateTime) aware_parsed = NULL;

  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, INCIDENT_ID);
  g_assert_cmpstr (json_object_get_string_member (object, "reference"), ==, "INC-2025-0007");
  g_assert_cmpint (json_object_get_int_member (object, "revision"), ==, 12);
  g_assert_cmpint (json_object_get_int_member (object, "step"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (object, "title"), ==,
                   "Phishing wave against finance");
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "other");
  g_assert_cmpstr (json_object_get_string_member (object, "severity"), ==, "high");
  g_assert_cmpstr (json_object_get_string_member (object, "detection_method"), ==,
                   "user_report");
  g_assert_cmpstr (json_object_get_string_member (object, "owner"), ==, "alice");
  g_assert_cmpstr (json_object_get_string_member (object, "created_by"), ==, "dave");

  g_assert_true (g_str_has_suffix (json_object_get_string_member (object, "aware_at"), "Z"));
  aware_parsed = vigil_time_from_iso (json_object_get_string_member (object, "aware_at"));
  g_assert_true (g_date_time_equal (aware_parsed, aware));

  g_assert_true (json_object_has_member (object, "affected_systems"));
  systems = json_object_get_array_member (object, "affected_systems");
  g_assert_cmpuint (json_array_get_length (systems), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (systems, 1), ==, "vpn-gateway");

  g_assert_true (json_object_has_member (object, "approval"));
  approval = json_object_get_object_member (object, "approval");
  g_assert_nonnull (approval);
  g_assert_cmpstr (json_object_get_string_member (approval, "state"), ==, "none");

  /* nothing outside the documented vocabulary */
  {
    static const char * const known[] = {
      "id", "reference", "revision", "step", "title", "description", "type", "type_other",
      "severity", "detection_method", "detected_at", "aware_at", "created_at", "updated_at",
      "reporter", "affected_systems", "owner", "created_by", "approval", "forms", NULL
    };
    g_autoptr(GList) members = json_object_get_members (object);

    for (GList *l = members; l != NULL; l = l->next)
      {
        g_test_message ("member %s", (const char *) l->data);
        g_assert_true (g_strv_contains (known, l->data));
      }
  }
}

static void
test_json_minimal (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) incident = NULL;
  g_autofree char *doc = squote_to_json ("{'id':'abc','revision':3,'step':4}");

  incident = vigil_incident_new_from_string (doc, &error);
  g_assert_no_error (error);
  g_assert_nonnull (incident);
  g_assert_cmpstr (vigil_incident_get_id (incident), ==, "abc");
  g_assert_cmpint (vigil_incident_get_revision (incident), ==, 3);
  g_assert_cmpuint (vigil_incident_get_step (incident), ==, 4);
  g_assert_null (vigil_incident_get_reference (incident));
  g_assert_null (vigil_incident_get_severity (incident));
  g_assert_null (vigil_incident_get_created_at (incident));
  g_assert_cmpint (vigil_incident_get_approval_state (incident), ==, VIGIL_APPROVAL_NONE);
}

static void
test_json_nulls (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) incident = NULL;
  g_autofree char *doc = squote_to_json (
    "{'id':'abc','reference':null,'revision':0,'step':15,'title':'T','description':null,"
    "'type':null,'type_other':null,'severity':null,'detection_method':null,"
    "'detected_at':null,'aware_at':null,'created_at':null,'updated_at':null,"
    "'reporter':null,'affected_systems':[],'owner':null,'created_by':null,"
    "'approval':{'state':'pending','submitted_by':'alice','submitted_at':null,"
    "'submitted_from':3,'snapshot_hash':null,'decided_by':null,'decided_at':null,"
    "'comment':null},'forms':{}}");

  incident = vigil_incident_new_from_string (doc, &error);
  g_assert_no_error (error);
  g_assert_nonnull (incident);
  g_assert_true (vigil_incident_is_archived (incident));
  g_assert_null (vigil_incident_get_description (incident));
  g_assert_null (vigil_incident_get_detected_at (incident));
  g_assert_cmpint (vigil_incident_get_approval_state (incident), ==, VIGIL_APPROVAL_PENDING);
  g_assert_cmpstr (vigil_incident_get_submitted_by (incident), ==, "alice");
  g_assert_cmpuint (vigil_incident_get_submitted_from (incident), ==, 3);
}

static void
test_json_forms_kept (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) incident = NULL;
  g_autoptr(VigilIncident) copy = NULL;
  g_autoptr(JsonNode) in = NULL;
  g_autoptr(JsonNode) out = NULL;
  g_autoptr(JsonNode) out_copy = NULL;
  g_autofree char *doc = squote_to_json (
    "{'id':'abc','revision':2,'step':3,'title':'T','forms':"
    "{'collect':{'checklist':[{'id':'system_logs','done':true,'notes':'rotated'}]},"
    "'analyze':{'notes':'beaconing every 60 s','affected_assets':['srv-01']}}}");

  in = json_from_string (doc, &error);
  g_assert_no_error (error);
  incident = vigil_incident_new_from_json (in, &error);
  g_assert_no_error (error);

  out = vigil_incident_to_json (incident);
  g_assert_true (json_object_has_member (json_node_get_object (out), "forms"));
  g_assert_true (json_node_equal (json_object_get_member (json_node_get_object (in), "forms"),
                                  json_object_get_member (json_node_get_object (out), "forms")));

  /* copies carry the forms too */
  copy = vigil_incident_copy (incident);
  out_copy = vigil_incident_to_json (copy);
  g_assert_true (json_node_equal (out, out_copy));
}

typedef struct {
  const char *doc;       /* ' stands for " */
  int         code;
  const char *field;     /* must appear in the message; NULL for parse errors */
} BadDocument;

#define B "'id':'abc','revision':1,'step':2"

static const BadDocument bad_documents[] = {
  /* not JSON / not an object */
  { "",                                   VIGIL_INCIDENT_ERROR_PARSE, NULL },
  { "not json",                           VIGIL_INCIDENT_ERROR_PARSE, NULL },
  { "{'id':",                             VIGIL_INCIDENT_ERROR_PARSE, NULL },
  { "[1, 2]",                             VIGIL_INCIDENT_ERROR_PARSE, NULL },
  { "42",                                 VIGIL_INCIDENT_ERROR_PARSE, NULL },
  { "'abc'",                              VIGIL_INCIDENT_ERROR_PARSE, NULL },
  { "null",                               VIGIL_INCIDENT_ERROR_PARSE, NULL },
  /* required fields */
  { "{'revision':1,'step':2}",            VIGIL_INCIDENT_ERROR_MISSING_FIELD, "id" },
  { "{'id':'abc','step':2}",              VIGIL_INCIDENT_ERROR_MISSING_FIELD, "revision" },
  { "{'id':'abc','revision':1}",          VIGIL_INCIDENT_ERROR_MISSING_FIELD, "step" },
  { "{}",                                 VIGIL_INCIDENT_ERROR_MISSING_FIELD, NULL },
  /* id */
  { "{'id':'','revision':1,'step':2}",    VIGIL_INCIDENT_ERROR_INVALID_FIELD, "id" },
  { "{'id':5,'revision':1,'step':2}",     VIGIL_INCIDENT_ERROR_INVALID_FIELD, "id" },
  /* revision */
  { "{'id':'abc','revision':-1,'step':2}",  VIGIL_INCIDENT_ERROR_INVALID_FIELD, "revision" },
  { "{'id':'abc','revision':'1','step':2}", VIGIL_INCIDENT_ERROR_INVALID_FIELD, "revision" },
  { "{'id':'abc','revision':1.5,'step':2}", VIGIL_INCIDENT_ERROR_INVALID_FIELD, "revision" },
  /* step */
  { "{'id':'abc','revision':1,'step':0}",   VIGIL_INCIDENT_ERROR_INVALID_FIELD, "step" },
  { "{'id':'abc','revision':1,'step':16}",  VIGIL_INCIDENT_ERROR_INVALID_FIELD, "step" },
  { "{'id':'abc','revision':1,'step':-3}",  VIGIL_INCIDENT_ERROR_INVALID_FIELD, "step" },
  { "{'id':'abc','revision':1,'step':'3'}", VIGIL_INCIDENT_ERROR_INVALID_FIELD, "step" },
  { "{'id':'abc','revision':1,'step':2.5}", VIGIL_INCIDENT_ERROR_INVALID_FIELD, "step" },
  { "{'id':'abc','revision':1,'step':true}", VIGIL_INCIDENT_ERROR_INVALID_FIELD, "step" },
  /* reference */
  { "{" B ",'reference':'INC-2025-042'}",   VIGIL_INCIDENT_ERROR_INVALID_FIELD, "reference" },
  { "{" B ",'reference':'FOO'}",            VIGIL_INCIDENT_ERROR_INVALID_FIELD, "reference" },
  { "{" B ",'reference':''}",               VIGIL_INCIDENT_ERROR_INVALID_FIELD, "reference" },
  { "{" B ",'reference':12}",               VIGIL_INCIDENT_ERROR_INVALID_FIELD, "reference" },
  /* plain strings */
  { "{" B ",'title':5}",                    VIGIL_INCIDENT_ERROR_INVALID_FIELD, "title" },
  { "{" B ",'title':['a']}",                VIGIL_INCIDENT_ERROR_INVALID_FIELD, "title" },
  { "{" B ",'description':3}",              VIGIL_INCIDENT_ERROR_INVALID_FIELD, "description" },
  { "{" B ",'type_other':1}",               VIGIL_INCIDENT_ERROR_INVALID_FIELD, "type_other" },
  { "{" B ",'reporter':[]}",                VIGIL_INCIDENT_ERROR_INVALID_FIELD, "reporter" },
  { "{" B ",'owner':true}",                 VIGIL_INCIDENT_ERROR_INVALID_FIELD, "owner" },
  { "{" B ",'created_by':{}}",              VIGIL_INCIDENT_ERROR_INVALID_FIELD, "created_by" },
  /* choices */
  { "{" B ",'type':'virus'}",               VIGIL_INCIDENT_ERROR_INVALID_FIELD, "type" },
  { "{" B ",'type':'Malware Attack'}",      VIGIL_INCIDENT_ERROR_INVALID_FIELD, "type" },
  { "{" B ",'type':1}",                     VIGIL_INCIDENT_ERROR_INVALID_FIELD, "type" },
  { "{" B ",'severity':'extreme'}",         VIGIL_INCIDENT_ERROR_INVALID_FIELD, "severity" },
  { "{" B ",'severity':'High'}",            VIGIL_INCIDENT_ERROR_INVALID_FIELD, "severity" },
  { "{" B ",'detection_method':'fax'}",     VIGIL_INCIDENT_ERROR_INVALID_FIELD,
    "detection_method" },
  /* times */
  { "{" B ",'detected_at':'yesterday'}",    VIGIL_INCIDENT_ERROR_INVALID_FIELD, "detected_at" },
  { "{" B ",'aware_at':1700000000}",        VIGIL_INCIDENT_ERROR_INVALID_FIELD, "aware_at" },
  { "{" B ",'created_at':'2025-13-45T00:00:00Z'}", VIGIL_INCIDENT_ERROR_INVALID_FIELD,
    "created_at" },
  { "{" B ",'updated_at':''}",              VIGIL_INCIDENT_ERROR_INVALID_FIELD, "updated_at" },
  /* lists and objects */
  { "{" B ",'affected_systems':'db01'}",    VIGIL_INCIDENT_ERROR_INVALID_FIELD,
    "affected_systems" },
  { "{" B ",'affected_systems':['db01',3]}", VIGIL_INCIDENT_ERROR_INVALID_FIELD,
    "affected_systems" },
  { "{" B ",'affected_systems':[null]}",    VIGIL_INCIDENT_ERROR_INVALID_FIELD,
    "affected_systems" },
  { "{" B ",'forms':'x'}",                  VIGIL_INCIDENT_ERROR_INVALID_FIELD, "forms" },
  { "{" B ",'forms':[]}",                   VIGIL_INCIDENT_ERROR_INVALID_FIELD, "forms" },
  /* approval */
  { "{" B ",'approval':'pending'}",         VIGIL_INCIDENT_ERROR_INVALID_FIELD, "approval" },
  { "{" B ",'approval':{'state':'maybe'}}", VIGIL_INCIDENT_ERROR_INVALID_FIELD,
    "approval.state" },
  { "{" B ",'approval':{'state':3}}",       VIGIL_INCIDENT_ERROR_INVALID_FIELD,
    "approval.state" },
  { "{" B ",'approval':{'state':'pending','submitted_from':'7'}}",
    VIGIL_INCIDENT_ERROR_INVALID_FIELD, "approval.submitted_from" },
  { "{" B ",'approval':{'state':'pending','submitted_by':5}}",
    VIGIL_INCIDENT_ERROR_INVALID_FIELD, "approval.submitted_by" },
  { "{" B ",'approval':{'state':'approved','decided_by':[]}}",
    VIGIL_INCIDENT_ERROR_INVALID_FIELD, "approval.decided_by" },
  { "{" B ",'approval':{'state':'approved','comment':1}}",
    VIGIL_INCIDENT_ERROR_INVALID_FIELD, "approval.comment" },
  { "{" B ",'approval':{'state':'pending','snapshot_hash':42}}",
    VIGIL_INCIDENT_ERROR_INVALID_FIELD, "approval.snapshot_hash" },
  { "{" B ",'approval':{'state':'approved','decided_at':7}}",
    VIGIL_INCIDENT_ERROR_INVALID_FIELD, "approval.decided_at" },
  /* unknown fields */
  { "{" B ",'priority':'p1'}",              VIGIL_INCIDENT_ERROR_UNKNOWN_FIELD, "priority" },
  { "{" B ",'Title':'x'}",                  VIGIL_INCIDENT_ERROR_UNKNOWN_FIELD, "Title" },
  { "{" B ",'approval':{'state':'none','colour':'red'}}", VIGIL_INCIDENT_ERROR_UNKNOWN_FIELD,
    "colour" },
};

#undef B

static void
check_bad_document (const BadDocument *bad)
{
  g_autofree char *doc = squote_to_json (bad->doc);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) incident = NULL;

  g_test_message ("document %s", doc);
  incident = vigil_incident_new_from_string (doc, &error);
  g_assert_null (incident);
  g_assert_error (error, VIGIL_INCIDENT_ERROR, bad->code);
  g_assert_nonnull (error->message);
  if (bad->field != NULL && strstr (error->message, bad->field) == NULL)
    g_error ("message '%s' does not name '%s'", error->message, bad->field);
}

static void
test_json_bad_document (gconstpointer data)
{
  check_bad_document (data);
}

static void
test_json_bad_nodes (void)
{
  g_autoptr(JsonNode) array = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(JsonNode) value = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonNode) null = json_node_new (JSON_NODE_NULL);
  JsonNode *nodes[3];

  json_node_take_array (array, json_array_new ());
  json_node_set_string (value, "abc");
  nodes[0] = array;
  nodes[1] = value;
  nodes[2] = null;

  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VigilIncident) incident = vigil_incident_new_from_json (nodes[i], &error);

      g_assert_null (incident);
      g_assert_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_PARSE);
    }
}

/* snapshot hash */

typedef void (*Mutation) (VigilIncident *incident);

static void
mut_title (VigilIncident *i)
{
  vigil_incident_set_title (i, "Different title");
}

static void
mut_description (VigilIncident *i)
{
  vigil_incident_set_description (i, "Other");
}

static void
mut_type (VigilIncident *i)
{
  vigil_incident_set_incident_type (i, "malware");
}

static void
mut_type_other (VigilIncident *i)
{
  vigil_incident_set_type_other (i, "Smishing");
}

static void
mut_severity (VigilIncident *i)
{
  vigil_incident_set_severity (i, "critical");
}

static void
mut_severity_null (VigilIncident *i)
{
  vigil_incident_set_severity (i, NULL);
}

static void
mut_method (VigilIncident *i)
{
  vigil_incident_set_detection_method (i, "monitoring");
}

static void
mut_reporter (VigilIncident *i)
{
  vigil_incident_set_reporter (i, "Erin");
}

static void
mut_detected (VigilIncident *i)
{
  g_autoptr(GDateTime) t = utc (2025, 3, 1, 8, 31, 0);

  vigil_incident_set_detected_at (i, t);
}

static void
mut_aware (VigilIncident *i)
{
  g_autoptr(GDateTime) t = utc (2025, 3, 1, 9, 16, 0);

  vigil_incident_set_aware_at (i, t);
}

static void
mut_systems (VigilIncident *i)
{
  static const char * const systems[] = { "mail01", NULL };

  vigil_incident_set_affected_systems (i, systems);
}

static void
test_snapshot_hash_format (void)
{
  g_autoptr(VigilIncident) incident = make_filled_incident ();
  g_autoptr(VigilIncident) copy = vigil_incident_copy (incident);
  g_autofree char *hash = vigil_incident_dup_snapshot_hash (incident);
  g_autofree char *again = vigil_incident_dup_snapshot_hash (incident);
  g_autofree char *of_copy = vigil_incident_dup_snapshot_hash (copy);

  g_assert_true (is_lower_hex (hash, 64));
  g_assert_cmpstr (hash, ==, again);
  g_assert_cmpstr (hash, ==, of_copy);
}

static void
test_snapshot_hash_changes (void)
{
  static const struct {
    const char *name;
    Mutation    mutate;
  } mutations[] = {
    { "title",            mut_title },
    { "description",      mut_description },
    { "type",             mut_type },
    { "type_other",       mut_type_other },
    { "severity",         mut_severity },
    { "severity=null",    mut_severity_null },
    { "detection_method", mut_method },
    { "detected_at",      mut_detected },
    { "aware_at",         mut_aware },
    { "reporter",         mut_reporter },
    { "affected_systems", mut_systems },
  };
  g_autoptr(VigilIncident) incident = make_filled_incident ();
  g_autofree char *before = vigil_incident_dup_snapshot_hash (incident);

  for (guint i = 0; i < G_N_ELEMENTS (mutations); i++)
    {
      g_autoptr(VigilIncident) changed = vigil_incident_copy (incident);
      g_autofree char *after = NULL;

      g_test_message ("changing %s", mutations[i].name);
      mutations[i].mutate (changed);
      after = vigil_incident_dup_snapshot_hash (changed);
      g_assert_true (is_lower_hex (after, 64));
      g_assert_cmpstr (after, !=, before);
    }
}

static void
test_snapshot_hash_owner (void)
{
  g_autoptr(VigilIncident) incident = make_filled_incident ();
  g_autofree char *before = vigil_incident_dup_snapshot_hash (incident);
  g_autofree char *after = NULL;
  g_autofree char *after_null = NULL;

  vigil_incident_set_owner (incident, "someone-else");
  after = vigil_incident_dup_snapshot_hash (incident);
  g_assert_cmpstr (after, ==, before);

  vigil_incident_set_owner (incident, NULL);
  after_null = vigil_incident_dup_snapshot_hash (incident);
  g_assert_cmpstr (after_null, ==, before);
}

static void
test_snapshot_hash_bookkeeping (void)
{
  g_autoptr(VigilIncident) incident = make_filled_incident ();
  g_autofree char *before = vigil_incident_dup_snapshot_hash (incident);
  g_autofree char *after = NULL;
  g_autoptr(GDateTime) later = utc (2025, 4, 1, 0, 0, 0);
  g_autoptr(GDateTime) submitted = utc (2025, 3, 3, 10, 0, 0);

  /* What the lead approves is the content of steps 1-7, not where the
   * incident stands or how often it was saved. */
  vigil_incident_set_revision (incident, 99);
  vigil_incident_set_updated_at (incident, later);
  vigil_incident_set_step (incident, 8);
  vigil_incident_set_submission (incident, "alice", submitted, 7, before);
  after = vigil_incident_dup_snapshot_hash (incident);
  g_assert_cmpstr (after, ==, before);
}

static void
test_search (void)
{
  g_autoptr(VigilIncident) incident = vigil_incident_new ("search-1");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(GStrv) words = NULL;

  vigil_incident_set_reference (incident, "INC-2026-0042");
  vigil_incident_set_title (incident, "Phishing wave against Zahlungsverkehr");
  vigil_incident_set_owner (incident, "élodie");

  g_assert_true (vigil_incident_matches (incident, ""));
  g_assert_true (vigil_incident_matches (incident, "phishing"));
  g_assert_true (vigil_incident_matches (incident, "  WAVE   inc-2026-0042 "));
  g_assert_true (vigil_incident_matches (incident, "ÉLODIE"));
  g_assert_false (vigil_incident_matches (incident, "phishing malware"));
  g_assert_false (vigil_incident_matches (incident, "203.0.113.7"));

  /* Changing a field is seen by the next search. */
  vigil_incident_set_title (incident, "Malware on a payments host");
  g_assert_false (vigil_incident_matches (incident, "phishing"));
  g_assert_true (vigil_incident_matches (incident, "payments"));

  /* Indicator values of step 4 are searchable too. */
  g_assert_true (json_parser_load_from_data (parser,
      "{\"correlate\": {\"indicators\": [{\"id\": \"a\", \"type\": \"ip\", "
      "\"value\": \"203.0.113.7\"}]}}", -1, NULL));
  vigil_incident_set_forms (incident, json_node_get_object (json_parser_get_root (parser)));
  words = vigil_search_fold ("203.0.113.7");
  g_assert_cmpuint (g_strv_length (words), ==, 1);
  g_assert_true (vigil_incident_matches_folded (incident, (const char * const *) words));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vigil/incident/new", test_new);
  g_test_add_func ("/vigil/incident/search", test_search);
  g_test_add_func ("/vigil/incident/accessors", test_accessors);
  g_test_add_func ("/vigil/incident/setters-copy-input", test_setters_copy_input);
  g_test_add_func ("/vigil/incident/archived", test_archived);
  g_test_add_func ("/vigil/incident/approval/setters", test_approval_setters);
  g_test_add_func ("/vigil/incident/approval/state-strings", test_approval_state_strings);
  g_test_add_func ("/vigil/incident/copy", test_copy);
  g_test_add_func ("/vigil/incident/update-from", test_update_from);
  g_test_add_func ("/vigil/incident/notify/setter", test_notify_setter);
  g_test_add_func ("/vigil/incident/time/iso", test_time_iso);
  g_test_add_func ("/vigil/incident/time/iso-subsecond", test_time_iso_subsecond);
  g_test_add_func ("/vigil/incident/time/iso-bad", test_time_iso_bad);
  g_test_add_func ("/vigil/incident/reference", test_reference);
  g_test_add_func ("/vigil/incident/json/round-trip", test_json_round_trip);
  g_test_add_func ("/vigil/incident/json/round-trip-empty", test_json_round_trip_empty);
  g_test_add_func ("/vigil/incident/json/round-trip-subsecond", test_json_round_trip_subsecond);
  g_test_add_func ("/vigil/incident/json/shape", test_json_shape);
  g_test_add_func ("/vigil/incident/json/minimal", test_json_minimal);
  g_test_add_func ("/vigil/incident/json/nulls", test_json_nulls);
  g_test_add_func ("/vigil/incident/json/forms-kept", test_json_forms_kept);
  g_assert_cmpuint (G_N_ELEMENTS (bad_documents), >=, 20);
  for (guint i = 0; i < G_N_ELEMENTS (bad_documents); i++)
    {
      const BadDocument *bad = &bad_documents[i];
      g_autofree char *path = g_strdup_printf ("/vigil/incident/json/bad-document/%02u-%s", i,
                                               bad->field != NULL ? bad->field : "parse");

      g_test_add_data_func (path, bad, test_json_bad_document);
    }
  g_test_add_func ("/vigil/incident/json/bad-nodes", test_json_bad_nodes);
  g_test_add_func ("/vigil/incident/snapshot-hash/format", test_snapshot_hash_format);
  g_test_add_func ("/vigil/incident/snapshot-hash/changes", test_snapshot_hash_changes);
  g_test_add_func ("/vigil/incident/snapshot-hash/owner", test_snapshot_hash_owner);
  g_test_add_func ("/vigil/incident/snapshot-hash/bookkeeping", test_snapshot_hash_bookkeeping);

  return g_test_run ();
}
