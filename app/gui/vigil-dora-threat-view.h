/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include <vigil/vigil.h>

G_BEGIN_DECLS

/*
 * The significant cyber threat assessment of an incident (step 5): the
 * three questions of the classification rules, the texts a threat
 * notification needs, an Assess button that applies "dora.threat_assess"
 * and the core's answer with its reasons and the earlier assessments.
 */
#define VIGIL_TYPE_DORA_THREAT_VIEW (vigil_dora_threat_view_get_type ())
G_DECLARE_FINAL_TYPE (VigilDoraThreatView, vigil_dora_threat_view,
                      VIGIL, DORA_THREAT_VIEW, GtkWidget)

GtkWidget *vigil_dora_threat_view_new            (VigilWorkspace      *workspace,
                                                  VigilIncident       *incident);
void       vigil_dora_threat_view_refresh        (VigilDoraThreatView *self);
/* Whether an assessment is on its way to the store or the history is read. */
gboolean   vigil_dora_threat_view_get_busy       (VigilDoraThreatView *self);
/* How many assessments the history lists; -1 while it is read. */
int        vigil_dora_threat_view_get_n_history  (VigilDoraThreatView *self);

G_END_DECLS
