/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-core"

#include <string.h>

#include "veil-key.h"
#include "veil-key-stream.h"
#include "veil-mix.h"
#include "veil-mt19937.h"

/* Specified in doc/filter-derivation.md, like the filters. */
#define MIX_CONTEXT "veil-mix-v1"

gboolean
veil_mix_decide_keyed (const VeilKey *key,
                       const char    *relative_path,
                       double         mix)
{
  g_autoptr(GByteArray) context = g_byte_array_new ();
  g_autoptr(VeilKeyStream) stream = NULL;
  guint8 zero = 0;

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (veil_key_get_kind (key) == VEIL_KEY_KIND_SECRET, FALSE);
  g_return_val_if_fail (relative_path != NULL, FALSE);

  /* The ends need no draw, and a draw in [0, 1) could never reach mix = 1 otherwise anyway. */
  if (mix >= 1.0)
    return TRUE;
  if (!(mix > 0.0))
    return FALSE;

  g_byte_array_append (context, (const guint8 *) MIX_CONTEXT, strlen (MIX_CONTEXT));
  g_byte_array_append (context, &zero, 1);
  g_byte_array_append (context, (const guint8 *) relative_path, strlen (relative_path));
  stream = veil_key_stream_new (veil_key_get_secret (key), context->data, context->len);
  return veil_key_stream_next_double (stream) < mix;
}

gboolean *
veil_mix_decide_seeded (guint32 seed,
                        guint   n_classes,
                        guint   k,
                        guint   n_images,
                        double  mix)
{
  gboolean *protect;
  VeilMt19937 mt;

  g_return_val_if_fail (k >= 1, NULL);

  /* The reference draws all filters first; only then one random() per image. */
  veil_mt19937_init (&mt, seed);
  for (guint i = 0; i < n_classes; i++)
    veil_mt19937_draw_filter (&mt, k, 1.0, NULL);

  protect = g_new (gboolean, MAX (n_images, 1));
  for (guint i = 0; i < n_images; i++)
    protect[i] = veil_mt19937_next_double (&mt) < mix;
  return protect;
}

gboolean
veil_mix_needs_draws (const VeilKey *key,
                      double         mix)
{
  g_return_val_if_fail (key != NULL, FALSE);

  return veil_key_get_kind (key) == VEIL_KEY_KIND_SEED && mix < 1.0;
}

gboolean
veil_mix_decide (const VeilKey  *key,
                 const gboolean *draws,
                 guint           index,
                 const char     *relative_path,
                 double          mix)
{
  if (mix >= 1.0)
    return TRUE;
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (relative_path != NULL, FALSE);
  if (veil_key_get_kind (key) == VEIL_KEY_KIND_SEED)
    return draws != NULL && draws[index];
  return veil_mix_decide_keyed (key, relative_path, mix);
}
