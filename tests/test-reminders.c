/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include <vigil/vigil.h>

/* A Tuesday, so that no weekend relief moves a DORA limit. */
#define DAY "2025-03-04T"
#define NOW DAY "12:00:00Z"

/* helpers: documents use ' for " to stay readable */

static VigilIncident *
apply_at (VigilIncident *incident,
          const char    *kind,
          const char    *actor,
          const char    *at,
          const char    *squoted_payload)
{
  g_autofree char *payload = g_strdelimit (g_strdup (squoted_payload), "'", '"');
  g_autofree char *op_id = g_uuid_string_random ();
  g_autofree char *incident_id = incident ? g_strdup (vigil_incident_get_id (incident))
                                          : g_uuid_string_random ();
  g_autofree char *doc = g_strdup_printf ("{\"id\":\"%s\",\"incident\":\"%s\",\"kind\":\"%s\","
                                          "\"base_rev\":%" G_GINT64_FORMAT ",\"actor\":\"%s\","
                                          "\"at\":\"%s\",\"payload\":%s}",
                                          op_id, incident_id, kind,
                                          incident ? vigil_incident_get_revision (incident) : 0,
                                          actor, at, payload);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilOp) op = vigil_op_new_from_string (doc, &error);
  VigilIncident *result;

  g_assert_no_error (error);
  result = vigil_op_apply (op, incident, g_str_equal (actor, "lea") ? VIGIL_ROLE_LEAD
                                                                     : VIGIL_ROLE_ANALYST,
                           NULL, &error);
  g_assert_no_error (error);
  return result;
}

static void
chain (VigilIncident **incident,
       const char     *kind,
       const char     *actor,
       const char     *at,
       const char     *payload)
{
  VigilIncident *next = apply_at (*incident, kind, actor, at, payload);

  g_set_object (incident, next);
  g_object_unref (next);
}

/* Aware at 08:00, approved by the lead at 09:00: step 10 is open. */
static VigilIncident *
new_approved (void)
{
  VigilIncident *incident = apply_at (NULL, "incident.create", "ana", DAY "08:00:00Z",
                                      "{'title':'Card payments down','type':'ddos',"
                                      "'aware_at':'" DAY "08:00:00Z','severity':'high'}");

  chain (&incident, "form.update", "ana", DAY "08:10:00Z",
         "{'form':'findings','fields':{'summary':'Flood of requests'}}");
  chain (&incident, "form.update", "ana", DAY "08:10:00Z",
         "{'form':'escalate','fields':{'escalate':false}}");
  chain (&incident, "approval.submit", "ana", DAY "08:20:00Z", "{}");
  chain (&incident, "approval.decide", "lea", DAY "09:00:00Z", "{'decision':'approve'}");
  return incident;
}

static void
add_notification (VigilIncident **incident,
                  const char     *id,
                  const char     *sent_at,
                  const char     *next_update)
{
  g_autofree char *payload = NULL;

  payload = g_strdup_printf ("{'form':'notify','collection':'notifications','item':{"
                             "'id':'%s','audience':'staff','subject':'Update','next_update':"
                             "'%s'%s%s%s}}", id, next_update,
                             sent_at ? ",'channel':'email','sent':true,'sent_at':'" : "",
                             sent_at ? sent_at : "", sent_at ? "'" : "");
  chain (incident, "item.add", "ana", sent_at ? sent_at : DAY "09:30:00Z", payload);
}

#define MAJOR "{'criteria':{'critical_services':{'malicious_access':true}," \
              "'data_losses':{'intrusion':true}}}"

typedef struct {
  const char *name;
  /* set up: times of the day */
  const char *sent_at;        /* a sent notification, or NULL */
  const char *next_update;    /* what it promised */
  const char *draft_update;   /* a draft promising something else, or NULL */
  const char *later_sent_at;  /* a second sent notification ... */
  const char *later_update;   /* ... and its promise */
  const char *classified_at;  /* classified major, or NULL */
  const char *now;
  /* expected, in order: "kind@remind_at" with kinds soon, due, report */
  const char *expected;
} ReminderCase;

static const ReminderCase cases[] = {
  { "nothing", NULL, NULL, NULL, NULL, NULL, NULL, NOW, "" },
  { "update-ahead", DAY "10:00:00Z", DAY "13:00:00Z", NULL, NULL, NULL, NULL, NOW,
    "soon@12:45 due@13:00" },
  { "update-within-15-min", DAY "10:00:00Z", DAY "12:10:00Z", NULL, NULL, NULL, NULL, NOW,
    "soon@11:55 due@12:10" },
  { "update-due-now", DAY "10:00:00Z", NOW, NULL, NULL, NULL, NULL, NOW, "due@12:00" },
  { "update-passed", DAY "10:00:00Z", DAY "11:59:00Z", NULL, NULL, NULL, NULL, NOW, "" },
  { "draft-promise-ignored", DAY "10:00:00Z", DAY "13:00:00Z", DAY "12:30:00Z", NULL, NULL,
    NULL, NOW, "soon@12:45 due@13:00" },
  { "latest-sent-wins", DAY "10:00:00Z", DAY "13:00:00Z", NULL, DAY "11:00:00Z",
    DAY "16:00:00Z", NULL, NOW, "soon@15:45 due@16:00" },
  { "report-ahead", NULL, NULL, NULL, NULL, NULL, DAY "10:00:00Z", NOW, "report@13:00" },
  { "report-last-hour", NULL, NULL, NULL, NULL, NULL, DAY "10:00:00Z", DAY "13:30:00Z",
    "report@13:00" },
  { "report-passed", NULL, NULL, NULL, NULL, NULL, DAY "10:00:00Z", DAY "14:01:00Z", "" },
  { "both-sorted", DAY "10:00:00Z", DAY "13:30:00Z", NULL, NULL, NULL, DAY "10:00:00Z", NOW,
    "report@13:00 soon@13:15 due@13:30" },
};

static void
test_reminders_case (gconstpointer data)
{
  const ReminderCase *c = data;
  g_autoptr(VigilIncident) incident = new_approved ();
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 (c->now, NULL);
  g_autoptr(GPtrArray) reminders = NULL;
  g_autoptr(GString) got = g_string_new (NULL);

  if (c->sent_at != NULL)
    add_notification (&incident, "n1", c->sent_at, c->next_update);
  if (c->draft_update != NULL)
    add_notification (&incident, "n2", NULL, c->draft_update);
  if (c->later_sent_at != NULL)
    add_notification (&incident, "n3", c->later_sent_at, c->later_update);
  if (c->classified_at != NULL)
    chain (&incident, "dora.classify", "ana", c->classified_at, MAJOR);

  reminders = vigil_incident_list_reminders (incident, now);
  for (guint i = 0; i < reminders->len; i++)
    {
      VigilReminder *reminder = g_ptr_array_index (reminders, i);
      g_autofree char *at = g_date_time_format (reminder->remind_at, "%H:%M");
      static const char *names[] = { "soon", "due", "report" };

      g_assert_cmpstr (reminder->incident_id, ==, vigil_incident_get_id (incident));
      g_string_append_printf (got, "%s%s@%s", i > 0 ? " " : "", names[reminder->kind], at);
      if (reminder->kind == VIGIL_REMINDER_REPORT_SOON)
        {
          g_assert_cmpint (reminder->report, ==, VIGIL_DORA_REPORT_INITIAL);
          /* Four hours after classification. */
          g_assert_cmpint (g_date_time_difference (reminder->due, reminder->remind_at), ==,
                           VIGIL_REMINDER_REPORT_AHEAD);
        }
    }
  g_assert_cmpstr (got->str, ==, c->expected);
}

/* The same reminder has the same key whenever it is computed, and no two
 * reminders share one. */
static void
test_reminders_keys (void)
{
  g_autoptr(VigilIncident) incident = new_approved ();
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 (NOW, NULL);
  g_autoptr(GDateTime) later = g_date_time_new_from_iso8601 (DAY "12:50:00Z", NULL);
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;

  add_notification (&incident, "n1", DAY "10:00:00Z", DAY "13:30:00Z");
  chain (&incident, "dora.classify", "ana", DAY "10:00:00Z", MAJOR);
  first = vigil_incident_list_reminders (incident, now);
  second = vigil_incident_list_reminders (incident, later);
  g_assert_cmpuint (first->len, ==, 3);
  g_assert_cmpuint (second->len, ==, 3);
  for (guint i = 0; i < first->len; i++)
    {
      VigilReminder *a = g_ptr_array_index (first, i);
      VigilReminder *b = g_ptr_array_index (second, i);

      g_assert_cmpstr (a->key, ==, b->key);
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (a->key, !=, ((VigilReminder *) g_ptr_array_index (first, j))->key);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strconcat ("/vigil/reminders/", cases[i].name, NULL);

      g_test_add_data_func (path, &cases[i], test_reminders_case);
    }
  g_test_add_func ("/vigil/reminders/keys", test_reminders_keys);

  return g_test_run ();
}
