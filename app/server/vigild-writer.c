/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigild-writer"

#include "config.h"

#include "vigild-response.h"
#include "vigild-writer.h"

/* One transaction takes batches until it holds this many operations (but
 * always at least one batch), so that a burst does not make one commit
 * arbitrarily long. */
#define MAX_GROUP_OPS 2000
/* How long the thread waits for batches that are on their way (requests
 * being read and checked) before it commits without them. */
#define GROUP_WAIT_USEC 1000

struct _VigildWriter
{
  GObject       parent_instance;

  VigilStore   *store;
  GMainContext *context;
  GThread      *thread;

  GMutex        lock;
  GCond         cond;
  GQueue        queue;      /* Batch */
  guint         queued_ops;
  guint         expected;
  gboolean      stopping;
  gint64        last_seq;
  guint64       n_commits;
  guint64       n_ops;
};

G_DEFINE_FINAL_TYPE (VigildWriter, vigild_writer, G_TYPE_OBJECT)

enum {
  COMMITTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  GTask     *task;
  GPtrArray *ops;
  VigilRole  role;
} Batch;

/* A written group, handed to the main context in one piece: one wakeup
 * per commit rather than one per request. */
typedef struct {
  VigildWriter *self;
  GPtrArray    *batches;   /* Batch */
  GPtrArray    *parts;     /* per batch, its results (GPtrArray); NULL on error */
  GError       *error;
  gint64        last_seq;  /* > 0: the store changed */
} Completion;

static void
batch_free (Batch *batch)
{
  g_clear_object (&batch->task);
  g_clear_pointer (&batch->ops, g_ptr_array_unref);
  g_free (batch);
}

static gboolean
complete_group_cb (gpointer data)
{
  Completion *done = data;

  /* Tell the live clients before answering the requests: a client that
   * connects after its answer must not hear of its own commit as news. */
  if (done->last_seq > 0)
    g_signal_emit (done->self, signals[COMMITTED], 0, done->last_seq);

  for (guint i = 0; i < done->batches->len; i++)
    {
      Batch *batch = g_ptr_array_index (done->batches, i);

      if (done->parts == NULL)
        g_task_return_new_error (batch->task, VIGILD_ERROR, VIGILD_ERROR_INTERNAL,
                                 "%s", done->error->message);
      else
        g_task_return_pointer (batch->task, g_steal_pointer (&done->parts->pdata[i]),
                               (GDestroyNotify) g_ptr_array_unref);
    }

  g_ptr_array_unref (done->batches);
  g_clear_pointer (&done->parts, g_ptr_array_unref);
  g_clear_error (&done->error);
  g_object_unref (done->self);
  g_free (done);
  return G_SOURCE_REMOVE;
}

/* Applies one group in one transaction and completes its requests (takes
 * @batches). */
static void
write_group (VigildWriter *self,
             GPtrArray    *batches)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new ();
  g_autoptr(GArray) roles = g_array_new (FALSE, FALSE, sizeof (VigilRole));
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  Completion *done;
  gint64 newest = 0;
  guint offset = 0;

  for (guint i = 0; i < batches->len; i++)
    {
      Batch *batch = g_ptr_array_index (batches, i);

      for (guint j = 0; j < batch->ops->len; j++)
        {
          g_ptr_array_add (ops, g_ptr_array_index (batch->ops, j));
          g_array_append_val (roles, batch->role);
        }
    }

  results = vigil_store_apply_each (self->store, ops, (const VigilRole *) roles->data, &error);

  if (results != NULL)
    {
      for (guint i = 0; i < results->len; i++)
        {
          VigilApplyResult *result = g_ptr_array_index (results, i);

          if (result->error == NULL && !result->duplicate)
            newest = MAX (newest, result->seq);
        }
    }
  else
    {
      g_message ("A group of %u operations could not be written: %s", ops->len,
                 error->message);
    }

  g_mutex_lock (&self->lock);
  self->n_commits++;
  self->n_ops += ops->len;
  if (newest > self->last_seq)
    self->last_seq = newest;
  else
    newest = 0;
  g_mutex_unlock (&self->lock);

  done = g_new0 (Completion, 1);
  done->self = g_object_ref (self);
  done->batches = batches;
  done->last_seq = newest;
  if (results == NULL)
    done->error = g_steal_pointer (&error);
  else
    {
      done->parts = g_ptr_array_new_full (batches->len, NULL);
      for (guint i = 0; i < batches->len; i++)
        {
          Batch *batch = g_ptr_array_index (batches, i);
          GPtrArray *part = g_ptr_array_new_full (batch->ops->len,
                                                  (GDestroyNotify) vigil_apply_result_free);

          for (guint j = 0; j < batch->ops->len; j++)
            {
              g_ptr_array_add (part, g_ptr_array_index (results, offset + j));
              g_ptr_array_index (results, offset + j) = NULL;
            }
          offset += batch->ops->len;
          g_ptr_array_add (done->parts, part);
        }
    }
  /* Always from the main context, even when no one iterates it right now
   * (g_main_context_invoke() would then run it here). */
  {
    g_autoptr(GSource) source = g_idle_source_new ();

    g_source_set_priority (source, G_PRIORITY_DEFAULT);
    g_source_set_callback (source, complete_group_cb, done, NULL);
    g_source_set_static_name (source, "[vigild] complete group");
    g_source_attach (source, self->context);
  }
}

static gpointer
writer_thread (gpointer data)
{
  VigildWriter *self = data;

  for (;;)
    {
      GPtrArray *batches = g_ptr_array_new_with_free_func ((GDestroyNotify) batch_free);
      guint n_ops = 0;

      g_mutex_lock (&self->lock);
      while (g_queue_is_empty (&self->queue) && !self->stopping)
        g_cond_wait (&self->cond, &self->lock);
      if (g_queue_is_empty (&self->queue))
        {
          g_mutex_unlock (&self->lock);
          g_ptr_array_unref (batches);
          break;
        }

      /* Group commit: batches that are on their way ride along in this
       * transaction rather than wait for a commit of their own. */
      if (self->expected > 0)
        {
          gint64 deadline = g_get_monotonic_time () + GROUP_WAIT_USEC;

          while (self->expected > 0 && !self->stopping && self->queued_ops < MAX_GROUP_OPS)
            {
              if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
                break;
            }
        }

      while (!g_queue_is_empty (&self->queue))
        {
          Batch *batch = g_queue_peek_head (&self->queue);

          if (batches->len > 0 && n_ops + batch->ops->len > MAX_GROUP_OPS)
            break;
          g_ptr_array_add (batches, g_queue_pop_head (&self->queue));
          n_ops += batch->ops->len;
          self->queued_ops -= batch->ops->len;
        }
      g_mutex_unlock (&self->lock);

      write_group (self, batches);
    }

  return NULL;
}

static void
vigild_writer_dispose (GObject *object)
{
  VigildWriter *self = (VigildWriter *) object;

  vigild_writer_stop (self);

  G_OBJECT_CLASS (vigild_writer_parent_class)->dispose (object);
}

static void
vigild_writer_finalize (GObject *object)
{
  VigildWriter *self = (VigildWriter *) object;

  g_queue_clear_full (&self->queue, (GDestroyNotify) batch_free);
  g_clear_object (&self->store);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (vigild_writer_parent_class)->finalize (object);
}

static void
vigild_writer_class_init (VigildWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vigild_writer_dispose;
  object_class->finalize = vigild_writer_finalize;

  /**
   * VigildWriter::committed:
   * @last_seq: the newest sequence number in the store
   *
   * A transaction that applied at least one operation is on disk.
   */
  signals[COMMITTED] = g_signal_new ("committed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
vigild_writer_init (VigildWriter *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->queue);
  self->context = g_main_context_ref_thread_default ();
}

VigildWriter *
vigild_writer_new (VigilStore *store)
{
  VigildWriter *self;

  g_return_val_if_fail (VIGIL_IS_STORE (store), NULL);

  self = g_object_new (VIGILD_TYPE_WRITER, NULL);
  self->store = g_object_ref (store);
  self->last_seq = vigil_store_get_last_seq (store);
  /* The thread holds no reference: vigild_writer_stop() joins it before
   * the object can go away. */
  self->thread = g_thread_new ("vigild-writer", writer_thread, self);
  return self;
}

gint64
vigild_writer_get_last_seq (VigildWriter *self)
{
  gint64 seq;

  g_return_val_if_fail (VIGILD_IS_WRITER (self), 0);

  g_mutex_lock (&self->lock);
  seq = self->last_seq;
  g_mutex_unlock (&self->lock);
  return seq;
}

void
vigild_writer_apply_async (VigildWriter        *self,
                           GPtrArray           *ops,
                           VigilRole            role,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Batch *batch;

  g_return_if_fail (VIGILD_IS_WRITER (self));
  g_return_if_fail (ops != NULL && ops->len > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigild_writer_apply_async);
  /* Once queued, a batch is written whatever happens to the request: the
   * client may retry and gets "duplicate" then. */
  g_task_set_check_cancellable (task, FALSE);

  g_mutex_lock (&self->lock);
  if (self->stopping)
    {
      g_mutex_unlock (&self->lock);
      g_task_return_new_error (task, VIGILD_ERROR, VIGILD_ERROR_INTERNAL,
                               "The server is shutting down");
      return;
    }

  batch = g_new0 (Batch, 1);
  batch->task = g_steal_pointer (&task);
  batch->ops = g_ptr_array_ref (ops);
  batch->role = role;
  g_queue_push_tail (&self->queue, batch);
  self->queued_ops += ops->len;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

GPtrArray *
vigild_writer_apply_finish (VigildWriter  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
vigild_writer_expect (VigildWriter *self)
{
  g_return_if_fail (VIGILD_IS_WRITER (self));

  g_mutex_lock (&self->lock);
  self->expected++;
  g_mutex_unlock (&self->lock);
}

void
vigild_writer_unexpect (VigildWriter *self)
{
  g_return_if_fail (VIGILD_IS_WRITER (self));

  g_mutex_lock (&self->lock);
  g_assert (self->expected > 0);
  self->expected--;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

void
vigild_writer_stop (VigildWriter *self)
{
  GThread *thread;

  g_return_if_fail (VIGILD_IS_WRITER (self));

  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_signal (&self->cond);
  thread = g_steal_pointer (&self->thread);
  g_mutex_unlock (&self->lock);

  if (thread != NULL)
    g_thread_join (thread);
}

void
vigild_writer_get_stats (VigildWriter *self,
                         guint64      *commits,
                         guint64      *ops)
{
  g_return_if_fail (VIGILD_IS_WRITER (self));

  g_mutex_lock (&self->lock);
  if (commits != NULL)
    *commits = self->n_commits;
  if (ops != NULL)
    *ops = self->n_ops;
  g_mutex_unlock (&self->lock);
}
