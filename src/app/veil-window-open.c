/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-window"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-error.h"
#include "veil-thumbnail-loader.h"
#include "veil-window-private.h"

#define MAX_RECENT 8

/* ---- Recent folders ---------------------------------------------------------------------- */

static void
remember_recent (VeilWindow *self,
                 const char *path)
{
  g_auto(GStrv) old = g_settings_get_strv (self->settings, "recent-folders");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) recent = NULL;
  guint n = 1;

  g_strv_builder_add (builder, path);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT; i++)
    if (g_strcmp0 (old[i], path) != 0)
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-folders", (const char * const *) recent);
}

void
_veil_window_update_recent (VeilWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-folders");
  GtkWidget *child;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *display = NULL;
      GtkWidget *row;

      /* A folder that went away is not offered. */
      if (!g_file_test (recent[i], G_FILE_TEST_IS_DIR))
        continue;
      name = g_path_get_basename (recent[i]);
      display = g_filename_display_name (recent[i]);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), display);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("go-next-symbolic"));
      g_object_set_data_full (G_OBJECT (row), "path", g_strdup (recent[i]), g_free);
      gtk_list_box_append (self->recent_list, row);
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->recent_box), shown > 0);
}

/* ---- Scanning ---------------------------------------------------------------------------- */

typedef struct
{
  VeilWindow *window; /* weak: only touched through the atomic counter from the thread */
  char       *path;
} ScanData;

static void
scan_data_free (ScanData *data)
{
  g_free (data->path);
  g_free (data);
}

static void
scan_progress_cb (guint    n_images_found,
                  gpointer user_data)
{
  ScanData *data = user_data;

  /* The label is updated from a timeout on the main thread. */
  g_atomic_int_set (&data->window->scan_found, (gint) n_images_found);
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ScanData *data = task_data;
  GError *error = NULL;
  VeilDataset *dataset;

  dataset = veil_dataset_scan (data->path, scan_progress_cb, data, cancellable, &error);
  if (dataset == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, dataset, (GDestroyNotify) veil_dataset_unref);
}

static gboolean
scan_count_cb (gpointer user_data)
{
  VeilWindow *self = VEIL_WINDOW (user_data);
  int found = g_atomic_int_get (&self->scan_found);
  g_autofree char *text = NULL;

  if (found > 0)
    {
      text = g_strdup_printf (ngettext ("%d image found", "%d images found", found), found);
      gtk_label_set_label (self->scan_count_label, text);
    }
  return G_SOURCE_CONTINUE;
}

static void
show_not_a_dataset (VeilWindow *self,
                    const char *message)
{
  /* The core's message names the folder and says what is missing. */
  adw_status_page_set_description (self->not_dataset_page, message);
  gtk_stack_set_visible_child_name (self->main_stack, "not-dataset");
}

static void
scan_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  VeilWindow *self = VEIL_WINDOW (source);
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  ScanData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilDataset) dataset = NULL;

  dataset = g_task_propagate_pointer (G_TASK (result), &error);
  if (cancellable != self->scan_cancellable)
    return; /* superseded by another open */

  g_clear_object (&self->scan_cancellable);
  g_clear_handle_id (&self->scan_count_id, g_source_remove);
  gtk_spinner_stop (self->scan_spinner);

  if (dataset == NULL)
    {
      if (g_error_matches (error, VEIL_ERROR, VEIL_ERROR_NOT_A_DATASET))
        {
          show_not_a_dataset (self, error->message);
          return;
        }
      gtk_stack_set_visible_child_name (self->main_stack,
                                        self->previous_page ? self->previous_page : "start");
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        veil_window_add_toast (self, error->message);
      _veil_window_actions_update (self);
      return;
    }

  remember_recent (self, data->path);
  _veil_window_set_dataset (self, dataset);
  gtk_stack_set_visible_child_name (self->main_stack, "dataset");
  _veil_window_actions_update (self);
}

void
veil_window_open_folder (VeilWindow *self,
                         GFile      *folder)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  ScanData *data;

  g_return_if_fail (VEIL_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (folder));

  path = g_file_get_path (folder);
  if (path == NULL)
    {
      veil_window_add_toast (self, _("Only folders on this computer can be opened."));
      return;
    }

  _veil_window_cancel_scan (self);
  g_free (self->previous_page);
  self->previous_page = g_strdup (gtk_stack_get_visible_child_name (self->main_stack));
  if (g_strcmp0 (self->previous_page, "scanning") == 0)
    g_clear_pointer (&self->previous_page, g_free);

  self->scan_cancellable = g_cancellable_new ();
  g_atomic_int_set (&self->scan_found, 0);
  gtk_label_set_label (self->scan_count_label, "");
  gtk_spinner_start (self->scan_spinner);
  gtk_stack_set_visible_child_name (self->main_stack, "scanning");
  self->scan_count_id = g_timeout_add (200, scan_count_cb, self);

  data = g_new0 (ScanData, 1);
  data->window = self;
  data->path = g_steal_pointer (&path);
  task = g_task_new (self, self->scan_cancellable, scan_done_cb, NULL);
  g_task_set_source_tag (task, veil_window_open_folder);
  g_task_set_task_data (task, data, (GDestroyNotify) scan_data_free);
  g_task_run_in_thread (task, scan_thread);
  _veil_window_actions_update (self);
}

void
_veil_window_cancel_scan (VeilWindow *self)
{
  g_cancellable_cancel (self->scan_cancellable);
}

char *
veil_window_find_samples_dir (void)
{
  const char *env = g_getenv ("VEIL_SAMPLES_DIR");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test (SAMPLES_DIR, G_FILE_TEST_IS_DIR))
    return g_strdup (SAMPLES_DIR);
  if (g_file_test (SOURCE_SAMPLES_DIR, G_FILE_TEST_IS_DIR))
    return g_strdup (SOURCE_SAMPLES_DIR);
  return NULL;
}

void
veil_window_open_samples (VeilWindow *self)
{
  g_autofree char *dir = veil_window_find_samples_dir ();
  g_autoptr(GFile) folder = NULL;

  g_return_if_fail (VEIL_IS_WINDOW (self));

  if (dir == NULL)
    {
      veil_window_add_toast (self, _("The sample set is not installed."));
      return;
    }
  folder = g_file_new_for_path (dir);
  veil_window_open_folder (self, folder);
}

/* ---- The Open dialog and drag and drop --------------------------------------------------- */

static void
on_chooser_response_cb (GtkNativeDialog *dialog,
                        int              response,
                        VeilWindow      *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (folder != NULL)
        veil_window_open_folder (self, folder);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

void
_veil_window_show_open_dialog (VeilWindow *self)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Open a Labeled Folder"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Open"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (self->dataset != NULL)
    {
      g_autoptr(GFile) current = g_file_new_for_path (veil_dataset_get_root (self->dataset));
      g_autoptr(GFile) parent = g_file_get_parent (current);

      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), parent, NULL);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
on_drop_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            VeilWindow    *self)
{
  GSList *files;
  GFile *folder;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  if (files == NULL)
    return FALSE;

  folder = files->data;
  if (g_file_query_file_type (folder, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY)
    {
      g_autofree char *name = g_file_get_basename (folder);
      g_autofree char *message =
        g_strdup_printf (_("“%s” is not a folder: drop the folder that holds the class folders."),
                         name);

      veil_window_add_toast (self, message);
      g_slist_free (files);
      return FALSE;
    }
  veil_window_open_folder (self, folder);
  g_slist_free (files);
  return TRUE;
}

static void
on_recent_changed_cb (VeilWindow *self)
{
  _veil_window_update_recent (self);
}

void
_veil_window_open_init (VeilWindow *self)
{
  GtkDropTarget *drop;

  gtk_label_set_label (self->layout_example_label,
                       /* Translators: an example folder layout; translate the names freely. */
                       _("Holiday Photos/\n"
                         "├── beach/\n"
                         "│   ├── IMG_0001.jpg\n"
                         "│   └── IMG_0002.jpg\n"
                         "├── city/\n"
                         "│   └── 2023/IMG_0417.jpg\n"
                         "└── mountains/\n"
                         "    └── summit.png"));

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  g_signal_connect_object (self->settings, "changed::recent-folders",
                           G_CALLBACK (on_recent_changed_cb), self, G_CONNECT_SWAPPED);
  _veil_window_update_recent (self);
  gtk_stack_set_visible_child_name (self->main_stack, "start");
}

void
_veil_window_open_dispose (VeilWindow *self)
{
  g_cancellable_cancel (self->scan_cancellable);
  g_clear_object (&self->scan_cancellable);
  g_clear_handle_id (&self->scan_count_id, g_source_remove);
  g_clear_pointer (&self->previous_page, g_free);
}
