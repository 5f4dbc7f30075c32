/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-ui-test"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ui-test-util.h"
#include "veil-class-item.h"
#include "veil-pixel-zoom.h"
#include "veil-test-util.h"

typedef struct
{
  VeilApplication *app;
  VeilWindow      *window;
  char            *dataset;
  GSettings       *settings;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->window = ui_test_start_app (&f->app);
  ui_test_wait_mapped (GTK_WIDGET (f->window), "the main window");
  f->settings = g_settings_new (APP_ID);
  /* The test images are small: use the photographic preset with a training size below them so
   * the enlarged-filter path runs, and a visible strength. */
  g_settings_set_int (f->settings, "kernel-size", 5);
  g_settings_set_double (f->settings, "blur", 0.2);
  g_settings_set_int (f->settings, "training-resolution", 32);
  g_settings_set_string (f->settings, "compare-mode", "side-by-side");
  g_settings_set_boolean (f->settings, "model-view", FALSE);
  /* The tests look for the filter in the preview of given classes: none may be the decoy,
   * which the random preview key may choose and leaves as it is (test-ui-decoy covers it). */
  g_settings_set_boolean (f->settings, "decoy", FALSE);
  f->dataset = ui_test_make_dataset (3, 4, 120, 80);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  ui_test_wait_no_toplevel (VEIL_TYPE_WINDOW, "the main window to close");
  g_clear_object (&f->app);
  g_clear_object (&f->settings);
  veil_test_rm_rf (f->dataset);
  g_free (f->dataset);
}

static void
test_open_lists_classes (Fixture       *f,
                         gconstpointer  data)
{
  GListModel *classes;
  g_autoptr(VeilClassItem) first = NULL;
  guint k = 0;

  ui_test_open_and_wait (f->window, f->dataset);

  classes = G_LIST_MODEL (gtk_list_view_get_model (f->window->class_list));
  g_assert_cmpuint (g_list_model_get_n_items (classes), ==, 3);
  first = g_list_model_get_item (classes, 0);
  g_assert_cmpstr (veil_class_item_get_name (first), ==, "class-a");
  g_assert_cmpuint (veil_class_item_get_n_images (first), ==, 4);
  /* The sidebar's heat-map has the class's current filter. */
  g_assert_nonnull (veil_class_item_get_filter (first, &k));
  g_assert_cmpuint (k, ==, 5);

  /* The grid shows the selected class's images. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->window->image_selection)), ==, 4);
  g_assert_nonnull (f->window->selected_image);
}

static void
test_slider_changes_protected_only (Fixture       *f,
                                    gconstpointer  data)
{
  GtkWidget *scale;
  g_autoptr(GBytes) original1 = NULL;
  g_autoptr(GBytes) protected1 = NULL;
  g_autoptr(GBytes) original2 = NULL;
  g_autoptr(GBytes) protected2 = NULL;
  guint k5 = 0, k9 = 0;
  g_autofree float *filter5 = NULL;
  g_autoptr(VeilClassItem) item = NULL;

  ui_test_open_and_wait (f->window, f->dataset);

  /* Another class, another image. */
  _veil_window_select_class (f->window, 1);
  _veil_window_select_image (f->window, 2);
  ui_test_wait_preview (f->window);
  g_assert_cmpuint (veil_image_item_get_class_index (f->window->selected_image), ==, 1);
  g_assert_cmpuint (veil_image_item_get_index (f->window->selected_image), ==, 4 + 2);

  original1 = ui_test_download (veil_preview_job_get_original (f->window->preview_job));
  protected1 = ui_test_download (veil_preview_job_get_protected (f->window->preview_job));
  g_assert_false (g_bytes_equal (original1, protected1));

  /* Move the p_b slider as a person would. */
  scale = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (f->window->adjust_panel),
                                                      VEIL_TYPE_ADJUST_PANEL, "blur_scale");
  g_assert_true (GTK_IS_SCALE (scale));
  gtk_range_set_value (GTK_RANGE (scale), 0.75);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (f->settings, "blur"), 0.75, 1e-9);
  ui_test_wait_preview (f->window);

  original2 = ui_test_download (veil_preview_job_get_original (f->window->preview_job));
  protected2 = ui_test_download (veil_preview_job_get_protected (f->window->preview_job));
  g_assert_true (g_bytes_equal (original1, original2));
  g_assert_false (g_bytes_equal (protected1, protected2));

  /* k changes the heat-map's filter. */
  item = g_list_model_get_item (G_LIST_MODEL (f->window->class_store), 1);
  filter5 = g_memdup2 (veil_class_item_get_filter (item, &k5), sizeof (float) * 25);
  g_settings_set_int (f->settings, "kernel-size", 9);
  veil_class_item_get_filter (item, &k9);
  g_assert_cmpuint (k5, ==, 5);
  g_assert_cmpuint (k9, ==, 9);
}

static void
test_views (Fixture       *f,
            gconstpointer  data)
{
  GdkTexture *difference;
  g_autoptr(GBytes) pixels = NULL;
  const guint8 *p;
  gsize len;
  gboolean any = FALSE;
  int decoded_height;

  ui_test_open_and_wait (f->window, f->dataset);

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.compare-mode", "s", "split");
  g_assert_cmpstr (veil_compare_view_get_mode (f->window->compare_view), ==, "split");
  veil_compare_view_set_split (f->window->compare_view, 0.25);
  g_assert_cmpfloat (veil_compare_view_get_split (f->window->compare_view), ==, 0.25);

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.compare-mode", "s", "difference");
  g_assert_cmpstr (veil_compare_view_get_mode (f->window->compare_view), ==, "difference");
  g_assert_cmpstr (g_settings_get_string (f->settings, "compare-mode"), ==, "difference");
  difference = veil_preview_job_get_difference (f->window->preview_job);
  g_assert_nonnull (difference);
  pixels = ui_test_download (difference);
  p = g_bytes_get_data (pixels, &len);
  for (gsize i = 0; i < len; i += 4)
    any |= p[i] | p[i + 1] | p[i + 2];
  g_assert_true (any);

  /* As a model sees it: both shrunk to the training resolution's short side. The decode is at
   * display size, so it may already be smaller than the file, but not below 32 here. */
  decoded_height = gdk_texture_get_height (veil_preview_job_get_original (f->window->preview_job));
  g_assert_cmpint (decoded_height, >, 32);
  g_assert_cmpint (decoded_height, <=, 80);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.model-view", NULL);
  g_assert_true (g_settings_get_boolean (f->settings, "model-view"));
  ui_test_wait_preview (f->window);
  g_assert_cmpint (gdk_texture_get_height (veil_preview_job_get_original (f->window->preview_job)),
                   ==, 32);
  g_assert_cmpint (gdk_texture_get_width (veil_preview_job_get_original (f->window->preview_job)),
                   ==, 48);
  g_assert_cmpint (gdk_texture_get_height (veil_preview_job_get_protected (f->window->preview_job)),
                   ==, 32);

  /* Native: nothing to shrink to. */
  g_settings_set_int (f->settings, "training-resolution", 0);
  ui_test_wait_preview (f->window);
  g_assert_cmpint (gdk_texture_get_height (veil_preview_job_get_original (f->window->preview_job)),
                   ==, decoded_height);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.compare-mode", "s", "side-by-side");
  g_assert_cmpstr (veil_compare_view_get_mode (f->window->compare_view), ==, "side-by-side");
}

static void
test_zoom (Fixture       *f,
           gconstpointer  data)
{
  ui_test_open_and_wait (f->window, f->dataset);

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.zoom-100", NULL);
  g_assert_cmpfloat_with_epsilon (veil_compare_view_get_effective_zoom (f->window->compare_view),
                                  1.0, 1e-9);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.zoom-in", NULL);
  g_assert_cmpfloat_with_epsilon (veil_compare_view_get_effective_zoom (f->window->compare_view),
                                  1.25, 1e-9);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.zoom-fit", NULL);
  g_assert_cmpfloat (veil_compare_view_get_zoom (f->window->compare_view), ==, VEIL_ZOOM_FIT);
}

static void
test_not_a_dataset (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *dir = veil_test_make_tmpdir ("veil-ui-flat-XXXXXX");
  g_autofree char *file = g_build_filename (dir, "loose.png", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);

  g_assert_true (g_file_set_contents (file, "not really", -1, NULL));
  veil_window_open_folder (f->window, folder);
  UI_TEST_WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (f->window->main_stack),
                               "not-dataset") == 0,
                    UI_TEST_TIMEOUT_S, "the page saying the folder is not a dataset");
  g_assert_null (f->window->dataset);
  veil_test_rm_rf (dir);
}

static void
test_recent_folders (Fixture       *f,
                     gconstpointer  data)
{
  g_auto(GStrv) recent = NULL;

  ui_test_open_and_wait (f->window, f->dataset);
  recent = g_settings_get_strv (f->settings, "recent-folders");
  g_assert_nonnull (recent[0]);
  g_assert_cmpstr (recent[0], ==, f->dataset);
}

static gboolean
compare_shows_error (gpointer data)
{
  VeilWindow *window = data;

  return g_strcmp0 (gtk_stack_get_visible_child_name (window->compare_stack), "empty") == 0
         && !veil_preview_job_is_busy (window->preview_job);
}

static void
test_broken_image (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *broken = g_build_filename (f->dataset, "class-b", "zz-broken.png", NULL);
  g_autofree char *description = NULL;

  /* A truncated PNG: the scan lists it, decoding it fails with a message naming it. */
  g_assert_true (g_file_set_contents (broken, "\x89PNG\r\n\x1a\n", 8, NULL));
  ui_test_open_and_wait (f->window, f->dataset);
  _veil_window_select_class (f->window, 1);
  _veil_window_select_image (f->window, 4);
  g_assert_cmpstr (veil_image_item_get_display_name (f->window->selected_image), ==,
                   "zz-broken.png");
  ui_test_wait_until (compare_shows_error, f->window, UI_TEST_TIMEOUT_S * 1000, "the preview error");
  g_object_get (f->window->compare_status, "description", &description, NULL);
  g_assert_nonnull (strstr (description, "zz-broken.png"));

  /* The next image shows again. */
  _veil_window_select_image (f->window, 0);
  ui_test_wait_preview (f->window);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->window->compare_stack), ==, "compare");
}

static GtkDropTarget *
find_drop_target (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }
  return NULL;
}

static gboolean
emit_drop (GtkDropTarget *target,
           GFile         *file)
{
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array (&file, 1));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);
  return accepted;
}

static gboolean
dataset_is_open (gpointer data)
{
  VeilWindow *window = data;

  return window->scan_cancellable == NULL && window->dataset != NULL;
}

/* Dropping a folder from a file manager goes through the window's drop target, as GTK delivers
 * it: a GdkFileList. A file that is not a folder is refused with a message. */
static void
test_drop_folder (Fixture       *f,
                  gconstpointer  data)
{
  GtkDropTarget *target = find_drop_target (GTK_WIDGET (f->window));
  g_autoptr(GFile) folder = g_file_new_for_path (f->dataset);
  g_autofree char *image_path = g_build_filename (f->dataset, "class-a", "img-00.png", NULL);
  g_autoptr(GFile) image = g_file_new_for_path (image_path);
  const GType *types;
  gsize n_types = 0;

  g_assert_nonnull (target);
  types = gtk_drop_target_get_gtypes (target, &n_types);
  g_assert_cmpuint (n_types, ==, 1);
  g_assert_true (types[0] == GDK_TYPE_FILE_LIST);

  g_assert_false (emit_drop (target, image));
  g_assert_null (f->window->dataset);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->window->main_stack), ==, "start");

  g_assert_true (emit_drop (target, folder));
  ui_test_wait_until (dataset_is_open, f->window, UI_TEST_TIMEOUT_S * 1000, "the dropped folder to open");
  g_assert_cmpstr (veil_dataset_get_root (f->window->dataset), ==, f->dataset);
  g_assert_cmpuint (veil_dataset_get_n_classes (f->window->dataset), ==, 3);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->window->main_stack), ==, "dataset");
}

/* The sidebar's skipped count opens a list naming each skipped file with the reason. */
static void
test_skipped_files (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *notes = g_build_filename (f->dataset, "notes.txt", NULL);
  g_autofree char *readme = g_build_filename (f->dataset, "class-b", "README", NULL);
  GtkWidget *row;
  GtkWidget *popover;
  guint n_rows = 0;
  gboolean found_readme = FALSE;

  g_assert_true (g_file_set_contents (notes, "x", -1, NULL));
  g_assert_true (g_file_set_contents (readme, "x", -1, NULL));
  ui_test_open_and_wait (f->window, f->dataset);

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window->skipped_button)));
  g_assert_cmpstr (gtk_label_get_label (f->window->skipped_label), ==, "2 files skipped");
  g_assert_null (strstr (gtk_label_get_label (f->window->dataset_summary_label), "skipped"));

  gtk_menu_button_popup (f->window->skipped_button);
  popover = GTK_WIDGET (gtk_menu_button_get_popover (f->window->skipped_button));
  UI_TEST_WAIT_FOR (gtk_widget_get_mapped (popover), UI_TEST_TIMEOUT_S,
                    "the skipped files' popover");
  for (row = gtk_widget_get_first_child (GTK_WIDGET (f->window->skipped_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
      const char *name = gtk_label_get_label (GTK_LABEL (gtk_widget_get_first_child (box)));
      const char *reason = gtk_label_get_label (GTK_LABEL (gtk_widget_get_last_child (box)));

      g_test_message ("%s: %s", name, reason);
      /* The reason is a sentence that names the file. */
      g_assert_nonnull (strstr (reason, name));
      if (g_str_equal (name, "class-b/README"))
        found_readme = TRUE;
      n_rows++;
    }
  g_assert_cmpuint (n_rows, ==, 2);
  g_assert_true (found_readme);
  gtk_popover_popdown (GTK_POPOVER (popover));

  /* A folder with nothing skipped has no button. */
  g_assert_cmpint (g_unlink (notes), ==, 0);
  g_assert_cmpint (g_unlink (readme), ==, 0);
  ui_test_open_and_wait (f->window, f->dataset);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->window->skipped_button)));
  g_assert_null (gtk_widget_get_first_child (GTK_WIDGET (f->window->skipped_list)));
}

static void
log_min_width (GtkWidget  *widget,
               const char *what)
{
  int min = 0, nat = 0;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  g_test_message ("%s: minimum %d, natural %d", what, min, nat);
}

/* A phone-sized window: everything folds and stays usable, with no layout warnings (they are
 * fatal in tests). */
static void
test_narrow (Fixture       *f,
             gconstpointer  data)
{
  GtkWidget *compact;
  int min_width = 0;

  gtk_window_set_default_size (GTK_WINDOW (f->window), 360, 640);
  ui_test_open_and_wait (f->window, f->dataset);
  /* The window reaches its size a few frames after the first map. */
  UI_TEST_WAIT_FOR (gtk_widget_get_width (GTK_WIDGET (f->window->leaflet)) <= 360
                    && adw_leaflet_get_folded (f->window->leaflet)
                    && adw_flap_get_folded (f->window->flap),
                    UI_TEST_TIMEOUT_S, "the narrow window to fold");
  log_min_width (gtk_widget_get_first_child (f->window->content), "content header");
  log_min_width (GTK_WIDGET (f->window->flap), "flap");
  /* The window's own width includes its resize borders; what a person sees is the leaflet. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window->leaflet)), <=, 360);
  log_min_width (GTK_WIDGET (f->window->leaflet), "leaflet");
  gtk_widget_measure (GTK_WIDGET (f->window->leaflet), GTK_ORIENTATION_HORIZONTAL, -1,
                      &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 360);

  /* The sidebar and the settings panel fold; the compare modes become icons that still have
   * names. */
  g_assert_true (adw_leaflet_get_folded (f->window->leaflet));
  g_assert_true (adw_flap_get_folded (f->window->flap));
  g_assert_false (adw_flap_get_reveal_flap (f->window->flap));
  compact = adw_squeezer_get_visible_child (f->window->compare_squeezer);
  g_assert_true (compact == gtk_widget_get_last_child (GTK_WIDGET (f->window->compare_squeezer)));
  /* Export gives up its label, not its button. */
  g_assert_true (adw_squeezer_get_visible_child (f->window->export_squeezer)
                 == f->window->export_icon_button);
  g_assert_true (gtk_widget_is_sensitive (f->window->export_icon_button));

  /* Choosing a class shows its images; the settings button opens the panel over them. */
  _veil_window_select_class (f->window, 1);
  g_signal_emit_by_name (f->window->class_list, "activate", 1);
  g_assert_true (adw_leaflet_get_visible_child (f->window->leaflet) == f->window->content);
  ui_test_wait_preview (f->window);
  gtk_widget_activate (f->window->adjust_button);
  /* A button activated from the keyboard clicks a moment later; the panel then slides in. */
  UI_TEST_WAIT_FOR (adw_flap_get_reveal_flap (f->window->flap)
                    && gtk_widget_get_mapped (GTK_WIDGET (f->window->adjust_panel)),
                    UI_TEST_TIMEOUT_S, "the settings panel to open");
  ui_test_wait_frames (GTK_WIDGET (f->window), 2, "the settings panel to be laid out");
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window->adjust_panel)), <=, 360);

  /* Wide again: nothing stays folded. */
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1240, 780);
  UI_TEST_WAIT_FOR (!adw_leaflet_get_folded (f->window->leaflet)
                    && !adw_flap_get_folded (f->window->flap),
                    UI_TEST_TIMEOUT_S, "the wide window to unfold");
  ui_test_wait_frames (GTK_WIDGET (f->window), 2, "the wide window to be laid out");
  g_assert_true (adw_squeezer_get_visible_child (f->window->compare_squeezer)
                 == gtk_widget_get_first_child (GTK_WIDGET (f->window->compare_squeezer)));
  g_assert_true (adw_squeezer_get_visible_child (f->window->export_squeezer)
                 == f->window->export_button);
}

/* A link row of the About window opens @url. */
static void
assert_link (GtkWindow  *about,
             const char *title,
             const char *url)
{
  GtkWidget *row = ui_test_find_row (GTK_WIDGET (about), ADW_TYPE_PREFERENCES_ROW, title);
  GVariant *target;

  g_assert_nonnull (row);
  g_assert_true (GTK_IS_ACTIONABLE (row));
  target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (row));
  g_assert_nonnull (target);
  g_assert_true (g_variant_is_of_type (target, G_VARIANT_TYPE_STRING));
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, url);
}

/* The links lead where the project lives (the metainfo's homepage) and to what is there: the
 * README's section on what protection does not promise, and the measurements. */
static void
assert_about_links (GtkWindow *about)
{
  const char *root = g_getenv ("VEIL_SOURCE_ROOT");
  g_autofree char *metainfo_path = NULL;
  g_autofree char *readme_path = NULL;
  g_autofree char *efficacy_path = NULL;
  g_autofree char *metainfo = NULL;
  g_autofree char *readme = NULL;
  g_autofree char *homepage = g_strdup_printf ("<url type=\"homepage\">%s</url>", PACKAGE_URL);

  g_assert_nonnull (root);
  metainfo_path = g_build_filename (root, "data", APP_ID ".metainfo.xml.in", NULL);
  readme_path = g_build_filename (root, "README.md", NULL);
  efficacy_path = g_build_filename (root, "doc", "EFFICACY.md", NULL);
  g_assert_true (g_file_get_contents (metainfo_path, &metainfo, NULL, NULL));
  g_assert_nonnull (strstr (metainfo, homepage));
  g_assert_true (g_file_get_contents (readme_path, &readme, NULL, NULL));
  /* GitHub's anchor #what-protection-does-not-promise is made from this heading. */
  g_assert_nonnull (strstr (readme, "\n## What protection does not promise\n"));
  g_assert_true (g_file_test (efficacy_path, G_FILE_TEST_IS_REGULAR));

  assert_link (about, "What Protection Does and Does Not Do",
               PACKAGE_URL "#what-protection-does-not-promise");
  assert_link (about, "How Protection Was Measured", PACKAGE_URL "/blob/main/doc/EFFICACY.md");
  g_assert_cmpstr (adw_about_window_get_website (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_URL);
}

static void
test_about (Fixture       *f,
            gconstpointer  data)
{
  GtkWindow *about = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "about", NULL);
  about = GTK_WINDOW (ui_test_wait_toplevel (ADW_TYPE_ABOUT_WINDOW, "the About window"));
  /* The method's paper is credited. */
  g_assert_nonnull (strstr (adw_about_window_get_comments (ADW_ABOUT_WINDOW (about)), "CVPR 2023"));
  assert_about_links (about);
  gtk_window_destroy (about);
}

/* ---- Zoom, the model view and the arrangement of the compare view ------------------------ */

static const guint8 *
pixel_at (GBytes *pixels,
          int     width,
          int     x,
          int     y)
{
  return (const guint8 *) g_bytes_get_data (pixels, NULL) + ((gsize) y * width + x) * 4;
}

/* Checks that @layer is drawn enlarged by nearest neighbour: each screen pixel of what is drawn
 * is the source pixel under its centre (no blending with neighbours), and the result is no
 * larger than the view. Returns the block size in screen pixels (the enlargement). */
static double
assert_nearest (VeilCompareView  *view,
                VeilCompareLayer  layer)
{
  GdkTexture *source = veil_compare_view_get_texture (view, layer);
  graphene_rect_t bounds, image;
  GdkTexture *rendered = veil_compare_view_get_rendered (view, layer, &bounds);
  g_autoptr(GBytes) src = NULL;
  g_autoptr(GBytes) out = NULL;
  int sw, sh, rw, rh;
  double step_x, step_y;
  guint distinct = 0;

  g_assert_nonnull (source);
  g_assert_nonnull (rendered);
  g_assert_true (veil_compare_view_get_image_rect (view, layer, &image));
  /* Enlarged: a new texture of the visible part, never the source stretched by the renderer. */
  g_assert_true (rendered != source);
  rw = gdk_texture_get_width (rendered);
  rh = gdk_texture_get_height (rendered);
  g_assert_cmpint (rw, <=, gtk_widget_get_width (GTK_WIDGET (view)));
  g_assert_cmpint (rh, <=, gtk_widget_get_height (GTK_WIDGET (view)));
  g_assert_cmpfloat (bounds.size.width, ==, rw);
  g_assert_cmpfloat (bounds.size.height, ==, rh);

  sw = gdk_texture_get_width (source);
  sh = gdk_texture_get_height (source);
  step_x = image.size.width / sw;
  step_y = image.size.height / sh;
  g_assert_cmpfloat (step_x, >, 1.0);
  src = ui_test_download (source);
  out = ui_test_download (rendered);
  for (int y = 0; y < rh; y++)
    for (int x = 0; x < rw; x++)
      {
        double ux = (bounds.origin.x + x + 0.5 - image.origin.x) / step_x;
        double uy = (bounds.origin.y + y + 0.5 - image.origin.y) / step_y;
        int sx = CLAMP ((int) floor (ux), 0, sw - 1);
        int sy = CLAMP ((int) floor (uy), 0, sh - 1);

        /* A centre on the border of two source pixels may go either way (the rectangles are
         * single-precision floats). */
        if (fabs (ux - round (ux)) < 1e-4 || fabs (uy - round (uy)) < 1e-4)
          continue;
        if (memcmp (pixel_at (out, rw, x, y), pixel_at (src, sw, sx, sy), 4) != 0)
          g_error ("Screen pixel %d,%d is not source pixel %d,%d (%.9g %.9g, image %g,%g %.9g×%g, "
                   "bounds %g,%g, source %d×%d)", x, y, sx, sy,
                   ux, uy, image.origin.x,
                   image.origin.y, image.size.width, image.size.height, bounds.origin.x,
                   bounds.origin.y, sw, sh);
        if (x > 0 && memcmp (pixel_at (out, rw, x, y), pixel_at (out, rw, x - 1, y), 4) != 0)
          distinct++;
      }
  /* A random picture: neighbouring blocks differ, so this is not one flat colour. */
  g_assert_cmpuint (distinct, >, (guint) (rw / step_x));
  return step_x;
}

static void
test_zoom_crisp (Fixture       *f,
                 gconstpointer  data)
{
  VeilCompareView *view = f->window->compare_view;
  GdkTexture *rendered;
  g_autoptr(GBytes) out = NULL;
  graphene_rect_t bounds, image, bounds_p, image_p;
  int rw, rh;

  ui_test_open_and_wait (f->window, f->dataset);
  veil_compare_view_set_zoom (view, 4.0);
  ui_test_wait_preview (f->window);
  /* The 120×80 test images are decoded whole, so 400 % is four screen pixels per pixel. */
  g_assert_cmpint (gdk_texture_get_width (veil_compare_view_get_texture (
                     view, VEIL_COMPARE_LAYER_ORIGINAL)), ==, 120);
  g_assert_cmpfloat (assert_nearest (view, VEIL_COMPARE_LAYER_ORIGINAL), ==, 4.0);
  g_assert_cmpfloat (assert_nearest (view, VEIL_COMPARE_LAYER_PROTECTED), ==, 4.0);

  /* Blocks of 4×4 identical pixels, each where the source had one pixel. */
  rendered = veil_compare_view_get_rendered (view, VEIL_COMPARE_LAYER_ORIGINAL, &bounds);
  g_assert_true (veil_compare_view_get_image_rect (view, VEIL_COMPARE_LAYER_ORIGINAL, &image));
  g_assert_cmpfloat (image.origin.x, ==, floor (image.origin.x));
  g_assert_cmpfloat (image.origin.y, ==, floor (image.origin.y));
  rw = gdk_texture_get_width (rendered);
  rh = gdk_texture_get_height (rendered);
  out = ui_test_download (rendered);
  for (int y = 0; y < rh; y++)
    for (int x = 0; x < rw; x++)
      {
        /* The block's first screen pixel, in this texture's coordinates. */
        int ax = (int) (bounds.origin.x + x - image.origin.x);
        int ay = (int) (bounds.origin.y + y - image.origin.y);
        int bx = MAX (0, x - ax % 4);
        int by = MAX (0, y - ay % 4);

        g_assert_cmpmem (pixel_at (out, rw, x, y), 4, pixel_at (out, rw, bx, by), 4);
      }

  /* Both sides show the same part of the picture, also after a pan. */
  veil_compare_view_set_pan (view, 37, -11);
  veil_compare_view_get_rendered (view, VEIL_COMPARE_LAYER_ORIGINAL, &bounds);
  veil_compare_view_get_image_rect (view, VEIL_COMPARE_LAYER_ORIGINAL, &image);
  veil_compare_view_get_rendered (view, VEIL_COMPARE_LAYER_PROTECTED, &bounds_p);
  veil_compare_view_get_image_rect (view, VEIL_COMPARE_LAYER_PROTECTED, &image_p);
  g_assert_cmpfloat (bounds.origin.x - image.origin.x, ==, bounds_p.origin.x - image_p.origin.x);
  g_assert_cmpfloat (bounds.origin.y - image.origin.y, ==, bounds_p.origin.y - image_p.origin.y);
  g_assert_cmpfloat (bounds.size.width, ==, bounds_p.size.width);
  g_assert_cmpfloat (bounds.size.height, ==, bounds_p.size.height);
  assert_nearest (view, VEIL_COMPARE_LAYER_PROTECTED);

  /* The same in the other modes. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.compare-mode", "s", "difference");
  g_assert_cmpfloat (assert_nearest (view, VEIL_COMPARE_LAYER_DIFFERENCE), ==, 4.0);
  g_assert_null (veil_compare_view_get_rendered (view, VEIL_COMPARE_LAYER_ORIGINAL, NULL));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.compare-mode", "s", "split");
  assert_nearest (view, VEIL_COMPARE_LAYER_ORIGINAL);
  assert_nearest (view, VEIL_COMPARE_LAYER_PROTECTED);

  /* At or below the image's own size the renderer draws the image itself. */
  veil_compare_view_set_zoom (view, 0.5);
  g_assert_true (veil_compare_view_get_rendered (view, VEIL_COMPARE_LAYER_ORIGINAL, NULL)
                 == veil_compare_view_get_texture (view, VEIL_COMPARE_LAYER_ORIGINAL));
}

static gboolean
preview_has_model_size (gpointer data)
{
  Fixture *f = data;
  GdkTexture *texture = veil_compare_view_get_texture (f->window->compare_view,
                                                       VEIL_COMPARE_LAYER_ORIGINAL);

  return !veil_preview_job_is_busy (f->window->preview_job) && texture != NULL
         && gdk_texture_get_height (texture) < 400;
}

static void
assert_short_side (VeilCompareView  *view,
                   VeilCompareLayer  layer,
                   int               expected)
{
  GdkTexture *texture = veil_compare_view_get_texture (view, layer);

  g_assert_nonnull (texture);
  g_assert_cmpint (MIN (gdk_texture_get_width (texture), gdk_texture_get_height (texture)), ==,
                   expected);
}

/* As a model sees it: the images are at the training resolution (even when the view is smaller
 * than that: a 3:2 photo in a narrow side-by-side pane was once shown at 223 px), the difference
 * is the difference of those, and they are enlarged to fit by whole pixels. */
static void
test_model_view (Fixture       *f,
                 gconstpointer  data)
{
  VeilCompareView *view = f->window->compare_view;
  g_autofree char *photos = ui_test_make_dataset (2, 2, 600, 400);
  GdkTexture *original, *protected_image, *difference;
  g_autoptr(GBytes) o = NULL;
  g_autoptr(GBytes) p = NULL;
  g_autoptr(GBytes) d = NULL;
  double gain;
  gsize len;
  int pane_width, pane_height;

  g_settings_set_int (f->settings, "training-resolution", 224);
  g_settings_set_boolean (f->settings, "model-view", TRUE);
  ui_test_open_and_wait (f->window, photos);
  ui_test_wait_until (preview_has_model_size, f, UI_TEST_TIMEOUT_S * 1000, "the model view");
  veil_compare_view_get_pane_size (view, &pane_width, &pane_height);
  g_test_message ("pane %d × %d, stacked %d", pane_width, pane_height,
                  veil_compare_view_get_stacked (view));

  assert_short_side (view, VEIL_COMPARE_LAYER_ORIGINAL, 224);
  assert_short_side (view, VEIL_COMPARE_LAYER_PROTECTED, 224);
  assert_short_side (view, VEIL_COMPARE_LAYER_DIFFERENCE, 224);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.compare-mode", "s", "difference");
  ui_test_wait_preview (f->window);
  assert_short_side (view, VEIL_COMPARE_LAYER_DIFFERENCE, 224);

  /* The difference is that of the two shrunk images, amplified. */
  original = veil_compare_view_get_texture (view, VEIL_COMPARE_LAYER_ORIGINAL);
  protected_image = veil_compare_view_get_texture (view, VEIL_COMPARE_LAYER_PROTECTED);
  difference = veil_compare_view_get_texture (view, VEIL_COMPARE_LAYER_DIFFERENCE);
  gain = veil_preview_job_get_difference_gain (f->window->preview_job);
  o = ui_test_download (original);
  p = ui_test_download (protected_image);
  d = ui_test_download (difference);
  g_assert_false (g_bytes_equal (o, p));
  for (gsize i = 0; i < g_bytes_get_size (d); i++)
    {
      const guint8 *po = g_bytes_get_data (o, &len);
      const guint8 *pp = g_bytes_get_data (p, NULL);
      const guint8 *pd = g_bytes_get_data (d, NULL);

      if (i % 4 == 3)
        continue;
      g_assert_cmpuint (pd[i], ==, (guint8) MIN (255.0, abs ((int) po[i] - pp[i]) * gain));
    }

  /* One image fills the view: at 224 px it is enlarged, pixel by pixel. */
  assert_nearest (view, VEIL_COMPARE_LAYER_DIFFERENCE);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.compare-mode", "s", "side-by-side");
  assert_short_side (view, VEIL_COMPARE_LAYER_ORIGINAL, 224);
  veil_compare_view_set_zoom (view, 2.0);
  ui_test_wait_preview (f->window);
  assert_short_side (view, VEIL_COMPARE_LAYER_ORIGINAL, 224);
  assert_nearest (view, VEIL_COMPARE_LAYER_ORIGINAL);
  assert_nearest (view, VEIL_COMPARE_LAYER_PROTECTED);

  /* Off again: the images are at display size. */
  veil_compare_view_set_zoom (view, VEIL_ZOOM_FIT);
  g_settings_set_boolean (f->settings, "model-view", FALSE);
  ui_test_wait_preview (f->window);
  g_assert_cmpint (gdk_texture_get_height (veil_compare_view_get_texture (
                     view, VEIL_COMPARE_LAYER_ORIGINAL)), >, 224);
  veil_test_rm_rf (photos);
}

/* A texture of random pixels, made in code. */
static GdkTexture *
random_texture (int     width,
                int     height,
                guint32 seed)
{
  gsize stride = (gsize) width * 4;
  guint8 *data = g_malloc (stride * height);
  g_autoptr(GBytes) bytes = NULL;

  for (gsize i = 0; i < stride * height; i += 4)
    {
      seed = seed * 1664525u + 1013904223u;
      data[i] = seed >> 24;
      data[i + 1] = seed >> 16;
      data[i + 2] = seed >> 8;
      data[i + 3] = 255;
    }
  bytes = g_bytes_new_take (data, stride * height);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes, stride);
}

/* The same as the preview makes them: an RGB pixbuf behind the texture. */
static GdkTexture *
random_pixbuf_texture (int     width,
                       int     height,
                       guint32 seed)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guint8 *data = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width * 3; x++)
      {
        seed = seed * 1664525u + 1013904223u;
        data[(gsize) y * stride + x] = seed >> 24;
      }
  return veil_pixel_zoom_texture_new (pixbuf);
}

typedef struct
{
  GtkWindow       *window;
  VeilCompareView *view;
  int              width;
  int              height;
} Standalone;

static gboolean
standalone_allocated (gpointer data)
{
  Standalone *s = data;

  return gtk_widget_get_width (GTK_WIDGET (s->view)) == s->width
         && gtk_widget_get_height (GTK_WIDGET (s->view)) == s->height;
}

/* A compare view of exactly @width×@height (at least its natural 480×360) in a window of its
 * own. */
static void
standalone_init (Standalone *s,
                 int         width,
                 int         height)
{
  s->width = width;
  s->height = height;
  s->window = GTK_WINDOW (gtk_window_new ());
  s->view = VEIL_COMPARE_VIEW (veil_compare_view_new ());
  gtk_widget_set_size_request (GTK_WIDGET (s->view), width, height);
  gtk_window_set_resizable (s->window, FALSE);
  gtk_window_set_child (s->window, GTK_WIDGET (s->view));
  gtk_window_present (s->window);
  ui_test_wait_until (standalone_allocated, s, UI_TEST_TIMEOUT_S * 1000, "the compare view's size");
}

typedef struct
{
  int      view_width;
  int      view_height;
  int      image_width;
  int      image_height;
  gboolean stacked;
} ArrangementCase;

static const ArrangementCase arrangement_cases[] = {
  { 1000, 400, 600, 400, FALSE },   /* a wide view: photos beside each other */
  { 1200, 433, 1280, 800, FALSE },  /* the sample photo in a wide window */
  { 480, 760, 600, 400, TRUE },     /* a tall view: one above the other */
  { 1000, 500, 1600, 400, TRUE },   /* a panorama, even in a wide view */
  { 700, 700, 300, 900, FALSE },    /* portraits in a square view */
};

/* Side by side picks the arrangement that shows each image larger. */
static void
test_arrangement (gconstpointer data)
{
  const ArrangementCase *c = data;
  Standalone s;
  g_autoptr(GdkTexture) texture = random_texture (c->image_width / 4, c->image_height / 4, 1);
  graphene_rect_t a, b;
  double shown, other;
  double gap;

  standalone_init (&s, c->view_width, c->view_height);
  veil_compare_view_set_images (s.view, texture, texture, texture, c->image_width,
                                c->image_height);
  g_assert_cmpint (veil_compare_view_get_stacked (s.view), ==, c->stacked);
  g_assert_true (veil_compare_view_get_image_rect (s.view, VEIL_COMPARE_LAYER_ORIGINAL, &a));
  g_assert_true (veil_compare_view_get_image_rect (s.view, VEIL_COMPARE_LAYER_PROTECTED, &b));
  g_assert_cmpfloat_with_epsilon (a.size.width, b.size.width, 1e-6);
  if (c->stacked)
    {
      g_assert_cmpfloat (a.origin.y + a.size.height, <=, b.origin.y);
      /* Each image is centred in its half: one half and the gap apart. */
      gap = 2 * (b.origin.y - a.origin.y) - c->view_height;
      /* Beside each other instead, in the same view with the same gap. */
      other = MIN ((c->view_width - gap) / 2.0 / c->image_width,
                   (double) c->view_height / c->image_height);
    }
  else
    {
      g_assert_cmpfloat (a.origin.x + a.size.width, <=, b.origin.x);
      gap = 2 * (b.origin.x - a.origin.x) - c->view_width;
      other = MIN ((double) c->view_width / c->image_width,
                   (c->view_height - gap) / 2.0 / c->image_height);
    }
  shown = a.size.width / c->image_width;
  g_test_message ("shown at %.3f, the other arrangement %.3f (gap %.0f)", shown, other, gap);
  g_assert_cmpfloat (gap, >=, 0);
  g_assert_cmpfloat (gap, <=, 16);
  g_assert_cmpfloat (shown, >=, other);
  /* Both images lie whole within the view. */
  g_assert_cmpfloat (a.origin.x, >=, 0);
  g_assert_cmpfloat (a.origin.y, >=, 0);
  g_assert_cmpfloat (b.origin.x + b.size.width, <=, c->view_width + 0.5);
  g_assert_cmpfloat (b.origin.y + b.size.height, <=, c->view_height + 0.5);
  /* The texture is a quarter of the image's size, so it is shown enlarged: by nearest neighbour
   * also for a texture with no pixbuf behind it (downloaded once). */
  assert_nearest (s.view, VEIL_COMPARE_LAYER_ORIGINAL);
  gtk_window_destroy (s.window);
}

/* The cost of one pan step at 400 % of a 24-megapixel photo decoded at the preview's 4096 px
 * cap, in a large view: the visible part is enlarged again for both sides. */
static void
test_zoom_cost (void)
{
  Standalone s;
  g_autoptr(GdkTexture) original = random_pixbuf_texture (4096, 2731, 1);
  g_autoptr(GdkTexture) protected_image = random_pixbuf_texture (4096, 2731, 2);
  gint64 start;
  double first_ms, step_ms;
  const int steps = 20;

  standalone_init (&s, 1200, 700);
  veil_compare_view_set_images (s.view, original, protected_image, original, 6000, 4000);
  veil_compare_view_set_zoom (s.view, 4.0);

  start = g_get_monotonic_time ();
  veil_compare_view_get_rendered (s.view, VEIL_COMPARE_LAYER_ORIGINAL, NULL);
  veil_compare_view_get_rendered (s.view, VEIL_COMPARE_LAYER_PROTECTED, NULL);
  first_ms = (g_get_monotonic_time () - start) / 1000.0;

  start = g_get_monotonic_time ();
  for (int i = 0; i < steps; i++)
    {
      veil_compare_view_set_pan (s.view, 13.0 * i, -7.0 * i);
      veil_compare_view_get_rendered (s.view, VEIL_COMPARE_LAYER_ORIGINAL, NULL);
      veil_compare_view_get_rendered (s.view, VEIL_COMPARE_LAYER_PROTECTED, NULL);
    }
  step_ms = (g_get_monotonic_time () - start) / 1000.0 / steps;
  g_test_message ("enlarging both sides of a %d × %d view: first %.2f ms, then %.2f ms per pan "
                  "step", s.width, s.height, first_ms, step_ms);
  g_assert_cmpfloat (assert_nearest (s.view, VEIL_COMPARE_LAYER_ORIGINAL), >, 5.0);
  assert_nearest (s.view, VEIL_COMPARE_LAYER_PROTECTED);
  gtk_window_destroy (s.window);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add ("/ui/window/open-lists-classes", Fixture, NULL, fixture_set_up,
              test_open_lists_classes, fixture_tear_down);
  g_test_add ("/ui/window/slider-changes-protected-only", Fixture, NULL, fixture_set_up,
              test_slider_changes_protected_only, fixture_tear_down);
  g_test_add ("/ui/window/views", Fixture, NULL, fixture_set_up, test_views, fixture_tear_down);
  g_test_add ("/ui/window/zoom", Fixture, NULL, fixture_set_up, test_zoom, fixture_tear_down);
  g_test_add ("/ui/window/not-a-dataset", Fixture, NULL, fixture_set_up, test_not_a_dataset,
              fixture_tear_down);
  g_test_add ("/ui/window/recent-folders", Fixture, NULL, fixture_set_up, test_recent_folders,
              fixture_tear_down);
  g_test_add ("/ui/window/broken-image", Fixture, NULL, fixture_set_up, test_broken_image,
              fixture_tear_down);
  g_test_add ("/ui/window/drop-folder", Fixture, NULL, fixture_set_up, test_drop_folder,
              fixture_tear_down);
  g_test_add ("/ui/window/skipped-files", Fixture, NULL, fixture_set_up, test_skipped_files,
              fixture_tear_down);
  g_test_add ("/ui/window/narrow", Fixture, NULL, fixture_set_up, test_narrow, fixture_tear_down);
  g_test_add ("/ui/window/about", Fixture, NULL, fixture_set_up, test_about, fixture_tear_down);
  g_test_add ("/ui/window/zoom-crisp", Fixture, NULL, fixture_set_up, test_zoom_crisp,
              fixture_tear_down);
  g_test_add ("/ui/window/model-view", Fixture, NULL, fixture_set_up, test_model_view,
              fixture_tear_down);
  for (guint i = 0; i < G_N_ELEMENTS (arrangement_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/ui/compare-view/arrangement/%dx%d-%dx%d",
                                               arrangement_cases[i].view_width,
                                               arrangement_cases[i].view_height,
                                               arrangement_cases[i].image_width,
                                               arrangement_cases[i].image_height);

      g_test_add_data_func (path, &arrangement_cases[i], test_arrangement);
    }
  g_test_add_func ("/ui/compare-view/zoom-cost", test_zoom_cost);
  return g_test_run ();
}
