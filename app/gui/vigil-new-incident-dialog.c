/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-new-incident-dialog"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vigil-new-incident-dialog.h"

#define TIME_FORMAT "%Y-%m-%d %H:%M"

struct _VigilNewIncidentDialog
{
  AdwWindow       parent_instance;

  VigilWorkspace *workspace;
  GCancellable   *cancellable;
  gboolean        busy;

  GtkLabel       *error_label;
  AdwEntryRow    *title_row;
  AdwComboRow    *type_row;
  AdwEntryRow    *type_other_row;
  GtkTextView    *description_view;
  AdwEntryRow    *detected_row;
  AdwEntryRow    *aware_row;
  GtkLabel       *time_error_label;
};

G_DEFINE_FINAL_TYPE (VigilNewIncidentDialog, vigil_new_incident_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_WORKSPACE,
  N_PROPS
};

enum {
  CREATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* "YYYY-MM-DD HH:MM" (or with a "T") in local time; NULL when it is not that. */
static GDateTime *
parse_local_time (const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  int year, month, day, hour, minute;
  char separator, extra;

  if (sscanf (stripped, "%4d-%2d-%2d%c%2d:%2d%c",
              &year, &month, &day, &separator, &hour, &minute, &extra) != 6)
    return NULL;
  if (separator != ' ' && separator != 'T')
    return NULL;

  /* Validates the ranges, e.g. 2026-02-30 gives NULL. */
  return g_date_time_new_local (year, month, day, hour, minute, 0);
}

static char *
format_local_time (GDateTime *when)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (when);

  return g_date_time_format (local, TIME_FORMAT);
}

static const char *
vigil_new_incident_dialog_get_type_id (VigilNewIncidentDialog *self)
{
  guint n_choices = 0;
  const VigilChoice *choices = vigil_process_get_choices (VIGIL_CHOICES_INCIDENT_TYPE, &n_choices);
  guint selected = adw_combo_row_get_selected (self->type_row);

  if (selected >= n_choices)
    return NULL;

  return choices[selected].id;
}

static char *
vigil_new_incident_dialog_dup_title (VigilNewIncidentDialog *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row))));
}

static void
vigil_new_incident_dialog_update_actions (VigilNewIncidentDialog *self)
{
  g_autofree char *title = vigil_new_incident_dialog_dup_title (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.create",
                                 !self->busy && self->workspace != NULL && *title != '\0');
}

static void
vigil_new_incident_dialog_set_error (VigilNewIncidentDialog *self,
                                     GtkLabel               *label,
                                     const char             *message)
{
  gtk_label_set_label (label, message);
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static void
vigil_new_incident_dialog_clear_errors (VigilNewIncidentDialog *self)
{
  GtkWidget *rows[] = {
    GTK_WIDGET (self->title_row),
    GTK_WIDGET (self->type_row),
    GTK_WIDGET (self->type_other_row),
    GTK_WIDGET (self->detected_row),
    GTK_WIDGET (self->aware_row),
  };

  vigil_new_incident_dialog_set_error (self, self->error_label, NULL);
  vigil_new_incident_dialog_set_error (self, self->time_error_label, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_widget_remove_css_class (rows[i], "error");
}

/* Reads a time row; on failure marks the row and says what is expected. */
static GDateTime *
vigil_new_incident_dialog_read_time (VigilNewIncidentDialog *self,
                                     AdwEntryRow            *row,
                                     const char             *field)
{
  GDateTime *when = parse_local_time (gtk_editable_get_text (GTK_EDITABLE (row)));

  if (when == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *example = g_date_time_format (now, TIME_FORMAT);
      /* Translators: the first %s is the name of a field ("Detected at"), the second an
       * example such as 2026-11-25 08:00. Keep YYYY-MM-DD HH:MM as it is. */
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("%s: enter the date and time as YYYY-MM-DD HH:MM, "
                                   "for example %s."),
                                 field, example);

      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      vigil_new_incident_dialog_set_error (self, self->time_error_label, message);
      gtk_widget_grab_focus (GTK_WIDGET (row));
    }

  return when;
}

/* A refusal about one field names it by its payload id: show the label of
 * the row instead and mark the row. */
static void
vigil_new_incident_dialog_show_refusal (VigilNewIncidentDialog *self,
                                        const GError           *error)
{
  const struct {
    const char *id;
    const char *label;
    GtkWidget  *row;
  } fields[] = {
    { "title", _("Title"), GTK_WIDGET (self->title_row) },
    { "type", _("Incident type"), GTK_WIDGET (self->type_row) },
    { "type_other", _("Describe the type"), GTK_WIDGET (self->type_other_row) },
    { "description", _("Description"), NULL },
    { "detected_at", _("Detected at"), GTK_WIDGET (self->detected_row) },
    { "aware_at", _("Aware since"), GTK_WIDGET (self->aware_row) },
  };
  g_autofree char *field = vigil_op_error_dup_field (error);

  for (guint i = 0; field != NULL && i < G_N_ELEMENTS (fields); i++)
    {
      if (g_str_equal (field, fields[i].id))
        {
          g_autofree char *text = g_strdup_printf ("%s: %s", fields[i].label,
                                                   vigil_op_error_get_reason (error));

          if (fields[i].row != NULL)
            gtk_widget_add_css_class (fields[i].row, "error");
          vigil_new_incident_dialog_set_error (self, self->error_label, text);
          return;
        }
    }

  vigil_new_incident_dialog_set_error (self, self->error_label, error->message);
}

static void
on_apply_ready_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VigilNewIncidentDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  VigilIncident *incident;

  incident = vigil_workspace_apply_finish (VIGIL_WORKSPACE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->busy = FALSE;
  vigil_new_incident_dialog_update_actions (self);

  if (incident == NULL)
    {
      vigil_new_incident_dialog_show_refusal (self, error);
      return;
    }

  g_object_ref (incident);
  g_signal_emit (self, signals[CREATED], 0, incident);
  g_object_unref (incident);

  gtk_window_destroy (GTK_WINDOW (self));
}

static void
vigil_new_incident_dialog_create_action (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *parameter)
{
  VigilNewIncidentDialog *self = VIGIL_NEW_INCIDENT_DIALOG (widget);
  g_autofree char *title = vigil_new_incident_dialog_dup_title (self);
  g_autoptr(GDateTime) detected_at = NULL;
  g_autoptr(GDateTime) aware_at = NULL;
  g_autofree char *detected_iso = NULL;
  g_autofree char *aware_iso = NULL;
  g_autofree char *description = NULL;
  g_autoptr(VigilOp) op = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  const char *type_id;
  JsonObject *payload;

  if (self->busy || self->workspace == NULL || *title == '\0')
    return;

  vigil_new_incident_dialog_clear_errors (self);

  detected_at = vigil_new_incident_dialog_read_time (self, self->detected_row, _("Detected at"));
  if (detected_at == NULL)
    return;
  aware_at = vigil_new_incident_dialog_read_time (self, self->aware_row, _("Aware since"));
  if (aware_at == NULL)
    return;

  buffer = gtk_text_view_get_buffer (self->description_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  description = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));

  detected_iso = vigil_time_to_iso (detected_at);
  aware_iso = vigil_time_to_iso (aware_at);
  type_id = vigil_new_incident_dialog_get_type_id (self);

  /* Field rules (required fields, aware not before detected, ...) are the
   * core's, written once; the dialog only shows its refusal. */
  payload = json_object_new ();
  json_object_set_string_member (payload, "title", title);
  if (type_id != NULL)
    json_object_set_string_member (payload, "type", type_id);
  if (g_strcmp0 (type_id, "other") == 0)
    {
      const char *other = gtk_editable_get_text (GTK_EDITABLE (self->type_other_row));

      json_object_set_string_member (payload, "type_other", other);
    }
  if (*description != '\0')
    json_object_set_string_member (payload, "description", description);
  json_object_set_string_member (payload, "detected_at", detected_iso);
  json_object_set_string_member (payload, "aware_at", aware_iso);

  op = vigil_op_new (VIGIL_OP_INCIDENT_CREATE, NULL,
                     vigil_workspace_get_actor (self->workspace), 0, payload);

  self->busy = TRUE;
  vigil_new_incident_dialog_update_actions (self);
  vigil_workspace_apply_async (self->workspace, op, self->cancellable,
                               on_apply_ready_cb, g_object_ref (self));
}

/* Editing a field the dialog complained about withdraws the complaint. */
static void
vigil_new_incident_dialog_field_edited (VigilNewIncidentDialog *self,
                                        GtkWidget              *row)
{
  if (gtk_widget_has_css_class (row, "error"))
    vigil_new_incident_dialog_clear_errors (self);
}

static void
on_row_changed_cb (VigilNewIncidentDialog *self,
                   GtkEditable            *editable)
{
  vigil_new_incident_dialog_field_edited (self, GTK_WIDGET (editable));
  vigil_new_incident_dialog_update_actions (self);
}

static void
on_type_row_selected_cb (VigilNewIncidentDialog *self,
                         GParamSpec             *pspec,
                         AdwComboRow            *row)
{
  vigil_new_incident_dialog_field_edited (self, GTK_WIDGET (row));
  gtk_widget_set_visible (GTK_WIDGET (self->type_other_row),
                          g_strcmp0 (vigil_new_incident_dialog_get_type_id (self), "other") == 0);
}

static void
vigil_new_incident_dialog_dispose (GObject *object)
{
  VigilNewIncidentDialog *self = VIGIL_NEW_INCIDENT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_NEW_INCIDENT_DIALOG);

  g_clear_object (&self->workspace);

  G_OBJECT_CLASS (vigil_new_incident_dialog_parent_class)->dispose (object);
}

static void
vigil_new_incident_dialog_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  VigilNewIncidentDialog *self = VIGIL_NEW_INCIDENT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      g_value_set_object (value, self->workspace);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_new_incident_dialog_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  VigilNewIncidentDialog *self = VIGIL_NEW_INCIDENT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      self->workspace = g_value_dup_object (value);
      vigil_new_incident_dialog_update_actions (self);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_new_incident_dialog_class_init (VigilNewIncidentDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_new_incident_dialog_dispose;
  object_class->get_property = vigil_new_incident_dialog_get_property;
  object_class->set_property = vigil_new_incident_dialog_set_property;

  properties[PROP_WORKSPACE] =
    g_param_spec_object ("workspace", NULL, NULL,
                         VIGIL_TYPE_WORKSPACE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VigilNewIncidentDialog::created:
   * @incident: the new incident, as held by the workspace's model
   *
   * Emitted when the incident was created, just before the dialog closes.
   */
  signals[CREATED] =
    g_signal_new ("created",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL,
                  g_cclosure_marshal_VOID__OBJECT,
                  G_TYPE_NONE, 1, VIGIL_TYPE_INCIDENT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vigil/Vigil/ui/vigil-new-incident-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilNewIncidentDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, VigilNewIncidentDialog, title_row);
  gtk_widget_class_bind_template_child (widget_class, VigilNewIncidentDialog, type_row);
  gtk_widget_class_bind_template_child (widget_class, VigilNewIncidentDialog, type_other_row);
  gtk_widget_class_bind_template_child (widget_class, VigilNewIncidentDialog, description_view);
  gtk_widget_class_bind_template_child (widget_class, VigilNewIncidentDialog, detected_row);
  gtk_widget_class_bind_template_child (widget_class, VigilNewIncidentDialog, aware_row);
  gtk_widget_class_bind_template_child (widget_class, VigilNewIncidentDialog, time_error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_type_row_selected_cb);

  gtk_widget_class_install_action (widget_class, "dialog.create", NULL,
                                   vigil_new_incident_dialog_create_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
vigil_new_incident_dialog_init (VigilNewIncidentDialog *self)
{
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *now_text = format_local_time (now);
  const VigilChoice *choices;
  guint n_choices = 0;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  choices = vigil_process_get_choices (VIGIL_CHOICES_INCIDENT_TYPE, &n_choices);
  for (guint i = 0; i < n_choices; i++)
    gtk_string_list_append (types, vigil_choice_get_label (&choices[i]));
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (types));

  gtk_editable_set_text (GTK_EDITABLE (self->detected_row), now_text);
  gtk_editable_set_text (GTK_EDITABLE (self->aware_row), now_text);

  vigil_new_incident_dialog_update_actions (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->title_row));
}

VigilNewIncidentDialog *
vigil_new_incident_dialog_new (GtkWindow      *parent,
                               VigilWorkspace *workspace)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VIGIL_IS_WORKSPACE (workspace), NULL);

  return g_object_new (VIGIL_TYPE_NEW_INCIDENT_DIALOG,
                       "transient-for", parent,
                       "workspace", workspace,
                       NULL);
}

VigilWorkspace *
vigil_new_incident_dialog_get_workspace (VigilNewIncidentDialog *self)
{
  g_return_val_if_fail (VIGIL_IS_NEW_INCIDENT_DIALOG (self), NULL);

  return self->workspace;
}

void
vigil_new_incident_dialog_set_values (VigilNewIncidentDialog *self,
                                      const char             *title,
                                      const char             *type_id,
                                      const char             *description)
{
  g_return_if_fail (VIGIL_IS_NEW_INCIDENT_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->title_row), title != NULL ? title : "");

  if (type_id != NULL)
    {
      guint n_choices = 0;
      const VigilChoice *choices = vigil_process_get_choices (VIGIL_CHOICES_INCIDENT_TYPE,
                                                              &n_choices);

      for (guint i = 0; i < n_choices; i++)
        {
          if (g_str_equal (choices[i].id, type_id))
            adw_combo_row_set_selected (self->type_row, i);
        }
    }

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->description_view),
                            description != NULL ? description : "", -1);
}

void
vigil_new_incident_dialog_set_times (VigilNewIncidentDialog *self,
                                     GDateTime              *detected_at,
                                     GDateTime              *aware_at)
{
  g_return_if_fail (VIGIL_IS_NEW_INCIDENT_DIALOG (self));

  if (detected_at != NULL)
    {
      g_autofree char *text = format_local_time (detected_at);

      gtk_editable_set_text (GTK_EDITABLE (self->detected_row), text);
    }

  if (aware_at != NULL)
    {
      g_autofree char *text = format_local_time (aware_at);

      gtk_editable_set_text (GTK_EDITABLE (self->aware_row), text);
    }
}

/* The error the dialog shows, or NULL. */
const char *
vigil_new_incident_dialog_get_error (VigilNewIncidentDialog *self)
{
  g_return_val_if_fail (VIGIL_IS_NEW_INCIDENT_DIALOG (self), NULL);

  if (gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return gtk_label_get_label (self->error_label);
  if (gtk_widget_get_visible (GTK_WIDGET (self->time_error_label)))
    return gtk_label_get_label (self->time_error_label);

  return NULL;
}
