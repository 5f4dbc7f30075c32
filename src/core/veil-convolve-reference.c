/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-core"

#include "veil-convolve.h"

/* The plainest loop that implements the definition in veil-convolve.h, kept deliberately naive
 * (one full-image float buffer, bounds checks and a division per tap) so that it is easy to read
 * against the specification. The optimised path must produce exactly the same bytes, so this
 * file fixes the arithmetic both follow:
 *
 *   x     = byte / 255.0f                                (0 outside the image)
 *   y     = 0.0f, then y = y + w[ky*kw+kx] * x[...]      for ky = 0..kh-1, kx = 0..kw-1 in order
 *   m     = the largest y over every colour value of the image
 *   q     = y / m * 255.0f, clipped to [0, 255]          (the division first, as written)
 *   out   = (guint8) q                                   (truncation)
 *
 * with every operation in float32 and no fused multiply-add (the project builds with
 * -ffp-contract=off). When m is not positive (an all-black image) every colour value is 0. */

void
veil_convolve_protect_reference (const guint8 *src,
                                 int           src_stride,
                                 guint8       *dst,
                                 int           dst_stride,
                                 int           width,
                                 int           height,
                                 int           n_channels,
                                 const float  *kernel,
                                 int           kw,
                                 int           kh)
{
  g_autofree float *y = NULL;
  float m = 0.0f;

  g_return_if_fail (src != NULL && dst != NULL && kernel != NULL);
  g_return_if_fail (n_channels == 3 || n_channels == 4);
  g_return_if_fail (width > 0 && height > 0 && kw > 0 && kh > 0);

  y = g_new (float, (gsize) width * height * 3);

  for (int row = 0; row < height; row++)
    for (int col = 0; col < width; col++)
      for (int c = 0; c < 3; c++)
        {
          float acc = 0.0f;

          for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
              {
                int sy = row + ky - kh / 2;
                int sx = col + kx - kw / 2;
                float x = 0.0f;

                if (sy >= 0 && sy < height && sx >= 0 && sx < width)
                  x = src[(gsize) sy * src_stride + (gsize) sx * n_channels + c] / 255.0f;
                acc = acc + kernel[ky * kw + kx] * x;
              }

          y[((gsize) row * width + col) * 3 + c] = acc;
          if (acc > m)
            m = acc;
        }

  for (int row = 0; row < height; row++)
    for (int col = 0; col < width; col++)
      {
        guint8 *out = dst + (gsize) row * dst_stride + (gsize) col * n_channels;

        for (int c = 0; c < 3; c++)
          {
            float q = 0.0f;

            if (m > 0.0f)
              {
                q = y[((gsize) row * width + col) * 3 + c] / m * 255.0f;
                if (q > 255.0f)
                  q = 255.0f;
                if (!(q > 0.0f))
                  q = 0.0f;
              }
            out[c] = (guint8) q;
          }
        if (n_channels == 4)
          out[3] = src[(gsize) row * src_stride + (gsize) col * 4 + 3];
      }
}
