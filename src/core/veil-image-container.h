/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Byte-level work on image files that GdkPixbuf 2.42 gets wrong or leaves out; used by
 * veil-image-io.c only. */

/* The size in a PNG's IHDR chunk, when @data starts with one. */
gboolean _veil_png_header_size        (const guint8  *data,
                                       gsize          len,
                                       guint32       *width,
                                       guint32       *height);
/* Whether a file the loader accepted holds the whole image (end marker or declared length
 * present) for JPEG, PNG, BMP and WebP; TRUE for other formats. */
gboolean _veil_image_file_is_complete (const char    *path,
                                       const char    *format);
/* Bits per sample of a PNG (its IHDR) or the first image of a TIFF (BitsPerSample), 0 when
 * unknown; and for a TIFF, whether a further full-resolution page follows the first (a reduced-
 * resolution image such as a thumbnail does not count). */
guint    _veil_image_bit_depth        (const char    *path,
                                       const char    *format);
gboolean _veil_tiff_has_more_pages    (const char    *path);
/* The ICC profile of a WebP file (its ICCP chunk), or NULL. */
GBytes  *_veil_webp_read_icc          (const char    *path);
/* @png with an iCCP chunk holding @profile inserted after IHDR. */
GBytes  *_veil_png_insert_iccp        (const guint8  *png,
                                       gsize          png_len,
                                       GBytes        *profile,
                                       GError       **error);

G_END_DECLS
