/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-sample"

#include "config.h"

#include "vigil-sample.h"

/* Sample incidents that look like a real team's year: varied types,
 * titles, severities and owners, spread over the steps the way a board
 * fills up (most work in the early steps, a long tail further on). They
 * are made through real operations, so every rule of the core applies. */

static const char *analysts[] = { "alice", "carol", "dmitri", "elena", "farid", "grace" };
static const char *leads[] = { "bob", "hanna" };

static const struct {
  const char *type;
  const char *titles[6];
} themes[] = {
  { "malware", { "Ransomware note on file server %s", "Trojan beaconing from workstation %s",
                 "Cryptominer found on build agent %s", "Macro malware opened on %s",
                 "EDR quarantine storm on %s", "Unknown binary persisting on %s" } },
  { "phishing", { "Credential phishing wave against %s users", "CEO fraud e-mail to %s",
                  "Fake invoice campaign reaching %s", "QR-code phishing posters near %s",
                  "Lookalike domain mimicking %s", "OAuth consent phishing on %s" } },
  { "data_breach", { "Customer records exposed via %s", "Misconfigured bucket behind %s",
                     "Database dump offered for sale, source %s", "Unencrypted laptop lost, %s data",
                     "API leaking account details on %s", "Backup tape missing from %s" } },
  { "insider_threat", { "Bulk download by leaving employee on %s", "Privilege misuse on %s",
                        "Shared admin password used on %s", "Unapproved remote access tool on %s",
                        "Payment change without four-eyes on %s", "Sensitive files mailed from %s" } },
  { "ddos", { "Volumetric attack on %s", "Application-layer flood against %s",
              "DNS amplification hitting %s", "Login endpoint of %s saturated",
              "Botnet traffic spike at %s", "Degraded %s after SYN flood" } },
  { "other", { "Expired certificate took down %s", "Suspicious physical access near %s",
               "Third-party outage affecting %s", "Unexpected configuration drift on %s",
               "Anomalous scheduled task on %s", "Vendor breach notice concerning %s" } },
};

static const char *systems[] = {
  "online banking", "payments gateway", "core ledger", "FS-03", "WS-1187", "mobile app",
  "customer portal", "HR system", "treasury desk", "card processing", "SWIFT interface",
  "mail gateway", "VPN concentrator", "data warehouse", "CRM", "trading platform",
};

static const char *severities[] = { "low", "medium", "medium", "high", "high", "critical", "severe" };
static const char *methods[] = { "monitoring", "user_report", "threat_intel" };

static VigilOp *
make_op (const char *id,
         const char *incident,
         const char *kind,
         gint64      base_rev,
         const char *actor,
         GDateTime  *at,
         JsonObject *payload)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *when = vigil_time_to_iso (at);
  g_autoptr(GError) error = NULL;
  VigilOp *op;

  json_object_set_string_member (object, "id", id);
  json_object_set_string_member (object, "incident", incident);
  json_object_set_string_member (object, "kind", kind);
  json_object_set_int_member (object, "base_rev", base_rev);
  json_object_set_string_member (object, "actor", actor);
  json_object_set_string_member (object, "at", when);
  json_object_set_object_member (object, "payload", payload ? payload : json_object_new ());
  json_node_set_object (node, object);

  op = vigil_op_new_from_json (node, &error);
  g_assert_no_error (error);
  return op;
}

/* The step an incident should reach, weighted towards the early steps. */
static guint
pick_target_step (GRand *rand)
{
  static const guint weights[VIGIL_N_STEPS] = { 18, 10, 9, 7, 7, 6, 5, 6, 6, 5, 5, 4, 3, 3, 6 };
  guint total = 0, roll;

  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    total += weights[i];
  roll = g_rand_int_range (rand, 0, total);
  for (guint i = 0; i < VIGIL_N_STEPS; i++)
    {
      if (roll < weights[i])
        return i + 1;
      roll -= weights[i];
    }
  return 1;
}

GPtrArray *
vigil_sample_make_ops (guint      n_incidents,
                       guint32    seed,
                       GDateTime *now)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  GPtrArray *ops = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n_incidents; i++)
    {
      guint theme = g_rand_int_range (rand, 0, G_N_ELEMENTS (themes));
      const char *system = systems[g_rand_int_range (rand, 0, G_N_ELEMENTS (systems))];
      const char *analyst = analysts[g_rand_int_range (rand, 0, G_N_ELEMENTS (analysts))];
      const char *lead = leads[g_rand_int_range (rand, 0, G_N_ELEMENTS (leads))];
      g_autofree char *incident = g_strdup_printf ("00000000-0000-4000-8000-%012x", i + 1);
      g_autofree char *title = NULL;
      g_autofree char *detected_text = NULL;
      g_autofree char *aware_text = NULL;
      g_autoptr(GDateTime) detected = NULL;
      g_autoptr(GDateTime) aware = NULL;
      g_autoptr(GDateTime) at = NULL;
      JsonObject *payload;
      JsonObject *fields;
      JsonArray *affected;
      guint target = pick_target_step (rand);
      gint64 rev = 0;
      guint n = 0;

#define NEXT_ID() g_strdup_printf ("%s-%02u", incident, n++)
#define ADD(kind, actor, payload_)                                                    \
      G_STMT_START {                                                                  \
        g_autofree char *op_id = NEXT_ID ();                                          \
        g_autoptr(GDateTime) later = g_date_time_add_minutes (at, 7 + 13 * n);        \
        g_ptr_array_add (ops, make_op (op_id, incident, kind, rev, actor, later,      \
                                       payload_));                                    \
        rev++;                                                                        \
      } G_STMT_END

      /* Spread over the last year, newest last. */
      detected = g_date_time_add_minutes (now, -(gint) ((n_incidents - i) * (525600.0 / MAX (n_incidents, 1)))
                                               - g_rand_int_range (rand, 300, 900));
      aware = g_date_time_add_minutes (detected, g_rand_int_range (rand, 0, 120));
      at = g_date_time_add_minutes (aware, 5);

      title = g_strdup_printf (themes[theme].titles[g_rand_int_range (rand, 0, 6)], system);
      payload = json_object_new ();
      json_object_set_string_member (payload, "title", title);
      json_object_set_string_member (payload, "type", themes[theme].type);
      if (g_str_equal (themes[theme].type, "other"))
        json_object_set_string_member (payload, "type_other", "Operational anomaly");
      json_object_set_string_member (payload, "description",
                                     "Reported through the security operations centre; "
                                     "first observations recorded in the triage notes.");
      json_object_set_string_member (payload, "detection_method",
                                     methods[g_rand_int_range (rand, 0, G_N_ELEMENTS (methods))]);
      detected_text = vigil_time_to_iso (detected);
      aware_text = vigil_time_to_iso (aware);
      json_object_set_string_member (payload, "detected_at", detected_text);
      json_object_set_string_member (payload, "aware_at", aware_text);
      json_object_set_string_member (payload, "reporter", analyst);
      affected = json_array_new ();
      json_array_add_string_element (affected, system);
      json_object_set_array_member (payload, "affected_systems", affected);
      ADD ("incident.create", analyst, payload);

      if (target >= 5 || g_rand_boolean (rand))
        {
          payload = json_object_new ();
          json_object_set_string_member (payload, "severity",
                                         severities[g_rand_int_range (rand, 0,
                                                                      G_N_ELEMENTS (severities))]);
          ADD ("incident.update", analyst, payload);
        }

      if (target >= 2 && target <= 7)
        {
          payload = json_object_new ();
          json_object_set_int_member (payload, "to", target);
          ADD ("incident.move", analyst, payload);
        }
      else if (target >= 8)
        {
          payload = json_object_new ();
          json_object_set_int_member (payload, "to", 7);
          ADD ("incident.move", analyst, payload);

          /* What the lead decides on: the findings and the escalation. */
          payload = json_object_new ();
          fields = json_object_new ();
          json_object_set_string_member (fields, "summary", title);
          json_object_set_string_member (payload, "form", "findings");
          json_object_set_object_member (payload, "fields", fields);
          ADD ("form.update", analyst, payload);
          payload = json_object_new ();
          fields = json_object_new ();
          json_object_set_boolean_member (fields, "escalate", FALSE);
          json_object_set_string_member (payload, "form", "escalate");
          json_object_set_object_member (payload, "fields", fields);
          ADD ("form.update", analyst, payload);

          ADD ("approval.submit", analyst, NULL);

          if (target >= 9)
            {
              payload = json_object_new ();
              json_object_set_string_member (payload, "decision", "approve");
              json_object_set_string_member (payload, "comment", "Analysis is sound.");
              ADD ("approval.decide", lead, payload);
            }
          if (target > 9)
            {
              payload = json_object_new ();
              json_object_set_int_member (payload, "to", target);
              ADD ("incident.move", analyst, payload);
            }
        }

#undef ADD
#undef NEXT_ID
    }

  return ops;
}

gboolean
vigil_sample_fill_store (VigilStore  *store,
                         guint        n_incidents,
                         guint32      seed,
                         GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GPtrArray) ops = vigil_sample_make_ops (n_incidents, seed, now);

  /* Leads may do everything analysts may, and four-eyes is checked by name. */
  return vigil_store_apply_batch (store, ops, VIGIL_ROLE_LEAD, error);
}

gboolean
vigil_sample_add_dora (VigilStore  *store,
                       guint        every,
                       GError     **error)
{
  g_autoptr(GPtrArray) incidents = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (store), FALSE);
  g_return_val_if_fail (every > 0, FALSE);

  incidents = vigil_store_list_incidents (store, error);
  if (incidents == NULL)
    return FALSE;
  for (guint i = 0; i < incidents->len; i += every)
    {
      VigilIncident *incident = g_ptr_array_index (incidents, i);
      g_autoptr(GDateTime) classified = NULL;
      g_autoptr(GDateTime) reported = NULL;
      g_autofree char *at = NULL;
      g_autofree char *report_at = NULL;
      g_autofree char *doc = NULL;
      g_autoptr(VigilOp) op = NULL;
      g_autoptr(VigilIncident) result = NULL;
      g_autoptr(GError) refused = NULL;

      if (vigil_incident_get_aware_at (incident) == NULL)
        continue;
      classified = g_date_time_add_hours (vigil_incident_get_aware_at (incident), 1);
      reported = g_date_time_add_hours (classified, 2);
      at = vigil_time_to_iso (classified);
      report_at = vigil_time_to_iso (reported);
      doc = g_strdup_printf ("{\"id\":\"dora-%u\",\"incident\":\"%s\",\"kind\":\"dora.classify\","
                             "\"base_rev\":%" G_GINT64_FORMAT ",\"actor\":\"bob\",\"at\":\"%s\","
                             "\"payload\":{\"criteria\":{\"critical_services\":"
                             "{\"malicious_access\":true},\"data_losses\":{\"intrusion\":true}}}}",
                             i, vigil_incident_get_id (incident),
                             vigil_incident_get_revision (incident), at);
      op = vigil_op_new_from_string (doc, error);
      if (op == NULL)
        return FALSE;
      /* Steps 1 to 7 waiting for the lead are frozen: no classification. */
      result = vigil_store_apply (store, op, VIGIL_ROLE_LEAD, NULL, NULL, &refused);
      if (result == NULL || i % 3 != 0)
        continue;

      g_clear_object (&op);
      g_free (doc);
      doc = g_strdup_printf ("{\"id\":\"report-%u\",\"incident\":\"%s\","
                             "\"kind\":\"dora.report_submitted\",\"base_rev\":%" G_GINT64_FORMAT
                             ",\"actor\":\"bob\",\"at\":\"%s\",\"payload\":{\"report\":"
                             "\"initial\",\"at\":\"%s\",\"authority\":\"BaFin\"}}",
                             i, vigil_incident_get_id (result),
                             vigil_incident_get_revision (result), report_at, report_at);
      op = vigil_op_new_from_string (doc, error);
      if (op == NULL)
        return FALSE;
      g_clear_object (&result);
      result = vigil_store_apply (store, op, VIGIL_ROLE_LEAD, NULL, NULL, NULL);
    }
  return TRUE;
}
