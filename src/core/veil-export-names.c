/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

/* Output names, planned up front from the whole input tree (never from what a file turns out
 * to hold), so that every shard and every resumed run agrees, and no two inputs ever share an
 * output:
 * - an image keeps its name when its output format is the one its extension names (KEEP, or
 *   an image the mix leaves unchanged, which is copied as is); otherwise the extension is
 *   replaced ("a.webp" → "a.png"), or appended when another file in the folder has the same
 *   stem ("a.webp" → "a.webp.png"; see veil_paths_output_name());
 * - a copied file keeps its name;
 * - a name still wanted by two inputs, or one that is the folder of another output, stays with
 *   the input whose own name it is; every other claimant takes "<its name>.veil.<extension>"
 *   ("a.webp" → "a.webp.veil.png"), and fails, named, only when that is taken too.
 * The format written is the one the planned name says: a PNG named ".jpg" becomes a JPEG. */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "veil-export-private.h"
#include "veil-image-io.h"
#include "veil-paths.h"

/* One output being planned: an image or a copied file. */
typedef struct {
  const char *source;
  const char *format;  /* images written by encoding; NULL when copied byte for byte */
  char       *first;   /* the name wanted */
  char      **final;   /* where the name chosen goes */
  char      **problem; /* where the reason goes when none is left */
} Claim;

static char *
first_choice (GHashTable *stems,
              const char *source,
              const char *format)
{
  g_autofree char *plain = NULL;
  const char *extension;

  if (format == NULL)
    return g_strdup (source);
  plain = veil_image_output_path (source, format);
  if (strcmp (plain, source) == 0)
    return g_steal_pointer (&plain);
  extension = veil_image_format_extension (format);
  if (extension == NULL)
    return g_strdup (source);
  return veil_paths_output_name (stems, source, extension);
}

static void
add_folders (GHashTable *folders,
             const char *name)
{
  const char *slash;

  for (slash = strchr (name, '/'); slash != NULL; slash = strchr (slash + 1, '/'))
    g_hash_table_add (folders, g_strndup (name, (gsize) (slash - name)));
}

VeilExportNames *
_veil_export_names_plan (VeilDataset             *dataset,
                         const VeilExportOptions *options,
                         const gboolean          *protect)
{
  guint n_images = veil_dataset_get_n_images (dataset);
  guint n_skipped = veil_dataset_get_n_skipped (dataset);
  VeilExportNames *names = g_new0 (VeilExportNames, 1);
  g_autoptr(GHashTable) stems = veil_paths_stem_table_new ();
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) folders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) claims = g_array_new (FALSE, TRUE, sizeof (Claim));

  names->n_images = n_images;
  names->n_other = n_skipped;
  names->image_outputs = g_new0 (char *, n_images);
  names->image_formats = g_new0 (const char *, n_images);
  names->image_problems = g_new0 (char *, n_images);
  names->other_outputs = g_new0 (char *, n_skipped);
  names->other_problems = g_new0 (char *, n_skipped);

  for (guint i = 0; i < n_images; i++)
    veil_paths_stem_table_add (stems, veil_dataset_get_image (dataset, i)->relative_path);
  for (guint i = 0; i < n_skipped; i++)
    veil_paths_stem_table_add (stems, veil_dataset_get_skipped (dataset, i)->relative_path);

  for (guint i = 0; i < n_images; i++)
    {
      Claim claim = { .source = veil_dataset_get_image (dataset, i)->relative_path };

      if (protect[i] || options->format != VEIL_OUTPUT_FORMAT_KEEP)
        claim.format = veil_image_output_format (veil_image_format_from_name (claim.source),
                                                 options->format);
      names->image_formats[i] = claim.format;
      claim.final = &names->image_outputs[i];
      claim.problem = &names->image_problems[i];
      g_array_append_val (claims, claim);
    }
  for (guint i = 0; i < n_skipped && options->copy_other; i++)
    {
      const VeilDatasetSkipped *skipped = veil_dataset_get_skipped (dataset, i);
      Claim claim = { .source = skipped->relative_path };

      if (skipped->reason != VEIL_SKIP_NOT_IMAGE && skipped->reason != VEIL_SKIP_OUTSIDE_CLASS)
        continue;
      claim.final = &names->other_outputs[i];
      claim.problem = &names->other_problems[i];
      g_array_append_val (claims, claim);
    }

  for (guint c = 0; c < claims->len; c++)
    {
      Claim *claim = &g_array_index (claims, Claim, c);

      claim->first = first_choice (stems, claim->source, claim->format);
      g_hash_table_insert (wanted, claim->first,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (wanted,
                                                                                    claim->first))
                                             + 1));
      add_folders (folders, claim->first);
    }

  /* Uncontested names and own names first, so that a fallback never takes one of them. */
  for (guint c = 0; c < claims->len; c++)
    {
      Claim *claim = &g_array_index (claims, Claim, c);
      gboolean contested = GPOINTER_TO_UINT (g_hash_table_lookup (wanted, claim->first)) > 1;

      if (g_hash_table_contains (folders, claim->first))
        continue;
      if (!contested || strcmp (claim->first, claim->source) == 0)
        {
          *claim->final = g_strdup (claim->first);
          g_hash_table_add (taken, *claim->final);
        }
    }
  for (guint c = 0; c < claims->len; c++)
    {
      Claim *claim = &g_array_index (claims, Claim, c);
      g_autofree char *fallback = NULL;
      const char *extension;

      if (*claim->final != NULL)
        continue;
      extension = claim->format != NULL ? veil_image_format_extension (claim->format) : NULL;
      fallback = extension != NULL ? g_strconcat (claim->source, ".veil.", extension, NULL)
                                   : g_strconcat (claim->source, ".veil", NULL);
      if (g_hash_table_contains (taken, fallback) || g_hash_table_contains (folders, fallback)
          || g_hash_table_contains (wanted, fallback))
        {
          g_autofree char *first = veil_paths_display (claim->first);
          g_autofree char *second = veil_paths_display (fallback);
          *claim->problem = g_strdup_printf (_("No free output name: “%s” and “%s” belong to "
                                               "other files"), first, second);
          continue;
        }
      *claim->final = g_steal_pointer (&fallback);
      g_hash_table_add (taken, *claim->final);
    }

  for (guint c = 0; c < claims->len; c++)
    g_free (g_array_index (claims, Claim, c).first);
  names->outputs = g_hash_table_ref (taken);
  return names;
}

gboolean
_veil_export_names_contains (const VeilExportNames *names,
                             const char            *output)
{
  return g_hash_table_contains (names->outputs, output);
}

void
_veil_export_names_free (VeilExportNames *names)
{
  if (names == NULL)
    return;
  for (guint i = 0; i < names->n_images; i++)
    {
      g_free (names->image_outputs[i]);
      g_free (names->image_problems[i]);
    }
  for (guint i = 0; i < names->n_other; i++)
    {
      g_free (names->other_outputs[i]);
      g_free (names->other_problems[i]);
    }
  g_free (names->image_outputs);
  g_free (names->image_formats);
  g_free (names->image_problems);
  g_free (names->other_outputs);
  g_free (names->other_problems);
  g_clear_pointer (&names->outputs, g_hash_table_unref);
  g_free (names);
}
