/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-preview"

/* The preview's computation (veil_preview_compute()): with keep_detail it shows the detail
 * path's result wherever that path acts on the decode, and the enlarged-filter view where it
 * does not (a decode at or below the training resolution, or "native"). */

#include "config.h"

#include <string.h>

#include "veil.h"
#include "veil-test-util.h"

#define RES 64u

static VeilFilterBank *
make_bank (void)
{
  const char *classes[] = { "a", "b" };
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilKey) key = veil_key_new_from_seed (7);
  VeilFilterBank *bank = veil_filter_bank_new (key, classes, G_N_ELEMENTS (classes), 5, 0.3,
                                               &error);

  g_assert_no_error (error);
  return bank;
}

/* A photo-like decode: gradients, a few edges and noise. */
static GdkPixbuf *
make_decode (int      width,
             int      height,
             gboolean alpha)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, alpha, 8, width, height);
  int n = gdk_pixbuf_get_n_channels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);

  veil_test_fill_random (pixels, (gsize) stride * (height - 1) + (gsize) width * n,
                         (guint32) (width * 31 + height));
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + (gsize) x * n;

        p[0] = (guint8) (p[0] / 8 + x * 200 / width);
        p[1] = (guint8) (p[1] / 8 + y * 200 / height);
        p[2] = (guint8) (p[2] / 8 + ((x / 9 + y / 13) % 2) * 180);
        if (alpha)
          p[3] = 255;
      }
  return pixbuf;
}

static VeilPreviewResult *
compute (VeilFilterBank *bank,
         GdkPixbuf      *decode,
         int             source_width,
         int             source_height,
         guint           training_res,
         gboolean        keep_detail)
{
  g_autoptr(GError) error = NULL;
  VeilPreviewRequest request = {
    .original = decode,
    .source_width = source_width,
    .source_height = source_height,
    .bank = bank,
    .class_index = 1,
    .training_res = training_res,
    .protect = TRUE,
    .keep_detail = keep_detail,
    .model_view = FALSE,
    .n_threads = 2,
  };
  VeilPreviewResult *result = veil_preview_compute (&request, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static gboolean
same_pixels (GdkPixbuf *a,
             GdkPixbuf *b)
{
  int w = gdk_pixbuf_get_width (a), h = gdk_pixbuf_get_height (a);
  int n = gdk_pixbuf_get_n_channels (a);

  g_assert_cmpint (gdk_pixbuf_get_width (b), ==, w);
  g_assert_cmpint (gdk_pixbuf_get_height (b), ==, h);
  g_assert_cmpint (gdk_pixbuf_get_n_channels (b), ==, n);
  for (int y = 0; y < h; y++)
    if (memcmp (gdk_pixbuf_read_pixels (a) + (gsize) y * gdk_pixbuf_get_rowstride (a),
                gdk_pixbuf_read_pixels (b) + (gsize) y * gdk_pixbuf_get_rowstride (b),
                (gsize) w * n) != 0)
      return FALSE;
  return TRUE;
}

/* A decode larger than R: the protected view is veil_detail_protect() of the decode, byte for
 * byte, and differs from the enlarged-filter view. With and without alpha. */
static void
test_detail_path (gconstpointer data)
{
  gboolean alpha = GPOINTER_TO_INT (data);
  g_autoptr(VeilFilterBank) bank = make_bank ();
  g_autoptr(GdkPixbuf) decode = make_decode (200, 130, alpha);
  g_autoptr(GdkPixbuf) expected = gdk_pixbuf_copy (decode);
  g_autoptr(VeilPreviewResult) on = compute (bank, decode, 800, 520, RES, TRUE);
  g_autoptr(VeilPreviewResult) off = compute (bank, decode, 800, 520, RES, FALSE);
  g_autoptr(GError) error = NULL;

  g_assert_true (veil_detail_protect (bank, 1, RES, gdk_pixbuf_read_pixels (decode),
                                      gdk_pixbuf_get_rowstride (decode),
                                      gdk_pixbuf_get_pixels (expected),
                                      gdk_pixbuf_get_rowstride (expected), 200, 130,
                                      gdk_pixbuf_get_n_channels (decode), 1, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (same_pixels (on->protected_image, expected));
  g_assert_false (same_pixels (on->protected_image, off->protected_image));
  g_assert_true (same_pixels (on->original, decode));
}

/* Where the detail path does not act, keep_detail changes nothing: a decode at or below R (the
 * two modes look alike at that scale) and "native". */
static void
test_same_where_detail_cannot_act (void)
{
  g_autoptr(VeilFilterBank) bank = make_bank ();
  g_autoptr(GdkPixbuf) small = make_decode (96, RES, FALSE);
  g_autoptr(GdkPixbuf) large = make_decode (200, 130, FALSE);
  struct {
    GdkPixbuf *decode;
    guint      training_res;
  } cases[] = {
    { small, RES },
    { large, VEIL_TRAINING_RES_NATIVE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VeilPreviewResult) on = compute (bank, cases[i].decode, 1200, 900,
                                                 cases[i].training_res, TRUE);
      g_autoptr(VeilPreviewResult) off = compute (bank, cases[i].decode, 1200, 900,
                                                  cases[i].training_res, FALSE);

      g_assert_true (same_pixels (on->protected_image, off->protected_image));
      g_assert_true (same_pixels (on->difference, off->difference));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/core/preview/keep-detail/rgb", GINT_TO_POINTER (FALSE),
                        test_detail_path);
  g_test_add_data_func ("/core/preview/keep-detail/rgba", GINT_TO_POINTER (TRUE),
                        test_detail_path);
  g_test_add_func ("/core/preview/keep-detail/same-where-it-cannot-act",
                   test_same_where_detail_cannot_act);
  return g_test_run ();
}
