/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-cli"

#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "veil-cli-private.h"
#include "veil-confined.h"

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
  guint n_unexpected;
  guint n_failed_in_export;
} VerifyCounts;

/* Each listed output is read inside OUTPUT only (no "..", no symlink followed) and only when it
 * is a regular file, so a tampered manifest or a FIFO planted in OUTPUT can neither lead the
 * check out of the folder nor hang it. */
static void
verify_entries (const char   *dir,
                GPtrArray    *entries,
                GHashTable   *listed,
                VerifyCounts *counts)
{
  for (guint i = 0; i < entries->len; i++)
    {
      const VeilManifestEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *display = NULL;
      g_autofree char *sha256 = NULL;

      if (entry->status == VEIL_MANIFEST_STATUS_FAILED)
        counts->n_failed_in_export++;
      if (entry->output == NULL)
        continue;

      counts->n_checked++;
      g_hash_table_add (listed, g_strdup (entry->output));
      display = veil_paths_display (entry->output);
      sha256 = veil_paths_file_sha256_at (dir, entry->output, &error);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          counts->n_missing++;
          printf (_("missing: %s"), display);
          putchar ('\n');
        }
      else if (g_strcmp0 (sha256, entry->sha256) != 0)
        {
          counts->n_modified++;
          printf (_("modified: %s"), display);
          putchar ('\n');
          if (error != NULL)
            fprintf (stderr, "veil-cli: %s\n", error->message);
        }
    }
}

/* Veil's own files at the top of OUTPUT: manifests, journals, and hidden names starting
 * ".veil-" (temporary files, the lock). */
static gboolean
is_veil_file (const char *relative_path)
{
  const char *name = strrchr (relative_path, '/');

  if (name == NULL)
    return veil_shard_is_manifest_name (relative_path)
           || veil_shard_is_journal_name (relative_path)
           || g_str_has_prefix (relative_path, ".veil-");
  return g_str_has_prefix (name + 1, VEIL_PATHS_TEMP_PREFIX);
}

/* Every file below @dir_fd (symlinks, FIFOs and the like included; symlinked folders are not
 * entered) whose relative path is not in @listed, added to @unexpected. Takes @dir_fd. */
static void
collect_unexpected (int          dir_fd,
                    const char  *prefix,
                    GHashTable  *listed,
                    GPtrArray   *unexpected)
{
  DIR *dir = fdopendir (dir_fd);
  struct dirent *d;

  if (dir == NULL)
    {
      close (dir_fd);
      return;
    }
  while ((d = readdir (dir)) != NULL)
    {
      g_autofree char *relative = NULL;
      struct stat st;

      if (strcmp (d->d_name, ".") == 0 || strcmp (d->d_name, "..") == 0)
        continue;
      relative = prefix != NULL ? g_strconcat (prefix, "/", d->d_name, NULL)
                                : g_strdup (d->d_name);
      if (fstatat (dirfd (dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        {
          int child = openat (dirfd (dir), d->d_name,
                              O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

          if (child >= 0)
            collect_unexpected (child, relative, listed, unexpected);
          continue;
        }
      if (!g_hash_table_contains (listed, relative) && !is_veil_file (relative))
        g_ptr_array_add (unexpected, g_steal_pointer (&relative));
    }
  closedir (dir);
}

static void
report_unexpected (int           root_fd,
                   GHashTable   *listed,
                   VerifyCounts *counts)
{
  g_autoptr(GPtrArray) unexpected = g_ptr_array_new_with_free_func (g_free);
  int fd = dup (root_fd);

  if (fd < 0)
    return;
  collect_unexpected (fd, NULL, listed, unexpected);
  g_ptr_array_sort (unexpected, compare_names);
  for (guint i = 0; i < unexpected->len; i++)
    {
      g_autofree char *display = veil_paths_display (g_ptr_array_index (unexpected, i));

      printf (_("not in the manifest: %s"), display);
      putchar ('\n');
    }
  counts->n_unexpected = unexpected->len;
}

/* Checks the entries of every manifest in @output against the files, then lists the files no
 * manifest names; FALSE when a manifest or the folder cannot be read. */
static gboolean
verify_output (const char    *output,
               VerifyCounts  *counts,
               GError       **error)
{
  g_autoptr(GPtrArray) paths = NULL;
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int root_fd;

  paths = find_manifests (output, error);
  if (paths == NULL)
    return FALSE;
  root_fd = veil_confined_open_root (output, error);
  if (root_fd < 0)
    return FALSE;
  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr(VeilManifest) manifest = veil_manifest_load (g_ptr_array_index (paths, i),
                                                             error);

      if (manifest == NULL)
        {
          close (root_fd);
          return FALSE;
        }
      verify_entries (output, manifest->images, listed, counts);
      verify_entries (output, manifest->other, listed, counts);
    }
  report_unexpected (root_fd, listed, counts);
  close (root_fd);
  return TRUE;
}

static void
print_counts (const VerifyCounts *counts)
{
  printf (_("%u files checked: %u missing, %u modified"), counts->n_checked, counts->n_missing,
          counts->n_modified);
  putchar ('\n');
  if (counts->n_unexpected > 0)
    {
      printf (ngettext ("%u file in the folder is not in the manifest: it is not part of the "
                        "export",
                        "%u files in the folder are not in the manifest: they are not part of "
                        "the export",
                        counts->n_unexpected), counts->n_unexpected);
      putchar ('\n');
    }
  if (counts->n_failed_in_export > 0)
    {
      printf (_("(%u files had failed during the export; the manifest names them)"),
              counts->n_failed_in_export);
      putchar ('\n');
    }
}

int
veil_cli_verify_main (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  VerifyCounts counts = { 0 };

  context = _veil_cli_option_context_new ("verify", _("OUTPUT"),
                                          _("Checks that every file the manifest of the export "
                                            "OUTPUT lists is there with the recorded SHA-256, and "
                                            "names each file that is missing or modified and "
                                            "each file in OUTPUT that no manifest lists (exit "
                                            "status 3). Without veil-manifest.json the shard "
                                            "manifests found in OUTPUT are checked."));
  if (!_veil_cli_parse (context, &argc, &argv))
    return VEIL_CLI_EXIT_USAGE;
  if (argc != 2)
    return _veil_cli_usage_error ("verify", _("give the OUTPUT folder of an export"));

  if (!verify_output (argv[1], &counts, &error))
    return _veil_cli_fatal (error);
  print_counts (&counts);
  return counts.n_missing + counts.n_modified + counts.n_unexpected > 0
         ? VEIL_CLI_EXIT_SOME_FAILED : VEIL_CLI_EXIT_OK;
}
