/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-export-dialog-private.h"
#include "veil-protect-settings.h"
#include "veil-shard.h"

/* The setup page: the parameters the export will use, and the output folder, checked against
 * the input and for an unfinished export to resume. */

static void
update_start_enabled (VeilExportDialog *self)
{
  g_autoptr(VeilKey) key = veil_key_list_dup_active_key (self->key_list);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.start",
                                 self->state == VEIL_EXPORT_DIALOG_STATE_SETUP
                                 && self->output_ok && key != NULL);
}

/* The protection rows show exactly what start_export() will pass to the core. */
void
_veil_export_dialog_update_parameters (VeilExportDialog *self)
{
  g_autoptr(VeilKey) key = veil_key_list_dup_active_key (self->key_list);
  g_autofree char *k = NULL;
  g_autofree char *pb = NULL;
  g_autofree char *mix = NULL;
  g_autofree char *res = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *decoy = NULL;
  VeilProtectParams params;

  veil_protect_settings_read (self->settings, &params);

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

  /* The panel's precision: p_b to 0.01, the fraction to whole percent. */
  k = g_strdup_printf ("%u × %u", params.k, params.k);
  pb = g_strdup_printf ("p_b = %.2f", params.pb);
  mix = g_strdup_printf (_("%.0f %% of the images"), params.mix * 100.0);
  res = veil_export_text_training_res (params.training_res);
  detail = veil_export_text_keep_detail (params.keep_detail);
  kind = veil_export_text_filter_kind (params.kind);
  /* The dataset comes after construction (veil_export_dialog_new()). */
  if (self->dataset != NULL)
    decoy = veil_export_text_decoy (
      veil_filter_decoy_plan (params.decoy,
                              key != NULL ? veil_key_get_kind (key) : VEIL_KEY_KIND_SECRET,
                              veil_dataset_get_n_classes (self->dataset)));

  gtk_label_set_label (self->kind_label, kind);
  gtk_label_set_label (self->k_label, k);
  gtk_label_set_label (self->pb_label, pb);
  gtk_label_set_label (self->mix_label, mix);
  gtk_label_set_label (self->res_label, res);
  gtk_label_set_label (self->detail_label, detail);
  gtk_label_set_label (self->decoy_label, decoy != NULL ? decoy : "");

  gtk_widget_set_sensitive (GTK_WIDGET (self->quality_row),
                            adw_combo_row_get_selected (self->format_row) == 0);

  update_start_enabled (self);
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

void
_veil_export_dialog_offer_last_folder (VeilExportDialog *self)
{
  g_autofree char *path = g_settings_get_string (self->settings, "last-export-folder");
  g_autofree char *input = g_settings_get_string (self->settings, "last-export-input");
  g_autofree char *manifest = NULL;
  gboolean can_go_on;

  g_clear_object (&self->last_output);
  if (*path == '\0' || !g_path_is_absolute (path))
    return;
  self->last_output = g_file_new_for_path (path);

  /* Chosen again only for the same collection, and only where an export can go on: an
   * unfinished one to resume, or a folder still empty or gone. A finished export is left
   * alone; the chooser opens next to it. */
  manifest = g_build_filename (path, VEIL_MANIFEST_NAME, NULL);
  can_go_on = veil_export_can_resume (path)
              || !g_file_test (path, G_FILE_TEST_EXISTS)
              || (g_file_test (path, G_FILE_TEST_IS_DIR) && !folder_has_other_files (path)
                  && !g_file_test (manifest, G_FILE_TEST_EXISTS));
  if (can_go_on && g_str_equal (input, veil_dataset_get_root (self->dataset)))
    veil_export_dialog_set_output_folder (self, self->last_output);
}

void
_veil_export_dialog_remember_folder (VeilExportDialog *self)
{
  g_autofree char *path = self->output != NULL ? g_file_get_path (self->output) : NULL;

  if (path == NULL)
    return;
  g_settings_set_string (self->settings, "last-export-folder", path);
  g_settings_set_string (self->settings, "last-export-input",
                         veil_dataset_get_root (self->dataset));
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

void
_veil_export_dialog_choose_folder_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter)
{
  VeilExportDialog *self = VEIL_EXPORT_DIALOG (widget);

  _veil_export_dialog_new_chooser (self, _("Choose Output Folder"),
                                   GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Select"));
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_folder_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}
