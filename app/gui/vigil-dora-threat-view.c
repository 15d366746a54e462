/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-dora-threat-view"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-dora-threat-view.h"
#include "vigil-field-editor.h"
#include "vigil-section.h"

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

  VigilSection    section;

  GtkWidget      *could_affect;
  GtkWidget      *high_probability;
  GtkWidget      *triggers[N_TRIGGERS];
  GtkWidget      *text_widgets[G_N_ELEMENTS (texts)];
  GtkWidget      *status_combo;
  GtkWidget      *assess_button;
  GtkLabel       *verdict_label;
  GtkLabel       *when_label;
  GtkBox         *reasons_box;

  char           *shown_at;      /* assessed_at of the record the inputs show */
  gboolean        dirty;
  gboolean        syncing;
};

G_DEFINE_FINAL_TYPE (VigilDoraThreatView, vigil_dora_threat_view, GTK_TYPE_WIDGET)

static void
on_changed_cb (VigilDoraThreatView *self)
{
  if (!self->syncing)
    self->dirty = TRUE;
}

static JsonObject *
get_threat (VigilDoraThreatView *self)
{
  JsonObject *dora = vigil_incident_get_dora (self->section.incident);
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
  GtkWidget *group, *reasons_title, *heading;
  GtkBox *card;
  g_autoptr(GtkStringList) statuses = gtk_string_list_new (NULL);

  heading = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_box_append (GTK_BOX (self->section.box), heading);
  gtk_box_append (GTK_BOX (heading),
                  vigil_section_make_label (_("Significant cyber threat"), "title-4"));
  gtk_box_append (GTK_BOX (heading),
                  vigil_section_make_label (_("A threat that has not caused a major incident may "
                                              "still have to be recorded, and may be notified to "
                                              "the authority. Vigil applies Article 10 of "
                                              "Delegated Regulation 2024/1772 to your answers."),
                                            "dim-label"));

  list = vigil_section_add_group (&self->section, _("Assessment"), NULL);
  self->could_affect = add_switch (self, list, "threat.could_affect",
                                   _("It could affect critical or important functions, other "
                                     "financial entities, providers, clients or counterparts"),
                                   _("Ours, or those of others"));
  self->high_probability = add_switch (self, list, "threat.high_probability",
                                       _("It has a high probability of happening"),
                                       _("Think of exploitable vulnerabilities, the actor’s "
                                         "capability and intent, how persistent it is and past "
                                         "incidents"));

  list = vigil_section_add_group (&self->section,
                                 _("If it happened, which criteria would it meet?"),
                                 _("Critical services, clients and counterparts, or "
                                   "geographical spread make it significant; the others are "
                                   "recorded for the notification."));
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

  list = vigil_section_add_group (&self->section, _("For the notification"), NULL);
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
          gtk_box_append (GTK_BOX (box), vigil_section_make_label (_(texts[i].title), NULL));
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

  self->assess_button = gtk_button_new_with_mnemonic (_("_Assess Threat"));
  gtk_widget_set_name (self->assess_button, "threat-assess");
  gtk_widget_set_tooltip_text (self->assess_button,
                               _("Record this assessment and see whether the threat is "
                                 "significant"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->assess_button), "threat.assess");
  vigil_section_add_actions (&self->section, self->assess_button);

  card = vigil_section_add_card (&self->section, _("Latest assessment"), &group);
  self->verdict_label = GTK_LABEL (vigil_section_make_label (NULL, "title-3"));
  gtk_widget_set_name (GTK_WIDGET (self->verdict_label), "threat-verdict");
  self->when_label = GTK_LABEL (vigil_section_make_label (NULL, "dim-label"));
  reasons_title = vigil_section_make_label (_("Why"), "heading");
  self->reasons_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 4));
  gtk_box_append (card, GTK_WIDGET (self->verdict_label));
  gtk_box_append (card, GTK_WIDGET (self->when_label));
  gtk_box_append (card, reasons_title);
  gtk_box_append (card, GTK_WIDGET (self->reasons_box));

  vigil_section_add_history (&self->section, _("Earlier assessments"), "threat-history");
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
      g_autofree char *line = g_strdup_printf ("• %s",
                                               json_array_get_string_element (reasons, i));
      GtkWidget *label = vigil_section_make_label (line, "body");

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

  if (!vigil_section_apply_finish (&self->section, result, &error))
    return;
  if (error != NULL)
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
      vigil_section_show_error (&self->section, message);
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

  if (self->section.incident == NULL || self->section.workspace == NULL)
    {
      json_object_unref (payload);
      json_array_unref (would);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->section.form_error), FALSE);
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

  vigil_section_apply (&self->section, VIGIL_OP_DORA_THREAT_ASSESS, payload, "threat.assess",
                       on_assessed_cb);
}

/* History */

static void
on_history_ready_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(VigilDoraThreatView) self = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *status = NULL;
  guint n = 0;

  entries = vigil_section_history_begin (&self->section, result);
  if (entries == NULL)
    return;

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
      gtk_list_box_append (self->section.history_list, row);
      n++;
    }

  status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u assessment, newest first",
                                         "%u assessments, newest first", n), n);
  vigil_section_history_end (&self->section, n, status);
}

/* Whether the role may assess now; the core decides, on a copy. */
static gboolean
can_assess (VigilDoraThreatView *self)
{
  return vigil_section_may_apply (self->section.workspace, self->section.incident,
                                  VIGIL_OP_DORA_THREAT_ASSESS, json_object_new (), NULL);
}

/* Overrides */

/* Taken off the page for good (another step, the window closed): what is
 * still being read no longer keeps the workspace alive. */
static void
vigil_dora_threat_view_unroot (GtkWidget *widget)
{
  VigilDoraThreatView *self = VIGIL_DORA_THREAT_VIEW (widget);

  vigil_section_unroot (&self->section);

  GTK_WIDGET_CLASS (vigil_dora_threat_view_parent_class)->unroot (widget);
}

static void
vigil_dora_threat_view_dispose (GObject *object)
{
  VigilDoraThreatView *self = VIGIL_DORA_THREAT_VIEW (object);

  vigil_section_dispose (&self->section);

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
  vigil_section_init (&self->section, GTK_WIDGET (self));
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
  vigil_section_set_incident (&self->section, workspace, incident);
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

  if (self->section.incident == NULL)
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
                                 editable && self->section.n_applying == 0);

  show_result (self);
  vigil_section_load_history (&self->section, on_history_ready_cb);
}

gboolean
vigil_dora_threat_view_get_busy (VigilDoraThreatView *self)
{
  g_return_val_if_fail (VIGIL_IS_DORA_THREAT_VIEW (self), FALSE);

  return vigil_section_get_busy (&self->section);
}

int
vigil_dora_threat_view_get_n_history (VigilDoraThreatView *self)
{
  g_return_val_if_fail (VIGIL_IS_DORA_THREAT_VIEW (self), -1);

  return self->section.n_history;
}
