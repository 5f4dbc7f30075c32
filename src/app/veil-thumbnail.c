/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-thumbnail"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-thumbnail-loader.h"
#include "veil-thumbnail.h"

struct _VeilThumbnail
{
  GtkWidget      parent_instance;
  GtkWidget     *picture;
  GtkWidget     *label;
  VeilImageItem *item;
  GCancellable  *cancellable;
  gulong         notify_id;
};

G_DEFINE_FINAL_TYPE (VeilThumbnail, veil_thumbnail, GTK_TYPE_WIDGET)

static void
sync_from_item (VeilThumbnail *self)
{
  GdkTexture *texture = NULL;
  const char *error = NULL;

  if (self->item != NULL)
    {
      texture = veil_image_item_get_thumbnail (self->item);
      error = veil_image_item_get_error (self->item);
    }
  gtk_picture_set_paintable (GTK_PICTURE (self->picture), GDK_PAINTABLE (texture));
  if (error != NULL)
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), error);
      gtk_widget_add_css_class (GTK_WIDGET (self), "broken");
    }
  else
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                                   self->item ? veil_image_item_get_display_name (self->item)
                                              : NULL);
      gtk_widget_remove_css_class (GTK_WIDGET (self), "broken");
    }
}

static void
item_notify_cb (VeilThumbnail *self)
{
  sync_from_item (self);
}

void
veil_thumbnail_set_item (VeilThumbnail *self,
                         VeilImageItem *item)
{
  g_return_if_fail (VEIL_IS_THUMBNAIL (self));
  g_return_if_fail (item == NULL || VEIL_IS_IMAGE_ITEM (item));

  if (self->item == item)
    return;

  if (self->item != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      g_clear_signal_handler (&self->notify_id, self->item);
      g_clear_object (&self->item);
    }

  if (item != NULL)
    {
      const char *name = veil_image_item_get_display_name (item);

      self->item = g_object_ref (item);
      self->notify_id = g_signal_connect_swapped (item, "notify", G_CALLBACK (item_notify_cb),
                                                  self);
      gtk_label_set_label (GTK_LABEL (self->label), name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      self->cancellable = g_cancellable_new ();
      veil_thumbnail_loader_request (veil_thumbnail_loader_get_default (), item,
                                     self->cancellable);
    }
  else
    gtk_label_set_label (GTK_LABEL (self->label), "");

  sync_from_item (self);
}

static void
veil_thumbnail_dispose (GObject *object)
{
  VeilThumbnail *self = VEIL_THUMBNAIL (object);

  veil_thumbnail_set_item (self, NULL);
  g_clear_pointer (&self->picture, gtk_widget_unparent);
  g_clear_pointer (&self->label, gtk_widget_unparent);
  G_OBJECT_CLASS (veil_thumbnail_parent_class)->dispose (object);
}

static void
veil_thumbnail_class_init (VeilThumbnailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_thumbnail_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "thumbnail");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
veil_thumbnail_init (VeilThumbnail *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 4);

  self->picture = gtk_picture_new ();
  gtk_picture_set_can_shrink (GTK_PICTURE (self->picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (self->picture), GTK_CONTENT_FIT_COVER);
  gtk_widget_set_size_request (self->picture, 128, 128);
  gtk_widget_add_css_class (self->picture, "thumbnail-picture");
  gtk_widget_set_overflow (self->picture, GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_parent (self->picture, GTK_WIDGET (self));

  self->label = gtk_label_new (NULL);
  gtk_label_set_ellipsize (GTK_LABEL (self->label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (self->label), 14);
  gtk_widget_add_css_class (self->label, "caption");
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));
}

GtkWidget *
veil_thumbnail_new (void)
{
  return g_object_new (VEIL_TYPE_THUMBNAIL, NULL);
}
