/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "veil-cli-private.h"

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* The manifests to check in @dir: veil-manifest.json, or else every shard manifest. */
static GPtrArray *
find_manifests (const char  *dir,
                GError     **error)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *main_path = g_build_filename (dir, VEIL_MANIFEST_NAME, NULL);
  g_autoptr(GDir) handle = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  gboolean unfinished = FALSE;
  const char *name;

  if (g_file_test (main_path, G_FILE_TEST_EXISTS))
    {
      g_ptr_array_add (paths, g_steal_pointer (&main_path));
      return g_steal_pointer (&paths);
    }

  handle = g_dir_open (dir, 0, error);
  if (handle == NULL)
    return NULL;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      if (veil_shard_is_manifest_name (name))
        g_ptr_array_add (names, g_strdup (name));
      else if (veil_shard_is_journal_name (name))
        unfinished = TRUE;
    }
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (paths, g_build_filename (dir, g_ptr_array_index (names, i), NULL));

  if (paths->len == 0)
    {
      g_autofree char *display = g_filename_display_name (dir);

      if (unfinished)
        g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                     _("The export in “%s” is unfinished: resume it with “veil-cli protect "
                       "--resume”"), display);
      else
        g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                     _("“%s” holds no %s: it is not a Veil export"), display, VEIL_MANIFEST_NAME);
      return NULL;
    }
  return g_steal_pointer (&paths);
}

typedef struct {
  guint n_checked;
  guint n_missing;
  guint n_modified;
  guint n_failed_in_export;
} VerifyCounts;

static void
verify_entries (const char   *dir,
                GPtrArray    *entries,
                VerifyCounts *counts)
{
  for (guint i = 0; i < entries->len; i++)
    {
      const VeilManifestEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *path = NULL;
      g_autofree char *display = NULL;
      g_autofree char *sha256 = NULL;

      if (entry->status == VEIL_MANIFEST_STATUS_FAILED)
        counts->n_failed_in_export++;
      if (entry->output == NULL)
        continue;

      counts->n_checked++;
      path = g_build_filename (dir, entry->output, NULL);
      display = veil_paths_display (entry->output);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          counts->n_missing++;
          printf (_("missing: %s"), display);
          putchar ('\n');
          continue;
        }
      sha256 = veil_paths_file_sha256 (path, NULL);
      if (g_strcmp0 (sha256, entry->sha256) != 0)
        {
          counts->n_modified++;
          printf (_("modified: %s"), display);
          putchar ('\n');
        }
    }
}

int
veil_cli_verify_main (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = NULL;
  VerifyCounts counts = { 0 };

  context = _veil_cli_option_context_new ("verify", _("OUTPUT"),
                                          _("Checks that every file the manifest of the export "
                                            "OUTPUT lists is there with the recorded SHA-256, and "
                                            "names each file that is missing or modified (exit "
                                            "status 3). Without veil-manifest.json the shard "
                                            "manifests found in OUTPUT are checked."));
  if (!_veil_cli_parse (context, &argc, &argv))
    return VEIL_CLI_EXIT_USAGE;
  if (argc != 2)
    return _veil_cli_usage_error ("verify", _("give the OUTPUT folder of an export"));

  paths = find_manifests (argv[1], &error);
  if (paths == NULL)
    return _veil_cli_fatal (error);

  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr(VeilManifest) manifest = veil_manifest_load (g_ptr_array_index (paths, i),
                                                             &error);

      if (manifest == NULL)
        return _veil_cli_fatal (error);
      verify_entries (argv[1], manifest->images, &counts);
      verify_entries (argv[1], manifest->other, &counts);
    }

  printf (_("%u files checked: %u missing, %u modified"), counts.n_checked, counts.n_missing,
          counts.n_modified);
  putchar ('\n');
  if (counts.n_failed_in_export > 0)
    {
      printf (_("(%u files had failed during the export; the manifest names them)"),
              counts.n_failed_in_export);
      putchar ('\n');
    }
  return counts.n_missing + counts.n_modified > 0 ? VEIL_CLI_EXIT_SOME_FAILED : VEIL_CLI_EXIT_OK;
}
