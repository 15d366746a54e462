/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-dora"

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "vigil-dora.h"
#include "vigil-incident.h"

G_DEFINE_QUARK (vigil-dora-error-quark, vigil_dora_error)
G_DEFINE_BOXED_TYPE (VigilDoraCriteria, vigil_dora_criteria,
                     vigil_dora_criteria_copy, vigil_dora_criteria_free)
G_DEFINE_BOXED_TYPE (VigilDoraResult, vigil_dora_result,
                     vigil_dora_result_copy, vigil_dora_result_free)

/* Member states */

typedef struct {
  const char *code;
  const char *time_zone;
} EeaState;

static const EeaState eea_states[VIGIL_DORA_N_EEA_STATES] = {
  { "AT", "Europe/Vienna" },
  { "BE", "Europe/Brussels" },
  { "BG", "Europe/Sofia" },
  { "CY", "Asia/Nicosia" },
  { "CZ", "Europe/Prague" },
  { "DE", "Europe/Berlin" },
  { "DK", "Europe/Copenhagen" },
  { "EE", "Europe/Tallinn" },
  { "ES", "Europe/Madrid" },
  { "FI", "Europe/Helsinki" },
  { "FR", "Europe/Paris" },
  { "GR", "Europe/Athens" },
  { "HR", "Europe/Zagreb" },
  { "HU", "Europe/Budapest" },
  { "IE", "Europe/Dublin" },
  { "IS", "Atlantic/Reykjavik" },
  { "IT", "Europe/Rome" },
  { "LI", "Europe/Vaduz" },
  { "LT", "Europe/Vilnius" },
  { "LU", "Europe/Luxembourg" },
  { "LV", "Europe/Riga" },
  { "MT", "Europe/Malta" },
  { "NL", "Europe/Amsterdam" },
  { "NO", "Europe/Oslo" },
  { "PL", "Europe/Warsaw" },
  { "PT", "Europe/Lisbon" },
  { "RO", "Europe/Bucharest" },
  { "SE", "Europe/Stockholm" },
  { "SI", "Europe/Ljubljana" },
  { "SK", "Europe/Bratislava" },
};

static const char *eea_codes[VIGIL_DORA_N_EEA_STATES + 1] = {
  "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
  "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
  NULL
};

const char * const *
vigil_dora_eea_states (void)
{
  return eea_codes;
}

int
vigil_dora_eea_state_index (const char *code)
{
  if (code == NULL)
    return -1;

  for (int i = 0; i < VIGIL_DORA_N_EEA_STATES; i++)
    {
      if (strcmp (eea_states[i].code, code) == 0)
        return i;
    }
  return -1;
}

gboolean
vigil_dora_is_eea_state (const char *code)
{
  return vigil_dora_eea_state_index (code) >= 0;
}

const char *
vigil_dora_eea_state_time_zone (const char *code)
{
  int i = vigil_dora_eea_state_index (code);

  return i >= 0 ? eea_states[i].time_zone : NULL;
}

static const char *geo_impacts[] = {
  "clients", "counterparts", "branch", "group_entity", "fmi", "third_party",
};

/* Costs and triggers */

static const char *cost_names[VIGIL_DORA_N_COSTS] = {
  "expropriated_funds", "replacement", "staff", "contractual_fees", "customer_redress",
  "forgone_revenue", "communication", "advisory",
};

const char *
vigil_dora_cost_to_string (VigilDoraCost cost)
{
  g_return_val_if_fail (cost < VIGIL_DORA_N_COSTS, NULL);

  return cost_names[cost];
}

typedef struct {
  VigilDoraTrigger  trigger;
  const char       *id;
  const char       *label;
} TriggerInfo;

/* In the order of ITS field 2.5. */
static const TriggerInfo triggers[] = {
  { VIGIL_DORA_TRIGGER_CLIENTS, "clients",
    N_("Clients, financial counterparts and transactions affected") },
  { VIGIL_DORA_TRIGGER_REPUTATION, "reputation", N_("Reputational impact") },
  { VIGIL_DORA_TRIGGER_DURATION, "duration", N_("Duration and service downtime") },
  { VIGIL_DORA_TRIGGER_GEOGRAPHY, "geography", N_("Geographical spread") },
  { VIGIL_DORA_TRIGGER_DATA_LOSSES, "data_losses", N_("Data losses") },
  { VIGIL_DORA_TRIGGER_CRITICAL_SERVICES, "critical_services", N_("Critical services affected") },
  { VIGIL_DORA_TRIGGER_ECONOMIC, "economic", N_("Economic impact") },
};

GStrv
vigil_dora_triggers_to_strv (VigilDoraTrigger set)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < G_N_ELEMENTS (triggers); i++)
    {
      if (set & triggers[i].trigger)
        g_strv_builder_add (builder, triggers[i].id);
    }
  return g_strv_builder_end (builder);
}

const char *
vigil_dora_trigger_get_label (VigilDoraTrigger trigger)
{
  for (guint i = 0; i < G_N_ELEMENTS (triggers); i++)
    {
      if (triggers[i].trigger == trigger)
        return g_dgettext (GETTEXT_PACKAGE, triggers[i].label);
    }
  g_return_val_if_reached (NULL);
}

/* Criteria */

VigilDoraCriteria *
vigil_dora_criteria_new (void)
{
  VigilDoraCriteria *self = g_new0 (VigilDoraCriteria, 1);

  strcpy (self->currency, "EUR");
  self->eur_rate = 1.0;
  return self;
}

static void
clear_times (VigilDoraCriteria *self)
{
  g_clear_pointer (&self->occurred_at, g_date_time_unref);
  g_clear_pointer (&self->detected_at, g_date_time_unref);
  g_clear_pointer (&self->first_log_at, g_date_time_unref);
  g_clear_pointer (&self->resolved_at, g_date_time_unref);
  g_clear_pointer (&self->downtime_start, g_date_time_unref);
  g_clear_pointer (&self->downtime_end, g_date_time_unref);
}

static GDateTime *
ref0 (GDateTime *when)
{
  return when != NULL ? g_date_time_ref (when) : NULL;
}

VigilDoraCriteria *
vigil_dora_criteria_copy (const VigilDoraCriteria *self)
{
  VigilDoraCriteria *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  ref0 (copy->occurred_at);
  ref0 (copy->detected_at);
  ref0 (copy->first_log_at);
  ref0 (copy->resolved_at);
  ref0 (copy->downtime_start);
  ref0 (copy->downtime_end);
  return copy;
}

void
vigil_dora_criteria_free (VigilDoraCriteria *self)
{
  if (self == NULL)
    return;

  clear_times (self);
  g_free (self);
}

void
vigil_dora_criteria_set_time (GDateTime **field,
                              GDateTime  *when)
{
  g_return_if_fail (field != NULL);

  if (*field == when)
    return;
  g_clear_pointer (field, g_date_time_unref);
  *field = ref0 (when);
}

gboolean
vigil_dora_criteria_set_state_impact (VigilDoraCriteria *self,
                                      const char        *state,
                                      guint              impact)
{
  int i = vigil_dora_eea_state_index (state);

  g_return_val_if_fail (self != NULL, FALSE);

  if (i < 0)
    return FALSE;
  self->state_impacts[i] = impact & VIGIL_DORA_GEO_ALL;
  return TRUE;
}

guint
vigil_dora_criteria_get_state_impact (const VigilDoraCriteria *self,
                                      const char              *state)
{
  int i = vigil_dora_eea_state_index (state);

  g_return_val_if_fail (self != NULL, 0);

  return i >= 0 ? self->state_impacts[i] : 0;
}

double
vigil_dora_criteria_get_costs_eur (const VigilDoraCriteria *self)
{
  double sum = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < VIGIL_DORA_N_COSTS; i++)
    sum += self->costs[i];
  return sum * self->eur_rate;
}

/* The start of the incident for its duration (CR Art. 3(a)). */
static GDateTime *
duration_start (const VigilDoraCriteria *self)
{
  if (self->occurred_at != NULL)
    return self->occurred_at;
  if (self->first_log_at != NULL &&
      (self->detected_at == NULL ||
       g_date_time_compare (self->first_log_at, self->detected_at) < 0))
    return self->first_log_at;
  return self->detected_at;
}

static GDateTime *
downtime_start (const VigilDoraCriteria *self)
{
  return self->downtime_start != NULL ? self->downtime_start : self->detected_at;
}

static gboolean
has_downtime (const VigilDoraCriteria *self)
{
  return self->downtime_start != NULL || self->downtime_end != NULL;
}

static GTimeSpan
measure_duration (const VigilDoraCriteria *self,
                  GDateTime               *now)
{
  GDateTime *start = duration_start (self);
  GDateTime *end = self->resolved_at != NULL ? self->resolved_at : now;

  if (start == NULL || end == NULL)
    return -1;
  return MAX (0, g_date_time_difference (end, start));
}

static GTimeSpan
measure_downtime (const VigilDoraCriteria *self,
                  GDateTime               *now)
{
  GDateTime *start = downtime_start (self);
  GDateTime *end = self->downtime_end != NULL ? self->downtime_end : now;

  if (!has_downtime (self) || start == NULL || end == NULL)
    return -1;
  return MAX (0, g_date_time_difference (end, start));
}

static gboolean
invalid (GError    **error,
         const char *field,
         const char *format,
         ...) G_GNUC_PRINTF (3, 4);

/* Sets an INVALID_FIELD error: “field” followed by the explanation. */
static gboolean
invalid (GError    **error,
         const char *field,
         const char *format,
         ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  /* Translators: the first %s is a field name such as “clients.affected”,
   * the second says what is wrong with it */
  g_set_error (error, VIGIL_DORA_ERROR, VIGIL_DORA_ERROR_INVALID_FIELD,
               _("The field “%s” %s"), field, detail);
  return FALSE;
}

static gboolean
check_count (gint64      value,
             const char *field,
             GError    **error)
{
  if (value < 0)
    return invalid (error, field, _("must not be negative"));
  if (value > VIGIL_DORA_MAX_COUNT)
    return invalid (error, field, _("is too large"));
  return TRUE;
}

static gboolean
check_amount (double      value,
              const char *field,
              GError    **error)
{
  if (!isfinite (value))
    return invalid (error, field, _("must be a number"));
  if (value < 0)
    return invalid (error, field, _("must not be negative"));
  if (value > VIGIL_DORA_MAX_AMOUNT)
    return invalid (error, field, _("is too large"));
  return TRUE;
}

static gboolean
is_currency_code (const char *code)
{
  return g_ascii_isupper (code[0]) && g_ascii_isupper (code[1]) && g_ascii_isupper (code[2]) &&
         code[3] == '\0';
}

gboolean
vigil_dora_criteria_check (const VigilDoraCriteria  *self,
                           GError                  **error)
{
  GDateTime *start;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_count (self->clients_affected, "clients.affected", error) ||
      !check_count (self->clients_total, "clients.total", error) ||
      !check_count (self->counterparts_affected, "counterparts.affected", error) ||
      !check_count (self->counterparts_total, "counterparts.total", error) ||
      !check_count (self->transactions_affected, "transactions.affected", error) ||
      !check_count (self->transactions_daily_average, "transactions.daily_average", error) ||
      !check_amount (self->transactions_value_affected, "transactions.value_affected", error) ||
      !check_amount (self->transactions_daily_average_value,
                     "transactions.daily_average_value", error))
    return FALSE;

  /* A share above 100 % of the service's own clients makes no sense; the
   * transactions of an incident may well exceed one day's average. */
  if (self->clients_affected > self->clients_total)
    return invalid (error, "clients.total",
                    _("must be at least the number of clients affected (%" PRId64 ")"),
                    self->clients_affected);
  if (self->counterparts_affected > self->counterparts_total)
    return invalid (error, "counterparts.total",
                    _("must be at least the number of counterparts affected (%" PRId64 ")"),
                    self->counterparts_affected);
  if (self->transactions_affected > 0 && self->transactions_daily_average == 0)
    return invalid (error, "transactions.daily_average",
                    _("must be given when transactions are affected; estimate it from a comparable "
                      "period"));
  if (self->transactions_value_affected > 0 && self->transactions_daily_average_value == 0)
    return invalid (error, "transactions.daily_average_value",
                    _("must be given when a value of transactions is affected; estimate it from a "
                      "comparable period"));

  if (self->occurred_at != NULL && self->detected_at != NULL &&
      g_date_time_compare (self->detected_at, self->occurred_at) < 0)
    return invalid (error, "duration.detected_at", _("must not be before the occurrence"));
  start = duration_start (self);
  if (start != NULL && self->resolved_at != NULL &&
      g_date_time_compare (self->resolved_at, start) < 0)
    return invalid (error, "duration.resolved_at", _("must not be before the incident began"));
  start = downtime_start (self);
  if (start != NULL && self->downtime_end != NULL &&
      g_date_time_compare (self->downtime_end, start) < 0)
    return invalid (error, "downtime.end", _("must not be before the downtime began"));

  if (self->home_state[0] != '\0' && !vigil_dora_is_eea_state (self->home_state))
    return invalid (error, "geography.home_state",
                    _("must be the code of an EEA member state, such as “DE”, not “%s”"),
                    self->home_state);
  for (guint i = 0; i < VIGIL_DORA_N_EEA_STATES; i++)
    {
      if (self->state_impacts[i] & ~VIGIL_DORA_GEO_ALL)
        return invalid (error, "geography.states", _("has an unknown kind of impact"));
    }

  if (self->intrusion_data_loss && !self->malicious_access)
    return invalid (error, "data_losses.intrusion",
                    _("needs a successful malicious unauthorised access "
                      "(critical_services.malicious_access)"));

  if (!is_currency_code (self->currency))
    return invalid (error, "economic.currency",
                    _("must be an ISO 4217 code of three capital letters, such as “EUR”"));
  if (!isfinite (self->eur_rate) || self->eur_rate <= 0)
    return invalid (error, "economic.eur_rate",
                    _("must be the positive value of one unit of %s in euro"), self->currency);
  if (strcmp (self->currency, "EUR") == 0 && self->eur_rate != 1.0)
    return invalid (error, "economic.eur_rate", _("must be 1 for amounts in euro"));
  for (guint i = 0; i < VIGIL_DORA_N_COSTS; i++)
    {
      g_autofree char *field = g_strconcat ("economic.costs.", cost_names[i], NULL);

      if (!check_amount (self->costs[i], field, error))
        return FALSE;
    }

  return TRUE;
}

/* JSON codec */

/* The plain members of the criteria groups, in the order they are written
 * and read; geography and economic have their own shapes. */
typedef enum {
  FIELD_BOOL,
  FIELD_COUNT,
  FIELD_AMOUNT,
  FIELD_TIME,
} FieldKind;

typedef struct {
  const char *group;
  const char *name;
  FieldKind   kind;
  gsize       offset;
} CriteriaField;

#define FIELD(group, name, kind, member) \
  { group, name, FIELD_##kind, G_STRUCT_OFFSET (VigilDoraCriteria, member) }

static const CriteriaField criteria_fields[] = {
  FIELD ("critical_services", "cif", BOOL, cif_services_affected),
  FIELD ("critical_services", "supervised", BOOL, supervised_services_affected),
  FIELD ("critical_services", "malicious_access", BOOL, malicious_access),
  FIELD ("clients", "affected", COUNT, clients_affected),
  FIELD ("clients", "total", COUNT, clients_total),
  FIELD ("clients", "estimated", BOOL, clients_estimated),
  FIELD ("clients", "relevant_affected", BOOL, relevant_affected),
  FIELD ("counterparts", "affected", COUNT, counterparts_affected),
  FIELD ("counterparts", "total", COUNT, counterparts_total),
  FIELD ("counterparts", "estimated", BOOL, counterparts_estimated),
  FIELD ("transactions", "affected", COUNT, transactions_affected),
  FIELD ("transactions", "daily_average", COUNT, transactions_daily_average),
  FIELD ("transactions", "value_affected", AMOUNT, transactions_value_affected),
  FIELD ("transactions", "daily_average_value", AMOUNT, transactions_daily_average_value),
  FIELD ("transactions", "estimated", BOOL, transactions_estimated),
  FIELD ("reputation", "media", BOOL, media),
  FIELD ("reputation", "complaints", BOOL, complaints),
  FIELD ("reputation", "regulatory_breach", BOOL, regulatory_breach),
  FIELD ("reputation", "client_loss", BOOL, client_loss),
  FIELD ("duration", "occurred_at", TIME, occurred_at),
  FIELD ("duration", "detected_at", TIME, detected_at),
  FIELD ("duration", "first_log_at", TIME, first_log_at),
  FIELD ("duration", "resolved_at", TIME, resolved_at),
  FIELD ("duration", "estimated", BOOL, duration_estimated),
  FIELD ("downtime", "start", TIME, downtime_start),
  FIELD ("downtime", "end", TIME, downtime_end),
  FIELD ("downtime", "supports_cif", BOOL, downtime_supports_cif),
  FIELD ("data_losses", "availability", BOOL, data_availability),
  FIELD ("data_losses", "authenticity", BOOL, data_authenticity),
  FIELD ("data_losses", "integrity", BOOL, data_integrity),
  FIELD ("data_losses", "confidentiality", BOOL, data_confidentiality),
  FIELD ("data_losses", "adverse_effect", BOOL, data_adverse_effect),
  FIELD ("data_losses", "intrusion", BOOL, intrusion_data_loss),
};

#undef FIELD

static void
add_time (JsonBuilder *builder,
          const char  *name,
          GDateTime   *when)
{
  json_builder_set_member_name (builder, name);
  if (when == NULL)
    {
      json_builder_add_null_value (builder);
    }
  else
    {
      g_autofree char *text = vigil_time_to_iso (when);

      json_builder_add_string_value (builder, text);
    }
}

static void
add_bool (JsonBuilder *builder,
          const char  *name,
          gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

static void
add_fields (JsonBuilder             *builder,
            const VigilDoraCriteria *self,
            const char              *group)
{
  json_builder_set_member_name (builder, group);
  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (criteria_fields); i++)
    {
      const CriteriaField *f = &criteria_fields[i];
      gconstpointer field = G_STRUCT_MEMBER_P (self, f->offset);

      if (!g_str_equal (f->group, group))
        continue;
      switch (f->kind)
        {
        case FIELD_BOOL:
          add_bool (builder, f->name, *(const gboolean *) field);
          break;
        case FIELD_COUNT:
          add_int (builder, f->name, *(const gint64 *) field);
          break;
        case FIELD_AMOUNT:
          add_double (builder, f->name, *(const double *) field);
          break;
        case FIELD_TIME:
          add_time (builder, f->name, *(GDateTime * const *) field);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  json_builder_end_object (builder);
}

static void
build_criteria (JsonBuilder             *builder,
                const VigilDoraCriteria *self)
{
  json_builder_begin_object (builder);

  add_fields (builder, self, "critical_services");
  add_fields (builder, self, "clients");
  add_fields (builder, self, "counterparts");
  add_fields (builder, self, "transactions");
  add_fields (builder, self, "reputation");
  add_fields (builder, self, "duration");
  add_fields (builder, self, "downtime");

  json_builder_set_member_name (builder, "geography");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "home_state");
  if (self->home_state[0] != '\0')
    json_builder_add_string_value (builder, self->home_state);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "states");
  json_builder_begin_object (builder);
  for (guint i = 0; i < VIGIL_DORA_N_EEA_STATES; i++)
    {
      if (self->state_impacts[i] == 0)
        continue;
      json_builder_set_member_name (builder, eea_states[i].code);
      json_builder_begin_array (builder);
      for (guint j = 0; j < G_N_ELEMENTS (geo_impacts); j++)
        {
          if (self->state_impacts[i] & (1u << j))
            json_builder_add_string_value (builder, geo_impacts[j]);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  add_fields (builder, self, "data_losses");

  json_builder_set_member_name (builder, "economic");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "currency");
  json_builder_add_string_value (builder, self->currency);
  add_double (builder, "eur_rate", self->eur_rate);
  json_builder_set_member_name (builder, "costs");
  json_builder_begin_object (builder);
  for (guint i = 0; i < VIGIL_DORA_N_COSTS; i++)
    add_double (builder, cost_names[i], self->costs[i]);
  json_builder_end_object (builder);
  add_bool (builder, "estimated", self->costs_estimated);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
}

JsonNode *
vigil_dora_criteria_to_json (const VigilDoraCriteria *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  build_criteria (builder, self);
  return json_builder_get_root (builder);
}

char *
vigil_dora_criteria_to_string (const VigilDoraCriteria *self)
{
  g_autoptr(JsonNode) node = vigil_dora_criteria_to_json (self);

  return json_to_string (node, FALSE);
}

/* Strict readers. Every helper takes the group's name for messages. */

static gboolean
check_members (JsonObject         *object,
               const char         *prefix,
               const char * const *known,
               GError            **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (known, l->data))
        {
          g_set_error (error, VIGIL_DORA_ERROR, VIGIL_DORA_ERROR_UNKNOWN_FIELD,
                       _("The field “%s%s” is not known"), prefix, (const char *) l->data);
          return FALSE;
        }
    }
  return TRUE;
}

/* @path names the group in messages: "economic.costs" for member "costs". */
static gboolean
read_group (JsonObject         *parent,
            const char         *member,
            const char         *path,
            const char * const *known,
            JsonObject        **out,
            GError            **error)
{
  JsonNode *node = parent != NULL ? json_object_get_member (parent, member) : NULL;
  g_autofree char *prefix = NULL;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, path, _("must be an object"));

  prefix = g_strconcat (path, ".", NULL);
  *out = json_node_get_object (node);
  return check_members (*out, prefix, known, error);
}

static JsonNode *
get_member (JsonObject *object,
            const char *name)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, name);
  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

static gboolean
read_bool (JsonObject  *object,
           const char  *group,
           const char  *name,
           gboolean    *out,
           GError     **error)
{
  JsonNode *node = get_member (object, name);
  g_autofree char *field = NULL;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      field = g_strconcat (group, ".", name, NULL);
      return invalid (error, field, _("must be true or false"));
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
read_count (JsonObject  *object,
            const char  *group,
            const char  *name,
            gint64      *out,
            GError     **error)
{
  JsonNode *node = get_member (object, name);
  g_autofree char *field = NULL;

  if (node == NULL)
    return TRUE;
  field = g_strconcat (group, ".", name, NULL);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return invalid (error, field, _("must be a whole number"));
  *out = json_node_get_int (node);
  return check_count (*out, field, error);
}

static gboolean
read_amount (JsonObject  *object,
             const char  *group,
             const char  *name,
             double      *out,
             GError     **error)
{
  JsonNode *node = get_member (object, name);
  g_autofree char *field = NULL;
  GType type;

  if (node == NULL)
    return TRUE;
  field = g_strconcat (group, ".", name, NULL);
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return invalid (error, field, _("must be a number"));
  *out = type == G_TYPE_INT64 ? (double) json_node_get_int (node) : json_node_get_double (node);
  return check_amount (*out, field, error);
}

static gboolean
read_time (JsonObject  *object,
           const char  *group,
           const char  *name,
           GDateTime  **out,
           GError     **error)
{
  JsonNode *node = get_member (object, name);
  g_autofree char *field = NULL;

  if (node == NULL)
    return TRUE;
  field = g_strconcat (group, ".", name, NULL);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      (*out = vigil_time_from_iso (json_node_get_string (node))) == NULL)
    return invalid (error, field,
                    _("must be a date and time in ISO 8601 format, such as "
                      "“2026-01-31T09:30:00Z”"));
  return TRUE;
}

static gboolean
read_string (JsonObject  *object,
             const char  *group,
             const char  *name,
             const char **out,
             GError     **error)
{
  JsonNode *node = get_member (object, name);
  g_autofree char *field = NULL;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      field = g_strconcat (group, ".", name, NULL);
      return invalid (error, field, _("must be a string"));
    }
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
read_states (VigilDoraCriteria  *self,
             JsonObject         *geography,
             GError            **error)
{
  JsonNode *node = get_member (geography, "states");
  g_autoptr(GList) members = NULL;
  JsonObject *states;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "geography.states",
                    _("must be an object of member states and what was impacted there"));

  states = json_node_get_object (node);
  members = json_object_get_members (states);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *code = l->data;
      g_autofree char *field = g_strconcat ("geography.states.", code, NULL);
      JsonNode *member = json_object_get_member (states, code);
      int index = vigil_dora_eea_state_index (code);
      JsonArray *array;
      guint impact = 0;

      if (index < 0)
        return invalid (error, field, _("is not an EEA member state"));
      if (!JSON_NODE_HOLDS_ARRAY (member))
        return invalid (error, field, _("must be a list of kinds of impact"));

      array = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          guint j;

          if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
            return invalid (error, field, _("must be a list of kinds of impact"));
          for (j = 0; j < G_N_ELEMENTS (geo_impacts); j++)
            {
              if (g_str_equal (json_node_get_string (item), geo_impacts[j]))
                break;
            }
          if (j == G_N_ELEMENTS (geo_impacts))
            return invalid (error, field, _("has an unknown kind of impact “%s”"),
                            json_node_get_string (item));
          impact |= 1u << j;
        }
      self->state_impacts[index] = impact;
    }
  return TRUE;
}

static gboolean
read_fields (VigilDoraCriteria  *self,
             JsonObject         *root,
             const char         *group,
             GError            **error)
{
  g_autoptr(GPtrArray) known = g_ptr_array_new ();
  JsonObject *o;

  for (guint i = 0; i < G_N_ELEMENTS (criteria_fields); i++)
    if (g_str_equal (criteria_fields[i].group, group))
      g_ptr_array_add (known, (gpointer) criteria_fields[i].name);
  g_ptr_array_add (known, NULL);
  if (!read_group (root, group, group, (const char * const *) known->pdata, &o, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (criteria_fields); i++)
    {
      const CriteriaField *f = &criteria_fields[i];
      gpointer field = G_STRUCT_MEMBER_P (self, f->offset);
      gboolean ok;

      if (!g_str_equal (f->group, group))
        continue;
      switch (f->kind)
        {
        case FIELD_BOOL:
          ok = read_bool (o, group, f->name, field, error);
          break;
        case FIELD_COUNT:
          ok = read_count (o, group, f->name, field, error);
          break;
        case FIELD_AMOUNT:
          ok = read_amount (o, group, f->name, field, error);
          break;
        case FIELD_TIME:
          ok = read_time (o, group, f->name, field, error);
          break;
        default:
          g_assert_not_reached ();
        }
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_criteria (VigilDoraCriteria  *self,
               JsonObject         *root,
               GError            **error)
{
  static const char * const known[] = {
    "critical_services", "clients", "counterparts", "transactions", "reputation", "duration",
    "downtime", "geography", "data_losses", "economic", NULL
  };
  static const char * const known_geography[] = { "home_state", "states", NULL };
  static const char * const known_economic[] = {
    "currency", "eur_rate", "costs", "estimated", NULL
  };
  JsonObject *o;
  const char *home = NULL, *currency = NULL;
  gboolean has_rate;

  if (!check_members (root, "", known, error))
    return FALSE;

  if (!read_fields (self, root, "critical_services", error) ||
      !read_fields (self, root, "clients", error) ||
      !read_fields (self, root, "counterparts", error) ||
      !read_fields (self, root, "transactions", error) ||
      !read_fields (self, root, "reputation", error) ||
      !read_fields (self, root, "duration", error) ||
      !read_fields (self, root, "downtime", error))
    return FALSE;

  if (!read_group (root, "geography", "geography", known_geography, &o, error) ||
      !read_string (o, "geography", "home_state", &home, error) ||
      !read_states (self, o, error))
    return FALSE;
  if (home != NULL)
    {
      if (!vigil_dora_is_eea_state (home))
        return invalid (error, "geography.home_state",
                        _("must be the code of an EEA member state, such as “DE”, not “%s”"),
                        home);
      strcpy (self->home_state, home);
    }

  if (!read_fields (self, root, "data_losses", error))
    return FALSE;

  if (!read_group (root, "economic", "economic", known_economic, &o, error) ||
      !read_string (o, "economic", "currency", &currency, error) ||
      !read_amount (o, "economic", "eur_rate", &self->eur_rate, error) ||
      !read_bool (o, "economic", "estimated", &self->costs_estimated, error))
    return FALSE;
  has_rate = get_member (o, "eur_rate") != NULL;
  if (currency != NULL)
    {
      if (strlen (currency) != 3 || !is_currency_code (currency))
        return invalid (error, "economic.currency",
                        _("must be an ISO 4217 code of three capital letters, such as “EUR”"));
      strcpy (self->currency, currency);
      if (strcmp (currency, "EUR") != 0 && !has_rate)
        return invalid (error, "economic.eur_rate",
                        _("must be given for amounts in %s, as the value of one unit in euro"),
                        currency);
    }
  if (o != NULL)
    {
      static const char * const known_costs[VIGIL_DORA_N_COSTS + 1] = {
        "expropriated_funds", "replacement", "staff", "contractual_fees", "customer_redress",
        "forgone_revenue", "communication", "advisory", NULL
      };
      JsonObject *costs;

      if (!read_group (o, "costs", "economic.costs", known_costs, &costs, error))
        return FALSE;
      for (guint i = 0; i < VIGIL_DORA_N_COSTS; i++)
        {
          if (!read_amount (costs, "economic.costs", cost_names[i], &self->costs[i], error))
            return FALSE;
        }
    }

  return vigil_dora_criteria_check (self, error);
}

VigilDoraCriteria *
vigil_dora_criteria_new_from_json (JsonNode  *node,
                                   GError   **error)
{
  g_autoptr(VigilDoraCriteria) self = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, VIGIL_DORA_ERROR, VIGIL_DORA_ERROR_PARSE,
                   _("The classification criteria must be a JSON object"));
      return NULL;
    }

  self = vigil_dora_criteria_new ();
  if (!read_criteria (self, json_node_get_object (node), error))
    return NULL;
  return g_steal_pointer (&self);
}

VigilDoraCriteria *
vigil_dora_criteria_new_from_string (const char  *json,
                                     GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, &local_error))
    {
      g_set_error (error, VIGIL_DORA_ERROR, VIGIL_DORA_ERROR_PARSE,
                   _("The classification criteria are not valid JSON: %s"),
                   local_error->message);
      return NULL;
    }
  return vigil_dora_criteria_new_from_json (json_parser_get_root (parser), error);
}

/* Classification */

VigilDoraResult *
vigil_dora_result_copy (const VigilDoraResult *self)
{
  VigilDoraResult *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->criteria = vigil_dora_criteria_copy (self->criteria);
  copy->classified_at = ref0 (self->classified_at);
  copy->states = g_strdupv (self->states);
  copy->reasons = g_strdupv (self->reasons);
  return copy;
}

void
vigil_dora_result_free (VigilDoraResult *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->criteria, vigil_dora_criteria_free);
  g_clear_pointer (&self->classified_at, g_date_time_unref);
  g_clear_pointer (&self->states, g_strfreev);
  g_clear_pointer (&self->reasons, g_strfreev);
  g_free (self);
}

static double
share (double part,
       double whole)
{
  return whole > 0 ? part / whole : -1;
}

/* "12.5" for a share of 0.125: the ITS rounding, so reasons match the report. */
static char *
format_share (double value)
{
  char *text = vigil_dora_format_pct (value * 100);

  return text != NULL ? text : g_strdup ("-");
}

/* A limit such as 0.10 as "10". */
static char *
format_limit (double limit)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", limit * 100));
}

static char *
format_span (GTimeSpan span)
{
  gint64 minutes = span / G_TIME_SPAN_MINUTE;

  /* Translators: a duration in hours and minutes, e.g. "26 h 05 min" */
  return g_strdup_printf (_("%" PRId64 " h %02" PRId64 " min"),
                          minutes / 60, minutes % 60);
}

static char *
format_eur (double amount)
{
  return g_strdup_printf ("%.2f", amount);
}

static void
add_reason (GPtrArray  *reasons,
            const char *format,
            ...) G_GNUC_PRINTF (2, 3);

static void
add_reason (GPtrArray  *reasons,
            const char *format,
            ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (reasons, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
classify_gate (VigilDoraResult *r,
               GPtrArray       *reasons)
{
  const VigilDoraCriteria *c = r->criteria;

  r->gate = c->cif_services_affected || c->supervised_services_affected || c->malicious_access;
  if (c->cif_services_affected)
    add_reason (reasons, "%s", _("Critical services affected: ICT services supporting a critical "
                                 "or important function"));
  if (c->supervised_services_affected)
    add_reason (reasons, "%s", _("Critical services affected: services that need authorisation or "
                                 "registration, or are supervised"));
  if (c->malicious_access)
    add_reason (reasons, "%s", _("Critical services affected: successful malicious unauthorised "
                                 "access to the network and information systems"));
  if (!r->gate)
    add_reason (reasons, "%s", _("Critical services not affected: without them an incident is not "
                                 "major"));
}

static void
classify_clients (VigilDoraResult *r,
                  GPtrArray       *reasons)
{
  const VigilDoraCriteria *c = r->criteria;
  double clients = share (c->clients_affected, c->clients_total);
  double counterparts = share (c->counterparts_affected, c->counterparts_total);
  double transactions = share (c->transactions_affected, c->transactions_daily_average);
  double value = share (c->transactions_value_affected, c->transactions_daily_average_value);

  r->clients_percent = clients >= 0 ? clients * 100 : -1;
  r->counterparts_percent = counterparts >= 0 ? counterparts * 100 : -1;
  r->transactions_percent = transactions >= 0 ? transactions * 100 : -1;
  r->transactions_value_percent = value >= 0 ? value * 100 : -1;

  if (clients > VIGIL_DORA_CLIENTS_SHARE_LIMIT)
    {
      g_autofree char *a = format_share (clients);
      g_autofree char *b = format_limit (VIGIL_DORA_CLIENTS_SHARE_LIMIT);

      r->t1 = TRUE;
      add_reason (reasons, _("Clients affected %s %% > %s %%"), a, b);
    }
  if (c->clients_affected > VIGIL_DORA_CLIENTS_COUNT_LIMIT)
    {
      r->t1 = TRUE;
      add_reason (reasons, _("Clients affected %" PRId64 " > %" PRId64),
                  c->clients_affected, VIGIL_DORA_CLIENTS_COUNT_LIMIT);
    }
  if (counterparts > VIGIL_DORA_COUNTERPARTS_SHARE_LIMIT)
    {
      g_autofree char *a = format_share (counterparts);
      g_autofree char *b = format_limit (VIGIL_DORA_COUNTERPARTS_SHARE_LIMIT);

      r->t1 = TRUE;
      add_reason (reasons, _("Financial counterparts affected %s %% > %s %%"), a, b);
    }
  if (transactions > VIGIL_DORA_TRANSACTIONS_SHARE_LIMIT)
    {
      g_autofree char *a = format_share (transactions);
      g_autofree char *b = format_limit (VIGIL_DORA_TRANSACTIONS_SHARE_LIMIT);

      r->t1 = TRUE;
      add_reason (reasons, _("Transactions affected %s %% of the daily average > %s %%"), a, b);
    }
  if (value > VIGIL_DORA_TRANSACTIONS_VALUE_SHARE_LIMIT)
    {
      g_autofree char *a = format_share (value);
      g_autofree char *b = format_limit (VIGIL_DORA_TRANSACTIONS_VALUE_SHARE_LIMIT);

      r->t1 = TRUE;
      add_reason (reasons, _("Value of transactions affected %s %% of the daily average > %s %%"),
                  a, b);
    }
  if (c->relevant_affected)
    {
      r->t1 = TRUE;
      add_reason (reasons, "%s", _("A relevant client or financial counterpart is affected"));
    }
  if (!r->t1)
    add_reason (reasons, "%s", _("Clients, financial counterparts and transactions: no threshold "
                                 "exceeded"));
}

static void
classify_reputation (VigilDoraResult *r,
                     GPtrArray       *reasons)
{
  const VigilDoraCriteria *c = r->criteria;

  r->t2 = c->media || c->complaints || c->regulatory_breach || c->client_loss;
  if (c->media)
    add_reason (reasons, "%s", _("Reputational impact: the incident has been reflected in the "
                                 "media"));
  if (c->complaints)
    add_reason (reasons, "%s", _("Reputational impact: repetitive complaints from different "
                                 "clients or counterparts"));
  if (c->regulatory_breach)
    add_reason (reasons, "%s", _("Reputational impact: regulatory requirements will or are likely "
                                 "not to be met"));
  if (c->client_loss)
    add_reason (reasons, "%s", _("Reputational impact: clients or counterparts will or are likely "
                                 "to be lost"));
  if (!r->t2)
    add_reason (reasons, "%s", _("Reputational impact: none recorded"));
}

static void
classify_duration (VigilDoraResult *r,
                   GDateTime       *now,
                   GPtrArray       *reasons)
{
  const VigilDoraCriteria *c = r->criteria;
  gboolean long_downtime;

  r->duration = measure_duration (c, now);
  r->downtime = measure_downtime (c, now);
  long_downtime = r->downtime > VIGIL_DORA_DOWNTIME_LIMIT;

  if (r->duration > VIGIL_DORA_DURATION_LIMIT)
    {
      g_autofree char *a = format_span (r->duration);

      r->t3 = TRUE;
      add_reason (reasons, _("Duration %s > %d h"), a,
                  (int) (VIGIL_DORA_DURATION_LIMIT / G_TIME_SPAN_HOUR));
    }
  if (long_downtime && c->downtime_supports_cif)
    {
      g_autofree char *a = format_span (r->downtime);

      r->t3 = TRUE;
      add_reason (reasons, _("Downtime of a service supporting a critical or important function %s "
                             "> %d h"),
                  a, (int) (VIGIL_DORA_DOWNTIME_LIMIT / G_TIME_SPAN_HOUR));
    }
  else if (long_downtime)
    {
      g_autofree char *a = format_span (r->downtime);

      add_reason (reasons, _("Downtime %s, but of a service that supports no critical or important "
                             "function"),
                  a);
    }
  if (!r->t3)
    {
      if (r->duration < 0)
        {
          add_reason (reasons, "%s", _("Duration unknown: enter when the incident occurred or was "
                                       "detected"));
        }
      else
        {
          g_autofree char *a = format_span (r->duration);

          add_reason (reasons, _("Duration %s, not longer than %d h"), a,
                      (int) (VIGIL_DORA_DURATION_LIMIT / G_TIME_SPAN_HOUR));
        }
    }
}

static void
classify_geography (VigilDoraResult *r,
                    GPtrArray       *reasons)
{
  const VigilDoraCriteria *c = r->criteria;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *list = NULL;
  gboolean home_left_out = FALSE;
  guint n;

  for (guint i = 0; i < VIGIL_DORA_N_EEA_STATES; i++)
    {
      if (c->state_impacts[i] == 0)
        continue;
      /* Without a home state every impacted state counts: the safe side. */
      if (!r->options.geo_count_home_state && strcmp (c->home_state, eea_states[i].code) == 0)
        {
          home_left_out = TRUE;
          continue;
        }
      g_strv_builder_add (builder, eea_states[i].code);
    }
  r->states = g_strv_builder_end (builder);
  n = g_strv_length (r->states);
  r->t4 = n >= VIGIL_DORA_STATES_MIN;

  list = g_strjoinv (", ", r->states);
  if (r->t4)
    add_reason (reasons, _("Geographical spread: impact in %u member states (%s), at least %d"),
                n, list, VIGIL_DORA_STATES_MIN);
  else if (n == 0)
    add_reason (reasons, "%s", _("Geographical spread: no member state impacted"));
  else
    add_reason (reasons, _("Geographical spread: impact in one member state (%s), at least %d "
                           "needed"),
                list, VIGIL_DORA_STATES_MIN);
  if (home_left_out)
    add_reason (reasons, _("Geographical spread: the home member state %s is not counted"),
                c->home_state);
}

static void
classify_data (VigilDoraResult *r,
               GPtrArray       *reasons)
{
  const VigilDoraCriteria *c = r->criteria;
  g_autoptr(GPtrArray) aspects = g_ptr_array_new ();
  g_autofree char *list = NULL;

  if (c->data_availability)
    g_ptr_array_add (aspects, _("availability"));
  if (c->data_authenticity)
    g_ptr_array_add (aspects, _("authenticity"));
  if (c->data_integrity)
    g_ptr_array_add (aspects, _("integrity"));
  if (c->data_confidentiality)
    g_ptr_array_add (aspects, _("confidentiality"));
  g_ptr_array_add (aspects, NULL);
  list = g_strjoinv (", ", (char **) aspects->pdata);

  r->t5a = aspects->len > 1 && c->data_adverse_effect;
  r->t5b = c->intrusion_data_loss;
  if (r->t5a && r->t5b && !r->options.intrusion_alone_suffices)
    r->t5b = FALSE;

  if (r->t5a)
    add_reason (reasons, _("Data losses: %s affected, with an adverse effect on business "
                           "objectives or regulatory compliance"),
                list);
  else if (aspects->len > 1)
    add_reason (reasons, _("Data losses: %s affected, but without an adverse effect on business "
                           "objectives or regulatory compliance"),
                list);
  else
    add_reason (reasons, "%s", _("Data losses: none recorded"));

  if (r->t5b)
    add_reason (reasons, "%s", _("Successful malicious unauthorised access that may cause data "
                                 "losses: enough together with critical services affected"));
  else if (c->intrusion_data_loss)
    add_reason (reasons, "%s", _("Successful malicious unauthorised access that may cause data "
                                 "losses: counted as data losses, which it already meets"));
}

static void
classify_economic (VigilDoraResult *r,
                   GPtrArray       *reasons)
{
  g_autofree char *amount = NULL;
  g_autofree char *limit = NULL;

  r->costs_eur = vigil_dora_criteria_get_costs_eur (r->criteria);
  r->t6 = r->costs_eur > VIGIL_DORA_ECONOMIC_LIMIT_EUR;
  amount = format_eur (r->costs_eur);
  limit = format_eur (VIGIL_DORA_ECONOMIC_LIMIT_EUR);
  if (r->t6)
    add_reason (reasons, _("Costs and losses EUR %s > EUR %s"), amount, limit);
  else
    add_reason (reasons, _("Costs and losses EUR %s, not more than EUR %s"), amount, limit);
}

VigilDoraResult *
vigil_dora_classify (const VigilDoraCriteria *criteria,
                     const VigilDoraOptions  *options,
                     GDateTime               *now)
{
  static const VigilDoraOptions defaults = VIGIL_DORA_OPTIONS_INIT;
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  VigilDoraResult *r;

  g_return_val_if_fail (criteria != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  r = g_new0 (VigilDoraResult, 1);
  r->criteria = vigil_dora_criteria_copy (criteria);
  r->options = options != NULL ? *options : defaults;
  r->classified_at = g_date_time_to_utc (now);

  classify_gate (r, reasons);
  classify_clients (r, reasons);
  classify_reputation (r, reasons);
  classify_duration (r, now, reasons);
  classify_geography (r, reasons);
  classify_data (r, reasons);
  classify_economic (r, reasons);

  r->n_thresholds = r->t1 + r->t2 + r->t3 + r->t4 + r->t5a + r->t6;
  r->major = r->gate && (r->t5b || r->n_thresholds >= VIGIL_DORA_THRESHOLDS_NEEDED);

  if (r->gate)
    r->triggers |= VIGIL_DORA_TRIGGER_CRITICAL_SERVICES;
  if (r->t1)
    r->triggers |= VIGIL_DORA_TRIGGER_CLIENTS;
  if (r->t2)
    r->triggers |= VIGIL_DORA_TRIGGER_REPUTATION;
  if (r->t3)
    r->triggers |= VIGIL_DORA_TRIGGER_DURATION;
  if (r->t4)
    r->triggers |= VIGIL_DORA_TRIGGER_GEOGRAPHY;
  if (r->t5a || r->t5b)
    r->triggers |= VIGIL_DORA_TRIGGER_DATA_LOSSES;
  if (r->t6)
    r->triggers |= VIGIL_DORA_TRIGGER_ECONOMIC;

  if (!r->gate)
    add_reason (reasons, "%s", _("Not a major incident: no critical services affected"));
  else if (r->n_thresholds >= VIGIL_DORA_THRESHOLDS_NEEDED)
    add_reason (reasons, g_dngettext (GETTEXT_PACKAGE,
                                      "Major incident: critical services affected and %u threshold "
                                      "met",
                                      "Major incident: critical services affected and %u "
                                      "thresholds met",
                                      r->n_thresholds),
                r->n_thresholds);
  else if (r->t5b)
    add_reason (reasons, "%s", _("Major incident: critical services affected and a malicious "
                                 "intrusion that may cause data losses"));
  else
    add_reason (reasons, g_dngettext (GETTEXT_PACKAGE,
                                      "Not a major incident: %u of 6 thresholds met, %d needed",
                                      "Not a major incident: %u of 6 thresholds met, %d needed",
                                      r->n_thresholds),
                r->n_thresholds, VIGIL_DORA_THRESHOLDS_NEEDED);

  g_ptr_array_add (reasons, NULL);
  r->reasons = (GStrv) g_ptr_array_steal (reasons, NULL);
  return r;
}

static void
build_thresholds (JsonBuilder *builder)
{
  json_builder_begin_object (builder);
  add_double (builder, "clients_share", VIGIL_DORA_CLIENTS_SHARE_LIMIT);
  add_int (builder, "clients_count", VIGIL_DORA_CLIENTS_COUNT_LIMIT);
  add_double (builder, "counterparts_share", VIGIL_DORA_COUNTERPARTS_SHARE_LIMIT);
  add_double (builder, "transactions_share", VIGIL_DORA_TRANSACTIONS_SHARE_LIMIT);
  add_double (builder, "transactions_value_share", VIGIL_DORA_TRANSACTIONS_VALUE_SHARE_LIMIT);
  add_int (builder, "duration_seconds", VIGIL_DORA_DURATION_LIMIT / G_TIME_SPAN_SECOND);
  add_int (builder, "downtime_seconds", VIGIL_DORA_DOWNTIME_LIMIT / G_TIME_SPAN_SECOND);
  add_int (builder, "states_min", VIGIL_DORA_STATES_MIN);
  add_double (builder, "economic_eur", VIGIL_DORA_ECONOMIC_LIMIT_EUR);
  add_int (builder, "thresholds_needed", VIGIL_DORA_THRESHOLDS_NEEDED);
  json_builder_set_member_name (builder, "comparison");
  json_builder_add_string_value (builder, "strictly-greater");
  json_builder_end_object (builder);
}

JsonNode *
vigil_dora_thresholds_to_json (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  build_thresholds (builder);
  return json_builder_get_root (builder);
}

static void
add_strv (JsonBuilder        *builder,
          const char         *name,
          const char * const *strv)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

static void
add_figure (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  if (value < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, value);
}

static void
add_span (JsonBuilder *builder,
          const char  *name,
          GTimeSpan    span)
{
  json_builder_set_member_name (builder, name);
  if (span < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, span / G_TIME_SPAN_SECOND);
}

JsonNode *
vigil_dora_result_to_json (const VigilDoraResult *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_auto(GStrv) trigger_ids = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  trigger_ids = vigil_dora_triggers_to_strv (self->triggers);

  json_builder_begin_object (builder);
  add_int (builder, "version", 1);
  add_time (builder, "classified_at", self->classified_at);

  json_builder_set_member_name (builder, "inputs");
  build_criteria (builder, self->criteria);

  json_builder_set_member_name (builder, "options");
  json_builder_begin_object (builder);
  add_bool (builder, "geo_count_home_state", self->options.geo_count_home_state);
  add_bool (builder, "intrusion_alone_suffices", self->options.intrusion_alone_suffices);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "thresholds");
  build_thresholds (builder);

  json_builder_set_member_name (builder, "result");
  json_builder_begin_object (builder);
  add_bool (builder, "gate", self->gate);
  add_bool (builder, "t1", self->t1);
  add_bool (builder, "t2", self->t2);
  add_bool (builder, "t3", self->t3);
  add_bool (builder, "t4", self->t4);
  add_bool (builder, "t5a", self->t5a);
  add_bool (builder, "t5b", self->t5b);
  add_bool (builder, "t6", self->t6);
  add_int (builder, "n_thresholds", self->n_thresholds);
  add_bool (builder, "major", self->major);
  add_strv (builder, "triggers", (const char * const *) trigger_ids);
  json_builder_set_member_name (builder, "figures");
  json_builder_begin_object (builder);
  add_figure (builder, "clients_percent", self->clients_percent);
  add_figure (builder, "counterparts_percent", self->counterparts_percent);
  add_figure (builder, "transactions_percent", self->transactions_percent);
  add_figure (builder, "transactions_value_percent", self->transactions_value_percent);
  add_span (builder, "duration_seconds", self->duration);
  add_span (builder, "downtime_seconds", self->downtime);
  add_strv (builder, "states", (const char * const *) self->states);
  add_double (builder, "costs_eur", self->costs_eur);
  json_builder_end_object (builder);
  add_strv (builder, "reasons", (const char * const *) self->reasons);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* Significant cyber threats */

gboolean
vigil_dora_threat_is_significant (const VigilDoraThreat *threat,
                                  GStrv                 *reasons)
{
  const VigilDoraTrigger decisive = VIGIL_DORA_TRIGGER_CRITICAL_SERVICES |
                                    VIGIL_DORA_TRIGGER_CLIENTS |
                                    VIGIL_DORA_TRIGGER_GEOGRAPHY;
  gboolean significant;

  g_return_val_if_fail (threat != NULL, FALSE);

  significant = threat->could_affect && threat->high_probability &&
                (threat->would_trigger & decisive) != 0;

  if (reasons != NULL)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      g_strv_builder_add (builder, threat->could_affect ?
                          _("It could affect critical or important functions, other financial "
                            "entities, third-party providers, clients or counterparts") :
                          _("It could not affect critical or important functions, other financial "
                            "entities, third-party providers, clients or counterparts"));
      g_strv_builder_add (builder, threat->high_probability ?
                          _("It has a high probability of materialising") :
                          _("It has no high probability of materialising"));
      g_strv_builder_add (builder, (threat->would_trigger & decisive) != 0 ?
                          _("If it materialised it would meet the critical services, clients or "
                            "geographical spread criterion") :
                          _("If it materialised it would meet none of the critical services, "
                            "clients or geographical spread criteria"));
      g_strv_builder_add (builder, significant ?
                          _("Significant cyber threat: record it; notifying the authority is "
                            "voluntary") :
                          _("Not a significant cyber threat"));
      *reasons = g_strv_builder_end (builder);
    }

  return significant;
}

/* Recurring incidents */

static GDateTime *
occurrence_of (const VigilDoraCriteria *c)
{
  return c->occurred_at != NULL ? c->occurred_at : c->detected_at;
}

VigilDoraCriteria *
vigil_dora_criteria_aggregate (const VigilDoraCriteria * const *items,
                               guint                            n_items,
                               GDateTime                       *now)
{
  VigilDoraCriteria *a = vigil_dora_criteria_new ();
  const VigilDoraCriteria *longest = NULL, *longest_down = NULL;
  GTimeSpan max_duration = -1, max_downtime = -1;
  gboolean max_down_cif = FALSE;

  g_return_val_if_fail (items != NULL || n_items == 0, a);

  for (guint i = 0; i < n_items; i++)
    {
      const VigilDoraCriteria *c = items[i];
      GTimeSpan duration = measure_duration (c, now);
      GTimeSpan downtime = measure_downtime (c, now);

      a->cif_services_affected |= c->cif_services_affected;
      a->supervised_services_affected |= c->supervised_services_affected;
      a->malicious_access |= c->malicious_access;

      a->clients_affected += c->clients_affected;
      a->clients_total = MAX (a->clients_total, c->clients_total);
      a->clients_estimated |= c->clients_estimated;
      a->counterparts_affected += c->counterparts_affected;
      a->counterparts_total = MAX (a->counterparts_total, c->counterparts_total);
      a->counterparts_estimated |= c->counterparts_estimated;
      a->transactions_affected += c->transactions_affected;
      a->transactions_daily_average = MAX (a->transactions_daily_average,
                                           c->transactions_daily_average);
      a->transactions_value_affected += c->transactions_value_affected * c->eur_rate;
      a->transactions_daily_average_value = MAX (a->transactions_daily_average_value,
                                                 c->transactions_daily_average_value * c->eur_rate);
      a->transactions_estimated |= c->transactions_estimated;
      a->relevant_affected |= c->relevant_affected;

      a->media |= c->media;
      a->complaints |= c->complaints;
      a->regulatory_breach |= c->regulatory_breach;
      a->client_loss |= c->client_loss;

      if (duration > max_duration)
        {
          max_duration = duration;
          longest = c;
        }
      a->duration_estimated |= c->duration_estimated;
      /* A long downtime only counts for a service supporting a critical
       * function, so such a downtime wins over any other. */
      if (downtime >= 0 &&
          ((c->downtime_supports_cif && !max_down_cif) ||
           (c->downtime_supports_cif == max_down_cif && downtime > max_downtime)))
        {
          max_downtime = downtime;
          max_down_cif = c->downtime_supports_cif;
          longest_down = c;
        }

      if (a->home_state[0] == '\0')
        strcpy (a->home_state, c->home_state);
      for (guint s = 0; s < VIGIL_DORA_N_EEA_STATES; s++)
        a->state_impacts[s] |= c->state_impacts[s];

      a->data_availability |= c->data_availability;
      a->data_authenticity |= c->data_authenticity;
      a->data_integrity |= c->data_integrity;
      a->data_confidentiality |= c->data_confidentiality;
      a->data_adverse_effect |= c->data_adverse_effect;
      a->intrusion_data_loss |= c->intrusion_data_loss;

      for (guint k = 0; k < VIGIL_DORA_N_COSTS; k++)
        a->costs[k] += c->costs[k] * c->eur_rate;
      a->costs_estimated |= c->costs_estimated;
    }

  /* The sums never exceed what the reader allows in total, but keep the
   * aggregate within the limits that vigil_dora_criteria_check() enforces. */
  a->clients_total = MAX (a->clients_total, a->clients_affected);
  a->counterparts_total = MAX (a->counterparts_total, a->counterparts_affected);

  if (longest != NULL)
    {
      a->occurred_at = ref0 (longest->occurred_at);
      a->detected_at = ref0 (longest->detected_at);
      a->first_log_at = ref0 (longest->first_log_at);
      a->resolved_at = ref0 (longest->resolved_at != NULL ? longest->resolved_at : now);
    }
  if (longest_down != NULL)
    {
      a->downtime_start = ref0 (downtime_start (longest_down));
      a->downtime_end = ref0 (longest_down->downtime_end != NULL ?
                              longest_down->downtime_end : now);
      a->downtime_supports_cif = longest_down->downtime_supports_cif;
    }

  return a;
}

void
vigil_dora_recurrence_free (VigilDoraRecurrence *self)
{
  if (self == NULL)
    return;

  g_free (self->root_cause);
  g_strfreev (self->ids);
  g_clear_pointer (&self->first_occurred_at, g_date_time_unref);
  g_clear_pointer (&self->last_occurred_at, g_date_time_unref);
  g_clear_pointer (&self->last_detected_at, g_date_time_unref);
  vigil_dora_criteria_free (self->aggregate);
  vigil_dora_result_free (self->result);
  g_free (self);
}

static gint
compare_items (gconstpointer a,
               gconstpointer b)
{
  const VigilDoraRecurringItem *ia = *(const VigilDoraRecurringItem **) a;
  const VigilDoraRecurringItem *ib = *(const VigilDoraRecurringItem **) b;
  int by_cause = strcmp (ia->root_cause, ib->root_cause);

  if (by_cause != 0)
    return by_cause;
  return g_date_time_compare (occurrence_of (ia->criteria), occurrence_of (ib->criteria));
}

static VigilDoraRecurrence *
make_recurrence (GPtrArray              *group,
                 GDateTime              *assessed_at,
                 const VigilDoraOptions *options)
{
  VigilDoraRecurrence *rec = g_new0 (VigilDoraRecurrence, 1);
  g_autoptr(GPtrArray) criteria = g_ptr_array_new ();
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  const VigilDoraRecurringItem *first = group->pdata[0];
  const VigilDoraRecurringItem *last = group->pdata[group->len - 1];

  for (guint i = 0; i < group->len; i++)
    {
      const VigilDoraRecurringItem *item = group->pdata[i];

      g_ptr_array_add (criteria, (gpointer) item->criteria);
      g_strv_builder_add (ids, item->id != NULL ? item->id : "");
    }

  rec->root_cause = g_strdup (first->root_cause);
  rec->ids = g_strv_builder_end (ids);
  rec->n_occurrences = group->len;
  rec->first_occurred_at = g_date_time_ref (occurrence_of (first->criteria));
  rec->last_occurred_at = g_date_time_ref (occurrence_of (last->criteria));
  rec->last_detected_at = ref0 (last->criteria->detected_at);
  rec->aggregate =
    vigil_dora_criteria_aggregate ((const VigilDoraCriteria * const *) criteria->pdata,
                                   criteria->len, assessed_at);
  rec->result = vigil_dora_classify (rec->aggregate, options, assessed_at);
  return rec;
}

GPtrArray *
vigil_dora_recurring_check (const VigilDoraRecurringItem *items,
                            guint                         n_items,
                            GDateTime                    *assessed_at,
                            const VigilDoraOptions       *options)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_dora_recurrence_free);
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();
  g_autoptr(GDateTime) window_start = NULL;
  guint i = 0;

  g_return_val_if_fail (items != NULL || n_items == 0, result);
  g_return_val_if_fail (assessed_at != NULL, result);

  /* [INTERP] The window is the six calendar months up to the assessment,
   * start excluded. */
  window_start = g_date_time_add_months (assessed_at, -VIGIL_DORA_RECURRING_WINDOW_MONTHS);
  for (guint k = 0; k < n_items; k++)
    {
      const VigilDoraRecurringItem *item = &items[k];
      GDateTime *when;

      if (item->major || item->criteria == NULL || item->root_cause == NULL ||
          item->root_cause[0] == '\0')
        continue;
      when = occurrence_of (item->criteria);
      if (when == NULL || g_date_time_compare (when, window_start) <= 0 ||
          g_date_time_compare (when, assessed_at) > 0)
        continue;
      g_ptr_array_add (candidates, (gpointer) item);
    }
  g_ptr_array_sort (candidates, compare_items);

  while (i < candidates->len)
    {
      const VigilDoraRecurringItem *head = candidates->pdata[i];
      g_autoptr(GPtrArray) group = g_ptr_array_new ();

      while (i < candidates->len &&
             strcmp (((const VigilDoraRecurringItem *) candidates->pdata[i])->root_cause,
                     head->root_cause) == 0)
        g_ptr_array_add (group, candidates->pdata[i++]);

      if (group->len >= 2)
        g_ptr_array_add (result, make_recurrence (group, assessed_at, options));
    }

  return result;
}

/* Entities */

typedef struct {
  VigilDoraEntityType  type;
  const char          *id;
  const char          *label;
} EntityTypeInfo;

static const EntityTypeInfo entity_types[VIGIL_DORA_N_ENTITY_TYPES] = {
  { VIGIL_DORA_ENTITY_CREDIT_INSTITUTION, "credit_institution", N_("Credit institution") },
  { VIGIL_DORA_ENTITY_PAYMENT_INSTITUTION, "payment_institution", N_("Payment institution") },
  { VIGIL_DORA_ENTITY_EXEMPTED_PAYMENT_INSTITUTION, "exempted_payment_institution",
    N_("Exempted payment institution") },
  { VIGIL_DORA_ENTITY_ACCOUNT_INFORMATION_PROVIDER, "account_information_service_provider",
    N_("Account information service provider") },
  { VIGIL_DORA_ENTITY_E_MONEY_INSTITUTION, "electronic_money_institution",
    N_("Electronic money institution") },
  { VIGIL_DORA_ENTITY_EXEMPTED_E_MONEY_INSTITUTION, "exempted_electronic_money_institution",
    N_("Exempted electronic money institution") },
  { VIGIL_DORA_ENTITY_INVESTMENT_FIRM, "investment_firm", N_("Investment firm") },
  { VIGIL_DORA_ENTITY_CRYPTO_ASSET_SERVICE_PROVIDER, "crypto_asset_service_provider",
    N_("Crypto-asset service provider") },
  { VIGIL_DORA_ENTITY_ART_ISSUER, "issuer_of_asset_referenced_tokens",
    N_("Issuer of asset-referenced tokens") },
  { VIGIL_DORA_ENTITY_CSD, "central_securities_depository", N_("Central securities depository") },
  { VIGIL_DORA_ENTITY_CCP, "central_counterparty", N_("Central counterparty") },
  { VIGIL_DORA_ENTITY_TRADING_VENUE, "trading_venue", N_("Trading venue") },
  { VIGIL_DORA_ENTITY_TRADE_REPOSITORY, "trade_repository", N_("Trade repository") },
  { VIGIL_DORA_ENTITY_AIF_MANAGER, "manager_of_alternative_investment_fund",
    N_("Manager of alternative investment fund") },
  { VIGIL_DORA_ENTITY_MANAGEMENT_COMPANY, "management_company", N_("Management company") },
  { VIGIL_DORA_ENTITY_DATA_REPORTING_PROVIDER, "data_reporting_service_provider",
    N_("Data reporting service provider") },
  { VIGIL_DORA_ENTITY_INSURANCE_UNDERTAKING, "insurance_and_reinsurance_undertaking",
    N_("Insurance and reinsurance undertaking") },
  { VIGIL_DORA_ENTITY_INSURANCE_INTERMEDIARY, "insurance_intermediary",
    N_("Insurance intermediary, reinsurance intermediary and ancillary insurance intermediary") },
  { VIGIL_DORA_ENTITY_OCCUPATIONAL_RETIREMENT, "institution_for_occupational_retirement_provision",
    N_("Institution for occupational retirement provision") },
  { VIGIL_DORA_ENTITY_CREDIT_RATING_AGENCY, "credit_rating_agency", N_("Credit rating agency") },
  { VIGIL_DORA_ENTITY_CRITICAL_BENCHMARK_ADMINISTRATOR, "administrator_of_critical_benchmarks",
    N_("Administrator of critical benchmarks") },
  { VIGIL_DORA_ENTITY_CROWDFUNDING_PROVIDER, "crowdfunding_service_provider",
    N_("Crowdfunding service provider") },
  { VIGIL_DORA_ENTITY_SECURITISATION_REPOSITORY, "securitisation_repository",
    N_("Securitisation repository") },
};

static const EntityTypeInfo *
entity_type_info (VigilDoraEntityType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (entity_types); i++)
    {
      if (entity_types[i].type == type)
        return &entity_types[i];
    }
  return NULL;
}

const char *
vigil_dora_entity_type_to_string (VigilDoraEntityType type)
{
  const EntityTypeInfo *info = entity_type_info (type);

  return info != NULL ? info->id : NULL;
}

gboolean
vigil_dora_entity_type_from_string (const char          *str,
                                    VigilDoraEntityType *type)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (entity_types); i++)
    {
      if (strcmp (entity_types[i].id, str) == 0)
        {
          *type = entity_types[i].type;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
vigil_dora_entity_type_get_label (VigilDoraEntityType type)
{
  const EntityTypeInfo *info = entity_type_info (type);

  return info != NULL ? g_dgettext (GETTEXT_PACKAGE, info->label) : NULL;
}

gboolean
vigil_dora_entity_needs_recurring_check (const VigilDoraEntity *entity)
{
  g_return_val_if_fail (entity != NULL, TRUE);

  return !entity->microenterprise && !entity->simplified_framework;
}

/* Deadlines */

GDateTime *
vigil_dora_initial_due (GDateTime *aware_at,
                        GDateTime *classified_at,
                        gboolean  *pending)
{
  g_autoptr(GDateTime) cap = NULL;
  g_autoptr(GDateTime) after_classification = NULL;

  g_return_val_if_fail (aware_at != NULL, NULL);

  cap = g_date_time_add (aware_at, VIGIL_DORA_INITIAL_AFTER_AWARENESS);
  if (pending != NULL)
    *pending = classified_at == NULL;
  if (classified_at == NULL)
    return g_date_time_to_utc (cap);

  after_classification = g_date_time_add (classified_at, VIGIL_DORA_INITIAL_AFTER_CLASSIFICATION);
  if (g_date_time_compare (classified_at, cap) <= 0 &&
      g_date_time_compare (cap, after_classification) < 0)
    return g_date_time_to_utc (cap);
  return g_date_time_to_utc (after_classification);
}

GDateTime *
vigil_dora_intermediate_due (GDateTime *initial_submitted_at)
{
  g_autoptr(GDateTime) due = NULL;

  g_return_val_if_fail (initial_submitted_at != NULL, NULL);

  due = g_date_time_add (initial_submitted_at, VIGIL_DORA_INTERMEDIATE_AFTER_INITIAL);
  return g_date_time_to_utc (due);
}

GDateTime *
vigil_dora_add_month (GDateTime *when)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) whole = NULL;
  gint year, month, day;

  g_return_val_if_fail (when != NULL, NULL);

  utc = g_date_time_to_utc (when);
  year = g_date_time_get_year (utc);
  month = g_date_time_get_month (utc) + 1;
  if (month > 12)
    {
      month = 1;
      year++;
    }
  day = MIN (g_date_time_get_day_of_month (utc), g_date_get_days_in_month (month, year));

  whole = g_date_time_new_utc (year, month, day, g_date_time_get_hour (utc),
                               g_date_time_get_minute (utc), g_date_time_get_second (utc));
  return g_date_time_add (whole, g_date_time_get_microsecond (utc));
}

GDateTime *
vigil_dora_final_due (GDateTime *last_intermediate_submitted_at)
{
  g_return_val_if_fail (last_intermediate_submitted_at != NULL, NULL);

  return vigil_dora_add_month (last_intermediate_submitted_at);
}

gboolean
vigil_dora_relief_applies (VigilDoraReportKind    kind,
                           const VigilDoraEntity *entity,
                           GDateTime             *first_report_at)
{
  const guint never_relieved = VIGIL_DORA_ENTITY_CREDIT_INSTITUTION |
                               VIGIL_DORA_ENTITY_CCP |
                               VIGIL_DORA_ENTITY_TRADING_VENUE;

  g_return_val_if_fail (entity != NULL, FALSE);

  if (kind == VIGIL_DORA_REPORT_FINAL)
    return TRUE;
  if ((entity->types & never_relieved) != 0 || entity->nis2_essential_or_important)
    return FALSE;
  /* Withdrawn for incidents first reported after the notice; an incident
   * not reported yet will be. */
  if (entity->relief_withdrawn_at != NULL &&
      (first_report_at == NULL ||
       g_date_time_compare (entity->relief_withdrawn_at, first_report_at) <= 0))
    return FALSE;
  return TRUE;
}

static GTimeZone *
entity_time_zone (const VigilDoraEntity *entity)
{
  const char *id = entity->time_zone;
  GTimeZone *tz;

  if (id == NULL)
    id = vigil_dora_eea_state_time_zone (entity->member_state);
  if (id != NULL && (tz = g_time_zone_new_identifier (id)) != NULL)
    return tz;

  g_warning ("Unknown time zone “%s” for member state %s; using UTC",
             id != NULL ? id : "", entity->member_state != NULL ? entity->member_state : "-");
  return g_time_zone_new_utc ();
}

GDateTime *
vigil_dora_relieve (GDateTime             *due,
                    const VigilDoraEntity *entity,
                    VigilCalendar         *calendar)
{
  g_autoptr(VigilCalendar) empty = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) next = NULL;
  g_autoptr(GDateTime) noon = NULL;

  g_return_val_if_fail (due != NULL, NULL);
  g_return_val_if_fail (entity != NULL, NULL);
  g_return_val_if_fail (calendar == NULL || VIGIL_IS_CALENDAR (calendar), NULL);

  if (calendar == NULL)
    calendar = empty = vigil_calendar_new ();

  tz = entity_time_zone (entity);
  local = g_date_time_to_timezone (due, tz);
  if (vigil_calendar_is_working_day (calendar, entity->member_state, local))
    return g_date_time_to_utc (due);

  next = vigil_calendar_next_working_day (calendar, entity->member_state, local);
  noon = g_date_time_new (tz, g_date_time_get_year (next), g_date_time_get_month (next),
                          g_date_time_get_day_of_month (next), VIGIL_DORA_RELIEF_HOUR, 0, 0);
  return g_date_time_to_utc (noon);
}

void
vigil_dora_deadline_free (VigilDoraDeadline *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->legal_due, g_date_time_unref);
  g_clear_pointer (&self->relieved_due, g_date_time_unref);
  g_free (self);
}

VigilDoraDeadline *
vigil_dora_deadline_compute (VigilDoraReportKind          kind,
                             const VigilDoraReportTimes *times,
                             const VigilDoraEntity      *entity,
                             VigilCalendar              *calendar)
{
  VigilDoraDeadline *deadline;
  GDateTime *legal = NULL;
  gboolean pending = FALSE;

  g_return_val_if_fail (times != NULL, NULL);
  g_return_val_if_fail (entity != NULL, NULL);

  if (times->reclassified_at != NULL)
    return NULL;

  switch (kind)
    {
    case VIGIL_DORA_REPORT_INITIAL:
      if (times->aware_at != NULL)
        legal = vigil_dora_initial_due (times->aware_at, times->classified_at, &pending);
      break;
    case VIGIL_DORA_REPORT_INTERMEDIATE:
      if (times->initial_submitted_at != NULL)
        legal = vigil_dora_intermediate_due (times->initial_submitted_at);
      break;
    case VIGIL_DORA_REPORT_FINAL:
      if (times->last_intermediate_submitted_at != NULL)
        legal = vigil_dora_final_due (times->last_intermediate_submitted_at);
      break;
    default:
      g_return_val_if_reached (NULL);
    }

  if (legal == NULL)
    return NULL;

  deadline = g_new0 (VigilDoraDeadline, 1);
  deadline->kind = kind;
  deadline->pending = pending;
  deadline->legal_due = legal;
  deadline->relief_applies = vigil_dora_relief_applies (kind, entity, times->initial_submitted_at);
  deadline->relieved_due = deadline->relief_applies ?
                           vigil_dora_relieve (legal, entity, calendar) :
                           g_date_time_ref (legal);
  return deadline;
}

VigilDoraDueLevel
vigil_dora_due_status (GDateTime *due,
                       GDateTime *now,
                       GTimeSpan *time_left)
{
  GTimeSpan left;

  g_return_val_if_fail (due != NULL, VIGIL_DORA_DUE_LATER);
  g_return_val_if_fail (now != NULL, VIGIL_DORA_DUE_LATER);

  left = g_date_time_difference (due, now);
  if (time_left != NULL)
    *time_left = left;

  if (left < 0)
    return VIGIL_DORA_DUE_OVERDUE;
  if (left < VIGIL_DORA_DUE_URGENT_SPAN)
    return VIGIL_DORA_DUE_URGENT;
  if (left < VIGIL_DORA_DUE_SOON_SPAN)
    return VIGIL_DORA_DUE_SOON;
  return VIGIL_DORA_DUE_LATER;
}

char *
vigil_dora_format_time_left (GTimeSpan time_left)
{
  GTimeSpan span = time_left < 0 ? -time_left : time_left;
  gint64 minutes = span / G_TIME_SPAN_MINUTE;
  g_autofree char *text = NULL;

  if (minutes >= 24 * 60)
    /* Translators: time left, in days and hours */
    text = g_strdup_printf (_("%" PRId64 " d %" PRId64 " h"),
                            minutes / (24 * 60), (minutes / 60) % 24);
  else if (minutes >= 60)
    /* Translators: time left, in hours and minutes */
    text = g_strdup_printf (_("%" PRId64 " h %" PRId64 " min"),
                            minutes / 60, minutes % 60);
  else
    /* Translators: time left, in minutes */
    text = g_strdup_printf (_("%" PRId64 " min"), minutes);

  if (time_left < 0)
    /* Translators: %s is a time such as "3 h 5 min" */
    return g_strdup_printf (_("overdue by %s"), text);
  return g_steal_pointer (&text);
}

/* Field formats */

static char *
format_tenths (gint64 tenths)
{
  if (tenths < 0 || tenths > 99999)
    return NULL;
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT, tenths / 10, tenths % 10);
}

char *
vigil_dora_format_pct (double percent)
{
  if (!isfinite (percent) || percent < 0 || percent >= 10000)
    return NULL;

  /* The small nudge makes 12.35, stored as 12.3499..., round up as written;
   * the value is positive, so truncating is flooring. */
  return format_tenths ((gint64) (percent * 10 + 0.5 + 1e-9));
}

char *
vigil_dora_format_pct_ratio (gint64 part,
                             gint64 whole)
{
  if (whole <= 0 || part < 0)
    return NULL;
  if (part > G_MAXINT64 / 4000 || whole > G_MAXINT64 / 4)
    return vigil_dora_format_pct (100.0 * (double) part / (double) whole);

  /* floor (1000 * part / whole + 1/2), in integers: half up, exactly. */
  return format_tenths ((2000 * part + whole) / (2 * whole));
}

char *
vigil_dora_format_dur (GTimeSpan span)
{
  gint64 minutes;

  if (span < 0)
    return NULL;

  minutes = span / G_TIME_SPAN_MINUTE;
  if (minutes / (24 * 60) >= 100)
    return NULL;
  return g_strdup_printf ("%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT,
                          minutes / (24 * 60), (minutes / 60) % 24, minutes % 60);
}

char *
vigil_dora_format_dt (GDateTime *when)
{
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (when != NULL, NULL);

  utc = g_date_time_to_utc (when);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
}

static gboolean
lei_char_ok (char c)
{
  return g_ascii_isdigit (c) || (c >= 'A' && c <= 'Z');
}

/* The remainder modulo 97 of @text read as digits, letters as 10..35. */
static guint
lei_mod97 (const char *text)
{
  guint r = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        r = (r * 10 + (guint) (*p - '0')) % 97;
      else
        r = (r * 100 + (guint) (*p - 'A' + 10)) % 97;
    }
  return r;
}

gboolean
vigil_dora_lei_is_valid (const char *lei)
{
  if (lei == NULL || strlen (lei) != 20)
    return FALSE;
  for (guint i = 0; i < 20; i++)
    {
      if (!lei_char_ok (lei[i]))
        return FALSE;
    }
  if (!g_ascii_isdigit (lei[18]) || !g_ascii_isdigit (lei[19]))
    return FALSE;

  return lei_mod97 (lei) == 1;
}

char *
vigil_dora_lei_check_digits (const char *base)
{
  g_autofree char *padded = NULL;

  if (base == NULL || strlen (base) != 18)
    return NULL;
  for (guint i = 0; i < 18; i++)
    {
      if (!lei_char_ok (base[i]))
        return NULL;
    }

  padded = g_strconcat (base, "00", NULL);
  return g_strdup_printf ("%02u", 98 - lei_mod97 (padded));
}
