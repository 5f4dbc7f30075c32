/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export-dialog"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "veil-error.h"
#include "veil-export-dialog.h"
#include "veil-export-progress.h"
#include "veil-export-view.h"
#include "veil-key-list.h"
#include "veil-key-manager.h"
#include "veil-preferences-window.h"
#include "veil-shard.h"

struct _VeilExportDialog
{
  AdwWindow              parent_instance;

  VeilDataset           *dataset;
  GSettings             *settings;
  VeilKeyList           *key_list;
  GFile                 *output;
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
  GtkLabel              *k_label;
  GtkLabel              *pb_label;
  GtkLabel              *mix_label;
  GtkLabel              *res_label;
  VeilExportView        *view;
};

G_DEFINE_FINAL_TYPE (VeilExportDialog, veil_export_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_STATE,
  PROP_N_DONE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_export (VeilExportDialog *self,
                          gboolean          resume);

static void
toast (VeilExportDialog *self,
       const char       *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 6);
  /* The newest message answers what the person just did: show it now, not after the last. */
  adw_toast_set_priority (t, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static void
set_state (VeilExportDialog      *self,
           VeilExportDialogState  state)
{
  gboolean setup = state == VEIL_EXPORT_DIALOG_STATE_SETUP;
  gboolean running = state == VEIL_EXPORT_DIALOG_STATE_RUNNING;

  self->state = state;

  gtk_stack_set_visible_child_name (self->stack, setup ? "setup" : "run");
  gtk_widget_set_visible (self->export_button, setup);
  /* While running, Stop is the one way out, so a click cannot abandon the export silently. */
  gtk_widget_set_visible (GTK_WIDGET (self->close_button), !running);
  gtk_button_set_label (self->close_button, setup ? _("_Cancel") : _("_Close"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.cancel", running);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
update_start_enabled (VeilExportDialog *self)
{
  g_autoptr(VeilKey) key = veil_key_list_dup_active_key (self->key_list);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.start",
                                 self->state == VEIL_EXPORT_DIALOG_STATE_SETUP
                                 && self->output_ok && key != NULL);
}

/* The protection rows show exactly what start_export() will pass to the core. */
static void
update_parameters (VeilExportDialog *self)
{
  g_autoptr(VeilKey) key = veil_key_list_dup_active_key (self->key_list);
  g_autofree char *k = NULL;
  g_autofree char *pb = NULL;
  g_autofree char *mix = NULL;
  g_autofree char *res = NULL;
  int kernel = g_settings_get_int (self->settings, "kernel-size");

  if (key == NULL
      && g_list_model_get_n_items (veil_key_list_get_model (self->key_list)) > 0)
    {
      adw_action_row_set_subtitle (self->key_row,
                                   _("No key chosen. Choose the key to protect these photos "
                                     "with."));
      gtk_button_set_label (self->key_button, _("Choose a Key…"));
      gtk_widget_add_css_class (GTK_WIDGET (self->key_button), "suggested-action");
    }
  else if (key == NULL)
    {
      adw_action_row_set_subtitle (self->key_row,
                                   _("No key yet. A key is needed to protect photos."));
      gtk_button_set_label (self->key_button, _("Create a Key…"));
      gtk_widget_add_css_class (GTK_WIDGET (self->key_button), "suggested-action");
    }
  else
    {
      g_autofree char *fingerprint = veil_key_dup_fingerprint (key);
      g_autofree char *subtitle = NULL;

      if (veil_key_get_kind (key) == VEIL_KEY_KIND_SEED)
        subtitle = g_strdup_printf (_("Integer seed (guessable) · %s"), fingerprint);
      else
        subtitle = g_strdup_printf ("%s · %s", veil_key_get_name (key), fingerprint);
      adw_action_row_set_subtitle (self->key_row, subtitle);
      gtk_button_set_label (self->key_button, _("Keys…"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->key_button), "suggested-action");
    }

  k = g_strdup_printf ("%d × %d", kernel, kernel);
  pb = g_strdup_printf ("p_b = %.2f", g_settings_get_double (self->settings, "blur"));
  mix = g_strdup_printf (_("%.0f %% of the images"),
                         g_settings_get_double (self->settings, "mix") * 100.0);
  res = veil_export_progress_format_training_res (
          (guint) g_settings_get_int (self->settings, "training-resolution"));

  gtk_label_set_label (self->k_label, k);
  gtk_label_set_label (self->pb_label, pb);
  gtk_label_set_label (self->mix_label, mix);
  gtk_label_set_label (self->res_label, res);

  gtk_widget_set_sensitive (GTK_WIDGET (self->quality_row),
                            adw_combo_row_get_selected (self->format_row) == 0);

  update_start_enabled (self);
}

static void
on_settings_changed_cb (GSettings        *settings,
                        const char       *key,
                        VeilExportDialog *self)
{
  update_parameters (self);
}

static void
on_active_key_changed_cb (VeilKeyList      *key_list,
                          VeilExportDialog *self)
{
  update_parameters (self);
}

static void
on_format_selected_cb (GObject          *row,
                       GParamSpec       *pspec,
                       VeilExportDialog *self)
{
  update_parameters (self);
}

static void
show_folder_message (VeilExportDialog *self,
                     const char       *text,
                     const char       *css_class)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->folder_message), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->folder_message), "warning");
  gtk_widget_set_visible (GTK_WIDGET (self->folder_message), text != NULL);
  if (text == NULL)
    return;
  gtk_label_set_label (self->folder_message, text);
  gtk_widget_add_css_class (GTK_WIDGET (self->folder_message), css_class);
}

/* Whether @path holds anything but Veil's own manifests and journals (of this export or of
 * other shards of it): the core never mixes an export with unrelated files. */
static gboolean
folder_has_other_files (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (!veil_shard_is_manifest_name (name) && !veil_shard_is_journal_name (name))
      return TRUE;
  return FALSE;
}

gboolean
veil_export_dialog_set_output_folder (VeilExportDialog *self,
                                      GFile            *folder)
{
  g_autofree char *path = NULL;
  g_autofree char *display = NULL;
  g_autoptr(GError) error = NULL;
  gboolean resumable = FALSE;

  g_return_val_if_fail (VEIL_IS_EXPORT_DIALOG (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (folder), FALSE);
  g_return_val_if_fail (self->state == VEIL_EXPORT_DIALOG_STATE_SETUP, FALSE);

  g_set_object (&self->output, folder);
  self->output_ok = FALSE;
  self->resume_finished = FALSE;

  path = g_file_get_path (folder);
  display = path != NULL ? g_filename_display_name (path) : g_file_get_parse_name (folder);
  adw_action_row_set_subtitle (self->folder_row, display);

  if (path == NULL)
    show_folder_message (self, _("Choose a folder on this computer; Veil cannot export to "
                                 "this location."), "error");
  else if (!veil_export_check_output (veil_dataset_get_root (self->dataset), path, &error))
    {
      g_autofree char *text = NULL;

      /* The core's message says which of the three overlaps it is; say why it matters. */
      text = g_strdup_printf (_("%s%s The protected copy must go to a separate folder so the "
                                "originals are never touched."), error->message,
                              g_str_has_suffix (error->message, ".") ? "" : ".");
      show_folder_message (self, text, "error");
    }
  else
    {
      g_autofree char *manifest = g_build_filename (path, VEIL_MANIFEST_NAME, NULL);

      /* Mirror what the core accepts, so that Export never starts only to be refused. */
      self->output_ok = TRUE;
      if (veil_export_can_resume (path))
        {
          resumable = TRUE;
          show_folder_message (self, NULL, NULL);
        }
      else if (g_file_test (manifest, G_FILE_TEST_EXISTS))
        {
          self->resume_finished = TRUE;
          show_folder_message (self, _("This folder already holds a finished export. Exporting "
                                       "into it again checks every file and adds only what is "
                                       "missing; the key and settings must be the same."),
                               "warning");
        }
      else if (folder_has_other_files (path))
        {
          self->output_ok = FALSE;
          show_folder_message (self, _("This folder is not empty. Choose a new or empty folder: "
                                       "the protected copy is never mixed with other files."),
                               "error");
        }
      else
        show_folder_message (self, NULL, NULL);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->resume_row), resumable);
  gtk_button_set_label (GTK_BUTTON (self->export_button),
                        resumable ? _("_Resume") : _("_Export"));
  update_start_enabled (self);

  return self->output_ok;
}

static void
on_folder_response_cb (GtkNativeDialog  *native,
                       int               response,
                       VeilExportDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->state == VEIL_EXPORT_DIALOG_STATE_SETUP)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (folder != NULL)
        veil_export_dialog_set_output_folder (self, folder);
    }

  g_clear_object (&self->chooser);
}

static void
choose_folder_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VeilExportDialog *self = VEIL_EXPORT_DIALOG (widget);

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Choose Output Folder"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (self->output != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (self->output);

      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), parent, NULL);
    }
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_folder_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Running */

static void
on_progress_cb (const VeilExportProgress *progress,
                gpointer                  user_data)
{
  VeilExportDialog *self = user_data;

  if (self->disposed || self->state != VEIL_EXPORT_DIALOG_STATE_RUNNING)
    return;

  veil_export_view_set_progress (self->view, progress);

  self->n_total = progress->n_total;
  if (self->n_done != progress->n_done)
    {
      self->n_done = progress->n_done;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DONE]);
    }
}

static VeilExportOutcome
outcome_of (VeilExportDialogState state)
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

  veil_export_view_show_summary (self->view, outcome_of (self->state), &self->params,
                                 self->report, self->error, self->n_done, self->n_total,
                                 resumable, g_file_query_exists (self->output, NULL));
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

  g_clear_pointer (&self->report, veil_export_report_free);
  g_clear_error (&self->error);
  self->report = report;

  if (report != NULL)
    set_state (self, VEIL_EXPORT_DIALOG_STATE_COMPLETE);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_state (self, VEIL_EXPORT_DIALOG_STATE_CANCELLED);
  else
    {
      self->error = g_steal_pointer (&error);
      set_state (self, VEIL_EXPORT_DIALOG_STATE_FAILED);
    }

  g_clear_object (&self->cancellable);
  show_summary (self);
  /* The export checks a sample of each class itself; an export that recorded no check gets
   * one here, off the main thread, while the summary is already on screen. */
  if (self->state == VEIL_EXPORT_DIALOG_STATE_COMPLETE
      && veil_export_report_get_n_protected (self->report) > 0)
    {
      const VeilSurvivalReport *survival = veil_export_report_get_survival (self->report);

      if (survival != NULL)
        veil_export_view_show_survival (self->view, survival);
      else
        veil_export_view_check_survival (self->view, self->dataset, self->output_path,
                                         self->key, self->params.k, self->params.pb,
                                         self->params.training_res);
    }

  if (self->close_when_stopped)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
start_export (VeilExportDialog *self,
              gboolean          resume)
{
  VeilExportOptions options;
  g_autoptr(VeilKey) key = veil_key_list_dup_active_key (self->key_list);

  g_assert (self->output != NULL);

  if (key == NULL)
    {
      toast (self, _("Create a key first: it decides how each class is protected."));
      veil_key_manager_present (GTK_WINDOW (self));
      return;
    }

  veil_export_options_init (&options);
  options.key = key;
  options.k = (guint) g_settings_get_int (self->settings, "kernel-size");
  options.pb = g_settings_get_double (self->settings, "blur");
  options.mix = g_settings_get_double (self->settings, "mix");
  options.training_res = (guint) g_settings_get_int (self->settings, "training-resolution");
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
    .k = options.k,
    .pb = options.pb,
    .mix = options.mix,
    .training_res = options.training_res,
    .format = options.format,
    .jpeg_quality = options.jpeg_quality,
  };
  options.key = self->key;

  g_clear_pointer (&self->report, veil_export_report_free);
  g_clear_error (&self->error);
  self->n_done = 0;
  self->n_total = veil_dataset_get_n_images (self->dataset);

  veil_export_view_show_running (self->view, resume);
  set_state (self, VEIL_EXPORT_DIALOG_STATE_RUNNING);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  veil_export_async (self->dataset, self->output_path, &options,
                     on_progress_cb, g_object_ref (self), g_object_unref,
                     self->cancellable, on_export_done_cb, g_object_ref (self));
}

static void
start_action (GtkWidget  *widget,
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

static void
cancel_action (GtkWidget  *widget,
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

static void
resume_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VeilExportDialog *self = VEIL_EXPORT_DIALOG (widget);

  if (self->state != VEIL_EXPORT_DIALOG_STATE_CANCELLED
      && self->state != VEIL_EXPORT_DIALOG_STATE_FAILED)
    return;

  start_export (self, TRUE);
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VeilExportDialog *self = VEIL_EXPORT_DIALOG (widget);
  g_autofree char *uri = NULL;

  if (self->output == NULL)
    return;

  /* GtkFileLauncher is 4.10; gtk_show_uri goes through the OpenURI portal in Flatpak. */
  uri = g_file_get_uri (self->output);
  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
}

char *
veil_export_dialog_dup_report_text (VeilExportDialog *self)
{
  g_return_val_if_fail (VEIL_IS_EXPORT_DIALOG (self), NULL);

  if (self->state == VEIL_EXPORT_DIALOG_STATE_SETUP
      || self->state == VEIL_EXPORT_DIALOG_STATE_RUNNING)
    return NULL;

  return veil_export_progress_format_report (&self->params, outcome_of (self->state),
                                             self->report, self->error,
                                             veil_export_view_get_survival_text (self->view));
}

static void
on_save_response_cb (GtkNativeDialog  *native,
                     int               response,
                     VeilExportDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *text = veil_export_dialog_dup_report_text (self);
      g_autoptr(GError) error = NULL;

      if (text != NULL
          && !g_file_replace_contents (file, text, strlen (text), NULL, FALSE,
                                       G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, &error))
        toast (self, error->message);
      else if (text != NULL)
        toast (self, _("Report saved"));
    }

  g_clear_object (&self->chooser);
}

static void
save_report_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VeilExportDialog *self = VEIL_EXPORT_DIALOG (widget);

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Save Export Report"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  /* Next to the output folder, not in it: the output is the dataset people will share. */
  if (self->output != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (self->output);
      g_autofree char *base = g_file_get_basename (self->output);
      g_autofree char *name = g_strdup_printf ("%s-report.txt", base);

      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), parent, NULL);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
    }
  else
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), "veil-report.txt");
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_key_button_clicked_cb (GtkButton        *button,
                          VeilExportDialog *self)
{
  veil_key_manager_present (GTK_WINDOW (self));
}

static void
on_close_clicked_cb (GtkButton        *button,
                     VeilExportDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_stop_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     VeilExportDialog *self)
{
  if (!g_str_equal (response, "stop") || self->state != VEIL_EXPORT_DIALOG_STATE_RUNNING)
    return;

  self->close_when_stopped = TRUE;
  gtk_widget_activate_action (GTK_WIDGET (self), "export.cancel", NULL);
}

static gboolean
on_close_request_cb (GtkWindow        *window,
                     VeilExportDialog *self)
{
  GtkWidget *dialog;

  if (self->state != VEIL_EXPORT_DIALOG_STATE_RUNNING)
    return FALSE;

  dialog = adw_message_dialog_new (window, _("Stop the Export?"),
                                   _("The output folder will be incomplete. You can finish it "
                                     "later by exporting to the same folder and resuming."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "continue", _("_Keep Exporting"),
                                    "stop", _("_Stop"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "continue");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "continue");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_stop_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));

  return TRUE;
}

static void
veil_export_dialog_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VeilExportDialog *self = VEIL_EXPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_uint (value, self->state);
      break;
    case PROP_N_DONE:
      g_value_set_uint (value, self->n_done);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_export_dialog_dispose (GObject *object)
{
  VeilExportDialog *self = VEIL_EXPORT_DIALOG (object);

  self->disposed = TRUE;

  /* Closing the window stops the export; the running task holds its own reference. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->key_list != NULL)
    g_signal_handlers_disconnect_by_func (self->key_list, on_active_key_changed_cb, self);
  self->key_list = NULL;

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->settings);
  g_clear_object (&self->output);

  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_EXPORT_DIALOG);

  G_OBJECT_CLASS (veil_export_dialog_parent_class)->dispose (object);
}

static void
veil_export_dialog_finalize (GObject *object)
{
  VeilExportDialog *self = VEIL_EXPORT_DIALOG (object);

  g_clear_pointer (&self->dataset, veil_dataset_unref);
  g_clear_pointer (&self->key, veil_key_unref);
  g_clear_pointer (&self->key_name, g_free);
  g_clear_pointer (&self->key_fingerprint, g_free);
  g_clear_pointer (&self->output_path, g_free);
  g_clear_pointer (&self->report, veil_export_report_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (veil_export_dialog_parent_class)->finalize (object);
}

static void
veil_export_dialog_class_init (VeilExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_export_dialog_dispose;
  object_class->finalize = veil_export_dialog_finalize;
  object_class->get_property = veil_export_dialog_get_property;

  properties[PROP_STATE] =
    g_param_spec_uint ("state", NULL, NULL,
                       VEIL_EXPORT_DIALOG_STATE_SETUP, VEIL_EXPORT_DIALOG_STATE_FAILED,
                       VEIL_EXPORT_DIALOG_STATE_SETUP,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_DONE] =
    g_param_spec_uint ("n-done", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VEIL_TYPE_EXPORT_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/unlearnable/Veil/"
                                               "veil-export-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, VeilExportDialog, name)
  BIND (window_title);
  BIND (close_button);
  BIND (export_button);
  BIND (toast_overlay);
  BIND (stack);
  BIND (folder_row);
  BIND (resume_row);
  BIND (folder_message);
  BIND (format_row);
  BIND (quality_row);
  BIND (quality_spin);
  BIND (key_row);
  BIND (key_button);
  BIND (k_label);
  BIND (pb_label);
  BIND (mix_label);
  BIND (res_label);
  BIND (view);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_key_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_close_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_close_request_cb);

  gtk_widget_class_install_action (widget_class, "export.choose-folder", NULL,
                                   choose_folder_action);
  gtk_widget_class_install_action (widget_class, "export.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "export.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "export.resume", NULL, resume_action);
  gtk_widget_class_install_action (widget_class, "export.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "export.save-report", NULL, save_report_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
veil_export_dialog_init (VeilExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->key_list = veil_key_list_get_default ();

  /* Format and quality chosen here are remembered as the defaults (the same keys as in
   * Preferences). */
  veil_preferences_bind_output_format (self->settings, self->format_row);
  g_settings_bind (self->settings, "jpeg-quality",
                   gtk_spin_button_get_adjustment (self->quality_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);

  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed_cb),
                           self, 0);
  g_signal_connect (self->key_list, "active-key-changed",
                    G_CALLBACK (on_active_key_changed_cb), self);
  g_signal_connect (self->format_row, "notify::selected", G_CALLBACK (on_format_selected_cb),
                    self);

  adw_action_row_set_subtitle (self->folder_row, _("None chosen yet"));
  set_state (self, VEIL_EXPORT_DIALOG_STATE_SETUP);
  update_parameters (self);
}

GtkWindow *
veil_export_dialog_new (GtkWindow   *parent,
                        VeilDataset *dataset)
{
  VeilExportDialog *self;
  g_autofree char *name = NULL;
  g_autofree char *subtitle = NULL;
  guint n_images;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (dataset != NULL, NULL);

  self = g_object_new (VEIL_TYPE_EXPORT_DIALOG,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->dataset = veil_dataset_ref (dataset);

  n_images = veil_dataset_get_n_images (dataset);
  name = g_filename_display_basename (veil_dataset_get_root (dataset));
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u image", "%s · %u images",
                                           n_images),
                              name, n_images);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  return GTK_WINDOW (self);
}

void
veil_export_dialog_present (GtkWindow   *parent,
                            VeilDataset *dataset)
{
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (dataset != NULL);

  gtk_window_present (veil_export_dialog_new (parent, dataset));
}

VeilExportDialogState
veil_export_dialog_get_state (VeilExportDialog *self)
{
  g_return_val_if_fail (VEIL_IS_EXPORT_DIALOG (self), VEIL_EXPORT_DIALOG_STATE_SETUP);

  return self->state;
}

const VeilExportReport *
veil_export_dialog_get_report (VeilExportDialog *self)
{
  g_return_val_if_fail (VEIL_IS_EXPORT_DIALOG (self), NULL);

  return self->report;
}
