/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-image-model"

#include "config.h"

#include "veil-image-item.h"
#include "veil-image-model.h"

struct _VeilImageModel
{
  GObject      parent_instance;
  VeilDataset *dataset;
  guint        first;
  guint        n_items;
  /* Items handed out so far, weakly: a GridView keeps the visible ones alive, and asking twice
   * for the same position must give the same object (selection and thumbnails rely on it). */
  GHashTable  *items;  /* position → VeilImageItem (weak) */
};

static void veil_image_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VeilImageModel, veil_image_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      veil_image_model_list_model_init))

static void
item_finalized_cb (gpointer  data,
                   GObject  *where_the_object_was)
{
  VeilImageModel *self = data;
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (value == (gpointer) where_the_object_was)
      {
        g_hash_table_iter_remove (&iter);
        break;
      }
}

static GType
veil_image_model_get_item_type (GListModel *model)
{
  return VEIL_TYPE_IMAGE_ITEM;
}

static guint
veil_image_model_get_n_items (GListModel *model)
{
  return VEIL_IMAGE_MODEL (model)->n_items;
}

static gpointer
veil_image_model_get_item (GListModel *model,
                           guint       position)
{
  VeilImageModel *self = VEIL_IMAGE_MODEL (model);
  VeilImageItem *item;

  if (position >= self->n_items)
    return NULL;

  item = g_hash_table_lookup (self->items, GUINT_TO_POINTER (position));
  if (item != NULL)
    return g_object_ref (item);

  item = veil_image_item_new (self->dataset, self->first + position);
  g_object_weak_ref (G_OBJECT (item), item_finalized_cb, self);
  g_hash_table_insert (self->items, GUINT_TO_POINTER (position), item);
  return item;
}

static void
veil_image_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = veil_image_model_get_item_type;
  iface->get_n_items = veil_image_model_get_n_items;
  iface->get_item = veil_image_model_get_item;
}

static void
veil_image_model_dispose (GObject *object)
{
  VeilImageModel *self = VEIL_IMAGE_MODEL (object);
  GHashTableIter iter;
  gpointer value;

  if (self->items != NULL)
    {
      g_hash_table_iter_init (&iter, self->items);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_object_weak_unref (value, item_finalized_cb, self);
      g_clear_pointer (&self->items, g_hash_table_unref);
    }
  G_OBJECT_CLASS (veil_image_model_parent_class)->dispose (object);
}

static void
veil_image_model_finalize (GObject *object)
{
  VeilImageModel *self = VEIL_IMAGE_MODEL (object);

  g_clear_pointer (&self->dataset, veil_dataset_unref);
  G_OBJECT_CLASS (veil_image_model_parent_class)->finalize (object);
}

static void
veil_image_model_class_init (VeilImageModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = veil_image_model_dispose;
  object_class->finalize = veil_image_model_finalize;
}

static void
veil_image_model_init (VeilImageModel *self)
{
  self->items = g_hash_table_new (NULL, NULL);
}

VeilImageModel *
veil_image_model_new (VeilDataset *dataset,
                      guint        class_index)
{
  VeilImageModel *self;

  g_return_val_if_fail (dataset != NULL, NULL);
  g_return_val_if_fail (class_index < veil_dataset_get_n_classes (dataset), NULL);

  self = g_object_new (VEIL_TYPE_IMAGE_MODEL, NULL);
  self->dataset = veil_dataset_ref (dataset);
  self->first = veil_dataset_get_class_first (dataset, class_index);
  self->n_items = veil_dataset_get_class_n_images (dataset, class_index);
  return self;
}
