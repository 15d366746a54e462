/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "vigil-dora.h"
#include "vigil-incident.h"

G_BEGIN_DECLS

/* How long before the promised next update to stakeholders, and before a
 * DORA report deadline, the user is reminded. */
#define VIGIL_REMINDER_UPDATE_AHEAD (15 * G_TIME_SPAN_MINUTE)
#define VIGIL_REMINDER_REPORT_AHEAD (1 * G_TIME_SPAN_HOUR)

/**
 * VigilReminderKind:
 * @VIGIL_REMINDER_UPDATE_SOON: the next update promised in step 10 is due
 *   in %VIGIL_REMINDER_UPDATE_AHEAD
 * @VIGIL_REMINDER_UPDATE_DUE: the next update promised in step 10 is due
 * @VIGIL_REMINDER_REPORT_SOON: a DORA report is due in
 *   %VIGIL_REMINDER_REPORT_AHEAD (the relieved limit)
 */
typedef enum {
  VIGIL_REMINDER_UPDATE_SOON,
  VIGIL_REMINDER_UPDATE_DUE,
  VIGIL_REMINDER_REPORT_SOON,
} VigilReminderKind;

/**
 * VigilReminder:
 * @key: the same for the same reminder however often it is computed (the
 *   incident, the kind, the report and the time due): a reminder given
 *   once is recognised by it
 * @incident_id: the incident
 * @kind: what it is about
 * @report: for %VIGIL_REMINDER_REPORT_SOON: which report
 * @remind_at: when to remind (UTC)
 * @due: when the thing itself is due (UTC)
 */
typedef struct {
  char                *key;
  char                *incident_id;
  VigilReminderKind    kind;
  VigilDoraReportKind  report;
  GDateTime           *remind_at;
  GDateTime           *due;
} VigilReminder;

void           vigil_reminder_free (VigilReminder *reminder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilReminder, vigil_reminder_free)

/**
 * vigil_incident_get_promised_update:
 *
 * The notification sent last that promised a next update, as a time: what
 * the stakeholders now wait for. Among notifications without a sending
 * time, the later entry counts as the later one.
 *
 * Returns: (transfer none) (nullable): the notification item
 */
JsonObject    *vigil_incident_get_promised_update (VigilIncident *incident);

/**
 * vigil_incident_list_reminders:
 * @now: the time to measure against (a test passes its own)
 *
 * What the user is to be reminded of for @incident: the promised next
 * update 15 minutes before and when due, and each DORA report whose
 * deadline runs (the incident was classified major) one hour before its
 * relieved limit. A reminder is listed while what it announces lies ahead
 * (a "due" reminder: until its moment), so one whose moment has just
 * passed is listed with @remind_at before @now, to be given at once.
 * Archived incidents have none.
 *
 * Returns: (transfer full) (element-type VigilReminder): sorted by
 *   @remind_at
 */
GPtrArray     *vigil_incident_list_reminders (VigilIncident *incident,
                                              GDateTime     *now);

G_END_DECLS
