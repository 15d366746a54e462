/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <vigil/vigil.h>

G_BEGIN_DECLS

#define VIGIL_TYPE_TIMELINE (vigil_timeline_get_type ())
G_DECLARE_FINAL_TYPE (VigilTimeline, vigil_timeline, VIGIL, TIMELINE, GtkWidget)

GtkWidget  *vigil_timeline_new            (void);
void        vigil_timeline_set_workspace  (VigilTimeline  *self,
                                           VigilWorkspace *workspace);
gboolean    vigil_timeline_get_loaded     (VigilTimeline  *self);
gboolean    vigil_timeline_get_loading    (VigilTimeline  *self);
guint       vigil_timeline_get_n_rows     (VigilTimeline  *self);
const char *vigil_timeline_get_row_id     (VigilTimeline  *self,
                                           guint           row);
double      vigil_timeline_get_span       (VigilTimeline  *self);
double      vigil_timeline_get_time_at    (VigilTimeline  *self,
                                           double          x);
void        vigil_timeline_zoom           (VigilTimeline  *self,
                                           double          factor);
void        vigil_timeline_get_row_point  (VigilTimeline  *self,
                                           guint           row,
                                           double         *x,
                                           double         *y);
void        vigil_timeline_activate_at    (VigilTimeline  *self,
                                           double          x,
                                           double          y);

G_END_DECLS
