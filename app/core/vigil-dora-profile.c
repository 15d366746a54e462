/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-dora-profile"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "vigil-dora-profile.h"
#include "vigil-incident.h"

#define HOLIDAYS_RESOURCE "/org/vigil/Vigil/dora/holidays.json"

/* Registered by hand like the templates: a constructor in a static library
 * may be dropped by the linker. */
void vigil_dora_data_register_resource (void);

struct _VigilDoraProfile
{
  GObject          parent_instance;

  guint            types;
  char            *member_state;
  GDateTime       *relief_withdrawn_at;
  VigilCalendar   *calendar;
  VigilDoraEntity  entity;
};

G_DEFINE_TYPE (VigilDoraProfile, vigil_dora_profile, G_TYPE_OBJECT)
G_DEFINE_QUARK (vigil-dora-profile-error-quark, vigil_dora_profile_error)

static GMutex default_lock;
static VigilDoraProfile *default_profile;

static void
vigil_dora_profile_finalize (GObject *object)
{
  VigilDoraProfile *self = VIGIL_DORA_PROFILE (object);

  g_free (self->member_state);
  g_clear_pointer (&self->relief_withdrawn_at, g_date_time_unref);
  g_clear_object (&self->calendar);

  G_OBJECT_CLASS (vigil_dora_profile_parent_class)->finalize (object);
}

static void
vigil_dora_profile_class_init (VigilDoraProfileClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vigil_dora_profile_finalize;
}

static void
vigil_dora_profile_init (VigilDoraProfile *self)
{
}

static VigilCalendar *
copy_calendar (VigilCalendar *calendar)
{
  VigilCalendar *copy = vigil_calendar_new ();
  g_autoptr(JsonNode) node = NULL;

  if (calendar == NULL)
    return copy;
  node = vigil_calendar_to_json (calendar);
  if (!vigil_calendar_load_json (copy, node, NULL))
    g_warn_if_reached ();
  return copy;
}

static VigilDoraProfile *
profile_new_take (guint          types,
                  const char    *member_state,
                  GDateTime     *relief_withdrawn_at,
                  VigilCalendar *calendar)
{
  VigilDoraProfile *self = g_object_new (VIGIL_TYPE_DORA_PROFILE, NULL);

  self->types = types;
  self->member_state = g_strdup (member_state);
  self->relief_withdrawn_at = relief_withdrawn_at ? g_date_time_ref (relief_withdrawn_at) : NULL;
  self->calendar = calendar;
  self->entity.types = types;
  self->entity.member_state = self->member_state;
  self->entity.time_zone = vigil_dora_eea_state_time_zone (member_state);
  self->entity.relief_withdrawn_at = self->relief_withdrawn_at;
  return self;
}

VigilDoraProfile *
vigil_dora_profile_new (guint          types,
                        const char    *member_state,
                        GDateTime     *relief_withdrawn_at,
                        VigilCalendar *calendar)
{
  g_return_val_if_fail (calendar == NULL || VIGIL_IS_CALENDAR (calendar), NULL);

  if (types == 0 || types >= (1u << VIGIL_DORA_N_ENTITY_TYPES) ||
      !vigil_dora_is_eea_state (member_state))
    return NULL;
  return profile_new_take (types, member_state, relief_withdrawn_at, copy_calendar (calendar));
}

VigilCalendar *
vigil_dora_profile_dup_builtin_holidays (void)
{
  static gsize registered;
  VigilCalendar *calendar = vigil_calendar_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data;

  if (g_once_init_enter (&registered))
    {
      vigil_dora_data_register_resource ();
      g_once_init_leave (&registered, 1);
    }

  bytes = g_resources_lookup_data (HOLIDAYS_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes != NULL)
    {
      data = g_bytes_get_data (bytes, &size);
      if (json_parser_load_from_data (parser, data, size, &error))
        vigil_calendar_load_json (calendar, json_parser_get_root (parser), &error);
    }
  if (error != NULL)
    g_critical ("The built-in public holidays cannot be read: %s", error->message);
  return calendar;
}

VigilDoraProfile *
vigil_dora_profile_new_default (void)
{
  return profile_new_take (VIGIL_DORA_ENTITY_CREDIT_INSTITUTION, "DE", NULL,
                           vigil_dora_profile_dup_builtin_holidays ());
}

static gboolean
invalid (GError     **error,
         const char  *member,
         const char  *message)
{
  g_set_error (error, VIGIL_DORA_PROFILE_ERROR, VIGIL_DORA_PROFILE_ERROR_INVALID_FIELD,
               /* Translators: the first %s is a JSON member name such as
                * "member_state", the second explains what is wrong */
               _("The DORA profile’s “%s” %s"), member, message);
  return FALSE;
}

static const char * const profile_members[] = {
  "entity_types", "member_state", "relief_withdrawn_at", "holidays",
};

VigilDoraProfile *
vigil_dora_profile_new_from_json (JsonNode  *node,
                                  GError   **error)
{
  g_autoptr(GList) members = NULL;
  g_autoptr(VigilCalendar) calendar = NULL;
  g_autoptr(GDateTime) withdrawn = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  JsonNode *member;
  JsonArray *array;
  const char *state;
  guint types = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, VIGIL_DORA_PROFILE_ERROR, VIGIL_DORA_PROFILE_ERROR_PARSE,
                   _("A DORA profile must be a JSON object"));
      return NULL;
    }
  object = json_node_get_object (node);

  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      gboolean known = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (profile_members); i++)
        known = known || strcmp (l->data, profile_members[i]) == 0;
      if (!known)
        {
          invalid (error, l->data, _("is not part of a DORA profile; remove it"));
          return NULL;
        }
    }

  member = json_object_get_member (object, "entity_types");
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    {
      invalid (error, "entity_types", _("must be a list of entity types such as “credit_institution”"));
      return NULL;
    }
  array = json_node_get_array (member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      VigilDoraEntityType type;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING ||
          !vigil_dora_entity_type_from_string (json_node_get_string (item), &type))
        {
          g_autofree char *message = g_strdup_printf (_("has an unknown entity type at position %u"), i + 1);

          invalid (error, "entity_types", message);
          return NULL;
        }
      types |= type;
    }
  if (types == 0)
    {
      invalid (error, "entity_types", _("must name at least one entity type"));
      return NULL;
    }

  member = json_object_get_member (object, "member_state");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING ||
      !vigil_dora_is_eea_state ((state = json_node_get_string (member))))
    {
      invalid (error, "member_state", _("must be the code of an EEA member state, such as “DE”"));
      return NULL;
    }

  member = json_object_get_member (object, "relief_withdrawn_at");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING ||
          !(withdrawn = vigil_time_from_iso (json_node_get_string (member))))
        {
          invalid (error, "relief_withdrawn_at",
                   _("must be a time such as “2026-03-01T09:00:00Z”, or null"));
          return NULL;
        }
    }

  member = json_object_get_member (object, "holidays");
  calendar = vigil_calendar_new ();
  if (member == NULL)
    {
      invalid (error, "holidays", _("is missing; give the bank holidays per member state"));
      return NULL;
    }
  if (!vigil_calendar_load_json (calendar, member, &local_error))
    {
      invalid (error, "holidays", local_error->message);
      return NULL;
    }

  return profile_new_take (types, state, withdrawn, g_steal_pointer (&calendar));
}

VigilDoraProfile *
vigil_dora_profile_new_from_data (const char  *data,
                                  gssize       length,
                                  GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, VIGIL_DORA_PROFILE_ERROR, VIGIL_DORA_PROFILE_ERROR_PARSE,
                   _("The DORA profile is not valid JSON: %s"), local_error->message);
      return NULL;
    }
  return vigil_dora_profile_new_from_json (json_parser_get_root (parser), error);
}

JsonNode *
vigil_dora_profile_to_json (VigilDoraProfile *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (VIGIL_IS_DORA_PROFILE (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "entity_types");
  json_builder_begin_array (builder);
  for (guint i = 0; i < VIGIL_DORA_N_ENTITY_TYPES; i++)
    if (self->types & (1u << i))
      json_builder_add_string_value (builder, vigil_dora_entity_type_to_string (1u << i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "member_state");
  json_builder_add_string_value (builder, self->member_state);
  json_builder_set_member_name (builder, "relief_withdrawn_at");
  if (self->relief_withdrawn_at != NULL)
    {
      g_autofree char *text = vigil_time_to_iso (self->relief_withdrawn_at);

      json_builder_add_string_value (builder, text);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "holidays");
  json_builder_add_value (builder, vigil_calendar_to_json (self->calendar));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

char *
vigil_dora_profile_to_data (VigilDoraProfile *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (VIGIL_IS_DORA_PROFILE (self), NULL);

  node = vigil_dora_profile_to_json (self);
  return json_to_string (node, FALSE);
}

gboolean
vigil_dora_profile_equal (VigilDoraProfile *a,
                          VigilDoraProfile *b)
{
  g_autofree char *text_a = NULL;
  g_autofree char *text_b = NULL;

  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  text_a = vigil_dora_profile_to_data (a);
  text_b = vigil_dora_profile_to_data (b);
  return g_strcmp0 (text_a, text_b) == 0;
}

guint
vigil_dora_profile_get_types (VigilDoraProfile *self)
{
  g_return_val_if_fail (VIGIL_IS_DORA_PROFILE (self), 0);
  return self->types;
}

const char *
vigil_dora_profile_get_member_state (VigilDoraProfile *self)
{
  g_return_val_if_fail (VIGIL_IS_DORA_PROFILE (self), NULL);
  return self->member_state;
}

GDateTime *
vigil_dora_profile_get_relief_withdrawn_at (VigilDoraProfile *self)
{
  g_return_val_if_fail (VIGIL_IS_DORA_PROFILE (self), NULL);
  return self->relief_withdrawn_at;
}

VigilCalendar *
vigil_dora_profile_get_calendar (VigilDoraProfile *self)
{
  g_return_val_if_fail (VIGIL_IS_DORA_PROFILE (self), NULL);
  return self->calendar;
}

const VigilDoraEntity *
vigil_dora_profile_get_entity (VigilDoraProfile *self)
{
  g_return_val_if_fail (VIGIL_IS_DORA_PROFILE (self), NULL);
  return &self->entity;
}

void
vigil_dora_profile_set_default (VigilDoraProfile *profile)
{
  g_autoptr(VigilDoraProfile) old = NULL;

  g_return_if_fail (profile == NULL || VIGIL_IS_DORA_PROFILE (profile));

  g_mutex_lock (&default_lock);
  old = g_steal_pointer (&default_profile);
  default_profile = profile ? g_object_ref (profile) : NULL;
  g_mutex_unlock (&default_lock);
}

VigilDoraProfile *
vigil_dora_profile_dup_default (void)
{
  VigilDoraProfile *profile;

  g_mutex_lock (&default_lock);
  if (default_profile == NULL)
    default_profile = vigil_dora_profile_new_default ();
  profile = g_object_ref (default_profile);
  g_mutex_unlock (&default_lock);

  return profile;
}

VigilDoraProfile *
vigil_dora_profile_resolve (const VigilDoraEntity **entity,
                            VigilCalendar         **calendar)
{
  VigilDoraProfile *profile;

  g_return_val_if_fail (entity != NULL && calendar != NULL, NULL);

  if (*entity != NULL && *calendar != NULL)
    return NULL;
  profile = vigil_dora_profile_dup_default ();
  if (*entity == NULL)
    *entity = &profile->entity;
  if (*calendar == NULL)
    *calendar = profile->calendar;
  return profile;
}
