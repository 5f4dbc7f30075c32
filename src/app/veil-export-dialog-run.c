/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-export-dialog-private.h"
#include "veil-protect-settings.h"
#include "veil-key-manager.h"

/* Running the export: starting or resuming it with the settings shown, its progress, stopping
 * it, and the summary when it ends. */

static void
on_progress_cb (const VeilExportProgress *progress,
                gpointer                  user_data)
{
  VeilExportDialog *self = user_data;

  if (self->disposed || self->state != VEIL_EXPORT_DIALOG_STATE_RUNNING)
    return;

  veil_export_view_set_progress (self->view, progress);

  self->n_total = progress->n_total;
  _veil_export_dialog_set_n_done (self, progress->n_done);
}

VeilExportOutcome
_veil_export_dialog_outcome (VeilExportDialogState state)
{
  switch (state)
    {
    case VEIL_EXPORT_DIALOG_STATE_CANCELLED:
      return VEIL_EXPORT_OUTCOME_CANCELLED;
    case VEIL_EXPORT_DIALOG_STATE_FAILED:
      return VEIL_EXPORT_OUTCOME_FAILED;
    case VEIL_EXPORT_DIALOG_STATE_COMPLETE:
    case VEIL_EXPORT_DIALOG_STATE_SETUP:
    case VEIL_EXPORT_DIALOG_STATE_RUNNING:
    default:
      return VEIL_EXPORT_OUTCOME_COMPLETE;
    }
}

static void
show_summary (VeilExportDialog *self)
{
  gboolean resumable = self->state != VEIL_EXPORT_DIALOG_STATE_COMPLETE
                       && veil_export_can_resume (self->output_path);

  veil_export_view_show_summary (self->view, _veil_export_dialog_outcome (self->state),
                                 &self->params, self->report, self->error, self->n_done,
                                 self->n_total, resumable,
                                 g_file_query_exists (self->output, NULL));
}

static void
on_export_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VeilExportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  VeilExportReport *report;

  report = veil_export_finish (result, &error);

  if (self->disposed)
    {
      g_clear_pointer (&report, veil_export_report_free);
      return;
    }

  _veil_export_dialog_remember_folder (self);
  g_clear_pointer (&self->report, veil_export_report_free);
  g_clear_error (&self->error);
  self->report = report;

  if (report != NULL)
    _veil_export_dialog_set_state (self, VEIL_EXPORT_DIALOG_STATE_COMPLETE);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _veil_export_dialog_set_state (self, VEIL_EXPORT_DIALOG_STATE_CANCELLED);
  else
    {
      self->error = g_steal_pointer (&error);
      _veil_export_dialog_set_state (self, VEIL_EXPORT_DIALOG_STATE_FAILED);
    }

  g_clear_object (&self->cancellable);
  show_summary (self);
  /* The export checked a sample of each class itself (it always does, unsharded). */
  if (self->state == VEIL_EXPORT_DIALOG_STATE_COMPLETE
      && veil_export_report_get_survival (self->report) != NULL)
    veil_export_view_show_survival (self->view, veil_export_report_get_survival (self->report));

  if (self->close_when_stopped)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
start_export (VeilExportDialog *self,
              gboolean          resume)
{
  VeilExportOptions options;
  VeilProtectParams params;
  g_autoptr(VeilKey) key = veil_key_list_dup_active_key (self->key_list);

  g_assert (self->output != NULL);

  if (key == NULL)
    {
      _veil_export_dialog_toast (self, _("Create a key first: it decides how each class is "
                                         "protected."));
      veil_key_manager_present (GTK_WINDOW (self));
      return;
    }

  veil_export_options_init (&options);
  options.key = key;
  veil_protect_settings_read (self->settings, &params);
  veil_export_options_set_params (&options, &params);
  options.format = adw_combo_row_get_selected (self->format_row) == 1
                   ? VEIL_OUTPUT_FORMAT_PNG : VEIL_OUTPUT_FORMAT_KEEP;
  options.jpeg_quality = gtk_spin_button_get_value_as_int (self->quality_spin);
  options.resume = resume;

  /* Remember what this run used for the summary and the saved report. */
  g_clear_pointer (&self->key, veil_key_unref);
  self->key = g_steal_pointer (&key);
  g_free (self->key_name);
  self->key_name = g_strdup (veil_key_get_name (self->key));
  g_free (self->key_fingerprint);
  self->key_fingerprint = veil_key_dup_fingerprint (self->key);
  g_free (self->output_path);
  self->output_path = g_file_get_path (self->output);
  self->params = (VeilExportParams) {
    .input_dir = veil_dataset_get_root (self->dataset),
    .output_dir = self->output_path,
    .key_name = self->key_name,
    .key_fingerprint = self->key_fingerprint,
    .key_is_seed = veil_key_get_kind (self->key) == VEIL_KEY_KIND_SEED,
    .kind = options.kind,
    .k = options.k,
    .pb = options.pb,
    .mix = options.mix,
    .training_res = options.training_res,
    .keep_detail = options.keep_detail,
    .decoy = veil_filter_decoy_plan (options.decoy, veil_key_get_kind (self->key),
                                     veil_dataset_get_n_classes (self->dataset)),
    .format = options.format,
    .jpeg_quality = options.jpeg_quality,
  };
  options.key = self->key;

  g_clear_pointer (&self->report, veil_export_report_free);
  g_clear_error (&self->error);
  self->n_done = 0;
  self->n_total = veil_dataset_get_n_images (self->dataset);

  veil_export_view_show_running (self->view, resume);
  _veil_export_dialog_set_state (self, VEIL_EXPORT_DIALOG_STATE_RUNNING);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  veil_export_async (self->dataset, self->output_path, &options,
                     on_progress_cb, g_object_ref (self), g_object_unref,
                     self->cancellable, on_export_done_cb, g_object_ref (self));
}

void
_veil_export_dialog_start_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  VeilExportDialog *self = VEIL_EXPORT_DIALOG (widget);

  if (self->state != VEIL_EXPORT_DIALOG_STATE_SETUP || !self->output_ok)
    return;

  /* The core continues an unfinished export, or checks and completes a finished one, only
   * when asked to resume; anything else in the folder was refused above. */
  start_export (self, gtk_widget_get_visible (GTK_WIDGET (self->resume_row))
                      || self->resume_finished);
}

void
_veil_export_dialog_cancel_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  VeilExportDialog *self = VEIL_EXPORT_DIALOG (widget);

  if (self->cancellable == NULL)
    return;

  veil_export_view_show_stopping (self->view);
  gtk_widget_action_set_enabled (widget, "export.cancel", FALSE);
  g_cancellable_cancel (self->cancellable);
}

void
_veil_export_dialog_resume_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  VeilExportDialog *self = VEIL_EXPORT_DIALOG (widget);

  if (self->state != VEIL_EXPORT_DIALOG_STATE_CANCELLED
      && self->state != VEIL_EXPORT_DIALOG_STATE_FAILED)
    return;

  start_export (self, TRUE);
}
