/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * VigilEvidenceProgress:
 * @done: bytes hashed so far
 * @total: the size of the file when the hashing started (-1 when unknown)
 * @user_data: what was given with the callback
 *
 * Tells how far the hashing of an evidence file is. Called in the main
 * context that was the thread-default one when the hashing started, at
 * most every few tens of milliseconds, and never after the operation's
 * #GAsyncReadyCallback.
 */
typedef void (*VigilEvidenceProgress) (goffset  done,
                                       goffset  total,
                                       gpointer user_data);

/**
 * vigil_evidence_hash_async:
 * @file: the evidence file
 * @cancellable: (nullable): stops the hashing; the result is then
 *   %G_IO_ERROR_CANCELLED
 * @progress: (nullable) (scope notified): called as the hashing goes on
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data when the operation is
 *   over
 *
 * Computes the SHA-256 and the size of @file in a worker thread, reading it
 * in chunks, so that files of many gigabytes neither block the main loop nor
 * fill the memory. This is the integrity proof of an evidence item (chain of
 * custody): the app records it when the file is attached.
 */
void      vigil_evidence_hash_async    (GFile                  *file,
                                        GCancellable           *cancellable,
                                        VigilEvidenceProgress   progress,
                                        gpointer                progress_data,
                                        GDestroyNotify          progress_destroy,
                                        GAsyncReadyCallback     callback,
                                        gpointer                user_data);
/**
 * vigil_evidence_hash_finish:
 * @sha256: (out) (optional) (transfer full): 64 lower-case hex digits
 * @size: (out) (optional): the number of bytes hashed
 *
 * Returns: %FALSE with a #GIOError when the file could not be read
 */
gboolean  vigil_evidence_hash_finish   (GAsyncResult           *result,
                                        char                  **sha256,
                                        goffset                *size,
                                        GError                **error);

/**
 * vigil_evidence_verify_async:
 * @expected_sha256: the SHA-256 recorded for the evidence
 *
 * Hashes @file again, like vigil_evidence_hash_async(), to see whether it
 * is still the evidence that was recorded.
 */
void      vigil_evidence_verify_async  (GFile                  *file,
                                        const char             *expected_sha256,
                                        GCancellable           *cancellable,
                                        VigilEvidenceProgress   progress,
                                        gpointer                progress_data,
                                        GDestroyNotify          progress_destroy,
                                        GAsyncReadyCallback     callback,
                                        gpointer                user_data);
/**
 * vigil_evidence_verify_finish:
 * @matches: (out): %TRUE when the file's SHA-256 is the expected one
 * @sha256: (out) (optional) (transfer full): the SHA-256 found
 *
 * Returns: %FALSE with a #GIOError when the file could not be read (a
 *   mismatch is not an error: see @matches)
 */
gboolean  vigil_evidence_verify_finish (GAsyncResult           *result,
                                        gboolean               *matches,
                                        char                  **sha256,
                                        GError                **error);

G_END_DECLS
