/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-report"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "vigil-report.h"
#include "vigil-report-private.h"
#include "vigil-forms.h"
#include "vigil-op.h"
#include "vigil-process.h"
#include "vigil-store.h"

/* The report is built once into a small document model (headings, fields,
 * paragraphs, tables); the Markdown writer and the page layout both walk
 * that model, so the two never say different things. */

typedef enum {
  BLOCK_HEADING,     /* text; level 1 (section) or 2 */
  BLOCK_FIELD,       /* label and a short value on one row */
  BLOCK_LONG_FIELD,  /* label above a text of several paragraphs */
  BLOCK_NOTE,        /* a remark such as "Nothing recorded." */
  BLOCK_TABLE,       /* header and rows */
} BlockKind;

typedef struct {
  BlockKind  kind;
  guint      level;
  char      *label;
  char      *text;
  gboolean   mono;        /* a field whose value is a hash */
  GStrv      header;
  GPtrArray *rows;        /* of GStrv */
  double    *widths;      /* relative column widths */
  int        mono_column; /* column of hashes, -1 for none */
} Block;

struct _VigilReport
{
  GObject    parent_instance;

  char      *kicker;      /* above the reference on the title page */
  char      *heading;     /* the Markdown title */
  char      *legal;       /* the small print of the title page */
  char      *reference;
  char      *title;
  char      *generated;
  GPtrArray *cover;       /* of Block (fields of the title page) */
  GPtrArray *blocks;      /* of Block */
  guint      n_pages;     /* 0 until laid out */
  GMutex     lock;
};

G_DEFINE_FINAL_TYPE (VigilReport, vigil_report, G_TYPE_OBJECT)

G_DEFINE_QUARK (vigil-report-error-quark, vigil_report_error)

/* What nothing recorded looks like in a field. */
#define EMPTY_VALUE "—"
/* A table cell of the PDF never grows longer than a page; the Markdown and
 * the archive's data keep the full texts. */
#define MAX_CELL_CHARS 1200

static void
block_free (Block *block)
{
  g_free (block->label);
  g_free (block->text);
  g_strfreev (block->header);
  g_clear_pointer (&block->rows, g_ptr_array_unref);
  g_free (block->widths);
  g_free (block);
}

/* Formatting values */

static char *
format_time (GDateTime *when)
{
  g_autoptr(GDateTime) utc = NULL;

  if (when == NULL)
    return NULL;
  utc = g_date_time_to_utc (when);
  /* TRANSLATORS: a date and time in reports, strftime format, always UTC */
  return g_date_time_format (utc, _("%Y-%m-%d %H:%M UTC"));
}

static char *
format_iso (const char *iso)
{
  g_autoptr(GDateTime) when = NULL;

  if (iso == NULL || *iso == '\0')
    return NULL;
  when = vigil_time_from_iso (iso);
  return when != NULL ? format_time (when) : g_strdup (iso);
}

static char *
format_size (gint64 size)
{
  g_autofree char *human = NULL;
  g_autofree char *bytes = g_strdup_printf ("%" G_GINT64_FORMAT, size);
  gulong plural = (gulong) size;

  if (size < 1000)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s byte", "%s bytes", plural), bytes);
  human = g_format_size (size);
  /* TRANSLATORS: a file size, e.g. "1.2 MB (1234567 bytes)" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (%s byte)", "%s (%s bytes)", plural),
                          human, bytes);
}

static const char *
node_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static char *
truncate_text (const char *text,
               glong       max_chars)
{
  g_autofree char *start = NULL;

  if (text == NULL || g_utf8_strlen (text, -1) <= max_chars)
    return g_strdup (text);
  start = g_utf8_substring (text, 0, max_chars);
  return g_strconcat (start, "…", NULL);
}

/* What an item is called in tables and the history. */
static const char *
item_name (JsonObject *item)
{
  static const char * const keys[] = {
    "name", "title", "text", "section", "value", "event", "id"
  };

  for (guint i = 0; item != NULL && i < G_N_ELEMENTS (keys); i++)
    {
      const char *value = node_string (json_object_get_member (item, keys[i]));

      if (value != NULL && *value != '\0')
        return value;
    }
  return "";
}

static char *
format_ref (VigilIncident *incident,
            const char    *ref,
            const char    *id)
{
  g_auto(GStrv) parts = g_strsplit (ref, ".", 2);
  JsonObject *item;

  if (g_strv_length (parts) != 2)
    return g_strdup (id);
  item = vigil_incident_find_item (incident, parts[0], parts[1], id);
  return g_strdup (item != NULL ? item_name (item) : id);
}

static char *
join_labels (JsonNode        *value,
             VigilChoiceList  list)
{
  g_autoptr(GString) out = g_string_new (NULL);
  JsonArray *array;

  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    return NULL;
  array = json_node_get_array (value);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *text = node_string (json_array_get_element (array, i));

      if (text == NULL)
        continue;
      if (out->len > 0)
        g_string_append (out, ", ");
      if (list != VIGIL_N_CHOICE_LISTS)
        text = vigil_process_get_choice_label (list, text);
      g_string_append (out, text);
    }
  return out->len > 0 ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

/* Returns: (nullable): the value as a reader sees it, %NULL when unset */
static char *
format_value (VigilIncident        *incident,
              const VigilFieldInfo *field,
              JsonNode             *value)
{
  const char *text;

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return NULL;

  switch (field->kind)
    {
    case VIGIL_FIELD_TIME:
      return format_iso (node_string (value));

    case VIGIL_FIELD_BOOL:
      if (!JSON_NODE_HOLDS_VALUE (value))
        return NULL;
      return g_strdup (json_node_get_boolean (value) ? _("Yes") : _("No"));

    case VIGIL_FIELD_SIZE:
      if (!JSON_NODE_HOLDS_VALUE (value))
        return NULL;
      return format_size (json_node_get_int (value));

    case VIGIL_FIELD_CHOICE:
      text = node_string (value);
      return text != NULL ? g_strdup (vigil_process_get_choice_label (field->choices, text))
                          : NULL;

    case VIGIL_FIELD_CHOICES:
      return join_labels (value, field->choices);

    case VIGIL_FIELD_LIST:
      return join_labels (value, VIGIL_N_CHOICE_LISTS);

    case VIGIL_FIELD_REF:
      text = node_string (value);
      return text != NULL ? format_ref (incident, field->ref, text) : NULL;

    case VIGIL_FIELD_SIGNATURE:
      if (JSON_NODE_HOLDS_OBJECT (value))
        {
          JsonObject *sign = json_node_get_object (value);
          const char *by = node_string (json_object_get_member (sign, "by"));
          g_autofree char *at = format_iso (node_string (json_object_get_member (sign, "at")));

          /* TRANSLATORS: who signed off and when */
          return g_strdup_printf (_("%s, %s"), by != NULL ? by : "?", at != NULL ? at : "?");
        }
      return NULL;

    case VIGIL_FIELD_TEXT:
    case VIGIL_FIELD_LONG_TEXT:
    case VIGIL_FIELD_SHA256:
    case VIGIL_FIELD_INDICATOR:
    default:
      text = node_string (value);
      return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
    }
}

/* Building the document */

static Block *
add_block (GPtrArray  *blocks,
           BlockKind   kind,
           const char *label,
           const char *text)
{
  Block *block = g_new0 (Block, 1);

  block->kind = kind;
  block->label = g_strdup (label);
  block->text = g_strdup (text);
  block->mono_column = -1;
  g_ptr_array_add (blocks, block);
  return block;
}

static void
add_heading (VigilReport *self,
             guint        level,
             const char  *text)
{
  add_block (self->blocks, BLOCK_HEADING, NULL, text)->level = level;
}

static void
add_note (VigilReport *self,
          const char  *text)
{
  add_block (self->blocks, BLOCK_NOTE, NULL, text);
}

static void
add_field (GPtrArray  *blocks,
           const char *label,
           const char *value)
{
  add_block (blocks, BLOCK_FIELD, label, value != NULL && *value != '\0' ? value : EMPTY_VALUE);
}

static void
add_long_field (VigilReport *self,
                const char  *label,
                const char  *value)
{
  if (value == NULL || *value == '\0')
    add_field (self->blocks, label, NULL);
  else
    add_block (self->blocks, BLOCK_LONG_FIELD, label, value);
}

static void
add_form_fields (VigilReport   *self,
                 VigilIncident *incident,
                 const char    *form_id,
                 const char    *const *field_ids)
{
  const VigilFormInfo *form = vigil_forms_get (form_id);

  g_assert (form != NULL);
  for (guint i = 0; field_ids[i] != NULL; i++)
    {
      const VigilFieldInfo *field = vigil_form_get_field (form, field_ids[i]);
      JsonNode *node;
      g_autofree char *value = NULL;

      g_assert (field != NULL);
      node = vigil_incident_get_form_value (incident, form_id, field->id);
      value = format_value (incident, field, node);
      if (field->kind == VIGIL_FIELD_LONG_TEXT)
        add_long_field (self, vigil_field_get_label (field), value);
      else
        {
          add_field (self->blocks, vigil_field_get_label (field), value);
          if (field->kind == VIGIL_FIELD_SHA256)
            ((Block *) g_ptr_array_index (self->blocks, self->blocks->len - 1))->mono = TRUE;
        }
    }
}

static Block *
new_table (VigilReport        *self,
           const char * const *header,
           const double       *widths)
{
  Block *block = add_block (self->blocks, BLOCK_TABLE, NULL, NULL);
  guint n = g_strv_length ((GStrv) header);

  block->header = g_strdupv ((GStrv) header);
  block->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  block->widths = g_memdup2 (widths, n * sizeof (double));
  return block;
}

static void
table_add_row (Block  *table,
               char  **cells)
{
  guint n = g_strv_length (table->header);
  GStrv row = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      row[i] = g_strdup (cells[i] != NULL && *cells[i] != '\0' ? cells[i] : EMPTY_VALUE);
    }
  g_ptr_array_add (table->rows, row);
}

/* A table of the items of a collection, one column per field named. */
static void
add_collection_table (VigilReport   *self,
                      VigilIncident *incident,
                      const char    *form_id,
                      const char    *collection_id,
                      const char    *const *field_ids,
                      const double  *widths,
                      const char    *empty_note)
{
  const VigilFormInfo *form = vigil_forms_get (form_id);
  const VigilCollectionInfo *collection = vigil_form_get_collection (form, collection_id);
  JsonArray *items = vigil_incident_get_items (incident, form_id, collection_id);
  guint n = g_strv_length ((GStrv) field_ids);
  g_autofree const char **header = g_new0 (const char *, n + 1);
  Block *table;

  g_assert (collection != NULL);
  if (items == NULL || json_array_get_length (items) == 0)
    {
      add_note (self, empty_note);
      return;
    }

  for (guint i = 0; i < n; i++)
    header[i] = vigil_field_get_label (vigil_collection_get_field (collection, field_ids[i]));
  table = new_table (self, header, widths);

  for (guint r = 0; r < json_array_get_length (items); r++)
    {
      JsonObject *item = json_array_get_object_element (items, r);
      g_auto(GStrv) cells = g_new0 (char *, n + 1);

      for (guint i = 0; i < n; i++)
        {
          const VigilFieldInfo *field = vigil_collection_get_field (collection, field_ids[i]);

          if (field->kind == VIGIL_FIELD_SHA256)
            table->mono_column = i;
          cells[i] = format_value (incident, field, json_object_get_member (item, field->id));
        }
      table_add_row (table, cells);
    }
}

/* Incident fields, for the history */
static const struct {
  const char *id;
  const char *label;
} incident_fields[] = {
  { "title", N_("Title") },
  { "type", N_("Type") },
  { "type_other", N_("Type (other)") },
  { "description", N_("Description") },
  { "detection_method", N_("Detection method") },
  { "detected_at", N_("Detected") },
  { "aware_at", N_("Aware") },
  { "reporter", N_("Reporter") },
  { "affected_systems", N_("Affected systems") },
  { "owner", N_("Owner") },
  { "severity", N_("Severity") },
};

static const char *
incident_field_label (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (incident_fields); i++)
    {
      if (g_str_equal (incident_fields[i].id, id))
        return _(incident_fields[i].label);
    }
  return id;
}

static char *
step_title (guint step)
{
  const VigilStepInfo *info = vigil_process_get_step (step);

  /* TRANSLATORS: a step number and its name, "6. Document findings" */
  return g_strdup_printf (_("%u. %s"), step, info != NULL ? vigil_step_get_name (info) : "?");
}

static const char *
payload_string (JsonObject *payload,
                const char *member)
{
  return payload != NULL ? node_string (json_object_get_member (payload, member)) : NULL;
}

/* The labels of the fields an update names, comma-separated. */
static char *
changed_fields (JsonObject          *fields,
                const VigilFormInfo *form,
                const VigilCollectionInfo *collection)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GList) names = fields != NULL ? json_object_get_members (fields) : NULL;

  for (GList *l = names; l != NULL; l = l->next)
    {
      const VigilFieldInfo *field = NULL;

      if (collection != NULL)
        field = vigil_collection_get_field (collection, l->data);
      else if (form != NULL)
        field = vigil_form_get_field (form, l->data);
      if (out->len > 0)
        g_string_append (out, ", ");
      if (field != NULL)
        g_string_append (out, vigil_field_get_label (field));
      else if (form == NULL)
        g_string_append (out, incident_field_label (l->data));
      else
        g_string_append (out, l->data);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gint64
step_change (JsonArray *changes,
             gboolean   new_value)
{
  for (guint i = 0; changes != NULL && i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (change, "field", ""),
                     "step") == 0)
        {
          JsonNode *node = json_object_get_member (change, new_value ? "new" : "old");

          return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_int (node) : 0;
        }
    }
  return 0;
}

/* The new value of a boolean field among the changes: 1 or 0, -1 when it
 * did not change. */
static int
change_new_bool (JsonArray  *changes,
                 const char *path)
{
  for (guint i = 0; changes != NULL && i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (change, "field", ""), path) == 0)
        {
          JsonNode *node = json_object_get_member (change, "new");

          return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_boolean (node);
        }
    }
  return -1;
}

/* One line of the history: what an operation did, in words. */
static char *
describe_entry (VigilIncident *incident,
                VigilLogEntry *entry)
{
  VigilOp *op = entry->op;
  JsonObject *payload = vigil_op_get_payload (op);
  const char *form_id = payload_string (payload, "form");
  const VigilFormInfo *form = form_id != NULL ? vigil_forms_get (form_id) : NULL;
  const char *collection_id = payload_string (payload, "collection");
  const VigilCollectionInfo *collection = NULL;
  const char *form_title = form != NULL ? vigil_form_get_title (form) : form_id;
  const char *collection_label;
  g_autofree char *fields = NULL;

  if (form != NULL && collection_id != NULL)
    collection = vigil_form_get_collection (form, collection_id);
  collection_label = collection != NULL ? vigil_collection_get_label (collection) : collection_id;

  switch (vigil_op_get_kind (op))
    {
    case VIGIL_OP_INCIDENT_CREATE:
      return g_strdup_printf (_("Created the incident “%s”."),
                              payload_string (payload, "title") ?: "");

    case VIGIL_OP_INCIDENT_UPDATE:
      fields = changed_fields (payload, NULL, NULL);
      return g_strdup_printf (_("Changed %s."), fields);

    case VIGIL_OP_INCIDENT_MOVE:
      {
        g_autofree char *from = step_title ((guint) step_change (entry->changes, FALSE));
        g_autofree char *to = step_title ((guint) step_change (entry->changes, TRUE));

        return g_strdup_printf (_("Moved from “%s” to “%s”."), from, to);
      }

    case VIGIL_OP_APPROVAL_SUBMIT:
      return g_strdup (_("Submitted steps 1 to 7 for approval."));

    case VIGIL_OP_APPROVAL_DECIDE:
      {
        const char *comment = payload_string (payload, "comment");
        gboolean approve = g_strcmp0 (payload_string (payload, "decision"), "approve") == 0;

        if (comment != NULL && *comment != '\0')
          return g_strdup_printf (approve ? _("Approved: “%s”") : _("Rejected: “%s”"), comment);
        return g_strdup (approve ? _("Approved.") : _("Rejected."));
      }

    case VIGIL_OP_FORM_UPDATE:
      {
        JsonNode *node = json_object_get_member (payload, "fields");

        fields = changed_fields (node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                                 ? json_node_get_object (node) : NULL, form, NULL);
        /* TRANSLATORS: a form's title, then the fields changed */
        return g_strdup_printf (_("%s: changed %s."), form_title ?: "", fields);
      }

    case VIGIL_OP_ITEM_ADD:
      {
        JsonNode *node = json_object_get_member (payload, "item");
        JsonObject *item = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                           ? json_node_get_object (node) : NULL;

        return g_strdup_printf (_("Added to “%s”: %s."), collection_label ?: "",
                                item_name (item));
      }

    case VIGIL_OP_ITEM_UPDATE:
      {
        JsonNode *node = json_object_get_member (payload, "fields");

        const char *id = payload_string (payload, "id");
        JsonObject *item = NULL;
        const char *name = id != NULL ? id : "";

        fields = changed_fields (node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                                 ? json_node_get_object (node) : NULL, form, collection);
        /* Checklist entries are named by their task; others by what they
         * are called now. */
        if (collection != NULL && collection->keys != VIGIL_N_CHOICE_LISTS && id != NULL)
          name = vigil_process_get_choice_label (collection->keys, id);
        else if (id != NULL && form_id != NULL && collection_id != NULL &&
                 (item = vigil_incident_find_item (incident, form_id, collection_id, id)) != NULL)
          name = item_name (item);
        /* TRANSLATORS: the fields changed, the entry, the list it is in */
        return g_strdup_printf (_("Changed %s of “%s” in “%s”."), fields, name,
                                collection_label ?: "");
      }

    case VIGIL_OP_ITEM_REMOVE:
      return g_strdup_printf (_("Removed an entry of “%s” (%s)."), collection_label ?: "",
                              payload_string (payload, "id") ?: "");

    case VIGIL_OP_DORA_CLASSIFY:
      switch (change_new_bool (entry->changes, "dora.result.major"))
        {
        case 1:
          return g_strdup (_("Classified under DORA: a major incident."));
        case 0:
          return g_strdup (_("Classified under DORA: not a major incident."));
        default:
          return g_strdup (_("Classified under DORA again, with the same result."));
        }

    case VIGIL_OP_DORA_REPORT_DRAFT:
      return g_strdup_printf (_("Drafted the DORA report “%s”."),
                              payload_string (payload, "report") ?: "");

    case VIGIL_OP_DORA_REPORT_SUBMITTED:
      /* TRANSLATORS: the report (initial, intermediate, ...), the authority */
      return g_strdup_printf (_("Recorded the DORA report “%s” as sent to %s."),
                              payload_string (payload, "report") ?: "",
                              payload_string (payload, "authority") ?: "");

    case VIGIL_OP_DORA_THREAT_ASSESS:
      return g_strdup (_("Assessed a cyber threat."));

    case VIGIL_OP_NOTIFICATION_DECIDE:
      return g_strdup (g_strcmp0 (payload_string (payload, "decision"), "approve") == 0
                       ? _("Approved a notification to send.")
                       : _("Rejected a notification to send."));

    case VIGIL_N_OP_KINDS:
    default:
      return g_strdup (vigil_op_kind_to_string (vigil_op_get_kind (op)));
    }
}

static void
build_cover (VigilReport   *self,
             VigilIncident *incident)
{
  const char *type = vigil_incident_get_incident_type (incident);
  const char *severity = vigil_incident_get_severity (incident);
  g_autofree char *type_label = NULL;
  g_autofree char *detected = format_time (vigil_incident_get_detected_at (incident));
  g_autofree char *aware = format_time (vigil_incident_get_aware_at (incident));
  g_autofree char *created = format_time (vigil_incident_get_created_at (incident));
  g_autofree char *updated = format_time (vigil_incident_get_updated_at (incident));
  g_autofree char *step = step_title (vigil_incident_get_step (incident));
  const char *approval;

  if (type != NULL && g_str_equal (type, "other") &&
      vigil_incident_get_type_other (incident) != NULL)
    type_label = g_strdup_printf ("%s (%s)",
                                  vigil_process_get_choice_label (VIGIL_CHOICES_INCIDENT_TYPE,
                                                                  type),
                                  vigil_incident_get_type_other (incident));
  else if (type != NULL)
    type_label = g_strdup (vigil_process_get_choice_label (VIGIL_CHOICES_INCIDENT_TYPE, type));

  switch (vigil_incident_get_approval_state (incident))
    {
    case VIGIL_APPROVAL_PENDING:
      approval = _("Submitted, waiting for the decision");
      break;
    case VIGIL_APPROVAL_APPROVED:
      approval = _("Approved");
      break;
    case VIGIL_APPROVAL_REJECTED:
      approval = _("Rejected");
      break;
    case VIGIL_APPROVAL_NONE:
    default:
      approval = _("Not submitted");
      break;
    }

  add_field (self->cover, _("Reference"), self->reference);
  add_field (self->cover, _("Type"), type_label);
  add_field (self->cover, _("Severity"),
             severity != NULL ? vigil_process_get_choice_label (VIGIL_CHOICES_SEVERITY, severity)
                              : _("Not assessed"));
  add_field (self->cover, _("Detected"), detected);
  add_field (self->cover, _("Aware"), aware);
  add_field (self->cover, _("Recorded"), created);
  add_field (self->cover, _("Last change"), updated);
  add_field (self->cover, _("Current step"), step);
  add_field (self->cover, _("Approval"), approval);
  add_field (self->cover, _("Owner"), vigil_incident_get_owner (incident));
  add_field (self->cover, _("Report generated"), self->generated);
}

static void
build_sections (VigilReport   *self,
                VigilIncident *incident,
                GPtrArray     *log)
{
  const char * const *systems = vigil_incident_get_affected_systems (incident);
  g_autofree char *systems_text = systems != NULL ? g_strjoinv (", ", (GStrv) systems) : NULL;
  g_autofree char *detected = format_time (vigil_incident_get_detected_at (incident));
  g_autofree char *aware = format_time (vigil_incident_get_aware_at (incident));
  const char *method = vigil_incident_get_detection_method (incident);
  const char *severity = vigil_incident_get_severity (incident);
  JsonArray *evidence = vigil_incident_get_items (incident, "collect", "evidence");
  guint section = 0;
  g_autofree char *heading = NULL;

#define SECTION(text) \
  G_STMT_START { \
    g_free (heading); \
    /* TRANSLATORS: a section number and its title */ \
    heading = g_strdup_printf (_("%u. %s"), ++section, text); \
    add_heading (self, 1, heading); \
  } G_STMT_END

  SECTION (_("The incident"));
  add_long_field (self, _("Description"), vigil_incident_get_description (incident));
  add_field (self->blocks, _("Detection method"),
             method != NULL
             ? vigil_process_get_choice_label (VIGIL_CHOICES_DETECTION_METHOD, method)
             : NULL);
  add_field (self->blocks, _("Detected"), detected);
  add_field (self->blocks, _("Aware"), aware);
  add_field (self->blocks, _("Reporter"), vigil_incident_get_reporter (incident));
  add_field (self->blocks, _("Affected systems"), systems_text);
  add_field (self->blocks, _("Recorded by"), vigil_incident_get_created_by (incident));

  SECTION (_("Findings"));
  {
    static const char * const first[] = { "summary", NULL };
    static const char * const rest[] = {
      "involved_assets", "potential_impacts", "root_cause", "recommendations", NULL
    };
    static const char * const timeline[] = { "at", "event", NULL };
    static const double timeline_widths[] = { 1.0, 3.0 };

    add_form_fields (self, incident, "findings", first);
    add_heading (self, 2, _("Timeline"));
    add_collection_table (self, incident, "findings", "timeline", timeline, timeline_widths,
                          _("No timeline recorded."));
    add_heading (self, 2, _("Assets, impacts and recommendations"));
    add_form_fields (self, incident, "findings", rest);
  }

  SECTION (_("Analysis and threat intelligence"));
  {
    static const char * const analysis[] = {
      "notes", "anomalies", "affected_assets", "open_questions", NULL
    };
    static const char * const impact[] = {
      "technical_impact", "business_impact", "affected_services", NULL
    };
    static const char * const intel[] = { "sources", "notes", NULL };
    static const char * const indicators[] = { "type", "value", "known", "source", "notes", NULL };
    static const double indicator_widths[] = { 1.0, 2.0, 1.2, 1.3, 1.5 };

    add_heading (self, 2, _("Analysis"));
    add_form_fields (self, incident, "analyze", analysis);
    add_heading (self, 2, _("Severity and impact"));
    add_field (self->blocks, _("Severity"),
               severity != NULL ? vigil_process_get_choice_label (VIGIL_CHOICES_SEVERITY, severity)
                                : NULL);
    add_form_fields (self, incident, "severity", impact);
    add_heading (self, 2, _("Threat intelligence"));
    add_form_fields (self, incident, "correlate", intel);
    add_heading (self, 2, _("Indicators"));
    add_collection_table (self, incident, "correlate", "indicators", indicators,
                          indicator_widths, _("No indicators recorded."));
  }

  SECTION (_("Evidence"));
  {
    static const char * const handovers[] = { "evidence", "from", "to", "at", "reason", NULL };
    static const double handover_widths[] = { 1.3, 1.0, 1.0, 1.1, 1.6 };
    /* In points of the page's 471: a hash fits two lines of its column. */
    static const double evidence_widths[] = { 151, 80, 140, 100 };
    static const double verification_widths[] = { 105, 170, 66, 66, 64 };
    const char *evidence_header[] = {
      _("Evidence"), _("Size"), _("SHA-256"), _("Collected"), NULL
    };
    const char *verification_header[] = {
      _("Evidence"), _("SHA-256 found"), _("Result"), _("Checked by"), _("Checked at"), NULL
    };
    JsonArray *checks = vigil_incident_get_items (incident, "custody", "verifications");
    const VigilFormInfo *collect = vigil_forms_get ("collect");
    const VigilCollectionInfo *checklist = vigil_form_get_collection (collect, "checklist");
    guint n_keys = 0;
    const VigilChoice *keys = vigil_process_get_choices (checklist->keys, &n_keys);
    static const double checklist_widths[] = { 2.0, 0.6, 1.0, 1.1, 2.0 };
    const char *checklist_header[] = {
      _("Task"),
      vigil_field_get_label (vigil_collection_get_field (checklist, "done")),
      vigil_field_get_label (vigil_collection_get_field (checklist, "by")),
      vigil_field_get_label (vigil_collection_get_field (checklist, "at")),
      vigil_field_get_label (vigil_collection_get_field (checklist, "notes")),
      NULL
    };
    Block *table;

    /* Name, kind and location share a cell, so that the hash keeps a
     * column wide enough to be read. */
    if (evidence == NULL || json_array_get_length (evidence) == 0)
      add_note (self, _("No evidence recorded."));
    else
      {
        table = new_table (self, evidence_header, evidence_widths);
        table->mono_column = 2;
        for (guint i = 0; i < json_array_get_length (evidence); i++)
          {
            JsonObject *item = json_array_get_object_element (evidence, i);
            const char *kind = node_string (json_object_get_member (item, "kind"));
            const char *location = node_string (json_object_get_member (item, "location"));
            JsonNode *size = json_object_get_member (item, "size");
            JsonNode *when = json_object_get_member (item, "collected_at");
            g_autofree char *at = format_iso (node_string (when));
            const char *by = node_string (json_object_get_member (item, "collected_by"));
            g_autoptr(GString) what = g_string_new (item_name (item));
            g_autoptr(GString) collected = g_string_new (by);
            g_auto(GStrv) cells = g_new0 (char *, 5);

            if (kind != NULL)
              g_string_append_printf (what, "\n%s",
                                      vigil_process_get_choice_label (VIGIL_CHOICES_EVIDENCE_KIND,
                                                                      kind));
            if (location != NULL && *location != '\0')
              g_string_append_printf (what, "\n%s", location);
            if (at != NULL)
              g_string_append_printf (collected, "%s%s", collected->len > 0 ? "\n" : "", at);
            cells[0] = g_string_free (g_steal_pointer (&what), FALSE);
            cells[1] = size != NULL && JSON_NODE_HOLDS_VALUE (size)
                       ? format_size (json_node_get_int (size)) : NULL;
            cells[2] = g_strdup (node_string (json_object_get_member (item, "sha256")));
            cells[3] = g_string_free (g_steal_pointer (&collected), FALSE);
            table_add_row (table, cells);
          }
      }
    for (guint i = 0; evidence != NULL && i < json_array_get_length (evidence); i++)
      {
        JsonObject *item = json_array_get_object_element (evidence, i);
        const char *notes = node_string (json_object_get_member (item, "notes"));

        if (notes != NULL && *notes != '\0')
          {
            g_autofree char *label = g_strdup_printf (_("Notes on “%s”"), item_name (item));

            add_long_field (self, label, notes);
          }
      }

    add_heading (self, 2, _("Chain of custody"));
    add_collection_table (self, incident, "custody", "handovers", handovers, handover_widths,
                          _("No hand-overs recorded."));
    add_heading (self, 2, _("Verifications"));
    /* Whether a check matched is the comparison with the recorded hash. */
    if (checks == NULL || json_array_get_length (checks) == 0)
      add_note (self, _("No verifications recorded."));
    else
      {
        table = new_table (self, verification_header, verification_widths);
        table->mono_column = 1;
        for (guint i = 0; i < json_array_get_length (checks); i++)
          {
            JsonObject *check = json_array_get_object_element (checks, i);
            const char *ref = node_string (json_object_get_member (check, "evidence"));
            const char *found = node_string (json_object_get_member (check, "sha256"));
            JsonObject *item = ref != NULL ? vigil_incident_find_item (incident, "collect",
                                                                       "evidence", ref) : NULL;
            const char *recorded = item != NULL ? node_string (json_object_get_member (item,
                                                                                       "sha256"))
                                                : NULL;
            g_auto(GStrv) cells = g_new0 (char *, 6);

            cells[0] = g_strdup (item != NULL ? item_name (item) : ref);
            cells[1] = g_strdup (found);
            if (recorded == NULL)
              cells[2] = g_strdup (_("No hash recorded"));
            else
              cells[2] = g_strdup (g_strcmp0 (recorded, found) == 0 ? _("Matches")
                                                                   : _("DOES NOT MATCH"));
            cells[3] = g_strdup (node_string (json_object_get_member (check, "by")));
            cells[4] = format_iso (node_string (json_object_get_member (check, "at")));
            table_add_row (table, cells);
          }
      }

    add_heading (self, 2, vigil_collection_get_label (checklist));
    table = new_table (self, checklist_header, checklist_widths);
    for (guint i = 0; i < n_keys; i++)
      {
        JsonObject *item = vigil_incident_find_item (incident, "collect", "checklist",
                                                     keys[i].id);
        g_auto(GStrv) cells = g_new0 (char *, 6);

        cells[0] = g_strdup (vigil_choice_get_label (&keys[i]));
        for (guint c = 1; c < 5; c++)
          {
            const char *id = c == 1 ? "done" : c == 2 ? "by" : c == 3 ? "at" : "notes";
            const VigilFieldInfo *field = vigil_collection_get_field (checklist, id);

            cells[c] = item != NULL ? format_value (incident, field,
                                                    json_object_get_member (item, id)) : NULL;
          }
        if (cells[1] == NULL)
          cells[1] = g_strdup (_("No"));
        table_add_row (table, cells);
      }
  }

  SECTION (_("Escalation"));
  {
    static const char * const escalate[] = { "escalate", "to", "reason", "at", NULL };

    add_form_fields (self, incident, "escalate", escalate);
  }

  SECTION (_("Approval"));
  {
    g_autofree char *submitted_at = format_time (vigil_incident_get_submitted_at (incident));
    g_autofree char *decided_at = format_time (vigil_incident_get_decided_at (incident));
    g_autofree char *from = NULL;
    const char *state;
    Block *hash;

    if (vigil_incident_get_submitted_from (incident) > 0)
      from = step_title (vigil_incident_get_submitted_from (incident));
    switch (vigil_incident_get_approval_state (incident))
      {
      case VIGIL_APPROVAL_PENDING:
        state = _("Submitted, waiting for the decision");
        break;
      case VIGIL_APPROVAL_APPROVED:
        state = _("Approved");
        break;
      case VIGIL_APPROVAL_REJECTED:
        state = _("Rejected");
        break;
      case VIGIL_APPROVAL_NONE:
      default:
        state = _("Not submitted");
        break;
      }
    add_field (self->blocks, _("Decision"), state);
    add_field (self->blocks, _("Submitted by"), vigil_incident_get_submitted_by (incident));
    add_field (self->blocks, _("Submitted at"), submitted_at);
    add_field (self->blocks, _("Submitted from step"), from);
    add_field (self->blocks, _("Decided by"), vigil_incident_get_decided_by (incident));
    add_field (self->blocks, _("Decided at"), decided_at);
    add_long_field (self, _("Comment"), vigil_incident_get_decision_comment (incident));
    add_field (self->blocks, _("Snapshot of steps 1 to 7 (SHA-256)"),
               vigil_incident_get_snapshot_hash (incident));
    hash = g_ptr_array_index (self->blocks, self->blocks->len - 1);
    hash->mono = TRUE;
  }

  SECTION (_("Response and remedial actions"));
  {
    static const char * const channel[] = { "channel", NULL };
    static const char * const response[] = { "title", "owner", "role", "due", "status", NULL };
    static const double response_widths[] = { 2.6, 1.1, 1.0, 1.1, 0.9 };
    static const char * const remedial[] = {
      "title", "kind", "owner", "due", "status", "effective", NULL
    };
    static const double remedial_widths[] = { 2.0, 1.1, 0.9, 1.1, 0.9, 1.3 };

    add_heading (self, 2, _("Response actions"));
    add_form_fields (self, incident, "coordinate", channel);
    add_collection_table (self, incident, "coordinate", "actions", response, response_widths,
                          _("No response actions recorded."));
    add_heading (self, 2, _("Remedial actions"));
    add_collection_table (self, incident, "remediate", "actions", remedial, remedial_widths,
                          _("No remedial actions recorded."));
  }

  SECTION (_("Review and plan updates"));
  {
    static const char * const review[] = {
      "date", "participants", "went_well", "went_wrong", NULL
    };
    static const char * const lessons[] = { "text", NULL };
    static const double lesson_widths[] = { 1.0 };
    JsonArray *changes = vigil_incident_get_items (incident, "update_plan", "changes");
    const VigilCollectionInfo *info =
      vigil_form_get_collection (vigil_forms_get ("update_plan"), "changes");

    add_heading (self, 2, _("Post-incident review"));
    add_form_fields (self, incident, "review", review);
    add_heading (self, 2, _("Lessons learned"));
    add_collection_table (self, incident, "review", "lessons", lessons, lesson_widths,
                          _("No lessons recorded."));
    add_heading (self, 2, _("Response plan updates"));
    if (changes == NULL || json_array_get_length (changes) == 0)
      add_note (self, _("No changes to the response plan recorded."));
    /* A change is a long text: one record each rather than a table row. */
    for (guint i = 0; changes != NULL && i < json_array_get_length (changes); i++)
      {
        JsonObject *item = json_array_get_object_element (changes, i);
        static const char * const ids[] = { "owner", "lesson", NULL };
        const char *plan_section = node_string (json_object_get_member (item, "section"));
        const char *change = node_string (json_object_get_member (item, "change"));
        g_autofree char *label = g_strdup_printf (_("Change %u: %s"), i + 1,
                                                  plan_section != NULL ? plan_section : "");

        add_long_field (self, label, change);
        for (guint f = 0; ids[f] != NULL; f++)
          {
            const VigilFieldInfo *field = vigil_collection_get_field (info, ids[f]);
            g_autofree char *value = format_value (incident, field,
                                                   json_object_get_member (item, ids[f]));

            add_field (self->blocks, vigil_field_get_label (field), value);
          }
      }
  }

  SECTION (_("Sign-off"));
  {
    static const char * const finalize[] = { "notes", "sign_off", NULL };

    add_form_fields (self, incident, "finalize", finalize);
  }

  SECTION (_("Completeness"));
  {
    static const char * const header[] = { N_("Step"), N_("What is missing"), NULL };
    const char *translated[] = { _(header[0]), _(header[1]), NULL };
    static const double widths[] = { 1.6, 3.0 };
    Block *table = new_table (self, translated, widths);
    guint incomplete = 0;

    for (guint step = 1; step <= VIGIL_N_STEPS; step++)
      {
        g_auto(GStrv) missing = vigil_incident_list_missing (incident, step);
        g_auto(GStrv) cells = g_new0 (char *, 3);

        cells[0] = step_title (step);
        if (missing[0] == NULL)
          cells[1] = g_strdup (_("Complete"));
        else
          {
            cells[1] = g_strjoinv ("\n", missing);
            incomplete++;
          }
        table_add_row (table, cells);
      }
    if (incomplete == 0)
      add_note (self, _("Every step is complete."));
    else
      {
        g_autofree char *text =
          g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u step is not complete.",
                                        "%u steps are not complete.", incomplete), incomplete);

        add_note (self, text);
      }
  }

  SECTION (_("History"));
  if (log == NULL || log->len == 0)
    add_note (self, _("No history available."));
  else
    {
      static const char * const header[] = { N_("When"), N_("Who"), N_("What"), NULL };
      const char *translated[] = { _(header[0]), _(header[1]), _(header[2]), NULL };
      static const double widths[] = { 1.2, 0.9, 3.6 };
      Block *table = new_table (self, translated, widths);

      for (guint i = 0; i < log->len; i++)
        {
          VigilLogEntry *entry = g_ptr_array_index (log, i);
          g_auto(GStrv) cells = g_new0 (char *, 4);

          cells[0] = format_time (vigil_op_get_at (entry->op));
          cells[1] = g_strdup (vigil_op_get_actor (entry->op));
          cells[2] = describe_entry (incident, entry);
          table_add_row (table, cells);
        }
      {
        VigilLogEntry *last = g_ptr_array_index (log, log->len - 1);
        g_autofree char *text =
          g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "%u operation. The last entry of the audit log has "
                                        "the SHA-256 %s.",
                                        "%u operations. The last entry of the audit log has "
                                        "the SHA-256 %s.", log->len),
                           log->len, last->hash);

        add_note (self, text);
      }
    }
#undef SECTION
}

/* Markdown */

static void
md_escape (GString    *out,
           const char *text,
           gboolean    in_table)
{
  gboolean line_start = TRUE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\n')
        {
          /* A hard line break keeps the lines the user typed. */
          g_string_append (out, in_table ? "<br>" : "  \n");
          line_start = TRUE;
          continue;
        }
      if (*p == '\r')
        continue;
      if (strchr ("\\`*_[]<>|", *p) != NULL ||
          (line_start && strchr ("#+-=>", *p) != NULL))
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
      line_start = FALSE;
    }
}

static void
md_fields (GString   *out,
           GPtrArray *blocks,
           guint     *index)
{
  /* Runs of short fields become one list. */
  for (; *index < blocks->len; (*index)++)
    {
      Block *block = g_ptr_array_index (blocks, *index);

      if (block->kind != BLOCK_FIELD)
        break;
      g_string_append (out, "- **");
      md_escape (out, block->label, FALSE);
      g_string_append (out, ":** ");
      if (block->mono)
        g_string_append_printf (out, "`%s`", block->text);
      else
        md_escape (out, block->text, FALSE);
      g_string_append_c (out, '\n');
    }
  g_string_append_c (out, '\n');
  (*index)--;
}

static void
md_table (GString *out,
          Block   *block)
{
  guint n = g_strv_length (block->header);

  g_string_append (out, "|");
  for (guint c = 0; c < n; c++)
    {
      g_string_append_c (out, ' ');
      md_escape (out, block->header[c], TRUE);
      g_string_append (out, " |");
    }
  g_string_append (out, "\n|");
  for (guint c = 0; c < n; c++)
    g_string_append (out, "---|");
  g_string_append_c (out, '\n');
  for (guint r = 0; r < block->rows->len; r++)
    {
      GStrv row = g_ptr_array_index (block->rows, r);

      g_string_append (out, "|");
      for (guint c = 0; c < n; c++)
        {
          g_string_append_c (out, ' ');
          if ((int) c == block->mono_column && !g_str_equal (row[c], EMPTY_VALUE))
            g_string_append_printf (out, "`%s`", row[c]);
          else
            md_escape (out, row[c], TRUE);
          g_string_append (out, " |");
        }
      g_string_append_c (out, '\n');
    }
  g_string_append_c (out, '\n');
}

char *
vigil_report_to_markdown (VigilReport *self)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint index = 0;

  g_return_val_if_fail (VIGIL_IS_REPORT (self), NULL);

  g_string_append (out, "# ");
  md_escape (out, self->heading, FALSE);
  g_string_append (out, "\n\n**");
  md_escape (out, self->title, FALSE);
  g_string_append (out, "**\n\n");
  md_fields (out, self->cover, &index);

  for (guint i = 0; i < self->blocks->len; i++)
    {
      Block *block = g_ptr_array_index (self->blocks, i);

      switch (block->kind)
        {
        case BLOCK_HEADING:
          g_string_append (out, block->level == 1 ? "## " : "### ");
          md_escape (out, block->text, FALSE);
          g_string_append (out, "\n\n");
          break;
        case BLOCK_FIELD:
          md_fields (out, self->blocks, &i);
          break;
        case BLOCK_LONG_FIELD:
          g_string_append (out, "**");
          md_escape (out, block->label, FALSE);
          g_string_append (out, "**\n\n");
          md_escape (out, block->text, FALSE);
          g_string_append (out, "\n\n");
          break;
        case BLOCK_NOTE:
          g_string_append_c (out, '*');
          md_escape (out, block->text, FALSE);
          g_string_append (out, "*\n\n");
          break;
        case BLOCK_TABLE:
          md_table (out, block);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  g_string_truncate (out, out->len - 1);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Page layout. All lengths in points (1/72 inch). */

#define PAGE_WIDTH   595.276   /* A4 */
#define PAGE_HEIGHT  841.890
#define MARGIN_X     62.0
#define MARGIN_TOP   62.0
#define MARGIN_BOTTOM 70.0
#define CONTENT_WIDTH (PAGE_WIDTH - 2 * MARGIN_X)
#define CONTENT_BOTTOM (PAGE_HEIGHT - MARGIN_BOTTOM)
#define LABEL_WIDTH  150.0
#define CELL_PAD_X   4.0
#define CELL_PAD_Y   3.5

#define FONT_SANS "DejaVu Sans, Cantarell, sans-serif"
#define FONT_MONO "DejaVu Sans Mono, monospace"

typedef struct {
  VigilReport  *report;
  cairo_t      *cr;
  PangoContext *context;
  guint         target;   /* draw only this page; 0 draws all */
  gboolean      drawing;  /* the pass that draws (the first only counts pages) */
  gboolean      show_pages; /* emit pages (PDF) */
  guint         page;
  guint         n_pages;
  double        y;
} Pen;

static gboolean
pen_draws (Pen *pen)
{
  return pen->drawing && (pen->target == 0 || pen->target == pen->page);
}

static PangoLayout *
pen_layout (Pen        *pen,
            const char *text,
            const char *family,
            double      size,
            PangoWeight weight,
            PangoStyle  style,
            double      width)
{
  PangoLayout *layout = pango_layout_new (pen->context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (family);
  PangoAttrList *attrs;

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, weight);
  pango_font_description_set_style (font, style);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  /* A hash or an address broken with a hyphen would read as another one. */
  attrs = pango_attr_list_new ();
  pango_attr_list_insert (attrs, pango_attr_insert_hyphens_new (FALSE));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int height;

  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

static void
pen_set_color (Pen  *pen,
               guint rgb)
{
  cairo_set_source_rgb (pen->cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                        (rgb & 0xff) / 255.0);
}

static void
pen_show (Pen         *pen,
          PangoLayout *layout,
          double       x,
          double       y,
          guint        rgb)
{
  if (!pen_draws (pen))
    return;
  pen_set_color (pen, rgb);
  cairo_move_to (pen->cr, x, y);
  pango_cairo_show_layout (pen->cr, layout);
}

static void
pen_footer (Pen *pen)
{
  g_autofree char *page = NULL;
  g_autoptr(PangoLayout) left = NULL;
  g_autoptr(PangoLayout) right = NULL;
  g_autofree char *left_text = NULL;
  double y = PAGE_HEIGHT - MARGIN_BOTTOM + 26;

  if (!pen_draws (pen) || pen->page == 1)
    return;

  /* TRANSLATORS: page footer, "Page 2 of 9" */
  page = g_strdup_printf (_("Page %u of %u"), pen->page, pen->n_pages);
  /* TRANSLATORS: page footer, the reference and the document's name */
  left_text = g_strdup_printf (_("%s · Final incident report"), pen->report->reference);
  left = pen_layout (pen, left_text, FONT_SANS, 7.5, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL,
                     CONTENT_WIDTH * 0.7);
  right = pen_layout (pen, page, FONT_SANS, 7.5, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL,
                      CONTENT_WIDTH * 0.3);
  pango_layout_set_alignment (right, PANGO_ALIGN_RIGHT);

  pen_set_color (pen, 0xc0c4cc);
  cairo_set_line_width (pen->cr, 0.5);
  cairo_move_to (pen->cr, MARGIN_X, y - 6);
  cairo_line_to (pen->cr, PAGE_WIDTH - MARGIN_X, y - 6);
  cairo_stroke (pen->cr);
  pen_show (pen, left, MARGIN_X, y, 0x6a707a);
  pen_show (pen, right, MARGIN_X + CONTENT_WIDTH * 0.7, y, 0x6a707a);
}

static void
pen_new_page (Pen *pen)
{
  pen_footer (pen);
  if (pen->show_pages && pen->drawing)
    cairo_show_page (pen->cr);
  pen->page++;
  pen->y = MARGIN_TOP;
}

/* Starts a new page unless @height fits under the pen. */
static void
pen_reserve (Pen    *pen,
             double  height)
{
  if (pen->y + height > CONTENT_BOTTOM && pen->y > MARGIN_TOP)
    pen_new_page (pen);
}

/* Shows a layout line by line, breaking pages between lines. */
static void
pen_show_lines (Pen         *pen,
                PangoLayout *layout,
                double       x,
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
      pen_reserve (pen, height);
      if (pen_draws (pen))
        {
          pen_set_color (pen, rgb);
          cairo_move_to (pen->cr, x, pen->y + baseline);
          pango_cairo_show_layout_line (pen->cr, pango_layout_iter_get_line_readonly (iter));
        }
      pen->y += height;
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

static double
first_line_height (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_line_get_extents (pango_layout_get_line_readonly (layout, 0), NULL, &logical);
  return (double) logical.height / PANGO_SCALE;
}

static void
pen_field (Pen        *pen,
           Block      *block,
           double      size)
{
  g_autoptr(PangoLayout) label = pen_layout (pen, block->label, FONT_SANS, size - 0.5,
                                             PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL,
                                             LABEL_WIDTH - 10);
  g_autoptr(PangoLayout) value = pen_layout (pen, block->text,
                                             block->mono ? FONT_MONO : FONT_SANS,
                                             block->mono ? size - 1.5 : size,
                                             PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL,
                                             CONTENT_WIDTH - LABEL_WIDTH);
  double label_height = layout_height (label);
  double top;
  guint page;

  pen_reserve (pen, MAX (label_height, first_line_height (value)));
  top = pen->y;
  page = pen->page;
  pen_show (pen, label, MARGIN_X, top + (block->mono ? 0.5 : 0), 0x4a515c);
  pen_show_lines (pen, value, MARGIN_X + LABEL_WIDTH,
                  g_str_equal (block->text, EMPTY_VALUE) ? 0x9aa0a8 : 0x1d1f23);
  if (pen->page == page)
    pen->y = MAX (pen->y, top + label_height);
  pen->y += 3.5;
}

static void
pen_table_header (Pen        *pen,
                  Block      *block,
                  double     *columns,
                  guint       n)
{
  g_autoptr(GPtrArray) layouts = g_ptr_array_new_with_free_func (g_object_unref);
  double height = 0;
  double x = MARGIN_X;

  for (guint c = 0; c < n; c++)
    {
      PangoLayout *layout = pen_layout (pen, block->header[c], FONT_SANS, 7.5, PANGO_WEIGHT_BOLD,
                                        PANGO_STYLE_NORMAL, columns[c] - 2 * CELL_PAD_X);

      height = MAX (height, layout_height (layout));
      g_ptr_array_add (layouts, layout);
    }
  height += 2 * CELL_PAD_Y;
  if (pen_draws (pen))
    {
      pen_set_color (pen, 0xe4e8ef);
      cairo_rectangle (pen->cr, MARGIN_X, pen->y, CONTENT_WIDTH, height);
      cairo_fill (pen->cr);
    }
  for (guint c = 0; c < n; c++)
    {
      pen_show (pen, g_ptr_array_index (layouts, c), x + CELL_PAD_X, pen->y + CELL_PAD_Y,
                0x2b3038);
      x += columns[c];
    }
  pen->y += height;
}

#define SHORT_TABLE_ROWS 16

/* The cells of row @r, and the row's height with its padding. */
static GPtrArray *
table_row_layouts (Pen          *pen,
                   Block        *block,
                   guint         r,
                   const double *columns,
                   double       *height)
{
  GStrv row = g_ptr_array_index (block->rows, r);
  guint n = g_strv_length (block->header);
  GPtrArray *layouts = g_ptr_array_new_with_free_func (g_object_unref);

  *height = 0;
  for (guint c = 0; c < n; c++)
    {
      gboolean mono = (int) c == block->mono_column;
      g_autofree char *text = truncate_text (row[c], MAX_CELL_CHARS);
      PangoLayout *layout = pen_layout (pen, text, mono ? FONT_MONO : FONT_SANS,
                                        mono ? 6.8 : 8.0, PANGO_WEIGHT_NORMAL,
                                        PANGO_STYLE_NORMAL, columns[c] - 2 * CELL_PAD_X);

      *height = MAX (*height, layout_height (layout));
      g_ptr_array_add (layouts, layout);
    }
  *height += 2 * CELL_PAD_Y;
  return layouts;
}

static void
table_columns (Block  *block,
               double *columns)
{
  guint n = g_strv_length (block->header);
  double total = 0;

  for (guint c = 0; c < n; c++)
    total += block->widths[c];
  for (guint c = 0; c < n; c++)
    columns[c] = CONTENT_WIDTH * block->widths[c] / total;
}

/* How much of a table must stay with what comes before it: all of a short
 * table, the header and a row of a long one. */
static double
table_keep_height (Pen   *pen,
                   Block *block)
{
  g_autofree double *columns = g_new0 (double, g_strv_length (block->header));
  double height = 30;

  if (block->rows->len > SHORT_TABLE_ROWS)
    return 48;
  table_columns (block, columns);
  for (guint r = 0; r < block->rows->len; r++)
    {
      double row_height;
      g_autoptr(GPtrArray) layouts = table_row_layouts (pen, block, r, columns, &row_height);

      height += row_height;
    }
  return height;
}

static void
pen_table (Pen   *pen,
           Block *block)
{
  guint n = g_strv_length (block->header);
  g_autofree double *columns = g_new0 (double, n);

  table_columns (block, columns);
  if (pen->y > MARGIN_TOP)
    pen->y += 4;
  pen_reserve (pen, table_keep_height (pen, block));
  pen_table_header (pen, block, columns, n);

  for (guint r = 0; r < block->rows->len; r++)
    {
      GStrv row = g_ptr_array_index (block->rows, r);
      double height = 0;
      g_autoptr(GPtrArray) layouts = table_row_layouts (pen, block, r, columns, &height);
      double x = MARGIN_X;

      if (pen->y + height > CONTENT_BOTTOM)
        {
          pen_new_page (pen);
          pen_table_header (pen, block, columns, n);
        }

      if (pen_draws (pen))
        {
          cairo_save (pen->cr);
          /* A row taller than a page is cut at the margin rather than
           * drawn over the footer. */
          cairo_rectangle (pen->cr, 0, pen->y, PAGE_WIDTH, CONTENT_BOTTOM - pen->y);
          cairo_clip (pen->cr);
          if (r % 2 == 1)
            {
              pen_set_color (pen, 0xf5f6f8);
              cairo_rectangle (pen->cr, MARGIN_X, pen->y, CONTENT_WIDTH, height);
              cairo_fill (pen->cr);
            }
          pen_set_color (pen, 0xd5d9e0);
          cairo_set_line_width (pen->cr, 0.5);
          cairo_move_to (pen->cr, MARGIN_X, pen->y + height);
          cairo_line_to (pen->cr, MARGIN_X + CONTENT_WIDTH, pen->y + height);
          cairo_stroke (pen->cr);
        }
      for (guint c = 0; c < n; c++)
        {
          const char *text = row[c];

          pen_show (pen, g_ptr_array_index (layouts, c), x + CELL_PAD_X, pen->y + CELL_PAD_Y,
                    g_str_equal (text, EMPTY_VALUE) ? 0x9aa0a8 : 0x1d1f23);
          x += columns[c];
        }
      if (pen_draws (pen))
        cairo_restore (pen->cr);
      pen->y += MIN (height, CONTENT_BOTTOM - pen->y);
    }
  pen->y += 10;
}

static void
pen_title_page (Pen *pen)
{
  VigilReport *self = pen->report;
  g_autoptr(PangoLayout) kicker = pen_layout (pen, self->kicker, FONT_SANS, 10,
                                              PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL,
                                              CONTENT_WIDTH);
  g_autoptr(PangoLayout) reference = pen_layout (pen, self->reference, FONT_SANS, 30,
                                                 PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL,
                                                 CONTENT_WIDTH);
  g_autoptr(PangoLayout) title = pen_layout (pen, self->title, FONT_SANS, 17,
                                             PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL,
                                             CONTENT_WIDTH);
  g_autoptr(PangoLayout) legal = pen_layout (pen, self->legal,
                                             FONT_SANS, 8, PANGO_WEIGHT_NORMAL,
                                             PANGO_STYLE_ITALIC, CONTENT_WIDTH);
  PangoAttrList *spacing = pango_attr_list_new ();

  pango_attr_list_insert (spacing, pango_attr_letter_spacing_new (2 * PANGO_SCALE));
  pango_layout_set_attributes (kicker, spacing);
  pango_attr_list_unref (spacing);

  if (pen_draws (pen))
    {
      pen_set_color (pen, 0x1f4e8c);
      cairo_rectangle (pen->cr, 0, 0, PAGE_WIDTH, 10);
      cairo_fill (pen->cr);
    }
  pen->y = 150;
  pen_show (pen, kicker, MARGIN_X, pen->y, 0x1f4e8c);
  pen->y += layout_height (kicker) + 14;
  pen_show (pen, reference, MARGIN_X, pen->y, 0x1d1f23);
  pen->y += layout_height (reference) + 6;
  pen_show (pen, title, MARGIN_X, pen->y, 0x3a3f47);
  pen->y += layout_height (title) + 30;

  if (pen_draws (pen))
    {
      pen_set_color (pen, 0x1f4e8c);
      cairo_rectangle (pen->cr, MARGIN_X, pen->y, 48, 3);
      cairo_fill (pen->cr);
    }
  pen->y += 26;

  for (guint i = 0; i < self->cover->len; i++)
    pen_field (pen, g_ptr_array_index (self->cover, i), 10.5);

  pen_show (pen, legal, MARGIN_X, CONTENT_BOTTOM - layout_height (legal), 0x6a707a);
}

static void
pen_run (Pen *pen)
{
  VigilReport *self = pen->report;

  pen->page = 1;
  pen_title_page (pen);
  pen_new_page (pen);

  for (guint i = 0; i < self->blocks->len; i++)
    {
      Block *block = g_ptr_array_index (self->blocks, i);

      switch (block->kind)
        {
        case BLOCK_HEADING:
          {
            gboolean section = block->level == 1;
            g_autoptr(PangoLayout) layout = pen_layout (pen, block->text, FONT_SANS,
                                                        section ? 15 : 11, PANGO_WEIGHT_BOLD,
                                                        PANGO_STYLE_NORMAL, CONTENT_WIDTH);
            double height = layout_height (layout);

            Block *next = i + 1 < self->blocks->len ? g_ptr_array_index (self->blocks, i + 1)
                                                    : NULL;
            double keep = section ? 110 : 50;

            /* A heading keeps some of what follows on its page. */
            if (next != NULL && next->kind == BLOCK_TABLE)
              keep = MAX (keep, table_keep_height (pen, next) + 4);
            if (pen->y > MARGIN_TOP)
              pen->y += section ? 18 : 8;
            pen_reserve (pen, height + keep);
            pen_show (pen, layout, MARGIN_X, pen->y, section ? 0x1f4e8c : 0x2b3038);
            pen->y += height + (section ? 4 : 4);
            if (section)
              {
                if (pen_draws (pen))
                  {
                    pen_set_color (pen, 0x1f4e8c);
                    cairo_set_line_width (pen->cr, 1.0);
                    cairo_move_to (pen->cr, MARGIN_X, pen->y);
                    cairo_line_to (pen->cr, PAGE_WIDTH - MARGIN_X, pen->y);
                    cairo_stroke (pen->cr);
                  }
                pen->y += 12;
              }
          }
          break;

        case BLOCK_FIELD:
          pen_field (pen, block, 9.0);
          break;

        case BLOCK_LONG_FIELD:
          {
            g_autoptr(PangoLayout) label = pen_layout (pen, block->label, FONT_SANS, 8.5,
                                                       PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL,
                                                       CONTENT_WIDTH);
            g_autoptr(PangoLayout) text = pen_layout (pen, block->text, FONT_SANS, 9.0,
                                                      PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL,
                                                      CONTENT_WIDTH);

            pango_layout_set_spacing (text, 1.5 * PANGO_SCALE);
            pen_reserve (pen, layout_height (label) + 2 + first_line_height (text));
            pen_show (pen, label, MARGIN_X, pen->y, 0x4a515c);
            pen->y += layout_height (label) + 2;
            pen_show_lines (pen, text, MARGIN_X, 0x1d1f23);
            pen->y += 8;
          }
          break;

        case BLOCK_NOTE:
          {
            g_autoptr(PangoLayout) layout = pen_layout (pen, block->text, FONT_SANS, 8.5,
                                                        PANGO_WEIGHT_NORMAL, PANGO_STYLE_ITALIC,
                                                        CONTENT_WIDTH);

            pen_show_lines (pen, layout, MARGIN_X, 0x6a707a);
            pen->y += 8;
          }
          break;

        case BLOCK_TABLE:
          pen_table (pen, block);
          break;

        default:
          g_assert_not_reached ();
        }
    }
  pen_footer (pen);
  if (pen->show_pages && pen->drawing)
    cairo_show_page (pen->cr);
}

static PangoContext *
create_context (void)
{
  PangoFontMap *map = pango_cairo_font_map_get_default ();
  PangoContext *context = pango_font_map_create_context (map);
  cairo_font_options_t *options = cairo_font_options_create ();

  /* Unhinted metrics: the same line breaks on every surface, so a preview
   * shows the pages of the PDF. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  pango_cairo_context_set_resolution (context, 72.0);
  cairo_font_options_destroy (options);
  return context;
}

/* Lays the report out once without drawing, to know the number of pages. */
static guint
count_pages (VigilReport  *self,
             PangoContext *context)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  if (self->n_pages == 0)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
      Pen pen = { self, cairo_create (surface), context, 0, FALSE, FALSE, 0, 0, 0 };

      pen_run (&pen);
      self->n_pages = pen.page;
      cairo_destroy (pen.cr);
      cairo_surface_destroy (surface);
    }
  return self->n_pages;
}

guint
vigil_report_count_pages (VigilReport *self)
{
  PangoContext *context;
  guint n_pages;

  g_return_val_if_fail (VIGIL_IS_REPORT (self), 0);

  context = create_context ();
  n_pages = count_pages (self, context);
  g_object_unref (context);
  return n_pages;
}

static gboolean
check_surface (cairo_surface_t *surface,
               const char      *path,
               GError         **error)
{
  cairo_status_t status = cairo_surface_status (surface);
  g_autofree char *display = NULL;

  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  display = g_filename_display_name (path);
  g_set_error (error, VIGIL_REPORT_ERROR, VIGIL_REPORT_ERROR_WRITE,
               _("Could not write the report to “%s”: %s. Check that the folder exists and "
                 "that you may write there."), display, cairo_status_to_string (status));
  return FALSE;
}

gboolean
vigil_report_write_pdf (VigilReport  *self,
                        const char   *path,
                        GError      **error)
{
  g_autoptr(GObject) context = NULL;
  cairo_surface_t *surface;
  g_autofree char *title = NULL;
  Pen pen = { 0 };
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_REPORT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  context = G_OBJECT (create_context ());
  pen.n_pages = count_pages (self, PANGO_CONTEXT (context));

  surface = cairo_pdf_surface_create (path, PAGE_WIDTH, PAGE_HEIGHT);
  if (!check_surface (surface, path, error))
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }
  title = g_strdup_printf ("%s: %s", self->reference, self->title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Vigil " PACKAGE_VERSION);

  pen.report = self;
  pen.cr = cairo_create (surface);
  pen.context = PANGO_CONTEXT (context);
  pen.drawing = TRUE;
  pen.show_pages = TRUE;
  pen_run (&pen);
  cairo_destroy (pen.cr);
  cairo_surface_finish (surface);
  ok = check_surface (surface, path, error);
  cairo_surface_destroy (surface);
  return ok;
}

gboolean
vigil_report_write_png (VigilReport  *self,
                        guint         page,
                        double        scale,
                        const char   *path,
                        GError      **error)
{
  g_autoptr(GObject) context = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  Pen pen = { 0 };

  g_return_val_if_fail (VIGIL_IS_REPORT (self), FALSE);
  g_return_val_if_fail (scale > 0 && scale <= 8, FALSE);

  context = G_OBJECT (create_context ());
  pen.n_pages = count_pages (self, PANGO_CONTEXT (context));
  if (page < 1 || page > pen.n_pages)
    {
      g_set_error (error, VIGIL_REPORT_ERROR, VIGIL_REPORT_ERROR_NO_PAGE,
                   _("The report has no page %u; it has %u."), page, pen.n_pages);
      return FALSE;
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) (PAGE_WIDTH * scale),
                                        (int) (PAGE_HEIGHT * scale));
  pen.report = self;
  pen.cr = cairo_create (surface);
  pen.context = PANGO_CONTEXT (context);
  pen.drawing = TRUE;
  pen.target = page;
  cairo_set_source_rgb (pen.cr, 1, 1, 1);
  cairo_paint (pen.cr);
  cairo_scale (pen.cr, scale, scale);
  pen_run (&pen);
  cairo_destroy (pen.cr);
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, VIGIL_REPORT_ERROR, VIGIL_REPORT_ERROR_WRITE,
                   _("Could not write the page to “%s”: %s."), display,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

static void
write_pdf_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (vigil_report_write_pdf (source, task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
vigil_report_write_pdf_async (VigilReport         *self,
                              const char          *path,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VIGIL_IS_REPORT (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_report_write_pdf_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, write_pdf_thread);
}

gboolean
vigil_report_write_pdf_finish (VigilReport   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Object */

static void
vigil_report_finalize (GObject *object)
{
  VigilReport *self = VIGIL_REPORT (object);

  g_free (self->kicker);
  g_free (self->heading);
  g_free (self->legal);
  g_free (self->reference);
  g_free (self->title);
  g_free (self->generated);
  g_ptr_array_unref (self->cover);
  g_ptr_array_unref (self->blocks);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (vigil_report_parent_class)->finalize (object);
}

static void
vigil_report_class_init (VigilReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vigil_report_finalize;
}

static void
vigil_report_init (VigilReport *self)
{
  self->cover = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
  self->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
  g_mutex_init (&self->lock);
}

VigilReport *
vigil_report_new (VigilIncident *incident,
                  GPtrArray     *log,
                  GDateTime     *generated_at)
{
  VigilReport *self;
  const char *reference;
  const char *title;
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), NULL);

  self = g_object_new (VIGIL_TYPE_REPORT, NULL);
  reference = vigil_incident_get_reference (incident);
  title = vigil_incident_get_title (incident);
  self->reference = g_strdup (reference != NULL && *reference != '\0' ? reference
                                                                      : _("Unnumbered incident"));
  self->title = g_strdup (title != NULL && *title != '\0' ? title : _("Untitled incident"));
  if (generated_at == NULL)
    generated_at = now = g_date_time_new_now_utc ();
  self->generated = format_time (generated_at);
  self->kicker = g_strdup (_("FINAL INCIDENT REPORT"));
  /* TRANSLATORS: the report's title, with the incident's reference */
  self->heading = g_strdup_printf (_("Final incident report %s"), self->reference);
  self->legal = g_strdup (_("Made from the incident's recorded data. The completeness of every "
                            "step and the history of all changes are part of this report."));

  build_cover (self, incident);
  build_sections (self, incident, log);
  return self;
}

VigilReport *
vigil_report_new_blank (const char *kicker,
                        const char *heading,
                        const char *reference,
                        const char *title,
                        const char *legal_note)
{
  VigilReport *self = g_object_new (VIGIL_TYPE_REPORT, NULL);

  self->kicker = g_strdup (kicker);
  self->heading = g_strdup (heading);
  self->reference = g_strdup (reference);
  self->title = g_strdup (title);
  self->legal = g_strdup (legal_note);
  self->generated = g_strdup ("");
  return self;
}

void
vigil_report_add_cover_field (VigilReport *self,
                              const char  *label,
                              const char  *value)
{
  g_return_if_fail (VIGIL_IS_REPORT (self));

  add_field (self->cover, label, value);
}

void
vigil_report_add_heading (VigilReport *self,
                          guint        level,
                          const char  *text)
{
  g_return_if_fail (VIGIL_IS_REPORT (self));

  add_heading (self, level, text);
}

void
vigil_report_add_field (VigilReport *self,
                        const char  *label,
                        const char  *value)
{
  g_return_if_fail (VIGIL_IS_REPORT (self));

  if (value != NULL && strchr (value, '\n') != NULL)
    add_long_field (self, label, value);
  else
    add_field (self->blocks, label, value);
}

void
vigil_report_add_note (VigilReport *self,
                       const char  *text)
{
  g_return_if_fail (VIGIL_IS_REPORT (self));

  add_note (self, text);
}
