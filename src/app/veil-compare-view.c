/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-compare-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "veil-compare-view-private.h"

static const char * const mode_names[] = { "side-by-side", "split", "difference" };

G_DEFINE_FINAL_TYPE (VeilCompareView, veil_compare_view, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_MODE, PROP_ZOOM, PROP_SPLIT, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_RESIZED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- Drawing ----------------------------------------------------------------------------- */

/* Captions sit in the corner of the visible part of the image, not of its pane, so that they
 * label the picture even when it leaves space around it. */
static void
draw_caption (VeilCompareView       *self,
              GtkSnapshot           *snapshot,
              const graphene_rect_t *pane,
              const char            *text,
              gboolean               at_end)
{
  PangoLayout *layout;
  int tw, th;
  float x, y;
  GdkRGBA bg = { 0, 0, 0, 0.6f };
  GdkRGBA fg = { 1, 1, 1, 1 };
  GskRoundedRect rounded;
  graphene_rect_t r = _veil_compare_view_image_rect (self, pane);
  graphene_rect_t area;

  if (text == NULL || *text == '\0')
    return;
  if (!graphene_rect_intersection (&r, pane, &area))
    area = *pane;

  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  pango_layout_get_pixel_size (layout, &tw, &th);
  x = at_end ? area.origin.x + area.size.width - tw - 20 : area.origin.x + 8;
  x = MAX (x, pane->origin.x + 8);
  y = area.origin.y + 8;

  gsk_rounded_rect_init_from_rect (&rounded, &GRAPHENE_RECT_INIT (x, y, tw + 12, th + 6),
                                   (th + 6) / 2.f);
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, &bg, &rounded.bounds);
  gtk_snapshot_pop (snapshot);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + 6, y + 3));
  gtk_snapshot_append_layout (snapshot, layout, &fg);
  gtk_snapshot_restore (snapshot);
  g_object_unref (layout);
}

static GdkTexture *
layer_texture (VeilCompareView  *self,
               VeilCompareLayer  layer)
{
  switch (layer)
    {
    case VEIL_COMPARE_LAYER_ORIGINAL:
      return self->original;
    case VEIL_COMPARE_LAYER_PROTECTED:
      return self->protected_image;
    case VEIL_COMPARE_LAYER_DIFFERENCE:
    default:
      return self->difference;
    }
}

static GdkTexture *
render_layer (VeilCompareView  *self,
              VeilCompareLayer  layer,
              graphene_rect_t  *bounds)
{
  GdkTexture *texture = layer_texture (self, layer);
  int index = _veil_compare_view_layer_pane (self, layer);
  graphene_rect_t panes[2];
  graphene_rect_t r, shown;
  int scale;
  cairo_rectangle_int_t visible;
  graphene_rect_t device;
  GdkTexture *crisp;
  gint64 cost = 0;

  if (texture == NULL || index < 0 || self->source_width <= 0 || self->source_height <= 0)
    return NULL;
  _veil_compare_view_get_panes (self, panes);
  r = _veil_compare_view_image_rect (self, &panes[index]);
  *bounds = r;

  /* Shown at or below its own size, the renderer's linear filter is right; enlarged, it would
   * smear each pixel over its neighbours, so enlarge by nearest neighbour to the screen's pixels
   * here, for the visible part only (bounded by the widget's size however far one zooms). */
  scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  if (r.size.width * scale <= gdk_texture_get_width (texture) * 1.0001
      && r.size.height * scale <= gdk_texture_get_height (texture) * 1.0001)
    return texture;
  if (!graphene_rect_intersection (&r, &panes[index], &shown))
    return texture;

  visible.x = (int) floor (shown.origin.x * scale);
  visible.y = (int) floor (shown.origin.y * scale);
  visible.width = (int) ceil ((shown.origin.x + shown.size.width) * scale) - visible.x;
  visible.height = (int) ceil ((shown.origin.y + shown.size.height) * scale) - visible.y;
  graphene_rect_init (&device, r.origin.x * scale, r.origin.y * scale, r.size.width * scale,
                      r.size.height * scale);
  crisp = veil_pixel_zoom_render (self->zooms[layer], &device, &visible, &cost);
  if (crisp == NULL)
    return texture;
  if (cost > 0)
    g_debug ("Enlarged layer %d: %d × %d px in %.2f ms", layer, visible.width, visible.height,
             cost / 1000.0);
  graphene_rect_init (bounds, (double) visible.x / scale, (double) visible.y / scale,
                      (double) visible.width / scale, (double) visible.height / scale);
  return crisp;
}

static void
draw_layer (VeilCompareView       *self,
            GtkSnapshot           *snapshot,
            const graphene_rect_t *clip,
            VeilCompareLayer       layer)
{
  graphene_rect_t bounds;
  GdkTexture *texture = render_layer (self, layer, &bounds);

  if (texture == NULL)
    return;
  gtk_snapshot_push_clip (snapshot, clip);
  gtk_snapshot_append_texture (snapshot, texture, &bounds);
  gtk_snapshot_pop (snapshot);
}

static void
veil_compare_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  VeilCompareView *self = VEIL_COMPARE_VIEW (widget);
  graphene_rect_t panes[2];

  if (self->original == NULL || self->source_width <= 0)
    return;

  _veil_compare_view_get_panes (self, panes);
  switch (self->mode)
    {
    case VEIL_COMPARE_MODE_SIDE_BY_SIDE:
      draw_layer (self, snapshot, &panes[0], VEIL_COMPARE_LAYER_ORIGINAL);
      draw_layer (self, snapshot, &panes[1], VEIL_COMPARE_LAYER_PROTECTED);
      draw_caption (self, snapshot, &panes[0], self->captions[0], FALSE);
      draw_caption (self, snapshot, &panes[1], self->captions[1], FALSE);
      break;

    case VEIL_COMPARE_MODE_SPLIT:
      {
        double dx = _veil_compare_view_divider_x (self);
        graphene_rect_t left = GRAPHENE_RECT_INIT (0, 0, dx, panes[0].size.height);
        graphene_rect_t right = GRAPHENE_RECT_INIT (dx, 0, panes[0].size.width - dx,
                                                    panes[0].size.height);
        GdkRGBA line = { 1, 1, 1, 0.9f };
        GdkRGBA shadow = { 0, 0, 0, 0.4f };
        GskRoundedRect handle;

        draw_layer (self, snapshot, &left, VEIL_COMPARE_LAYER_ORIGINAL);
        draw_layer (self, snapshot, &right, VEIL_COMPARE_LAYER_PROTECTED);
        gtk_snapshot_append_color (snapshot, &shadow,
                                   &GRAPHENE_RECT_INIT (dx - 2, 0, 4, panes[0].size.height));
        gtk_snapshot_append_color (snapshot, &line,
                                   &GRAPHENE_RECT_INIT (dx - 1, 0, 2, panes[0].size.height));
        gsk_rounded_rect_init_from_rect (&handle,
                                         &GRAPHENE_RECT_INIT (dx - 8, panes[0].size.height / 2 - 20,
                                                              16, 40), 8);
        gtk_snapshot_push_rounded_clip (snapshot, &handle);
        gtk_snapshot_append_color (snapshot, &line, &handle.bounds);
        gtk_snapshot_pop (snapshot);
        draw_caption (self, snapshot, &panes[0], self->captions[0], FALSE);
        draw_caption (self, snapshot, &panes[0], self->captions[1], TRUE);
      }
      break;

    case VEIL_COMPARE_MODE_DIFFERENCE:
    default:
      draw_layer (self, snapshot, &panes[0], VEIL_COMPARE_LAYER_DIFFERENCE);
      draw_caption (self, snapshot, &panes[0], self->captions[2], FALSE);
      break;
    }
}

static gboolean
emit_resized_cb (gpointer user_data)
{
  VeilCompareView *self = VEIL_COMPARE_VIEW (user_data);

  self->resized_id = 0;
  g_signal_emit (self, signals[SIGNAL_RESIZED], 0);
  return G_SOURCE_REMOVE;
}

/* "resized" is emitted from an idle: its handlers change labels, and changing the size of other
 * widgets in the middle of an allocation leaves them unallocated for a frame. */
static void
queue_resized (VeilCompareView *self)
{
  if (self->resized_id == 0)
    self->resized_id = g_idle_add (emit_resized_cb, self);
}

static void
veil_compare_view_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  VeilCompareView *self = VEIL_COMPARE_VIEW (widget);

  _veil_compare_view_clamp_pan (self);
  if (width != self->last_width || height != self->last_height)
    {
      self->last_width = width;
      self->last_height = height;
      queue_resized (self);
    }
}

static void
veil_compare_view_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  *minimum = 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 360;
}

/* ---- Zoom -------------------------------------------------------------------------------- */

void
_veil_compare_view_zoom_around (VeilCompareView *self,
                                double           new_zoom,
                                double           cx,
                                double           cy)
{
  graphene_rect_t panes[2];
  double old = veil_compare_view_get_effective_zoom (self);
  double f;
  guint n = _veil_compare_view_get_panes (self, panes);
  const graphene_rect_t *pane = &panes[0];

  new_zoom = CLAMP (new_zoom, VEIL_ZOOM_MIN, VEIL_ZOOM_MAX);
  f = new_zoom / old;
  if (n == 2 && graphene_rect_contains_point (&panes[1], &GRAPHENE_POINT_INIT (cx, cy)))
    pane = &panes[1];

  /* Keep the image point under the pointer where it is. */
  cx -= pane->origin.x + pane->size.width / 2.0;
  cy -= pane->origin.y + pane->size.height / 2.0;
  self->pan_x = cx - (cx - self->pan_x) * f;
  self->pan_y = cy - (cy - self->pan_y) * f;
  self->zoom = new_zoom;
  _veil_compare_view_clamp_pan (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- GObject ----------------------------------------------------------------------------- */

static void
veil_compare_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VeilCompareView *self = VEIL_COMPARE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_string (value, veil_compare_view_get_mode (self));
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_SPLIT:
      g_value_set_double (value, self->split);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_compare_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VeilCompareView *self = VEIL_COMPARE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODE:
      veil_compare_view_set_mode (self, g_value_get_string (value));
      break;
    case PROP_ZOOM:
      veil_compare_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_SPLIT:
      veil_compare_view_set_split (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_compare_view_dispose (GObject *object)
{
  VeilCompareView *self = VEIL_COMPARE_VIEW (object);

  /* Gone from its window: nobody is left to be told of a new size. */
  g_clear_handle_id (&self->resized_id, g_source_remove);
  G_OBJECT_CLASS (veil_compare_view_parent_class)->dispose (object);
}

static void
veil_compare_view_finalize (GObject *object)
{
  VeilCompareView *self = VEIL_COMPARE_VIEW (object);

  g_clear_handle_id (&self->resized_id, g_source_remove);
  g_clear_object (&self->original);
  g_clear_object (&self->protected_image);
  g_clear_object (&self->difference);
  for (guint i = 0; i < G_N_ELEMENTS (self->zooms); i++)
    g_clear_pointer (&self->zooms[i], veil_pixel_zoom_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->captions); i++)
    g_clear_pointer (&self->captions[i], g_free);
  G_OBJECT_CLASS (veil_compare_view_parent_class)->finalize (object);
}

static void
veil_compare_view_class_init (VeilCompareViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_compare_view_dispose;
  object_class->finalize = veil_compare_view_finalize;
  object_class->get_property = veil_compare_view_get_property;
  object_class->set_property = veil_compare_view_set_property;
  widget_class->snapshot = veil_compare_view_snapshot;
  widget_class->measure = veil_compare_view_measure;
  widget_class->size_allocate = veil_compare_view_size_allocate;

  properties[PROP_MODE] =
    g_param_spec_string ("mode", NULL, NULL, "side-by-side",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 0.0, VEIL_ZOOM_MAX, VEIL_ZOOM_FIT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SPLIT] =
    g_param_spec_double ("split", NULL, NULL, 0.0, 1.0, 0.5,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_RESIZED] =
    g_signal_new ("resized", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "compare-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
veil_compare_view_init (VeilCompareView *self)
{
  self->zoom = VEIL_ZOOM_FIT;
  self->split = 0.5;
  for (guint i = 0; i < G_N_ELEMENTS (self->zooms); i++)
    self->zooms[i] = veil_pixel_zoom_new ();
  self->captions[0] = g_strdup (_("Original"));
  self->captions[1] = g_strdup (_("Protected"));
  self->captions[2] = g_strdup (_("Difference"));
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Original and protected image"), -1);

  _veil_compare_view_init_gestures (self);
}

GtkWidget *
veil_compare_view_new (void)
{
  return g_object_new (VEIL_TYPE_COMPARE_VIEW, NULL);
}

void
veil_compare_view_set_images (VeilCompareView *self,
                              GdkTexture      *original,
                              GdkTexture      *protected_image,
                              GdkTexture      *difference,
                              int              source_width,
                              int              source_height)
{
  g_return_if_fail (VEIL_IS_COMPARE_VIEW (self));

  if (source_width != self->source_width || source_height != self->source_height)
    {
      /* Another image: start again from the whole picture. */
      self->pan_x = self->pan_y = 0;
      self->source_width = source_width;
      self->source_height = source_height;
    }
  g_set_object (&self->original, original);
  g_set_object (&self->protected_image, protected_image);
  g_set_object (&self->difference, difference);
  veil_pixel_zoom_set_source (self->zooms[VEIL_COMPARE_LAYER_ORIGINAL], original);
  veil_pixel_zoom_set_source (self->zooms[VEIL_COMPARE_LAYER_PROTECTED], protected_image);
  veil_pixel_zoom_set_source (self->zooms[VEIL_COMPARE_LAYER_DIFFERENCE], difference);
  _veil_compare_view_clamp_pan (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
veil_compare_view_set_captions (VeilCompareView *self,
                                const char      *original,
                                const char      *protected_image,
                                const char      *difference)
{
  const char *texts[3] = { original, protected_image, difference };

  g_return_if_fail (VEIL_IS_COMPARE_VIEW (self));

  for (guint i = 0; i < 3; i++)
    {
      g_free (self->captions[i]);
      self->captions[i] = g_strdup (texts[i]);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
veil_compare_view_get_mode (VeilCompareView *self)
{
  g_return_val_if_fail (VEIL_IS_COMPARE_VIEW (self), NULL);
  return mode_names[self->mode];
}

void
veil_compare_view_set_mode (VeilCompareView *self,
                            const char      *mode)
{
  g_return_if_fail (VEIL_IS_COMPARE_VIEW (self));

  for (guint i = 0; i < G_N_ELEMENTS (mode_names); i++)
    if (g_strcmp0 (mode, mode_names[i]) == 0 && self->mode != (VeilCompareMode) i)
      {
        self->mode = i;
        _veil_compare_view_clamp_pan (self);
        gtk_widget_queue_draw (GTK_WIDGET (self));
        queue_resized (self);
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
      }
}

double
veil_compare_view_get_zoom (VeilCompareView *self)
{
  g_return_val_if_fail (VEIL_IS_COMPARE_VIEW (self), VEIL_ZOOM_FIT);
  return self->zoom;
}

void
veil_compare_view_set_zoom (VeilCompareView *self,
                            double           zoom)
{
  g_return_if_fail (VEIL_IS_COMPARE_VIEW (self));

  if (zoom != VEIL_ZOOM_FIT)
    {
      _veil_compare_view_zoom_around (self, zoom, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                   gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
      return;
    }
  self->zoom = VEIL_ZOOM_FIT;
  self->pan_x = self->pan_y = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
veil_compare_view_zoom_by (VeilCompareView *self,
                           double           factor)
{
  g_return_if_fail (VEIL_IS_COMPARE_VIEW (self));
  veil_compare_view_set_zoom (self, veil_compare_view_get_effective_zoom (self) * factor);
}

double
veil_compare_view_get_split (VeilCompareView *self)
{
  g_return_val_if_fail (VEIL_IS_COMPARE_VIEW (self), 0.5);
  return self->split;
}

void
veil_compare_view_set_split (VeilCompareView *self,
                             double           fraction)
{
  g_return_if_fail (VEIL_IS_COMPARE_VIEW (self));

  fraction = CLAMP (fraction, 0.0, 1.0);
  if (fraction == self->split)
    return;
  self->split = fraction;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPLIT]);
}

void
veil_compare_view_get_pan (VeilCompareView *self,
                           double          *x,
                           double          *y)
{
  g_return_if_fail (VEIL_IS_COMPARE_VIEW (self));
  *x = self->pan_x;
  *y = self->pan_y;
}

void
veil_compare_view_set_pan (VeilCompareView *self,
                           double           x,
                           double           y)
{
  g_return_if_fail (VEIL_IS_COMPARE_VIEW (self));
  self->pan_x = x;
  self->pan_y = y;
  _veil_compare_view_clamp_pan (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}


GdkTexture *
veil_compare_view_get_texture (VeilCompareView  *self,
                               VeilCompareLayer  layer)
{
  g_return_val_if_fail (VEIL_IS_COMPARE_VIEW (self), NULL);
  g_return_val_if_fail (layer <= VEIL_COMPARE_LAYER_DIFFERENCE, NULL);
  return layer_texture (self, layer);
}


GdkTexture *
veil_compare_view_get_rendered (VeilCompareView  *self,
                                VeilCompareLayer  layer,
                                graphene_rect_t  *bounds)
{
  graphene_rect_t unused;

  g_return_val_if_fail (VEIL_IS_COMPARE_VIEW (self), NULL);
  g_return_val_if_fail (layer <= VEIL_COMPARE_LAYER_DIFFERENCE, NULL);
  return render_layer (self, layer, bounds != NULL ? bounds : &unused);
}
