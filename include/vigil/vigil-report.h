/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vigil-incident.h"

G_BEGIN_DECLS

#define VIGIL_REPORT_ERROR (vigil_report_error_quark ())

/**
 * VigilReportError:
 * @VIGIL_REPORT_ERROR_WRITE: the file could not be written (the message
 *   says which and why)
 * @VIGIL_REPORT_ERROR_NO_PAGE: the page asked for does not exist
 */
typedef enum {
  VIGIL_REPORT_ERROR_WRITE,
  VIGIL_REPORT_ERROR_NO_PAGE,
} VigilReportError;

GQuark vigil_report_error_quark (void);

#define VIGIL_TYPE_REPORT (vigil_report_get_type ())
G_DECLARE_FINAL_TYPE (VigilReport, vigil_report, VIGIL, REPORT, GObject)

/**
 * vigil_report_new:
 * @incident: the incident to report on
 * @log: (nullable) (element-type VigilLogEntry): the incident's operation
 *   log, as vigil_store_list_log() gives it, for the history
 * @generated_at: (nullable): the time printed as the report's date; %NULL
 *   for now
 *
 * The final report of step 14, made from the incident's own data: the
 * title page, findings, analysis and intelligence, evidence with its
 * hashes and chain of custody, escalation, the approval, response and
 * remedial actions, the review and plan updates, the completeness check of
 * every step and the history. The content is taken when the report is
 * made; the report never changes after that, so it may be written from
 * any thread.
 *
 * Returns: (transfer full): the report
 */
VigilReport *vigil_report_new              (VigilIncident        *incident,
                                            GPtrArray            *log,
                                            GDateTime            *generated_at);

/* Returns: (transfer full): the report as Markdown (CommonMark with tables) */
char        *vigil_report_to_markdown      (VigilReport          *self);

/**
 * vigil_report_write_pdf:
 * @path: where to write; an existing file is replaced
 *
 * Lays the report out on A4 pages with cairo and Pango: a title page, then
 * numbered sections with tables, page numbers in the footer. Blocks, so
 * call it from a worker thread or use vigil_report_write_pdf_async().
 *
 * Returns: %FALSE with a VIGIL_REPORT_ERROR_WRITE error
 */
gboolean     vigil_report_write_pdf        (VigilReport          *self,
                                            const char           *path,
                                            GError              **error);
void         vigil_report_write_pdf_async  (VigilReport          *self,
                                            const char           *path,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean     vigil_report_write_pdf_finish (VigilReport          *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* The number of pages of the PDF. */
guint        vigil_report_count_pages      (VigilReport          *self);

/**
 * vigil_report_write_png:
 * @page: 1 to vigil_report_count_pages()
 * @scale: pixels per point (1.0 gives 595 × 842 pixels)
 *
 * Draws one page exactly as the PDF has it into a PNG file, for previews.
 *
 * Returns: %FALSE with a VIGIL_REPORT_ERROR error
 */
gboolean     vigil_report_write_png        (VigilReport          *self,
                                            guint                 page,
                                            double                scale,
                                            const char           *path,
                                            GError              **error);

G_END_DECLS
