/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-notify"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "vigil-forms.h"
#include "vigil-notify.h"
#include "vigil-templates-resources.h"

G_DEFINE_QUARK (vigil-notify-error-quark, vigil_notify_error)

#define TEMPLATES_PATH "/org/vigil/Vigil/templates"

static const char * const placeholders[] = {
  "reference", "title", "type", "severity", "description", "detected_at", "aware_at",
  "step", "impact", "actions", "next_update", "contact", "update_number", NULL
};

/* Templates */

void
vigil_template_free (VigilTemplate *template_)
{
  if (template_ == NULL)
    return;

  g_free (template_->id);
  g_free (template_->audience);
  g_free (template_->title);
  g_free (template_->subject);
  g_free (template_->body);
  g_free (template_);
}

static gboolean
check_placeholders (const char  *text,
                    GError     **error)
{
  const char *p = text;

  while ((p = strstr (p, "{{")) != NULL)
    {
      const char *end = strstr (p + 2, "}}");
      g_autofree char *name = NULL;

      if (end == NULL)
        {
          g_set_error (error, VIGIL_NOTIFY_ERROR, VIGIL_NOTIFY_ERROR_BAD_TEMPLATE,
                       _("A placeholder opened with {{ is never closed with }}"));
          return FALSE;
        }
      name = g_strstrip (g_strndup (p + 2, end - p - 2));
      if (!g_strv_contains (placeholders, name))
        {
          g_set_error (error, VIGIL_NOTIFY_ERROR, VIGIL_NOTIFY_ERROR_UNKNOWN_PLACEHOLDER,
                       _("The placeholder {{%s}} does not exist; the known ones are listed "
                         "in the template help"), name);
          return FALSE;
        }
      p = end + 2;
    }
  return TRUE;
}

static void
replace_text (char       **slot,
              const char  *value)
{
  g_free (*slot);
  *slot = g_strdup (value);
}

VigilTemplate *
vigil_template_parse (const char  *id,
                      const char  *text,
                      GError     **error)
{
  g_autoptr(VigilTemplate) template_ = g_new0 (VigilTemplate, 1);
  const char *p = text;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  template_->id = g_strdup (id);

  /* Header lines up to the first empty one. */
  while (*p != '\0' && *p != '\n')
    {
      const char *eol = strchr (p, '\n');
      g_autofree char *line = g_strndup (p, eol ? (gsize) (eol - p) : strlen (p));
      char *colon = strchr (line, ':');

      p = eol ? eol + 1 : p + strlen (p);
      g_strchomp (line);
      if (colon == NULL)
        {
          g_set_error (error, VIGIL_NOTIFY_ERROR, VIGIL_NOTIFY_ERROR_BAD_TEMPLATE,
                       _("The header line “%s” is not “Name: value”"), line);
          return NULL;
        }
      *colon = '\0';
      if (g_ascii_strcasecmp (line, "Audience") == 0)
        replace_text (&template_->audience, g_strstrip (colon + 1));
      else if (g_ascii_strcasecmp (line, "Title") == 0)
        replace_text (&template_->title, g_strstrip (colon + 1));
      else if (g_ascii_strcasecmp (line, "Subject") == 0)
        replace_text (&template_->subject, g_strstrip (colon + 1));
      else
        {
          g_set_error (error, VIGIL_NOTIFY_ERROR, VIGIL_NOTIFY_ERROR_BAD_TEMPLATE,
                       _("Unknown header “%s”: a template starts with Audience, Title and "
                         "Subject"), line);
          return NULL;
        }
    }

  if (template_->audience == NULL || template_->title == NULL || template_->subject == NULL)
    {
      g_set_error (error, VIGIL_NOTIFY_ERROR, VIGIL_NOTIFY_ERROR_BAD_TEMPLATE,
                   _("A template starts with the lines “Audience:”, “Title:” and “Subject:”, "
                     "then an empty line and the text"));
      return NULL;
    }
  if (!vigil_process_is_valid_choice (VIGIL_CHOICES_AUDIENCE, template_->audience))
    {
      g_set_error (error, VIGIL_NOTIFY_ERROR, VIGIL_NOTIFY_ERROR_BAD_TEMPLATE,
                   _("“%s” is not an audience; use one of executive, legal, departments, "
                     "staff, clients, regulator or other"), template_->audience);
      return NULL;
    }

  if (*p == '\n')
    p++;
  template_->body = g_strdup (p);

  if (!check_placeholders (template_->subject, error) ||
      !check_placeholders (template_->body, error))
    return NULL;

  return g_steal_pointer (&template_);
}

static void
ensure_resources (void)
{
  static gsize registered;

  /* Registered by hand: a constructor in a static library may be dropped
   * by the linker. */
  if (g_once_init_enter (&registered))
    {
      vigil_templates_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}

static int
compare_names (const void *a,
               const void *b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

char *
vigil_templates_dup_user_dir (void)
{
  return g_build_filename (g_get_user_config_dir (), "vigil", "templates", NULL);
}

GPtrArray *
vigil_templates_list (const char *user_dir,
                      GStrv      *problems)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (
    (GDestroyNotify) vigil_template_free);
  g_autoptr(GStrvBuilder) issues = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;

  ensure_resources ();

  names = g_resources_enumerate_children (TEMPLATES_PATH, 0, NULL);
  if (names != NULL)
    {
      /* A stable order, whatever the resource compiler did. */
      qsort (names, g_strv_length (names), sizeof (char *), compare_names);
      for (guint i = 0; names[i] != NULL; i++)
        {
          g_autofree char *path = g_strconcat (TEMPLATES_PATH "/", names[i], NULL);
          g_autofree char *id = g_strndup (names[i], strlen (names[i]) - 4);
          g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, NULL);
          g_autoptr(GError) error = NULL;
          VigilTemplate *template_;

          if (bytes == NULL)
            continue;
          template_ = vigil_template_parse (id, g_bytes_get_data (bytes, NULL), &error);
          if (template_ == NULL)
            g_error ("The shipped template %s does not parse: %s", id, error->message);
          template_->builtin = TRUE;
          g_ptr_array_add (list, template_);
        }
    }

  if (user_dir != NULL)
    {
      g_autoptr(GDir) dir = g_dir_open (user_dir, 0, NULL);
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, ".txt"))
          g_ptr_array_add (files, g_strdup (name));
      g_ptr_array_sort (files, (GCompareFunc) compare_names);

      for (guint i = 0; i < files->len; i++)
        {
          const char *file = g_ptr_array_index (files, i);
          g_autofree char *path = g_build_filename (user_dir, file, NULL);
          g_autofree char *id = g_strndup (file, strlen (file) - 4);
          g_autofree char *text = NULL;
          g_autoptr(GError) error = NULL;
          VigilTemplate *template_ = NULL;

          if (g_file_get_contents (path, &text, NULL, &error) &&
              g_utf8_validate (text, -1, NULL))
            template_ = vigil_template_parse (id, text, &error);
          else if (error == NULL)
            g_set_error (&error, VIGIL_NOTIFY_ERROR, VIGIL_NOTIFY_ERROR_BAD_TEMPLATE,
                         _("the file is not UTF-8 text"));

          if (template_ == NULL)
            {
              g_autofree char *message = g_strdup_printf ("%s: %s", path, error->message);

              g_strv_builder_add (issues, message);
              continue;
            }
          g_ptr_array_add (list, template_);
        }
    }

  if (problems != NULL)
    *problems = g_strv_builder_end (issues);
  return g_steal_pointer (&list);
}

const char * const *
vigil_notify_get_placeholders (void)
{
  return placeholders;
}

/* Rendering */

static char *
format_time (GDateTime *when)
{
  g_autoptr(GDateTime) local = NULL;

  if (when == NULL)
    return NULL;
  local = g_date_time_to_local (when);
  /* Times in messages say their zone: readers may sit elsewhere. */
  return g_date_time_format (local, "%Y-%m-%d %H:%M %Z");
}

static char *
form_text (VigilIncident *incident,
           const char    *form,
           const char    *field)
{
  const char *text = vigil_incident_get_form_string (incident, form, field);

  return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

static void
append_actions (GString       *out,
                VigilIncident *incident,
                const char    *form)
{
  JsonArray *items = vigil_incident_get_items (incident, form, "actions");

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *title = json_object_get_string_member_with_default (item, "title", NULL);
      const char *status = json_object_get_string_member_with_default (item, "status", NULL);
      const char *owner = json_object_get_string_member_with_default (item, "owner", NULL);

      if (title == NULL)
        continue;
      g_string_append_printf (out, "- %s", title);
      if (status != NULL)
        g_string_append_printf (out, " (%s)",
                                vigil_process_get_choice_label (VIGIL_CHOICES_ACTION_STATUS,
                                                                status));
      if (owner != NULL)
        /* Translators: who an action is assigned to */
        g_string_append_printf (out, _(", %s"), owner);
      g_string_append_c (out, '\n');
    }
}

static char *
value_of (const char    *name,
          VigilIncident *incident,
          GHashTable    *extra)
{
  const char *text;

  if (extra != NULL && (text = g_hash_table_lookup (extra, name)) != NULL && *text != '\0')
    return g_strdup (text);

  if (g_str_equal (name, "reference"))
    return g_strdup (vigil_incident_get_reference (incident));
  if (g_str_equal (name, "title"))
    return g_strdup (vigil_incident_get_title (incident));
  if (g_str_equal (name, "description"))
    return g_strdup (vigil_incident_get_description (incident));
  if (g_str_equal (name, "type"))
    {
      const char *type = vigil_incident_get_incident_type (incident);

      if (type == NULL)
        return NULL;
      if (vigil_incident_get_type_other (incident) != NULL)
        return g_strdup (vigil_incident_get_type_other (incident));
      return g_strdup (vigil_process_get_choice_label (VIGIL_CHOICES_INCIDENT_TYPE, type));
    }
  if (g_str_equal (name, "severity"))
    {
      const char *severity = vigil_incident_get_severity (incident);

      return severity ? g_strdup (vigil_process_get_choice_label (VIGIL_CHOICES_SEVERITY,
                                                                  severity))
                      : NULL;
    }
  if (g_str_equal (name, "detected_at"))
    return format_time (vigil_incident_get_detected_at (incident));
  if (g_str_equal (name, "aware_at"))
    return format_time (vigil_incident_get_aware_at (incident));
  if (g_str_equal (name, "step"))
    {
      guint step = vigil_incident_get_step (incident);

      /* Translators: "6. Document findings" */
      return g_strdup_printf (_("%u. %s"), step,
                              vigil_step_get_name (vigil_process_get_step (step)));
    }
  if (g_str_equal (name, "impact"))
    {
      g_autofree char *technical = form_text (incident, "severity", "technical_impact");
      g_autofree char *operational = form_text (incident, "severity", "business_impact");
      g_autofree char *findings = form_text (incident, "findings", "potential_impacts");

      if (technical == NULL && operational == NULL && findings == NULL)
        return NULL;
      return g_strstrip (g_strjoin ("\n", technical ? technical : "",
                                    operational ? operational : "",
                                    findings ? findings : "", NULL));
    }
  if (g_str_equal (name, "actions"))
    {
      GString *out = g_string_new (NULL);

      append_actions (out, incident, "coordinate");
      append_actions (out, incident, "remediate");
      if (out->len == 0)
        return (g_string_free (out, TRUE), NULL);
      g_strchomp (out->str);
      return g_string_free (out, FALSE);
    }
  if (g_str_equal (name, "contact"))
    return g_strdup (vigil_incident_get_owner (incident));

  /* next_update, update_number: only from the caller. */
  return NULL;
}

/* Gaps */

/* The marker of a missing value. The renderer writes it in the user's
 * language; the English one is recognised too, so that a text written on
 * one computer is checked alike on another (and by vigild). */
#define GAP_FORMAT N_("[to fill in: %s]")
#define GAP_NAME_MAX 80

char *
vigil_notify_format_gap (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_strdup_printf (_(GAP_FORMAT), name);
}

/* Splits a marker format at its "%s". */
static gboolean
split_gap_format (const char  *format,
                  char       **prefix,
                  char       **suffix)
{
  const char *at = strstr (format, "%s");

  if (at == NULL || at == format || at[2] == '\0')
    return FALSE;
  *prefix = g_strndup (format, at - format);
  *suffix = g_strdup (at + 2);
  return TRUE;
}

/* The first gap of @text written with the marker @prefix NAME @suffix. */
static const char *
match_gap_with (const char  *text,
                const char  *prefix,
                const char  *suffix,
                const char **end,
                char       **name)
{
  const char *at = text;

  while ((at = strstr (at, prefix)) != NULL)
    {
      const char *start = at + strlen (prefix);
      const char *close = strstr (start, suffix);

      if (close != NULL && close > start && close - start <= GAP_NAME_MAX &&
          memchr (start, '\n', close - start) == NULL)
        {
          g_autofree char *found = g_strndup (start, close - start);

          /* A marker within a marker's name is not a name: look further. */
          if (strstr (found, prefix) == NULL && *g_strstrip (found) != '\0')
            {
              *end = close + strlen (suffix);
              if (name != NULL)
                *name = g_steal_pointer (&found);
              return at;
            }
        }
      at = start;
    }
  return NULL;
}

const char *
vigil_notify_match_gap (const char  *text,
                        const char **end,
                        char       **name)
{
  const char *formats[] = { GAP_FORMAT, _(GAP_FORMAT) };
  const char *best = NULL;
  const char *best_end = NULL;
  g_autofree char *best_name = NULL;

  g_return_val_if_fail (end != NULL, NULL);

  if (text == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *prefix = NULL;
      g_autofree char *suffix = NULL;
      g_autofree char *found_name = NULL;
      const char *found, *found_end = NULL;

      if (i > 0 && g_str_equal (formats[i], formats[0]))
        break;
      if (!split_gap_format (formats[i], &prefix, &suffix))
        continue;
      found = match_gap_with (text, prefix, suffix, &found_end, &found_name);
      if (found != NULL && (best == NULL || found < best))
        {
          best = found;
          best_end = found_end;
          g_free (best_name);
          best_name = g_steal_pointer (&found_name);
        }
    }

  if (best != NULL)
    {
      *end = best_end;
      if (name != NULL)
        *name = g_steal_pointer (&best_name);
    }
  return best;
}

GStrv
vigil_notify_find_gaps (const char *subject,
                        const char *message)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *texts[] = { subject, message };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      const char *at = texts[i];
      const char *end;
      char *name = NULL;

      while (at != NULL && vigil_notify_match_gap (at, &end, &name) != NULL)
        {
          if (g_hash_table_add (seen, name))
            g_strv_builder_add (names, name);
          at = end;
        }
    }
  return g_strv_builder_end (names);
}

char *
vigil_notify_dup_gap_list (const char * const *gaps)
{
  g_autoptr(GStrvBuilder) shown = g_strv_builder_new ();
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (gaps != NULL, NULL);

  for (guint i = 0; gaps[i] != NULL; i++)
    {
      /* next_update reads as "next update" */
      g_autofree char *words = g_strdelimit (g_strdup (gaps[i]), "_", ' ');

      g_strv_builder_add (shown, words);
    }
  parts = g_strv_builder_end (shown);
  return g_strjoinv (", ", parts);
}

gboolean
vigil_notify_check_gaps (const char  *subject,
                         const char  *message,
                         GError     **error)
{
  g_auto(GStrv) gaps = vigil_notify_find_gaps (subject, message);
  g_autofree char *list = NULL;
  guint n = g_strv_length (gaps);

  if (n == 0)
    return TRUE;

  list = vigil_notify_dup_gap_list ((const char * const *) gaps);
  g_set_error (error, VIGIL_NOTIFY_ERROR, VIGIL_NOTIFY_ERROR_GAPS,
               /* Translators: %u is how many gaps, %s lists them, e.g. "impact, actions" */
               g_dngettext (GETTEXT_PACKAGE,
                            "The message still has %u gap to fill in: %s. Replace it with the "
                            "facts, or remove it.",
                            "The message still has %u gaps to fill in: %s. Replace them with "
                            "the facts, or remove them.", n),
               n, list);
  return FALSE;
}

char *
vigil_notify_render (const char     *text,
                     VigilIncident  *incident,
                     GHashTable     *extra,
                     GStrv          *gaps,
                     GError        **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GStrvBuilder) missing = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), NULL);

  if (!check_placeholders (text, error))
    return NULL;

  p = text;
  while (*p != '\0')
    {
      const char *open = strstr (p, "{{");
      const char *close;
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (open == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, open - p);
      close = strstr (open + 2, "}}");
      name = g_strstrip (g_strndup (open + 2, close - open - 2));
      value = value_of (name, incident, extra);
      if (value != NULL && *value != '\0')
        {
          g_string_append (out, value);
        }
      else
        {
          /* A visible gap, never an empty string: the writer fills it. */
          g_autofree char *gap = vigil_notify_format_gap (name);

          g_string_append (out, gap);
          if (g_hash_table_add (seen, g_strdup (name)))
            g_strv_builder_add (missing, name);
        }
      p = close + 2;
    }

  if (gaps != NULL)
    *gaps = g_strv_builder_end (missing);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Export */

static gboolean
is_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p >= 0x80 || *p == '\r' || *p == '\n')
      return FALSE;
  return TRUE;
}

/* RFC 2047 "B" words of at most 75 characters, split between characters. */
static void
append_encoded_header (GString    *out,
                       const char *name,
                       const char *value)
{
  const char *p = value;
  gboolean first = TRUE;

  g_string_append_printf (out, "%s:", name);
  if (is_ascii (value))
    {
      g_string_append_printf (out, " %s\r\n", value);
      return;
    }

  while (*p != '\0')
    {
      const char *end = p;
      g_autofree char *encoded = NULL;

      /* 39 bytes make 52 base64 characters: with "=?UTF-8?B?", "?=" and the
       * header name, a line stays under 78 characters. */
      while (*end != '\0')
        {
          const char *next = g_utf8_next_char (end);

          if (next - p > 39)
            break;
          end = next;
        }
      encoded = g_base64_encode ((const guchar *) p, end - p);
      g_string_append_printf (out, "%s=?UTF-8?B?%s?=", first ? " " : "\r\n ", encoded);
      first = FALSE;
      p = end;
    }
  g_string_append (out, "\r\n");
}

char *
vigil_notify_to_eml (const char          *subject,
                     const char          *body,
                     const char          *from,
                     const char * const  *recipients,
                     GDateTime           *date)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *date_text = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *encoded = NULL;
  g_autofree char *normalised = NULL;
  gsize len;

  g_return_val_if_fail (subject != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);

  if (date == NULL)
    date = now = g_date_time_new_now_local ();
  /* RFC 5322 dates are in English whatever the locale. */
  {
    static const char *days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
    static const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    GTimeSpan offset = g_date_time_get_utc_offset (date) / G_TIME_SPAN_MINUTE;

    date_text = g_strdup_printf ("%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d",
                                 days[g_date_time_get_day_of_week (date) - 1],
                                 g_date_time_get_day_of_month (date),
                                 months[g_date_time_get_month (date) - 1],
                                 g_date_time_get_year (date), g_date_time_get_hour (date),
                                 g_date_time_get_minute (date), g_date_time_get_second (date),
                                 offset < 0 ? '-' : '+', (int) (ABS (offset) / 60),
                                 (int) (ABS (offset) % 60));
  }

  if (from != NULL)
    append_encoded_header (out, "From", from);
  if (recipients != NULL && recipients[0] != NULL)
    {
      g_autofree char *to = g_strjoinv (", ", (char **) recipients);

      append_encoded_header (out, "To", to);
    }
  append_encoded_header (out, "Subject", subject);
  g_string_append_printf (out, "Date: %s\r\n", date_text);
  g_string_append_printf (out, "Message-ID: <%s@vigil.invalid>\r\n", uuid);
  g_string_append (out, "MIME-Version: 1.0\r\n");
  g_string_append (out, "Content-Type: text/plain; charset=UTF-8\r\n");
  g_string_append (out, "Content-Transfer-Encoding: base64\r\n");
  /* Mail clients open a message with this header as a draft to send. */
  g_string_append (out, "X-Unsent: 1\r\n");
  g_string_append (out, "\r\n");

  /* CRLF line ends in the text too, as the format wants. */
  {
    g_auto(GStrv) lines = g_strsplit (body, "\n", -1);

    for (guint i = 0; lines[i] != NULL; i++)
      g_strchomp (lines[i]);
    normalised = g_strjoinv ("\r\n", lines);
  }
  len = strlen (normalised);
  encoded = g_base64_encode ((const guchar *) normalised, len);
  for (gsize i = 0, n = strlen (encoded); i < n; i += 76)
    {
      g_string_append_len (out, encoded + i, MIN (76, n - i));
      g_string_append (out, "\r\n");
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
vigil_notify_to_markdown (const char          *subject,
                          const char          *body,
                          const char * const  *recipients)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (subject != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);

  g_string_append_printf (out, "# %s\n\n", subject);
  if (recipients != NULL && recipients[0] != NULL)
    {
      g_autofree char *to = g_strjoinv (", ", (char **) recipients);

      g_string_append_printf (out, _("**To:** %s\n\n"), to);
    }
  g_string_append (out, body);
  if (out->len > 0 && out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

/* PDF. All lengths in points (1/72 inch), on A4 like the final report. */

#define PDF_PAGE_WIDTH    595.276
#define PDF_PAGE_HEIGHT   841.890
#define PDF_MARGIN_X      62.0
#define PDF_MARGIN_TOP    62.0
#define PDF_MARGIN_BOTTOM 70.0
#define PDF_CONTENT_WIDTH (PDF_PAGE_WIDTH - 2 * PDF_MARGIN_X)
#define PDF_CONTENT_BOTTOM (PDF_PAGE_HEIGHT - PDF_MARGIN_BOTTOM)
#define PDF_FONT "DejaVu Sans, Cantarell, sans-serif"

typedef struct {
  cairo_t      *cr;       /* NULL while counting pages */
  PangoContext *context;
  guint         page;
  guint         n_pages;
  double        y;
} Sheet;

static PangoLayout *
sheet_layout (Sheet       *sheet,
              const char  *text,
              double       size,
              PangoWeight  weight)
{
  PangoLayout *layout = pango_layout_new (sheet->context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (PDF_FONT);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, weight);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  /* An address broken with a hyphen would read as another one. */
  pango_attr_list_insert (attrs, pango_attr_insert_hyphens_new (FALSE));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_width (layout, (int) (PDF_CONTENT_WIDTH * PANGO_SCALE));
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static void
sheet_color (Sheet *sheet,
             guint  rgb)
{
  cairo_set_source_rgb (sheet->cr, ((rgb >> 16) & 0xff) / 255.0,
                        ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

static void
sheet_footer (Sheet *sheet)
{
  g_autofree char *text = NULL;
  g_autoptr(PangoLayout) layout = NULL;

  if (sheet->cr == NULL || sheet->n_pages < 2)
    return;
  /* Translators: page footer of an exported notification, "Page 2 of 3" */
  text = g_strdup_printf (_("Page %u of %u"), sheet->page, sheet->n_pages);
  layout = sheet_layout (sheet, text, 7.5, PANGO_WEIGHT_NORMAL);
  pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
  sheet_color (sheet, 0x6a707a);
  cairo_move_to (sheet->cr, PDF_MARGIN_X, PDF_CONTENT_BOTTOM + 26);
  pango_cairo_show_layout (sheet->cr, layout);
}

static void
sheet_new_page (Sheet *sheet)
{
  sheet_footer (sheet);
  if (sheet->cr != NULL)
    cairo_show_page (sheet->cr);
  sheet->page++;
  sheet->y = PDF_MARGIN_TOP;
}

/* Shows a layout line by line, starting a new page where a line does not fit. */
static void
sheet_show (Sheet       *sheet,
            PangoLayout *layout,
            guint        rgb)
{
  PangoLayoutIter *iter = pango_layout_get_iter (layout);

  do
    {
      int y0, y1;
      double height, baseline;

      pango_layout_iter_get_line_yrange (iter, &y0, &y1);
      height = (double) (y1 - y0) / PANGO_SCALE;
      baseline = (double) (pango_layout_iter_get_baseline (iter) - y0) / PANGO_SCALE;
      if (sheet->y + height > PDF_CONTENT_BOTTOM && sheet->y > PDF_MARGIN_TOP)
        sheet_new_page (sheet);
      if (sheet->cr != NULL)
        {
          sheet_color (sheet, rgb);
          cairo_move_to (sheet->cr, PDF_MARGIN_X, sheet->y + baseline);
          pango_cairo_show_layout_line (sheet->cr, pango_layout_iter_get_line_readonly (iter));
        }
      sheet->y += height;
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

/* Lays the notification out; draws when the sheet has a cairo context. */
static void
sheet_run (Sheet       *sheet,
           const char  *subject,
           const char  *body,
           const char  *to,
           const char  *date)
{
  g_autoptr(PangoLayout) heading = sheet_layout (sheet, subject, 17, PANGO_WEIGHT_BOLD);
  g_autoptr(PangoLayout) text = sheet_layout (sheet, body, 10.5, PANGO_WEIGHT_NORMAL);
  g_autofree char *date_line = NULL;

  sheet->page = 1;
  sheet->y = PDF_MARGIN_TOP;
  sheet_show (sheet, heading, 0x1d1f23);
  sheet->y += 10;
  if (to != NULL)
    {
      /* Translators: the recipients line of an exported notification */
      g_autofree char *to_line = g_strdup_printf (_("To: %s"), to);
      g_autoptr(PangoLayout) layout = sheet_layout (sheet, to_line, 9.5, PANGO_WEIGHT_NORMAL);

      sheet_show (sheet, layout, 0x4a515c);
    }
  /* Translators: the date line of an exported notification */
  date_line = g_strdup_printf (_("Date: %s"), date);
  {
    g_autoptr(PangoLayout) layout = sheet_layout (sheet, date_line, 9.5, PANGO_WEIGHT_NORMAL);

    sheet_show (sheet, layout, 0x4a515c);
  }
  sheet->y += 8;
  if (sheet->cr != NULL)
    {
      sheet_color (sheet, 0xc0c4cc);
      cairo_set_line_width (sheet->cr, 0.5);
      cairo_move_to (sheet->cr, PDF_MARGIN_X, sheet->y);
      cairo_line_to (sheet->cr, PDF_PAGE_WIDTH - PDF_MARGIN_X, sheet->y);
      cairo_stroke (sheet->cr);
    }
  sheet->y += 14;
  if (*body != '\0')
    sheet_show (sheet, text, 0x2b3038);
  sheet_footer (sheet);
}

static gboolean
check_pdf (cairo_surface_t *surface,
           const char      *path,
           GError         **error)
{
  cairo_status_t status = cairo_surface_status (surface);
  g_autofree char *display = NULL;

  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  display = g_filename_display_name (path);
  g_set_error (error, VIGIL_NOTIFY_ERROR, VIGIL_NOTIFY_ERROR_WRITE,
               _("Could not write the notification to “%s”: %s. Check that the folder exists "
                 "and that you may write there."), display, cairo_status_to_string (status));
  return FALSE;
}

gboolean
vigil_notify_to_pdf (const char          *subject,
                     const char          *body,
                     const char * const  *recipients,
                     GDateTime           *date,
                     const char          *path,
                     GError             **error)
{
  PangoFontMap *map = pango_cairo_font_map_get_default ();
  g_autoptr(GObject) owner = NULL;
  PangoContext *context;
  cairo_font_options_t *options;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *when = NULL;
  g_autofree char *to = NULL;
  cairo_surface_t *surface;
  Sheet sheet = { 0 };
  gboolean ok;

  g_return_val_if_fail (subject != NULL, FALSE);
  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  /* Unhinted metrics: the counting pass breaks lines as the drawing pass does. */
  context = pango_font_map_create_context (map);
  owner = G_OBJECT (context);
  options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  pango_cairo_context_set_resolution (context, 72.0);
  cairo_font_options_destroy (options);

  if (date == NULL)
    date = now = g_date_time_new_now_local ();
  when = g_date_time_format (date, "%Y-%m-%d %H:%M");
  if (recipients != NULL && recipients[0] != NULL)
    to = g_strjoinv (", ", (char **) recipients);

  sheet.context = context;
  sheet_run (&sheet, subject, body, to, when);
  sheet.n_pages = sheet.page;

  surface = cairo_pdf_surface_create (path, PDF_PAGE_WIDTH, PDF_PAGE_HEIGHT);
  if (!check_pdf (surface, path, error))
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, subject);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Vigil " PACKAGE_VERSION);
  sheet.cr = cairo_create (surface);
  sheet_run (&sheet, subject, body, to, when);
  cairo_destroy (sheet.cr);
  cairo_surface_finish (surface);
  ok = check_pdf (surface, path, error);
  cairo_surface_destroy (surface);
  return ok;
}

/* Approval of notifications for external audiences */

gboolean
vigil_notification_audience_is_external (const char *audience)
{
  return g_strcmp0 (audience, "clients") == 0 || g_strcmp0 (audience, "regulator") == 0;
}

/* Leading and trailing white space is not part of the text: the core
 * strips it when it stores a value, so a draft being edited hashes the same
 * as what it will be once saved. */
static void
hash_part (GChecksum  *checksum,
           const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  g_autofree char *length = g_strdup_printf ("%zu:", strlen (stripped));

  g_checksum_update (checksum, (const guchar *) length, -1);
  g_checksum_update (checksum, (const guchar *) stripped, -1);
}

char *
vigil_notification_dup_text_hash (JsonObject *item)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  JsonNode *recipients;

  g_return_val_if_fail (item != NULL, NULL);

  /* A text approved for clients is not approved for the regulator. */
  hash_part (checksum, json_object_get_string_member_with_default (item, "audience", NULL));
  hash_part (checksum, json_object_get_string_member_with_default (item, "subject", NULL));
  hash_part (checksum, json_object_get_string_member_with_default (item, "body", NULL));
  recipients = json_object_get_member (item, "recipients");
  if (recipients != NULL && JSON_NODE_HOLDS_ARRAY (recipients))
    {
      JsonArray *list = json_node_get_array (recipients);
      g_autofree char *count = g_strdup_printf ("%u;", json_array_get_length (list));

      g_checksum_update (checksum, (const guchar *) count, -1);
      for (guint i = 0; i < json_array_get_length (list); i++)
        hash_part (checksum, json_array_get_string_element (list, i));
    }
  else
    g_checksum_update (checksum, (const guchar *) "0;", -1);

  return g_strdup (g_checksum_get_string (checksum));
}

VigilNotificationApproval
vigil_notification_get_approval (JsonObject       *item,
                                 VigilPolicyFlags  policy)
{
  JsonNode *sent;
  const char *decision, *approved_hash;
  g_autofree char *hash = NULL;

  g_return_val_if_fail (item != NULL, VIGIL_NOTIFICATION_APPROVAL_NOT_NEEDED);

  sent = json_object_get_member (item, "sent");
  if (sent != NULL && !JSON_NODE_HOLDS_NULL (sent))
    return VIGIL_NOTIFICATION_APPROVAL_NOT_NEEDED;

  decision = json_object_get_string_member_with_default (item, "approval", NULL);
  approved_hash = json_object_get_string_member_with_default (item, "approval_sha256", NULL);
  hash = vigil_notification_dup_text_hash (item);
  if (decision != NULL && g_strcmp0 (approved_hash, hash) == 0)
    {
      if (g_str_equal (decision, "approved"))
        return VIGIL_NOTIFICATION_APPROVAL_APPROVED;
      if (g_str_equal (decision, "rejected"))
        return VIGIL_NOTIFICATION_APPROVAL_REJECTED;
    }

  if ((policy & VIGIL_POLICY_EXTERNAL_NOTIFICATIONS_NEED_APPROVAL) &&
      vigil_notification_audience_is_external (
        json_object_get_string_member_with_default (item, "audience", NULL)))
    return VIGIL_NOTIFICATION_APPROVAL_AWAITING;

  return VIGIL_NOTIFICATION_APPROVAL_NOT_NEEDED;
}

GPtrArray *
vigil_incident_list_notifications_awaiting (VigilIncident    *incident,
                                            VigilPolicyFlags  policy)
{
  GPtrArray *awaiting = g_ptr_array_new ();
  JsonArray *items;

  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), awaiting);

  items = vigil_incident_get_items (incident, "notify", "notifications");
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (vigil_notification_get_approval (item, policy) == VIGIL_NOTIFICATION_APPROVAL_AWAITING)
        g_ptr_array_add (awaiting, item);
    }
  return awaiting;
}
