/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

#include "config.h"

#include "veil-manifest-private.h"

/* The manifest's data: entries, their statuses, and the two lists in index order. */

static const char *status_names[] = {
  [VEIL_MANIFEST_STATUS_PROTECTED] = "protected",
  [VEIL_MANIFEST_STATUS_UNCHANGED] = "unchanged",
  [VEIL_MANIFEST_STATUS_FAILED] = "failed",
  [VEIL_MANIFEST_STATUS_COPIED] = "copied",
  [VEIL_MANIFEST_STATUS_SKIPPED] = "skipped",
};
G_STATIC_ASSERT (G_N_ELEMENTS (status_names) == VEIL_MANIFEST_N_STATUSES);

VeilManifestEntry *
veil_manifest_entry_new (void)
{
  return g_new0 (VeilManifestEntry, 1);
}

VeilManifestEntry *
veil_manifest_entry_copy (const VeilManifestEntry *entry)
{
  VeilManifestEntry *copy;

  g_return_val_if_fail (entry != NULL, NULL);

  copy = g_new0 (VeilManifestEntry, 1);
  *copy = *entry;
  copy->source = g_strdup (entry->source);
  copy->class_name = g_strdup (entry->class_name);
  copy->output = g_strdup (entry->output);
  copy->sha256 = g_strdup (entry->sha256);
  copy->reason = g_strdup (entry->reason);
  copy->message = g_strdup (entry->message);
  return copy;
}

void
veil_manifest_entry_free (VeilManifestEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->source);
  g_free (entry->class_name);
  g_free (entry->output);
  g_free (entry->sha256);
  g_free (entry->reason);
  g_free (entry->message);
  g_free (entry);
}

const char *
veil_manifest_status_to_string (VeilManifestStatus status)
{
  g_return_val_if_fail (status <= VEIL_MANIFEST_STATUS_SKIPPED, NULL);
  return status_names[status];
}

gboolean
_veil_manifest_status_from_string (const char         *text,
                                   VeilManifestStatus *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    if (g_strcmp0 (text, status_names[i]) == 0)
      {
        *out = (VeilManifestStatus) i;
        return TRUE;
      }
  return FALSE;
}

VeilManifest *
veil_manifest_new (void)
{
  VeilManifest *manifest = g_new0 (VeilManifest, 1);

  manifest->images = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_manifest_entry_free);
  manifest->other = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_manifest_entry_free);
  return manifest;
}

void
veil_manifest_free (VeilManifest *manifest)
{
  if (manifest == NULL)
    return;
  g_free (manifest->tool_version);
  g_free (manifest->key_fingerprint);
  g_strfreev (manifest->classes);
  g_ptr_array_unref (manifest->images);
  g_ptr_array_unref (manifest->other);
  g_clear_pointer (&manifest->survival, json_node_unref);
  g_free (manifest);
}

void
veil_manifest_add (VeilManifest      *manifest,
                   VeilManifestEntry *entry)
{
  g_return_if_fail (manifest != NULL);
  g_return_if_fail (entry != NULL);

  g_ptr_array_add (entry->is_image ? manifest->images : manifest->other, entry);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const VeilManifestEntry *ea = *(VeilManifestEntry * const *) a;
  const VeilManifestEntry *eb = *(VeilManifestEntry * const *) b;

  return ea->index < eb->index ? -1 : ea->index > eb->index ? 1 : 0;
}

static void
sort_unique (GPtrArray *entries)
{
  guint out = 0;

  /* A stable sort keeps duplicates in the order they were added: the last one wins. */
  g_ptr_array_sort (entries, compare_entries);
  for (guint i = 0; i < entries->len; i++)
    {
      VeilManifestEntry *entry = g_ptr_array_index (entries, i);

      if (i + 1 < entries->len
          && ((VeilManifestEntry *) g_ptr_array_index (entries, i + 1))->index == entry->index)
        {
          veil_manifest_entry_free (entry);
          continue;
        }
      entries->pdata[out++] = entry;
    }
  /* The pointers past @out were moved or freed above: drop them without the free func. */
  for (guint i = out; i < entries->len; i++)
    entries->pdata[i] = NULL;
  g_ptr_array_set_free_func (entries, NULL);
  g_ptr_array_set_size (entries, out);
  g_ptr_array_set_free_func (entries, (GDestroyNotify) veil_manifest_entry_free);
}

void
veil_manifest_sort (VeilManifest *manifest)
{
  g_return_if_fail (manifest != NULL);

  sort_unique (manifest->images);
  sort_unique (manifest->other);
}
