/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <time.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "vigil-timeline.h"
#include "vigil-window.h"
#include "vigil-sample.h"
#include "test-gui-util.h"

/* bench-timeline [COUNT]: the Timeline view with COUNT (default 10,000)
 * sample incidents, every 25th of them major under DORA with its report
 * deadlines. Pans by dragging, scrolls through the rows and through time,
 * and zooms from a day across to two years and back, one change per frame,
 * and measures each frame: from the frame clock's layout to the end of its
 * paint (what the main thread spends on the frame), and inside it the
 * timeline's own drawing. Run it under a display:
 *
 *   xvfb-run -a -s "-screen 0 1600x1000x24" build/tests/bench/bench-timeline
 */

typedef struct {
  gint64  frame_start;
  gint64  frame_cpu_start;
  guint   n_painted;
  GArray *frames;      /* ms, from layout to the end of the paint */
  GArray *frame_cpus;  /* ms of main thread CPU time of the same */
  GArray *draws;       /* ms in the timeline's snapshot */
  gboolean recording;
  VigilTimeline *view;
} Bench;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *values,
            double  p)
{
  g_autoptr(GArray) sorted = g_array_copy (values);
  guint index;

  if (sorted->len == 0)
    return 0;
  g_array_sort (sorted, compare_doubles);
  index = MIN (sorted->len - 1, (guint) (p * (sorted->len - 1) + 0.5));
  return g_array_index (sorted, double, index);
}

/* The frame's work starts with its layout, or with the paint when nothing
 * needs a new layout. */
static void
on_layout_cb (GdkFrameClock *clock,
              Bench         *bench)
{
  if (bench->frame_start != 0)
    return;
  bench->frame_start = g_get_monotonic_time ();
  bench->frame_cpu_start = thread_cpu_us ();
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   Bench         *bench)
{
  if (bench->recording && bench->frame_start != 0)
    {
      double frame = (g_get_monotonic_time () - bench->frame_start) / 1000.0;
      double cpu = (thread_cpu_us () - bench->frame_cpu_start) / 1000.0;
      double draw = vigil_timeline_get_last_draw_time (bench->view) / 1000.0;

      g_array_append_val (bench->frames, frame);
      g_array_append_val (bench->frame_cpus, cpu);
      g_array_append_val (bench->draws, draw);
    }
  bench->frame_start = 0;
  bench->n_painted++;
}

/* Waits for the frame that shows the change just made. */
static void
next_frame (Bench *bench)
{
  guint painted = bench->n_painted;

  while (bench->n_painted == painted)
    g_main_context_iteration (NULL, TRUE);
}

static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;
    }
  return NULL;
}

static void
report (const char *what,
        Bench      *bench,
        guint       from)
{
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpus = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) draws = g_array_new (FALSE, FALSE, sizeof (double));

  g_array_append_vals (frames, &g_array_index (bench->frames, double, from),
                       bench->frames->len - from);
  g_array_append_vals (cpus, &g_array_index (bench->frame_cpus, double, from),
                       bench->frame_cpus->len - from);
  g_array_append_vals (draws, &g_array_index (bench->draws, double, from),
                       bench->draws->len - from);
  g_print ("%-28s %4u frames  frame median %5.2f ms  p95 %5.2f  worst %5.2f | "
           "CPU median %5.2f  p95 %5.2f | drawing median %5.2f  p95 %5.2f  worst %5.2f\n",
           what, frames->len, percentile (frames, 0.5), percentile (frames, 0.95),
           percentile (frames, 1), percentile (cpus, 0.5), percentile (cpus, 0.95),
           percentile (draws, 0.5), percentile (draws, 0.95), percentile (draws, 1));
}

typedef struct {
  gint64  last;
  gint64  worst;
} Ticker;

static gboolean
on_tick_cb (gpointer user_data)
{
  Ticker *ticker = user_data;
  gint64 now = g_get_monotonic_time ();

  ticker->worst = MAX (ticker->worst, now - ticker->last);
  ticker->last = now;
  return G_SOURCE_CONTINUE;
}

static void
on_exported_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db_path = NULL;
  g_autoptr(GtkCssProvider) css = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilWorkspace) workspace = NULL;
  VigilWindow *window;
  GtkEventController *drag, *scroll;
  GdkFrameClock *clock;
  Bench bench = { 0 };
  guint64 count = 10000;
  guint from;
  gint64 t0;
  double now;

  if (argc > 2 || (argc == 2 && !g_ascii_string_to_unsigned (argv[1], 10, 1, 1000000, &count, NULL)))
    {
      g_printerr ("Usage: %s [COUNT]\n", argv[0]);
      return 2;
    }

  g_setenv ("GSETTINGS_SCHEMA_DIR", VIGIL_SCHEMA_DIR, FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  if (!gtk_init_check ())
    {
      g_printerr ("No display: run it as  xvfb-run -a %s\n", argv[0]);
      return 1;
    }
  adw_init ();
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/org/vigil/Vigil/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  dir = g_dir_make_tmp ("vigil-bench-timeline-XXXXXX", &error);
  g_assert_no_error (error);
  db_path = g_build_filename (dir, "vigil.db", NULL);
  store = vigil_store_open (db_path, &error);
  g_assert_no_error (error);
  t0 = g_get_monotonic_time ();
  vigil_sample_fill_store (store, count, 42, &error);
  g_assert_no_error (error);
  if (!vigil_sample_add_dora (store, 25, &error))
    g_error ("%s", error->message);
  g_print ("Generated %" G_GUINT64_FORMAT " incidents in %.0f ms\n", count,
           (g_get_monotonic_time () - t0) / 1000.0);

  workspace = vigil_workspace_new (store, "max", VIGIL_ROLE_MANAGER);
  window = VIGIL_WINDOW (vigil_window_new (NULL, workspace));
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_present (GTK_WINDOW (window));
  while (!vigil_workspace_get_loaded (workspace))
    g_main_context_iteration (NULL, TRUE);

  t0 = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "timeline");
  {
    /* The timeline is the one widget of its type in the window. */
    GtkWidget *w = GTK_WIDGET (window);
    GQueue queue = G_QUEUE_INIT;

    g_queue_push_tail (&queue, w);
    bench.view = NULL;
    while (bench.view == NULL && !g_queue_is_empty (&queue))
      {
        w = g_queue_pop_head (&queue);
        if (VIGIL_IS_TIMELINE (w))
          bench.view = VIGIL_TIMELINE (w);
        for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
          g_queue_push_tail (&queue, c);
      }
    g_queue_clear (&queue);
  }
  g_assert_nonnull (bench.view);
  while (!vigil_timeline_get_loaded (bench.view) || vigil_timeline_get_loading (bench.view))
    g_main_context_iteration (NULL, TRUE);
  g_print ("Timeline of %u incidents read in %.0f ms (%u deadline markers)\n",
           vigil_timeline_get_n_rows (bench.view), (g_get_monotonic_time () - t0) / 1000.0,
           vigil_timeline_count_deadlines (bench.view, VIGIL_DEADLINE_MET) +
           vigil_timeline_count_deadlines (bench.view, VIGIL_DEADLINE_PENDING) +
           vigil_timeline_count_deadlines (bench.view, VIGIL_DEADLINE_MISSED));

  bench.frames = g_array_new (FALSE, FALSE, sizeof (double));
  bench.frame_cpus = g_array_new (FALSE, FALSE, sizeof (double));
  bench.draws = g_array_new (FALSE, FALSE, sizeof (double));
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench.view));
  g_signal_connect (clock, "layout", G_CALLBACK (on_layout_cb), &bench);
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_layout_cb), &bench);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), &bench);
  gtk_widget_queue_draw (GTK_WIDGET (bench.view));
  next_frame (&bench);
  g_print ("Window %dx%d, timeline %dx%d\n",
           gtk_widget_get_width (GTK_WIDGET (window)), gtk_widget_get_height (GTK_WIDGET (window)),
           gtk_widget_get_width (GTK_WIDGET (bench.view)),
           gtk_widget_get_height (GTK_WIDGET (bench.view)));
  bench.recording = TRUE;

  drag = find_controller (GTK_WIDGET (bench.view), GTK_TYPE_GESTURE_DRAG);
  scroll = find_controller (GTK_WIDGET (bench.view), GTK_TYPE_EVENT_CONTROLLER_SCROLL);
  g_assert_nonnull (drag);
  g_assert_nonnull (scroll);

  /* The whole last year in view, then dragging through time and rows. */
  now = g_get_real_time () / (double) G_USEC_PER_SEC;
  vigil_timeline_set_range (bench.view, now - 86400 * 400, now + 86400 * 10);
  next_frame (&bench);
  from = bench.frames->len;
  g_signal_emit_by_name (drag, "drag-begin", 600.0, 400.0);
  for (guint i = 1; i <= 200; i++)
    {
      g_signal_emit_by_name (drag, "drag-update", 3.0 * i, -25.0 * i);
      next_frame (&bench);
    }
  g_signal_emit_by_name (drag, "drag-end", 600.0, -5000.0);
  report ("drag (one year across)", &bench, from);

  /* The wheel: down through the rows, then through time. */
  from = bench.frames->len;
  for (guint i = 0; i < 200; i++)
    {
      gboolean handled;

      g_signal_emit_by_name (scroll, "scroll", i < 100 ? 0.0 : (i % 2 ? 1.0 : -1.0),
                             i < 100 ? 1.0 : 0.0, &handled);
      next_frame (&bench);
    }
  report ("scroll (rows, then time)", &bench, from);

  /* Zoom in to a day across, then out to two years. */
  from = bench.frames->len;
  vigil_timeline_set_range (bench.view, now - 86400 * 365, now + 86400 * 10);
  next_frame (&bench);
  for (guint i = 0; i < 50; i++)
    {
      vigil_timeline_zoom (bench.view, 0.85);
      next_frame (&bench);
    }
  for (guint i = 0; i < 60; i++)
    {
      vigil_timeline_zoom (bench.view, 1.2);
      next_frame (&bench);
    }
  report ("zoom (a day to two years)", &bench, from);
  report ("all frames", &bench, 0);

  /* The PDF of every row, drawn in a worker thread: how long, and the
   * longest wait of a 10 ms timer on the main loop meanwhile. */
  {
    g_autofree char *pdf = g_build_filename (dir, "timeline.pdf", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (pdf);
    g_autoptr(GAsyncResult) result = NULL;
    Ticker ticker = { g_get_monotonic_time (), 0 };
    guint tick, n_pages = 0;
    GStatBuf st;

    t0 = g_get_monotonic_time ();
    tick = g_timeout_add (10, on_tick_cb, &ticker);
    vigil_timeline_export_async (bench.view, VIGIL_TIMELINE_EXPORT_PDF, file, NULL,
                                 on_exported_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_source_remove (tick);
    g_assert_true (vigil_timeline_export_finish (bench.view, result, &n_pages, &error));
    g_assert_no_error (error);
    g_stat (pdf, &st);
    g_print ("PDF of all rows: %u pages, %.1f MB in %.0f ms; the main loop waited at most %.0f ms\n",
             n_pages, st.st_size / 1e6, (g_get_monotonic_time () - t0) / 1000.0,
             ticker.worst / 1000.0);
    g_unlink (pdf);
  }

  /* With VIGIL_SHOT_DIR set: the last year, then the last ten days at the
   * newest incidents, light and dark. */
  bench.recording = FALSE;
  vigil_timeline_set_range (bench.view, now - 86400 * 380, now + 86400 * 15);
  gtk_widget_activate_action (GTK_WIDGET (bench.view), "timeline.select", "i", -(int) count);
  test_gui_shoot (GTK_WINDOW (window), "timeline-10k-year");
  vigil_timeline_set_range (bench.view, now - 86400 * 9, now + 86400);
  gtk_widget_activate_action (GTK_WIDGET (bench.view), "timeline.select", "i", (int) count);
  test_gui_shoot (GTK_WINDOW (window), "timeline-10k-days");

  bench.recording = FALSE;
  g_signal_handlers_disconnect_by_data (clock, &bench);
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  vigil_store_close (store);
  g_array_unref (bench.frames);
  g_array_unref (bench.frame_cpus);
  g_array_unref (bench.draws);
  {
    g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
    g_unlink (db_path);
    g_rmdir (dir);
  }
  return 0;
}
