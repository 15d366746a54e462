/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "vigil-board.h"
#include "vigil-board-column.h"
#include "vigil-window.h"
#include "vigil-sample.h"

/* bench-board [COUNT]: the board with COUNT (default 10,000) sample
 * incidents in a temporary store. Measures a cold start of the window
 * (store open and load, first frame, first frame of the filled board, which
 * may be the board's preview, and the first frame with all incidents) and
 * the search per keystroke over typed queries. Run it under a display:
 *
 *   xvfb-run -a build/tests/bench/bench-board
 */

#define N_STARTS 5

static const char *queries[] = {
  "ransomware", "payments gateway", "INC-2026-04", "carol", "trojan beaconing",
  "phishing swift", "bucket", "leaving employee",
};

typedef struct {
  VigilWindow *window;
  guint        count;
  gboolean     loaded;
  gint64       loaded_at;
  gint64       preview_at;
  gint64       first_frame_at;
  gint64       board_frame_at;
  gint64       board_frame_cpu;
  gboolean     board_frame_preview;   /* the first board frame showed the preview */
  gint64       full_frame_at;         /* first frame with all incidents in the columns */
  gint64       full_frame_cpu;
  gboolean     painted;
} Start;

static gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

/* CPU time of the calling thread: on a machine shared with other work the
 * wall-clock figures move with the load, this one much less. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static double
ms (gint64 us)
{
  return us / 1000.0;
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
  guint index;

  g_array_sort (values, compare_doubles);
  index = (guint) (p * (values->len - 1) + 0.5);
  return g_array_index (values, double, index);
}

static const char *
window_page (VigilWindow *window)
{
  GtkWidget *board = GTK_WIDGET (vigil_window_get_board (window));
  GtkWidget *stack = gtk_widget_get_ancestor (board, GTK_TYPE_STACK);

  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

static GtkWidget *
find_by_id (GtkWidget  *root,
            const char *id)
{
  if (GTK_IS_BUILDABLE (root) &&
      g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)), id) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *hit = find_by_id (child, id);

      if (hit != NULL)
        return hit;
    }
  return NULL;
}

/* The numbers the column headers show add up to all incidents: a board
 * shown with wrong counts would not count as filled. */
static gboolean
board_counts_all (Start *start)
{
  VigilBoard *board = vigil_window_get_board (start->window);
  guint64 total = 0;

  for (guint step = 1; step <= VIGIL_N_STEPS; step++)
    {
      GtkWidget *label = find_by_id (vigil_board_get_column (board, step), "count_label");

      total += g_ascii_strtoull (gtk_label_get_label (GTK_LABEL (label)), NULL, 10);
    }
  return total == start->count;
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   Start         *start)
{
  gint64 t = now_us ();
  gint64 cpu = thread_cpu_us ();
  VigilBoard *board = vigil_window_get_board (start->window);
  gboolean board_shown = g_str_equal (window_page (start->window), "board") &&
                         gtk_widget_get_mapped (GTK_WIDGET (board));

  if (start->first_frame_at == 0)
    start->first_frame_at = t;
  if (start->board_frame_at == 0 && board_shown)
    {
      if (!board_counts_all (start))
        g_error ("The first frame of the board has wrong column counts");
      start->board_frame_at = t;
      start->board_frame_cpu = cpu;
      start->board_frame_preview = vigil_board_get_previewing (board);
    }
  if (start->full_frame_at == 0 && board_shown && start->loaded &&
      !vigil_board_get_previewing (board))
    {
      if (!board_counts_all (start))
        g_error ("The loaded board has wrong column counts");
      start->full_frame_at = t;
      start->full_frame_cpu = cpu;
    }
  start->painted = TRUE;
}

static void
on_loaded_cb (VigilWorkspace *workspace,
              GParamSpec     *pspec,
              Start          *start)
{
  start->loaded = TRUE;
  start->loaded_at = now_us ();
}

static void
on_preview_ready_cb (VigilWorkspace *workspace,
                     Start          *start)
{
  start->preview_at = now_us ();
}

static void
on_map_cb (GtkWidget *widget,
           Start     *start)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), start);
}

static long
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? strtol (line + 6, NULL, 10) : -1;
}

/* Waits for the next frame to be painted; returns when it was. */
static gint64
wait_for_paint (Start *start)
{
  start->painted = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (start->window));
  while (!start->painted)
    g_main_context_iteration (NULL, TRUE);
  return now_us ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db_path = NULL;
  g_autoptr(GArray) opens = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) loads = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) previews = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) firsts = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) boards = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) settled = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) filters = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) board_cpus = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) fulls = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) full_cpus = g_array_new (FALSE, FALSE, sizeof (double));
  guint n_previews = 0;
  g_autoptr(GArray) filter_cpus = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) frame_cpus = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GtkCssProvider) css = NULL;
  guint64 count = 10000;
  guint n_starts = N_STARTS;
  gint64 t0;

  if (argc > 2 || (argc == 2 && !g_ascii_string_to_unsigned (argv[1], 10, 1, 1000000, &count, NULL)))
    {
      g_printerr ("Usage: %s [COUNT]\n", argv[0]);
      return 2;
    }

  if (g_getenv ("VIGIL_BENCH_STARTS") != NULL)
    n_starts = MAX (1, atoi (g_getenv ("VIGIL_BENCH_STARTS")));

  /* The build's compiled schema, and no writes to the user's settings. */
  g_setenv ("GSETTINGS_SCHEMA_DIR", VIGIL_SCHEMA_DIR, FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);

  if (!gtk_init_check ())
    {
      g_printerr ("No display: run it as  xvfb-run -a %s\n", argv[0]);
      return 1;
    }
  adw_init ();
  /* What AdwApplication would load by itself. */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/org/vigil/Vigil/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  dir = g_dir_make_tmp ("vigil-bench-board-XXXXXX", &error);
  g_assert_no_error (error);
  db_path = g_build_filename (dir, "vigil.db", NULL);

  {
    g_autoptr(VigilStore) store = vigil_store_open (db_path, &error);

    g_assert_no_error (error);
    t0 = now_us ();
    vigil_sample_fill_store (store, count, 42, &error);
    g_assert_no_error (error);
    g_print ("Generated %" G_GUINT64_FORMAT " incidents through the core in %.0f ms\n",
             count, ms (now_us () - t0));
    vigil_store_close (store);
  }

  /* Cold starts of the window on the full store (the page cache is warm). */
  for (guint run = 0; run < n_starts; run++)
    {
      g_autoptr(VigilStore) store = NULL;
      g_autoptr(VigilWorkspace) workspace = NULL;
      Start start = { 0 };
      double value;
      gint64 cpu0;

      start.count = count;

      t0 = now_us ();
      cpu0 = thread_cpu_us ();
      store = vigil_store_open (db_path, &error);
      g_assert_no_error (error);
      value = ms (now_us () - t0);
      g_array_append_val (opens, value);

      workspace = vigil_workspace_new (store, "carol", VIGIL_ROLE_ANALYST);
      g_signal_connect (workspace, "notify::loaded", G_CALLBACK (on_loaded_cb), &start);
      g_signal_connect (workspace, "preview-ready", G_CALLBACK (on_preview_ready_cb), &start);
      start.window = g_object_ref_sink (vigil_window_new (NULL, workspace));
      gtk_window_set_default_size (GTK_WINDOW (start.window), 1600, 1000);
      g_signal_connect (start.window, "map", G_CALLBACK (on_map_cb), &start);
      gtk_window_present (GTK_WINDOW (start.window));

      while (start.full_frame_at == 0)
        g_main_context_iteration (NULL, TRUE);

      value = ms (start.loaded_at - t0);
      g_array_append_val (loads, value);
      if (start.preview_at != 0)
        {
          value = ms (start.preview_at - t0);
          g_array_append_val (previews, value);
        }
      value = ms (start.first_frame_at - t0);
      g_array_append_val (firsts, value);
      value = ms (start.board_frame_at - t0);
      g_array_append_val (boards, value);
      value = ms (start.board_frame_cpu - cpu0);
      g_array_append_val (board_cpus, value);
      value = ms (start.full_frame_at - t0);
      g_array_append_val (fulls, value);
      value = ms (start.full_frame_cpu - cpu0);
      g_array_append_val (full_cpus, value);
      n_previews += start.board_frame_preview;

      /* Then the columns in view get all their rows: done once what is
       * pending has run and the next frame is painted. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
      value = ms (wait_for_paint (&start) - t0);
      g_array_append_val (settled, value);

      if (run + 1 < n_starts)
        {
          gtk_window_destroy (GTK_WINDOW (start.window));
          g_clear_object (&start.window);
          vigil_store_close (store);
          continue;
        }

      g_print ("Resident memory with the board shown: %.0f MiB\n", rss_kib () / 1024.0);

      /* Search: each query typed key by key, then erased key by key. Each
       * key runs what the search entry's handler runs. */
      {
        VigilBoard *board = vigil_window_get_board (start.window);
        guint keys = 0;

        vigil_board_start_search (board);
        wait_for_paint (&start);

        for (guint q = 0; q < G_N_ELEMENTS (queries) && g_getenv ("VIGIL_BENCH_NO_SEARCH") == NULL; q++)
          {
            gsize len = strlen (queries[q]);

            for (gsize i = 1; i <= 2 * len; i++)
              {
                gsize n = i <= len ? i : 2 * len - i;
                g_autofree char *text = g_strndup (queries[q], n);
                gint64 start_at = now_us ();
                gint64 start_cpu = thread_cpu_us ();
                gint64 painted_at;

                vigil_board_set_search_text (board, text);
                value = ms (now_us () - start_at);
                g_array_append_val (filters, value);
                value = ms (thread_cpu_us () - start_cpu);
                g_array_append_val (filter_cpus, value);
                painted_at = wait_for_paint (&start);
                value = ms (painted_at - start_at);
                g_array_append_val (frames, value);
                value = ms (thread_cpu_us () - start_cpu);
                g_array_append_val (frame_cpus, value);
                keys++;

                if (i == len)
                  g_print ("  “%s”: %u of %u incidents\n", queries[q],
                           g_list_model_get_n_items (vigil_board_get_filtered_model (board)),
                           (guint) count);
              }
          }
        g_print ("Keystrokes measured: %u\n", keys);
      }

      gtk_window_destroy (GTK_WINDOW (start.window));
      g_clear_object (&start.window);
      vigil_store_close (store);
    }

  g_print ("\n%-44s %9s %9s\n", "", "median", "worst");
  g_print ("%-44s %9.1f %9.1f ms\n", "store open", percentile (opens, 0.5), percentile (opens, 1));
  if (previews->len > 0)
    g_print ("%-44s %9.1f %9.1f ms\n", "store open + preview read (runs in a thread)",
             percentile (previews, 0.5), percentile (previews, 1));
  g_print ("%-44s %9.1f %9.1f ms\n", "store open + load into the model", percentile (loads, 0.5),
           percentile (loads, 1));
  g_print ("%-44s %9.1f %9.1f ms\n", "start to first frame (loading page)",
           percentile (firsts, 0.5), percentile (firsts, 1));
  g_print ("%-44s %9.1f %9.1f ms   budget < 400\n", "start to first frame of the filled board",
           percentile (boards, 0.5), percentile (boards, 1));
  g_print ("%-44s %9.1f %9.1f ms\n", "  main thread CPU time until then",
           percentile (board_cpus, 0.5), percentile (board_cpus, 1));
  g_print ("%-44s %9u of %u\n", "  of which the board's preview", n_previews, n_starts);
  g_print ("%-44s %9.1f %9.1f ms\n", "start to all incidents loaded and shown",
           percentile (fulls, 0.5), percentile (fulls, 1));
  g_print ("%-44s %9.1f %9.1f ms\n", "  main thread CPU time until then",
           percentile (full_cpus, 0.5), percentile (full_cpus, 1));
  g_print ("%-44s %9.1f %9.1f ms\n", "start to the board settled (all rows in view)",
           percentile (settled, 0.5), percentile (settled, 1));
  /* VIGIL_BENCH_NO_SEARCH: no keystrokes, nothing to sum up. */
  if (filters->len > 0)
    {
      g_print ("\n%-44s %9s %9s\n", "", "median", "p95");
      g_print ("%-44s %9.2f %9.2f ms   budget < 16\n", "search per keystroke (filter, columns, counts)",
               percentile (filters, 0.5), percentile (filters, 0.95));
      g_print ("%-44s %9.2f %9.2f ms\n", "  main thread CPU time of it",
               percentile (filter_cpus, 0.5), percentile (filter_cpus, 0.95));
      g_print ("%-44s %9.2f %9.2f ms\n", "keystroke to next painted frame",
               percentile (frames, 0.5), percentile (frames, 0.95));
      g_print ("%-44s %9.2f %9.2f ms\n", "  main thread CPU time of it",
               percentile (frame_cpus, 0.5), percentile (frame_cpus, 0.95));
    }

  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        g_unlink (path);
      }
    g_rmdir (dir);
  }

  return 0;
}
