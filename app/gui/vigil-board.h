/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include <vigil/vigil.h>

G_BEGIN_DECLS

#define VIGIL_TYPE_BOARD (vigil_board_get_type ())
G_DECLARE_FINAL_TYPE (VigilBoard, vigil_board, VIGIL, BOARD, GtkWidget)

GtkWidget      *vigil_board_new                 (void);
GListModel     *vigil_board_get_model           (VigilBoard     *self);
void            vigil_board_set_model           (VigilBoard     *self,
                                                 GListModel     *model);
VigilWorkspace *vigil_board_get_workspace       (VigilBoard     *self);
void            vigil_board_set_workspace       (VigilBoard     *self,
                                                 VigilWorkspace *workspace);
guint           vigil_board_get_n_columns       (VigilBoard     *self);
GtkWidget      *vigil_board_get_column          (VigilBoard     *self,
                                                 guint           step);
GListModel     *vigil_board_get_column_model    (VigilBoard     *self,
                                                 guint           step);
GListModel     *vigil_board_get_filtered_model  (VigilBoard     *self);
gboolean        vigil_board_get_compact         (VigilBoard     *self);
void            vigil_board_set_compact         (VigilBoard     *self,
                                                 gboolean        compact);

void            vigil_board_start_search        (VigilBoard     *self);
void            vigil_board_set_search_text     (VigilBoard     *self,
                                                 const char     *text);
void            vigil_board_set_type_filter     (VigilBoard     *self,
                                                 const char     *type);
void            vigil_board_set_severity_filter (VigilBoard     *self,
                                                 const char     *severity);
void            vigil_board_set_mine_filter     (VigilBoard     *self,
                                                 gboolean        mine);
void            vigil_board_set_major_filter    (VigilBoard     *self,
                                                 gboolean        major);
void            vigil_board_set_overdue_filter  (VigilBoard     *self,
                                                 gboolean        overdue);
void            vigil_board_set_phase_filter    (VigilBoard     *self,
                                                 int             phase);
void            vigil_board_clear_filters       (VigilBoard     *self);
gboolean        vigil_board_get_filtering       (VigilBoard     *self);
gboolean        vigil_board_get_previewing      (VigilBoard     *self);

void            vigil_board_move_incident       (VigilBoard     *self,
                                                 VigilIncident  *incident,
                                                 guint           step);

G_END_DECLS
