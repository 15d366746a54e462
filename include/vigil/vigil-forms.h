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
 * @VIGIL_FIELD_TIME: a date and time, ISO 8601 in documents
 * @VIGIL_FIELD_BOOL: yes or no
 * @VIGIL_FIELD_SIZE: a whole number of bytes, 0 or more
 * @VIGIL_FIELD_CHOICE: one id of a choice list
 * @VIGIL_FIELD_CHOICES: several ids of a choice list (a JSON array)
 * @VIGIL_FIELD_LIST: a list of short texts (a JSON array)
 * @VIGIL_FIELD_SHA256: 64 lower-case hex digits
 * @VIGIL_FIELD_INDICATOR: text checked against the item's "type" field
 *   (IP address, domain, URL, file hash, e-mail address, account)
 * @VIGIL_FIELD_REF: the id of an item of another collection of the form
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
 * @VIGIL_FIELD_PAST: a time that cannot lie in the future
 * @VIGIL_FIELD_SET_ONCE: once set it never changes (integrity data)
 */
typedef enum {
  VIGIL_FIELD_REQUIRED  = 1 << 0,
  VIGIL_FIELD_COMPLETES = 1 << 1,
  VIGIL_FIELD_PAST      = 1 << 2,
  VIGIL_FIELD_SET_ONCE  = 1 << 3,
} VigilFieldFlags;

typedef struct {
  const char      *id;
  const char      *label;    /* untranslated; use vigil_field_get_label() */
  VigilFieldKind   kind;
  VigilChoiceList  choices;  /* for CHOICE and CHOICES */
  VigilFieldFlags  flags;
  const char      *ref;      /* for REF: the collection referred to */
} VigilFieldInfo;

/**
 * VigilCollectionInfo:
 * @keys: when not %VIGIL_N_CHOICE_LISTS, items are keyed by the ids of this
 *   choice list (one item per id, e.g. the data collection checklist) and
 *   item.update creates a missing item
 * @min_complete: how many items the step needs to count as complete
 */
typedef struct {
  const char            *id;
  const char            *label;
  const VigilFieldInfo  *fields;
  guint                  n_fields;
  VigilChoiceList        keys;
  guint                  min_complete;
} VigilCollectionInfo;

/**
 * VigilFormInfo:
 * @id: the key of the form in the incident's forms object
 * @step: the step whose page shows the form
 * @approved_content: part of what the lead approves (steps 1-7): frozen
 *   while submitted and once approved
 *
 * One form of a step page, as spec/process.md describes it. A step may have
 * several forms (step 2: collection and evidence; custody stays open after
 * approval).
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
 * Validates @value for @field, the way an operation would. Forms call it to
 * show a problem as soon as it is typed.
 *
 * Returns: %FALSE with a VIGIL_OP_ERROR_INVALID "FIELD: reason" error
 */
gboolean                   vigil_forms_check_value      (const VigilFieldInfo *field,
                                                         JsonNode             *value,
                                                         JsonObject           *item,
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
 * ("Root cause", "At least one evidence item", ...).
 *
 * Returns: (transfer full): %NULL-terminated, empty when complete
 */
char                     **vigil_incident_list_missing  (VigilIncident       *incident,
                                                         guint                step);

G_END_DECLS
