/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

#include "veil-filter-bank.h"

G_BEGIN_DECLS

/* One preview update, computed synchronously: what the app's live preview runs in a worker
 * thread after every change of k, p_b, key or training resolution (and what bench/ times).
 * @original is the image decoded once at display size; the protected image is computed from it
 * as the export's result would look shrunk to display size: with the filter enlarged as it
 * would be at the source's full resolution or, with @keep_detail on a decode larger than the
 * training resolution, by the detail path (veil_detail_protect()) on the decode itself, so that
 * a decode at full size shows the export's sharp detail. */
typedef struct
{
  GdkPixbuf      *original;       /* display-size decode, 8-bit RGB or RGBA */
  int             source_width;   /* the file's full size */
  int             source_height;
  VeilFilterBank *bank;
  guint           class_index;
  guint           training_res;   /* VEIL_TRAINING_RES_NATIVE or a short side */
  gboolean        protect;        /* FALSE: this image is left as is at the protected fraction */
  gboolean        keep_detail;    /* detail-preserving protection (veil-detail.h) */
  gboolean        model_view;     /* shrink both to the training resolution, as a model sees them */
  int             n_threads;      /* 0: all cores */
} VeilPreviewRequest;

typedef struct
{
  GdkPixbuf *original;            /* as shown: the decode, or its model-view shrink */
  GdkPixbuf *protected_image;
  GdkPixbuf *difference;          /* |protected − original|, amplified by @difference_gain */
  double     difference_gain;
} VeilPreviewResult;

/* Computes @request's three images. The caller owns the result. Errors: those of
 * veil_protect_pixels_scaled() and veil_detail_protect(), G_IO_ERROR_CANCELLED. */
VeilPreviewResult *veil_preview_compute     (const VeilPreviewRequest *request,
                                             GCancellable             *cancellable,
                                             GError                  **error);
void               veil_preview_result_free (VeilPreviewResult        *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilPreviewResult, veil_preview_result_free)

G_END_DECLS
