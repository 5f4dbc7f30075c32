/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

/* The plan of one run: which files this shard takes, which images the mix protects, and which
 * outputs an earlier, interrupted run already left complete and correct (--resume). */

#include "config.h"

#include <sys/stat.h>

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

gboolean
_veil_export_source_stat (VeilDataset *dataset,
                          const char  *relative_path,
                          gboolean     is_image,
                          guint64     *out_size,
                          gint64      *out_mtime_ns)
{
  g_autofree char *path = g_build_filename (veil_dataset_get_root (dataset), relative_path, NULL);
  struct stat st;

  /* Images through links, as the scan found them; other files only as they are. */
  if ((is_image ? stat (path, &st) : lstat (path, &st)) != 0)
    return FALSE;
  *out_size = (guint64) st.st_size;
  *out_mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
  return TRUE;
}

/* Whether an earlier run's entry can stand: same decision, same output name, a source that has
 * not changed since (size and modification time), and an output that still holds exactly the
 * bytes it recorded. */
static gboolean
previous_entry_holds (const VeilManifestEntry *entry,
                      VeilDataset             *dataset,
                      const char              *output_dir,
                      gboolean                 is_image,
                      const char              *planned_output,
                      VeilManifestStatus       expected)
{
  g_autofree char *sha256 = NULL;
  guint64 size;
  gint64 mtime_ns;

  if (entry == NULL || entry->status != expected || entry->output == NULL
      || g_strcmp0 (entry->output, planned_output) != 0 || !entry->has_source_stat)
    return FALSE;
  if (!_veil_export_source_stat (dataset, entry->source, is_image, &size, &mtime_ns)
      || size != entry->source_size || mtime_ns != entry->source_mtime_ns)
    return FALSE;
  sha256 = veil_paths_file_sha256_at (output_dir, entry->output, NULL);
  return g_strcmp0 (sha256, entry->sha256) == 0;
}

/* The earlier run's entries by source path: indices shift when an input is added or removed. */
static GHashTable *
index_entries (GPtrArray *entries)
{
  GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      VeilManifestEntry *entry = g_ptr_array_index (entries, i);

      g_hash_table_insert (table, entry->source, entry);
    }
  return table;
}

/* Per image, whether the mix protects it: for the whole dataset, since the output names of
 * every shard depend on it. */
static gboolean *
decide_protect (VeilDataset             *dataset,
                const VeilExportOptions *options)
{
  guint n_images = veil_dataset_get_n_images (dataset);
  g_autofree gboolean *draws = NULL;
  gboolean *protect;

  /* With a seed, as the reference: one draw per image of the whole dataset in order. */
  if (veil_mix_needs_draws (options->key, options->mix))
    draws = veil_mix_decide_seeded (veil_key_get_seed (options->key),
                                    veil_dataset_get_n_classes (dataset), options->k, n_images,
                                    options->mix);
  protect = g_new0 (gboolean, MAX (n_images, 1));
  for (guint i = 0; i < n_images; i++)
    protect[i] = veil_mix_decide (options->key, draws, i,
                                  veil_dataset_get_image (dataset, i)->relative_path,
                                  options->mix);
  return protect;
}

/* An earlier entry is an orphan when it was not kept and its output is no planned name any
 * more (its source was deleted or renamed): the export removes it. */
static void
collect_orphans (VeilManifest          *previous,
                 GPtrArray             *kept,
                 const VeilExportNames *names,
                 GPtrArray             *orphans)
{
  g_autoptr(GHashTable) kept_set = g_hash_table_new (NULL, NULL);
  const GPtrArray *lists[2];

  if (previous == NULL)
    return;
  for (guint i = 0; i < kept->len; i++)
    g_hash_table_add (kept_set, g_ptr_array_index (kept, i));
  lists[0] = previous->images;
  lists[1] = previous->other;
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        VeilManifestEntry *entry = g_ptr_array_index (lists[l], i);

        if (entry->output != NULL && entry->sha256 != NULL
            && !g_hash_table_contains (kept_set, entry)
            && !_veil_export_names_contains (names, entry->output))
          g_ptr_array_add (orphans, entry);
      }
}

VeilExportNames *
_veil_export_plan (VeilDataset             *dataset,
                   const VeilExportOptions *options,
                   const char              *output_dir,
                   VeilManifest            *previous,
                   VeilManifest            *manifest,
                   GPtrArray               *kept,
                   GArray                  *jobs,
                   GPtrArray               *orphans)
{
  g_autoptr(GHashTable) previous_images = NULL;
  g_autoptr(GHashTable) previous_other = NULL;
  g_autofree gboolean *protect = decide_protect (dataset, options);
  g_autofree guint *n_sampled = g_new0 (guint, veil_dataset_get_n_classes (dataset));
  VeilExportNames *names = _veil_export_names_plan (dataset, options, protect);
  /* A shard sees only part of each class: the check is the merge's (doc/sharding.md). */
  guint sample = options->shard_count > 1 ? 0 : options->survival_sample;
  guint n_images = veil_dataset_get_n_images (dataset);
  guint n_skipped_files = veil_dataset_get_n_skipped (dataset);

  if (previous != NULL)
    veil_manifest_sort (previous);
  previous_images = index_entries (previous != NULL ? previous->images : NULL);
  previous_other = index_entries (previous != NULL ? previous->other : NULL);

  for (guint i = 0; i < n_images; i++)
    {
      const VeilDatasetImage *image = veil_dataset_get_image (dataset, i);
      VeilExportJob job = { .is_image = TRUE, .index = i, .protect = protect[i] };
      VeilManifestEntry *entry;

      if (!in_shard (options, image->relative_path))
        continue;

      /* The check's sample is the first images of each class to be protected; a kept one
       * counts but is loaded from the disk at the end. An image that fails leaves a gap the
       * end fills from the disk too, so the sample never depends on what ran in memory. */
      if (job.protect && n_sampled[image->class_index] < sample)
        {
          n_sampled[image->class_index]++;
          job.sample = TRUE;
        }

      entry = g_hash_table_lookup (previous_images, image->relative_path);
      if (previous_entry_holds (entry, dataset, output_dir, TRUE, names->image_outputs[i],
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
          entry = g_hash_table_lookup (previous_other, skipped->relative_path);
          if (previous_entry_holds (entry, dataset, output_dir, FALSE, names->other_outputs[i],
                                    VEIL_MANIFEST_STATUS_COPIED))
            g_ptr_array_add (kept, entry);
          else
            g_array_append_val (jobs, job);
        }
      else
        veil_manifest_add (manifest, _veil_export_other_entry (dataset, i));
    }
  collect_orphans (previous, kept, names, orphans);
  return names;
}
