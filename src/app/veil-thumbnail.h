/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "veil-image-item.h"

G_BEGIN_DECLS

/* A cell of the thumbnail grid: the image, shrunk, and its file name. Binding an item asks the
 * thumbnail loader for its picture; unbinding withdraws the request. */
#define VEIL_TYPE_THUMBNAIL (veil_thumbnail_get_type ())
G_DECLARE_FINAL_TYPE (VeilThumbnail, veil_thumbnail, VEIL, THUMBNAIL, GtkWidget)

GtkWidget *veil_thumbnail_new      (void);
void       veil_thumbnail_set_item (VeilThumbnail *self,
                                    VeilImageItem *item);

G_END_DECLS
