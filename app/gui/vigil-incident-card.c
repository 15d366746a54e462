/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-incident-card"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-incident-card.h"

/* One incident on the board. Everything on it comes from the incident
 * object, which the core updates in place; the card only shows it. */
struct _VigilIncidentCard
{
  GtkWidget      parent_instance;

  VigilIncident *incident;
  char          *severity_class;
  char          *approval_class;

  GtkImage      *type_icon;
  GtkLabel      *reference_label;
  GtkLabel      *age_label;
  GtkLabel      *deadline_label;
  GtkLabel      *major_label;
  char          *deadline_class;
  char          *tip_deadline;
  GtkLabel      *title_label;
  GtkLabel      *rejection_label;
  GtkLabel      *severity_label;
  GtkLabel      *approval_label;
  GtkLabel      *owner_label;

  /* Tooltips, given out on query: setting a tooltip text on a widget asks
   * the display where the pointer is, a round trip per call, far too slow
   * for binding thousands of cards. */
  char          *tip_type;
  char          *tip_age;
  char          *tip_title;
  char          *tip_severity;
  char          *tip_approval;
  char          *tip_owner;
};

G_DEFINE_FINAL_TYPE (VigilIncidentCard, vigil_incident_card, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_INCIDENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const struct {
  const char *type;
  const char *icon;
} type_icons[] = {
  { "malware",        "computer-fail-symbolic" },
  { "phishing",       "mail-unread-symbolic" },
  { "data_breach",    "security-low-symbolic" },
  { "insider_threat", "system-users-symbolic" },
  { "ddos",           "network-transmit-receive-symbolic" },
};

const char *
vigil_incident_card_get_type_icon_name (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (type_icons); i++)
    {
      if (g_strcmp0 (type, type_icons[i].type) == 0)
        return type_icons[i].icon;
    }
  return "dialog-question-symbolic";
}

char *
vigil_incident_card_format_age (GDateTime *since,
                                GDateTime *now)
{
  GTimeSpan span;
  gint64 minutes;

  g_return_val_if_fail (since != NULL && now != NULL, NULL);

  span = g_date_time_difference (now, since);
  minutes = MAX (span / G_TIME_SPAN_MINUTE, 0);

  if (minutes < 1)
    /* Translators: age of an incident on a card, shorter than a minute */
    return g_strdup (C_("age", "now"));
  if (minutes < 60)
    /* Translators: age of an incident on a card, in minutes; keep it short */
    return g_strdup_printf (C_("age", "%u min"), (guint) minutes);
  if (minutes < 48 * 60)
    /* Translators: age of an incident on a card, in hours; keep it short */
    return g_strdup_printf (C_("age", "%u h"), (guint) (minutes / 60));
  if (minutes < 60 * 24 * 60)
    /* Translators: age of an incident on a card, in days; keep it short */
    return g_strdup_printf (C_("age", "%u d"), (guint) (minutes / (24 * 60)));
  if (minutes < 730 * 24 * 60)
    /* Translators: age of an incident on a card, in months; keep it short */
    return g_strdup_printf (C_("age", "%u mo"), (guint) (minutes / (30 * 24 * 60)));
  /* Translators: age of an incident on a card, in years; keep it short */
  return g_strdup_printf (C_("age", "%u y"), (guint) (minutes / (365 * 24 * 60)));
}

static void
swap_css_class (GtkWidget   *widget,
                char       **current,
                const char  *prefix,
                const char  *value)
{
  if (*current != NULL)
    gtk_widget_remove_css_class (widget, *current);
  g_clear_pointer (current, g_free);

  if (value != NULL)
    {
      *current = g_strconcat (prefix, value, NULL);
      gtk_widget_add_css_class (widget, *current);
    }
}

/* "Alice Martin" -> "AM", "dmitri" -> "D", "j.doe" -> "JD" */
char *
vigil_incident_card_dup_initials (const char *name)
{
  g_autoptr(GString) initials = g_string_new (NULL);
  gboolean at_start = TRUE;

  g_return_val_if_fail (name != NULL, NULL);

  for (const char *p = name; *p != '\0' && g_utf8_strlen (initials->str, -1) < 2;
       p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isalnum (c))
        at_start = TRUE;
      else if (at_start)
        {
          g_string_append_unichar (initials, g_unichar_toupper (c));
          at_start = FALSE;
        }
    }
  return g_string_free (g_steal_pointer (&initials), FALSE);
}

static void
set_tip (char       **tip,
         const char  *text)
{
  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (*tip, text) != 0)
    {
      g_free (*tip);
      *tip = g_strdup (text);
    }
}

static gboolean
on_query_tooltip_cb (GtkWidget         *widget,
                     int                x,
                     int                y,
                     gboolean           keyboard,
                     GtkTooltip        *tooltip,
                     VigilIncidentCard *self)
{
  const char *text = NULL;

  if (widget == GTK_WIDGET (self->type_icon))
    text = self->tip_type;
  else if (widget == GTK_WIDGET (self->deadline_label))
    text = self->tip_deadline;
  else if (widget == GTK_WIDGET (self->age_label))
    text = self->tip_age;
  else if (widget == GTK_WIDGET (self->title_label))
    text = self->tip_title;
  else if (widget == GTK_WIDGET (self->severity_label))
    text = self->tip_severity;
  else if (widget == GTK_WIDGET (self->approval_label))
    text = self->tip_approval;
  else if (widget == GTK_WIDGET (self->owner_label))
    text = self->tip_owner;

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static GDateTime *
get_age_start (VigilIncident *incident)
{
  GDateTime *detected = vigil_incident_get_detected_at (incident);

  return detected != NULL ? detected : vigil_incident_get_created_at (incident);
}

/* g_date_time_to_local() looks the zone up anew (a readlink of
 * /etc/localtime) on every call; a card binds many times a second. */
static GTimeZone *
get_local_zone (void)
{
  static GTimeZone *zone;

  if (g_once_init_enter (&zone))
    g_once_init_leave (&zone, g_time_zone_new_local ());
  return zone;
}

/* A major incident's next report, counting down; nothing for others. */
static void
update_deadline (VigilIncidentCard *self)
{
  g_autoptr(GPtrArray) deadlines = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *due_text = NULL;
  g_autoptr(GDateTime) local = NULL;
  VigilDoraDeadline *next;
  const char *status;
  const char *report;
  GTimeSpan left;
  gint64 minutes;

  if (self->incident == NULL || !vigil_incident_get_dora_major (self->incident) ||
      vigil_incident_is_archived (self->incident))
    {
      gboolean major = self->incident != NULL && vigil_incident_get_dora_major (self->incident);

      gtk_widget_set_visible (GTK_WIDGET (self->major_label), major);
      gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->major_label)), major);
      gtk_widget_set_visible (GTK_WIDGET (self->deadline_label), FALSE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->major_label), TRUE);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->major_label)), TRUE);

  deadlines = vigil_incident_compute_dora_deadlines (self->incident, NULL, NULL);
  if (deadlines == NULL || deadlines->len == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->deadline_label), FALSE);
      return;
    }

  next = g_ptr_array_index (deadlines, 0);
  now = g_date_time_new_now_utc ();
  left = g_date_time_difference (next->relieved_due, now);
  minutes = ABS (left) / G_TIME_SPAN_MINUTE;
  report = next->kind == VIGIL_DORA_REPORT_INITIAL ? _("Initial report")
           : next->kind == VIGIL_DORA_REPORT_INTERMEDIATE ? _("Intermediate report")
           : _("Final report");

  if (left < 0)
    {
      status = "overdue";
      if (minutes >= 48 * 60)
        /* Translators: on a card, a report overdue for days, e.g. "Overdue 12 d" */
        text = g_strdup_printf (_("Overdue %u d"), (guint) (minutes / (24 * 60)));
      else
        /* Translators: on a card, e.g. "Overdue 2 h 05" */
        text = g_strdup_printf (_("Overdue %u h %02u"), (guint) (minutes / 60),
                                (guint) (minutes % 60));
    }
  else
    {
      status = left < G_TIME_SPAN_HOUR ? "urgent" : left < 12 * G_TIME_SPAN_HOUR ? "soon" : "later";
      if (minutes >= 48 * 60)
        /* Translators: time left before a report is due, in days */
        text = g_strdup_printf (_("%u d left"), (guint) (minutes / (24 * 60)));
      else
        /* Translators: time left before a report is due, e.g. "3 h 12 left" */
        text = g_strdup_printf (_("%u h %02u left"), (guint) (minutes / 60),
                                (guint) (minutes % 60));
    }

  local = g_date_time_to_timezone (next->relieved_due, get_local_zone ());
  due_text = g_date_time_format (local, "%Y-%m-%d %H:%M");
  /* Translators: tooltip of a card's countdown: "Initial report due 2026-11-29 14:00" */
  tooltip = g_strdup_printf (_("%s due %s"), report, due_text);

  swap_css_class (GTK_WIDGET (self->deadline_label), &self->deadline_class, "deadline-", status);
  gtk_label_set_label (self->deadline_label, text);
  set_tip (&self->tip_deadline, tooltip);
  gtk_widget_set_visible (GTK_WIDGET (self->deadline_label), TRUE);
}

/* Returns: the age shown, for the accessible label */
static char *
update_age (VigilIncidentCard *self)
{
  GDateTime *since = self->incident != NULL ? get_age_start (self->incident) : NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *when = NULL;
  g_autofree char *tooltip = NULL;
  char *age;

  /* The countdown is refreshed with the age, every minute. */
  update_deadline (self);

  if (since == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->age_label), FALSE);
      return NULL;
    }

  now = g_date_time_new_now_utc ();
  age = vigil_incident_card_format_age (since, now);
  local = g_date_time_to_timezone (since, get_local_zone ());
  /* Translators: date and time format of the age tooltip on a card */
  when = g_date_time_format (local, _("%e %B %Y, %H:%M"));
  /* Translators: tooltip of an incident's age, %s is a date and time */
  tooltip = g_strdup_printf (_("Detected %s"), g_strstrip (when));

  gtk_label_set_label (self->age_label, age);
  set_tip (&self->tip_age, tooltip);
  gtk_widget_set_visible (GTK_WIDGET (self->age_label), TRUE);
  return age;
}

static void
vigil_incident_card_update (VigilIncidentCard *self)
{
  const char *reference = NULL;
  const char *title = NULL;
  const char *type = NULL;
  const char *type_label = NULL;
  const char *severity = NULL;
  const char *owner = NULL;
  const char *approval_text = NULL;
  const char *approval_id = NULL;
  g_autofree char *age = NULL;
  g_autoptr(GString) accessible = g_string_new (NULL);

  if (self->incident != NULL)
    {
      const char *type_other = vigil_incident_get_type_other (self->incident);

      reference = vigil_incident_get_reference (self->incident);
      title = vigil_incident_get_title (self->incident);
      severity = vigil_incident_get_severity (self->incident);
      owner = vigil_incident_get_owner (self->incident);
      type = vigil_incident_get_incident_type (self->incident);

      /* "Other" says little: show what the analyst wrote instead. */
      if (g_strcmp0 (type, "other") == 0 && type_other != NULL && *type_other != '\0')
        type_label = type_other;
      else if (type != NULL)
        type_label = vigil_process_get_choice_label (VIGIL_CHOICES_INCIDENT_TYPE, type);

      switch (vigil_incident_get_approval_state (self->incident))
        {
        case VIGIL_APPROVAL_PENDING:
          approval_id = "pending";
          approval_text = C_("approval state", "Submitted");
          break;
        case VIGIL_APPROVAL_APPROVED:
          approval_id = "approved";
          approval_text = C_("approval state", "Approved");
          break;
        case VIGIL_APPROVAL_REJECTED:
          approval_id = "rejected";
          approval_text = C_("approval state", "Rejected");
          break;
        case VIGIL_APPROVAL_NONE:
        default:
          break;
        }
    }

  if (reference == NULL)
    reference = "";
  if (title == NULL)
    title = "";
  if (severity != NULL && *severity == '\0')
    severity = NULL;
  if (owner != NULL && *owner == '\0')
    owner = NULL;

  gtk_label_set_label (self->reference_label, reference);
  gtk_label_set_label (self->title_label, title);
  /* A long title is cut after two lines; the tooltip has all of it. */
  set_tip (&self->tip_title, *title ? title : NULL);

  {
    const char *icon = vigil_incident_card_get_type_icon_name (type);

    /* Setting the same icon again clears and reloads it. */
    if (g_strcmp0 (gtk_image_get_icon_name (self->type_icon), icon) != 0)
      gtk_image_set_from_icon_name (self->type_icon, icon);
  }
  set_tip (&self->tip_type, type_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->type_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, type_label ? type_label : "",
                                  -1);

  swap_css_class (GTK_WIDGET (self->severity_label), &self->severity_class, "severity-", severity);
  if (severity != NULL)
    {
      const char *label = vigil_process_get_choice_label (VIGIL_CHOICES_SEVERITY, severity);
      /* Translators: tooltip of the severity badge on a card, e.g. "Severity: High" */
      g_autofree char *tooltip = g_strdup_printf (_("Severity: %s"), label);

      gtk_label_set_label (self->severity_label, label);
      set_tip (&self->tip_severity, tooltip);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->severity_label), severity != NULL);

  swap_css_class (GTK_WIDGET (self->approval_label), &self->approval_class, "approval-",
                  approval_id);
  if (approval_text != NULL)
    {
      const char *by = vigil_incident_get_decided_by (self->incident);
      g_autofree char *tooltip = NULL;

      if (approval_id != NULL && g_str_equal (approval_id, "pending"))
        by = vigil_incident_get_submitted_by (self->incident);
      if (by != NULL)
        /* Translators: tooltip of the approval badge: "Approved by bob" */
        tooltip = g_strdup_printf (C_("approval tooltip", "%s by %s"), approval_text, by);
      gtk_label_set_label (self->approval_label, approval_text);
      set_tip (&self->tip_approval, tooltip ? tooltip : approval_text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->approval_label), approval_text != NULL);

  {
    const char *comment = self->incident && approval_id != NULL &&
                          g_str_equal (approval_id, "rejected")
                          ? vigil_incident_get_decision_comment (self->incident) : NULL;

    if (comment != NULL)
      {
        /* Translators: the lead's reason on a rejected card, in quotes */
        g_autofree char *text = g_strdup_printf (_("“%s”"), comment);

        gtk_label_set_label (self->rejection_label, text);
      }
    gtk_widget_set_visible (GTK_WIDGET (self->rejection_label), comment != NULL);
  }

  if (owner != NULL)
    {
      /* Translators: tooltip of the owner's initials on a card */
      g_autofree char *tooltip = g_strdup_printf (_("Owner: %s"), owner);

      g_autofree char *initials = vigil_incident_card_dup_initials (owner);

      gtk_label_set_label (self->owner_label, initials);
      set_tip (&self->tip_owner, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->owner_label),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                      -1);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->owner_label), owner != NULL);

  age = update_age (self);

  /* What a screen reader says for the card: every fact shown, in words. */
  g_string_append_printf (accessible, "%s, %s", reference, title);
  if (type_label != NULL)
    g_string_append_printf (accessible, ", %s", type_label);
  if (severity != NULL)
    g_string_append_printf (accessible, ", %s",
                            self->tip_severity);
  if (approval_text != NULL)
    g_string_append_printf (accessible, ", %s", approval_text);
  if (owner != NULL)
    g_string_append_printf (accessible, ", %s",
                            self->tip_owner);
  if (age != NULL)
    g_string_append_printf (accessible, ", %s",
                            self->tip_age);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible->str,
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
  GtkWidget *child;

  vigil_incident_card_set_incident (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_INCIDENT_CARD);
  /* The rows of the template are not bound; they go too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (vigil_incident_card_parent_class)->dispose (object);
}

static void
vigil_incident_card_finalize (GObject *object)
{
  VigilIncidentCard *self = VIGIL_INCIDENT_CARD (object);

  g_free (self->severity_class);
  g_free (self->approval_class);
  g_free (self->tip_type);
  g_free (self->tip_age);
  g_free (self->tip_title);
  g_free (self->tip_severity);
  g_free (self->tip_approval);
  g_free (self->tip_deadline);
  g_free (self->deadline_class);
  g_free (self->tip_owner);

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
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentCard, type_icon);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentCard, reference_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentCard, age_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentCard, deadline_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentCard, major_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentCard, rejection_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentCard, severity_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentCard, approval_label);
  gtk_widget_class_bind_template_child (widget_class, VigilIncidentCard, owner_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "incidentcard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
vigil_incident_card_init (VigilIncidentCard *self)
{
  GtkLayoutManager *layout;

  gtk_widget_init_template (GTK_WIDGET (self));

  {
    GtkWidget *with_tips[] = {
      GTK_WIDGET (self->type_icon), GTK_WIDGET (self->age_label),
      GTK_WIDGET (self->deadline_label),
      GTK_WIDGET (self->title_label), GTK_WIDGET (self->severity_label),
      GTK_WIDGET (self->approval_label), GTK_WIDGET (self->owner_label),
    };

    for (guint i = 0; i < G_N_ELEMENTS (with_tips); i++)
      {
        gtk_widget_set_has_tooltip (with_tips[i], TRUE);
        g_signal_connect_object (with_tips[i], "query-tooltip",
                                 G_CALLBACK (on_query_tooltip_cb), self, 0);
      }
  }

  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);
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
    {
      g_signal_connect_object (incident, "notify",
                               G_CALLBACK (on_incident_notify_cb), self,
                               G_CONNECT_SWAPPED);
      vigil_incident_card_update (self);
    }
  else
    {
      /* A card without an incident is one the list has let go of, about to
       * be bound again or dropped: only what could still be asked of it is
       * cleared, the labels wait for the next incident. */
      g_clear_pointer (&self->tip_type, g_free);
      g_clear_pointer (&self->tip_age, g_free);
      g_clear_pointer (&self->tip_title, g_free);
      g_clear_pointer (&self->tip_severity, g_free);
      g_clear_pointer (&self->tip_approval, g_free);
      g_clear_pointer (&self->tip_owner, g_free);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INCIDENT]);
}

/* Ages count on while a card is shown; the board calls this now and then. */
void
vigil_incident_card_refresh_age (VigilIncidentCard *self)
{
  g_autofree char *age = NULL;

  g_return_if_fail (VIGIL_IS_INCIDENT_CARD (self));

  age = update_age (self);
}
