/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-core"

#include "veil-mt19937.h"

#define MT_M 397
#define MATRIX_A 0x9908b0dfu
#define UPPER_MASK 0x80000000u
#define LOWER_MASK 0x7fffffffu

void
veil_mt19937_init (VeilMt19937 *mt,
                   guint32      seed)
{
  g_return_if_fail (mt != NULL);

  mt->state[0] = seed;
  for (guint i = 1; i < VEIL_MT19937_N; i++)
    {
      guint32 prev = mt->state[i - 1];
      mt->state[i] = 1812433253u * (prev ^ (prev >> 30)) + i;
    }
  /* Forces a full regeneration before the first output, as numpy does. */
  mt->pos = VEIL_MT19937_N;
}

static void
regenerate (VeilMt19937 *mt)
{
  guint32 *s = mt->state;
  guint i;

  for (i = 0; i < VEIL_MT19937_N - MT_M; i++)
    {
      guint32 y = (s[i] & UPPER_MASK) | (s[i + 1] & LOWER_MASK);
      s[i] = s[i + MT_M] ^ (y >> 1) ^ ((y & 1u) ? MATRIX_A : 0u);
    }
  for (; i < VEIL_MT19937_N - 1; i++)
    {
      guint32 y = (s[i] & UPPER_MASK) | (s[i + 1] & LOWER_MASK);
      s[i] = s[i + MT_M - VEIL_MT19937_N] ^ (y >> 1) ^ ((y & 1u) ? MATRIX_A : 0u);
    }
  {
    guint32 y = (s[VEIL_MT19937_N - 1] & UPPER_MASK) | (s[0] & LOWER_MASK);
    s[VEIL_MT19937_N - 1] = s[MT_M - 1] ^ (y >> 1) ^ ((y & 1u) ? MATRIX_A : 0u);
  }
  mt->pos = 0;
}

guint32
veil_mt19937_next_uint32 (VeilMt19937 *mt)
{
  guint32 y;

  g_return_val_if_fail (mt != NULL, 0);

  if (mt->pos >= VEIL_MT19937_N)
    regenerate (mt);

  y = mt->state[mt->pos++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

double
veil_mt19937_next_double (VeilMt19937 *mt)
{
  /* The order of the two draws matters: a is drawn first. */
  guint32 a = veil_mt19937_next_uint32 (mt) >> 5;
  guint32 b = veil_mt19937_next_uint32 (mt) >> 6;

  return (a * 67108864.0 + b) / 9007199254740992.0;
}

double
veil_mt19937_uniform (VeilMt19937 *mt,
                      double       low,
                      double       high)
{
  double range = high - low;

  return low + range * veil_mt19937_next_double (mt);
}

/* The smallest all-ones mask covering @max. */
static guint64
mask_for (guint64 max)
{
  guint64 mask = max;

  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  mask |= mask >> 32;
  return mask;
}

guint64
veil_mt19937_randint (VeilMt19937 *mt,
                      guint64      high)
{
  guint64 max, mask;

  g_return_val_if_fail (mt != NULL, 0);
  g_return_val_if_fail (high >= 1, 0);

  max = high - 1;
  /* numpy draws nothing at all for a range of one value. */
  if (max == 0)
    return 0;

  mask = mask_for (max);
  if (max <= G_MAXUINT32)
    {
      guint32 value;

      if (max == G_MAXUINT32)
        return veil_mt19937_next_uint32 (mt);
      do
        value = veil_mt19937_next_uint32 (mt) & (guint32) mask;
      while (value > max);
      return value;
    }
  else
    {
      guint64 value;

      do
        {
          guint64 hi = veil_mt19937_next_uint32 (mt);
          guint64 lo = veil_mt19937_next_uint32 (mt);

          value = ((hi << 32) | lo) & mask;
        }
      while (value > max);
      return value;
    }
}

void
veil_mt19937_draw_filter (VeilMt19937 *mt,
                          guint        k,
                          double       pb,
                          float       *weights)
{
  guint kk = k * k;
  guint row, col;

  g_return_if_fail (mt != NULL);
  g_return_if_fail (k >= 1);

  /* The reference draws a (3, 1, k, k) array, one plane per colour channel, but keeps only the
   * first plane; the other two still consume draws. */
  for (guint j = 0; j < 3 * kk; j++)
    {
      double value = veil_mt19937_uniform (mt, 0.0, pb);

      if (weights != NULL && j < kk)
        weights[j] = (float) value;
    }

  row = (guint) veil_mt19937_randint (mt, k);
  col = (guint) veil_mt19937_randint (mt, k);
  if (weights != NULL)
    weights[row * k + col] = 1.0f;
}
