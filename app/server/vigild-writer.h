/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <vigil/vigil.h>

G_BEGIN_DECLS

#define VIGILD_TYPE_WRITER (vigild_writer_get_type ())
G_DECLARE_FINAL_TYPE (VigildWriter, vigild_writer, VIGILD, WRITER, GObject)

/**
 * VigildWriter:
 *
 * The one thread that writes operations (group commit). Requests queue
 * their batches; the thread takes everything queued, applies it with one
 * vigil_store_apply_each() call (one durable transaction, each operation in
 * its own savepoint) and completes each request on the main context of the
 * caller of vigild_writer_new(). An operation is acknowledged only after its
 * transaction committed.
 *
 * After a commit that applied something, #VigildWriter::committed is
 * emitted on that main context with the newest sequence number.
 */
VigildWriter *vigild_writer_new            (VigilStore    *store);
gint64        vigild_writer_get_last_seq   (VigildWriter  *self);
/**
 * vigild_writer_apply_async:
 * @ops: (element-type VigilOp): the operations of one request, in order;
 *   the actor is already set
 * @role: the role of the user who sent them
 */
void          vigild_writer_apply_async    (VigildWriter  *self,
                                            GPtrArray     *ops,
                                            VigilRole      role,
                                            GCancellable  *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer       user_data);
/* Returns: (transfer full) (element-type VigilApplyResult): one result per
 * operation, or %NULL when the transaction failed */
GPtrArray    *vigild_writer_apply_finish   (VigildWriter  *self,
                                            GAsyncResult  *result,
                                            GError       **error);
/* A batch is on its way (a request being read): until the matching
 * vigild_writer_unexpect(), a commit waits for it a little while, so
 * that concurrent requests share one commit. */
void          vigild_writer_expect         (VigildWriter  *self);
void          vigild_writer_unexpect       (VigildWriter  *self);
/* Applies what is queued, then stops the thread. Later batches fail. */
void          vigild_writer_stop           (VigildWriter  *self);
/* Statistics for the benchmark: commits made and operations written. */
void          vigild_writer_get_stats      (VigildWriter  *self,
                                            guint64       *commits,
                                            guint64       *ops);

G_END_DECLS
