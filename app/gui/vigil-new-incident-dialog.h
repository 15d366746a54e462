/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include <vigil/vigil.h>

G_BEGIN_DECLS

#define VIGIL_TYPE_NEW_INCIDENT_DIALOG (vigil_new_incident_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VigilNewIncidentDialog, vigil_new_incident_dialog,
                      VIGIL, NEW_INCIDENT_DIALOG, AdwWindow)

VigilNewIncidentDialog *vigil_new_incident_dialog_new        (GtkWindow              *parent,
                                                              VigilWorkspace         *workspace);
VigilWorkspace         *vigil_new_incident_dialog_get_workspace (VigilNewIncidentDialog *self);
void                    vigil_new_incident_dialog_set_values (VigilNewIncidentDialog *self,
                                                              const char             *title,
                                                              const char             *type_id,
                                                              const char             *description);
void                    vigil_new_incident_dialog_set_times  (VigilNewIncidentDialog *self,
                                                              GDateTime              *detected_at,
                                                              GDateTime              *aware_at);
const char             *vigil_new_incident_dialog_get_error  (VigilNewIncidentDialog *self);

G_END_DECLS
