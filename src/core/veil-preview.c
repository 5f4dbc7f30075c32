/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-preview"

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "veil-detail.h"
#include "veil-error.h"
#include "veil-preview.h"
#include "veil-protect.h"
#include "veil-survival.h"

static GdkPixbuf *
new_like (GdkPixbuf *pixbuf)
{
  return gdk_pixbuf_new (GDK_COLORSPACE_RGB, gdk_pixbuf_get_has_alpha (pixbuf), 8,
                         gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf));
}

/* As a model sees it: the core's shrink, the very one the survival check measures with
 * (veil_survival_as_scraper_sees(), without the JPEG), so the view shows what is checked. */
static GdkPixbuf *
shrink_to (GdkPixbuf *pixbuf,
           guint      short_side)
{
  int s = MIN (gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf));

  if (short_side == 0 || (guint) s <= short_side)
    return g_object_ref (pixbuf);
  return veil_survival_as_scraper_sees (pixbuf, short_side, FALSE, NULL);
}

static GdkPixbuf *
difference_of (GdkPixbuf *a,
               GdkPixbuf *b,
               double    *gain_out)
{
  int w = gdk_pixbuf_get_width (a);
  int h = gdk_pixbuf_get_height (a);
  int na = gdk_pixbuf_get_n_channels (a);
  int nb = gdk_pixbuf_get_n_channels (b);
  int sa = gdk_pixbuf_get_rowstride (a);
  int sb = gdk_pixbuf_get_rowstride (b);
  const guint8 *pa = gdk_pixbuf_read_pixels (a);
  const guint8 *pb = gdk_pixbuf_read_pixels (b);
  g_autoptr(GdkPixbuf) out = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, w, h);
  guint8 *po = gdk_pixbuf_get_pixels (out);
  int so = gdk_pixbuf_get_rowstride (out);
  guint64 histogram[256] = { 0 };
  guint64 n = (guint64) w * h * 3;
  guint64 seen = 0;
  int p99 = 0;
  double gain;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w * 3; x++)
      {
        int d = abs ((int) pa[y * sa + (x / 3) * na + x % 3] - pb[y * sb + (x / 3) * nb + x % 3]);
        po[y * so + x] = d;
        histogram[d]++;
      }

  /* Amplified so that most changes (up to the 99th percentile) fill the range: the largest
   * changes sit on a few edges and would otherwise leave everything else black. Never more
   * than 8×, so that an almost unchanged image does not look strongly changed. */
  for (p99 = 0; p99 < 255; p99++)
    {
      seen += histogram[p99];
      if (seen * 100 >= n * 99)
        break;
    }
  gain = CLAMP (255.0 / MAX (p99, 1), 1.0, 8.0);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w * 3; x++)
      po[y * so + x] = (guint8) MIN (255.0, po[y * so + x] * gain);

  *gain_out = gain;
  return g_steal_pointer (&out);
}

void
veil_preview_result_free (VeilPreviewResult *result)
{
  if (result == NULL)
    return;
  g_clear_object (&result->original);
  g_clear_object (&result->protected_image);
  g_clear_object (&result->difference);
  g_free (result);
}

/* Whether the detail path acts on the decode: only above the training resolution. At or below
 * it the export's result, shrunk to the display size, is the protection at R shrunk further,
 * which the enlarged-filter path below shows as well. */
static gboolean
uses_detail_path (const VeilPreviewRequest *request)
{
  GdkPixbuf *src = request->original;

  return request->keep_detail && request->training_res != VEIL_TRAINING_RES_NATIVE
         && MIN (gdk_pixbuf_get_width (src), gdk_pixbuf_get_height (src))
              > (int) request->training_res;
}

/* The protected decode, as the export's result would look shrunk to the display size. */
static gboolean
protect_display (const VeilPreviewRequest *request,
                 GdkPixbuf                *dst,
                 GCancellable             *cancellable,
                 GError                  **error)
{
  GdkPixbuf *src = request->original;
  int s_source, s_display;
  double enlarge, cell_scale;

  /* Protected at R, the change added to the decode: what S sees is the same at any size above
   * R, and the detail above R is the decode's own, as at full size. */
  if (uses_detail_path (request))
    return veil_detail_protect (request->bank, request->class_index, request->training_res,
                                gdk_pixbuf_read_pixels (src), gdk_pixbuf_get_rowstride (src),
                                gdk_pixbuf_get_pixels (dst), gdk_pixbuf_get_rowstride (dst),
                                gdk_pixbuf_get_width (src), gdk_pixbuf_get_height (src),
                                gdk_pixbuf_get_n_channels (src), request->n_threads, cancellable,
                                error);

  /* The filter is enlarged as the export enlarges it at the source's size; the decode is
   * smaller than the source by display/source, and so is every filter cell on it. */
  s_source = MIN (request->source_width, request->source_height);
  s_display = MIN (gdk_pixbuf_get_width (src), gdk_pixbuf_get_height (src));
  enlarge = veil_protect_scale_factor (request->training_res, request->source_width,
                                       request->source_height);
  cell_scale = enlarge * s_display / MAX (1, s_source);
  return veil_protect_pixels_scaled (request->bank, request->class_index,
                                     veil_protect_normalisation (request->bank,
                                                                 request->training_res),
                                     cell_scale,
                                     gdk_pixbuf_read_pixels (src),
                                     gdk_pixbuf_get_rowstride (src),
                                     gdk_pixbuf_get_pixels (dst), gdk_pixbuf_get_rowstride (dst),
                                     gdk_pixbuf_get_width (src), gdk_pixbuf_get_height (src),
                                     gdk_pixbuf_get_n_channels (src), request->n_threads,
                                     cancellable, error);
}

VeilPreviewResult *
veil_preview_compute (const VeilPreviewRequest *request,
                      GCancellable             *cancellable,
                      GError                  **error)
{
  g_autoptr(VeilPreviewResult) result = g_new0 (VeilPreviewResult, 1);
  g_autoptr(GdkPixbuf) protected_image = NULL;
  GdkPixbuf *src;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (GDK_IS_PIXBUF (request->original), NULL);
  g_return_val_if_fail (request->bank != NULL || !request->protect, NULL);

  src = request->original;
  if (request->protect)
    {
      protected_image = new_like (src);
      if (!protect_display (request, protected_image, cancellable, error))
        return NULL;
    }
  else
    protected_image = g_object_ref (src);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (request->model_view && request->training_res != VEIL_TRAINING_RES_NATIVE)
    {
      result->original = shrink_to (src, request->training_res);
      result->protected_image = shrink_to (protected_image, request->training_res);
    }
  else
    {
      result->original = g_object_ref (src);
      result->protected_image = g_object_ref (protected_image);
    }
  result->difference = difference_of (result->original, result->protected_image,
                                      &result->difference_gain);
  return g_steal_pointer (&result);
}
