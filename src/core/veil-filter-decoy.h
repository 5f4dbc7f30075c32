/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "veil-types.h"

G_BEGIN_DECLS

/* The decoy class (beyond the paper, doc/filter-derivation.md section 9): with a secret key,
 * one class chosen by the key gets no filter, its pictures stay as they are. A model trained on
 * the copy then links "no pattern" to that class and sends real photos there, instead of to the
 * classes whose pattern is the faintest (doc/EFFICACY.md, "The decoy class"). */

/* Whether a bank has a decoy, and if not why: the one rule, for the bank and for what the
 * command line and the app say before an export. */
typedef enum {
  VEIL_DECOY_CHOSEN,     /* one class, chosen by the key */
  VEIL_DECOY_TURNED_OFF, /* the person asked for none */
  VEIL_DECOY_SEED_KEY,   /* seed keys reproduce the paper, which has none */
  VEIL_DECOY_ONE_CLASS,  /* nothing to send real photos to instead */
} VeilDecoyPlan;

VeilDecoyPlan veil_filter_decoy_plan (gboolean    wanted,
                                      VeilKeyKind key_kind,
                                      guint       n_classes);

/* The decoy among @n_classes names: the class whose key-stream score is the lowest, so the
 * choice does not depend on the order of the classes, and adding a class moves it only when the
 * new class scores lower. -1 with fewer than two classes: with one class there is nothing to
 * send real photos to instead. */
int  veil_filter_decoy_choose (const guint8       *secret,
                               const char * const *class_names,
                               guint               n_classes);

/* Makes the k×k @filter leave a picture as it is: 1 at the centre, 0 elsewhere. */
void veil_filter_decoy_fill   (float              *filter,
                               guint               k);

G_END_DECLS
