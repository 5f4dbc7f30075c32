/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-core"

#include "config.h"

#include <string.h>

#include "veil-filter-echo.h"
#include "veil-key-stream.h"
#include "veil-mt19937.h"

/* Specified in doc/filter-derivation.md section 8; change both together, and only with a new
 * context version. */
#define ECHO_CONTEXT "veil-echo-v2"

/* After a trainer's low-pass an echo of 2 pixels looks like a slight blur, the nearest thing to
 * a clean photo, so a model sent clean photos to the classes that had one: measured with the
 * efficacy lab (doc/EFFICACY.md), which is why version 1's 2-pixel offsets are gone. */
#define ECHO_MIN_LENGTH 3

typedef struct {
  int dx, dy;
} Offset;

/* Random numbers from a secret key's stream or a seed's generator, drawn the same way. */
typedef struct {
  VeilKeyStream *stream;
  VeilMt19937   *mt;
} Draws;

static guint
draw_below (Draws *draws,
            guint  n)
{
  if (draws->stream != NULL)
    return (guint) veil_key_stream_next_below (draws->stream, n);
  return (guint) veil_mt19937_randint (draws->mt, n);
}

/* The offsets that neither a flip nor a shift can confuse: a flip turns (dx, dy) into
 * (−dx, dy), and a copy at −(dx, dy) is the same picture pair shifted, told apart only by which
 * copy is fainter, which fades as p_b nears 1. So one quadrant (dx, dy ≥ 0), row by row. */
static guint
list_offsets (guint   k,
              Offset *offsets)
{
  int r = (int) k / 2;
  guint n = 0;

  for (int dy = 0; dy <= r; dy++)
    for (int dx = 0; dx <= r; dx++)
      if (MAX (dx, dy) >= ECHO_MIN_LENGTH)
        {
          if (offsets != NULL)
            offsets[n] = (Offset) { dx, dy };
          n++;
        }
  return n;
}

guint
veil_filter_echo_max_classes (guint k)
{
  if (k < VEIL_FILTER_ECHO_K_MIN || k % 2 == 0)
    return 0;
  return list_offsets (k, NULL);
}

static void
derive (Draws  *draws,
        guint   k,
        double  pb,
        guint   n_classes,
        float  *weights)
{
  guint n = list_offsets (k, NULL);
  g_autofree Offset *offsets = g_new (Offset, n);
  int r = (int) k / 2;

  g_return_if_fail (n > 0 && n_classes <= n);

  list_offsets (k, offsets);
  /* Fisher–Yates, from the last position down: a uniformly random order of the offsets. */
  for (guint i = n - 1; i > 0; i--)
    {
      guint j = draw_below (draws, i + 1);
      Offset swap = offsets[i];

      offsets[i] = offsets[j];
      offsets[j] = swap;
    }

  memset (weights, 0, sizeof (float) * n_classes * k * k);
  for (guint c = 0; c < n_classes; c++)
    {
      float *filter = weights + (gsize) c * k * k;
      Offset offset = offsets[c];

      /* The quadrant makes no difference to a trainer who flips and shifts, but keeps more of
       * the key's secret from one who does not. */
      if (draw_below (draws, 2) == 1)
        offset.dx = -offset.dx;
      if (draw_below (draws, 2) == 1)
        offset.dy = -offset.dy;
      filter[r * k + r] = 1.0f;
      filter[(r + offset.dy) * (int) k + r + offset.dx] = (float) pb;
    }
  /* The order comes from the key: with it the filters could be undone. */
  explicit_bzero (offsets, sizeof (Offset) * n);
}

void
veil_filter_echo_derive_keyed (const guint8 *secret,
                               guint         k,
                               double        pb,
                               guint         n_classes,
                               float        *weights)
{
  g_autoptr(GByteArray) context = g_byte_array_new ();
  guint8 zero = 0, k_byte = (guint8) k;
  Draws draws = { NULL, NULL };

  /* context = "veil-echo-v2" 0x00 k(1 byte) */
  g_byte_array_append (context, (const guint8 *) ECHO_CONTEXT, strlen (ECHO_CONTEXT));
  g_byte_array_append (context, &zero, 1);
  g_byte_array_append (context, &k_byte, 1);
  draws.stream = veil_key_stream_new (secret, context->data, context->len);
  derive (&draws, k, pb, n_classes, weights);
  veil_key_stream_free (draws.stream);
}

void
veil_filter_echo_derive_seed (guint32  seed,
                              guint    k,
                              double   pb,
                              guint    n_classes,
                              float   *weights)
{
  VeilMt19937 mt;
  Draws draws = { NULL, &mt };

  veil_mt19937_init (&mt, seed);
  derive (&draws, k, pb, n_classes, weights);
}
