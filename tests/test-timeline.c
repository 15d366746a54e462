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

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("vigil-timeline-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "vigil.db", NULL);
  f->store = vigil_store_open (path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (f->window));
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
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

  /* By keyboard: Enter opens nothing until Down chose a row, then the second. */
  gtk_widget_grab_focus (GTK_WIDGET (f->view));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "timeline.open-selected", NULL));
  g_assert_null (opened);
  gtk_widget_activate_action (GTK_WIDGET (f->view), "timeline.select", "i", 1);
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      if (g_getenv ("CI") != NULL)
        g_error ("No display in CI: run the GUI tests under xvfb-run -a");
      g_print ("1..0 # SKIP no display (run under xvfb-run -a)\n");
      return 0;
    }
  adw_init ();

  g_test_add ("/vigil/timeline/rows", Fixture, NULL, fixture_set_up, test_rows,
              fixture_tear_down);
  g_test_add ("/vigil/timeline/refresh", Fixture, NULL, fixture_set_up, test_refresh,
              fixture_tear_down);

  return g_test_run ();
}
