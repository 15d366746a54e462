/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vigil-incident.h"
#include "vigil-op.h"
#include "vigil-store.h"
#include "vigil-sync.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_WORKSPACE (vigil_workspace_get_type ())
G_DECLARE_FINAL_TYPE (VigilWorkspace, vigil_workspace, VIGIL, WORKSPACE, GObject)

/**
 * VigilWorkspace:
 *
 * What a window works on: the store, the user acting, and one shared list
 * model of all incidents (a #GListModel of #VigilIncident) that views filter.
 * Disk work runs in worker threads; the list model is only touched on the
 * thread that owns the workspace's main context.
 *
 * When an operation changes an incident, the incident object in the model is
 * updated in place (property notifications) and its position reports an
 * items-changed of one item, so that filtered views re-check it.
 */
VigilWorkspace *vigil_workspace_new           (VigilStore     *store,
                                               const char     *actor,
                                               VigilRole       role);
VigilStore     *vigil_workspace_get_store     (VigilWorkspace *self);
const char     *vigil_workspace_get_actor     (VigilWorkspace *self);
VigilRole       vigil_workspace_get_role      (VigilWorkspace *self);
void            vigil_workspace_set_role      (VigilWorkspace *self,
                                               VigilRole       role);
GListModel     *vigil_workspace_get_incidents (VigilWorkspace *self);
VigilIncident  *vigil_workspace_lookup        (VigilWorkspace *self,
                                               const char     *incident_id);
gboolean        vigil_workspace_get_loaded    (VigilWorkspace *self);

/* How many incidents of each step a preview holds: enough to fill the
 * tallest column of a large screen. */
#define VIGIL_WORKSPACE_PREVIEW_PER_STEP 16

/**
 * vigil_workspace_get_preview:
 *
 * During the first load, between #VigilWorkspace::preview-ready and the
 * model being filled: the first incidents of each step and the counts. There
 * is none when no step has more incidents than the preview holds. The
 * incidents are copies, not the model's objects; the model stays empty
 * until the full load, so that no view works on a part of the incidents.
 * The #VigilWorkspace:has-preview property says when this changes.
 *
 * Returns: (transfer none) (nullable): the preview, or %NULL outside that
 *   time
 */
const VigilStorePreview *vigil_workspace_get_preview (VigilWorkspace *self);

/* Reads every incident from the store in worker threads and fills the model;
 * the first time, reads a preview before (see vigil_workspace_get_preview()). */
void            vigil_workspace_load_async    (VigilWorkspace *self,
                                               GCancellable   *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer        user_data);
gboolean        vigil_workspace_load_finish   (VigilWorkspace *self,
                                               GAsyncResult   *result,
                                               GError        **error);

/**
 * vigil_workspace_apply_async:
 *
 * Applies @op in a worker thread with the workspace's role, then updates the
 * model. The operation's actor is set to the workspace's actor.
 */
void            vigil_workspace_apply_async   (VigilWorkspace *self,
                                               VigilOp        *op,
                                               GCancellable   *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer        user_data);
/* Returns: (transfer none): the incident object of the model */
VigilIncident  *vigil_workspace_apply_finish  (VigilWorkspace *self,
                                               GAsyncResult   *result,
                                               GError        **error);

/**
 * vigil_workspace_set_sync:
 * @sync: (nullable): the sync of the store, or %NULL in local mode
 *
 * With a sync, what the server sends updates the model in place, and every
 * operation applied here asks the sync to push it.
 */
void            vigil_workspace_set_sync      (VigilWorkspace *self,
                                               VigilSync      *sync);
/* Returns: (transfer none) (nullable) */
VigilSync      *vigil_workspace_get_sync      (VigilWorkspace *self);
/* How many operations were handed to the store and not answered yet. */
guint           vigil_workspace_get_n_applying (VigilWorkspace *self);

G_END_DECLS
