/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The portfolio timeline in a real window under Xvfb, on a real store. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include <vigil/vigil.h>

#include "vigil-dashboard.h"
#include "vigil-timeline.h"
#include "vigil-window.h"
#include "vigil-sample.h"
#include "test-gui-util.h"
#include "test-core-util.h"

#define N_SAMPLE 20

typedef struct {
  char           *dir;
  VigilStore     *store;
  VigilWorkspace *workspace;
  VigilWindow    *window;
  VigilTimeline  *view;
} Fixture;

/* Presses @keys until @cond holds, at most three times: for keys whose
 * effect a second press does not change (a zoom is checked as "at least
 * halved"), when a key sent without a window manager is lost. Without X11
 * and xdotool it only waits for @cond. */
#define PRESS_UNTIL(window, keys, cond, what)                                 \
  G_STMT_START {                                                              \
    for (guint _attempt = 0; _attempt < 3 && !(cond); _attempt++)             \
      {                                                                       \
        gint64 _until = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;         \
                                                                              \
        if (!press_keys ((window), (keys)))                                   \
          break;                                                              \
        while (!(cond) && g_get_monotonic_time () < _until)                   \
          test_gui_pause_ms (20);                                             \
      }                                                                       \
    WAIT_UNTIL ((cond), (what));                                              \
  } G_STMT_END

static gboolean press_keys (GtkWidget  *window,
                            const char *keys);

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->store = test_core_open_temp_store ("vigil-timeline-XXXXXX", &f->dir, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (f->window));
      test_gui_drain ();
    }
  g_clear_object (&f->workspace);
  vigil_store_close (f->store);
  g_clear_object (&f->store);
  test_core_remove_tree (f->dir);
  g_free (f->dir);
}

static void
open_timeline (Fixture *f)
{
  gint64 started;

  f->workspace = vigil_workspace_new (f->store, "mia", VIGIL_ROLE_LEAD);
  f->window = VIGIL_WINDOW (vigil_window_new (NULL, f->workspace));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  WAIT_UNTIL (vigil_workspace_get_loaded (f->workspace), "the workspace");
  f->view = VIGIL_TIMELINE (test_gui_find_by_type (GTK_WIDGET (f->window),
                                                   VIGIL_TYPE_TIMELINE));
  g_assert_nonnull (f->view);
  /* Nothing is read while the timeline is not shown. */
  g_assert_false (vigil_timeline_get_loaded (f->view));
  g_assert_false (vigil_timeline_get_loading (f->view));

  started = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-view", "s",
                                             "timeline"));
  g_assert_true (vigil_timeline_get_loading (f->view));
  WAIT_UNTIL (vigil_timeline_get_loaded (f->view) && !vigil_timeline_get_loading (f->view),
              "the timelines");
  g_test_message ("timelines shown %.1f ms after the view was shown",
                  (g_get_monotonic_time () - started) / 1000.0);
  test_gui_wait_painted (GTK_WIDGET (f->view));
}

static void
on_open_incident_cb (VigilWindow    *window,
                     VigilIncident  *incident,
                     VigilIncident **out)
{
  g_set_object (out, incident);
}

/* A real pointer click through the X server (XTEST, by xdotool) at
 * (@x, @y) of @widget. FALSE when it cannot be done here. */
static gboolean
pointer_at (GtkWidget  *widget,
            double      x,
            double      y,
            const char *what)
{
#ifdef GDK_WINDOWING_X11
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = gtk_native_get_surface (native);
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  g_autofree char *command = NULL;
  g_autoptr(GError) error = NULL;
  graphene_point_t point;
  double sx, sy;
  int status;

  if (!GDK_IS_X11_SURFACE (surface) || xdotool == NULL)
    return FALSE;
  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (x, y), &point));
  gtk_native_get_surface_transform (native, &sx, &sy);
  /* Other suites' windows share the display: ours goes on top first. */
  command = g_strdup_printf ("%s windowraise %lu mousemove --window %lu %d %d %s", xdotool,
                             (unsigned long) gdk_x11_surface_get_xid (surface),
                             (unsigned long) gdk_x11_surface_get_xid (surface),
                             (int) (point.x + sx), (int) (point.y + sy), what);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return TRUE;
#else
  return FALSE;
#endif
}

static gboolean
click_at (GtkWidget *widget,
          double     x,
          double     y)
{
  return pointer_at (widget, x, y, "click 1");
}

static void
test_rows (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) opened = NULL;
  double span, x, y;

  g_assert_true (vigil_sample_fill_store (f->store, N_SAMPLE, 7, &error));
  g_assert_no_error (error);
  open_timeline (f);
  g_assert_cmpuint (vigil_timeline_get_n_rows (f->view), ==, N_SAMPLE);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->view)));
  test_gui_shoot (GTK_WINDOW (f->window), "timeline");

  span = vigil_timeline_get_span (f->view);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "timeline.zoom-in", NULL));
  g_assert_cmpfloat (vigil_timeline_get_span (f->view), <, span);
  /* Ctrl and the wheel zoom in too, keeping the time under the pointer. */
  {
    double before = vigil_timeline_get_span (f->view);
    double px = gtk_widget_get_width (GTK_WIDGET (f->view)) * 0.8;
    double t = vigil_timeline_get_time_at (f->view, px);

    if (pointer_at (GTK_WIDGET (f->view), px, 100, "keydown ctrl click 4 keyup ctrl"))
      {
        WAIT_UNTIL (vigil_timeline_get_span (f->view) < before, "the wheel zoom");
        g_assert_cmpfloat (fabs (vigil_timeline_get_time_at (f->view, px) - t), <, 3600 * 24);
        /* The wheel down zooms back out, exactly. */
        g_assert_true (pointer_at (GTK_WIDGET (f->view), px, 100,
                                   "keydown ctrl click 5 keyup ctrl"));
        WAIT_UNTIL (vigil_timeline_get_span (f->view) > before * 0.9, "the wheel zoom back");
        g_assert_cmpfloat_with_epsilon (vigil_timeline_get_span (f->view), before, 1.0);
      }
  }
  /* The zoom-out button (the first one, shown on the timeline) widens it again. */
  {
    GtkWidget *button = test_gui_find_by_type (GTK_WIDGET (f->view), GTK_TYPE_BUTTON);

    g_assert_nonnull (button);
    g_assert_true (gtk_widget_get_mapped (button));
    g_assert_true (gtk_widget_activate (button));
    /* A button clicks once its press is shown. */
    WAIT_UNTIL (vigil_timeline_get_span (f->view) > span * 0.75, "the zoom-out button");
    g_assert_cmpfloat_with_epsilon (vigil_timeline_get_span (f->view), span, 1.0);
  }

  /* A click on the first row opens its incident. */
  g_signal_connect (f->window, "open-incident", G_CALLBACK (on_open_incident_cb), &opened);
  vigil_timeline_get_row_point (f->view, 0, &x, &y);
  if (click_at (GTK_WIDGET (f->view), x, y))
    {
      WAIT_UNTIL (opened != NULL, "the incident opened by a click");
      g_assert_cmpstr (vigil_incident_get_id (opened), ==,
                       vigil_timeline_get_row_id (f->view, 0));
      g_clear_object (&opened);
    }
  else
    g_test_message ("no X11 and xdotool: the click goes to the row directly");
  /* The same path without the X server. */
  vigil_timeline_activate_at (f->view, x, y);
  g_assert_nonnull (opened);
  g_assert_cmpstr (vigil_incident_get_id (opened), ==, vigil_timeline_get_row_id (f->view, 0));
  /* Above the rows (the time axis) nothing opens. */
  g_clear_object (&opened);
  vigil_timeline_activate_at (f->view, x, 2);
  g_assert_null (opened);

  /* By keyboard (the opened incident took it: back to the view), on the
   * first row in view; Enter opens that row, Down chooses the next. */
  gtk_widget_grab_focus (GTK_WIDGET (f->view));
  /* The chart holds the window's focus at once; the window itself may take
   * a moment to become active again after the key. */
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (f->view)));
  PRESS_UNTIL (GTK_WIDGET (f->window), "shift", gtk_widget_has_focus (GTK_WIDGET (f->view)),
               "the window to be active");
  g_assert_cmpint (vigil_timeline_get_selected (f->view), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "timeline.open-selected", NULL));
  g_assert_nonnull (opened);
  g_assert_cmpstr (vigil_incident_get_id (opened), ==, vigil_timeline_get_row_id (f->view, 0));
  g_clear_object (&opened);
  gtk_widget_activate_action (GTK_WIDGET (f->view), "timeline.select", "i", 1);
  gtk_widget_activate_action (GTK_WIDGET (f->view), "timeline.open-selected", NULL);
  g_assert_nonnull (opened);
  g_assert_cmpstr (vigil_incident_get_id (opened), ==, vigil_timeline_get_row_id (f->view, 1));
}

static void
test_refresh (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilOp) op = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_true (vigil_sample_fill_store (f->store, N_SAMPLE, 7, &error));
  open_timeline (f);
  g_assert_cmpuint (vigil_timeline_get_n_rows (f->view), ==, N_SAMPLE);

  node = json_from_string ("{\"title\": \"Phishing wave\", \"type\": \"malware\"}", &error);
  g_assert_no_error (error);
  op = vigil_op_new (VIGIL_OP_INCIDENT_CREATE, NULL, "mia", 0,
                     json_object_ref (json_node_get_object (node)));
  vigil_workspace_apply_async (f->workspace, op, NULL, NULL, NULL);
  WAIT_UNTIL (vigil_timeline_get_n_rows (f->view) == N_SAMPLE + 1 &&
              !vigil_timeline_get_loading (f->view), "the new incident's row");
}

/* An operation at @at on @incident, applied as a lead through the store. */
static VigilIncident *
apply_at (Fixture       *f,
          VigilIncident *incident,
          const char    *kind,
          GDateTime     *at,
          const char    *squoted_payload)
{
  g_autofree char *when = vigil_time_to_iso (at);
  VigilIncident *result = test_core_apply_at (f->store, incident, kind, "lea", VIGIL_ROLE_LEAD,
                                              when, squoted_payload);

  g_clear_object (&incident);
  return result;
}

#define DORA_MAJOR "{'criteria':{'critical_services':{'malicious_access':true}," \
                   "'data_losses':{'intrusion':true}}}"

/* A major incident aware @days_ago (and a quarter of an hour), classified an
 * hour later; @reports: hours after awareness of the initial, intermediate
 * and final report, negative for not submitted. Returns its id. */
static char *
add_major (Fixture     *f,
           const char  *title,
           double       days_ago,
           const double reports[3])
{
  static const char * const kinds[] = { "initial", "intermediate", "final" };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) aware = g_date_time_add_seconds (now, -days_ago * 86400 - 900);
  g_autoptr(GDateTime) classified = g_date_time_add_hours (aware, 1);
  g_autofree char *aware_text = vigil_time_to_iso (aware);
  g_autofree char *create = g_strdup_printf ("{'title':'%s','type':'malware',"
                                             "'detected_at':'%s','aware_at':'%s'}",
                                             title, aware_text, aware_text);
  VigilIncident *incident = NULL;
  char *id;

  incident = apply_at (f, incident, "incident.create", aware, create);
  id = g_strdup (vigil_incident_get_id (incident));
  incident = apply_at (f, incident, "dora.classify", classified, DORA_MAJOR);
  for (guint k = 0; k < 3 && reports[k] >= 0; k++)
    {
      g_autoptr(GDateTime) at = g_date_time_add_seconds (aware, reports[k] * 3600);
      g_autofree char *at_text = vigil_time_to_iso (at);
      g_autofree char *payload = g_strdup_printf ("{'report':'%s','at':'%s',"
                                                  "'authority':'BaFin'}", kinds[k], at_text);

      incident = apply_at (f, incident, "dora.report_submitted", at, payload);
    }
  g_object_unref (incident);
  return id;
}

static guint
find_row (VigilTimeline *view,
          const char    *id)
{
  for (guint i = 0; i < vigil_timeline_get_n_rows (view); i++)
    if (g_str_equal (vigil_timeline_get_row_id (view, i), id))
      return i;
  g_assert_not_reached ();
}

/* Scrolls @row into view by keyboard and returns the tooltip over its bars. */
static char *
tooltip_of_row (Fixture *f,
                guint    row)
{
  double x, y;

  gtk_widget_grab_focus (GTK_WIDGET (f->view));
  gtk_widget_activate_action (GTK_WIDGET (f->view), "timeline.select", "i",
                              (int) row + 1);
  vigil_timeline_get_row_point (f->view, row, &x, &y);
  return vigil_timeline_dup_tooltip_at (f->view, gtk_widget_get_width (GTK_WIDGET (f->view)) - 40,
                                        y);
}

/* Report deadlines show as markers met, pending and missed, and the
 * tooltip names each with its time and state. */
static void
test_deadlines (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pending = NULL, *late = NULL, *missed = NULL;
  g_autofree char *tip = NULL;

  g_assert_true (vigil_sample_fill_store (f->store, 6, 7, &error));
  /* Classified an hour ago: the initial report is due in three hours. */
  pending = add_major (f, "Payments gateway down", 0.04, (const double[]) { -1, -1, -1 });
  /* Initial on time, intermediate late, final still running. */
  late = add_major (f, "Card processing outage", 12,
                    (const double[]) { 2, 80, -1 });
  /* Nothing reported for a month. */
  missed = add_major (f, "Core ledger tampering", 30, (const double[]) { -1, -1, -1 });
  open_timeline (f);
  g_assert_cmpuint (vigil_timeline_get_n_rows (f->view), ==, 9);
  g_assert_cmpuint (vigil_timeline_count_deadlines (f->view, VIGIL_DEADLINE_MET), ==, 1);
  g_assert_cmpuint (vigil_timeline_count_deadlines (f->view, VIGIL_DEADLINE_PENDING), ==, 2);
  g_assert_cmpuint (vigil_timeline_count_deadlines (f->view, VIGIL_DEADLINE_MISSED), ==, 2);

  tip = tooltip_of_row (f, find_row (f->view, pending));
  g_assert_nonnull (strstr (tip, "Payments gateway down"));
  g_assert_nonnull (strstr (tip, "Initial report due "));
  g_assert_nonnull (strstr (tip, ": not submitted yet"));
  g_clear_pointer (&tip, g_free);

  tip = tooltip_of_row (f, find_row (f->view, late));
  g_assert_nonnull (strstr (tip, "Initial report due "));
  g_assert_nonnull (strstr (tip, ": on time (submitted "));
  g_assert_nonnull (strstr (tip, "Intermediate report due "));
  g_assert_nonnull (strstr (tip, ": missed (submitted late, "));
  g_assert_nonnull (strstr (tip, "Final report due "));
  g_clear_pointer (&tip, g_free);

  tip = tooltip_of_row (f, find_row (f->view, missed));
  g_assert_nonnull (strstr (tip, "Initial report due "));
  g_assert_nonnull (strstr (tip, ": missed (not submitted)"));
  g_assert_null (strstr (tip, "Intermediate"));

  /* Zoomed in on the last weeks, where the markers are. */
  {
    double now = g_get_real_time () / (double) G_USEC_PER_SEC;

    vigil_timeline_set_range (f->view, now - 86400 * 33, now + 86400 * 12);
  }
  test_gui_wait_painted (GTK_WIDGET (f->view));
  test_gui_shoot (GTK_WINDOW (f->window), "timeline-deadlines");
}

/* A report due in a few seconds turns from pending to missed on its own,
 * while the view stays shown. */
static void
test_deadline_passes (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  /* Aware almost 24 hours ago and classified just now: the initial report
   * is due at the 24-hour cap, three seconds from now. */
  g_autoptr(GDateTime) aware = g_date_time_add_seconds (now, -86400 + 3);
  g_autoptr(GDateTime) classified = g_date_time_add_seconds (now, -1);
  g_autofree char *aware_text = vigil_time_to_iso (aware);
  g_autofree char *create = g_strdup_printf ("{'title':'Payments down','type':'malware',"
                                             "'detected_at':'%s','aware_at':'%s'}",
                                             aware_text, aware_text);
  VigilIncident *incident = NULL;

  incident = apply_at (f, incident, "incident.create", aware, create);
  incident = apply_at (f, incident, "dora.classify", classified, DORA_MAJOR);
  g_object_unref (incident);
  open_timeline (f);
  g_assert_cmpuint (vigil_timeline_count_deadlines (f->view, VIGIL_DEADLINE_PENDING), ==, 1);
  g_assert_cmpuint (vigil_timeline_count_deadlines (f->view, VIGIL_DEADLINE_MISSED), ==, 0);
  WAIT_UNTIL (vigil_timeline_count_deadlines (f->view, VIGIL_DEADLINE_MISSED) == 1,
              "the deadline to pass");
  g_assert_cmpuint (vigil_timeline_count_deadlines (f->view, VIGIL_DEADLINE_PENDING), ==, 0);
}

/* A real key press through the X server to @window; FALSE when it cannot be
 * done here. */
static gboolean
can_press_keys (GtkWidget *window)
{
#ifdef GDK_WINDOWING_X11
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");

  return GDK_IS_X11_SURFACE (surface) && xdotool != NULL;
#else
  return FALSE;
#endif
}

static gboolean
press_keys (GtkWidget  *window,
            const char *keys)
{
#ifdef GDK_WINDOWING_X11
  gulong xid;
  g_autofree char *command = NULL;
  int status;

  if (!can_press_keys (window))
    return FALSE;
  xid = gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window)));
  command = g_strdup_printf ("xdotool windowraise %lu windowfocus --sync %lu key --window %lu %s",
                             xid, xid, xid, keys);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, NULL));
  return g_spawn_check_wait_status (status, NULL);
#else
  return FALSE;
#endif
}


static void
show_view (Fixture    *f,
           const char *keys,
           const char *name)
{
  AdwViewStack *stack = ADW_VIEW_STACK (test_gui_find_by_type (GTK_WIDGET (f->window),
                                                               ADW_TYPE_VIEW_STACK));

  /* Without a window manager, a key sent while the X server still settles
   * the focus of a new window can be lost; a user would press it again. */
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      gint64 until = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

      if (!press_keys (GTK_WIDGET (f->window), keys))
        {
          gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-view", "s", name);
          break;
        }
      while (g_strcmp0 (adw_view_stack_get_visible_child_name (stack), name) != 0 &&
             g_get_monotonic_time () < until)
        test_gui_pause_ms (20);
      if (g_strcmp0 (adw_view_stack_get_visible_child_name (stack), name) == 0)
        break;
      g_test_message ("%s did not arrive, pressing it again", keys);
    }
  WAIT_UNTIL (g_strcmp0 (adw_view_stack_get_visible_child_name (stack), name) == 0, name);
}

/* Real keys through the X server, as a user types them: Alt+4 shows the
 * timeline, which takes the keyboard at once, so that Down, Up, the zoom
 * keys and Enter act on it without a click first. */
static void
test_keys (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) opened = NULL;
  double span;

  g_assert_true (vigil_sample_fill_store (f->store, N_SAMPLE, 7, &error));
  g_assert_no_error (error);
  f->workspace = vigil_workspace_new (f->store, "mia", VIGIL_ROLE_MANAGER);
  f->window = VIGIL_WINDOW (vigil_window_new (NULL, f->workspace));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  WAIT_UNTIL (vigil_workspace_get_loaded (f->workspace), "the workspace");
  test_gui_wait_painted (GTK_WIDGET (f->window));
  f->view = VIGIL_TIMELINE (test_gui_find_by_type (GTK_WIDGET (f->window), VIGIL_TYPE_TIMELINE));
  if (!can_press_keys (GTK_WIDGET (f->window)))
    {
      g_test_skip ("no X11 and xdotool to type real keys");
      return;
    }
  show_view (f, "alt+4", "timeline");
  WAIT_UNTIL (vigil_timeline_get_loaded (f->view) && !vigil_timeline_get_loading (f->view),
              "the timeline after Alt+4");
  test_gui_wait_painted (GTK_WIDGET (f->view));
  /* The chart holds the window's focus at once; the window itself may take
   * a moment to become active again after the key. */
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (f->view)));
  PRESS_UNTIL (GTK_WIDGET (f->window), "shift", gtk_widget_has_focus (GTK_WIDGET (f->view)),
               "the window to be active");
  g_assert_cmpint (vigil_timeline_get_selected (f->view), ==, 0);

  g_assert_true (press_keys (GTK_WIDGET (f->window), "Down Down"));
  WAIT_UNTIL (vigil_timeline_get_selected (f->view) == 2, "Down twice");
  g_assert_true (press_keys (GTK_WIDGET (f->window), "Up"));
  WAIT_UNTIL (vigil_timeline_get_selected (f->view) == 1, "Up");
  test_gui_shoot (GTK_WINDOW (f->window), "timeline-keys");

  /* Each zoom key halves or doubles the time across (within the limits). */
  span = vigil_timeline_get_span (f->view);
  PRESS_UNTIL (GTK_WIDGET (f->window), "ctrl+plus",
               vigil_timeline_get_span (f->view) < span * 0.75, "Ctrl+plus");
  span = vigil_timeline_get_span (f->view);
  PRESS_UNTIL (GTK_WIDGET (f->window), "ctrl+equal",
               vigil_timeline_get_span (f->view) < span * 0.75, "Ctrl+=");
  span = vigil_timeline_get_span (f->view);
  PRESS_UNTIL (GTK_WIDGET (f->window), "ctrl+minus",
               vigil_timeline_get_span (f->view) > span * 1.5, "Ctrl+minus");

  /* Enter opens the selected row: the zoom keys kept it selected. */
  g_assert_cmpint (vigil_timeline_get_selected (f->view), ==, 1);
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (f->view)));
  PRESS_UNTIL (GTK_WIDGET (f->window), "shift", gtk_widget_has_focus (GTK_WIDGET (f->view)),
               "the window to be active again");
  g_signal_connect (f->window, "open-incident", G_CALLBACK (on_open_incident_cb), &opened);
  PRESS_UNTIL (GTK_WIDGET (f->window), "Return", opened != NULL, "Enter");
  g_assert_cmpstr (vigil_incident_get_id (opened), ==, vigil_timeline_get_row_id (f->view, 1));
}

/* 500 incidents: the board, the dashboard (Alt+3), the timeline (Alt+4) and
 * back, each showing all of them, without a warning (they are fatal here). */
static void
test_switch_views (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VigilDashboard *dashboard;
  VigilFigures *figures;

  g_assert_true (vigil_sample_fill_store (f->store, 500, 11, &error));
  g_assert_no_error (error);
  f->workspace = vigil_workspace_new (f->store, "mia", VIGIL_ROLE_MANAGER);
  f->window = VIGIL_WINDOW (vigil_window_new (NULL, f->workspace));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  WAIT_UNTIL (vigil_workspace_get_loaded (f->workspace), "the workspace");
  test_gui_wait_painted (GTK_WIDGET (f->window));
  dashboard = VIGIL_DASHBOARD (test_gui_find_by_type (GTK_WIDGET (f->window),
                                                      VIGIL_TYPE_DASHBOARD));
  f->view = VIGIL_TIMELINE (test_gui_find_by_type (GTK_WIDGET (f->window), VIGIL_TYPE_TIMELINE));

  for (guint round = 0; round < 2; round++)
    {
      show_view (f, "alt+3", "dashboard");
      WAIT_UNTIL (vigil_dashboard_get_figures (dashboard) != NULL &&
                  !vigil_dashboard_get_computing (dashboard), "the dashboard's figures");
      test_gui_wait_painted (GTK_WIDGET (dashboard));
      figures = vigil_dashboard_get_figures (dashboard);
      g_assert_cmpuint (figures->n_incidents, ==, 500);
      g_assert_cmpuint (figures->timelines->len, ==, 500);

      show_view (f, "alt+4", "timeline");
      WAIT_UNTIL (vigil_timeline_get_loaded (f->view) && !vigil_timeline_get_loading (f->view),
                  "the timeline");
      test_gui_wait_painted (GTK_WIDGET (f->view));
      g_assert_cmpuint (vigil_timeline_get_n_rows (f->view), ==, 500);

      show_view (f, "alt+1", "board");
      test_gui_wait_painted (GTK_WIDGET (f->window));
    }
}

static void
on_exported_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static guint
export (Fixture                   *f,
        VigilTimelineExportFormat  format,
        const char                *path,
        GError                   **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  GtkWidget *progress = test_gui_find_by_type (GTK_WIDGET (f->view), GTK_TYPE_PROGRESS_BAR);
  guint n_pages = 0;

  g_assert_false (gtk_widget_get_visible (progress));
  vigil_timeline_export_async (f->view, format, file, NULL, on_exported_cb, &result);
  /* The drawing runs in a thread; meanwhile the view says so. */
  g_assert_true (gtk_widget_get_visible (progress));
  WAIT_UNTIL (result != NULL, "the export");
  if (!vigil_timeline_export_finish (f->view, result, &n_pages, error))
    n_pages = 0;
  g_assert_false (gtk_widget_get_visible (progress));
  return n_pages;
}

/* The view as an image, and every row as a PDF of A4 pages. */
static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *png = g_build_filename (f->dir, "timeline.png", NULL);
  g_autofree char *pdf = g_build_filename (f->dir, "timeline.pdf", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  guint n_pages;
  const guint n = 2 * VIGIL_TIMELINE_PDF_ROWS_PER_PAGE + 5;

  g_assert_true (vigil_sample_fill_store (f->store, n, 7, &error));
  g_assert_no_error (error);
  add_major (f, "Payments gateway down", 0.04, (const double[]) { -1, -1, -1 });
  open_timeline (f);
  g_assert_cmpuint (vigil_timeline_get_n_rows (f->view), ==, n + 1);

  g_assert_cmpuint (export (f, VIGIL_TIMELINE_EXPORT_PNG, png, &error), ==, 1);
  g_assert_no_error (error);
  test_core_assert_png_size (png, gtk_widget_get_width (GTK_WIDGET (f->view)),
                   gtk_widget_get_height (GTK_WIDGET (f->view)));

  /* 54 rows: three pages. */
  n_pages = export (f, VIGIL_TIMELINE_EXPORT_PDF, pdf, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_pages, ==, 3);
  g_assert_true (g_file_get_contents (pdf, &contents, &length, &error));
  g_assert_cmpmem (contents, 5, "%PDF-", 5);
  g_assert_cmpuint (test_core_count_pdf_pages (contents, length), ==, 3);
  g_assert_nonnull (test_core_find_bytes (contents, contents + length, "%%EOF"));

  /* Nowhere to write: the error says what to do, and the view is ready again. */
  g_assert_cmpuint (export (f, VIGIL_TIMELINE_EXPORT_PDF, "/nonexistent-folder/t.pdf", &error),
                    ==, 0);
  g_assert_error (error, VIGIL_TIMELINE_ERROR, VIGIL_TIMELINE_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, "Choose a folder"));
  g_clear_error (&error);
  g_assert_cmpuint (export (f, VIGIL_TIMELINE_EXPORT_PNG, png, &error), ==, 1);
  g_assert_no_error (error);

  if (g_getenv ("VIGIL_SHOT_DIR") != NULL)
    {
      g_autofree char *shot = g_build_filename (g_getenv ("VIGIL_SHOT_DIR"),
                                                "timeline-export.pdf", NULL);

      export (f, VIGIL_TIMELINE_EXPORT_PDF, shot, &error);
      g_assert_no_error (error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!test_gui_init_display ())
    return 0;

  g_test_add ("/vigil/timeline/rows", Fixture, NULL, fixture_set_up, test_rows,
              fixture_tear_down);
  g_test_add ("/vigil/timeline/deadlines", Fixture, NULL, fixture_set_up, test_deadlines,
              fixture_tear_down);
  g_test_add ("/vigil/timeline/deadline-passes", Fixture, NULL, fixture_set_up,
              test_deadline_passes, fixture_tear_down);
  g_test_add ("/vigil/timeline/keys", Fixture, NULL, fixture_set_up, test_keys,
              fixture_tear_down);
  g_test_add ("/vigil/timeline/switch-views", Fixture, NULL, fixture_set_up, test_switch_views,
              fixture_tear_down);
  g_test_add ("/vigil/timeline/export", Fixture, NULL, fixture_set_up, test_export,
              fixture_tear_down);
  g_test_add ("/vigil/timeline/refresh", Fixture, NULL, fixture_set_up, test_refresh,
              fixture_tear_down);

  return g_test_run ();
}
