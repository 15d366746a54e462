/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-window"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-window.h"
#include "vigil-board.h"
#include "vigil-board-column.h"
#include "vigil-incident-page.h"
#include "vigil-new-incident-dialog.h"
#include "vigil-sync-button.h"
#include "vigil-approvals-view.h"
#include "vigil-dashboard.h"
#include "vigil-timeline.h"

struct _VigilWindow
{
  AdwApplicationWindow  parent_instance;

  VigilWorkspace       *workspace;
  GCancellable         *cancellable;
  GSettings            *settings;

  AdwViewSwitcherTitle *window_title;
  AdwViewStack         *view_stack;
  AdwViewStackPage     *approvals_page;
  VigilApprovalsView   *approvals;
  VigilDashboard       *dashboard;
  VigilTimeline        *timeline;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  VigilSyncButton      *sync_button;
  VigilBoard           *board;
  GtkToggleButton      *search_button;
  GtkWidget            *new_incident_button;
  GtkWidget            *back_button;
  VigilIncidentPage    *incident_page;
};

G_DEFINE_FINAL_TYPE (VigilWindow, vigil_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_WORKSPACE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  OPEN_INCIDENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
vigil_window_show_page (VigilWindow *self,
                        const char  *name)
{
  gboolean board = g_str_equal (name, "board");
  gboolean incident = g_str_equal (name, "incident");
  /* The board's preview, shown while all incidents load: no search, no new
   * incident, and no other view, which would show the empty model. */
  gboolean previewing = board && vigil_board_get_previewing (self->board);

  if (!incident)
    vigil_incident_page_set_incident (self->incident_page, NULL);

  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "loading"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-incident", board && !previewing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.find", board && !previewing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-incident", board || incident);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back", incident);
  if (previewing)
    adw_view_stack_set_visible_child_name (self->view_stack, "board");
  gtk_widget_set_sensitive (GTK_WIDGET (self->window_title), !previewing);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->window_title),
                               previewing ? _("Loading all incidents…") : NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->search_button),
                               previewing ? _("Loading all incidents…")
                                          : _("Search and Filter (Ctrl+F)"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_button), board && !previewing);
  gtk_widget_set_visible (GTK_WIDGET (self->search_button), !incident);
  gtk_widget_set_visible (self->new_incident_button, !incident);
  gtk_widget_set_visible (self->back_button, incident);
}

static void
on_workspace_loaded_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  VigilWorkspace *workspace = VIGIL_WORKSPACE (object);
  g_autoptr(VigilWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vigil_workspace_load_finish (workspace, result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || workspace != self->workspace)
        return;

      message = g_strdup_printf (_("The incidents in %s could not be read: %s. "
                                   "Close Vigil and start it again; if this keeps happening, "
                                   "start Vigil with --data-dir to use another folder."),
                                 vigil_store_get_path (vigil_workspace_get_store (workspace)),
                                 error->message);
      vigil_window_show_error (self, _("Could Not Load the Incidents"), message);
      return;
    }

  if (workspace == self->workspace)
    vigil_window_show_page (self, "board");
}

/* The board shows the preview: leave the loading page for it. */
static void
on_workspace_preview_ready_cb (VigilWindow    *self,
                               VigilWorkspace *workspace)
{
  if (workspace == self->workspace && vigil_board_get_previewing (self->board) &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "loading") == 0)
    vigil_window_show_page (self, "board");
}

static void
on_board_previewing_notify_cb (VigilWindow *self,
                               GParamSpec  *pspec,
                               VigilBoard  *board)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "board") == 0)
    vigil_window_show_page (self, "board");
}

static void
on_dialog_created_cb (VigilWindow            *self,
                      VigilIncident          *incident,
                      VigilNewIncidentDialog *dialog)
{
  const char *reference = vigil_incident_get_reference (incident);
  g_autofree char *escaped = NULL;
  g_autofree char *title = NULL;

  if (reference == NULL || *reference == '\0')
    reference = vigil_incident_get_title (incident);

  escaped = g_markup_escape_text (reference, -1);
  /* Translators: %s is the reference of the new incident, e.g. INC-2026-0001 */
  title = g_strdup_printf (_("Created %s"), escaped);
  vigil_window_add_toast (self, adw_toast_new (title));
}

static void
vigil_window_new_incident_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  VigilWindow *self = VIGIL_WINDOW (widget);
  VigilNewIncidentDialog *dialog;

  g_return_if_fail (self->workspace != NULL);

  dialog = vigil_new_incident_dialog_new (GTK_WINDOW (self), self->workspace);
  g_signal_connect_object (dialog, "created",
                           G_CALLBACK (on_dialog_created_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
vigil_window_find_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  vigil_board_start_search (VIGIL_WINDOW (widget)->board);
}

/* Cards activate this with the incident's id; the page opens from the
 * signal's handler. */
static void
vigil_window_open_incident_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  VigilWindow *self = VIGIL_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  VigilIncident *incident;

  if (self->workspace == NULL)
    return;

  incident = vigil_workspace_lookup (self->workspace, id);
  if (incident == NULL && vigil_board_get_previewing (self->board))
    {
      /* A card of the preview: its incident is not in the model yet. */
      vigil_window_add_toast (self, adw_toast_new (_("All incidents are still loading. "
                                                     "Open it again in a moment.")));
      return;
    }
  if (incident == NULL)
    {
      g_debug ("No incident %s to open", id);
      return;
    }

  g_signal_emit (self, signals[OPEN_INCIDENT], 0, incident);
}

static void
on_submitted_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VigilWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  VigilIncident *incident;

  incident = vigil_workspace_apply_finish (VIGIL_WORKSPACE (source), result, &error);
  if (incident == NULL)
    text = g_strdup_printf (_("Not submitted: %s"), error->message);
  else
    text = g_strdup_printf (_("%s submitted for approval"),
                            vigil_incident_get_reference (incident)
                            ? vigil_incident_get_reference (incident)
                            : vigil_incident_get_title (incident));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
on_submit_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       VigilWindow      *self)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "incident-id");
  VigilIncident *incident;
  g_autoptr(VigilOp) op = NULL;

  if (g_strcmp0 (response, "submit") != 0 || self->workspace == NULL ||
      (incident = vigil_workspace_lookup (self->workspace, id)) == NULL)
    return;

  op = vigil_op_new (VIGIL_OP_APPROVAL_SUBMIT, id, vigil_workspace_get_actor (self->workspace),
                     vigil_incident_get_revision (incident), NULL);
  vigil_workspace_apply_async (self->workspace, op, self->cancellable, on_submitted_cb,
                               g_object_ref (self));
}

/* Step 8: an analyst hands steps 1-7 to the lead. What the rules need is
 * listed before asking; the core checks again. */
static void
vigil_window_submit_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  static const struct {
    const char *id;
    const char *label;
  } names[] = {
    { "title", N_("Title") },
    { "type", N_("Incident type") },
    { "aware_at", N_("Aware since") },
    { "severity", N_("Severity") },
    { "findings.summary", N_("Summary of the findings (step 6)") },
    { "escalate.escalate", N_("Whether to escalate (step 7)") },
  };
  VigilWindow *self = VIGIL_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  g_auto(GStrv) missing = NULL;
  VigilIncident *incident;
  GtkWidget *dialog;

  if (self->workspace == NULL || (incident = vigil_workspace_lookup (self->workspace, id)) == NULL)
    return;

  missing = vigil_incident_list_missing_for_approval (incident);
  if (missing[0] != NULL)
    {
      GString *list = g_string_new (NULL);

      for (guint i = 0; missing[i] != NULL; i++)
        {
          const char *label = missing[i];

          for (guint n = 0; n < G_N_ELEMENTS (names); n++)
            if (g_str_equal (names[n].id, missing[i]))
              label = _(names[n].label);
          g_string_append_printf (list, "• %s\n", label);
        }
      dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Not Ready for Approval"), NULL);
      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                      _("Fill in these fields first:\n%s"), list->str);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      g_string_free (list, TRUE);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Submit for Approval?"),
                                   _("The incident response lead sees steps 1 to 7 as they "
                                     "are now. They cannot be changed until the lead has "
                                     "decided."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "submit", _("_Submit"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "submit",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "submit");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "incident-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_submit_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_open_incident_cb (VigilWindow   *self,
                     VigilIncident *incident)
{
  vigil_incident_page_set_incident (self->incident_page, incident);
  vigil_window_show_page (self, "incident");
  gtk_widget_grab_focus (GTK_WIDGET (self->incident_page));
}

/* Back to the board, with the focus on the incident's card. */
static void
vigil_window_back_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  VigilWindow *self = VIGIL_WINDOW (widget);
  g_autoptr(VigilIncident) incident = NULL;
  GtkWidget *column;

  incident = vigil_incident_page_get_incident (self->incident_page);
  if (incident != NULL)
    g_object_ref (incident);
  vigil_window_show_page (self, "board");

  if (incident != NULL)
    {
      column = vigil_board_get_column (self->board, vigil_incident_get_step (incident));
      if (column != NULL)
        vigil_board_column_focus_incident (VIGIL_BOARD_COLUMN (column), incident);
    }
}

static void
on_board_move_failed_cb (VigilWindow   *self,
                         VigilIncident *incident,
                         const char    *message,
                         VigilBoard    *board)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, 8);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  vigil_window_add_toast (self, toast);
}

static gboolean
vigil_window_close_request (GtkWindow *window)
{
  VigilWindow *self = VIGIL_WINDOW (window);

  /* What was typed in the last second is saved, not lost with the window. */
  vigil_incident_page_flush_all (self->incident_page);

  return GTK_WINDOW_CLASS (vigil_window_parent_class)->close_request (window);
}

static void
vigil_window_dispose (GObject *object)
{
  VigilWindow *self = VIGIL_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_WINDOW);

  g_clear_object (&self->workspace);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (vigil_window_parent_class)->dispose (object);
}

static void
vigil_window_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VigilWindow *self = VIGIL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      g_value_set_object (value, self->workspace);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_window_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  VigilWindow *self = VIGIL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      vigil_window_set_workspace (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Leads see how many submissions wait for them. */
static void
vigil_window_update_approvals_badge (VigilWindow *self)
{
  guint n = vigil_approvals_view_get_n_pending (self->approvals);
  gboolean lead = self->workspace != NULL &&
                  vigil_workspace_get_role (self->workspace) == VIGIL_ROLE_LEAD;

  adw_view_stack_page_set_badge_number (self->approvals_page, n);
  adw_view_stack_page_set_needs_attention (self->approvals_page, lead && n > 0);
}

static void
on_decided_cb (VigilWindow   *self,
               VigilIncident *incident,
               const char    *error_message)
{
  g_autofree char *text = NULL;
  AdwToast *toast;

  if (incident == NULL)
    text = g_strdup_printf (_("Not decided: %s"), error_message);
  else if (vigil_incident_get_approval_state (incident) == VIGIL_APPROVAL_APPROVED)
    text = g_strdup_printf (_("%s approved: it enters step 9"),
                            vigil_incident_get_reference (incident));
  else
    text = g_strdup_printf (_("%s rejected: it goes back to the analyst"),
                            vigil_incident_get_reference (incident));
  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, incident == NULL ? 0 : 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_view_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VigilWindow *self = VIGIL_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack,
                                         g_variant_get_string (parameter, NULL));
}

static void
vigil_window_class_init (VigilWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_window_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = vigil_window_close_request;
  object_class->get_property = vigil_window_get_property;
  object_class->set_property = vigil_window_set_property;

  properties[PROP_WORKSPACE] =
    g_param_spec_object ("workspace", NULL, NULL,
                         VIGIL_TYPE_WORKSPACE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VigilWindow::open-incident:
   * @incident: the incident the user wants to see
   *
   * Emitted by the `win.open-incident` action, e.g. when a card is
   * activated with Enter or a click.
   */
  signals[OPEN_INCIDENT] =
    g_signal_new ("open-incident",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, VIGIL_TYPE_INCIDENT);

  g_type_ensure (VIGIL_TYPE_BOARD);
  g_type_ensure (VIGIL_TYPE_INCIDENT_PAGE);
  g_type_ensure (VIGIL_TYPE_SYNC_BUTTON);
  g_type_ensure (VIGIL_TYPE_APPROVALS_VIEW);
  g_type_ensure (VIGIL_TYPE_DASHBOARD);
  g_type_ensure (VIGIL_TYPE_TIMELINE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vigil/Vigil/ui/vigil-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, approvals_page);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, approvals);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, dashboard);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, timeline);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, toast_overlay);
  gtk_widget_class_bind_template_child_full (widget_class, "main_stack", FALSE, G_STRUCT_OFFSET (VigilWindow, stack));
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, board);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, new_incident_button);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, incident_page);

  gtk_widget_class_install_action (widget_class, "win.new-incident", NULL,
                                   vigil_window_new_incident_action);
  gtk_widget_class_install_action (widget_class, "win.show-view", "s", show_view_action);
  gtk_widget_class_install_action (widget_class, "win.submit-for-approval", "s",
                                   vigil_window_submit_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK,
                                       "win.show-view", "s", "board");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK,
                                       "win.show-view", "s", "approvals");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK,
                                       "win.show-view", "s", "dashboard");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_4, GDK_ALT_MASK,
                                       "win.show-view", "s", "timeline");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-incident", NULL);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, vigil_window_find_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.find", NULL);
  gtk_widget_class_install_action (widget_class, "win.open-incident", "s",
                                   vigil_window_open_incident_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, vigil_window_back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.back", NULL);
}

static void
vigil_window_init (VigilWindow *self)
{
  g_autoptr(GAction) compact = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  g_signal_connect_object (self->approvals, "notify::n-pending",
                           G_CALLBACK (vigil_window_update_approvals_badge), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->approvals, "decided", G_CALLBACK (on_decided_cb), self,
                           G_CONNECT_SWAPPED);

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "window-width",
                   self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height",
                   self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized",
                   self, "maximized", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "board-compact",
                   self->board, "compact", G_SETTINGS_BIND_DEFAULT);
  compact = g_settings_create_action (self->settings, "board-compact");
  g_action_map_add_action (G_ACTION_MAP (self), compact);

  g_object_bind_property (self->search_button, "active", self->board, "search-mode",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->board, "move-failed",
                           G_CALLBACK (on_board_move_failed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self, "open-incident", G_CALLBACK (on_open_incident_cb), NULL);
  g_signal_connect_object (self->board, "notify::previewing",
                           G_CALLBACK (on_board_previewing_notify_cb), self,
                           G_CONNECT_SWAPPED);

  vigil_window_show_page (self, "loading");
}

VigilWindow *
vigil_window_new (GtkApplication *app,
                  VigilWorkspace *workspace)
{
  g_return_val_if_fail (app == NULL || GTK_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (workspace == NULL || VIGIL_IS_WORKSPACE (workspace), NULL);

  return g_object_new (VIGIL_TYPE_WINDOW,
                       "application", app,
                       "workspace", workspace,
                       NULL);
}

VigilWorkspace *
vigil_window_get_workspace (VigilWindow *self)
{
  g_return_val_if_fail (VIGIL_IS_WINDOW (self), NULL);

  return self->workspace;
}

/* Who works here, and against which server; or local mode. */
static void
vigil_window_update_subtitle (VigilWindow *self)
{
  VigilSync *sync = self->workspace ? vigil_workspace_get_sync (self->workspace) : NULL;
  g_autofree char *subtitle = NULL;

  if (sync != NULL)
    {
      g_autofree char *server = vigil_store_dup_sync_server (vigil_workspace_get_store (self->workspace));
      g_autoptr(GUri) uri = g_uri_parse (server, G_URI_FLAGS_NONE, NULL);
      const char *role = vigil_process_get_choice_label (
        VIGIL_CHOICES_ROLE, vigil_role_to_string (vigil_workspace_get_role (self->workspace)));

      /* Translators: user name, role and server, e.g. "ana (Analyst) on vigil.example.org" */
      subtitle = g_strdup_printf (_("%s (%s) on %s"), vigil_workspace_get_actor (self->workspace),
                                  role, uri ? g_uri_get_host (uri) : server);
    }
  else
    {
      subtitle = g_strdup (_("Local mode"));
    }
  adw_view_switcher_title_set_subtitle (self->window_title, subtitle);
}

void
vigil_window_set_workspace (VigilWindow    *self,
                            VigilWorkspace *workspace)
{
  g_return_if_fail (VIGIL_IS_WINDOW (self));
  g_return_if_fail (workspace == NULL || VIGIL_IS_WORKSPACE (workspace));

  if (self->workspace == workspace)
    return;

  /* A load still running for the previous workspace must not switch pages. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  vigil_incident_page_set_incident (self->incident_page, NULL);
  if (self->workspace != NULL)
    g_signal_handlers_disconnect_by_func (self->workspace, on_workspace_preview_ready_cb, self);
  g_set_object (&self->workspace, workspace);
  /* The board connects first: it shows the preview before the window
   * leaves the loading page for it. */
  vigil_board_set_workspace (self->board, workspace);
  if (workspace != NULL)
    g_signal_connect_object (workspace, "preview-ready",
                             G_CALLBACK (on_workspace_preview_ready_cb), self,
                             G_CONNECT_SWAPPED);
  vigil_incident_page_set_workspace (self->incident_page, workspace);
  vigil_sync_button_set_workspace (self->sync_button, workspace);
  vigil_approvals_view_set_workspace (self->approvals, workspace);
  vigil_dashboard_set_workspace (self->dashboard, workspace);
  vigil_timeline_set_workspace (self->timeline, workspace);
  vigil_window_update_subtitle (self);
  vigil_window_update_approvals_badge (self);

  if (workspace == NULL)
    vigil_window_show_page (self, "loading");
  else if (vigil_workspace_get_loaded (workspace))
    vigil_window_show_page (self, "board");
  else
    {
      vigil_window_show_page (self, "loading");
      vigil_workspace_load_async (workspace, self->cancellable,
                                  on_workspace_loaded_cb, g_object_ref (self));
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKSPACE]);
}

VigilBoard *
vigil_window_get_board (VigilWindow *self)
{
  g_return_val_if_fail (VIGIL_IS_WINDOW (self), NULL);

  return self->board;
}

void
vigil_window_show_error (VigilWindow *self,
                         const char  *title,
                         const char  *message)
{
  g_autofree char *escaped = NULL;

  g_return_if_fail (VIGIL_IS_WINDOW (self));
  g_return_if_fail (title != NULL);

  /* The description is markup; paths and SQLite messages are not. */
  if (message != NULL)
    escaped = g_markup_escape_text (message, -1);

  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, escaped);
  vigil_window_show_page (self, "error");
}

/* Takes ownership of @toast. */
void
vigil_window_add_toast (VigilWindow *self,
                        AdwToast    *toast)
{
  g_return_if_fail (VIGIL_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}
