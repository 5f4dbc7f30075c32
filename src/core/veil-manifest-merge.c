/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "veil-error.h"
#include "veil-manifest-private.h"

/* Whether manifests belong to one export, and merging the manifests of its shards. */

gboolean
veil_manifest_same_settings (const VeilManifest *a,
                             const VeilManifest *b,
                             GError            **error)
{
  const char *what = NULL;

  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (g_strcmp0 (a->tool_version, b->tool_version) != 0)
    what = _("Veil version");
  else if (a->kind != b->kind)
    what = _("kind of filter");
  else if (a->k != b->k)
    what = _("filter size");
  else if (a->pb != b->pb)
    what = _("filter strength");
  else if (a->mix != b->mix)
    what = _("fraction protected");
  else if (a->training_res != b->training_res)
    what = _("training resolution");
  else if (a->keep_detail != b->keep_detail)
    what = _("detail-preserving protection");
  else if (a->decoy != b->decoy)
    what = _("decoy class");
  else if (a->format != b->format)
    what = _("output format");
  else if (a->jpeg_quality != b->jpeg_quality)
    what = _("JPEG quality");
  else if (a->copy_other != b->copy_other)
    what = _("copying of other files");
  else if (a->key_kind != b->key_kind || g_strcmp0 (a->key_fingerprint, b->key_fingerprint) != 0)
    what = _("key");
  else if (!g_strv_equal ((const char * const *) a->classes, (const char * const *) b->classes))
    what = _("class list");
  else if (a->shard_count != b->shard_count
           || (a->shard_count > 1 && a->shard_index != b->shard_index))
    what = _("shard");

  if (what != NULL)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                   _("The settings differ from the earlier export (%s)"), what);
      return FALSE;
    }
  return TRUE;
}

VeilManifest *
veil_manifest_merge (GPtrArray  *shards,
                     GError    **error)
{
  g_autoptr(VeilManifest) merged = NULL;
  g_autofree gboolean *seen = NULL;
  const VeilManifest *first;
  guint count;

  g_return_val_if_fail (shards != NULL, NULL);

  if (shards->len == 0)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST, _("There are no shard manifests"));
      return NULL;
    }
  first = g_ptr_array_index (shards, 0);
  count = first->shard_count;
  if (count < 2)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                   _("Only the manifests of a sharded export can be merged"));
      return NULL;
    }

  seen = g_new0 (gboolean, count);
  merged = veil_manifest_new ();
  merged->tool_version = g_strdup (first->tool_version);
  merged->kind = first->kind;
  merged->k = first->k;
  merged->pb = first->pb;
  merged->mix = first->mix;
  merged->training_res = first->training_res;
  merged->keep_detail = first->keep_detail;
  merged->decoy = first->decoy;
  merged->format = first->format;
  merged->jpeg_quality = first->jpeg_quality;
  merged->copy_other = first->copy_other;
  merged->key_kind = first->key_kind;
  merged->key_fingerprint = g_strdup (first->key_fingerprint);
  merged->classes = g_strdupv (first->classes);

  for (guint s = 0; s < shards->len; s++)
    {
      const VeilManifest *shard = g_ptr_array_index (shards, s);
      VeilManifest probe = *shard;

      /* Compare everything but the shard's own index. */
      probe.shard_index = first->shard_index;
      if (!veil_manifest_same_settings (first, &probe, error))
        return NULL;
      if (seen[shard->shard_index])
        {
          g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                       _("Shard %u of %u is given twice"), shard->shard_index + 1, count);
          return NULL;
        }
      seen[shard->shard_index] = TRUE;
      for (guint i = 0; i < shard->images->len; i++)
        veil_manifest_add (merged, veil_manifest_entry_copy (g_ptr_array_index (shard->images,
                                                                                  i)));
      for (guint i = 0; i < shard->other->len; i++)
        veil_manifest_add (merged, veil_manifest_entry_copy (g_ptr_array_index (shard->other,
                                                                                  i)));
    }
  for (guint i = 0; i < count; i++)
    if (!seen[i])
      {
        g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                     _("The manifest of shard %u of %u is missing"), i + 1, count);
        return NULL;
      }

  /* Shards take disjoint files, so an index seen twice means the manifests disagree. */
  {
    guint n_images = merged->images->len;
    guint n_other = merged->other->len;

    veil_manifest_sort (merged);
    if (merged->images->len != n_images || merged->other->len != n_other)
      {
        g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                     _("The shard manifests list the same file more than once"));
        return NULL;
      }
  }
  return g_steal_pointer (&merged);
}
