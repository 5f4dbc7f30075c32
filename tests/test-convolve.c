/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <math.h>
#include <string.h>
#include <gio/gio.h>

#include "veil-convolve.h"
#include "veil-convolve-private.h"
#include "veil-error.h"
#include "veil-test-util.h"

/* Bytes past the last pixel of each row, in the source and in the destination: the destination's
 * must survive untouched. */
#define PADDING_BYTE 0xA5

typedef struct {
  int width;
  int height;
  int kw;
  int kh;
  int n_channels;
  int src_pad;   /* extra bytes per row */
  int dst_pad;
  guint32 seed;
} Case;

typedef struct {
  int      width, height, n_channels;
  int      src_stride, dst_stride;
  guint8  *src;
  guint8  *opt;
  guint8  *ref;
} Images;

static void
images_init (Images *im,
             int     width,
             int     height,
             int     n_channels,
             int     src_pad,
             int     dst_pad)
{
  im->width = width;
  im->height = height;
  im->n_channels = n_channels;
  im->src_stride = width * n_channels + src_pad;
  im->dst_stride = width * n_channels + dst_pad;
  im->src = g_malloc ((gsize) im->src_stride * height);
  im->opt = g_malloc ((gsize) im->dst_stride * height);
  im->ref = g_malloc ((gsize) im->dst_stride * height);
  memset (im->src, PADDING_BYTE, (gsize) im->src_stride * height);
  memset (im->opt, PADDING_BYTE, (gsize) im->dst_stride * height);
  memset (im->ref, PADDING_BYTE, (gsize) im->dst_stride * height);
}

static void
images_clear (Images *im)
{
  g_clear_pointer (&im->src, g_free);
  g_clear_pointer (&im->opt, g_free);
  g_clear_pointer (&im->ref, g_free);
}

static guint8 *
pixel (guint8 *buf, int stride, int n_channels, int x, int y)
{
  return buf + (gsize) y * stride + (gsize) x * n_channels;
}

static void
fill_random_pixels (Images *im,
                    guint32 seed)
{
  for (int y = 0; y < im->height; y++)
    veil_test_fill_random (im->src + (gsize) y * im->src_stride,
                           (gsize) im->width * im->n_channels, seed + y);
}

/* Weights as the filter bank draws them: uniform in [0, p_b) and one cell exactly 1. */
static float *
make_kernel (int     kw,
             int     kh,
             guint32 seed)
{
  float *w = g_new (float, kw * kh);
  g_autofree guint8 *bytes = g_malloc (kw * kh * 2);

  veil_test_fill_random (bytes, kw * kh * 2, seed);
  for (int i = 0; i < kw * kh; i++)
    w[i] = ((bytes[2 * i] << 8) | bytes[2 * i + 1]) / 65536.0f * 0.6f;
  w[bytes[0] % (kw * kh)] = 1.0f;
  return w;
}

static void
assert_padding_untouched (const Images *im,
                          const guint8 *dst)
{
  for (int y = 0; y < im->height; y++)
    for (int i = im->width * im->n_channels; i < im->dst_stride; i++)
      g_assert_cmpuint (dst[(gsize) y * im->dst_stride + i], ==, PADDING_BYTE);
}

static void
run_optimised (Images      *im,
               const float *kernel,
               int          kw,
               int          kh,
               int          n_threads)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = veil_convolve_protect (im->src, im->src_stride, im->opt, im->dst_stride, im->width,
                              im->height, im->n_channels, kernel, kw, kh, n_threads, NULL,
                              &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
run_reference (Images      *im,
               const float *kernel,
               int          kw,
               int          kh)
{
  veil_convolve_protect_reference (im->src, im->src_stride, im->ref, im->dst_stride, im->width,
                                   im->height, im->n_channels, kernel, kw, kh);
}

/* Compares the rows pixel by pixel so that a failure names the first pixel that differs. */
static void
assert_same_bytes (const Images *im,
                   const guint8 *a,
                   const guint8 *b)
{
  for (int y = 0; y < im->height; y++)
    {
      const guint8 *ra = a + (gsize) y * im->dst_stride;
      const guint8 *rb = b + (gsize) y * im->dst_stride;

      if (memcmp (ra, rb, (gsize) im->width * im->n_channels) != 0)
        for (int i = 0; i < im->width * im->n_channels; i++)
          if (ra[i] != rb[i])
            g_error ("byte %d of row %d differs: %u != %u (pixel %d, channel %d)", i, y, ra[i],
                     rb[i], i / im->n_channels, i % im->n_channels);
    }
}

static void
test_against_reference (gconstpointer data)
{
  const Case *c = data;
  g_autofree float *kernel = make_kernel (c->kw, c->kh, c->seed);
  Images im;

  images_init (&im, c->width, c->height, c->n_channels, c->src_pad, c->dst_pad);
  fill_random_pixels (&im, c->seed);
  run_reference (&im, kernel, c->kw, c->kh);
  run_optimised (&im, kernel, c->kw, c->kh, 2);

  assert_same_bytes (&im, im.opt, im.ref);
  assert_padding_untouched (&im, im.opt);
  if (c->n_channels == 4)
    for (int y = 0; y < im.height; y++)
      for (int x = 0; x < im.width; x++)
        g_assert_cmpuint (pixel (im.opt, im.dst_stride, 4, x, y)[3], ==,
                          pixel (im.src, im.src_stride, 4, x, y)[3]);
  images_clear (&im);
}

/* Photos, unlike noise, have flat areas and clipped highlights: the maximum then sits in a
 * saturated patch, most of the image can be skipped when looking for it, and many results land
 * exactly on the maximum or on zero. This exercises those paths against the reference. */
static void
test_photo_like (void)
{
  const int sizes[][2] = { { 700, 300 }, { 257, 65 }, { 40, 1100 } };

  for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (int n_channels = 3; n_channels <= 4; n_channels++)
      for (int k = 3; k <= 9; k += 6)
        {
          g_autofree float *kernel = make_kernel (k, k, 40 + k);
          Images im;

          images_init (&im, sizes[s][0], sizes[s][1], n_channels, 0, 3);
          fill_random_pixels (&im, 7 + s);
          for (int y = 0; y < im.height; y++)
            for (int x = 0; x < im.width; x++)
              {
                guint8 *p = pixel (im.src, im.src_stride, n_channels, x, y);

                for (int c = 0; c < 3; c++)
                  {
                    int v = (x * (c + 1) + y * 2) % 300 + (p[c] & 7);

                    if ((x / 37 + y / 23) % 5 == 0)
                      v = 0;         /* black areas */
                    p[c] = (guint8) MIN (v, 255);   /* clipped highlights */
                  }
              }
          run_reference (&im, kernel, k, k);
          run_optimised (&im, kernel, k, k, 2);
          assert_same_bytes (&im, im.opt, im.ref);
          assert_padding_untouched (&im, im.opt);
          images_clear (&im);
        }
}

/* An impulse at a corner: the result around it is the kernel, mirrored, cut by the border. */
static void
test_border_impulse (void)
{
  const int k = 5, r = k / 2, w = 9, h = 7;
  g_autofree float *kernel = g_new (float, k * k);
  Images im;

  for (int i = 0; i < k * k; i++)
    kernel[i] = (i + 1) / (float) (k * k);   /* all distinct, the largest is 1 */

  for (int corner = 0; corner < 4; corner++)
    {
      const int cx = (corner & 1) ? w - 1 : 0;
      const int cy = (corner & 2) ? h - 1 : 0;

      images_init (&im, w, h, 3, 0, 0);
      memset (im.src, 0, (gsize) im.src_stride * h);
      pixel (im.src, im.src_stride, 3, cx, cy)[1] = 255;
      run_optimised (&im, kernel, k, k, 1);

      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            const guint8 *p = pixel (im.opt, im.dst_stride, 3, x, y);
            int kx = cx - x + r, ky = cy - y + r;
            float weight = 0.0f;
            float m = 0.0f;

            /* The largest weight inside the image, which the impulse lands on, normalises. */
            for (int yy = 0; yy < h; yy++)
              for (int xx = 0; xx < w; xx++)
                {
                  int ax = cx - xx + r, ay = cy - yy + r;

                  if (ax >= 0 && ax < k && ay >= 0 && ay < k)
                    m = MAX (m, kernel[ay * k + ax]);
                }
            if (kx >= 0 && kx < k && ky >= 0 && ky < k)
              weight = kernel[ky * k + kx];

            g_assert_cmpuint (p[0], ==, 0);
            g_assert_cmpuint (p[2], ==, 0);
            /* 255/255 is exactly 1, so the sum there is exactly the weight. */
            g_assert_cmpuint (p[1], ==, (guint8) (weight / m * 255.0f));
          }
      images_clear (&im);
    }
}

/* A single 1 in the centre copies the image, up to the normalisation: an image whose largest
 * colour value is 255 comes back unchanged. */
static void
test_identity (void)
{
  for (int n_channels = 3; n_channels <= 4; n_channels++)
    for (int k = 1; k <= 9; k += 4)
      {
        g_autofree float *kernel = g_new0 (float, k * k);
        Images im;

        kernel[(k / 2) * k + k / 2] = 1.0f;
        images_init (&im, 61, 29, n_channels, 5, 7);
        fill_random_pixels (&im, 99);
        pixel (im.src, im.src_stride, n_channels, 3, 4)[0] = 255;
        run_optimised (&im, kernel, k, k, 2);

        for (int y = 0; y < im.height; y++)
          g_assert_cmpmem (im.opt + (gsize) y * im.dst_stride, im.width * n_channels,
                           im.src + (gsize) y * im.src_stride, im.width * n_channels);
        assert_padding_untouched (&im, im.opt);
        images_clear (&im);
      }
}

static void
test_black (void)
{
  g_autofree float *kernel = make_kernel (9, 9, 5);

  for (int n_channels = 3; n_channels <= 4; n_channels++)
    {
      Images im;

      images_init (&im, 50, 40, n_channels, 3, 1);
      fill_random_pixels (&im, 3);
      for (int y = 0; y < im.height; y++)
        for (int x = 0; x < im.width; x++)
          memset (pixel (im.src, im.src_stride, n_channels, x, y), 0, 3);
      run_optimised (&im, kernel, 9, 9, 2);
      for (int y = 0; y < im.height; y++)
        for (int x = 0; x < im.width; x++)
          {
            const guint8 *p = pixel (im.opt, im.dst_stride, n_channels, x, y);

            g_assert_cmpuint (p[0] | p[1] | p[2], ==, 0);
            if (n_channels == 4)
              g_assert_cmpuint (p[3], ==, pixel (im.src, im.src_stride, 4, x, y)[3]);
          }
      assert_padding_untouched (&im, im.opt);
      images_clear (&im);
    }
}

/* A constant image: interior pixels all see the full kernel and reach the maximum (255); the
 * borders see less; everything matches the reference. */
static void
test_constant (void)
{
  g_autofree float *kernel = make_kernel (5, 5, 8);
  Images im;

  images_init (&im, 33, 21, 3, 0, 0);
  memset (im.src, 77, (gsize) im.src_stride * im.height);
  run_optimised (&im, kernel, 5, 5, 2);
  run_reference (&im, kernel, 5, 5);
  assert_same_bytes (&im, im.opt, im.ref);
  for (int y = 2; y < im.height - 2; y++)
    for (int x = 2; x < im.width - 2; x++)
      for (int c = 0; c < 3; c++)
        g_assert_cmpuint (pixel (im.opt, im.dst_stride, 3, x, y)[c], ==, 255);
  g_assert_cmpuint (pixel (im.opt, im.dst_stride, 3, 0, 0)[0], <, 255);
  images_clear (&im);
}

static void
test_thread_counts (void)
{
  g_autofree float *kernel = make_kernel (7, 7, 21);
  const int threads[] = { 1, 2, 8, 0 };
  g_autofree guint8 *first = NULL;
  Images im;

  images_init (&im, 301, 203, 4, 1, 2);
  fill_random_pixels (&im, 2024);
  for (gsize t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      memset (im.opt, PADDING_BYTE, (gsize) im.dst_stride * im.height);
      run_optimised (&im, kernel, 7, 7, threads[t]);
      if (first == NULL)
        first = g_memdup2 (im.opt, (gsize) im.dst_stride * im.height);
      else
        g_assert_cmpmem (im.opt, (gsize) im.dst_stride * im.height,
                         first, (gsize) im.dst_stride * im.height);
    }
  images_clear (&im);
}

static void
test_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree float *kernel = make_kernel (3, 3, 1);
  Images im;
  gboolean ok;

  images_init (&im, 64, 64, 3, 0, 0);
  fill_random_pixels (&im, 1);
  g_cancellable_cancel (cancellable);
  ok = veil_convolve_protect (im.src, im.src_stride, im.opt, im.dst_stride, im.width, im.height,
                              3, kernel, 3, 3, 2, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (ok);
  /* Stopped before writing anything. */
  for (gsize i = 0; i < (gsize) im.dst_stride * im.height; i++)
    g_assert_cmpuint (im.opt[i], ==, PADDING_BYTE);
  images_clear (&im);
}

/* Cancelling from another thread while the convolution runs stops it early. */
static gpointer
cancel_soon (gpointer data)
{
  g_usleep (2000);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_cancelled_while_running (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree float *kernel = make_kernel (31, 31, 1);
  g_autoptr(GThread) thread = NULL;
  Images im;
  gint64 start, elapsed_full, elapsed_cancelled;
  gboolean ok;

  images_init (&im, 1200, 800, 3, 0, 0);
  fill_random_pixels (&im, 1);

  start = g_get_monotonic_time ();
  run_optimised (&im, kernel, 31, 31, 2);
  elapsed_full = g_get_monotonic_time () - start;

  thread = g_thread_new ("cancel", cancel_soon, cancellable);
  start = g_get_monotonic_time ();
  ok = veil_convolve_protect (im.src, im.src_stride, im.opt, im.dst_stride, im.width, im.height,
                              3, kernel, 31, 31, 2, cancellable, &error);
  elapsed_cancelled = g_get_monotonic_time () - start;

  if (elapsed_full < 20000)
    {
      /* Too fast a machine to cancel it mid-way reliably. */
      g_test_skip ("the convolution finishes before it can be cancelled");
      images_clear (&im);
      return;
    }
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (ok);
  g_assert_cmpint (elapsed_cancelled, <, elapsed_full / 2);
  images_clear (&im);
}

/* A kernel whose only weight is in a corner moves a lone bright pixel diagonally by its radius,
 * so the largest result lies where the image itself is black. Done at many positions, so that
 * some straddle whatever blocks or tiles the optimised path divides the image into: a path that
 * judged a region by its own pixels alone would miss the maximum. */
static void
test_max_shifted_across_regions (void)
{
  const int k = 9;
  g_autofree float *kernel = g_new0 (float, k * k);

  kernel[0] = 1.0f;
  for (int n_channels = 3; n_channels <= 4; n_channels++)
    for (int px = 7; px < 600; px += 62)
      {
        Images im;
        const int py = (px / 2) % 97;

        images_init (&im, 600, 100, n_channels, 0, 0);
        memset (im.src, 0, (gsize) im.src_stride * im.height);
        /* A dim background everywhere, so that nothing is skipped for being black. */
        for (int y = 0; y < im.height; y += 2)
          for (int x = 0; x < im.width; x += 3)
            pixel (im.src, im.src_stride, n_channels, x, y)[1] = 40;
        pixel (im.src, im.src_stride, n_channels, px, py)[2] = 200;
        run_reference (&im, kernel, k, k);
        run_optimised (&im, kernel, k, k, 2);
        assert_same_bytes (&im, im.opt, im.ref);
        if (px + k / 2 < im.width && py + k / 2 < im.height)
          g_assert_cmpuint (pixel (im.opt, im.dst_stride, n_channels, px + k / 2, py + k / 2)[2],
                            ==, 255);
        images_clear (&im);
      }
}

/* The optimised path's division-free conversion must equal the reference's byte / 255.0f. */
static void
test_byte_to_float (void)
{
  for (int b = 0; b < 256; b++)
    {
      volatile float divided = b / 255.0f;   /* volatile: computed at run time, like the core */

      g_assert_cmpfloat (_veil_convolve_byte_to_float ((guint8) b), ==, divided);
    }
}

/* The quantiser's shortcut (an estimate whose two truncations must agree, and y == m taken as
 * 255 without looking further) against the reference's formula, on the values where it is most
 * likely to go wrong: y == m, the float just below m, and the floats on either side of every
 * boundary k·m/255 between two output bytes, for several maxima. Run through both the AVX2 and
 * the plain path when the CPU has AVX2. */
static void
test_quantise_values (void)
{
  const float maxima[] = { 1.0f, 3.75f, 2.2345678f, 0.013f, 17.0f, 1e-30f };

  for (gsize i = 0; i < G_N_ELEMENTS (maxima); i++)
    {
      const float m = maxima[i];
      g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (float));
      g_autofree guint8 *fast = NULL;
      g_autofree guint8 *plain = NULL;

      for (int k = 0; k <= 255; k++)
        {
          float y = (float) ((double) m * k / 255.0);

          for (int step = 0; step < 6; step++)
            {
              float below = y, above = y;

              for (int s = 0; s < step; s++)
                {
                  below = nextafterf (below, 0.0f);
                  above = nextafterf (above, m);
                }
              g_array_append_val (values, below);
              g_array_append_val (values, above);
            }
        }
      for (int r = 0; r < 64; r++)   /* runs of the maximum, and of the float just below it */
        {
          float y = r % 3 == 0 ? nextafterf (m, 0.0f) : m;

          g_array_append_val (values, y);
        }

      fast = g_malloc (values->len);
      plain = g_malloc (values->len);
      _veil_convolve_quantise_values ((const float *) values->data, m, (int) values->len, FALSE,
                                      fast, FALSE);
      _veil_convolve_quantise_values ((const float *) values->data, m, (int) values->len, TRUE,
                                      plain, FALSE);
      for (guint j = 0; j < values->len; j++)
        {
          volatile float y = g_array_index (values, float, j);
          float q = y / m * 255.0f;

          q = q > 255.0f ? 255.0f : q;
          q = q > 0.0f ? q : 0.0f;
          g_assert_cmpuint (plain[j], ==, (guint8) q);
          g_assert_cmpuint (fast[j], ==, (guint8) q);
        }
    }
}

/* An image large enough (over 16 MB of output) for the optimised path to write rows with
 * streaming stores, with an odd destination stride so that rows start at every alignment. */
static void
test_large_image (void)
{
  g_autofree float *kernel = make_kernel (3, 3, 77);
  Images im;

  images_init (&im, 2600, 2200, 3, 1, 7);
  fill_random_pixels (&im, 5);
  run_reference (&im, kernel, 3, 3);
  run_optimised (&im, kernel, 3, 3, 2);
  assert_same_bytes (&im, im.opt, im.ref);
  assert_padding_untouched (&im, im.opt);
  images_clear (&im);
}

static void
test_bad_kernel (void)
{
  g_autoptr(GError) error = NULL;
  float kernel[9] = { 0, 0, 0, 0, 1, 0, 0, NAN, 0 };
  guint8 src[3 * 3 * 3] = { 0 }, dst[3 * 3 * 3];

  g_assert_false (veil_convolve_protect (src, 9, dst, 9, 3, 3, 3, kernel, 3, 3, 1, NULL, &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT);
}

/* Negative weights are outside what the filter bank draws, but stay well defined (clipped to 0)
 * and identical to the reference; they also switch off the skipping of tiles. */
static void
test_negative_weights (void)
{
  float kernel[9] = { -0.5f, 0.25f, 0, 1, -1, 0.5f, 0.125f, -0.25f, 0.75f };
  Images im;

  images_init (&im, 130, 70, 3, 2, 2);
  fill_random_pixels (&im, 11);
  run_reference (&im, kernel, 3, 3);
  run_optimised (&im, kernel, 3, 3, 2);
  assert_same_bytes (&im, im.opt, im.ref);
  images_clear (&im);
}

static const Case sizes[] = {
  { 1, 1 }, { 1, 7 }, { 7, 1 }, { 2, 2 }, { 3, 5 }, { 31, 17 }, { 64, 64 }, { 129, 65 },
  { 22, 3 }, { 300, 41 },
};

static const int kernels[][2] = { { 3, 3 }, { 5, 5 }, { 9, 9 }, { 31, 31 }, { 3, 5 }, { 7, 1 },
                                  { 1, 4 }, { 2, 2 } };

/* The photo normalisation written as plainly as possible: the same float32 sum as the reference,
 * divided by the kernel weight inside the image (summed in double, tap by tap), rounded. */
static void
photo_reference (const Images *im,
                 const float  *kernel,
                 int           kw,
                 int           kh,
                 guint8       *dst)
{
  for (int row = 0; row < im->height; row++)
    for (int col = 0; col < im->width; col++)
      {
        double inside = 0.0;

        for (int ky = 0; ky < kh; ky++)
          for (int kx = 0; kx < kw; kx++)
            {
              int sy = row + ky - kh / 2, sx = col + kx - kw / 2;

              if (sy >= 0 && sy < im->height && sx >= 0 && sx < im->width)
                inside += kernel[ky * kw + kx];
            }
        for (int c = 0; c < 3; c++)
          {
            float acc = 0.0f, q;

            for (int ky = 0; ky < kh; ky++)
              for (int kx = 0; kx < kw; kx++)
                {
                  int sy = row + ky - kh / 2, sx = col + kx - kw / 2;
                  float x = 0.0f;

                  if (sy >= 0 && sy < im->height && sx >= 0 && sx < im->width)
                    x = im->src[(gsize) sy * im->src_stride + (gsize) sx * im->n_channels + c]
                        / 255.0f;
                  acc = acc + kernel[ky * kw + kx] * x;
                }
            q = acc * (float) (255.0 / inside) + 0.5f;
            q = CLAMP (q, 0.0f, 255.0f);
            dst[(gsize) row * im->dst_stride + (gsize) col * im->n_channels + c] = (guint8) q;
          }
        if (im->n_channels == 4)
          dst[(gsize) row * im->dst_stride + (gsize) col * 4 + 3] =
            im->src[(gsize) row * im->src_stride + (gsize) col * 4 + 3];
      }
}

static const Case photo_cases[] = {
  { 64, 48, 3, 3, 3, 0, 0, 11 },
  { 37, 29, 9, 9, 4, 5, 3, 12 },
  { 200, 7, 9, 9, 3, 1, 0, 13 },   /* shorter than the kernel */
  { 5, 40, 11, 11, 4, 0, 2, 14 },  /* narrower than the kernel */
  { 130, 90, 31, 31, 3, 0, 0, 15 },
};

/* The optimised photo path against the plain one: the sums are the same bits, only the weight
 * inside may round differently in its last bit (a prefix-sum difference against a sum), which
 * can move a value sitting on a half step by one. */
static void
test_photo_against_reference (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (photo_cases); i++)
    {
      const Case *c = &photo_cases[i];
      g_autofree float *kernel = make_kernel (c->kw, c->kh, c->seed);
      g_autoptr(GError) error = NULL;
      Images im;
      guint n_off = 0;

      images_init (&im, c->width, c->height, c->n_channels, c->src_pad, c->dst_pad);
      fill_random_pixels (&im, c->seed);
      g_assert_true (veil_convolve_protect_normalised (im.src, im.src_stride, im.opt,
                                                       im.dst_stride, im.width, im.height,
                                                       im.n_channels, kernel, c->kw, c->kh,
                                                       VEIL_NORMALISE_PHOTO, 2, NULL, &error));
      g_assert_no_error (error);
      photo_reference (&im, kernel, c->kw, c->kh, im.ref);
      assert_padding_untouched (&im, im.opt);
      for (int y = 0; y < im.height; y++)
        for (int x = 0; x < im.width * im.n_channels; x++)
          {
            int a = im.opt[(gsize) y * im.dst_stride + x];
            int b = im.ref[(gsize) y * im.dst_stride + x];

            g_assert_cmpint (ABS (a - b), <=, 1);
            n_off += a != b;
          }
      g_assert_cmpuint (n_off * 1000, <=, (guint) (im.width * im.height * im.n_channels));
      images_clear (&im);
    }
}

/* A flat image stays exactly flat, borders and corners included: no dark frame, no change of
 * exposure. The paper's normalisation fails both (its borders darken, and it stretches the value
 * to white). */
static void
test_photo_flat (void)
{
  g_autofree float *kernel = make_kernel (9, 9, 21);
  Images im;

  images_init (&im, 60, 40, 3, 0, 0);
  memset (im.src, 117, (gsize) im.src_stride * im.height);
  g_assert_true (veil_convolve_protect_normalised (im.src, im.src_stride, im.opt, im.dst_stride,
                                                   im.width, im.height, 3, kernel, 9, 9,
                                                   VEIL_NORMALISE_PHOTO, 0, NULL, NULL));
  for (gsize i = 0; i < (gsize) im.dst_stride * im.height; i++)
    g_assert_cmpuint (im.opt[i], ==, 117);

  g_assert_true (veil_convolve_protect (im.src, im.src_stride, im.opt, im.dst_stride, im.width,
                                        im.height, 3, kernel, 9, 9, 0, NULL, NULL));
  g_assert_cmpuint (im.opt[0], <, 255 / 2);
  g_assert_cmpuint (im.opt[(gsize) 20 * im.dst_stride + 30 * 3], ==, 255);
  images_clear (&im);
}

static void
test_photo_threads (void)
{
  g_autofree float *kernel = make_kernel (7, 7, 31);
  Images im;
  g_autofree guint8 *other = NULL;

  images_init (&im, 301, 203, 4, 3, 1);
  fill_random_pixels (&im, 31);
  other = g_memdup2 (im.opt, (gsize) im.dst_stride * im.height);
  g_assert_true (veil_convolve_protect_normalised (im.src, im.src_stride, im.opt, im.dst_stride,
                                                   im.width, im.height, 4, kernel, 7, 7,
                                                   VEIL_NORMALISE_PHOTO, 1, NULL, NULL));
  for (int n = 2; n <= 5; n += 3)
    {
      g_assert_true (veil_convolve_protect_normalised (im.src, im.src_stride, other,
                                                       im.dst_stride, im.width, im.height, 4,
                                                       kernel, 7, 7, VEIL_NORMALISE_PHOTO, n,
                                                       NULL, NULL));
      g_assert_cmpmem (im.opt, (gsize) im.dst_stride * im.height, other,
                       (gsize) im.dst_stride * im.height);
    }
  images_clear (&im);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_free);

  g_test_init (&argc, &argv, NULL);

  for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (gsize k = 0; k < G_N_ELEMENTS (kernels); k++)
      for (int n_channels = 3; n_channels <= 4; n_channels++)
        {
          Case *c = g_new0 (Case, 1);
          g_autofree char *path = NULL;

          *c = sizes[s];
          c->kw = kernels[k][0];
          c->kh = kernels[k][1];
          c->n_channels = n_channels;
          /* Odd strides with padding bytes on every other case. */
          c->src_pad = (s + k) % 2 ? 3 : 0;
          c->dst_pad = (s + k) % 2 ? 0 : 5;
          c->seed = (guint32) (s * 100 + k * 10 + n_channels);
          g_ptr_array_add (cases, c);
          path = g_strdup_printf ("/core/convolve/reference/%dx%d/k%dx%d/c%d", c->width,
                                  c->height, c->kw, c->kh, n_channels);
          g_test_add_data_func (path, c, test_against_reference);
        }

  g_test_add_func ("/core/convolve/photo-like", test_photo_like);
  g_test_add_func ("/core/convolve/border-impulse", test_border_impulse);
  g_test_add_func ("/core/convolve/identity", test_identity);
  g_test_add_func ("/core/convolve/black", test_black);
  g_test_add_func ("/core/convolve/constant", test_constant);
  g_test_add_func ("/core/convolve/threads", test_thread_counts);
  g_test_add_func ("/core/convolve/cancelled", test_cancelled);
  g_test_add_func ("/core/convolve/cancelled-while-running", test_cancelled_while_running);
  g_test_add_func ("/core/convolve/max-across-regions", test_max_shifted_across_regions);
  g_test_add_func ("/core/convolve/large-image", test_large_image);
  g_test_add_func ("/core/convolve/byte-to-float", test_byte_to_float);
  g_test_add_func ("/core/convolve/quantise-values", test_quantise_values);
  g_test_add_func ("/core/convolve/bad-kernel", test_bad_kernel);
  g_test_add_func ("/core/convolve/negative-weights", test_negative_weights);
  g_test_add_func ("/core/convolve/photo/against-reference", test_photo_against_reference);
  g_test_add_func ("/core/convolve/photo/flat", test_photo_flat);
  g_test_add_func ("/core/convolve/photo/threads", test_photo_threads);

  return g_test_run ();
}
