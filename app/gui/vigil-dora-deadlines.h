/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include <vigil/vigil.h>

G_BEGIN_DECLS

/*
 * The DORA reporting deadlines of an incident: for each report still due,
 * the legal limit, the limit with the weekend relief and a countdown, and
 * the reports submitted. Shown once the incident was classified; the
 * countdowns are updated every minute while the section is on screen.
 */
#define VIGIL_TYPE_DORA_DEADLINES (vigil_dora_deadlines_get_type ())
G_DECLARE_FINAL_TYPE (VigilDoraDeadlines, vigil_dora_deadlines, VIGIL, DORA_DEADLINES, GtkWidget)

GtkWidget *vigil_dora_deadlines_new     (VigilIncident      *incident);
void       vigil_dora_deadlines_refresh (VigilDoraDeadlines *self);

G_END_DECLS
