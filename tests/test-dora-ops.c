/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gstdio.h>

#include <string.h>

#include <vigil/vigil.h>

#include "test-core-util.h"

/* DORA classification and reports as operations, through a real store. */

#define ANALYST "alice"
#define LEAD    "lena"
#define AWARE   "2025-03-01T09:15:00Z"   /* a Saturday */
#define MAJOR   "{'critical_services':{'malicious_access':true},'data_losses':{'intrusion':true}}"
#define MINOR   "{'critical_services':{'cif':true}}"

typedef struct {
  char       *dir;
  char       *path;
  VigilStore *store;
  char       *id;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->store = test_core_open_temp_store ("vigil-test-dora-ops-XXXXXX", &f->dir, &f->path);
  f->id = g_uuid_string_random ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  vigil_store_close (f->store);
  g_clear_object (&f->store);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (f->dir, name, NULL);

      g_assert_cmpint (g_remove (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->id);
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

static VigilIncident *
get_incident (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  VigilIncident *incident = vigil_store_get_incident (f->store, f->id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (incident);
  return incident;
}

/* An operation on the fixture's incident at its current revision; ' in
 * @payload stands for ". */
static VigilOp *
make_op (Fixture    *f,
         const char *kind,
         const char *actor,
         const char *at,
         const char *payload)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *json = NULL;
  g_autoptr(VigilIncident) incident = vigil_store_get_incident (f->store, f->id, NULL);
  VigilOp *op;

  json = g_strdup_printf ("{'id':'%s','incident':'%s','kind':'%s','base_rev':%" G_GINT64_FORMAT
                          ",'actor':'%s','at':'%s','payload':%s}", uuid, f->id, kind,
                          incident ? vigil_incident_get_revision (incident) : 0, actor, at,
                          payload);
  g_strdelimit (json, "'", '"');
  op = vigil_op_new_from_string (json, &error);
  g_assert_no_error (error);
  return op;
}

static VigilIncident *
apply (Fixture    *f,
       const char *kind,
       const char *actor,
       VigilRole   role,
       const char *at,
       const char *payload)
{
  g_autoptr(VigilOp) op = make_op (f, kind, actor, at, payload);
  g_autoptr(GError) error = NULL;
  VigilIncident *incident = vigil_store_apply (f->store, op, role, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (incident);
  return incident;
}

static void
apply_fail (Fixture      *f,
            const char   *kind,
            VigilRole     role,
            const char   *at,
            const char   *payload,
            VigilOpError  code,
            const char   *field)
{
  g_autoptr(VigilOp) op = make_op (f, kind, ANALYST, at, payload);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) before = get_incident (f);
  g_autoptr(VigilIncident) after = NULL;
  g_autoptr(VigilIncident) incident = NULL;
  g_autofree char *found = NULL;
  g_autofree char *before_text = vigil_incident_to_string (before);
  g_autofree char *after_text = NULL;

  incident = vigil_store_apply (f->store, op, role, NULL, NULL, &error);
  g_assert_null (incident);
  g_assert_error (error, VIGIL_OP_ERROR, (gint) code);
  found = vigil_op_error_dup_field (error);
  g_assert_cmpstr (found, ==, field);

  /* A refusal changes nothing. */
  after = get_incident (f);
  after_text = vigil_incident_to_string (after);
  g_assert_cmpstr (before_text, ==, after_text);
}

static void
create (Fixture    *f,
        const char *aware_at)
{
  g_autofree char *payload = g_strdup_printf ("{'title':'Payments down','type':'malware',"
                                              "'detected_at':'%s','aware_at':'%s'}",
                                              aware_at, aware_at);
  g_autoptr(VigilIncident) incident = apply (f, "incident.create", ANALYST, VIGIL_ROLE_ANALYST,
                                             "2025-03-01T09:30:00Z", payload);
}

static VigilIncident *
classify (Fixture    *f,
          const char *at,
          const char *criteria)
{
  g_autofree char *payload = g_strdup_printf ("{'criteria':%s}", criteria);

  return apply (f, "dora.classify", ANALYST, VIGIL_ROLE_ANALYST, at, payload);
}

static GDateTime *
dup_time (const char *iso)
{
  GDateTime *when = vigil_time_from_iso (iso);

  g_assert_nonnull (when);
  return when;
}

static void
assert_time (GDateTime  *when,
             const char *expected)
{
  g_autofree char *text = vigil_time_to_iso (when);

  g_assert_cmpstr (text, ==, expected);
}

static const char *
change_new_string (JsonArray  *changes,
                   const char *field)
{
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_str_equal (json_object_get_string_member (change, "field"), field))
        {
          JsonNode *node = json_object_get_member (change, "new");

          return json_node_get_value_type (node) == G_TYPE_BOOLEAN
                 ? (json_node_get_boolean (node) ? "true" : "false")
                 : json_node_get_string (node);
        }
    }
  return NULL;
}

/* classify through the store: the record is there after reopening, the
 * result is the core's and the log tells what changed */
static void
test_classify_store (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(VigilIncident) classified = NULL;
  g_autoptr(VigilIncident) reopened = NULL;
  g_autoptr(GDateTime) classified_at = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GError) error = NULL;
  VigilLogEntry *entry;
  JsonObject *dora, *result;

  create (f, AWARE);
  classified = classify (f, "2025-03-01T10:00:00Z", MAJOR);
  g_assert_true (vigil_incident_get_dora_major (classified));

  fixture_reopen (f);
  reopened = get_incident (f);
  dora = vigil_incident_get_dora (reopened);
  g_assert_nonnull (dora);
  g_assert_true (vigil_incident_get_dora_major (reopened));
  classified_at = vigil_incident_dup_dora_classified_at (reopened);
  assert_time (classified_at, "2025-03-01T10:00:00Z");

  result = json_object_get_object_member (dora, "result");
  g_assert_cmpstr (json_object_get_string_member (result, "computed_at"), ==,
                   "2025-03-01T10:00:00Z");
  g_assert_true (json_object_get_boolean_member (result, "gate"));
  g_assert_true (json_object_get_boolean_member (result, "t5b"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "reasons")), >,
                    0);
  /* The inputs are kept in the codec's full form. */
  g_assert_true (json_object_get_boolean_member (
                   json_object_get_object_member (json_object_get_object_member (dora, "criteria"),
                                                  "critical_services"), "malicious_access"));

  log = vigil_store_list_log (f->store, f->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (log->len, ==, 2);
  entry = g_ptr_array_index (log, 1);
  g_assert_cmpint (vigil_op_get_kind (entry->op), ==, VIGIL_OP_DORA_CLASSIFY);
  g_assert_cmpstr (change_new_string (entry->changes, "dora.result.major"), ==, "true");
  g_assert_cmpstr (change_new_string (entry->changes, "dora.classified_at"), ==,
                   "2025-03-01T10:00:00Z");
}

/* bad inputs are refused, naming the field; results are never taken from
 * the client */
static void
test_classify_refused (Fixture       *f,
                       gconstpointer  data)
{
  create (f, AWARE);

  apply_fail (f, "dora.classify", VIGIL_ROLE_ANALYST, "2025-03-01T10:00:00Z",
              "{'criteria':{'clients':{'affected':-5}}}", VIGIL_OP_ERROR_INVALID,
              "criteria.clients.affected");
  apply_fail (f, "dora.classify", VIGIL_ROLE_ANALYST, "2025-03-01T10:00:00Z",
              "{'criteria':{'bogus':1}}", VIGIL_OP_ERROR_INVALID, "criteria.bogus");
  apply_fail (f, "dora.classify", VIGIL_ROLE_ANALYST, "2025-03-01T10:00:00Z",
              "{'criteria':[]}", VIGIL_OP_ERROR_INVALID, "criteria");
  apply_fail (f, "dora.classify", VIGIL_ROLE_ANALYST, "2025-03-01T10:00:00Z",
              "{}", VIGIL_OP_ERROR_INVALID, "criteria");
  apply_fail (f, "dora.classify", VIGIL_ROLE_ANALYST, "2025-03-01T10:00:00Z",
              "{'criteria':" MINOR ",'result':{'major':true}}", VIGIL_OP_ERROR_INVALID,
              "result");
  /* Managers and administrators only read. */
  apply_fail (f, "dora.classify", VIGIL_ROLE_MANAGER, "2025-03-01T10:00:00Z",
              "{'criteria':" MAJOR "}", VIGIL_OP_ERROR_FORBIDDEN, NULL);
  apply_fail (f, "dora.classify", VIGIL_ROLE_ADMIN, "2025-03-01T10:00:00Z",
              "{'criteria':" MAJOR "}", VIGIL_OP_ERROR_FORBIDDEN, NULL);

  /* A lead may classify. */
  {
    g_autoptr(VigilIncident) incident = apply (f, "dora.classify", LEAD, VIGIL_ROLE_LEAD,
                                               "2025-03-01T10:00:00Z",
                                               "{'criteria':" MINOR "}");

    g_assert_false (vigil_incident_get_dora_major (incident));
    g_assert_null (vigil_incident_dup_dora_classified_at (incident));
  }
}

/* The classification belongs to step 5: frozen while the lead decides. */
static void
test_classify_frozen (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(VigilIncident) a = NULL;
  g_autoptr(VigilIncident) b = NULL;
  g_autoptr(VigilIncident) c = NULL;
  g_autoptr(VigilIncident) pending = NULL;
  g_autoptr(VigilIncident) approved = NULL;
  g_autoptr(VigilIncident) after = NULL;

  create (f, AWARE);
  a = apply (f, "incident.update", ANALYST, VIGIL_ROLE_ANALYST, "2025-03-01T10:01:00Z",
             "{'severity':'high'}");
  b = apply (f, "form.update", ANALYST, VIGIL_ROLE_ANALYST, "2025-03-01T10:01:10Z",
             "{'form':'findings','fields':{'summary':'Dropper in the payment gateway'}}");
  c = apply (f, "form.update", ANALYST, VIGIL_ROLE_ANALYST, "2025-03-01T10:01:20Z",
             "{'form':'escalate','fields':{'escalate':true}}");
  pending = apply (f, "approval.submit", ANALYST, VIGIL_ROLE_ANALYST, "2025-03-01T10:03:00Z",
                   "{}");
  g_assert_cmpint (vigil_incident_get_approval_state (pending), ==, VIGIL_APPROVAL_PENDING);

  apply_fail (f, "dora.classify", VIGIL_ROLE_ANALYST, "2025-03-01T10:04:00Z",
              "{'criteria':" MAJOR "}", VIGIL_OP_ERROR_READ_ONLY, "criteria");

  /* Once decided, a change of the figures can be classified again: DORA
   * asks for it and the reports go on after approval. */
  approved = apply (f, "approval.decide", LEAD, VIGIL_ROLE_LEAD, "2025-03-01T10:05:00Z",
                    "{'decision':'approve','comment':'Go'}");
  g_assert_cmpint (vigil_incident_get_approval_state (approved), ==, VIGIL_APPROVAL_APPROVED);
  after = classify (f, "2025-03-01T10:06:00Z", MAJOR);
  g_assert_true (vigil_incident_get_dora_major (after));
}

/* Archived incidents are read-only. */
static void
test_classify_archived (void)
{
  g_autoptr(VigilIncident) archived = NULL;
  g_autoptr(VigilOp) op = NULL;
  g_autoptr(VigilIncident) result = NULL;
  g_autoptr(GError) error = NULL;

  archived = vigil_incident_new_from_string ("{\"id\":\"a1\",\"revision\":9,\"step\":15,"
                                             "\"title\":\"Old\",\"type\":\"malware\"}", &error);
  g_assert_no_error (error);
  g_assert_true (vigil_incident_is_archived (archived));
  op = vigil_op_new_from_string ("{\"id\":\"op1\",\"incident\":\"a1\",\"kind\":\"dora.classify\","
                                 "\"base_rev\":9,\"actor\":\"alice\","
                                 "\"at\":\"2025-03-01T10:00:00Z\",\"payload\":{\"criteria\":{}}}",
                                 &error);
  g_assert_no_error (error);
  result = vigil_op_apply (op, archived, VIGIL_ROLE_ANALYST, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, VIGIL_OP_ERROR, VIGIL_OP_ERROR_READ_ONLY);
}

/* The first major result is the classification time; it stays. */
static void
test_reclassify_keeps_time (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(VigilIncident) minor = NULL;
  g_autoptr(VigilIncident) major = NULL;
  g_autoptr(VigilIncident) down = NULL;
  g_autoptr(VigilIncident) up = NULL;
  g_autoptr(GDateTime) at = NULL;
  g_autoptr(GPtrArray) deadlines = NULL;
  g_autoptr(GPtrArray) log = NULL;
  VigilLogEntry *entry;

  create (f, AWARE);
  minor = classify (f, "2025-03-01T10:00:00Z", MINOR);
  g_assert_null (vigil_incident_dup_dora_classified_at (minor));
  /* Found not major: no report is due. */
  deadlines = vigil_incident_compute_dora_deadlines (minor, NULL, NULL);
  g_assert_cmpuint (deadlines->len, ==, 0);
  g_clear_pointer (&deadlines, g_ptr_array_unref);

  major = classify (f, "2025-03-01T11:00:00Z", MAJOR);
  at = vigil_incident_dup_dora_classified_at (major);
  assert_time (at, "2025-03-01T11:00:00Z");
  g_clear_pointer (&at, g_date_time_unref);

  down = classify (f, "2025-03-01T12:00:00Z", MINOR);
  g_assert_false (vigil_incident_get_dora_major (down));
  at = vigil_incident_dup_dora_classified_at (down);
  assert_time (at, "2025-03-01T11:00:00Z");
  g_clear_pointer (&at, g_date_time_unref);
  /* Reclassified as non-major: the deadlines stop. */
  deadlines = vigil_incident_compute_dora_deadlines (down, NULL, NULL);
  g_assert_cmpuint (deadlines->len, ==, 0);
  g_clear_pointer (&deadlines, g_ptr_array_unref);
  {
    g_autoptr(GDateTime) later = g_date_time_new_from_iso8601 ("2025-06-01T00:00:00Z", NULL);

    g_assert_false (vigil_incident_has_overdue_report (down, later));
    g_assert_true (vigil_incident_has_overdue_report (major, later));
  }

  up = classify (f, "2025-03-01T13:00:00Z", MAJOR);
  at = vigil_incident_dup_dora_classified_at (up);
  assert_time (at, "2025-03-01T11:00:00Z");

  log = vigil_store_list_log (f->store, f->id, NULL);
  g_assert_cmpuint (log->len, ==, 5);
  entry = g_ptr_array_index (log, 3);
  g_assert_cmpstr (change_new_string (entry->changes, "dora.result.major"), ==, "false");
  g_assert_null (change_new_string (entry->changes, "dora.classified_at"));
  entry = g_ptr_array_index (log, 4);
  g_assert_cmpstr (change_new_string (entry->changes, "dora.result.major"), ==, "true");
}

static VigilDoraDeadline *
find_deadline (GPtrArray           *deadlines,
               VigilDoraReportKind  kind)
{
  for (guint i = 0; i < deadlines->len; i++)
    {
      VigilDoraDeadline *deadline = g_ptr_array_index (deadlines, i);

      if (deadline->kind == kind)
        return deadline;
    }
  return NULL;
}

/* Deadlines from known times, for the default credit institution in DE */
static void
test_deadlines (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(VigilIncident) created = NULL;
  g_autoptr(VigilIncident) classified = NULL;
  g_autoptr(VigilIncident) initial = NULL;
  g_autoptr(VigilIncident) intermediate = NULL;
  g_autoptr(VigilIncident) final = NULL;
  g_autoptr(GPtrArray) deadlines = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(JsonNode) json = NULL;
  VigilDoraDeadline *deadline;
  JsonObject *item;

  create (f, AWARE);
  created = get_incident (f);

  /* Not classified: the 24-hour cap, pending. */
  deadlines = vigil_incident_compute_dora_deadlines (created, NULL, NULL);
  g_assert_cmpuint (deadlines->len, ==, 1);
  deadline = find_deadline (deadlines, VIGIL_DORA_REPORT_INITIAL);
  g_assert_true (deadline->pending);
  assert_time (deadline->legal_due, "2025-03-02T09:15:00Z");
  g_clear_pointer (&deadlines, g_ptr_array_unref);

  /* Classified 45 minutes after awareness: four hours from then. On a
   * Saturday, and still no relief for a credit institution. */
  classified = classify (f, "2025-03-01T10:00:00Z", MAJOR);
  deadlines = vigil_incident_compute_dora_deadlines (classified, NULL, NULL);
  g_assert_cmpuint (deadlines->len, ==, 1);
  deadline = find_deadline (deadlines, VIGIL_DORA_REPORT_INITIAL);
  g_assert_false (deadline->pending);
  assert_time (deadline->legal_due, "2025-03-01T14:00:00Z");
  g_assert_false (deadline->relief_applies);
  assert_time (deadline->relieved_due, "2025-03-01T14:00:00Z");
  g_clear_pointer (&deadlines, g_ptr_array_unref);

  /* Overdue only after the limit itself; the pending cap of an incident
   * not classified yet owes nothing. */
  {
    static const struct {
      const char *now;
      gboolean    overdue;
    } cases[] = {
      { "2025-03-01T13:59:00Z", FALSE },
      { "2025-03-01T14:00:00Z", FALSE },
      { "2025-03-01T14:01:00Z", TRUE },
      { "2025-04-01T00:00:00Z", TRUE },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (cases[i].now, NULL);

        g_assert_cmpint (vigil_incident_has_overdue_report (classified, when), ==,
                         cases[i].overdue);
        g_assert_false (vigil_incident_has_overdue_report (created, when));
      }
  }

  /* A payment institution may use the relief: noon, Berlin, on Monday. */
  {
    VigilDoraEntity entity = *vigil_incident_get_default_dora_entity ();

    entity.types = VIGIL_DORA_ENTITY_PAYMENT_INSTITUTION;
    deadlines = vigil_incident_compute_dora_deadlines (classified, &entity, NULL);
    deadline = find_deadline (deadlines, VIGIL_DORA_REPORT_INITIAL);
    g_assert_true (deadline->relief_applies);
    assert_time (deadline->relieved_due, "2025-03-03T11:00:00Z");
    g_clear_pointer (&deadlines, g_ptr_array_unref);
  }

  /* Reports in the wrong order or before the incident are refused. */
  apply_fail (f, "dora.report_submitted", VIGIL_ROLE_ANALYST, "2025-03-01T13:00:00Z",
              "{'report':'intermediate','at':'2025-03-01T13:00:00Z','authority':'BaFin'}",
              VIGIL_OP_ERROR_INVALID, "report");
  apply_fail (f, "dora.report_submitted", VIGIL_ROLE_ANALYST, "2025-03-01T13:00:00Z",
              "{'report':'initial','at':'2025-03-01T08:00:00Z','authority':'BaFin'}",
              VIGIL_OP_ERROR_INVALID, "at");
  apply_fail (f, "dora.report_submitted", VIGIL_ROLE_ANALYST, "2025-03-01T13:00:00Z",
              "{'report':'initial','at':'2025-03-01T13:00:00Z','authority':''}",
              VIGIL_OP_ERROR_INVALID, "authority");
  apply_fail (f, "dora.report_submitted", VIGIL_ROLE_ANALYST, "2025-03-01T13:00:00Z",
              "{'report':'initial','at':'2025-03-02T13:00:00Z','authority':'BaFin'}",
              VIGIL_OP_ERROR_INVALID, "at");
  apply_fail (f, "dora.report_submitted", VIGIL_ROLE_ANALYST, "2025-03-01T13:00:00Z",
              "{'report':'update','at':'2025-03-01T13:00:00Z','authority':'BaFin'}",
              VIGIL_OP_ERROR_INVALID, "report");
  apply_fail (f, "dora.report_submitted", VIGIL_ROLE_MANAGER, "2025-03-01T13:00:00Z",
              "{'report':'initial','at':'2025-03-01T13:00:00Z','authority':'BaFin'}",
              VIGIL_OP_ERROR_FORBIDDEN, NULL);

  /* Initial sent: the intermediate report is due 72 hours later. */
  initial = apply (f, "dora.report_submitted", ANALYST, VIGIL_ROLE_ANALYST,
                   "2025-03-01T13:05:00Z",
                   "{'report':'initial','at':'2025-03-01T13:00:00Z','authority':'BaFin',"
                   "'reference':'BAF-1'}");
  deadlines = vigil_incident_compute_dora_deadlines (initial, NULL, NULL);
  g_assert_cmpuint (deadlines->len, ==, 1);
  deadline = find_deadline (deadlines, VIGIL_DORA_REPORT_INTERMEDIATE);
  assert_time (deadline->legal_due, "2025-03-04T13:00:00Z");
  g_clear_pointer (&deadlines, g_ptr_array_unref);

  /* An update of the initial notification is its version 2; the clock of
   * the intermediate report keeps running from the first. */
  {
    g_autoptr(VigilIncident) updated = apply (f, "dora.report_submitted", ANALYST,
                                              VIGIL_ROLE_ANALYST, "2025-03-01T13:10:00Z",
                                              "{'report':'initial','at':'2025-03-01T13:10:00Z',"
                                              "'authority':'BaFin'}");
    JsonArray *reports = json_object_get_array_member (vigil_incident_get_dora (updated),
                                                       "reports");

    g_assert_cmpuint (json_array_get_length (reports), ==, 2);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (reports, 1),
                                                 "version"), ==, 2);
    deadlines = vigil_incident_compute_dora_deadlines (updated, NULL, NULL);
    deadline = find_deadline (deadlines, VIGIL_DORA_REPORT_INTERMEDIATE);
    assert_time (deadline->legal_due, "2025-03-04T13:00:00Z");
    g_clear_pointer (&deadlines, g_ptr_array_unref);
  }

  /* Intermediate sent on Wednesday: the final report is due a month
   * later, a Saturday, relieved to Monday noon in Berlin (summer time). */
  intermediate = apply (f, "dora.report_submitted", LEAD, VIGIL_ROLE_LEAD,
                        "2025-03-05T12:00:00Z",
                        "{'report':'intermediate','at':'2025-03-05T12:00:00Z',"
                        "'authority':'BaFin','reference':null}");
  deadlines = vigil_incident_compute_dora_deadlines (intermediate, NULL, NULL);
  g_assert_cmpuint (deadlines->len, ==, 1);
  deadline = find_deadline (deadlines, VIGIL_DORA_REPORT_FINAL);
  assert_time (deadline->legal_due, "2025-04-05T12:00:00Z");
  g_assert_true (deadline->relief_applies);
  assert_time (deadline->relieved_due, "2025-04-07T10:00:00Z");
  g_clear_pointer (&deadlines, g_ptr_array_unref);

  /* The countdown of the JSON form runs on the relieved limit. */
  now = dup_time ("2025-04-07T09:30:00Z");
  json = vigil_incident_dora_deadlines_to_json (intermediate, NULL, NULL, now);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (json)), ==, 1);
  item = json_array_get_object_element (json_node_get_array (json), 0);
  g_assert_cmpstr (json_object_get_string_member (item, "report"), ==, "final");
  g_assert_cmpstr (json_object_get_string_member (item, "relieved_due"), ==,
                   "2025-04-07T10:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (item, "status"), ==, "urgent");
  g_assert_cmpint (json_object_get_int_member (item, "seconds_left"), ==, 1800);

  /* Final sent: nothing runs any more. */
  final = apply (f, "dora.report_submitted", ANALYST, VIGIL_ROLE_ANALYST,
                 "2025-04-01T12:00:00Z",
                 "{'report':'final','at':'2025-04-01T12:00:00Z','authority':'BaFin'}");
  deadlines = vigil_incident_compute_dora_deadlines (final, NULL, NULL);
  g_assert_cmpuint (deadlines->len, ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      vigil_incident_get_dora (final), "reports")), ==, 4);
}

/* A late classification: the 24-hour cap comes first. */
static void
test_deadline_cap (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(VigilIncident) classified = NULL;
  g_autoptr(GPtrArray) deadlines = NULL;
  VigilDoraDeadline *deadline;

  create (f, AWARE);
  classified = classify (f, "2025-03-02T08:00:00Z", MAJOR);
  deadlines = vigil_incident_compute_dora_deadlines (classified, NULL, NULL);
  deadline = find_deadline (deadlines, VIGIL_DORA_REPORT_INITIAL);
  assert_time (deadline->legal_due, "2025-03-02T09:15:00Z");
}

/* The JSON codec keeps the record and refuses broken ones, naming the field */
static void
test_json_round_trip (Fixture       *f,
                      gconstpointer  data)
{
  static const struct {
    const char *replace;
    const char *with;
    const char *field;
  } bad[] = {
    { "\"major\":true", "\"major\":1", "dora.result.major" },
    { "\"malicious_access\":true", "\"malicious_access\":\"yes\"", "dora.criteria" },
    { "\"classified_at\":\"2025-03-01T10:00:00Z\"", "\"classified_at\":\"noon\"",
      "dora.classified_at" },
    { "\"report\":\"initial\"", "\"report\":\"draft\"", "dora.reports.report" },
    { "\"authority\":\"BaFin\"", "\"authority\":7", "dora.reports.authority" },
    { "\"dora\":{", "\"dora\":{\"extra\":1,", "dora.extra" },
  };
  g_autoptr(VigilIncident) classified = NULL;
  g_autoptr(VigilIncident) reported = NULL;
  g_autoptr(VigilIncident) parsed = NULL;
  g_autoptr(VigilIncident) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  g_autofree char *with_deadlines = NULL;

  create (f, AWARE);
  classified = classify (f, "2025-03-01T10:00:00Z", MAJOR);
  reported = apply (f, "dora.report_submitted", ANALYST, VIGIL_ROLE_ANALYST,
                    "2025-03-01T13:05:00Z",
                    "{'report':'initial','at':'2025-03-01T13:00:00Z','authority':'BaFin'}");

  text = vigil_incident_to_string (reported);
  parsed = vigil_incident_new_from_string (text, &error);
  g_assert_no_error (error);
  again = vigil_incident_to_string (parsed);
  g_assert_cmpstr (text, ==, again);
  g_assert_true (vigil_incident_get_dora_major (parsed));

  copy = vigil_incident_copy (parsed);
  g_free (again);
  again = vigil_incident_to_string (copy);
  g_assert_cmpstr (text, ==, again);

  /* Computed deadlines, as the server adds them, are read and dropped. */
  {
    g_autofree char *stripped = g_strndup (text, strstr (text, "\"dora\":{") - text);

    with_deadlines = g_strconcat (stripped, "\"dora\":{\"deadlines\":[],",
                                  strstr (text, "\"dora\":{") + strlen ("\"dora\":{"), NULL);
  }
  g_clear_object (&parsed);
  parsed = vigil_incident_new_from_string (with_deadlines, &error);
  g_assert_no_error (error);
  g_free (again);
  again = vigil_incident_to_string (parsed);
  g_assert_cmpstr (text, ==, again);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GString) broken = g_string_new (text);
      g_autoptr(VigilIncident) refused = NULL;
      g_autoptr(GError) local_error = NULL;

      g_test_message ("%s", bad[i].with);
      g_assert_cmpuint (g_string_replace (broken, bad[i].replace, bad[i].with, 1), ==, 1);
      refused = vigil_incident_new_from_string (broken->str, &local_error);
      g_assert_null (refused);
      g_assert_error (local_error, VIGIL_INCIDENT_ERROR, local_error->code);
      g_assert_nonnull (strstr (local_error->message, bad[i].field));
    }

  /* Without a record, the incident has none. */
  {
    g_autoptr(VigilIncident) plain = vigil_incident_new ("p1");
    g_autofree char *plain_text = vigil_incident_to_string (plain);

    g_assert_null (strstr (plain_text, "\"dora\""));
    g_assert_null (vigil_incident_get_dora (plain));
    g_assert_false (vigil_incident_get_dora_major (plain));
  }
}

#define THREAT "'could_affect':true,'high_probability':true,'would_trigger':['geography']," \
               "'description':'Ransomware group targets our payment processor'," \
               "'status':'active'"

/* a threat assessment is stored with what the core computed, and every
 * reassessment is another entry in the log */
static void
test_threat_store (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(VigilIncident) first = NULL;
  g_autoptr(VigilIncident) second = NULL;
  g_autoptr(VigilIncident) reopened = NULL;
  g_autoptr(GPtrArray) log = NULL;
  JsonObject *threat;
  JsonArray *triggers;
  VigilLogEntry *entry;

  create (f, AWARE);
  /* The client claims "not significant"; the core finds it is. */
  first = apply (f, "dora.threat_assess", ANALYST, VIGIL_ROLE_ANALYST, "2025-03-01T10:00:00Z",
                 "{" THREAT ",'significant':false,'reasons':['made up'],"
                 "'assessed_at':'2020-01-01T00:00:00Z','potential_impact':'Card payments stop',"
                 "'actions':'Blocked the C2 addresses','others_notified':null,"
                 "'indicators':'203.0.113.7'}");
  /* Assessed without a classification: the record exists, nothing is major. */
  g_assert_false (vigil_incident_get_dora_major (first));
  g_assert_null (vigil_incident_dup_dora_classified_at (first));

  fixture_reopen (f);
  reopened = get_incident (f);
  g_assert_nonnull (vigil_incident_get_dora (reopened));
  threat = json_object_get_object_member (vigil_incident_get_dora (reopened), "threat");
  g_assert_nonnull (threat);
  g_assert_true (json_object_get_boolean_member (threat, "significant"));
  g_assert_cmpstr (json_object_get_string_member (threat, "assessed_at"), ==,
                   "2025-03-01T10:00:00Z");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (threat, "reasons")),
                    >, 0);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (threat, "reasons"),
                                                  0), !=, "made up");
  triggers = json_object_get_array_member (threat, "would_trigger");
  g_assert_cmpuint (json_array_get_length (triggers), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (triggers, 0), ==, "geography");
  g_assert_cmpstr (json_object_get_string_member (threat, "description"), ==,
                   "Ransomware group targets our payment processor");
  g_assert_cmpstr (json_object_get_string_member (threat, "potential_impact"), ==,
                   "Card payments stop");
  g_assert_cmpstr (json_object_get_string_member (threat, "status"), ==, "active");
  g_assert_cmpstr (json_object_get_string_member (threat, "actions"), ==,
                   "Blocked the C2 addresses");
  g_assert_true (json_object_get_null_member (threat, "others_notified"));
  g_assert_cmpstr (json_object_get_string_member (threat, "indicators"), ==, "203.0.113.7");

  /* Reassessed: only reputation would be met, which is not enough, even
   * though the client claims it is significant. */
  second = apply (f, "dora.threat_assess", LEAD, VIGIL_ROLE_LEAD, "2025-03-02T10:00:00Z",
                  "{'could_affect':true,'high_probability':true,'would_trigger':['reputation'],"
                  "'description':'Ransomware group targets our payment processor',"
                  "'status':'inactive','significant':true}");
  threat = json_object_get_object_member (vigil_incident_get_dora (second), "threat");
  g_assert_false (json_object_get_boolean_member (threat, "significant"));
  g_assert_cmpstr (json_object_get_string_member (threat, "status"), ==, "inactive");
  g_assert_true (json_object_get_null_member (threat, "potential_impact"));

  log = vigil_store_list_log (f->store, f->id, NULL);
  g_assert_cmpuint (log->len, ==, 3);
  entry = g_ptr_array_index (log, 1);
  g_assert_cmpint (vigil_op_get_kind (entry->op), ==, VIGIL_OP_DORA_THREAT_ASSESS);
  g_assert_cmpstr (change_new_string (entry->changes, "dora.threat.significant"), ==, "true");
  entry = g_ptr_array_index (log, 2);
  g_assert_cmpint (vigil_op_get_kind (entry->op), ==, VIGIL_OP_DORA_THREAT_ASSESS);
  g_assert_cmpstr (change_new_string (entry->changes, "dora.threat.significant"), ==, "false");
  g_assert_cmpstr (change_new_string (entry->changes, "dora.threat.assessed_at"), ==,
                   "2025-03-02T10:00:00Z");

  /* A classification afterwards keeps the threat record. */
  {
    g_autoptr(VigilIncident) classified = classify (f, "2025-03-02T11:00:00Z", MAJOR);

    g_assert_true (json_object_has_member (vigil_incident_get_dora (classified), "threat"));
    g_assert_true (vigil_incident_get_dora_major (classified));
  }
}

/* each of the three conditions of Art. 10 is needed */
static void
test_threat_conditions (Fixture       *f,
                        gconstpointer  data)
{
  static const struct {
    const char *payload;
    gboolean    significant;
  } cases[] = {
    { "'could_affect':true,'high_probability':true,'would_trigger':['clients']", TRUE },
    { "'could_affect':true,'high_probability':true,'would_trigger':['critical_services']", TRUE },
    { "'could_affect':false,'high_probability':true,'would_trigger':['clients']", FALSE },
    { "'could_affect':true,'high_probability':false,'would_trigger':['clients']", FALSE },
    { "'could_affect':true,'high_probability':true,'would_trigger':[]", FALSE },
    { "'could_affect':true,'high_probability':true,"
      "'would_trigger':['economic','duration','data_losses']", FALSE },
  };

  create (f, AWARE);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *payload = g_strdup_printf ("{%s,'description':'Phishing kit',"
                                                  "'status':'active'}", cases[i].payload);
      g_autoptr(VigilIncident) incident = apply (f, "dora.threat_assess", ANALYST,
                                                 VIGIL_ROLE_ANALYST, "2025-03-01T10:00:00Z",
                                                 payload);
      JsonObject *threat = json_object_get_object_member (vigil_incident_get_dora (incident),
                                                          "threat");

      g_test_message ("%s", cases[i].payload);
      g_assert_cmpint (json_object_get_boolean_member (threat, "significant"), ==,
                       cases[i].significant);
    }
}

/* bad input is refused naming the field; roles and the approval freeze */
static void
test_threat_refused (Fixture       *f,
                     gconstpointer  data)
{
  static const struct {
    const char *payload;
    const char *field;
  } bad[] = {
    { "{'high_probability':true,'description':'x','status':'active'}", "could_affect" },
    { "{'could_affect':'yes','high_probability':true,'description':'x','status':'active'}",
      "could_affect" },
    { "{'could_affect':true,'description':'x','status':'active'}", "high_probability" },
    { "{'could_affect':true,'high_probability':true,'would_trigger':'clients',"
      "'description':'x','status':'active'}", "would_trigger" },
    { "{'could_affect':true,'high_probability':true,'would_trigger':['weather'],"
      "'description':'x','status':'active'}", "would_trigger" },
    { "{'could_affect':true,'high_probability':true,'would_trigger':['clients','clients'],"
      "'description':'x','status':'active'}", "would_trigger" },
    { "{'could_affect':true,'high_probability':true,'would_trigger':[3],"
      "'description':'x','status':'active'}", "would_trigger" },
    { "{'could_affect':true,'high_probability':true,'status':'active'}", "description" },
    { "{'could_affect':true,'high_probability':true,'description':'  ','status':'active'}",
      "description" },
    { "{'could_affect':true,'high_probability':true,'description':5,'status':'active'}",
      "description" },
    { "{'could_affect':true,'high_probability':true,'description':'x'}", "status" },
    { "{'could_affect':true,'high_probability':true,'description':'x','status':'over'}",
      "status" },
    { "{'could_affect':true,'high_probability':true,'description':'x','status':'active',"
      "'actions':true}", "actions" },
    { "{'could_affect':true,'high_probability':true,'description':'x','status':'active',"
      "'severity':'high'}", "severity" },
  };
  g_autoptr(VigilIncident) a = NULL;
  g_autoptr(VigilIncident) b = NULL;
  g_autoptr(VigilIncident) c = NULL;
  g_autoptr(VigilIncident) pending = NULL;

  create (f, AWARE);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("%s", bad[i].payload);
      apply_fail (f, "dora.threat_assess", VIGIL_ROLE_ANALYST, "2025-03-01T10:00:00Z",
                  bad[i].payload, VIGIL_OP_ERROR_INVALID, bad[i].field);
    }

  /* Managers and administrators only read. */
  apply_fail (f, "dora.threat_assess", VIGIL_ROLE_MANAGER, "2025-03-01T10:00:00Z",
              "{" THREAT "}", VIGIL_OP_ERROR_FORBIDDEN, NULL);
  apply_fail (f, "dora.threat_assess", VIGIL_ROLE_ADMIN, "2025-03-01T10:00:00Z",
              "{" THREAT "}", VIGIL_OP_ERROR_FORBIDDEN, NULL);

  /* Frozen while the lead decides on steps 1-7. */
  a = apply (f, "incident.update", ANALYST, VIGIL_ROLE_ANALYST, "2025-03-01T10:01:00Z",
             "{'severity':'high'}");
  b = apply (f, "form.update", ANALYST, VIGIL_ROLE_ANALYST, "2025-03-01T10:01:10Z",
             "{'form':'findings','fields':{'summary':'Dropper in the payment gateway'}}");
  c = apply (f, "form.update", ANALYST, VIGIL_ROLE_ANALYST, "2025-03-01T10:01:20Z",
             "{'form':'escalate','fields':{'escalate':true}}");
  pending = apply (f, "approval.submit", ANALYST, VIGIL_ROLE_ANALYST, "2025-03-01T10:03:00Z",
                   "{}");
  apply_fail (f, "dora.threat_assess", VIGIL_ROLE_ANALYST, "2025-03-01T10:04:00Z",
              "{" THREAT "}", VIGIL_OP_ERROR_READ_ONLY, "could_affect");
}

/* the stored record survives the incident's JSON reader */
static void
test_threat_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) incident = NULL;
  g_autoptr(VigilIncident) refused = NULL;
  g_autofree char *text = NULL;

  incident = vigil_incident_new_from_string ("{\"id\":\"t1\",\"revision\":2,\"step\":5,"
                                             "\"title\":\"T\",\"type\":\"malware\","
                                             "\"dora\":{\"threat\":{\"significant\":true}}}",
                                             &error);
  g_assert_no_error (error);
  g_assert_nonnull (vigil_incident_get_dora (incident));
  text = vigil_incident_to_string (incident);
  g_assert_nonnull (strstr (text, "\"threat\":{\"significant\":true}"));

  refused = vigil_incident_new_from_string ("{\"id\":\"t1\",\"revision\":2,\"step\":5,"
                                            "\"title\":\"T\",\"type\":\"malware\","
                                            "\"dora\":{\"threat\":[]}}", &error);
  g_assert_null (refused);
  g_assert_error (error, VIGIL_INCIDENT_ERROR, VIGIL_INCIDENT_ERROR_INVALID_FIELD);
  g_assert_nonnull (strstr (error->message, "dora.threat"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/vigil/dora-ops/classify/store", test_classify_store);
  ADD ("/vigil/dora-ops/classify/refused", test_classify_refused);
  ADD ("/vigil/dora-ops/classify/frozen", test_classify_frozen);
  g_test_add_func ("/vigil/dora-ops/classify/archived", test_classify_archived);
  ADD ("/vigil/dora-ops/classify/keeps-time", test_reclassify_keeps_time);
  ADD ("/vigil/dora-ops/deadlines", test_deadlines);
  ADD ("/vigil/dora-ops/deadlines/cap", test_deadline_cap);
  ADD ("/vigil/dora-ops/json", test_json_round_trip);
  ADD ("/vigil/dora-ops/threat/store", test_threat_store);
  ADD ("/vigil/dora-ops/threat/conditions", test_threat_conditions);
  ADD ("/vigil/dora-ops/threat/refused", test_threat_refused);
  g_test_add_func ("/vigil/dora-ops/threat/json", test_threat_json);

#undef ADD

  return g_test_run ();
}
