/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export-dialog"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "veil-export-dialog-private.h"

/* What the summary offers: opening the output folder and saving the report as text. */

void
_veil_export_dialog_open_folder_action (GtkWidget  *widget,
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

  return veil_export_text_report (&self->params,
                                  _veil_export_dialog_outcome (self->state),
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
        _veil_export_dialog_toast (self, error->message);
      else if (text != NULL)
        _veil_export_dialog_toast (self, _("Report saved"));
    }

  g_clear_object (&self->chooser);
}

void
_veil_export_dialog_save_report_action (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *parameter)
{
  VeilExportDialog *self = VEIL_EXPORT_DIALOG (widget);

  /* The chooser opens next to the output folder, not in it: the output is the dataset people
   * will share. */
  _veil_export_dialog_new_chooser (self, _("Save Export Report"), GTK_FILE_CHOOSER_ACTION_SAVE,
                                   _("_Save"));
  if (self->output != NULL)
    {
      g_autofree char *base = g_file_get_basename (self->output);
      g_autofree char *name = g_strdup_printf ("%s-report.txt", base);

      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
    }
  else
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), "veil-report.txt");
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}
