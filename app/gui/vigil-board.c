/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-board"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include <vigil/vigil.h>

#include "vigil-board.h"
#include "vigil-board-column.h"

#define AGE_REFRESH_SECONDS 60
#define FOCUS_FOLLOW_FRAMES 30
/* The columns' min-width in style.css, normal and compact */
#define COLUMN_LEAST_WIDTH         272
#define COLUMN_LEAST_WIDTH_COMPACT 208

/* The board: one column per step of the process table, grouped by phase
 * under a coloured band, all in one horizontal scroller. Above it a search
 * bar with filters. Each column is a view of the workspace's one incident
 * model: the incidents of its step, through the board's one filter (search
 * and filters); the filtered model is the columns' views together. */
struct _VigilBoard
{
  GtkWidget           parent_instance;

  VigilWorkspace     *workspace;
  GListModel         *model;
  GtkCustomFilter    *filter;
  gboolean            filter_set;      /* whether the filter has its function */
  GListStore          *column_models;
  GtkFlattenListModel *filtered;       /* what the columns show, column by column */
  VigilBoardColumn   *columns[VIGIL_N_STEPS];
  GtkWidget          *groups[VIGIL_N_PHASES];
  GCancellable       *cancellable;
  guint               age_timeout_id;
  guint               away_idle_id;
  gboolean            compact;
  /* Showing the workspace's preview while it loads all incidents */
  gboolean            previewing;
  gboolean            columns_hold_preview;

  /* What the filter lets through */
  char               *search_folded;   /* the query, folded, words joined by one space */
  char              **search_words;
  char               *type;
  char               *severity;
  gboolean            mine;
  gboolean            major;           /* only DORA major incidents */
  gboolean            overdue;         /* only incidents with a report overdue */
  GDateTime          *overdue_now;     /* "overdue" is measured against this */
  int                 phase;           /* -1: every phase */
  gboolean            syncing_widgets;
  gboolean            setting_entry;

  /* Keyboard moves: the card that should get the focus once it shows */
  VigilIncident      *focus_incident;
  guint               focus_tick_id;
  guint               focus_frames;

  GtkSearchBar       *search_bar;
  GtkSearchEntry     *search_entry;
  GtkDropDown        *type_dropdown;
  GtkDropDown        *severity_dropdown;
  GtkDropDown        *phase_dropdown;
  GtkToggleButton    *mine_button;
  GtkToggleButton    *major_button;
  GtkToggleButton    *overdue_button;
  GtkRevealer        *filters_revealer;
  GtkLabel           *summary_label;
  GtkBox             *chips_box;
  GtkWidget          *scroller;
  GtkBox             *groups_box;
};

G_DEFINE_FINAL_TYPE (VigilBoard, vigil_board, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_WORKSPACE,
  PROP_COMPACT,
  PROP_SEARCH_MODE,
  PROP_PREVIEWING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  MOVE_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void vigil_board_filter_changed (VigilBoard       *self,
                                        GtkFilterChange   change);
static void queue_update_away_columns  (VigilBoard       *self);
static void on_model_items_changed_cb  (VigilBoard       *self,
                                        guint             position,
                                        guint             removed,
                                        guint             added,
                                        GListModel       *model);
static void vigil_board_end_preview    (VigilBoard       *self);

/* Filtering */

static gboolean
board_filter_func (gpointer item,
                   gpointer user_data)
{
  VigilBoard *self = user_data;
  VigilIncident *incident = item;

  if (self->phase >= 0 &&
      vigil_process_get_phase (vigil_incident_get_step (incident)) != (VigilPhase) self->phase)
    return FALSE;
  if (self->type != NULL &&
      g_strcmp0 (vigil_incident_get_incident_type (incident), self->type) != 0)
    return FALSE;
  if (self->severity != NULL &&
      g_strcmp0 (vigil_incident_get_severity (incident), self->severity) != 0)
    return FALSE;
  if (self->mine &&
      (self->workspace == NULL ||
       g_strcmp0 (vigil_incident_get_owner (incident),
                  vigil_workspace_get_actor (self->workspace)) != 0))
    return FALSE;
  if (self->major && !vigil_incident_get_dora_major (incident))
    return FALSE;
  if (self->overdue && !vigil_incident_has_overdue_report (incident, self->overdue_now))
    return FALSE;
  if (self->search_words != NULL &&
      !vigil_incident_matches_folded (incident, (const char * const *) self->search_words))
    return FALSE;

  return TRUE;
}

gboolean
vigil_board_get_filtering (VigilBoard *self)
{
  g_return_val_if_fail (VIGIL_IS_BOARD (self), FALSE);

  return self->search_words != NULL || self->type != NULL || self->severity != NULL ||
         self->mine || self->major || self->overdue || self->phase >= 0;
}

static void
on_chip_clicked_cb (GtkButton  *button,
                    VigilBoard *self)
{
  const char *which = g_object_get_data (G_OBJECT (button), "vigil-filter");

  if (g_str_equal (which, "search"))
    vigil_board_set_search_text (self, NULL);
  else if (g_str_equal (which, "type"))
    vigil_board_set_type_filter (self, NULL);
  else if (g_str_equal (which, "severity"))
    vigil_board_set_severity_filter (self, NULL);
  else if (g_str_equal (which, "mine"))
    vigil_board_set_mine_filter (self, FALSE);
  else if (g_str_equal (which, "major"))
    vigil_board_set_major_filter (self, FALSE);
  else if (g_str_equal (which, "overdue"))
    vigil_board_set_overdue_filter (self, FALSE);
  else if (g_str_equal (which, "phase"))
    vigil_board_set_phase_filter (self, -1);
}

static void
set_chip_text (GtkWidget  *button,
               const char *text)
{
  GtkWidget *label = gtk_widget_get_first_child (gtk_button_get_child (GTK_BUTTON (button)));
  /* Translators: accessible name of the button that removes one filter */
  g_autofree char *accessible = g_strdup_printf (_("Remove filter: %s"), text);

  gtk_label_set_label (GTK_LABEL (label), text);
  gtk_widget_set_tooltip_text (button, accessible);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

/* @next: the chip that follows the last one placed (the first chip that is
 * not yet the right one). A chip for the same filter is kept and given the
 * new text: while typing a search, only its text changes. */
static void
place_chip (VigilBoard  *self,
            GtkWidget  **next,
            const char  *which,
            const char  *text)
{
  GtkWidget *button;
  GtkWidget *box;
  GtkWidget *label;
  GtkWidget *icon;

  if (*next != NULL && g_str_equal (g_object_get_data (G_OBJECT (*next), "vigil-filter"), which))
    {
      if (!g_str_equal (gtk_label_get_label (GTK_LABEL (gtk_widget_get_first_child (gtk_button_get_child (GTK_BUTTON (*next))))),
                        text))
        set_chip_text (*next, text);
      *next = gtk_widget_get_next_sibling (*next);
      return;
    }

  button = gtk_button_new ();
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  label = gtk_label_new (NULL);
  icon = gtk_image_new_from_icon_name ("window-close-symbolic");
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 32);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "filter-chip");
  set_chip_text (button, text);
  g_object_set_data_full (G_OBJECT (button), "vigil-filter", g_strdup (which), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_chip_clicked_cb), self, 0);
  gtk_box_insert_child_after (self->chips_box, button,
                              *next != NULL ? gtk_widget_get_prev_sibling (*next)
                                            : gtk_widget_get_last_child (GTK_WIDGET (self->chips_box)));
}

static void
vigil_board_update_summary (VigilBoard *self)
{
  guint total = self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  g_autofree char *text = NULL;

  /* Translators: above the board while filters are active */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Showing %u of %u incident",
                                       "Showing %u of %u incidents",
                                       total),
                          shown, total);
  gtk_label_set_label (self->summary_label, text);
}

static void
vigil_board_update_chips (VigilBoard *self)
{
  GtkWidget *next = gtk_widget_get_first_child (GTK_WIDGET (self->chips_box));
  gboolean filtering = vigil_board_get_filtering (self);

  if (self->search_words != NULL)
    {
      /* Translators: a filter chip, %s is what was typed in the search */
      g_autofree char *text = g_strdup_printf (_("Text: “%s”"),
                                               gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
      place_chip (self, &next, "search", text);
    }
  if (self->type != NULL)
    {
      /* Translators: a filter chip, e.g. "Type: Phishing Attempt" */
      g_autofree char *text = g_strdup_printf (_("Type: %s"),
                                               vigil_process_get_choice_label (VIGIL_CHOICES_INCIDENT_TYPE,
                                                                               self->type));
      place_chip (self, &next, "type", text);
    }
  if (self->severity != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Severity: %s"),
                                               vigil_process_get_choice_label (VIGIL_CHOICES_SEVERITY,
                                                                               self->severity));
      place_chip (self, &next, "severity", text);
    }
  if (self->phase >= 0)
    {
      /* Translators: a filter chip, e.g. "Phase: Respond" */
      g_autofree char *text = g_strdup_printf (_("Phase: %s"), vigil_phase_get_name (self->phase));
      place_chip (self, &next, "phase", text);
    }
  if (self->mine)
    place_chip (self, &next, "mine", _("Only mine"));
  if (self->major)
    /* Translators: a filter chip */
    place_chip (self, &next, "major", _("DORA major"));
  if (self->overdue)
    /* Translators: a filter chip: a report to the authority is overdue */
    place_chip (self, &next, "overdue", _("Report overdue"));
  /* The filters no longer set */
  while (next != NULL)
    {
      GtkWidget *gone = next;

      next = gtk_widget_get_next_sibling (next);
      gtk_box_remove (self->chips_box, gone);
    }

  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    vigil_board_column_set_filtering (self->columns[i], filtering);
  gtk_revealer_set_reveal_child (self->filters_revealer, filtering);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "board.clear-filters", filtering);
  vigil_board_update_summary (self);
}

/* Without any filter the board's filter has no function at all: it then
 * matches everything without being asked, and the columns let all their
 * incidents through without checking each one (a search erased to nothing,
 * a load). */
static void
vigil_board_filter_changed (VigilBoard      *self,
                            GtkFilterChange  change)
{
  gboolean filtering = vigil_board_get_filtering (self);

  if (filtering != self->filter_set)
    {
      self->filter_set = filtering;
      if (filtering)
        gtk_custom_filter_set_filter_func (self->filter, board_filter_func, self, NULL);
      else
        gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);
    }
  else if (filtering)
    gtk_filter_changed (GTK_FILTER (self->filter), change);
  vigil_board_update_chips (self);
}

static void
on_filtered_items_changed_cb (VigilBoard *self,
                              guint       position,
                              guint       removed,
                              guint       added,
                              GListModel *model)
{
  if (removed != added)
    vigil_board_update_summary (self);
}

/* The widgets of the search bar follow the filter state. */
static void
vigil_board_sync_widgets (VigilBoard *self)
{
  guint n_choices;
  const VigilChoice *choices;
  guint selected;

  self->syncing_widgets = TRUE;

  selected = 0;
  choices = vigil_process_get_choices (VIGIL_CHOICES_INCIDENT_TYPE, &n_choices);
  for (guint i = 0; i < n_choices && self->type != NULL; i++)
    if (g_str_equal (choices[i].id, self->type))
      selected = i + 1;
  gtk_drop_down_set_selected (self->type_dropdown, selected);

  selected = 0;
  choices = vigil_process_get_choices (VIGIL_CHOICES_SEVERITY, &n_choices);
  for (guint i = 0; i < n_choices && self->severity != NULL; i++)
    if (g_str_equal (choices[i].id, self->severity))
      selected = i + 1;
  gtk_drop_down_set_selected (self->severity_dropdown, selected);

  gtk_drop_down_set_selected (self->phase_dropdown, self->phase >= 0 ? (guint) self->phase + 1 : 0);
  gtk_toggle_button_set_active (self->mine_button, self->mine);
  gtk_toggle_button_set_active (self->major_button, self->major);
  gtk_toggle_button_set_active (self->overdue_button, self->overdue);

  self->syncing_widgets = FALSE;
}

static void
on_search_changed_cb (VigilBoard     *self,
                      GtkSearchEntry *entry)
{
  /* Replacing the text passes through an empty entry, which the search
   * entry reports at once: that is not a search. */
  if (self->setting_entry)
    return;

  vigil_board_set_search_text (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_dropdown_selected_cb (VigilBoard  *self,
                         GParamSpec  *pspec,
                         GtkDropDown *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  const VigilChoice *choices;
  guint n_choices;

  if (self->syncing_widgets)
    return;

  if (dropdown == self->phase_dropdown)
    {
      vigil_board_set_phase_filter (self, selected == 0 || selected == GTK_INVALID_LIST_POSITION
                                          ? -1 : (int) selected - 1);
      return;
    }

  choices = vigil_process_get_choices (dropdown == self->type_dropdown
                                       ? VIGIL_CHOICES_INCIDENT_TYPE : VIGIL_CHOICES_SEVERITY,
                                       &n_choices);
  if (dropdown == self->type_dropdown)
    vigil_board_set_type_filter (self, selected >= 1 && selected <= n_choices
                                       ? choices[selected - 1].id : NULL);
  else
    vigil_board_set_severity_filter (self, selected >= 1 && selected <= n_choices
                                           ? choices[selected - 1].id : NULL);
}

static void
on_toggle_filter_cb (VigilBoard      *self,
                     GtkToggleButton *button)
{
  gboolean active = gtk_toggle_button_get_active (button);

  if (self->syncing_widgets)
    return;
  if (button == self->mine_button)
    vigil_board_set_mine_filter (self, active);
  else if (button == self->major_button)
    vigil_board_set_major_filter (self, active);
  else
    vigil_board_set_overdue_filter (self, active);
}

static void
fill_dropdown (GtkDropDown     *dropdown,
               const char      *all_label,
               VigilChoiceList  list)
{
  g_autoptr(GtkStringList) strings = gtk_string_list_new (NULL);
  const VigilChoice *choices;
  guint n_choices;

  gtk_string_list_append (strings, all_label);
  choices = vigil_process_get_choices (list, &n_choices);
  for (guint i = 0; i < n_choices; i++)
    gtk_string_list_append (strings, vigil_choice_get_label (&choices[i]));
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (strings));
}

/* Moves */

typedef struct {
  VigilBoard    *board;
  VigilIncident *incident;
  guint          to;
  gboolean       follow_focus;
} MoveData;

static void
move_data_free (MoveData *data)
{
  g_object_unref (data->board);
  g_object_unref (data->incident);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MoveData, move_data_free)

/* Brings @column wholly into view, with a little room beside it. */
static void
scroll_to_column (VigilBoard *self,
                  GtkWidget  *column)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (self->scroller));
  double value = gtk_adjustment_get_value (adjustment);
  double page = gtk_adjustment_get_page_size (adjustment);
  graphene_rect_t bounds;

  if (!gtk_widget_compute_bounds (column, GTK_WIDGET (self->groups_box), &bounds))
    return;

  if (bounds.origin.x < value)
    gtk_adjustment_set_value (adjustment, bounds.origin.x - 12);
  else if (bounds.origin.x + bounds.size.width > value + page)
    gtk_adjustment_set_value (adjustment, bounds.origin.x + bounds.size.width - page + 12);
}

static gboolean
on_focus_tick_cb (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  VigilBoard *self = VIGIL_BOARD (widget);
  guint step;

  if (self->focus_incident == NULL)
    goto done;

  step = vigil_incident_get_step (self->focus_incident);
  if (step >= 1 && step <= VIGIL_N_STEPS &&
      vigil_board_column_focus_incident (self->columns[step - 1], self->focus_incident))
    {
      scroll_to_column (self, GTK_WIDGET (self->columns[step - 1]));
      goto done;
    }

  /* Filtered out, or never laid out: give up after a while. */
  if (++self->focus_frames < FOCUS_FOLLOW_FRAMES)
    return G_SOURCE_CONTINUE;

done:
  g_clear_object (&self->focus_incident);
  self->focus_tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
vigil_board_follow_focus (VigilBoard    *self,
                          VigilIncident *incident)
{
  g_set_object (&self->focus_incident, incident);
  self->focus_frames = 0;
  if (self->focus_tick_id == 0)
    self->focus_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_focus_tick_cb,
                                                        NULL, NULL);
}

static void
on_move_ready_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(MoveData) data = user_data;
  g_autoptr(GError) error = NULL;
  VigilIncident *moved;

  moved = vigil_workspace_apply_finish (VIGIL_WORKSPACE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (moved == NULL)
    {
      const char *reason = error->domain == VIGIL_OP_ERROR
                           ? vigil_op_error_get_reason (error) : error->message;
      g_autofree char *message = NULL;

      /* Translators: a refused move; %s is the reason the rules give */
      message = g_strdup_printf (_("Not moved: %s"), reason);
      g_debug ("Moving %s to step %u failed: %s",
               vigil_incident_get_reference (data->incident), data->to, error->message);
      g_signal_emit (data->board, signals[MOVE_FAILED], 0, data->incident, message);
      return;
    }

  if (data->follow_focus)
    vigil_board_follow_focus (data->board, moved);
}

static void
vigil_board_request_move (VigilBoard    *self,
                          VigilIncident *incident,
                          guint          to,
                          gboolean       follow_focus)
{
  g_autoptr(VigilOp) op = NULL;
  JsonObject *payload;
  MoveData *data;

  g_return_if_fail (VIGIL_IS_INCIDENT (incident));

  if (self->workspace == NULL)
    return;

  /* The cards of the preview are copies, and a move made now could be
   * overtaken by the incidents being read: refuse it, and say why. */
  if (self->previewing)
    {
      g_signal_emit (self, signals[MOVE_FAILED], 0, incident,
                     _("Not moved: the board is still loading all incidents. "
                       "Try again in a moment."));
      return;
    }

  payload = json_object_new ();
  json_object_set_int_member (payload, "to", to);
  op = vigil_op_new (VIGIL_OP_INCIDENT_MOVE, vigil_incident_get_id (incident),
                     vigil_workspace_get_actor (self->workspace),
                     vigil_incident_get_revision (incident), payload);

  data = g_new0 (MoveData, 1);
  data->board = g_object_ref (self);
  data->incident = g_object_ref (incident);
  data->to = to;
  data->follow_focus = follow_focus;
  vigil_workspace_apply_async (self->workspace, op, self->cancellable, on_move_ready_cb, data);
}

/* While the preview shows, its cards hold incidents the model does not. */
static VigilIncident *
vigil_board_find_preview_incident (VigilBoard *self,
                                   const char *id)
{
  const VigilStorePreview *preview = vigil_workspace_get_preview (self->workspace);

  for (guint i = 0; preview != NULL && i < VIGIL_N_STEPS; i++)
    for (guint j = 0; j < preview->incidents[i]->len; j++)
      {
        VigilIncident *incident = g_ptr_array_index (preview->incidents[i], j);

        if (g_strcmp0 (vigil_incident_get_id (incident), id) == 0)
          return incident;
      }
  return NULL;
}

static void
vigil_board_move_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  VigilBoard *self = VIGIL_BOARD (widget);
  VigilIncident *incident;
  const char *id;
  guint to;

  g_variant_get (parameter, "(&su)", &id, &to);
  if (self->workspace == NULL || !vigil_process_is_valid_step ((gint) to))
    return;

  incident = vigil_workspace_lookup (self->workspace, id);
  if (incident == NULL && self->previewing)
    incident = vigil_board_find_preview_incident (self, id);
  if (incident != NULL)
    vigil_board_request_move (self, incident, to, FALSE);
}

static VigilIncident *
get_focused_incident (VigilBoard *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  VigilIncidentCard *card;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->groups_box)))
    return NULL;

  card = vigil_board_column_get_card_for_widget (focus);
  return card != NULL ? vigil_incident_card_get_incident (card) : NULL;
}

static void
vigil_board_move_focused_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  VigilBoard *self = VIGIL_BOARD (widget);
  VigilIncident *incident = get_focused_incident (self);
  gboolean right = g_str_equal (action_name, "board.move-right");
  guint step;

  if (incident == NULL)
    return;

  step = vigil_incident_get_step (incident);
  if ((right && step >= VIGIL_N_STEPS) || (!right && step <= 1))
    {
      gtk_widget_error_bell (widget);
      return;
    }

  vigil_board_request_move (self, incident, right ? step + 1 : step - 1, TRUE);
}

static void
vigil_board_clear_filters_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  vigil_board_clear_filters (VIGIL_BOARD (widget));
}

/* Phase groups */

static GtkWidget *
vigil_board_create_phase_group (VigilBoard *self,
                                VigilPhase  phase)
{
  g_autofree char *phase_class = g_strdup_printf ("phase-%s", vigil_phase_get_id (phase));
  GtkWidget *group;
  GtkWidget *band;
  GtkWidget *columns_box;

  group = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_add_css_class (group, "phase-group");
  gtk_widget_add_css_class (group, phase_class);
  gtk_accessible_update_property (GTK_ACCESSIBLE (group),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, vigil_phase_get_name (phase),
                                  -1);

  band = gtk_label_new (vigil_phase_get_name (phase));
  gtk_label_set_xalign (GTK_LABEL (band), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (band), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (band, "phase-band");
  gtk_widget_add_css_class (band, phase_class);
  gtk_box_append (GTK_BOX (group), band);

  columns_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_vexpand (columns_box, TRUE);
  gtk_box_set_homogeneous (GTK_BOX (columns_box), TRUE);
  gtk_box_append (GTK_BOX (group), columns_box);

  for (guint step = vigil_phase_get_first_step (phase);
       step <= vigil_phase_get_last_step (phase);
       step++)
    {
      GtkWidget *column = vigil_board_column_new (step);

      g_assert (step >= 1 && step <= VIGIL_N_STEPS);
      self->columns[step - 1] = VIGIL_BOARD_COLUMN (column);
      vigil_board_column_set_board_filter (self->columns[step - 1], GTK_FILTER (self->filter));
      g_list_store_append (self->column_models,
                           vigil_board_column_get_incidents (self->columns[step - 1]));
      gtk_box_append (GTK_BOX (columns_box), column);
    }

  self->groups[phase] = group;
  return group;
}

/* Columns more than half a screen out of the board's view keep only their
 * first rows: a search then has fewer cards to bind. This runs after the
 * frame that moved the view; a column coming into view is still half a
 * screen away then, and gets its rows on the next frame. */
static gboolean
update_away_columns_cb (gpointer user_data)
{
  VigilBoard *self = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (self->scroller));
  double value = gtk_adjustment_get_value (adjustment);
  double page = gtk_adjustment_get_page_size (adjustment);

  if (page <= 0 || !gtk_widget_get_mapped (GTK_WIDGET (self->groups_box)))
    {
      self->away_idle_id = 0;
      return G_SOURCE_REMOVE;
    }

  /* Shown but not laid out yet: after the next frame. */
  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    if (gtk_widget_get_mapped (GTK_WIDGET (self->columns[i])) &&
        gtk_widget_get_width (GTK_WIDGET (self->columns[i])) == 0)
      return G_SOURCE_CONTINUE;

  self->away_idle_id = 0;
  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    {
      graphene_rect_t bounds;

      if (!gtk_widget_get_mapped (GTK_WIDGET (self->columns[i])) ||
          !gtk_widget_compute_bounds (GTK_WIDGET (self->columns[i]),
                                      GTK_WIDGET (self->groups_box), &bounds))
        continue;

      vigil_board_column_set_away (self->columns[i],
                                   bounds.origin.x > value + 1.5 * page ||
                                   bounds.origin.x + bounds.size.width < value - 0.5 * page);
    }

  return G_SOURCE_REMOVE;
}

/* Before the board's first layout nothing says which columns are out of
 * view, and every column would lay out its first rows for the first frame.
 * The window's size and the columns' least width give a safe guess: a
 * column that starts beyond the window's width cannot show in the first
 * frame (the view starts at the left), so it takes only its first rows;
 * update_away_columns_cb() applies the exact rule right after that frame,
 * before anyone can scroll. A wrong guess costs a frame of a short
 * column, never a missing one: the least width only ever guesses too few. */
static void
guess_away_columns (VigilBoard *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  int width = 0;
  int pitch = self->compact ? COLUMN_LEAST_WIDTH_COMPACT : COLUMN_LEAST_WIDTH;

  if (gtk_widget_get_width (GTK_WIDGET (self)) > 0 || !GTK_IS_WINDOW (root))
    return;
  if (gtk_window_is_maximized (GTK_WINDOW (root)) || gtk_window_is_fullscreen (GTK_WINDOW (root)))
    {
      GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (root));
      GdkMonitor *monitor = surface != NULL
                            ? gdk_display_get_monitor_at_surface (gdk_surface_get_display (surface),
                                                                  surface)
                            : NULL;
      GdkRectangle geometry;

      if (monitor == NULL)
        return;
      gdk_monitor_get_geometry (monitor, &geometry);
      width = geometry.width;
    }
  else
    {
      int height;

      /* GTK 4.8 writes both, whatever the annotations say. */
      gtk_window_get_default_size (GTK_WINDOW (root), &width, &height);
    }
  if (width <= 0)
    return;

  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    vigil_board_column_set_away (self->columns[i], (int) i * pitch > width);
}

static void
queue_update_away_columns (VigilBoard *self)
{
  if (self->away_idle_id == 0)
    self->away_idle_id = g_idle_add (update_away_columns_cb, self);
}

static gboolean
on_age_timeout_cb (gpointer user_data)
{
  VigilBoard *self = user_data;

  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    vigil_board_column_refresh_ages (self->columns[i]);

  /* Deadlines pass while the board is shown: an incident becomes overdue
   * without any change of its own. */
  if (self->overdue)
    {
      g_clear_pointer (&self->overdue_now, g_date_time_unref);
      self->overdue_now = g_date_time_new_now_utc ();
      vigil_board_filter_changed (self, GTK_FILTER_CHANGE_LESS_STRICT);
    }

  return G_SOURCE_CONTINUE;
}

/* GObject */

static void
vigil_board_root (GtkWidget *widget)
{
  VigilBoard *self = VIGIL_BOARD (widget);

  GTK_WIDGET_CLASS (vigil_board_parent_class)->root (widget);

  /* Typing anywhere in the window starts a search, once there is all to
   * search. */
  if (!self->previewing)
    gtk_search_bar_set_key_capture_widget (self->search_bar,
                                           GTK_WIDGET (gtk_widget_get_root (widget)));
}

static void
vigil_board_unroot (GtkWidget *widget)
{
  VigilBoard *self = VIGIL_BOARD (widget);

  gtk_search_bar_set_key_capture_widget (self->search_bar, NULL);

  GTK_WIDGET_CLASS (vigil_board_parent_class)->unroot (widget);
}

static void
vigil_board_dispose (GObject *object)
{
  VigilBoard *self = VIGIL_BOARD (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->age_timeout_id, g_source_remove);
  g_clear_handle_id (&self->away_idle_id, g_source_remove);
  if (self->focus_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->focus_tick_id);
      self->focus_tick_id = 0;
    }
  g_clear_object (&self->focus_incident);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_model_items_changed_cb, self);
  g_clear_object (&self->model);
  if (self->workspace != NULL)
    g_signal_handlers_disconnect_by_data (self->workspace, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_BOARD);
  /* The rows of the template are not bound; they go too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  memset (self->columns, 0, sizeof self->columns);
  memset (self->groups, 0, sizeof self->groups);
  g_clear_object (&self->filtered);
  g_clear_object (&self->column_models);
  g_clear_object (&self->filter);
  g_clear_object (&self->workspace);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vigil_board_parent_class)->dispose (object);
}

static void
vigil_board_finalize (GObject *object)
{
  VigilBoard *self = VIGIL_BOARD (object);

  g_free (self->search_folded);
  g_strfreev (self->search_words);
  g_free (self->type);
  g_free (self->severity);
  g_clear_pointer (&self->overdue_now, g_date_time_unref);

  G_OBJECT_CLASS (vigil_board_parent_class)->finalize (object);
}

static void
vigil_board_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  VigilBoard *self = VIGIL_BOARD (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;

    case PROP_WORKSPACE:
      g_value_set_object (value, self->workspace);
      break;

    case PROP_COMPACT:
      g_value_set_boolean (value, self->compact);
      break;

    case PROP_SEARCH_MODE:
      g_value_set_boolean (value, gtk_search_bar_get_search_mode (self->search_bar));
      break;
    case PROP_PREVIEWING:
      g_value_set_boolean (value, self->previewing);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_board_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  VigilBoard *self = VIGIL_BOARD (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      vigil_board_set_model (self, g_value_get_object (value));
      break;

    case PROP_WORKSPACE:
      vigil_board_set_workspace (self, g_value_get_object (value));
      break;

    case PROP_COMPACT:
      vigil_board_set_compact (self, g_value_get_boolean (value));
      break;

    case PROP_SEARCH_MODE:
      gtk_search_bar_set_search_mode (self->search_bar, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
on_search_mode_notify_cb (VigilBoard   *self,
                          GParamSpec   *pspec,
                          GtkSearchBar *bar)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_MODE]);
}

static void
vigil_board_class_init (VigilBoardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_board_dispose;
  object_class->finalize = vigil_board_finalize;
  object_class->get_property = vigil_board_get_property;
  object_class->set_property = vigil_board_set_property;

  widget_class->root = vigil_board_root;
  widget_class->unroot = vigil_board_unroot;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_WORKSPACE] =
    g_param_spec_object ("workspace", NULL, NULL,
                         VIGIL_TYPE_WORKSPACE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_COMPACT] =
    g_param_spec_boolean ("compact", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SEARCH_MODE] =
    g_param_spec_boolean ("search-mode", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* Whether the columns show the workspace's preview, all incidents not
   * being loaded yet: search, filters and moves wait until then. */
  properties[PROP_PREVIEWING] =
    g_param_spec_boolean ("previewing", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VigilBoard::move-failed:
   * @incident: the incident that stays where it was
   * @message: what to tell the user, with the reason
   */
  signals[MOVE_FAILED] =
    g_signal_new ("move-failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, VIGIL_TYPE_INCIDENT, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vigil/Vigil/ui/vigil-board.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilBoard, search_bar);
  gtk_widget_class_bind_template_child (widget_class, VigilBoard, search_entry);
  gtk_widget_class_bind_template_child (widget_class, VigilBoard, type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VigilBoard, severity_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VigilBoard, phase_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VigilBoard, mine_button);
  gtk_widget_class_bind_template_child (widget_class, VigilBoard, major_button);
  gtk_widget_class_bind_template_child (widget_class, VigilBoard, overdue_button);
  gtk_widget_class_bind_template_child (widget_class, VigilBoard, filters_revealer);
  gtk_widget_class_bind_template_child (widget_class, VigilBoard, summary_label);
  gtk_widget_class_bind_template_child (widget_class, VigilBoard, chips_box);
  gtk_widget_class_bind_template_child (widget_class, VigilBoard, scroller);
  gtk_widget_class_bind_template_child (widget_class, VigilBoard, groups_box);

  gtk_widget_class_install_action (widget_class, "board.move", "(su)", vigil_board_move_action);
  gtk_widget_class_install_action (widget_class, "board.move-left", NULL,
                                   vigil_board_move_focused_action);
  gtk_widget_class_install_action (widget_class, "board.move-right", NULL,
                                   vigil_board_move_focused_action);
  gtk_widget_class_install_action (widget_class, "board.clear-filters", NULL,
                                   vigil_board_clear_filters_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "board.move-left", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Left, GDK_ALT_MASK,
                                       "board.move-left", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK,
                                       "board.move-right", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Right, GDK_ALT_MASK,
                                       "board.move-right", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "board");
}

static void
vigil_board_init (VigilBoard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->phase = -1;
  self->cancellable = g_cancellable_new ();

  /* The columns filter at once (counts must be right at once); the filter
   * reads a cached folded text. What passes is the columns' incidents
   * together: no second pass of the filter over the whole model. */
  self->filter = gtk_custom_filter_new (NULL, NULL, NULL);
  self->column_models = g_list_store_new (G_TYPE_LIST_MODEL);
  self->filtered = gtk_flatten_list_model_new (g_object_ref (G_LIST_MODEL (self->column_models)));
  g_signal_connect_object (self->filtered, "items-changed",
                           G_CALLBACK (on_filtered_items_changed_cb), self,
                           G_CONNECT_SWAPPED);

  for (VigilPhase phase = 0; phase < VIGIL_N_PHASES; phase++)
    gtk_box_append (self->groups_box, vigil_board_create_phase_group (self, phase));

  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    g_assert (self->columns[i] != NULL);

  fill_dropdown (self->type_dropdown, _("All types"), VIGIL_CHOICES_INCIDENT_TYPE);
  fill_dropdown (self->severity_dropdown, _("All severities"), VIGIL_CHOICES_SEVERITY);
  {
    g_autoptr(GtkStringList) phases = gtk_string_list_new (NULL);

    gtk_string_list_append (phases, _("All phases"));
    for (VigilPhase phase = 0; phase < VIGIL_N_PHASES; phase++)
      gtk_string_list_append (phases, vigil_phase_get_name (phase));
    gtk_drop_down_set_model (self->phase_dropdown, G_LIST_MODEL (phases));
  }

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_signal_connect_object (self->search_entry, "search-changed",
                           G_CALLBACK (on_search_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_bar, "notify::search-mode-enabled",
                           G_CALLBACK (on_search_mode_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->type_dropdown, "notify::selected",
                           G_CALLBACK (on_dropdown_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->severity_dropdown, "notify::selected",
                           G_CALLBACK (on_dropdown_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->phase_dropdown, "notify::selected",
                           G_CALLBACK (on_dropdown_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->mine_button, "toggled",
                           G_CALLBACK (on_toggle_filter_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->major_button, "toggled",
                           G_CALLBACK (on_toggle_filter_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->overdue_button, "toggled",
                           G_CALLBACK (on_toggle_filter_cb), self, G_CONNECT_SWAPPED);

  self->age_timeout_id = g_timeout_add_seconds (AGE_REFRESH_SECONDS, on_age_timeout_cb, self);

  {
    GtkAdjustment *adjustment = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (self->scroller));

    g_signal_connect_object (adjustment, "value-changed",
                             G_CALLBACK (queue_update_away_columns), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (adjustment, "changed",
                             G_CALLBACK (queue_update_away_columns), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->groups_box, "map",
                             G_CALLBACK (queue_update_away_columns), self, G_CONNECT_SWAPPED);
  }

  vigil_board_update_chips (self);
}

/* Sorts the model's incidents into the columns, in one pass over it in
 * order (the model's list finds the next item at once, an item far from
 * the last one read takes a search through its tree). The incidents the
 * change announced again may have changed in place: the columns have the
 * board's filter check them again. */
static void
on_model_items_changed_cb (VigilBoard *self,
                           guint       position,
                           guint       removed,
                           guint       added,
                           GListModel *model)
{
  GPtrArray *steps[VIGIL_N_STEPS];
  g_autoptr(GHashTable) touched = NULL;
  guint n_items = model != NULL ? g_list_model_get_n_items (model) : 0;

  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    steps[i] = g_ptr_array_new_with_free_func (g_object_unref);

  if (added > 0 && added < n_items)
    touched = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < n_items; i++)
    {
      VigilIncident *incident = g_list_model_get_item (model, i);
      guint step = vigil_incident_get_step (incident);

      if (touched != NULL && i >= position && i < position + added)
        g_hash_table_add (touched, incident);
      if (step >= 1 && step <= VIGIL_N_STEPS)
        g_ptr_array_add (steps[step - 1], incident);
      else
        g_object_unref (incident);
    }

  guess_away_columns (self);
  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    {
      vigil_board_column_set_step_incidents (self->columns[i], steps[i], touched);
      if (self->columns_hold_preview)
        vigil_board_column_set_total (self->columns[i], -1);
    }
  self->columns_hold_preview = FALSE;

  vigil_board_update_summary (self);
  /* Columns may have become wider or narrower. */
  queue_update_away_columns (self);
}

/* Public API */

GtkWidget *
vigil_board_new (void)
{
  return g_object_new (VIGIL_TYPE_BOARD, NULL);
}

GListModel *
vigil_board_get_model (VigilBoard *self)
{
  g_return_val_if_fail (VIGIL_IS_BOARD (self), NULL);

  return self->model;
}

void
vigil_board_set_model (VigilBoard *self,
                       GListModel *model)
{
  g_return_if_fail (VIGIL_IS_BOARD (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_model_items_changed_cb, self);

  if (!g_set_object (&self->model, model))
    return;

  if (model != NULL)
    g_signal_connect_object (model, "items-changed",
                             G_CALLBACK (on_model_items_changed_cb), self,
                             G_CONNECT_SWAPPED);
  on_model_items_changed_cb (self, 0, 0, 0, model);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

VigilWorkspace *
vigil_board_get_workspace (VigilBoard *self)
{
  g_return_val_if_fail (VIGIL_IS_BOARD (self), NULL);

  return self->workspace;
}

/* The first frame of a large board: while the workspace reads all its
 * incidents, the columns show the preview's first incidents of their step
 * and the true counts. Search and filters would find only what the preview
 * holds: they wait for the full load (a filter set before keeps the loading
 * page instead). When the model is filled the columns take its incidents in
 * the same rows, whose cards are bound again. */
static void
vigil_board_set_previewing (VigilBoard *self,
                            gboolean    previewing)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->previewing == previewing)
    return;

  self->previewing = previewing;
  if (previewing)
    gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_bar), !previewing);
  gtk_search_bar_set_key_capture_widget (self->search_bar,
                                         !previewing && root != NULL ? GTK_WIDGET (root) : NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREVIEWING]);
}

static void
on_preview_ready_cb (VigilBoard     *self,
                     VigilWorkspace *workspace)
{
  const VigilStorePreview *preview = vigil_workspace_get_preview (workspace);

  if (preview == NULL || vigil_workspace_get_loaded (workspace) ||
      vigil_board_get_filtering (self))
    return;

  guess_away_columns (self);
  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    {
      vigil_board_column_set_step_incidents (self->columns[i],
                                             g_ptr_array_ref (preview->incidents[i]), NULL);
      vigil_board_column_set_total (self->columns[i], (int) preview->counts[i]);
    }
  self->columns_hold_preview = TRUE;
  vigil_board_set_previewing (self, TRUE);
  queue_update_away_columns (self);
}

static void
vigil_board_end_preview (VigilBoard *self)
{
  /* The model was filled before the preview was dropped, so the columns
   * hold it already, unless the load changed nothing in it. */
  if (self->columns_hold_preview)
    on_model_items_changed_cb (self, 0, 0, 0, self->model);
  vigil_board_set_previewing (self, FALSE);
}

static void
on_has_preview_notify_cb (VigilBoard     *self,
                          GParamSpec     *pspec,
                          VigilWorkspace *workspace)
{
  if (vigil_workspace_get_preview (workspace) == NULL)
    vigil_board_end_preview (self);
}

gboolean
vigil_board_get_previewing (VigilBoard *self)
{
  g_return_val_if_fail (VIGIL_IS_BOARD (self), FALSE);

  return self->previewing;
}

/* The workspace gives the board its incidents, the user for "mine", and
 * the place to apply moves. */
void
vigil_board_set_workspace (VigilBoard     *self,
                           VigilWorkspace *workspace)
{
  g_return_if_fail (VIGIL_IS_BOARD (self));
  g_return_if_fail (workspace == NULL || VIGIL_IS_WORKSPACE (workspace));

  if (self->workspace == workspace)
    return;

  /* Replies to moves asked of the previous workspace are of no interest. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->workspace != NULL)
    g_signal_handlers_disconnect_by_data (self->workspace, self);
  g_set_object (&self->workspace, workspace);
  vigil_board_set_model (self, workspace != NULL ? vigil_workspace_get_incidents (workspace) : NULL);
  if (self->mine)
    vigil_board_filter_changed (self, GTK_FILTER_CHANGE_DIFFERENT);
  if (workspace != NULL)
    {
      g_signal_connect_object (workspace, "preview-ready",
                               G_CALLBACK (on_preview_ready_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (workspace, "notify::has-preview",
                               G_CALLBACK (on_has_preview_notify_cb), self, G_CONNECT_SWAPPED);
    }
  if (workspace != NULL && vigil_workspace_get_preview (workspace) != NULL)
    on_preview_ready_cb (self, workspace);
  else
    vigil_board_end_preview (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKSPACE]);
}

guint
vigil_board_get_n_columns (VigilBoard *self)
{
  g_return_val_if_fail (VIGIL_IS_BOARD (self), 0);

  return G_N_ELEMENTS (self->columns);
}

GtkWidget *
vigil_board_get_column (VigilBoard *self,
                        guint       step)
{
  g_return_val_if_fail (VIGIL_IS_BOARD (self), NULL);
  g_return_val_if_fail (step >= 1 && step <= VIGIL_N_STEPS, NULL);

  return GTK_WIDGET (self->columns[step - 1]);
}

GListModel *
vigil_board_get_column_model (VigilBoard *self,
                              guint       step)
{
  g_return_val_if_fail (VIGIL_IS_BOARD (self), NULL);
  g_return_val_if_fail (step >= 1 && step <= VIGIL_N_STEPS, NULL);

  return vigil_board_column_get_incidents (self->columns[step - 1]);
}

/* Returns: (transfer none): the incidents that pass the search and filters */
GListModel *
vigil_board_get_filtered_model (VigilBoard *self)
{
  g_return_val_if_fail (VIGIL_IS_BOARD (self), NULL);

  return G_LIST_MODEL (self->filtered);
}

gboolean
vigil_board_get_compact (VigilBoard *self)
{
  g_return_val_if_fail (VIGIL_IS_BOARD (self), FALSE);

  return self->compact;
}

void
vigil_board_set_compact (VigilBoard *self,
                         gboolean    compact)
{
  g_return_if_fail (VIGIL_IS_BOARD (self));

  compact = !!compact;
  if (self->compact == compact)
    return;

  self->compact = compact;
  if (compact)
    gtk_widget_add_css_class (GTK_WIDGET (self), "compact");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "compact");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPACT]);
}

void
vigil_board_start_search (VigilBoard *self)
{
  g_return_if_fail (VIGIL_IS_BOARD (self));

  if (self->previewing)
    return;
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
vigil_board_set_search_text (VigilBoard *self,
                             const char *text)
{
  g_auto(GStrv) words = NULL;
  g_autofree char *folded = NULL;
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;
  gboolean changed;

  g_return_if_fail (VIGIL_IS_BOARD (self));

  words = vigil_search_fold (text);
  if (words[0] != NULL)
    folded = g_strjoinv (" ", words);

  changed = g_strcmp0 (folded, self->search_folded) != 0;
  if (changed)
    {
      /* Typing on narrows the matches, deleting widens them: the filter
       * model then only re-checks the items that can change. */
      if (self->search_folded == NULL ||
          (folded != NULL && g_str_has_prefix (folded, self->search_folded)))
        change = GTK_FILTER_CHANGE_MORE_STRICT;
      else if (folded == NULL || g_str_has_prefix (self->search_folded, folded))
        change = GTK_FILTER_CHANGE_LESS_STRICT;

      g_free (self->search_folded);
      self->search_folded = g_steal_pointer (&folded);
      g_strfreev (self->search_words);
      self->search_words = self->search_folded != NULL ? g_steal_pointer (&words) : NULL;
    }

  /* The entry shows what is searched, whoever set it. */
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), text ? text : "") != 0)
    {
      self->setting_entry = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
      self->setting_entry = FALSE;
    }

  if (changed)
    vigil_board_filter_changed (self, change);
}

static gboolean
set_choice (char       **field,
            const char  *value)
{
  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static GtkFilterChange
change_for (gboolean was_set,
            gboolean is_set)
{
  if (!was_set)
    return GTK_FILTER_CHANGE_MORE_STRICT;
  if (!is_set)
    return GTK_FILTER_CHANGE_LESS_STRICT;
  return GTK_FILTER_CHANGE_DIFFERENT;
}

void
vigil_board_set_type_filter (VigilBoard *self,
                             const char *type)
{
  gboolean was_set;

  g_return_if_fail (VIGIL_IS_BOARD (self));
  g_return_if_fail (type == NULL || *type == '\0' ||
                    vigil_process_is_valid_choice (VIGIL_CHOICES_INCIDENT_TYPE, type));

  was_set = self->type != NULL;
  if (!set_choice (&self->type, type))
    return;
  vigil_board_sync_widgets (self);
  vigil_board_filter_changed (self, change_for (was_set, self->type != NULL));
}

void
vigil_board_set_severity_filter (VigilBoard *self,
                                 const char *severity)
{
  gboolean was_set;

  g_return_if_fail (VIGIL_IS_BOARD (self));
  g_return_if_fail (severity == NULL || *severity == '\0' ||
                    vigil_process_is_valid_choice (VIGIL_CHOICES_SEVERITY, severity));

  was_set = self->severity != NULL;
  if (!set_choice (&self->severity, severity))
    return;
  vigil_board_sync_widgets (self);
  vigil_board_filter_changed (self, change_for (was_set, self->severity != NULL));
}

void
vigil_board_set_mine_filter (VigilBoard *self,
                             gboolean    mine)
{
  g_return_if_fail (VIGIL_IS_BOARD (self));

  mine = !!mine;
  if (self->mine == mine)
    return;
  self->mine = mine;
  vigil_board_sync_widgets (self);
  vigil_board_filter_changed (self, mine ? GTK_FILTER_CHANGE_MORE_STRICT
                                         : GTK_FILTER_CHANGE_LESS_STRICT);
}

/* Only incidents whose latest DORA classification is major. */
void
vigil_board_set_major_filter (VigilBoard *self,
                              gboolean    major)
{
  g_return_if_fail (VIGIL_IS_BOARD (self));

  major = !!major;
  if (self->major == major)
    return;
  self->major = major;
  vigil_board_sync_widgets (self);
  vigil_board_filter_changed (self, major ? GTK_FILTER_CHANGE_MORE_STRICT
                                          : GTK_FILTER_CHANGE_LESS_STRICT);
}

/* Only incidents with a report to the authority past its limit
 * (vigil_incident_has_overdue_report()), measured again every minute. */
void
vigil_board_set_overdue_filter (VigilBoard *self,
                                gboolean    overdue)
{
  g_return_if_fail (VIGIL_IS_BOARD (self));

  overdue = !!overdue;
  if (self->overdue == overdue)
    return;
  self->overdue = overdue;
  g_clear_pointer (&self->overdue_now, g_date_time_unref);
  if (overdue)
    self->overdue_now = g_date_time_new_now_utc ();
  vigil_board_sync_widgets (self);
  vigil_board_filter_changed (self, overdue ? GTK_FILTER_CHANGE_MORE_STRICT
                                            : GTK_FILTER_CHANGE_LESS_STRICT);
}

/* @phase: a #VigilPhase, or -1 for every phase */
void
vigil_board_set_phase_filter (VigilBoard *self,
                              int         phase)
{
  int old;

  g_return_if_fail (VIGIL_IS_BOARD (self));
  g_return_if_fail (phase >= -1 && phase < VIGIL_N_PHASES);

  if (self->phase == phase)
    return;
  old = self->phase;
  self->phase = phase;

  /* The other phases' columns would all be empty: leave them out. */
  for (VigilPhase p = 0; p < VIGIL_N_PHASES; p++)
    gtk_widget_set_visible (self->groups[p], phase < 0 || (int) p == phase);
  queue_update_away_columns (self);

  vigil_board_sync_widgets (self);
  vigil_board_filter_changed (self, change_for (old >= 0, phase >= 0));
}

void
vigil_board_clear_filters (VigilBoard *self)
{
  g_return_if_fail (VIGIL_IS_BOARD (self));

  vigil_board_set_search_text (self, NULL);
  vigil_board_set_type_filter (self, NULL);
  vigil_board_set_severity_filter (self, NULL);
  vigil_board_set_mine_filter (self, FALSE);
  vigil_board_set_major_filter (self, FALSE);
  vigil_board_set_overdue_filter (self, FALSE);
  vigil_board_set_phase_filter (self, -1);
}

/* Moves @incident to @step through the core, as a drop or Alt+arrow does;
 * a refusal comes back as VigilBoard::move-failed. */
void
vigil_board_move_incident (VigilBoard    *self,
                           VigilIncident *incident,
                           guint          step)
{
  g_return_if_fail (VIGIL_IS_BOARD (self));
  g_return_if_fail (VIGIL_IS_INCIDENT (incident));
  g_return_if_fail (vigil_process_is_valid_step ((gint) step));

  vigil_board_request_move (self, incident, step, FALSE);
}
