/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-protect"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "veil-convolve.h"
#include "veil-error.h"
#include "veil-convolve-fft.h"
#include "veil-filter-bank.h"
#include "veil-kernel-scale.h"
#include "veil-protect.h"

/* Cost of the direct backend per colour sample and kernel tap, in ns on one thread of the
 * project's 2-core machine (AVX2; it makes two passes, one for the maximum and one to write,
 * both included). Measured on 1000×800 RGB for K = 9…61: 0.060–0.068 ns, and by
 * bench-protect-large on a crop. The FFT backend's side of the model is
 * veil_convolve_fft_protect_cost(); the two cross near K = 13. */
#define DIRECT_NS_PER_TAP 0.062

/* Kernels this small always take the direct path: its bytes are the reference's, and an FFT
 * cannot win there anyway. */
#define DIRECT_ALWAYS_MAX 11

double
veil_protect_scale_factor (guint training_res,
                           int   width,
                           int   height)
{
  int short_side = MIN (width, height);

  if (training_res == VEIL_TRAINING_RES_NATIVE || short_side <= (int) training_res)
    return 1.0;
  return (double) short_side / training_res;
}

gboolean
veil_protect_prefers_fft (int width,
                          int height,
                          int ksize)
{
  double direct, fft;

  g_return_val_if_fail (width > 0 && height > 0 && ksize > 0, FALSE);

  if (ksize <= DIRECT_ALWAYS_MAX)
    return FALSE;
  if (ksize > VEIL_CONVOLVE_FFT_KERNEL_MAX)
    return FALSE;
  direct = DIRECT_NS_PER_TAP * (double) ksize * ksize * width * height;
  /* Both figures are per colour channel: the choice does not depend on the channel count. */
  fft = veil_convolve_fft_protect_cost (width, height, ksize, ksize);
  return fft < direct;
}

VeilNormalisation
veil_protect_normalisation (const VeilFilterBank *bank,
                            guint                 training_res)
{
  g_return_val_if_fail (bank != NULL, VEIL_NORMALISE_PHOTO);

  /* Pictures trained at their own size keep the paper's arithmetic whatever the key: its dark
   * frame protects them measurably better (doc/EFFICACY.md, "The normalisation at the native
   * resolution"). */
  if (training_res == VEIL_TRAINING_RES_NATIVE)
    return VEIL_NORMALISE_PAPER;
  return VEIL_NORMALISE_PHOTO;
}

gboolean
veil_protect_with_kernel (const float      *kernel,
                          int               ksize,
                          VeilNormalisation normalisation,
                          const guint8  *src,
                          int            src_stride,
                          guint8        *dst,
                          int            dst_stride,
                          int            width,
                          int            height,
                          int            n_channels,
                          int            n_threads,
                          gboolean      *use_fft,
                          GCancellable  *cancellable,
                          GError       **error)
{
  gboolean fft;

  g_return_val_if_fail (kernel != NULL && ksize >= 1, FALSE);
  g_return_val_if_fail (src != NULL && dst != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);
  g_return_val_if_fail (n_channels == 3 || n_channels == 4, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (ksize > VEIL_CONVOLVE_FFT_KERNEL_MAX)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("The filter would cover %d pixels on this image, more than the %d Veil can "
                     "apply: choose a larger training resolution"),
                   ksize, VEIL_CONVOLVE_FFT_KERNEL_MAX);
      return FALSE;
    }

  fft = veil_protect_prefers_fft (width, height, ksize);
  if (use_fft != NULL)
    *use_fft = fft;
  g_debug ("%d×%d image, %d×%d kernel: %s backend", width, height, ksize, ksize,
           fft ? "FFT" : "direct");

  if (fft)
    return veil_convolve_fft_protect_normalised (src, src_stride, dst, dst_stride, width, height,
                                                 n_channels, kernel, ksize, ksize, normalisation,
                                                 n_threads, cancellable, error);
  return veil_convolve_protect_normalised (src, src_stride, dst, dst_stride, width, height,
                                           n_channels, kernel, ksize, ksize, normalisation,
                                           n_threads, cancellable, error);
}

static float *
scaled_kernel (const VeilFilterBank *bank,
               guint                 class_index,
               double                scale,
               int                  *out_size)
{
  int k = veil_filter_bank_get_k (bank);
  const float *filter = veil_filter_bank_get_filter (bank, class_index);

  /* The decoy is left as it is at any size: enlarged, its one cell would become a box blur. */
  if ((int) class_index == veil_filter_bank_get_decoy (bank))
    {
      float *identity = g_new (float, 1);

      identity[0] = 1.0f;
      *out_size = 1;
      return identity;
    }
  /* At scale 1 the filter is used as stored, so the bytes are the paper's. */
  if (scale == 1.0)
    {
      *out_size = k;
      return g_memdup2 (filter, sizeof (float) * k * k);
    }
  return veil_kernel_scale (filter, k, scale, out_size);
}

float *
veil_protect_effective_kernel (const VeilFilterBank *bank,
                               guint                 class_index,
                               guint                 training_res,
                               int                   width,
                               int                   height,
                               int                  *out_size)
{
  g_return_val_if_fail (bank != NULL, NULL);
  g_return_val_if_fail (class_index < veil_filter_bank_get_n_classes (bank), NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (out_size != NULL, NULL);

  return scaled_kernel (bank, class_index,
                        veil_protect_scale_factor (training_res, width, height), out_size);
}

gboolean
veil_protect_pixels_scaled (const VeilFilterBank *bank,
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
                            GError              **error)
{
  g_autofree float *kernel = NULL;
  int ksize;

  g_return_val_if_fail (bank != NULL, FALSE);
  g_return_val_if_fail (class_index < veil_filter_bank_get_n_classes (bank), FALSE);
  g_return_val_if_fail (scale > 0.0 && isfinite (scale), FALSE);
  g_return_val_if_fail (src != NULL && dst != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);
  g_return_val_if_fail (n_channels == 3 || n_channels == 4, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (veil_kernel_scale_size (veil_filter_bank_get_k (bank), scale)
      > VEIL_CONVOLVE_FFT_KERNEL_MAX)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("The filter would be enlarged %.0f times on this image, more than Veil can "
                     "apply: choose a larger training resolution"), scale);
      return FALSE;
    }

  kernel = scaled_kernel (bank, class_index, scale, &ksize);
  return veil_protect_with_kernel (kernel, ksize, normalisation, src, src_stride, dst,
                                   dst_stride, width, height, n_channels, n_threads, NULL,
                                   cancellable, error);
}

gboolean
veil_protect_pixels (const VeilFilterBank *bank,
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
                     GError              **error)
{
  g_return_val_if_fail (width > 0 && height > 0, FALSE);

  return veil_protect_pixels_scaled (bank, class_index,
                                     veil_protect_normalisation (bank, training_res),
                                     veil_protect_scale_factor (training_res, width, height),
                                     src, src_stride, dst, dst_stride, width, height,
                                     n_channels, n_threads, cancellable, error);
}
