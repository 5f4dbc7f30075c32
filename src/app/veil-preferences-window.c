/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-preferences-window.h"
#include "veil-protect-settings.h"
#include "veil-resolution-choices.h"

struct _VeilPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  gboolean              updating;
  gboolean              typing_resolution; /* the custom size is being typed in */

  AdwComboRow          *resolution_row;
  AdwActionRow         *custom_resolution_row;
  GtkSpinButton        *resolution_spin;
  AdwComboRow          *format_row;
  AdwActionRow         *quality_row;
  GtkSpinButton        *quality_spin;
};

G_DEFINE_FINAL_TYPE (VeilPreferencesWindow, veil_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Follows a change of the setting: the entry of its value, or "Custom" with the value. */
static void
sync_resolution (VeilPreferencesWindow *self)
{
  VeilProtectParams params;
  guint selected;

  veil_protect_settings_read (self->settings, &params);
  selected = veil_resolution_choices_find (params.training_res);

  self->updating = TRUE;
  /* "Custom" stays chosen while the person types a value that happens to be in the list. */
  if (!self->typing_resolution)
    adw_combo_row_set_selected (self->resolution_row, selected);
  if (params.training_res != VEIL_TRAINING_RES_NATIVE)
    gtk_spin_button_set_value (self->resolution_spin, params.training_res);
  gtk_widget_set_visible (GTK_WIDGET (self->custom_resolution_row),
                          veil_resolution_choices_is_custom (
                            adw_combo_row_get_selected (self->resolution_row)));
  self->updating = FALSE;
}

static void
on_resolution_selected_cb (AdwComboRow           *row,
                           GParamSpec            *pspec,
                           VeilPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (row);
  gboolean custom = veil_resolution_choices_is_custom (selected);

  gtk_widget_set_visible (GTK_WIDGET (self->custom_resolution_row), custom);
  if (self->updating || selected == GTK_INVALID_LIST_POSITION)
    return;

  self->typing_resolution = custom;
  g_settings_set_int (self->settings, "training-resolution",
                      custom ? gtk_spin_button_get_value_as_int (self->resolution_spin)
                             : (int) veil_resolution_choices_get (selected));
  self->typing_resolution = FALSE;
}

static void
on_resolution_spin_changed_cb (GtkSpinButton         *spin,
                               VeilPreferencesWindow *self)
{
  if (self->updating
      || !veil_resolution_choices_is_custom (adw_combo_row_get_selected (self->resolution_row)))
    return;
  self->typing_resolution = TRUE;
  g_settings_set_int (self->settings, "training-resolution",
                      gtk_spin_button_get_value_as_int (spin));
  self->typing_resolution = FALSE;
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
veil_preferences_window_class_init (VeilPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/unlearnable/Veil/"
                                               "veil-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilPreferencesWindow, resolution_row);
  gtk_widget_class_bind_template_child (widget_class, VeilPreferencesWindow,
                                        custom_resolution_row);
  gtk_widget_class_bind_template_child (widget_class, VeilPreferencesWindow, resolution_spin);
  gtk_widget_class_bind_template_child (widget_class, VeilPreferencesWindow, format_row);
  gtk_widget_class_bind_template_child (widget_class, VeilPreferencesWindow, quality_row);
  gtk_widget_class_bind_template_child (widget_class, VeilPreferencesWindow, quality_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_resolution_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_resolution_spin_changed_cb);
}

static void
veil_preferences_window_init (VeilPreferencesWindow *self)
{
  g_autoptr(GListModel) choices = veil_resolution_choices_new_model ();

  self->updating = TRUE; /* until the model is filled, "selected" changes are not choices */
  gtk_widget_init_template (GTK_WIDGET (self));
  adw_combo_row_set_model (self->resolution_row, choices);
  self->updating = FALSE;

  self->settings = g_settings_new (APP_ID);
  sync_resolution (self);
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
