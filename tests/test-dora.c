/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <math.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include <vigil/vigil.h>

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
  g_autofree char *sa = NULL;
  g_autofree char *sb = NULL;

  if (a == NULL || b == NULL)
    {
      g_assert_true (a == b);
      return;
    }

  sa = vigil_time_to_iso (a);
  sb = vigil_time_to_iso (b);
  g_assert_cmpstr (sa, ==, sb);
}

static VigilDoraCriteria *
criteria_from_doc (const char *doc)
{
  g_autofree char *json = squote_to_json (doc);
  g_autoptr(GError) error = NULL;
  VigilDoraCriteria *criteria = vigil_dora_criteria_new_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (criteria);
  return criteria;
}

static gboolean
strv_has_prefix (const char * const *strv,
                 const char         *prefix)
{
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    {
      if (g_str_has_prefix (strv[i], prefix))
        return TRUE;
    }
  return FALSE;
}

/* Classification: each threshold below, at and above its limit */

typedef enum {
  FIELD_GATE,
  FIELD_T1,
  FIELD_T2,
  FIELD_T3,
  FIELD_T4,
  FIELD_T5A,
  FIELD_T5B,
  FIELD_T6,
} Field;

typedef struct {
  const char *name;
  const char *doc;
  Field       field;
  gboolean    expected;
  gboolean    home_not_counted;
} ThresholdCase;

#define NOW_ISO "2026-06-10T12:00:00Z"

static const ThresholdCase threshold_cases[] = {
  /* Gate */
  { "gate-none", "{}", FIELD_GATE, FALSE },
  { "gate-cif", "{'critical_services': {'cif': true}}", FIELD_GATE, TRUE },
  { "gate-supervised", "{'critical_services': {'supervised': true}}", FIELD_GATE, TRUE },
  { "gate-access", "{'critical_services': {'malicious_access': true}}", FIELD_GATE, TRUE },

  /* T1: clients share, limit 10 % */
  { "clients-share-below", "{'clients': {'affected': 999, 'total': 10000}}", FIELD_T1, FALSE },
  { "clients-share-at", "{'clients': {'affected': 1000, 'total': 10000}}", FIELD_T1, FALSE },
  { "clients-share-above", "{'clients': {'affected': 1001, 'total': 10000}}", FIELD_T1, TRUE },
  /* T1: clients number, limit 100 000 */
  { "clients-count-below", "{'clients': {'affected': 99999, 'total': 10000000}}", FIELD_T1, FALSE },
  { "clients-count-at", "{'clients': {'affected': 100000, 'total': 10000000}}", FIELD_T1, FALSE },
  { "clients-count-above", "{'clients': {'affected': 100001, 'total': 10000000}}", FIELD_T1, TRUE },
  /* T1: counterparts share, limit 30 % */
  { "counterparts-below", "{'counterparts': {'affected': 29, 'total': 100}}", FIELD_T1, FALSE },
  { "counterparts-at", "{'counterparts': {'affected': 30, 'total': 100}}", FIELD_T1, FALSE },
  { "counterparts-above", "{'counterparts': {'affected': 31, 'total': 100}}", FIELD_T1, TRUE },
  /* T1: transactions, limit 10 % of the daily average */
  { "transactions-below", "{'transactions': {'affected': 9, 'daily_average': "
                          "100}}", FIELD_T1, FALSE },
  { "transactions-at", "{'transactions': {'affected': 10, 'daily_average': "
                       "100}}", FIELD_T1, FALSE },
  { "transactions-above", "{'transactions': {'affected': 11, 'daily_average': "
                          "100}}", FIELD_T1, TRUE },
  /* T1: transaction value, limit 10 % of the daily average value */
  { "value-below", "{'transactions': {'value_affected': 99999.99, 'daily_average_value': 1000000}}",
    FIELD_T1, FALSE },
  { "value-at", "{'transactions': {'value_affected': 100000, 'daily_average_value': 1000000}}",
    FIELD_T1, FALSE },
  { "value-above", "{'transactions': {'value_affected': 100000.01, 'daily_average_value': "
                   "1000000}}",
    FIELD_T1, TRUE },
  { "relevant", "{'clients': {'relevant_affected': true}}", FIELD_T1, TRUE },

  /* T2 */
  { "reputation-none", "{'reputation': {}}", FIELD_T2, FALSE },
  { "reputation-media", "{'reputation': {'media': true}}", FIELD_T2, TRUE },
  { "reputation-complaints", "{'reputation': {'complaints': true}}", FIELD_T2, TRUE },
  { "reputation-regulatory", "{'reputation': {'regulatory_breach': true}}", FIELD_T2, TRUE },
  { "reputation-clients", "{'reputation': {'client_loss': true}}", FIELD_T2, TRUE },

  /* T3: duration, limit 24 h */
  { "duration-below", "{'duration': {'occurred_at': '2026-06-01T00:00:00Z', "
    "'resolved_at': '2026-06-01T23:59:59Z'}}", FIELD_T3, FALSE },
  { "duration-at", "{'duration': {'occurred_at': '2026-06-01T00:00:00Z', "
    "'resolved_at': '2026-06-02T00:00:00Z'}}", FIELD_T3, FALSE },
  { "duration-above", "{'duration': {'occurred_at': '2026-06-01T00:00:00Z', "
    "'resolved_at': '2026-06-02T00:00:01Z'}}", FIELD_T3, TRUE },
  /* Without an occurrence time, the earlier log record counts. */
  { "duration-from-log", "{'duration': {'detected_at': '2026-06-01T12:00:00Z', "
    "'first_log_at': '2026-06-01T00:00:00Z', 'resolved_at': '2026-06-02T06:00:00Z'}}",
    FIELD_T3, TRUE },
  { "duration-from-detection", "{'duration': {'detected_at': '2026-06-01T12:00:00Z', "
    "'resolved_at': '2026-06-02T06:00:00Z'}}", FIELD_T3, FALSE },
  /* Still going on: measured up to now, 25 h. */
  { "duration-ongoing", "{'duration': {'detected_at': '2026-06-09T11:00:00Z'}}", FIELD_T3, TRUE },
  /* T3: downtime of a CIF service, limit 2 h */
  { "downtime-at", "{'downtime': {'start': '2026-06-01T00:00:00Z', 'end': '2026-06-01T02:00:00Z', "
    "'supports_cif': true}}", FIELD_T3, FALSE },
  { "downtime-above", "{'downtime': {'start': '2026-06-01T00:00:00Z', "
    "'end': '2026-06-01T02:00:01Z', 'supports_cif': true}}", FIELD_T3, TRUE },
  { "downtime-not-cif", "{'downtime': {'start': '2026-06-01T00:00:00Z', "
    "'end': '2026-06-01T05:00:00Z', 'supports_cif': false}}", FIELD_T3, FALSE },

  /* T4: at least two member states */
  { "geo-one", "{'geography': {'home_state': 'DE', 'states': {'FR': "
               "['clients']}}}", FIELD_T4, FALSE },
  { "geo-home-and-one", "{'geography': {'home_state': 'DE', "
    "'states': {'DE': ['clients'], 'FR': ['branch']}}}", FIELD_T4, TRUE },
  { "geo-home-and-one-not-counted", "{'geography': {'home_state': 'DE', "
    "'states': {'DE': ['clients'], 'FR': ['branch']}}}", FIELD_T4, FALSE, TRUE },
  { "geo-two-others-not-counted", "{'geography': {'home_state': 'DE', "
    "'states': {'AT': ['fmi'], 'FR': ['branch']}}}", FIELD_T4, TRUE, TRUE },
  { "geo-no-home-given", "{'geography': {'states': {'DE': ['clients'], 'FR': ['branch']}}}",
    FIELD_T4, TRUE, TRUE },

  /* T5a, T5b */
  { "data-with-effect", "{'data_losses': {'confidentiality': true, 'adverse_effect': true}}",
    FIELD_T5A, TRUE },
  { "data-without-effect", "{'data_losses': {'integrity': true}}", FIELD_T5A, FALSE },
  { "data-effect-only", "{'data_losses': {'adverse_effect': true}}", FIELD_T5A, FALSE },
  { "intrusion", "{'critical_services': {'malicious_access': true}, "
    "'data_losses': {'intrusion': true}}", FIELD_T5B, TRUE },

  /* T6: EUR 100 000 */
  { "economic-below", "{'economic': {'costs': {'staff': 50000, 'advisory': 49999.99}}}",
    FIELD_T6, FALSE },
  { "economic-at", "{'economic': {'costs': {'staff': 50000, 'advisory': "
                   "50000}}}", FIELD_T6, FALSE },
  { "economic-above", "{'economic': {'costs': {'staff': 50000, 'advisory': 50000.01}}}",
    FIELD_T6, TRUE },
  { "economic-usd-below", "{'economic': {'currency': 'USD', 'eur_rate': 0.9, "
    "'costs': {'forgone_revenue': 110000}}}", FIELD_T6, FALSE },
  { "economic-usd-above", "{'economic': {'currency': 'USD', 'eur_rate': 0.9, "
    "'costs': {'forgone_revenue': 120000}}}", FIELD_T6, TRUE },
};

static gboolean
result_field (const VigilDoraResult *r,
              Field                  field)
{
  switch (field)
    {
    case FIELD_GATE: return r->gate;
    case FIELD_T1: return r->t1;
    case FIELD_T2: return r->t2;
    case FIELD_T3: return r->t3;
    case FIELD_T4: return r->t4;
    case FIELD_T5A: return r->t5a;
    case FIELD_T5B: return r->t5b;
    case FIELD_T6: return r->t6;
    default: g_assert_not_reached ();
    }
}

static void
test_thresholds (gconstpointer data)
{
  const ThresholdCase *c = data;
  g_autoptr(VigilDoraCriteria) criteria = criteria_from_doc (c->doc);
  g_autoptr(GDateTime) now = vigil_time_from_iso (NOW_ISO);
  VigilDoraOptions options = VIGIL_DORA_OPTIONS_INIT;
  g_autoptr(VigilDoraResult) result = NULL;

  options.geo_count_home_state = !c->home_not_counted;
  result = vigil_dora_classify (criteria, &options, now);

  g_assert_cmpint (result_field (result, c->field), ==, c->expected);
  g_assert_cmpint (result->options.geo_count_home_state, ==, !c->home_not_counted);
}

/* Classification: the decision rule */

typedef struct {
  const char *name;
  const char *doc;
  gboolean    intrusion_not_alone;
  guint       n_thresholds;
  gboolean    major;
  const char *triggers;    /* ITS 2.5, comma-separated ids */
} MajorCase;

#define GATE "'critical_services': {'cif': true}"
#define T1 "'clients': {'affected': 20, 'total': 100}"
#define T2 "'reputation': {'media': true}"
#define T6 "'economic': {'costs': {'customer_redress': 250000}}"

static const MajorCase major_cases[] = {
  { "nothing", "{}", FALSE, 0, FALSE, "" },
  { "gate-only", "{" GATE "}", FALSE, 0, FALSE, "critical_services" },
  { "gate-one-threshold", "{" GATE ", " T1 "}", FALSE, 1, FALSE, "clients,critical_services" },
  { "gate-two-thresholds", "{" GATE ", " T1 ", " T2 "}", FALSE, 2, TRUE,
    "clients,reputation,critical_services" },
  { "gate-three-thresholds", "{" GATE ", " T2 ", " T6 ", " T1 "}", FALSE, 3, TRUE,
    "clients,reputation,critical_services,economic" },
  { "two-thresholds-no-gate", "{" T1 ", " T2 "}", FALSE, 2, FALSE, "clients,reputation" },
  { "three-thresholds-no-gate", "{" T1 ", " T2 ", " T6 "}", FALSE, 3, FALSE,
    "clients,reputation,economic" },
  /* T5b alone: the intrusion is the gate and the sufficient trigger. */
  { "intrusion-alone", "{'critical_services': {'malicious_access': true}, "
    "'data_losses': {'intrusion': true}}", FALSE, 0, TRUE, "data_losses,critical_services" },
  /* Intrusion whose data impact also meets T5a: major by default ... */
  { "intrusion-and-data", "{'critical_services': {'malicious_access': true}, "
    "'data_losses': {'intrusion': true, 'confidentiality': true, 'adverse_effect': true}}",
    FALSE, 1, TRUE, "data_losses,critical_services" },
  /* ... but with the literal reading T5a needs a second threshold. */
  { "intrusion-and-data-literal", "{'critical_services': {'malicious_access': true}, "
    "'data_losses': {'intrusion': true, 'confidentiality': true, 'adverse_effect': true}}",
    TRUE, 1, FALSE, "data_losses,critical_services" },
  { "intrusion-and-data-literal-plus-one", "{'critical_services': {'malicious_access': true}, "
    "'data_losses': {'intrusion': true, 'confidentiality': true, 'adverse_effect': true}, " T2 "}",
    TRUE, 2, TRUE, "reputation,data_losses,critical_services" },
};

static void
test_major (gconstpointer data)
{
  const MajorCase *c = data;
  g_autoptr(VigilDoraCriteria) criteria = criteria_from_doc (c->doc);
  g_autoptr(GDateTime) now = vigil_time_from_iso (NOW_ISO);
  VigilDoraOptions options = VIGIL_DORA_OPTIONS_INIT;
  g_autoptr(VigilDoraResult) result = NULL;
  g_auto(GStrv) triggers = NULL;
  g_autofree char *joined = NULL;

  options.intrusion_alone_suffices = !c->intrusion_not_alone;
  result = vigil_dora_classify (criteria, &options, now);

  g_assert_cmpuint (result->n_thresholds, ==, c->n_thresholds);
  g_assert_cmpint (result->major, ==, c->major);
  triggers = vigil_dora_triggers_to_strv (result->triggers);
  joined = g_strjoinv (",", triggers);
  g_assert_cmpstr (joined, ==, c->triggers);

  /* The last reason states the conclusion. */
  g_assert_nonnull (result->reasons);
  g_assert_true (g_str_has_prefix (result->reasons[g_strv_length (result->reasons) - 1],
                                   c->major ? "Major incident" : "Not a major incident"));
}

/* Classification: the reasoning names the criteria and the figures */

static void
test_reasons (void)
{
  g_autoptr(VigilDoraCriteria) criteria = criteria_from_doc (
    "{'critical_services': {'cif': true},"
    " 'clients': {'affected': 125, 'total': 1000},"
    " 'counterparts': {'affected': 7, 'total': 20},"
    " 'duration': {'occurred_at': '2026-06-01T00:00:00Z', 'resolved_at': '2026-06-02T02:30:00Z'},"
    " 'geography': {'home_state': 'DE', 'states': {'DE': ['clients'], 'AT': ['clients']}},"
    " 'economic': {'costs': {'staff': 120000}}}");
  g_autoptr(GDateTime) now = vigil_time_from_iso (NOW_ISO);
  g_autoptr(VigilDoraResult) result = vigil_dora_classify (criteria, NULL, now);
  const char * const *reasons = (const char * const *) result->reasons;
  g_autofree char *clients = NULL;

  g_assert_true (g_strv_contains (reasons, "Critical services affected: ICT services supporting a "
                                           "critical or important function"));
  g_assert_true (g_strv_contains (reasons, "Clients affected 12.5 % > 10 %"));
  g_assert_true (g_strv_contains (reasons, "Financial counterparts affected 35.0 % > 30 %"));
  g_assert_true (g_strv_contains (reasons, "Duration 26 h 30 min > 24 h"));
  g_assert_true (g_strv_contains (reasons, "Geographical spread: impact in 2 member states (AT, "
                                           "DE), at least 2"));
  g_assert_true (g_strv_contains (reasons, "Costs and losses EUR 120000.00 > EUR 100000.00"));
  g_assert_true (g_strv_contains (reasons, "Reputational impact: none recorded"));
  g_assert_true (g_strv_contains (reasons, "Major incident: critical services affected and 4 "
                                           "thresholds met"));

  g_assert_cmpfloat_with_epsilon (result->clients_percent, 12.5, 1e-9);
  clients = vigil_dora_format_pct (result->clients_percent);
  g_assert_cmpstr (clients, ==, "12.5");
  g_assert_cmpint (result->duration, ==, 26 * G_TIME_SPAN_HOUR + 30 * G_TIME_SPAN_MINUTE);
  g_assert_cmpint (result->downtime, ==, -1);
  g_assert_cmpuint (g_strv_length (result->states), ==, 2);
  g_assert_cmpfloat (result->transactions_percent, ==, -1);

  /* Not counting the home state says so. */
  {
    VigilDoraOptions options = { FALSE, TRUE };
    g_autoptr(VigilDoraResult) other = vigil_dora_classify (criteria, &options, now);

    g_assert_false (other->t4);
    g_assert_true (strv_has_prefix ((const char * const *) other->reasons,
                                    "Geographical spread: the home member state DE is not "
                                    "counted"));
  }

  /* The labels of ITS field 2.5. */
  g_assert_cmpstr (vigil_dora_trigger_get_label (VIGIL_DORA_TRIGGER_CRITICAL_SERVICES), ==,
                   "Critical services affected");
  g_assert_cmpstr (vigil_dora_trigger_get_label (VIGIL_DORA_TRIGGER_DURATION), ==,
                   "Duration and service downtime");
}

/* Classification record */

static void
test_record (void)
{
  g_autoptr(VigilDoraCriteria) criteria = criteria_from_doc (
    "{'critical_services': {'malicious_access': true}, 'data_losses': {'intrusion': true},"
    " 'geography': {'home_state': 'FR', 'states': {'FR': ['clients']}}}");
  g_autoptr(GDateTime) now = vigil_time_from_iso ("2026-06-10T14:00:00+02:00");
  VigilDoraOptions options = { FALSE, TRUE };
  g_autoptr(VigilDoraResult) result = vigil_dora_classify (criteria, &options, now);
  g_autoptr(VigilDoraResult) copy = vigil_dora_result_copy (result);
  g_autoptr(JsonNode) record = vigil_dora_result_to_json (copy);
  g_autoptr(JsonNode) inputs = vigil_dora_criteria_to_json (criteria);
  JsonObject *root, *res, *thresholds;
  JsonArray *reasons;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (record));
  root = json_node_get_object (record);
  g_assert_cmpint (json_object_get_int_member (root, "version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (root, "classified_at"), ==,
                   "2026-06-10T12:00:00Z");
  g_assert_true (json_node_equal (json_object_get_member (root, "inputs"), inputs));
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (root, "options"),
                                                  "geo_count_home_state"));
  thresholds = json_object_get_object_member (root, "thresholds");
  g_assert_cmpfloat (json_object_get_double_member (thresholds, "clients_share"), ==, 0.10);
  g_assert_cmpint (json_object_get_int_member (thresholds, "duration_seconds"), ==, 86400);

  res = json_object_get_object_member (root, "result");
  g_assert_true (json_object_get_boolean_member (res, "major"));
  g_assert_true (json_object_get_boolean_member (res, "t5b"));
  g_assert_false (json_object_get_boolean_member (res, "t5a"));
  g_assert_false (json_object_get_boolean_member (res, "t4"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (res, "triggers")), ==, 2);
  reasons = json_object_get_array_member (res, "reasons");
  g_assert_cmpuint (json_array_get_length (reasons), ==, g_strv_length (result->reasons));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (
    json_object_get_object_member (res, "figures"), "clients_percent")));

  /* The inputs of a record read back as the same criteria. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VigilDoraCriteria) back =
      vigil_dora_criteria_new_from_json (json_object_get_member (root, "inputs"), &error);
    g_autoptr(JsonNode) again = NULL;

    g_assert_no_error (error);
    again = vigil_dora_criteria_to_json (back);
    g_assert_true (json_node_equal (again, inputs));
  }
}

/* Codec */

static const char *full_doc =
  "{'critical_services': {'cif': true, 'supervised': false, 'malicious_access': true},"
  " 'clients': {'affected': 1250, 'total': 10000, 'estimated': true, 'relevant_affected': false},"
  " 'counterparts': {'affected': 3, 'total': 40, 'estimated': false},"
  " 'transactions': {'affected': 500, 'daily_average': 20000, 'value_affected': 12500.5,"
  "                  'daily_average_value': 900000, 'estimated': true},"
  " 'reputation': {'media': true, 'complaints': false, 'regulatory_breach': true, 'client_loss': "
  "false},"
  " 'duration': {'occurred_at': '2026-06-01T08:00:00Z', 'detected_at': '2026-06-01T09:15:00Z',"
  "              'first_log_at': '2026-06-01T07:59:00Z', 'resolved_at': null, 'estimated': false},"
  " 'downtime': {'start': '2026-06-01T09:00:00Z', 'end': '2026-06-01T12:00:00Z', 'supports_cif': "
  "true},"
  " 'geography': {'home_state': 'NL', 'states': {'NL': ['clients', 'branch'], 'BE': "
  "['third_party']}},"
  " 'data_losses': {'availability': false, 'authenticity': false, 'integrity': true,"
  "                 'confidentiality': true, 'adverse_effect': true, 'intrusion': true},"
  " 'economic': {'currency': 'SEK', 'eur_rate': 0.0875, 'estimated': true,"
  "              'costs': {'expropriated_funds': 0, 'replacement': 1000, 'staff': 2500.25,"
  "                        'contractual_fees': 0, 'customer_redress': 0, 'forgone_revenue': 0,"
  "                        'communication': 300, 'advisory': 45000}}}";

static void
test_codec_roundtrip (void)
{
  g_autoptr(VigilDoraCriteria) criteria = criteria_from_doc (full_doc);
  g_autoptr(VigilDoraCriteria) copy = NULL;
  g_autoptr(VigilDoraCriteria) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  g_autoptr(GDateTime) occurred = utc (2026, 6, 1, 8, 0, 0);

  g_assert_true (criteria->cif_services_affected);
  g_assert_cmpint (criteria->clients_affected, ==, 1250);
  g_assert_true (criteria->clients_estimated);
  g_assert_cmpint (criteria->transactions_daily_average, ==, 20000);
  g_assert_cmpfloat (criteria->transactions_value_affected, ==, 12500.5);
  assert_time_equal (criteria->occurred_at, occurred);
  g_assert_null (criteria->resolved_at);
  g_assert_cmpstr (criteria->home_state, ==, "NL");
  g_assert_cmpuint (vigil_dora_criteria_get_state_impact (criteria, "NL"), ==,
                    VIGIL_DORA_GEO_CLIENTS | VIGIL_DORA_GEO_BRANCH);
  g_assert_cmpuint (vigil_dora_criteria_get_state_impact (criteria, "BE"), ==,
                    VIGIL_DORA_GEO_THIRD_PARTY);
  g_assert_cmpuint (vigil_dora_criteria_get_state_impact (criteria, "FR"), ==, 0);
  g_assert_cmpstr (criteria->currency, ==, "SEK");
  g_assert_cmpfloat (criteria->costs[VIGIL_DORA_COST_STAFF], ==, 2500.25);
  g_assert_cmpfloat_with_epsilon (vigil_dora_criteria_get_costs_eur (criteria),
                                  48800.25 * 0.0875, 1e-6);

  copy = vigil_dora_criteria_copy (criteria);
  text = vigil_dora_criteria_to_string (copy);
  back = vigil_dora_criteria_new_from_string (text, &error);
  g_assert_no_error (error);
  text2 = vigil_dora_criteria_to_string (back);
  g_assert_cmpstr (text, ==, text2);
  assert_time_equal (back->downtime_end, criteria->downtime_end);

  /* Setters keep references right and refuse what is not an EEA state. */
  vigil_dora_criteria_set_time (&copy->resolved_at, occurred);
  vigil_dora_criteria_set_time (&copy->resolved_at, NULL);
  g_assert_null (copy->resolved_at);
  g_assert_false (vigil_dora_criteria_set_state_impact (copy, "CH", VIGIL_DORA_GEO_CLIENTS));
  g_assert_true (vigil_dora_criteria_set_state_impact (copy, "NO", VIGIL_DORA_GEO_FMI));
  g_assert_cmpuint (vigil_dora_criteria_get_state_impact (copy, "NO"), ==, VIGIL_DORA_GEO_FMI);

  /* An empty document is nothing affected. */
  {
    g_autoptr(VigilDoraCriteria) empty = criteria_from_doc ("{}");
    g_autoptr(VigilDoraCriteria) fresh = vigil_dora_criteria_new ();
    g_autofree char *a = vigil_dora_criteria_to_string (empty);
    g_autofree char *b = vigil_dora_criteria_to_string (fresh);

    g_assert_cmpstr (a, ==, b);
    g_assert_true (vigil_dora_criteria_check (fresh, NULL));
  }
}

typedef struct {
  const char *name;
  const char *doc;
  gint        code;
  const char *field;   /* must appear in the message */
} BadCase;

static const BadCase bad_cases[] = {
  { "not-json", "{'clients': ", VIGIL_DORA_ERROR_PARSE, "not valid JSON" },
  { "array", "[1, 2]", VIGIL_DORA_ERROR_PARSE, "JSON object" },
  { "unknown-group", "{'clientz': {}}", VIGIL_DORA_ERROR_UNKNOWN_FIELD, "“clientz”" },
  { "unknown-member", "{'clients': {'affected': 1, 'total': 2, 'share': 50}}",
    VIGIL_DORA_ERROR_UNKNOWN_FIELD, "“clients.share”" },
  { "unknown-cost", "{'economic': {'costs': {'bribes': 5}}}", VIGIL_DORA_ERROR_UNKNOWN_FIELD,
    "“economic.costs.bribes”" },
  { "group-not-object", "{'clients': 12}", VIGIL_DORA_ERROR_INVALID_FIELD, "“clients”" },
  { "negative-count", "{'clients': {'affected': -1, 'total': 10}}", VIGIL_DORA_ERROR_INVALID_FIELD,
    "“clients.affected”" },
  { "count-as-string", "{'clients': {'affected': '12'}}", VIGIL_DORA_ERROR_INVALID_FIELD,
    "“clients.affected”" },
  { "count-fraction", "{'counterparts': {'affected': 1.5, 'total': 3}}",
    VIGIL_DORA_ERROR_INVALID_FIELD, "“counterparts.affected”" },
  { "count-huge", "{'transactions': {'daily_average': 9000000000000000}}",
    VIGIL_DORA_ERROR_INVALID_FIELD, "“transactions.daily_average”" },
  { "clients-over-100-percent", "{'clients': {'affected': 11, 'total': 10}}",
    VIGIL_DORA_ERROR_INVALID_FIELD, "“clients.total”" },
  { "clients-without-total", "{'clients': {'affected': 5}}", VIGIL_DORA_ERROR_INVALID_FIELD,
    "“clients.total”" },
  { "counterparts-over-100-percent", "{'counterparts': {'affected': 4, 'total': 3}}",
    VIGIL_DORA_ERROR_INVALID_FIELD, "“counterparts.total”" },
  { "transactions-without-average", "{'transactions': {'affected': 1}}",
    VIGIL_DORA_ERROR_INVALID_FIELD, "“transactions.daily_average”" },
  { "value-without-average", "{'transactions': {'value_affected': 4.5}}",
    VIGIL_DORA_ERROR_INVALID_FIELD, "“transactions.daily_average_value”" },
  { "negative-value", "{'transactions': {'value_affected': -4.5, 'daily_average_value': 10}}",
    VIGIL_DORA_ERROR_INVALID_FIELD, "“transactions.value_affected”" },
  { "bool-as-number", "{'critical_services': {'cif': 1}}", VIGIL_DORA_ERROR_INVALID_FIELD,
    "“critical_services.cif”" },
  { "bad-time", "{'duration': {'occurred_at': 'yesterday'}}", VIGIL_DORA_ERROR_INVALID_FIELD,
    "“duration.occurred_at”" },
  { "resolved-before-start", "{'duration': {'occurred_at': '2026-06-02T00:00:00Z',"
    " 'resolved_at': '2026-06-01T00:00:00Z'}}", VIGIL_DORA_ERROR_INVALID_FIELD,
    "“duration.resolved_at”" },
  { "detected-before-occurred", "{'duration': {'occurred_at': '2026-06-02T00:00:00Z',"
    " 'detected_at': '2026-06-01T00:00:00Z'}}", VIGIL_DORA_ERROR_INVALID_FIELD,
    "“duration.detected_at”" },
  { "downtime-backwards", "{'downtime': {'start': '2026-06-02T00:00:00Z',"
    " 'end': '2026-06-01T00:00:00Z'}}", VIGIL_DORA_ERROR_INVALID_FIELD, "“downtime.end”" },
  { "state-not-eea", "{'geography': {'states': {'US': ['clients']}}}",
    VIGIL_DORA_ERROR_INVALID_FIELD, "“geography.states.US”" },
  { "state-el", "{'geography': {'states': {'EL': ['clients']}}}",
    VIGIL_DORA_ERROR_INVALID_FIELD, "“geography.states.EL”" },
  { "state-unknown-impact", "{'geography': {'states': {'FR': ['weather']}}}",
    VIGIL_DORA_ERROR_INVALID_FIELD, "“geography.states.FR”" },
  { "state-not-list", "{'geography': {'states': {'FR': 'clients'}}}",
    VIGIL_DORA_ERROR_INVALID_FIELD, "“geography.states.FR”" },
  { "home-not-eea", "{'geography': {'home_state': 'CH'}}", VIGIL_DORA_ERROR_INVALID_FIELD,
    "“geography.home_state”" },
  { "intrusion-without-access", "{'data_losses': {'intrusion': true}}",
    VIGIL_DORA_ERROR_INVALID_FIELD, "“data_losses.intrusion”" },
  { "currency-lower-case", "{'economic': {'currency': 'eur'}}", VIGIL_DORA_ERROR_INVALID_FIELD,
    "“economic.currency”" },
  { "currency-without-rate", "{'economic': {'currency': 'USD', 'costs': {'staff': 5}}}",
    VIGIL_DORA_ERROR_INVALID_FIELD, "“economic.eur_rate”" },
  { "rate-zero", "{'economic': {'currency': 'USD', 'eur_rate': 0}}",
    VIGIL_DORA_ERROR_INVALID_FIELD, "“economic.eur_rate”" },
  { "euro-rate-not-one", "{'economic': {'currency': 'EUR', 'eur_rate': 0.5}}",
    VIGIL_DORA_ERROR_INVALID_FIELD, "“economic.eur_rate”" },
  { "negative-cost", "{'economic': {'costs': {'advisory': -100}}}", VIGIL_DORA_ERROR_INVALID_FIELD,
    "“economic.costs.advisory”" },
  { "cost-as-string", "{'economic': {'costs': {'advisory': '100'}}}",
    VIGIL_DORA_ERROR_INVALID_FIELD, "“economic.costs.advisory”" },
};

static void
test_codec_bad (gconstpointer data)
{
  const BadCase *c = data;
  g_autofree char *json = squote_to_json (c->doc);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilDoraCriteria) criteria = vigil_dora_criteria_new_from_string (json, &error);

  g_assert_null (criteria);
  g_assert_error (error, VIGIL_DORA_ERROR, c->code);
  if (strstr (error->message, c->field) == NULL)
    g_error ("“%s” does not name %s", error->message, c->field);
}

/* The same checks guard criteria built in code. */
static void
test_check_struct (void)
{
  g_autoptr(VigilDoraCriteria) criteria = vigil_dora_criteria_new ();
  g_autoptr(GError) error = NULL;

  criteria->costs[VIGIL_DORA_COST_COMMUNICATION] = -1;
  g_assert_false (vigil_dora_criteria_check (criteria, &error));
  g_assert_error (error, VIGIL_DORA_ERROR, VIGIL_DORA_ERROR_INVALID_FIELD);
  g_assert_nonnull (strstr (error->message, "economic.costs.communication"));
  g_clear_error (&error);

  criteria->costs[VIGIL_DORA_COST_COMMUNICATION] = 0;
  strcpy (criteria->home_state, "XX");
  g_assert_false (vigil_dora_criteria_check (criteria, &error));
  g_assert_nonnull (strstr (error->message, "geography.home_state"));
  g_clear_error (&error);

  criteria->home_state[0] = '\0';
  criteria->state_impacts[3] = 0x80;
  g_assert_false (vigil_dora_criteria_check (criteria, &error));
  g_assert_nonnull (strstr (error->message, "geography.states"));
}

/* Significant cyber threats */

typedef struct {
  const char      *name;
  gboolean         could_affect;
  gboolean         high_probability;
  VigilDoraTrigger would_trigger;
  gboolean         significant;
} ThreatCase;

static const ThreatCase threat_cases[] = {
  { "all-three", TRUE, TRUE, VIGIL_DORA_TRIGGER_CRITICAL_SERVICES, TRUE },
  { "clients", TRUE, TRUE, VIGIL_DORA_TRIGGER_CLIENTS, TRUE },
  { "geography", TRUE, TRUE, VIGIL_DORA_TRIGGER_GEOGRAPHY, TRUE },
  { "only-other-criteria", TRUE, TRUE,
    VIGIL_DORA_TRIGGER_REPUTATION | VIGIL_DORA_TRIGGER_DURATION | VIGIL_DORA_TRIGGER_DATA_LOSSES |
    VIGIL_DORA_TRIGGER_ECONOMIC, FALSE },
  { "low-probability", TRUE, FALSE, VIGIL_DORA_TRIGGER_CRITICAL_SERVICES, FALSE },
  { "cannot-affect", FALSE, TRUE, VIGIL_DORA_TRIGGER_CLIENTS, FALSE },
};

static void
test_threat (gconstpointer data)
{
  const ThreatCase *c = data;
  VigilDoraThreat threat = { c->could_affect, c->high_probability, c->would_trigger };
  g_auto(GStrv) reasons = NULL;

  g_assert_cmpint (vigil_dora_threat_is_significant (&threat, &reasons), ==, c->significant);
  g_assert_cmpuint (g_strv_length (reasons), ==, 4);
  g_assert_true (g_str_has_prefix (reasons[3], c->significant ? "Significant" : "Not a "
                                                                                "significant"));
  g_assert_cmpint (vigil_dora_threat_is_significant (&threat, NULL), ==, c->significant);
}

/* Recurring incidents */

static void
test_recurring (void)
{
  /* Each alone: gate plus one threshold (T1 or T6 or nothing). Together:
   * 40 + 40 + 30 clients of 1000 = 11 % (T1) and 60 000 + 50 000 EUR (T6). */
  g_autoptr(VigilDoraCriteria) a = criteria_from_doc (
    "{'critical_services': {'cif': true}, 'clients': {'affected': 40, 'total': 1000},"
    " 'duration': {'occurred_at': '2026-02-10T10:00:00Z', 'detected_at': '2026-02-10T10:30:00Z',"
    "              'resolved_at': '2026-02-10T20:00:00Z'},"
    " 'geography': {'home_state': 'DE', 'states': {'DE': ['clients']}},"
    " 'economic': {'costs': {'staff': 60000}}}");
  g_autoptr(VigilDoraCriteria) b = criteria_from_doc (
    "{'critical_services': {'supervised': true}, 'clients': {'affected': 40, 'total': 900},"
    " 'duration': {'occurred_at': '2026-04-01T10:00:00Z', 'detected_at': '2026-04-01T11:00:00Z',"
    "              'resolved_at': '2026-04-02T04:00:00Z'},"
    " 'downtime': {'start': '2026-04-01T10:00:00Z', 'end': '2026-04-01T11:00:00Z', 'supports_cif': "
    "true},"
    " 'economic': {'currency': 'USD', 'eur_rate': 0.5, 'costs': {'advisory': 100000}}}");
  g_autoptr(VigilDoraCriteria) c = criteria_from_doc (
    "{'clients': {'affected': 30, 'total': 1000},"
    " 'duration': {'occurred_at': '2026-05-20T10:00:00Z', 'detected_at': '2026-05-20T10:05:00Z',"
    "              'resolved_at': '2026-05-20T12:00:00Z'},"
    " 'downtime': {'start': '2026-05-20T10:00:00Z', 'end': '2026-05-20T13:00:00Z', 'supports_cif': "
    "false},"
    " 'geography': {'states': {'AT': ['branch']}}}");
  /* Outside the window, another cause, a major one, no cause. */
  g_autoptr(VigilDoraCriteria) old = criteria_from_doc (
    "{'clients': {'affected': 500, 'total': 1000},"
    " 'duration': {'occurred_at': '2025-11-20T10:00:00Z'}}");
  g_autoptr(VigilDoraCriteria) other1 = criteria_from_doc (
    "{'duration': {'occurred_at': '2026-03-01T10:00:00Z', 'resolved_at': '2026-03-01T11:00:00Z'}}");
  g_autoptr(VigilDoraCriteria) other2 = criteria_from_doc (
    "{'duration': {'occurred_at': '2026-03-02T10:00:00Z', 'resolved_at': '2026-03-02T11:00:00Z'}}");
  g_autoptr(VigilDoraCriteria) lonely = criteria_from_doc (
    "{'duration': {'occurred_at': '2026-03-05T10:00:00Z'}}");
  const VigilDoraRecurringItem items[] = {
    { "inc-c", "expired certificate", c, FALSE },
    { "inc-old", "expired certificate", old, FALSE },
    { "inc-a", "expired certificate", a, FALSE },
    { "inc-major", "expired certificate", a, TRUE },
    { "inc-o1", "disk full", other1, FALSE },
    { "inc-b", "expired certificate", b, FALSE },
    { "inc-o2", "disk full", other2, FALSE },
    { "inc-lonely", "power cut", lonely, FALSE },
    { "inc-none", NULL, lonely, FALSE },
  };
  g_autoptr(GDateTime) assessed = utc (2026, 6, 1, 0, 0, 0);
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GDateTime) first = utc (2026, 2, 10, 10, 0, 0);
  g_autoptr(GDateTime) last = utc (2026, 5, 20, 10, 0, 0);
  g_autoptr(GDateTime) last_detected = utc (2026, 5, 20, 10, 5, 0);
  g_autoptr(GDateTime) longest_start = utc (2026, 4, 1, 10, 0, 0);
  const VigilDoraRecurrence *disk, *cert;
  const VigilDoraCriteria *agg;
  VigilDoraEntity micro = { .member_state = "DE", .microenterprise = TRUE };
  VigilDoraEntity bank = { .member_state = "DE" };

  /* Each of a, b, c is not major on its own. */
  for (guint i = 0; i < 3; i++)
    {
      const VigilDoraCriteria *each[] = { a, b, c };
      g_autoptr(VigilDoraResult) r = vigil_dora_classify (each[i], NULL, assessed);

      g_assert_false (r->major);
    }

  groups = vigil_dora_recurring_check (items, G_N_ELEMENTS (items), assessed, NULL);
  g_assert_cmpuint (groups->len, ==, 2);
  disk = groups->pdata[0];
  cert = groups->pdata[1];

  g_assert_cmpstr (disk->root_cause, ==, "disk full");
  g_assert_cmpuint (disk->n_occurrences, ==, 2);
  g_assert_false (disk->result->major);

  g_assert_cmpstr (cert->root_cause, ==, "expired certificate");
  g_assert_cmpuint (cert->n_occurrences, ==, 3);
  g_assert_cmpstr (cert->ids[0], ==, "inc-a");
  g_assert_cmpstr (cert->ids[1], ==, "inc-b");
  g_assert_cmpstr (cert->ids[2], ==, "inc-c");
  g_assert_null (cert->ids[3]);
  assert_time_equal (cert->first_occurred_at, first);
  assert_time_equal (cert->last_occurred_at, last);
  assert_time_equal (cert->last_detected_at, last_detected);

  agg = cert->aggregate;
  g_assert_true (agg->cif_services_affected);
  g_assert_true (agg->supervised_services_affected);
  g_assert_cmpint (agg->clients_affected, ==, 110);
  g_assert_cmpint (agg->clients_total, ==, 1000);
  g_assert_cmpstr (agg->currency, ==, "EUR");
  g_assert_cmpfloat_with_epsilon (vigil_dora_criteria_get_costs_eur (agg), 110000, 1e-6);
  /* The longest incident is b (18 h); the only CIF downtime is b's hour. */
  assert_time_equal (agg->occurred_at, longest_start);
  assert_time_equal (agg->downtime_start, longest_start);
  g_assert_true (agg->downtime_supports_cif);
  g_assert_cmpuint (vigil_dora_criteria_get_state_impact (agg, "DE"), ==, VIGIL_DORA_GEO_CLIENTS);
  g_assert_cmpuint (vigil_dora_criteria_get_state_impact (agg, "AT"), ==, VIGIL_DORA_GEO_BRANCH);
  g_assert_true (vigil_dora_criteria_check (agg, NULL));

  g_assert_true (cert->result->t1);
  g_assert_true (cert->result->t4);
  g_assert_true (cert->result->t6);
  g_assert_false (cert->result->t3);
  g_assert_true (cert->result->major);

  /* A month later, a has left the window: b and c alone are not major. */
  {
    g_autoptr(GDateTime) later = utc (2026, 8, 15, 0, 0, 0);
    g_autoptr(GPtrArray) again = vigil_dora_recurring_check (items, G_N_ELEMENTS (items), later,
                                                             NULL);
    const VigilDoraRecurrence *rec = again->pdata[1];

    g_assert_cmpuint (again->len, ==, 2);
    g_assert_cmpuint (rec->n_occurrences, ==, 2);
    g_assert_false (rec->result->major);
  }

  g_assert_false (vigil_dora_entity_needs_recurring_check (&micro));
  g_assert_true (vigil_dora_entity_needs_recurring_check (&bank));
}

/* Deadlines */

typedef struct {
  const char *name;
  const char *aware;
  const char *classified;
  const char *due;
  gboolean    pending;
} InitialCase;

static const InitialCase initial_cases[] = {
  /* Classified early: 4 hours after classification. */
  { "classified-early", "2026-03-02T10:00:00Z", "2026-03-02T12:00:00Z", "2026-03-02T16:00:00Z" },
  /* Classified late in the first day: the 24-hour cap comes first. */
  { "capped", "2026-03-02T10:00:00Z", "2026-03-03T08:00:00Z", "2026-03-03T10:00:00Z" },
  { "capped-exactly", "2026-03-02T10:00:00Z", "2026-03-03T06:00:00Z", "2026-03-03T10:00:00Z" },
  { "classified-at-cap", "2026-03-02T10:00:00Z", "2026-03-03T10:00:00Z", "2026-03-03T10:00:00Z" },
  /* Classified after 24 hours: 4 hours from classification. */
  { "after-24h", "2026-03-02T10:00:00Z", "2026-03-03T16:00:00Z", "2026-03-03T20:00:00Z" },
  { "pending", "2026-03-02T10:00:00Z", NULL, "2026-03-03T10:00:00Z", TRUE },
  /* Offsets are read as such and the limit is given in UTC. */
  { "offset", "2026-03-02T11:00:00+01:00", "2026-03-02T13:00:00+01:00", "2026-03-02T16:00:00Z" },
};

static void
test_initial_due (gconstpointer data)
{
  const InitialCase *c = data;
  g_autoptr(GDateTime) aware = vigil_time_from_iso (c->aware);
  g_autoptr(GDateTime) classified = vigil_time_from_iso (c->classified);
  g_autoptr(GDateTime) expected = vigil_time_from_iso (c->due);
  g_autoptr(GDateTime) due = NULL;
  gboolean pending = !c->pending;

  due = vigil_dora_initial_due (aware, classified, &pending);
  assert_time_equal (due, expected);
  g_assert_cmpint (pending, ==, c->pending);
  g_assert_cmpint (g_date_time_get_utc_offset (due), ==, 0);
}

typedef struct {
  const char *from;
  const char *to;
} MonthCase;

static const MonthCase month_cases[] = {
  { "2026-01-31T10:00:00Z", "2026-02-28T10:00:00Z" },   /* non-leap */
  { "2028-01-31T10:00:00Z", "2028-02-29T10:00:00Z" },   /* leap */
  { "2028-01-29T10:00:00Z", "2028-02-29T10:00:00Z" },
  { "2026-01-28T23:59:59Z", "2026-02-28T23:59:59Z" },
  { "2026-03-31T08:00:00Z", "2026-04-30T08:00:00Z" },
  { "2026-03-15T08:00:00Z", "2026-04-15T08:00:00Z" },
  { "2026-12-31T17:45:00Z", "2027-01-31T17:45:00Z" },
  { "2026-08-31T12:00:00.250000Z", "2026-09-30T12:00:00.250000Z" },
};

static void
test_intermediate_and_final (void)
{
  g_autoptr(GDateTime) submitted = utc (2026, 3, 2, 15, 20, 0);
  g_autoptr(GDateTime) inter = vigil_dora_intermediate_due (submitted);
  g_autoptr(GDateTime) expected = utc (2026, 3, 5, 15, 20, 0);

  assert_time_equal (inter, expected);

  for (guint i = 0; i < G_N_ELEMENTS (month_cases); i++)
    {
      g_autoptr(GDateTime) from = vigil_time_from_iso (month_cases[i].from);
      g_autoptr(GDateTime) to = vigil_time_from_iso (month_cases[i].to);
      g_autoptr(GDateTime) due = vigil_dora_final_due (from);

      assert_time_equal (due, to);
    }
}

/* Relief */

typedef struct {
  const char          *name;
  VigilDoraReportKind  kind;
  guint                types;
  gboolean             nis2;
  const char          *withdrawn;      /* relief withdrawn at */
  const char          *first_report;   /* initial submitted at */
  const char          *state;
  const char          *legal;
  gboolean             applies;
  const char          *relieved;
} ReliefCase;

#define PI VIGIL_DORA_ENTITY_PAYMENT_INSTITUTION
#define CI VIGIL_DORA_ENTITY_CREDIT_INSTITUTION

static const ReliefCase relief_cases[] = {
  /* Saturday in Berlin (CET) -> Monday noon = 11:00 UTC */
  { "saturday", VIGIL_DORA_REPORT_INITIAL, PI, FALSE, NULL, NULL, "DE",
    "2026-12-05T10:00:00Z", TRUE, "2026-12-07T11:00:00Z" },
  /* Friday 23:30 UTC is already Saturday in Berlin. */
  { "local-saturday", VIGIL_DORA_REPORT_INITIAL, PI, FALSE, NULL, NULL, "DE",
    "2026-12-04T23:30:00Z", TRUE, "2026-12-07T11:00:00Z" },
  /* In Dublin the same instant is still Friday. */
  { "still-friday-in-dublin", VIGIL_DORA_REPORT_INITIAL, PI, FALSE, NULL, NULL, "IE",
    "2026-12-04T23:30:00Z", TRUE, "2026-12-04T23:30:00Z" },
  /* A working day: no change. */
  { "weekday", VIGIL_DORA_REPORT_INITIAL, PI, FALSE, NULL, NULL, "DE",
    "2026-12-03T10:00:00Z", TRUE, "2026-12-03T10:00:00Z" },
  /* Sunday in summer (CEST) -> Monday noon = 10:00 UTC */
  { "summer-sunday", VIGIL_DORA_REPORT_INITIAL, PI, FALSE, NULL, NULL, "DE",
    "2026-06-14T09:00:00Z", TRUE, "2026-06-15T10:00:00Z" },
  /* Bank holiday Friday 25 December and 28 December (a Monday, in the test
   * calendar) -> Tuesday 29 December noon. */
  { "bank-holiday", VIGIL_DORA_REPORT_INTERMEDIATE, PI, FALSE, NULL, "2026-12-22T09:00:00Z", "DE",
    "2026-12-25T09:00:00Z", TRUE, "2026-12-29T11:00:00Z" },
  /* The holidays are per state: France has none in the test calendar. */
  { "bank-holiday-other-state", VIGIL_DORA_REPORT_INTERMEDIATE, PI, FALSE, NULL,
    "2026-12-22T09:00:00Z", "FR", "2026-12-25T09:00:00Z", TRUE, "2026-12-25T09:00:00Z" },
  /* Credit institutions: no relief for the initial and intermediate ... */
  { "credit-initial", VIGIL_DORA_REPORT_INITIAL, CI, FALSE, NULL, NULL, "DE",
    "2026-12-05T10:00:00Z", FALSE, "2026-12-05T10:00:00Z" },
  { "credit-intermediate", VIGIL_DORA_REPORT_INTERMEDIATE, CI | PI, FALSE, NULL,
    "2026-12-02T10:00:00Z", "DE", "2026-12-05T10:00:00Z", FALSE, "2026-12-05T10:00:00Z" },
  /* ... but always for the final report. */
  { "credit-final", VIGIL_DORA_REPORT_FINAL, CI, FALSE, NULL, "2026-11-01T10:00:00Z", "DE",
    "2026-12-05T10:00:00Z", TRUE, "2026-12-07T11:00:00Z" },
  { "ccp", VIGIL_DORA_REPORT_INITIAL, VIGIL_DORA_ENTITY_CCP, FALSE, NULL, NULL, "FR",
    "2026-12-05T10:00:00Z", FALSE, "2026-12-05T10:00:00Z" },
  { "trading-venue", VIGIL_DORA_REPORT_INITIAL, VIGIL_DORA_ENTITY_TRADING_VENUE, FALSE, NULL, NULL,
    "FR", "2026-12-05T10:00:00Z", FALSE, "2026-12-05T10:00:00Z" },
  { "nis2", VIGIL_DORA_REPORT_INITIAL, PI, TRUE, NULL, NULL, "DE",
    "2026-12-05T10:00:00Z", FALSE, "2026-12-05T10:00:00Z" },
  { "nis2-final", VIGIL_DORA_REPORT_FINAL, PI, TRUE, NULL, NULL, "DE",
    "2026-12-05T10:00:00Z", TRUE, "2026-12-07T11:00:00Z" },
  /* Relief withdrawn by the authority before the first report ... */
  { "withdrawn", VIGIL_DORA_REPORT_INTERMEDIATE, PI, FALSE, "2026-10-01T00:00:00Z",
    "2026-12-02T10:00:00Z", "DE", "2026-12-05T10:00:00Z", FALSE, "2026-12-05T10:00:00Z" },
  { "withdrawn-not-reported-yet", VIGIL_DORA_REPORT_INITIAL, PI, FALSE, "2026-10-01T00:00:00Z",
    NULL, "DE", "2026-12-05T10:00:00Z", FALSE, "2026-12-05T10:00:00Z" },
  /* ... but not for an incident first reported before the notice. */
  { "withdrawn-later", VIGIL_DORA_REPORT_INTERMEDIATE, PI, FALSE, "2026-12-03T00:00:00Z",
    "2026-12-02T10:00:00Z", "DE", "2026-12-05T10:00:00Z", TRUE, "2026-12-07T11:00:00Z" },
};

static VigilCalendar *
test_calendar (void)
{
  VigilCalendar *calendar = vigil_calendar_new ();
  g_autoptr(GDateTime) christmas = utc (2026, 12, 25, 0, 0, 0);
  g_autoptr(GDateTime) boxing = utc (2026, 12, 26, 0, 0, 0);
  g_autoptr(GDateTime) monday = utc (2026, 12, 28, 0, 0, 0);

  g_assert_true (vigil_calendar_add_holiday (calendar, "DE", christmas));
  g_assert_true (vigil_calendar_add_holiday (calendar, "DE", boxing));
  g_assert_true (vigil_calendar_add_holiday (calendar, "DE", monday));
  return calendar;
}

static void
test_relief (gconstpointer data)
{
  const ReliefCase *c = data;
  g_autoptr(VigilCalendar) calendar = test_calendar ();
  g_autoptr(GDateTime) withdrawn = vigil_time_from_iso (c->withdrawn);
  g_autoptr(GDateTime) first_report = vigil_time_from_iso (c->first_report);
  g_autoptr(GDateTime) legal = vigil_time_from_iso (c->legal);
  g_autoptr(GDateTime) expected = vigil_time_from_iso (c->relieved);
  VigilDoraEntity entity = {
    .types = c->types,
    .member_state = c->state,
    .nis2_essential_or_important = c->nis2,
    .relief_withdrawn_at = withdrawn,
  };
  gboolean applies = vigil_dora_relief_applies (c->kind, &entity, first_report);
  g_autoptr(GDateTime) relieved = NULL;

  g_assert_cmpint (applies, ==, c->applies);
  relieved = applies ? vigil_dora_relieve (legal, &entity, calendar) : g_date_time_ref (legal);
  assert_time_equal (relieved, expected);
}

static void
test_deadline_compute (void)
{
  g_autoptr(VigilCalendar) calendar = test_calendar ();
  /* Aware on Friday 4 December 2026 at 14:00 UTC, classified 16:00. */
  g_autoptr(GDateTime) aware = utc (2026, 12, 4, 14, 0, 0);
  g_autoptr(GDateTime) classified = utc (2026, 12, 4, 16, 0, 0);
  g_autoptr(GDateTime) initial = utc (2026, 12, 4, 19, 0, 0);
  g_autoptr(GDateTime) inter = utc (2026, 12, 24, 10, 0, 0);
  VigilDoraReportTimes times = { aware, NULL, NULL, NULL, NULL };
  VigilDoraEntity bank = { .types = CI, .member_state = "DE" };
  VigilDoraEntity payments = { .types = PI, .member_state = "DE", .time_zone = "Europe/Berlin" };
  g_autoptr(VigilDoraDeadline) pending = NULL;
  g_autoptr(VigilDoraDeadline) first = NULL;
  g_autoptr(VigilDoraDeadline) second = NULL;
  g_autoptr(VigilDoraDeadline) last = NULL;
  g_autoptr(VigilDoraDeadline) bank_first = NULL;
  g_autoptr(VigilDoraDeadline) bank_last = NULL;
  g_autoptr(GDateTime) cap = utc (2026, 12, 5, 14, 0, 0);
  g_autoptr(GDateTime) four_hours = utc (2026, 12, 4, 20, 0, 0);
  g_autoptr(GDateTime) monday_noon = utc (2026, 12, 7, 11, 0, 0);
  g_autoptr(GDateTime) seventy_two = utc (2026, 12, 7, 19, 0, 0);
  g_autoptr(GDateTime) month = utc (2027, 1, 24, 10, 0, 0);          /* a Sunday */
  g_autoptr(GDateTime) month_relieved = utc (2027, 1, 25, 11, 0, 0);

  /* No clock for the later reports yet. */
  g_assert_null (vigil_dora_deadline_compute (VIGIL_DORA_REPORT_INTERMEDIATE, &times, &payments,
                                              calendar));
  g_assert_null (vigil_dora_deadline_compute (VIGIL_DORA_REPORT_FINAL, &times, &payments,
                                              calendar));

  /* Pending: the 24-hour cap falls on Saturday; relieved to Monday noon. */
  pending = vigil_dora_deadline_compute (VIGIL_DORA_REPORT_INITIAL, &times, &payments, calendar);
  g_assert_true (pending->pending);
  assert_time_equal (pending->legal_due, cap);
  g_assert_true (pending->relief_applies);
  assert_time_equal (pending->relieved_due, monday_noon);

  times.classified_at = classified;
  first = vigil_dora_deadline_compute (VIGIL_DORA_REPORT_INITIAL, &times, &payments, calendar);
  g_assert_false (first->pending);
  g_assert_cmpint (first->kind, ==, VIGIL_DORA_REPORT_INITIAL);
  assert_time_equal (first->legal_due, four_hours);
  assert_time_equal (first->relieved_due, four_hours);

  times.initial_submitted_at = initial;
  second = vigil_dora_deadline_compute (VIGIL_DORA_REPORT_INTERMEDIATE, &times, &payments,
                                        calendar);
  assert_time_equal (second->legal_due, seventy_two);
  assert_time_equal (second->relieved_due, seventy_two);

  times.last_intermediate_submitted_at = inter;
  last = vigil_dora_deadline_compute (VIGIL_DORA_REPORT_FINAL, &times, &payments, calendar);
  assert_time_equal (last->legal_due, month);
  assert_time_equal (last->relieved_due, month_relieved);

  /* A credit institution: the pending cap on Saturday stays; the final
   * report falling on a Saturday (16 January 2027) is relieved. */
  times.classified_at = NULL;
  times.initial_submitted_at = NULL;
  bank_first = vigil_dora_deadline_compute (VIGIL_DORA_REPORT_INITIAL, &times, &bank, calendar);
  g_assert_false (bank_first->relief_applies);
  assert_time_equal (bank_first->relieved_due, cap);
  {
    g_autoptr(GDateTime) saturday_submit = utc (2026, 12, 16, 9, 0, 0);
    g_autoptr(GDateTime) final_legal = utc (2027, 1, 16, 9, 0, 0);
    g_autoptr(GDateTime) final_relieved = utc (2027, 1, 18, 11, 0, 0);

    times.last_intermediate_submitted_at = saturday_submit;
    bank_last = vigil_dora_deadline_compute (VIGIL_DORA_REPORT_FINAL, &times, &bank, calendar);
    g_assert_true (bank_last->relief_applies);
    assert_time_equal (bank_last->legal_due, final_legal);
    assert_time_equal (bank_last->relieved_due, final_relieved);
  }

  /* Reclassified as non-major: no more deadlines. */
  times.reclassified_at = inter;
  g_assert_null (vigil_dora_deadline_compute (VIGIL_DORA_REPORT_FINAL, &times, &bank, calendar));
  g_assert_null (vigil_dora_deadline_compute (VIGIL_DORA_REPORT_INITIAL, &times, &bank, calendar));

  /* Without a calendar only weekends count. */
  {
    g_autoptr(GDateTime) christmas = utc (2026, 12, 25, 9, 0, 0);
    g_autoptr(GDateTime) same = vigil_dora_relieve (christmas, &payments, NULL);

    assert_time_equal (same, christmas);
  }
}

typedef struct {
  GTimeSpan         left;
  VigilDoraDueLevel level;
  const char       *text;
} StatusCase;

static const StatusCase status_cases[] = {
  { 3 * G_TIME_SPAN_DAY + 5 * G_TIME_SPAN_HOUR, VIGIL_DORA_DUE_LATER, "3 d 5 h" },
  { 12 * G_TIME_SPAN_HOUR, VIGIL_DORA_DUE_LATER, "12 h 0 min" },
  { 12 * G_TIME_SPAN_HOUR - G_TIME_SPAN_SECOND, VIGIL_DORA_DUE_SOON, "11 h 59 min" },
  { 3 * G_TIME_SPAN_HOUR + 5 * G_TIME_SPAN_MINUTE, VIGIL_DORA_DUE_SOON, "3 h 5 min" },
  { G_TIME_SPAN_HOUR, VIGIL_DORA_DUE_SOON, "1 h 0 min" },
  { 59 * G_TIME_SPAN_MINUTE, VIGIL_DORA_DUE_URGENT, "59 min" },
  { 0, VIGIL_DORA_DUE_URGENT, "0 min" },
  { -G_TIME_SPAN_SECOND, VIGIL_DORA_DUE_OVERDUE, "overdue by 0 min" },
  { -20 * G_TIME_SPAN_MINUTE, VIGIL_DORA_DUE_OVERDUE, "overdue by 20 min" },
  { -2 * G_TIME_SPAN_DAY, VIGIL_DORA_DUE_OVERDUE, "overdue by 2 d 0 h" },
};

static void
test_due_status (void)
{
  g_autoptr(GDateTime) now = utc (2026, 3, 2, 10, 0, 0);

  for (guint i = 0; i < G_N_ELEMENTS (status_cases); i++)
    {
      const StatusCase *c = &status_cases[i];
      g_autoptr(GDateTime) due = g_date_time_add (now, c->left);
      g_autofree char *text = NULL;
      GTimeSpan left = 1;

      g_assert_cmpint (vigil_dora_due_status (due, now, &left), ==, c->level);
      g_assert_cmpint (left, ==, c->left);
      text = vigil_dora_format_time_left (left);
      g_assert_cmpstr (text, ==, c->text);
    }
}

/* Field formats */

static void
test_formats (void)
{
  static const struct { double in; const char *out; } pct[] = {
    { 12.5, "12.5" }, { 12.345, "12.3" }, { 12.35, "12.4" }, { 12.25, "12.3" }, { 0.05, "0.1" },
    { 0.04, "0.0" }, { 0, "0.0" }, { 100, "100.0" }, { 9999.94, "9999.9" }, { 9999.95, NULL },
    { -0.1, NULL }, { INFINITY, NULL }, { NAN, NULL },
  };
  static const struct { gint64 part, whole; const char *out; } ratio[] = {
    { 1, 8, "12.5" }, { 1, 16, "6.3" }, { 1, 3, "33.3" }, { 2, 3, "66.7" }, { 1, 2000, "0.1" },
    { 1, 2001, "0.0" }, { 5, 5, "100.0" }, { 150, 1, NULL }, { 1, 0, NULL }, { -1, 5, NULL },
    { 99999, 1000, "9999.9" },
  };
  static const struct { GTimeSpan in; const char *out; } dur[] = {
    { 0, "00:00:00" },
    { G_TIME_SPAN_DAY + 2 * G_TIME_SPAN_HOUR + 3 * G_TIME_SPAN_MINUTE + 59 * G_TIME_SPAN_SECOND,
      "01:02:03" },
    { 26 * G_TIME_SPAN_HOUR + 30 * G_TIME_SPAN_MINUTE, "01:02:30" },
    { 99 * G_TIME_SPAN_DAY + 23 * G_TIME_SPAN_HOUR + 59 * G_TIME_SPAN_MINUTE, "99:23:59" },
    { 100 * G_TIME_SPAN_DAY, NULL },
    { -1, NULL },
  };
  g_autoptr(GDateTime) when = vigil_time_from_iso ("2026-03-02T11:05:09.750+01:00");
  g_autofree char *dt = vigil_dora_format_dt (when);

  for (guint i = 0; i < G_N_ELEMENTS (pct); i++)
    {
      g_autofree char *out = vigil_dora_format_pct (pct[i].in);

      g_assert_cmpstr (out, ==, pct[i].out);
    }
  for (guint i = 0; i < G_N_ELEMENTS (ratio); i++)
    {
      g_autofree char *out = vigil_dora_format_pct_ratio (ratio[i].part, ratio[i].whole);

      g_assert_cmpstr (out, ==, ratio[i].out);
    }
  for (guint i = 0; i < G_N_ELEMENTS (dur); i++)
    {
      g_autofree char *out = vigil_dora_format_dur (dur[i].in);

      g_assert_cmpstr (out, ==, dur[i].out);
    }
  g_assert_cmpstr (dt, ==, "2026-03-02T10:05:09");
}

static void
test_lei (void)
{
  /* Check digits computed by hand with ISO 7064 MOD 97-10. */
  static const char *valid[] = {
    "5493001KJTIIGC8Y1R12",
    "529900T8BM49AURSDO55",
    "7LTWFZYICNSX8D621K86",
    "VIGILTESTLEI00000078",
  };
  static const char *invalid[] = {
    "5493001KJTIIGC8Y1R13",    /* wrong check digit */
    "5493001KJTIIGC8Y1R21",    /* check digits swapped */
    "5493001KJTIIGC8Y1R11",    /* remainder 0 instead of 1 */
    "5493001KJTIIGC8YR112",    /* two characters swapped */
    "5493001kjtiigc8y1r12",    /* lower case */
    "5493001KJTIIGC8Y1R1",     /* 19 characters */
    "5493001KJTIIGC8Y1R123",   /* 21 characters */
    "5493001KJTIIGC8Y1RAB",    /* letters as check digits */
    "5493001KJTIIGC8Y1 12",    /* space */
    "",
    NULL,
  };
  g_autofree char *digits = vigil_dora_lei_check_digits ("5493001KJTIIGC8Y1R");
  g_autofree char *digits2 = vigil_dora_lei_check_digits ("VIGILTESTLEI000000");
  g_autofree char *none = vigil_dora_lei_check_digits ("VIGILTESTLEI00000");
  g_autofree char *lower = vigil_dora_lei_check_digits ("vigiltestlei000000");

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    g_assert_true (vigil_dora_lei_is_valid (valid[i]));
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    g_assert_false (vigil_dora_lei_is_valid (invalid[i]));

  g_assert_cmpstr (digits, ==, "12");
  g_assert_cmpstr (digits2, ==, "78");
  g_assert_null (none);
  g_assert_null (lower);

  /* Every base gets check digits that make a valid LEI. */
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *base = g_strdup_printf ("%06uVIGILTEST%03u", (i * 7919) % 1000000, i);
      g_autofree char *check = vigil_dora_lei_check_digits (base);
      g_autofree char *lei = g_strconcat (base, check, NULL);

      g_assert_true (vigil_dora_lei_is_valid (lei));
    }
}

static void
test_states (void)
{
  const char * const *states = vigil_dora_eea_states ();

  g_assert_cmpuint (g_strv_length ((char **) states), ==, VIGIL_DORA_N_EEA_STATES);
  for (guint i = 0; states[i] != NULL; i++)
    {
      const char *zone = vigil_dora_eea_state_time_zone (states[i]);
      g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (zone);

      g_assert_cmpint (vigil_dora_eea_state_index (states[i]), ==, (int) i);
      if (i > 0)
        g_assert_cmpint (strcmp (states[i - 1], states[i]), <, 0);
      g_assert_nonnull (tz);
    }

  g_assert_true (vigil_dora_is_eea_state ("DE"));
  g_assert_true (vigil_dora_is_eea_state ("GR"));
  g_assert_true (vigil_dora_is_eea_state ("NO"));
  g_assert_true (vigil_dora_is_eea_state ("LI"));
  g_assert_true (vigil_dora_is_eea_state ("IS"));
  g_assert_false (vigil_dora_is_eea_state ("EL"));
  g_assert_false (vigil_dora_is_eea_state ("CH"));
  g_assert_false (vigil_dora_is_eea_state ("GB"));
  g_assert_false (vigil_dora_is_eea_state ("de"));
  g_assert_false (vigil_dora_is_eea_state ("DEU"));
  g_assert_false (vigil_dora_is_eea_state (""));
  g_assert_false (vigil_dora_is_eea_state (NULL));
  g_assert_cmpstr (vigil_dora_eea_state_time_zone ("FI"), ==, "Europe/Helsinki");
  g_assert_null (vigil_dora_eea_state_time_zone ("US"));
}

static void
test_entity_types (void)
{
  guint n = 0;

  for (guint bit = 0; bit < 32; bit++)
    {
      VigilDoraEntityType type = 1u << bit;
      const char *id = vigil_dora_entity_type_to_string (type);
      VigilDoraEntityType back = 0;

      if (id == NULL)
        continue;
      n++;
      g_assert_true (vigil_dora_entity_type_from_string (id, &back));
      g_assert_cmpuint (back, ==, type);
      g_assert_nonnull (vigil_dora_entity_type_get_label (type));
    }
  g_assert_cmpuint (n, ==, VIGIL_DORA_N_ENTITY_TYPES);
  g_assert_cmpstr (vigil_dora_entity_type_get_label (VIGIL_DORA_ENTITY_CCP), ==,
                   "Central counterparty");
  g_assert_false (vigil_dora_entity_type_from_string ("bank", NULL));
}

/* Calendar */

static void
test_calendar_data (void)
{
  g_autoptr(VigilCalendar) calendar = vigil_calendar_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) days = NULL;
  g_autoptr(GDateTime) friday = utc (2026, 5, 1, 9, 0, 0);
  g_autoptr(GDateTime) monday = utc (2026, 5, 4, 0, 0, 0);
  g_autoptr(GDateTime) tuesday = utc (2026, 5, 5, 0, 0, 0);
  g_autoptr(GDateTime) next = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) states = NULL;
  static const char *bad[] = {
    "[]",
    "{'de': ['2026-05-01']}",
    "{'DE': '2026-05-01'}",
    "{'DE': ['2026-02-30']}",
    "{'DE': ['1 May 2026']}",
    "{'DE': [20260501]}",
    "{'DE': ['2026-05-01T00:00:00Z']}",
  };

  g_assert_true (json_parser_load_from_data (parser,
    "{\"FR\": [\"2026-05-08\", \"2026-05-01\"], \"DE\": [\"2026-05-04\", "
    "\"2026-05-01\"]}", -1, NULL));
  g_assert_true (vigil_calendar_load_json (calendar, json_parser_get_root (parser), &error));
  g_assert_no_error (error);

  states = vigil_calendar_dup_states (calendar);
  g_assert_cmpstr (states[0], ==, "DE");
  g_assert_cmpstr (states[1], ==, "FR");
  g_assert_null (states[2]);

  days = vigil_calendar_dup_holidays (calendar, "DE");
  g_assert_cmpuint (days->len, ==, 2);
  assert_time_equal (days->pdata[1], monday);

  g_assert_true (vigil_calendar_is_holiday (calendar, "DE", friday));
  g_assert_false (vigil_calendar_is_working_day (calendar, "DE", friday));
  g_assert_false (vigil_calendar_is_holiday (calendar, "AT", friday));
  /* Friday 1 May is a holiday, Monday 4 May too: next working day Tuesday. */
  next = vigil_calendar_next_working_day (calendar, "DE", friday);
  assert_time_equal (next, tuesday);

  out = vigil_calendar_to_json (calendar);
  text = json_to_string (out, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"DE\":[\"2026-05-01\",\"2026-05-04\"],"
                   "\"FR\":[\"2026-05-01\",\"2026-05-08\"]}");

  vigil_calendar_remove_holiday (calendar, "DE", monday);
  g_assert_false (vigil_calendar_is_holiday (calendar, "DE", monday));
  vigil_calendar_clear_state (calendar, "FR");
  g_clear_pointer (&states, g_strfreev);
  states = vigil_calendar_dup_states (calendar);
  g_assert_cmpuint (g_strv_length (states), ==, 1);
  g_assert_false (vigil_calendar_add_holiday (calendar, "Germany", monday));

  /* A bad document changes nothing. */
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonParser) p = json_parser_new ();
      g_autofree char *json = squote_to_json (bad[i]);
      g_autoptr(GError) local = NULL;

      g_assert_true (json_parser_load_from_data (p, json, -1, NULL));
      g_assert_false (vigil_calendar_load_json (calendar, json_parser_get_root (p), &local));
      g_assert_nonnull (local);
      g_assert_true (local->domain == VIGIL_CALENDAR_ERROR);
      g_assert_true (vigil_calendar_is_holiday (calendar, "DE", friday));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (threshold_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/vigil/dora/classify/threshold/%s",
                                               threshold_cases[i].name);
      g_test_add_data_func (path, &threshold_cases[i], test_thresholds);
    }
  for (guint i = 0; i < G_N_ELEMENTS (major_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/vigil/dora/classify/major/%s",
                                               major_cases[i].name);
      g_test_add_data_func (path, &major_cases[i], test_major);
    }
  g_test_add_func ("/vigil/dora/classify/reasons", test_reasons);
  g_test_add_func ("/vigil/dora/classify/record", test_record);
  g_test_add_func ("/vigil/dora/codec/roundtrip", test_codec_roundtrip);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/vigil/dora/codec/bad/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_codec_bad);
    }
  g_test_add_func ("/vigil/dora/codec/check", test_check_struct);
  for (guint i = 0; i < G_N_ELEMENTS (threat_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/vigil/dora/threat/%s", threat_cases[i].name);
      g_test_add_data_func (path, &threat_cases[i], test_threat);
    }
  g_test_add_func ("/vigil/dora/recurring", test_recurring);
  for (guint i = 0; i < G_N_ELEMENTS (initial_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/vigil/dora/deadline/initial/%s",
                                               initial_cases[i].name);
      g_test_add_data_func (path, &initial_cases[i], test_initial_due);
    }
  g_test_add_func ("/vigil/dora/deadline/intermediate-final", test_intermediate_and_final);
  for (guint i = 0; i < G_N_ELEMENTS (relief_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/vigil/dora/deadline/relief/%s",
                                               relief_cases[i].name);
      g_test_add_data_func (path, &relief_cases[i], test_relief);
    }
  g_test_add_func ("/vigil/dora/deadline/compute", test_deadline_compute);
  g_test_add_func ("/vigil/dora/deadline/status", test_due_status);
  g_test_add_func ("/vigil/dora/format/fields", test_formats);
  g_test_add_func ("/vigil/dora/format/lei", test_lei);
  g_test_add_func ("/vigil/dora/format/states", test_states);
  g_test_add_func ("/vigil/dora/entity-types", test_entity_types);
  g_test_add_func ("/vigil/dora/calendar", test_calendar_data);

  return g_test_run ();
}
