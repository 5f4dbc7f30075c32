/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-tryout"

/* The defects of the new-user tryout in issue 10, each through the window as a person uses it:
 * a new folder never shows the previous folder's image; the wrong-layout page says what it
 * found; one class is warned about; the export dialog remembers the last output folder; the
 * summary of an export into a finished folder counts each image once; the class list selects
 * only on a click, not when the pointer passes over it. */

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gdk/x11/gdkx.h>

#include "ui-test-util.h"
#include "veil-compare-view-private.h"
#include "veil-export-dialog-private.h"
#include "veil-key-list.h"
#include "veil-test-util.h"

static VeilApplication *app;
static VeilWindow *window;
static char *home;

static gboolean
scan_finished (gpointer data)
{
  VeilWindow *w = data;

  return w->scan_cancellable == NULL;
}

static void
open_folder (const char *path)
{
  g_autoptr(GFile) folder = g_file_new_for_path (path);

  veil_window_open_folder (window, folder);
  ui_test_wait_until (scan_finished, window, UI_TEST_TIMEOUT_S * 1000, "the scan");
}

/* ---- A new folder ------------------------------------------------------------------------ */

typedef struct {
  GBytes   *old_pixels;  /* the first folder's image as shown */
  gboolean  checked;
} NewFolder;

static void
on_dataset_shown_cb (GtkStack   *stack,
                     GParamSpec *pspec,
                     NewFolder  *check)
{
  VeilCompareView *view = window->compare_view;

  /* Checked at the moment the new folder's page comes up, before its decode could finish. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "dataset") == 0)
    {
      GdkTexture *shown[] = { view->original, view->protected_image };

      /* The first folder's pictures are landscape, the second's portrait. */
      for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
        if (shown[i] != NULL)
          g_assert_cmpint (gdk_texture_get_height (shown[i]), >, gdk_texture_get_width (shown[i]));
      check->checked = TRUE;
    }
}

static void
test_new_folder (void)
{
  g_autofree char *first = ui_test_make_dataset (2, 2, 640, 480);
  g_autofree char *second = ui_test_make_dataset (2, 2, 480, 640); /* other pictures */
  g_autoptr(GBytes) last = NULL;
  NewFolder check = { NULL, FALSE };
  gulong id;

  ui_test_open_and_wait (window, first);
  check.old_pixels = ui_test_download (window->compare_view->original);

  id = g_signal_connect (window->main_stack, "notify::visible-child-name",
                         G_CALLBACK (on_dataset_shown_cb), &check);
  ui_test_open_and_wait (window, second);
  g_signal_handler_disconnect (window->main_stack, id);
  g_assert_true (check.checked);
  /* And the image shown in the end is the new folder's. */
  last = ui_test_download (window->compare_view->original);
  g_assert_false (g_bytes_equal (last, check.old_pixels));

  g_bytes_unref (check.old_pixels);
  veil_test_rm_rf (first);
  veil_test_rm_rf (second);
}

/* ---- What was found ---------------------------------------------------------------------- */

static void
write_png (const char *path)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 32, 32);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, 0x336699ff);
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
}

static const char *
not_dataset_text (void)
{
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "not-dataset");
  return adw_status_page_get_description (window->not_dataset_page);
}

static void
test_wrong_layout (void)
{
  g_autofree char *flat = veil_test_make_tmpdir ("veil-flat-XXXXXX");
  g_autofree char *empty = veil_test_make_tmpdir ("veil-empty-XXXXXX");
  g_autofree char *one = veil_test_make_tmpdir ("veil-one-XXXXXX");
  g_autofree char *one_class = g_build_filename (one, "cats", NULL);

  /* Photos straight in the folder: how many, and where they must go. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo%u.png", i);
      g_autofree char *path = g_build_filename (flat, name, NULL);

      write_png (path);
    }
  open_folder (flat);
  g_assert_nonnull (strstr (not_dataset_text (), "holds 3 images directly, not in class folders"));

  open_folder (empty);
  g_assert_nonnull (strstr (not_dataset_text (), "is empty"));
  g_assert_null (strstr (not_dataset_text (), "images directly"));

  /* One class opens, with a warning that stays in view. */
  g_assert_cmpint (g_mkdir (one_class, 0755), ==, 0);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("cat%u.png", i);
      g_autofree char *path = g_build_filename (one_class, name, NULL);

      write_png (path);
    }
  ui_test_open_and_wait (window, one);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->single_class_label)));
  g_assert_nonnull (strstr (gtk_label_get_label (window->single_class_label), "Only one class"));

  /* Two classes: no warning. */
  {
    g_autofree char *two = ui_test_make_dataset (2, 1, 32, 32);

    ui_test_open_and_wait (window, two);
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->single_class_label)));
    veil_test_rm_rf (two);
  }
  veil_test_rm_rf (flat);
  veil_test_rm_rf (empty);
  veil_test_rm_rf (one);
}

/* ---- The export dialog ------------------------------------------------------------------- */

static void
export_to (VeilExportDialog *dialog,
           const char       *path)
{
  g_autoptr(GFile) folder = g_file_new_for_path (path);

  g_assert_true (veil_export_dialog_set_output_folder (dialog, folder));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.start", NULL));
  ui_test_wait_until (ui_test_export_finished, dialog, 90000, "the export");
  g_assert_cmpint (veil_export_dialog_get_state (dialog), ==, VEIL_EXPORT_DIALOG_STATE_COMPLETE);
}

static void
on_n_done_cb (VeilExportDialog *dialog,
              GParamSpec       *pspec,
              gpointer          data)
{
  gtk_widget_activate_action (GTK_WIDGET (dialog), "export.cancel", NULL);
}

static void
test_export_dialog (void)
{
  g_autofree char *input = ui_test_make_dataset (2, 6, 400, 300);
  g_autofree char *finished = g_build_filename (home, "finished", NULL);
  g_autofree char *stopped = g_build_filename (home, "stopped", NULL);
  VeilExportDialog *dialog;
  const VeilExportReport *report;
  g_autofree char *count = NULL;
  g_autofree char *title = NULL;
  guint n;

  ui_test_open_and_wait (window, input);
  n = veil_dataset_get_n_images (veil_window_get_dataset (window));

  dialog = ui_test_open_export_dialog (GTK_WIDGET (window));
  export_to (dialog, finished);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Exporting into the finished folder again: every image was already there, and each is
   * counted once. */
  dialog = ui_test_open_export_dialog (GTK_WIDGET (window));
  export_to (dialog, finished);
  report = veil_export_dialog_get_report (dialog);
  g_assert_cmpuint (veil_export_report_get_n_skipped (report), ==, n);
  count = g_strdup_printf ("%u", n);
  title = g_strdup_printf ("%u of these were already in the folder", n);
  g_assert_true (ui_test_shows_text (GTK_WIDGET (dialog), title));
  g_assert_false (ui_test_shows_text (GTK_WIDGET (dialog), "Already Done"));
  g_assert_false (ui_test_shows_text (GTK_WIDGET (dialog), "interrupted"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* A finished folder is remembered as the place to look, not chosen again. */
  dialog = ui_test_open_export_dialog (GTK_WIDGET (window));
  g_assert_nonnull (dialog->last_output);
  g_assert_true (g_file_equal (dialog->last_output, g_file_new_for_path (finished)));
  g_assert_null (dialog->output);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* A stopped export's folder is chosen again, ready to resume. */
  dialog = ui_test_open_export_dialog (GTK_WIDGET (window));
  {
    g_autoptr(GFile) folder = g_file_new_for_path (stopped);
    gulong id;

    g_assert_true (veil_export_dialog_set_output_folder (dialog, folder));
    id = g_signal_connect (dialog, "notify::n-done", G_CALLBACK (on_n_done_cb), NULL);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.start", NULL));
    ui_test_wait_until (ui_test_export_finished, dialog, 90000, "the export to stop");
    g_signal_handler_disconnect (dialog, id);
  }
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (!veil_export_can_resume (stopped))
    {
      g_test_skip ("the export finished before it could be stopped");
      veil_test_rm_rf (input);
      return;
    }
  dialog = ui_test_open_export_dialog (GTK_WIDGET (window));
  g_assert_nonnull (dialog->output);
  g_assert_true (g_file_equal (dialog->output, dialog->last_output));
  g_assert_true (ui_test_shows_text (GTK_WIDGET (dialog), stopped));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog->resume_row)));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Another collection is not offered that export to resume: only the place to look. */
  {
    g_autofree char *other = ui_test_make_dataset (3, 1, 64, 48);

    ui_test_open_and_wait (window, other);
    dialog = ui_test_open_export_dialog (GTK_WIDGET (window));
    g_assert_null (dialog->output);
    g_assert_true (g_file_equal (dialog->last_output, g_file_new_for_path (stopped)));
    gtk_window_destroy (GTK_WINDOW (dialog));
    veil_test_rm_rf (other);
  }
  veil_test_rm_rf (input);
}

/* ---- The class list and the pointer ------------------------------------------------------ */

static gboolean
run_xdotool (const char *args,
             char      **out)
{
  g_autofree char *command = g_strdup_printf ("xdotool %s", args);
  int status = -1;

  if (!g_spawn_command_line_sync (command, out, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* The pointer passes over another class: nothing is selected until a click. */
static void
test_class_hover (void)
{
  g_autofree char *input = ui_test_make_dataset (4, 1, 64, 48);
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  g_autofree char *geometry = NULL;
  g_autofree char *move = NULL;
  GtkWidget *row;
  graphene_point_t point;
  double sx = 0, sy = 0;
  int wx = 0, wy = 0;
  const char *pos;

  if (xdotool == NULL || !GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_test_skip ("needs xdotool under X11");
      return;
    }
  ui_test_open_and_wait (window, input);
  g_assert_cmpuint (gtk_single_selection_get_selected (window->class_selection), ==, 0);

  /* The third class's row on the screen. */
  row = gtk_widget_get_first_child (GTK_WIDGET (window->class_list));
  for (guint i = 0; i < 2 && row != NULL; i++)
    row = gtk_widget_get_next_sibling (row);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_compute_point (row, GTK_WIDGET (window),
                                           &GRAPHENE_POINT_INIT (20,
                                                                 gtk_widget_get_height (row) / 2.0),
                                           &point));
  gtk_native_get_surface_transform (GTK_NATIVE (window), &sx, &sy);
  {
    g_autofree char *args = g_strdup_printf ("getwindowgeometry %lu",
                                             (gulong) gdk_x11_surface_get_xid (
                                               gtk_native_get_surface (GTK_NATIVE (window))));

    g_assert_true (run_xdotool (args, &geometry));
  }
  pos = strstr (geometry, "Position: ");
  g_assert_nonnull (pos);
  g_assert_cmpint (sscanf (pos, "Position: %d,%d", &wx, &wy), ==, 2);

  move = g_strdup_printf ("mousemove %d %d", wx + (int) (point.x + sx), wy + (int) (point.y + sy));
  g_assert_true (run_xdotool ("mousemove 1 1", NULL));
  g_assert_true (run_xdotool (move, NULL));
  /* The pointer is over the row (GTK says so), and resting there a while selects nothing. */
  UI_TEST_WAIT_FOR (gtk_widget_get_state_flags (row) & GTK_STATE_FLAG_PRELIGHT,
                    UI_TEST_TIMEOUT_S, "the pointer to be over the third class");
  ui_test_wait_ms (500);
  g_assert_cmpuint (gtk_single_selection_get_selected (window->class_selection), ==, 0);

  /* A click selects it. */
  g_assert_true (run_xdotool ("click 1", NULL));
  UI_TEST_WAIT_FOR (gtk_single_selection_get_selected (window->class_selection) == 2,
                    UI_TEST_TIMEOUT_S, "the click to select the third class");
  veil_test_rm_rf (input);
}

/* At 400 px the title stays, and the key button shows its icon with the name in its tooltip,
 * not a name squeezed to "…". */
static void
test_narrow (void)
{
  g_autofree char *input = ui_test_make_dataset (2, 1, 64, 48);
  GtkWidget *chooser = gtk_widget_get_first_child (GTK_WIDGET (window->key_chooser_box));
  GtkWidget *title = GTK_WIDGET (window->window_title);

  ui_test_open_and_wait (window, input);
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 700);
  UI_TEST_WAIT_FOR (adw_leaflet_get_folded (window->leaflet), UI_TEST_TIMEOUT_S,
                    "the narrow window to fold");
  adw_leaflet_set_visible_child (window->leaflet, window->content);
  UI_TEST_WAIT_FOR (!adw_leaflet_get_child_transition_running (window->leaflet)
                    && gtk_widget_get_mapped (title) && gtk_widget_get_mapped (chooser),
                    UI_TEST_TIMEOUT_S, "the content page to come in");
  ui_test_wait_frames (GTK_WIDGET (window), 2, "the narrow window to be laid out");

  g_assert_true (gtk_widget_get_mapped (title));
  g_assert_cmpint (gtk_widget_get_width (title), >=, 40);
  g_assert_true (gtk_widget_get_mapped (chooser));
  g_assert_false (ui_test_shows_text (chooser, "Tryout"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (
                              ui_test_find_descendant (chooser, GTK_TYPE_MENU_BUTTON)), "Tryout"));

  /* Wide again: the name is back. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  UI_TEST_WAIT_FOR (!adw_leaflet_get_folded (window->leaflet), UI_TEST_TIMEOUT_S,
                    "the wide window to unfold");
  UI_TEST_WAIT_FOR (ui_test_shows_text (chooser, "Tryout"), UI_TEST_TIMEOUT_S,
                    "the key's name to come back");
  veil_test_rm_rf (input);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  home = ui_test_make_private_home ("veil-ui-tryout-XXXXXX");
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return 77;
    }

  window = ui_test_start_app (&app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  ui_test_use_key ("Tryout");
  ui_test_wait_mapped (GTK_WIDGET (window), "the main window");

  g_test_add_func ("/ui/tryout/new-folder", test_new_folder);
  g_test_add_func ("/ui/tryout/wrong-layout", test_wrong_layout);
  g_test_add_func ("/ui/tryout/export-dialog", test_export_dialog);
  g_test_add_func ("/ui/tryout/class-hover", test_class_hover);
  g_test_add_func ("/ui/tryout/narrow", test_narrow);
  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_wait_ms (50);
  g_clear_object (&app);
  veil_test_rm_rf (home);
  g_free (home);
  return ret;
}
