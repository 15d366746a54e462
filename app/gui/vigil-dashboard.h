/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <vigil/vigil.h>

G_BEGIN_DECLS

#define VIGIL_DASHBOARD_ERROR (vigil_dashboard_error_quark ())

typedef enum {
  VIGIL_DASHBOARD_ERROR_NO_FIGURES,
  VIGIL_DASHBOARD_ERROR_RENDER,
} VigilDashboardError;

GQuark vigil_dashboard_error_quark (void);

#define VIGIL_TYPE_DASHBOARD (vigil_dashboard_get_type ())
G_DECLARE_FINAL_TYPE (VigilDashboard, vigil_dashboard, VIGIL, DASHBOARD, AdwBin)

/* The manager's figures over the workspace's store: open incidents per step,
 * severity and type, the mean and median times and the last twelve weeks.
 * They are computed off the main loop when the view is shown, and again a
 * moment after the incidents change while it is shown. */
void          vigil_dashboard_set_workspace (VigilDashboard *self,
                                             VigilWorkspace *workspace);
/* TRUE while figures are being computed. */
gboolean      vigil_dashboard_get_computing (VigilDashboard *self);
/* Returns: (transfer none) (nullable): the figures shown */
VigilFigures *vigil_dashboard_get_figures   (VigilDashboard *self);
/* Writes one CSV file per table, vigil-figures-<table>.csv, into @folder. */
gboolean      vigil_dashboard_export_csv    (VigilDashboard *self,
                                             GFile          *folder,
                                             GError        **error);
/* Renders the figures as shown into a PNG image at @file. */
gboolean      vigil_dashboard_export_png    (VigilDashboard *self,
                                             GFile          *file,
                                             GError        **error);

/* Renders the figures as shown into a one-page PDF at @file. */
gboolean      vigil_dashboard_export_pdf    (VigilDashboard *self,
                                             GFile          *file,
                                             GError        **error);

G_END_DECLS
