/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-figures"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vigil-figures.h"
#include "vigil-op.h"
#include "vigil-dora-profile.h"

/* First step that counts as remediated: the post-incident review begins
 * once the response (steps 9 to 11) is over. */
#define REMEDIATED_STEP 12

static const char * const marker_ids[] = {
  "detected", "aware", "submitted", "rejected", "approved", "remediated", "archived",
};

static const struct {
  const char *id;
  const char *label;
} spans[VIGIL_N_SPANS] = {
  { "detection-to-awareness", N_("Detection to awareness") },
  { "awareness-to-approval", N_("Awareness to approval") },
  { "awareness-to-remediated", N_("Awareness to remediation (step 12 reached)") },
  { "opened-to-closed", N_("Opened to closed (archived)") },
};

static const char * const table_ids[VIGIL_N_FIGURES_TABLES] = {
  "steps", "severity", "type", "times", "weeks", "incidents", "dora", "reports",
};

static const struct {
  const char *id;
  const char *label;
} report_kinds[] = {
  { "initial", N_("Initial report") },
  { "intermediate", N_("Intermediate report") },
  { "final", N_("Final report") },
};

const char *
vigil_timeline_marker_kind_to_string (VigilTimelineMarkerKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (marker_ids), NULL);

  return marker_ids[kind];
}

const char *
vigil_figures_span_get_id (VigilFiguresSpanKind kind)
{
  g_return_val_if_fail (kind < VIGIL_N_SPANS, NULL);

  return spans[kind].id;
}

const char *
vigil_figures_span_get_label (VigilFiguresSpanKind kind)
{
  g_return_val_if_fail (kind < VIGIL_N_SPANS, NULL);

  return _(spans[kind].label);
}

const char *
vigil_figures_table_get_id (VigilFiguresTable table)
{
  g_return_val_if_fail (table < VIGIL_N_FIGURES_TABLES, NULL);

  return table_ids[table];
}

/* Timelines */

static void
interval_clear (gpointer data)
{
  VigilTimelineInterval *interval = data;

  g_clear_pointer (&interval->start, g_date_time_unref);
  g_clear_pointer (&interval->end, g_date_time_unref);
}

static void
marker_clear (gpointer data)
{
  VigilTimelineMarker *marker = data;

  g_clear_pointer (&marker->at, g_date_time_unref);
}

static void
add_marker (VigilIncidentTimeline   *self,
            VigilTimelineMarkerKind  kind,
            GDateTime               *at)
{
  VigilTimelineMarker marker = { kind, g_date_time_ref (at) };

  g_array_append_val (self->markers, marker);
}

/* Closes the open interval of @intervals at @at and opens one for @step
 * (0 for a phase interval) and @phase. */
static void
enter (GArray     *intervals,
       guint       step,
       VigilPhase  phase,
       GDateTime  *at)
{
  VigilTimelineInterval interval = { step, phase, g_date_time_ref (at), NULL };

  if (intervals->len > 0)
    {
      VigilTimelineInterval *last = &g_array_index (intervals, VigilTimelineInterval,
                                                    intervals->len - 1);

      g_assert (last->end == NULL);
      last->end = g_date_time_ref (at);
    }
  g_array_append_val (intervals, interval);
}

static void
enter_step (VigilIncidentTimeline *self,
            guint                  step,
            GDateTime             *at)
{
  VigilPhase phase = vigil_process_get_phase (step);
  VigilTimelineInterval *last_phase = NULL;

  enter (self->steps, step, phase, at);

  if (self->phases->len > 0)
    last_phase = &g_array_index (self->phases, VigilTimelineInterval, self->phases->len - 1);
  if (last_phase == NULL || last_phase->phase != phase)
    enter (self->phases, 0, phase, at);

  if (step >= REMEDIATED_STEP && self->remediated_at == NULL)
    {
      self->remediated_at = g_date_time_ref (at);
      add_marker (self, VIGIL_TIMELINE_REMEDIATED, at);
    }
  if (step == VIGIL_STEP_ARCHIVE && self->closed_at == NULL)
    {
      self->closed_at = g_date_time_ref (at);
      add_marker (self, VIGIL_TIMELINE_ARCHIVED, at);
    }
}

static gboolean
change_get_int (JsonObject *change,
                const char *member,
                guint      *value)
{
  JsonNode *node = json_object_get_member (change, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = (guint) json_node_get_int (node);
  return vigil_process_is_valid_step ((gint) *value);
}

static const char *
change_get_string (JsonObject *change,
                   const char *member)
{
  JsonNode *node = json_object_get_member (change, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The step the incident was in before the first logged move, for a log
 * that lacks the early history. */
static guint
first_known_step (VigilIncident *incident,
                  GPtrArray     *log)
{
  const char *id = vigil_incident_get_id (incident);

  for (guint i = 0; i < log->len; i++)
    {
      VigilLogEntry *entry = g_ptr_array_index (log, i);
      guint n;

      if (!g_str_equal (vigil_op_get_incident_id (entry->op), id) || entry->changes == NULL)
        continue;
      n = json_array_get_length (entry->changes);
      for (guint j = 0; j < n; j++)
        {
          JsonObject *change = json_array_get_object_element (entry->changes, j);
          guint old;

          if (g_strcmp0 (change_get_string (change, "field"), "step") == 0 &&
              change_get_int (change, "old", &old))
            return old;
        }
    }

  return vigil_incident_get_step (incident);
}

static gint
compare_markers (gconstpointer a,
                 gconstpointer b)
{
  const VigilTimelineMarker *ma = a;
  const VigilTimelineMarker *mb = b;
  gint order = g_date_time_compare (ma->at, mb->at);

  return order != 0 ? order : (gint) ma->kind - (gint) mb->kind;
}

VigilIncidentTimeline *
vigil_incident_timeline_new (VigilIncident *incident,
                             GPtrArray     *log)
{
  VigilIncidentTimeline *self;
  const char *id;
  g_autoptr(GDateTime) last_at = NULL;
  GDateTime *when;

  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), NULL);
  g_return_val_if_fail (log != NULL, NULL);

  id = vigil_incident_get_id (incident);
  self = g_new0 (VigilIncidentTimeline, 1);
  self->incident = g_object_ref (incident);
  self->steps = g_array_new (FALSE, FALSE, sizeof (VigilTimelineInterval));
  g_array_set_clear_func (self->steps, interval_clear);
  self->phases = g_array_new (FALSE, FALSE, sizeof (VigilTimelineInterval));
  g_array_set_clear_func (self->phases, interval_clear);
  self->markers = g_array_new (FALSE, FALSE, sizeof (VigilTimelineMarker));
  g_array_set_clear_func (self->markers, marker_clear);

  for (guint i = 0; i < log->len; i++)
    {
      VigilLogEntry *entry = g_ptr_array_index (log, i);
      VigilOpKind kind = vigil_op_get_kind (entry->op);
      GDateTime *at = vigil_op_get_at (entry->op);
      guint n_changes;

      if (!g_str_equal (vigil_op_get_incident_id (entry->op), id))
        continue;

      /* Never let time run backwards within one incident. */
      if (last_at != NULL && g_date_time_compare (at, last_at) < 0)
        at = last_at;
      else
        {
          g_clear_pointer (&last_at, g_date_time_unref);
          last_at = g_date_time_ref (at);
        }

      if (self->steps->len == 0)
        {
          if (kind == VIGIL_OP_INCIDENT_CREATE)
            {
              self->complete = TRUE;
              self->opened_at = g_date_time_ref (at);
              enter_step (self, VIGIL_STEP_IDENTIFY, at);
              continue;
            }
          enter_step (self, first_known_step (incident, log), at);
        }

      n_changes = entry->changes != NULL ? json_array_get_length (entry->changes) : 0;
      for (guint j = 0; j < n_changes; j++)
        {
          JsonObject *change = json_array_get_object_element (entry->changes, j);
          const char *field = change_get_string (change, "field");
          guint step;

          if (g_strcmp0 (field, "step") == 0 && change_get_int (change, "new", &step))
            enter_step (self, step, at);
          else if (g_strcmp0 (field, "approval.state") == 0 && kind == VIGIL_OP_APPROVAL_DECIDE)
            {
              const char *state = change_get_string (change, "new");

              if (g_strcmp0 (state, "approved") == 0)
                {
                  if (self->approved_at == NULL)
                    self->approved_at = g_date_time_ref (at);
                  add_marker (self, VIGIL_TIMELINE_APPROVED, at);
                }
              else if (g_strcmp0 (state, "rejected") == 0)
                add_marker (self, VIGIL_TIMELINE_REJECTED, at);
            }
        }

      if (kind == VIGIL_OP_APPROVAL_SUBMIT)
        {
          if (self->submitted_at == NULL)
            self->submitted_at = g_date_time_ref (at);
          add_marker (self, VIGIL_TIMELINE_SUBMITTED, at);
        }
    }

  if (self->opened_at == NULL)
    {
      when = vigil_incident_get_created_at (incident);
      if (when == NULL)
        when = vigil_incident_get_updated_at (incident);
      if (when == NULL && self->steps->len > 0)
        when = g_array_index (self->steps, VigilTimelineInterval, 0).start;
      if (when != NULL)
        self->opened_at = g_date_time_ref (when);
    }

  if (!self->complete)
    {
      /* What the log does not tell, the incident's own fields may. */
      if (self->steps->len == 0 && self->opened_at != NULL)
        enter_step (self, vigil_incident_get_step (incident), self->opened_at);
      if (self->submitted_at == NULL &&
          (when = vigil_incident_get_submitted_at (incident)) != NULL)
        {
          self->submitted_at = g_date_time_ref (when);
          add_marker (self, VIGIL_TIMELINE_SUBMITTED, when);
        }
      if (self->approved_at == NULL &&
          vigil_incident_get_approval_state (incident) == VIGIL_APPROVAL_APPROVED &&
          (when = vigil_incident_get_decided_at (incident)) != NULL)
        {
          self->approved_at = g_date_time_ref (when);
          add_marker (self, VIGIL_TIMELINE_APPROVED, when);
        }
    }

  if ((when = vigil_incident_get_detected_at (incident)) != NULL)
    add_marker (self, VIGIL_TIMELINE_DETECTED, when);
  if ((when = vigil_incident_get_aware_at (incident)) != NULL)
    add_marker (self, VIGIL_TIMELINE_AWARE, when);
  g_array_sort (self->markers, compare_markers);

  return self;
}

void
vigil_incident_timeline_free (VigilIncidentTimeline *timeline)
{
  if (timeline == NULL)
    return;

  g_clear_object (&timeline->incident);
  g_clear_pointer (&timeline->steps, g_array_unref);
  g_clear_pointer (&timeline->phases, g_array_unref);
  g_clear_pointer (&timeline->markers, g_array_unref);
  g_clear_pointer (&timeline->opened_at, g_date_time_unref);
  g_clear_pointer (&timeline->submitted_at, g_date_time_unref);
  g_clear_pointer (&timeline->approved_at, g_date_time_unref);
  g_clear_pointer (&timeline->remediated_at, g_date_time_unref);
  g_clear_pointer (&timeline->closed_at, g_date_time_unref);
  g_free (timeline);
}

/* Figures */

static gint
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a;
  double db = *(const double *) b;

  return (da > db) - (da < db);
}

static void
add_span (GArray    *values,
          GDateTime *from,
          GDateTime *to)
{
  double seconds;

  if (from == NULL || to == NULL)
    return;
  seconds = (double) g_date_time_difference (to, from) / G_USEC_PER_SEC;
  g_array_append_val (values, seconds);
}

static void
summarise_span (GArray           *values,
                VigilFiguresSpan *span)
{
  double sum = 0;

  span->n = values->len;
  if (values->len == 0)
    return;

  for (guint i = 0; i < values->len; i++)
    sum += g_array_index (values, double, i);
  span->mean_seconds = sum / values->len;

  g_array_sort (values, compare_doubles);
  if (values->len % 2 == 1)
    span->median_seconds = g_array_index (values, double, values->len / 2);
  else
    span->median_seconds = (g_array_index (values, double, values->len / 2 - 1) +
                            g_array_index (values, double, values->len / 2)) / 2;
}

/* Index of the week of @at in @self->weeks, or -1 when outside. */
static gint
find_week (VigilFigures *self,
           GDateTime    *at,
           GDateTime    *end)
{
  if (at == NULL || g_date_time_compare (at, self->weeks[0].start) < 0 ||
      g_date_time_compare (at, end) >= 0)
    return -1;

  for (gint i = VIGIL_FIGURES_N_WEEKS - 1; i > 0; i--)
    if (g_date_time_compare (at, self->weeks[i].start) >= 0)
      return i;

  return 0;
}

static void
init_weeks (VigilFigures *self)
{
  GTimeZone *tz = g_date_time_get_timezone (self->now);
  g_autoptr(GDateTime) day = g_date_time_new (tz, g_date_time_get_year (self->now),
                                              g_date_time_get_month (self->now),
                                              g_date_time_get_day_of_month (self->now),
                                              0, 0, 0);
  g_autoptr(GDateTime) monday = NULL;

  monday = g_date_time_add_days (day, 1 - g_date_time_get_day_of_week (day));
  for (guint i = 0; i < VIGIL_FIGURES_N_WEEKS; i++)
    {
      VigilFiguresWeek *week = &self->weeks[i];

      week->start = g_date_time_add_weeks (monday, (gint) i - (VIGIL_FIGURES_N_WEEKS - 1));
      week->iso_year = g_date_time_get_week_numbering_year (week->start);
      week->iso_week = (guint) g_date_time_get_week_of_year (week->start);
    }
}

static GArray *
new_counts (VigilChoiceList list,
            gboolean        with_none)
{
  guint n_choices = 0;
  const VigilChoice *choices = vigil_process_get_choices (list, &n_choices);
  GArray *counts = g_array_new (FALSE, TRUE, sizeof (VigilFiguresCount));

  for (guint i = 0; i < n_choices; i++)
    {
      VigilFiguresCount count = { choices[i].id, 0 };

      g_array_append_val (counts, count);
    }
  if (with_none)
    {
      VigilFiguresCount count = { NULL, 0 };

      g_array_append_val (counts, count);
    }

  return counts;
}

/* Counts @id in @counts; an id that is not listed counts under the %NULL
 * entry when there is one. */
static void
count_choice (GArray     *counts,
              const char *id)
{
  for (guint i = 0; i < counts->len; i++)
    {
      VigilFiguresCount *count = &g_array_index (counts, VigilFiguresCount, i);

      if (g_strcmp0 (count->id, id) == 0)
        {
          count->open++;
          return;
        }
    }
  for (guint i = 0; i < counts->len; i++)
    {
      VigilFiguresCount *count = &g_array_index (counts, VigilFiguresCount, i);

      if (count->id == NULL)
        {
          count->open++;
          return;
        }
    }
}

static void
figures_report_clear (gpointer data)
{
  VigilFiguresReport *report = data;

  g_clear_object (&report->incident);
  g_clear_pointer (&report->due, g_date_time_unref);
  g_clear_pointer (&report->submitted_at, g_date_time_unref);
}

/* The incident's DORA report deadlines into the figures' list and counts. */
static void
count_reports (VigilFigures  *self,
               VigilIncident *incident)
{
  g_autoptr(GArray) deadlines = NULL;
  gboolean running = FALSE;

  deadlines = vigil_figures_list_report_deadlines (incident, NULL, NULL, self->now);
  for (guint i = 0; i < deadlines->len; i++)
    {
      VigilReportDeadline *deadline = &g_array_index (deadlines, VigilReportDeadline, i);
      VigilFiguresReport report = {
        g_object_ref (incident), deadline->kind, deadline->state,
        g_date_time_ref (deadline->due),
        deadline->submitted_at ? g_date_time_ref (deadline->submitted_at) : NULL,
      };

      running |= report.submitted_at == NULL;
      self->n_overdue += vigil_figures_report_is_overdue (&report);
      self->n_late += vigil_figures_report_is_late (&report);
      g_array_append_val (self->reports, report);
    }

  if (!vigil_incident_is_archived (incident) && vigil_incident_get_dora_major (incident))
    {
      g_ptr_array_add (self->majors, g_object_ref (incident));
      self->n_majors_running += running;
    }
}

VigilFigures *
vigil_figures_compute (GPtrArray *incidents,
                       GPtrArray *log,
                       GDateTime *now)
{
  VigilFigures *self;
  g_autoptr(GHashTable) logs = NULL;
  g_autoptr(GPtrArray) no_entries = g_ptr_array_new ();
  GArray *values[VIGIL_N_SPANS] = { NULL, };
  g_autoptr(GDateTime) weeks_end = NULL;

  g_return_val_if_fail (incidents != NULL, NULL);
  g_return_val_if_fail (log != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  self = g_new0 (VigilFigures, 1);
  self->now = g_date_time_ref (now);
  self->per_severity = new_counts (VIGIL_CHOICES_SEVERITY, TRUE);
  self->per_type = new_counts (VIGIL_CHOICES_INCIDENT_TYPE, FALSE);
  self->timelines = g_ptr_array_new_full (incidents->len,
                                          (GDestroyNotify) vigil_incident_timeline_free);
  self->majors = g_ptr_array_new_with_free_func (g_object_unref);
  self->reports = g_array_new (FALSE, TRUE, sizeof (VigilFiguresReport));
  g_array_set_clear_func (self->reports, figures_report_clear);
  init_weeks (self);
  weeks_end = g_date_time_add_weeks (self->weeks[VIGIL_FIGURES_N_WEEKS - 1].start, 1);
  for (guint k = 0; k < VIGIL_N_SPANS; k++)
    values[k] = g_array_sized_new (FALSE, FALSE, sizeof (double), incidents->len);

  /* One pass over the log, so that each timeline reads only its entries. */
  logs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < log->len; i++)
    {
      VigilLogEntry *entry = g_ptr_array_index (log, i);
      const char *id = vigil_op_get_incident_id (entry->op);
      GPtrArray *entries = g_hash_table_lookup (logs, id);

      if (entries == NULL)
        {
          entries = g_ptr_array_new ();
          g_hash_table_insert (logs, (gpointer) id, entries);
        }
      g_ptr_array_add (entries, entry);
    }

  for (guint i = 0; i < incidents->len; i++)
    {
      VigilIncident *incident = g_ptr_array_index (incidents, i);
      GPtrArray *entries = g_hash_table_lookup (logs, vigil_incident_get_id (incident));
      VigilIncidentTimeline *timeline;
      GDateTime *aware_at = vigil_incident_get_aware_at (incident);
      gint week;

      timeline = vigil_incident_timeline_new (incident, entries ? entries : no_entries);
      g_ptr_array_add (self->timelines, timeline);
      self->n_incidents++;

      if (!vigil_incident_is_archived (incident))
        {
          self->n_open++;
          self->open_per_step[vigil_incident_get_step (incident)]++;
          count_choice (self->per_severity, vigil_incident_get_severity (incident));
          count_choice (self->per_type, vigil_incident_get_incident_type (incident));
        }

      add_span (values[VIGIL_SPAN_DETECTION_TO_AWARENESS],
                vigil_incident_get_detected_at (incident), aware_at);
      add_span (values[VIGIL_SPAN_AWARENESS_TO_APPROVAL], aware_at, timeline->approved_at);
      add_span (values[VIGIL_SPAN_AWARENESS_TO_REMEDIATED], aware_at, timeline->remediated_at);
      add_span (values[VIGIL_SPAN_OPENED_TO_CLOSED], timeline->opened_at, timeline->closed_at);

      if ((week = find_week (self, timeline->opened_at, weeks_end)) >= 0)
        self->weeks[week].opened++;
      if ((week = find_week (self, timeline->closed_at, weeks_end)) >= 0)
        self->weeks[week].closed++;
      count_reports (self, incident);
    }

  for (guint k = 0; k < VIGIL_N_SPANS; k++)
    {
      summarise_span (values[k], &self->spans[k]);
      g_array_unref (values[k]);
    }

  return self;
}

VigilFigures *
vigil_figures_compute_from_store (VigilStore  *store,
                                  GDateTime   *now,
                                  GError     **error)
{
  g_autoptr(GPtrArray) incidents = NULL;
  g_autoptr(GPtrArray) log = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (store), NULL);
  g_return_val_if_fail (now != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(incidents = vigil_store_list_incidents (store, error)) ||
      !(log = vigil_store_list_log (store, NULL, error)))
    {
      g_prefix_error (error, _("Could not read the incidents for the figures: "));
      return NULL;
    }

  return vigil_figures_compute (incidents, log, now);
}

typedef struct {
  VigilStore *store;
  GDateTime  *now;
} ComputeData;

static void
compute_data_free (ComputeData *data)
{
  g_clear_object (&data->store);
  g_clear_pointer (&data->now, g_date_time_unref);
  g_free (data);
}

static void
compute_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ComputeData *data = task_data;
  GError *error = NULL;
  VigilFigures *figures;

  if (g_task_return_error_if_cancelled (task))
    return;
  figures = vigil_figures_compute_from_store (data->store, data->now, &error);
  if (figures != NULL)
    g_task_return_pointer (task, figures, (GDestroyNotify) vigil_figures_free);
  else
    g_task_return_error (task, error);
}

void
vigil_figures_compute_async (VigilStore          *store,
                             GDateTime           *now,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ComputeData *data;

  g_return_if_fail (VIGIL_IS_STORE (store));
  g_return_if_fail (now != NULL);

  data = g_new0 (ComputeData, 1);
  data->store = g_object_ref (store);
  data->now = g_date_time_ref (now);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_figures_compute_async);
  g_task_set_task_data (task, data, (GDestroyNotify) compute_data_free);
  g_task_run_in_thread (task, compute_thread);
}

VigilFigures *
vigil_figures_compute_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
vigil_figures_free (VigilFigures *figures)
{
  if (figures == NULL)
    return;

  g_clear_pointer (&figures->now, g_date_time_unref);
  g_clear_pointer (&figures->per_severity, g_array_unref);
  g_clear_pointer (&figures->per_type, g_array_unref);
  for (guint i = 0; i < VIGIL_FIGURES_N_WEEKS; i++)
    g_clear_pointer (&figures->weeks[i].start, g_date_time_unref);
  g_clear_pointer (&figures->timelines, g_ptr_array_unref);
  g_clear_pointer (&figures->majors, g_ptr_array_unref);
  g_clear_pointer (&figures->reports, g_array_unref);
  g_free (figures);
}

/* CSV (RFC 4180) */

static void
csv_field (GString    *csv,
           const char *value,
           gboolean    first)
{
  if (!first)
    g_string_append_c (csv, ',');
  if (value == NULL)
    return;

  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (csv, value);
      return;
    }

  g_string_append_c (csv, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  g_string_append_c (csv, '"');
}

static void
csv_uint (GString  *csv,
          guint     value,
          gboolean  first)
{
  char text[16];

  g_snprintf (text, sizeof text, "%u", value);
  csv_field (csv, text, first);
}

static void
csv_double (GString    *csv,
            const char *format,
            double      value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  csv_field (csv, g_ascii_formatd (text, sizeof text, format, value), FALSE);
}

static void
csv_time (GString   *csv,
          GDateTime *when)
{
  g_autofree char *text = when != NULL ? vigil_time_to_iso (when) : NULL;

  csv_field (csv, text, FALSE);
}

static void
csv_row_end (GString *csv)
{
  g_string_append (csv, "\r\n");
}

static void
csv_header (GString    *csv,
            const char *first,
            ...)
{
  va_list args;
  const char *name;

  va_start (args, first);
  csv_field (csv, first, TRUE);
  while ((name = va_arg (args, const char *)) != NULL)
    csv_field (csv, name, FALSE);
  va_end (args);
  csv_row_end (csv);
}

static void
csv_counts (GString         *csv,
            GArray          *counts,
            VigilChoiceList  list)
{
  for (guint i = 0; i < counts->len; i++)
    {
      VigilFiguresCount *count = &g_array_index (counts, VigilFiguresCount, i);

      csv_field (csv, count->id, TRUE);
      csv_field (csv, count->id != NULL ? vigil_process_get_choice_label (list, count->id)
                                        : _("Not assessed"), FALSE);
      csv_uint (csv, count->open, FALSE);
      csv_row_end (csv);
    }
}

char *
vigil_figures_to_csv (VigilFigures      *figures,
                      VigilFiguresTable  table)
{
  GString *csv;

  g_return_val_if_fail (figures != NULL, NULL);
  g_return_val_if_fail (table < VIGIL_N_FIGURES_TABLES, NULL);

  csv = g_string_new (NULL);
  switch (table)
    {
    case VIGIL_FIGURES_TABLE_STEPS:
      csv_header (csv, "step", "name", "phase", "open", NULL);
      for (guint step = 1; step <= VIGIL_N_STEPS; step++)
        {
          const VigilStepInfo *info = vigil_process_get_step (step);

          csv_uint (csv, step, TRUE);
          csv_field (csv, vigil_step_get_name (info), FALSE);
          csv_field (csv, vigil_phase_get_name (info->phase), FALSE);
          csv_uint (csv, figures->open_per_step[step], FALSE);
          csv_row_end (csv);
        }
      break;

    case VIGIL_FIGURES_TABLE_SEVERITY:
      csv_header (csv, "severity", "label", "open", NULL);
      csv_counts (csv, figures->per_severity, VIGIL_CHOICES_SEVERITY);
      break;

    case VIGIL_FIGURES_TABLE_TYPE:
      csv_header (csv, "type", "label", "open", NULL);
      csv_counts (csv, figures->per_type, VIGIL_CHOICES_INCIDENT_TYPE);
      break;

    case VIGIL_FIGURES_TABLE_TIMES:
      csv_header (csv, "measure", "label", "incidents", "mean_seconds", "median_seconds",
                  "mean_hours", "median_hours", NULL);
      for (guint k = 0; k < VIGIL_N_SPANS; k++)
        {
          const VigilFiguresSpan *span = &figures->spans[k];

          csv_field (csv, vigil_figures_span_get_id (k), TRUE);
          csv_field (csv, vigil_figures_span_get_label (k), FALSE);
          csv_uint (csv, span->n, FALSE);
          if (span->n == 0)
            {
              /* No value is not a zero duration. */
              for (guint i = 0; i < 4; i++)
                csv_field (csv, NULL, FALSE);
            }
          else
            {
              csv_double (csv, "%.0f", span->mean_seconds);
              csv_double (csv, "%.0f", span->median_seconds);
              csv_double (csv, "%.2f", span->mean_seconds / 3600);
              csv_double (csv, "%.2f", span->median_seconds / 3600);
            }
          csv_row_end (csv);
        }
      break;

    case VIGIL_FIGURES_TABLE_WEEKS:
      csv_header (csv, "week", "starts", "opened", "closed", NULL);
      for (guint i = 0; i < VIGIL_FIGURES_N_WEEKS; i++)
        {
          const VigilFiguresWeek *week = &figures->weeks[i];
          g_autofree char *name = g_strdup_printf ("%d-W%02u", week->iso_year, week->iso_week);
          g_autofree char *starts = g_date_time_format (week->start, "%Y-%m-%d");

          csv_field (csv, name, TRUE);
          csv_field (csv, starts, FALSE);
          csv_uint (csv, week->opened, FALSE);
          csv_uint (csv, week->closed, FALSE);
          csv_row_end (csv);
        }
      break;

    case VIGIL_FIGURES_TABLE_INCIDENTS:
      csv_header (csv, "reference", "title", "type", "severity", "step", "phase",
                  "opened_at", "detected_at", "aware_at", "submitted_at", "approved_at",
                  "remediated_at", "closed_at", NULL);
      for (guint i = 0; i < figures->timelines->len; i++)
        {
          VigilIncidentTimeline *timeline = g_ptr_array_index (figures->timelines, i);
          VigilIncident *incident = timeline->incident;
          guint step = vigil_incident_get_step (incident);

          csv_field (csv, vigil_incident_get_reference (incident), TRUE);
          csv_field (csv, vigil_incident_get_title (incident), FALSE);
          csv_field (csv, vigil_incident_get_incident_type (incident), FALSE);
          csv_field (csv, vigil_incident_get_severity (incident), FALSE);
          csv_uint (csv, step, FALSE);
          csv_field (csv, vigil_phase_get_id (vigil_process_get_phase (step)), FALSE);
          csv_time (csv, timeline->opened_at);
          csv_time (csv, vigil_incident_get_detected_at (incident));
          csv_time (csv, vigil_incident_get_aware_at (incident));
          csv_time (csv, timeline->submitted_at);
          csv_time (csv, timeline->approved_at);
          csv_time (csv, timeline->remediated_at);
          csv_time (csv, timeline->closed_at);
          csv_row_end (csv);
        }
      break;

    case VIGIL_FIGURES_TABLE_DORA:
      {
        const struct {
          const char *id;
          const char *label;
          guint       count;
        } rows[] = {
          { "majors", _("Open incidents classified major"), figures->majors->len },
          { "majors-deadline-running", _("Of them, with a report deadline running"),
            figures->n_majors_running },
          { "overdue-reports", _("Reports overdue (not submitted, limit passed)"),
            figures->n_overdue },
          { "late-reports", _("Reports submitted late"), figures->n_late },
        };

        csv_header (csv, "measure", "label", "count", NULL);
        for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
          {
            csv_field (csv, rows[i].id, TRUE);
            csv_field (csv, rows[i].label, FALSE);
            csv_uint (csv, rows[i].count, FALSE);
            csv_row_end (csv);
          }
      }
      break;

    case VIGIL_FIGURES_TABLE_REPORTS:
      csv_header (csv, "reference", "title", "report", "state", "overdue", "late", "due",
                  "submitted_at", NULL);
      for (guint i = 0; i < figures->reports->len; i++)
        {
          const VigilFiguresReport *report = &g_array_index (figures->reports,
                                                             VigilFiguresReport, i);

          csv_field (csv, vigil_incident_get_reference (report->incident), TRUE);
          csv_field (csv, vigil_incident_get_title (report->incident), FALSE);
          csv_field (csv, vigil_figures_report_kind_to_string (report->kind), FALSE);
          csv_field (csv, vigil_deadline_state_to_string (report->state), FALSE);
          csv_uint (csv, vigil_figures_report_is_overdue (report), FALSE);
          csv_uint (csv, vigil_figures_report_is_late (report), FALSE);
          csv_time (csv, report->due);
          csv_time (csv, report->submitted_at);
          csv_row_end (csv);
        }
      break;

    case VIGIL_N_FIGURES_TABLES:
    default:
      g_assert_not_reached ();
    }

  return g_string_free (csv, FALSE);
}

/* DORA report deadlines */

const char *
vigil_deadline_state_to_string (VigilDeadlineState state)
{
  static const char * const ids[] = { "pending", "met", "missed" };

  g_return_val_if_fail (state <= VIGIL_DEADLINE_MISSED, NULL);
  return ids[state];
}

const char *
vigil_deadline_state_get_label (VigilDeadlineState state)
{
  static const char * const labels[] = { N_("pending"), N_("met"), N_("missed") };

  g_return_val_if_fail (state <= VIGIL_DEADLINE_MISSED, NULL);
  return _(labels[state]);
}

VigilDeadlineState
vigil_deadline_state_at (GDateTime *due,
                         GDateTime *submitted_at,
                         GDateTime *now)
{
  g_return_val_if_fail (due != NULL, VIGIL_DEADLINE_PENDING);
  g_return_val_if_fail (now != NULL, VIGIL_DEADLINE_PENDING);

  if (submitted_at != NULL)
    return g_date_time_compare (submitted_at, due) <= 0 ? VIGIL_DEADLINE_MET
                                                        : VIGIL_DEADLINE_MISSED;
  return g_date_time_compare (now, due) <= 0 ? VIGIL_DEADLINE_PENDING : VIGIL_DEADLINE_MISSED;
}

const char *
vigil_figures_report_kind_to_string (VigilDoraReportKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (report_kinds), NULL);
  return report_kinds[kind].id;
}

const char *
vigil_figures_report_kind_get_label (VigilDoraReportKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (report_kinds), NULL);
  return _(report_kinds[kind].label);
}

gboolean
vigil_figures_report_is_overdue (const VigilFiguresReport *report)
{
  g_return_val_if_fail (report != NULL, FALSE);
  return report->submitted_at == NULL && report->state == VIGIL_DEADLINE_MISSED;
}

gboolean
vigil_figures_report_is_late (const VigilFiguresReport *report)
{
  g_return_val_if_fail (report != NULL, FALSE);
  return report->submitted_at != NULL && report->state == VIGIL_DEADLINE_MISSED;
}

static void
report_deadline_clear (gpointer data)
{
  VigilReportDeadline *deadline = data;

  g_clear_pointer (&deadline->due, g_date_time_unref);
  g_clear_pointer (&deadline->submitted_at, g_date_time_unref);
}

/* The first submission of each kind of report, and the latest intermediate
 * one (the final report's clock runs from it). */
static void
read_report_times (JsonObject  *dora,
                   GDateTime  **first,
                   GDateTime  **last_intermediate)
{
  static const char * const kinds[] = { "initial", "intermediate", "final" };
  JsonNode *node = json_object_get_member (dora, "reports");
  JsonArray *reports;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  reports = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (reports); i++)
    {
      JsonNode *element = json_array_get_element (reports, i);
      JsonObject *report;
      g_autoptr(GDateTime) at = NULL;
      const char *kind;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      report = json_node_get_object (element);
      kind = json_object_get_string_member_with_default (report, "report", "");
      at = vigil_time_from_iso (json_object_get_string_member_with_default (report, "at", ""));
      if (at == NULL)
        continue;
      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        {
          if (!g_str_equal (kind, kinds[k]))
            continue;
          if (first[k] == NULL || g_date_time_compare (at, first[k]) < 0)
            {
              g_clear_pointer (&first[k], g_date_time_unref);
              first[k] = g_date_time_ref (at);
            }
          if (k == VIGIL_DORA_REPORT_INTERMEDIATE &&
              (*last_intermediate == NULL || g_date_time_compare (at, *last_intermediate) > 0))
            {
              g_clear_pointer (last_intermediate, g_date_time_unref);
              *last_intermediate = g_date_time_ref (at);
            }
        }
    }
}

GArray *
vigil_figures_list_report_deadlines (VigilIncident         *incident,
                                     const VigilDoraEntity *entity,
                                     VigilCalendar         *calendar,
                                     GDateTime             *now)
{
  GArray *result = g_array_new (FALSE, TRUE, sizeof (VigilReportDeadline));
  g_autoptr(VigilDoraProfile) profile = NULL;
  g_autoptr(GDateTime) classified_at = NULL;
  g_autoptr(GDateTime) last_intermediate = NULL;
  g_autoptr(GPtrArray) running = NULL;
  GDateTime *first[3] = { NULL, NULL, NULL };
  JsonObject *dora;

  g_return_val_if_fail (VIGIL_IS_INCIDENT (incident), result);
  g_return_val_if_fail (now != NULL, result);

  g_array_set_clear_func (result, report_deadline_clear);
  dora = vigil_incident_get_dora (incident);
  classified_at = vigil_incident_dup_dora_classified_at (incident);
  /* Never found major: no report is owed, and the reminder of an
   * unclassified incident is the incident page's, not a deadline. */
  if (dora == NULL || classified_at == NULL || vigil_incident_get_aware_at (incident) == NULL)
    return result;

  profile = vigil_dora_profile_resolve (&entity, &calendar);
  read_report_times (dora, first, &last_intermediate);
  running = vigil_incident_compute_dora_deadlines (incident, entity, calendar);

  for (guint k = VIGIL_DORA_REPORT_INITIAL; k <= VIGIL_DORA_REPORT_FINAL; k++)
    {
      VigilReportDeadline item = { k, VIGIL_DEADLINE_PENDING, NULL, NULL };

      if (first[k] != NULL)
        {
          /* The limit as it stood: from the reports before this one. */
          VigilDoraReportTimes times = { 0 };
          g_autoptr(VigilDoraDeadline) deadline = NULL;

          times.aware_at = vigil_incident_get_aware_at (incident);
          times.classified_at = classified_at;
          if (k > VIGIL_DORA_REPORT_INITIAL)
            times.initial_submitted_at = first[VIGIL_DORA_REPORT_INITIAL];
          if (k > VIGIL_DORA_REPORT_INTERMEDIATE)
            times.last_intermediate_submitted_at = last_intermediate;
          deadline = vigil_dora_deadline_compute (k, &times, entity, calendar);
          if (deadline == NULL)
            continue;
          item.due = g_date_time_ref (deadline->relieved_due);
          item.submitted_at = g_date_time_ref (first[k]);
        }
      else
        {
          for (guint i = 0; i < running->len; i++)
            {
              VigilDoraDeadline *deadline = g_ptr_array_index (running, i);

              if (deadline->kind == k)
                item.due = g_date_time_ref (deadline->relieved_due);
            }
          if (item.due == NULL)
            continue;
        }
      item.state = vigil_deadline_state_at (item.due, item.submitted_at, now);
      g_array_append_val (result, item);
    }

  for (guint k = 0; k < G_N_ELEMENTS (first); k++)
    g_clear_pointer (&first[k], g_date_time_unref);
  return result;
}
