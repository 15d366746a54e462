/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-section"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-section.h"

void
vigil_section_init (VigilSection *self,
                    GtkWidget    *owner)
{
  self->owner = owner;
  self->cancellable = g_cancellable_new ();
  self->n_history = -1;
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_parent (self->box, owner);
}

void
vigil_section_set_incident (VigilSection   *self,
                            VigilWorkspace *workspace,
                            VigilIncident  *incident)
{
  g_set_object (&self->workspace, workspace);
  g_set_object (&self->incident, incident);
}

void
vigil_section_unroot (VigilSection *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->incident);
  g_clear_object (&self->workspace);
}

void
vigil_section_dispose (VigilSection *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->incident);
  g_clear_object (&self->workspace);
  g_clear_object (&self->cancellable);
}

gboolean
vigil_section_get_busy (VigilSection *self)
{
  return self->n_applying > 0 || self->n_loading > 0;
}

/* Building */

GtkWidget *
vigil_section_make_label (const char *text,
                          const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

GtkListBox *
vigil_section_add_group (VigilSection *self,
                         const char   *title,
                         const char   *description)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *list = gtk_list_box_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), list);
  gtk_box_append (GTK_BOX (self->box), group);
  return GTK_LIST_BOX (list);
}

void
vigil_section_add_actions (VigilSection *self,
                           GtkWidget    *button)
{
  GtkWidget *actions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  self->form_error = GTK_LABEL (vigil_section_make_label (NULL, "error"));
  gtk_widget_set_visible (GTK_WIDGET (self->form_error), FALSE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->form_error), TRUE);
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_widget_set_hexpand (button, TRUE);
  gtk_box_append (GTK_BOX (actions), GTK_WIDGET (self->form_error));
  gtk_box_append (GTK_BOX (actions), button);
  gtk_box_append (GTK_BOX (self->box), actions);
}

GtkBox *
vigil_section_add_card (VigilSection  *self,
                        const char    *title,
                        GtkWidget    **group)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  /* A card has no padding of its own. */
  GtkWidget *frame = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  *group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (*group), title);
  gtk_widget_add_css_class (frame, "card");
  gtk_widget_add_css_class (card, "dora-result");
  gtk_widget_set_margin_start (card, 18);
  gtk_widget_set_margin_end (card, 18);
  gtk_widget_set_margin_top (card, 12);
  gtk_widget_set_margin_bottom (card, 14);
  gtk_box_append (GTK_BOX (frame), card);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (*group), frame);
  gtk_box_append (GTK_BOX (self->box), *group);
  return GTK_BOX (card);
}

void
vigil_section_add_history (VigilSection *self,
                           const char   *title,
                           const char   *list_name)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *list = gtk_list_box_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  self->history_status = GTK_LABEL (vigil_section_make_label (NULL, "dim-label"));
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_widget_set_name (list, list_name);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->history_status));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), list);
  gtk_box_append (GTK_BOX (self->box), group);
  self->history_list = GTK_LIST_BOX (list);
}

/* Applying */

void
vigil_section_apply (VigilSection        *self,
                     VigilOpKind          kind,
                     JsonObject          *payload,
                     const char          *action_name,
                     GAsyncReadyCallback  callback)
{
  g_autoptr(VigilOp) op = NULL;

  op = vigil_op_new (kind, vigil_incident_get_id (self->incident),
                     vigil_workspace_get_actor (self->workspace),
                     vigil_incident_get_revision (self->incident), payload);
  self->n_applying++;
  gtk_widget_action_set_enabled (self->owner, action_name, FALSE);
  vigil_workspace_apply_async (self->workspace, op, self->cancellable, callback,
                               g_object_ref (self->owner));
}

gboolean
vigil_section_apply_finish (VigilSection  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  GObject *source = g_async_result_get_source_object (result);
  VigilIncident *incident;

  self->n_applying--;
  incident = vigil_workspace_apply_finish (VIGIL_WORKSPACE (source), result, &local_error);
  g_object_unref (source);
  if (self->incident == NULL
      || g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  if (incident == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return TRUE;
}

void
vigil_section_show_error (VigilSection *self,
                          const char   *message)
{
  gtk_label_set_label (self->form_error, message);
  gtk_widget_set_visible (GTK_WIDGET (self->form_error), TRUE);
}

gboolean
vigil_section_may_apply (VigilWorkspace  *workspace,
                         VigilIncident   *incident,
                         VigilOpKind      kind,
                         JsonObject      *payload,
                         GError         **error)
{
  g_autoptr(VigilOp) op = NULL;
  g_autoptr(VigilIncident) result = NULL;
  g_autoptr(GError) local_error = NULL;

  op = vigil_op_new (kind, vigil_incident_get_id (incident),
                     vigil_workspace_get_actor (workspace),
                     vigil_incident_get_revision (incident), payload);
  result = vigil_op_apply (op, incident, vigil_workspace_get_role (workspace),
                           NULL, &local_error);
  /* Refused only for its made-up input: the role may. */
  if (result != NULL || g_error_matches (local_error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* The operation log */

static void
read_log_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *entries = vigil_store_list_log (source_object, task_data, &error);

  if (entries == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
}

void
vigil_section_read_log_async (VigilWorkspace      *workspace,
                              VigilIncident       *incident,
                              GtkLabel            *status,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  gtk_label_set_label (status, _("Reading the history…"));
  task = g_task_new (vigil_workspace_get_store (workspace), cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_section_read_log_async);
  g_task_set_task_data (task, g_strdup (vigil_incident_get_id (incident)), g_free);
  g_task_run_in_thread (task, read_log_thread);
}

GPtrArray *
vigil_section_read_log_finish (GAsyncResult *result,
                               GtkLabel     *status,
                               GtkListBox   *list)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;
  GtkWidget *child;

  g_return_val_if_fail (G_IS_TASK (result), NULL);

  entries = g_task_propagate_pointer (G_TASK (result), &error);
  if (entries == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("The history could not be read: %s"),
                                                      error->message);

          gtk_label_set_label (status, message);
        }
      return NULL;
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
  return entries;
}

gboolean
vigil_section_load_history (VigilSection        *self,
                            GAsyncReadyCallback  callback)
{
  if (self->history_revision == vigil_incident_get_revision (self->incident))
    return FALSE;

  self->history_revision = vigil_incident_get_revision (self->incident);
  self->n_history = -1;
  self->n_loading++;
  vigil_section_read_log_async (self->workspace, self->incident, self->history_status,
                                self->cancellable, callback, g_object_ref (self->owner));
  return TRUE;
}

GPtrArray *
vigil_section_history_begin (VigilSection *self,
                             GAsyncResult *result)
{
  self->n_loading--;
  /* Its labels may be gone with it. */
  if (self->incident == NULL)
    return NULL;
  return vigil_section_read_log_finish (result, self->history_status, self->history_list);
}

void
vigil_section_history_end (VigilSection *self,
                           guint         n,
                           const char   *status)
{
  self->n_history = n;
  gtk_widget_set_visible (GTK_WIDGET (self->history_list), n > 0);
  gtk_label_set_label (self->history_status, n > 0 ? status : _("None yet."));
}
