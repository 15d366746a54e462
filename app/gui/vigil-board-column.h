/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include <vigil/vigil.h>

#include "vigil-incident-card.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_BOARD_COLUMN (vigil_board_column_get_type ())
G_DECLARE_FINAL_TYPE (VigilBoardColumn, vigil_board_column, VIGIL, BOARD_COLUMN, GtkWidget)

GtkWidget         *vigil_board_column_new                 (guint             step);
guint              vigil_board_column_get_step            (VigilBoardColumn *self);
void               vigil_board_column_set_step_incidents (VigilBoardColumn *self,
                                                          GPtrArray        *incidents,
                                                          GHashTable       *touched);
void               vigil_board_column_set_total           (VigilBoardColumn *self,
                                                           int               total);
void               vigil_board_column_set_board_filter    (VigilBoardColumn *self,
                                                           GtkFilter        *filter);
GListModel        *vigil_board_column_get_incidents       (VigilBoardColumn *self);
void               vigil_board_column_set_filtering       (VigilBoardColumn *self,
                                                           gboolean          filtering);
gboolean           vigil_board_column_focus_incident      (VigilBoardColumn *self,
                                                           VigilIncident    *incident);
guint              vigil_board_column_get_n_rows_shown    (VigilBoardColumn *self);
void               vigil_board_column_set_away            (VigilBoardColumn *self,
                                                           gboolean          away);
gboolean           vigil_board_column_get_away            (VigilBoardColumn *self);
void               vigil_board_column_refresh_ages        (VigilBoardColumn *self);
VigilIncidentCard *vigil_board_column_get_card_for_widget (GtkWidget        *widget);

G_END_DECLS
