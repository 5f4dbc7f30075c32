/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>
#include <string.h>

#include "veil-convolve.h"
#include "veil-error.h"
#include "veil-filter-bank.h"
#include "veil-kernel-scale.h"
#include "veil-key.h"
#include "veil-protect.h"
#include "veil-survival.h"
#include "veil-test-util.h"

static VeilFilterBank *
make_bank (guint k, double pb)
{
  const char *names[] = { "cats", "dogs", "owls" };
  g_autoptr(VeilKey) key = veil_key_new_from_seed (0);
  g_autoptr(GError) error = NULL;
  VeilFilterBank *bank = veil_filter_bank_new (key, names, G_N_ELEMENTS (names), k, pb, &error);

  g_assert_no_error (error);
  return bank;
}

/* A photograph-like image: smooth gradients, fine texture, hard edges and a little noise. */
static guint8 *
make_photo (int width, int height, int n_channels, guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *pixels = g_malloc ((gsize) width * height * n_channels);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        double u = (double) x / width, v = (double) y / height;
        /* Edges: a disc and a bar of other colours. */
        gboolean disc = (u - 0.6) * (u - 0.6) + (v - 0.4) * (v - 0.4) < 0.04;
        gboolean bar = u > 0.15 && u < 0.3 && v > 0.2;

        for (int c = 0; c < n_channels; c++)
          {
            double val = 110 + 70 * sin (3.0 * u + c) * cos (2.2 * v - 0.5 * c);

            val += 18 * sin (x * 0.21 + c) * sin (y * 0.17);
            if (disc)
              val = 200 - 40 * c + 20 * sin (x * 0.05);
            if (bar)
              val = 40 + 30 * c;
            val += g_rand_double_range (rand, -6, 6);
            if (c == 3)
              val = (x + y) % 256;
            pixels[((gsize) y * width + x) * n_channels + c] = (guint8) CLAMP (val, 0, 255);
          }
      }
  return pixels;
}

static double
psnr (const guint8 *a, const guint8 *b, gsize n_pixels, int n_channels)
{
  double sse = 0.0;

  for (gsize i = 0; i < n_pixels; i++)
    for (int c = 0; c < MIN (n_channels, 3); c++)
      {
        double d = (double) a[i * n_channels + c] - b[i * n_channels + c];

        sse += d * d;
      }
  return sse > 0 ? 10 * log10 (255.0 * 255.0 * n_pixels * MIN (n_channels, 3) / sse) : INFINITY;
}

static void
test_native_exact (void)
{
  g_autoptr(VeilFilterBank) bank = make_bank (9, 0.06);
  struct { int w, h; guint res; } cases[] = {
    { 300, 200, VEIL_TRAINING_RES_NATIVE },
    { 300, 200, 224 },   /* short side below R: the filter as is */
    { 300, 200, 200 },   /* equal */
    { 900, 700, VEIL_TRAINING_RES_NATIVE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      int w = cases[i].w, h = cases[i].h, stride = w * 4;
      g_autofree guint8 *src = make_photo (w, h, 4, i);
      g_autofree guint8 *a = g_malloc ((gsize) stride * h);
      g_autofree guint8 *b = g_malloc ((gsize) stride * h);
      g_autoptr(GError) error = NULL;
      int size;
      g_autofree float *kernel = veil_protect_effective_kernel (bank, 1, cases[i].res, w, h,
                                                                &size);

      g_assert_cmpint (size, ==, 9);
      g_assert_cmpmem (kernel, sizeof (float) * 81, veil_filter_bank_get_filter (bank, 1),
                       sizeof (float) * 81);
      g_assert_true (veil_protect_pixels (bank, 1, cases[i].res, src, stride, a, stride, w, h, 4,
                                          0, NULL, &error));
      g_assert_no_error (error);
      /* A seed key at the native resolution is the paper-exact path; below R the filter is
       * used as is, with the photo normalisation. */
      g_assert_true (veil_convolve_protect_normalised (src, stride, b, stride, w, h, 4,
                                                       veil_filter_bank_get_filter (bank, 1), 9,
                                                       9,
                                                       cases[i].res == VEIL_TRAINING_RES_NATIVE
                                                         ? VEIL_NORMALISE_PAPER
                                                         : VEIL_NORMALISE_PHOTO,
                                                       0, NULL, &error));
      g_assert_cmpmem (a, (gsize) stride * h, b, (gsize) stride * h);
    }
}

/* At the native resolution every key takes the paper's normalisation; at a training
 * resolution every key takes the photo normalisation. */
static void
test_normalisation_choice (void)
{
  const char *names[] = { "cats", "dogs" };
  g_autoptr(VeilKey) seed = veil_key_new_from_seed (3);
  g_autoptr(VeilKey) secret = veil_key_new_random ("photo", NULL);
  g_autoptr(VeilFilterBank) seed_bank = veil_filter_bank_new (seed, names, 2, 9, 0.06, NULL);
  g_autoptr(VeilFilterBank) secret_bank = veil_filter_bank_new (secret, names, 2, 9, 0.06, NULL);

  g_assert_cmpint (veil_protect_normalisation (seed_bank, VEIL_TRAINING_RES_NATIVE), ==,
                   VEIL_NORMALISE_PAPER);
  g_assert_cmpint (veil_protect_normalisation (seed_bank, 224), ==, VEIL_NORMALISE_PHOTO);
  g_assert_cmpint (veil_protect_normalisation (secret_bank, VEIL_TRAINING_RES_NATIVE), ==,
                   VEIL_NORMALISE_PAPER);
  g_assert_cmpint (veil_protect_normalisation (secret_bank, 224), ==, VEIL_NORMALISE_PHOTO);
}

static void
test_scale_factor (void)
{
  g_assert_cmpfloat (veil_protect_scale_factor (VEIL_TRAINING_RES_NATIVE, 6000, 4000), ==, 1.0);
  g_assert_cmpfloat (veil_protect_scale_factor (224, 200, 1000), ==, 1.0);
  g_assert_cmpfloat (veil_protect_scale_factor (224, 6000, 4000), ==, 4000.0 / 224);
  g_assert_cmpfloat (veil_protect_scale_factor (224, 3000, 4000), ==, 3000.0 / 224);
}

static void
test_effective_kernel (void)
{
  g_autoptr(VeilFilterBank) bank = make_bank (9, 0.06);
  g_autofree float *kernel = NULL;
  g_autofree float *expected = NULL;
  int size, expected_size;

  kernel = veil_protect_effective_kernel (bank, 2, 224, 4000, 3000, &size);
  expected = veil_kernel_scale_up (veil_filter_bank_get_filter (bank, 2), 9, 3000.0 / 224,
                                   &expected_size);
  g_assert_cmpint (size, ==, expected_size);
  g_assert_cmpint (size, >=, 9 * 3000 / 224);
  g_assert_cmpmem (kernel, sizeof (float) * size * size, expected,
                   sizeof (float) * size * size);
}

static void
test_backend_choice (void)
{
  g_assert_false (veil_protect_prefers_fft (1000, 1000, 9));
  g_assert_false (veil_protect_prefers_fft (6000, 4000, 9));
  g_assert_true (veil_protect_prefers_fft (6000, 4000, 161));
  g_assert_true (veil_protect_prefers_fft (2000, 1500, 61));
}

/* The point of the training resolution: what a scraper gets after shrinking a photo protected
 * at full size is (nearly) what protecting the shrunk photo would give. Returns that PSNR. */
static double
downscale_agreement (const VeilFilterBank *bank, const guint8 *src, int w, int h, int nc,
                     int stride, guint res, double *strength)
{
  int sw, sh;
  g_autofree guint8 *full = g_malloc ((gsize) w * h * nc);
  g_autofree guint8 *full_small = NULL;
  g_autofree guint8 *small = NULL;
  g_autofree guint8 *small_protected = NULL;
  g_autoptr(GError) error = NULL;

  veil_survival_size_at (w, h, res, &sw, &sh);
  full_small = g_malloc ((gsize) sw * sh * nc);
  small = g_malloc ((gsize) sw * sh * nc);
  small_protected = g_malloc ((gsize) sw * sh * nc);

  g_assert_true (veil_protect_pixels (bank, 0, res, src, stride, full, w * nc, w, h, nc, 0,
                                      NULL, &error));
  g_assert_no_error (error);
  veil_survival_downscale_area (full, w * nc, w, h, nc, full_small, sw * nc, sw, sh);

  veil_survival_downscale_area (src, stride, w, h, nc, small, sw * nc, sw, sh);
  g_assert_true (veil_protect_pixels (bank, 0, res, small, sw * nc, small_protected, sw * nc,
                                      sw, sh, nc, 0, NULL, &error));
  g_assert_no_error (error);

  if (strength != NULL)
    *strength = psnr (small_protected, small, (gsize) sw * sh, nc);
  return psnr (full_small, small_protected, (gsize) sw * sh, nc);
}

static void
test_survives_downscale (void)
{
  g_autoptr(VeilFilterBank) bank = make_bank (9, 0.06);
  int w = 2000, h = 1500;
  g_autofree guint8 *src = make_photo (w, h, 3, 7);
  double strength, agreement;

  agreement = downscale_agreement (bank, src, w, h, 3, w * 3, 224, &strength);
  g_test_message ("protected at R vs original at R: %.1f dB; downscaled vs protected at R: "
                  "%.1f dB", strength, agreement);
  /* The protection is visible at R at all, and the full-size result lands on it. */
  g_assert_cmpfloat (strength, <, 35.0);
  g_assert_cmpfloat (agreement, >=, 40.0);
}

static void
test_samples (void)
{
  const char *root = g_getenv ("VEIL_SOURCE_ROOT");
  g_autofree char *dir = NULL;
  g_autoptr(VeilFilterBank) bank = make_bank (9, 0.06);
  const char *classes[] = { "flowers", "nature", "objects" };
  guint n_checked = 0;

  if (root == NULL)
    {
      g_test_skip ("VEIL_SOURCE_ROOT is not set");
      return;
    }
  dir = g_build_filename (root, "data", "samples", NULL);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no data/samples folder");
      return;
    }

  for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
    {
      g_autofree char *class_dir = g_build_filename (dir, classes[c], NULL);
      g_autoptr(GDir) d = g_dir_open (class_dir, 0, NULL);
      const char *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *path = g_build_filename (class_dir, name, NULL);
          g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (path, NULL);
          double agreement;
          int w, h;

          if (pixbuf == NULL)
            continue;
          w = gdk_pixbuf_get_width (pixbuf);
          h = gdk_pixbuf_get_height (pixbuf);
          /* Only photos large enough for the filter to be enlarged noticeably. */
          if (MIN (w, h) < 2 * 224)
            continue;
          agreement = downscale_agreement (bank, gdk_pixbuf_read_pixels (pixbuf),
                                           w, h, gdk_pixbuf_get_n_channels (pixbuf),
                                           gdk_pixbuf_get_rowstride (pixbuf), 224, NULL);
          g_test_message ("%s: %.1f dB", name, agreement);
          g_assert_cmpfloat (agreement, >=, 40.0);
          n_checked++;
        }
    }
  if (n_checked == 0)
    g_test_skip ("no sample photo of at least 448 px on the short side");
}

static void
test_threads (void)
{
  g_autoptr(VeilFilterBank) bank = make_bank (9, 0.06);
  int w = 1200, h = 900, stride = w * 3;
  g_autofree guint8 *src = make_photo (w, h, 3, 3);
  g_autofree guint8 *one = g_malloc ((gsize) stride * h);
  int counts[] = { 2, 4 };

  g_assert_true (veil_protect_pixels (bank, 2, 224, src, stride, one, stride, w, h, 3, 1,
                                      NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_autofree guint8 *other = g_malloc ((gsize) stride * h);

      g_assert_true (veil_protect_pixels (bank, 2, 224, src, stride, other, stride, w, h, 3,
                                          counts[i], NULL, NULL));
      g_assert_cmpmem (one, (gsize) stride * h, other, (gsize) stride * h);
    }
}

/* Previews at a display size below R shrink the filter the same way. */
static void
test_preview_scale (void)
{
  g_autoptr(VeilFilterBank) bank = make_bank (9, 0.06);
  int w = 160, h = 120, stride = w * 3, size;
  g_autofree guint8 *src = make_photo (w, h, 3, 4);
  g_autofree guint8 *a = g_malloc ((gsize) stride * h);
  g_autofree guint8 *b = g_malloc ((gsize) stride * h);
  g_autofree float *kernel = veil_kernel_scale (veil_filter_bank_get_filter (bank, 0), 9, 0.5,
                                                &size);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (size, ==, 5);
  g_assert_true (veil_protect_pixels_scaled (bank, 0, VEIL_NORMALISE_PAPER, 0.5, src, stride, a, stride, w, h, 3, 0,
                                             NULL, &error));
  g_assert_no_error (error);
  g_assert_true (veil_convolve_protect (src, stride, b, stride, w, h, 3, kernel, size, size, 0,
                                        NULL, NULL));
  g_assert_cmpmem (a, (gsize) stride * h, b, (gsize) stride * h);
}

static void
test_too_large (void)
{
  g_autoptr(VeilFilterBank) bank = make_bank (9, 0.06);
  guint8 src[3 * 16] = { 0 }, dst[3 * 16];
  g_autoptr(GError) error = NULL;

  g_assert_false (veil_protect_pixels_scaled (bank, 0, VEIL_NORMALISE_PHOTO, 1000.0, src, 12, dst, 12, 4, 4, 3, 0,
                                              NULL, &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/protect/native-exact", test_native_exact);
  g_test_add_func ("/core/protect/normalisation-choice", test_normalisation_choice);
  g_test_add_func ("/core/protect/scale-factor", test_scale_factor);
  g_test_add_func ("/core/protect/effective-kernel", test_effective_kernel);
  g_test_add_func ("/core/protect/backend-choice", test_backend_choice);
  g_test_add_func ("/core/protect/survives-downscale", test_survives_downscale);
  g_test_add_func ("/core/protect/samples", test_samples);
  g_test_add_func ("/core/protect/threads", test_threads);
  g_test_add_func ("/core/protect/preview-scale", test_preview_scale);
  g_test_add_func ("/core/protect/too-large", test_too_large);

  return g_test_run ();
}
