/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-figures [INCIDENTS] [ROUNDS]: the manager's figures over sample
 * incidents in a real store (every 25th major under DORA): reading the
 * incidents and the whole log, computing timelines and figures, and
 * writing every CSV table. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vigil-sample.h"

static gint
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a;
  double db = *(const double *) b;

  return (da > db) - (da < db);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

int
main (int   argc,
      char *argv[])
{
  guint n_incidents = argc > 1 ? (guint) atoi (argv[1]) : 10000;
  guint rounds = argc > 2 ? (guint) atoi (argv[2]) : 5;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vigil-bench-figures-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GArray) read_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) compute_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) csv_ms = g_array_new (FALSE, FALSE, sizeof (double));
  guint n_entries = 0;
  gsize csv_bytes = 0;
  gint64 start;

  if (dir == NULL)
    g_error ("%s", error->message);
  path = g_build_filename (dir, "vigil.db", NULL);
  store = vigil_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);

  start = g_get_monotonic_time ();
  if (!vigil_sample_fill_store (store, n_incidents, 42, &error) ||
      !vigil_sample_add_dora (store, 25, &error))
    g_error ("%s", error->message);
  g_print ("filled %u incidents in %.0f ms\n", n_incidents, ms_since (start));

  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(GPtrArray) incidents = NULL;
      g_autoptr(GPtrArray) log = NULL;
      g_autoptr(VigilFigures) figures = NULL;
      double ms;

      start = g_get_monotonic_time ();
      incidents = vigil_store_list_incidents (store, &error);
      log = incidents ? vigil_store_list_log (store, NULL, &error) : NULL;
      if (log == NULL)
        g_error ("%s", error->message);
      ms = ms_since (start);
      g_array_append_val (read_ms, ms);
      n_entries = log->len;

      start = g_get_monotonic_time ();
      figures = vigil_figures_compute (incidents, log, now);
      ms = ms_since (start);
      g_array_append_val (compute_ms, ms);

      start = g_get_monotonic_time ();
      csv_bytes = 0;
      for (guint t = 0; t < VIGIL_N_FIGURES_TABLES; t++)
        {
          g_autofree char *csv = vigil_figures_to_csv (figures, t);

          csv_bytes += strlen (csv);
        }
      ms = ms_since (start);
      g_array_append_val (csv_ms, ms);

      g_print ("round %u: %u open of %u; %u DORA majors open, %u report deadlines, "
               "%u overdue\n", round + 1, figures->n_open, figures->n_incidents,
               figures->majors->len, figures->reports->len, figures->n_overdue);
    }

  g_print ("%u incidents, %u log entries, %u rounds (median):\n",
           n_incidents, n_entries, rounds);
  g_print ("  read incidents and log   %8.1f ms\n", median (read_ms));
  g_print ("  timelines and figures    %8.1f ms\n", median (compute_ms));
  g_print ("  CSV, all tables          %8.1f ms (%" G_GSIZE_FORMAT " bytes)\n",
           median (csv_ms), csv_bytes);

  vigil_store_close (store);
  g_clear_object (&store);
  g_unlink (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);

  return 0;
}
