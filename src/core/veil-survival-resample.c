/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-survival"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "veil-error.h"
#include "veil-survival.h"
#include "veil-survival-private.h"

/* What a scraper does to a photo before training on it: area downscale to the training size
 * and a JPEG round trip. Used by the survival report and by the application's "as a model sees
 * it" view. */

void
veil_survival_size_at (int    width,
                       int    height,
                       guint  res,
                       int   *out_width,
                       int   *out_height)
{
  int short_side = MIN (width, height);

  g_return_if_fail (width > 0 && height > 0 && res > 0);
  g_return_if_fail (out_width != NULL && out_height != NULL);

  if (short_side <= (int) res)
    {
      *out_width = width;
      *out_height = height;
      return;
    }
  if (width <= height)
    {
      *out_width = res;
      *out_height = MAX (1, (int) floor ((double) height * res / width + 0.5));
    }
  else
    {
      *out_height = res;
      *out_width = MAX (1, (int) floor ((double) width * res / height + 0.5));
    }
}

/* The source pixels output pixel i covers along one axis, each with its covered fraction
 * divided by the pixel's extent (so the weights sum to 1). */
typedef struct {
  int     first;
  int     count;
  double *weights;
} Span;

static Span *
make_spans (int src_len,
            int dst_len)
{
  Span *spans = g_new0 (Span, dst_len);
  double step = (double) src_len / dst_len;

  for (int i = 0; i < dst_len; i++)
    {
      double lo = i * step, hi = MIN ((i + 1) * step, (double) src_len);
      int first = (int) floor (lo), last = MIN ((int) ceil (hi), src_len) - 1;

      spans[i].first = first;
      spans[i].count = last - first + 1;
      spans[i].weights = g_new (double, spans[i].count);
      for (int s = first; s <= last; s++)
        spans[i].weights[s - first] = (MIN (hi, s + 1.0) - MAX (lo, (double) s)) / step;
    }
  return spans;
}

static void
free_spans (Span *spans,
            int   n)
{
  for (int i = 0; i < n; i++)
    g_free (spans[i].weights);
  g_free (spans);
}

void
veil_survival_downscale_area (const guint8 *src,
                              int           src_stride,
                              int           width,
                              int           height,
                              int           n_channels,
                              guint8       *dst,
                              int           dst_stride,
                              int           dst_width,
                              int           dst_height)
{
  Span *xs, *ys;
  g_autofree double *row = NULL;
  g_autofree double *acc = NULL;
  int nc = n_channels;

  g_return_if_fail (src != NULL && dst != NULL);
  g_return_if_fail (n_channels >= 1 && n_channels <= 4);
  g_return_if_fail (dst_width >= 1 && dst_width <= width);
  g_return_if_fail (dst_height >= 1 && dst_height <= height);

  xs = make_spans (width, dst_width);
  ys = make_spans (height, dst_height);
  row = g_new (double, (gsize) dst_width * nc);
  acc = g_new (double, (gsize) dst_width * nc);

  /* Each source row is resampled horizontally once and added, weighted, to the output rows it
   * falls into: one pass over the source. */
  for (int oy = 0; oy < dst_height; oy++)
    {
      guint8 *d = dst + (gsize) oy * dst_stride;

      memset (acc, 0, sizeof (double) * dst_width * nc);
      for (int j = 0; j < ys[oy].count; j++)
        {
          const guint8 *s = src + (gsize) (ys[oy].first + j) * src_stride;
          double wy = ys[oy].weights[j];

          for (int ox = 0; ox < dst_width; ox++)
            {
              const Span *sp = &xs[ox];

              for (int c = 0; c < nc; c++)
                {
                  double v = 0.0;

                  for (int i = 0; i < sp->count; i++)
                    v += sp->weights[i] * s[(sp->first + i) * nc + c];
                  row[ox * nc + c] = v;
                }
            }
          for (int i = 0; i < dst_width * nc; i++)
            acc[i] += wy * row[i];
        }
      for (int i = 0; i < dst_width * nc; i++)
        d[i] = (guint8) CLAMP (floor (acc[i] + 0.5), 0.0, 255.0);
    }

  free_spans (xs, dst_width);
  free_spans (ys, dst_height);
}

GdkPixbuf *
_veil_survival_downscale_rgb (const guint8 *src,
               int           stride,
               int           width,
               int           height,
               int           n_channels,
               guint         res)
{
  int w, h;
  GdkPixbuf *out;
  g_autofree guint8 *tmp = NULL;
  guint8 *pixels;
  int out_stride;

  veil_survival_size_at (width, height, res, &w, &h);
  out = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, w, h);
  pixels = gdk_pixbuf_get_pixels (out);
  out_stride = gdk_pixbuf_get_rowstride (out);

  if (n_channels == 3)
    {
      veil_survival_downscale_area (src, stride, width, height, 3, pixels, out_stride, w, h);
      return out;
    }

  tmp = g_malloc ((gsize) w * h * n_channels);
  veil_survival_downscale_area (src, stride, width, height, n_channels, tmp, w * n_channels,
                                w, h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      memcpy (pixels + (gsize) y * out_stride + x * 3, tmp + ((gsize) y * w + x) * n_channels, 3);
  return out;
}

GdkPixbuf *
_veil_survival_jpeg_round_trip (GdkPixbuf  *pixbuf,
                 GError    **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autofree char *quality = g_strdup_printf ("%d", VEIL_SURVIVAL_JPEG_QUALITY);
  GdkPixbuf *decoded;

  if (!gdk_pixbuf_save_to_buffer (pixbuf, &data, &len, "jpeg", error, "quality", quality, NULL))
    return NULL;
  loader = gdk_pixbuf_loader_new_with_type ("jpeg", error);
  if (loader == NULL)
    return NULL;
  if (!gdk_pixbuf_loader_write (loader, (const guchar *) data, len, error) ||
      !gdk_pixbuf_loader_close (loader, error))
    return NULL;
  decoded = gdk_pixbuf_loader_get_pixbuf (loader);
  if (decoded == NULL)
    {
      g_set_error_literal (error, VEIL_ERROR, VEIL_ERROR_FAILED,
                           _("Could not decode the JPEG made for the survival check"));
      return NULL;
    }
  return g_object_ref (decoded);
}

GdkPixbuf *
veil_survival_as_scraper_sees (GdkPixbuf  *pixbuf,
                               guint       res,
                               gboolean    jpeg,
                               GError    **error)
{
  g_autoptr(GdkPixbuf) small = NULL;

  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), NULL);
  g_return_val_if_fail (gdk_pixbuf_get_bits_per_sample (pixbuf) == 8, NULL);
  g_return_val_if_fail (res > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  small = _veil_survival_downscale_rgb (gdk_pixbuf_read_pixels (pixbuf),
                                        gdk_pixbuf_get_rowstride (pixbuf),
                                        gdk_pixbuf_get_width (pixbuf),
                                        gdk_pixbuf_get_height (pixbuf),
                                        gdk_pixbuf_get_n_channels (pixbuf), res);
  if (!jpeg)
    return g_steal_pointer (&small);
  return _veil_survival_jpeg_round_trip (small, error);
}

