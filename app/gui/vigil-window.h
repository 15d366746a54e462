/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include <vigil/vigil.h>

#include "vigil-board.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_WINDOW (vigil_window_get_type ())
G_DECLARE_FINAL_TYPE (VigilWindow, vigil_window, VIGIL, WINDOW, AdwApplicationWindow)

VigilWindow    *vigil_window_new           (GtkApplication *app,
                                            VigilWorkspace *workspace);
VigilWorkspace *vigil_window_get_workspace (VigilWindow    *self);
void            vigil_window_set_workspace (VigilWindow    *self,
                                            VigilWorkspace *workspace);
VigilBoard     *vigil_window_get_board     (VigilWindow    *self);
void            vigil_window_show_error    (VigilWindow    *self,
                                            const char     *title,
                                            const char     *message);
void            vigil_window_add_toast     (VigilWindow    *self,
                                            AdwToast       *toast);

G_END_DECLS
