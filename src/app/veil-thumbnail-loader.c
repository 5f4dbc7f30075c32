/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-thumbnail-loader"

#include "config.h"

#include <gdk/gdk.h>

#include "veil-image-io.h"
#include "veil-thumbnail-loader.h"

#define MAX_RUNNING 2
#define MAX_QUEUED  256
#define MAX_KEPT    800

typedef struct
{
  VeilImageItem *item;
  char          *path;
  GCancellable  *cancellable;
} Request;

struct _VeilThumbnailLoader
{
  GObject  parent_instance;
  GQueue   queue;    /* Request*, newest at the head */
  guint    n_running;
  GQueue   kept;     /* VeilImageItem* with a thumbnail, most recent at the head */
  guint    generation; /* bumped by clear() so late results of an old folder are dropped */
};

G_DEFINE_FINAL_TYPE (VeilThumbnailLoader, veil_thumbnail_loader, G_TYPE_OBJECT)

static void
request_free (Request *request)
{
  g_clear_object (&request->item);
  g_clear_object (&request->cancellable);
  g_free (request->path);
  g_free (request);
}

static void
veil_thumbnail_loader_finalize (GObject *object)
{
  VeilThumbnailLoader *self = VEIL_THUMBNAIL_LOADER (object);

  g_queue_clear_full (&self->queue, (GDestroyNotify) request_free);
  g_queue_clear_full (&self->kept, g_object_unref);
  G_OBJECT_CLASS (veil_thumbnail_loader_parent_class)->finalize (object);
}

static void
veil_thumbnail_loader_class_init (VeilThumbnailLoaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = veil_thumbnail_loader_finalize;
}

static void
veil_thumbnail_loader_init (VeilThumbnailLoader *self)
{
  g_queue_init (&self->queue);
  g_queue_init (&self->kept);
}

VeilThumbnailLoader *
veil_thumbnail_loader_get_default (void)
{
  static VeilThumbnailLoader *instance;

  if (instance == NULL)
    instance = g_object_new (VEIL_TYPE_THUMBNAIL_LOADER, NULL);
  return instance;
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Request *request = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilImage) image = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  image = veil_image_load_at_size (request->path, VEIL_THUMBNAIL_SIZE, VEIL_THUMBNAIL_SIZE,
                                   cancellable, &error);
  if (image == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_object_ref (image->pixbuf), g_object_unref);
}

static void pump (VeilThumbnailLoader *self);

static void
keep (VeilThumbnailLoader *self,
      VeilImageItem       *item)
{
  GList *link = g_queue_find (&self->kept, item);

  if (link != NULL)
    {
      g_queue_unlink (&self->kept, link);
      g_queue_push_head_link (&self->kept, link);
      return;
    }
  g_queue_push_head (&self->kept, g_object_ref (item));
  while (self->kept.length > MAX_KEPT)
    {
      g_autoptr(VeilImageItem) old = g_queue_pop_tail (&self->kept);
      veil_image_item_set_thumbnail (old, NULL);
    }
}

static void
decode_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  VeilThumbnailLoader *self = VEIL_THUMBNAIL_LOADER (source);
  Request *request = g_task_get_task_data (G_TASK (result));
  guint generation = GPOINTER_TO_UINT (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  self->n_running--;
  pixbuf = g_task_propagate_pointer (G_TASK (result), &error);
  if (generation == self->generation)
    {
      if (pixbuf != NULL)
        {
          g_autoptr(GdkTexture) texture = gdk_texture_new_for_pixbuf (pixbuf);

          veil_image_item_set_thumbnail (request->item, texture);
          keep (self, request->item);
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        veil_image_item_set_error (request->item, error->message);
      else
        g_debug ("Thumbnail cancelled");
    }
  pump (self);
}

static void
pump (VeilThumbnailLoader *self)
{
  while (self->n_running < MAX_RUNNING && self->queue.length > 0)
    {
      Request *request = g_queue_pop_head (&self->queue);
      g_autoptr(GTask) task = NULL;

      if (g_cancellable_is_cancelled (request->cancellable)
          || veil_image_item_get_thumbnail (request->item) != NULL)
        {
          request_free (request);
          continue;
        }
      task = g_task_new (self, request->cancellable, decode_done_cb,
                         GUINT_TO_POINTER (self->generation));
      g_task_set_source_tag (task, pump);
      g_task_set_task_data (task, request, (GDestroyNotify) request_free);
      self->n_running++;
      g_task_run_in_thread (task, decode_thread);
    }
}

void
veil_thumbnail_loader_request (VeilThumbnailLoader *self,
                               VeilImageItem       *item,
                               GCancellable        *cancellable)
{
  Request *request;

  g_return_if_fail (VEIL_IS_THUMBNAIL_LOADER (self));
  g_return_if_fail (VEIL_IS_IMAGE_ITEM (item));

  if (veil_image_item_get_thumbnail (item) != NULL)
    {
      keep (self, item);
      return;
    }
  if (veil_image_item_get_error (item) != NULL)
    return;

  request = g_new0 (Request, 1);
  request->item = g_object_ref (item);
  request->path = veil_image_item_dup_path (item);
  request->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  g_queue_push_head (&self->queue, request);

  /* Requests at the tail are the ones scrolled past longest ago. */
  while (self->queue.length > MAX_QUEUED)
    request_free (g_queue_pop_tail (&self->queue));

  pump (self);
}

void
veil_thumbnail_loader_clear (VeilThumbnailLoader *self)
{
  g_return_if_fail (VEIL_IS_THUMBNAIL_LOADER (self));

  self->generation++;
  g_queue_clear_full (&self->queue, (GDestroyNotify) request_free);
  g_queue_init (&self->queue);
  g_queue_clear_full (&self->kept, g_object_unref);
  g_queue_init (&self->kept);
}

guint
veil_thumbnail_loader_get_n_pending (VeilThumbnailLoader *self)
{
  g_return_val_if_fail (VEIL_IS_THUMBNAIL_LOADER (self), 0);
  return self->queue.length + self->n_running;
}
