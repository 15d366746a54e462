/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define VIGIL_CALENDAR_ERROR (vigil_calendar_error_quark ())

/**
 * VigilCalendarError:
 * @VIGIL_CALENDAR_ERROR_PARSE: the document is not JSON or not an object
 * @VIGIL_CALENDAR_ERROR_INVALID_FIELD: a state code or a date is wrong;
 *   the message names it
 */
typedef enum {
  VIGIL_CALENDAR_ERROR_PARSE,
  VIGIL_CALENDAR_ERROR_INVALID_FIELD,
} VigilCalendarError;

GQuark vigil_calendar_error_quark (void);

/**
 * VigilCalendar:
 *
 * Working days and bank holidays per member state, keyed by the ISO 3166
 * alpha-2 code of the state ("DE", "FR", ...). Saturdays and Sundays are
 * never working days; bank holidays are data that the entity edits, since
 * they differ per state and year and some are regional.
 *
 * A new calendar has no bank holidays at all: shipping dates we cannot
 * vouch for would grant weekend relief that the law may not grant. The
 * entity enters its own state's bank holidays (vigil_calendar_add_holiday()
 * or vigil_calendar_load_json()).
 *
 * A day is a calendar date: only the year, month and day of the
 * #GDateTime given are used, in the time zone of that #GDateTime.
 */
#define VIGIL_TYPE_CALENDAR (vigil_calendar_get_type ())
G_DECLARE_FINAL_TYPE (VigilCalendar, vigil_calendar, VIGIL, CALENDAR, GObject)

VigilCalendar *vigil_calendar_new             (void);

/**
 * vigil_calendar_add_holiday:
 * @state: ISO 3166 alpha-2 code, upper case
 * @day: any time on the bank holiday
 *
 * Returns: %FALSE when @state is not a two-letter upper-case code
 */
gboolean       vigil_calendar_add_holiday     (VigilCalendar *self,
                                               const char    *state,
                                               GDateTime     *day);
void           vigil_calendar_remove_holiday  (VigilCalendar *self,
                                               const char    *state,
                                               GDateTime     *day);
/* Removes every bank holiday of @state. */
void           vigil_calendar_clear_state     (VigilCalendar *self,
                                               const char    *state);

/**
 * vigil_calendar_dup_holidays:
 *
 * Returns: (transfer full) (element-type GDateTime): the bank holidays of
 *   @state in date order, each at midnight UTC of its date; never %NULL
 */
GPtrArray     *vigil_calendar_dup_holidays    (VigilCalendar *self,
                                               const char    *state);

/**
 * vigil_calendar_dup_states:
 *
 * Returns: (transfer full): the states that have bank holidays, sorted
 */
GStrv          vigil_calendar_dup_states      (VigilCalendar *self);

gboolean       vigil_calendar_is_holiday      (VigilCalendar *self,
                                               const char    *state,
                                               GDateTime     *day);
gboolean       vigil_calendar_is_weekend      (GDateTime     *day);
/* Neither a weekend day nor a bank holiday of @state. */
gboolean       vigil_calendar_is_working_day  (VigilCalendar *self,
                                               const char    *state,
                                               GDateTime     *day);

/**
 * vigil_calendar_next_working_day:
 * @day: a time on the day to start from
 *
 * Returns: (transfer full): midnight, in the time zone of @day, of the
 *   first working day of @state strictly after the date of @day
 */
GDateTime     *vigil_calendar_next_working_day (VigilCalendar *self,
                                                const char    *state,
                                                GDateTime     *day);

/* JSON form: {"DE": ["2026-12-25", "2026-12-26"], ...}. Loading replaces the
 * states present in the document and keeps the others; the reader is strict
 * and names the wrong state or date. */
JsonNode      *vigil_calendar_to_json         (VigilCalendar *self);
gboolean       vigil_calendar_load_json       (VigilCalendar *self,
                                               JsonNode      *node,
                                               GError       **error);

G_END_DECLS
