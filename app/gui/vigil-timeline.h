/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <vigil/vigil.h>

G_BEGIN_DECLS

#define VIGIL_TIMELINE_ERROR (vigil_timeline_error_quark ())

typedef enum {
  VIGIL_TIMELINE_ERROR_NOT_READY,
  VIGIL_TIMELINE_ERROR_WRITE,
} VigilTimelineError;

GQuark vigil_timeline_error_quark (void);

/**
 * VigilTimelineExportFormat:
 * @VIGIL_TIMELINE_EXPORT_PNG: an image of the view as it is: the rows in
 *   view over the time in view, at the view's size
 * @VIGIL_TIMELINE_EXPORT_PDF: every row over the time in view, on A4
 *   landscape pages of %VIGIL_TIMELINE_PDF_ROWS_PER_PAGE rows each
 */
typedef enum {
  VIGIL_TIMELINE_EXPORT_PNG,
  VIGIL_TIMELINE_EXPORT_PDF,
} VigilTimelineExportFormat;

#define VIGIL_TIMELINE_PDF_ROWS_PER_PAGE 24

#define VIGIL_TYPE_TIMELINE (vigil_timeline_get_type ())
G_DECLARE_FINAL_TYPE (VigilTimeline, vigil_timeline, VIGIL, TIMELINE, GtkWidget)

GtkWidget  *vigil_timeline_new            (void);
void        vigil_timeline_set_workspace  (VigilTimeline  *self,
                                           VigilWorkspace *workspace);
gboolean    vigil_timeline_get_loaded     (VigilTimeline  *self);
gboolean    vigil_timeline_get_loading    (VigilTimeline  *self);
guint       vigil_timeline_get_n_rows     (VigilTimeline  *self);
int         vigil_timeline_get_selected   (VigilTimeline  *self);
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

/* Draws in a worker thread, with a progress bar on the view meanwhile;
 * one export at a time. */
void        vigil_timeline_export_async   (VigilTimeline             *self,
                                           VigilTimelineExportFormat  format,
                                           GFile                     *file,
                                           GCancellable              *cancellable,
                                           GAsyncReadyCallback        callback,
                                           gpointer                   user_data);
/* @n_pages: (out) (optional): the pages written (1 for an image) */
gboolean    vigil_timeline_export_finish  (VigilTimeline             *self,
                                           GAsyncResult              *result,
                                           guint                     *n_pages,
                                           GError                   **error);

G_END_DECLS
