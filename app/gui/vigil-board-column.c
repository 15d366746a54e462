/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-board-column"

#include "config.h"

#include <glib/gi18n.h>

#include <vigil/vigil.h>

#include "vigil-board-column.h"
#include "vigil-incident-card.h"

/* One step of the process: a header and a virtualised list of the incidents
 * that are in that step, filtered out of the workspace's shared model. */
struct _VigilBoardColumn
{
  GtkWidget           parent_instance;

  guint               step;
  GtkFilterListModel *in_step;     /* the board's incidents in this step */
  GtkFilterListModel *incidents;   /* ...that the board's filter lets through */
  GtkSliceListModel  *shown;       /* what the list view gets: all, or the first few */

  GtkWidget          *header;
  GtkLabel           *number_label;
  GtkLabel           *name_label;
  GtkLabel           *count_label;
  GtkStack           *content_stack;
  GtkLabel           *empty_label;
  GtkListView        *list_view;

  gboolean            filtering;

  /* Cards the list let go of, for the next rows it makes */
  GPtrArray          *spare_cards;
  guint               prepare_cards_id;
};

G_DEFINE_FINAL_TYPE (VigilBoardColumn, vigil_board_column, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STEP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GTK 4.8's list view keeps some 200 rows alive, however short it is. A
 * column out of view gets only its first rows, enough to fill a screen and
 * to be reached with the keyboard; the board gives the columns in view all
 * of theirs. */
#define PREVIEW_ROWS 16

/* GTK 4.8's list makes a new row widget for every item that comes into its
 * range and destroys the rows of items that leave it. A search keystroke
 * can swap a few hundred rows per column, and building a card from its
 * template and destroying it cost more than binding it: the column keeps
 * the cards of destroyed rows for the rows it makes next. Enough for a
 * whole list's rows. */
#define MAX_SPARE_CARDS 256

static gboolean
filter_by_step (gpointer item,
                gpointer user_data)
{
  VigilBoardColumn *self = user_data;

  return vigil_incident_get_step (VIGIL_INCIDENT (item)) == self->step;
}

static char *
dup_count_text (guint n_items)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u incident in this step",
                                       "%u incidents in this step",
                                       n_items),
                          n_items);
}

static gboolean
on_count_query_tooltip_cb (GtkWidget        *widget,
                           int               x,
                           int               y,
                           gboolean          keyboard,
                           GtkTooltip       *tooltip,
                           VigilBoardColumn *self)
{
  g_autofree char *text = dup_count_text (g_list_model_get_n_items (G_LIST_MODEL (self->incidents)));

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
vigil_board_column_update_count (VigilBoardColumn *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->incidents));
  g_autofree char *count = g_strdup_printf ("%u", n_items);
  g_autofree char *description = dup_count_text (n_items);

  /* No gtk_widget_set_tooltip_text() here: it costs a round trip to the
   * display, on every keystroke of a search. */
  gtk_label_set_label (self->count_label, count);
  gtk_stack_set_visible_child_name (self->content_stack, n_items > 0 ? "list" : "empty");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static void
on_incidents_items_changed_cb (VigilBoardColumn *self,
                               guint             position,
                               guint             removed,
                               guint             added,
                               GListModel       *model)
{
  if (removed != added)
    vigil_board_column_update_count (self);
}

static GdkContentProvider *
on_drag_prepare_cb (GtkDragSource     *source,
                    double             x,
                    double             y,
                    VigilIncidentCard *card)
{
  VigilIncident *incident = vigil_incident_card_get_incident (card);
  g_autoptr(GdkPaintable) live = NULL;
  g_autoptr(GdkPaintable) image = NULL;

  if (incident == NULL)
    return NULL;

  /* The card itself as the drag icon, frozen as it looks now. */
  live = gtk_widget_paintable_new (GTK_WIDGET (card));
  image = gdk_paintable_get_current_image (live);
  gtk_drag_source_set_icon (source, image, (int) x, (int) y);

  return gdk_content_provider_new_typed (VIGIL_TYPE_INCIDENT, incident);
}

static void
on_drag_begin_cb (GtkDragSource     *source,
                  GdkDrag           *drag,
                  VigilIncidentCard *card)
{
  gtk_widget_add_css_class (GTK_WIDGET (card), "dragged");
}

static void
on_drag_end_cb (GtkDragSource     *source,
                GdkDrag           *drag,
                gboolean           delete_data,
                VigilIncidentCard *card)
{
  gtk_widget_remove_css_class (GTK_WIDGET (card), "dragged");
}

/* The list gives no card back: it unparents it when it destroys the row
 * (after its factory's teardown), and the column keeps it then. */
static void
on_card_parent_cb (GtkWidget        *card,
                   GParamSpec       *pspec,
                   VigilBoardColumn *self)
{
  if (gtk_widget_get_parent (card) != NULL || self->spare_cards == NULL ||
      self->spare_cards->len >= MAX_SPARE_CARDS)
    return;

  g_ptr_array_add (self->spare_cards, g_object_ref (card));
}

static GtkWidget *
create_card (VigilBoardColumn *self)
{
  GtkWidget *card = vigil_incident_card_new ();
  GtkDragSource *source = gtk_drag_source_new ();

  /* A drag carries the incident object; the drop asks the core to move it. */
  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare_cb), card);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin_cb), card);
  g_signal_connect (source, "drag-end", G_CALLBACK (on_drag_end_cb), card);
  gtk_widget_add_controller (card, GTK_EVENT_CONTROLLER (source));

  g_signal_connect_object (card, "notify::parent", G_CALLBACK (on_card_parent_cb), self, 0);
  return card;
}

static void
on_factory_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     VigilBoardColumn         *self)
{
  g_autoptr(GtkWidget) card = NULL;

  if (self->spare_cards != NULL && self->spare_cards->len > 0)
    card = g_ptr_array_steal_index_fast (self->spare_cards, self->spare_cards->len - 1);
  else
    card = g_object_ref_sink (create_card (self));

  gtk_list_item_set_child (list_item, card);
}

/* While the store is read in a worker thread, the main thread has time to
 * build the cards of the first rows, one per idle call so as not to hold
 * up a frame. */
static gboolean
prepare_cards_cb (gpointer user_data)
{
  VigilBoardColumn *self = user_data;

  if (self->spare_cards->len >= PREVIEW_ROWS ||
      g_list_model_get_n_items (G_LIST_MODEL (self->shown)) > 0)
    {
      self->prepare_cards_id = 0;
      return G_SOURCE_REMOVE;
    }

  g_ptr_array_add (self->spare_cards, g_object_ref_sink (create_card (self)));
  return G_SOURCE_CONTINUE;
}

static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    gpointer                  user_data)
{
  GtkWidget *card = gtk_list_item_get_child (list_item);

  vigil_incident_card_set_incident (VIGIL_INCIDENT_CARD (card),
                                    gtk_list_item_get_item (list_item));
}

static void
on_factory_unbind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      gpointer                  user_data)
{
  GtkWidget *card = gtk_list_item_get_child (list_item);

  vigil_incident_card_set_incident (VIGIL_INCIDENT_CARD (card), NULL);
}

static void
on_list_view_activate_cb (VigilBoardColumn *self,
                          guint             position,
                          GtkListView      *list_view)
{
  g_autoptr(VigilIncident) incident = g_list_model_get_item (G_LIST_MODEL (self->incidents),
                                                             position);

  if (incident != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.open-incident", "s",
                                vigil_incident_get_id (incident));
}

static gboolean
on_drop_cb (VigilBoardColumn *self,
            const GValue     *value,
            double            x,
            double            y,
            GtkDropTarget    *target)
{
  VigilIncident *incident;

  if (!G_VALUE_HOLDS (value, VIGIL_TYPE_INCIDENT))
    return FALSE;
  incident = g_value_get_object (value);
  if (incident == NULL || vigil_incident_get_step (incident) == self->step)
    return FALSE;

  /* The same path as the keyboard: the board asks the core, which may refuse. */
  return gtk_widget_activate_action (GTK_WIDGET (self), "board.move", "(su)",
                                     vigil_incident_get_id (incident), self->step);
}

static void
on_focus_enter_cb (VigilBoardColumn   *self,
                   GtkEventController *controller)
{
  vigil_board_column_set_active (self, TRUE);
}

static void
vigil_board_column_constructed (GObject *object)
{
  VigilBoardColumn *self = VIGIL_BOARD_COLUMN (object);
  const VigilStepInfo *step = vigil_process_get_step (self->step);
  VigilPhase phase = vigil_process_get_phase (self->step);
  g_autofree char *number = g_strdup_printf ("%u", self->step);
  g_autofree char *phase_class = g_strdup_printf ("phase-%s", vigil_phase_get_id (phase));
  g_autofree char *tooltip = NULL;

  G_OBJECT_CLASS (vigil_board_column_parent_class)->constructed (object);

  gtk_widget_add_css_class (GTK_WIDGET (self), phase_class);
  gtk_label_set_label (self->number_label, number);
  gtk_label_set_label (self->name_label, vigil_step_get_short_name (step));

  /* Translators: tooltip of a board column: the step's full name, then its help line */
  tooltip = g_strdup_printf (_("%u. %s\n%s"), self->step,
                             vigil_step_get_name (step), vigil_step_get_help (step));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_label), tooltip);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, vigil_step_get_name (step),
                                  -1);

  vigil_board_column_update_count (self);
}

static void
vigil_board_column_dispose (GObject *object)
{
  VigilBoardColumn *self = VIGIL_BOARD_COLUMN (object);

  /* The list's rows go with it, and their cards with them. */
  g_clear_handle_id (&self->prepare_cards_id, g_source_remove);
  g_clear_pointer (&self->spare_cards, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_BOARD_COLUMN);
  g_clear_object (&self->shown);
  g_clear_object (&self->incidents);
  g_clear_object (&self->in_step);

  G_OBJECT_CLASS (vigil_board_column_parent_class)->dispose (object);
}

static void
vigil_board_column_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VigilBoardColumn *self = VIGIL_BOARD_COLUMN (object);

  switch (prop_id)
    {
    case PROP_STEP:
      g_value_set_uint (value, self->step);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_board_column_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VigilBoardColumn *self = VIGIL_BOARD_COLUMN (object);

  switch (prop_id)
    {
    case PROP_STEP:
      self->step = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_board_column_class_init (VigilBoardColumnClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vigil_board_column_constructed;
  object_class->dispose = vigil_board_column_dispose;
  object_class->get_property = vigil_board_column_get_property;
  object_class->set_property = vigil_board_column_set_property;

  properties[PROP_STEP] =
    g_param_spec_uint ("step", NULL, NULL,
                       1, VIGIL_N_STEPS, 1,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vigil/Vigil/ui/vigil-board-column.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilBoardColumn, header);
  gtk_widget_class_bind_template_child (widget_class, VigilBoardColumn, number_label);
  gtk_widget_class_bind_template_child (widget_class, VigilBoardColumn, name_label);
  gtk_widget_class_bind_template_child (widget_class, VigilBoardColumn, count_label);
  gtk_widget_class_bind_template_child (widget_class, VigilBoardColumn, content_stack);
  gtk_widget_class_bind_template_child (widget_class, VigilBoardColumn, empty_label);
  gtk_widget_class_bind_template_child (widget_class, VigilBoardColumn, list_view);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "boardcolumn");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
vigil_board_column_init (VigilBoardColumn *self)
{
  GtkLayoutManager *layout;
  g_autoptr(GtkListItemFactory) factory = NULL;
  GtkNoSelection *selection;
  GtkDropTarget *target;
  GtkEventController *focus;

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_widget_set_has_tooltip (GTK_WIDGET (self->count_label), TRUE);
  g_signal_connect_object (self->count_label, "query-tooltip",
                           G_CALLBACK (on_count_query_tooltip_cb), self, 0);

  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);

  /* Non-incremental: the column must be exact at once (counts, tests). */
  self->in_step = gtk_filter_list_model_new (NULL,
                                             GTK_FILTER (gtk_custom_filter_new (filter_by_step,
                                                                                self, NULL)));
  self->incidents = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->in_step)), NULL);
  g_signal_connect_object (self->incidents, "items-changed",
                           G_CALLBACK (on_incidents_items_changed_cb), self,
                           G_CONNECT_SWAPPED);

  self->spare_cards = g_ptr_array_new_with_free_func (g_object_unref);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (on_factory_setup_cb), self, 0);
  g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_factory_unbind_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);

  self->shown = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->incidents)),
                                         0, PREVIEW_ROWS);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->shown)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  self->prepare_cards_id = g_idle_add_full (G_PRIORITY_LOW, prepare_cards_cb, self, NULL);

  /* Enter on a focused card, or a click, opens the incident. */
  g_signal_connect_object (self->list_view, "activate",
                           G_CALLBACK (on_list_view_activate_cb), self,
                           G_CONNECT_SWAPPED);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect_object (focus, "enter", G_CALLBACK (on_focus_enter_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);

  target = gtk_drop_target_new (VIGIL_TYPE_INCIDENT, GDK_ACTION_MOVE);
  g_signal_connect_object (target, "drop", G_CALLBACK (on_drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}

GtkWidget *
vigil_board_column_new (guint step)
{
  g_return_val_if_fail (vigil_process_is_valid_step ((gint) step), NULL);

  return g_object_new (VIGIL_TYPE_BOARD_COLUMN,
                       "step", step,
                       NULL);
}

guint
vigil_board_column_get_step (VigilBoardColumn *self)
{
  g_return_val_if_fail (VIGIL_IS_BOARD_COLUMN (self), 0);

  return self->step;
}

void
vigil_board_column_set_model (VigilBoardColumn *self,
                              GListModel       *model)
{
  g_return_if_fail (VIGIL_IS_BOARD_COLUMN (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  gtk_filter_list_model_set_model (self->in_step, model);
}

/* The column shows the incidents of @model in its step that @filter lets
 * through. The step is sorted out first, once per change of the model;
 * the board's filter then runs over the column's own incidents only.
 * Filtering the board's filtered model instead was slower: an item of a
 * filter model is found by counting through its bitset, and fifteen
 * columns did that for every incident whenever the board's filter
 * changed. */
void
vigil_board_column_set_board_filter (VigilBoardColumn *self,
                                     GtkFilter        *filter)
{
  g_return_if_fail (VIGIL_IS_BOARD_COLUMN (self));
  g_return_if_fail (filter == NULL || GTK_IS_FILTER (filter));

  gtk_filter_list_model_set_filter (self->incidents, filter);
}

GListModel *
vigil_board_column_get_incidents (VigilBoardColumn *self)
{
  g_return_val_if_fail (VIGIL_IS_BOARD_COLUMN (self), NULL);

  return G_LIST_MODEL (self->incidents);
}

/* Says "no matching incidents" rather than "no incidents" while the board
 * hides some of them. */
void
vigil_board_column_set_filtering (VigilBoardColumn *self,
                                  gboolean          filtering)
{
  g_return_if_fail (VIGIL_IS_BOARD_COLUMN (self));

  filtering = !!filtering;
  if (self->filtering == filtering)
    return;

  self->filtering = filtering;
  gtk_label_set_label (self->empty_label,
                       filtering ? _("No matching incidents") : _("No incidents"));
}

static VigilIncidentCard *
row_get_card (GtkWidget *row)
{
  GtkWidget *child = gtk_widget_get_first_child (row);

  return VIGIL_IS_INCIDENT_CARD (child) ? VIGIL_INCIDENT_CARD (child) : NULL;
}

/**
 * vigil_board_column_focus_incident:
 *
 * Scrolls to @incident and gives its card the keyboard focus. The list
 * makes rows for newly visible items only at its next layout, so this may
 * have to be called again on a later frame.
 *
 * Returns: whether the card has the focus now
 */
gboolean
vigil_board_column_focus_incident (VigilBoardColumn *self,
                                   VigilIncident    *incident)
{
  GListModel *model = G_LIST_MODEL (self->incidents);
  guint n_items = g_list_model_get_n_items (model);
  guint position = GTK_INVALID_LIST_POSITION;

  g_return_val_if_fail (VIGIL_IS_BOARD_COLUMN (self), FALSE);
  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), FALSE);

  for (guint i = 0; i < n_items && position == GTK_INVALID_LIST_POSITION; i++)
    {
      g_autoptr(VigilIncident) item = g_list_model_get_item (model, i);

      if (item == incident)
        position = i;
    }
  if (position == GTK_INVALID_LIST_POSITION)
    return FALSE;

  vigil_board_column_set_active (self, TRUE);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list_view));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      VigilIncidentCard *card = row_get_card (row);

      if (card != NULL && vigil_incident_card_get_incident (card) == incident &&
          gtk_widget_get_mapped (row))
        return gtk_widget_grab_focus (row);
    }

  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
  return FALSE;
}

/**
 * vigil_board_column_get_card_for_widget:
 * @widget: a widget of the board, such as the focus widget
 *
 * Returns: (transfer none) (nullable): the card that @widget is, is in, or
 *   holds as a list row
 */
VigilIncidentCard *
vigil_board_column_get_card_for_widget (GtkWidget *widget)
{
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      if (VIGIL_IS_INCIDENT_CARD (w))
        return VIGIL_INCIDENT_CARD (w);
      if (VIGIL_IS_BOARD_COLUMN (w))
        break;
    }

  return widget != NULL ? row_get_card (widget) : NULL;
}

void
vigil_board_column_refresh_ages (VigilBoardColumn *self)
{
  g_return_if_fail (VIGIL_IS_BOARD_COLUMN (self));

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list_view));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      VigilIncidentCard *card = row_get_card (row);

      if (card != NULL)
        vigil_incident_card_refresh_age (card);
    }
}

gboolean
vigil_board_column_get_active (VigilBoardColumn *self)
{
  g_return_val_if_fail (VIGIL_IS_BOARD_COLUMN (self), FALSE);

  return gtk_slice_list_model_get_size (self->shown) != PREVIEW_ROWS;
}

/* Active: the list shows every incident of the column, not only the first. */
void
vigil_board_column_set_active (VigilBoardColumn *self,
                               gboolean          active)
{
  g_return_if_fail (VIGIL_IS_BOARD_COLUMN (self));

  if (active == vigil_board_column_get_active (self))
    return;

  /* The focused card stays: the first rows are the same either way, and a
   * column holding the focus is never cut back. */
  if (!active)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

      if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
        return;
    }

  gtk_slice_list_model_set_size (self->shown, active ? G_MAXUINT : PREVIEW_ROWS);
}
