/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-application"

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include <vigil/vigil.h>

#include "vigil-application.h"
#include "vigil-preferences-window.h"
#include "vigil-reminders.h"
#include "vigil-window.h"

struct _VigilApplication
{
  AdwApplication  parent_instance;

  char           *data_dir;
  GCancellable   *cancellable;
  GSettings      *settings;
  VigilWorkspace *workspace;
  VigilSync      *sync;
  VigilSession   *session;
  VigilReminders *reminders;
  gboolean        opening;
};

G_DEFINE_FINAL_TYPE (VigilApplication, vigil_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static VigilRole
vigil_application_get_local_role (VigilApplication *self)
{
  g_autofree char *name = g_settings_get_string (self->settings, "local-role");
  VigilRole role = VIGIL_ROLE_ANALYST;

  /* The schema restricts the choices; this only guards a mismatch with the core. */
  if (!vigil_role_from_string (name, &role))
    g_warning ("Unknown local role “%s”, acting as analyst", name);

  return role;
}

static void
vigil_application_foreach_window (VigilApplication *self,
                                  GFunc             func,
                                  gpointer          user_data)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (VIGIL_IS_WINDOW (l->data))
        func (l->data, user_data);
    }
}

static void
set_workspace_cb (gpointer window,
                  gpointer workspace)
{
  vigil_window_set_workspace (VIGIL_WINDOW (window), VIGIL_WORKSPACE (workspace));
}

static void
show_error_cb (gpointer window,
               gpointer message)
{
  vigil_window_show_error (VIGIL_WINDOW (window),
                           _("Could Not Open the Incident Database"), message);
}

static void
vigil_application_fail (VigilApplication *self,
                        const char       *path,
                        const GError     *error)
{
  g_autofree char *message = NULL;

  message = g_strdup_printf (_("The incident database at %s could not be opened: %s. "
                               "Check that the folder is writable, or start Vigil with "
                               "--data-dir to use another folder."),
                             path, error->message);
  g_warning ("%s", message);
  vigil_application_foreach_window (self, show_error_cb, message);
}

typedef enum {
  OPEN_STARTUP,   /* the saved sign-in decides */
  OPEN_SERVER,    /* a new sign-in: save it */
  OPEN_LOCAL,     /* back to local mode: forget the sign-in */
} OpenMode;

typedef struct {
  OpenMode      mode;
  char         *data_dir;
  char         *session_path;
  VigilSession *session;
  gboolean      upload;
  char         *path;      /* the store opened */
} OpenRequest;

static void
open_request_free (OpenRequest *request)
{
  g_free (request->data_dir);
  g_free (request->session_path);
  g_clear_pointer (&request->session, vigil_session_free);
  g_free (request->path);
  g_free (request);
}

/* Local mode keeps vigil.db; a server has a replica of its own beside it,
 * so that signing in never mixes the two and local mode stays as it was.
 * Uploading starts the replica as a copy of the local store whose history
 * is queued for the server. */
static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenRequest *request = task_data;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GError) local_error = NULL;
  GError *error = NULL;

  /* The store holds incident data: keep it private to the user. */
  if (g_mkdir_with_parents (request->data_dir, 0700) != 0)
    {
      int saved_errno = errno;

      request->path = g_strdup (request->data_dir);
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               "%s", g_strerror (saved_errno));
      return;
    }

  switch (request->mode)
    {
    case OPEN_STARTUP:
      request->session = vigil_session_load (request->session_path, &local_error);
      if (local_error != NULL)
        g_warning ("%s", local_error->message);
      break;
    case OPEN_SERVER:
      if (!vigil_session_save (request->session, request->session_path, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      break;
    case OPEN_LOCAL:
    default:
      if (!vigil_session_forget (request->session_path, &local_error))
        g_warning ("%s", local_error->message);
      break;
    }

  if (request->session != NULL)
    {
      g_autofree char *name = vigil_session_replica_name (request->session->server_url);
      gboolean fresh, upload;

      request->path = g_build_filename (request->data_dir, name, NULL);
      fresh = !g_file_test (request->path, G_FILE_TEST_EXISTS);
      upload = fresh && request->upload;

      if (upload)
        {
          g_autofree char *local_path = g_build_filename (request->data_dir, "vigil.db", NULL);
          g_autoptr(VigilStore) local = vigil_store_open (local_path, &error);

          if (local == NULL || !vigil_store_backup (local, request->path, &error))
            {
              g_task_return_error (task, error);
              return;
            }
          vigil_store_close (local);
        }

      store = vigil_store_open (request->path, &error);
      if (store == NULL ||
          !vigil_store_set_sync_server (store, request->session->server_url, upload, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  else
    {
      request->path = g_build_filename (request->data_dir, "vigil.db", NULL);
      store = vigil_store_open (request->path, &error);
      if (store == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }

  /* Deadlines everywhere count for this workspace's DORA profile. */
  vigil_store_publish_dora_profile (store);
  g_task_return_pointer (task, g_steal_pointer (&store), g_object_unref);
}

static gboolean
on_close_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
vigil_application_close_workspace (VigilApplication *self)
{
  /* Operations handed to the store finish before it closes: an
   * acknowledged change is never cut off by quitting. */
  if (self->workspace != NULL && vigil_workspace_get_n_applying (self->workspace) > 0)
    {
      gboolean timed_out = FALSE;
      guint id = g_timeout_add_seconds (10, on_close_timeout_cb, &timed_out);

      while (vigil_workspace_get_n_applying (self->workspace) > 0 && !timed_out)
        g_main_context_iteration (NULL, TRUE);
      if (!timed_out)
        g_source_remove (id);
    }

  if (self->reminders != NULL)
    vigil_reminders_set_workspace (self->reminders, NULL);
  if (self->sync != NULL)
    vigil_sync_stop (self->sync);
  if (self->workspace != NULL)
    {
      vigil_workspace_set_sync (self->workspace, NULL);
      /* A clean close checkpoints the WAL into the database file. */
      vigil_store_close (vigil_workspace_get_store (self->workspace));
    }
  g_clear_object (&self->sync);
  g_clear_object (&self->workspace);
}

static void
on_store_opened_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  VigilApplication *self = VIGIL_APPLICATION (object);
  OpenRequest *request = g_task_get_task_data (G_TASK (result));
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GError) error = NULL;

  self->opening = FALSE;
  store = g_task_propagate_pointer (G_TASK (result), &error);

  if (store == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        vigil_application_fail (self, request->path ? request->path : request->data_dir, error);
      return;
    }

  vigil_application_close_workspace (self);
  g_clear_pointer (&self->session, vigil_session_free);
  self->session = g_steal_pointer (&request->session);

  if (self->session != NULL)
    {
      self->workspace = vigil_workspace_new (store, self->session->user, self->session->role);
      self->sync = vigil_sync_new (store, self->session->server_url, self->session->token);
      if (self->session->certificate_pem != NULL)
        {
          g_autoptr(GTlsCertificate) pinned = NULL;
          g_autoptr(GError) pem_error = NULL;

          pinned = g_tls_certificate_new_from_pem (self->session->certificate_pem, -1,
                                                   &pem_error);
          if (pinned != NULL)
            vigil_sync_set_pinned_certificate (self->sync, pinned);
          else
            g_warning ("The trusted server certificate cannot be read: %s",
                       pem_error->message);
        }
      vigil_workspace_set_sync (self->workspace, self->sync);
      vigil_sync_start (self->sync);
    }
  else
    {
      self->workspace = vigil_workspace_new (store, g_get_user_name (),
                                             vigil_application_get_local_role (self));
    }

  vigil_application_foreach_window (self, set_workspace_cb, self->workspace);
  if (self->reminders != NULL)
    vigil_reminders_set_workspace (self->reminders, self->workspace);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/* Creates the data folder and opens the store, both off the main loop; the
 * windows show a spinner meanwhile. */
static void
vigil_application_open (VigilApplication *self,
                        OpenMode          mode,
                        VigilSession     *session,
                        gboolean          upload)
{
  g_autoptr(GTask) task = NULL;
  OpenRequest *request;

  if (self->opening)
    return;

  self->opening = TRUE;
  request = g_new0 (OpenRequest, 1);
  request->mode = mode;
  request->data_dir = g_strdup (self->data_dir);
  request->session_path = vigil_session_path_for (self->data_dir);
  request->session = session;
  request->upload = upload;

  task = g_task_new (self, self->cancellable, on_store_opened_cb, NULL);
  g_task_set_source_tag (task, vigil_application_open);
  g_task_set_task_data (task, request, (GDestroyNotify) open_request_free);
  g_task_run_in_thread (task, open_thread);
}

static void
vigil_application_open_store (VigilApplication *self)
{
  if (self->workspace == NULL)
    vigil_application_open (self, OPEN_STARTUP, NULL, FALSE);
}

static void
on_local_role_changed_cb (VigilApplication *self,
                          const char       *key,
                          GSettings        *settings)
{
  if (self->workspace != NULL && self->session == NULL)
    vigil_workspace_set_role (self->workspace, vigil_application_get_local_role (self));
}

static void
vigil_application_quit_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  /* Closing each window saves what its pages still hold; the application
   * ends with its last window. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_application_quit (G_APPLICATION (user_data));
}

static void
vigil_application_about_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  static const char *developers[] = { "Vigil developers", NULL };
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", _("Vigil"),
                        "application-icon", APP_ID,
                        "developer-name", _("Vigil developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Security incident response from detection to archive, "
                                      "as EU financial entities run it under DORA."),
                        "developers", developers,
                        "copyright", "© 2026 Vigil developers",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
vigil_application_shortcuts_action (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  /* GtkApplication loads gtk/help-overlay.ui into every window it manages. */
  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static void
vigil_application_preferences_action (GSimpleAction *action,
                                      GVariant      *parameter,
                                      gpointer       user_data)
{
  VigilApplication *self = VIGIL_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *window;

  window = GTK_WINDOW (vigil_preferences_window_new (self));
  if (parent != NULL)
    gtk_window_set_transient_for (window, parent);
  gtk_window_present (window);
}

/* A reminder clicked in the desktop's notifications: that incident. */
static void
vigil_application_open_incident_action (GSimpleAction *action,
                                        GVariant      *parameter,
                                        gpointer       user_data)
{
  VigilApplication *self = VIGIL_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (vigil_window_new (GTK_APPLICATION (self), self->workspace));
  gtk_window_present (window);
  /* The incident opens from the board, whatever view was shown. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "board");
  gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.open-incident", parameter);
}

static const GActionEntry app_actions[] = {
  { "open-incident", vigil_application_open_incident_action, "s", NULL, NULL },
  { "preferences", vigil_application_preferences_action, NULL, NULL, NULL },
  { "quit", vigil_application_quit_action, NULL, NULL, NULL },
  { "about", vigil_application_about_action, NULL, NULL, NULL },
  { "shortcuts", vigil_application_shortcuts_action, NULL, NULL, NULL },
};

static int
vigil_application_handle_local_options (GApplication *application,
                                        GVariantDict *options)
{
  VigilApplication *self = VIGIL_APPLICATION (application);
  g_autofree char *data_dir = NULL;
  g_autofree char *archive = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", "vigil", PACKAGE_VERSION);
      return 0;
    }

  /* Checking an archive needs no window and no store: done here, before the
   * application registers. Exit status 0 intact, 1 not intact. */
  if (g_variant_dict_lookup (options, "verify-archive", "^ay", &archive))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *display = g_filename_display_name (archive);
      guint checked = 0;

      if (!vigil_archive_verify (archive, &checked, &error))
        {
          if (g_error_matches (error, VIGIL_ARCHIVE_ERROR, VIGIL_ARCHIVE_ERROR_FAILED))
            g_printerr (_("%s: could not be checked. %s\n"), display, error->message);
          else
            g_printerr (_("%s: the archive is NOT intact. %s\n"), display, error->message);
          return 1;
        }
      g_print (g_dngettext (GETTEXT_PACKAGE, "%s: intact (%u file matches its manifest).\n",
                            "%s: intact (%u files match their manifest).\n", checked),
               display, checked);
      return 0;
    }

  /* The option wins over the environment, which wins over the default. */
  if (!g_variant_dict_lookup (options, "data-dir", "^ay", &data_dir) || *data_dir == '\0')
    {
      const char *env = g_getenv ("VIGIL_DATA_DIR");

      g_free (data_dir);
      data_dir = (env != NULL && *env != '\0') ? g_strdup (env) : NULL;
    }

  if (data_dir != NULL)
    {
      /* Another data folder is another workplace: its own instance, not a
       * second window of the one already running. */
      g_application_set_flags (application,
                               g_application_get_flags (application) |
                               G_APPLICATION_NON_UNIQUE);
      g_free (self->data_dir);
      /* Relative paths are relative to where Vigil was started. */
      self->data_dir = g_canonicalize_filename (data_dir, NULL);
    }

  return G_APPLICATION_CLASS (vigil_application_parent_class)->handle_local_options (application,
                                                                                     options);
}

static void
vigil_application_startup (GApplication *application)
{
  VigilApplication *self = VIGIL_APPLICATION (application);
  static const char *quit_accels[] = { "<Primary>q", NULL };
  static const char *shortcuts_accels[] = { "<Primary>question", NULL };
  static const char *preferences_accels[] = { "<Primary>comma", NULL };

  G_APPLICATION_CLASS (vigil_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay",
                                         shortcuts_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);

  self->reminders = vigil_reminders_new (application);
  if (self->workspace != NULL)
    vigil_reminders_set_workspace (self->reminders, self->workspace);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::local-role",
                           G_CALLBACK (on_local_role_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
vigil_application_activate (GApplication *application)
{
  VigilApplication *self = VIGIL_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (vigil_window_new (GTK_APPLICATION (self), self->workspace));

  /* Present first: the window shows a spinner while the store opens. */
  gtk_window_present (window);
  vigil_application_open_store (self);
}

static void
vigil_application_shutdown (GApplication *application)
{
  VigilApplication *self = VIGIL_APPLICATION (application);

  g_cancellable_cancel (self->cancellable);

  G_APPLICATION_CLASS (vigil_application_parent_class)->shutdown (application);

  /* Close explicitly: a window or a pending reply may still hold a reference. */
  vigil_application_close_workspace (self);
  g_clear_object (&self->reminders);
  g_clear_object (&self->settings);
}

static void
vigil_application_finalize (GObject *object)
{
  VigilApplication *self = VIGIL_APPLICATION (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->reminders);
  g_clear_object (&self->sync);
  g_clear_object (&self->workspace);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->session, vigil_session_free);
  g_free (self->data_dir);

  G_OBJECT_CLASS (vigil_application_parent_class)->finalize (object);
}

static void
vigil_application_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VigilApplication *self = VIGIL_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_pointer (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_application_class_init (VigilApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = vigil_application_finalize;
  object_class->get_property = vigil_application_get_property;

  /* Notified when the app switches between local mode and a server. */
  properties[PROP_SESSION] =
    g_param_spec_pointer ("session", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  app_class->handle_local_options = vigil_application_handle_local_options;
  app_class->startup = vigil_application_startup;
  app_class->activate = vigil_application_activate;
  app_class->shutdown = vigil_application_shutdown;
}

static void
vigil_application_init (VigilApplication *self)
{
  static const GOptionEntry options[] = {
    { "data-dir", 'd', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
      N_("Keep the incident database in DIR (default: the user data folder)"), N_("DIR") },
    { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
      N_("Show the version and quit"), NULL },
    { "verify-archive", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
      N_("Check an incident archive folder against its manifest and quit"), N_("PATH") },
    { NULL }
  };

  self->cancellable = g_cancellable_new ();
  self->data_dir = g_build_filename (g_get_user_data_dir (), "vigil", NULL);

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Security incident response, in local mode."));
}

VigilApplication *
vigil_application_new (void)
{
  return g_object_new (VIGIL_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/org/vigil/Vigil",
                       NULL);
}

const char *
vigil_application_get_data_dir (VigilApplication *self)
{
  g_return_val_if_fail (VIGIL_IS_APPLICATION (self), NULL);

  return self->data_dir;
}

/* Returns: (transfer none) (nullable): the sign-in in use, %NULL in local mode */
VigilReminders *
vigil_application_get_reminders (VigilApplication *self)
{
  g_return_val_if_fail (VIGIL_IS_APPLICATION (self), NULL);

  return self->reminders;
}

VigilSession *
vigil_application_get_session (VigilApplication *self)
{
  g_return_val_if_fail (VIGIL_IS_APPLICATION (self), NULL);

  return self->session;
}

VigilWorkspace *
vigil_application_get_workspace (VigilApplication *self)
{
  g_return_val_if_fail (VIGIL_IS_APPLICATION (self), NULL);

  return self->workspace;
}

gboolean
vigil_application_has_replica (VigilApplication *self,
                               const char       *server_url)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (VIGIL_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (server_url != NULL, FALSE);

  name = vigil_session_replica_name (server_url);
  path = g_build_filename (self->data_dir, name, NULL);
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

char *
vigil_application_dup_session_path (VigilApplication *self)
{
  g_return_val_if_fail (VIGIL_IS_APPLICATION (self), NULL);

  return vigil_session_path_for (self->data_dir);
}

void
vigil_application_use_server (VigilApplication *self,
                              VigilSession     *session,
                              gboolean          upload)
{
  g_return_if_fail (VIGIL_IS_APPLICATION (self));
  g_return_if_fail (session != NULL);

  vigil_application_open (self, OPEN_SERVER, session, upload);
}

void
vigil_application_use_local (VigilApplication *self)
{
  g_return_if_fail (VIGIL_IS_APPLICATION (self));

  vigil_application_open (self, OPEN_LOCAL, NULL, FALSE);
}

/* Where the stores are kept; before the first window opens. */
void
vigil_application_set_data_dir (VigilApplication *self,
                                const char       *data_dir)
{
  g_return_if_fail (VIGIL_IS_APPLICATION (self));
  g_return_if_fail (data_dir != NULL);
  g_return_if_fail (self->workspace == NULL);

  g_free (self->data_dir);
  self->data_dir = g_canonicalize_filename (data_dir, NULL);
}
