/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cli-test-util.h"
#include "veil-manifest.h"
#include "veil-paths.h"
#include "veil-test-util.h"

/* What stops an export: an output that cannot be written and a disk that fills up. Each must
 * stop with a message naming the place and the cause, exit status 1, the input untouched, and
 * a journal that a later --resume completes into exactly what one clean run writes. */

#define N_IMAGES 24

static char *
make_tree (const char *base)
{
  char *input = g_build_filename (base, "in", NULL);
  const char *classes[] = { "fern", "moss", "oak" };

  for (guint i = 0; i < N_IMAGES; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s/i%02u.png", input, classes[i % 3], i);

      cli_write_png (path, 96, 80, i + 1);
    }
  return input;
}

/* An output below a regular file: even root cannot make that folder. */
static void
test_output_not_a_folder (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base);
  g_autofree char *file = g_build_filename (base, "plain-file", NULL);
  g_autofree char *output = g_build_filename (file, "out", NULL);
  g_autoptr(GHashTable) before = veil_test_tree_snapshot (input, VEIL_TEST_TREE_MTIME, NULL);
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *err = NULL;

  cli_write_file (file, "x", 1);
  g_assert_cmpint (cli_run (NULL, NULL, &err, "protect", "--seed", "1", "-q", input, output,
                            NULL), ==, 1);
  g_assert_nonnull (strstr (err, "plain-file/out"));
  g_assert_nonnull (strstr (err, "Not a directory"));

  after = veil_test_tree_snapshot (input, VEIL_TEST_TREE_MTIME, NULL);
  veil_test_assert_same_tree (before, after);
  veil_test_rm_rf (base);
}

/* An existing, empty output folder the user may not write to. */
static void
test_output_unwritable (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base);
  g_autofree char *output = g_build_filename (base, "locked", NULL);
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *err = NULL;

  if (!cli_can_run_unprivileged ())
    {
      g_test_skip ("running as root without setpriv(1): every folder is writable");
      veil_test_rm_rf (base);
      return;
    }
  cli_share (input, FALSE);
  g_assert_cmpint (g_mkdir (output, 0555), ==, 0);
  cli_share (output, FALSE);
  g_assert_cmpint (g_chmod (output, 0555), ==, 0);
  before = veil_test_tree_snapshot (input, VEIL_TEST_TREE_MTIME, NULL);

  g_assert_cmpint (cli_run_full (NULL, NULL, TRUE, NULL, &err, "protect", "--seed", "1", "-q",
                                 input, output, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "locked"));
  g_assert_nonnull (strstr (err, "Permission denied"));
  g_assert_cmpuint (cli_count_files (output, ""), ==, 0);

  after = veil_test_tree_snapshot (input, VEIL_TEST_TREE_MTIME, NULL);
  veil_test_assert_same_tree (before, after);
  veil_test_rm_rf (base);
}

static char *
asan_options (void)
{
  const char *current = g_getenv ("ASAN_OPTIONS");

  /* A sanitised veil-cli insists on its runtime coming first; the shim comes first here. */
  if (current != NULL && current[0] != '\0')
    return g_strdup_printf ("ASAN_OPTIONS=%s:verify_asan_link_order=0", current);
  return g_strdup ("ASAN_OPTIONS=verify_asan_link_order=0");
}

/* The disk fills up after a few images (a preloaded shim makes writes fail with ENOSPC). */
static void
test_disk_full (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base);
  g_autofree char *clean = g_build_filename (base, "clean", NULL);
  g_autofree char *full = g_build_filename (base, "full", NULL);
  g_autofree char *journal_path = g_build_filename (full, "veil-manifest.journal", NULL);
  g_autofree char *manifest_path = g_build_filename (full, "veil-manifest.json", NULL);
  g_autofree char *preload = g_strdup_printf ("LD_PRELOAD=%s", g_getenv ("VEIL_ENOSPC_SHIM"));
  g_autofree char *asan = asan_options ();
  const char *env[] = { preload, "VEIL_TEST_ENOSPC_AFTER=120000", asan, NULL };
  g_autoptr(GHashTable) before = veil_test_tree_snapshot (input, VEIL_TEST_TREE_MTIME, NULL);
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GHashTable) clean_tree = NULL;
  g_autoptr(GHashTable) full_tree = NULL;
  g_autoptr(VeilManifest) journal = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_assert_nonnull (g_getenv ("VEIL_ENOSPC_SHIM"));
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "6", "-q", input, clean,
                            NULL), ==, 0);

  /* It stops, saying why and where, and how to go on. */
  g_assert_cmpint (cli_run_full (NULL, env, FALSE, NULL, &err, "protect", "--seed", "6", "-q",
                                 "--threads", "1", input, full, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "the disk is full"));
  g_assert_nonnull (strstr (err, full));
  g_assert_nonnull (strstr (err, "--resume"));

  /* What it leaves is consistent: no manifest yet, a journal that reads, every file it records
   * there with the recorded bytes, some work done but not all, no temporary file, and every
   * file with a final name complete (the same as in the clean run). The journal may trail the
   * files a little (their lines may not fit any more): those are simply done again. */
  g_assert_false (g_file_test (manifest_path, G_FILE_TEST_EXISTS));
  journal = veil_manifest_load_journal (journal_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (journal->images->len, <, N_IMAGES);
  g_assert_cmpuint (cli_count_files (full, ".png"), >, 0);
  for (guint i = 0; i < journal->images->len; i++)
    {
      const VeilManifestEntry *entry = g_ptr_array_index (journal->images, i);
      g_autofree char *path = g_build_filename (full, entry->output, NULL);
      g_autofree char *sha256 = veil_test_file_sha256 (path);

      g_assert_cmpint (entry->status, ==, VEIL_MANIFEST_STATUS_PROTECTED);
      g_assert_cmpstr (sha256, ==, entry->sha256);
    }
  g_assert_cmpuint (cli_count_files (full, ".png"), <, N_IMAGES);
  clean_tree = veil_test_tree_snapshot (clean, VEIL_TEST_TREE_FILES, NULL);
  full_tree = veil_test_tree_snapshot (full, VEIL_TEST_TREE_FILES, NULL);
  g_hash_table_iter_init (&iter, full_tree);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_assert_false (strstr (key, VEIL_PATHS_TEMP_PREFIX) != NULL);
      if (strcmp (key, "veil-manifest.journal") != 0)
        g_assert_cmpstr (value, ==, g_hash_table_lookup (clean_tree, key));
    }

  /* With room again, --resume finishes the export: byte for byte the clean run. */
  g_assert_cmpint (cli_run (NULL, &out, NULL, "protect", "--seed", "6", "-q", "--resume", input,
                            full, NULL), ==, 0);
  if (journal->images->len > 0)
    {
      g_autofree char *kept = g_strdup_printf ("Already done by the earlier run: %u",
                                               journal->images->len);
      g_assert_nonnull (strstr (out, kept));
    }
  g_clear_pointer (&full_tree, g_hash_table_unref);
  full_tree = veil_test_tree_snapshot (full, VEIL_TEST_TREE_FILES, NULL);
  veil_test_assert_same_tree (clean_tree, full_tree);

  after = veil_test_tree_snapshot (input, VEIL_TEST_TREE_MTIME, NULL);
  veil_test_assert_same_tree (before, after);
  veil_test_rm_rf (base);
}

/* The disk is full from the start: even the journal cannot be written. */
static void
test_disk_full_at_start (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base);
  g_autofree char *full = g_build_filename (base, "full", NULL);
  g_autofree char *preload = g_strdup_printf ("LD_PRELOAD=%s", g_getenv ("VEIL_ENOSPC_SHIM"));
  g_autofree char *asan = asan_options ();
  const char *env[] = { preload, "VEIL_TEST_ENOSPC_AFTER=0", asan, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (cli_run_full (NULL, env, FALSE, &out, &err, "protect", "--seed", "6", "--json",
                                 input, full, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "veil-manifest.journal"));
  g_assert_nonnull (strstr (err, "the disk is full"));
  /* Scripts get the error as a JSON event too. */
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_nonnull (strstr (lines[g_strv_length (lines) - 1], "\"event\":\"error\""));
  g_assert_nonnull (strstr (lines[g_strv_length (lines) - 1], "the disk is full"));
  g_assert_cmpuint (cli_count_files (full, ".png"), ==, 0);
  veil_test_rm_rf (base);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/failures/output-not-a-folder", test_output_not_a_folder);
  g_test_add_func ("/cli/failures/output-unwritable", test_output_unwritable);
  g_test_add_func ("/cli/failures/disk-full", test_disk_full);
  g_test_add_func ("/cli/failures/disk-full-at-start", test_disk_full_at_start);
  return g_test_run ();
}
