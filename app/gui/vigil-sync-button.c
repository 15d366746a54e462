/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-sync-button"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-sync-button.h"

struct _VigilSyncButton
{
  AdwBin          parent_instance;

  GtkMenuButton  *button;
  GtkImage       *icon;
  GtkLabel       *label;
  GtkLabel       *title_label;
  GtkLabel       *detail_label;
  GtkWidget      *problem_scroller;
  GtkListBox     *problem_list;

  VigilWorkspace *workspace;
  VigilSync      *sync;
  GCancellable   *cancellable;
};

G_DEFINE_FINAL_TYPE (VigilSyncButton, vigil_sync_button, ADW_TYPE_BIN)

static void refresh_problems (VigilSyncButton *self);

/* The label, icon and popover text follow the sync's state. */
static void
update_status (VigilSyncButton *self)
{
  g_autofree char *label = NULL;
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  const char *icon = "computer-symbolic";
  guint pending = 0, problems = 0;

  if (self->sync == NULL)
    {
      label = g_strdup (_("Local mode"));
      title = g_strdup (_("Local mode"));
      detail = g_strdup (_("Incidents are kept on this computer only. Sign in to a Vigil "
                           "server to share them with your team."));
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.now", FALSE);
    }
  else
    {
      const char *error = vigil_sync_get_last_error (self->sync);
      GDateTime *since = vigil_sync_get_offline_since (self->sync);

      pending = vigil_sync_get_n_pending (self->sync);
      problems = vigil_sync_get_n_problems (self->sync);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.now", TRUE);

      switch (vigil_sync_get_state (self->sync))
        {
        case VIGIL_SYNC_STATE_SIGNED_OUT:
          icon = "dialog-warning-symbolic";
          label = g_strdup (_("Signed out"));
          title = g_strdup (_("The server no longer accepts your sign-in"));
          detail = g_strdup_printf (_("Changes wait on this computer until you sign in again "
                                      "in Preferences. %s"), error ? error : "");
          break;

        case VIGIL_SYNC_STATE_OFFLINE:
          icon = "network-offline-symbolic";
          if (since != NULL)
            {
              g_autoptr(GDateTime) local = g_date_time_to_local (since);
              g_autofree char *time = g_date_time_format (local, "%H:%M");

              /* Translators: %s is a time of day such as 14:05 */
              label = g_strdup_printf (_("Offline since %s"), time);
              title = g_strdup_printf (_("The server has been out of reach since %s"), time);
              detail = g_strdup_printf (_("You can keep working: changes are kept here and "
                                          "sent when the server is back. %s"),
                                        error ? error : "");
            }
          else
            {
              label = g_strdup (_("Connecting…"));
              title = g_strdup (_("Connecting to the server"));
              detail = g_strdup ("");
            }
          break;

        case VIGIL_SYNC_STATE_SYNCING:
        case VIGIL_SYNC_STATE_ONLINE:
        default:
          if (pending > 0)
            {
              icon = "emblem-synchronizing-symbolic";
              label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Sending %u change",
                                                    "Sending %u changes", pending), pending);
            }
          else
            {
              icon = "emblem-ok-symbolic";
              label = g_strdup (_("Online"));
            }
          title = g_strdup (_("Connected to the server"));
          detail = g_strdup (_("Changes are shared with your team as you make them."));
          break;
        }

      if (pending > 0 && vigil_sync_get_state (self->sync) != VIGIL_SYNC_STATE_ONLINE &&
          vigil_sync_get_state (self->sync) != VIGIL_SYNC_STATE_SYNCING)
        {
          g_autofree char *more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                "%u change waits to be sent.",
                                                                "%u changes wait to be sent.",
                                                                pending), pending);
          g_autofree char *joined = g_strconcat (detail, " ", more, NULL);

          g_free (detail);
          detail = g_steal_pointer (&joined);
        }

      if (problems > 0)
        {
          icon = "dialog-warning-symbolic";
          g_free (label);
          label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u to resolve",
                                                "%u to resolve", problems), problems);
        }
    }

  gtk_image_set_from_icon_name (self->icon, icon);
  gtk_label_set_label (self->label, label);
  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->detail_label, g_strstrip (detail));
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), *detail != '\0');
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  if (problems > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->button), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->button), "warning");
}

/* Problems: read off the main loop, shown as rows */

static void
problems_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *problems = vigil_store_list_sync_problems (task_data, &error);

  if (problems == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, problems, (GDestroyNotify) g_ptr_array_unref);
}

typedef struct {
  VigilSyncButton *self;
  char            *op_id;
} RowData;

static void
row_data_free (gpointer data)
{
  RowData *row = data;

  g_free (row->op_id);
  g_free (row);
}

static void
remove_problem_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  VigilStore *store = g_object_get_data (G_OBJECT (task), "store");
  GError *error = NULL;

  if (!vigil_store_remove_sync_problem (store, task_data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_problem_removed_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  VigilSyncButton *self = VIGIL_SYNC_BUTTON (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("%s", error->message);
      return;
    }
  refresh_problems (self);
  if (self->sync != NULL)
    vigil_sync_kick (self->sync);
}

static void
forget_problem (VigilSyncButton *self,
                const char      *op_id)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_problem_removed_cb, NULL);

  g_object_set_data_full (G_OBJECT (task), "store",
                          g_object_ref (vigil_workspace_get_store (self->workspace)),
                          g_object_unref);
  g_task_set_task_data (task, g_strdup (op_id), g_free);
  g_task_run_in_thread (task, remove_problem_thread);
}

static void
on_dismiss_clicked_cb (GtkButton *button,
                       RowData   *row)
{
  forget_problem (row->self, row->op_id);
}

static void
on_keep_mine_applied_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(VigilSyncButton) self = user_data;
  g_autoptr(GError) error = NULL;

  if (vigil_workspace_apply_finish (VIGIL_WORKSPACE (source), result, &error) == NULL)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      if (GTK_IS_WINDOW (root))
        {
          GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (root),
                                                      _("Your Value Could Not Be Kept"),
                                                      error->message);

          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (dialog));
        }
    }
}

/* A conflict settled in favour of the user's own value: the same change,
 * made again on the incident as it is now. */
static void
on_keep_mine_clicked_cb (GtkButton *button,
                         RowData   *row)
{
  VigilSyncButton *self = row->self;
  VigilOp *old = g_object_get_data (G_OBJECT (button), "op");
  VigilIncident *incident;
  g_autoptr(VigilOp) op = NULL;
  JsonObject *payload;

  incident = vigil_workspace_lookup (self->workspace, vigil_op_get_incident_id (old));
  if (incident == NULL)
    {
      forget_problem (self, row->op_id);
      return;
    }

  payload = vigil_op_get_payload (old);
  op = vigil_op_new (vigil_op_get_kind (old), vigil_op_get_incident_id (old),
                     vigil_workspace_get_actor (self->workspace),
                     vigil_incident_get_revision (incident),
                     payload ? json_object_ref (payload) : NULL);
  vigil_workspace_apply_async (self->workspace, op, self->cancellable, on_keep_mine_applied_cb,
                               g_object_ref (self));
  forget_problem (self, row->op_id);
}

static GtkWidget *
make_problem_row (VigilSyncButton  *self,
                  VigilSyncProblem *problem)
{
  VigilIncident *incident = vigil_workspace_lookup (self->workspace, problem->incident_id);
  const char *reference = incident ? vigil_incident_get_reference (incident) : NULL;
  g_autoptr(GDateTime) local = g_date_time_to_local (problem->at);
  g_autofree char *time = g_date_time_format (local, "%x %H:%M");
  g_autofree char *subtitle = NULL;
  GtkWidget *row, *box, *dismiss;
  RowData *data = g_new0 (RowData, 1);

  data->self = self;
  data->op_id = g_strdup (vigil_op_get_id (problem->op));

  if (incident != NULL)
    subtitle = g_strdup_printf ("%s · %s · %s", reference ? reference : _("New incident"),
                                vigil_incident_get_title (incident), time);
  else
    subtitle = g_strdup (time);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), problem->message);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 4);
  g_object_set_data_full (G_OBJECT (row), "vigil-row", data, row_data_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);

  if (problem->conflict && incident != NULL)
    {
      GtkWidget *mine = gtk_button_new_with_mnemonic (_("Keep _Mine"));

      gtk_widget_set_tooltip_text (mine, _("Make your change again over the other one"));
      g_object_set_data_full (G_OBJECT (mine), "op", g_object_ref (problem->op), g_object_unref);
      g_signal_connect (mine, "clicked", G_CALLBACK (on_keep_mine_clicked_cb), data);
      gtk_box_append (GTK_BOX (box), mine);
      dismiss = gtk_button_new_with_mnemonic (_("Keep _Theirs"));
      gtk_widget_set_tooltip_text (dismiss, _("Keep the value that is on the server now"));
    }
  else
    {
      dismiss = gtk_button_new_with_mnemonic (_("_Dismiss"));
      gtk_widget_set_tooltip_text (dismiss, _("The incident shows the server’s state; forget "
                                              "this refused change"));
    }
  g_signal_connect (dismiss, "clicked", G_CALLBACK (on_dismiss_clicked_cb), data);
  gtk_box_append (GTK_BOX (box), dismiss);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);

  return row;
}

static void
on_problems_read_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  VigilSyncButton *self;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  problems = g_task_propagate_pointer (G_TASK (result), &error);
  if (problems == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("%s", error->message);
      return;
    }
  self = VIGIL_SYNC_BUTTON (source);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->problem_list))) != NULL)
    gtk_list_box_remove (self->problem_list, child);
  for (guint i = 0; i < problems->len; i++)
    gtk_list_box_append (self->problem_list,
                         make_problem_row (self, g_ptr_array_index (problems, i)));
  gtk_widget_set_visible (self->problem_scroller, problems->len > 0);
}

static void
refresh_problems (VigilSyncButton *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->workspace == NULL || self->sync == NULL)
    {
      gtk_widget_set_visible (self->problem_scroller, FALSE);
      return;
    }

  task = g_task_new (self, self->cancellable, on_problems_read_cb, NULL);
  g_task_set_task_data (task, g_object_ref (vigil_workspace_get_store (self->workspace)),
                        g_object_unref);
  g_task_run_in_thread (task, problems_thread);
}

/* Callbacks */

static void
on_sync_changed_cb (VigilSyncButton *self)
{
  update_status (self);
}

static void
on_problem_cb (VigilSyncButton *self)
{
  refresh_problems (self);
}

static void
set_sync (VigilSyncButton *self,
          VigilSync       *sync)
{
  if (self->sync == sync)
    return;

  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_set_object (&self->sync, sync);
  if (sync != NULL)
    {
      g_signal_connect_swapped (sync, "notify", G_CALLBACK (on_sync_changed_cb), self);
      g_signal_connect_swapped (sync, "problem", G_CALLBACK (on_problem_cb), self);
    }
  update_status (self);
  refresh_problems (self);
}

static void
on_workspace_sync_changed_cb (VigilSyncButton *self)
{
  set_sync (self, vigil_workspace_get_sync (self->workspace));
}

static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VigilSyncButton *self = VIGIL_SYNC_BUTTON (widget);

  if (self->sync != NULL)
    vigil_sync_kick (self->sync);
}

/* GObject */

static void
vigil_sync_button_dispose (GObject *object)
{
  VigilSyncButton *self = (VigilSyncButton *) object;

  g_cancellable_cancel (self->cancellable);
  vigil_sync_button_set_workspace (self, NULL);
  g_clear_object (&self->cancellable);
  /* AdwBin unparents its child, the template's button, by itself. */

  G_OBJECT_CLASS (vigil_sync_button_parent_class)->dispose (object);
}

static void
vigil_sync_button_class_init (VigilSyncButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_sync_button_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vigil/Vigil/ui/vigil-sync-button.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilSyncButton, button);
  gtk_widget_class_bind_template_child (widget_class, VigilSyncButton, icon);
  gtk_widget_class_bind_template_child (widget_class, VigilSyncButton, label);
  gtk_widget_class_bind_template_child (widget_class, VigilSyncButton, title_label);
  gtk_widget_class_bind_template_child (widget_class, VigilSyncButton, detail_label);
  gtk_widget_class_bind_template_child (widget_class, VigilSyncButton, problem_scroller);
  gtk_widget_class_bind_template_child (widget_class, VigilSyncButton, problem_list);

  gtk_widget_class_install_action (widget_class, "sync.now", NULL, sync_now_action);
}

static void
vigil_sync_button_init (VigilSyncButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  update_status (self);
}

void
vigil_sync_button_set_workspace (VigilSyncButton *self,
                                 VigilWorkspace  *workspace)
{
  g_return_if_fail (VIGIL_IS_SYNC_BUTTON (self));
  g_return_if_fail (workspace == NULL || VIGIL_IS_WORKSPACE (workspace));

  if (self->workspace == workspace)
    return;

  if (self->workspace != NULL)
    g_signal_handlers_disconnect_by_data (self->workspace, self);
  g_set_object (&self->workspace, workspace);
  if (workspace != NULL)
    g_signal_connect_swapped (workspace, "notify::sync",
                              G_CALLBACK (on_workspace_sync_changed_cb), self);
  set_sync (self, workspace ? vigil_workspace_get_sync (workspace) : NULL);
}

const char *
vigil_sync_button_get_label (VigilSyncButton *self)
{
  g_return_val_if_fail (VIGIL_IS_SYNC_BUTTON (self), NULL);

  return gtk_label_get_label (self->label);
}
