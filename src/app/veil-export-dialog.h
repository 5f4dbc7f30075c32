/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil-dataset.h"
#include "veil-export.h"

G_BEGIN_DECLS

#define VEIL_TYPE_EXPORT_DIALOG (veil_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VeilExportDialog, veil_export_dialog, VEIL, EXPORT_DIALOG, AdwWindow)

typedef enum {
  VEIL_EXPORT_DIALOG_STATE_SETUP,     /* choosing the folder and format */
  VEIL_EXPORT_DIALOG_STATE_RUNNING,
  VEIL_EXPORT_DIALOG_STATE_COMPLETE,  /* finished; some files may have failed */
  VEIL_EXPORT_DIALOG_STATE_CANCELLED, /* stopped by the person; the output is incomplete */
  VEIL_EXPORT_DIALOG_STATE_FAILED,    /* stopped by a fatal error; the output is incomplete */
} VeilExportDialogState;

/* The export window: output folder, format and quality, the parameters that will be used, then
 * progress and a summary. Parameters come from GSettings and the key from VeilKeyList. The
 * "state" and "n-done" properties (both guint) are notified as the export goes. */
void       veil_export_dialog_present (GtkWindow   *parent,
                                       VeilDataset *dataset);
GtkWindow *veil_export_dialog_new     (GtkWindow   *parent,
                                       VeilDataset *dataset);

/* What the folder chooser does: checks the folder against the input and offers to resume an
 * unfinished export in it. Returns whether the folder can be exported to. */
gboolean   veil_export_dialog_set_output_folder (VeilExportDialog *self,
                                                 GFile            *folder);
VeilExportDialogState veil_export_dialog_get_state (VeilExportDialog *self);
/* The report of the last finished run, or NULL. */
const VeilExportReport *veil_export_dialog_get_report (VeilExportDialog *self);
/* The text "Save Report" writes. NULL before an export has ended. */
char      *veil_export_dialog_dup_report_text (VeilExportDialog *self);

G_END_DECLS
