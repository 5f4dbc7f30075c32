/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

/* Where an export may write: never over, inside or around its input, and only into a folder
 * that is new, empty, or holds this export's own manifest or journal. */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "veil-error.h"
#include "veil-export-private.h"
#include "veil-paths.h"
#include "veil-shard.h"

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
gboolean
_veil_export_inspect_output (const char               *output_dir,
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
