/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

/* Shared by veil-survival*.c. */

/* The colour channels of @src at short side @res (area downscale), as a new packed RGB
 * pixbuf. */
GdkPixbuf *_veil_survival_downscale_rgb    (const guint8 *src,
                                            int           stride,
                                            int           width,
                                            int           height,
                                            int           n_channels,
                                            guint         res);
/* Through a JPEG of VEIL_SURVIVAL_JPEG_QUALITY and back, in memory. */
GdkPixbuf *_veil_survival_jpeg_round_trip  (GdkPixbuf    *pixbuf,
                                            GError      **error);

G_END_DECLS
