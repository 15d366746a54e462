/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-calendar"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "vigil-calendar.h"

struct _VigilCalendar
{
  GObject     parent_instance;

  /* state code -> set of Julian day numbers (GUINT_TO_POINTER) */
  GHashTable *holidays;
};

G_DEFINE_TYPE (VigilCalendar, vigil_calendar, G_TYPE_OBJECT)
G_DEFINE_QUARK (vigil-calendar-error-quark, vigil_calendar_error)

/* Helpers */

static gboolean
is_state_code (const char *state)
{
  return state != NULL && g_ascii_isupper (state[0]) && g_ascii_isupper (state[1]) &&
         state[2] == '\0';
}

static guint
julian_of (GDateTime *day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, g_date_time_get_day_of_month (day),
                  g_date_time_get_month (day), g_date_time_get_year (day));
  return g_date_get_julian (&date);
}

static GDateTime *
utc_midnight_of_julian (guint julian)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  return g_date_time_new_utc (g_date_get_year (&date), g_date_get_month (&date),
                              g_date_get_day (&date), 0, 0, 0);
}

static gint
compare_julian (gconstpointer a,
                gconstpointer b)
{
  guint ja = GPOINTER_TO_UINT (*(gpointer *) a);
  guint jb = GPOINTER_TO_UINT (*(gpointer *) b);

  return ja < jb ? -1 : ja > jb;
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static GHashTable *
days_of (VigilCalendar *self,
         const char    *state,
         gboolean       create)
{
  GHashTable *days = g_hash_table_lookup (self->holidays, state);

  if (days == NULL && create)
    {
      days = g_hash_table_new (NULL, NULL);
      g_hash_table_insert (self->holidays, g_strdup (state), days);
    }
  return days;
}

/* Overrides */

static void
vigil_calendar_finalize (GObject *object)
{
  VigilCalendar *self = VIGIL_CALENDAR (object);

  g_clear_pointer (&self->holidays, g_hash_table_unref);

  G_OBJECT_CLASS (vigil_calendar_parent_class)->finalize (object);
}

static void
vigil_calendar_class_init (VigilCalendarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vigil_calendar_finalize;
}

static void
vigil_calendar_init (VigilCalendar *self)
{
  self->holidays = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_hash_table_unref);
}

/* Public API */

VigilCalendar *
vigil_calendar_new (void)
{
  return g_object_new (VIGIL_TYPE_CALENDAR, NULL);
}

gboolean
vigil_calendar_add_holiday (VigilCalendar *self,
                            const char    *state,
                            GDateTime     *day)
{
  g_return_val_if_fail (VIGIL_IS_CALENDAR (self), FALSE);
  g_return_val_if_fail (day != NULL, FALSE);

  if (!is_state_code (state))
    return FALSE;

  g_hash_table_add (days_of (self, state, TRUE), GUINT_TO_POINTER (julian_of (day)));
  return TRUE;
}

void
vigil_calendar_remove_holiday (VigilCalendar *self,
                               const char    *state,
                               GDateTime     *day)
{
  GHashTable *days;

  g_return_if_fail (VIGIL_IS_CALENDAR (self));
  g_return_if_fail (day != NULL);

  if (state == NULL || (days = days_of (self, state, FALSE)) == NULL)
    return;

  g_hash_table_remove (days, GUINT_TO_POINTER (julian_of (day)));
  if (g_hash_table_size (days) == 0)
    g_hash_table_remove (self->holidays, state);
}

void
vigil_calendar_clear_state (VigilCalendar *self,
                            const char    *state)
{
  g_return_if_fail (VIGIL_IS_CALENDAR (self));

  if (state != NULL)
    g_hash_table_remove (self->holidays, state);
}

GPtrArray *
vigil_calendar_dup_holidays (VigilCalendar *self,
                             const char    *state)
{
  g_autoptr(GPtrArray) julians = g_ptr_array_new ();
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) g_date_time_unref);
  GHashTable *days;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (VIGIL_IS_CALENDAR (self), result);

  if (state == NULL || (days = days_of (self, state, FALSE)) == NULL)
    return result;

  g_hash_table_iter_init (&iter, days);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (julians, key);
  g_ptr_array_sort (julians, compare_julian);

  for (guint i = 0; i < julians->len; i++)
    g_ptr_array_add (result, utc_midnight_of_julian (GPOINTER_TO_UINT (julians->pdata[i])));
  return result;
}

GStrv
vigil_calendar_dup_states (VigilCalendar *self)
{
  g_autofree const char **keys = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GStrv states;

  g_return_val_if_fail (VIGIL_IS_CALENDAR (self), NULL);

  keys = (const char **) g_hash_table_get_keys_as_array (self->holidays, NULL);
  g_strv_builder_addv (builder, keys);
  states = g_strv_builder_end (builder);
  qsort (states, g_strv_length (states), sizeof (char *), compare_strings);
  return states;
}

gboolean
vigil_calendar_is_holiday (VigilCalendar *self,
                           const char    *state,
                           GDateTime     *day)
{
  GHashTable *days;

  g_return_val_if_fail (VIGIL_IS_CALENDAR (self), FALSE);
  g_return_val_if_fail (day != NULL, FALSE);

  if (state == NULL || (days = days_of (self, state, FALSE)) == NULL)
    return FALSE;

  return g_hash_table_contains (days, GUINT_TO_POINTER (julian_of (day)));
}

gboolean
vigil_calendar_is_weekend (GDateTime *day)
{
  g_return_val_if_fail (day != NULL, FALSE);

  return g_date_time_get_day_of_week (day) >= 6;
}

gboolean
vigil_calendar_is_working_day (VigilCalendar *self,
                               const char    *state,
                               GDateTime     *day)
{
  return !vigil_calendar_is_weekend (day) && !vigil_calendar_is_holiday (self, state, day);
}

GDateTime *
vigil_calendar_next_working_day (VigilCalendar *self,
                                 const char    *state,
                                 GDateTime     *day)
{
  g_autoptr(GDateTime) current = NULL;

  g_return_val_if_fail (VIGIL_IS_CALENDAR (self), NULL);
  g_return_val_if_fail (day != NULL, NULL);

  current = g_date_time_new (g_date_time_get_timezone (day),
                             g_date_time_get_year (day), g_date_time_get_month (day),
                             g_date_time_get_day_of_month (day), 0, 0, 0);
  /* A year of holidays in a row would be a data error; stop there. */
  for (guint i = 0; i < 366; i++)
    {
      GDateTime *next = g_date_time_add_days (current, 1);

      g_date_time_unref (current);
      current = next;
      if (vigil_calendar_is_working_day (self, state, current))
        return g_steal_pointer (&current);
    }

  g_warning ("No working day within a year in %s; check its bank holidays", state);
  return g_steal_pointer (&current);
}

JsonNode *
vigil_calendar_to_json (VigilCalendar *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_auto(GStrv) states = NULL;

  g_return_val_if_fail (VIGIL_IS_CALENDAR (self), NULL);

  states = vigil_calendar_dup_states (self);
  json_builder_begin_object (builder);
  for (guint i = 0; states[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) days = vigil_calendar_dup_holidays (self, states[i]);

      json_builder_set_member_name (builder, states[i]);
      json_builder_begin_array (builder);
      for (guint j = 0; j < days->len; j++)
        {
          g_autofree char *text = g_date_time_format (days->pdata[j], "%Y-%m-%d");

          json_builder_add_string_value (builder, text);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
parse_date (const char *text,
            guint      *julian)
{
  GDate date;
  guint year, month, day;
  char end;

  if (text == NULL || strlen (text) != 10 ||
      sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &end) != 3 ||
      text[4] != '-' || text[7] != '-' ||
      !g_date_valid_dmy (day, month, year))
    return FALSE;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  *julian = g_date_get_julian (&date);
  return TRUE;
}

gboolean
vigil_calendar_load_json (VigilCalendar  *self,
                          JsonNode       *node,
                          GError        **error)
{
  g_autoptr(GHashTable) parsed = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *object;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (VIGIL_IS_CALENDAR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, VIGIL_CALENDAR_ERROR, VIGIL_CALENDAR_ERROR_PARSE,
                   _("Bank holidays must be a JSON object of member states"));
      return FALSE;
    }

  /* Read everything first, so that a bad document changes nothing. */
  parsed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                  (GDestroyNotify) g_hash_table_unref);
  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *state = l->data;
      JsonNode *member = json_object_get_member (object, state);
      GHashTable *days;
      JsonArray *array;

      if (!is_state_code (state))
        {
          g_set_error (error, VIGIL_CALENDAR_ERROR, VIGIL_CALENDAR_ERROR_INVALID_FIELD,
                       _("“%s” is not a two-letter country code such as “DE”"), state);
          return FALSE;
        }
      if (!JSON_NODE_HOLDS_ARRAY (member))
        {
          g_set_error (error, VIGIL_CALENDAR_ERROR, VIGIL_CALENDAR_ERROR_INVALID_FIELD,
                       _("The bank holidays of “%s” must be a list of dates"), state);
          return FALSE;
        }

      days = g_hash_table_new (NULL, NULL);
      g_hash_table_insert (parsed, g_strdup (state), days);
      array = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          guint julian = 0;

          if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING ||
              !parse_date (json_node_get_string (item), &julian))
            {
              g_set_error (error, VIGIL_CALENDAR_ERROR, VIGIL_CALENDAR_ERROR_INVALID_FIELD,
                           _("Bank holiday %u of “%s” is not a date such as “2026-12-25”"),
                           i + 1, state);
              return FALSE;
            }
          g_hash_table_add (days, GUINT_TO_POINTER (julian));
        }
    }

  g_hash_table_iter_init (&iter, parsed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_hash_table_iter_steal (&iter);
      if (g_hash_table_size (value) == 0)
        {
          g_hash_table_remove (self->holidays, key);
          g_free (key);
          g_hash_table_unref (value);
        }
      else
        g_hash_table_replace (self->holidays, key, value);
    }

  return TRUE;
}
