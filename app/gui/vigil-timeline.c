/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A portfolio timeline: one row per incident, its phases as coloured bars
 * over time, its events as small markers and a line for now. The logs are
 * read in a worker thread; only the rows in view are drawn. */
#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "vigil-timeline.h"
#include "vigil-refresh.h"

#define ROW_HEIGHT 28
#define HEADER_HEIGHT 24
#define FOOTER_HEIGHT 52
#define LABEL_WIDTH 260
#define REFRESH_DELAY_MS 300
#define MIN_SPAN (3600.0 * 2)             /* two hours across the widget */
#define MAX_SPAN (3600.0 * 24 * 365 * 2)  /* two years */
#define PDF_PAGE_WIDTH 1123               /* A4 landscape at 96 pixels per inch */
#define PDF_PAGE_HEIGHT 794
#define PDF_TITLE_HEIGHT 36

typedef struct {
  VigilPhase phase;
  gint64     start;
  gint64     end;        /* 0 while still open */
} Bar;

typedef struct {
  VigilTimelineMarkerKind kind;
  gint64                  at;
} Mark;

typedef struct {
  VigilDoraReportKind kind;
  VigilDeadlineState  state;
  gint64              at;         /* the limit */
  gint64              submitted;  /* 0 while not submitted */
} Due;

typedef struct {
  char   *id;
  char   *label;
  GArray *bars;
  GArray *marks;
  GArray *deadlines;
} Row;

struct _VigilTimeline
{
  GtkWidget       parent_instance;

  VigilWorkspace *workspace;
  GListModel     *incidents;
  GCancellable   *cancellable;
  VigilRefresh    refresh;
  guint           deadline_id;  /* fires when the next pending limit passes */
  gboolean        loading;
  gboolean        loaded;

  GPtrArray      *rows;
  GtkWidget      *zoom_box;
  double          start;      /* time at the left of the bar area */
  double          span;       /* seconds across the bar area */
  double          scroll_y;   /* pixels scrolled down */
  int             selected;   /* the row chosen by keyboard, or -1 */
  double          pointer_x;  /* where the pointer is, or -1 */

  double          drag_start;
  double          drag_scroll_y;
  gint64          last_draw_us;

  GtkWidget      *progress;
  GCancellable   *export_cancellable;
  guint           export_timer;
  gint            export_done;    /* pages drawn, written by the worker */
  gint            export_total;
};

G_DEFINE_FINAL_TYPE (VigilTimeline, vigil_timeline, GTK_TYPE_WIDGET)
G_DEFINE_QUARK (vigil-timeline-error-quark, vigil_timeline_error)

enum {
  PROP_0,
  PROP_LOADING,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void watch_next_deadline (VigilTimeline *self);
static void ensure_selection    (VigilTimeline *self);

static void
row_free (gpointer data)
{
  Row *row = data;

  g_free (row->id);
  g_free (row->label);
  g_array_unref (row->bars);
  g_array_unref (row->marks);
  g_array_unref (row->deadlines);
  g_free (row);
}

/* Loading */

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  VigilStore *store = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) incidents = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (row_free);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  incidents = vigil_store_list_incidents (store, &error);
  if (incidents == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < incidents->len; i++)
    {
      VigilIncident *incident = g_ptr_array_index (incidents, i);
      g_autoptr(GPtrArray) log = NULL;
      g_autoptr(VigilIncidentTimeline) timeline = NULL;
      g_autoptr(GArray) deadlines = NULL;
      Row *row;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      log = vigil_store_list_log (store, vigil_incident_get_id (incident), &error);
      if (log == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      timeline = vigil_incident_timeline_new (incident, log);
      row = g_new0 (Row, 1);
      row->id = g_strdup (vigil_incident_get_id (incident));
      row->label = g_strdup_printf ("%s  %s", vigil_incident_get_reference (incident),
                                    vigil_incident_get_title (incident));
      row->bars = g_array_new (FALSE, TRUE, sizeof (Bar));
      row->marks = g_array_new (FALSE, TRUE, sizeof (Mark));
      row->deadlines = g_array_new (FALSE, TRUE, sizeof (Due));
      deadlines = vigil_figures_list_report_deadlines (incident, NULL, NULL, now);
      for (guint j = 0; j < deadlines->len; j++)
        {
          VigilReportDeadline *deadline = &g_array_index (deadlines, VigilReportDeadline, j);
          Due due = { deadline->kind, deadline->state, g_date_time_to_unix (deadline->due),
                      deadline->submitted_at ? g_date_time_to_unix (deadline->submitted_at) : 0 };

          g_array_append_val (row->deadlines, due);
        }
      for (guint j = 0; j < timeline->phases->len; j++)
        {
          VigilTimelineInterval *interval = &g_array_index (timeline->phases,
                                                            VigilTimelineInterval, j);
          Bar bar = { interval->phase, g_date_time_to_unix (interval->start),
                      interval->end != NULL ? g_date_time_to_unix (interval->end) : 0 };

          /* An archived incident stays in its last step: its bar ends there. */
          if (bar.end == 0 && vigil_incident_is_archived (incident))
            bar.end = bar.start;
          g_array_append_val (row->bars, bar);
        }
      for (guint j = 0; j < timeline->markers->len; j++)
        {
          VigilTimelineMarker *marker = &g_array_index (timeline->markers,
                                                        VigilTimelineMarker, j);
          Mark mark = { marker->kind, g_date_time_to_unix (marker->at) };

          if (marker->kind == VIGIL_TIMELINE_DETECTED || marker->kind == VIGIL_TIMELINE_AWARE ||
              marker->kind == VIGIL_TIMELINE_APPROVED || marker->kind == VIGIL_TIMELINE_ARCHIVED)
            g_array_append_val (row->marks, mark);
        }
      g_ptr_array_add (rows, row);
    }

  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_pointer (task, g_steal_pointer (&rows), (GDestroyNotify) g_ptr_array_unref);
}

static void
set_loading (VigilTimeline *self,
             gboolean       loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
fit_span (VigilTimeline *self)
{
  gint64 first = G_MAXINT64;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);

      for (guint j = 0; j < row->bars->len; j++)
        first = MIN (first, g_array_index (row->bars, Bar, j).start);
      for (guint j = 0; j < row->marks->len; j++)
        first = MIN (first, g_array_index (row->marks, Mark, j).at);
    }
  if (first == G_MAXINT64 || first >= now)
    first = now - 3600 * 24 * 7;
  self->span = CLAMP ((now - first) * 1.1, MIN_SPAN, MAX_SPAN);
  self->start = now - self->span * (1.0 / 1.1);
}

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VigilTimeline) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *rows;
  gboolean first;

  rows = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_loading (self, FALSE);
  if (rows == NULL)
    {
      g_message (_("The timeline could not be read: %s. Open the view again to retry."),
                 error->message);
      vigil_refresh_failed (&self->refresh);
      return;
    }

  first = !self->loaded;
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  self->rows = rows;
  if (self->selected >= (int) rows->len)
    self->selected = (int) rows->len - 1;
  if (first)
    fit_span (self);
  self->loaded = TRUE;
  if (gtk_widget_has_focus (GTK_WIDGET (self)))
    ensure_selection (self);
  watch_next_deadline (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
vigil_timeline_load (VigilTimeline *self)
{
  g_autoptr(GTask) task = NULL;

  vigil_refresh_started (&self->refresh);
  if (self->workspace == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);

  task = g_task_new (NULL, self->cancellable, on_loaded_cb, g_object_ref (self));
  g_task_set_source_tag (task, vigil_timeline_load);
  g_task_set_task_data (task, g_object_ref (vigil_workspace_get_store (self->workspace)),
                        g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

static void
refresh_cb (GtkWidget *widget)
{
  vigil_timeline_load (VIGIL_TIMELINE (widget));
}

static void
on_items_changed_cb (VigilTimeline *self)
{
  vigil_refresh_changed (&self->refresh);
}

/* A pending report turns missed when its limit passes: the core judges it
 * again then. */
static gboolean
deadline_passed_cb (gpointer user_data)
{
  VigilTimeline *self = user_data;

  self->deadline_id = 0;
  on_items_changed_cb (self);
  return G_SOURCE_REMOVE;
}

static void
watch_next_deadline (VigilTimeline *self)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 next = G_MAXINT64;

  g_clear_handle_id (&self->deadline_id, g_source_remove);
  for (guint i = 0; self->rows != NULL && i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);

      for (guint j = 0; j < row->deadlines->len; j++)
        {
          Due *due = &g_array_index (row->deadlines, Due, j);

          if (due->state == VIGIL_DEADLINE_PENDING && due->at >= now)
            next = MIN (next, due->at);
        }
    }
  if (next != G_MAXINT64)
    self->deadline_id = g_timeout_add_seconds ((guint) MIN (next - now + 1, 86400),
                                               deadline_passed_cb, self);
}

/* Geometry */

static double
bar_left (VigilTimeline *self)
{
  return MIN (LABEL_WIDTH, gtk_widget_get_width (GTK_WIDGET (self)) / 3);
}

static double
x_to_time (VigilTimeline *self,
           double         x)
{
  double left = bar_left (self);
  double width = MAX (1, gtk_widget_get_width (GTK_WIDGET (self)) - left);

  return self->start + (x - left) / width * self->span;
}

static int
row_at (VigilTimeline *self,
        double         y)
{
  int index;

  if (self->rows == NULL || y < HEADER_HEIGHT ||
      y >= gtk_widget_get_height (GTK_WIDGET (self)) - FOOTER_HEIGHT)
    return -1;
  index = (int) ((y - HEADER_HEIGHT + self->scroll_y) / ROW_HEIGHT);
  if (index < 0 || (guint) index >= self->rows->len)
    return -1;
  return index;
}

static void
clamp_scroll (VigilTimeline *self)
{
  double content = self->rows != NULL ? self->rows->len * ROW_HEIGHT : 0;
  double view = gtk_widget_get_height (GTK_WIDGET (self)) - HEADER_HEIGHT - FOOTER_HEIGHT;

  self->scroll_y = CLAMP (self->scroll_y, 0, MAX (0, content - view));
}

/* With the keyboard in the view, one row is always chosen: the first one
 * in view, until Up, Down or a click chooses another. */
static void
ensure_selection (VigilTimeline *self)
{
  if (self->rows == NULL || self->rows->len == 0 || self->selected >= 0)
    return;
  self->selected = MIN ((int) (self->scroll_y / ROW_HEIGHT + 0.5), (int) self->rows->len - 1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Drawing
 *
 * The drawing knows nothing of the widget: a Canvas says what to draw
 * where, so that the same code paints the view, an image of it and the
 * pages of a PDF, the last two in a worker thread. */

typedef struct {
  PangoContext *pango;
  PangoLayout  *layout;     /* one for all the text of a drawing */
  GPtrArray    *rows;
  double        start;      /* time at the left of the bar area */
  double        span;       /* seconds across the bar area */
  double        width;
  double        height;
  double        left;       /* where the bar area begins */
  double        top;        /* where the rows begin */
  double        bottom;     /* where the rows end */
  double        scroll_y;   /* pixels scrolled down; rows above are skipped */
  int           selected;   /* the row to highlight, or -1 */
  gboolean      dark;
  GdkRGBA       fg;
  GdkRGBA       bg;
  gint64        now;
} Canvas;

static double
canvas_time_to_x (const Canvas *canvas,
                  double        t)
{
  return canvas->left + (t - canvas->start) / canvas->span * MAX (1, canvas->width - canvas->left);
}

static void
phase_colour (VigilPhase phase,
              gboolean   dark,
              GdkRGBA   *rgba)
{
  /* The board's phase colours: blue, purple, orange, green. */
  static const GdkRGBA light[] = {
    { 0.208, 0.518, 0.894, 1 }, { 0.569, 0.255, 0.675, 1 },
    { 1.000, 0.471, 0.000, 1 }, { 0.180, 0.761, 0.494, 1 },
  };
  static const GdkRGBA dimmed[] = {
    { 0.110, 0.443, 0.847, 1 }, { 0.506, 0.239, 0.612, 1 },
    { 0.902, 0.380, 0.000, 1 }, { 0.149, 0.635, 0.412, 1 },
  };

  *rgba = (dark ? dimmed : light)[MIN (phase, VIGIL_PHASE_LEARN)];
}

static void
deadline_colour (VigilDeadlineState state,
                 gboolean           dark,
                 GdkRGBA           *rgba)
{
  /* Green, amber and red; brighter on the dark background. */
  static const GdkRGBA light[] = {
    { 0.898, 0.647, 0.039, 1 }, { 0.149, 0.635, 0.412, 1 }, { 0.878, 0.106, 0.141, 1 },
  };
  static const GdkRGBA bright[] = {
    { 0.965, 0.827, 0.176, 1 }, { 0.341, 0.890, 0.537, 1 }, { 1.000, 0.482, 0.388, 1 },
  };

  *rgba = (dark ? bright : light)[MIN (state, VIGIL_DEADLINE_MISSED)];
}

static void
draw_text (cairo_t       *cr,
           const Canvas  *canvas,
           const char    *text,
           double         x,
           double         y,
           double         max_width,
           const GdkRGBA *colour)
{
  PangoLayout *layout = canvas->layout;
  int height;

  pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, NULL, &height);
  gdk_cairo_set_source_rgba (cr, colour);
  cairo_move_to (cr, x, y - height / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static int
text_width (const Canvas *canvas,
            const char   *text)
{
  PangoLayout *layout = canvas->layout;
  int width;

  pango_layout_set_width (layout, -1);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

static void
draw_marker (cairo_t                 *cr,
             VigilTimelineMarkerKind  kind,
             double                   x,
             double                   y,
             const GdkRGBA           *fg)
{
  double r = 5;

  cairo_new_path (cr);
  gdk_cairo_set_source_rgba (cr, fg);
  switch (kind)
    {
    case VIGIL_TIMELINE_DETECTED:      /* a circle */
      cairo_arc (cr, x, y, r - 1, 0, 2 * G_PI);
      cairo_fill (cr);
      break;
    case VIGIL_TIMELINE_AWARE:         /* a ring */
      cairo_arc (cr, x, y, r - 1, 0, 2 * G_PI);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
      break;
    case VIGIL_TIMELINE_APPROVED:      /* a diamond */
      cairo_move_to (cr, x, y - r);
      cairo_line_to (cr, x + r, y);
      cairo_line_to (cr, x, y + r);
      cairo_line_to (cr, x - r, y);
      cairo_close_path (cr);
      cairo_fill (cr);
      break;
    case VIGIL_TIMELINE_ARCHIVED:      /* a square */
    default:
      cairo_rectangle (cr, x - r + 1, y - r + 1, 2 * r - 2, 2 * r - 2);
      cairo_fill (cr);
      break;
    }
}

/* A report deadline: a flag on a pole at the limit, its shape telling the
 * state without the colour (met: a tick in a disc; pending: an hourglass;
 * missed: a cross in a square), outlined in the background so that it
 * stands out on a bar of any phase. */
static void
draw_deadline (cairo_t            *cr,
               VigilDeadlineState  state,
               double              x,
               double              top,
               double              row_height,
               gboolean            dark,
               const GdkRGBA      *bg)
{
  double r = 6;
  double y = top + row_height / 2.0;
  GdkRGBA colour;

  deadline_colour (state, dark, &colour);
  cairo_save (cr);
  cairo_new_path (cr);

  /* The pole, over the whole row. */
  gdk_cairo_set_source_rgba (cr, &colour);
  cairo_rectangle (cr, floor (x) - 0.5, top + 1, 1.5, row_height - 2);
  cairo_fill (cr);

  switch (state)
    {
    case VIGIL_DEADLINE_MET:
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      gdk_cairo_set_source_rgba (cr, bg);
      cairo_set_line_width (cr, 3);
      cairo_stroke_preserve (cr);
      gdk_cairo_set_source_rgba (cr, &colour);
      cairo_fill (cr);
      cairo_move_to (cr, x - 3, y + 0.2);
      cairo_line_to (cr, x - 0.8, y + 2.6);
      cairo_line_to (cr, x + 3.2, y - 2.6);
      gdk_cairo_set_source_rgba (cr, bg);
      cairo_set_line_width (cr, 1.8);
      cairo_stroke (cr);
      break;
    case VIGIL_DEADLINE_PENDING:
      cairo_move_to (cr, x - r, y - r);
      cairo_line_to (cr, x + r, y - r);
      cairo_line_to (cr, x - r, y + r);
      cairo_line_to (cr, x + r, y + r);
      cairo_close_path (cr);
      gdk_cairo_set_source_rgba (cr, bg);
      cairo_set_line_width (cr, 3);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_stroke_preserve (cr);
      gdk_cairo_set_source_rgba (cr, &colour);
      cairo_fill (cr);
      break;
    case VIGIL_DEADLINE_MISSED:
    default:
      cairo_rectangle (cr, x - r, y - r, 2 * r, 2 * r);
      gdk_cairo_set_source_rgba (cr, bg);
      cairo_set_line_width (cr, 3);
      cairo_stroke_preserve (cr);
      gdk_cairo_set_source_rgba (cr, &colour);
      cairo_fill (cr);
      cairo_move_to (cr, x - 3, y - 3);
      cairo_line_to (cr, x + 3, y + 3);
      cairo_move_to (cr, x + 3, y - 3);
      cairo_line_to (cr, x - 3, y + 3);
      gdk_cairo_set_source_rgba (cr, bg);
      cairo_set_line_width (cr, 1.8);
      cairo_stroke (cr);
      break;
    }
  cairo_restore (cr);
}

/* Ticks at least 90 pixels apart: hours, days, weeks, then whole months. */
static const char *
tick_step (double  seconds_per_pixel,
           double *step,
           int    *months)
{
  static const struct { double seconds; int months; const char *format; } steps[] = {
    { 3600, 0, "%H:%M" }, { 3600 * 3, 0, "%H:%M" }, { 3600 * 6, 0, "%a %H:%M" },
    { 3600 * 12, 0, "%a %H:%M" }, { 3600 * 24, 0, "%d %b" }, { 3600 * 24 * 2, 0, "%d %b" },
    { 3600 * 24 * 7, 0, "%d %b" }, { 3600 * 24 * 14, 0, "%d %b" },
    { 3600 * 24 * 31, 1, "%b %Y" }, { 3600 * 24 * 62, 2, "%b %Y" },
    { 3600 * 24 * 92, 3, "%b %Y" }, { 3600 * 24 * 183, 6, "%b %Y" },
  };
  guint i;

  for (i = 0; i + 1 < G_N_ELEMENTS (steps); i++)
    if (steps[i].seconds / seconds_per_pixel >= 90)
      break;
  *step = steps[i].seconds;
  *months = steps[i].months;
  return steps[i].format;
}

/* The time axis along the top and its grid over the rows. */
static void
draw_axis (const Canvas *canvas,
           cairo_t      *cr)
{
  double width_px = MAX (1, canvas->width - canvas->left);
  g_autoptr(GDateTime) origin = g_date_time_new_from_unix_local ((gint64) canvas->start);
  g_autoptr(GDateTime) tick = NULL;
  GdkRGBA faint = canvas->fg;
  const char *format;
  double step;
  int months;

  faint.alpha = 0.12;
  format = tick_step (canvas->span / width_px, &step, &months);
  if (months > 0)
    tick = g_date_time_new_local (g_date_time_get_year (origin),
                                  g_date_time_get_month (origin), 1, 0, 0, 0);
  else
    {
      gint64 offset = g_date_time_get_utc_offset (origin) / G_USEC_PER_SEC;
      double t = floor ((canvas->start + offset) / step) * step - offset;

      tick = g_date_time_new_from_unix_local ((gint64) t);
    }
  while (tick != NULL && g_date_time_to_unix (tick) < canvas->start + canvas->span)
    {
      double x = canvas_time_to_x (canvas, g_date_time_to_unix (tick));
      GDateTime *next;

      if (x >= canvas->left)
        {
          g_autofree char *text = g_date_time_format (tick, format);

          gdk_cairo_set_source_rgba (cr, &faint);
          cairo_rectangle (cr, floor (x), canvas->top, 1, canvas->bottom - canvas->top);
          cairo_fill (cr);
          draw_text (cr, canvas, text, x + 3, canvas->top - HEADER_HEIGHT / 2.0, 86, &canvas->fg);
        }
      next = months > 0 ? g_date_time_add_months (tick, months)
                        : g_date_time_add_seconds (tick, step);
      g_date_time_unref (tick);
      tick = next;
    }
}

/* Only the rows between top and bottom. */
static void
draw_rows (const Canvas *canvas,
           cairo_t      *cr)
{
  double left = canvas->left;
  double width = canvas->width;
  double t0 = canvas->start - canvas->span * 0.05;
  double t1 = canvas->start + canvas->span * 1.05;
  guint first, last;

  if (canvas->rows == NULL)
    return;
  first = (guint) (canvas->scroll_y / ROW_HEIGHT);
  last = MIN (canvas->rows->len,
              first + (guint) ((canvas->bottom - canvas->top) / ROW_HEIGHT) + 2);
  cairo_save (cr);
  cairo_rectangle (cr, 0, canvas->top, width, canvas->bottom - canvas->top);
  cairo_clip (cr);
  for (guint i = first; i < last; i++)
    {
      Row *row = g_ptr_array_index (canvas->rows, i);
      double y = canvas->top + i * ROW_HEIGHT - canvas->scroll_y;
      double mid = y + ROW_HEIGHT / 2.0;

      if (i % 2 == 1)
        {
          GdkRGBA band = canvas->fg;

          band.alpha = 0.04;
          gdk_cairo_set_source_rgba (cr, &band);
          cairo_rectangle (cr, 0, y, width, ROW_HEIGHT);
          cairo_fill (cr);
        }
      if ((int) i == canvas->selected)
        {
          GdkRGBA accent = { 0.208, 0.518, 0.894, 0.25 };

          gdk_cairo_set_source_rgba (cr, &accent);
          cairo_rectangle (cr, 0, y, width, ROW_HEIGHT);
          cairo_fill (cr);
          /* The keyboard's place: a ring as around a focused button. */
          accent.alpha = 1.0;
          gdk_cairo_set_source_rgba (cr, &accent);
          cairo_set_line_width (cr, 2);
          cairo_rectangle (cr, 1, y + 1, width - 2, ROW_HEIGHT - 2);
          cairo_stroke (cr);
        }
      draw_text (cr, canvas, row->label, 8, mid, left - 16, &canvas->fg);

      cairo_save (cr);
      cairo_rectangle (cr, left, y, width - left, ROW_HEIGHT);
      cairo_clip (cr);
      for (guint j = 0; j < row->bars->len; j++)
        {
          Bar *bar = &g_array_index (row->bars, Bar, j);
          gint64 end = bar->end != 0 ? bar->end : canvas->now;
          double x0, x1;
          GdkRGBA colour;

          if (end < t0 || bar->start > t1)
            continue;
          x0 = canvas_time_to_x (canvas, MAX (bar->start, t0));
          x1 = canvas_time_to_x (canvas, MIN (end, t1));
          phase_colour (bar->phase, canvas->dark, &colour);
          gdk_cairo_set_source_rgba (cr, &colour);
          cairo_rectangle (cr, x0, y + 7, MAX (2, x1 - x0), ROW_HEIGHT - 14);
          cairo_fill (cr);
        }
      for (guint j = 0; j < row->marks->len; j++)
        {
          Mark *mark = &g_array_index (row->marks, Mark, j);

          if (mark->at >= t0 && mark->at <= t1)
            draw_marker (cr, mark->kind, canvas_time_to_x (canvas, mark->at), mid, &canvas->fg);
        }
      for (guint j = 0; j < row->deadlines->len; j++)
        {
          Due *due = &g_array_index (row->deadlines, Due, j);

          if (due->at >= t0 && due->at <= t1)
            draw_deadline (cr, due->state, canvas_time_to_x (canvas, due->at), y, ROW_HEIGHT,
                           canvas->dark, &canvas->bg);
        }
      cairo_restore (cr);
    }
  cairo_restore (cr);
}

/* What the colours and shapes mean, along the bottom; a second line when
 * one is not wide enough. */
static void
draw_legend (const Canvas *canvas,
             cairo_t      *cr,
             double        top,
             double        right)
{
  static const struct { VigilTimelineMarkerKind kind; const char *label; } marks[] = {
    { VIGIL_TIMELINE_DETECTED, N_("Detected") },
    { VIGIL_TIMELINE_AWARE, N_("Aware") },
    { VIGIL_TIMELINE_APPROVED, N_("Approved") },
    { VIGIL_TIMELINE_ARCHIVED, N_("Archived") },
  };
  static const struct { VigilDeadlineState state; const char *label; } dues[] = {
    { VIGIL_DEADLINE_MET, N_("Report on time") },
    { VIGIL_DEADLINE_PENDING, N_("Report due") },
    { VIGIL_DEADLINE_MISSED, N_("Report missed") },
  };
  double x = 8, mid = top + 12;

#define NEXT_ITEM(item_width)               \
  G_STMT_START {                            \
    if (x > 8 && x + (item_width) > right)  \
      {                                     \
        x = 8;                              \
        mid += 20;                          \
      }                                     \
  } G_STMT_END

  for (VigilPhase phase = VIGIL_PHASE_DETECT; phase <= VIGIL_PHASE_LEARN; phase++)
    {
      const char *label = vigil_phase_get_name (phase);
      int w = text_width (canvas, label);
      GdkRGBA colour;

      NEXT_ITEM (24 + w);
      phase_colour (phase, canvas->dark, &colour);
      gdk_cairo_set_source_rgba (cr, &colour);
      cairo_rectangle (cr, x, mid - 6, 18, 12);
      cairo_fill (cr);
      draw_text (cr, canvas, label, x + 24, mid, w + 1, &canvas->fg);
      x += 24 + w + 18;
    }
  for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
    {
      const char *label = _(marks[i].label);
      int w = text_width (canvas, label);

      NEXT_ITEM (16 + w);
      draw_marker (cr, marks[i].kind, x + 6, mid, &canvas->fg);
      draw_text (cr, canvas, label, x + 16, mid, w + 1, &canvas->fg);
      x += 16 + w + 14;
    }
  for (guint i = 0; i < G_N_ELEMENTS (dues); i++)
    {
      const char *label = _(dues[i].label);
      int w = text_width (canvas, label);

      NEXT_ITEM (18 + w);
      draw_deadline (cr, dues[i].state, x + 6, mid - 9, 18, canvas->dark, &canvas->bg);
      draw_text (cr, canvas, label, x + 18, mid, w + 1, &canvas->fg);
      x += 18 + w + 14;
    }
#undef NEXT_ITEM
}

/* The axis, the rows, the legend below them (up to @legend_right) and the
 * line for now. */
static void
canvas_set_pango (Canvas       *canvas,
                  PangoContext *pango)
{
  g_clear_object (&canvas->layout);
  canvas->pango = pango;
  if (pango != NULL)
    {
      canvas->layout = pango_layout_new (pango);
      pango_layout_set_ellipsize (canvas->layout, PANGO_ELLIPSIZE_END);
    }
}

static void
draw_canvas (const Canvas *canvas,
             cairo_t      *cr,
             double        legend_right)
{
  double now_x;

  draw_axis (canvas, cr);
  draw_rows (canvas, cr);
  draw_legend (canvas, cr, canvas->bottom + 4, legend_right);

  now_x = canvas_time_to_x (canvas, canvas->now);
  if (now_x >= canvas->left && now_x <= canvas->width)
    {
      cairo_set_source_rgba (cr, 0.88, 0.11, 0.14, 0.9);
      cairo_rectangle (cr, floor (now_x) - 1, canvas->top - HEADER_HEIGHT, 2,
                       canvas->bottom - canvas->top + HEADER_HEIGHT);
      cairo_fill (cr);
    }
}

static void
get_colours (GtkWidget *widget,
             gboolean  *dark,
             GdkRGBA   *fg,
             GdkRGBA   *bg)
{
  *dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  /* The window's background of the style (the view is transparent). */
  gdk_rgba_parse (bg, *dark ? "#242424" : "#fafafa");
}

static void
vigil_timeline_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  VigilTimeline *self = VIGIL_TIMELINE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GtkRequisition zoom;
  Canvas canvas = { 0 };
  cairo_t *cr;
  gint64 started = g_get_monotonic_time ();

  if (width <= 0 || height <= 0)
    return;
  canvas_set_pango (&canvas, gtk_widget_get_pango_context (widget));
  canvas.rows = self->rows;
  canvas.start = self->start;
  canvas.span = self->span;
  canvas.width = width;
  canvas.height = height;
  canvas.left = bar_left (self);
  canvas.top = HEADER_HEIGHT;
  canvas.bottom = height - FOOTER_HEIGHT;
  canvas.scroll_y = self->scroll_y;
  canvas.selected = gtk_widget_has_focus (widget) ? self->selected : -1;
  canvas.now = g_get_real_time () / G_USEC_PER_SEC;
  get_colours (widget, &canvas.dark, &canvas.fg, &canvas.bg);

  gtk_widget_get_preferred_size (self->zoom_box, NULL, &zoom);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_canvas (&canvas, cr, width - zoom.width - 24);
  cairo_destroy (cr);
  canvas_set_pango (&canvas, NULL);

  gtk_widget_snapshot_child (widget, self->zoom_box, snapshot);
  self->last_draw_us = g_get_monotonic_time () - started;
}


/* Export
 *
 * An image of the view as it is, or a PDF of every row over the time in
 * view, drawn in a worker thread by the same code as the view. */

typedef struct {
  VigilTimelineExportFormat  format;
  char                      *path;
  Canvas                     canvas;     /* without its Pango context */
  PangoFontDescription      *font;
  gint                      *done;       /* the widget's counters */
  gint                      *total;
  guint                      n_pages;
} ExportJob;

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  g_free (job->path);
  g_clear_pointer (&job->canvas.rows, g_ptr_array_unref);
  g_clear_object (&job->canvas.layout);
  g_clear_pointer (&job->font, pango_font_description_free);
  g_free (job);
}

static void
set_up_pango (ExportJob *job,
              cairo_t   *cr)
{
  PangoContext *pango = pango_cairo_create_context (cr);

  pango_cairo_context_set_resolution (pango, 96);
  if (job->font != NULL)
    pango_context_set_font_description (pango, job->font);
  canvas_set_pango (&job->canvas, pango);
}

static gboolean
export_png (ExportJob     *job,
            GCancellable  *cancellable,
            GError       **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  PangoContext *pango;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) job->canvas.width,
                                        (int) job->canvas.height);
  cr = cairo_create (surface);
  gdk_cairo_set_source_rgba (cr, &job->canvas.bg);
  cairo_paint (cr);
  set_up_pango (job, cr);
  draw_canvas (&job->canvas, cr, job->canvas.width - 8);
  g_atomic_int_set (job->done, 1);
  job->n_pages = 1;
  cairo_destroy (cr);
  pango = job->canvas.pango;
  canvas_set_pango (&job->canvas, NULL);
  g_clear_object (&pango);
  status = cairo_surface_write_to_png (surface, job->path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, VIGIL_TIMELINE_ERROR, VIGIL_TIMELINE_ERROR_WRITE,
                   _("The image could not be written to %s (%s). Choose a folder you may write to."),
                   job->path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

static gboolean
export_pdf (ExportJob     *job,
            GCancellable  *cancellable,
            GError       **error)
{
  Canvas *canvas = &job->canvas;
  guint n_rows = canvas->rows != NULL ? canvas->rows->len : 0;
  g_autofree char *first = NULL, *last = NULL, *made = NULL;
  PangoContext *pango;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  {
    g_autoptr(GDateTime) from = g_date_time_new_from_unix_local ((gint64) canvas->start);
    g_autoptr(GDateTime) to = g_date_time_new_from_unix_local ((gint64) (canvas->start + canvas->span));
    g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (canvas->now);

    first = g_date_time_format (from, "%Y-%m-%d %H:%M");
    last = g_date_time_format (to, "%Y-%m-%d %H:%M");
    made = g_date_time_format (now, "%Y-%m-%d %H:%M");
  }

  /* A4 landscape; drawn in pixels at 96 per inch, as on screen. */
  canvas->width = PDF_PAGE_WIDTH;
  canvas->height = PDF_PAGE_HEIGHT;
  canvas->left = MIN (LABEL_WIDTH, canvas->width / 3);
  canvas->top = PDF_TITLE_HEIGHT + HEADER_HEIGHT;
  canvas->bottom = canvas->top + VIGIL_TIMELINE_PDF_ROWS_PER_PAGE * ROW_HEIGHT;
  canvas->selected = -1;
  job->n_pages = MAX (1, (n_rows + VIGIL_TIMELINE_PDF_ROWS_PER_PAGE - 1) /
                         VIGIL_TIMELINE_PDF_ROWS_PER_PAGE);
  g_atomic_int_set (job->total, job->n_pages);

  surface = cairo_pdf_surface_create (job->path, PDF_PAGE_WIDTH * 0.75, PDF_PAGE_HEIGHT * 0.75);
  status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_set_error (error, VIGIL_TIMELINE_ERROR, VIGIL_TIMELINE_ERROR_WRITE,
                   _("The PDF could not be written to %s (%s). Choose a folder you may write to."),
                   job->path, cairo_status_to_string (status));
      return FALSE;
    }
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, _("Incident Timeline"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Vigil");
  cr = cairo_create (surface);
  cairo_scale (cr, 0.75, 0.75);
  set_up_pango (job, cr);
  for (guint page = 0; page < job->n_pages; page++)
    {
      g_autofree char *title = NULL;
      guint shown_to = MIN (n_rows, (page + 1) * VIGIL_TIMELINE_PDF_ROWS_PER_PAGE);

      if (g_cancellable_is_cancelled (cancellable))
        break;
      /* Translators: the timeline's PDF: time range, incidents on the page, page */
      title = g_strdup_printf (_("Incident timeline, %s to %s · incidents %u to %u of %u · "
                                 "page %u of %u · made %s"),
                               first, last, MIN (n_rows, page * VIGIL_TIMELINE_PDF_ROWS_PER_PAGE + 1),
                               shown_to, n_rows, page + 1, job->n_pages, made);
      canvas->scroll_y = (double) page * VIGIL_TIMELINE_PDF_ROWS_PER_PAGE * ROW_HEIGHT;
      draw_text (cr, canvas, title, 8, PDF_TITLE_HEIGHT / 2.0, canvas->width - 16, &canvas->fg);
      draw_canvas (canvas, cr, canvas->width - 8);
      cairo_show_page (cr);
      g_atomic_int_set (job->done, page + 1);
    }
  pango = canvas->pango;
  canvas_set_pango (canvas, NULL);
  g_clear_object (&pango);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_unlink (job->path);
      return FALSE;
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, VIGIL_TIMELINE_ERROR, VIGIL_TIMELINE_ERROR_WRITE,
                   _("The PDF could not be written to %s (%s). Choose a folder you may write to."),
                   job->path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (job->format == VIGIL_TIMELINE_EXPORT_PNG)
    ok = export_png (job, cancellable, &error);
  else
    ok = export_pdf (job, cancellable, &error);
  if (!ok)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
export_progress_cb (gpointer user_data)
{
  VigilTimeline *self = user_data;
  int done, total;
  g_autofree char *text = NULL;

  if (self->progress == NULL)
    return G_SOURCE_CONTINUE;
  done = g_atomic_int_get (&self->export_done);
  total = MAX (1, g_atomic_int_get (&self->export_total));
  /* Translators: progress of an export, in pages */
  text = g_strdup_printf (_("Exporting page %d of %d"), MIN (done + 1, total), total);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), (double) done / total);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress), text);
  return G_SOURCE_CONTINUE;
}

void
vigil_timeline_export_async (VigilTimeline             *self,
                             VigilTimelineExportFormat  format,
                             GFile                     *file,
                             GCancellable              *cancellable,
                             GAsyncReadyCallback        callback,
                             gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;
  GtkWidget *widget = GTK_WIDGET (self);
  ExportJob *job;
  const PangoFontDescription *font;

  g_return_if_fail (VIGIL_IS_TIMELINE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->rows == NULL || g_file_peek_path (file) == NULL || self->export_cancellable != NULL)
    {
      task = g_task_new (self, cancellable, callback, user_data);
      g_task_set_source_tag (task, vigil_timeline_export_async);
      g_task_return_new_error (task, VIGIL_TIMELINE_ERROR, VIGIL_TIMELINE_ERROR_NOT_READY,
                               self->export_cancellable != NULL
                               ? _("An export is running. Wait until it is done.")
                               : self->rows == NULL
                               ? _("There is no timeline to export yet. Wait until it is shown.")
                               : _("Choose a file on this computer to export to."));
      return;
    }

  /* The view's own, so that closing the window stops the drawing. */
  self->export_cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  task = g_task_new (self, self->export_cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_timeline_export_async);
  job = g_new0 (ExportJob, 1);
  job->format = format;
  job->path = g_file_get_path (file);
  job->canvas.rows = g_ptr_array_ref (self->rows);
  job->canvas.start = self->start;
  job->canvas.span = self->span;
  job->canvas.width = MAX (1, gtk_widget_get_width (widget));
  job->canvas.height = MAX (1, gtk_widget_get_height (widget));
  job->canvas.left = bar_left (self);
  job->canvas.top = HEADER_HEIGHT;
  job->canvas.bottom = job->canvas.height - FOOTER_HEIGHT;
  job->canvas.scroll_y = self->scroll_y;
  job->canvas.selected = -1;
  job->canvas.now = g_get_real_time () / G_USEC_PER_SEC;
  get_colours (widget, &job->canvas.dark, &job->canvas.fg, &job->canvas.bg);
  /* Paper is white: the PDF uses the light style's colours. */
  if (format == VIGIL_TIMELINE_EXPORT_PDF)
    {
      job->canvas.dark = FALSE;
      gdk_rgba_parse (&job->canvas.fg, "rgba(0,0,0,0.8)");
      gdk_rgba_parse (&job->canvas.bg, "#ffffff");
    }
  font = pango_context_get_font_description (gtk_widget_get_pango_context (widget));
  job->font = font != NULL ? pango_font_description_copy (font) : NULL;
  job->done = &self->export_done;
  job->total = &self->export_total;
  g_task_set_task_data (task, job, export_job_free);

  self->export_done = 0;
  self->export_total = 1;
  export_progress_cb (self);
  gtk_widget_set_visible (self->progress, TRUE);
  self->export_timer = g_timeout_add (100, export_progress_cb, self);
  g_task_run_in_thread (task, export_thread);
}

gboolean
vigil_timeline_export_finish (VigilTimeline  *self,
                              GAsyncResult   *result,
                              guint          *n_pages,
                              GError        **error)
{
  ExportJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  job = g_task_get_task_data (G_TASK (result));
  if (g_task_get_source_tag (G_TASK (result)) == vigil_timeline_export_async && job != NULL)
    {
      g_clear_object (&self->export_cancellable);
      g_clear_handle_id (&self->export_timer, g_source_remove);
      if (self->progress != NULL)
        gtk_widget_set_visible (self->progress, FALSE);
    }
  if (n_pages != NULL)
    *n_pages = job != NULL ? job->n_pages : 0;
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
show_toast (VigilTimeline *self,
            const char    *message)
{
  for (GtkWidget *w = gtk_widget_get_parent (GTK_WIDGET (self)); w != NULL;
       w = gtk_widget_get_parent (w))
    if (ADW_IS_TOAST_OVERLAY (w))
      {
        adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (w), adw_toast_new (message));
        return;
      }
  g_message ("%s", message);
}

static void
on_exported_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  VigilTimeline *self = VIGIL_TIMELINE (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = user_data;
  g_autofree char *text = NULL;

  if (!vigil_timeline_export_finish (self, result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, error->message);
      return;
    }
  text = g_strdup_printf (_("Timeline saved as %s"), name);
  show_toast (self, text);
}

static void
on_export_file_cb (GtkNativeDialog *dialog,
                   int              response,
                   gpointer         user_data)
{
  VigilTimeline *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      VigilTimelineExportFormat format =
        GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "format"));

      vigil_timeline_export_async (self, format, file, NULL, on_exported_cb,
                                   g_file_get_basename (file));
    }
  g_object_unref (dialog);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gboolean pdf = g_str_equal (action_name, "timeline.export-pdf");
  GtkFileChooserNative *dialog;
  GtkRoot *root = gtk_widget_get_root (widget);

  dialog = gtk_file_chooser_native_new (pdf ? _("Export All Incidents as PDF")
                                            : _("Export This View as Image"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog),
                                     pdf ? "vigil-timeline.pdf" : "vigil-timeline.png");
  g_object_set_data (G_OBJECT (dialog), "format",
                     GINT_TO_POINTER (pdf ? VIGIL_TIMELINE_EXPORT_PDF : VIGIL_TIMELINE_EXPORT_PNG));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_export_file_cb), widget, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Interaction */

/* Zooms keeping the time at @x where it is. */
static void
zoom_at (VigilTimeline *self,
         double         factor,
         double         x)
{
  double width = MAX (1, gtk_widget_get_width (GTK_WIDGET (self)) - bar_left (self));
  double fraction = CLAMP ((x - bar_left (self)) / width, 0, 1);
  double anchor = self->start + fraction * self->span;

  self->span = CLAMP (self->span * factor, MIN_SPAN, MAX_SPAN);
  self->start = anchor - fraction * self->span;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
vigil_timeline_zoom (VigilTimeline *self,
                     double         factor)
{
  double width;

  g_return_if_fail (VIGIL_IS_TIMELINE (self));

  width = gtk_widget_get_width (GTK_WIDGET (self)) - bar_left (self);
  zoom_at (self, factor, bar_left (self) + width / 2);
}

void
vigil_timeline_set_range (VigilTimeline *self,
                          double         start,
                          double         end)
{
  g_return_if_fail (VIGIL_IS_TIMELINE (self));
  g_return_if_fail (end > start);

  self->span = CLAMP (end - start, MIN_SPAN, MAX_SPAN);
  self->start = start;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion_cb (GtkEventControllerMotion *controller,
              double                    x,
              double                    y,
              VigilTimeline            *self)
{
  self->pointer_x = x;
}

static void
on_leave_cb (GtkEventControllerMotion *controller,
             VigilTimeline            *self)
{
  self->pointer_x = -1;
}

static gboolean
on_scroll_cb (GtkEventControllerScroll *controller,
              double                    dx,
              double                    dy,
              VigilTimeline            *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (state & GDK_CONTROL_MASK)
    {
      if (self->pointer_x >= bar_left (self))
        zoom_at (self, dy > 0 ? 1.25 : 0.8, self->pointer_x);
      else
        vigil_timeline_zoom (self, dy > 0 ? 1.25 : 0.8);
    }
  else if (state & GDK_SHIFT_MASK || dx != 0)
    {
      self->start += (dx != 0 ? dx : dy) * self->span / 20;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  else
    {
      self->scroll_y += dy * ROW_HEIGHT * 3;
      clamp_scroll (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  return GDK_EVENT_STOP;
}

static void
on_drag_begin_cb (GtkGestureDrag *gesture,
                  double          x,
                  double          y,
                  VigilTimeline  *self)
{
  self->drag_start = self->start;
  self->drag_scroll_y = self->scroll_y;
}

static void
on_drag_update_cb (GtkGestureDrag *gesture,
                   double          dx,
                   double          dy,
                   VigilTimeline  *self)
{
  double width = MAX (1, gtk_widget_get_width (GTK_WIDGET (self)) - bar_left (self));

  self->start = self->drag_start - dx / width * self->span;
  self->scroll_y = self->drag_scroll_y - dy;
  clamp_scroll (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
vigil_timeline_activate_at (VigilTimeline *self,
                            double         x,
                            double         y)
{
  int index;

  g_return_if_fail (VIGIL_IS_TIMELINE (self));

  index = row_at (self, y);
  if (index < 0)
    return;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.open-incident", "s",
                              ((Row *) g_ptr_array_index (self->rows, index))->id);
}

/* A click gives the view the keyboard, on the row clicked. */
static void
on_pressed_cb (GtkGestureClick *gesture,
               int              n_press,
               double           x,
               double           y,
               VigilTimeline   *self)
{
  int index = row_at (self, y);

  if (index >= 0)
    self->selected = index;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_released_cb (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                VigilTimeline   *self)
{
  vigil_timeline_activate_at (self, x, y);
}

static char *
format_local (gint64 when)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (when);

  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

/* "Initial report due 2025-03-03 15:00: on time (submitted 14:00 …)" */
static char *
describe_due (const Due *due)
{
  g_autofree char *limit = format_local (due->at);
  g_autofree char *submitted = due->submitted != 0 ? format_local (due->submitted) : NULL;
  g_autofree char *state = NULL;

  switch (due->state)
    {
    case VIGIL_DEADLINE_MET:
      /* Translators: the time a report was submitted */
      state = g_strdup_printf (_("on time (submitted %s)"), submitted);
      break;
    case VIGIL_DEADLINE_MISSED:
      state = submitted != NULL
        ? g_strdup_printf (_("missed (submitted late, %s)"), submitted)
        : g_strdup (_("missed (not submitted)"));
      break;
    case VIGIL_DEADLINE_PENDING:
    default:
      state = g_strdup (_("not submitted yet"));
      break;
    }
  /* Translators: "Initial report due 2025-03-03 15:00: on time (…)" */
  return g_strdup_printf (_("%s due %s: %s"), vigil_figures_report_kind_get_label (due->kind), limit, state);
}

char *
vigil_timeline_dup_tooltip_at (VigilTimeline *self,
                               double         x,
                               double         y)
{
  int index;
  double t;
  const char *phase = NULL;
  GString *text;
  Row *row;

  g_return_val_if_fail (VIGIL_IS_TIMELINE (self), NULL);

  index = row_at (self, y);
  if (index < 0)
    return NULL;
  t = x_to_time (self, x);
  row = g_ptr_array_index (self->rows, index);
  for (guint j = 0; x >= bar_left (self) && j < row->bars->len; j++)
    {
      Bar *bar = &g_array_index (row->bars, Bar, j);
      gint64 end = bar->end != 0 ? bar->end : g_get_real_time () / G_USEC_PER_SEC;

      if (t >= bar->start && t <= end)
        phase = vigil_phase_get_name (bar->phase);
    }
  text = g_string_new (row->label);
  if (phase != NULL)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Phase: %s"), phase);
    }
  for (guint j = 0; j < row->deadlines->len; j++)
    {
      g_autofree char *line = describe_due (&g_array_index (row->deadlines, Due, j));

      g_string_append_c (text, '\n');
      g_string_append (text, line);
    }
  return g_string_free (text, FALSE);
}

static gboolean
vigil_timeline_query_tooltip (GtkWidget  *widget,
                              int         x,
                              int         y,
                              gboolean    keyboard,
                              GtkTooltip *tooltip)
{
  g_autofree char *text = vigil_timeline_dup_tooltip_at (VIGIL_TIMELINE (widget), x, y);

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
vigil_timeline_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  VigilTimeline *self = VIGIL_TIMELINE (widget);

  gtk_widget_measure (self->zoom_box, orientation, -1, minimum, natural, NULL, NULL);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = MAX (*natural, 2 * LABEL_WIDTH);
  else
    *natural = MAX (*natural, HEADER_HEIGHT + 10 * ROW_HEIGHT + FOOTER_HEIGHT);
}

/* The zoom buttons float at the bottom right, over the bars. */
static void
vigil_timeline_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  VigilTimeline *self = VIGIL_TIMELINE (widget);
  GtkRequisition natural;

  gtk_widget_get_preferred_size (self->zoom_box, NULL, &natural);
  gtk_widget_size_allocate (self->zoom_box,
                            &(GtkAllocation) { MAX (0, width - natural.width - 12),
                                               MAX (0, height - (FOOTER_HEIGHT + natural.height) / 2),
                                               natural.width, natural.height }, -1);
  clamp_scroll (self);
}

static void
vigil_timeline_map (GtkWidget *widget)
{
  VigilTimeline *self = VIGIL_TIMELINE (widget);

  GTK_WIDGET_CLASS (vigil_timeline_parent_class)->map (widget);
  vigil_refresh_mapped (&self->refresh);
  /* Shown means in use: Up, Down, Enter and the zoom keys work at once,
   * without a click into the chart first. */
  gtk_widget_grab_focus (widget);
}

static void
on_focus_enter_cb (VigilTimeline *self)
{
  ensure_selection (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* GObject */

static void
vigil_timeline_dispose (GObject *object)
{
  VigilTimeline *self = VIGIL_TIMELINE (object);

  vigil_timeline_set_workspace (self, NULL);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_handle_id (&self->export_timer, g_source_remove);
  self->progress = NULL;
  g_clear_pointer (&self->zoom_box, gtk_widget_unparent);

  G_OBJECT_CLASS (vigil_timeline_parent_class)->dispose (object);
}

static void
vigil_timeline_finalize (GObject *object)
{
  VigilTimeline *self = VIGIL_TIMELINE (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->export_cancellable);

  G_OBJECT_CLASS (vigil_timeline_parent_class)->finalize (object);
}

static void
vigil_timeline_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VigilTimeline *self = VIGIL_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The keyboard chooses a row with Up and Down and opens it with Enter. */
static void
select_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VigilTimeline *self = VIGIL_TIMELINE (widget);
  double top, view;

  if (self->rows == NULL || self->rows->len == 0)
    return;
  self->selected = CLAMP (self->selected + g_variant_get_int32 (parameter), 0,
                          (int) self->rows->len - 1);
  top = self->selected * ROW_HEIGHT;
  view = gtk_widget_get_height (widget) - HEADER_HEIGHT - FOOTER_HEIGHT;
  if (top < self->scroll_y)
    self->scroll_y = top;
  else if (top + ROW_HEIGHT > self->scroll_y + view)
    self->scroll_y = top + ROW_HEIGHT - view;
  clamp_scroll (self);
  gtk_widget_queue_draw (widget);
}

static void
open_selected_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VigilTimeline *self = VIGIL_TIMELINE (widget);

  if (self->rows == NULL || self->selected < 0 || (guint) self->selected >= self->rows->len)
    return;
  gtk_widget_activate_action (widget, "win.open-incident", "s",
                              ((Row *) g_ptr_array_index (self->rows, self->selected))->id);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  vigil_timeline_zoom (VIGIL_TIMELINE (widget),
                       g_str_equal (action_name, "timeline.zoom-in") ? 0.5 : 2.0);
}

static void
vigil_timeline_class_init (VigilTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_timeline_dispose;
  object_class->finalize = vigil_timeline_finalize;
  object_class->get_property = vigil_timeline_get_property;
  widget_class->snapshot = vigil_timeline_snapshot;
  widget_class->map = vigil_timeline_map;
  widget_class->query_tooltip = vigil_timeline_query_tooltip;
  widget_class->size_allocate = vigil_timeline_size_allocate;
  widget_class->measure = vigil_timeline_measure;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "timeline.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "timeline.zoom-out", NULL, zoom_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "timeline.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "timeline.zoom-out", NULL);
  /* Plus needs Shift on many layouts: the key it shares counts too. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "timeline.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK,
                                       "timeline.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK,
                                       "timeline.zoom-out", NULL);
  gtk_widget_class_install_action (widget_class, "timeline.select", "i", select_action);
  gtk_widget_class_install_action (widget_class, "timeline.open-selected", NULL,
                                   open_selected_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, 0, "timeline.select", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, 0, "timeline.select", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0,
                                       "timeline.open-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0,
                                       "timeline.open-selected", NULL);
  gtk_widget_class_install_action (widget_class, "timeline.export-png", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "timeline.export-pdf", NULL, export_action);
  gtk_widget_class_set_css_name (widget_class, "timeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
vigil_timeline_init (VigilTimeline *self)
{
  GtkEventController *scroll, *motion, *focus;
  GtkGesture *drag, *click;
  GtkWidget *button, *linked;
  g_autoptr(GMenu) menu = NULL;

  vigil_refresh_init (&self->refresh, GTK_WIDGET (self), REFRESH_DELAY_MS, refresh_cb);
  self->selected = -1;
  self->pointer_x = -1;
  self->span = 3600.0 * 24 * 30;
  self->start = g_get_real_time () / G_USEC_PER_SEC - self->span * 0.9;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);

  self->zoom_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (self->progress), TRUE);
  gtk_widget_set_valign (self->progress, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (self->progress, 220, -1);
  gtk_widget_set_visible (self->progress, FALSE);
  gtk_box_append (GTK_BOX (self->zoom_box), self->progress);
  linked = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (linked, "linked");
  gtk_widget_add_css_class (linked, "osd");
  button = gtk_button_new_from_icon_name ("zoom-out-symbolic");
  gtk_widget_set_tooltip_text (button, _("Zoom Out (Ctrl+−)"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "timeline.zoom-out");
  gtk_box_append (GTK_BOX (linked), button);
  button = gtk_button_new_from_icon_name ("zoom-in-symbolic");
  gtk_widget_set_tooltip_text (button, _("Zoom In (Ctrl++)"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "timeline.zoom-in");
  gtk_box_append (GTK_BOX (linked), button);
  gtk_box_append (GTK_BOX (self->zoom_box), linked);
  menu = g_menu_new ();
  g_menu_append (menu, _("Image of This View (PNG)…"), "timeline.export-png");
  g_menu_append (menu, _("All Incidents over the Time Shown (PDF)…"), "timeline.export-pdf");
  button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "document-save-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_menu_button_set_direction (GTK_MENU_BUTTON (button), GTK_ARROW_UP);
  gtk_widget_set_tooltip_text (button, _("Export"));
  gtk_widget_add_css_class (button, "osd");
  gtk_box_append (GTK_BOX (self->zoom_box), button);
  gtk_widget_set_parent (self->zoom_box, GTK_WIDGET (self));

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES |
                                            GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "enter", G_CALLBACK (on_motion_cb), self);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  /* A click (not a drag: the click gesture gives up once the pointer moves)
   * opens the incident of the row. */
  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed_cb), self);
  g_signal_connect (click, "released", G_CALLBACK (on_released_cb), self);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (focus, "enter", G_CALLBACK (on_focus_enter_cb), self);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (gtk_widget_queue_draw), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
vigil_timeline_new (void)
{
  return g_object_new (VIGIL_TYPE_TIMELINE, NULL);
}

void
vigil_timeline_set_workspace (VigilTimeline  *self,
                              VigilWorkspace *workspace)
{
  g_return_if_fail (VIGIL_IS_TIMELINE (self));
  g_return_if_fail (workspace == NULL || VIGIL_IS_WORKSPACE (workspace));

  if (self->workspace == workspace)
    return;

  g_cancellable_cancel (self->cancellable);
  vigil_refresh_reset (&self->refresh);
  g_clear_handle_id (&self->deadline_id, g_source_remove);
  if (self->incidents != NULL)
    g_signal_handlers_disconnect_by_data (self->incidents, self);
  g_clear_object (&self->incidents);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  self->selected = -1;
  set_loading (self, FALSE);
  g_set_object (&self->workspace, workspace);
  self->loaded = FALSE;

  if (workspace != NULL)
    {
      self->incidents = g_object_ref (vigil_workspace_get_incidents (workspace));
      g_signal_connect_swapped (self->incidents, "items-changed",
                                G_CALLBACK (on_items_changed_cb), self);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        vigil_timeline_load (self);
    }
}

gboolean
vigil_timeline_get_loaded (VigilTimeline *self)
{
  g_return_val_if_fail (VIGIL_IS_TIMELINE (self), FALSE);
  return self->loaded;
}

gboolean
vigil_timeline_get_loading (VigilTimeline *self)
{
  g_return_val_if_fail (VIGIL_IS_TIMELINE (self), FALSE);
  return self->loading;
}

guint
vigil_timeline_get_n_rows (VigilTimeline *self)
{
  g_return_val_if_fail (VIGIL_IS_TIMELINE (self), 0);
  return self->rows != NULL ? self->rows->len : 0;
}

const char *
vigil_timeline_get_row_id (VigilTimeline *self,
                           guint          row)
{
  g_return_val_if_fail (VIGIL_IS_TIMELINE (self), NULL);
  g_return_val_if_fail (self->rows != NULL && row < self->rows->len, NULL);
  return ((Row *) g_ptr_array_index (self->rows, row))->id;
}

double
vigil_timeline_get_span (VigilTimeline *self)
{
  g_return_val_if_fail (VIGIL_IS_TIMELINE (self), 0);
  return self->span;
}

/* The time (Unix seconds) at @x, in widget coordinates. */
double
vigil_timeline_get_time_at (VigilTimeline *self,
                            double         x)
{
  g_return_val_if_fail (VIGIL_IS_TIMELINE (self), 0);
  return x_to_time (self, x);
}

/* The middle of @row's label, in widget coordinates. */
void
vigil_timeline_get_row_point (VigilTimeline *self,
                              guint          row,
                              double        *x,
                              double        *y)
{
  g_return_if_fail (VIGIL_IS_TIMELINE (self));
  *x = bar_left (self) / 2;
  *y = HEADER_HEIGHT + row * ROW_HEIGHT + ROW_HEIGHT / 2.0 - self->scroll_y;
}

guint
vigil_timeline_count_deadlines (VigilTimeline      *self,
                                VigilDeadlineState  state)
{
  guint n = 0;

  g_return_val_if_fail (VIGIL_IS_TIMELINE (self), 0);

  for (guint i = 0; self->rows != NULL && i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);

      for (guint j = 0; j < row->deadlines->len; j++)
        n += g_array_index (row->deadlines, Due, j).state == state;
    }
  return n;
}

gint64
vigil_timeline_get_last_draw_time (VigilTimeline *self)
{
  g_return_val_if_fail (VIGIL_IS_TIMELINE (self), 0);
  return self->last_draw_us;
}

/* The row chosen by the keyboard or a click, or -1. */
int
vigil_timeline_get_selected (VigilTimeline *self)
{
  g_return_val_if_fail (VIGIL_IS_TIMELINE (self), -1);
  return self->selected;
}
