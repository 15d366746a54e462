/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VIGIL_TYPE_BOARD (vigil_board_get_type ())
G_DECLARE_FINAL_TYPE (VigilBoard, vigil_board, VIGIL, BOARD, GtkWidget)

GtkWidget  *vigil_board_new              (void);
GListModel *vigil_board_get_model        (VigilBoard *self);
void        vigil_board_set_model        (VigilBoard *self,
                                          GListModel *model);
guint       vigil_board_get_n_columns    (VigilBoard *self);
GtkWidget  *vigil_board_get_column       (VigilBoard *self,
                                          guint       step);
GListModel *vigil_board_get_column_model (VigilBoard *self,
                                          guint       step);

G_END_DECLS
