/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include <vigil/vigil.h>

G_BEGIN_DECLS

/*
 * The DORA classification of an incident (step 5): a form for every input of
 * the classification rules, a Classify button that applies "dora.classify"
 * through the workspace, the core's result with its reasons, the
 * recurring-incidents check and every earlier classification.
 */
#define VIGIL_TYPE_DORA_CLASSIFICATION (vigil_dora_classification_get_type ())
G_DECLARE_FINAL_TYPE (VigilDoraClassification, vigil_dora_classification,
                      VIGIL, DORA_CLASSIFICATION, GtkWidget)

GtkWidget *vigil_dora_classification_new      (VigilWorkspace          *workspace,
                                               VigilIncident           *incident);
/* Shows the incident as it is now; inputs being edited are left alone. */
void       vigil_dora_classification_refresh  (VigilDoraClassification *self);
/* Whether a classification is on its way to the store, or the history or
 * the recurring-incidents check is being read. */
gboolean   vigil_dora_classification_get_busy (VigilDoraClassification *self);
/* Returns: (nullable): why the form cannot be changed, %NULL when it can */
const char *vigil_dora_classification_get_read_only_reason (VigilDoraClassification *self);
/* How many classifications the history lists; -1 while it is read. */
int        vigil_dora_classification_get_n_history (VigilDoraClassification *self);

/* Shared by the DORA sections: "Germany" for "DE". */
const char *vigil_dora_state_get_name (const char *code);

G_END_DECLS
