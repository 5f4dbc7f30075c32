/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-export.h"
#include "veil-filter-decoy.h"
#include "veil-survival.h"

G_BEGIN_DECLS

/* The words the export dialog shows while an export runs and after it ends. Kept apart from
 * the dialog's widgets so the same text goes into the window, the saved report and the tests. */

/* What an export was asked to do; strings are owned by the caller. */
typedef struct {
  const char       *input_dir;
  const char       *output_dir;
  const char       *key_name;         /* NULL for a seed */
  const char       *key_fingerprint;
  gboolean          key_is_seed;
  VeilFilterKind    kind;
  guint             k;
  double            pb;
  double            mix;
  guint             training_res;
  gboolean          keep_detail;
  VeilDecoyPlan     decoy;            /* what the export's filter bank does */
  VeilOutputFormat  format;
  int               jpeg_quality;
} VeilExportParams;

typedef enum {
  VEIL_EXPORT_OUTCOME_COMPLETE,  /* every image handled; some may have failed */
  VEIL_EXPORT_OUTCOME_CANCELLED, /* stopped by the person: the output is incomplete */
  VEIL_EXPORT_OUTCOME_FAILED,    /* stopped by a fatal error: the output is incomplete */
} VeilExportOutcome;

/* "about 3 minutes left", "less than a minute left"; @seconds < 0 means not known yet. */
char *veil_export_text_time_left    (double seconds);
/* "34 of 120 images" */
char *veil_export_text_count        (const VeilExportProgress *progress);
/* While the survival check runs: "5 of 24 images checked" */
char *veil_export_text_checked      (const VeilExportProgress *progress);
/* "12.5 images per second · about 8 seconds left · 1 failed" */
char *veil_export_text_status       (const VeilExportProgress *progress);
/* "Training size 224 px" or "Native (as in the paper)" */
char *veil_export_text_training_res (guint training_res);
/* The kind of filter: "Blur (the paper's)" or "Echo (beyond the paper)" */
char *veil_export_text_filter_kind  (VeilFilterKind kind);
/* Whether detail-preserving protection is used: "Kept" or "Not kept" */
char *veil_export_text_keep_detail  (gboolean keep_detail);
/* "On", "Off", "None (integer seed keys have none)", … */
char *veil_export_text_decoy        (VeilDecoyPlan decoy);

/* The whole outcome as plain text for "Save Report": parameters, counts, each failed file with
 * its reason, and @extra (the survival report, may be NULL). @report is NULL when the export
 * stopped before writing one; @error says why. */
char *veil_export_text_report       (const VeilExportParams *params,
                                     VeilExportOutcome       outcome,
                                     const VeilExportReport *report,
                                     const GError           *error,
                                     const char             *extra);

/* The survival report as text: the overall sentence, then one line per class. */
char *veil_export_text_survival     (const VeilSurvivalReport *report);

G_END_DECLS
