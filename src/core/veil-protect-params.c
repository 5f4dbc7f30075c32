/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-core"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "veil-error.h"
#include "veil-filter-echo.h"
#include "veil-protect-params.h"

void
veil_protect_params_init_defaults (VeilProtectParams *params)
{
  g_return_if_fail (params != NULL);

  *params = (VeilProtectParams) {
    .kind = VEIL_FILTER_KIND_BLUR,
    .k = VEIL_PROTECT_DEFAULT_K,
    .pb = VEIL_PROTECT_DEFAULT_PB,
    .mix = VEIL_PROTECT_DEFAULT_MIX,
    .training_res = VEIL_PROTECT_DEFAULT_TRAINING_RES,
    .keep_detail = FALSE,
    .decoy = TRUE,
  };
}

const char *
veil_filter_kind_to_string (VeilFilterKind kind)
{
  return kind == VEIL_FILTER_KIND_ECHO ? "echo" : "blur";
}

gboolean
veil_filter_kind_from_string (const char     *text,
                              VeilFilterKind *out)
{
  if (g_strcmp0 (text, "blur") == 0)
    *out = VEIL_FILTER_KIND_BLUR;
  else if (g_strcmp0 (text, "echo") == 0)
    *out = VEIL_FILTER_KIND_ECHO;
  else
    return FALSE;
  return TRUE;
}

void
veil_protect_params_set_kind (VeilProtectParams *params,
                              VeilFilterKind     kind)
{
  g_return_if_fail (params != NULL);

  if (params->kind == kind)
    return;
  params->kind = kind;
  if (kind == VEIL_FILTER_KIND_ECHO)
    {
      params->pb = VEIL_PROTECT_ECHO_DEFAULT_PB;
      params->k = MAX (params->k, VEIL_PROTECT_ECHO_DEFAULT_K);
    }
  else
    params->pb = VEIL_PROTECT_DEFAULT_PB;
}

double
veil_protect_params_round_decimal (double value)
{
  double scale = pow (10.0, VEIL_PROTECT_DECIMALS);

  if (!isfinite (value))
    return value;
  /* Dividing the rounded integer gives the double nearest to the decimal, which the manifest's
   * shortest-form writer prints as that decimal. */
  return round (value * scale) / scale;
}

void
veil_protect_params_round (VeilProtectParams *params)
{
  g_return_if_fail (params != NULL);

  params->pb = veil_protect_params_round_decimal (params->pb);
  params->mix = veil_protect_params_round_decimal (params->mix);
}

gboolean
veil_protect_params_validate (const VeilProtectParams  *params,
                              GError                  **error)
{
  double pb, mix;

  g_return_val_if_fail (params != NULL, FALSE);

  pb = veil_protect_params_round_decimal (params->pb);
  mix = veil_protect_params_round_decimal (params->mix);

  if (params->k < VEIL_KERNEL_SIZE_MIN || params->k > VEIL_KERNEL_SIZE_MAX || params->k % 2 == 0)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("The filter size must be an odd number from %u to %u, not %u"),
                   VEIL_KERNEL_SIZE_MIN, VEIL_KERNEL_SIZE_MAX, params->k);
      return FALSE;
    }
  if (params->kind != VEIL_FILTER_KIND_BLUR && params->kind != VEIL_FILTER_KIND_ECHO)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("Unknown kind of filter %d"), (int) params->kind);
      return FALSE;
    }
  if (params->kind == VEIL_FILTER_KIND_ECHO && params->k < VEIL_FILTER_ECHO_K_MIN)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("Echo filters need a filter size of at least %u, not %u"),
                   VEIL_FILTER_ECHO_K_MIN, params->k);
      return FALSE;
    }
  if (!(pb > 0.0 && pb <= 1.0))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("The filter strength p_b must be from 0.001 to 1, not %g"), params->pb);
      return FALSE;
    }
  if (!(mix >= 0.0 && mix <= 1.0))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("The fraction of images protected must be from 0 to 1, not %g"),
                   params->mix);
      return FALSE;
    }
  if (params->training_res != VEIL_TRAINING_RES_NATIVE
      && (params->training_res < VEIL_TRAINING_RES_MIN
          || params->training_res > VEIL_TRAINING_RES_MAX))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("The training resolution must be native or from %u to %u pixels, not %u"),
                   VEIL_TRAINING_RES_MIN, VEIL_TRAINING_RES_MAX, params->training_res);
      return FALSE;
    }
  return TRUE;
}

gboolean
veil_protect_params_equal (const VeilProtectParams *a,
                           const VeilProtectParams *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->kind == b->kind
         && a->k == b->k
         && veil_protect_params_round_decimal (a->pb) == veil_protect_params_round_decimal (b->pb)
         && veil_protect_params_round_decimal (a->mix) == veil_protect_params_round_decimal (b->mix)
         && a->training_res == b->training_res
         && !a->keep_detail == !b->keep_detail
         && !a->decoy == !b->decoy;
}

void
veil_protect_params_clamp (VeilProtectParams *params)
{
  double smallest_pb = pow (10.0, -VEIL_PROTECT_DECIMALS);

  g_return_if_fail (params != NULL);

  if (params->k % 2 == 0)
    params->k = params->k >= VEIL_KERNEL_SIZE_MAX ? VEIL_KERNEL_SIZE_MAX : params->k + 1;
  params->k = CLAMP (params->k, VEIL_KERNEL_SIZE_MIN, VEIL_KERNEL_SIZE_MAX);
  if (params->kind != VEIL_FILTER_KIND_ECHO)
    params->kind = VEIL_FILTER_KIND_BLUR;
  else if (params->k < VEIL_FILTER_ECHO_K_MIN)
    params->k = VEIL_FILTER_ECHO_K_MIN;

  veil_protect_params_round (params);
  if (!(params->pb >= smallest_pb))
    params->pb = isnan (params->pb) ? VEIL_PROTECT_DEFAULT_PB : smallest_pb;
  else if (params->pb > 1.0)
    params->pb = 1.0;
  if (isnan (params->mix))
    params->mix = VEIL_PROTECT_DEFAULT_MIX;
  params->mix = CLAMP (params->mix, 0.0, 1.0);

  if (params->training_res != VEIL_TRAINING_RES_NATIVE)
    params->training_res = CLAMP (params->training_res, VEIL_TRAINING_RES_MIN,
                                  VEIL_TRAINING_RES_MAX);
}
