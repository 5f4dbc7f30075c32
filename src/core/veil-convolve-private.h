/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* byte / 255.0f, as the reference computes it, without a division: (3·b) · fl(1/765) rounds to
 * the same float as b / 255 for each of the 256 bytes (3·b is exact, and the one rounding of the
 * product lands where the division's does; test-convolve checks all 256). The optimised path
 * converts every source row with it, where a vector division would cost more than a 3×3 kernel. */
static inline float
_veil_convolve_byte_to_float (guint8 b)
{
  return (float) (3 * (int) b) * (1.0f / 765.0f);
}

/* Output floats per register block of _veil_convolve_blocks(): eight vectors of eight. */
#define VEIL_CONVOLVE_BLOCK 64

/* Above this many output bytes the result cannot stay in the caches anyway, and writing it with
 * streaming stores saves the memory reads a normal store makes first: a third of the traffic. */
#define VEIL_CONVOLVE_STREAM_THRESHOLD (16u << 20)

gboolean _veil_convolve_have_avx2     (void);

/* Computes the register blocks [@first, @end) of one image row (VEIL_CONVOLVE_BLOCK output floats
 * each, block b at @out + b·VEIL_CONVOLVE_BLOCK) from the kh padded, channel-interleaved float
 * rows @rows (a tap kx reads its row shifted by 3·kx floats). Also prefetches a share of the
 * @prefetch row (NULL for none), @prefetch_step bytes per block from @prefetch + b·step. */
void     _veil_convolve_blocks        (const float *const *rows,
                                       const float        *kernel,
                                       int                 kw,
                                       int                 kh,
                                       gsize               first,
                                       gsize               end,
                                       float              *out,
                                       const guint8       *prefetch,
                                       gsize               prefetch_step);

/* The same for two neighbouring output rows at once, into @out0 from @rows[0 .. kh-1] and into
 * @out1 from @rows[1 .. kh] (kh + 1 rows), with the same bits; prefetches from two rows
 * @prefetch_stride bytes apart. */
void     _veil_convolve_blocks2       (const float *const *rows,
                                       const float        *kernel,
                                       int                 kw,
                                       int                 kh,
                                       gsize               first,
                                       gsize               end,
                                       float              *out0,
                                       float              *out1,
                                       const guint8       *prefetch,
                                       gsize               prefetch_step,
                                       gsize               prefetch_stride);

/* @n_px pixels of 3 or 4 bytes to channel-interleaved RGB floats, dropping alpha. */
void     _veil_convolve_convert_pixels (const guint8 *src,
                                        int           n_px,
                                        int           n_channels,
                                        float        *f);

/* The largest of @m and the @n floats at @y. */
float    _veil_convolve_floats_max    (const float *y,
                                       gsize        n,
                                       float        m);

/* One row of results @y (width × 3 floats) to bytes in @dst exactly as the reference quantises
 * them, with @src's alpha for RGBA. @exact_only when some weight is negative (y may be < 0).
 * @streaming (RGB and AVX2 only) writes with streaming stores; see
 * _veil_convolve_finish_writes(). */
void     _veil_convolve_quantise_row  (const float  *y,
                                       float         m,
                                       int           width,
                                       int           n_channels,
                                       gboolean      exact_only,
                                       const guint8 *src,
                                       guint8       *dst,
                                       gboolean      streaming);

/* @n results @y to bytes @q exactly as the reference quantises them (RGB values: one byte per
 * float). @exact_only when some weight is negative. @streaming (AVX2 only) writes with streaming
 * stores from the first 32-byte aligned address of @q on; see _veil_convolve_finish_writes(). */
void     _veil_convolve_quantise_values (const float *y,
                                         float        m,
                                         int          n,
                                         gboolean     exact_only,
                                         guint8      *q,
                                         gboolean     streaming);

/* Copies a finished output row; @streaming (only with AVX2) bypasses the caches. */
void     _veil_convolve_write_row     (guint8       *dst,
                                       const guint8 *line,
                                       gsize         n,
                                       gboolean      streaming);
/* To be called by each thread after its last streaming write. */
void     _veil_convolve_finish_writes (gboolean      streaming);

/* Photo normalisation (veil-convolve-border.c): per pixel, the kernel weight that falls inside
 * the image. Built once per image size and kernel, read-only afterwards. */
typedef struct _VeilBorderWeights VeilBorderWeights;

VeilBorderWeights *_veil_border_weights_new  (const float             *kernel,
                                              int                      kw,
                                              int                      kh,
                                              int                      width,
                                              int                      height);
void               _veil_border_weights_free (VeilBorderWeights       *bw);
/* @scale[i] = @numerator / (weight inside the image at (@x0 + i, @y)) for i < @n; 0 where that
 * weight is not positive (possible only with negative weights). */
void               _veil_border_weights_row  (const VeilBorderWeights *bw,
                                              int                      y,
                                              int                      x0,
                                              int                      n,
                                              float                    numerator,
                                              float                   *scale);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilBorderWeights, _veil_border_weights_free)

/* One row of photo-normalised results: every colour value y[3x + c] · @scale[x], rounded to the
 * nearest byte and clipped; alpha from @src for RGBA. */
void     _veil_convolve_quantise_photo (const float  *y,
                                        const float  *scale,
                                        int           width,
                                        int           n_channels,
                                        const guint8 *src,
                                        guint8       *dst);

/* Raises *@max to the largest of the @n bytes at @p and adds them to *@sum. */
void     _veil_convolve_scan_bytes    (const guint8 *p,
                                       int           n,
                                       guint8       *max,
                                       guint64      *sum);

G_END_DECLS
