/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-evidence"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vigil-evidence.h"

/* Hashing runs in a GTask worker thread (the inner task); the caller sees an
 * outer task that completes in its own main context. Between the two sits
 * the delivery of the last progress report, so that no report ever arrives
 * after the operation's callback. */

#define CHUNK_SIZE (1024 * 1024)
#define REPORT_INTERVAL (50 * G_TIME_SPAN_MILLISECOND)

typedef struct {
  gatomicrefcount        ref_count;
  GFile                 *file;
  char                  *expected;     /* for verify: lower-case hex */
  GMainContext          *context;      /* where reports go */

  GMutex                 lock;         /* guards the fields below */
  VigilEvidenceProgress  progress;
  gpointer               progress_data;
  GDestroyNotify         progress_destroy;
  goffset                done;
  goffset                total;
  gboolean               report_pending;
  gboolean               finished;

  /* written by the worker before it returns, read after */
  char                  *sha256;
  goffset                size;
} HashJob;

static HashJob *
hash_job_ref (HashJob *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
hash_job_unref (HashJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;

  /* Normally called in on_inner_done_cb already. */
  if (job->progress_destroy != NULL)
    job->progress_destroy (job->progress_data);
  g_clear_object (&job->file);
  g_free (job->expected);
  g_main_context_unref (job->context);
  g_mutex_clear (&job->lock);
  g_free (job->sha256);
  g_free (job);
}

static gboolean
deliver_report_cb (gpointer user_data)
{
  HashJob *job = user_data;
  VigilEvidenceProgress progress;
  gpointer data;
  goffset done, total;

  g_mutex_lock (&job->lock);
  job->report_pending = FALSE;
  progress = job->finished ? NULL : job->progress;
  data = job->progress_data;
  done = job->done;
  total = job->total;
  g_mutex_unlock (&job->lock);

  if (progress != NULL)
    progress (done, total, data);
  return G_SOURCE_REMOVE;
}

/* In the worker: at most one report waits in the caller's context at a
 * time; it carries the latest figure when it runs. */
static void
post_report (HashJob *job,
             goffset  done)
{
  gboolean schedule;

  g_mutex_lock (&job->lock);
  job->done = done;
  schedule = job->progress != NULL && !job->report_pending && !job->finished;
  job->report_pending |= schedule;
  g_mutex_unlock (&job->lock);

  if (schedule)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, deliver_report_cb, hash_job_ref (job),
                             (GDestroyNotify) hash_job_unref);
      g_source_set_static_name (source, "[vigil] evidence hash progress");
      g_source_attach (source, job->context);
    }
}

/* Says which file could not be read; a cancellation stays as it is. */
static void
return_read_error (GTask  *task,
                   GFile  *file,
                   GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_prefix_error (&error, _("Could not read the evidence file %s: "), name);
    }
  g_task_return_error (task, error);
}

static void
hash_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  HashJob *job = task_data;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = NULL;
  g_autoptr(GError) error = NULL;
  gint64 last_report = g_get_monotonic_time ();
  goffset done = 0;
  gssize n;

  stream = g_file_read (job->file, cancellable, &error);
  if (stream == NULL)
    {
      return_read_error (task, job->file, g_steal_pointer (&error));
      return;
    }

  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable,
                                         NULL);
  g_mutex_lock (&job->lock);
  job->total = info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE)
               ? g_file_info_get_size (info) : -1;
  g_mutex_unlock (&job->lock);

  buffer = g_malloc (CHUNK_SIZE);
  while ((n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, CHUNK_SIZE, cancellable,
                                   &error)) > 0)
    {
      gint64 now = g_get_monotonic_time ();

      g_checksum_update (checksum, buffer, n);
      done += n;
      if (now - last_report >= REPORT_INTERVAL)
        {
          post_report (job, done);
          last_report = now;
        }
    }
  if (n < 0)
    {
      return_read_error (task, job->file, g_steal_pointer (&error));
      return;
    }

  job->sha256 = g_strdup (g_checksum_get_string (checksum));
  job->size = done;
  g_task_return_boolean (task, TRUE);
}

/* In the caller's context, once the worker is done. */
static void
on_inner_done_cb (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  HashJob *job = g_task_get_task_data (outer);
  g_autoptr(GError) error = NULL;
  VigilEvidenceProgress progress;
  gpointer progress_data;
  GDestroyNotify progress_destroy;
  gboolean ok;

  ok = g_task_propagate_boolean (G_TASK (result), &error);

  g_mutex_lock (&job->lock);
  job->finished = TRUE;
  progress = job->progress;
  progress_data = job->progress_data;
  progress_destroy = job->progress_destroy;
  job->progress = NULL;
  job->progress_data = NULL;
  job->progress_destroy = NULL;
  g_mutex_unlock (&job->lock);

  if (ok && progress != NULL)
    progress (job->size, job->total, progress_data);
  if (progress_destroy != NULL)
    progress_destroy (progress_data);

  if (ok)
    g_task_return_boolean (outer, TRUE);
  else
    g_task_return_error (outer, g_steal_pointer (&error));
}

static void
start (GFile                 *file,
       const char            *expected_sha256,
       GCancellable          *cancellable,
       VigilEvidenceProgress  progress,
       gpointer               progress_data,
       GDestroyNotify         progress_destroy,
       gpointer               source_tag,
       GAsyncReadyCallback    callback,
       gpointer               user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;
  HashJob *job = g_new0 (HashJob, 1);

  g_atomic_ref_count_init (&job->ref_count);
  g_mutex_init (&job->lock);
  job->file = g_object_ref (file);
  job->expected = expected_sha256 ? g_ascii_strdown (expected_sha256, -1) : NULL;
  job->context = g_main_context_ref_thread_default ();
  job->progress = progress;
  job->progress_data = progress_data;
  job->progress_destroy = progress_destroy;
  job->total = -1;

  outer = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (outer, source_tag);
  g_task_set_name (outer, "[vigil] hash evidence");
  g_task_set_task_data (outer, job, (GDestroyNotify) hash_job_unref);

  inner = g_task_new (NULL, cancellable, on_inner_done_cb, g_object_ref (outer));
  g_task_set_name (inner, "[vigil] hash evidence (worker)");
  g_task_set_task_data (inner, hash_job_ref (job), (GDestroyNotify) hash_job_unref);
  g_task_run_in_thread (inner, hash_thread);
}

void
vigil_evidence_hash_async (GFile                 *file,
                           GCancellable          *cancellable,
                           VigilEvidenceProgress  progress,
                           gpointer               progress_data,
                           GDestroyNotify         progress_destroy,
                           GAsyncReadyCallback    callback,
                           gpointer               user_data)
{
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start (file, NULL, cancellable, progress, progress_data, progress_destroy,
         vigil_evidence_hash_async, callback, user_data);
}

gboolean
vigil_evidence_hash_finish (GAsyncResult  *result,
                            char         **sha256,
                            goffset       *size,
                            GError       **error)
{
  HashJob *job;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vigil_evidence_hash_async,
                        FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  job = g_task_get_task_data (G_TASK (result));
  if (sha256 != NULL)
    *sha256 = g_strdup (job->sha256);
  if (size != NULL)
    *size = job->size;
  return TRUE;
}

void
vigil_evidence_verify_async (GFile                 *file,
                             const char            *expected_sha256,
                             GCancellable          *cancellable,
                             VigilEvidenceProgress  progress,
                             gpointer               progress_data,
                             GDestroyNotify         progress_destroy,
                             GAsyncReadyCallback    callback,
                             gpointer               user_data)
{
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (expected_sha256 != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start (file, expected_sha256, cancellable, progress, progress_data, progress_destroy,
         vigil_evidence_verify_async, callback, user_data);
}

gboolean
vigil_evidence_verify_finish (GAsyncResult  *result,
                              gboolean      *matches,
                              char         **sha256,
                              GError       **error)
{
  HashJob *job;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vigil_evidence_verify_async,
                        FALSE);
  g_return_val_if_fail (matches != NULL, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  job = g_task_get_task_data (G_TASK (result));
  *matches = g_str_equal (job->sha256, job->expected);
  if (sha256 != NULL)
    *sha256 = g_strdup (job->sha256);
  return TRUE;
}
