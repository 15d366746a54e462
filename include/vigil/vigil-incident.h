/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

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
