/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vigil-incident.h"
#include "vigil-report.h"

G_BEGIN_DECLS

/*
 * The reports an entity sends its competent authority about a major
 * ICT-related incident (Implementing Regulation 2025/302, Annexes I-IV):
 * the initial notification, the intermediate report, the final report,
 * the notice that a major incident was reclassified as non-major, and the
 * voluntary notification of a significant cyber threat.
 *
 * Every field of the templates is described once, in one table: its
 * number, its name as the regulation gives it, its type, its choices and
 * when it is mandatory. Drafts keep values per field number; a report is
 * made from the draft, the earlier reports of the incident and what the
 * incident itself records.
 */

#define VIGIL_DORA_REPORT_ERROR (vigil_dora_report_error_quark ())

/**
 * VigilDoraReportError:
 * @VIGIL_DORA_REPORT_ERROR_UNKNOWN_FIELD: no field of the report has this number
 * @VIGIL_DORA_REPORT_ERROR_INVALID_VALUE: the value does not fit the
 *   field's type; the message says what is expected
 */
typedef enum {
  VIGIL_DORA_REPORT_ERROR_UNKNOWN_FIELD,
  VIGIL_DORA_REPORT_ERROR_INVALID_VALUE,
} VigilDoraReportError;

GQuark vigil_dora_report_error_quark (void);

/**
 * VigilDoraReportForm:
 * @VIGIL_DORA_FORM_INITIAL: initial notification (sections 1 and 2)
 * @VIGIL_DORA_FORM_INTERMEDIATE: intermediate report (sections 1 to 3)
 * @VIGIL_DORA_FORM_FINAL: final report (sections 1 to 4)
 * @VIGIL_DORA_FORM_RECLASSIFIED: major incident reclassified as non-major
 *   (section 1, the incident's reference 2.1 and the reasons in 2.10)
 * @VIGIL_DORA_FORM_THREAT: notification of a significant cyber threat
 *   (Annex III, fields 1 to 20)
 *
 * The first three have the values of #VigilDoraReportKind.
 */
typedef enum {
  VIGIL_DORA_FORM_INITIAL,
  VIGIL_DORA_FORM_INTERMEDIATE,
  VIGIL_DORA_FORM_FINAL,
  VIGIL_DORA_FORM_RECLASSIFIED,
  VIGIL_DORA_FORM_THREAT,
  VIGIL_DORA_N_FORMS
} VigilDoraReportForm;

/* Returns: (transfer none): "initial", "intermediate", "final",
 * "reclassified" or "threat", as used in operations */
const char *vigil_dora_form_to_string   (VigilDoraReportForm  form);
gboolean    vigil_dora_form_from_string (const char          *str,
                                         VigilDoraReportForm *form);
/* Returns: (transfer none): the translated title, e.g. "Intermediate report" */
const char *vigil_dora_form_get_title   (VigilDoraReportForm  form);

/**
 * VigilDoraFieldType:
 *
 * The data types of the templates: A text; LEI a legal entity identifier
 * (ISO 17442, several separated by ";" where the field says so); DT a
 * UTC time "YYYY-MM-DDThh:mm:ss"; DUR a duration "DD:HH:MM"; PCT a
 * percentage with one decimal ("12.3"); MON a non-negative amount in the
 * reporting currency; BOOL yes or no; C1 one choice; CN several choices;
 * INT a whole number of at least 0.
 *
 * In a draft and in the JSON export, A, LEI, DT, DUR and PCT are strings,
 * MON a number, BOOL true or false, C1 the choice's code, CN a list of
 * codes and INT an integer.
 */
typedef enum {
  VIGIL_DORA_FIELD_A,
  VIGIL_DORA_FIELD_LEI,
  VIGIL_DORA_FIELD_DT,
  VIGIL_DORA_FIELD_DUR,
  VIGIL_DORA_FIELD_PCT,
  VIGIL_DORA_FIELD_MON,
  VIGIL_DORA_FIELD_BOOL,
  VIGIL_DORA_FIELD_C1,
  VIGIL_DORA_FIELD_CN,
  VIGIL_DORA_FIELD_INT,
} VigilDoraFieldType;

/* Returns: (transfer none): "A", "LEI", "DT", "DUR", "PCT", "MON", "BOOL",
 * "C1", "CN" or "int" */
const char *vigil_dora_field_type_to_string (VigilDoraFieldType type);

/**
 * VigilDoraChoice:
 * @code: the stable code stored in drafts and exports
 * @label: the regulation's wording, untranslated (use
 *   vigil_dora_choice_get_label())
 */
typedef struct {
  const char *code;
  const char *label;
} VigilDoraChoice;

const char *vigil_dora_choice_get_label (const VigilDoraChoice *choice);

/**
 * VigilDoraRule:
 * @VIGIL_DORA_RULE_OPTIONAL: never required by a rule the app can check
 *   (the template says "if applicable", "if any" or "if available")
 * @VIGIL_DORA_RULE_REQUIRED: always required
 * @VIGIL_DORA_RULE_IF_CHOICE: required when the field @rule_field holds
 *   one of @rule_codes (for a BOOL field, the code "yes")
 * @VIGIL_DORA_RULE_IF_FILLED: required when the field @rule_field has a value
 */
typedef enum {
  VIGIL_DORA_RULE_OPTIONAL,
  VIGIL_DORA_RULE_REQUIRED,
  VIGIL_DORA_RULE_IF_CHOICE,
  VIGIL_DORA_RULE_IF_FILLED,
} VigilDoraRule;

/**
 * VigilDoraFieldInfo:
 * @no: the field's number in the template, "2.4" (Annex III: "13")
 * @name: the regulation's name of the field, untranslated; the JSON
 *   export writes it as is (use vigil_dora_field_get_label() to show it)
 * @type: the data type
 * @choices: (nullable): the choices of a C1 or CN field, ending with a
 *   %NULL code; %NULL for the currency (any ISO 4217 code) and for free types
 * @forms: the #VigilDoraReportForm bits (1 << form) of the reports that
 *   have the field
 * @rule: when the field is mandatory in those reports
 * @rule_forms: the reports the rule applies to, 0 for all of @forms; in
 *   the others the field is optional
 * @rule_field: (nullable): the field the rule looks at
 * @rule_codes: (nullable): the codes the rule looks for, %NULL-terminated
 * @rule_text: (nullable): the condition in words, untranslated ("if the
 *   geographical spread criterion is met")
 */
typedef struct {
  const char              *no;
  const char              *name;
  VigilDoraFieldType       type;
  const VigilDoraChoice   *choices;
  guint                    forms;
  VigilDoraRule            rule;
  guint                    rule_forms;
  const char              *rule_field;
  const char * const      *rule_codes;
  const char              *rule_text;
} VigilDoraFieldInfo;

#define VIGIL_DORA_FORM_BIT(form) (1u << (form))

/**
 * vigil_dora_report_fields:
 * @n_fields: (out): the number of fields
 *
 * Returns: (transfer none) (array length=n_fields): every field of the
 *   templates, incident reports first in the order of Annex II, then the
 *   cyber threat notification
 */
const VigilDoraFieldInfo *vigil_dora_report_fields        (guint                     *n_fields);
/* Returns: (transfer none) (nullable): the field numbered @no */
const VigilDoraFieldInfo *vigil_dora_report_lookup_field  (const char                *no);
const char               *vigil_dora_field_get_label      (const VigilDoraFieldInfo  *field);
/* Returns: (transfer none) (nullable): the translated condition, or %NULL */
const char               *vigil_dora_field_get_rule_text  (const VigilDoraFieldInfo  *field);
gboolean                  vigil_dora_field_in_form        (const VigilDoraFieldInfo  *field,
                                                           VigilDoraReportForm        form);
/**
 * vigil_dora_field_get_section:
 * @field: a field
 * @numbered: whether the title carries the section's number of the
 *   incident templates ("1. General information"); the threat
 *   notification's sections have none
 *
 * Returns: (transfer none) (nullable): the translated title of the
 *   section that @field opens, %NULL when it opens none
 */
const char               *vigil_dora_field_get_section    (const VigilDoraFieldInfo  *field,
                                                           gboolean                   numbered);
/* Returns: (transfer none) (nullable): the choice with @code */
const VigilDoraChoice    *vigil_dora_field_find_choice    (const VigilDoraFieldInfo  *field,
                                                           const char                *code);

/**
 * vigil_dora_field_check_value:
 * @value: (nullable): the value; %NULL or a JSON null is "empty" and passes
 *
 * Checks @value against the field's type: the formats of DT, DUR, PCT and
 * LEI (with its check digits), the codes of C1 and CN fields, whole
 * non-negative numbers, amounts of at least 0, text of at most 20 000
 * characters.
 *
 * Returns: %FALSE with a #VIGIL_DORA_REPORT_ERROR_INVALID_VALUE error
 */
gboolean                  vigil_dora_field_check_value    (const VigilDoraFieldInfo  *field,
                                                           JsonNode                  *value,
                                                           GError                   **error);

/**
 * vigil_dora_field_is_required:
 * @values: the report's values by field number
 *
 * Whether @field must be filled in the report @form, given the other
 * values (the conditional rules look at them).
 */
gboolean                  vigil_dora_field_is_required    (const VigilDoraFieldInfo  *field,
                                                           VigilDoraReportForm        form,
                                                           JsonObject                *values);

/**
 * vigil_dora_report_list_missing:
 * @values: the report's values by field number
 *
 * Returns: (transfer full): the numbers of the mandatory fields of @form
 *   that have no value, in template order (empty when complete)
 */
GStrv                     vigil_dora_report_list_missing  (VigilDoraReportForm        form,
                                                           JsonObject                *values);

/**
 * vigil_dora_report_prefill:
 *
 * The values of @form that the incident itself records: its reference,
 * the awareness and classification times, the criteria met and their
 * figures (clients, counterparts, transactions, duration, downtime,
 * member states, data losses, costs), the description from the findings,
 * occurrence and resolution times, indicators of compromise, and for the
 * threat notification the threat record (dora.threat) when there is one.
 * 1.1 is always set to the report's type. Nothing is guessed that needs
 * the entity's judgement.
 *
 * Returns: (transfer full): values by field number
 */
JsonObject               *vigil_dora_report_prefill       (VigilIncident             *incident,
                                                           VigilDoraReportForm        form);

/**
 * VigilDoraValueSource:
 * @VIGIL_DORA_SOURCE_NONE: no value
 * @VIGIL_DORA_SOURCE_DRAFT: entered in this report's draft
 * @VIGIL_DORA_SOURCE_EARLIER: carried over from an earlier report's draft
 *   (the templates are one form that later reports update)
 * @VIGIL_DORA_SOURCE_INCIDENT: taken from the incident's own records
 */
typedef enum {
  VIGIL_DORA_SOURCE_NONE,
  VIGIL_DORA_SOURCE_DRAFT,
  VIGIL_DORA_SOURCE_EARLIER,
  VIGIL_DORA_SOURCE_INCIDENT,
} VigilDoraValueSource;

#define VIGIL_TYPE_DORA_REPORT (vigil_dora_report_get_type ())
G_DECLARE_FINAL_TYPE (VigilDoraReport, vigil_dora_report, VIGIL, DORA_REPORT, GObject)

/**
 * vigil_dora_report_new:
 * @incident: the incident
 * @form: which report
 *
 * The report as it would be submitted now. Each field's value is the
 * draft's (dora.drafts.FORM), else that of the latest earlier report's
 * draft that has it (entity, contacts and any field already reported),
 * else what the incident records (vigil_dora_report_prefill()). 1.1
 * always names @form. The content is taken at once; the object never
 * changes after.
 *
 * Returns: (transfer full): the report
 */
VigilDoraReport      *vigil_dora_report_new            (VigilIncident        *incident,
                                                        VigilDoraReportForm   form);
VigilDoraReportForm   vigil_dora_report_get_form       (VigilDoraReport      *self);
/* The version a submission of this report would have: one more than the
 * submissions of the same report so far. */
guint                 vigil_dora_report_get_version    (VigilDoraReport      *self);
/* Returns: (transfer none): the values by field number; do not modify */
JsonObject           *vigil_dora_report_get_values     (VigilDoraReport      *self);
/* Returns: (transfer none) (nullable): the value of field @no */
JsonNode             *vigil_dora_report_get_value      (VigilDoraReport      *self,
                                                        const char           *no);
VigilDoraValueSource  vigil_dora_report_get_source     (VigilDoraReport      *self,
                                                        const char           *no);
/* Returns: (transfer full): vigil_dora_report_list_missing() of the values */
GStrv                 vigil_dora_report_list_missing_fields (VigilDoraReport *self);

/**
 * vigil_dora_report_format_value:
 * @value: (nullable): a value of @field
 *
 * Returns: (transfer full): the value as a person reads it: choice labels
 *   translated and joined by ", ", "Yes"/"No", amounts with the unit;
 *   "" when empty
 */
char                 *vigil_dora_report_format_value   (const VigilDoraFieldInfo *field,
                                                        JsonNode                 *value);

/**
 * vigil_dora_report_to_json:
 *
 * The report for the authority's channel: {"report": the form's string,
 * "version", "incident": the reference, "generated_at", "fields": [{"no",
 * "name", "value"}, ...]} with every field of the form in template
 * order, the regulation's names, and null for an empty value.
 *
 * Returns: (transfer full): the document
 */
JsonNode             *vigil_dora_report_to_json        (VigilDoraReport      *self,
                                                        GDateTime            *generated_at);
char                 *vigil_dora_report_to_json_string (VigilDoraReport      *self,
                                                        GDateTime            *generated_at);
/**
 * vigil_dora_report_build_document:
 *
 * The same content as a document of headings and fields, laid out like the
 * final incident report: use vigil_report_to_markdown() and
 * vigil_report_write_pdf_async() on it.
 *
 * Returns: (transfer full): the document
 */
VigilReport          *vigil_dora_report_build_document (VigilDoraReport      *self,
                                                        GDateTime            *generated_at);

G_END_DECLS
