/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "vigil-incident.h"

G_BEGIN_DECLS

#define VIGIL_OP_ERROR (vigil_op_error_quark ())

/**
 * VigilOpError:
 * @VIGIL_OP_ERROR_PARSE: the operation document is malformed (names the field)
 * @VIGIL_OP_ERROR_UNKNOWN_KIND: the kind is not one of the vocabulary
 * @VIGIL_OP_ERROR_INVALID: a payload value breaks a field rule (names the field)
 * @VIGIL_OP_ERROR_FORBIDDEN: the actor's role may not do this
 * @VIGIL_OP_ERROR_GATE: the approval gate refuses the move
 * @VIGIL_OP_ERROR_READ_ONLY: the incident or the step is frozen (archived,
 *   submitted, approved)
 * @VIGIL_OP_ERROR_CONFLICT: the operation was made against a revision that
 *   is no longer current where that matters (approval decisions)
 * @VIGIL_OP_ERROR_NOT_FOUND: the incident does not exist
 * @VIGIL_OP_ERROR_EXISTS: the incident to create exists already
 */
typedef enum {
  VIGIL_OP_ERROR_PARSE,
  VIGIL_OP_ERROR_UNKNOWN_KIND,
  VIGIL_OP_ERROR_INVALID,
  VIGIL_OP_ERROR_FORBIDDEN,
  VIGIL_OP_ERROR_GATE,
  VIGIL_OP_ERROR_READ_ONLY,
  VIGIL_OP_ERROR_CONFLICT,
  VIGIL_OP_ERROR_NOT_FOUND,
  VIGIL_OP_ERROR_EXISTS,
} VigilOpError;

GQuark vigil_op_error_quark (void);

/**
 * vigil_op_error_dup_field:
 * @error: a refusal from vigil_op_apply()
 *
 * A refusal about one field has a message of the form "FIELD: reason",
 * where FIELD is the payload's field id (e.g. "aware_at" or "sha256"), so
 * that a form can mark the right row.
 *
 * Returns: (transfer full) (nullable): the field id, or %NULL when the
 *   refusal is not about one field
 */
char       *vigil_op_error_dup_field   (const GError *error);
/* The reason without the "FIELD: " prefix (the whole message otherwise). */
const char *vigil_op_error_get_reason  (const GError *error);

typedef enum {
  VIGIL_ROLE_ANALYST,
  VIGIL_ROLE_LEAD,
  VIGIL_ROLE_MANAGER,
  VIGIL_ROLE_ADMIN,
} VigilRole;

const char *vigil_role_to_string   (VigilRole   role);
gboolean    vigil_role_from_string (const char *str,
                                    VigilRole  *role);

/**
 * VigilOpKind:
 * @VIGIL_OP_INCIDENT_CREATE: "incident.create": payload holds the step 1
 *   fields (title, type, ...); the incident starts in step 1
 * @VIGIL_OP_INCIDENT_UPDATE: "incident.update": payload maps field names to
 *   new values; %NULL clears a field
 * @VIGIL_OP_INCIDENT_MOVE: "incident.move": payload {"to": step}
 * @VIGIL_OP_APPROVAL_SUBMIT: "approval.submit": steps 1-7 go to the lead
 * @VIGIL_OP_APPROVAL_DECIDE: "approval.decide": payload {"decision":
 *   "approve"|"reject", "comment": text}
 * @VIGIL_OP_FORM_UPDATE: "form.update": payload {"form": id, "fields":
 *   {field: value}}; %NULL clears a field (see vigil-forms.h)
 * @VIGIL_OP_ITEM_ADD: "item.add": payload {"form", "collection", "item":
 *   {"id": new id, field: value, ...}}
 * @VIGIL_OP_ITEM_UPDATE: "item.update": payload {"form", "collection",
 *   "id", "fields": {field: value}}
 * @VIGIL_OP_ITEM_REMOVE: "item.remove": payload {"form", "collection", "id"}
 * @VIGIL_OP_DORA_CLASSIFY: "dora.classify": payload {"criteria": the DORA
 *   classification inputs (vigil_dora_criteria_new_from_json())}; the core
 *   computes the result (see vigil_incident_get_dora())
 * @VIGIL_OP_DORA_REPORT_SUBMITTED: "dora.report_submitted": payload
 *   {"report": "initial"|"intermediate"|"final"|"reclassified"|"threat",
 *   "at": time, "authority": text, "reference": text or null, "fields":
 *   the values sent by field number (optional; the draft as it stands
 *   when absent)}; records a report sent to the competent authority as a
 *   new version of that report, which starts the next deadline (the first
 *   version of each report counts for the deadlines)
 * @VIGIL_OP_DORA_REPORT_DRAFT: "dora.report_draft": payload {"report": as
 *   above, "fields": {field number: value, null to clear}}; saves draft
 *   values of a report (see vigil-dora-report.h), each checked against
 *   its field's type
 * @VIGIL_OP_NOTIFICATION_DECIDE: "notification.decide": payload {"id": the
 *   notification's item id, "decision": "approve"|"reject", "comment": text,
 *   "sha256": vigil_notification_dup_text_hash() of the text the lead saw};
 *   a lead's decision on a draft for an external audience
 * @VIGIL_OP_DORA_THREAT_ASSESS: "dora.threat_assess": payload
 *   {"could_affect": bool, "high_probability": bool, "would_trigger":
 *   [trigger ids as vigil_dora_triggers_to_strv()], "description": text,
 *   "status": "active"|"inactive", "potential_impact", "actions",
 *   "others_notified", "indicators": text or null}; assesses whether a
 *   cyber threat is significant (CR Art. 10). The core stores the record
 *   as dora.threat with "assessed_at", "significant" and "reasons" it
 *   computed; those members are ignored when a client sends them.
 */
typedef enum {
  VIGIL_OP_INCIDENT_CREATE,
  VIGIL_OP_INCIDENT_UPDATE,
  VIGIL_OP_INCIDENT_MOVE,
  VIGIL_OP_APPROVAL_SUBMIT,
  VIGIL_OP_APPROVAL_DECIDE,
  VIGIL_OP_FORM_UPDATE,
  VIGIL_OP_ITEM_ADD,
  VIGIL_OP_ITEM_UPDATE,
  VIGIL_OP_ITEM_REMOVE,
  VIGIL_OP_DORA_CLASSIFY,
  VIGIL_OP_DORA_REPORT_SUBMITTED,
  VIGIL_OP_DORA_REPORT_DRAFT,
  VIGIL_OP_NOTIFICATION_DECIDE,
  VIGIL_OP_DORA_THREAT_ASSESS,
  VIGIL_N_OP_KINDS
} VigilOpKind;

/**
 * VigilPolicyFlags:
 * @VIGIL_POLICY_NONE: no optional rule applies
 * @VIGIL_POLICY_EXTERNAL_NOTIFICATIONS_NEED_APPROVAL: a notification to an
 *   external audience (clients, the regulator) is marked sent only with a
 *   lead's approval of exactly the text sent
 *
 * The rules a workspace may switch, kept by its store (the server's, for a
 * team) and given to vigil_op_apply_with_policy() by whoever applies the
 * operation, like the actor's role.
 */
typedef enum {
  VIGIL_POLICY_NONE                                 = 0,
  VIGIL_POLICY_EXTERNAL_NOTIFICATIONS_NEED_APPROVAL = 1 << 0,
} VigilPolicyFlags;

/* What a new workspace starts with. */
#define VIGIL_POLICY_DEFAULT (VIGIL_POLICY_EXTERNAL_NOTIFICATIONS_NEED_APPROVAL)

const char *vigil_op_kind_to_string   (VigilOpKind  kind);
gboolean    vigil_op_kind_from_string (const char  *str,
                                       VigilOpKind *kind);

#define VIGIL_TYPE_OP (vigil_op_get_type ())
G_DECLARE_FINAL_TYPE (VigilOp, vigil_op, VIGIL, OP, GObject)

/**
 * vigil_op_new:
 * @kind: what the operation does
 * @incident_id: (nullable): the incident, or %NULL to make a new id (create)
 * @actor: user name of who does it
 * @base_rev: the incident revision the operation was made against
 * @payload: (transfer full) (nullable): the kind's payload
 *
 * Makes an operation with a fresh random UUID and the current time.
 */
VigilOp     *vigil_op_new              (VigilOpKind   kind,
                                        const char   *incident_id,
                                        const char   *actor,
                                        gint64        base_rev,
                                        JsonObject   *payload);
const char  *vigil_op_get_id           (VigilOp      *self);
const char  *vigil_op_get_incident_id  (VigilOp      *self);
VigilOpKind  vigil_op_get_kind         (VigilOp      *self);
gint64       vigil_op_get_base_rev     (VigilOp      *self);
const char  *vigil_op_get_actor        (VigilOp      *self);
/* The server replaces the claimed actor with the authenticated user. */
void         vigil_op_set_actor        (VigilOp      *self,
                                        const char   *actor);
GDateTime   *vigil_op_get_at           (VigilOp      *self);
JsonObject  *vigil_op_get_payload      (VigilOp      *self);

JsonNode    *vigil_op_to_json          (VigilOp      *self);
char        *vigil_op_to_string        (VigilOp      *self);
VigilOp     *vigil_op_new_from_json    (JsonNode     *node,
                                        GError      **error);
VigilOp     *vigil_op_new_from_string  (const char   *json,
                                        GError      **error);

/**
 * vigil_op_apply:
 * @self: the operation
 * @incident: (nullable): the current state, %NULL for incident.create
 * @role: the role of the actor, as established by the caller (never taken
 *   from the operation itself)
 * @changes: (out) (optional) (transfer full): array of
 *   {"field", "old", "new"} objects describing what changed
 * @error: where to put the reason of a refusal
 *
 * Checks every rule of the process (roles, the approval gate, frozen steps,
 * field validation) and applies the operation to a copy of @incident.
 * @incident itself is never modified, so a refused operation leaves nothing
 * half-applied. The result's revision is one more than @incident's and its
 * updated-at is the operation's time. The caller (the store) provides
 * idempotency by operation id and assigns references to new incidents.
 *
 * Returns: (transfer full): the new state, or %NULL with @error set
 */
VigilIncident *vigil_op_apply          (VigilOp       *self,
                                        VigilIncident *incident,
                                        VigilRole      role,
                                        JsonArray    **changes,
                                        GError       **error);

/**
 * vigil_op_apply_with_policy:
 * @policy: the workspace's optional rules
 *
 * vigil_op_apply() with the rules of @policy; vigil_op_apply() applies
 * %VIGIL_POLICY_DEFAULT.
 */
VigilIncident *vigil_op_apply_with_policy (VigilOp          *self,
                                           VigilIncident    *incident,
                                           VigilRole         role,
                                           VigilPolicyFlags  policy,
                                           JsonArray       **changes,
                                           GError          **error);

/**
 * vigil_incident_list_missing_for_approval:
 *
 * Returns: (transfer full): the untranslated names of the fields required for
 *   approval that are still empty, %NULL-terminated (empty when complete)
 */
char         **vigil_incident_list_missing_for_approval (VigilIncident *incident);

G_END_DECLS
