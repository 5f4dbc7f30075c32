/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-ui-test"

#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "ui-test-util.h"
#include "veil-key-list.h"
#include "veil-test-util.h"

void
ui_test_wait_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  /* Handle everything pending, at least once even when the process was descheduled past
   * @ms; sleep only when there is nothing to do. */
  do
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  while (g_get_monotonic_time () < end);
}

char *
ui_test_make_private_home (const char *name_template)
{
  char *home = veil_test_make_tmpdir (name_template);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);

  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  return home;
}

GtkWidget *
ui_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (w))
        return w; /* still referenced by the toplevel list */
    }
  return NULL;
}

static void
count_paint (GdkFrameClock *clock,
             gpointer       user_data)
{
  guint *n_paints = user_data;

  (*n_paints)++;
}

void
ui_test_wait_frames (GtkWidget  *widget,
                     guint       n_frames,
                     const char *what)
{
  g_autoptr(GdkFrameClock) clock = NULL;
  guint n_paints = 0;
  gulong handler;

  UI_TEST_WAIT_FOR (gtk_widget_get_mapped (widget), UI_TEST_TIMEOUT_S, what);
  clock = g_object_ref (gtk_widget_get_frame_clock (widget));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (count_paint), &n_paints);
  for (guint i = 0; i < n_frames; i++)
    {
      gtk_widget_queue_draw (widget);
      UI_TEST_WAIT_FOR (n_paints > i, UI_TEST_TIMEOUT_S, what);
    }
  g_signal_handler_disconnect (clock, handler);
}

void
ui_test_wait_mapped (GtkWidget  *window,
                     const char *what)
{
  /* Mapped is not yet drawn: a frame lays the window out first. Until then its widgets have
   * no allocation, and what a test does to them is not what a person could do. */
  ui_test_wait_frames (window, 1, what);
}

GtkWidget *
ui_test_wait_toplevel (GType       type,
                       const char *what)
{
  GtkWidget *window;

  UI_TEST_WAIT_FOR ((window = ui_test_find_toplevel (type)) != NULL, UI_TEST_TIMEOUT_S, what);
  ui_test_wait_mapped (window, what);
  return window;
}

void
ui_test_wait_no_toplevel (GType       type,
                          const char *what)
{
  UI_TEST_WAIT_FOR (ui_test_find_toplevel (type) == NULL, UI_TEST_TIMEOUT_S, what);
}

GtkWidget *
ui_test_find_descendant (GtkWidget *widget,
                         GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = ui_test_find_descendant (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_nth (GtkWidget *widget,
          GType      type,
          guint     *n)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && (*n)-- == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_nth (c, type, n);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
ui_test_find_nth_descendant (GtkWidget *widget,
                             GType      type,
                             guint      n)
{
  return find_nth (widget, type, &n);
}

GtkWidget *
ui_test_panel_widget (VeilWindow *window,
                      GType       type,
                      guint       n)
{
  GtkWidget *found = ui_test_find_nth_descendant (GTK_WIDGET (window->adjust_panel), type, n);

  g_assert_nonnull (found);
  return found;
}

VeilExportDialog *
ui_test_open_export_dialog (GtkWidget *window)
{
  g_assert_true (gtk_widget_activate_action (window, "win.export", NULL));
  return VEIL_EXPORT_DIALOG (ui_test_wait_toplevel (VEIL_TYPE_EXPORT_DIALOG, "the export dialog"));
}

gboolean
ui_test_export_finished (gpointer dialog)
{
  VeilExportDialogState state = veil_export_dialog_get_state (dialog);

  return state != VEIL_EXPORT_DIALOG_STATE_SETUP && state != VEIL_EXPORT_DIALOG_STATE_RUNNING;
}

void
ui_test_use_key (const char *name)
{
  VeilKeyList *keys = veil_key_list_get_default ();
  g_autoptr(GError) error = NULL;

  if (veil_key_list_find (keys, name) == NULL)
    {
      g_assert_nonnull (veil_key_list_create (keys, name, &error));
      g_assert_no_error (error);
    }
  veil_key_list_set_active (keys, name);
}

static void
on_clicked_cb (GtkButton *button,
               gboolean  *clicked)
{
  *clicked = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

void
ui_test_press (GtkButton *button)
{
  gboolean clicked = FALSE;
  gulong id = g_signal_connect (button, "clicked", G_CALLBACK (on_clicked_cb), &clicked);

  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button)));
  gtk_widget_activate (GTK_WIDGET (button));
  ui_test_wait_until (is_true, &clicked, UI_TEST_TIMEOUT_S * 1000, "the button's click");
  g_signal_handler_disconnect (button, id);
}

typedef struct
{
  GtkSwitch *sw;
  gboolean   before;
} Flip;

static gboolean
flipped (gpointer data)
{
  Flip *flip = data;

  return gtk_switch_get_active (flip->sw) != flip->before;
}

void
ui_test_flip (GtkSwitch *sw)
{
  Flip state = { sw, gtk_switch_get_active (sw) };

  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (sw)));
  g_assert_true (gtk_widget_activate (GTK_WIDGET (sw)));
  ui_test_wait_until (flipped, &state, UI_TEST_TIMEOUT_S * 1000, "the switch to flip");
}

GtkWidget *
ui_test_find_row (GtkWidget  *widget,
                  GType       type,
                  const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && ADW_IS_PREFERENCES_ROW (widget)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = ui_test_find_row (c, type, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
ui_test_shows_text (GtkWidget  *widget,
                    const char *needle)
{
  const char *text = NULL;
  const char *subtitle = NULL;

  /* What is hidden is not shown to anyone. */
  if (!gtk_widget_get_visible (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget))
    text = gtk_label_get_label (GTK_LABEL (widget));
  else if (ADW_IS_ACTION_ROW (widget))
    subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));
  if (ADW_IS_PREFERENCES_ROW (widget))
    text = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));

  if ((text != NULL && strstr (text, needle) != NULL)
      || (subtitle != NULL && strstr (subtitle, needle) != NULL))
    return TRUE;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (ui_test_shows_text (c, needle))
      return TRUE;
  return FALSE;
}

void
ui_test_wait_until (gboolean   (*cond) (gpointer data),
                    gpointer     data,
                    guint        timeout_ms,
                    const char  *what)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        g_error ("Timed out after %u ms waiting for %s", timeout_ms, what);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

VeilWindow *
ui_test_start_app (VeilApplication **app_out)
{
  static VeilApplication *app;
  g_autoptr(GError) error = NULL;
  GList *windows;

  /* One application per process: its name on the bus is taken once. */
  if (app == NULL)
    {
      app = veil_application_new ();
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
      g_assert_no_error (error);
      g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));
    }
  g_application_activate (G_APPLICATION (app));

  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_nonnull (windows);
  g_assert_true (VEIL_IS_WINDOW (windows->data));
  *app_out = g_object_ref (app);
  return windows->data;
}

char *
ui_test_make_dataset (guint n_classes,
                      guint n_images,
                      int   width,
                      int   height)
{
  char *root = veil_test_make_tmpdir ("veil-ui-XXXXXX");

  for (guint c = 0; c < n_classes; c++)
    {
      g_autofree char *class_name = g_strdup_printf ("class-%c", 'a' + c);
      g_autofree char *class_dir = g_build_filename (root, class_name, NULL);

      g_assert_cmpint (g_mkdir_with_parents (class_dir, 0700), ==, 0);
      for (guint i = 0; i < n_images; i++)
        {
          g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width,
                                                        height);
          g_autofree char *name = g_strdup_printf ("img-%02u.png", i);
          g_autofree char *path = g_build_filename (class_dir, name, NULL);
          g_autoptr(GError) error = NULL;
          guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
          int stride = gdk_pixbuf_get_rowstride (pixbuf);

          /* Smooth gradients plus noise: blurring visibly changes them. */
          veil_test_fill_random (pixels, (gsize) stride * height, c * 100 + i);
          for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
              {
                guint8 *p = pixels + y * stride + x * 3;

                p[0] = (guint8) ((p[0] / 4) + x * 180 / width);
                p[1] = (guint8) ((p[1] / 4) + y * 180 / height);
                p[2] = (guint8) ((p[2] / 2) + ((x / 8 + y / 8) % 2) * 100);
              }
          gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
          g_assert_no_error (error);
        }
    }
  return root;
}

static gboolean
preview_ready (gpointer data)
{
  VeilWindow *window = data;

  return window->dataset != NULL && window->selected_image != NULL
         && !veil_preview_job_is_busy (window->preview_job)
         && veil_preview_job_get_protected (window->preview_job) != NULL;
}

void
ui_test_wait_preview (VeilWindow *window)
{
  /* Let a debounce start before asking whether anything is pending. */
  ui_test_wait_ms (10);
  ui_test_wait_until (preview_ready, window, UI_TEST_TIMEOUT_S * 1000, "the preview");
}

static gboolean
dataset_open (gpointer data)
{
  VeilWindow *window = data;

  return window->scan_cancellable == NULL && window->dataset != NULL;
}

void
ui_test_open_and_wait (VeilWindow *window,
                       const char *path)
{
  g_autoptr(GFile) folder = g_file_new_for_path (path);

  veil_window_open_folder (window, folder);
  ui_test_wait_until (dataset_open, window, UI_TEST_TIMEOUT_S * 1000, "the folder to open");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "dataset");
  ui_test_wait_preview (window);
  /* The view reaches its final size a few frames later, and the decode may follow it. */
  ui_test_wait_frames (GTK_WIDGET (window), 3, "the dataset page to be laid out");
  ui_test_wait_preview (window);
}

VeilWindow *
ui_test_open_samples_window (VeilApplication **app_out,
                             const char       *key_name)
{
  const char *samples = g_getenv ("VEIL_SAMPLES_DIR");
  VeilWindow *window;

  g_assert_nonnull (samples);
  window = ui_test_start_app (app_out);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  ui_test_use_key (key_name);
  ui_test_open_and_wait (window, samples);
  adw_flap_set_reveal_flap (window->flap, TRUE);
  ui_test_wait_frames (GTK_WIDGET (window), 2, "the adjust panel to be drawn");
  return window;
}

void
ui_test_close_window (VeilWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_wait_ms (50);
}

GBytes *
ui_test_download (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  guint8 *data = g_malloc (stride * height);

  gdk_texture_download (texture, data, stride);
  return g_bytes_new_take (data, stride * height);
}

void
ui_test_save_screenshot (GtkWidget  *widget,
                         const char *name)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") != NULL
                                           ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                           "screenshots", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width, height;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  /* Laid out and drawn first: a widget waiting for its allocation cannot be snapshotted. */
  ui_test_wait_frames (widget, 2, "the widget to be drawn before its screenshot");
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s", path);
}
