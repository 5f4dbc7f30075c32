/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <math.h>
#include <string.h>

#include "veil-kernel-scale.h"
#include "veil-test-util.h"

/* A paper-like filter: weights in [0, pb) and one cell exactly 1, from a test seed. */
static float *
make_filter (int k, guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  float *w = g_new (float, k * k);

  for (int i = 0; i < k * k; i++)
    w[i] = (float) g_rand_double_range (rand, 0.0, 0.3);
  w[g_rand_int_range (rand, 0, k * k)] = 1.0f;
  return w;
}

static double
sum_of (const float *w, int n)
{
  double s = 0.0;

  for (int i = 0; i < n; i++)
    s += w[i];
  return s;
}

static void
test_identity (void)
{
  for (int k = 1; k <= 31; k += 2)
    {
      g_autofree float *w = make_filter (k, 100 + k);
      g_autofree float *out = NULL;
      int size = 0;

      out = veil_kernel_scale_up (w, k, 1.0, &size);
      g_assert_cmpint (size, ==, k);
      g_assert_cmpmem (out, sizeof (float) * k * k, w, sizeof (float) * k * k);
    }
}

static const double scales[] = { 0.1, 0.3, 0.5, 0.77, 1.0, 1.001, 1.5, 2.0, 2.37, 3.0, 7.5,
                                 17.857 };

static void
test_sum_and_size (void)
{
  for (int k = 3; k <= 9; k += 2)
    {
      g_autofree float *w = make_filter (k, 7 * k);
      double s = sum_of (w, k * k);

      for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
        {
          double f = scales[i];
          g_autofree float *out = NULL;
          int size = 0;

          out = veil_kernel_scale (w, k, f, &size);
          g_assert_cmpint (size % 2, ==, 1);
          g_assert_cmpint (size, ==, veil_kernel_scale_size (k, f));
          /* It holds the whole k·f square, and not more than one pixel of margin each side. */
          g_assert_cmpfloat (size + 1e-9, >=, k * f);
          g_assert_cmpfloat (size, <=, k * f + 2.0 + 1e-9);
          /* Area resampling keeps the total: f² times the filter's sum. */
          g_assert_cmpfloat_with_epsilon (sum_of (out, size * size), s * f * f, 1e-5 * s * f * f);
          for (int j = 0; j < size * size; j++)
            g_assert_cmpfloat (out[j], >=, 0.0f);
        }
    }
}

/* Value of a K×K kernel at offset (dy, dx) from its centre, 0 outside. */
static float
at_offset (const float *w, int size, int dy, int dx)
{
  int c = size / 2;

  if (abs (dy) > c || abs (dx) > c)
    return 0.0f;
  return w[(c + dy) * size + c + dx];
}

static void
test_continuity (void)
{
  int k = 9;
  g_autofree float *w = make_filter (k, 42);

  /* Includes scales where the kernel side jumps by two (k·f crossing an odd integer) and
   * integer scales, where a nearest-neighbour enlargement would jump. */
  for (double f = 1.0; f < 4.0; f += 0.0371)
    {
      g_autofree float *a = NULL, *b = NULL;
      int sa, sb, c;
      double max_diff = 0.0;

      a = veil_kernel_scale (w, k, f, &sa);
      b = veil_kernel_scale (w, k, f + 1e-3, &sb);
      g_assert_cmpint (sb, >=, sa);
      g_assert_cmpint (sb, <=, sa + 2);
      c = sb / 2;
      for (int dy = -c; dy <= c; dy++)
        for (int dx = -c; dx <= c; dx++)
          max_diff = MAX (max_diff, fabs (at_offset (a, sa, dy, dx) - at_offset (b, sb, dy, dx)));
      /* A change of 1e-3 in scale moves each cell edge by at most k/2 · 1e-3 pixel. */
      g_assert_cmpfloat (max_diff, <, 3 * k * 1e-3);
    }

  /* Crossing an integer exactly. */
  for (int n = 1; n <= 3; n++)
    {
      g_autofree float *a = NULL, *b = NULL;
      int sa, sb, c;
      double max_diff = 0.0;

      a = veil_kernel_scale (w, k, n - 1e-4, &sa);
      b = veil_kernel_scale (w, k, n + 1e-4, &sb);
      c = MAX (sa, sb) / 2;
      for (int dy = -c; dy <= c; dy++)
        for (int dx = -c; dx <= c; dx++)
          max_diff = MAX (max_diff, fabs (at_offset (a, sa, dy, dx) - at_offset (b, sb, dy, dx)));
      g_assert_cmpfloat (max_diff, <, 0.01);
    }
}

/* Scaling commutes with mirroring and transposing the filter: the kernel stays centred. */
static void
test_symmetry (void)
{
  int k = 7;
  g_autofree float *w = make_filter (k, 9);
  g_autofree float *flipped = g_new (float, k * k);
  g_autofree float *transposed = g_new (float, k * k);

  for (int y = 0; y < k; y++)
    for (int x = 0; x < k; x++)
      {
        flipped[y * k + x] = w[(k - 1 - y) * k + (k - 1 - x)];
        transposed[y * k + x] = w[x * k + y];
      }

  for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
    {
      g_autofree float *a = NULL, *b = NULL, *t = NULL;
      int s, sb, st;

      a = veil_kernel_scale (w, k, scales[i], &s);
      b = veil_kernel_scale (flipped, k, scales[i], &sb);
      t = veil_kernel_scale (transposed, k, scales[i], &st);
      g_assert_cmpint (s, ==, sb);
      g_assert_cmpint (s, ==, st);
      for (int y = 0; y < s; y++)
        for (int x = 0; x < s; x++)
          {
            float v = a[y * s + x];

            g_assert_cmpfloat_with_epsilon (b[(s - 1 - y) * s + (s - 1 - x)], v, 1e-5 + 1e-6 * v);
            g_assert_cmpfloat_with_epsilon (t[x * s + y], v, 1e-5 + 1e-6 * v);
          }
    }
}

/* At an integer scale each cell becomes an f×f block when k·f is odd (blocks align with pixels):
 * an exact check of the area weights. */
static void
test_integer_blocks (void)
{
  int k = 3, f = 3;
  g_autofree float *w = make_filter (k, 5);
  g_autofree float *out = NULL;
  int size;

  out = veil_kernel_scale_up (w, k, f, &size);
  g_assert_cmpint (size, ==, k * f);
  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++)
      g_assert_cmpfloat_with_epsilon (out[y * size + x], w[(y / f) * k + x / f], 1e-6);
}

/* Below 1 several cells share a pixel; at 1/k the whole filter falls into one pixel. */
static void
test_downscale (void)
{
  int k = 9;
  g_autofree float *w = make_filter (k, 3);
  g_autofree float *out = NULL;
  int size;

  out = veil_kernel_scale (w, k, 1.0 / k, &size);
  g_assert_cmpint (size, ==, 1);
  g_assert_cmpfloat_with_epsilon (out[0], sum_of (w, k * k) / (k * k), 1e-5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/kernel-scale/identity", test_identity);
  g_test_add_func ("/core/kernel-scale/sum-and-size", test_sum_and_size);
  g_test_add_func ("/core/kernel-scale/continuity", test_continuity);
  g_test_add_func ("/core/kernel-scale/symmetry", test_symmetry);
  g_test_add_func ("/core/kernel-scale/integer-blocks", test_integer_blocks);
  g_test_add_func ("/core/kernel-scale/downscale", test_downscale);

  return g_test_run ();
}
