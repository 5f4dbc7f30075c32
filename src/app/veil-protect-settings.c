/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-protect-settings"

#include "config.h"

#include <math.h>

#include "veil-protect-settings.h"

/* The paper's two settings, and echo filters for small images that keep protecting against a
 * trainer who sharpens and smooths (RSK+FF; doc/EFFICACY.md, "Echo filters"). The photographs
 * preset is the defaults (veil-protect-params.h). */
static const struct
{
  VeilFilterKind kind;
  guint          k;
  double         pb;
  guint          training_res;
} presets[] = {
  [VEIL_PRESET_SMALL_IMAGES] = { VEIL_FILTER_KIND_BLUR, 3, 0.3, VEIL_TRAINING_RES_NATIVE },
  [VEIL_PRESET_AGAINST_SHARPENING] = { VEIL_FILTER_KIND_ECHO, VEIL_PROTECT_ECHO_DEFAULT_K,
                                       VEIL_PROTECT_ECHO_DEFAULT_PB, VEIL_TRAINING_RES_NATIVE },
  [VEIL_PRESET_PHOTOGRAPHS] = { VEIL_FILTER_KIND_BLUR, VEIL_PROTECT_DEFAULT_K,
                                VEIL_PROTECT_DEFAULT_PB, VEIL_PROTECT_DEFAULT_TRAINING_RES },
};

double
veil_protect_settings_round (double value)
{
  double scale = pow (10.0, VEIL_PROTECT_SETTINGS_DECIMALS);

  return round (value * scale) / scale;
}

/* Within the core's limits, then at the panel's precision (which stays within them: the
 * smallest p_b the panel offers is 0.01). */
static void
normalize (VeilProtectParams *params)
{
  veil_protect_params_clamp (params);
  params->pb = MAX (veil_protect_settings_round (params->pb), 0.01);
  params->mix = veil_protect_settings_round (params->mix);
}

void
veil_protect_settings_read (GSettings         *settings,
                            VeilProtectParams *params)
{
  g_autofree char *kind = NULL;
  int k, res;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (params != NULL);

  veil_protect_params_init_defaults (params);
  kind = g_settings_get_string (settings, "filters");
  /* The schema allows only the two names; anything else (dconf edited by hand) is blur. */
  if (!veil_filter_kind_from_string (kind, &params->kind))
    params->kind = VEIL_FILTER_KIND_BLUR;
  k = g_settings_get_int (settings, "kernel-size");
  res = g_settings_get_int (settings, "training-resolution");
  params->k = (guint) MAX (k, 0);
  params->pb = g_settings_get_double (settings, "blur");
  params->mix = g_settings_get_double (settings, "mix");
  params->training_res = (guint) MAX (res, 0);
  normalize (params);
  params->keep_detail = g_settings_get_boolean (settings, "keep-detail")
                        && params->training_res != VEIL_TRAINING_RES_NATIVE;
  /* As chosen: the filter bank leaves it out where it cannot apply (a seed key, one class). */
  params->decoy = g_settings_get_boolean (settings, "decoy");
}

void
veil_protect_settings_write (GSettings               *settings,
                             const VeilProtectParams *params)
{
  g_autoptr(GSettings) batch = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  VeilProtectParams value;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (params != NULL);

  value = *params;
  normalize (&value);

  /* One change, so listeners never see a mix of old and new values. The batch is a GSettings
   * of its own: g_settings_delay() cannot be undone, and a shared object left delayed would
   * hold back every later change (the panel's controls stopped working after a preset). */
  g_object_get (settings, "settings-schema", &schema, NULL);
  batch = g_settings_new_full (schema, NULL, NULL);
  g_settings_delay (batch);
  g_settings_set_string (batch, "filters", veil_filter_kind_to_string (value.kind));
  g_settings_set_int (batch, "kernel-size", (int) value.k);
  g_settings_set_double (batch, "blur", value.pb);
  g_settings_set_double (batch, "mix", value.mix);
  g_settings_set_int (batch, "training-resolution", (int) value.training_res);
  if (value.training_res != VEIL_TRAINING_RES_NATIVE)
    g_settings_set_boolean (batch, "keep-detail", value.keep_detail);
  g_settings_set_boolean (batch, "decoy", value.decoy);
  g_settings_apply (batch);
}

void
veil_protect_settings_apply_preset (GSettings  *settings,
                                    VeilPreset  preset)
{
  VeilProtectParams params;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (preset < VEIL_N_PRESETS);

  /* The decoy is not a matter of strength: it stays as the person set it (read gives it). */
  veil_protect_settings_read (settings, &params);
  /* The person's choice, also where it does not apply now: from Native to a preset with a
   * training resolution, keeping detail comes back as it was. */
  params.keep_detail = g_settings_get_boolean (settings, "keep-detail");
  params.kind = presets[preset].kind;
  params.k = presets[preset].k;
  params.pb = presets[preset].pb;
  params.training_res = presets[preset].training_res;
  veil_protect_settings_write (settings, &params);
}

gboolean
veil_protect_settings_is_preset (GSettings  *settings,
                                 VeilPreset  preset)
{
  VeilProtectParams params;

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);
  g_return_val_if_fail (preset < VEIL_N_PRESETS, FALSE);

  veil_protect_settings_read (settings, &params);
  return params.kind == presets[preset].kind
         && params.k == presets[preset].k
         && params.pb == veil_protect_settings_round (presets[preset].pb)
         && params.training_res == presets[preset].training_res;
}
