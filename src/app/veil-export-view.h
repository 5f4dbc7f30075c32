/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "veil-export-text.h"
#include "veil-survival.h"

G_BEGIN_DECLS

#define VEIL_TYPE_EXPORT_VIEW (veil_export_view_get_type ())
G_DECLARE_FINAL_TYPE (VeilExportView, veil_export_view, VEIL, EXPORT_VIEW, GtkWidget)

/* The running and finished halves of the export dialog: progress (bar, images done / total,
 * rate, time left, Stop), then the summary (outcome, counts, failed files with reasons, the
 * survival check, Resume / Open Output Folder / Save Report). Its buttons activate the
 * enclosing dialog's export.cancel, export.resume, export.open-folder and export.save-report
 * actions; it only shows what it is given. */
void veil_export_view_show_running    (VeilExportView           *self,
                                       gboolean                  resume);
void veil_export_view_set_progress    (VeilExportView           *self,
                                       const VeilExportProgress *progress);
void veil_export_view_show_stopping   (VeilExportView           *self);
/* @report is NULL when the export stopped before writing one; @error then says why (unless
 * it was cancelled). @n_done and @n_total are the last progress seen. */
void veil_export_view_show_summary    (VeilExportView           *self,
                                       VeilExportOutcome         outcome,
                                       const VeilExportParams   *params,
                                       const VeilExportReport   *report,
                                       const GError             *error,
                                       guint                     n_done,
                                       guint                     n_total,
                                       gboolean                  resumable,
                                       gboolean                  output_exists);

/* Shows a survival report the export already made (veil_export_report_get_survival()). */
void        veil_export_view_show_survival     (VeilExportView           *self,
                                                const VeilSurvivalReport *report);
/* The survival report as text once the check is done, else NULL. */
const char *veil_export_view_get_survival_text (VeilExportView *self);

G_END_DECLS
