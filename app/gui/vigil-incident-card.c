/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-incident-card"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-incident-card.h"

struct _VigilIncidentCard
{
  GtkWidget      parent_instance;

  VigilIncident *incident;
  char          *severity_class;

  GtkLabel      *reference_label;
  GtkLabel      *title_label;
  GtkWidget     *meta_box;
  GtkLabel      *type_label;
  GtkLabel      *severity_label;
};

G_DEFINE_FINAL_TYPE (VigilIncidentCard, vigil_incident_card, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_INCIDENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vigil_incident_card_set_severity_class (VigilIncidentCard *self,
                                        const char        *severity)
{
  if (self->severity_class != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->severity_label), self->severity_class);
  g_clear_pointer (&self->severity_class, g_free);

  if (severity != NULL)
    {
      self->severity_class = g_strdup_printf ("severity-%s", severity);
      gtk_widget_add_css_class (GTK_WIDGET (self->severity_label), self->severity_class);
    }
}

static void
vigil_incident_card_update (VigilIncidentCard *self)
{
  const char *reference = "";
  const char *title = "";
  const char *type_label = "";
  const char *severity = NULL;
  g_autofree char *accessible = NULL;

  if (self->incident != NULL)
    {
      const char *type = vigil_incident_get_incident_type (self->incident);
      const char *type_other = vigil_incident_get_type_other (self->incident);

      reference = vigil_incident_get_reference (self->incident);
      title = vigil_incident_get_title (self->incident);
      severity = vigil_incident_get_severity (self->incident);

      /* "Other" says nothing on a card: show what the analyst wrote instead. */
      if (g_strcmp0 (type, "other") == 0 && type_other != NULL && *type_other != '\0')
        type_label = type_other;
      else if (type != NULL)
        type_label = vigil_process_get_choice_label (VIGIL_CHOICES_INCIDENT_TYPE, type);
    }

  if (reference == NULL)
    reference = "";
  if (title == NULL)
    title = "";
  if (severity != NULL && *severity == '\0')
    severity = NULL;

  gtk_label_set_label (self->reference_label, reference);
  gtk_label_set_label (self->title_label, title);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_label), *title ? title : NULL);
  gtk_label_set_label (self->type_label, type_label);

  vigil_incident_card_set_severity_class (self, severity);
  if (severity != NULL)
    {
      const char *label = vigil_process_get_choice_label (VIGIL_CHOICES_SEVERITY, severity);
      /* Translators: tooltip of the severity badge on a card, e.g. "Severity: High" */
      g_autofree char *tooltip = g_strdup_printf (_("Severity: %s"), label);

      gtk_label_set_label (self->severity_label, label);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->severity_label), tooltip);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->severity_label), severity != NULL);

  accessible = g_strdup_printf ("%s %s", reference, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

static void
on_incident_notify_cb (VigilIncidentCard *self,
                       GParamSpec        *pspec,
                       VigilIncident     *incident)
{
  vigil_incident_card_update (self);
}

static void
vigil_incident_card_dispose (GObject *object)
{
  VigilIncidentCard *self = VIGIL_INCIDENT_CARD (object);

  vigil_incident_card_set_incident (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_INCIDENT_CARD);

  G_OBJECT_CLASS (vigil_incident_card_parent_class)->dispose (object);
}

static void
vigil_incident_card_finalize (GObject *object)
{
  VigilIncidentCard *self = VIGIL_INCIDENT_CARD (object);

  g_free (self->severity_class);

  G_OBJECT_CLASS (vigil_incident_card_parent_class)->finalize (object);
}

static void
vigil_incident_card_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  VigilIncidentCard *self = VIGIL_INCIDENT_CARD (object);

  switch (prop_id)
    {
    case PROP_INCIDENT:
      g_value_set_object (value, self->incident);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_incident_card_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  VigilIncidentCard *self = VIGIL_INCIDENT_CARD (object);

  switch (prop_id)
    {
    case PROP_INCIDENT:
      vigil_incident_card_set_incident (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_incident_card_class_init (VigilIncidentCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_incident_card_dispose;
  object_class->finalize = vigil_incident_card_finalize;
  object_class->get_property = vigil_incident_card_get_property;
  object_class->set_property = vigil_incident_card_set_property;

  properties[PROP_INCIDENT] =
    g_param_spec_object ("incident", NULL, NULL,
                         VIGIL_TYPE_INCIDENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vigil/Vigil/ui/vigil-incident-card.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentCard, reference_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentCard, meta_box);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentCard, type_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentCard, severity_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "incidentcard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
vigil_incident_card_init (VigilIncidentCard *self)
{
  GtkLayoutManager *layout;

  gtk_widget_init_template (GTK_WIDGET (self));

  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 4);
}

GtkWidget *
vigil_incident_card_new (void)
{
  return g_object_new (VIGIL_TYPE_INCIDENT_CARD, NULL);
}

VigilIncident *
vigil_incident_card_get_incident (VigilIncidentCard *self)
{
  g_return_val_if_fail (VIGIL_IS_INCIDENT_CARD (self), NULL);

  return self->incident;
}

void
vigil_incident_card_set_incident (VigilIncidentCard *self,
                                  VigilIncident     *incident)
{
  g_return_if_fail (VIGIL_IS_INCIDENT_CARD (self));
  g_return_if_fail (incident == NULL || VIGIL_IS_INCIDENT (incident));

  if (self->incident == incident)
    return;

  if (self->incident != NULL)
    g_signal_handlers_disconnect_by_func (self->incident, on_incident_notify_cb, self);

  g_set_object (&self->incident, incident);

  /* The core updates incidents in place; any property may show on the card. */
  if (incident != NULL)
    g_signal_connect_object (incident, "notify",
                             G_CALLBACK (on_incident_notify_cb), self,
                             G_CONNECT_SWAPPED);

  vigil_incident_card_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INCIDENT]);
}
