/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "vigil-process.h"
#include "vigil-incident.h"

G_BEGIN_DECLS

/**
 * VigilFieldKind:
 * @VIGIL_FIELD_TEXT: one line of text (at most 500 characters)
 * @VIGIL_FIELD_LONG_TEXT: several lines (at most 20,000 characters)
 * @VIGIL_FIELD_TIME: a date and time, ISO 8601 in UTC in documents
 * @VIGIL_FIELD_BOOL: yes or no
 * @VIGIL_FIELD_SIZE: a whole number of bytes, 0 or more
 * @VIGIL_FIELD_CHOICE: one id of a choice list
 * @VIGIL_FIELD_CHOICES: several ids of a choice list (a JSON array)
 * @VIGIL_FIELD_LIST: a list of short texts (a JSON array)
 * @VIGIL_FIELD_SHA256: 64 lower-case hex digits
 * @VIGIL_FIELD_INDICATOR: text checked against the item's "type" field
 *   (IP address, domain, URL, file hash, e-mail address, account) and kept
 *   normalised (lower-case domain, e-mail host and hash; canonical address)
 * @VIGIL_FIELD_REF: the id of an item of the collection named by the field's
 *   @ref ("form.collection")
 * @VIGIL_FIELD_SIGNATURE: a sign-off: the operation sends %TRUE and the
 *   document keeps {"by": actor, "at": time}; %FALSE or %NULL withdraws it
 */
typedef enum {
  VIGIL_FIELD_TEXT,
  VIGIL_FIELD_LONG_TEXT,
  VIGIL_FIELD_TIME,
  VIGIL_FIELD_BOOL,
  VIGIL_FIELD_SIZE,
  VIGIL_FIELD_CHOICE,
  VIGIL_FIELD_CHOICES,
  VIGIL_FIELD_LIST,
  VIGIL_FIELD_SHA256,
  VIGIL_FIELD_INDICATOR,
  VIGIL_FIELD_REF,
  VIGIL_FIELD_SIGNATURE,
} VigilFieldKind;

/**
 * VigilFieldFlags:
 * @VIGIL_FIELD_REQUIRED: an item cannot exist without it
 * @VIGIL_FIELD_COMPLETES: the step counts as complete only when it is set
 *   (a yes/no field when it is answered)
 * @VIGIL_FIELD_PAST: a time that cannot lie in the future
 * @VIGIL_FIELD_SET_ONCE: once set it never changes (integrity data)
 * @VIGIL_FIELD_MUST_BE_TRUE: with @VIGIL_FIELD_COMPLETES on a yes/no
 *   field: only "yes" completes (a checklist's "done")
 * @VIGIL_FIELD_SYSTEM: kept by the core, never set by form or item
 *   operations (who wrote a notification, a lead's decision on it)
 */
typedef enum {
  VIGIL_FIELD_REQUIRED     = 1 << 0,
  VIGIL_FIELD_COMPLETES    = 1 << 1,
  VIGIL_FIELD_PAST         = 1 << 2,
  VIGIL_FIELD_SET_ONCE     = 1 << 3,
  VIGIL_FIELD_MUST_BE_TRUE = 1 << 4,
  VIGIL_FIELD_SYSTEM       = 1 << 5,
} VigilFieldFlags;

/**
 * VigilFieldInfo:
 * @id: the key in documents and payloads
 * @label: untranslated; use vigil_field_get_label()
 * @kind: what the value is
 * @choices: the choice list of %VIGIL_FIELD_CHOICE and %VIGIL_FIELD_CHOICES
 * @flags: rules of the field
 * @ref: for %VIGIL_FIELD_REF: "form.collection" of the items referred to
 * @when: (nullable): the id of a yes/no sibling; the field counts for
 *   completeness only when that sibling is "yes" (whom an incident was
 *   escalated to matters only when it was escalated)
 */
typedef struct {
  const char      *id;
  const char      *label;
  VigilFieldKind   kind;
  VigilChoiceList  choices;
  VigilFieldFlags  flags;
  const char      *ref;
  const char      *when;
} VigilFieldInfo;

/**
 * VigilCollectionInfo:
 * @id: the key of the items' array in the form
 * @label: untranslated; use vigil_collection_get_label()
 * @keys: when not %VIGIL_N_CHOICE_LISTS, items are keyed by the ids of this
 *   choice list (one item per id, e.g. the data collection checklist) and
 *   item.update creates a missing item
 * @min_complete: how many items the step needs to count as complete
 * @append_only: items are records that are never changed nor removed
 *   (chain of custody)
 * @frozen_by: (nullable): the id of a field of the items; once it is set,
 *   the item never changes nor goes (a notification once sent)
 */
typedef struct {
  const char            *id;
  const char            *label;
  const VigilFieldInfo  *fields;
  guint                  n_fields;
  VigilChoiceList        keys;
  guint                  min_complete;
  gboolean               append_only;
  const char            *frozen_by;
} VigilCollectionInfo;

/**
 * VigilFormInfo:
 * @id: the key of the form in the incident's forms object
 * @step: the step whose page shows the form
 * @title: untranslated; use vigil_form_get_title()
 * @approved_content: part of what the lead approves (steps 1-7): frozen
 *   while submitted and once approved
 *
 * One form of a step page, as spec/process.md describes it. A step may have
 * several forms (step 2: collection and evidence; the chain of custody stays
 * open after approval). Forms of steps 9 and later open once the lead has
 * approved.
 */
typedef struct {
  const char                *id;
  guint                      step;
  const char                *title;
  gboolean                   approved_content;
  const VigilFieldInfo      *fields;
  guint                      n_fields;
  const VigilCollectionInfo *collections;
  guint                      n_collections;
} VigilFormInfo;

/* Item ids: 1 to 64 characters out of a-z, A-Z, 0-9, '-' and '_' (a UUID). */
#define VIGIL_FORMS_MAX_ITEM_ID 64
/* At most this many items in one collection. */
#define VIGIL_FORMS_MAX_ITEMS   1000

const VigilFormInfo       *vigil_forms_get_all          (guint                *n_forms);
const VigilFormInfo       *vigil_forms_get              (const char           *form_id);
const VigilCollectionInfo *vigil_form_get_collection    (const VigilFormInfo  *form,
                                                         const char           *collection_id);
const VigilFieldInfo      *vigil_form_get_field         (const VigilFormInfo  *form,
                                                         const char           *field_id);
const VigilFieldInfo      *vigil_collection_get_field   (const VigilCollectionInfo *collection,
                                                         const char           *field_id);
const char                *vigil_field_get_label        (const VigilFieldInfo *field);
const char                *vigil_form_get_title         (const VigilFormInfo  *form);
const char                *vigil_collection_get_label   (const VigilCollectionInfo *collection);

/* Reading the forms of an incident. Values are borrowed; %NULL when unset. */
JsonNode                  *vigil_incident_get_form_value (VigilIncident      *incident,
                                                          const char         *form_id,
                                                          const char         *field_id);
const char                *vigil_incident_get_form_string (VigilIncident    *incident,
                                                           const char       *form_id,
                                                           const char       *field_id);
/* Returns: (transfer none) (nullable): the items of a collection */
JsonArray                 *vigil_incident_get_items     (VigilIncident      *incident,
                                                         const char         *form_id,
                                                         const char         *collection_id);
JsonObject                *vigil_incident_find_item     (VigilIncident      *incident,
                                                         const char         *form_id,
                                                         const char         *collection_id,
                                                         const char         *item_id);

/**
 * vigil_forms_check_value:
 * @item: (nullable): the item the value belongs to, for fields that depend
 *   on a sibling (an indicator's value on its type)
 *
 * Validates @value for @field the way an operation would, against the
 * current time. Forms call it to show a problem as soon as it is typed.
 * References to other items are checked only by the operation.
 *
 * Returns: %FALSE with a VIGIL_OP_ERROR_INVALID "FIELD: reason" error
 */
gboolean                   vigil_forms_check_value      (const VigilFieldInfo *field,
                                                         JsonNode             *value,
                                                         JsonObject           *item,
                                                         GError              **error);

/**
 * vigil_forms_check_document:
 * @forms: the "forms" object of an incident document
 *
 * What the incident reader checks: known forms, fields and collections,
 * values of the right type, choice ids, item ids present and unique.
 *
 * Returns: %FALSE with a VIGIL_INCIDENT_ERROR naming the field, e.g.
 *   "forms.collect.evidence[0].sha256"
 */
gboolean                   vigil_forms_check_document   (JsonObject           *forms,
                                                         GError              **error);

/* Checks an indicator of @type ("ip", "domain", ...) and gives a normalised
 * copy (lower-case domain, e-mail host and hash). */
gboolean                   vigil_indicator_normalize    (const char           *type,
                                                         const char           *value,
                                                         char                **normalized,
                                                         GError              **error);

/**
 * vigil_incident_list_missing:
 * @step: 1 to 15
 *
 * What the step still lacks to count as complete, as translated sentences
 * ("Fill in “Root cause”.", "Add at least one entry to “Evidence”.", ...).
 *
 * Returns: (transfer full): %NULL-terminated, empty when complete
 */
char                     **vigil_incident_list_missing  (VigilIncident       *incident,
                                                         guint                step);

G_END_DECLS
