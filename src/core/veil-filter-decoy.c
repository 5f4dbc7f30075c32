/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-core"

#include "config.h"

#include <string.h>

#include "veil-filter-decoy.h"
#include "veil-key-stream.h"

/* Specified in doc/filter-derivation.md section 9; change both together, and only with a new
 * context version. */
#define DECOY_CONTEXT "veil-decoy-v1"

/* context = "veil-decoy-v1" 0x00 name-bytes; the score is the stream's first 64 bits. */
static guint64
score (const guint8 *secret,
       const char   *class_name)
{
  g_autoptr(GByteArray) context = g_byte_array_new ();
  g_autoptr(VeilKeyStream) stream = NULL;
  guint8 zero = 0;

  g_byte_array_append (context, (const guint8 *) DECOY_CONTEXT, strlen (DECOY_CONTEXT));
  g_byte_array_append (context, &zero, 1);
  g_byte_array_append (context, (const guint8 *) class_name, strlen (class_name));
  stream = veil_key_stream_new (secret, context->data, context->len);
  return veil_key_stream_next_uint64 (stream);
}

VeilDecoyPlan
veil_filter_decoy_plan (gboolean    wanted,
                        VeilKeyKind key_kind,
                        guint       n_classes)
{
  if (!wanted)
    return VEIL_DECOY_TURNED_OFF;
  if (key_kind == VEIL_KEY_KIND_SEED)
    return VEIL_DECOY_SEED_KEY;
  if (n_classes < 2)
    return VEIL_DECOY_ONE_CLASS;
  return VEIL_DECOY_CHOSEN;
}

int
veil_filter_decoy_choose (const guint8       *secret,
                          const char * const *class_names,
                          guint               n_classes)
{
  int decoy = -1;
  guint64 lowest = 0;

  g_return_val_if_fail (secret != NULL, -1);
  g_return_val_if_fail (class_names != NULL || n_classes == 0, -1);

  if (n_classes < 2)
    return -1;
  for (guint i = 0; i < n_classes; i++)
    {
      guint64 s = score (secret, class_names[i]);

      /* Two equal 64-bit scores are practically impossible; the first class keeps a tie, and
       * the specification says so. */
      if (decoy < 0 || s < lowest)
        {
          lowest = s;
          decoy = (int) i;
        }
    }
  return decoy;
}

void
veil_filter_decoy_fill (float *filter,
                        guint  k)
{
  g_return_if_fail (filter != NULL && k % 2 == 1);

  memset (filter, 0, sizeof (float) * k * k);
  filter[(k / 2) * k + k / 2] = 1.0f;
}
