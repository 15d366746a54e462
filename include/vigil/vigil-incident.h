/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "vigil-dora.h"

G_BEGIN_DECLS

#define VIGIL_INCIDENT_ERROR (vigil_incident_error_quark ())

/**
 * VigilIncidentError:
 * @VIGIL_INCIDENT_ERROR_PARSE: the document is not JSON or not an object
 * @VIGIL_INCIDENT_ERROR_INVALID_FIELD: a field has a wrong type or value;
 *   the message names the field
 * @VIGIL_INCIDENT_ERROR_MISSING_FIELD: a required field is absent
 * @VIGIL_INCIDENT_ERROR_UNKNOWN_FIELD: the document has a field we do not know
 */
typedef enum {
  VIGIL_INCIDENT_ERROR_PARSE,
  VIGIL_INCIDENT_ERROR_INVALID_FIELD,
  VIGIL_INCIDENT_ERROR_MISSING_FIELD,
  VIGIL_INCIDENT_ERROR_UNKNOWN_FIELD,
} VigilIncidentError;

GQuark vigil_incident_error_quark (void);

typedef enum {
  VIGIL_APPROVAL_NONE,
  VIGIL_APPROVAL_PENDING,
  VIGIL_APPROVAL_APPROVED,
  VIGIL_APPROVAL_REJECTED,
} VigilApprovalState;

const char *vigil_approval_state_to_string   (VigilApprovalState state);
gboolean    vigil_approval_state_from_string (const char         *str,
                                              VigilApprovalState *state);

#define VIGIL_TYPE_INCIDENT (vigil_incident_get_type ())
G_DECLARE_FINAL_TYPE (VigilIncident, vigil_incident, VIGIL, INCIDENT, GObject)

/**
 * vigil_incident_new:
 * @id: the incident's UUID
 *
 * Returns: (transfer full): an empty incident in step 1, revision 0
 */
VigilIncident      *vigil_incident_new                 (const char     *id);
VigilIncident      *vigil_incident_copy                (VigilIncident  *self);
/* Copies every property of @src into @self, notifying only what changed. */
void                vigil_incident_update_from         (VigilIncident  *self,
                                                        VigilIncident  *src);

const char         *vigil_incident_get_id              (VigilIncident  *self);
const char         *vigil_incident_get_reference       (VigilIncident  *self);
void                vigil_incident_set_reference       (VigilIncident  *self,
                                                        const char     *reference);
gint64              vigil_incident_get_revision        (VigilIncident  *self);
void                vigil_incident_set_revision        (VigilIncident  *self,
                                                        gint64          revision);
guint               vigil_incident_get_step            (VigilIncident  *self);
void                vigil_incident_set_step            (VigilIncident  *self,
                                                        guint           step);
gboolean            vigil_incident_is_archived         (VigilIncident  *self);
const char         *vigil_incident_get_title           (VigilIncident  *self);
void                vigil_incident_set_title           (VigilIncident  *self,
                                                        const char     *title);
const char         *vigil_incident_get_description     (VigilIncident  *self);
void                vigil_incident_set_description     (VigilIncident  *self,
                                                        const char     *description);
/* One of the ids of VIGIL_CHOICES_INCIDENT_TYPE, e.g. "malware" or "other". */
const char         *vigil_incident_get_incident_type   (VigilIncident  *self);
void                vigil_incident_set_incident_type   (VigilIncident  *self,
                                                        const char     *type);
const char         *vigil_incident_get_type_other      (VigilIncident  *self);
void                vigil_incident_set_type_other      (VigilIncident  *self,
                                                        const char     *text);
/* One of the ids of VIGIL_CHOICES_SEVERITY, or %NULL when not assessed yet. */
const char         *vigil_incident_get_severity        (VigilIncident  *self);
void                vigil_incident_set_severity        (VigilIncident  *self,
                                                        const char     *severity);
const char         *vigil_incident_get_detection_method (VigilIncident *self);
void                vigil_incident_set_detection_method (VigilIncident *self,
                                                         const char    *method);
GDateTime          *vigil_incident_get_detected_at     (VigilIncident  *self);
void                vigil_incident_set_detected_at     (VigilIncident  *self,
                                                        GDateTime      *when);
GDateTime          *vigil_incident_get_aware_at        (VigilIncident  *self);
void                vigil_incident_set_aware_at        (VigilIncident  *self,
                                                        GDateTime      *when);
const char         *vigil_incident_get_reporter        (VigilIncident  *self);
void                vigil_incident_set_reporter        (VigilIncident  *self,
                                                        const char     *reporter);
const char * const *vigil_incident_get_affected_systems (VigilIncident *self);
void                vigil_incident_set_affected_systems (VigilIncident *self,
                                                         const char * const *systems);
const char         *vigil_incident_get_owner           (VigilIncident  *self);
void                vigil_incident_set_owner           (VigilIncident  *self,
                                                        const char     *owner);
const char         *vigil_incident_get_created_by      (VigilIncident  *self);
void                vigil_incident_set_created_by      (VigilIncident  *self,
                                                        const char     *user);
GDateTime          *vigil_incident_get_created_at      (VigilIncident  *self);
void                vigil_incident_set_created_at      (VigilIncident  *self,
                                                        GDateTime      *when);
GDateTime          *vigil_incident_get_updated_at      (VigilIncident  *self);
void                vigil_incident_set_updated_at      (VigilIncident  *self,
                                                        GDateTime      *when);

VigilApprovalState  vigil_incident_get_approval_state  (VigilIncident  *self);
const char         *vigil_incident_get_submitted_by    (VigilIncident  *self);
GDateTime          *vigil_incident_get_submitted_at    (VigilIncident  *self);
guint               vigil_incident_get_submitted_from  (VigilIncident  *self);
const char         *vigil_incident_get_snapshot_hash   (VigilIncident  *self);
const char         *vigil_incident_get_decided_by      (VigilIncident  *self);
GDateTime          *vigil_incident_get_decided_at      (VigilIncident  *self);
const char         *vigil_incident_get_decision_comment (VigilIncident *self);
void                vigil_incident_set_submission      (VigilIncident  *self,
                                                        const char     *submitted_by,
                                                        GDateTime      *submitted_at,
                                                        guint           submitted_from,
                                                        const char     *snapshot_hash);
void                vigil_incident_set_decision        (VigilIncident  *self,
                                                        VigilApprovalState state,
                                                        const char     *decided_by,
                                                        GDateTime      *decided_at,
                                                        const char     *comment);
void                vigil_incident_clear_approval      (VigilIncident  *self);

/* Step form data of later steps, keyed by form name; never %NULL. */
JsonObject         *vigil_incident_get_forms           (VigilIncident  *self);
void                vigil_incident_set_forms           (VigilIncident  *self,
                                                        JsonObject     *forms);

/**
 * vigil_incident_dup_snapshot_hash:
 *
 * Returns: (transfer full): the hex SHA-256 of the canonical JSON of the
 *   fields that belong to steps 1-7, i.e. what a lead approves.
 */
/**
 * vigil_incident_get_dora:
 *
 * The DORA record of the incident, %NULL until it was first classified or
 * a cyber threat was assessed:
 * {"criteria": the classification inputs (vigil_dora_criteria_to_json()),
 * "result": the core's result of the latest "dora.classify" ("computed_at",
 * "options", "gate", "t1" to "t6", "n_thresholds", "major", "triggers",
 * "figures", "reasons"), "classified_at": the first time the result was
 * major (ITS 2.3, kept on reclassification) or %NULL, "reports": the
 * reports submitted to the authority, oldest first ({"report": "initial" |
 * "intermediate" | "final" | "reclassified" | "threat", "version", "at",
 * "authority", "reference", "fields": the values sent}), "drafts": draft
 * values per report (see vigil-dora-report.h), "client_impact_since": when
 * a draft first said clients' financial interests are affected, and
 * "threat": the latest significant cyber threat assessment (see
 * %VIGIL_OP_DORA_THREAT_ASSESS)}. Without a classification "criteria" and
 * "result" are missing. The history
 * of classifications is the operation log.
 *
 * Returns: (transfer none) (nullable): the record; do not modify it
 */
JsonObject         *vigil_incident_get_dora            (VigilIncident  *self);
/* Replaces the record; @dora is taken as is (see vigil_op_apply()). */
void                vigil_incident_set_dora            (VigilIncident  *self,
                                                        JsonObject     *dora);
/* Whether the latest classification found the incident major. */
gboolean            vigil_incident_get_dora_major      (VigilIncident  *self);
/* Returns: (transfer full) (nullable): dora.classified_at */
GDateTime          *vigil_incident_dup_dora_classified_at (VigilIncident *self);

/**
 * vigil_incident_get_default_dora_entity:
 *
 * The entity of vigil_dora_profile_new_default(), the profile of a
 * workspace that has not set its own: a credit institution in Germany (time zone Europe/Berlin),
 * not known as an essential or important entity under NIS2. As a credit
 * institution it has no weekend relief for the initial and intermediate
 * reports (TR 2025/301 Art. 5(5)), which is also the strictest reading for
 * any other entity; the final report keeps the relief.
 *
 * Returns: (transfer none): the profile
 */
const VigilDoraEntity *vigil_incident_get_default_dora_entity (void);

/**
 * vigil_incident_compute_dora_deadlines:
 * @entity: (nullable): the entity, %NULL for the workspace's profile
 *   (vigil_dora_profile_dup_default())
 * @calendar: (nullable): bank holidays, %NULL for the workspace's profile's
 *
 * The reporting deadlines of the incident (TR 2025/301 Art. 5) from its
 * awareness time, dora.classified_at and the reports submitted. While the
 * incident was never found major, only the initial report's 24-hour cap is
 * returned, as a pending reminder. [INTERP] Once the latest classification
 * is no longer major, the incident counts as reclassified non-major at that
 * classification's time and no deadline runs; telling the authority about
 * the reclassification is still the entity's task.
 *
 * Returns: (transfer full) (element-type VigilDoraDeadline): the deadlines
 *   that still run (a report submitted has none), in the order initial,
 *   intermediate, final
 */
GPtrArray          *vigil_incident_compute_dora_deadlines (VigilIncident         *self,
                                                           const VigilDoraEntity *entity,
                                                           VigilCalendar         *calendar);

/**
 * vigil_incident_has_overdue_report:
 * @now: the time to compare against
 *
 * Whether a report to the authority is overdue: a running deadline of
 * vigil_incident_compute_dora_deadlines() (the workspace's profile)
 * whose relieved limit has passed. The pending 24-hour reminder of an
 * incident not classified yet does not count: no report is owed until the
 * incident is found major.
 */
gboolean            vigil_incident_has_overdue_report    (VigilIncident         *self,
                                                           GDateTime             *now);

/**
 * vigil_incident_dora_deadlines_to_json:
 * @now: the time the countdowns are measured against
 *
 * The deadlines as a JSON array of {"report", "pending", "legal_due",
 * "relief_applies", "relieved_due", "status" ("later", "soon", "urgent",
 * "overdue", measured on the relieved limit), "seconds_left"}. The server
 * adds it to its incident answers as "dora.deadlines"; the incident reader
 * accepts and drops that member, as it is computed, never stored.
 *
 * Returns: (transfer full): the array node
 */
JsonNode           *vigil_incident_dora_deadlines_to_json (VigilIncident         *self,
                                                           const VigilDoraEntity *entity,
                                                           VigilCalendar         *calendar,
                                                           GDateTime             *now);

char               *vigil_incident_dup_snapshot_hash   (VigilIncident  *self);

/**
 * vigil_incident_matches:
 * @query: what the user typed
 *
 * Whether every word of @query occurs, ignoring case, in the reference,
 * title, description, owner or an indicator value of the incident. The
 * incident keeps a folded copy of its searchable text, so this is cheap
 * enough to run over thousands of incidents per keystroke; fold the query
 * once with vigil_search_fold() and use vigil_incident_matches_folded().
 */
gboolean            vigil_incident_matches             (VigilIncident  *self,
                                                        const char     *query);
gboolean            vigil_incident_matches_folded      (VigilIncident  *self,
                                                        const char * const *folded_words);
/* Returns: (transfer full): the words of @query, case-folded and normalised */
char              **vigil_search_fold                  (const char     *query);

/* JSON codec. The reader is strict: unknown fields, wrong types and bad values
 * give a VIGIL_INCIDENT_ERROR whose message names the field. */
JsonNode           *vigil_incident_to_json             (VigilIncident  *self);
char               *vigil_incident_to_string           (VigilIncident  *self);
VigilIncident      *vigil_incident_new_from_json       (JsonNode       *node,
                                                        GError        **error);
VigilIncident      *vigil_incident_new_from_string     (const char     *json,
                                                        GError        **error);

/* Time helpers shared by the codecs: ISO 8601 in UTC with a "Z". */
char               *vigil_time_to_iso                  (GDateTime      *when);
GDateTime          *vigil_time_from_iso                (const char     *text);

/* Reference of the @number-th incident of @year: "INC-2026-0042". */
char               *vigil_reference_format             (gint            year,
                                                        guint           number);
gboolean            vigil_reference_parse              (const char     *reference,
                                                        gint           *year,
                                                        guint          *number);

G_END_DECLS
