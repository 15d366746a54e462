/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include <vigil/vigil.h>

G_BEGIN_DECLS

typedef enum {
  VIGIL_DORA_EXPORT_JSON,
  VIGIL_DORA_EXPORT_MARKDOWN,
  VIGIL_DORA_EXPORT_PDF,
} VigilDoraExportFormat;

#define VIGIL_TYPE_DORA_REPORT_EDITOR (vigil_dora_report_editor_get_type ())
G_DECLARE_FINAL_TYPE (VigilDoraReportEditor, vigil_dora_report_editor, VIGIL,
                      DORA_REPORT_EDITOR, AdwWindow)

/**
 * vigil_dora_report_editor_new:
 * @incident: the incident, as the workspace's model holds it
 *
 * The DORA reports of one incident, one page per report: the fields of
 * the templates grouped as the regulation groups them, mandatory ones
 * flagged and marked when empty, values taken from the incident shown as
 * such. What is typed is saved as "dora.report_draft" operations shortly
 * after typing stops. Read-only for roles that may not change incidents.
 */
GtkWidget           *vigil_dora_report_editor_new        (GtkWindow             *parent,
                                                          VigilWorkspace        *workspace,
                                                          VigilIncident         *incident);
VigilDoraReportForm  vigil_dora_report_editor_get_form   (VigilDoraReportEditor *self);
void                 vigil_dora_report_editor_set_form   (VigilDoraReportEditor *self,
                                                          VigilDoraReportForm    form);
/* Whether typed values wait to be saved or are being saved. */
gboolean             vigil_dora_report_editor_get_busy   (VigilDoraReportEditor *self);

/**
 * vigil_dora_report_editor_record_submission:
 * @reference: (nullable): the authority's reference, if it gave one
 *
 * Records the shown report as sent to @authority at @at, with the values
 * it shows, as the next version; as the dialog of "Record Submission…"
 * does. The outcome shows as a toast.
 */
void                 vigil_dora_report_editor_record_submission (VigilDoraReportEditor *self,
                                                                 GDateTime             *at,
                                                                 const char            *authority,
                                                                 const char            *reference);

/* Writes the shown report to @file in a worker thread, as the export menu does. */
void                 vigil_dora_report_editor_export_async  (VigilDoraReportEditor *self,
                                                             VigilDoraExportFormat  format,
                                                             GFile                 *file,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
gboolean             vigil_dora_report_editor_export_finish (VigilDoraReportEditor *self,
                                                             GAsyncResult          *result,
                                                             GError               **error);

G_END_DECLS
