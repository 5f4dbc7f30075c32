/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-window"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-window-private.h"

#include "veil-export-dialog.h"

#define ZOOM_STEP 1.25

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  _veil_window_show_open_dialog (VEIL_WINDOW (widget));
}

static void
open_samples_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  veil_window_open_samples (VEIL_WINDOW (widget));
}

static void
cancel_scan_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  _veil_window_cancel_scan (VEIL_WINDOW (widget));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VeilWindow *self = VEIL_WINDOW (widget);

  if (self->dataset != NULL)
    veil_export_dialog_present (GTK_WINDOW (self), self->dataset);
}

static void
small_images_preset_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  _veil_window_use_small_images_preset (VEIL_WINDOW (widget));
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VeilWindow *self = VEIL_WINDOW (widget);

  if (g_str_equal (action_name, "win.zoom-in"))
    veil_compare_view_zoom_by (self->compare_view, ZOOM_STEP);
  else if (g_str_equal (action_name, "win.zoom-out"))
    veil_compare_view_zoom_by (self->compare_view, 1.0 / ZOOM_STEP);
  else if (g_str_equal (action_name, "win.zoom-100"))
    veil_compare_view_set_zoom (self->compare_view, 1.0);
  else
    veil_compare_view_set_zoom (self->compare_view, VEIL_ZOOM_FIT);
}

void
_veil_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-samples", NULL, open_samples_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-scan", NULL, cancel_scan_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.use-small-images-preset", NULL,
                                   small_images_preset_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-100", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-fit", NULL, zoom_action);

  /* The keyboard shortcuts are application accelerators (see veil-application.c), so that
   * menus and the shortcuts window show them. */
}

void
_veil_window_actions_init (VeilWindow *self)
{
  g_autoptr(GAction) compare_mode = g_settings_create_action (self->settings, "compare-mode");
  g_autoptr(GAction) model_view = g_settings_create_action (self->settings, "model-view");

  g_action_map_add_action (G_ACTION_MAP (self), compare_mode);
  g_action_map_add_action (G_ACTION_MAP (self), model_view);
}

/* The settings actions may outlive the window's action group (GSettings keeps them reachable
 * through its signals); removing them disconnects the group from them. */
void
_veil_window_actions_dispose (VeilWindow *self)
{
  g_action_map_remove_action (G_ACTION_MAP (self), "compare-mode");
  g_action_map_remove_action (G_ACTION_MAP (self), "model-view");
}

/* Every enabling and disabling of the window's actions happens here. */
void
_veil_window_actions_update (VeilWindow *self)
{
  gboolean has_dataset = self->dataset != NULL;
  gboolean has_image = self->selected_image != NULL;
  gboolean scanning = self->scan_cancellable != NULL;
  gboolean can_export = has_dataset && !scanning;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", can_export);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-scan", scanning);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.zoom-in", has_image);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.zoom-out", has_image);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.zoom-100", has_image);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.zoom-fit", has_image);
}
