/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-incident-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-incident-page.h"
#include "vigil-dora-classification.h"
#include "vigil-dora-deadlines.h"
#include "vigil-dora-threat-view.h"
#include "vigil-field-editor.h"
#include "vigil-item-dialog.h"
#include "vigil-section.h"
#include "vigil-notification-composer.h"
#include "vigil-dora-report-editor.h"
#include "vigil-window.h"

/* Typing is sent this long after the last key, and at once when leaving. */
#define SAVE_DELAY_MS 800

/* Step 1 is the incident's own fields (incident.update), step 5 starts with
 * the severity; their rules are the core's, these rows only show them. */
static const VigilFieldInfo identify_fields[] = {
  { "title", N_("Title"), VIGIL_FIELD_TEXT, 0, VIGIL_FIELD_REQUIRED, NULL, NULL },
  { "type", N_("Incident type"), VIGIL_FIELD_CHOICE, VIGIL_CHOICES_INCIDENT_TYPE,
    VIGIL_FIELD_REQUIRED, NULL, NULL },
  { "type_other", N_("Describe the type"), VIGIL_FIELD_TEXT, 0, 0, NULL, NULL },
  { "description", N_("Description"), VIGIL_FIELD_LONG_TEXT, 0, 0, NULL, NULL },
  { "detection_method", N_("How it was detected"), VIGIL_FIELD_CHOICE,
    VIGIL_CHOICES_DETECTION_METHOD, 0, NULL, NULL },
  { "detected_at", N_("Detected at"), VIGIL_FIELD_TIME, 0, VIGIL_FIELD_PAST, NULL, NULL },
  { "aware_at", N_("Aware since"), VIGIL_FIELD_TIME, 0, VIGIL_FIELD_PAST, NULL, NULL },
  { "reporter", N_("Reporter"), VIGIL_FIELD_TEXT, 0, 0, NULL, NULL },
  { "affected_systems", N_("Affected systems or services"), VIGIL_FIELD_LIST, 0, 0, NULL, NULL },
  { "owner", N_("Owner"), VIGIL_FIELD_TEXT, 0, 0, NULL, NULL },
};

static const VigilFieldInfo severity_field =
  { "severity", N_("Severity"), VIGIL_FIELD_CHOICE, VIGIL_CHOICES_SEVERITY, 0, NULL, NULL };

/* The pending changes of the incident's own fields are kept under "". */
#define INCIDENT_TARGET ""

typedef struct {
  const VigilFormInfo       *form;
  const VigilCollectionInfo *collection;
  GtkListBox                *list;
  GtkWidget                 *add;
} CollectionView;

struct _VigilIncidentPage
{
  GtkWidget          parent_instance;

  VigilWorkspace    *workspace;
  VigilIncident     *incident;
  GCancellable      *cancellable;
  guint              step;
  guint              refresh_id;

  GPtrArray         *editors;      /* VigilFieldEditor of the shown step */
  GArray            *collections;  /* CollectionView of the shown step */
  GHashTable        *pending;      /* target -> JsonObject of field -> value */
  guint              save_id;
  guint              n_applying;
  gboolean           flush_again;
  char              *read_only_reason;

  GCancellable      *hash_cancellable;
  GCancellable      *history_cancellable;

  GtkLabel          *reference_label;
  GtkLabel          *step_label;
  GtkLabel          *severity_label;
  GtkLabel          *save_label;
  GtkLabel          *title_label;
  GtkStack          *view_stack;
  GtkListBox        *steps_list;
  GtkWidget         *banner;
  GtkLabel          *banner_label;
  GtkLabel          *rejection_label;
  GtkWidget         *submit_button;
  GtkWidget         *report_button;
  GtkWidget         *dora_reports_button;
  GtkWidget         *archive_button;
  GtkRevealer       *progress_revealer;
  GtkLabel          *progress_label;
  GtkProgressBar    *progress_bar;
  GtkScrolledWindow *forms_scroller;
  GtkBox            *forms_box;
  GtkLabel          *history_status;
  GtkListBox        *history_list;

  /* DORA sections of the shown step, owned by forms_box */
  GtkWidget         *dora_deadlines;
  GtkWidget         *dora_classification;
  GtkWidget         *dora_threat;

  GtkWidget         *step_rows[VIGIL_N_STEPS];
  GtkImage          *step_marks[VIGIL_N_STEPS];
  GtkLabel          *step_current[VIGIL_N_STEPS];
};

G_DEFINE_FINAL_TYPE (VigilIncidentPage, vigil_incident_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void vigil_incident_page_build_step (VigilIncidentPage *self);
static void vigil_incident_page_refresh    (VigilIncidentPage *self);

/* Helpers */

static void
show_toast (VigilIncidentPage *self,
            const char        *message)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), VIGIL_TYPE_WINDOW);
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *toast;

  if (window == NULL)
    {
      g_message ("%s", message);
      return;
    }
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 8);
  vigil_window_add_toast (VIGIL_WINDOW (window), toast);
}

/* A refusal's reason as a sentence: "The time lies in the future." */
static char *
sentence_from_error (const GError *error)
{
  const char *reason = vigil_op_error_get_reason (error);
  gunichar first = g_utf8_get_char (reason);
  char upper[8] = { 0 };

  g_unichar_to_utf8 (g_unichar_toupper (first), upper);
  return g_strdup_printf ("%s%s%s", upper, g_utf8_next_char (reason),
                          g_str_has_suffix (reason, ".") ? "" : ".");
}

static gboolean
vigil_incident_page_compute_busy (VigilIncidentPage *self)
{
  return self->save_id != 0 || self->n_applying > 0;
}

static void
vigil_incident_page_update_busy (VigilIncidentPage *self,
                                 gboolean           was_busy)
{
  gboolean busy = vigil_incident_page_compute_busy (self);

  gtk_label_set_label (self->save_label, busy ? _("Saving…") : "");
  if (busy != was_busy)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* The value of a field as the incident holds it. */
static JsonNode *
dup_incident_value (VigilIncident *incident,
                    const char    *form_id,
                    const char    *field_id)
{
  if (form_id == NULL)
    {
      g_autoptr(JsonNode) document = vigil_incident_to_json (incident);
      JsonNode *node = json_object_get_member (json_node_get_object (document), field_id);

      return node ? json_node_copy (node) : NULL;
    }
  else
    {
      JsonNode *node = vigil_incident_get_form_value (incident, form_id, field_id);

      return node ? json_node_copy (node) : NULL;
    }
}

/* Whether the workspace's role may change @form_id (NULL: the incident's own
 * fields) now. The core decides: a harmless operation is tried on a copy. */
static char *
dup_read_only_reason (VigilIncidentPage *self,
                      const char        *form_id)
{
  JsonObject *payload = json_object_new ();
  g_autoptr(GError) error = NULL;
  VigilOpKind kind;

  if (form_id == NULL)
    {
      kind = VIGIL_OP_INCIDENT_UPDATE;
      json_object_set_string_member (payload, "title",
                                     vigil_incident_get_title (self->incident)
                                     ? vigil_incident_get_title (self->incident) : "-");
    }
  else
    {
      kind = VIGIL_OP_FORM_UPDATE;
      json_object_set_string_member (payload, "form", form_id);
      json_object_set_object_member (payload, "fields", json_object_new ());
    }

  if (vigil_section_may_apply (self->workspace, self->incident, kind, payload, &error))
    return NULL;
  return sentence_from_error (error);
}

static VigilFieldEditor *
find_editor (VigilIncidentPage *self,
             const char        *target,
             const char        *field_id)
{
  for (guint i = 0; i < self->editors->len; i++)
    {
      VigilFieldEditor *editor = self->editors->pdata[i];
      const char *form_id = vigil_field_editor_get_form_id (editor);

      if (g_strcmp0 (form_id ? form_id : INCIDENT_TARGET, target) == 0 &&
          g_str_equal (vigil_field_editor_get_field (editor)->id, field_id))
        return editor;
    }
  return NULL;
}

/* Saving */

typedef struct {
  VigilIncidentPage *page;
  VigilWorkspace    *workspace;
  VigilIncident     *incident;
  char              *target;
  JsonObject        *fields;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_object_unref (data->page);
  g_object_unref (data->workspace);
  g_object_unref (data->incident);
  g_free (data->target);
  json_object_unref (data->fields);
  g_free (data);
}

static void vigil_incident_page_send (VigilIncidentPage *self,
                                      VigilWorkspace    *workspace,
                                      VigilIncident     *incident,
                                      const char        *target,
                                      JsonObject        *fields);
static void vigil_incident_page_send_next (VigilIncidentPage *self);

static void
on_save_applied_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  SaveData *data = user_data;
  VigilIncidentPage *self = data->page;
  gboolean was_busy = vigil_incident_page_compute_busy (self);
  g_autoptr(GError) error = NULL;

  self->n_applying--;

  if (vigil_workspace_apply_finish (VIGIL_WORKSPACE (object), result, &error) == NULL)
    {
      g_autofree char *field = vigil_op_error_dup_field (error);
      VigilFieldEditor *editor = NULL;

      /* The page may show another incident by now. */
      if (field != NULL && data->incident == self->incident)
        editor = find_editor (self, data->target, field);

      if (editor != NULL && json_object_has_member (data->fields, field))
        {
          g_autofree char *sentence = sentence_from_error (error);

          /* Show it under the field; what else was typed still counts. */
          vigil_field_editor_set_problem (editor, sentence);
          json_object_remove_member (data->fields, field);
          if (json_object_get_size (data->fields) > 0)
            {
              vigil_incident_page_send (self, data->workspace, data->incident, data->target,
                                        data->fields);
              save_data_free (data);
              return;
            }
        }
      else
        {
          g_autofree char *message = g_strdup_printf (_("Not saved: %s"), error->message);

          show_toast (self, message);
        }
    }

  save_data_free (data);
  vigil_incident_page_send_next (self);
  vigil_incident_page_update_busy (self, was_busy);
}

static void
vigil_incident_page_send (VigilIncidentPage *self,
                          VigilWorkspace    *workspace,
                          VigilIncident     *incident,
                          const char        *target,
                          JsonObject        *fields)
{
  g_autoptr(VigilOp) op = NULL;
  JsonObject *payload = json_object_new ();
  SaveData *data;

  if (*target == '\0')
    {
      g_autoptr(GList) members = json_object_get_members (fields);

      for (const GList *l = members; l != NULL; l = l->next)
        json_object_set_member (payload, l->data,
                                json_node_copy (json_object_get_member (fields, l->data)));
      op = vigil_op_new (VIGIL_OP_INCIDENT_UPDATE, vigil_incident_get_id (incident),
                         vigil_workspace_get_actor (workspace),
                         vigil_incident_get_revision (incident), payload);
    }
  else
    {
      json_object_set_string_member (payload, "form", target);
      json_object_set_object_member (payload, "fields", json_object_ref (fields));
      op = vigil_op_new (VIGIL_OP_FORM_UPDATE, vigil_incident_get_id (incident),
                         vigil_workspace_get_actor (workspace),
                         vigil_incident_get_revision (incident), payload);
    }

  data = g_new0 (SaveData, 1);
  data->page = g_object_ref (self);
  data->workspace = g_object_ref (workspace);
  data->incident = g_object_ref (incident);
  data->target = g_strdup (target);
  data->fields = json_object_ref (fields);
  self->n_applying++;
  /* Not the page's cancellable: what was typed is saved even when the page
   * closes meanwhile. */
  vigil_workspace_apply_async (workspace, op, NULL, on_save_applied_cb, data);
}

/* One operation at a time, so that changes reach the store in the order
 * they were typed. */
static void
vigil_incident_page_send_next (VigilIncidentPage *self)
{
  GHashTableIter iter;
  gpointer key, value;

  if (self->n_applying > 0 || self->incident == NULL || self->workspace == NULL)
    return;

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *target = g_strdup (key);
      g_autoptr(JsonObject) fields = json_object_ref (value);

      g_hash_table_iter_remove (&iter);
      if (json_object_get_size (fields) == 0)
        continue;
      vigil_incident_page_send (self, self->workspace, self->incident, target, fields);
      return;
    }
}

/* Before the page shows another incident or goes: everything pending goes
 * out now, for the incident it was typed for. */
void
vigil_incident_page_flush_all (VigilIncidentPage *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_clear_handle_id (&self->save_id, g_source_remove);
  if (self->incident == NULL || self->workspace == NULL)
    {
      g_hash_table_remove_all (self->pending);
      return;
    }

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (json_object_get_size (value) > 0)
        vigil_incident_page_send (self, self->workspace, self->incident, key, value);
      g_hash_table_iter_remove (&iter);
    }
}

static gboolean
on_save_timeout_cb (gpointer user_data)
{
  VigilIncidentPage *self = user_data;
  gboolean was_busy = vigil_incident_page_compute_busy (self);

  self->save_id = 0;
  vigil_incident_page_send_next (self);
  vigil_incident_page_update_busy (self, was_busy);
  return G_SOURCE_REMOVE;
}

void
vigil_incident_page_flush (VigilIncidentPage *self)
{
  gboolean was_busy;

  g_return_if_fail (VIGIL_IS_INCIDENT_PAGE (self));

  was_busy = vigil_incident_page_compute_busy (self);
  g_clear_handle_id (&self->save_id, g_source_remove);
  vigil_incident_page_send_next (self);
  vigil_incident_page_update_busy (self, was_busy);
}

static void
on_editor_changed_cb (VigilFieldEditor *editor,
                      gpointer          user_data)
{
  VigilIncidentPage *self = user_data;
  const char *form_id = vigil_field_editor_get_form_id (editor);
  const char *target = form_id ? form_id : INCIDENT_TARGET;
  const char *field_id = vigil_field_editor_get_field (editor)->id;
  gboolean was_busy = vigil_incident_page_compute_busy (self);
  g_autoptr(JsonNode) value = NULL;
  JsonObject *fields;
  gboolean ok;

  value = vigil_field_editor_check (editor, NULL, &ok);
  fields = g_hash_table_lookup (self->pending, target);

  if (!ok)
    {
      /* Never saved half-way: an invalid value stays on screen only. */
      if (fields != NULL)
        {
          json_object_remove_member (fields, field_id);
          if (json_object_get_size (fields) == 0)
            g_hash_table_remove (self->pending, target);
        }
      if (g_hash_table_size (self->pending) == 0)
        g_clear_handle_id (&self->save_id, g_source_remove);
      vigil_incident_page_update_busy (self, was_busy);
      return;
    }

  if (fields == NULL)
    {
      fields = json_object_new ();
      g_hash_table_insert (self->pending, g_strdup (target), fields);
    }
  json_object_set_member (fields, field_id,
                          value ? g_steal_pointer (&value) : json_node_new (JSON_NODE_NULL));

  g_clear_handle_id (&self->save_id, g_source_remove);
  self->save_id = g_timeout_add (SAVE_DELAY_MS, on_save_timeout_cb, self);
  vigil_incident_page_update_busy (self, was_busy);
}

/* Collections */

static void
on_item_edit_clicked_cb (GtkButton *button,
                         gpointer   user_data)
{
  VigilIncidentPage *self = user_data;
  const VigilFormInfo *form = g_object_get_data (G_OBJECT (button), "form");
  const VigilCollectionInfo *collection = g_object_get_data (G_OBJECT (button), "collection");
  const char *item_id = g_object_get_data (G_OBJECT (button), "item-id");
  gboolean editable = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "editable"));
  GtkWidget *dialog;

  dialog = vigil_item_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                  self->workspace, self->incident, form, collection, item_id,
                                  editable && !(collection->append_only && item_id != NULL));
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct {
  VigilIncidentPage         *page;
  const VigilFormInfo       *form;
  const VigilCollectionInfo *collection;
  char                      *item_id;
} RemoveData;

static void
remove_data_free (RemoveData *data)
{
  g_object_unref (data->page);
  g_free (data->item_id);
  g_free (data);
}

static void
on_remove_applied_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(VigilIncidentPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (vigil_workspace_apply_finish (VIGIL_WORKSPACE (object), result, &error) == NULL)
    {
      g_autofree char *sentence = sentence_from_error (error);
      g_autofree char *message = g_strdup_printf (_("Not removed: %s"), sentence);

      show_toast (self, message);
    }
}

static void
on_remove_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       RemoveData       *data)
{
  JsonObject *payload;
  g_autoptr(VigilOp) op = NULL;
  VigilIncidentPage *self = data->page;

  if (g_str_equal (response, "remove") && self->incident != NULL)
    {
      payload = json_object_new ();
      json_object_set_string_member (payload, "form", data->form->id);
      json_object_set_string_member (payload, "collection", data->collection->id);
      json_object_set_string_member (payload, "id", data->item_id);
      op = vigil_op_new (VIGIL_OP_ITEM_REMOVE, vigil_incident_get_id (self->incident),
                         vigil_workspace_get_actor (self->workspace),
                         vigil_incident_get_revision (self->incident), payload);
      vigil_workspace_apply_async (self->workspace, op, NULL, on_remove_applied_cb,
                                   g_object_ref (self));
    }
}

static void
on_item_remove_clicked_cb (GtkButton *button,
                           gpointer   user_data)
{
  VigilIncidentPage *self = user_data;
  RemoveData *data = g_new0 (RemoveData, 1);
  const char *summary = g_object_get_data (G_OBJECT (button), "summary");
  AdwMessageDialog *dialog;

  data->page = g_object_ref (self);
  data->form = g_object_get_data (G_OBJECT (button), "form");
  data->collection = g_object_get_data (G_OBJECT (button), "collection");
  data->item_id = g_strdup (g_object_get_data (G_OBJECT (button), "item-id"));

  dialog = ADW_MESSAGE_DIALOG (
    adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                            _("Remove the Entry?"), NULL));
  /* Translators: %s describes the entry, %s the list, e.g. "Remove “Firewall logs” from “Evidence”…" */
  adw_message_dialog_format_body (dialog, _("“%s” is removed from “%s”. The history keeps "
                                            "what it held."),
                                  summary, vigil_collection_get_label (data->collection));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_remove_response_cb), data,
                         (GClosureNotify) (void (*) (void)) remove_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_add_clicked_cb (GtkButton *button,
                   gpointer   user_data)
{
  VigilIncidentPage *self = user_data;
  const VigilFormInfo *form = g_object_get_data (G_OBJECT (button), "form");
  const VigilCollectionInfo *collection = g_object_get_data (G_OBJECT (button), "collection");
  GtkWidget *dialog;

  if (g_str_equal (collection->id, "notifications"))
    dialog = vigil_notification_composer_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                              self->workspace, self->incident, NULL, TRUE);
  else
    dialog = vigil_item_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                    self->workspace, self->incident, form, collection, NULL, TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Verifying evidence: hash the file again, say whether it matches and
 * record the check in the chain of custody. */

typedef struct {
  VigilIncidentPage *page;
  char              *evidence_id;
  char              *expected;
} VerifyData;

static void
verify_data_free (VerifyData *data)
{
  g_object_unref (data->page);
  g_free (data->evidence_id);
  g_free (data->expected);
  g_free (data);
}

static void
on_hash_progress_cb (goffset  done,
                     goffset  total,
                     gpointer user_data)
{
  VigilIncidentPage *self = user_data;

  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, (double) done / total);
  else
    gtk_progress_bar_pulse (self->progress_bar);
}

static void
on_verification_recorded_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(VigilIncidentPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (vigil_workspace_apply_finish (VIGIL_WORKSPACE (object), result, &error) == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The check was not recorded: %s"),
                                                  error->message);

      show_toast (self, message);
    }
}

static void
on_verify_ready_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  VerifyData *data = user_data;
  VigilIncidentPage *self = data->page;
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  gboolean matches = FALSE;

  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  g_clear_object (&self->hash_cancellable);

  if (!vigil_evidence_verify_finish (result, &matches, &found, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("The file could not be read: %s"),
                                                      error->message);

          show_toast (self, message);
        }
      verify_data_free (data);
      return;
    }

  show_toast (self, matches
              ? _("The file matches the recorded SHA-256: it is the evidence as collected.")
              : _("The file does NOT match the recorded SHA-256: it is not the evidence as "
                  "collected, or it was changed."));

  if (self->incident != NULL && self->workspace != NULL)
    {
      JsonObject *payload = json_object_new ();
      JsonObject *item = json_object_new ();
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *at = vigil_time_to_iso (now);
      g_autofree char *id = g_uuid_string_random ();
      g_autoptr(VigilOp) op = NULL;

      json_object_set_string_member (item, "id", id);
      json_object_set_string_member (item, "evidence", data->evidence_id);
      json_object_set_string_member (item, "sha256", found);
      json_object_set_string_member (item, "by", vigil_workspace_get_actor (self->workspace));
      json_object_set_string_member (item, "at", at);
      json_object_set_string_member (payload, "form", "custody");
      json_object_set_string_member (payload, "collection", "verifications");
      json_object_set_object_member (payload, "item", item);
      op = vigil_op_new (VIGIL_OP_ITEM_ADD, vigil_incident_get_id (self->incident),
                         vigil_workspace_get_actor (self->workspace),
                         vigil_incident_get_revision (self->incident), payload);
      vigil_workspace_apply_async (self->workspace, op, NULL, on_verification_recorded_cb,
                                   g_object_ref (self));
    }
  verify_data_free (data);
}

static void
on_verify_chooser_response_cb (GtkNativeDialog *chooser,
                               int              response,
                               gpointer         user_data)
{
  VerifyData *data = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    vigil_incident_page_verify_evidence (data->page, data->evidence_id, file);
  verify_data_free (data);
  g_object_unref (chooser);
}

static void
on_verify_clicked_cb (GtkButton *button,
                      gpointer   user_data)
{
  VigilIncidentPage *self = user_data;
  GtkFileChooserNative *chooser;
  VerifyData *data = g_new0 (VerifyData, 1);

  data->page = g_object_ref (self);
  data->evidence_id = g_strdup (g_object_get_data (G_OBJECT (button), "item-id"));
  data->expected = g_strdup (g_object_get_data (G_OBJECT (button), "sha256"));

  chooser = gtk_file_chooser_native_new (_("Verify Evidence File"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Verify"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_verify_chooser_response_cb), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_progress_cancel_clicked_cb (VigilIncidentPage *self)
{
  g_cancellable_cancel (self->hash_cancellable);
}

/* "Also seen in": the other incidents that list an indicator. */

static void
on_indicator_found_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(AdwActionRow) row = user_data;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) references = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *text = NULL;
  const char *subtitle;

  found = vigil_store_find_indicator_finish (VIGIL_STORE (object), result, &error);
  if (found == NULL || found->len == 0 || gtk_widget_get_parent (GTK_WIDGET (row)) == NULL)
    return;

  for (guint i = 0; i < found->len; i++)
    {
      const char *reference = vigil_incident_get_reference (found->pdata[i]);

      g_strv_builder_add (builder, reference ? reference : vigil_incident_get_id (found->pdata[i]));
    }
  references = g_strv_builder_end (builder);
  joined = g_strjoinv (", ", references);
  subtitle = adw_action_row_get_subtitle (row);
  /* Translators: %s lists incident references, e.g. "INC-2026-0003, INC-2026-0009" */
  text = g_strdup_printf (_("Also seen in %s"), joined);
  if (subtitle != NULL && *subtitle != '\0')
    {
      g_autofree char *both = g_strdup_printf ("%s\n%s", subtitle, text);

      adw_action_row_set_subtitle (row, both);
    }
  else
    adw_action_row_set_subtitle (row, text);
  gtk_widget_add_css_class (GTK_WIDGET (row), "seen-elsewhere");
}

/* A short title and subtitle of an item from its fields. */
static void
describe_item (const VigilCollectionInfo  *collection,
               JsonObject                 *item,
               char                      **title,
               char                      **subtitle)
{
  g_autoptr(GStrvBuilder) details = g_strv_builder_new ();
  g_auto(GStrv) parts = NULL;

  *title = NULL;
  for (guint f = 0; f < collection->n_fields; f++)
    {
      const VigilFieldInfo *field = &collection->fields[f];
      JsonNode *value = json_object_get_member (item, field->id);
      g_autofree char *text = NULL;

      if (value == NULL || JSON_NODE_HOLDS_NULL (value) || field->kind == VIGIL_FIELD_LONG_TEXT ||
          field->kind == VIGIL_FIELD_SHA256 || field->kind == VIGIL_FIELD_REF)
        continue;
      text = vigil_field_format_value (field, value);
      if (*title == NULL && (field->kind == VIGIL_FIELD_TEXT ||
                             field->kind == VIGIL_FIELD_INDICATOR))
        *title = g_steal_pointer (&text);
      else if (field->kind == VIGIL_FIELD_BOOL)
        {
          if (json_node_get_boolean (value))
            g_strv_builder_add (details, vigil_field_get_label (field));
        }
      else
        g_strv_builder_add (details, text);
    }
  parts = g_strv_builder_end (details);
  *subtitle = g_strjoinv (" · ", parts);
  if (*title == NULL)
    *title = g_strdup (json_object_get_string_member_with_default (item, "id", ""));
}

static GtkWidget *
make_icon_button (const char *icon_name,
                  const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static void
tag_button (GtkWidget                 *button,
            const VigilFormInfo       *form,
            const VigilCollectionInfo *collection,
            const char                *item_id)
{
  g_object_set_data (G_OBJECT (button), "form", (gpointer) form);
  g_object_set_data (G_OBJECT (button), "collection", (gpointer) collection);
  g_object_set_data_full (G_OBJECT (button), "item-id", g_strdup (item_id), g_free);
}

static void
tag_editable (GtkWidget *button,
              gboolean   editable)
{
  g_object_set_data (G_OBJECT (button), "editable", GINT_TO_POINTER (editable));
}

static void
fill_collection (VigilIncidentPage *self,
                 CollectionView    *view)
{
  const VigilCollectionInfo *collection = view->collection;
  JsonArray *items = vigil_incident_get_items (self->incident, view->form->id, collection->id);
  g_autofree char *reason = dup_read_only_reason (self, view->form->id);
  gboolean editable = reason == NULL;
  GtkWidget *child;

  if (view->add != NULL)
    {
      gtk_widget_set_sensitive (view->add, editable);
      gtk_widget_set_tooltip_text (view->add, editable ? vigil_collection_get_label (collection)
                                                       : reason);
    }

  /* Notifications are written in their own composer. */
  if (g_str_equal (collection->id, "notifications"))
    {
      vigil_notification_fill_list (view->list, self->workspace, self->incident, editable);
      return;
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (view->list))) != NULL)
    gtk_list_box_remove (view->list, child);

  if (collection->keys != VIGIL_N_CHOICE_LISTS)
    {
      /* A checklist: one fixed row per entry of its choice list. */
      guint n_keys;
      const VigilChoice *keys = vigil_process_get_choices (collection->keys, &n_keys);

      for (guint k = 0; k < n_keys; k++)
        {
          JsonObject *item = vigil_incident_find_item (self->incident, view->form->id,
                                                       collection->id, keys[k].id);
          gboolean done = item && json_object_get_boolean_member_with_default (item, "done",
                                                                              FALSE);
          GtkWidget *row = adw_action_row_new ();
          GtkWidget *mark = gtk_image_new_from_icon_name (done ? "object-select-symbolic"
                                                               : "radio-symbolic");
          GtkWidget *edit = make_icon_button ("document-edit-symbolic", _("Edit"));
          g_autoptr(GStrvBuilder) details = g_strv_builder_new ();
          g_auto(GStrv) parts = NULL;
          g_autofree char *subtitle = NULL;

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                         vigil_choice_get_label (&keys[k]));
          if (item != NULL && json_object_has_member (item, "by"))
            g_strv_builder_add (details, json_object_get_string_member (item, "by"));
          if (item != NULL && json_object_has_member (item, "at"))
            {
              g_autofree char *at = vigil_format_iso_local (
                json_object_get_string_member (item, "at"));

              g_strv_builder_add (details, at);
            }
          parts = g_strv_builder_end (details);
          subtitle = g_strjoinv (" · ", parts);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                       *subtitle ? subtitle : done ? _("Done") : _("Not done yet"));
          gtk_widget_add_css_class (mark, done ? "success" : "dim-label");
          gtk_widget_set_tooltip_text (mark, done ? _("Done") : _("Not done yet"));
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), mark);
          tag_button (edit, view->form, collection, keys[k].id);
          tag_editable (edit, editable);
          gtk_widget_set_tooltip_text (edit, editable ? _("Check off and add details")
                                                      : _("Show the details"));
          g_signal_connect (edit, "clicked", G_CALLBACK (on_item_edit_clicked_cb), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), edit);
          gtk_list_box_append (view->list, row);
        }
      return;
    }

  if (items == NULL || json_array_get_length (items) == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No entries yet"));
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (view->list, row);
      return;
    }

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *item_id = json_object_get_string_member_with_default (item, "id", "");
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *edit;

      describe_item (collection, item, &title, &subtitle);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      if (*subtitle != '\0')
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);

      if (json_object_has_member (item, "sha256") && g_str_equal (collection->id, "evidence"))
        {
          GtkWidget *verify = make_icon_button ("security-high-symbolic",
                                                _("Verify the file against its SHA-256"));

          tag_button (verify, view->form, collection, item_id);
          g_object_set_data_full (G_OBJECT (verify), "sha256",
                                  g_strdup (json_object_get_string_member (item, "sha256")),
                                  g_free);
          g_signal_connect (verify, "clicked", G_CALLBACK (on_verify_clicked_cb), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), verify);
        }

      edit = make_icon_button (editable && !collection->append_only ? "document-edit-symbolic"
                                                                    : "view-more-symbolic",
                               editable && !collection->append_only ? _("Edit")
                                                                    : _("Show the details"));
      tag_button (edit, view->form, collection, item_id);
      tag_editable (edit, editable);
      g_signal_connect (edit, "clicked", G_CALLBACK (on_item_edit_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), edit);

      if (editable && !collection->append_only)
        {
          GtkWidget *remove = make_icon_button ("user-trash-symbolic", _("Remove"));

          gtk_widget_set_name (remove, "remove");
          tag_button (remove, view->form, collection, item_id);
          g_object_set_data_full (G_OBJECT (remove), "summary", g_strdup (title), g_free);
          g_signal_connect (remove, "clicked", G_CALLBACK (on_item_remove_clicked_cb), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
        }

      if (g_str_equal (collection->id, "indicators") && self->workspace != NULL)
        {
          const char *type = json_object_get_string_member_with_default (item, "type", NULL);
          const char *value = json_object_get_string_member_with_default (item, "value", NULL);

          if (type != NULL && value != NULL)
            vigil_store_find_indicator_async (vigil_workspace_get_store (self->workspace), type,
                                              value, vigil_incident_get_id (self->incident),
                                              self->cancellable, on_indicator_found_cb,
                                              g_object_ref (row));
        }

      gtk_list_box_append (view->list, row);
    }
}

/* Building a step */

static GtkListBox *
add_group (VigilIncidentPage *self,
           const char        *title,
           const char        *description,
           GtkWidget         *suffix)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *list = gtk_list_box_new ();

  if (title != NULL)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  if (suffix != NULL)
    adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), suffix);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), list);
  gtk_box_append (self->forms_box, group);
  return GTK_LIST_BOX (list);
}

static void
add_editor (VigilIncidentPage    *self,
            const VigilFieldInfo *field,
            const char           *form_id,
            GtkListBox           *list)
{
  VigilFieldEditor *editor = vigil_field_editor_new (field, form_id, list, self->incident,
                                                     on_editor_changed_cb, self);
  g_autoptr(JsonNode) value = dup_incident_value (self->incident, form_id, field->id);

  vigil_field_editor_set_value (editor, value);
  g_ptr_array_add (self->editors, editor);
}

/* DORA: the deadlines on every step; the classification and the threat
 * assessment in step 5, where the impact is assessed. */

static void
add_dora_deadlines (VigilIncidentPage *self)
{
  self->dora_deadlines = vigil_dora_deadlines_new (self->incident);
  gtk_box_append (self->forms_box, self->dora_deadlines);
}

static void
add_dora_step_sections (VigilIncidentPage *self)
{
  if (self->workspace == NULL)
    return;
  self->dora_classification = vigil_dora_classification_new (self->workspace, self->incident);
  gtk_widget_set_margin_top (self->dora_classification, 12);
  gtk_box_append (self->forms_box, self->dora_classification);
  self->dora_threat = vigil_dora_threat_view_new (self->workspace, self->incident);
  gtk_widget_set_margin_top (self->dora_threat, 12);
  gtk_box_append (self->forms_box, self->dora_threat);
}

static void
refresh_dora_sections (VigilIncidentPage *self)
{
  if (self->dora_deadlines != NULL)
    vigil_dora_deadlines_refresh (VIGIL_DORA_DEADLINES (self->dora_deadlines));
  if (self->dora_classification != NULL)
    vigil_dora_classification_refresh (VIGIL_DORA_CLASSIFICATION (self->dora_classification));
  if (self->dora_threat != NULL)
    vigil_dora_threat_view_refresh (VIGIL_DORA_THREAT_VIEW (self->dora_threat));
}

static void
clear_step (VigilIncidentPage *self)
{
  GtkWidget *child;

  g_ptr_array_set_size (self->editors, 0);
  g_array_set_size (self->collections, 0);
  self->dora_deadlines = NULL;
  self->dora_classification = NULL;
  self->dora_threat = NULL;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->forms_box))) != NULL)
    gtk_box_remove (self->forms_box, child);
}

static void
vigil_incident_page_build_step (VigilIncidentPage *self)
{
  const VigilStepInfo *step = vigil_process_get_step (self->step);
  GtkWidget *heading = gtk_label_new (NULL);
  GtkWidget *help = gtk_label_new (vigil_step_get_help (step));
  g_autofree char *title = g_strdup_printf ("%u. %s", step->number, vigil_step_get_name (step));
  gboolean has_form = FALSE;
  GtkWidget *intro = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  guint n_forms;
  const VigilFormInfo *forms = vigil_forms_get_all (&n_forms);

  clear_step (self);

  gtk_label_set_label (GTK_LABEL (heading), title);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
  gtk_widget_add_css_class (heading, "title-3");
  gtk_label_set_xalign (GTK_LABEL (help), 0);
  gtk_label_set_wrap (GTK_LABEL (help), TRUE);
  gtk_widget_add_css_class (help, "dim-label");
  gtk_box_append (GTK_BOX (intro), heading);
  gtk_box_append (GTK_BOX (intro), help);
  gtk_box_append (self->forms_box, intro);
  add_dora_deadlines (self);

  if (self->step == VIGIL_STEP_IDENTIFY)
    {
      GtkListBox *list = add_group (self, NULL, NULL, NULL);

      for (guint i = 0; i < G_N_ELEMENTS (identify_fields); i++)
        add_editor (self, &identify_fields[i], NULL, list);
      has_form = TRUE;
    }
  else if (self->step == 5)
    {
      GtkListBox *list = add_group (self, _("Severity"), NULL, NULL);

      add_editor (self, &severity_field, NULL, list);
    }

  for (guint i = 0; i < n_forms; i++)
    {
      const VigilFormInfo *form = &forms[i];

      if (form->step != self->step)
        continue;
      has_form = TRUE;

      if (form->n_fields > 0)
        {
          GtkListBox *list = add_group (self, vigil_form_get_title (form), NULL, NULL);

          for (guint f = 0; f < form->n_fields; f++)
            add_editor (self, &form->fields[f], form->id, list);
        }

      for (guint c = 0; c < form->n_collections; c++)
        {
          const VigilCollectionInfo *collection = &form->collections[c];
          CollectionView view = { form, collection, NULL, NULL };
          GtkWidget *add = NULL;

          if (collection->keys == VIGIL_N_CHOICE_LISTS)
            {
              add = gtk_button_new ();
              gtk_button_set_child (GTK_BUTTON (add),
                                    adw_button_content_new ());
              adw_button_content_set_icon_name (
                ADW_BUTTON_CONTENT (gtk_button_get_child (GTK_BUTTON (add))), "list-add-symbolic");
              adw_button_content_set_label (
                ADW_BUTTON_CONTENT (gtk_button_get_child (GTK_BUTTON (add))),
                g_str_equal (collection->id, "notifications") ? _("_New Notification…")
                                                               : _("_Add…"));
              adw_button_content_set_use_underline (
                ADW_BUTTON_CONTENT (gtk_button_get_child (GTK_BUTTON (add))), TRUE);
              gtk_widget_add_css_class (add, "flat");
              gtk_widget_set_name (add, collection->id);
              tag_button (add, form, collection, NULL);
              gtk_widget_set_tooltip_text (add, vigil_collection_get_label (collection));
              g_signal_connect (add, "clicked", G_CALLBACK (on_add_clicked_cb), self);
            }
          view.add = add;
          view.list = add_group (self, vigil_collection_get_label (collection), NULL, add);
          {
            g_autofree char *list_name = g_strconcat (collection->id, "-list", NULL);

            gtk_widget_set_name (GTK_WIDGET (view.list), list_name);
          }
          g_array_append_val (self->collections, view);
        }
    }

  if (self->step == 5)
    add_dora_step_sections (self);

  if (!has_form && self->step != 5)
    {
      GtkWidget *label = gtk_label_new (NULL);

      switch (self->step)
        {
        case VIGIL_STEP_APPROVAL:
          gtk_label_set_label (GTK_LABEL (label),
                               _("The incident response lead approves or rejects steps 1 to 7 "
                                 "here. The missing items of this step say where it stands."));
          break;
        case VIGIL_STEP_NOTIFY:
          gtk_label_set_label (GTK_LABEL (label),
                               _("Notifications to stakeholders are drafted from templates "
                                 "and recorded when sent."));
          break;
        default:
          gtk_label_set_label (GTK_LABEL (label),
                               _("This step has no form of its own."));
          break;
        }
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_box_append (self->forms_box, label);
    }

  vigil_incident_page_refresh (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->forms_scroller), 0);
}

/* Showing the incident */

static void
update_read_only (VigilIncidentPage *self)
{
  g_autofree char *reason = NULL;
  guint n_forms;
  const VigilFormInfo *forms = vigil_forms_get_all (&n_forms);

  /* The step's forms share the rules of their first form; step 2's custody
   * records stay open after approval and are judged on their own. */
  if (self->step == VIGIL_STEP_IDENTIFY || self->step == 5)
    reason = dup_read_only_reason (self, NULL);
  for (guint i = 0; reason == NULL && i < n_forms; i++)
    {
      if (forms[i].step == self->step)
        {
          reason = dup_read_only_reason (self, forms[i].id);
          break;
        }
    }
  if (reason == NULL && self->step != VIGIL_STEP_IDENTIFY && self->workspace != NULL)
    {
      /* A step without a form is read-only for the same reasons as any. */
      if (vigil_incident_is_archived (self->incident))
        reason = dup_read_only_reason (self, NULL);
    }

  g_free (self->read_only_reason);
  self->read_only_reason = g_steal_pointer (&reason);
  gtk_label_set_label (self->banner_label, self->read_only_reason ? self->read_only_reason : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->banner_label), self->read_only_reason);
  gtk_widget_set_visible (self->banner, self->read_only_reason != NULL);

  /* Each form asked once: the probe copies the incident. */
  {
    g_autoptr(GHashTable) reasons = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

    for (guint i = 0; i < self->editors->len; i++)
      {
        VigilFieldEditor *editor = self->editors->pdata[i];
        const char *form_id = vigil_field_editor_get_form_id (editor);
        gboolean editable = self->read_only_reason == NULL;

        if (form_id != NULL)
          {
            char *own = NULL;

            if (!g_hash_table_lookup_extended (reasons, form_id, NULL, (gpointer *) &own))
              {
                own = dup_read_only_reason (self, form_id);
                g_hash_table_insert (reasons, (gpointer) form_id, own);
              }
            editable = own == NULL;
          }
        vigil_field_editor_set_editable (editor, editable);
      }
  }
}

/* Step 8, the final report and the archive, from the page's header */

static void
update_header_actions (VigilIncidentPage *self)
{
  VigilApprovalState state = vigil_incident_get_approval_state (self->incident);
  VigilRole role = self->workspace ? vigil_workspace_get_role (self->workspace)
                                   : VIGIL_ROLE_MANAGER;
  guint current = vigil_incident_get_step (self->incident);
  gboolean archived = vigil_incident_is_archived (self->incident);
  const char *comment = vigil_incident_get_decision_comment (self->incident);

  /* What the core would refuse is not offered: submitting is for whoever
   * edits steps 1-7, archiving comes after the documentation is final. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->submit_button), "s",
                                    vigil_incident_get_id (self->incident));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->submit_button),
                                  "win.submit-for-approval");
  gtk_widget_set_visible (self->submit_button,
                          current <= VIGIL_STEP_ESCALATE &&
                          (state == VIGIL_APPROVAL_NONE || state == VIGIL_APPROVAL_REJECTED) &&
                          (role == VIGIL_ROLE_ANALYST || role == VIGIL_ROLE_LEAD));
  gtk_widget_set_visible (self->archive_button,
                          archived || (current >= VIGIL_STEP_FINALIZE &&
                                       (role == VIGIL_ROLE_ANALYST || role == VIGIL_ROLE_LEAD)));
  gtk_button_set_label (GTK_BUTTON (self->archive_button),
                        archived ? _("Write Archive _Bundle…") : _("Arc_hive…"));

  if (state == VIGIL_APPROVAL_REJECTED)
    {
      g_autofree char *text = NULL;

      /* Translators: "Rejected by lea: The timeline misses the first alert." */
      text = g_strdup_printf (_("Rejected by %s: %s"),
                              vigil_incident_get_decided_by (self->incident),
                              comment ? comment : _("no comment"));
      gtk_label_set_label (self->rejection_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->rejection_label), state == VIGIL_APPROVAL_REJECTED);
}

typedef struct {
  VigilStore    *store;
  VigilIncident *incident;
  char          *path;
} ReportJob;

static void
report_job_free (ReportJob *job)
{
  g_clear_object (&job->store);
  g_clear_object (&job->incident);
  g_free (job->path);
  g_free (job);
}

static void
report_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ReportJob *job = task_data;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(VigilReport) report = NULL;
  g_autofree char *markdown = NULL;
  g_autofree char *md_path = NULL;
  GError *error = NULL;

  log = vigil_store_list_log (job->store, vigil_incident_get_id (job->incident), &error);
  if (log == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  report = vigil_report_new (job->incident, log, now);
  if (!vigil_report_write_pdf (report, job->path, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  markdown = vigil_report_to_markdown (report);
  if (g_str_has_suffix (job->path, ".pdf"))
    {
      g_autofree char *stem = g_strndup (job->path, strlen (job->path) - 4);

      md_path = g_strconcat (stem, ".md", NULL);
    }
  else
    md_path = g_strconcat (job->path, ".md", NULL);
  if (!g_file_set_contents (md_path, markdown, -1, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&md_path), g_free);
}

static void
on_report_written_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  VigilIncidentPage *self = VIGIL_INCIDENT_PAGE (source);
  ReportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *md_path = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *message = NULL;

  if (md_path == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("The final report could not be written: %s"),
                                 error->message);
    }
  else
    message = g_strdup_printf (_("Final report saved as %s and %s"), job->path, md_path);
  show_toast (self, message);
}

static void
on_report_file_cb (GtkNativeDialog   *dialog,
                   int                response,
                   VigilIncidentPage *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GTask) task = NULL;
  ReportJob *job;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL &&
      self->incident != NULL && self->workspace != NULL)
    {
      job = g_new0 (ReportJob, 1);
      job->store = g_object_ref (vigil_workspace_get_store (self->workspace));
      job->incident = vigil_incident_copy (self->incident);
      job->path = g_file_get_path (file);
      task = g_task_new (self, self->cancellable, on_report_written_cb, NULL);
      g_task_set_task_data (task, job, (GDestroyNotify) report_job_free);
      g_task_run_in_thread (task, report_thread);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
final_report_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VigilIncidentPage *self = VIGIL_INCIDENT_PAGE (widget);
  GtkNative *native = gtk_widget_get_native (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (self->incident == NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Save the Final Report"),
                                         GTK_IS_WINDOW (native) ? GTK_WINDOW (native) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  /* Translators: a file name; %s is the incident's reference */
  name = g_strdup_printf (_("%s-final-report.pdf"),
                          vigil_incident_get_reference (self->incident)
                          ? vigil_incident_get_reference (self->incident) : "incident");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_report_file_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_archive_written_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(VigilIncidentPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = vigil_archive_write_finish (result, &error);
  g_autofree char *message = NULL;

  if (path == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (path == NULL)
    message = g_strdup_printf (_("The archive bundle could not be written: %s"),
                               error->message);
  else
    message = g_strdup_printf (_("Archive bundle written to %s; check it any time with "
                                 "vigil --verify-archive"), path);
  show_toast (self, message);
}

static void
write_archive (VigilIncidentPage *self,
               const char        *folder)
{
  vigil_archive_write_async (vigil_workspace_get_store (self->workspace),
                             vigil_incident_get_id (self->incident), folder, NULL,
                             self->cancellable, on_archive_written_cb, g_object_ref (self));
}

static void
on_archived_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VigilIncidentPage) self = user_data;
  g_autofree char *folder = g_object_steal_data (G_OBJECT (self), "vigil-archive-folder");
  g_autoptr(GError) error = NULL;

  if (vigil_workspace_apply_finish (VIGIL_WORKSPACE (source), result, &error) == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Not archived: %s"), error->message);

      show_toast (self, message);
      return;
    }
  if (folder != NULL && self->incident != NULL)
    write_archive (self, folder);
}

static void
on_archive_folder_cb (GtkNativeDialog   *dialog,
                      int                response,
                      VigilIncidentPage *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL &&
      self->incident != NULL && self->workspace != NULL)
    {
      g_autofree char *folder = g_file_get_path (file);

      if (vigil_incident_is_archived (self->incident))
        write_archive (self, folder);
      else
        {
          g_autoptr(VigilOp) op = NULL;
          JsonObject *payload = json_object_new ();

          /* Archived first, so that the bundle holds the final state. */
          json_object_set_int_member (payload, "to", VIGIL_N_STEPS);
          op = vigil_op_new (VIGIL_OP_INCIDENT_MOVE, vigil_incident_get_id (self->incident),
                             vigil_workspace_get_actor (self->workspace),
                             vigil_incident_get_revision (self->incident), payload);
          g_object_set_data_full (G_OBJECT (self), "vigil-archive-folder",
                                  g_steal_pointer (&folder), g_free);
          vigil_workspace_apply_async (self->workspace, op, self->cancellable, on_archived_cb,
                                       g_object_ref (self));
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose_archive_folder (VigilIncidentPage *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Choose Where to Write the Archive Bundle"),
                                         GTK_IS_WINDOW (native) ? GTK_WINDOW (native) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Select"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_archive_folder_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_archive_confirm_cb (AdwMessageDialog  *dialog,
                       const char        *response,
                       VigilIncidentPage *self)
{
  if (g_strcmp0 (response, "archive") == 0)
    choose_archive_folder (self);
}

static void
archive_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VigilIncidentPage *self = VIGIL_INCIDENT_PAGE (widget);
  GtkNative *native = gtk_widget_get_native (widget);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (self->incident == NULL || self->workspace == NULL)
    return;
  if (vigil_incident_is_archived (self->incident))
    {
      choose_archive_folder (self);
      return;
    }

  heading = g_strdup_printf (_("Archive %s?"), vigil_incident_get_reference (self->incident)
                                               ? vigil_incident_get_reference (self->incident)
                                               : vigil_incident_get_title (self->incident));
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (native) ? GTK_WINDOW (native) : NULL,
                                   heading,
                                   _("The incident becomes read-only for everyone, for good. "
                                     "Next, choose the folder for its archive bundle: the "
                                     "incident, its history, the final report and the "
                                     "evidence list, with a manifest of SHA-256 sums."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "archive", _("_Archive"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "archive",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_archive_confirm_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* DORA report drafts: one entry point, shown once the incident has a DORA
 * record; the reports themselves live in their own window. */

static void
dora_reports_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VigilIncidentPage *self = VIGIL_INCIDENT_PAGE (widget);
  GtkNative *native = gtk_widget_get_native (widget);
  GtkWidget *editor;

  if (self->incident == NULL || self->workspace == NULL)
    return;
  editor = vigil_dora_report_editor_new (GTK_IS_WINDOW (native) ? GTK_WINDOW (native) : NULL,
                                         self->workspace, self->incident);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
add_dora_reports_entry (VigilIncidentPage *self)
{
  GtkWidget *box = gtk_widget_get_parent (self->report_button);

  self->dora_reports_button = gtk_button_new_with_mnemonic (_("_DORA Reports…"));
  gtk_widget_set_name (self->dora_reports_button, "dora-report-editor-button");
  gtk_widget_set_tooltip_text (self->dora_reports_button,
                               _("Draft, export and record the reports to the competent "
                                 "authority"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->dora_reports_button), "page.dora-reports");
  gtk_widget_set_visible (self->dora_reports_button, FALSE);
  gtk_box_insert_child_after (GTK_BOX (box), self->dora_reports_button, self->submit_button);
}

static void
update_dora_reports_entry (VigilIncidentPage *self)
{
  gtk_widget_set_visible (self->dora_reports_button,
                          vigil_incident_get_dora (self->incident) != NULL);
}

static void
update_header (VigilIncidentPage *self)
{
  const char *reference = vigil_incident_get_reference (self->incident);
  const char *severity = vigil_incident_get_severity (self->incident);
  guint current = vigil_incident_get_step (self->incident);
  const VigilStepInfo *step = vigil_process_get_step (current);
  g_autofree char *step_text = NULL;
  g_autofree char *severity_class = NULL;
  static const char * const severities[] = {
    "severity-low", "severity-medium", "severity-high", "severity-critical", "severity-severe",
  };

  gtk_label_set_label (self->reference_label, reference ? reference : _("Not numbered yet"));
  gtk_label_set_label (self->title_label, vigil_incident_get_title (self->incident));
  /* Translators: the step an incident is in, e.g. "Step 6 · Document findings" */
  step_text = g_strdup_printf (_("Step %u · %s"), current, vigil_step_get_name (step));
  gtk_label_set_label (self->step_label, step_text);

  for (guint i = 0; i < G_N_ELEMENTS (severities); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->severity_label), severities[i]);
  if (severity != NULL)
    {
      severity_class = g_strdup_printf ("severity-%s", severity);
      gtk_widget_add_css_class (GTK_WIDGET (self->severity_label), severity_class);
      gtk_label_set_label (self->severity_label,
                           vigil_process_get_choice_label (VIGIL_CHOICES_SEVERITY, severity));
    }
  else
    gtk_label_set_label (self->severity_label, _("Severity not assessed"));
  if (vigil_incident_is_archived (self->incident))
    gtk_label_set_label (self->step_label, _("Archived"));

  update_header_actions (self);
  update_dora_reports_entry (self);
}

static void
update_steps (VigilIncidentPage *self)
{
  guint current = vigil_incident_get_step (self->incident);

  for (guint s = 1; s <= VIGIL_N_STEPS; s++)
    {
      g_auto(GStrv) missing = vigil_incident_list_missing (self->incident, s);
      gboolean complete = missing[0] == NULL;
      g_autofree char *list = g_strjoinv ("\n", missing);
      g_autofree char *tooltip = NULL;

      gtk_image_set_from_icon_name (self->step_marks[s - 1],
                                    complete ? "object-select-symbolic" : "radio-symbolic");
      if (complete)
        {
          gtk_widget_add_css_class (GTK_WIDGET (self->step_marks[s - 1]), "success");
          gtk_widget_remove_css_class (GTK_WIDGET (self->step_marks[s - 1]), "dim-label");
        }
      else
        {
          gtk_widget_add_css_class (GTK_WIDGET (self->step_marks[s - 1]), "dim-label");
          gtk_widget_remove_css_class (GTK_WIDGET (self->step_marks[s - 1]), "success");
        }
      tooltip = complete ? g_strdup (_("Complete"))
                         : g_strdup_printf ("%s\n%s", _("Missing:"), list);
      gtk_widget_set_tooltip_text (self->step_rows[s - 1], tooltip);
      gtk_widget_set_visible (GTK_WIDGET (self->step_current[s - 1]), s == current);
      if (s == current)
        gtk_widget_add_css_class (self->step_rows[s - 1], "current-step");
      else
        gtk_widget_remove_css_class (self->step_rows[s - 1], "current-step");
    }
}

static void
vigil_incident_page_refresh (VigilIncidentPage *self)
{
  if (self->incident == NULL)
    return;

  update_header (self);
  update_steps (self);
  update_read_only (self);

  for (guint i = 0; i < self->editors->len; i++)
    {
      VigilFieldEditor *editor = self->editors->pdata[i];
      const char *form_id = vigil_field_editor_get_form_id (editor);
      JsonObject *pending = g_hash_table_lookup (self->pending,
                                                 form_id ? form_id : INCIDENT_TARGET);
      const char *field_id = vigil_field_editor_get_field (editor)->id;
      g_autoptr(JsonNode) value = NULL;

      /* Leave alone what the user is typing or has to fix. */
      if ((pending != NULL && json_object_has_member (pending, field_id)) ||
          (vigil_field_editor_get_problem (editor) != NULL && self->n_applying == 0))
        continue;
      value = dup_incident_value (self->incident, form_id, field_id);
      vigil_field_editor_sync_value (editor, value);
    }

  for (guint i = 0; i < self->collections->len; i++)
    fill_collection (self, &g_array_index (self->collections, CollectionView, i));

  refresh_dora_sections (self);
}

static gboolean
on_refresh_idle_cb (gpointer user_data)
{
  VigilIncidentPage *self = user_data;

  self->refresh_id = 0;
  vigil_incident_page_refresh (self);
  return G_SOURCE_REMOVE;
}

static void
on_incident_notify_cb (VigilIncidentPage *self,
                       GParamSpec        *pspec,
                       VigilIncident     *incident)
{
  /* An operation notifies many properties at once: refresh once. */
  if (self->refresh_id == 0)
    self->refresh_id = g_idle_add (on_refresh_idle_cb, self);
}

/* History */

static const char *
describe_kind (VigilOpKind kind)
{
  switch (kind)
    {
    case VIGIL_OP_INCIDENT_CREATE: return _("Recorded the incident");
    case VIGIL_OP_INCIDENT_UPDATE: return _("Changed the incident");
    case VIGIL_OP_INCIDENT_MOVE: return _("Moved the incident");
    case VIGIL_OP_APPROVAL_SUBMIT: return _("Submitted steps 1 to 7 for approval");
    case VIGIL_OP_APPROVAL_DECIDE: return _("Decided on the approval");
    case VIGIL_OP_FORM_UPDATE: return _("Changed a form");
    case VIGIL_OP_ITEM_ADD: return _("Added an entry");
    case VIGIL_OP_ITEM_UPDATE: return _("Changed an entry");
    case VIGIL_OP_ITEM_REMOVE: return _("Removed an entry");
    case VIGIL_OP_DORA_CLASSIFY: return _("Classified under DORA");
    case VIGIL_OP_DORA_REPORT_SUBMITTED: return _("Recorded a report to the authority");
    case VIGIL_OP_DORA_REPORT_DRAFT: return _("Drafted a report to the authority");
    case VIGIL_OP_DORA_THREAT_ASSESS: return _("Assessed a cyber threat");
    case VIGIL_OP_NOTIFICATION_DECIDE: return _("Decided on a notification to send");
    default: return "";
    }
}

static char *
format_change_value (JsonNode *node);

/* The DORA record's changes, as the log names them. */
static const char *
describe_dora_field (const char *path)
{
  static const struct {
    const char *path;
    const char *label;
  } labels[] = {
    { "dora.criteria", N_("DORA › Classification answers") },
    { "dora.result.major", N_("DORA › Major incident") },
    { "dora.result.triggers", N_("DORA › Criteria met") },
    { "dora.classified_at", N_("DORA › Time of classification") },
    { "dora.reports.initial", N_("DORA › Initial notification submitted") },
    { "dora.reports.intermediate", N_("DORA › Intermediate report submitted") },
    { "dora.reports.final", N_("DORA › Final report submitted") },
    { "dora.threat.assessed_at", N_("Cyber threat › Assessed") },
    { "dora.threat.significant", N_("Cyber threat › Significant") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      if (g_str_equal (labels[i].path, path))
        return _(labels[i].label);
    }
  return NULL;
}

/* "findings.summary" as "Findings › Summary"; entries keep no id. */
static char *
describe_field_path (const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  const VigilFormInfo *form = vigil_forms_get (parts[0]);
  const VigilCollectionInfo *collection = NULL;
  const VigilFieldInfo *field = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) labels = NULL;

  if (form == NULL || parts[1] == NULL)
    {
      if (describe_dora_field (path) != NULL)
        return g_strdup (describe_dora_field (path));
      for (guint i = 0; i < G_N_ELEMENTS (identify_fields); i++)
        {
          if (g_str_equal (identify_fields[i].id, path))
            return g_strdup (vigil_field_get_label (&identify_fields[i]));
        }
      if (g_str_equal (path, severity_field.id))
        return g_strdup (vigil_field_get_label (&severity_field));
      return g_strdup (path);
    }

  g_strv_builder_add (builder, vigil_form_get_title (form));
  if (parts[1] != NULL && (field = vigil_form_get_field (form, parts[1])) != NULL)
    g_strv_builder_add (builder, vigil_field_get_label (field));
  else if (parts[1] != NULL && (collection = vigil_form_get_collection (form, parts[1])) != NULL)
    {
      g_strv_builder_add (builder, vigil_collection_get_label (collection));
      if (parts[2] != NULL && collection->keys != VIGIL_N_CHOICE_LISTS)
        g_strv_builder_add (builder, vigil_process_get_choice_label (collection->keys, parts[2]));
      if (parts[2] != NULL && parts[3] != NULL &&
          (field = vigil_collection_get_field (collection, parts[3])) != NULL)
        g_strv_builder_add (builder, vigil_field_get_label (field));
    }
  else
    return g_strdup (path);

  labels = g_strv_builder_end (builder);
  return g_strjoinv (" › ", labels);
}

static char *
format_change_value (JsonNode *node)
{
  g_autofree char *text = NULL;
  const char *string;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("—");
  if (JSON_NODE_HOLDS_ARRAY (node) || JSON_NODE_HOLDS_OBJECT (node))
    {
      /* A list or a whole entry: its values, without ids. */
      g_autoptr(GString) joined = g_string_new (NULL);
      g_autoptr(GList) members = NULL;
      GList *values = NULL;

      if (JSON_NODE_HOLDS_ARRAY (node))
        values = json_array_get_elements (json_node_get_array (node));
      else
        {
          members = json_object_get_members (json_node_get_object (node));
          for (GList *l = members; l != NULL; l = l->next)
            {
              if (!g_str_equal (l->data, "id"))
                values = g_list_append (values, json_object_get_member (json_node_get_object (node),
                                                                        l->data));
            }
        }
      for (GList *l = values; l != NULL; l = l->next)
        {
          g_autofree char *part = format_change_value (l->data);

          if (joined->len > 0)
            g_string_append (joined, ", ");
          g_string_append (joined, part);
        }
      g_list_free (values);
      if (joined->len == 0)
        return g_strdup ("—");
      text = g_string_free (g_steal_pointer (&joined), FALSE);
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autoptr(GDateTime) when = NULL;

      string = json_node_get_string (node);
      /* Times read better in local time. */
      if (g_str_has_suffix (string, "Z") && (when = vigil_time_from_iso (string)) != NULL)
        return vigil_format_local_time (when);
      text = g_strdup (string);
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? _("yes") : _("no"));
  else
    text = json_to_string (node, FALSE);

  if (g_utf8_strlen (text, -1) > 120)
    {
      char *end = g_utf8_offset_to_pointer (text, 120);
      g_autofree char *cut = g_strndup (text, end - text);

      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&text);
}

static void
on_history_ready_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(VigilIncidentPage) self = user_data;
  g_autoptr(GPtrArray) entries = NULL;

  entries = vigil_section_read_log_finish (result, self->history_status, self->history_list);
  if (entries == NULL)
    return;

  {
    g_autofree char *status = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%u change, newest first", "%u changes, newest first",
                   entries->len),
      entries->len);

    gtk_label_set_label (self->history_status, status);
  }

  for (guint i = entries->len; i > 0; i--)
    {
      VigilLogEntry *entry = entries->pdata[i - 1];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *when = vigil_format_local_time (vigil_op_get_at (entry->op));
      g_autofree char *title = NULL;
      g_autoptr(GString) changes = g_string_new (NULL);

      /* Translators: who did what, e.g. "ana · Changed a form" */
      title = g_strdup_printf (_("%s · %s"), vigil_op_get_actor (entry->op),
                               describe_kind (vigil_op_get_kind (entry->op)));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);

      for (guint c = 0; entry->changes != NULL && c < json_array_get_length (entry->changes); c++)
        {
          JsonObject *change = json_array_get_object_element (entry->changes, c);
          g_autofree char *old = format_change_value (json_object_get_member (change, "old"));
          g_autofree char *new = format_change_value (json_object_get_member (change, "new"));
          g_autofree char *field = describe_field_path (
            json_object_get_string_member_with_default (change, "field", ""));

          if (changes->len > 0)
            g_string_append_c (changes, '\n');
          /* The answers are many; the classification form lists them. */
          if (g_strcmp0 (json_object_get_string_member_with_default (change, "field", ""),
                         "dora.criteria") == 0)
            /* Translators: a change in the history whose values are too many to show */
            g_string_append_printf (changes, _("%s: changed"), field);
          else
            g_string_append_printf (changes, "%s: %s → %s", field, old, new);
        }
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), changes->str);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);

      {
        GtkWidget *time = gtk_label_new (when);

        gtk_widget_add_css_class (time, "dim-label");
        gtk_widget_add_css_class (time, "numeric");
        gtk_widget_set_valign (time, GTK_ALIGN_START);
        gtk_widget_set_margin_top (time, 8);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), time);
      }
      gtk_list_box_append (self->history_list, row);
    }
}

static void
vigil_incident_page_load_history (VigilIncidentPage *self)
{
  if (self->incident == NULL || self->workspace == NULL)
    return;

  g_cancellable_cancel (self->history_cancellable);
  g_clear_object (&self->history_cancellable);
  self->history_cancellable = g_cancellable_new ();

  vigil_section_read_log_async (self->workspace, self->incident, self->history_status,
                                self->history_cancellable, on_history_ready_cb,
                                g_object_ref (self));
}

static void
on_visible_view_cb (VigilIncidentPage *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->view_stack), "history") == 0)
    {
      vigil_incident_page_flush (self);
      vigil_incident_page_load_history (self);
    }
}

/* Callbacks */

static void
on_step_row_selected_cb (VigilIncidentPage *self,
                         GtkListBoxRow     *row,
                         GtkListBox        *list)
{
  guint step;

  if (row == NULL)
    return;
  step = gtk_list_box_row_get_index (row) + 1;
  if (step == self->step)
    return;

  vigil_incident_page_flush (self);
  self->step = step;
  if (self->incident != NULL)
    vigil_incident_page_build_step (self);
}

/* Overrides */

static void
vigil_incident_page_dispose (GObject *object)
{
  VigilIncidentPage *self = VIGIL_INCIDENT_PAGE (object);
  GtkWidget *child;

  /* Whatever is still typed goes out before the page does. */
  if (self->pending != NULL)
    vigil_incident_page_flush_all (self);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->hash_cancellable);
  g_cancellable_cancel (self->history_cancellable);
  g_clear_handle_id (&self->save_id, g_source_remove);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->editors != NULL)
    g_ptr_array_set_size (self->editors, 0);

  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_INCIDENT_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  if (self->incident != NULL)
    g_signal_handlers_disconnect_by_data (self->incident, self);
  g_clear_object (&self->incident);
  g_clear_object (&self->workspace);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->hash_cancellable);
  g_clear_object (&self->history_cancellable);

  G_OBJECT_CLASS (vigil_incident_page_parent_class)->dispose (object);
}

static void
vigil_incident_page_finalize (GObject *object)
{
  VigilIncidentPage *self = VIGIL_INCIDENT_PAGE (object);

  g_clear_pointer (&self->editors, g_ptr_array_unref);
  g_clear_pointer (&self->collections, g_array_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_free (self->read_only_reason);

  G_OBJECT_CLASS (vigil_incident_page_parent_class)->finalize (object);
}

static void
vigil_incident_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  VigilIncidentPage *self = VIGIL_INCIDENT_PAGE (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, vigil_incident_page_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The focus goes to the step list, on the step shown. */
static gboolean
vigil_incident_page_grab_focus (GtkWidget *widget)
{
  VigilIncidentPage *self = VIGIL_INCIDENT_PAGE (widget);

  if (self->step >= 1 && self->step <= VIGIL_N_STEPS)
    return gtk_widget_grab_focus (self->step_rows[self->step - 1]);
  return gtk_widget_grab_focus (GTK_WIDGET (self->steps_list));
}

static void
vigil_incident_page_class_init (VigilIncidentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_incident_page_dispose;
  object_class->finalize = vigil_incident_page_finalize;
  object_class->get_property = vigil_incident_page_get_property;
  widget_class->grab_focus = vigil_incident_page_grab_focus;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vigil/Vigil/ui/vigil-incident-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, reference_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, step_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, severity_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, save_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, steps_list);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, banner);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, rejection_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, submit_button);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, report_button);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, archive_button);
  gtk_widget_class_install_action (widget_class, "page.final-report", NULL, final_report_action);
  gtk_widget_class_install_action (widget_class, "page.archive", NULL, archive_action);
  gtk_widget_class_install_action (widget_class, "page.dora-reports", NULL, dora_reports_action);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, banner_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, forms_scroller);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, forms_box);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, history_status);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentPage, history_list);
  gtk_widget_class_bind_template_callback (widget_class, on_progress_cancel_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "incidentpage");
}

static void
vigil_incident_page_init (VigilIncidentPage *self)
{
  static gboolean css_loaded;

  gtk_widget_init_template (GTK_WIDGET (self));
  add_dora_reports_entry (self);

  if (!css_loaded && gdk_display_get_default () != NULL)
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_resource (provider, "/org/vigil/Vigil/incident-page.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      css_loaded = TRUE;
    }

  self->cancellable = g_cancellable_new ();
  self->editors = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_field_editor_free);
  self->collections = g_array_new (FALSE, TRUE, sizeof (CollectionView));
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) json_object_unref);

  for (guint s = 1; s <= VIGIL_N_STEPS; s++)
    {
      const VigilStepInfo *step = vigil_process_get_step (s);
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      GtkWidget *number = gtk_label_new (NULL);
      GtkWidget *name = gtk_label_new (vigil_step_get_name (step));
      /* Translators: marks the step the incident is in, in the list of steps */
      GtkWidget *current = gtk_label_new (C_("step", "Current"));
      GtkWidget *mark = gtk_image_new_from_icon_name ("radio-symbolic");
      g_autofree char *text = g_strdup_printf ("%u", s);
      g_autofree char *phase = g_strdup_printf ("phase-%s",
                                                vigil_phase_get_id (vigil_process_get_phase (s)));

      gtk_label_set_label (GTK_LABEL (number), text);
      gtk_widget_add_css_class (number, "step-number");
      gtk_widget_add_css_class (row, phase);
      gtk_widget_set_valign (number, GTK_ALIGN_CENTER);
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_wrap (GTK_LABEL (name), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (name), PANGO_WRAP_WORD_CHAR);
      gtk_widget_set_hexpand (name, TRUE);
      gtk_widget_add_css_class (current, "current-badge");
      gtk_widget_set_valign (current, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (current, _("The incident is in this step"));
      gtk_widget_set_visible (current, FALSE);
      gtk_widget_set_valign (mark, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), number);
      gtk_box_append (GTK_BOX (box), name);
      gtk_box_append (GTK_BOX (box), current);
      gtk_box_append (GTK_BOX (box), mark);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      vigil_step_get_name (step), -1);
      gtk_list_box_append (self->steps_list, row);
      self->step_rows[s - 1] = row;
      self->step_marks[s - 1] = GTK_IMAGE (mark);
      self->step_current[s - 1] = GTK_LABEL (current);
    }

  g_signal_connect_object (self->steps_list, "row-selected",
                           G_CALLBACK (on_step_row_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child",
                           G_CALLBACK (on_visible_view_cb), self, G_CONNECT_SWAPPED);
}

/* Public API */

GtkWidget *
vigil_incident_page_new (void)
{
  return g_object_new (VIGIL_TYPE_INCIDENT_PAGE, NULL);
}

VigilWorkspace *
vigil_incident_page_get_workspace (VigilIncidentPage *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT_PAGE (self), NULL);

  return self->workspace;
}

void
vigil_incident_page_set_workspace (VigilIncidentPage *self,
                                   VigilWorkspace    *workspace)
{
  g_return_if_fail (VIGIL_IS_INCIDENT_PAGE (self));
  g_return_if_fail (workspace == NULL || VIGIL_IS_WORKSPACE (workspace));

  if (self->workspace == workspace)
    return;

  vigil_incident_page_set_incident (self, NULL);
  g_set_object (&self->workspace, workspace);
}

VigilIncident *
vigil_incident_page_get_incident (VigilIncidentPage *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT_PAGE (self), NULL);

  return self->incident;
}

void
vigil_incident_page_set_incident (VigilIncidentPage *self,
                                  VigilIncident     *incident)
{
  g_return_if_fail (VIGIL_IS_INCIDENT_PAGE (self));
  g_return_if_fail (incident == NULL || VIGIL_IS_INCIDENT (incident));

  if (self->incident != NULL)
    {
      gboolean was_busy = vigil_incident_page_compute_busy (self);

      vigil_incident_page_flush_all (self);
      vigil_incident_page_update_busy (self, was_busy);
      g_signal_handlers_disconnect_by_data (self->incident, self);
    }

  /* What was still pending belongs to the previous incident and was sent. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_cancellable_cancel (self->hash_cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);

  g_set_object (&self->incident, incident);
  clear_step (self);

  if (incident == NULL)
    return;

  g_signal_connect_object (incident, "notify", G_CALLBACK (on_incident_notify_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_stack_set_visible_child_name (self->view_stack, "steps");
  self->step = 0;
  vigil_incident_page_select_step (self, vigil_incident_get_step (incident));
}

guint
vigil_incident_page_get_step (VigilIncidentPage *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT_PAGE (self), 0);

  return self->step;
}

void
vigil_incident_page_select_step (VigilIncidentPage *self,
                                 guint              step)
{
  g_return_if_fail (VIGIL_IS_INCIDENT_PAGE (self));
  g_return_if_fail (step >= 1 && step <= VIGIL_N_STEPS);

  if (gtk_list_box_get_selected_row (self->steps_list) ==
      GTK_LIST_BOX_ROW (self->step_rows[step - 1]) && self->step == step)
    return;
  if (gtk_list_box_get_selected_row (self->steps_list) ==
      GTK_LIST_BOX_ROW (self->step_rows[step - 1]))
    {
      /* Selected already (a new incident at the same step): build anew. */
      self->step = step;
      vigil_incident_page_build_step (self);
      return;
    }
  gtk_list_box_select_row (self->steps_list, GTK_LIST_BOX_ROW (self->step_rows[step - 1]));
}

void
vigil_incident_page_show_history (VigilIncidentPage *self)
{
  g_return_if_fail (VIGIL_IS_INCIDENT_PAGE (self));

  gtk_stack_set_visible_child_name (self->view_stack, "history");
}

gboolean
vigil_incident_page_get_busy (VigilIncidentPage *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT_PAGE (self), FALSE);

  return vigil_incident_page_compute_busy (self) ||
         g_hash_table_size (self->pending) > 0;
}

void
vigil_incident_page_verify_evidence (VigilIncidentPage *self,
                                     const char        *evidence_id,
                                     GFile             *file)
{
  JsonObject *item;
  VerifyData *data;

  g_return_if_fail (VIGIL_IS_INCIDENT_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  item = self->incident ? vigil_incident_find_item (self->incident, "collect", "evidence",
                                                    evidence_id) : NULL;
  if (item == NULL || !json_object_has_member (item, "sha256"))
    return;

  data = g_new0 (VerifyData, 1);
  data->page = g_object_ref (self);
  data->evidence_id = g_strdup (evidence_id);
  data->expected = g_strdup (json_object_get_string_member (item, "sha256"));

  g_cancellable_cancel (self->hash_cancellable);
  g_clear_object (&self->hash_cancellable);
  self->hash_cancellable = g_cancellable_new ();
  gtk_label_set_label (self->progress_label, _("Verifying the file…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  vigil_evidence_verify_async (file, data->expected, self->hash_cancellable,
                               on_hash_progress_cb, g_object_ref (self), g_object_unref,
                               on_verify_ready_cb, data);
}

gboolean
vigil_incident_page_get_verifying (VigilIncidentPage *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT_PAGE (self), FALSE);

  return self->hash_cancellable != NULL;
}

const char *
vigil_incident_page_get_read_only_reason (VigilIncidentPage *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT_PAGE (self), NULL);

  return self->read_only_reason;
}
