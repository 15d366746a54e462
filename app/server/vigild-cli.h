/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes of the vigild command. */
#define VIGILD_EXIT_OK           0
#define VIGILD_EXIT_FAILURE      1
#define VIGILD_EXIT_USAGE        2
#define VIGILD_EXIT_CHAIN_BROKEN 3

/* The store file inside a data directory. */
#define VIGILD_STORE_NAME "vigild.db"

char *vigild_cli_get_store_path (const char *data_dir);

/* Runs "vigild SUBCOMMAND ..." and returns the exit code. */
int   vigild_cli_main           (int         argc,
                                 char      **argv);

G_END_DECLS
