/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-dataset.h"

G_BEGIN_DECLS

/* The images of one class as a GListModel of VeilImageItem. Items are created only when asked
 * for (the grid asks for the visible ones), so a class of 50 000 images costs nothing until it
 * is scrolled through. */
#define VEIL_TYPE_IMAGE_MODEL (veil_image_model_get_type ())
G_DECLARE_FINAL_TYPE (VeilImageModel, veil_image_model, VEIL, IMAGE_MODEL, GObject)

VeilImageModel *veil_image_model_new (VeilDataset *dataset,
                                      guint        class_index);

G_END_DECLS
