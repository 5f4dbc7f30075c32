/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "veil-types.h"

G_BEGIN_DECLS

/* What happened to an image on its way through an export besides protection (the core's
 * VeilImageNotes), in words shared by veil-cli and the app. Translated, newly allocated. */

/* "Changed on the way: 3 images" */
char *veil_image_notes_text_heading (guint          n_images);
/* Every note of one image, joined: "16 bits per colour reduced to 8; only the first frame or
 * page was kept". An empty string for no notes. */
char *veil_image_notes_text         (VeilImageNotes notes);

G_END_DECLS
