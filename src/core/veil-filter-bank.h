/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "veil-types.h"

G_BEGIN_DECLS

/* One k×k filter per class, derived from a key. Build once per (key, classes, kind, k, p_b) and share:
 * the bank is immutable and reference counted, safe to read from many threads.
 *
 * @class_names must be in dataset order (sorted by name, as VeilDataset gives them). With a
 * seed key the i-th class gets the i-th draws of the reference implementation (bit for bit);
 * with a secret key each class's filter depends only on the key, the class name and k, and p_b
 * scales the same draws (doc/filter-derivation.md). Errors: VEIL_ERROR_INVALID_ARGUMENT for k
 * even or outside 3…31, p_b outside (0, 1], no classes, or a class name that is NULL or given
 * twice. These are the paper's blur filters. */
VeilFilterBank *veil_filter_bank_new        (VeilKey              *key,
                                             const char * const   *class_names,
                                             guint                 n_classes,
                                             guint                 k,
                                             double                pb,
                                             GError              **error);
/* The same for filters of @kind. Echo filters (veil-filter-echo.h) are dealt out over the
 * classes in order, so with either kind of key a class's echo depends on the class list; they
 * also fail with VEIL_ERROR_INVALID_ARGUMENT below 7 × 7 or for more classes than the size can
 * tell apart. */
VeilFilterBank *veil_filter_bank_new_kind   (VeilKey              *key,
                                             const char * const   *class_names,
                                             guint                 n_classes,
                                             VeilFilterKind        kind,
                                             guint                 k,
                                             double                pb,
                                             GError              **error);
/* The same, and with @decoy and a secret key one class chosen by the key is the decoy: its
 * filter leaves pictures as they are (veil-filter-decoy.h). A seed key's bank has no decoy,
 * since it reproduces the paper, and neither has a bank of one class: see
 * veil_filter_bank_get_decoy(). */
VeilFilterBank *veil_filter_bank_new_full   (VeilKey              *key,
                                             const char * const   *class_names,
                                             guint                 n_classes,
                                             VeilFilterKind        kind,
                                             guint                 k,
                                             double                pb,
                                             gboolean              decoy,
                                             GError              **error);
VeilFilterBank *veil_filter_bank_ref        (VeilFilterBank       *bank);
void            veil_filter_bank_unref      (VeilFilterBank       *bank);

VeilFilterKind  veil_filter_bank_get_kind       (const VeilFilterBank *bank);
guint           veil_filter_bank_get_k          (const VeilFilterBank *bank);
double          veil_filter_bank_get_pb         (const VeilFilterBank *bank);
guint           veil_filter_bank_get_n_classes  (const VeilFilterBank *bank);
const char     *veil_filter_bank_get_class_name (const VeilFilterBank *bank,
                                                 guint                 class_index);
/* -1 when the bank has no class of that name. */
int             veil_filter_bank_lookup         (const VeilFilterBank *bank,
                                                 const char           *class_name);
/* The decoy class's index, or -1 when the bank has none. */
int             veil_filter_bank_get_decoy      (const VeilFilterBank *bank);
/* The kind of key the filters come from: a seed key's bank reproduces the paper. */
VeilKeyKind     veil_filter_bank_get_key_kind   (const VeilFilterBank *bank);
/* k*k float32 weights, row-major (row = y), owned by the bank. */
const float    *veil_filter_bank_get_filter     (const VeilFilterBank *bank,
                                                 guint                 class_index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilFilterBank, veil_filter_bank_unref)

G_END_DECLS
