/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-settings"

/* What you set is what you export. The real window on the sample set, driven as a person
 * does: press the presets and move the controls of the adjust panel in several orders; after
 * every step the preview's protected pixels change when they should, the export dialog lists
 * what the panel shows, and an export's manifest records exactly that. */

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "ui-test-util.h"
#include "veil-compare-view-private.h"
#include "veil-export-dialog-private.h"
#include "veil-export-text.h"
#include "veil-key-list.h"
#include "veil-protect-params.h"
#include "veil-test-util.h"

static VeilApplication *app;
static VeilWindow *window;
static char *home;
static guint n_exports;

/* ---- The panel's controls, found as a person sees them, in the panel's order ------------- */

#define SMALL_PRESET  GTK_BUTTON (ui_test_panel_widget (window, GTK_TYPE_TOGGLE_BUTTON, 0))
#define SHARPENING_PRESET GTK_BUTTON (ui_test_panel_widget (window, GTK_TYPE_TOGGLE_BUTTON, 1))
#define PHOTO_PRESET  GTK_BUTTON (ui_test_panel_widget (window, GTK_TYPE_TOGGLE_BUTTON, 2))
#define BLUR_SPIN     GTK_SPIN_BUTTON (ui_test_panel_widget (window, GTK_TYPE_SPIN_BUTTON, 0))
#define KERNEL_SPIN   GTK_SPIN_BUTTON (ui_test_panel_widget (window, GTK_TYPE_SPIN_BUTTON, 1))
#define RES_SPIN      GTK_SPIN_BUTTON (ui_test_panel_widget (window, GTK_TYPE_SPIN_BUTTON, 2))
#define BLUR_SCALE    GTK_RANGE (ui_test_panel_widget (window, GTK_TYPE_SCALE, 0))
#define MIX_SCALE     GTK_RANGE (ui_test_panel_widget (window, GTK_TYPE_SCALE, 1))
#define KIND_DROPDOWN GTK_DROP_DOWN (ui_test_panel_widget (window, GTK_TYPE_DROP_DOWN, 0))
#define RES_DROPDOWN  GTK_DROP_DOWN (ui_test_panel_widget (window, GTK_TYPE_DROP_DOWN, 1))

/* ---- What a person does ------------------------------------------------------------------ */

/* A drag of the slider to @value, as the pointer leaves it: any double, not a step. */
static void
drag (GtkRange *range,
      double    value)
{
  gboolean handled = FALSE;

  g_signal_emit_by_name (range, "change-value", GTK_SCROLL_JUMP, value, &handled);
}

/* Typing @text into a spin button and pressing Enter. */
static void
type_into (GtkSpinButton *spin,
           const char    *text)
{
  GtkWidget *entry = ui_test_find_descendant (GTK_WIDGET (spin), GTK_TYPE_TEXT);

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  g_signal_emit_by_name (entry, "activate");
}

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
  g_error ("no “%s” in the list", label);
}

/* ---- What the window shows ---------------------------------------------------------------- */

static GBytes *
protected_pixels (void)
{
  ui_test_wait_preview (window);
  return ui_test_download (veil_preview_job_get_protected (window->preview_job));
}

static GBytes *
original_pixels (void)
{
  ui_test_wait_preview (window);
  return ui_test_download (veil_preview_job_get_original (window->preview_job));
}

/* The settings the panel shows, read off its controls. */
static void
panel_shows (VeilProtectParams *shown)
{
  GListModel *model = gtk_drop_down_get_model (RES_DROPDOWN);
  guint selected = gtk_drop_down_get_selected (RES_DROPDOWN);
  g_autoptr(GtkStringObject) item = g_list_model_get_item (model, selected);
  const char *res = gtk_string_object_get_string (item);

  veil_protect_params_init_defaults (shown);
  shown->kind = (VeilFilterKind) gtk_drop_down_get_selected (KIND_DROPDOWN);
  shown->k = (guint) gtk_spin_button_get_value_as_int (KERNEL_SPIN);
  shown->pb = g_ascii_strtod (gtk_editable_get_text (GTK_EDITABLE (BLUR_SPIN)), NULL);
  shown->mix = gtk_range_get_value (MIX_SCALE);
  if (g_str_equal (res, "Native (as in the paper)"))
    shown->training_res = VEIL_TRAINING_RES_NATIVE;
  else if (g_str_equal (res, "Custom"))
    shown->training_res = (guint) gtk_spin_button_get_value_as_int (RES_SPIN);
  else
    shown->training_res = (guint) g_ascii_strtoull (res, NULL, 10);
}

static void
assert_panel_shows (const VeilProtectParams *expected)
{
  VeilProtectParams shown;
  g_autofree char *percent = g_strdup_printf ("%.0f %%", expected->mix * 100);

  panel_shows (&shown);
  g_assert_cmpint (shown.kind, ==, expected->kind);
  g_assert_cmpuint (shown.k, ==, expected->k);
  g_assert_cmpfloat_with_epsilon (shown.pb, expected->pb, 1e-9);
  g_assert_cmpfloat_with_epsilon (shown.mix, expected->mix, 1e-9);
  g_assert_cmpuint (shown.training_res, ==, expected->training_res);
  g_assert_true (ui_test_shows_text (GTK_WIDGET (window->adjust_panel), percent));
}

static void
close_export_dialog (VeilExportDialog *dialog)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_wait_no_toplevel (VEIL_TYPE_EXPORT_DIALOG, "the export dialog to close");
}

/* The export dialog lists exactly what the panel shows. */
static void
assert_dialog_shows (VeilExportDialog        *dialog,
                     const VeilProtectParams *expected)
{
  g_autofree char *k = g_strdup_printf ("%u × %u", expected->k, expected->k);
  g_autofree char *pb = g_strdup_printf ("p_b = %.2f", expected->pb);
  g_autofree char *mix = g_strdup_printf ("%.0f %% of the images", expected->mix * 100);
  g_autofree char *res = veil_export_text_training_res (expected->training_res);
  g_autofree char *kind = veil_export_text_filter_kind (expected->kind);

  g_assert_cmpstr (gtk_label_get_label (dialog->kind_label), ==, kind);
  g_assert_cmpstr (gtk_label_get_label (dialog->k_label), ==, k);
  g_assert_cmpstr (gtk_label_get_label (dialog->pb_label), ==, pb);
  g_assert_cmpstr (gtk_label_get_label (dialog->mix_label), ==, mix);
  g_assert_cmpstr (gtk_label_get_label (dialog->res_label), ==, res);
}

/* Exports from the dialog into a new folder; the manifest records @expected exactly. */
static void
assert_export_records (const VeilProtectParams *expected)
{
  VeilExportDialog *dialog = ui_test_open_export_dialog (GTK_WIDGET (window));
  g_autofree char *name = g_strdup_printf ("out-%u", n_exports++);
  g_autofree char *output = g_build_filename (home, name, NULL);
  g_autofree char *manifest = g_build_filename (output, "veil-manifest.json", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (output);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonObject *parameters;
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *pb = NULL;

  assert_dialog_shows (dialog, expected);
  g_assert_true (veil_export_dialog_set_output_folder (dialog, folder));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "export.start", NULL));
  ui_test_wait_until (ui_test_export_finished, dialog, 100000, "the export");
  g_assert_cmpint (veil_export_dialog_get_state (dialog), ==, VEIL_EXPORT_DIALOG_STATE_COMPLETE);

  g_assert_true (g_file_get_contents (manifest, &text, NULL, &error));
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  parameters = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                              "parameters");
  g_assert_cmpstr (json_object_get_string_member (parameters, "filters"), ==,
                   expected->kind == VEIL_FILTER_KIND_ECHO ? "echo" : "blur");
  g_assert_cmpint (json_object_get_int_member (parameters, "k"), ==, expected->k);
  g_assert_cmpfloat (json_object_get_double_member (parameters, "pb"), ==, expected->pb);
  g_assert_cmpfloat (json_object_get_double_member (parameters, "mix"), ==, expected->mix);
  if (expected->training_res == VEIL_TRAINING_RES_NATIVE)
    g_assert_cmpstr (json_object_get_string_member (parameters, "training_res"), ==, "native");
  else
    g_assert_cmpint (json_object_get_int_member (parameters, "training_res"), ==,
                     expected->training_res);
  /* p_b as chosen: "0.31", not "0.31000000000000005". */
  g_ascii_formatd (number, sizeof number, "%.15g", expected->pb);
  pb = g_strdup_printf ("\"pb\" : %s,", number);
  g_assert_nonnull (strstr (text, pb));

  close_export_dialog (dialog);
}

/* ---- One step -------------------------------------------------------------------------- */

/* PIXELS_ANY where a change is likely but not certain: echo filters of two sizes may give the
 * picture's class the same offset, and then the same pixels. */
typedef enum { PIXELS_CHANGE, PIXELS_SAME, PIXELS_ORIGINAL, PIXELS_ANY } PixelsExpected;

static GBytes *last_pixels;

/* After a step: the panel shows @expected, the preview changed as it should, the export
 * dialog lists @expected. */
static void
check_step (const char              *what,
            const VeilProtectParams *expected,
            PixelsExpected           pixels)
{
  g_autoptr(GBytes) now = NULL;
  VeilExportDialog *dialog;

  g_test_message ("step: %s", what);
  assert_panel_shows (expected);

  now = protected_pixels ();
  switch (pixels)
    {
    case PIXELS_CHANGE:
      if (g_bytes_equal (now, last_pixels))
        g_error ("%s: the preview's protected pixels did not change", what);
      g_assert_cmpstr (window->compare_view->captions[1], ==, "Protected");
      break;
    case PIXELS_SAME:
      if (!g_bytes_equal (now, last_pixels))
        g_error ("%s: the preview's protected pixels changed", what);
      break;
    case PIXELS_ANY:
      break;
    case PIXELS_ORIGINAL:
      {
        g_autoptr(GBytes) original = original_pixels ();

        g_assert_true (g_bytes_equal (now, original));
        g_assert_cmpstr (window->compare_view->captions[1], ==,
                         "Left unprotected (outside the protected fraction)");
      }
      break;
    }
  g_clear_pointer (&last_pixels, g_bytes_unref);
  last_pixels = g_steal_pointer (&now);

  dialog = ui_test_open_export_dialog (GTK_WIDGET (window));
  assert_dialog_shows (dialog, expected);
  close_export_dialog (dialog);
}

static void
set_expected (VeilProtectParams *p,
              guint              k,
              double             pb,
              double             mix,
              guint              res)
{
  veil_protect_params_init_defaults (p);
  p->k = k;
  p->pb = pb;
  p->mix = mix;
  p->training_res = res;
}

static void
start (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  VeilProtectParams e;

  /* A fresh start: the defaults. */
  g_settings_reset (settings, "filters");
  g_settings_reset (settings, "kernel-size");
  g_settings_reset (settings, "blur");
  g_settings_reset (settings, "mix");
  g_settings_reset (settings, "training-resolution");
  /* Each step follows the protected pixels of the photo shown: its class must not be the decoy,
   * which the random test key may choose and leaves as it is (test-ui-decoy covers it). */
  g_settings_set_boolean (settings, "decoy", FALSE);
  ui_test_wait_ms (50);
  g_clear_pointer (&last_pixels, g_bytes_unref);
  last_pixels = protected_pixels ();
  set_expected (&e, 9, 0.06, 1.0, 224);
  assert_panel_shows (&e);
}

/* A preset first, then every control by hand (the order of the report in issue 10). */
static void
test_preset_then_controls (void)
{
  VeilProtectParams e;

  start ();
  ui_test_press (SMALL_PRESET);
  set_expected (&e, 3, 0.3, 1.0, VEIL_TRAINING_RES_NATIVE);
  check_step ("small images preset", &e, PIXELS_CHANGE);

  type_into (KERNEL_SPIN, "5");
  e.k = 5;
  check_step ("filter size 5, typed", &e, PIXELS_CHANGE);

  drag (BLUR_SCALE, 0.3079);
  e.pb = 0.31;
  check_step ("strength dragged to 0.31", &e, PIXELS_CHANGE);

  drag (BLUR_SCALE, 1.0);
  e.pb = 1.0;
  check_step ("strength dragged to 1.00", &e, PIXELS_CHANGE);

  choose (RES_DROPDOWN, "224 px (default)");
  e.training_res = 224;
  check_step ("training resolution 224 px", &e, PIXELS_CHANGE);

  drag (MIX_SCALE, 0.0);
  e.mix = 0.0;
  check_step ("fraction dragged to 0 %", &e, PIXELS_ORIGINAL);

  drag (MIX_SCALE, 1.0);
  e.mix = 1.0;
  check_step ("fraction dragged to 100 %", &e, PIXELS_CHANGE);

  drag (BLUR_SCALE, 0.3079);
  e.pb = 0.31;
  check_step ("strength back to 0.31", &e, PIXELS_CHANGE);

  /* Page Down five times from 100 %: 50 %, not 49 %. */
  for (guint i = 0; i < 5; i++)
    g_signal_emit_by_name (MIX_SCALE, "move-slider", GTK_SCROLL_PAGE_BACKWARD);
  e.mix = 0.5;
  assert_panel_shows (&e);
  g_assert_cmpfloat (gtk_range_get_value (MIX_SCALE), ==, 0.5);

  /* Where a drag stops between steps, the fraction lands on the percent shown. */
  drag (MIX_SCALE, 0.8);
  drag (MIX_SCALE, 0.4996);
  assert_panel_shows (&e);
  g_assert_cmpfloat (gtk_range_get_value (MIX_SCALE), ==, 0.5);
  assert_export_records (&e);
}

/* The other preset, then the controls in another order, then back to a preset. */
static void
test_controls_around_presets (void)
{
  VeilProtectParams e;

  start ();
  ui_test_press (PHOTO_PRESET);
  set_expected (&e, 9, 0.06, 1.0, 224);
  /* Already the settings: nothing to change. */
  check_step ("photographs preset on the defaults", &e, PIXELS_SAME);

  choose (RES_DROPDOWN, "Native (as in the paper)");
  e.training_res = VEIL_TRAINING_RES_NATIVE;
  check_step ("training resolution native", &e, PIXELS_CHANGE);

  type_into (BLUR_SPIN, "0.2");
  e.pb = 0.2;
  check_step ("strength 0.2, typed", &e, PIXELS_CHANGE);

  type_into (KERNEL_SPIN, "7");
  e.k = 7;
  check_step ("filter size 7, typed", &e, PIXELS_CHANGE);

  ui_test_press (SMALL_PRESET);
  set_expected (&e, 3, 0.3, 1.0, VEIL_TRAINING_RES_NATIVE);
  check_step ("small images preset after the controls", &e, PIXELS_CHANGE);

  ui_test_press (PHOTO_PRESET);
  set_expected (&e, 9, 0.06, 1.0, 224);
  check_step ("photographs preset after the small one", &e, PIXELS_CHANGE);

  choose (RES_DROPDOWN, "Custom");
  type_into (RES_SPIN, "300");
  e.training_res = 300;
  check_step ("custom training resolution 300 px", &e, PIXELS_CHANGE);

  type_into (KERNEL_SPIN, "11");
  e.k = 11;
  check_step ("filter size 11 after the preset", &e, PIXELS_CHANGE);

  drag (BLUR_SCALE, 0.0999999);
  e.pb = 0.1;
  check_step ("strength dragged to 0.1", &e, PIXELS_CHANGE);
  assert_export_records (&e);
}

/* Which preset buttons are pressed in: @small, @sharpening, @photo. */
static void
assert_presets_pressed (gboolean small,
                        gboolean sharpening,
                        gboolean photo)
{
  g_assert_cmpint (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (SMALL_PRESET)), ==, small);
  g_assert_cmpint (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (SHARPENING_PRESET)), ==,
                   sharpening);
  g_assert_cmpint (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (PHOTO_PRESET)), ==, photo);
}

/* The preset against sharpening between the others and the controls: each press sets its own
 * settings, the pressed button follows the settings, and the export records them. */
static void
test_against_sharpening (void)
{
  VeilProtectParams e;

  start ();
  assert_presets_pressed (FALSE, FALSE, TRUE);
  ui_test_press (SHARPENING_PRESET);
  set_expected (&e, 9, 1.0, 1.0, VEIL_TRAINING_RES_NATIVE);
  e.kind = VEIL_FILTER_KIND_ECHO;
  check_step ("against sharpening preset", &e, PIXELS_CHANGE);
  assert_presets_pressed (FALSE, TRUE, FALSE);

  ui_test_press (SMALL_PRESET);
  set_expected (&e, 3, 0.3, 1.0, VEIL_TRAINING_RES_NATIVE);
  check_step ("small images preset after it", &e, PIXELS_CHANGE);
  assert_presets_pressed (TRUE, FALSE, FALSE);

  ui_test_press (SHARPENING_PRESET);
  set_expected (&e, 9, 1.0, 1.0, VEIL_TRAINING_RES_NATIVE);
  e.kind = VEIL_FILTER_KIND_ECHO;
  check_step ("against sharpening preset again", &e, PIXELS_CHANGE);

  drag (BLUR_SCALE, 0.2);
  e.pb = 0.2;
  check_step ("strength dragged to 0.2", &e, PIXELS_CHANGE);
  assert_presets_pressed (FALSE, FALSE, FALSE);

  ui_test_press (SHARPENING_PRESET);
  e.pb = 1.0;
  check_step ("against sharpening preset after the strength", &e, PIXELS_CHANGE);
  assert_presets_pressed (FALSE, TRUE, FALSE);
  assert_export_records (&e);
}

/* An even filter size typed in becomes the next odd one, everywhere. */
static void
test_even_size (void)
{
  VeilProtectParams e;

  start ();
  ui_test_press (SMALL_PRESET);
  set_expected (&e, 3, 0.3, 1.0, VEIL_TRAINING_RES_NATIVE);
  check_step ("small images preset", &e, PIXELS_CHANGE);
  type_into (KERNEL_SPIN, "6");
  e.k = 7;
  check_step ("filter size 6, typed", &e, PIXELS_CHANGE);
  assert_export_records (&e);
}

/* Echo filters from the panel: chosen after the small images preset they start at their own
 * strength and 9 × 9, the size cannot go below 7; the panel explains them; the preview, the
 * export dialog and the manifest follow; blur (at its own strength) and a preset come back. */
static void
test_echo_filters (void)
{
  VeilProtectParams e;

  start ();
  ui_test_press (SMALL_PRESET);
  set_expected (&e, 3, 0.3, 1.0, VEIL_TRAINING_RES_NATIVE);
  check_step ("small images preset", &e, PIXELS_CHANGE);
  g_assert_true (ui_test_shows_text (GTK_WIDGET (window->adjust_panel), "random blur"));

  choose (KIND_DROPDOWN, "Echo");
  e.kind = VEIL_FILTER_KIND_ECHO;
  e.k = 9;
  e.pb = 1.0;
  check_step ("echo filters chosen at 3 × 3", &e, PIXELS_CHANGE);
  /* The preset against sharpening is these echo filters, at the native size. */
  assert_presets_pressed (FALSE, TRUE, FALSE);
  g_assert_true (ui_test_shows_text (GTK_WIDGET (window->adjust_panel), "shifted copy"));

  type_into (KERNEL_SPIN, "5");
  e.k = 7;
  check_step ("5 typed with echo filters: 7", &e, PIXELS_ANY);
  type_into (KERNEL_SPIN, "11");
  e.k = 11;
  check_step ("filter size 11 typed", &e, PIXELS_ANY);
  type_into (KERNEL_SPIN, "7");
  e.k = 7;
  check_step ("filter size 7 typed", &e, PIXELS_ANY);
  drag (BLUR_SCALE, 0.9);
  e.pb = 0.9;
  check_step ("strength dragged to 0.9", &e, PIXELS_CHANGE);
  assert_export_records (&e);

  choose (KIND_DROPDOWN, "Blur");
  e.kind = VEIL_FILTER_KIND_BLUR;
  e.pb = 0.06;
  check_step ("blur again, at its own strength", &e, PIXELS_CHANGE);
  choose (KIND_DROPDOWN, "Echo");
  e.kind = VEIL_FILTER_KIND_ECHO;
  e.k = 9;
  e.pb = 1.0;
  check_step ("echo again, from 7 × 7 to 9 × 9", &e, PIXELS_CHANGE);
  ui_test_press (SMALL_PRESET);
  set_expected (&e, 3, 0.3, 1.0, VEIL_TRAINING_RES_NATIVE);
  check_step ("small images preset after echo filters", &e, PIXELS_CHANGE);
  assert_presets_pressed (TRUE, FALSE, FALSE);
}

/* The button labelled @label in the window, wherever it is (a toast's, here); NULL if none. */
static GtkButton *
find_button (const char *label)
{
  for (guint i = 0;; i++)
    {
      GtkWidget *button = ui_test_find_nth_descendant (GTK_WIDGET (window), GTK_TYPE_BUTTON, i);

      if (button == NULL)
        return NULL;
      if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), label) == 0)
        return GTK_BUTTON (button);
    }
}

static gboolean
no_hint_button (gpointer data)
{
  return find_button ("Use Small Images") == NULL;
}

/* A folder of 32-pixel pictures opened with the photo settings: a toast says so, once, and its
 * button applies the small images preset; the sample photos, which hold a 64-pixel thumbnail,
 * get no such toast, nor does the same folder again until it is reopened. */
static void
test_small_pictures_hint (void)
{
  g_autofree char *small = ui_test_make_dataset (2, 3, 32, 32);
  GtkButton *button;
  VeilProtectParams e;

  start ();
  g_assert_null (find_button ("Use Small Images"));
  _veil_window_select_class (window, 0);
  _veil_window_select_image (window, 3);
  ui_test_wait_preview (window);
  g_assert_cmpstr (veil_image_item_get_display_name (window->selected_image), ==,
                   "marigold-thumb.jpg");
  g_assert_null (find_button ("Use Small Images"));
  ui_test_open_and_wait (window, small);
  g_assert_true (ui_test_shows_text (GTK_WIDGET (window), "(32 × 32 pixels)"));
  button = find_button ("Use Small Images");
  g_assert_nonnull (button);
  g_clear_pointer (&last_pixels, g_bytes_unref);
  last_pixels = protected_pixels ();
  /* A person reads the toast before pressing it, after its showing animation. */
  ui_test_wait_ms (500);
  ui_test_press (button);
  set_expected (&e, 3, 0.3, 1.0, VEIL_TRAINING_RES_NATIVE);
  check_step ("the toast's button", &e, PIXELS_CHANGE);
  assert_presets_pressed (TRUE, FALSE, FALSE);
  ui_test_wait_until (no_hint_button, NULL, 10000, "the toast to go");

  /* Photo settings again on the same folder: said once is enough. */
  ui_test_press (PHOTO_PRESET);
  ui_test_wait_preview (window);
  g_assert_null (find_button ("Use Small Images"));

  /* Opened again, the folder is judged again. Pressed after the person chose a native preset
   * themselves, the toast's button leaves theirs. */
  ui_test_open_and_wait (window, small);
  button = find_button ("Use Small Images");
  g_assert_nonnull (button);
  ui_test_press (SHARPENING_PRESET);
  ui_test_wait_ms (500);
  ui_test_press (button);
  ui_test_wait_preview (window);
  assert_presets_pressed (FALSE, TRUE, FALSE);
  veil_test_rm_rf (small);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  home = ui_test_make_private_home ("veil-ui-settings-XXXXXX");
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return 77;
    }
  window = ui_test_open_samples_window (&app, "Settings test");

  g_test_add_func ("/ui/settings/preset-then-controls", test_preset_then_controls);
  g_test_add_func ("/ui/settings/controls-around-presets", test_controls_around_presets);
  g_test_add_func ("/ui/settings/even-size", test_even_size);
  g_test_add_func ("/ui/settings/against-sharpening", test_against_sharpening);
  g_test_add_func ("/ui/settings/echo-filters", test_echo_filters);
  /* Last: it opens another folder. */
  g_test_add_func ("/ui/settings/small-pictures-hint", test_small_pictures_hint);
  ret = g_test_run ();

  g_clear_pointer (&last_pixels, g_bytes_unref);
  ui_test_close_window (window);
  g_clear_object (&app);
  veil_test_rm_rf (home);
  g_free (home);
  return ret;
}
