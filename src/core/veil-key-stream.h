/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A deterministic stream of random numbers from a 256-bit secret and a context:
 * HMAC-SHA256(secret, context || counter as 8 bytes big-endian) for counter = 0, 1, 2, …,
 * the 32-byte blocks read one after another. Every value is taken from the next 8 bytes of the
 * stream as a big-endian integer. doc/filter-derivation.md specifies it exactly.
 *
 * The stream holds keyed state: it is wiped when freed. */

typedef struct _VeilKeyStream VeilKeyStream;

VeilKeyStream *veil_key_stream_new         (const guint8  *secret,      /* 32 bytes */
                                            const guint8  *context,
                                            gsize          context_len);
void           veil_key_stream_free        (VeilKeyStream *stream);

guint64        veil_key_stream_next_uint64 (VeilKeyStream *stream);
/* The top 53 bits of the next uint64, scaled to [0, 1). */
double         veil_key_stream_next_double (VeilKeyStream *stream);
/* Uniform in [0, @n) for @n >= 1, by rejection: uint64 values at or above the largest multiple
 * of @n that fits in 2^64 are drawn again; the accepted value is taken modulo @n. */
guint64        veil_key_stream_next_below  (VeilKeyStream *stream,
                                            guint64        n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilKeyStream, veil_key_stream_free)

G_END_DECLS
