/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "veil-dataset.h"
#include "veil-error.h"
#include "veil-test-util.h"

static void
make_dir (const char *root,
          const char *relative)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);

  g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
}

/* Images are empty files: the scan never opens them. @size bytes of zeros to check sizes. */
static void
make_file (const char *root,
           const char *relative,
           gsize       size)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *zeros = g_malloc0 (size + 1);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (path, zeros, (gssize) size, &error);
  g_assert_no_error (error);
}

static void
make_link (const char *root,
           const char *relative,
           const char *target)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);

  g_assert_cmpint (symlink (target, path), ==, 0);
}

typedef struct {
  const char     *path;
  VeilSkipReason  reason;
} ExpectedSkip;

static void
test_odd_tree (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-dataset-XXXXXX");
  g_autofree char *root = g_build_filename (base, "photos", NULL);
  g_autofree char *outside = g_build_filename (base, "elsewhere", NULL);
  g_autoptr(VeilDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) classes = g_ptr_array_new ();
  g_autoptr(GPtrArray) skips = g_ptr_array_new ();
  /* torchvision's order: folders by full path ("sub c" < "sub-x" < "sub/deep", as ' ' < '-' <
   * '/'), file names sorted within each; upper case before lower case (byte order). */
  static const char * const expected_images[] = {
    "Zebra/q.png",
    "cat/a.JPG", "cat/b.png", "cat/caf\xe9.png", "cat/link.png",
    "cat/sub/x.jpeg", "cat/sub/y.TIFF",
    "cat/sub c/z.webp",
    "cat/sub-x/v.png",
    "cat/sub/deep/w.bmp",
    "fox/o.png",
    "\xc3\xa9lan/e1.png",
  };
  static const ExpectedSkip expected_skips[] = {
    { ".git", VEIL_SKIP_HIDDEN },
    { ".hidden_root_file", VEIL_SKIP_HIDDEN },
    { "README.txt", VEIL_SKIP_OUTSIDE_CLASS },
    { "cat/.cache", VEIL_SKIP_HIDDEN },
    { "cat/.d.png", VEIL_SKIP_HIDDEN },
    { "cat/broken.png", VEIL_SKIP_UNREADABLE },
    { "cat/c.txt", VEIL_SKIP_NOT_IMAGE },
    { "cat/loop", VEIL_SKIP_SYMLINK_LOOP },
    { "cat/sub/up", VEIL_SKIP_SYMLINK_LOOP },
    { "self", VEIL_SKIP_SYMLINK_LOOP },
    { "stray.png", VEIL_SKIP_OUTSIDE_CLASS },
  };

  make_file (root, ".hidden_root_file", 0);
  make_file (root, "README.txt", 0);
  make_file (root, "stray.png", 0);
  make_file (root, ".git/config", 0);
  make_file (root, "Zebra/q.png", 0);
  make_file (root, "cat/b.png", 1234);
  make_file (root, "cat/a.JPG", 0);
  make_file (root, "cat/c.txt", 0);
  make_file (root, "cat/.d.png", 0);
  make_file (root, "cat/caf\xe9.png", 0);
  make_file (root, "cat/sub/x.jpeg", 0);
  make_file (root, "cat/sub/y.TIFF", 0);
  make_file (root, "cat/sub c/z.webp", 0);
  make_file (root, "cat/sub-x/v.png", 0);
  make_file (root, "cat/sub/deep/w.bmp", 0);
  make_file (root, "cat/.cache/thumb.png", 0);
  make_link (root, "cat/loop", "..");
  make_link (root, "cat/sub/up", "..");
  make_link (root, "cat/link.png", "b.png");
  make_link (root, "cat/broken.png", "nope.png");
  make_link (root, "self", ".");
  make_dir (root, "dog");
  make_file (outside, "o.png", 0);
  make_link (root, "fox", outside);
  make_file (root, "\xc3\xa9lan/e1.png", 0);

  dataset = veil_dataset_scan (root, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_ptr_array_add (classes, "Zebra");
  g_ptr_array_add (classes, "cat");
  g_ptr_array_add (classes, "dog");
  g_ptr_array_add (classes, "fox");
  g_ptr_array_add (classes, "\xc3\xa9lan");
  g_ptr_array_add (classes, NULL);
  g_assert_cmpstrv (veil_dataset_get_class_names (dataset), (const char * const *) classes->pdata);
  g_assert_cmpuint (veil_dataset_get_n_classes (dataset), ==, classes->len - 1);

  g_assert_cmpuint (veil_dataset_get_n_images (dataset), ==, G_N_ELEMENTS (expected_images));
  for (guint i = 0; i < G_N_ELEMENTS (expected_images); i++)
    {
      const VeilDatasetImage *image = veil_dataset_get_image (dataset, i);
      const char *class_name = veil_dataset_get_class_name (dataset, image->class_index);

      g_assert_cmpstr (image->relative_path, ==, expected_images[i]);
      g_assert_true (g_str_has_prefix (image->relative_path, class_name));
      g_assert_cmpint (image->relative_path[strlen (class_name)], ==, '/');
    }
  /* The link to a file counts as the file it points to. */
  g_assert_cmpuint (veil_dataset_get_image (dataset, 2)->size, ==, 1234);
  g_assert_cmpuint (veil_dataset_get_image (dataset, 4)->size, ==, 1234);

  /* Counts and contiguous ranges; the empty class is kept with 0 images. */
  {
    guint cat = 1, dog = 2;

    g_assert_cmpuint (veil_dataset_get_class_n_images (dataset, 0), ==, 1);
    g_assert_cmpuint (veil_dataset_get_class_first (dataset, cat), ==, 1);
    g_assert_cmpuint (veil_dataset_get_class_n_images (dataset, cat), ==, 9);
    g_assert_cmpuint (veil_dataset_get_class_n_images (dataset, dog), ==, 0);
    g_assert_cmpuint (veil_dataset_get_class_first (dataset, dog), ==, 10);
    g_assert_cmpuint (veil_dataset_get_class_n_images (dataset, 3), ==, 1);
  }

  for (guint i = 0; i < G_N_ELEMENTS (expected_skips); i++)
    g_ptr_array_add (skips, (gpointer) &expected_skips[i]);
  for (guint i = 0; i < veil_dataset_get_n_skipped (dataset); i++)
    {
      const VeilDatasetSkipped *skipped = veil_dataset_get_skipped (dataset, i);

      g_test_message ("skipped: %s", skipped->message);
      g_assert_true (g_utf8_validate (skipped->message, -1, NULL));
    }
  g_assert_cmpuint (veil_dataset_get_n_skipped (dataset), ==, skips->len);
  for (guint i = 0; i < skips->len; i++)
    {
      const ExpectedSkip *expected = g_ptr_array_index (skips, i);
      const VeilDatasetSkipped *skipped = veil_dataset_get_skipped (dataset, i);

      g_assert_cmpstr (skipped->relative_path, ==, expected->path);
      g_assert_cmpint (skipped->reason, ==, expected->reason);
      g_assert_nonnull (strstr (skipped->message, expected->path));
    }
  veil_test_rm_rf (base);
}

static void
test_unreadable_folder (void)
{
  g_autofree char *root = veil_test_make_tmpdir ("veil-dataset-XXXXXX");
  g_autofree char *locked = g_build_filename (root, "locked", NULL);
  g_autofree char *inner = g_build_filename (root, "open", "inner", NULL);
  g_autoptr(VeilDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  const VeilDatasetSkipped *skipped;

  if (geteuid () == 0)
    {
      g_test_skip ("root can read every folder");
      veil_test_rm_rf (root);
      return;
    }
  make_file (root, "locked/a.png", 0);
  make_file (root, "open/b.png", 0);
  make_file (root, "open/inner/c.png", 0);
  g_assert_cmpint (g_chmod (locked, 0), ==, 0);
  g_assert_cmpint (g_chmod (inner, 0), ==, 0);

  dataset = veil_dataset_scan (root, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* The unreadable class stays a class, with no images; the scan goes on past both. */
  g_assert_cmpuint (veil_dataset_get_n_classes (dataset), ==, 2);
  g_assert_cmpstr (veil_dataset_get_class_name (dataset, 0), ==, "locked");
  g_assert_cmpuint (veil_dataset_get_class_n_images (dataset, 0), ==, 0);
  g_assert_cmpuint (veil_dataset_get_n_images (dataset), ==, 1);
  g_assert_cmpstr (veil_dataset_get_image (dataset, 0)->relative_path, ==, "open/b.png");
  g_assert_cmpuint (veil_dataset_get_n_skipped (dataset), ==, 2);
  skipped = veil_dataset_get_skipped (dataset, 0);
  g_assert_cmpstr (skipped->relative_path, ==, "locked");
  g_assert_cmpint (skipped->reason, ==, VEIL_SKIP_UNREADABLE);
  g_assert_nonnull (strstr (skipped->message, g_strerror (EACCES)));
  skipped = veil_dataset_get_skipped (dataset, 1);
  g_assert_cmpstr (skipped->relative_path, ==, "open/inner");
  g_assert_cmpint (skipped->reason, ==, VEIL_SKIP_UNREADABLE);
  veil_test_rm_rf (root);
}

static void
test_not_a_dataset (void)
{
  g_autofree char *root = veil_test_make_tmpdir ("veil-dataset-XXXXXX");
  g_autoptr(GError) error = NULL;

  make_file (root, "photo.jpg", 0);
  make_file (root, "empty-class/notes.txt", 0);
  make_dir (root, "other");
  g_assert_null (veil_dataset_scan (root, NULL, NULL, NULL, &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_NOT_A_DATASET);
  g_assert_nonnull (strstr (error->message, root));
  veil_test_rm_rf (root);
}

static void
test_missing_root (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-dataset-XXXXXX");
  g_autofree char *root = g_build_filename (base, "nothing-here", NULL);
  g_autofree char *file = g_build_filename (base, "a-file", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_null (veil_dataset_scan (root, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nothing-here"));
  g_clear_error (&error);

  make_file (base, "a-file", 0);
  g_assert_null (veil_dataset_scan (file, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  veil_test_rm_rf (base);
}

static void
test_cancelled (void)
{
  g_autofree char *root = veil_test_make_tmpdir ("veil-dataset-XXXXXX");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  make_file (root, "a/1.png", 0);
  g_cancellable_cancel (cancellable);
  g_assert_null (veil_dataset_scan (root, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  veil_test_rm_rf (root);
}

static void
on_progress (guint    n_images,
             gpointer user_data)
{
  GArray *calls = user_data;

  g_array_append_val (calls, n_images);
}

/* Empty image files in 10 classes of nested folders. With -m slow: 50 000 files, which must
 * scan in well under 2 s; by default 10 000 (making and removing the tree costs far more than
 * the scan on a busy machine). */
static void
test_large_tree (void)
{
  g_autofree char *root = veil_test_make_tmpdir ("veil-dataset-large-XXXXXX");
  g_autoptr(GArray) calls = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(VeilDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  const guint n_classes = 10, n_dirs = 5, n_files = g_test_slow () ? 1000 : 200;
  const guint n_total = n_classes * n_dirs * n_files;
  gint64 start, elapsed;

  for (guint c = 0; c < n_classes; c++)
    for (guint d = 0; d < n_dirs; d++)
      {
        g_autofree char *dir = g_strdup_printf ("%s/class%02u/part%u", root, c, d);

        g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
        for (guint f = 0; f < n_files; f++)
          {
            g_autofree char *path = g_strdup_printf ("%s/img%05u.png", dir, f);
            int fd = g_open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

            g_assert_cmpint (fd, >=, 0);
            close (fd);
          }
      }

  start = g_get_monotonic_time ();
  dataset = veil_dataset_scan (root, on_progress, calls, NULL, &error);
  elapsed = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  g_test_message ("scanned %u files in %.0f ms", n_total, elapsed / 1000.0);

  g_assert_cmpuint (veil_dataset_get_n_images (dataset), ==, n_total);
  g_assert_cmpuint (veil_dataset_get_n_classes (dataset), ==, n_classes);
  g_assert_cmpstr (veil_dataset_get_image (dataset, 0)->relative_path, ==,
                   "class00/part0/img00000.png");
  {
    g_autofree char *last = g_strdup_printf ("class09/part4/img%05u.png", n_files - 1);

    g_assert_cmpstr (veil_dataset_get_image (dataset, n_total - 1)->relative_path, ==, last);
  }
  g_assert_cmpuint (veil_dataset_get_n_skipped (dataset), ==, 0);
  g_assert_cmpuint (calls->len, >=, n_total / 5000);
  g_assert_cmpuint (g_array_index (calls, guint, calls->len - 1), ==, n_total);
  for (guint i = 1; i < calls->len; i++)
    g_assert_cmpuint (g_array_index (calls, guint, i), >=, g_array_index (calls, guint, i - 1));
  g_assert_cmpint (elapsed, <, (gint64) n_total * 2 * G_USEC_PER_SEC / 50000);
  veil_test_rm_rf (root);
}

/* Many threads share one dataset: references and reads need no lock. */
static gpointer
reader_thread (gpointer data)
{
  VeilDataset *dataset = data;
  guint total = 0;

  for (int round = 0; round < 1000; round++)
    {
      VeilDataset *ref = veil_dataset_ref (dataset);

      for (guint c = 0; c < veil_dataset_get_n_classes (ref); c++)
        total += veil_dataset_get_class_n_images (ref, c);
      veil_dataset_unref (ref);
    }
  return GUINT_TO_POINTER (total);
}

static void
test_shared_between_threads (void)
{
  g_autofree char *root = veil_test_make_tmpdir ("veil-dataset-XXXXXX");
  g_autoptr(GError) error = NULL;
  GThread *threads[4];
  VeilDataset *dataset;

  make_file (root, "a/1.png", 0);
  make_file (root, "b/2.png", 0);
  dataset = veil_dataset_scan (root, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("reader", reader_thread, dataset);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (threads[i])), ==, 2000);
  g_assert_cmpstr (veil_dataset_get_root (dataset), ==, root);
  veil_dataset_unref (dataset);
  veil_test_rm_rf (root);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/dataset/odd-tree", test_odd_tree);
  g_test_add_func ("/core/dataset/unreadable-folder", test_unreadable_folder);
  g_test_add_func ("/core/dataset/not-a-dataset", test_not_a_dataset);
  g_test_add_func ("/core/dataset/missing-root", test_missing_root);
  g_test_add_func ("/core/dataset/cancelled", test_cancelled);
  g_test_add_func ("/core/dataset/large-tree", test_large_tree);
  g_test_add_func ("/core/dataset/threads", test_shared_between_threads);

  return g_test_run ();
}
