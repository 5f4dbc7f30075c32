/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-compare-view"

#include "config.h"

#include <math.h>

#include "veil-compare-view-private.h"

/* Pointer, touch, scroll and pinch input of a compare view: ctrl+scroll and pinch zoom around
 * where they happen, scrolling and dragging pan a zoomed image, and in split mode a drag near
 * the divider moves it. */

#define DIVIDER_GRAB 14.0 /* how close to the divider a drag moves it */

static gboolean
on_scroll_cb (GtkEventControllerScroll *controller,
              double                    dx,
              double                    dy,
              VeilCompareView          *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (
    GTK_EVENT_CONTROLLER (controller));
  /* Zoom around the pointer, tracked by the motion controller. */
  double x = self->pointer_x;
  double y = self->pointer_y;

  if (state & GDK_CONTROL_MASK)
    {
      _veil_compare_view_zoom_around (self,
                                      veil_compare_view_get_effective_zoom (self) * pow (1.1, -dy),
                                      x, y);
      return TRUE;
    }
  if (self->zoom == VEIL_ZOOM_FIT)
    return FALSE;
  /* Plain scrolling pans a zoomed image. */
  self->pan_x -= dx * 20;
  self->pan_y -= dy * 20;
  _veil_compare_view_clamp_pan (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

static void
on_drag_begin_cb (GtkGestureDrag  *gesture,
                  double           x,
                  double           y,
                  VeilCompareView *self)
{
  self->dragging_divider = self->mode == VEIL_COMPARE_MODE_SPLIT
                           && fabs (x - _veil_compare_view_divider_x (self)) < DIVIDER_GRAB;
  self->drag_start_pan_x = self->pan_x;
  self->drag_start_pan_y = self->pan_y;
  self->drag_start_x = x;
  if (self->dragging_divider)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "col-resize");
  else if (self->zoom != VEIL_ZOOM_FIT)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
}

static void
on_drag_update_cb (GtkGestureDrag  *gesture,
                   double           ox,
                   double           oy,
                   VeilCompareView *self)
{
  if (self->dragging_divider)
    {
      graphene_rect_t panes[2];
      graphene_rect_t r;
      double left, right;

      _veil_compare_view_get_panes (self, panes);
      r = _veil_compare_view_image_rect (self, &panes[0]);
      left = MAX (r.origin.x, 0.0);
      right = MIN (r.origin.x + r.size.width, panes[0].size.width);
      if (right > left)
        veil_compare_view_set_split (self, (self->drag_start_x + ox - left) / (right - left));
      return;
    }
  self->pan_x = self->drag_start_pan_x + ox;
  self->pan_y = self->drag_start_pan_y + oy;
  _veil_compare_view_clamp_pan (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end_cb (GtkGestureDrag  *gesture,
                double           ox,
                double           oy,
                VeilCompareView *self)
{
  self->dragging_divider = FALSE;
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static void
on_motion_cb (GtkEventControllerMotion *controller,
              double                    x,
              double                    y,
              VeilCompareView          *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  if (self->dragging_divider)
    return;
  if (self->mode == VEIL_COMPARE_MODE_SPLIT
      && fabs (x - _veil_compare_view_divider_x (self)) < DIVIDER_GRAB)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "col-resize");
  else
    gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static void
on_pinch_begin_cb (GtkGesture       *gesture,
                   GdkEventSequence *sequence,
                   VeilCompareView  *self)
{
  self->pinch_start_zoom = veil_compare_view_get_effective_zoom (self);
}

static void
on_pinch_scale_changed_cb (GtkGestureZoom  *gesture,
                           double           scale,
                           VeilCompareView *self)
{
  double cx, cy;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &cx, &cy))
    {
      cx = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      cy = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }
  _veil_compare_view_zoom_around (self, self->pinch_start_zoom * scale, cx, cy);
}

void
_veil_compare_view_init_gestures (VeilCompareView *self)
{
  GtkEventController *scroll;
  GtkEventController *motion;
  GtkGesture *drag;
  GtkGesture *pinch;

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  pinch = gtk_gesture_zoom_new ();
  g_signal_connect (pinch, "begin", G_CALLBACK (on_pinch_begin_cb), self);
  g_signal_connect (pinch, "scale-changed", G_CALLBACK (on_pinch_scale_changed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (pinch));
}
