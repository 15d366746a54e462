/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include <vigil/vigil.h>

G_BEGIN_DECLS

#define VIGIL_TYPE_INCIDENT_CARD (vigil_incident_card_get_type ())
G_DECLARE_FINAL_TYPE (VigilIncidentCard, vigil_incident_card, VIGIL, INCIDENT_CARD, GtkWidget)

GtkWidget     *vigil_incident_card_new          (void);
VigilIncident *vigil_incident_card_get_incident (VigilIncidentCard *self);
void           vigil_incident_card_set_incident (VigilIncidentCard *self,
                                                 VigilIncident     *incident);

G_END_DECLS
