/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <vigil/vigil.h>

G_BEGIN_DECLS

#define VIGIL_TYPE_SYNC_BUTTON (vigil_sync_button_get_type ())
G_DECLARE_FINAL_TYPE (VigilSyncButton, vigil_sync_button, VIGIL, SYNC_BUTTON, AdwBin)

/* The header bar's status of the exchange with the server: local mode,
 * online, offline since when, changes waiting, changes to resolve; its
 * popover lists what the server refused. */
void        vigil_sync_button_set_workspace (VigilSyncButton *self,
                                             VigilWorkspace  *workspace);
const char *vigil_sync_button_get_label     (VigilSyncButton *self);

G_END_DECLS
