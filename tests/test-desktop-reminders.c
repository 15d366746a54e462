/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The desktop's reminders, owned by the application, on a real store: what
 * is scheduled, given once, recomputed when an incident changes, and the
 * action a click on a reminder runs. */

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include <vigil/vigil.h>

#include "vigil-application.h"
#include "vigil-reminders.h"
#include "vigil-window.h"
#include "test-gui-util.h"
#include "test-core-util.h"

typedef struct {
  char             *dir;
  VigilApplication *app;
  char             *incident_id;
  GDateTime        *promised;
} Fixture;

/* A notification server on the test's session bus, as the desktop runs
 * one: it records what it is asked to show and can click on it. */

typedef struct {
  guint32  id;
  char    *summary;
  char    *body;
} Shown;

static GPtrArray *shown;          /* Shown */
static GDBusConnection *bus;
static guint next_id = 1;

static void
shown_free (Shown *entry)
{
  g_free (entry->summary);
  g_free (entry->body);
  g_free (entry);
}

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "      <arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "    <method name='GetServerInformation'>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "    </method>"
  "    <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  "    <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  "  </interface>"
  "</node>";

static void
on_notifications_call_cb (GDBusConnection       *connection,
                          const char            *sender,
                          const char            *path,
                          const char            *interface,
                          const char            *method,
                          GVariant              *parameters,
                          GDBusMethodInvocation *invocation,
                          gpointer               user_data)
{
  if (g_str_equal (method, "Notify"))
    {
      Shown *entry = g_new0 (Shown, 1);
      guint32 replaces;

      g_variant_get (parameters, "(&su&s&s&s@as@a{sv}i)", NULL, &replaces, NULL,
                     NULL, NULL, NULL, NULL, NULL);
      g_variant_get_child (parameters, 3, "s", &entry->summary);
      g_variant_get_child (parameters, 4, "s", &entry->body);
      entry->id = replaces != 0 ? replaces : next_id++;
      g_ptr_array_add (shown, entry);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", entry->id));
    }
  else if (g_str_equal (method, "GetCapabilities"))
    {
      const char *caps[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else if (g_str_equal (method, "GetServerInformation"))
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(ssss)", "test", "vigil", "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
start_notification_server (void)
{
  static const GDBusInterfaceVTable vtable = { on_notifications_call_cb, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  shown = g_ptr_array_new_with_free_func ((GDestroyNotify) shown_free);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications",
                                     info->interfaces[0], &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.Notifications",
                                                      4 /* DO_NOT_QUEUE */),
                                       G_VARIANT_TYPE ("(u)"), 0, -1, NULL, &error);
  g_assert_no_error (error);
}

/* The user clicks on a notification shown. */
static void
click (Shown *entry)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (bus, NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "ActionInvoked",
                                 g_variant_new ("(us)", entry->id, "default"), &error);
  g_assert_no_error (error);
}

/* helpers */

static char *
iso_from_now (GTimeSpan offset)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) when = g_date_time_add (now, offset);

  return vigil_time_to_iso (when);
}

static VigilIncident *
apply (VigilStore    *store,
       VigilIncident *incident,
       const char    *kind,
       const char    *actor,
       VigilRole      role,
       const char    *payload)
{
  return test_core_apply (store, incident, kind, actor, role, payload);
}

static void
step (VigilStore     *store,
      VigilIncident **incident,
      const char     *kind,
      const char     *actor,
      VigilRole       role,
      const char     *payload)
{
  VigilIncident *next = apply (store, *incident, kind, actor, role, payload);

  g_set_object (incident, next);
  g_object_unref (next);
}

/* An approved incident classified major half an hour ago, with a
 * notification sent ten minutes ago that promised an update in two hours:
 * made in the store before the app opens it. */
static void
prepare_store (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->dir, "vigil.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = vigil_store_open (path, &error);
  g_autoptr(VigilIncident) incident = NULL;
  g_autofree char *aware = iso_from_now (-G_TIME_SPAN_HOUR);
  g_autofree char *sent = iso_from_now (-10 * G_TIME_SPAN_MINUTE);
  g_autofree char *next = iso_from_now (2 * G_TIME_SPAN_HOUR);
  g_autofree char *payload = NULL;

  g_assert_no_error (error);
  payload = g_strdup_printf ("{'title':'Card payments down','type':'ddos','aware_at':'%s',"
                             "'severity':'high'}", aware);
  incident = apply (store, NULL, "incident.create", "ana", VIGIL_ROLE_ANALYST, payload);
  step (store, &incident, "form.update", "ana", VIGIL_ROLE_ANALYST,
        "{'form':'findings','fields':{'summary':'Flood of requests'}}");
  step (store, &incident, "form.update", "ana", VIGIL_ROLE_ANALYST,
        "{'form':'escalate','fields':{'escalate':false}}");
  step (store, &incident, "approval.submit", "ana", VIGIL_ROLE_ANALYST, "{}");
  step (store, &incident, "approval.decide", "lea", VIGIL_ROLE_LEAD, "{'decision':'approve'}");
  step (store, &incident, "dora.classify", "ana", VIGIL_ROLE_ANALYST,
        "{'criteria':{'critical_services':{'malicious_access':true},"
        "'data_losses':{'intrusion':true}}}");
  g_free (payload);
  payload = g_strdup_printf ("{'form':'notify','collection':'notifications','item':{'id':'n1',"
                             "'audience':'staff','subject':'Update 1','channel':'email',"
                             "'sent_at':'%s','sent':true,'next_update':'%s'}}", sent, next);
  step (store, &incident, "item.add", "ana", VIGIL_ROLE_ANALYST, payload);

  f->incident_id = g_strdup (vigil_incident_get_id (incident));
  f->promised = vigil_time_from_iso (next);
  vigil_store_close (store);
}

static VigilWorkspace *
workspace (Fixture *f)
{
  return vigil_application_get_workspace (f->app);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  static guint counter;
  g_autofree char *id = g_strdup_printf ("org.vigil.Vigil.ReminderTest%u", ++counter);

  f->dir = g_dir_make_tmp ("vigil-reminders-XXXXXX", &error);
  g_assert_no_error (error);
  prepare_store (f);

  f->app = vigil_application_new ();
  vigil_application_set_data_dir (f->app, f->dir);
  g_application_set_application_id (G_APPLICATION (f->app), id);
  g_application_set_flags (G_APPLICATION (f->app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (f->app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (f->app));
  WAIT_UNTIL (workspace (f) != NULL && vigil_workspace_get_loaded (workspace (f)),
              "the local store");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (f->app));

  if (window != NULL)
    gtk_window_destroy (window);
  g_signal_emit_by_name (f->app, "shutdown");
  test_core_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->incident_id);
  g_date_time_unref (f->promised);
}

static const char *
kinds_of (GPtrArray *reminders,
          GString   *out)
{
  static const char *names[] = { "soon", "due", "report" };

  g_string_truncate (out, 0);
  for (guint i = 0; i < reminders->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? " " : "",
                            names[((VigilReminder *) g_ptr_array_index (reminders, i))->kind]);
  return out->str;
}

/* tests */

static void
test_schedule (Fixture       *f,
               gconstpointer  data)
{
  VigilReminders *reminders = vigil_application_get_reminders (f->app);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) before_update = g_date_time_add (f->promised, -10 * G_TIME_SPAN_MINUTE);
  g_autoptr(GString) kinds = g_string_new (NULL);
  g_autoptr(GPtrArray) pending = NULL;
  VigilReminder *first;

  g_assert_nonnull (reminders);

  /* The update 15 minutes before and when due; the initial DORA report an
   * hour before its limit, four hours after the classification. */
  pending = vigil_reminders_list_pending (reminders, now);
  g_assert_cmpstr (kinds_of (pending, kinds), ==, "soon due report");
  first = g_ptr_array_index (pending, 0);
  g_assert_cmpstr (first->incident_id, ==, f->incident_id);
  g_assert_cmpint (g_date_time_difference (f->promised, first->remind_at), ==,
                   15 * G_TIME_SPAN_MINUTE);
  {
    VigilReminder *report = g_ptr_array_index (pending, 2);

    g_assert_cmpint (report->report, ==, VIGIL_DORA_REPORT_INITIAL);
    g_assert_cmpint (g_date_time_difference (report->due, report->remind_at), ==,
                     G_TIME_SPAN_HOUR);
  }

  /* One timeout, set to the first of them. */
  g_assert_nonnull (vigil_reminders_get_scheduled (reminders));
  g_assert_true (g_date_time_equal (vigil_reminders_get_scheduled (reminders),
                                    first->remind_at));
  g_clear_pointer (&pending, g_ptr_array_unref);

  /* Nothing is due yet; ten minutes before the update, its first reminder
   * is, and only once in a run. */
  g_assert_cmpuint (vigil_reminders_fire (reminders, now), ==, 0);
  g_assert_cmpuint (vigil_reminders_fire (reminders, before_update), ==, 1);
  g_assert_cmpuint (vigil_reminders_fire (reminders, before_update), ==, 0);
  /* The desktop shows it. */
  WAIT_UNTIL (shown->len == 1, "the reminder on the desktop");
  g_assert_nonnull (strstr (((Shown *) g_ptr_array_index (shown, 0))->summary,
                            "next update due at"));
  g_assert_nonnull (strstr (((Shown *) g_ptr_array_index (shown, 0))->body,
                            "Card payments down"));
  pending = vigil_reminders_list_pending (reminders, before_update);
  g_assert_cmpstr (kinds_of (pending, kinds), ==, "due report");
  g_clear_pointer (&pending, g_ptr_array_unref);
  g_assert_cmpuint (vigil_reminders_fire (reminders, f->promised), ==, 1);
  g_assert_cmpuint (vigil_reminders_fire (reminders, f->promised), ==, 0);

  /* A new promise made in the app: recomputed at once, and scheduled. */
  {
    g_autofree char *sent = iso_from_now (-G_TIME_SPAN_MINUTE);
    g_autofree char *next = iso_from_now (30 * G_TIME_SPAN_MINUTE);
    JsonObject *payload = json_object_new ();
    JsonObject *item = json_object_new ();
    g_autoptr(VigilOp) op = NULL;
    g_autoptr(GDateTime) expected = NULL;
    gboolean done = FALSE;

    json_object_set_string_member (item, "id", "n2");
    json_object_set_string_member (item, "audience", "staff");
    json_object_set_string_member (item, "subject", "Update 2");
    json_object_set_string_member (item, "channel", "email");
    json_object_set_string_member (item, "sent_at", sent);
    json_object_set_boolean_member (item, "sent", TRUE);
    json_object_set_string_member (item, "next_update", next);
    json_object_set_string_member (payload, "form", "notify");
    json_object_set_string_member (payload, "collection", "notifications");
    json_object_set_object_member (payload, "item", item);
    op = vigil_op_new (VIGIL_OP_ITEM_ADD, f->incident_id,
                       vigil_workspace_get_actor (workspace (f)),
                       vigil_incident_get_revision (vigil_workspace_lookup (workspace (f),
                                                                            f->incident_id)),
                       payload);
    vigil_workspace_apply_async (workspace (f), op, NULL, NULL, NULL);
    expected = vigil_time_from_iso (next);
    while (!done)
      {
        GDateTime *scheduled = vigil_reminders_get_scheduled (reminders);
        g_autoptr(GDateTime) soon = g_date_time_add (expected, -15 * G_TIME_SPAN_MINUTE);

        done = scheduled != NULL && g_date_time_equal (scheduled, soon);
        if (!done)
          g_main_context_iteration (NULL, TRUE);
      }
  }

  /* Clicking a reminder opens its incident (app.open-incident). */
  {
    GtkWidget *window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (f->app)));
    GtkWidget *stack = test_gui_find_by_id (window, "main_stack");

    g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), !=, "incident");
    click (g_ptr_array_index (shown, 0));
    WAIT_UNTIL (g_str_equal (gtk_stack_get_visible_child_name (GTK_STACK (stack)), "incident"),
                "the incident to open");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("vigil-reminders-home-XXXXXX", NULL);
  int status;

  /* Sessions and templates of the user stay out of the way. */
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);
  if (!test_gui_init_display ())
    return 0;
  start_notification_server ();

  g_test_add ("/vigil/desktop-reminders/schedule", Fixture, NULL, fixture_set_up,
              test_schedule, fixture_tear_down);

  status = g_test_run ();
  g_ptr_array_unref (shown);
  g_object_unref (bus);
  test_core_remove_tree (home);
  return status;
}
