/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gdk/gdk.h>

#include "veil-dataset.h"

G_BEGIN_DECLS

/* One image of the dataset in the thumbnail grid. The thumbnail is filled in lazily by the
 * thumbnail loader and may be dropped again to bound memory. */
#define VEIL_TYPE_IMAGE_ITEM (veil_image_item_get_type ())
G_DECLARE_FINAL_TYPE (VeilImageItem, veil_image_item, VEIL, IMAGE_ITEM, GObject)

VeilImageItem *veil_image_item_new            (VeilDataset   *dataset,
                                               guint          index);
guint          veil_image_item_get_index      (VeilImageItem *self);
guint          veil_image_item_get_class_index (VeilImageItem *self);
/* Relative path in file-system bytes, and the absolute one. */
const char    *veil_image_item_get_relative_path (VeilImageItem *self);
char          *veil_image_item_dup_path       (VeilImageItem *self);
/* The file name, UTF-8 for display. */
const char    *veil_image_item_get_display_name (VeilImageItem *self);
GdkTexture    *veil_image_item_get_thumbnail  (VeilImageItem *self);
void           veil_image_item_set_thumbnail  (VeilImageItem *self,
                                               GdkTexture    *thumbnail);
/* Set when the file could not be decoded: the reason, for the tooltip. */
const char    *veil_image_item_get_error      (VeilImageItem *self);
void           veil_image_item_set_error      (VeilImageItem *self,
                                               const char    *message);

G_END_DECLS
