/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-convolve.h"
#include "veil-types.h"

G_BEGIN_DECLS

/* The normalisation (veil-convolve.h) protection uses with @bank at @training_res: the paper's
 * (zero padding, division by the maximum) at VEIL_TRAINING_RES_NATIVE, with a seed key (the
 * paper-exact path) or a secret key; the photo normalisation, which keeps borders and exposure,
 * at a training resolution. */
VeilNormalisation veil_protect_normalisation (const VeilFilterBank *bank,
                                              guint                 training_res);

/* Protecting one image with its class's filter, at a training resolution.
 *
 * With @training_res = VEIL_TRAINING_RES_NATIVE, or when the image's short side is at most
 * @training_res, the class filter is used as is (on the paper-exact path byte-exact with the
 * reference). Otherwise the filter is scaled up by short_side / training_res (resampled by
 * area) and applied at full resolution. The normalisation is veil_protect_normalisation()'s. A
 * cost model picks the direct or the FFT backend; both agree within one 8-bit step. Same buffer
 * conventions as veil_convolve_protect(). */
gboolean veil_protect_pixels (const VeilFilterBank *bank,
                              guint                 class_index,
                              guint                 training_res,
                              const guint8         *src,
                              int                   src_stride,
                              guint8               *dst,
                              int                   dst_stride,
                              int                   width,
                              int                   height,
                              int                   n_channels,
                              int                   n_threads,
                              GCancellable         *cancellable,
                              GError              **error);

/* The kernel actually applied to an image of @width×@height: the class filter, or its
 * area-resampled enlargement. Returns a newly allocated row-major array, size in @out_size. */
float   *veil_protect_effective_kernel (const VeilFilterBank *bank,
                                        guint                 class_index,
                                        guint                 training_res,
                                        int                   width,
                                        int                   height,
                                        int                  *out_size);

/* The same at an explicit filter @scale (> 0) and @normalisation, for previews: the application
 * shows an image at a display size and scales the filter by display_short_side / training_res,
 * which may be below 1 (cells smaller than a pixel, resampled by area likewise). @scale = 1 is
 * the filter as is, byte-exact with veil_convolve_protect_normalised(). */
gboolean veil_protect_pixels_scaled (const VeilFilterBank *bank,
                                     guint                 class_index,
                                     VeilNormalisation     normalisation,
                                     double                scale,
                                     const guint8         *src,
                                     int                   src_stride,
                                     guint8               *dst,
                                     int                   dst_stride,
                                     int                   width,
                                     int                   height,
                                     int                   n_channels,
                                     int                   n_threads,
                                     GCancellable         *cancellable,
                                     GError              **error);

/* The filter scale veil_protect_pixels() uses for a @width×@height image: short_side /
 * @training_res when that exceeds 1, else 1 (also for VEIL_TRAINING_RES_NATIVE). */
double   veil_protect_scale_factor  (guint                 training_res,
                                     int                   width,
                                     int                   height);

/* Protects with an arbitrary @ksize×@ksize kernel, letting the cost model pick the backend
 * (@use_fft receives the choice when not NULL). Kernels up to 11×11 always go to the direct
 * backend. Errors: VEIL_ERROR_INVALID_ARGUMENT when the kernel is too large for the FFT
 * backend (VEIL_CONVOLVE_FFT_KERNEL_MAX), G_IO_ERROR_CANCELLED. */
gboolean veil_protect_with_kernel   (const float          *kernel,
                                     int                   ksize,
                                     VeilNormalisation     normalisation,
                                     const guint8         *src,
                                     int                   src_stride,
                                     guint8               *dst,
                                     int                   dst_stride,
                                     int                   width,
                                     int                   height,
                                     int                   n_channels,
                                     int                   n_threads,
                                     gboolean             *use_fft,
                                     GCancellable         *cancellable,
                                     GError              **error);

/* Whether the cost model sends a @ksize×@ksize kernel on a @width×@height image to the FFT
 * backend (see veil-protect.c for the calibration). */
gboolean veil_protect_prefers_fft   (int                   width,
                                     int                   height,
                                     int                   ksize);

G_END_DECLS
