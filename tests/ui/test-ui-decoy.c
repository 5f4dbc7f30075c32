/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-decoy"

/* The decoy class in the real window on the sample set, driven as a person does: the switch in
 * the adjust panel, flipped before and after the presets; after every step the setting, the
 * switch, the preview's filters, the export dialog and an export's manifest agree, a preset
 * never changes the choice, and with an integer seed the switch cannot be used and says why.
 * A photo of the decoy class is previewed as it is, and the preview says so. */

#include "config.h"

#include <stdlib.h>

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "ui-test-util.h"
#include "veil-compare-view-private.h"
#include "veil-export-dialog-private.h"
#include "veil-export-text.h"
#include "veil-test-util.h"

static VeilApplication *app;
static VeilWindow *window;
static GSettings *settings;
static char *home;
static guint n_exports;

/* ---- The panel's controls, found as a person sees them, in the panel's order ------------- */

#define SMALL_PRESET      GTK_BUTTON (ui_test_panel_widget (window, GTK_TYPE_TOGGLE_BUTTON, 0))
#define SHARPENING_PRESET GTK_BUTTON (ui_test_panel_widget (window, GTK_TYPE_TOGGLE_BUTTON, 1))
#define PHOTO_PRESET      GTK_BUTTON (ui_test_panel_widget (window, GTK_TYPE_TOGGLE_BUTTON, 2))
#define DECOY_SWITCH      GTK_SWITCH (ui_test_panel_widget (window, GTK_TYPE_SWITCH, 1))

#define SEED_REASON "Not with an integer seed"

/* ---- The export dialog and the manifest ------------------------------------------------- */

static void
dialog_shows (VeilDecoyPlan expected)
{
  VeilExportDialog *dialog = ui_test_open_export_dialog (GTK_WIDGET (window));
  g_autofree char *shown = veil_export_text_decoy (expected);

  g_assert_cmpstr (gtk_label_get_label (dialog->decoy_label), ==, shown);
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_wait_no_toplevel (VEIL_TYPE_EXPORT_DIALOG, "the export dialog to close");
}

/* An export from the dialog records whether it has a decoy class, @recorded, and the report
 * says @expected. */
static void
export_records (VeilDecoyPlan expected,
                gboolean      recorded)
{
  VeilExportDialog *dialog = ui_test_open_export_dialog (GTK_WIDGET (window));
  g_autofree char *name = g_strdup_printf ("out-%u", n_exports++);
  g_autofree char *output = g_build_filename (home, name, NULL);
  g_autofree char *manifest = g_build_filename (output, "veil-manifest.json", NULL);
  g_autofree char *shown = veil_export_text_decoy (expected);
  g_autofree char *line = g_strdup_printf ("Decoy class: %s\n", shown);
  g_autofree char *report = NULL;
  g_autoptr(GFile) folder = g_file_new_for_path (output);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *parameters;

  g_assert_cmpstr (gtk_label_get_label (dialog->decoy_label), ==, shown);
  g_assert_true (veil_export_dialog_set_output_folder (dialog, folder));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.start", NULL));
  ui_test_wait_until (ui_test_export_finished, dialog, 100000, "the export to end");
  g_assert_cmpint (veil_export_dialog_get_state (dialog), ==, VEIL_EXPORT_DIALOG_STATE_COMPLETE);

  g_assert_true (json_parser_load_from_file (parser, manifest, &error));
  g_assert_no_error (error);
  parameters = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                              "parameters");
  g_assert_true (json_object_has_member (parameters, "decoy"));
  g_assert_cmpint (json_object_get_boolean_member (parameters, "decoy"), ==, recorded);
  report = veil_export_dialog_dup_report_text (dialog);
  g_assert_nonnull (strstr (report, line));

  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_wait_no_toplevel (VEIL_TYPE_EXPORT_DIALOG, "the export dialog to close");
}

/* @widget's first scrolled window scrolled to its end, as a person would scroll to what is
 * there (the decoy switch, the dialog's last row). */
static void
scroll_to_end (GtkWidget *widget)
{
  GtkWidget *scrolled = ui_test_find_descendant (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

  ui_test_wait_frames (widget, 2, "the scrolled window to be laid out");
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
}

/* The export dialog's setup page, for a person to look at. */
static void
screenshot_dialog (const char *name)
{
  VeilExportDialog *dialog = ui_test_open_export_dialog (GTK_WIDGET (window));

  scroll_to_end (GTK_WIDGET (dialog));
  ui_test_save_screenshot (GTK_WIDGET (dialog), name);
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_wait_no_toplevel (VEIL_TYPE_EXPORT_DIALOG, "the export dialog to close");
}

/* ---- One step -------------------------------------------------------------------------- */

/* The person's choice is @chosen; the export will do @expected. */
static void
check_step (const char    *what,
            gboolean       chosen,
            VeilDecoyPlan  expected)
{
  GtkSwitch *sw = DECOY_SWITCH;
  gboolean seed = expected == VEIL_DECOY_SEED_KEY;
  g_autofree char *step = g_strdup_printf ("the window to show step “%s”", what);

  g_test_message ("step: %s", what);
  /* Setting, switch, its reason and the preview's filters follow each other through
   * notifications: wait for all. */
  UI_TEST_WAIT_FOR (g_settings_get_boolean (settings, "decoy") == chosen
                    && gtk_switch_get_active (sw) == chosen
                    && gtk_widget_is_sensitive (GTK_WIDGET (sw)) == !seed
                    && ui_test_shows_text (GTK_WIDGET (window->adjust_panel), SEED_REASON) == seed
                    && window->bank != NULL
                    && (veil_filter_bank_get_decoy (window->bank) >= 0)
                       == (expected == VEIL_DECOY_CHOSEN),
                    UI_TEST_TIMEOUT_S, step);
  /* The preview works with the window's filters. */
  ui_test_wait_preview (window);
  dialog_shows (expected);
}

static void
start (void)
{
  g_settings_reset (settings, "filters");
  g_settings_reset (settings, "kernel-size");
  g_settings_reset (settings, "blur");
  g_settings_reset (settings, "mix");
  g_settings_reset (settings, "training-resolution");
  g_settings_reset (settings, "decoy");
  g_settings_set_boolean (settings, "use-seed", FALSE);
  ui_test_wait_preview (window);
  check_step ("the defaults", TRUE, VEIL_DECOY_CHOSEN);
}

/* Switch first, then the presets: none changes the choice. */
static void
test_switch_then_presets (void)
{
  start ();
  ui_test_flip (DECOY_SWITCH);
  check_step ("switch off", FALSE, VEIL_DECOY_TURNED_OFF);
  ui_test_press (SMALL_PRESET);
  check_step ("small images preset", FALSE, VEIL_DECOY_TURNED_OFF);
  ui_test_press (SHARPENING_PRESET);
  check_step ("against sharpening preset", FALSE, VEIL_DECOY_TURNED_OFF);
  export_records (VEIL_DECOY_TURNED_OFF, FALSE);

  ui_test_flip (DECOY_SWITCH);
  check_step ("switch on", TRUE, VEIL_DECOY_CHOSEN);
  ui_test_press (PHOTO_PRESET);
  check_step ("photographs preset", TRUE, VEIL_DECOY_CHOSEN);
  screenshot_dialog ("decoy-export-on.png");
  ui_test_press (SMALL_PRESET);
  check_step ("small images preset again", TRUE, VEIL_DECOY_CHOSEN);
  export_records (VEIL_DECOY_CHOSEN, TRUE);
}

/* Presets first, then the switch between them. */
static void
test_presets_then_switch (void)
{
  start ();
  ui_test_press (SHARPENING_PRESET);
  check_step ("against sharpening preset", TRUE, VEIL_DECOY_CHOSEN);
  ui_test_press (SMALL_PRESET);
  check_step ("small images preset", TRUE, VEIL_DECOY_CHOSEN);
  ui_test_flip (DECOY_SWITCH);
  check_step ("switch off after the presets", FALSE, VEIL_DECOY_TURNED_OFF);
  ui_test_press (PHOTO_PRESET);
  check_step ("photographs preset with the switch off", FALSE, VEIL_DECOY_TURNED_OFF);
  ui_test_flip (DECOY_SWITCH);
  check_step ("switch on with the photographs preset", TRUE, VEIL_DECOY_CHOSEN);
  ui_test_press (SHARPENING_PRESET);
  check_step ("against sharpening preset with the switch on", TRUE, VEIL_DECOY_CHOSEN);
}

/* An integer seed reproduces the paper: no decoy whatever the switch says, the switch cannot
 * be used and says why, and keeps the choice for a secret key. */
static void
test_seed_key (void)
{
  start ();
  g_settings_set_boolean (settings, "use-seed", TRUE);
  check_step ("integer seed", TRUE, VEIL_DECOY_SEED_KEY);
  scroll_to_end (GTK_WIDGET (window->adjust_panel));
  ui_test_save_screenshot (GTK_WIDGET (window->adjust_panel), "decoy-panel-seed.png");
  screenshot_dialog ("decoy-export-seed.png");
  ui_test_press (SMALL_PRESET);
  check_step ("small images preset with the seed", TRUE, VEIL_DECOY_SEED_KEY);
  export_records (VEIL_DECOY_SEED_KEY, FALSE);

  g_settings_set_boolean (settings, "use-seed", FALSE);
  check_step ("the secret key again", TRUE, VEIL_DECOY_CHOSEN);
}

/* ---- The preview of a decoy photo ------------------------------------------------------- */

/* How far the protected side is from the original, per byte on average. */
static double
protected_change (void)
{
  g_autoptr(GBytes) original = NULL;
  g_autoptr(GBytes) protected_image = NULL;
  const guint8 *o, *p;
  gsize len;
  double sum = 0;

  ui_test_wait_preview (window);
  original = ui_test_download (veil_preview_job_get_original (window->preview_job));
  protected_image = ui_test_download (veil_preview_job_get_protected (window->preview_job));
  o = g_bytes_get_data (original, &len);
  p = g_bytes_get_data (protected_image, NULL);
  g_assert_cmpuint (len, ==, g_bytes_get_size (protected_image));
  for (gsize i = 0; i < len; i++)
    sum += abs ((int) o[i] - p[i]);
  return sum / (double) len;
}

static void
select_photo (guint class_index)
{
  _veil_window_select_class (window, class_index);
  _veil_window_select_image (window, 0);
  ui_test_wait_preview (window);
  g_assert_cmpuint (veil_image_item_get_class_index (window->selected_image), ==, class_index);
}

/* A photo of the decoy class is shown as it is, with a note that says why; the other classes'
 * photos are protected without one; the switch turned off protects the decoy's photos too. */
static void
test_preview_note (void)
{
  int decoy;
  guint other;
  g_autofree char *note = NULL;
  double change_decoy, change_other, change_off;

  start ();
  decoy = veil_filter_bank_get_decoy (window->bank);
  g_assert_cmpint (decoy, >=, 0);
  other = (guint) (decoy + 1) % veil_dataset_get_n_classes (window->dataset);
  note = g_strdup_printf ("“%s” is the decoy class",
                          veil_filter_bank_get_class_name (window->bank, decoy));

  select_photo (other);
  change_other = protected_change ();
  g_assert_false (gtk_widget_get_visible (window->decoy_note));
  g_assert_cmpstr (window->compare_view->captions[1], ==, "Protected");

  select_photo ((guint) decoy);
  change_decoy = protected_change ();
  g_assert_true (gtk_widget_get_visible (window->decoy_note));
  g_assert_true (ui_test_shows_text (window->decoy_note, note));
  g_assert_cmpstr (window->compare_view->captions[1], ==, "Decoy class, left as it is");
  g_assert_true (ui_test_shows_text (GTK_WIDGET (window), "no filter (decoy class)"));
  scroll_to_end (GTK_WIDGET (window->adjust_panel));
  ui_test_save_screenshot (GTK_WIDGET (window), "decoy-preview.png");

  ui_test_flip (DECOY_SWITCH);
  check_step ("switch off on the decoy's photo", FALSE, VEIL_DECOY_TURNED_OFF);
  change_off = protected_change ();
  g_assert_false (gtk_widget_get_visible (window->decoy_note));
  g_assert_cmpstr (window->compare_view->captions[1], ==, "Protected");

  /* Only the brightness is evened out on the decoy's photo; the filter changes it more. */
  g_test_message ("average change per byte: decoy %.2f, the same photo filtered %.2f, another "
                  "class %.2f", change_decoy, change_off, change_other);
  g_assert_cmpfloat (change_decoy, <, change_off);

  ui_test_flip (DECOY_SWITCH);
  check_step ("switch on again", TRUE, VEIL_DECOY_CHOSEN);
  g_assert_true (gtk_widget_get_visible (window->decoy_note));
}

int
main (int    argc,
      char **argv)
{
  int ret;

  home = ui_test_make_private_home ("veil-ui-decoy-XXXXXX");
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return 77;
    }
  settings = g_settings_new (APP_ID);
  window = ui_test_open_samples_window (&app, "Decoy test");

  g_test_add_func ("/ui/decoy/switch-then-presets", test_switch_then_presets);
  g_test_add_func ("/ui/decoy/presets-then-switch", test_presets_then_switch);
  g_test_add_func ("/ui/decoy/seed-key", test_seed_key);
  g_test_add_func ("/ui/decoy/preview-note", test_preview_note);
  ret = g_test_run ();

  ui_test_close_window (window);
  g_clear_object (&settings);
  g_clear_object (&app);
  veil_test_rm_rf (home);
  g_free (home);
  return ret;
}
