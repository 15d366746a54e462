/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-item-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-item-dialog.h"
#include "vigil-field-editor.h"

struct _VigilItemDialog
{
  AdwWindow                  parent_instance;

  VigilWorkspace            *workspace;
  VigilIncident             *incident;
  const VigilFormInfo       *form;
  const VigilCollectionInfo *collection;
  char                      *item_id;
  gboolean                   adding;
  gboolean                   editable;
  gboolean                   saving;
  GPtrArray                 *editors;
  GCancellable              *hash_cancellable;

  GtkButton                 *save_button;
  GtkRevealer               *progress_revealer;
  GtkProgressBar            *progress_bar;
  AdwPreferencesGroup       *file_group;
  AdwPreferencesGroup       *fields_group;
  GtkLabel                  *error_label;
  GtkListBox                *fields_list;
};

G_DEFINE_FINAL_TYPE (VigilItemDialog, vigil_item_dialog, ADW_TYPE_WINDOW)

static VigilFieldEditor *
find_editor (VigilItemDialog *self,
             const char      *field_id)
{
  for (guint i = 0; i < self->editors->len; i++)
    {
      if (g_str_equal (vigil_field_editor_get_field (self->editors->pdata[i])->id, field_id))
        return self->editors->pdata[i];
    }
  return NULL;
}

static JsonObject *
current_item (VigilItemDialog *self)
{
  if (self->item_id == NULL)
    return NULL;
  return vigil_incident_find_item (self->incident, self->form->id, self->collection->id,
                                   self->item_id);
}

static void
vigil_item_dialog_update_actions (VigilItemDialog *self)
{
  gboolean hashing = self->hash_cancellable != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "item.save",
                                 self->editable && !self->saving && !hashing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "item.attach",
                                 self->editable && !hashing && self->adding);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "item.stop-hashing", hashing);
}

static void
set_error (VigilItemDialog *self,
           const char      *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
on_editor_changed_cb (VigilFieldEditor *editor,
                      gpointer          user_data)
{
  /* Editing a field clears what was said about it. */
  vigil_field_editor_set_problem (editor, NULL);
}

/* Saving */

static void
on_saved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VigilItemDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;
  VigilFieldEditor *editor;

  self->saving = FALSE;
  vigil_item_dialog_update_actions (self);

  if (vigil_workspace_apply_finish (VIGIL_WORKSPACE (object), result, &error) != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  field = vigil_op_error_dup_field (error);
  editor = field ? find_editor (self, field) : NULL;
  if (editor != NULL)
    {
      const char *reason = vigil_op_error_get_reason (error);
      gunichar first = g_utf8_get_char (reason);
      char upper[8] = { 0 };
      g_autofree char *sentence = NULL;

      g_unichar_to_utf8 (g_unichar_toupper (first), upper);
      sentence = g_strdup_printf ("%s%s.", upper, g_utf8_next_char (reason));
      vigil_field_editor_set_problem (editor, sentence);
      set_error (self, NULL);
    }
  else
    set_error (self, error->message);
}

static void
vigil_item_dialog_save (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  VigilItemDialog *self = VIGIL_ITEM_DIALOG (widget);
  JsonObject *old = current_item (self);
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonObject) context = json_object_new ();
  JsonObject *payload;
  g_autoptr(VigilOp) op = NULL;
  gboolean valid = TRUE;
  VigilFieldEditor *type_editor = find_editor (self, "type");

  if (self->saving)
    return;

  /* An indicator is checked against the type chosen beside it. */
  if (type_editor != NULL)
    {
      g_autoptr(JsonNode) type = NULL;
      g_autofree char *problem = NULL;

      if (vigil_field_editor_dup_value (type_editor, &type, &problem) && type != NULL)
        json_object_set_member (context, "type", g_steal_pointer (&type));
    }

  for (guint i = 0; i < self->editors->len; i++)
    {
      VigilFieldEditor *editor = self->editors->pdata[i];
      const VigilFieldInfo *field = vigil_field_editor_get_field (editor);
      JsonNode *before = old ? json_object_get_member (old, field->id) : NULL;
      g_autoptr(JsonNode) value = NULL;
      gboolean ok;

      value = vigil_field_editor_check (editor, context, &ok);
      if (!ok)
        {
          valid = FALSE;
          continue;
        }
      if (field->kind == VIGIL_FIELD_SIZE || field->kind == VIGIL_FIELD_SHA256)
        {
          /* Integrity data is recorded once, from the file. */
          if (before != NULL || value == NULL)
            continue;
        }
      if (value == NULL && before == NULL)
        continue;
      if (value != NULL && before != NULL && json_node_equal (value, before))
        continue;
      json_object_set_member (fields, field->id,
                              value ? g_steal_pointer (&value) : json_node_new (JSON_NODE_NULL));
    }

  if (!valid)
    {
      set_error (self, _("Some fields need a correction; see under each."));
      return;
    }
  set_error (self, NULL);

  if (json_object_get_size (fields) == 0)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  payload = json_object_new ();
  json_object_set_string_member (payload, "form", self->form->id);
  json_object_set_string_member (payload, "collection", self->collection->id);
  if (self->adding)
    {
      json_object_set_string_member (fields, "id", self->item_id);
      json_object_set_object_member (payload, "item", json_object_ref (fields));
      op = vigil_op_new (VIGIL_OP_ITEM_ADD, vigil_incident_get_id (self->incident),
                         vigil_workspace_get_actor (self->workspace),
                         vigil_incident_get_revision (self->incident), payload);
    }
  else
    {
      json_object_set_string_member (payload, "id", self->item_id);
      json_object_set_object_member (payload, "fields", json_object_ref (fields));
      op = vigil_op_new (VIGIL_OP_ITEM_UPDATE, vigil_incident_get_id (self->incident),
                         vigil_workspace_get_actor (self->workspace),
                         vigil_incident_get_revision (self->incident), payload);
    }

  self->saving = TRUE;
  vigil_item_dialog_update_actions (self);
  vigil_workspace_apply_async (self->workspace, op, NULL, on_saved_cb, g_object_ref (self));
}

/* Attaching a file */

static void
on_hash_progress_cb (goffset  done,
                     goffset  total,
                     gpointer user_data)
{
  VigilItemDialog *self = user_data;

  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, (double) done / total);
  else
    gtk_progress_bar_pulse (self->progress_bar);
}

static void
set_if_empty (VigilItemDialog *self,
              const char      *field_id,
              JsonNode        *value)
{
  VigilFieldEditor *editor = find_editor (self, field_id);
  g_autoptr(JsonNode) shown = NULL;
  g_autofree char *problem = NULL;

  if (editor == NULL)
    return;
  if (vigil_field_editor_dup_value (editor, &shown, &problem) && shown != NULL)
    return;
  vigil_field_editor_set_value (editor, value);
}

static JsonNode *
string_node (const char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  return node;
}

static void
on_hashed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VigilItemDialog) self = user_data;
  GFile *file = g_object_get_data (G_OBJECT (self), "file");
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;
  goffset size = 0;

  g_clear_object (&self->hash_cancellable);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  vigil_item_dialog_update_actions (self);

  if (!vigil_evidence_hash_finish (result, &sha256, &size, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("The file could not be read: %s"),
                                                      error->message);

          set_error (self, message);
        }
      return;
    }

  {
    g_autoptr(JsonNode) size_node = json_node_new (JSON_NODE_VALUE);
    g_autoptr(JsonNode) sha_node = string_node (sha256);
    g_autofree char *name = file ? g_file_get_basename (file) : NULL;
    g_autofree char *path = file ? g_file_get_parse_name (file) : NULL;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *at = vigil_time_to_iso (now);
    g_autoptr(JsonNode) name_node = string_node (name ? name : "");
    g_autoptr(JsonNode) path_node = string_node (path ? path : "");
    g_autoptr(JsonNode) at_node = string_node (at);

    json_node_set_int (size_node, size);
    vigil_item_dialog_set_value (self, "size", size_node);
    vigil_item_dialog_set_value (self, "sha256", sha_node);
    set_if_empty (self, "name", name_node);
    set_if_empty (self, "location", path_node);
    set_if_empty (self, "collected_at", at_node);
    set_error (self, NULL);
  }
}

void
vigil_item_dialog_attach (VigilItemDialog *self,
                          GFile           *file)
{
  g_return_if_fail (VIGIL_IS_ITEM_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->hash_cancellable);
  g_clear_object (&self->hash_cancellable);
  self->hash_cancellable = g_cancellable_new ();
  g_object_set_data_full (G_OBJECT (self), "file", g_object_ref (file), g_object_unref);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  vigil_item_dialog_update_actions (self);

  vigil_evidence_hash_async (file, self->hash_cancellable, on_hash_progress_cb,
                             g_object_ref (self), g_object_unref, on_hashed_cb,
                             g_object_ref (self));
}

static void
on_chooser_response_cb (GtkNativeDialog *chooser,
                        int              response,
                        gpointer         user_data)
{
  g_autoptr(VigilItemDialog) self = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    vigil_item_dialog_attach (self, file);
  g_object_unref (chooser);
}

static void
vigil_item_dialog_attach_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  VigilItemDialog *self = VIGIL_ITEM_DIALOG (widget);
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Attach Evidence File"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Attach"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response_cb),
                    g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
vigil_item_dialog_stop_hashing (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  g_cancellable_cancel (VIGIL_ITEM_DIALOG (widget)->hash_cancellable);
}

/* Overrides */

static void
vigil_item_dialog_dispose (GObject *object)
{
  VigilItemDialog *self = VIGIL_ITEM_DIALOG (object);

  g_cancellable_cancel (self->hash_cancellable);
  g_clear_object (&self->hash_cancellable);
  g_clear_pointer (&self->editors, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_ITEM_DIALOG);

  g_clear_object (&self->workspace);
  g_clear_object (&self->incident);

  G_OBJECT_CLASS (vigil_item_dialog_parent_class)->dispose (object);
}

static void
vigil_item_dialog_finalize (GObject *object)
{
  VigilItemDialog *self = VIGIL_ITEM_DIALOG (object);

  g_free (self->item_id);

  G_OBJECT_CLASS (vigil_item_dialog_parent_class)->finalize (object);
}

static void
vigil_item_dialog_class_init (VigilItemDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_item_dialog_dispose;
  object_class->finalize = vigil_item_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vigil/Vigil/ui/vigil-item-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilItemDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, VigilItemDialog, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, VigilItemDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, VigilItemDialog, file_group);
  gtk_widget_class_bind_template_child (widget_class, VigilItemDialog, fields_group);
  gtk_widget_class_bind_template_child (widget_class, VigilItemDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, VigilItemDialog, fields_list);

  gtk_widget_class_install_action (widget_class, "item.save", NULL, vigil_item_dialog_save);
  gtk_widget_class_install_action (widget_class, "item.attach", NULL,
                                   vigil_item_dialog_attach_action);
  gtk_widget_class_install_action (widget_class, "item.stop-hashing", NULL,
                                   vigil_item_dialog_stop_hashing);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
vigil_item_dialog_init (VigilItemDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->editors = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_field_editor_free);
}

/* Public API */

GtkWidget *
vigil_item_dialog_new (GtkWindow                 *parent,
                       VigilWorkspace            *workspace,
                       VigilIncident             *incident,
                       const VigilFormInfo       *form,
                       const VigilCollectionInfo *collection,
                       const char                *item_id,
                       gboolean                   editable)
{
  VigilItemDialog *self;
  JsonObject *item;
  gboolean checklist;

  g_return_val_if_fail (VIGIL_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), NULL);
  g_return_val_if_fail (form != NULL && collection != NULL, NULL);

  self = g_object_new (VIGIL_TYPE_ITEM_DIALOG, "transient-for", parent, NULL);
  self->workspace = g_object_ref (workspace);
  self->incident = g_object_ref (incident);
  self->form = form;
  self->collection = collection;
  self->editable = editable;
  checklist = collection->keys != VIGIL_N_CHOICE_LISTS;
  self->adding = item_id == NULL;
  self->item_id = item_id ? g_strdup (item_id) : g_uuid_string_random ();
  item = current_item (self);

  if (checklist)
    {
      gtk_window_set_title (GTK_WINDOW (self),
                            vigil_process_get_choice_label (collection->keys, item_id));
      /* A checklist entry exists from its first change, by item.update. */
      self->adding = FALSE;
    }
  else
    {
      g_autofree char *title = NULL;

      /* Translators: %s is the name of a list, e.g. "New Entry in “Evidence”" */
      title = g_strdup_printf (self->adding ? _("New Entry in “%s”")
                                            : editable ? _("Edit Entry of “%s”")
                                                       : _("Entry of “%s”"),
                               vigil_collection_get_label (collection));
      gtk_window_set_title (GTK_WINDOW (self), title);
    }
  adw_preferences_group_set_title (self->fields_group, vigil_collection_get_label (collection));
  gtk_widget_set_visible (GTK_WIDGET (self->file_group),
                          g_str_equal (collection->id, "evidence") && self->adding && editable);

  for (guint f = 0; f < collection->n_fields; f++)
    {
      const VigilFieldInfo *field = &collection->fields[f];
      VigilFieldEditor *editor = vigil_field_editor_new (field, form->id, self->fields_list,
                                                         incident, on_editor_changed_cb, self);
      JsonNode *value = item ? json_object_get_member (item, field->id) : NULL;

      vigil_field_editor_set_value (editor, value);
      vigil_field_editor_set_editable (editor, editable &&
                                       !(field->kind == VIGIL_FIELD_SIZE ||
                                         field->kind == VIGIL_FIELD_SHA256));
      g_ptr_array_add (self->editors, editor);
    }

  /* Who collects or checks off is most often who types. */
  if (editable && item == NULL)
    {
      g_autoptr(JsonNode) actor = string_node (vigil_workspace_get_actor (workspace));

      if (find_editor (self, "collected_by") != NULL)
        vigil_field_editor_set_value (find_editor (self, "collected_by"), actor);
      if (checklist && find_editor (self, "by") != NULL)
        vigil_field_editor_set_value (find_editor (self, "by"), actor);
      if (checklist && find_editor (self, "at") != NULL)
        {
          g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
          g_autofree char *iso = vigil_time_to_iso (now);
          g_autoptr(JsonNode) at = string_node (iso);

          vigil_field_editor_set_value (find_editor (self, "at"), at);
        }
    }

  gtk_widget_set_visible (GTK_WIDGET (self->save_button), editable);
  vigil_item_dialog_update_actions (self);
  return GTK_WIDGET (self);
}

void
vigil_item_dialog_set_value (VigilItemDialog *self,
                             const char      *field_id,
                             JsonNode        *value)
{
  VigilFieldEditor *editor;

  g_return_if_fail (VIGIL_IS_ITEM_DIALOG (self));

  editor = find_editor (self, field_id);
  g_return_if_fail (editor != NULL);
  vigil_field_editor_set_value (editor, value);
  vigil_field_editor_set_problem (editor, NULL);
}

gboolean
vigil_item_dialog_get_busy (VigilItemDialog *self)
{
  g_return_val_if_fail (VIGIL_IS_ITEM_DIALOG (self), FALSE);

  return self->saving || self->hash_cancellable != NULL;
}

const char *
vigil_item_dialog_get_problem (VigilItemDialog *self,
                               const char      *field_id)
{
  VigilFieldEditor *editor;

  g_return_val_if_fail (VIGIL_IS_ITEM_DIALOG (self), NULL);

  editor = find_editor (self, field_id);
  return editor ? vigil_field_editor_get_problem (editor) : NULL;
}
