/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>

#include "vigil-sample.h"

/* make-sample [--dora] DB N [SEED]: adds N sample incidents to the store
 * DB, for screenshots, demos and trying the app with a full board; with
 * --dora every 25th of them is also classified major under DORA. */
int
main (int   argc,
      char *argv[])
{
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint64 n, seed = 42;
  gboolean dora = FALSE;

  if (argc > 1 && g_str_equal (argv[1], "--dora"))
    {
      dora = TRUE;
      argv[1] = argv[0];
      argv++;
      argc--;
    }
  if (argc < 3 || !g_ascii_string_to_unsigned (argv[2], 10, 1, 1000000, &n, NULL) ||
      (argc > 3 && !g_ascii_string_to_unsigned (argv[3], 10, 0, G_MAXUINT32, &seed, NULL)))
    {
      g_printerr ("Usage: %s [--dora] DATABASE COUNT [SEED]\n", argv[0]);
      return 2;
    }

  store = vigil_store_open (argv[1], &error);
  if (store == NULL || !vigil_sample_fill_store (store, n, seed, &error) ||
      (dora && !vigil_sample_add_dora (store, 25, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  g_print ("%s now holds %u incidents\n", argv[1], vigil_store_count_incidents (store));
  return 0;
}
