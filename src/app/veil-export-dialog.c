/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-export-dialog-private.h"
#include "veil-key-manager.h"
#include "veil-preferences-window.h"

/* The export window: its state, closing it (which stops a running export) and the GObject
 * parts. The setup page, the run and the summary's actions have files of their own. */

G_DEFINE_FINAL_TYPE (VeilExportDialog, veil_export_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_STATE,
  PROP_N_DONE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
_veil_export_dialog_toast (VeilExportDialog *self,
                           const char       *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 6);
  /* The newest message answers what the person just did: show it now, not after the last. */
  adw_toast_set_priority (t, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

void
_veil_export_dialog_set_state (VeilExportDialog      *self,
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

void
_veil_export_dialog_set_n_done (VeilExportDialog *self,
                                guint             n_done)
{
  if (self->n_done == n_done)
    return;
  self->n_done = n_done;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DONE]);
}

GtkFileChooserNative *
_veil_export_dialog_new_chooser (VeilExportDialog     *self,
                                 const char           *title,
                                 GtkFileChooserAction  action,
                                 const char           *accept_label)
{
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept_label,
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (self->output != NULL || self->last_output != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (self->output != NULL ? self->output
                                                                         : self->last_output);

      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), parent, NULL);
    }
  return self->chooser;
}

static void
on_settings_changed_cb (GSettings        *settings,
                        const char       *key,
                        VeilExportDialog *self)
{
  _veil_export_dialog_update_parameters (self);
}

static void
on_active_key_changed_cb (VeilKeyList      *key_list,
                          VeilExportDialog *self)
{
  _veil_export_dialog_update_parameters (self);
}

static void
on_format_selected_cb (GObject          *row,
                       GParamSpec       *pspec,
                       VeilExportDialog *self)
{
  _veil_export_dialog_update_parameters (self);
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
  g_clear_object (&self->last_output);

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
  BIND (kind_label);
  BIND (k_label);
  BIND (pb_label);
  BIND (mix_label);
  BIND (res_label);
  BIND (detail_label);
  BIND (decoy_label);
  BIND (view);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_key_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_close_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_close_request_cb);

  gtk_widget_class_install_action (widget_class, "export.choose-folder", NULL,
                                   _veil_export_dialog_choose_folder_action);
  gtk_widget_class_install_action (widget_class, "export.start", NULL,
                                   _veil_export_dialog_start_action);
  gtk_widget_class_install_action (widget_class, "export.cancel", NULL,
                                   _veil_export_dialog_cancel_action);
  gtk_widget_class_install_action (widget_class, "export.resume", NULL,
                                   _veil_export_dialog_resume_action);
  gtk_widget_class_install_action (widget_class, "export.open-folder", NULL,
                                   _veil_export_dialog_open_folder_action);
  gtk_widget_class_install_action (widget_class, "export.save-report", NULL,
                                   _veil_export_dialog_save_report_action);

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
  _veil_export_dialog_set_state (self, VEIL_EXPORT_DIALOG_STATE_SETUP);
  _veil_export_dialog_update_parameters (self);
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
  _veil_export_dialog_update_parameters (self);
  _veil_export_dialog_offer_last_folder (self);

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
