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
/* Shows the time from @start to @end (Unix seconds) across the bars. */
void        vigil_timeline_set_range      (VigilTimeline  *self,
                                           double          start,
                                           double          end);
void        vigil_timeline_get_row_point  (VigilTimeline  *self,
                                           guint           row,
                                           double         *x,
                                           double         *y);
void        vigil_timeline_activate_at    (VigilTimeline  *self,
                                           double          x,
                                           double          y);
/* The tooltip at (@x, @y): the incident, its phase there and its DORA
 * report deadlines; %NULL outside the rows. */
char       *vigil_timeline_dup_tooltip_at (VigilTimeline  *self,
                                           double          x,
                                           double          y);
/* Microseconds the last snapshot of the view took to draw. */
gint64      vigil_timeline_get_last_draw_time (VigilTimeline *self);
/* How many report deadline markers of @state the rows hold. */
guint       vigil_timeline_count_deadlines (VigilTimeline     *self,
                                            VigilDeadlineState state);

G_END_DECLS
