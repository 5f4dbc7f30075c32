/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "veil-image-io.h"

G_BEGIN_DECLS

/* The direct libpng path of veil-image-io.c for the common PNG: a folder of many small PNGs
 * spends more time setting up GdkPixbuf's loader (content-type sniffing, a progressive decoder)
 * than decoding. Used by veil-image-io.c only. */

/* Decodes @path when it is a complete, non-interlaced 8-bit RGB or RGBA PNG without a
 * transparency chunk, whose dimensions are within Veil's limits and which ends right after its
 * IEND chunk: the pixels and ICC profile GdkPixbuf would give, format "png". Returns NULL,
 * without an error, for anything else (another format, a damaged or unusual PNG, a read
 * problem): the caller then loads the file through GdkPixbuf, which also words every error. */
VeilImage *_veil_png_load_plain   (const char  *path);

/* Decodes @data (a whole PNG file in memory) without libpng when it is one of the simplest
 * PNGs and valid in every respect (see veil-image-png-direct.c); NULL otherwise, for libpng to
 * judge. The pixels are those _veil_png_load_plain() gives; there is no ICC profile. */
VeilImage *_veil_png_decode_direct (const guint8 *data,
                                    gsize         len);

/* Encodes @pixels (8-bit RGB or RGBA) as PNG: IHDR, sBIT, IDAT, IEND, as GdkPixbuf's saver
 * writes them, but with compression settings chosen for throughput (see the .c). The ICC
 * profile is added by the caller. Returns the bytes (free with g_free()) in @out and @out_len;
 * FALSE with VEIL_ERROR_FAILED and libpng's message when it fails. */
gboolean   _veil_png_encode       (GdkPixbuf   *pixels,
                                   char       **out,
                                   gsize       *out_len,
                                   GError     **error);

G_END_DECLS
