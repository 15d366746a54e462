/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * VIGIL_N_STEPS:
 *
 * The number of steps of the incident process (spec/process.md).
 */
#define VIGIL_N_STEPS 15

/* Steps with a meaning of their own in the rules. */
#define VIGIL_STEP_IDENTIFY        1
#define VIGIL_STEP_ESCALATE        7
#define VIGIL_STEP_APPROVAL        8
#define VIGIL_STEP_COORDINATE      9
#define VIGIL_STEP_NOTIFY         10
#define VIGIL_STEP_FINALIZE       14
#define VIGIL_STEP_ARCHIVE        15

typedef enum {
  VIGIL_PHASE_DETECT,
  VIGIL_PHASE_APPROVE,
  VIGIL_PHASE_RESPOND,
  VIGIL_PHASE_LEARN,
  VIGIL_N_PHASES
} VigilPhase;

/**
 * VigilStepInfo:
 * @number: 1 to %VIGIL_N_STEPS
 * @id: stable machine name, e.g. "identify"
 * @name: the step's name as in the process, untranslated (use vigil_step_get_name())
 * @short_name: a short column title, untranslated
 * @help: one line of help, untranslated
 * @phase: the phase the step belongs to
 *
 * One row of the process table.
 */
typedef struct {
  guint       number;
  const char *id;
  const char *name;
  const char *short_name;
  const char *help;
  VigilPhase  phase;
} VigilStepInfo;

/**
 * VigilChoice:
 * @id: stable machine name stored in documents, e.g. "malware"
 * @label: the name shown to users, untranslated (use vigil_choice_get_label())
 *
 * One entry of a fixed choice list of the process.
 */
typedef struct {
  const char *id;
  const char *label;
} VigilChoice;

typedef enum {
  VIGIL_CHOICES_INCIDENT_TYPE,
  VIGIL_CHOICES_SEVERITY,
  VIGIL_CHOICES_COLLECTION_ITEM,
  VIGIL_CHOICES_INTEL_SOURCE,
  VIGIL_CHOICES_DETECTION_METHOD,
  VIGIL_CHOICES_ROLE,
  VIGIL_CHOICES_EVIDENCE_KIND,
  VIGIL_CHOICES_INDICATOR_TYPE,
  VIGIL_CHOICES_ESCALATION_TARGET,
  VIGIL_CHOICES_ACTION_STATUS,
  VIGIL_CHOICES_REMEDIAL_KIND,
  VIGIL_CHOICES_AUDIENCE,
  VIGIL_CHOICES_CHANNEL,
  VIGIL_N_CHOICE_LISTS
} VigilChoiceList;

const VigilStepInfo *vigil_process_get_step         (guint            number);
const VigilStepInfo *vigil_process_get_step_by_id   (const char      *id);
gboolean             vigil_process_is_valid_step    (gint             number);
VigilPhase           vigil_process_get_phase        (guint            number);
const char          *vigil_step_get_name            (const VigilStepInfo *step);
const char          *vigil_step_get_short_name      (const VigilStepInfo *step);
const char          *vigil_step_get_help            (const VigilStepInfo *step);

const char          *vigil_phase_get_id             (VigilPhase       phase);
const char          *vigil_phase_get_name           (VigilPhase       phase);
guint                vigil_phase_get_first_step     (VigilPhase       phase);
guint                vigil_phase_get_last_step      (VigilPhase       phase);

const VigilChoice   *vigil_process_get_choices      (VigilChoiceList  list,
                                                     guint           *n_choices);
const VigilChoice   *vigil_process_find_choice      (VigilChoiceList  list,
                                                     const char      *id);
gboolean             vigil_process_is_valid_choice  (VigilChoiceList  list,
                                                     const char      *id);
const char          *vigil_choice_get_label         (const VigilChoice *choice);
/* Translated label of @id in @list, or @id itself when unknown. */
const char          *vigil_process_get_choice_label (VigilChoiceList  list,
                                                     const char      *id);

G_END_DECLS
