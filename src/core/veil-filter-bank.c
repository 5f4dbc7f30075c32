/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-core"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "veil-error.h"
#include "veil-filter-bank.h"
#include "veil-filter-decoy.h"
#include "veil-filter-echo.h"
#include "veil-key.h"
#include "veil-key-stream.h"
#include "veil-mt19937.h"

/* The derivation is specified in doc/filter-derivation.md; change both together, and only
 * with a new context version, or every published protected dataset loses its key. */
#define FILTER_CONTEXT "veil-filter-v1"

struct _VeilFilterBank {
  gatomicrefcount  ref_count;
  VeilFilterKind   kind;
  guint            k;
  double           pb;
  VeilKeyKind      key_kind;
  guint            n_classes;
  char           **class_names;
  GHashTable      *index_by_name; /* name → index + 1 */
  float           *weights;       /* n_classes × k × k */
  int              decoy;         /* the class left as it is, or -1 */
};

/* context = "veil-filter-v1" 0x00 k(1 byte) 0x00 name-bytes */
static void
derive_keyed (const guint8 *secret,
              const char   *class_name,
              guint         k,
              double        pb,
              float        *weights)
{
  g_autoptr(GByteArray) context = g_byte_array_new ();
  g_autoptr(VeilKeyStream) stream = NULL;
  guint8 zero = 0, k_byte = (guint8) k;
  guint kk = k * k;

  g_byte_array_append (context, (const guint8 *) FILTER_CONTEXT, strlen (FILTER_CONTEXT));
  g_byte_array_append (context, &zero, 1);
  g_byte_array_append (context, &k_byte, 1);
  g_byte_array_append (context, &zero, 1);
  g_byte_array_append (context, (const guint8 *) class_name, strlen (class_name));

  stream = veil_key_stream_new (secret, context->data, context->len);
  /* p_b multiplies the same draws, so moving the slider rescales rather than reshuffles. */
  for (guint j = 0; j < kk; j++)
    weights[j] = (float) (veil_key_stream_next_double (stream) * pb);
  weights[veil_key_stream_next_below (stream, kk)] = 1.0f;
}

static gboolean
check_arguments (const char * const  *class_names,
                 guint                n_classes,
                 VeilFilterKind       kind,
                 guint                k,
                 double               pb,
                 GError             **error)
{
  if (k < VEIL_KERNEL_SIZE_MIN || k > VEIL_KERNEL_SIZE_MAX || k % 2 == 0)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("The filter size must be an odd number from %u to %u, not %u"),
                   VEIL_KERNEL_SIZE_MIN, VEIL_KERNEL_SIZE_MAX, k);
      return FALSE;
    }
  /* Written so that NaN fails too. */
  if (!(pb > 0.0 && pb <= 1.0))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("The blur strength p_b must be above 0 and at most 1, not %g"), pb);
      return FALSE;
    }
  if (n_classes == 0)
    {
      g_set_error_literal (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                           _("A filter bank needs at least one class"));
      return FALSE;
    }
  if (kind == VEIL_FILTER_KIND_ECHO && k < VEIL_FILTER_ECHO_K_MIN)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("Echo filters need a filter size of at least %u, not %u"),
                   VEIL_FILTER_ECHO_K_MIN, k);
      return FALSE;
    }
  if (kind == VEIL_FILTER_KIND_ECHO && n_classes > veil_filter_echo_max_classes (k))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("Echo filters of size %u can tell only %u classes apart, not %u: choose a "
                     "larger filter size"), k, veil_filter_echo_max_classes (k), n_classes);
      return FALSE;
    }
  {
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint i = 0; i < n_classes; i++)
      {
        if (class_names[i] == NULL)
          {
            g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                         _("Class %u has no name"), i);
            return FALSE;
          }
        if (!g_hash_table_add (seen, (gpointer) class_names[i]))
          {
            g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                         _("The class name “%s” appears twice"), class_names[i]);
            return FALSE;
          }
      }
  }
  return TRUE;
}

VeilFilterBank *
veil_filter_bank_new (VeilKey             *key,
                      const char * const  *class_names,
                      guint                n_classes,
                      guint                k,
                      double               pb,
                      GError             **error)
{
  return veil_filter_bank_new_kind (key, class_names, n_classes, VEIL_FILTER_KIND_BLUR, k, pb,
                                    error);
}

VeilFilterBank *
veil_filter_bank_new_kind (VeilKey             *key,
                           const char * const  *class_names,
                           guint                n_classes,
                           VeilFilterKind       kind,
                           guint                k,
                           double               pb,
                           GError             **error)
{
  return veil_filter_bank_new_full (key, class_names, n_classes, kind, k, pb, FALSE, error);
}

VeilFilterBank *
veil_filter_bank_new_full (VeilKey             *key,
                           const char * const  *class_names,
                           guint                n_classes,
                           VeilFilterKind       kind,
                           guint                k,
                           double               pb,
                           gboolean             decoy,
                           GError             **error)
{
  VeilFilterBank *bank;
  guint kk = k * k;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (class_names != NULL || n_classes == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_arguments (class_names, n_classes, kind, k, pb, error))
    return NULL;

  bank = g_new0 (VeilFilterBank, 1);
  g_atomic_ref_count_init (&bank->ref_count);
  bank->kind = kind;
  bank->k = k;
  bank->pb = pb;
  bank->key_kind = veil_key_get_kind (key);
  bank->n_classes = n_classes;
  bank->class_names = g_new0 (char *, n_classes + 1);
  bank->index_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  bank->weights = g_new (float, (gsize) n_classes * kk);

  for (guint i = 0; i < n_classes; i++)
    {
      bank->class_names[i] = g_strdup (class_names[i]);
      g_hash_table_insert (bank->index_by_name, bank->class_names[i], GUINT_TO_POINTER (i + 1));
    }

  if (kind == VEIL_FILTER_KIND_ECHO && veil_key_get_kind (key) == VEIL_KEY_KIND_SEED)
    veil_filter_echo_derive_seed (veil_key_get_seed (key), k, pb, n_classes, bank->weights);
  else if (kind == VEIL_FILTER_KIND_ECHO)
    veil_filter_echo_derive_keyed (veil_key_get_secret (key), k, pb, n_classes, bank->weights);
  else if (veil_key_get_kind (key) == VEIL_KEY_KIND_SEED)
    {
      /* The reference draws every class from one generator in dataset order. */
      VeilMt19937 mt;

      veil_mt19937_init (&mt, veil_key_get_seed (key));
      for (guint i = 0; i < n_classes; i++)
        veil_mt19937_draw_filter (&mt, k, pb, bank->weights + (gsize) i * kk);
    }
  else
    {
      const guint8 *secret = veil_key_get_secret (key);

      for (guint i = 0; i < n_classes; i++)
        derive_keyed (secret, class_names[i], k, pb, bank->weights + (gsize) i * kk);
    }

  bank->decoy = -1;
  if (veil_filter_decoy_plan (decoy, veil_key_get_kind (key), n_classes) == VEIL_DECOY_CHOSEN)
    bank->decoy = veil_filter_decoy_choose (veil_key_get_secret (key), class_names, n_classes);
  if (bank->decoy >= 0)
    veil_filter_decoy_fill (bank->weights + (gsize) bank->decoy * kk, k);

  return bank;
}

VeilFilterBank *
veil_filter_bank_ref (VeilFilterBank *bank)
{
  g_return_val_if_fail (bank != NULL, NULL);

  g_atomic_ref_count_inc (&bank->ref_count);
  return bank;
}

void
veil_filter_bank_unref (VeilFilterBank *bank)
{
  g_return_if_fail (bank != NULL);

  if (!g_atomic_ref_count_dec (&bank->ref_count))
    return;

  g_hash_table_unref (bank->index_by_name);
  g_strfreev (bank->class_names);
  /* Filters are derived from the key; with them an attacker could undo the protection. */
  explicit_bzero (bank->weights, (gsize) bank->n_classes * bank->k * bank->k * sizeof (float));
  g_free (bank->weights);
  g_free (bank);
}

VeilFilterKind
veil_filter_bank_get_kind (const VeilFilterBank *bank)
{
  g_return_val_if_fail (bank != NULL, VEIL_FILTER_KIND_BLUR);

  return bank->kind;
}

guint
veil_filter_bank_get_k (const VeilFilterBank *bank)
{
  g_return_val_if_fail (bank != NULL, 0);

  return bank->k;
}

double
veil_filter_bank_get_pb (const VeilFilterBank *bank)
{
  g_return_val_if_fail (bank != NULL, 0.0);

  return bank->pb;
}

guint
veil_filter_bank_get_n_classes (const VeilFilterBank *bank)
{
  g_return_val_if_fail (bank != NULL, 0);

  return bank->n_classes;
}

const char *
veil_filter_bank_get_class_name (const VeilFilterBank *bank,
                                 guint                 class_index)
{
  g_return_val_if_fail (bank != NULL, NULL);
  g_return_val_if_fail (class_index < bank->n_classes, NULL);

  return bank->class_names[class_index];
}

int
veil_filter_bank_lookup (const VeilFilterBank *bank,
                         const char           *class_name)
{
  g_return_val_if_fail (bank != NULL, -1);
  g_return_val_if_fail (class_name != NULL, -1);

  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (bank->index_by_name, class_name)) - 1;
}

const float *
veil_filter_bank_get_filter (const VeilFilterBank *bank,
                             guint                 class_index)
{
  g_return_val_if_fail (bank != NULL, NULL);
  g_return_val_if_fail (class_index < bank->n_classes, NULL);

  return bank->weights + (gsize) class_index * bank->k * bank->k;
}

int
veil_filter_bank_get_decoy (const VeilFilterBank *bank)
{
  g_return_val_if_fail (bank != NULL, -1);

  return bank->decoy;
}

VeilKeyKind
veil_filter_bank_get_key_kind (const VeilFilterBank *bank)
{
  g_return_val_if_fail (bank != NULL, VEIL_KEY_KIND_SECRET);

  return bank->key_kind;
}
