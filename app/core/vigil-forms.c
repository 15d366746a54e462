/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-forms"

#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "vigil-forms-private.h"
#include "vigil-notify.h"
#include "vigil-op.h"

/* The step forms of spec/process.md, as data: the operations validate
 * against this table, the reader checks documents against it, the pages are
 * drawn from it and completeness is computed from it. Step 1 is the
 * incident's own fields and step 8 the approval. The archive bundle of
 * step 15 and the DORA classification of step 5 have operations of their
 * own. */

/* Clocks of workstations drift; a time this far ahead still counts as now. */
#define CLOCK_SKEW_TOLERANCE (5 * G_TIME_SPAN_MINUTE)
#define MAX_TEXT_LENGTH 500
#define MAX_LONG_TEXT_LENGTH 20000
#define MAX_INDICATOR_LENGTH 2000
#define MAX_LIST_LENGTH 200

#define F(id, label, kind, flags) { id, label, VIGIL_FIELD_##kind, 0, flags, NULL, NULL }
#define FW(id, label, kind, flags, when) { id, label, VIGIL_FIELD_##kind, 0, flags, NULL, when }
#define C(id, label, list, flags) \
  { id, label, VIGIL_FIELD_CHOICE, VIGIL_CHOICES_##list, flags, NULL, NULL }
#define CS(id, label, list, flags) \
  { id, label, VIGIL_FIELD_CHOICES, VIGIL_CHOICES_##list, flags, NULL, NULL }
#define CSW(id, label, list, flags, when) \
  { id, label, VIGIL_FIELD_CHOICES, VIGIL_CHOICES_##list, flags, NULL, when }
#define R(id, label, ref, flags) { id, label, VIGIL_FIELD_REF, 0, flags, ref, NULL }

#define REQ VIGIL_FIELD_REQUIRED
#define DONE VIGIL_FIELD_COMPLETES
#define PAST VIGIL_FIELD_PAST
#define ONCE VIGIL_FIELD_SET_ONCE
#define YES VIGIL_FIELD_MUST_BE_TRUE
#define SYS VIGIL_FIELD_SYSTEM

#define COLLECTION(id, label, fields, min) \
  { id, label, fields, G_N_ELEMENTS (fields), VIGIL_N_CHOICE_LISTS, min, FALSE, NULL }
#define CHECKLIST(id, label, fields, keys) \
  { id, label, fields, G_N_ELEMENTS (fields), VIGIL_CHOICES_##keys, 0, FALSE, NULL }
#define RECORDS(id, label, fields) \
  { id, label, fields, G_N_ELEMENTS (fields), VIGIL_N_CHOICE_LISTS, 0, TRUE, NULL }
#define FINAL_ONCE(id, label, fields, min, frozen_by) \
  { id, label, fields, G_N_ELEMENTS (fields), VIGIL_N_CHOICE_LISTS, min, FALSE, frozen_by }

/* Step 2 */
static const VigilFieldInfo checklist_fields[] = {
  F ("done", N_("Done"), BOOL, DONE | YES),
  F ("by", N_("Done by"), TEXT, 0),
  F ("at", N_("Done at"), TIME, PAST),
  F ("notes", N_("Notes"), LONG_TEXT, 0),
};

/* An evidence item is a file (with its size and SHA-256, computed by the app
 * when the file is attached) or a reference to where it is kept. */
static const VigilFieldInfo evidence_fields[] = {
  F ("name", N_("Name"), TEXT, REQ),
  C ("kind", N_("Kind"), EVIDENCE_KIND, DONE),
  F ("location", N_("Location"), TEXT, DONE),
  F ("size", N_("Size"), SIZE, ONCE),
  F ("sha256", N_("SHA-256"), SHA256, ONCE),
  F ("collected_by", N_("Collected by"), TEXT, DONE),
  F ("collected_at", N_("Collected at"), TIME, PAST | DONE),
  F ("notes", N_("Notes"), LONG_TEXT, 0),
};

static const VigilCollectionInfo collect_collections[] = {
  CHECKLIST ("checklist", N_("Collection checklist"), checklist_fields, COLLECTION_ITEM),
  COLLECTION ("evidence", N_("Evidence"), evidence_fields, 1),
};

/* Custody and verification go on after approval: a form of its own, outside
 * the approved content, whose records are never changed. */
static const VigilFieldInfo handover_fields[] = {
  R ("evidence", N_("Evidence"), "collect.evidence", REQ),
  F ("from", N_("From"), TEXT, REQ),
  F ("to", N_("To"), TEXT, REQ),
  F ("at", N_("When"), TIME, REQ | PAST),
  F ("reason", N_("Why"), TEXT, 0),
};

/* Whether a verification matched is the comparison of its SHA-256 with the
 * evidence's, which never changes once recorded. */
static const VigilFieldInfo verification_fields[] = {
  R ("evidence", N_("Evidence"), "collect.evidence", REQ),
  F ("sha256", N_("SHA-256 found"), SHA256, REQ),
  F ("by", N_("Checked by"), TEXT, 0),
  F ("at", N_("Checked at"), TIME, REQ | PAST),
};

static const VigilCollectionInfo custody_collections[] = {
  RECORDS ("handovers", N_("Chain of custody"), handover_fields),
  RECORDS ("verifications", N_("Verifications"), verification_fields),
};

/* Step 3 */
static const VigilFieldInfo analyze_fields[] = {
  F ("notes", N_("Analysis notes"), LONG_TEXT, DONE),
  F ("anomalies", N_("Anomalies and trends"), LONG_TEXT, DONE),
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
  F ("value", N_("Value"), INDICATOR, REQ),
  F ("known", N_("Known to intelligence"), BOOL, 0),
  F ("source", N_("Matched in"), TEXT, 0),
  F ("notes", N_("Notes"), TEXT, 0),
};

static const VigilCollectionInfo correlate_collections[] = {
  COLLECTION ("indicators", N_("Indicators"), indicator_fields, 0),
};

/* Step 5 (the severity itself is a field of the incident) */
static const VigilFieldInfo severity_fields[] = {
  F ("technical_impact", N_("Technical impact"), LONG_TEXT, DONE),
  F ("business_impact", N_("Operational impact"), LONG_TEXT, DONE),
  F ("affected_services", N_("Affected services"), LIST, 0),
};

/* Step 6 */
static const VigilFieldInfo findings_fields[] = {
  F ("summary", N_("Summary"), LONG_TEXT, DONE),
  F ("involved_assets", N_("Involved assets"), LIST, DONE),
  F ("potential_impacts", N_("Potential impacts"), LONG_TEXT, DONE),
  F ("root_cause", N_("Root cause"), LONG_TEXT, 0),
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
  CSW ("to", N_("Escalated to"), ESCALATION_TARGET, DONE, "escalate"),
  FW ("reason", N_("Reason"), LONG_TEXT, DONE, "escalate"),
  FW ("at", N_("Escalated at"), TIME, PAST | DONE, "escalate"),
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
  C ("status", N_("Status"), ACTION_STATUS, DONE),
};

static const VigilCollectionInfo coordinate_collections[] = {
  COLLECTION ("actions", N_("Response actions"), response_action_fields, 1),
};

/* Step 10: notifications to stakeholders. A notification is a draft until
 * it is marked sent (with channel, time and recipients); from then on it is
 * kept exactly as sent, and a correction is a new notification. */
static const VigilFieldInfo notification_fields[] = {
  C ("audience", N_("Audience"), AUDIENCE, REQ),
  F ("template", N_("Template"), TEXT, 0),
  F ("subject", N_("Subject"), TEXT, REQ),
  F ("body", N_("Message"), LONG_TEXT, 0),
  F ("recipients", N_("Recipients"), LIST, 0),
  /* Promised in the text; a time ahead, so not PAST */
  F ("next_update", N_("Next update by"), TIME, 0),
  F ("contact", N_("Contact"), TEXT, 0),
  C ("channel", N_("Channel"), CHANNEL, 0),
  F ("sent_at", N_("Sent at"), TIME, PAST),
  F ("sent", N_("Sent"), SIGNATURE, DONE),
  /* Kept by the core: who wrote the text (a lead who did may not approve
   * it) and the lead's decision on the text as it was (its SHA-256). */
  F ("authors", N_("Written by"), LIST, SYS),
  F ("approval", N_("Lead’s decision"), TEXT, SYS),
  F ("approval_by", N_("Decided by"), TEXT, SYS),
  F ("approval_at", N_("Decided at"), TIME, SYS),
  F ("approval_comment", N_("Lead’s comment"), LONG_TEXT, SYS),
  F ("approval_sha256", N_("Text decided on"), SHA256, SYS),
};

static const VigilCollectionInfo notify_collections[] = {
  FINAL_ONCE ("notifications", N_("Notifications"), notification_fields, 1, "sent"),
};

/* Step 11 */
static const VigilFieldInfo remedial_action_fields[] = {
  F ("title", N_("Action"), TEXT, REQ),
  C ("kind", N_("Kind"), REMEDIAL_KIND, DONE),
  F ("owner", N_("Owner"), TEXT, DONE),
  F ("due", N_("Due"), TIME, DONE),
  C ("status", N_("Status"), ACTION_STATUS, DONE),
  F ("effective", N_("Effectiveness checked"), BOOL, DONE | YES),
};

static const VigilCollectionInfo remediate_collections[] = {
  COLLECTION ("actions", N_("Remedial actions"), remedial_action_fields, 1),
};

/* Step 12 */
static const VigilFieldInfo review_fields[] = {
  F ("date", N_("Review date"), TIME, PAST | DONE),
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

/* Step 13: each change of the plan may name the lesson of step 12 it
 * answers. */
static const VigilFieldInfo plan_change_fields[] = {
  F ("section", N_("Plan section"), TEXT, REQ),
  F ("change", N_("Change"), LONG_TEXT, REQ),
  F ("owner", N_("Owner"), TEXT, DONE),
  R ("lesson", N_("Lesson"), "review.lessons", 0),
};

static const VigilCollectionInfo update_plan_collections[] = {
  COLLECTION ("changes", N_("Plan changes"), plan_change_fields, 1),
};

/* Step 14 */
static const VigilFieldInfo finalize_fields[] = {
  F ("notes", N_("Final notes"), LONG_TEXT, 0),
  F ("sign_off", N_("Signed off"), SIGNATURE, DONE),
};

#define FORM(id, step, title, approved, fields, collections) \
  { id, step, title, approved, fields, G_N_ELEMENTS (fields), \
    collections, G_N_ELEMENTS (collections) }
#define FORM_FIELDS(id, step, title, approved, fields) \
  { id, step, title, approved, fields, G_N_ELEMENTS (fields), NULL, 0 }
#define FORM_ITEMS(id, step, title, approved, collections) \
  { id, step, title, approved, NULL, 0, collections, G_N_ELEMENTS (collections) }

/* The forms that are part of steps 1-7 carry the id of their step: the
 * snapshot a lead approves is made of them. */
static const VigilFormInfo forms[] = {
  FORM_ITEMS ("collect", 2, N_("Data collection and evidence"), TRUE, collect_collections),
  FORM_ITEMS ("custody", 2, N_("Chain of custody"), FALSE, custody_collections),
  FORM_FIELDS ("analyze", 3, N_("Analysis"), TRUE, analyze_fields),
  FORM ("correlate", 4, N_("Threat intelligence"), TRUE, correlate_fields, correlate_collections),
  FORM_FIELDS ("severity", 5, N_("Impact"), TRUE, severity_fields),
  FORM ("findings", 6, N_("Findings"), TRUE, findings_fields, findings_collections),
  FORM_FIELDS ("escalate", 7, N_("Escalation"), TRUE, escalate_fields),
  FORM ("coordinate", 9, N_("Response plan"), FALSE, coordinate_fields, coordinate_collections),
  FORM_ITEMS ("notify", 10, N_("Stakeholder notifications"), FALSE, notify_collections),
  FORM_ITEMS ("remediate", 11, N_("Remedial actions"), FALSE, remediate_collections),
  FORM ("review", 12, N_("Post-incident review"), FALSE, review_fields, review_collections),
  FORM_ITEMS ("update_plan", 13, N_("Response plan updates"), FALSE, update_plan_collections),
  FORM_FIELDS ("finalize", 14, N_("Sign-off"), FALSE, finalize_fields),
};

/* Looking up the table */

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

/* "form.collection" of a reference field */
static gboolean
resolve_ref (const char                 *ref,
             const VigilFormInfo       **form_out,
             const VigilCollectionInfo **collection_out)
{
  g_auto(GStrv) parts = g_strsplit (ref, ".", 2);
  const VigilFormInfo *form = vigil_forms_get (parts[0]);

  if (form == NULL || parts[1] == NULL)
    return FALSE;
  *form_out = form;
  *collection_out = vigil_form_get_collection (form, parts[1]);
  return *collection_out != NULL;
}

/* Reading */

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
array_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
find_item_in (JsonArray   *items,
              const char  *item_id,
              guint       *index)
{
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (item != NULL &&
          g_strcmp0 (json_object_get_string_member_with_default (item, "id", NULL),
                     item_id) == 0)
        {
          if (index != NULL)
            *index = i;
          return item;
        }
    }
  return NULL;
}

JsonNode *
vigil_incident_get_form_value (VigilIncident *incident,
                               const char    *form_id,
                               const char    *field_id)
{
  JsonObject *form;
  JsonNode *node;

  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), NULL);

  form = object_member (vigil_incident_get_forms (incident), form_id);
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
  return find_item_in (vigil_incident_get_items (incident, form_id, collection_id), item_id,
                       NULL);
}

/* Validation of values */

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
is_lower_hex (const char *text,
              gsize       length)
{
  if (strlen (text) != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (text[i]) && !(text[i] >= 'a' && text[i] <= 'f'))
        return FALSE;
    }
  return TRUE;
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
      /* No top-level domain is all digits: that is an IPv4 address. */
      if (i == n - 1 || (i == n - 2 && *labels[n - 1] == '\0'))
        {
          gboolean digits = TRUE;

          for (gsize j = 0; j < len; j++)
            digits &= g_ascii_isdigit (labels[i][j]);
          if (digits)
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

typedef struct {
  VigilIncident *incident;  /* for references; NULL leaves them unchecked */
  GDateTime     *now;       /* for times in the past and sign-offs */
  const char    *actor;     /* for sign-offs */
  VigilPolicyFlags policy;  /* the workspace's optional rules */
} Context;

static glong
max_length (const VigilFieldInfo *field)
{
  switch (field->kind)
    {
    case VIGIL_FIELD_LONG_TEXT:
      return MAX_LONG_TEXT_LENGTH;
    case VIGIL_FIELD_INDICATOR:
      return MAX_INDICATOR_LENGTH;
    default:
      return MAX_TEXT_LENGTH;
    }
}

static JsonNode *
new_string_node (const char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  return node;
}

static gboolean
ref_exists (VigilIncident  *incident,
            const char     *ref,
            const char     *item_id)
{
  const VigilFormInfo *form;
  const VigilCollectionInfo *collection;

  if (!resolve_ref (ref, &form, &collection))
    g_return_val_if_reached (FALSE);
  return vigil_incident_find_item (incident, form->id, collection->id, item_id) != NULL;
}

/* Validates a payload value and gives its normalised form for the document:
 * trimmed text, canonical times, lower-case hashes. *out is NULL when the
 * value unsets the field (null, empty text, empty list). */
static gboolean
normalize_value (const VigilFieldInfo  *field,
                 JsonNode              *value,
                 const Context         *ctx,
                 JsonNode             **out,
                 GError               **error)
{
  *out = NULL;

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return TRUE;

  switch (field->kind)
    {
    case VIGIL_FIELD_TEXT:
    case VIGIL_FIELD_LONG_TEXT:
    case VIGIL_FIELD_REF:
    case VIGIL_FIELD_INDICATOR:
    case VIGIL_FIELD_SHA256:
      {
        g_autofree char *text = NULL;

        if (!is_string (value))
          return invalid (error, field->id, _("must be text"));
        text = g_strstrip (g_strdup (json_node_get_string (value)));
        if (!g_utf8_validate (text, -1, NULL))
          return invalid (error, field->id, _("is not valid UTF-8 text"));
        if (*text == '\0')
          return TRUE;
        if (g_utf8_strlen (text, -1) > max_length (field))
          return invalid (error, field->id,
                          field->kind == VIGIL_FIELD_LONG_TEXT
                          ? _("the text is longer than 20,000 characters")
                          : field->kind == VIGIL_FIELD_INDICATOR
                          ? _("the text is longer than 2,000 characters")
                          : _("the text is longer than 500 characters"));
        if (field->kind != VIGIL_FIELD_LONG_TEXT && strpbrk (text, "\r\n") != NULL)
          return invalid (error, field->id, _("must be one line"));

        if (field->kind == VIGIL_FIELD_SHA256)
          {
            char *lower = g_ascii_strdown (text, -1);

            g_free (text);
            text = lower;
            if (!is_lower_hex (text, 64))
              return invalid (error, field->id, _("a SHA-256 is 64 hex digits"));
          }
        if (field->kind == VIGIL_FIELD_REF && ctx->incident != NULL &&
            !ref_exists (ctx->incident, field->ref, text))
          return invalid (error, field->id, _("there is no such entry to refer to"));

        *out = new_string_node (text);
        return TRUE;
      }

    case VIGIL_FIELD_TIME:
      {
        g_autoptr(GDateTime) when = NULL;
        g_autofree char *iso = NULL;

        if (!is_string (value) || !(when = vigil_time_from_iso (json_node_get_string (value))))
          return invalid (error, field->id, _("is not a date and time in ISO 8601 format"));
        if ((field->flags & VIGIL_FIELD_PAST) && ctx->now != NULL)
          {
            g_autoptr(GDateTime) limit = g_date_time_add (ctx->now, CLOCK_SKEW_TOLERANCE);

            if (g_date_time_compare (when, limit) > 0)
              return invalid (error, field->id, _("the time lies in the future"));
          }
        iso = vigil_time_to_iso (when);
        *out = new_string_node (iso);
        return TRUE;
      }

    case VIGIL_FIELD_BOOL:
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN)
        return invalid (error, field->id, _("must be true or false"));
      *out = json_node_copy (value);
      return TRUE;

    case VIGIL_FIELD_SIGNATURE:
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN)
        return invalid (error, field->id, _("must be true or false"));
      if (json_node_get_boolean (value))
        {
          JsonObject *signature = json_object_new ();
          g_autofree char *at = ctx->now ? vigil_time_to_iso (ctx->now) : NULL;

          json_object_set_string_member (signature, "by", ctx->actor ? ctx->actor : "");
          json_object_set_string_member (signature, "at", at ? at : "");
          *out = json_node_init_object (json_node_alloc (), signature);
          json_object_unref (signature);
        }
      return TRUE;

    case VIGIL_FIELD_SIZE:
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_INT64 ||
          json_node_get_int (value) < 0)
        return invalid (error, field->id, _("must be a whole number of bytes"));
      *out = json_node_copy (value);
      return TRUE;

    case VIGIL_FIELD_CHOICE:
      if (!is_string (value) || !vigil_process_is_valid_choice (field->choices,
                                                                json_node_get_string (value)))
        return invalid (error, field->id, _("the value is not one of the allowed choices"));
      *out = json_node_copy (value);
      return TRUE;

    case VIGIL_FIELD_CHOICES:
    case VIGIL_FIELD_LIST:
      {
        g_autoptr(JsonArray) list = json_array_new ();
        g_autoptr(GPtrArray) seen = g_ptr_array_new ();
        JsonArray *array;

        if (!JSON_NODE_HOLDS_ARRAY (value))
          return invalid (error, field->id, _("must be a list"));
        array = json_node_get_array (value);
        if (json_array_get_length (array) > MAX_LIST_LENGTH)
          return invalid (error, field->id, _("the list has more than 200 entries"));
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            JsonNode *element = json_array_get_element (array, i);
            g_autofree char *text = NULL;

            if (!is_string (element))
              return invalid (error, field->id, _("must be a list of short texts"));
            text = g_strstrip (g_strdup (json_node_get_string (element)));
            if (g_utf8_strlen (text, -1) > MAX_TEXT_LENGTH || strpbrk (text, "\r\n") != NULL)
              return invalid (error, field->id, _("must be a list of short texts"));
            if (field->kind == VIGIL_FIELD_CHOICES &&
                !vigil_process_is_valid_choice (field->choices, text))
              return invalid (error, field->id, _("the value is not one of the allowed choices"));
            if (*text == '\0')
              continue;
            /* A choice is chosen once; a list keeps what it was given. */
            if (field->kind == VIGIL_FIELD_CHOICES &&
                g_ptr_array_find_with_equal_func (seen, text, g_str_equal, NULL))
              continue;
            json_array_add_string_element (list, text);
            g_ptr_array_add (seen, (gpointer) json_array_get_string_element (
                                     list, json_array_get_length (list) - 1));
          }
        if (json_array_get_length (list) > 0)
          *out = json_node_init_array (json_node_alloc (), list);
        return TRUE;
      }

    default:
      g_assert_not_reached ();
    }
}

/* Checks that need the whole item: required fields, an indicator against its
 * type (which also normalises it). */
static gboolean
finish_item (const VigilCollectionInfo  *collection,
             JsonObject                 *item,
             GError                    **error)
{
  for (guint f = 0; f < collection->n_fields; f++)
    {
      const VigilFieldInfo *field = &collection->fields[f];
      JsonNode *value = json_object_get_member (item, field->id);

      if (value == NULL)
        {
          if (field->flags & VIGIL_FIELD_REQUIRED)
            return invalid (error, field->id, _("this field must be filled in"));
          continue;
        }

      if (field->kind == VIGIL_FIELD_INDICATOR)
        {
          const char *type = json_object_get_string_member_with_default (item, "type", NULL);
          g_autofree char *normalized = NULL;

          if (type == NULL)
            return invalid (error, "type", _("choose the type of indicator"));
          if (!vigil_indicator_normalize (type, json_node_get_string (value), &normalized,
                                          error))
            return FALSE;
          json_object_set_string_member (item, field->id, normalized);
        }
    }
  return TRUE;
}

gboolean
vigil_forms_check_value (const VigilFieldInfo  *field,
                         JsonNode              *value,
                         JsonObject            *item,
                         GError               **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(JsonNode) normalized = NULL;
  Context ctx = { NULL, now, NULL };

  g_return_val_if_fail (field != NULL, FALSE);

  if (!normalize_value (field, value, &ctx, &normalized, error))
    return FALSE;

  if (normalized == NULL)
    {
      if (field->flags & VIGIL_FIELD_REQUIRED)
        return invalid (error, field->id, _("this field must be filled in"));
      return TRUE;
    }

  if (field->kind == VIGIL_FIELD_INDICATOR)
    {
      const char *type = item ? json_object_get_string_member_with_default (item, "type", NULL)
                              : NULL;

      if (type == NULL)
        return invalid (error, "type", _("choose the type of indicator"));
      return vigil_indicator_normalize (type, json_node_get_string (normalized), NULL, error);
    }
  return TRUE;
}

/* Checking stored documents: types only, no normalising, errors in the
 * incident reader's domain with the path of the field. */

/* A macro so that the compiler checks each translated format. */
#define bad_document(error, code, path, format) \
  (g_set_error ((error), VIGIL_INCIDENT_ERROR, (code), (format), (path)), FALSE)

static gboolean
check_stored_value (const VigilFieldInfo  *field,
                    JsonNode              *value,
                    const char            *path,
                    GError               **error)
{
  int code = VIGIL_INCIDENT_ERROR_INVALID_FIELD;

  if (JSON_NODE_HOLDS_NULL (value))
    {
      if (field->flags & VIGIL_FIELD_REQUIRED)
        return bad_document (error, VIGIL_INCIDENT_ERROR_MISSING_FIELD, path,
                             _("The field “%s” must be filled in"));
      return TRUE;
    }

  switch (field->kind)
    {
    case VIGIL_FIELD_TEXT:
    case VIGIL_FIELD_LONG_TEXT:
    case VIGIL_FIELD_REF:
    case VIGIL_FIELD_INDICATOR:
      if (!is_string (value))
        return bad_document (error, code, path, _("The field “%s” must be a string"));
      return TRUE;

    case VIGIL_FIELD_TIME:
      {
        g_autoptr(GDateTime) when = NULL;

        if (!is_string (value) || !(when = vigil_time_from_iso (json_node_get_string (value))))
          return bad_document (error, code, path,
                               _("The field “%s” is not a date and time in ISO 8601 format"));
        return TRUE;
      }

    case VIGIL_FIELD_BOOL:
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN)
        return bad_document (error, code, path, _("The field “%s” must be true or false"));
      return TRUE;

    case VIGIL_FIELD_SIZE:
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_INT64 ||
          json_node_get_int (value) < 0)
        return bad_document (error, code, path,
                             _("The field “%s” must be a whole number of 0 or more"));
      return TRUE;

    case VIGIL_FIELD_CHOICE:
      if (!is_string (value) ||
          !vigil_process_is_valid_choice (field->choices, json_node_get_string (value)))
        return bad_document (error, code, path, _("The field “%s” has an unknown value"));
      return TRUE;

    case VIGIL_FIELD_CHOICES:
    case VIGIL_FIELD_LIST:
      {
        JsonArray *array;

        if (!JSON_NODE_HOLDS_ARRAY (value))
          return bad_document (error, code, path, _("The field “%s” must be a list of strings"));
        array = json_node_get_array (value);
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            JsonNode *element = json_array_get_element (array, i);

            if (!is_string (element))
              return bad_document (error, code, path,
                                   _("The field “%s” must be a list of strings"));
            if (field->kind == VIGIL_FIELD_CHOICES &&
                !vigil_process_is_valid_choice (field->choices, json_node_get_string (element)))
              return bad_document (error, code, path, _("The field “%s” has an unknown value"));
          }
        return TRUE;
      }

    case VIGIL_FIELD_SHA256:
      if (!is_string (value) || !is_lower_hex (json_node_get_string (value), 64))
        return bad_document (error, code, path,
                             _("The field “%s” must be 64 lower-case hex digits"));
      return TRUE;

    case VIGIL_FIELD_SIGNATURE:
      {
        JsonObject *signature;
        JsonNode *by, *at;
        g_autoptr(GDateTime) when = NULL;

        if (!JSON_NODE_HOLDS_OBJECT (value))
          return bad_document (error, code, path,
                               _("The field “%s” must be a sign-off with “by” and “at”"));
        signature = json_node_get_object (value);
        by = json_object_get_member (signature, "by");
        at = json_object_get_member (signature, "at");
        if (json_object_get_size (signature) != 2 || by == NULL || !is_string (by) ||
            at == NULL || !is_string (at) ||
            !(when = vigil_time_from_iso (json_node_get_string (at))))
          return bad_document (error, code, path,
                               _("The field “%s” must be a sign-off with “by” and “at”"));
        return TRUE;
      }

    default:
      g_assert_not_reached ();
    }
}

static gboolean
is_valid_item_id (const char *id)
{
  gsize len = strlen (id);

  if (len == 0 || len > VIGIL_FORMS_MAX_ITEM_ID)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isalnum (id[i]) && id[i] != '-' && id[i] != '_')
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_stored_items (const VigilCollectionInfo  *collection,
                    JsonNode                   *node,
                    const char                 *path,
                    GError                    **error)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *items;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return bad_document (error, VIGIL_INCIDENT_ERROR_INVALID_FIELD, path,
                         _("The field “%s” must be a list of entries"));
  items = json_node_get_array (node);
  if (json_array_get_length (items) > VIGIL_FORMS_MAX_ITEMS)
    return bad_document (error, VIGIL_INCIDENT_ERROR_INVALID_FIELD, path,
                         _("The field “%s” has more than 1,000 entries"));

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *element = json_array_get_element (items, i);
      g_autofree char *item_path = g_strdup_printf ("%s[%u]", path, i);
      g_autofree char *id_path = g_strconcat (item_path, ".id", NULL);
      g_autoptr(GList) members = NULL;
      JsonObject *item;
      JsonNode *id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return bad_document (error, VIGIL_INCIDENT_ERROR_INVALID_FIELD, item_path,
                             _("The field “%s” must be an object"));
      item = json_node_get_object (element);

      id = json_object_get_member (item, "id");
      if (id == NULL)
        return bad_document (error, VIGIL_INCIDENT_ERROR_MISSING_FIELD, id_path,
                             _("The field “%s” is missing"));
      if (!is_string (id) || !is_valid_item_id (json_node_get_string (id)))
        return bad_document (error, VIGIL_INCIDENT_ERROR_INVALID_FIELD, id_path,
                             _("The field “%s” must be 1 to 64 letters, digits, “-” or “_”"));
      if (collection->keys != VIGIL_N_CHOICE_LISTS &&
          !vigil_process_is_valid_choice (collection->keys, json_node_get_string (id)))
        return bad_document (error, VIGIL_INCIDENT_ERROR_INVALID_FIELD, id_path,
                             _("The field “%s” has an unknown value"));
      if (!g_hash_table_add (ids, (gpointer) json_node_get_string (id)))
        return bad_document (error, VIGIL_INCIDENT_ERROR_INVALID_FIELD, id_path,
                             _("The field “%s” is used by two entries"));

      members = json_object_get_members (item);
      for (const GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *field_path = g_strdup_printf ("%s.%s", item_path,
                                                         (const char *) l->data);

          if (!g_str_equal (l->data, "id") &&
              vigil_collection_get_field (collection, l->data) == NULL)
            return bad_document (error, VIGIL_INCIDENT_ERROR_UNKNOWN_FIELD, field_path,
                                 _("The field “%s” is not known"));
        }

      for (guint f = 0; f < collection->n_fields; f++)
        {
          const VigilFieldInfo *field = &collection->fields[f];
          JsonNode *value = json_object_get_member (item, field->id);
          g_autofree char *field_path = g_strdup_printf ("%s.%s", item_path, field->id);

          if (value == NULL && (field->flags & VIGIL_FIELD_REQUIRED))
            return bad_document (error, VIGIL_INCIDENT_ERROR_MISSING_FIELD, field_path,
                                 _("The field “%s” is missing"));
          if (value != NULL && !check_stored_value (field, value, field_path, error))
            return FALSE;
        }
    }
  return TRUE;
}

gboolean
vigil_forms_check_document (JsonObject  *document,
                            GError     **error)
{
  g_autoptr(GList) form_ids = NULL;

  g_return_val_if_fail (document != NULL, FALSE);

  form_ids = json_object_get_members (document);
  for (const GList *l = form_ids; l != NULL; l = l->next)
    {
      const VigilFormInfo *form = vigil_forms_get (l->data);
      g_autofree char *form_path = g_strdup_printf ("forms.%s", (const char *) l->data);
      JsonNode *node = json_object_get_member (document, l->data);
      g_autoptr(GList) members = NULL;

      if (form == NULL)
        return bad_document (error, VIGIL_INCIDENT_ERROR_UNKNOWN_FIELD, form_path,
                             _("The field “%s” is not known"));
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return bad_document (error, VIGIL_INCIDENT_ERROR_INVALID_FIELD, form_path,
                             _("The field “%s” must be an object"));

      members = json_object_get_members (json_node_get_object (node));
      for (const GList *m = members; m != NULL; m = m->next)
        {
          const VigilFieldInfo *field = vigil_form_get_field (form, m->data);
          const VigilCollectionInfo *collection = vigil_form_get_collection (form, m->data);
          JsonNode *value = json_object_get_member (json_node_get_object (node), m->data);
          g_autofree char *path = g_strdup_printf ("%s.%s", form_path, (const char *) m->data);

          if (field != NULL)
            {
              if (!check_stored_value (field, value, path, error))
                return FALSE;
            }
          else if (collection != NULL)
            {
              if (!check_stored_items (collection, value, path, error))
                return FALSE;
            }
          else
            return bad_document (error, VIGIL_INCIDENT_ERROR_UNKNOWN_FIELD, path,
                                 _("The field “%s” is not known"));
        }
    }
  return TRUE;
}

/* Operations on the forms */

static gboolean
nodes_equal (JsonNode *a,
             JsonNode *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return json_node_equal (a, b);
}

static void
add_change (JsonArray  *changes,
            const char *field,
            JsonNode   *old_value,
            JsonNode   *new_value)
{
  JsonObject *change = json_object_new ();

  json_object_set_string_member (change, "field", field);
  json_object_set_member (change, "old", old_value ? json_node_copy (old_value)
                                                   : json_node_new (JSON_NODE_NULL));
  json_object_set_member (change, "new", new_value ? json_node_copy (new_value)
                                                   : json_node_new (JSON_NODE_NULL));
  json_array_add_object_element (changes, change);
}

JsonNode *
vigil_json_node_deep_copy (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(JsonObject) copy = json_object_new ();
        g_autoptr(GList) members = json_object_get_members (object);

        for (const GList *l = members; l != NULL; l = l->next)
          json_object_set_member (copy, l->data,
                                  vigil_json_node_deep_copy (json_object_get_member (object,
                                                                                     l->data)));
        return json_node_init_object (json_node_alloc (), copy);
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        g_autoptr(JsonArray) copy = json_array_sized_new (json_array_get_length (array));

        for (guint i = 0; i < json_array_get_length (array); i++)
          json_array_add_element (copy,
                                  vigil_json_node_deep_copy (json_array_get_element (array, i)));
        return json_node_init_array (json_node_alloc (), copy);
      }

    default:
      return json_node_copy (node);
    }
}

static JsonObject *
deep_copy (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autoptr(JsonNode) copy = vigil_json_node_deep_copy (node);

  return json_object_ref (json_node_get_object (copy));
}

static JsonObject *
ensure_object (JsonObject *parent,
               const char *name)
{
  JsonObject *object = object_member (parent, name);

  if (object == NULL)
    {
      object = json_object_new ();
      json_object_set_object_member (parent, name, object);
    }
  return object;
}

static JsonArray *
ensure_array (JsonObject *parent,
              const char *name)
{
  JsonArray *array = array_member (parent, name);

  if (array == NULL)
    {
      array = json_array_new ();
      json_object_set_array_member (parent, name, array);
    }
  return array;
}

static gboolean
check_payload_members (JsonObject         *payload,
                       const char * const *known,
                       GError            **error)
{
  g_autoptr(GList) members = json_object_get_members (payload);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (known, l->data))
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID,
                       _("%s: this field is not known"), (const char *) l->data);
          return FALSE;
        }
    }
  return TRUE;
}

static const char *
payload_string (JsonObject  *payload,
                const char  *name,
                GError     **error)
{
  JsonNode *node = json_object_get_member (payload, name);

  if (node == NULL || !is_string (node) || *json_node_get_string (node) == '\0')
    {
      invalid (error, name, _("must be given as text"));
      return NULL;
    }
  return json_node_get_string (node);
}

static JsonObject *
payload_object (JsonObject  *payload,
                const char  *name,
                GError     **error)
{
  JsonNode *node = json_object_get_member (payload, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, name, _("must be an object"));
      return NULL;
    }
  return json_node_get_object (node);
}

/* The form of an operation, if the incident's state lets it change. */
static const VigilFormInfo *
open_form (VigilIncident  *incident,
           JsonObject     *payload,
           GError        **error)
{
  VigilApprovalState state = vigil_incident_get_approval_state (incident);
  const char *form_id = payload_string (payload, "form", error);
  const VigilFormInfo *form;

  if (form_id == NULL)
    return NULL;
  form = vigil_forms_get (form_id);
  if (form == NULL)
    {
      invalid (error, "form", _("there is no such form"));
      return NULL;
    }

  /* The same rule as for the fields of step 1 in incident.update. */
  if (form->approved_content &&
      (state == VIGIL_APPROVAL_PENDING || state == VIGIL_APPROVAL_APPROVED))
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_READ_ONLY,
                   state == VIGIL_APPROVAL_PENDING
                   ? _("%s: steps 1 to 7 are waiting for the lead’s decision and cannot be "
                       "changed; withdraw the submission first")
                   : _("%s: steps 1 to 7 were approved and are frozen"),
                   form->id);
      return NULL;
    }

  if (form->step >= VIGIL_STEP_COORDINATE && state != VIGIL_APPROVAL_APPROVED)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_GATE,
                   _("“%s” opens once the incident response lead has approved steps 1 to 7"),
                   vigil_step_get_name (vigil_process_get_step (form->step)));
      return NULL;
    }

  return form;
}

static const VigilCollectionInfo *
open_collection (const VigilFormInfo  *form,
                 JsonObject           *payload,
                 GError              **error)
{
  const char *collection_id = payload_string (payload, "collection", error);
  const VigilCollectionInfo *collection;

  if (collection_id == NULL)
    return NULL;
  collection = vigil_form_get_collection (form, collection_id);
  if (collection == NULL)
    invalid (error, "collection", _("the form has no such list"));
  return collection;
}

/* Sets one field of @object (a form or an item) from a payload value. */
static gboolean
update_field (const VigilFieldInfo  *field,
              JsonObject            *object,
              JsonNode              *value,
              const Context         *ctx,
              const char            *change_prefix,
              JsonArray             *changes,
              GError               **error)
{
  g_autoptr(JsonNode) normalized = NULL;
  g_autofree char *change_field = NULL;
  JsonNode *old = json_object_get_member (object, field->id);

  if (field->flags & VIGIL_FIELD_SYSTEM)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_READ_ONLY,
                   _("%s: Vigil keeps this itself; it cannot be set by hand"), field->id);
      return FALSE;
    }

  if (!normalize_value (field, value, ctx, &normalized, error))
    return FALSE;

  /* Signing again keeps the first signature. */
  if (field->kind == VIGIL_FIELD_SIGNATURE && old != NULL && normalized != NULL)
    return TRUE;

  if (nodes_equal (old, normalized))
    return TRUE;

  if ((field->flags & VIGIL_FIELD_SET_ONCE) && old != NULL)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_READ_ONLY,
                   _("%s: this is integrity data; once recorded it cannot be changed"),
                   field->id);
      return FALSE;
    }

  change_field = g_strconcat (change_prefix, ".", field->id, NULL);
  add_change (changes, change_field, old, normalized);
  if (normalized != NULL)
    json_object_set_member (object, field->id, g_steal_pointer (&normalized));
  else
    json_object_remove_member (object, field->id);
  return TRUE;
}

static gboolean
apply_form_update (VigilOp             *op,
                   const VigilFormInfo *form,
                   JsonObject          *all,
                   const Context       *ctx,
                   JsonArray           *changes,
                   GError             **error)
{
  static const char * const known[] = { "form", "fields", NULL };
  JsonObject *payload = vigil_op_get_payload (op);
  JsonObject *fields, *object;
  g_autoptr(GList) members = NULL;

  if (!check_payload_members (payload, known, error) ||
      !(fields = payload_object (payload, "fields", error)))
    return FALSE;

  members = json_object_get_members (fields);
  if (members == NULL)
    return invalid (error, "fields", _("the update changes no field"));

  object = ensure_object (all, form->id);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const VigilFieldInfo *field = vigil_form_get_field (form, l->data);

      if (field == NULL)
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID,
                       vigil_form_get_collection (form, l->data) != NULL
                       ? _("%s: this is a list; change it with item.add, item.update and "
                           "item.remove")
                       : _("%s: this field is not known"),
                       (const char *) l->data);
          return FALSE;
        }
      if (!update_field (field, object, json_object_get_member (fields, l->data), ctx,
                         form->id, changes, error))
        return FALSE;
    }
  return TRUE;
}

static const char *
item_id_of (JsonObject  *payload,
            GError     **error)
{
  const char *id = payload_string (payload, "id", error);

  if (id != NULL && !is_valid_item_id (id))
    {
      invalid (error, "id", _("an entry id is 1 to 64 letters, digits, “-” or “_”"));
      return NULL;
    }
  return id;
}

/* A notification's text changed or it is being sent: who wrote it is
 * remembered, a decision on another text no longer holds, and a text for
 * an external audience goes out only as the lead approved it. @before is
 * NULL for a new notification. */
static const char * const decision_fields[] = {
  "approval", "approval_by", "approval_at", "approval_comment", "approval_sha256"
};

static gboolean
check_notification_written (const VigilCollectionInfo  *collection,
                            JsonObject                 *before,
                            JsonObject                 *item,
                            const Context              *ctx,
                            GError                    **error)
{
  g_autofree char *hash = NULL;
  g_autofree char *hash_before = NULL;
  g_autoptr(GError) gaps_error = NULL;
  JsonNode *sent_before, *sent;

  if (collection->frozen_by == NULL || !g_str_equal (collection->id, "notifications"))
    return TRUE;

  hash = vigil_notification_dup_text_hash (item);
  if (before != NULL)
    hash_before = vigil_notification_dup_text_hash (before);

  if (g_strcmp0 (hash, hash_before) != 0)
    {
      JsonNode *authors = json_object_get_member (item, "authors");
      JsonArray *list;
      gboolean known = FALSE;

      if (authors == NULL || !JSON_NODE_HOLDS_ARRAY (authors))
        {
          json_object_set_array_member (item, "authors", json_array_new ());
          authors = json_object_get_member (item, "authors");
        }
      list = json_node_get_array (authors);
      for (guint i = 0; i < json_array_get_length (list); i++)
        known |= g_strcmp0 (json_array_get_string_element (list, i), ctx->actor) == 0;
      if (!known && ctx->actor != NULL)
        json_array_add_string_element (list, ctx->actor);

      if (g_strcmp0 (json_object_get_string_member_with_default (item, "approval_sha256", NULL),
                     hash) != 0)
        for (guint i = 0; i < G_N_ELEMENTS (decision_fields); i++)
          if (json_object_has_member (item, decision_fields[i]))
            json_object_remove_member (item, decision_fields[i]);
    }

  sent_before = before ? json_object_get_member (before, "sent") : NULL;
  sent = json_object_get_member (item, "sent");
  if (sent_before != NULL && !JSON_NODE_HOLDS_NULL (sent_before))
    return TRUE;
  if (sent == NULL || JSON_NODE_HOLDS_NULL (sent))
    return TRUE;

  /* What goes out is the facts, never "[to fill in: impact]". */
  if (!vigil_notify_check_gaps (json_object_get_string_member_with_default (item, "subject", NULL),
                                json_object_get_string_member_with_default (item, "body", NULL),
                                &gaps_error))
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID, "sent: %s",
                   gaps_error->message);
      return FALSE;
    }

  if ((ctx->policy & VIGIL_POLICY_EXTERNAL_NOTIFICATIONS_NEED_APPROVAL) &&
      vigil_notification_audience_is_external (
        json_object_get_string_member_with_default (item, "audience", NULL)) &&
      !(g_strcmp0 (json_object_get_string_member_with_default (item, "approval", NULL),
                   "approved") == 0 &&
        g_strcmp0 (json_object_get_string_member_with_default (item, "approval_sha256", NULL),
                   hash) == 0))
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_GATE,
                   _("sent: a notification to clients or the regulator is sent only once an "
                     "incident response lead has approved exactly this subject, message and "
                     "recipients; ask a lead to approve it"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
apply_item_add (VigilOp                   *op,
                const VigilFormInfo       *form,
                const VigilCollectionInfo *collection,
                JsonObject                *all,
                const Context             *ctx,
                JsonArray                 *changes,
                GError                   **error)
{
  static const char * const known[] = { "form", "collection", "item", NULL };
  JsonObject *payload = vigil_op_get_payload (op);
  g_autoptr(JsonObject) item = json_object_new ();
  g_autoptr(JsonArray) scratch = json_array_new ();
  g_autoptr(GList) members = NULL;
  g_autoptr(JsonNode) item_node = NULL;
  g_autofree char *change_field = NULL;
  JsonObject *given;
  JsonArray *items;
  const char *id;

  if (!check_payload_members (payload, known, error) ||
      !(given = payload_object (payload, "item", error)) ||
      !(id = item_id_of (given, error)))
    return FALSE;

  if (collection->keys != VIGIL_N_CHOICE_LISTS &&
      !vigil_process_is_valid_choice (collection->keys, id))
    return invalid (error, "id", _("this list has a fixed set of entries and this is not one"));

  items = ensure_array (ensure_object (all, form->id), collection->id);
  if (find_item_in (items, id, NULL) != NULL)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_EXISTS,
                   _("id: the list has an entry with this id already"));
      return FALSE;
    }
  if (json_array_get_length (items) >= VIGIL_FORMS_MAX_ITEMS)
    return invalid (error, collection->id, _("the list has 1,000 entries, the most it can hold"));

  json_object_set_string_member (item, "id", id);
  members = json_object_get_members (given);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const VigilFieldInfo *field = vigil_collection_get_field (collection, l->data);

      if (g_str_equal (l->data, "id"))
        continue;
      if (field == NULL)
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID,
                       _("%s: this field is not known"), (const char *) l->data);
          return FALSE;
        }
      /* The new entry is recorded as one change, not field by field. */
      if (!update_field (field, item, json_object_get_member (given, l->data), ctx, "",
                         scratch, error))
        return FALSE;
    }
  if (!finish_item (collection, item, error) ||
      !check_notification_written (collection, NULL, item, ctx, error))
    return FALSE;

  item_node = json_node_init_object (json_node_alloc (), item);
  change_field = g_strjoin (".", form->id, collection->id, id, NULL);
  add_change (changes, change_field, NULL, item_node);
  json_array_add_element (items, g_steal_pointer (&item_node));
  return TRUE;
}

/* A sent notification stays as it was sent. */
static gboolean
check_not_frozen (const VigilCollectionInfo  *collection,
                  JsonObject                 *item,
                  GError                    **error)
{
  JsonNode *mark;

  if (collection->frozen_by == NULL)
    return TRUE;
  mark = json_object_get_member (item, collection->frozen_by);
  if (mark == NULL || JSON_NODE_HOLDS_NULL (mark))
    return TRUE;

  g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_READ_ONLY,
               _("%s: this entry was sent and is kept as it was sent; add a new one to "
                 "correct it"), collection->frozen_by);
  return FALSE;
}

static gboolean
apply_item_update (VigilOp                   *op,
                   const VigilFormInfo       *form,
                   const VigilCollectionInfo *collection,
                   JsonObject                *all,
                   const Context             *ctx,
                   JsonArray                 *changes,
                   GError                   **error)
{
  static const char * const known[] = { "form", "collection", "id", "fields", NULL };
  JsonObject *payload = vigil_op_get_payload (op);
  g_autoptr(GList) members = NULL;
  g_autofree char *prefix = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) before_copy = NULL;
  g_autoptr(JsonArray) scratch = json_array_new ();
  JsonObject *fields, *item;
  JsonArray *items;
  const char *id;

  if (!check_payload_members (payload, known, error) ||
      !(id = item_id_of (payload, error)) ||
      !(fields = payload_object (payload, "fields", error)))
    return FALSE;

  if (collection->append_only)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_READ_ONLY,
                   _("%s: these records are never changed; add a new one instead"),
                   collection->id);
      return FALSE;
    }

  members = json_object_get_members (fields);
  if (members == NULL)
    return invalid (error, "fields", _("the update changes no field"));

  items = ensure_array (ensure_object (all, form->id), collection->id);
  item = find_item_in (items, id, NULL);
  if (item != NULL && !check_not_frozen (collection, item, error))
    return FALSE;
  if (item == NULL)
    {
      /* A checklist has its entries from the start: the first tick makes it. */
      if (collection->keys == VIGIL_N_CHOICE_LISTS ||
          !vigil_process_is_valid_choice (collection->keys, id))
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_NOT_FOUND,
                       _("id: the list has no entry with this id"));
          return FALSE;
        }
      item = json_object_new ();
      json_object_set_string_member (item, "id", id);
      json_array_add_object_element (items, item);
    }

  before = json_node_init_object (json_node_alloc (), item);
  before_copy = vigil_json_node_deep_copy (before);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const VigilFieldInfo *field = vigil_collection_get_field (collection, l->data);

      if (field == NULL)
        {
          g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID,
                       _("%s: this field is not known"), (const char *) l->data);
          return FALSE;
        }
      if (!update_field (field, item, json_object_get_member (fields, l->data), ctx, "",
                         scratch, error))
        return FALSE;
    }
  if (!finish_item (collection, item, error) ||
      !check_notification_written (collection, json_node_get_object (before_copy), item, ctx,
                                   error))
    return FALSE;

  /* What changed, once the item is whole (an indicator is normalised only
   * then). */
  prefix = g_strjoin (".", form->id, collection->id, id, NULL);
  for (guint f = 0; f < collection->n_fields; f++)
    {
      const char *field_id = collection->fields[f].id;
      JsonNode *old = json_object_get_member (json_node_get_object (before_copy), field_id);
      JsonNode *new = json_object_get_member (item, field_id);

      if (!nodes_equal (old, new))
        {
          g_autofree char *change_field = g_strconcat (prefix, ".", field_id, NULL);

          add_change (changes, change_field, old, new);
        }
    }
  return TRUE;
}

/* Who refers to an item: the label of the list, or NULL. */
static const VigilCollectionInfo *
find_referrer (JsonObject  *all,
               const char  *ref,
               const char  *item_id)
{
  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      for (guint c = 0; c < forms[i].n_collections; c++)
        {
          const VigilCollectionInfo *collection = &forms[i].collections[c];
          JsonArray *items = array_member (object_member (all, forms[i].id), collection->id);

          for (guint f = 0; f < collection->n_fields; f++)
            {
              const VigilFieldInfo *field = &collection->fields[f];

              if (field->kind != VIGIL_FIELD_REF || g_strcmp0 (field->ref, ref) != 0)
                continue;
              for (guint k = 0; items != NULL && k < json_array_get_length (items); k++)
                {
                  JsonObject *item = json_array_get_object_element (items, k);

                  if (g_strcmp0 (json_object_get_string_member_with_default (item, field->id,
                                                                             NULL),
                                 item_id) == 0)
                    return collection;
                }
            }
        }
    }
  return NULL;
}

static gboolean
apply_item_remove (VigilOp                   *op,
                   const VigilFormInfo       *form,
                   const VigilCollectionInfo *collection,
                   JsonObject                *all,
                   JsonArray                 *changes,
                   GError                   **error)
{
  static const char * const known[] = { "form", "collection", "id", NULL };
  JsonObject *payload = vigil_op_get_payload (op);
  g_autofree char *ref = NULL;
  g_autofree char *change_field = NULL;
  g_autoptr(JsonNode) old = NULL;
  const VigilCollectionInfo *referrer;
  JsonArray *items;
  JsonObject *item;
  const char *id;
  guint index;

  if (!check_payload_members (payload, known, error) || !(id = item_id_of (payload, error)))
    return FALSE;

  if (collection->append_only)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_READ_ONLY,
                   _("%s: these records are never removed"), collection->id);
      return FALSE;
    }

  items = array_member (object_member (all, form->id), collection->id);
  item = find_item_in (items, id, &index);
  if (item == NULL)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_NOT_FOUND,
                   _("id: the list has no entry with this id"));
      return FALSE;
    }
  if (!check_not_frozen (collection, item, error))
    return FALSE;

  ref = g_strconcat (form->id, ".", collection->id, NULL);
  referrer = find_referrer (all, ref, id);
  if (referrer != NULL)
    {
      g_set_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID,
                   _("id: entries of “%s” refer to this one, so it stays"),
                   vigil_collection_get_label (referrer));
      return FALSE;
    }

  old = json_node_init_object (json_node_alloc (), item);
  change_field = g_strjoin (".", form->id, collection->id, id, NULL);
  add_change (changes, change_field, old, NULL);
  json_array_remove_element (items, index);
  return TRUE;
}

gboolean
vigil_forms_apply_op (VigilOp           *op,
                      VigilIncident     *result,
                      VigilPolicyFlags   policy,
                      JsonArray         *changes,
                      GError           **error)
{
  JsonObject *payload = vigil_op_get_payload (op);
  g_autoptr(JsonObject) all = NULL;
  g_autoptr(JsonArray) new_changes = json_array_new ();
  const VigilFormInfo *form;
  const VigilCollectionInfo *collection = NULL;
  VigilOpKind kind = vigil_op_get_kind (op);
  Context ctx = { NULL, vigil_op_get_at (op), vigil_op_get_actor (op), policy };
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_OP (op), FALSE);
  g_return_val_if_fail (VIGIL_IS_INCIDENT (result), FALSE);

  if (!(form = open_form (result, payload, error)))
    return FALSE;
  if (kind != VIGIL_OP_FORM_UPDATE && !(collection = open_collection (form, payload, error)))
    return FALSE;

  /* Work on a copy: a refusal half-way leaves @result as it was. */
  all = deep_copy (vigil_incident_get_forms (result));
  ctx.incident = result;

  switch (kind)
    {
    case VIGIL_OP_FORM_UPDATE:
      ok = apply_form_update (op, form, all, &ctx, new_changes, error);
      break;
    case VIGIL_OP_ITEM_ADD:
      ok = apply_item_add (op, form, collection, all, &ctx, new_changes, error);
      break;
    case VIGIL_OP_ITEM_UPDATE:
      ok = apply_item_update (op, form, collection, all, &ctx, new_changes, error);
      break;
    case VIGIL_OP_ITEM_REMOVE:
      ok = apply_item_remove (op, form, collection, all, new_changes, error);
      break;
    default:
      g_return_val_if_reached (FALSE);
    }
  if (!ok)
    return FALSE;

  /* Drop what emptied out so that documents stay small and equal. */
  {
    JsonObject *object = object_member (all, form->id);

    if (collection != NULL)
      {
        JsonArray *items = array_member (object, collection->id);

        if (items != NULL && json_array_get_length (items) == 0)
          json_object_remove_member (object, collection->id);
      }
    if (object != NULL && json_object_get_size (object) == 0)
      json_object_remove_member (all, form->id);
  }

  vigil_incident_set_forms (result, all);
  for (guint i = 0; i < json_array_get_length (new_changes); i++)
    json_array_add_element (changes, json_array_dup_element (new_changes, i));
  return TRUE;
}

void
vigil_forms_record_notification_decision (VigilOp        *op,
                                          VigilIncident  *result,
                                          const char     *item_id,
                                          gboolean        approve,
                                          const char     *comment,
                                          const char     *sha256,
                                          JsonArray      *changes)
{
  g_autoptr(JsonObject) all = deep_copy (vigil_incident_get_forms (result));
  g_autoptr(JsonNode) item_node = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autofree char *prefix = g_strconcat ("notify.notifications.", item_id, NULL);
  g_autofree char *at = vigil_time_to_iso (vigil_op_get_at (op));
  const VigilCollectionInfo *collection =
    vigil_form_get_collection (vigil_forms_get ("notify"), "notifications");
  JsonObject *item;

  item = find_item_in (array_member (object_member (all, "notify"), "notifications"), item_id,
                       NULL);
  g_return_if_fail (item != NULL);

  item_node = json_node_init_object (json_node_alloc (), item);
  before = vigil_json_node_deep_copy (item_node);
  json_object_set_string_member (item, "approval", approve ? "approved" : "rejected");
  json_object_set_string_member (item, "approval_by", vigil_op_get_actor (op));
  json_object_set_string_member (item, "approval_at", at);
  if (comment != NULL)
    json_object_set_string_member (item, "approval_comment", comment);
  else if (json_object_has_member (item, "approval_comment"))
    json_object_remove_member (item, "approval_comment");
  json_object_set_string_member (item, "approval_sha256", sha256);

  for (guint f = 0; f < collection->n_fields; f++)
    {
      const char *field_id = collection->fields[f].id;
      JsonNode *old = json_object_get_member (json_node_get_object (before), field_id);
      JsonNode *new = json_object_get_member (item, field_id);

      if (!nodes_equal (old, new))
        {
          g_autofree char *change_field = g_strconcat (prefix, ".", field_id, NULL);

          add_change (changes, change_field, old, new);
        }
    }
  vigil_incident_set_forms (result, all);
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

/* Whether @field of @object (a form or an item) keeps the step from being
 * complete. */
static gboolean
field_lacking (const VigilFieldInfo *field,
               const VigilFieldInfo *siblings,
               guint                 n_siblings,
               JsonObject           *object)
{
  JsonNode *value = object ? json_object_get_member (object, field->id) : NULL;

  if (!(field->flags & VIGIL_FIELD_COMPLETES))
    return FALSE;

  if (field->when != NULL)
    {
      JsonNode *condition = object ? json_object_get_member (object, field->when) : NULL;

      g_assert (find_field (siblings, n_siblings, field->when) != NULL);
      if (condition == NULL || !JSON_NODE_HOLDS_VALUE (condition) ||
          json_node_get_value_type (condition) != G_TYPE_BOOLEAN ||
          !json_node_get_boolean (condition))
        return FALSE;
    }

  if (!value_is_set (value))
    return TRUE;
  if (field->flags & VIGIL_FIELD_MUST_BE_TRUE)
    return !(JSON_NODE_HOLDS_VALUE (value) &&
             json_node_get_value_type (value) == G_TYPE_BOOLEAN &&
             json_node_get_boolean (value));
  return FALSE;
}

static void
add_sentence (GStrvBuilder *missing,
              char         *sentence)
{
  g_strv_builder_add (missing, sentence);
  g_free (sentence);
}

static void
list_missing_in_form (VigilIncident       *incident,
                      const VigilFormInfo *form,
                      GStrvBuilder        *missing)
{
  JsonObject *object = object_member (vigil_incident_get_forms (incident), form->id);

  for (guint i = 0; i < form->n_fields; i++)
    {
      if (field_lacking (&form->fields[i], form->fields, form->n_fields, object))
        add_sentence (missing, g_strdup_printf (_("Fill in “%s”."),
                                                vigil_field_get_label (&form->fields[i])));
    }

  for (guint c = 0; c < form->n_collections; c++)
    {
      const VigilCollectionInfo *collection = &form->collections[c];
      JsonArray *items = array_member (object, collection->id);
      guint n_items = items ? json_array_get_length (items) : 0;

      if (collection->keys != VIGIL_N_CHOICE_LISTS)
        {
          /* A checklist: every entry there and complete. */
          guint n_keys;
          const VigilChoice *keys = vigil_process_get_choices (collection->keys, &n_keys);

          for (guint k = 0; k < n_keys; k++)
            {
              JsonObject *item = find_item_in (items, keys[k].id, NULL);
              gboolean lacking = item == NULL;

              for (guint f = 0; !lacking && f < collection->n_fields; f++)
                lacking = field_lacking (&collection->fields[f], collection->fields,
                                         collection->n_fields, item);
              if (lacking)
                add_sentence (missing, g_strdup_printf (_("Check off “%s”."),
                                                        vigil_choice_get_label (&keys[k])));
            }
          continue;
        }

      if (n_items < collection->min_complete)
        add_sentence (missing, g_strdup_printf (_("Add at least one entry to “%s”."),
                                                vigil_collection_get_label (collection)));

      for (guint f = 0; f < collection->n_fields; f++)
        {
          for (guint i = 0; i < n_items; i++)
            {
              JsonObject *item = json_array_get_object_element (items, i);

              if (field_lacking (&collection->fields[f], collection->fields,
                                 collection->n_fields, item))
                {
                  add_sentence (missing,
                                g_strdup_printf (_("Fill in “%s” in every entry of “%s”."),
                                                 vigil_field_get_label (&collection->fields[f]),
                                                 vigil_collection_get_label (collection)));
                  break;
                }
            }
        }
    }
}

/* Step 1 lives in the incident's own fields. */
static void
list_missing_identify (VigilIncident *incident,
                       GStrvBuilder  *missing)
{
  const struct {
    const char *label;
    gboolean    set;
  } fields[] = {
    { N_("Title"), vigil_incident_get_title (incident) != NULL },
    { N_("Incident type"), vigil_incident_get_incident_type (incident) != NULL },
    { N_("Description"), vigil_incident_get_description (incident) != NULL },
    { N_("How it was detected"), vigil_incident_get_detection_method (incident) != NULL },
    { N_("Detected at"), vigil_incident_get_detected_at (incident) != NULL },
    { N_("Aware since"), vigil_incident_get_aware_at (incident) != NULL },
    { N_("Reporter"), vigil_incident_get_reporter (incident) != NULL },
    { N_("Affected systems or services"),
      vigil_incident_get_affected_systems (incident) != NULL &&
      vigil_incident_get_affected_systems (incident)[0] != NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      if (!fields[i].set)
        add_sentence (missing, g_strdup_printf (_("Fill in “%s”."),
                                                g_dgettext (GETTEXT_PACKAGE, fields[i].label)));
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
      list_missing_identify (incident, missing);
      break;

    case 5:
      if (vigil_incident_get_severity (incident) == NULL)
        add_sentence (missing, g_strdup_printf (_("Fill in “%s”."), _("Severity")));
      break;

    case VIGIL_STEP_APPROVAL:
      switch (vigil_incident_get_approval_state (incident))
        {
        case VIGIL_APPROVAL_APPROVED:
          break;
        case VIGIL_APPROVAL_PENDING:
          g_strv_builder_add (missing, _("Steps 1 to 7 wait for the decision of the incident "
                                         "response lead."));
          break;
        default:
          g_strv_builder_add (missing, _("Submit steps 1 to 7 for approval by the incident "
                                         "response lead."));
          break;
        }
      break;

    case VIGIL_STEP_FINALIZE:
      /* Finalising checks every step before it. */
      for (guint earlier = 1; earlier < VIGIL_STEP_FINALIZE; earlier++)
        {
          g_auto(GStrv) lacking = vigil_incident_list_missing (incident, earlier);

          if (lacking[0] != NULL)
            add_sentence (missing,
                          g_strdup_printf (_("Step %u, “%s”, is not complete."), earlier,
                                           vigil_step_get_name (vigil_process_get_step (earlier))));
        }
      break;

    case VIGIL_STEP_ARCHIVE:
      if (!vigil_incident_is_archived (incident))
        g_strv_builder_add (missing, _("The incident is not archived yet."));
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
