/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil-dataset.h"
#include "veil-export-dialog.h"
#include "veil-export-text.h"
#include "veil-export-view.h"
#include "veil-export.h"
#include "veil-key-list.h"
#include "veil-key.h"

G_BEGIN_DECLS

/* Shared by the files of the export window: veil-export-dialog.c (the window, its state and
 * closing), -setup.c (parameters and the output folder), -run.c (running and the summary) and
 * -report.c (what the summary offers: the folder and the saved report). */

struct _VeilExportDialog
{
  AdwWindow              parent_instance;

  VeilDataset           *dataset;
  GSettings             *settings;
  VeilKeyList           *key_list;
  GFile                 *output;
  GFile                 *last_output;     /* where the last export went, when remembered */
  gboolean               output_ok;
  gboolean               resume_finished; /* the output holds a finished export */
  GCancellable          *cancellable;
  GtkFileChooserNative  *chooser;
  VeilExportDialogState  state;
  guint                  n_done;
  gboolean               close_when_stopped;
  gboolean               disposed;

  /* The last run: what it was asked to do and how it ended. */
  VeilKey               *key;
  VeilExportParams       params;
  char                  *key_name;
  char                  *key_fingerprint;
  char                  *output_path;
  guint                  n_total;
  VeilExportReport      *report;
  GError                *error;

  AdwWindowTitle        *window_title;
  GtkButton             *close_button;
  GtkWidget             *export_button;
  AdwToastOverlay       *toast_overlay;
  GtkStack              *stack;
  AdwActionRow          *folder_row;
  AdwActionRow          *resume_row;
  GtkLabel              *folder_message;
  AdwComboRow           *format_row;
  AdwActionRow          *quality_row;
  GtkSpinButton         *quality_spin;
  AdwActionRow          *key_row;
  GtkButton             *key_button;
  GtkLabel              *kind_label;
  GtkLabel              *k_label;
  GtkLabel              *pb_label;
  GtkLabel              *mix_label;
  GtkLabel              *res_label;
  GtkLabel              *detail_label;
  GtkLabel              *decoy_label;
  VeilExportView        *view;
};

void  _veil_export_dialog_set_state  (VeilExportDialog      *self,
                                     VeilExportDialogState  state);
/* Notifies "n-done" when it changes. */
void  _veil_export_dialog_set_n_done (VeilExportDialog      *self,
                                     guint                  n_done);
void  _veil_export_dialog_toast      (VeilExportDialog      *self,
                                     const char            *text);
/* A modal native chooser in self->chooser, replacing any earlier one, opening next to the
 * output folder when there is one. The caller connects "response" and shows it. */
GtkFileChooserNative *_veil_export_dialog_new_chooser (VeilExportDialog     *self,
                                                       const char           *title,
                                                       GtkFileChooserAction  action,
                                                       const char           *accept_label);

/* Setup (veil-export-dialog-setup.c) */
void  _veil_export_dialog_update_parameters    (VeilExportDialog *self);
/* The folder of the last export: chosen again for the same collection when an export there can
 * go on (unfinished, or the folder is empty or gone), else only where the chooser opens. */
void  _veil_export_dialog_offer_last_folder    (VeilExportDialog *self);
/* Remembers the output folder of an export that starts. */
void  _veil_export_dialog_remember_folder      (VeilExportDialog *self);
void  _veil_export_dialog_choose_folder_action (GtkWidget        *widget,
                                                const char       *action_name,
                                                GVariant         *parameter);

/* Running (veil-export-dialog-run.c) */
VeilExportOutcome _veil_export_dialog_outcome (VeilExportDialogState state);
void  _veil_export_dialog_start_action  (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *parameter);
void  _veil_export_dialog_cancel_action (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *parameter);
void  _veil_export_dialog_resume_action (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *parameter);

/* The summary's actions (veil-export-dialog-report.c) */
void  _veil_export_dialog_open_folder_action (GtkWidget  *widget,
                                              const char *action_name,
                                              GVariant   *parameter);
void  _veil_export_dialog_save_report_action (GtkWidget  *widget,
                                              const char *action_name,
                                              GVariant   *parameter);

G_END_DECLS
