/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The Mersenne Twister exactly as numpy's legacy RandomState uses it, so that a seed key
 * reproduces the reference implementation's draws bit for bit. Not for secrets. */

#define VEIL_MT19937_N 624

typedef struct {
  guint32 state[VEIL_MT19937_N];
  guint   pos;
} VeilMt19937;

/* np.random.seed(seed) for an integer seed: Matsumoto–Nishimura init_genrand. */
void     veil_mt19937_init        (VeilMt19937 *mt,
                                   guint32      seed);
guint32  veil_mt19937_next_uint32 (VeilMt19937 *mt);
/* numpy's random_sample(): 53 bits from two draws, (a >> 5, b >> 6), in [0, 1). */
double   veil_mt19937_next_double (VeilMt19937 *mt);
/* numpy's legacy uniform(low, high): low + (high - low) * random_sample(). */
double   veil_mt19937_uniform     (VeilMt19937 *mt,
                                   double       low,
                                   double       high);
/* numpy's legacy randint(high) for high >= 1: masked rejection sampling, with 32-bit draws
 * when high - 1 fits in 32 bits and 64-bit draws (two 32-bit, high word first) otherwise. */
guint64  veil_mt19937_randint     (VeilMt19937 *mt,
                                   guint64      high);

/* One class's draws of the reference implementation: uniform(0, pb, size=(3,1,k,k)), of which
 * the first k*k values become float32 weights, then randint(k) for the row and randint(k) for
 * the column of the cell set to 1.0f. @weights (k*k floats, row-major) may be NULL to only
 * advance the generator. */
void     veil_mt19937_draw_filter (VeilMt19937 *mt,
                                   guint        k,
                                   double       pb,
                                   float       *weights);

G_END_DECLS
