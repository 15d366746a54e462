/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef void (*VigilRefreshFunc) (GtkWidget *widget);

/* When a view that computes from all the incidents does so again: at once
 * when it is shown and what it shows is out of date, and, while it stays
 * shown, a while after the incidents last changed (a sync may change many
 * in a row). A view keeps one inside its instance struct. */
typedef struct {
  /*< private >*/
  GtkWidget        *widget;
  VigilRefreshFunc  func;
  guint             delay_ms;
  guint             timeout_id;
  gboolean          stale;
} VigilRefresh;

/* Starts out of date; @func recomputes @widget. */
void     vigil_refresh_init      (VigilRefresh     *self,
                                  GtkWidget        *widget,
                                  guint             delay_ms,
                                  VigilRefreshFunc  func);
/* Out of date, nothing scheduled: for a new source of data, or dispose. */
void     vigil_refresh_reset     (VigilRefresh     *self);
/* The data changed: out of date, and recomputed after the delay if the
 * widget is shown (each change restarts the delay). */
void     vigil_refresh_changed   (VigilRefresh     *self);
/* From the widget's map: recomputes at once when out of date and nothing
 * is scheduled. */
void     vigil_refresh_mapped    (VigilRefresh     *self);
/* The widget begins to recompute: up to date, nothing scheduled. */
void     vigil_refresh_started   (VigilRefresh     *self);
/* The recomputing failed: out of date, so that showing it again retries. */
void     vigil_refresh_failed    (VigilRefresh     *self);

G_END_DECLS
