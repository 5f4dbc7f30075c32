/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "veil-confined.h"
#include "veil-detail.h"
#include "veil-error.h"
#include "veil-export-private.h"
#include "veil-image-io.h"
#include "veil-paths.h"
#include "veil-protect.h"
#include "veil-survival.h"

/* Each worker runs a whole image (decode → protect → encode → write), which keeps every core
 * busy on folders of many small files without any hand-over between threads. Memory is bounded
 * by admitting images by pixel count: at most this many decoded pixels are in flight (two
 * 24-megapixel photos), except that one image alone is always admitted. */
#define PIXEL_BUDGET (50u * 1000u * 1000u)
/* Files this small cannot hold enough pixels to matter; larger ones are measured from their
 * header before they are admitted. */
#define SMALL_FILE_BYTES (64u * 1024u)
/* Images this large are protected with several threads (OpenMP inside the convolution): those
 * of the budget no worker is using; smaller ones with one thread each, the workers providing
 * the parallelism. */
#define LARGE_IMAGE_PIXELS (1u << 20)
/* When no result waits, the collector pauses this long before it blocks on the queue: workers
 * then hand their results over without waking it for each one (a futex wake and two context
 * switches per image, on the cores the workers need, for images done in a few hundred
 * microseconds), and it takes them in batches. Measured on 10 000 32×32 PNGs with 2 threads
 * (bench/RESULTS.md, round 6): 500 µs saves as much CPU as 2 ms on an idle machine, and unlike
 * 2 ms it does not lose the export its share of a machine busy with other programs. */
#define COLLECT_PAUSE_US 500

struct _VeilExportPipeline {
  VeilExportContext    context;
  const VeilExportJob *jobs;
  guint                n_jobs;
  GPtrArray           *threads;
  GAsyncQueue         *results;
  char                *input_prefix; /* "<input root>/" as error messages show it */

  gint                 next_job;     /* atomic */
  gint                 stopped;      /* atomic */
  gint                 n_running;    /* atomic: workers not yet exited */

  GMutex               lock;
  GCond                admitted;     /* pixels or threads were given back */
  guint64              pixels_in_flight;
  /* One thread budget for the whole export: every worker at work holds one thread of it; a
   * worker waiting for pixels lends its thread, and a large image borrows the threads nobody
   * uses for its convolution. So workers × threads per image never exceed the budget. */
  guint                threads_free;
};

void
_veil_export_result_free (VeilExportResult *result)
{
  if (result == NULL)
    return;
  veil_manifest_entry_free (result->entry);
  g_clear_error (&result->fatal);
  g_free (result);
}

static guint64
acquire_pixels (VeilExportPipeline *pipeline,
                guint64             pixels)
{
  pixels = MIN (pixels, PIXEL_BUDGET);
  if (pixels == 0)
    return 0;

  g_mutex_lock (&pipeline->lock);
  if (pipeline->pixels_in_flight > 0 && pipeline->pixels_in_flight + pixels > PIXEL_BUDGET)
    {
      /* Waiting costs no CPU: the thread goes to whoever can use it meanwhile. */
      pipeline->threads_free++;
      while (pipeline->pixels_in_flight > 0
             && pipeline->pixels_in_flight + pixels > PIXEL_BUDGET
             && !g_atomic_int_get (&pipeline->stopped))
        g_cond_wait (&pipeline->admitted, &pipeline->lock);
      while (pipeline->threads_free == 0 && !g_atomic_int_get (&pipeline->stopped))
        g_cond_wait (&pipeline->admitted, &pipeline->lock);
      if (pipeline->threads_free > 0)
        pipeline->threads_free--;
    }
  pipeline->pixels_in_flight += pixels;
  g_mutex_unlock (&pipeline->lock);
  return pixels;
}

static void
release_pixels (VeilExportPipeline *pipeline,
                guint64             pixels)
{
  if (pixels == 0)
    return;
  g_mutex_lock (&pipeline->lock);
  pipeline->pixels_in_flight -= pixels;
  g_cond_broadcast (&pipeline->admitted);
  g_mutex_unlock (&pipeline->lock);
}

/* The threads of the budget nobody uses, taken for one large image; give them back with
 * give_threads(). */
static guint
borrow_threads (VeilExportPipeline *pipeline)
{
  guint extra;

  g_mutex_lock (&pipeline->lock);
  extra = pipeline->threads_free;
  pipeline->threads_free = 0;
  g_mutex_unlock (&pipeline->lock);
  return extra;
}

static void
give_threads (VeilExportPipeline *pipeline,
              guint               n)
{
  if (n == 0)
    return;
  g_mutex_lock (&pipeline->lock);
  pipeline->threads_free += n;
  g_cond_broadcast (&pipeline->admitted);
  g_mutex_unlock (&pipeline->lock);
}

static guint64
estimate_pixels (const char *path,
                 guint64     size)
{
  int width = 0, height = 0;

  if (size < SMALL_FILE_BYTES)
    return 0;
  if (!veil_image_peek_size (path, &width, &height))
    return 0;
  return (guint64) width * (guint64) height;
}

/* Error messages name files by absolute path; the manifest keeps them relative so that it does
 * not depend on where the input lies (shards may run on different machines). */
static char *
relative_message (VeilExportPipeline *pipeline,
                  const char         *message)
{
  GString *text = g_string_new (message);

  g_string_replace (text, pipeline->input_prefix, "", 0);
  return g_string_free (text, FALSE);
}

static void
fail_entry (VeilExportPipeline *pipeline,
            VeilManifestEntry  *entry,
            const GError       *error)
{
  entry->status = VEIL_MANIFEST_STATUS_FAILED;
  g_clear_pointer (&entry->output, g_free);
  g_clear_pointer (&entry->sha256, g_free);
  entry->message = relative_message (pipeline, error->message);
}

static gboolean
is_fatal (const GError *error)
{
  return g_error_matches (error, VEIL_ERROR, VEIL_ERROR_WRITE)
         || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Adds a sampled image's pair to the survival report while its original is in memory. The
 * protected side is what was written: decoded from the file just written (from the page
 * cache) unless the format is lossless, so that the pair is exactly what a later run loads
 * from the disk for an image it resumes, and the manifest's report comes out the same. */
static gboolean
add_survival_pair (VeilExportPipeline *pipeline,
                   const VeilImage    *decoded,
                   GdkPixbuf          *written,
                   const char         *format,
                   guint               class_index,
                   const char         *output_name)
{
  g_autoptr(VeilImage) reloaded = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (format, "png") != 0)
    {
      g_autofree char *path = g_build_filename (pipeline->context.output_root, output_name,
                                                NULL);

      reloaded = veil_image_load (path, pipeline->context.cancellable, &error);
      if (reloaded == NULL)
        {
          g_debug ("Survival check skips a pair: %s", error->message);
          return FALSE;
        }
      written = reloaded->pixbuf;
    }
  if (!veil_survival_report_add_pixbufs (pipeline->context.survival, class_index,
                                         decoded->pixbuf, written, &error))
    {
      g_debug ("Survival check skips a pair: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* Decodes, protects (or not) and re-encodes one image. FALSE with @error only for problems
 * that stop the export; a bad image is recorded in @entry. @sampled tells whether its pair
 * went into the survival report. */
static gboolean
encode_image (VeilExportPipeline      *pipeline,
              VeilPathsFolders        *folders,
              const VeilExportJob     *job,
              const VeilDatasetImage  *image,
              const char              *source_path,
              VeilManifestEntry       *entry,
              gboolean                *sampled,
              GError                 **error)
{
  const VeilExportOptions *options = pipeline->context.options;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(VeilImage) decoded = NULL;
  g_autoptr(GdkPixbuf) protected = NULL;
  g_autoptr(GBytes) encoded = NULL;
  const char *format;
  GdkPixbuf *pixels;

  decoded = veil_image_load (source_path, pipeline->context.cancellable, &local_error);
  if (decoded == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return g_propagate_error (error, g_steal_pointer (&local_error)), FALSE;
      fail_entry (pipeline, entry, local_error);
      return TRUE;
    }

  pixels = decoded->pixbuf;
  if (job->protect)
    {
      int width = gdk_pixbuf_get_width (pixels);
      int height = gdk_pixbuf_get_height (pixels);
      guint64 n_pixels = (guint64) width * (guint64) height;
      guint extra;
      gboolean ok;

      protected = gdk_pixbuf_new (GDK_COLORSPACE_RGB, gdk_pixbuf_get_has_alpha (pixels), 8,
                                  width, height);
      if (protected == NULL)
        {
          g_autofree char *display = g_filename_display_name (image->relative_path);
          g_set_error (&local_error, VEIL_ERROR, VEIL_ERROR_IMAGE_TOO_LARGE,
                       _("“%s” is too large to protect: out of memory"), display);
          fail_entry (pipeline, entry, local_error);
          return TRUE;
        }
      extra = n_pixels >= LARGE_IMAGE_PIXELS ? borrow_threads (pipeline) : 0;
      ok = (options->keep_detail ? veil_detail_protect : veil_protect_pixels) (
             pipeline->context.bank, image->class_index, options->training_res,
             gdk_pixbuf_read_pixels (pixels), gdk_pixbuf_get_rowstride (pixels),
             gdk_pixbuf_get_pixels (protected), gdk_pixbuf_get_rowstride (protected), width,
             height, gdk_pixbuf_get_n_channels (pixels), 1 + (int) extra,
             pipeline->context.cancellable, &local_error);
      give_threads (pipeline, extra);
      if (!ok)
        {
          if (is_fatal (local_error))
            return g_propagate_error (error, g_steal_pointer (&local_error)), FALSE;
          fail_entry (pipeline, entry, local_error);
          return TRUE;
        }
      pixels = protected;
    }

  /* The format the planned name says (see veil-export-names.c), not the one the contents
   * happen to be in: names never depend on what a file holds. */
  format = pipeline->context.names->image_formats[job->index];
  entry->notes = decoded->notes;
  if (options->format == VEIL_OUTPUT_FORMAT_KEEP
      && g_strcmp0 (format, veil_image_format_from_name (image->relative_path)) != 0)
    entry->notes |= VEIL_IMAGE_NOTE_CONVERTED;
  encoded = veil_image_encode (decoded, pixels, format, options->jpeg_quality, &local_error);
  if (encoded == NULL)
    {
      fail_entry (pipeline, entry, local_error);
      return TRUE;
    }

  entry->output = g_strdup (pipeline->context.names->image_outputs[job->index]);
  if (!veil_paths_write_atomic_in (folders, entry->output, encoded, &entry->sha256,
                                   &local_error))
    {
      /* A name or a path refused below OUTPUT concerns this file only. */
      if (is_fatal (local_error))
        return g_propagate_error (error, g_steal_pointer (&local_error)), FALSE;
      fail_entry (pipeline, entry, local_error);
      return TRUE;
    }
  entry->status = job->protect ? VEIL_MANIFEST_STATUS_PROTECTED : VEIL_MANIFEST_STATUS_UNCHANGED;
  if (job->sample && job->protect && pipeline->context.survival != NULL)
    {
      /* The encoded bytes and the protected pixels are not needed any more: free them before
       * a reload makes a third full-size buffer. */
      g_clear_pointer (&encoded, g_bytes_unref);
      if (g_strcmp0 (format, "png") != 0)
        g_clear_object (&protected);
      *sampled = add_survival_pair (pipeline, decoded, protected, format, image->class_index,
                                    entry->output);
    }
  return TRUE;
}

/* Copies the input file @relative byte for byte to @entry->output. An image is opened as the
 * scan found it, through the user's links to pictures kept elsewhere, and only when it is a
 * picture; any other file only inside INPUT, never through a symlink, so that --copy-other
 * cannot publish a file from elsewhere (a key, /etc/shadow). Either way only a regular file,
 * and never a key file. */
static gboolean
copy_input (VeilExportPipeline *pipeline,
            const char         *relative,
            gboolean            is_image,
            VeilManifestEntry  *entry,
            guint64            *bytes_read,
            GError            **error)
{
  const char *root = veil_dataset_get_root (pipeline->context.dataset);
  gboolean ok;
  int fd;

  if (is_image)
    {
      g_autofree char *path = g_build_filename (root, relative, NULL);
      int width, height;

      /* Copied without decoding, so make sure it is a picture at all: a link named like one
       * may lead to any file. */
      if (!veil_image_peek_size (path, &width, &height))
        {
          g_autofree char *display = veil_paths_display (relative);
          g_set_error (error, VEIL_ERROR, VEIL_ERROR_IMAGE_CORRUPT,
                       _("“%s” is not a picture Veil can read, so it is not copied"), display);
          return FALSE;
        }
      fd = veil_open_regular (path, error);
    }
  else
    {
      int root_fd = veil_confined_open_root (root, error);

      fd = root_fd >= 0 ? veil_confined_open_read (root_fd, relative, error) : -1;
      if (root_fd >= 0)
        close (root_fd);
    }
  if (fd < 0)
    return FALSE;
  ok = veil_paths_copy_atomic (fd, relative, pipeline->context.output_root, entry->output, NULL,
                               &entry->sha256, bytes_read, pipeline->context.cancellable, error);
  close (fd);
  return ok;
}

static VeilExportResult *
run_image_job (VeilExportPipeline  *pipeline,
               VeilPathsFolders    *folders,
               const VeilExportJob *job)
{
  VeilDataset *dataset = pipeline->context.dataset;
  const VeilDatasetImage *image = veil_dataset_get_image (dataset, job->index);
  g_autofree char *source_path = g_build_filename (veil_dataset_get_root (dataset),
                                                   image->relative_path, NULL);
  VeilExportResult *result = g_new0 (VeilExportResult, 1);
  g_autoptr(VeilManifestEntry) entry = veil_manifest_entry_new ();
  g_autoptr(GError) error = NULL;

  result->job = job;
  entry->is_image = TRUE;
  entry->index = job->index;
  entry->source = g_strdup (image->relative_path);
  entry->class_name = g_strdup (veil_dataset_get_class_name (dataset, image->class_index));
  /* Before reading: a file that changes while it is read is redone by the next resume. */
  entry->has_source_stat = _veil_export_source_stat (dataset, image->relative_path, TRUE,
                                                     &entry->source_size, &entry->source_mtime_ns);

  if (pipeline->context.names->image_outputs[job->index] == NULL)
    {
      entry->status = VEIL_MANIFEST_STATUS_FAILED;
      entry->message = g_strdup (pipeline->context.names->image_problems[job->index]);
    }
  else if (!veil_paths_resolves_within (veil_dataset_get_root (dataset), image->relative_path,
                                        &error))
    {
      fail_entry (pipeline, entry, error);
      g_clear_error (&error);
    }
  else if (!job->protect && pipeline->context.options->format == VEIL_OUTPUT_FORMAT_KEEP)
    {
      /* An image the mix leaves clean is the original file, byte for byte: decoding and
       * re-encoding it would only lose quality and metadata. */
      entry->output = g_strdup (pipeline->context.names->image_outputs[job->index]);
      if (copy_input (pipeline, image->relative_path, TRUE, entry, &result->bytes_read, &error))
        entry->status = VEIL_MANIFEST_STATUS_UNCHANGED;
      else if (!is_fatal (error))
        fail_entry (pipeline, entry, error);
    }
  else
    {
      guint64 pixels = acquire_pixels (pipeline, estimate_pixels (source_path, image->size));

      result->bytes_read = image->size;
      encode_image (pipeline, folders, job, image, source_path, entry, &result->sampled,
                    &error);
      release_pixels (pipeline, pixels);
    }

  if (error != NULL && is_fatal (error))
    result->fatal = g_steal_pointer (&error);
  else
    result->entry = g_steal_pointer (&entry);
  return result;
}

/* The manifest entry of a file the scan set aside, before any copy. */
VeilManifestEntry *
_veil_export_other_entry (VeilDataset *dataset,
                          guint        index)
{
  const VeilDatasetSkipped *skipped = veil_dataset_get_skipped (dataset, index);
  VeilManifestEntry *entry = veil_manifest_entry_new ();
  g_autofree char *prefix = NULL;
  GString *message;

  entry->is_image = FALSE;
  entry->index = index;
  entry->source = g_strdup (skipped->relative_path);
  entry->reason = g_strdup (veil_dataset_skip_reason_name (skipped->reason));
  entry->status = skipped->reason == VEIL_SKIP_UNREADABLE ? VEIL_MANIFEST_STATUS_FAILED
                                                          : VEIL_MANIFEST_STATUS_SKIPPED;

  prefix = g_strconcat (veil_dataset_get_root (dataset), G_DIR_SEPARATOR_S, NULL);
  message = g_string_new (skipped->message);
  {
    g_autofree char *display = g_filename_display_name (prefix);
    g_string_replace (message, display, "", 0);
  }
  entry->message = g_string_free (message, FALSE);
  return entry;
}

static VeilExportResult *
run_other_job (VeilExportPipeline  *pipeline,
               const VeilExportJob *job)
{
  VeilDataset *dataset = pipeline->context.dataset;
  g_autoptr(VeilManifestEntry) entry = _veil_export_other_entry (dataset, job->index);
  VeilExportResult *result = g_new0 (VeilExportResult, 1);
  g_autoptr(GError) error = NULL;

  result->job = job;
  g_clear_pointer (&entry->message, g_free);
  entry->has_source_stat = _veil_export_source_stat (dataset, entry->source, FALSE,
                                                     &entry->source_size, &entry->source_mtime_ns);
  entry->output = g_strdup (pipeline->context.names->other_outputs[job->index]);
  if (entry->output == NULL)
    {
      entry->status = VEIL_MANIFEST_STATUS_FAILED;
      entry->message = g_strdup (pipeline->context.names->other_problems[job->index]);
    }
  else if (copy_input (pipeline, entry->source, FALSE, entry, &result->bytes_read, &error))
    entry->status = VEIL_MANIFEST_STATUS_COPIED;
  else if (!is_fatal (error))
    fail_entry (pipeline, entry, error);

  if (error != NULL && is_fatal (error))
    result->fatal = g_steal_pointer (&error);
  else
    result->entry = g_steal_pointer (&entry);
  return result;
}

static gpointer
worker_main (gpointer data)
{
  VeilExportPipeline *pipeline = data;
  /* This worker's output folders, opened once (see veil-paths-folders.c). */
  g_autoptr(VeilPathsFolders) folders = veil_paths_folders_new (pipeline->context.output_root);

  for (;;)
    {
      guint i;
      VeilExportResult *result;

      if (g_atomic_int_get (&pipeline->stopped)
          || g_cancellable_is_cancelled (pipeline->context.cancellable))
        break;
      i = (guint) g_atomic_int_add (&pipeline->next_job, 1);
      if (i >= pipeline->n_jobs)
        break;

      if (pipeline->jobs[i].is_image)
        result = run_image_job (pipeline, folders, &pipeline->jobs[i]);
      else
        result = run_other_job (pipeline, &pipeline->jobs[i]);
      g_async_queue_push (pipeline->results, result);
    }

  /* The thread goes back to the budget for the large images still under way. */
  give_threads (pipeline, 1);
  g_atomic_int_dec_and_test (&pipeline->n_running);
  /* Wake the collector so it notices the end without waiting for its timeout. */
  g_async_queue_push (pipeline->results, g_new0 (VeilExportResult, 1));
  return NULL;
}

VeilExportPipeline *
_veil_export_pipeline_new (const VeilExportContext *context,
                           const VeilExportJob     *jobs,
                           guint                    n_jobs,
                           guint                    n_threads)
{
  VeilExportPipeline *pipeline = g_new0 (VeilExportPipeline, 1);
  g_autofree char *root = g_strconcat (veil_dataset_get_root (context->dataset),
                                       G_DIR_SEPARATOR_S, NULL);
  guint n_workers;

  pipeline->context = *context;
  pipeline->jobs = jobs;
  pipeline->n_jobs = n_jobs;
  pipeline->results = g_async_queue_new_full ((GDestroyNotify) _veil_export_result_free);
  pipeline->input_prefix = g_filename_display_name (root);
  pipeline->threads = g_ptr_array_new ();
  g_mutex_init (&pipeline->lock);
  g_cond_init (&pipeline->admitted);

  n_threads = MAX (n_threads, 1);
  n_workers = MIN (n_threads, MAX (n_jobs, 1));
  pipeline->threads_free = n_threads - n_workers;
  g_atomic_int_set (&pipeline->n_running, (gint) n_workers);
  for (guint i = 0; i < n_workers; i++)
    g_ptr_array_add (pipeline->threads, g_thread_new ("veil-export", worker_main, pipeline));
  return pipeline;
}

VeilExportResult *
_veil_export_pipeline_pop (VeilExportPipeline *pipeline,
                           gint64              timeout_us)
{
  VeilExportResult *result;

  g_return_val_if_fail (pipeline != NULL, NULL);

  if (g_async_queue_length (pipeline->results) <= 0
      && g_atomic_int_get (&pipeline->n_running) > 0)
    {
      g_usleep (MIN (timeout_us, COLLECT_PAUSE_US));
      timeout_us -= MIN (timeout_us, COLLECT_PAUSE_US);
    }
  result = g_async_queue_timeout_pop (pipeline->results, timeout_us);
  /* A worker's end-of-work marker carries no job. */
  while (result != NULL && result->job == NULL)
    {
      _veil_export_result_free (result);
      result = g_async_queue_try_pop (pipeline->results);
    }
  return result;
}

void
_veil_export_pipeline_stop (VeilExportPipeline *pipeline)
{
  g_return_if_fail (pipeline != NULL);

  g_atomic_int_set (&pipeline->stopped, 1);
  g_mutex_lock (&pipeline->lock);
  g_cond_broadcast (&pipeline->admitted);
  g_mutex_unlock (&pipeline->lock);
}

gboolean
_veil_export_pipeline_has_results (VeilExportPipeline *pipeline)
{
  g_return_val_if_fail (pipeline != NULL, FALSE);

  return g_async_queue_length (pipeline->results) > 0;
}

gboolean
_veil_export_pipeline_finished (VeilExportPipeline *pipeline)
{
  g_return_val_if_fail (pipeline != NULL, TRUE);

  return g_atomic_int_get (&pipeline->n_running) == 0
         && g_async_queue_length (pipeline->results) <= 0;
}

void
_veil_export_pipeline_free (VeilExportPipeline *pipeline)
{
  if (pipeline == NULL)
    return;

  _veil_export_pipeline_stop (pipeline);
  for (guint i = 0; i < pipeline->threads->len; i++)
    g_thread_join (g_ptr_array_index (pipeline->threads, i));
  g_ptr_array_unref (pipeline->threads);
  g_async_queue_unref (pipeline->results);
  g_mutex_clear (&pipeline->lock);
  g_cond_clear (&pipeline->admitted);
  g_free (pipeline->input_prefix);
  g_free (pipeline);
}
