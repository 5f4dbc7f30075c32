/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "veil-types.h"

G_BEGIN_DECLS

/* Images refused before decoding: either side above this, or more pixels than the next. */
#define VEIL_IMAGE_MAX_SIDE   65535
#define VEIL_IMAGE_MAX_PIXELS (256u * 1024u * 1024u)

/* A decoded image: 8-bit RGB or RGBA pixels, already turned upright per its EXIF orientation,
 * with what is needed to save it back in its own format. */
struct _VeilImage {
  GdkPixbuf *pixbuf;       /* owned; 8 bits per sample, 3 or 4 channels */
  char      *format;       /* GdkPixbuf format name: "jpeg", "png", "webp", "tiff", "bmp", ... */
  GBytes    *icc_profile;  /* owned, NULL when the file had none */
  int        source_width; /* full-size dimensions, also for reduced-size preview loads */
  int        source_height;
};

/* Loads a whole image. Errors name the file: VEIL_ERROR_IMAGE_TOO_LARGE (checked from the
 * header, before decoding), VEIL_ERROR_IMAGE_CORRUPT, VEIL_ERROR_IMAGE_UNSUPPORTED, or a
 * G_IO_ERROR from reading. */
VeilImage *veil_image_load             (const char   *path,
                                        GCancellable *cancellable,
                                        GError      **error);
/* Loads an image at reduced size, fitting within @max_width×@max_height and keeping its aspect
 * (never enlarged); large JPEGs are decoded at reduced size (fast path for previews). */
VeilImage *veil_image_load_at_size     (const char   *path,
                                        int           max_width,
                                        int           max_height,
                                        GCancellable *cancellable,
                                        GError      **error);
void       veil_image_free             (VeilImage    *image);

/* Whether images of this GdkPixbuf format can be written by veil_image_encode(). */
gboolean   veil_image_format_is_writable (const char *format);
/* The format a KEEP/PNG export writes for a source of @source_format. */
const char *veil_image_output_format   (const char       *source_format,
                                        VeilOutputFormat  requested);
/* The file extension (without dot) to use for @format, e.g. "png", or NULL to keep the source's. */
const char *veil_image_format_extension (const char *format);

/* Encodes @pixels (same dimensions as @image or any) in @format ("jpeg" with @jpeg_quality
 * 1…100, "png", ...), keeping @image's ICC profile and the alpha channel when the format can
 * hold them. Returns the encoded file's bytes. */
GBytes    *veil_image_encode           (const VeilImage *image,
                                        GdkPixbuf       *pixels,
                                        const char      *format,
                                        int              jpeg_quality,
                                        GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilImage, veil_image_free)

G_END_DECLS
