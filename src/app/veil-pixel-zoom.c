/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-pixel-zoom"

#include "config.h"

#include <math.h>
#include <string.h>

#include "veil-pixel-zoom.h"

/* The pixbuf a texture was made from, when it was made by veil_pixel_zoom_texture_new(). */
#define PIXBUF_KEY "veil-pixel-zoom-pixbuf"

struct _VeilPixelZoom
{
  GdkTexture            *source;
  GdkPixbuf             *pixbuf;      /* the source's own pixels, when known */
  guint8                *downloaded;  /* else the source downloaded, GDK_MEMORY_DEFAULT */
  const guint8          *pixels;      /* one of the two, or NULL until needed */
  gsize                  stride;
  int                    bpp;
  GdkMemoryFormat        format;

  GdkTexture            *result;
  graphene_rect_t        image;       /* what @result was built for */
  cairo_rectangle_int_t  visible;
};

VeilPixelZoom *
veil_pixel_zoom_new (void)
{
  return g_new0 (VeilPixelZoom, 1);
}

void
veil_pixel_zoom_free (VeilPixelZoom *self)
{
  if (self == NULL)
    return;
  veil_pixel_zoom_set_source (self, NULL);
  g_free (self);
}

void
veil_pixel_zoom_set_source (VeilPixelZoom *self,
                            GdkTexture    *source)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (source == NULL || GDK_IS_TEXTURE (source));

  if (source == self->source)
    return;
  g_clear_object (&self->result);
  g_clear_pointer (&self->downloaded, g_free);
  self->pixels = NULL;
  g_set_object (&self->source, source);
  g_set_object (&self->pixbuf, source != NULL ? g_object_get_data (G_OBJECT (source), PIXBUF_KEY)
                                              : NULL);
}

GdkTexture *
veil_pixel_zoom_texture_new (GdkPixbuf *pixbuf)
{
  GdkTexture *texture;

  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), NULL);
  g_return_val_if_fail (gdk_pixbuf_get_bits_per_sample (pixbuf) == 8, NULL);

  texture = gdk_texture_new_for_pixbuf (pixbuf);
  g_object_set_data_full (G_OBJECT (texture), PIXBUF_KEY, g_object_ref (pixbuf), g_object_unref);
  return texture;
}

/* Where the source's pixels are read from: the pixbuf behind the texture as it is, or else a
 * download, once per image. A download of a large decode takes tens of milliseconds, too long
 * to repeat on every preview update. */
static void
ensure_pixels (VeilPixelZoom *self)
{
  if (self->pixels != NULL)
    return;
  if (self->pixbuf != NULL)
    {
      self->pixels = gdk_pixbuf_read_pixels (self->pixbuf);
      self->stride = gdk_pixbuf_get_rowstride (self->pixbuf);
      self->bpp = gdk_pixbuf_get_n_channels (self->pixbuf);
      /* GdkPixbuf's alpha is not premultiplied. */
      self->format = self->bpp == 4 ? GDK_MEMORY_R8G8B8A8 : GDK_MEMORY_R8G8B8;
      return;
    }
  self->stride = (gsize) gdk_texture_get_width (self->source) * 4;
  self->downloaded = g_malloc (self->stride * gdk_texture_get_height (self->source));
  gdk_texture_download (self->source, self->downloaded, self->stride);
  self->pixels = self->downloaded;
  self->bpp = 4;
  self->format = GDK_MEMORY_DEFAULT;
}

/* For each of @n device pixels from @first, the source index under its centre. */
static void
map_axis (int   *map,
          int    first,
          int    n,
          double origin,
          double extent,
          int    size)
{
  double step = size / extent;

  for (int i = 0; i < n; i++)
    {
      int s = (int) floor ((first + i + 0.5 - origin) * step);

      map[i] = CLAMP (s, 0, size - 1);
    }
}

void
veil_pixel_zoom_scale (const guint8                *pixels,
                       int                          width,
                       int                          height,
                       gsize                        stride,
                       int                          bpp,
                       const graphene_rect_t       *image,
                       const cairo_rectangle_int_t *visible,
                       guint8                      *dest,
                       gsize                        dest_stride)
{
  g_autofree int *columns = NULL;
  g_autofree int *rows = NULL;

  g_return_if_fail (pixels != NULL && dest != NULL);
  g_return_if_fail (width > 0 && height > 0);
  g_return_if_fail (bpp == 3 || bpp == 4);
  g_return_if_fail (image->size.width > 0 && image->size.height > 0);

  columns = g_new (int, MAX (1, visible->width));
  rows = g_new (int, MAX (1, visible->height));
  map_axis (columns, visible->x, visible->width, image->origin.x, image->size.width, width);
  map_axis (rows, visible->y, visible->height, image->origin.y, image->size.height, height);

  for (int y = 0; y < visible->height; y++)
    {
      guint8 *out = dest + y * dest_stride;
      const guint8 *in;

      /* Enlarged rows repeat: copy the previous one instead of gathering it again. */
      if (y > 0 && rows[y] == rows[y - 1])
        {
          memcpy (out, out - dest_stride, (gsize) visible->width * bpp);
          continue;
        }
      in = pixels + rows[y] * stride;
      if (bpp == 4)
        for (int x = 0; x < visible->width; x++)
          memcpy (out + x * 4, in + columns[x] * 4, 4);
      else
        for (int x = 0; x < visible->width; x++)
          memcpy (out + x * 3, in + columns[x] * 3, 3);
    }
}

GdkTexture *
veil_pixel_zoom_render (VeilPixelZoom               *self,
                        const graphene_rect_t       *image,
                        const cairo_rectangle_int_t *visible,
                        gint64                      *cost_us)
{
  gint64 start = g_get_monotonic_time ();
  int width, height;
  gsize dest_stride;
  guint8 *dest;
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (image != NULL && visible != NULL, NULL);

  if (cost_us != NULL)
    *cost_us = 0;
  if (self->source == NULL || visible->width <= 0 || visible->height <= 0
      || image->size.width <= 0 || image->size.height <= 0)
    return NULL;

  if (self->result != NULL && graphene_rect_equal (image, &self->image)
      && memcmp (visible, &self->visible, sizeof *visible) == 0)
    return self->result;

  width = gdk_texture_get_width (self->source);
  height = gdk_texture_get_height (self->source);
  ensure_pixels (self);

  dest_stride = (gsize) visible->width * self->bpp;
  dest = g_malloc (dest_stride * visible->height);
  veil_pixel_zoom_scale (self->pixels, width, height, self->stride, self->bpp, image, visible,
                         dest, dest_stride);
  bytes = g_bytes_new_take (dest, dest_stride * visible->height);

  g_clear_object (&self->result);
  self->result = gdk_memory_texture_new (visible->width, visible->height, self->format, bytes,
                                         dest_stride);
  self->image = *image;
  self->visible = *visible;
  if (cost_us != NULL)
    *cost_us = g_get_monotonic_time () - start;
  return self->result;
}
