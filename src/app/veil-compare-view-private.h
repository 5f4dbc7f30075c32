/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-compare-view.h"
#include "veil-pixel-zoom.h"

G_BEGIN_DECLS

/* How the two images are shown; the order is that of mode_names in veil-compare-view.c. */
typedef enum {
  VEIL_COMPARE_MODE_SIDE_BY_SIDE,
  VEIL_COMPARE_MODE_SPLIT,
  VEIL_COMPARE_MODE_DIFFERENCE,
} VeilCompareMode;

/* State shared by the files of VeilCompareView: veil-compare-view.c (the class, its properties
 * and drawing), -layout.c (where the panes, images and divider lie), -gestures.c (pointer,
 * touch, scroll and pinch input). */
struct _VeilCompareView
{
  GtkWidget   parent_instance;

  GdkTexture *original;
  GdkTexture *protected_image;
  GdkTexture *difference;
  /* Crisp enlargements, one per VeilCompareLayer. */
  VeilPixelZoom *zooms[3];
  int         source_width;
  int         source_height;
  char       *captions[3];

  VeilCompareMode mode;
  double      zoom;       /* VEIL_ZOOM_FIT or a fixed scale */
  double      pan_x;      /* offset of the image centre from the pane centre, logical px */
  double      pan_y;
  double      split;      /* divider position across the image area, 0…1 */

  /* Gesture state. */
  gboolean    dragging_divider;
  double      drag_start_pan_x;
  double      drag_start_pan_y;
  double      drag_start_x;
  double      pinch_start_zoom;
  double      pointer_x;
  double      pointer_y;

  guint       resized_id;
  int         last_width;
  int         last_height;
};

/* veil-compare-view-layout.c */

/* The areas the images are drawn in, in widget coordinates: one, or two side by side.
 * Returns how many. */
guint            _veil_compare_view_get_panes   (VeilCompareView        *self,
                                                 graphene_rect_t         panes[2]);
/* Keeps the image from being panned further than its edges. */
void             _veil_compare_view_clamp_pan   (VeilCompareView        *self);
graphene_rect_t  _veil_compare_view_image_rect  (VeilCompareView        *self,
                                                 const graphene_rect_t  *pane);
double           _veil_compare_view_divider_x   (VeilCompareView        *self);
/* The pane @layer is drawn in, or -1 when the mode does not show it. */
int              _veil_compare_view_layer_pane  (VeilCompareView        *self,
                                                 VeilCompareLayer        layer);

/* veil-compare-view.c */

/* Sets the zoom (clamped) keeping the image point at (@cx, @cy) in place; notifies "zoom". */
void             _veil_compare_view_zoom_around (VeilCompareView        *self,
                                                 double                  new_zoom,
                                                 double                  cx,
                                                 double                  cy);

/* veil-compare-view-gestures.c */

/* Adds the scroll, drag, motion and pinch controllers. */
void             _veil_compare_view_init_gestures (VeilCompareView      *self);

G_END_DECLS
