/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vigil-report.h"

G_BEGIN_DECLS

/* Building other documents with the final report's Markdown writer and
 * page layout: a title page of cover fields, then headings and fields. */

VigilReport *vigil_report_new_blank          (const char  *kicker,
                                              const char  *heading,
                                              const char  *reference,
                                              const char  *title,
                                              const char  *legal_note);
void         vigil_report_add_cover_field    (VigilReport *self,
                                              const char  *label,
                                              const char  *value);
void         vigil_report_add_heading        (VigilReport *self,
                                              guint        level,
                                              const char  *text);
/* A short value on one row; a value with line breaks goes below its label. */
void         vigil_report_add_field          (VigilReport *self,
                                              const char  *label,
                                              const char  *value);
void         vigil_report_add_note           (VigilReport *self,
                                              const char  *text);

G_END_DECLS
