/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-compare-view"

#include "config.h"

#include <math.h>

#include "veil-compare-view-private.h"

/* Where things lie in a compare view: its panes, the image in each at the current zoom and pan,
 * and the split divider. Everything here is computed from the widget's size on demand. */

#define GAP          8.0  /* between the two sides */

static gboolean
stacked (VeilCompareView *self)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));
  double beside, above;

  if (self->source_width <= 0 || self->source_height <= 0)
    return w < h;
  /* Whichever arrangement shows the two images larger: wide photos in a wide view usually fit
   * better one above the other. */
  beside = MIN ((w - GAP) / 2.0 / self->source_width, h / self->source_height);
  above = MIN (w / self->source_width, (h - GAP) / 2.0 / self->source_height);
  return above > beside;
}

guint
_veil_compare_view_get_panes (VeilCompareView *self,
                              graphene_rect_t  panes[2])
{
  float w = gtk_widget_get_width (GTK_WIDGET (self));
  float h = gtk_widget_get_height (GTK_WIDGET (self));

  if (self->mode != VEIL_COMPARE_MODE_SIDE_BY_SIDE)
    {
      graphene_rect_init (&panes[0], 0, 0, w, h);
      return 1;
    }
  if (stacked (self))
    {
      /* Whole pixels, so that both sides place their image on the pixel grid alike. */
      float ph = MAX (0.f, floorf ((h - GAP) / 2.f));

      graphene_rect_init (&panes[0], 0, 0, w, ph);
      graphene_rect_init (&panes[1], 0, ph + GAP, w, ph);
    }
  else
    {
      float pw = MAX (0.f, floorf ((w - GAP) / 2.f));

      graphene_rect_init (&panes[0], 0, 0, pw, h);
      graphene_rect_init (&panes[1], pw + GAP, 0, pw, h);
    }
  return 2;
}

static double
fit_zoom (VeilCompareView *self)
{
  graphene_rect_t panes[2];

  _veil_compare_view_get_panes (self, panes);
  if (self->source_width <= 0 || self->source_height <= 0
      || panes[0].size.width <= 0 || panes[0].size.height <= 0)
    return 1.0;
  return MIN (panes[0].size.width / self->source_width,
              panes[0].size.height / self->source_height);
}

double
veil_compare_view_get_fit_zoom (VeilCompareView *self)
{
  g_return_val_if_fail (VEIL_IS_COMPARE_VIEW (self), 1.0);
  return fit_zoom (self);
}

double
veil_compare_view_get_effective_zoom (VeilCompareView *self)
{
  g_return_val_if_fail (VEIL_IS_COMPARE_VIEW (self), 1.0);
  return self->zoom == VEIL_ZOOM_FIT ? fit_zoom (self) : self->zoom;
}

void
_veil_compare_view_clamp_pan (VeilCompareView *self)
{
  graphene_rect_t panes[2];
  double z = veil_compare_view_get_effective_zoom (self);
  double max_x, max_y;

  _veil_compare_view_get_panes (self, panes);
  max_x = MAX (0.0, (self->source_width * z - panes[0].size.width) / 2.0);
  max_y = MAX (0.0, (self->source_height * z - panes[0].size.height) / 2.0);
  self->pan_x = CLAMP (self->pan_x, -max_x, max_x);
  self->pan_y = CLAMP (self->pan_y, -max_y, max_y);
}

/* Where the image lies in @pane. Its corner sits on a device pixel: enlarged pixels then
 * start on the pixel grid, the same on both sides. */
graphene_rect_t
_veil_compare_view_image_rect (VeilCompareView       *self,
                               const graphene_rect_t *pane)
{
  double z = veil_compare_view_get_effective_zoom (self);
  double w = self->source_width * z;
  double h = self->source_height * z;
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  double dx = round (((pane->size.width - w) / 2.0 + self->pan_x) * scale) / scale;
  double dy = round (((pane->size.height - h) / 2.0 + self->pan_y) * scale) / scale;
  graphene_rect_t r;

  graphene_rect_init (&r, pane->origin.x + dx, pane->origin.y + dy, w, h);
  return r;
}

double
_veil_compare_view_divider_x (VeilCompareView *self)
{
  graphene_rect_t panes[2];
  graphene_rect_t r;
  double left, right;

  _veil_compare_view_get_panes (self, panes);
  r = _veil_compare_view_image_rect (self, &panes[0]);
  /* The divider stays within the visible part of the image. */
  left = MAX (r.origin.x, 0.0);
  right = MIN (r.origin.x + r.size.width, panes[0].size.width);
  return left + (right - left) * self->split;
}

int
_veil_compare_view_layer_pane (VeilCompareView  *self,
                               VeilCompareLayer  layer)
{
  switch (self->mode)
    {
    case VEIL_COMPARE_MODE_SIDE_BY_SIDE:
      return layer == VEIL_COMPARE_LAYER_DIFFERENCE ? -1 : (int) layer;
    case VEIL_COMPARE_MODE_SPLIT:
      return layer == VEIL_COMPARE_LAYER_DIFFERENCE ? -1 : 0;
    case VEIL_COMPARE_MODE_DIFFERENCE:
    default:
      return layer == VEIL_COMPARE_LAYER_DIFFERENCE ? 0 : -1;
    }
}

void
veil_compare_view_get_pane_size (VeilCompareView *self,
                                 int             *width,
                                 int             *height)
{
  graphene_rect_t panes[2];
  int scale;

  g_return_if_fail (VEIL_IS_COMPARE_VIEW (self));

  _veil_compare_view_get_panes (self, panes);
  scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  *width = (int) ceilf (panes[0].size.width) * scale;
  *height = (int) ceilf (panes[0].size.height) * scale;
}

gboolean
veil_compare_view_get_stacked (VeilCompareView *self)
{
  g_return_val_if_fail (VEIL_IS_COMPARE_VIEW (self), FALSE);
  return self->mode == VEIL_COMPARE_MODE_SIDE_BY_SIDE && stacked (self);
}

gboolean
veil_compare_view_get_image_rect (VeilCompareView  *self,
                                  VeilCompareLayer  layer,
                                  graphene_rect_t  *rect)
{
  graphene_rect_t panes[2];
  int index;

  g_return_val_if_fail (VEIL_IS_COMPARE_VIEW (self), FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  index = _veil_compare_view_layer_pane (self, layer);
  if (index < 0)
    return FALSE;
  _veil_compare_view_get_panes (self, panes);
  *rect = _veil_compare_view_image_rect (self, &panes[index]);
  return TRUE;
}
