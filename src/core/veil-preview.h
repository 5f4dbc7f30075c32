/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

#include "veil-filter-bank.h"

G_BEGIN_DECLS

/* One preview update, computed synchronously: what the app's live preview runs in a worker
 * thread after every change of k, p_b, key or training resolution (and what bench/ times).
 * @original is the image decoded once at display size; the protected image is computed from it
 * with the filter enlarged as it would be at the source's full resolution, shrunk to display
 * size. */
typedef struct
{
  GdkPixbuf      *original;       /* display-size decode, 8-bit RGB or RGBA */
  int             source_width;   /* the file's full size */
  int             source_height;
  VeilFilterBank *bank;
  guint           class_index;
  guint           training_res;   /* VEIL_TRAINING_RES_NATIVE or a short side */
  gboolean        protect;        /* FALSE: this image is left as is at the protected fraction */
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
 * veil_protect_pixels_scaled(), G_IO_ERROR_CANCELLED. */
VeilPreviewResult *veil_preview_compute     (const VeilPreviewRequest *request,
                                             GCancellable             *cancellable,
                                             GError                  **error);
void               veil_preview_result_free (VeilPreviewResult        *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilPreviewResult, veil_preview_result_free)

G_END_DECLS
