/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-class-item"

#include "config.h"

#include "veil-class-item.h"

struct _VeilClassItem
{
  GObject      parent_instance;
  VeilDataset *dataset;
  guint        class_index;
  char        *name;  /* UTF-8 for display; folder names may be any bytes */
  float       *filter;
  guint        k;
};

G_DEFINE_FINAL_TYPE (VeilClassItem, veil_class_item, G_TYPE_OBJECT)

enum { PROP_0, PROP_NAME, PROP_N_IMAGES, PROP_FILTER, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
veil_class_item_finalize (GObject *object)
{
  VeilClassItem *self = VEIL_CLASS_ITEM (object);

  g_clear_pointer (&self->dataset, veil_dataset_unref);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->filter, g_free);
  G_OBJECT_CLASS (veil_class_item_parent_class)->finalize (object);
}

static void
veil_class_item_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VeilClassItem *self = VEIL_CLASS_ITEM (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_N_IMAGES:
      g_value_set_uint (value, veil_class_item_get_n_images (self));
      break;
    case PROP_FILTER:
      g_value_set_pointer (value, self->filter);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_class_item_class_init (VeilClassItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = veil_class_item_finalize;
  object_class->get_property = veil_class_item_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_IMAGES] =
    g_param_spec_uint ("n-images", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILTER] =
    g_param_spec_pointer ("filter", NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
veil_class_item_init (VeilClassItem *self)
{
}

VeilClassItem *
veil_class_item_new (VeilDataset *dataset,
                     guint        class_index)
{
  VeilClassItem *self;

  g_return_val_if_fail (dataset != NULL, NULL);
  g_return_val_if_fail (class_index < veil_dataset_get_n_classes (dataset), NULL);

  self = g_object_new (VEIL_TYPE_CLASS_ITEM, NULL);
  self->dataset = veil_dataset_ref (dataset);
  self->class_index = class_index;
  self->name = g_filename_display_name (veil_dataset_get_class_name (dataset, class_index));
  return self;
}

VeilDataset *
veil_class_item_get_dataset (VeilClassItem *self)
{
  g_return_val_if_fail (VEIL_IS_CLASS_ITEM (self), NULL);
  return self->dataset;
}

guint
veil_class_item_get_index (VeilClassItem *self)
{
  g_return_val_if_fail (VEIL_IS_CLASS_ITEM (self), 0);
  return self->class_index;
}

const char *
veil_class_item_get_name (VeilClassItem *self)
{
  g_return_val_if_fail (VEIL_IS_CLASS_ITEM (self), NULL);
  return self->name;
}

guint
veil_class_item_get_n_images (VeilClassItem *self)
{
  g_return_val_if_fail (VEIL_IS_CLASS_ITEM (self), 0);
  return veil_dataset_get_class_n_images (self->dataset, self->class_index);
}

void
veil_class_item_set_filter (VeilClassItem *self,
                            const float   *weights,
                            guint          k)
{
  g_return_if_fail (VEIL_IS_CLASS_ITEM (self));

  g_clear_pointer (&self->filter, g_free);
  self->k = 0;
  if (weights != NULL && k > 0)
    {
      self->filter = g_memdup2 (weights, sizeof (float) * k * k);
      self->k = k;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER]);
}

const float *
veil_class_item_get_filter (VeilClassItem *self,
                            guint         *k)
{
  g_return_val_if_fail (VEIL_IS_CLASS_ITEM (self), NULL);
  if (k != NULL)
    *k = self->k;
  return self->filter;
}
