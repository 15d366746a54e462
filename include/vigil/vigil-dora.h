/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "vigil-calendar.h"

G_BEGIN_DECLS

/*
 * DORA rules: classification of ICT-related incidents as major (Delegated
 * Regulation 2024/1772), significant cyber threats, recurring incidents,
 * reporting deadlines (Delegated Regulation 2025/301) and the field formats
 * of the reporting templates (Implementing Regulation 2025/302).
 *
 * Everything here is pure computation: no storage, no clock of its own
 * (callers pass "now"), no user interface.
 */

#define VIGIL_DORA_ERROR (vigil_dora_error_quark ())

/**
 * VigilDoraError:
 * @VIGIL_DORA_ERROR_PARSE: the document is not JSON or not an object
 * @VIGIL_DORA_ERROR_INVALID_FIELD: a field has a wrong type or a value that
 *   makes no sense; the message names the field
 * @VIGIL_DORA_ERROR_UNKNOWN_FIELD: the document has a field we do not know
 */
typedef enum {
  VIGIL_DORA_ERROR_PARSE,
  VIGIL_DORA_ERROR_INVALID_FIELD,
  VIGIL_DORA_ERROR_UNKNOWN_FIELD,
} VigilDoraError;

GQuark vigil_dora_error_quark (void);

/* Thresholds of Delegated Regulation 2024/1772. Every comparison is strict:
 * a figure must be higher than its limit ("higher than", "longer than",
 * "exceeded"), never equal to it. */

/* T1, Art. 1(1)(a): clients affected, share of the service's clients. */
#define VIGIL_DORA_CLIENTS_SHARE_LIMIT          0.10
/* T1, Art. 1(1)(b): clients affected, absolute number. */
#define VIGIL_DORA_CLIENTS_COUNT_LIMIT          G_GINT64_CONSTANT (100000)
/* T1, Art. 1(1)(c): financial counterparts affected, share. */
#define VIGIL_DORA_COUNTERPARTS_SHARE_LIMIT     0.30
/* T1, Art. 1(1)(d): transactions affected, share of the daily average number. */
#define VIGIL_DORA_TRANSACTIONS_SHARE_LIMIT     0.10
/* T1, Art. 1(1)(e): value of transactions affected, share of the daily average value. */
#define VIGIL_DORA_TRANSACTIONS_VALUE_SHARE_LIMIT 0.10
/* T3, Art. 3(a): duration of the incident. */
#define VIGIL_DORA_DURATION_LIMIT               (24 * G_TIME_SPAN_HOUR)
/* T3, Art. 3(b): downtime of a service supporting a critical or important function. */
#define VIGIL_DORA_DOWNTIME_LIMIT               (2 * G_TIME_SPAN_HOUR)
/* T4, Art. 4: number of member states impacted (at least, not more than). */
#define VIGIL_DORA_STATES_MIN                   2
/* T6, Art. 7: gross costs and losses, in euro. */
#define VIGIL_DORA_ECONOMIC_LIMIT_EUR           100000.0
/* Art. 8(1)(b): thresholds needed besides the critical-services gate. */
#define VIGIL_DORA_THRESHOLDS_NEEDED            2
/* Art. 8(2): look-back window for recurring incidents, in months. */
#define VIGIL_DORA_RECURRING_WINDOW_MONTHS      6

/* Largest count and amount the reader accepts; keeps sums far from overflow. */
#define VIGIL_DORA_MAX_COUNT                    G_GINT64_CONSTANT (1000000000000)
#define VIGIL_DORA_MAX_AMOUNT                   1e15

/* Member states */

/* The 30 EEA states: the 27 EU member states, Iceland, Liechtenstein and
 * Norway, by ISO 3166 alpha-2 code (Greece is "GR", not the EU's "EL"). */
#define VIGIL_DORA_N_EEA_STATES 30

/* Returns: (transfer none): the EEA state codes in alphabetical order */
const char * const *vigil_dora_eea_states           (void);
/* Returns: the position of @code in vigil_dora_eea_states(), or -1 */
int                 vigil_dora_eea_state_index      (const char *code);
gboolean            vigil_dora_is_eea_state         (const char *code);
/* Returns: (transfer none): the IANA time zone of the state's capital
 * ("Europe/Berlin"), or %NULL when @code is not an EEA state */
const char         *vigil_dora_eea_state_time_zone  (const char *code);

/**
 * VigilDoraGeoImpact:
 *
 * What was impacted in a member state (ITS field 3.18, CR Art. 4).
 */
typedef enum {
  VIGIL_DORA_GEO_CLIENTS        = 1 << 0,
  VIGIL_DORA_GEO_COUNTERPARTS   = 1 << 1,
  VIGIL_DORA_GEO_BRANCH         = 1 << 2,
  VIGIL_DORA_GEO_GROUP_ENTITY   = 1 << 3,
  VIGIL_DORA_GEO_FMI            = 1 << 4,
  VIGIL_DORA_GEO_THIRD_PARTY    = 1 << 5,
} VigilDoraGeoImpact;

#define VIGIL_DORA_GEO_ALL 0x3f

/**
 * VigilDoraCost:
 *
 * The cost types (a) to (h) of CR Art. 7(1), gross of any recovery.
 */
typedef enum {
  VIGIL_DORA_COST_EXPROPRIATED_FUNDS,  /* (a) funds or assets, incl. theft */
  VIGIL_DORA_COST_REPLACEMENT,         /* (b) software, hardware, infrastructure */
  VIGIL_DORA_COST_STAFF,               /* (c) replacement, hires, overtime */
  VIGIL_DORA_COST_CONTRACTUAL_FEES,    /* (d) fees for contractual non-compliance */
  VIGIL_DORA_COST_CUSTOMER_REDRESS,    /* (e) redress and compensation */
  VIGIL_DORA_COST_FORGONE_REVENUE,     /* (f) */
  VIGIL_DORA_COST_COMMUNICATION,       /* (g) */
  VIGIL_DORA_COST_ADVISORY,            /* (h) legal, forensic, remediation */
  VIGIL_DORA_N_COSTS
} VigilDoraCost;

/* Returns: (transfer none): the JSON key of @cost, e.g. "staff" */
const char *vigil_dora_cost_to_string (VigilDoraCost cost);

/**
 * VigilDoraTrigger:
 *
 * The classification criteria as listed in ITS field 2.5 ("criteria that
 * triggered the major incident report") and Annex III field 15.
 */
typedef enum {
  VIGIL_DORA_TRIGGER_CLIENTS           = 1 << 0,  /* clients, counterparts, transactions */
  VIGIL_DORA_TRIGGER_REPUTATION        = 1 << 1,
  VIGIL_DORA_TRIGGER_DURATION          = 1 << 2,  /* duration and service downtime */
  VIGIL_DORA_TRIGGER_GEOGRAPHY         = 1 << 3,
  VIGIL_DORA_TRIGGER_DATA_LOSSES       = 1 << 4,
  VIGIL_DORA_TRIGGER_CRITICAL_SERVICES = 1 << 5,
  VIGIL_DORA_TRIGGER_ECONOMIC          = 1 << 6,
} VigilDoraTrigger;

/**
 * vigil_dora_triggers_to_strv:
 *
 * Returns: (transfer full): stable ids of the set triggers in ITS order,
 *   e.g. "clients", "reputation", "duration", "geography", "data_losses",
 *   "critical_services", "economic"
 */
GStrv       vigil_dora_triggers_to_strv   (VigilDoraTrigger triggers);
/* Returns: (transfer none): the translated ITS label of one trigger */
const char *vigil_dora_trigger_get_label  (VigilDoraTrigger trigger);

/* Classification criteria */

/**
 * VigilDoraCriteria:
 *
 * What the entity knows about an incident, as needed for classification
 * (CR Art. 1-7). Counts are 0 when none or not known; the estimated flags
 * record whether figures are actual or estimates (ITS 3.12, 3.17). The
 * struct owns one reference of each #GDateTime and nothing else; use
 * vigil_dora_criteria_copy() and vigil_dora_criteria_free().
 *
 * Times (CR Art. 3): the duration runs from @occurred_at to @resolved_at.
 * Without @occurred_at it runs from @detected_at, or from @first_log_at
 * when the log shows the incident began before detection. Without
 * @resolved_at the incident is still going on and its duration is measured
 * up to the time of classification. The downtime runs from
 * @downtime_start (or @detected_at when that is unknown) to @downtime_end
 * (or the time of classification); there is downtime when either is set.
 *
 * Money: @costs and the transaction values are in @currency (ISO 4217);
 * @eur_rate converts one unit of it to euro and must be set for any other
 * currency than "EUR". [INTERP] The regulation names no source of exchange
 * rates, so the entity enters the rate it used, and the rate is part of
 * the classification record.
 */
typedef struct {
  /* Gate, critical services affected (Art. 6) */
  gboolean   cif_services_affected;       /* ICT services supporting a CIF */
  gboolean   supervised_services_affected; /* needing authorisation, or supervised */
  gboolean   malicious_access;            /* successful malicious unauthorised access */

  /* T1, clients, financial counterparts and transactions (Art. 1) */
  gint64     clients_affected;
  gint64     clients_total;               /* clients of the affected service */
  gboolean   clients_estimated;
  gint64     counterparts_affected;
  gint64     counterparts_total;          /* counterparts active for the service */
  gboolean   counterparts_estimated;
  gint64     transactions_affected;
  gint64     transactions_daily_average;
  double     transactions_value_affected;
  double     transactions_daily_average_value;
  gboolean   transactions_estimated;
  gboolean   relevant_affected;           /* a relevant client or counterpart */

  /* T2, reputational impact (Art. 2) */
  gboolean   media;
  gboolean   complaints;
  gboolean   regulatory_breach;           /* will or likely fail regulatory requirements */
  gboolean   client_loss;                 /* will or likely lose clients, material impact */

  /* T3, duration and service downtime (Art. 3) */
  GDateTime *occurred_at;
  GDateTime *detected_at;
  GDateTime *first_log_at;
  GDateTime *resolved_at;
  gboolean   duration_estimated;
  GDateTime *downtime_start;
  GDateTime *downtime_end;
  gboolean   downtime_supports_cif;

  /* T4, geographical spread (Art. 4): VigilDoraGeoImpact flags per EEA
   * state, indexed as vigil_dora_eea_states(); home_state is the entity's
   * own member state ("" when not given). */
  char       home_state[3];
  guint8     state_impacts[VIGIL_DORA_N_EEA_STATES];

  /* T5, data losses (Art. 5, 9(5)(b)) */
  gboolean   data_availability;
  gboolean   data_authenticity;
  gboolean   data_integrity;
  gboolean   data_confidentiality;
  gboolean   data_adverse_effect;         /* on business objectives or compliance */
  gboolean   intrusion_data_loss;         /* malicious access that may cause data losses */

  /* T6, economic impact (Art. 7) */
  char       currency[4];
  double     eur_rate;
  double     costs[VIGIL_DORA_N_COSTS];
  gboolean   costs_estimated;
} VigilDoraCriteria;

#define VIGIL_TYPE_DORA_CRITERIA (vigil_dora_criteria_get_type ())
GType               vigil_dora_criteria_get_type    (void) G_GNUC_CONST;

/* Returns: (transfer full): nothing affected, currency "EUR", rate 1 */
VigilDoraCriteria  *vigil_dora_criteria_new         (void);
VigilDoraCriteria  *vigil_dora_criteria_copy        (const VigilDoraCriteria *self);
void                vigil_dora_criteria_free        (VigilDoraCriteria       *self);

/* Replaces a time field of @self, e.g. &self->resolved_at, keeping refs right. */
void                vigil_dora_criteria_set_time    (GDateTime              **field,
                                                     GDateTime               *when);

/**
 * vigil_dora_criteria_set_state_impact:
 * @state: an EEA state code
 * @impact: #VigilDoraGeoImpact flags, 0 for none
 *
 * Returns: %FALSE when @state is not an EEA state
 */
gboolean            vigil_dora_criteria_set_state_impact (VigilDoraCriteria *self,
                                                          const char        *state,
                                                          guint              impact);
guint               vigil_dora_criteria_get_state_impact (const VigilDoraCriteria *self,
                                                          const char              *state);

/**
 * vigil_dora_criteria_check:
 *
 * Checks that the figures make sense together: no negative counts or
 * amounts, no more clients or counterparts affected than the service has,
 * a daily average whenever transactions are affected, times in order, EEA
 * state codes, a currency code and a euro rate. The JSON reader runs the
 * same checks.
 *
 * Returns: %TRUE, or %FALSE with a #VIGIL_DORA_ERROR naming the field
 */
gboolean            vigil_dora_criteria_check       (const VigilDoraCriteria *self,
                                                     GError                 **error);

/* Total of the costs converted to euro. */
double              vigil_dora_criteria_get_costs_eur (const VigilDoraCriteria *self);

/**
 * vigil_dora_criteria_to_json:
 *
 * Every field is written, defaults included, grouped by criterion:
 * "critical_services", "clients", "counterparts", "transactions",
 * "reputation", "duration", "downtime", "geography", "data_losses",
 * "economic". Times are ISO 8601 UTC strings or null.
 */
JsonNode           *vigil_dora_criteria_to_json     (const VigilDoraCriteria *self);
char               *vigil_dora_criteria_to_string   (const VigilDoraCriteria *self);
/* Strict readers: missing groups and fields take their defaults; unknown
 * fields, wrong types and figures that make no sense give a
 * #VIGIL_DORA_ERROR whose message names the field ("clients.affected"). */
VigilDoraCriteria  *vigil_dora_criteria_new_from_json   (JsonNode   *node,
                                                         GError    **error);
VigilDoraCriteria  *vigil_dora_criteria_new_from_string (const char *json,
                                                         GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilDoraCriteria, vigil_dora_criteria_free)

/* Classification */

/**
 * VigilDoraOptions:
 * @geo_count_home_state: whether impact in the entity's home state counts
 *   towards the two member states of T4. [INTERP] CR Art. 9(4) speaks of
 *   "two or more Member States" while Art. 4 looks at impact in other
 *   states. %TRUE (home plus one other is enough) is the conservative
 *   reading and the default; %FALSE needs two states other than home.
 * @intrusion_alone_suffices: whether a malicious intrusion that may cause
 *   data losses (T5b) makes the incident major even when its data impact
 *   also meets T5a. [INTERP] Art. 9(5)(b) literally covers only access "not
 *   covered by point (a)"; recital 5 aims to catch intrusions, so %TRUE is
 *   the default. With %FALSE, T5a takes precedence and then counts as one
 *   of the two thresholds.
 *
 * The settings a classification depends on; both are recorded in each
 * result. Both readings need the compliance function's sign-off. When the
 * criteria name no home state, every impacted state counts.
 */
typedef struct {
  gboolean geo_count_home_state;
  gboolean intrusion_alone_suffices;
} VigilDoraOptions;

#define VIGIL_DORA_OPTIONS_INIT { TRUE, TRUE }

/**
 * VigilDoraResult:
 * @criteria: a copy of the inputs
 * @options: the settings applied
 * @classified_at: the time the result was computed (UTC)
 * @gate: critical services affected (Art. 6)
 * @t1: clients, counterparts, transactions (Art. 1)
 * @t2: reputational impact (Art. 2)
 * @t3: duration or service downtime (Art. 3)
 * @t4: geographical spread (Art. 4)
 * @t5a: data losses with an adverse effect (Art. 5)
 * @t5b: malicious intrusion that may cause data losses (Art. 9(5)(b))
 * @t6: economic impact (Art. 7)
 * @n_thresholds: how many of T1, T2, T3, T4, T5a and T6 are met
 * @major: gate and (T5b or at least two of the others), Art. 8(1)
 * @triggers: the criteria for ITS field 2.5
 * @clients_percent: clients affected in % of the service's clients, or -1
 * @counterparts_percent: same for financial counterparts, or -1
 * @transactions_percent: transactions affected in % of the daily average, or -1
 * @transactions_value_percent: same for their value, or -1
 * @duration: the incident's duration, or -1 when no start is known
 * @downtime: the service downtime, or -1 when there was none
 * @states: (array zero-terminated=1): the member states counted for T4
 * @costs_eur: gross costs and losses in euro
 * @reasons: (array zero-terminated=1): translated sentences explaining each
 *   criterion and the conclusion, in that order
 */
typedef struct {
  VigilDoraCriteria *criteria;
  VigilDoraOptions   options;
  GDateTime         *classified_at;

  gboolean           gate;
  gboolean           t1;
  gboolean           t2;
  gboolean           t3;
  gboolean           t4;
  gboolean           t5a;
  gboolean           t5b;
  gboolean           t6;
  guint              n_thresholds;
  gboolean           major;
  VigilDoraTrigger   triggers;

  double             clients_percent;
  double             counterparts_percent;
  double             transactions_percent;
  double             transactions_value_percent;
  GTimeSpan          duration;
  GTimeSpan          downtime;
  GStrv              states;
  double             costs_eur;

  GStrv              reasons;
} VigilDoraResult;

#define VIGIL_TYPE_DORA_RESULT (vigil_dora_result_get_type ())
GType            vigil_dora_result_get_type (void) G_GNUC_CONST;
VigilDoraResult *vigil_dora_result_copy     (const VigilDoraResult *self);
void             vigil_dora_result_free     (VigilDoraResult       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilDoraResult, vigil_dora_result_free)

/**
 * vigil_dora_classify:
 * @criteria: the inputs; they need not pass vigil_dora_criteria_check(),
 *   a figure that cannot be computed simply meets no threshold
 * @options: (nullable): the settings, %NULL for the defaults
 * @now: the time of classification; measures ongoing incidents and
 *   downtimes and is stored in the result
 *
 * Applies CR Art. 8(1): the incident is major when critical services are
 * affected and either a malicious intrusion may cause data losses or at
 * least two of the other thresholds are met. Recompute on every change of
 * the inputs.
 *
 * Returns: (transfer full): the result with its reasoning
 */
VigilDoraResult *vigil_dora_classify        (const VigilDoraCriteria *criteria,
                                             const VigilDoraOptions  *options,
                                             GDateTime               *now);

/**
 * vigil_dora_result_to_json:
 *
 * The classification record to store unchanged: {"version": 1,
 * "classified_at", "inputs" (as vigil_dora_criteria_to_json()), "options",
 * "thresholds" (the limits applied), "result" (gate, t1..t6 with t5a and
 * t5b, n_thresholds, major, triggers, the computed figures and the
 * reasons as shown)}.
 */
JsonNode        *vigil_dora_result_to_json  (const VigilDoraResult *self);
/* The thresholds applied, as in the "thresholds" member of the record. */
JsonNode        *vigil_dora_thresholds_to_json (void);

/* Significant cyber threats (CR Art. 10) */

/**
 * VigilDoraThreat:
 * @could_affect: (a) the threat could affect the entity's critical or
 *   important functions, or other financial entities, third-party
 *   providers, clients or financial counterparts
 * @high_probability: (b) it has a high probability of materialising,
 *   given the risks, exploitable vulnerabilities, the actor's capability
 *   and intent, its persistence and past incidents
 * @would_trigger: the criteria the threat would meet if it materialised,
 *   as #VigilDoraTrigger flags
 */
typedef struct {
  gboolean         could_affect;
  gboolean         high_probability;
  VigilDoraTrigger would_trigger;
} VigilDoraThreat;

/**
 * vigil_dora_threat_is_significant:
 * @reasons: (out) (optional) (transfer full): translated explanation
 *
 * (a) and (b) and (c), where (c) is that the threat would meet the
 * critical-services, clients or geographical criterion. The other criteria
 * may be recorded in @would_trigger (Annex III field 15) but do not make a
 * threat significant on their own. Notifying it is voluntary; recording
 * it is not (DORA Art. 17(2)).
 */
gboolean vigil_dora_threat_is_significant (const VigilDoraThreat *threat,
                                           GStrv                 *reasons);

/* Recurring incidents (CR Art. 8(2)) */

/**
 * VigilDoraRecurringItem:
 * @id: the caller's incident id
 * @root_cause: the apparent root cause, compared exactly
 * @criteria: the incident's classification inputs
 * @major: whether the incident was classified major on its own
 *
 * One incident offered to vigil_dora_recurring_check(); all borrowed.
 */
typedef struct {
  const char              *id;
  const char              *root_cause;
  const VigilDoraCriteria *criteria;
  gboolean                 major;
} VigilDoraRecurringItem;

/**
 * VigilDoraRecurrence:
 * @root_cause: the shared root cause
 * @ids: (array zero-terminated=1): the incidents, oldest first
 * @n_occurrences: their number (ITS 4.15)
 * @first_occurred_at: occurrence of the first (ITS 4.16)
 * @last_occurred_at: occurrence of the last (ITS 3.2)
 * @last_detected_at: (nullable): detection of the last (ITS 2.2)
 * @aggregate: the aggregated criteria
 * @result: their classification; when major, the incidents count as one
 *   major incident
 */
typedef struct {
  char              *root_cause;
  GStrv              ids;
  guint              n_occurrences;
  GDateTime         *first_occurred_at;
  GDateTime         *last_occurred_at;
  GDateTime         *last_detected_at;
  VigilDoraCriteria *aggregate;
  VigilDoraResult   *result;
} VigilDoraRecurrence;

void vigil_dora_recurrence_free (VigilDoraRecurrence *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilDoraRecurrence, vigil_dora_recurrence_free)

/**
 * vigil_dora_criteria_aggregate:
 * @items: (array length=n_items): criteria of the incidents
 * @now: measures incidents that are still going on
 *
 * [INTERP] The regulation only says the incidents "collectively" meet the
 * criteria. Counts, values and costs are summed (costs in euro; the
 * result's currency is EUR); the service totals and daily averages are the
 * largest seen, as they describe the service, not the incident; the times
 * are those of the longest incident and of the longest downtime (a
 * downtime of a service supporting a critical function before any other);
 * member states are united and every flag is or-ed.
 *
 * Returns: (transfer full): the aggregate
 */
VigilDoraCriteria *vigil_dora_criteria_aggregate (const VigilDoraCriteria * const *items,
                                                  guint                            n_items,
                                                  GDateTime                       *now);

/**
 * vigil_dora_recurring_check:
 * @items: (array length=n_items): the incidents to look at
 * @assessed_at: the time of the monthly assessment
 * @options: (nullable): classification settings
 *
 * Groups the non-major incidents by root cause, keeps those that occurred
 * in the VIGIL_DORA_RECURRING_WINDOW_MONTHS months up to @assessed_at
 * (occurrence, else detection time; incidents without either are left
 * out), and aggregates and classifies each group of two or more.
 * Microenterprises and the entities of DORA Art. 16(1) are not subject to
 * this check (see vigil_dora_entity_needs_recurring_check()).
 *
 * Returns: (transfer full) (element-type VigilDoraRecurrence): one entry
 *   per group of two or more, sorted by root cause, major or not
 */
GPtrArray *vigil_dora_recurring_check (const VigilDoraRecurringItem *items,
                                       guint                         n_items,
                                       GDateTime                    *assessed_at,
                                       const VigilDoraOptions       *options);

/* Entities */

/**
 * VigilDoraEntityType:
 *
 * The types of financial entity of ITS field 1.4, as flags.
 */
typedef enum {
  VIGIL_DORA_ENTITY_CREDIT_INSTITUTION              = 1 << 0,
  VIGIL_DORA_ENTITY_PAYMENT_INSTITUTION             = 1 << 1,
  VIGIL_DORA_ENTITY_EXEMPTED_PAYMENT_INSTITUTION    = 1 << 2,
  VIGIL_DORA_ENTITY_ACCOUNT_INFORMATION_PROVIDER    = 1 << 3,
  VIGIL_DORA_ENTITY_E_MONEY_INSTITUTION             = 1 << 4,
  VIGIL_DORA_ENTITY_EXEMPTED_E_MONEY_INSTITUTION    = 1 << 5,
  VIGIL_DORA_ENTITY_INVESTMENT_FIRM                 = 1 << 6,
  VIGIL_DORA_ENTITY_CRYPTO_ASSET_SERVICE_PROVIDER   = 1 << 7,
  VIGIL_DORA_ENTITY_ART_ISSUER                      = 1 << 8,
  VIGIL_DORA_ENTITY_CSD                             = 1 << 9,
  VIGIL_DORA_ENTITY_CCP                             = 1 << 10,
  VIGIL_DORA_ENTITY_TRADING_VENUE                   = 1 << 11,
  VIGIL_DORA_ENTITY_TRADE_REPOSITORY                = 1 << 12,
  VIGIL_DORA_ENTITY_AIF_MANAGER                     = 1 << 13,
  VIGIL_DORA_ENTITY_MANAGEMENT_COMPANY              = 1 << 14,
  VIGIL_DORA_ENTITY_DATA_REPORTING_PROVIDER         = 1 << 15,
  VIGIL_DORA_ENTITY_INSURANCE_UNDERTAKING           = 1 << 16,
  VIGIL_DORA_ENTITY_INSURANCE_INTERMEDIARY          = 1 << 17,
  VIGIL_DORA_ENTITY_OCCUPATIONAL_RETIREMENT         = 1 << 18,
  VIGIL_DORA_ENTITY_CREDIT_RATING_AGENCY            = 1 << 19,
  VIGIL_DORA_ENTITY_CRITICAL_BENCHMARK_ADMINISTRATOR = 1 << 20,
  VIGIL_DORA_ENTITY_CROWDFUNDING_PROVIDER           = 1 << 21,
  VIGIL_DORA_ENTITY_SECURITISATION_REPOSITORY       = 1 << 22,
} VigilDoraEntityType;

#define VIGIL_DORA_N_ENTITY_TYPES 23

/* Returns: (transfer none): a stable id ("credit_institution") or %NULL */
const char *vigil_dora_entity_type_to_string   (VigilDoraEntityType type);
gboolean    vigil_dora_entity_type_from_string (const char          *str,
                                                VigilDoraEntityType *type);
/* Returns: (transfer none): the translated ITS label */
const char *vigil_dora_entity_type_get_label   (VigilDoraEntityType type);

/**
 * VigilDoraEntity:
 * @types: #VigilDoraEntityType flags
 * @member_state: the home member state, ISO 3166 alpha-2
 * @time_zone: (nullable): IANA id of the time zone that counts for the
 *   relief; %NULL for the capital's (vigil_dora_eea_state_time_zone())
 * @nis2_essential_or_important: an essential or important entity under NIS2
 * @relief_withdrawn_at: (nullable): when the authority notified the entity
 *   that it loses the weekend relief (significant or systemic entities)
 * @microenterprise: DORA Art. 3(60)
 * @simplified_framework: an entity of DORA Art. 16(1)
 *
 * The parts of the entity's profile that the rules need; filled by the
 * caller, all pointers borrowed.
 */
typedef struct {
  guint       types;
  const char *member_state;
  const char *time_zone;
  gboolean    nis2_essential_or_important;
  GDateTime  *relief_withdrawn_at;
  gboolean    microenterprise;
  gboolean    simplified_framework;
} VigilDoraEntity;

gboolean vigil_dora_entity_needs_recurring_check (const VigilDoraEntity *entity);

/* Reporting deadlines (TR 2025/301 Art. 5) */

typedef enum {
  VIGIL_DORA_REPORT_INITIAL,
  VIGIL_DORA_REPORT_INTERMEDIATE,
  VIGIL_DORA_REPORT_FINAL,
} VigilDoraReportKind;

#define VIGIL_DORA_INITIAL_AFTER_CLASSIFICATION (4 * G_TIME_SPAN_HOUR)
#define VIGIL_DORA_INITIAL_AFTER_AWARENESS      (24 * G_TIME_SPAN_HOUR)
#define VIGIL_DORA_INTERMEDIATE_AFTER_INITIAL   (72 * G_TIME_SPAN_HOUR)
/* Relieved limits fall at this local hour of the next working day. */
#define VIGIL_DORA_RELIEF_HOUR                  12

/**
 * vigil_dora_initial_due:
 * @aware_at: when the entity became aware of the incident (ITS 2.2)
 * @classified_at: (nullable): when it was classified as major
 * @pending: (out) (optional): set when @classified_at is %NULL
 *
 * Within 4 hours of classification but no later than 24 hours after
 * awareness; classified after those 24 hours: 4 hours after
 * classification. While not classified, the 24-hour cap is returned as a
 * reminder, with @pending set.
 *
 * Returns: (transfer full): the legal limit
 */
GDateTime *vigil_dora_initial_due      (GDateTime *aware_at,
                                        GDateTime *classified_at,
                                        gboolean  *pending);
/* Returns: (transfer full): 72 hours after the initial notification was submitted */
GDateTime *vigil_dora_intermediate_due (GDateTime *initial_submitted_at);
/* Returns: (transfer full): one calendar month after the latest
 * intermediate report was submitted (vigil_dora_add_month()) */
GDateTime *vigil_dora_final_due        (GDateTime *last_intermediate_submitted_at);

/**
 * vigil_dora_add_month:
 *
 * [INTERP] The same clock time one calendar month later, clamped to the
 * last day of a shorter month (31 January -> 28 or 29 February). Counted in
 * UTC. Reg. 1182/71 would end the period at the end of that day; the
 * earlier instant is the safe one.
 *
 * Returns: (transfer full): the UTC time one month after @when
 */
GDateTime *vigil_dora_add_month        (GDateTime *when);

/**
 * vigil_dora_relief_applies:
 * @first_report_at: (nullable): when the first report of this incident was
 *   submitted, %NULL when none yet
 *
 * Whether the weekend and bank-holiday relief of TR Art. 5(4)-(6) is open
 * to @entity for a report of @kind: always for the final report; for the
 * initial and intermediate ones unless the entity is a credit institution,
 * a central counterparty, a trading venue or an essential or important
 * entity under NIS2, or the authority withdrew the relief before the
 * first report of the incident.
 */
gboolean   vigil_dora_relief_applies   (VigilDoraReportKind    kind,
                                        const VigilDoraEntity *entity,
                                        GDateTime             *first_report_at);

/**
 * vigil_dora_relieve:
 * @calendar: the bank holidays
 *
 * [INTERP] The limit is looked at in the local time of the entity's member
 * state. When its date is a weekend day or a bank holiday there, the
 * relieved limit is noon, local time, of the next working day; otherwise
 * it is @due itself. Does not check vigil_dora_relief_applies().
 *
 * Returns: (transfer full): the relieved limit, in UTC
 */
GDateTime *vigil_dora_relieve          (GDateTime             *due,
                                        const VigilDoraEntity *entity,
                                        VigilCalendar         *calendar);

/**
 * VigilDoraReportTimes:
 * @reclassified_at: when the entity reported the incident as reclassified
 *   to non-major (ITS Art. 5). [INTERP] From then on no further report is
 *   due, so no deadline runs.
 *
 * The times an incident's deadlines depend on; all borrowed, %NULL when
 * not there yet.
 */
typedef struct {
  GDateTime *aware_at;
  GDateTime *classified_at;
  GDateTime *initial_submitted_at;
  GDateTime *last_intermediate_submitted_at;
  GDateTime *reclassified_at;
} VigilDoraReportTimes;

/**
 * VigilDoraDeadline:
 * @kind: the report
 * @pending: for the initial report: not classified yet, @legal_due is the
 *   24-hour cap after awareness
 * @legal_due: the limit of the regulation (UTC); use it for delay notices
 *   (TR Art. 5(3)) and warnings [INTERP]
 * @relief_applies: whether the entity may use the relief for this report
 * @relieved_due: the limit with the relief, the same instant as
 *   @legal_due when the relief does not apply or changes nothing
 */
typedef struct {
  VigilDoraReportKind kind;
  gboolean            pending;
  GDateTime          *legal_due;
  gboolean            relief_applies;
  GDateTime          *relieved_due;
} VigilDoraDeadline;

void vigil_dora_deadline_free (VigilDoraDeadline *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilDoraDeadline, vigil_dora_deadline_free)

/**
 * vigil_dora_deadline_compute:
 *
 * Returns: (transfer full) (nullable): the deadline of the report of
 *   @kind, or %NULL while it has no clock yet (no awareness time; the
 *   intermediate report before the initial one was submitted; the final
 *   report before an intermediate one was submitted) or no more (the
 *   incident was reclassified as non-major)
 */
VigilDoraDeadline *vigil_dora_deadline_compute (VigilDoraReportKind          kind,
                                                const VigilDoraReportTimes *times,
                                                const VigilDoraEntity      *entity,
                                                VigilCalendar              *calendar);

/**
 * VigilDoraDueLevel:
 * @VIGIL_DORA_DUE_LATER: more than VIGIL_DORA_DUE_SOON_SPAN left
 * @VIGIL_DORA_DUE_SOON: less than VIGIL_DORA_DUE_SOON_SPAN left
 * @VIGIL_DORA_DUE_URGENT: less than VIGIL_DORA_DUE_URGENT_SPAN left
 * @VIGIL_DORA_DUE_OVERDUE: the limit has passed
 */
typedef enum {
  VIGIL_DORA_DUE_LATER,
  VIGIL_DORA_DUE_SOON,
  VIGIL_DORA_DUE_URGENT,
  VIGIL_DORA_DUE_OVERDUE,
} VigilDoraDueLevel;

/* Half a working day: enough to draft a report or a delay notice. */
#define VIGIL_DORA_DUE_SOON_SPAN   (12 * G_TIME_SPAN_HOUR)
/* The last hour: the report must be on its way. */
#define VIGIL_DORA_DUE_URGENT_SPAN (1 * G_TIME_SPAN_HOUR)

/**
 * vigil_dora_due_status:
 * @time_left: (out) (optional): @due minus @now, negative when overdue
 *
 * A report submitted at @due itself is on time; it is overdue only after.
 */
VigilDoraDueLevel vigil_dora_due_status     (GDateTime *due,
                                             GDateTime *now,
                                             GTimeSpan *time_left);
/* Returns: (transfer full): "2 d 3 h", "3 h 5 min", "12 min", or
 * "overdue by 20 min", translated; for countdowns */
char             *vigil_dora_format_time_left (GTimeSpan time_left);

/* Field formats of the ITS templates */

/**
 * vigil_dora_format_pct:
 * @percent: a percentage, e.g. 12.345
 *
 * ITS type PCT: one decimal, rounded half up, no % sign, at most five
 * digits ("12.3"). [INTERP] The five digits include the decimal one, so
 * 9999.9 is the largest value; a share of transactions above it cannot be
 * written in the template and is refused rather than cut.
 *
 * Returns: (transfer full) (nullable): %NULL when negative, not finite or
 *   too large for five digits
 */
char     *vigil_dora_format_pct        (double     percent);
/* The same for @part in % of @whole, computed exactly; %NULL if @whole <= 0. */
char     *vigil_dora_format_pct_ratio  (gint64     part,
                                        gint64     whole);
/* ITS type DUR "DD:HH:MM"; %NULL when negative or 100 days or more.
 * [INTERP] The format has no seconds; they are dropped, so a duration is
 * never reported longer than it was. */
char     *vigil_dora_format_dur        (GTimeSpan  span);
/* ITS type DT "YYYY-MM-DDThh:mm:ss" in UTC, without zone suffix. */
char     *vigil_dora_format_dt         (GDateTime *when);

/**
 * vigil_dora_lei_is_valid:
 *
 * ISO 17442: 20 characters, digits and upper-case letters, the last two
 * digits, and the whole read as a number (letters A=10 ... Z=35) equal to
 * 1 modulo 97 (ISO 7064 MOD 97-10).
 */
gboolean  vigil_dora_lei_is_valid      (const char *lei);
/* Returns: (transfer full) (nullable): the two check digits for the first
 * 18 characters @base, %NULL when @base is not 18 digits and letters */
char     *vigil_dora_lei_check_digits  (const char *base);

G_END_DECLS
