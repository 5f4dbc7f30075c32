/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil-dataset.h"

G_BEGIN_DECLS

#define VEIL_TYPE_WINDOW (veil_window_get_type ())
G_DECLARE_FINAL_TYPE (VeilWindow, veil_window, VEIL, WINDOW, AdwApplicationWindow)

VeilWindow  *veil_window_new            (GtkApplication *application);
/* Scans @folder off the main thread and shows it; a folder that is not in the class-folder
 * layout gets a page explaining the layout. */
void         veil_window_open_folder    (VeilWindow     *self,
                                         GFile          *folder);
void         veil_window_open_samples   (VeilWindow     *self);
/* The open dataset, or NULL. */
VeilDataset *veil_window_get_dataset    (VeilWindow     *self);
void         veil_window_add_toast      (VeilWindow     *self,
                                         const char     *message);

/* The sample set's folder: $VEIL_SAMPLES_DIR, the installed one, or the source tree's. */
char        *veil_window_find_samples_dir (void);

G_END_DECLS
