/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Crisp pixels when an image is shown enlarged. GTK 4.8 scales textures with linear filtering,
 * which blurs exactly what a person zooms in to compare; this builds, for the visible part only,
 * a texture already enlarged by nearest neighbour to the screen's pixels, so that the renderer
 * draws it 1:1. One VeilPixelZoom per image: it keeps the source's pixels (downloaded once) and
 * the last result, rebuilt only when the image, its placement or the visible area change. */
typedef struct _VeilPixelZoom VeilPixelZoom;

VeilPixelZoom *veil_pixel_zoom_new        (void);
void           veil_pixel_zoom_free       (VeilPixelZoom               *self);
/* A texture of @pixbuf (8 bits per sample, RGB or RGBA) whose pixels a VeilPixelZoom reads
 * directly; other textures are downloaded once. */
GdkTexture    *veil_pixel_zoom_texture_new (GdkPixbuf                  *pixbuf);
/* Sets the image (NULL for none); a different texture drops the cached pixels and result. */
void           veil_pixel_zoom_set_source (VeilPixelZoom               *self,
                                           GdkTexture                  *source);
/* The source enlarged by nearest neighbour for an image placed at @image (device pixels, any
 * fraction), covering the device pixels of @visible. Returns the cached texture when nothing
 * changed (transfer none; valid until the next call or set_source), NULL without a source or
 * with an empty @visible. @cost_us, if not NULL, receives the time the call took. */
GdkTexture    *veil_pixel_zoom_render     (VeilPixelZoom               *self,
                                           const graphene_rect_t       *image,
                                           const cairo_rectangle_int_t *visible,
                                           gint64                      *cost_us);

/* The pure scaling step: @bpp-byte pixels (3 or 4) of a @width×@height source with @stride,
 * placed at @image in device pixels; writes the @visible device pixels into @dest (@bpp bytes a
 * pixel, @dest_stride). The source pixel of device pixel (X, Y) is the one under its centre. */
void           veil_pixel_zoom_scale      (const guint8                *pixels,
                                           int                          width,
                                           int                          height,
                                           gsize                        stride,
                                           int                          bpp,
                                           const graphene_rect_t       *image,
                                           const cairo_rectangle_int_t *visible,
                                           guint8                      *dest,
                                           gsize                        dest_stride);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilPixelZoom, veil_pixel_zoom_free)

G_END_DECLS
