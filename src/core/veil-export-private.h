/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-dataset.h"
#include "veil-export.h"
#include "veil-filter-bank.h"
#include "veil-manifest.h"

G_BEGIN_DECLS

/* Shared between veil-export.c (setup, journal, manifest), veil-export-pipeline.c (the worker
 * threads) and veil-export-report.c. */

struct _VeilExportReport {
  guint      n_protected;
  guint      n_unchanged;
  guint      n_skipped;
  guint      n_failed;
  guint      n_copied;
  GPtrArray *failed_paths;   /* UTF-8 display form */
  GPtrArray *failed_reasons;
  char      *manifest_path;
};

VeilExportReport *_veil_export_report_new         (void);
void              _veil_export_report_add_failure (VeilExportReport *report,
                                                   const char       *relative_path,
                                                   const char       *reason);

/* One unit of work: an image to protect or keep, or another file to copy. */
typedef struct {
  gboolean is_image;
  guint    index;    /* into the dataset's images, or its skipped files */
  gboolean protect;  /* images: whether the mix chose it */
} VeilExportJob;

typedef struct {
  const VeilExportJob *job;
  VeilManifestEntry   *entry;      /* the outcome; NULL when @fatal is set */
  GError              *fatal;      /* stops the export: cannot write, or cancelled */
  guint64              bytes_read;
} VeilExportResult;

void _veil_export_result_free (VeilExportResult *result);

/* The manifest entry of a file the scan set aside (not copied; failed when unreadable). */
VeilManifestEntry *_veil_export_other_entry (VeilDataset *dataset,
                                             guint        index);

typedef struct {
  VeilDataset             *dataset;
  const char              *output_root;
  const VeilExportOptions *options;
  VeilFilterBank          *bank;
  GHashTable              *stems;        /* see veil_paths_output_name() */
  GCancellable            *cancellable;  /* the caller's, may be NULL */
} VeilExportContext;

typedef struct _VeilExportPipeline VeilExportPipeline;

/* Starts @n_workers threads working through @jobs (borrowed until freed). */
VeilExportPipeline *_veil_export_pipeline_new      (const VeilExportContext *context,
                                                    const VeilExportJob     *jobs,
                                                    guint                    n_jobs,
                                                    guint                    n_workers);
/* The next finished job, or NULL after @timeout_us without one. */
VeilExportResult   *_veil_export_pipeline_pop      (VeilExportPipeline *pipeline,
                                                    gint64              timeout_us);
/* No job is started after this; jobs under way finish. */
void                _veil_export_pipeline_stop     (VeilExportPipeline *pipeline);
/* Every worker has exited and every result has been popped. */
gboolean            _veil_export_pipeline_finished (VeilExportPipeline *pipeline);
/* Joins the workers and drops results not popped. */
void                _veil_export_pipeline_free     (VeilExportPipeline *pipeline);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilExportResult, _veil_export_result_free)

G_END_DECLS
