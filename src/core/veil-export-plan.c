/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

/* The plan of one run: which files this shard takes, which images the mix protects, and which
 * outputs an earlier, interrupted run already left complete and correct (--resume). */

#include "config.h"

#include "veil-export-private.h"
#include "veil-key.h"
#include "veil-mix.h"
#include "veil-paths.h"
#include "veil-shard.h"

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
static GHashTable *
index_entries (GPtrArray *entries)
{
  GHashTable *table = g_hash_table_new (NULL, NULL);

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      VeilManifestEntry *entry = g_ptr_array_index (entries, i);

      g_hash_table_insert (table, GUINT_TO_POINTER (entry->index), entry);
    }
  return table;
}

void
_veil_export_plan (VeilDataset             *dataset,
                   const VeilExportOptions *options,
                   const char              *output_dir,
                   VeilManifest            *previous,
                   VeilManifest            *manifest,
                   GPtrArray               *kept,
                   GArray                  *jobs)
{
  g_autoptr(GHashTable) previous_images = NULL;
  g_autoptr(GHashTable) previous_other = NULL;
  g_autofree gboolean *seeded = NULL;
  g_autofree guint *n_sampled = g_new0 (guint, veil_dataset_get_n_classes (dataset));
  /* A shard sees only part of each class: the check is the merge's (doc/sharding.md). */
  guint sample = options->shard_count > 1 ? 0 : options->survival_sample;
  guint n_images = veil_dataset_get_n_images (dataset);
  guint n_skipped_files = veil_dataset_get_n_skipped (dataset);

  /* The reference draws one number per image of the whole dataset in order: every shard
   * draws them all and keeps its own. */
  if (veil_key_get_kind (options->key) == VEIL_KEY_KIND_SEED && options->mix < 1.0)
    seeded = veil_mix_decide_seeded (veil_key_get_seed (options->key),
                                     veil_dataset_get_n_classes (dataset), options->k, n_images,
                                     options->mix);

  if (previous != NULL)
    veil_manifest_sort (previous);
  previous_images = index_entries (previous != NULL ? previous->images : NULL);
  previous_other = index_entries (previous != NULL ? previous->other : NULL);

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

      /* The check's sample is the first images of each class to be protected; a kept one
       * counts but is loaded from the disk at the end. An image that fails leaves a gap the
       * end fills from the disk too, so the sample never depends on what ran in memory. */
      if (job.protect && n_sampled[image->class_index] < sample)
        {
          n_sampled[image->class_index]++;
          job.sample = TRUE;
        }

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
}
