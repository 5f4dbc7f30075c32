/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-ui-test"

#include "config.h"

#include <glib/gstdio.h>

#include "ui-test-util.h"
#include "veil-key-store.h"
#include "veil-thumbnail-loader.h"

/* Saves the main window with the sample set open, in light and dark style, to
 * $G_TEST_BUILDDIR/screenshots/ (the metainfo's screenshots, data/screenshots/main-window.png
 * and main-window-dark.png, are copied from there). It shows what a person sees once set up: a
 * named key chosen, a photograph of the second class selected (or of the third, when the key
 * makes the second the decoy class, whose photos are left as they are). */

#define KEY_NAME "Holiday photos"
#define CLASS_INDEX 1  /* "nature" */
#define IMAGE_INDEX 1  /* its second photograph */

static gboolean
thumbnails_done (gpointer data)
{
  return veil_thumbnail_loader_get_n_pending (veil_thumbnail_loader_get_default ()) == 0;
}

static void
save_window (VeilWindow *window,
             const char *path)
{
  GtkWidget *widget = GTK_WIDGET (window);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));

  g_assert_cmpint (width, >, 600);
  g_assert_cmpint (height, >, 400);
  /* Laid out and drawn first: a restyled widget waiting for its allocation cannot be
   * snapshotted (GTK warns, and warnings are fatal here). */
  ui_test_wait_frames (widget, 2, "the window to be drawn before its screenshot");
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s (%d×%d)", path, width, height);
}

static void
test_screenshots (void)
{
  g_autofree char *samples = veil_window_find_samples_dir ();
  g_autofree char *dir = NULL;
  g_autofree char *light = NULL;
  g_autofree char *dark = NULL;
  g_autoptr(VeilApplication) app = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  AdwStyleManager *style = adw_style_manager_get_default ();
  VeilWindow *window;
  guint class_index = CLASS_INDEX;

  if (samples == NULL || !g_file_test (samples, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("The sample set (data/samples) is not there");
      return;
    }

  /* A key of the person's own, made before the app starts (the harness gives the test its own
   * XDG_DATA_HOME), and chosen. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VeilKey) key = veil_key_new_random (KEY_NAME, &error);

    g_assert_no_error (error);
    g_assert_true (veil_key_store_add (NULL, key, &error));
    g_assert_no_error (error);
    g_settings_set_string (settings, "active-key", KEY_NAME);
  }

  /* The paper's photographic setting, side by side: what a new user sees first. */
  g_settings_set_int (settings, "kernel-size", 9);
  g_settings_set_double (settings, "blur", 0.06);
  g_settings_set_int (settings, "training-resolution", 224);
  g_settings_set_string (settings, "compare-mode", "side-by-side");
  g_settings_set_int (settings, "window-width", 1240);
  g_settings_set_int (settings, "window-height", 780);

  window = ui_test_start_app (&app);
  ui_test_open_and_wait (window, samples);
  g_assert_false (window->key_is_temporary);
  g_assert_cmpstr (veil_key_get_name (window->key), ==, KEY_NAME);
  /* The screenshot shows protection at work. */
  if ((int) class_index == veil_filter_bank_get_decoy (window->bank))
    class_index++;
  _veil_window_select_class (window, class_index);
  _veil_window_select_image (window, IMAGE_INDEX);
  ui_test_wait_preview (window);
  g_assert_cmpuint (veil_image_item_get_class_index (window->selected_image), ==, class_index);
  g_assert_false (gtk_widget_get_visible (window->decoy_note));
  ui_test_wait_until (thumbnails_done, NULL, UI_TEST_TIMEOUT_S * 1000, "the thumbnails");

  dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                          "screenshots", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  UI_TEST_WAIT_FOR (!adw_style_manager_get_dark (style), UI_TEST_TIMEOUT_S, "the light style");
  light = g_build_filename (dir, "veil-light.png", NULL);
  save_window (window, light);

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  UI_TEST_WAIT_FOR (adw_style_manager_get_dark (style), UI_TEST_TIMEOUT_S, "the dark style");
  dark = g_build_filename (dir, "veil-dark.png", NULL);
  save_window (window, dark);

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_wait_ms (50);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/screenshots/light-and-dark", test_screenshots);
  return g_test_run ();
}
