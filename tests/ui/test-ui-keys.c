/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-keys"

/* The key manager and the header-bar key chooser, driven in the real application: create,
 * rename and delete keys the way a person does, and check the key files on disk. */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include <adwaita.h>

#include "veil-application.h"
#include "veil-key-chooser.h"
#include "veil-key-list.h"
#include "veil-key-manager.h"
#include "veil-key-store.h"
#include "ui-test-util.h"
#include "veil-test-util.h"
#include "veil-window.h"

static VeilApplication *app;
static GtkWindow *window;
static char *tmpdir;

/* Runs the main loop until @expr holds or @seconds pass. */
static char *
keys_dir (void)
{
  return veil_key_store_default_dir ();
}

/* The key files in the store, as full paths. */
static GPtrArray *
list_key_files (void)
{
  g_autofree char *dir = keys_dir ();
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".key"))
      g_ptr_array_add (files, g_build_filename (dir, name, NULL));
  return files;
}

static VeilKeyManager *
open_manager (void)
{
  GtkWidget *manager;

  /* Ctrl+K goes through app.keys; the key chooser's "Manage Keys…" calls the same function. */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "keys"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "keys", NULL);
  manager = ui_test_wait_toplevel (VEIL_TYPE_KEY_MANAGER, "the key manager");
  return VEIL_KEY_MANAGER (manager);
}

static AdwMessageDialog *
wait_for_message_dialog (void)
{
  GtkWidget *dialog;

  dialog = ui_test_wait_toplevel (ADW_TYPE_MESSAGE_DIALOG, "a message dialog");
  return ADW_MESSAGE_DIALOG (dialog);
}

static void
answer (AdwMessageDialog *dialog,
        const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_wait_no_toplevel (ADW_TYPE_MESSAGE_DIALOG, "the message dialog to close");
}

static void
create_key_in_ui (VeilKeyManager *manager,
                  const char     *name)
{
  GtkWidget *entry_row = ui_test_find_descendant (GTK_WIDGET (manager), ADW_TYPE_ENTRY_ROW);

  g_assert_nonnull (entry_row);
  gtk_editable_set_text (GTK_EDITABLE (entry_row), name);
  /* The key is made (or refused, with a toast) before "apply" returns. */
  g_signal_emit_by_name (entry_row, "apply");
}

static char *
secret_hex (VeilKey *key)
{
  const guint8 *secret = veil_key_get_secret (key);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < 8; i++)
    g_string_append_printf (s, "%02x", secret[i]);
  return g_string_free (s, FALSE);
}

typedef struct {
  char     *text;
  gboolean  done;
} ClipboardRead;

static void
on_clipboard_text_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  ClipboardRead *read = user_data;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  read->done = TRUE;
}

static void
test_create_delete (void)
{
  VeilKeyList *keys = veil_key_list_get_default ();
  VeilKeyManager *manager = open_manager ();
  g_autoptr(GPtrArray) before = list_key_files ();
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) gone = NULL;
  g_autofree char *hex = NULL;
  GtkWidget *chooser;
  VeilKeyItem *item;
  struct stat st;

  g_assert_cmpuint (before->len, ==, 0);
  g_assert_null (veil_key_list_get_active_item (keys));

  create_key_in_ui (manager, "Studio portraits");

  /* One new key file, private to its owner. */
  after = list_key_files ();
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpint (g_stat (g_ptr_array_index (after, 0), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* It is listed, became the active key, and the header bar shows it. */
  item = veil_key_list_find (keys, "Studio portraits");
  g_assert_nonnull (item);
  g_assert_true (veil_key_list_get_active_item (keys) == item);
  g_assert_true (ui_test_shows_text (GTK_WIDGET (manager), "Studio portraits"));
  g_assert_true (ui_test_shows_text (GTK_WIDGET (manager), veil_key_item_get_fingerprint (item)));
  chooser = ui_test_find_descendant (GTK_WIDGET (window), VEIL_TYPE_KEY_CHOOSER);
  g_assert_nonnull (chooser);
  g_assert_true (ui_test_shows_text (chooser, "Studio portraits"));

  /* Only fingerprints are shown, never the secret. */
  hex = secret_hex (veil_key_item_get_key (item));
  g_assert_false (ui_test_shows_text (GTK_WIDGET (manager), hex));
  g_assert_false (ui_test_shows_text (GTK_WIDGET (window), hex));
  g_assert_null (strstr (gtk_window_get_title (GTK_WINDOW (manager)), hex));

  /* Copy Fingerprint puts the fingerprint, and only that, on the clipboard. */
  {
    GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (manager));
    ClipboardRead read = { NULL, FALSE };

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (manager), "keys.copy-fingerprint",
                                               "s", "Studio portraits"));
    gdk_clipboard_read_text_async (clipboard, NULL, on_clipboard_text_cb, &read);
    UI_TEST_WAIT_FOR (read.done, UI_TEST_TIMEOUT_S, "the clipboard's text");
    g_assert_cmpstr (read.text, ==, veil_key_item_get_fingerprint (item));
    g_free (read.text);
    g_assert_true (ui_test_shows_text (GTK_WIDGET (manager), "Fingerprint copied"));
  }

  /* Delete asks first; cancelling keeps the key. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (manager), "keys.delete", "s",
                                             "Studio portraits"));
  answer (wait_for_message_dialog (), "cancel");
  g_assert_nonnull (veil_key_list_find (keys, "Studio portraits"));
  g_assert_true (g_file_test (g_ptr_array_index (after, 0), G_FILE_TEST_EXISTS));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (manager), "keys.delete", "s",
                                             "Studio portraits"));
  answer (wait_for_message_dialog (), "delete");

  gone = list_key_files ();
  g_assert_cmpuint (gone->len, ==, 0);
  g_assert_false (g_file_test (g_ptr_array_index (after, 0), G_FILE_TEST_EXISTS));
  g_assert_null (veil_key_list_find (keys, "Studio portraits"));
  g_assert_null (veil_key_list_get_active_item (keys));
  /* The first list box of the manager is its list of keys (toasts may still name the key). */
  g_assert_false (ui_test_shows_text (ui_test_find_descendant (GTK_WIDGET (manager), GTK_TYPE_LIST_BOX),
                              "Studio portraits"));
  g_assert_true (ui_test_shows_text (chooser, "No Key"));

  gtk_window_destroy (GTK_WINDOW (manager));
  ui_test_wait_no_toplevel (VEIL_TYPE_KEY_MANAGER, "the key manager to close");
}

static void
test_export_import (void)
{
  VeilKeyList *keys = veil_key_list_get_default ();
  VeilKeyManager *manager = open_manager ();
  g_autofree char *copy = g_build_filename (tmpdir, "backup.key", NULL);
  g_autofree char *fingerprint = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  VeilKeyItem *item;
  struct stat st;

  create_key_in_ui (manager, "Backed up");
  item = veil_key_list_find (keys, "Backed up");
  g_assert_nonnull (item);
  fingerprint = g_strdup (veil_key_item_get_fingerprint (item));

  /* Exporting warns first that the file undoes the protection; cancelling writes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (manager), "keys.export", "s",
                                             "Backed up"));
  dialog = wait_for_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "undo the protection"));
  answer (dialog, "cancel");
  g_assert_null (ui_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG));

  /* What the file chooser's answer runs: a private copy that imports back as the same key. */
  g_assert_true (veil_key_list_export (keys, "Backed up", copy, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (copy, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  /* An existing file is replaced only when the person confirmed it. */
  g_assert_false (veil_key_list_export (keys, "Backed up", copy, FALSE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (veil_key_list_export (keys, "Backed up", copy, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (veil_key_list_delete (keys, "Backed up", &error));
  g_assert_no_error (error);
  item = veil_key_list_import (keys, copy, &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);
  g_assert_cmpstr (veil_key_item_get_name (item), ==, "Backed up");
  g_assert_cmpstr (veil_key_item_get_fingerprint (item), ==, fingerprint);
  g_assert_true (ui_test_shows_text (GTK_WIDGET (manager), fingerprint));

  /* Importing it again is refused with a message rather than a second copy. */
  g_assert_null (veil_key_list_import (keys, copy, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_true (veil_key_list_delete (keys, "Backed up", &error));
  g_assert_no_error (error);
  gtk_window_destroy (GTK_WINDOW (manager));
  ui_test_wait_no_toplevel (VEIL_TYPE_KEY_MANAGER, "the key manager to close");
}

static void
test_rename_and_damaged (void)
{
  VeilKeyList *keys = veil_key_list_get_default ();
  VeilKeyManager *manager = open_manager ();
  g_autofree char *fingerprint = NULL;
  g_autofree char *dir = keys_dir ();
  g_autofree char *damaged = g_build_filename (dir, "damaged.key", NULL);
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  VeilKeyItem *item;

  create_key_in_ui (manager, "Old name");
  item = veil_key_list_find (keys, "Old name");
  g_assert_nonnull (item);
  fingerprint = g_strdup (veil_key_item_get_fingerprint (item));

  /* A name that is not allowed is refused with a message, and nothing is created. */
  create_key_in_ui (manager, "a/b");
  g_assert_null (veil_key_list_find (keys, "a/b"));
  g_assert_cmpuint (g_list_model_get_n_items (veil_key_list_get_model (keys)), ==, 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (manager), "keys.rename", "s",
                                             "Old name"));
  dialog = wait_for_message_dialog ();
  entry = adw_message_dialog_get_extra_child (dialog);
  g_assert_true (GTK_IS_EDITABLE (entry));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "Old name");
  gtk_editable_set_text (GTK_EDITABLE (entry), "New name");
  answer (dialog, "rename");

  g_assert_null (veil_key_list_find (keys, "Old name"));
  item = veil_key_list_find (keys, "New name");
  g_assert_nonnull (item);
  g_assert_cmpstr (veil_key_item_get_fingerprint (item), ==, fingerprint);
  /* The active key follows the rename. */
  g_assert_true (veil_key_list_get_active_item (keys) == item);
  g_assert_true (ui_test_shows_text (GTK_WIDGET (manager), "New name"));

  /* A damaged key file is named in the window instead of breaking the list. */
  g_assert_true (g_file_set_contents (damaged, "this is not a key\n", -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (damaged, 0600), ==, 0);
  gtk_window_destroy (GTK_WINDOW (manager));
  ui_test_wait_no_toplevel (VEIL_TYPE_KEY_MANAGER, "the key manager to close");
  manager = open_manager ();
  g_assert_true (ui_test_shows_text (GTK_WIDGET (manager), "damaged.key"));
  g_assert_nonnull (veil_key_list_find (keys, "New name"));

  /* The paper-compatible seed replaces the key while it is switched on. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_autoptr(VeilKey) key = NULL;

    g_settings_set_uint (settings, "seed", 1234);
    g_settings_set_boolean (settings, "use-seed", TRUE);
    UI_TEST_WAIT_FOR (ui_test_shows_text (ui_test_find_descendant (GTK_WIDGET (window),
                                                                   VEIL_TYPE_KEY_CHOOSER),
                                          "Seed"),
                      UI_TEST_TIMEOUT_S, "the key chooser to show the seed");
    key = veil_key_list_dup_active_key (keys);
    g_assert_nonnull (key);
    g_assert_cmpint (veil_key_get_kind (key), ==, VEIL_KEY_KIND_SEED);
    g_assert_cmpuint (veil_key_get_seed (key), ==, 1234);
    g_assert_true (ui_test_shows_text (ui_test_find_descendant (GTK_WIDGET (window), VEIL_TYPE_KEY_CHOOSER),
                               "Seed"));
    g_settings_set_boolean (settings, "use-seed", FALSE);
  }

  g_assert_cmpint (g_unlink (damaged), ==, 0);
  g_assert_true (veil_key_list_delete (keys, "New name", &error));
  g_assert_no_error (error);
  gtk_window_destroy (GTK_WINDOW (manager));
  ui_test_wait_no_toplevel (VEIL_TYPE_KEY_MANAGER, "the key manager to close");
}

/* A second key of the same name: a short message that fits, the field marked until the name
 * changes, and no message left to come back over the next dialog. Dates read one way only. */
static void
test_duplicate_and_date (void)
{
  VeilKeyList *keys = veil_key_list_get_default ();
  VeilKeyManager *manager = open_manager ();
  GtkWidget *entry_row = ui_test_find_descendant (GTK_WIDGET (manager), ADW_TYPE_ENTRY_ROW);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%e %B %Y");
  g_autofree char *created = g_strdup_printf ("created %s", g_strstrip (day));
  g_autofree char *dir = keys_dir ();
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  create_key_in_ui (manager, "Twice");
  g_assert_nonnull (veil_key_list_find (keys, "Twice"));
  g_assert_true (ui_test_shows_text (GTK_WIDGET (manager), created));
  g_assert_false (gtk_widget_has_css_class (entry_row, "error"));

  create_key_in_ui (manager, "Twice");
  UI_TEST_WAIT_FOR (ui_test_shows_text (GTK_WIDGET (manager), "A key named “Twice” already exists"),
                    UI_TEST_TIMEOUT_S, "the message that the key exists");
  /* Not the key folder's path, which no toast can show whole. */
  g_assert_false (ui_test_shows_text (GTK_WIDGET (manager), dir));
  g_assert_true (gtk_widget_has_css_class (entry_row, "error"));
  gtk_editable_set_text (GTK_EDITABLE (entry_row), "Twice 2");
  g_assert_false (gtk_widget_has_css_class (entry_row, "error"));
  gtk_editable_set_text (GTK_EDITABLE (entry_row), "");

  /* Several times, then the delete dialog: no message comes back over it. */
  create_key_in_ui (manager, "Twice");
  create_key_in_ui (manager, "Twice");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (manager), "keys.delete", "s", "Twice"));
  dialog = wait_for_message_dialog ();
  /* The message on screen goes (its animation takes as long as a loaded machine needs), and
   * none queued behind it comes back while the dialog is up. */
  UI_TEST_WAIT_FOR (!ui_test_shows_text (GTK_WIDGET (manager), "already exists"),
                    UI_TEST_TIMEOUT_S, "the message to go when the dialog opens");
  ui_test_wait_ms (1000);
  g_assert_false (ui_test_shows_text (GTK_WIDGET (manager), "already exists"));
  answer (dialog, "cancel");
  ui_test_wait_ms (500);
  g_assert_false (ui_test_shows_text (GTK_WIDGET (manager), "already exists"));

  g_assert_true (veil_key_list_delete (keys, "Twice", &error));
  g_assert_no_error (error);
  gtk_window_destroy (GTK_WINDOW (manager));
  ui_test_wait_no_toplevel (VEIL_TYPE_KEY_MANAGER, "the key manager to close");
}

int
main (int argc, char **argv)
{
  int ret;

  /* ui-harness.sh gives each test its own XDG folders; these keep the key store private
   * when the program is run by hand too. The user data folder is read once: set it first. */
  tmpdir = ui_test_make_private_home ("veil-ui-keys-XXXXXX");

  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      veil_test_rm_rf (tmpdir);
      return 77;
    }

  window = GTK_WINDOW (ui_test_start_app (&app));
  ui_test_wait_mapped (GTK_WIDGET (window), "the main window");

  g_test_add_func ("/ui/keys/create-delete", test_create_delete);
  g_test_add_func ("/ui/keys/export-import", test_export_import);
  g_test_add_func ("/ui/keys/rename-damaged-seed", test_rename_and_damaged);
  g_test_add_func ("/ui/keys/duplicate-and-date", test_duplicate_and_date);

  ret = g_test_run ();

  gtk_window_destroy (window);
  ui_test_wait_ms (50);
  g_clear_object (&app);
  veil_test_rm_rf (tmpdir);
  return ret;
}
