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

G_END_DECLS
