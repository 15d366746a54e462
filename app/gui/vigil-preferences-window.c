/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-preferences-window.h"

struct _VigilPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwActionRow         *signed_in_row;
  AdwEntryRow          *url_row;
  AdwEntryRow          *user_row;
  AdwEntryRow          *password_row;
  GtkWidget            *action_group;
  GtkLabel             *error_label;
  GtkSpinner           *spinner;
  GtkWidget            *sign_in_button;
  GtkLabel             *storage_label;
  AdwComboRow          *role_row;
  AdwActionRow         *external_approval_row;
  GtkSwitch            *external_approval_switch;
  gboolean              showing_policy;
  VigilSync            *watched_sync;   /* weak: tells when the server's policy changes */
  AdwPreferencesGroup  *profile_group;
  AdwExpanderRow       *entity_types_row;
  GtkCheckButton       *entity_type_checks[VIGIL_DORA_N_ENTITY_TYPES];
  AdwComboRow          *member_state_row;
  AdwActionRow         *holidays_row;
  GtkWidget            *holidays_import_button;
  AdwActionRow         *next_holidays_row;
  gboolean              showing_profile;
  VigilDoraProfile     *saving_profile;  /* on its way to the store */
  VigilDoraProfile     *queued_profile;  /* the next to save, once that one is */
  GtkNativeDialog      *import_chooser;

  VigilApplication     *application;
  GSettings            *settings;
  GCancellable         *cancellable;
  char                 *pending_url;
  char                 *pending_user;
  char                 *pending_password;
  GTlsCertificate      *pending_certificate;
};

G_DEFINE_FINAL_TYPE (VigilPreferencesWindow, vigil_preferences_window,
                     ADW_TYPE_PREFERENCES_WINDOW)

static void
show_error (VigilPreferencesWindow *self,
            const char             *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
set_busy (VigilPreferencesWindow *self,
          gboolean                busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (self->sign_in_button, !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->url_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->user_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
}

static void update_profile (VigilPreferencesWindow *self);

/* The policy is the workspace's: the store's own in local mode, the
 * server's (as last heard) when signed in, where only the administrator
 * changes it. */
static void
update_policy (VigilPreferencesWindow *self)
{
  VigilWorkspace *workspace = vigil_application_get_workspace (self->application);
  VigilSync *sync = workspace ? vigil_workspace_get_sync (workspace) : NULL;
  gboolean signed_in = vigil_application_get_session (self->application) != NULL;
  VigilPolicyFlags policy = VIGIL_POLICY_DEFAULT;

  if (sync != self->watched_sync)
    {
      if (self->watched_sync != NULL)
        g_signal_handlers_disconnect_by_data (self->watched_sync, self);
      g_set_weak_pointer (&self->watched_sync, sync);
      if (sync != NULL)
        {
          g_signal_connect_swapped (sync, "notify::policy", G_CALLBACK (update_policy), self);
          g_signal_connect_swapped (sync, "notify::dora-profile", G_CALLBACK (update_profile),
                                    self);
        }
    }

  if (workspace != NULL)
    policy = vigil_store_get_policy (vigil_workspace_get_store (workspace));

  self->showing_policy = TRUE;
  gtk_switch_set_active (self->external_approval_switch,
                         (policy & VIGIL_POLICY_EXTERNAL_NOTIFICATIONS_NEED_APPROVAL) != 0);
  self->showing_policy = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->external_approval_switch),
                            workspace != NULL && !signed_in);
  adw_action_row_set_subtitle (self->external_approval_row,
                               signed_in
                               ? _("Set for the whole team by the server’s administrator "
                                   "(vigild policy)")
                               : _("Drafts for clients and the regulator are sent only as an "
                                   "incident response lead approved them"));
}

static void
set_policy_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;

  if (vigil_store_set_policy (VIGIL_STORE (source), GPOINTER_TO_UINT (task_data), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_policy_set_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VigilPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_error (self, error->message);
    }
  update_policy (self);
}

static void
on_external_approval_active_cb (VigilPreferencesWindow *self)
{
  VigilWorkspace *workspace = vigil_application_get_workspace (self->application);
  VigilStore *store;
  VigilPolicyFlags policy;
  g_autoptr(GTask) task = NULL;

  if (self->showing_policy || workspace == NULL ||
      vigil_application_get_session (self->application) != NULL)
    return;

  store = vigil_workspace_get_store (workspace);
  policy = vigil_store_get_policy (store);
  if (gtk_switch_get_active (self->external_approval_switch))
    policy |= VIGIL_POLICY_EXTERNAL_NOTIFICATIONS_NEED_APPROVAL;
  else
    policy &= ~VIGIL_POLICY_EXTERNAL_NOTIFICATIONS_NEED_APPROVAL;

  /* A write that may wait for the disk: not on the main loop. */
  task = g_task_new (store, self->cancellable, on_policy_set_cb, g_object_ref (self));
  g_task_set_task_data (task, GUINT_TO_POINTER (policy), NULL);
  g_task_run_in_thread (task, set_policy_thread);
}

/* The DORA profile, shared like the policy: the store's own in local mode,
 * the server's when signed in, where only the administrator changes it. */

static char *
describe_holidays (VigilCalendar *calendar)
{
  g_auto(GStrv) states = vigil_calendar_dup_states (calendar);
  g_autoptr(GString) text = g_string_new (NULL);

  if (states[0] == NULL)
    return g_strdup (_("None: weekends only. Import your member state’s bank holidays."));

  for (guint i = 0; states[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) days = vigil_calendar_dup_holidays (calendar, states[i]);

      if (i > 0)
        g_string_append (text, ", ");
      /* Translators: a member state and how many bank holidays it has, "DE: 27" */
      g_string_append_printf (text, _("%s: %u"), states[i], days->len);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

#define N_NEXT_HOLIDAYS 3

static char *
describe_next_holidays (VigilCalendar *calendar,
                        const char    *state)
{
  g_autoptr(GPtrArray) days = vigil_calendar_dup_holidays (calendar, state);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) today = g_date_time_new_utc (g_date_time_get_year (now),
                                                    g_date_time_get_month (now),
                                                    g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr(GString) text = g_string_new (NULL);
  guint shown = 0;

  for (guint i = 0; i < days->len && shown < N_NEXT_HOLIDAYS; i++)
    {
      GDateTime *day = g_ptr_array_index (days, i);
      g_autofree char *label = NULL;

      if (g_date_time_compare (day, today) < 0)
        continue;
      /* Translators: a date as strftime() writes it, "Fri 25 Dec 2026" */
      label = g_date_time_format (day, _("%a %-d %b %Y"));
      if (shown++ > 0)
        g_string_append (text, ", ");
      g_string_append (text, label);
    }
  if (shown == 0)
    /* Translators: %s is a member state code such as "DE" */
    return g_strdup_printf (_("None ahead for %s: import the coming years’ dates"), state);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The newest: a change asked for counts before it reaches the store. */
static VigilDoraProfile *
dup_shown_profile (VigilPreferencesWindow *self)
{
  VigilWorkspace *workspace = vigil_application_get_workspace (self->application);

  if (self->queued_profile != NULL)
    return g_object_ref (self->queued_profile);
  if (self->saving_profile != NULL)
    return g_object_ref (self->saving_profile);
  if (workspace == NULL)
    return vigil_dora_profile_dup_default ();
  return vigil_store_dup_dora_profile (vigil_workspace_get_store (workspace));
}

static void
update_profile (VigilPreferencesWindow *self)
{
  VigilWorkspace *workspace = vigil_application_get_workspace (self->application);
  gboolean signed_in = vigil_application_get_session (self->application) != NULL;
  gboolean editable = workspace != NULL && !signed_in;
  g_autoptr(VigilDoraProfile) profile = dup_shown_profile (self);
  VigilCalendar *calendar = vigil_dora_profile_get_calendar (profile);
  const char *state = vigil_dora_profile_get_member_state (profile);
  GDateTime *withdrawn = vigil_dora_profile_get_relief_withdrawn_at (profile);
  guint types = vigil_dora_profile_get_types (profile);
  g_autoptr(GString) labels = g_string_new (NULL);
  g_autofree char *holidays = describe_holidays (calendar);
  g_autofree char *next = describe_next_holidays (calendar, state);
  g_autofree char *next_title = NULL;
  g_autofree char *description = NULL;

  self->showing_profile = TRUE;
  for (guint i = 0; i < VIGIL_DORA_N_ENTITY_TYPES; i++)
    {
      gboolean on = (types & (1u << i)) != 0;

      gtk_check_button_set_active (self->entity_type_checks[i], on);
      gtk_widget_set_sensitive (GTK_WIDGET (self->entity_type_checks[i]), editable);
      if (on)
        {
          if (labels->len > 0)
            g_string_append (labels, ", ");
          g_string_append (labels, vigil_dora_entity_type_get_label (1u << i));
        }
    }
  adw_expander_row_set_subtitle (self->entity_types_row, labels->str);
  adw_combo_row_set_selected (self->member_state_row, vigil_dora_eea_state_index (state));
  self->showing_profile = FALSE;

  gtk_widget_set_sensitive (GTK_WIDGET (self->member_state_row), editable);
  gtk_widget_set_sensitive (self->holidays_import_button, editable);
  adw_action_row_set_subtitle (self->holidays_row, holidays);
  /* Translators: %s is a member state code such as "DE" */
  next_title = g_strdup_printf (_("Next bank holidays in %s"), state);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->next_holidays_row), next_title);
  adw_action_row_set_subtitle (self->next_holidays_row, next);

  if (signed_in)
    description = g_strdup (_("Set for the whole team by the server’s administrator "
                              "(vigild profile). Every reporting deadline is computed for it."));
  else
    description = g_strdup (_("Every reporting deadline is computed for this profile. Check "
                              "the bank holidays against your authority’s calendar: the "
                              "built-in ones are national public holidays only."));
  if (withdrawn != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (withdrawn);
      g_autofree char *when = g_date_time_format (local, "%x");
      g_autofree char *full = NULL;

      /* Translators: %s is the description above, %s the date the relief was withdrawn */
      full = g_strdup_printf (_("%s The authority withdrew the weekend relief on %s."),
                              description, when);
      g_free (description);
      description = g_steal_pointer (&full);
    }
  adw_preferences_group_set_description (self->profile_group, description);
}

static void
set_profile_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;

  if (vigil_store_set_dora_profile (VIGIL_STORE (source), task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void save_profile (VigilPreferencesWindow *self,
                          VigilDoraProfile       *profile);

static void
on_profile_set_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VigilPreferencesWindow) self = user_data;
  g_autoptr(VigilDoraProfile) queued = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->saving_profile);
  queued = g_steal_pointer (&self->queued_profile);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_error (self, error->message);
    }
  if (queued != NULL)
    save_profile (self, queued);
  else
    update_profile (self);
}

/* Local mode only; a write that may wait for the disk, so not on the main loop. */
static void
save_profile (VigilPreferencesWindow *self,
              VigilDoraProfile       *profile)
{
  VigilWorkspace *workspace = vigil_application_get_workspace (self->application);
  g_autoptr(GTask) task = NULL;
  VigilStore *store;

  if (workspace == NULL || vigil_application_get_session (self->application) != NULL ||
      profile == NULL)
    {
      update_profile (self);
      return;
    }
  /* One save at a time, in the order asked. */
  if (self->saving_profile != NULL)
    {
      g_set_object (&self->queued_profile, profile);
      return;
    }
  g_set_object (&self->saving_profile, profile);
  store = vigil_workspace_get_store (workspace);
  task = g_task_new (store, self->cancellable, on_profile_set_cb, g_object_ref (self));
  g_task_set_task_data (task, g_object_ref (profile), g_object_unref);
  g_task_run_in_thread (task, set_profile_thread);
}

/* One type at a time, on the newest profile: the boxes may lag behind a
 * save on its way. */
static void
on_entity_type_toggled_cb (GtkCheckButton         *check,
                           VigilPreferencesWindow *self)
{
  g_autoptr(VigilDoraProfile) current = NULL;
  g_autoptr(VigilDoraProfile) changed = NULL;
  guint types;

  if (self->showing_profile)
    return;

  current = dup_shown_profile (self);
  types = vigil_dora_profile_get_types (current);
  for (guint i = 0; i < VIGIL_DORA_N_ENTITY_TYPES; i++)
    {
      if (self->entity_type_checks[i] != check)
        continue;
      if (gtk_check_button_get_active (check))
        types |= 1u << i;
      else
        types &= ~(1u << i);
    }

  /* At least one type: unticking the last one is undone. */
  changed = vigil_dora_profile_new (types, vigil_dora_profile_get_member_state (current),
                                    vigil_dora_profile_get_relief_withdrawn_at (current),
                                    vigil_dora_profile_get_calendar (current));
  save_profile (self, changed);
}

static void
on_member_state_selected_cb (VigilPreferencesWindow *self)
{
  g_autoptr(VigilDoraProfile) current = NULL;
  g_autoptr(VigilDoraProfile) changed = NULL;
  guint selected = adw_combo_row_get_selected (self->member_state_row);

  if (self->showing_profile || self->application == NULL ||
      selected >= VIGIL_DORA_N_EEA_STATES)
    return;

  current = dup_shown_profile (self);
  changed = vigil_dora_profile_new (vigil_dora_profile_get_types (current),
                                    vigil_dora_eea_states ()[selected],
                                    vigil_dora_profile_get_relief_withdrawn_at (current),
                                    vigil_dora_profile_get_calendar (current));
  save_profile (self, changed);
}

static void
on_holidays_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(VigilPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(VigilDoraProfile) current = NULL;
  g_autoptr(VigilDoraProfile) changed = NULL;
  g_autoptr(VigilCalendar) calendar = NULL;
  g_autoptr(JsonNode) old_holidays = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  gsize length;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }

  /* The states in the file replace those of the profile; the others stay. */
  current = dup_shown_profile (self);
  calendar = vigil_calendar_new ();
  old_holidays = vigil_calendar_to_json (vigil_dora_profile_get_calendar (current));
  if (!vigil_calendar_load_json (calendar, old_holidays, &error) ||
      !json_parser_load_from_data (parser, contents, length, &error) ||
      !vigil_calendar_load_json (calendar, json_parser_get_root (parser), &error))
    {
      g_autofree char *message = NULL;

      name = g_file_get_basename (G_FILE (source));
      /* Translators: the first %s is a file name, the second what is wrong with it */
      message = g_strdup_printf (_("The bank holidays in %s were not imported: %s. The file "
                                   "must look like {\"DE\": [\"2026-12-25\", …]}."),
                                 name, error->message);
      show_error (self, message);
      return;
    }
  show_error (self, NULL);
  changed = vigil_dora_profile_new (vigil_dora_profile_get_types (current),
                                    vigil_dora_profile_get_member_state (current),
                                    vigil_dora_profile_get_relief_withdrawn_at (current),
                                    calendar);
  save_profile (self, changed);
}

static void
on_import_response_cb (GtkNativeDialog        *chooser,
                       int                     response,
                       VigilPreferencesWindow *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->import_chooser);
  if (file != NULL)
    vigil_preferences_window_import_holidays (self, file);
}

static void
on_holidays_import_clicked_cb (VigilPreferencesWindow *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->import_chooser != NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Import Bank Holidays"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"),
                                         _("_Cancel"));
  gtk_file_filter_set_name (filter, _("JSON files"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_import_response_cb), self);
  self->import_chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->import_chooser);
}

static void
setup_profile (VigilPreferencesWindow *self)
{
  const char * const *states = vigil_dora_eea_states ();
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  for (guint i = 0; i < VIGIL_DORA_N_EEA_STATES; i++)
    gtk_string_list_append (model, states[i]);
  adw_combo_row_set_model (self->member_state_row, G_LIST_MODEL (model));

  for (guint i = 0; i < VIGIL_DORA_N_ENTITY_TYPES; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      g_autofree char *name = g_strconcat ("entity-type-",
                                           vigil_dora_entity_type_to_string (1u << i), NULL);

      gtk_widget_set_name (check, name);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     vigil_dora_entity_type_get_label (1u << i));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      g_signal_connect (check, "toggled", G_CALLBACK (on_entity_type_toggled_cb), self);
      adw_expander_row_add_row (self->entity_types_row, row);
      self->entity_type_checks[i] = GTK_CHECK_BUTTON (check);
    }
}

/* Signed in: who and where, and a way out; otherwise the sign-in form. */
static void
update (VigilPreferencesWindow *self)
{
  VigilSession *session = vigil_application_get_session (self->application);
  g_autofree char *path = vigil_application_dup_session_path (self->application);
  g_autofree char *storage = NULL;

  if (session != NULL)
    {
      g_autofree char *title = NULL;
      const char *role = vigil_process_get_choice_label (VIGIL_CHOICES_ROLE,
                                                         vigil_role_to_string (session->role));

      /* Translators: "Signed in as alice (Analyst)" */
      title = g_strdup_printf (_("Signed in as %s (%s)"), session->user, role);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->signed_in_row), title);
      adw_action_row_set_subtitle (self->signed_in_row, session->server_url);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->signed_in_row), session != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->url_row), session == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->user_row), session == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->password_row), session == NULL);
  gtk_widget_set_visible (self->sign_in_button, session == NULL);

  storage = g_strdup_printf (_("Your sign-in is kept in a file only you can read: %s. "
                               "Signing out removes it."), path);
  gtk_label_set_label (self->storage_label, storage);
  update_policy (self);
  update_profile (self);
}

static void
on_session_changed_cb (VigilPreferencesWindow *self)
{
  set_busy (self, FALSE);
  update (self);
}

static void
on_upload_response_cb (AdwMessageDialog       *dialog,
                       const char             *response,
                       VigilPreferencesWindow *self)
{
  VigilSession *session = g_object_steal_data (G_OBJECT (dialog), "session");

  if (g_strcmp0 (response, "upload") == 0 || g_strcmp0 (response, "keep") == 0)
    {
      vigil_application_use_server (self->application, session,
                                    g_str_equal (response, "upload"));
      return;
    }

  vigil_session_free (session);
  set_busy (self, FALSE);
}

/* Incidents of local mode go to the server only if the user says so; either
 * way they stay in local mode. */
static void
ask_about_local_incidents (VigilPreferencesWindow *self,
                           VigilSession           *session,
                           guint                   n_local)
{
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u incident was recorded on this computer in local "
                                       "mode. Upload it to %s so that your team sees it, or "
                                       "keep it on this computer only. It stays in local mode "
                                       "either way, and uploading twice never makes copies.",
                                       "%u incidents were recorded on this computer in local "
                                       "mode. Upload them to %s so that your team sees them, "
                                       "or keep them on this computer only. They stay in local "
                                       "mode either way, and uploading twice never makes "
                                       "copies.", n_local),
                          n_local, session->server_url);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Upload Local Incidents?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "keep", _("_Keep Here Only"),
                                    "upload", _("_Upload"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "upload",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "upload");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "session", session,
                          (GDestroyNotify) vigil_session_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_upload_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void on_signed_in_cb (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data);

static void
on_certificate_response_cb (AdwMessageDialog       *dialog,
                            const char             *response,
                            VigilPreferencesWindow *self)
{
  GTlsCertificate *peer = g_object_get_data (G_OBJECT (dialog), "certificate");

  if (g_strcmp0 (response, "trust") != 0 || self->pending_password == NULL)
    {
      set_busy (self, FALSE);
      show_error (self, _("Not signed in: the server’s certificate was not trusted"));
      return;
    }

  /* Trusted from now on for this server, and remembered with the sign-in. */
  g_set_object (&self->pending_certificate, peer);
  vigil_sync_sign_in_async (self->pending_url, peer, self->pending_user, self->pending_password,
                            self->cancellable, on_signed_in_cb, g_object_ref (self));
}

static void
ask_about_certificate (VigilPreferencesWindow *self,
                       GTlsCertificate        *peer)
{
  g_autofree char *fingerprint = vigil_certificate_dup_fingerprint (peer);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  body = g_strdup_printf (_("No certificate authority of this computer vouches for the "
                            "certificate of %s. If it is your team’s own server, compare "
                            "this SHA-256 fingerprint with the one your administrator "
                            "gave you:\n\n%s\n\nTrust it only if they are the same."),
                          self->pending_url, fingerprint ? fingerprint : "?");
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Trust This Server?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "trust", _("_Trust"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "trust",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "certificate", g_object_ref (peer),
                          g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_certificate_response_cb), self,
                           0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_signed_in_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VigilPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  VigilWorkspace *workspace;
  VigilSession *session;
  VigilRole role = VIGIL_ROLE_ANALYST;
  guint n_local = 0;

  token = vigil_sync_sign_in_finish (result, &role, &error);
  if (token == NULL &&
      g_error_matches (error, VIGIL_SYNC_ERROR, VIGIL_SYNC_ERROR_UNTRUSTED_CERTIFICATE))
    {
      g_autoptr(GTlsCertificate) peer = vigil_sync_sign_in_dup_peer_certificate (result);

      if (peer != NULL)
        {
          ask_about_certificate (self, peer);
          return;
        }
    }
  if (token == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          set_busy (self, FALSE);
          show_error (self, error->message);
          gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
        }
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  g_clear_pointer (&self->pending_password, g_free);
  session = vigil_session_new (self->pending_url, self->pending_user, role, token);
  if (self->pending_certificate != NULL)
    g_object_get (self->pending_certificate, "certificate-pem", &session->certificate_pem, NULL);

  /* Only a first sign-in from local mode has local incidents to offer. */
  workspace = vigil_application_get_workspace (self->application);
  if (workspace != NULL && vigil_workspace_get_sync (workspace) == NULL &&
      !vigil_application_has_replica (self->application, session->server_url))
    n_local = g_list_model_get_n_items (vigil_workspace_get_incidents (workspace));

  if (n_local > 0)
    ask_about_local_incidents (self, session, n_local);
  else
    vigil_application_use_server (self->application, session, FALSE);
}

static char *
normalise_url (const char  *text,
               GError     **error)
{
  g_autofree char *url = g_strstrip (g_strdup (text));
  g_autoptr(GUri) uri = NULL;

  if (*url == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Enter the address of the Vigil server, for example "
                             "https://vigil.example.org:8443/"));
      return NULL;
    }
  if (strstr (url, "://") == NULL)
    {
      g_autofree char *with_scheme = g_strconcat ("https://", url, NULL);

      g_free (url);
      url = g_steal_pointer (&with_scheme);
    }

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL ||
      (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a server address; write it like "
                     "https://vigil.example.org:8443/"), text);
      return NULL;
    }
  return g_uri_to_string (uri);
}

static void
on_sign_in_clicked_cb (VigilPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *user = NULL;
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (!(url = normalise_url (gtk_editable_get_text (GTK_EDITABLE (self->url_row)), &error)))
    {
      show_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->url_row));
      return;
    }
  user = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->user_row))));
  if (*user == '\0')
    {
      show_error (self, _("Enter your user name on the server"));
      gtk_widget_grab_focus (GTK_WIDGET (self->user_row));
      return;
    }
  if (*password == '\0')
    {
      show_error (self, _("Enter your password"));
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  show_error (self, NULL);
  set_busy (self, TRUE);
  g_free (self->pending_url);
  self->pending_url = g_steal_pointer (&url);
  g_free (self->pending_user);
  self->pending_user = g_steal_pointer (&user);
  g_free (self->pending_password);
  self->pending_password = g_strdup (password);
  /* A certificate trusted for another address does not carry over. */
  g_clear_object (&self->pending_certificate);
  vigil_sync_sign_in_async (self->pending_url, NULL, self->pending_user, password,
                            self->cancellable, on_signed_in_cb, g_object_ref (self));
}

static void
on_entry_activated_cb (VigilPreferencesWindow *self)
{
  on_sign_in_clicked_cb (self);
}

static void
on_sign_out_response_cb (AdwMessageDialog       *dialog,
                         const char             *response,
                         VigilPreferencesWindow *self)
{
  if (g_strcmp0 (response, "sign-out") == 0)
    {
      set_busy (self, TRUE);
      vigil_application_use_local (self->application);
    }
}

static void
on_sign_out_clicked_cb (VigilPreferencesWindow *self)
{
  VigilWorkspace *workspace = vigil_application_get_workspace (self->application);
  VigilSync *sync = workspace ? vigil_workspace_get_sync (workspace) : NULL;
  guint pending = sync ? vigil_sync_get_n_pending (sync) : 0;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (pending > 0)
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u change has not reached the server yet. It is kept "
                                         "and sent when you sign in to this server again.",
                                         "%u changes have not reached the server yet. They are "
                                         "kept and sent when you sign in to this server again.",
                                         pending), pending);
  else
    body = g_strdup (_("Vigil returns to local mode. The server’s incidents stay on this "
                       "computer and come back up to date when you sign in again."));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Sign Out?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "sign-out", _("Sign _Out"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "sign-out",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_sign_out_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The local role combo shows translated role names and stores role ids. */
static void
on_role_selected_cb (VigilPreferencesWindow *self)
{
  const VigilChoice *choices;
  guint n_choices = 0;
  guint selected = adw_combo_row_get_selected (self->role_row);

  choices = vigil_process_get_choices (VIGIL_CHOICES_ROLE, &n_choices);
  if (selected < n_choices)
    g_settings_set_string (self->settings, "local-role", choices[selected].id);
}

static void
setup_roles (VigilPreferencesWindow *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *current = g_settings_get_string (self->settings, "local-role");
  const VigilChoice *choices;
  guint n_choices = 0;

  choices = vigil_process_get_choices (VIGIL_CHOICES_ROLE, &n_choices);
  for (guint i = 0; i < n_choices; i++)
    gtk_string_list_append (names, vigil_choice_get_label (&choices[i]));
  adw_combo_row_set_model (self->role_row, G_LIST_MODEL (names));
  for (guint i = 0; i < n_choices; i++)
    if (g_strcmp0 (choices[i].id, current) == 0)
      adw_combo_row_set_selected (self->role_row, i);
  g_signal_connect_swapped (self->role_row, "notify::selected",
                            G_CALLBACK (on_role_selected_cb), self);
}

/* GObject */

static void
vigil_preferences_window_dispose (GObject *object)
{
  VigilPreferencesWindow *self = (VigilPreferencesWindow *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->import_chooser != NULL)
    gtk_native_dialog_destroy (self->import_chooser);
  g_clear_object (&self->import_chooser);
  if (self->watched_sync != NULL)
    g_signal_handlers_disconnect_by_data (self->watched_sync, self);
  g_clear_weak_pointer (&self->watched_sync);
  if (self->application != NULL)
    g_signal_handlers_disconnect_by_data (self->application, self);
  g_clear_object (&self->application);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (vigil_preferences_window_parent_class)->dispose (object);
}

static void
vigil_preferences_window_finalize (GObject *object)
{
  VigilPreferencesWindow *self = (VigilPreferencesWindow *) object;

  g_free (self->pending_url);
  g_free (self->pending_user);
  g_free (self->pending_password);
  g_clear_object (&self->pending_certificate);
  g_clear_object (&self->queued_profile);
  g_clear_object (&self->saving_profile);

  G_OBJECT_CLASS (vigil_preferences_window_parent_class)->finalize (object);
}

static void
vigil_preferences_window_class_init (VigilPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_preferences_window_dispose;
  object_class->finalize = vigil_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vigil/Vigil/ui/vigil-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, signed_in_row);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, url_row);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, user_row);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, password_row);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, action_group);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, storage_label);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, role_row);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow,
                                        external_approval_row);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow,
                                        external_approval_switch);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, profile_group);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, entity_types_row);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, member_state_row);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, holidays_row);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow,
                                        holidays_import_button);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, next_holidays_row);
  gtk_widget_class_bind_template_callback (widget_class, on_external_approval_active_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_member_state_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_holidays_import_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_out_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
vigil_preferences_window_init (VigilPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  setup_roles (self);
  self->showing_profile = TRUE;
  setup_profile (self);
  self->showing_profile = FALSE;
}

VigilPreferencesWindow *
vigil_preferences_window_new (VigilApplication *application)
{
  VigilPreferencesWindow *self;

  g_return_val_if_fail (VIGIL_IS_APPLICATION (application), NULL);

  self = g_object_new (VIGIL_TYPE_PREFERENCES_WINDOW, NULL);
  self->application = g_object_ref (application);
  g_signal_connect_swapped (application, "notify::session",
                            G_CALLBACK (on_session_changed_cb), self);
  update (self);
  return self;
}

/* For tests: fills the form and signs in as if the user had. */
void
vigil_preferences_window_sign_in (VigilPreferencesWindow *self,
                                  const char             *url,
                                  const char             *user,
                                  const char             *password)
{
  g_return_if_fail (VIGIL_IS_PREFERENCES_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
  on_sign_in_clicked_cb (self);
}

const char *
vigil_preferences_window_get_error (VigilPreferencesWindow *self)
{
  g_return_val_if_fail (VIGIL_IS_PREFERENCES_WINDOW (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_label (self->error_label) : NULL;
}

/* For tests, and the file chooser: imports the bank holidays of @file. */
void
vigil_preferences_window_import_holidays (VigilPreferencesWindow *self,
                                          GFile                  *file)
{
  g_return_if_fail (VIGIL_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_file_load_contents_async (file, self->cancellable, on_holidays_loaded_cb,
                              g_object_ref (self));
}
