/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>
#include <glib/gstdio.h>

#include "test-core-util.h"

/* An incident of a credit institution found major, whose intermediate
 * report went in on 25 November 2026: the final report is due one month
 * later, on Friday 25 December 2026 at 10:00 UTC. */
#define MAJOR_INCIDENT \
  "{\"id\":\"inc-1\",\"revision\":4,\"step\":6," \
  "\"aware_at\":\"2026-11-20T08:00:00Z\"," \
  "\"dora\":{\"criteria\":{},\"classified_at\":\"2026-11-20T09:00:00Z\"," \
  "\"result\":{\"major\":true,\"computed_at\":\"2026-11-20T09:00:00Z\"}," \
  "\"reports\":[" \
  "{\"report\":\"initial\",\"at\":\"2026-11-20T12:00:00Z\",\"authority\":\"BaFin\"}," \
  "{\"report\":\"intermediate\",\"at\":\"2026-11-25T10:00:00Z\",\"authority\":\"BaFin\"}]}}"

static void
assert_time (GDateTime  *when,
             const char *expected)
{
  g_autofree char *text = vigil_time_to_iso (when);

  g_assert_cmpstr (text, ==, expected);
}

static VigilDoraDeadline *
final_deadline (VigilIncident *incident)
{
  g_autoptr(GPtrArray) deadlines = vigil_incident_compute_dora_deadlines (incident, NULL, NULL);

  for (guint i = 0; i < deadlines->len; i++)
    {
      VigilDoraDeadline *deadline = g_ptr_array_index (deadlines, i);

      if (deadline->kind == VIGIL_DORA_REPORT_FINAL)
        return g_ptr_array_steal_index (deadlines, i);
    }
  g_assert_not_reached ();
}

static void
assert_invalid (const char *doc,
                GQuark      domain,
                int         code,
                const char *named)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilDoraProfile) profile = vigil_dora_profile_new_from_data (doc, -1, &error);

  g_assert_null (profile);
  g_assert_error (error, domain, code);
  if (named != NULL && strstr (error->message, named) == NULL)
    g_error ("“%s” does not name %s", error->message, named);
}

static void
test_codec (void)
{
  g_autoptr(VigilDoraProfile) builtin = vigil_dora_profile_new_default ();
  g_autoptr(VigilDoraProfile) back = NULL;
  g_autoptr(VigilDoraProfile) made = NULL;
  g_autoptr(VigilDoraProfile) parsed = NULL;
  g_autoptr(VigilCalendar) calendar = vigil_calendar_new ();
  g_autoptr(GDateTime) christmas = g_date_time_new_utc (2026, 12, 25, 0, 0, 0);
  g_autoptr(GDateTime) withdrawn = g_date_time_new_utc (2026, 3, 1, 9, 0, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) de = NULL;
  g_auto(GStrv) states = NULL;
  g_autofree char *text = NULL;
  const VigilDoraEntity *entity;

  /* The default: a credit institution in Germany, with public holidays. */
  g_assert_cmpuint (vigil_dora_profile_get_types (builtin), ==, VIGIL_DORA_ENTITY_CREDIT_INSTITUTION);
  g_assert_cmpstr (vigil_dora_profile_get_member_state (builtin), ==, "DE");
  g_assert_null (vigil_dora_profile_get_relief_withdrawn_at (builtin));
  entity = vigil_dora_profile_get_entity (builtin);
  g_assert_cmpstr (entity->time_zone, ==, "Europe/Berlin");
  g_assert_true (vigil_calendar_is_holiday (vigil_dora_profile_get_calendar (builtin), "DE", christmas));
  {
    g_autoptr(VigilCalendar) holidays = vigil_dora_profile_dup_builtin_holidays ();

    states = vigil_calendar_dup_states (holidays);
    g_assert_cmpuint (g_strv_length (states), ==, 5);
    g_assert_cmpstr (states[0], ==, "DE");
    de = vigil_calendar_dup_holidays (holidays, "DE");
    /* Nine nationwide public holidays a year, 2025 to 2027. */
    g_assert_cmpuint (de->len, ==, 27);
  }

  /* Round trip. */
  text = vigil_dora_profile_to_data (builtin);
  back = vigil_dora_profile_new_from_data (text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_dora_profile_equal (builtin, back));

  g_assert_true (vigil_calendar_add_holiday (calendar, "FR", christmas));
  made = vigil_dora_profile_new (VIGIL_DORA_ENTITY_PAYMENT_INSTITUTION |
                                 VIGIL_DORA_ENTITY_INVESTMENT_FIRM,
                                 "FR", withdrawn, calendar);
  g_assert_nonnull (made);
  g_assert_false (vigil_dora_profile_equal (builtin, made));
  g_clear_pointer (&text, g_free);
  text = vigil_dora_profile_to_data (made);
  g_assert_cmpstr (text, ==,
                   "{\"entity_types\":[\"payment_institution\",\"investment_firm\"],"
                   "\"member_state\":\"FR\",\"relief_withdrawn_at\":\"2026-03-01T09:00:00Z\","
                   "\"holidays\":{\"FR\":[\"2026-12-25\"]}}");
  parsed = vigil_dora_profile_new_from_data (text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_dora_profile_equal (made, parsed));
  g_assert_cmpstr (vigil_dora_profile_get_entity (parsed)->time_zone, ==, "Europe/Paris");
  g_assert_true (g_date_time_equal (vigil_dora_profile_get_relief_withdrawn_at (parsed), withdrawn));
  /* The profile keeps its own copy of the holidays. */
  vigil_calendar_clear_state (calendar, "FR");
  g_assert_true (vigil_calendar_is_holiday (vigil_dora_profile_get_calendar (made), "FR", christmas));

  /* Wrong values are refused, naming the member. */
  g_assert_null (vigil_dora_profile_new (0, "DE", NULL, NULL));
  g_assert_null (vigil_dora_profile_new (VIGIL_DORA_ENTITY_CCP, "US", NULL, NULL));
  assert_invalid ("[1]", VIGIL_DORA_PROFILE_ERROR, VIGIL_DORA_PROFILE_ERROR_PARSE, NULL);
  assert_invalid ("{", VIGIL_DORA_PROFILE_ERROR, VIGIL_DORA_PROFILE_ERROR_PARSE, NULL);
  assert_invalid ("{\"entity_types\":[\"bank\"],\"member_state\":\"DE\",\"holidays\":{}}",
                  VIGIL_DORA_PROFILE_ERROR, VIGIL_DORA_PROFILE_ERROR_INVALID_FIELD, "entity_types");
  assert_invalid ("{\"entity_types\":[],\"member_state\":\"DE\",\"holidays\":{}}",
                  VIGIL_DORA_PROFILE_ERROR, VIGIL_DORA_PROFILE_ERROR_INVALID_FIELD, "entity_types");
  assert_invalid ("{\"entity_types\":[\"central_counterparty\"],\"member_state\":\"US\",\"holidays\":{}}",
                  VIGIL_DORA_PROFILE_ERROR, VIGIL_DORA_PROFILE_ERROR_INVALID_FIELD, "member_state");
  assert_invalid ("{\"entity_types\":[\"central_counterparty\"],\"holidays\":{}}",
                  VIGIL_DORA_PROFILE_ERROR, VIGIL_DORA_PROFILE_ERROR_INVALID_FIELD, "member_state");
  assert_invalid ("{\"entity_types\":[\"central_counterparty\"],\"member_state\":\"DE\"}",
                  VIGIL_DORA_PROFILE_ERROR, VIGIL_DORA_PROFILE_ERROR_INVALID_FIELD, "holidays");
  assert_invalid ("{\"entity_types\":[\"central_counterparty\"],\"member_state\":\"DE\","
                  "\"holidays\":{\"DE\":[\"2026-02-30\"]}}",
                  VIGIL_DORA_PROFILE_ERROR, VIGIL_DORA_PROFILE_ERROR_INVALID_FIELD, "holidays");
  assert_invalid ("{\"entity_types\":[\"central_counterparty\"],\"member_state\":\"DE\","
                  "\"relief_withdrawn_at\":\"soon\",\"holidays\":{}}",
                  VIGIL_DORA_PROFILE_ERROR, VIGIL_DORA_PROFILE_ERROR_INVALID_FIELD,
                  "relief_withdrawn_at");
  assert_invalid ("{\"entity_types\":[\"central_counterparty\"],\"member_state\":\"DE\",\"holidays\":{},"
                  "\"nis2\":true}",
                  VIGIL_DORA_PROFILE_ERROR, VIGIL_DORA_PROFILE_ERROR_INVALID_FIELD, "nis2");
}

typedef struct {
  char       *dir;
  VigilStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("vigil-profile-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "vigil.db", NULL);
  f->store = vigil_store_open (path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  vigil_dora_profile_set_default (NULL);
  test_core_remove_tree (f->dir);
  g_free (f->dir);
}

/* Christmas Day is a German public holiday: the relieved final report
 * moves to noon, Berlin time, of the next working day, Monday the 28th. */
static void
test_holiday_moves_final_report (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) incident = vigil_incident_new_from_string (MAJOR_INCIDENT, &error);
  g_autoptr(VigilDoraDeadline) deadline = NULL;

  g_assert_no_error (error);
  vigil_store_publish_dora_profile (f->store);

  deadline = final_deadline (incident);
  assert_time (deadline->legal_due, "2026-12-25T10:00:00Z");
  g_assert_true (deadline->relief_applies);
  assert_time (deadline->relieved_due, "2026-12-28T11:00:00Z");
}

/* Deadlines follow the published store's profile as soon as it changes. */
static void
test_profile_change (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) incident = vigil_incident_new_from_string (MAJOR_INCIDENT, &error);
  g_autoptr(VigilDoraDeadline) before = NULL;
  g_autoptr(VigilDoraDeadline) after = NULL;
  g_autoptr(VigilDoraDeadline) unpublished = NULL;
  g_autoptr(VigilDoraProfile) no_holidays = NULL;
  g_autoptr(VigilDoraProfile) stored = NULL;
  g_autoptr(VigilDoraProfile) other_profile = NULL;
  g_autoptr(VigilStore) other = NULL;
  g_autofree char *other_path = g_build_filename (f->dir, "other.db", NULL);

  g_assert_no_error (error);
  vigil_store_publish_dora_profile (f->store);
  before = final_deadline (incident);
  assert_time (before->relieved_due, "2026-12-28T11:00:00Z");

  /* Without bank holidays, Friday the 25th is a working day. */
  no_holidays = vigil_dora_profile_new (VIGIL_DORA_ENTITY_CREDIT_INSTITUTION, "DE", NULL, NULL);
  g_assert_true (vigil_store_set_dora_profile (f->store, no_holidays, &error));
  g_assert_no_error (error);
  after = final_deadline (incident);
  assert_time (after->relieved_due, "2026-12-25T10:00:00Z");

  /* Kept in the store. */
  stored = vigil_store_dup_dora_profile (f->store);
  g_assert_true (vigil_dora_profile_equal (stored, no_holidays));

  /* Another store's profile does not count for the process. */
  other = vigil_store_open (other_path, &error);
  g_assert_no_error (error);
  other_profile = vigil_dora_profile_new_default ();
  g_assert_true (vigil_store_set_dora_profile (other, other_profile, &error));
  unpublished = final_deadline (incident);
  assert_time (unpublished->relieved_due, "2026-12-25T10:00:00Z");
}

/* Figures run in worker threads while the profile changes. */
static gpointer
compute_many (gpointer data)
{
  VigilIncident *incident = data;

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(VigilDoraDeadline) deadline = final_deadline (incident);
      g_autofree char *text = vigil_time_to_iso (deadline->relieved_due);

      g_assert_true (g_str_equal (text, "2026-12-25T10:00:00Z") ||
                     g_str_equal (text, "2026-12-28T11:00:00Z"));
    }
  return NULL;
}

static void
test_threads (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) incident = vigil_incident_new_from_string (MAJOR_INCIDENT, &error);
  g_autoptr(VigilDoraProfile) builtin = vigil_dora_profile_new_default ();
  g_autoptr(VigilDoraProfile) bare = vigil_dora_profile_new (VIGIL_DORA_ENTITY_CREDIT_INSTITUTION,
                                                             "DE", NULL, NULL);
  GThread *threads[2];

  g_assert_no_error (error);
  vigil_store_publish_dora_profile (f->store);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("deadlines", compute_many, incident);
  for (guint i = 0; i < 100; i++)
    g_assert_true (vigil_store_set_dora_profile (f->store, i % 2 ? builtin : bare, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dora-profile/codec", test_codec);
  g_test_add ("/dora-profile/holiday", Fixture, NULL, fixture_set_up,
              test_holiday_moves_final_report, fixture_tear_down);
  g_test_add ("/dora-profile/change", Fixture, NULL, fixture_set_up,
              test_profile_change, fixture_tear_down);
  g_test_add ("/dora-profile/threads", Fixture, NULL, fixture_set_up,
              test_threads, fixture_tear_down);

  return g_test_run ();
}
