/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-types.h"

G_BEGIN_DECLS

/* Detail-preserving protection: the protection is computed where a model sees the photo, at the
 * training resolution R, and only its change is added to the full-size photo:
 *
 *   out = src + E (P (S src) − S src)
 *
 * S is the area shrink to a short side of R (veil_survival_size_at()), P Veil's protection with
 * the class filter as is (photo normalisation) and E the enlargement below. E is chosen so that
 * S E = identity: shrinking the result by area to R gives back P (S src) exactly (up to the 8-bit
 * rounding and clipping of the full-size result), and what S cannot see, src − E S src (the
 * detail above R), is left exactly as it was. E is Catmull-Rom cubic interpolation of
 * coefficients solved so that their enlargement averages back to the samples: smooth (no blocks
 * at full size), and the solve is a banded system per axis at R, well conditioned (the
 * coefficients are at most about 1.7 times the samples at the finest scale R holds).
 *
 * Memory: @src and @dst plus a few float images at R; the full-size work is done row by row
 * (OpenMP over rows, bytes independent of the thread count). */

/* Protects @src into @dst as above (same conventions as veil_protect_pixels(); alpha copied).
 * Images whose short side is at most @training_res, and VEIL_TRAINING_RES_NATIVE, are protected
 * as veil_protect_pixels() does. Errors: those of veil_protect_pixels(), G_IO_ERROR_CANCELLED. */
gboolean veil_detail_protect (const VeilFilterBank *bank,
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

/* The two resampling operators, for measuring (tests, benchmarks) with the same S and E. Images
 * are float RGB, channel-interleaved, rows packed. */
typedef struct _VeilDetailResampler VeilDetailResampler;

/* Between a @width×@height image and its @small_width×@small_height shrink (each side smaller or
 * equal). */
VeilDetailResampler *veil_detail_resampler_new  (int width,
                                                 int height,
                                                 int small_width,
                                                 int small_height);
void                 veil_detail_resampler_free (VeilDetailResampler *resampler);

/* S: area shrink of 8-bit @src (3 or 4 channels; alpha ignored) into @small. */
void                 veil_detail_shrink         (const VeilDetailResampler *resampler,
                                                 const guint8              *src,
                                                 int                        src_stride,
                                                 int                        n_channels,
                                                 float                     *small,
                                                 int                        n_threads);
/* E: enlargement of @small into the full-size float image @full. */
void                 veil_detail_enlarge        (const VeilDetailResampler *resampler,
                                                 const float               *small,
                                                 float                     *full,
                                                 int                        n_threads);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilDetailResampler, veil_detail_resampler_free)

G_END_DECLS
