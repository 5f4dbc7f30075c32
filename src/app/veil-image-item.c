/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-image-item"

#include "config.h"

#include <string.h>

#include "veil-image-item.h"

struct _VeilImageItem
{
  GObject      parent_instance;
  VeilDataset *dataset;
  guint        index;
  char        *display_name;
  GdkTexture  *thumbnail;
  char        *error;
};

G_DEFINE_FINAL_TYPE (VeilImageItem, veil_image_item, G_TYPE_OBJECT)

enum { PROP_0, PROP_THUMBNAIL, PROP_ERROR, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
veil_image_item_finalize (GObject *object)
{
  VeilImageItem *self = VEIL_IMAGE_ITEM (object);

  g_clear_pointer (&self->dataset, veil_dataset_unref);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->error, g_free);
  g_clear_object (&self->thumbnail);
  G_OBJECT_CLASS (veil_image_item_parent_class)->finalize (object);
}

static void
veil_image_item_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VeilImageItem *self = VEIL_IMAGE_ITEM (object);

  switch (prop_id)
    {
    case PROP_THUMBNAIL:
      g_value_set_object (value, self->thumbnail);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_image_item_class_init (VeilImageItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = veil_image_item_finalize;
  object_class->get_property = veil_image_item_get_property;

  properties[PROP_THUMBNAIL] =
    g_param_spec_object ("thumbnail", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
veil_image_item_init (VeilImageItem *self)
{
}

VeilImageItem *
veil_image_item_new (VeilDataset *dataset,
                     guint        index)
{
  VeilImageItem *self;
  const char *rel;
  const char *base;

  g_return_val_if_fail (dataset != NULL, NULL);
  g_return_val_if_fail (index < veil_dataset_get_n_images (dataset), NULL);

  self = g_object_new (VEIL_TYPE_IMAGE_ITEM, NULL);
  self->dataset = veil_dataset_ref (dataset);
  self->index = index;
  rel = veil_dataset_get_image (dataset, index)->relative_path;
  base = strrchr (rel, '/');
  self->display_name = g_filename_display_name (base != NULL ? base + 1 : rel);
  return self;
}

guint
veil_image_item_get_index (VeilImageItem *self)
{
  g_return_val_if_fail (VEIL_IS_IMAGE_ITEM (self), 0);
  return self->index;
}

guint
veil_image_item_get_class_index (VeilImageItem *self)
{
  g_return_val_if_fail (VEIL_IS_IMAGE_ITEM (self), 0);
  return veil_dataset_get_image (self->dataset, self->index)->class_index;
}

const char *
veil_image_item_get_relative_path (VeilImageItem *self)
{
  g_return_val_if_fail (VEIL_IS_IMAGE_ITEM (self), NULL);
  return veil_dataset_get_image (self->dataset, self->index)->relative_path;
}

char *
veil_image_item_dup_path (VeilImageItem *self)
{
  g_return_val_if_fail (VEIL_IS_IMAGE_ITEM (self), NULL);
  return g_build_filename (veil_dataset_get_root (self->dataset),
                           veil_image_item_get_relative_path (self), NULL);
}

const char *
veil_image_item_get_display_name (VeilImageItem *self)
{
  g_return_val_if_fail (VEIL_IS_IMAGE_ITEM (self), NULL);
  return self->display_name;
}

GdkTexture *
veil_image_item_get_thumbnail (VeilImageItem *self)
{
  g_return_val_if_fail (VEIL_IS_IMAGE_ITEM (self), NULL);
  return self->thumbnail;
}

void
veil_image_item_set_thumbnail (VeilImageItem *self,
                               GdkTexture    *thumbnail)
{
  g_return_if_fail (VEIL_IS_IMAGE_ITEM (self));

  if (g_set_object (&self->thumbnail, thumbnail))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THUMBNAIL]);
}

const char *
veil_image_item_get_error (VeilImageItem *self)
{
  g_return_val_if_fail (VEIL_IS_IMAGE_ITEM (self), NULL);
  return self->error;
}

void
veil_image_item_set_error (VeilImageItem *self,
                           const char    *message)
{
  g_return_if_fail (VEIL_IS_IMAGE_ITEM (self));

  if (g_strcmp0 (self->error, message) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}
