/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-dora-report"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "vigil-dora-report.h"
#include "vigil-forms.h"
#include "vigil-report-private.h"

G_DEFINE_QUARK (vigil-dora-report-error-quark, vigil_dora_report_error)

#define MAX_TEXT_CHARS 20000

/* Forms */

static const struct {
  const char *id;
  const char *title;
  const char *submission;   /* the code of 1.1 */
} forms[VIGIL_DORA_N_FORMS] = {
  { "initial", N_("Initial notification"), "initial_notification" },
  { "intermediate", N_("Intermediate report"), "intermediate_report" },
  { "final", N_("Final report"), "final_report" },
  { "reclassified", N_("Reclassification as non-major"),
    "major_incident_reclassified_as_non-major" },
  { "threat", N_("Significant cyber threat notification"), NULL },
};

const char *
vigil_dora_form_to_string (VigilDoraReportForm form)
{
  g_return_val_if_fail (form < VIGIL_DORA_N_FORMS, NULL);

  return forms[form].id;
}

gboolean
vigil_dora_form_from_string (const char          *str,
                             VigilDoraReportForm *form)
{
  for (guint i = 0; str != NULL && i < VIGIL_DORA_N_FORMS; i++)
    {
      if (g_str_equal (str, forms[i].id))
        {
          if (form != NULL)
            *form = i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
vigil_dora_form_get_title (VigilDoraReportForm form)
{
  g_return_val_if_fail (form < VIGIL_DORA_N_FORMS, NULL);

  return _(forms[form].title);
}

const char *
vigil_dora_field_type_to_string (VigilDoraFieldType type)
{
  static const char * const names[] = {
    "A", "LEI", "DT", "DUR", "PCT", "MON", "BOOL", "C1", "CN", "int"
  };

  g_return_val_if_fail (type < G_N_ELEMENTS (names), NULL);

  return names[type];
}

/* Choices, in the order and wording of Annex II */

static const VigilDoraChoice submission_types[] = {
  { "initial_notification", N_("Initial notification") },
  { "intermediate_report", N_("Intermediate report") },
  { "final_report", N_("Final report") },
  { "major_incident_reclassified_as_non-major",
    N_("Major incident reclassified as non-major") },
  { NULL, NULL }
};

/* The same codes as vigil_dora_entity_type_to_string(). */
static const VigilDoraChoice entity_types[] = {
  { "credit_institution", N_("Credit institution") },
  { "payment_institution", N_("Payment institution") },
  { "exempted_payment_institution", N_("Exempted payment institution") },
  { "account_information_service_provider", N_("Account information service provider") },
  { "electronic_money_institution", N_("Electronic money institution") },
  { "exempted_electronic_money_institution", N_("Exempted electronic money institution") },
  { "investment_firm", N_("Investment firm") },
  { "crypto_asset_service_provider", N_("Crypto-asset service provider") },
  { "issuer_of_asset_referenced_tokens", N_("Issuer of asset-referenced tokens") },
  { "central_securities_depository", N_("Central securities depository") },
  { "central_counterparty", N_("Central counterparty") },
  { "trading_venue", N_("Trading venue") },
  { "trade_repository", N_("Trade repository") },
  { "manager_of_alternative_investment_fund", N_("Manager of alternative investment fund") },
  { "management_company", N_("Management company") },
  { "data_reporting_service_provider", N_("Data reporting service provider") },
  { "insurance_and_reinsurance_undertaking", N_("Insurance and reinsurance undertaking") },
  { "insurance_intermediary",
    N_("Insurance intermediary, reinsurance intermediary and ancillary insurance intermediary") },
  { "institution_for_occupational_retirement_provision",
    N_("Institution for occupational retirement provision") },
  { "credit_rating_agency", N_("Credit rating agency") },
  { "administrator_of_critical_benchmarks", N_("Administrator of critical benchmarks") },
  { "crowdfunding_service_provider", N_("Crowdfunding service provider") },
  { "securitisation_repository", N_("Securitisation repository") },
  { NULL, NULL }
};

/* The same codes as vigil_dora_triggers_to_strv(). */
static const VigilDoraChoice triggers[] = {
  { "clients", N_("Clients, financial counterparts and transactions affected") },
  { "reputation", N_("Reputational impact") },
  { "duration", N_("Duration and service downtime") },
  { "geography", N_("Geographical spread") },
  { "data_losses", N_("Data losses") },
  { "critical_services", N_("Critical services affected") },
  { "economic", N_("Economic impact") },
  { NULL, NULL }
};

static const VigilDoraChoice discovery[] = {
  { "it_security", N_("IT Security") },
  { "staff", N_("Staff") },
  { "internal_audit", N_("Internal audit") },
  { "external_audit", N_("External audit") },
  { "clients", N_("Clients") },
  { "financial_counterparts", N_("Financial counterparts") },
  { "third_party_provider", N_("Third-party provider") },
  { "attacker", N_("Attacker") },
  { "monitoring_systems", N_("Monitoring systems") },
  { "authority", N_("Authority/agency/law enforcement body") },
  { "other", N_("Other") },
  { NULL, NULL }
};

static const VigilDoraChoice actual_or_estimate[] = {
  { "actual_clients", N_("Actual figures for clients affected") },
  { "actual_counterparts", N_("Actual figures for financial counterparts affected") },
  { "actual_transactions", N_("Actual figures for transactions affected") },
  { "estimate_clients", N_("Estimates for clients affected") },
  { "estimate_counterparts", N_("Estimates for financial counterparts affected") },
  { "estimate_transactions", N_("Estimates for transactions affected") },
  { "no_impact_clients", N_("No impact on clients") },
  { "no_impact_counterparts", N_("No impact on financial counterparts") },
  { "no_impact_transactions", N_("No impact on transactions") },
  { NULL, NULL }
};

static const VigilDoraChoice reputation[] = {
  { "media", N_("The incident has been reflected in the media") },
  { "complaints", N_("The incident has resulted in repetitive complaints from different clients "
                     "or financial counterparts on client-facing services or critical business "
                     "relationships") },
  { "regulatory", N_("The financial entity will not be able or is likely not to be able to meet "
                     "regulatory requirements as a result of the incident") },
  { "client_loss", N_("The financial entity will or is likely to lose clients or financial "
                      "counterparts with a material impact on its business as a result of the "
                      "incident") },
  { NULL, NULL }
};

static const VigilDoraChoice duration_figures[] = {
  { "actual", N_("Actual figures") },
  { "estimates", N_("Estimates") },
  { "actual_and_estimates", N_("Actual figures and estimates") },
  { "not_available", N_("No information available") },
  { NULL, NULL }
};

/* The same codes as the criteria's geographical impacts. */
static const VigilDoraChoice geo_impacts[] = {
  { "clients", N_("Clients") },
  { "counterparts", N_("Financial counterparts") },
  { "branch", N_("Branch of the financial entity") },
  { "group_entity", N_("Financial entities within the group carrying out activities in the "
                       "respective Member State") },
  { "fmi", N_("Financial market infrastructure") },
  { "third_party", N_("Third-party providers that may be common to other financial entities") },
  { NULL, NULL }
};

static const VigilDoraChoice data_losses[] = {
  { "availability", N_("Availability") },
  { "authenticity", N_("Authenticity") },
  { "integrity", N_("Integrity") },
  { "confidentiality", N_("Confidentiality") },
  { NULL, NULL }
};

static const VigilDoraChoice incident_types[] = {
  { "cybersecurity", N_("Cybersecurity-related") },
  { "process_failure", N_("Process failure") },
  { "system_failure", N_("System failure") },
  { "external_event", N_("External event") },
  { "payment_related", N_("Payment-related") },
  { "other", N_("Other (please specify)") },
  { NULL, NULL }
};

static const VigilDoraChoice techniques[] = {
  { "social_engineering", N_("Social engineering (including phishing)") },
  { "ddos", N_("(D)DoS") },
  { "identity_theft", N_("Identity theft") },
  { "ransomware", N_("Data encryption for impact, including ransomware") },
  { "resource_hijacking", N_("Resource hijacking") },
  { "data_exfiltration", N_("Data exfiltration and manipulation, including identity theft") },
  { "data_destruction", N_("Data destruction") },
  { "defacement", N_("Defacement") },
  { "supply_chain", N_("Supply-chain attack") },
  { "other", N_("Other (please specify)") },
  { NULL, NULL }
};

static const VigilDoraChoice yes_no_unknown[] = {
  { "yes", N_("Yes") },
  { "no", N_("No") },
  { "not_available", N_("Information not available") },
  { NULL, NULL }
};

static const VigilDoraChoice authorities[] = {
  { "police", N_("Police/Law Enforcement") },
  { "csirt", N_("CSIRT") },
  { "data_protection", N_("Data Protection Authority") },
  { "cybersecurity_agency", N_("National Cybersecurity Agency") },
  { "none", N_("None") },
  { "other", N_("Other (please specify)") },
  { NULL, NULL }
};

static const VigilDoraChoice root_causes[] = {
  { "malicious_actions", N_("Malicious actions") },
  { "process_failure", N_("Process failure") },
  { "system_failure", N_("System failure/malfunction") },
  { "human_error", N_("Human error") },
  { "external_event", N_("External event") },
  { NULL, NULL }
};

static const VigilDoraChoice root_causes_detailed[] = {
  { "malicious_internal", N_("Malicious actions: deliberate internal actions") },
  { "malicious_physical", N_("Malicious actions: deliberate physical damage/manipulation/theft") },
  { "malicious_fraud", N_("Malicious actions: fraudulent actions") },
  { "process_monitoring", N_("Process failure: insufficient monitoring or failure of monitoring "
                             "and control") },
  { "process_roles", N_("Process failure: insufficient/unclear roles and responsibilities") },
  { "process_risk_management", N_("Process failure: ICT risk management process failure") },
  { "process_operations", N_("Process failure: insufficient or failure of ICT operations and ICT "
                             "security operations") },
  { "process_project_management", N_("Process failure: insufficient or failure of ICT project "
                                     "management") },
  { "process_policies", N_("Process failure: inadequacy of internal policies, procedures and "
                           "documentation") },
  { "process_acquisition", N_("Process failure: inadequate ICT systems acquisition, development "
                              "and maintenance") },
  { "process_other", N_("Process failure: other") },
  { "system_hardware_capacity", N_("System failure: hardware capacity and performance") },
  { "system_hardware_maintenance", N_("System failure: hardware maintenance") },
  { "system_hardware_obsolescence", N_("System failure: hardware obsolescence/ageing") },
  { "system_software_configuration", N_("System failure: software compatibility/configuration") },
  { "system_software_performance", N_("System failure: software performance") },
  { "system_network_configuration", N_("System failure: network configuration") },
  { "system_physical_damage", N_("System failure: physical damage") },
  { "system_other", N_("System failure: other") },
  { "human_omission", N_("Human error: omission") },
  { "human_mistake", N_("Human error: mistake") },
  { "human_skills", N_("Human error: skills & knowledge") },
  { "human_resources", N_("Human error: inadequate human resources") },
  { "human_miscommunication", N_("Human error: miscommunication") },
  { "human_other", N_("Human error: other") },
  { "external_natural", N_("External event: natural disasters/force majeure") },
  { "external_third_party", N_("External event: third-party failures") },
  { "external_other", N_("External event: other") },
  { NULL, NULL }
};

static const VigilDoraChoice root_causes_additional[] = {
  { "monitoring_policy_adherence", N_("Monitoring of policy adherence") },
  { "monitoring_third_party", N_("Monitoring of third-party service providers") },
  { "monitoring_vulnerabilities", N_("Monitoring and verification of remediation of "
                                     "vulnerabilities") },
  { "monitoring_identity_access", N_("Identity and access management") },
  { "monitoring_cryptography", N_("Encryption and cryptography") },
  { "monitoring_logging", N_("Logging") },
  { "risk_tolerance", N_("Failure in specifying accurate risk tolerance levels") },
  { "risk_assessments", N_("Insufficient vulnerability and threat assessments") },
  { "risk_treatment", N_("Inadequate risk treatment measures") },
  { "risk_residual", N_("Poor management of residual ICT risks") },
  { "operations_patching", N_("Vulnerability and patch management") },
  { "operations_change", N_("Change management") },
  { "operations_capacity", N_("Capacity and performance management") },
  { "operations_assets", N_("ICT asset management and information classification") },
  { "operations_backup", N_("Backup and restore") },
  { "operations_errors", N_("Error handling") },
  { "acquisition_inadequate", N_("Inadequate ICT systems acquisition, development and "
                                 "maintenance") },
  { "acquisition_testing", N_("Insufficient or failed software testing") },
  { NULL, NULL }
};

static const VigilDoraChoice threat_status[] = {
  { "active", N_("Active") },
  { "inactive", N_("Inactive") },
  { NULL, NULL }
};

/* Filled once from vigil_dora_eea_states(); labels are the codes. */
static VigilDoraChoice eea_states[VIGIL_DORA_N_EEA_STATES + 1];

/* Conditions */

static const char * const if_geography[] = { "geography", NULL };
static const char * const if_reputation[] = { "reputation", NULL };
static const char * const if_duration[] = { "duration", NULL };
static const char * const if_data_losses[] = { "data_losses", NULL };
static const char * const if_clients[] = { "clients", NULL };
static const char * const if_transactions[] = {
  "actual_transactions", "estimate_transactions", NULL
};
static const char * const if_other[] = { "other", NULL };
static const char * const if_cyber[] = { "cybersecurity", NULL };
static const char * const if_yes[] = { "yes", NULL };
static const char * const if_process_subs[] = {
  "process_monitoring", "process_risk_management", "process_operations", "process_acquisition",
  NULL
};
static const char * const if_other_cause[] = {
  "process_other", "system_other", "human_other", "external_other", NULL
};

/* The field table */

#define I   VIGIL_DORA_FORM_BIT (VIGIL_DORA_FORM_INITIAL)
#define M   VIGIL_DORA_FORM_BIT (VIGIL_DORA_FORM_INTERMEDIATE)
#define F   VIGIL_DORA_FORM_BIT (VIGIL_DORA_FORM_FINAL)
#define R   VIGIL_DORA_FORM_BIT (VIGIL_DORA_FORM_RECLASSIFIED)
#define T   VIGIL_DORA_FORM_BIT (VIGIL_DORA_FORM_THREAT)

#define OPT(text)            VIGIL_DORA_RULE_OPTIONAL, 0, NULL, NULL, text
#define REQ                  VIGIL_DORA_RULE_REQUIRED, 0, NULL, NULL, NULL
#define IF(field, codes, text) VIGIL_DORA_RULE_IF_CHOICE, 0, field, codes, text
#define IF_SET(field, text)  VIGIL_DORA_RULE_IF_FILLED, 0, field, NULL, text

#define A     VIGIL_DORA_FIELD_A
#define LEI   VIGIL_DORA_FIELD_LEI
#define DT    VIGIL_DORA_FIELD_DT
#define DUR   VIGIL_DORA_FIELD_DUR
#define PCT   VIGIL_DORA_FIELD_PCT
#define MON   VIGIL_DORA_FIELD_MON
#define BOOL  VIGIL_DORA_FIELD_BOOL
#define C1    VIGIL_DORA_FIELD_C1
#define CN    VIGIL_DORA_FIELD_CN
#define INT   VIGIL_DORA_FIELD_INT

static const VigilDoraFieldInfo fields[] = {
  /* 1. General information (Annex II, all reports) */
  { "1.1", N_("Type of submission"), C1, submission_types, I | M | F | R, REQ },
  { "1.2", N_("Name of the entity submitting the report"), A, NULL, I | M | F | R, REQ },
  { "1.3", N_("Identification code of the entity submitting the report"), A, NULL,
    I | M | F | R, REQ },
  { "1.4", N_("Type of financial entity affected"), CN, entity_types, I | M | F | R, REQ },
  { "1.5", N_("Name of the financial entity affected"), A, NULL, I | M | F | R,
    IF_SET ("1.6", N_("if different from the submitting entity, or aggregated")) },
  { "1.6", N_("LEI code of the financial entity affected"), LEI, NULL, I | M | F | R,
    IF_SET ("1.5", N_("if different from the submitting entity, or aggregated")) },
  { "1.7", N_("Primary contact person name"), A, NULL, I | M | F | R, REQ },
  { "1.8", N_("Primary contact person email"), A, NULL, I | M | F | R, REQ },
  { "1.9", N_("Primary contact person telephone"), A, NULL, I | M | F | R, REQ },
  { "1.10", N_("Second contact person name"), A, NULL, I | M | F | R, REQ },
  { "1.11", N_("Second contact person email"), A, NULL, I | M | F | R, REQ },
  { "1.12", N_("Second contact person telephone"), A, NULL, I | M | F | R, REQ },
  { "1.13", N_("Name of the ultimate parent undertaking"), A, NULL, I | M | F | R,
    IF_SET ("1.14", N_("if the entity belongs to a group")) },
  { "1.14", N_("LEI code of the ultimate parent undertaking"), LEI, NULL, I | M | F | R,
    IF_SET ("1.13", N_("if the entity belongs to a group")) },
  { "1.15", N_("Reporting currency"), C1, NULL, I | M | F | R, REQ },

  /* 2. Initial notification */
  { "2.1", N_("Incident reference code assigned by the financial entity"), A, NULL,
    I | M | F | R, REQ },
  { "2.2", N_("Date and time of detection of the incident"), DT, NULL, I | M | F, REQ },
  { "2.3", N_("Date and time of classification of the incident as major"), DT, NULL,
    I | M | F, REQ },
  { "2.4", N_("Description of the incident"), A, NULL, I | M | F, REQ },
  { "2.5", N_("Classification criteria that triggered the incident report"), CN, triggers,
    I | M | F, REQ },
  { "2.6", N_("Member States impacted by the incident"), CN, eea_states, I | M | F,
    IF ("2.5", if_geography, N_("if the geographical spread criterion is met")) },
  { "2.7", N_("Discovery of the incident"), C1, discovery, I | M | F, REQ },
  { "2.8", N_("Indication whether the incident originates from a third-party provider or "
              "another financial entity"), A, NULL, I | M | F,
    OPT (N_("if the incident originates from one")) },
  { "2.9", N_("Activation of business continuity plan, if activated"), BOOL, NULL, I | M | F,
    REQ },
  { "2.10", N_("Other information"), A, NULL, I | M | F | R,
    VIGIL_DORA_RULE_REQUIRED, R, NULL, NULL,
    N_("required with the reasons when the incident is reclassified as non-major") },

  /* 3. Intermediate report */
  { "3.1", N_("Incident reference code provided by the competent authority"), A, NULL, M | F,
    OPT (N_("if the authority gave one")) },
  { "3.2", N_("Date and time of occurrence of the incident"), DT, NULL, M | F, REQ },
  { "3.3", N_("Date and time when services, activities or operations have been recovered"), DT,
    NULL, M | F, IF_SET ("3.16", N_("if there was service downtime")) },
  { "3.4", N_("Number of clients affected"), INT, NULL, M | F, REQ },
  { "3.5", N_("Percentage of clients affected"), PCT, NULL, M | F, REQ },
  { "3.6", N_("Number of financial counterparts affected"), INT, NULL, M | F, REQ },
  { "3.7", N_("Percentage of financial counterparts affected"), PCT, NULL, M | F, REQ },
  { "3.8", N_("Impact on relevant clients or financial counterparts"), BOOL, NULL, M | F,
    IF ("2.5", if_clients, N_("if the clients, counterparts and transactions criterion is met")) },
  { "3.9", N_("Number of affected transactions"), INT, NULL, M | F,
    IF ("3.12", if_transactions, N_("if transactions are affected")) },
  { "3.10", N_("Percentage of affected transactions"), PCT, NULL, M | F,
    IF ("3.12", if_transactions, N_("if transactions are affected")) },
  { "3.11", N_("Value of affected transactions"), MON, NULL, M | F,
    IF ("3.12", if_transactions, N_("if transactions are affected")) },
  { "3.12", N_("Information whether the numbers are actual or estimates, or whether there has "
               "not been any impact"), CN, actual_or_estimate, M | F, REQ },
  { "3.13", N_("Reputational impact"), CN, reputation, M | F,
    IF ("2.5", if_reputation, N_("if the reputational impact criterion is met")) },
  { "3.14", N_("Contextual information about the reputational impact"), A, NULL, M | F,
    IF ("2.5", if_reputation, N_("if the reputational impact criterion is met")) },
  { "3.15", N_("Duration of the incident"), DUR, NULL, M | F, REQ },
  { "3.16", N_("Service downtime"), DUR, NULL, M | F, OPT (N_("if there was any downtime")) },
  { "3.17", N_("Information whether the numbers for duration and service downtime are actual or "
               "estimates"), C1, duration_figures, M | F,
    IF ("2.5", if_duration, N_("if the duration and service downtime criterion is met")) },
  { "3.18", N_("Types of impact in the Member States"), CN, geo_impacts, M | F,
    IF ("2.5", if_geography, N_("if the geographical spread criterion is met")) },
  { "3.19", N_("Description of how the incident has an impact in other Member States"), A, NULL,
    M | F, IF ("2.5", if_geography, N_("if the geographical spread criterion is met")) },
  { "3.20", N_("Materiality thresholds for the classification criterion \"Data losses\""), CN,
    data_losses, M | F,
    IF ("2.5", if_data_losses, N_("if the data losses criterion is met")) },
  { "3.21", N_("Description of the data losses"), A, NULL, M | F,
    IF ("2.5", if_data_losses, N_("if the data losses criterion is met")) },
  { "3.22", N_("Classification criterion \"Critical services affected\""), A, NULL, M | F, REQ },
  { "3.23", N_("Type of the incident"), CN, incident_types, M | F, REQ },
  { "3.24", N_("Other types of incidents"), A, NULL, M | F,
    IF ("3.23", if_other, N_("if “Other” is chosen in 3.23")) },
  { "3.25", N_("Threats and techniques used by the threat actor"), CN, techniques, M | F,
    IF ("3.23", if_cyber, N_("if the incident is cybersecurity-related")) },
  { "3.26", N_("Other types of techniques"), A, NULL, M | F,
    IF ("3.25", if_other, N_("if “Other” is chosen in 3.25")) },
  { "3.27", N_("Information about affected functional areas and business processes"), A, NULL,
    M | F, REQ },
  { "3.28", N_("Affected infrastructure components supporting business processes"), C1,
    yes_no_unknown, M | F, REQ },
  { "3.29", N_("Information about affected infrastructure components supporting business "
               "processes"), A, NULL, M | F,
    IF ("3.28", if_yes, N_("if 3.28 is “Yes”")) },
  { "3.30", N_("Impact on the financial interest of clients"), C1, yes_no_unknown, M | F, REQ },
  { "3.31", N_("Reporting to other authorities"), CN, authorities, M | F, REQ },
  { "3.32", N_("Specification of \"other\" authorities"), A, NULL, M | F,
    IF ("3.31", if_other, N_("if “Other” is chosen in 3.31")) },
  { "3.33", N_("Temporary actions or measures taken or planned to be taken to recover from the "
               "incident"), BOOL, NULL, M | F, REQ },
  { "3.34", N_("Description of any temporary actions and measures taken or planned to be taken "
               "to recover from the incident"), A, NULL, M | F,
    IF ("3.33", if_yes, N_("if 3.33 is “Yes”")) },
  { "3.35", N_("Indicators of compromise"), A, NULL, M | F,
    OPT (N_("if cybersecurity-related, for entities within the scope of NIS2")) },

  /* 4. Final report */
  { "4.1", N_("High-level classification of root causes of the incident"), CN, root_causes, F,
    REQ },
  { "4.2", N_("Detailed classification of root causes of the incident"), CN,
    root_causes_detailed, F, REQ },
  { "4.3", N_("Additional classification of root causes of the incident"), CN,
    root_causes_additional, F,
    IF ("4.2", if_process_subs, N_("if monitoring, ICT risk management, ICT operations or "
                                    "acquisition failures are chosen in 4.2")) },
  { "4.4", N_("Other types of root cause types"), A, NULL, F,
    IF ("4.2", if_other_cause, N_("if an “other” root cause is chosen in 4.2")) },
  { "4.5", N_("Information about the root causes of the incident"), A, NULL, F, REQ },
  { "4.6", N_("Incident resolution summary"), A, NULL, F, REQ },
  { "4.7", N_("Date and time when the incident root cause was addressed"), DT, NULL, F, REQ },
  { "4.8", N_("Date and time when the incident was resolved"), DT, NULL, F, REQ },
  { "4.9", N_("Information if the permanent resolution date of the incident differs from the "
              "initially planned implementation date"), A, NULL, F,
    OPT (N_("where the dates differ")) },
  { "4.10", N_("Assessment of risk to critical functions for resolution purposes"), A, NULL, F,
    OPT (N_("if there is such a risk")) },
  { "4.11", N_("Information relevant for resolution authorities"), A, NULL, F,
    OPT (N_("if the resolvability of the entity is affected")) },
  { "4.12", N_("Materiality threshold for the classification criterion \"Economic impact\""), A,
    NULL, F, REQ },
  { "4.13", N_("Amount of gross direct and indirect costs and losses"), MON, NULL, F, REQ },
  { "4.14", N_("Amount of financial recoveries"), MON, NULL, F, REQ },
  { "4.15", N_("Information whether the non-major incidents have been recurring and are "
               "considered as one major incident"), A, NULL, F,
    OPT (N_("if recurring incidents are reported as one")) },
  { "4.16", N_("Date and time of occurrence of the recurring incidents"), DT, NULL, F,
    IF_SET ("4.15", N_("if recurring incidents are reported as one")) },

  /* Significant cyber threat notification (Annex III) */
  { "1", N_("Name of the entity submitting the notification"), A, NULL, T, REQ },
  { "2", N_("Identification code of the entity submitting the notification"), A, NULL, T, REQ },
  { "3", N_("Type of financial entity"), CN, entity_types, T,
    OPT (N_("if not sent by the financial entity itself")) },
  { "4", N_("Name of the financial entity"), A, NULL, T,
    IF_SET ("5", N_("if different from the submitting entity")) },
  { "5", N_("LEI code of the financial entity"), LEI, NULL, T,
    IF_SET ("4", N_("if different from the submitting entity")) },
  { "6", N_("Primary contact person name"), A, NULL, T, REQ },
  { "7", N_("Primary contact person email"), A, NULL, T, REQ },
  { "8", N_("Primary contact person telephone"), A, NULL, T, REQ },
  { "9", N_("Second contact person name"), A, NULL, T, OPT (N_("if available")) },
  { "10", N_("Second contact person email"), A, NULL, T, OPT (N_("if available")) },
  { "11", N_("Second contact person telephone"), A, NULL, T, OPT (N_("if available")) },
  { "12", N_("Date and time of detection of the cyber threat"), DT, NULL, T, REQ },
  { "13", N_("Description of the significant cyber threat"), A, NULL, T, REQ },
  { "14", N_("Information about potential impact"), A, NULL, T, REQ },
  { "15", N_("Potential incident classification criteria"), CN, triggers, T, REQ },
  { "16", N_("Status of the cyber threat"), C1, threat_status, T, REQ },
  { "17", N_("Actions taken to prevent materialisation"), A, NULL, T, REQ },
  { "18", N_("Notification to other stakeholders"), A, NULL, T,
    OPT (N_("if others were notified")) },
  { "19", N_("Indicators of compromise"), A, NULL, T, OPT (N_("if available")) },
  { "20", N_("Other relevant information"), A, NULL, T, OPT (N_("if any")) },
};

#undef I
#undef M
#undef F
#undef R
#undef T
#undef A
#undef LEI
#undef DT
#undef DUR
#undef PCT
#undef MON
#undef BOOL
#undef C1
#undef CN
#undef INT

/* The threat notification's entity fields are those of the incident
 * reports, so a profile filled there carries over. */
static const struct {
  const char *threat;
  const char *report;
} shared_fields[] = {
  { "1", "1.2" }, { "2", "1.3" }, { "3", "1.4" }, { "4", "1.5" }, { "5", "1.6" },
  { "6", "1.7" }, { "7", "1.8" }, { "8", "1.9" }, { "9", "1.10" }, { "10", "1.11" },
  { "11", "1.12" },
};

static void
ensure_tables (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      const char * const *codes = vigil_dora_eea_states ();

      for (guint i = 0; i < VIGIL_DORA_N_EEA_STATES; i++)
        {
          eea_states[i].code = codes[i];
          eea_states[i].label = codes[i];
        }
      g_once_init_leave (&done, 1);
    }
}

const VigilDoraFieldInfo *
vigil_dora_report_fields (guint *n_fields)
{
  ensure_tables ();
  *n_fields = G_N_ELEMENTS (fields);
  return fields;
}

const VigilDoraFieldInfo *
vigil_dora_report_lookup_field (const char *no)
{
  g_return_val_if_fail (no != NULL, NULL);

  ensure_tables ();
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].no, no))
      return &fields[i];
  return NULL;
}

const char *
vigil_dora_field_get_label (const VigilDoraFieldInfo *field)
{
  g_return_val_if_fail (field != NULL, NULL);

  return _(field->name);
}

const char *
vigil_dora_field_get_rule_text (const VigilDoraFieldInfo *field)
{
  g_return_val_if_fail (field != NULL, NULL);

  return field->rule_text ? _(field->rule_text) : NULL;
}

const char *
vigil_dora_choice_get_label (const VigilDoraChoice *choice)
{
  g_return_val_if_fail (choice != NULL, NULL);

  /* The member states are shown by their codes. */
  if (choice->label == choice->code)
    return choice->code;
  return _(choice->label);
}

gboolean
vigil_dora_field_in_form (const VigilDoraFieldInfo *field,
                          VigilDoraReportForm       form)
{
  g_return_val_if_fail (field != NULL, FALSE);

  return (field->forms & VIGIL_DORA_FORM_BIT (form)) != 0;
}

/* The sections of the templates, by the field that opens them. */
static const struct {
  gboolean    threat;
  const char *no;
  const char *title;
  const char *numbered;    /* NULL: the same without a number */
} sections[] = {
  { TRUE, "1", N_("Entity and contacts"), NULL },
  { TRUE, "12", N_("The cyber threat"), NULL },
  { FALSE, "1.1", N_("General information"), N_("1. General information") },
  { FALSE, "2.1", N_("Initial notification"), N_("2. Initial notification") },
  { FALSE, "3.1", N_("Intermediate report"), N_("3. Intermediate report") },
  { FALSE, "4.1", N_("Final report"), N_("4. Final report") },
};

const char *
vigil_dora_field_get_section (const VigilDoraFieldInfo *field,
                              gboolean                  numbered)
{
  gboolean threat;

  g_return_val_if_fail (field != NULL, NULL);

  threat = field->forms == VIGIL_DORA_FORM_BIT (VIGIL_DORA_FORM_THREAT);
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    if (sections[i].threat == threat && g_str_equal (sections[i].no, field->no))
      return numbered && sections[i].numbered ? _(sections[i].numbered) : _(sections[i].title);
  return NULL;
}

const VigilDoraChoice *
vigil_dora_field_find_choice (const VigilDoraFieldInfo *field,
                              const char               *code)
{
  g_return_val_if_fail (field != NULL, NULL);

  ensure_tables ();
  for (const VigilDoraChoice *c = field->choices; c != NULL && c->code != NULL; c++)
    if (code != NULL && g_str_equal (c->code, code))
      return c;
  return NULL;
}

/* Values */

static gboolean
value_error (GError                   **error,
             const VigilDoraFieldInfo  *field,
             const char                *reason)
{
  g_set_error (error, VIGIL_DORA_REPORT_ERROR, VIGIL_DORA_REPORT_ERROR_INVALID_VALUE,
               "%s", reason);
  return FALSE;
}

static gboolean
is_string (JsonNode *value)
{
  return JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING;
}

static gboolean
is_number (JsonNode *value)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (value))
    return FALSE;
  type = json_node_get_value_type (value);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
digits (const char *text,
        guint       n)
{
  for (guint i = 0; i < n; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

static gboolean
check_dt (const char *text)
{
  g_autofree char *iso = NULL;
  g_autoptr(GDateTime) parsed = NULL;

  if (strlen (text) != 19 || !digits (text, 4) || text[4] != '-' || !digits (text + 5, 2) ||
      text[7] != '-' || !digits (text + 8, 2) || text[10] != 'T' || !digits (text + 11, 2) ||
      text[13] != ':' || !digits (text + 14, 2) || text[16] != ':' || !digits (text + 17, 2))
    return FALSE;
  iso = g_strconcat (text, "Z", NULL);
  parsed = g_date_time_new_from_iso8601 (iso, NULL);
  return parsed != NULL;
}

static gboolean
check_dur (const char *text)
{
  return strlen (text) == 8 && digits (text, 2) && text[2] == ':' && digits (text + 3, 2) &&
         text[5] == ':' && digits (text + 6, 2) &&
         g_ascii_digit_value (text[3]) * 10 + g_ascii_digit_value (text[4]) < 24 &&
         g_ascii_digit_value (text[6]) < 6;
}

/* At most five digits, one of them after the point: "0.0" to "9999.9". */
static gboolean
check_pct (const char *text)
{
  const char *dot = strchr (text, '.');
  gsize before = dot ? (gsize) (dot - text) : strlen (text);

  if (before < 1 || before > 4 || !digits (text, before))
    return FALSE;
  if (dot == NULL)
    return TRUE;
  return strlen (dot + 1) == 1 && g_ascii_isdigit (dot[1]);
}

static gboolean
check_currency (const char *text)
{
  return strlen (text) == 3 && g_ascii_isupper (text[0]) && g_ascii_isupper (text[1]) &&
         g_ascii_isupper (text[2]);
}

static gboolean
check_lei (const VigilDoraFieldInfo *field,
           const char               *text)
{
  g_auto(GStrv) parts = NULL;

  /* 1.6 lists the affected entities of an aggregated report. */
  if (!g_str_equal (field->no, "1.6"))
    return vigil_dora_lei_is_valid (text);
  parts = g_strsplit (text, ";", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (!vigil_dora_lei_is_valid (g_strstrip (parts[i])))
      return FALSE;
  return TRUE;
}

gboolean
vigil_dora_field_check_value (const VigilDoraFieldInfo  *field,
                              JsonNode                  *value,
                              GError                   **error)
{
  const char *text = NULL;

  g_return_val_if_fail (field != NULL, FALSE);

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return TRUE;

  switch (field->type)
    {
    case VIGIL_DORA_FIELD_A:
    case VIGIL_DORA_FIELD_LEI:
    case VIGIL_DORA_FIELD_DT:
    case VIGIL_DORA_FIELD_DUR:
    case VIGIL_DORA_FIELD_PCT:
    case VIGIL_DORA_FIELD_C1:
      if (!is_string (value))
        return value_error (error, field, _("must be text"));
      text = json_node_get_string (value);
      break;
    default:
      break;
    }

  switch (field->type)
    {
    case VIGIL_DORA_FIELD_A:
      if (g_utf8_strlen (text, -1) > MAX_TEXT_CHARS)
        return value_error (error, field, _("is too long; shorten it to 20,000 characters"));
      return TRUE;
    case VIGIL_DORA_FIELD_LEI:
      if (!check_lei (field, text))
        return value_error (error, field,
                            _("is not a valid LEI: 20 letters and digits whose last two are "
                              "check digits"));
      return TRUE;
    case VIGIL_DORA_FIELD_DT:
      if (!check_dt (text))
        return value_error (error, field,
                            _("must be a UTC date and time like 2025-03-01T13:05:00"));
      return TRUE;
    case VIGIL_DORA_FIELD_DUR:
      if (!check_dur (text))
        return value_error (error, field, _("must be days, hours and minutes like 01:02:30"));
      return TRUE;
    case VIGIL_DORA_FIELD_PCT:
      if (!check_pct (text))
        return value_error (error, field,
                            _("must be a percentage with one decimal and without the percent sign, like 12.5"));
      return TRUE;
    case VIGIL_DORA_FIELD_MON:
      if (!is_number (value) || !isfinite (json_node_get_double (value)) ||
          json_node_get_double (value) < 0 ||
          json_node_get_double (value) > VIGIL_DORA_MAX_AMOUNT)
        return value_error (error, field, _("must be an amount of 0 or more"));
      return TRUE;
    case VIGIL_DORA_FIELD_INT:
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_INT64 ||
          json_node_get_int (value) < 0 || json_node_get_int (value) > VIGIL_DORA_MAX_COUNT)
        return value_error (error, field, _("must be a whole number of 0 or more"));
      return TRUE;
    case VIGIL_DORA_FIELD_BOOL:
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN)
        return value_error (error, field, _("must be yes or no"));
      return TRUE;
    case VIGIL_DORA_FIELD_C1:
      if (field->choices == NULL)
        {
          if (!check_currency (text))
            return value_error (error, field,
                                _("must be a currency code of three capital letters, like EUR"));
          return TRUE;
        }
      if (vigil_dora_field_find_choice (field, text) == NULL)
        return value_error (error, field, _("is not one of the choices"));
      return TRUE;
    case VIGIL_DORA_FIELD_CN:
      {
        JsonArray *array;

        if (!JSON_NODE_HOLDS_ARRAY (value))
          return value_error (error, field, _("must be a list of choices"));
        array = json_node_get_array (value);
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            JsonNode *item = json_array_get_element (array, i);

            if (!is_string (item) ||
                vigil_dora_field_find_choice (field, json_node_get_string (item)) == NULL)
              return value_error (error, field, _("holds something that is not one of the choices"));
            for (guint j = 0; j < i; j++)
              if (g_str_equal (json_array_get_string_element (array, j),
                               json_node_get_string (item)))
                return value_error (error, field, _("holds the same choice twice"));
          }
        return TRUE;
      }
    default:
      g_assert_not_reached ();
    }
}

static gboolean
value_is_filled (JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return FALSE;
  if (JSON_NODE_HOLDS_ARRAY (value))
    return json_array_get_length (json_node_get_array (value)) > 0;
  if (is_string (value))
    return strspn (json_node_get_string (value), " \t\r\n") < strlen (json_node_get_string (value));
  return TRUE;
}

static gboolean
value_has_code (JsonNode           *value,
                const char * const *codes)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return FALSE;
  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (is_string (item) && g_strv_contains (codes, json_node_get_string (item)))
            return TRUE;
        }
      return FALSE;
    }
  if (is_string (value))
    return g_strv_contains (codes, json_node_get_string (value));
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (value) && g_strv_contains (codes, "yes");
  return FALSE;
}

gboolean
vigil_dora_field_is_required (const VigilDoraFieldInfo *field,
                              VigilDoraReportForm       form,
                              JsonObject               *values)
{
  JsonNode *other;

  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (values != NULL, FALSE);

  if (!vigil_dora_field_in_form (field, form))
    return FALSE;
  if (field->rule_forms != 0 && (field->rule_forms & VIGIL_DORA_FORM_BIT (form)) == 0)
    return FALSE;

  other = field->rule_field ? json_object_get_member (values, field->rule_field) : NULL;
  switch (field->rule)
    {
    case VIGIL_DORA_RULE_OPTIONAL:
      return FALSE;
    case VIGIL_DORA_RULE_REQUIRED:
      return TRUE;
    case VIGIL_DORA_RULE_IF_CHOICE:
      return value_has_code (other, field->rule_codes);
    case VIGIL_DORA_RULE_IF_FILLED:
      return value_is_filled (other);
    default:
      g_assert_not_reached ();
    }
}

GStrv
vigil_dora_report_list_missing (VigilDoraReportForm  form,
                                JsonObject          *values)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (form < VIGIL_DORA_N_FORMS, NULL);
  g_return_val_if_fail (values != NULL, NULL);

  ensure_tables ();
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      if (vigil_dora_field_is_required (&fields[i], form, values) &&
          !value_is_filled (json_object_get_member (values, fields[i].no)))
        g_strv_builder_add (builder, fields[i].no);
    }
  return g_strv_builder_end (builder);
}

/* Prefill from the incident */

static void
set_string (JsonObject *values,
            const char *no,
            const char *text)
{
  if (text != NULL && *text != '\0')
    json_object_set_string_member (values, no, text);
}

static void
take_string (JsonObject *values,
             const char *no,
             char       *text)
{
  set_string (values, no, text);
  g_free (text);
}

static void
set_time (JsonObject *values,
          const char *no,
          GDateTime  *when)
{
  if (when != NULL)
    take_string (values, no, vigil_dora_format_dt (when));
}

static void
set_codes (JsonObject         *values,
           const char         *no,
           const char * const *codes)
{
  JsonArray *array;

  if (codes == NULL || codes[0] == NULL)
    return;
  array = json_array_new ();
  for (guint i = 0; codes[i] != NULL; i++)
    json_array_add_string_element (array, codes[i]);
  json_object_set_array_member (values, no, array);
}

static JsonObject *
get_object_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* A string, or the strings of a list one per line. */
static char *
dup_text_member (JsonObject *object,
                 const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL)
    return NULL;
  if (is_string (node))
    return g_strdup (json_node_get_string (node));
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (!is_string (item))
            continue;
          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append (text, json_node_get_string (item));
        }
      return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
    }
  return NULL;
}

static char *
dup_indicators (VigilIncident *incident)
{
  JsonArray *items = vigil_incident_get_items (incident, "correlate", "indicators");
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *type = json_object_get_string_member_with_default (item, "type", NULL);
      const char *value = json_object_get_string_member_with_default (item, "value", NULL);

      if (value == NULL)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (type != NULL)
        g_string_append_printf (text, "%s: ", type);
      g_string_append (text, value);
    }
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static void
prefill_description (JsonObject    *values,
                     VigilIncident *incident)
{
  const char *description = vigil_incident_get_description (incident);
  const char *summary = vigil_incident_get_form_string (incident, "findings", "summary");
  g_autoptr(GString) text = g_string_new (NULL);

  if (description != NULL && *description != '\0')
    g_string_append (text, description);
  if (summary != NULL && *summary != '\0')
    {
      if (text->len > 0)
        g_string_append (text, "\n\n");
      g_string_append (text, summary);
    }
  set_string (values, "2.4", text->str);
}

/* The incident's own words for the type of 3.23 and the techniques of
 * 3.25; only the unambiguous ones. */
static void
prefill_type (JsonObject    *values,
              VigilIncident *incident)
{
  static const struct {
    const char *type;
    const char *technique;
  } types[] = {
    { "malware", NULL },
    { "phishing", "social_engineering" },
    { "data_breach", "data_exfiltration" },
    { "insider_threat", NULL },
    { "ddos", "ddos" },
  };
  const char *type = vigil_incident_get_incident_type (incident);

  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (types); i++)
    {
      if (!g_str_equal (type, types[i].type))
        continue;
      set_codes (values, "3.23", (const char * const[]) { "cybersecurity", NULL });
      if (types[i].technique != NULL)
        set_codes (values, "3.25", (const char * const[]) { types[i].technique, NULL });
    }
}

static void
set_percent (JsonObject *values,
             const char *no,
             gint64      part,
             gint64      whole)
{
  if (whole > 0)
    take_string (values, no, vigil_dora_format_pct_ratio (part, whole));
}

static void
set_int (JsonObject *values,
         const char *no,
         gint64      value)
{
  json_object_set_int_member (values, no, value);
}

static void
set_span (JsonObject *values,
          const char *no,
          JsonObject *figures,
          const char *name)
{
  JsonNode *node = figures ? json_object_get_member (figures, name) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    take_string (values, no,
                 vigil_dora_format_dur (json_node_get_int (node) * G_TIME_SPAN_SECOND));
}

static void
prefill_criteria (JsonObject              *values,
                  const VigilDoraCriteria *c,
                  JsonObject              *result)
{
  JsonObject *figures = get_object_member (result, "figures");
  g_autoptr(GStrvBuilder) estimates = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) reputation_codes = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) data_codes = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) geo_codes = g_strv_builder_new ();
  g_auto(GStrv) estimate_list = NULL;
  g_auto(GStrv) reputation_list = NULL;
  g_auto(GStrv) data_list = NULL;
  g_auto(GStrv) geo_list = NULL;
  g_autofree char *critical = NULL;
  guint geo = 0;
  double costs = 0;

  set_string (values, "1.15", c->currency);

  set_time (values, "3.2", c->occurred_at);
  set_time (values, "3.3", c->downtime_end);
  set_int (values, "3.4", c->clients_affected);
  set_percent (values, "3.5", c->clients_affected, c->clients_total);
  set_int (values, "3.6", c->counterparts_affected);
  set_percent (values, "3.7", c->counterparts_affected, c->counterparts_total);
  json_object_set_boolean_member (values, "3.8", c->relevant_affected);
  if (c->transactions_affected > 0)
    {
      set_int (values, "3.9", c->transactions_affected);
      set_percent (values, "3.10", c->transactions_affected, c->transactions_daily_average);
      json_object_set_double_member (values, "3.11", c->transactions_value_affected);
    }

  g_strv_builder_add (estimates, c->clients_affected == 0 ? "no_impact_clients"
                                 : c->clients_estimated ? "estimate_clients" : "actual_clients");
  g_strv_builder_add (estimates, c->counterparts_affected == 0 ? "no_impact_counterparts"
                                 : c->counterparts_estimated ? "estimate_counterparts"
                                                             : "actual_counterparts");
  g_strv_builder_add (estimates, c->transactions_affected == 0 ? "no_impact_transactions"
                                 : c->transactions_estimated ? "estimate_transactions"
                                                             : "actual_transactions");
  estimate_list = g_strv_builder_end (estimates);
  set_codes (values, "3.12", (const char * const *) estimate_list);

  if (c->media)
    g_strv_builder_add (reputation_codes, "media");
  if (c->complaints)
    g_strv_builder_add (reputation_codes, "complaints");
  if (c->regulatory_breach)
    g_strv_builder_add (reputation_codes, "regulatory");
  if (c->client_loss)
    g_strv_builder_add (reputation_codes, "client_loss");
  reputation_list = g_strv_builder_end (reputation_codes);
  set_codes (values, "3.13", (const char * const *) reputation_list);

  set_span (values, "3.15", figures, "duration_seconds");
  set_span (values, "3.16", figures, "downtime_seconds");
  if (json_object_has_member (values, "3.15"))
    json_object_set_string_member (values, "3.17",
                                   c->duration_estimated ? "estimates" : "actual");

  for (guint i = 0; i < VIGIL_DORA_N_EEA_STATES; i++)
    geo |= c->state_impacts[i];
  for (guint j = 0; geo_impacts[j].code != NULL; j++)
    if (geo & (1u << j))
      g_strv_builder_add (geo_codes, geo_impacts[j].code);
  geo_list = g_strv_builder_end (geo_codes);
  set_codes (values, "3.18", (const char * const *) geo_list);

  if (c->data_availability)
    g_strv_builder_add (data_codes, "availability");
  if (c->data_authenticity)
    g_strv_builder_add (data_codes, "authenticity");
  if (c->data_integrity)
    g_strv_builder_add (data_codes, "integrity");
  if (c->data_confidentiality)
    g_strv_builder_add (data_codes, "confidentiality");
  data_list = g_strv_builder_end (data_codes);
  set_codes (values, "3.20", (const char * const *) data_list);

  if (c->cif_services_affected || c->supervised_services_affected || c->malicious_access)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      if (c->cif_services_affected)
        g_string_append_printf (text, "%s\n", _("ICT services or systems that support critical or "
                                                "important functions were affected."));
      if (c->supervised_services_affected)
        g_string_append_printf (text, "%s\n", _("Financial services that need authorisation or "
                                                "registration, or that are supervised, were "
                                                "affected."));
      if (c->malicious_access)
        g_string_append_printf (text, "%s\n", _("There was successful, malicious and "
                                                "unauthorised access to the network and "
                                                "information systems."));
      g_string_truncate (text, text->len - 1);
      critical = g_string_free (g_steal_pointer (&text), FALSE);
      set_string (values, "3.22", critical);
    }

  set_time (values, "4.8", c->resolved_at);
  for (guint i = 0; i < VIGIL_DORA_N_COSTS; i++)
    costs += c->costs[i];
  if (costs > 0)
    json_object_set_double_member (values, "4.13", costs);
}

static void
prefill_threat (JsonObject    *values,
                VigilIncident *incident,
                JsonObject    *threat)
{
  JsonNode *would = threat ? json_object_get_member (threat, "would_trigger") : NULL;
  g_autofree char *indicators = NULL;

  set_time (values, "12", vigil_incident_get_aware_at (incident)
                          ? vigil_incident_get_aware_at (incident)
                          : vigil_incident_get_detected_at (incident));
  if (threat == NULL)
    return;

  take_string (values, "13", dup_text_member (threat, "description"));
  take_string (values, "14", dup_text_member (threat, "potential_impact"));
  if (would != NULL && JSON_NODE_HOLDS_ARRAY (would))
    {
      JsonArray *array = json_node_get_array (would);
      g_autoptr(GStrvBuilder) codes = g_strv_builder_new ();
      g_auto(GStrv) list = NULL;

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          for (guint t = 0; is_string (item) && triggers[t].code != NULL; t++)
            if (g_str_equal (triggers[t].code, json_node_get_string (item)))
              g_strv_builder_add (codes, triggers[t].code);
        }
      list = g_strv_builder_end (codes);
      set_codes (values, "15", (const char * const *) list);
    }
  else if (would != NULL && JSON_NODE_HOLDS_VALUE (would) &&
           json_node_get_value_type (would) == G_TYPE_INT64)
    {
      g_auto(GStrv) list = vigil_dora_triggers_to_strv (json_node_get_int (would));

      set_codes (values, "15", (const char * const *) list);
    }
  if (is_string (json_object_get_member (threat, "status")) &&
      vigil_dora_field_find_choice (vigil_dora_report_lookup_field ("16"),
                                    json_object_get_string_member (threat, "status")) != NULL)
    set_string (values, "16", json_object_get_string_member (threat, "status"));
  take_string (values, "17", dup_text_member (threat, "actions"));
  take_string (values, "18", dup_text_member (threat, "others_notified"));
  indicators = dup_text_member (threat, "indicators");
  if (indicators == NULL)
    indicators = dup_indicators (incident);
  set_string (values, "19", indicators);
}

JsonObject *
vigil_dora_report_prefill (VigilIncident       *incident,
                           VigilDoraReportForm  form)
{
  JsonObject *values;
  JsonObject *dora;
  JsonObject *result;
  g_autoptr(VigilDoraCriteria) criteria = NULL;
  g_autoptr(GDateTime) classified_at = NULL;
  JsonNode *node;

  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), NULL);
  g_return_val_if_fail (form < VIGIL_DORA_N_FORMS, NULL);

  ensure_tables ();
  values = json_object_new ();
  dora = vigil_incident_get_dora (incident);
  result = get_object_member (dora, "result");

  if (form == VIGIL_DORA_FORM_THREAT)
    {
      prefill_threat (values, incident, get_object_member (dora, "threat"));
      return values;
    }

  json_object_set_string_member (values, "1.1", forms[form].submission);
  set_string (values, "2.1", vigil_incident_get_reference (incident));
  set_time (values, "2.2", vigil_incident_get_aware_at (incident)
                           ? vigil_incident_get_aware_at (incident)
                           : vigil_incident_get_detected_at (incident));
  classified_at = vigil_incident_dup_dora_classified_at (incident);
  set_time (values, "2.3", classified_at);
  prefill_description (values, incident);

  node = result ? json_object_get_member (result, "triggers") : NULL;
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node) &&
      json_array_get_length (json_node_get_array (node)) > 0)
    json_object_set_member (values, "2.5", json_node_copy (node));
  if (result != NULL && json_object_get_boolean_member_with_default (result, "t4", FALSE))
    {
      JsonObject *figures = get_object_member (result, "figures");

      node = figures ? json_object_get_member (figures, "states") : NULL;
      if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
        json_object_set_member (values, "2.6", json_node_copy (node));
    }
  if (g_strcmp0 (vigil_incident_get_detection_method (incident), "monitoring") == 0)
    json_object_set_string_member (values, "2.7", "monitoring_systems");

  node = dora ? json_object_get_member (dora, "criteria") : NULL;
  if (node != NULL)
    criteria = vigil_dora_criteria_new_from_json (node, NULL);
  if (criteria != NULL)
    prefill_criteria (values, criteria, result);

  prefill_type (values, incident);
  take_string (values, "3.35", dup_indicators (incident));
  set_string (values, "4.5", vigil_incident_get_form_string (incident, "findings", "root_cause"));

  /* Only the fields of this report. */
  {
    g_autoptr(GList) members = json_object_get_members (values);

    for (GList *l = members; l != NULL; l = l->next)
      {
        g_autofree char *no = g_strdup (l->data);
        const VigilDoraFieldInfo *field = vigil_dora_report_lookup_field (no);

        if (field == NULL || !vigil_dora_field_in_form (field, form))
          json_object_remove_member (values, no);
      }
  }
  return values;
}

/* The report */

struct _VigilDoraReport
{
  GObject              parent_instance;

  VigilDoraReportForm  form;
  guint                version;
  char                *reference;
  char                *title;
  JsonObject          *values;
  GHashTable          *sources;   /* field number -> VigilDoraValueSource */
};

G_DEFINE_FINAL_TYPE (VigilDoraReport, vigil_dora_report, G_TYPE_OBJECT)

static void
vigil_dora_report_finalize (GObject *object)
{
  VigilDoraReport *self = VIGIL_DORA_REPORT (object);

  g_free (self->reference);
  g_free (self->title);
  json_object_unref (self->values);
  g_hash_table_unref (self->sources);

  G_OBJECT_CLASS (vigil_dora_report_parent_class)->finalize (object);
}

static void
vigil_dora_report_class_init (VigilDoraReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vigil_dora_report_finalize;
}

static void
vigil_dora_report_init (VigilDoraReport *self)
{
  self->values = json_object_new ();
  self->sources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static JsonObject *
get_draft (JsonObject          *dora,
           VigilDoraReportForm  form)
{
  return get_object_member (get_object_member (dora, "drafts"), forms[form].id);
}

static const char *
shared_report_field (const char *threat_no)
{
  for (guint i = 0; i < G_N_ELEMENTS (shared_fields); i++)
    if (g_str_equal (shared_fields[i].threat, threat_no))
      return shared_fields[i].report;
  return NULL;
}

/* The value an earlier report's draft gives field @no of @form. */
static JsonNode *
find_earlier (JsonObject          *dora,
              VigilDoraReportForm  form,
              const char          *no)
{
  static const VigilDoraReportForm latest_first[] = {
    VIGIL_DORA_FORM_FINAL, VIGIL_DORA_FORM_INTERMEDIATE, VIGIL_DORA_FORM_INITIAL
  };
  const char *key = no;

  if (form == VIGIL_DORA_FORM_THREAT && (key = shared_report_field (no)) == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (latest_first); i++)
    {
      JsonObject *draft;
      JsonNode *value;

      /* Only reports that come before this one; the reclassification and
       * the threat notification come after all of them. */
      if (form <= VIGIL_DORA_FORM_FINAL && latest_first[i] >= form)
        continue;
      draft = get_draft (dora, latest_first[i]);
      value = draft ? json_object_get_member (draft, key) : NULL;
      if (value_is_filled (value))
        return value;
    }
  return NULL;
}

static guint
count_submissions (JsonObject          *dora,
                   VigilDoraReportForm  form)
{
  JsonNode *node = dora ? json_object_get_member (dora, "reports") : NULL;
  JsonArray *reports;
  guint n = 0;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return 0;
  reports = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (reports); i++)
    {
      JsonObject *report = json_array_get_object_element (reports, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (report, "report", NULL),
                     forms[form].id) == 0)
        n++;
    }
  return n;
}

VigilDoraReport *
vigil_dora_report_new (VigilIncident       *incident,
                       VigilDoraReportForm  form)
{
  VigilDoraReport *self;
  JsonObject *dora;
  JsonObject *draft;
  g_autoptr(JsonObject) prefill = NULL;
  const char *reference;
  const char *title;

  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), NULL);
  g_return_val_if_fail (form < VIGIL_DORA_N_FORMS, NULL);

  ensure_tables ();
  self = g_object_new (VIGIL_TYPE_DORA_REPORT, NULL);
  self->form = form;
  dora = vigil_incident_get_dora (incident);
  draft = get_draft (dora, form);
  prefill = vigil_dora_report_prefill (incident, form);
  self->version = count_submissions (dora, form) + 1;
  reference = vigil_incident_get_reference (incident);
  title = vigil_incident_get_title (incident);
  self->reference = g_strdup (reference != NULL && *reference != '\0' ? reference
                                                                      : _("Unnumbered incident"));
  self->title = g_strdup (title != NULL && *title != '\0' ? title : _("Untitled incident"));

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const VigilDoraFieldInfo *field = &fields[i];
      VigilDoraValueSource source = VIGIL_DORA_SOURCE_NONE;
      JsonNode *value = NULL;

      if (!vigil_dora_field_in_form (field, form))
        continue;

      /* 1.1 names the report; nothing overrides it. */
      if (g_str_equal (field->no, "1.1"))
        {
          value = json_object_get_member (prefill, field->no);
          source = VIGIL_DORA_SOURCE_INCIDENT;
        }
      else if (draft != NULL && json_object_has_member (draft, field->no))
        {
          value = json_object_get_member (draft, field->no);
          source = VIGIL_DORA_SOURCE_DRAFT;
        }
      else if ((value = find_earlier (dora, form, field->no)) != NULL)
        source = VIGIL_DORA_SOURCE_EARLIER;
      else if ((value = json_object_get_member (prefill, field->no)) != NULL)
        source = VIGIL_DORA_SOURCE_INCIDENT;

      if (!value_is_filled (value))
        continue;
      json_object_set_member (self->values, field->no, json_node_copy (value));
      g_hash_table_insert (self->sources, g_strdup (field->no), GUINT_TO_POINTER (source));
    }
  return self;
}

VigilDoraReportForm
vigil_dora_report_get_form (VigilDoraReport *self)
{
  g_return_val_if_fail (VIGIL_IS_DORA_REPORT (self), 0);

  return self->form;
}

guint
vigil_dora_report_get_version (VigilDoraReport *self)
{
  g_return_val_if_fail (VIGIL_IS_DORA_REPORT (self), 0);

  return self->version;
}

JsonObject *
vigil_dora_report_get_values (VigilDoraReport *self)
{
  g_return_val_if_fail (VIGIL_IS_DORA_REPORT (self), NULL);

  return self->values;
}

JsonNode *
vigil_dora_report_get_value (VigilDoraReport *self,
                             const char      *no)
{
  g_return_val_if_fail (VIGIL_IS_DORA_REPORT (self), NULL);

  return json_object_get_member (self->values, no);
}

VigilDoraValueSource
vigil_dora_report_get_source (VigilDoraReport *self,
                              const char      *no)
{
  g_return_val_if_fail (VIGIL_IS_DORA_REPORT (self), VIGIL_DORA_SOURCE_NONE);

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->sources, no));
}

GStrv
vigil_dora_report_list_missing_fields (VigilDoraReport *self)
{
  g_return_val_if_fail (VIGIL_IS_DORA_REPORT (self), NULL);

  return vigil_dora_report_list_missing (self->form, self->values);
}

char *
vigil_dora_report_format_value (const VigilDoraFieldInfo *field,
                                JsonNode                 *value)
{
  g_return_val_if_fail (field != NULL, NULL);

  if (!value_is_filled (value))
    return g_strdup ("");

  switch (field->type)
    {
    case VIGIL_DORA_FIELD_BOOL:
      return g_strdup (json_node_get_boolean (value) ? _("Yes") : _("No"));
    case VIGIL_DORA_FIELD_INT:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
    case VIGIL_DORA_FIELD_MON:
      return g_strdup_printf ("%.2f", json_node_get_double (value));
    case VIGIL_DORA_FIELD_PCT:
      return g_strdup_printf ("%s %%", json_node_get_string (value));
    case VIGIL_DORA_FIELD_C1:
      {
        const VigilDoraChoice *choice =
          vigil_dora_field_find_choice (field, json_node_get_string (value));

        return g_strdup (choice ? vigil_dora_choice_get_label (choice)
                                : json_node_get_string (value));
      }
    case VIGIL_DORA_FIELD_CN:
      {
        JsonArray *array = json_node_get_array (value);
        g_autoptr(GString) text = g_string_new (NULL);

        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            const char *code = json_array_get_string_element (array, i);
            const VigilDoraChoice *choice = vigil_dora_field_find_choice (field, code);

            if (i > 0)
              g_string_append (text, field->choices == eea_states ? ", " : "; ");
            g_string_append (text, choice ? vigil_dora_choice_get_label (choice) : code);
          }
        return g_string_free (g_steal_pointer (&text), FALSE);
      }
    default:
      return g_strdup (json_node_get_string (value));
    }
}

JsonNode *
vigil_dora_report_to_json (VigilDoraReport *self,
                           GDateTime       *generated_at)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *generated = NULL;

  g_return_val_if_fail (VIGIL_IS_DORA_REPORT (self), NULL);

  if (generated_at == NULL)
    generated_at = now = g_date_time_new_now_utc ();
  generated = vigil_dora_format_dt (generated_at);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "report");
  json_builder_add_string_value (builder, forms[self->form].id);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, self->version);
  json_builder_set_member_name (builder, "incident");
  json_builder_add_string_value (builder, self->reference);
  json_builder_set_member_name (builder, "generated_at");
  json_builder_add_string_value (builder, generated);
  json_builder_set_member_name (builder, "fields");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      JsonNode *value;

      if (!vigil_dora_field_in_form (&fields[i], self->form))
        continue;
      value = json_object_get_member (self->values, fields[i].no);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "no");
      json_builder_add_string_value (builder, fields[i].no);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, fields[i].name);
      json_builder_set_member_name (builder, "value");
      if (value != NULL)
        json_builder_add_value (builder, json_node_copy (value));
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
vigil_dora_report_to_json_string (VigilDoraReport *self,
                                  GDateTime       *generated_at)
{
  g_autoptr(JsonNode) node = vigil_dora_report_to_json (self, generated_at);
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, NULL);
}

VigilReport *
vigil_dora_report_build_document (VigilDoraReport *self,
                                  GDateTime       *generated_at)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *kicker = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *version = NULL;
  g_autofree char *generated = NULL;
  g_auto(GStrv) missing = NULL;
  VigilReport *document;

  g_return_val_if_fail (VIGIL_IS_DORA_REPORT (self), NULL);

  if (generated_at == NULL)
    generated_at = now = g_date_time_new_now_utc ();
  generated = vigil_dora_format_dt (generated_at);

  kicker = g_utf8_strup (vigil_dora_form_get_title (self->form), -1);
  /* TRANSLATORS: a DORA report's title: the report and the incident's reference */
  heading = g_strdup_printf (_("%s %s"), vigil_dora_form_get_title (self->form), self->reference);
  document = vigil_report_new_blank (kicker, heading, self->reference, self->title,
                                     _("Drafted from the incident's recorded data for the "
                                       "competent authority under DORA (Implementing "
                                       "Regulation (EU) 2025/302). Times are UTC."));
  version = g_strdup_printf ("%u", self->version);
  vigil_report_add_cover_field (document, _("Report"), vigil_dora_form_get_title (self->form));
  vigil_report_add_cover_field (document, _("Version"), version);
  vigil_report_add_cover_field (document, _("Incident"), self->reference);
  vigil_report_add_cover_field (document, _("Drafted (UTC)"), generated);

  missing = vigil_dora_report_list_missing (self->form, self->values);
  if (missing[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", missing);
      g_autofree char *note = g_strdup_printf (_("Mandatory fields still empty: %s"), list);

      vigil_report_add_cover_field (document, _("Completeness"), note);
    }
  else
    vigil_report_add_cover_field (document, _("Completeness"),
                                  _("Every mandatory field is filled"));

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const VigilDoraFieldInfo *field = &fields[i];
      const char *section;
      g_autofree char *label = NULL;
      g_autofree char *value = NULL;

      if (!vigil_dora_field_in_form (field, self->form))
        continue;
      if ((section = vigil_dora_field_get_section (field, TRUE)) != NULL)
        vigil_report_add_heading (document, 1, section);
      label = g_strdup_printf ("%s %s", field->no, vigil_dora_field_get_label (field));
      value = vigil_dora_report_format_value (field,
                                              json_object_get_member (self->values, field->no));
      vigil_report_add_field (document, label, value);
    }
  return document;
}
