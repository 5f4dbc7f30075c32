/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-preferences-window.h"

struct _VeilPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  GArray               *resolutions;  /* guint per entry of resolution_row */
  gboolean              updating;

  AdwComboRow          *resolution_row;
  AdwComboRow          *format_row;
  AdwActionRow         *quality_row;
  GtkSpinButton        *quality_spin;
};

G_DEFINE_FINAL_TYPE (VeilPreferencesWindow, veil_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Sizes models are commonly trained at (short side); 0 is "native". */
static const guint resolution_presets[] = { 0, 224, 256, 288, 384, 512 };

static void
fill_resolutions (VeilPreferencesWindow *self)
{
  guint current = (guint) g_settings_get_int (self->settings, "training-resolution");
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  gboolean found = FALSE;
  guint selected = 0;

  g_array_set_size (self->resolutions, 0);
  for (guint i = 0; i < G_N_ELEMENTS (resolution_presets); i++)
    {
      g_array_append_val (self->resolutions, resolution_presets[i]);
      found |= resolution_presets[i] == current;
    }
  /* A value set elsewhere (veil-cli, dconf) is kept and shown rather than silently replaced. */
  if (!found)
    g_array_append_val (self->resolutions, current);

  for (guint i = 0; i < self->resolutions->len; i++)
    {
      guint res = g_array_index (self->resolutions, guint, i);
      g_autofree char *label = NULL;

      if (res == 0)
        label = g_strdup (_("Native (as in the paper)"));
      else
        label = g_strdup_printf (_("%u px"), res);
      gtk_string_list_append (list, label);
      if (res == current)
        selected = i;
    }

  self->updating = TRUE;
  adw_combo_row_set_model (self->resolution_row, G_LIST_MODEL (list));
  adw_combo_row_set_selected (self->resolution_row, selected);
  self->updating = FALSE;
}

/* Follows a change of the setting. The model is rebuilt only for a value it lacks: replacing
 * it from inside its own selection change (the person picked an entry) would pull the model
 * out from under the combo row. */
static void
sync_resolution (VeilPreferencesWindow *self)
{
  guint current = (guint) g_settings_get_int (self->settings, "training-resolution");

  for (guint i = 0; i < self->resolutions->len; i++)
    if (g_array_index (self->resolutions, guint, i) == current)
      {
        if (adw_combo_row_get_selected (self->resolution_row) != i)
          {
            self->updating = TRUE;
            adw_combo_row_set_selected (self->resolution_row, i);
            self->updating = FALSE;
          }
        return;
      }

  fill_resolutions (self);
}

static void
on_resolution_selected_cb (AdwComboRow           *row,
                           GParamSpec            *pspec,
                           VeilPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (row);

  if (self->updating || selected >= self->resolutions->len)
    return;

  g_settings_set_int (self->settings, "training-resolution",
                      (int) g_array_index (self->resolutions, guint, selected));
}

/* JPEG quality only matters when photos keep their own format. */
static void
update_quality_sensitive (VeilPreferencesWindow *self)
{
  g_autofree char *format = g_settings_get_string (self->settings, "output-format");

  gtk_widget_set_sensitive (GTK_WIDGET (self->quality_row), !g_str_equal (format, "png"));
}

static void
on_settings_changed_cb (GSettings             *settings,
                        const char            *key,
                        VeilPreferencesWindow *self)
{
  if (g_str_equal (key, "training-resolution"))
    sync_resolution (self);
  else if (g_str_equal (key, "output-format"))
    update_quality_sensitive (self);
}

static gboolean
format_get_mapping (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  g_value_set_uint (value, g_str_equal (g_variant_get_string (variant, NULL), "png") ? 1 : 0);
  return TRUE;
}

static GVariant *
format_set_mapping (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  return g_variant_new_string (g_value_get_uint (value) == 1 ? "png" : "keep");
}

void
veil_preferences_bind_output_format (GSettings   *settings,
                                     AdwComboRow *row)
{
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (ADW_IS_COMBO_ROW (row));

  g_settings_bind_with_mapping (settings, "output-format", row, "selected",
                                G_SETTINGS_BIND_DEFAULT, format_get_mapping, format_set_mapping,
                                NULL, NULL);
}

static void
veil_preferences_window_dispose (GObject *object)
{
  VeilPreferencesWindow *self = VEIL_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (veil_preferences_window_parent_class)->dispose (object);
}

static void
veil_preferences_window_finalize (GObject *object)
{
  VeilPreferencesWindow *self = VEIL_PREFERENCES_WINDOW (object);

  g_clear_pointer (&self->resolutions, g_array_unref);

  G_OBJECT_CLASS (veil_preferences_window_parent_class)->finalize (object);
}

static void
veil_preferences_window_class_init (VeilPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_preferences_window_dispose;
  object_class->finalize = veil_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/unlearnable/Veil/"
                                               "veil-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilPreferencesWindow, resolution_row);
  gtk_widget_class_bind_template_child (widget_class, VeilPreferencesWindow, format_row);
  gtk_widget_class_bind_template_child (widget_class, VeilPreferencesWindow, quality_row);
  gtk_widget_class_bind_template_child (widget_class, VeilPreferencesWindow, quality_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_resolution_selected_cb);
}

static void
veil_preferences_window_init (VeilPreferencesWindow *self)
{
  self->resolutions = g_array_new (FALSE, FALSE, sizeof (guint));
  self->updating = TRUE; /* until the model is filled, "selected" changes are not choices */

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  fill_resolutions (self);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed_cb),
                           self, 0);

  veil_preferences_bind_output_format (self->settings, self->format_row);
  g_settings_bind (self->settings, "jpeg-quality",
                   gtk_spin_button_get_adjustment (self->quality_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  update_quality_sensitive (self);
}

GtkWindow *
veil_preferences_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (VEIL_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
}
