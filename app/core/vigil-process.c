/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-process"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vigil-process.h"

/* The one definition of the incident process: board columns, forms, rules
 * and the timeline all read this table. Names are facts of the process and
 * carried over exactly; the help lines are ours. */
static const VigilStepInfo steps[VIGIL_N_STEPS] = {
  { 1, "identify", N_("Identify security incidents"), N_("Identify"),
    N_("Record what happened, how it was detected and when the organisation became aware of it."),
    VIGIL_PHASE_DETECT },
  { 2, "collect", N_("Collect relevant data"), N_("Collect data"),
    N_("Gather logs, traffic and alerts, and keep evidence with its integrity hash."),
    VIGIL_PHASE_DETECT },
  { 3, "analyze", N_("Analyze incident data"), N_("Analyse"),
    N_("Note the anomalies and trends found, the affected assets and the open questions."),
    VIGIL_PHASE_DETECT },
  { 4, "correlate", N_("Correlate with threat intelligence"), N_("Threat intelligence"),
    N_("Match indicators against intelligence sources and past incidents."),
    VIGIL_PHASE_DETECT },
  { 5, "severity", N_("Determine severity and impact"), N_("Severity and impact"),
    N_("Rate the severity, describe the technical and business impact, classify under DORA."),
    VIGIL_PHASE_DETECT },
  { 6, "findings", N_("Document findings"), N_("Findings"),
    N_("Summarise what happened, when, to which assets, why, and what to do about it."),
    VIGIL_PHASE_DETECT },
  { 7, "escalate", N_("Escalate incident if necessary"), N_("Escalation"),
    N_("Decide whether to escalate, to whom and why."),
    VIGIL_PHASE_DETECT },
  { 8, "approval", N_("Approval: Incident Response Lead"), N_("Lead approval"),
    N_("The incident response lead approves or rejects steps 1 to 7."),
    VIGIL_PHASE_APPROVE },
  { 9, "coordinate", N_("Coordinate response actions"), N_("Coordinate response"),
    N_("Plan the response actions with owners, due times and status."),
    VIGIL_PHASE_RESPOND },
  { 10, "notify", N_("Notify stakeholders"), N_("Notify stakeholders"),
    N_("Draft, send and record the notifications to each audience."),
    VIGIL_PHASE_RESPOND },
  { 11, "remediate", N_("Implement remedial actions"), N_("Remediate"),
    N_("Carry out the remedial actions and check that they worked."),
    VIGIL_PHASE_RESPOND },
  { 12, "review", N_("Conduct post-incident review"), N_("Post-incident review"),
    N_("Look back with the people involved: what went well, what did not, what was learned."),
    VIGIL_PHASE_LEARN },
  { 13, "update_plan", N_("Update incident response plan"), N_("Update the plan"),
    N_("Change the response plan according to the lessons learned."),
    VIGIL_PHASE_LEARN },
  { 14, "finalize", N_("Finalize documentation"), N_("Finalise"),
    N_("Check that every step is complete and sign off the final report."),
    VIGIL_PHASE_LEARN },
  { 15, "archive", N_("Archive incident data"), N_("Archive"),
    N_("The incident becomes read-only and is kept with a verifiable archive."),
    VIGIL_PHASE_LEARN },
};

typedef struct {
  const char *id;
  const char *name;
  guint       first;
  guint       last;
} PhaseInfo;

static const PhaseInfo phases[VIGIL_N_PHASES] = {
  { "detect", N_("Detect and analyse"), 1, 7 },
  { "approve", N_("Approve"), 8, 8 },
  { "respond", N_("Respond"), 9, 11 },
  { "learn", N_("Learn and close"), 12, 15 },
};

static const VigilChoice incident_types[] = {
  { "malware", N_("Malware Attack") },
  { "phishing", N_("Phishing Attempt") },
  { "data_breach", N_("Data Breach") },
  { "insider_threat", N_("Insider Threat") },
  { "ddos", N_("DDoS Attack") },
  { "other", N_("Other") },
};

static const VigilChoice severities[] = {
  { "low", N_("Low") },
  { "medium", N_("Medium") },
  { "high", N_("High") },
  { "critical", N_("Critical") },
  { "severe", N_("Severe") },
};

static const VigilChoice collection_items[] = {
  { "system_logs", N_("Collect system logs") },
  { "network_traffic", N_("Gather network traffic") },
  { "user_activity", N_("Retrieve user activity logs") },
  { "alerts", N_("Locate alert notifications") },
  { "intel_reports", N_("Access threat intelligence reports") },
};

static const VigilChoice intel_sources[] = {
  { "internal", N_("Internal Report") },
  { "third_party", N_("Third-party Intelligence") },
  { "osint", N_("Open-source Intelligence") },
  { "commercial", N_("Commercial Intelligence") },
  { "governmental", N_("Governmental Resources") },
};

static const VigilChoice detection_methods[] = {
  { "monitoring", N_("Monitoring tool or alert") },
  { "user_report", N_("User report") },
  { "threat_intel", N_("Threat-intelligence source") },
};

static const VigilChoice roles[] = {
  { "analyst", N_("Analyst") },
  { "lead", N_("Incident response lead") },
  { "manager", N_("Manager") },
  { "admin", N_("Administrator") },
};

static const VigilChoice evidence_kinds[] = {
  { "log", N_("Log file") },
  { "network_capture", N_("Network capture") },
  { "disk_image", N_("Disk image") },
  { "memory_dump", N_("Memory dump") },
  { "email", N_("E-mail") },
  { "screenshot", N_("Screenshot") },
  { "document", N_("Document") },
  { "other", N_("Other") },
};

static const VigilChoice indicator_types[] = {
  { "ip", N_("IP address") },
  { "domain", N_("Domain") },
  { "url", N_("URL") },
  { "hash", N_("File hash") },
  { "email", N_("E-mail address") },
  { "account", N_("Account") },
};

static const VigilChoice escalation_targets[] = {
  { "senior_management", N_("Senior management") },
  { "specialised_team", N_("Specialised team") },
  { "external_party", N_("External party") },
};

static const VigilChoice action_statuses[] = {
  { "planned", N_("Planned") },
  { "in_progress", N_("In progress") },
  { "done", N_("Done") },
  { "cancelled", N_("Cancelled") },
};

/* Step 10: who a notification is for, and how it went out. */
static const VigilChoice audiences[] = {
  { "executive", N_("Executive leadership") },
  { "legal", N_("Legal and compliance") },
  { "departments", N_("Affected departments") },
  { "staff", N_("All staff") },
  { "clients", N_("Clients") },
  { "regulator", N_("Regulator / competent authority") },
  { "other", N_("Other") },
};

static const VigilChoice channels[] = {
  { "email", N_("E-mail") },
  { "phone", N_("Phone") },
  { "meeting", N_("Meeting") },
  { "portal", N_("Portal") },
  { "other", N_("Other") },
};

static const VigilChoice remedial_kinds[] = {
  { "patch", N_("Patch") },
  { "configuration", N_("Configuration change") },
  { "training", N_("User training") },
  { "other", N_("Other") },
};

static const struct {
  const VigilChoice *choices;
  guint              n_choices;
} choice_lists[VIGIL_N_CHOICE_LISTS] = {
  [VIGIL_CHOICES_INCIDENT_TYPE] = { incident_types, G_N_ELEMENTS (incident_types) },
  [VIGIL_CHOICES_SEVERITY] = { severities, G_N_ELEMENTS (severities) },
  [VIGIL_CHOICES_COLLECTION_ITEM] = { collection_items, G_N_ELEMENTS (collection_items) },
  [VIGIL_CHOICES_INTEL_SOURCE] = { intel_sources, G_N_ELEMENTS (intel_sources) },
  [VIGIL_CHOICES_DETECTION_METHOD] = { detection_methods, G_N_ELEMENTS (detection_methods) },
  [VIGIL_CHOICES_ROLE] = { roles, G_N_ELEMENTS (roles) },
  [VIGIL_CHOICES_EVIDENCE_KIND] = { evidence_kinds, G_N_ELEMENTS (evidence_kinds) },
  [VIGIL_CHOICES_INDICATOR_TYPE] = { indicator_types, G_N_ELEMENTS (indicator_types) },
  [VIGIL_CHOICES_ESCALATION_TARGET] = { escalation_targets, G_N_ELEMENTS (escalation_targets) },
  [VIGIL_CHOICES_ACTION_STATUS] = { action_statuses, G_N_ELEMENTS (action_statuses) },
  [VIGIL_CHOICES_REMEDIAL_KIND] = { remedial_kinds, G_N_ELEMENTS (remedial_kinds) },
  [VIGIL_CHOICES_AUDIENCE] = { audiences, G_N_ELEMENTS (audiences) },
  [VIGIL_CHOICES_CHANNEL] = { channels, G_N_ELEMENTS (channels) },
};

gboolean
vigil_process_is_valid_step (gint number)
{
  return number >= 1 && number <= VIGIL_N_STEPS;
}

const VigilStepInfo *
vigil_process_get_step (guint number)
{
  if (number < 1 || number > VIGIL_N_STEPS)
    return NULL;

  return &steps[number - 1];
}

const VigilStepInfo *
vigil_process_get_step_by_id (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    {
      if (g_str_equal (steps[i].id, id))
        return &steps[i];
    }

  return NULL;
}

VigilPhase
vigil_process_get_phase (guint number)
{
  g_return_val_if_fail (number >= 1 && number <= VIGIL_N_STEPS, VIGIL_PHASE_DETECT);

  return steps[number - 1].phase;
}

const char *
vigil_step_get_name (const VigilStepInfo *step)
{
  g_return_val_if_fail (step != NULL, NULL);

  return g_dgettext (GETTEXT_PACKAGE, step->name);
}

const char *
vigil_step_get_short_name (const VigilStepInfo *step)
{
  g_return_val_if_fail (step != NULL, NULL);

  return g_dgettext (GETTEXT_PACKAGE, step->short_name);
}

const char *
vigil_step_get_help (const VigilStepInfo *step)
{
  g_return_val_if_fail (step != NULL, NULL);

  return g_dgettext (GETTEXT_PACKAGE, step->help);
}

const char *
vigil_phase_get_id (VigilPhase phase)
{
  g_return_val_if_fail (phase < VIGIL_N_PHASES, NULL);

  return phases[phase].id;
}

const char *
vigil_phase_get_name (VigilPhase phase)
{
  g_return_val_if_fail (phase < VIGIL_N_PHASES, NULL);

  return g_dgettext (GETTEXT_PACKAGE, phases[phase].name);
}

guint
vigil_phase_get_first_step (VigilPhase phase)
{
  g_return_val_if_fail (phase < VIGIL_N_PHASES, 0);

  return phases[phase].first;
}

guint
vigil_phase_get_last_step (VigilPhase phase)
{
  g_return_val_if_fail (phase < VIGIL_N_PHASES, 0);

  return phases[phase].last;
}

const VigilChoice *
vigil_process_get_choices (VigilChoiceList  list,
                           guint           *n_choices)
{
  g_return_val_if_fail (list < VIGIL_N_CHOICE_LISTS, NULL);

  if (n_choices != NULL)
    *n_choices = choice_lists[list].n_choices;

  return choice_lists[list].choices;
}

const VigilChoice *
vigil_process_find_choice (VigilChoiceList  list,
                           const char      *id)
{
  g_return_val_if_fail (list < VIGIL_N_CHOICE_LISTS, NULL);

  if (id == NULL)
    return NULL;

  for (guint i = 0; i < choice_lists[list].n_choices; i++)
    {
      if (g_str_equal (choice_lists[list].choices[i].id, id))
        return &choice_lists[list].choices[i];
    }

  return NULL;
}

gboolean
vigil_process_is_valid_choice (VigilChoiceList  list,
                               const char      *id)
{
  return vigil_process_find_choice (list, id) != NULL;
}

const char *
vigil_choice_get_label (const VigilChoice *choice)
{
  g_return_val_if_fail (choice != NULL, NULL);

  return g_dgettext (GETTEXT_PACKAGE, choice->label);
}

const char *
vigil_process_get_choice_label (VigilChoiceList  list,
                                const char      *id)
{
  const VigilChoice *choice = vigil_process_find_choice (list, id);

  if (choice == NULL)
    return id;

  return vigil_choice_get_label (choice);
}
