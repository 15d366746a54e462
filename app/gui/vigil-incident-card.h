/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include <vigil/vigil.h>

G_BEGIN_DECLS

#define VIGIL_TYPE_INCIDENT_CARD (vigil_incident_card_get_type ())
G_DECLARE_FINAL_TYPE (VigilIncidentCard, vigil_incident_card, VIGIL, INCIDENT_CARD, GtkWidget)

GtkWidget     *vigil_incident_card_new                (void);
VigilIncident *vigil_incident_card_get_incident       (VigilIncidentCard *self);
void           vigil_incident_card_set_incident       (VigilIncidentCard *self,
                                                       VigilIncident     *incident);
void           vigil_incident_card_refresh_age        (VigilIncidentCard *self);

const char    *vigil_incident_card_get_type_icon_name (const char        *type);
char          *vigil_incident_card_dup_initials       (const char        *name);
char          *vigil_incident_card_format_age         (GDateTime         *since,
                                                       GDateTime         *now);

G_END_DECLS
