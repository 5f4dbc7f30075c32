/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

/* The export run: options, setup, the loop that journals each finished file, and the final
 * manifest. The output folder checks are in veil-export-output.c, the journal in
 * veil-export-journal-writer.c, what a run does (shard, mix, resume) in veil-export-plan.c, the
 * worker threads in veil-export-pipeline.c and the asynchronous wrapper in
 * veil-export-async.c. */

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "veil-error.h"
#include "veil-export-private.h"
#include "veil-key.h"
#include "veil-paths.h"
#include "veil-shard.h"
#include "veil-survival-private.h"

/* Progress at most four times a second. */
#define PROGRESS_INTERVAL_US (G_USEC_PER_SEC / 4)

void
veil_export_options_init (VeilExportOptions *options)
{
  VeilProtectParams defaults;

  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  veil_protect_params_init_defaults (&defaults);
  veil_export_options_set_params (options, &defaults);
  options->format = VEIL_OUTPUT_FORMAT_KEEP;
  options->jpeg_quality = 95;
  options->survival_sample = VEIL_SURVIVAL_DEFAULT_SAMPLE;
}

void
veil_export_options_set_params (VeilExportOptions       *options,
                                const VeilProtectParams *params)
{
  g_return_if_fail (options != NULL);
  g_return_if_fail (params != NULL);

  options->k = params->k;
  options->pb = params->pb;
  options->mix = params->mix;
  options->training_res = params->training_res;
  options->keep_detail = params->keep_detail;
}

void
veil_export_options_get_params (const VeilExportOptions *options,
                                VeilProtectParams       *params)
{
  g_return_if_fail (options != NULL);
  g_return_if_fail (params != NULL);

  veil_protect_params_init_defaults (params);
  params->k = options->k;
  params->pb = options->pb;
  params->mix = options->mix;
  params->training_res = options->training_res;
  params->keep_detail = options->keep_detail;
}

static gboolean
check_options (const VeilExportOptions  *options,
               GError                  **error)
{
  const char *problem = NULL;
  VeilProtectParams params;

  veil_export_options_get_params (options, &params);
  if (!veil_protect_params_validate (&params, error))
    {
      g_prefix_error (error, _("Cannot export: "));
      return FALSE;
    }

  if (options->key == NULL)
    problem = _("no key was given");
  else if (options->jpeg_quality < 1 || options->jpeg_quality > 100)
    problem = _("the JPEG quality must be from 1 to 100");
  else if (options->shard_count > 1 && options->shard_index >= options->shard_count)
    problem = _("the shard number must be at most the number of shards");
  else if (options->format != VEIL_OUTPUT_FORMAT_KEEP && options->format != VEIL_OUTPUT_FORMAT_PNG)
    problem = _("unknown output format");

  if (problem != NULL)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("Cannot export: %s"), problem);
      return FALSE;
    }
  return TRUE;
}

static VeilManifest *
new_header (VeilDataset             *dataset,
            const VeilExportOptions *options)
{
  VeilManifest *manifest = veil_manifest_new ();

  manifest->tool_version = g_strdup (PACKAGE_VERSION);
  manifest->k = options->k;
  manifest->pb = options->pb;
  manifest->mix = options->mix;
  manifest->training_res = options->training_res;
  manifest->keep_detail = options->keep_detail;
  manifest->format = options->format;
  manifest->jpeg_quality = options->jpeg_quality;
  manifest->copy_other = options->copy_other;
  manifest->key_kind = veil_key_get_kind (options->key);
  manifest->key_fingerprint = veil_key_dup_fingerprint (options->key);
  manifest->classes = g_strdupv ((char **) veil_dataset_get_class_names (dataset));
  if (options->shard_count > 1)
    {
      manifest->shard_index = options->shard_index;
      manifest->shard_count = options->shard_count;
    }
  return manifest;
}

typedef struct {
  VeilExportProgress      progress;
  VeilExportProgressFunc  func;
  gpointer                user_data;
  gint64                  start;
  gint64                  last;
  guint                   n_resumed;
  char                   *current;
} ProgressState;

static void
progress_emit (ProgressState *state,
               gboolean       force)
{
  gint64 now = g_get_monotonic_time ();
  double elapsed = (double) (now - state->start) / G_USEC_PER_SEC;
  guint n_new = state->progress.n_done - state->n_resumed;

  if (state->func == NULL || (!force && now - state->last < PROGRESS_INTERVAL_US))
    return;
  state->last = now;
  state->progress.images_per_second = elapsed > 0 ? n_new / elapsed : 0.0;
  if (state->progress.n_done >= state->progress.n_total)
    state->progress.eta_seconds = 0.0;
  else if (n_new > 0 && state->progress.images_per_second > 0)
    state->progress.eta_seconds = (state->progress.n_total - state->progress.n_done)
                                  / state->progress.images_per_second;
  else
    state->progress.eta_seconds = -1.0;
  state->progress.current_path = state->current;
  state->func (&state->progress, state->user_data);
}

/* The survival check's progress: forced once when it starts and once when it ends. */
static void
on_check_progress (guint    n_checked,
                   guint    n_to_check,
                   gpointer user_data)
{
  ProgressState *state = user_data;
  gboolean first = state->progress.phase != VEIL_EXPORT_PHASE_CHECKING;

  state->progress.phase = VEIL_EXPORT_PHASE_CHECKING;
  state->progress.n_checked = n_checked;
  state->progress.n_to_check = n_to_check;
  progress_emit (state, first || n_checked == n_to_check);
}

/* Removes the outputs an earlier run wrote for inputs that are gone, when they still hold
 * what it wrote (a file someone put there since is left alone). Returns how many. */
static guint
remove_orphans (const char *output_dir,
                GPtrArray  *orphans)
{
  guint n_removed = 0;

  for (guint i = 0; i < orphans->len; i++)
    {
      const VeilManifestEntry *entry = g_ptr_array_index (orphans, i);
      g_autofree char *sha256 = veil_paths_file_sha256_at (output_dir, entry->output, NULL);
      g_autoptr(GError) error = NULL;

      if (g_strcmp0 (sha256, entry->sha256) != 0)
        continue;
      if (veil_paths_remove_at (output_dir, entry->output, &error))
        n_removed++;
      else
        g_debug ("Could not remove an output whose input is gone: %s", error->message);
    }
  return n_removed;
}

/* Runs the jobs, journalling every outcome; returns FALSE for what stops the export. */
static gboolean
run_jobs (const VeilExportContext *context,
          const VeilExportJob     *jobs,
          guint                    n_jobs,
          VeilExportJournal       *journal,
          VeilManifest            *manifest,
          ProgressState           *state,
          GHashTable              *sampled,
          GError                 **error)
{
  g_autoptr(GError) fatal = NULL;
  VeilExportPipeline *pipeline;
  guint n_results = 0;
  /* The one thread budget of the export: --threads, all cores by default. */
  guint n_threads = context->options->n_threads > 0 ? context->options->n_threads
                                                    : g_get_num_processors ();

  if (n_jobs == 0)
    return TRUE;

  pipeline = _veil_export_pipeline_new (context, jobs, n_jobs, n_threads);
  for (;;)
    {
      g_autoptr(VeilExportResult) result = _veil_export_pipeline_pop (pipeline,
                                                                      PROGRESS_INTERVAL_US / 2);

      if (result != NULL)
        {
          n_results++;
          if (result->fatal != NULL)
            {
              if (fatal == NULL)
                fatal = g_steal_pointer (&result->fatal);
              _veil_export_pipeline_stop (pipeline);
            }
          else if (!_veil_export_journal_append (journal, result->entry,
                                                 fatal == NULL ? &fatal : NULL))
            _veil_export_pipeline_stop (pipeline);
          else
            {
              state->progress.n_done++;
              state->progress.bytes_read += result->bytes_read;
              if (result->entry->status == VEIL_MANIFEST_STATUS_FAILED)
                state->progress.n_failed++;
              g_free (state->current);
              state->current = veil_paths_display (result->entry->source);
              if (result->sampled)
                g_hash_table_add (sampled, GUINT_TO_POINTER (result->entry->index));
              veil_manifest_add (manifest, g_steal_pointer (&result->entry));
            }
        }
      else if (_veil_export_pipeline_finished (pipeline))
        break;

      if (fatal == NULL && g_cancellable_set_error_if_cancelled (context->cancellable, &fatal))
        _veil_export_pipeline_stop (pipeline);
      progress_emit (state, FALSE);
    }
  _veil_export_pipeline_free (pipeline);

  /* Workers stop taking jobs as soon as the cancellable fires, maybe before this loop saw it. */
  if (fatal == NULL && n_results < n_jobs)
    {
      if (!g_cancellable_set_error_if_cancelled (context->cancellable, &fatal))
        g_set_error (&fatal, VEIL_ERROR, VEIL_ERROR_FAILED,
                     _("The export stopped before every file was done"));
    }

  if (fatal != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&fatal));
      return FALSE;
    }
  return TRUE;
}

static VeilExportReport *export_locked (VeilDataset               *dataset,
                                        const char                *output_dir,
                                        const VeilExportOptions   *options,
                                        VeilExportLock            *lock,
                                        VeilExportProgressFunc     progress,
                                        gpointer                   user_data,
                                        GCancellable              *cancellable,
                                        GError                   **error);

VeilExportReport *
veil_export_run (VeilDataset               *dataset,
                 const char                *output_dir,
                 const VeilExportOptions   *options,
                 VeilExportProgressFunc     progress,
                 gpointer                   user_data,
                 GCancellable              *cancellable,
                 GError                   **error)
{
  VeilExportReport *report;
  VeilExportLock *lock;
  VeilExportOptions chosen;
  VeilProtectParams params;

  g_return_val_if_fail (dataset != NULL, NULL);
  g_return_val_if_fail (output_dir != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* p_b and the fraction as the person chose them: the filters, the choice of images and the
   * manifest all use the same decimals. */
  chosen = *options;
  veil_export_options_get_params (&chosen, &params);
  veil_protect_params_round (&params);
  veil_export_options_set_params (&chosen, &params);
  options = &chosen;

  if (!check_options (options, error)
      || !veil_export_check_output (veil_dataset_get_root (dataset), output_dir, error))
    return NULL;

  if (g_mkdir_with_parents (output_dir, 0755) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (output_dir);
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_WRITE,
                   _("Could not create the output folder “%s”: %s"), display,
                   g_strerror (saved_errno));
      return NULL;
    }

  lock = veil_export_lock_output (output_dir, options->shard_index, options->shard_count, error);
  if (lock == NULL)
    return NULL;
  report = export_locked (dataset, output_dir, options, lock, progress, user_data, cancellable,
                          error);
  veil_export_unlock_output (lock);
  return report;
}

/* The export proper, with the output folder locked for this run alone. */
static VeilExportReport *
export_locked (VeilDataset               *dataset,
               const char                *output_dir,
               const VeilExportOptions   *options,
               VeilExportLock            *lock,
               VeilExportProgressFunc     progress,
               gpointer                   user_data,
               GCancellable              *cancellable,
               GError                   **error)
{
  g_autoptr(VeilManifest) previous = NULL;
  g_autoptr(VeilManifest) manifest = NULL;
  g_autoptr(VeilFilterBank) bank = NULL;
  g_autoptr(VeilExportNames) names = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(GPtrArray) orphans = NULL;
  g_autoptr(GArray) jobs = NULL;
  g_autoptr(VeilSurvivalReport) survival = NULL;
  g_autoptr(GHashTable) sampled = g_hash_table_new (NULL, NULL);
  VeilExportReport *report;
  guint n_removed;
  g_autofree char *manifest_name = NULL;
  g_autofree char *journal_name = NULL;
  g_autofree char *manifest_path = NULL;
  g_autofree char *journal_path = NULL;
  VeilExportJournal journal = { .fd = -1 };
  ProgressState state = { 0 };
  VeilExportContext context;
  gboolean ok;

  manifest_name = veil_shard_manifest_name (options->shard_index, options->shard_count);
  journal_name = veil_shard_journal_name (options->shard_index, options->shard_count);
  manifest_path = g_build_filename (output_dir, manifest_name, NULL);
  journal_path = g_build_filename (output_dir, journal_name, NULL);
  manifest = new_header (dataset, options);
  if (!_veil_export_inspect_output (output_dir, options, manifest, manifest_path, journal_path,
                                    &previous, error))
    return NULL;

  bank = veil_filter_bank_new (options->key, veil_dataset_get_class_names (dataset),
                               veil_dataset_get_n_classes (dataset), options->k, options->pb,
                               error);
  if (bank == NULL)
    return NULL;

  if (previous != NULL && !veil_manifest_same_settings (previous, manifest, error))
    {
      g_autofree char *display = g_filename_display_name (output_dir);
      g_prefix_error (error, _("Cannot resume the export in “%s”: "), display);
      return NULL;
    }

  _veil_export_remove_temps (lock, options->shard_count > 1, output_dir);

  kept = g_ptr_array_new ();
  jobs = g_array_new (FALSE, FALSE, sizeof (VeilExportJob));
  orphans = g_ptr_array_new ();
  names = _veil_export_plan (dataset, options, output_dir, previous, manifest, kept, jobs,
                             orphans);
  n_removed = remove_orphans (output_dir, orphans);

  if (!_veil_export_journal_open (&journal, journal_path, manifest, kept, error))
    {
      _veil_export_journal_close (&journal);
      return NULL;
    }
  _veil_export_setup_done (lock);
  for (guint i = 0; i < kept->len; i++)
    {
      const VeilManifestEntry *entry = g_ptr_array_index (kept, i);

      veil_manifest_add (manifest, veil_manifest_entry_copy (entry));
    }

  state.func = progress;
  state.user_data = user_data;
  state.start = g_get_monotonic_time ();
  state.n_resumed = kept->len;
  state.progress.n_total = kept->len + jobs->len;
  state.progress.n_done = kept->len;
  state.progress.eta_seconds = -1.0;
  progress_emit (&state, TRUE);

  /* A shard sees only part of each class: its check is left to the merge. */
  if (options->survival_sample > 0 && options->shard_count <= 1)
    survival = veil_survival_report_new (bank, options->training_res);

  context = (VeilExportContext) {
    .dataset = dataset,
    .output_root = output_dir,
    .options = options,
    .bank = bank,
    .names = names,
    .cancellable = cancellable,
    .survival = survival,
  };
  ok = run_jobs (&context, (const VeilExportJob *) jobs->data, jobs->len, &journal, manifest,
                 &state, sampled, error);
  if (ok)
    ok = _veil_export_journal_sync (&journal, error);
  _veil_export_journal_close (&journal);
  progress_emit (&state, TRUE);
  g_clear_pointer (&state.current, g_free);
  if (!ok)
    return NULL;

  /* The survival check, before the manifest that records it: killed or cancelled here, the
   * journal is complete and a resumed run checks again. The pairs of images done earlier, or
   * in place of one that failed, come from the disk; the report's sums are exact, so the
   * result is the same whichever way a pair came. The pairs measured while writing count as
   * checked from the start. */
  if (survival != NULL)
    {
      if (!_veil_survival_add_manifest_sample (survival, manifest, bank,
                                               veil_dataset_get_root (dataset), output_dir,
                                               options->survival_sample, sampled,
                                               on_check_progress, &state, cancellable, error))
        return NULL;
      manifest->survival = veil_survival_report_to_json (survival);
    }

  /* Every output reaches the disk before the manifest that vouches for them. */
  if (!veil_paths_sync_tree (output_dir, error) || !veil_manifest_save (manifest, manifest_path,
                                                                        error))
    return NULL;
  g_unlink (journal_path);

  report = _veil_export_report_from_manifest (manifest, manifest_path, kept->len);
  report->n_removed = n_removed;
  report->survival = g_steal_pointer (&survival);
  return report;
}
