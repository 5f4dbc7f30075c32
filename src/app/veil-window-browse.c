/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-window"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-class-item.h"
#include "veil-filter-heatmap.h"
#include "veil-thumbnail-loader.h"
#include "veil-thumbnail.h"
#include "veil-window-private.h"

/* ---- Sidebar rows ------------------------------------------------------------------------ */

static void
class_row_setup_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *heatmap = veil_filter_heatmap_new ();
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *count = gtk_label_new (NULL);

  gtk_widget_set_size_request (heatmap, 28, 28);
  gtk_widget_set_valign (heatmap, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (count, "numeric");
  gtk_box_append (GTK_BOX (box), heatmap);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), count);
  gtk_list_item_set_child (list_item, box);
}

static void
class_row_sync_filter (GtkListItem *list_item)
{
  VeilClassItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *heatmap = gtk_widget_get_first_child (gtk_list_item_get_child (list_item));
  const float *filter;
  guint k = 0;

  filter = item != NULL ? veil_class_item_get_filter (item, &k) : NULL;
  veil_filter_heatmap_set_filter (VEIL_FILTER_HEATMAP (heatmap), filter, k);
}

static void
class_row_filter_changed_cb (VeilClassItem *item,
                             GParamSpec    *pspec,
                             GtkListItem   *list_item)
{
  class_row_sync_filter (list_item);
}

static void
class_row_bind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  VeilClassItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *name = gtk_widget_get_next_sibling (gtk_widget_get_first_child (box));
  GtkWidget *count = gtk_widget_get_next_sibling (name);
  guint n = veil_class_item_get_n_images (item);
  g_autofree char *count_text = g_strdup_printf ("%u", n);
  g_autofree char *description = NULL;

  gtk_label_set_label (GTK_LABEL (name), veil_class_item_get_name (item));
  gtk_label_set_label (GTK_LABEL (count), count_text);
  /* Translators: a class in the sidebar, e.g. "cats, 120 images". */
  description = g_strdup_printf (ngettext ("%s, %u image", "%s, %u images", n),
                                 veil_class_item_get_name (item), n);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  description, -1);
  if (n == 0)
    gtk_widget_set_tooltip_text (box, _("This class folder has no images"));
  else
    gtk_widget_set_tooltip_text (box, NULL);

  g_signal_connect_object (item, "notify::filter", G_CALLBACK (class_row_filter_changed_cb),
                           list_item, 0);
  class_row_sync_filter (list_item);
}

static void
class_row_unbind_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     gpointer                  user_data)
{
  VeilClassItem *item = gtk_list_item_get_item (list_item);

  if (item != NULL)
    g_signal_handlers_disconnect_by_func (item, class_row_filter_changed_cb, list_item);
}

/* ---- Grid cells -------------------------------------------------------------------------- */

static void
thumb_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, veil_thumbnail_new ());
}

static void
thumb_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  veil_thumbnail_set_item (VEIL_THUMBNAIL (gtk_list_item_get_child (list_item)),
                           gtk_list_item_get_item (list_item));
}

static void
thumb_unbind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  /* Withdraws a thumbnail request that is no longer on screen. */
  veil_thumbnail_set_item (VEIL_THUMBNAIL (gtk_list_item_get_child (list_item)), NULL);
}

/* ---- Selection --------------------------------------------------------------------------- */

static void
update_title (VeilWindow *self)
{
  g_autofree char *root_name = NULL;
  VeilClassItem *item;

  if (self->dataset == NULL)
    {
      adw_window_title_set_title (self->window_title, _("Veil"));
      adw_window_title_set_subtitle (self->window_title, NULL);
      return;
    }
  root_name = g_filename_display_basename (veil_dataset_get_root (self->dataset));
  adw_window_title_set_title (self->window_title, root_name);
  item = gtk_single_selection_get_selected_item (self->class_selection);
  if (item != NULL)
    {
      g_autofree char *subtitle = NULL;
      guint n = veil_class_item_get_n_images (item);

      /* Translators: the selected class and its image count, e.g. "cats — 120 images". */
      subtitle = g_strdup_printf (ngettext ("%s — %u image", "%s — %u images", n),
                                  veil_class_item_get_name (item), n);
      adw_window_title_set_subtitle (self->window_title, subtitle);
    }
}

static void
on_image_selected_cb (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      VeilWindow         *self)
{
  VeilImageItem *item = gtk_single_selection_get_selected_item (selection);

  if (item == self->selected_image)
    return;
  g_set_object (&self->selected_image, item);
  /* A previous image's error is not this one's. */
  adw_status_page_set_title (self->compare_status, _("No Image Selected"));
  adw_status_page_set_description (self->compare_status,
                                   _("Choose an image below to see it protected."));
  gtk_stack_set_visible_child_name (self->compare_stack, item != NULL ? "compare" : "empty");
  _veil_window_update_preview (self);
  _veil_window_actions_update (self);
}

void
_veil_window_select_image (VeilWindow *self,
                           guint       position)
{
  g_return_if_fail (VEIL_IS_WINDOW (self));
  if (self->image_selection != NULL)
    gtk_single_selection_set_selected (self->image_selection, position);
}

static void
on_class_selected_cb (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      VeilWindow         *self)
{
  VeilClassItem *item = gtk_single_selection_get_selected_item (selection);
  g_autoptr(VeilImageModel) model = NULL;

  if (self->image_selection != NULL)
    g_signal_handlers_disconnect_by_func (self->image_selection, on_image_selected_cb, self);
  g_clear_object (&self->image_selection);
  g_clear_object (&self->selected_image);

  if (item != NULL)
    {
      model = veil_image_model_new (self->dataset, veil_class_item_get_index (item));
      self->image_selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (model)));
      gtk_single_selection_set_autoselect (self->image_selection, TRUE);
      gtk_single_selection_set_can_unselect (self->image_selection, FALSE);
      g_signal_connect (self->image_selection, "notify::selected-item",
                        G_CALLBACK (on_image_selected_cb), self);
    }
  gtk_grid_view_set_model (self->image_grid, GTK_SELECTION_MODEL (self->image_selection));
  update_title (self);
  /* The first image is selected automatically: show it right away. */
  if (self->image_selection != NULL)
    on_image_selected_cb (self->image_selection, NULL, self);
  else
    {
      gtk_stack_set_visible_child_name (self->compare_stack, "empty");
      _veil_window_update_preview (self);
    }
}

static void
on_class_activate_cb (GtkListView *list,
                      guint        position,
                      VeilWindow  *self)
{
  /* Folded: show the class's images. */
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

/* A click on a class opens it when the sidebar is folded, as Enter does. A class is selected
 * only by a click or the keyboard: with single-click activation a list view selects whatever
 * the pointer passes over, and a popover closing above the list could pick another class. */
static void
on_class_list_released_cb (GtkGestureClick *gesture,
                           int              n_press,
                           double           x,
                           double           y,
                           VeilWindow      *self)
{
  if (n_press == 1 && adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->content);
}

void
_veil_window_select_class (VeilWindow *self,
                           guint       class_index)
{
  g_return_if_fail (VEIL_IS_WINDOW (self));
  if (self->class_selection != NULL)
    gtk_single_selection_set_selected (self->class_selection, class_index);
}

/* ---- Skipped files ----------------------------------------------------------------------- */

/* Enough to see what kind of files were left out; a scan of a messy disk may skip far more. */
#define MAX_SKIPPED_ROWS 500

static void
clear_skipped (VeilWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->skipped_list))) != NULL)
    gtk_list_box_remove (self->skipped_list, child);
}

static GtkWidget *
skipped_row_new (const char *title,
                 const char *description)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *name = gtk_label_new (title);
  GtkWidget *reason = gtk_label_new (description);
  g_autofree char *accessible = g_strdup_printf ("%s: %s", title, description);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_tooltip_text (name, title);
  gtk_label_set_xalign (GTK_LABEL (reason), 0);
  gtk_label_set_wrap (GTK_LABEL (reason), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (reason), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (reason), 40);
  gtk_widget_add_css_class (reason, "dim-label");
  gtk_widget_add_css_class (reason, "caption");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), reason);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
  return row;
}

void
_veil_window_fill_skipped (VeilWindow *self)
{
  guint n;

  g_return_if_fail (VEIL_IS_WINDOW (self));

  if (self->dataset == NULL || gtk_widget_get_first_child (GTK_WIDGET (self->skipped_list)) != NULL)
    return;

  n = veil_dataset_get_n_skipped (self->dataset);
  for (guint i = 0; i < MIN (n, MAX_SKIPPED_ROWS); i++)
    {
      const VeilDatasetSkipped *skipped = veil_dataset_get_skipped (self->dataset, i);
      g_autofree char *name = g_filename_display_name (skipped->relative_path);

      gtk_list_box_append (self->skipped_list, skipped_row_new (name, skipped->message));
    }
  if (n > MAX_SKIPPED_ROWS)
    {
      g_autofree char *more = NULL;
      guint rest = n - MAX_SKIPPED_ROWS;

      more = g_strdup_printf (ngettext ("and %u more file", "and %u more files", rest), rest);
      gtk_list_box_append (self->skipped_list,
                           skipped_row_new (more, _("veil-cli scan lists them all.")));
    }
}

void
_veil_window_set_dataset (VeilWindow  *self,
                          VeilDataset *dataset)
{
  guint n_classes = veil_dataset_get_n_classes (dataset);
  guint n_images = veil_dataset_get_n_images (dataset);
  guint n_skipped = veil_dataset_get_n_skipped (dataset);
  g_autofree char *classes = NULL;
  g_autofree char *images = NULL;
  g_autofree char *summary = NULL;
  g_autofree VeilClassItem **items = NULL;

  veil_thumbnail_loader_clear (veil_thumbnail_loader_get_default ());

  /* Nothing of the previous folder stays on screen under the new folder's name while the new
   * first image decodes: the old image goes, and the preview waits for the new one. */
  g_clear_object (&self->selected_image);
  veil_preview_job_set_image (self->preview_job, NULL, 0, 0);

  /* Detach the old model first so the grid drops its cells before the dataset goes. */
  gtk_list_view_set_model (self->class_list, NULL);
  if (self->class_selection != NULL)
    g_signal_handlers_disconnect_by_func (self->class_selection, on_class_selected_cb, self);
  g_clear_object (&self->class_selection);
  g_clear_object (&self->class_store);
  g_clear_pointer (&self->dataset, veil_dataset_unref);
  self->dataset = veil_dataset_ref (dataset);
  self->small_hint_done = FALSE;

  /* One small object per class; images get objects only when the grid shows them. */
  self->class_store = g_list_store_new (VEIL_TYPE_CLASS_ITEM);
  items = g_new (VeilClassItem *, n_classes);
  for (guint i = 0; i < n_classes; i++)
    items[i] = veil_class_item_new (dataset, i);
  g_list_store_splice (self->class_store, 0, 0, (gpointer *) items, n_classes);
  for (guint i = 0; i < n_classes; i++)
    g_object_unref (items[i]);

  classes = g_strdup_printf (ngettext ("%u class", "%u classes", n_classes), n_classes);
  images = g_strdup_printf (ngettext ("%u image", "%u images", n_images), n_images);
  /* Translators: "3 classes · 120 images". */
  summary = g_strdup_printf (_("%s · %s"), classes, images);
  gtk_label_set_label (self->dataset_summary_label, summary);
  gtk_widget_set_visible (GTK_WIDGET (self->single_class_label), n_classes == 1);
  /* The skipped count opens the list of what was skipped and why; filled when opened. */
  if (n_skipped > 0)
    {
      g_autofree char *skipped =
        g_strdup_printf (ngettext ("%u file skipped", "%u files skipped", n_skipped), n_skipped);

      gtk_label_set_label (self->skipped_label, skipped);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->skipped_button), n_skipped > 0);
  clear_skipped (self);

  _veil_window_rebuild_bank (self);

  self->class_selection =
    gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->class_store)));
  gtk_single_selection_set_autoselect (self->class_selection, TRUE);
  gtk_single_selection_set_can_unselect (self->class_selection, FALSE);
  g_signal_connect (self->class_selection, "notify::selected-item",
                    G_CALLBACK (on_class_selected_cb), self);
  gtk_list_view_set_model (self->class_list, GTK_SELECTION_MODEL (self->class_selection));
  on_class_selected_cb (self->class_selection, NULL, self);
  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
}

void
_veil_window_browse_init (VeilWindow *self)
{
  GtkListItemFactory *factory;
  GtkGesture *click;

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (class_row_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (class_row_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (class_row_unbind_cb), NULL);
  gtk_list_view_set_factory (self->class_list, factory);
  g_object_unref (factory);
  gtk_list_view_set_single_click_activate (self->class_list, FALSE);
  g_signal_connect (self->class_list, "activate", G_CALLBACK (on_class_activate_cb), self);
  click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "released", G_CALLBACK (on_class_list_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->class_list), GTK_EVENT_CONTROLLER (click));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (thumb_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (thumb_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (thumb_unbind_cb), NULL);
  gtk_grid_view_set_factory (self->image_grid, factory);
  g_object_unref (factory);
}

void
_veil_window_browse_dispose (VeilWindow *self)
{
  if (self->image_selection != NULL)
    g_signal_handlers_disconnect_by_func (self->image_selection, on_image_selected_cb, self);
  if (self->class_selection != NULL)
    g_signal_handlers_disconnect_by_func (self->class_selection, on_class_selected_cb, self);
  g_clear_object (&self->image_selection);
  g_clear_object (&self->class_selection);
  g_clear_object (&self->class_store);
  g_clear_object (&self->selected_image);
  g_clear_pointer (&self->dataset, veil_dataset_unref);
}
