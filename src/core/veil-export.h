/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-protect-params.h"
#include "veil-survival.h"
#include "veil-types.h"

G_BEGIN_DECLS

/* The export pipeline: a scanned dataset in, its protected copy and veil-manifest.json out.
 * Used as is by veil-cli and by the application. */

#define VEIL_MANIFEST_NAME "veil-manifest.json"

typedef struct {
  VeilKey          *key;            /* borrowed */
  /* The protection settings (see veil-protect-params.h for their limits and defaults; p_b and
   * mix are used rounded to VEIL_PROTECT_DECIMALS decimals). */
  VeilFilterKind    kind;
  guint             k;
  double            pb;
  double            mix;
  guint             training_res;
  gboolean          keep_detail;    /* protect at training_res, keep the detail above it
                                     * (veil-detail.h) */
  gboolean          decoy;          /* one class left as it is (veil-filter-decoy.h); only with a
                                     * secret key and two classes or more, as the manifest
                                     * records */
  VeilOutputFormat  format;
  int               jpeg_quality;   /* 1…100, 95 by default */
  guint             n_threads;      /* 0 = all cores */
  gboolean          resume;         /* skip outputs the manifest journal records as complete */
  gboolean          copy_other;     /* copy files that are not images too */
  guint             shard_index;    /* 0-based; shard_count 0 or 1 = no sharding */
  guint             shard_count;
  guint             survival_sample; /* after the run, check that the protection survives a
                                      * scraper's shrinking on this many protected images per
                                      * class (VEIL_SURVIVAL_DEFAULT_SAMPLE by default); 0 = no
                                      * check. Never in a shard (see doc/sharding.md). */
} VeilExportOptions;

void veil_export_options_init (VeilExportOptions *options); /* the defaults above */
/* Copies the protection settings into, or out of, @options. */
void veil_export_options_set_params (VeilExportOptions       *options,
                                     const VeilProtectParams *params);
void veil_export_options_get_params (const VeilExportOptions *options,
                                     VeilProtectParams       *params);

/* What an export is doing: writing the files, then (survival_sample > 0, not a shard)
 * checking that the protection survives a scraper's shrinking on the sample. */
typedef enum {
  VEIL_EXPORT_PHASE_WRITING,  /* n_done of n_total */
  VEIL_EXPORT_PHASE_CHECKING, /* every file is written: n_checked of n_to_check */
} VeilExportPhase;

typedef struct {
  guint   n_done;        /* images finished, whatever the outcome */
  guint   n_total;       /* images in this run (this shard) */
  guint   n_failed;
  guint64 bytes_read;
  double  images_per_second;
  double  eta_seconds;   /* < 0 while unknown */
  const char *current_path; /* relative path of a file being worked on, may be NULL */
  VeilExportPhase phase;
  /* CHECKING: pairs (original, protected) of the survival sample measured, of all. Pairs of
   * images just written were measured while writing them and count as checked at once; the
   * others (written by an earlier run, or standing in for a file that failed) are loaded from
   * the disk now. Zero while WRITING. */
  guint   n_checked;
  guint   n_to_check;
} VeilExportProgress;

/* Called at most a few times a second, once when the check starts, and once at the end. From
 * veil_export_run() it is called on the calling thread; from veil_export_async() on the
 * caller's main context. */
typedef void (*VeilExportProgressFunc) (const VeilExportProgress *progress, gpointer user_data);

typedef struct _VeilExportReport VeilExportReport;

/* Runs the export to completion on the calling thread (plus its worker threads). Returns NULL
 * with an error only for fatal problems (output overlaps input, unwritable output, full disk,
 * cancelled); bad input files are recorded in the report and the export goes on.
 *
 * Cancelled at any time, the export stops promptly with G_IO_ERROR_CANCELLED and no manifest,
 * and can be resumed. That holds during the survival check too: every file is written and the
 * journal is complete then, so a resumed run writes nothing again, redoes only the check (from
 * the files on the disk) and writes the manifest, byte for byte the one an uninterrupted run
 * writes. An export never ends without the check it was asked for. */
VeilExportReport *veil_export_run    (VeilDataset               *dataset,
                                      const char                *output_dir,
                                      const VeilExportOptions   *options,
                                      VeilExportProgressFunc     progress,
                                      gpointer                   user_data,
                                      GCancellable              *cancellable,
                                      GError                   **error);
void              veil_export_async  (VeilDataset               *dataset,
                                      const char                *output_dir,
                                      const VeilExportOptions   *options,
                                      VeilExportProgressFunc     progress,
                                      gpointer                   progress_data,
                                      GDestroyNotify             progress_data_destroy,
                                      GCancellable              *cancellable,
                                      GAsyncReadyCallback        callback,
                                      gpointer                   user_data);
VeilExportReport *veil_export_finish (GAsyncResult              *result,
                                      GError                   **error);

/* Refuses an output that is the input, lies inside it or contains it
 * (VEIL_ERROR_OUTPUT_OVERLAPS_INPUT), resolving symbolic links. */
gboolean veil_export_check_output    (const char *input_dir,
                                      const char *output_dir,
                                      GError    **error);

/* Refuses a key file that lies inside the input folder (VEIL_ERROR_OUTPUT_OVERLAPS_INPUT),
 * resolving symbolic links: a key kept among the photos is one copy away from being published. */
gboolean veil_export_check_key_file  (const char *input_dir,
                                      const char *key_path,
                                      GError    **error);

/* The hidden, empty file whose locks keep to one writer per output folder. The last run to
 * end removes it; one that was killed leaves it behind, harmless. */
#define VEIL_EXPORT_LOCK_NAME ".veil-lock"

typedef struct _VeilExportLock VeilExportLock;

/* One writer per output folder: locks @output_dir (which must exist) for an export, a resume or
 * a merge, until veil_export_unlock_output(). An unsharded export or a merge has the folder to
 * itself; the shards of one export (@shard_count > 1) may share it, each shard index once. Fails
 * at once, never waiting for another run, with G_IO_ERROR_BUSY naming the folder.
 * veil_export_run() locks by itself. */
VeilExportLock *veil_export_lock_output   (const char     *output_dir,
                                           guint           shard_index,
                                           guint           shard_count,
                                           GError        **error);
void            veil_export_unlock_output (VeilExportLock *lock);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilExportLock, veil_export_unlock_output)

/* Looks for a file in @output_dir that does not belong to an export: anything but the lock,
 * temporary files, manifests and journals at the top, and the relative paths in @outputs (a set
 * of strings; NULL: any regular file). A symlink or special file never belongs. *@out_unaccounted receives the first
 * found (relative path) or NULL. FALSE only when the folder cannot be read. */
gboolean        veil_export_find_unaccounted (const char  *output_dir,
                                              GHashTable  *outputs,
                                              char       **out_unaccounted,
                                              GError     **error);

/* Whether @output_dir holds an unfinished export that veil_export_run(resume) can continue. */
gboolean veil_export_can_resume      (const char *output_dir);

/* The report: counts and per-file problems. */
guint        veil_export_report_get_n_protected (const VeilExportReport *report);
guint        veil_export_report_get_n_unchanged (const VeilExportReport *report); /* mix < 1 */
guint        veil_export_report_get_n_skipped   (const VeilExportReport *report); /* resumed */
guint        veil_export_report_get_n_failed    (const VeilExportReport *report);
guint        veil_export_report_get_n_copied    (const VeilExportReport *report);
/* Outputs an earlier run wrote for inputs that are gone (deleted or renamed), which a resume
 * removed. */
guint        veil_export_report_get_n_removed   (const VeilExportReport *report);
/* Failed files: relative path and reason, in dataset order. */
const char  *veil_export_report_get_failed_path   (const VeilExportReport *report, guint i);
const char  *veil_export_report_get_failed_reason (const VeilExportReport *report, guint i);
const char  *veil_export_report_get_manifest_path (const VeilExportReport *report);
/* Images written with notes (veil-types.h: converted to another format, 16 bits read as 8, only
 * the first frame), in dataset order: display path and what happened. */
guint          veil_export_report_get_n_noted     (const VeilExportReport *report);
const char    *veil_export_report_get_noted_path  (const VeilExportReport *report, guint i);
VeilImageNotes veil_export_report_get_noted_notes (const VeilExportReport *report, guint i);

/* The survival report of the export (see veil-survival.h): whether the protection survives
 * what a scraper does before training (shrink to the training resolution, save as JPEG), per
 * class and overall. NULL when not computed: survival_sample 0, or a shard. Owned by @report
 * (veil_survival_report_ref() to keep it longer); every veil_survival_report_get_*() reader
 * accepts it: veil_survival_report_get_verdict() overall, veil_survival_report_get_result()
 * per class (the words for them are in src/text/veil-survival-text.h).
 *
 * It is computed at the end of a successful run from the first survival_sample images of each
 * class (in dataset order) that the manifest records as protected, including those an earlier,
 * resumed run wrote; the same report is written into the manifest as "survival". A class that
 * fails is not an error: the export itself succeeded, and the verdict says why. */
const VeilSurvivalReport *veil_export_report_get_survival (const VeilExportReport *report);
void         veil_export_report_free (VeilExportReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilExportReport, veil_export_report_free)

G_END_DECLS
