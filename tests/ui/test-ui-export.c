/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-export"

/* The export dialog driven in the real application: export a labeled folder and check the
 * files and the summary; cancel an export, resume it, and check the result is the same, byte
 * for byte, as an export that ran straight through; the progress page during the survival
 * check. */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "veil-application.h"
#include "veil-dataset.h"
#include "veil-export-dialog.h"
#include "veil-export-view.h"
#include "veil-export.h"
#include "veil-key-list.h"
#include "ui-test-util.h"
#include "veil-test-util.h"
#include "veil-window.h"

static VeilApplication *app;
static GtkWindow *window;
static char *tmpdir;

/* A smooth picture with some texture, different per seed, so JPEG sizes stay realistic. */
static void
write_image (const char *path,
             int         width,
             int         height,
             guint32     seed,
             const char *type)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  double phase = seed * 0.37;
  guint8 noise[64];

  veil_test_fill_random (noise, sizeof noise, seed);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + x * 3;
        int n = noise[(x * 7 + y * 13) % 64] / 8;

        p[0] = (guint8) (127 + 100 * sin (x * 0.031 + phase) + n);
        p[1] = (guint8) (127 + 100 * cos (y * 0.027 - phase) + n);
        p[2] = (guint8) (127 + 100 * sin ((x + y) * 0.019 + 2 * phase));
      }

  if (g_str_equal (type, "jpeg"))
    gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "90", NULL);
  else
    gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
}

/* root/<class>/img<i>.jpg for each class, and the relative paths of the images made. */
static GPtrArray *
make_dataset (const char *root,
              guint       n_per_class,
              int         width,
              int         height)
{
  const char *classes[] = { "birds", "cats", "dogs" };
  GPtrArray *images = g_ptr_array_new_with_free_func (g_free);

  for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
    {
      g_autofree char *dir = g_build_filename (root, classes[c], NULL);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
      for (guint i = 0; i < n_per_class; i++)
        {
          g_autofree char *name = g_strdup_printf ("img%03u.jpg", i);
          g_autofree char *path = g_build_filename (dir, name, NULL);

          write_image (path, width, height, c * 1000 + i, "jpeg");
          g_ptr_array_add (images, g_build_filename (classes[c], name, NULL));
        }
    }
  return images;
}

static GHashTable *
checksum_tree (const char *root)
{
  GHashTable *sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) stack = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (stack, g_strdup (""));
  while (stack->len > 0)
    {
      g_autofree char *rel = g_ptr_array_steal_index (stack, stack->len - 1);
      g_autofree char *dir = g_build_filename (root, rel, NULL);
      g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
      const char *name;

      g_assert_nonnull (d);
      while ((name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child_rel = *rel ? g_build_filename (rel, name, NULL)
                                            : g_strdup (name);
          g_autofree char *child = g_build_filename (root, child_rel, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR))
            g_ptr_array_add (stack, g_steal_pointer (&child_rel));
          else
            g_hash_table_insert (sums, g_steal_pointer (&child_rel),
                                 veil_test_file_sha256 (child));
        }
    }
  return sums;
}

static void
assert_same_tree (GHashTable *a,
                  GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  g_assert_cmpuint (g_hash_table_size (a), ==, g_hash_table_size (b));
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_cmpstr (value, ==, g_hash_table_lookup (b, key));
}

static void
open_dataset (const char *root)
{
  g_autoptr(GFile) folder = g_file_new_for_path (root);
  VeilDataset *dataset;

  veil_window_open_folder (VEIL_WINDOW (window), folder);
  UI_TEST_WAIT_FOR ((dataset = veil_window_get_dataset (VEIL_WINDOW (window))) != NULL
                    && g_str_equal (veil_dataset_get_root (dataset), root),
                    UI_TEST_TIMEOUT_S, "the folder to open");
  ui_test_wait_frames (GTK_WIDGET (window), 2, "the dataset page to be drawn");
}

static void
close_dialog (VeilExportDialog *dialog)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_wait_no_toplevel (VEIL_TYPE_EXPORT_DIALOG, "the export dialog to close");
}

static gboolean
chooser_points_at (GtkFileChooser *chooser,
                   const char     *path)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (chooser);
  g_autofree char *current = file != NULL ? g_file_get_path (file) : NULL;

  return g_strcmp0 (current, path) == 0;
}

static void
test_export_complete (void)
{
  g_autofree char *input = g_build_filename (tmpdir, "photos", NULL);
  g_autofree char *output = g_build_filename (tmpdir, "photos-protected", NULL);
  g_autofree char *broken = g_build_filename (input, "cats", "broken.jpg", NULL);
  g_autofree char *small = g_build_filename (input, "birds", "small.png", NULL);
  g_autofree char *scan = g_build_filename (input, "birds", "scan.tif", NULL);
  g_autofree char *inside = g_build_filename (input, "cats", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) images = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GFile) out_file = g_file_new_for_path (output);
  g_autoptr(GFile) inside_file = g_file_new_for_path (inside);
  g_autoptr(GFile) input_file = g_file_new_for_path (input);
  g_autoptr(GFile) parent_file = g_file_new_for_path (tmpdir);
  g_autoptr(VeilKey) key = NULL;
  g_autofree char *fingerprint = NULL;
  const VeilExportReport *report;
  VeilExportDialog *dialog;
  guint n_not_surviving = 0;

  images = make_dataset (input, 4, 320, 240);
  write_image (small, 64, 64, 99, "png");
  g_ptr_array_add (images, g_strdup ("birds/small.png"));
  /* A scan of two pages: only the first is protected, and the summary says so. */
  {
    g_autoptr(GBytes) pages = veil_test_two_page_tiff (80, 60);

    g_assert_true (g_file_set_contents (scan, g_bytes_get_data (pages, NULL),
                                        (gssize) g_bytes_get_size (pages), NULL));
    g_ptr_array_add (images, g_strdup ("birds/scan.tif"));
  }
  g_assert_true (g_file_set_contents (broken, "\xff\xd8\xff\xe0 truncated", -1, NULL));
  before = checksum_tree (input);

  ui_test_use_key ("Export test");
  key = veil_key_list_dup_active_key (veil_key_list_get_default ());
  fingerprint = veil_key_dup_fingerprint (key);
  open_dataset (input);
  dialog = ui_test_open_export_dialog (GTK_WIDGET (window));

  /* An output that is the input, lies inside it or contains it is refused, and Export does
   * nothing then. */
  g_assert_false (veil_export_dialog_set_output_folder (dialog, inside_file));
  g_assert_true (ui_test_shows_text (GTK_WIDGET (dialog), "separate folder"));
  /* The action runs (or refuses) synchronously. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "export.start", NULL);
  g_assert_cmpuint (veil_export_dialog_get_state (dialog), ==, VEIL_EXPORT_DIALOG_STATE_SETUP);
  g_assert_false (veil_export_dialog_set_output_folder (dialog, input_file));
  g_assert_false (veil_export_dialog_set_output_folder (dialog, parent_file));

  g_assert_true (veil_export_dialog_set_output_folder (dialog, out_file));
  g_assert_false (ui_test_shows_text (GTK_WIDGET (dialog), "separate folder"));
  /* The parameters that will be used are on show, the key by name and fingerprint. */
  g_assert_true (ui_test_shows_text (GTK_WIDGET (dialog), fingerprint));
  g_assert_true (ui_test_shows_text (GTK_WIDGET (dialog), "Export test"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.start", NULL));
  UI_TEST_WAIT_FOR (ui_test_export_finished (dialog), 90, "the export to end");
  g_assert_cmpuint (veil_export_dialog_get_state (dialog), ==,
                    VEIL_EXPORT_DIALOG_STATE_COMPLETE);

  report = veil_export_dialog_get_report (dialog);
  g_assert_nonnull (report);
  g_assert_cmpuint (veil_export_report_get_n_protected (report), ==, images->len);
  g_assert_cmpuint (veil_export_report_get_n_failed (report), ==, 1);
  g_assert_cmpstr (veil_export_report_get_failed_path (report, 0), ==, "cats/broken.jpg");

  /* Every good image is in the mirror layout, with the manifest. */
  for (guint i = 0; i < images->len; i++)
    {
      g_autofree char *path = g_build_filename (output, g_ptr_array_index (images, i), NULL);

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
  {
    g_autofree char *manifest = g_build_filename (output, VEIL_MANIFEST_NAME, NULL);
    g_autofree char *missing = g_build_filename (output, "cats", "broken.jpg", NULL);

    g_assert_true (g_file_test (manifest, G_FILE_TEST_IS_REGULAR));
    g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  }

  /* The summary says what happened, naming the file that failed. A class that would not stay
   * protected takes the headline (smooth synthetic pictures may lose their pattern in a
   * scraper's shrink, depending on the key this run made): it must say what the report found
   * either way. */
  veil_survival_report_get_verdict (veil_export_report_get_survival (report), NULL,
                                    &n_not_surviving);
  g_test_message ("%u classes would not stay protected", n_not_surviving);
  if (n_not_surviving == 0)
    g_assert_true (ui_test_shows_text (GTK_WIDGET (dialog), "Export Finished With Problems"));
  else
    g_assert_true (ui_test_shows_text (GTK_WIDGET (dialog), "Would Not Stay Protected"));
  g_assert_true (ui_test_shows_text (GTK_WIDGET (dialog), "cats/broken.jpg"));
  g_assert_true (ui_test_shows_text (GTK_WIDGET (dialog), "Changed on the Way"));
  g_assert_true (ui_test_shows_text (GTK_WIDGET (dialog), "birds/scan.tif"));
  g_assert_true (ui_test_shows_text (GTK_WIDGET (dialog), "only the first frame or page was "
                                                          "kept"));
  text = veil_export_dialog_dup_report_text (dialog);
  g_assert_nonnull (strstr (text, "Export complete"));
  g_assert_nonnull (strstr (text, "cats/broken.jpg"));
  g_assert_nonnull (strstr (text, "Changed on the way: 1 image\n"
                                  "  birds/scan.tif: only the first frame or page was kept\n"));
  g_assert_nonnull (strstr (text, fingerprint));
  g_clear_pointer (&text, g_free);

  /* The survival check follows and lands in the summary and the report. */
  UI_TEST_WAIT_FOR (ui_test_shows_text (GTK_WIDGET (dialog), "birds")
                    && !ui_test_shows_text (GTK_WIDGET (dialog), "Checking…"),
                    UI_TEST_TIMEOUT_S, "the survival check in the summary");
  text = veil_export_dialog_dup_report_text (dialog);
  g_assert_nonnull (strstr (text, "Will the protection survive training?"));

  /* Save Report writes that text where the person chooses, by default next to the output
   * folder (the file chooser runs in-process here: there is no portal on the test bus). */
  {
    g_autofree char *report_path = g_build_filename (tmpdir, "photos-protected-report.txt",
                                                     NULL);
    g_autofree char *saved = NULL;
    GtkWidget *chooser;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.save-report", NULL));
    chooser = ui_test_wait_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG, "the file chooser");
    UI_TEST_WAIT_FOR (chooser_points_at (GTK_FILE_CHOOSER (chooser), report_path),
                      UI_TEST_TIMEOUT_S, "the chooser to point at the report's default path");
    gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
    UI_TEST_WAIT_FOR (g_file_test (report_path, G_FILE_TEST_EXISTS), UI_TEST_TIMEOUT_S,
                      "the saved report");
    g_assert_true (g_file_get_contents (report_path, &saved, NULL, NULL));
    g_assert_cmpstr (saved, ==, text);
  }

  /* The input is untouched. */
  after = checksum_tree (input);
  assert_same_tree (before, after);

  close_dialog (dialog);

  /* A folder of other files is refused up front, not after pressing Export. */
  {
    g_autofree char *other = g_build_filename (tmpdir, "other", NULL);
    g_autofree char *note = g_build_filename (other, "notes.txt", NULL);
    g_autoptr(GFile) other_file = g_file_new_for_path (other);

    g_assert_cmpint (g_mkdir_with_parents (other, 0755), ==, 0);
    g_assert_true (g_file_set_contents (note, "mine", -1, NULL));
    dialog = ui_test_open_export_dialog (GTK_WIDGET (window));
    g_assert_false (veil_export_dialog_set_output_folder (dialog, other_file));
    g_assert_true (ui_test_shows_text (GTK_WIDGET (dialog), "not empty"));
    close_dialog (dialog);
  }

  /* Exporting again into a finished export checks it and changes nothing. */
  {
    g_autoptr(GHashTable) out_before = checksum_tree (output);
    g_autoptr(GHashTable) out_after = NULL;

    dialog = ui_test_open_export_dialog (GTK_WIDGET (window));
    g_assert_true (veil_export_dialog_set_output_folder (dialog, out_file));
    g_assert_true (ui_test_shows_text (GTK_WIDGET (dialog), "already holds a finished export"));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.start", NULL));
    UI_TEST_WAIT_FOR (ui_test_export_finished (dialog), 90, "the export to end");
    g_assert_cmpuint (veil_export_dialog_get_state (dialog), ==,
                      VEIL_EXPORT_DIALOG_STATE_COMPLETE);
    report = veil_export_dialog_get_report (dialog);
    g_assert_cmpuint (veil_export_report_get_n_protected (report), ==, images->len);
    out_after = checksum_tree (output);
    assert_same_tree (out_before, out_after);
    close_dialog (dialog);
  }
}

static void
cancel_when_started (VeilExportDialog *dialog,
                     GParamSpec       *pspec,
                     gpointer          user_data)
{
  guint n_done;

  g_object_get (dialog, "n-done", &n_done, NULL);
  if (n_done >= 1 && veil_export_dialog_get_state (dialog) == VEIL_EXPORT_DIALOG_STATE_RUNNING)
    gtk_widget_activate_action (GTK_WIDGET (dialog), "export.cancel", NULL);
}

/* Starts an export into @output and cancels it once the first images are done. */
static void
export_and_cancel (VeilExportDialog *dialog,
                   const char       *output)
{
  g_autoptr(GFile) out_file = g_file_new_for_path (output);
  g_autofree char *text = NULL;
  gulong handler;

  g_assert_true (veil_export_dialog_set_output_folder (dialog, out_file));
  handler = g_signal_connect (dialog, "notify::n-done", G_CALLBACK (cancel_when_started), NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.start", NULL));
  UI_TEST_WAIT_FOR (ui_test_export_finished (dialog), 90, "the export to end");
  g_signal_handler_disconnect (dialog, handler);

  g_assert_cmpuint (veil_export_dialog_get_state (dialog), ==,
                    VEIL_EXPORT_DIALOG_STATE_CANCELLED);
  /* It says plainly that the folder is not complete, and offers to finish it. */
  g_assert_true (ui_test_shows_text (GTK_WIDGET (dialog), "Incomplete"));
  g_assert_true (ui_test_shows_text (GTK_WIDGET (dialog), "Resume Export"));
  text = veil_export_dialog_dup_report_text (dialog);
  g_assert_nonnull (strstr (text, "INCOMPLETE"));
  g_assert_true (veil_export_can_resume (output));
}

static void
test_cancel_resume (void)
{
  g_autofree char *input = g_build_filename (tmpdir, "large", NULL);
  g_autofree char *output = g_build_filename (tmpdir, "large-a", NULL);
  g_autofree char *output2 = g_build_filename (tmpdir, "large-b", NULL);
  g_autofree char *reference = g_build_filename (tmpdir, "large-ref", NULL);
  g_autoptr(GPtrArray) images = NULL;
  g_autoptr(GHashTable) ref_sums = NULL;
  g_autoptr(GHashTable) sums = NULL;
  g_autoptr(GHashTable) sums2 = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GFile) out2_file = g_file_new_for_path (output2);
  const VeilExportReport *report;
  VeilExportDialog *dialog;

  images = make_dataset (input, 16, 800, 600);
  ui_test_use_key ("Export test");
  open_dataset (input);

  /* The same export straight through, with the parameters the dialog reads. */
  {
    g_autoptr(VeilKey) key = veil_key_list_dup_active_key (veil_key_list_get_default ());
    g_autoptr(VeilExportReport) ref = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *format = g_settings_get_string (settings, "output-format");
    VeilExportOptions options;

    veil_export_options_init (&options);
    options.key = key;
    options.k = (guint) g_settings_get_int (settings, "kernel-size");
    options.pb = g_settings_get_double (settings, "blur");
    options.mix = g_settings_get_double (settings, "mix");
    options.training_res = (guint) g_settings_get_int (settings, "training-resolution");
    options.format = g_str_equal (format, "png") ? VEIL_OUTPUT_FORMAT_PNG
                                                 : VEIL_OUTPUT_FORMAT_KEEP;
    options.jpeg_quality = g_settings_get_int (settings, "jpeg-quality");
    ref = veil_export_run (veil_window_get_dataset (VEIL_WINDOW (window)), reference, &options,
                           NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (veil_export_report_get_n_protected (ref), ==, images->len);
    ref_sums = checksum_tree (reference);
  }

  /* Cancel, then Resume in the same dialog. */
  dialog = ui_test_open_export_dialog (GTK_WIDGET (window));
  export_and_cancel (dialog, output);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.resume", NULL));
  UI_TEST_WAIT_FOR (ui_test_export_finished (dialog), 90, "the export to end");
  g_assert_cmpuint (veil_export_dialog_get_state (dialog), ==,
                    VEIL_EXPORT_DIALOG_STATE_COMPLETE);
  report = veil_export_dialog_get_report (dialog);
  g_assert_cmpuint (veil_export_report_get_n_protected (report), ==, images->len);
  g_assert_cmpuint (veil_export_report_get_n_skipped (report), >, 0);
  /* Smooth synthetic pictures may lose their pattern in a scraper's shrink, depending on the
   * key this run made: the headline must say what the report found either way. */
  if (veil_survival_report_get_all_pass (veil_export_report_get_survival (report)))
    g_assert_true (ui_test_shows_text (GTK_WIDGET (dialog), "Export Complete"));
  else
    g_assert_true (ui_test_shows_text (GTK_WIDGET (dialog), "Would Not Stay Protected"));
  sums = checksum_tree (output);
  assert_same_tree (ref_sums, sums);
  close_dialog (dialog);

  /* Cancel, close the dialog; choosing the same folder again offers to resume. */
  dialog = ui_test_open_export_dialog (GTK_WIDGET (window));
  export_and_cancel (dialog, output2);
  close_dialog (dialog);
  dialog = ui_test_open_export_dialog (GTK_WIDGET (window));
  g_assert_true (veil_export_dialog_set_output_folder (dialog, out2_file));
  g_assert_true (ui_test_shows_text (GTK_WIDGET (dialog), "Unfinished Export in This Folder"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.start", NULL));
  UI_TEST_WAIT_FOR (ui_test_export_finished (dialog), 90, "the export to end");
  g_assert_cmpuint (veil_export_dialog_get_state (dialog), ==,
                    VEIL_EXPORT_DIALOG_STATE_COMPLETE);
  report = veil_export_dialog_get_report (dialog);
  g_assert_cmpuint (veil_export_report_get_n_skipped (report), >, 0);
  sums2 = checksum_tree (output2);
  assert_same_tree (ref_sums, sums2);
  close_dialog (dialog);
}

static GtkProgressBar *
find_progress_bar (GtkWidget *widget)
{
  if (GTK_IS_PROGRESS_BAR (widget))
    return GTK_PROGRESS_BAR (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkProgressBar *bar = find_progress_bar (c);

      if (bar != NULL)
        return bar;
    }
  return NULL;
}

/* The progress page during the survival check, fed what the export dialog feeds it: it says
 * so and counts the pairs checked; Stop keeps its word; stopped there, the summary says only
 * the check is left. */
static void
test_checking_progress (void)
{
  g_autoptr(VeilExportView) view = g_object_ref_sink (g_object_new (VEIL_TYPE_EXPORT_VIEW, NULL));
  VeilExportProgress progress = { .n_done = 12, .n_total = 24, .eta_seconds = -1.0 };
  VeilExportParams params = { .input_dir = "/in", .output_dir = "/out", .k = 3, .pb = 0.3,
                              .mix = 1.0, .training_res = 224, .jpeg_quality = 95 };
  GtkProgressBar *bar = find_progress_bar (GTK_WIDGET (view));

  g_assert_nonnull (bar);
  veil_export_view_show_running (view, FALSE);
  veil_export_view_set_progress (view, &progress);
  g_assert_true (ui_test_shows_text (GTK_WIDGET (view), "12 of 24 images"));
  g_assert_false (ui_test_shows_text (GTK_WIDGET (view), "Checking the Protection…"));
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (bar), 0.5, 1e-9);

  progress = (VeilExportProgress) { .n_done = 24, .n_total = 24, .eta_seconds = 0.0,
                                    .phase = VEIL_EXPORT_PHASE_CHECKING,
                                    .n_checked = 6, .n_to_check = 24 };
  veil_export_view_set_progress (view, &progress);
  g_assert_true (ui_test_shows_text (GTK_WIDGET (view), "Checking the Protection…"));
  g_assert_true (ui_test_shows_text (GTK_WIDGET (view), "6 of 24 images checked"));
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (bar), 0.25, 1e-9);

  /* Progress already on its way after Stop does not take the title back. */
  veil_export_view_show_stopping (view);
  progress.n_checked = 7;
  veil_export_view_set_progress (view, &progress);
  g_assert_true (ui_test_shows_text (GTK_WIDGET (view), "Stopping…"));
  g_assert_false (ui_test_shows_text (GTK_WIDGET (view), "Checking the Protection…"));

  veil_export_view_show_summary (view, VEIL_EXPORT_OUTCOME_CANCELLED, &params, NULL, NULL, 24,
                                 24, TRUE, TRUE);
  g_assert_true (ui_test_shows_text (GTK_WIDGET (view), "Every image was written"));
}

int
main (int argc, char **argv)
{
  int ret;

  /* ui-harness.sh gives each test its own XDG folders; these keep the key store private
   * when the program is run by hand too. The user data folder is read once: set it first. */
  tmpdir = ui_test_make_private_home ("veil-ui-export-XXXXXX");

  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      veil_test_rm_rf (tmpdir);
      return 77;
    }

  window = GTK_WINDOW (ui_test_start_app (&app));
  ui_test_wait_mapped (GTK_WIDGET (window), "the main window");

  g_test_add_func ("/ui/export/complete", test_export_complete);
  g_test_add_func ("/ui/export/cancel-resume", test_cancel_resume);
  g_test_add_func ("/ui/export/checking-progress", test_checking_progress);

  ret = g_test_run ();

  gtk_window_destroy (window);
  ui_test_wait_ms (50);
  g_clear_object (&app);
  veil_test_rm_rf (tmpdir);
  return ret;
}
