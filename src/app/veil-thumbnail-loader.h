/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-image-item.h"

G_BEGIN_DECLS

/* Decodes thumbnails at reduced size off the main thread.
 *
 * At most two decodes run at once; requests wait in a bounded queue, newest first (what was
 * just scrolled into view matters most), and the oldest are dropped when it overflows. A request
 * is withdrawn by cancelling its GCancellable (done when a grid cell is recycled). Finished
 * thumbnails are kept for the most recently used items only, so memory stays bounded however
 * far one scrolls. */
#define VEIL_TYPE_THUMBNAIL_LOADER (veil_thumbnail_loader_get_type ())
G_DECLARE_FINAL_TYPE (VeilThumbnailLoader, veil_thumbnail_loader, VEIL, THUMBNAIL_LOADER, GObject)

#define VEIL_THUMBNAIL_SIZE 192

VeilThumbnailLoader *veil_thumbnail_loader_get_default (void);
/* Loads @item's thumbnail unless it has one; sets it on the item when done. */
void                 veil_thumbnail_loader_request      (VeilThumbnailLoader *self,
                                                         VeilImageItem       *item,
                                                         GCancellable        *cancellable);
/* Drops every queued request and kept thumbnail (a new folder was opened). */
void                 veil_thumbnail_loader_clear        (VeilThumbnailLoader *self);
guint                veil_thumbnail_loader_get_n_pending (VeilThumbnailLoader *self);

G_END_DECLS
