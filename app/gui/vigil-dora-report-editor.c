/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-dora-report-editor"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vigil-dora-report-editor.h"
#include "vigil-notification-composer.h"

/* Typing pauses this long before a draft is saved. */
#define SAVE_DELAY_MS 600
/* The countdown is refreshed this often. */
#define TICK_SECONDS 30

typedef struct _FormPage FormPage;

typedef struct {
  FormPage                 *page;
  const VigilDoraFieldInfo *field;
  GtkWidget                *row;
  GtkWidget                *rule_label;
  GtkWidget                *source_label;
  GtkWidget                *problem_label;
  GtkWidget                *editor;   /* entry, text view, drop-down or grid of checks */
  GPtrArray                *checks;   /* CN: one check button per choice */
} FieldRow;

struct _FormPage {
  VigilDoraReportEditor *editor;
  VigilDoraReportForm    form;
  GtkWidget             *scrolled;
  GtkWidget             *blocked_label;
  AdwActionRow          *deadline_row;
  AdwActionRow          *complete_row;
  AdwActionRow          *version_row;
  GtkWidget             *clients_group;
  AdwActionRow          *clients_row;
  GtkWidget             *clients_button;
  GtkWidget             *versions_group;
  GtkWidget             *versions_list;
  GPtrArray             *rows;         /* FieldRow */
  JsonObject            *pending;      /* typed, not sent yet */
};

struct _VigilDoraReportEditor
{
  AdwWindow       parent_instance;

  VigilWorkspace *workspace;
  VigilIncident  *incident;
  GCancellable   *cancellable;
  FormPage       *pages[VIGIL_DORA_N_FORMS];
  gboolean        read_only;
  gboolean        filling;      /* values set by the editor, not typed */
  guint           save_source;
  guint           tick_source;
  guint           n_applying;

  AdwToastOverlay *toasts;
  AdwViewStack    *stack;
  GtkWidget       *record_button;
  GtkWidget       *export_button;
  AdwViewSwitcherTitle *switcher_title;
  GtkLabel        *reference_label;
  GtkLabel        *incident_title_label;
};

G_DEFINE_FINAL_TYPE (VigilDoraReportEditor, vigil_dora_report_editor, ADW_TYPE_WINDOW)

static void vigil_dora_report_editor_refresh (VigilDoraReportEditor *self);
static void vigil_dora_report_editor_flush   (VigilDoraReportEditor *self);

/* Short texts get one line, everything else of type A a text area. */
static const char * const short_text_fields[] = {
  "1.2", "1.3", "1.5", "1.7", "1.8", "1.9", "1.10", "1.11", "1.12", "1.13", "2.1", "3.1",
  "3.24", "3.26", "3.32", "4.4", "1", "2", "4", "6", "7", "8", "9", "10", "11", NULL
};

static const char *
page_name (VigilDoraReportForm form)
{
  return vigil_dora_form_to_string (form);
}

static const char *
page_title (VigilDoraReportForm form)
{
  switch (form)
    {
    case VIGIL_DORA_FORM_INITIAL:
      return _("Initial");
    case VIGIL_DORA_FORM_INTERMEDIATE:
      return _("Intermediate");
    case VIGIL_DORA_FORM_FINAL:
      return _("Final");
    case VIGIL_DORA_FORM_RECLASSIFIED:
      return _("Reclassification");
    case VIGIL_DORA_FORM_THREAT:
    case VIGIL_DORA_N_FORMS:
    default:
      return _("Cyber Threat");
    }
}

static void
show_toast (VigilDoraReportEditor *self,
            const char            *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

static char *
format_utc (GDateTime *when)
{
  /* Translators: a time in UTC, strftime format */
  return g_date_time_format (when, _("%Y-%m-%d %H:%M UTC"));
}

/* Reading and showing values */

static gboolean
is_long_text (const VigilDoraFieldInfo *field)
{
  return field->type == VIGIL_DORA_FIELD_A &&
         !g_strv_contains (short_text_fields, field->no);
}

static gboolean
uses_entry (const VigilDoraFieldInfo *field)
{
  switch (field->type)
    {
    case VIGIL_DORA_FIELD_A:
      return !is_long_text (field);
    case VIGIL_DORA_FIELD_LEI:
    case VIGIL_DORA_FIELD_DT:
    case VIGIL_DORA_FIELD_DUR:
    case VIGIL_DORA_FIELD_PCT:
    case VIGIL_DORA_FIELD_MON:
    case VIGIL_DORA_FIELD_INT:
      return TRUE;
    case VIGIL_DORA_FIELD_C1:
      return field->choices == NULL;   /* the currency code */
    case VIGIL_DORA_FIELD_BOOL:
    case VIGIL_DORA_FIELD_CN:
    default:
      return FALSE;
    }
}

static char *
dup_text_view_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* The value the row's editor holds, or %NULL with @problem set when what
 * was typed cannot be a value of the field (a JSON null clears). */
static JsonNode *
read_row (FieldRow  *row,
          char     **problem)
{
  const VigilDoraFieldInfo *field = row->field;
  JsonNode *node = NULL;
  g_autofree char *text = NULL;

  *problem = NULL;
  if (g_str_equal (field->no, "1.1"))
    return NULL;

  if (uses_entry (field))
    {
      text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row->editor))));
      if (*text == '\0')
        return json_node_new (JSON_NODE_NULL);
      node = json_node_new (JSON_NODE_VALUE);
      if (field->type == VIGIL_DORA_FIELD_INT)
        {
          gint64 number;

          if (!g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &number, NULL))
            {
              *problem = g_strdup (_("Enter a whole number of 0 or more, without separators."));
              json_node_unref (node);
              return NULL;
            }
          json_node_set_int (node, number);
        }
      else if (field->type == VIGIL_DORA_FIELD_MON)
        {
          char *end = NULL;
          double amount = g_ascii_strtod (text, &end);

          if (end == NULL || *end != '\0' || !isfinite (amount))
            {
              *problem = g_strdup (_("Enter an amount like 2500.50, without separators."));
              json_node_unref (node);
              return NULL;
            }
          json_node_set_double (node, amount);
        }
      else
        json_node_set_string (node, text);
    }
  else if (GTK_IS_TEXT_VIEW (row->editor))
    {
      text = dup_text_view_text (GTK_TEXT_VIEW (row->editor));
      if (strspn (text, " \t\r\n") == strlen (text))
        return json_node_new (JSON_NODE_NULL);
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (node, text);
    }
  else if (GTK_IS_DROP_DOWN (row->editor))
    {
      guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (row->editor));

      if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
        return json_node_new (JSON_NODE_NULL);
      node = json_node_new (JSON_NODE_VALUE);
      if (field->type == VIGIL_DORA_FIELD_BOOL)
        json_node_set_boolean (node, selected == 1);
      else
        json_node_set_string (node, field->choices[selected - 1].code);
    }
  else
    {
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < row->checks->len; i++)
        if (gtk_check_button_get_active (row->checks->pdata[i]))
          json_array_add_string_element (array, field->choices[i].code);
      if (json_array_get_length (array) == 0)
        {
          json_array_unref (array);
          return json_node_new (JSON_NODE_NULL);
        }
      node = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (node, array);
    }

  {
    g_autoptr(GError) error = NULL;

    if (!vigil_dora_field_check_value (field, node, &error))
      {
        /* Translators: %s says what is wrong, e.g. "must be yes or no" */
        *problem = g_strdup_printf (_("This value %s."), error->message);
        json_node_unref (node);
        return NULL;
      }
  }
  return node;
}

static gboolean
row_has_focus (FieldRow *row)
{
  GtkRoot *root = gtk_widget_get_root (row->editor);
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == row->editor || gtk_widget_is_ancestor (focus, row->editor));
}

static void
show_value (FieldRow *row,
            JsonNode *value)
{
  const VigilDoraFieldInfo *field = row->field;

  if (GTK_IS_LABEL (row->editor))
    {
      g_autofree char *text = vigil_dora_report_format_value (field, value);

      gtk_label_set_label (GTK_LABEL (row->editor), text);
    }
  else if (uses_entry (field))
    {
      g_autofree char *text = NULL;

      if (value == NULL)
        text = g_strdup ("");
      else if (field->type == VIGIL_DORA_FIELD_INT)
        text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
      else if (field->type == VIGIL_DORA_FIELD_MON)
        {
          char buffer[G_ASCII_DTOSTR_BUF_SIZE];

          text = g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.2f",
                                            json_node_get_double (value)));
        }
      else
        text = g_strdup (json_node_get_string (value));
      if (!g_str_equal (text, gtk_editable_get_text (GTK_EDITABLE (row->editor))))
        gtk_editable_set_text (GTK_EDITABLE (row->editor), text);
    }
  else if (GTK_IS_TEXT_VIEW (row->editor))
    {
      g_autofree char *now = dup_text_view_text (GTK_TEXT_VIEW (row->editor));
      const char *text = value ? json_node_get_string (value) : "";

      if (!g_str_equal (now, text))
        gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (row->editor)), text, -1);
    }
  else if (GTK_IS_DROP_DOWN (row->editor))
    {
      guint selected = 0;

      if (value != NULL && field->type == VIGIL_DORA_FIELD_BOOL)
        selected = json_node_get_boolean (value) ? 1 : 2;
      else if (value != NULL)
        for (guint i = 0; field->choices[i].code != NULL; i++)
          if (g_str_equal (field->choices[i].code, json_node_get_string (value)))
            selected = i + 1;
      if (gtk_drop_down_get_selected (GTK_DROP_DOWN (row->editor)) != selected)
        gtk_drop_down_set_selected (GTK_DROP_DOWN (row->editor), selected);
    }
  else
    {
      JsonArray *array = value ? json_node_get_array (value) : NULL;

      for (guint i = 0; i < row->checks->len; i++)
        {
          gboolean active = FALSE;

          for (guint j = 0; array != NULL && j < json_array_get_length (array); j++)
            if (g_str_equal (json_array_get_string_element (array, j), field->choices[i].code))
              active = TRUE;
          if (gtk_check_button_get_active (row->checks->pdata[i]) != active)
            gtk_check_button_set_active (row->checks->pdata[i], active);
        }
    }
}

/* Saving */

static gboolean
on_save_timeout_cb (gpointer user_data)
{
  VigilDoraReportEditor *self = user_data;

  self->save_source = 0;
  vigil_dora_report_editor_flush (self);
  return G_SOURCE_REMOVE;
}

static void
on_row_changed (FieldRow *row)
{
  VigilDoraReportEditor *self = row->page->editor;
  g_autofree char *problem = NULL;
  JsonNode *value;

  if (self->filling || self->read_only)
    return;

  value = read_row (row, &problem);
  gtk_label_set_label (GTK_LABEL (row->problem_label), problem ? problem : "");
  gtk_widget_set_visible (row->problem_label, problem != NULL);
  if (value == NULL)
    return;

  json_object_set_member (row->page->pending, row->field->no, value);
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (SAVE_DELAY_MS, on_save_timeout_cb, self);
}

static void
on_editable_changed_cb (GtkEditable *editable,
                        gpointer     user_data)
{
  on_row_changed (user_data);
}

static void
on_buffer_changed_cb (GtkTextBuffer *buffer,
                      gpointer       user_data)
{
  on_row_changed (user_data);
}

static void
on_selected_cb (GObject    *object,
                GParamSpec *pspec,
                gpointer    user_data)
{
  on_row_changed (user_data);
}

static void
on_check_toggled_cb (GtkCheckButton *button,
                     gpointer        user_data)
{
  on_row_changed (user_data);
}

typedef struct {
  VigilDoraReportEditor *editor;
  JsonObject            *fields;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_object_unref (data->editor);
  json_object_unref (data->fields);
  g_free (data);
}

static void
on_draft_applied_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  SaveData *data = user_data;
  VigilDoraReportEditor *self = data->editor;
  g_autoptr(GError) error = NULL;

  self->n_applying--;
  if (vigil_workspace_apply_finish (VIGIL_WORKSPACE (object), result, &error) == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The draft was not saved: %s"),
                                                  error->message);

      show_toast (self, message);
    }
  save_data_free (data);
  vigil_dora_report_editor_refresh (self);
  /* What was typed meanwhile goes next. */
  vigil_dora_report_editor_flush (self);
}

/* Sends what waits, one operation at a time so they arrive in order. */
static void
vigil_dora_report_editor_flush (VigilDoraReportEditor *self)
{
  if (self->n_applying > 0 || self->workspace == NULL)
    return;

  for (guint f = 0; f < VIGIL_DORA_N_FORMS; f++)
    {
      FormPage *page = self->pages[f];
      g_autoptr(VigilOp) op = NULL;
      JsonObject *payload;
      SaveData *data;

      if (json_object_get_size (page->pending) == 0)
        continue;

      payload = json_object_new ();
      json_object_set_string_member (payload, "report", vigil_dora_form_to_string (f));
      json_object_set_object_member (payload, "fields", json_object_ref (page->pending));
      op = vigil_op_new (VIGIL_OP_DORA_REPORT_DRAFT, vigil_incident_get_id (self->incident),
                         vigil_workspace_get_actor (self->workspace),
                         vigil_incident_get_revision (self->incident), payload);
      data = g_new0 (SaveData, 1);
      data->editor = g_object_ref (self);
      data->fields = g_steal_pointer (&page->pending);
      page->pending = json_object_new ();
      self->n_applying++;
      /* Not the window's cancellable: what was typed is saved even when
       * the window closes meanwhile. */
      vigil_workspace_apply_async (self->workspace, op, NULL, on_draft_applied_cb, data);
      return;
    }
}

/* Building the pages */

static GtkWidget *
new_label (const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
build_editor (FieldRow *row)
{
  const VigilDoraFieldInfo *field = row->field;
  g_autofree char *name = g_strdup_printf ("field-%s", field->no);
  GtkWidget *editor;

  if (g_str_equal (field->no, "1.1"))
    editor = new_label ("", NULL);
  else if (uses_entry (field))
    {
      const char *hint = NULL;

      editor = gtk_entry_new ();
      switch (field->type)
        {
        case VIGIL_DORA_FIELD_DT:
          hint = _("UTC, like 2025-03-01T13:05:00");
          break;
        case VIGIL_DORA_FIELD_DUR:
          hint = _("Days, hours, minutes, like 01:02:30");
          break;
        case VIGIL_DORA_FIELD_PCT:
          hint = _("Percent with one decimal, like 12.5");
          break;
        case VIGIL_DORA_FIELD_LEI:
          hint = _("20 characters, like 529900T8BM49AURSDO55");
          break;
        case VIGIL_DORA_FIELD_MON:
          hint = _("Amount in the reporting currency");
          break;
        case VIGIL_DORA_FIELD_C1:
          hint = _("ISO 4217 code, like EUR");
          break;
        default:
          break;
        }
      if (hint != NULL)
        gtk_entry_set_placeholder_text (GTK_ENTRY (editor), hint);
      g_signal_connect (editor, "changed", G_CALLBACK (on_editable_changed_cb), row);
    }
  else if (is_long_text (field))
    {
      GtkWidget *frame = gtk_frame_new (NULL);

      editor = gtk_text_view_new ();
      gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (editor), GTK_WRAP_WORD_CHAR);
      gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (editor), FALSE);
      gtk_text_view_set_top_margin (GTK_TEXT_VIEW (editor), 6);
      gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (editor), 6);
      gtk_text_view_set_left_margin (GTK_TEXT_VIEW (editor), 8);
      gtk_text_view_set_right_margin (GTK_TEXT_VIEW (editor), 8);
      gtk_widget_set_size_request (editor, -1, 72);
      gtk_frame_set_child (GTK_FRAME (frame), editor);
      g_signal_connect (gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor)), "changed",
                        G_CALLBACK (on_buffer_changed_cb), row);
      gtk_widget_set_name (editor, name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (editor), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      vigil_dora_field_get_label (field), -1);
      row->editor = editor;
      return frame;
    }
  else if (field->type == VIGIL_DORA_FIELD_BOOL || field->type == VIGIL_DORA_FIELD_C1)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) labels = NULL;

      g_strv_builder_add (builder, _("Not answered"));
      if (field->type == VIGIL_DORA_FIELD_BOOL)
        {
          g_strv_builder_add (builder, _("Yes"));
          g_strv_builder_add (builder, _("No"));
        }
      else
        for (guint i = 0; field->choices[i].code != NULL; i++)
          g_strv_builder_add (builder, vigil_dora_choice_get_label (&field->choices[i]));
      labels = g_strv_builder_end (builder);
      editor = gtk_drop_down_new_from_strings ((const char * const *) labels);
      gtk_widget_set_halign (editor, GTK_ALIGN_START);
      g_signal_connect (editor, "notify::selected", G_CALLBACK (on_selected_cb), row);
    }
  else
    {
      gboolean states = field->choices != NULL && field->choices[0].code == field->choices[0].label;

      guint columns = states ? 8 : 2;

      /* A grid, so that a long choice makes only its own row taller. */
      editor = gtk_grid_new ();
      gtk_grid_set_column_homogeneous (GTK_GRID (editor), TRUE);
      gtk_grid_set_column_spacing (GTK_GRID (editor), 12);
      gtk_grid_set_row_spacing (GTK_GRID (editor), 2);
      row->checks = g_ptr_array_new ();
      for (guint i = 0; field->choices[i].code != NULL; i++)
        {
          GtkWidget *check = gtk_check_button_new_with_label (
            vigil_dora_choice_get_label (&field->choices[i]));
          GtkWidget *label = gtk_widget_get_last_child (check);

          if (GTK_IS_LABEL (label))
            {
              gtk_label_set_wrap (GTK_LABEL (label), TRUE);
              gtk_label_set_xalign (GTK_LABEL (label), 0);
            }
          gtk_widget_set_name (check, field->choices[i].code);
          g_signal_connect (check, "toggled", G_CALLBACK (on_check_toggled_cb), row);
          gtk_grid_attach (GTK_GRID (editor), check, i % columns, i / columns, 1, 1);
          g_ptr_array_add (row->checks, check);
        }
    }

  gtk_widget_set_name (editor, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (editor), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  vigil_dora_field_get_label (field), -1);
  row->editor = editor;
  return editor;
}

static void
field_row_free (FieldRow *row)
{
  g_clear_pointer (&row->checks, g_ptr_array_unref);
  g_free (row);
}

static FieldRow *
build_field_row (FormPage                 *page,
                 const VigilDoraFieldInfo *field)
{
  FieldRow *row = g_new0 (FieldRow, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *number = new_label (field->no, "dim-label");
  GtkWidget *title = new_label (vigil_dora_field_get_label (field), NULL);
  GtkWidget *notes = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  g_autofree char *row_name = g_strdup_printf ("row-%s", field->no);

  row->page = page;
  row->field = field;

  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_add_css_class (number, "numeric");
  gtk_widget_set_size_request (number, 36, -1);
  gtk_widget_set_valign (number, GTK_ALIGN_START);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (header), number);
  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (box), header);

  row->rule_label = new_label ("", "caption");
  row->source_label = new_label ("", "caption");
  gtk_widget_add_css_class (row->source_label, "accent");
  gtk_widget_set_hexpand (row->rule_label, TRUE);
  gtk_widget_set_margin_start (notes, 44);
  gtk_box_append (GTK_BOX (notes), row->rule_label);
  gtk_box_append (GTK_BOX (notes), row->source_label);
  gtk_box_append (GTK_BOX (box), notes);

  {
    GtkWidget *editor = build_editor (row);

    gtk_widget_set_margin_start (editor, 44);
    gtk_box_append (GTK_BOX (box), editor);
  }

  row->problem_label = new_label ("", "error");
  gtk_widget_set_margin_start (row->problem_label, 44);
  gtk_widget_set_visible (row->problem_label, FALSE);
  gtk_box_append (GTK_BOX (box), row->problem_label);

  row->row = gtk_list_box_row_new ();
  gtk_widget_set_name (row->row, row_name);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row->row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row->row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row->row), box);
  return row;
}

static void
on_clients_clicked_cb (GtkButton *button,
                       gpointer   user_data)
{
  VigilDoraReportEditor *self = user_data;
  GtkWidget *composer;

  composer = vigil_notification_composer_new (GTK_WINDOW (self), self->workspace,
                                              self->incident, NULL, TRUE);
  vigil_notification_composer_select_template (VIGIL_NOTIFICATION_COMPOSER (composer),
                                               "clients_major");
  gtk_window_present (GTK_WINDOW (composer));
}

static GtkWidget *
new_group (const char *title,
           const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  return group;
}

static FormPage *
build_page (VigilDoraReportEditor *self,
            VigilDoraReportForm    form)
{
  FormPage *page = g_new0 (FormPage, 1);
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  GtkWidget *status = new_group (vigil_dora_form_get_title (form), NULL);
  GtkWidget *list = NULL;
  guint n_fields;
  const VigilDoraFieldInfo *fields = vigil_dora_report_fields (&n_fields);

  page->editor = self;
  page->form = form;
  page->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) field_row_free);
  page->pending = json_object_new ();

  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 760);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);

  page->blocked_label = new_label ("", "warning");
  gtk_widget_set_name (page->blocked_label, "blocked");
  gtk_widget_set_visible (page->blocked_label, FALSE);
  gtk_box_append (GTK_BOX (box), page->blocked_label);

  page->deadline_row = ADW_ACTION_ROW (adw_action_row_new ());
  gtk_widget_set_name (GTK_WIDGET (page->deadline_row), "deadline");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (page->deadline_row), _("Deadline"));
  page->complete_row = ADW_ACTION_ROW (adw_action_row_new ());
  gtk_widget_set_name (GTK_WIDGET (page->complete_row), "completeness");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (page->complete_row),
                                 _("Mandatory fields"));
  page->version_row = ADW_ACTION_ROW (adw_action_row_new ());
  gtk_widget_set_name (GTK_WIDGET (page->version_row), "version");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (page->version_row), _("Next submission"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (status), GTK_WIDGET (page->deadline_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (status), GTK_WIDGET (page->complete_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (status), GTK_WIDGET (page->version_row));
  gtk_box_append (GTK_BOX (box), status);

  if (form == VIGIL_DORA_FORM_INTERMEDIATE || form == VIGIL_DORA_FORM_FINAL)
    {
      page->clients_group = new_group (_("Clients"), NULL);
      page->clients_row = ADW_ACTION_ROW (adw_action_row_new ());
      gtk_widget_set_name (GTK_WIDGET (page->clients_row), "clients");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (page->clients_row),
                                     _("Clients’ financial interests are affected"));
      page->clients_button = gtk_button_new_with_mnemonic (_("_Draft Client Notification…"));
      gtk_widget_set_name (page->clients_button, "draft-client-notification");
      gtk_widget_set_valign (page->clients_button, GTK_ALIGN_CENTER);
      g_signal_connect (page->clients_button, "clicked", G_CALLBACK (on_clients_clicked_cb),
                        self);
      adw_action_row_add_suffix (page->clients_row, page->clients_button);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (page->clients_group),
                                 GTK_WIDGET (page->clients_row));
      gtk_widget_set_visible (page->clients_group, FALSE);
      gtk_box_append (GTK_BOX (box), page->clients_group);
    }

  for (guint i = 0; i < n_fields; i++)
    {
      const char *section;
      FieldRow *row;

      if (!vigil_dora_field_in_form (&fields[i], form))
        continue;
      section = vigil_dora_field_get_section (&fields[i], FALSE);
      if (section != NULL || list == NULL)
        {
          GtkWidget *group = new_group (section ? section : vigil_dora_form_get_title (form),
                                        NULL);

          list = gtk_list_box_new ();
          gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
          gtk_widget_add_css_class (list, "boxed-list");
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), list);
          gtk_box_append (GTK_BOX (box), group);
        }
      row = build_field_row (page, &fields[i]);
      gtk_list_box_append (GTK_LIST_BOX (list), row->row);
      g_ptr_array_add (page->rows, row);
    }

  page->versions_group = new_group (_("Submitted versions"),
                                    _("Every submission of this report, as recorded"));
  page->versions_list = gtk_list_box_new ();
  gtk_widget_set_name (page->versions_list, "versions");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (page->versions_list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (page->versions_list, "boxed-list");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (page->versions_group), page->versions_list);
  gtk_box_append (GTK_BOX (box), page->versions_group);

  page->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (page->scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (page->scrolled), clamp);
  return page;
}

static void
form_page_free (FormPage *page)
{
  g_ptr_array_unref (page->rows);
  json_object_unref (page->pending);
  g_free (page);
}

/* Refreshing from the incident */

static JsonArray *
get_reports (VigilDoraReportEditor *self)
{
  JsonObject *dora = vigil_incident_get_dora (self->incident);
  JsonNode *node = dora ? json_object_get_member (dora, "reports") : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static void
refresh_deadline (FormPage *page)
{
  VigilDoraReportEditor *self = page->editor;
  AdwActionRow *row = page->deadline_row;
  g_autoptr(GPtrArray) deadlines = NULL;
  VigilDoraDeadline *deadline = NULL;
  GtkWidget *widget = GTK_WIDGET (row);

  gtk_widget_remove_css_class (widget, "error");
  gtk_widget_remove_css_class (widget, "warning");

  if (page->form == VIGIL_DORA_FORM_RECLASSIFIED)
    {
      adw_action_row_set_subtitle (row, _("No fixed limit: tell the authority once the incident "
                                          "is found not to meet the criteria"));
      return;
    }
  if (page->form == VIGIL_DORA_FORM_THREAT)
    {
      adw_action_row_set_subtitle (row, _("Voluntary notification, no deadline"));
      return;
    }

  deadlines = vigil_incident_compute_dora_deadlines (self->incident, NULL, NULL);
  for (guint i = 0; i < deadlines->len; i++)
    {
      VigilDoraDeadline *item = g_ptr_array_index (deadlines, i);

      if ((int) item->kind == (int) page->form)
        deadline = item;
    }

  if (deadline == NULL)
    {
      JsonArray *reports = get_reports (self);
      gboolean submitted = FALSE;

      for (guint i = 0; reports != NULL && i < json_array_get_length (reports); i++)
        if (g_strcmp0 (json_object_get_string_member_with_default (
                         json_array_get_object_element (reports, i), "report", NULL),
                       vigil_dora_form_to_string (page->form)) == 0)
          submitted = TRUE;
      adw_action_row_set_subtitle (row, submitted
                                   ? _("Submitted; this report’s deadline no longer runs")
                                   : _("No deadline runs for this report yet"));
      return;
    }

  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *due = format_utc (deadline->relieved_due);
    g_autofree char *legal = format_utc (deadline->legal_due);
    g_autofree char *left = NULL;
    g_autofree char *text = NULL;
    GTimeSpan span;
    VigilDoraDueLevel level = vigil_dora_due_status (deadline->relieved_due, now, &span);

    left = vigil_dora_format_time_left (span);
    if (level == VIGIL_DORA_DUE_OVERDUE)
      /* Translators: a limit, then e.g. "overdue by 20 min" */
      text = g_strdup_printf (_("Due %s, %s"), due, left);
    else
      /* Translators: a limit, then the time left, e.g. "3 h 5 min" */
      text = g_strdup_printf (_("Due %s, %s left"), due, left);
    if (!g_date_time_equal (deadline->legal_due, deadline->relieved_due))
      {
        /* Translators: the text before, then the legal limit */
        g_autofree char *relief = g_strdup_printf (_("%s (legal limit %s; the weekend relief "
                                                     "allows the later time)"), text, legal);

        g_free (text);
        text = g_steal_pointer (&relief);
      }
    if (deadline->pending)
      {
        g_autofree char *pending = g_strdup_printf (_("%s, if the incident is classified as "
                                                      "major within 24 hours of awareness"),
                                                    text);

        g_free (text);
        text = g_steal_pointer (&pending);
      }
    adw_action_row_set_subtitle (row, text);
    if (level == VIGIL_DORA_DUE_OVERDUE)
      gtk_widget_add_css_class (widget, "error");
    else if (level == VIGIL_DORA_DUE_URGENT)
      gtk_widget_add_css_class (widget, "warning");
  }
}

static void
refresh_clients (FormPage        *page,
                 VigilDoraReport *report)
{
  VigilDoraReportEditor *self = page->editor;
  JsonNode *value = vigil_dora_report_get_value (report, "3.30");
  JsonObject *dora = vigil_incident_get_dora (self->incident);
  const char *since = dora ? json_object_get_string_member_with_default (
                               dora, "client_impact_since", NULL) : NULL;
  g_autoptr(GDateTime) since_time = since ? vigil_time_from_iso (since) : NULL;
  gboolean affected = value != NULL &&
                      g_strcmp0 (json_node_get_string (value), "yes") == 0;
  gboolean composer_open = vigil_incident_get_approval_state (self->incident) ==
                           VIGIL_APPROVAL_APPROVED &&
                           vigil_incident_get_step (self->incident) >= VIGIL_STEP_COORDINATE &&
                           !self->read_only;
  g_autoptr(GString) text = g_string_new (_("Tell the affected clients without undue delay "
                                            "what happened and what was done to limit the "
                                            "harm (DORA Art. 19(3))."));

  if (page->clients_group == NULL)
    return;
  gtk_widget_set_visible (page->clients_group, affected);
  if (!affected)
    return;

  if (since_time != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      GTimeSpan span = g_date_time_difference (now, since_time);
      g_autofree char *elapsed = vigil_dora_format_time_left (MAX (span, 0));

      g_string_append_c (text, ' ');
      if (span < G_TIME_SPAN_MINUTE)
        g_string_append (text, _("Marked just now."));
      else
        /* Translators: %s is a span, e.g. "2 h 5 min" */
        g_string_append_printf (text, _("Marked %s ago."), elapsed);
    }
  if (!composer_open)
    {
      g_string_append_c (text, ' ');
      g_string_append (text, _("Draft it in step 10, “Notify stakeholders”, with the template "
                               "“Clients: major incident (DORA)” once the lead has approved "
                               "the analysis."));
    }
  adw_action_row_set_subtitle (page->clients_row, text->str);
  gtk_widget_set_visible (page->clients_button, composer_open);
}

static void
refresh_versions (FormPage *page)
{
  VigilDoraReportEditor *self = page->editor;
  JsonArray *reports = get_reports (self);
  GtkWidget *child;
  guint n = 0;

  while ((child = gtk_widget_get_first_child (page->versions_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (page->versions_list), child);

  for (guint i = 0; reports != NULL && i < json_array_get_length (reports); i++)
    {
      JsonObject *item = json_array_get_object_element (reports, i);
      const char *kind = json_object_get_string_member_with_default (item, "report", "");
      const char *reference = json_object_get_string_member_with_default (item, "reference",
                                                                           NULL);
      g_autoptr(GDateTime) at = NULL;
      g_autofree char *when = NULL;
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *name = NULL;
      GtkWidget *row;

      if (!g_str_equal (kind, vigil_dora_form_to_string (page->form)))
        continue;
      n++;
      at = vigil_time_from_iso (json_object_get_string_member_with_default (item, "at", ""));
      when = at ? format_utc (at) : g_strdup ("");
      title = g_strdup_printf (_("Version %u"),
                               (guint) json_object_get_int_member_with_default (item, "version", n));
      if (reference != NULL)
        /* Translators: time, authority, the authority's reference */
        subtitle = g_strdup_printf (_("%s to %s, reference %s"), when,
                                    json_object_get_string_member_with_default (item, "authority",
                                                                                ""),
                                    reference);
      else
        /* Translators: time and authority */
        subtitle = g_strdup_printf (_("%s to %s"), when,
                                    json_object_get_string_member_with_default (item, "authority",
                                                                                ""));
      row = adw_action_row_new ();
      name = g_strdup_printf ("version-%u", n);
      gtk_widget_set_name (row, name);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (GTK_LIST_BOX (page->versions_list), row);
    }

  if (n == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Not submitted yet"));
      gtk_list_box_append (GTK_LIST_BOX (page->versions_list), row);
    }
}

/* Why the core would refuse a draft of this report now, or %NULL: asked
 * of the core itself with an empty draft, so the rule lives once. */
static char *
dup_blocked_reason (FormPage *page)
{
  VigilDoraReportEditor *self = page->editor;
  JsonObject *payload = json_object_new ();
  g_autoptr(VigilOp) op = NULL;
  g_autoptr(VigilIncident) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *reason;

  json_object_set_string_member (payload, "report", vigil_dora_form_to_string (page->form));
  json_object_set_object_member (payload, "fields", json_object_new ());
  op = vigil_op_new (VIGIL_OP_DORA_REPORT_DRAFT, vigil_incident_get_id (self->incident),
                     vigil_workspace_get_actor (self->workspace),
                     vigil_incident_get_revision (self->incident), payload);
  result = vigil_op_apply (op, self->incident, vigil_workspace_get_role (self->workspace), NULL,
                           &error);
  if (result != NULL)
    return NULL;
  reason = vigil_op_error_get_reason (error);
  /* Translators: %s is the reason, e.g. "the cyber threat was not assessed; ..." */
  return g_strdup_printf (_("This report cannot be changed now: %s."), reason);
}

static void
refresh_page (FormPage *page)
{
  VigilDoraReportEditor *self = page->editor;
  g_autoptr(VigilDoraReport) report = vigil_dora_report_new (self->incident, page->form);
  g_auto(GStrv) missing = vigil_dora_report_list_missing_fields (report);
  JsonObject *values = vigil_dora_report_get_values (report);
  g_autofree char *version = g_strdup_printf (_("Version %u"),
                                              vigil_dora_report_get_version (report));
  g_autofree char *blocked = dup_blocked_reason (page);

  gtk_label_set_label (GTK_LABEL (page->blocked_label), blocked ? blocked : "");
  gtk_widget_set_visible (page->blocked_label, blocked != NULL);

  adw_action_row_set_subtitle (page->version_row, version);
  if (missing[0] == NULL)
    {
      adw_action_row_set_subtitle (page->complete_row, _("Every mandatory field is filled"));
      gtk_widget_remove_css_class (GTK_WIDGET (page->complete_row), "warning");
    }
  else
    {
      g_autofree char *list = g_strjoinv (", ", missing);
      g_autofree char *text = g_strdup_printf (ngettext ("%u missing: %s", "%u missing: %s",
                                                         g_strv_length (missing)),
                                               g_strv_length (missing), list);

      adw_action_row_set_subtitle (page->complete_row, text);
      gtk_widget_add_css_class (GTK_WIDGET (page->complete_row), "warning");
    }

  self->filling = TRUE;
  for (guint i = 0; i < page->rows->len; i++)
    {
      FieldRow *row = page->rows->pdata[i];
      const VigilDoraFieldInfo *field = row->field;
      JsonNode *value = vigil_dora_report_get_value (report, field->no);
      gboolean required = vigil_dora_field_is_required (field, page->form, values);
      gboolean empty = g_strv_contains ((const char * const *) missing, field->no);
      const char *rule = vigil_dora_field_get_rule_text (field);
      g_autofree char *rule_text = NULL;
      const char *source = NULL;

      if (required && field->rule == VIGIL_DORA_RULE_REQUIRED)
        rule_text = g_strdup (empty ? _("Mandatory, still empty") : _("Mandatory"));
      else if (required)
        /* Translators: %s is a condition, e.g. "if 3.28 is “Yes”" */
        rule_text = g_strdup_printf (empty ? _("Mandatory now (%s), still empty")
                                           : _("Mandatory now (%s)"), rule);
      else if (rule != NULL)
        /* Translators: %s is a condition, e.g. "if the data losses criterion is met" */
        rule_text = g_strdup_printf (_("Mandatory %s"), rule);
      else
        rule_text = g_strdup (_("Optional"));
      gtk_label_set_label (GTK_LABEL (row->rule_label), rule_text);
      if (empty)
        gtk_widget_add_css_class (row->rule_label, "error");
      else
        gtk_widget_remove_css_class (row->rule_label, "error");
      gtk_widget_set_visible (row->rule_label, !g_str_equal (field->no, "1.1"));

      switch (vigil_dora_report_get_source (report, field->no))
        {
        case VIGIL_DORA_SOURCE_INCIDENT:
          source = _("From the incident’s records; check it");
          break;
        case VIGIL_DORA_SOURCE_EARLIER:
          source = _("Carried over from an earlier report");
          break;
        case VIGIL_DORA_SOURCE_DRAFT:
        case VIGIL_DORA_SOURCE_NONE:
        default:
          source = NULL;
          break;
        }
      if (g_str_equal (field->no, "1.1"))
        source = NULL;
      gtk_label_set_label (GTK_LABEL (row->source_label), source ? source : "");
      gtk_widget_set_visible (row->source_label, source != NULL);

      /* What is being typed stays as typed. */
      if (!json_object_has_member (page->pending, field->no) && !row_has_focus (row))
        show_value (row, value);
      gtk_widget_set_sensitive (row->editor, !self->read_only && blocked == NULL);
    }
  self->filling = FALSE;

  refresh_deadline (page);
  refresh_clients (page, report);
  refresh_versions (page);
}

static void
vigil_dora_report_editor_refresh (VigilDoraReportEditor *self)
{
  VigilRole role = vigil_workspace_get_role (self->workspace);
  const char *reference = vigil_incident_get_reference (self->incident);
  /* Translators: the window's title; %s is an incident's reference */
  g_autofree char *title = g_strdup_printf (_("DORA Reports — %s"),
                                            reference ? reference : _("Not numbered yet"));

  self->read_only = (role != VIGIL_ROLE_ANALYST && role != VIGIL_ROLE_LEAD) ||
                    vigil_incident_is_archived (self->incident);
  gtk_window_set_title (GTK_WINDOW (self), title);
  /* Which incident, in the window itself: the header holds the pages. */
  gtk_label_set_label (self->reference_label, reference ? reference : _("Not numbered yet"));
  gtk_label_set_label (self->incident_title_label, vigil_incident_get_title (self->incident));
  /* Shown in the header when the window is too narrow for the switcher */
  adw_view_switcher_title_set_title (self->switcher_title, title);
  adw_view_switcher_title_set_subtitle (self->switcher_title,
                                        vigil_incident_get_title (self->incident));
  gtk_widget_set_visible (self->record_button, !self->read_only);

  for (guint f = 0; f < VIGIL_DORA_N_FORMS; f++)
    refresh_page (self->pages[f]);
}

static void
on_incident_changed_cb (GObject    *object,
                        GParamSpec *pspec,
                        gpointer    user_data)
{
  vigil_dora_report_editor_refresh (user_data);
}

static gboolean
on_tick_cb (gpointer user_data)
{
  VigilDoraReportEditor *self = user_data;

  for (guint f = 0; f < VIGIL_DORA_N_FORMS; f++)
    {
      g_autoptr(VigilDoraReport) report = vigil_dora_report_new (self->incident, f);

      refresh_deadline (self->pages[f]);
      refresh_clients (self->pages[f], report);
    }
  return G_SOURCE_CONTINUE;
}

/* Submissions */

typedef struct {
  VigilDoraReportEditor *editor;
  guint                  version;
} SubmitData;

static void
on_submitted_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SubmitData *data = user_data;
  VigilDoraReportEditor *self = data->editor;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  self->n_applying--;
  if (vigil_workspace_apply_finish (VIGIL_WORKSPACE (object), result, &error) == NULL)
    message = g_strdup_printf (_("The submission was not recorded: %s"), error->message);
  else
    message = g_strdup_printf (_("Version %u recorded as submitted"), data->version);
  show_toast (self, message);
  vigil_dora_report_editor_refresh (self);
  vigil_dora_report_editor_flush (self);
  g_object_unref (data->editor);
  g_free (data);
}

void
vigil_dora_report_editor_record_submission (VigilDoraReportEditor *self,
                                            GDateTime             *at,
                                            const char            *authority,
                                            const char            *reference)
{
  VigilDoraReportForm form;
  g_autoptr(VigilDoraReport) report = NULL;
  g_autoptr(VigilOp) op = NULL;
  g_autoptr(JsonNode) values = NULL;
  g_autofree char *at_iso = NULL;
  JsonObject *payload;
  SubmitData *data;

  g_return_if_fail (VIGIL_IS_DORA_REPORT_EDITOR (self));
  g_return_if_fail (at != NULL);
  g_return_if_fail (authority != NULL);

  /* What was just typed belongs to what is sent. */
  g_clear_handle_id (&self->save_source, g_source_remove);
  vigil_dora_report_editor_flush (self);

  form = vigil_dora_report_editor_get_form (self);
  report = vigil_dora_report_new (self->incident, form);
  at_iso = vigil_time_to_iso (at);
  payload = json_object_new ();
  json_object_set_string_member (payload, "report", vigil_dora_form_to_string (form));
  json_object_set_string_member (payload, "at", at_iso);
  json_object_set_string_member (payload, "authority", authority);
  if (reference != NULL && *reference != '\0')
    json_object_set_string_member (payload, "reference", reference);
  else
    json_object_set_null_member (payload, "reference");
  /* The server takes the draft as it then stands, typed values included. */
  op = vigil_op_new (VIGIL_OP_DORA_REPORT_SUBMITTED, vigil_incident_get_id (self->incident),
                     vigil_workspace_get_actor (self->workspace),
                     vigil_incident_get_revision (self->incident), payload);
  data = g_new0 (SubmitData, 1);
  data->editor = g_object_ref (self);
  data->version = vigil_dora_report_get_version (report);
  self->n_applying++;
  vigil_workspace_apply_async (self->workspace, op, NULL, on_submitted_cb, data);
}

typedef struct {
  VigilDoraReportEditor *editor;
  GtkWidget             *at_row;
  GtkWidget             *authority_row;
  GtkWidget             *reference_row;
} RecordDialog;

static void
record_dialog_free (RecordDialog *data)
{
  g_object_unref (data->editor);
  g_free (data);
}

/* "2025-03-01 13:05" or ISO 8601, in UTC. */
static GDateTime *
parse_utc (const char *text)
{
  g_autofree char *iso = g_strstrip (g_strdup (text));
  GDateTime *when;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  if (strlen (iso) == 16 && iso[10] == ' ')
    {
      g_autofree char *full = NULL;

      iso[10] = 'T';
      full = g_strconcat (iso, ":00", NULL);
      return g_date_time_new_from_iso8601 (full, utc);
    }
  when = g_date_time_new_from_iso8601 (iso, utc);
  return when;
}

static void
on_record_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       gpointer          user_data)
{
  RecordDialog *data = user_data;
  const char *authority;
  g_autoptr(GDateTime) at = NULL;

  if (!g_str_equal (response, "record"))
    return;

  at = parse_utc (gtk_editable_get_text (GTK_EDITABLE (data->at_row)));
  authority = gtk_editable_get_text (GTK_EDITABLE (data->authority_row));
  if (at == NULL)
    {
      show_toast (data->editor, _("Not recorded: enter the time as 2025-03-01 13:05, in UTC"));
      return;
    }
  if (*authority == '\0')
    {
      show_toast (data->editor, _("Not recorded: name the authority it was sent to"));
      return;
    }
  vigil_dora_report_editor_record_submission (data->editor, at, authority,
                                              gtk_editable_get_text (
                                                GTK_EDITABLE (data->reference_row)));
}

static void
record_submission_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  VigilDoraReportEditor *self = VIGIL_DORA_REPORT_EDITOR (widget);
  VigilDoraReportForm form = vigil_dora_report_editor_get_form (self);
  g_autoptr(VigilDoraReport) report = vigil_dora_report_new (self->incident, form);
  g_auto(GStrv) missing = vigil_dora_report_list_missing_fields (report);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *now_text = g_date_time_format (now, "%Y-%m-%d %H:%M");
  g_autofree char *body = NULL;
  RecordDialog *data = g_new0 (RecordDialog, 1);
  GtkWidget *list = gtk_list_box_new ();
  AdwMessageDialog *dialog;

  if (missing[0] != NULL)
    {
      g_autofree char *fields = g_strjoinv (", ", missing);

      body = g_strdup_printf (_("Version %u of this report is recorded as sent, with the values "
                                "shown. Mandatory fields still empty: %s."),
                              vigil_dora_report_get_version (report), fields);
    }
  else
    body = g_strdup_printf (_("Version %u of this report is recorded as sent, with the values "
                              "shown."), vigil_dora_report_get_version (report));

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Record Submission"), body));
  data->editor = g_object_ref (self);
  data->at_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (data->at_row), _("Sent at (UTC)"));
  gtk_editable_set_text (GTK_EDITABLE (data->at_row), now_text);
  data->authority_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (data->authority_row),
                                 _("Competent authority"));
  data->reference_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (data->reference_row),
                                 _("Reference received (optional)"));
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), data->at_row);
  gtk_list_box_append (GTK_LIST_BOX (list), data->authority_row);
  gtk_list_box_append (GTK_LIST_BOX (list), data->reference_row);
  adw_message_dialog_set_extra_child (dialog, list);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "record", _("_Record"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "record", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "record");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_record_response_cb), data,
                         (GClosureNotify) (void (*) (void)) record_dialog_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Exports */

typedef struct {
  VigilDoraExportFormat  format;
  GFile                 *file;
  VigilDoraReport       *report;
  GDateTime             *generated_at;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_object_unref (job->file);
  g_object_unref (job->report);
  g_date_time_unref (job->generated_at);
  g_free (job);
}

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  if (job->format == VIGIL_DORA_EXPORT_PDF)
    {
      g_autoptr(VigilReport) document = vigil_dora_report_build_document (job->report,
                                                                          job->generated_at);
      g_autofree char *path = g_file_get_path (job->file);

      if (path == NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                   _("Choose a folder on this computer"));
          return;
        }
      if (!vigil_report_write_pdf (document, path, &error))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  if (job->format == VIGIL_DORA_EXPORT_JSON)
    contents = vigil_dora_report_to_json_string (job->report, job->generated_at);
  else
    {
      g_autoptr(VigilReport) document = vigil_dora_report_build_document (job->report,
                                                                          job->generated_at);

      contents = vigil_report_to_markdown (document);
    }

  if (!g_file_replace_contents (job->file, contents, strlen (contents), NULL, FALSE,
                                G_FILE_CREATE_REPLACE_DESTINATION, NULL, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
vigil_dora_report_editor_export_async (VigilDoraReportEditor *self,
                                       VigilDoraExportFormat  format,
                                       GFile                 *file,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (VIGIL_IS_DORA_REPORT_EDITOR (self));
  g_return_if_fail (G_IS_FILE (file));

  job = g_new0 (ExportJob, 1);
  job->format = format;
  job->file = g_object_ref (file);
  job->report = vigil_dora_report_new (self->incident, vigil_dora_report_editor_get_form (self));
  job->generated_at = g_date_time_new_now_utc ();
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_dora_report_editor_export_async);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
vigil_dora_report_editor_export_finish (VigilDoraReportEditor *self,
                                        GAsyncResult          *result,
                                        GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_exported_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  VigilDoraReportEditor *self = VIGIL_DORA_REPORT_EDITOR (object);
  g_autoptr(GFile) file = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *name = g_file_get_parse_name (file);

  if (!vigil_dora_report_editor_export_finish (self, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Not exported: %s"), error->message);
    }
  else
    message = g_strdup_printf (_("Exported to %s"), name);
  show_toast (self, message);
}

static void
on_export_file_cb (GtkNativeDialog *dialog,
                   int              response,
                   gpointer         user_data)
{
  VigilDoraReportEditor *self = user_data;
  VigilDoraExportFormat format = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog),
                                                                      "format"));
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);
  if (file == NULL)
    return;
  vigil_dora_report_editor_export_async (self, format, file, self->cancellable, on_exported_cb,
                                         g_object_ref (file));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VigilDoraReportEditor *self = VIGIL_DORA_REPORT_EDITOR (widget);
  VigilDoraReportForm form = vigil_dora_report_editor_get_form (self);
  const char *reference = vigil_incident_get_reference (self->incident);
  VigilDoraExportFormat format;
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;
  const char *extension;

  if (g_str_equal (action_name, "editor.export-json"))
    format = VIGIL_DORA_EXPORT_JSON, extension = "json";
  else if (g_str_equal (action_name, "editor.export-markdown"))
    format = VIGIL_DORA_EXPORT_MARKDOWN, extension = "md";
  else
    format = VIGIL_DORA_EXPORT_PDF, extension = "pdf";

  chooser = gtk_file_chooser_native_new (_("Export the Report"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                         _("_Cancel"));
  /* Translators: a file name: reference, report, version, extension */
  name = g_strdup_printf (_("%s-dora-%s.%s"), reference ? reference : "incident",
                          vigil_dora_form_to_string (form), extension);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data (G_OBJECT (chooser), "format", GUINT_TO_POINTER (format));
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_export_file_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Object */

static void
vigil_dora_report_editor_close_request_flush (VigilDoraReportEditor *self)
{
  if (self->save_source != 0)
    {
      g_clear_handle_id (&self->save_source, g_source_remove);
      vigil_dora_report_editor_flush (self);
    }
}

static gboolean
vigil_dora_report_editor_close_request (GtkWindow *window)
{
  vigil_dora_report_editor_close_request_flush (VIGIL_DORA_REPORT_EDITOR (window));
  return GTK_WINDOW_CLASS (vigil_dora_report_editor_parent_class)->close_request (window);
}

static void
vigil_dora_report_editor_dispose (GObject *object)
{
  VigilDoraReportEditor *self = VIGIL_DORA_REPORT_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->save_source, g_source_remove);
  g_clear_handle_id (&self->tick_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_DORA_REPORT_EDITOR);

  G_OBJECT_CLASS (vigil_dora_report_editor_parent_class)->dispose (object);
}

static void
vigil_dora_report_editor_finalize (GObject *object)
{
  VigilDoraReportEditor *self = VIGIL_DORA_REPORT_EDITOR (object);

  for (guint f = 0; f < VIGIL_DORA_N_FORMS; f++)
    g_clear_pointer (&self->pages[f], form_page_free);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->incident);
  g_clear_object (&self->workspace);

  G_OBJECT_CLASS (vigil_dora_report_editor_parent_class)->finalize (object);
}

static void
vigil_dora_report_editor_class_init (VigilDoraReportEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = vigil_dora_report_editor_dispose;
  object_class->finalize = vigil_dora_report_editor_finalize;
  window_class->close_request = vigil_dora_report_editor_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vigil/Vigil/ui/vigil-dora-report-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilDoraReportEditor, toasts);
  gtk_widget_class_bind_template_child (widget_class, VigilDoraReportEditor, stack);
  gtk_widget_class_bind_template_child (widget_class, VigilDoraReportEditor, record_button);
  gtk_widget_class_bind_template_child (widget_class, VigilDoraReportEditor, export_button);
  gtk_widget_class_bind_template_child (widget_class, VigilDoraReportEditor, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, VigilDoraReportEditor, reference_label);
  gtk_widget_class_bind_template_child (widget_class, VigilDoraReportEditor,
                                        incident_title_label);

  gtk_widget_class_install_action (widget_class, "editor.record-submission", NULL,
                                   record_submission_action);
  gtk_widget_class_install_action (widget_class, "editor.export-json", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "editor.export-markdown", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "editor.export-pdf", NULL, export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
vigil_dora_report_editor_init (VigilDoraReportEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
vigil_dora_report_editor_new (GtkWindow      *parent,
                              VigilWorkspace *workspace,
                              VigilIncident  *incident)
{
  VigilDoraReportEditor *self;

  g_return_val_if_fail (VIGIL_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), NULL);

  self = g_object_new (VIGIL_TYPE_DORA_REPORT_EDITOR,
                       "transient-for", parent,
                       NULL);
  self->workspace = g_object_ref (workspace);
  self->incident = g_object_ref (incident);

  for (guint f = 0; f < VIGIL_DORA_N_FORMS; f++)
    {
      AdwViewStackPage *stack_page;

      self->pages[f] = build_page (self, f);
      stack_page = adw_view_stack_add_titled (self->stack, self->pages[f]->scrolled,
                                              page_name (f), page_title (f));
      adw_view_stack_page_set_icon_name (stack_page,
                                         f == VIGIL_DORA_FORM_THREAT ? "dialog-warning-symbolic"
                                         : f == VIGIL_DORA_FORM_RECLASSIFIED
                                         ? "edit-undo-symbolic" : "document-edit-symbolic");
    }

  g_signal_connect_object (incident, "notify::revision", G_CALLBACK (on_incident_changed_cb),
                           self, 0);
  self->tick_source = g_timeout_add_seconds (TICK_SECONDS, on_tick_cb, self);
  vigil_dora_report_editor_refresh (self);
  return GTK_WIDGET (self);
}

VigilDoraReportForm
vigil_dora_report_editor_get_form (VigilDoraReportEditor *self)
{
  VigilDoraReportForm form = VIGIL_DORA_FORM_INITIAL;

  g_return_val_if_fail (VIGIL_IS_DORA_REPORT_EDITOR (self), 0);

  vigil_dora_form_from_string (adw_view_stack_get_visible_child_name (self->stack), &form);
  return form;
}

void
vigil_dora_report_editor_set_form (VigilDoraReportEditor *self,
                                   VigilDoraReportForm    form)
{
  g_return_if_fail (VIGIL_IS_DORA_REPORT_EDITOR (self));
  g_return_if_fail (form < VIGIL_DORA_N_FORMS);

  adw_view_stack_set_visible_child_name (self->stack, page_name (form));
}

gboolean
vigil_dora_report_editor_get_busy (VigilDoraReportEditor *self)
{
  g_return_val_if_fail (VIGIL_IS_DORA_REPORT_EDITOR (self), FALSE);

  if (self->n_applying > 0 || self->save_source != 0)
    return TRUE;
  for (guint f = 0; f < VIGIL_DORA_N_FORMS; f++)
    if (json_object_get_size (self->pages[f]->pending) > 0)
      return TRUE;
  return FALSE;
}
