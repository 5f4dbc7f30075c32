/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include "cli-test-util.h"
#include "veil-test-util.h"

/* veil-cli preview: one image protected exactly as an export protects it, alone or beside its
 * original, and clear refusals of what cannot work. */

#define WIDTH 30
#define HEIGHT 22

static char *
make_tree (const char *base)
{
  char *input = g_build_filename (base, "in", NULL);
  const char *files[] = { "cat/c0.png", "cat/c1.png", "dog/d0.png", "eel/e0.png" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (input, files[i], NULL);
      cli_write_png (path, WIDTH, HEIGHT, i + 40);
    }
  return input;
}

/* Asserts that the @width×@height area of @a at (@ax, 0) holds the same pixels as @b. */
static void
assert_same_pixels (GdkPixbuf *a,
                    int        ax,
                    GdkPixbuf *b)
{
  int width = gdk_pixbuf_get_width (b);
  int height = gdk_pixbuf_get_height (b);
  int channels = gdk_pixbuf_get_n_channels (b);

  g_assert_cmpint (gdk_pixbuf_get_n_channels (a), ==, channels);
  g_assert_cmpint (gdk_pixbuf_get_height (a), ==, height);
  for (int y = 0; y < height; y++)
    {
      const guint8 *row_a = gdk_pixbuf_read_pixels (a) + (gsize) y * gdk_pixbuf_get_rowstride (a)
                            + (gsize) ax * channels;
      const guint8 *row_b = gdk_pixbuf_read_pixels (b) + (gsize) y * gdk_pixbuf_get_rowstride (b);

      g_assert_cmpmem (row_a, (gsize) width * channels, row_b, (gsize) width * channels);
    }
}

static GdkPixbuf *
load (const char *path)
{
  g_autoptr(GError) error = NULL;
  GdkPixbuf *pixbuf = gdk_pixbuf_new_from_file (path, &error);

  g_assert_no_error (error);
  return pixbuf;
}

/* With a seed the filters depend on the whole class list: from --classes (any order) or from
 * --dataset, the preview equals what protect writes for that image. */
static void
test_equals_export (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autofree char *image = g_build_filename (input, "dog", "d0.png", NULL);
  g_autofree char *exported = g_build_filename (output, "dog", "d0.png", NULL);
  g_autofree char *from_list = g_build_filename (base, "list.png", NULL);
  g_autofree char *from_dataset = g_build_filename (base, "dataset.png", NULL);
  g_autofree char *wrong_list = g_build_filename (base, "wrong.png", NULL);
  g_autoptr(GdkPixbuf) reference = NULL;
  g_autoptr(GdkPixbuf) original = NULL;
  g_autoptr(GdkPixbuf) shown = NULL;
  g_autoptr(GHashTable) before = veil_test_tree_snapshot (input, VEIL_TEST_TREE_MTIME, NULL);
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "8", "-k", "5", "--pb", "0.2",
                            "-q", input, output, NULL), ==, 0);
  reference = load (exported);
  original = load (image);

  g_assert_cmpint (cli_run (NULL, &out, NULL, "preview", image, "--class", "dog", "--seed", "8",
                            "-k", "5", "--pb", "0.2", "--classes", "eel,cat,dog", "-o", from_list,
                            NULL), ==, 0);
  g_assert_nonnull (strstr (out, "list.png"));
  shown = load (from_list);
  g_assert_cmpint (gdk_pixbuf_get_width (shown), ==, WIDTH);
  assert_same_pixels (shown, 0, reference);
  g_clear_object (&shown);

  g_assert_cmpint (cli_run (NULL, NULL, NULL, "preview", image, "--class", "dog", "--seed", "8",
                            "-k", "5", "--pb", "0.2", "--dataset", input, "-o", from_dataset,
                            NULL), ==, 0);
  shown = load (from_dataset);
  assert_same_pixels (shown, 0, reference);
  g_clear_object (&shown);

  /* A class list that is not the dataset's gives other filters: the check above can fail. */
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "preview", image, "--class", "dog", "--seed", "8",
                            "-k", "5", "--pb", "0.2", "--classes", "dog,eel", "-o", wrong_list,
                            NULL), ==, 0);
  shown = load (wrong_list);
  g_assert_false (memcmp (gdk_pixbuf_read_pixels (shown), gdk_pixbuf_read_pixels (reference),
                          (gsize) gdk_pixbuf_get_rowstride (reference) * (HEIGHT - 1)) == 0);

  after = veil_test_tree_snapshot (input, VEIL_TEST_TREE_MTIME, NULL);
  veil_test_assert_same_tree (before, after);
  veil_test_rm_rf (base);
}

/* Whether @a and @b hold the same pixels. */
static gboolean
same_pixels (GdkPixbuf *a,
             GdkPixbuf *b)
{
  int row = gdk_pixbuf_get_width (b) * gdk_pixbuf_get_n_channels (b);

  for (int y = 0; y < gdk_pixbuf_get_height (b); y++)
    if (memcmp (gdk_pixbuf_read_pixels (a) + (gsize) y * gdk_pixbuf_get_rowstride (a),
                gdk_pixbuf_read_pixels (b) + (gsize) y * gdk_pixbuf_get_rowstride (b), row) != 0)
      return FALSE;
  return TRUE;
}

/* With a secret key the key chooses a decoy class among all classes, so the preview needs the
 * class list, equals the export for every class, and says which class is the decoy (whose
 * pictures come out as they went in). With --no-decoy the class name alone decides the filter.
 * --side-by-side puts the original on the left and the protected image on the right. */
static void
test_side_by_side (void)
{
  static const char *images[] = { "cat/c1.png", "dog/d0.png", "eel/e0.png" };
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autofree char *output_all = g_build_filename (base, "out-all", NULL);
  g_autofree char *key = g_build_filename (base, "k.key", NULL);
  g_autofree char *image = g_build_filename (input, "cat", "c1.png", NULL);
  g_autofree char *both = g_build_filename (base, "both.png", NULL);
  g_autofree char *jpeg = g_build_filename (base, "p.jpg", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GdkPixbuf) original = NULL;
  g_autoptr(GdkPixbuf) shown = NULL;
  g_autofree char *data = NULL;
  guint n_decoys = 0;
  gsize len;

  g_assert_cmpint (cli_run (base, NULL, NULL, "keygen", "k", NULL), ==, 0);
  g_assert_cmpint (cli_run (base, NULL, NULL, "keys", "export", "k", key, NULL), ==, 0);
  g_assert_cmpint (cli_run (base, NULL, NULL, "protect", "--key-file", key, "-q", input, output,
                            NULL), ==, 0);
  g_assert_cmpint (cli_run (base, NULL, NULL, "protect", "--key-file", key, "--no-decoy", "-q",
                            input, output_all, NULL), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autofree char *in = g_build_filename (input, images[i], NULL);
      g_autofree char *exported = g_build_filename (output, images[i], NULL);
      g_autofree char *class_name = g_path_get_dirname (images[i]);
      g_autofree char *out = NULL;
      g_autoptr(GdkPixbuf) reference = load (exported);
      g_autoptr(GdkPixbuf) source = load (in);
      gboolean is_decoy = same_pixels (reference, source);

      g_assert_cmpint (cli_run (base, &out, NULL, "preview", in, "--class", class_name, "--key",
                                "k", "--dataset", input, "--side-by-side", "-o", both, NULL),
                       ==, 0);
      shown = load (both);
      g_assert_cmpint (gdk_pixbuf_get_width (shown), >, 2 * WIDTH);
      assert_same_pixels (shown, 0, source);
      assert_same_pixels (shown, gdk_pixbuf_get_width (shown) - WIDTH, reference);
      g_clear_object (&shown);
      g_assert_cmpint (strstr (out, "is the decoy class") != NULL, ==, is_decoy);
      n_decoys += is_decoy;
    }
  g_assert_cmpuint (n_decoys, ==, 1);

  /* Without the class list the decoy is unknown: refused, not guessed. */
  g_assert_cmpint (cli_run (base, NULL, &err, "preview", image, "--class", "cat", "--key", "k",
                            "-o", jpeg, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--no-decoy"));
  g_assert_false (g_file_test (jpeg, G_FILE_TEST_EXISTS));

  {
    g_autofree char *exported = g_build_filename (output_all, "cat", "c1.png", NULL);
    g_autoptr(GdkPixbuf) reference = load (exported);

    original = load (image);
    g_assert_cmpint (cli_run (base, NULL, NULL, "preview", image, "--class", "cat", "--key", "k",
                              "--no-decoy", "--side-by-side", "-o", both, NULL), ==, 0);
    shown = load (both);
    assert_same_pixels (shown, 0, original);
    assert_same_pixels (shown, gdk_pixbuf_get_width (shown) - WIDTH, reference);
    g_assert_false (same_pixels (reference, original));
  }

  /* The output's format follows its name. */
  g_assert_cmpint (cli_run (base, NULL, NULL, "preview", image, "--class", "cat", "--key", "k",
                            "--no-decoy", "-o", jpeg, NULL), ==, 0);
  g_assert_true (g_file_get_contents (jpeg, &data, &len, NULL));
  g_assert_cmpuint (len, >, 3);
  g_assert_cmpmem (data, 3, "\xff\xd8\xff", 3);
  veil_test_rm_rf (base);
}

/* An animated GIF and a two-page TIFF give their first frame or page only, and preview says
 * so in the words of protect's summary; a plain image gets no such line. */
static void
test_first_frame (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *gif = g_build_filename (base, "anim.gif", NULL);
  g_autofree char *tiff = g_build_filename (base, "pages.tif", NULL);
  g_autofree char *plain = g_build_filename (base, "plain.png", NULL);
  g_autofree char *out = g_build_filename (base, "p.png", NULL);
  g_autoptr(GBytes) gif_bytes = veil_test_animated_gif (WIDTH, HEIGHT);
  g_autoptr(GBytes) tiff_bytes = veil_test_two_page_tiff (WIDTH, HEIGHT);
  const char *images[] = { gif, tiff };

  cli_write_file (gif, g_bytes_get_data (gif_bytes, NULL), g_bytes_get_size (gif_bytes));
  cli_write_file (tiff, g_bytes_get_data (tiff_bytes, NULL), g_bytes_get_size (tiff_bytes));
  cli_write_png (plain, WIDTH, HEIGHT, 3);
  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autofree char *stdout_text = NULL;
      g_autofree char *line = g_strdup_printf ("Changed on the way: 1 image\n  %s: only the "
                                               "first frame or page was kept\n", images[i]);
      g_autoptr(GdkPixbuf) shown = NULL;

      g_assert_cmpint (cli_run (NULL, &stdout_text, NULL, "preview", images[i], "--class", "cat",
                                "--seed", "3", "--classes", "cat", "-o", out, NULL), ==, 0);
      g_assert_nonnull (strstr (stdout_text, line));
      shown = load (out);
      g_assert_cmpint (gdk_pixbuf_get_width (shown), ==, WIDTH);
    }
  {
    g_autofree char *stdout_text = NULL;

    g_assert_cmpint (cli_run (NULL, &stdout_text, NULL, "preview", plain, "--class", "cat",
                              "--seed", "3", "--classes", "cat", "-o", out, NULL), ==, 0);
    g_assert_null (strstr (stdout_text, "Changed on the way"));
  }
  veil_test_rm_rf (base);
}

typedef struct {
  const char *args[14];
  int         status;
  const char *message; /* in stderr */
} ErrorCase;

static const ErrorCase error_cases[] = {
  { { "@IMAGE@", "--seed", "1", "--classes", "cat,dog", "-o", "@BASE@/p.png", NULL }, 2,
    "--class" },
  { { "@IMAGE@", "--class", "cat", "--seed", "1", "--classes", "cat,dog", NULL }, 2, "-o OUT" },
  { { "--class", "cat", "--seed", "1", "--classes", "cat,dog", "-o", "@BASE@/p.png", NULL }, 2,
    "IMAGE" },
  { { "@IMAGE@", "--class", "owl", "--seed", "1", "--classes", "cat,dog", "-o", "@BASE@/p.png",
      NULL }, 2, "“owl” is not one of the classes" },
  { { "@IMAGE@", "--class", "cat", "--seed", "1", "-o", "@BASE@/p.png", NULL }, 2,
    "--classes or --dataset" },
  { { "@IMAGE@", "--class", "cat", "--classes", "cat,dog", "-o", "@BASE@/p.png", NULL }, 2,
    "no key given" },
  { { "@IMAGE@", "--class", "cat", "--seed", "1", "--classes", "cat,dog", "-o", "@BASE@/p.gif",
      NULL }, 2, "OUT must end in" },
  { { "@IMAGE@", "--class", "cat", "--seed", "1", "--classes", "cat,dog", "-o", "@IMAGE@",
      NULL }, 2, "must not be IMAGE" },
  { { "@IMAGE@", "--class", "cat", "--seed", "1", "--classes", "cat,dog", "-k", "4", "-o",
      "@BASE@/p.png", NULL }, 2, "filter size must be an odd number from 3 to 31" },
  { { "@BASE@/in/cat/notes.png", "--class", "cat", "--seed", "1", "--classes", "cat,dog", "-o",
      "@BASE@/p.png", NULL }, 1, "cat/notes.png" },
  { { "@BASE@/in/cat/none.png", "--class", "cat", "--seed", "1", "--classes", "cat,dog", "-o",
      "@BASE@/p.png", NULL }, 1, "cat/none.png" },
};

static void
test_errors (gconstpointer data)
{
  const ErrorCase *c = data;
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base);
  g_autofree char *image = g_build_filename (input, "cat", "c0.png", NULL);
  g_autofree char *notes = g_build_filename (input, "cat", "notes.png", NULL);
  g_autofree char *preview = g_build_filename (base, "p.png", NULL);
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *err = NULL;

  cli_write_file (notes, "these are notes\n", 16);
  before = veil_test_tree_snapshot (input, VEIL_TEST_TREE_MTIME, NULL);
  g_ptr_array_add (args, g_strdup ("preview"));
  for (guint i = 0; c->args[i] != NULL; i++)
    {
      GString *arg = g_string_new (c->args[i]);

      g_string_replace (arg, "@BASE@", base, 0);
      g_string_replace (arg, "@IMAGE@", image, 0);
      g_ptr_array_add (args, g_string_free (arg, FALSE));
    }
  while (args->len < 14)
    g_ptr_array_add (args, NULL);
  g_assert_cmpint (cli_run (NULL, NULL, &err, args->pdata[0], args->pdata[1], args->pdata[2],
                            args->pdata[3], args->pdata[4], args->pdata[5], args->pdata[6],
                            args->pdata[7], args->pdata[8], args->pdata[9], args->pdata[10],
                            args->pdata[11], args->pdata[12], NULL), ==, c->status);
  g_assert_nonnull (strstr (err, c->message));
  g_assert_false (g_file_test (preview, G_FILE_TEST_EXISTS));

  after = veil_test_tree_snapshot (input, VEIL_TEST_TREE_MTIME, NULL);
  veil_test_assert_same_tree (before, after);
  veil_test_rm_rf (base);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/preview/equals-export", test_equals_export);
  g_test_add_func ("/cli/preview/side-by-side", test_side_by_side);
  g_test_add_func ("/cli/preview/first-frame", test_first_frame);
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cli/preview/errors/%u", i);
      g_test_add_data_func (path, &error_cases[i], test_errors);
    }
  return g_test_run ();
}
