/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "veil-survival.h"

G_BEGIN_DECLS

/* The survival check in words, for the photographer: one place that turns the core's verdicts
 * (veil-survival.h) into sentences, shared by veil-cli and the app. The headline and advice say
 * it in plain words; only veil_survival_text_class_details() gives figures. All strings are
 * translated and newly allocated. */

/* The collection in one line: whether the protection survives, and for how many classes it
 * does not ("2 of 10 classes lose their protection…"). */
char       *veil_survival_text_headline      (const VeilSurvivalReport *report);
/* What to do, naming the cause; NULL when every measured class passes or none was measured. */
char       *veil_survival_text_advice        (const VeilSurvivalReport *report);
/* A short label for a class's verdict: "Protected", "Not protected", "Not checked". */
const char *veil_survival_text_verdict_label (VeilSurvivalVerdict       verdict);
/* One class: what was found and, when it fails, why and what to do. */
char       *veil_survival_text_class         (const VeilSurvivalReport *report,
                                              guint                     class_index);
/* One class's figures (images, decibels, filter similarities); NULL when not measured. */
char       *veil_survival_text_class_details (const VeilSurvivalReport *report,
                                              guint                     class_index);
/* The whole report as plain text: headline, advice, then each measured class, failing classes
 * first, each with its details when @details. Lines end in '\n'. */
char       *veil_survival_text_report        (const VeilSurvivalReport *report,
                                              gboolean                  details);

G_END_DECLS
