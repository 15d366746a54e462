/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigild"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/stat.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <gio/gio.h>
#include <sodium.h>
#include <vigil/vigil.h>

#include "vigild-auth.h"
#include "vigild-cli.h"
#include "vigild-server.h"

#define MAX_USER_NAME 64

typedef int (*CommandFunc) (int argc, char **argv);

typedef struct {
  const char  *name;
  CommandFunc  func;
  const char  *summary;
} Command;

static void
print_error (const char *format,
             ...) G_GNUC_PRINTF (1, 2);

static void
print_error (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "vigild: %s\n", message);
}

char *
vigild_cli_get_store_path (const char *data_dir)
{
  g_return_val_if_fail (data_dir != NULL, NULL);

  return g_build_filename (data_dir, VIGILD_STORE_NAME, NULL);
}

/* Parses the options of one subcommand. Returns FALSE after printing why,
 * and the caller exits with VIGILD_EXIT_USAGE. */
static gboolean
parse_options (GOptionContext *context,
               const char     *command,
               int            *argc,
               char         ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      print_error ("%s", error->message);
      fprintf (stderr, _("Try “vigild %s --help”.\n"), command);
      return FALSE;
    }
  return TRUE;
}

static int
usage_error (const char *command,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static int
usage_error (const char *command,
             const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  print_error ("%s", message);
  fprintf (stderr, _("Try “vigild %s --help”.\n"), command);
  return VIGILD_EXIT_USAGE;
}

static GOptionContext *
new_context (const char *parameters,
             const char *summary)
{
  /* GOptionContext translates both itself, with the domain set here (and
   * an empty string would translate to the catalogue's header). */
  GOptionContext *context = g_option_context_new (*parameters ? parameters : NULL);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  return context;
}

/* Opens the store of an initialised data directory. */
static VigilStore *
open_data_store (const char  *data_dir,
                 char       **path_out)
{
  g_autofree char *path = vigild_cli_get_store_path (data_dir);
  g_autoptr(GError) error = NULL;
  VigilStore *store;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      print_error (_("There is no Vigil server store in %s; create one with "
                     "“vigild init --data %s”"), data_dir, data_dir);
      return NULL;
    }

  store = vigil_store_open (path, &error);
  if (store == NULL)
    {
      print_error ("%s", error->message);
      return NULL;
    }

  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
  return store;
}

static gboolean
is_valid_user_name (const char *name)
{
  gsize length = strlen (name);

  if (length == 0 || length > MAX_USER_NAME)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && strchr ("._-@", *p) == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Passwords */

static char *
read_line (FILE *stream)
{
  g_autoptr(GString) line = g_string_new (NULL);
  int c;

  while ((c = fgetc (stream)) != EOF && c != '\n')
    {
      if (line->len > VIGILD_PASSWORD_MAX_LENGTH + 1)
        continue;
      g_string_append_c (line, (char) c);
    }
  if (c == EOF && line->len == 0)
    return NULL;
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

static void
free_secret (char *secret)
{
  if (secret != NULL)
    {
      sodium_memzero (secret, strlen (secret));
      g_free (secret);
    }
}

typedef char *Secret;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (Secret, free_secret, NULL)

static char *
prompt_hidden (const char *prompt)
{
  struct termios saved, hidden;
  gboolean restore = FALSE;
  char *line;

  fputs (prompt, stderr);
  fflush (stderr);

  if (tcgetattr (STDIN_FILENO, &saved) == 0)
    {
      hidden = saved;
      hidden.c_lflag &= ~(tcflag_t) ECHO;
      hidden.c_lflag |= ECHONL;
      restore = tcsetattr (STDIN_FILENO, TCSAFLUSH, &hidden) == 0;
    }

  line = read_line (stdin);

  if (restore)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
  else
    fputc ('\n', stderr);

  return line;
}

/* Reads a new password: twice without echo from a terminal, else one line
 * of standard input (for scripts). */
static char *
read_new_password (const char *user)
{
  g_auto(Secret) first = NULL;

  if (isatty (STDIN_FILENO))
    {
      g_autofree char *prompt = g_strdup_printf (_("New password for %s: "), user);
      g_auto(Secret) second = NULL;

      first = prompt_hidden (prompt);
      if (first == NULL)
        {
          print_error (_("No password given"));
          return NULL;
        }
      second = prompt_hidden (_("Repeat the password: "));
      if (second == NULL || !g_str_equal (first, second))
        {
          print_error (_("The two passwords differ; nothing was changed"));
          return NULL;
        }
    }
  else
    {
      first = read_line (stdin);
      if (first == NULL)
        {
          print_error (_("No password on standard input (one line expected)"));
          return NULL;
        }
    }

  if (!g_utf8_validate (first, -1, NULL))
    {
      print_error (_("The password is not valid UTF-8 text"));
      return NULL;
    }
  if (g_utf8_strlen (first, -1) < VIGILD_PASSWORD_MIN_LENGTH)
    {
      print_error (_("The password is too short: use at least %d characters"),
                   VIGILD_PASSWORD_MIN_LENGTH);
      return NULL;
    }
  if (strlen (first) > VIGILD_PASSWORD_MAX_LENGTH)
    {
      print_error (_("The password is too long: use at most %d bytes"),
                   VIGILD_PASSWORD_MAX_LENGTH);
      return NULL;
    }

  return g_steal_pointer (&first);
}

static char *
read_and_hash_password (const char *user)
{
  g_auto(Secret) password = read_new_password (user);
  g_autoptr(GError) error = NULL;
  char *hash;

  if (password == NULL)
    return NULL;

  hash = vigild_auth_hash_password (password, &error);
  if (hash == NULL)
    print_error ("%s", error->message);
  return hash;
}

/* vigild init */

static int
command_init (int    argc,
              char **argv)
{
  g_autofree char *data_dir = NULL;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("The data directory to create (mode 0700)"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = new_context ("",
    N_("Creates a data directory and an empty store (DIR/vigild.db) for the server.\n"
       "Then add users with “vigild user add”."));
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, "init", &argc, &argv))
    return VIGILD_EXIT_USAGE;
  if (data_dir == NULL)
    return usage_error ("init", _("Say where with --data DIR"));
  if (argc > 1)
    return usage_error ("init", _("Unexpected argument “%s”"), argv[1]);

  path = vigild_cli_get_store_path (data_dir);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      print_error (_("%s holds a store already (%s); nothing was changed. Add users with "
                     "“vigild user add NAME --role ROLE --data %s”, or choose another directory"),
                   data_dir, path, data_dir);
      return VIGILD_EXIT_FAILURE;
    }

  if (g_file_test (data_dir, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GDir) dir = NULL;

      if (!g_file_test (data_dir, G_FILE_TEST_IS_DIR))
        {
          print_error (_("%s exists and is not a directory"), data_dir);
          return VIGILD_EXIT_FAILURE;
        }
      dir = g_dir_open (data_dir, 0, &error);
      if (dir == NULL)
        {
          print_error ("%s", error->message);
          return VIGILD_EXIT_FAILURE;
        }
      if (g_dir_read_name (dir) != NULL)
        {
          print_error (_("%s exists and is not empty; give a new or an empty directory"),
                       data_dir);
          return VIGILD_EXIT_FAILURE;
        }
      if (g_chmod (data_dir, 0700) != 0)
        {
          print_error (_("Could not restrict %s to its owner: %s"), data_dir, g_strerror (errno));
          return VIGILD_EXIT_FAILURE;
        }
    }
  else if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      print_error (_("Could not create %s: %s"), data_dir, g_strerror (errno));
      return VIGILD_EXIT_FAILURE;
    }

  store = vigil_store_open (path, &error);
  if (store == NULL)
    {
      print_error ("%s", error->message);
      return VIGILD_EXIT_FAILURE;
    }

  printf (_("Created %s (schema %d).\n"
            "Next: vigild user add NAME --role admin --data %s\n"),
          path, vigil_store_get_schema_version (store), data_dir);
  return VIGILD_EXIT_OK;
}

/* vigild user ... */

static int
command_user_add (int    argc,
                  char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *role_name = NULL;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, N_("The data directory"), N_("DIR") },
    { "role", 'r', 0, G_OPTION_ARG_STRING, &role_name,
      N_("analyst, lead, manager or admin"), N_("ROLE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = new_context (N_("NAME"),
    N_("Adds a user. The password is read twice from the terminal without echo, or as one\n"
       "line from standard input when that is not a terminal. At least 10 characters."));
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  VigilRole role;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, "user add", &argc, &argv))
    return VIGILD_EXIT_USAGE;
  if (argc != 2)
    return usage_error ("user add", _("Give exactly one user NAME"));
  if (!is_valid_user_name (argv[1]))
    return usage_error ("user add", _("“%s” is not a valid user name: use 1 to %d letters, "
                                      "digits and . _ - @"), argv[1], MAX_USER_NAME);
  if (role_name == NULL || !vigil_role_from_string (role_name, &role))
    return usage_error ("user add", _("Give the role with --role: analyst, lead, manager or "
                                      "admin"));
  if (data_dir == NULL)
    return usage_error ("user add", _("Say where with --data DIR"));

  if (!(store = open_data_store (data_dir, NULL)))
    return VIGILD_EXIT_FAILURE;

  {
    g_autoptr(VigilUser) existing = vigil_store_get_user (store, argv[1], NULL, NULL);

    if (existing != NULL)
      {
        print_error (_("A user “%s” exists already; change the password with "
                       "“vigild user passwd %s --data %s”"), argv[1], argv[1], data_dir);
        return VIGILD_EXIT_FAILURE;
      }
  }

  if (!(hash = read_and_hash_password (argv[1])))
    return VIGILD_EXIT_FAILURE;

  if (!vigil_store_add_user (store, argv[1], role, hash, &error))
    {
      print_error ("%s", error->message);
      return VIGILD_EXIT_FAILURE;
    }

  printf (_("Added %s (%s).\n"), argv[1], vigil_role_to_string (role));
  return VIGILD_EXIT_OK;
}

static int
command_user_passwd (int    argc,
                     char **argv)
{
  g_autofree char *data_dir = NULL;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, N_("The data directory"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = new_context (N_("NAME"),
    N_("Sets a new password for a user (read as for “vigild user add”)."));
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilUser) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, "user passwd", &argc, &argv))
    return VIGILD_EXIT_USAGE;
  if (argc != 2)
    return usage_error ("user passwd", _("Give exactly one user NAME"));
  if (data_dir == NULL)
    return usage_error ("user passwd", _("Say where with --data DIR"));

  if (!(store = open_data_store (data_dir, NULL)))
    return VIGILD_EXIT_FAILURE;
  if (!(user = vigil_store_get_user (store, argv[1], NULL, &error)))
    {
      print_error ("%s", error->message);
      return VIGILD_EXIT_FAILURE;
    }

  if (!(hash = read_and_hash_password (argv[1])))
    return VIGILD_EXIT_FAILURE;

  if (!vigil_store_set_user_password (store, argv[1], hash, &error))
    {
      print_error ("%s", error->message);
      return VIGILD_EXIT_FAILURE;
    }

  printf (_("Changed the password of %s.\n"), argv[1]);
  return VIGILD_EXIT_OK;
}

static int
set_disabled (int         argc,
              char      **argv,
              gboolean    disabled)
{
  const char *command = disabled ? "user disable" : "user enable";
  g_autofree char *data_dir = NULL;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, N_("The data directory"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = new_context (N_("NAME"),
    disabled ? N_("Disables a user: they can no longer sign in, and their sessions end now.")
             : N_("Enables a disabled user again."));
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, command, &argc, &argv))
    return VIGILD_EXIT_USAGE;
  if (argc != 2)
    return usage_error (command, _("Give exactly one user NAME"));
  if (data_dir == NULL)
    return usage_error (command, _("Say where with --data DIR"));

  if (!(store = open_data_store (data_dir, NULL)))
    return VIGILD_EXIT_FAILURE;

  if (!vigil_store_set_user_disabled (store, argv[1], disabled, &error))
    {
      print_error ("%s", error->message);
      return VIGILD_EXIT_FAILURE;
    }

  printf (disabled ? _("Disabled %s; their sessions have ended.\n") : _("Enabled %s.\n"), argv[1]);
  return VIGILD_EXIT_OK;
}

static int
command_user_disable (int    argc,
                      char **argv)
{
  return set_disabled (argc, argv, TRUE);
}

static int
command_user_enable (int    argc,
                     char **argv)
{
  return set_disabled (argc, argv, FALSE);
}

static int
command_user_list (int    argc,
                   char **argv)
{
  g_autofree char *data_dir = NULL;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, N_("The data directory"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = new_context ("", N_("Lists the users."));
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, "user list", &argc, &argv))
    return VIGILD_EXIT_USAGE;
  if (argc > 1)
    return usage_error ("user list", _("Unexpected argument “%s”"), argv[1]);
  if (data_dir == NULL)
    return usage_error ("user list", _("Say where with --data DIR"));

  if (!(store = open_data_store (data_dir, NULL)))
    return VIGILD_EXIT_FAILURE;
  if (!(users = vigil_store_list_users (store, &error)))
    {
      print_error ("%s", error->message);
      return VIGILD_EXIT_FAILURE;
    }

  printf ("%-24s %-8s %-9s %s\n", _("NAME"), _("ROLE"), _("STATE"), _("CREATED"));
  for (guint i = 0; i < users->len; i++)
    {
      VigilUser *user = g_ptr_array_index (users, i);
      g_autofree char *created = vigil_time_to_iso (user->created_at);

      printf ("%-24s %-8s %-9s %s\n", user->name, vigil_role_to_string (user->role),
              user->disabled ? _("disabled") : _("active"), created ? created : "-");
    }
  return VIGILD_EXIT_OK;
}

static const Command user_commands[] = {
  { "add", command_user_add, N_("Add a user with a role and a password") },
  { "passwd", command_user_passwd, N_("Set a user's password") },
  { "disable", command_user_disable, N_("Disable a user and end their sessions") },
  { "enable", command_user_enable, N_("Enable a disabled user") },
  { "list", command_user_list, N_("List the users") },
};

static void
print_user_usage (FILE *stream)
{
  fprintf (stream, _("Usage:\n  vigild user COMMAND NAME --data DIR [OPTION…]\n\nCommands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (user_commands); i++)
    fprintf (stream, "  %-10s %s\n", user_commands[i].name, _(user_commands[i].summary));
  fprintf (stream, _("\nSee “vigild user COMMAND --help”.\n"));
}

static int
command_user (int    argc,
              char **argv)
{
  if (argc < 2)
    {
      print_user_usage (stderr);
      return VIGILD_EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_user_usage (stdout);
      return VIGILD_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (user_commands); i++)
    {
      if (g_str_equal (argv[1], user_commands[i].name))
        {
          g_autofree char *name = g_strdup_printf ("vigild user %s", argv[1]);
          char *saved = argv[1];
          int status;

          /* GOptionContext names the program in --help after it. */
          g_set_prgname (name);
          argv[1] = name;
          status = user_commands[i].func (argc - 1, argv + 1);
          argv[1] = saved;
          return status;
        }
    }

  print_error (_("“%s” is not a user command"), argv[1]);
  print_user_usage (stderr);
  return VIGILD_EXIT_USAGE;
}

/* vigild serve */

/* ADDR:PORT, [IPV6]:PORT or localhost:PORT. */
static gboolean
parse_listen (const char    *text,
              GInetAddress **address,
              guint         *port)
{
  g_autofree char *host = NULL;
  const char *port_text;
  guint64 number;

  if (text[0] == '[')
    {
      const char *end = strchr (text, ']');

      if (end == NULL || end[1] != ':')
        return FALSE;
      host = g_strndup (text + 1, end - text - 1);
      port_text = end + 2;
    }
  else
    {
      const char *colon = strrchr (text, ':');

      if (colon == NULL || strchr (text, ':') != colon)
        return FALSE;
      host = g_strndup (text, colon - text);
      port_text = colon + 1;
    }

  if (!g_ascii_string_to_unsigned (port_text, 10, 0, 65535, &number, NULL))
    return FALSE;

  if (g_str_equal (host, "localhost"))
    *address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    *address = g_inet_address_new_from_string (host);
  if (*address == NULL)
    return FALSE;

  *port = (guint) number;
  return TRUE;
}

static gboolean
on_quit_signal_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

static int
command_serve (int    argc,
               char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *cert_file = NULL;
  g_autofree char *key_file = NULL;
  gboolean insecure = FALSE;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, N_("The data directory"), N_("DIR") },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen,
      N_("Address and port, e.g. 127.0.0.1:8443 or [::]:8443 (port 0: any free port)"),
      N_("ADDR:PORT") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &cert_file,
      N_("TLS certificate (PEM, with the chain)"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &key_file, N_("TLS private key (PEM)"), N_("FILE") },
    { "insecure-http", 0, 0, G_OPTION_ARG_NONE, &insecure,
      N_("Allow plain HTTP on a non-loopback address (only behind a TLS proxy)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = new_context ("",
    N_("Serves the API (/api/v1) and the live WebSocket. Plain HTTP only on loopback\n"
       "unless --insecure-http. Prints “Listening on URL” once ready; SIGTERM or SIGINT\n"
       "stop it after writing what is queued."));
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(VigildServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  guint port = 0;
  guint term_id, int_id;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, "serve", &argc, &argv))
    return VIGILD_EXIT_USAGE;
  if (argc > 1)
    return usage_error ("serve", _("Unexpected argument “%s”"), argv[1]);
  if (data_dir == NULL)
    return usage_error ("serve", _("Say where with --data DIR"));
  if (listen == NULL)
    return usage_error ("serve", _("Say where to listen with --listen ADDR:PORT"));
  if (!parse_listen (listen, &address, &port))
    return usage_error ("serve", _("“%s” is not ADDR:PORT with an IP address (e.g. "
                                   "127.0.0.1:8443 or [::1]:8443)"), listen);
  if ((cert_file == NULL) != (key_file == NULL))
    return usage_error ("serve", _("Give both --tls-cert and --tls-key, or neither"));
  if (cert_file == NULL && !insecure && !g_inet_address_get_is_loopback (address))
    return usage_error ("serve", _("Refusing plain HTTP on %s, which is not a loopback "
                                   "address: passwords and tokens would cross the network "
                                   "in clear. Give --tls-cert and --tls-key, or "
                                   "--insecure-http when a TLS proxy terminates the "
                                   "connections"), listen);

  if (cert_file != NULL)
    {
      certificate = g_tls_certificate_new_from_files (cert_file, key_file, &error);
      if (certificate == NULL)
        {
          print_error (_("Could not load the TLS certificate: %s"), error->message);
          return VIGILD_EXIT_FAILURE;
        }
    }

  path = vigild_cli_get_store_path (data_dir);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      print_error (_("There is no Vigil server store in %s; create one with "
                     "“vigild init --data %s”"), data_dir, data_dir);
      return VIGILD_EXIT_FAILURE;
    }

  server = vigild_server_new (path, &error);
  if (server == NULL || !vigild_server_listen (server, address, port, certificate, &error))
    {
      print_error ("%s", error->message);
      return VIGILD_EXIT_FAILURE;
    }

  loop = g_main_loop_new (NULL, FALSE);
  term_id = g_unix_signal_add (SIGTERM, on_quit_signal_cb, loop);
  int_id = g_unix_signal_add (SIGINT, on_quit_signal_cb, loop);

  url = vigild_server_dup_url (server);
  g_message ("vigild %s serving %s", PACKAGE_VERSION, path);
  /* Not translated: scripts and tests wait for this line. */
  printf ("Listening on %s\n", url);
  fflush (stdout);

  g_main_loop_run (loop);

  g_message ("Stopping: writing what is queued");
  vigild_server_stop (server);
  g_source_remove (term_id);
  g_source_remove (int_id);
  return VIGILD_EXIT_OK;
}

/* vigild backup / verify */

static gboolean
verify_store (VigilStore *store,
              const char *what,
              int        *status)
{
  g_autoptr(GError) error = NULL;
  gint64 checked = 0, broken = 0;

  if (vigil_store_verify (store, &checked, &broken, &error))
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, checked);

      printf (_("%s%s entries, chain intact\n"), what, count);
      *status = VIGILD_EXIT_OK;
      return TRUE;
    }

  if (g_error_matches (error, VIGIL_STORE_ERROR, VIGIL_STORE_ERROR_CHAIN_BROKEN))
    {
      /* The store's message is "… at entry N: reason"; keep the reason. */
      const char *reason = strrchr (error->message, ':');
      g_autofree char *entry = g_strdup_printf ("%" G_GINT64_FORMAT, broken);

      reason = reason ? reason + 1 : error->message;
      while (*reason == ' ')
        reason++;

      printf (_("%schain broken at entry %s: %s\n"), what, entry, reason);
      *status = VIGILD_EXIT_CHAIN_BROKEN;
      return FALSE;
    }

  print_error ("%s", error->message);
  *status = VIGILD_EXIT_FAILURE;
  return FALSE;
}

static int
command_backup (int    argc,
                char **argv)
{
  g_autofree char *data_dir = NULL;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, N_("The data directory"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = new_context (N_("OUT"),
    N_("Copies the store to OUT with SQLite's online backup: consistent even while the\n"
       "server writes. OUT must not exist. The copy is verified afterwards."));
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilStore) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, "backup", &argc, &argv))
    return VIGILD_EXIT_USAGE;
  if (argc != 2)
    return usage_error ("backup", _("Give exactly one OUT file"));
  if (data_dir == NULL)
    return usage_error ("backup", _("Say where with --data DIR"));

  if (!(store = open_data_store (data_dir, NULL)))
    return VIGILD_EXIT_FAILURE;

  if (!vigil_store_backup (store, argv[1], &error) ||
      !(copy = vigil_store_open (argv[1], &error)))
    {
      print_error ("%s", error->message);
      return VIGILD_EXIT_FAILURE;
    }

  what = g_strdup_printf (_("Wrote %s: "), argv[1]);
  verify_store (copy, what, &status);
  return status;
}

static int
command_verify (int    argc,
                char **argv)
{
  g_autofree char *data_dir = NULL;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, N_("The data directory"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = new_context ("",
    N_("Walks the audit chain of the operation log and recomputes every hash.\n"
       "Exit status: 0 intact, 3 broken (the first bad entry is named), 1 other failure."));
  g_autoptr(VigilStore) store = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, "verify", &argc, &argv))
    return VIGILD_EXIT_USAGE;
  if (argc > 1)
    return usage_error ("verify", _("Unexpected argument “%s”"), argv[1]);
  if (data_dir == NULL)
    return usage_error ("verify", _("Say where with --data DIR"));

  if (!(store = open_data_store (data_dir, NULL)))
    return VIGILD_EXIT_FAILURE;

  verify_store (store, "", &status);
  return status;
}

/* vigild policy */

/* The rules a team may switch, by the names the command line uses. */
static const struct {
  const char       *name;
  VigilPolicyFlags  flag;
  const char       *summary;
} policies[] = {
  { "external-approval", VIGIL_POLICY_EXTERNAL_NOTIFICATIONS_NEED_APPROVAL,
    N_("External notifications need the lead’s approval") },
};

static int
command_policy (int    argc,
                char **argv)
{
  g_autofree char *data_dir = NULL;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, N_("The data directory"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    new_context (N_("[RULE on|off]"),
                 N_("Shows the workspace policy, or switches one of its rules on or off. "
                    "The server follows it from its next operation on.\n\n"
                    "Rules:\n  external-approval  External notifications need the lead’s "
                    "approval (on by default)"));
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GError) error = NULL;
  VigilPolicyFlags policy;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, "policy", &argc, &argv))
    return VIGILD_EXIT_USAGE;
  if (argc != 1 && argc != 3)
    return usage_error ("policy", _("Give a RULE and “on” or “off”, or nothing to show "
                                    "the policy"));
  if (data_dir == NULL)
    return usage_error ("policy", _("Say where with --data DIR"));

  if (argc == 3)
    {
      gboolean on;
      guint found = G_N_ELEMENTS (policies);

      for (guint i = 0; i < G_N_ELEMENTS (policies); i++)
        if (g_str_equal (argv[1], policies[i].name))
          found = i;
      if (found == G_N_ELEMENTS (policies))
        return usage_error ("policy", _("“%s” is not a rule of the policy"), argv[1]);
      if (g_str_equal (argv[2], "on"))
        on = TRUE;
      else if (g_str_equal (argv[2], "off"))
        on = FALSE;
      else
        return usage_error ("policy", _("Say “on” or “off”, not “%s”"), argv[2]);

      if (!(store = open_data_store (data_dir, NULL)))
        return VIGILD_EXIT_FAILURE;
      policy = vigil_store_get_policy (store);
      if (on)
        policy |= policies[found].flag;
      else
        policy &= ~policies[found].flag;
      if (!vigil_store_set_policy (store, policy, &error))
        {
          print_error ("%s", error->message);
          return VIGILD_EXIT_FAILURE;
        }
    }
  else if (!(store = open_data_store (data_dir, NULL)))
    return VIGILD_EXIT_FAILURE;

  policy = vigil_store_get_policy (store);
  for (guint i = 0; i < G_N_ELEMENTS (policies); i++)
    printf ("%-18s %-3s  %s\n", policies[i].name,
            (policy & policies[i].flag) ? "on" : "off", _(policies[i].summary));
  return VIGILD_EXIT_OK;
}

/* vigild profile */

static void
print_profile (VigilDoraProfile *profile)
{
  g_autoptr(JsonNode) node = vigil_dora_profile_to_json (profile);
  g_autofree char *text = json_to_string (node, TRUE);

  printf ("%s\n", text);
}

static int
command_profile (int    argc,
                 char **argv)
{
  g_autofree char *data_dir = NULL;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, N_("The data directory"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    new_context (N_("show | set FILE"),
                 N_("Shows the workspace’s DORA profile as JSON, or replaces it with the one "
                    "in FILE: the entity types, the home member state, when the authority "
                    "withdrew the weekend relief, and the bank holidays per member state. "
                    "Every deadline is computed for it; desktops take it at their next "
                    "sync.\n\n"
                    "Example:\n  {\"entity_types\": [\"payment_institution\"], "
                    "\"member_state\": \"FR\",\n   \"relief_withdrawn_at\": null, "
                    "\"holidays\": {\"FR\": [\"2026-12-25\"]}}"));
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilDoraProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, "profile", &argc, &argv))
    return VIGILD_EXIT_USAGE;
  if (!((argc == 2 && g_str_equal (argv[1], "show")) ||
        (argc == 3 && g_str_equal (argv[1], "set"))))
    return usage_error ("profile", _("Say “show”, or “set” and a JSON file"));
  if (data_dir == NULL)
    return usage_error ("profile", _("Say where with --data DIR"));

  if (argc == 3)
    {
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_get_contents (argv[2], &contents, &length, &error))
        {
          print_error ("%s", error->message);
          return VIGILD_EXIT_FAILURE;
        }
      if (!(profile = vigil_dora_profile_new_from_data (contents, length, &error)))
        {
          print_error ("%s: %s", argv[2], error->message);
          return VIGILD_EXIT_FAILURE;
        }
      if (!(store = open_data_store (data_dir, NULL)))
        return VIGILD_EXIT_FAILURE;
      if (!vigil_store_set_dora_profile (store, profile, &error))
        {
          print_error ("%s", error->message);
          return VIGILD_EXIT_FAILURE;
        }
      g_clear_object (&profile);
    }
  else if (!(store = open_data_store (data_dir, NULL)))
    return VIGILD_EXIT_FAILURE;

  profile = vigil_store_dup_dora_profile (store);
  print_profile (profile);
  return VIGILD_EXIT_OK;
}

/* Entry point */

static const Command commands[] = {
  { "init", command_init, N_("Create a data directory with an empty store") },
  { "user", command_user, N_("Add, change, disable and list users") },
  { "policy", command_policy, N_("Show or switch the rules of the workspace") },
  { "profile", command_profile, N_("Show or replace the workspace’s DORA profile") },
  { "serve", command_serve, N_("Run the server") },
  { "backup", command_backup, N_("Copy the store while the server runs") },
  { "verify", command_verify, N_("Check the audit chain") },
};

static void
print_usage (FILE *stream)
{
  fprintf (stream, _("Usage:\n  vigild COMMAND [OPTION…]\n\n"
                     "The shared server of Vigil.\n\nCommands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-8s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (stream, _("\nSee “vigild COMMAND --help”. Exit status: 0 success, 1 failure, "
                     "2 wrong usage, 3 broken audit chain (verify).\n"));
}

int
vigild_cli_main (int    argc,
                 char **argv)
{
  g_autoptr(GError) error = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* Stores, backups and keys are nobody else's business. */
  umask (0077);
  signal (SIGPIPE, SIG_IGN);

  if (argc < 2)
    {
      print_usage (stderr);
      return VIGILD_EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return VIGILD_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("vigild %s\n", PACKAGE_VERSION);
      return VIGILD_EXIT_OK;
    }

  if (!vigild_auth_init_crypto (&error))
    {
      print_error ("%s", error->message);
      return VIGILD_EXIT_FAILURE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (argv[1], commands[i].name))
        {
          g_autofree char *name = g_strdup_printf ("vigild %s", argv[1]);
          char *saved = argv[1];
          int status;

          /* GOptionContext names the program in --help after it. */
          if (commands[i].func != command_user)
            g_set_prgname (name);
          argv[1] = name;
          status = commands[i].func (argc - 1, argv + 1);
          argv[1] = saved;
          return status;
        }
    }

  print_error (_("“%s” is not a command"), argv[1]);
  print_usage (stderr);
  return VIGILD_EXIT_USAGE;
}
