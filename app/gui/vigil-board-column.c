/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-board-column"

#include "config.h"

#include <glib/gi18n.h>

#include <vigil/vigil.h>

#include "vigil-board-column.h"
#include "vigil-incident-card.h"

/* The column's incidents, before the board's filter: a plain array. The
 * board sorts the workspace's incidents into the columns in one pass; a
 * filter model per column over the workspace's list instead looked up
 * every incident of its step in that list's tree, at every keystroke of a
 * search, which cost more than the search itself. */

#define VIGIL_TYPE_STEP_INCIDENTS (vigil_step_incidents_get_type ())
G_DECLARE_FINAL_TYPE (VigilStepIncidents, vigil_step_incidents, VIGIL, STEP_INCIDENTS, GObject)

struct _VigilStepIncidents
{
  GObject    parent_instance;

  GPtrArray *items;
};

static GType
vigil_step_incidents_get_item_type (GListModel *model)
{
  return VIGIL_TYPE_INCIDENT;
}

static guint
vigil_step_incidents_get_n_items (GListModel *model)
{
  return VIGIL_STEP_INCIDENTS (model)->items->len;
}

static gpointer
vigil_step_incidents_get_item (GListModel *model,
                               guint       position)
{
  GPtrArray *items = VIGIL_STEP_INCIDENTS (model)->items;

  return position < items->len ? g_object_ref (items->pdata[position]) : NULL;
}

static void
vigil_step_incidents_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = vigil_step_incidents_get_item_type;
  iface->get_n_items = vigil_step_incidents_get_n_items;
  iface->get_item = vigil_step_incidents_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (VigilStepIncidents, vigil_step_incidents, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      vigil_step_incidents_list_model_init))

static void
vigil_step_incidents_finalize (GObject *object)
{
  g_ptr_array_unref (VIGIL_STEP_INCIDENTS (object)->items);

  G_OBJECT_CLASS (vigil_step_incidents_parent_class)->finalize (object);
}

static void
vigil_step_incidents_class_init (VigilStepIncidentsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vigil_step_incidents_finalize;
}

static void
vigil_step_incidents_init (VigilStepIncidents *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

static gboolean
is_touched (GHashTable *touched,
            gpointer    item)
{
  return touched != NULL && g_hash_table_contains (touched, item);
}

/* Takes @items (the incidents in order) and tells the views what changed:
 * the one range between the unchanged start and end, where the incidents
 * in @touched count as changed even when they stay. */
static void
vigil_step_incidents_replace (VigilStepIncidents *self,
                              GPtrArray          *items,
                              GHashTable         *touched)
{
  g_autoptr(GPtrArray) old = self->items;
  guint head = 0, tail = 0;

  self->items = items;

  while (head < old->len && head < items->len &&
         old->pdata[head] == items->pdata[head] && !is_touched (touched, items->pdata[head]))
    head++;
  while (tail < old->len - head && tail < items->len - head &&
         old->pdata[old->len - 1 - tail] == items->pdata[items->len - 1 - tail] &&
         !is_touched (touched, items->pdata[items->len - 1 - tail]))
    tail++;

  if (head + tail < old->len || head + tail < items->len)
    g_list_model_items_changed (G_LIST_MODEL (self), head,
                                old->len - head - tail, items->len - head - tail);
}

/* The list's rows. GTK 4.8's list view destroys the row of every item that
 * leaves its model and builds a new one for every item that comes in: a
 * search keystroke that changes what the columns show swapped a few hundred
 * rows, and building and destroying them cost ten times more than binding
 * their cards. The list gets instead one fixed item per row, a slot, which
 * holds the incident at that position of the column: when the column's
 * incidents change, the slots take their new incidents and the cards follow;
 * rows are added or removed only at the end, when the number changes. */

#define VIGIL_TYPE_CARD_SLOT (vigil_card_slot_get_type ())
G_DECLARE_FINAL_TYPE (VigilCardSlot, vigil_card_slot, VIGIL, CARD_SLOT, GObject)

struct _VigilCardSlot
{
  GObject        parent_instance;

  VigilIncident *incident;
};

G_DEFINE_FINAL_TYPE (VigilCardSlot, vigil_card_slot, G_TYPE_OBJECT)

enum {
  SLOT_PROP_0,
  SLOT_PROP_INCIDENT,
  SLOT_N_PROPS
};

static GParamSpec *slot_properties[SLOT_N_PROPS];

static void
vigil_card_slot_dispose (GObject *object)
{
  g_clear_object (&VIGIL_CARD_SLOT (object)->incident);

  G_OBJECT_CLASS (vigil_card_slot_parent_class)->dispose (object);
}

static void
vigil_card_slot_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  switch (prop_id)
    {
    case SLOT_PROP_INCIDENT:
      g_value_set_object (value, VIGIL_CARD_SLOT (object)->incident);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_card_slot_class_init (VigilCardSlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vigil_card_slot_dispose;
  object_class->get_property = vigil_card_slot_get_property;

  slot_properties[SLOT_PROP_INCIDENT] =
    g_param_spec_object ("incident", NULL, NULL, VIGIL_TYPE_INCIDENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, SLOT_N_PROPS, slot_properties);
}

static void
vigil_card_slot_init (VigilCardSlot *self)
{
}

static void
vigil_card_slot_set_incident (VigilCardSlot *self,
                              VigilIncident *incident)
{
  if (g_set_object (&self->incident, incident))
    g_object_notify_by_pspec (G_OBJECT (self), slot_properties[SLOT_PROP_INCIDENT]);
}

/* The first @limit incidents of a model, one slot each. */
#define VIGIL_TYPE_CARD_ROWS (vigil_card_rows_get_type ())
G_DECLARE_FINAL_TYPE (VigilCardRows, vigil_card_rows, VIGIL, CARD_ROWS, GObject)

struct _VigilCardRows
{
  GObject     parent_instance;

  GListModel *source;
  guint       limit;
  GPtrArray  *slots;
};

static GType
vigil_card_rows_get_item_type (GListModel *model)
{
  return VIGIL_TYPE_CARD_SLOT;
}

static guint
vigil_card_rows_get_n_items (GListModel *model)
{
  return VIGIL_CARD_ROWS (model)->slots->len;
}

static gpointer
vigil_card_rows_get_item (GListModel *model,
                          guint       position)
{
  VigilCardRows *self = VIGIL_CARD_ROWS (model);

  return position < self->slots->len ? g_object_ref (self->slots->pdata[position]) : NULL;
}

static void
vigil_card_rows_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = vigil_card_rows_get_item_type;
  iface->get_n_items = vigil_card_rows_get_n_items;
  iface->get_item = vigil_card_rows_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (VigilCardRows, vigil_card_rows, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      vigil_card_rows_list_model_init))

/* The slots from @from to before @to take the source's incidents at their
 * positions, then rows are added or removed at the end. */
static void
vigil_card_rows_update (VigilCardRows *self,
                        guint          from,
                        guint          to)
{
  guint old_n = self->slots->len;
  guint new_n = MIN (self->limit, g_list_model_get_n_items (self->source));

  for (guint i = from; i < MIN (to, MIN (old_n, new_n)); i++)
    {
      g_autoptr(VigilIncident) incident = g_list_model_get_item (self->source, i);

      vigil_card_slot_set_incident (self->slots->pdata[i], incident);
    }

  if (new_n > old_n)
    {
      for (guint i = old_n; i < new_n; i++)
        {
          VigilCardSlot *slot = g_object_new (VIGIL_TYPE_CARD_SLOT, NULL);

          slot->incident = g_list_model_get_item (self->source, i);
          g_ptr_array_add (self->slots, slot);
        }
      g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, new_n - old_n);
    }
  else if (new_n < old_n)
    {
      g_ptr_array_remove_range (self->slots, new_n, old_n - new_n);
      g_list_model_items_changed (G_LIST_MODEL (self), new_n, old_n - new_n, 0);
    }
}

static void
on_rows_source_items_changed_cb (VigilCardRows *self,
                                 guint          position,
                                 guint          removed,
                                 guint          added,
                                 GListModel    *source)
{
  /* The same number in and out: only those positions changed. */
  vigil_card_rows_update (self, position, removed == added ? position + added : G_MAXUINT);
}

static void
vigil_card_rows_dispose (GObject *object)
{
  VigilCardRows *self = VIGIL_CARD_ROWS (object);

  if (self->source != NULL)
    g_signal_handlers_disconnect_by_func (self->source, on_rows_source_items_changed_cb, self);
  g_clear_object (&self->source);
  g_clear_pointer (&self->slots, g_ptr_array_unref);

  G_OBJECT_CLASS (vigil_card_rows_parent_class)->dispose (object);
}

static void
vigil_card_rows_class_init (VigilCardRowsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vigil_card_rows_dispose;
}

static void
vigil_card_rows_init (VigilCardRows *self)
{
  self->slots = g_ptr_array_new_with_free_func (g_object_unref);
}

static VigilCardRows *
vigil_card_rows_new (GListModel *source,
                     guint       limit)
{
  VigilCardRows *self = g_object_new (VIGIL_TYPE_CARD_ROWS, NULL);

  self->source = g_object_ref (source);
  self->limit = limit;
  g_signal_connect_object (source, "items-changed",
                           G_CALLBACK (on_rows_source_items_changed_cb), self,
                           G_CONNECT_SWAPPED);
  vigil_card_rows_update (self, 0, G_MAXUINT);
  return self;
}

static guint
vigil_card_rows_get_limit (VigilCardRows *self)
{
  return self->limit;
}

static void
vigil_card_rows_set_limit (VigilCardRows *self,
                           guint          limit)
{
  if (self->limit == limit)
    return;

  self->limit = limit;
  vigil_card_rows_update (self, 0, 0);
}

static VigilIncident *
vigil_card_rows_get_incident (VigilCardRows *self,
                              guint          position)
{
  return position < self->slots->len
         ? VIGIL_CARD_SLOT (self->slots->pdata[position])->incident : NULL;
}

/* The column */

/* One step of the process: a header and a virtualised list of the incidents
 * that are in that step, which the board sorts out of the workspace's
 * shared model. */
struct _VigilBoardColumn
{
  GtkWidget           parent_instance;

  guint               step;
  VigilStepIncidents *in_step;     /* the board's incidents in this step */
  GtkFilterListModel *incidents;   /* ...that the board's filter lets through */
  VigilCardRows      *shown;       /* what the list view gets: the first rows of it */

  GtkWidget          *header;
  GtkLabel           *number_label;
  GtkLabel           *name_label;
  GtkLabel           *count_label;
  GtkStack           *content_stack;
  GtkLabel           *empty_label;
  GtkListView        *list_view;

  gboolean            filtering;
  int                 total;       /* the count to show, or -1: the incidents' */

  /* Cards the list let go of, for the next rows it makes */
  GPtrArray          *spare_cards;
  guint               prepare_cards_id;

  GtkAdjustment      *vadjustment;
  guint               grow_idle_id;
  GtkFilter          *board_filter;
  gboolean            away;
};

G_DEFINE_FINAL_TYPE (VigilBoardColumn, vigil_board_column, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STEP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GTK 4.8's list view keeps some 200 rows alive, however short it is, and
 * binds and lays out every one of them whenever what it shows changes. A
 * column gives its list only its first incidents: enough to fill its
 * height and a quarter more, and more, ROWS_STEP at a time, as the list
 * is scrolled towards their end or the keyboard focus comes near it. The
 * count in the header is always that of all the column's incidents. */
#define ROWS_STEP 12

/* The focus this close to the last row given to the list brings more. */
#define ROWS_FOCUS_MARGIN 4

/* A column far out of the board's view keeps only its first rows: enough
 * for the keyboard to reach it, which scrolls it into view. The board
 * tells it when it comes near the view again, before it shows. */
#define ROWS_AWAY 2

/* Rows still come and go at the end of a list, when the number of its
 * incidents changes or more are given to it. Building a card from its
 * template and destroying it cost more than binding it: the column keeps
 * the cards of destroyed rows for the rows it makes next. Enough for a
 * whole list's rows. */
#define MAX_SPARE_CARDS 256

static char *
dup_count_text (guint n_items)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u incident in this step",
                                       "%u incidents in this step",
                                       n_items),
                          n_items);
}

/* The number in the header: that of all the column's incidents, also when
 * it holds only the first of them (a preview). */
static guint
vigil_board_column_get_count (VigilBoardColumn *self)
{
  if (self->total >= 0)
    return self->total;
  return g_list_model_get_n_items (G_LIST_MODEL (self->incidents));
}

static gboolean
on_count_query_tooltip_cb (GtkWidget        *widget,
                           int               x,
                           int               y,
                           gboolean          keyboard,
                           GtkTooltip       *tooltip,
                           VigilBoardColumn *self)
{
  g_autofree char *text = dup_count_text (vigil_board_column_get_count (self));

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
vigil_board_column_update_count (VigilBoardColumn *self)
{
  guint n_items = vigil_board_column_get_count (self);
  g_autofree char *count = g_strdup_printf ("%u", n_items);
  g_autofree char *description = dup_count_text (n_items);

  /* No gtk_widget_set_tooltip_text() here: it costs a round trip to the
   * display, on every keystroke of a search. */
  gtk_label_set_label (self->count_label, count);
  gtk_stack_set_visible_child_name (self->content_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->incidents)) > 0
                                    ? "list" : "empty");
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

  if (self->spare_cards->len >= ROWS_STEP ||
      g_list_model_get_n_items (G_LIST_MODEL (self->shown)) > 0)
    {
      self->prepare_cards_id = 0;
      return G_SOURCE_REMOVE;
    }

  g_ptr_array_add (self->spare_cards, g_object_ref_sink (create_card (self)));
  return G_SOURCE_CONTINUE;
}

static guint
vigil_board_column_get_n_rows (VigilBoardColumn *self)
{
  return vigil_card_rows_get_limit (self->shown);
}

/* Gives the list at least @n_rows rows (all when there are fewer). */
static void
vigil_board_column_ensure_rows (VigilBoardColumn *self,
                                guint             n_rows)
{
  if (n_rows > vigil_board_column_get_n_rows (self))
    vigil_card_rows_set_limit (self->shown, n_rows);
}

static gboolean
vigil_board_column_has_all_rows (VigilBoardColumn *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->shown)) >=
         g_list_model_get_n_items (G_LIST_MODEL (self->incidents));
}

static gboolean
vigil_board_column_holds_focus (VigilBoardColumn *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self));
}

/* Less than a quarter page of rows below what is in view: more rows, until
 * there is that much to spare or the list holds them all. */
static gboolean
grow_to_fill_cb (gpointer user_data)
{
  VigilBoardColumn *self = user_data;
  GtkAdjustment *adjustment = self->vadjustment;

  self->grow_idle_id = 0;
  if (adjustment == NULL || self->away || vigil_board_column_has_all_rows (self) ||
      !gtk_widget_get_mapped (GTK_WIDGET (self->list_view)))
    return G_SOURCE_REMOVE;

  if (gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_value (adjustment) <
      1.25 * gtk_adjustment_get_page_size (adjustment))
    vigil_board_column_ensure_rows (self, vigil_board_column_get_n_rows (self) + ROWS_STEP);

  return G_SOURCE_REMOVE;
}

/* Scrolling and allocation change the adjustment; the rows are added after
 * that, not in the middle of a layout. */
static void
on_vadjustment_changed_cb (VigilBoardColumn *self)
{
  if (self->grow_idle_id == 0 && !vigil_board_column_has_all_rows (self))
    self->grow_idle_id = g_idle_add (grow_to_fill_cb, self);
}

static void
on_list_view_vadjustment_notify_cb (VigilBoardColumn *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));

  if (self->vadjustment == adjustment)
    return;

  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, on_vadjustment_changed_cb, self);
  g_set_object (&self->vadjustment, adjustment);
  if (adjustment != NULL)
    {
      g_signal_connect_object (adjustment, "value-changed",
                               G_CALLBACK (on_vadjustment_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (adjustment, "changed",
                               G_CALLBACK (on_vadjustment_changed_cb), self, G_CONNECT_SWAPPED);
    }
}

/* Whether @incident is among the last rows the list holds. */
static gboolean
is_near_last_row (VigilBoardColumn *self,
                  VigilIncident    *incident)
{
  guint n_rows = g_list_model_get_n_items (G_LIST_MODEL (self->shown));

  for (guint i = n_rows; i > 0 && i + ROWS_FOCUS_MARGIN > n_rows; i--)
    {
      if (vigil_card_rows_get_incident (self->shown, i - 1) == incident)
        return TRUE;
    }

  return FALSE;
}

/* The focus on one of the last rows the list holds (by arrow keys, Page
 * Down, Tab) brings the next rows in, so that the next key finds them. */
static void
on_root_focus_notify_cb (VigilBoardColumn *self,
                         GParamSpec       *pspec,
                         GtkRoot          *root)
{
  GtkWidget *focus = gtk_root_get_focus (root);
  VigilIncidentCard *card;
  VigilIncident *incident;

  if (focus == NULL || vigil_board_column_has_all_rows (self) ||
      !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_view)))
    return;

  card = vigil_board_column_get_card_for_widget (focus);
  incident = card != NULL ? vigil_incident_card_get_incident (card) : NULL;
  if (incident != NULL && is_near_last_row (self, incident))
    vigil_board_column_ensure_rows (self, vigil_board_column_get_n_rows (self) + ROWS_STEP);
}

/* End goes to the column's last incident, not the last row the list holds:
 * it brings all the rows in first, then lets the list move the focus. */
static gboolean
on_end_shortcut_cb (GtkWidget *list_view,
                    GVariant  *args,
                    gpointer   user_data)
{
  VigilBoardColumn *self = user_data;

  if (!vigil_board_column_has_all_rows (self))
    vigil_card_rows_set_limit (self->shown, G_MAXUINT);
  return FALSE;
}

/* A new search or filter starts from the top again with few rows, unless
 * the focus is in the column: its card stays where it is. */
static void
on_board_filter_changed_cb (VigilBoardColumn *self,
                            GtkFilterChange   change,
                            GtkFilter        *filter)
{
  guint base = self->away ? ROWS_AWAY : ROWS_STEP;

  if (vigil_board_column_get_n_rows (self) > base && !vigil_board_column_holds_focus (self))
    vigil_card_rows_set_limit (self->shown, base);
}

static void
on_slot_incident_notify_cb (VigilCardSlot     *slot,
                            GParamSpec        *pspec,
                            VigilIncidentCard *card)
{
  vigil_incident_card_set_incident (card, slot->incident);
}

static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    gpointer                  user_data)
{
  GtkWidget *card = gtk_list_item_get_child (list_item);
  VigilCardSlot *slot = gtk_list_item_get_item (list_item);

  vigil_incident_card_set_incident (VIGIL_INCIDENT_CARD (card), slot->incident);
  g_signal_connect (slot, "notify::incident", G_CALLBACK (on_slot_incident_notify_cb), card);
}

static void
on_factory_unbind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      gpointer                  user_data)
{
  GtkWidget *card = gtk_list_item_get_child (list_item);
  VigilCardSlot *slot = gtk_list_item_get_item (list_item);

  if (slot != NULL)
    g_signal_handlers_disconnect_by_func (slot, on_slot_incident_notify_cb, card);
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
vigil_board_column_root (GtkWidget *widget)
{
  VigilBoardColumn *self = VIGIL_BOARD_COLUMN (widget);

  GTK_WIDGET_CLASS (vigil_board_column_parent_class)->root (widget);

  g_signal_connect_object (gtk_widget_get_root (widget), "notify::focus-widget",
                           G_CALLBACK (on_root_focus_notify_cb), self, G_CONNECT_SWAPPED);
}

static void
vigil_board_column_unroot (GtkWidget *widget)
{
  g_signal_handlers_disconnect_by_func (gtk_widget_get_root (widget), on_root_focus_notify_cb,
                                        widget);

  GTK_WIDGET_CLASS (vigil_board_column_parent_class)->unroot (widget);
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
  g_clear_handle_id (&self->grow_idle_id, g_source_remove);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, on_vadjustment_changed_cb, self);
  g_clear_object (&self->vadjustment);
  if (self->board_filter != NULL)
    g_signal_handlers_disconnect_by_func (self->board_filter, on_board_filter_changed_cb, self);
  g_clear_object (&self->board_filter);
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
  widget_class->root = vigil_board_column_root;
  widget_class->unroot = vigil_board_column_unroot;

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
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->total = -1;

  gtk_widget_set_has_tooltip (GTK_WIDGET (self->count_label), TRUE);
  g_signal_connect_object (self->count_label, "query-tooltip",
                           G_CALLBACK (on_count_query_tooltip_cb), self, 0);

  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);

  /* Non-incremental: the column must be exact at once (counts, tests). */
  self->in_step = g_object_new (VIGIL_TYPE_STEP_INCIDENTS, NULL);
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

  self->shown = vigil_card_rows_new (G_LIST_MODEL (self->incidents), ROWS_STEP);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->shown)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  self->prepare_cards_id = g_idle_add_full (G_PRIORITY_LOW, prepare_cards_cb, self, NULL);

  /* Enter on a focused card, or a click, opens the incident. */
  g_signal_connect_object (self->list_view, "activate",
                           G_CALLBACK (on_list_view_activate_cb), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->list_view, "notify::vadjustment",
                           G_CALLBACK (on_list_view_vadjustment_notify_cb), self,
                           G_CONNECT_SWAPPED);
  on_list_view_vadjustment_notify_cb (self);

  /* Before the list's own key bindings, which move the focus. */
  keys = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  {
    const guint end_keys[] = { GDK_KEY_End, GDK_KEY_KP_End };

    for (guint i = 0; i < G_N_ELEMENTS (end_keys); i++)
      for (guint with_ctrl = 0; with_ctrl < 2; with_ctrl++)
        gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                              gtk_shortcut_new (gtk_keyval_trigger_new (end_keys[i],
                                                                                        with_ctrl ? GDK_CONTROL_MASK : 0),
                                                                gtk_callback_action_new (on_end_shortcut_cb,
                                                                                         self, NULL)));
  }
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), keys);

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

/**
 * vigil_board_column_set_step_incidents:
 * @incidents: (transfer full): the board's incidents in the column's step,
 *   in the board's order
 * @touched: (nullable): incidents that changed in place, to be checked
 *   again by the board's filter
 */
void
vigil_board_column_set_step_incidents (VigilBoardColumn *self,
                                       GPtrArray        *incidents,
                                       GHashTable       *touched)
{
  g_return_if_fail (VIGIL_IS_BOARD_COLUMN (self));
  g_return_if_fail (incidents != NULL);

  vigil_step_incidents_replace (self->in_step, incidents, touched);
}

/**
 * vigil_board_column_set_total:
 * @total: the number of incidents the step has, or -1 to count those the
 *   column holds
 *
 * For a column given only the first incidents of its step.
 */
void
vigil_board_column_set_total (VigilBoardColumn *self,
                              int               total)
{
  g_return_if_fail (VIGIL_IS_BOARD_COLUMN (self));

  total = MAX (total, -1);
  if (self->total == total)
    return;
  self->total = total;
  vigil_board_column_update_count (self);
}

/* The column shows the incidents of its step that @filter lets through.
 * The board's filter runs over the column's own incidents only. Filtering
 * the board's filtered model instead was slower: an item of a filter model
 * is found by counting through its bitset, and fifteen columns did that
 * for every incident whenever the board's filter changed. */
void
vigil_board_column_set_board_filter (VigilBoardColumn *self,
                                     GtkFilter        *filter)
{
  g_return_if_fail (VIGIL_IS_BOARD_COLUMN (self));
  g_return_if_fail (filter == NULL || GTK_IS_FILTER (filter));

  /* Connected before the filter model's own handler, so that the rows are
   * cut back before they are filtered, not bound and then dropped. */
  if (self->board_filter != NULL)
    g_signal_handlers_disconnect_by_func (self->board_filter, on_board_filter_changed_cb, self);
  g_set_object (&self->board_filter, filter);
  if (filter != NULL)
    g_signal_connect_object (filter, "changed", G_CALLBACK (on_board_filter_changed_cb), self,
                             G_CONNECT_SWAPPED);
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

  vigil_board_column_ensure_rows (self, position + ROWS_STEP);

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

/* How many of the column's incidents its list holds rows for. */
guint
vigil_board_column_get_n_rows_shown (VigilBoardColumn *self)
{
  g_return_val_if_fail (VIGIL_IS_BOARD_COLUMN (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->shown));
}

/**
 * vigil_board_column_set_away:
 * @away: whether the column is far out of the board's view
 *
 * A column away keeps only its first rows (and all it has while it holds
 * the focus); one back near the view gets the rows that fill it.
 */
void
vigil_board_column_set_away (VigilBoardColumn *self,
                             gboolean          away)
{
  g_return_if_fail (VIGIL_IS_BOARD_COLUMN (self));

  away = !!away;
  if (self->away == away)
    return;

  self->away = away;
  if (away)
    {
      if (vigil_board_column_get_n_rows (self) > ROWS_AWAY &&
          !vigil_board_column_holds_focus (self))
        vigil_card_rows_set_limit (self->shown, ROWS_AWAY);
    }
  else
    {
      vigil_board_column_ensure_rows (self, ROWS_STEP);
      on_vadjustment_changed_cb (self);
    }
}

gboolean
vigil_board_column_get_away (VigilBoardColumn *self)
{
  g_return_val_if_fail (VIGIL_IS_BOARD_COLUMN (self), FALSE);

  return self->away;
}
