/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-survival"

/* The survival check as the export dialog tells it: when a class would not stay protected,
 * that is the headline of the summary (not a green "Export Complete"), the failing class comes
 * first with the reason in plain words, and the figures stay folded in a details row. */

#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "veil-application.h"
#include "veil-dataset.h"
#include "veil-export-dialog.h"
#include "veil-export.h"
#include "veil-filter-bank.h"
#include "veil-image-item.h"
#include "veil-key-list.h"
#include "veil-survival.h"
#include "ui-test-util.h"
#include "veil-test-util.h"
#include "veil-window.h"

static VeilApplication *app;
static GtkWindow *window;
static char *tmpdir;

/* Smooth and large: a native 3×3 filter on it is gone once shrunk to 224 px. */
static void
write_smooth (const char *path,
              int         width,
              int         height,
              guint       seed)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < 3; c++)
        pixels[(gsize) y * stride + x * 3 + c] =
          (guint8) (128 + 60 * sin (x / (29.0 + seed) + c) * cos (y / (23.0 + c + seed)));
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
}

/* Small and detailed: no larger than 224 px, so protected as in the paper, and it keeps its
 * pattern. */
static void
write_detailed (const char *path,
                int         width,
                int         height,
                guint       seed)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < height; y++)
    veil_test_fill_random (gdk_pixbuf_get_pixels (pixbuf) + (gsize) y * stride,
                           (gsize) width * 3, seed * 7919u + y);
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
}

/* The folder @name under the test's folder, with a class for each of @classes: "boats" and
 * "ships" of large smooth photos, the others of small detailed pictures. */
static char *
make_dataset (const char         *name,
              const char * const *classes)
{
  char *root = g_build_filename (tmpdir, name, NULL);

  for (guint c = 0; classes[c] != NULL; c++)
    {
      g_autofree char *dir = g_build_filename (root, classes[c], NULL);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
      for (guint i = 0; i < 3; i++)
        {
          g_autofree char *file = g_strdup_printf ("img%u.png", i);
          g_autofree char *path = g_build_filename (dir, file, NULL);

          if (g_str_equal (classes[c], "boats") || g_str_equal (classes[c], "ships"))
            write_smooth (path, 720, 540, i);
          else
            write_detailed (path, 64, 48, c * 10 + i);
        }
    }
  return root;
}

static GtkWidget *
find_group (GtkWidget  *widget,
            const char *title)
{
  if (ADW_IS_PREFERENCES_GROUP (widget)
      && g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)), title) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_group (c, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether @a is an earlier sibling of @b in their (vertical) box. */
static gboolean
comes_before (GtkWidget *a,
              GtkWidget *b)
{
  g_assert_true (gtk_widget_get_parent (a) == gtk_widget_get_parent (b));
  for (GtkWidget *w = gtk_widget_get_next_sibling (a); w; w = gtk_widget_get_next_sibling (w))
    if (w == b)
      return TRUE;
  return FALSE;
}

/* The first action row under @widget whose title is one of the classes, in widget order. */
static const char *
first_class_row (GtkWidget *widget)
{
  if (ADW_IS_ACTION_ROW (widget) && gtk_widget_get_visible (widget))
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));

      if (g_strv_contains ((const char *[]) { "birds", "boats", "cats", "ships", NULL }, title))
        return title;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      const char *found = first_class_row (c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether a label or row on screen (mapped: not folded away) contains @needle. */
static gboolean
maps_text (GtkWidget  *widget,
           const char *needle)
{
  const char *texts[2] = { NULL, NULL };

  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget))
    texts[0] = gtk_label_get_label (GTK_LABEL (widget));
  if (ADW_IS_PREFERENCES_ROW (widget))
    texts[0] = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  if (ADW_IS_ACTION_ROW (widget))
    texts[1] = adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (texts[i] != NULL && strstr (texts[i], needle) != NULL)
      return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (maps_text (c, needle))
      return TRUE;
  return FALSE;
}

static gboolean
has_warning_icon (GtkWidget *widget)
{
  if (GTK_IS_IMAGE (widget) && gtk_widget_get_mapped (widget)
      && gtk_image_get_pixel_size (GTK_IMAGE (widget)) == 64)
    return gtk_widget_has_css_class (widget, "warning")
           && !gtk_widget_has_css_class (widget, "success");
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (has_warning_icon (c))
      return TRUE;
  return FALSE;
}

/* Opens @folder (at @input) in the window, exports it to @out_file from the export dialog and
 * waits for the export to complete; the dialog stays open on its summary. */
static GtkWidget *
export_folder (GFile      *folder,
               const char *input,
               GFile      *out_file)
{
  GtkWidget *dialog;

  veil_window_open_folder (VEIL_WINDOW (window), folder);
  UI_TEST_WAIT_FOR (veil_window_get_dataset (VEIL_WINDOW (window)) != NULL
                    && g_str_equal (veil_dataset_get_root (veil_window_get_dataset (
                                      VEIL_WINDOW (window))), input),
                    UI_TEST_TIMEOUT_S, "the folder to open");
  ui_test_wait_frames (GTK_WIDGET (window), 2, "the dataset page to be drawn");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL));
  dialog = ui_test_wait_toplevel (VEIL_TYPE_EXPORT_DIALOG, "the export dialog");
  g_assert_true (veil_export_dialog_set_output_folder (VEIL_EXPORT_DIALOG (dialog), out_file));
  g_assert_true (gtk_widget_activate_action (dialog, "export.start", NULL));
  UI_TEST_WAIT_FOR (ui_test_export_finished (dialog), 90, "the export to end");
  g_assert_cmpuint (veil_export_dialog_get_state (VEIL_EXPORT_DIALOG (dialog)), ==,
                    VEIL_EXPORT_DIALOG_STATE_COMPLETE);
  return dialog;
}

static void
test_failure_is_headline (void)
{
  g_autofree char *input = make_dataset ("mixed", (const char *[]) { "birds", "boats", "cats",
                                                                    NULL });
  g_autofree char *output = g_build_filename (tmpdir, "mixed-protected", NULL);
  g_autofree char *manifest_path = g_build_filename (output, VEIL_MANIFEST_NAME, NULL);
  g_autofree char *manifest = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GFile) folder = g_file_new_for_path (input);
  g_autoptr(GFile) out_file = g_file_new_for_path (output);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *survival;
  GtkWidget *dialog = NULL;
  GtkWidget *survival_group, *results_group;

  /* Filters applied as they are ("native"): right for the small pictures, lost on the large
   * photos once a scraper shrinks them to 224 px. */
  g_settings_set_int (settings, "training-resolution", 0);
  g_settings_set_int (settings, "kernel-size", 3);
  g_settings_set_double (settings, "blur", 0.3);
  g_settings_set_double (settings, "mix", 1.0);
  /* Every class carries a pattern to check: the random test key could make "boats" the decoy,
   * left as it is and never failing (test_decoy_is_not_failing covers that). */
  g_settings_set_boolean (settings, "decoy", FALSE);
  ui_test_use_key ("Survival test");
  dialog = export_folder (folder, input, out_file);
  /* maps_text() reads what is mapped: the summary page once its crossfade has drawn. */
  ui_test_wait_frames (dialog, 2, "the summary to be drawn");

  /* The record: boats washed out, the others pass. */
  g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));
  root = json_from_string (manifest, NULL);
  survival = json_object_get_object_member (json_node_get_object (root), "survival");
  g_assert_cmpstr (json_object_get_string_member (survival, "verdict"), ==, "washed-out");

  /* The headline is the failure: a warning, not "Export Complete" with a green tick. */
  g_assert_true (maps_text (dialog, "1 Class Would Not Stay Protected"));
  g_assert_false (maps_text (dialog, "Export Complete"));
  g_assert_true (has_warning_icon (dialog));
  /* What to do, in words, right under it. */
  g_assert_true (maps_text (dialog, "protect again with the training resolution set to 224 "
                                    "pixels"));
  g_assert_true (maps_text (dialog, "1 of 3 checked classes would not stay protected"));

  /* The check comes before the counts, and the failing class before the passing ones. */
  survival_group = find_group (dialog, "Will the Protection Survive Training?");
  results_group = find_group (dialog, "Results");
  g_assert_nonnull (survival_group);
  g_assert_nonnull (results_group);
  g_assert_true (comes_before (survival_group, results_group));
  g_assert_cmpstr (first_class_row (survival_group), ==, "boats");

  /* No decibels for the photographer; the figures wait in the folded details row. */
  g_assert_false (maps_text (dialog, "dB"));
  text = veil_export_dialog_dup_report_text (VEIL_EXPORT_DIALOG (dialog));
  g_assert_nonnull (strstr (text, "boats: Not protected."));
  g_assert_nonnull (strstr (text, "dB from the originals"));

  ui_test_save_screenshot (dialog, "export-survival-failed.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_wait_no_toplevel (VEIL_TYPE_EXPORT_DIALOG, "the export dialog to close");
}

/* The icon that says a class row's verdict (the row's own, hidden icon has none). */
static const char *
verdict_icon (GtkWidget *row,
              gboolean  *warning)
{
  GtkWidget *image;

  for (guint i = 0; (image = ui_test_find_nth_descendant (row, GTK_TYPE_IMAGE, i)) != NULL; i++)
    if (gtk_widget_get_visible (image) && gtk_image_get_icon_name (GTK_IMAGE (image)) != NULL)
      {
        *warning = gtk_widget_has_css_class (image, "warning");
        return gtk_image_get_icon_name (GTK_IMAGE (image));
      }
  return NULL;
}

/* The decoy class, left as it is on purpose, is no class that would not stay protected:
 * neither counted, nor listed among the failing ones, nor marked with a warning, and its row
 * says what it is. "birds" are small pictures that keep their pattern, "boats" and "ships"
 * large photos that lose it at the native setting: whichever class the key makes the decoy,
 * one fails at least, and the check measures the two others. */
static void
test_decoy_is_not_failing (void)
{
  const char *classes[] = { "birds", "boats", "ships", NULL };
  g_autofree char *input = make_dataset ("decoy", classes);
  g_autofree char *output = g_build_filename (tmpdir, "decoy-protected", NULL);
  g_autofree char *headline = NULL;
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GFile) folder = g_file_new_for_path (input);
  g_autoptr(GFile) out_file = g_file_new_for_path (output);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(VeilKey) key = NULL;
  g_autoptr(VeilFilterBank) bank = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog, *survival_group, *decoy_row;
  const char *decoy_name, *first;
  gboolean warning = TRUE;
  guint n_failing;
  int decoy;

  g_settings_set_int (settings, "training-resolution", 0);
  g_settings_set_int (settings, "kernel-size", 3);
  g_settings_set_double (settings, "blur", 0.3);
  g_settings_set_double (settings, "mix", 1.0);
  g_settings_set_boolean (settings, "decoy", TRUE);
  ui_test_use_key ("Survival test");

  /* Which class the key makes the decoy, as the export will. */
  key = veil_key_list_dup_active_key (veil_key_list_get_default ());
  bank = veil_filter_bank_new_full (key, classes, 3, VEIL_FILTER_KIND_BLUR, 3, 0.3, TRUE,
                                    &error);
  g_assert_no_error (error);
  decoy = veil_filter_bank_get_decoy (bank);
  if (decoy < 0)
    g_error ("a secret key and three classes without a decoy");
  decoy_name = classes[decoy];
  n_failing = decoy == 0 ? 2 : 1;
  g_test_message ("the decoy is “%s”", decoy_name);

  dialog = export_folder (folder, input, out_file);
  ui_test_wait_frames (dialog, 2, "the summary to be drawn");

  /* Counted: the two classes that carry a pattern, and only those that lose it. */
  headline = g_strdup_printf ("%u of 2 checked classes would not stay protected", n_failing);
  g_assert_true (maps_text (dialog, headline));
  g_assert_true (maps_text (dialog, n_failing == 1 ? "1 Class Would Not Stay Protected"
                                                   : "2 Classes Would Not Stay Protected"));

  /* Listed after the failing classes, with a neutral icon and what it is in words. */
  survival_group = find_group (dialog, "Will the Protection Survive Training?");
  g_assert_nonnull (survival_group);
  first = first_class_row (survival_group);
  g_assert_cmpstr (first, !=, decoy_name);
  decoy_row = ui_test_find_row (survival_group, ADW_TYPE_ACTION_ROW, decoy_name);
  g_assert_nonnull (decoy_row);
  g_assert_true (comes_before (ui_test_find_row (survival_group, ADW_TYPE_ACTION_ROW, first),
                               decoy_row));
  g_assert_cmpstr (verdict_icon (decoy_row, &warning), ==, "dialog-information-symbolic");
  g_assert_false (warning);
  g_assert_true (maps_text (decoy_row, "This is the decoy class"));
  for (guint c = 1; c < 3; c++)
    if ((int) c != decoy)
      {
        GtkWidget *row = ui_test_find_row (survival_group, ADW_TYPE_ACTION_ROW, classes[c]);

        g_assert_cmpstr (verdict_icon (row, &warning), ==, "dialog-warning-symbolic");
        g_assert_true (warning);
      }

  text = veil_export_dialog_dup_report_text (VEIL_EXPORT_DIALOG (dialog));
  line = g_strdup_printf ("%s: Decoy, left as it is.", decoy_name);
  g_assert_nonnull (strstr (text, line));
  g_assert_nonnull (strstr (text, "Decoy class: On\n"));
  /* In the saved report too the failing classes come first. */
  for (guint c = 1; c < 3; c++)
    if ((int) c != decoy)
      {
        g_autofree char *failing = g_strdup_printf ("%s: Not protected.", classes[c]);

        g_assert_nonnull (strstr (text, failing));
        g_assert_true (strstr (text, failing) < strstr (text, line));
      }

  /* After the crossfade from the progress page. */
  ui_test_wait_ms (500);
  ui_test_save_screenshot (dialog, "export-survival-decoy.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_wait_no_toplevel (VEIL_TYPE_EXPORT_DIALOG, "the export dialog to close");
}

static gboolean
model_view_ready (gpointer data)
{
  VeilWindow *win = data;
  GdkTexture *texture = veil_compare_view_get_texture (win->compare_view,
                                                       VEIL_COMPARE_LAYER_PROTECTED);

  return !veil_preview_job_is_busy (win->preview_job) && texture != NULL
         && MIN (gdk_texture_get_width (texture), gdk_texture_get_height (texture)) == 224;
}

/* The texture's colour equals the pixbuf's, byte for byte (downloads are B, G, R, A in memory
 * on this little-endian machine; the pictures are opaque). */
static void
assert_texture_is (GdkTexture *texture,
                   GdkPixbuf  *expected)
{
  g_autoptr(GBytes) bytes = ui_test_download (texture);
  const guint8 *t = g_bytes_get_data (bytes, NULL);
  const guint8 *e = gdk_pixbuf_read_pixels (expected);
  int w = gdk_pixbuf_get_width (expected), h = gdk_pixbuf_get_height (expected);
  int stride = gdk_pixbuf_get_rowstride (expected), nc = gdk_pixbuf_get_n_channels (expected);
  guint n_different = 0;

  g_assert_cmpint (gdk_texture_get_width (texture), ==, w);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < 3; c++)
        n_different += t[((gsize) y * w + x) * 4 + 2 - c] != e[(gsize) y * stride + x * nc + c];
  g_assert_cmpuint (n_different, ==, 0);
}

/* "As a Model Sees It" shows exactly what the survival check measures: the window's preview of
 * a photo at 224 px equals the core's shrink of the original and of the exported protected
 * copy, byte for byte (GdkPixbuf's tiles filter with its own rounding once differed). */
static void
test_model_view_is_checked_shrink (void)
{
  g_autofree char *input = g_build_filename (tmpdir, "model-view", NULL);
  g_autofree char *output = g_build_filename (tmpdir, "model-view-protected", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(VeilKey) key = NULL;
  g_autoptr(VeilExportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) original = NULL;
  g_autoptr(GdkPixbuf) exported = NULL;
  g_autoptr(GdkPixbuf) original_seen = NULL;
  g_autoptr(GdkPixbuf) exported_seen = NULL;
  g_autoptr(VeilImageItem) item = NULL;
  g_autofree char *original_path = NULL;
  g_autofree char *exported_path = NULL;
  VeilWindow *win = VEIL_WINDOW (window);
  VeilExportOptions options;

  /* 333 × 251: shrunk by an uneven factor, where roundings differ. */
  for (guint c = 0; c < 2; c++)
    for (guint i = 0; i < 2; i++)
      {
        g_autofree char *dir = g_strdup_printf ("%s/class%u", input, c);
        g_autofree char *path = g_strdup_printf ("%s/img%u.png", dir, i);

        g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
        write_detailed (path, 333, 251, 100 + c * 10 + i);
      }
  g_settings_set_int (settings, "training-resolution", 224);
  g_settings_set_int (settings, "kernel-size", 9);
  g_settings_set_double (settings, "blur", 0.06);
  g_settings_set_double (settings, "mix", 1.0);
  g_settings_set_boolean (settings, "model-view", TRUE);
  ui_test_use_key ("Survival test");
  ui_test_open_and_wait (win, input);
  ui_test_wait_until (model_view_ready, win, UI_TEST_TIMEOUT_S * 1000, "the model view");

  /* The export of the same folder with the same settings, as the survival check reads it. */
  key = veil_key_list_dup_active_key (veil_key_list_get_default ());
  veil_export_options_init (&options);
  options.key = key;
  options.k = 9;
  options.pb = 0.06;
  options.training_res = 224;
  options.format = VEIL_OUTPUT_FORMAT_PNG;
  options.survival_sample = 0;
  report = veil_export_run (veil_window_get_dataset (win), output, &options, NULL, NULL, NULL,
                            &error);
  g_assert_no_error (error);

  item = g_object_ref (gtk_single_selection_get_selected_item (win->image_selection));
  original_path = g_build_filename (input, veil_image_item_get_relative_path (item), NULL);
  exported_path = g_build_filename (output, veil_image_item_get_relative_path (item), NULL);
  original = gdk_pixbuf_new_from_file (original_path, &error);
  g_assert_no_error (error);
  exported = gdk_pixbuf_new_from_file (exported_path, &error);
  g_assert_no_error (error);
  original_seen = veil_survival_as_scraper_sees (original, 224, FALSE, &error);
  exported_seen = veil_survival_as_scraper_sees (exported, 224, FALSE, &error);
  g_assert_no_error (error);

  assert_texture_is (veil_compare_view_get_texture (win->compare_view,
                                                    VEIL_COMPARE_LAYER_ORIGINAL), original_seen);
  assert_texture_is (veil_compare_view_get_texture (win->compare_view,
                                                    VEIL_COMPARE_LAYER_PROTECTED), exported_seen);
  g_settings_set_boolean (settings, "model-view", FALSE);
}

int
main (int argc, char **argv)
{
  int ret;

  tmpdir = ui_test_make_private_home ("veil-ui-survival-XXXXXX");

  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      veil_test_rm_rf (tmpdir);
      return 77;
    }

  window = GTK_WINDOW (ui_test_start_app (&app));
  ui_test_wait_mapped (GTK_WIDGET (window), "the main window");

  g_test_add_func ("/ui/survival/failure-is-headline", test_failure_is_headline);
  g_test_add_func ("/ui/survival/decoy-is-not-failing", test_decoy_is_not_failing);
  g_test_add_func ("/ui/survival/model-view-is-checked-shrink",
                   test_model_view_is_checked_shrink);

  ret = g_test_run ();

  gtk_window_destroy (window);
  ui_test_wait_ms (50);
  g_clear_object (&app);
  veil_test_rm_rf (tmpdir);
  return ret;
}
