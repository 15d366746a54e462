/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vigil-field-editor.h"
#include "vigil-notification-composer.h"

#define FORM_ID "notify"
#define COLLECTION_ID "notifications"
#define UPDATE_TEMPLATE "update"

struct _VigilNotificationComposer
{
  AdwWindow       parent_instance;

  VigilWorkspace *workspace;
  VigilIncident  *incident;
  char           *item_id;
  gboolean        stored;     /* the entry exists in the incident */
  gboolean        editable;
  gboolean        busy;
  gboolean        filling;    /* text set by the composer, not typed */
  gboolean        edited;     /* the text was changed by hand since rendered */
  GPtrArray      *templates;  /* VigilTemplate; index + 1 in the template row */
  GStrv           gaps;
  char           *problem;
  JsonObject     *sent_fields; /* waiting for the draft to be added first */

  AdwComboRow    *audience_row;
  AdwComboRow    *template_row;
  GtkWidget      *template_problems;
  AdwEntryRow    *next_update_row;
  AdwEntryRow    *contact_row;
  AdwEntryRow    *recipients_row;
  AdwEntryRow    *subject_row;
  GtkTextView    *body_view;
  GtkTextTag     *gap_tag;
  GtkWidget      *gaps_label;
  GtkWidget      *status_label;
  GtkWidget      *approval_label;
  GtkWidget      *error_label;
  GtkWidget      *details_group;
  GtkWidget      *save_button;
  GtkWidget      *sent_button;
};

G_DEFINE_FINAL_TYPE (VigilNotificationComposer, vigil_notification_composer, ADW_TYPE_WINDOW)

static void vigil_notification_composer_update_state (VigilNotificationComposer *self);

/* Helpers */

static void
set_problem (VigilNotificationComposer *self,
             const char                *problem)
{
  g_free (self->problem);
  self->problem = g_strdup (problem);
  gtk_label_set_label (GTK_LABEL (self->error_label), problem ? problem : "");
  gtk_widget_set_visible (self->error_label, problem != NULL);
}

static void
set_status (VigilNotificationComposer *self,
            const char                *status)
{
  gtk_label_set_label (GTK_LABEL (self->status_label), status ? status : "");
  gtk_widget_set_visible (self->status_label, status != NULL);
}

static JsonObject *
find_item (VigilNotificationComposer *self)
{
  return vigil_incident_find_item (self->incident, FORM_ID, COLLECTION_ID, self->item_id);
}

static gboolean
item_is_sent (JsonObject *item)
{
  JsonNode *sent = item ? json_object_get_member (item, "sent") : NULL;

  return sent != NULL && !JSON_NODE_HOLDS_NULL (sent);
}

static char *
dup_body (VigilNotificationComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static GStrv
split_recipients (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = g_regex_split_simple ("[,;\\n]", text ? text : "", 0, 0);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }
  return g_strv_builder_end (builder);
}

static GStrv
dup_recipients (VigilNotificationComposer *self)
{
  return split_recipients (gtk_editable_get_text (GTK_EDITABLE (self->recipients_row)));
}

static const VigilTemplate *
selected_template (VigilNotificationComposer *self)
{
  guint selected = adw_combo_row_get_selected (self->template_row);

  if (selected == GTK_INVALID_LIST_POSITION || selected == 0 ||
      selected > self->templates->len)
    return NULL;
  return g_ptr_array_index (self->templates, selected - 1);
}

static const char *
selected_audience (VigilNotificationComposer *self)
{
  guint n_choices;
  const VigilChoice *choices = vigil_process_get_choices (VIGIL_CHOICES_AUDIENCE, &n_choices);
  guint selected = adw_combo_row_get_selected (self->audience_row);

  if (selected == GTK_INVALID_LIST_POSITION || selected >= n_choices)
    return NULL;
  return choices[selected].id;
}

static void
select_audience (VigilNotificationComposer *self,
                 const char                *audience)
{
  guint n_choices;
  const VigilChoice *choices = vigil_process_get_choices (VIGIL_CHOICES_AUDIENCE, &n_choices);

  for (guint i = 0; i < n_choices; i++)
    if (g_strcmp0 (choices[i].id, audience) == 0)
      adw_combo_row_set_selected (self->audience_row, i);
}

/* The update number is one more than the earlier notifications made from
 * the update template. */
static guint
count_earlier_updates (VigilNotificationComposer *self)
{
  JsonArray *items = vigil_incident_get_items (self->incident, FORM_ID, COLLECTION_ID);
  guint count = 0;

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (item, "id", NULL),
                     self->item_id) == 0)
        break;
      if (g_strcmp0 (json_object_get_string_member_with_default (item, "template", NULL),
                     UPDATE_TEMPLATE) == 0)
        count++;
    }
  return count;
}

static void update_approval (VigilNotificationComposer *self);

/* Gaps, as the core finds them, searched in the text as it stands so that
 * filling one in by hand clears it. */
static void
update_gaps (VigilNotificationComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  g_autofree char *body = dup_body (self);
  g_autoptr(GError) error = NULL;
  GtkTextIter start, end;
  const char *at = body;
  const char *gap, *gap_end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->gap_tag, &start, &end);
  while ((gap = vigil_notify_match_gap (at, &gap_end, NULL)) != NULL)
    {
      gtk_text_buffer_get_iter_at_offset (buffer, &start, g_utf8_pointer_to_offset (body, gap));
      gtk_text_buffer_get_iter_at_offset (buffer, &end, g_utf8_pointer_to_offset (body, gap_end));
      gtk_text_buffer_apply_tag (buffer, self->gap_tag, &start, &end);
      at = gap_end;
    }

  g_strfreev (self->gaps);
  self->gaps = vigil_notify_find_gaps (gtk_editable_get_text (GTK_EDITABLE (self->subject_row)),
                                       body);

  /* The line says what is missing and why it matters: Mark as Sent waits. */
  if (vigil_notify_check_gaps (gtk_editable_get_text (GTK_EDITABLE (self->subject_row)), body,
                               &error))
    gtk_label_set_label (GTK_LABEL (self->gaps_label), "");
  else
    gtk_label_set_label (GTK_LABEL (self->gaps_label), error->message);
  gtk_widget_set_visible (self->gaps_label, self->gaps[0] != NULL && self->editable);
  update_approval (self);
}

static void
render (VigilNotificationComposer *self)
{
  const VigilTemplate *template_ = selected_template (self);
  g_autoptr(GHashTable) extra = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;
  const char *next_update = gtk_editable_get_text (GTK_EDITABLE (self->next_update_row));
  const char *contact = gtk_editable_get_text (GTK_EDITABLE (self->contact_row));

  if (template_ == NULL || !self->editable)
    return;

  extra = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  if (*next_update != '\0')
    g_hash_table_insert (extra, "next_update", g_strdup (next_update));
  if (*contact != '\0')
    g_hash_table_insert (extra, "contact", g_strdup (contact));
  g_hash_table_insert (extra, "update_number",
                       g_strdup_printf ("%u", count_earlier_updates (self) + 1));

  subject = vigil_notify_render (template_->subject, self->incident, extra, NULL, &error);
  if (subject != NULL)
    body = vigil_notify_render (template_->body, self->incident, extra, NULL, &error);
  if (body == NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: the first %s is the template's name, the second the reason */
      message = g_strdup_printf (_("The template “%s” cannot be used: %s Correct the file or "
                                   "pick another template."), template_->title, error->message);
      set_problem (self, message);
      return;
    }

  set_problem (self, NULL);
  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->subject_row), subject);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->body_view), body, -1);
  self->filling = FALSE;
  self->edited = FALSE;
  update_gaps (self);
}

/* Saving */

static JsonObject *
draft_fields (VigilNotificationComposer *self)
{
  JsonObject *fields = json_object_new ();
  const VigilTemplate *template_ = selected_template (self);
  const char *audience = selected_audience (self);
  g_auto(GStrv) recipients = dup_recipients (self);
  g_autofree char *body = dup_body (self);
  JsonArray *list = json_array_new ();
  const char *next_update = gtk_editable_get_text (GTK_EDITABLE (self->next_update_row));
  const char *contact = gtk_editable_get_text (GTK_EDITABLE (self->contact_row));
  g_autofree char *next_text = g_strstrip (g_strdup (next_update));
  g_autoptr(GDateTime) next_when = vigil_parse_local_time (next_text);
  g_autofree char *contact_text = g_strstrip (g_strdup (contact));

  if (audience != NULL)
    json_object_set_string_member (fields, "audience", audience);
  if (template_ != NULL)
    json_object_set_string_member (fields, "template", template_->id);
  json_object_set_string_member (fields, "subject",
                                 gtk_editable_get_text (GTK_EDITABLE (self->subject_row)));
  json_object_set_string_member (fields, "body", body);

  for (guint i = 0; recipients[i] != NULL; i++)
    json_array_add_string_element (list, recipients[i]);
  json_object_set_array_member (fields, "recipients", list);
  /* The promised time is kept as a time when it is written as one; words
   * such as "Tuesday morning" still fill the text but are not stored. */
  if (next_when == NULL)
    next_when = vigil_time_from_iso (next_text);
  if (next_when != NULL)
    {
      g_autofree char *iso = vigil_time_to_iso (next_when);

      json_object_set_string_member (fields, "next_update", iso);
    }
  else
    json_object_set_null_member (fields, "next_update");
  if (*contact_text != '\0')
    json_object_set_string_member (fields, "contact", contact_text);
  else
    json_object_set_null_member (fields, "contact");
  return fields;
}

static void send_fields (VigilNotificationComposer *self,
                         JsonObject                *fields);

static void
on_applied_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VigilNotificationComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) sent_fields = g_steal_pointer (&self->sent_fields);
  JsonObject *item;

  self->busy = FALSE;
  if (vigil_workspace_apply_finish (VIGIL_WORKSPACE (object), result, &error) == NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %s is the reason the change was refused */
      message = g_strdup_printf (_("Not saved: %s"), error->message);
      set_problem (self, message);
      vigil_notification_composer_update_state (self);
      return;
    }

  self->stored = TRUE;
  set_problem (self, NULL);
  if (sent_fields != NULL)
    {
      send_fields (self, g_steal_pointer (&sent_fields));
      return;
    }

  item = find_item (self);
  if (item_is_sent (item))
    self->editable = FALSE;
  else
    set_status (self, _("Draft saved."));
  vigil_notification_composer_update_state (self);
}

/* Takes @fields. */
static void
send_fields (VigilNotificationComposer *self,
             JsonObject                *fields)
{
  JsonObject *payload = json_object_new ();
  g_autoptr(VigilOp) op = NULL;
  VigilOpKind kind;

  json_object_set_string_member (payload, "form", FORM_ID);
  json_object_set_string_member (payload, "collection", COLLECTION_ID);
  if (!self->stored)
    {
      kind = VIGIL_OP_ITEM_ADD;
      json_object_set_string_member (fields, "id", self->item_id);
      json_object_set_object_member (payload, "item", fields);
    }
  else
    {
      kind = VIGIL_OP_ITEM_UPDATE;
      json_object_set_string_member (payload, "id", self->item_id);
      json_object_set_object_member (payload, "fields", fields);
    }
  op = vigil_op_new (kind, vigil_incident_get_id (self->incident),
                     vigil_workspace_get_actor (self->workspace),
                     vigil_incident_get_revision (self->incident), payload);
  self->busy = TRUE;
  set_status (self, NULL);
  vigil_notification_composer_update_state (self);
  vigil_workspace_apply_async (self->workspace, op, NULL, on_applied_cb, g_object_ref (self));
}

static void
save_draft_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VigilNotificationComposer *self = VIGIL_NOTIFICATION_COMPOSER (widget);

  if (!self->editable || self->busy)
    return;
  send_fields (self, draft_fields (self));
}

void
vigil_notification_composer_mark_sent (VigilNotificationComposer *self,
                                       const char                *channel,
                                       GDateTime                 *sent_at,
                                       const char * const        *recipients)
{
  JsonObject *fields;
  JsonArray *list = json_array_new ();
  g_autofree char *at = vigil_time_to_iso (sent_at);

  g_return_if_fail (VIGIL_IS_NOTIFICATION_COMPOSER (self));
  g_return_if_fail (self->editable && !self->busy);

  fields = draft_fields (self);
  json_object_set_string_member (fields, "channel", channel);
  json_object_set_string_member (fields, "sent_at", at);
  for (guint i = 0; recipients != NULL && recipients[i] != NULL; i++)
    json_array_add_string_element (list, recipients[i]);
  json_object_set_array_member (fields, "recipients", list);
  json_object_set_boolean_member (fields, "sent", TRUE);

  if (self->stored)
    send_fields (self, fields);
  else
    {
      /* A new notification is added as a draft first, then marked sent. */
      g_clear_pointer (&self->sent_fields, json_object_unref);
      self->sent_fields = fields;
      send_fields (self, draft_fields (self));
    }
}

/* Mark as Sent… */

typedef struct {
  VigilNotificationComposer *composer;
  GtkDropDown               *channel;
  GtkEditable               *time;
  GtkEditable               *recipients;
} SentDialog;

static void
sent_dialog_free (SentDialog *data)
{
  g_object_unref (data->composer);
  g_free (data);
}

static void
on_sent_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     SentDialog       *data)
{
  VigilNotificationComposer *self = data->composer;
  guint n_choices;
  const VigilChoice *choices = vigil_process_get_choices (VIGIL_CHOICES_CHANNEL, &n_choices);
  guint selected = gtk_drop_down_get_selected (data->channel);
  const char *time_text = gtk_editable_get_text (data->time);
  g_autoptr(GDateTime) when = NULL;
  g_auto(GStrv) recipients = NULL;

  if (!g_str_equal (response, "sent") || !self->editable || self->busy)
    return;

  when = vigil_parse_local_time (time_text);
  if (when == NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %s is what was typed as the time of sending */
      message = g_strdup_printf (_("Not marked as sent: the time “%s” is not understood. "
                                   "Write it like 2024-03-01 14:30."), time_text);
      set_problem (self, message);
      return;
    }
  recipients = split_recipients (gtk_editable_get_text (data->recipients));
  gtk_editable_set_text (GTK_EDITABLE (self->recipients_row),
                         gtk_editable_get_text (data->recipients));
  vigil_notification_composer_mark_sent (self, choices[MIN (selected, n_choices - 1)].id, when,
                                         (const char * const *) recipients);
}

static GtkWidget *
labelled (GtkWidget  *box,
          const char *label_text,
          GtkWidget  *widget)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (label_text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), widget);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  return widget;
}

static void
mark_sent_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VigilNotificationComposer *self = VIGIL_NOTIFICATION_COMPOSER (widget);
  SentDialog *data;
  AdwMessageDialog *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autoptr(GtkStringList) channels = gtk_string_list_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *now_text = vigil_format_local_time (now);
  guint n_choices;
  const VigilChoice *choices = vigil_process_get_choices (VIGIL_CHOICES_CHANNEL, &n_choices);
  GtkWidget *time_entry = gtk_entry_new ();
  GtkWidget *recipients_entry = gtk_entry_new ();

  if (!self->editable || self->busy)
    return;

  for (guint i = 0; i < n_choices; i++)
    gtk_string_list_append (channels, vigil_choice_get_label (&choices[i]));

  data = g_new0 (SentDialog, 1);
  data->composer = g_object_ref (self);
  data->channel = GTK_DROP_DOWN (labelled (box, _("_Channel"),
                                           gtk_drop_down_new (G_LIST_MODEL (g_object_ref (channels)),
                                                              NULL)));
  gtk_widget_set_name (GTK_WIDGET (data->channel), "channel");
  gtk_widget_set_name (time_entry, "sent-at");
  gtk_widget_set_name (recipients_entry, "sent-recipients");
  gtk_editable_set_text (GTK_EDITABLE (time_entry), now_text);
  gtk_entry_set_activates_default (GTK_ENTRY (time_entry), TRUE);
  data->time = GTK_EDITABLE (labelled (box, _("_Sent at"), time_entry));
  gtk_editable_set_text (GTK_EDITABLE (recipients_entry),
                         gtk_editable_get_text (GTK_EDITABLE (self->recipients_row)));
  gtk_entry_set_placeholder_text (GTK_ENTRY (recipients_entry),
                                  _("Names or addresses, separated by commas"));
  gtk_entry_set_activates_default (GTK_ENTRY (recipients_entry), TRUE);
  data->recipients = GTK_EDITABLE (labelled (box, _("_Recipients"), recipients_entry));

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Mark as Sent?"), NULL));
  adw_message_dialog_set_body (dialog, _("The notification is then kept exactly as sent: it "
                                         "can no longer be changed or removed. A correction "
                                         "is a new notification."));
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"),
                                    "sent", _("_Mark as Sent"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "sent", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "sent");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_sent_response_cb), data,
                         (GClosureNotify) (void (*) (void)) sent_dialog_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Export */

static char *
dup_export_text (VigilNotificationComposer *self,
                 VigilNotificationFormat    format)
{
  g_autofree char *body = dup_body (self);
  g_auto(GStrv) recipients = dup_recipients (self);
  const char *subject = gtk_editable_get_text (GTK_EDITABLE (self->subject_row));

  if (format == VIGIL_NOTIFICATION_EML)
    return vigil_notify_to_eml (subject, body, NULL, (const char * const *) recipients, NULL);
  return vigil_notify_to_markdown (subject, body, (const char * const *) recipients);
}

/* What a PDF export needs, copied so that a worker thread may write it. */
typedef struct {
  char  *subject;
  char  *body;
  GStrv  recipients;
  char  *path;
} PdfJob;

static void
pdf_job_free (PdfJob *job)
{
  g_free (job->subject);
  g_free (job->body);
  g_strfreev (job->recipients);
  g_free (job->path);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdfJob, pdf_job_free)

static PdfJob *
pdf_job_new (VigilNotificationComposer  *self,
             GFile                      *file,
             GError                    **error)
{
  PdfJob *job;
  char *path = g_file_get_path (file);

  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("A PDF can only be saved to a local folder. Pick a folder on "
                             "this computer."));
      return NULL;
    }
  job = g_new0 (PdfJob, 1);
  job->subject = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->subject_row)));
  job->body = dup_body (self);
  job->recipients = dup_recipients (self);
  job->path = path;
  return job;
}

static void
write_pdf_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  PdfJob *job = task_data;
  GError *error = NULL;

  if (vigil_notify_to_pdf (job->subject, job->body, (const char * const *) job->recipients,
                           NULL, job->path, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_pdf_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  VigilNotificationComposer *self = VIGIL_NOTIFICATION_COMPOSER (source);
  PdfJob *job = g_task_get_task_data (G_TASK (result));
  g_autofree char *name = g_filename_display_basename (job->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      set_problem (self, error->message);
      return;
    }
  /* Translators: %s is a file name */
  message = g_strdup_printf (_("Saved as “%s”."), name);
  set_status (self, message);
}

gboolean
vigil_notification_composer_export (VigilNotificationComposer *self,
                                    VigilNotificationFormat    format,
                                    GFile                     *file,
                                    GError                   **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (VIGIL_IS_NOTIFICATION_COMPOSER (self), FALSE);

  if (format == VIGIL_NOTIFICATION_PDF)
    {
      g_autoptr(PdfJob) job = pdf_job_new (self, file, error);

      return job != NULL && vigil_notify_to_pdf (job->subject, job->body,
                                                 (const char * const *) job->recipients,
                                                 NULL, job->path, error);
    }
  text = dup_export_text (self, format);
  return g_file_replace_contents (file, text, strlen (text), NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

static void
on_export_written_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(VigilNotificationComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (source));
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      /* Translators: %s is the file name, then the reason */
      message = g_strdup_printf (_("“%s” was not written: %s Pick another folder."),
                                 name, error->message);
      set_problem (self, message);
      return;
    }
  /* Translators: %s is a file name */
  message = g_strdup_printf (_("Saved as “%s”."), name);
  set_status (self, message);
}

static void
on_export_file_cb (GtkNativeDialog *chooser,
                   int              response,
                   gpointer         user_data)
{
  g_autoptr(VigilNotificationComposer) self = user_data;
  VigilNotificationFormat format = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser),
                                                                       "format"));
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *text;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      if (format == VIGIL_NOTIFICATION_PDF)
        {
          g_autoptr(GError) error = NULL;
          PdfJob *job = pdf_job_new (self, file, &error);
          g_autoptr(GTask) task = NULL;

          if (job == NULL)
            {
              set_problem (self, error->message);
              g_object_unref (chooser);
              return;
            }
          task = g_task_new (self, NULL, on_pdf_written_cb, NULL);
          g_task_set_task_data (task, job, (GDestroyNotify) pdf_job_free);
          g_task_run_in_thread (task, write_pdf_thread);
          g_object_unref (chooser);
          return;
        }
      text = dup_export_text (self, format);
      bytes = g_bytes_new_take (text, strlen (text));
      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                           G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                           on_export_written_cb, g_object_ref (self));
    }
  g_object_unref (chooser);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VigilNotificationComposer *self = VIGIL_NOTIFICATION_COMPOSER (widget);
  VigilNotificationFormat format = VIGIL_NOTIFICATION_MARKDOWN;
  const char *title = _("Save as Markdown");
  const char *extension = "md";
  GtkFileChooserNative *chooser;
  const char *reference = vigil_incident_get_reference (self->incident);
  g_autofree char *name = NULL;

  if (g_str_equal (action_name, "composer.save-eml"))
    {
      format = VIGIL_NOTIFICATION_EML;
      title = _("Save as E-Mail Draft");
      extension = "eml";
    }
  else if (g_str_equal (action_name, "composer.save-pdf"))
    {
      format = VIGIL_NOTIFICATION_PDF;
      title = _("Save as PDF");
      extension = "pdf";
    }
  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  /* Translators: a file name; %s is the incident's reference */
  name = g_strdup_printf (_("%s notification.%s"), reference ? reference : "incident",
                          extension);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "format", GINT_TO_POINTER (format));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_file_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VigilNotificationComposer *self = VIGIL_NOTIFICATION_COMPOSER (widget);
  g_autofree char *body = dup_body (self);
  g_autofree char *text = g_strdup_printf ("%s\n\n%s",
                                           gtk_editable_get_text (GTK_EDITABLE (self->subject_row)),
                                           body);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  set_status (self, _("Subject and message copied."));
}

/* State */

/* Where the text in the composer stands with the lead. Returns whether it
 * may be marked sent; @state: (out): what to tell the user, or %NULL when
 * no approval is needed. */
static gboolean
check_approval (VigilNotificationComposer  *self,
                char                      **state)
{
  VigilPolicyFlags policy = vigil_store_get_policy (vigil_workspace_get_store (self->workspace));
  JsonObject *item = self->stored ? find_item (self) : NULL;
  g_autoptr(JsonObject) fields = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *stored_hash = NULL;
  const char *decision, *decided_hash, *by, *at, *comment;
  g_autofree char *when = NULL;

  *state = NULL;
  if (!(policy & VIGIL_POLICY_EXTERNAL_NOTIFICATIONS_NEED_APPROVAL) ||
      !vigil_notification_audience_is_external (selected_audience (self)))
    return TRUE;

  fields = draft_fields (self);
  hash = vigil_notification_dup_text_hash (fields);
  if (item == NULL)
    {
      *state = g_strdup (_("A notification to clients or the regulator is sent only once an "
                           "incident response lead has approved it: save the draft, and it "
                           "waits in Approvals."));
      return FALSE;
    }

  stored_hash = vigil_notification_dup_text_hash (item);
  decision = json_object_get_string_member_with_default (item, "approval", NULL);
  decided_hash = json_object_get_string_member_with_default (item, "approval_sha256", NULL);
  by = json_object_get_string_member_with_default (item, "approval_by", "?");
  at = json_object_get_string_member_with_default (item, "approval_at", NULL);
  comment = json_object_get_string_member_with_default (item, "approval_comment", NULL);
  when = at ? vigil_format_iso_local (at) : g_strdup ("—");

  if (g_strcmp0 (decision, "approved") == 0 && g_strcmp0 (decided_hash, hash) == 0)
    {
      /* Translators: the lead's name, then a date and time */
      *state = g_strdup_printf (_("Approved by %s on %s. Mark as Sent records exactly this "
                                  "text; a change needs approving again."), by, when);
      return TRUE;
    }
  if (g_strcmp0 (stored_hash, hash) != 0)
    *state = g_strdup (_("Changed since it was saved: save the draft, and it waits for an "
                         "incident response lead’s approval before it can be sent."));
  else if (g_strcmp0 (decision, "rejected") == 0)
    /* Translators: the lead's name, then their comment */
    *state = g_strdup_printf (_("Rejected by %s: “%s”. Change the text and save it; it then "
                                "waits for approval again."), by, comment ? comment : "");
  else
    *state = g_strdup (_("Awaiting approval: an incident response lead approves a "
                         "notification to clients or the regulator (in Approvals) before it "
                         "can be marked sent."));
  return FALSE;
}

static void
update_approval (VigilNotificationComposer *self)
{
  g_autofree char *state = NULL;
  g_autofree char *reason = NULL;
  gboolean allowed = TRUE;

  if (self->editable)
    allowed = check_approval (self, &state);
  gtk_label_set_label (GTK_LABEL (self->approval_label), state ? state : "");
  gtk_widget_set_visible (self->approval_label, state != NULL);

  /* Why Mark as Sent waits: the lead, the gaps, or both. */
  if (!allowed)
    reason = g_strdup (state);
  if (self->editable && self->gaps[0] != NULL)
    {
      const char *gaps = gtk_label_get_label (GTK_LABEL (self->gaps_label));

      allowed = FALSE;
      if (reason != NULL)
        {
          g_autofree char *both = g_strconcat (reason, "\n", gaps, NULL);

          g_free (reason);
          reason = g_steal_pointer (&both);
        }
      else
        reason = g_strdup (gaps);
    }
  gtk_widget_set_tooltip_text (self->sent_button, reason);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.mark-sent",
                                 self->editable && !self->busy && allowed);
}

static void
vigil_notification_composer_update_state (VigilNotificationComposer *self)
{
  JsonObject *item = self->stored ? find_item (self) : NULL;
  gboolean can_edit = self->editable && !self->busy;

  gtk_widget_set_sensitive (GTK_WIDGET (self->audience_row), can_edit);
  gtk_widget_set_sensitive (GTK_WIDGET (self->template_row), can_edit);
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_update_row), can_edit);
  gtk_widget_set_sensitive (GTK_WIDGET (self->contact_row), can_edit);
  gtk_editable_set_editable (GTK_EDITABLE (self->recipients_row), can_edit);
  gtk_editable_set_editable (GTK_EDITABLE (self->subject_row), can_edit);
  /* Read-only rows look like the other fixed values, not like fields. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->recipients_row), self->editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->subject_row), self->editable);
  gtk_text_view_set_editable (self->body_view, can_edit);
  gtk_text_view_set_cursor_visible (self->body_view, self->editable);
  gtk_widget_set_visible (self->details_group, self->editable);
  gtk_widget_set_visible (self->gaps_label, self->editable && self->gaps[0] != NULL);
  gtk_widget_set_visible (self->save_button, self->editable);
  gtk_widget_set_visible (self->sent_button, self->editable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.save-draft", can_edit);
  update_approval (self);

  if (item_is_sent (item))
    {
      const char *channel = json_object_get_string_member_with_default (item, "channel", NULL);
      const char *sent_at = json_object_get_string_member_with_default (item, "sent_at", NULL);
      g_autofree char *when = sent_at ? vigil_format_iso_local (sent_at) : g_strdup ("—");
      g_autofree char *text = NULL;

      gtk_window_set_title (GTK_WINDOW (self), _("Sent Notification"));
      /* Translators: %s is a date and time, then a channel such as "E-mail" */
      text = g_strdup_printf (_("Sent on %s via %s. It is kept as sent; a correction is a new "
                                "notification."), when,
                              channel ? vigil_process_get_choice_label (VIGIL_CHOICES_CHANNEL,
                                                                         channel)
                                      : _("an unrecorded channel"));
      set_status (self, text);
    }
  else if (!self->editable)
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Notification"));
      set_status (self, _("You can read this notification but not change it."));
    }
}

static void
on_template_selected_cb (VigilNotificationComposer *self)
{
  const VigilTemplate *template_ = selected_template (self);

  if (self->filling || template_ == NULL)
    return;
  self->filling = TRUE;
  select_audience (self, template_->audience);
  self->filling = FALSE;
  render (self);
}

static char *
replace_gap (const char *text,
             const char *name,
             const char *value)
{
  g_autofree char *marker = vigil_notify_format_gap (name);
  g_auto(GStrv) parts = g_strsplit (text, marker, -1);

  return g_strjoinv (value, parts);
}

/* A value typed in Details: the text is written again from the template,
 * unless it was changed by hand; then only the gaps it fills are replaced. */
static void
on_extra_changed_cb (GtkEditable               *row,
                     VigilNotificationComposer *self)
{
  const char *name = gtk_widget_get_name (GTK_WIDGET (row));
  const char *value = gtk_editable_get_text (row);
  g_autofree char *body = NULL;
  g_autofree char *new_body = NULL;
  g_autofree char *new_subject = NULL;

  if (self->filling || !self->editable)
    return;
  if (!self->edited)
    {
      render (self);
      return;
    }
  if (*value == '\0')
    return;

  body = dup_body (self);
  new_body = replace_gap (body, name, value);
  new_subject = replace_gap (gtk_editable_get_text (GTK_EDITABLE (self->subject_row)), name,
                             value);
  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->subject_row), new_subject);
  if (!g_str_equal (body, new_body))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->body_view), new_body, -1);
  self->filling = FALSE;
  update_gaps (self);
}

static void
on_text_changed_cb (VigilNotificationComposer *self)
{
  if (!self->filling)
    {
      self->edited = TRUE;
      update_gaps (self);
      set_status (self, NULL);
    }
  update_approval (self);
}

/* Building */

static void
vigil_notification_composer_setup (VigilNotificationComposer *self)
{
  g_autoptr(GtkStringList) audiences = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) titles = gtk_string_list_new (NULL);
  g_autofree char *user_dir = vigil_templates_dup_user_dir ();
  g_auto(GStrv) problems = NULL;
  guint n_choices;
  const VigilChoice *choices = vigil_process_get_choices (VIGIL_CHOICES_AUDIENCE, &n_choices);

  for (guint i = 0; i < n_choices; i++)
    gtk_string_list_append (audiences, vigil_choice_get_label (&choices[i]));
  adw_combo_row_set_model (self->audience_row, G_LIST_MODEL (audiences));

  self->templates = vigil_templates_list (user_dir, &problems);
  gtk_string_list_append (titles, _("None (blank)"));
  for (guint i = 0; i < self->templates->len; i++)
    {
      const VigilTemplate *template_ = g_ptr_array_index (self->templates, i);
      g_autofree char *title = NULL;

      /* Translators: a template the user added, %s is its title */
      title = template_->builtin ? g_strdup (template_->title)
                                 : g_strdup_printf (_("%s (own template)"), template_->title);
      gtk_string_list_append (titles, title);
    }
  adw_combo_row_set_model (self->template_row, G_LIST_MODEL (titles));

  if (problems != NULL && problems[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv ("\n", problems);
      g_autofree char *text = NULL;

      /* Translators: %s is the folder, then one problem per line */
      text = g_strdup_printf (_("Some of your templates in %s were left out:\n%s"),
                              user_dir, joined);
      gtk_label_set_label (GTK_LABEL (self->template_problems), text);
      gtk_widget_set_visible (self->template_problems, TRUE);
    }

  self->gap_tag = gtk_text_buffer_create_tag (gtk_text_view_get_buffer (self->body_view), "gap",
                                              "weight", PANGO_WEIGHT_BOLD,
                                              "underline", PANGO_UNDERLINE_ERROR,
                                              NULL);

  g_signal_connect_swapped (self->template_row, "notify::selected",
                            G_CALLBACK (on_template_selected_cb), self);
  g_signal_connect (self->next_update_row, "changed", G_CALLBACK (on_extra_changed_cb), self);
  g_signal_connect (self->contact_row, "changed", G_CALLBACK (on_extra_changed_cb), self);
  g_signal_connect_swapped (self->subject_row, "changed",
                            G_CALLBACK (on_text_changed_cb), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->body_view), "changed",
                            G_CALLBACK (on_text_changed_cb), self);
  g_signal_connect_swapped (self->recipients_row, "changed",
                            G_CALLBACK (update_approval), self);
  g_signal_connect_swapped (self->audience_row, "notify::selected",
                            G_CALLBACK (update_approval), self);
}

static void
vigil_notification_composer_load (VigilNotificationComposer *self,
                                  JsonObject                *item)
{
  const char *template_id = json_object_get_string_member_with_default (item, "template", NULL);
  JsonArray *recipients = json_object_has_member (item, "recipients")
                          && JSON_NODE_HOLDS_ARRAY (json_object_get_member (item, "recipients"))
                          ? json_object_get_array_member (item, "recipients") : NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;
  g_autofree char *joined = NULL;

  self->filling = TRUE;
  select_audience (self, json_object_get_string_member_with_default (item, "audience", NULL));
  for (guint i = 0; template_id != NULL && i < self->templates->len; i++)
    {
      const VigilTemplate *template_ = g_ptr_array_index (self->templates, i);

      if (g_str_equal (template_->id, template_id))
        adw_combo_row_set_selected (self->template_row, i + 1);
    }
  for (guint i = 0; recipients != NULL && i < json_array_get_length (recipients); i++)
    g_strv_builder_add (builder, json_array_get_string_element (recipients, i));
  list = g_strv_builder_end (builder);
  joined = g_strjoinv (", ", list);
  gtk_editable_set_text (GTK_EDITABLE (self->recipients_row), joined);
  gtk_editable_set_text (GTK_EDITABLE (self->subject_row),
                         json_object_get_string_member_with_default (item, "subject", ""));
  {
    const char *next_iso = json_object_get_string_member_with_default (item, "next_update",
                                                                        NULL);
    g_autoptr(GDateTime) next_when = next_iso ? vigil_time_from_iso (next_iso) : NULL;
    g_autofree char *next_text = next_when ? vigil_format_local_time (next_when) : NULL;

    gtk_editable_set_text (GTK_EDITABLE (self->next_update_row), next_text ? next_text : "");
    gtk_editable_set_text (GTK_EDITABLE (self->contact_row),
                           json_object_get_string_member_with_default (item, "contact", ""));
  }
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->body_view),
                            json_object_get_string_member_with_default (item, "body", ""), -1);
  self->filling = FALSE;
  self->edited = TRUE;
  update_gaps (self);
}

static void
vigil_notification_composer_dispose (GObject *object)
{
  VigilNotificationComposer *self = VIGIL_NOTIFICATION_COMPOSER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_NOTIFICATION_COMPOSER);
  g_clear_object (&self->workspace);
  g_clear_object (&self->incident);
  G_OBJECT_CLASS (vigil_notification_composer_parent_class)->dispose (object);
}

static void
vigil_notification_composer_finalize (GObject *object)
{
  VigilNotificationComposer *self = VIGIL_NOTIFICATION_COMPOSER (object);

  g_free (self->item_id);
  g_free (self->problem);
  g_strfreev (self->gaps);
  g_clear_pointer (&self->templates, g_ptr_array_unref);
  g_clear_pointer (&self->sent_fields, json_object_unref);
  G_OBJECT_CLASS (vigil_notification_composer_parent_class)->finalize (object);
}

static void
vigil_notification_composer_class_init (VigilNotificationComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_notification_composer_dispose;
  object_class->finalize = vigil_notification_composer_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vigil/Vigil/ui/vigil-notification-composer.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilNotificationComposer, audience_row);
  gtk_widget_class_bind_template_child (widget_class, VigilNotificationComposer, template_row);
  gtk_widget_class_bind_template_child (widget_class, VigilNotificationComposer, template_problems);
  gtk_widget_class_bind_template_child (widget_class, VigilNotificationComposer, details_group);
  gtk_widget_class_bind_template_child (widget_class, VigilNotificationComposer, next_update_row);
  gtk_widget_class_bind_template_child (widget_class, VigilNotificationComposer, contact_row);
  gtk_widget_class_bind_template_child (widget_class, VigilNotificationComposer, recipients_row);
  gtk_widget_class_bind_template_child (widget_class, VigilNotificationComposer, subject_row);
  gtk_widget_class_bind_template_child (widget_class, VigilNotificationComposer, body_view);
  gtk_widget_class_bind_template_child (widget_class, VigilNotificationComposer, gaps_label);
  gtk_widget_class_bind_template_child (widget_class, VigilNotificationComposer, status_label);
  gtk_widget_class_bind_template_child (widget_class, VigilNotificationComposer, error_label);
  gtk_widget_class_bind_template_child (widget_class, VigilNotificationComposer, save_button);
  gtk_widget_class_bind_template_child (widget_class, VigilNotificationComposer, sent_button);
  gtk_widget_class_bind_template_child (widget_class, VigilNotificationComposer, approval_label);

  gtk_widget_class_install_action (widget_class, "composer.save-draft", NULL, save_draft_action);
  gtk_widget_class_install_action (widget_class, "composer.mark-sent", NULL, mark_sent_action);
  gtk_widget_class_install_action (widget_class, "composer.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "composer.save-eml", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "composer.save-pdf", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "composer.save-markdown", NULL,
                                   save_as_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "composer.save-draft", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
vigil_notification_composer_init (VigilNotificationComposer *self)
{
  self->gaps = g_new0 (char *, 1);
  gtk_widget_init_template (GTK_WIDGET (self));
  vigil_notification_composer_setup (self);
}

GtkWidget *
vigil_notification_composer_new (GtkWindow      *parent,
                                 VigilWorkspace *workspace,
                                 VigilIncident  *incident,
                                 const char     *item_id,
                                 gboolean        editable)
{
  VigilNotificationComposer *self;
  JsonObject *item;

  g_return_val_if_fail (VIGIL_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), NULL);

  self = g_object_new (VIGIL_TYPE_NOTIFICATION_COMPOSER,
                       "modal", TRUE,
                       "transient-for", parent,
                       NULL);
  self->workspace = g_object_ref (workspace);
  self->incident = g_object_ref (incident);
  self->item_id = item_id ? g_strdup (item_id) : g_uuid_string_random ();
  item = item_id ? find_item (self) : NULL;
  self->stored = item != NULL;
  self->editable = editable && !item_is_sent (item);

  if (item != NULL)
    vigil_notification_composer_load (self, item);
  else
    gtk_window_set_title (GTK_WINDOW (self), _("New Notification"));
  /* A lead's decision taken meanwhile, here or elsewhere, shows at once. */
  g_signal_connect_object (incident, "notify", G_CALLBACK (update_approval), self,
                           G_CONNECT_SWAPPED);
  vigil_notification_composer_update_state (self);
  return GTK_WIDGET (self);
}

gboolean
vigil_notification_composer_select_template (VigilNotificationComposer *self,
                                             const char                *template_id)
{
  g_return_val_if_fail (VIGIL_IS_NOTIFICATION_COMPOSER (self), FALSE);

  for (guint i = 0; i < self->templates->len; i++)
    {
      const VigilTemplate *template_ = g_ptr_array_index (self->templates, i);

      if (g_str_equal (template_->id, template_id))
        {
          adw_combo_row_set_selected (self->template_row, i + 1);
          return TRUE;
        }
    }
  return FALSE;
}

void
vigil_notification_composer_set_extra (VigilNotificationComposer *self,
                                       const char                *name,
                                       const char                *value)
{
  g_return_if_fail (VIGIL_IS_NOTIFICATION_COMPOSER (self));

  if (g_str_equal (name, "next_update"))
    gtk_editable_set_text (GTK_EDITABLE (self->next_update_row), value);
  else if (g_str_equal (name, "contact"))
    gtk_editable_set_text (GTK_EDITABLE (self->contact_row), value);
  else
    g_return_if_reached ();
}

void
vigil_notification_composer_set_recipients (VigilNotificationComposer *self,
                                            const char                *text)
{
  g_return_if_fail (VIGIL_IS_NOTIFICATION_COMPOSER (self));
  gtk_editable_set_text (GTK_EDITABLE (self->recipients_row), text);
}

char *
vigil_notification_composer_dup_subject (VigilNotificationComposer *self)
{
  g_return_val_if_fail (VIGIL_IS_NOTIFICATION_COMPOSER (self), NULL);
  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->subject_row)));
}

char *
vigil_notification_composer_dup_body (VigilNotificationComposer *self)
{
  g_return_val_if_fail (VIGIL_IS_NOTIFICATION_COMPOSER (self), NULL);
  return dup_body (self);
}

void
vigil_notification_composer_set_body (VigilNotificationComposer *self,
                                      const char                *body)
{
  g_return_if_fail (VIGIL_IS_NOTIFICATION_COMPOSER (self));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->body_view), body, -1);
}

const char * const *
vigil_notification_composer_get_gaps (VigilNotificationComposer *self)
{
  g_return_val_if_fail (VIGIL_IS_NOTIFICATION_COMPOSER (self), NULL);
  return (const char * const *) self->gaps;
}

const char *
vigil_notification_composer_get_item_id (VigilNotificationComposer *self)
{
  g_return_val_if_fail (VIGIL_IS_NOTIFICATION_COMPOSER (self), NULL);
  return self->item_id;
}

gboolean
vigil_notification_composer_get_editable (VigilNotificationComposer *self)
{
  g_return_val_if_fail (VIGIL_IS_NOTIFICATION_COMPOSER (self), FALSE);
  return self->editable;
}

gboolean
vigil_notification_composer_get_busy (VigilNotificationComposer *self)
{
  g_return_val_if_fail (VIGIL_IS_NOTIFICATION_COMPOSER (self), FALSE);
  return self->busy;
}

const char *
vigil_notification_composer_get_problem (VigilNotificationComposer *self)
{
  g_return_val_if_fail (VIGIL_IS_NOTIFICATION_COMPOSER (self), NULL);
  return self->problem;
}

/* The list of step 10 */

static void
on_open_clicked_cb (GtkButton *button,
                    gpointer   user_data)
{
  VigilWorkspace *workspace = g_object_get_data (G_OBJECT (button), "workspace");
  VigilIncident *incident = g_object_get_data (G_OBJECT (button), "incident");
  const char *item_id = g_object_get_data (G_OBJECT (button), "item-id");
  gboolean editable = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "editable"));
  GtkWidget *composer;

  composer = vigil_notification_composer_new (GTK_WINDOW (gtk_widget_get_root (
                                                GTK_WIDGET (button))),
                                              workspace, incident, item_id, editable);
  gtk_window_present (GTK_WINDOW (composer));
}

void
vigil_notification_fill_list (GtkListBox     *list,
                              VigilWorkspace *workspace,
                              VigilIncident  *incident,
                              gboolean        editable)
{
  JsonArray *items = vigil_incident_get_items (incident, FORM_ID, COLLECTION_ID);
  GtkWidget *child;
  guint promise = G_MAXUINT;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);

  if (items == NULL || json_array_get_length (items) == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No notifications yet"));
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (list, row);
      return;
    }

  {
    /* What the audience now waits for: the core's reading, also used for
     * the reminders. */
    JsonObject *promised = vigil_incident_get_promised_update (incident);

    for (guint i = 0; promised != NULL && i < json_array_get_length (items); i++)
      if (json_array_get_object_element (items, i) == promised)
        promise = i;
  }
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *item_id = json_object_get_string_member_with_default (item, "id", "");
      const char *subject = json_object_get_string_member_with_default (item, "subject", "");
      const char *audience = json_object_get_string_member_with_default (item, "audience", NULL);
      gboolean sent = item_is_sent (item);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *mark;
      GtkWidget *open;
      g_autofree char *status = NULL;
      g_autofree char *subtitle = NULL;

      if (sent)
        {
          const char *channel = json_object_get_string_member_with_default (item, "channel",
                                                                            NULL);
          const char *sent_at = json_object_get_string_member_with_default (item, "sent_at",
                                                                            NULL);
          g_autofree char *when = sent_at ? vigil_format_iso_local (sent_at) : g_strdup ("—");

          /* Translators: %s is a date and time, then a channel such as "E-mail" */
          status = g_strdup_printf (_("Sent on %s via %s"), when,
                                    channel ? vigil_process_get_choice_label (
                                                VIGIL_CHOICES_CHANNEL, channel)
                                            : _("an unrecorded channel"));
        }
      else
        status = g_strdup (_("Draft"));
      subtitle = g_strdup_printf ("%s · %s",
                                  audience ? vigil_process_get_choice_label (
                                               VIGIL_CHOICES_AUDIENCE, audience)
                                           : _("No audience"),
                                  status);
      if (i == promise)
        {
          g_autofree char *due = vigil_format_iso_local (
            json_object_get_string_member (item, "next_update"));
          g_autofree char *shorter = g_steal_pointer (&subtitle);

          /* Translators: %s is a date and time promised to the audience */
          g_autofree char *line = g_strdup_printf (_("Next update due %s"), due);

          subtitle = g_strdup_printf ("%s · %s", shorter, line);
        }

      gtk_widget_set_name (row, item_id);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     *subject ? subject : _("No subject"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

      mark = gtk_image_new_from_icon_name (sent ? "mail-send-symbolic"
                                                : "document-edit-symbolic");
      gtk_widget_add_css_class (mark, sent ? "success" : "dim-label");
      gtk_widget_set_tooltip_text (mark, sent ? _("Sent") : _("Draft"));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), mark);

      open = gtk_button_new_from_icon_name (editable && !sent ? "document-edit-symbolic"
                                                              : "view-more-symbolic");
      gtk_widget_set_name (open, "open");
      gtk_widget_set_valign (open, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (open, "flat");
      gtk_widget_set_tooltip_text (open, editable && !sent ? _("Edit the draft")
                                                           : _("Show the notification"));
      g_object_set_data_full (G_OBJECT (open), "workspace", g_object_ref (workspace),
                              g_object_unref);
      g_object_set_data_full (G_OBJECT (open), "incident", g_object_ref (incident),
                              g_object_unref);
      g_object_set_data_full (G_OBJECT (open), "item-id", g_strdup (item_id), g_free);
      g_object_set_data (G_OBJECT (open), "editable", GINT_TO_POINTER (editable && !sent));
      g_signal_connect (open, "clicked", G_CALLBACK (on_open_clicked_cb), NULL);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), open);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), open);
      gtk_list_box_append (list, row);
    }
}
