/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-reminders"

#include "config.h"

#include "vigil-forms.h"
#include "vigil-reminders.h"

void
vigil_reminder_free (VigilReminder *reminder)
{
  if (reminder == NULL)
    return;

  g_free (reminder->key);
  g_free (reminder->incident_id);
  g_clear_pointer (&reminder->remind_at, g_date_time_unref);
  g_clear_pointer (&reminder->due, g_date_time_unref);
  g_free (reminder);
}

static gboolean
is_sent (JsonObject *item)
{
  JsonNode *sent = json_object_get_member (item, "sent");

  return sent != NULL && !JSON_NODE_HOLDS_NULL (sent);
}

JsonObject *
vigil_incident_get_promised_update (VigilIncident *incident)
{
  JsonArray *items;
  JsonObject *found = NULL;
  g_autoptr(GDateTime) latest = NULL;

  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), NULL);

  items = vigil_incident_get_items (incident, "notify", "notifications");
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *next = json_object_get_string_member_with_default (item, "next_update", NULL);
      const char *sent_at = json_object_get_string_member_with_default (item, "sent_at", NULL);
      g_autoptr(GDateTime) when = NULL;

      if (!is_sent (item) || next == NULL)
        continue;
      when = sent_at ? vigil_time_from_iso (sent_at) : NULL;
      if (found == NULL || when == NULL || latest == NULL ||
          g_date_time_compare (when, latest) >= 0)
        {
          found = item;
          g_clear_pointer (&latest, g_date_time_unref);
          latest = g_steal_pointer (&when);
        }
    }
  return found;
}

static void
add_reminder (GPtrArray         *list,
              VigilIncident     *incident,
              VigilReminderKind  kind,
              VigilDoraReportKind report,
              GDateTime         *remind_at,
              GDateTime         *due)
{
  VigilReminder *reminder = g_new0 (VigilReminder, 1);
  g_autofree char *due_text = vigil_time_to_iso (due);

  reminder->incident_id = g_strdup (vigil_incident_get_id (incident));
  reminder->kind = kind;
  reminder->report = report;
  reminder->remind_at = g_date_time_to_utc (remind_at);
  reminder->due = g_date_time_to_utc (due);
  reminder->key = g_strdup_printf ("%s/%d/%d/%s", reminder->incident_id, kind,
                                   kind == VIGIL_REMINDER_REPORT_SOON ? (int) report : -1,
                                   due_text);
  g_ptr_array_add (list, reminder);
}

static int
compare_reminders (gconstpointer a,
                   gconstpointer b)
{
  const VigilReminder *x = *(VigilReminder * const *) a;
  const VigilReminder *y = *(VigilReminder * const *) b;
  int order = g_date_time_compare (x->remind_at, y->remind_at);

  return order != 0 ? order : g_strcmp0 (x->key, y->key);
}

GPtrArray *
vigil_incident_list_reminders (VigilIncident *incident,
                               GDateTime     *now)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_reminder_free);
  g_autoptr(GPtrArray) deadlines = NULL;
  JsonObject *promise;

  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), list);
  g_return_val_if_fail (now != NULL, list);

  if (vigil_incident_is_archived (incident))
    return list;

  promise = vigil_incident_get_promised_update (incident);
  if (promise != NULL)
    {
      g_autoptr(GDateTime) due =
        vigil_time_from_iso (json_object_get_string_member (promise, "next_update"));

      if (due != NULL && g_date_time_compare (due, now) >= 0)
        {
          g_autoptr(GDateTime) soon = g_date_time_add (due, -VIGIL_REMINDER_UPDATE_AHEAD);

          if (g_date_time_compare (due, now) > 0)
            add_reminder (list, incident, VIGIL_REMINDER_UPDATE_SOON, 0, soon, due);
          add_reminder (list, incident, VIGIL_REMINDER_UPDATE_DUE, 0, due, due);
        }
    }

  deadlines = vigil_incident_compute_dora_deadlines (incident, NULL, NULL);
  for (guint i = 0; deadlines != NULL && i < deadlines->len; i++)
    {
      VigilDoraDeadline *deadline = g_ptr_array_index (deadlines, i);
      g_autoptr(GDateTime) soon = NULL;

      /* Not classified major: the 24-hour cap is a reminder in the incident,
       * not a deadline that runs. */
      if (deadline->pending || g_date_time_compare (deadline->relieved_due, now) <= 0)
        continue;
      soon = g_date_time_add (deadline->relieved_due, -VIGIL_REMINDER_REPORT_AHEAD);
      add_reminder (list, incident, VIGIL_REMINDER_REPORT_SOON, deadline->kind, soon,
                    deadline->relieved_due);
    }

  g_ptr_array_sort (list, compare_reminders);
  return list;
}
