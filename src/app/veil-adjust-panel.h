/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The protection settings beside the preview: presets, p_b (slider and exact value), k, the
 * training resolution, keeping fine detail, the protected fraction and the decoy class, all
 * stored in GSettings, so the preview, the export and the next start all see the same values. */
#define VEIL_TYPE_ADJUST_PANEL (veil_adjust_panel_get_type ())
G_DECLARE_FINAL_TYPE (VeilAdjustPanel, veil_adjust_panel, VEIL, ADJUST_PANEL, GtkWidget)

GtkWidget *veil_adjust_panel_new (void);

G_END_DECLS
