/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "veil-error.h"
#include "veil-export-private.h"
#include "veil-key.h"
#include "veil-mix.h"
#include "veil-paths.h"
#include "veil-shard.h"

/* Progress at most four times a second; the journal reaches the disk at least once a second. */
#define PROGRESS_INTERVAL_US (G_USEC_PER_SEC / 4)
#define JOURNAL_SYNC_INTERVAL_US G_USEC_PER_SEC
#define DEFAULT_TRAINING_RES 224u

void
veil_export_options_init (VeilExportOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->k = 3;
  options->pb = 0.3;
  options->mix = 1.0;
  /* Images at most this small on their short side are protected exactly as the paper does. */
  options->training_res = DEFAULT_TRAINING_RES;
  options->format = VEIL_OUTPUT_FORMAT_KEEP;
  options->jpeg_quality = 95;
}

static gboolean
check_options (const VeilExportOptions  *options,
               GError                  **error)
{
  const char *problem = NULL;

  if (options->key == NULL)
    problem = _("no key was given");
  else if (options->k < VEIL_KERNEL_SIZE_MIN || options->k > VEIL_KERNEL_SIZE_MAX
           || options->k % 2 == 0)
    problem = _("the filter size must be an odd number from 3 to 31");
  else if (!(options->pb > 0.0 && options->pb <= 1.0))
    problem = _("the filter strength must be above 0 and at most 1");
  else if (!(options->mix >= 0.0 && options->mix <= 1.0))
    problem = _("the fraction protected must be from 0 to 1");
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

gboolean
veil_export_check_output (const char  *input_dir,
                          const char  *output_dir,
                          GError     **error)
{
  g_autofree char *input = NULL;
  g_autofree char *output = NULL;
  g_autofree char *input_display = NULL;
  g_autofree char *output_display = NULL;

  g_return_val_if_fail (input_dir != NULL, FALSE);
  g_return_val_if_fail (output_dir != NULL, FALSE);

  input = veil_paths_canonicalize (input_dir, error);
  if (input == NULL)
    return FALSE;
  output = veil_paths_canonicalize (output_dir, error);
  if (output == NULL)
    return FALSE;

  input_display = g_filename_display_name (input_dir);
  output_display = g_filename_display_name (output_dir);
  if (strcmp (input, output) == 0)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_OUTPUT_OVERLAPS_INPUT,
                   _("The output folder “%s” is the input folder: choose a new, empty folder"),
                   output_display);
      return FALSE;
    }
  if (veil_paths_is_within (input, output))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_OUTPUT_OVERLAPS_INPUT,
                   _("The output folder “%s” lies inside the input folder “%s”: choose a folder "
                     "outside it"), output_display, input_display);
      return FALSE;
    }
  if (veil_paths_is_within (output, input))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_OUTPUT_OVERLAPS_INPUT,
                   _("The output folder “%s” contains the input folder “%s”: choose a folder "
                     "outside it"), output_display, input_display);
      return FALSE;
    }
  return TRUE;
}

gboolean
veil_export_can_resume (const char *output_dir)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_return_val_if_fail (output_dir != NULL, FALSE);

  dir = g_dir_open (output_dir, 0, NULL);
  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (veil_shard_is_journal_name (name))
      return TRUE;
  return FALSE;
}

/* What the output folder holds decides what may happen there:
 * - our journal: an interrupted export, continued only with resume;
 * - our finished manifest: a finished export, checked and completed only with resume;
 * - other Veil manifests or journals (other shards of the same export): allowed;
 * - anything else: refused, so that an export never mixes with unrelated files. */
static gboolean
inspect_output (const char               *output_dir,
                const VeilExportOptions  *options,
                const char               *manifest_path,
                const char               *journal_path,
                VeilManifest            **out_previous,
                GError                  **error)
{
  g_autofree char *display = g_filename_display_name (output_dir);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;
  gboolean empty = TRUE;
  gboolean ours = FALSE;

  *out_previous = NULL;

  if (g_file_test (journal_path, G_FILE_TEST_EXISTS))
    {
      if (!options->resume)
        {
          g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                       _("“%s” holds an unfinished export: resume it, or choose an empty folder"),
                       display);
          return FALSE;
        }
      *out_previous = veil_manifest_load_journal (journal_path, error);
      return *out_previous != NULL;
    }
  if (g_file_test (manifest_path, G_FILE_TEST_EXISTS))
    {
      if (!options->resume)
        {
          g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                       _("“%s” already holds a finished export: choose an empty folder"), display);
          return FALSE;
        }
      *out_previous = veil_manifest_load (manifest_path, error);
      return *out_previous != NULL;
    }

  dir = g_dir_open (output_dir, 0, &local_error);
  if (dir == NULL)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_WRITE, _("Cannot use the output folder “%s”: %s"),
                   display, local_error->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      empty = FALSE;
      if (veil_shard_is_manifest_name (name) || veil_shard_is_journal_name (name))
        ours = TRUE;
    }
  if (!empty && !ours)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("The output folder “%s” is not empty: choose a new or empty folder"),
                   display);
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

static gboolean
in_shard (const VeilExportOptions *options,
          const char              *relative_path)
{
  if (options->shard_count <= 1)
    return TRUE;
  return veil_shard_of_path (relative_path, options->shard_count) == options->shard_index;
}

/* Whether an earlier run's entry can stand: same decision, and its output still holds exactly
 * the bytes it recorded. */
static gboolean
previous_entry_holds (const VeilManifestEntry *entry,
                      const char              *output_dir,
                      const char              *source,
                      VeilManifestStatus       expected)
{
  g_autofree char *path = NULL;
  g_autofree char *sha256 = NULL;

  if (entry == NULL || entry->status != expected || entry->output == NULL
      || g_strcmp0 (entry->source, source) != 0)
    return FALSE;
  path = g_build_filename (output_dir, entry->output, NULL);
  sha256 = veil_paths_file_sha256 (path, NULL);
  return g_strcmp0 (sha256, entry->sha256) == 0;
}

typedef struct {
  int     fd;
  char   *path;
  gint64  last_sync;
} Journal;

static gboolean
journal_fail (Journal  *journal,
              GError  **error)
{
  int saved_errno = errno;
  g_autofree char *display = g_filename_display_name (journal->path);

  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    g_set_error (error, VEIL_ERROR, VEIL_ERROR_WRITE,
                 _("Could not write “%s”: the disk is full"), display);
  else
    g_set_error (error, VEIL_ERROR, VEIL_ERROR_WRITE, _("Could not write “%s”: %s"), display,
                 g_strerror (saved_errno));
  return FALSE;
}

/* Starts the journal afresh with the header and the entries carried over, atomically, so that
 * a torn line of an earlier crash never stays in the middle of it. */
static gboolean
journal_open (Journal            *journal,
              const char         *path,
              const VeilManifest *header,
              GPtrArray          *kept,
              GError            **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) local_error = NULL;

  journal->fd = -1;
  journal->path = g_strdup (path);
  journal->last_sync = g_get_monotonic_time ();

  {
    g_autofree char *line = veil_manifest_journal_header (header);
    g_string_append (text, line);
  }
  for (guint i = 0; i < kept->len; i++)
    {
      g_autofree char *line = veil_manifest_journal_entry (g_ptr_array_index (kept, i));
      g_string_append (text, line);
    }
  if (!g_file_set_contents_full (path, text->str, (gssize) text->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0644, &local_error))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_WRITE, "%s", local_error->message);
      return FALSE;
    }
  journal->fd = g_open (path, O_WRONLY | O_APPEND | O_CLOEXEC, 0);
  if (journal->fd < 0)
    return journal_fail (journal, error);
  return TRUE;
}

static gboolean
journal_sync (Journal  *journal,
              GError  **error)
{
  journal->last_sync = g_get_monotonic_time ();
  if (journal->fd >= 0 && fdatasync (journal->fd) != 0)
    return journal_fail (journal, error);
  return TRUE;
}

static gboolean
journal_append (Journal                 *journal,
                const VeilManifestEntry *entry,
                GError                 **error)
{
  g_autofree char *line = veil_manifest_journal_entry (entry);
  const char *p = line;
  gsize left = strlen (line);

  while (left > 0)
    {
      gssize n = write (journal->fd, p, left);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return journal_fail (journal, error);
      p += n;
      left -= (gsize) n;
    }
  if (g_get_monotonic_time () - journal->last_sync >= JOURNAL_SYNC_INTERVAL_US)
    return journal_sync (journal, error);
  return TRUE;
}

static void
journal_close (Journal *journal)
{
  if (journal->fd >= 0)
    {
      fdatasync (journal->fd);
      close (journal->fd);
    }
  journal->fd = -1;
  g_clear_pointer (&journal->path, g_free);
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

static VeilExportReport *
report_from_manifest (VeilManifest *manifest,
                      const char   *manifest_path,
                      guint         n_resumed)
{
  VeilExportReport *report = _veil_export_report_new ();
  GPtrArray *lists[] = { manifest->images, manifest->other };

  report->n_skipped = n_resumed;
  report->manifest_path = g_strdup (manifest_path);
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        const VeilManifestEntry *entry = g_ptr_array_index (lists[l], i);

        switch (entry->status)
          {
          case VEIL_MANIFEST_STATUS_PROTECTED:
            report->n_protected++;
            break;
          case VEIL_MANIFEST_STATUS_UNCHANGED:
            report->n_unchanged++;
            break;
          case VEIL_MANIFEST_STATUS_COPIED:
            report->n_copied++;
            break;
          case VEIL_MANIFEST_STATUS_FAILED:
            _veil_export_report_add_failure (report, entry->source, entry->message);
            break;
          case VEIL_MANIFEST_STATUS_SKIPPED:
          default:
            break;
          }
      }
  return report;
}

/* Runs the jobs, journalling every outcome; returns FALSE for what stops the export. */
static gboolean
run_jobs (const VeilExportContext *context,
          const VeilExportJob     *jobs,
          guint                    n_jobs,
          Journal                 *journal,
          VeilManifest            *manifest,
          ProgressState           *state,
          GError                 **error)
{
  g_autoptr(GError) fatal = NULL;
  VeilExportPipeline *pipeline;
  guint n_results = 0;
  guint n_workers = context->options->n_threads > 0 ? context->options->n_threads
                                                    : g_get_num_processors ();

  if (n_jobs == 0)
    return TRUE;

  pipeline = _veil_export_pipeline_new (context, jobs, n_jobs, n_workers);
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
          else if (!journal_append (journal, result->entry, fatal == NULL ? &fatal : NULL))
            _veil_export_pipeline_stop (pipeline);
          else
            {
              state->progress.n_done++;
              state->progress.bytes_read += result->bytes_read;
              if (result->entry->status == VEIL_MANIFEST_STATUS_FAILED)
                state->progress.n_failed++;
              g_free (state->current);
              state->current = veil_paths_display (result->entry->source);
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

VeilExportReport *
veil_export_run (VeilDataset               *dataset,
                 const char                *output_dir,
                 const VeilExportOptions   *options,
                 VeilExportProgressFunc     progress,
                 gpointer                   user_data,
                 GCancellable              *cancellable,
                 GError                   **error)
{
  g_autoptr(VeilManifest) previous = NULL;
  g_autoptr(VeilManifest) manifest = NULL;
  g_autoptr(VeilFilterBank) bank = NULL;
  g_autoptr(GHashTable) stems = NULL;
  g_autoptr(GHashTable) previous_images = NULL;
  g_autoptr(GHashTable) previous_other = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(GArray) jobs = NULL;
  g_autofree gboolean *seeded = NULL;
  g_autofree char *manifest_name = NULL;
  g_autofree char *journal_name = NULL;
  g_autofree char *manifest_path = NULL;
  g_autofree char *journal_path = NULL;
  Journal journal = { .fd = -1 };
  ProgressState state = { 0 };
  VeilExportContext context;
  guint n_images, n_skipped_files;
  gboolean ok;

  g_return_val_if_fail (dataset != NULL, NULL);
  g_return_val_if_fail (output_dir != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

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

  manifest_name = veil_shard_manifest_name (options->shard_index, options->shard_count);
  journal_name = veil_shard_journal_name (options->shard_index, options->shard_count);
  manifest_path = g_build_filename (output_dir, manifest_name, NULL);
  journal_path = g_build_filename (output_dir, journal_name, NULL);
  if (!inspect_output (output_dir, options, manifest_path, journal_path, &previous, error))
    return NULL;

  bank = veil_filter_bank_new (options->key, veil_dataset_get_class_names (dataset),
                               veil_dataset_get_n_classes (dataset), options->k, options->pb,
                               error);
  if (bank == NULL)
    return NULL;

  manifest = new_header (dataset, options);
  if (previous != NULL && !veil_manifest_same_settings (previous, manifest, error))
    {
      g_autofree char *display = g_filename_display_name (output_dir);
      g_prefix_error (error, _("Cannot resume the export in “%s”: "), display);
      return NULL;
    }

  veil_paths_remove_temps (output_dir);

  n_images = veil_dataset_get_n_images (dataset);
  n_skipped_files = veil_dataset_get_n_skipped (dataset);

  stems = veil_paths_stem_table_new ();
  for (guint i = 0; i < n_images; i++)
    veil_paths_stem_table_add (stems, veil_dataset_get_image (dataset, i)->relative_path);
  for (guint i = 0; i < n_skipped_files; i++)
    veil_paths_stem_table_add (stems, veil_dataset_get_skipped (dataset, i)->relative_path);

  /* The reference draws one number per image of the whole dataset in order: every shard
   * draws them all and keeps its own. */
  if (veil_key_get_kind (options->key) == VEIL_KEY_KIND_SEED && options->mix < 1.0)
    seeded = veil_mix_decide_seeded (veil_key_get_seed (options->key),
                                     veil_dataset_get_n_classes (dataset), options->k, n_images,
                                     options->mix);

  previous_images = g_hash_table_new (NULL, NULL);
  previous_other = g_hash_table_new (NULL, NULL);
  if (previous != NULL)
    {
      veil_manifest_sort (previous);
      for (guint i = 0; i < previous->images->len; i++)
        {
          VeilManifestEntry *entry = g_ptr_array_index (previous->images, i);
          g_hash_table_insert (previous_images, GUINT_TO_POINTER (entry->index), entry);
        }
      for (guint i = 0; i < previous->other->len; i++)
        {
          VeilManifestEntry *entry = g_ptr_array_index (previous->other, i);
          g_hash_table_insert (previous_other, GUINT_TO_POINTER (entry->index), entry);
        }
    }

  kept = g_ptr_array_new ();
  jobs = g_array_new (FALSE, FALSE, sizeof (VeilExportJob));
  for (guint i = 0; i < n_images; i++)
    {
      const VeilDatasetImage *image = veil_dataset_get_image (dataset, i);
      VeilExportJob job = { .is_image = TRUE, .index = i };
      VeilManifestEntry *entry;

      if (!in_shard (options, image->relative_path))
        continue;
      if (seeded != NULL)
        job.protect = seeded[i];
      else if (veil_key_get_kind (options->key) == VEIL_KEY_KIND_SECRET)
        job.protect = veil_mix_decide_keyed (options->key, image->relative_path, options->mix);
      else
        job.protect = TRUE;

      entry = g_hash_table_lookup (previous_images, GUINT_TO_POINTER (i));
      if (previous_entry_holds (entry, output_dir, image->relative_path,
                                job.protect ? VEIL_MANIFEST_STATUS_PROTECTED
                                            : VEIL_MANIFEST_STATUS_UNCHANGED))
        g_ptr_array_add (kept, entry);
      else
        g_array_append_val (jobs, job);
    }
  for (guint i = 0; i < n_skipped_files; i++)
    {
      const VeilDatasetSkipped *skipped = veil_dataset_get_skipped (dataset, i);
      VeilExportJob job = { .is_image = FALSE, .index = i };
      VeilManifestEntry *entry;

      if (!in_shard (options, skipped->relative_path))
        continue;
      /* Files beside the images are copied on request; hidden files and unreadable ones never. */
      if (options->copy_other && (skipped->reason == VEIL_SKIP_NOT_IMAGE
                                  || skipped->reason == VEIL_SKIP_OUTSIDE_CLASS))
        {
          entry = g_hash_table_lookup (previous_other, GUINT_TO_POINTER (i));
          if (previous_entry_holds (entry, output_dir, skipped->relative_path,
                                    VEIL_MANIFEST_STATUS_COPIED))
            g_ptr_array_add (kept, entry);
          else
            g_array_append_val (jobs, job);
        }
      else
        veil_manifest_add (manifest, _veil_export_other_entry (dataset, i));
    }

  if (!journal_open (&journal, journal_path, manifest, kept, error))
    {
      journal_close (&journal);
      return NULL;
    }
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

  context = (VeilExportContext) {
    .dataset = dataset,
    .output_root = output_dir,
    .options = options,
    .bank = bank,
    .stems = stems,
    .cancellable = cancellable,
  };
  ok = run_jobs (&context, (const VeilExportJob *) jobs->data, jobs->len, &journal, manifest,
                 &state, error);
  if (ok)
    ok = journal_sync (&journal, error);
  journal_close (&journal);
  progress_emit (&state, TRUE);
  g_free (state.current);
  if (!ok)
    return NULL;

  /* Every output reaches the disk before the manifest that vouches for them. */
  if (!veil_paths_sync_tree (output_dir, error) || !veil_manifest_save (manifest, manifest_path,
                                                                        error))
    return NULL;
  g_unlink (journal_path);

  return report_from_manifest (manifest, manifest_path, kept->len);
}

/* Asynchronous export: veil_export_run() in a GTask thread, progress forwarded to the
 * caller's main context. */

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
