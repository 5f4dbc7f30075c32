/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-window"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-window-private.h"

#include "veil-key-chooser.h"

G_DEFINE_FINAL_TYPE (VeilWindow, veil_window, ADW_TYPE_APPLICATION_WINDOW)

static void
on_back_clicked_cb (GtkButton  *button,
                    VeilWindow *self)
{
  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
}

static void
on_recent_row_activated_cb (GtkListBox    *list,
                            GtkListBoxRow *row,
                            VeilWindow    *self)
{
  const char *path = g_object_get_data (G_OBJECT (row), "path");
  g_autoptr(GFile) folder = NULL;

  if (path == NULL)
    return;
  folder = g_file_new_for_path (path);
  veil_window_open_folder (self, folder);
}

static void
on_skipped_popover_show_cb (GtkPopover *popover,
                            VeilWindow *self)
{
  _veil_window_fill_skipped (self);
}

/* A folded window is a narrow one: the key chooser gives its room to the title. */
static void
on_leaflet_folded_cb (VeilWindow *self)
{
  veil_key_chooser_set_compact (
    VEIL_KEY_CHOOSER (gtk_widget_get_first_child (GTK_WIDGET (self->key_chooser_box))),
    adw_leaflet_get_folded (self->leaflet));
}

/* Remembered on close, not on every resize: GSettings writes are not free. */
static gboolean
veil_window_close_request (GtkWindow *window)
{
  VeilWindow *self = VEIL_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  /* Not delayed: a delayed GSettings stays delayed, and the window may live on (the close can
   * be refused) with settings it reads for the preview. */
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }

  return GTK_WINDOW_CLASS (veil_window_parent_class)->close_request (window);
}

static void
veil_window_dispose (GObject *object)
{
  VeilWindow *self = VEIL_WINDOW (object);

  _veil_window_actions_dispose (self);
  _veil_window_open_dispose (self);
  _veil_window_preview_dispose (self);
  _veil_window_browse_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_WINDOW);
  G_OBJECT_CLASS (veil_window_parent_class)->dispose (object);
}

static void
veil_window_finalize (GObject *object)
{
  VeilWindow *self = VEIL_WINDOW (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (veil_window_parent_class)->finalize (object);
}

static void
veil_window_class_init (VeilWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = veil_window_dispose;
  object_class->finalize = veil_window_finalize;
  window_class->close_request = veil_window_close_request;

  g_type_ensure (VEIL_TYPE_ADJUST_PANEL);
  g_type_ensure (VEIL_TYPE_COMPARE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/unlearnable/Veil/veil-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, recent_box);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, scan_spinner);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, scan_count_label);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, not_dataset_page);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, layout_example_label);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, content);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, class_list);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, dataset_summary_label);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, single_class_label);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, skipped_button);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, skipped_label);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, skipped_list);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, key_chooser_box);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, export_squeezer);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, export_icon_button);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, adjust_button);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, adjust_panel);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, compare_stack);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, compare_status);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, compare_view);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, compare_squeezer);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, preview_spinner);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, preview_info_label);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, decoy_note);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, decoy_note_label);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, image_grid);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_recent_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_skipped_popover_show_cb);

  _veil_window_class_actions_init (widget_class);
}

static void
veil_window_init (VeilWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  gtk_box_append (self->key_chooser_box, veil_key_chooser_new ());
  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (on_leaflet_folded_cb),
                           self, G_CONNECT_SWAPPED);
  on_leaflet_folded_cb (self);

  _veil_window_open_init (self);
  _veil_window_browse_init (self);
  _veil_window_preview_init (self);
  _veil_window_actions_init (self);
  _veil_window_actions_update (self);
}

VeilWindow *
veil_window_new (GtkApplication *application)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  return g_object_new (VEIL_TYPE_WINDOW, "application", application, NULL);
}

VeilDataset *
veil_window_get_dataset (VeilWindow *self)
{
  g_return_val_if_fail (VEIL_IS_WINDOW (self), NULL);
  return self->dataset;
}

void
veil_window_add_toast (VeilWindow *self,
                       const char *message)
{
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  g_return_if_fail (VEIL_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  /* Toast titles are markup; file names may hold '&' or '<'. */
  escaped = g_markup_escape_text (message, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}
