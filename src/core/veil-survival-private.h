/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "veil-manifest.h"
#include "veil-survival.h"

G_BEGIN_DECLS

/* Shared by veil-survival*.c and the export (veil-export.c). */

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

/* Whether the filters were made for the report's resolution (see
 * veil_survival_report_get_made_for_resolution()), when the caller knows better than
 * veil_survival_report_new() could. Before any pair is added. */
void       _veil_survival_report_set_made_for_resolution (VeilSurvivalReport *report,
                                                          gboolean            made_for_res);

/* Progress of a check: @n_checked pairs of the sample measured, of @n_to_check. */
typedef void (*VeilSurvivalProgressFunc) (guint    n_checked,
                                          guint    n_to_check,
                                          gpointer user_data);

/* Adds the export's sample (see veil_survival_check_manifest()) to @report, except the
 * images whose dataset index is in @skip (may be NULL): the export added those from memory,
 * and they count as checked from the start. @progress (may be NULL) is called on the calling
 * thread once at the start, after each pair or every 1/8 s while a pair takes longer, and once
 * at the end; the cancellable is checked at those times and by the workers before each pair.
 * Errors: G_IO_ERROR_CANCELLED. */
gboolean   _veil_survival_add_manifest_sample (VeilSurvivalReport       *report,
                                               const VeilManifest       *manifest,
                                               VeilFilterBank           *bank,
                                               const char               *input_root,
                                               const char               *output_dir,
                                               guint                     sample_per_class,
                                               GHashTable               *skip,
                                               VeilSurvivalProgressFunc  progress,
                                               gpointer                  progress_data,
                                               GCancellable             *cancellable,
                                               GError                  **error);

G_END_DECLS
