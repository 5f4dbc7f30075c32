/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "veil-dataset.h"

G_BEGIN_DECLS

/* One class of the open dataset, as shown in the sidebar: its name, image count and a copy of
 * its current filter (for the heat-map), which changes when k, p_b or the key change. */
#define VEIL_TYPE_CLASS_ITEM (veil_class_item_get_type ())
G_DECLARE_FINAL_TYPE (VeilClassItem, veil_class_item, VEIL, CLASS_ITEM, GObject)

VeilClassItem *veil_class_item_new          (VeilDataset   *dataset,
                                             guint          class_index);
VeilDataset   *veil_class_item_get_dataset  (VeilClassItem *self);
guint          veil_class_item_get_index    (VeilClassItem *self);
const char    *veil_class_item_get_name     (VeilClassItem *self);
guint          veil_class_item_get_n_images (VeilClassItem *self);
/* Copies @weights (k*k, row-major); NULL clears. Notifies "filter". */
void           veil_class_item_set_filter   (VeilClassItem *self,
                                             const float   *weights,
                                             guint          k);
const float   *veil_class_item_get_filter   (VeilClassItem *self,
                                             guint         *k);

G_END_DECLS
