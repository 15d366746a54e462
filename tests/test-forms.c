/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include <vigil/vigil.h>
#include "test-core-util.h"

/* Every operation of these tests happens at T0 unless said otherwise. */
#define T0 "2025-03-01T10:00:00Z"

#define ANALYST "alice"
#define LEAD    "bob"
#define LEAD2   "carol"

#define SHA_ABC   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA_OTHER "0000000000000000000000000000000000000000000000000000000000000001"
#define G64 "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg"

/* helpers: documents use ' for " to stay readable */

static char *
squote_to_json (const char *text)
{
  return g_strdelimit (g_strdup (text), "'", '"');
}

static JsonObject *
parse_object (const char *squoted)
{
  g_autofree char *text = squote_to_json (squoted);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

/* An operation through the JSON reader, as the server gets it. */
static VigilOp *
make_op (const char *kind,
         const char *incident_id,
         const char *actor,
         gint64      base_rev,
         const char *at,
         const char *squoted_payload)
{
  g_autoptr(JsonObject) payload = parse_object (squoted_payload);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_uuid_string_random ();
  VigilOp *op;

  json_object_set_string_member (object, "id", id);
  json_object_set_string_member (object, "incident", incident_id);
  json_object_set_string_member (object, "kind", kind);
  json_object_set_int_member (object, "base_rev", base_rev);
  json_object_set_string_member (object, "actor", actor);
  json_object_set_string_member (object, "at", at);
  json_object_set_object_member (object, "payload", json_object_ref (payload));
  node = json_node_init_object (json_node_alloc (), object);

  op = vigil_op_new_from_json (node, &error);
  g_assert_no_error (error);
  return op;
}

static VigilRole
role_of (const char *actor)
{
  return g_str_equal (actor, LEAD) || g_str_equal (actor, LEAD2) ? VIGIL_ROLE_LEAD
                                                                 : VIGIL_ROLE_ANALYST;
}

/* Applies an operation in memory; the input must stay as it was. */
static VigilIncident *
apply_ok (VigilIncident *incident,
          const char    *kind,
          const char    *actor,
          const char    *payload)
{
  g_autoptr(VigilOp) op = make_op (kind, vigil_incident_get_id (incident), actor,
                                   vigil_incident_get_revision (incident), T0, payload);
  g_autofree char *before = vigil_incident_to_string (incident);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  VigilIncident *result;

  g_test_message ("%s %s", kind, payload);
  result = vigil_op_apply (op, incident, role_of (actor), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  after = vigil_incident_to_string (incident);
  g_assert_cmpstr (before, ==, after);
  return result;
}

/* Applies and replaces *incident with the result. */
static void
chain (VigilIncident **incident,
       const char     *kind,
       const char     *actor,
       const char     *payload)
{
  VigilIncident *result = apply_ok (*incident, kind, actor, payload);

  g_object_unref (*incident);
  *incident = result;
}

static void
apply_fail (VigilIncident *incident,
            const char    *kind,
            const char    *actor,
            VigilRole      role,
            const char    *payload,
            int            code,
            const char    *field)
{
  g_autoptr(VigilOp) op = make_op (kind, vigil_incident_get_id (incident), actor,
                                   vigil_incident_get_revision (incident), T0, payload);
  g_autofree char *before = vigil_incident_to_string (incident);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) result = NULL;
  g_autofree char *named = NULL;

  g_test_message ("%s %s", kind, payload);
  result = vigil_op_apply (op, incident, role, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, VIGIL_OP_ERROR, code);
  g_test_message ("  -> %s", error->message);
  named = vigil_op_error_dup_field (error);
  if (field != NULL)
    g_assert_cmpstr (named, ==, field);

  /* nothing half-applied */
  after = vigil_incident_to_string (incident);
  g_assert_cmpstr (before, ==, after);
}

static VigilIncident *
new_created (void)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr(VigilOp) op = make_op ("incident.create", id, ANALYST, 0, T0,
                                   "{'title':'Phishing wave','type':'phishing',"
                                   "'detected_at':'2025-03-01T08:30:00Z',"
                                   "'aware_at':'2025-03-01T09:00:00Z'}");
  g_autoptr(GError) error = NULL;
  VigilIncident *incident = vigil_op_apply (op, NULL, VIGIL_ROLE_ANALYST, NULL, &error);

  g_assert_no_error (error);
  chain (&incident, "incident.update", ANALYST, "{'severity':'high'}");
  return incident;
}

/* What the lead needs to see before a submission: findings and whether it
 * was escalated. */
static void
fill_for_approval (VigilIncident **incident)
{
  chain (incident, "form.update", ANALYST,
         "{'form':'findings','fields':{'summary':'A user opened a fake invoice'}}");
  chain (incident, "form.update", ANALYST, "{'form':'escalate','fields':{'escalate':false}}");
}

static VigilIncident *
new_pending (void)
{
  VigilIncident *incident = new_created ();

  fill_for_approval (&incident);
  chain (&incident, "approval.submit", ANALYST, "{}");
  return incident;
}

static VigilIncident *
new_approved (void)
{
  VigilIncident *incident = new_pending ();

  chain (&incident, "approval.decide", LEAD, "{'decision':'approve','comment':'Go'}");
  return incident;
}

static VigilIncident *
new_archived (void)
{
  VigilIncident *incident = new_approved ();

  chain (&incident, "incident.move", ANALYST, "{'to':15}");
  g_assert_true (vigil_incident_is_archived (incident));
  return incident;
}

/* An incident with something in every list the bad operations touch. */
static VigilIncident *
new_prepared (void)
{
  VigilIncident *incident = new_created ();

  chain (&incident, "item.add", ANALYST,
         "{'form':'collect','collection':'evidence','item':{'id':'ev1','name':'mail.eml',"
         "'size':3,'sha256':'" SHA_ABC "'}}");
  chain (&incident, "item.add", ANALYST,
         "{'form':'correlate','collection':'indicators','item':{'id':'in1','type':'ip',"
         "'value':'203.0.113.7'}}");
  chain (&incident, "item.add", ANALYST,
         "{'form':'custody','collection':'handovers','item':{'id':'h1','evidence':'ev1',"
         "'from':'alice','to':'evidence locker','at':'2025-03-01T09:30:00Z'}}");
  return incident;
}

static void
assert_strv_has (char       **strv,
                 const char  *text)
{
  if (!g_strv_contains ((const char * const *) strv, text))
    {
      g_autofree char *all = g_strjoinv (" | ", strv);

      g_error ("“%s” not in: %s", text, all);
    }
}

/* the table */

static void
test_table_consistent (void)
{
  guint n_forms;
  const VigilFormInfo *forms = vigil_forms_get_all (&n_forms);
  g_autoptr(GHashTable) form_ids = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean has_step[VIGIL_N_STEPS + 1] = { FALSE, };

  g_assert_cmpuint (n_forms, >, 0);
  for (guint i = 0; i < n_forms; i++)
    {
      const VigilFormInfo *form = &forms[i];
      g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

      g_test_message ("form %s", form->id);
      g_assert_true (g_hash_table_add (form_ids, (gpointer) form->id));
      g_assert_true (vigil_forms_get (form->id) == form);
      g_assert_true (form->step >= 2 && form->step <= VIGIL_N_STEPS);
      /* step 8 is the approval, 15 the archive */
      g_assert_cmpuint (form->step, !=, VIGIL_STEP_APPROVAL);
      g_assert_cmpuint (form->step, !=, VIGIL_STEP_ARCHIVE);
      has_step[form->step] = TRUE;
      g_assert_cmpstr (vigil_form_get_title (form), !=, "");
      /* approved content is exactly steps 2-7, named after its step */
      if (form->approved_content)
        {
          g_assert_cmpuint (form->step, <=, VIGIL_STEP_ESCALATE);
          g_assert_cmpstr (form->id, ==, vigil_process_get_step (form->step)->id);
        }
      g_assert_true (form->n_fields + form->n_collections > 0);

      for (guint f = 0; f < form->n_fields; f++)
        {
          const VigilFieldInfo *field = &form->fields[f];

          g_assert_true (g_hash_table_add (ids, (gpointer) field->id));
          g_assert_true (vigil_form_get_field (form, field->id) == field);
          g_assert_cmpint (field->kind, !=, VIGIL_FIELD_REF);
          if (field->when != NULL)
            g_assert_cmpint (vigil_form_get_field (form, field->when)->kind, ==,
                             VIGIL_FIELD_BOOL);
        }

      for (guint c = 0; c < form->n_collections; c++)
        {
          const VigilCollectionInfo *collection = &form->collections[c];
          g_autoptr(GHashTable) field_ids = g_hash_table_new (g_str_hash, g_str_equal);

          g_assert_true (g_hash_table_add (ids, (gpointer) collection->id));
          g_assert_true (vigil_form_get_collection (form, collection->id) == collection);
          g_assert_cmpstr (vigil_collection_get_label (collection), !=, "");
          for (guint f = 0; f < collection->n_fields; f++)
            {
              const VigilFieldInfo *field = &collection->fields[f];

              g_assert_cmpstr (field->id, !=, "id");
              g_assert_true (g_hash_table_add (field_ids, (gpointer) field->id));
              g_assert_true (vigil_collection_get_field (collection, field->id) == field);
              g_assert_cmpstr (vigil_field_get_label (field), !=, "");
              if (field->kind == VIGIL_FIELD_CHOICE || field->kind == VIGIL_FIELD_CHOICES)
                g_assert_cmpint (field->choices, <, VIGIL_N_CHOICE_LISTS);
              if (field->kind == VIGIL_FIELD_REF)
                {
                  g_auto(GStrv) parts = g_strsplit (field->ref, ".", 2);
                  const VigilFormInfo *target = vigil_forms_get (parts[0]);

                  g_assert_nonnull (target);
                  g_assert_nonnull (vigil_form_get_collection (target, parts[1]));
                }
              if (field->kind == VIGIL_FIELD_INDICATOR)
                g_assert_nonnull (vigil_collection_get_field (collection, "type"));
            }
        }
    }

  /* the steps of this part of the process all have forms */
  for (guint step = 2; step <= VIGIL_STEP_FINALIZE; step++)
    {
      if (step != VIGIL_STEP_APPROVAL)
        g_assert_true (has_step[step]);
    }
  g_assert_null (vigil_forms_get ("nope"));
  g_assert_null (vigil_forms_get (NULL));
}

/* through a real store file */

typedef struct {
  char       *dir;
  char       *path;
  VigilStore *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->store = test_core_open_temp_store ("vigil-test-forms-XXXXXX", &f->dir, &f->path);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->store != NULL)
    {
      vigil_store_close (f->store);
      g_clear_object (&f->store);
    }
  test_core_remove_tree (f->dir);
  g_clear_pointer (&f->path, g_free);
  g_clear_pointer (&f->dir, g_free);
}

static void
fixture_reopen (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  vigil_store_close (f->store);
  g_clear_object (&f->store);
  f->store = vigil_store_open (f->path, &error);
  g_assert_no_error (error);
}

/* Applies an operation to the stored incident @id (made when @id is new). */
static VigilIncident *
store_apply (Fixture    *f,
             const char *id,
             const char *kind,
             const char *actor,
             const char *payload)
{
  g_autoptr(VigilIncident) current = vigil_store_get_incident (f->store, id, NULL);
  g_autoptr(VigilOp) op = make_op (kind, id, actor,
                                   current ? vigil_incident_get_revision (current) : 0, T0,
                                   payload);
  g_autoptr(GError) error = NULL;
  gboolean duplicate = TRUE;
  VigilIncident *result;

  g_test_message ("%s %s", kind, payload);
  result = vigil_store_apply (f->store, op, role_of (actor), &duplicate, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (duplicate);
  return result;
}

#define STORE(kind, actor, payload) \
  g_clear_object (&incident); \
  incident = store_apply (f, id, kind, actor, payload)

static void
assert_no_missing (VigilIncident *incident,
                   guint          step)
{
  g_auto(GStrv) missing = vigil_incident_list_missing (incident, step);

  if (missing[0] != NULL)
    {
      g_autofree char *all = g_strjoinv (" | ", missing);

      g_error ("step %u lacks: %s", step, all);
    }
}

static const char *
item_string (VigilIncident *incident,
             const char    *form,
             const char    *collection,
             const char    *item_id,
             const char    *field)
{
  JsonObject *item = vigil_incident_find_item (incident, form, collection, item_id);

  g_assert_nonnull (item);
  return json_object_get_string_member_with_default (item, field, NULL);
}

static void
test_store_round_trip (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr(VigilIncident) incident = NULL;
  g_autoptr(VigilIncident) reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autoptr(GPtrArray) log = NULL;
  guint n_keys;
  const VigilChoice *keys = vigil_process_get_choices (VIGIL_CHOICES_COLLECTION_ITEM, &n_keys);
  JsonNode *node;
  JsonArray *array;
  JsonObject *item;
  gint64 checked = 0;

  /* step 1 */
  STORE ("incident.create", ANALYST,
         "{'title':'Invoice phishing','type':'phishing','description':'Fake invoices',"
         "'detection_method':'user_report','detected_at':'2025-03-01T08:00:00Z',"
         "'aware_at':'2025-03-01T08:30:00Z','reporter':'helpdesk',"
         "'affected_systems':['mail gateway']}");
  STORE ("incident.update", ANALYST, "{'severity':'high'}");
  assert_no_missing (incident, 1);

  /* step 2: the whole checklist (the first tick makes each entry), evidence */
  for (guint k = 0; k < n_keys; k++)
    {
      g_autofree char *payload =
        g_strdup_printf ("{'form':'collect','collection':'checklist','id':'%s',"
                         "'fields':{'done':true,'by':'alice','at':'2025-03-01T09:00:00Z'}}",
                         keys[k].id);

      STORE ("item.update", ANALYST, payload);
    }
  STORE ("item.add", ANALYST,
         "{'form':'collect','collection':'evidence','item':{'id':'ev1','name':'invoice.eml',"
         "'kind':'email','location':'case share','size':3,'sha256':'" SHA_ABC "',"
         "'collected_by':'alice','collected_at':'2025-03-01T09:10:00Z'}}");
  assert_no_missing (incident, 2);

  /* step 3 */
  STORE ("form.update", ANALYST,
         "{'form':'analyze','fields':{'notes':'Macro downloads a loader',"
         "'anomalies':'Logins from a new ASN','affected_assets':[' laptop-17 ','','mail']}}");
  assert_no_missing (incident, 3);

  /* step 4 */
  STORE ("form.update", ANALYST, "{'form':'correlate','fields':{'sources':['osint','internal']}}");
  STORE ("item.add", ANALYST,
         "{'form':'correlate','collection':'indicators','item':{'id':'in1','type':'domain',"
         "'value':'Evil.Example.COM','known':true,'source':'MISP'}}");
  assert_no_missing (incident, 4);

  /* step 5 */
  STORE ("form.update", ANALYST,
         "{'form':'severity','fields':{'technical_impact':'One laptop',"
         "'business_impact':'None so far','affected_services':['e-mail']}}");
  assert_no_missing (incident, 5);

  /* step 6 */
  STORE ("form.update", ANALYST,
         "{'form':'findings','fields':{'summary':'A user opened a fake invoice',"
         "'involved_assets':['laptop-17'],'potential_impacts':'Credential theft',"
         "'root_cause':'No macro policy','recommendations':'Block macros'}}");
  STORE ("item.add", ANALYST,
         "{'form':'findings','collection':'timeline','item':{'id':'t1',"
         "'at':'2025-03-01T07:55:00+01:00','event':'Invoice opened'}}");
  assert_no_missing (incident, 6);

  /* step 7 */
  STORE ("form.update", ANALYST,
         "{'form':'escalate','fields':{'escalate':true,'to':['senior_management'],"
         "'reason':'Finance affected','at':'2025-03-01T09:40:00Z'}}");
  assert_no_missing (incident, 7);

  /* step 8 */
  STORE ("approval.submit", ANALYST, "{}");
  STORE ("approval.decide", LEAD, "{'decision':'approve','comment':'Good work'}");
  assert_no_missing (incident, 8);
  g_assert_cmpuint (vigil_incident_get_step (incident), ==, VIGIL_STEP_COORDINATE);

  /* the chain of custody goes on after approval */
  STORE ("item.add", ANALYST,
         "{'form':'custody','collection':'handovers','item':{'id':'h1','evidence':'ev1',"
         "'from':'alice','to':'evidence locker','at':'2025-03-01T09:50:00Z'}}");
  STORE ("item.add", ANALYST,
         "{'form':'custody','collection':'verifications','item':{'id':'v1','evidence':'ev1',"
         "'sha256':'" SHA_ABC "','by':'carol','at':'2025-03-01T09:55:00Z'}}");

  /* step 9 (a due time may lie ahead) */
  STORE ("form.update", ANALYST, "{'form':'coordinate','fields':{'channel':'#inc-bridge'}}");
  STORE ("item.add", ANALYST,
         "{'form':'coordinate','collection':'actions','item':{'id':'a1',"
         "'title':'Reset the user password','owner':'alice','role':'analyst',"
         "'due':'2025-03-02T12:00:00Z','status':'in_progress'}}");
  assert_no_missing (incident, 9);

  /* step 11 */
  STORE ("item.add", ANALYST,
         "{'form':'remediate','collection':'actions','item':{'id':'r1','title':'Block macros',"
         "'kind':'configuration','owner':'it-ops','due':'2025-03-05T00:00:00Z',"
         "'status':'planned'}}");
  STORE ("item.update", ANALYST,
         "{'form':'remediate','collection':'actions','id':'r1',"
         "'fields':{'status':'done','effective':true}}");
  assert_no_missing (incident, 11);

  /* step 12 */
  STORE ("form.update", ANALYST,
         "{'form':'review','fields':{'date':'2025-03-01T09:58:00Z',"
         "'participants':['alice','bob'],'went_well':'Fast report',"
         "'went_wrong':'Macros were allowed'}}");
  STORE ("item.add", ANALYST,
         "{'form':'review','collection':'lessons','item':{'id':'l1',"
         "'text':'Office macros need a policy'}}");
  assert_no_missing (incident, 12);

  /* step 13, linked to the lesson */
  STORE ("item.add", ANALYST,
         "{'form':'update_plan','collection':'changes','item':{'id':'c1',"
         "'section':'4.2 Containment','change':'Disable macros by policy',"
         "'owner':'bob','lesson':'l1'}}");
  assert_no_missing (incident, 13);

  /* step 10: a notification drafted, then sent; once sent it stays as sent */
  STORE ("item.add", ANALYST,
         "{'form':'notify','collection':'notifications','item':{'id':'n1',"
         "'audience':'executive','subject':'Incident update 1','body':'Contained.'}}");
  {
    g_auto(GStrv) missing = vigil_incident_list_missing (incident, VIGIL_STEP_NOTIFY);

    g_assert_cmpuint (g_strv_length (missing), ==, 1);
  }
  STORE ("item.update", ANALYST,
         "{'form':'notify','collection':'notifications','id':'n1','fields':{"
         "'channel':'email','recipients':['board@example.org'],"
         "'sent_at':'2025-03-01T09:30:00Z','sent':true}}");
  assert_no_missing (incident, 10);
  apply_fail (incident, "item.update", "alice", VIGIL_ROLE_ANALYST,
              "{'form':'notify','collection':'notifications','id':'n1','fields':{"
              "'body':'Contained, and more.'}}",
              VIGIL_OP_ERROR_READ_ONLY, "sent");
  apply_fail (incident, "item.remove", "alice", VIGIL_ROLE_ANALYST,
              "{'form':'notify','collection':'notifications','id':'n1'}",
              VIGIL_OP_ERROR_READ_ONLY, "sent");

  /* step 14: everything before it is complete, then the sign-off */
  STORE ("form.update", ANALYST, "{'form':'finalize','fields':{'notes':'Closed'}}");
  {
    g_auto(GStrv) missing = vigil_incident_list_missing (incident, VIGIL_STEP_FINALIZE);

    g_assert_cmpuint (g_strv_length (missing), ==, 1);
    g_assert_cmpstr (missing[0], ==, "Fill in “Signed off”.");
  }
  STORE ("form.update", LEAD, "{'form':'finalize','fields':{'sign_off':true}}");
  assert_no_missing (incident, 14);

  /* close the file, open it again: everything is there */
  before = json_node_init_object (json_node_alloc (), vigil_incident_get_forms (incident));
  fixture_reopen (f);
  reopened = vigil_store_get_incident (f->store, id, &error);
  g_assert_no_error (error);
  after = json_node_init_object (json_node_alloc (), vigil_incident_get_forms (reopened));
  g_assert_true (json_node_equal (before, after));
  g_assert_cmpint (vigil_incident_get_revision (reopened), ==,
                   vigil_incident_get_revision (incident));

  array = vigil_incident_get_items (reopened, "collect", "checklist");
  g_assert_cmpuint (json_array_get_length (array), ==, n_keys);
  g_assert_cmpstr (item_string (reopened, "collect", "evidence", "ev1", "sha256"), ==, SHA_ABC);
  item = vigil_incident_find_item (reopened, "collect", "evidence", "ev1");
  g_assert_cmpint (json_object_get_int_member (item, "size"), ==, 3);
  g_assert_cmpstr (item_string (reopened, "collect", "evidence", "ev1", "collected_at"), ==,
                   "2025-03-01T09:10:00Z");
  /* lists are trimmed, times kept in UTC, indicators normalised */
  node = vigil_incident_get_form_value (reopened, "analyze", "affected_assets");
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "laptop-17");
  g_assert_cmpstr (item_string (reopened, "findings", "timeline", "t1", "at"), ==,
                   "2025-03-01T06:55:00Z");
  g_assert_cmpstr (item_string (reopened, "correlate", "indicators", "in1", "value"), ==,
                   "evil.example.com");
  g_assert_cmpstr (vigil_incident_get_form_string (reopened, "coordinate", "channel"), ==,
                   "#inc-bridge");
  g_assert_cmpstr (item_string (reopened, "remediate", "actions", "r1", "status"), ==, "done");
  g_assert_cmpstr (item_string (reopened, "update_plan", "changes", "c1", "lesson"), ==, "l1");
  g_assert_cmpstr (item_string (reopened, "custody", "verifications", "v1", "sha256"), ==,
                   SHA_ABC);
  g_assert_true (json_node_get_boolean (vigil_incident_get_form_value (reopened, "escalate",
                                                                        "escalate")));
  /* the sign-off records who and when */
  node = vigil_incident_get_form_value (reopened, "finalize", "sign_off");
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "by"), ==, LEAD);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "at"), ==, T0);
  for (guint step = 1; step <= VIGIL_STEP_FINALIZE; step++)
    assert_no_missing (reopened, step);

  /* every operation is history, and the chain holds */
  log = vigil_store_list_log (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (log->len, ==, vigil_incident_get_revision (reopened));
  g_assert_true (vigil_store_verify (f->store, &checked, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (checked, ==, log->len);
}

/* A retry of the same operation has no second effect. */
static void
test_store_idempotent (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr(VigilIncident) incident = NULL;
  g_autoptr(VigilIncident) first = NULL;
  g_autoptr(VigilIncident) again = NULL;
  g_autoptr(VigilOp) op = NULL;
  g_autoptr(GError) error = NULL;
  gboolean duplicate = FALSE;
  gint64 seq1 = 0, seq2 = 0;

  STORE ("incident.create", ANALYST, "{'title':'Loader','type':'malware'}");
  op = make_op ("item.add", id, ANALYST, vigil_incident_get_revision (incident), T0,
                "{'form':'findings','collection':'timeline','item':{'id':'t1',"
                "'at':'2025-03-01T09:00:00Z','event':'Beacon seen'}}");

  first = vigil_store_apply (f->store, op, VIGIL_ROLE_ANALYST, &duplicate, &seq1, &error);
  g_assert_no_error (error);
  g_assert_false (duplicate);
  again = vigil_store_apply (f->store, op, VIGIL_ROLE_ANALYST, &duplicate, &seq2, &error);
  g_assert_no_error (error);
  g_assert_true (duplicate);
  g_assert_cmpint (seq1, ==, seq2);
  g_assert_cmpint (vigil_incident_get_revision (again), ==, vigil_incident_get_revision (first));
  g_assert_cmpuint (json_array_get_length (vigil_incident_get_items (again, "findings",
                                                                     "timeline")), ==, 1);
  g_assert_cmpuint (vigil_store_get_last_seq (f->store), ==, seq1);
}

/* A refused operation leaves the stored incident and the log as they were. */
static void
test_store_refused (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr(VigilIncident) incident = NULL;
  g_autoptr(VigilIncident) stored = NULL;
  g_autoptr(VigilIncident) result = NULL;
  g_autoptr(VigilOp) op = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 last;

  STORE ("incident.create", ANALYST, "{'title':'Loader','type':'malware'}");
  STORE ("item.add", ANALYST,
         "{'form':'collect','collection':'evidence','item':{'id':'ev1','name':'a.bin'}}");
  before = vigil_incident_to_string (incident);
  last = vigil_store_get_last_seq (f->store);

  /* the second entry is fine, the third is not: nothing of it stays */
  op = make_op ("form.update", id, ANALYST, vigil_incident_get_revision (incident), T0,
                "{'form':'analyze','fields':{'notes':'fine','anomalies':'fine too',"
                "'affected_assets':42}}");
  result = vigil_store_apply (f->store, op, VIGIL_ROLE_ANALYST, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID);

  fixture_reopen (f);
  stored = vigil_store_get_incident (f->store, id, NULL);
  after = vigil_incident_to_string (stored);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (vigil_store_get_last_seq (f->store), ==, last);
}

/* refused operations, table-driven */

typedef struct {
  const char *kind;
  const char *payload;
  int         code;
  const char *field;   /* the field the refusal names, NULL when none */
} BadOp;

#define EV "'form':'collect','collection':'evidence'"
#define IND "'form':'correlate','collection':'indicators'"
#define HAND "'form':'custody','collection':'handovers'"
#define VERIF "'form':'custody','collection':'verifications'"

static const BadOp bad_ops[] = {
  /* form.update: the payload itself */
  { "form.update", "{'fields':{'notes':'x'}}", VIGIL_OP_ERROR_INVALID, "form" },
  { "form.update", "{'form':'','fields':{'notes':'x'}}", VIGIL_OP_ERROR_INVALID, "form" },
  { "form.update", "{'form':'nope','fields':{'notes':'x'}}", VIGIL_OP_ERROR_INVALID, "form" },
  { "form.update", "{'form':3,'fields':{'notes':'x'}}", VIGIL_OP_ERROR_INVALID, "form" },
  { "form.update", "{'form':'analyze'}", VIGIL_OP_ERROR_INVALID, "fields" },
  { "form.update", "{'form':'analyze','fields':[]}", VIGIL_OP_ERROR_INVALID, "fields" },
  { "form.update", "{'form':'analyze','fields':{}}", VIGIL_OP_ERROR_INVALID, "fields" },
  { "form.update", "{'form':'analyze','fields':{'notes':'x'},'extra':1}",
    VIGIL_OP_ERROR_INVALID, "extra" },
  { "form.update", "{'form':'analyze','fields':{'colour':'red'}}",
    VIGIL_OP_ERROR_INVALID, "colour" },
  { "form.update", "{'form':'custody','fields':{'handovers':[]}}",
    VIGIL_OP_ERROR_INVALID, "handovers" },
  { "form.update", "{'form':'correlate','fields':{'indicators':[]}}",
    VIGIL_OP_ERROR_INVALID, "indicators" },
  /* form.update: values */
  { "form.update", "{'form':'analyze','fields':{'notes':42}}", VIGIL_OP_ERROR_INVALID, "notes" },
  { "form.update", "{'form':'analyze','fields':{'notes':['x']}}",
    VIGIL_OP_ERROR_INVALID, "notes" },
  { "form.update", "{'form':'analyze','fields':{'affected_assets':'srv-01'}}",
    VIGIL_OP_ERROR_INVALID, "affected_assets" },
  { "form.update", "{'form':'analyze','fields':{'affected_assets':['srv',1]}}",
    VIGIL_OP_ERROR_INVALID, "affected_assets" },
  { "form.update", "{'form':'analyze','fields':{'affected_assets':['a\\nb']}}",
    VIGIL_OP_ERROR_INVALID, "affected_assets" },
  { "form.update", "{'form':'correlate','fields':{'sources':['osint','rumour']}}",
    VIGIL_OP_ERROR_INVALID, "sources" },
  { "form.update", "{'form':'correlate','fields':{'sources':'osint'}}",
    VIGIL_OP_ERROR_INVALID, "sources" },
  { "form.update", "{'form':'escalate','fields':{'escalate':'yes'}}",
    VIGIL_OP_ERROR_INVALID, "escalate" },
  { "form.update", "{'form':'escalate','fields':{'escalate':1}}",
    VIGIL_OP_ERROR_INVALID, "escalate" },
  { "form.update", "{'form':'escalate','fields':{'to':['the board']}}",
    VIGIL_OP_ERROR_INVALID, "to" },
  { "form.update", "{'form':'escalate','fields':{'at':'yesterday'}}",
    VIGIL_OP_ERROR_INVALID, "at" },
  { "form.update", "{'form':'escalate','fields':{'at':'2025-03-01T11:00:00Z'}}",
    VIGIL_OP_ERROR_INVALID, "at" },
  { "form.update", "{'form':'escalate','fields':{'reason':'ok','at':'2025-03-02'}}",
    VIGIL_OP_ERROR_INVALID, "at" },
  { "form.update", "{'form':'severity','fields':{'technical_impact':true}}",
    VIGIL_OP_ERROR_INVALID, "technical_impact" },
  /* steps 9 and later open with the approval */
  { "form.update", "{'form':'coordinate','fields':{'channel':'bridge'}}",
    VIGIL_OP_ERROR_GATE, NULL },
  { "form.update", "{'form':'review','fields':{'went_well':'x'}}", VIGIL_OP_ERROR_GATE, NULL },
  { "form.update", "{'form':'finalize','fields':{'sign_off':true}}", VIGIL_OP_ERROR_GATE, NULL },
  { "item.add", "{'form':'remediate','collection':'actions','item':{'id':'r','title':'t'}}",
    VIGIL_OP_ERROR_GATE, NULL },
  { "item.add", "{'form':'update_plan','collection':'changes','item':{'id':'c',"
    "'section':'s','change':'c'}}", VIGIL_OP_ERROR_GATE, NULL },

  /* item.add: the payload */
  { "item.add", "{'form':'collect','item':{'id':'e2','name':'x'}}",
    VIGIL_OP_ERROR_INVALID, "collection" },
  { "item.add", "{'form':'collect','collection':'nope','item':{'id':'e2','name':'x'}}",
    VIGIL_OP_ERROR_INVALID, "collection" },
  { "item.add", "{'form':'analyze','collection':'notes','item':{'id':'e2'}}",
    VIGIL_OP_ERROR_INVALID, "collection" },
  { "item.add", "{" EV "}", VIGIL_OP_ERROR_INVALID, "item" },
  { "item.add", "{" EV ",'item':'x'}", VIGIL_OP_ERROR_INVALID, "item" },
  { "item.add", "{" EV ",'item':{'name':'x'}}", VIGIL_OP_ERROR_INVALID, "id" },
  { "item.add", "{" EV ",'item':{'id':7,'name':'x'}}", VIGIL_OP_ERROR_INVALID, "id" },
  { "item.add", "{" EV ",'item':{'id':'a b','name':'x'}}", VIGIL_OP_ERROR_INVALID, "id" },
  { "item.add", "{" EV ",'item':{'id':'a.b','name':'x'}}", VIGIL_OP_ERROR_INVALID, "id" },
  { "item.add", "{" EV ",'item':{'id':'"
    "12345678901234567890123456789012345678901234567890123456789012345','name':'x'}}",
    VIGIL_OP_ERROR_INVALID, "id" },
  { "item.add", "{" EV ",'item':{'id':'ev1','name':'again'}}", VIGIL_OP_ERROR_EXISTS, "id" },
  { "item.add", "{" EV ",'item':{'id':'e2','name':'x'},'extra':true}",
    VIGIL_OP_ERROR_INVALID, "extra" },
  /* item.add: values */
  { "item.add", "{" EV ",'item':{'id':'e2'}}", VIGIL_OP_ERROR_INVALID, "name" },
  { "item.add", "{" EV ",'item':{'id':'e2','name':'   '}}", VIGIL_OP_ERROR_INVALID, "name" },
  { "item.add", "{" EV ",'item':{'id':'e2','name':null}}", VIGIL_OP_ERROR_INVALID, "name" },
  { "item.add", "{" EV ",'item':{'id':'e2','name':'x','colour':'red'}}",
    VIGIL_OP_ERROR_INVALID, "colour" },
  { "item.add", "{" EV ",'item':{'id':'e2','name':'x','kind':'photo'}}",
    VIGIL_OP_ERROR_INVALID, "kind" },
  { "item.add", "{" EV ",'item':{'id':'e2','name':'x','sha256':'abc'}}",
    VIGIL_OP_ERROR_INVALID, "sha256" },
  { "item.add", "{" EV ",'item':{'id':'e2','name':'x','sha256':'" G64 "'}}",
    VIGIL_OP_ERROR_INVALID, "sha256" },
  { "item.add", "{" EV ",'item':{'id':'e2','name':'x','sha256':'" SHA_ABC "0'}}",
    VIGIL_OP_ERROR_INVALID, "sha256" },
  { "item.add", "{" EV ",'item':{'id':'e2','name':'x','size':-1}}",
    VIGIL_OP_ERROR_INVALID, "size" },
  { "item.add", "{" EV ",'item':{'id':'e2','name':'x','size':1.5}}",
    VIGIL_OP_ERROR_INVALID, "size" },
  { "item.add", "{" EV ",'item':{'id':'e2','name':'x','size':'3 MB'}}",
    VIGIL_OP_ERROR_INVALID, "size" },
  { "item.add", "{" EV ",'item':{'id':'e2','name':'x','collected_at':'2030-01-01T00:00:00Z'}}",
    VIGIL_OP_ERROR_INVALID, "collected_at" },
  { "item.add", "{" EV ",'item':{'id':'e2','name':'x','location':'a\\nb'}}",
    VIGIL_OP_ERROR_INVALID, "location" },
  { "item.add", "{'form':'collect','collection':'checklist','item':{'id':'coffee'}}",
    VIGIL_OP_ERROR_INVALID, "id" },
  { "item.add", "{'form':'collect','collection':'checklist','item':{'id':'alerts','done':1}}",
    VIGIL_OP_ERROR_INVALID, "done" },
  /* indicators are checked against their type */
  { "item.add", "{" IND ",'item':{'id':'i2','value':'203.0.113.8'}}",
    VIGIL_OP_ERROR_INVALID, "type" },
  { "item.add", "{" IND ",'item':{'id':'i2','type':'phone','value':'555'}}",
    VIGIL_OP_ERROR_INVALID, "type" },
  { "item.add", "{" IND ",'item':{'id':'i2','type':'ip'}}", VIGIL_OP_ERROR_INVALID, "value" },
  { "item.add", "{" IND ",'item':{'id':'i2','type':'ip','value':'203.0.113.300'}}",
    VIGIL_OP_ERROR_INVALID, "value" },
  { "item.add", "{" IND ",'item':{'id':'i2','type':'ip','value':'evil.example.com'}}",
    VIGIL_OP_ERROR_INVALID, "value" },
  { "item.add", "{" IND ",'item':{'id':'i2','type':'domain','value':'exa mple.com'}}",
    VIGIL_OP_ERROR_INVALID, "value" },
  { "item.add", "{" IND ",'item':{'id':'i2','type':'domain','value':'localhost'}}",
    VIGIL_OP_ERROR_INVALID, "value" },
  { "item.add", "{" IND ",'item':{'id':'i2','type':'domain','value':'-bad-.com'}}",
    VIGIL_OP_ERROR_INVALID, "value" },
  { "item.add", "{" IND ",'item':{'id':'i2','type':'url','value':'not a url'}}",
    VIGIL_OP_ERROR_INVALID, "value" },
  { "item.add", "{" IND ",'item':{'id':'i2','type':'url','value':'mailto:'}}",
    VIGIL_OP_ERROR_INVALID, "value" },
  { "item.add", "{" IND ",'item':{'id':'i2','type':'hash','value':'abcd'}}",
    VIGIL_OP_ERROR_INVALID, "value" },
  { "item.add", "{" IND ",'item':{'id':'i2','type':'hash','value':'" G64 "'}}",
    VIGIL_OP_ERROR_INVALID, "value" },
  { "item.add", "{" IND ",'item':{'id':'i2','type':'email','value':'bob'}}",
    VIGIL_OP_ERROR_INVALID, "value" },
  { "item.add", "{" IND ",'item':{'id':'i2','type':'email','value':'@example.com'}}",
    VIGIL_OP_ERROR_INVALID, "value" },
  { "item.add", "{" IND ",'item':{'id':'i2','type':'account','value':'   '}}",
    VIGIL_OP_ERROR_INVALID, "value" },
  /* references and records */
  { "item.add", "{" HAND ",'item':{'id':'h2','evidence':'ghost','from':'a','to':'b',"
    "'at':'2025-03-01T09:00:00Z'}}", VIGIL_OP_ERROR_INVALID, "evidence" },
  { "item.add", "{" HAND ",'item':{'id':'h2','evidence':'ev1','from':'a',"
    "'at':'2025-03-01T09:00:00Z'}}", VIGIL_OP_ERROR_INVALID, "to" },
  { "item.add", "{" HAND ",'item':{'id':'h1','evidence':'ev1','from':'a','to':'b',"
    "'at':'2025-03-01T09:00:00Z'}}", VIGIL_OP_ERROR_EXISTS, "id" },
  { "item.add", "{" VERIF ",'item':{'id':'v1','evidence':'ev1','at':'2025-03-01T09:00:00Z'}}",
    VIGIL_OP_ERROR_INVALID, "sha256" },
  { "item.add", "{" VERIF ",'item':{'id':'v1','evidence':'ev1','sha256':'" SHA_ABC "',"
    "'at':'2025-03-01T10:30:00Z'}}", VIGIL_OP_ERROR_INVALID, "at" },
  { "item.add", "{'form':'findings','collection':'timeline','item':{'id':'t1',"
    "'at':'2025-03-01T09:00:00Z'}}", VIGIL_OP_ERROR_INVALID, "event" },

  /* item.update */
  { "item.update", "{" EV ",'fields':{'name':'x'}}", VIGIL_OP_ERROR_INVALID, "id" },
  { "item.update", "{" EV ",'id':'ev1'}", VIGIL_OP_ERROR_INVALID, "fields" },
  { "item.update", "{" EV ",'id':'ev1','fields':{}}", VIGIL_OP_ERROR_INVALID, "fields" },
  { "item.update", "{" EV ",'id':'ev1','item':{'name':'x'}}", VIGIL_OP_ERROR_INVALID, "item" },
  { "item.update", "{" EV ",'id':'ghost','fields':{'name':'x'}}",
    VIGIL_OP_ERROR_NOT_FOUND, "id" },
  { "item.update", "{" EV ",'id':'ev1','fields':{'colour':'red'}}",
    VIGIL_OP_ERROR_INVALID, "colour" },
  { "item.update", "{" EV ",'id':'ev1','fields':{'id':'ev2'}}", VIGIL_OP_ERROR_INVALID, "id" },
  { "item.update", "{" EV ",'id':'ev1','fields':{'name':null}}", VIGIL_OP_ERROR_INVALID, "name" },
  { "item.update", "{" EV ",'id':'ev1','fields':{'sha256':'" SHA_EMPTY "'}}",
    VIGIL_OP_ERROR_READ_ONLY, "sha256" },
  { "item.update", "{" EV ",'id':'ev1','fields':{'sha256':null}}",
    VIGIL_OP_ERROR_READ_ONLY, "sha256" },
  { "item.update", "{" EV ",'id':'ev1','fields':{'size':4}}", VIGIL_OP_ERROR_READ_ONLY, "size" },
  { "item.update", "{" EV ",'id':'ev1','fields':{'location':'x','size':4}}",
    VIGIL_OP_ERROR_READ_ONLY, "size" },
  { "item.update", "{" IND ",'id':'in1','fields':{'type':'domain'}}",
    VIGIL_OP_ERROR_INVALID, "value" },
  { "item.update", "{" IND ",'id':'in1','fields':{'value':null}}",
    VIGIL_OP_ERROR_INVALID, "value" },
  { "item.update", "{" HAND ",'id':'h1','fields':{'to':'somewhere else'}}",
    VIGIL_OP_ERROR_READ_ONLY, "handovers" },
  { "item.update", "{'form':'collect','collection':'checklist','id':'coffee',"
    "'fields':{'done':true}}", VIGIL_OP_ERROR_NOT_FOUND, "id" },

  /* item.remove */
  { "item.remove", "{" EV "}", VIGIL_OP_ERROR_INVALID, "id" },
  { "item.remove", "{" EV ",'id':'ghost'}", VIGIL_OP_ERROR_NOT_FOUND, "id" },
  { "item.remove", "{" EV ",'id':'ev1','fields':{}}", VIGIL_OP_ERROR_INVALID, "fields" },
  /* the chain of custody refers to the evidence */
  { "item.remove", "{" EV ",'id':'ev1'}", VIGIL_OP_ERROR_INVALID, "id" },
  { "item.remove", "{" HAND ",'id':'h1'}", VIGIL_OP_ERROR_READ_ONLY, "handovers" },
};

static void
test_op_bad (gconstpointer data)
{
  const BadOp *bad = data;
  g_autoptr(VigilIncident) incident = new_prepared ();

  apply_fail (incident, bad->kind, ANALYST, VIGIL_ROLE_ANALYST, bad->payload, bad->code,
              bad->field);
}

/* Texts longer than their kind allows. */
static void
test_op_lengths (void)
{
  g_autoptr(VigilIncident) incident = new_created ();
  g_autoptr(VigilIncident) result = NULL;
  g_autofree char *long_text = g_strnfill (20001, 'x');
  g_autofree char *just_right = g_strnfill (20000, 'x');
  g_autofree char *line = g_strnfill (501, 'y');
  g_autofree char *payload = NULL;

  payload = g_strdup_printf ("{'form':'analyze','fields':{'notes':'%s'}}", long_text);
  apply_fail (incident, "form.update", ANALYST, VIGIL_ROLE_ANALYST, payload,
              VIGIL_OP_ERROR_INVALID, "notes");
  g_free (payload);
  payload = g_strdup_printf ("{'form':'coordinate','fields':{'channel':'%s'}}", line);
  apply_fail (incident, "form.update", ANALYST, VIGIL_ROLE_ANALYST, payload,
              VIGIL_OP_ERROR_GATE, NULL);
  g_free (payload);
  payload = g_strdup_printf ("{" EV ",'item':{'id':'e','name':'%s'}}", line);
  apply_fail (incident, "item.add", ANALYST, VIGIL_ROLE_ANALYST, payload,
              VIGIL_OP_ERROR_INVALID, "name");
  g_free (payload);
  payload = g_strdup_printf ("{'form':'analyze','fields':{'notes':'%s'}}", just_right);
  result = apply_ok (incident, "form.update", ANALYST, payload);
  g_assert_cmpuint (strlen (vigil_incident_get_form_string (result, "analyze", "notes")), ==,
                    20000);
}

/* Managers and administrators read; they change nothing. */
static void
test_op_roles (void)
{
  g_autoptr(VigilIncident) incident = new_prepared ();
  static const VigilRole roles[] = { VIGIL_ROLE_MANAGER, VIGIL_ROLE_ADMIN };
  static const struct {
    const char *kind;
    const char *payload;
  } ops[] = {
    { "form.update", "{'form':'analyze','fields':{'notes':'x'}}" },
    { "item.add", "{" EV ",'item':{'id':'e2','name':'x'}}" },
    { "item.update", "{" EV ",'id':'ev1','fields':{'location':'x'}}" },
    { "item.remove", "{" IND ",'id':'in1'}" },
  };

  for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
    for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
      apply_fail (incident, ops[i].kind, "carl", roles[r], ops[i].payload,
                  VIGIL_OP_ERROR_FORBIDDEN, NULL);

  /* a lead may fill in forms like an analyst */
  g_clear_object (&incident);
  incident = new_prepared ();
  chain (&incident, "form.update", LEAD, "{'form':'analyze','fields':{'notes':'by the lead'}}");
}

/* An archived incident refuses every form edit, whatever the form. */
static void
test_op_archived (void)
{
  g_autoptr(VigilIncident) archived = new_archived ();
  guint n_forms;
  const VigilFormInfo *forms = vigil_forms_get_all (&n_forms);

  for (guint i = 0; i < n_forms; i++)
    {
      const VigilFormInfo *form = &forms[i];

      for (guint f = 0; f < form->n_fields; f++)
        {
          g_autofree char *payload =
            g_strdup_printf ("{'form':'%s','fields':{'%s':null}}", form->id,
                             form->fields[f].id);

          apply_fail (archived, "form.update", ANALYST, VIGIL_ROLE_ANALYST, payload,
                      VIGIL_OP_ERROR_READ_ONLY, NULL);
          apply_fail (archived, "form.update", LEAD, VIGIL_ROLE_LEAD, payload,
                      VIGIL_OP_ERROR_READ_ONLY, NULL);
        }
      for (guint c = 0; c < form->n_collections; c++)
        {
          const char *kinds[] = { "item.add", "item.update", "item.remove" };

          for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
            {
              g_autofree char *payload =
                g_strdup_printf ("{'form':'%s','collection':'%s','id':'x','item':{'id':'x'}}",
                                 form->id, form->collections[c].id);

              apply_fail (archived, kinds[k], ANALYST, VIGIL_ROLE_ANALYST, payload,
                          VIGIL_OP_ERROR_READ_ONLY, NULL);
            }
        }
    }
}

/* Steps 1-7 are frozen while submitted and once approved; the chain of
 * custody is not part of them. */
static void
test_op_frozen (void)
{
  VigilIncident *states[2] = { new_pending (), new_approved () };
  static const struct {
    const char *kind;
    const char *payload;
  } frozen[] = {
    { "item.update", "{'form':'collect','collection':'checklist','id':'alerts',"
                     "'fields':{'done':true}}" },
    { "item.add", "{" EV ",'item':{'id':'e2','name':'x'}}" },
    { "form.update", "{'form':'analyze','fields':{'notes':'late'}}" },
    { "form.update", "{'form':'correlate','fields':{'sources':['osint']}}" },
    { "item.add", "{" IND ",'item':{'id':'i2','type':'ip','value':'192.0.2.1'}}" },
    { "form.update", "{'form':'severity','fields':{'technical_impact':'more'}}" },
    { "form.update", "{'form':'findings','fields':{'root_cause':'found it'}}" },
    { "item.add", "{'form':'findings','collection':'timeline','item':{'id':'t',"
                  "'at':'2025-03-01T09:00:00Z','event':'x'}}" },
    { "form.update", "{'form':'escalate','fields':{'escalate':false}}" },
  };

  for (guint s = 0; s < G_N_ELEMENTS (states); s++)
    {
      g_test_message ("approval state %s",
                      vigil_approval_state_to_string (vigil_incident_get_approval_state (
                                                        states[s])));
      for (guint i = 0; i < G_N_ELEMENTS (frozen); i++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(VigilOp) op = make_op (frozen[i].kind, vigil_incident_get_id (states[s]),
                                           ANALYST, vigil_incident_get_revision (states[s]), T0,
                                           frozen[i].payload);

          g_assert_null (vigil_op_apply (op, states[s], VIGIL_ROLE_ANALYST, NULL, &error));
          g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_READ_ONLY);
          g_assert_nonnull (strstr (error->message, "steps 1 to 7"));
        }
    }

  /* custody goes on in both states (evidence of an approved incident is
   * handed over too) - here only as far as the reference allows */
  apply_fail (states[0], "item.add", ANALYST, VIGIL_ROLE_ANALYST,
              "{" HAND ",'item':{'id':'h','evidence':'ghost','from':'a','to':'b',"
              "'at':'2025-03-01T09:00:00Z'}}", VIGIL_OP_ERROR_INVALID, "evidence");
  /* the response forms open with the approval */
  apply_fail (states[0], "form.update", ANALYST, VIGIL_ROLE_ANALYST,
              "{'form':'coordinate','fields':{'channel':'bridge'}}", VIGIL_OP_ERROR_GATE, NULL);
  chain (&states[1], "form.update", ANALYST, "{'form':'coordinate','fields':{'channel':'bridge'}}");

  /* a rejection opens steps 1-7 again */
  chain (&states[0], "approval.decide", LEAD, "{'decision':'reject','comment':'Add evidence'}");
  chain (&states[0], "item.add", ANALYST, "{" EV ",'item':{'id':'e2','name':'x'}}");

  g_object_unref (states[0]);
  g_object_unref (states[1]);
}

/* Evidence collected before submission can still be handed over after it. */
static void
test_op_custody_after_approval (void)
{
  g_autoptr(VigilIncident) incident = new_created ();

  chain (&incident, "item.add", ANALYST, "{" EV ",'item':{'id':'ev1','name':'disk.img',"
         "'sha256':'" SHA_ABC "'}}");
  fill_for_approval (&incident);
  chain (&incident, "approval.submit", ANALYST, "{}");
  chain (&incident, "item.add", ANALYST, "{" HAND ",'item':{'id':'h1','evidence':'ev1',"
         "'from':'alice','to':'locker','at':'2025-03-01T09:00:00Z'}}");
  chain (&incident, "approval.decide", LEAD, "{'decision':'approve','comment':'ok'}");
  chain (&incident, "item.add", ANALYST, "{" VERIF ",'item':{'id':'v1','evidence':'ev1',"
         "'sha256':'" SHA_OTHER "','at':'2025-03-01T09:59:00Z'}}");
  g_assert_cmpuint (json_array_get_length (vigil_incident_get_items (incident, "custody",
                                                                     "handovers")), ==, 1);
  g_assert_cmpuint (json_array_get_length (vigil_incident_get_items (incident, "custody",
                                                                     "verifications")), ==, 1);
}

/* The snapshot a lead approves covers the step forms but not the custody. */
static void
test_op_snapshot (void)
{
  g_autoptr(VigilIncident) incident = new_created ();
  g_autofree char *hash0 = vigil_incident_dup_snapshot_hash (incident);
  g_autofree char *hash1 = NULL;
  g_autofree char *hash2 = NULL;

  chain (&incident, "item.add", ANALYST, "{" EV ",'item':{'id':'ev1','name':'a'}}");
  hash1 = vigil_incident_dup_snapshot_hash (incident);
  g_assert_cmpstr (hash0, !=, hash1);
  chain (&incident, "item.add", ANALYST, "{" HAND ",'item':{'id':'h1','evidence':'ev1',"
         "'from':'alice','to':'locker','at':'2025-03-01T09:00:00Z'}}");
  hash2 = vigil_incident_dup_snapshot_hash (incident);
  g_assert_cmpstr (hash1, ==, hash2);
}

/* Set-once integrity fields may be filled in later, and repeated, but never
 * changed. */
static void
test_op_set_once (void)
{
  g_autoptr(VigilIncident) incident = new_created ();

  chain (&incident, "item.add", ANALYST, "{" EV ",'item':{'id':'ev1','name':'a'}}");
  chain (&incident, "item.update", ANALYST, "{" EV ",'id':'ev1','fields':{'sha256':'"
         SHA_ABC "','size':3}}");
  /* the same value again (in capitals) is no change */
  chain (&incident, "item.update", ANALYST, "{" EV ",'id':'ev1','fields':{'sha256':' "
         "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD'}}");
  g_assert_cmpstr (item_string (incident, "collect", "evidence", "ev1", "sha256"), ==, SHA_ABC);
  apply_fail (incident, "item.update", ANALYST, VIGIL_ROLE_ANALYST,
              "{" EV ",'id':'ev1','fields':{'sha256':'" SHA_OTHER "'}}",
              VIGIL_OP_ERROR_READ_ONLY, "sha256");
  /* removing the evidence before submission is still possible */
  chain (&incident, "item.remove", ANALYST, "{" EV ",'id':'ev1'}");
  g_assert_null (vigil_incident_get_items (incident, "collect", "evidence"));
}

/* What the log records for each kind. */
static void
test_op_changes (void)
{
  g_autoptr(VigilIncident) incident = new_created ();
  g_autoptr(VigilIncident) result = NULL;
  g_autoptr(VigilOp) op = NULL;
  g_autoptr(JsonArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *change;

  chain (&incident, "form.update", ANALYST, "{'form':'analyze','fields':{'notes':'first'}}");
  op = make_op ("form.update", vigil_incident_get_id (incident), ANALYST,
                vigil_incident_get_revision (incident), T0,
                "{'form':'analyze','fields':{'notes':'second','anomalies':null,"
                "'open_questions':'who?'}}");
  result = vigil_op_apply (op, incident, VIGIL_ROLE_ANALYST, &changes, &error);
  g_assert_no_error (error);
  /* clearing what is not set is no change */
  g_assert_cmpuint (json_array_get_length (changes), ==, 2);
  change = json_array_get_object_element (changes, 0);
  g_assert_cmpstr (json_object_get_string_member (change, "field"), ==, "analyze.notes");
  g_assert_cmpstr (json_object_get_string_member (change, "old"), ==, "first");
  g_assert_cmpstr (json_object_get_string_member (change, "new"), ==, "second");
  change = json_array_get_object_element (changes, 1);
  g_assert_cmpstr (json_object_get_string_member (change, "field"), ==,
                   "analyze.open_questions");
  g_assert_true (json_object_get_null_member (change, "old"));
  g_assert_cmpint (vigil_incident_get_revision (result), ==,
                   vigil_incident_get_revision (incident) + 1);

  g_clear_object (&op);
  g_clear_object (&result);
  g_clear_pointer (&changes, json_array_unref);
  op = make_op ("item.add", vigil_incident_get_id (incident), ANALYST,
                vigil_incident_get_revision (incident), T0,
                "{" IND ",'item':{'id':'in1','type':'ip','value':'2001:DB8:0::1'}}");
  result = vigil_op_apply (op, incident, VIGIL_ROLE_ANALYST, &changes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (changes), ==, 1);
  change = json_array_get_object_element (changes, 0);
  g_assert_cmpstr (json_object_get_string_member (change, "field"), ==,
                   "correlate.indicators.in1");
  /* the log keeps the normalised item */
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "new"),
                                                  "value"), ==, "2001:db8::1");

  /* an indicator given again in other letters is no change; another is */
  g_clear_object (&op);
  g_clear_object (&incident);
  g_clear_pointer (&changes, json_array_unref);
  op = make_op ("item.update", vigil_incident_get_id (result), ANALYST,
                vigil_incident_get_revision (result), T0,
                "{" IND ",'id':'in1','fields':{'value':'2001:0DB8::1','notes':'seen twice'}}");
  incident = vigil_op_apply (op, result, VIGIL_ROLE_ANALYST, &changes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (changes), ==, 1);
  change = json_array_get_object_element (changes, 0);
  g_assert_cmpstr (json_object_get_string_member (change, "field"), ==,
                   "correlate.indicators.in1.notes");
  g_clear_object (&op);
  g_clear_pointer (&changes, json_array_unref);
  op = make_op ("item.update", vigil_incident_get_id (result), ANALYST,
                vigil_incident_get_revision (result), T0,
                "{" IND ",'id':'in1','fields':{'type':'domain','value':'Evil.Example.COM'}}");
  g_clear_object (&incident);
  incident = vigil_op_apply (op, result, VIGIL_ROLE_ANALYST, &changes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (changes), ==, 2);
  change = json_array_get_object_element (changes, 1);
  g_assert_cmpstr (json_object_get_string_member (change, "field"), ==,
                   "correlate.indicators.in1.value");
  g_assert_cmpstr (json_object_get_string_member (change, "old"), ==, "2001:db8::1");
  g_assert_cmpstr (json_object_get_string_member (change, "new"), ==, "evil.example.com");

  g_clear_object (&op);
  g_clear_pointer (&changes, json_array_unref);
  op = make_op ("item.remove", vigil_incident_get_id (result), ANALYST,
                vigil_incident_get_revision (result), T0, "{" IND ",'id':'in1'}");
  g_clear_object (&incident);
  incident = vigil_op_apply (op, result, VIGIL_ROLE_ANALYST, &changes, &error);
  g_assert_no_error (error);
  change = json_array_get_object_element (changes, 0);
  g_assert_cmpstr (json_object_get_string_member (change, "field"), ==,
                   "correlate.indicators.in1");
  g_assert_true (json_object_get_null_member (change, "new"));
  /* an emptied form leaves nothing behind */
  g_assert_false (json_object_has_member (vigil_incident_get_forms (incident), "correlate"));
}

/* Indicator values are kept in one form, so equal means equal. */
static void
test_op_indicator_normalised (void)
{
  static const struct {
    const char *type;
    const char *value;
    const char *kept;
  } cases[] = {
    { "ip", " 192.0.2.10 ", "192.0.2.10" },
    { "ip", "2001:DB8:0:0:0:0:0:1", "2001:db8::1" },
    { "domain", "Mail.Example.ORG", "mail.example.org" },
    { "domain", "example.org.", "example.org." },
    { "url", "https://Example.com/Path?q=1", "https://Example.com/Path?q=1" },
    { "hash", "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e" },
    { "email", "Bob.Smith@Example.COM", "Bob.Smith@example.com" },
    { "account", "CORP\\\\svc-backup", "CORP\\svc-backup" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VigilIncident) incident = new_created ();
      g_autofree char *payload =
        g_strdup_printf ("{" IND ",'item':{'id':'in1','type':'%s','value':'%s'}}",
                         cases[i].type, cases[i].value);
      g_autoptr(JsonObject) item_object = json_object_new ();
      g_autoptr(JsonNode) value = json_node_new (JSON_NODE_VALUE);
      g_autoptr(GError) error = NULL;

      chain (&incident, "item.add", ANALYST, payload);
      g_assert_cmpstr (item_string (incident, "correlate", "indicators", "in1", "value"), ==,
                       cases[i].kept);

      /* the check forms use while typing says the same */
      json_object_set_string_member (item_object, "type", cases[i].type);
      json_node_set_string (value, cases[i].kept);
      g_assert_true (vigil_forms_check_value (
        vigil_collection_get_field (vigil_form_get_collection (vigil_forms_get ("correlate"),
                                                               "indicators"), "value"),
        value, item_object, &error));
      g_assert_no_error (error);
    }
}

static void
test_check_value (void)
{
  const VigilFormInfo *escalate = vigil_forms_get ("escalate");
  const VigilFieldInfo *at = vigil_form_get_field (escalate, "at");
  const VigilFieldInfo *to = vigil_form_get_field (escalate, "to");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_days (now, 1);
  g_autofree char *later_text = vigil_time_to_iso (later);
  g_autoptr(JsonNode) value = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonNode) list = json_from_string ("[\"external_party\"]", NULL);
  g_autoptr(JsonNode) bad_list = json_from_string ("[\"the press\"]", NULL);
  g_autoptr(GError) error = NULL;

  json_node_set_string (value, later_text);
  g_assert_false (vigil_forms_check_value (at, value, NULL, &error));
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID);
  g_clear_error (&error);
  json_node_set_string (value, "2024-12-31T23:00:00Z");
  g_assert_true (vigil_forms_check_value (at, value, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vigil_forms_check_value (to, list, NULL, &error));
  g_assert_false (vigil_forms_check_value (to, bad_list, NULL, &error));
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID);
  g_clear_error (&error);
  /* the name of a field with digits comes out of the error too */
  g_assert_false (vigil_forms_check_value (
    vigil_collection_get_field (vigil_form_get_collection (vigil_forms_get ("collect"),
                                                           "evidence"), "sha256"),
    value, NULL, &error));
  {
    g_autofree char *field = vigil_op_error_dup_field (error);

    g_assert_cmpstr (field, ==, "sha256");
  }
}

/* completeness */

static void
test_missing_sentences (void)
{
  g_autoptr(VigilIncident) incident = new_created ();
  g_auto(GStrv) step1 = vigil_incident_list_missing (incident, 1);
  g_auto(GStrv) step2 = vigil_incident_list_missing (incident, 2);
  g_auto(GStrv) step3 = vigil_incident_list_missing (incident, 3);
  g_auto(GStrv) step5 = vigil_incident_list_missing (incident, 5);
  g_auto(GStrv) step7 = vigil_incident_list_missing (incident, 7);
  g_auto(GStrv) step8 = vigil_incident_list_missing (incident, 8);
  g_auto(GStrv) step14 = vigil_incident_list_missing (incident, 14);
  g_auto(GStrv) step15 = vigil_incident_list_missing (incident, 15);
  g_auto(GStrv) after = NULL;

  assert_strv_has (step1, "Fill in “Reporter”.");
  assert_strv_has (step1, "Fill in “Affected systems or services”.");
  g_assert_false (g_strv_contains ((const char * const *) step1, "Fill in “Title”."));
  assert_strv_has (step2, "Check off “Collect system logs”.");
  assert_strv_has (step2, "Check off “Access threat intelligence reports”.");
  assert_strv_has (step2, "Add at least one entry to “Evidence”.");
  assert_strv_has (step3, "Fill in “Analysis notes”.");
  assert_strv_has (step3, "Fill in “Affected assets”.");
  g_assert_false (g_strv_contains ((const char * const *) step3, "Fill in “Open questions”."));
  /* severity is set by new_created () */
  g_assert_false (g_strv_contains ((const char * const *) step5, "Fill in “Severity”."));
  assert_strv_has (step5, "Fill in “Technical impact”.");
  assert_strv_has (step7, "Fill in “Escalate”.");
  g_assert_cmpuint (g_strv_length (step7), ==, 1);
  assert_strv_has (step8, "Submit steps 1 to 7 for approval by the incident response lead.");
  assert_strv_has (step14, "Step 3, “Analyze incident data”, is not complete.");
  assert_strv_has (step14, "Fill in “Signed off”.");
  assert_strv_has (step15, "The incident is not archived yet.");

  /* whom and why matter only once it is escalated */
  chain (&incident, "form.update", ANALYST, "{'form':'escalate','fields':{'escalate':false}}");
  after = vigil_incident_list_missing (incident, 7);
  g_assert_cmpuint (g_strv_length (after), ==, 0);
  g_clear_pointer (&after, g_strfreev);
  chain (&incident, "form.update", ANALYST, "{'form':'escalate','fields':{'escalate':true}}");
  after = vigil_incident_list_missing (incident, 7);
  g_assert_cmpuint (g_strv_length (after), ==, 3);
  assert_strv_has (after, "Fill in “Escalated to”.");
  g_clear_pointer (&after, g_strfreev);

  /* an entry lacking what completes the step is named once */
  chain (&incident, "item.add", ANALYST, "{" EV ",'item':{'id':'e1','name':'a'}}");
  chain (&incident, "item.add", ANALYST, "{" EV ",'item':{'id':'e2','name':'b'}}");
  after = vigil_incident_list_missing (incident, 2);
  assert_strv_has (after, "Fill in “Collected by” in every entry of “Evidence”.");
  g_assert_false (g_strv_contains ((const char * const *) after,
                                   "Add at least one entry to “Evidence”."));
  g_clear_pointer (&after, g_strfreev);

  /* a checklist entry counts when it is done */
  chain (&incident, "item.update", ANALYST, "{'form':'collect','collection':'checklist',"
         "'id':'system_logs','fields':{'done':false,'notes':'not yet'}}");
  after = vigil_incident_list_missing (incident, 2);
  assert_strv_has (after, "Check off “Collect system logs”.");
  g_clear_pointer (&after, g_strfreev);
  chain (&incident, "item.update", ANALYST, "{'form':'collect','collection':'checklist',"
         "'id':'system_logs','fields':{'done':true}}");
  after = vigil_incident_list_missing (incident, 2);
  g_assert_false (g_strv_contains ((const char * const *) after,
                                   "Check off “Collect system logs”."));
  g_clear_pointer (&after, g_strfreev);

  fill_for_approval (&incident);
  chain (&incident, "approval.submit", ANALYST, "{}");
  after = vigil_incident_list_missing (incident, 8);
  assert_strv_has (after, "Steps 1 to 7 wait for the decision of the incident response lead.");
}

/* the incident document */

static void
test_codec_round_trip (void)
{
  g_autoptr(VigilIncident) incident = new_prepared ();
  g_autoptr(VigilIncident) read = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  g_autoptr(GError) error = NULL;

  chain (&incident, "form.update", ANALYST,
         "{'form':'escalate','fields':{'escalate':true,'to':['external_party'],"
         "'at':'2025-03-01T09:00:00Z'}}");
  chain (&incident, "item.add", ANALYST, "{" VERIF ",'item':{'id':'v1','evidence':'ev1',"
         "'sha256':'" SHA_ABC "','at':'2025-03-01T09:00:00Z'}}");
  text = vigil_incident_to_string (incident);
  read = vigil_incident_new_from_string (text, &error);
  g_assert_no_error (error);
  again = vigil_incident_to_string (read);
  g_assert_cmpstr (text, ==, again);
}

typedef struct {
  const char *forms;   /* ' stands for " */
  int         code;
  const char *field;
} BadDocument;

static const BadDocument bad_documents[] = {
  { "{'nope':{}}", VIGIL_INCIDENT_ERROR_UNKNOWN_FIELD, "forms.nope" },
  { "{'analyze':[]}", VIGIL_INCIDENT_ERROR_INVALID_FIELD, "forms.analyze" },
  { "{'analyze':'notes'}", VIGIL_INCIDENT_ERROR_INVALID_FIELD, "forms.analyze" },
  { "{'analyze':{'colour':1}}", VIGIL_INCIDENT_ERROR_UNKNOWN_FIELD, "forms.analyze.colour" },
  { "{'analyze':{'notes':3}}", VIGIL_INCIDENT_ERROR_INVALID_FIELD, "forms.analyze.notes" },
  { "{'analyze':{'affected_assets':'x'}}", VIGIL_INCIDENT_ERROR_INVALID_FIELD,
    "forms.analyze.affected_assets" },
  { "{'analyze':{'affected_assets':[null]}}", VIGIL_INCIDENT_ERROR_INVALID_FIELD,
    "forms.analyze.affected_assets" },
  { "{'correlate':{'sources':['rumour']}}", VIGIL_INCIDENT_ERROR_INVALID_FIELD,
    "forms.correlate.sources" },
  { "{'collect':{'evidence':{}}}", VIGIL_INCIDENT_ERROR_INVALID_FIELD, "forms.collect.evidence" },
  { "{'collect':{'evidence':[1]}}", VIGIL_INCIDENT_ERROR_INVALID_FIELD,
    "forms.collect.evidence[0]" },
  { "{'collect':{'evidence':[{'name':'x'}]}}", VIGIL_INCIDENT_ERROR_MISSING_FIELD,
    "forms.collect.evidence[0].id" },
  { "{'collect':{'evidence':[{'id':'','name':'x'}]}}", VIGIL_INCIDENT_ERROR_INVALID_FIELD,
    "forms.collect.evidence[0].id" },
  { "{'collect':{'evidence':[{'id':'a','name':'x'},{'id':'a','name':'y'}]}}",
    VIGIL_INCIDENT_ERROR_INVALID_FIELD, "forms.collect.evidence[1].id" },
  { "{'collect':{'evidence':[{'id':'a'}]}}", VIGIL_INCIDENT_ERROR_MISSING_FIELD,
    "forms.collect.evidence[0].name" },
  { "{'collect':{'evidence':[{'id':'a','name':null}]}}", VIGIL_INCIDENT_ERROR_MISSING_FIELD,
    "forms.collect.evidence[0].name" },
  { "{'collect':{'evidence':[{'id':'a','name':'x','sha256':'ABC'}]}}",
    VIGIL_INCIDENT_ERROR_INVALID_FIELD, "forms.collect.evidence[0].sha256" },
  { "{'collect':{'evidence':[{'id':'a','name':'x','size':-1}]}}",
    VIGIL_INCIDENT_ERROR_INVALID_FIELD, "forms.collect.evidence[0].size" },
  { "{'collect':{'evidence':[{'id':'a','name':'x','colour':1}]}}",
    VIGIL_INCIDENT_ERROR_UNKNOWN_FIELD, "forms.collect.evidence[0].colour" },
  { "{'collect':{'checklist':[{'id':'coffee'}]}}", VIGIL_INCIDENT_ERROR_INVALID_FIELD,
    "forms.collect.checklist[0].id" },
  { "{'collect':{'notes':'x'}}", VIGIL_INCIDENT_ERROR_UNKNOWN_FIELD, "forms.collect.notes" },
  { "{'escalate':{'at':'soon'}}", VIGIL_INCIDENT_ERROR_INVALID_FIELD, "forms.escalate.at" },
  { "{'escalate':{'escalate':'yes'}}", VIGIL_INCIDENT_ERROR_INVALID_FIELD,
    "forms.escalate.escalate" },
  { "{'finalize':{'sign_off':true}}", VIGIL_INCIDENT_ERROR_INVALID_FIELD,
    "forms.finalize.sign_off" },
  { "{'finalize':{'sign_off':{'by':'a'}}}", VIGIL_INCIDENT_ERROR_INVALID_FIELD,
    "forms.finalize.sign_off" },
  { "{'remediate':{'actions':[{'id':'r','title':'t','status':'maybe'}]}}",
    VIGIL_INCIDENT_ERROR_INVALID_FIELD, "forms.remediate.actions[0].status" },
  { "{'correlate':{'indicators':[{'id':'i','type':'ip'}]}}",
    VIGIL_INCIDENT_ERROR_MISSING_FIELD, "forms.correlate.indicators[0].value" },
};

static void
test_codec_bad (gconstpointer data)
{
  const BadDocument *bad = data;
  g_autofree char *forms = squote_to_json (bad->forms);
  g_autofree char *doc = g_strdup_printf ("{\"id\":\"abc\",\"revision\":1,\"step\":2,"
                                          "\"forms\":%s}", forms);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) incident = vigil_incident_new_from_string (doc, &error);
  g_autofree char *quoted = g_strdup_printf ("“%s”", bad->field);

  g_assert_null (incident);
  g_assert_error (error, VIGIL_INCIDENT_ERROR, bad->code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, quoted));
}

/* evidence files */

typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
  guint         reports;
  goffset       last_done;
  goffset       total;
  gboolean      monotonic;
  gboolean      finished;
  gboolean      report_after_finish;
  gboolean      destroyed;
} HashWait;

static void
on_progress (goffset  done,
             goffset  total,
             gpointer user_data)
{
  HashWait *wait = user_data;

  wait->monotonic &= done >= wait->last_done;
  wait->report_after_finish |= wait->finished;
  wait->last_done = done;
  wait->total = total;
  wait->reports++;
}

static void
on_progress_destroy (gpointer user_data)
{
  HashWait *wait = user_data;

  wait->destroyed = TRUE;
}

static void
on_hash_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  HashWait *wait = user_data;

  wait->finished = TRUE;
  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static void
hash_wait_init (HashWait *wait)
{
  memset (wait, 0, sizeof *wait);
  wait->loop = g_main_loop_new (NULL, FALSE);
  wait->monotonic = TRUE;
}

static void
hash_wait_clear (HashWait *wait)
{
  g_clear_pointer (&wait->loop, g_main_loop_unref);
  g_clear_object (&wait->result);
}

static GFile *
write_temp (const char *dir,
            const char *name,
            const char *contents,
            gssize      length)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static char *
hash_file (GFile    *file,
           goffset  *size,
           GError  **error)
{
  HashWait wait;
  char *sha256 = NULL;

  hash_wait_init (&wait);
  vigil_evidence_hash_async (file, NULL, on_progress, &wait, on_progress_destroy,
                             on_hash_done, &wait);
  g_main_loop_run (wait.loop);
  g_assert_true (wait.destroyed);
  g_assert_false (wait.report_after_finish);
  if (!vigil_evidence_hash_finish (wait.result, &sha256, size, error))
    sha256 = NULL;
  hash_wait_clear (&wait);
  return sha256;
}

static void
test_evidence_vectors (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GFile) empty = write_temp (f->dir, "empty", "", 0);
  g_autoptr(GFile) abc = write_temp (f->dir, "abc", "abc", 3);
  g_autoptr(GFile) missing = g_file_new_build_filename (f->dir, "missing", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *sha_empty = NULL;
  g_autofree char *sha_abc = NULL;
  g_autofree char *sha_missing = NULL;
  goffset size = -1;

  sha_empty = hash_file (empty, &size, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sha_empty, ==, SHA_EMPTY);
  g_assert_cmpint (size, ==, 0);

  sha_abc = hash_file (abc, &size, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sha_abc, ==, SHA_ABC);
  g_assert_cmpint (size, ==, 3);

  sha_missing = hash_file (missing, &size, &error);
  g_assert_null (sha_missing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  /* the message says which file */
  g_assert_nonnull (strstr (error->message, "missing"));
}

typedef struct {
  gint64 last;
  gint64 max_gap;
  guint  ticks;
} Ticker;

static gboolean
on_tick (gpointer user_data)
{
  Ticker *ticker = user_data;
  gint64 now = g_get_monotonic_time ();

  ticker->max_gap = MAX (ticker->max_gap, now - ticker->last);
  ticker->last = now;
  ticker->ticks++;
  return G_SOURCE_CONTINUE;
}

/* 100 MB hashed while the main loop goes on: a 10 ms timeout keeps firing. */
static void
test_evidence_large (Fixture       *f,
                     gconstpointer  data)
{
  const gsize chunk = 1024 * 1024;
  const guint n_chunks = 100;
  g_autofree char *path = g_build_filename (f->dir, "disk.img", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GChecksum) expected = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (chunk);
  g_autofree char *sha256 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  Ticker ticker = { 0, };
  HashWait wait;
  FILE *out;
  gint64 start, elapsed;
  goffset size = 0;
  guint tick_id;

  for (gsize i = 0; i < chunk / sizeof (guint32); i++)
    ((guint32 *) buffer)[i] = g_rand_int (rand);
  out = fopen (path, "wb");
  g_assert_nonnull (out);
  for (guint i = 0; i < n_chunks; i++)
    {
      buffer[0] = (guint8) i;   /* no two chunks alike */
      g_assert_cmpuint (fwrite (buffer, 1, chunk, out), ==, chunk);
      g_checksum_update (expected, buffer, chunk);
    }
  g_assert_cmpint (fclose (out), ==, 0);

  hash_wait_init (&wait);
  ticker.last = start = g_get_monotonic_time ();
  tick_id = g_timeout_add (10, on_tick, &ticker);
  vigil_evidence_hash_async (file, NULL, on_progress, &wait, NULL, on_hash_done, &wait);
  g_main_loop_run (wait.loop);
  elapsed = g_get_monotonic_time () - start;
  g_source_remove (tick_id);

  g_assert_true (vigil_evidence_hash_finish (wait.result, &sha256, &size, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (sha256, ==, g_checksum_get_string (expected));
  g_assert_cmpint (size, ==, (goffset) chunk * n_chunks);

  g_test_message ("hashed 100 MB in %.0f ms; the 10 ms timeout fired %u times, longest gap "
                  "%.1f ms; %u progress reports",
                  elapsed / 1000.0, ticker.ticks, ticker.max_gap / 1000.0, wait.reports);
  /* the loop kept running: ticks all along, no long stall */
  g_assert_cmpuint (ticker.ticks, >=, 5);
  g_assert_cmpint (ticker.max_gap, <, MAX (elapsed / 2, 100 * G_TIME_SPAN_MILLISECOND));
  /* progress came in the main context, in order, the last one complete */
  g_assert_cmpuint (wait.reports, >=, 1);
  g_assert_true (wait.monotonic);
  g_assert_false (wait.report_after_finish);
  g_assert_cmpint (wait.last_done, ==, size);
  g_assert_cmpint (wait.total, ==, size);
  hash_wait_clear (&wait);
}

static void
test_evidence_cancel (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *contents = g_strnfill (4 * 1024 * 1024, 'z');
  g_autoptr(GFile) file = write_temp (f->dir, "big", contents, -1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  HashWait wait;

  hash_wait_init (&wait);
  vigil_evidence_hash_async (file, cancellable, on_progress, &wait, on_progress_destroy,
                             on_hash_done, &wait);
  g_cancellable_cancel (cancellable);
  g_main_loop_run (wait.loop);
  g_assert_false (vigil_evidence_hash_finish (wait.result, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (wait.destroyed);
  hash_wait_clear (&wait);
}

static gboolean
verify_file (GFile       *file,
             const char  *expected,
             char       **found,
             GError     **error)
{
  HashWait wait;
  gboolean matches = FALSE;

  hash_wait_init (&wait);
  vigil_evidence_verify_async (file, expected, NULL, NULL, NULL, NULL, on_hash_done, &wait);
  g_main_loop_run (wait.loop);
  if (!vigil_evidence_verify_finish (wait.result, &matches, found, error))
    matches = FALSE;
  hash_wait_clear (&wait);
  return matches;
}

static void
test_evidence_verify (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GFile) file = write_temp (f->dir, "mail.eml", "abc", 3);
  g_autoptr(GFile) missing = g_file_new_build_filename (f->dir, "gone.eml", NULL);
  g_autofree char *found = NULL;
  g_autofree char *upper = g_ascii_strup (SHA_ABC, -1);
  g_autoptr(GFile) changed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (verify_file (file, SHA_ABC, &found, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, SHA_ABC);
  g_clear_pointer (&found, g_free);
  g_assert_true (verify_file (file, upper, NULL, &error));
  g_assert_no_error (error);

  /* one byte changed: a mismatch, and what is there now */
  changed = write_temp (f->dir, "mail.eml", "abd", 3);
  g_assert_false (verify_file (changed, SHA_ABC, &found, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (found, !=, SHA_ABC);
  g_assert_cmpuint (strlen (found), ==, 64);

  g_assert_false (verify_file (missing, SHA_ABC, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* "also seen in": the same indicator in other incidents of the store */

static void
on_find_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  HashWait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static void
test_store_also_seen_in (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *a = g_uuid_string_random ();
  g_autofree char *b = g_uuid_string_random ();
  g_autofree char *c = g_uuid_string_random ();
  g_autoptr(VigilIncident) incident = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  const char *id;
  HashWait wait;

  id = a;
  STORE ("incident.create", ANALYST, "{'title':'A','type':'phishing'}");
  STORE ("item.add", ANALYST, "{" IND ",'item':{'id':'i1','type':'domain',"
         "'value':'Evil.Example.com'}}");
  STORE ("item.add", ANALYST, "{" IND ",'item':{'id':'i2','type':'ip','value':'203.0.113.7'}}");
  id = b;
  STORE ("incident.create", ANALYST, "{'title':'B','type':'malware'}");
  STORE ("item.add", ANALYST, "{" IND ",'item':{'id':'x','type':'domain',"
         "'value':'evil.example.com'}}");
  /* the same text as another type is another indicator */
  STORE ("item.add", ANALYST, "{" IND ",'item':{'id':'y','type':'account',"
         "'value':'203.0.113.7'}}");
  id = c;
  STORE ("incident.create", ANALYST, "{'title':'C','type':'malware'}");
  STORE ("item.add", ANALYST, "{" IND ",'item':{'id':'z','type':'ip',"
         "'value':'2001:DB8:0::1'}}");

  /* seen from A: only B, and the lookup normalises what it is given */
  found = vigil_store_find_indicator (f->store, "domain", " EVIL.example.COM", a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (vigil_incident_get_id (g_ptr_array_index (found, 0)), ==, b);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = vigil_store_find_indicator (f->store, "domain", "evil.example.com", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpstr (vigil_incident_get_title (g_ptr_array_index (found, 0)), ==, "A");
  g_assert_cmpstr (vigil_incident_get_title (g_ptr_array_index (found, 1)), ==, "B");
  g_clear_pointer (&found, g_ptr_array_unref);

  found = vigil_store_find_indicator (f->store, "ip", "203.0.113.7", a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = vigil_store_find_indicator (f->store, "ip", "2001:db8:0:0::1", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (vigil_incident_get_id (g_ptr_array_index (found, 0)), ==, c);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = vigil_store_find_indicator (f->store, "ip", "not an address", NULL, &error);
  g_assert_null (found);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID);
  g_clear_error (&error);
  found = vigil_store_find_indicator (f->store, "phone", "555", NULL, &error);
  g_assert_null (found);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID);
  g_clear_error (&error);

  /* and off the main loop */
  hash_wait_init (&wait);
  vigil_store_find_indicator_async (f->store, "domain", "evil.example.com", b, NULL,
                                    on_find_done, &wait);
  g_main_loop_run (wait.loop);
  found = vigil_store_find_indicator_finish (f->store, wait.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (vigil_incident_get_id (g_ptr_array_index (found, 0)), ==, a);
  hash_wait_clear (&wait);
}

/* Notifications to clients and the regulator: the lead's approval */

static VigilIncident *
apply_with (VigilIncident     *incident,
            const char        *kind,
            const char        *actor,
            VigilPolicyFlags   policy,
            const char        *payload,
            GError           **error)
{
  g_autoptr(VigilOp) op = make_op (kind, vigil_incident_get_id (incident), actor,
                                   vigil_incident_get_revision (incident), T0, payload);

  g_test_message ("%s by %s: %s", kind, actor, payload);
  return vigil_op_apply_with_policy (op, incident, role_of (actor), policy, NULL, error);
}

static JsonObject *
notification (VigilIncident *incident)
{
  return vigil_incident_find_item (incident, "notify", "notifications", "n1");
}

static char *
decide_payload (VigilIncident *incident,
                const char    *decision,
                const char    *comment)
{
  g_autofree char *hash = vigil_notification_dup_text_hash (notification (incident));

  return g_strdup_printf ("{'id':'n1','decision':'%s','comment':%s%s%s,'sha256':'%s'}",
                          decision, comment ? "'" : "", comment ? comment : "null",
                          comment ? "'" : "", hash);
}

#define SEND_N1 "{'form':'notify','collection':'notifications','id':'n1','fields':{" \
  "'channel':'email','sent_at':'2025-03-01T09:30:00Z','sent':true}}"

/* A text with gaps is not sent, whoever sends it and whatever the policy;
 * a draft may keep them. */
static void
test_notify_gaps (void)
{
  static const struct {
    const char *audience;
    const char *subject;
    const char *body;
    VigilPolicyFlags policy;
    const char *refusal;   /* NULL: sent */
  } cases[] = {
    { "executive", "Notice", "All facts are here.", VIGIL_POLICY_DEFAULT, NULL },
    { "executive", "Notice", "Impact: [to fill in: impact]. Done: [to fill in: actions].",
      VIGIL_POLICY_DEFAULT,
      "The message still has 2 gaps to fill in: impact, actions. Replace them with the facts, "
      "or remove them." },
    { "staff", "Update [to fill in: update_number]", "Facts.", VIGIL_POLICY_DEFAULT,
      "The message still has 1 gap to fill in: update number. Replace it with the facts, or "
      "remove it." },
    /* no approval needed, gaps still stop it */
    { "clients", "Notice", "Next: [to fill in: next_update]", VIGIL_POLICY_NONE,
      "The message still has 1 gap to fill in: next update. Replace it with the facts, or "
      "remove it." },
    { "clients", "Notice", "Facts.", VIGIL_POLICY_NONE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VigilIncident) incident = new_approved ();
      g_autoptr(VigilIncident) drafted = NULL;
      g_autoptr(VigilIncident) sent = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *add = NULL;

      /* The draft is saved with its gaps. */
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "form");
      json_builder_add_string_value (builder, "notify");
      json_builder_set_member_name (builder, "collection");
      json_builder_add_string_value (builder, "notifications");
      json_builder_set_member_name (builder, "item");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, "n1");
      json_builder_set_member_name (builder, "audience");
      json_builder_add_string_value (builder, cases[i].audience);
      json_builder_set_member_name (builder, "subject");
      json_builder_add_string_value (builder, cases[i].subject);
      json_builder_set_member_name (builder, "body");
      json_builder_add_string_value (builder, cases[i].body);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      add = json_generator_to_data (generator, NULL);

      drafted = apply_with (incident, "item.add", ANALYST, cases[i].policy, add, &error);
      g_assert_no_error (error);

      sent = apply_with (drafted, "item.update", ANALYST, cases[i].policy, SEND_N1, &error);
      if (cases[i].refusal == NULL)
        {
          g_assert_no_error (error);
          g_assert_nonnull (sent);
          continue;
        }
      g_assert_null (sent);
      g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID);
      {
        g_autofree char *field = vigil_op_error_dup_field (error);

        g_assert_cmpstr (field, ==, "sent");
      }
      g_assert_cmpstr (vigil_op_error_get_reason (error), ==, cases[i].refusal);
      g_clear_error (&error);

      /* Nor added as sent straight away. */
      {
        g_autofree char *add_sent = NULL;
        g_autoptr(VigilIncident) at_once = NULL;

        json_object_set_string_member (json_object_get_object_member (json_node_get_object (root),
                                                                      "item"), "id", "n2");
        json_object_set_boolean_member (json_object_get_object_member (json_node_get_object (root),
                                                                       "item"), "sent", TRUE);
        add_sent = json_generator_to_data (generator, NULL);
        at_once = apply_with (drafted, "item.add", ANALYST, cases[i].policy, add_sent, &error);
        g_assert_null (at_once);
        g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_INVALID);
        g_clear_error (&error);
      }
    }
}


static void
test_notify_approval (void)
{
  g_autoptr(VigilIncident) incident = new_approved ();
  g_autoptr(VigilIncident) sent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *approve = NULL;
  g_autofree char *reject = NULL;
  g_autofree char *bare_reject = NULL;
  g_autofree char *text_hash = NULL;
  VigilIncident *result;

  chain (&incident, "item.add", ANALYST,
         "{'form':'notify','collection':'notifications','item':{'id':'n1',"
         "'audience':'clients','subject':'About an incident','body':'Dear client,',"
         "'recipients':['clients@example.org']}}");
  g_assert_cmpint (vigil_notification_get_approval (notification (incident),
                                                    VIGIL_POLICY_DEFAULT),
                   ==, VIGIL_NOTIFICATION_APPROVAL_AWAITING);
  g_assert_cmpint (vigil_notification_get_approval (notification (incident), VIGIL_POLICY_NONE),
                   ==, VIGIL_NOTIFICATION_APPROVAL_NOT_NEEDED);
  {
    g_autoptr(GPtrArray) awaiting =
      vigil_incident_list_notifications_awaiting (incident, VIGIL_POLICY_DEFAULT);

    g_assert_cmpuint (awaiting->len, ==, 1);
  }

  /* Policy on (the default): not sent without an approval. */
  apply_fail (incident, "item.update", ANALYST, VIGIL_ROLE_ANALYST, SEND_N1,
              VIGIL_OP_ERROR_GATE, "sent");
  /* Nor added as sent straight away. */
  apply_fail (incident, "item.add", ANALYST, VIGIL_ROLE_ANALYST,
              "{'form':'notify','collection':'notifications','item':{'id':'n2',"
              "'audience':'regulator','subject':'Notice','sent':true}}",
              VIGIL_OP_ERROR_GATE, "sent");
  /* Policy off: sent as it is. */
  sent = apply_with (incident, "item.update", ANALYST, VIGIL_POLICY_NONE, SEND_N1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sent);

  /* Decisions are the core's to record: no one sets them by hand. */
  apply_fail (incident, "item.update", LEAD, VIGIL_ROLE_LEAD,
              "{'form':'notify','collection':'notifications','id':'n1','fields':{"
              "'approval':'approved'}}", VIGIL_OP_ERROR_READ_ONLY, "approval");
  apply_fail (incident, "item.add", ANALYST, VIGIL_ROLE_ANALYST,
              "{'form':'notify','collection':'notifications','item':{'id':'n3',"
              "'audience':'clients','subject':'x','authors':['bob']}}",
              VIGIL_OP_ERROR_READ_ONLY, "authors");

  /* Only leads decide. */
  approve = decide_payload (incident, "approve", NULL);
  apply_fail (incident, "notification.decide", ANALYST, VIGIL_ROLE_ANALYST, approve,
              VIGIL_OP_ERROR_FORBIDDEN, NULL);
  apply_fail (incident, "notification.decide", "max", VIGIL_ROLE_MANAGER, approve,
              VIGIL_OP_ERROR_FORBIDDEN, NULL);
  /* On the text they read. */
  apply_fail (incident, "notification.decide", LEAD, VIGIL_ROLE_LEAD,
              "{'id':'n1','decision':'approve','sha256':'" SHA_ABC "'}",
              VIGIL_OP_ERROR_CONFLICT, NULL);
  apply_fail (incident, "notification.decide", LEAD, VIGIL_ROLE_LEAD,
              "{'id':'nope','decision':'approve','sha256':'" SHA_ABC "'}",
              VIGIL_OP_ERROR_NOT_FOUND, "id");
  /* Members of the wrong type are refused, not read as missing. */
  apply_fail (incident, "notification.decide", LEAD, VIGIL_ROLE_LEAD,
              "{'id':{'x':1},'decision':'approve','sha256':'" SHA_ABC "'}",
              VIGIL_OP_ERROR_INVALID, "id");
  apply_fail (incident, "notification.decide", LEAD, VIGIL_ROLE_LEAD,
              "{'id':'n1','decision':'approve','sha256':['" SHA_ABC "']}",
              VIGIL_OP_ERROR_INVALID, "sha256");

  /* A lead who wrote some of the text does not decide on it (four eyes). */
  chain (&incident, "item.update", LEAD,
         "{'form':'notify','collection':'notifications','id':'n1','fields':{"
         "'body':'Dear client, we are sorry.'}}");
  {
    JsonArray *authors = json_object_get_array_member (notification (incident), "authors");

    g_assert_cmpuint (json_array_get_length (authors), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (authors, 0), ==, ANALYST);
    g_assert_cmpstr (json_array_get_string_element (authors, 1), ==, LEAD);
  }
  g_clear_pointer (&approve, g_free);
  approve = decide_payload (incident, "approve", NULL);
  apply_fail (incident, "notification.decide", LEAD, VIGIL_ROLE_LEAD, approve,
              VIGIL_OP_ERROR_FORBIDDEN, NULL);

  /* A rejection says why; it holds until the text changes. */
  bare_reject = decide_payload (incident, "reject", NULL);
  apply_fail (incident, "notification.decide", LEAD2, VIGIL_ROLE_LEAD, bare_reject,
              VIGIL_OP_ERROR_INVALID, "comment");
  /* The comment is kept in a long-text field, so it is held to its limit. */
  {
    g_autofree char *long_comment = g_strnfill (20001, 'x');
    g_autofree char *long_reject = decide_payload (incident, "reject", long_comment);

    apply_fail (incident, "notification.decide", LEAD2, VIGIL_ROLE_LEAD, long_reject,
                VIGIL_OP_ERROR_INVALID, "comment");
  }
  reject = decide_payload (incident, "reject", "Too vague");
  chain (&incident, "notification.decide", LEAD2, reject);
  g_assert_cmpint (vigil_notification_get_approval (notification (incident),
                                                    VIGIL_POLICY_DEFAULT),
                   ==, VIGIL_NOTIFICATION_APPROVAL_REJECTED);
  g_assert_cmpstr (json_object_get_string_member (notification (incident), "approval_comment"),
                   ==, "Too vague");
  apply_fail (incident, "item.update", ANALYST, VIGIL_ROLE_ANALYST, SEND_N1,
              VIGIL_OP_ERROR_GATE, "sent");
  chain (&incident, "item.update", ANALYST,
         "{'form':'notify','collection':'notifications','id':'n1','fields':{"
         "'body':'Dear client, card payments failed from 9:00 to 9:40.'}}");
  g_assert_false (json_object_has_member (notification (incident), "approval"));
  g_assert_cmpint (vigil_notification_get_approval (notification (incident),
                                                    VIGIL_POLICY_DEFAULT),
                   ==, VIGIL_NOTIFICATION_APPROVAL_AWAITING);

  /* Approved, then edited: the approval is gone and needed again. */
  g_clear_pointer (&approve, g_free);
  approve = decide_payload (incident, "approve", NULL);
  chain (&incident, "notification.decide", LEAD2, approve);
  g_assert_cmpint (vigil_notification_get_approval (notification (incident),
                                                    VIGIL_POLICY_DEFAULT),
                   ==, VIGIL_NOTIFICATION_APPROVAL_APPROVED);
  g_assert_cmpstr (json_object_get_string_member (notification (incident), "approval_by"),
                   ==, LEAD2);
  chain (&incident, "item.update", ANALYST,
         "{'form':'notify','collection':'notifications','id':'n1','fields':{"
         "'subject':'About an incident on 1 March'}}");
  g_assert_cmpint (vigil_notification_get_approval (notification (incident),
                                                    VIGIL_POLICY_DEFAULT),
                   ==, VIGIL_NOTIFICATION_APPROVAL_AWAITING);
  apply_fail (incident, "item.update", ANALYST, VIGIL_ROLE_ANALYST, SEND_N1,
              VIGIL_OP_ERROR_GATE, "sent");

  /* The same text approved for the clients is not approved for the
   * regulator: the audience is part of what the lead approved. */
  g_clear_pointer (&approve, g_free);
  approve = decide_payload (incident, "approve", NULL);
  chain (&incident, "notification.decide", LEAD2, approve);
  chain (&incident, "item.update", ANALYST,
         "{'form':'notify','collection':'notifications','id':'n1','fields':{"
         "'audience':'regulator'}}");
  g_assert_cmpint (vigil_notification_get_approval (notification (incident),
                                                    VIGIL_POLICY_DEFAULT),
                   ==, VIGIL_NOTIFICATION_APPROVAL_AWAITING);
  chain (&incident, "item.update", ANALYST,
         "{'form':'notify','collection':'notifications','id':'n1','fields':{"
         "'audience':'clients'}}");

  g_clear_pointer (&approve, g_free);
  approve = decide_payload (incident, "approve", "Fine");
  chain (&incident, "notification.decide", LEAD2, approve);
  text_hash = vigil_notification_dup_text_hash (notification (incident));

  /* Other recipients than those approved are another text. */
  apply_fail (incident, "item.update", ANALYST, VIGIL_ROLE_ANALYST,
              "{'form':'notify','collection':'notifications','id':'n1','fields':{"
              "'channel':'email','recipients':['all-clients@example.org'],"
              "'sent_at':'2025-03-01T09:30:00Z','sent':true}}",
              VIGIL_OP_ERROR_GATE, "sent");
  result = apply_with (incident, "item.update", ANALYST, VIGIL_POLICY_DEFAULT,
                       "{'form':'notify','collection':'notifications','id':'n1','fields':{"
                       "'channel':'email','recipients':['clients@example.org'],"
                       "'sent_at':'2025-03-01T09:30:00Z','sent':true}}", &error);
  g_assert_no_error (error);
  g_set_object (&incident, result);
  g_object_unref (result);
  {
    g_autofree char *sent_hash = vigil_notification_dup_text_hash (notification (incident));

    g_assert_cmpstr (sent_hash, ==, text_hash);
    g_assert_cmpstr (json_object_get_string_member (notification (incident), "approval_sha256"),
                     ==, text_hash);
  }
  /* Nothing left to decide once sent. */
  apply_fail (incident, "notification.decide", LEAD2, VIGIL_ROLE_LEAD, approve,
              VIGIL_OP_ERROR_READ_ONLY, NULL);

  /* Internal audiences are not for the lead to approve. */
  chain (&incident, "item.add", ANALYST,
         "{'form':'notify','collection':'notifications','item':{'id':'n4',"
         "'audience':'staff','subject':'Heads up'}}");
  apply_fail (incident, "notification.decide", LEAD2, VIGIL_ROLE_LEAD,
              "{'id':'n4','decision':'approve','sha256':'" SHA_ABC "'}",
              VIGIL_OP_ERROR_INVALID, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vigil/forms/table/consistent", test_table_consistent);

  g_test_add ("/vigil/forms/store/round-trip", Fixture, NULL, fixture_setup,
              test_store_round_trip, fixture_teardown);
  g_test_add ("/vigil/forms/store/idempotent", Fixture, NULL, fixture_setup,
              test_store_idempotent, fixture_teardown);
  g_test_add ("/vigil/forms/store/refused", Fixture, NULL, fixture_setup,
              test_store_refused, fixture_teardown);
  g_test_add ("/vigil/forms/store/also-seen-in", Fixture, NULL, fixture_setup,
              test_store_also_seen_in, fixture_teardown);

  for (guint i = 0; i < G_N_ELEMENTS (bad_ops); i++)
    {
      g_autofree char *path = g_strdup_printf ("/vigil/forms/op/bad/%u", i);

      g_test_add_data_func (path, &bad_ops[i], test_op_bad);
    }
  g_test_add_func ("/vigil/forms/op/lengths", test_op_lengths);
  g_test_add_func ("/vigil/forms/op/roles", test_op_roles);
  g_test_add_func ("/vigil/forms/op/archived", test_op_archived);
  g_test_add_func ("/vigil/forms/op/frozen", test_op_frozen);
  g_test_add_func ("/vigil/forms/op/custody-after-approval", test_op_custody_after_approval);
  g_test_add_func ("/vigil/forms/op/snapshot", test_op_snapshot);
  g_test_add_func ("/vigil/forms/op/set-once", test_op_set_once);
  g_test_add_func ("/vigil/forms/op/changes", test_op_changes);
  g_test_add_func ("/vigil/forms/op/indicator-normalised", test_op_indicator_normalised);
  g_test_add_func ("/vigil/forms/check-value", test_check_value);

  g_test_add_func ("/vigil/forms/missing", test_missing_sentences);

  g_test_add_func ("/vigil/forms/codec/round-trip", test_codec_round_trip);
  for (guint i = 0; i < G_N_ELEMENTS (bad_documents); i++)
    {
      g_autofree char *path = g_strdup_printf ("/vigil/forms/codec/bad/%u", i);

      g_test_add_data_func (path, &bad_documents[i], test_codec_bad);
    }

  g_test_add_func ("/vigil/forms/notify/approval", test_notify_approval);
  g_test_add_func ("/vigil/forms/notify/gaps", test_notify_gaps);
  g_test_add ("/vigil/forms/evidence/vectors", Fixture, NULL, fixture_setup,
              test_evidence_vectors, fixture_teardown);
  g_test_add ("/vigil/forms/evidence/large", Fixture, NULL, fixture_setup,
              test_evidence_large, fixture_teardown);
  g_test_add ("/vigil/forms/evidence/cancel", Fixture, NULL, fixture_setup,
              test_evidence_cancel, fixture_teardown);
  g_test_add ("/vigil/forms/evidence/verify", Fixture, NULL, fixture_setup,
              test_evidence_verify, fixture_teardown);

  return g_test_run ();
}
