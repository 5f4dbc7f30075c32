/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "veil-types.h"

G_BEGIN_DECLS

/* The protection settings a person chooses, one set for the application and veil-cli: the
 * defaults, the limits and the decimals they are kept at live here and nowhere else. */

/* The paper's ImageNet setting, for photographs: a 9 × 9 filter, p_b = 0.06, and filters
 * enlarged for photos larger than the 224 px a scraper shrinks them to. */
#define VEIL_PROTECT_DEFAULT_K            9u
#define VEIL_PROTECT_DEFAULT_PB           0.06
#define VEIL_PROTECT_DEFAULT_MIX          1.0
#define VEIL_PROTECT_DEFAULT_TRAINING_RES 224u

/* Echo filters' p_b is the strength of the shifted copy, not a bound on random weights. The
 * efficacy lab's setting for them (doc/EFFICACY.md, "Echo filters"). */
#define VEIL_PROTECT_ECHO_DEFAULT_PB 1.0
#define VEIL_PROTECT_ECHO_DEFAULT_K  9u

/* A training resolution is VEIL_TRAINING_RES_NATIVE or a short side in this range. */
#define VEIL_TRAINING_RES_MIN 16u
#define VEIL_TRAINING_RES_MAX 65535u

/* p_b and the protected fraction are kept at this many decimals: the value the person chose,
 * so that a manifest says 0.1, never 0.09999999999999998. */
#define VEIL_PROTECT_DECIMALS 3

typedef struct {
  VeilFilterKind kind;    /* the paper's blur by default; echo needs k >= 5 */
  guint    k;             /* odd, VEIL_KERNEL_SIZE_MIN…VEIL_KERNEL_SIZE_MAX */
  double   pb;            /* (0, 1]: the upper bound of the random filter weights */
  double   mix;           /* [0, 1]: the fraction of images protected */
  guint    training_res;  /* VEIL_TRAINING_RES_NATIVE or VEIL_TRAINING_RES_MIN…_MAX */
  gboolean keep_detail;   /* the detail mode for photographs; FALSE by default */
  gboolean decoy;         /* one class left as it is (veil-filter-decoy.h), with a secret key
                           * and two classes or more; TRUE by default */
} VeilProtectParams;

/* Fills @params with the defaults above. */
void     veil_protect_params_init_defaults (VeilProtectParams       *params);

/* The kind's name in manifests, settings and on the command line: "blur" or "echo". */
const char *veil_filter_kind_to_string   (VeilFilterKind           kind);
/* The kind named @text exactly; FALSE for NULL or any other text. */
gboolean    veil_filter_kind_from_string (const char              *text,
                                          VeilFilterKind          *out);

/* Switches @params to filters of @kind. p_b means something else for each kind, so it becomes
 * the kind's default (VEIL_PROTECT_DEFAULT_PB or VEIL_PROTECT_ECHO_DEFAULT_PB), and echo filters
 * get at least VEIL_PROTECT_ECHO_DEFAULT_K (smaller ones held less in the lab). Nothing changes
 * when @kind is already chosen. */
void     veil_protect_params_set_kind      (VeilProtectParams       *params,
                                            VeilFilterKind           kind);

/* Rounds p_b and the fraction to VEIL_PROTECT_DECIMALS decimals (what a slider or a typed
 * number meant). Every other field is left as it is. */
void     veil_protect_params_round         (VeilProtectParams       *params);
/* @value rounded to VEIL_PROTECT_DECIMALS decimals: the nearest double to that decimal. */
double   veil_protect_params_round_decimal (double                   value);

/* Whether @params are within the limits above; VEIL_ERROR_INVALID_ARGUMENT with a sentence
 * naming the setting and its limits otherwise. p_b and the fraction are checked as rounded by
 * veil_protect_params_round(), so a p_b that would round to 0 is refused. */
gboolean veil_protect_params_validate      (const VeilProtectParams *params,
                                            GError                 **error);

/* Whether @a and @b protect the same way (after rounding). */
gboolean veil_protect_params_equal         (const VeilProtectParams *a,
                                            const VeilProtectParams *b);

/* The nearest settings within the limits: an even k goes up to the next odd size (down at the
 * top), echo filters get at least their smallest size, values outside a range go to its end, a training resolution below the minimum is the
 * minimum. For values read from a place that cannot enforce the limits (GSettings, dconf). */
void     veil_protect_params_clamp         (VeilProtectParams       *params);

G_END_DECLS
