/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The protection settings beside the preview: presets, p_b (slider and exact value), k, the
 * training resolution and the protected fraction, all stored in GSettings, so the preview, the
 * export and the next start all see the same values. */
#define VEIL_TYPE_ADJUST_PANEL (veil_adjust_panel_get_type ())
G_DECLARE_FINAL_TYPE (VeilAdjustPanel, veil_adjust_panel, VEIL, ADJUST_PANEL, GtkWidget)

GtkWidget *veil_adjust_panel_new (void);

/* The paper's two settings. */
typedef enum
{
  VEIL_PRESET_SMALL_IMAGES, /* CIFAR-10: k = 3, p_b = 0.3, native */
  VEIL_PRESET_PHOTOGRAPHS,  /* ImageNet: k = 9, p_b = 0.06, 224 px */
} VeilPreset;

void       veil_adjust_panel_apply_preset (GSettings  *settings,
                                           VeilPreset  preset);

G_END_DECLS
