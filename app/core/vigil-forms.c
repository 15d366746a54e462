/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-forms"

#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "vigil-forms.h"
#include "vigil-op.h"

/* The step forms of spec/process.md, as data: the operations validate
 * against this table, the pages are drawn from it and completeness is
 * computed from it. Step 1 is the incident's own fields; step 8 is the
 * approval; step 10 belongs to the notifications. */

#define F(id, label, kind, flags) { id, label, VIGIL_FIELD_##kind, 0, flags, NULL }
#define C(id, label, list, flags) { id, label, VIGIL_FIELD_CHOICE, VIGIL_CHOICES_##list, flags, NULL }
#define CS(id, label, list, flags) { id, label, VIGIL_FIELD_CHOICES, VIGIL_CHOICES_##list, flags, NULL }
#define R(id, label, ref, flags) { id, label, VIGIL_FIELD_REF, 0, flags, ref }

#define REQ VIGIL_FIELD_REQUIRED
#define DONE VIGIL_FIELD_COMPLETES
#define PAST VIGIL_FIELD_PAST
#define ONCE VIGIL_FIELD_SET_ONCE

#define COLLECTION(id, label, fields, min) \
  { id, label, fields, G_N_ELEMENTS (fields), VIGIL_N_CHOICE_LISTS, min }

/* Step 2 */
static const VigilFieldInfo checklist_fields[] = {
  F ("done", N_("Done"), BOOL, DONE),
  F ("by", N_("Done by"), TEXT, 0),
  F ("at", N_("Done at"), TIME, PAST),
  F ("notes", N_("Notes"), LONG_TEXT, 0),
};

static const VigilFieldInfo evidence_fields[] = {
  F ("name", N_("Name"), TEXT, REQ),
  C ("kind", N_("Kind"), EVIDENCE_KIND, 0),
  F ("location", N_("Location"), TEXT, 0),
  F ("size", N_("Size"), SIZE, ONCE),
  F ("sha256", N_("SHA-256"), SHA256, ONCE),
  F ("collected_by", N_("Collected by"), TEXT, 0),
  F ("collected_at", N_("Collected at"), TIME, PAST),
  F ("notes", N_("Notes"), LONG_TEXT, 0),
};

static const VigilCollectionInfo collect_collections[] = {
  { "checklist", N_("Collection checklist"), checklist_fields, G_N_ELEMENTS (checklist_fields),
    VIGIL_CHOICES_COLLECTION_ITEM, 0 },
  COLLECTION ("evidence", N_("Evidence"), evidence_fields, 1),
};

/* Custody and verification go on after approval: a form of their own,
 * outside the approved content. */
static const VigilFieldInfo custody_fields[] = {
  R ("evidence", N_("Evidence"), "evidence", REQ),
  F ("from", N_("From"), TEXT, REQ),
  F ("to", N_("To"), TEXT, REQ),
  F ("at", N_("When"), TIME, REQ | PAST),
  F ("reason", N_("Why"), TEXT, 0),
};

static const VigilFieldInfo verification_fields[] = {
  R ("evidence", N_("Evidence"), "evidence", REQ),
  F ("at", N_("When"), TIME, REQ | PAST),
  F ("by", N_("By"), TEXT, 0),
  F ("sha256", N_("SHA-256 found"), SHA256, REQ),
  F ("match", N_("Matches"), BOOL, REQ),
};

static const VigilCollectionInfo custody_collections[] = {
  COLLECTION ("handovers", N_("Chain of custody"), custody_fields, 0),
  COLLECTION ("verifications", N_("Verifications"), verification_fields, 0),
};

/* Step 3 */
static const VigilFieldInfo analyze_fields[] = {
  F ("notes", N_("Analysis notes"), LONG_TEXT, DONE),
  F ("anomalies", N_("Anomalies and trends"), LONG_TEXT, 0),
  F ("affected_assets", N_("Affected assets"), LIST, DONE),
  F ("open_questions", N_("Open questions"), LONG_TEXT, 0),
};

/* Step 4 */
static const VigilFieldInfo correlate_fields[] = {
  CS ("sources", N_("Intelligence sources"), INTEL_SOURCE, DONE),
  F ("notes", N_("Correlation notes"), LONG_TEXT, 0),
};

static const VigilFieldInfo indicator_fields[] = {
  C ("type", N_("Type"), INDICATOR_TYPE, REQ),
  { "value", N_("Value"), VIGIL_FIELD_INDICATOR, 0, REQ, NULL },
  F ("known", N_("Known to intelligence"), BOOL, 0),
  F ("source", N_("Matched in"), TEXT, 0),
  F ("notes", N_("Notes"), TEXT, 0),
};

static const VigilCollectionInfo correlate_collections[] = {
  COLLECTION ("indicators", N_("Indicators"), indicator_fields, 0),
};

/* Step 5 (severity itself is a field of the incident) */
static const VigilFieldInfo severity_fields[] = {
  F ("technical_impact", N_("Technical impact"), LONG_TEXT, DONE),
  F ("business_impact", N_("Operational impact"), LONG_TEXT, DONE),
  F ("affected_services", N_("Affected services"), LIST, 0),
};

/* Step 6 */
static const VigilFieldInfo findings_fields[] = {
  F ("summary", N_("Summary"), LONG_TEXT, DONE),
  F ("involved_assets", N_("Involved assets"), LIST, 0),
  F ("potential_impacts", N_("Potential impacts"), LONG_TEXT, 0),
  F ("root_cause", N_("Root cause"), LONG_TEXT, DONE),
  F ("recommendations", N_("Recommendations"), LONG_TEXT, DONE),
};

static const VigilFieldInfo timeline_fields[] = {
  F ("at", N_("Time"), TIME, REQ | PAST),
  F ("event", N_("What happened"), TEXT, REQ),
};

static const VigilCollectionInfo findings_collections[] = {
  COLLECTION ("timeline", N_("Timeline"), timeline_fields, 1),
};

/* Step 7 */
static const VigilFieldInfo escalate_fields[] = {
  F ("escalate", N_("Escalate"), BOOL, DONE),
  CS ("to", N_("Escalated to"), ESCALATION_TARGET, 0),
  F ("reason", N_("Reason"), LONG_TEXT, 0),
  F ("at", N_("Escalated at"), TIME, PAST),
};

/* Step 9 */
static const VigilFieldInfo coordinate_fields[] = {
  F ("channel", N_("Communication channel"), TEXT, DONE),
};

static const VigilFieldInfo response_action_fields[] = {
  F ("title", N_("Action"), TEXT, REQ),
  F ("owner", N_("Owner"), TEXT, DONE),
  F ("role", N_("Role"), TEXT, 0),
  F ("due", N_("Due"), TIME, DONE),
  C ("status", N_("Status"), ACTION_STATUS, 0),
};

static const VigilCollectionInfo coordinate_collections[] = {
  COLLECTION ("actions", N_("Response actions"), response_action_fields, 1),
};

/* Step 11 */
static const VigilFieldInfo remedial_action_fields[] = {
  F ("title", N_("Action"), TEXT, REQ),
  C ("kind", N_("Kind"), REMEDIAL_KIND, 0),
  F ("owner", N_("Owner"), TEXT, DONE),
  F ("due", N_("Due"), TIME, DONE),
  C ("status", N_("Status"), ACTION_STATUS, 0),
  F ("effective", N_("Effectiveness checked"), BOOL, DONE),
};

static const VigilCollectionInfo remediate_collections[] = {
  COLLECTION ("actions", N_("Remedial actions"), remedial_action_fields, 1),
};

/* Step 12 */
static const VigilFieldInfo review_fields[] = {
  F ("date", N_("Review date"), TIME, DONE),
  F ("participants", N_("Participants"), LIST, DONE),
  F ("went_well", N_("What went well"), LONG_TEXT, DONE),
  F ("went_wrong", N_("What went wrong or was missing"), LONG_TEXT, DONE),
};

static const VigilFieldInfo lesson_fields[] = {
  F ("text", N_("Lesson"), TEXT, REQ),
};

static const VigilCollectionInfo review_collections[] = {
  COLLECTION ("lessons", N_("Lessons learned"), lesson_fields, 1),
};

/* Step 13: plan changes link to the lessons of step 12, a form apart. */
static const VigilFieldInfo plan_change_fields[] = {
  F ("section", N_("Plan section"), TEXT, REQ),
  F ("change", N_("Change"), LONG_TEXT, REQ),
  F ("owner", N_("Owner"), TEXT, 0),
  F ("lesson", N_("Lesson"), TEXT, 0),
};

static const VigilCollectionInfo update_plan_collections[] = {
  COLLECTION ("changes", N_("Plan changes"), plan_change_fields, 1),
};

/* Step 14 */
static const VigilFieldInfo finalize_fields[] = {
  F ("notes", N_("Final notes"), LONG_TEXT, 0),
  F ("sign_off", N_("Signed off"), SIGNATURE, DONE),
};

/* Step 15 */
static const VigilFieldInfo archive_fields[] = {
  F ("retain_until", N_("Keep until"), TIME, DONE),
  F ("bundle", N_("Archive bundle"), TEXT, 0),
  F ("bundle_sha256", N_("Manifest SHA-256"), SHA256, 0),
};

#define FORM(id, step, title, approved, fields, collections) \
  { id, step, title, approved, fields, G_N_ELEMENTS (fields), collections, G_N_ELEMENTS (collections) }
#define FORM_FIELDS(id, step, title, approved, fields) \
  { id, step, title, approved, fields, G_N_ELEMENTS (fields), NULL, 0 }
#define FORM_ITEMS(id, step, title, approved, collections) \
  { id, step, title, approved, NULL, 0, collections, G_N_ELEMENTS (collections) }

static const VigilFormInfo forms[] = {
  FORM_ITEMS ("collect", 2, N_("Data collection and evidence"), TRUE, collect_collections),
  FORM_ITEMS ("custody", 2, N_("Chain of custody"), FALSE, custody_collections),
  FORM_FIELDS ("analyze", 3, N_("Analysis"), TRUE, analyze_fields),
  FORM ("correlate", 4, N_("Threat intelligence"), TRUE, correlate_fields, correlate_collections),
  FORM_FIELDS ("severity", 5, N_("Impact"), TRUE, severity_fields),
  FORM ("findings", 6, N_("Findings"), TRUE, findings_fields, findings_collections),
  FORM_FIELDS ("escalate", 7, N_("Escalation"), TRUE, escalate_fields),
  FORM ("coordinate", 9, N_("Response plan"), FALSE, coordinate_fields, coordinate_collections),
  FORM_ITEMS ("remediate", 11, N_("Remedial actions"), FALSE, remediate_collections),
  FORM ("review", 12, N_("Post-incident review"), FALSE, review_fields, review_collections),
  FORM_ITEMS ("update_plan", 13, N_("Response plan updates"), FALSE, update_plan_collections),
  FORM_FIELDS ("finalize", 14, N_("Sign-off"), FALSE, finalize_fields),
  FORM_FIELDS ("archive", 15, N_("Archive"), FALSE, archive_fields),
};

const VigilFormInfo *
vigil_forms_get_all (guint *n_forms)
{
  if (n_forms != NULL)
    *n_forms = G_N_ELEMENTS (forms);
  return forms;
}

const VigilFormInfo *
vigil_forms_get (const char *form_id)
{
  for (guint i = 0; form_id != NULL && i < G_N_ELEMENTS (forms); i++)
    {
      if (g_str_equal (forms[i].id, form_id))
        return &forms[i];
    }
  return NULL;
}

const VigilCollectionInfo *
vigil_form_get_collection (const VigilFormInfo *form,
                           const char          *collection_id)
{
  g_return_val_if_fail (form != NULL, NULL);

  for (guint i = 0; collection_id != NULL && i < form->n_collections; i++)
    {
      if (g_str_equal (form->collections[i].id, collection_id))
        return &form->collections[i];
    }
  return NULL;
}

static const VigilFieldInfo *
find_field (const VigilFieldInfo *fields,
            guint                 n_fields,
            const char           *field_id)
{
  for (guint i = 0; field_id != NULL && i < n_fields; i++)
    {
      if (g_str_equal (fields[i].id, field_id))
        return &fields[i];
    }
  return NULL;
}

const VigilFieldInfo *
vigil_form_get_field (const VigilFormInfo *form,
                      const char          *field_id)
{
  g_return_val_if_fail (form != NULL, NULL);

  return find_field (form->fields, form->n_fields, field_id);
}

const VigilFieldInfo *
vigil_collection_get_field (const VigilCollectionInfo *collection,
                            const char                *field_id)
{
  g_return_val_if_fail (collection != NULL, NULL);

  return find_field (collection->fields, collection->n_fields, field_id);
}

const char *
vigil_field_get_label (const VigilFieldInfo *field)
{
  g_return_val_if_fail (field != NULL, NULL);

  return g_dgettext (GETTEXT_PACKAGE, field->label);
}

const char *
vigil_form_get_title (const VigilFormInfo *form)
{
  g_return_val_if_fail (form != NULL, NULL);

  return g_dgettext (GETTEXT_PACKAGE, form->title);
}

const char *
vigil_collection_get_label (const VigilCollectionInfo *collection)
{
  g_return_val_if_fail (collection != NULL, NULL);

  return g_dgettext (GETTEXT_PACKAGE, collection->label);
}

/* Reading */

static JsonObject *
get_form_object (VigilIncident *incident,
                 const char    *form_id)
{
  JsonObject *all = vigil_incident_get_forms (incident);
  JsonNode *node = json_object_get_member (all, form_id);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonNode *
vigil_incident_get_form_value (VigilIncident *incident,
                               const char    *form_id,
                               const char    *field_id)
{
  JsonObject *form;
  JsonNode *node;

  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), NULL);

  form = get_form_object (incident, form_id);
  if (form == NULL)
    return NULL;
  node = json_object_get_member (form, field_id);
  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

const char *
vigil_incident_get_form_string (VigilIncident *incident,
                                const char    *form_id,
                                const char    *field_id)
{
  JsonNode *node = vigil_incident_get_form_value (incident, form_id, field_id);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

JsonArray *
vigil_incident_get_items (VigilIncident *incident,
                          const char    *form_id,
                          const char    *collection_id)
{
  JsonNode *node = vigil_incident_get_form_value (incident, form_id, collection_id);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

JsonObject *
vigil_incident_find_item (VigilIncident *incident,
                          const char    *form_id,
                          const char    *collection_id,
                          const char    *item_id)
{
  JsonArray *items = vigil_incident_get_items (incident, form_id, collection_id);

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (item != NULL && g_strcmp0 (json_object_get_string_member_with_default (item, "id", NULL),
                                     item_id) == 0)
        return item;
    }
  return NULL;
}

/* Validation */

static gboolean
invalid (GError     **error,
         const char  *field,
         const char  *reason)
{
  g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID, "%s: %s", field, reason);
  return FALSE;
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_hex (const char *text,
        gsize       length)
{
  if (strlen (text) != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isxdigit (text[i]))
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_domain (const char *text)
{
  g_auto(GStrv) labels = NULL;
  guint n;

  if (strlen (text) > 253 || strchr (text, '.') == NULL)
    return FALSE;
  labels = g_strsplit (text, ".", -1);
  n = g_strv_length (labels);
  for (guint i = 0; i < n; i++)
    {
      gsize len = strlen (labels[i]);

      /* A trailing dot (fully qualified) leaves one empty last label. */
      if (len == 0 && i == n - 1 && i > 0)
        continue;
      if (len == 0 || len > 63 || labels[i][0] == '-' || labels[i][len - 1] == '-')
        return FALSE;
      for (gsize j = 0; j < len; j++)
        {
          if (!g_ascii_isalnum (labels[i][j]) && labels[i][j] != '-' && labels[i][j] != '_')
            return FALSE;
        }
    }
  return TRUE;
}

gboolean
vigil_indicator_normalize (const char  *type,
                           const char  *value,
                           char       **normalized,
                           GError     **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (type != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  text = g_strstrip (g_strdup (value));
  if (*text == '\0')
    return invalid (error, "value", _("the indicator is empty"));

  if (g_str_equal (type, "ip"))
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (text);

      if (address == NULL)
        return invalid (error, "value", _("this is not an IPv4 or IPv6 address"));
      g_free (text);
      text = g_inet_address_to_string (address);
    }
  else if (g_str_equal (type, "domain"))
    {
      char *lower = g_ascii_strdown (text, -1);

      g_free (text);
      text = lower;
      if (!is_domain (text))
        return invalid (error, "value", _("this is not a domain name like example.com"));
    }
  else if (g_str_equal (type, "url"))
    {
      g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
        return invalid (error, "value", _("this is not a full URL like https://example.com/path"));
    }
  else if (g_str_equal (type, "hash"))
    {
      char *lower = g_ascii_strdown (text, -1);

      g_free (text);
      text = lower;
      if (!is_hex (text, 32) && !is_hex (text, 40) && !is_hex (text, 64) && !is_hex (text, 128))
        return invalid (error, "value",
                        _("a file hash is 32 (MD5), 40 (SHA-1), 64 (SHA-256) or 128 (SHA-512) "
                          "hex digits"));
    }
  else if (g_str_equal (type, "email"))
    {
      const char *at = strrchr (text, '@');
      char *host;

      if (at == NULL || at == text || !is_domain (at + 1) || strchr (text, ' ') != NULL)
        return invalid (error, "value", _("this is not an e-mail address like name@example.com"));
      host = g_ascii_strdown (at + 1, -1);
      text[at - text + 1] = '\0';
      {
        char *joined = g_strconcat (text, host, NULL);

        g_free (text);
        g_free (host);
        text = joined;
      }
    }
  else if (g_str_equal (type, "account"))
    {
      for (const char *p = text; *p; p++)
        {
          if (g_ascii_isspace (*p) && *p != ' ')
            return invalid (error, "value", _("an account name is one line of text"));
        }
    }
  else
    return invalid (error, "type", _("the value is not one of the allowed choices"));

  if (normalized != NULL)
    *normalized = g_steal_pointer (&text);
  return TRUE;
}

gboolean
vigil_forms_check_value (const VigilFieldInfo  *field,
                         JsonNode              *value,
                         JsonObject            *item,
                         GError               **error)
{
  g_return_val_if_fail (field != NULL, FALSE);

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    {
      if (field->flags & VIGIL_FIELD_REQUIRED)
        return invalid (error, field->id, _("this field must be filled in"));
      return TRUE;
    }

  switch (field->kind)
    {
    case VIGIL_FIELD_TEXT:
    case VIGIL_FIELD_LONG_TEXT:
    case VIGIL_FIELD_REF:
      {
        glong max = field->kind == VIGIL_FIELD_LONG_TEXT ? 20000 : 500;

        if (!is_string (value) || !g_utf8_validate (json_node_get_string (value), -1, NULL))
          return invalid (error, field->id, _("must be text"));
        if (g_utf8_strlen (json_node_get_string (value), -1) > max)
          return invalid (error, field->id, max > 500
                                            ? _("the text is longer than 20,000 characters")
                                            : _("the text is longer than 500 characters"));
        return TRUE;
      }

    case VIGIL_FIELD_TIME:
      {
        g_autoptr(GDateTime) when = NULL;

        if (!is_string (value) || !(when = vigil_time_from_iso (json_node_get_string (value))))
          return invalid (error, field->id, _("is not a date and time in ISO 8601 format"));
        return TRUE;
      }

    case VIGIL_FIELD_BOOL:
    case VIGIL_FIELD_SIGNATURE:
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN)
        return invalid (error, field->id, _("must be true or false"));
      return TRUE;

    case VIGIL_FIELD_SIZE:
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_INT64 ||
          json_node_get_int (value) < 0)
        return invalid (error, field->id, _("must be a whole number of bytes"));
      return TRUE;

    case VIGIL_FIELD_CHOICE:
      if (!is_string (value) || !vigil_process_is_valid_choice (field->choices,
                                                                json_node_get_string (value)))
        return invalid (error, field->id, _("the value is not one of the allowed choices"));
      return TRUE;

    case VIGIL_FIELD_CHOICES:
    case VIGIL_FIELD_LIST:
      {
        JsonArray *array;

        if (!JSON_NODE_HOLDS_ARRAY (value))
          return invalid (error, field->id, _("must be a list"));
        array = json_node_get_array (value);
        if (json_array_get_length (array) > 200)
          return invalid (error, field->id, _("the list has more than 200 entries"));
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            JsonNode *element = json_array_get_element (array, i);

            if (!is_string (element) || g_utf8_strlen (json_node_get_string (element), -1) > 500)
              return invalid (error, field->id, _("must be a list of short texts"));
            if (field->kind == VIGIL_FIELD_CHOICES &&
                !vigil_process_is_valid_choice (field->choices, json_node_get_string (element)))
              return invalid (error, field->id, _("the value is not one of the allowed choices"));
          }
        return TRUE;
      }

    case VIGIL_FIELD_SHA256:
      if (!is_string (value) || !is_hex (json_node_get_string (value), 64))
        return invalid (error, field->id, _("a SHA-256 is 64 hex digits"));
      return TRUE;

    case VIGIL_FIELD_INDICATOR:
      {
        const char *type = item ? json_object_get_string_member_with_default (item, "type", NULL)
                                : NULL;

        if (!is_string (value))
          return invalid (error, field->id, _("must be text"));
        if (type == NULL)
          return invalid (error, "type", _("choose the type of indicator"));
        return vigil_indicator_normalize (type, json_node_get_string (value), NULL, error);
      }

    default:
      g_assert_not_reached ();
    }
}

/* Completeness */

static gboolean
value_is_set (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return FALSE;
  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_array_get_length (json_node_get_array (node)) > 0;
  if (is_string (node))
    return *json_node_get_string (node) != '\0';
  return TRUE;
}

static void
check_item_fields (const VigilCollectionInfo *collection,
                   JsonObject                *item,
                   GHashTable                *missing_labels)
{
  for (guint f = 0; f < collection->n_fields; f++)
    {
      const VigilFieldInfo *field = &collection->fields[f];
      JsonNode *value = json_object_get_member (item, field->id);

      if (!(field->flags & VIGIL_FIELD_COMPLETES))
        continue;
      if (field->kind == VIGIL_FIELD_BOOL
          ? !(value_is_set (value) && json_node_get_boolean (value))
          : !value_is_set (value))
        g_hash_table_add (missing_labels, (gpointer) field);
    }
}

static void
list_missing_in_form (VigilIncident       *incident,
                      const VigilFormInfo *form,
                      GStrvBuilder        *missing)
{
  for (guint i = 0; i < form->n_fields; i++)
    {
      const VigilFieldInfo *field = &form->fields[i];

      if ((field->flags & VIGIL_FIELD_COMPLETES) &&
          !value_is_set (vigil_incident_get_form_value (incident, form->id, field->id)))
        g_strv_builder_add (missing, vigil_field_get_label (field));
    }

  for (guint c = 0; c < form->n_collections; c++)
    {
      const VigilCollectionInfo *collection = &form->collections[c];
      JsonArray *items = vigil_incident_get_items (incident, form->id, collection->id);
      guint n_items = items ? json_array_get_length (items) : 0;
      g_autoptr(GHashTable) incomplete = g_hash_table_new (NULL, NULL);

      if (collection->keys != VIGIL_N_CHOICE_LISTS)
        {
          /* A keyed checklist: every key must be there and complete. */
          guint n_keys;
          const VigilChoice *keys = vigil_process_get_choices (collection->keys, &n_keys);

          for (guint k = 0; k < n_keys; k++)
            {
              JsonObject *item = vigil_incident_find_item (incident, form->id, collection->id,
                                                           keys[k].id);
              g_autoptr(GHashTable) lacking = g_hash_table_new (NULL, NULL);

              if (item != NULL)
                check_item_fields (collection, item, lacking);
              if (item == NULL || g_hash_table_size (lacking) > 0)
                g_strv_builder_add (missing, vigil_choice_get_label (&keys[k]));
            }
          continue;
        }

      if (n_items < collection->min_complete)
        {
          g_autofree char *text =
            g_strdup_printf (_("%s: at least one entry"), vigil_collection_get_label (collection));

          g_strv_builder_add (missing, text);
        }

      for (guint i = 0; i < n_items; i++)
        {
          JsonObject *item = json_array_get_object_element (items, i);

          if (item != NULL)
            check_item_fields (collection, item, incomplete);
        }
      for (guint f = 0; f < collection->n_fields; f++)
        {
          if (g_hash_table_contains (incomplete, &collection->fields[f]))
            {
              g_autofree char *text =
                g_strdup_printf (_("%s: %s missing in some entries"),
                                 vigil_collection_get_label (collection),
                                 vigil_field_get_label (&collection->fields[f]));

              g_strv_builder_add (missing, text);
            }
        }
    }
}

char **
vigil_incident_list_missing (VigilIncident *incident,
                             guint          step)
{
  g_autoptr(GStrvBuilder) missing = g_strv_builder_new ();

  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), NULL);
  g_return_val_if_fail (step >= 1 && step <= VIGIL_N_STEPS, NULL);

  switch (step)
    {
    case VIGIL_STEP_IDENTIFY:
      if (vigil_incident_get_title (incident) == NULL)
        g_strv_builder_add (missing, _("Title"));
      if (vigil_incident_get_incident_type (incident) == NULL)
        g_strv_builder_add (missing, _("Incident type"));
      if (vigil_incident_get_detection_method (incident) == NULL)
        g_strv_builder_add (missing, _("How it was detected"));
      if (vigil_incident_get_detected_at (incident) == NULL)
        g_strv_builder_add (missing, _("Detected at"));
      if (vigil_incident_get_aware_at (incident) == NULL)
        g_strv_builder_add (missing, _("Aware since"));
      if (vigil_incident_get_reporter (incident) == NULL)
        g_strv_builder_add (missing, _("Reporter"));
      if (vigil_incident_get_affected_systems (incident)[0] == NULL)
        g_strv_builder_add (missing, _("Affected systems or services"));
      break;

    case 5:
      if (vigil_incident_get_severity (incident) == NULL)
        g_strv_builder_add (missing, _("Severity"));
      break;

    case VIGIL_STEP_APPROVAL:
      if (vigil_incident_get_approval_state (incident) != VIGIL_APPROVAL_APPROVED)
        g_strv_builder_add (missing, _("Approval by the incident response lead"));
      break;

    case VIGIL_STEP_ARCHIVE:
      if (!vigil_incident_is_archived (incident))
        g_strv_builder_add (missing, _("The incident is not archived yet"));
      break;

    default:
      break;
    }

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      if (forms[i].step == step)
        list_missing_in_form (incident, &forms[i], missing);
    }

  return g_strv_builder_end (missing);
}
