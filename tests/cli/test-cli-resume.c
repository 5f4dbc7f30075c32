/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <string.h>

#include <glib/gstdio.h>

#include "cli-test-util.h"
#include "veil-test-util.h"

/* Crash, resume, shards and verify: the results must equal one uninterrupted run byte for
 * byte, manifest included. */

#define N_IMAGES 48

static char *
make_tree (const char *base,
           int         side)
{
  char *input = g_build_filename (base, "in", NULL);

  for (guint i = 0; i < N_IMAGES; i++)
    {
      const char *classes[] = { "apple", "pear", "plum" };
      g_autofree char *path = NULL;

      if (i % 4 == 3)
        {
          path = g_strdup_printf ("%s/%s/j%02u.jpg", input, classes[i % 3], i);
          cli_write_jpeg (path, side, side + 3, i);
        }
      else
        {
          path = g_strdup_printf ("%s/%s/p%02u.png", input, classes[i % 3], i);
          cli_write_png (path, side + 1, side, i);
        }
    }
  {
    g_autofree char *bad = g_build_filename (input, "pear", "broken.png", NULL);
    g_autofree char *other = g_build_filename (input, "plum", "README", NULL);

    cli_write_file (bad, "\x89PNG\r\n\x1a\n", 8);
    cli_write_file (other, "readme\n", 7);
  }
  return input;
}

static void
assert_same_dirs (const char *a,
                  const char *b)
{
  g_autoptr(GHashTable) tree_a = veil_test_tree_snapshot (a, VEIL_TEST_TREE_FILES, NULL);
  g_autoptr(GHashTable) tree_b = veil_test_tree_snapshot (b, VEIL_TEST_TREE_FILES, NULL);

  veil_test_assert_same_tree (tree_a, tree_b);
}

static void
test_kill_and_resume (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base, 160);
  g_autofree char *clean = g_build_filename (base, "clean", NULL);
  g_autofree char *crashed = g_build_filename (base, "crashed", NULL);
  g_autofree char *journal = g_build_filename (crashed, "veil-manifest.journal", NULL);
  g_autofree char *manifest = g_build_filename (crashed, "veil-manifest.json", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *err = NULL;
  gint64 deadline;
  gboolean killed = FALSE;

  /* A larger filter at native resolution and one thread make each image take a moment. */
  process = cli_spawn (NULL, "protect", "--seed", "11", "-k", "9", "--training-res", "native",
                       "--threads", "1", "--copy-other", "-q", input, crashed, NULL);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      guint n_done = cli_count_files (crashed, ".png") + cli_count_files (crashed, ".jpg");

      if (n_done >= 6)
        {
          g_subprocess_force_exit (process);
          killed = TRUE;
          break;
        }
      g_usleep (2000);
    }
  g_subprocess_wait (process, NULL, NULL);
  g_assert_true (killed);
  if (g_subprocess_get_if_exited (process))
    {
      g_test_skip ("the export finished before it could be killed");
      veil_test_rm_rf (base);
      return;
    }
  g_assert_true (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (manifest, G_FILE_TEST_EXISTS));

  /* Without --resume an unfinished export is not overwritten. */
  g_assert_cmpint (cli_run (NULL, NULL, &err, "protect", "--seed", "11", "-k", "9",
                            "--training-res", "native", "--copy-other", "-q", input, crashed,
                            NULL), ==, 1);
  g_assert_nonnull (strstr (err, "unfinished"));
  g_clear_pointer (&err, g_free);

  /* Different settings are refused. */
  g_assert_cmpint (cli_run (NULL, NULL, &err, "protect", "--seed", "11", "-k", "7",
                            "--training-res", "native", "--copy-other", "--resume", "-q", input,
                            crashed, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "filter size"));

  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "11", "-k", "9",
                            "--training-res", "native", "--copy-other", "--resume", "-q", input,
                            crashed, NULL), ==, 3);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));

  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "11", "-k", "9",
                            "--training-res", "native", "--copy-other", "-q", input, clean,
                            NULL), ==, 3);
  assert_same_dirs (clean, crashed);
  veil_test_rm_rf (base);
}

static void
test_resume_finished (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base, 20);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autofree char *reference = g_build_filename (base, "ref", NULL);
  g_autofree char *victim = g_build_filename (output, "apple", "p00.png", NULL);
  g_autofree char *out = NULL;

  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "4", "-q", input, output,
                            NULL), ==, 3);
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "4", "-q", input, reference,
                            NULL), ==, 3);
  /* A finished export is not redone unasked, but --resume repairs what was damaged. */
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "4", "-q", input, output,
                            NULL), ==, 1);
  cli_write_file (victim, "damaged", 7);
  g_assert_cmpint (cli_run (NULL, &out, NULL, "protect", "--seed", "4", "-q", "--resume", input,
                            output, NULL), ==, 3);
  g_assert_nonnull (strstr (out, "Already done by the earlier run: 47"));
  assert_same_dirs (reference, output);
  veil_test_rm_rf (base);
}

static void
test_shards (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base, 20);
  g_autofree char *single = g_build_filename (base, "single", NULL);
  g_autofree char *shard1 = g_build_filename (base, "s1", NULL);
  g_autofree char *shard2 = g_build_filename (base, "s2", NULL);
  g_autofree char *shard3 = g_build_filename (base, "s3", NULL);
  g_autofree char *merged = g_build_filename (base, "merged", NULL);
  g_autofree char *shared = g_build_filename (base, "shared", NULL);
  g_autofree char *err = NULL;
  guint n1, n2;

  /* --mix with a seed: the draws cover the whole dataset, so shards agree with one run. */
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "5", "--mix", "0.6",
                            "--copy-other", "-q", input, single, NULL), !=, 1);
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "5", "--mix", "0.6",
                            "--copy-other", "-q", "--shard", "1/2", input, shard1, NULL), !=, 1);
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "5", "--mix", "0.6",
                            "--copy-other", "-q", "--shard", "2/2", input, shard2, NULL), !=, 1);

  /* Disjoint, and neither empty. */
  n1 = cli_count_files (shard1, ".png") + cli_count_files (shard1, ".jpg");
  n2 = cli_count_files (shard2, ".png") + cli_count_files (shard2, ".jpg");
  g_assert_cmpuint (n1, >, 0);
  g_assert_cmpuint (n2, >, 0);
  g_assert_cmpuint (n1 + n2, ==,
                    cli_count_files (single, ".png") + cli_count_files (single, ".jpg"));

  /* A shard alone does not merge. */
  g_assert_cmpint (cli_run (NULL, NULL, &err, "merge", merged, shard1, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "missing"));

  g_assert_cmpint (cli_run (NULL, NULL, NULL, "verify", shard1, NULL), ==, 0);
  /* Given the key and the input, merge checks the survival as the single run did. */
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "merge", "--seed", "5", "--against", input, merged,
                            shard2, shard1, NULL), ==, 0);
  assert_same_dirs (single, merged);

  /* Shards written into one shared folder, merged in place. */
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "5", "--mix", "0.6",
                            "--copy-other", "-q", "--shard", "2/2", input, shared, NULL), !=, 1);
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "5", "--mix", "0.6",
                            "--copy-other", "-q", "--shard", "1/2", input, shared, NULL), !=, 1);
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "merge", "--seed", "5", "--against", input, shared,
                            NULL), ==, 0);
  assert_same_dirs (single, shared);

  /* Shards of a different count do not belong together. */
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "5", "--mix", "0.6",
                            "--copy-other", "-q", "--shard", "1/3", input, shard3, NULL), !=, 1);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli_run (NULL, NULL, &err, "merge", merged, shard3, shard2, NULL), ==, 1);
  veil_test_rm_rf (base);
}

/* Without the key, merge writes no survival report and says how to check: the result equals
 * a single run made with --no-check. A key that is not the shards' is refused. */
static void
test_shards_unchecked (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base, 20);
  g_autofree char *single = g_build_filename (base, "single", NULL);
  g_autofree char *shared = g_build_filename (base, "shared", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *manifest_path = g_build_filename (shared, "veil-manifest.json", NULL);

  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "5", "--no-check", "-q", input,
                            single, NULL), ==, 3);
  for (guint s = 1; s <= 2; s++)
    {
      g_autofree char *shard = g_strdup_printf ("%u/2", s);

      g_clear_pointer (&out, g_free);
      g_assert_cmpint (cli_run (NULL, &out, NULL, "protect", "--seed", "5", "-q", "--shard",
                                shard, input, shared, NULL), !=, 1);
      g_assert_nonnull (strstr (out, "veil-cli merge"));
    }

  /* --against without a key, and a key without --against, are usage errors. */
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "merge", "--against", input, shared, NULL), ==, 2);
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "merge", "--seed", "5", shared, NULL), ==, 2);
  g_assert_cmpint (cli_run (NULL, NULL, &err, "merge", "--seed", "6", "--against", input, shared,
                            NULL), ==, 1);
  g_assert_nonnull (strstr (err, "not the one"));
  g_assert_false (g_file_test (manifest_path, G_FILE_TEST_EXISTS));

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_run (NULL, &out, NULL, "merge", shared, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "veil-cli check"));
  g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));
  g_assert_null (strstr (manifest, "\"survival\""));
  assert_same_dirs (single, shared);
  veil_test_rm_rf (base);
}

static void
test_verify (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base, 20);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autofree char *modified = g_build_filename (output, "plum", "p02.png", NULL);
  g_autofree char *missing = g_build_filename (output, "pear", "j07.jpg", NULL);
  g_autofree char *out = NULL;

  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "9", "-q", input, output,
                            NULL), ==, 3);
  g_assert_cmpint (cli_run (NULL, &out, NULL, "verify", output, NULL), ==, 0);
  g_clear_pointer (&out, g_free);

  {
    g_autofree char *data = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (modified, &data, &len, NULL));
    data[len / 2] ^= 1;
    cli_write_file (modified, data, len);
  }
  g_assert_cmpint (g_unlink (missing), ==, 0);
  g_assert_cmpint (cli_run (NULL, &out, NULL, "verify", output, NULL), ==, 3);
  g_assert_nonnull (strstr (out, "modified: plum/p02.png"));
  g_assert_nonnull (strstr (out, "missing: pear/j07.jpg"));
  g_assert_null (strstr (out, "apple/p00.png"));
  veil_test_rm_rf (base);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/resume/kill", test_kill_and_resume);
  g_test_add_func ("/cli/resume/finished", test_resume_finished);
  g_test_add_func ("/cli/shard/merge", test_shards);
  g_test_add_func ("/cli/shard/merge-unchecked", test_shards_unchecked);
  g_test_add_func ("/cli/verify/problems", test_verify);
  return g_test_run ();
}
