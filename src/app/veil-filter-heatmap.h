/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A small picture of a k×k filter: one square per weight, brighter for larger weights, so a
 * person can see that each class has a filter of its own and how strong it is. */
#define VEIL_TYPE_FILTER_HEATMAP (veil_filter_heatmap_get_type ())
G_DECLARE_FINAL_TYPE (VeilFilterHeatmap, veil_filter_heatmap, VEIL, FILTER_HEATMAP, GtkWidget)

GtkWidget *veil_filter_heatmap_new        (void);
/* Copies @weights (k*k, row-major); NULL shows an empty frame. */
void       veil_filter_heatmap_set_filter (VeilFilterHeatmap *self,
                                           const float       *weights,
                                           guint              k);

G_END_DECLS
