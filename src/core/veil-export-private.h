/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-dataset.h"
#include "veil-export.h"
#include "veil-filter-bank.h"
#include "veil-manifest.h"

G_BEGIN_DECLS

/* Shared between the files of the export: veil-export.c (setup and the run loop),
 * veil-export-output.c (what the output folder may hold), veil-export-plan.c (what a run does),
 * veil-export-journal-writer.c (appends to the journal), veil-export-pipeline.c (the worker
 * threads) and veil-export-report.c. */

struct _VeilExportReport {
  guint      n_protected;
  guint      n_unchanged;
  guint      n_skipped;
  guint      n_failed;
  guint      n_copied;
  guint      n_removed;      /* outputs of inputs that are gone, removed by a resume */
  GPtrArray *failed_paths;   /* UTF-8 display form */
  GPtrArray *failed_reasons;
  GPtrArray *noted_paths;    /* UTF-8 display form, images with notes */
  GArray    *noted_notes;    /* VeilImageNotes */
  char      *manifest_path;
  VeilSurvivalReport *survival; /* NULL when not computed */
};

VeilExportReport *_veil_export_report_new         (void);
void              _veil_export_report_add_failure (VeilExportReport *report,
                                                   const char       *relative_path,
                                                   const char       *reason);
/* Counts every entry of the finished @manifest; @n_resumed of them an earlier run did. */
VeilExportReport *_veil_export_report_from_manifest (VeilManifest *manifest,
                                                     const char   *manifest_path,
                                                     guint         n_resumed);

/* Checks what @output_dir holds against @options and this run's settings @header (see
 * veil-export-output.c). With resume, @out_previous receives the earlier run's journal or
 * manifest; NULL for a fresh export. */
gboolean _veil_export_inspect_output (const char               *output_dir,
                                      const VeilExportOptions  *options,
                                      const VeilManifest       *header,
                                      const char               *manifest_path,
                                      const char               *journal_path,
                                      VeilManifest            **out_previous,
                                      GError                  **error);
/* Ends a shard's set-up (see veil_export_lock_output()): its journal is there now for other
 * shards starting in the same folder to compare their settings with. */
void     _veil_export_setup_done     (VeilExportLock           *lock);
/* Removes the temporary files interrupted runs left in @output_dir, unless another shard is
 * running there (its temporary files are not leftovers). */
void     _veil_export_remove_temps   (VeilExportLock           *lock,
                                      gboolean                  shared,
                                      const char               *output_dir);

/* The journal being appended to (see veil-export-journal-writer.c). */
typedef struct {
  int      fd;
  char    *path;
  gint64   last_sync;
  GString *pending;  /* lines not written yet, or NULL */
} VeilExportJournal;

/* Writes the header and the @kept entries atomically, then opens the journal for appending. */
gboolean _veil_export_journal_open   (VeilExportJournal        *journal,
                                      const char               *path,
                                      const VeilManifest       *header,
                                      GPtrArray                *kept,
                                      GError                  **error);
/* Adds one line, written with the next flush (or at once when many wait). A full disk is
 * VEIL_ERROR_WRITE saying so. */
gboolean _veil_export_journal_append (VeilExportJournal        *journal,
                                      const VeilManifestEntry  *entry,
                                      GError                  **error);
/* Writes the lines added since the last flush; syncs when the last sync is a second old. */
gboolean _veil_export_journal_flush  (VeilExportJournal        *journal,
                                      GError                  **error);
gboolean _veil_export_journal_sync   (VeilExportJournal        *journal,
                                      GError                  **error);
void     _veil_export_journal_close  (VeilExportJournal        *journal);

/* One unit of work: an image to protect or keep, or another file to copy. */
typedef struct {
  gboolean is_image;
  guint    index;    /* into the dataset's images, or its skipped files */
  gboolean protect;  /* images: whether the mix chose it */
  gboolean sample;   /* images: in the survival check's sample (see veil-export-plan.c) */
} VeilExportJob;

typedef struct {
  const VeilExportJob *job;
  VeilManifestEntry   *entry;      /* the outcome; NULL when @fatal is set */
  GError              *fatal;      /* stops the export: cannot write, or cancelled */
  guint64              bytes_read;
  gboolean             sampled;    /* its pair went into the context's survival report */
} VeilExportResult;

void _veil_export_result_free (VeilExportResult *result);

/* The manifest entry of a file the scan set aside (not copied; failed when unreadable). */
VeilManifestEntry *_veil_export_other_entry (VeilDataset *dataset,
                                             guint        index);

/* The output names of a whole export, planned up front (see veil-export-names.c). */
typedef struct {
  guint        n_images;
  guint        n_other;
  char       **image_outputs;  /* per dataset image; NULL when no free name was left */
  const char **image_formats;  /* per image: the format written; NULL when copied as is */
  char       **image_problems; /* per image: why it has no name */
  char       **other_outputs;  /* per skipped file: its name when copied, else NULL */
  char       **other_problems;
  GHashTable  *outputs;        /* every name above, borrowed */
} VeilExportNames;

/* Plans every output name; @protect: per image, whether the mix protects it. */
VeilExportNames *_veil_export_names_plan     (VeilDataset             *dataset,
                                              const VeilExportOptions *options,
                                              const gboolean          *protect);
/* Whether @output is the name of one of the planned outputs. */
gboolean         _veil_export_names_contains (const VeilExportNames   *names,
                                              const char              *output);
void             _veil_export_names_free     (VeilExportNames         *names);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilExportNames, _veil_export_names_free)

typedef struct {
  VeilDataset             *dataset;
  const char              *output_root;
  const VeilExportOptions *options;
  VeilFilterBank          *bank;
  const VeilExportNames   *names;
  GCancellable            *cancellable;  /* the caller's, may be NULL */
  VeilSurvivalReport      *survival;     /* pairs of sampled jobs go here; NULL = no check */
} VeilExportContext;

/* What this run does (see veil-export-plan.c): the output names of the whole export
 * (returned); the earlier run's entries (from @previous, which may be NULL) that still hold go
 * to @kept, borrowed; the work left to @jobs; files set aside and not copied straight into
 * @manifest; earlier entries whose output no input claims any more to @orphans, borrowed. Jobs
 * among the first options->survival_sample images of their class to be protected (kept ones
 * counted) are marked "sample": their workers add their pairs to the survival report while the
 * pixels are in memory. */
VeilExportNames *_veil_export_plan (VeilDataset             *dataset,
                                    const VeilExportOptions *options,
                                    const char              *output_dir,
                                    VeilManifest            *previous,
                                    VeilManifest            *manifest,
                                    GPtrArray               *kept,
                                    GArray                  *jobs,
                                    GPtrArray               *orphans);
/* The size and modification time of an input file (an image through links, as the scan
 * followed them), as the manifest records them. */
gboolean _veil_export_source_stat (VeilDataset *dataset,
                                   const char  *relative_path,
                                   gboolean     is_image,
                                   guint64     *out_size,
                                   gint64      *out_mtime_ns);

typedef struct _VeilExportPipeline VeilExportPipeline;

/* Starts workers through @jobs (borrowed until freed) within a budget of @n_threads threads,
 * shared by the workers and the convolution of large images (see veil-export-pipeline.c). */
VeilExportPipeline *_veil_export_pipeline_new      (const VeilExportContext *context,
                                                    const VeilExportJob     *jobs,
                                                    guint                    n_jobs,
                                                    guint                    n_threads);
/* The next finished job, or NULL after @timeout_us without one. When none waits, it pauses
 * briefly first, so that results come in batches. */
VeilExportResult   *_veil_export_pipeline_pop      (VeilExportPipeline *pipeline,
                                                    gint64              timeout_us);
/* No job is started after this; jobs under way finish. */
void                _veil_export_pipeline_stop     (VeilExportPipeline *pipeline);
/* Whether a finished job waits to be popped. */
gboolean            _veil_export_pipeline_has_results (VeilExportPipeline *pipeline);
/* Every worker has exited and every result has been popped. */
gboolean            _veil_export_pipeline_finished (VeilExportPipeline *pipeline);
/* Joins the workers and drops results not popped. */
void                _veil_export_pipeline_free     (VeilExportPipeline *pipeline);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilExportResult, _veil_export_result_free)

G_END_DECLS
