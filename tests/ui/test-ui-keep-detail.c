/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-keep-detail"

/* "Keep fine detail" in the real window on the sample set, driven as a person does: the switch
 * in the adjust panel, flipped before and after the presets and the training resolution; after
 * every step the setting, the switch, the export dialog and an export's manifest agree, the
 * switch cannot be used with "Native" (and says why) but keeps its choice; and at 100 % the
 * preview of a large photo is as sharp as the export it stands for. */

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "ui-test-util.h"
#include "veil-class-item.h"
#include "veil-compare-view.h"
#include "veil-export-dialog-private.h"
#include "veil-export-text.h"
#include "veil-key-list.h"
#include "veil-test-util.h"

#define LARGE_PHOTO       "marigold.jpg"  /* 2560 × 1600, in "flowers" */
#define LARGE_PHOTO_CLASS "flowers"

static VeilApplication *app;
static VeilWindow *window;
static GSettings *settings;
static char *home;
static guint n_exports;

/* ---- The panel's controls, found as a person sees them ---------------------------------- */

#define SMALL_PRESET  GTK_BUTTON (ui_test_panel_widget (window, GTK_TYPE_TOGGLE_BUTTON, 0))
#define PHOTO_PRESET  GTK_BUTTON (ui_test_panel_widget (window, GTK_TYPE_TOGGLE_BUTTON, 2))
#define RES_DROPDOWN  GTK_DROP_DOWN (ui_test_panel_widget (window, GTK_TYPE_DROP_DOWN, 1))
#define DETAIL_SWITCH GTK_SWITCH (ui_test_panel_widget (window, GTK_TYPE_SWITCH, 0))

static void
choose (GtkDropDown *dropdown,
        const char  *label)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_equal (gtk_string_object_get_string (item), label))
        {
          gtk_drop_down_set_selected (dropdown, i);
          return;
        }
    }
  g_error ("no “%s” in the training resolution list", label);
}

/* ---- The export dialog and the manifest ------------------------------------------------- */

/* The dialog lists @applies; an export from it (as PNG with @png) records it in the manifest.
 * Returns the output folder. */
static char *
export_and_check (gboolean applies,
                  gboolean png)
{
  VeilExportDialog *dialog = ui_test_open_export_dialog (GTK_WIDGET (window));
  g_autofree char *name = g_strdup_printf ("out-%u", n_exports++);
  char *output = g_build_filename (home, name, NULL);
  g_autofree char *manifest = g_build_filename (output, "veil-manifest.json", NULL);
  g_autofree char *shown = veil_export_text_keep_detail (applies);
  g_autoptr(GFile) folder = g_file_new_for_path (output);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *parameters;

  g_assert_cmpstr (gtk_label_get_label (dialog->detail_label), ==, shown);
  adw_combo_row_set_selected (dialog->format_row, png ? 1 : 0);
  g_assert_true (veil_export_dialog_set_output_folder (dialog, folder));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.start", NULL));
  ui_test_wait_until (ui_test_export_finished, dialog, 100000, "the export to end");
  g_assert_cmpint (veil_export_dialog_get_state (dialog), ==, VEIL_EXPORT_DIALOG_STATE_COMPLETE);

  g_assert_true (json_parser_load_from_file (parser, manifest, &error));
  g_assert_no_error (error);
  parameters = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                              "parameters");
  g_assert_true (json_object_has_member (parameters, "keep_detail"));
  g_assert_cmpint (json_object_get_boolean_member (parameters, "keep_detail"), ==, applies);

  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_wait_no_toplevel (VEIL_TYPE_EXPORT_DIALOG, "the export dialog to close");
  return output;
}

static void
dialog_shows (gboolean applies)
{
  VeilExportDialog *dialog = ui_test_open_export_dialog (GTK_WIDGET (window));
  g_autofree char *shown = veil_export_text_keep_detail (applies);

  g_assert_cmpstr (gtk_label_get_label (dialog->detail_label), ==, shown);
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_wait_no_toplevel (VEIL_TYPE_EXPORT_DIALOG, "the export dialog to close");
}

/* ---- One step -------------------------------------------------------------------------- */

/* The person's choice is @chosen; it applies (not "Native") when @usable. */
static void
check_step (const char *what,
            gboolean    chosen,
            gboolean    usable)
{
  GtkSwitch *sw = DETAIL_SWITCH;
  const char *reason = "Not with “Native”";

  g_autofree char *step = g_strdup_printf ("the panel to show step “%s”", what);

  g_test_message ("step: %s", what);
  /* Setting, switch and its reason follow each other through notifications: wait for all. */
  UI_TEST_WAIT_FOR (g_settings_get_boolean (settings, "keep-detail") == chosen
                    && gtk_switch_get_active (sw) == chosen
                    && gtk_widget_is_sensitive (GTK_WIDGET (sw)) == usable
                    && ui_test_shows_text (GTK_WIDGET (window->adjust_panel), reason) == !usable,
                    UI_TEST_TIMEOUT_S, step);
  dialog_shows (chosen && usable);
}

static void
start (void)
{
  g_settings_reset (settings, "kernel-size");
  g_settings_reset (settings, "blur");
  g_settings_reset (settings, "mix");
  g_settings_reset (settings, "training-resolution");
  g_settings_reset (settings, "keep-detail");
  g_settings_reset (settings, "output-format");
  /* These steps measure how a protected photo is softened: its class must not be the decoy,
   * which the random test key may choose and leaves as it is (test-ui-decoy covers it). */
  g_settings_set_boolean (settings, "decoy", FALSE);
  ui_test_wait_preview (window);
  check_step ("the defaults", FALSE, TRUE);
}

/* Switch first, then the presets: a preset never changes the choice, "Native" only sets it
 * aside. */
static void
test_switch_then_preset (void)
{
  start ();
  ui_test_flip (DETAIL_SWITCH);
  check_step ("switch on", TRUE, TRUE);
  g_free (export_and_check (TRUE, FALSE));

  ui_test_press (SMALL_PRESET);
  check_step ("small images preset (native)", TRUE, FALSE);
  g_free (export_and_check (FALSE, FALSE));

  ui_test_press (PHOTO_PRESET);
  check_step ("photographs preset after the small one", TRUE, TRUE);

  ui_test_flip (DETAIL_SWITCH);
  check_step ("switch off", FALSE, TRUE);
  ui_test_press (PHOTO_PRESET);
  check_step ("photographs preset again", FALSE, TRUE);
  g_free (export_and_check (FALSE, FALSE));
}

/* Presets and the resolution list first, then the switch. */
static void
test_preset_then_switch (void)
{
  start ();
  ui_test_press (SMALL_PRESET);
  check_step ("small images preset (native)", FALSE, FALSE);

  ui_test_press (PHOTO_PRESET);
  check_step ("photographs preset", FALSE, TRUE);
  ui_test_flip (DETAIL_SWITCH);
  check_step ("switch on after the preset", TRUE, TRUE);

  choose (RES_DROPDOWN, "Native (as in the paper)");
  check_step ("training resolution native", TRUE, FALSE);
  choose (RES_DROPDOWN, "512 px");
  check_step ("training resolution 512 px", TRUE, TRUE);
  g_free (export_and_check (TRUE, FALSE));

  ui_test_press (SMALL_PRESET);
  check_step ("small images preset with the switch on", TRUE, FALSE);
  ui_test_press (PHOTO_PRESET);
  check_step ("photographs preset with the switch on", TRUE, TRUE);
  g_free (export_and_check (TRUE, FALSE));
}

/* ---- What the preview shows at 100 % ------------------------------------------------------ */

/* How much of @a's finest detail @b still has: the correlation of their Laplacians (of the
 * three colour channels' sum), a border left out. 1 when the detail is untouched. */
static double
detail_correlation (const guint8 *a,
                    int           a_stride,
                    int           a_channels,
                    const guint8 *b,
                    int           b_stride,
                    int           b_channels,
                    int           width,
                    int           height)
{
  double ab = 0, aa = 0, bb = 0;

#define SUM3(p, s, n, x, y) ((double) (p)[(y) * (s) + (x) * (n)] + (p)[(y) * (s) + (x) * (n) + 1] \
                             + (p)[(y) * (s) + (x) * (n) + 2])
#define LAPLACE(p, s, n, x, y) (4 * SUM3 (p, s, n, x, y) - SUM3 (p, s, n, x - 1, y)          \
                                - SUM3 (p, s, n, x + 1, y) - SUM3 (p, s, n, x, y - 1)        \
                                - SUM3 (p, s, n, x, y + 1))
  for (int y = 8; y < height - 8; y++)
    for (int x = 8; x < width - 8; x++)
      {
        double la = LAPLACE (a, a_stride, a_channels, x, y);
        double lb = LAPLACE (b, b_stride, b_channels, x, y);

        ab += la * lb;
        aa += la * la;
        bb += lb * lb;
      }
#undef LAPLACE
#undef SUM3
  return ab / sqrt (aa * bb);
}

static void
select_large_photo (void)
{
  GListModel *classes = G_LIST_MODEL (window->class_store);
  GListModel *images;

  for (guint c = 0; c < g_list_model_get_n_items (classes); c++)
    {
      g_autoptr(VeilClassItem) item = g_list_model_get_item (classes, c);

      if (g_str_equal (veil_class_item_get_name (item), LARGE_PHOTO_CLASS))
        _veil_window_select_class (window, c);
    }
  images = G_LIST_MODEL (window->image_selection);
  for (guint i = 0; i < g_list_model_get_n_items (images); i++)
    {
      g_autoptr(VeilImageItem) item = g_list_model_get_item (images, i);

      if (g_str_equal (veil_image_item_get_display_name (item), LARGE_PHOTO))
        _veil_window_select_image (window, i);
    }
  g_assert_cmpstr (veil_image_item_get_display_name (window->selected_image), ==, LARGE_PHOTO);
  ui_test_wait_preview (window);
}

/* The preview at 100 %: the original's and the protected view's pixels as shown (BGRA). */
static void
preview_pixels (GBytes **original,
                GBytes **protected_image)
{
  GdkTexture *texture;

  ui_test_wait_ms (50);
  ui_test_wait_preview (window);
  texture = veil_preview_job_get_original (window->preview_job);
  /* 100 % shows the file's own pixels. */
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 2560);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 1600);
  *original = ui_test_download (texture);
  *protected_image = ui_test_download (veil_preview_job_get_protected (window->preview_job));
}

/* The export of the large photo (written as PNG) is what the preview showed at 100 %; returns
 * how much of the original's detail it kept. */
static double
assert_export_is_preview (const char *output,
                          GBytes     *original,
                          GBytes     *preview)
{
  g_autofree char *path = g_build_filename (output, LARGE_PHOTO_CLASS, "marigold.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) written = gdk_pixbuf_new_from_file (path, &error);
  const guint8 *shown = g_bytes_get_data (preview, NULL);
  const guint8 *pixels;
  int stride, n_channels, largest = 0;

  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (written), ==, 2560);
  g_assert_cmpint (gdk_pixbuf_get_height (written), ==, 1600);
  pixels = gdk_pixbuf_read_pixels (written);
  stride = gdk_pixbuf_get_rowstride (written);
  n_channels = gdk_pixbuf_get_n_channels (written);
  for (int y = 0; y < 1600; y++)
    for (int x = 0; x < 2560; x++)
      for (int c = 0; c < 3; c++)
        {
          /* The download is GDK_MEMORY_DEFAULT (BGRA on this little-endian machine, opaque),
           * the pixbuf RGB. */
          int d = abs ((int) shown[(y * 2560 + x) * 4 + 2 - c]
                       - pixels[y * stride + x * n_channels + c]);

          largest = MAX (largest, d);
        }
  g_test_message ("largest difference between the preview at 100 %% and the export: %d", largest);
  g_assert_cmpint (largest, <=, 1);
  return detail_correlation (g_bytes_get_data (original, NULL), 2560 * 4, 4, pixels, stride,
                             n_channels, 2560, 1600);
}

/* At 100 % the preview shows what the export writes: sharp with the switch on, softened with
 * it off. */
static void
test_preview_at_full_size (void)
{
  g_autoptr(GBytes) original = NULL;
  g_autoptr(GBytes) shown_on = NULL;
  g_autoptr(GBytes) shown_off = NULL;
  g_autoptr(GBytes) shown_off_again = NULL;
  g_autofree char *out_on = NULL;
  g_autofree char *out_off = NULL;
  double preview_on, preview_off, export_on, export_off;

  start ();
  select_large_photo ();
  veil_compare_view_set_zoom (window->compare_view, 1.0);

  preview_pixels (&original, &shown_off);
  ui_test_flip (DETAIL_SWITCH);
  g_clear_pointer (&original, g_bytes_unref);
  preview_pixels (&original, &shown_on);
  out_on = export_and_check (TRUE, TRUE);
  ui_test_flip (DETAIL_SWITCH);
  g_clear_pointer (&original, g_bytes_unref);
  preview_pixels (&original, &shown_off_again);
  g_assert_true (g_bytes_equal (shown_off, shown_off_again));
  out_off = export_and_check (FALSE, TRUE);

  preview_on = detail_correlation (g_bytes_get_data (original, NULL), 2560 * 4, 4,
                                   g_bytes_get_data (shown_on, NULL), 2560 * 4, 4, 2560, 1600);
  preview_off = detail_correlation (g_bytes_get_data (original, NULL), 2560 * 4, 4,
                                    g_bytes_get_data (shown_off, NULL), 2560 * 4, 4, 2560, 1600);
  export_on = assert_export_is_preview (out_on, original, shown_on);
  export_off = assert_export_is_preview (out_off, original, shown_off);
  g_test_message ("detail kept at 100 %%: preview %.3f on, %.3f off; export %.3f on, %.3f off",
                  preview_on, preview_off, export_on, export_off);
  g_assert_cmpfloat (preview_on, >=, 0.9);
  g_assert_cmpfloat (preview_off, <, 0.5);

  veil_compare_view_set_zoom (window->compare_view, VEIL_ZOOM_FIT);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  home = ui_test_make_private_home ("veil-ui-keep-detail-XXXXXX");
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return 77;
    }
  settings = g_settings_new (APP_ID);
  window = ui_test_open_samples_window (&app, "Keep detail test");

  g_test_add_func ("/ui/keep-detail/switch-then-preset", test_switch_then_preset);
  g_test_add_func ("/ui/keep-detail/preset-then-switch", test_preset_then_switch);
  g_test_add_func ("/ui/keep-detail/preview-at-full-size", test_preview_at_full_size);
  ret = g_test_run ();

  ui_test_close_window (window);
  g_clear_object (&settings);
  g_clear_object (&app);
  veil_test_rm_rf (home);
  g_free (home);
  return ret;
}
