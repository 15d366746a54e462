/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "vigil-calendar.h"
#include "vigil-dora.h"

G_BEGIN_DECLS

#define VIGIL_DORA_PROFILE_ERROR (vigil_dora_profile_error_quark ())

/**
 * VigilDoraProfileError:
 * @VIGIL_DORA_PROFILE_ERROR_PARSE: the document is not JSON or not an object
 * @VIGIL_DORA_PROFILE_ERROR_INVALID_FIELD: a member is missing, unknown or
 *   wrong; the message names it
 */
typedef enum {
  VIGIL_DORA_PROFILE_ERROR_PARSE,
  VIGIL_DORA_PROFILE_ERROR_INVALID_FIELD,
} VigilDoraProfileError;

GQuark vigil_dora_profile_error_quark (void);

/**
 * VigilDoraProfile:
 *
 * The workspace's DORA profile: the types of financial entity, the home
 * member state (whose capital's time zone counts for the weekend relief),
 * when the authority withdrew the relief, if it did, and the bank holidays
 * of the member states. Every deadline is computed for it.
 *
 * A profile never changes once made, so that threads may share it; a new
 * profile replaces it.
 *
 * JSON form:
 * |[
 * {"entity_types": ["credit_institution"], "member_state": "DE",
 *  "relief_withdrawn_at": null, "holidays": {"DE": ["2026-12-25"]}}
 * ]|
 */
#define VIGIL_TYPE_DORA_PROFILE (vigil_dora_profile_get_type ())
G_DECLARE_FINAL_TYPE (VigilDoraProfile, vigil_dora_profile, VIGIL, DORA_PROFILE, GObject)

/**
 * vigil_dora_profile_new:
 * @types: #VigilDoraEntityType flags, at least one
 * @member_state: an EEA state code
 * @relief_withdrawn_at: (nullable): when the authority withdrew the relief
 * @calendar: (nullable): the bank holidays, copied; %NULL for none
 *
 * Returns: (transfer full) (nullable): the profile, %NULL when @types is
 *   empty or @member_state is not an EEA state
 */
VigilDoraProfile      *vigil_dora_profile_new             (guint          types,
                                                           const char    *member_state,
                                                           GDateTime     *relief_withdrawn_at,
                                                           VigilCalendar *calendar);

/**
 * vigil_dora_profile_new_default:
 *
 * The profile of a workspace that has not set its own: a credit
 * institution in Germany, with the built-in public holidays (Germany,
 * France, Ireland, Luxembourg and the Netherlands, 2025 to 2027), which the
 * entity has to check.
 *
 * Returns: (transfer full): the profile
 */
VigilDoraProfile      *vigil_dora_profile_new_default     (void);

/* Returns: (transfer full): the built-in public holidays */
VigilCalendar         *vigil_dora_profile_dup_builtin_holidays (void);

/* Strict: every member is required except "relief_withdrawn_at"; an
 * unknown member is refused. The error names the member. */
VigilDoraProfile      *vigil_dora_profile_new_from_json   (JsonNode         *node,
                                                           GError          **error);
VigilDoraProfile      *vigil_dora_profile_new_from_data   (const char       *data,
                                                           gssize            length,
                                                           GError          **error);
JsonNode              *vigil_dora_profile_to_json         (VigilDoraProfile *self);
/* Returns: (transfer full): the JSON form as compact text */
char                  *vigil_dora_profile_to_data         (VigilDoraProfile *self);
gboolean               vigil_dora_profile_equal           (VigilDoraProfile *a,
                                                           VigilDoraProfile *b);

guint                  vigil_dora_profile_get_types       (VigilDoraProfile *self);
const char            *vigil_dora_profile_get_member_state (VigilDoraProfile *self);
/* Returns: (transfer none) (nullable) */
GDateTime             *vigil_dora_profile_get_relief_withdrawn_at (VigilDoraProfile *self);
/* Returns: (transfer none): the bank holidays; do not change them */
VigilCalendar         *vigil_dora_profile_get_calendar    (VigilDoraProfile *self);
/* Returns: (transfer none): the entity for the rules of vigil-dora.h,
 *   valid as long as @self */
const VigilDoraEntity *vigil_dora_profile_get_entity      (VigilDoraProfile *self);

/**
 * vigil_dora_profile_set_default:
 * @profile: (nullable): the profile, %NULL for vigil_dora_profile_new_default()
 *
 * Sets the profile of the process: the one deadlines are computed for
 * when their caller gives no entity or calendar. The store the process
 * works on sets it (vigil_store_publish_dora_profile()). Thread-safe.
 */
void                   vigil_dora_profile_set_default     (VigilDoraProfile *profile);
/* Returns: (transfer full): the profile of the process. Thread-safe. */
VigilDoraProfile      *vigil_dora_profile_dup_default     (void);

/**
 * vigil_dora_profile_resolve:
 * @entity: (inout): an entity, or %NULL for the profile's
 * @calendar: (inout): bank holidays, or %NULL for the profile's
 *
 * Fills what the caller left %NULL from the profile of the process.
 *
 * Returns: (transfer full) (nullable): the profile that owns what was
 *   filled in; keep it while using them
 */
VigilDoraProfile      *vigil_dora_profile_resolve         (const VigilDoraEntity **entity,
                                                           VigilCalendar         **calendar);


G_END_DECLS
