/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vigil-incident.h"
#include "vigil-process.h"
#include "vigil-store.h"

G_BEGIN_DECLS

/**
 * VigilTimelineInterval:
 * @step: the step (1 to %VIGIL_N_STEPS) of a step interval; 0 in a phase
 *   interval
 * @phase: the phase of the interval (of its step, for a step interval)
 * @start: when the incident entered it
 * @end: (nullable): when it left it; %NULL while the incident is still there
 *
 * A stretch of time an incident spent in one step or in one phase.
 */
typedef struct {
  guint       step;
  VigilPhase  phase;
  GDateTime  *start;
  GDateTime  *end;
} VigilTimelineInterval;

/**
 * VigilTimelineMarkerKind:
 * @VIGIL_TIMELINE_DETECTED: the incident's detection time
 * @VIGIL_TIMELINE_AWARE: the time the organisation became aware of it
 * @VIGIL_TIMELINE_SUBMITTED: steps 1 to 7 went to the lead (one marker per
 *   submission)
 * @VIGIL_TIMELINE_REJECTED: the lead rejected a submission
 * @VIGIL_TIMELINE_APPROVED: the lead approved the submission
 * @VIGIL_TIMELINE_REMEDIATED: the incident first entered step 12 or a later
 *   one (the response is over and the learning begins)
 * @VIGIL_TIMELINE_ARCHIVED: the incident entered step 15 and was closed
 */
typedef enum {
  VIGIL_TIMELINE_DETECTED,
  VIGIL_TIMELINE_AWARE,
  VIGIL_TIMELINE_SUBMITTED,
  VIGIL_TIMELINE_REJECTED,
  VIGIL_TIMELINE_APPROVED,
  VIGIL_TIMELINE_REMEDIATED,
  VIGIL_TIMELINE_ARCHIVED,
} VigilTimelineMarkerKind;

/* A stable id for @kind, e.g. "approved". */
const char *vigil_timeline_marker_kind_to_string (VigilTimelineMarkerKind kind);

/**
 * VigilTimelineMarker:
 * @kind: what happened
 * @at: when
 */
typedef struct {
  VigilTimelineMarkerKind  kind;
  GDateTime               *at;
} VigilTimelineMarker;

/**
 * VigilIncidentTimeline:
 * @incident: the incident as it stands
 * @steps: (element-type VigilTimelineInterval): the steps the incident went
 *   through, in the order of its log; a step entered twice (after a
 *   rejection, or moving back) has two intervals. The last one is open.
 * @phases: (element-type VigilTimelineInterval): the same, merged per phase:
 *   a move within a phase does not start a new phase interval
 * @markers: (element-type VigilTimelineMarker): the events of the incident,
 *   ordered by time
 * @opened_at: when the incident was recorded (its incident.create)
 * @submitted_at: (nullable): the first submission for approval
 * @approved_at: (nullable): the approval
 * @remediated_at: (nullable): first entry into step 12 or later
 * @closed_at: (nullable): entry into step 15 (archived)
 * @complete: %FALSE when the log did not start with the incident's creation
 *   (a replica that took the incident as it stood): the first interval then
 *   starts at the first operation the log holds
 *
 * When an incident was in which step and phase, computed from its
 * operation log: each "step" change of an operation ends one interval and
 * starts the next at the operation's time. The last interval stays open
 * (@end %NULL), also for an archived incident: it is in step 15 for good.
 * An operation whose time lies before the previous one (a clock that was
 * wrong offline) starts its interval at the previous time, so that no
 * interval ends before it starts.
 */
typedef struct {
  VigilIncident *incident;
  GArray        *steps;
  GArray        *phases;
  GArray        *markers;
  GDateTime     *opened_at;
  GDateTime     *submitted_at;
  GDateTime     *approved_at;
  GDateTime     *remediated_at;
  GDateTime     *closed_at;
  gboolean       complete;
} VigilIncidentTimeline;

/**
 * vigil_incident_timeline_new:
 * @incident: the incident
 * @log: (element-type VigilLogEntry): its log entries in order, as
 *   vigil_store_list_log() returns them; entries of other incidents are
 *   skipped
 *
 * Returns: (transfer full): the incident's timeline
 */
VigilIncidentTimeline *vigil_incident_timeline_new  (VigilIncident          *incident,
                                                     GPtrArray              *log);
void                   vigil_incident_timeline_free (VigilIncidentTimeline  *timeline);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilIncidentTimeline, vigil_incident_timeline_free)

/**
 * VigilFiguresCount:
 * @id: a choice id (severity or incident type), or %NULL for "not assessed"
 * @open: how many open incidents have it
 */
typedef struct {
  const char *id;
  guint       open;
} VigilFiguresCount;

/**
 * VigilFiguresSpan:
 * @n: how many incidents have both ends of the span
 * @mean_seconds: the mean, 0 when @n is 0
 * @median_seconds: the median (the mean of the two middle values when @n is
 *   even), 0 when @n is 0
 */
typedef struct {
  guint  n;
  double mean_seconds;
  double median_seconds;
} VigilFiguresSpan;

/**
 * VigilFiguresSpanKind:
 * @VIGIL_SPAN_DETECTION_TO_AWARENESS: detection time to awareness time
 * @VIGIL_SPAN_AWARENESS_TO_APPROVAL: awareness to the lead's approval
 * @VIGIL_SPAN_AWARENESS_TO_REMEDIATED: awareness to the first entry into
 *   step 12 or later: the response (steps 9 to 11) is done
 * @VIGIL_SPAN_OPENED_TO_CLOSED: creation of the incident to its archiving
 */
typedef enum {
  VIGIL_SPAN_DETECTION_TO_AWARENESS,
  VIGIL_SPAN_AWARENESS_TO_APPROVAL,
  VIGIL_SPAN_AWARENESS_TO_REMEDIATED,
  VIGIL_SPAN_OPENED_TO_CLOSED,
  VIGIL_N_SPANS
} VigilFiguresSpanKind;

const char *vigil_figures_span_get_id    (VigilFiguresSpanKind kind);
/* Translated. */
const char *vigil_figures_span_get_label (VigilFiguresSpanKind kind);

#define VIGIL_FIGURES_N_WEEKS 12

/**
 * VigilFiguresWeek:
 * @start: Monday 00:00 of the week, in the time zone of the figures' "now"
 * @iso_year: the ISO 8601 week-numbering year
 * @iso_week: the ISO 8601 week, 1 to 53
 * @opened: incidents created in the week
 * @closed: incidents archived in the week
 */
typedef struct {
  GDateTime *start;
  gint       iso_year;
  guint      iso_week;
  guint      opened;
  guint      closed;
} VigilFiguresWeek;

typedef struct _VigilFiguresReport VigilFiguresReport;

/**
 * VigilFigures:
 * @now: the time the figures were computed for
 * @n_incidents: all incidents counted
 * @n_open: incidents not archived
 * @open_per_step: open incidents per step, indexed by the step number
 *   (index 0 unused; step 15 is always 0, since archived means closed)
 * @per_severity: (element-type VigilFiguresCount): open incidents per
 *   severity, in the order of the severity list, then "not assessed" (id
 *   %NULL)
 * @per_type: (element-type VigilFiguresCount): open incidents per incident
 *   type, in the order of the type list
 * @spans: mean and median times, over open and closed incidents alike
 * @weeks: the last %VIGIL_FIGURES_N_WEEKS ISO weeks, oldest first, the
 *   week of @now last
 * @timelines: (element-type VigilIncidentTimeline): one per incident, in
 *   the order of the incidents given
 * @majors: (element-type VigilIncident): the open incidents whose latest
 *   DORA classification found them major, in the order of the incidents
 *   given
 * @n_majors_running: how many of @majors have a report deadline running:
 *   a report owed and not submitted yet, whether its limit has passed or
 *   not
 * @reports: (element-type VigilFiguresReport): every DORA report deadline
 *   of every incident, open or archived (closing an incident does not
 *   discharge a report), as vigil_figures_list_report_deadlines() lists
 *   them, in the order of the incidents given
 * @n_overdue: deadlines in @reports running past their limit: the report
 *   is not submitted and its limit has passed
 * @n_late: reports in @reports submitted after their limit
 *
 * The manager's dashboard figures over a set of incidents. DORA deadlines
 * are those of the default entity profile without bank holidays, as on the
 * timeline.
 */
typedef struct {
  GDateTime        *now;
  guint             n_incidents;
  guint             n_open;
  guint             open_per_step[VIGIL_N_STEPS + 1];
  GArray           *per_severity;
  GArray           *per_type;
  VigilFiguresSpan  spans[VIGIL_N_SPANS];
  VigilFiguresWeek  weeks[VIGIL_FIGURES_N_WEEKS];
  GPtrArray        *timelines;
  GPtrArray        *majors;
  guint             n_majors_running;
  GArray           *reports;
  guint             n_overdue;
  guint             n_late;
} VigilFigures;

/**
 * vigil_figures_compute:
 * @incidents: (element-type VigilIncident): the incidents
 * @log: (element-type VigilLogEntry): the log entries of these incidents in
 *   order (entries of other incidents are skipped)
 * @now: the present; its time zone sets where the weeks begin
 *
 * Returns: (transfer full): the figures
 */
VigilFigures *vigil_figures_compute         (GPtrArray            *incidents,
                                             GPtrArray            *log,
                                             GDateTime            *now);
/* Reads every incident and the whole log of @store; slow: use the async
 * variant from a main loop. */
VigilFigures *vigil_figures_compute_from_store (VigilStore         *store,
                                                GDateTime          *now,
                                                GError            **error);
void          vigil_figures_compute_async   (VigilStore           *store,
                                             GDateTime            *now,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
VigilFigures *vigil_figures_compute_finish  (GAsyncResult         *result,
                                             GError              **error);
void          vigil_figures_free            (VigilFigures         *figures);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilFigures, vigil_figures_free)

/**
 * VigilFiguresTable:
 * @VIGIL_FIGURES_TABLE_STEPS: step, name, phase, open
 * @VIGIL_FIGURES_TABLE_SEVERITY: severity, label, open
 * @VIGIL_FIGURES_TABLE_TYPE: type, label, open
 * @VIGIL_FIGURES_TABLE_TIMES: measure, label, incidents, mean_seconds,
 *   median_seconds, mean_hours, median_hours
 * @VIGIL_FIGURES_TABLE_WEEKS: week ("2025-W09"), starts (date), opened,
 *   closed
 * @VIGIL_FIGURES_TABLE_INCIDENTS: one row per incident: reference, title,
 *   type, severity, step, phase, and the times opened, detected, aware,
 *   submitted, approved, remediated, closed
 * @VIGIL_FIGURES_TABLE_DORA: measure, label, count: the open major
 *   incidents ("majors"), those of them with a report deadline running
 *   ("majors-deadline-running"), the overdue reports ("overdue-reports")
 *   and the reports submitted late ("late-reports")
 * @VIGIL_FIGURES_TABLE_REPORTS: one row per DORA report deadline:
 *   reference, title, report ("initial", "intermediate", "final"), state
 *   ("pending", "met", "missed"), overdue and late (1 or 0), due,
 *   submitted_at
 *
 * The tables of the figures. Each exports as a CSV document of its own, so
 * that every file has one header and the same number of fields in every
 * row (vigil_figures_to_csv()).
 */
typedef enum {
  VIGIL_FIGURES_TABLE_STEPS,
  VIGIL_FIGURES_TABLE_SEVERITY,
  VIGIL_FIGURES_TABLE_TYPE,
  VIGIL_FIGURES_TABLE_TIMES,
  VIGIL_FIGURES_TABLE_WEEKS,
  VIGIL_FIGURES_TABLE_INCIDENTS,
  VIGIL_FIGURES_TABLE_DORA,
  VIGIL_FIGURES_TABLE_REPORTS,
  VIGIL_N_FIGURES_TABLES
} VigilFiguresTable;

/* A name for the table's file, e.g. "steps" for "figures-steps.csv". */
const char *vigil_figures_table_get_id (VigilFiguresTable table);

/**
 * vigil_figures_to_csv:
 * @table: which table
 *
 * One table as CSV after RFC 4180: a header row of fixed English column
 * names (for scripts), then one record per row; fields holding a comma, a
 * double quote, CR or LF are quoted, with quotes doubled; every record ends
 * with CRLF. Labels (step, phase, choice names) are translated; times are
 * ISO 8601 in UTC, durations plain numbers with a dot, an empty field where
 * there is no value.
 *
 * Returns: (transfer full): the CSV text, UTF-8
 */
char       *vigil_figures_to_csv       (VigilFigures      *figures,
                                        VigilFiguresTable  table);

/**
 * VigilDeadlineState:
 * @VIGIL_DEADLINE_PENDING: not submitted, and the limit has not passed yet
 * @VIGIL_DEADLINE_MET: submitted at or before the limit
 * @VIGIL_DEADLINE_MISSED: submitted after the limit, or not submitted and
 *   the limit has passed
 *
 * Where a DORA report stands against its deadline.
 */
typedef enum {
  VIGIL_DEADLINE_PENDING,
  VIGIL_DEADLINE_MET,
  VIGIL_DEADLINE_MISSED,
} VigilDeadlineState;

/* A stable id for @state: "pending", "met" or "missed". */
const char         *vigil_deadline_state_to_string (VigilDeadlineState state);
/* Translated, e.g. "met". */
const char         *vigil_deadline_state_get_label (VigilDeadlineState state);

/**
 * vigil_deadline_state_at:
 * @due: the limit
 * @submitted_at: (nullable): when the report was submitted, %NULL when not
 *   yet
 * @now: the present
 *
 * A report submitted at @due itself is on time, and one not submitted is
 * missed only once @now lies after @due (as vigil_dora_due_status()). A
 * report submitted after @now (a clock that was wrong) is judged by its
 * own time.
 */
VigilDeadlineState  vigil_deadline_state_at        (GDateTime *due,
                                                    GDateTime *submitted_at,
                                                    GDateTime *now);

/**
 * VigilReportDeadline:
 * @kind: the report
 * @state: where it stands
 * @due: the limit it is judged by (the relieved limit, UTC)
 * @submitted_at: (nullable): when the report was submitted
 *
 * One DORA report deadline of an incident, with its outcome.
 */
typedef struct {
  VigilDoraReportKind  kind;
  VigilDeadlineState   state;
  GDateTime           *due;
  GDateTime           *submitted_at;
} VigilReportDeadline;

/* A stable id for @kind: "initial", "intermediate" or "final". */
const char         *vigil_figures_report_kind_to_string (VigilDoraReportKind kind);
/* Translated, e.g. "Initial report". */
const char         *vigil_figures_report_kind_get_label (VigilDoraReportKind kind);

/**
 * VigilFiguresReport:
 * @incident: the incident the report is owed for
 * @kind: the report
 * @state: where it stands
 * @due: the limit it is judged by
 * @submitted_at: (nullable): when the report was submitted
 *
 * One DORA report deadline in the figures (see #VigilReportDeadline).
 */
struct _VigilFiguresReport {
  VigilIncident       *incident;
  VigilDoraReportKind  kind;
  VigilDeadlineState   state;
  GDateTime           *due;
  GDateTime           *submitted_at;
};

/* Not submitted and past its limit. */
gboolean            vigil_figures_report_is_overdue (const VigilFiguresReport *report);
/* Submitted after its limit. */
gboolean            vigil_figures_report_is_late    (const VigilFiguresReport *report);

/**
 * vigil_figures_list_report_deadlines:
 * @incident: the incident
 * @entity: (nullable): the entity, %NULL for the workspace's profile
 *   (vigil_dora_profile_dup_default())
 * @calendar: (nullable): bank holidays, %NULL for the workspace's profile's
 * @now: the present
 *
 * The deadlines of the incident's DORA reports, submitted or not, in the
 * order initial, intermediate, final. Only an incident once classified as
 * major has any. A submitted report is judged against the limit as it
 * stood when it was submitted (computed from the reports before it, as
 * vigil_dora_deadline_compute() does); the first intermediate report
 * answers the intermediate deadline. A report not submitted has a deadline
 * as long as vigil_incident_compute_dora_deadlines() lists it: none after
 * a reclassification as non-major, none once the final report is in.
 *
 * Returns: (transfer full) (element-type VigilReportDeadline): the
 *   deadlines; the array frees its elements' times
 */
GArray             *vigil_figures_list_report_deadlines (VigilIncident         *incident,
                                                         const VigilDoraEntity *entity,
                                                         VigilCalendar         *calendar,
                                                         GDateTime             *now);

G_END_DECLS
