/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vigil-store.h"

G_BEGIN_DECLS

#define VIGIL_ARCHIVE_ERROR (vigil_archive_error_quark ())

/**
 * VigilArchiveError:
 * @VIGIL_ARCHIVE_ERROR_FAILED: a file could not be read or written
 * @VIGIL_ARCHIVE_ERROR_EXISTS: the archive folder exists already
 * @VIGIL_ARCHIVE_ERROR_MANIFEST: the manifest is missing or malformed
 * @VIGIL_ARCHIVE_ERROR_MISSING: a file of the manifest is missing
 * @VIGIL_ARCHIVE_ERROR_EXTRA: the folder holds a file the manifest does not
 *   list
 * @VIGIL_ARCHIVE_ERROR_MISMATCH: a file's SHA-256 differs from the manifest
 */
typedef enum {
  VIGIL_ARCHIVE_ERROR_FAILED,
  VIGIL_ARCHIVE_ERROR_EXISTS,
  VIGIL_ARCHIVE_ERROR_MANIFEST,
  VIGIL_ARCHIVE_ERROR_MISSING,
  VIGIL_ARCHIVE_ERROR_EXTRA,
  VIGIL_ARCHIVE_ERROR_MISMATCH,
} VigilArchiveError;

GQuark vigil_archive_error_quark (void);

/* The name of the manifest in an archive folder. */
#define VIGIL_ARCHIVE_MANIFEST "MANIFEST.sha256"

/**
 * vigil_archive_write:
 * @store: the store holding the incident and its log
 * @incident_id: the incident to archive
 * @parent_dir: the folder in which the archive folder is made
 * @retain_until: (nullable): until when the archive must be kept; recorded
 *   in incident.json
 * @manifest_sha256: (out) (optional) (transfer full): the SHA-256 of the
 *   manifest, to keep apart from the archive (it proves the manifest too)
 * @error: where to put what went wrong
 *
 * Writes the archive bundle of step 15: the folder "REFERENCE-archive/"
 * with incident.json (the incident document and the archive's metadata),
 * history.json (every log entry of the incident with its changes and
 * hashes), report.md and report.pdf (the final report), evidence.json (the
 * evidence with sizes, SHA-256 sums and chain of custody) and
 * MANIFEST.sha256, the SHA-256 of every other file in the format of
 * `sha256sum`, so that `sha256sum -c MANIFEST.sha256` checks it as well.
 * The files are written into a hidden folder that is renamed when complete:
 * an archive folder is never half-written. Blocks: use
 * vigil_archive_write_async() from the main loop.
 *
 * Returns: (transfer full): the path of the archive folder, or %NULL with
 *   @error set (VIGIL_ARCHIVE_ERROR_EXISTS when the folder exists)
 */
char     *vigil_archive_write        (VigilStore          *store,
                                      const char          *incident_id,
                                      const char          *parent_dir,
                                      GDateTime           *retain_until,
                                      char               **manifest_sha256,
                                      GError             **error);
void      vigil_archive_write_async  (VigilStore          *store,
                                      const char          *incident_id,
                                      const char          *parent_dir,
                                      GDateTime           *retain_until,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
/* Returns: (transfer full): the path of the archive folder */
char     *vigil_archive_write_finish (GAsyncResult        *result,
                                      GError             **error);

/**
 * vigil_archive_verify:
 * @path: an archive folder
 * @n_checked: (out) (optional): how many files matched their manifest line
 *
 * Checks every file of the folder against its manifest: each file listed
 * must exist and have the SHA-256 listed, the folder must hold nothing
 * else, and the manifest must list the files every archive has. Stops at
 * the first problem and names the file.
 *
 * Returns: %TRUE when the archive is intact; %FALSE with a
 *   VIGIL_ARCHIVE_ERROR otherwise
 */
gboolean  vigil_archive_verify       (const char          *path,
                                      guint               *n_checked,
                                      GError             **error);

G_END_DECLS
