/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "veil-convolve.h"
#include "veil-convolve-fft.h"
#include "veil-test-util.h"

typedef struct {
  int width, height, n_channels, ksize, pad; /* pad: extra bytes at the end of each row */
} Case;

static const Case cases[] = {
  { 1, 1, 3, 3, 0 },
  { 7, 5, 3, 61, 0 },     /* kernel much larger than the image: everything is border */
  { 64, 48, 4, 9, 3 },
  { 100, 37, 3, 1, 1 },
  { 300, 200, 3, 31, 5 },
  { 211, 353, 4, 45, 2 },
  { 517, 389, 3, 61, 0 }, /* several tiles in each direction */
  { 1100, 90, 4, 25, 7 },
};

static guint8 *
make_image (int width, int height, int n_channels, int stride, guint32 seed)
{
  guint8 *pixels = g_malloc ((gsize) stride * height);

  veil_test_fill_random (pixels, (gsize) stride * height, seed);
  return pixels;
}

static float *
make_kernel (int ksize, guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  float *w = g_new (float, ksize * ksize);

  for (int i = 0; i < ksize * ksize; i++)
    w[i] = (float) g_rand_double_range (rand, 0.0, 0.2);
  w[g_rand_int_range (rand, 0, ksize * ksize)] = 1.0f;
  return w;
}

/* Compares FFT and direct outputs: colour within one step, alpha and padding as written. */
static void
assert_within_one_step (const guint8 *a, const guint8 *b, int width, int height,
                        int n_channels, int stride)
{
  int max_diff = 0;
  gsize n_diff = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < n_channels; c++)
        {
          gsize i = (gsize) y * stride + (gsize) x * n_channels + c;
          int d = abs ((int) a[i] - (int) b[i]);

          if (c == 3)
            g_assert_cmpint (d, ==, 0);
          max_diff = MAX (max_diff, d);
          n_diff += d != 0;
        }
  g_test_message ("%d×%d: max difference %d, %" G_GSIZE_FORMAT " values differ",
                  width, height, max_diff, n_diff);
  g_assert_cmpint (max_diff, <=, 1);
}

static void
test_against_direct (gconstpointer data)
{
  const Case *tc = data;
  int stride = tc->width * tc->n_channels + tc->pad;
  gsize len = (gsize) stride * tc->height;
  g_autofree guint8 *src = make_image (tc->width, tc->height, tc->n_channels, stride,
                                       tc->width * 31 + tc->ksize);
  g_autofree float *kernel = make_kernel (tc->ksize, tc->ksize * 7 + tc->height);
  g_autofree guint8 *direct = g_malloc0 (len);
  g_autofree guint8 *fft = g_malloc0 (len);
  g_autoptr(GError) error = NULL;

  g_assert_true (veil_convolve_protect (src, stride, direct, stride, tc->width, tc->height,
                                        tc->n_channels, kernel, tc->ksize, tc->ksize, 0,
                                        NULL, &error));
  g_assert_no_error (error);
  g_assert_true (veil_convolve_fft_protect (src, stride, fft, stride, tc->width, tc->height,
                                            tc->n_channels, kernel, tc->ksize, tc->ksize, 0,
                                            NULL, &error));
  g_assert_no_error (error);
  assert_within_one_step (direct, fft, tc->width, tc->height, tc->n_channels, stride);
}

/* A photograph-like image with smooth regions, where the division by a small maximum magnifies
 * rounding: a dark image with one bright spot. */
static void
test_dark_image (void)
{
  int width = 400, height = 300, ksize = 81, stride = width * 3;
  g_autofree guint8 *src = g_malloc0 ((gsize) stride * height);
  g_autofree float *kernel = make_kernel (ksize, 11);
  g_autofree guint8 *direct = g_malloc ((gsize) stride * height);
  g_autofree guint8 *fft = g_malloc ((gsize) stride * height);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < 3; c++)
        src[y * stride + x * 3 + c] = (x * 7 + y * 3 + c) % 5;
  src[150 * stride + 200 * 3 + 1] = 255;

  g_assert_true (veil_convolve_protect (src, stride, direct, stride, width, height, 3,
                                        kernel, ksize, ksize, 0, NULL, NULL));
  g_assert_true (veil_convolve_fft_protect (src, stride, fft, stride, width, height, 3,
                                            kernel, ksize, ksize, 0, NULL, NULL));
  assert_within_one_step (direct, fft, width, height, 3, stride);
}

static void
test_black (void)
{
  int width = 50, height = 40, stride = width * 4;
  g_autofree guint8 *src = g_malloc0 ((gsize) stride * height);
  g_autofree guint8 *dst = g_malloc ((gsize) stride * height);
  g_autofree float *kernel = make_kernel (21, 1);

  for (int i = 3; i < stride * height; i += 4)
    src[i] = i % 251;
  memset (dst, 0x5a, (gsize) stride * height);
  g_assert_true (veil_convolve_fft_protect (src, stride, dst, stride, width, height, 4,
                                            kernel, 21, 21, 0, NULL, NULL));
  g_assert_cmpmem (dst, (gsize) stride * height, src, (gsize) stride * height);
}

static void
test_thread_invariance (void)
{
  int width = 700, height = 450, ksize = 57, stride = width * 3;
  g_autofree guint8 *src = make_image (width, height, 3, stride, 77);
  g_autofree float *kernel = make_kernel (ksize, 78);
  g_autofree guint8 *one = g_malloc ((gsize) stride * height);
  int thread_counts[] = { 2, 3, 8 };

  g_assert_true (veil_convolve_fft_protect (src, stride, one, stride, width, height, 3,
                                            kernel, ksize, ksize, 1, NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (thread_counts); i++)
    {
      g_autofree guint8 *other = g_malloc ((gsize) stride * height);

      g_assert_true (veil_convolve_fft_protect (src, stride, other, stride, width, height, 3,
                                                kernel, ksize, ksize, thread_counts[i], NULL,
                                                NULL));
      g_assert_cmpmem (one, (gsize) stride * height, other, (gsize) stride * height);
    }
}

static void
test_cancelled (void)
{
  int width = 300, height = 300, stride = width * 3;
  g_autofree guint8 *src = make_image (width, height, 3, stride, 5);
  g_autofree guint8 *dst = g_malloc ((gsize) stride * height);
  g_autofree float *kernel = make_kernel (41, 6);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (veil_convolve_fft_protect (src, stride, dst, stride, width, height, 3,
                                             kernel, 41, 41, 0, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The cost model grows with the image and the kernel, and is finite for the largest kernel. */
static void
test_cost (void)
{
  double small = veil_convolve_fft_protect_cost (1000, 1000, 51, 51);
  double wide = veil_convolve_fft_protect_cost (4000, 1000, 51, 51);
  double big_kernel = veil_convolve_fft_protect_cost (1000, 1000, 301, 301);

  g_assert_cmpfloat (small, >, 0.0);
  g_assert_cmpfloat (wide, >, 2.5 * small);
  g_assert_cmpfloat (big_kernel, >, small);
  g_assert_true (isfinite (veil_convolve_fft_protect_cost (6000, 4000,
                                                           VEIL_CONVOLVE_FFT_KERNEL_MAX,
                                                           VEIL_CONVOLVE_FFT_KERNEL_MAX)));
}

/* The photo normalisation: the FFT backend writes each tile's bytes directly and agrees with the
 * direct backend within a step, borders included, for RGB and RGBA, at any thread count. */
static void
test_photo (void)
{
  struct { int width, height, ksize, n_channels; } photo_cases[] = {
    { 300, 200, 41, 3 },
    { 130, 170, 61, 4 },
    { 50, 300, 81, 3 },   /* narrower than the kernel */
  };

  for (guint i = 0; i < G_N_ELEMENTS (photo_cases); i++)
    {
      int width = photo_cases[i].width, height = photo_cases[i].height;
      int ksize = photo_cases[i].ksize, nc = photo_cases[i].n_channels, stride = width * nc;
      g_autofree guint8 *src = make_image (width, height, nc, stride, 40 + i);
      g_autofree float *kernel = make_kernel (ksize, 50 + i);
      g_autofree guint8 *direct = g_malloc ((gsize) stride * height);
      g_autofree guint8 *fft = g_malloc ((gsize) stride * height);
      g_autofree guint8 *fft1 = g_malloc ((gsize) stride * height);

      g_assert_true (veil_convolve_protect_normalised (src, stride, direct, stride, width,
                                                       height, nc, kernel, ksize, ksize,
                                                       VEIL_NORMALISE_PHOTO, 0, NULL, NULL));
      g_assert_true (veil_convolve_fft_protect_normalised (src, stride, fft, stride, width,
                                                           height, nc, kernel, ksize, ksize,
                                                           VEIL_NORMALISE_PHOTO, 2, NULL, NULL));
      g_assert_true (veil_convolve_fft_protect_normalised (src, stride, fft1, stride, width,
                                                           height, nc, kernel, ksize, ksize,
                                                           VEIL_NORMALISE_PHOTO, 1, NULL, NULL));
      assert_within_one_step (direct, fft, width, height, nc, stride);
      g_assert_cmpmem (fft, (gsize) stride * height, fft1, (gsize) stride * height);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *tc = &cases[i];
      g_autofree char *path = g_strdup_printf ("/core/convolve-fft/against-direct/%dx%dx%d-k%d",
                                               tc->width, tc->height, tc->n_channels, tc->ksize);

      g_test_add_data_func (path, tc, test_against_direct);
    }
  g_test_add_func ("/core/convolve-fft/dark-image", test_dark_image);
  g_test_add_func ("/core/convolve-fft/photo", test_photo);
  g_test_add_func ("/core/convolve-fft/black", test_black);
  g_test_add_func ("/core/convolve-fft/thread-invariance", test_thread_invariance);
  g_test_add_func ("/core/convolve-fft/cancelled", test_cancelled);
  g_test_add_func ("/core/convolve-fft/cost", test_cost);

  return g_test_run ();
}
