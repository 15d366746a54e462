/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-workspace"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vigil-workspace.h"

struct _VigilWorkspace
{
  GObject      parent_instance;

  VigilStore  *store;
  char        *actor;
  VigilRole    role;
  GListStore  *incidents;
  GHashTable  *by_id;      /* id -> VigilIncident (borrowed from the list) */
  gboolean     loaded;
  /* The first incidents of each step, read before all of them; only
   * until the full load is in the model. */
  VigilStorePreview *preview;
  VigilSync   *sync;
  guint        n_applying;
};

G_DEFINE_TYPE (VigilWorkspace, vigil_workspace, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADED,
  PROP_HAS_PREVIEW,
  PROP_ROLE,
  PROP_SYNC,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  PREVIEW_READY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
vigil_workspace_dispose (GObject *object)
{
  VigilWorkspace *self = (VigilWorkspace *) object;

  vigil_workspace_set_sync (self, NULL);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->preview, vigil_store_preview_free);
  g_clear_object (&self->incidents);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (vigil_workspace_parent_class)->dispose (object);
}

static void
vigil_workspace_finalize (GObject *object)
{
  VigilWorkspace *self = (VigilWorkspace *) object;

  g_free (self->actor);

  G_OBJECT_CLASS (vigil_workspace_parent_class)->finalize (object);
}

static void
vigil_workspace_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VigilWorkspace *self = VIGIL_WORKSPACE (object);

  switch (prop_id)
    {
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case PROP_HAS_PREVIEW:
      g_value_set_boolean (value, self->preview != NULL);
      break;
    case PROP_ROLE:
      g_value_set_string (value, vigil_role_to_string (self->role));
      break;
    case PROP_SYNC:
      g_value_set_object (value, self->sync);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_workspace_class_init (VigilWorkspaceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vigil_workspace_dispose;
  object_class->finalize = vigil_workspace_finalize;
  object_class->get_property = vigil_workspace_get_property;

  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_PREVIEW] =
    g_param_spec_boolean ("has-preview", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLE] =
    g_param_spec_string ("role", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SYNC] =
    g_param_spec_object ("sync", NULL, NULL, VIGIL_TYPE_SYNC,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VigilWorkspace::preview-ready:
   *
   * During the first load, once the first incidents of each step and the
   * counts are read (vigil_workspace_get_preview()), before all incidents
   * are. Not emitted when the preview would hold every incident, nor
   * when the full load comes first.
   */
  signals[PREVIEW_READY] =
    g_signal_new ("preview-ready",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
vigil_workspace_init (VigilWorkspace *self)
{
  self->incidents = g_list_store_new (VIGIL_TYPE_INCIDENT);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

VigilWorkspace *
vigil_workspace_new (VigilStore *store,
                     const char *actor,
                     VigilRole   role)
{
  VigilWorkspace *self;

  g_return_val_if_fail (VIGIL_IS_STORE (store), NULL);
  g_return_val_if_fail (actor != NULL && *actor != '\0', NULL);

  self = g_object_new (VIGIL_TYPE_WORKSPACE, NULL);
  self->store = g_object_ref (store);
  self->actor = g_strdup (actor);
  self->role = role;
  return self;
}

VigilStore *
vigil_workspace_get_store (VigilWorkspace *self)
{
  g_return_val_if_fail (VIGIL_IS_WORKSPACE (self), NULL);

  return self->store;
}

const char *
vigil_workspace_get_actor (VigilWorkspace *self)
{
  g_return_val_if_fail (VIGIL_IS_WORKSPACE (self), NULL);

  return self->actor;
}

VigilRole
vigil_workspace_get_role (VigilWorkspace *self)
{
  g_return_val_if_fail (VIGIL_IS_WORKSPACE (self), VIGIL_ROLE_ANALYST);

  return self->role;
}

void
vigil_workspace_set_role (VigilWorkspace *self,
                          VigilRole       role)
{
  g_return_if_fail (VIGIL_IS_WORKSPACE (self));

  if (self->role != role)
    {
      self->role = role;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
    }
}

GListModel *
vigil_workspace_get_incidents (VigilWorkspace *self)
{
  g_return_val_if_fail (VIGIL_IS_WORKSPACE (self), NULL);

  return G_LIST_MODEL (self->incidents);
}

VigilIncident *
vigil_workspace_lookup (VigilWorkspace *self,
                        const char     *incident_id)
{
  g_return_val_if_fail (VIGIL_IS_WORKSPACE (self), NULL);
  g_return_val_if_fail (incident_id != NULL, NULL);

  return g_hash_table_lookup (self->by_id, incident_id);
}

gboolean
vigil_workspace_get_loaded (VigilWorkspace *self)
{
  g_return_val_if_fail (VIGIL_IS_WORKSPACE (self), FALSE);

  return self->loaded;
}

const VigilStorePreview *
vigil_workspace_get_preview (VigilWorkspace *self)
{
  g_return_val_if_fail (VIGIL_IS_WORKSPACE (self), NULL);

  return self->preview;
}

static void
vigil_workspace_drop_preview (VigilWorkspace *self)
{
  if (self->preview == NULL)
    return;

  g_clear_pointer (&self->preview, vigil_store_preview_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_PREVIEW]);
}

/* Puts @incident's state into the model: a new item, or the existing object
 * updated in place and re-announced so that filtered views re-check it. */
static VigilIncident *
merge_incident (VigilWorkspace *self,
                VigilIncident  *incident)
{
  VigilIncident *existing = g_hash_table_lookup (self->by_id, vigil_incident_get_id (incident));
  guint position;

  if (existing == NULL)
    {
      g_list_store_append (self->incidents, incident);
      g_hash_table_insert (self->by_id, (gpointer) vigil_incident_get_id (incident), incident);
      return incident;
    }

  vigil_incident_update_from (existing, incident);
  if (g_list_store_find (self->incidents, existing, &position))
    {
      /* The splice drops the list's reference before adding it back. */
      g_autoptr(VigilIncident) keep = g_object_ref (existing);

      g_list_store_splice (self->incidents, position, 1, (gpointer *) &keep, 1);
    }
  return existing;
}

static void
on_list_ready_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VigilWorkspace *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) incidents = NULL;
  GError *error = NULL;

  incidents = vigil_store_list_incidents_finish (VIGIL_STORE (object), result, &error);
  if (incidents == NULL)
    {
      /* No board goes on showing a part of the incidents as if it were
       * all of them. */
      vigil_workspace_drop_preview (self);
      g_task_return_error (task, error);
      return;
    }

  g_hash_table_remove_all (self->by_id);
  for (guint i = 0; i < incidents->len; i++)
    {
      VigilIncident *incident = g_ptr_array_index (incidents, i);

      g_hash_table_insert (self->by_id, (gpointer) vigil_incident_get_id (incident), incident);
    }
  /* One splice: views see a single items-changed for the whole load. */
  g_list_store_splice (self->incidents, 0, g_list_model_get_n_items (G_LIST_MODEL (self->incidents)),
                       incidents->pdata, incidents->len);

  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
  /* After "loaded": whoever shows the preview swaps it for the model then. */
  vigil_workspace_drop_preview (self);

  g_task_return_boolean (task, TRUE);
}

static gboolean
start_full_load_cb (gpointer user_data)
{
  GTask *task = user_data;
  VigilWorkspace *self = g_task_get_source_object (task);

  vigil_store_list_incidents_async (self->store, g_task_get_cancellable (task),
                                    on_list_ready_cb, task);
  return G_SOURCE_REMOVE;
}

static gboolean
preview_is_partial (const VigilStorePreview *preview)
{
  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    if (preview->counts[i] > preview->incidents[i]->len)
      return TRUE;
  return FALSE;
}

static void
on_preview_ready_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  VigilWorkspace *self = g_task_get_source_object (task);
  g_autoptr(VigilStorePreview) preview = NULL;
  g_autoptr(GError) error = NULL;

  preview = vigil_store_list_preview_finish (VIGIL_STORE (object), result, &error);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  /* A preview that could not be read is only a slower start: the full
   * load says what went wrong, if anything still does. One that holds
   * every incident is of no use: reading them all costs no more. */
  if (preview == NULL)
    g_debug ("No preview of the incidents: %s", error->message);
  else if (!self->loaded && preview_is_partial (preview))
    {
      g_clear_pointer (&self->preview, vigil_store_preview_free);
      self->preview = g_steal_pointer (&preview);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_PREVIEW]);
      g_signal_emit (self, signals[PREVIEW_READY], 0);

      /* Reading all incidents takes both cores for a while: let whoever
       * shows the preview lay it out and paint it first (GTK's frames run
       * at a higher priority). */
      g_idle_add_full (G_PRIORITY_LOW, start_full_load_cb, task, NULL);
      return;
    }

  start_full_load_cb (task);
}

void
vigil_workspace_load_async (VigilWorkspace      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIGIL_IS_WORKSPACE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_workspace_load_async);
  /* The first load reads a preview first: a board can show it long before
   * every incident is decoded. */
  if (self->loaded)
    vigil_store_list_incidents_async (self->store, cancellable, on_list_ready_cb, task);
  else
    vigil_store_list_preview_async (self->store, VIGIL_WORKSPACE_PREVIEW_PER_STEP, cancellable,
                                    on_preview_ready_cb, task);
}

gboolean
vigil_workspace_load_finish (VigilWorkspace  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_apply_ready_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VigilWorkspace *self = g_task_get_source_object (task);
  g_autoptr(VigilIncident) incident = NULL;
  GError *error = NULL;

  self->n_applying--;
  incident = vigil_store_apply_finish (VIGIL_STORE (object), result, &error);
  if (incident == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->sync != NULL)
    vigil_sync_kick (self->sync);

  /* The model keeps the object alive; the task returns it borrowed. */
  g_task_return_pointer (task, merge_incident (self, incident), NULL);
}

void
vigil_workspace_apply_async (VigilWorkspace      *self,
                             VigilOp             *op,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIGIL_IS_WORKSPACE (self));
  g_return_if_fail (VIGIL_IS_OP (op));

  vigil_op_set_actor (op, self->actor);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_workspace_apply_async);
  /* The store finishes an operation it started even when the caller goes
   * away; only the reply is dropped. */
  self->n_applying++;
  vigil_store_apply_async (self->store, op, self->role, NULL, on_apply_ready_cb, task);
}

VigilIncident *
vigil_workspace_apply_finish (VigilWorkspace  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_sync_incidents_changed_cb (VigilSync      *sync,
                              GPtrArray      *touched,
                              GPtrArray      *removed,
                              VigilWorkspace *self)
{
  /* Not before the first load: it would put these first, out of order. */
  if (!self->loaded)
    return;

  for (guint i = 0; i < touched->len; i++)
    merge_incident (self, g_ptr_array_index (touched, i));

  for (guint i = 0; i < removed->len; i++)
    {
      VigilIncident *gone = g_hash_table_lookup (self->by_id, g_ptr_array_index (removed, i));
      guint position;

      if (gone == NULL)
        continue;
      g_hash_table_remove (self->by_id, g_ptr_array_index (removed, i));
      if (g_list_store_find (self->incidents, gone, &position))
        g_list_store_remove (self->incidents, position);
    }
}

void
vigil_workspace_set_sync (VigilWorkspace *self,
                          VigilSync      *sync)
{
  g_return_if_fail (VIGIL_IS_WORKSPACE (self));
  g_return_if_fail (sync == NULL || VIGIL_IS_SYNC (sync));

  if (self->sync == sync)
    return;

  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_set_object (&self->sync, sync);
  if (sync != NULL)
    g_signal_connect (sync, "incidents-changed", G_CALLBACK (on_sync_incidents_changed_cb),
                      self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC]);
}

VigilSync *
vigil_workspace_get_sync (VigilWorkspace *self)
{
  g_return_val_if_fail (VIGIL_IS_WORKSPACE (self), NULL);

  return self->sync;
}

guint
vigil_workspace_get_n_applying (VigilWorkspace *self)
{
  g_return_val_if_fail (VIGIL_IS_WORKSPACE (self), 0);

  return self->n_applying;
}
