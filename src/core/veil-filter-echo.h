/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "veil-types.h"

G_BEGIN_DECLS

/* Echo filters (beyond the paper, doc/filter-derivation.md section 8): each class's k×k filter
 * is 1 at the centre and p_b at one other cell, so a picture gets a copy of itself, shifted
 * by the class's offset. Offsets are 3 to (k − 1)/2 pixels long and no two classes share one, not
 * even mirrored left to right (a trainer flips pictures) or reversed (the same two copies,
 * shifted), which needs k ≥ 7 and limits how many classes a size can tell apart. */

#define VEIL_FILTER_ECHO_K_MIN 7u

/* How many classes echo filters of size @k can tell apart: 0 below VEIL_FILTER_ECHO_K_MIN. */
guint veil_filter_echo_max_classes  (guint         k);

/* Fills @weights (@n_classes × k × k floats) with the classes' filters in dataset order, from a
 * secret key's stream or a seed's generator. @n_classes must be at most
 * veil_filter_echo_max_classes (@k). */
void  veil_filter_echo_derive_keyed (const guint8 *secret,
                                     guint         k,
                                     double        pb,
                                     guint         n_classes,
                                     float        *weights);
void  veil_filter_echo_derive_seed  (guint32       seed,
                                     guint         k,
                                     double        pb,
                                     guint         n_classes,
                                     float        *weights);

G_END_DECLS
