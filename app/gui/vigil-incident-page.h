/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include <vigil/vigil.h>

G_BEGIN_DECLS

#define VIGIL_TYPE_INCIDENT_PAGE (vigil_incident_page_get_type ())
G_DECLARE_FINAL_TYPE (VigilIncidentPage, vigil_incident_page, VIGIL, INCIDENT_PAGE, GtkWidget)

GtkWidget      *vigil_incident_page_new           (void);
VigilWorkspace *vigil_incident_page_get_workspace (VigilIncidentPage *self);
void            vigil_incident_page_set_workspace (VigilIncidentPage *self,
                                                   VigilWorkspace    *workspace);
VigilIncident  *vigil_incident_page_get_incident  (VigilIncidentPage *self);
/* Shows @incident at its current step (flushing what the previous one had
 * pending). */
void            vigil_incident_page_set_incident  (VigilIncidentPage *self,
                                                   VigilIncident     *incident);
guint           vigil_incident_page_get_step      (VigilIncidentPage *self);
void            vigil_incident_page_select_step   (VigilIncidentPage *self,
                                                   guint              step);
void            vigil_incident_page_show_history  (VigilIncidentPage *self);
/* Sends what was typed at once instead of after the pause. */
void            vigil_incident_page_flush         (VigilIncidentPage *self);
/* Sends everything typed and not saved yet at once: the window closes. */
void            vigil_incident_page_flush_all     (VigilIncidentPage *self);
/* Whether changes wait to be sent or are being applied. */
gboolean        vigil_incident_page_get_busy      (VigilIncidentPage *self);
/* Hashes @file again and compares it with the SHA-256 recorded for the
 * evidence (step 2); the result shows as a notification and is recorded in
 * the chain of custody. */
void            vigil_incident_page_verify_evidence (VigilIncidentPage *self,
                                                     const char        *evidence_id,
                                                     GFile             *file);
gboolean        vigil_incident_page_get_verifying (VigilIncidentPage *self);
/* The read-only reason shown over the step, or %NULL when it can be edited. */
const char     *vigil_incident_page_get_read_only_reason (VigilIncidentPage *self);

G_END_DECLS
