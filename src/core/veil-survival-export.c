/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-survival"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "veil-confined.h"
#include "veil-dataset.h"
#include "veil-error.h"
#include "veil-export.h"
#include "veil-filter-bank.h"
#include "veil-image-io.h"
#include "veil-manifest.h"
#include "veil-survival.h"
#include "veil-survival-private.h"

/* The survival check run over a finished export (veil_survival_check_export() and
 * veil_survival_check_manifest() in veil-survival.h, and the end of veil_export_run()):
 * finding protected outputs and their originals, sampling them per class and feeding them to a
 * report. */

/* Above this PSNR at full resolution an output is taken as left unprotected (mix < 1) when no
 * manifest says so: a protected image is 20–35 dB from its original at full size, a JPEG
 * re-encode of an unchanged one 40 dB or more. */
#define UNCHANGED_FULL_PSNR 45.0

typedef struct {
  guint     class_index;
  char     *original;       /* full paths, for loading */
  char     *output;
  /* The same below their folders: a pair is measured only when both are plain files there,
   * reached without a symlink (a tampered folder must not make the check read elsewhere). */
  char     *input_root;
  char     *original_rel;
  char     *output_root;
  char     *output_rel;
  gboolean  check_unchanged;
} Pair;

static Pair *
pair_new (guint       class_index,
          const char *input_root,
          const char *original_rel,
          const char *output_root,
          const char *output_rel)
{
  Pair *pair = g_new0 (Pair, 1);

  pair->class_index = class_index;
  pair->input_root = g_strdup (input_root);
  pair->original_rel = g_strdup (original_rel);
  pair->output_root = g_strdup (output_root);
  pair->output_rel = g_strdup (output_rel);
  pair->original = g_build_filename (input_root, original_rel, NULL);
  pair->output = g_build_filename (output_root, output_rel, NULL);
  return pair;
}

static void
pair_free (Pair *pair)
{
  g_free (pair->original);
  g_free (pair->output);
  g_free (pair->input_root);
  g_free (pair->original_rel);
  g_free (pair->output_root);
  g_free (pair->output_rel);
  g_free (pair);
}

static double
full_psnr (GdkPixbuf *a,
           GdkPixbuf *b)
{
  int w = gdk_pixbuf_get_width (a), h = gdk_pixbuf_get_height (a);
  int as = gdk_pixbuf_get_rowstride (a), bs = gdk_pixbuf_get_rowstride (b);
  int an = gdk_pixbuf_get_n_channels (a), bn = gdk_pixbuf_get_n_channels (b);
  const guint8 *pa = gdk_pixbuf_read_pixels (a), *pb = gdk_pixbuf_read_pixels (b);
  double sse = 0.0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < 3; c++)
        {
          double d = (double) pa[(gsize) y * as + x * an + c] - pb[(gsize) y * bs + x * bn + c];

          sse += d * d;
        }
  return sse > 0.0 ? 10.0 * log10 (255.0 * 255.0 * 3.0 * w * h / sse) : INFINITY;
}

/* The output written for @relative without a manifest: the same path, or the same path with
 * the extension of a PNG written for a format Veil cannot write. */
static char *
find_output (const char *output_dir,
             const char *relative)
{
  g_autofree char *base = NULL;
  const char *dot, *slash;

  if (veil_confined_check_readable (output_dir, relative, NULL))
    return g_strdup (relative);

  dot = strrchr (relative, '.');
  slash = strrchr (relative, '/');
  if (dot == NULL || (slash != NULL && dot < slash))
    return NULL;
  base = g_strndup (relative, dot - relative);
  {
    g_autofree char *png_rel = g_strconcat (base, ".png", NULL);

    if (veil_confined_check_readable (output_dir, png_rel, NULL))
      return g_steal_pointer (&png_rel);
  }
  return NULL;
}

typedef struct {
  guint                    index;
  const VeilManifestEntry *entry;
} Candidate;

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *ca = a, *cb = b;

  return ca->index < cb->index ? -1 : ca->index > cb->index ? 1 : 0;
}

/* The export's sample: per class, the first @sample_per_class images (in dataset order) that
 * @manifest records as protected; those in @skip (dataset indices) are counted but not added
 * to @chosen. Returns how many were skipped. */
static guint
manifest_sample (const VeilManifest *manifest,
                 const char         *input_root,
                 const char         *output_dir,
                 VeilFilterBank     *bank,
                 guint               sample_per_class,
                 GHashTable         *skip,
                 GPtrArray          *chosen)
{
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_autofree guint *taken = g_new0 (guint, veil_filter_bank_get_n_classes (bank));
  guint n_skipped = 0;

  for (guint i = 0; i < manifest->images->len; i++)
    {
      const VeilManifestEntry *e = g_ptr_array_index (manifest->images, i);
      Candidate c = { e->index, e };

      if (e->status == VEIL_MANIFEST_STATUS_PROTECTED && e->output != NULL
          && e->class_name != NULL)
        g_array_append_val (candidates, c);
    }
  g_array_sort (candidates, compare_candidates);

  for (guint i = 0; i < candidates->len; i++)
    {
      const VeilManifestEntry *e = g_array_index (candidates, Candidate, i).entry;
      int class_index = veil_filter_bank_lookup (bank, e->class_name);
      Pair *pair;

      if (class_index < 0 || taken[class_index] >= sample_per_class)
        continue;
      taken[class_index]++;
      if (skip != NULL && g_hash_table_contains (skip, GUINT_TO_POINTER (e->index)))
        {
          n_skipped++;
          continue;
        }
      pair = pair_new (class_index, input_root, e->source, output_dir, e->output);
      g_ptr_array_add (chosen, pair);
    }
  return n_skipped;
}

/* How often the calling thread looks at the cancellable and reports progress while a pair
 * takes long (a large photo decodes for a second or more). */
#define WAIT_INTERVAL_US (G_USEC_PER_SEC / 8)

/* Decoding full-size photos dominates; two at a time keep both cores busy without holding
 * more than four decoded photos. */
#define N_PAIR_WORKERS 2

typedef struct {
  VeilSurvivalReport *report;
  GPtrArray          *chosen;
  GCancellable       *cancellable;
  gint                next;      /* atomic: the next pair to take */
  gint                stop;      /* atomic: take no more pairs */
  GAsyncQueue        *finished;  /* one item per pair done, measured or skipped */
} PairWork;

static void
add_pair (VeilSurvivalReport *report,
          const Pair         *pair,
          GCancellable       *cancellable)
{
  g_autoptr(VeilImage) original = NULL;
  g_autoptr(VeilImage) output = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!veil_confined_check_readable (pair->input_root, pair->original_rel, &local_error)
      || !veil_confined_check_readable (pair->output_root, pair->output_rel, &local_error))
    {
      g_debug ("Survival check skips a pair: %s", local_error->message);
      return;
    }
  original = veil_image_load (pair->original, cancellable, &local_error);
  if (original != NULL)
    output = veil_image_load (pair->output, cancellable, &local_error);
  if (output == NULL)
    {
      g_debug ("Survival check skips a pair: %s", local_error->message);
      return;
    }
  if (pair->check_unchanged &&
      gdk_pixbuf_get_width (original->pixbuf) == gdk_pixbuf_get_width (output->pixbuf) &&
      gdk_pixbuf_get_height (original->pixbuf) == gdk_pixbuf_get_height (output->pixbuf) &&
      full_psnr (original->pixbuf, output->pixbuf) > UNCHANGED_FULL_PSNR)
    return;
  if (!veil_survival_report_add_pixbufs (report, pair->class_index, original->pixbuf,
                                         output->pixbuf, &local_error))
    g_debug ("Survival check skips a pair: %s", local_error->message);
}

static gpointer
pair_worker (gpointer data)
{
  PairWork *work = data;

  for (;;)
    {
      guint i;

      if (g_atomic_int_get (&work->stop) || g_cancellable_is_cancelled (work->cancellable))
        break;
      i = (guint) g_atomic_int_add (&work->next, 1);
      if (i >= work->chosen->len)
        break;
      add_pair (work->report, g_ptr_array_index (work->chosen, i), work->cancellable);
      g_async_queue_push (work->finished, GUINT_TO_POINTER (1));
    }
  return NULL;
}

/* Loads and adds the pairs of @chosen, @n_before others of the sample being done already. The
 * report's sums do not depend on the order, so the workers add pairs as they come; the
 * calling thread waits, reports progress and watches the cancellable. */
static gboolean
add_pairs (VeilSurvivalReport        *report,
           GPtrArray                 *chosen,
           guint                      n_before,
           VeilSurvivalProgressFunc   progress,
           gpointer                   progress_data,
           GCancellable              *cancellable,
           GError                   **error)
{
  PairWork work = {
    .report = report,
    .chosen = chosen,
    .cancellable = cancellable,
  };
  GThread *threads[N_PAIR_WORKERS] = { NULL };
  guint n_threads = MIN (N_PAIR_WORKERS, chosen->len);
  guint n_to_check = n_before + chosen->len;
  guint n_finished = 0;

  if (progress != NULL)
    progress (n_before, n_to_check, progress_data);

  work.finished = g_async_queue_new ();
  for (guint t = 0; t < n_threads; t++)
    threads[t] = g_thread_new ("veil-survival", pair_worker, &work);

  while (n_finished < chosen->len && !g_cancellable_is_cancelled (cancellable))
    {
      if (g_async_queue_timeout_pop (work.finished, WAIT_INTERVAL_US) != NULL)
        n_finished++;
      if (progress != NULL && n_finished < chosen->len)
        progress (n_before + n_finished, n_to_check, progress_data);
    }

  /* Pairs under way finish (a decode notices the cancellable itself); no new one starts. */
  g_atomic_int_set (&work.stop, 1);
  for (guint t = 0; t < n_threads; t++)
    g_thread_join (threads[t]);
  g_async_queue_unref (work.finished);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (progress != NULL)
    progress (n_to_check, n_to_check, progress_data);
  return TRUE;
}

gboolean
_veil_survival_add_manifest_sample (VeilSurvivalReport       *report,
                                    const VeilManifest       *manifest,
                                    VeilFilterBank           *bank,
                                    const char               *input_root,
                                    const char               *output_dir,
                                    guint                     sample_per_class,
                                    GHashTable               *skip,
                                    VeilSurvivalProgressFunc  progress,
                                    gpointer                  progress_data,
                                    GCancellable             *cancellable,
                                    GError                  **error)
{
  g_autoptr(GPtrArray) chosen = g_ptr_array_new_with_free_func ((GDestroyNotify) pair_free);
  guint n_skipped;

  n_skipped = manifest_sample (manifest, input_root, output_dir, bank, sample_per_class, skip,
                               chosen);
  return add_pairs (report, chosen, n_skipped, progress, progress_data, cancellable, error);
}

VeilSurvivalReport *
veil_survival_check_manifest (const VeilManifest  *manifest,
                              const char          *input_root,
                              const char          *output_dir,
                              VeilFilterBank      *bank,
                              guint                sample_per_class,
                              GCancellable        *cancellable,
                              GError             **error)
{
  g_autoptr(VeilSurvivalReport) report = NULL;

  g_return_val_if_fail (manifest != NULL, NULL);
  g_return_val_if_fail (input_root != NULL && output_dir != NULL, NULL);
  g_return_val_if_fail (bank != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (sample_per_class == 0)
    sample_per_class = VEIL_SURVIVAL_DEFAULT_SAMPLE;
  report = veil_survival_report_new (bank, manifest->training_res);
  if (!_veil_survival_add_manifest_sample (report, manifest, bank, input_root, output_dir,
                                           sample_per_class, NULL, NULL, NULL, cancellable,
                                           error))
    return NULL;
  return g_steal_pointer (&report);
}

static void
pairs_by_path (const char      *output_dir,
               VeilDataset     *input,
               VeilFilterBank  *bank,
               GPtrArray      **per_class)
{
  const char *root = veil_dataset_get_root (input);

  for (guint i = 0; i < veil_dataset_get_n_images (input); i++)
    {
      const VeilDatasetImage *image = veil_dataset_get_image (input, i);
      const char *name = veil_dataset_get_class_name (input, image->class_index);
      int class_index = veil_filter_bank_lookup (bank, name);
      char *output;
      Pair *pair;

      if (class_index < 0)
        continue;
      output = find_output (output_dir, image->relative_path);
      if (output == NULL)
        continue;
      pair = pair_new (class_index, root, image->relative_path, output_dir, output);
      g_free (output);
      pair->check_unchanged = TRUE;
      g_ptr_array_add (per_class[class_index], pair);
    }
}

VeilSurvivalReport *
veil_survival_check_export (const char      *output_dir,
                            VeilDataset     *input,
                            VeilFilterBank  *bank,
                            guint            training_res,
                            guint            sample_per_class,
                            GCancellable    *cancellable,
                            GError         **error)
{
  g_autoptr(VeilSurvivalReport) report = NULL;
  g_autofree char *manifest_path = NULL;
  g_autoptr(GPtrArray) chosen = NULL;
  guint n_classes;
  GPtrArray **per_class;

  g_return_val_if_fail (output_dir != NULL, NULL);
  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (bank != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (sample_per_class == 0)
    sample_per_class = VEIL_SURVIVAL_DEFAULT_SAMPLE;
  report = veil_survival_report_new (bank, training_res);
  chosen = g_ptr_array_new_with_free_func ((GDestroyNotify) pair_free);

  /* With a manifest, the same sample as the export's own check, so that both agree. */
  manifest_path = g_build_filename (output_dir, VEIL_MANIFEST_NAME, NULL);
  if (g_file_test (manifest_path, G_FILE_TEST_EXISTS))
    {
      g_autoptr(VeilManifest) manifest = veil_manifest_load (manifest_path, error);

      if (manifest == NULL)
        return NULL;
      _veil_survival_report_set_made_for_resolution (
        report, manifest->training_res != VEIL_TRAINING_RES_NATIVE
                && veil_survival_report_get_resolution (report) == manifest->training_res);
      manifest_sample (manifest, veil_dataset_get_root (input), output_dir, bank,
                       sample_per_class, NULL, chosen);
      if (!add_pairs (report, chosen, 0, NULL, NULL, cancellable, error))
        return NULL;
      return g_steal_pointer (&report);
    }

  /* Without a manifest, what the filters were made for is not known. */
  _veil_survival_report_set_made_for_resolution (report, FALSE);
  n_classes = veil_filter_bank_get_n_classes (bank);
  per_class = g_new0 (GPtrArray *, n_classes);
  for (guint c = 0; c < n_classes; c++)
    per_class[c] = g_ptr_array_new_with_free_func ((GDestroyNotify) pair_free);
  pairs_by_path (output_dir, input, bank, per_class);

  /* Without a manifest, which outputs are protected is only known after loading them: spread
   * the sample evenly over each class, deterministically. */
  for (guint c = 0; c < n_classes; c++)
    {
      guint n = per_class[c]->len, m = MIN (n, sample_per_class);

      for (guint i = 0; i < m; i++)
        {
          guint pick = (guint) ((guint64) i * n / m);

          g_ptr_array_add (chosen, g_ptr_array_index (per_class[c], pick));
          per_class[c]->pdata[pick] = NULL;
        }
      g_ptr_array_set_free_func (per_class[c], NULL);
      for (guint i = 0; i < n; i++)
        if (per_class[c]->pdata[i] != NULL)
          pair_free (per_class[c]->pdata[i]);
      g_ptr_array_unref (per_class[c]);
    }
  g_free (per_class);

  if (!add_pairs (report, chosen, 0, NULL, NULL, cancellable, error))
    return NULL;
  return g_steal_pointer (&report);
}
