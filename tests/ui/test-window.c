/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-ui-test"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ui-test-util.h"
#include "veil-class-item.h"
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
  f->settings = g_settings_new (APP_ID);
  /* The test images are small: use the photographic preset with a training size below them so
   * the enlarged-filter path runs, and a visible strength. */
  g_settings_set_int (f->settings, "kernel-size", 5);
  g_settings_set_double (f->settings, "blur", 0.2);
  g_settings_set_int (f->settings, "training-resolution", 32);
  g_settings_set_string (f->settings, "compare-mode", "side-by-side");
  g_settings_set_boolean (f->settings, "model-view", FALSE);
  f->dataset = ui_test_make_dataset (3, 4, 120, 80);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  ui_test_wait_ms (50);
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
  ui_test_wait_ms (50);

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
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_true (g_file_set_contents (file, "not really", -1, NULL));
  veil_window_open_folder (f->window, folder);
  while (g_strcmp0 (gtk_stack_get_visible_child_name (f->window->main_stack), "not-dataset") != 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
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
  ui_test_wait_until (compare_shows_error, f->window, 10000, "the preview error");
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
  ui_test_wait_until (dataset_is_open, f->window, 10000, "the dropped folder to open");
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
  ui_test_wait_ms (100);
  g_assert_true (gtk_widget_get_visible (popover));
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
  ui_test_wait_ms (300);
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
  ui_test_wait_ms (400);
  g_assert_true (adw_flap_get_reveal_flap (f->window->flap));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->window->adjust_panel)));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window->adjust_panel)), <=, 360);

  /* Wide again: nothing stays folded. */
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1240, 780);
  ui_test_wait_ms (300);
  g_assert_false (adw_leaflet_get_folded (f->window->leaflet));
  g_assert_false (adw_flap_get_folded (f->window->flap));
  g_assert_true (adw_squeezer_get_visible_child (f->window->compare_squeezer)
                 == gtk_widget_get_first_child (GTK_WIDGET (f->window->compare_squeezer)));
  g_assert_true (adw_squeezer_get_visible_child (f->window->export_squeezer)
                 == f->window->export_button);
}

static void
test_about (Fixture       *f,
            gconstpointer  data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *about = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "about", NULL);
  ui_test_wait_ms (100);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_ABOUT_WINDOW (window))
        about = window;
    }
  g_assert_nonnull (about);
  /* The method's paper is credited. */
  g_assert_nonnull (strstr (adw_about_window_get_comments (ADW_ABOUT_WINDOW (about)), "CVPR 2023"));
  gtk_window_destroy (about);
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
  return g_test_run ();
}
