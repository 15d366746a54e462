/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-dashboard"

#include "config.h"

#include <string.h>

#include <cairo-pdf.h>
#include <glib/gi18n.h>

#include "vigil-dashboard.h"
#include "vigil-refresh.h"

/* How long the incidents must stay still before the figures are computed
 * again: a sync may change many incidents in a row. */
#define REFRESH_DELAY_MS 1000

#define ROW_HEIGHT 24
#define BAR_GAP 6
#define TREND_HEIGHT 180
#define LABEL_COLUMN 180
#define PNG_MARGIN 24

struct _VigilDashboard
{
  AdwBin          parent_instance;

  GtkStack       *stack;
  GtkSpinner     *spinner;
  GtkSpinner     *refresh_spinner;
  GtkLabel       *open_label;
  GtkLabel       *computed_label;
  GtkBox         *content;
  GtkBox         *charts;

  VigilWorkspace *workspace;
  GListModel     *incidents;
  GCancellable   *cancellable;
  VigilFigures   *figures;
  VigilRefresh    refresh;
  gboolean        computing;
};

G_DEFINE_FINAL_TYPE (VigilDashboard, vigil_dashboard, ADW_TYPE_BIN)
G_DEFINE_QUARK (vigil-dashboard-error-quark, vigil_dashboard_error)

enum {
  PROP_0,
  PROP_COMPUTING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void vigil_dashboard_compute (VigilDashboard *self);

/* A chart's rows: a label and a count each. */
typedef struct {
  GPtrArray *labels;
  GArray    *values;
} Bars;

static void
bars_free (gpointer data)
{
  Bars *bars = data;

  g_ptr_array_unref (bars->labels);
  g_array_unref (bars->values);
  g_free (bars);
}

static Bars *
bars_new (void)
{
  Bars *bars = g_new0 (Bars, 1);

  bars->labels = g_ptr_array_new_with_free_func (g_free);
  bars->values = g_array_new (FALSE, TRUE, sizeof (guint));
  return bars;
}

static void
bars_add (Bars       *bars,
          const char *label,
          guint       value)
{
  g_ptr_array_add (bars->labels, g_strdup (label));
  g_array_append_val (bars->values, value);
}

/* Colours that read on light and dark backgrounds alike (the Adwaita
 * palette's blue 3 and green 4); text takes the widget's own colour. */
static const GdkRGBA opened_color = { 0.208, 0.518, 0.894, 1.0 };
static const GdkRGBA closed_color = { 0.180, 0.761, 0.494, 1.0 };

static void
get_foreground (GtkWidget *widget,
                GdkRGBA   *color)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
draw_text (cairo_t     *cr,
           PangoLayout *layout,
           const char  *text,
           double       x,
           double       y_center,
           gboolean     align_right)
{
  int width, height;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &width, &height);
  cairo_move_to (cr, align_right ? x - width : x, y_center - height / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_bars (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        user_data)
{
  GtkWidget *widget = GTK_WIDGET (area);
  Bars *bars = g_object_get_data (G_OBJECT (area), "bars");
  g_autoptr(PangoLayout) layout = NULL;
  GdkRGBA fg;
  guint max = 1;
  int label_width = 0;
  double bar_x, bar_room;

  if (bars == NULL)
    return;

  get_foreground (widget, &fg);
  layout = gtk_widget_create_pango_layout (widget, NULL);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);

  for (guint i = 0; i < bars->labels->len; i++)
    {
      int w;

      max = MAX (max, g_array_index (bars->values, guint, i));
      pango_layout_set_text (layout, g_ptr_array_index (bars->labels, i), -1);
      pango_layout_get_pixel_size (layout, &w, NULL);
      label_width = MAX (label_width, w);
    }
  /* The same label column in every chart, so that the bars line up. */
  label_width = MAX (label_width, LABEL_COLUMN);
  label_width = MIN (label_width, width * 2 / 5);
  bar_x = label_width + 12;
  /* Room for the number after the longest bar. */
  bar_room = MAX (width - bar_x - 48, 1);

  for (guint i = 0; i < bars->labels->len; i++)
    {
      guint value = g_array_index (bars->values, guint, i);
      double y = i * ROW_HEIGHT;
      double length = bar_room * value / max;
      g_autofree char *number = g_strdup_printf ("%u", value);

      gdk_cairo_set_source_rgba (cr, &fg);
      pango_layout_set_width (layout, label_width * PANGO_SCALE);
      draw_text (cr, layout, g_ptr_array_index (bars->labels, i), label_width,
                 y + ROW_HEIGHT / 2.0, TRUE);
      pango_layout_set_width (layout, -1);

      if (value > 0)
        {
          gdk_cairo_set_source_rgba (cr, &opened_color);
          cairo_rectangle (cr, bar_x, y + BAR_GAP / 2.0, MAX (length, 2),
                           ROW_HEIGHT - BAR_GAP);
          cairo_fill (cr);
        }
      else
        {
          GdkRGBA faint = fg;

          faint.alpha *= 0.25;
          gdk_cairo_set_source_rgba (cr, &faint);
          cairo_rectangle (cr, bar_x, y + BAR_GAP / 2.0, 1, ROW_HEIGHT - BAR_GAP);
          cairo_fill (cr);
        }

      gdk_cairo_set_source_rgba (cr, &fg);
      draw_text (cr, layout, number, bar_x + MAX (length, 2) + 6, y + ROW_HEIGHT / 2.0, FALSE);
    }
}

static void
draw_legend_entry (cairo_t       *cr,
                   PangoLayout   *layout,
                   const GdkRGBA *swatch,
                   const GdkRGBA *fg,
                   const char    *text,
                   double        *x,
                   double         y_center)
{
  int width;

  gdk_cairo_set_source_rgba (cr, swatch);
  cairo_rectangle (cr, *x, y_center - 6, 12, 12);
  cairo_fill (cr);
  gdk_cairo_set_source_rgba (cr, fg);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &width, NULL);
  draw_text (cr, layout, text, *x + 18, y_center, FALSE);
  *x += 18 + width + 18;
}

static void
draw_trend (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  VigilDashboard *self = user_data;
  GtkWidget *widget = GTK_WIDGET (area);
  g_autoptr(PangoLayout) layout = NULL;
  VigilFigures *figures = self->figures;
  GdkRGBA fg, faint;
  guint max = 1;
  double x = 0, top = 28, bottom, column, bar;
  int text_height;

  if (figures == NULL)
    return;

  get_foreground (widget, &fg);
  faint = fg;
  faint.alpha *= 0.3;
  layout = gtk_widget_create_pango_layout (widget, "W52");
  pango_layout_get_pixel_size (layout, NULL, &text_height);

  draw_legend_entry (cr, layout, &opened_color, &fg, _("Opened"), &x, 10);
  draw_legend_entry (cr, layout, &closed_color, &fg, _("Closed"), &x, 10);

  for (guint i = 0; i < VIGIL_FIGURES_N_WEEKS; i++)
    max = MAX (max, MAX (figures->weeks[i].opened, figures->weeks[i].closed));

  /* Numbers above the bars, week labels below the base line. */
  top += text_height;
  bottom = height - text_height - 6;
  column = (double) width / VIGIL_FIGURES_N_WEEKS;
  bar = MAX ((column - 10) / 2, 2);

  gdk_cairo_set_source_rgba (cr, &faint);
  cairo_rectangle (cr, 0, bottom, width, 1);
  cairo_fill (cr);

  for (guint i = 0; i < VIGIL_FIGURES_N_WEEKS; i++)
    {
      const VigilFiguresWeek *week = &figures->weeks[i];
      guint values[2] = { week->opened, week->closed };
      const GdkRGBA *colors[2] = { &opened_color, &closed_color };
      double left = i * column + 5;
      g_autofree char *name = g_strdup_printf (C_("week", "W%02u"), week->iso_week);
      int name_width;

      for (guint k = 0; k < 2; k++)
        {
          double h = (bottom - top) * values[k] / max;
          double bx = left + k * bar;

          if (values[k] > 0)
            {
              g_autofree char *number = g_strdup_printf ("%u", values[k]);
              int number_width;

              gdk_cairo_set_source_rgba (cr, colors[k]);
              cairo_rectangle (cr, bx, bottom - h, bar - 1, h);
              cairo_fill (cr);
              gdk_cairo_set_source_rgba (cr, &fg);
              pango_layout_set_text (layout, number, -1);
              pango_layout_get_pixel_size (layout, &number_width, NULL);
              draw_text (cr, layout, number, bx + (bar - 1 - number_width) / 2.0,
                         bottom - h - text_height / 2.0 - 2, FALSE);
            }
        }

      gdk_cairo_set_source_rgba (cr, &fg);
      pango_layout_set_text (layout, name, -1);
      pango_layout_get_pixel_size (layout, &name_width, NULL);
      draw_text (cr, layout, name, i * column + (column - name_width) / 2.0,
                 bottom + 3 + text_height / 2.0, FALSE);
    }
}

/* Building the view */

static char *
format_duration (double seconds)
{
  guint64 minutes = (guint64) (seconds / 60 + 0.5);

  if (minutes < 60)
    return g_strdup_printf (_("%u min"), (guint) minutes);
  if (minutes < 48 * 60)
    return g_strdup_printf (_("%u h %u min"), (guint) (minutes / 60), (guint) (minutes % 60));
  return g_strdup_printf (_("%u d %u h"), (guint) (minutes / (24 * 60)),
                          (guint) ((minutes / 60) % 24));
}

static void
add_heading (VigilDashboard *self,
             const char     *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (self->charts, label);
}

static void
add_bars (VigilDashboard *self,
          const char     *title,
          Bars           *bars)
{
  GtkWidget *area = gtk_drawing_area_new ();
  GString *description = g_string_new (NULL);

  add_heading (self, title);
  for (guint i = 0; i < bars->labels->len; i++)
    g_string_append_printf (description, "%s%s: %u", i > 0 ? ", " : "",
                            (char *) g_ptr_array_index (bars->labels, i),
                            g_array_index (bars->values, guint, i));
  gtk_accessible_update_property (GTK_ACCESSIBLE (area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str,
                                  -1);
  g_string_free (description, TRUE);

  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area),
                                       MAX (bars->labels->len, 1) * ROW_HEIGHT);
  g_object_set_data_full (G_OBJECT (area), "bars", bars, bars_free);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_bars, NULL, NULL);
  gtk_box_append (self->charts, area);
}

static Bars *
counts_to_bars (GArray          *counts,
                VigilChoiceList  list)
{
  Bars *bars = bars_new ();

  for (guint i = 0; i < counts->len; i++)
    {
      const VigilFiguresCount *count = &g_array_index (counts, VigilFiguresCount, i);

      bars_add (bars,
                count->id != NULL ? vigil_process_get_choice_label (list, count->id)
                                  : _("Not assessed"),
                count->open);
    }
  return bars;
}

static void
add_times (VigilDashboard *self)
{
  GtkWidget *grid = gtk_grid_new ();

  add_heading (self, _("Times"));
  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);

  for (guint k = 0; k < VIGIL_N_SPANS; k++)
    {
      const VigilFiguresSpan *span = &self->figures->spans[k];
      GtkWidget *name = gtk_label_new (vigil_figures_span_get_label (k));
      GtkWidget *value;
      g_autofree char *text = NULL;

      if (span->n == 0)
        text = g_strdup (_("No incidents yet"));
      else
        {
          g_autofree char *mean = format_duration (span->mean_seconds);
          g_autofree char *median = format_duration (span->median_seconds);

          text = g_strdup_printf (ngettext ("mean %s, median %s (%u incident)",
                                            "mean %s, median %s (%u incidents)", span->n),
                                  mean, median, span->n);
        }
      value = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_label_set_wrap (GTK_LABEL (value), TRUE);
      gtk_widget_add_css_class (name, "dim-label");
      gtk_widget_set_name (value, vigil_figures_span_get_id (k));
      gtk_grid_attach (GTK_GRID (grid), name, 0, k, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value, 1, k, 1, 1);
    }
  gtk_box_append (self->charts, grid);
}

static void
add_trend (VigilDashboard *self)
{
  GtkWidget *area = gtk_drawing_area_new ();
  GString *description = g_string_new (NULL);

  add_heading (self, _("Last 12 Weeks"));
  for (guint i = 0; i < VIGIL_FIGURES_N_WEEKS; i++)
    {
      const VigilFiguresWeek *week = &self->figures->weeks[i];

      g_string_append_printf (description, _("%sweek %u: %u opened, %u closed"),
                              i > 0 ? "; " : "", week->iso_week, week->opened, week->closed);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Opened and closed per week"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str,
                                  -1);
  g_string_free (description, TRUE);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), TREND_HEIGHT);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_trend, self, NULL);
  gtk_box_append (self->charts, area);
}

/* At most this many incidents are named in a tile's tooltip, and listed in
 * its popover. */
#define TOOLTIP_MAX_LINES 15
#define POPOVER_MAX_ROWS 200

static char *
format_time (GDateTime *when)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (when);

  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

/* "INC-0042 Payments down: Initial report due 2025-03-03 15:00, missed" */
static char *
describe_report (const VigilFiguresReport *report)
{
  g_autofree char *due = format_time (report->due);

  /* Translators: reference, title, report, its limit and its state ("missed") */
  return g_strdup_printf (_("%s %s: %s due %s, %s"),
                          vigil_incident_get_reference (report->incident),
                          vigil_incident_get_title (report->incident),
                          vigil_figures_report_kind_get_label (report->kind), due,
                          vigil_deadline_state_get_label (report->state));
}

/* The incidents behind a tile's number: a heading, then one line each. */
typedef struct {
  char      *heading;
  GPtrArray *ids;
  GPtrArray *lines;
} TileList;

static void
tile_list_free (gpointer data)
{
  TileList *list = data;

  g_free (list->heading);
  g_ptr_array_unref (list->ids);
  g_ptr_array_unref (list->lines);
  g_free (list);
}

static TileList *
tile_list_new (const char *heading)
{
  TileList *list = g_new0 (TileList, 1);

  list->heading = g_strdup (heading);
  list->ids = g_ptr_array_new_with_free_func (g_free);
  list->lines = g_ptr_array_new_with_free_func (g_free);
  return list;
}

static void
tile_list_add (TileList      *list,
               VigilIncident *incident,
               char          *line)
{
  g_ptr_array_add (list->ids, g_strdup (vigil_incident_get_id (incident)));
  g_ptr_array_add (list->lines, line);
}

static void
append_lists (GString   *text,
              TileList **lists,
              guint      n_lists)
{
  for (guint k = 0; k < n_lists; k++)
    {
      TileList *list = lists[k];
      guint shown = MIN (list->lines->len, TOOLTIP_MAX_LINES);

      if (list->lines->len == 0)
        continue;
      if (text->len > 0)
        g_string_append (text, "\n\n");
      g_string_append (text, list->heading);
      for (guint i = 0; i < shown; i++)
        g_string_append_printf (text, "\n%s", (char *) g_ptr_array_index (list->lines, i));
      if (list->lines->len > shown)
        {
          guint more = list->lines->len - shown;

          g_string_append_c (text, '\n');
          /* Translators: after a list of incidents cut short */
          g_string_append_printf (text, ngettext ("and %u more", "and %u more", more), more);
        }
    }
}

static void
on_incident_row_activated_cb (GtkListBox    *box,
                              GtkListBoxRow *row,
                              gpointer       user_data)
{
  const char *id = g_object_get_data (G_OBJECT (row), "incident-id");
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (box), GTK_TYPE_POPOVER);
  GtkWidget *tile = popover != NULL ? gtk_widget_get_parent (popover) : NULL;

  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
  gtk_widget_activate_action (tile != NULL ? tile : GTK_WIDGET (box), "win.open-incident",
                              "s", id);
}

/* A popover that lists the incidents; choosing one opens it. */
static GtkWidget *
new_tile_popover (TileList **lists,
                  guint      n_lists)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 420);
  gtk_scrolled_window_set_max_content_width (GTK_SCROLLED_WINDOW (scrolled), 640);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  for (guint k = 0; k < n_lists; k++)
    {
      TileList *list = lists[k];
      GtkWidget *heading, *listbox;
      guint shown = MIN (list->lines->len, POPOVER_MAX_ROWS);

      if (list->lines->len == 0)
        continue;
      heading = gtk_label_new (list->heading);
      gtk_label_set_xalign (GTK_LABEL (heading), 0);
      gtk_widget_add_css_class (heading, "heading");
      gtk_widget_set_margin_start (heading, 6);
      gtk_box_append (GTK_BOX (box), heading);

      listbox = gtk_list_box_new ();
      gtk_list_box_set_selection_mode (GTK_LIST_BOX (listbox), GTK_SELECTION_NONE);
      gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (listbox), TRUE);
      gtk_widget_add_css_class (listbox, "boxed-list");
      gtk_accessible_update_property (GTK_ACCESSIBLE (listbox),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, list->heading, -1);
      for (guint i = 0; i < shown; i++)
        {
          GtkWidget *row = gtk_list_box_row_new ();
          GtkWidget *label = gtk_label_new (g_ptr_array_index (list->lines, i));

          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          gtk_widget_set_margin_top (label, 8);
          gtk_widget_set_margin_bottom (label, 8);
          gtk_widget_set_margin_start (label, 10);
          gtk_widget_set_margin_end (label, 10);
          gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
          gtk_widget_set_tooltip_text (row, _("Open the incident"));
          g_object_set_data_full (G_OBJECT (row), "incident-id",
                                  g_strdup (g_ptr_array_index (list->ids, i)), g_free);
          gtk_list_box_append (GTK_LIST_BOX (listbox), row);
        }
      g_signal_connect (listbox, "row-activated", G_CALLBACK (on_incident_row_activated_cb),
                        NULL);
      gtk_box_append (GTK_BOX (box), listbox);
      if (list->lines->len > shown)
        {
          guint more = list->lines->len - shown;
          g_autofree char *text = g_strdup_printf (ngettext ("and %u more (see the CSV export)",
                                                             "and %u more (see the CSV export)",
                                                             more), more);
          GtkWidget *label = gtk_label_new (text);

          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_widget_add_css_class (label, "dim-label");
          gtk_box_append (GTK_BOX (box), label);
        }
    }
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), box);
  gtk_popover_set_child (GTK_POPOVER (popover), scrolled);
  return popover;
}

/* A figure tile: a large number, what it counts and a line below it; a
 * click lists the incidents behind it, the tooltip names the first ones. */
static GtkWidget *
new_tile (const char  *name,
          guint        number,
          gboolean     alarm,
          const char  *caption,
          const char  *detail,
          const char  *empty,
          TileList   **lists,
          guint        n_lists)
{
  GtkWidget *tile = gtk_menu_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *value, *label;
  g_autofree char *text = g_strdup_printf ("%u", number);
  g_autofree char *accessible = g_strdup_printf ("%u %s. %s", number, caption, detail);
  g_autofree char *tile_name = g_strconcat (name, "-tile", NULL);
  g_autoptr(GString) tooltip = g_string_new (NULL);
  GtkWidget *popover;
  gboolean any = FALSE;

  for (guint k = 0; k < n_lists; k++)
    any |= lists[k]->lines->len > 0;
  append_lists (tooltip, lists, n_lists);
  if (!any)
    g_string_append (tooltip, empty);

  gtk_widget_set_name (tile, tile_name);
  gtk_widget_add_css_class (tile, "card");
  gtk_widget_set_hexpand (tile, TRUE);
  gtk_widget_set_tooltip_text (tile, tooltip->str);
  gtk_menu_button_set_has_frame (GTK_MENU_BUTTON (tile), FALSE);
  if (any)
    popover = new_tile_popover (lists, n_lists);
  else
    {
      /* Nothing to list: the popover says so, the tile stays a button. */
      label = gtk_label_new (empty);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
      popover = gtk_popover_new ();
      gtk_popover_set_child (GTK_POPOVER (popover), label);
    }
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (tile), popover);

  value = gtk_label_new (text);
  gtk_widget_set_name (value, name);
  gtk_label_set_xalign (GTK_LABEL (value), 0);
  gtk_widget_set_margin_top (value, 6);
  gtk_widget_add_css_class (value, "title-1");
  gtk_widget_add_css_class (value, "numeric");
  /* Red only when something is owed: the number says it, the colour repeats it. */
  if (alarm)
    gtk_widget_add_css_class (value, "error");
  gtk_box_append (GTK_BOX (box), value);

  label = gtk_label_new (caption);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);

  label = gtk_label_new (detail);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_widget_add_css_class (label, "dim-label");
  /* Not the bold of a button's label. */
  gtk_widget_add_css_class (label, "body");
  gtk_box_append (GTK_BOX (box), label);

  gtk_menu_button_set_child (GTK_MENU_BUTTON (tile), box);
  /* The text at the left, as in the rest of the dashboard: the menu
   * button centres its content in boxes of its own. */
  for (GtkWidget *w = box; w != NULL && w != tile; w = gtk_widget_get_parent (w))
    {
      gtk_widget_set_hexpand (w, TRUE);
      gtk_widget_set_halign (w, GTK_ALIGN_FILL);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (tile),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip->str,
                                  -1);
  return tile;
}

/* The DORA majors and the overdue reports, as two tiles side by side. */
static void
add_dora_tiles (VigilDashboard *self)
{
  VigilFigures *figures = self->figures;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  TileList *majors = tile_list_new (_("Open incidents classified major:"));
  TileList *overdue = tile_list_new (_("Not submitted, limit passed:"));
  TileList *late = tile_list_new (_("Submitted late:"));
  TileList *reports[2] = { overdue, late };
  g_autofree char *majors_caption = NULL;
  g_autofree char *majors_detail = NULL;
  g_autofree char *overdue_caption = NULL;
  g_autofree char *overdue_detail = NULL;

  gtk_box_set_homogeneous (GTK_BOX (box), TRUE);

  for (guint i = 0; i < figures->majors->len; i++)
    {
      VigilIncident *incident = g_ptr_array_index (figures->majors, i);
      GString *line = g_string_new (NULL);

      g_string_append_printf (line, "%s %s", vigil_incident_get_reference (incident),
                              vigil_incident_get_title (incident));
      /* The deadline running, if any: the first report not yet submitted. */
      for (guint j = 0; j < figures->reports->len; j++)
        {
          const VigilFiguresReport *report = &g_array_index (figures->reports,
                                                             VigilFiguresReport, j);
          g_autofree char *due = NULL;

          if (report->incident != incident || report->submitted_at != NULL)
            continue;
          due = format_time (report->due);
          /* Translators: "Initial report due 2025-03-03 15:00, pending" */
          g_string_append_printf (line, _(" (%s due %s, %s)"),
                                  vigil_figures_report_kind_get_label (report->kind), due,
                                  vigil_deadline_state_get_label (report->state));
          break;
        }
      tile_list_add (majors, incident, g_string_free (line, FALSE));
    }
  for (guint j = 0; j < figures->reports->len; j++)
    {
      const VigilFiguresReport *report = &g_array_index (figures->reports, VigilFiguresReport, j);

      if (vigil_figures_report_is_overdue (report))
        tile_list_add (overdue, report->incident, describe_report (report));
      else if (vigil_figures_report_is_late (report))
        tile_list_add (late, report->incident, describe_report (report));
    }

  majors_caption = g_strdup (ngettext ("DORA major incident open", "DORA major incidents open",
                                       figures->majors->len));
  majors_detail = g_strdup_printf (ngettext ("%u with a report deadline running",
                                             "%u with a report deadline running",
                                             figures->n_majors_running),
                                   figures->n_majors_running);
  overdue_caption = g_strdup (ngettext ("DORA report overdue", "DORA reports overdue",
                                        figures->n_overdue));
  overdue_detail = g_strdup_printf (ngettext ("%u report submitted late",
                                              "%u reports submitted late", figures->n_late),
                                    figures->n_late);

  gtk_box_append (GTK_BOX (box),
                  new_tile ("dora-majors", figures->majors->len, FALSE,
                            majors_caption, majors_detail,
                            _("No open incident is classified major under DORA."),
                            &majors, 1));
  gtk_box_append (GTK_BOX (box),
                  new_tile ("overdue-reports", figures->n_overdue, figures->n_overdue > 0,
                            overdue_caption, overdue_detail,
                            _("No DORA report is overdue or was submitted late."),
                            reports, G_N_ELEMENTS (reports)));
  gtk_box_append (self->charts, box);
  tile_list_free (majors);
  tile_list_free (overdue);
  tile_list_free (late);
}

static void
vigil_dashboard_rebuild (VigilDashboard *self)
{
  GtkWidget *child;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *when = NULL;
  g_autofree char *computed = NULL;
  g_autofree char *open = NULL;
  Bars *steps;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->charts))) != NULL)
    gtk_box_remove (self->charts, child);

  if (self->figures == NULL || self->figures->n_incidents == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, self->computing ? "computing" : "empty");
      return;
    }

  open = g_strdup_printf (ngettext ("%u open incident", "%u open incidents",
                                    self->figures->n_open),
                          self->figures->n_open);
  gtk_label_set_text (self->open_label, open);
  local = g_date_time_to_local (self->figures->now);
  when = g_date_time_format (local, "%Y-%m-%d %H:%M");
  computed = g_strdup_printf (ngettext ("Of %u incident, as of %s",
                                        "Of %u incidents, as of %s",
                                        self->figures->n_incidents),
                              self->figures->n_incidents, when);
  gtk_label_set_text (self->computed_label, computed);

  add_dora_tiles (self);

  steps = bars_new ();
  for (guint step = 1; step < VIGIL_N_STEPS; step++)
    {
      const VigilStepInfo *info = vigil_process_get_step (step);
      g_autofree char *name = g_strdup_printf ("%u. %s", step, vigil_step_get_short_name (info));

      bars_add (steps, name, self->figures->open_per_step[step]);
    }
  add_bars (self, _("Open per Step"), steps);
  add_bars (self, _("Open per Severity"),
            counts_to_bars (self->figures->per_severity, VIGIL_CHOICES_SEVERITY));
  add_bars (self, _("Open per Type"),
            counts_to_bars (self->figures->per_type, VIGIL_CHOICES_INCIDENT_TYPE));
  add_times (self);
  add_trend (self);

  gtk_stack_set_visible_child_name (self->stack, "figures");
}

/* Computing */

static void
set_computing (VigilDashboard *self,
               gboolean        computing)
{
  if (self->computing == computing)
    return;
  self->computing = computing;
  gtk_spinner_set_spinning (self->spinner, computing);
  /* Figures already shown stay while newer ones are computed. */
  gtk_spinner_set_spinning (self->refresh_spinner, computing);
  gtk_widget_set_visible (GTK_WIDGET (self->refresh_spinner), computing);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPUTING]);
}

static void
on_computed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VigilDashboard) self = user_data;
  g_autoptr(GError) error = NULL;
  VigilFigures *figures;

  figures = vigil_figures_compute_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_computing (self, FALSE);
  if (figures == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The figures could not be computed: %s. "
                                                    "Open the dashboard again to retry."),
                                                  error->message);

      g_message ("%s", message);
      adw_status_page_set_title (ADW_STATUS_PAGE (gtk_stack_get_child_by_name (self->stack,
                                                                                "empty")),
                                 _("No Figures"));
      adw_status_page_set_description (ADW_STATUS_PAGE (gtk_stack_get_child_by_name (self->stack,
                                                                                      "empty")),
                                       message);
      g_clear_pointer (&self->figures, vigil_figures_free);
      vigil_refresh_failed (&self->refresh);
      vigil_dashboard_rebuild (self);
      return;
    }

  g_clear_pointer (&self->figures, vigil_figures_free);
  self->figures = figures;
  /* A failure shown before is over. */
  adw_status_page_set_title (ADW_STATUS_PAGE (gtk_stack_get_child_by_name (self->stack, "empty")),
                             _("No Incidents Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (gtk_stack_get_child_by_name (self->stack,
                                                                                  "empty")),
                                   _("The figures appear here once incidents are recorded."));
  vigil_dashboard_rebuild (self);
}

static void
vigil_dashboard_compute (VigilDashboard *self)
{
  g_autoptr(GDateTime) now = NULL;

  vigil_refresh_started (&self->refresh);
  if (self->workspace == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->figures == NULL)
    gtk_stack_set_visible_child_name (self->stack, "computing");
  set_computing (self, TRUE);
  now = g_date_time_new_now_local ();
  vigil_figures_compute_async (vigil_workspace_get_store (self->workspace), now,
                               self->cancellable, on_computed_cb, g_object_ref (self));
}

static void
refresh_cb (GtkWidget *widget)
{
  vigil_dashboard_compute (VIGIL_DASHBOARD (widget));
}

static void
on_items_changed_cb (VigilDashboard *self)
{
  vigil_refresh_changed (&self->refresh);
}

static void
vigil_dashboard_map (GtkWidget *widget)
{
  VigilDashboard *self = VIGIL_DASHBOARD (widget);

  GTK_WIDGET_CLASS (vigil_dashboard_parent_class)->map (widget);
  vigil_refresh_mapped (&self->refresh);
}

/* Export */

gboolean
vigil_dashboard_export_csv (VigilDashboard *self,
                            GFile          *folder,
                            GError        **error)
{
  g_return_val_if_fail (VIGIL_IS_DASHBOARD (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (folder), FALSE);

  if (self->figures == NULL)
    {
      g_set_error_literal (error, VIGIL_DASHBOARD_ERROR, VIGIL_DASHBOARD_ERROR_NO_FIGURES,
                           _("There are no figures to export yet. Wait until they are computed."));
      return FALSE;
    }

  for (guint table = 0; table < VIGIL_N_FIGURES_TABLES; table++)
    {
      g_autofree char *csv = vigil_figures_to_csv (self->figures, table);
      g_autofree char *name = g_strdup_printf ("vigil-figures-%s.csv",
                                               vigil_figures_table_get_id (table));
      g_autoptr(GFile) file = g_file_get_child (folder, name);

      if (!g_file_replace_contents (file, csv, strlen (csv), NULL, FALSE,
                                    G_FILE_CREATE_NONE, NULL, NULL, error))
        return FALSE;
    }
  return TRUE;
}

/* The figures as shown, on the window's background with a margin. */
static GskRenderNode *
render_dashboard (VigilDashboard  *self,
                  int             *out_width,
                  int             *out_height,
                  GError         **error)
{
  GtkWidget *content = GTK_WIDGET (self->content);
  g_autoptr(GdkPaintable) paintable = NULL;
  GskRenderNode *node;
  GtkSnapshot *snapshot;
  GdkRGBA background;
  int width, height;

  width = gtk_widget_get_width (content);
  height = gtk_widget_get_height (content);
  if (self->figures == NULL || gtk_widget_get_native (content) == NULL || width <= 0 || height <= 0)
    {
      g_set_error_literal (error, VIGIL_DASHBOARD_ERROR, VIGIL_DASHBOARD_ERROR_NO_FIGURES,
                           _("There is no dashboard on screen to export. Show the dashboard "
                             "and wait until the figures are computed."));
      return NULL;
    }

  /* The view is transparent: give the image the window's background. */
  if (adw_style_manager_get_dark (adw_style_manager_get_default ()))
    gdk_rgba_parse (&background, "#242424");
  else
    gdk_rgba_parse (&background, "#fafafa");

  paintable = gtk_widget_paintable_new (content);
  snapshot = gtk_snapshot_new ();
  gtk_snapshot_append_color (snapshot, &background,
                             &GRAPHENE_RECT_INIT (0, 0, width + 2 * PNG_MARGIN,
                                                  height + 2 * PNG_MARGIN));
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (PNG_MARGIN, PNG_MARGIN));
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    {
      g_set_error_literal (error, VIGIL_DASHBOARD_ERROR, VIGIL_DASHBOARD_ERROR_RENDER,
                           _("The dashboard could not be drawn. Try again once it is shown."));
      return NULL;
    }
  *out_width = width + 2 * PNG_MARGIN;
  *out_height = height + 2 * PNG_MARGIN;
  return node;
}

gboolean
vigil_dashboard_export_png (VigilDashboard *self,
                            GFile          *file,
                            GError        **error)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width, height;

  g_return_val_if_fail (VIGIL_IS_DASHBOARD (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  node = render_dashboard (self, &width, &height, error);
  if (node == NULL)
    return FALSE;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (GTK_WIDGET (self))),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_file_get_path (file);
  if (path == NULL || !gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, VIGIL_DASHBOARD_ERROR, VIGIL_DASHBOARD_ERROR_RENDER,
                   _("The image could not be written to %s. Choose a folder you may write to."),
                   g_file_peek_path (file) ? g_file_peek_path (file) : "?");
      return FALSE;
    }
  return TRUE;
}

gboolean
vigil_dashboard_export_pdf (VigilDashboard *self,
                            GFile          *file,
                            GError        **error)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autofree char *path = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  int width, height;

  g_return_val_if_fail (VIGIL_IS_DASHBOARD (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error_literal (error, VIGIL_DASHBOARD_ERROR, VIGIL_DASHBOARD_ERROR_RENDER,
                           _("Choose a file on this computer to export to."));
      return FALSE;
    }
  node = render_dashboard (self, &width, &height, error);
  if (node == NULL)
    return FALSE;

  /* One page the size of the dashboard, at 96 pixels per inch; the text
   * and the bars stay vectors. */
  surface = cairo_pdf_surface_create (path, width * 0.75, height * 0.75);
  status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_set_error (error, VIGIL_DASHBOARD_ERROR, VIGIL_DASHBOARD_ERROR_RENDER,
                   _("The PDF could not be written to %s (%s). Choose a folder you may write to."),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, _("Incident Figures"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Vigil");
  cr = cairo_create (surface);
  cairo_scale (cr, 0.75, 0.75);
  gsk_render_node_draw (node, cr);
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, VIGIL_DASHBOARD_ERROR, VIGIL_DASHBOARD_ERROR_RENDER,
                   _("The PDF could not be written to %s (%s). Choose a folder you may write to."),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

static void
show_error (VigilDashboard *self,
            const char     *message)
{
  AdwToastOverlay *overlay = NULL;

  for (GtkWidget *w = gtk_widget_get_parent (GTK_WIDGET (self)); w != NULL;
       w = gtk_widget_get_parent (w))
    if (ADW_IS_TOAST_OVERLAY (w))
      overlay = ADW_TOAST_OVERLAY (w);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (overlay, adw_toast_new (message));
  else
    g_warning ("%s", message);
}

/* The three exports differ only in their dialog and their writer. */
typedef gboolean (*ExportFunc) (VigilDashboard *self,
                                GFile          *file,
                                GError        **error);

typedef struct {
  const char           *action;
  const char           *title;
  GtkFileChooserAction  chooser_action;
  const char           *file_name;     /* NULL: a folder is chosen */
  ExportFunc            export;
} ExportKind;

static const ExportKind export_kinds[] = {
  { "dashboard.export-csv", N_("Export Figures as CSV"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
    NULL, vigil_dashboard_export_csv },
  { "dashboard.export-png", N_("Export Dashboard as Image"), GTK_FILE_CHOOSER_ACTION_SAVE,
    "vigil-dashboard.png", vigil_dashboard_export_png },
  { "dashboard.export-pdf", N_("Export Dashboard as PDF"), GTK_FILE_CHOOSER_ACTION_SAVE,
    "vigil-dashboard.pdf", vigil_dashboard_export_pdf },
};

static void
on_export_response_cb (GtkNativeDialog *dialog,
                       int              response,
                       gpointer         user_data)
{
  VigilDashboard *self = user_data;
  const ExportKind *kind = g_object_get_data (G_OBJECT (dialog), "vigil-export");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;

      if (!kind->export (self, file, &error))
        show_error (self, error->message);
    }
  g_object_unref (dialog);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  const ExportKind *kind = NULL;
  GtkFileChooserNative *dialog;

  for (guint i = 0; i < G_N_ELEMENTS (export_kinds); i++)
    if (g_str_equal (export_kinds[i].action, action_name))
      kind = &export_kinds[i];
  g_return_if_fail (kind != NULL);

  dialog = gtk_file_chooser_native_new (_(kind->title),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        kind->chooser_action,
                                        _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  if (kind->file_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), kind->file_name);
  g_object_set_data (G_OBJECT (dialog), "vigil-export", (gpointer) kind);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_export_response_cb), widget, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* GObject */

static void
vigil_dashboard_dispose (GObject *object)
{
  VigilDashboard *self = VIGIL_DASHBOARD (object);

  vigil_dashboard_set_workspace (self, NULL);

  G_OBJECT_CLASS (vigil_dashboard_parent_class)->dispose (object);
}

static void
vigil_dashboard_finalize (GObject *object)
{
  VigilDashboard *self = VIGIL_DASHBOARD (object);

  g_clear_pointer (&self->figures, vigil_figures_free);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vigil_dashboard_parent_class)->finalize (object);
}

static void
vigil_dashboard_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VigilDashboard *self = VIGIL_DASHBOARD (object);

  switch (prop_id)
    {
    case PROP_COMPUTING:
      g_value_set_boolean (value, self->computing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_dashboard_class_init (VigilDashboardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_dashboard_dispose;
  object_class->finalize = vigil_dashboard_finalize;
  object_class->get_property = vigil_dashboard_get_property;
  widget_class->map = vigil_dashboard_map;

  properties[PROP_COMPUTING] =
    g_param_spec_boolean ("computing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vigil/Vigil/ui/vigil-dashboard.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilDashboard, stack);
  gtk_widget_class_bind_template_child (widget_class, VigilDashboard, spinner);
  gtk_widget_class_bind_template_child (widget_class, VigilDashboard, refresh_spinner);
  gtk_widget_class_bind_template_child (widget_class, VigilDashboard, open_label);
  gtk_widget_class_bind_template_child (widget_class, VigilDashboard, computed_label);
  gtk_widget_class_bind_template_child (widget_class, VigilDashboard, content);
  gtk_widget_class_bind_template_child (widget_class, VigilDashboard, charts);

  for (guint i = 0; i < G_N_ELEMENTS (export_kinds); i++)
    gtk_widget_class_install_action (widget_class, export_kinds[i].action, NULL, export_action);
}

static void
vigil_dashboard_init (VigilDashboard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  vigil_refresh_init (&self->refresh, GTK_WIDGET (self), REFRESH_DELAY_MS, refresh_cb);
}

void
vigil_dashboard_set_workspace (VigilDashboard *self,
                               VigilWorkspace *workspace)
{
  g_return_if_fail (VIGIL_IS_DASHBOARD (self));
  g_return_if_fail (workspace == NULL || VIGIL_IS_WORKSPACE (workspace));

  if (self->workspace == workspace)
    return;

  g_cancellable_cancel (self->cancellable);
  vigil_refresh_reset (&self->refresh);
  if (self->incidents != NULL)
    g_signal_handlers_disconnect_by_data (self->incidents, self);
  g_clear_object (&self->incidents);
  g_clear_pointer (&self->figures, vigil_figures_free);
  set_computing (self, FALSE);
  g_set_object (&self->workspace, workspace);

  if (workspace != NULL)
    {
      self->incidents = g_object_ref (vigil_workspace_get_incidents (workspace));
      g_signal_connect_swapped (self->incidents, "items-changed",
                                G_CALLBACK (on_items_changed_cb), self);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        vigil_dashboard_compute (self);
    }
  else
    g_clear_object (&self->workspace);
}

gboolean
vigil_dashboard_get_computing (VigilDashboard *self)
{
  g_return_val_if_fail (VIGIL_IS_DASHBOARD (self), FALSE);

  return self->computing;
}

VigilFigures *
vigil_dashboard_get_figures (VigilDashboard *self)
{
  g_return_val_if_fail (VIGIL_IS_DASHBOARD (self), NULL);

  return self->figures;
}
