/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-core"

#include "config.h"

#include "veil-convolve-private.h"

/* The photo normalisation divides each result by the kernel weight that fell inside the image
 * (see veil-convolve.h). Inside, that is the whole kernel's sum; within kw/2 or kh/2 of an edge,
 * it is the sum over a rectangle of the kernel, read in O(1) from a table of prefix sums
 * (double, so that differences of large sums keep their precision). */

struct _VeilBorderWeights {
  int     kw, kh;
  int     width, height;
  double  total;
  double *prefix; /* (kh + 1) × (kw + 1): prefix[j][i] = sum of kernel[y < j][x < i] */
};

VeilBorderWeights *
_veil_border_weights_new (const float *kernel,
                          int          kw,
                          int          kh,
                          int          width,
                          int          height)
{
  VeilBorderWeights *bw = g_new0 (VeilBorderWeights, 1);
  const int stride = kw + 1;

  bw->kw = kw;
  bw->kh = kh;
  bw->width = width;
  bw->height = height;
  bw->prefix = g_new0 (double, (gsize) (kh + 1) * stride);
  for (int y = 0; y < kh; y++)
    {
      double row = 0.0;

      for (int x = 0; x < kw; x++)
        {
          row += kernel[y * kw + x];
          bw->prefix[(gsize) (y + 1) * stride + x + 1] = bw->prefix[(gsize) y * stride + x + 1]
                                                         + row;
        }
    }
  bw->total = bw->prefix[(gsize) kh * stride + kw];
  return bw;
}

void
_veil_border_weights_free (VeilBorderWeights *bw)
{
  if (bw == NULL)
    return;
  g_free (bw->prefix);
  g_free (bw);
}

/* The kernel weight whose taps fall inside the image for the result at (@x, @y). */
static double
inside_weight (const VeilBorderWeights *bw,
               int                      x,
               int                      y)
{
  const int cw = bw->kw / 2, ch = bw->kh / 2, stride = bw->kw + 1;
  /* Taps [x0, x1) × [y0, y1) of the kernel read pixels inside the image. */
  const int x0 = MAX (0, cw - x), x1 = MIN (bw->kw, cw + bw->width - x);
  const int y0 = MAX (0, ch - y), y1 = MIN (bw->kh, ch + bw->height - y);
  const double *p = bw->prefix;

  return p[(gsize) y1 * stride + x1] - p[(gsize) y0 * stride + x1]
         - p[(gsize) y1 * stride + x0] + p[(gsize) y0 * stride + x0];
}

void
_veil_border_weights_row (const VeilBorderWeights *bw,
                          int                      y,
                          int                      x0,
                          int                      n,
                          float                    numerator,
                          float                   *scale)
{
  const int cw = bw->kw / 2, ch = bw->kh / 2;
  const gboolean inner_row = y >= ch && y < bw->height - ch;
  const float inner = bw->total > 0.0 ? (float) (numerator / bw->total) : 0.0f;

  for (int i = 0; i < n; i++)
    {
      const int x = x0 + i;
      double w;

      if (inner_row && x >= cw && x < bw->width - cw)
        {
          scale[i] = inner;
          continue;
        }
      w = inside_weight (bw, x, y);
      /* Only kernels with negative weights can sum to nothing here: such a pixel is black. */
      scale[i] = w > 0.0 ? (float) (numerator / w) : 0.0f;
    }
}
