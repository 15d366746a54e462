/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-incident"

#include "config.h"

#include <inttypes.h>

#include <string.h>
#include <glib/gi18n-lib.h>

#include "vigil-incident.h"
#include "vigil-forms-private.h"
#include "vigil-process.h"
#include "vigil-dora-profile.h"

struct _VigilIncident
{
  GObject    parent_instance;

  char      *id;
  char      *reference;
  gint64     revision;
  guint      step;
  char      *title;
  char      *description;
  char      *incident_type;
  char      *type_other;
  char      *severity;
  char      *detection_method;
  GDateTime *detected_at;
  GDateTime *aware_at;
  char      *reporter;
  GStrv      affected_systems;
  char      *owner;
  char      *created_by;
  GDateTime *created_at;
  GDateTime *updated_at;

  VigilApprovalState approval_state;
  char      *submitted_by;
  GDateTime *submitted_at;
  guint      submitted_from;
  char      *snapshot_hash;
  char      *decided_by;
  GDateTime *decided_at;
  char      *decision_comment;

  JsonObject *forms;
  JsonObject *dora;

  char       *search_text;   /* folded, built on first search */
};

G_DEFINE_TYPE (VigilIncident, vigil_incident, G_TYPE_OBJECT)
G_DEFINE_QUARK (vigil-incident-error-quark, vigil_incident_error)

enum {
  PROP_0,
  PROP_ID,
  PROP_REFERENCE,
  PROP_REVISION,
  PROP_STEP,
  PROP_TITLE,
  PROP_DESCRIPTION,
  PROP_INCIDENT_TYPE,
  PROP_TYPE_OTHER,
  PROP_SEVERITY,
  PROP_DETECTION_METHOD,
  PROP_DETECTED_AT,
  PROP_AWARE_AT,
  PROP_REPORTER,
  PROP_AFFECTED_SYSTEMS,
  PROP_OWNER,
  PROP_CREATED_BY,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_APPROVAL_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *approval_states[] = { "none", "pending", "approved", "rejected" };

const char *
vigil_approval_state_to_string (VigilApprovalState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (approval_states), NULL);

  return approval_states[state];
}

gboolean
vigil_approval_state_from_string (const char         *str,
                                  VigilApprovalState *state)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (approval_states); i++)
    {
      if (g_str_equal (str, approval_states[i]))
        {
          *state = i;
          return TRUE;
        }
    }

  return FALSE;
}

/* Helpers */

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (value != NULL && *value == '\0')
    value = NULL;

  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static gboolean
set_time (GDateTime **field,
          GDateTime  *value)
{
  if (*field == value)
    return FALSE;
  if (*field != NULL && value != NULL && g_date_time_equal (*field, value))
    return FALSE;

  g_clear_pointer (field, g_date_time_unref);
  if (value != NULL)
    *field = g_date_time_ref (value);
  return TRUE;
}

static gboolean
strv_equal0 (const char * const *a,
             const char * const *b)
{
  guint la = a ? g_strv_length ((GStrv) a) : 0;
  guint lb = b ? g_strv_length ((GStrv) b) : 0;

  if (la != lb)
    return FALSE;
  for (guint i = 0; i < la; i++)
    {
      if (!g_str_equal (a[i], b[i]))
        return FALSE;
    }
  return TRUE;
}

char *
vigil_time_to_iso (GDateTime *when)
{
  g_autoptr(GDateTime) utc = NULL;

  if (when == NULL)
    return NULL;

  utc = g_date_time_to_utc (when);
  if (g_date_time_get_microsecond (utc) != 0)
    return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.%fZ");
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

GDateTime *
vigil_time_from_iso (const char *text)
{
  g_autoptr(GTimeZone) utc = NULL;

  if (text == NULL || *text == '\0')
    return NULL;

  utc = g_time_zone_new_utc ();
  return g_date_time_new_from_iso8601 (text, utc);
}

char *
vigil_reference_format (gint  year,
                        guint number)
{
  return g_strdup_printf ("INC-%04d-%04u", year, number);
}

gboolean
vigil_reference_parse (const char *reference,
                       gint       *year,
                       guint      *number)
{
  const char *p;
  guint64 y, n;
  char *end = NULL;

  if (reference == NULL || !g_str_has_prefix (reference, "INC-"))
    return FALSE;

  p = reference + 4;
  for (guint i = 0; i < 4; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return FALSE;
    }
  if (p[4] != '-')
    return FALSE;
  y = g_ascii_strtoull (p, NULL, 10);

  p += 5;
  if (strlen (p) < 4 || strlen (p) > 9)
    return FALSE;
  for (const char *q = p; *q; q++)
    {
      if (!g_ascii_isdigit (*q))
        return FALSE;
    }
  n = g_ascii_strtoull (p, &end, 10);
  if (n == 0)
    return FALSE;

  if (year != NULL)
    *year = (gint) y;
  if (number != NULL)
    *number = (guint) n;
  return TRUE;
}

/* GObject */

static void
vigil_incident_finalize (GObject *object)
{
  VigilIncident *self = (VigilIncident *) object;

  g_free (self->id);
  g_free (self->reference);
  g_free (self->title);
  g_free (self->description);
  g_free (self->incident_type);
  g_free (self->type_other);
  g_free (self->severity);
  g_free (self->detection_method);
  g_clear_pointer (&self->detected_at, g_date_time_unref);
  g_clear_pointer (&self->aware_at, g_date_time_unref);
  g_free (self->reporter);
  g_strfreev (self->affected_systems);
  g_free (self->owner);
  g_free (self->created_by);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);
  g_free (self->submitted_by);
  g_clear_pointer (&self->submitted_at, g_date_time_unref);
  g_free (self->snapshot_hash);
  g_free (self->decided_by);
  g_clear_pointer (&self->decided_at, g_date_time_unref);
  g_free (self->decision_comment);
  g_clear_pointer (&self->forms, json_object_unref);
  g_clear_pointer (&self->dora, json_object_unref);
  g_free (self->search_text);

  G_OBJECT_CLASS (vigil_incident_parent_class)->finalize (object);
}

static void
vigil_incident_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VigilIncident *self = VIGIL_INCIDENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_REFERENCE:
      g_value_set_string (value, self->reference);
      break;
    case PROP_REVISION:
      g_value_set_int64 (value, self->revision);
      break;
    case PROP_STEP:
      g_value_set_uint (value, self->step);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_INCIDENT_TYPE:
      g_value_set_string (value, self->incident_type);
      break;
    case PROP_TYPE_OTHER:
      g_value_set_string (value, self->type_other);
      break;
    case PROP_SEVERITY:
      g_value_set_string (value, self->severity);
      break;
    case PROP_DETECTION_METHOD:
      g_value_set_string (value, self->detection_method);
      break;
    case PROP_DETECTED_AT:
      g_value_set_boxed (value, self->detected_at);
      break;
    case PROP_AWARE_AT:
      g_value_set_boxed (value, self->aware_at);
      break;
    case PROP_REPORTER:
      g_value_set_string (value, self->reporter);
      break;
    case PROP_AFFECTED_SYSTEMS:
      g_value_set_boxed (value, self->affected_systems);
      break;
    case PROP_OWNER:
      g_value_set_string (value, self->owner);
      break;
    case PROP_CREATED_BY:
      g_value_set_string (value, self->created_by);
      break;
    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;
    case PROP_UPDATED_AT:
      g_value_set_boxed (value, self->updated_at);
      break;
    case PROP_APPROVAL_STATE:
      g_value_set_string (value, vigil_approval_state_to_string (self->approval_state));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_incident_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VigilIncident *self = VIGIL_INCIDENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_assert (self->id == NULL);
      self->id = g_value_dup_string (value);
      break;
    case PROP_REFERENCE:
      vigil_incident_set_reference (self, g_value_get_string (value));
      break;
    case PROP_REVISION:
      vigil_incident_set_revision (self, g_value_get_int64 (value));
      break;
    case PROP_STEP:
      vigil_incident_set_step (self, g_value_get_uint (value));
      break;
    case PROP_TITLE:
      vigil_incident_set_title (self, g_value_get_string (value));
      break;
    case PROP_DESCRIPTION:
      vigil_incident_set_description (self, g_value_get_string (value));
      break;
    case PROP_INCIDENT_TYPE:
      vigil_incident_set_incident_type (self, g_value_get_string (value));
      break;
    case PROP_TYPE_OTHER:
      vigil_incident_set_type_other (self, g_value_get_string (value));
      break;
    case PROP_SEVERITY:
      vigil_incident_set_severity (self, g_value_get_string (value));
      break;
    case PROP_DETECTION_METHOD:
      vigil_incident_set_detection_method (self, g_value_get_string (value));
      break;
    case PROP_DETECTED_AT:
      vigil_incident_set_detected_at (self, g_value_get_boxed (value));
      break;
    case PROP_AWARE_AT:
      vigil_incident_set_aware_at (self, g_value_get_boxed (value));
      break;
    case PROP_REPORTER:
      vigil_incident_set_reporter (self, g_value_get_string (value));
      break;
    case PROP_AFFECTED_SYSTEMS:
      vigil_incident_set_affected_systems (self, g_value_get_boxed (value));
      break;
    case PROP_OWNER:
      vigil_incident_set_owner (self, g_value_get_string (value));
      break;
    case PROP_CREATED_BY:
      vigil_incident_set_created_by (self, g_value_get_string (value));
      break;
    case PROP_CREATED_AT:
      vigil_incident_set_created_at (self, g_value_get_boxed (value));
      break;
    case PROP_UPDATED_AT:
      vigil_incident_set_updated_at (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_incident_dispatch_properties_changed (GObject     *object,
                                            guint        n_pspecs,
                                            GParamSpec **pspecs)
{
  VigilIncident *self = VIGIL_INCIDENT (object);

  /* Any change may touch searchable text; rebuild it on the next search. */
  g_clear_pointer (&self->search_text, g_free);

  G_OBJECT_CLASS (vigil_incident_parent_class)->dispatch_properties_changed (object, n_pspecs,
                                                                              pspecs);
}

static void
vigil_incident_class_init (VigilIncidentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = vigil_incident_finalize;
  object_class->get_property = vigil_incident_get_property;
  object_class->set_property = vigil_incident_set_property;
  object_class->dispatch_properties_changed = vigil_incident_dispatch_properties_changed;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFERENCE] = g_param_spec_string ("reference", NULL, NULL, NULL, rw);
  properties[PROP_REVISION] =
    g_param_spec_int64 ("revision", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_STEP] =
    g_param_spec_uint ("step", NULL, NULL, 1, VIGIL_N_STEPS, 1, rw);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, rw);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, rw);
  properties[PROP_INCIDENT_TYPE] = g_param_spec_string ("incident-type", NULL, NULL, NULL, rw);
  properties[PROP_TYPE_OTHER] = g_param_spec_string ("type-other", NULL, NULL, NULL, rw);
  properties[PROP_SEVERITY] = g_param_spec_string ("severity", NULL, NULL, NULL, rw);
  properties[PROP_DETECTION_METHOD] =
    g_param_spec_string ("detection-method", NULL, NULL, NULL, rw);
  properties[PROP_DETECTED_AT] =
    g_param_spec_boxed ("detected-at", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_AWARE_AT] =
    g_param_spec_boxed ("aware-at", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_REPORTER] = g_param_spec_string ("reporter", NULL, NULL, NULL, rw);
  properties[PROP_AFFECTED_SYSTEMS] =
    g_param_spec_boxed ("affected-systems", NULL, NULL, G_TYPE_STRV, rw);
  properties[PROP_OWNER] = g_param_spec_string ("owner", NULL, NULL, NULL, rw);
  properties[PROP_CREATED_BY] = g_param_spec_string ("created-by", NULL, NULL, NULL, rw);
  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_UPDATED_AT] =
    g_param_spec_boxed ("updated-at", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_APPROVAL_STATE] =
    g_param_spec_string ("approval-state", NULL, NULL, "none",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vigil_incident_init (VigilIncident *self)
{
  self->step = VIGIL_STEP_IDENTIFY;
  self->forms = json_object_new ();
}

/* Public API */

VigilIncident *
vigil_incident_new (const char *id)
{
  g_return_val_if_fail (id != NULL && *id != '\0', NULL);

  return g_object_new (VIGIL_TYPE_INCIDENT, "id", id, NULL);
}

VigilIncident *
vigil_incident_copy (VigilIncident *self)
{
  VigilIncident *copy;

  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), NULL);

  copy = vigil_incident_new (self->id);
  vigil_incident_update_from (copy, self);
  return copy;
}

static JsonObject *
copy_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) copy = NULL;

  json_node_set_object (node, object);
  copy = vigil_json_node_deep_copy (node);
  return json_object_ref (json_node_get_object (copy));
}

void
vigil_incident_update_from (VigilIncident *self,
                            VigilIncident *src)
{
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  gboolean approval_changed = FALSE;

  g_return_if_fail (VIGIL_IS_INCIDENT (self));
  g_return_if_fail (VIGIL_IS_INCIDENT (src));
  g_return_if_fail (g_str_equal (self->id, src->id));

  if (self == src)
    return;

  g_object_freeze_notify (G_OBJECT (self));

  vigil_incident_set_reference (self, src->reference);
  vigil_incident_set_title (self, src->title);
  vigil_incident_set_description (self, src->description);
  vigil_incident_set_incident_type (self, src->incident_type);
  vigil_incident_set_type_other (self, src->type_other);
  vigil_incident_set_severity (self, src->severity);
  vigil_incident_set_detection_method (self, src->detection_method);
  vigil_incident_set_detected_at (self, src->detected_at);
  vigil_incident_set_aware_at (self, src->aware_at);
  vigil_incident_set_reporter (self, src->reporter);
  vigil_incident_set_affected_systems (self, (const char * const *) src->affected_systems);
  vigil_incident_set_owner (self, src->owner);
  vigil_incident_set_created_by (self, src->created_by);
  vigil_incident_set_created_at (self, src->created_at);
  vigil_incident_set_updated_at (self, src->updated_at);

  approval_changed |= self->approval_state != src->approval_state;
  self->approval_state = src->approval_state;
  approval_changed |= set_string (&self->submitted_by, src->submitted_by);
  approval_changed |= set_time (&self->submitted_at, src->submitted_at);
  approval_changed |= self->submitted_from != src->submitted_from;
  self->submitted_from = src->submitted_from;
  approval_changed |= set_string (&self->snapshot_hash, src->snapshot_hash);
  approval_changed |= set_string (&self->decided_by, src->decided_by);
  approval_changed |= set_time (&self->decided_at, src->decided_at);
  approval_changed |= set_string (&self->decision_comment, src->decision_comment);
  if (approval_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APPROVAL_STATE]);

  a = json_node_init_object (json_node_alloc (), self->forms);
  b = json_node_init_object (json_node_alloc (), src->forms);
  if (!json_node_equal (a, b))
    {
      g_clear_pointer (&self->forms, json_object_unref);
      self->forms = copy_object (src->forms);
      g_clear_pointer (&self->search_text, g_free);
    }

  g_clear_pointer (&a, json_node_unref);
  g_clear_pointer (&b, json_node_unref);
  if (src->dora == NULL)
    g_clear_pointer (&self->dora, json_object_unref);
  else if (self->dora == NULL ||
           !json_node_equal ((a = json_node_init_object (json_node_alloc (), self->dora)),
                             (b = json_node_init_object (json_node_alloc (), src->dora))))
    {
      g_clear_pointer (&self->dora, json_object_unref);
      self->dora = copy_object (src->dora);
    }

  /* Step and revision last: views re-filter on them. */
  vigil_incident_set_step (self, src->step);
  vigil_incident_set_revision (self, src->revision);

  g_object_thaw_notify (G_OBJECT (self));
}

#define DEFINE_STRING_PROPERTY(name, PROP)                                   \
  const char *                                                               \
  vigil_incident_get_##name (VigilIncident *self)                            \
  {                                                                          \
    g_return_val_if_fail (VIGIL_IS_INCIDENT (self), NULL);                   \
    return self->name;                                                       \
  }                                                                          \
  void                                                                       \
  vigil_incident_set_##name (VigilIncident *self,                            \
                             const char    *value)                           \
  {                                                                          \
    g_return_if_fail (VIGIL_IS_INCIDENT (self));                             \
    if (set_string (&self->name, value))                                     \
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);          \
  }

#define DEFINE_TIME_PROPERTY(name, PROP)                                     \
  GDateTime *                                                                \
  vigil_incident_get_##name (VigilIncident *self)                            \
  {                                                                          \
    g_return_val_if_fail (VIGIL_IS_INCIDENT (self), NULL);                   \
    return self->name;                                                       \
  }                                                                          \
  void                                                                       \
  vigil_incident_set_##name (VigilIncident *self,                            \
                             GDateTime     *value)                           \
  {                                                                          \
    g_return_if_fail (VIGIL_IS_INCIDENT (self));                             \
    if (set_time (&self->name, value))                                       \
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);          \
  }

DEFINE_STRING_PROPERTY (reference, PROP_REFERENCE)
DEFINE_STRING_PROPERTY (title, PROP_TITLE)
DEFINE_STRING_PROPERTY (description, PROP_DESCRIPTION)
DEFINE_STRING_PROPERTY (incident_type, PROP_INCIDENT_TYPE)
DEFINE_STRING_PROPERTY (type_other, PROP_TYPE_OTHER)
DEFINE_STRING_PROPERTY (severity, PROP_SEVERITY)
DEFINE_STRING_PROPERTY (detection_method, PROP_DETECTION_METHOD)
DEFINE_STRING_PROPERTY (reporter, PROP_REPORTER)
DEFINE_STRING_PROPERTY (owner, PROP_OWNER)
DEFINE_STRING_PROPERTY (created_by, PROP_CREATED_BY)
DEFINE_TIME_PROPERTY (detected_at, PROP_DETECTED_AT)
DEFINE_TIME_PROPERTY (aware_at, PROP_AWARE_AT)
DEFINE_TIME_PROPERTY (created_at, PROP_CREATED_AT)
DEFINE_TIME_PROPERTY (updated_at, PROP_UPDATED_AT)

const char *
vigil_incident_get_id (VigilIncident *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), NULL);

  return self->id;
}

gint64
vigil_incident_get_revision (VigilIncident *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), 0);

  return self->revision;
}

void
vigil_incident_set_revision (VigilIncident *self,
                             gint64         revision)
{
  g_return_if_fail (VIGIL_IS_INCIDENT (self));
  g_return_if_fail (revision >= 0);

  if (self->revision != revision)
    {
      self->revision = revision;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVISION]);
    }
}

guint
vigil_incident_get_step (VigilIncident *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), 0);

  return self->step;
}

void
vigil_incident_set_step (VigilIncident *self,
                         guint          step)
{
  g_return_if_fail (VIGIL_IS_INCIDENT (self));
  g_return_if_fail (step >= 1 && step <= VIGIL_N_STEPS);

  if (self->step != step)
    {
      self->step = step;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
    }
}

gboolean
vigil_incident_is_archived (VigilIncident *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), FALSE);

  return self->step == VIGIL_STEP_ARCHIVE;
}

const char * const *
vigil_incident_get_affected_systems (VigilIncident *self)
{
  static const char * const empty[] = { NULL };

  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), NULL);

  return self->affected_systems ? (const char * const *) self->affected_systems : empty;
}

void
vigil_incident_set_affected_systems (VigilIncident       *self,
                                     const char * const  *systems)
{
  g_return_if_fail (VIGIL_IS_INCIDENT (self));

  if (strv_equal0 ((const char * const *) self->affected_systems, systems))
    return;

  g_strfreev (self->affected_systems);
  self->affected_systems = (systems && systems[0]) ? g_strdupv ((GStrv) systems) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AFFECTED_SYSTEMS]);
}

VigilApprovalState
vigil_incident_get_approval_state (VigilIncident *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), VIGIL_APPROVAL_NONE);

  return self->approval_state;
}

const char *
vigil_incident_get_submitted_by (VigilIncident *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), NULL);

  return self->submitted_by;
}

GDateTime *
vigil_incident_get_submitted_at (VigilIncident *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), NULL);

  return self->submitted_at;
}

guint
vigil_incident_get_submitted_from (VigilIncident *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), 0);

  return self->submitted_from;
}

const char *
vigil_incident_get_snapshot_hash (VigilIncident *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), NULL);

  return self->snapshot_hash;
}

const char *
vigil_incident_get_decided_by (VigilIncident *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), NULL);

  return self->decided_by;
}

GDateTime *
vigil_incident_get_decided_at (VigilIncident *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), NULL);

  return self->decided_at;
}

const char *
vigil_incident_get_decision_comment (VigilIncident *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), NULL);

  return self->decision_comment;
}

void
vigil_incident_set_submission (VigilIncident *self,
                               const char    *submitted_by,
                               GDateTime     *submitted_at,
                               guint          submitted_from,
                               const char    *snapshot_hash)
{
  g_return_if_fail (VIGIL_IS_INCIDENT (self));

  self->approval_state = VIGIL_APPROVAL_PENDING;
  set_string (&self->submitted_by, submitted_by);
  set_time (&self->submitted_at, submitted_at);
  self->submitted_from = submitted_from;
  set_string (&self->snapshot_hash, snapshot_hash);
  g_clear_pointer (&self->decided_by, g_free);
  g_clear_pointer (&self->decided_at, g_date_time_unref);
  g_clear_pointer (&self->decision_comment, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APPROVAL_STATE]);
}

void
vigil_incident_set_decision (VigilIncident      *self,
                             VigilApprovalState  state,
                             const char         *decided_by,
                             GDateTime          *decided_at,
                             const char         *comment)
{
  g_return_if_fail (VIGIL_IS_INCIDENT (self));
  g_return_if_fail (state == VIGIL_APPROVAL_APPROVED || state == VIGIL_APPROVAL_REJECTED);

  self->approval_state = state;
  set_string (&self->decided_by, decided_by);
  set_time (&self->decided_at, decided_at);
  set_string (&self->decision_comment, comment);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APPROVAL_STATE]);
}

void
vigil_incident_clear_approval (VigilIncident *self)
{
  g_return_if_fail (VIGIL_IS_INCIDENT (self));

  self->approval_state = VIGIL_APPROVAL_NONE;
  g_clear_pointer (&self->submitted_by, g_free);
  g_clear_pointer (&self->submitted_at, g_date_time_unref);
  self->submitted_from = 0;
  g_clear_pointer (&self->snapshot_hash, g_free);
  g_clear_pointer (&self->decided_by, g_free);
  g_clear_pointer (&self->decided_at, g_date_time_unref);
  g_clear_pointer (&self->decision_comment, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APPROVAL_STATE]);
}

JsonObject *
vigil_incident_get_forms (VigilIncident *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), NULL);

  return self->forms;
}

void
vigil_incident_set_forms (VigilIncident *self,
                          JsonObject    *forms)
{
  g_return_if_fail (VIGIL_IS_INCIDENT (self));
  g_return_if_fail (forms != NULL);

  if (forms == self->forms)
    return;
  g_clear_pointer (&self->forms, json_object_unref);
  self->forms = json_object_ref (forms);
  g_clear_pointer (&self->search_text, g_free);
}

/* DORA record */

JsonObject *
vigil_incident_get_dora (VigilIncident *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), NULL);

  return self->dora;
}

void
vigil_incident_set_dora (VigilIncident *self,
                         JsonObject    *dora)
{
  g_return_if_fail (VIGIL_IS_INCIDENT (self));

  if (dora == self->dora)
    return;
  g_clear_pointer (&self->dora, json_object_unref);
  if (dora != NULL)
    self->dora = json_object_ref (dora);
}

gboolean
vigil_incident_get_dora_major (VigilIncident *self)
{
  JsonNode *node;

  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), FALSE);

  if (self->dora == NULL ||
      (node = json_object_get_member (self->dora, "result")) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  return json_object_get_boolean_member_with_default (json_node_get_object (node), "major", FALSE);
}

static GDateTime *
dup_time_member (JsonObject *object,
                 const char *name)
{
  const char *text;

  if (object == NULL)
    return NULL;
  text = json_object_get_string_member_with_default (object, name, NULL);
  return text != NULL ? vigil_time_from_iso (text) : NULL;
}

GDateTime *
vigil_incident_dup_dora_classified_at (VigilIncident *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), NULL);

  return dup_time_member (self->dora, "classified_at");
}

const VigilDoraEntity *
vigil_incident_get_default_dora_entity (void)
{
  static const VigilDoraEntity entity = {
    .types = VIGIL_DORA_ENTITY_CREDIT_INSTITUTION,
    .member_state = "DE",
    .time_zone = "Europe/Berlin",
  };

  return &entity;
}

static const char * const report_kinds[] = { "initial", "intermediate", "final" };

/* Submission times of the reports: the first of each kind, and the latest
 * intermediate one. */
static void
get_report_times (VigilIncident  *self,
                  GDateTime     **submitted)
{
  JsonNode *node = self->dora ? json_object_get_member (self->dora, "reports") : NULL;
  JsonArray *reports;

  for (guint k = 0; k < G_N_ELEMENTS (report_kinds); k++)
    submitted[k] = NULL;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;

  reports = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (reports); i++)
    {
      JsonObject *report = json_array_get_object_element (reports, i);
      const char *kind = json_object_get_string_member_with_default (report, "report", "");
      g_autoptr(GDateTime) at = dup_time_member (report, "at");

      for (guint k = 0; k < G_N_ELEMENTS (report_kinds); k++)
        {
          if (at == NULL || !g_str_equal (kind, report_kinds[k]))
            continue;
          if (submitted[k] == NULL ||
              (k == VIGIL_DORA_REPORT_INTERMEDIATE && g_date_time_compare (at, submitted[k]) > 0))
            {
              g_clear_pointer (&submitted[k], g_date_time_unref);
              submitted[k] = g_date_time_ref (at);
            }
        }
    }
}

GPtrArray *
vigil_incident_compute_dora_deadlines (VigilIncident         *self,
                                       const VigilDoraEntity *entity,
                                       VigilCalendar         *calendar)
{
  g_autoptr(GPtrArray) deadlines = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_dora_deadline_free);
  g_autoptr(GDateTime) classified_at = NULL;
  g_autoptr(GDateTime) computed_at = NULL;
  g_autoptr(VigilDoraProfile) profile = NULL;
  GDateTime *submitted[G_N_ELEMENTS (report_kinds)];
  VigilDoraReportTimes times = { 0 };

  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), NULL);

  profile = vigil_dora_profile_resolve (&entity, &calendar);

  classified_at = vigil_incident_dup_dora_classified_at (self);
  get_report_times (self, submitted);

  /* Classified, never major: nothing to report. */
  if (self->dora != NULL && classified_at == NULL && json_object_has_member (self->dora, "result"))
    goto out;

  if (classified_at != NULL && !vigil_incident_get_dora_major (self))
    {
      JsonNode *result = json_object_get_member (self->dora, "result");

      if (result != NULL && JSON_NODE_HOLDS_OBJECT (result))
        computed_at = dup_time_member (json_node_get_object (result), "computed_at");
    }

  times.aware_at = self->aware_at;
  times.classified_at = classified_at;
  times.initial_submitted_at = submitted[VIGIL_DORA_REPORT_INITIAL];
  times.last_intermediate_submitted_at = submitted[VIGIL_DORA_REPORT_INTERMEDIATE];
  times.reclassified_at = computed_at;

  for (guint k = 0; k < G_N_ELEMENTS (report_kinds); k++)
    {
      VigilDoraDeadline *deadline;

      /* Submitted: that limit no longer runs; the final report ends them all. */
      if (submitted[k] != NULL || submitted[VIGIL_DORA_REPORT_FINAL] != NULL)
        continue;
      deadline = vigil_dora_deadline_compute (k, &times, entity, calendar);
      if (deadline != NULL)
        g_ptr_array_add (deadlines, deadline);
    }

out:
  for (guint k = 0; k < G_N_ELEMENTS (report_kinds); k++)
    g_clear_pointer (&submitted[k], g_date_time_unref);
  return g_steal_pointer (&deadlines);
}

gboolean
vigil_incident_has_overdue_report (VigilIncident *self,
                                   GDateTime     *now)
{
  g_autoptr(GPtrArray) deadlines = NULL;
  g_autoptr(GDateTime) classified_at = NULL;

  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  /* Most incidents were never found major: nothing is owed. */
  classified_at = vigil_incident_dup_dora_classified_at (self);
  if (classified_at == NULL)
    return FALSE;

  deadlines = vigil_incident_compute_dora_deadlines (self, NULL, NULL);
  for (guint i = 0; i < deadlines->len; i++)
    {
      VigilDoraDeadline *deadline = g_ptr_array_index (deadlines, i);

      if (!deadline->pending &&
          vigil_dora_due_status (deadline->relieved_due, now, NULL) == VIGIL_DORA_DUE_OVERDUE)
        return TRUE;
    }
  return FALSE;
}

JsonNode *
vigil_incident_dora_deadlines_to_json (VigilIncident         *self,
                                       const VigilDoraEntity *entity,
                                       VigilCalendar         *calendar,
                                       GDateTime             *now)
{
  static const char * const levels[] = { "later", "soon", "urgent", "overdue" };
  g_autoptr(GPtrArray) deadlines = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  deadlines = vigil_incident_compute_dora_deadlines (self, entity, calendar);

  json_builder_begin_array (builder);
  for (guint i = 0; i < deadlines->len; i++)
    {
      VigilDoraDeadline *deadline = g_ptr_array_index (deadlines, i);
      g_autofree char *legal = vigil_time_to_iso (deadline->legal_due);
      g_autofree char *relieved = vigil_time_to_iso (deadline->relieved_due);
      GTimeSpan left = 0;
      VigilDoraDueLevel level = vigil_dora_due_status (deadline->relieved_due, now, &left);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "report");
      json_builder_add_string_value (builder, report_kinds[deadline->kind]);
      json_builder_set_member_name (builder, "pending");
      json_builder_add_boolean_value (builder, deadline->pending);
      json_builder_set_member_name (builder, "legal_due");
      json_builder_add_string_value (builder, legal);
      json_builder_set_member_name (builder, "relief_applies");
      json_builder_add_boolean_value (builder, deadline->relief_applies);
      json_builder_set_member_name (builder, "relieved_due");
      json_builder_add_string_value (builder, relieved);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, levels[level]);
      json_builder_set_member_name (builder, "seconds_left");
      json_builder_add_int_value (builder, left / G_TIME_SPAN_SECOND);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

/* Search */

static char *
fold (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (normalized ? normalized : text, -1);
}

char **
vigil_search_fold (const char *query)
{
  g_autofree char *folded = NULL;
  g_auto(GStrv) words = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (query == NULL)
    return g_strv_builder_end (builder);

  folded = fold (query);
  words = g_strsplit_set (folded, " \t\n", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] != '\0')
        g_strv_builder_add (builder, words[i]);
    }
  return g_strv_builder_end (builder);
}

static void
append_indicators (VigilIncident *self,
                   GString       *text)
{
  JsonObject *form;
  JsonArray *items;

  if (!json_object_has_member (self->forms, "correlate") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (self->forms, "correlate")))
    return;
  form = json_object_get_object_member (self->forms, "correlate");
  if (!json_object_has_member (form, "indicators") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (form, "indicators")))
    return;

  items = json_object_get_array_member (form, "indicators");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        continue;
      value = json_object_get_member (json_node_get_object (item), "value");
      if (value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
          json_node_get_value_type (value) == G_TYPE_STRING)
        {
          g_string_append (text, json_node_get_string (value));
          g_string_append_c (text, '\n');
        }
    }
}

static const char *
get_search_text (VigilIncident *self)
{
  if (self->search_text == NULL)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      const char *parts[] = { self->reference, self->title, self->description, self->owner };

      for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
        {
          if (parts[i] != NULL)
            {
              g_string_append (text, parts[i]);
              g_string_append_c (text, '\n');
            }
        }
      append_indicators (self, text);
      self->search_text = fold (text->str);
    }
  return self->search_text;
}

gboolean
vigil_incident_matches_folded (VigilIncident      *self,
                               const char * const *folded_words)
{
  const char *text;

  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), FALSE);

  if (folded_words == NULL || folded_words[0] == NULL)
    return TRUE;

  text = get_search_text (self);
  for (guint i = 0; folded_words[i] != NULL; i++)
    {
      if (strstr (text, folded_words[i]) == NULL)
        return FALSE;
    }
  return TRUE;
}

gboolean
vigil_incident_matches (VigilIncident *self,
                        const char    *query)
{
  g_auto(GStrv) words = vigil_search_fold (query);

  return vigil_incident_matches_folded (self, (const char * const *) words);
}

/* JSON codec */

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_time (JsonBuilder *builder,
          const char  *name,
          GDateTime   *value)
{
  g_autofree char *text = vigil_time_to_iso (value);

  add_string (builder, name, text);
}

/* The fields a lead approves: everything of steps 1-7. Order is fixed so that
 * the snapshot hash is stable. */
static void
build_steps_1_to_7 (VigilIncident *self,
                    JsonBuilder   *builder)
{
  add_string (builder, "title", self->title);
  add_string (builder, "description", self->description);
  add_string (builder, "type", self->incident_type);
  add_string (builder, "type_other", self->type_other);
  add_string (builder, "severity", self->severity);
  add_string (builder, "detection_method", self->detection_method);
  add_time (builder, "detected_at", self->detected_at);
  add_time (builder, "aware_at", self->aware_at);
  add_string (builder, "reporter", self->reporter);
  json_builder_set_member_name (builder, "affected_systems");
  json_builder_begin_array (builder);
  for (guint i = 0; self->affected_systems && self->affected_systems[i]; i++)
    json_builder_add_string_value (builder, self->affected_systems[i]);
  json_builder_end_array (builder);
}

char *
vigil_incident_dup_snapshot_hash (VigilIncident *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  const VigilFormInfo *forms;
  guint n_forms;

  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), NULL);

  json_builder_begin_object (builder);
  build_steps_1_to_7 (self, builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  /* The step forms of steps 2-7, when present, are part of what is approved. */
  forms = vigil_forms_get_all (&n_forms);
  for (guint i = 0; i < n_forms; i++)
    {
      const char *id = forms[i].id;

      if (forms[i].approved_content && json_object_has_member (self->forms, id))
        json_object_set_member (json_node_get_object (root), id,
                                json_node_copy (json_object_get_member (self->forms, id)));
    }

  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

JsonNode *
vigil_incident_to_json (VigilIncident *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonNode *root;

  g_return_val_if_fail (VIGIL_IS_INCIDENT (self), NULL);

  json_builder_begin_object (builder);
  add_string (builder, "id", self->id);
  add_string (builder, "reference", self->reference);
  json_builder_set_member_name (builder, "revision");
  json_builder_add_int_value (builder, self->revision);
  json_builder_set_member_name (builder, "step");
  json_builder_add_int_value (builder, self->step);
  build_steps_1_to_7 (self, builder);
  add_string (builder, "owner", self->owner);
  add_string (builder, "created_by", self->created_by);
  add_time (builder, "created_at", self->created_at);
  add_time (builder, "updated_at", self->updated_at);

  json_builder_set_member_name (builder, "approval");
  json_builder_begin_object (builder);
  add_string (builder, "state", vigil_approval_state_to_string (self->approval_state));
  add_string (builder, "submitted_by", self->submitted_by);
  add_time (builder, "submitted_at", self->submitted_at);
  json_builder_set_member_name (builder, "submitted_from");
  json_builder_add_int_value (builder, self->submitted_from);
  add_string (builder, "snapshot_hash", self->snapshot_hash);
  add_string (builder, "decided_by", self->decided_by);
  add_time (builder, "decided_at", self->decided_at);
  add_string (builder, "comment", self->decision_comment);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  json_object_set_object_member (json_node_get_object (root), "forms",
                                 copy_object (self->forms));
  if (self->dora != NULL)
    json_object_set_object_member (json_node_get_object (root), "dora",
                                   copy_object (self->dora));
  return root;
}

char *
vigil_incident_to_string (VigilIncident *self)
{
  g_autoptr(JsonNode) node = vigil_incident_to_json (self);

  return json_to_string (node, FALSE);
}

/* Strict readers: every field is checked for its type, and errors name it. */

static gboolean
read_string (JsonObject  *object,
             const char  *prefix,
             const char  *name,
             gboolean     required,
             char       **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    {
      if (required)
        {
          g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_MISSING_FIELD,
                       _("The field “%s%s” is missing"), prefix, name);
          return FALSE;
        }
      return TRUE;
    }

  if (JSON_NODE_HOLDS_NULL (node) && !required)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                   _("The field “%s%s” must be a string"), prefix, name);
      return FALSE;
    }

  if (required && *json_node_get_string (node) == '\0')
    {
      g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                   _("The field “%s%s” must not be empty"), prefix, name);
      return FALSE;
    }

  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_choice (JsonObject       *object,
             const char       *name,
             VigilChoiceList   list,
             char            **out,
             GError          **error)
{
  if (!read_string (object, "", name, FALSE, out, error))
    return FALSE;

  if (*out != NULL && !vigil_process_is_valid_choice (list, *out))
    {
      g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                   _("The field “%s” has an unknown value “%s”"), name, *out);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_time (JsonObject  *object,
           const char  *prefix,
           const char  *name,
           GDateTime  **out,
           GError     **error)
{
  g_autofree char *text = NULL;

  if (!read_string (object, prefix, name, FALSE, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;

  *out = vigil_time_from_iso (text);
  if (*out == NULL)
    {
      g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                   _("The field “%s%s” is not a date and time in ISO 8601 format"),
                   prefix, name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_int (JsonObject  *object,
          const char  *prefix,
          const char  *name,
          gboolean     required,
          gint64       min,
          gint64       max,
          gint64      *out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    {
      if (required)
        {
          g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_MISSING_FIELD,
                       _("The field “%s%s” is missing"), prefix, name);
          return FALSE;
        }
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                   _("The field “%s%s” must be a whole number"), prefix, name);
      return FALSE;
    }

  *out = json_node_get_int (node);
  if (*out < min || *out > max)
    {
      g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                   _("The field “%s%s” must be between %" PRId64 " and %" PRId64),
                   prefix, name, (int64_t) min, (int64_t) max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_known_members (JsonObject         *object,
                     const char         *prefix,
                     const char * const *known,
                     GError            **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (known, l->data))
        {
          g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_UNKNOWN_FIELD,
                       _("The field “%s%s” is not known"), prefix, (const char *) l->data);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
read_approval (VigilIncident  *self,
               JsonObject     *object,
               GError        **error)
{
  static const char * const known[] = {
    "state", "submitted_by", "submitted_at", "submitted_from", "snapshot_hash",
    "decided_by", "decided_at", "comment", NULL
  };
  g_autofree char *state = NULL;
  gint64 from = 0;

  if (!check_known_members (object, "approval.", known, error))
    return FALSE;

  if (!read_string (object, "approval.", "state", TRUE, &state, error))
    return FALSE;
  if (!vigil_approval_state_from_string (state, &self->approval_state))
    {
      g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                   _("The field “approval.state” has an unknown value “%s”"), state);
      return FALSE;
    }

  if (!read_string (object, "approval.", "submitted_by", FALSE, &self->submitted_by, error) ||
      !read_time (object, "approval.", "submitted_at", &self->submitted_at, error) ||
      !read_int (object, "approval.", "submitted_from", FALSE, 0, VIGIL_STEP_ESCALATE,
                 &from, error) ||
      !read_string (object, "approval.", "snapshot_hash", FALSE, &self->snapshot_hash, error) ||
      !read_string (object, "approval.", "decided_by", FALSE, &self->decided_by, error) ||
      !read_time (object, "approval.", "decided_at", &self->decided_at, error) ||
      !read_string (object, "approval.", "comment", FALSE, &self->decision_comment, error))
    return FALSE;

  self->submitted_from = (guint) from;
  return TRUE;
}

static gboolean
read_dora_object (JsonObject  *object,
                  const char  *name,
                  JsonObject **out,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                   _("The field “%s” must be an object"), name);
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}

/* Checks the DORA record; the computed "deadlines" are dropped. */
static gboolean
read_dora (VigilIncident  *self,
           JsonObject     *object,
           GError        **error)
{
  static const char * const known[] = {
    "criteria", "result", "classified_at", "reports", "deadlines", "drafts", "threat",
    "client_impact_since", NULL
  };
  static const char * const report_known[] = {
    "report", "at", "authority", "reference", "version", "fields", NULL
  };
  static const char * const submitted_kinds[] = {
    "initial", "intermediate", "final", "reclassified", "threat", NULL
  };
  g_autoptr(GDateTime) classified_at = NULL;
  g_autoptr(GDateTime) computed_at = NULL;
  g_autoptr(JsonObject) dora = NULL;
  JsonObject *criteria = NULL, *result = NULL, *threat = NULL;
  JsonNode *node;

  if (!check_known_members (object, "dora.", known, error) ||
      !read_time (object, "dora.", "classified_at", &classified_at, error))
    return FALSE;

  node = json_object_get_member (object, "criteria");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      g_autoptr(VigilDoraCriteria) parsed = NULL;
      g_autoptr(GError) local_error = NULL;

      parsed = vigil_dora_criteria_new_from_json (node, &local_error);
      if (parsed == NULL)
        {
          g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                       _("The field “dora.criteria” is not valid: %s"), local_error->message);
          return FALSE;
        }
      criteria = json_node_get_object (node);
    }

  node = json_object_get_member (object, "result");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonNode *major;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                       _("The field “%s” must be an object"), "dora.result");
          return FALSE;
        }
      result = json_node_get_object (node);
      major = json_object_get_member (result, "major");
      if (major == NULL || !JSON_NODE_HOLDS_VALUE (major) ||
          json_node_get_value_type (major) != G_TYPE_BOOLEAN)
        {
          g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                       _("The field “%s” must be true or false"), "dora.result.major");
          return FALSE;
        }
      if (!read_time (result, "dora.result.", "computed_at", &computed_at, error))
        return FALSE;
    }

  if ((criteria == NULL) != (result == NULL))
    {
      g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_MISSING_FIELD,
                   _("The field “%s” is missing"),
                   criteria == NULL ? "dora.criteria" : "dora.result");
      return FALSE;
    }
  if (classified_at != NULL && result == NULL)
    {
      g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_MISSING_FIELD,
                   _("The field “%s” is missing"), "dora.result");
      return FALSE;
    }

  node = json_object_get_member (object, "reports");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonArray *reports;
      guint n_incident_reports = 0;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                       _("The field “%s” must be a list"), "dora.reports");
          return FALSE;
        }
      reports = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (reports); i++)
        {
          JsonNode *item = json_array_get_element (reports, i);
          g_autofree char *kind = NULL;
          g_autofree char *authority = NULL;
          g_autofree char *reference = NULL;
          g_autoptr(GDateTime) at = NULL;
          JsonObject *report;

          if (!JSON_NODE_HOLDS_OBJECT (item))
            {
              g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                           _("The field “%s” must be a list of objects"), "dora.reports");
              return FALSE;
            }
          report = json_node_get_object (item);
          if (!check_known_members (report, "dora.reports.", report_known, error) ||
              !read_string (report, "dora.reports.", "report", TRUE, &kind, error) ||
              !read_time (report, "dora.reports.", "at", &at, error) ||
              !read_string (report, "dora.reports.", "authority", TRUE, &authority, error) ||
              !read_string (report, "dora.reports.", "reference", FALSE, &reference, error))
            return FALSE;
          if (!g_strv_contains (submitted_kinds, kind))
            {
              g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                           _("The field “dora.reports.report” has an unknown value “%s”"), kind);
              return FALSE;
            }
          if (at == NULL)
            {
              g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_MISSING_FIELD,
                           _("The field “%s” is missing"), "dora.reports.at");
              return FALSE;
            }
          if (!g_str_equal (kind, "threat"))
            n_incident_reports++;
        }
      if (n_incident_reports > 0 && classified_at == NULL)
        {
          g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_MISSING_FIELD,
                       _("The field “%s” is missing"), "dora.classified_at");
          return FALSE;
        }
    }

  node = json_object_get_member (object, "drafts");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node) && !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                   _("The field “%s” must be an object"), "dora.drafts");
      return FALSE;
    }

  /* The threat assessment (dora.threat_assess) may come before any
   * classification. */
  node = json_object_get_member (object, "threat");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                       _("The field “%s” must be an object"), "dora.threat");
          return FALSE;
        }
      threat = json_node_get_object (node);
    }

  if (result == NULL && threat == NULL)
    return TRUE;

  dora = copy_object (object);
  json_object_remove_member (dora, "deadlines");
  g_clear_pointer (&self->dora, json_object_unref);
  self->dora = g_steal_pointer (&dora);
  return TRUE;
}

VigilIncident *
vigil_incident_new_from_json (JsonNode  *node,
                              GError   **error)
{
  static const char * const known[] = {
    "id", "reference", "revision", "step", "title", "description", "type", "type_other",
    "severity", "detection_method", "detected_at", "aware_at", "reporter",
    "affected_systems", "owner", "created_by", "created_at", "updated_at", "approval",
    "forms", "dora", NULL
  };
  g_autoptr(VigilIncident) self = NULL;
  g_autofree char *id = NULL;
  JsonObject *object;
  JsonNode *member;
  gint64 revision = 0, step = 1;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_PARSE,
                   _("An incident must be a JSON object"));
      return NULL;
    }
  object = json_node_get_object (node);

  if (!check_known_members (object, "", known, error))
    return NULL;

  if (!read_string (object, "", "id", TRUE, &id, error))
    return NULL;
  self = vigil_incident_new (id);

  if (!read_string (object, "", "reference", FALSE, &self->reference, error) ||
      !read_int (object, "", "revision", TRUE, 0, G_MAXINT64, &revision, error) ||
      !read_int (object, "", "step", TRUE, 1, VIGIL_N_STEPS, &step, error) ||
      !read_string (object, "", "title", FALSE, &self->title, error) ||
      !read_string (object, "", "description", FALSE, &self->description, error) ||
      !read_choice (object, "type", VIGIL_CHOICES_INCIDENT_TYPE, &self->incident_type, error) ||
      !read_string (object, "", "type_other", FALSE, &self->type_other, error) ||
      !read_choice (object, "severity", VIGIL_CHOICES_SEVERITY, &self->severity, error) ||
      !read_choice (object, "detection_method", VIGIL_CHOICES_DETECTION_METHOD,
                    &self->detection_method, error) ||
      !read_time (object, "", "detected_at", &self->detected_at, error) ||
      !read_time (object, "", "aware_at", &self->aware_at, error) ||
      !read_string (object, "", "reporter", FALSE, &self->reporter, error) ||
      !read_string (object, "", "owner", FALSE, &self->owner, error) ||
      !read_string (object, "", "created_by", FALSE, &self->created_by, error) ||
      !read_time (object, "", "created_at", &self->created_at, error) ||
      !read_time (object, "", "updated_at", &self->updated_at, error))
    return NULL;

  if (self->reference != NULL && !vigil_reference_parse (self->reference, NULL, NULL))
    {
      g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                   _("The field “reference” must look like INC-2026-0042, not “%s”"),
                   self->reference);
      return NULL;
    }
  self->revision = revision;
  self->step = (guint) step;

  member = json_object_get_member (object, "affected_systems");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      g_autoptr(GStrvBuilder) systems = g_strv_builder_new ();
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (member))
        {
          g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                       _("The field “%s” must be a list of strings"), "affected_systems");
          return NULL;
        }
      array = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
            {
              g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                           _("The field “%s” must be a list of strings"), "affected_systems");
              return NULL;
            }
          g_strv_builder_add (systems, json_node_get_string (item));
        }
      self->affected_systems = g_strv_builder_end (systems);
      if (self->affected_systems[0] == NULL)
        g_clear_pointer (&self->affected_systems, g_strfreev);
    }

  member = json_object_get_member (object, "approval");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!JSON_NODE_HOLDS_OBJECT (member))
        {
          g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                       _("The field “%s” must be an object"), "approval");
          return NULL;
        }
      if (!read_approval (self, json_node_get_object (member), error))
        return NULL;
    }

  member = json_object_get_member (object, "forms");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!JSON_NODE_HOLDS_OBJECT (member))
        {
          g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD,
                       _("The field “%s” must be an object"), "forms");
          return NULL;
        }
      if (!vigil_forms_check_document (json_node_get_object (member), error))
        return NULL;
      g_clear_pointer (&self->forms, json_object_unref);
      self->forms = copy_object (json_node_get_object (member));
    }

  {
    JsonObject *dora = NULL;

    if (!read_dora_object (object, "dora", &dora, error) ||
        (dora != NULL && !read_dora (self, dora, error)))
      return NULL;
  }

  /* Normalise empty strings to NULL, as the setters do. */
  set_string (&self->reference, self->reference);
  set_string (&self->title, self->title);
  set_string (&self->description, self->description);
  set_string (&self->type_other, self->type_other);
  set_string (&self->reporter, self->reporter);
  set_string (&self->owner, self->owner);
  set_string (&self->created_by, self->created_by);

  return g_steal_pointer (&self);
}

VigilIncident *
vigil_incident_new_from_string (const char  *json,
                                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, &local_error))
    {
      g_set_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_PARSE,
                   _("The incident is not valid JSON: %s"), local_error->message);
      return NULL;
    }

  return vigil_incident_new_from_json (json_parser_get_root (parser), error);
}
