/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-filter-heatmap"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-filter-heatmap.h"

#define DEFAULT_SIZE 28

struct _VeilFilterHeatmap
{
  GtkWidget  parent_instance;
  float     *weights;
  guint      k;
};

G_DEFINE_FINAL_TYPE (VeilFilterHeatmap, veil_filter_heatmap, GTK_TYPE_WIDGET)

/* A perceptual-ish ramp from dark blue through orange to pale yellow ("inferno"-like), readable
 * on light and dark backgrounds alike. */
static void
ramp (float    t,
      GdkRGBA *out)
{
  static const float stops[][3] = {
    { 0.05f, 0.03f, 0.20f },
    { 0.45f, 0.10f, 0.45f },
    { 0.85f, 0.30f, 0.20f },
    { 0.98f, 0.65f, 0.10f },
    { 0.99f, 0.98f, 0.70f },
  };
  const int n = G_N_ELEMENTS (stops) - 1;
  float x = CLAMP (t, 0.f, 1.f) * n;
  int i = MIN ((int) x, n - 1);
  float f = x - i;

  out->red = stops[i][0] + (stops[i + 1][0] - stops[i][0]) * f;
  out->green = stops[i][1] + (stops[i + 1][1] - stops[i][1]) * f;
  out->blue = stops[i][2] + (stops[i + 1][2] - stops[i][2]) * f;
  out->alpha = 1.f;
}

static void
veil_filter_heatmap_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  VeilFilterHeatmap *self = VEIL_FILTER_HEATMAP (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  float side = MIN (width, height);
  float x0 = (width - side) / 2.f;
  float y0 = (height - side) / 2.f;
  float cell;
  float max_w = 0.f;

  if (self->weights == NULL || self->k == 0)
    {
      GdkRGBA grey = { 0.5f, 0.5f, 0.5f, 0.25f };

      gtk_snapshot_append_color (snapshot, &grey, &GRAPHENE_RECT_INIT (x0, y0, side, side));
      return;
    }

  /* The filter is small random weights plus one cell of exactly 1: scale the colours to the
   * small ones so their pattern shows, and let the one cell stand out at the top. */
  for (guint i = 0; i < self->k * self->k; i++)
    if (self->weights[i] < 1.f)
      max_w = MAX (max_w, self->weights[i]);
  cell = side / self->k;

  for (guint y = 0; y < self->k; y++)
    for (guint x = 0; x < self->k; x++)
      {
        GdkRGBA color;
        float w = self->weights[y * self->k + x];

        ramp (w >= 1.f ? 1.f : max_w > 0.f ? 0.8f * w / max_w : 0.f, &color);
        gtk_snapshot_append_color (snapshot, &color,
                                   &GRAPHENE_RECT_INIT (x0 + x * cell, y0 + y * cell,
                                                        cell + 0.5f, cell + 0.5f));
      }
}

static void
veil_filter_heatmap_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  *minimum = 16;
  *natural = DEFAULT_SIZE;
}

static void
veil_filter_heatmap_finalize (GObject *object)
{
  VeilFilterHeatmap *self = VEIL_FILTER_HEATMAP (object);

  g_clear_pointer (&self->weights, g_free);
  G_OBJECT_CLASS (veil_filter_heatmap_parent_class)->finalize (object);
}

static void
veil_filter_heatmap_class_init (VeilFilterHeatmapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = veil_filter_heatmap_finalize;
  widget_class->snapshot = veil_filter_heatmap_snapshot;
  widget_class->measure = veil_filter_heatmap_measure;
  gtk_widget_class_set_css_name (widget_class, "filter-heatmap");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
veil_filter_heatmap_init (VeilFilterHeatmap *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Filter heat-map"), -1);
}

GtkWidget *
veil_filter_heatmap_new (void)
{
  return g_object_new (VEIL_TYPE_FILTER_HEATMAP, NULL);
}

void
veil_filter_heatmap_set_filter (VeilFilterHeatmap *self,
                                const float       *weights,
                                guint              k)
{
  g_return_if_fail (VEIL_IS_FILTER_HEATMAP (self));

  g_clear_pointer (&self->weights, g_free);
  self->k = 0;
  if (weights != NULL && k > 0)
    {
      g_autofree char *description = NULL;

      self->weights = g_memdup2 (weights, sizeof (float) * k * k);
      self->k = k;
      /* Translators: the size of a filter, e.g. "9×9 filter". */
      description = g_strdup_printf (_("%u×%u filter"), k, k);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
