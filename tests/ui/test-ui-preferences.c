/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-preferences"

/* The preferences window in the real application: each control changes its setting, and a
 * setting changed elsewhere (veil-cli, another window) shows in the controls. */

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "ui-test-util.h"
#include "veil-preferences-window.h"
#include "veil-test-util.h"

static VeilApplication *app;
static GtkWindow *window;

/* The label of the combo row's selected item. */
static const char *
selected_label (AdwComboRow *row)
{
  GtkStringObject *item = GTK_STRING_OBJECT (adw_combo_row_get_selected_item (row));

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

static guint
find_item (AdwComboRow *row,
           const char  *label)
{
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_equal (gtk_string_object_get_string (item), label))
        return i;
    }
  g_error ("no item “%s” in the combo row", label);
  return 0;
}

static void
assert_format (GSettings  *settings,
               const char *expected)
{
  g_autofree char *format = g_settings_get_string (settings, "output-format");

  g_assert_cmpstr (format, ==, expected);
}

static void
test_bindings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *prefs;
  AdwComboRow *resolution;
  AdwComboRow *format;
  GtkWidget *quality_row;
  GtkSpinButton *quality;
  GtkWidget *custom_row;
  GtkSpinButton *custom_spin;

  /* Ctrl+, */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "preferences"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  prefs = ui_test_wait_toplevel (VEIL_TYPE_PREFERENCES_WINDOW, "the preferences window");

  resolution = ADW_COMBO_ROW (ui_test_find_row (prefs, ADW_TYPE_COMBO_ROW,
                                                "Assumed Training Size"));
  format = ADW_COMBO_ROW (ui_test_find_row (prefs, ADW_TYPE_COMBO_ROW, "Format"));
  quality_row = ui_test_find_row (prefs, ADW_TYPE_ACTION_ROW, "JPEG Quality");
  g_assert_nonnull (resolution);
  g_assert_nonnull (format);
  g_assert_nonnull (quality_row);
  quality = GTK_SPIN_BUTTON (ui_test_find_descendant (quality_row, GTK_TYPE_SPIN_BUTTON));
  custom_row = ui_test_find_row (prefs, ADW_TYPE_ACTION_ROW, "Custom Size");
  g_assert_nonnull (custom_row);
  custom_spin = GTK_SPIN_BUTTON (ui_test_find_descendant (custom_row, GTK_TYPE_SPIN_BUTTON));
  g_assert_false (gtk_widget_get_visible (custom_row));

  /* The same training sizes as the adjust panel beside the preview, in the same order. */
  {
    GtkDropDown *panel = GTK_DROP_DOWN (ui_test_panel_widget (VEIL_WINDOW (window),
                                                             GTK_TYPE_DROP_DOWN, 1));
    GListModel *a = gtk_drop_down_get_model (panel);
    GListModel *b = adw_combo_row_get_model (resolution);

    g_assert_cmpuint (g_list_model_get_n_items (a), ==, g_list_model_get_n_items (b));
    g_assert_cmpuint (g_list_model_get_n_items (a), >=, 3);
    for (guint i = 0; i < g_list_model_get_n_items (a); i++)
      {
        g_autoptr(GtkStringObject) x = g_list_model_get_item (a, i);
        g_autoptr(GtkStringObject) y = g_list_model_get_item (b, i);

        g_assert_cmpstr (gtk_string_object_get_string (x), ==, gtk_string_object_get_string (y));
      }
  }

  /* The window starts from the settings. */
  g_assert_cmpint (g_settings_get_int (settings, "training-resolution"), ==, 224);
  g_assert_cmpstr (selected_label (resolution), ==, "224 px (default)");
  g_assert_cmpstr (selected_label (format), ==, "Same as the original");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (quality), ==,
                   g_settings_get_int (settings, "jpeg-quality"));

  /* The controls change the settings. */
  adw_combo_row_set_selected (resolution, find_item (resolution, "Native (as in the paper)"));
  g_assert_cmpint (g_settings_get_int (settings, "training-resolution"), ==, 0);
  adw_combo_row_set_selected (resolution, find_item (resolution, "512 px"));
  g_assert_cmpint (g_settings_get_int (settings, "training-resolution"), ==, 512);

  adw_combo_row_set_selected (format, find_item (format, "PNG"));
  assert_format (settings, "png");
  /* JPEG quality means nothing when everything is written as PNG. */
  UI_TEST_WAIT_FOR (!gtk_widget_get_sensitive (quality_row), UI_TEST_TIMEOUT_S,
                    "JPEG quality to be greyed out");
  adw_combo_row_set_selected (format, find_item (format, "Same as the original"));
  assert_format (settings, "keep");
  UI_TEST_WAIT_FOR (gtk_widget_get_sensitive (quality_row), UI_TEST_TIMEOUT_S,
                    "JPEG quality to be available again");

  gtk_spin_button_set_value (quality, 80);
  g_assert_cmpint (g_settings_get_int (settings, "jpeg-quality"), ==, 80);

  /* A value set elsewhere shows as "Custom" with its size, and stays. */
  g_settings_set_int (settings, "training-resolution", 300);
  UI_TEST_WAIT_FOR (g_strcmp0 (selected_label (resolution), "Custom") == 0, UI_TEST_TIMEOUT_S,
                    "the training size to show Custom");
  g_assert_true (gtk_widget_get_visible (custom_row));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (custom_spin), ==, 300);
  g_assert_cmpint (g_settings_get_int (settings, "training-resolution"), ==, 300);

  /* "Custom" chosen by hand: the size typed in is the setting. */
  adw_combo_row_set_selected (resolution, find_item (resolution, "256 px"));
  g_assert_false (gtk_widget_get_visible (custom_row));
  adw_combo_row_set_selected (resolution, find_item (resolution, "Custom"));
  g_assert_true (gtk_widget_get_visible (custom_row));
  gtk_spin_button_set_value (custom_spin, 640);
  g_assert_cmpint (g_settings_get_int (settings, "training-resolution"), ==, 640);
  g_settings_set_string (settings, "output-format", "png");
  g_settings_set_int (settings, "jpeg-quality", 70);
  UI_TEST_WAIT_FOR (g_strcmp0 (selected_label (format), "PNG") == 0
                    && gtk_spin_button_get_value_as_int (quality) == 70, UI_TEST_TIMEOUT_S,
                    "the format and quality set elsewhere to show");
  g_assert_cmpstr (selected_label (format), ==, "PNG");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (quality), ==, 70);

  g_settings_reset (settings, "training-resolution");
  g_settings_reset (settings, "output-format");
  g_settings_reset (settings, "jpeg-quality");
  gtk_window_destroy (GTK_WINDOW (prefs));
  ui_test_wait_no_toplevel (VEIL_TYPE_PREFERENCES_WINDOW, "the preferences window to close");
}

int
main (int argc, char **argv)
{
  int ret;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return 77;
    }

  window = GTK_WINDOW (ui_test_start_app (&app));
  ui_test_wait_mapped (GTK_WIDGET (window), "the main window");

  g_test_add_func ("/ui/preferences/bindings", test_bindings);

  ret = g_test_run ();

  gtk_window_destroy (window);
  ui_test_wait_ms (50);
  g_clear_object (&app);
  return ret;
}
