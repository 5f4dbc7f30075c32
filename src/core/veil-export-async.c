/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

/* Asynchronous export: veil_export_run() in a GTask thread, progress forwarded to the
 * caller's main context. */

#include "config.h"

#include "veil-dataset.h"
#include "veil-export.h"
#include "veil-key.h"

typedef struct {
  VeilDataset            *dataset;
  char                   *output_dir;
  VeilExportOptions       options;
  VeilExportProgressFunc  progress;
  gpointer                progress_data;
  GDestroyNotify          progress_data_destroy;
  GMainContext           *context;
} AsyncData;

typedef struct {
  VeilExportProgress      progress;
  char                   *current_path;
  VeilExportProgressFunc  func;
  gpointer                user_data;
} ProgressCopy;

static void
async_data_free (AsyncData *data)
{
  g_clear_pointer (&data->dataset, veil_dataset_unref);
  g_clear_pointer (&data->options.key, veil_key_unref);
  g_free (data->output_dir);
  if (data->progress_data_destroy != NULL)
    data->progress_data_destroy (data->progress_data);
  g_main_context_unref (data->context);
  g_free (data);
}

static void
progress_copy_free (gpointer data)
{
  ProgressCopy *copy = data;

  g_free (copy->current_path);
  g_free (copy);
}

static gboolean
progress_dispatch (gpointer data)
{
  ProgressCopy *copy = data;

  copy->progress.current_path = copy->current_path;
  copy->func (&copy->progress, copy->user_data);
  return G_SOURCE_REMOVE;
}

static void
progress_forward (const VeilExportProgress *progress,
                  gpointer                  user_data)
{
  AsyncData *data = user_data;
  ProgressCopy *copy = g_new0 (ProgressCopy, 1);

  copy->progress = *progress;
  copy->current_path = g_strdup (progress->current_path);
  copy->func = data->progress;
  copy->user_data = data->progress_data;
  /* Same priority as the GTask's completion, so progress never arrives after it. */
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, progress_dispatch, copy,
                              progress_copy_free);
}

typedef struct {
  GDestroyNotify destroy;
  gpointer       data;
} DestroyCall;

static gboolean
destroy_dispatch (gpointer user_data)
{
  DestroyCall *call = user_data;

  call->destroy (call->data);
  return G_SOURCE_REMOVE;
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  AsyncData *data = task_data;
  GError *error = NULL;
  VeilExportReport *report;

  report = veil_export_run (data->dataset, data->output_dir, &data->options,
                            data->progress != NULL ? progress_forward : NULL, data, cancellable,
                            &error);

  /* The caller's progress data is released on its own main context, after the last progress
   * call and before the result arrives, whichever thread drops the task last. */
  if (data->progress_data_destroy != NULL)
    {
      DestroyCall *call = g_new0 (DestroyCall, 1);

      call->destroy = data->progress_data_destroy;
      call->data = data->progress_data;
      data->progress_data_destroy = NULL;
      g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, destroy_dispatch, call,
                                  g_free);
    }

  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, (GDestroyNotify) veil_export_report_free);
}

void
veil_export_async (VeilDataset               *dataset,
                   const char                *output_dir,
                   const VeilExportOptions   *options,
                   VeilExportProgressFunc     progress,
                   gpointer                   progress_data,
                   GDestroyNotify             progress_data_destroy,
                   GCancellable              *cancellable,
                   GAsyncReadyCallback        callback,
                   gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;
  AsyncData *data;

  g_return_if_fail (dataset != NULL);
  g_return_if_fail (output_dir != NULL);
  g_return_if_fail (options != NULL);
  g_return_if_fail (options->key != NULL);

  data = g_new0 (AsyncData, 1);
  data->dataset = veil_dataset_ref (dataset);
  data->output_dir = g_strdup (output_dir);
  data->options = *options;
  data->options.key = veil_key_ref (options->key);
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_data_destroy = progress_data_destroy;
  data->context = g_main_context_ref_thread_default ();

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_export_async);
  g_task_set_name (task, "veil-export");
  g_task_set_return_on_cancel (task, FALSE);
  /* An export that finished (its manifest written) is done even when a cancel arrives after:
   * the result is what happened, not what was asked afterwards. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, data, (GDestroyNotify) async_data_free);
  g_task_run_in_thread (task, export_thread);
}

VeilExportReport *
veil_export_finish (GAsyncResult  *result,
                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_export_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}