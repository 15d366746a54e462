/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-field-editor"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vigil-field-editor.h"

#define TIME_FORMAT "%Y-%m-%d %H:%M"

struct _VigilFieldEditor
{
  const VigilFieldInfo    *field;
  char                    *form_id;
  VigilFieldEditorChanged  changed;
  gpointer                 user_data;

  GtkWidget               *row;        /* what the list holds for the field */
  GtkWidget               *error_row;
  GtkLabel                *error_label;
  char                    *problem;

  GtkWidget               *entry;      /* AdwEntryRow: text, time, list, indicator */
  GtkTextBuffer           *buffer;     /* long text */
  GtkWidget               *text_view;
  GtkSwitch               *toggle;     /* yes/no */
  AdwComboRow             *combo;      /* choice, reference */
  GPtrArray               *combo_ids;  /* the id of each combo position; NULL: none */
  GPtrArray               *checks;     /* GtkCheckButton of each choice */
  GtkWidget               *sign_button;
  JsonNode                *shown;      /* read-only kinds: the value shown */
  gboolean                 signed_off;
  gboolean                 editable;
  gboolean                 updating;
};

/* Times */

GDateTime *
vigil_parse_local_time (const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  int year, month, day, hour, minute;
  char separator, extra;

  if (sscanf (stripped, "%4d-%2d-%2d%c%2d:%2d%c",
              &year, &month, &day, &separator, &hour, &minute, &extra) != 6)
    return NULL;
  if (separator != ' ' && separator != 'T')
    return NULL;

  /* Validates the ranges: 2026-02-30 gives NULL. */
  return g_date_time_new_local (year, month, day, hour, minute, 0);
}

char *
vigil_format_local_time (GDateTime *when)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (when);

  return g_date_time_format (local, TIME_FORMAT);
}

char *
vigil_format_iso_local (const char *iso)
{
  g_autoptr(GDateTime) when = iso ? vigil_time_from_iso (iso) : NULL;

  return when ? vigil_format_local_time (when) : g_strdup (iso ? iso : "");
}

static const char *
node_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonNode *
string_node (const char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  return node;
}

char *
vigil_field_format_value (const VigilFieldInfo *field,
                          JsonNode             *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup ("—");

  switch (field->kind)
    {
    case VIGIL_FIELD_TIME:
      return vigil_format_iso_local (node_string (value));

    case VIGIL_FIELD_BOOL:
      return g_strdup (JSON_NODE_HOLDS_VALUE (value) && json_node_get_boolean (value)
                       ? _("Yes") : _("No"));

    case VIGIL_FIELD_CHOICE:
      return g_strdup (vigil_process_get_choice_label (field->choices, node_string (value)));

    case VIGIL_FIELD_SIZE:
      {
        gint64 n = json_node_get_int (value);
        g_autofree char *size = g_format_size (n);
        g_autofree char *bytes = g_strdup_printf ("%" G_GINT64_FORMAT, n);
        gulong plural = n < 0 ? 0 : (gulong) n;

        /* The byte count is formatted apart: a format macro inside _()
         * cannot be translated. */
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (%s byte)", "%s (%s bytes)",
                                             plural), size, bytes);
      }

    case VIGIL_FIELD_CHOICES:
    case VIGIL_FIELD_LIST:
      if (JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *array = json_node_get_array (value);
          g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
          g_auto(GStrv) parts = NULL;

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              const char *text = json_array_get_string_element (array, i);

              g_strv_builder_add (builder, field->kind == VIGIL_FIELD_CHOICES
                                  ? vigil_process_get_choice_label (field->choices, text)
                                  : text);
            }
          parts = g_strv_builder_end (builder);
          return g_strjoinv (", ", parts);
        }
      break;

    case VIGIL_FIELD_SIGNATURE:
      if (JSON_NODE_HOLDS_OBJECT (value))
        {
          JsonObject *signature = json_node_get_object (value);
          g_autofree char *at = vigil_format_iso_local (
            json_object_get_string_member_with_default (signature, "at", NULL));

          /* Translators: who signed off and when, e.g. "ana, 2026-11-25 08:00" */
          return g_strdup_printf (_("%s, %s"),
                                  json_object_get_string_member_with_default (signature, "by",
                                                                              ""),
                                  at);
        }
      break;

    default:
      break;
    }

  if (node_string (value) != NULL)
    return g_strdup (node_string (value));
  return json_to_string (value, FALSE);
}

/* Callbacks */

static void
vigil_field_editor_emit_changed (VigilFieldEditor *self)
{
  if (!self->updating && self->changed != NULL)
    self->changed (self, self->user_data);
}

static void
on_entry_changed_cb (GtkEditable      *editable,
                     VigilFieldEditor *self)
{
  vigil_field_editor_emit_changed (self);
}

static void
on_buffer_changed_cb (GtkTextBuffer    *buffer,
                      VigilFieldEditor *self)
{
  vigil_field_editor_emit_changed (self);
}

static void
on_notify_cb (GObject          *object,
              GParamSpec       *pspec,
              VigilFieldEditor *self)
{
  vigil_field_editor_emit_changed (self);
}

static void
on_now_clicked_cb (GtkButton        *button,
                   VigilFieldEditor *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *text = vigil_format_local_time (now);

  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
}

static void
vigil_field_editor_update_signature (VigilFieldEditor *self)
{
  g_autofree char *text = NULL;

  if (self->signed_off)
    text = vigil_field_format_value (self->field, self->shown);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->row),
                               text ? text : _("Not signed off yet"));
  gtk_button_set_label (GTK_BUTTON (self->sign_button),
                        self->signed_off ? _("_Withdraw") : _("_Sign Off"));
}

static void
on_sign_clicked_cb (GtkButton        *button,
                    VigilFieldEditor *self)
{
  self->signed_off = !self->signed_off;
  if (!self->signed_off)
    g_clear_pointer (&self->shown, json_node_unref);
  vigil_field_editor_update_signature (self);
  vigil_field_editor_emit_changed (self);
}

/* Building */

static GtkWidget *
make_entry_row (VigilFieldEditor *self,
                const char       *title)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  g_signal_connect (row, "changed", G_CALLBACK (on_entry_changed_cb), self);
  self->entry = row;
  return row;
}

static void
fill_reference_combo (VigilFieldEditor *self,
                      VigilIncident    *incident)
{
  g_auto(GStrv) parts = g_strsplit (self->field->ref, ".", 2);
  JsonArray *items = incident ? vigil_incident_get_items (incident, parts[0], parts[1]) : NULL;
  GtkStringList *labels = gtk_string_list_new (NULL);

  gtk_string_list_append (labels, _("None"));
  g_ptr_array_add (self->combo_ids, NULL);
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *label = json_object_get_string_member_with_default (item, "name", NULL);

      if (label == NULL)
        label = json_object_get_string_member_with_default (item, "text", NULL);
      if (label == NULL)
        label = json_object_get_string_member_with_default (item, "id", "");
      gtk_string_list_append (labels, label);
      g_ptr_array_add (self->combo_ids,
                       g_strdup (json_object_get_string_member_with_default (item, "id", "")));
    }
  adw_combo_row_set_model (self->combo, G_LIST_MODEL (labels));
  g_object_unref (labels);
}

static void
fill_choice_combo (VigilFieldEditor *self)
{
  guint n_choices;
  const VigilChoice *choices = vigil_process_get_choices (self->field->choices, &n_choices);
  GtkStringList *labels = gtk_string_list_new (NULL);

  gtk_string_list_append (labels, _("Not set"));
  g_ptr_array_add (self->combo_ids, NULL);
  for (guint i = 0; i < n_choices; i++)
    {
      gtk_string_list_append (labels, vigil_choice_get_label (&choices[i]));
      g_ptr_array_add (self->combo_ids, g_strdup (choices[i].id));
    }
  adw_combo_row_set_model (self->combo, G_LIST_MODEL (labels));
  g_object_unref (labels);
}

VigilFieldEditor *
vigil_field_editor_new (const VigilFieldInfo    *field,
                        const char              *form_id,
                        GtkListBox              *list,
                        VigilIncident           *incident,
                        VigilFieldEditorChanged  changed,
                        gpointer                 user_data)
{
  VigilFieldEditor *self = g_new0 (VigilFieldEditor, 1);
  const char *label = vigil_field_get_label (field);

  self->field = field;
  self->form_id = g_strdup (form_id);
  self->changed = changed;
  self->user_data = user_data;
  self->editable = TRUE;

  switch (field->kind)
    {
    case VIGIL_FIELD_TEXT:
    case VIGIL_FIELD_INDICATOR:
      self->row = make_entry_row (self, label);
      break;

    case VIGIL_FIELD_LIST:
      {
        /* Translators: the title of a list field, e.g. "Affected assets (separated by commas)" */
        g_autofree char *title = g_strdup_printf (_("%s (separated by commas)"), label);

        self->row = make_entry_row (self, title);
      }
      break;

    case VIGIL_FIELD_TIME:
      {
        /* Translators: the title of a time field; keep YYYY-MM-DD HH:MM as it is */
        g_autofree char *title = g_strdup_printf (_("%s (YYYY-MM-DD HH:MM)"), label);
        GtkWidget *now = gtk_button_new_with_label (_("Now"));

        self->row = make_entry_row (self, title);
        gtk_widget_set_valign (now, GTK_ALIGN_CENTER);
        gtk_widget_add_css_class (now, "flat");
        gtk_widget_set_tooltip_text (now, _("Fill in the current date and time"));
        g_signal_connect (now, "clicked", G_CALLBACK (on_now_clicked_cb), self);
        adw_entry_row_add_suffix (ADW_ENTRY_ROW (self->row), now);
      }
      break;

    case VIGIL_FIELD_LONG_TEXT:
      {
        GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
        GtkWidget *title = gtk_label_new (label);
        GtkWidget *frame = gtk_frame_new (NULL);

        self->row = gtk_list_box_row_new ();
        gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->row), FALSE);
        gtk_widget_add_css_class (box, "long-text-field");
        gtk_label_set_xalign (GTK_LABEL (title), 0);
        gtk_widget_add_css_class (title, "field-title");
        self->text_view = gtk_text_view_new ();
        gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self->text_view), GTK_WRAP_WORD_CHAR);
        gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (self->text_view), FALSE);
        gtk_widget_set_size_request (self->text_view, -1, 84);
        gtk_widget_add_css_class (self->text_view, "field-text");
        gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
        self->buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
        g_signal_connect (self->buffer, "changed", G_CALLBACK (on_buffer_changed_cb), self);
        gtk_frame_set_child (GTK_FRAME (frame), self->text_view);
        gtk_box_append (GTK_BOX (box), title);
        gtk_box_append (GTK_BOX (box), frame);
        gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self->row), box);
      }
      break;

    case VIGIL_FIELD_BOOL:
      self->row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->row), label);
      self->toggle = GTK_SWITCH (gtk_switch_new ());
      gtk_widget_set_valign (GTK_WIDGET (self->toggle), GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (self->row), GTK_WIDGET (self->toggle));
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self->row),
                                             GTK_WIDGET (self->toggle));
      g_signal_connect (self->toggle, "notify::active", G_CALLBACK (on_notify_cb), self);
      break;

    case VIGIL_FIELD_CHOICE:
    case VIGIL_FIELD_REF:
      self->row = adw_combo_row_new ();
      self->combo = ADW_COMBO_ROW (self->row);
      self->combo_ids = g_ptr_array_new_with_free_func (g_free);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->row), label);
      if (field->kind == VIGIL_FIELD_CHOICE)
        fill_choice_combo (self);
      else
        fill_reference_combo (self, incident);
      g_signal_connect (self->row, "notify::selected", G_CALLBACK (on_notify_cb), self);
      break;

    case VIGIL_FIELD_CHOICES:
      {
        guint n_choices;
        const VigilChoice *choices = vigil_process_get_choices (field->choices, &n_choices);

        self->row = adw_expander_row_new ();
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->row), label);
        adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self->row), TRUE);
        self->checks = g_ptr_array_new ();
        for (guint i = 0; i < n_choices; i++)
          {
            GtkWidget *row = adw_action_row_new ();
            GtkWidget *check = gtk_check_button_new ();

            adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                           vigil_choice_get_label (&choices[i]));
            gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
            adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
            adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
            g_signal_connect (check, "notify::active", G_CALLBACK (on_notify_cb), self);
            g_ptr_array_add (self->checks, check);
            adw_expander_row_add_row (ADW_EXPANDER_ROW (self->row), row);
          }
      }
      break;

    case VIGIL_FIELD_SIZE:
    case VIGIL_FIELD_SHA256:
      self->row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->row), label);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->row), "—");
      gtk_widget_add_css_class (self->row, "property");
      if (field->kind == VIGIL_FIELD_SHA256)
        gtk_widget_add_css_class (self->row, "monospace-subtitle");
      break;

    case VIGIL_FIELD_SIGNATURE:
      self->row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->row), label);
      self->sign_button = gtk_button_new_with_mnemonic (_("_Sign Off"));
      gtk_widget_set_valign (self->sign_button, GTK_ALIGN_CENTER);
      g_signal_connect (self->sign_button, "clicked", G_CALLBACK (on_sign_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (self->row), self->sign_button);
      vigil_field_editor_update_signature (self);
      break;

    default:
      g_assert_not_reached ();
    }

  gtk_widget_set_name (self->row, field->id);
  gtk_list_box_append (list, self->row);

  /* The problem of the field shows in a row right under it. */
  self->error_row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->error_row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (self->error_row), FALSE);
  gtk_widget_set_focusable (self->error_row, FALSE);
  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->error_label, 0);
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "field-problem");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self->error_row),
                              GTK_WIDGET (self->error_label));
  gtk_widget_set_visible (self->error_row, FALSE);
  gtk_list_box_append (list, self->error_row);

  return self;
}

void
vigil_field_editor_free (VigilFieldEditor *self)
{
  if (self == NULL)
    return;

  /* The widgets belong to their list; only stop hearing from them. */
  if (self->entry != NULL)
    g_signal_handlers_disconnect_by_data (self->entry, self);
  if (self->buffer != NULL)
    g_signal_handlers_disconnect_by_data (self->buffer, self);
  if (self->toggle != NULL)
    g_signal_handlers_disconnect_by_data (self->toggle, self);
  if (self->combo != NULL)
    g_signal_handlers_disconnect_by_data (self->combo, self);
  if (self->sign_button != NULL)
    g_signal_handlers_disconnect_by_data (self->sign_button, self);
  for (guint i = 0; self->checks != NULL && i < self->checks->len; i++)
    g_signal_handlers_disconnect_by_data (self->checks->pdata[i], self);

  g_clear_pointer (&self->combo_ids, g_ptr_array_unref);
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  g_clear_pointer (&self->shown, json_node_unref);
  g_free (self->problem);
  g_free (self->form_id);
  g_free (self);
}

const VigilFieldInfo *
vigil_field_editor_get_field (VigilFieldEditor *self)
{
  return self->field;
}

const char *
vigil_field_editor_get_form_id (VigilFieldEditor *self)
{
  return self->form_id;
}

GtkWidget *
vigil_field_editor_get_widget (VigilFieldEditor *self)
{
  return self->row;
}

/* Values */

gboolean
vigil_field_editor_dup_value (VigilFieldEditor  *self,
                              JsonNode         **value,
                              char             **problem)
{
  *value = NULL;

  switch (self->field->kind)
    {
    case VIGIL_FIELD_TEXT:
    case VIGIL_FIELD_INDICATOR:
      {
        g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (
                                                        GTK_EDITABLE (self->entry))));

        if (*text != '\0')
          *value = string_node (text);
        return TRUE;
      }

    case VIGIL_FIELD_LONG_TEXT:
      {
        GtkTextIter start, end;
        g_autofree char *text = NULL;

        gtk_text_buffer_get_bounds (self->buffer, &start, &end);
        text = g_strstrip (gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE));
        if (*text != '\0')
          *value = string_node (text);
        return TRUE;
      }

    case VIGIL_FIELD_TIME:
      {
        const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
        g_autoptr(GDateTime) when = NULL;
        g_autofree char *iso = NULL;
        g_autofree char *stripped = g_strstrip (g_strdup (text));

        if (*stripped == '\0')
          return TRUE;
        when = vigil_parse_local_time (stripped);
        if (when == NULL)
          {
            g_autoptr(GDateTime) now = g_date_time_new_now_local ();
            g_autofree char *example = vigil_format_local_time (now);

            /* Translators: %s is an example such as 2026-11-25 08:00; keep YYYY-MM-DD HH:MM */
            *problem = g_strdup_printf (_("Enter the date and time as YYYY-MM-DD HH:MM, "
                                          "for example %s."), example);
            return FALSE;
          }
        iso = vigil_time_to_iso (when);
        *value = string_node (iso);
        return TRUE;
      }

    case VIGIL_FIELD_LIST:
      {
        g_auto(GStrv) parts = g_strsplit (gtk_editable_get_text (GTK_EDITABLE (self->entry)),
                                          ",", -1);
        g_autoptr(JsonArray) array = json_array_new ();

        for (guint i = 0; parts[i] != NULL; i++)
          {
            g_strstrip (parts[i]);
            if (*parts[i] != '\0')
              json_array_add_string_element (array, parts[i]);
          }
        if (json_array_get_length (array) > 0)
          *value = json_node_init_array (json_node_alloc (), array);
        return TRUE;
      }

    case VIGIL_FIELD_BOOL:
      *value = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (*value, gtk_switch_get_active (self->toggle));
      return TRUE;

    case VIGIL_FIELD_CHOICE:
    case VIGIL_FIELD_REF:
      {
        guint selected = adw_combo_row_get_selected (self->combo);

        if (selected < self->combo_ids->len && self->combo_ids->pdata[selected] != NULL)
          *value = string_node (self->combo_ids->pdata[selected]);
        return TRUE;
      }

    case VIGIL_FIELD_CHOICES:
      {
        guint n_choices;
        const VigilChoice *choices = vigil_process_get_choices (self->field->choices, &n_choices);
        g_autoptr(JsonArray) array = json_array_new ();

        for (guint i = 0; i < n_choices; i++)
          {
            if (gtk_check_button_get_active (self->checks->pdata[i]))
              json_array_add_string_element (array, choices[i].id);
          }
        if (json_array_get_length (array) > 0)
          *value = json_node_init_array (json_node_alloc (), array);
        return TRUE;
      }

    case VIGIL_FIELD_SIGNATURE:
      if (self->signed_off)
        {
          /* Signing sends "true"; the document keeps who and when. */
          if (self->shown != NULL)
            *value = json_node_copy (self->shown);
          else
            {
              *value = json_node_new (JSON_NODE_VALUE);
              json_node_set_boolean (*value, TRUE);
            }
        }
      return TRUE;

    case VIGIL_FIELD_SIZE:
    case VIGIL_FIELD_SHA256:
      if (self->shown != NULL)
        *value = json_node_copy (self->shown);
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

void
vigil_field_editor_set_value (VigilFieldEditor *self,
                              JsonNode         *value)
{
  if (value != NULL && JSON_NODE_HOLDS_NULL (value))
    value = NULL;

  self->updating = TRUE;

  switch (self->field->kind)
    {
    case VIGIL_FIELD_TEXT:
    case VIGIL_FIELD_INDICATOR:
      gtk_editable_set_text (GTK_EDITABLE (self->entry),
                             node_string (value) ? node_string (value) : "");
      break;

    case VIGIL_FIELD_LONG_TEXT:
      gtk_text_buffer_set_text (self->buffer, node_string (value) ? node_string (value) : "",
                                -1);
      break;

    case VIGIL_FIELD_TIME:
      {
        g_autofree char *text = node_string (value) ? vigil_format_iso_local (node_string (value))
                                                    : g_strdup ("");

        gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
      }
      break;

    case VIGIL_FIELD_LIST:
      {
        g_autofree char *text = value ? vigil_field_format_value (self->field, value)
                                      : g_strdup ("");

        gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
      }
      break;

    case VIGIL_FIELD_BOOL:
      gtk_switch_set_active (self->toggle, value != NULL && json_node_get_boolean (value));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->row),
                                   value == NULL ? _("Not answered yet") : NULL);
      break;

    case VIGIL_FIELD_CHOICE:
    case VIGIL_FIELD_REF:
      {
        guint selected = 0;

        for (guint i = 1; i < self->combo_ids->len; i++)
          {
            if (g_strcmp0 (self->combo_ids->pdata[i], node_string (value)) == 0)
              selected = i;
          }
        adw_combo_row_set_selected (self->combo, selected);
      }
      break;

    case VIGIL_FIELD_CHOICES:
      {
        guint n_choices;
        const VigilChoice *choices = vigil_process_get_choices (self->field->choices, &n_choices);
        JsonArray *array = value && JSON_NODE_HOLDS_ARRAY (value) ? json_node_get_array (value)
                                                                  : NULL;

        for (guint i = 0; i < n_choices; i++)
          {
            gboolean active = FALSE;

            for (guint k = 0; array != NULL && k < json_array_get_length (array); k++)
              active |= g_strcmp0 (json_array_get_string_element (array, k),
                                   choices[i].id) == 0;
            gtk_check_button_set_active (self->checks->pdata[i], active);
          }
      }
      break;

    case VIGIL_FIELD_SIZE:
    case VIGIL_FIELD_SHA256:
      {
        g_autofree char *text = vigil_field_format_value (self->field, value);

        g_clear_pointer (&self->shown, json_node_unref);
        self->shown = value ? json_node_copy (value) : NULL;
        adw_action_row_set_subtitle (ADW_ACTION_ROW (self->row), text);
      }
      break;

    case VIGIL_FIELD_SIGNATURE:
      g_clear_pointer (&self->shown, json_node_unref);
      self->shown = value && JSON_NODE_HOLDS_OBJECT (value) ? json_node_copy (value) : NULL;
      self->signed_off = value != NULL;
      vigil_field_editor_update_signature (self);
      break;

    default:
      g_assert_not_reached ();
    }

  self->updating = FALSE;
}

void
vigil_field_editor_sync_value (VigilFieldEditor *self,
                               JsonNode         *value)
{
  g_autoptr(JsonNode) shown = NULL;
  g_autofree char *problem = NULL;

  if (value != NULL && JSON_NODE_HOLDS_NULL (value))
    value = NULL;

  /* What the user typed and what was stored can differ in blanks only;
   * leave the text alone then, so that typing goes on undisturbed. */
  if (vigil_field_editor_dup_value (self, &shown, &problem))
    {
      if (shown == NULL && value == NULL)
        return;
      if (shown != NULL && value != NULL && json_node_equal (shown, value))
        return;
      if (self->field->kind == VIGIL_FIELD_SIGNATURE && shown != NULL && value != NULL)
        {
          /* A sign-off just sent as "true" is now the stored who and when. */
          vigil_field_editor_set_value (self, value);
          return;
        }
    }
  vigil_field_editor_set_value (self, value);
}

void
vigil_field_editor_set_problem (VigilFieldEditor *self,
                                const char       *problem)
{
  if (g_strcmp0 (self->problem, problem) == 0)
    return;

  g_free (self->problem);
  self->problem = g_strdup (problem);
  gtk_label_set_label (self->error_label, problem ? problem : "");
  gtk_widget_set_visible (self->error_row, problem != NULL);
  if (problem != NULL)
    gtk_widget_add_css_class (self->row, "error");
  else
    gtk_widget_remove_css_class (self->row, "error");
}

const char *
vigil_field_editor_get_problem (VigilFieldEditor *self)
{
  return self->problem;
}

void
vigil_field_editor_set_editable (VigilFieldEditor *self,
                                 gboolean          editable)
{
  self->editable = editable;

  switch (self->field->kind)
    {
    case VIGIL_FIELD_LONG_TEXT:
      gtk_text_view_set_editable (GTK_TEXT_VIEW (self->text_view), editable);
      gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (self->text_view), editable);
      if (editable)
        gtk_widget_remove_css_class (self->text_view, "read-only");
      else
        gtk_widget_add_css_class (self->text_view, "read-only");
      break;

    case VIGIL_FIELD_SIZE:
    case VIGIL_FIELD_SHA256:
      break;

    default:
      gtk_widget_set_sensitive (self->row, editable);
      break;
    }
}

JsonNode *
vigil_field_editor_check (VigilFieldEditor *self,
                          JsonObject       *item,
                          gboolean         *ok)
{
  g_autoptr(JsonNode) value = NULL;
  g_autofree char *problem = NULL;
  g_autoptr(GError) error = NULL;

  *ok = FALSE;
  if (!vigil_field_editor_dup_value (self, &value, &problem))
    {
      vigil_field_editor_set_problem (self, problem);
      return NULL;
    }

  /* A sign-off is stored as who and when but sent as "true". */
  if (self->field->kind == VIGIL_FIELD_SIGNATURE && value != NULL)
    {
      json_node_unref (value);
      value = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (value, TRUE);
    }

  if (!vigil_forms_check_value (self->field, value, item, &error))
    {
      g_autofree char *field = vigil_op_error_dup_field (error);
      const char *reason = vigil_op_error_get_reason (error);
      g_autofree char *text = g_strdup_printf ("%s.", reason);

      /* An indicator's problem may be about its type; still show it here. */
      text[0] = g_unichar_toupper (text[0]);
      vigil_field_editor_set_problem (self, text);
      return NULL;
    }

  vigil_field_editor_set_problem (self, NULL);
  *ok = TRUE;
  return g_steal_pointer (&value);
}
