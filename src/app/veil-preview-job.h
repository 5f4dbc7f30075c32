/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gdk/gdk.h>
#include <gio/gio.h>

#include "veil-filter-bank.h"
#include "veil-preview.h"

G_BEGIN_DECLS

/* The live preview of the selected image: decodes it once at display size, then recomputes the
 * protected version off the main thread whenever a parameter changes — debounced, the stale job
 * cancelled and its result dropped. Emits "updated" on the main thread when new textures are
 * there, and "failed" (with a message naming the file) when the image cannot be shown. */
#define VEIL_TYPE_PREVIEW_JOB (veil_preview_job_get_type ())
G_DECLARE_FINAL_TYPE (VeilPreviewJob, veil_preview_job, VEIL, PREVIEW_JOB, GObject)

#define VEIL_PREVIEW_DEBOUNCE_MS 60

VeilPreviewJob *veil_preview_job_new            (void);
/* Selects the image to preview (NULL for none) and the size it is shown at, in device pixels.
 * The file is decoded again only when the path changes or the view grew beyond the decode. */
void            veil_preview_job_set_image      (VeilPreviewJob *self,
                                                 const char     *path,
                                                 int             display_width,
                                                 int             display_height);
/* Sets the protection parameters; the update follows after the debounce. @bank may be NULL
 * while none can be built. */
void            veil_preview_job_set_parameters (VeilPreviewJob *self,
                                                 VeilFilterBank *bank,
                                                 guint           class_index,
                                                 guint           training_res,
                                                 gboolean        protect,
                                                 gboolean        keep_detail,
                                                 gboolean        model_view);
GdkTexture     *veil_preview_job_get_original   (VeilPreviewJob *self);
GdkTexture     *veil_preview_job_get_protected  (VeilPreviewJob *self);
GdkTexture     *veil_preview_job_get_difference (VeilPreviewJob *self);
double          veil_preview_job_get_difference_gain (VeilPreviewJob *self);
void            veil_preview_job_get_source_size (VeilPreviewJob *self,
                                                  int            *width,
                                                  int            *height);
/* Whether a decode or an update is under way (for a spinner, and for tests to wait on). */
gboolean        veil_preview_job_is_busy        (VeilPreviewJob *self);

G_END_DECLS
