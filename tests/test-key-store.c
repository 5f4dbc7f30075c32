/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "veil-error.h"
#include "veil-key-store.h"
#include "veil-test-util.h"

static const char *odd_names[] = {
  "holiday",
  "with spaces",
  "Ünïcödé 鍵 🔑",
  "..",
  ".hidden",
  "a\\b",
  "Cat",
  "cat",
  "a-b",
  "a b",
  "CON",
  "-leading dash",
  "* ? [ ] ; &",
};

static char *
make_store (void)
{
  g_autofree char *tmp = veil_test_make_tmpdir ("veil-store-XXXXXX");

  /* A folder that does not exist yet: the store creates it. */
  return g_build_filename (tmp, "nested", "keys", NULL);
}

static void
remove_store (const char *dir)
{
  g_autofree char *nested = g_path_get_dirname (dir);
  g_autofree char *tmp = g_path_get_dirname (nested);

  veil_test_rm_rf (tmp);
}

static VeilKey *
add_new (const char *dir,
         const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilKey) key = veil_key_new_random (name, &error);

  g_assert_no_error (error);
  g_assert_true (veil_key_store_add (dir, key, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&key);
}

static int
collate (gconstpointer a,
         gconstpointer b)
{
  return g_utf8_collate (*(const char * const *) a, *(const char * const *) b);
}

static void
test_add_list_lookup (void)
{
  g_autofree char *dir = make_store ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_key_unref);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autofree char *long_name = g_strnfill (255, 'x');
  const char *sorted[G_N_ELEMENTS (odd_names) + 1];
  const char *entry;
  guint n_files = 0;
  struct stat st;

  /* Listing a store that does not exist yet is not an error. */
  listed = veil_key_store_list (dir, &problems, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 0);
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&listed, g_ptr_array_unref);
  g_clear_pointer (&problems, g_ptr_array_unref);

  for (guint i = 0; i < G_N_ELEMENTS (odd_names); i++)
    g_ptr_array_add (keys, add_new (dir, odd_names[i]));
  g_ptr_array_add (keys, add_new (dir, long_name));

  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  /* Every file is a plain, visible *.key file inside the folder, private to its owner. */
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((entry = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, entry, NULL);

      g_assert_true (g_str_has_suffix (entry, ".key"));
      g_assert_cmpint (entry[0], !=, '.');
      g_assert_null (strchr (entry, '/'));
      g_assert_cmpuint (strlen (entry), <=, 64);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
      n_files++;
    }
  g_assert_cmpuint (n_files, ==, keys->len);

  listed = veil_key_store_list (dir, &problems, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpuint (listed->len, ==, keys->len);
  for (guint i = 0; i < G_N_ELEMENTS (odd_names); i++)
    sorted[i] = odd_names[i];
  sorted[G_N_ELEMENTS (odd_names)] = long_name;
  qsort (sorted, G_N_ELEMENTS (sorted), sizeof sorted[0], collate);
  for (guint i = 0; i < listed->len; i++)
    g_assert_cmpstr (veil_key_get_name (listed->pdata[i]), ==, sorted[i]);

  for (guint i = 0; i < keys->len; i++)
    {
      VeilKey *key = keys->pdata[i];
      g_autoptr(VeilKey) found = veil_key_store_lookup (dir, veil_key_get_name (key), &error);

      g_assert_no_error (error);
      g_assert_cmpstr (veil_key_get_name (found), ==, veil_key_get_name (key));
      g_assert_true (veil_key_equal (found, key));
    }
  remove_store (dir);
}

static void
test_exists_and_missing (void)
{
  g_autofree char *dir = make_store ();
  g_autoptr(VeilKey) first = add_new (dir, "twin");
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilKey) second = veil_key_new_random ("twin", &error);
  g_autoptr(VeilKey) missing = NULL;

  g_assert_false (veil_key_store_add (dir, second, &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_KEY_EXISTS);
  g_assert_nonnull (strstr (error->message, "twin"));
  g_clear_error (&error);

  missing = veil_key_store_lookup (dir, "nobody", &error);
  g_assert_null (missing);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_KEY_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nobody"));
  g_clear_error (&error);

  g_assert_false (veil_key_store_delete (dir, "nobody", &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_KEY_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (veil_key_store_rename (dir, "nobody", "somebody", &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_KEY_NOT_FOUND);
  remove_store (dir);
}

static void
test_rename (void)
{
  g_autofree char *dir = make_store ();
  g_autoptr(VeilKey) key = add_new (dir, "old name");
  g_autoptr(VeilKey) other = add_new (dir, "taken");
  g_autoptr(VeilKey) renamed = NULL;
  g_autoptr(VeilKey) gone = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (veil_key_store_rename (dir, "old name", "Ünïcödé new name", &error));
  g_assert_no_error (error);
  renamed = veil_key_store_lookup (dir, "Ünïcödé new name", &error);
  g_assert_no_error (error);
  g_assert_true (veil_key_equal (renamed, key));
  g_assert_true (g_date_time_equal (veil_key_get_created (renamed), veil_key_get_created (key)));
  gone = veil_key_store_lookup (dir, "old name", &error);
  g_assert_null (gone);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_KEY_NOT_FOUND);
  g_clear_error (&error);

  listed = veil_key_store_list (dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 2);

  /* Renaming to the same name is a no-op; to a taken or invalid name an error. */
  g_assert_true (veil_key_store_rename (dir, "taken", "taken", &error));
  g_assert_no_error (error);
  g_assert_false (veil_key_store_rename (dir, "Ünïcödé new name", "taken", &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_KEY_EXISTS);
  g_clear_error (&error);
  g_assert_false (veil_key_store_rename (dir, "taken", "a/b", &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (veil_key_store_rename (dir, "taken", "", &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT);
  remove_store (dir);
}

static void
test_delete (void)
{
  g_autofree char *dir = make_store ();
  g_autoptr(VeilKey) a = add_new (dir, "..");
  g_autoptr(VeilKey) b = add_new (dir, "keep");
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (veil_key_store_delete (dir, "..", &error));
  g_assert_no_error (error);
  listed = veil_key_store_list (dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (veil_key_get_name (listed->pdata[0]), ==, "keep");
  /* The folder itself and its parent are untouched. */
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  remove_store (dir);
}

static void
test_import_export (void)
{
  g_autofree char *dir = make_store ();
  g_autofree char *outside = veil_test_make_tmpdir ("veil-export-XXXXXX");
  g_autofree char *exported = g_build_filename (outside, "my key.veilkey", NULL);
  g_autofree char *junk = g_build_filename (outside, "junk.key", NULL);
  g_autoptr(VeilKey) key = add_new (dir, "travel 🧳");
  g_autoptr(VeilKey) loaded = NULL;
  g_autoptr(VeilKey) imported = NULL;
  g_autoptr(VeilKey) again = NULL;
  g_autoptr(VeilKey) bad = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_assert_true (veil_key_store_export (dir, "travel 🧳", exported, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (exported, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  loaded = veil_key_load (exported, &error);
  g_assert_no_error (error);
  g_assert_true (veil_key_equal (loaded, key));

  /* An existing file stays as it is unless replacing it was asked for. */
  {
    g_autoptr(VeilKey) other = add_new (dir, "other");
    g_autoptr(VeilKey) still = NULL;
    g_autoptr(VeilKey) replaced = NULL;

    g_assert_false (veil_key_store_export (dir, "other", exported, FALSE, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
    g_assert_nonnull (strstr (error->message, exported));
    g_clear_error (&error);
    still = veil_key_load (exported, &error);
    g_assert_no_error (error);
    g_assert_true (veil_key_equal (still, key));
    g_assert_true (veil_key_store_export (dir, "other", exported, TRUE, &error));
    g_assert_no_error (error);
    replaced = veil_key_load (exported, &error);
    g_assert_no_error (error);
    g_assert_true (veil_key_equal (replaced, other));
    g_assert_true (veil_key_store_export (dir, "travel 🧳", exported, TRUE, &error));
    g_assert_no_error (error);
  }

  g_assert_false (veil_key_store_export (dir, "nobody", exported, TRUE, &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_KEY_NOT_FOUND);
  g_clear_error (&error);

  /* Importing a key that is already there is refused; after deleting it, it comes back. */
  again = veil_key_store_import (dir, exported, &error);
  g_assert_null (again);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_KEY_EXISTS);
  g_clear_error (&error);
  g_assert_true (veil_key_store_delete (dir, "travel 🧳", &error));
  imported = veil_key_store_import (dir, exported, &error);
  g_assert_no_error (error);
  g_assert_true (veil_key_equal (imported, key));
  g_assert_cmpstr (veil_key_get_name (imported), ==, "travel 🧳");
  g_clear_pointer (&loaded, veil_key_unref);
  loaded = veil_key_store_lookup (dir, "travel 🧳", &error);
  g_assert_no_error (error);
  g_assert_true (veil_key_equal (loaded, key));

  /* A damaged or readable file is checked on import, and the message names it. */
  g_file_set_contents (junk, "[Veil Key]\nVersion=1\n", -1, &error);
  g_assert_no_error (error);
  g_chmod (junk, 0600);
  bad = veil_key_store_import (dir, junk, &error);
  g_assert_null (bad);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID);
  g_assert_nonnull (strstr (error->message, junk));
  g_clear_error (&error);
  g_chmod (exported, 0644);
  bad = veil_key_store_import (dir, exported, &error);
  g_assert_null (bad);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_KEY_PERMISSIONS);

  veil_test_rm_rf (outside);
  remove_store (dir);
}

static void
test_list_problems (void)
{
  g_autofree char *dir = make_store ();
  g_autoptr(VeilKey) good = add_new (dir, "good");
  g_autofree char *damaged = g_build_filename (dir, "damaged.key", NULL);
  g_autofree char *readable = g_build_filename (dir, "readable.key", NULL);
  g_autofree char *ignored = g_build_filename (dir, "notes.txt", NULL);
  g_autoptr(VeilKey) other = veil_key_new_random ("readable", NULL);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  gboolean saw_damaged = FALSE, saw_readable = FALSE;

  g_file_set_contents (damaged, "garbage", -1, &error);
  g_assert_no_error (error);
  g_chmod (damaged, 0600);
  g_assert_true (veil_key_save (other, readable, &error));
  g_chmod (readable, 0644);
  g_file_set_contents (ignored, "not a key", -1, &error);

  listed = veil_key_store_list (dir, &problems, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (veil_key_get_name (listed->pdata[0]), ==, "good");
  g_assert_cmpuint (problems->len, ==, 2);
  for (guint i = 0; i < problems->len; i++)
    {
      saw_damaged |= strstr (problems->pdata[i], damaged) != NULL;
      saw_readable |= strstr (problems->pdata[i], readable) != NULL;
    }
  g_assert_true (saw_damaged);
  g_assert_true (saw_readable);
  remove_store (dir);
}

/* A key file copied into the folder by hand, under any file name, is still found by name. */
static void
test_hand_placed (void)
{
  g_autofree char *dir = make_store ();
  g_autoptr(VeilKey) first = add_new (dir, "first");
  g_autofree char *path = g_build_filename (dir, "copied by hand.key", NULL);
  g_autoptr(VeilKey) key = veil_key_new_random ("hand placed", NULL);
  g_autoptr(VeilKey) found = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (veil_key_save (key, path, &error));
  found = veil_key_store_lookup (dir, "hand placed", &error);
  g_assert_no_error (error);
  g_assert_true (veil_key_equal (found, key));
  g_assert_true (veil_key_store_rename (dir, "hand placed", "tidied", &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (veil_key_store_delete (dir, "tidied", &error));
  g_assert_no_error (error);
  remove_store (dir);
}

static void
test_default_dir (void)
{
  g_autofree char *dir = veil_key_store_default_dir ();
  g_autofree char *expected = g_build_filename (g_getenv ("XDG_DATA_HOME"), "veil", "keys", NULL);
  g_autoptr(VeilKey) key = NULL;
  g_autoptr(VeilKey) found = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  /* main() points XDG_DATA_HOME at a private folder before GLib first reads it. */
  g_assert_nonnull (g_getenv ("XDG_DATA_HOME"));
  g_assert_cmpstr (dir, ==, expected);

  key = veil_key_new_random ("default", &error);
  g_assert_true (veil_key_store_add (NULL, key, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  found = veil_key_store_lookup (NULL, "default", &error);
  g_assert_no_error (error);
  g_assert_true (veil_key_equal (found, key));
}

int
main (int argc, char **argv)
{
  g_autofree char *data_home = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* Set before anything asks GLib for the user data folder, which it reads only once. */
  data_home = veil_test_make_tmpdir ("veil-data-home-XXXXXX");
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_add_func ("/core/key-store/add-list-lookup", test_add_list_lookup);
  g_test_add_func ("/core/key-store/exists-and-missing", test_exists_and_missing);
  g_test_add_func ("/core/key-store/rename", test_rename);
  g_test_add_func ("/core/key-store/delete", test_delete);
  g_test_add_func ("/core/key-store/import-export", test_import_export);
  g_test_add_func ("/core/key-store/list-problems", test_list_problems);
  g_test_add_func ("/core/key-store/hand-placed", test_hand_placed);
  g_test_add_func ("/core/key-store/default-dir", test_default_dir);

  status = g_test_run ();
  veil_test_rm_rf (data_home);
  return status;
}
