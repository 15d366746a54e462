/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-approvals-view"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-approvals-view.h"

struct _VigilApprovalsView
{
  AdwBin              parent_instance;

  GtkStack           *stack;
  GtkListView        *list_view;
  GtkLabel           *title_label;
  GtkLabel           *meta_label;
  GtkBox             *detail_box;
  GtkWidget          *decision_box;
  GtkLabel           *notice_label;
  GtkWidget          *comment_frame;
  GtkTextView        *comment_view;
  GtkWidget          *comment_hint;
  GtkWidget          *button_box;
  GtkWidget          *reject_button;
  GtkWidget          *approve_button;
  GtkBox             *summary_box;

  VigilWorkspace     *workspace;
  GtkFilterListModel *pending;
  GtkSortListModel   *sorted;
  GtkSingleSelection *selection;
  GCancellable       *cancellable;

  VigilIncident      *shown;
  gint64              shown_revision;
  /* When the incident shown waits for nothing but notifications: the one
   * shown, and the SHA-256 of its text as shown. */
  char               *shown_notification;
  char               *shown_hash;
  VigilPolicyFlags    policy;
  GDateTime          *started_at;
  GHashTable         *notified;
  guint               n_pending;
  gboolean            diff_wanted;
};

G_DEFINE_FINAL_TYPE (VigilApprovalsView, vigil_approvals_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_N_PENDING,
  N_PROPS
};

enum {
  DECIDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void show_incident (VigilApprovalsView *self,
                           VigilIncident      *incident);
static void refresh_policy (VigilApprovalsView *self);

/* Helpers */

static char *
format_time (GDateTime *when)
{
  g_autoptr(GDateTime) local = NULL;

  if (when == NULL)
    return NULL;
  local = g_date_time_to_local (when);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static char *
format_node (const VigilFieldInfo *field,
             JsonNode             *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      GString *text = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *part = format_node (field, json_array_get_element (array, i));

          if (part == NULL)
            continue;
          if (text->len > 0)
            g_string_append (text, ", ");
          g_string_append (text, part);
        }
      return text->len > 0 ? g_string_free (text, FALSE) : (g_string_free (text, TRUE), NULL);
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      /* A sign-off: {"by", "at"}. */
      JsonObject *object = json_node_get_object (node);
      const char *by = json_object_get_string_member_with_default (object, "by", NULL);

      return by ? g_strdup_printf (_("Signed by %s"), by) : NULL;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? _("Yes") : _("No"));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      return g_strdup_printf ("%g", json_node_get_double (node));
    case G_TYPE_STRING:
      {
        const char *text = json_node_get_string (node);

        if (field != NULL && (field->kind == VIGIL_FIELD_CHOICE || field->kind == VIGIL_FIELD_CHOICES))
          return g_strdup (vigil_process_get_choice_label (field->choices, text));
        if (field != NULL && field->kind == VIGIL_FIELD_TIME)
          {
            g_autoptr(GDateTime) when = vigil_time_from_iso (text);

            if (when != NULL)
              return format_time (when);
          }
        return *text != '\0' ? g_strdup (text) : NULL;
      }
    default:
      return NULL;
    }
}

static GtkWidget *
make_row (const char *title,
          const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value ? value : _("Not filled in"));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 12);
  gtk_widget_add_css_class (row, "property");
  if (value == NULL)
    gtk_widget_add_css_class (row, "dim-label");
  return row;
}

static GtkWidget *
add_group (VigilApprovalsView *self,
           const char         *title,
           const char         *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  gtk_box_append (self->summary_box, group);
  return group;
}

static void
add_text_row (GtkWidget  *group,
              const char *title,
              const char *value)
{
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), make_row (title, value));
}

/* Step 1 is the incident's own fields. */
static void
add_identification (VigilApprovalsView *self,
                    VigilIncident      *incident)
{
  g_autofree char *title = g_strdup_printf (_("Step %u · %s"), 1,
                                            vigil_step_get_name (vigil_process_get_step (1)));
  GtkWidget *group = add_group (self, title, NULL);
  const char *type = vigil_incident_get_incident_type (incident);
  g_autofree char *type_text = NULL;
  g_autofree char *detected = format_time (vigil_incident_get_detected_at (incident));
  g_autofree char *aware = format_time (vigil_incident_get_aware_at (incident));
  g_autofree char *systems = NULL;
  const char * const *affected = vigil_incident_get_affected_systems (incident);
  const char *method = vigil_incident_get_detection_method (incident);
  const char *severity = vigil_incident_get_severity (incident);

  if (type != NULL && vigil_incident_get_type_other (incident) != NULL)
    type_text = g_strdup_printf ("%s: %s",
                                 vigil_process_get_choice_label (VIGIL_CHOICES_INCIDENT_TYPE, type),
                                 vigil_incident_get_type_other (incident));
  else if (type != NULL)
    type_text = g_strdup (vigil_process_get_choice_label (VIGIL_CHOICES_INCIDENT_TYPE, type));
  if (affected != NULL && affected[0] != NULL)
    systems = g_strjoinv (", ", (char **) affected);

  add_text_row (group, _("Title"), vigil_incident_get_title (incident));
  add_text_row (group, _("Incident type"), type_text);
  add_text_row (group, _("Description"), vigil_incident_get_description (incident));
  add_text_row (group, _("How it was detected"),
                method ? vigil_process_get_choice_label (VIGIL_CHOICES_DETECTION_METHOD, method)
                       : NULL);
  add_text_row (group, _("Detected at"), detected);
  add_text_row (group, _("Aware since"), aware);
  add_text_row (group, _("Reporter"), vigil_incident_get_reporter (incident));
  add_text_row (group, _("Affected systems"), systems);
  add_text_row (group, _("Severity"),
                severity ? vigil_process_get_choice_label (VIGIL_CHOICES_SEVERITY, severity)
                         : NULL);
}

/* Steps 2 to 7, read from the one table of the forms. */
static void
add_forms (VigilApprovalsView *self,
           VigilIncident      *incident)
{
  const VigilFormInfo *forms;
  guint n_forms = 0;

  forms = vigil_forms_get_all (&n_forms);
  for (guint i = 0; i < n_forms; i++)
    {
      const VigilFormInfo *form = &forms[i];
      g_autofree char *title = NULL;
      GtkWidget *group;

      if (!form->approved_content || form->step < 2 || form->step > 7)
        continue;

      title = g_strdup_printf (_("Step %u · %s"), form->step, vigil_form_get_title (form));
      group = add_group (self, title, NULL);

      for (guint f = 0; f < form->n_fields; f++)
        {
          const VigilFieldInfo *field = &form->fields[f];
          g_autofree char *value = format_node (field,
                                                vigil_incident_get_form_value (incident, form->id,
                                                                               field->id));

          add_text_row (group, vigil_field_get_label (field), value);
        }

      for (guint c = 0; c < form->n_collections; c++)
        {
          const VigilCollectionInfo *collection = &form->collections[c];
          JsonArray *items = vigil_incident_get_items (incident, form->id, collection->id);
          guint n = items ? json_array_get_length (items) : 0;

          if (n == 0)
            {
              add_text_row (group, vigil_collection_get_label (collection), NULL);
              continue;
            }
          for (guint k = 0; k < n; k++)
            {
              JsonObject *item = json_array_get_object_element (items, k);
              g_autofree char *heading = NULL;
              GString *details = g_string_new (NULL);

              for (guint f = 0; f < collection->n_fields; f++)
                {
                  const VigilFieldInfo *field = &collection->fields[f];
                  g_autofree char *value = format_node (field,
                                                        json_object_get_member (item, field->id));

                  if (value == NULL)
                    continue;
                  if (heading == NULL)
                    {
                      heading = g_strdup_printf ("%s: %s",
                                                 vigil_collection_get_label (collection), value);
                      continue;
                    }
                  if (details->len > 0)
                    g_string_append (details, "\n");
                  g_string_append_printf (details, "%s: %s", vigil_field_get_label (field),
                                          value);
                }
              add_text_row (group, heading ? heading : vigil_collection_get_label (collection),
                            details->len > 0 ? details->str : NULL);
              g_string_free (details, TRUE);
            }
        }
    }
}

/* Resubmissions: what changed between the previous submission and this one. */

typedef struct {
  char     *incident_id;
  GPtrArray *rows;   /* pairs: title, value */
} Diff;

static void
diff_free (Diff *diff)
{
  g_free (diff->incident_id);
  g_clear_pointer (&diff->rows, g_ptr_array_unref);
  g_free (diff);
}

static char *
change_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup (_("(empty)"));
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return json_to_string (node, FALSE);
}

static void
diff_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  VigilStore *store = g_object_get_data (G_OBJECT (task), "store");
  Diff *diff = task_data;
  g_autoptr(GPtrArray) log = NULL;
  GError *error = NULL;
  gint last = -1, previous = -1;

  log = vigil_store_list_log (store, diff->incident_id, &error);
  if (log == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < log->len; i++)
    {
      VigilLogEntry *entry = g_ptr_array_index (log, i);

      if (vigil_op_get_kind (entry->op) == VIGIL_OP_APPROVAL_SUBMIT)
        {
          previous = last;
          last = (gint) i;
        }
    }

  diff->rows = g_ptr_array_new_with_free_func (g_free);
  for (gint i = previous + 1; previous >= 0 && i < last; i++)
    {
      VigilLogEntry *entry = g_ptr_array_index (log, i);

      for (guint c = 0; c < json_array_get_length (entry->changes); c++)
        {
          JsonObject *change = json_array_get_object_element (entry->changes, c);
          const char *field = json_object_get_string_member_with_default (change, "field", "");
          g_autofree char *old = NULL;
          g_autofree char *new = NULL;

          /* The approval's own bookkeeping is not what the analyst changed. */
          if (g_str_has_prefix (field, "approval.") || g_str_equal (field, "step"))
            continue;
          old = change_text (json_object_get_member (change, "old"));
          new = change_text (json_object_get_member (change, "new"));
          g_ptr_array_add (diff->rows, g_strdup (field));
          /* Translators: a changed value: "old → new" */
          g_ptr_array_add (diff->rows, g_strdup_printf (_("%s → %s"), old, new));
        }
    }

  g_task_return_boolean (task, TRUE);
}

static void
on_diff_ready_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  VigilApprovalsView *self = VIGIL_APPROVALS_VIEW (source);
  Diff *diff = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  GtkWidget *group;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("%s", error->message);
      return;
    }
  if (self->shown == NULL ||
      g_strcmp0 (vigil_incident_get_id (self->shown), diff->incident_id) != 0 ||
      diff->rows->len == 0)
    return;

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group),
                                   _("Changed Since the Previous Submission"));
  for (guint i = 0; i + 1 < diff->rows->len; i += 2)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               make_row (g_ptr_array_index (diff->rows, i),
                                         g_ptr_array_index (diff->rows, i + 1)));
  gtk_box_prepend (self->summary_box, group);
}

static void
load_diff (VigilApprovalsView *self,
           VigilIncident      *incident)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_diff_ready_cb, NULL);
  Diff *diff = g_new0 (Diff, 1);

  diff->incident_id = g_strdup (vigil_incident_get_id (incident));
  g_task_set_task_data (task, diff, (GDestroyNotify) diff_free);
  g_object_set_data_full (G_OBJECT (task), "store",
                          g_object_ref (vigil_workspace_get_store (self->workspace)),
                          g_object_unref);
  g_task_run_in_thread (task, diff_thread);
}

/* The detail pane */

static void
clear_summary (VigilApprovalsView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_box))) != NULL)
    gtk_box_remove (self->summary_box, child);
}

static void
set_notice (VigilApprovalsView *self,
            const char         *text)
{
  gtk_label_set_label (self->notice_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->notice_label), text != NULL);
}

/* Notifications waiting for a lead */

static JsonObject *
shown_notification_item (VigilApprovalsView *self)
{
  if (self->shown == NULL || self->shown_notification == NULL)
    return NULL;
  return vigil_incident_find_item (self->shown, "notify", "notifications",
                                   self->shown_notification);
}

static gboolean
notification_written_by (VigilApprovalsView *self,
                         const char         *actor)
{
  JsonObject *item = shown_notification_item (self);
  JsonNode *authors = item ? json_object_get_member (item, "authors") : NULL;

  for (guint i = 0; authors != NULL && JSON_NODE_HOLDS_ARRAY (authors) &&
       i < json_array_get_length (json_node_get_array (authors)); i++)
    if (g_strcmp0 (json_array_get_string_element (json_node_get_array (authors), i),
                   actor) == 0)
      return TRUE;
  return FALSE;
}

static char *
dup_list (JsonObject *item,
          const char *member)
{
  JsonNode *node = json_object_get_member (item, member);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  for (guint i = 0; node != NULL && JSON_NODE_HOLDS_ARRAY (node) &&
       i < json_array_get_length (json_node_get_array (node)); i++)
    g_strv_builder_add (builder, json_array_get_string_element (json_node_get_array (node), i));
  list = g_strv_builder_end (builder);
  return list[0] != NULL ? g_strjoinv (", ", list) : NULL;
}

/* The text exactly as it would be sent, and who wrote it. */
static void
show_notification (VigilApprovalsView *self,
                   VigilIncident      *incident,
                   JsonObject         *item,
                   guint               n_waiting)
{
  const char *audience = json_object_get_string_member_with_default (item, "audience", NULL);
  const char *body = json_object_get_string_member_with_default (item, "body", "");
  g_autofree char *recipients = dup_list (item, "recipients");
  g_autofree char *authors = dup_list (item, "authors");
  g_autofree char *meta = NULL;
  g_autofree char *title = NULL;
  g_auto(GStrv) gaps = NULL;
  GtkWidget *group, *message, *card;

  g_free (self->shown_notification);
  self->shown_notification = g_strdup (json_object_get_string_member (item, "id"));
  g_free (self->shown_hash);
  self->shown_hash = vigil_notification_dup_text_hash (item);

  /* Translators: %s is an audience such as "Clients" */
  title = g_strdup_printf (_("Notification to %s"),
                           audience ? vigil_process_get_choice_label (VIGIL_CHOICES_AUDIENCE,
                                                                      audience)
                                    : "?");
  if (n_waiting > 1)
    /* Translators: "Written by ana; 2 notifications wait." */
    meta = g_strdup_printf (ngettext ("Written by %s; %u notification waits.",
                                      "Written by %s; %u notifications wait.", n_waiting),
                            authors ? authors : "?", n_waiting);
  else
    /* Translators: "Written by ana." */
    meta = g_strdup_printf (_("Written by %s."), authors ? authors : "?");
  gtk_label_set_label (self->meta_label, meta);

  /* Gaps: the lead may approve, but should know that the text cannot go
   * out as it is, and that filling them in means approving again. */
  gaps = vigil_notify_find_gaps (json_object_get_string_member_with_default (item, "subject",
                                                                             NULL), body);
  if (gaps[0] != NULL)
    {
      g_autofree char *list = vigil_notify_dup_gap_list ((const char * const *) gaps);
      g_autofree char *text = NULL;
      guint n = g_strv_length (gaps);
      GtkWidget *warning;

      /* Translators: %u is how many gaps, %s lists them, e.g. "impact, actions" */
      text = g_strdup_printf (ngettext ("This text still has %u gap to fill in: %s. It cannot "
                                        "be sent as it is; once the gap is filled in, the new "
                                        "text needs approving again.",
                                        "This text still has %u gaps to fill in: %s. It cannot "
                                        "be sent as it is; once they are filled in, the new "
                                        "text needs approving again.", n),
                              n, list);
      warning = gtk_label_new (text);
      gtk_widget_set_name (warning, "notification-gaps");
      gtk_label_set_wrap (GTK_LABEL (warning), TRUE);
      gtk_label_set_xalign (GTK_LABEL (warning), 0);
      gtk_widget_add_css_class (warning, "warning");
      gtk_widget_add_css_class (warning, "heading");
      gtk_box_append (self->summary_box, warning);
    }

  group = add_group (self, title,
                     _("Approving it lets it be marked sent exactly as it stands here; any "
                       "change needs approving again."));
  add_text_row (group, _("Recipients"), recipients);
  add_text_row (group, _("Subject"),
                json_object_get_string_member_with_default (item, "subject", NULL));

  group = add_group (self, _("Message"), NULL);
  message = gtk_label_new (body);
  gtk_widget_set_name (message, "notification-body");
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_label_set_selectable (GTK_LABEL (message), TRUE);
  gtk_label_set_xalign (GTK_LABEL (message), 0);
  gtk_widget_set_margin_top (message, 12);
  gtk_widget_set_margin_bottom (message, 12);
  gtk_widget_set_margin_start (message, 12);
  gtk_widget_set_margin_end (message, 12);
  card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (card, "card");
  gtk_box_append (GTK_BOX (card), message);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), card);
}

static gboolean
has_waiting_notifications (VigilIncident    *incident,
                           VigilPolicyFlags  policy)
{
  g_autoptr(GPtrArray) waiting = NULL;

  if (!(policy & VIGIL_POLICY_EXTERNAL_NOTIFICATIONS_NEED_APPROVAL) ||
      vigil_incident_get_step (incident) < VIGIL_STEP_COORDINATE)
    return FALSE;
  waiting = vigil_incident_list_notifications_awaiting (incident, policy);
  return waiting->len > 0;
}

static void
update_decision (VigilApprovalsView *self)
{
  VigilRole role = self->workspace ? vigil_workspace_get_role (self->workspace)
                                   : VIGIL_ROLE_ANALYST;
  gboolean own = self->shown != NULL && self->workspace != NULL &&
                 (self->shown_notification != NULL
                  ? notification_written_by (self, vigil_workspace_get_actor (self->workspace))
                  : g_strcmp0 (vigil_incident_get_submitted_by (self->shown),
                               vigil_workspace_get_actor (self->workspace)) == 0);
  gboolean can_decide = self->shown != NULL && role == VIGIL_ROLE_LEAD && !own;

  /* The core decides; this only says beforehand what it would refuse. */
  if (self->shown == NULL)
    set_notice (self, NULL);
  else if (role == VIGIL_ROLE_MANAGER || role == VIGIL_ROLE_ADMIN)
    set_notice (self, _("You see approvals read-only: only an incident response lead "
                        "decides."));
  else if (role != VIGIL_ROLE_LEAD)
    set_notice (self, self->shown_notification != NULL
                      ? _("An incident response lead decides on this notification.")
                      : _("An incident response lead decides on this submission."));
  else if (own)
    set_notice (self, self->shown_notification != NULL
                      ? _("You wrote this notification yourself: another lead must decide "
                          "(four-eyes principle).")
                      : _("You submitted this incident yourself: another lead must decide "
                          "(four-eyes principle)."));
  else
    set_notice (self, NULL);

  gtk_widget_set_visible (self->comment_frame, can_decide);
  gtk_widget_set_visible (self->comment_hint, can_decide);
  gtk_widget_set_visible (self->button_box, can_decide);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "approvals.approve", can_decide);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "approvals.reject", can_decide);
}

static void
on_shown_notify_cb (VigilApprovalsView *self)
{
  /* A new revision while shown: show what would now be decided on. */
  if (self->shown != NULL && vigil_incident_get_revision (self->shown) != self->shown_revision)
    show_incident (self, self->shown);
}

static void
show_incident (VigilApprovalsView *self,
               VigilIncident      *incident)
{
  g_autofree char *title = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *submitted = NULL;

  if (self->shown != incident)
    {
      if (self->shown != NULL)
        g_signal_handlers_disconnect_by_data (self->shown, self);
      g_set_object (&self->shown, incident);
      if (incident != NULL)
        g_signal_connect_swapped (incident, "notify", G_CALLBACK (on_shown_notify_cb), self);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->comment_view), "", -1);
    }

  clear_summary (self);
  g_clear_pointer (&self->shown_notification, g_free);
  g_clear_pointer (&self->shown_hash, g_free);
  if (incident == NULL)
    {
      update_decision (self);
      return;
    }

  self->shown_revision = vigil_incident_get_revision (incident);
  title = g_strdup_printf ("%s  %s", vigil_incident_get_reference (incident)
                                     ? vigil_incident_get_reference (incident) : "",
                           vigil_incident_get_title (incident));
  gtk_label_set_label (self->title_label, g_strstrip (title));

  if (vigil_incident_get_approval_state (incident) != VIGIL_APPROVAL_PENDING)
    {
      g_autoptr(GPtrArray) waiting =
        vigil_incident_list_notifications_awaiting (incident, self->policy);

      if (waiting->len > 0)
        show_notification (self, incident, g_ptr_array_index (waiting, 0), waiting->len);
      else
        gtk_label_set_label (self->meta_label, "");
      /* A short text: read it, then decide below it. */
      gtk_box_reorder_child_after (self->detail_box, self->decision_box,
                                   GTK_WIDGET (self->summary_box));
      gtk_widget_set_tooltip_text (self->approve_button,
                                   _("Approve this text: it may then be marked sent exactly as "
                                     "shown (Alt+A)"));
      gtk_widget_set_tooltip_text (self->reject_button,
                                   _("Send the draft back to its writer with your comment "
                                     "(Alt+R)"));
      update_decision (self);
      return;
    }

  /* A submission runs to many pages: the decision stays at the top, with
   * the forms to read below it. */
  gtk_box_reorder_child_after (self->detail_box, self->decision_box,
                               GTK_WIDGET (self->meta_label));
  gtk_widget_set_tooltip_text (self->approve_button,
                               _("Approve steps 1 to 7; the incident enters step 9 (Alt+A)"));
  gtk_widget_set_tooltip_text (self->reject_button,
                               _("Send the incident back to the analyst with your comment "
                                 "(Alt+R)"));

  submitted = format_time (vigil_incident_get_submitted_at (incident));
  /* Translators: "Submitted by ana on 2026-11-29 14:05 from step 6" */
  meta = g_strdup_printf (_("Submitted by %s on %s from step %u"),
                          vigil_incident_get_submitted_by (incident),
                          submitted ? submitted : "?",
                          vigil_incident_get_submitted_from (incident));
  if (vigil_incident_get_snapshot_hash (incident) != NULL)
    {
      g_autofree char *with_hash = NULL;

      /* Translators: %s is the start of the SHA-256 of what was submitted */
      with_hash = g_strdup_printf (_("%s. Snapshot %.12s…"), meta,
                                   vigil_incident_get_snapshot_hash (incident));
      g_free (meta);
      meta = g_steal_pointer (&with_hash);
    }
  gtk_label_set_label (self->meta_label, meta);

  add_identification (self, incident);
  add_forms (self, incident);
  /* The history is read only for a pane someone looks at. */
  self->diff_wanted = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->diff_wanted = FALSE;
      load_diff (self, incident);
    }
  update_decision (self);
}

static void
on_selection_changed_cb (VigilApprovalsView *self)
{
  show_incident (self, gtk_single_selection_get_selected_item (self->selection));
}

static void
update_count (VigilApprovalsView *self)
{
  guint n = self->pending ? g_list_model_get_n_items (G_LIST_MODEL (self->pending)) : 0;

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
  if (n == 0)
    show_incident (self, NULL);
  else if (gtk_single_selection_get_selected_item (self->selection) == NULL)
    gtk_single_selection_set_selected (self->selection, 0);

  if (self->n_pending != n)
    {
      self->n_pending = n;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
    }
}

/* Desktop notifications for the submitter */

static void
maybe_notify (VigilApprovalsView *self,
              VigilIncident      *incident)
{
  VigilApprovalState state = vigil_incident_get_approval_state (incident);
  GDateTime *decided_at = vigil_incident_get_decided_at (incident);
  g_autofree char *key = NULL;
  g_autofree char *title = NULL;
  g_autoptr(GNotification) notification = NULL;
  const char *comment;
  GApplication *app;

  if ((state != VIGIL_APPROVAL_APPROVED && state != VIGIL_APPROVAL_REJECTED) ||
      decided_at == NULL || self->workspace == NULL ||
      g_strcmp0 (vigil_incident_get_submitted_by (incident),
                 vigil_workspace_get_actor (self->workspace)) != 0 ||
      g_strcmp0 (vigil_incident_get_decided_by (incident),
                 vigil_workspace_get_actor (self->workspace)) == 0 ||
      g_date_time_compare (decided_at, self->started_at) < 0)
    return;

  key = g_strdup_printf ("%s@%" G_GINT64_FORMAT, vigil_incident_get_id (incident),
                         g_date_time_to_unix (decided_at));
  if (!g_hash_table_add (self->notified, g_steal_pointer (&key)))
    return;

  if (state == VIGIL_APPROVAL_APPROVED)
    title = g_strdup_printf (_("%s approved"), vigil_incident_get_reference (incident));
  else
    title = g_strdup_printf (_("%s rejected"), vigil_incident_get_reference (incident));
  comment = vigil_incident_get_decision_comment (incident);

  notification = g_notification_new (title);
  if (comment != NULL)
    {
      g_autofree char *body = g_strdup_printf (_("%s: “%s”"),
                                               vigil_incident_get_decided_by (incident), comment);

      g_notification_set_body (notification, body);
    }
  else
    {
      g_autofree char *body = g_strdup_printf (_("Decided by %s"),
                                               vigil_incident_get_decided_by (incident));

      g_notification_set_body (notification, body);
    }
  app = g_application_get_default ();
  if (app != NULL)
    g_application_send_notification (app, vigil_incident_get_id (incident), notification);
}

static void
on_incidents_changed_cb (GListModel         *model,
                         guint               position,
                         guint               removed,
                         guint               added,
                         VigilApprovalsView *self)
{
  refresh_policy (self);
  /* A whole load is not news. */
  if (added > 8)
    return;
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(VigilIncident) incident = g_list_model_get_item (model, i);

      maybe_notify (self, incident);
    }
}

/* Decisions */

static void
on_decided_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VigilApprovalsView) self = user_data;
  g_autoptr(GError) error = NULL;
  VigilIncident *incident;

  incident = vigil_workspace_apply_finish (VIGIL_WORKSPACE (source), result, &error);
  if (incident == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_notice (self, error->message);
      g_signal_emit (self, signals[DECIDED], 0, NULL, error->message);
      if (self->shown != NULL)
        show_incident (self, self->shown);
      set_notice (self, error->message);
      return;
    }
  g_signal_emit (self, signals[DECIDED], 0, incident, NULL);
}

static void
decide (VigilApprovalsView *self,
        gboolean            approve)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->comment_view);
  GtkTextIter start, end;
  g_autofree char *comment = NULL;
  g_autoptr(VigilOp) op = NULL;
  JsonObject *payload;

  if (self->shown == NULL || self->workspace == NULL)
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  comment = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  if (!approve && *comment == '\0')
    {
      set_notice (self, _("Say why you reject it, so that the analyst knows what to change."));
      gtk_widget_grab_focus (GTK_WIDGET (self->comment_view));
      return;
    }

  payload = json_object_new ();
  json_object_set_string_member (payload, "decision", approve ? "approve" : "reject");
  if (*comment != '\0')
    json_object_set_string_member (payload, "comment", comment);

  if (self->shown_notification != NULL)
    {
      /* On the text shown: the core refuses it if the draft changed. */
      json_object_set_string_member (payload, "id", self->shown_notification);
      json_object_set_string_member (payload, "sha256", self->shown_hash);
      op = vigil_op_new (VIGIL_OP_NOTIFICATION_DECIDE, vigil_incident_get_id (self->shown),
                         vigil_workspace_get_actor (self->workspace), self->shown_revision,
                         payload);
    }
  else
    /* Made on the revision shown: the core refuses it if the submission
     * changed in the meantime. */
    op = vigil_op_new (VIGIL_OP_APPROVAL_DECIDE, vigil_incident_get_id (self->shown),
                       vigil_workspace_get_actor (self->workspace), self->shown_revision,
                       payload);
  vigil_workspace_apply_async (self->workspace, op, self->cancellable, on_decided_cb,
                               g_object_ref (self));
}

static void
approve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  decide (VIGIL_APPROVALS_VIEW (widget), TRUE);
}

static void
reject_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  decide (VIGIL_APPROVALS_VIEW (widget), FALSE);
}

/* The list */

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *reference = gtk_label_new (NULL);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *meta = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_label_set_xalign (GTK_LABEL (reference), 0);
  gtk_widget_add_css_class (reference, "caption");
  gtk_widget_add_css_class (reference, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (meta), 0);
  gtk_label_set_ellipsize (GTK_LABEL (meta), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (meta, "caption");
  gtk_box_append (GTK_BOX (box), reference);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), meta);
  gtk_list_item_set_child (item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  VigilIncident *incident = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *reference = gtk_widget_get_first_child (box);
  GtkWidget *title = gtk_widget_get_next_sibling (reference);
  GtkWidget *meta = gtk_widget_get_next_sibling (title);
  g_autofree char *when = format_time (vigil_incident_get_submitted_at (incident));
  g_autofree char *text = NULL;

  gtk_label_set_label (GTK_LABEL (reference), vigil_incident_get_reference (incident)
                                              ? vigil_incident_get_reference (incident) : "");
  gtk_label_set_label (GTK_LABEL (title), vigil_incident_get_title (incident));
  if (vigil_incident_get_approval_state (incident) == VIGIL_APPROVAL_PENDING)
    /* Translators: "ana · 2026-11-29 14:05" */
    text = g_strdup_printf (_("%s · %s"), vigil_incident_get_submitted_by (incident),
                            when ? when : "");
  else
    text = g_strdup (_("Notification to approve"));
  gtk_label_set_label (GTK_LABEL (meta), text);
}

static gboolean
is_pending (gpointer item,
            gpointer user_data)
{
  VigilApprovalsView *self = user_data;

  return vigil_incident_get_approval_state (item) == VIGIL_APPROVAL_PENDING ||
         has_waiting_notifications (item, self->policy);
}

/* The policy decides which drafts wait; a replica learns the server's with
 * the changes it pulls. */
static void
refresh_policy (VigilApprovalsView *self)
{
  VigilPolicyFlags policy = self->workspace
                            ? vigil_store_get_policy (vigil_workspace_get_store (self->workspace))
                            : VIGIL_POLICY_DEFAULT;

  if (policy == self->policy)
    return;
  self->policy = policy;
  if (self->pending != NULL)
    gtk_filter_changed (gtk_filter_list_model_get_filter (self->pending),
                        GTK_FILTER_CHANGE_DIFFERENT);
}

/* DORA major incidents first (their reporting clock runs), then the oldest
 * submission first. */
static int
compare_submitted (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  GDateTime *x = vigil_incident_get_submitted_at ((VigilIncident *) a);
  GDateTime *y = vigil_incident_get_submitted_at ((VigilIncident *) b);
  gboolean major_a = vigil_incident_get_dora_major ((VigilIncident *) a);
  gboolean major_b = vigil_incident_get_dora_major ((VigilIncident *) b);

  if (major_a != major_b)
    return major_a ? -1 : 1;

  if (x == NULL || y == NULL)
    return (x == NULL) - (y == NULL);
  return g_date_time_compare (x, y);
}

/* GObject */

static void
vigil_approvals_view_dispose (GObject *object)
{
  VigilApprovalsView *self = (VigilApprovalsView *) object;

  g_cancellable_cancel (self->cancellable);
  vigil_approvals_view_set_workspace (self, NULL);
  if (self->shown != NULL)
    g_signal_handlers_disconnect_by_data (self->shown, self);
  g_clear_object (&self->shown);
  g_clear_pointer (&self->shown_notification, g_free);
  g_clear_pointer (&self->shown_hash, g_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->notified, g_hash_table_unref);
  g_clear_pointer (&self->started_at, g_date_time_unref);

  G_OBJECT_CLASS (vigil_approvals_view_parent_class)->dispose (object);
}

static void
vigil_approvals_view_map (GtkWidget *widget)
{
  VigilApprovalsView *self = VIGIL_APPROVALS_VIEW (widget);

  GTK_WIDGET_CLASS (vigil_approvals_view_parent_class)->map (widget);

  if (self->diff_wanted && self->shown != NULL)
    {
      self->diff_wanted = FALSE;
      load_diff (self, self->shown);
    }
}

static void
vigil_approvals_view_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VigilApprovalsView *self = VIGIL_APPROVALS_VIEW (object);

  switch (prop_id)
    {
    case PROP_N_PENDING:
      g_value_set_uint (value, self->n_pending);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_approvals_view_class_init (VigilApprovalsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_approvals_view_dispose;
  object_class->get_property = vigil_approvals_view_get_property;
  widget_class->map = vigil_approvals_view_map;

  properties[PROP_N_PENDING] =
    g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (incident or NULL, error message or NULL): a decision was applied or
   * refused. */
  signals[DECIDED] =
    g_signal_new ("decided", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, VIGIL_TYPE_INCIDENT, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vigil/Vigil/ui/vigil-approvals-view.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilApprovalsView, stack);
  gtk_widget_class_bind_template_child (widget_class, VigilApprovalsView, list_view);
  gtk_widget_class_bind_template_child (widget_class, VigilApprovalsView, title_label);
  gtk_widget_class_bind_template_child (widget_class, VigilApprovalsView, meta_label);
  gtk_widget_class_bind_template_child (widget_class, VigilApprovalsView, detail_box);
  gtk_widget_class_bind_template_child (widget_class, VigilApprovalsView, decision_box);
  gtk_widget_class_bind_template_child (widget_class, VigilApprovalsView, notice_label);
  gtk_widget_class_bind_template_child (widget_class, VigilApprovalsView, comment_frame);
  gtk_widget_class_bind_template_child (widget_class, VigilApprovalsView, comment_view);
  gtk_widget_class_bind_template_child (widget_class, VigilApprovalsView, comment_hint);
  gtk_widget_class_bind_template_child (widget_class, VigilApprovalsView, button_box);
  gtk_widget_class_bind_template_child (widget_class, VigilApprovalsView, reject_button);
  gtk_widget_class_bind_template_child (widget_class, VigilApprovalsView, approve_button);
  gtk_widget_class_bind_template_child (widget_class, VigilApprovalsView, summary_box);

  gtk_widget_class_install_action (widget_class, "approvals.approve", NULL, approve_action);
  gtk_widget_class_install_action (widget_class, "approvals.reject", NULL, reject_action);
}

static void
vigil_approvals_view_init (VigilApprovalsView *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->notified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->started_at = g_date_time_new_now_utc ();
  self->policy = VIGIL_POLICY_DEFAULT;

  self->pending = gtk_filter_list_model_new (NULL,
                                             GTK_FILTER (gtk_custom_filter_new (is_pending,
                                                                                self, NULL)));
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->pending)),
                                          GTK_SORTER (gtk_custom_sorter_new (compare_submitted,
                                                                             NULL, NULL)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->sorted)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (on_selection_changed_cb), self);
  g_signal_connect_swapped (self->pending, "items-changed", G_CALLBACK (update_count), self);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  update_count (self);
}

void
vigil_approvals_view_set_workspace (VigilApprovalsView *self,
                                    VigilWorkspace     *workspace)
{
  g_return_if_fail (VIGIL_IS_APPROVALS_VIEW (self));
  g_return_if_fail (workspace == NULL || VIGIL_IS_WORKSPACE (workspace));

  if (self->workspace == workspace)
    return;

  if (self->workspace != NULL)
    {
      g_signal_handlers_disconnect_by_data (vigil_workspace_get_incidents (self->workspace),
                                            self);
      g_signal_handlers_disconnect_by_data (self->workspace, self);
    }
  /* Weak: the window owns the workspace, and a reading still running in a
   * worker thread must not keep it alive after the window went. */
  g_set_weak_pointer (&self->workspace, workspace);
  refresh_policy (self);
  if (self->pending != NULL)
    gtk_filter_list_model_set_model (self->pending,
                                     workspace ? vigil_workspace_get_incidents (workspace)
                                               : NULL);
  if (workspace != NULL)
    {
      g_signal_connect (vigil_workspace_get_incidents (workspace), "items-changed",
                        G_CALLBACK (on_incidents_changed_cb), self);
      g_signal_connect_swapped (workspace, "notify::role", G_CALLBACK (update_decision), self);
    }
  update_decision (self);
}

guint
vigil_approvals_view_get_n_pending (VigilApprovalsView *self)
{
  g_return_val_if_fail (VIGIL_IS_APPROVALS_VIEW (self), 0);

  return self->n_pending;
}

/* For tests: the comment the lead typed. */
void
vigil_approvals_view_set_comment (VigilApprovalsView *self,
                                  const char         *comment)
{
  g_return_if_fail (VIGIL_IS_APPROVALS_VIEW (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->comment_view), comment, -1);
}

const char *
vigil_approvals_view_get_notice (VigilApprovalsView *self)
{
  g_return_val_if_fail (VIGIL_IS_APPROVALS_VIEW (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->notice_label))
         ? gtk_label_get_label (self->notice_label) : NULL;
}

VigilIncident *
vigil_approvals_view_get_shown (VigilApprovalsView *self)
{
  g_return_val_if_fail (VIGIL_IS_APPROVALS_VIEW (self), NULL);

  return self->shown;
}

const char *
vigil_approvals_view_get_shown_notification (VigilApprovalsView *self)
{
  g_return_val_if_fail (VIGIL_IS_APPROVALS_VIEW (self), NULL);

  return self->shown_notification;
}
