/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-dora-threat-view"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-dora-threat-view.h"
#include "vigil-field-editor.h"

#define N_TRIGGERS 7

/* The texts of the record, as Annex III of the templates asks for them. */
static const struct {
  const char *id;
  const char *title;
  gboolean    long_text;
} texts[] = {
  { "description", N_("What is the threat? (required)"), TRUE },
  { "potential_impact", N_("What could it do to us, our clients or counterparts?"), TRUE },
  { "actions", N_("What we did or will do to prevent it"), FALSE },
  { "others_notified", N_("Others we told (other entities, authorities)"), FALSE },
  { "indicators", N_("Indicators of compromise"), FALSE },
};

struct _VigilDoraThreatView
{
  GtkWidget       parent_instance;

  VigilWorkspace *workspace;
  VigilIncident  *incident;
  GCancellable   *cancellable;

  GtkWidget      *box;
  GtkWidget      *could_affect;
  GtkWidget      *high_probability;
  GtkWidget      *triggers[N_TRIGGERS];
  GtkWidget      *text_widgets[G_N_ELEMENTS (texts)];
  GtkWidget      *status_combo;
  GtkWidget      *assess_button;
  GtkLabel       *form_error;
  GtkLabel       *verdict_label;
  GtkLabel       *when_label;
  GtkBox         *reasons_box;
  GtkListBox     *history_list;
  GtkLabel       *history_status;

  char           *shown_at;      /* assessed_at of the record the inputs show */
  gboolean        dirty;
  gboolean        syncing;
  guint           n_applying;
  guint           n_loading;
  gint64          history_revision;
  int             n_history;
};

G_DEFINE_FINAL_TYPE (VigilDoraThreatView, vigil_dora_threat_view, GTK_TYPE_WIDGET)

static void
on_changed_cb (VigilDoraThreatView *self)
{
  if (!self->syncing)
    self->dirty = TRUE;
}

static GtkWidget *
make_label (const char *text,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static JsonObject *
get_threat (VigilDoraThreatView *self)
{
  JsonObject *dora = vigil_incident_get_dora (self->incident);
  JsonNode *node = dora ? json_object_get_member (dora, "threat") : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static char *
dup_text (GtkWidget *widget)
{
  if (GTK_IS_TEXT_VIEW (widget))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }
  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (widget)));
}

static void
set_text (GtkWidget  *widget,
          const char *text)
{
  if (GTK_IS_TEXT_VIEW (widget))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)),
                              text ? text : "", -1);
  else
    gtk_editable_set_text (GTK_EDITABLE (widget), text ? text : "");
}

/* Building */

static GtkListBox *
add_group (VigilDoraThreatView *self,
           const char          *title,
           const char          *description)
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

static GtkWidget *
add_switch (VigilDoraThreatView *self,
            GtkListBox          *list,
            const char          *name,
            const char          *title,
            const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_widget_set_name (toggle, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title, -1);
  g_signal_connect_swapped (toggle, "notify::active", G_CALLBACK (on_changed_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  gtk_list_box_append (list, row);
  return toggle;
}

static void
build (VigilDoraThreatView *self)
{
  GtkListBox *list;
  GtkWidget *actions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *group, *card, *reasons_title, *history, *heading;
  g_autoptr(GtkStringList) statuses = gtk_string_list_new (NULL);

  heading = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_box_append (GTK_BOX (self->box), heading);
  gtk_box_append (GTK_BOX (heading), make_label (_("Significant cyber threat"), "title-4"));
  gtk_box_append (GTK_BOX (heading),
                  make_label (_("A threat that has not caused a major incident may still have "
                                "to be recorded, and may be notified to the authority. Vigil "
                                "applies Article 10 of Delegated Regulation 2024/1772 to your "
                                "answers."), "dim-label"));

  list = add_group (self, _("Assessment"), NULL);
  self->could_affect = add_switch (self, list, "threat.could_affect",
                                   _("It could affect critical or important functions, other "
                                     "financial entities, providers, clients or counterparts"),
                                   _("Ours, or those of others"));
  self->high_probability = add_switch (self, list, "threat.high_probability",
                                       _("It has a high probability of happening"),
                                       _("Think of exploitable vulnerabilities, the actor’s "
                                         "capability and intent, how persistent it is and past "
                                         "incidents"));

  list = add_group (self, _("If it happened, which criteria would it meet?"),
                    _("Critical services, clients and counterparts, or geographical spread "
                      "make it significant; the others are recorded for the notification."));
  for (guint bit = 0; bit < N_TRIGGERS; bit++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      g_auto(GStrv) ids = vigil_dora_triggers_to_strv (1 << bit);
      g_autofree char *name = g_strdup_printf ("threat.would_trigger.%s", ids[0]);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     vigil_dora_trigger_get_label (1 << bit));
      gtk_widget_set_name (check, name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      vigil_dora_trigger_get_label (1 << bit), -1);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (on_changed_cb), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      gtk_list_box_append (list, row);
      self->triggers[bit] = check;
    }

  list = add_group (self, _("For the notification"), NULL);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *name = g_strconcat ("threat.", texts[i].id, NULL);
      GtkWidget *widget;

      if (texts[i].long_text)
        {
          GtkWidget *row = gtk_list_box_row_new ();
          GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

          widget = gtk_text_view_new ();
          gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (widget), GTK_WRAP_WORD_CHAR);
          gtk_text_view_set_top_margin (GTK_TEXT_VIEW (widget), 6);
          gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (widget), 6);
          gtk_text_view_set_left_margin (GTK_TEXT_VIEW (widget), 6);
          gtk_text_view_set_right_margin (GTK_TEXT_VIEW (widget), 6);
          gtk_widget_set_size_request (widget, -1, 72);
          gtk_widget_add_css_class (widget, "card");
          gtk_box_append (GTK_BOX (box), make_label (_(texts[i].title), NULL));
          gtk_box_append (GTK_BOX (box), widget);
          gtk_widget_set_margin_start (box, 12);
          gtk_widget_set_margin_end (box, 12);
          gtk_widget_set_margin_top (box, 8);
          gtk_widget_set_margin_bottom (box, 10);
          gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
          gtk_list_box_append (list, row);
          g_signal_connect_swapped (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)), "changed",
                                    G_CALLBACK (on_changed_cb), self);
        }
      else
        {
          widget = adw_entry_row_new ();
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (widget), _(texts[i].title));
          gtk_list_box_append (list, widget);
          g_signal_connect_swapped (widget, "changed", G_CALLBACK (on_changed_cb), self);
        }
      gtk_widget_set_name (widget, name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(texts[i].title), -1);
      self->text_widgets[i] = widget;
    }

  gtk_string_list_append (statuses, _("Active"));
  gtk_string_list_append (statuses, _("No longer active"));
  self->status_combo = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_combo), _("Status"));
  adw_combo_row_set_model (ADW_COMBO_ROW (self->status_combo), G_LIST_MODEL (statuses));
  gtk_widget_set_name (self->status_combo, "threat.status");
  g_signal_connect_swapped (self->status_combo, "notify::selected", G_CALLBACK (on_changed_cb),
                            self);
  gtk_list_box_append (list, self->status_combo);

  self->form_error = GTK_LABEL (make_label (NULL, "error"));
  gtk_widget_set_hexpand (GTK_WIDGET (self->form_error), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->form_error), FALSE);
  self->assess_button = gtk_button_new_with_mnemonic (_("_Assess Threat"));
  gtk_widget_add_css_class (self->assess_button, "pill");
  gtk_widget_set_halign (self->assess_button, GTK_ALIGN_END);
  gtk_widget_set_hexpand (self->assess_button, TRUE);
  gtk_widget_set_name (self->assess_button, "threat-assess");
  gtk_widget_set_tooltip_text (self->assess_button,
                               _("Record this assessment and see whether the threat is "
                                 "significant"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->assess_button), "threat.assess");
  gtk_box_append (GTK_BOX (actions), GTK_WIDGET (self->form_error));
  gtk_box_append (GTK_BOX (actions), self->assess_button);
  gtk_box_append (GTK_BOX (self->box), actions);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Latest assessment"));
  card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "dora-result");
  self->verdict_label = GTK_LABEL (make_label (NULL, "title-3"));
  gtk_widget_set_name (GTK_WIDGET (self->verdict_label), "threat-verdict");
  self->when_label = GTK_LABEL (make_label (NULL, "dim-label"));
  reasons_title = make_label (_("Why"), "heading");
  self->reasons_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 4));
  gtk_box_append (GTK_BOX (card), GTK_WIDGET (self->verdict_label));
  gtk_box_append (GTK_BOX (card), GTK_WIDGET (self->when_label));
  gtk_box_append (GTK_BOX (card), reasons_title);
  gtk_box_append (GTK_BOX (card), GTK_WIDGET (self->reasons_box));
  {
    /* A card has no padding of its own. */
    GtkWidget *frame = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

    gtk_widget_add_css_class (frame, "card");
    gtk_widget_remove_css_class (card, "card");
    gtk_widget_set_margin_start (card, 18);
    gtk_widget_set_margin_end (card, 18);
    gtk_widget_set_margin_top (card, 12);
    gtk_widget_set_margin_bottom (card, 14);
    gtk_box_append (GTK_BOX (frame), card);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), frame);
  }
  gtk_box_append (GTK_BOX (self->box), group);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Earlier assessments"));
  self->history_status = GTK_LABEL (make_label (NULL, "dim-label"));
  history = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (history), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (history, "boxed-list");
  gtk_widget_set_name (history, "threat-history");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->history_status));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), history);
  gtk_box_append (GTK_BOX (self->box), group);
  self->history_list = GTK_LIST_BOX (history);
}

/* Showing the record */

static void
sync_inputs (VigilDoraThreatView *self,
             JsonObject          *threat)
{
  JsonArray *would = threat && json_object_has_member (threat, "would_trigger")
                     ? json_object_get_array_member (threat, "would_trigger") : NULL;

  self->syncing = TRUE;
  gtk_switch_set_active (GTK_SWITCH (self->could_affect),
                         threat && json_object_get_boolean_member_with_default (
                           threat, "could_affect", FALSE));
  gtk_switch_set_active (GTK_SWITCH (self->high_probability),
                         threat && json_object_get_boolean_member_with_default (
                           threat, "high_probability", FALSE));
  for (guint bit = 0; bit < N_TRIGGERS; bit++)
    {
      g_auto(GStrv) ids = vigil_dora_triggers_to_strv (1 << bit);
      gboolean active = FALSE;

      for (guint k = 0; would != NULL && k < json_array_get_length (would); k++)
        active |= g_strcmp0 (json_array_get_string_element (would, k), ids[0]) == 0;
      gtk_check_button_set_active (GTK_CHECK_BUTTON (self->triggers[bit]), active);
    }
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    set_text (self->text_widgets[i],
              threat ? json_object_get_string_member_with_default (threat, texts[i].id, NULL)
                     : NULL);
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->status_combo),
                              threat && g_strcmp0 (json_object_get_string_member_with_default (
                                                     threat, "status", ""), "inactive") == 0
                              ? 1 : 0);
  self->syncing = FALSE;
  self->dirty = FALSE;
}

static void
show_result (VigilDoraThreatView *self)
{
  JsonObject *threat = get_threat (self);
  JsonArray *reasons;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->reasons_box))) != NULL)
    gtk_box_remove (self->reasons_box, child);
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_label), "error");

  if (threat == NULL)
    {
      gtk_label_set_label (self->verdict_label, _("Not assessed yet"));
      gtk_label_set_label (self->when_label,
                           _("Answer the questions and press Assess Threat."));
      gtk_widget_set_visible (gtk_widget_get_prev_sibling (GTK_WIDGET (self->reasons_box)), FALSE);
      return;
    }

  {
    gboolean significant = json_object_get_boolean_member_with_default (threat, "significant",
                                                                        FALSE);
    g_autofree char *when = vigil_format_iso_local (
      json_object_get_string_member_with_default (threat, "assessed_at", NULL));
    g_autofree char *text = g_strdup_printf (_("Assessed %s"), when[0] ? when : "—");

    gtk_label_set_label (self->verdict_label, significant ? _("Significant cyber threat")
                                                          : _("Not a significant cyber threat"));
    if (significant)
      gtk_widget_add_css_class (GTK_WIDGET (self->verdict_label), "error");
    gtk_label_set_label (self->when_label, text);
  }

  reasons = json_object_has_member (threat, "reasons")
            ? json_object_get_array_member (threat, "reasons") : NULL;
  gtk_widget_set_visible (gtk_widget_get_prev_sibling (GTK_WIDGET (self->reasons_box)),
                          reasons != NULL && json_array_get_length (reasons) > 0);
  for (guint i = 0; reasons != NULL && i < json_array_get_length (reasons); i++)
    {
      g_autofree char *line = g_strdup_printf ("• %s", json_array_get_string_element (reasons, i));
      GtkWidget *label = make_label (line, "body");

      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_box_append (self->reasons_box, label);
    }
}

/* Assessing */

static void
on_assessed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VigilDoraThreatView) self = user_data;
  g_autoptr(GError) error = NULL;
  VigilIncident *incident;

  self->n_applying--;
  incident = vigil_workspace_apply_finish (VIGIL_WORKSPACE (object), result, &error);
  if (self->incident == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (incident == NULL)
    {
      g_autofree char *field = vigil_op_error_dup_field (error);
      g_autofree char *message = NULL;
      const char *label = NULL;

      for (guint i = 0; field != NULL && i < G_N_ELEMENTS (texts); i++)
        if (g_str_equal (field, texts[i].id))
          label = _(texts[i].title);
      if (label != NULL)
        /* Translators: a field of the threat form and what is wrong with it */
        message = g_strdup_printf (_("Not assessed: %s: %s"), label,
                                   vigil_op_error_get_reason (error));
      else
        message = g_strdup_printf (_("Not assessed: %s"), vigil_op_error_get_reason (error));
      gtk_label_set_label (self->form_error, message);
      gtk_widget_set_visible (GTK_WIDGET (self->form_error), TRUE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "threat.assess", TRUE);
      return;
    }
  self->dirty = FALSE;
  vigil_dora_threat_view_refresh (self);
}

static void
assess_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VigilDoraThreatView *self = VIGIL_DORA_THREAT_VIEW (widget);
  JsonObject *payload = json_object_new ();
  JsonArray *would = json_array_new ();
  g_autoptr(VigilOp) op = NULL;

  if (self->incident == NULL || self->workspace == NULL)
    {
      json_object_unref (payload);
      json_array_unref (would);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->form_error), FALSE);
  json_object_set_boolean_member (payload, "could_affect",
                                  gtk_switch_get_active (GTK_SWITCH (self->could_affect)));
  json_object_set_boolean_member (payload, "high_probability",
                                  gtk_switch_get_active (GTK_SWITCH (self->high_probability)));
  for (guint bit = 0; bit < N_TRIGGERS; bit++)
    {
      g_auto(GStrv) ids = vigil_dora_triggers_to_strv (1 << bit);

      if (gtk_check_button_get_active (GTK_CHECK_BUTTON (self->triggers[bit])))
        json_array_add_string_element (would, ids[0]);
    }
  json_object_set_array_member (payload, "would_trigger", would);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *text = dup_text (self->text_widgets[i]);

      if (g_strstrip (text)[0] != '\0')
        json_object_set_string_member (payload, texts[i].id, text);
      else
        json_object_set_null_member (payload, texts[i].id);
    }
  json_object_set_string_member (payload, "status",
                                 adw_combo_row_get_selected (ADW_COMBO_ROW (self->status_combo))
                                 == 1 ? "inactive" : "active");

  op = vigil_op_new (VIGIL_OP_DORA_THREAT_ASSESS, vigil_incident_get_id (self->incident),
                     vigil_workspace_get_actor (self->workspace),
                     vigil_incident_get_revision (self->incident), payload);
  self->n_applying++;
  gtk_widget_action_set_enabled (widget, "threat.assess", FALSE);
  vigil_workspace_apply_async (self->workspace, op, self->cancellable, on_assessed_cb,
                               g_object_ref (self));
}

/* History */

static void
list_log_thread (GTask        *task,
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

static void
on_history_ready_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(VigilDoraThreatView) self = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;
  guint n = 0;

  self->n_loading--;
  entries = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->incident == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (entries == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The history could not be read: %s"),
                                                  error->message);

      gtk_label_set_label (self->history_status, message);
      return;
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->history_list))) != NULL)
    gtk_list_box_remove (self->history_list, child);

  for (guint i = entries->len; i > 0; i--)
    {
      VigilLogEntry *entry = entries->pdata[i - 1];
      gboolean significant = FALSE;
      GtkWidget *row;
      g_autofree char *when = NULL;
      g_autofree char *title = NULL;

      if (vigil_op_get_kind (entry->op) != VIGIL_OP_DORA_THREAT_ASSESS)
        continue;
      for (guint c = 0; entry->changes && c < json_array_get_length (entry->changes); c++)
        {
          JsonObject *change = json_array_get_object_element (entry->changes, c);
          JsonNode *node = json_object_get_member (change, "new");

          if (g_strcmp0 (json_object_get_string_member_with_default (change, "field", ""),
                         "dora.threat.significant") == 0 && node && JSON_NODE_HOLDS_VALUE (node))
            significant = json_node_get_boolean (node);
        }
      when = vigil_format_local_time (vigil_op_get_at (entry->op));
      /* Translators: an earlier threat assessment, e.g. "Significant · by ana" */
      title = g_strdup_printf (_("%s · by %s"), significant ? _("Significant")
                                                            : _("Not significant"),
                               vigil_op_get_actor (entry->op));
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), when);
      gtk_list_box_append (self->history_list, row);
      n++;
    }

  self->n_history = n;
  gtk_widget_set_visible (GTK_WIDGET (self->history_list), n > 0);
  if (n == 0)
    gtk_label_set_label (self->history_status, _("None yet."));
  else
    {
      g_autofree char *status = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%u assessment, newest first",
                     "%u assessments, newest first", n), n);

      gtk_label_set_label (self->history_status, status);
    }
}

static void
load_history (VigilDoraThreatView *self)
{
  g_autoptr(GTask) task = NULL;

  self->history_revision = vigil_incident_get_revision (self->incident);
  self->n_history = -1;
  self->n_loading++;
  gtk_label_set_label (self->history_status, _("Reading the history…"));
  task = g_task_new (vigil_workspace_get_store (self->workspace), self->cancellable,
                     on_history_ready_cb, g_object_ref (self));
  g_task_set_source_tag (task, load_history);
  g_task_set_task_data (task, g_strdup (vigil_incident_get_id (self->incident)), g_free);
  g_task_run_in_thread (task, list_log_thread);
}

/* Whether the role may assess now; the core decides, on a copy. */
static gboolean
can_assess (VigilDoraThreatView *self)
{
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autoptr(VigilOp) op = NULL;
  g_autoptr(VigilIncident) result = NULL;
  g_autoptr(GError) error = NULL;

  op = vigil_op_new (VIGIL_OP_DORA_THREAT_ASSESS, vigil_incident_get_id (self->incident),
                     vigil_workspace_get_actor (self->workspace),
                     vigil_incident_get_revision (self->incident), g_steal_pointer (&payload));
  result = vigil_op_apply (op, self->incident, vigil_workspace_get_role (self->workspace),
                           NULL, &error);
  return result != NULL || g_error_matches (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID);
}

/* Overrides */

/* Taken off the page for good (another step, the window closed): what is
 * still being read no longer keeps the workspace alive. */
static void
vigil_dora_threat_view_unroot (GtkWidget *widget)
{
  VigilDoraThreatView *self = VIGIL_DORA_THREAT_VIEW (widget);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->incident);
  g_clear_object (&self->workspace);

  GTK_WIDGET_CLASS (vigil_dora_threat_view_parent_class)->unroot (widget);
}

static void
vigil_dora_threat_view_dispose (GObject *object)
{
  VigilDoraThreatView *self = VIGIL_DORA_THREAT_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->incident);
  g_clear_object (&self->workspace);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vigil_dora_threat_view_parent_class)->dispose (object);
}

static void
vigil_dora_threat_view_finalize (GObject *object)
{
  VigilDoraThreatView *self = VIGIL_DORA_THREAT_VIEW (object);

  g_free (self->shown_at);

  G_OBJECT_CLASS (vigil_dora_threat_view_parent_class)->finalize (object);
}

static void
vigil_dora_threat_view_class_init (VigilDoraThreatViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_dora_threat_view_dispose;
  object_class->finalize = vigil_dora_threat_view_finalize;
  widget_class->unroot = vigil_dora_threat_view_unroot;

  gtk_widget_class_install_action (widget_class, "threat.assess", NULL, assess_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "dora-threat");
}

static void
vigil_dora_threat_view_init (VigilDoraThreatView *self)
{
  self->cancellable = g_cancellable_new ();
  self->n_history = -1;
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  build (self);
}

/* Public API */

GtkWidget *
vigil_dora_threat_view_new (VigilWorkspace *workspace,
                            VigilIncident  *incident)
{
  VigilDoraThreatView *self;

  g_return_val_if_fail (VIGIL_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), NULL);

  self = g_object_new (VIGIL_TYPE_DORA_THREAT_VIEW, NULL);
  self->workspace = g_object_ref (workspace);
  self->incident = g_object_ref (incident);
  vigil_dora_threat_view_refresh (self);
  return GTK_WIDGET (self);
}

void
vigil_dora_threat_view_refresh (VigilDoraThreatView *self)
{
  JsonObject *threat;
  const char *at;
  gboolean editable;

  g_return_if_fail (VIGIL_IS_DORA_THREAT_VIEW (self));

  if (self->incident == NULL)
    return;

  threat = get_threat (self);
  at = threat ? json_object_get_string_member_with_default (threat, "assessed_at", NULL) : NULL;
  if (!self->dirty && (self->shown_at == NULL || g_strcmp0 (at ? at : "", self->shown_at) != 0))
    {
      sync_inputs (self, threat);
      g_free (self->shown_at);
      self->shown_at = g_strdup (at ? at : "");
    }

  editable = can_assess (self);
  gtk_widget_set_sensitive (self->could_affect, editable);
  gtk_widget_set_sensitive (self->high_probability, editable);
  for (guint bit = 0; bit < N_TRIGGERS; bit++)
    gtk_widget_set_sensitive (self->triggers[bit], editable);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    gtk_widget_set_sensitive (self->text_widgets[i], editable);
  gtk_widget_set_sensitive (self->status_combo, editable);
  gtk_widget_set_visible (self->assess_button, editable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "threat.assess",
                                 editable && self->n_applying == 0);

  show_result (self);
  if (self->history_revision != vigil_incident_get_revision (self->incident))
    load_history (self);
}

gboolean
vigil_dora_threat_view_get_busy (VigilDoraThreatView *self)
{
  g_return_val_if_fail (VIGIL_IS_DORA_THREAT_VIEW (self), FALSE);

  return self->n_applying > 0 || self->n_loading > 0;
}

int
vigil_dora_threat_view_get_n_history (VigilDoraThreatView *self)
{
  g_return_val_if_fail (VIGIL_IS_DORA_THREAT_VIEW (self), -1);

  return self->n_history;
}
