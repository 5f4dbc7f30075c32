/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-kernel-scale"

#include "config.h"

#include <math.h>

#include "veil-kernel-scale.h"

int
veil_kernel_scale_size (int    k,
                        double scale)
{
  double half;
  int c;

  g_return_val_if_fail (k >= 1, 0);
  g_return_val_if_fail (scale > 0.0, 0);

  /* The cells span k·scale pixels centred on the centre pixel, which itself spans ±0.5: the
   * kernel needs C pixels on each side with C + 0.5 ≥ k·scale / 2. The small tolerance keeps
   * rounding noise at integer scales from adding a ring of zeros. */
  half = k * scale / 2.0 - 0.5;
  c = (int) ceil (half - 1e-9);
  return 2 * MAX (c, 0) + 1;
}

/* Length shared by the pixel [p - 0.5, p + 0.5] and the interval [lo, hi]. */
static inline double
overlap (double p,
         double lo,
         double hi)
{
  double a = MAX (p - 0.5, lo);
  double b = MIN (p + 0.5, hi);

  return b > a ? b - a : 0.0;
}

float *
veil_kernel_scale (const float *filter,
                   int          k,
                   double       scale,
                   int         *out_size)
{
  g_autofree double *ov = NULL;
  g_autofree double *tmp = NULL;
  float *out;
  int size, centre;
  double fc = (k - 1) / 2.0;

  g_return_val_if_fail (filter != NULL, NULL);
  g_return_val_if_fail (k >= 1 && k % 2 == 1, NULL);
  g_return_val_if_fail (scale > 0.0 && isfinite (scale), NULL);
  g_return_val_if_fail (out_size != NULL, NULL);

  size = veil_kernel_scale_size (k, scale);
  centre = (size - 1) / 2;

  /* The 2-D weights are separable in the overlaps: W = O · w · Oᵀ with O[i][a] the length
   * pixel i shares with cell a along one axis. At scale 1 every overlap is exactly 0 or 1 (the
   * bounds are half-integers), so W reproduces w exactly. */
  ov = g_new (double, (gsize) size * k);
  for (int i = 0; i < size; i++)
    for (int a = 0; a < k; a++)
      ov[i * k + a] = overlap (i - centre, (a - fc - 0.5) * scale, (a - fc + 0.5) * scale);

  /* tmp = O · w, size × k */
  tmp = g_new0 (double, (gsize) size * k);
  for (int i = 0; i < size; i++)
    for (int a = 0; a < k; a++)
      {
        double o = ov[i * k + a];

        if (o == 0.0)
          continue;
        for (int b = 0; b < k; b++)
          tmp[i * k + b] += o * filter[a * k + b];
      }

  out = g_new (float, (gsize) size * size);
  for (int i = 0; i < size; i++)
    for (int j = 0; j < size; j++)
      {
        double sum = 0.0;

        for (int b = 0; b < k; b++)
          sum += tmp[i * k + b] * ov[j * k + b];
        out[i * size + j] = (float) sum;
      }

  *out_size = size;
  return out;
}

float *
veil_kernel_scale_up (const float *filter,
                      int          k,
                      double       scale,
                      int         *out_size)
{
  g_return_val_if_fail (scale >= 1.0, NULL);

  return veil_kernel_scale (filter, k, scale, out_size);
}
