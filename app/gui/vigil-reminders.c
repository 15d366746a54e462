/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-reminders"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-reminders.h"

/* Desktop notifications before things are due: the next update promised
 * to stakeholders and the DORA report deadlines. What is due and when is
 * the core's (vigil_incident_list_reminders()); this keeps one timeout
 * set to the next reminder and gives each reminder once per run. */

/* However far the next reminder, look again after this long: the clock of
 * the computer may have been changed, or it slept. */
#define LONGEST_WAIT_MS (60 * 60 * 1000)

struct _VigilReminders
{
  GObject         parent_instance;

  GApplication   *application;   /* weak: it owns us */
  VigilWorkspace *workspace;
  GHashTable     *by_incident;   /* incident id -> GPtrArray of VigilReminder */
  GHashTable     *given;         /* keys of the reminders given in this run */
  guint           timeout_id;
  GDateTime      *scheduled;
};

G_DEFINE_FINAL_TYPE (VigilReminders, vigil_reminders, G_TYPE_OBJECT)

static void reschedule (VigilReminders *self);

/* Helpers */

static void
compute_incident (VigilReminders *self,
                  VigilIncident  *incident,
                  GDateTime      *now)
{
  GPtrArray *list = vigil_incident_list_reminders (incident, now);

  if (list->len == 0)
    {
      g_hash_table_remove (self->by_incident, vigil_incident_get_id (incident));
      g_ptr_array_unref (list);
      return;
    }
  g_hash_table_replace (self->by_incident, g_strdup (vigil_incident_get_id (incident)), list);
}

static void
compute_all (VigilReminders *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GListModel *incidents;

  g_hash_table_remove_all (self->by_incident);
  if (self->workspace == NULL)
    return;
  incidents = vigil_workspace_get_incidents (self->workspace);
  for (guint i = 0; i < g_list_model_get_n_items (incidents); i++)
    {
      g_autoptr(VigilIncident) incident = g_list_model_get_item (incidents, i);

      compute_incident (self, incident, now);
    }
}

static int
compare_remind_at (gconstpointer a,
                   gconstpointer b)
{
  const VigilReminder *x = *(VigilReminder * const *) a;
  const VigilReminder *y = *(VigilReminder * const *) b;

  return g_date_time_compare (x->remind_at, y->remind_at);
}

static char *
format_local (GDateTime *when)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (when);

  return g_date_time_format (local, "%H:%M");
}

static GNotification *
make_notification (VigilReminders *self,
                   VigilReminder  *reminder)
{
  VigilIncident *incident = self->workspace
                            ? vigil_workspace_lookup (self->workspace, reminder->incident_id)
                            : NULL;
  const char *reference = incident && vigil_incident_get_reference (incident)
                          ? vigil_incident_get_reference (incident) : _("An incident");
  const char *title_text = incident ? vigil_incident_get_title (incident) : "";
  g_autofree char *at = format_local (reminder->due);
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  GNotification *notification;

  switch (reminder->kind)
    {
    case VIGIL_REMINDER_UPDATE_SOON:
      /* Translators: a reference such as INC-2026-0001, then a time of day */
      title = g_strdup_printf (_("%s: next update due at %s"), reference, at);
      /* Translators: the incident's title, then a time of day */
      body = g_strdup_printf (_("%s. The stakeholders were promised an update by %s."),
                              title_text, at);
      break;
    case VIGIL_REMINDER_UPDATE_DUE:
      title = g_strdup_printf (_("%s: next update due now"), reference);
      body = g_strdup_printf (_("%s. The stakeholders were promised an update by %s."),
                              title_text, at);
      break;
    case VIGIL_REMINDER_REPORT_SOON:
    default:
      {
        const char *report = reminder->report == VIGIL_DORA_REPORT_INITIAL
                             ? _("Initial report")
                             : reminder->report == VIGIL_DORA_REPORT_INTERMEDIATE
                             ? _("Intermediate report") : _("Final report");

        /* Translators: a reference, a DORA report such as "Initial report", a time */
        title = g_strdup_printf (_("%s: %s due at %s"), reference, report, at);
        /* Translators: the incident's title */
        body = g_strdup_printf (_("%s. The DORA reporting limit is in one hour; send the "
                                  "report or a notice of the delay."), title_text);
      }
      break;
    }

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action_and_target (notification, "app.open-incident", "s",
                                                 reminder->incident_id);
  return notification;
}

/* Callbacks */

static gboolean
on_timeout_cb (gpointer data)
{
  VigilReminders *self = data;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  self->timeout_id = 0;
  vigil_reminders_fire (self, now);
  reschedule (self);
  return G_SOURCE_REMOVE;
}

static void
reschedule (VigilReminders *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GPtrArray) pending = vigil_reminders_list_pending (self, now);
  GTimeSpan wait;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_pointer (&self->scheduled, g_date_time_unref);
  if (pending->len == 0)
    return;

  self->scheduled = g_date_time_ref (((VigilReminder *) g_ptr_array_index (pending, 0))->remind_at);
  wait = MAX (0, g_date_time_difference (self->scheduled, now)) / 1000;
  self->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) MIN (wait, LONGEST_WAIT_MS),
                                         on_timeout_cb, self, NULL);
}

static void
on_incidents_changed_cb (GListModel     *model,
                         guint           position,
                         guint           removed,
                         guint           added,
                         VigilReminders *self)
{
  /* An operation reports its one incident; a load or a removal, many. */
  if (removed != added || added > 8)
    compute_all (self);
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      for (guint i = position; i < position + added; i++)
        {
          g_autoptr(VigilIncident) incident = g_list_model_get_item (model, i);

          compute_incident (self, incident, now);
        }
    }
  reschedule (self);
}

/* GObject */

static void
vigil_reminders_dispose (GObject *object)
{
  VigilReminders *self = VIGIL_REMINDERS (object);

  vigil_reminders_set_workspace (self, NULL);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_weak_pointer (&self->application);

  G_OBJECT_CLASS (vigil_reminders_parent_class)->dispose (object);
}

static void
vigil_reminders_finalize (GObject *object)
{
  VigilReminders *self = VIGIL_REMINDERS (object);

  g_clear_pointer (&self->by_incident, g_hash_table_unref);
  g_clear_pointer (&self->given, g_hash_table_unref);
  g_clear_pointer (&self->scheduled, g_date_time_unref);

  G_OBJECT_CLASS (vigil_reminders_parent_class)->finalize (object);
}

static void
vigil_reminders_class_init (VigilRemindersClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vigil_reminders_dispose;
  object_class->finalize = vigil_reminders_finalize;
}

static void
vigil_reminders_init (VigilReminders *self)
{
  self->by_incident = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_ptr_array_unref);
  self->given = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* Public API */

VigilReminders *
vigil_reminders_new (GApplication *application)
{
  VigilReminders *self;

  g_return_val_if_fail (application == NULL || G_IS_APPLICATION (application), NULL);

  self = g_object_new (VIGIL_TYPE_REMINDERS, NULL);
  g_set_weak_pointer (&self->application, application);
  return self;
}

void
vigil_reminders_set_workspace (VigilReminders *self,
                               VigilWorkspace *workspace)
{
  g_return_if_fail (VIGIL_IS_REMINDERS (self));
  g_return_if_fail (workspace == NULL || VIGIL_IS_WORKSPACE (workspace));

  if (self->workspace == workspace)
    return;

  if (self->workspace != NULL)
    g_signal_handlers_disconnect_by_data (vigil_workspace_get_incidents (self->workspace), self);
  g_set_object (&self->workspace, workspace);
  if (workspace != NULL)
    g_signal_connect (vigil_workspace_get_incidents (workspace), "items-changed",
                      G_CALLBACK (on_incidents_changed_cb), self);
  compute_all (self);
  reschedule (self);
}

GPtrArray *
vigil_reminders_list_pending (VigilReminders *self,
                              GDateTime      *now)
{
  GPtrArray *pending = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (VIGIL_IS_REMINDERS (self), pending);
  g_return_val_if_fail (now != NULL, pending);

  g_hash_table_iter_init (&iter, self->by_incident);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *list = value;

      for (guint i = 0; i < list->len; i++)
        {
          VigilReminder *reminder = g_ptr_array_index (list, i);

          /* What it announces has passed while nobody looked: too late. */
          if (g_date_time_compare (reminder->due, now) < 0 ||
              g_hash_table_contains (self->given, reminder->key))
            continue;
          g_ptr_array_add (pending, reminder);
        }
    }
  g_ptr_array_sort (pending, compare_remind_at);
  return pending;
}

guint
vigil_reminders_fire (VigilReminders *self,
                      GDateTime      *now)
{
  g_autoptr(GPtrArray) pending = NULL;
  guint n_given = 0;

  g_return_val_if_fail (VIGIL_IS_REMINDERS (self), 0);
  g_return_val_if_fail (now != NULL, 0);

  pending = vigil_reminders_list_pending (self, now);
  for (guint i = 0; i < pending->len; i++)
    {
      VigilReminder *reminder = g_ptr_array_index (pending, i);
      g_autoptr(GNotification) notification = NULL;
      g_autofree char *id = NULL;

      if (g_date_time_compare (reminder->remind_at, now) > 0)
        break;
      g_hash_table_add (self->given, g_strdup (reminder->key));
      n_given++;
      notification = make_notification (self, reminder);
      /* One notification per incident and subject: a later one replaces it. */
      id = g_strdup_printf ("reminder-%s-%s", reminder->incident_id,
                            reminder->kind == VIGIL_REMINDER_REPORT_SOON ? "report" : "update");
      if (self->application != NULL)
        g_application_send_notification (self->application, id, notification);
    }
  return n_given;
}

GDateTime *
vigil_reminders_get_scheduled (VigilReminders *self)
{
  g_return_val_if_fail (VIGIL_IS_REMINDERS (self), NULL);

  return self->scheduled;
}
