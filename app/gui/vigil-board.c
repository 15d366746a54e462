/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-board"

#include "config.h"

#include <string.h>

#include <vigil/vigil.h>

#include "vigil-board.h"
#include "vigil-board-column.h"

/* The board: one column per step of the process table, grouped by phase
 * under a coloured band, all in one horizontal scroller. */
struct _VigilBoard
{
  GtkWidget         parent_instance;

  GListModel       *model;
  VigilBoardColumn *columns[VIGIL_N_STEPS];

  GtkWidget        *scroller;
  GtkBox           *groups_box;
};

G_DEFINE_FINAL_TYPE (VigilBoard, vigil_board, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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
      gtk_box_append (GTK_BOX (columns_box), column);
    }

  return group;
}

static void
vigil_board_dispose (GObject *object)
{
  VigilBoard *self = VIGIL_BOARD (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_BOARD);
  memset (self->columns, 0, sizeof self->columns);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (vigil_board_parent_class)->dispose (object);
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

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_board_class_init (VigilBoardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_board_dispose;
  object_class->get_property = vigil_board_get_property;
  object_class->set_property = vigil_board_set_property;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vigil/Vigil/ui/vigil-board.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilBoard, scroller);
  gtk_widget_class_bind_template_child (widget_class, VigilBoard, groups_box);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "board");
}

static void
vigil_board_init (VigilBoard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (VigilPhase phase = 0; phase < VIGIL_N_PHASES; phase++)
    gtk_box_append (self->groups_box, vigil_board_create_phase_group (self, phase));

  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    g_assert (self->columns[i] != NULL);
}

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

  if (!g_set_object (&self->model, model))
    return;

  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    vigil_board_column_set_model (self->columns[i], model);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
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
