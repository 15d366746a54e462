/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "vigild-cli.h"

int
main (int    argc,
      char **argv)
{
  return vigild_cli_main (argc, argv);
}
