/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-types.h"

G_BEGIN_DECLS

/* Protecting one image with its class's filter, at a training resolution.
 *
 * With @training_res = VEIL_TRAINING_RES_NATIVE, or when the image's short side is at most
 * @training_res, the class filter is used as is (the paper's behaviour, byte-exact with the
 * direct backend). Otherwise the filter is scaled up by short_side / training_res (resampled by
 * area) and applied at full resolution. A cost model picks the direct or the FFT backend; both
 * agree within one 8-bit step. Same buffer conventions as veil_convolve_protect(). */
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

G_END_DECLS
