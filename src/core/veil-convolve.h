/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

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
