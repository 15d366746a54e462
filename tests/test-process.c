/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <string.h>

#include <glib.h>

#include <vigil/vigil.h>

/* The process table of spec/process.md, carried over exactly. */
static const struct {
  guint       number;
  const char *id;
  const char *name;
  VigilPhase  phase;
} expected_steps[] = {
  {  1, "identify",    "Identify security incidents",        VIGIL_PHASE_DETECT },
  {  2, "collect",     "Collect relevant data",              VIGIL_PHASE_DETECT },
  {  3, "analyze",     "Analyze incident data",              VIGIL_PHASE_DETECT },
  {  4, "correlate",   "Correlate with threat intelligence", VIGIL_PHASE_DETECT },
  {  5, "severity",    "Determine severity and impact",      VIGIL_PHASE_DETECT },
  {  6, "findings",    "Document findings",                  VIGIL_PHASE_DETECT },
  {  7, "escalate",    "Escalate incident if necessary",     VIGIL_PHASE_DETECT },
  {  8, "approval",    "Approval: Incident Response Lead",   VIGIL_PHASE_APPROVE },
  {  9, "coordinate",  "Coordinate response actions",        VIGIL_PHASE_RESPOND },
  { 10, "notify",      "Notify stakeholders",                VIGIL_PHASE_RESPOND },
  { 11, "remediate",   "Implement remedial actions",         VIGIL_PHASE_RESPOND },
  { 12, "review",      "Conduct post-incident review",       VIGIL_PHASE_LEARN },
  { 13, "update_plan", "Update incident response plan",      VIGIL_PHASE_LEARN },
  { 14, "finalize",    "Finalize documentation",             VIGIL_PHASE_LEARN },
  { 15, "archive",     "Archive incident data",              VIGIL_PHASE_LEARN },
};

static const struct {
  VigilPhase  phase;
  const char *name;
  guint       first;
  guint       last;
} expected_phases[] = {
  { VIGIL_PHASE_DETECT,  "Detect and analyse", 1,  7 },
  { VIGIL_PHASE_APPROVE, "Approve",            8,  8 },
  { VIGIL_PHASE_RESPOND, "Respond",            9,  11 },
  { VIGIL_PHASE_LEARN,   "Learn and close",    12, 15 },
};

typedef struct {
  const char *id;
  const char *label;
} ExpectedChoice;

static const ExpectedChoice incident_types[] = {
  { "malware",        "Malware Attack" },
  { "phishing",       "Phishing Attempt" },
  { "data_breach",    "Data Breach" },
  { "insider_threat", "Insider Threat" },
  { "ddos",           "DDoS Attack" },
  { "other",          "Other" },
  { NULL, NULL }
};

static const ExpectedChoice severities[] = {
  { "low",      "Low" },
  { "medium",   "Medium" },
  { "high",     "High" },
  { "critical", "Critical" },
  { "severe",   "Severe" },
  { NULL, NULL }
};

static const ExpectedChoice collection_items[] = {
  { "system_logs",     "Collect system logs" },
  { "network_traffic", "Gather network traffic" },
  { "user_activity",   "Retrieve user activity logs" },
  { "alerts",          "Locate alert notifications" },
  { "intel_reports",   "Access threat intelligence reports" },
  { NULL, NULL }
};

static const ExpectedChoice intel_sources[] = {
  { "internal",     "Internal Report" },
  { "third_party",  "Third-party Intelligence" },
  { "osint",        "Open-source Intelligence" },
  { "commercial",   "Commercial Intelligence" },
  { "governmental", "Governmental Resources" },
  { NULL, NULL }
};

static const ExpectedChoice detection_methods[] = {
  { "monitoring",   "Monitoring tool or alert" },
  { "user_report",  "User report" },
  { "threat_intel", "Threat-intelligence source" },
  { NULL, NULL }
};

/* Role labels are ours to choose; only the ids are fixed. */
static const ExpectedChoice roles[] = {
  { "analyst", NULL },
  { "lead",    NULL },
  { "manager", NULL },
  { "admin",   NULL },
  { NULL, NULL }
};

static const ExpectedChoice evidence_kinds[] = {
  { "log",             "Log file" },
  { "network_capture", "Network capture" },
  { "disk_image",      "Disk image" },
  { "memory_dump",     "Memory dump" },
  { "email",           "E-mail" },
  { "screenshot",      "Screenshot" },
  { "document",        "Document" },
  { "other",           "Other" },
  { NULL, NULL }
};

/* The kinds of observables of step 4. */
static const ExpectedChoice indicator_types[] = {
  { "ip",      "IP address" },
  { "domain",  "Domain" },
  { "url",     "URL" },
  { "hash",    "File hash" },
  { "email",   "E-mail address" },
  { "account", "Account" },
  { NULL, NULL }
};

static const ExpectedChoice escalation_targets[] = {
  { "senior_management", "Senior management" },
  { "specialised_team",  "Specialised team" },
  { "external_party",    "External party" },
  { NULL, NULL }
};

static const ExpectedChoice action_statuses[] = {
  { "planned",     "Planned" },
  { "in_progress", "In progress" },
  { "done",        "Done" },
  { "cancelled",   "Cancelled" },
  { NULL, NULL }
};

static const ExpectedChoice remedial_kinds[] = {
  { "patch",         "Patch" },
  { "configuration", "Configuration change" },
  { "training",      "User training" },
  { "other",         "Other" },
  { NULL, NULL }
};

static const ExpectedChoice audiences[] = {
  { "executive",   "Executive leadership" },
  { "legal",       "Legal and compliance" },
  { "departments", "Affected departments" },
  { "staff",       "All staff" },
  { "clients",     "Clients" },
  { "regulator",   "Regulator / competent authority" },
  { "other",       "Other" },
  { NULL, NULL }
};

static const ExpectedChoice channels[] = {
  { "email",   "E-mail" },
  { "phone",   "Phone" },
  { "meeting", "Meeting" },
  { "portal",  "Portal" },
  { "other",   "Other" },
  { NULL, NULL }
};

static const struct {
  VigilChoiceList       list;
  const char           *name;
  const ExpectedChoice *choices;
  gboolean              ordered;
} expected_lists[] = {
  { VIGIL_CHOICES_INCIDENT_TYPE,    "incident-type",    incident_types,    FALSE },
  { VIGIL_CHOICES_SEVERITY,         "severity",         severities,        TRUE },
  { VIGIL_CHOICES_COLLECTION_ITEM,  "collection-item",  collection_items,  FALSE },
  { VIGIL_CHOICES_INTEL_SOURCE,     "intel-source",     intel_sources,     FALSE },
  { VIGIL_CHOICES_DETECTION_METHOD, "detection-method", detection_methods, FALSE },
  { VIGIL_CHOICES_ROLE,             "role",             roles,             FALSE },
  { VIGIL_CHOICES_EVIDENCE_KIND,    "evidence-kind",    evidence_kinds,    FALSE },
  { VIGIL_CHOICES_INDICATOR_TYPE,   "indicator-type",   indicator_types,   FALSE },
  { VIGIL_CHOICES_ESCALATION_TARGET, "escalation-target", escalation_targets, FALSE },
  { VIGIL_CHOICES_ACTION_STATUS,    "action-status",    action_statuses,   TRUE },
  { VIGIL_CHOICES_REMEDIAL_KIND,    "remedial-kind",    remedial_kinds,    FALSE },
  { VIGIL_CHOICES_AUDIENCE,         "audience",         audiences,         FALSE },
  { VIGIL_CHOICES_CHANNEL,          "channel",          channels,          FALSE },
};

static guint
count_expected (const ExpectedChoice *choices)
{
  guint n = 0;

  while (choices[n].id != NULL)
    n++;

  return n;
}

static void
test_steps_count (void)
{
  g_assert_cmpuint (G_N_ELEMENTS (expected_steps), ==, VIGIL_N_STEPS);
  g_assert_cmpint (VIGIL_N_STEPS, ==, 15);
  g_assert_cmpint (VIGIL_STEP_IDENTIFY, ==, 1);
  g_assert_cmpint (VIGIL_STEP_ESCALATE, ==, 7);
  g_assert_cmpint (VIGIL_STEP_APPROVAL, ==, 8);
  g_assert_cmpint (VIGIL_STEP_COORDINATE, ==, 9);
  g_assert_cmpint (VIGIL_STEP_NOTIFY, ==, 10);
  g_assert_cmpint (VIGIL_STEP_FINALIZE, ==, 14);
  g_assert_cmpint (VIGIL_STEP_ARCHIVE, ==, 15);
}

static void
test_steps_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (expected_steps); i++)
    {
      const VigilStepInfo *step = vigil_process_get_step (expected_steps[i].number);

      g_test_message ("step %u", expected_steps[i].number);
      g_assert_nonnull (step);
      g_assert_cmpuint (step->number, ==, expected_steps[i].number);
      g_assert_cmpstr (step->id, ==, expected_steps[i].id);
      g_assert_cmpstr (step->name, ==, expected_steps[i].name);
      g_assert_cmpint (step->phase, ==, expected_steps[i].phase);

      /* Tests run in LC_ALL=C.UTF-8: the translated name is the name. */
      g_assert_cmpstr (vigil_step_get_name (step), ==, expected_steps[i].name);

      g_assert_nonnull (step->short_name);
      g_assert_cmpstr (step->short_name, !=, "");
      g_assert_cmpstr (vigil_step_get_short_name (step), ==, step->short_name);

      g_assert_nonnull (step->help);
      g_assert_cmpstr (step->help, !=, "");
      g_assert_null (strchr (step->help, '\n'));
      g_assert_cmpstr (vigil_step_get_help (step), ==, step->help);
    }
}

static void
test_steps_unique_ids (void)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint n = 1; n <= VIGIL_N_STEPS; n++)
    {
      const VigilStepInfo *step = vigil_process_get_step (n);

      g_assert_nonnull (step);
      g_assert_true (g_hash_table_add (ids, (gpointer) step->id));
    }
  g_assert_cmpuint (g_hash_table_size (ids), ==, VIGIL_N_STEPS);
}

static void
test_steps_out_of_range (void)
{
  g_assert_null (vigil_process_get_step (0));
  g_assert_null (vigil_process_get_step (16));
  g_assert_null (vigil_process_get_step (G_MAXUINT));

  g_assert_false (vigil_process_is_valid_step (0));
  g_assert_false (vigil_process_is_valid_step (-1));
  g_assert_false (vigil_process_is_valid_step (16));
  g_assert_false (vigil_process_is_valid_step (G_MININT));
  g_assert_false (vigil_process_is_valid_step (G_MAXINT));

  for (gint n = 1; n <= VIGIL_N_STEPS; n++)
    g_assert_true (vigil_process_is_valid_step (n));
}

static void
test_steps_by_id (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (expected_steps); i++)
    {
      const VigilStepInfo *by_id = vigil_process_get_step_by_id (expected_steps[i].id);

      g_assert_nonnull (by_id);
      g_assert_true (by_id == vigil_process_get_step (expected_steps[i].number));
    }

  g_assert_null (vigil_process_get_step_by_id ("unknown"));
  g_assert_null (vigil_process_get_step_by_id (""));
  /* ids are machine names: neither the name nor another case matches */
  g_assert_null (vigil_process_get_step_by_id ("Identify security incidents"));
  g_assert_null (vigil_process_get_step_by_id ("IDENTIFY"));
}

static void
test_phases_of_steps (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (expected_steps); i++)
    g_assert_cmpint (vigil_process_get_phase (expected_steps[i].number), ==,
                     expected_steps[i].phase);
}

static void
test_phases_table (void)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  guint next = 1;

  g_assert_cmpint (VIGIL_N_PHASES, ==, G_N_ELEMENTS (expected_phases));

  for (guint i = 0; i < G_N_ELEMENTS (expected_phases); i++)
    {
      VigilPhase phase = expected_phases[i].phase;
      const char *id = vigil_phase_get_id (phase);
      guint first = vigil_phase_get_first_step (phase);
      guint last = vigil_phase_get_last_step (phase);

      g_test_message ("phase %d", phase);
      g_assert_cmpstr (vigil_phase_get_name (phase), ==, expected_phases[i].name);
      g_assert_nonnull (id);
      g_assert_cmpstr (id, !=, "");
      g_assert_true (g_hash_table_add (ids, (gpointer) id));
      g_assert_cmpuint (first, ==, expected_phases[i].first);
      g_assert_cmpuint (last, ==, expected_phases[i].last);

      /* The phases tile the process without gaps, in order. */
      g_assert_cmpuint (first, ==, next);
      next = last + 1;

      /* first/last agree with the phase of every step */
      for (guint n = first; n <= last; n++)
        {
          g_assert_cmpint (vigil_process_get_phase (n), ==, phase);
          g_assert_cmpint (vigil_process_get_step (n)->phase, ==, phase);
        }
      if (first > 1)
        g_assert_cmpint (vigil_process_get_phase (first - 1), !=, phase);
      if (last < VIGIL_N_STEPS)
        g_assert_cmpint (vigil_process_get_phase (last + 1), !=, phase);
    }
  g_assert_cmpuint (next, ==, VIGIL_N_STEPS + 1);
}

static void
test_choices_lists (void)
{
  g_assert_cmpint (VIGIL_N_CHOICE_LISTS, ==, G_N_ELEMENTS (expected_lists));

  for (guint l = 0; l < G_N_ELEMENTS (expected_lists); l++)
    {
      const ExpectedChoice *want = expected_lists[l].choices;
      guint n_want = count_expected (want);
      const VigilChoice *choices;
      guint n_choices = 0;

      g_test_message ("list %s", expected_lists[l].name);
      choices = vigil_process_get_choices (expected_lists[l].list, &n_choices);
      g_assert_nonnull (choices);
      g_assert_cmpuint (n_choices, ==, n_want);

      for (guint i = 0; i < n_want; i++)
        {
          const VigilChoice *found = vigil_process_find_choice (expected_lists[l].list,
                                                                want[i].id);

          g_test_message ("choice %s", want[i].id);
          g_assert_nonnull (found);
          g_assert_cmpstr (found->id, ==, want[i].id);
          /* find_choice points into the same table get_choices returns */
          g_assert_true (found >= choices && found < choices + n_choices);

          if (expected_lists[l].ordered)
            g_assert_cmpstr (choices[i].id, ==, want[i].id);

          g_assert_nonnull (found->label);
          g_assert_cmpstr (found->label, !=, "");
          if (want[i].label != NULL)
            {
              g_assert_cmpstr (found->label, ==, want[i].label);
              g_assert_cmpstr (vigil_choice_get_label (found), ==, want[i].label);
              g_assert_cmpstr (vigil_process_get_choice_label (expected_lists[l].list,
                                                               want[i].id),
                               ==, want[i].label);
            }

          g_assert_true (vigil_process_is_valid_choice (expected_lists[l].list, want[i].id));
        }

      /* every entry of the table is one of the expected ones (no extras) */
      for (guint i = 0; i < n_choices; i++)
        {
          gboolean known = FALSE;

          for (guint j = 0; j < n_want; j++)
            known |= g_strcmp0 (choices[i].id, want[j].id) == 0;
          g_assert_true (known);
        }
    }
}

static void
test_choices_severity_order (void)
{
  const VigilChoice *choices;
  guint n = 0;

  choices = vigil_process_get_choices (VIGIL_CHOICES_SEVERITY, &n);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpstr (choices[0].id, ==, "low");
  g_assert_cmpstr (choices[1].id, ==, "medium");
  g_assert_cmpstr (choices[2].id, ==, "high");
  g_assert_cmpstr (choices[3].id, ==, "critical");
  g_assert_cmpstr (choices[4].id, ==, "severe");
}

static void
test_choices_unknown (void)
{
  static const struct {
    VigilChoiceList list;
    const char     *id;
  } unknown[] = {
    { VIGIL_CHOICES_INCIDENT_TYPE, "virus" },
    { VIGIL_CHOICES_INCIDENT_TYPE, "" },
    { VIGIL_CHOICES_INCIDENT_TYPE, "Malware Attack" },   /* a label is not an id */
    { VIGIL_CHOICES_INCIDENT_TYPE, "MALWARE" },
    { VIGIL_CHOICES_INCIDENT_TYPE, "malware " },
    { VIGIL_CHOICES_SEVERITY, "extreme" },
    { VIGIL_CHOICES_SEVERITY, "High" },
    { VIGIL_CHOICES_SEVERITY, "malware" },               /* an id of another list */
    { VIGIL_CHOICES_COLLECTION_ITEM, "disk_image" },
    { VIGIL_CHOICES_INTEL_SOURCE, "internal_report" },
    { VIGIL_CHOICES_DETECTION_METHOD, "email" },
    { VIGIL_CHOICES_DETECTION_METHOD, "monitoring_tool" },
    { VIGIL_CHOICES_ROLE, "root" },
    { VIGIL_CHOICES_ROLE, "Analyst" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      g_test_message ("list %d, id '%s'", unknown[i].list, unknown[i].id);
      g_assert_false (vigil_process_is_valid_choice (unknown[i].list, unknown[i].id));
      g_assert_null (vigil_process_find_choice (unknown[i].list, unknown[i].id));
      /* unknown ids come back as they are */
      g_assert_cmpstr (vigil_process_get_choice_label (unknown[i].list, unknown[i].id),
                       ==, unknown[i].id);
    }
}

static void
test_choices_null (void)
{
  /* Run in a subprocess: a critical here would abort the whole suite. */
  if (g_test_subprocess ())
    {
      for (guint l = 0; l < VIGIL_N_CHOICE_LISTS; l++)
        g_assert_false (vigil_process_is_valid_choice ((VigilChoiceList) l, NULL));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vigil/process/steps/count", test_steps_count);
  g_test_add_func ("/vigil/process/steps/table", test_steps_table);
  g_test_add_func ("/vigil/process/steps/unique-ids", test_steps_unique_ids);
  g_test_add_func ("/vigil/process/steps/out-of-range", test_steps_out_of_range);
  g_test_add_func ("/vigil/process/steps/by-id", test_steps_by_id);
  g_test_add_func ("/vigil/process/phases/of-steps", test_phases_of_steps);
  g_test_add_func ("/vigil/process/phases/table", test_phases_table);
  g_test_add_func ("/vigil/process/choices/lists", test_choices_lists);
  g_test_add_func ("/vigil/process/choices/severity-order", test_choices_severity_order);
  g_test_add_func ("/vigil/process/choices/unknown", test_choices_unknown);
  g_test_add_func ("/vigil/process/choices/null", test_choices_null);

  return g_test_run ();
}
