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

  options->kind = params->kind;
  options->k = params->k;
  options->pb = params->pb;
  options->mix = params->mix;
  options->training_res = params->training_res;
  options->keep_detail = params->keep_detail;
  options->decoy = params->decoy;
}

void
veil_export_options_get_params (const VeilExportOptions *options,
                                VeilProtectParams       *params)
{
  g_return_if_fail (options != NULL);
  g_return_if_fail (params != NULL);

  veil_protect_params_init_defaults (params);
  params->kind = options->kind;
  params->k = options->k;
  params->pb = options->pb;
  params->mix = options->mix;
  params->training_res = options->training_res;
  params->keep_detail = options->keep_detail;
  params->decoy = options->decoy;
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
            const VeilExportOptions *options,
            VeilFilterBank          *bank)
{
  VeilManifest *manifest = veil_manifest_new ();

  manifest->tool_version = g_strdup (PACKAGE_VERSION);
  manifest->kind = options->kind;
  manifest->k = options->k;
  manifest->pb = options->pb;
  manifest->mix = options->mix;
  manifest->training_res = options->training_res;
  manifest->keep_detail = options->keep_detail;
  /* What the filters are, not what was asked: a seed key or one class has no decoy. */
  manifest->decoy = veil_filter_bank_get_decoy (bank) >= 0;
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
      /* The lines of a batch go to the journal together, once the batch is taken. */
      if (fatal == NULL && !_veil_export_pipeline_has_results (pipeline)
          && !_veil_export_journal_flush (journal, &fatal))
        _veil_export_pipeline_stop (pipeline);

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

/* One export run with the output folder locked: what each phase below reads and leaves. */
typedef struct {
  VeilDataset               *dataset;
  const char                *output_dir;
  const VeilExportOptions   *options;
  VeilExportLock            *lock;
  GCancellable              *cancellable;
  char                      *manifest_path;
  char                      *journal_path;
  VeilManifest              *manifest;  /* this run's, filled as files are done */
  VeilManifest              *previous;  /* the earlier run's when resuming, else NULL */
  VeilFilterBank            *bank;
  VeilExportNames           *names;
  GPtrArray                 *kept;      /* entries of the earlier run that stand */
  GArray                    *jobs;      /* VeilExportJob: what this run does */
  GPtrArray                 *orphans;   /* entries whose inputs are gone */
  guint                      n_removed; /* outputs of those removed */
  VeilSurvivalReport        *survival;
  GHashTable                *sampled;   /* indices whose pairs the workers measured */
  VeilExportJournal          journal;
  ProgressState              state;
} ExportRun;

static void
export_run_clear (ExportRun *run)
{
  _veil_export_journal_close (&run->journal);
  g_clear_pointer (&run->state.current, g_free);
  g_clear_pointer (&run->manifest_path, g_free);
  g_clear_pointer (&run->journal_path, g_free);
  g_clear_pointer (&run->manifest, veil_manifest_free);
  g_clear_pointer (&run->previous, veil_manifest_free);
  g_clear_pointer (&run->bank, veil_filter_bank_unref);
  g_clear_pointer (&run->names, _veil_export_names_free);
  g_clear_pointer (&run->kept, g_ptr_array_unref);
  g_clear_pointer (&run->jobs, g_array_unref);
  g_clear_pointer (&run->orphans, g_ptr_array_unref);
  g_clear_pointer (&run->survival, veil_survival_report_unref);
  g_clear_pointer (&run->sampled, g_hash_table_unref);
}

/* Phase 1: this run's settings against what OUTPUT holds, and the filter bank. */
static gboolean
open_run (ExportRun  *run,
          GError    **error)
{
  const VeilExportOptions *options = run->options;
  g_autofree char *manifest_name = veil_shard_manifest_name (options->shard_index,
                                                             options->shard_count);
  g_autofree char *journal_name = veil_shard_journal_name (options->shard_index,
                                                           options->shard_count);

  run->manifest_path = g_build_filename (run->output_dir, manifest_name, NULL);
  run->journal_path = g_build_filename (run->output_dir, journal_name, NULL);
  run->bank = veil_filter_bank_new_full (options->key,
                                         veil_dataset_get_class_names (run->dataset),
                                         veil_dataset_get_n_classes (run->dataset), options->kind,
                                         options->k, options->pb, options->decoy, error);
  if (run->bank == NULL)
    return FALSE;
  run->manifest = new_header (run->dataset, options, run->bank);
  if (!_veil_export_inspect_output (run->output_dir, options, run->manifest, run->manifest_path,
                                    run->journal_path, &run->previous, error))
    return FALSE;

  if (run->previous != NULL && !veil_manifest_same_settings (run->previous, run->manifest, error))
    {
      g_autofree char *display = g_filename_display_name (run->output_dir);
      g_prefix_error (error, _("Cannot resume the export in “%s”: "), display);
      return FALSE;
    }
  return TRUE;
}

/* Phase 2: what stands from an earlier run and what this one does; the journal opened with the
 * entries that stand, so that a run killed from here on resumes. */
static gboolean
plan_run (ExportRun  *run,
          GError    **error)
{
  _veil_export_remove_temps (run->lock, run->options->shard_count > 1, run->output_dir);

  run->kept = g_ptr_array_new ();
  run->jobs = g_array_new (FALSE, FALSE, sizeof (VeilExportJob));
  run->orphans = g_ptr_array_new ();
  run->names = _veil_export_plan (run->dataset, run->options, run->output_dir, run->previous,
                                  run->manifest, run->kept, run->jobs, run->orphans);
  run->n_removed = remove_orphans (run->output_dir, run->orphans);

  if (!_veil_export_journal_open (&run->journal, run->journal_path, run->manifest, run->kept,
                                  error))
    return FALSE;
  _veil_export_setup_done (run->lock);
  for (guint i = 0; i < run->kept->len; i++)
    {
      const VeilManifestEntry *entry = g_ptr_array_index (run->kept, i);

      veil_manifest_add (run->manifest, veil_manifest_entry_copy (entry));
    }
  return TRUE;
}

/* Phase 3: every job through the workers, each outcome journalled; the journal synced. */
static gboolean
write_files (ExportRun               *run,
             VeilExportProgressFunc   progress,
             gpointer                 user_data,
             GError                 **error)
{
  const VeilExportOptions *options = run->options;
  VeilExportContext context;
  gboolean ok;

  run->state.func = progress;
  run->state.user_data = user_data;
  run->state.start = g_get_monotonic_time ();
  run->state.n_resumed = run->kept->len;
  run->state.progress.n_total = run->kept->len + run->jobs->len;
  run->state.progress.n_done = run->kept->len;
  run->state.progress.eta_seconds = -1.0;
  progress_emit (&run->state, TRUE);

  /* A shard sees only part of each class: its check is left to the merge. */
  if (options->survival_sample > 0 && options->shard_count <= 1)
    run->survival = veil_survival_report_new (run->bank, options->training_res);
  run->sampled = g_hash_table_new (NULL, NULL);

  context = (VeilExportContext) {
    .dataset = run->dataset,
    .output_root = run->output_dir,
    .options = options,
    .bank = run->bank,
    .names = run->names,
    .cancellable = run->cancellable,
    .survival = run->survival,
  };
  ok = run_jobs (&context, (const VeilExportJob *) run->jobs->data, run->jobs->len,
                 &run->journal, run->manifest, &run->state, run->sampled, error);
  if (ok)
    ok = _veil_export_journal_sync (&run->journal, error);
  _veil_export_journal_close (&run->journal);
  progress_emit (&run->state, TRUE);
  g_clear_pointer (&run->state.current, g_free);
  return ok;
}

/* Phase 4: the survival check, before the manifest that records it: killed or cancelled here,
 * the journal is complete and a resumed run checks again. The pairs of images done earlier, or
 * in place of one that failed, come from the disk; the report's sums are exact, so the result
 * is the same whichever way a pair came. The pairs measured while writing count as checked
 * from the start. */
static gboolean
check_survival (ExportRun  *run,
                GError    **error)
{
  if (run->survival == NULL)
    return TRUE;
  if (!_veil_survival_add_manifest_sample (run->survival, run->manifest, run->bank,
                                           veil_dataset_get_root (run->dataset), run->output_dir,
                                           run->options->survival_sample, run->sampled,
                                           on_check_progress, &run->state, run->cancellable,
                                           error))
    return FALSE;
  run->manifest->survival = veil_survival_report_to_json (run->survival);
  return TRUE;
}

/* Phase 5: every output reaches the disk before the manifest that vouches for them; the
 * journal goes once the manifest is there. */
static VeilExportReport *
publish_manifest (ExportRun  *run,
                  GError    **error)
{
  VeilExportReport *report;

  if (!veil_paths_sync_tree (run->output_dir, error)
      || !veil_manifest_save (run->manifest, run->manifest_path, error))
    return NULL;
  g_unlink (run->journal_path);

  report = _veil_export_report_from_manifest (run->manifest, run->manifest_path, run->kept->len);
  report->n_removed = run->n_removed;
  report->survival = g_steal_pointer (&run->survival);
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
  ExportRun run = {
    .dataset = dataset,
    .output_dir = output_dir,
    .options = options,
    .lock = lock,
    .cancellable = cancellable,
    .journal = { .fd = -1 },
  };
  VeilExportReport *report = NULL;

  if (open_run (&run, error)
      && plan_run (&run, error)
      && write_files (&run, progress, user_data, error)
      && check_survival (&run, error))
    report = publish_manifest (&run, error);
  export_run_clear (&run);
  return report;
}
