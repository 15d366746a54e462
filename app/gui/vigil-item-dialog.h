/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include <vigil/vigil.h>

G_BEGIN_DECLS

#define VIGIL_TYPE_ITEM_DIALOG (vigil_item_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VigilItemDialog, vigil_item_dialog, VIGIL, ITEM_DIALOG, AdwWindow)

/**
 * vigil_item_dialog_new:
 * @item_id: (nullable): the entry to edit, or %NULL to add one
 * @editable: %FALSE to only show the entry
 *
 * A dialog for one entry of a list of a step form, built from the fields of
 * @collection. Save sends item.add or item.update through the workspace;
 * what the core refuses shows under the field and the dialog stays.
 */
GtkWidget   *vigil_item_dialog_new        (GtkWindow                 *parent,
                                           VigilWorkspace            *workspace,
                                           VigilIncident             *incident,
                                           const VigilFormInfo       *form,
                                           const VigilCollectionInfo *collection,
                                           const char                *item_id,
                                           gboolean                   editable);
/* Sets a field's shown value as if typed (tests and file attachment). */
void         vigil_item_dialog_set_value  (VigilItemDialog           *self,
                                           const char                *field_id,
                                           JsonNode                  *value);
/* Hashes @file as "Attach File…" does. */
void         vigil_item_dialog_attach     (VigilItemDialog           *self,
                                           GFile                     *file);
gboolean     vigil_item_dialog_get_busy   (VigilItemDialog           *self);
const char  *vigil_item_dialog_get_problem (VigilItemDialog          *self,
                                           const char                *field_id);

G_END_DECLS
