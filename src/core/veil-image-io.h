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
  VeilImageNotes notes;    /* DEPTH_REDUCED and FIRST_FRAME as found when loading */
};

/* Loads a whole image. Errors name the file: VEIL_ERROR_IMAGE_TOO_LARGE (checked from the
 * header, before decoding), VEIL_ERROR_IMAGE_CORRUPT, VEIL_ERROR_IMAGE_UNSUPPORTED, or a
 * G_IO_ERROR from reading.
 * - The format is found from the contents, not the name (a PNG named .jpg loads as "png").
 *   Raster formats only, those of veil-image-formats.h: png, jpeg, webp, tiff, bmp, gif, pnm,
 *   tga, and heif (HEIC/HEIF) and avif when their loaders (Debian's heif-gdk-pixbuf,
 *   libavif-gdk-pixbuf) are installed; others (svg, xpm, ...) give
 *   VEIL_ERROR_IMAGE_UNSUPPORTED.
 * - CORRUPT: empty file, truncated or damaged data (a truncated JPEG is an error, never a
 *   grey-filled picture), contents no loader recognises. UNSUPPORTED: the name's extension is a
 *   format whose GdkPixbuf loader is not installed.
 * - The EXIF/TIFF orientation is applied; "orientation" is then no longer meaningful.
 * - 16-bit sources arrive as 8 bits per sample (GdkPixbuf): a 16-bit PNG or TIFF gets
 *   VEIL_IMAGE_NOTE_DEPTH_REDUCED. Only the first frame of an animated GIF or a multi-page TIFF
 *   is read: VEIL_IMAGE_NOTE_FIRST_FRAME. An opaque TIFF is given as RGB (its loader always
 *   produces RGBA).
 * - The file is read in chunks; @cancellable is checked between them. */
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
/* The dimensions in @path's header, read from a regular file only and without decoding
 * pixels; FALSE when they cannot be read. */
gboolean   veil_image_peek_size        (const char   *path,
                                        int          *width,
                                        int          *height);
void       veil_image_free             (VeilImage    *image);

/* The GdkPixbuf format an image file's name announces by its extension (".jpg" → "jpeg"), for
 * the extensions VeilDataset takes for images (veil-image-formats.h); NULL for any other name. */
const char *veil_image_format_from_name (const char *path);
/* Whether images of this GdkPixbuf format can be written by veil_image_encode(). */
gboolean   veil_image_format_is_writable (const char *format);
/* The format a KEEP/PNG export writes for a source of @source_format: with KEEP the source's
 * own when Veil can write it, else what the format table says (high-quality JPEG for HEIC/HEIF
 * and AVIF photos, PNG for the rest). */
const char *veil_image_output_format   (const char       *source_format,
                                        VeilOutputFormat  requested);
/* The file extension (without dot) an output file written in @format gets when its source's
 * name does not already have one of that format: "png", "jpg", "tif", "webp", "bmp"; NULL for a
 * format Veil does not write (then the source's name is kept). */
const char *veil_image_format_extension (const char *format);
/* The output file name for a source file @path written in @output_format: @path unchanged when
 * its extension already belongs to that format (case kept: "a/IMG.JPEG" stays), else the
 * extension replaced ("a/x.tif" → "a/x.png"). Newly allocated. */
char      *veil_image_output_path      (const char *path,
                                        const char *output_format);

/* Encodes @pixels (same dimensions as @image or any) in @format ("jpeg" with @jpeg_quality
 * 1…100, "png", ...), keeping @image's ICC profile and the alpha channel when the format can
 * hold them. Returns the encoded file's bytes. @image may be NULL (no profile).
 * - ICC profile: embedded in PNG, JPEG, TIFF and WebP; BMP cannot hold one.
 * - Alpha: kept in PNG, TIFF and WebP. JPEG and BMP cannot hold it: the alpha channel is
 *   dropped (not composited onto a background). KEEP never asks for that, since a JPEG or
 *   BMP source has no alpha worth keeping; ask for PNG to keep it.
 * - @jpeg_quality is also the WebP quality: the installed WebP saver is lossy only.
 * - TIFF is written LZW-compressed. Output carries no EXIF: pixels are already upright.
 * Fails with VEIL_ERROR_IMAGE_UNSUPPORTED for a format veil_image_format_is_writable() refuses,
 * VEIL_ERROR_FAILED when the saver fails. */
GBytes    *veil_image_encode           (const VeilImage *image,
                                        GdkPixbuf       *pixels,
                                        const char      *format,
                                        int              jpeg_quality,
                                        GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilImage, veil_image_free)

G_END_DECLS
