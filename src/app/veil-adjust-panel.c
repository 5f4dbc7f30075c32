/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-adjust-panel"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "veil-adjust-panel.h"
#include "veil-filter-echo.h"
#include "veil-key-list.h"
#include "veil-protect-settings.h"
#include "veil-resolution-choices.h"

struct _VeilAdjustPanel
{
  GtkWidget      parent_instance;

  GSettings     *settings;
  gboolean       syncing;
  gboolean       typing_resolution; /* the custom size is being typed in */

  GtkAdjustment *blur_adjustment;
  GtkAdjustment *kernel_adjustment;
  GtkAdjustment *mix_adjustment;
  GtkAdjustment *resolution_adjustment;
  GtkToggleButton *preset_buttons[VEIL_N_PRESETS]; /* by VeilPreset */
  GtkDropDown   *kind_dropdown;    /* items in VeilFilterKind order */
  GtkLabel      *kind_explanation;
  GtkLabel      *blur_explanation;
  GtkDropDown   *resolution_dropdown;
  GtkSpinButton *resolution_spin;
  GtkLabel      *mix_value_label;
  GtkScale      *mix_scale;
  GtkScale      *blur_scale;
  GtkWidget     *detail_row;
  GtkSwitch     *detail_switch;
  GtkLabel      *detail_explanation;
  GtkLabel      *detail_reason_label;
  GtkWidget     *decoy_row;
  GtkSwitch     *decoy_switch;
  GtkLabel      *decoy_explanation;
  GtkLabel      *decoy_reason_label;
};

G_DEFINE_FINAL_TYPE (VeilAdjustPanel, veil_adjust_panel, GTK_TYPE_WIDGET)

/* The controls show the settings as veil_protect_settings_read() gives them: within the limits
 * and at the panel's precision, exactly what the preview and the export use. */
static void
sync_from_settings (VeilAdjustPanel *self)
{
  VeilProtectParams params;
  g_autofree char *percent = NULL;
  guint selected;
  gboolean use_seed;

  veil_protect_settings_read (self->settings, &params);
  self->syncing = TRUE;

  for (VeilPreset preset = 0; preset < VEIL_N_PRESETS; preset++)
    gtk_toggle_button_set_active (self->preset_buttons[preset],
                                  veil_protect_settings_is_preset (self->settings, preset));

  gtk_drop_down_set_selected (self->kind_dropdown, params.kind);
  if (params.kind == VEIL_FILTER_KIND_ECHO)
    {
      gtk_label_set_label (self->kind_explanation,
                           _("Beyond the paper: each picture gets a copy of itself on top, "
                             "shifted differently for each class. Against a trainer who sharpens "
                             "the pictures it holds as much as a blur that changes them far more. "
                             "Needs a filter size of at least 7."));
      gtk_label_set_label (self->blur_explanation,
                           _("How strong the shifted copy is, up to as strong as the picture: "
                             "higher protects more strongly and changes the pictures more."));
    }
  else
    {
      gtk_label_set_label (self->kind_explanation,
                           _("The paper's method: each class gets its own random blur."));
      gtk_label_set_label (self->blur_explanation,
                           _("How far the random filter weights reach: higher blurs more, "
                             "protects more strongly and changes the pictures more."));
    }
  /* Echo filters have no 3 × 3 size: the spin button offers only what is used. */
  gtk_adjustment_set_lower (self->kernel_adjustment,
                            params.kind == VEIL_FILTER_KIND_ECHO ? VEIL_FILTER_ECHO_K_MIN
                                                                 : VEIL_KERNEL_SIZE_MIN);

  selected = veil_resolution_choices_find (params.training_res);
  /* "Custom" stays chosen while the person types a value that happens to be in the list. */
  if (!self->typing_resolution)
    gtk_drop_down_set_selected (self->resolution_dropdown, selected);
  if (params.training_res != VEIL_TRAINING_RES_NATIVE)
    gtk_adjustment_set_value (self->resolution_adjustment, params.training_res);
  gtk_widget_set_visible (GTK_WIDGET (self->resolution_spin),
                          veil_resolution_choices_is_custom (
                            gtk_drop_down_get_selected (self->resolution_dropdown)));

  /* Keeping detail needs a training resolution to protect at; the switch keeps its choice. */
  gtk_widget_set_sensitive (self->detail_row, params.training_res != VEIL_TRAINING_RES_NATIVE);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_reason_label),
                          params.training_res == VEIL_TRAINING_RES_NATIVE);

  /* Seed keys reproduce the paper and never have a decoy; the switch keeps its choice. */
  use_seed = veil_key_list_get_use_seed (veil_key_list_get_default ());
  gtk_widget_set_sensitive (self->decoy_row, !use_seed);
  gtk_widget_set_visible (GTK_WIDGET (self->decoy_reason_label), use_seed);

  /* Translators: a percentage, e.g. "80 %". */
  percent = g_strdup_printf (_("%.0f %%"), params.mix * 100.0);
  gtk_label_set_label (self->mix_value_label, percent);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->mix_scale),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, percent, -1);

  self->syncing = FALSE;
}

static void
on_settings_changed_cb (VeilAdjustPanel *self)
{
  sync_from_settings (self);
}

static void
on_preset_clicked_cb (GtkButton       *button,
                      VeilAdjustPanel *self)
{
  if (self->syncing)
    return;
  for (VeilPreset preset = 0; preset < VEIL_N_PRESETS; preset++)
    if (GTK_BUTTON (self->preset_buttons[preset]) == button)
      veil_protect_settings_apply_preset (self->settings, preset);
  sync_from_settings (self);
}

/* The strength means something else for each kind: it starts at the kind's default, and echo
 * filters at 9 × 9 at least (veil_protect_params_set_kind()), in one change. */
static void
on_kind_selected_cb (GtkDropDown     *dropdown,
                     GParamSpec      *pspec,
                     VeilAdjustPanel *self)
{
  VeilProtectParams params;

  if (self->syncing || gtk_drop_down_get_selected (dropdown) > VEIL_FILTER_KIND_ECHO)
    return;
  veil_protect_settings_read (self->settings, &params);
  veil_protect_params_set_kind (&params, (VeilFilterKind) gtk_drop_down_get_selected (dropdown));
  veil_protect_settings_write (self->settings, &params);
}

static void
on_resolution_selected_cb (GtkDropDown     *dropdown,
                           GParamSpec      *pspec,
                           VeilAdjustPanel *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  gboolean custom = veil_resolution_choices_is_custom (selected);
  int value;

  gtk_widget_set_visible (GTK_WIDGET (self->resolution_spin), custom);
  if (self->syncing || selected == GTK_INVALID_LIST_POSITION)
    return;

  value = custom ? (int) gtk_adjustment_get_value (self->resolution_adjustment)
                 : (int) veil_resolution_choices_get (selected);
  self->typing_resolution = custom;
  g_settings_set_int (self->settings, "training-resolution", value);
  self->typing_resolution = FALSE;
  if (custom)
    gtk_widget_grab_focus (GTK_WIDGET (self->resolution_spin));
}

static void
on_resolution_spin_changed_cb (GtkSpinButton   *spin,
                               VeilAdjustPanel *self)
{
  guint selected = gtk_drop_down_get_selected (self->resolution_dropdown);

  if (self->syncing || !veil_resolution_choices_is_custom (selected))
    return;
  self->typing_resolution = TRUE;
  g_settings_set_int (self->settings, "training-resolution",
                      (int) gtk_spin_button_get_value (spin));
  self->typing_resolution = FALSE;
}

/* k is stored as an int; the adjustment holds a double and may pass even values while typing:
 * both ways go through the core's limits. */
static gboolean
kernel_get_mapping (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  VeilProtectParams params;

  veil_protect_params_init_defaults (&params);
  params.k = (guint) MAX (g_variant_get_int32 (variant), 0);
  veil_protect_params_clamp (&params);
  g_value_set_double (value, params.k);
  return TRUE;
}

static GVariant *
kernel_set_mapping (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  VeilProtectParams params;

  veil_protect_params_init_defaults (&params);
  params.k = (guint) MAX (lround (g_value_get_double (value)), 0);
  veil_protect_params_clamp (&params);
  return g_variant_new_int32 ((int) params.k);
}

/* A slider gives any double; the setting keeps the value the panel shows (0.06, 50 %). */
static gboolean
rounded_get_mapping (GValue   *value,
                     GVariant *variant,
                     gpointer  user_data)
{
  g_value_set_double (value, veil_protect_settings_round (g_variant_get_double (variant)));
  return TRUE;
}

static GVariant *
rounded_set_mapping (const GValue       *value,
                     const GVariantType *expected_type,
                     gpointer            user_data)
{
  return g_variant_new_double (veil_protect_settings_round (g_value_get_double (value)));
}

static void
veil_adjust_panel_dispose (GObject *object)
{
  VeilAdjustPanel *self = VEIL_ADJUST_PANEL (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_ADJUST_PANEL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (veil_adjust_panel_parent_class)->dispose (object);
}

/* The template's button @name goes straight into preset_buttons[@preset]. */
static void
bind_preset_button (GtkWidgetClass *widget_class,
                    const char     *name,
                    VeilPreset      preset)
{
  gtk_widget_class_bind_template_child_full (widget_class, name, FALSE,
                                             G_STRUCT_OFFSET (VeilAdjustPanel,
                                                              preset_buttons)
                                             + preset * sizeof (GtkToggleButton *));
}

static void
veil_adjust_panel_class_init (VeilAdjustPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_adjust_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/unlearnable/Veil/veil-adjust-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, blur_adjustment);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, kernel_adjustment);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, mix_adjustment);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, resolution_adjustment);
  bind_preset_button (widget_class, "small_preset_button", VEIL_PRESET_SMALL_IMAGES);
  bind_preset_button (widget_class, "sharpening_preset_button", VEIL_PRESET_AGAINST_SHARPENING);
  bind_preset_button (widget_class, "photo_preset_button", VEIL_PRESET_PHOTOGRAPHS);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, kind_explanation);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, blur_explanation);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, resolution_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, resolution_spin);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, mix_value_label);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, mix_scale);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, blur_scale);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, detail_row);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, detail_switch);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, detail_explanation);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, detail_reason_label);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, decoy_row);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, decoy_switch);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, decoy_explanation);
  gtk_widget_class_bind_template_child (widget_class, VeilAdjustPanel, decoy_reason_label);
  gtk_widget_class_bind_template_callback (widget_class, on_preset_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_resolution_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_resolution_spin_changed_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "adjust-panel");
}

static void
veil_adjust_panel_init (VeilAdjustPanel *self)
{
  g_autoptr(GListModel) choices = veil_resolution_choices_new_model ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->syncing = TRUE;
  gtk_drop_down_set_model (self->resolution_dropdown, choices);
  self->syncing = FALSE;
  /* A drag stops on a value the panel can show (0.31, 50 %), not between two: GtkScale rounds
   * only while it draws its value, which these do beside them instead. */
  gtk_range_set_round_digits (GTK_RANGE (self->blur_scale), VEIL_PROTECT_SETTINGS_DECIMALS);
  gtk_range_set_round_digits (GTK_RANGE (self->mix_scale), VEIL_PROTECT_SETTINGS_DECIMALS);
  gtk_scale_add_mark (self->mix_scale, 0.5, GTK_POS_BOTTOM, NULL);

  self->settings = g_settings_new (APP_ID);
  g_settings_bind_with_mapping (self->settings, "blur", self->blur_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT, rounded_get_mapping, rounded_set_mapping,
                                NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "mix", self->mix_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT, rounded_get_mapping, rounded_set_mapping,
                                NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "kernel-size", self->kernel_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT, kernel_get_mapping, kernel_set_mapping,
                                NULL, NULL);
  g_settings_bind (self->settings, "keep-detail", self->detail_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  /* A screen reader reads the explanation with the switch, and why it cannot be used. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->detail_switch),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                  self->detail_explanation, self->detail_reason_label, NULL, -1);
  g_settings_bind (self->settings, "decoy", self->decoy_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->decoy_switch),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                  self->decoy_explanation, self->decoy_reason_label, NULL, -1);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  /* The key's kind decides whether there can be a decoy. */
  g_signal_connect_object (veil_key_list_get_default (), "active-key-changed",
                           G_CALLBACK (on_settings_changed_cb), self, G_CONNECT_SWAPPED);
  sync_from_settings (self);
}

GtkWidget *
veil_adjust_panel_new (void)
{
  return g_object_new (VEIL_TYPE_ADJUST_PANEL, NULL);
}
