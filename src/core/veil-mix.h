/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "veil-types.h"

G_BEGIN_DECLS

/* Which images are protected when only a fraction @mix (0…1) is.
 *
 * Secret key (VEIL_KEY_KIND_SECRET only): decided from the key and the image's path relative to
 * the dataset root alone ('/'-separated, no leading "./"), so the answer does not depend on
 * order, threads or sharding, and a larger @mix only adds images (doc/filter-derivation.md). */
gboolean  veil_mix_decide_keyed  (const VeilKey *key,
                                  const char    *relative_path,
                                  double         mix);

/* Seed key, as the reference: after drawing the filters of @n_classes classes of size @k,
 * one random() draw per image in dataset order; image i is protected when its draw < @mix.
 * Returns a newly allocated array of @n_images booleans. */
gboolean *veil_mix_decide_seeded (guint32        seed,
                                  guint          n_classes,
                                  guint          k,
                                  guint          n_images,
                                  double         mix);

/* Whether a key of this kind at @mix needs veil_mix_decide_seeded()'s draws: a seed key
 * below 1. */
gboolean  veil_mix_needs_draws   (const VeilKey *key,
                                  double         mix);
/* Whether image @index of the dataset (at @relative_path) is protected, for any key: everything
 * at @mix ≥ 1; with a seed below that, @draws[@index], where @draws is veil_mix_decide_seeded()'s
 * array (NULL when no filters could be made: then nothing is protected); with a secret key,
 * veil_mix_decide_keyed(). The one rule the export and the preview follow. */
gboolean  veil_mix_decide        (const VeilKey  *key,
                                  const gboolean *draws,
                                  guint           index,
                                  const char     *relative_path,
                                  double          mix);

G_END_DECLS
