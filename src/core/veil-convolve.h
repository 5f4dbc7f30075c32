/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How a filtered image is brought back to 8 bits.
 *
 * PAPER is the reference implementation's: zero padding, then division by the largest value of
 * the image, truncated. Kept for the paper-exact path (seed keys at the native resolution), it
 * darkens borders (black is pulled in from outside) and changes exposure (the division by the
 * maximum brightens an image whose highlights are small).
 *
 * PHOTO divides each value by the kernel weight that fell inside the image, rounded: the
 * filtered image is a weighted average of the pixels it can see, so a flat region keeps its value
 * (also at the borders, where nothing black is pulled in) and the mean brightness stays. The class
 * signal is unchanged: it is the shape of the blur, and the paper's division by the maximum only
 * multiplies a whole image by one number (for a photo with a flat, clipped highlight, exactly
 * the number the kernel sum gives). */
typedef enum {
  VEIL_NORMALISE_PAPER,
  VEIL_NORMALISE_PHOTO,
} VeilNormalisation;

/* The direct convolution backend: raw 8-bit buffers, no GdkPixbuf.
 *
 * Protects @src into @dst (same width/height, both 3 = RGB or 4 = RGBA channels, any strides):
 * the same @kw×@kh float32 kernel (row-major) on every colour channel, zero padding of kw/2 and
 * kh/2, cross-correlation (no flip), float32 accumulation; then every colour value is divided by
 * the maximum over all colour channels and pixels and stored as uint8(clip(v * 255)) with
 * truncation. Alpha is copied unchanged. An all-black result stays black.
 *
 * Runs with OpenMP across rows on @n_threads threads (0 = OpenMP's default); the bytes written
 * do not depend on the thread count or the CPU, and equal veil_convolve_protect_reference()'s,
 * whose source comment fixes the float32 arithmetic (summation order included). Needs no
 * full-image float buffer: only per-row scratch. Returns FALSE with G_IO_ERROR_CANCELLED if
 * @cancellable fires (checked per band of rows); @dst is then incomplete. A weight that is not
 * finite is VEIL_ERROR_INVALID_ARGUMENT; negative weights work (results below 0 clip to 0) but
 * are slower. Bytes of @dst past width × n_channels in each row are never written. @src and
 * @dst must not overlap. */
gboolean veil_convolve_protect           (const guint8  *src,
                                          int            src_stride,
                                          guint8        *dst,
                                          int            dst_stride,
                                          int            width,
                                          int            height,
                                          int            n_channels,
                                          const float   *kernel,
                                          int            kw,
                                          int            kh,
                                          int            n_threads,
                                          GCancellable  *cancellable,
                                          GError       **error);

/* The same with a choice of normalisation; VEIL_NORMALISE_PAPER is veil_convolve_protect().
 * VEIL_NORMALISE_PHOTO needs only one pass (there is no maximum to find); its bytes too do not
 * depend on the thread count. */
gboolean veil_convolve_protect_normalised (const guint8     *src,
                                           int               src_stride,
                                           guint8           *dst,
                                           int               dst_stride,
                                           int               width,
                                           int               height,
                                           int               n_channels,
                                           const float      *kernel,
                                           int               kw,
                                           int               kh,
                                           VeilNormalisation normalisation,
                                           int               n_threads,
                                           GCancellable     *cancellable,
                                           GError          **error);

/* The same result computed by the plainest possible loop, single-threaded: the reference the
 * optimised path is tested and benchmarked against. */
void     veil_convolve_protect_reference (const guint8  *src,
                                          int            src_stride,
                                          guint8        *dst,
                                          int            dst_stride,
                                          int            width,
                                          int            height,
                                          int            n_channels,
                                          const float   *kernel,
                                          int            kw,
                                          int            kh);

G_END_DECLS
