/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include <vigil/vigil.h>

#include "test-core-util.h"

/* The DORA report drafts: the field table against the regulation, value
 * checks, completeness, drafts and versions through a real store, and the
 * exports. */

#define ANALYST "alice"
#define VALID_LEI "529900T8BM49AURSDO55"

/* The field numbers of each part of Annex II and of Annex III, written
 * out from the regulation (ITS 2025/302), not from the code. */
static const char * const general[] = {
  "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "1.11", "1.12",
  "1.13", "1.14", "1.15", NULL
};
static const char * const initial[] = {
  "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9", "2.10", NULL
};
static const char * const intermediate[] = {
  "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12",
  "3.13", "3.14", "3.15", "3.16", "3.17", "3.18", "3.19", "3.20", "3.21", "3.22", "3.23",
  "3.24", "3.25", "3.26", "3.27", "3.28", "3.29", "3.30", "3.31", "3.32", "3.33", "3.34",
  "3.35", NULL
};
static const char * const final[] = {
  "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9", "4.10", "4.11", "4.12",
  "4.13", "4.14", "4.15", "4.16", NULL
};
static const char * const reclassified[] = { "2.1", "2.10", NULL };
static const char * const threat[] = {
  "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16",
  "17", "18", "19", "20", NULL
};

/* Types as the annexes give them. */
static const struct {
  const char *no;
  const char *type;
  const char *name;
} spec_fields[] = {
  { "1.1", "C1", "Type of submission" },
  { "1.3", "A", "Identification code of the entity submitting the report" },
  { "1.4", "CN", "Type of financial entity affected" },
  { "1.6", "LEI", "LEI code of the financial entity affected" },
  { "1.14", "LEI", "LEI code of the ultimate parent undertaking" },
  { "1.15", "C1", "Reporting currency" },
  { "2.2", "DT", "Date and time of detection of the incident" },
  { "2.3", "DT", "Date and time of classification of the incident as major" },
  { "2.5", "CN", "Classification criteria that triggered the incident report" },
  { "2.6", "CN", "Member States impacted by the incident" },
  { "2.7", "C1", "Discovery of the incident" },
  { "2.9", "BOOL", "Activation of business continuity plan, if activated" },
  { "3.4", "int", "Number of clients affected" },
  { "3.5", "PCT", "Percentage of clients affected" },
  { "3.11", "MON", "Value of affected transactions" },
  { "3.15", "DUR", "Duration of the incident" },
  { "3.16", "DUR", "Service downtime" },
  { "3.17", "C1", NULL },
  { "3.23", "CN", "Type of the incident" },
  { "3.28", "C1", NULL },
  { "3.30", "C1", "Impact on the financial interest of clients" },
  { "3.33", "BOOL", NULL },
  { "4.1", "CN", NULL },
  { "4.7", "DT", NULL },
  { "4.13", "MON", "Amount of gross direct and indirect costs and losses" },
  { "4.14", "MON", "Amount of financial recoveries" },
  { "4.16", "DT", NULL },
  { "5", "LEI", "LEI code of the financial entity" },
  { "12", "DT", NULL },
  { "15", "CN", "Potential incident classification criteria" },
  { "16", "C1", "Status of the cyber threat" },
};

static GStrv
expected_fields (VigilDoraReportForm form)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  switch (form)
    {
    case VIGIL_DORA_FORM_THREAT:
      g_strv_builder_addv (builder, (const char **) threat);
      break;
    case VIGIL_DORA_FORM_RECLASSIFIED:
      g_strv_builder_addv (builder, (const char **) general);
      g_strv_builder_addv (builder, (const char **) reclassified);
      break;
    case VIGIL_DORA_FORM_FINAL:
    case VIGIL_DORA_FORM_INTERMEDIATE:
    case VIGIL_DORA_FORM_INITIAL:
      g_strv_builder_addv (builder, (const char **) general);
      g_strv_builder_addv (builder, (const char **) initial);
      if (form >= VIGIL_DORA_FORM_INTERMEDIATE)
        g_strv_builder_addv (builder, (const char **) intermediate);
      if (form == VIGIL_DORA_FORM_FINAL)
        g_strv_builder_addv (builder, (const char **) final);
      break;
    default:
      g_assert_not_reached ();
    }
  return g_strv_builder_end (builder);
}

static JsonNode *
parse (const char *squoted)
{
  g_autofree char *json = g_strdup (squoted);
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  g_strdelimit (json, "'", '"');
  node = json_from_string (json, &error);
  g_assert_no_error (error);
  return node;
}

static JsonObject *
parse_object (const char *squoted)
{
  g_autoptr(JsonNode) node = parse (squoted);

  return json_object_ref (json_node_get_object (node));
}

static void
test_table (void)
{
  guint n_fields;
  const VigilDoraFieldInfo *fields = vigil_dora_report_fields (&n_fields);

  for (guint i = 0; i < G_N_ELEMENTS (spec_fields); i++)
    {
      const VigilDoraFieldInfo *field = vigil_dora_report_lookup_field (spec_fields[i].no);

      g_test_message ("field %s", spec_fields[i].no);
      g_assert_nonnull (field);
      g_assert_cmpstr (vigil_dora_field_type_to_string (field->type), ==, spec_fields[i].type);
      if (spec_fields[i].name != NULL)
        g_assert_cmpstr (field->name, ==, spec_fields[i].name);
    }

  for (guint i = 0; i < n_fields; i++)
    {
      const VigilDoraFieldInfo *field = &fields[i];

      g_assert_cmpuint (strlen (field->name), >, 0);
      g_assert_true ((field->type == VIGIL_DORA_FIELD_C1 || field->type == VIGIL_DORA_FIELD_CN) ==
                     (field->choices != NULL || g_str_equal (field->no, "1.15")));
      /* A rule looks at a field of the same report. */
      if (field->rule_field != NULL)
        {
          const VigilDoraFieldInfo *other = vigil_dora_report_lookup_field (field->rule_field);

          g_assert_nonnull (other);
          g_assert_cmpuint (field->forms & ~other->forms, ==, 0);
        }
      for (const char * const *code = field->rule_codes; code != NULL && *code != NULL; code++)
        {
          const VigilDoraFieldInfo *other = vigil_dora_report_lookup_field (field->rule_field);

          g_assert_true (other->type == VIGIL_DORA_FIELD_BOOL ||
                         vigil_dora_field_find_choice (other, *code) != NULL);
        }
    }

  /* The entity types and triggers share the codes of the classification. */
  for (guint i = 0; i < VIGIL_DORA_N_ENTITY_TYPES; i++)
    g_assert_nonnull (vigil_dora_field_find_choice (vigil_dora_report_lookup_field ("1.4"),
                                                    vigil_dora_entity_type_to_string (1u << i)));
  {
    g_auto(GStrv) ids = vigil_dora_triggers_to_strv (0x7f);

    for (guint i = 0; ids[i] != NULL; i++)
      g_assert_nonnull (vigil_dora_field_find_choice (vigil_dora_report_lookup_field ("2.5"),
                                                      ids[i]));
  }
}

/* The export numbers the sections of the incident reports, the editor
 * does not; the threat notification's have no number in either. */
static void
test_sections (void)
{
  const VigilDoraFieldInfo *fields;
  guint n_fields, n_numbered = 0, n_plain = 0;

  g_assert_cmpstr (vigil_dora_field_get_section (vigil_dora_report_lookup_field ("1.1"), TRUE),
                   ==, "1. General information");
  g_assert_cmpstr (vigil_dora_field_get_section (vigil_dora_report_lookup_field ("1.1"), FALSE),
                   ==, "General information");
  g_assert_cmpstr (vigil_dora_field_get_section (vigil_dora_report_lookup_field ("4.1"), TRUE),
                   ==, "4. Final report");
  g_assert_null (vigil_dora_field_get_section (vigil_dora_report_lookup_field ("1.2"), TRUE));

  fields = vigil_dora_report_fields (&n_fields);
  for (guint i = 0; i < n_fields; i++)
    {
      const char *numbered = vigil_dora_field_get_section (&fields[i], TRUE);
      const char *plain = vigil_dora_field_get_section (&fields[i], FALSE);

      g_assert_true ((numbered == NULL) == (plain == NULL));
      if (numbered == NULL)
        continue;
      if (vigil_dora_field_in_form (&fields[i], VIGIL_DORA_FORM_THREAT))
        {
          g_assert_cmpstr (numbered, ==, plain);
          g_assert_true (g_str_equal (plain, "Entity and contacts")
                         || g_str_equal (plain, "The cyber threat"));
          n_plain++;
        }
      else
        {
          g_autofree char *expected = g_strdup_printf ("%c. %s", fields[i].no[0], plain);

          g_assert_cmpstr (numbered, ==, expected);
          n_numbered++;
        }
    }
  g_assert_cmpuint (n_numbered, ==, 4);
  g_assert_cmpuint (n_plain, ==, 2);
}

static void
test_validate (void)
{
  static const struct {
    const char *no;
    const char *value;
    gboolean    ok;
  } cases[] = {
    { "1.2", "'Acme Bank AG'", TRUE },
    { "1.2", "12", FALSE },
    { "1.6", "'" VALID_LEI "'", TRUE },
    { "1.6", "'" VALID_LEI "; " VALID_LEI "'", TRUE },
    { "1.6", "'529900T8BM49AURSDO56'", FALSE },
    { "1.14", "'529900T8BM49AURSDO5'", FALSE },
    { "1.14", "'" VALID_LEI ";" VALID_LEI "'", FALSE },
    { "1.15", "'EUR'", TRUE },
    { "1.15", "'eur'", FALSE },
    { "1.15", "'EURO'", FALSE },
    { "1.1", "'final_report'", TRUE },
    { "1.1", "'final'", FALSE },
    { "1.4", "['credit_institution','investment_firm']", TRUE },
    { "1.4", "['credit_institution','credit_institution']", FALSE },
    { "1.4", "['bank']", FALSE },
    { "1.4", "'credit_institution'", FALSE },
    { "2.2", "'2025-03-01T09:15:00'", TRUE },
    { "2.2", "'2025-03-01T09:15:00Z'", FALSE },
    { "2.2", "'2025-02-30T09:15:00'", FALSE },
    { "2.2", "'2025-03-01 09:15:00'", FALSE },
    { "2.6", "['DE','AT','GR']", TRUE },
    { "2.6", "['EL']", FALSE },
    { "2.6", "['US']", FALSE },
    { "2.9", "true", TRUE },
    { "2.9", "'yes'", FALSE },
    { "3.4", "1200", TRUE },
    { "3.4", "-1", FALSE },
    { "3.4", "12.5", FALSE },
    { "3.5", "'12.5'", TRUE },
    { "3.5", "'100'", TRUE },
    { "3.5", "'9999.9'", TRUE },
    { "3.5", "'12.55'", FALSE },
    { "3.5", "'12.5%'", FALSE },
    { "3.5", "'99999.9'", FALSE },
    { "3.5", "12.5", FALSE },
    { "3.11", "2500.5", TRUE },
    { "3.11", "0", TRUE },
    { "3.11", "-3", FALSE },
    { "3.11", "'2500'", FALSE },
    { "3.15", "'01:02:30'", TRUE },
    { "3.15", "'00:24:00'", FALSE },
    { "3.15", "'00:23:60'", FALSE },
    { "3.15", "'1:02:30'", FALSE },
    { "3.28", "'not_available'", TRUE },
    { "3.28", "'maybe'", FALSE },
    { "16", "'inactive'", TRUE },
    { "5", "'" VALID_LEI ";" VALID_LEI "'", FALSE },
    { "2.4", "null", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const VigilDoraFieldInfo *field = vigil_dora_report_lookup_field (cases[i].no);
      g_autoptr(JsonNode) value = parse (cases[i].value);
      g_autoptr(GError) error = NULL;
      gboolean ok;

      g_test_message ("%s = %s", cases[i].no, cases[i].value);
      g_assert_nonnull (field);
      ok = vigil_dora_field_check_value (field, value, &error);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (!ok)
        g_assert_error (error, VIGIL_DORA_REPORT_ERROR, VIGIL_DORA_REPORT_ERROR_INVALID_VALUE);
    }

  /* The app's own formatters write what the checks accept. */
  {
    g_autoptr(GDateTime) when = g_date_time_new_utc (2025, 3, 1, 9, 15, 0);
    g_autofree char *dt = vigil_dora_format_dt (when);
    g_autofree char *pct = vigil_dora_format_pct (12.345);
    g_autofree char *dur = vigil_dora_format_dur (26 * G_TIME_SPAN_HOUR + 30 * G_TIME_SPAN_MINUTE);
    g_autofree char *check = vigil_dora_lei_check_digits ("529900T8BM49AURSDO");
    g_autofree char *lei = g_strdup_printf ("529900T8BM49AURSDO%s", check);
    struct { const char *no; const char *text; } mine[] = {
      { "2.2", dt }, { "3.5", pct }, { "3.15", dur }, { "1.14", lei },
    };

    for (guint i = 0; i < G_N_ELEMENTS (mine); i++)
      {
        g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

        json_node_set_string (node, mine[i].text);
        g_assert_true (vigil_dora_field_check_value (vigil_dora_report_lookup_field (mine[i].no),
                                                     node, NULL));
      }
  }
}

static void
assert_missing (VigilDoraReportForm  form,
                const char          *values,
                const char          *no,
                gboolean             missing)
{
  g_autoptr(JsonObject) object = parse_object (values);
  g_auto(GStrv) list = vigil_dora_report_list_missing (form, object);

  g_test_message ("%s with %s: %s", vigil_dora_form_to_string (form), values, no);
  g_assert_cmpint (g_strv_contains ((const char * const *) list, no), ==, missing);
}

static void
test_completeness (void)
{
  g_autoptr(JsonObject) empty = json_object_new ();
  g_auto(GStrv) initial_missing = vigil_dora_report_list_missing (VIGIL_DORA_FORM_INITIAL, empty);
  g_auto(GStrv) threat_missing = vigil_dora_report_list_missing (VIGIL_DORA_FORM_THREAT, empty);
  static const char * const initial_required[] = {
    "1.1", "1.2", "1.3", "1.4", "1.7", "1.8", "1.9", "1.10", "1.11", "1.12", "1.15",
    "2.1", "2.2", "2.3", "2.4", "2.5", "2.7", "2.9", NULL
  };
  static const char * const threat_required[] = {
    "1", "2", "6", "7", "8", "12", "13", "14", "15", "16", "17", NULL
  };

  /* Nothing filled: exactly the unconditional fields, in template order. */
  g_assert_true (g_strv_equal ((const char * const *) initial_missing, initial_required));
  g_assert_true (g_strv_equal ((const char * const *) threat_missing, threat_required));

  /* Conditional rules follow the other values. */
  assert_missing (VIGIL_DORA_FORM_INITIAL, "{'2.5':['clients']}", "2.6", FALSE);
  assert_missing (VIGIL_DORA_FORM_INITIAL, "{'2.5':['clients','geography']}", "2.6", TRUE);
  assert_missing (VIGIL_DORA_FORM_INITIAL, "{'2.5':['geography'],'2.6':['DE','FR']}", "2.6",
                  FALSE);
  assert_missing (VIGIL_DORA_FORM_INITIAL, "{}", "2.10", FALSE);
  assert_missing (VIGIL_DORA_FORM_RECLASSIFIED, "{}", "2.10", TRUE);
  assert_missing (VIGIL_DORA_FORM_RECLASSIFIED, "{}", "2.2", FALSE);
  assert_missing (VIGIL_DORA_FORM_INITIAL, "{'1.13':'Acme Holding'}", "1.14", TRUE);
  assert_missing (VIGIL_DORA_FORM_INITIAL, "{}", "1.14", FALSE);
  assert_missing (VIGIL_DORA_FORM_INITIAL, "{}", "3.15", FALSE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{}", "3.15", TRUE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{'3.23':['cybersecurity']}", "3.24", FALSE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{'3.23':['cybersecurity','other']}", "3.24",
                  TRUE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{'3.23':['cybersecurity']}", "3.25", TRUE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{'3.23':['system_failure']}", "3.25", FALSE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{'3.25':['ddos','other']}", "3.26", TRUE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{'3.28':'yes'}", "3.29", TRUE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{'3.28':'not_available'}", "3.29", FALSE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{'3.31':['csirt','other']}", "3.32", TRUE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{'3.33':true}", "3.34", TRUE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{'3.33':false}", "3.34", FALSE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{'3.16':'00:03:00'}", "3.3", TRUE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{}", "3.3", FALSE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{'2.5':['reputation']}", "3.13", TRUE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{'2.5':['data_losses']}", "3.21", TRUE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{'2.5':['duration']}", "3.17", TRUE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{'2.5':['geography']}", "3.18", TRUE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{'3.12':['estimate_transactions']}", "3.10",
                  TRUE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{'3.12':['no_impact_transactions']}", "3.10",
                  FALSE);
  assert_missing (VIGIL_DORA_FORM_INTERMEDIATE, "{}", "4.5", FALSE);
  assert_missing (VIGIL_DORA_FORM_FINAL, "{}", "4.5", TRUE);
  assert_missing (VIGIL_DORA_FORM_FINAL, "{'4.2':['process_monitoring']}", "4.3", TRUE);
  assert_missing (VIGIL_DORA_FORM_FINAL, "{'4.2':['process_roles']}", "4.3", FALSE);
  assert_missing (VIGIL_DORA_FORM_FINAL, "{'4.2':['human_other']}", "4.4", TRUE);
  assert_missing (VIGIL_DORA_FORM_FINAL, "{'4.15':'3 occurrences'}", "4.16", TRUE);
  assert_missing (VIGIL_DORA_FORM_FINAL, "{'4.2':['process_other'],'4.4':'  '}", "4.4", TRUE);
  assert_missing (VIGIL_DORA_FORM_THREAT, "{'4':'Acme Payments'}", "5", TRUE);
}

/* Through a real store */

typedef struct {
  char          *dir;
  VigilStore    *store;
  VigilIncident *incident;
} Fixture;

#define CRITERIA "{'critical_services':{'cif':true,'malicious_access':true}," \
                 "'clients':{'affected':1500,'total':10000}," \
                 "'duration':{'occurred_at':'2025-03-01T08:00:00Z'," \
                 "'detected_at':'2025-03-01T09:00:00Z','resolved_at':'2025-03-02T10:30:00Z'}," \
                 "'geography':{'home_state':'DE','states':{'DE':['clients'],'AT':['clients','branch']}}," \
                 "'data_losses':{'intrusion':true}," \
                 "'economic':{'currency':'EUR','eur_rate':1,'costs':{'staff':20000,'advisory':5000}}}"

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(VigilIncident) created = NULL;

  f->store = test_core_open_temp_store ("vigil-test-dora-report-XXXXXX", &f->dir, NULL);

  created = test_core_apply (f->store, NULL, "incident.create", ANALYST, VIGIL_ROLE_ANALYST,
                             "{'title':'Card payments down','type':'ddos',"
                             "'description':'The card gateway stopped answering.',"
                             "'detection_method':'monitoring',"
                             "'detected_at':'2025-03-01T09:00:00Z',"
                             "'aware_at':'2025-03-01T09:15:00Z'}");
  f->incident = test_core_apply (f->store, created, "dora.classify", ANALYST,
                                 VIGIL_ROLE_ANALYST, "{'criteria':" CRITERIA "}");
  g_assert_true (vigil_incident_get_dora_major (f->incident));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->incident);
  vigil_store_close (f->store);
  g_clear_object (&f->store);
  test_core_remove_tree (f->dir);
  g_free (f->dir);
}

static void
step (Fixture    *f,
      const char *kind,
      const char *payload)
{
  VigilIncident *next = test_core_apply (f->store, f->incident, kind, ANALYST,
                                         VIGIL_ROLE_ANALYST, payload);

  g_set_object (&f->incident, next);
  g_object_unref (next);
}

static void
step_fail (Fixture    *f,
           const char *kind,
           const char *payload,
           const char *field)
{
  g_autofree char *json = g_strdup (payload);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(VigilOp) op = NULL;
  g_autoptr(VigilIncident) result = NULL;
  g_autofree char *found = NULL;
  VigilOpKind op_kind;

  g_strdelimit (json, "'", '"');
  node = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_op_kind_from_string (kind, &op_kind));
  op = vigil_op_new (op_kind, vigil_incident_get_id (f->incident), ANALYST,
                     vigil_incident_get_revision (f->incident),
                     json_object_ref (json_node_get_object (node)));
  result = vigil_store_apply (f->store, op, VIGIL_ROLE_ANALYST, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID);
  found = vigil_op_error_dup_field (error);
  g_assert_cmpstr (found, ==, field);
}

static const char *
value_string (VigilDoraReport *report,
              const char      *no)
{
  JsonNode *node = vigil_dora_report_get_value (report, no);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

static char *
value_text (VigilDoraReport *report,
            const char      *no)
{
  JsonNode *node = vigil_dora_report_get_value (report, no);

  return node != NULL ? json_to_string (node, FALSE) : NULL;
}

static void
test_prefill (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(VigilDoraReport) report = vigil_dora_report_new (f->incident,
                                                             VIGIL_DORA_FORM_INTERMEDIATE);
  g_autofree char *triggers = value_text (report, "2.5");
  g_autofree char *states = value_text (report, "2.6");
  g_autofree char *estimates = value_text (report, "3.12");
  g_autofree char *geo = value_text (report, "3.18");
  g_autofree char *type = value_text (report, "3.23");
  g_autofree char *technique = value_text (report, "3.25");
  g_autoptr(GDateTime) classified_at = vigil_incident_dup_dora_classified_at (f->incident);
  g_autofree char *classified = vigil_dora_format_dt (classified_at);

  g_assert_cmpstr (value_string (report, "1.1"), ==, "intermediate_report");
  g_assert_cmpstr (value_string (report, "1.15"), ==, "EUR");
  g_assert_cmpstr (value_string (report, "2.1"), ==, vigil_incident_get_reference (f->incident));
  g_assert_cmpint (vigil_dora_report_get_source (report, "2.1"), ==, VIGIL_DORA_SOURCE_INCIDENT);
  g_assert_cmpstr (value_string (report, "2.2"), ==, "2025-03-01T09:15:00");
  g_assert_cmpstr (value_string (report, "2.3"), ==, classified);
  g_assert_cmpstr (value_string (report, "2.4"), ==, "The card gateway stopped answering.");
  g_assert_cmpstr (triggers, ==,
                   "[\"clients\",\"duration\",\"geography\",\"data_losses\",\"critical_services\"]");
  g_assert_cmpstr (states, ==, "[\"AT\",\"DE\"]");
  g_assert_cmpstr (value_string (report, "2.7"), ==, "monitoring_systems");
  g_assert_cmpstr (value_string (report, "3.2"), ==, "2025-03-01T08:00:00");
  g_assert_cmpint (json_node_get_int (vigil_dora_report_get_value (report, "3.4")), ==, 1500);
  g_assert_cmpstr (value_string (report, "3.5"), ==, "15.0");
  g_assert_cmpstr (estimates, ==,
                   "[\"actual_clients\",\"no_impact_counterparts\",\"no_impact_transactions\"]");
  g_assert_cmpstr (value_string (report, "3.15"), ==, "01:02:30");
  g_assert_cmpstr (value_string (report, "3.17"), ==, "actual");
  g_assert_cmpstr (geo, ==, "[\"clients\",\"branch\"]");
  g_assert_cmpstr (type, ==, "[\"cybersecurity\"]");
  g_assert_cmpstr (technique, ==, "[\"ddos\"]");
  g_assert_nonnull (value_string (report, "3.22"));
  /* What only the entity knows stays empty. */
  g_assert_null (vigil_dora_report_get_value (report, "1.2"));
  g_assert_null (vigil_dora_report_get_value (report, "2.9"));
  g_assert_cmpint (vigil_dora_report_get_source (report, "2.9"), ==, VIGIL_DORA_SOURCE_NONE);
  /* The initial notification has none of section 3; the final its costs. */
  {
    g_autoptr(VigilDoraReport) first = vigil_dora_report_new (f->incident,
                                                              VIGIL_DORA_FORM_INITIAL);
    g_autoptr(VigilDoraReport) last = vigil_dora_report_new (f->incident, VIGIL_DORA_FORM_FINAL);

    g_assert_null (vigil_dora_report_get_value (first, "3.15"));
    g_assert_cmpstr (value_string (first, "1.1"), ==, "initial_notification");
    g_assert_cmpfloat (json_node_get_double (vigil_dora_report_get_value (last, "4.13")), ==,
                       25000.0);
    g_assert_cmpstr (value_string (last, "4.8"), ==, "2025-03-02T10:30:00");
  }
  /* Without a threat record the threat notification knows only the time. */
  {
    g_autoptr(VigilDoraReport) notice = vigil_dora_report_new (f->incident,
                                                               VIGIL_DORA_FORM_THREAT);

    g_assert_cmpstr (value_string (notice, "12"), ==, "2025-03-01T09:15:00");
    g_assert_null (vigil_dora_report_get_value (notice, "13"));
  }
}

static void
test_threat_prefill (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(VigilIncident) copy = vigil_incident_copy (f->incident);
  g_autoptr(JsonNode) dora_node = json_node_init_object (json_node_alloc (),
                                                         vigil_incident_get_dora (copy));
  g_autoptr(JsonNode) dora_copy = json_node_copy (dora_node);
  g_autoptr(JsonObject) threat_record =
    parse_object ("{'assessed_at':'2025-03-01T10:00:00Z','could_affect':true,"
                  "'high_probability':true,'would_trigger':['clients','geography','bogus'],"
                  "'significant':true,'reasons':[],'description':'Botnet scanning the gateway',"
                  "'potential_impact':'Outage of card payments','status':'active',"
                  "'actions':'Rate limits','others_notified':'CSIRT',"
                  "'indicators':['203.0.113.7','evil.example']}");
  g_autoptr(VigilDoraReport) notice = NULL;
  g_autofree char *criteria = NULL;
  JsonObject *dora = json_node_get_object (dora_copy);

  json_object_set_object_member (dora, "threat", json_object_ref (threat_record));
  vigil_incident_set_dora (copy, dora);
  notice = vigil_dora_report_new (copy, VIGIL_DORA_FORM_THREAT);
  criteria = value_text (notice, "15");
  g_assert_cmpstr (value_string (notice, "13"), ==, "Botnet scanning the gateway");
  g_assert_cmpstr (value_string (notice, "14"), ==, "Outage of card payments");
  g_assert_cmpstr (criteria, ==, "[\"clients\",\"geography\"]");
  g_assert_cmpstr (value_string (notice, "16"), ==, "active");
  g_assert_cmpstr (value_string (notice, "17"), ==, "Rate limits");
  g_assert_cmpstr (value_string (notice, "18"), ==, "CSIRT");
  g_assert_cmpstr (value_string (notice, "19"), ==, "203.0.113.7\nevil.example");
}

static void
test_drafts_and_versions (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(VigilDoraReport) report = NULL;
  g_autoptr(VigilIncident) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) missing = NULL;
  JsonArray *reports;
  JsonObject *snapshot;

  /* Bad drafts are refused naming the field. */
  step_fail (f, "dora.report_draft", "{'report':'initial','fields':{'2.9':'yes'}}",
             "fields.2.9");
  step_fail (f, "dora.report_draft", "{'report':'initial','fields':{'3.15':'01:00:00'}}",
             "fields");
  step_fail (f, "dora.report_draft", "{'report':'initial','fields':{'1.1':'final_report'}}",
             "fields.1.1");
  step_fail (f, "dora.report_draft", "{'report':'interim','fields':{}}", "report");
  step_fail (f, "dora.report_draft", "{'report':'threat','fields':{'13':'x'}}", "report");
  step_fail (f, "dora.report_draft", "{'report':'initial','fields':{'1.14':'ABC'}}",
             "fields.1.14");

  /* The entity is filled once, in the initial notification. */
  step (f, "dora.report_draft",
        "{'report':'initial','fields':{'1.2':'Acme Bank AG','1.3':'" VALID_LEI "',"
        "'1.4':['credit_institution'],'1.7':'Ana','1.8':'ana@acme.example',"
        "'1.9':'+49 30 1234','1.10':'SOC','1.11':'soc@acme.example','1.12':'+49 30 5678',"
        "'2.9':false,'2.6':['AT','DE','FR']}}");
  report = vigil_dora_report_new (f->incident, VIGIL_DORA_FORM_INITIAL);
  g_assert_cmpint (vigil_dora_report_get_source (report, "1.2"), ==, VIGIL_DORA_SOURCE_DRAFT);
  g_assert_cmpint (vigil_dora_report_get_source (report, "2.6"), ==, VIGIL_DORA_SOURCE_DRAFT);
  missing = vigil_dora_report_list_missing_fields (report);
  g_assert_cmpstrv (missing, ((const char * const[]) { NULL }));
  g_clear_object (&report);
  g_clear_pointer (&missing, g_strfreev);

  /* Clearing a value brings the incident's back. */
  step (f, "dora.report_draft", "{'report':'initial','fields':{'2.6':null}}");
  report = vigil_dora_report_new (f->incident, VIGIL_DORA_FORM_INITIAL);
  g_assert_cmpint (vigil_dora_report_get_source (report, "2.6"), ==, VIGIL_DORA_SOURCE_INCIDENT);
  g_assert_cmpuint (vigil_dora_report_get_version (report), ==, 1);
  g_clear_object (&report);

  /* Later reports carry the earlier values over. */
  report = vigil_dora_report_new (f->incident, VIGIL_DORA_FORM_INTERMEDIATE);
  g_assert_cmpstr (value_string (report, "1.2"), ==, "Acme Bank AG");
  g_assert_cmpint (vigil_dora_report_get_source (report, "1.2"), ==, VIGIL_DORA_SOURCE_EARLIER);
  g_assert_cmpint (vigil_dora_report_get_source (report, "2.9"), ==, VIGIL_DORA_SOURCE_EARLIER);
  missing = vigil_dora_report_list_missing_fields (report);
  g_assert_true (g_strv_contains ((const char * const *) missing, "3.30"));
  g_assert_false (g_strv_contains ((const char * const *) missing, "1.2"));
  g_clear_object (&report);
  g_clear_pointer (&missing, g_strfreev);

  /* Submitted twice: two versions, each with what was sent. */
  step_fail (f, "dora.report_submitted",
             "{'report':'intermediate','at':'2025-03-01T12:00:00Z','authority':'BaFin'}",
             "report");
  step (f, "dora.report_submitted",
        "{'report':'initial','at':'2025-03-01T12:00:00Z','authority':'BaFin'}");
  step (f, "dora.report_draft", "{'report':'initial','fields':{'2.9':true}}");
  step (f, "dora.report_submitted",
        "{'report':'initial','at':'2025-03-01T13:00:00Z','authority':'BaFin',"
        "'reference':'BAF-2025-7'}");
  step_fail (f, "dora.report_submitted",
             "{'report':'initial','at':'2025-03-01T13:00:00Z','authority':'BaFin',"
             "'fields':{'2.9':'no'}}", "fields.2.9");
  step_fail (f, "dora.report_submitted",
             "{'report':'initial','at':'2025-03-01T13:00:00Z','authority':'BaFin',"
             "'fields':{'1.1':'final_report'}}", "fields.1.1");
  reports = json_object_get_array_member (vigil_incident_get_dora (f->incident), "reports");
  g_assert_cmpuint (json_array_get_length (reports), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (reports, 0),
                                               "version"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (reports, 1),
                                               "version"), ==, 2);
  snapshot = json_object_get_object_member (json_array_get_object_element (reports, 0), "fields");
  g_assert_false (json_object_get_boolean_member (snapshot, "2.9"));
  g_assert_cmpstr (json_object_get_string_member (snapshot, "1.2"), ==, "Acme Bank AG");
  g_assert_cmpstr (json_object_get_string_member (snapshot, "1.1"), ==, "initial_notification");
  snapshot = json_object_get_object_member (json_array_get_object_element (reports, 1), "fields");
  g_assert_true (json_object_get_boolean_member (snapshot, "2.9"));
  report = vigil_dora_report_new (f->incident, VIGIL_DORA_FORM_INITIAL);
  g_assert_cmpuint (vigil_dora_report_get_version (report), ==, 3);
  g_clear_object (&report);

  /* The intermediate clock runs from the first version. */
  {
    g_autoptr(GPtrArray) deadlines = vigil_incident_compute_dora_deadlines (f->incident, NULL,
                                                                            NULL);
    VigilDoraDeadline *deadline = g_ptr_array_index (deadlines, 0);
    g_autofree char *due = vigil_time_to_iso (deadline->legal_due);

    g_assert_cmpint (deadline->kind, ==, VIGIL_DORA_REPORT_INTERMEDIATE);
    g_assert_cmpstr (due, ==, "2025-03-04T12:00:00Z");
  }

  /* The values a client sends are what the version keeps. */
  step (f, "dora.report_submitted",
        "{'report':'intermediate','at':'2025-03-01T13:30:00Z','authority':'BaFin',"
        "'fields':{'1.1':'intermediate_report','3.30':'no'}}");
  reports = json_object_get_array_member (vigil_incident_get_dora (f->incident), "reports");
  snapshot = json_object_get_object_member (json_array_get_object_element (reports, 2), "fields");
  g_assert_cmpuint (json_object_get_size (snapshot), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (snapshot, "3.30"), ==, "no");

  /* Not major any more: the reclassification can be reported. */
  step_fail (f, "dora.report_submitted",
             "{'report':'reclassified','at':'2025-03-01T14:00:00Z','authority':'BaFin'}",
             "report");
  step (f, "dora.classify", "{'criteria':{'critical_services':{'cif':true}}}");
  step (f, "dora.report_draft",
        "{'report':'reclassified','fields':{'2.10':'The outage stayed below every threshold.'}}");
  report = vigil_dora_report_new (f->incident, VIGIL_DORA_FORM_RECLASSIFIED);
  g_assert_cmpstr (value_string (report, "1.1"), ==, "major_incident_reclassified_as_non-major");
  g_assert_cmpstr (value_string (report, "1.2"), ==, "Acme Bank AG");
  missing = vigil_dora_report_list_missing_fields (report);
  g_assert_cmpstrv (missing, ((const char * const[]) { NULL }));
  step (f, "dora.report_submitted",
        "{'report':'reclassified','at':'2025-03-01T14:00:00Z','authority':'BaFin'}");

  /* Drafts and versions survive the JSON codec. */
  text = vigil_incident_to_string (f->incident);
  parsed = vigil_incident_new_from_string (text, &error);
  g_assert_no_error (error);
  {
    g_autofree char *again = vigil_incident_to_string (parsed);

    g_assert_cmpstr (again, ==, text);
  }
}

/* After the final report nothing but the final report is recorded, a
 * reclassification included. */
static void
test_nothing_after_final (Fixture       *f,
                          gconstpointer  data)
{
  step (f, "dora.report_submitted",
        "{'report':'initial','at':'2025-03-01T12:00:00Z','authority':'BaFin'}");
  step (f, "dora.report_submitted",
        "{'report':'intermediate','at':'2025-03-02T12:00:00Z','authority':'BaFin'}");
  step (f, "dora.report_submitted",
        "{'report':'final','at':'2025-03-20T12:00:00Z','authority':'BaFin'}");
  step (f, "dora.classify", "{'criteria':{'critical_services':{'cif':true}}}");
  g_assert_false (vigil_incident_get_dora_major (f->incident));

  step_fail (f, "dora.report_submitted",
             "{'report':'intermediate','at':'2025-03-21T12:00:00Z','authority':'BaFin'}",
             "report");
  step_fail (f, "dora.report_submitted",
             "{'report':'reclassified','at':'2025-03-21T12:00:00Z','authority':'BaFin'}",
             "report");
  /* The final report itself may still be sent again. */
  step (f, "dora.report_submitted",
        "{'report':'final','at':'2025-03-21T12:00:00Z','authority':'BaFin'}");
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2025, 3, 2, 8, 0, 0);

  step (f, "dora.report_draft", "{'report':'intermediate','fields':{'3.30':'no'}}");
  g_assert_false (json_object_has_member (vigil_incident_get_dora (f->incident),
                                          "client_impact_since"));
  step (f, "dora.report_draft", "{'report':'intermediate','fields':{'3.30':'yes','3.11':2500}}");
  g_assert_nonnull (json_object_get_string_member_with_default (
                      vigil_incident_get_dora (f->incident), "client_impact_since", NULL));

  for (VigilDoraReportForm form = 0; form < VIGIL_DORA_N_FORMS; form++)
    {
      g_autoptr(VigilDoraReport) report = vigil_dora_report_new (f->incident, form);
      g_autofree char *json = vigil_dora_report_to_json_string (report, now);
      g_autoptr(JsonNode) root = json_from_string (json, NULL);
      g_auto(GStrv) expected = expected_fields (form);
      JsonObject *object = json_node_get_object (root);
      JsonArray *list = json_object_get_array_member (object, "fields");

      g_test_message ("%s", vigil_dora_form_to_string (form));
      g_assert_cmpstr (json_object_get_string_member (object, "report"), ==,
                       vigil_dora_form_to_string (form));
      g_assert_cmpint (json_object_get_int_member (object, "version"), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (object, "generated_at"), ==,
                       "2025-03-02T08:00:00");
      g_assert_cmpuint (json_array_get_length (list), ==, g_strv_length (expected));
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonObject *item = json_array_get_object_element (list, i);
          const VigilDoraFieldInfo *field = vigil_dora_report_lookup_field (expected[i]);

          g_assert_cmpstr (json_object_get_string_member (item, "no"), ==, expected[i]);
          g_assert_cmpstr (json_object_get_string_member (item, "name"), ==, field->name);
          g_assert_true (json_object_has_member (item, "value"));
        }
    }

  {
    g_autoptr(VigilDoraReport) report = vigil_dora_report_new (f->incident,
                                                               VIGIL_DORA_FORM_INTERMEDIATE);
    g_autoptr(VigilReport) document = vigil_dora_report_build_document (report, now);
    g_autofree char *markdown = vigil_report_to_markdown (document);
    g_autofree char *path = g_build_filename (f->dir, "intermediate.pdf", NULL);
    g_autofree char *pdf = NULL;
    g_autoptr(GError) error = NULL;
    gsize length;

    g_assert_nonnull (strstr (markdown, "# Intermediate report INC-"));
    g_assert_nonnull (strstr (markdown, "3.15 Duration of the incident"));
    g_assert_nonnull (strstr (markdown, "01:02:30"));
    g_assert_nonnull (strstr (markdown, "Mandatory fields still empty: 1.2"));
    g_assert_nonnull (strstr (markdown, "2500.00"));
    g_assert_true (vigil_report_write_pdf (document, path, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (path, &pdf, &length, &error));
    g_assert_cmpuint (length, >, 1000);
    g_assert_true (g_str_has_prefix (pdf, "%PDF-"));
    g_assert_cmpuint (vigil_report_count_pages (document), >=, 3);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vigil/dora-report/table", test_table);
  g_test_add_func ("/vigil/dora-report/sections", test_sections);
  g_test_add_func ("/vigil/dora-report/validate", test_validate);
  g_test_add_func ("/vigil/dora-report/completeness", test_completeness);
  g_test_add ("/vigil/dora-report/prefill", Fixture, NULL, fixture_setup, test_prefill,
              fixture_teardown);
  g_test_add ("/vigil/dora-report/threat-prefill", Fixture, NULL, fixture_setup,
              test_threat_prefill, fixture_teardown);
  g_test_add ("/vigil/dora-report/drafts-and-versions", Fixture, NULL, fixture_setup,
              test_drafts_and_versions, fixture_teardown);
  g_test_add ("/vigil/dora-report/nothing-after-final", Fixture, NULL, fixture_setup,
              test_nothing_after_final, fixture_teardown);
  g_test_add ("/vigil/dora-report/export", Fixture, NULL, fixture_setup, test_export,
              fixture_teardown);

  return g_test_run ();
}
