/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include <vigil/vigil.h>

#define INCIDENT_ID "5b0c3c1e-7a43-4c52-9d61-0f6a3a1c2b7e"
#define OP_ID       "0b5d8f7e-1c2a-4b3c-9d4e-5f6a7b8c9d0e"

/* Every operation of these tests happens on 1 March 2025; T0 is 10:00 UTC. */
#define T0 "2025-03-01T10:00:00Z"

#define ANALYST "alice"
#define LEAD    "bob"

/* helpers */

/* Documents in the tables below use ' for " to stay readable. */
static char *
squote_to_json (const char *text)
{
  return g_strdelimit (g_strdup (text), "'", '"');
}

static JsonObject *
parse_payload (const char *squoted)
{
  g_autofree char *text = squote_to_json (squoted);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));

  return json_object_ref (json_node_get_object (node));
}

/* An operation with a chosen time, through the JSON reader. */
static VigilOp *
make_op_full (const char *kind,
              const char *incident_id,
              const char *actor,
              gint64      base_rev,
              const char *at,
              JsonObject *payload)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  VigilOp *op;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "incident");
  json_builder_add_string_value (builder, incident_id);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind);
  json_builder_set_member_name (builder, "base_rev");
  json_builder_add_int_value (builder, base_rev);
  json_builder_set_member_name (builder, "actor");
  json_builder_add_string_value (builder, actor);
  json_builder_set_member_name (builder, "at");
  json_builder_add_string_value (builder, at);
  json_builder_set_member_name (builder, "payload");
  {
    JsonNode *payload_node = json_node_new (JSON_NODE_OBJECT);

    json_node_set_object (payload_node, payload);
    json_builder_add_value (builder, payload_node);
  }
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  op = vigil_op_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_nonnull (op);

  return op;
}

static VigilOp *
make_op (const char *kind,
         const char *incident_id,
         const char *actor,
         gint64      base_rev,
         const char *at,
         const char *squoted_payload)
{
  g_autoptr(JsonObject) payload = parse_payload (squoted_payload);

  return make_op_full (kind, incident_id, actor, base_rev, at, payload);
}

static VigilOp *
make_op_for (const char    *kind,
             VigilIncident *incident,
             const char    *actor,
             const char    *at,
             const char    *squoted_payload)
{
  return make_op (kind, vigil_incident_get_id (incident), actor,
                  vigil_incident_get_revision (incident), at, squoted_payload);
}

static VigilIncident *
apply_ok (VigilOp       *op,
          VigilIncident *incident,
          VigilRole      role)
{
  g_autofree char *before = incident != NULL ? vigil_incident_to_string (incident) : NULL;
  g_autoptr(GError) error = NULL;
  VigilIncident *result;

  result = vigil_op_apply (op, incident, role, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_true (result != incident);

  /* the input is never modified */
  if (incident != NULL)
    {
      g_autofree char *after = vigil_incident_to_string (incident);

      g_assert_cmpstr (before, ==, after);
    }

  return result;
}

static void
assert_message_names (const GError *error,
                      const char   *field)
{
  if (field == NULL)
    return;

  g_test_message ("message: %s", error->message);
  g_assert_nonnull (strstr (error->message, field));
}

static void
apply_fail (VigilOp       *op,
            VigilIncident *incident,
            VigilRole      role,
            int            code,
            const char    *field)
{
  g_autofree char *before = incident != NULL ? vigil_incident_to_string (incident) : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) changes = NULL;
  g_autoptr(VigilIncident) result = NULL;

  result = vigil_op_apply (op, incident, role, &changes, &error);
  g_assert_null (result);
  g_assert_error (error, VIGIL_OP_ERROR, code);
  assert_message_names (error, field);

  /* a refusal about one field says which, in the documented "FIELD: reason" form */
  if (code == VIGIL_OP_ERROR_INVALID && field != NULL)
    {
      g_autofree char *field_id = vigil_op_error_dup_field (error);
      const char *reason = vigil_op_error_get_reason (error);

      g_assert_cmpstr (field_id, ==, field);
      g_assert_nonnull (reason);
      g_assert_cmpstr (reason, !=, "");
      g_assert_true (g_str_has_suffix (error->message, reason));
      g_assert_false (g_str_has_prefix (reason, field));
    }

  if (incident != NULL)
    {
      g_autofree char *after = vigil_incident_to_string (incident);

      g_assert_cmpstr (before, ==, after);
    }
}

static JsonObject *
find_change (JsonArray  *changes,
             const char *field)
{
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_strcmp0 (json_object_get_string_member (change, "field"), field) == 0)
        return change;
    }

  return NULL;
}

static gboolean
is_lower_hex (const char *text,
              gsize       len)
{
  if (text == NULL || strlen (text) != len)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i]))
      return FALSE;

  return TRUE;
}

static void
assert_time_is (GDateTime  *when,
                const char *iso)
{
  g_autoptr(GDateTime) expected = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (expected);
  g_assert_nonnull (when);
  g_assert_true (g_date_time_equal (when, expected));
}

/* States on the way through the process. */

/* Step 1, revision 1: title, type and detection time, no awareness time and
 * no severity yet. */
static VigilIncident *
new_created (void)
{
  g_autoptr(VigilOp) op = make_op ("incident.create", INCIDENT_ID, ANALYST, 0, T0,
                                   "{'title':'Phishing wave','type':'phishing',"
                                   "'detected_at':'2025-03-01T08:30:00Z',"
                                   "'description':'Fake invoices'}");

  return apply_ok (op, NULL, VIGIL_ROLE_ANALYST);
}

/* Everything required for approval, then moved to @step (1-7). */
static VigilIncident *
new_complete (guint step)
{
  g_autoptr(VigilIncident) created = new_created ();
  g_autoptr(VigilOp) update = make_op_for ("incident.update", created, ANALYST,
                                           "2025-03-01T10:01:00Z",
                                           "{'aware_at':'2025-03-01T09:15:00Z',"
                                           "'severity':'high'}");
  g_autoptr(VigilIncident) updated = apply_ok (update, created, VIGIL_ROLE_ANALYST);
  g_autoptr(VigilOp) findings = make_op_for ("form.update", updated, ANALYST,
                                             "2025-03-01T10:01:10Z",
                                             "{'form':'findings','fields':{'summary':"
                                             "'Invoices with a macro dropper'}}");
  g_autoptr(VigilIncident) found = apply_ok (findings, updated, VIGIL_ROLE_ANALYST);
  g_autoptr(VigilOp) escalate = make_op_for ("form.update", found, ANALYST,
                                             "2025-03-01T10:01:20Z",
                                             "{'form':'escalate','fields':{'escalate':false}}");
  g_autoptr(VigilIncident) complete = apply_ok (escalate, found, VIGIL_ROLE_ANALYST);
  g_autofree char *payload = NULL;
  g_autoptr(VigilOp) move = NULL;

  if (step == 1)
    return g_steal_pointer (&complete);

  payload = g_strdup_printf ("{'to':%u}", step);
  move = make_op_for ("incident.move", complete, ANALYST, "2025-03-01T10:02:00Z", payload);

  return apply_ok (move, complete, VIGIL_ROLE_ANALYST);
}

static VigilIncident *
new_pending (guint from)
{
  g_autoptr(VigilIncident) complete = new_complete (from);
  g_autoptr(VigilOp) submit = make_op_for ("approval.submit", complete, ANALYST,
                                           "2025-03-01T10:03:00Z", "{}");

  return apply_ok (submit, complete, VIGIL_ROLE_ANALYST);
}

static VigilIncident *
new_approved (void)
{
  g_autoptr(VigilIncident) pending = new_pending (7);
  g_autoptr(VigilOp) decide = make_op_for ("approval.decide", pending, LEAD,
                                           "2025-03-01T10:04:00Z",
                                           "{'decision':'approve','comment':'Go ahead'}");

  return apply_ok (decide, pending, VIGIL_ROLE_LEAD);
}

static VigilIncident *
new_rejected (guint from)
{
  g_autoptr(VigilIncident) pending = new_pending (from);
  g_autoptr(VigilOp) decide = make_op_for ("approval.decide", pending, LEAD,
                                           "2025-03-01T10:04:00Z",
                                           "{'decision':'reject','comment':'Add the logs'}");

  return apply_ok (decide, pending, VIGIL_ROLE_LEAD);
}

static VigilIncident *
move_ok (VigilIncident *incident,
         guint          to,
         const char    *at)
{
  g_autofree char *payload = g_strdup_printf ("{'to':%u}", to);
  g_autoptr(VigilOp) move = make_op_for ("incident.move", incident, ANALYST, at, payload);
  VigilIncident *result = apply_ok (move, incident, VIGIL_ROLE_ANALYST);

  g_assert_cmpuint (vigil_incident_get_step (result), ==, to);

  return result;
}

static VigilIncident *
new_archived (void)
{
  g_autoptr(VigilIncident) approved = new_approved ();
  g_autoptr(VigilIncident) at14 = move_ok (approved, 14, "2025-03-01T10:05:00Z");

  return move_ok (at14, 15, "2025-03-01T10:06:00Z");
}

/* kinds, roles, construction */

static void
test_kind_strings (void)
{
  static const struct {
    VigilOpKind kind;
    const char *text;
  } kinds[] = {
    { VIGIL_OP_INCIDENT_CREATE, "incident.create" },
    { VIGIL_OP_INCIDENT_UPDATE, "incident.update" },
    { VIGIL_OP_INCIDENT_MOVE,   "incident.move" },
    { VIGIL_OP_APPROVAL_SUBMIT, "approval.submit" },
    { VIGIL_OP_APPROVAL_DECIDE, "approval.decide" },
    { VIGIL_OP_FORM_UPDATE,     "form.update" },
    { VIGIL_OP_ITEM_ADD,        "item.add" },
    { VIGIL_OP_ITEM_UPDATE,     "item.update" },
    { VIGIL_OP_ITEM_REMOVE,     "item.remove" },
    { VIGIL_OP_DORA_CLASSIFY,   "dora.classify" },
    { VIGIL_OP_DORA_REPORT_SUBMITTED, "dora.report_submitted" },
    { VIGIL_OP_DORA_REPORT_DRAFT, "dora.report_draft" },
    { VIGIL_OP_NOTIFICATION_DECIDE, "notification.decide" },
    { VIGIL_OP_DORA_THREAT_ASSESS, "dora.threat_assess" },
  };
  static const char * const bad[] = {
    "", "incident", "incident.delete", "Incident.Create", "approval.decide ", "evidence.add",
    "form", "item.delete", "Item.Add"
  };

  g_assert_cmpint (VIGIL_N_OP_KINDS, ==, G_N_ELEMENTS (kinds));

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      VigilOpKind parsed = VIGIL_N_OP_KINDS;

      g_assert_cmpstr (vigil_op_kind_to_string (kinds[i].kind), ==, kinds[i].text);
      g_assert_true (vigil_op_kind_from_string (kinds[i].text, &parsed));
      g_assert_cmpint (parsed, ==, kinds[i].kind);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      VigilOpKind parsed = VIGIL_OP_INCIDENT_CREATE;

      g_test_message ("'%s'", bad[i]);
      g_assert_false (vigil_op_kind_from_string (bad[i], &parsed));
    }
}

static void
test_role_strings (void)
{
  static const struct {
    VigilRole   role;
    const char *text;
  } roles[] = {
    { VIGIL_ROLE_ANALYST, "analyst" },
    { VIGIL_ROLE_LEAD,    "lead" },
    { VIGIL_ROLE_MANAGER, "manager" },
    { VIGIL_ROLE_ADMIN,   "admin" },
  };
  static const char * const bad[] = { "", "root", "Lead", "analysts" };

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      VigilRole parsed = (VigilRole) 99;

      g_assert_cmpstr (vigil_role_to_string (roles[i].role), ==, roles[i].text);
      g_assert_true (vigil_role_from_string (roles[i].text, &parsed));
      g_assert_cmpint (parsed, ==, roles[i].role);
      /* the process's role list agrees */
      g_assert_true (vigil_process_is_valid_choice (VIGIL_CHOICES_ROLE, roles[i].text));
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      VigilRole parsed = VIGIL_ROLE_ANALYST;

      g_assert_false (vigil_role_from_string (bad[i], &parsed));
    }
}

static void
test_new (void)
{
  g_autoptr(JsonObject) payload = parse_payload ("{'title':'T','type':'malware'}");
  g_autoptr(VigilOp) op = NULL;
  g_autoptr(VigilOp) op2 = NULL;
  g_autoptr(GDateTime) before = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) after = NULL;
  JsonObject *got;

  op = vigil_op_new (VIGIL_OP_INCIDENT_CREATE, NULL, ANALYST, 0, json_object_ref (payload));
  after = g_date_time_new_now_utc ();

  g_assert_true (VIGIL_IS_OP (op));
  g_assert_true (g_uuid_string_is_valid (vigil_op_get_id (op)));
  /* a create without an id gets a fresh one */
  g_assert_true (g_uuid_string_is_valid (vigil_op_get_incident_id (op)));
  g_assert_cmpint (vigil_op_get_kind (op), ==, VIGIL_OP_INCIDENT_CREATE);
  g_assert_cmpint (vigil_op_get_base_rev (op), ==, 0);
  g_assert_cmpstr (vigil_op_get_actor (op), ==, ANALYST);
  g_assert_nonnull (vigil_op_get_at (op));
  g_assert_cmpint (g_date_time_compare (vigil_op_get_at (op), before), >=, 0);
  g_assert_cmpint (g_date_time_compare (vigil_op_get_at (op), after), <=, 0);
  got = vigil_op_get_payload (op);
  g_assert_nonnull (got);
  g_assert_cmpstr (json_object_get_string_member (got, "title"), ==, "T");

  op2 = vigil_op_new (VIGIL_OP_INCIDENT_MOVE, INCIDENT_ID, LEAD, 7, NULL);
  g_assert_cmpstr (vigil_op_get_incident_id (op2), ==, INCIDENT_ID);
  g_assert_cmpint (vigil_op_get_base_rev (op2), ==, 7);
  g_assert_cmpstr (vigil_op_get_id (op2), !=, vigil_op_get_id (op));
}

static void
test_new_unique_ids (void)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) incidents = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                           g_free, NULL);

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(VigilOp) op = vigil_op_new (VIGIL_OP_INCIDENT_CREATE, NULL, ANALYST, 0, NULL);

      g_assert_true (g_hash_table_add (ids, g_strdup (vigil_op_get_id (op))));
      g_assert_true (g_hash_table_add (incidents, g_strdup (vigil_op_get_incident_id (op))));
    }
}

static void
test_set_actor (void)
{
  g_autoptr(VigilOp) op = vigil_op_new (VIGIL_OP_INCIDENT_MOVE, INCIDENT_ID, "mallory", 1, NULL);
  g_autoptr(JsonNode) node = NULL;

  vigil_op_set_actor (op, ANALYST);
  g_assert_cmpstr (vigil_op_get_actor (op), ==, ANALYST);

  node = vigil_op_to_json (op);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "actor"), ==,
                   ANALYST);
}

/* JSON */

static void
test_json_round_trip (void)
{
  g_autoptr(VigilOp) op = make_op ("incident.update", INCIDENT_ID, ANALYST, 41,
                                   "2025-03-01T10:00:00.123456Z",
                                   "{'title':'New','affected_systems':['a','b'],"
                                   "'description':null,'nested':{'k':[1,2,{'x':true}]}}");
  g_autoptr(JsonNode) node = vigil_op_to_json (op);
  g_autoptr(VigilOp) back = NULL;
  g_autoptr(VigilOp) back2 = NULL;
  g_autoptr(JsonNode) node2 = NULL;
  g_autoptr(JsonNode) payload_a = NULL;
  g_autoptr(JsonNode) payload_b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  back = vigil_op_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vigil_op_get_id (back), ==, vigil_op_get_id (op));
  g_assert_cmpstr (vigil_op_get_incident_id (back), ==, INCIDENT_ID);
  g_assert_cmpint (vigil_op_get_kind (back), ==, VIGIL_OP_INCIDENT_UPDATE);
  g_assert_cmpint (vigil_op_get_base_rev (back), ==, 41);
  g_assert_cmpstr (vigil_op_get_actor (back), ==, ANALYST);
  g_assert_true (g_date_time_equal (vigil_op_get_at (back), vigil_op_get_at (op)));
  g_assert_cmpint (g_date_time_get_microsecond (vigil_op_get_at (back)), ==, 123456);

  payload_a = json_node_init_object (json_node_alloc (), vigil_op_get_payload (op));
  payload_b = json_node_init_object (json_node_alloc (), vigil_op_get_payload (back));
  g_assert_true (json_node_equal (payload_a, payload_b));

  text = vigil_op_to_string (op);
  back2 = vigil_op_new_from_string (text, &error);
  g_assert_no_error (error);
  node2 = vigil_op_to_json (back2);
  g_assert_true (json_node_equal (node, node2));
}

static void
test_json_shape (void)
{
  g_autoptr(VigilOp) op = make_op ("incident.move", INCIDENT_ID, ANALYST, 3, T0, "{'to':4}");
  g_autoptr(JsonNode) node = vigil_op_to_json (op);
  JsonObject *object = json_node_get_object (node);
  g_autoptr(GDateTime) at = NULL;

  g_assert_cmpuint (json_object_get_size (object), ==, 7);
  g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (object, "id")));
  g_assert_cmpstr (json_object_get_string_member (object, "incident"), ==, INCIDENT_ID);
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "incident.move");
  g_assert_cmpint (json_object_get_int_member (object, "base_rev"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (object, "actor"), ==, ANALYST);
  at = vigil_time_from_iso (json_object_get_string_member (object, "at"));
  g_assert_nonnull (at);
  assert_time_is (at, T0);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object,
                                                                              "payload"),
                                               "to"), ==, 4);
}

static void
test_json_payload_default (void)
{
  g_autofree char *doc = squote_to_json ("{'id':'" OP_ID "','incident':'" INCIDENT_ID "',"
                                         "'kind':'approval.submit','base_rev':2,"
                                         "'actor':'alice','at':'" T0 "'}");
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilOp) op = vigil_op_new_from_string (doc, &error);
  g_autoptr(JsonNode) node = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (vigil_op_get_id (op), ==, OP_ID);
  g_assert_cmpint (vigil_op_get_kind (op), ==, VIGIL_OP_APPROVAL_SUBMIT);
  g_assert_nonnull (vigil_op_get_payload (op));
  g_assert_cmpuint (json_object_get_size (vigil_op_get_payload (op)), ==, 0);

  node = vigil_op_to_json (op);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (node),
                                                                 "payload")));
}

typedef struct {
  const char *doc;     /* ' stands for " */
  int         code;
  const char *field;   /* must appear in the message, or NULL */
} BadOp;

#define F_ID     "'id':'" OP_ID "'"
#define F_INC    "'incident':'" INCIDENT_ID "'"
#define F_KIND   "'kind':'incident.move'"
#define F_REV    "'base_rev':3"
#define F_ACTOR  "'actor':'alice'"
#define F_AT     "'at':'" T0 "'"
#define F_PAY    "'payload':{'to':4}"

static const BadOp bad_ops[] = {
  { "",                VIGIL_OP_ERROR_PARSE, NULL },
  { "nope",            VIGIL_OP_ERROR_PARSE, NULL },
  { "[]",              VIGIL_OP_ERROR_PARSE, NULL },
  { "7",               VIGIL_OP_ERROR_PARSE, NULL },
  { "{" F_ID ",",      VIGIL_OP_ERROR_PARSE, NULL },
  /* missing required fields */
  { "{" F_INC "," F_KIND "," F_REV "," F_ACTOR "," F_AT "," F_PAY "}",
    VIGIL_OP_ERROR_PARSE, "id" },
  { "{" F_ID "," F_KIND "," F_REV "," F_ACTOR "," F_AT "," F_PAY "}",
    VIGIL_OP_ERROR_PARSE, "incident" },
  { "{" F_ID "," F_INC "," F_REV "," F_ACTOR "," F_AT "," F_PAY "}",
    VIGIL_OP_ERROR_PARSE, "kind" },
  { "{" F_ID "," F_INC "," F_KIND "," F_ACTOR "," F_AT "," F_PAY "}",
    VIGIL_OP_ERROR_PARSE, "base_rev" },
  { "{" F_ID "," F_INC "," F_KIND "," F_REV "," F_AT "," F_PAY "}",
    VIGIL_OP_ERROR_PARSE, "actor" },
  { "{" F_ID "," F_INC "," F_KIND "," F_REV "," F_ACTOR "," F_PAY "}",
    VIGIL_OP_ERROR_PARSE, "at" },
  /* wrong types and values */
  { "{'id':5," F_INC "," F_KIND "," F_REV "," F_ACTOR "," F_AT "," F_PAY "}",
    VIGIL_OP_ERROR_PARSE, "id" },
  { "{'id':''," F_INC "," F_KIND "," F_REV "," F_ACTOR "," F_AT "," F_PAY "}",
    VIGIL_OP_ERROR_PARSE, "id" },
  { "{" F_ID ",'incident':[]," F_KIND "," F_REV "," F_ACTOR "," F_AT "," F_PAY "}",
    VIGIL_OP_ERROR_PARSE, "incident" },
  { "{" F_ID "," F_INC ",'kind':3," F_REV "," F_ACTOR "," F_AT "," F_PAY "}",
    VIGIL_OP_ERROR_PARSE, "kind" },
  { "{" F_ID "," F_INC "," F_KIND ",'base_rev':'3'," F_ACTOR "," F_AT "," F_PAY "}",
    VIGIL_OP_ERROR_PARSE, "base_rev" },
  { "{" F_ID "," F_INC "," F_KIND ",'base_rev':-1," F_ACTOR "," F_AT "," F_PAY "}",
    VIGIL_OP_ERROR_PARSE, "base_rev" },
  { "{" F_ID "," F_INC "," F_KIND ",'base_rev':2.5," F_ACTOR "," F_AT "," F_PAY "}",
    VIGIL_OP_ERROR_PARSE, "base_rev" },
  { "{" F_ID "," F_INC "," F_KIND "," F_REV ",'actor':''," F_AT "," F_PAY "}",
    VIGIL_OP_ERROR_PARSE, "actor" },
  { "{" F_ID "," F_INC "," F_KIND "," F_REV ",'actor':7," F_AT "," F_PAY "}",
    VIGIL_OP_ERROR_PARSE, "actor" },
  { "{" F_ID "," F_INC "," F_KIND "," F_REV "," F_ACTOR ",'at':'yesterday'," F_PAY "}",
    VIGIL_OP_ERROR_PARSE, "at" },
  { "{" F_ID "," F_INC "," F_KIND "," F_REV "," F_ACTOR ",'at':1740823200," F_PAY "}",
    VIGIL_OP_ERROR_PARSE, "at" },
  { "{" F_ID "," F_INC "," F_KIND "," F_REV "," F_ACTOR "," F_AT ",'payload':[]}",
    VIGIL_OP_ERROR_PARSE, "payload" },
  { "{" F_ID "," F_INC "," F_KIND "," F_REV "," F_ACTOR "," F_AT ",'payload':'to=4'}",
    VIGIL_OP_ERROR_PARSE, "payload" },
  /* unknown fields */
  { "{" F_ID "," F_INC "," F_KIND "," F_REV "," F_ACTOR "," F_AT "," F_PAY ",'role':'lead'}",
    VIGIL_OP_ERROR_PARSE, "role" },
  { "{" F_ID "," F_INC "," F_KIND "," F_REV "," F_ACTOR "," F_AT "," F_PAY ",'extra':1}",
    VIGIL_OP_ERROR_PARSE, "extra" },
  /* kinds outside the vocabulary */
  { "{" F_ID "," F_INC ",'kind':'incident.delete'," F_REV "," F_ACTOR "," F_AT "," F_PAY "}",
    VIGIL_OP_ERROR_UNKNOWN_KIND, NULL },
  { "{" F_ID "," F_INC ",'kind':''," F_REV "," F_ACTOR "," F_AT "," F_PAY "}",
    VIGIL_OP_ERROR_UNKNOWN_KIND, NULL },
  { "{" F_ID "," F_INC ",'kind':'Incident.Move'," F_REV "," F_ACTOR "," F_AT "," F_PAY "}",
    VIGIL_OP_ERROR_UNKNOWN_KIND, NULL },
};

static void
test_json_bad_op (gconstpointer data)
{
  const BadOp *bad = data;
  g_autofree char *doc = squote_to_json (bad->doc);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilOp) op = NULL;

  g_test_message ("document %s", doc);
  op = vigil_op_new_from_string (doc, &error);
  g_assert_null (op);
  g_assert_error (error, VIGIL_OP_ERROR, bad->code);
  assert_message_names (error, bad->field);
}

/* incident.create */

static void
test_apply_create (void)
{
  g_autoptr(VigilOp) op = make_op ("incident.create", INCIDENT_ID, ANALYST, 0, T0,
                                   "{'title':'Phishing wave','type':'phishing',"
                                   "'description':'Fake invoices',"
                                   "'detected_at':'2025-03-01T08:30:00Z',"
                                   "'aware_at':'2025-03-01T09:15:00Z'}");
  g_autoptr(VigilIncident) incident = NULL;
  g_autoptr(JsonArray) changes = NULL;
  g_autoptr(GError) error = NULL;

  incident = vigil_op_apply (op, NULL, VIGIL_ROLE_ANALYST, &changes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (incident);

  g_assert_cmpstr (vigil_incident_get_id (incident), ==, INCIDENT_ID);
  g_assert_cmpint (vigil_incident_get_revision (incident), ==, 1);
  g_assert_cmpuint (vigil_incident_get_step (incident), ==, 1);
  g_assert_null (vigil_incident_get_reference (incident));
  g_assert_cmpstr (vigil_incident_get_title (incident), ==, "Phishing wave");
  g_assert_cmpstr (vigil_incident_get_incident_type (incident), ==, "phishing");
  g_assert_cmpstr (vigil_incident_get_description (incident), ==, "Fake invoices");
  assert_time_is (vigil_incident_get_detected_at (incident), "2025-03-01T08:30:00Z");
  assert_time_is (vigil_incident_get_aware_at (incident), "2025-03-01T09:15:00Z");
  g_assert_null (vigil_incident_get_severity (incident));
  g_assert_cmpstr (vigil_incident_get_owner (incident), ==, ANALYST);
  g_assert_cmpstr (vigil_incident_get_created_by (incident), ==, ANALYST);
  assert_time_is (vigil_incident_get_created_at (incident), T0);
  assert_time_is (vigil_incident_get_updated_at (incident), T0);
  g_assert_cmpint (vigil_incident_get_approval_state (incident), ==, VIGIL_APPROVAL_NONE);
  g_assert_false (vigil_incident_is_archived (incident));
  g_assert_nonnull (changes);
}

static void
test_apply_create_other_type (void)
{
  g_autoptr(VigilOp) op = make_op ("incident.create", INCIDENT_ID, ANALYST, 0, T0,
                                   "{'title':'Strange calls','type':'other',"
                                   "'type_other':'Vishing'}");
  g_autoptr(VigilIncident) incident = apply_ok (op, NULL, VIGIL_ROLE_ANALYST);

  g_assert_cmpstr (vigil_incident_get_incident_type (incident), ==, "other");
  g_assert_cmpstr (vigil_incident_get_type_other (incident), ==, "Vishing");
}

static void
test_apply_create_padded_title (void)
{
  g_autoptr(VigilOp) op = make_op ("incident.create", INCIDENT_ID, ANALYST, 0, T0,
                                   "{'title':'  Padded  ','type':'ddos'}");
  g_autoptr(VigilIncident) incident = apply_ok (op, NULL, VIGIL_ROLE_ANALYST);

  g_assert_nonnull (strstr (vigil_incident_get_title (incident), "Padded"));
}

static void
test_apply_create_step1_fields (void)
{
  /* spec/process.md step 1: how it was detected, reporter, affected systems */
  g_autoptr(VigilOp) op = make_op ("incident.create", INCIDENT_ID, ANALYST, 0, T0,
                                   "{'title':'Phishing wave','type':'phishing',"
                                   "'detection_method':'user_report','reporter':'Carol',"
                                   "'affected_systems':['mail01','vpn']}");
  g_autoptr(VigilIncident) incident = apply_ok (op, NULL, VIGIL_ROLE_ANALYST);
  const char * const *systems = vigil_incident_get_affected_systems (incident);

  g_assert_cmpstr (vigil_incident_get_detection_method (incident), ==, "user_report");
  g_assert_cmpstr (vigil_incident_get_reporter (incident), ==, "Carol");
  g_assert_nonnull (systems);
  g_assert_cmpstr (systems[0], ==, "mail01");
  g_assert_cmpstr (systems[1], ==, "vpn");
  g_assert_null (systems[2]);
}

static char *
repeat (const char *unit,
        guint       times)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < times; i++)
    g_string_append (s, unit);

  return g_string_free (s, FALSE);
}

static VigilOp *
make_create_with (const char *title,
                  const char *description)
{
  g_autoptr(JsonObject) payload = json_object_new ();

  json_object_set_string_member (payload, "title", title);
  json_object_set_string_member (payload, "type", "malware");
  if (description != NULL)
    json_object_set_string_member (payload, "description", description);

  return make_op_full ("incident.create", INCIDENT_ID, ANALYST, 0, T0, payload);
}

static void
test_apply_create_limits (void)
{
  g_autofree char *title200 = repeat ("x", 200);
  g_autofree char *title201 = repeat ("x", 201);
  g_autofree char *title200_utf8 = repeat ("\xc3\xa9", 200);     /* 200 chars, 400 bytes */
  g_autofree char *title201_utf8 = repeat ("\xc3\xa9", 201);
  g_autofree char *desc20000 = repeat ("d", 20000);
  g_autofree char *desc20001 = repeat ("d", 20001);

  {
    g_autoptr(VigilOp) op = make_create_with (title200, desc20000);
    g_autoptr(VigilIncident) incident = apply_ok (op, NULL, VIGIL_ROLE_ANALYST);

    g_assert_cmpuint (strlen (vigil_incident_get_title (incident)), ==, 200);
    g_assert_cmpuint (strlen (vigil_incident_get_description (incident)), ==, 20000);
  }
  {
    /* the limit counts characters, not bytes */
    g_autoptr(VigilOp) op = make_create_with (title200_utf8, NULL);
    g_autoptr(VigilIncident) incident = apply_ok (op, NULL, VIGIL_ROLE_ANALYST);

    g_assert_cmpstr (vigil_incident_get_title (incident), ==, title200_utf8);
  }
  {
    g_autoptr(VigilOp) op = make_create_with (title201, NULL);

    apply_fail (op, NULL, VIGIL_ROLE_ANALYST, VIGIL_OP_ERROR_INVALID, "title");
  }
  {
    g_autoptr(VigilOp) op = make_create_with (title201_utf8, NULL);

    apply_fail (op, NULL, VIGIL_ROLE_ANALYST, VIGIL_OP_ERROR_INVALID, "title");
  }
  {
    g_autoptr(VigilOp) op = make_create_with ("ok", desc20001);

    apply_fail (op, NULL, VIGIL_ROLE_ANALYST, VIGIL_OP_ERROR_INVALID, "description");
  }
}

static void
test_apply_create_time_limits (void)
{
  /* up to five minutes ahead of the operation is clock skew, not the future */
  {
    g_autoptr(VigilOp) op = make_op ("incident.create", INCIDENT_ID, ANALYST, 0, T0,
                                     "{'title':'t','type':'malware',"
                                     "'detected_at':'2025-03-01T10:05:00Z',"
                                     "'aware_at':'2025-03-01T10:05:00Z'}");
    g_autoptr(VigilIncident) incident = apply_ok (op, NULL, VIGIL_ROLE_ANALYST);

    assert_time_is (vigil_incident_get_aware_at (incident), "2025-03-01T10:05:00Z");
  }
  {
    g_autoptr(VigilOp) op = make_op ("incident.create", INCIDENT_ID, ANALYST, 0, T0,
                                     "{'title':'t','type':'malware',"
                                     "'detected_at':'2025-03-01T10:05:01Z'}");

    apply_fail (op, NULL, VIGIL_ROLE_ANALYST, VIGIL_OP_ERROR_INVALID, "detected_at");
  }
  {
    g_autoptr(VigilOp) op = make_op ("incident.create", INCIDENT_ID, ANALYST, 0, T0,
                                     "{'title':'t','type':'malware',"
                                     "'aware_at':'2025-03-01T10:05:01Z'}");

    apply_fail (op, NULL, VIGIL_ROLE_ANALYST, VIGIL_OP_ERROR_INVALID, "aware_at");
  }
  {
    /* a time with an offset is the same instant: 11:04+01:00 is 10:04Z */
    g_autoptr(VigilOp) op = make_op ("incident.create", INCIDENT_ID, ANALYST, 0, T0,
                                     "{'title':'t','type':'malware',"
                                     "'aware_at':'2025-03-01T11:04:00+01:00'}");
    g_autoptr(VigilIncident) incident = apply_ok (op, NULL, VIGIL_ROLE_ANALYST);

    assert_time_is (vigil_incident_get_aware_at (incident), "2025-03-01T10:04:00Z");
  }
}

static void
test_apply_create_exists (void)
{
  g_autoptr(VigilIncident) existing = new_created ();
  g_autoptr(VigilOp) op = make_op ("incident.create", INCIDENT_ID, ANALYST, 0, T0,
                                   "{'title':'Again','type':'malware'}");

  apply_fail (op, existing, VIGIL_ROLE_ANALYST, VIGIL_OP_ERROR_EXISTS, NULL);
}

typedef struct {
  const char *payload;   /* ' stands for " */
  const char *field;     /* named in the message, or NULL */
} BadPayload;

static const BadPayload bad_create_payloads[] = {
  { "{}", "title" },
  { "{'type':'malware'}", "title" },
  { "{'title':'','type':'malware'}", "title" },
  { "{'title':'   ','type':'malware'}", "title" },
  { "{'title':'\\t\\n','type':'malware'}", "title" },
  { "{'title':5,'type':'malware'}", "title" },
  { "{'title':null,'type':'malware'}", "title" },
  { "{'title':'x'}", "type" },
  { "{'title':'x','type':'virus'}", "type" },
  { "{'title':'x','type':'Malware Attack'}", "type" },
  { "{'title':'x','type':null}", "type" },
  { "{'title':'x','type':'other'}", "type_other" },
  { "{'title':'x','type':'other','type_other':''}", "type_other" },
  { "{'title':'x','type':'malware','description':5}", "description" },
  { "{'title':'x','type':'malware','detected_at':'soon'}", "detected_at" },
  { "{'title':'x','type':'malware','detected_at':'2025-03-01T12:00:00Z'}", "detected_at" },
  { "{'title':'x','type':'malware','aware_at':'2025-03-01T11:00:00Z'}", "aware_at" },
  { "{'title':'x','type':'malware','aware_at':17}", "aware_at" },
  { "{'title':'x','type':'malware','detected_at':'2025-03-01T09:00:00Z',"
    "'aware_at':'2025-03-01T08:59:59Z'}", "aware_at" },
  { "{'title':'x','type':'malware','severity':'extreme'}", "severity" },
  { "{'title':'x','type':'malware','detection_method':'fax'}", "detection_method" },
  { "{'title':'x','type':'malware','colour':'red'}", "colour" },
  { "{'title':'x','type':'malware','step':9}", "step" },
  { "{'title':'x','type':'malware','revision':4}", "revision" },
};

static void
test_apply_create_bad_payload (gconstpointer data)
{
  const BadPayload *bad = data;
  g_autoptr(VigilOp) op = make_op ("incident.create", INCIDENT_ID, ANALYST, 0, T0,
                                   bad->payload);

  g_test_message ("payload %s", bad->payload);
  apply_fail (op, NULL, VIGIL_ROLE_ANALYST, VIGIL_OP_ERROR_INVALID, bad->field);
}

static void
test_apply_not_found (void)
{
  static const struct {
    const char *kind;
    const char *payload;
    VigilRole   role;
  } ops[] = {
    { "incident.update", "{'title':'New'}", VIGIL_ROLE_ANALYST },
    { "incident.move", "{'to':2}", VIGIL_ROLE_ANALYST },
    { "approval.submit", "{}", VIGIL_ROLE_ANALYST },
    { "approval.decide", "{'decision':'approve','comment':'ok'}", VIGIL_ROLE_LEAD },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      g_autoptr(VigilOp) op = make_op (ops[i].kind, INCIDENT_ID, LEAD, 1, T0, ops[i].payload);

      g_test_message ("%s", ops[i].kind);
      apply_fail (op, NULL, ops[i].role, VIGIL_OP_ERROR_NOT_FOUND, NULL);
    }
}

/* roles */

/* One valid operation of each kind with the state it applies to. */
static void
make_valid_op (guint           kind,
               const char     *actor,
               VigilOp       **op,
               VigilIncident **incident)
{
  switch (kind)
    {
    case VIGIL_OP_INCIDENT_CREATE:
      *incident = NULL;
      *op = make_op ("incident.create", INCIDENT_ID, actor, 0, T0,
                     "{'title':'t','type':'malware'}");
      break;
    case VIGIL_OP_INCIDENT_UPDATE:
      *incident = new_created ();
      *op = make_op_for ("incident.update", *incident, actor, T0, "{'title':'New title'}");
      break;
    case VIGIL_OP_INCIDENT_MOVE:
      *incident = new_created ();
      *op = make_op_for ("incident.move", *incident, actor, T0, "{'to':2}");
      break;
    case VIGIL_OP_APPROVAL_SUBMIT:
      *incident = new_complete (3);
      *op = make_op_for ("approval.submit", *incident, actor, T0, "{}");
      break;
    case VIGIL_OP_APPROVAL_DECIDE:
      *incident = new_pending (3);
      *op = make_op_for ("approval.decide", *incident, actor, T0,
                         "{'decision':'approve','comment':'fine'}");
      break;
    case VIGIL_OP_FORM_UPDATE:
      *incident = new_created ();
      *op = make_op_for ("form.update", *incident, actor, T0,
                         "{'form':'analyze','fields':{'notes':'beaconing'}}");
      break;
    case VIGIL_OP_ITEM_ADD:
      *incident = new_created ();
      *op = make_op_for ("item.add", *incident, actor, T0,
                         "{'form':'collect','collection':'evidence',"
                         "'item':{'id':'ev1','name':'proxy.log'}}");
      break;
    case VIGIL_OP_ITEM_UPDATE:
    case VIGIL_OP_ITEM_REMOVE:
      {
        g_autoptr(VigilIncident) created = new_created ();
        g_autoptr(VigilOp) add = make_op_for ("item.add", created, ANALYST, T0,
                                              "{'form':'collect','collection':'evidence',"
                                              "'item':{'id':'ev1','name':'proxy.log'}}");

        *incident = apply_ok (add, created, VIGIL_ROLE_ANALYST);
        *op = make_op_for (kind == VIGIL_OP_ITEM_UPDATE ? "item.update" : "item.remove",
                           *incident, actor, T0,
                           kind == VIGIL_OP_ITEM_UPDATE
                           ? "{'form':'collect','collection':'evidence','id':'ev1',"
                             "'fields':{'location':'//evidence/42'}}"
                           : "{'form':'collect','collection':'evidence','id':'ev1'}");
      }
      break;
    case VIGIL_OP_DORA_CLASSIFY:
      *incident = new_created ();
      *op = make_op_for ("dora.classify", *incident, actor, T0,
                         "{'criteria':{'critical_services':{'malicious_access':true},"
                         "'data_losses':{'intrusion':true}}}");
      break;
    case VIGIL_OP_DORA_REPORT_SUBMITTED:
      {
        g_autoptr(VigilIncident) created = new_created ();
        g_autoptr(VigilOp) classify = make_op_for ("dora.classify", created, ANALYST, T0,
                                                   "{'criteria':{'critical_services':"
                                                   "{'malicious_access':true},"
                                                   "'data_losses':{'intrusion':true}}}");

        *incident = apply_ok (classify, created, VIGIL_ROLE_ANALYST);
        *op = make_op_for ("dora.report_submitted", *incident, actor, T0,
                           "{'report':'initial','at':'" T0 "','authority':'BaFin'}");
      }
      break;
    case VIGIL_OP_DORA_REPORT_DRAFT:
      {
        g_autoptr(VigilIncident) created = new_created ();
        g_autoptr(VigilOp) classify = make_op_for ("dora.classify", created, ANALYST, T0,
                                                   "{'criteria':{'critical_services':"
                                                   "{'malicious_access':true},"
                                                   "'data_losses':{'intrusion':true}}}");

        *incident = apply_ok (classify, created, VIGIL_ROLE_ANALYST);
        *op = make_op_for ("dora.report_draft", *incident, actor, T0,
                           "{'report':'initial','fields':{'2.9':true}}");
      }
      break;
    case VIGIL_OP_NOTIFICATION_DECIDE:
      {
        g_autoptr(VigilIncident) approved = new_approved ();
        g_autoptr(VigilOp) add = make_op_for ("item.add", approved, ANALYST, T0,
                                              "{'form':'notify','collection':'notifications',"
                                              "'item':{'id':'n1','audience':'clients',"
                                              "'subject':'About an incident'}}");
        g_autofree char *hash = NULL;
        g_autofree char *payload = NULL;

        *incident = apply_ok (add, approved, VIGIL_ROLE_ANALYST);
        hash = vigil_notification_dup_text_hash (
          vigil_incident_find_item (*incident, "notify", "notifications", "n1"));
        payload = g_strdup_printf ("{'id':'n1','decision':'approve','sha256':'%s'}", hash);
        *op = make_op_for ("notification.decide", *incident, actor, T0, payload);
      }
      break;
    case VIGIL_OP_DORA_THREAT_ASSESS:
      *incident = new_created ();
      *op = make_op_for ("dora.threat_assess", *incident, actor, T0,
                         "{'could_affect':true,'high_probability':false,"
                         "'description':'Credential stuffing wave','status':'active'}");
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
test_apply_roles_forbidden (void)
{
  static const VigilRole roles[] = { VIGIL_ROLE_MANAGER, VIGIL_ROLE_ADMIN };

  for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
    for (guint kind = 0; kind < VIGIL_N_OP_KINDS; kind++)
      {
        g_autoptr(VigilOp) op = NULL;
        g_autoptr(VigilIncident) incident = NULL;

        g_test_message ("role %s, kind %s", vigil_role_to_string (roles[r]),
                        vigil_op_kind_to_string (kind));
        make_valid_op (kind, "carl", &op, &incident);
        apply_fail (op, incident, roles[r], VIGIL_OP_ERROR_FORBIDDEN, NULL);
      }
}

static void
test_apply_roles_lead_works (void)
{
  for (guint kind = 0; kind < VIGIL_N_OP_KINDS; kind++)
    {
      g_autoptr(VigilOp) op = NULL;
      g_autoptr(VigilIncident) incident = NULL;
      g_autoptr(VigilIncident) result = NULL;

      g_test_message ("kind %s", vigil_op_kind_to_string (kind));
      make_valid_op (kind, LEAD, &op, &incident);
      result = apply_ok (op, incident, VIGIL_ROLE_LEAD);
    }
}

static void
test_apply_roles_analyst (void)
{
  for (guint kind = 0; kind < VIGIL_N_OP_KINDS; kind++)
    {
      g_autoptr(VigilOp) op = NULL;
      g_autoptr(VigilIncident) incident = NULL;

      g_test_message ("kind %s", vigil_op_kind_to_string (kind));
      /* "carl" did not submit, so only the role can stop the decision */
      make_valid_op (kind, "carl", &op, &incident);
      if (kind == VIGIL_OP_APPROVAL_DECIDE || kind == VIGIL_OP_NOTIFICATION_DECIDE)
        {
          apply_fail (op, incident, VIGIL_ROLE_ANALYST, VIGIL_OP_ERROR_FORBIDDEN, NULL);
        }
      else
        {
          g_autoptr(VigilIncident) result = apply_ok (op, incident, VIGIL_ROLE_ANALYST);
        }
    }
}

/* revision, time, input */

static void
test_apply_revision (void)
{
  g_autoptr(VigilIncident) created = new_created ();
  g_autoptr(VigilOp) update = make_op_for ("incident.update", created, ANALYST,
                                           "2025-03-01T11:00:00Z", "{'severity':'low'}");
  g_autoptr(VigilIncident) updated = apply_ok (update, created, VIGIL_ROLE_ANALYST);
  g_autoptr(VigilOp) move = make_op_for ("incident.move", updated, ANALYST,
                                         "2025-03-01T12:30:00Z", "{'to':4}");
  g_autoptr(VigilIncident) moved = apply_ok (move, updated, VIGIL_ROLE_ANALYST);

  g_assert_cmpint (vigil_incident_get_revision (created), ==, 1);
  assert_time_is (vigil_incident_get_updated_at (created), T0);

  g_assert_cmpint (vigil_incident_get_revision (updated), ==, 2);
  assert_time_is (vigil_incident_get_updated_at (updated), "2025-03-01T11:00:00Z");
  /* creation data stays */
  assert_time_is (vigil_incident_get_created_at (updated), T0);
  g_assert_cmpstr (vigil_incident_get_created_by (updated), ==, ANALYST);

  g_assert_cmpint (vigil_incident_get_revision (moved), ==, 3);
  assert_time_is (vigil_incident_get_updated_at (moved), "2025-03-01T12:30:00Z");
  g_assert_cmpuint (vigil_incident_get_step (moved), ==, 4);
}

static void
test_apply_input_unchanged (void)
{
  g_autoptr(VigilIncident) incident = new_complete (3);
  g_autoptr(VigilOp) update = make_op_for ("incident.update", incident, ANALYST, T0,
                                           "{'title':'Changed','severity':'low'}");
  g_autoptr(VigilOp) bad_update = make_op_for ("incident.update", incident, ANALYST, T0,
                                               "{'title':'Changed','severity':'bogus'}");
  g_autoptr(VigilOp) gate = make_op_for ("incident.move", incident, ANALYST, T0, "{'to':9}");
  g_autoptr(VigilOp) submit = make_op_for ("approval.submit", incident, ANALYST, T0, "{}");
  g_autoptr(VigilIncident) updated = NULL;
  g_autoptr(VigilIncident) submitted = NULL;
  g_autoptr(GError) error = NULL;

  updated = vigil_op_apply (update, incident, VIGIL_ROLE_ANALYST, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vigil_incident_get_title (updated), ==, "Changed");
  g_assert_cmpint (vigil_incident_get_revision (incident), ==, 5);
  g_assert_cmpuint (vigil_incident_get_step (incident), ==, 3);
  g_assert_cmpstr (vigil_incident_get_title (incident), ==, "Phishing wave");
  g_assert_cmpstr (vigil_incident_get_severity (incident), ==, "high");

  /* a refusal half-way through the payload leaves nothing behind */
  apply_fail (bad_update, incident, VIGIL_ROLE_ANALYST, VIGIL_OP_ERROR_INVALID, "severity");
  g_assert_cmpstr (vigil_incident_get_title (incident), ==, "Phishing wave");
  g_assert_cmpint (vigil_incident_get_revision (incident), ==, 5);

  apply_fail (gate, incident, VIGIL_ROLE_ANALYST, VIGIL_OP_ERROR_GATE, NULL);
  g_assert_cmpuint (vigil_incident_get_step (incident), ==, 3);

  submitted = vigil_op_apply (submit, incident, VIGIL_ROLE_ANALYST, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vigil_incident_get_step (submitted), ==, 8);
  g_assert_cmpuint (vigil_incident_get_step (incident), ==, 3);
  g_assert_cmpint (vigil_incident_get_approval_state (incident), ==, VIGIL_APPROVAL_NONE);
  g_assert_cmpint (vigil_incident_get_revision (incident), ==, 5);
}

/* incident.update */

static void
test_apply_update (void)
{
  g_autoptr(VigilIncident) created = new_created ();
  g_autoptr(VigilOp) op = make_op_for ("incident.update", created, ANALYST,
                                       "2025-03-01T11:00:00Z",
                                       "{'title':'Phishing wave, round two',"
                                       "'type':'other','type_other':'Vishing',"
                                       "'severity':'critical','detection_method':'monitoring',"
                                       "'aware_at':'2025-03-01T09:00:00Z','reporter':'Carol',"
                                       "'affected_systems':['mail01','crm'],"
                                       "'owner':'erin','description':'More detail'}");
  g_autoptr(VigilIncident) updated = apply_ok (op, created, VIGIL_ROLE_ANALYST);
  const char * const *systems = vigil_incident_get_affected_systems (updated);

  g_assert_cmpstr (vigil_incident_get_title (updated), ==, "Phishing wave, round two");
  g_assert_cmpstr (vigil_incident_get_incident_type (updated), ==, "other");
  g_assert_cmpstr (vigil_incident_get_type_other (updated), ==, "Vishing");
  g_assert_cmpstr (vigil_incident_get_severity (updated), ==, "critical");
  g_assert_cmpstr (vigil_incident_get_detection_method (updated), ==, "monitoring");
  assert_time_is (vigil_incident_get_aware_at (updated), "2025-03-01T09:00:00Z");
  assert_time_is (vigil_incident_get_detected_at (updated), "2025-03-01T08:30:00Z");
  g_assert_cmpstr (vigil_incident_get_reporter (updated), ==, "Carol");
  g_assert_cmpstr (vigil_incident_get_owner (updated), ==, "erin");
  g_assert_cmpstr (vigil_incident_get_description (updated), ==, "More detail");
  g_assert_nonnull (systems);
  g_assert_cmpstr (systems[0], ==, "mail01");
  g_assert_cmpstr (systems[1], ==, "crm");
  g_assert_null (systems[2]);
  /* untouched */
  g_assert_cmpuint (vigil_incident_get_step (updated), ==, 1);
  g_assert_cmpstr (vigil_incident_get_created_by (updated), ==, ANALYST);
}

static void
test_apply_update_changes (void)
{
  g_autoptr(VigilIncident) created = new_created ();
  g_autoptr(VigilOp) op = make_op_for ("incident.update", created, ANALYST, T0,
                                       "{'title':'Phishing wave 2','severity':'high',"
                                       "'owner':'alice','type':'phishing','reporter':'Carol'}");
  g_autoptr(VigilIncident) updated = NULL;
  g_autoptr(JsonArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *change;

  updated = vigil_op_apply (op, created, VIGIL_ROLE_ANALYST, &changes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (changes);

  /* owner and type were sent with their current values: no change */
  g_assert_cmpuint (json_array_get_length (changes), ==, 3);
  g_assert_null (find_change (changes, "owner"));
  g_assert_null (find_change (changes, "type"));

  change = find_change (changes, "title");
  g_assert_nonnull (change);
  g_assert_cmpstr (json_object_get_string_member (change, "old"), ==, "Phishing wave");
  g_assert_cmpstr (json_object_get_string_member (change, "new"), ==, "Phishing wave 2");

  change = find_change (changes, "severity");
  g_assert_nonnull (change);
  g_assert_true (!json_object_has_member (change, "old") ||
                 json_object_get_null_member (change, "old"));
  g_assert_cmpstr (json_object_get_string_member (change, "new"), ==, "high");

  change = find_change (changes, "reporter");
  g_assert_nonnull (change);
  g_assert_cmpstr (json_object_get_string_member (change, "new"), ==, "Carol");
}

static void
test_apply_update_owner_change (void)
{
  g_autoptr(VigilIncident) created = new_created ();
  g_autoptr(VigilOp) op = make_op_for ("incident.update", created, ANALYST, T0,
                                       "{'owner':'erin'}");
  g_autoptr(VigilIncident) updated = NULL;
  g_autoptr(JsonArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *change;

  updated = vigil_op_apply (op, created, VIGIL_ROLE_ANALYST, &changes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (changes), ==, 1);
  change = find_change (changes, "owner");
  g_assert_nonnull (change);
  g_assert_cmpstr (json_object_get_string_member (change, "old"), ==, ANALYST);
  g_assert_cmpstr (json_object_get_string_member (change, "new"), ==, "erin");
}

static void
test_apply_update_clear (void)
{
  g_autoptr(VigilIncident) complete = new_complete (2);
  g_autoptr(VigilOp) op = make_op_for ("incident.update", complete, ANALYST, T0,
                                       "{'description':null,'severity':null}");
  g_autoptr(VigilIncident) updated = NULL;
  g_autoptr(JsonArray) changes = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (vigil_incident_get_description (complete));
  updated = vigil_op_apply (op, complete, VIGIL_ROLE_ANALYST, &changes, &error);
  g_assert_no_error (error);
  g_assert_null (vigil_incident_get_description (updated));
  g_assert_null (vigil_incident_get_severity (updated));
  g_assert_nonnull (find_change (changes, "description"));
  g_assert_nonnull (find_change (changes, "severity"));
}

static const BadPayload bad_update_payloads[] = {
  { "{}", NULL },
  { "{'colour':'red'}", "colour" },
  { "{'title':'Fine','colour':'red'}", "colour" },
  { "{'title':''}", "title" },
  { "{'title':'   '}", "title" },
  { "{'title':5}", "title" },
  { "{'type':'virus'}", "type" },
  { "{'type':3}", "type" },
  { "{'type':'other'}", "type_other" },
  { "{'type':'other','type_other':''}", "type_other" },
  { "{'severity':'extreme'}", "severity" },
  { "{'severity':'High'}", "severity" },
  { "{'severity':2}", "severity" },
  { "{'detection_method':'fax'}", "detection_method" },
  { "{'detected_at':'soon'}", "detected_at" },
  { "{'detected_at':'2025-03-01T10:06:00Z'}", "detected_at" },
  { "{'aware_at':'2025-03-01T10:06:00Z'}", "aware_at" },
  { "{'aware_at':'2025-03-01T08:00:00Z'}", "aware_at" },     /* before detection */
  { "{'aware_at':12}", "aware_at" },
  { "{'description':7}", "description" },
  { "{'reporter':5}", "reporter" },
  { "{'owner':5}", "owner" },
  { "{'affected_systems':'db01'}", "affected_systems" },
  { "{'affected_systems':[1]}", "affected_systems" },
  /* fields that only the rules may change */
  { "{'step':3}", "step" },
  { "{'revision':9}", "revision" },
  { "{'id':'other'}", "id" },
  { "{'reference':'INC-2025-0001'}", "reference" },
  { "{'created_by':'mallory'}", "created_by" },
  { "{'approval':{'state':'approved'}}", "approval" },
};

static void
test_apply_update_bad_payload (gconstpointer data)
{
  const BadPayload *bad = data;
  g_autoptr(VigilIncident) created = new_created ();
  g_autoptr(VigilOp) op = make_op_for ("incident.update", created, ANALYST, T0, bad->payload);

  g_test_message ("payload %s", bad->payload);
  apply_fail (op, created, VIGIL_ROLE_ANALYST, VIGIL_OP_ERROR_INVALID, bad->field);
}

static void
test_apply_update_long_title (void)
{
  g_autoptr(VigilIncident) created = new_created ();
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autofree char *title = repeat ("y", 201);
  g_autoptr(VigilOp) op = NULL;

  json_object_set_string_member (payload, "title", title);
  op = make_op_full ("incident.update", INCIDENT_ID, ANALYST, 1, T0, payload);
  apply_fail (op, created, VIGIL_ROLE_ANALYST, VIGIL_OP_ERROR_INVALID, "title");
}

static void
test_apply_update_read_only_pending (void)
{
  static const char * const frozen[] = {
    "{'title':'Changed'}",
    "{'severity':'low'}",
    "{'description':'x'}",
    "{'type':'malware'}",
    "{'aware_at':'2025-03-01T09:00:00Z'}",
    "{'reporter':'Zed'}",
    "{'affected_systems':['x']}",
    "{'detection_method':'monitoring'}",
    "{'owner':'erin','title':'Changed'}",
  };
  g_autoptr(VigilIncident) pending = new_pending (5);
  g_autoptr(VigilOp) owner = make_op_for ("incident.update", pending, ANALYST, T0,
                                          "{'owner':'erin'}");
  g_autoptr(VigilIncident) reassigned = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (frozen); i++)
    {
      g_autoptr(VigilOp) op = make_op_for ("incident.update", pending, ANALYST, T0, frozen[i]);

      g_test_message ("payload %s", frozen[i]);
      apply_fail (op, pending, VIGIL_ROLE_ANALYST, VIGIL_OP_ERROR_READ_ONLY, NULL);
    }

  /* the owner is not part of what the lead approves */
  reassigned = apply_ok (owner, pending, VIGIL_ROLE_ANALYST);
  g_assert_cmpstr (vigil_incident_get_owner (reassigned), ==, "erin");
  g_assert_cmpint (vigil_incident_get_approval_state (reassigned), ==, VIGIL_APPROVAL_PENDING);
  g_assert_cmpuint (vigil_incident_get_step (reassigned), ==, 8);
}

static void
test_apply_update_read_only_approved (void)
{
  g_autoptr(VigilIncident) approved = new_approved ();
  g_autoptr(VigilIncident) at11 = move_ok (approved, 11, "2025-03-01T10:05:00Z");
  g_autoptr(VigilOp) title9 = make_op_for ("incident.update", approved, ANALYST, T0,
                                           "{'title':'Changed'}");
  g_autoptr(VigilOp) severity11 = make_op_for ("incident.update", at11, LEAD, T0,
                                               "{'severity':'low'}");
  g_autoptr(VigilOp) owner = make_op_for ("incident.update", at11, ANALYST, T0,
                                          "{'owner':'erin'}");
  g_autoptr(VigilIncident) reassigned = NULL;

  apply_fail (title9, approved, VIGIL_ROLE_ANALYST, VIGIL_OP_ERROR_READ_ONLY, NULL);
  apply_fail (severity11, at11, VIGIL_ROLE_LEAD, VIGIL_OP_ERROR_READ_ONLY, NULL);

  reassigned = apply_ok (owner, at11, VIGIL_ROLE_ANALYST);
  g_assert_cmpstr (vigil_incident_get_owner (reassigned), ==, "erin");
  g_assert_cmpint (vigil_incident_get_approval_state (reassigned), ==, VIGIL_APPROVAL_APPROVED);
}

static void
test_apply_update_after_reject (void)
{
  g_autoptr(VigilIncident) rejected = new_rejected (6);
  g_autoptr(VigilOp) op = make_op_for ("incident.update", rejected, ANALYST, T0,
                                       "{'title':'With the logs','severity':'critical'}");
  g_autoptr(VigilIncident) updated = apply_ok (op, rejected, VIGIL_ROLE_ANALYST);

  g_assert_cmpstr (vigil_incident_get_title (updated), ==, "With the logs");
  g_assert_cmpuint (vigil_incident_get_step (updated), ==, 6);
}

/* incident.move */

static void
test_apply_move (void)
{
  g_autoptr(VigilIncident) created = new_created ();
  g_autoptr(VigilIncident) at7 = move_ok (created, 7, "2025-03-01T10:10:00Z");
  g_autoptr(VigilIncident) at2 = move_ok (at7, 2, "2025-03-01T10:11:00Z");
  g_autoptr(VigilIncident) at3 = move_ok (at2, 3, "2025-03-01T10:12:00Z");
  g_autoptr(VigilOp) op = make_op_for ("incident.move", at3, ANALYST, T0, "{'to':5}");
  g_autoptr(JsonArray) changes = NULL;
  g_autoptr(VigilIncident) at5 = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (vigil_incident_get_revision (at3), ==, 4);
  g_assert_cmpint (vigil_incident_get_approval_state (at3), ==, VIGIL_APPROVAL_NONE);

  at5 = vigil_op_apply (op, at3, VIGIL_ROLE_ANALYST, &changes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vigil_incident_get_step (at5), ==, 5);
  g_assert_nonnull (find_change (changes, "step"));
}

static const BadPayload bad_move_payloads[] = {
  { "{'to':0}", "to" },
  { "{'to':16}", "to" },
  { "{'to':-1}", "to" },
  { "{'to':'5'}", "to" },
  { "{'to':null}", "to" },
  { "{}", "to" },
  { "{'to':3}", NULL },      /* the current step */
  { "{'to':8}", NULL },      /* only approval.submit enters step 8 */
};

static void
test_apply_move_bad_payload (gconstpointer data)
{
  const BadPayload *bad = data;
  g_autoptr(VigilIncident) complete = new_complete (3);
  g_autoptr(VigilOp) op = make_op_for ("incident.move", complete, ANALYST, T0, bad->payload);

  g_test_message ("payload %s", bad->payload);
  apply_fail (op, complete, VIGIL_ROLE_ANALYST, VIGIL_OP_ERROR_INVALID, bad->field);
}

static void
assert_gate_message (const GError *error)
{
  g_autofree char *lower = g_utf8_strdown (error->message, -1);

  g_test_message ("message: %s", error->message);
  g_assert_nonnull (strstr (lower, "approv"));
  g_assert_nonnull (strstr (lower, "lead"));
}

static void
assert_gate (VigilIncident *incident,
             guint          to,
             VigilRole      role)
{
  g_autofree char *payload = g_strdup_printf ("{'to':%u}", to);
  g_autoptr(VigilOp) op = make_op_for ("incident.move", incident, ANALYST, T0, payload);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) result = NULL;

  g_test_message ("step %u -> %u", vigil_incident_get_step (incident), to);
  result = vigil_op_apply (op, incident, role, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_GATE);
  assert_gate_message (error);
}

static void
test_apply_move_gate (void)
{
  g_autoptr(VigilIncident) complete = new_complete (7);
  g_autoptr(VigilIncident) created = new_created ();
  g_autoptr(VigilIncident) rejected = new_rejected (4);

  for (guint to = 9; to <= VIGIL_N_STEPS; to++)
    {
      assert_gate (complete, to, VIGIL_ROLE_ANALYST);
      /* the lead cannot skip the gate by moving the card either */
      assert_gate (complete, to, VIGIL_ROLE_LEAD);
      assert_gate (created, to, VIGIL_ROLE_ANALYST);
      assert_gate (rejected, to, VIGIL_ROLE_ANALYST);
    }
}

static void
test_apply_move_gate_pending (void)
{
  g_autoptr(VigilIncident) pending = new_pending (7);

  assert_gate (pending, 9, VIGIL_ROLE_ANALYST);
  assert_gate (pending, 9, VIGIL_ROLE_LEAD);
  assert_gate (pending, 15, VIGIL_ROLE_ANALYST);
}

static void
test_apply_move_withdraw (void)
{
  g_autoptr(VigilIncident) pending = new_pending (7);
  g_autoptr(VigilIncident) withdrawn = move_ok (pending, 3, "2025-03-01T10:30:00Z");
  g_autoptr(VigilOp) edit = make_op_for ("incident.update", withdrawn, ANALYST, T0,
                                         "{'title':'Editable again'}");
  g_autoptr(VigilIncident) edited = NULL;

  g_assert_cmpint (vigil_incident_get_approval_state (withdrawn), ==, VIGIL_APPROVAL_NONE);
  g_assert_cmpint (vigil_incident_get_revision (withdrawn), ==,
                   vigil_incident_get_revision (pending) + 1);

  /* no longer frozen */
  edited = apply_ok (edit, withdrawn, VIGIL_ROLE_ANALYST);
  g_assert_cmpstr (vigil_incident_get_title (edited), ==, "Editable again");
}

static void
test_apply_move_approved (void)
{
  g_autoptr(VigilIncident) approved = new_approved ();
  g_autoptr(VigilIncident) at10 = move_ok (approved, 10, "2025-03-01T10:10:00Z");
  g_autoptr(VigilIncident) at9 = move_ok (at10, 9, "2025-03-01T10:11:00Z");
  g_autoptr(VigilIncident) at13 = move_ok (at9, 13, "2025-03-01T10:12:00Z");
  g_autoptr(VigilIncident) at12 = move_ok (at13, 12, "2025-03-01T10:13:00Z");

  g_assert_cmpint (vigil_incident_get_approval_state (at12), ==, VIGIL_APPROVAL_APPROVED);
  g_assert_false (vigil_incident_is_archived (at12));
}

static void
test_apply_move_approved_frozen (void)
{
  g_autoptr(VigilIncident) approved = new_approved ();
  g_autoptr(VigilIncident) at11 = move_ok (approved, 11, "2025-03-01T10:10:00Z");

  for (guint to = 1; to <= 7; to++)
    {
      g_autofree char *payload = g_strdup_printf ("{'to':%u}", to);
      g_autoptr(VigilOp) from9 = make_op_for ("incident.move", approved, ANALYST, T0, payload);
      g_autoptr(VigilOp) from11 = make_op_for ("incident.move", at11, LEAD, T0, payload);

      g_test_message ("back to %u", to);
      apply_fail (from9, approved, VIGIL_ROLE_ANALYST, VIGIL_OP_ERROR_READ_ONLY, NULL);
      apply_fail (from11, at11, VIGIL_ROLE_LEAD, VIGIL_OP_ERROR_READ_ONLY, NULL);
    }

  /* back into step 8 is refused too, whichever rule says so */
  {
    g_autoptr(VigilOp) op = make_op_for ("incident.move", approved, ANALYST, T0, "{'to':8}");
    g_autoptr(GError) error = NULL;
    g_autoptr(VigilIncident) result = vigil_op_apply (op, approved, VIGIL_ROLE_ANALYST,
                                                      NULL, &error);

    g_assert_null (result);
    g_assert_true (g_error_matches (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID) ||
                   g_error_matches (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_READ_ONLY));
  }
}

static void
test_apply_move_archive (void)
{
  g_autoptr(VigilIncident) approved = new_approved ();
  g_autoptr(VigilIncident) at14 = move_ok (approved, 14, "2025-03-01T10:10:00Z");
  g_autoptr(VigilIncident) archived = move_ok (at14, 15, "2025-03-01T10:11:00Z");
  g_autoptr(VigilIncident) direct = move_ok (approved, 15, "2025-03-01T10:12:00Z");

  g_assert_false (vigil_incident_is_archived (at14));
  g_assert_true (vigil_incident_is_archived (archived));
  g_assert_true (vigil_incident_is_archived (direct));
}

static void
test_apply_archived_read_only (void)
{
  g_autoptr(VigilIncident) archived = new_archived ();
  static const struct {
    const char *kind;
    const char *payload;
    const char *actor;
    VigilRole   role;
  } ops[] = {
    { "incident.move", "{'to':14}", ANALYST, VIGIL_ROLE_ANALYST },
    { "incident.move", "{'to':9}", LEAD, VIGIL_ROLE_LEAD },
    { "incident.move", "{'to':2}", ANALYST, VIGIL_ROLE_ANALYST },
    { "incident.update", "{'title':'Late edit'}", ANALYST, VIGIL_ROLE_ANALYST },
    { "incident.update", "{'owner':'erin'}", ANALYST, VIGIL_ROLE_ANALYST },
    { "incident.update", "{'owner':'erin'}", LEAD, VIGIL_ROLE_LEAD },
    { "approval.submit", "{}", ANALYST, VIGIL_ROLE_ANALYST },
    { "approval.decide", "{'decision':'reject','comment':'reopen'}", "carl", VIGIL_ROLE_LEAD },
  };

  g_assert_true (vigil_incident_is_archived (archived));

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      g_autoptr(VigilOp) op = make_op_for (ops[i].kind, archived, ops[i].actor, T0,
                                           ops[i].payload);

      g_test_message ("%s %s", ops[i].kind, ops[i].payload);
      apply_fail (op, archived, ops[i].role, VIGIL_OP_ERROR_READ_ONLY, NULL);
    }
}

/* approval.submit */

static void
test_apply_submit (void)
{
  g_autoptr(VigilIncident) complete = new_complete (5);
  g_autoptr(VigilOp) op = make_op_for ("approval.submit", complete, ANALYST,
                                       "2025-03-01T10:40:00Z", "{}");
  g_autoptr(VigilIncident) pending = apply_ok (op, complete, VIGIL_ROLE_ANALYST);
  g_autofree char *hash = vigil_incident_dup_snapshot_hash (pending);
  g_autofree char *hash_before = vigil_incident_dup_snapshot_hash (complete);

  g_assert_cmpuint (vigil_incident_get_step (pending), ==, 8);
  g_assert_cmpint (vigil_incident_get_revision (pending), ==,
                   vigil_incident_get_revision (complete) + 1);
  g_assert_cmpint (vigil_incident_get_approval_state (pending), ==, VIGIL_APPROVAL_PENDING);
  g_assert_cmpstr (vigil_incident_get_submitted_by (pending), ==, ANALYST);
  g_assert_cmpuint (vigil_incident_get_submitted_from (pending), ==, 5);
  g_assert_nonnull (vigil_incident_get_submitted_at (pending));
  g_assert_true (is_lower_hex (vigil_incident_get_snapshot_hash (pending), 64));
  g_assert_cmpstr (vigil_incident_get_snapshot_hash (pending), ==, hash);
  /* submitting does not change what is approved */
  g_assert_cmpstr (hash, ==, hash_before);
  assert_time_is (vigil_incident_get_updated_at (pending), "2025-03-01T10:40:00Z");
}

static void
test_apply_submit_from_each_step (void)
{
  for (guint step = 1; step <= 7; step++)
    {
      g_autoptr(VigilIncident) pending = new_pending (step);

      g_assert_cmpuint (vigil_incident_get_step (pending), ==, 8);
      g_assert_cmpuint (vigil_incident_get_submitted_from (pending), ==, step);
    }
}

static void
test_apply_submit_missing (void)
{
  g_autoptr(VigilIncident) created = new_created ();
  g_autoptr(VigilOp) op = make_op_for ("approval.submit", created, ANALYST, T0, "{}");
  g_autoptr(VigilIncident) empty = vigil_incident_new (INCIDENT_ID);
  g_autoptr(VigilOp) op_empty = make_op_for ("approval.submit", empty, ANALYST, T0, "{}");
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) result = NULL;

  /* created without awareness time and severity */
  result = vigil_op_apply (op, created, VIGIL_ROLE_ANALYST, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID);
  g_test_message ("message: %s", error->message);
  g_assert_nonnull (strstr (error->message, "severity"));
  g_assert_nonnull (strstr (error->message, "aware_at"));
  g_clear_error (&error);

  /* nothing at all */
  result = vigil_op_apply (op_empty, empty, VIGIL_ROLE_ANALYST, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID);
  g_test_message ("message: %s", error->message);
  g_assert_nonnull (strstr (error->message, "title"));
  g_assert_nonnull (strstr (error->message, "type"));
  g_assert_nonnull (strstr (error->message, "severity"));
  g_assert_nonnull (strstr (error->message, "aware_at"));
  g_assert_nonnull (strstr (error->message, "findings.summary"));
  g_assert_nonnull (strstr (error->message, "escalate.escalate"));
}

static void
test_apply_submit_wrong_step (void)
{
  g_autoptr(VigilIncident) pending = new_pending (4);
  g_autoptr(VigilIncident) approved = new_approved ();
  g_autoptr(VigilIncident) at12 = move_ok (approved, 12, "2025-03-01T10:20:00Z");
  VigilIncident *states[] = { pending, approved, at12 };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_autoptr(VigilOp) op = make_op_for ("approval.submit", states[i], ANALYST, T0, "{}");

      g_test_message ("from step %u", vigil_incident_get_step (states[i]));
      apply_fail (op, states[i], VIGIL_ROLE_ANALYST, VIGIL_OP_ERROR_INVALID, NULL);
    }
}

static void
test_missing_for_approval (void)
{
  g_autoptr(VigilIncident) empty = vigil_incident_new (INCIDENT_ID);
  g_autoptr(VigilIncident) created = new_created ();
  g_autoptr(VigilIncident) complete = new_complete (1);
  g_auto(GStrv) all = vigil_incident_list_missing_for_approval (empty);
  g_auto(GStrv) some = vigil_incident_list_missing_for_approval (created);
  g_auto(GStrv) none = vigil_incident_list_missing_for_approval (complete);

  g_assert_nonnull (all);
  g_assert_cmpuint (g_strv_length (all), ==, 6);
  g_assert_true (g_strv_contains ((const char * const *) all, "title"));
  g_assert_true (g_strv_contains ((const char * const *) all, "type"));
  g_assert_true (g_strv_contains ((const char * const *) all, "aware_at"));
  g_assert_true (g_strv_contains ((const char * const *) all, "severity"));
  g_assert_true (g_strv_contains ((const char * const *) all, "findings.summary"));
  g_assert_true (g_strv_contains ((const char * const *) all, "escalate.escalate"));

  g_assert_nonnull (some);
  g_assert_cmpuint (g_strv_length (some), ==, 4);
  g_assert_true (g_strv_contains ((const char * const *) some, "aware_at"));
  g_assert_true (g_strv_contains ((const char * const *) some, "severity"));
  g_assert_true (g_strv_contains ((const char * const *) some, "findings.summary"));
  g_assert_true (g_strv_contains ((const char * const *) some, "escalate.escalate"));

  g_assert_nonnull (none);
  g_assert_cmpuint (g_strv_length (none), ==, 0);
}

/* approval.decide */

static void
test_apply_decide_approve (void)
{
  g_autoptr(VigilIncident) pending = new_pending (6);
  g_autoptr(VigilOp) op = make_op_for ("approval.decide", pending, LEAD,
                                       "2025-03-01T11:00:00Z",
                                       "{'decision':'approve','comment':'Go ahead'}");
  g_autoptr(VigilIncident) approved = apply_ok (op, pending, VIGIL_ROLE_LEAD);

  g_assert_cmpuint (vigil_incident_get_step (approved), ==, 9);
  g_assert_cmpint (vigil_incident_get_approval_state (approved), ==, VIGIL_APPROVAL_APPROVED);
  g_assert_cmpstr (vigil_incident_get_decided_by (approved), ==, LEAD);
  g_assert_nonnull (vigil_incident_get_decided_at (approved));
  g_assert_cmpstr (vigil_incident_get_decision_comment (approved), ==, "Go ahead");
  g_assert_cmpint (vigil_incident_get_revision (approved), ==,
                   vigil_incident_get_revision (pending) + 1);
  /* the submission stays on record */
  g_assert_cmpstr (vigil_incident_get_submitted_by (approved), ==, ANALYST);
  g_assert_cmpstr (vigil_incident_get_snapshot_hash (approved), ==,
                   vigil_incident_get_snapshot_hash (pending));
}

static void
test_apply_decide_reject (void)
{
  g_autoptr(VigilIncident) pending = new_pending (6);
  g_autoptr(VigilOp) op = make_op_for ("approval.decide", pending, LEAD,
                                       "2025-03-01T11:00:00Z",
                                       "{'decision':'reject','comment':'Add the firewall logs'}");
  g_autoptr(VigilIncident) rejected = apply_ok (op, pending, VIGIL_ROLE_LEAD);

  g_assert_cmpuint (vigil_incident_get_step (rejected), ==, 6);
  g_assert_cmpint (vigil_incident_get_approval_state (rejected), ==, VIGIL_APPROVAL_REJECTED);
  g_assert_cmpstr (vigil_incident_get_decided_by (rejected), ==, LEAD);
  g_assert_cmpstr (vigil_incident_get_decision_comment (rejected), ==, "Add the firewall logs");
}

static void
test_apply_decide_reject_comment (void)
{
  static const char * const payloads[] = {
    "{'decision':'reject'}",
    "{'decision':'reject','comment':''}",
    "{'decision':'reject','comment':null}",
  };
  g_autoptr(VigilIncident) pending = new_pending (3);

  for (guint i = 0; i < G_N_ELEMENTS (payloads); i++)
    {
      g_autoptr(VigilOp) op = make_op_for ("approval.decide", pending, LEAD, T0, payloads[i]);

      g_test_message ("payload %s", payloads[i]);
      apply_fail (op, pending, VIGIL_ROLE_LEAD, VIGIL_OP_ERROR_INVALID, "comment");
    }
}

static void
test_apply_decide_bad_decision (void)
{
  static const char * const payloads[] = {
    "{'decision':'maybe','comment':'hm'}",
    "{'decision':'approved','comment':'hm'}",
    "{'decision':1,'comment':'hm'}",
    "{'comment':'hm'}",
  };
  g_autoptr(VigilIncident) pending = new_pending (3);

  for (guint i = 0; i < G_N_ELEMENTS (payloads); i++)
    {
      g_autoptr(VigilOp) op = make_op_for ("approval.decide", pending, LEAD, T0, payloads[i]);

      g_test_message ("payload %s", payloads[i]);
      apply_fail (op, pending, VIGIL_ROLE_LEAD, VIGIL_OP_ERROR_INVALID, "decision");
    }
}

static void
test_apply_decide_four_eyes (void)
{
  g_autoptr(VigilIncident) pending = new_pending (3);
  g_autoptr(VigilOp) approve = make_op_for ("approval.decide", pending, ANALYST, T0,
                                            "{'decision':'approve','comment':'self'}");
  g_autoptr(VigilOp) reject = make_op_for ("approval.decide", pending, ANALYST, T0,
                                           "{'decision':'reject','comment':'self'}");

  /* even a lead may not decide on their own submission */
  apply_fail (approve, pending, VIGIL_ROLE_LEAD, VIGIL_OP_ERROR_FORBIDDEN, NULL);
  apply_fail (reject, pending, VIGIL_ROLE_LEAD, VIGIL_OP_ERROR_FORBIDDEN, NULL);
}

static void
test_apply_decide_lead_submitted (void)
{
  g_autoptr(VigilIncident) complete = new_complete (2);
  g_autoptr(VigilOp) submit = make_op_for ("approval.submit", complete, LEAD, T0, "{}");
  g_autoptr(VigilIncident) pending = apply_ok (submit, complete, VIGIL_ROLE_LEAD);
  g_autoptr(VigilOp) self = make_op_for ("approval.decide", pending, LEAD, T0,
                                         "{'decision':'approve','comment':'self'}");
  g_autoptr(VigilOp) other = make_op_for ("approval.decide", pending, "carl", T0,
                                          "{'decision':'approve','comment':'ok'}");
  g_autoptr(VigilIncident) approved = NULL;

  apply_fail (self, pending, VIGIL_ROLE_LEAD, VIGIL_OP_ERROR_FORBIDDEN, NULL);
  approved = apply_ok (other, pending, VIGIL_ROLE_LEAD);
  g_assert_cmpstr (vigil_incident_get_decided_by (approved), ==, "carl");
}

static void
test_apply_decide_conflict (void)
{
  g_autoptr(VigilIncident) pending = new_pending (3);
  gint64 rev = vigil_incident_get_revision (pending);
  g_autoptr(VigilOp) stale = make_op ("approval.decide", INCIDENT_ID, LEAD, rev - 1, T0,
                                      "{'decision':'approve','comment':'ok'}");
  g_autoptr(VigilOp) ahead = make_op ("approval.decide", INCIDENT_ID, LEAD, rev + 1, T0,
                                      "{'decision':'reject','comment':'no'}");

  apply_fail (stale, pending, VIGIL_ROLE_LEAD, VIGIL_OP_ERROR_CONFLICT, NULL);
  apply_fail (ahead, pending, VIGIL_ROLE_LEAD, VIGIL_OP_ERROR_CONFLICT, NULL);
}

static void
test_apply_decide_conflict_after_owner_change (void)
{
  /* the lead decided on what they saw; any later change makes it stale */
  g_autoptr(VigilIncident) pending = new_pending (3);
  g_autoptr(VigilOp) decide = make_op_for ("approval.decide", pending, LEAD, T0,
                                           "{'decision':'approve','comment':'ok'}");
  g_autoptr(VigilOp) owner = make_op_for ("incident.update", pending, ANALYST, T0,
                                          "{'owner':'erin'}");
  g_autoptr(VigilIncident) reassigned = apply_ok (owner, pending, VIGIL_ROLE_ANALYST);

  apply_fail (decide, reassigned, VIGIL_ROLE_LEAD, VIGIL_OP_ERROR_CONFLICT, NULL);
}

static void
test_apply_decide_not_pending (void)
{
  g_autoptr(VigilIncident) complete = new_complete (3);
  g_autoptr(VigilIncident) approved = new_approved ();
  g_autoptr(VigilIncident) rejected = new_rejected (5);
  VigilIncident *states[] = { complete, approved, rejected };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_autoptr(VigilOp) op = make_op_for ("approval.decide", states[i], "carl", T0,
                                           "{'decision':'approve','comment':'ok'}");

      g_test_message ("state %s",
                      vigil_approval_state_to_string (
                        vigil_incident_get_approval_state (states[i])));
      apply_fail (op, states[i], VIGIL_ROLE_LEAD, VIGIL_OP_ERROR_INVALID, NULL);
    }
}

static void
test_apply_decide_resubmit (void)
{
  g_autoptr(VigilIncident) rejected = new_rejected (5);
  g_autoptr(VigilOp) fix = make_op_for ("incident.update", rejected, ANALYST,
                                        "2025-03-01T12:00:00Z", "{'severity':'critical'}");
  g_autoptr(VigilIncident) fixed = apply_ok (fix, rejected, VIGIL_ROLE_ANALYST);
  g_autoptr(VigilOp) submit = make_op_for ("approval.submit", fixed, ANALYST,
                                           "2025-03-01T12:01:00Z", "{}");
  g_autoptr(VigilIncident) pending = apply_ok (submit, fixed, VIGIL_ROLE_ANALYST);
  g_autoptr(VigilOp) decide = make_op_for ("approval.decide", pending, LEAD,
                                           "2025-03-01T12:02:00Z",
                                           "{'decision':'approve','comment':'Better'}");
  g_autoptr(VigilIncident) approved = apply_ok (decide, pending, VIGIL_ROLE_LEAD);

  g_assert_cmpint (vigil_incident_get_approval_state (pending), ==, VIGIL_APPROVAL_PENDING);
  g_assert_cmpuint (vigil_incident_get_submitted_from (pending), ==, 5);
  g_assert_cmpstr (vigil_incident_get_snapshot_hash (pending), !=,
                   vigil_incident_get_snapshot_hash (rejected));
  g_assert_cmpuint (vigil_incident_get_step (approved), ==, 9);
  g_assert_cmpstr (vigil_incident_get_decision_comment (approved), ==, "Better");
}

/* snapshot hash through operations */

static void
test_snapshot_hash_ops (void)
{
  g_autoptr(VigilIncident) complete = new_complete (3);
  g_autofree char *base = vigil_incident_dup_snapshot_hash (complete);
  g_autoptr(VigilOp) title = make_op_for ("incident.update", complete, ANALYST, T0,
                                          "{'title':'Another title'}");
  g_autoptr(VigilOp) severity = make_op_for ("incident.update", complete, ANALYST, T0,
                                             "{'severity':'low'}");
  g_autoptr(VigilOp) owner = make_op_for ("incident.update", complete, ANALYST, T0,
                                          "{'owner':'erin'}");
  g_autoptr(VigilOp) move = make_op_for ("incident.move", complete, ANALYST, T0, "{'to':6}");
  g_autoptr(VigilIncident) after_title = apply_ok (title, complete, VIGIL_ROLE_ANALYST);
  g_autoptr(VigilIncident) after_severity = apply_ok (severity, complete, VIGIL_ROLE_ANALYST);
  g_autoptr(VigilIncident) after_owner = apply_ok (owner, complete, VIGIL_ROLE_ANALYST);
  g_autoptr(VigilIncident) after_move = apply_ok (move, complete, VIGIL_ROLE_ANALYST);
  g_autofree char *h_title = vigil_incident_dup_snapshot_hash (after_title);
  g_autofree char *h_severity = vigil_incident_dup_snapshot_hash (after_severity);
  g_autofree char *h_owner = vigil_incident_dup_snapshot_hash (after_owner);
  g_autofree char *h_move = vigil_incident_dup_snapshot_hash (after_move);

  g_assert_true (is_lower_hex (base, 64));
  g_assert_cmpstr (h_title, !=, base);
  g_assert_cmpstr (h_severity, !=, base);
  g_assert_cmpstr (h_severity, !=, h_title);
  g_assert_cmpstr (h_owner, ==, base);
  g_assert_cmpstr (h_move, ==, base);
}

static void
test_snapshot_hash_pending_owner (void)
{
  g_autoptr(VigilIncident) pending = new_pending (7);
  g_autoptr(VigilOp) owner = make_op_for ("incident.update", pending, ANALYST, T0,
                                          "{'owner':'erin'}");
  g_autoptr(VigilIncident) reassigned = apply_ok (owner, pending, VIGIL_ROLE_ANALYST);
  g_autofree char *now = vigil_incident_dup_snapshot_hash (reassigned);

  /* what the lead will see is still what was submitted */
  g_assert_cmpstr (vigil_incident_get_snapshot_hash (reassigned), ==,
                   vigil_incident_get_snapshot_hash (pending));
  g_assert_cmpstr (now, ==, vigil_incident_get_snapshot_hash (pending));
}

/* the field of a refusal */

static void
test_error_field (void)
{
  g_autoptr(VigilIncident) complete = new_complete (3);
  g_autoptr(VigilIncident) created = new_created ();
  g_autoptr(VigilOp) bad = make_op_for ("incident.update", complete, ANALYST, T0,
                                        "{'severity':'extreme'}");
  g_autoptr(VigilOp) gate = make_op_for ("incident.move", complete, ANALYST, T0, "{'to':9}");
  g_autoptr(VigilOp) submit = make_op_for ("approval.submit", created, ANALYST, T0, "{}");
  g_autoptr(VigilIncident) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;
  g_autofree char *rebuilt = NULL;

  result = vigil_op_apply (bad, complete, VIGIL_ROLE_ANALYST, NULL, &error);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID);
  field = vigil_op_error_dup_field (error);
  g_assert_cmpstr (field, ==, "severity");
  rebuilt = g_strconcat ("severity: ", vigil_op_error_get_reason (error), NULL);
  g_assert_cmpstr (error->message, ==, rebuilt);
  g_clear_pointer (&field, g_free);
  g_clear_error (&error);

  /* not about one field: no field, the whole message is the reason */
  result = vigil_op_apply (gate, complete, VIGIL_ROLE_ANALYST, NULL, &error);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_GATE);
  field = vigil_op_error_dup_field (error);
  g_assert_null (field);
  g_assert_cmpstr (vigil_op_error_get_reason (error), ==, error->message);
  g_clear_error (&error);

  /* two fields missing for approval */
  result = vigil_op_apply (submit, created, VIGIL_ROLE_ANALYST, NULL, &error);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID);
  field = vigil_op_error_dup_field (error);
  g_assert_null (field);
  g_assert_cmpstr (vigil_op_error_get_reason (error), ==, error->message);
}

static void
add_table_tests (const char       *prefix,
                 const BadPayload *table,
                 guint             n,
                 GTestDataFunc     func)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%02u-%s", prefix, i,
                                               table[i].field != NULL ? table[i].field : "any");

      g_test_add_data_func (path, &table[i], func);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vigil/op/kind/strings", test_kind_strings);
  g_test_add_func ("/vigil/op/role/strings", test_role_strings);
  g_test_add_func ("/vigil/op/new", test_new);
  g_test_add_func ("/vigil/op/new/unique-ids", test_new_unique_ids);
  g_test_add_func ("/vigil/op/set-actor", test_set_actor);

  g_test_add_func ("/vigil/op/json/round-trip", test_json_round_trip);
  g_test_add_func ("/vigil/op/json/shape", test_json_shape);
  g_test_add_func ("/vigil/op/json/payload-default", test_json_payload_default);
  g_assert_cmpuint (G_N_ELEMENTS (bad_ops), >=, 10);
  for (guint i = 0; i < G_N_ELEMENTS (bad_ops); i++)
    {
      g_autofree char *path = g_strdup_printf ("/vigil/op/json/bad-document/%02u-%s", i,
                                               bad_ops[i].field != NULL ?
                                               bad_ops[i].field : "any");

      g_test_add_data_func (path, &bad_ops[i], test_json_bad_op);
    }

  g_test_add_func ("/vigil/op/apply/create", test_apply_create);
  g_test_add_func ("/vigil/op/apply/create/other-type", test_apply_create_other_type);
  g_test_add_func ("/vigil/op/apply/create/padded-title", test_apply_create_padded_title);
  g_test_add_func ("/vigil/op/apply/create/step1-fields", test_apply_create_step1_fields);
  g_test_add_func ("/vigil/op/apply/create/limits", test_apply_create_limits);
  g_test_add_func ("/vigil/op/apply/create/time-limits", test_apply_create_time_limits);
  g_test_add_func ("/vigil/op/apply/create/exists", test_apply_create_exists);
  add_table_tests ("/vigil/op/apply/create/bad-payload", bad_create_payloads,
                   G_N_ELEMENTS (bad_create_payloads), test_apply_create_bad_payload);
  g_test_add_func ("/vigil/op/apply/not-found", test_apply_not_found);

  g_test_add_func ("/vigil/op/apply/roles/forbidden", test_apply_roles_forbidden);
  g_test_add_func ("/vigil/op/apply/roles/lead", test_apply_roles_lead_works);
  g_test_add_func ("/vigil/op/apply/roles/analyst", test_apply_roles_analyst);

  g_test_add_func ("/vigil/op/apply/revision", test_apply_revision);
  g_test_add_func ("/vigil/op/apply/input-unchanged", test_apply_input_unchanged);

  g_test_add_func ("/vigil/op/apply/update", test_apply_update);
  g_test_add_func ("/vigil/op/apply/update/changes", test_apply_update_changes);
  g_test_add_func ("/vigil/op/apply/update/owner-change", test_apply_update_owner_change);
  g_test_add_func ("/vigil/op/apply/update/clear", test_apply_update_clear);
  g_test_add_func ("/vigil/op/apply/update/long-title", test_apply_update_long_title);
  add_table_tests ("/vigil/op/apply/update/bad-payload", bad_update_payloads,
                   G_N_ELEMENTS (bad_update_payloads), test_apply_update_bad_payload);
  g_test_add_func ("/vigil/op/apply/update/read-only-pending",
                   test_apply_update_read_only_pending);
  g_test_add_func ("/vigil/op/apply/update/read-only-approved",
                   test_apply_update_read_only_approved);
  g_test_add_func ("/vigil/op/apply/update/after-reject", test_apply_update_after_reject);

  g_test_add_func ("/vigil/op/apply/move", test_apply_move);
  add_table_tests ("/vigil/op/apply/move/bad-payload", bad_move_payloads,
                   G_N_ELEMENTS (bad_move_payloads), test_apply_move_bad_payload);
  g_test_add_func ("/vigil/op/apply/move/gate", test_apply_move_gate);
  g_test_add_func ("/vigil/op/apply/move/gate-pending", test_apply_move_gate_pending);
  g_test_add_func ("/vigil/op/apply/move/withdraw", test_apply_move_withdraw);
  g_test_add_func ("/vigil/op/apply/move/approved", test_apply_move_approved);
  g_test_add_func ("/vigil/op/apply/move/approved-frozen", test_apply_move_approved_frozen);
  g_test_add_func ("/vigil/op/apply/move/archive", test_apply_move_archive);
  g_test_add_func ("/vigil/op/apply/archived-read-only", test_apply_archived_read_only);

  g_test_add_func ("/vigil/op/apply/submit", test_apply_submit);
  g_test_add_func ("/vigil/op/apply/submit/from-each-step", test_apply_submit_from_each_step);
  g_test_add_func ("/vigil/op/apply/submit/missing", test_apply_submit_missing);
  g_test_add_func ("/vigil/op/apply/submit/wrong-step", test_apply_submit_wrong_step);
  g_test_add_func ("/vigil/op/missing-for-approval", test_missing_for_approval);

  g_test_add_func ("/vigil/op/apply/decide/approve", test_apply_decide_approve);
  g_test_add_func ("/vigil/op/apply/decide/reject", test_apply_decide_reject);
  g_test_add_func ("/vigil/op/apply/decide/reject-comment", test_apply_decide_reject_comment);
  g_test_add_func ("/vigil/op/apply/decide/bad-decision", test_apply_decide_bad_decision);
  g_test_add_func ("/vigil/op/apply/decide/four-eyes", test_apply_decide_four_eyes);
  g_test_add_func ("/vigil/op/apply/decide/lead-submitted", test_apply_decide_lead_submitted);
  g_test_add_func ("/vigil/op/apply/decide/conflict", test_apply_decide_conflict);
  g_test_add_func ("/vigil/op/apply/decide/conflict-after-change",
                   test_apply_decide_conflict_after_owner_change);
  g_test_add_func ("/vigil/op/apply/decide/not-pending", test_apply_decide_not_pending);
  g_test_add_func ("/vigil/op/apply/decide/resubmit", test_apply_decide_resubmit);

  g_test_add_func ("/vigil/op/error/field", test_error_field);
  g_test_add_func ("/vigil/op/snapshot-hash/ops", test_snapshot_hash_ops);
  g_test_add_func ("/vigil/op/snapshot-hash/pending-owner", test_snapshot_hash_pending_owner);

  return g_test_run ();
}
