/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-protect-params.h"

G_BEGIN_DECLS

/* The protection settings as the application keeps them, in GSettings: the one place the
 * adjust panel, its presets, Preferences, the preview, the export dialog and the export read
 * them from and write them to. What is read is within the core's limits and at the precision
 * the panel shows (p_b to 0.01, the fraction to whole percent), so what the panel shows is
 * what the preview uses, the export dialog lists and the manifest records.
 *
 * Keeping fine detail is the person's choice ("keep-detail") but only applies above a training
 * resolution: read gives keep_detail TRUE only where it applies, never with Native, and the
 * choice itself is kept for when a training resolution is chosen again.
 *
 * The decoy class ("decoy") is read as chosen: whether the key can have one (not a seed key,
 * two classes or more) is the filter bank's to say (veil_filter_bank_get_decoy()). Presets
 * leave it alone: it is not a matter of strength. */

/* The decimals the application keeps p_b and the fraction at. */
#define VEIL_PROTECT_SETTINGS_DECIMALS 2

typedef enum {
  VEIL_PRESET_SMALL_IMAGES,        /* CIFAR-sized images: k = 3, p_b = 0.3, native */
  VEIL_PRESET_AGAINST_SHARPENING,  /* small images, echo filters that resist RSK+FF */
  VEIL_PRESET_PHOTOGRAPHS,         /* the paper's ImageNet setting, the defaults */
  VEIL_N_PRESETS
} VeilPreset;

/* The settings in @settings, brought within the limits. */
void     veil_protect_settings_read         (GSettings               *settings,
                                             VeilProtectParams       *params);
/* Writes @params (within the limits, at the application's precision) as one change. With a
 * native training resolution keep_detail says nothing about the choice and is not written. */
void     veil_protect_settings_write        (GSettings               *settings,
                                             const VeilProtectParams *params);
/* Sets the kind of filter, filter size, strength and training resolution of @preset; the
 * fraction, the choice to keep fine detail and the decoy stay. */
void     veil_protect_settings_apply_preset (GSettings               *settings,
                                             VeilPreset               preset);
/* Whether the settings are those of @preset. */
gboolean veil_protect_settings_is_preset    (GSettings               *settings,
                                             VeilPreset               preset);
/* @value at the application's precision. */
double   veil_protect_settings_round        (double                   value);

G_END_DECLS
