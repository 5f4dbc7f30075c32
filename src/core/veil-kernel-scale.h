/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Resampling a k×k class filter to the pixel grid of an image of another resolution.
 *
 * Each filter cell is a square of side @scale pixels, the squares tile a k·scale square centred
 * on the centre pixel, and each output pixel's weight is the sum over cells of the cell's weight
 * times the area the pixel shares with the cell's square (area resampling). The weights are not
 * renormalised: their sum is scale² times the filter's sum. Protection divides by the image's
 * maximum or by the kernel's weight afterwards, so a constant factor does not change the result, and keeping w × area makes
 * scale = 1 reproduce the filter bit for bit. The output side K is odd, the smallest that holds
 * the whole k·scale square (K = k at scale 1), and the result varies continuously with @scale:
 * when K grows by 2 the new border pixels start from weight 0.
 *
 * Both functions return a newly allocated row-major K×K array (free with g_free()) and store K in
 * @out_size. */

/* For @scale ≥ 1: enlarging a filter defined at a training resolution for a larger image. */
float *veil_kernel_scale_up (const float *filter,
                             int          k,
                             double       scale,
                             int         *out_size);

/* For any @scale > 0, also below 1 (previews shown smaller than the training resolution, where
 * a cell is smaller than a pixel and several cells fall into one pixel; K is then at least 1). */
float *veil_kernel_scale    (const float *filter,
                             int          k,
                             double       scale,
                             int         *out_size);

/* The side K the functions above produce for a k×k filter at @scale. */
int    veil_kernel_scale_size (int    k,
                               double scale);

G_END_DECLS
