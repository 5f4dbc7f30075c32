/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-core"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "veil-error.h"
#include "veil-key-store.h"

#define KEY_SUFFIX ".key"
#define SLUG_MAX 40

char *
veil_key_store_default_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "veil", "keys", NULL);
}

static char *
resolve_dir (const char *dir)
{
  return dir != NULL ? g_strdup (dir) : veil_key_store_default_dir ();
}

/* A readable, safe file name for a key name: a lowercase ASCII slug (so "../x" or a name of
 * only emoji cannot escape the folder or collide on case-insensitive file systems by accident)
 * plus a short hash of the exact name, so that distinct names never share a file. */
static char *
file_name_for (const char *name)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);
  GString *slug = g_string_new (NULL);
  gboolean dash = FALSE;

  for (const char *p = name; *p != '\0' && slug->len < SLUG_MAX; p++)
    {
      if (g_ascii_isalnum (*p))
        {
          if (dash && slug->len > 0)
            g_string_append_c (slug, '-');
          dash = FALSE;
          g_string_append_c (slug, g_ascii_tolower (*p));
        }
      else
        dash = TRUE;
    }
  if (slug->len == 0)
    g_string_append (slug, "key");
  g_string_append_printf (slug, "-%.12s" KEY_SUFFIX, hash);
  return g_string_free (slug, FALSE);
}

static char *
path_for (const char *dir,
          const char *name)
{
  g_autofree char *file_name = file_name_for (name);

  return g_build_filename (dir, file_name, NULL);
}

static gboolean
ensure_dir (const char  *dir,
            GError     **error)
{
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, VEIL_ERROR, VEIL_ERROR_WRITE,
                   _("Cannot create the key folder “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static int
compare_keys_by_name (gconstpointer a,
                      gconstpointer b)
{
  const VeilKey *ka = *(VeilKey * const *) a;
  const VeilKey *kb = *(VeilKey * const *) b;

  return g_utf8_collate (veil_key_get_name (ka), veil_key_get_name (kb));
}

GPtrArray *
veil_key_store_list (const char  *dir,
                     GPtrArray  **problems,
                     GError     **error)
{
  g_autofree char *folder = resolve_dir (dir);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_key_unref);
  g_autoptr(GPtrArray) found_problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *entry;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  listing = g_dir_open (folder, 0, &local_error);
  if (listing == NULL)
    {
      /* No folder yet simply means no keys yet. */
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          if (problems != NULL)
            *problems = g_steal_pointer (&found_problems);
          return g_steal_pointer (&keys);
        }
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_FAILED,
                   _("Cannot read the key folder “%s”: %s"), folder, local_error->message);
      return NULL;
    }

  while ((entry = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(GError) load_error = NULL;
      VeilKey *key;

      /* Hidden files are the temporary files of saves in progress. */
      if (entry[0] == '.' || !g_str_has_suffix (entry, KEY_SUFFIX))
        continue;
      path = g_build_filename (folder, entry, NULL);
      key = veil_key_load (path, &load_error);
      if (key != NULL)
        g_ptr_array_add (keys, key);
      else
        g_ptr_array_add (found_problems, g_strdup (load_error->message));
    }

  g_ptr_array_sort (keys, compare_keys_by_name);
  if (problems != NULL)
    *problems = g_steal_pointer (&found_problems);
  return g_steal_pointer (&keys);
}

/* Finds the key and the file it is in. Keys put into the folder by hand may sit under any
 * file name, so the derived name is tried first and the folder searched second. */
static VeilKey *
find_key (const char  *folder,
          const char  *name,
          char       **out_path,
          GError     **error)
{
  g_autofree char *path = path_for (folder, name);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) listing = NULL;
  VeilKey *key;
  const char *entry;

  key = veil_key_load (path, &local_error);
  if (key != NULL && g_str_equal (veil_key_get_name (key), name))
    {
      if (out_path != NULL)
        *out_path = g_steal_pointer (&path);
      return key;
    }
  g_clear_pointer (&key, veil_key_unref);
  /* A damaged file under the very name asked for is worth reporting as such. */
  if (local_error != NULL && !g_error_matches (local_error, VEIL_ERROR, VEIL_ERROR_KEY_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  listing = g_dir_open (folder, 0, NULL);
  while (listing != NULL && (entry = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *other = NULL;

      if (entry[0] == '.' || !g_str_has_suffix (entry, KEY_SUFFIX))
        continue;
      other = g_build_filename (folder, entry, NULL);
      key = veil_key_load (other, NULL);
      if (key != NULL && g_str_equal (veil_key_get_name (key), name))
        {
          if (out_path != NULL)
            *out_path = g_steal_pointer (&other);
          return key;
        }
      g_clear_pointer (&key, veil_key_unref);
    }

  g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_NOT_FOUND,
               _("There is no key named “%s” in “%s”"), name, folder);
  return NULL;
}

VeilKey *
veil_key_store_lookup (const char  *dir,
                       const char  *name,
                       GError     **error)
{
  g_autofree char *folder = resolve_dir (dir);

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return find_key (folder, name, NULL, error);
}

static gboolean
check_free (const char  *folder,
            const char  *name,
            GError     **error)
{
  g_autofree char *path = path_for (folder, name);
  g_autoptr(VeilKey) existing = NULL;

  existing = find_key (folder, name, NULL, NULL);
  if (existing != NULL || g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_EXISTS,
                   _("A key named “%s” already exists in “%s”"), name, folder);
      return FALSE;
    }
  return TRUE;
}

gboolean
veil_key_store_add (const char  *dir,
                    VeilKey     *key,
                    GError     **error)
{
  g_autofree char *folder = resolve_dir (dir);
  g_autofree char *path = NULL;

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!ensure_dir (folder, error))
    return FALSE;
  if (!check_free (folder, veil_key_get_name (key), error))
    return FALSE;
  path = path_for (folder, veil_key_get_name (key));
  return veil_key_save (key, path, error);
}

gboolean
veil_key_store_rename (const char  *dir,
                       const char  *old_name,
                       const char  *new_name,
                       GError     **error)
{
  g_autofree char *folder = resolve_dir (dir);
  g_autofree char *old_path = NULL;
  g_autofree char *new_path = NULL;
  g_autoptr(VeilKey) key = NULL;

  g_return_val_if_fail (old_name != NULL, FALSE);
  g_return_val_if_fail (new_name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!veil_key_check_name (new_name, error))
    return FALSE;
  key = find_key (folder, old_name, &old_path, error);
  if (key == NULL)
    return FALSE;
  if (g_str_equal (old_name, new_name))
    return TRUE;
  if (!check_free (folder, new_name, error))
    return FALSE;

  /* The new file is complete on disk before the old one goes, so a crash in between leaves
   * two copies of the key rather than none. */
  veil_key_set_name (key, new_name);
  new_path = path_for (folder, new_name);
  if (!veil_key_save (key, new_path, error))
    return FALSE;
  if (g_unlink (old_path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, VEIL_ERROR, VEIL_ERROR_WRITE,
                   _("The key was saved as “%s”, but its old file “%s” could not be removed: %s"),
                   new_name, old_path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
veil_key_store_delete (const char  *dir,
                       const char  *name,
                       GError     **error)
{
  g_autofree char *folder = resolve_dir (dir);
  g_autofree char *path = NULL;
  g_autoptr(VeilKey) key = NULL;

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  key = find_key (folder, name, &path, error);
  if (key == NULL)
    return FALSE;
  if (g_unlink (path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, VEIL_ERROR, VEIL_ERROR_WRITE,
                   _("Cannot delete key file “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

VeilKey *
veil_key_store_import (const char  *dir,
                       const char  *path,
                       GError     **error)
{
  g_autoptr(VeilKey) key = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  key = veil_key_load (path, error);
  if (key == NULL)
    return NULL;
  if (!veil_key_store_add (dir, key, error))
    return NULL;
  return g_steal_pointer (&key);
}

gboolean
veil_key_store_export (const char  *dir,
                       const char  *name,
                       const char  *path,
                       gboolean     replace,
                       GError     **error)
{
  g_autoptr(VeilKey) key = NULL;

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  key = veil_key_store_lookup (dir, name, error);
  if (key == NULL)
    return FALSE;
  return replace ? veil_key_save (key, path, error) : veil_key_save_new (key, path, error);
}
