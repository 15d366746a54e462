/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <vigil/vigil.h>

G_BEGIN_DECLS

/* A new store in a new temporary folder named after @tmpl ("…-XXXXXX"),
 * the folder in @dir and, when not %NULL, the database's path in @db_path;
 * the test fails when either cannot be made. */
VigilStore    *test_core_open_temp_store (const char  *tmpl,
                                          char       **dir,
                                          char       **db_path);

/* Removes @dir and everything below it; the test fails on a leftover. */
void           test_core_remove_tree (const char *dir);

/**
 * test_core_apply:
 * @incident: (nullable): the incident the operation is for; %NULL makes one
 * @squoted_payload: the payload JSON, with ' standing for "
 *
 * Applies one operation through @store as the app does, made now on the
 * incident's current revision, and fails the test when it is refused.
 *
 * Returns: (transfer full): the incident after it
 */
VigilIncident *test_core_apply       (VigilStore    *store,
                                      VigilIncident *incident,
                                      const char    *kind,
                                      const char    *actor,
                                      VigilRole      role,
                                      const char    *squoted_payload);
/* The same, made at @made_at (ISO 8601; %NULL: now). */
VigilIncident *test_core_apply_at    (VigilStore    *store,
                                      VigilIncident *incident,
                                      const char    *kind,
                                      const char    *actor,
                                      VigilRole      role,
                                      const char    *made_at,
                                      const char    *squoted_payload);

/* Where @needle first occurs in the bytes from @p to @end, or NULL: the
 * streams of a PDF hold NUL bytes. */
const char    *test_core_find_bytes      (const char    *p,
                                          const char    *end,
                                          const char    *needle);
/* The page objects of a PDF as cairo writes it (no object streams):
 * "/Type /Page", not "/Type /Pages". */
guint          test_core_count_pdf_pages (const char    *contents,
                                          gsize          length);
/* Fails the test unless @path is a PNG of @width by @height pixels. */
void           test_core_assert_png_size (const char    *path,
                                          guint          width,
                                          guint          height);

G_END_DECLS
