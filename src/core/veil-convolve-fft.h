/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-convolve.h"

G_BEGIN_DECLS

/* The largest kernel side the FFT backend takes (its largest tile is 4096). */
#define VEIL_CONVOLVE_FFT_KERNEL_MAX 4095

/* The FFT convolution backend, for the large kernels of photos protected at a training
 * resolution (an effective kernel of 100–300 pixels, where the direct loop would cost K² per
 * pixel). Single-precision FFTW.
 *
 * veil_convolve_fft_protect() has exactly the semantics and buffer conventions of
 * veil_convolve_protect(): cross-correlation with zero padding kw/2 and kh/2, division by the
 * maximum over all colour channels and pixels, uint8(clip(v * 255)) with truncation, alpha
 * copied, an all-black result stays black. Its bytes agree with the direct backend's within one
 * 8-bit step (the float rounding of an FFT is not that of a direct sum) and do not depend on
 * @n_threads: work is split over (tile, channel) pairs, each transformed by the same
 * single-threaded plan.
 *
 * Memory: the image is cut into overlapping tiles (overlap-save), 1024–2048 pixels wide for the
 * usual kernels, so the transforms need a few MB per thread; the values before normalisation
 * are kept at 16 bits per sample (a 12-bit-mantissa floating-point code, relative error 2⁻¹³),
 * whose high byte is parked in @dst, plus one byte per colour sample of scratch: for a 24 MP
 * RGB image about 72 MB besides @src and @dst. Returns FALSE with G_IO_ERROR_CANCELLED if
 * @cancellable fires (checked per tile); @dst is then incomplete. @src and @dst must not
 * overlap.
 *
 * veil_convolve_fft_protect_normalised() takes the normalisation (veil-convolve.h); with
 * VEIL_NORMALISE_PHOTO every tile writes its final bytes at once (no maximum to wait for, no
 * scratch besides the tiles), agreeing with veil_convolve_protect_normalised() within one step. */
gboolean veil_convolve_fft_protect            (const guint8     *src,
                                               int               src_stride,
                                               guint8           *dst,
                                               int               dst_stride,
                                               int               width,
                                               int               height,
                                               int               n_channels,
                                               const float      *kernel,
                                               int               kw,
                                               int               kh,
                                               int               n_threads,
                                               GCancellable     *cancellable,
                                               GError          **error);
gboolean veil_convolve_fft_protect_normalised (const guint8     *src,
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

/* The estimated single-thread time in nanoseconds for one colour channel of a @width×@height
 * image with a @kw×@kh kernel, with the tiling veil_convolve_fft_protect() would choose.
 * Calibrated on the project's 2-core build machine (see veil-convolve-fft.c); used by the
 * backend cost model. */
double   veil_convolve_fft_protect_cost       (int               width,
                                               int               height,
                                               int               kw,
                                               int               kh);

G_END_DECLS
