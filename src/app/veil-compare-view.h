/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Original and protected image compared: side by side, as a split view with a draggable
 * divider over one image, or as their amplified difference. Zoom (fit, 100 %, ctrl+scroll,
 * pinch) and pan apply to both sides at once, so the same spot is always shown on each.
 *
 * The images may be smaller than the file (decoded at display size, or shrunk as a model
 * sees them); they are always laid out at the file's size, so zoom 1.0 is one file pixel per
 * screen pixel. The "mode" property takes the GSettings compare-mode strings. */
#define VEIL_TYPE_COMPARE_VIEW (veil_compare_view_get_type ())
G_DECLARE_FINAL_TYPE (VeilCompareView, veil_compare_view, VEIL, COMPARE_VIEW, GtkWidget)

/* The three images a compare view shows. */
typedef enum
{
  VEIL_COMPARE_LAYER_ORIGINAL,
  VEIL_COMPARE_LAYER_PROTECTED,
  VEIL_COMPARE_LAYER_DIFFERENCE,
} VeilCompareLayer;

#define VEIL_ZOOM_FIT 0.0
#define VEIL_ZOOM_MIN 0.02
#define VEIL_ZOOM_MAX 32.0

GtkWidget  *veil_compare_view_new            (void);
void        veil_compare_view_set_images     (VeilCompareView *self,
                                              GdkTexture      *original,
                                              GdkTexture      *protected_image,
                                              GdkTexture      *difference,
                                              int              source_width,
                                              int              source_height);
void        veil_compare_view_set_captions   (VeilCompareView *self,
                                              const char      *original,
                                              const char      *protected_image,
                                              const char      *difference);
const char *veil_compare_view_get_mode       (VeilCompareView *self);
void        veil_compare_view_set_mode       (VeilCompareView *self,
                                              const char      *mode);
/* VEIL_ZOOM_FIT, or file pixels to logical pixels. */
double      veil_compare_view_get_zoom       (VeilCompareView *self);
void        veil_compare_view_set_zoom       (VeilCompareView *self,
                                              double           zoom);
/* The zoom actually used (resolves "fit"). */
double      veil_compare_view_get_effective_zoom (VeilCompareView *self);
/* The zoom at which the whole image fits its side. */
double      veil_compare_view_get_fit_zoom   (VeilCompareView *self);
void        veil_compare_view_zoom_by        (VeilCompareView *self,
                                              double           factor);
double      veil_compare_view_get_split      (VeilCompareView *self);
void        veil_compare_view_set_split      (VeilCompareView *self,
                                              double           fraction);
void        veil_compare_view_get_pan        (VeilCompareView *self,
                                              double          *x,
                                              double          *y);
void        veil_compare_view_set_pan        (VeilCompareView *self,
                                              double           x,
                                              double           y);
/* The size of one image area in device pixels: what a display-size decode should fit. */
void        veil_compare_view_get_pane_size  (VeilCompareView *self,
                                              int             *width,
                                              int             *height);

/* Whether side by side currently puts one image above the other (chosen for the larger images). */
gboolean    veil_compare_view_get_stacked    (VeilCompareView *self);
/* The image given for @layer (transfer none), at the size it was computed. */
GdkTexture *veil_compare_view_get_texture    (VeilCompareView *self,
                                              VeilCompareLayer layer);
/* Where the whole image of @layer lies in the current mode, zoom and pan (widget coordinates;
 * it may extend beyond the view). FALSE when the current mode does not show @layer. */
gboolean    veil_compare_view_get_image_rect (VeilCompareView *self,
                                              VeilCompareLayer layer,
                                              graphene_rect_t *rect);
/* What is drawn for @layer in the current mode, zoom and pan, and where (@bounds, widget
 * coordinates): the image itself when shown at or below its own size, or when enlarged, its
 * visible part enlarged by nearest neighbour to screen pixels (built and cached as needed).
 * NULL when the current mode does not show @layer. Transfer none. */
GdkTexture *veil_compare_view_get_rendered   (VeilCompareView *self,
                                              VeilCompareLayer layer,
                                              graphene_rect_t *bounds);

G_END_DECLS
