/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-dora-deadlines"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-dora-deadlines.h"
#include "vigil-field-editor.h"

#define TICK_SECONDS 60

struct _VigilDoraDeadlines
{
  GtkWidget      parent_instance;

  VigilIncident *incident;
  GtkWidget     *group;
  GtkListBox    *deadline_list;
  GtkLabel      *status_label;
  GtkListBox    *report_list;
  GtkWidget     *reports_heading;
  guint          tick_id;
  gboolean       updating;
};

G_DEFINE_FINAL_TYPE (VigilDoraDeadlines, vigil_dora_deadlines, GTK_TYPE_WIDGET)

static const char *
report_label (VigilDoraReportKind kind)
{
  switch (kind)
    {
    case VIGIL_DORA_REPORT_INITIAL: return _("Initial notification");
    case VIGIL_DORA_REPORT_INTERMEDIATE: return _("Intermediate report");
    case VIGIL_DORA_REPORT_FINAL: return _("Final report");
    default: g_assert_not_reached ();
    }
}

static const char *
report_label_from_id (const char *id)
{
  if (g_strcmp0 (id, "initial") == 0)
    return report_label (VIGIL_DORA_REPORT_INITIAL);
  if (g_strcmp0 (id, "intermediate") == 0)
    return report_label (VIGIL_DORA_REPORT_INTERMEDIATE);
  if (g_strcmp0 (id, "final") == 0)
    return report_label (VIGIL_DORA_REPORT_FINAL);
  return id;
}

static const char *
level_id (VigilDoraDueLevel level)
{
  switch (level)
    {
    case VIGIL_DORA_DUE_LATER: return "later";
    case VIGIL_DORA_DUE_SOON: return "soon";
    case VIGIL_DORA_DUE_URGENT: return "urgent";
    case VIGIL_DORA_DUE_OVERDUE: return "overdue";
    default: g_assert_not_reached ();
    }
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static GtkWidget *
make_deadline_row (VigilDoraDeadline *deadline,
                   GDateTime         *now)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *countdown;
  g_autofree char *legal = vigil_format_local_time (deadline->legal_due);
  g_autofree char *relieved = vigil_format_local_time (deadline->relieved_due);
  g_autofree char *subtitle = NULL;
  g_autofree char *left_text = NULL;
  g_autofree char *css = NULL;
  g_autofree char *name = NULL;
  GTimeSpan left;
  VigilDoraDueLevel level = vigil_dora_due_status (deadline->relieved_due, now, &left);

  if (deadline->pending)
    subtitle = g_strdup_printf (_("Not classified as major yet: at the latest %s, 24 hours "
                                  "after becoming aware"), legal);
  else if (g_date_time_equal (deadline->legal_due, deadline->relieved_due))
    subtitle = g_strdup_printf (deadline->relief_applies
                                ? _("Due %s") : _("Due %s · no weekend relief"), legal);
  else
    /* Translators: two times: the limit of the regulation and the one moved past a
     * weekend or bank holiday */
    subtitle = g_strdup_printf (_("Legal limit %s · with the weekend relief %s"), legal,
                                relieved);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), report_label (deadline->kind));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);

  left_text = vigil_dora_format_time_left (left);
  countdown = gtk_label_new (left_text);
  css = g_strdup_printf ("deadline-%s", level_id (level));
  gtk_widget_add_css_class (countdown, "deadline");
  gtk_widget_add_css_class (countdown, css);
  gtk_widget_add_css_class (countdown, "numeric");
  gtk_widget_set_valign (countdown, GTK_ALIGN_CENTER);
  name = g_strdup_printf ("deadline-%s", level == VIGIL_DORA_DUE_OVERDUE ? "overdue" : "left");
  gtk_widget_set_name (countdown, name);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), countdown);
  if (level == VIGIL_DORA_DUE_OVERDUE)
    gtk_widget_set_tooltip_text (countdown,
                                 _("Tell the authority about the delay and the reasons without "
                                   "undue delay"));
  return row;
}

static void
update (VigilDoraDeadlines *self)
{
  JsonObject *dora = self->incident ? vigil_incident_get_dora (self->incident) : NULL;
  g_autoptr(GPtrArray) deadlines = NULL;
  g_autoptr(GDateTime) now = NULL;
  JsonArray *reports = NULL;

  if (self->updating)
    return;
  self->updating = TRUE;
  clear_list (self->deadline_list);
  clear_list (self->report_list);

  /* Shown once classified: before that the card's reminder is enough. */
  if (dora == NULL || !json_object_has_member (dora, "result"))
    {
      self->updating = FALSE;
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }

  now = g_date_time_new_now_utc ();
  deadlines = vigil_incident_compute_dora_deadlines (self->incident, NULL, NULL);
  for (guint i = 0; i < deadlines->len; i++)
    gtk_list_box_append (self->deadline_list, make_deadline_row (deadlines->pdata[i], now));
  gtk_widget_set_visible (GTK_WIDGET (self->deadline_list), deadlines->len > 0);

  if (json_object_has_member (dora, "reports") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (dora, "reports")))
    reports = json_object_get_array_member (dora, "reports");

  if (deadlines->len > 0)
    gtk_label_set_label (self->status_label,
                         _("Times in local time. Countdowns are to the limit the entity may "
                           "use."));
  else if (!vigil_incident_get_dora_major (self->incident))
    gtk_label_set_label (self->status_label,
                         _("Not major: no report is due. If reports were sent, tell the "
                           "authority the incident was reclassified."));
  else
    gtk_label_set_label (self->status_label, _("Every report was submitted."));

  for (guint i = 0; reports != NULL && i < json_array_get_length (reports); i++)
    {
      JsonObject *report = json_array_get_object_element (reports, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *at = vigil_format_iso_local (
        json_object_get_string_member_with_default (report, "at", NULL));
      const char *reference = json_object_get_string_member_with_default (report, "reference",
                                                                          NULL);
      g_autofree char *subtitle = NULL;

      if (reference != NULL)
        /* Translators: when, to which authority, and the reference it gave */
        subtitle = g_strdup_printf (_("Submitted %s to %s · reference %s"), at[0] ? at : "—",
                                    json_object_get_string_member_with_default (report,
                                                                                "authority", ""),
                                    reference);
      else
        subtitle = g_strdup_printf (_("Submitted %s to %s"), at[0] ? at : "—",
                                    json_object_get_string_member_with_default (report,
                                                                                "authority", ""));
      adw_preferences_row_set_title (
        ADW_PREFERENCES_ROW (row),
        report_label_from_id (json_object_get_string_member_with_default (report, "report", "")));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->report_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->report_list),
                          reports != NULL && json_array_get_length (reports) > 0);
  gtk_widget_set_visible (self->reports_heading,
                          reports != NULL && json_array_get_length (reports) > 0);

  /* Last: showing the section maps it, and mapping updates it again. */
  self->updating = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

static gboolean
on_tick_cb (gpointer user_data)
{
  update (user_data);
  return G_SOURCE_CONTINUE;
}

/* Overrides */

static void
vigil_dora_deadlines_map (GtkWidget *widget)
{
  VigilDoraDeadlines *self = VIGIL_DORA_DEADLINES (widget);

  GTK_WIDGET_CLASS (vigil_dora_deadlines_parent_class)->map (widget);
  update (self);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (TICK_SECONDS, on_tick_cb, self);
}

static void
vigil_dora_deadlines_unmap (GtkWidget *widget)
{
  VigilDoraDeadlines *self = VIGIL_DORA_DEADLINES (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (vigil_dora_deadlines_parent_class)->unmap (widget);
}

static void
vigil_dora_deadlines_dispose (GObject *object)
{
  VigilDoraDeadlines *self = VIGIL_DORA_DEADLINES (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_pointer (&self->group, gtk_widget_unparent);
  g_clear_object (&self->incident);

  G_OBJECT_CLASS (vigil_dora_deadlines_parent_class)->dispose (object);
}

static void
vigil_dora_deadlines_class_init (VigilDoraDeadlinesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_dora_deadlines_dispose;
  widget_class->map = vigil_dora_deadlines_map;
  widget_class->unmap = vigil_dora_deadlines_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "dora-deadlines");
}

static void
vigil_dora_deadlines_init (VigilDoraDeadlines *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *list;

  self->group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->group),
                                   _("DORA reporting deadlines"));

  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->status_label, 0);
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_widget_set_name (list, "dora-deadlines");
  self->deadline_list = GTK_LIST_BOX (list);

  self->reports_heading = gtk_label_new (_("Submitted to the authority"));
  gtk_label_set_xalign (GTK_LABEL (self->reports_heading), 0);
  gtk_widget_add_css_class (self->reports_heading, "heading");
  gtk_widget_set_margin_top (self->reports_heading, 12);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_widget_set_name (list, "dora-reports");
  self->report_list = GTK_LIST_BOX (list);

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status_label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->deadline_list));
  gtk_box_append (GTK_BOX (box), self->reports_heading);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->report_list));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->group), box);
  gtk_widget_set_parent (self->group, GTK_WIDGET (self));
}

/* Public API */

GtkWidget *
vigil_dora_deadlines_new (VigilIncident *incident)
{
  VigilDoraDeadlines *self;

  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), NULL);

  self = g_object_new (VIGIL_TYPE_DORA_DEADLINES, NULL);
  self->incident = g_object_ref (incident);
  update (self);
  return GTK_WIDGET (self);
}

void
vigil_dora_deadlines_refresh (VigilDoraDeadlines *self)
{
  g_return_if_fail (VIGIL_IS_DORA_DEADLINES (self));

  update (self);
}
