/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-core"

#include <string.h>

#include "veil-key-stream.h"
#include "veil-key.h"

#define BLOCK_LENGTH 32

struct _VeilKeyStream {
  GHmac   *base;                 /* keyed and fed the context; copied for every block */
  guint64  counter;              /* of the next block to compute */
  guint8   block[BLOCK_LENGTH];
  gsize    used;                 /* bytes of @block already handed out */
};

static void
wipe (void  *data,
      gsize  len)
{
  /* A volatile pointer keeps the compiler from dropping stores to memory about to be freed. */
  volatile guint8 *p = data;

  while (len-- > 0)
    *p++ = 0;
}

VeilKeyStream *
veil_key_stream_new (const guint8 *secret,
                     const guint8 *context,
                     gsize         context_len)
{
  VeilKeyStream *stream;

  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (context != NULL || context_len == 0, NULL);

  stream = g_new0 (VeilKeyStream, 1);
  stream->base = g_hmac_new (G_CHECKSUM_SHA256, secret, VEIL_KEY_SECRET_LENGTH);
  if (context_len > 0)
    g_hmac_update (stream->base, context, context_len);
  stream->used = BLOCK_LENGTH;
  return stream;
}

void
veil_key_stream_free (VeilKeyStream *stream)
{
  if (stream == NULL)
    return;
  g_hmac_unref (stream->base);
  wipe (stream, sizeof *stream);
  g_free (stream);
}

static void
next_block (VeilKeyStream *stream)
{
  g_autoptr(GHmac) hmac = g_hmac_copy (stream->base);
  guint8 counter[8];
  gsize len = BLOCK_LENGTH;

  for (guint i = 0; i < 8; i++)
    counter[i] = (guint8) (stream->counter >> (56 - 8 * i));
  g_hmac_update (hmac, counter, sizeof counter);
  g_hmac_get_digest (hmac, stream->block, &len);
  g_assert (len == BLOCK_LENGTH);
  stream->counter++;
  stream->used = 0;
}

guint64
veil_key_stream_next_uint64 (VeilKeyStream *stream)
{
  guint64 value = 0;

  g_return_val_if_fail (stream != NULL, 0);

  /* Blocks are 32 bytes, so 8-byte values never straddle two blocks. */
  if (stream->used >= BLOCK_LENGTH)
    next_block (stream);
  for (guint i = 0; i < 8; i++)
    value = (value << 8) | stream->block[stream->used + i];
  stream->used += 8;
  return value;
}

double
veil_key_stream_next_double (VeilKeyStream *stream)
{
  return (double) (veil_key_stream_next_uint64 (stream) >> 11) * 0x1.0p-53;
}

guint64
veil_key_stream_next_below (VeilKeyStream *stream,
                            guint64        n)
{
  guint64 limit, value;

  g_return_val_if_fail (stream != NULL, 0);
  g_return_val_if_fail (n >= 1, 0);

  /* limit = 2^64 - (2^64 mod n): the values below it split evenly into n residues. A limit of
   * 0 stands for 2^64 itself (n a power of two), where nothing is rejected. */
  limit = (guint64) 0 - ((guint64) 0 - n) % n;
  do
    value = veil_key_stream_next_uint64 (stream);
  while (limit != 0 && value >= limit);
  return value % n;
}
