/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* byte / 255.0f, as the reference computes it, without a division: (3·b) · fl(1/765) rounds to
 * the same float as b / 255 for each of the 256 bytes (3·b is exact, and the one rounding of the
 * product lands where the division's does; test-convolve checks all 256). The optimised path
 * converts every source row with it, where a vector division would cost more than a 3×3 kernel. */
static inline float
_veil_convolve_byte_to_float (guint8 b)
{
  return (float) (3 * (int) b) * (1.0f / 765.0f);
}

G_END_DECLS
