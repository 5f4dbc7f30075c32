/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-key-manager"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-error.h"
#include "veil-key-list.h"
#include "veil-key-manager.h"

struct _VeilKeyManager
{
  AdwPreferencesWindow  parent_instance;

  VeilKeyList          *key_list;
  GSettings            *settings;
  AdwToast             *toast;      /* the one on screen, if any (not owned) */
  gint64                toast_shown_at; /* monotonic time it was added */
  GtkFileChooserNative *chooser;   /* the open import/export chooser, if any */
  char                 *export_name;
  /* Never shown: the group's "none of these" member, so that every key row is a radio button
   * even when it is alone, and no row is checked while the seed is in use. */
  GtkWidget            *radio_none;

  GtkListBox           *list_box;
  AdwEntryRow          *new_key_row;
  AdwPreferencesGroup  *problems_group;
  GtkListBox           *problems_list;
  AdwExpanderRow       *seed_row;
  GtkSpinButton        *seed_spin;
};

G_DEFINE_FINAL_TYPE (VeilKeyManager, veil_key_manager, ADW_TYPE_PREFERENCES_WINDOW)

static void
on_toast_dismissed_cb (AdwToast       *t,
                       VeilKeyManager *self)
{
  if (self->toast == t)
    self->toast = NULL;
}

/* libadwaita 1.2 frees a toast's record when its hide animation ends but leaves its show
 * animation pointing at it: a toast dismissed before it has fully appeared (its show animation
 * takes up to 500 ms) crashes the app when that animation ends. Dismiss only after that. */
#define TOAST_APPEAR_MS 600

static gboolean
dismiss_later_cb (gpointer user_data)
{
  adw_toast_dismiss (ADW_TOAST (user_data));
  return G_SOURCE_REMOVE;
}

/* Drops the message on screen: it answered an earlier action, and must not come back later
 * over a dialog (a queued toast reappears once the one above it goes). */
static void
dismiss_toast (VeilKeyManager *self)
{
  gint64 shown_ms;

  if (self->toast == NULL)
    return;
  shown_ms = (g_get_monotonic_time () - self->toast_shown_at) / 1000;
  if (shown_ms >= TOAST_APPEAR_MS)
    adw_toast_dismiss (self->toast);
  else
    g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) (TOAST_APPEAR_MS - shown_ms),
                        dismiss_later_cb, g_object_ref (self->toast), g_object_unref);
  self->toast = NULL;
}

static void
toast (VeilKeyManager *self,
       const char     *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1); /* a toast's title is markup */
  AdwToast *t;

  /* One message at a time, the newest: the one on screen says the new thing, so that nothing
   * older is left queued to come back later. */
  if (self->toast != NULL)
    {
      adw_toast_set_title (self->toast, markup);
      return;
    }
  t = adw_toast_new (markup);
  /* Error messages name files and can be long; give people time to read them. */
  adw_toast_set_timeout (t, 6);
  g_signal_connect_object (t, "dismissed", G_CALLBACK (on_toast_dismissed_cb), self, 0);
  self->toast = t;
  self->toast_shown_at = g_get_monotonic_time ();
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), t);
}

static void
clear_list_box (GtkListBox *list_box)
{
  GtkListBoxRow *row;

  /* Rows only: the placeholder is a child of the list box too. */
  while ((row = gtk_list_box_get_row_at_index (list_box, 0)) != NULL)
    gtk_list_box_remove (list_box, GTK_WIDGET (row));
}

static void
on_active_toggled_cb (GtkCheckButton *check,
                      VeilKeyManager *self)
{
  const char *name = g_object_get_data (G_OBJECT (check), "veil-key-name");

  if (gtk_check_button_get_active (check))
    veil_key_list_set_active (self->key_list, name);
}

static GMenuModel *
create_row_menu (const char *name)
{
  GMenu *menu = g_menu_new ();
  GMenu *section = g_menu_new ();
  const struct {
    const char *label;
    const char *action;
  } entries[] = {
    { N_("_Rename…"), "keys.rename" },
    { N_("_Copy Fingerprint"), "keys.copy-fingerprint" },
    { N_("_Export…"), "keys.export" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_(entries[i].label), NULL);

      g_menu_item_set_action_and_target_value (item, entries[i].action,
                                               g_variant_new_string (name));
      g_menu_append_item (menu, item);
    }

  {
    g_autoptr(GMenuItem) item = g_menu_item_new (_("_Delete…"), NULL);

    g_menu_item_set_action_and_target_value (item, "keys.delete", g_variant_new_string (name));
    g_menu_append_item (section, item);
    g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
    g_object_unref (section);
  }

  return G_MENU_MODEL (menu);
}

static char *
format_date (GDateTime *when)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (when);
  g_autofree char *text = NULL;

  /* Translators: a key's creation date, unambiguous in every language: the day, the month's
   * name and the year, as in "4 December 2026". See g_date_time_format() for the codes. */
  text = g_date_time_format (local, _("%e %B %Y"));
  return g_strdup (g_strstrip (text)); /* %e pads one-digit days with a space */
}

static GtkWidget *
create_key_row (VeilKeyManager *self,
                VeilKeyItem    *item,
                GtkCheckButton *group,
                gboolean        active)
{
  const char *name = veil_key_item_get_name (item);
  GDateTime *created = veil_key_item_get_created (item);
  /* A date no reader can misread ("4 December 2026"), not the locale's short "12/04/26". */
  g_autofree char *date = created != NULL ? format_date (created) : NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *menu_label = NULL;
  g_autofree char *use_label = NULL;
  g_autofree char *copy_label = NULL;
  g_autoptr(GMenuModel) menu = NULL;
  GtkWidget *row;
  GtkWidget *check;
  GtkWidget *copy;
  GtkWidget *more;

  /* Only the one-way fingerprint is ever shown; never the secret. */
  if (date != NULL)
    subtitle = g_strdup_printf (_("%s\n%s · created %s"), veil_key_item_get_fingerprint (item),
                                veil_key_item_get_kind_label (item), date);
  else
    subtitle = g_strdup_printf ("%s\n%s", veil_key_item_get_fingerprint (item),
                                veil_key_item_get_kind_label (item));

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  g_object_set_data_full (G_OBJECT (row), "veil-key-name", g_strdup (name), g_free);

  check = gtk_check_button_new ();
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), active);
  use_label = g_strdup_printf (_("Use “%s” for protection"), name);
  gtk_widget_set_tooltip_text (check, use_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, use_label,
                                  -1);
  g_object_set_data_full (G_OBJECT (check), "veil-key-name", g_strdup (name), g_free);
  g_signal_connect (check, "toggled", G_CALLBACK (on_active_toggled_cb), self);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);

  copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (copy, "flat");
  gtk_widget_set_tooltip_text (copy, _("Copy Fingerprint"));
  copy_label = g_strdup_printf (_("Copy the fingerprint of “%s”"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (copy),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, copy_label,
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (copy), "keys.copy-fingerprint");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (copy), g_variant_new_string (name));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), copy);

  menu = create_row_menu (name);
  more = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (more), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (more), menu);
  gtk_widget_set_valign (more, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (more, "flat");
  menu_label = g_strdup_printf (_("Actions for “%s”"), name);
  gtk_widget_set_tooltip_text (more, menu_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (more),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, menu_label,
                                  -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), more);

  return row;
}

static void
rebuild (VeilKeyManager *self)
{
  GListModel *model = veil_key_list_get_model (self->key_list);
  VeilKeyItem *active = veil_key_list_get_active_item (self->key_list);
  gboolean use_seed = veil_key_list_get_use_seed (self->key_list);
  const char * const *problems = veil_key_list_get_problems (self->key_list);
  guint n = g_list_model_get_n_items (model);
  gboolean any_active = FALSE;

  clear_list_box (self->list_box);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VeilKeyItem) item = g_list_model_get_item (model, i);
      gboolean is_active = !use_seed && item == active;
      GtkWidget *row = create_key_row (self, item, GTK_CHECK_BUTTON (self->radio_none),
                                       is_active);

      any_active |= is_active;
      gtk_list_box_append (self->list_box, row);
    }
  if (!any_active)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (self->radio_none), TRUE);

  clear_list_box (self->problems_list);
  for (guint i = 0; problems != NULL && problems[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      gtk_widget_add_css_class (icon, "warning");
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), problems[i]);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_list_box_append (self->problems_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->problems_group),
                          problems != NULL && problems[0] != NULL);
}

static void
on_active_key_changed_cb (VeilKeyList    *key_list,
                          VeilKeyManager *self)
{
  rebuild (self);
}

static void
on_new_key_changed_cb (GtkEditable    *row,
                       VeilKeyManager *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static void
on_new_key_apply_cb (AdwEntryRow    *row,
                     VeilKeyManager *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (veil_key_list_create (self->key_list, name, &error) == NULL)
    {
      /* The core's sentence names the key folder, too long for a toast: the name is what the
       * person can change, and the field says so until they do. */
      if (g_error_matches (error, VEIL_ERROR, VEIL_ERROR_KEY_EXISTS))
        {
          text = g_strdup_printf (_("A key named “%s” already exists"), name);
          gtk_widget_add_css_class (GTK_WIDGET (row), "error");
          toast (self, text);
        }
      else
        toast (self, error->message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (row), "");
  text = g_strdup_printf (_("Key “%s” created"), name);
  toast (self, text);
}

/* Import */

static void
on_import_response_cb (GtkNativeDialog *native,
                       int              response,
                       VeilKeyManager  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;
      VeilKeyItem *item = NULL;

      if (path == NULL)
        toast (self, _("Only local key files can be imported"));
      else if ((item = veil_key_list_import (self->key_list, path, &error)) == NULL)
        toast (self, error->message);
      else
        {
          g_autofree char *text = g_strdup_printf (_("Key “%s” imported"),
                                                   veil_key_item_get_name (item));
          toast (self, text);
        }
    }

  g_clear_object (&self->chooser);
}

static void
on_import_clicked_cb (GtkButton      *button,
                      VeilKeyManager *self)
{
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Import Key"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_import_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Export */

static void
on_export_file_response_cb (GtkNativeDialog *native,
                            int              response,
                            VeilKeyManager  *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->export_name != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (path == NULL)
        toast (self, _("Keys can only be exported to a local folder"));
      /* A GTK 4 save chooser (and the portal's) has already asked before accepting an
       * existing file, so an accepted path may be replaced. */
      else if (!veil_key_list_export (self->key_list, self->export_name, path, TRUE, &error))
        toast (self, error->message);
      else
        {
          g_autofree char *display = g_filename_display_name (path);
          g_autofree char *text = g_strdup_printf (_("Key exported to %s"), display);

          toast (self, text);
        }
    }

  g_clear_pointer (&self->export_name, g_free);
  g_clear_object (&self->chooser);
}

static void
on_export_warning_response_cb (AdwMessageDialog *dialog,
                               const char       *response,
                               VeilKeyManager   *self)
{
  g_autofree char *file_name = NULL;

  if (!g_str_equal (response, "export") || self->export_name == NULL)
    {
      g_clear_pointer (&self->export_name, g_free);
      return;
    }

  file_name = g_strdup_printf ("%s.key", self->export_name);

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Export Key"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), file_name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_export_file_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VeilKeyManager *self = VEIL_KEY_MANAGER (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = g_strdup_printf (_("Export “%s”?"), name);
  GtkWidget *dialog;

  g_free (self->export_name);
  self->export_name = g_strdup (name);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _("Whoever has the exported file can undo the protection of "
                                     "every photo protected with this key. Keep it where only "
                                     "you can read it, such as an encrypted drive."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "export", _("_Export…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "export",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_warning_response_cb), self);
  dismiss_toast (self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Rename */

static void
on_rename_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       VeilKeyManager   *self)
{
  const char *old_name = g_object_get_data (G_OBJECT (dialog), "veil-key-name");
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *new_name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "rename"))
    return;

  if (!veil_key_list_rename (self->key_list, old_name, new_name, &error))
    toast (self, error->message);
}

static void
on_rename_entry_changed_cb (GtkEditable      *entry,
                            AdwMessageDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "rename",
                                           veil_key_check_name (name, NULL));
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VeilKeyManager *self = VEIL_KEY_MANAGER (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = g_strdup_printf (_("Rename “%s”"), name);
  GtkWidget *dialog;
  GtkWidget *entry;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _("The name is only a label for you; the key and its "
                                     "fingerprint stay the same."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), name);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("New name"),
                                  -1);
  g_signal_connect (entry, "changed", G_CALLBACK (on_rename_entry_changed_cb), dialog);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);

  g_object_set_data_full (G_OBJECT (dialog), "veil-key-name", g_strdup (name), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_rename_response_cb), self);
  dismiss_toast (self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Delete */

static void
on_delete_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       VeilKeyManager   *self)
{
  const char *name = g_object_get_data (G_OBJECT (dialog), "veil-key-name");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!g_str_equal (response, "delete"))
    return;

  if (!veil_key_list_delete (self->key_list, name, &error))
    {
      toast (self, error->message);
      return;
    }

  text = g_strdup_printf (_("Key “%s” deleted"), name);
  toast (self, text);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VeilKeyManager *self = VEIL_KEY_MANAGER (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = g_strdup_printf (_("Delete “%s”?"), name);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _("Photos already protected with this key stay protected, but "
                                     "without the key the same protection can never be applied "
                                     "again, for example to new photos of the same classes. "
                                     "Export the key first if you might need it."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "veil-key-name", g_strdup (name), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_delete_response_cb), self);
  dismiss_toast (self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
copy_fingerprint_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  VeilKeyManager *self = VEIL_KEY_MANAGER (widget);
  VeilKeyItem *item = veil_key_list_find (self->key_list, g_variant_get_string (parameter, NULL));

  if (item == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget),
                          veil_key_item_get_fingerprint (item));
  toast (self, _("Fingerprint copied"));
}

static void
veil_key_manager_dispose (GObject *object)
{
  VeilKeyManager *self = VEIL_KEY_MANAGER (object);

  if (self->key_list != NULL)
    g_signal_handlers_disconnect_by_func (self->key_list, on_active_key_changed_cb, self);
  self->key_list = NULL;

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->export_name, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_KEY_MANAGER);
  g_clear_object (&self->radio_none);

  G_OBJECT_CLASS (veil_key_manager_parent_class)->dispose (object);
}

static void
veil_key_manager_class_init (VeilKeyManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_key_manager_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/unlearnable/Veil/veil-key-manager.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilKeyManager, list_box);
  gtk_widget_class_bind_template_child (widget_class, VeilKeyManager, new_key_row);
  gtk_widget_class_bind_template_child (widget_class, VeilKeyManager, problems_group);
  gtk_widget_class_bind_template_child (widget_class, VeilKeyManager, problems_list);
  gtk_widget_class_bind_template_child (widget_class, VeilKeyManager, seed_row);
  gtk_widget_class_bind_template_child (widget_class, VeilKeyManager, seed_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_new_key_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_import_clicked_cb);

  gtk_widget_class_install_action (widget_class, "keys.rename", "s", rename_action);
  gtk_widget_class_install_action (widget_class, "keys.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "keys.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "keys.copy-fingerprint", "s",
                                   copy_fingerprint_action);
}

static void
veil_key_manager_init (VeilKeyManager *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->radio_none = g_object_ref_sink (gtk_check_button_new ());

  placeholder = gtk_label_new (_("No keys yet: name one below to create it."));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_list_box_set_placeholder (self->list_box, placeholder);

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "use-seed", self->seed_row, "enable-expansion",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "seed", gtk_spin_button_get_adjustment (self->seed_spin),
                   "value", G_SETTINGS_BIND_DEFAULT);
  adw_expander_row_set_expanded (self->seed_row, g_settings_get_boolean (self->settings,
                                                                         "use-seed"));

  self->key_list = veil_key_list_get_default ();
  g_signal_connect (self->key_list, "active-key-changed",
                    G_CALLBACK (on_active_key_changed_cb), self);
  g_signal_connect (self->new_key_row, "changed", G_CALLBACK (on_new_key_changed_cb), self);

  /* Pick up key files added by veil-cli since the app started. */
  veil_key_list_reload (self->key_list);
  rebuild (self);

  /* With no key yet, naming the first one is what the person came here for. */
  if (g_list_model_get_n_items (veil_key_list_get_model (self->key_list)) == 0)
    gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->new_key_row));
}

GtkWindow *
veil_key_manager_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (VEIL_TYPE_KEY_MANAGER,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
}

void
veil_key_manager_present (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  n = g_list_model_get_n_items (toplevels);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (VEIL_IS_KEY_MANAGER (window)
          && gtk_window_get_transient_for (GTK_WINDOW (window)) == parent)
        {
          gtk_window_present (GTK_WINDOW (window));
          return;
        }
    }

  gtk_window_present (veil_key_manager_new (parent));
}
