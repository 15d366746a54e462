/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include <vigil/vigil.h>
#include "test-core-util.h"

#define ANALYST "alice"
#define LEAD    "bob"

typedef struct {
  char       *dir;
  VigilStore *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->store = test_core_open_temp_store ("vigil-test-figures-XXXXXX", &f->dir, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  vigil_store_close (f->store);
  g_clear_object (&f->store);
  test_core_remove_tree (f->dir);
  g_clear_pointer (&f->dir, g_free);
}

/* helpers: operations with chosen times, applied through the store.
 * Documents use ' for " to stay readable. */

static VigilOp *
make_op (const char *kind,
         const char *incident_id,
         gint64      base_rev,
         const char *actor,
         const char *at,
         const char *squoted_payload)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *payload = g_strdelimit (g_strdup (squoted_payload), "'", '"');
  g_autofree char *doc = g_strdup_printf ("{\"id\":\"%s\",\"incident\":\"%s\",\"kind\":\"%s\","
                                          "\"base_rev\":%" G_GINT64_FORMAT ",\"actor\":\"%s\","
                                          "\"at\":\"%s\",\"payload\":%s}",
                                          id, incident_id, kind, base_rev, actor, at, payload);
  g_autoptr(GError) error = NULL;
  VigilOp *op = vigil_op_new_from_string (doc, &error);

  g_assert_no_error (error);
  return op;
}

static VigilIncident *
store_apply (Fixture    *f,
             VigilOp    *op,
             const char *actor)
{
  g_autoptr(GError) error = NULL;
  VigilIncident *incident;

  incident = vigil_store_apply (f->store, op,
                                g_str_equal (actor, LEAD) ? VIGIL_ROLE_LEAD : VIGIL_ROLE_ANALYST,
                                NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (incident);
  return incident;
}

/* @fields: the squoted members of the create payload after the title */
static VigilIncident *
create (Fixture    *f,
        const char *at,
        const char *title,
        const char *fields)
{
  g_autofree char *incident_id = g_uuid_string_random ();
  g_autofree char *payload = g_strdup_printf ("{'title':'%s',%s}", title, fields);
  g_autoptr(VigilOp) op = make_op ("incident.create", incident_id, 0, ANALYST, at, payload);

  return store_apply (f, op, ANALYST);
}

/* Applies an operation to *incident and replaces it with the result. */
static void
apply (Fixture        *f,
       VigilIncident **incident,
       const char     *kind,
       const char     *actor,
       const char     *at,
       const char     *payload)
{
  g_autoptr(VigilOp) op = make_op (kind, vigil_incident_get_id (*incident),
                                   vigil_incident_get_revision (*incident), actor, at, payload);
  VigilIncident *result = store_apply (f, op, actor);

  g_object_unref (*incident);
  *incident = result;
}

static void
move (Fixture        *f,
      VigilIncident **incident,
      const char     *at,
      guint           to)
{
  g_autofree char *payload = g_strdup_printf ("{'to':%u}", to);

  apply (f, incident, "incident.move", ANALYST, at, payload);
}

/* The findings and the escalation decision, which a submission needs
 * besides the fields of step 1. */
static void
fill_for_approval (Fixture        *f,
                   VigilIncident **incident,
                   const char     *at)
{
  apply (f, incident, "form.update", ANALYST, at,
         "{'form':'findings','fields':{'summary':'What happened'}}");
  apply (f, incident, "form.update", ANALYST, at,
         "{'form':'escalate','fields':{'escalate':false}}");
}

static void
submit (Fixture        *f,
        VigilIncident **incident,
        const char     *at)
{
  apply (f, incident, "approval.submit", ANALYST, at, "{}");
}

static void
decide (Fixture        *f,
        VigilIncident **incident,
        const char     *at,
        gboolean        approve)
{
  apply (f, incident, "approval.decide", LEAD, at,
         approve ? "{'decision':'approve'}" : "{'decision':'reject','comment':'Not yet'}");
}

/* An incident that goes all the way to approval from @created, with the
 * times given; the minutes after @created of each event are chosen so that
 * the spans are easy to check. */
static VigilIncident *
create_approved (Fixture    *f,
                 const char *created,
                 const char *submitted,
                 const char *approved,
                 const char *fields)
{
  VigilIncident *incident = create (f, created, "Approved", fields);

  fill_for_approval (f, &incident, created);
  submit (f, &incident, submitted);
  decide (f, &incident, approved, TRUE);
  return incident;
}

static GPtrArray *
list_log (Fixture    *f,
          const char *incident_id)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *log = vigil_store_list_log (f->store, incident_id, &error);

  g_assert_no_error (error);
  return log;
}

static VigilFigures *
compute (Fixture    *f,
         const char *now_iso)
{
  g_autoptr(GDateTime) now = vigil_time_from_iso (now_iso);
  g_autoptr(GError) error = NULL;
  VigilFigures *figures = vigil_figures_compute_from_store (f->store, now, &error);

  g_assert_no_error (error);
  g_assert_nonnull (figures);
  return figures;
}

static void
assert_time (GDateTime  *when,
             const char *expected)
{
  g_autofree char *text = when != NULL ? vigil_time_to_iso (when) : NULL;

  g_assert_cmpstr (text, ==, expected);
}

/* Checks @intervals against "STEP START END" lines (step 0 for a phase
 * interval, "-" for an open end); for a phase the STEP column is the
 * phase id instead. */
static void
assert_intervals (GArray             *intervals,
                  const char * const *expected)
{
  g_autoptr(GString) got = g_string_new (NULL);
  g_autofree char *want = g_strjoinv ("\n", (char **) expected);

  for (guint i = 0; i < intervals->len; i++)
    {
      VigilTimelineInterval *interval = &g_array_index (intervals, VigilTimelineInterval, i);
      g_autofree char *start = vigil_time_to_iso (interval->start);
      g_autofree char *end = interval->end ? vigil_time_to_iso (interval->end) : g_strdup ("-");

      if (interval->step != 0)
        {
          g_assert_cmpint (interval->phase, ==, vigil_process_get_phase (interval->step));
          g_string_append_printf (got, "%s%u %s %s", i ? "\n" : "", interval->step, start, end);
        }
      else
        g_string_append_printf (got, "%s%s %s %s", i ? "\n" : "",
                                vigil_phase_get_id (interval->phase), start, end);
    }
  g_assert_cmpstr (got->str, ==, want);
}

static void
assert_markers (GArray             *markers,
                const char * const *expected)
{
  g_autoptr(GString) got = g_string_new (NULL);
  g_autofree char *want = g_strjoinv ("\n", (char **) expected);

  for (guint i = 0; i < markers->len; i++)
    {
      VigilTimelineMarker *marker = &g_array_index (markers, VigilTimelineMarker, i);
      g_autofree char *at = vigil_time_to_iso (marker->at);

      g_string_append_printf (got, "%s%s %s", i ? "\n" : "",
                              vigil_timeline_marker_kind_to_string (marker->kind), at);
    }
  g_assert_cmpstr (got->str, ==, want);
}

/* A small RFC 4180 reader: the records of @csv, each a GStrv. Fails the
 * test on a bare LF, a quote inside an unquoted field or a missing CRLF
 * at the end. */
static GPtrArray *
parse_csv (const char *csv)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GStrvBuilder) record = g_strv_builder_new ();
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = csv;

  g_assert_true (g_str_has_suffix (csv, "\r\n"));
  while (*p != '\0')
    {
      if (*p == '"')
        {
          for (p++; !(*p == '"' && p[1] != '"'); p++)
            {
              g_assert_cmpint (*p, !=, '\0');
              if (*p == '"')
                p++;
              g_string_append_c (field, *p);
            }
          p++;
          g_assert_true (*p == ',' || *p == '\r');
        }
      while (*p != ',' && *p != '\r' && *p != '\0')
        {
          g_assert_cmpint (*p, !=, '"');
          g_assert_cmpint (*p, !=, '\n');
          g_string_append_c (field, *p++);
        }
      g_strv_builder_add (record, field->str);
      g_string_truncate (field, 0);
      if (*p == ',')
        p++;
      else
        {
          g_assert_cmpint (p[0], ==, '\r');
          g_assert_cmpint (p[1], ==, '\n');
          p += 2;
          g_ptr_array_add (records, g_strv_builder_end (record));
          g_clear_pointer (&record, g_strv_builder_unref);
          record = g_strv_builder_new ();
        }
    }

  return records;
}

/* Parses one table and checks that every record has the header's width. */
static GPtrArray *
table_records (VigilFigures      *figures,
               VigilFiguresTable  table,
               const char        *header)
{
  g_autofree char *csv = vigil_figures_to_csv (figures, table);
  GPtrArray *records = parse_csv (csv);
  g_autofree char *got_header = NULL;
  guint width;

  g_assert_cmpuint (records->len, >=, 1);
  got_header = g_strjoinv (",", g_ptr_array_index (records, 0));
  g_assert_cmpstr (got_header, ==, header);
  width = g_strv_length (g_ptr_array_index (records, 0));
  for (guint i = 1; i < records->len; i++)
    g_assert_cmpuint (g_strv_length (g_ptr_array_index (records, i)), ==, width);

  return records;
}

/* tests */

static void
test_timeline_full (Fixture       *f,
                    gconstpointer  data)
{
  VigilIncident *incident;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(VigilIncidentTimeline) timeline = NULL;

  incident = create (f, "2025-03-03T09:00:00Z", "Phishing wave",
                     "'type':'phishing','severity':'high',"
                     "'detected_at':'2025-03-03T08:00:00Z','aware_at':'2025-03-03T08:30:00Z'");
  move (f, &incident, "2025-03-03T10:00:00Z", 3);
  fill_for_approval (f, &incident, "2025-03-03T10:30:00Z");
  submit (f, &incident, "2025-03-03T11:00:00Z");
  decide (f, &incident, "2025-03-03T12:00:00Z", FALSE);
  submit (f, &incident, "2025-03-03T13:00:00Z");
  decide (f, &incident, "2025-03-03T14:00:00Z", TRUE);
  move (f, &incident, "2025-03-04T09:00:00Z", 10);
  move (f, &incident, "2025-03-05T09:00:00Z", 12);
  move (f, &incident, "2025-03-06T09:00:00Z", 15);

  log = list_log (f, NULL);
  timeline = vigil_incident_timeline_new (incident, log);

  g_assert_true (timeline->complete);
  g_assert_true (timeline->incident == incident);
  assert_intervals (timeline->steps, (const char *[]) {
    "1 2025-03-03T09:00:00Z 2025-03-03T10:00:00Z",
    "3 2025-03-03T10:00:00Z 2025-03-03T11:00:00Z",
    "8 2025-03-03T11:00:00Z 2025-03-03T12:00:00Z",
    "3 2025-03-03T12:00:00Z 2025-03-03T13:00:00Z",
    "8 2025-03-03T13:00:00Z 2025-03-03T14:00:00Z",
    "9 2025-03-03T14:00:00Z 2025-03-04T09:00:00Z",
    "10 2025-03-04T09:00:00Z 2025-03-05T09:00:00Z",
    "12 2025-03-05T09:00:00Z 2025-03-06T09:00:00Z",
    "15 2025-03-06T09:00:00Z -",
    NULL });
  assert_intervals (timeline->phases, (const char *[]) {
    "detect 2025-03-03T09:00:00Z 2025-03-03T11:00:00Z",
    "approve 2025-03-03T11:00:00Z 2025-03-03T12:00:00Z",
    "detect 2025-03-03T12:00:00Z 2025-03-03T13:00:00Z",
    "approve 2025-03-03T13:00:00Z 2025-03-03T14:00:00Z",
    "respond 2025-03-03T14:00:00Z 2025-03-05T09:00:00Z",
    "learn 2025-03-05T09:00:00Z -",
    NULL });
  assert_markers (timeline->markers, (const char *[]) {
    "detected 2025-03-03T08:00:00Z",
    "aware 2025-03-03T08:30:00Z",
    "submitted 2025-03-03T11:00:00Z",
    "rejected 2025-03-03T12:00:00Z",
    "submitted 2025-03-03T13:00:00Z",
    "approved 2025-03-03T14:00:00Z",
    "remediated 2025-03-05T09:00:00Z",
    "archived 2025-03-06T09:00:00Z",
    NULL });
  assert_time (timeline->opened_at, "2025-03-03T09:00:00Z");
  assert_time (timeline->submitted_at, "2025-03-03T11:00:00Z");
  assert_time (timeline->approved_at, "2025-03-03T14:00:00Z");
  assert_time (timeline->remediated_at, "2025-03-05T09:00:00Z");
  assert_time (timeline->closed_at, "2025-03-06T09:00:00Z");

  g_object_unref (incident);
}

static void
test_timeline_open (Fixture       *f,
                    gconstpointer  data)
{
  VigilIncident *incident;
  VigilIncident *other;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(VigilIncidentTimeline) timeline = NULL;

  incident = create (f, "2025-03-03T09:00:00Z", "Still open",
                     "'type':'malware','detected_at':'2025-03-03T08:00:00Z'");
  /* another incident's moves in between must not show */
  other = create (f, "2025-03-03T09:10:00Z", "Other", "'type':'malware'");
  move (f, &other, "2025-03-03T09:20:00Z", 4);
  move (f, &incident, "2025-03-03T10:00:00Z", 2);
  move (f, &incident, "2025-03-03T11:00:00Z", 5);
  /* back within the phase: a new step interval, not a new phase interval */
  move (f, &incident, "2025-03-03T12:00:00Z", 4);
  /* an update without a move changes nothing */
  apply (f, &incident, "incident.update", ANALYST, "2025-03-03T12:30:00Z",
         "{'description':'More'}");

  log = list_log (f, NULL);
  timeline = vigil_incident_timeline_new (incident, log);

  assert_intervals (timeline->steps, (const char *[]) {
    "1 2025-03-03T09:00:00Z 2025-03-03T10:00:00Z",
    "2 2025-03-03T10:00:00Z 2025-03-03T11:00:00Z",
    "5 2025-03-03T11:00:00Z 2025-03-03T12:00:00Z",
    "4 2025-03-03T12:00:00Z -",
    NULL });
  assert_intervals (timeline->phases, (const char *[]) {
    "detect 2025-03-03T09:00:00Z -",
    NULL });
  assert_markers (timeline->markers, (const char *[]) {
    "detected 2025-03-03T08:00:00Z",
    NULL });
  g_assert_null (timeline->submitted_at);
  g_assert_null (timeline->approved_at);
  g_assert_null (timeline->remediated_at);
  g_assert_null (timeline->closed_at);

  g_object_unref (incident);
  g_object_unref (other);
}

/* A log that lacks the creation (a replica that took the incident as it
 * stood) still gives a timeline, marked incomplete. */
static void
test_timeline_partial (Fixture       *f,
                       gconstpointer  data)
{
  VigilIncident *incident;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GPtrArray) tail = g_ptr_array_new ();
  g_autoptr(VigilIncidentTimeline) timeline = NULL;

  incident = create (f, "2025-03-03T09:00:00Z", "Partial", "'type':'malware'");
  move (f, &incident, "2025-03-03T10:00:00Z", 3);
  move (f, &incident, "2025-03-03T11:00:00Z", 6);

  log = list_log (f, vigil_incident_get_id (incident));
  g_assert_cmpuint (log->len, ==, 3);
  g_ptr_array_add (tail, g_ptr_array_index (log, 2));
  timeline = vigil_incident_timeline_new (incident, tail);

  g_assert_false (timeline->complete);
  assert_time (timeline->opened_at, "2025-03-03T09:00:00Z");
  assert_intervals (timeline->steps, (const char *[]) {
    "3 2025-03-03T11:00:00Z 2025-03-03T11:00:00Z",
    "6 2025-03-03T11:00:00Z -",
    NULL });

  g_object_unref (incident);
}

/* An operation stamped before the previous one (a workstation clock that
 * was wrong offline) starts its interval at the previous time instead. */
static void
test_timeline_clock_skew (Fixture       *f,
                          gconstpointer  data)
{
  VigilIncident *incident;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(VigilIncidentTimeline) timeline = NULL;

  incident = create (f, "2025-03-03T09:00:00Z", "Skewed", "'type':'malware'");
  move (f, &incident, "2025-03-03T10:00:00Z", 2);
  move (f, &incident, "2025-03-03T09:30:00Z", 3);
  move (f, &incident, "2025-03-03T11:00:00Z", 4);

  log = list_log (f, vigil_incident_get_id (incident));
  timeline = vigil_incident_timeline_new (incident, log);

  assert_intervals (timeline->steps, (const char *[]) {
    "1 2025-03-03T09:00:00Z 2025-03-03T10:00:00Z",
    "2 2025-03-03T10:00:00Z 2025-03-03T10:00:00Z",
    "3 2025-03-03T10:00:00Z 2025-03-03T11:00:00Z",
    "4 2025-03-03T11:00:00Z -",
    NULL });

  g_object_unref (incident);
}

static void
test_figures_counts_and_means (Fixture       *f,
                               gconstpointer  data)
{
  VigilIncident *a, *b, *c, *d, *e;
  g_autoptr(VigilFigures) figures = NULL;
  const VigilFiguresSpan *span;
  guint expected_steps[VIGIL_N_STEPS + 1] = { 0, };

  /* a: detected 08:00, aware 08:10 (600 s), approved 10:10 (7,200 s after
   * awareness), step 12 on day 2 10:10 (93,600 s), archived day 3 09:00 */
  a = create_approved (f, "2025-03-03T09:00:00Z", "2025-03-03T09:30:00Z",
                       "2025-03-03T10:10:00Z",
                       "'type':'phishing','severity':'high',"
                       "'detected_at':'2025-03-03T08:00:00Z','aware_at':'2025-03-03T08:10:00Z'");
  move (f, &a, "2025-03-04T10:10:00Z", 12);
  move (f, &a, "2025-03-05T09:00:00Z", 15);

  /* b: detected 08:00, aware 08:30 (1,800 s), approved 12:30 (14,400 s),
   * step 13 at day 2 08:30 (86,400 s) and still open there */
  b = create_approved (f, "2025-03-03T09:00:00Z", "2025-03-03T11:00:00Z",
                       "2025-03-03T12:30:00Z",
                       "'type':'phishing','severity':'critical',"
                       "'detected_at':'2025-03-03T08:00:00Z','aware_at':'2025-03-03T08:30:00Z'");
  move (f, &b, "2025-03-04T08:30:00Z", 13);

  /* c: detected 08:00, aware 09:00 (3,600 s), approved 13:00 (14,400 s),
   * in step 10 */
  c = create_approved (f, "2025-03-03T09:00:00Z", "2025-03-03T12:00:00Z",
                       "2025-03-03T13:00:00Z",
                       "'type':'malware','severity':'high',"
                       "'detected_at':'2025-03-03T08:00:00Z','aware_at':'2025-03-03T09:00:00Z'");
  move (f, &c, "2025-03-03T15:00:00Z", 10);

  /* d: no awareness time yet, no severity, in step 2 */
  d = create (f, "2025-03-03T09:00:00Z", "Unclear", "'type':'ddos',"
              "'detected_at':'2025-03-03T08:00:00Z'");
  move (f, &d, "2025-03-03T09:30:00Z", 2);

  /* e: nothing but the creation: step 1, type "other" */
  e = create (f, "2025-03-03T09:00:00Z", "Odd", "'type':'other','type_other':'Odd'");

  figures = compute (f, "2025-03-05T12:00:00Z");

  g_assert_cmpuint (figures->n_incidents, ==, 5);
  g_assert_cmpuint (figures->n_open, ==, 4);
  g_assert_cmpuint (figures->timelines->len, ==, 5);

  expected_steps[1] = 1;
  expected_steps[2] = 1;
  expected_steps[10] = 1;
  expected_steps[13] = 1;
  for (guint step = 0; step <= VIGIL_N_STEPS; step++)
    g_assert_cmpuint (figures->open_per_step[step], ==, expected_steps[step]);

  /* severity in the list's order, then "not assessed"; the archived a does
   * not count */
  {
    guint n = 0;
    const VigilChoice *choices = vigil_process_get_choices (VIGIL_CHOICES_SEVERITY, &n);

    g_assert_cmpuint (figures->per_severity->len, ==, n + 1);
    for (guint i = 0; i < n; i++)
      {
        VigilFiguresCount *count = &g_array_index (figures->per_severity, VigilFiguresCount, i);

        g_assert_cmpstr (count->id, ==, choices[i].id);
        if (g_str_equal (count->id, "high") || g_str_equal (count->id, "critical"))
          g_assert_cmpuint (count->open, ==, 1);
        else
          g_assert_cmpuint (count->open, ==, 0);
      }
    g_assert_null (g_array_index (figures->per_severity, VigilFiguresCount, n).id);
    g_assert_cmpuint (g_array_index (figures->per_severity, VigilFiguresCount, n).open, ==, 2);
  }
  {
    guint n = 0;
    const VigilChoice *choices = vigil_process_get_choices (VIGIL_CHOICES_INCIDENT_TYPE, &n);
    guint total = 0;

    g_assert_cmpuint (figures->per_type->len, ==, n);
    for (guint i = 0; i < n; i++)
      {
        VigilFiguresCount *count = &g_array_index (figures->per_type, VigilFiguresCount, i);
        guint expected = 0;

        g_assert_cmpstr (count->id, ==, choices[i].id);
        if (g_str_equal (count->id, "phishing") || g_str_equal (count->id, "malware") ||
            g_str_equal (count->id, "ddos") || g_str_equal (count->id, "other"))
          expected = 1;
        g_assert_cmpuint (count->open, ==, expected);
        total += count->open;
      }
    g_assert_cmpuint (total, ==, figures->n_open);
  }

  span = &figures->spans[VIGIL_SPAN_DETECTION_TO_AWARENESS];
  g_assert_cmpuint (span->n, ==, 3);
  g_assert_cmpfloat (span->mean_seconds, ==, 2000.0);   /* (600 + 1800 + 3600) / 3 */
  g_assert_cmpfloat (span->median_seconds, ==, 1800.0);

  span = &figures->spans[VIGIL_SPAN_AWARENESS_TO_APPROVAL];
  g_assert_cmpuint (span->n, ==, 3);
  g_assert_cmpfloat (span->mean_seconds, ==, 12000.0);  /* (7200 + 14400 + 14400) / 3 */
  g_assert_cmpfloat (span->median_seconds, ==, 14400.0);

  span = &figures->spans[VIGIL_SPAN_AWARENESS_TO_REMEDIATED];
  g_assert_cmpuint (span->n, ==, 2);
  g_assert_cmpfloat (span->mean_seconds, ==, 90000.0);  /* (93600 + 86400) / 2 */
  g_assert_cmpfloat (span->median_seconds, ==, 90000.0);

  span = &figures->spans[VIGIL_SPAN_OPENED_TO_CLOSED];
  g_assert_cmpuint (span->n, ==, 1);
  g_assert_cmpfloat (span->mean_seconds, ==, 172800.0);
  g_assert_cmpfloat (span->median_seconds, ==, 172800.0);

  /* the same through the CSV */
  {
    g_autoptr(GPtrArray) times = table_records (figures, VIGIL_FIGURES_TABLE_TIMES,
                                                "measure,label,incidents,mean_seconds,"
                                                "median_seconds,mean_hours,median_hours");
    const char * const expected[] = {
      "detection-to-awareness,Detection to awareness,3,2000,1800,0.56,0.50",
      "awareness-to-approval,Awareness to approval,3,12000,14400,3.33,4.00",
      "awareness-to-remediated,Awareness to remediation (step 12 reached),2,90000,90000,"
      "25.00,25.00",
      "opened-to-closed,Opened to closed (archived),1,172800,172800,48.00,48.00",
    };

    g_assert_cmpuint (times->len, ==, 1 + G_N_ELEMENTS (expected));
    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        g_autofree char *row = g_strjoinv (",", g_ptr_array_index (times, i + 1));

        g_assert_cmpstr (row, ==, expected[i]);
      }
  }
  {
    g_autoptr(GPtrArray) steps = table_records (figures, VIGIL_FIGURES_TABLE_STEPS,
                                                "step,name,phase,open");

    g_assert_cmpuint (steps->len, ==, 1 + VIGIL_N_STEPS);
    for (guint step = 1; step <= VIGIL_N_STEPS; step++)
      {
        char **row = g_ptr_array_index (steps, step);
        g_autofree char *number = g_strdup_printf ("%u", step);
        g_autofree char *open = g_strdup_printf ("%u", expected_steps[step]);

        g_assert_cmpstr (row[0], ==, number);
        g_assert_cmpstr (row[1], ==, vigil_step_get_name (vigil_process_get_step (step)));
        g_assert_cmpstr (row[3], ==, open);
      }
    g_assert_cmpstr (((char **) g_ptr_array_index (steps, 12))[1], ==,
                     "Conduct post-incident review");
    g_assert_cmpstr (((char **) g_ptr_array_index (steps, 12))[2], ==, "Learn and close");
  }
  {
    g_autoptr(GPtrArray) severity = table_records (figures, VIGIL_FIGURES_TABLE_SEVERITY,
                                                   "severity,label,open");
    char **last = g_ptr_array_index (severity, severity->len - 1);

    g_assert_cmpstr (last[0], ==, "");
    g_assert_cmpstr (last[1], ==, "Not assessed");
    g_assert_cmpstr (last[2], ==, "2");
  }

  g_object_unref (a);
  g_object_unref (b);
  g_object_unref (c);
  g_object_unref (d);
  g_object_unref (e);
}

/* Weeks start on Monday 00:00 in the time zone of "now"; the oldest of the
 * twelve is ISO week 1 of 2025, which begins on 30 December 2024. */
static void
test_figures_weeks (Fixture       *f,
                    gconstpointer  data)
{
  const char *creations[] = {
    "2024-12-29T23:59:59Z",   /* Sunday before the first week: outside */
    "2024-12-30T00:00:00Z",   /* 2025-W01 */
    "2025-03-16T23:59:59Z",   /* 2025-W11, last second */
    "2025-03-17T00:00:00Z",   /* 2025-W12, first second */
    "2025-03-19T11:00:00Z",   /* 2025-W12 */
  };
  VigilIncident *incidents[G_N_ELEMENTS (creations)];
  g_autoptr(VigilFigures) figures = NULL;
  g_autoptr(VigilFigures) shifted = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GTimeZone) plus_one = g_time_zone_new_offset (3600);
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (creations); i++)
    {
      g_autofree char *fields = g_strdup_printf ("'type':'malware','severity':'low',"
                                                 "'aware_at':'%s'", creations[i]);

      incidents[i] = create_approved (f, creations[i], creations[i], creations[i], fields);
    }
  /* the first is closed in W01; the third on the last second of W11 */
  move (f, &incidents[0], "2024-12-30T10:00:00Z", 15);
  move (f, &incidents[2], "2025-03-16T23:59:59Z", 15);

  figures = compute (f, "2025-03-19T12:00:00Z");
  {
    g_autoptr(GPtrArray) weeks = table_records (figures, VIGIL_FIGURES_TABLE_WEEKS,
                                                "week,starts,opened,closed");

    g_assert_cmpuint (weeks->len, ==, 1 + VIGIL_FIGURES_N_WEEKS);
    for (guint i = 0; i < VIGIL_FIGURES_N_WEEKS; i++)
      {
        char **row = g_ptr_array_index (weeks, i + 1);
        g_autofree char *name = g_strdup_printf ("2025-W%02u", i + 1);
        const char *opened = "0";
        const char *closed = "0";

        g_assert_cmpint (figures->weeks[i].iso_year, ==, 2025);
        g_assert_cmpuint (figures->weeks[i].iso_week, ==, i + 1);
        g_assert_cmpstr (row[0], ==, name);
        if (i == 0)
          opened = "1", closed = "1";
        else if (i == 10)
          opened = "1", closed = "1";
        else if (i == 11)
          opened = "2";
        g_assert_cmpstr (row[2], ==, opened);
        g_assert_cmpstr (row[3], ==, closed);
      }
    g_assert_cmpstr (((char **) g_ptr_array_index (weeks, 1))[1], ==, "2024-12-30");
    g_assert_cmpstr (((char **) g_ptr_array_index (weeks, 12))[1], ==, "2025-03-17");
  }
  assert_time (figures->weeks[0].start, "2024-12-30T00:00:00Z");
  assert_time (figures->weeks[11].start, "2025-03-17T00:00:00Z");

  /* At UTC+1 the weeks begin an hour earlier in UTC: Sunday 23:59:59 UTC is
   * already Monday there, and the first creation now falls inside. */
  now = g_date_time_new (plus_one, 2025, 3, 19, 13, 0, 0);
  all = vigil_store_list_incidents (f->store, &error);
  g_assert_no_error (error);
  log = list_log (f, NULL);
  shifted = vigil_figures_compute (all, log, now);
  assert_time (shifted->weeks[11].start, "2025-03-16T23:00:00Z");
  g_assert_cmpuint (shifted->weeks[0].opened, ==, 2);
  g_assert_cmpuint (shifted->weeks[0].closed, ==, 1);
  g_assert_cmpuint (shifted->weeks[10].opened, ==, 0);
  g_assert_cmpuint (shifted->weeks[10].closed, ==, 0);
  g_assert_cmpuint (shifted->weeks[11].opened, ==, 3);
  g_assert_cmpuint (shifted->weeks[11].closed, ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (creations); i++)
    g_object_unref (incidents[i]);
}

static void
test_csv_quoting (Fixture       *f,
                  gconstpointer  data)
{
  VigilIncident *incident;
  g_autoptr(VigilFigures) figures = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *expected = NULL;
  char **row;

  incident = create (f, "2025-03-03T09:00:00Z", "Invoice, \\\"urgent\\\"\\r\\nsecond line",
                     "'type':'phishing','severity':'medium',"
                     "'detected_at':'2025-03-03T08:00:00Z','aware_at':'2025-03-03T08:30:00Z'");
  g_assert_cmpstr (vigil_incident_get_title (incident), ==,
                   "Invoice, \"urgent\"\r\nsecond line");
  figures = compute (f, "2025-03-05T12:00:00Z");

  csv = vigil_figures_to_csv (figures, VIGIL_FIGURES_TABLE_INCIDENTS);
  expected = g_strdup_printf ("reference,title,type,severity,step,phase,opened_at,detected_at,"
                              "aware_at,submitted_at,approved_at,remediated_at,closed_at\r\n"
                              "%s,\"Invoice, \"\"urgent\"\"\r\nsecond line\",phishing,medium,1,"
                              "detect,2025-03-03T09:00:00Z,2025-03-03T08:00:00Z,"
                              "2025-03-03T08:30:00Z,,,,\r\n",
                              vigil_incident_get_reference (incident));
  g_assert_cmpstr (csv, ==, expected);

  rows = table_records (figures, VIGIL_FIGURES_TABLE_INCIDENTS,
                        "reference,title,type,severity,step,phase,opened_at,detected_at,"
                        "aware_at,submitted_at,approved_at,remediated_at,closed_at");
  g_assert_cmpuint (rows->len, ==, 2);
  row = g_ptr_array_index (rows, 1);
  g_assert_cmpstr (row[1], ==, "Invoice, \"urgent\"\r\nsecond line");

  g_object_unref (incident);
}

static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(VigilFigures) figures = compute (f, "2025-03-05T12:00:00Z");
  g_autofree char *times = NULL;
  g_autofree char *incidents = NULL;

  g_assert_cmpuint (figures->n_incidents, ==, 0);
  g_assert_cmpuint (figures->n_open, ==, 0);
  g_assert_cmpuint (figures->timelines->len, ==, 0);
  for (guint k = 0; k < VIGIL_N_SPANS; k++)
    {
      g_assert_cmpuint (figures->spans[k].n, ==, 0);
      g_assert_cmpfloat (figures->spans[k].mean_seconds, ==, 0);
    }
  for (guint i = 0; i < VIGIL_FIGURES_N_WEEKS; i++)
    {
      g_assert_cmpuint (figures->weeks[i].opened, ==, 0);
      g_assert_cmpuint (figures->weeks[i].closed, ==, 0);
    }

  /* no value is an empty field, not a zero */
  times = vigil_figures_to_csv (figures, VIGIL_FIGURES_TABLE_TIMES);
  g_assert_cmpstr (times, ==,
                   "measure,label,incidents,mean_seconds,median_seconds,mean_hours,"
                   "median_hours\r\n"
                   "detection-to-awareness,Detection to awareness,0,,,,\r\n"
                   "awareness-to-approval,Awareness to approval,0,,,,\r\n"
                   "awareness-to-remediated,Awareness to remediation (step 12 reached),0,,,,\r\n"
                   "opened-to-closed,Opened to closed (archived),0,,,,\r\n");
  incidents = vigil_figures_to_csv (figures, VIGIL_FIGURES_TABLE_INCIDENTS);
  g_assert_cmpstr (incidents, ==,
                   "reference,title,type,severity,step,phase,opened_at,detected_at,aware_at,"
                   "submitted_at,approved_at,remediated_at,closed_at\r\n");

  for (guint t = 0; t < VIGIL_N_FIGURES_TABLES; t++)
    {
      g_autofree char *csv = vigil_figures_to_csv (figures, t);
      g_autoptr(GPtrArray) records = parse_csv (csv);

      g_assert_nonnull (vigil_figures_table_get_id (t));
      g_assert_cmpuint (records->len, >=, 1);
    }
}

static void
on_computed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  VigilFigures **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = vigil_figures_compute_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  VigilIncident *incident;
  g_autoptr(GDateTime) now = vigil_time_from_iso ("2025-03-05T12:00:00Z");
  g_autoptr(VigilFigures) figures = NULL;

  incident = create (f, "2025-03-03T09:00:00Z", "Async", "'type':'malware'");
  move (f, &incident, "2025-03-03T10:00:00Z", 3);

  vigil_figures_compute_async (f->store, now, NULL, on_computed_cb, &figures);
  while (figures == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (figures->n_open, ==, 1);
  g_assert_cmpuint (figures->open_per_step[3], ==, 1);
  assert_intervals (((VigilIncidentTimeline *) g_ptr_array_index (figures->timelines, 0))->steps,
                    (const char *[]) {
                      "1 2025-03-03T09:00:00Z 2025-03-03T10:00:00Z",
                      "3 2025-03-03T10:00:00Z -",
                      NULL });

  g_object_unref (incident);
}

/* DORA report deadlines */

static void
test_deadline_state (Fixture       *f,
                     gconstpointer  data)
{
  static const struct {
    const char         *due;
    const char         *submitted;
    const char         *now;
    VigilDeadlineState  state;
  } cases[] = {
    { "2025-03-03T14:00:00Z", "2025-03-03T13:00:00Z", "2025-03-03T13:30:00Z", VIGIL_DEADLINE_MET },
    /* at the limit itself is on time */
    { "2025-03-03T14:00:00Z", "2025-03-03T14:00:00Z", "2025-03-09T00:00:00Z", VIGIL_DEADLINE_MET },
    { "2025-03-03T14:00:00Z", "2025-03-03T14:00:01Z", "2025-03-09T00:00:00Z", VIGIL_DEADLINE_MISSED },
    { "2025-03-03T14:00:00Z", NULL, "2025-03-03T13:59:59Z", VIGIL_DEADLINE_PENDING },
    { "2025-03-03T14:00:00Z", NULL, "2025-03-03T14:00:00Z", VIGIL_DEADLINE_PENDING },
    { "2025-03-03T14:00:00Z", NULL, "2025-03-03T14:00:01Z", VIGIL_DEADLINE_MISSED },
    /* met stays met, however late it is now */
    { "2025-03-03T14:00:00Z", "2025-03-03T09:00:00Z", "2026-01-01T00:00:00Z", VIGIL_DEADLINE_MET },
    /* a submission late by its own time is late, even with a clock behind */
    { "2025-03-03T14:00:00Z", "2025-03-03T15:00:00Z", "2025-03-03T12:00:00Z", VIGIL_DEADLINE_MISSED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) due = vigil_time_from_iso (cases[i].due);
      g_autoptr(GDateTime) submitted = cases[i].submitted ? vigil_time_from_iso (cases[i].submitted)
                                                          : NULL;
      g_autoptr(GDateTime) now = vigil_time_from_iso (cases[i].now);

      g_test_message ("case %u", i);
      g_assert_cmpint (vigil_deadline_state_at (due, submitted, now), ==, cases[i].state);
    }
  g_assert_cmpstr (vigil_deadline_state_to_string (VIGIL_DEADLINE_PENDING), ==, "pending");
  g_assert_cmpstr (vigil_deadline_state_to_string (VIGIL_DEADLINE_MET), ==, "met");
  g_assert_cmpstr (vigil_deadline_state_to_string (VIGIL_DEADLINE_MISSED), ==, "missed");
}

#define DORA_MAJOR "{'critical_services':{'malicious_access':true},'data_losses':{'intrusion':true}}"
#define DORA_MINOR "{'critical_services':{'cif':true}}"

/* "initial:met@2025-03-03T14:00:00Z" for each deadline, joined by spaces */
static char *
describe_deadlines (VigilIncident *incident,
                    const char    *now_iso)
{
  static const char * const kinds[] = { "initial", "intermediate", "final" };
  g_autoptr(GDateTime) now = vigil_time_from_iso (now_iso);
  g_autoptr(GArray) deadlines = vigil_figures_list_report_deadlines (incident, NULL, NULL, now);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < deadlines->len; i++)
    {
      VigilReportDeadline *deadline = &g_array_index (deadlines, VigilReportDeadline, i);
      g_autofree char *due = vigil_time_to_iso (deadline->due);

      g_string_append_printf (text, "%s%s:%s@%s", i > 0 ? " " : "", kinds[deadline->kind],
                              vigil_deadline_state_to_string (deadline->state), due);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Aware on Monday 3 March 2025, 09:00 UTC; operations in order, each
 * "kind at payload"; then the deadlines as seen at each "now". The default
 * profile is a German credit institution: no weekend relief for the first
 * two reports, relief for the final one. */
static void
test_report_deadlines (Fixture       *f,
                       gconstpointer  data)
{
  static const struct {
    const char *ops[5][3];
    const char *now;
    const char *expected;
  } cases[] = {
    /* no DORA record: nothing */
    { { { NULL } }, "2025-03-05T12:00:00Z", "" },
    /* classified, not major: nothing owed */
    { { { "dora.classify", "2025-03-03T10:00:00Z", "{'criteria':" DORA_MINOR "}" } },
      "2025-03-05T12:00:00Z", "" },
    /* major at 10:00: the initial report within 4 hours */
    { { { "dora.classify", "2025-03-03T10:00:00Z", "{'criteria':" DORA_MAJOR "}" } },
      "2025-03-03T12:00:00Z", "initial:pending@2025-03-03T14:00:00Z" },
    { { { "dora.classify", "2025-03-03T10:00:00Z", "{'criteria':" DORA_MAJOR "}" } },
      "2025-03-03T14:00:01Z", "initial:missed@2025-03-03T14:00:00Z" },
    /* on time, then the intermediate report runs 72 hours from it */
    { { { "dora.classify", "2025-03-03T10:00:00Z", "{'criteria':" DORA_MAJOR "}" },
        { "dora.report_submitted", "2025-03-03T13:00:00Z",
          "{'report':'initial','at':'2025-03-03T13:00:00Z','authority':'BaFin'}" } },
      "2025-03-04T12:00:00Z",
      "initial:met@2025-03-03T14:00:00Z intermediate:pending@2025-03-06T13:00:00Z" },
    /* the initial report late: missed for good */
    { { { "dora.classify", "2025-03-03T10:00:00Z", "{'criteria':" DORA_MAJOR "}" },
        { "dora.report_submitted", "2025-03-03T16:00:00Z",
          "{'report':'initial','at':'2025-03-03T16:00:00Z','authority':'BaFin'}" } },
      "2025-03-04T12:00:00Z",
      "initial:missed@2025-03-03T14:00:00Z intermediate:pending@2025-03-06T16:00:00Z" },
    /* the intermediate report two hours late; the final one is due a
     * month after it, on Sunday 6 April, relieved to Monday noon in Berlin */
    { { { "dora.classify", "2025-03-03T10:00:00Z", "{'criteria':" DORA_MAJOR "}" },
        { "dora.report_submitted", "2025-03-03T13:00:00Z",
          "{'report':'initial','at':'2025-03-03T13:00:00Z','authority':'BaFin'}" },
        { "dora.report_submitted", "2025-03-06T15:00:00Z",
          "{'report':'intermediate','at':'2025-03-06T15:00:00Z','authority':'BaFin'}" } },
      "2025-03-10T12:00:00Z",
      "initial:met@2025-03-03T14:00:00Z intermediate:missed@2025-03-06T13:00:00Z "
      "final:pending@2025-04-07T10:00:00Z" },
    /* the final report in time: every deadline judged (the month after
     * the intermediate report ends on Saturday 5 April: relieved too) */
    { { { "dora.classify", "2025-03-03T10:00:00Z", "{'criteria':" DORA_MAJOR "}" },
        { "dora.report_submitted", "2025-03-03T13:00:00Z",
          "{'report':'initial','at':'2025-03-03T13:00:00Z','authority':'BaFin'}" },
        { "dora.report_submitted", "2025-03-05T15:00:00Z",
          "{'report':'intermediate','at':'2025-03-05T15:00:00Z','authority':'BaFin'}" },
        { "dora.report_submitted", "2025-04-01T09:00:00Z",
          "{'report':'final','at':'2025-04-01T09:00:00Z','authority':'BaFin'}" } },
      "2025-06-01T12:00:00Z",
      "initial:met@2025-03-03T14:00:00Z intermediate:met@2025-03-06T13:00:00Z "
      "final:met@2025-04-07T10:00:00Z" },
    /* reclassified as non-major after the initial report: no further clock */
    { { { "dora.classify", "2025-03-03T10:00:00Z", "{'criteria':" DORA_MAJOR "}" },
        { "dora.report_submitted", "2025-03-03T13:00:00Z",
          "{'report':'initial','at':'2025-03-03T13:00:00Z','authority':'BaFin'}" },
        { "dora.classify", "2025-03-04T10:00:00Z", "{'criteria':" DORA_MINOR "}" } },
      "2025-03-10T12:00:00Z", "initial:met@2025-03-03T14:00:00Z" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      VigilIncident *incident;
      g_autofree char *text = NULL;

      g_test_message ("case %u", i);
      incident = create (f, "2025-03-03T09:05:00Z", "Payments down",
                         "'type':'malware','detected_at':'2025-03-03T09:00:00Z',"
                         "'aware_at':'2025-03-03T09:00:00Z'");
      for (guint j = 0; j < G_N_ELEMENTS (cases[i].ops) && cases[i].ops[j][0] != NULL; j++)
        apply (f, &incident, cases[i].ops[j][0], ANALYST, cases[i].ops[j][1], cases[i].ops[j][2]);
      text = describe_deadlines (incident, cases[i].now);
      g_assert_cmpstr (text, ==, cases[i].expected);
      g_object_unref (incident);
    }
}

/* The dashboard's DORA figures: one incident per case, all computed
 * together on 10 April 2025, 12:00 UTC. Each case lists its report
 * deadlines as the figures keep them ("kind:state", with "!overdue" or
 * "!late") and whether it counts among the open majors. */
static void
test_dora_figures (Fixture       *f,
                   gconstpointer  data)
{
#define AWARE "'type':'malware','severity':'high','detected_at':'2025-03-03T09:00:00Z','aware_at':'2025-03-03T09:00:00Z'"
#define INITIAL(at) { "dora.report_submitted", at, \
                      "{'report':'initial','at':'" at "','authority':'BaFin'}" }
#define INTERMEDIATE(at) { "dora.report_submitted", at, \
                           "{'report':'intermediate','at':'" at "','authority':'BaFin'}" }
#define FINAL(at) { "dora.report_submitted", at, \
                    "{'report':'final','at':'" at "','authority':'BaFin'}" }
#define MAJOR(at) { "dora.classify", at, "{'criteria':" DORA_MAJOR "}" }
  static const struct {
    const char *title;
    const char *fields;
    gboolean    archived;
    const char *created;
    const char *ops[5][3];
    const char *expected;
    gboolean    major;
  } cases[] = {
    { "Overdue", AWARE, FALSE, NULL, { MAJOR ("2025-03-03T10:00:00Z") },
      "initial:missed!overdue", TRUE },
    { "Late", AWARE, FALSE, NULL,
      { MAJOR ("2025-03-03T10:00:00Z"), INITIAL ("2025-03-03T16:00:00Z") },
      "initial:missed!late intermediate:missed!overdue", TRUE },
    { "On time, then overdue", AWARE, FALSE, NULL,
      { MAJOR ("2025-03-03T10:00:00Z"), INITIAL ("2025-03-03T13:00:00Z") },
      "initial:met intermediate:missed!overdue", TRUE },
    { "Minor", AWARE, FALSE, NULL, { { "dora.classify", "2025-03-03T10:00:00Z",
                                 "{'criteria':" DORA_MINOR "}" } },
      "", FALSE },
    /* no longer major: not among the majors, its report still counted */
    { "Reclassified", AWARE, FALSE, NULL,
      { MAJOR ("2025-03-03T10:00:00Z"), INITIAL ("2025-03-03T13:00:00Z"),
        { "dora.classify", "2025-03-04T10:00:00Z", "{'criteria':" DORA_MINOR "}" } },
      "initial:met", FALSE },
    /* closed, and the initial report still owed: overdue all the same */
    { "Archived", AWARE, TRUE, NULL, { MAJOR ("2025-03-03T10:00:00Z") },
      "initial:missed!overdue", FALSE },
    /* aware this morning: the initial report is due at 14:00 */
    { "Pending", "'type':'malware','aware_at':'2025-04-10T09:00:00Z'", FALSE,
      "2025-04-10T09:05:00Z",
      { MAJOR ("2025-04-10T10:00:00Z") },
      "initial:pending", TRUE },
    /* every report in time: major, and no deadline running */
    { "All filed", AWARE, FALSE, NULL,
      { MAJOR ("2025-03-03T10:00:00Z"), INITIAL ("2025-03-03T13:00:00Z"),
        INTERMEDIATE ("2025-03-05T15:00:00Z"), FINAL ("2025-04-01T09:00:00Z") },
      "initial:met intermediate:met final:met", TRUE },
  };
#undef AWARE
#undef INITIAL
#undef INTERMEDIATE
#undef FINAL
#undef MAJOR
  g_autoptr(VigilFigures) figures = NULL;
  g_autoptr(GPtrArray) dora = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  guint n_reports = 0;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      VigilIncident *incident;

      incident = create (f, cases[i].created ? cases[i].created : "2025-03-03T09:05:00Z",
                         cases[i].title, cases[i].fields);
      if (cases[i].archived)
        {
          fill_for_approval (f, &incident, "2025-03-03T09:10:00Z");
          submit (f, &incident, "2025-03-03T09:30:00Z");
          decide (f, &incident, "2025-03-03T09:40:00Z", TRUE);
        }
      for (guint j = 0; j < G_N_ELEMENTS (cases[i].ops) && cases[i].ops[j][0] != NULL; j++)
        apply (f, &incident, cases[i].ops[j][0], ANALYST, cases[i].ops[j][1], cases[i].ops[j][2]);
      if (cases[i].archived)
        move (f, &incident, "2025-03-04T09:00:00Z", 15);
      g_object_unref (incident);
    }

  figures = compute (f, "2025-04-10T12:00:00Z");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) got = g_string_new (NULL);
      gboolean major = FALSE;

      g_test_message ("case %u: %s", i, cases[i].title);
      for (guint j = 0; j < figures->reports->len; j++)
        {
          VigilFiguresReport *report = &g_array_index (figures->reports, VigilFiguresReport, j);

          if (!g_str_equal (vigil_incident_get_title (report->incident), cases[i].title))
            continue;
          g_string_append_printf (got, "%s%s:%s%s", got->len ? " " : "",
                                  vigil_figures_report_kind_to_string (report->kind),
                                  vigil_deadline_state_to_string (report->state),
                                  vigil_figures_report_is_overdue (report) ? "!overdue"
                                  : vigil_figures_report_is_late (report) ? "!late" : "");
          n_reports++;
        }
      g_assert_cmpstr (got->str, ==, cases[i].expected);
      for (guint j = 0; j < figures->majors->len; j++)
        major |= g_str_equal (vigil_incident_get_title (g_ptr_array_index (figures->majors, j)),
                              cases[i].title);
      g_assert_cmpint (major, ==, cases[i].major);
    }
  g_assert_cmpuint (figures->reports->len, ==, n_reports);
  g_assert_cmpuint (figures->majors->len, ==, 5);
  g_assert_cmpuint (figures->n_majors_running, ==, 4);
  g_assert_cmpuint (figures->n_overdue, ==, 4);
  g_assert_cmpuint (figures->n_late, ==, 1);

  /* the same through the CSV */
  dora = table_records (figures, VIGIL_FIGURES_TABLE_DORA, "measure,label,count");
  g_assert_cmpuint (dora->len, ==, 5);
  {
    static const char * const expected[][2] = {
      { "majors", "5" }, { "majors-deadline-running", "4" },
      { "overdue-reports", "4" }, { "late-reports", "1" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        char **record = g_ptr_array_index (dora, i + 1);

        g_assert_cmpstr (record[0], ==, expected[i][0]);
        g_assert_cmpstr (record[2], ==, expected[i][1]);
      }
  }
  reports = table_records (figures, VIGIL_FIGURES_TABLE_REPORTS,
                           "reference,title,report,state,overdue,late,due,submitted_at");
  g_assert_cmpuint (reports->len, ==, n_reports + 1);
  for (guint i = 1; i < reports->len; i++)
    {
      char **record = g_ptr_array_index (reports, i);

      if (g_str_equal (record[1], "Late") && g_str_equal (record[2], "initial"))
        {
          g_assert_cmpstr (record[3], ==, "missed");
          g_assert_cmpstr (record[4], ==, "0");
          g_assert_cmpstr (record[5], ==, "1");
          g_assert_cmpstr (record[6], ==, "2025-03-03T14:00:00Z");
          g_assert_cmpstr (record[7], ==, "2025-03-03T16:00:00Z");
        }
      if (g_str_equal (record[1], "Overdue"))
        {
          g_assert_cmpstr (record[4], ==, "1");
          g_assert_cmpstr (record[5], ==, "0");
          g_assert_cmpstr (record[7], ==, "");
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/vigil/figures/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("timeline/full", test_timeline_full);
  ADD ("timeline/open", test_timeline_open);
  ADD ("timeline/partial", test_timeline_partial);
  ADD ("timeline/clock-skew", test_timeline_clock_skew);
  ADD ("figures/counts-and-means", test_figures_counts_and_means);
  ADD ("figures/weeks", test_figures_weeks);
  ADD ("figures/async", test_async);
  ADD ("csv/quoting", test_csv_quoting);
  ADD ("csv/empty", test_empty);
  ADD ("deadlines/state", test_deadline_state);
  ADD ("deadlines/reports", test_report_deadlines);
  ADD ("deadlines/dora-figures", test_dora_figures);

#undef ADD

  return g_test_run ();
}
