/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-dora-classification"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "vigil-dora-classification.h"
#include "vigil-field-editor.h"
#include "vigil-section.h"

typedef enum {
  INPUT_BOOL,
  INPUT_COUNT,
  INPUT_AMOUNT,
  INPUT_RATE,
  INPUT_TIME,
  INPUT_CURRENCY,
} InputKind;

/* One input, by its path in the criteria JSON (vigil_dora_criteria_to_json). */
typedef struct {
  const char *path;
  InputKind   kind;
  const char *title;
  const char *subtitle;
} InputDef;

typedef struct {
  const char     *title;
  const char     *description;
  const InputDef *inputs;
  guint           n_inputs;
} GroupDef;

static const InputDef gate_inputs[] = {
  { "critical_services.cif", INPUT_BOOL,
    N_("Services supporting a critical or important function are affected"),
    N_("ICT services or network and information systems behind such a function") },
  { "critical_services.supervised", INPUT_BOOL,
    N_("Services that need authorisation or are supervised are affected"),
    N_("Financial services the entity is licensed, registered or supervised for") },
  { "critical_services.malicious_access", INPUT_BOOL,
    N_("Someone gained malicious, unauthorised access to our systems"),
    N_("A successful intrusion, not an attempt") },
};

static const InputDef clients_inputs[] = {
  { "clients.affected", INPUT_COUNT, N_("Clients affected"),
    N_("People or companies unable to use the service or otherwise harmed, in number") },
  { "clients.total", INPUT_COUNT, N_("Clients of the affected service"),
    N_("Everyone using the service, in number") },
  { "clients.estimated", INPUT_BOOL, N_("The client figures are estimates"), NULL },
  { "clients.relevant_affected", INPUT_BOOL, N_("A relevant client or counterpart is affected"),
    N_("One whose harm affects our business objectives or the market’s efficiency") },
  { "counterparts.affected", INPUT_COUNT, N_("Financial counterparts affected"),
    N_("Counterparts with a contract, in number") },
  { "counterparts.total", INPUT_COUNT, N_("Financial counterparts active for the service"),
    N_("In number") },
  { "counterparts.estimated", INPUT_BOOL, N_("The counterpart figures are estimates"), NULL },
  { "transactions.affected", INPUT_COUNT, N_("Transactions affected"),
    N_("Transactions with an amount, in number") },
  { "transactions.daily_average", INPUT_COUNT, N_("Transactions on an average day"),
    N_("Of the affected service, in number per day") },
  { "transactions.value_affected", INPUT_AMOUNT, N_("Value of the transactions affected"),
    N_("In the currency given under costs") },
  { "transactions.daily_average_value", INPUT_AMOUNT, N_("Value of an average day"),
    N_("In the currency given under costs, per day") },
  { "transactions.estimated", INPUT_BOOL, N_("The transaction figures are estimates"), NULL },
};

static const InputDef reputation_inputs[] = {
  { "reputation.media", INPUT_BOOL, N_("The media reported on the incident"), NULL },
  { "reputation.complaints", INPUT_BOOL, N_("Repeated complaints from different clients"),
    N_("About client-facing services or critical business relationships") },
  { "reputation.regulatory_breach", INPUT_BOOL,
    N_("We will or probably will not meet regulatory requirements"), NULL },
  { "reputation.client_loss", INPUT_BOOL, N_("We will or probably will lose clients"),
    N_("Or counterparts, with a material impact on the business") },
};

static const InputDef duration_inputs[] = {
  { "duration.occurred_at", INPUT_TIME, N_("The incident began"),
    N_("Leave empty when not known") },
  { "duration.detected_at", INPUT_TIME, N_("It was detected"), NULL },
  { "duration.first_log_at", INPUT_TIME, N_("Earliest log record of it"),
    N_("When the logs show it began before it was detected") },
  { "duration.resolved_at", INPUT_TIME, N_("It was resolved"),
    N_("Leave empty while it goes on; it is then measured up to now") },
  { "duration.estimated", INPUT_BOOL, N_("These times are estimates"), NULL },
  { "downtime.start", INPUT_TIME, N_("A service went down"),
    N_("Fully or partly unavailable; empty: from detection") },
  { "downtime.end", INPUT_TIME, N_("The service was back to normal"),
    N_("Including any backlog; empty: still down") },
  { "downtime.supports_cif", INPUT_BOOL,
    N_("The service that went down supports a critical or important function"), NULL },
};

static const InputDef data_inputs[] = {
  { "data_losses.availability", INPUT_BOOL, N_("Data became unavailable"), NULL },
  { "data_losses.authenticity", INPUT_BOOL, N_("The authenticity of data was harmed"), NULL },
  { "data_losses.integrity", INPUT_BOOL, N_("Data was altered or destroyed"), NULL },
  { "data_losses.confidentiality", INPUT_BOOL, N_("Data was disclosed to someone"), NULL },
  { "data_losses.adverse_effect", INPUT_BOOL,
    N_("This harms our business objectives or regulatory compliance"), NULL },
  { "data_losses.intrusion", INPUT_BOOL,
    N_("The unauthorised access may lead to data losses"), NULL },
};

static const InputDef economic_inputs[] = {
  { "economic.currency", INPUT_CURRENCY, N_("Currency"),
    N_("ISO code of the amounts, such as EUR") },
  { "economic.eur_rate", INPUT_RATE, N_("Euro per unit of that currency"),
    N_("The exchange rate used; 1 for euro") },
  { "economic.costs.expropriated_funds", INPUT_AMOUNT, N_("Funds or assets lost"),
    N_("Including theft, where we are liable") },
  { "economic.costs.replacement", INPUT_AMOUNT, N_("Replacing or moving systems"),
    N_("Software, hardware, infrastructure") },
  { "economic.costs.staff", INPUT_AMOUNT, N_("Staff"),
    N_("Replacements, extra hires, overtime, lost skills") },
  { "economic.costs.contractual_fees", INPUT_AMOUNT, N_("Fees for breaking contracts"), NULL },
  { "economic.costs.customer_redress", INPUT_AMOUNT, N_("Redress and compensation to clients"),
    NULL },
  { "economic.costs.forgone_revenue", INPUT_AMOUNT, N_("Revenue lost"), NULL },
  { "economic.costs.communication", INPUT_AMOUNT, N_("Communication"), NULL },
  { "economic.costs.advisory", INPUT_AMOUNT, N_("Advice"),
    N_("Legal, forensic and remediation services") },
  { "economic.estimated", INPUT_BOOL, N_("The amounts are estimates"), NULL },
};

static const GroupDef groups[] = {
  { N_("Critical services"),
    N_("Without one of these the incident is never major."),
    gate_inputs, G_N_ELEMENTS (gate_inputs) },
  { N_("Clients, counterparts and transactions"),
    N_("Give the affected figures with the totals of the service, so that the shares can be "
       "computed."),
    clients_inputs, G_N_ELEMENTS (clients_inputs) },
  { N_("Reputation"), NULL, reputation_inputs, G_N_ELEMENTS (reputation_inputs) },
  { N_("Duration and service downtime"),
    N_("Local time, YYYY-MM-DD HH:MM."),
    duration_inputs, G_N_ELEMENTS (duration_inputs) },
  { N_("Data"), NULL, data_inputs, G_N_ELEMENTS (data_inputs) },
  { N_("Costs and losses"),
    N_("Gross amounts, before any recovery or insurance; leave out routine maintenance and "
       "later improvements."),
    economic_inputs, G_N_ELEMENTS (economic_inputs) },
};

/* Where the states group goes: after the duration. */
#define STATES_AFTER_GROUP 3

static const char * const geo_ids[] = {
  "clients", "counterparts", "branch", "group_entity", "fmi", "third_party",
};
static const char * const geo_labels[] = {
  N_("Clients"), N_("Financial counterparts"), N_("A branch"), N_("A group entity"),
  N_("A market infrastructure"), N_("A third-party provider"),
};

static const struct {
  const char *code;
  const char *name;
} state_names[] = {
  { "AT", N_("Austria") }, { "BE", N_("Belgium") }, { "BG", N_("Bulgaria") },
  { "CY", N_("Cyprus") }, { "CZ", N_("Czechia") }, { "DE", N_("Germany") },
  { "DK", N_("Denmark") }, { "EE", N_("Estonia") }, { "ES", N_("Spain") },
  { "FI", N_("Finland") }, { "FR", N_("France") }, { "GR", N_("Greece") },
  { "HR", N_("Croatia") }, { "HU", N_("Hungary") }, { "IE", N_("Ireland") },
  { "IS", N_("Iceland") }, { "IT", N_("Italy") }, { "LI", N_("Liechtenstein") },
  { "LT", N_("Lithuania") }, { "LU", N_("Luxembourg") }, { "LV", N_("Latvia") },
  { "MT", N_("Malta") }, { "NL", N_("Netherlands") }, { "NO", N_("Norway") },
  { "PL", N_("Poland") }, { "PT", N_("Portugal") }, { "RO", N_("Romania") },
  { "SE", N_("Sweden") }, { "SI", N_("Slovenia") }, { "SK", N_("Slovakia") },
};

typedef struct {
  const InputDef *def;
  GtkWidget      *widget;
  GtkWidget      *error_row;
  GtkLabel       *error_label;
} Input;

struct _VigilDoraClassification
{
  GtkWidget       parent_instance;

  VigilSection    section;

  GHashTable     *inputs;        /* path -> Input */
  GtkWidget      *home_combo;
  GtkWidget      *states_expander;
  /* The rows of the states are made when first shown: thirty of them with
   * six choices each would slow every visit of step 5. */
  GtkWidget      *state_rows[VIGIL_DORA_N_EEA_STATES];
  GtkWidget      *state_buttons[VIGIL_DORA_N_EEA_STATES];
  guint8          state_impacts[VIGIL_DORA_N_EEA_STATES];
  gboolean        states_editable;
  Input           states_input;
  GtkWidget      *classify_button;

  GtkWidget      *result_group;
  GtkLabel       *verdict_label;
  GtkLabel       *when_label;
  GtkLabel       *criteria_label;
  GtkBox         *reasons_box;
  GtkWidget      *recurring_group;
  GtkLabel       *recurring_label;

  char           *shown_criteria;  /* the stored criteria the inputs show */
  char           *read_only_reason;
  gboolean        synced;
  gboolean        dirty;
  gboolean        syncing;
};

G_DEFINE_FINAL_TYPE (VigilDoraClassification, vigil_dora_classification, GTK_TYPE_WIDGET)

/* Helpers */

const char *
vigil_dora_state_get_name (const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    {
      if (g_strcmp0 (state_names[i].code, code) == 0)
        return _(state_names[i].name);
    }
  return code;
}

static VigilDoraTrigger
trigger_from_id (const char *id)
{
  for (guint bit = 0; bit <= 6; bit++)
    {
      g_auto(GStrv) ids = vigil_dora_triggers_to_strv (1 << bit);

      if (ids[0] != NULL && g_strcmp0 (ids[0], id) == 0)
        return 1 << bit;
    }
  return 0;
}

static JsonNode *
lookup_path (JsonObject *root,
             const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonObject *object = root;
  JsonNode *node = NULL;

  for (guint i = 0; object != NULL && parts[i] != NULL; i++)
    {
      node = json_object_get_member (object, parts[i]);
      if (node == NULL)
        return NULL;
      object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      if (object == NULL && parts[i + 1] != NULL)
        return NULL;
    }
  return node;
}

static void
set_path (JsonObject *root,
          const char *path,
          JsonNode   *value)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonObject *object = root;

  for (guint i = 0; parts[i + 1] != NULL; i++)
    {
      if (!json_object_has_member (object, parts[i]))
        json_object_set_object_member (object, parts[i], json_object_new ());
      object = json_object_get_object_member (object, parts[i]);
    }
  json_object_set_member (object, parts[g_strv_length (parts) - 1], value);
}

static void
add_error_row (GtkListBox *list,
               Input      *input)
{
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "error");
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_visible (row, FALSE);
  gtk_list_box_append (list, row);
  input->error_row = row;
  input->error_label = GTK_LABEL (label);
}

static void
set_problem (Input      *input,
             const char *problem)
{
  gtk_label_set_label (input->error_label, problem ? problem : "");
  gtk_widget_set_visible (input->error_row, problem != NULL);
  if (problem != NULL)
    gtk_widget_add_css_class (input->widget, "error");
  else
    gtk_widget_remove_css_class (input->widget, "error");
}

static void
clear_problems (VigilDoraClassification *self)
{
  GHashTableIter iter;
  Input *input;

  g_hash_table_iter_init (&iter, self->inputs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &input))
    set_problem (input, NULL);
  set_problem (&self->states_input, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->section.form_error), FALSE);
}

static void
on_input_changed_cb (VigilDoraClassification *self)
{
  if (!self->syncing)
    self->dirty = TRUE;
}

static char *
describe_state_impact (VigilDoraClassification *self,
                       guint                    state)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint j = 0; j < G_N_ELEMENTS (geo_ids); j++)
    {
      if (!(self->state_impacts[state] & (1u << j)))
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, _(geo_labels[j]));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
update_states_summary (VigilDoraClassification *self)
{
  const char * const *codes = vigil_dora_eea_states ();
  g_autoptr(GString) summary = g_string_new (NULL);

  for (guint i = 0; i < VIGIL_DORA_N_EEA_STATES; i++)
    {
      g_autofree char *impact = describe_state_impact (self, i);

      if (self->state_rows[i] != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (self->state_rows[i]),
                                     impact[0] ? impact : _("Not affected"));
      if (impact[0] == '\0')
        continue;
      if (summary->len > 0)
        g_string_append (summary, ", ");
      g_string_append (summary, vigil_dora_state_get_name (codes[i]));
    }
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self->states_expander),
                                 summary->len > 0 ? summary->str : _("None chosen"));
}

static void
on_state_toggled_cb (GtkCheckButton          *check,
                     VigilDoraClassification *self)
{
  guint state = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "state"));
  guint impact = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "impact"));

  if (gtk_check_button_get_active (check))
    self->state_impacts[state] |= 1u << impact;
  else
    self->state_impacts[state] &= ~(1u << impact);
  on_input_changed_cb (self);
  update_states_summary (self);
}

/* The choices of one state, made each time they are shown. */
static void
on_state_popup_cb (GtkMenuButton *button,
                   gpointer       user_data)
{
  VigilDoraClassification *self = user_data;
  guint state = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "state"));
  const char * const *codes = vigil_dora_eea_states ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *checks = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  for (guint j = 0; j < G_N_ELEMENTS (geo_ids); j++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (_(geo_labels[j]));
      g_autofree char *name = g_strdup_printf ("state-%s-%s", codes[state], geo_ids[j]);

      gtk_widget_set_name (check, name);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   (self->state_impacts[state] & (1u << j)) != 0);
      gtk_widget_set_sensitive (check, self->states_editable);
      g_object_set_data (G_OBJECT (check), "state", GUINT_TO_POINTER (state));
      g_object_set_data (G_OBJECT (check), "impact", GUINT_TO_POINTER (j));
      g_signal_connect_object (check, "toggled", G_CALLBACK (on_state_toggled_cb), self, 0);
      gtk_box_append (GTK_BOX (checks), check);
    }
  gtk_popover_set_child (GTK_POPOVER (popover), checks);
  gtk_menu_button_set_popover (button, popover);
}

static void
build_state_rows (VigilDoraClassification *self)
{
  const char * const *codes = vigil_dora_eea_states ();

  if (self->state_rows[0] != NULL)
    return;

  for (guint i = 0; i < VIGIL_DORA_N_EEA_STATES; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_menu_button_new ();
      g_autofree char *title = g_strdup_printf ("%s (%s)", vigil_dora_state_get_name (codes[i]),
                                                codes[i]);
      g_autofree char *tooltip = g_strdup_printf (_("What was affected in %s"),
                                                  vigil_dora_state_get_name (codes[i]));
      g_autofree char *name = g_strdup_printf ("state-%s", codes[i]);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      g_object_set_data (G_OBJECT (button), "state", GUINT_TO_POINTER (i));
      gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (button), on_state_popup_cb, self,
                                             NULL);
      gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "document-edit-symbolic");
      gtk_widget_set_name (button, name);
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (self->states_expander), row);
      self->state_rows[i] = row;
      self->state_buttons[i] = button;
    }
  update_states_summary (self);
}

static void
on_states_expanded_cb (VigilDoraClassification *self)
{
  if (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (self->states_expander)))
    build_state_rows (self);
}

/* Numbers as typed: spaces and apostrophes group digits, a comma may be the
 * decimal mark; empty is 0. */
static gboolean
parse_number (InputKind   kind,
              const char *text,
              double     *out)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  const char *p;
  char *end = NULL;
  double value;

  for (p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || c == '\'' || c == 0x202F || c == 0x2019)
        continue;
      g_string_append_c (clean, c == ',' ? '.' : (char) (c < 0x80 ? c : '?'));
    }
  if (clean->len == 0)
    {
      *out = 0;
      return TRUE;
    }
  if (kind == INPUT_COUNT)
    {
      guint64 count;

      if (!g_ascii_string_to_unsigned (clean->str, 10, 0, VIGIL_DORA_MAX_COUNT, &count, NULL))
        return FALSE;
      *out = (double) count;
      return TRUE;
    }
  value = g_ascii_strtod (clean->str, &end);
  if (end == clean->str || *end != '\0' || !isfinite (value) || value < 0 ||
      value > VIGIL_DORA_MAX_AMOUNT)
    return FALSE;
  *out = value;
  return TRUE;
}

static char *
format_number (InputKind kind,
               double    value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (kind == INPUT_COUNT || value == floor (value))
    return g_strdup_printf ("%.0f", value);
  if (kind == INPUT_AMOUNT)
    return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.2f", value));
  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.6g", value));
}

/* Building the form */

static GtkWidget *
make_input_widget (VigilDoraClassification *self,
                   const InputDef          *def,
                   GtkWidget               *row)
{
  GtkWidget *widget = NULL;

  switch (def->kind)
    {
    case INPUT_BOOL:
      widget = gtk_switch_new ();
      g_signal_connect_swapped (widget, "notify::active", G_CALLBACK (on_input_changed_cb), self);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), widget);
      break;
    case INPUT_COUNT:
    case INPUT_AMOUNT:
    case INPUT_RATE:
      /* Plain entries: spin buttons clamp what they cannot take without a
       * word, and step 5 has two dozen of them. */
      widget = gtk_entry_new ();
      gtk_entry_set_input_purpose (GTK_ENTRY (widget), def->kind == INPUT_COUNT
                                                       ? GTK_INPUT_PURPOSE_DIGITS
                                                       : GTK_INPUT_PURPOSE_NUMBER);
      gtk_editable_set_width_chars (GTK_EDITABLE (widget), 14);
      gtk_editable_set_alignment (GTK_EDITABLE (widget), 1.0);
      gtk_widget_add_css_class (widget, "numeric");
      g_signal_connect_swapped (widget, "changed", G_CALLBACK (on_input_changed_cb), self);
      break;
    case INPUT_TIME:
      widget = gtk_entry_new ();
      gtk_entry_set_placeholder_text (GTK_ENTRY (widget), _("YYYY-MM-DD HH:MM"));
      gtk_editable_set_width_chars (GTK_EDITABLE (widget), 16);
      g_signal_connect_swapped (widget, "changed", G_CALLBACK (on_input_changed_cb), self);
      break;
    case INPUT_CURRENCY:
      widget = gtk_entry_new ();
      gtk_editable_set_width_chars (GTK_EDITABLE (widget), 5);
      gtk_entry_set_max_length (GTK_ENTRY (widget), 3);
      g_signal_connect_swapped (widget, "changed", G_CALLBACK (on_input_changed_cb), self);
      break;
    default:
      g_assert_not_reached ();
    }

  gtk_widget_set_valign (widget, GTK_ALIGN_CENTER);
  gtk_widget_set_name (widget, def->path);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _(def->title), -1);
  return widget;
}

static void
add_input (VigilDoraClassification *self,
           GtkListBox              *list,
           const InputDef          *def)
{
  GtkWidget *row = adw_action_row_new ();
  Input *input = g_new0 (Input, 1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(def->title));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (def->subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(def->subtitle));
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  input->def = def;
  input->widget = make_input_widget (self, def, row);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), input->widget);
  gtk_list_box_append (list, row);
  add_error_row (list, input);
  g_hash_table_insert (self->inputs, (gpointer) def->path, input);
}

static void
build_states (VigilDoraClassification *self)
{
  GtkListBox *list = vigil_section_add_group (&self->section, _("Member states"),
                                _("Where clients or counterparts were affected, or branches, "
                                  "group entities, market infrastructures or providers we rely "
                                  "on."));
  const char * const *codes = vigil_dora_eea_states ();
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GtkWidget *home = adw_combo_row_new ();

  gtk_string_list_append (names, _("Not given"));
  for (guint i = 0; i < VIGIL_DORA_N_EEA_STATES; i++)
    gtk_string_list_append (names, vigil_dora_state_get_name (codes[i]));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (home), _("Our home member state"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (home),
                               _("Counts as one of the states when it is affected too"));
  adw_combo_row_set_model (ADW_COMBO_ROW (home), G_LIST_MODEL (names));
  gtk_widget_set_name (home, "geography.home_state");
  g_signal_connect_swapped (home, "notify::selected", G_CALLBACK (on_input_changed_cb), self);
  gtk_list_box_append (list, home);
  self->home_combo = home;

  self->states_expander = adw_expander_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->states_expander),
                                 _("Member states affected"));
  gtk_widget_set_name (self->states_expander, "geography.states");
  gtk_list_box_append (list, self->states_expander);
  self->states_input.widget = self->states_expander;
  add_error_row (list, &self->states_input);
  g_signal_connect_swapped (self->states_expander, "notify::expanded",
                            G_CALLBACK (on_states_expanded_cb), self);
  update_states_summary (self);
}

static void
build_result (VigilDoraClassification *self)
{
  GtkBox *card = vigil_section_add_card (&self->section, _("Result"), &self->result_group);
  GtkWidget *reasons_title;

  self->verdict_label = GTK_LABEL (vigil_section_make_label (NULL, "title-2"));
  gtk_widget_set_name (GTK_WIDGET (self->verdict_label), "dora-verdict");
  self->when_label = GTK_LABEL (vigil_section_make_label (NULL, "dim-label"));
  self->criteria_label = GTK_LABEL (vigil_section_make_label (NULL, "body"));
  gtk_widget_set_name (GTK_WIDGET (self->criteria_label), "dora-criteria-met");
  reasons_title = vigil_section_make_label (_("Why"), "heading");
  self->reasons_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 4));
  gtk_widget_set_name (GTK_WIDGET (self->reasons_box), "dora-reasons");

  gtk_box_append (card, GTK_WIDGET (self->verdict_label));
  gtk_box_append (card, GTK_WIDGET (self->when_label));
  gtk_box_append (card, GTK_WIDGET (self->criteria_label));
  gtk_box_append (card, reasons_title);
  gtk_box_append (card, GTK_WIDGET (self->reasons_box));

  self->recurring_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->recurring_group),
                                   _("Recurring incidents"));
  adw_preferences_group_set_description (
    ADW_PREFERENCES_GROUP (self->recurring_group),
    _("Incidents that are not major on their own count as one major incident when, with the "
      "same apparent root cause, together they meet the criteria within six months."));
  self->recurring_label = GTK_LABEL (vigil_section_make_label (NULL, "body"));
  gtk_widget_set_name (GTK_WIDGET (self->recurring_label), "dora-recurring");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->recurring_group),
                             GTK_WIDGET (self->recurring_label));
  gtk_box_append (GTK_BOX (self->section.box), self->recurring_group);
}

static void
build_form (VigilDoraClassification *self)
{
  GtkWidget *intro = vigil_section_make_label (_("Classification under DORA"), "title-4");
  GtkWidget *help = vigil_section_make_label (
    _("Answer with what is known now and classify again as the figures change. Vigil applies "
      "the rules of Delegated Regulation 2024/1772; the figures and judgements are yours."),
    "dim-label");
  {
    GtkWidget *heading = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

    gtk_box_append (GTK_BOX (heading), intro);
    gtk_box_append (GTK_BOX (heading), help);
    gtk_box_append (GTK_BOX (self->section.box), heading);
  }

  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      GtkListBox *list = vigil_section_add_group (&self->section, _(groups[g].title),
                                    groups[g].description ? _(groups[g].description) : NULL);

      for (guint i = 0; i < groups[g].n_inputs; i++)
        add_input (self, list, &groups[g].inputs[i]);
      if (g == STATES_AFTER_GROUP)
        build_states (self);
    }

  self->classify_button = gtk_button_new_with_mnemonic (_("_Classify"));
  gtk_widget_add_css_class (self->classify_button, "suggested-action");
  gtk_widget_set_name (self->classify_button, "dora-classify");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->classify_button), "dora.classify");
  gtk_widget_set_tooltip_text (self->classify_button,
                               _("Apply the classification rules to these answers (Ctrl+Enter)"));
  vigil_section_add_actions (&self->section, self->classify_button);

  build_result (self);
  vigil_section_add_history (&self->section, _("Earlier classifications"), "dora-history");
}

/* Inputs and the criteria JSON */

static void
sync_inputs (VigilDoraClassification *self,
             JsonObject              *criteria)
{
  const char * const *codes = vigil_dora_eea_states ();
  GHashTableIter iter;
  Input *input;
  JsonNode *node;
  JsonObject *states = NULL;

  self->syncing = TRUE;
  g_hash_table_iter_init (&iter, self->inputs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &input))
    {
      node = criteria ? lookup_path (criteria, input->def->path) : NULL;
      if (node != NULL && JSON_NODE_HOLDS_NULL (node))
        node = NULL;
      switch (input->def->kind)
        {
        case INPUT_BOOL:
          gtk_switch_set_active (GTK_SWITCH (input->widget),
                                 node != NULL && json_node_get_value_type (node) == G_TYPE_BOOLEAN
                                 && json_node_get_boolean (node));
          break;
        case INPUT_COUNT:
        case INPUT_AMOUNT:
        case INPUT_RATE:
          {
            double number = node != NULL ? json_node_get_double (node)
                                         : input->def->kind == INPUT_RATE ? 1.0 : 0.0;
            g_autofree char *text = format_number (input->def->kind, number);

            gtk_editable_set_text (GTK_EDITABLE (input->widget), text);
          }
          break;
        case INPUT_TIME:
          {
            g_autoptr(GDateTime) when = node ? vigil_time_from_iso (json_node_get_string (node))
                                             : NULL;
            g_autofree char *text = when ? vigil_format_local_time (when) : NULL;

            gtk_editable_set_text (GTK_EDITABLE (input->widget), text ? text : "");
          }
          break;
        case INPUT_CURRENCY:
          gtk_editable_set_text (GTK_EDITABLE (input->widget),
                                 node ? json_node_get_string (node) : "EUR");
          break;
        default:
          g_assert_not_reached ();
        }
    }

  node = criteria ? lookup_path (criteria, "geography.home_state") : NULL;
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->home_combo),
                              node && !JSON_NODE_HOLDS_NULL (node)
                              ? (guint) (vigil_dora_eea_state_index (json_node_get_string (node))
                                         + 1)
                              : 0);
  node = criteria ? lookup_path (criteria, "geography.states") : NULL;
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    states = json_node_get_object (node);
  for (guint i = 0; i < VIGIL_DORA_N_EEA_STATES; i++)
    {
      JsonArray *impacts = NULL;

      if (states != NULL && json_object_has_member (states, codes[i]) &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (states, codes[i])))
        impacts = json_object_get_array_member (states, codes[i]);
      self->state_impacts[i] = 0;
      for (guint j = 0; j < G_N_ELEMENTS (geo_ids); j++)
        {
          for (guint k = 0; impacts != NULL && k < json_array_get_length (impacts); k++)
            {
              if (g_strcmp0 (json_array_get_string_element (impacts, k), geo_ids[j]) == 0)
                self->state_impacts[i] |= 1u << j;
            }
        }
    }
  update_states_summary (self);
  self->syncing = FALSE;
  self->dirty = FALSE;
}

/* Returns: (transfer full) (nullable): the criteria, %NULL when an input
 * cannot be read (the problem is shown under it) */
static JsonObject *
build_criteria (VigilDoraClassification *self)
{
  const char * const *codes = vigil_dora_eea_states ();
  g_autoptr(JsonObject) criteria = json_object_new ();
  JsonObject *states = json_object_new ();
  GHashTableIter iter;
  Input *input;
  gboolean ok = TRUE;
  guint home;

  g_hash_table_iter_init (&iter, self->inputs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &input))
    {
      JsonNode *value = json_node_new (JSON_NODE_VALUE);

      switch (input->def->kind)
        {
        case INPUT_BOOL:
          json_node_set_boolean (value, gtk_switch_get_active (GTK_SWITCH (input->widget)));
          break;
        case INPUT_COUNT:
        case INPUT_AMOUNT:
        case INPUT_RATE:
          {
            double number;

            if (!parse_number (input->def->kind,
                               gtk_editable_get_text (GTK_EDITABLE (input->widget)), &number))
              {
                set_problem (input, input->def->kind == INPUT_COUNT
                                    ? _("Write a whole number such as 25000, or 0 when none.")
                                    : _("Write an amount such as 12500.50, or 0 when none."));
                ok = FALSE;
                number = 0;
              }
            if (input->def->kind == INPUT_COUNT)
              json_node_set_int (value, (gint64) number);
            else
              json_node_set_double (value, number);
          }
          break;
        case INPUT_TIME:
          {
            g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (
                                                            GTK_EDITABLE (input->widget))));
            g_autoptr(GDateTime) when = NULL;
            g_autofree char *iso = NULL;

            if (text[0] == '\0')
              {
                json_node_init_null (value);
                break;
              }
            when = vigil_parse_local_time (text);
            if (when == NULL)
              {
                set_problem (input, _("Write the time as YYYY-MM-DD HH:MM, or leave it empty "
                                      "when not known."));
                ok = FALSE;
                json_node_init_null (value);
                break;
              }
            iso = vigil_time_to_iso (when);
            json_node_set_string (value, iso);
          }
          break;
        case INPUT_CURRENCY:
          {
            g_autofree char *text = g_ascii_strup (gtk_editable_get_text (
                                                     GTK_EDITABLE (input->widget)), -1);

            json_node_set_string (value, g_strstrip (text));
          }
          break;
        default:
          g_assert_not_reached ();
        }
      set_path (criteria, input->def->path, value);
    }

  home = adw_combo_row_get_selected (ADW_COMBO_ROW (self->home_combo));
  if (home == 0 || home == GTK_INVALID_LIST_POSITION)
    set_path (criteria, "geography.home_state", json_node_new (JSON_NODE_NULL));
  else
    {
      JsonNode *value = json_node_new (JSON_NODE_VALUE);

      json_node_set_string (value, codes[home - 1]);
      set_path (criteria, "geography.home_state", value);
    }
  for (guint i = 0; i < VIGIL_DORA_N_EEA_STATES; i++)
    {
      JsonArray *impacts = json_array_new ();

      for (guint j = 0; j < G_N_ELEMENTS (geo_ids); j++)
        {
          if (self->state_impacts[i] & (1u << j))
            json_array_add_string_element (impacts, geo_ids[j]);
        }
      if (json_array_get_length (impacts) > 0)
        json_object_set_array_member (states, codes[i], impacts);
      else
        json_array_unref (impacts);
    }
  {
    JsonNode *value = json_node_new (JSON_NODE_OBJECT);

    json_node_take_object (value, states);
    set_path (criteria, "geography.states", value);
  }

  return ok ? g_steal_pointer (&criteria) : NULL;
}

/* The core names the field as "criteria.clients.affected"; the input with
 * the longest path that starts it shows the problem. */
static Input *
find_input_for_field (VigilDoraClassification *self,
                      const char              *field)
{
  GHashTableIter iter;
  Input *input, *best = NULL;
  gsize best_len = 0;

  if (field == NULL || !g_str_has_prefix (field, "criteria."))
    return NULL;
  field += strlen ("criteria.");
  if (g_str_has_prefix (field, "geography."))
    return &self->states_input;

  g_hash_table_iter_init (&iter, self->inputs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &input))
    {
      gsize len = strlen (input->def->path);

      if (strncmp (field, input->def->path, len) == 0 &&
          (field[len] == '\0' || field[len] == '.') && len > best_len)
        {
          best = input;
          best_len = len;
        }
    }
  /* "clients" alone: the group's first input. */
  if (best == NULL)
    {
      g_hash_table_iter_init (&iter, self->inputs);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &input))
        {
          if (g_str_has_prefix (input->def->path, field) &&
              input->def->path[strlen (field)] == '.' &&
              (best == NULL || strcmp (input->def->path, best->def->path) < 0))
            best = input;
        }
    }
  return best;
}

/* Classifying */

static void
on_classified_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VigilDoraClassification) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vigil_section_apply_finish (&self->section, result, &error))
    return;
  if (error != NULL)
    {
      g_autofree char *field = vigil_op_error_dup_field (error);
      Input *input = find_input_for_field (self, field);
      g_autofree char *message = NULL;

      if (input != NULL)
        {
          /* The core names the field by its path; the form by its words. */
          g_autoptr(GString) reason = g_string_new (vigil_op_error_get_reason (error));

          if (input->def != NULL)
            g_string_replace (reason, input->def->path, _(input->def->title), 1);
          set_problem (input, reason->str);
          message = g_strdup (_("Not classified: correct the answer marked in red."));
        }
      else
        message = g_strdup_printf (_("Not classified: %s"), vigil_op_error_get_reason (error));
      vigil_section_show_error (&self->section, message);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "dora.classify",
                                     self->read_only_reason == NULL);
      return;
    }

  self->dirty = FALSE;
  g_clear_pointer (&self->shown_criteria, g_free);
  vigil_dora_classification_refresh (self);
}

static void
classify_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VigilDoraClassification *self = VIGIL_DORA_CLASSIFICATION (widget);
  g_autoptr(JsonObject) criteria = NULL;
  JsonObject *payload;

  if (self->section.incident == NULL || self->section.workspace == NULL
      || self->read_only_reason != NULL)
    return;

  clear_problems (self);
  criteria = build_criteria (self);
  if (criteria == NULL)
    {
      vigil_section_show_error (&self->section,
                                _("Not classified: correct the answer marked in red."));
      return;
    }

  payload = json_object_new ();
  json_object_set_object_member (payload, "criteria", g_steal_pointer (&criteria));
  vigil_section_apply (&self->section, VIGIL_OP_DORA_CLASSIFY, payload, "dora.classify",
                       on_classified_cb);
}

/* The result */

static void
show_result (VigilDoraClassification *self)
{
  JsonObject *dora = vigil_incident_get_dora (self->section.incident);
  JsonObject *result = NULL;
  GtkWidget *child;

  if (dora != NULL && json_object_has_member (dora, "result") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (dora, "result")))
    result = json_object_get_object_member (dora, "result");

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->reasons_box))) != NULL)
    gtk_box_remove (self->reasons_box, child);
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_label), "success");

  if (result == NULL)
    {
      gtk_label_set_label (self->verdict_label, _("Not classified yet"));
      gtk_label_set_label (self->when_label, _("Fill in what is known and press Classify."));
      gtk_widget_set_visible (GTK_WIDGET (self->criteria_label), FALSE);
      gtk_widget_set_visible (gtk_widget_get_prev_sibling (GTK_WIDGET (self->reasons_box)), FALSE);
      return;
    }

  {
    gboolean major = json_object_get_boolean_member_with_default (result, "major", FALSE);
    g_autoptr(GDateTime) computed = vigil_time_from_iso (
      json_object_get_string_member_with_default (result, "computed_at", ""));
    g_autoptr(GDateTime) classified_at =
      vigil_incident_dup_dora_classified_at (self->section.incident);
    g_autofree char *computed_text = computed ? vigil_format_local_time (computed)
                                              : g_strdup ("—");
    g_autofree char *when = NULL;
    g_autoptr(GString) met = g_string_new (NULL);
    JsonArray *triggers = json_object_has_member (result, "triggers")
                          ? json_object_get_array_member (result, "triggers") : NULL;
    JsonArray *reasons = json_object_has_member (result, "reasons")
                         ? json_object_get_array_member (result, "reasons") : NULL;

    gtk_label_set_label (self->verdict_label, major ? _("Major incident") : _("Not major"));
    gtk_widget_add_css_class (GTK_WIDGET (self->verdict_label), major ? "error" : "success");

    if (classified_at != NULL)
      {
        g_autofree char *classified_text = vigil_format_local_time (classified_at);

        /* Translators: both are times, e.g. "Classified 2026-11-30 10:00 · first found major
         * 2026-11-29 18:00" */
        when = g_strdup_printf (_("Classified %s · first found major %s (time of "
                                  "classification for the reports)"),
                                computed_text, classified_text);
      }
    else
      when = g_strdup_printf (_("Classified %s"), computed_text);
    gtk_label_set_label (self->when_label, when);

    for (guint i = 0; triggers != NULL && i < json_array_get_length (triggers); i++)
      {
        VigilDoraTrigger trigger = trigger_from_id (json_array_get_string_element (triggers, i));

        if (trigger == 0)
          continue;
        if (met->len > 0)
          g_string_append (met, ", ");
        g_string_append (met, vigil_dora_trigger_get_label (trigger));
      }
    if (met->len > 0)
      {
        g_autofree char *text = g_strdup_printf (_("Criteria met: %s"), met->str);

        gtk_label_set_label (self->criteria_label, text);
      }
    else
      gtk_label_set_label (self->criteria_label, _("Criteria met: none"));
    gtk_widget_set_visible (GTK_WIDGET (self->criteria_label), TRUE);

    gtk_widget_set_visible (gtk_widget_get_prev_sibling (GTK_WIDGET (self->reasons_box)),
                            reasons != NULL && json_array_get_length (reasons) > 0);
    for (guint i = 0; reasons != NULL && i < json_array_get_length (reasons); i++)
      {
        g_autofree char *text = g_strdup_printf ("• %s",
                                                 json_array_get_string_element (reasons, i));
        GtkWidget *label = vigil_section_make_label (text, "body");

        gtk_label_set_selectable (GTK_LABEL (label), TRUE);
        gtk_box_append (self->reasons_box, label);
      }
  }
}

/* Recurring incidents: the incidents of the workspace with the same root
 * cause, checked in a worker thread. */

typedef struct {
  char             **ids;
  char             **causes;
  VigilDoraCriteria **criteria;
  gboolean          *major;
  guint              n;
  char              *own_id;
  GDateTime         *now;
} RecurringJob;

static void
recurring_job_free (RecurringJob *job)
{
  for (guint i = 0; i < job->n; i++)
    {
      g_free (job->ids[i]);
      g_free (job->causes[i]);
      vigil_dora_criteria_free (job->criteria[i]);
    }
  g_free (job->ids);
  g_free (job->causes);
  g_free (job->criteria);
  g_free (job->major);
  g_free (job->own_id);
  g_date_time_unref (job->now);
  g_free (job);
}

static const char *
get_root_cause (VigilIncident *incident)
{
  JsonNode *node = vigil_incident_get_form_value (incident, "findings", "root_cause");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
recurring_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  RecurringJob *job = task_data;
  g_autofree VigilDoraRecurringItem *items = g_new0 (VigilDoraRecurringItem, job->n);
  g_autoptr(GPtrArray) recurrences = NULL;

  for (guint i = 0; i < job->n; i++)
    {
      items[i].id = job->ids[i];
      items[i].root_cause = job->causes[i];
      items[i].criteria = job->criteria[i];
      items[i].major = job->major[i];
    }
  recurrences = vigil_dora_recurring_check (items, job->n, job->now, NULL);
  for (guint i = 0; i < recurrences->len; i++)
    {
      VigilDoraRecurrence *recurrence = recurrences->pdata[i];

      if (g_strv_contains ((const char * const *) recurrence->ids, job->own_id))
        {
          g_task_return_pointer (task, g_ptr_array_steal_index (recurrences, i),
                                 (GDestroyNotify) vigil_dora_recurrence_free);
          return;
        }
    }
  g_task_return_pointer (task, NULL, NULL);
}

static void
on_recurring_ready_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(VigilDoraClassification) self = user_data;
  g_autoptr(VigilDoraRecurrence) recurrence = NULL;
  g_autofree char *text = NULL;

  self->section.n_loading--;
  recurrence = g_task_propagate_pointer (G_TASK (result), NULL);
  if (self->section.incident == NULL || g_cancellable_is_cancelled (self->section.cancellable))
    return;
  if (recurrence == NULL)
    text = g_strdup (_("No other incident that is not major shares this root cause within six "
                       "months."));
  else if (recurrence->result->major)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u incident with this root cause within six months: "
                                         "together they are a major incident and must be "
                                         "reported as one.",
                                         "%u incidents with this root cause within six months: "
                                         "together they are a major incident and must be "
                                         "reported as one.", recurrence->n_occurrences),
                            recurrence->n_occurrences);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u incident with this root cause within six months; "
                                         "together they are not major.",
                                         "%u incidents with this root cause within six months; "
                                         "together they are not major.",
                                         recurrence->n_occurrences),
                            recurrence->n_occurrences);
  gtk_label_set_label (self->recurring_label, text);
  if (recurrence != NULL && recurrence->result->major)
    gtk_widget_add_css_class (GTK_WIDGET (self->recurring_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->recurring_label), "error");
}

static void
check_recurring (VigilDoraClassification *self)
{
  const char *cause = get_root_cause (self->section.incident);
  GListModel *incidents = vigil_workspace_get_incidents (self->section.workspace);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(VigilDoraProfile) profile = vigil_dora_profile_dup_default ();
  RecurringJob *job;

  gtk_widget_set_visible (self->recurring_group,
                          vigil_dora_entity_needs_recurring_check (
                            vigil_dora_profile_get_entity (profile)));
  if (!gtk_widget_get_visible (self->recurring_group))
    return;
  if (cause == NULL || vigil_incident_get_dora (self->section.incident) == NULL ||
      !json_object_has_member (vigil_incident_get_dora (self->section.incident), "criteria"))
    {
      gtk_label_set_label (self->recurring_label,
                           cause == NULL
                           ? _("Record the apparent root cause in step 6 to compare this "
                               "incident with others.")
                           : _("Classify the incident to compare it with others of the same "
                               "root cause."));
      gtk_widget_remove_css_class (GTK_WIDGET (self->recurring_label), "error");
      return;
    }

  /* Only the incidents with this cause are read here; the rules run in a thread. */
  for (guint i = 0; i < g_list_model_get_n_items (incidents); i++)
    {
      g_autoptr(VigilIncident) other = g_list_model_get_item (incidents, i);
      JsonObject *dora = vigil_incident_get_dora (other);

      if (dora != NULL && json_object_has_member (dora, "criteria") &&
          g_strcmp0 (get_root_cause (other), cause) == 0)
        g_ptr_array_add (found, g_steal_pointer (&other));
    }

  job = g_new0 (RecurringJob, 1);
  job->ids = g_new0 (char *, found->len);
  job->causes = g_new0 (char *, found->len);
  job->criteria = g_new0 (VigilDoraCriteria *, found->len);
  job->major = g_new0 (gboolean, found->len);
  job->own_id = g_strdup (vigil_incident_get_id (self->section.incident));
  job->now = g_date_time_new_now_utc ();
  for (guint i = 0; i < found->len; i++)
    {
      VigilIncident *other = found->pdata[i];
      VigilDoraCriteria *criteria = vigil_dora_criteria_new_from_json (
        json_object_get_member (vigil_incident_get_dora (other), "criteria"), NULL);

      if (criteria == NULL)
        continue;
      job->ids[job->n] = g_strdup (vigil_incident_get_id (other));
      job->causes[job->n] = g_strdup (cause);
      job->criteria[job->n] = criteria;
      job->major[job->n] = vigil_incident_get_dora_major (other);
      job->n++;
    }

  gtk_label_set_label (self->recurring_label, _("Looking for incidents with this root cause…"));
  self->section.n_loading++;
  task = g_task_new (NULL, self->section.cancellable, on_recurring_ready_cb, g_object_ref (self));
  g_task_set_source_tag (task, check_recurring);
  g_task_set_task_data (task, job, (GDestroyNotify) recurring_job_free);
  g_task_run_in_thread (task, recurring_thread);
}

/* History: every dora.classify of the operation log. */

static JsonNode *
find_change (JsonArray  *changes,
             const char *field)
{
  for (guint i = 0; changes != NULL && i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (change, "field", ""),
                     field) == 0)
        return json_object_get_member (change, "new");
    }
  return NULL;
}

static void
on_history_ready_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(VigilDoraClassification) self = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autofree char *status = NULL;
  gboolean major = FALSE;

  entries = vigil_section_history_begin (&self->section, result);
  if (entries == NULL)
    return;

  /* The log records the result only when it changed: follow it from the start. */
  for (guint i = 0; i < entries->len; i++)
    {
      VigilLogEntry *entry = entries->pdata[i];
      JsonNode *node;
      GtkWidget *row;
      g_autofree char *when = NULL;
      g_autofree char *title = NULL;

      if (vigil_op_get_kind (entry->op) != VIGIL_OP_DORA_CLASSIFY)
        continue;
      node = find_change (entry->changes, "dora.result.major");
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
        major = json_node_get_boolean (node);

      when = vigil_format_local_time (vigil_op_get_at (entry->op));
      row = adw_action_row_new ();
      /* Translators: an earlier classification, e.g. "Major · by ana" */
      title = g_strdup_printf (_("%s · by %s"), major ? _("Major") : _("Not major"),
                               vigil_op_get_actor (entry->op));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), when);
      g_ptr_array_add (rows, row);
    }

  for (guint i = rows->len; i > 0; i--)
    gtk_list_box_append (self->section.history_list, rows->pdata[i - 1]);
  status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u classification, newest first",
                                         "%u classifications, newest first", rows->len),
                            rows->len);
  vigil_section_history_end (&self->section, rows->len, status);
}

/* Read-only: the core decides, on a copy, as for the step's other forms. */
static char *
dup_read_only_reason (VigilDoraClassification *self)
{
  JsonObject *payload = json_object_new ();
  g_autoptr(GError) error = NULL;

  json_object_set_object_member (payload, "criteria", json_object_new ());
  if (vigil_section_may_apply (self->section.workspace, self->section.incident,
                               VIGIL_OP_DORA_CLASSIFY, payload, &error))
    return NULL;
  return g_strdup (vigil_op_error_get_reason (error));
}

static void
set_inputs_sensitive (VigilDoraClassification *self,
                      gboolean                 sensitive)
{
  GHashTableIter iter;
  Input *input;

  g_hash_table_iter_init (&iter, self->inputs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &input))
    gtk_widget_set_sensitive (input->widget, sensitive);
  gtk_widget_set_sensitive (self->home_combo, sensitive);
  self->states_editable = sensitive;
  gtk_widget_set_visible (self->classify_button, sensitive);
}

/* Overrides */

/* Taken off the page for good (another step, the window closed): what is
 * still being read no longer keeps the workspace alive. */
static void
vigil_dora_classification_unroot (GtkWidget *widget)
{
  VigilDoraClassification *self = VIGIL_DORA_CLASSIFICATION (widget);

  vigil_section_unroot (&self->section);

  GTK_WIDGET_CLASS (vigil_dora_classification_parent_class)->unroot (widget);
}

static void
vigil_dora_classification_dispose (GObject *object)
{
  VigilDoraClassification *self = VIGIL_DORA_CLASSIFICATION (object);

  vigil_section_dispose (&self->section);

  G_OBJECT_CLASS (vigil_dora_classification_parent_class)->dispose (object);
}

static void
vigil_dora_classification_finalize (GObject *object)
{
  VigilDoraClassification *self = VIGIL_DORA_CLASSIFICATION (object);

  g_clear_pointer (&self->inputs, g_hash_table_unref);
  g_free (self->shown_criteria);
  g_free (self->read_only_reason);

  G_OBJECT_CLASS (vigil_dora_classification_parent_class)->finalize (object);
}

static void
vigil_dora_classification_class_init (VigilDoraClassificationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_dora_classification_dispose;
  object_class->finalize = vigil_dora_classification_finalize;
  widget_class->unroot = vigil_dora_classification_unroot;

  gtk_widget_class_install_action (widget_class, "dora.classify", NULL, classify_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "dora.classify", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "dora.classify", NULL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "dora-classification");
}

static void
vigil_dora_classification_init (VigilDoraClassification *self)
{
  self->inputs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  vigil_section_init (&self->section, GTK_WIDGET (self));
  build_form (self);
}

/* Public API */

GtkWidget *
vigil_dora_classification_new (VigilWorkspace *workspace,
                               VigilIncident  *incident)
{
  VigilDoraClassification *self;

  g_return_val_if_fail (VIGIL_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), NULL);

  self = g_object_new (VIGIL_TYPE_DORA_CLASSIFICATION, NULL);
  vigil_section_set_incident (&self->section, workspace, incident);
  vigil_dora_classification_refresh (self);
  return GTK_WIDGET (self);
}

void
vigil_dora_classification_refresh (VigilDoraClassification *self)
{
  JsonObject *dora;
  g_autofree char *criteria_text = NULL;
  g_autofree char *reason = NULL;

  g_return_if_fail (VIGIL_IS_DORA_CLASSIFICATION (self));

  if (self->section.incident == NULL)
    return;

  dora = vigil_incident_get_dora (self->section.incident);
  if (dora != NULL && json_object_has_member (dora, "criteria"))
    {
      g_autoptr(JsonNode) node = json_node_copy (json_object_get_member (dora, "criteria"));

      criteria_text = json_to_string (node, FALSE);
    }

  /* Someone classified (here or elsewhere): show their answers unless the
   * user is changing them. */
  if (!self->synced || (!self->dirty && g_strcmp0 (criteria_text, self->shown_criteria) != 0))
    {
      sync_inputs (self, criteria_text && dora ? json_object_get_object_member (dora, "criteria")
                                               : NULL);
      g_free (self->shown_criteria);
      self->shown_criteria = g_strdup (criteria_text);
      self->synced = TRUE;
    }

  reason = dup_read_only_reason (self);
  g_free (self->read_only_reason);
  self->read_only_reason = g_steal_pointer (&reason);
  set_inputs_sensitive (self, self->read_only_reason == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dora.classify",
                                 self->read_only_reason == NULL && self->section.n_applying == 0);

  show_result (self);
  if (vigil_section_load_history (&self->section, on_history_ready_cb))
    check_recurring (self);
}

gboolean
vigil_dora_classification_get_busy (VigilDoraClassification *self)
{
  g_return_val_if_fail (VIGIL_IS_DORA_CLASSIFICATION (self), FALSE);

  return vigil_section_get_busy (&self->section);
}

const char *
vigil_dora_classification_get_read_only_reason (VigilDoraClassification *self)
{
  g_return_val_if_fail (VIGIL_IS_DORA_CLASSIFICATION (self), NULL);

  return self->read_only_reason;
}

int
vigil_dora_classification_get_n_history (VigilDoraClassification *self)
{
  g_return_val_if_fail (VIGIL_IS_DORA_CLASSIFICATION (self), -1);

  return self->section.n_history;
}
