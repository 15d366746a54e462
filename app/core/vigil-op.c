/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-op"

#include "config.h"

#include <inttypes.h>

#include <string.h>
#include <glib/gi18n-lib.h>

#include "vigil-op.h"
#include "vigil-dora-report.h"
#include "vigil-forms.h"
#include "vigil-forms-private.h"
#include "vigil-notify.h"
#include "vigil-process.h"

/* Clocks of workstations drift; a time this far ahead still counts as now. */
#define CLOCK_SKEW_TOLERANCE (5 * G_TIME_SPAN_MINUTE)
#define MAX_TITLE_LENGTH 200
#define MAX_TEXT_LENGTH 20000

struct _VigilOp
{
  GObject      parent_instance;

  char        *id;
  char        *incident_id;
  VigilOpKind  kind;
  gint64       base_rev;
  char        *actor;
  GDateTime   *at;
  JsonObject  *payload;
};

G_DEFINE_TYPE (VigilOp, vigil_op, G_TYPE_OBJECT)
G_DEFINE_QUARK (vigil-op-error-quark, vigil_op_error)

static const char *kind_names[VIGIL_N_OP_KINDS] = {
  [VIGIL_OP_INCIDENT_CREATE] = "incident.create",
  [VIGIL_OP_INCIDENT_UPDATE] = "incident.update",
  [VIGIL_OP_INCIDENT_MOVE] = "incident.move",
  [VIGIL_OP_APPROVAL_SUBMIT] = "approval.submit",
  [VIGIL_OP_APPROVAL_DECIDE] = "approval.decide",
  [VIGIL_OP_FORM_UPDATE] = "form.update",
  [VIGIL_OP_ITEM_ADD] = "item.add",
  [VIGIL_OP_ITEM_UPDATE] = "item.update",
  [VIGIL_OP_ITEM_REMOVE] = "item.remove",
  [VIGIL_OP_DORA_CLASSIFY] = "dora.classify",
  [VIGIL_OP_DORA_REPORT_SUBMITTED] = "dora.report_submitted",
  [VIGIL_OP_DORA_REPORT_DRAFT] = "dora.report_draft",
  [VIGIL_OP_NOTIFICATION_DECIDE] = "notification.decide",
  [VIGIL_OP_DORA_THREAT_ASSESS] = "dora.threat_assess",
};

/* Field ids are lower-case words (with digits after the first letter)
 * joined by '_' or '.', e.g. "approval.comment" or "sha256". */
static gsize
field_prefix_length (const GError *error)
{
  const char *p;

  if (error == NULL || error->domain != VIGIL_OP_ERROR || error->message == NULL)
    return 0;

  for (p = error->message;
       g_ascii_islower (*p) || *p == '_' || *p == '.' ||
       (p > error->message && g_ascii_isdigit (*p));
       p++)
    ;
  if (p == error->message || p[0] != ':' || p[1] != ' ')
    return 0;
  return p - error->message;
}

char *
vigil_op_error_dup_field (const GError *error)
{
  gsize len = field_prefix_length (error);

  return len ? g_strndup (error->message, len) : NULL;
}

const char *
vigil_op_error_get_reason (const GError *error)
{
  gsize len = field_prefix_length (error);

  g_return_val_if_fail (error != NULL, NULL);

  return len ? error->message + len + 2 : error->message;
}

static const char *role_names[] = { "analyst", "lead", "manager", "admin" };

const char *
vigil_role_to_string (VigilRole role)
{
  g_return_val_if_fail (role < G_N_ELEMENTS (role_names), NULL);

  return role_names[role];
}

gboolean
vigil_role_from_string (const char *str,
                        VigilRole  *role)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (role_names); i++)
    {
      if (g_str_equal (str, role_names[i]))
        {
          *role = i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
vigil_op_kind_to_string (VigilOpKind kind)
{
  g_return_val_if_fail (kind < VIGIL_N_OP_KINDS, NULL);

  return kind_names[kind];
}

gboolean
vigil_op_kind_from_string (const char  *str,
                           VigilOpKind *kind)
{
  for (guint i = 0; str != NULL && i < VIGIL_N_OP_KINDS; i++)
    {
      if (g_str_equal (str, kind_names[i]))
        {
          *kind = i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
vigil_op_finalize (GObject *object)
{
  VigilOp *self = (VigilOp *) object;

  g_free (self->id);
  g_free (self->incident_id);
  g_free (self->actor);
  g_clear_pointer (&self->at, g_date_time_unref);
  g_clear_pointer (&self->payload, json_object_unref);

  G_OBJECT_CLASS (vigil_op_parent_class)->finalize (object);
}

static void
vigil_op_class_init (VigilOpClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vigil_op_finalize;
}

static void
vigil_op_init (VigilOp *self)
{
}

VigilOp *
vigil_op_new (VigilOpKind  kind,
              const char  *incident_id,
              const char  *actor,
              gint64       base_rev,
              JsonObject  *payload)
{
  VigilOp *self;

  g_return_val_if_fail (kind < VIGIL_N_OP_KINDS, NULL);
  g_return_val_if_fail (actor != NULL, NULL);
  g_return_val_if_fail (base_rev >= 0, NULL);

  self = g_object_new (VIGIL_TYPE_OP, NULL);
  self->id = g_uuid_string_random ();
  self->incident_id = incident_id ? g_strdup (incident_id) : g_uuid_string_random ();
  self->kind = kind;
  self->base_rev = base_rev;
  self->actor = g_strdup (actor);
  self->at = g_date_time_new_now_utc ();
  self->payload = payload ? payload : json_object_new ();
  return self;
}

const char *
vigil_op_get_id (VigilOp *self)
{
  g_return_val_if_fail (VIGIL_IS_OP (self), NULL);
  return self->id;
}

const char *
vigil_op_get_incident_id (VigilOp *self)
{
  g_return_val_if_fail (VIGIL_IS_OP (self), NULL);
  return self->incident_id;
}

VigilOpKind
vigil_op_get_kind (VigilOp *self)
{
  g_return_val_if_fail (VIGIL_IS_OP (self), 0);
  return self->kind;
}

gint64
vigil_op_get_base_rev (VigilOp *self)
{
  g_return_val_if_fail (VIGIL_IS_OP (self), 0);
  return self->base_rev;
}

const char *
vigil_op_get_actor (VigilOp *self)
{
  g_return_val_if_fail (VIGIL_IS_OP (self), NULL);
  return self->actor;
}

void
vigil_op_set_actor (VigilOp    *self,
                    const char *actor)
{
  g_return_if_fail (VIGIL_IS_OP (self));
  g_return_if_fail (actor != NULL && *actor != '\0');

  g_free (self->actor);
  self->actor = g_strdup (actor);
}

GDateTime *
vigil_op_get_at (VigilOp *self)
{
  g_return_val_if_fail (VIGIL_IS_OP (self), NULL);
  return self->at;
}

JsonObject *
vigil_op_get_payload (VigilOp *self)
{
  g_return_val_if_fail (VIGIL_IS_OP (self), NULL);
  return self->payload;
}

/* JSON codec */

JsonNode *
vigil_op_to_json (VigilOp *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *at = NULL;
  g_autoptr(JsonNode) payload = NULL;

  g_return_val_if_fail (VIGIL_IS_OP (self), NULL);

  at = vigil_time_to_iso (self->at);
  payload = json_node_init_object (json_node_alloc (), self->payload);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->id);
  json_builder_set_member_name (builder, "incident");
  json_builder_add_string_value (builder, self->incident_id);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind_names[self->kind]);
  json_builder_set_member_name (builder, "base_rev");
  json_builder_add_int_value (builder, self->base_rev);
  json_builder_set_member_name (builder, "actor");
  json_builder_add_string_value (builder, self->actor);
  json_builder_set_member_name (builder, "at");
  json_builder_add_string_value (builder, at);
  json_builder_set_member_name (builder, "payload");
  json_builder_add_value (builder, json_node_copy (payload));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

char *
vigil_op_to_string (VigilOp *self)
{
  g_autoptr(JsonNode) node = vigil_op_to_json (self);

  return json_to_string (node, FALSE);
}

static const char *
get_string_member_full (JsonObject  *object,
                        const char  *name,
                        gboolean     allow_empty,
                        GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_PARSE,
                   _("The operation has no “%s” field"), name);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      (!allow_empty && *json_node_get_string (node) == '\0'))
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_PARSE,
                   _("The operation field “%s” must be a non-empty string"), name);
      return NULL;
    }
  return json_node_get_string (node);
}

static const char *
get_string_member (JsonObject  *object,
                   const char  *name,
                   GError     **error)
{
  return get_string_member_full (object, name, FALSE, error);
}

VigilOp *
vigil_op_new_from_json (JsonNode  *node,
                        GError   **error)
{
  static const char * const known[] = {
    "id", "incident", "kind", "base_rev", "actor", "at", "payload", NULL
  };
  g_autoptr(VigilOp) self = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *object;
  JsonNode *member;
  const char *id, *incident, *kind, *actor, *at;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_PARSE,
                   _("An operation must be a JSON object"));
      return NULL;
    }
  object = json_node_get_object (node);

  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (known, l->data))
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_PARSE,
                       _("The operation field “%s” is not known"), (const char *) l->data);
          return NULL;
        }
    }

  if (!(id = get_string_member (object, "id", error)) ||
      !(incident = get_string_member (object, "incident", error)) ||
      /* An empty kind is text all the same, just not one we know. */
      !(kind = get_string_member_full (object, "kind", TRUE, error)) ||
      !(actor = get_string_member (object, "actor", error)) ||
      !(at = get_string_member (object, "at", error)))
    return NULL;

  self = g_object_new (VIGIL_TYPE_OP, NULL);

  if (!vigil_op_kind_from_string (kind, &self->kind))
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_UNKNOWN_KIND,
                   _("The operation kind “%s” is not known"), kind);
      return NULL;
    }

  self->at = vigil_time_from_iso (at);
  if (self->at == NULL)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_PARSE,
                   _("The operation field “%s” is not a date and time in ISO 8601 format"),
                   "at");
      return NULL;
    }

  member = json_object_get_member (object, "base_rev");
  if (member == NULL)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_PARSE,
                   _("The operation has no “%s” field"), "base_rev");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_INT64 ||
      json_node_get_int (member) < 0)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_PARSE,
                   _("The operation field “%s” must be a whole number of at least 0"),
                   "base_rev");
      return NULL;
    }
  self->base_rev = json_node_get_int (member);

  member = json_object_get_member (object, "payload");
  if (member == NULL || JSON_NODE_HOLDS_NULL (member))
    self->payload = json_object_new ();
  else if (JSON_NODE_HOLDS_OBJECT (member))
    {
      g_autoptr(JsonNode) copy = json_node_copy (member);
      self->payload = json_object_ref (json_node_get_object (copy));
    }
  else
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_PARSE,
                   _("The operation field “%s” must be an object"), "payload");
      return NULL;
    }

  self->id = g_strdup (id);
  self->incident_id = g_strdup (incident);
  self->actor = g_strdup (actor);

  return g_steal_pointer (&self);
}

VigilOp *
vigil_op_new_from_string (const char  *json,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, &local_error))
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_PARSE,
                   _("The operation is not valid JSON: %s"), local_error->message);
      return NULL;
    }

  return vigil_op_new_from_json (json_parser_get_root (parser), error);
}

/* Applying operations: the rules of the process, written once. */

typedef struct {
  VigilOp       *op;
  VigilIncident *result;
  JsonArray     *changes;
} Apply;

static void
record_change (Apply       *apply,
               const char  *field,
               JsonNode    *old_value,
               JsonNode    *new_value)
{
  JsonObject *change = json_object_new ();

  json_object_set_string_member (change, "field", field);
  json_object_set_member (change, "old", old_value ? old_value : json_node_new (JSON_NODE_NULL));
  json_object_set_member (change, "new", new_value ? new_value : json_node_new (JSON_NODE_NULL));
  json_array_add_object_element (apply->changes, change);
}

static JsonNode *
string_node (const char *value)
{
  JsonNode *node;

  if (value == NULL)
    return json_node_new (JSON_NODE_NULL);
  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, value);
  return node;
}

static JsonNode *
time_node (GDateTime *value)
{
  g_autofree char *text = vigil_time_to_iso (value);

  return string_node (text);
}

static JsonNode *
int_node (gint64 value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (node, value);
  return node;
}

static JsonNode *
strv_node (const char * const *values)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; values && values[i]; i++)
    json_array_add_string_element (array, values[i]);
  json_node_take_array (node, array);
  return node;
}

/* Field kinds of incident.create / incident.update payloads. */
typedef enum {
  FIELD_TEXT,
  FIELD_TITLE,
  FIELD_CHOICE,
  FIELD_TIME,
  FIELD_LIST,
} FieldKind;

typedef struct {
  const char      *name;
  const char      *property;
  FieldKind        kind;
  VigilChoiceList  choices;
  gboolean         approved_content;  /* part of steps 1-7, frozen once submitted */
} FieldInfo;

static const FieldInfo fields[] = {
  { "title", "title", FIELD_TITLE, 0, TRUE },
  { "description", "description", FIELD_TEXT, 0, TRUE },
  { "type", "incident-type", FIELD_CHOICE, VIGIL_CHOICES_INCIDENT_TYPE, TRUE },
  { "type_other", "type-other", FIELD_TEXT, 0, TRUE },
  { "severity", "severity", FIELD_CHOICE, VIGIL_CHOICES_SEVERITY, TRUE },
  { "detection_method", "detection-method", FIELD_CHOICE, VIGIL_CHOICES_DETECTION_METHOD, TRUE },
  { "detected_at", "detected-at", FIELD_TIME, 0, TRUE },
  { "aware_at", "aware-at", FIELD_TIME, 0, TRUE },
  { "reporter", "reporter", FIELD_TEXT, 0, TRUE },
  { "affected_systems", "affected-systems", FIELD_LIST, 0, TRUE },
  { "owner", "owner", FIELD_TEXT, 0, FALSE },
};

static const FieldInfo *
find_field (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      if (g_str_equal (fields[i].name, name))
        return &fields[i];
    }
  return NULL;
}

static gboolean
invalid (GError     **error,
         const char  *field,
         const char  *message)
{
  g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID, "%s: %s", field, message);
  return FALSE;
}

static gboolean
is_string_or_null (JsonNode *node)
{
  return JSON_NODE_HOLDS_NULL (node) ||
         (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING);
}

/* Validates one payload value and sets it on the result. */
static gboolean
apply_field (Apply            *apply,
             const FieldInfo  *info,
             JsonNode         *value,
             GError          **error)
{
  GObject *result = G_OBJECT (apply->result);

  switch (info->kind)
    {
    case FIELD_TITLE:
    case FIELD_TEXT:
    case FIELD_CHOICE:
      {
        g_autofree char *old = NULL;
        g_autofree char *text = NULL;

        if (!is_string_or_null (value))
          return invalid (error, info->name, _("must be text"));
        if (JSON_NODE_HOLDS_VALUE (value))
          text = g_strstrip (g_strdup (json_node_get_string (value)));
        if (text != NULL && *text == '\0')
          g_clear_pointer (&text, g_free);
        if (text != NULL && !g_utf8_validate (text, -1, NULL))
          return invalid (error, info->name, _("is not valid UTF-8 text"));

        if (info->kind == FIELD_TITLE)
          {
            if (text == NULL)
              return invalid (error, info->name, _("the title must not be empty"));
            if (g_utf8_strlen (text, -1) > MAX_TITLE_LENGTH)
              return invalid (error, info->name, _("the title is longer than 200 characters"));
          }
        else if (info->kind == FIELD_CHOICE)
          {
            if (text != NULL && !vigil_process_is_valid_choice (info->choices, text))
              return invalid (error, info->name, _("the value is not one of the allowed choices"));
          }
        else if (text != NULL && g_utf8_strlen (text, -1) > MAX_TEXT_LENGTH)
          {
            return invalid (error, info->name, _("the text is longer than 20,000 characters"));
          }

        g_object_get (result, info->property, &old, NULL);
        if (g_strcmp0 (old, text) != 0)
          {
            g_object_set (result, info->property, text, NULL);
            record_change (apply, info->name, string_node (old), string_node (text));
          }
        return TRUE;
      }

    case FIELD_TIME:
      {
        g_autoptr(GDateTime) when = NULL;
        g_autoptr(GDateTime) old = NULL;
        g_autoptr(GDateTime) limit = NULL;

        if (!is_string_or_null (value))
          return invalid (error, info->name, _("must be a date and time"));
        if (JSON_NODE_HOLDS_VALUE (value))
          {
            when = vigil_time_from_iso (json_node_get_string (value));
            if (when == NULL)
              return invalid (error, info->name,
                              _("is not a date and time in ISO 8601 format"));
            limit = g_date_time_add (vigil_op_get_at (apply->op), CLOCK_SKEW_TOLERANCE);
            if (g_date_time_compare (when, limit) > 0)
              return invalid (error, info->name, _("the time lies in the future"));
          }

        g_object_get (result, info->property, &old, NULL);
        if (!(old == NULL && when == NULL) &&
            (old == NULL || when == NULL || !g_date_time_equal (old, when)))
          {
            g_object_set (result, info->property, when, NULL);
            record_change (apply, info->name, time_node (old), time_node (when));
          }
        return TRUE;
      }

    case FIELD_LIST:
      {
        g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
        g_auto(GStrv) list = NULL;
        g_auto(GStrv) old = NULL;
        JsonArray *array = NULL;

        if (!JSON_NODE_HOLDS_NULL (value))
          {
            if (!JSON_NODE_HOLDS_ARRAY (value))
              return invalid (error, info->name, _("must be a list of text"));
            array = json_node_get_array (value);
          }
        for (guint i = 0; array && i < json_array_get_length (array); i++)
          {
            JsonNode *item = json_array_get_element (array, i);
            g_autofree char *text = NULL;

            if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
              return invalid (error, info->name, _("must be a list of text"));
            text = g_strstrip (g_strdup (json_node_get_string (item)));
            if (*text != '\0')
              g_strv_builder_add (builder, text);
          }
        list = g_strv_builder_end (builder);

        g_object_get (result, info->property, &old, NULL);
        if (old == NULL ? list[0] != NULL
                        : !g_strv_equal ((const char * const *) old, (const char * const *) list))
          {
            g_object_set (result, info->property, list, NULL);
            record_change (apply, info->name, strv_node ((const char * const *) old),
                           strv_node ((const char * const *) list));
          }
        return TRUE;
      }

    default:
      g_assert_not_reached ();
    }
}

/* Rules that span fields, checked on the result. */
static gboolean
check_consistency (VigilIncident  *incident,
                   GError        **error)
{
  GDateTime *detected = vigil_incident_get_detected_at (incident);
  GDateTime *aware = vigil_incident_get_aware_at (incident);
  const char *type = vigil_incident_get_incident_type (incident);

  if (detected != NULL && aware != NULL && g_date_time_compare (aware, detected) < 0)
    return invalid (error, "aware_at",
                    _("the organisation cannot have become aware of the incident before it "
                      "was detected"));

  if (g_strcmp0 (type, "other") == 0 && vigil_incident_get_type_other (incident) == NULL)
    return invalid (error, "type_other", _("describe the type when it is “Other”"));

  return TRUE;
}

static gboolean
apply_fields (Apply       *apply,
              gboolean     creating,
              GError     **error)
{
  JsonObject *payload = vigil_op_get_payload (apply->op);
  g_autoptr(GList) members = json_object_get_members (payload);
  VigilApprovalState state = vigil_incident_get_approval_state (apply->result);

  if (members == NULL && !creating)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID,
                   _("The update changes no field"));
      return FALSE;
    }

  for (const GList *l = members; l != NULL; l = l->next)
    {
      const FieldInfo *info = find_field (l->data);

      if (info == NULL || (creating && g_str_equal (info->name, "owner")))
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID,
                       _("%s: this field is not known"), (const char *) l->data);
          return FALSE;
        }

      if (info->approved_content &&
          (state == VIGIL_APPROVAL_PENDING || state == VIGIL_APPROVAL_APPROVED))
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_READ_ONLY,
                       state == VIGIL_APPROVAL_PENDING
                       ? _("%s: steps 1 to 7 are waiting for the lead’s decision and cannot be "
                           "changed; withdraw the submission first")
                       : _("%s: steps 1 to 7 were approved and are frozen"),
                       info->name);
          return FALSE;
        }

      if (!apply_field (apply, info, json_object_get_member (payload, l->data), error))
        return FALSE;
    }

  if (creating)
    {
      if (vigil_incident_get_title (apply->result) == NULL)
        return invalid (error, "title", _("the title must not be empty"));
      if (vigil_incident_get_incident_type (apply->result) == NULL)
        return invalid (error, "type", _("choose the type of incident"));
    }

  return check_consistency (apply->result, error);
}

char **
vigil_incident_list_missing_for_approval (VigilIncident *incident)
{
  g_autoptr(GStrvBuilder) missing = g_strv_builder_new ();

  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), NULL);

  if (vigil_incident_get_title (incident) == NULL)
    g_strv_builder_add (missing, "title");
  if (vigil_incident_get_incident_type (incident) == NULL)
    g_strv_builder_add (missing, "type");
  if (vigil_incident_get_aware_at (incident) == NULL)
    g_strv_builder_add (missing, "aware_at");
  if (vigil_incident_get_severity (incident) == NULL)
    g_strv_builder_add (missing, "severity");

  /* The lead decides on findings, and on whether it was escalated. */
  {
    const char *summary = vigil_incident_get_form_string (incident, "findings", "summary");
    JsonNode *escalate = vigil_incident_get_form_value (incident, "escalate", "escalate");

    if (summary == NULL || *summary == '\0')
      g_strv_builder_add (missing, "findings.summary");
    if (escalate == NULL || JSON_NODE_HOLDS_NULL (escalate))
      g_strv_builder_add (missing, "escalate.escalate");
  }

  return g_strv_builder_end (missing);
}

static gboolean
read_int_member (JsonObject  *payload,
                 const char  *name,
                 gint64      *out,
                 GError     **error)
{
  JsonNode *node = json_object_get_member (payload, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return invalid (error, name, _("must be a whole number"));

  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
check_payload_members (JsonObject         *payload,
                       const char * const *known,
                       GError            **error)
{
  g_autoptr(GList) members = json_object_get_members (payload);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (known, l->data))
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID,
                       _("%s: this field is not known"), (const char *) l->data);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
apply_move (Apply   *apply,
            GError **error)
{
  static const char * const known[] = { "to", NULL };
  JsonObject *payload = vigil_op_get_payload (apply->op);
  guint from = vigil_incident_get_step (apply->result);
  VigilApprovalState state = vigil_incident_get_approval_state (apply->result);
  gint64 to;

  if (!check_payload_members (payload, known, error) ||
      !read_int_member (payload, "to", &to, error))
    return FALSE;

  if (!vigil_process_is_valid_step (to))
    return invalid (error, "to", _("there is no such step"));
  if ((guint) to == from)
    return invalid (error, "to", _("the incident is in this step already"));
  if (to == VIGIL_STEP_APPROVAL)
    return invalid (error, "to",
                    _("an incident enters the approval step by being submitted for approval"));

  if (to >= VIGIL_STEP_COORDINATE && state != VIGIL_APPROVAL_APPROVED)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_GATE,
                   _("“%s” needs the approval of the incident response lead first: submit "
                     "steps 1 to 7 for approval"),
                   vigil_step_get_name (vigil_process_get_step (to)));
      return FALSE;
    }

  if (to < VIGIL_STEP_APPROVAL && state == VIGIL_APPROVAL_APPROVED)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_READ_ONLY,
                   _("The approved submission is frozen: the incident cannot go back before "
                     "step 9"));
      return FALSE;
    }

  if (from == VIGIL_STEP_APPROVAL)
    {
      /* Going back from step 8 withdraws the pending submission. */
      vigil_incident_clear_approval (apply->result);
      record_change (apply, "approval.state", string_node ("pending"), string_node ("none"));
    }

  vigil_incident_set_step (apply->result, to);
  record_change (apply, "step", int_node (from), int_node (to));
  return TRUE;
}

static gboolean
apply_submit (Apply   *apply,
              GError **error)
{
  static const char * const known[] = { NULL };
  guint from = vigil_incident_get_step (apply->result);
  g_auto(GStrv) missing = NULL;
  g_autofree char *hash = NULL;

  if (!check_payload_members (vigil_op_get_payload (apply->op), known, error))
    return FALSE;

  if (from > VIGIL_STEP_ESCALATE)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID,
                   _("Only an incident in steps 1 to 7 can be submitted for approval"));
      return FALSE;
    }

  missing = vigil_incident_list_missing_for_approval (apply->result);
  if (missing[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", missing);

      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID,
                   _("Fill in these fields before submitting for approval: %s"), list);
      return FALSE;
    }

  hash = vigil_incident_dup_snapshot_hash (apply->result);
  vigil_incident_set_submission (apply->result, vigil_op_get_actor (apply->op),
                                 vigil_op_get_at (apply->op), from, hash);
  vigil_incident_set_step (apply->result, VIGIL_STEP_APPROVAL);
  record_change (apply, "approval.state", NULL, string_node ("pending"));
  record_change (apply, "approval.snapshot_hash", NULL, string_node (hash));
  record_change (apply, "step", int_node (from), int_node (VIGIL_STEP_APPROVAL));
  return TRUE;
}

/* A lead's decision, on a submission or on a notification: who may take
 * it and what it says, written once. */
static gboolean
read_decision (JsonObject          *payload,
               const char * const  *known,
               VigilRole            role,
               gboolean            *approve,
               char               **comment,
               GError             **error)
{
  JsonNode *decision_node = json_object_get_member (payload, "decision");
  JsonNode *comment_node = json_object_get_member (payload, "comment");
  const char *decision;

  if (!check_payload_members (payload, known, error))
    return FALSE;

  if (role != VIGIL_ROLE_LEAD)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_FORBIDDEN,
                   _("Only an incident response lead can approve or reject"));
      return FALSE;
    }

  if (decision_node == NULL || !JSON_NODE_HOLDS_VALUE (decision_node) ||
      json_node_get_value_type (decision_node) != G_TYPE_STRING)
    return invalid (error, "decision", _("must be “approve” or “reject”"));
  decision = json_node_get_string (decision_node);
  if (g_str_equal (decision, "approve"))
    *approve = TRUE;
  else if (g_str_equal (decision, "reject"))
    *approve = FALSE;
  else
    return invalid (error, "decision", _("must be “approve” or “reject”"));

  *comment = NULL;
  if (comment_node != NULL)
    {
      if (!is_string_or_null (comment_node))
        return invalid (error, "comment", _("must be text"));
      if (JSON_NODE_HOLDS_VALUE (comment_node))
        *comment = g_strstrip (g_strdup (json_node_get_string (comment_node)));
      if (*comment != NULL && **comment == '\0')
        g_clear_pointer (comment, g_free);
      if (*comment != NULL && g_utf8_strlen (*comment, -1) > MAX_TEXT_LENGTH)
        {
          g_clear_pointer (comment, g_free);
          return invalid (error, "comment", _("is too long; shorten it to 20,000 characters"));
        }
    }
  return TRUE;
}

/* The four-eyes principle, and a rejection says why. @own_work: the lead
 * wrote what is decided on; @own_work_reason says so. */
static gboolean
check_decider (gboolean     approve,
               const char  *comment,
               gboolean     own_work,
               const char  *own_work_reason,
               GError     **error)
{
  if (own_work)
    {
      g_set_error_literal (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_FORBIDDEN, own_work_reason);
      return FALSE;
    }

  if (!approve && comment == NULL)
    return invalid (error, "comment", _("say why the submission is rejected"));
  return TRUE;
}

static gboolean
apply_decide (Apply      *apply,
              VigilRole   role,
              gint64      revision,
              GError    **error)
{
  static const char * const known[] = { "decision", "comment", NULL };
  JsonObject *payload = vigil_op_get_payload (apply->op);
  g_autofree char *comment = NULL;
  gboolean approve = FALSE;
  guint from = vigil_incident_get_step (apply->result);
  guint to;

  if (!read_decision (payload, known, role, &approve, &comment, error))
    return FALSE;

  if (vigil_incident_get_approval_state (apply->result) != VIGIL_APPROVAL_PENDING)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID,
                   _("This incident is not waiting for approval"));
      return FALSE;
    }

  if (vigil_op_get_base_rev (apply->op) != revision)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_CONFLICT,
                   _("The submission changed after it was shown to you; look at it again "
                     "before deciding"));
      return FALSE;
    }

  if (!check_decider (approve, comment,
                      g_strcmp0 (vigil_incident_get_submitted_by (apply->result),
                                 vigil_op_get_actor (apply->op)) == 0,
                      _("You submitted this incident yourself; another lead must decide "
                        "(four-eyes principle)"),
                      error))
    return FALSE;

  vigil_incident_set_decision (apply->result,
                               approve ? VIGIL_APPROVAL_APPROVED : VIGIL_APPROVAL_REJECTED,
                               vigil_op_get_actor (apply->op), vigil_op_get_at (apply->op),
                               comment);
  if (approve)
    to = VIGIL_STEP_COORDINATE;
  else
    {
      /* Back to where the analyst submitted from. */
      to = vigil_incident_get_submitted_from (apply->result);
      if (to < VIGIL_STEP_IDENTIFY || to > VIGIL_STEP_ESCALATE)
        to = VIGIL_STEP_ESCALATE;
    }
  vigil_incident_set_step (apply->result, to);

  record_change (apply, "approval.state", string_node ("pending"),
                 string_node (approve ? "approved" : "rejected"));
  if (comment != NULL)
    record_change (apply, "approval.comment", NULL, string_node (comment));
  record_change (apply, "step", int_node (from), int_node (to));
  return TRUE;
}

/* Notifications to external audiences: the lead decides on one text. */

static gboolean
apply_notification_decide (Apply      *apply,
                           VigilRole   role,
                           GError    **error)
{
  static const char * const known[] = { "id", "decision", "comment", "sha256", NULL };
  JsonObject *payload = vigil_op_get_payload (apply->op);
  g_autofree char *comment = NULL;
  g_autofree char *hash = NULL;
  gboolean approve = FALSE;
  gboolean own_work = FALSE;
  const char *id, *sha256;
  JsonObject *item;
  JsonNode *sent, *authors;
  JsonNode *id_node = json_object_get_member (payload, "id");
  JsonNode *sha256_node = json_object_get_member (payload, "sha256");

  if (!read_decision (payload, known, role, &approve, &comment, error))
    return FALSE;
  /* Either member may be of any JSON type; only text is read. */
  id = id_node != NULL && JSON_NODE_HOLDS_VALUE (id_node) &&
       json_node_get_value_type (id_node) == G_TYPE_STRING ? json_node_get_string (id_node) : NULL;
  if (id == NULL || *id == '\0')
    return invalid (error, "id", _("must name a notification of the incident"));
  sha256 = sha256_node != NULL && JSON_NODE_HOLDS_VALUE (sha256_node) &&
           json_node_get_value_type (sha256_node) == G_TYPE_STRING
           ? json_node_get_string (sha256_node) : NULL;
  if (sha256 == NULL)
    return invalid (error, "sha256", _("must be the SHA-256 of the text decided on"));

  item = vigil_incident_find_item (apply->result, "notify", "notifications", id);
  if (item == NULL)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_NOT_FOUND,
                   _("id: the incident has no notification with this id"));
      return FALSE;
    }

  sent = json_object_get_member (item, "sent");
  if (sent != NULL && !JSON_NODE_HOLDS_NULL (sent))
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_READ_ONLY,
                   _("This notification was sent already; there is nothing left to decide"));
      return FALSE;
    }

  if (!vigil_notification_audience_is_external (
        json_object_get_string_member_with_default (item, "audience", NULL)))
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID,
                   _("Only notifications to clients or the regulator are approved by a lead"));
      return FALSE;
    }

  hash = vigil_notification_dup_text_hash (item);
  if (!g_str_equal (hash, sha256))
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_CONFLICT,
                   _("The draft changed after it was shown to you; read it again before "
                     "deciding"));
      return FALSE;
    }

  authors = json_object_get_member (item, "authors");
  for (guint i = 0; authors != NULL && JSON_NODE_HOLDS_ARRAY (authors) &&
       i < json_array_get_length (json_node_get_array (authors)); i++)
    own_work |= g_strcmp0 (json_array_get_string_element (json_node_get_array (authors), i),
                           vigil_op_get_actor (apply->op)) == 0;

  if (!check_decider (approve, comment, own_work,
                      _("You wrote this notification yourself; another lead must decide "
                        "(four-eyes principle)"),
                      error))
    return FALSE;

  vigil_forms_record_notification_decision (apply->op, apply->result, id, approve, comment,
                                            hash, apply->changes);
  return TRUE;
}

/* DORA classification and reports */

static JsonNode *
bool_node (gboolean value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_boolean (node, value);
  return node;
}

static JsonObject *
copy_dora (JsonObject *dora)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) copy = NULL;

  if (dora == NULL)
    return json_object_new ();
  node = json_node_init_object (json_node_alloc (), dora);
  copy = vigil_json_node_deep_copy (node);
  return json_object_ref (json_node_get_object (copy));
}

/* The codec's message names the field in quotes; the refusal names it
 * below "criteria" so that a form can mark the right row. */
static gboolean
invalid_criteria (GError       **error,
                  const GError  *dora_error)
{
  const char *start = strstr (dora_error->message, "“");
  const char *end = start ? strstr (start, "”") : NULL;
  g_autofree char *field = NULL;

  if (start != NULL && end != NULL && end > start + strlen ("“"))
    field = g_strdup_printf ("criteria.%.*s", (int) (end - start - strlen ("“")),
                             start + strlen ("“"));

  g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID, "%s: %s",
               field ? field : "criteria", dora_error->message);
  return FALSE;
}

static gboolean
apply_dora_classify (Apply   *apply,
                     GError **error)
{
  static const char * const known[] = { "criteria", NULL };
  JsonObject *payload = vigil_op_get_payload (apply->op);
  VigilApprovalState state = vigil_incident_get_approval_state (apply->result);
  JsonObject *old = vigil_incident_get_dora (apply->result);
  JsonNode *node = json_object_get_member (payload, "criteria");
  g_autoptr(VigilDoraCriteria) criteria = NULL;
  g_autoptr(VigilDoraResult) result = NULL;
  g_autoptr(JsonNode) record = NULL;
  g_autoptr(JsonNode) old_criteria = NULL;
  g_autoptr(JsonNode) new_criteria = NULL;
  g_autoptr(JsonObject) dora = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDateTime) classified_at = NULL;
  g_autofree char *computed_at = NULL;
  JsonObject *summary;
  JsonNode *old_triggers = NULL;
  gboolean had_result, old_major, major;

  if (!check_payload_members (payload, known, error))
    return FALSE;

  /* The classification is part of step 5: while the lead decides on steps
   * 1-7 it stays as submitted. */
  if (state == VIGIL_APPROVAL_PENDING)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_READ_ONLY,
                   _("%s: steps 1 to 7 are waiting for the lead’s decision and cannot be "
                     "changed; withdraw the submission first"), "criteria");
      return FALSE;
    }

  if (node == NULL)
    return invalid (error, "criteria", _("the classification criteria are missing"));
  criteria = vigil_dora_criteria_new_from_json (node, &local_error);
  if (criteria == NULL)
    return invalid_criteria (error, local_error);

  /* Computed here, on every classification; never taken from the client. */
  result = vigil_dora_classify (criteria, NULL, vigil_op_get_at (apply->op));
  record = vigil_dora_result_to_json (result);
  summary = json_object_get_object_member (json_node_get_object (record), "result");
  computed_at = vigil_time_to_iso (vigil_op_get_at (apply->op));
  json_object_set_string_member (summary, "computed_at", computed_at);
  json_object_set_member (summary, "options",
                          json_node_copy (json_object_get_member (json_node_get_object (record),
                                                                  "options")));
  major = result->major;

  had_result = old != NULL && json_object_has_member (old, "result");
  old_major = vigil_incident_get_dora_major (apply->result);
  if (had_result)
    {
      JsonObject *old_result = json_object_get_object_member (old, "result");

      old_criteria = json_node_copy (json_object_get_member (old, "criteria"));
      old_triggers = json_object_get_member (old_result, "triggers");
    }
  new_criteria = vigil_dora_criteria_to_json (criteria);

  /* The first major result proposes the classification time; it is kept
   * through later reclassifications (ITS 2.3). */
  classified_at = vigil_incident_dup_dora_classified_at (apply->result);

  dora = copy_dora (old);
  json_object_set_member (dora, "criteria", json_node_copy (new_criteria));
  json_object_set_object_member (dora, "result", json_object_ref (summary));
  if (classified_at == NULL && major)
    {
      json_object_set_string_member (dora, "classified_at", computed_at);
      record_change (apply, "dora.classified_at", NULL, string_node (computed_at));
    }
  else if (classified_at == NULL)
    json_object_set_null_member (dora, "classified_at");

  if (old_criteria == NULL || !json_node_equal (old_criteria, new_criteria))
    record_change (apply, "dora.criteria", g_steal_pointer (&old_criteria),
                   json_node_copy (new_criteria));
  if (!had_result || old_major != major)
    record_change (apply, "dora.result.major", had_result ? bool_node (old_major) : NULL,
                   bool_node (major));
  if (old_triggers == NULL ||
      !json_node_equal (old_triggers, json_object_get_member (summary, "triggers")))
    record_change (apply, "dora.result.triggers",
                   old_triggers ? json_node_copy (old_triggers) : NULL,
                   json_node_copy (json_object_get_member (summary, "triggers")));

  vigil_incident_set_dora (apply->result, dora);
  return TRUE;
}

static gboolean
read_report_text (JsonObject  *payload,
                  const char  *name,
                  gboolean     required,
                  const char **out,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (payload, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return invalid (error, name, _("this field must be filled in"));
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, name, _("must be text"));
  *out = json_node_get_string (node);
  if (required && g_utf8_strlen (*out, -1) == 0)
    return invalid (error, name, _("this field must be filled in"));
  if (g_utf8_strlen (*out, -1) > MAX_TITLE_LENGTH)
    return invalid (error, name, _("is too long"));
  if (**out == '\0')
    *out = NULL;
  return TRUE;
}

/* Checks the "fields" of a draft or a submission: numbers of @form and
 * values of their types. A refusal names "fields.NO". */
static gboolean
check_report_fields (JsonNode             *node,
                     VigilDoraReportForm   form,
                     gboolean              allow_null,
                     GError              **error)
{
  g_autoptr(GList) members = NULL;
  JsonObject *values;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "fields", _("must be an object of field numbers and values"));
  values = json_node_get_object (node);
  members = json_object_get_members (values);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *no = l->data;
      const VigilDoraFieldInfo *field = vigil_dora_report_lookup_field (no);
      JsonNode *value = json_object_get_member (values, no);
      g_autoptr(GError) local_error = NULL;

      if (field == NULL || !vigil_dora_field_in_form (field, form))
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID,
                       _("fields: %s is not a field of this report"), no);
          return FALSE;
        }
      if (g_str_equal (no, "1.1") && !JSON_NODE_HOLDS_NULL (value) && allow_null)
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID,
                       _("fields.%s: the type of submission follows from the report and cannot "
                         "be set"), no);
          return FALSE;
        }
      if (JSON_NODE_HOLDS_NULL (value) && !allow_null)
        continue;
      if (!vigil_dora_field_check_value (field, value, &local_error))
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID, "fields.%s: %s", no,
                       local_error->message);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
read_report_form (JsonObject          *payload,
                  VigilDoraReportForm *form,
                  GError             **error)
{
  const char *text;

  if (!read_report_text (payload, "report", TRUE, &text, error))
    return FALSE;
  if (!vigil_dora_form_from_string (text, form))
    return invalid (error, "report",
                    _("choose initial, intermediate, final, reclassified or threat"));
  return TRUE;
}

/* What a report needs on the incident before it can be drafted or sent:
 * a major classification for the incident reports, the threat assessment
 * for the threat notification. */
static gboolean
check_report_allowed (Apply               *apply,
                      VigilDoraReportForm  form,
                      GError             **error)
{
  JsonObject *dora = vigil_incident_get_dora (apply->result);
  g_autoptr(GDateTime) classified_at = vigil_incident_dup_dora_classified_at (apply->result);

  if (form == VIGIL_DORA_FORM_THREAT)
    {
      if (dora == NULL || !json_object_has_member (dora, "threat"))
        return invalid (error, "report",
                        _("the cyber threat was not assessed; assess it in step 5 first"));
      return TRUE;
    }
  if (classified_at == NULL)
    return invalid (error, "report",
                    _("the incident was never classified as major; classify it first"));
  return TRUE;
}

/* Clients are to be told without undue delay once 3.30 says their
 * financial interests are hit (DORA Art. 19(3)); no hour limit, so the
 * time it was first said is kept to show how long it has been. */
static void
track_client_impact (Apply      *apply,
                     JsonObject *dora)
{
  static const char * const kinds[] = { "intermediate", "final", NULL };
  JsonObject *drafts = json_object_get_object_member (dora, "drafts");
  gboolean affected = FALSE;

  for (guint i = 0; kinds[i] != NULL && !affected; i++)
    {
      JsonNode *draft = json_object_get_member (drafts, kinds[i]);

      affected = draft != NULL && JSON_NODE_HOLDS_OBJECT (draft) &&
                 g_strcmp0 (json_object_get_string_member_with_default (
                              json_node_get_object (draft), "3.30", NULL), "yes") == 0;
    }

  if (affected && !json_object_has_member (dora, "client_impact_since"))
    {
      g_autofree char *at = vigil_time_to_iso (vigil_op_get_at (apply->op));

      json_object_set_string_member (dora, "client_impact_since", at);
      record_change (apply, "dora.client_impact_since", NULL, string_node (at));
    }
  else if (!affected && json_object_has_member (dora, "client_impact_since"))
    {
      record_change (apply, "dora.client_impact_since",
                     json_node_copy (json_object_get_member (dora, "client_impact_since")), NULL);
      json_object_remove_member (dora, "client_impact_since");
    }
}

static gboolean
apply_dora_draft (Apply   *apply,
                  GError **error)
{
  static const char * const known[] = { "report", "fields", NULL };
  JsonObject *payload = vigil_op_get_payload (apply->op);
  VigilDoraReportForm form;
  g_autoptr(JsonObject) dora = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *drafts, *draft, *values;

  if (!check_payload_members (payload, known, error) ||
      !read_report_form (payload, &form, error) ||
      !check_report_allowed (apply, form, error) ||
      !check_report_fields (json_object_get_member (payload, "fields"), form, TRUE, error))
    return FALSE;

  dora = copy_dora (vigil_incident_get_dora (apply->result));
  if (!json_object_has_member (dora, "drafts"))
    json_object_set_object_member (dora, "drafts", json_object_new ());
  drafts = json_object_get_object_member (dora, "drafts");
  if (!json_object_has_member (drafts, vigil_dora_form_to_string (form)))
    json_object_set_object_member (drafts, vigil_dora_form_to_string (form), json_object_new ());
  draft = json_object_get_object_member (drafts, vigil_dora_form_to_string (form));

  values = json_object_get_object_member (payload, "fields");
  members = json_object_get_members (values);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *no = l->data;
      JsonNode *value = json_object_get_member (values, no);
      JsonNode *old = json_object_get_member (draft, no);
      g_autofree char *field = NULL;

      if (old != NULL && json_node_equal (old, value))
        continue;
      if (old == NULL && JSON_NODE_HOLDS_NULL (value))
        continue;
      field = g_strdup_printf ("dora.drafts.%s.%s", vigil_dora_form_to_string (form), no);
      record_change (apply, field, old ? json_node_copy (old) : NULL, json_node_copy (value));
      if (JSON_NODE_HOLDS_NULL (value))
        json_object_remove_member (draft, no);
      else
        json_object_set_member (draft, no, json_node_copy (value));
    }

  track_client_impact (apply, dora);
  vigil_incident_set_dora (apply->result, dora);
  return TRUE;
}

static GDateTime *
dup_first_submission (JsonArray           *reports,
                      VigilDoraReportForm  form,
                      guint               *n_versions)
{
  GDateTime *first = NULL;

  *n_versions = 0;
  for (guint i = 0; i < json_array_get_length (reports); i++)
    {
      JsonObject *item = json_array_get_object_element (reports, i);
      const char *item_kind = json_object_get_string_member_with_default (item, "report", "");

      if (!g_str_equal (item_kind, vigil_dora_form_to_string (form)))
        continue;
      (*n_versions)++;
      if (first == NULL)
        first = vigil_time_from_iso (json_object_get_string_member (item, "at"));
    }
  return first;
}

static gboolean
apply_dora_report (Apply   *apply,
                   GError **error)
{
  static const char * const known[] = {
    "report", "at", "authority", "reference", "fields", NULL
  };
  JsonObject *payload = vigil_op_get_payload (apply->op);
  JsonNode *fields_node = json_object_get_member (payload, "fields");
  const char *kind, *at_text, *authority, *reference;
  VigilDoraReportForm form;
  g_autoptr(GDateTime) at = NULL;
  g_autoptr(GDateTime) limit = NULL;
  g_autoptr(GDateTime) previous_first = NULL;
  g_autoptr(GDateTime) final_first = NULL;
  g_autoptr(GDateTime) initial_first = NULL;
  g_autoptr(JsonObject) dora = NULL;
  g_autoptr(VigilDoraReport) draft = NULL;
  g_autofree char *field = NULL;
  g_autofree char *at_iso = NULL;
  guint n_versions = 0, n_previous = 0, n_final = 0, n_initial = 0;
  JsonObject *report;
  JsonArray *reports;

  if (!check_payload_members (payload, known, error) ||
      !read_report_form (payload, &form, error) ||
      !read_report_text (payload, "at", TRUE, &at_text, error) ||
      !read_report_text (payload, "authority", TRUE, &authority, error) ||
      !read_report_text (payload, "reference", FALSE, &reference, error))
    return FALSE;
  kind = vigil_dora_form_to_string (form);
  if (fields_node != NULL && !JSON_NODE_HOLDS_NULL (fields_node))
    {
      g_autoptr(JsonObject) expected = vigil_dora_report_prefill (apply->result, form);
      JsonNode *submission;

      if (!check_report_fields (fields_node, form, FALSE, error))
        return FALSE;
      /* 1.1 must name the report it is sent as. */
      submission = json_object_get_member (json_node_get_object (fields_node), "1.1");
      if (submission != NULL && !JSON_NODE_HOLDS_NULL (submission) &&
          !json_node_equal (submission, json_object_get_member (expected, "1.1")))
        return invalid (error, "fields.1.1", _("does not match the report submitted"));
    }

  at = vigil_time_from_iso (at_text);
  if (at == NULL)
    return invalid (error, "at", _("is not a date and time"));
  limit = g_date_time_add (vigil_op_get_at (apply->op), CLOCK_SKEW_TOLERANCE);
  if (g_date_time_compare (at, limit) > 0)
    return invalid (error, "at", _("must not be in the future"));
  if (vigil_incident_get_aware_at (apply->result) != NULL &&
      g_date_time_compare (at, vigil_incident_get_aware_at (apply->result)) < 0)
    return invalid (error, "at", _("must not be before the time of awareness"));

  if (!check_report_allowed (apply, form, error))
    return FALSE;

  /* The values sent: those the client shows, else the draft as it stands. */
  draft = vigil_dora_report_new (apply->result, form);

  dora = copy_dora (vigil_incident_get_dora (apply->result));
  if (!json_object_has_member (dora, "reports"))
    json_object_set_array_member (dora, "reports", json_array_new ());
  reports = json_object_get_array_member (dora, "reports");

  {
    GDateTime *own_first = dup_first_submission (reports, form, &n_versions);

    g_clear_pointer (&own_first, g_date_time_unref);
  }
  final_first = dup_first_submission (reports, VIGIL_DORA_FORM_FINAL, &n_final);
  initial_first = dup_first_submission (reports, VIGIL_DORA_FORM_INITIAL, &n_initial);

  switch (form)
    {
    case VIGIL_DORA_FORM_INITIAL:
    case VIGIL_DORA_FORM_INTERMEDIATE:
    case VIGIL_DORA_FORM_FINAL:
      /* Each kind may be sent again as an update (a new version); after
       * the final report only the final report itself. */
      if (form != VIGIL_DORA_FORM_FINAL && n_final > 0)
        return invalid (error, "report", _("the final report was submitted already"));
      if (form > VIGIL_DORA_FORM_INITIAL)
        {
          previous_first = dup_first_submission (reports, form - 1, &n_previous);
          if (previous_first == NULL)
            return invalid (error, "report", form == VIGIL_DORA_FORM_INTERMEDIATE
                            ? _("submit the initial notification first")
                            : _("submit an intermediate report first"));
          if (g_date_time_compare (at, previous_first) < 0)
            return invalid (error, "at", _("must not be before the previous report"));
        }
      break;
    case VIGIL_DORA_FORM_RECLASSIFIED:
      if (n_final > 0)
        return invalid (error, "report", _("the final report was submitted already"));
      if (vigil_incident_get_dora_major (apply->result))
        return invalid (error, "report",
                        _("the latest classification still finds the incident major; "
                          "classify it again first"));
      if (initial_first == NULL)
        return invalid (error, "report",
                        _("nothing was reported to the authority yet, so there is no "
                          "reclassification to report"));
      if (g_date_time_compare (at, initial_first) < 0)
        return invalid (error, "at", _("must not be before the previous report"));
      break;
    case VIGIL_DORA_FORM_THREAT:
    default:
      break;
    }

  at_iso = vigil_time_to_iso (at);
  report = json_object_new ();
  json_object_set_string_member (report, "report", kind);
  json_object_set_int_member (report, "version", n_versions + 1);
  json_object_set_string_member (report, "at", at_iso);
  json_object_set_string_member (report, "authority", authority);
  if (reference != NULL)
    json_object_set_string_member (report, "reference", reference);
  else
    json_object_set_null_member (report, "reference");
  if (fields_node != NULL && !JSON_NODE_HOLDS_NULL (fields_node))
    json_object_set_member (report, "fields", vigil_json_node_deep_copy (fields_node));
  else
    {
      JsonNode *values = json_node_init_object (json_node_alloc (),
                                                vigil_dora_report_get_values (draft));

      json_object_set_member (report, "fields", vigil_json_node_deep_copy (values));
      json_node_unref (values);
    }
  json_array_add_object_element (reports, report);

  field = g_strdup_printf ("dora.reports.%s", kind);
  record_change (apply, field, n_versions > 0 ? int_node (n_versions) : NULL,
                 int_node (n_versions + 1));
  vigil_incident_set_dora (apply->result, dora);
  return TRUE;
}

/* Significant cyber threats (CR Art. 10) */

static gboolean
read_threat_bool (JsonObject  *payload,
                  const char  *name,
                  gboolean    *out,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (payload, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return invalid (error, name, _("answer yes or no"));
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return invalid (error, name, _("must be true or false"));
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
read_threat_text (JsonObject  *payload,
                  const char  *name,
                  gboolean     required,
                  const char **out,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (payload, name);

  *out = NULL;
  if (node != NULL && !is_string_or_null (node))
    return invalid (error, name, _("must be text"));
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    *out = json_node_get_string (node);
  if (*out != NULL && g_utf8_strlen (*out, -1) > MAX_TEXT_LENGTH)
    return invalid (error, name, _("is too long"));
  if (*out != NULL)
    {
      const char *p = *out;

      while (g_ascii_isspace (*p))
        p++;
      if (*p == '\0')
        *out = NULL;
    }
  if (required && *out == NULL)
    return invalid (error, name, _("this field must be filled in"));
  return TRUE;
}

static gboolean
read_threat_triggers (JsonObject        *payload,
                      VigilDoraTrigger  *out,
                      GError           **error)
{
  JsonNode *node = json_object_get_member (payload, "would_trigger");
  JsonArray *array;

  *out = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, "would_trigger", _("must be a list of criteria"));

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *id;
      VigilDoraTrigger trigger = 0;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        return invalid (error, "would_trigger", _("must be a list of criteria"));
      id = json_node_get_string (item);
      for (guint bit = 0; bit <= 6 && trigger == 0; bit++)
        {
          g_auto(GStrv) ids = vigil_dora_triggers_to_strv (1 << bit);

          if (ids[0] != NULL && g_str_equal (ids[0], id))
            trigger = 1 << bit;
        }
      if (trigger == 0)
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID,
                       _("%s: “%s” is not a classification criterion"), "would_trigger", id);
          return FALSE;
        }
      if (*out & trigger)
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID,
                       _("%s: “%s” is listed twice"), "would_trigger", id);
          return FALSE;
        }
      *out |= trigger;
    }
  return TRUE;
}

static gboolean
apply_dora_threat (Apply   *apply,
                   GError **error)
{
  /* "assessed_at", "significant" and "reasons" are the core's: a client may
   * send a record back as it got it, but these are always computed here. */
  static const char * const known[] = {
    "could_affect", "high_probability", "would_trigger", "description", "potential_impact",
    "status", "actions", "others_notified", "indicators",
    "assessed_at", "significant", "reasons", NULL
  };
  static const char * const texts[] = {
    "potential_impact", "actions", "others_notified", "indicators", NULL
  };
  JsonObject *payload = vigil_op_get_payload (apply->op);
  VigilApprovalState state = vigil_incident_get_approval_state (apply->result);
  JsonObject *old = vigil_incident_get_dora (apply->result);
  JsonObject *old_threat = NULL;
  VigilDoraThreat threat = { 0 };
  g_auto(GStrv) reasons = NULL;
  g_auto(GStrv) trigger_ids = NULL;
  g_autoptr(JsonObject) dora = NULL;
  g_autofree char *assessed_at = NULL;
  const char *description, *status, *text;
  JsonObject *record;
  gboolean significant;

  if (!check_payload_members (payload, known, error))
    return FALSE;

  /* Assessed in step 5 with the classification, so frozen the same way. */
  if (state == VIGIL_APPROVAL_PENDING)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_READ_ONLY,
                   _("%s: steps 1 to 7 are waiting for the lead’s decision and cannot be "
                     "changed; withdraw the submission first"), "could_affect");
      return FALSE;
    }

  if (!read_threat_bool (payload, "could_affect", &threat.could_affect, error) ||
      !read_threat_bool (payload, "high_probability", &threat.high_probability, error) ||
      !read_threat_triggers (payload, &threat.would_trigger, error) ||
      !read_threat_text (payload, "description", TRUE, &description, error) ||
      !read_report_text (payload, "status", TRUE, &status, error))
    return FALSE;
  if (!g_str_equal (status, "active") && !g_str_equal (status, "inactive"))
    return invalid (error, "status", _("choose active or inactive"));

  record = json_object_new ();
  for (guint i = 0; texts[i] != NULL; i++)
    {
      if (!read_threat_text (payload, texts[i], FALSE, &text, error))
        {
          json_object_unref (record);
          return FALSE;
        }
      if (text != NULL)
        json_object_set_string_member (record, texts[i], text);
      else
        json_object_set_null_member (record, texts[i]);
    }

  /* Computed here, never taken from the client. */
  significant = vigil_dora_threat_is_significant (&threat, &reasons);
  trigger_ids = vigil_dora_triggers_to_strv (threat.would_trigger);
  assessed_at = vigil_time_to_iso (vigil_op_get_at (apply->op));

  json_object_set_string_member (record, "assessed_at", assessed_at);
  json_object_set_boolean_member (record, "could_affect", threat.could_affect);
  json_object_set_boolean_member (record, "high_probability", threat.high_probability);
  json_object_set_member (record, "would_trigger",
                          strv_node ((const char * const *) trigger_ids));
  json_object_set_boolean_member (record, "significant", significant);
  json_object_set_member (record, "reasons", strv_node ((const char * const *) reasons));
  json_object_set_string_member (record, "description", description);
  json_object_set_string_member (record, "status", status);

  if (old != NULL && json_object_has_member (old, "threat") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (old, "threat")))
    old_threat = json_object_get_object_member (old, "threat");

  /* Every assessment is kept in the log, so each one records its time and
   * its outcome even when the outcome did not change. */
  record_change (apply, "dora.threat.assessed_at",
                 old_threat ? string_node (json_object_get_string_member_with_default (
                                             old_threat, "assessed_at", NULL)) : NULL,
                 string_node (assessed_at));
  record_change (apply, "dora.threat.significant",
                 old_threat ? bool_node (json_object_get_boolean_member_with_default (
                                           old_threat, "significant", FALSE)) : NULL,
                 bool_node (significant));

  dora = copy_dora (old);
  json_object_set_object_member (dora, "threat", record);
  vigil_incident_set_dora (apply->result, dora);
  return TRUE;
}

VigilIncident *
vigil_op_apply (VigilOp        *self,
                VigilIncident  *incident,
                VigilRole       role,
                JsonArray     **changes,
                GError        **error)
{
  return vigil_op_apply_with_policy (self, incident, role, VIGIL_POLICY_DEFAULT, changes, error);
}

VigilIncident *
vigil_op_apply_with_policy (VigilOp           *self,
                            VigilIncident     *incident,
                            VigilRole          role,
                            VigilPolicyFlags   policy,
                            JsonArray        **changes,
                            GError           **error)
{
  Apply apply = { self, NULL, NULL };
  g_autoptr(VigilIncident) result = NULL;
  g_autoptr(JsonArray) change_list = json_array_new ();
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_OP (self), NULL);
  g_return_val_if_fail (incident == NULL || VIGIL_IS_INCIDENT (incident), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (role == VIGIL_ROLE_MANAGER || role == VIGIL_ROLE_ADMIN)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_FORBIDDEN,
                   _("Your role (%s) may look at incidents but not change them"),
                   vigil_process_get_choice_label (VIGIL_CHOICES_ROLE,
                                                   vigil_role_to_string (role)));
      return NULL;
    }

  if (self->kind == VIGIL_OP_INCIDENT_CREATE)
    {
      if (incident != NULL)
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_EXISTS,
                       _("The incident %s exists already"), self->incident_id);
          return NULL;
        }
      result = vigil_incident_new (self->incident_id);
    }
  else
    {
      if (incident == NULL)
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_NOT_FOUND,
                       _("The incident %s does not exist"), self->incident_id);
          return NULL;
        }
      if (!g_str_equal (vigil_incident_get_id (incident), self->incident_id))
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_NOT_FOUND,
                       _("The operation is for incident %s, not %s"), self->incident_id,
                       vigil_incident_get_id (incident));
          return NULL;
        }
      if (vigil_incident_is_archived (incident))
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_READ_ONLY,
                       _("%s is archived and can no longer be changed"),
                       vigil_incident_get_reference (incident)
                       ? vigil_incident_get_reference (incident) : self->incident_id);
          return NULL;
        }
      if (self->base_rev > vigil_incident_get_revision (incident))
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_CONFLICT,
                       _("The operation refers to revision %" PRId64
                         " but the incident is only at revision %" PRId64),
                       (int64_t) self->base_rev, (int64_t) vigil_incident_get_revision (incident));
          return NULL;
        }
      result = vigil_incident_copy (incident);
    }

  apply.result = result;
  apply.changes = change_list;

  switch (self->kind)
    {
    case VIGIL_OP_INCIDENT_CREATE:
      ok = apply_fields (&apply, TRUE, error);
      if (ok)
        {
          vigil_incident_set_owner (result, self->actor);
          vigil_incident_set_created_by (result, self->actor);
          vigil_incident_set_created_at (result, self->at);
        }
      break;
    case VIGIL_OP_INCIDENT_UPDATE:
      ok = apply_fields (&apply, FALSE, error);
      break;
    case VIGIL_OP_INCIDENT_MOVE:
      ok = apply_move (&apply, error);
      break;
    case VIGIL_OP_APPROVAL_SUBMIT:
      ok = apply_submit (&apply, error);
      break;
    case VIGIL_OP_APPROVAL_DECIDE:
      ok = apply_decide (&apply, role, vigil_incident_get_revision (incident), error);
      break;
    case VIGIL_OP_FORM_UPDATE:
    case VIGIL_OP_ITEM_ADD:
    case VIGIL_OP_ITEM_UPDATE:
    case VIGIL_OP_ITEM_REMOVE:
      ok = vigil_forms_apply_op (self, result, policy, change_list, error);
      break;
    case VIGIL_OP_DORA_CLASSIFY:
      ok = apply_dora_classify (&apply, error);
      break;
    case VIGIL_OP_DORA_REPORT_SUBMITTED:
      ok = apply_dora_report (&apply, error);
      break;
    case VIGIL_OP_DORA_REPORT_DRAFT:
      ok = apply_dora_draft (&apply, error);
      break;
    case VIGIL_OP_NOTIFICATION_DECIDE:
      ok = apply_notification_decide (&apply, role, error);
      break;
    case VIGIL_OP_DORA_THREAT_ASSESS:
      ok = apply_dora_threat (&apply, error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    return NULL;

  vigil_incident_set_revision (result, incident ? vigil_incident_get_revision (incident) + 1 : 1);
  vigil_incident_set_updated_at (result, self->at);

  if (changes != NULL)
    *changes = g_steal_pointer (&change_list);

  return g_steal_pointer (&result);
}
