/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"
#define _GNU_SOURCE /* syncfs() */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "veil-error.h"
#include "veil-paths.h"

#define COPY_CHUNK (256 * 1024)

char *
veil_paths_canonicalize (const char  *path,
                         GError     **error)
{
  g_autofree char *absolute = NULL;
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *current = NULL;
  GString *result;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_path_is_absolute (path))
    absolute = g_strdup (path);
  else
    {
      g_autofree char *cwd = g_get_current_dir ();
      absolute = g_build_filename (cwd, path, NULL);
    }

  /* Walk up until an ancestor exists; realpath() resolves every link in it. */
  current = g_strdup (absolute);
  for (;;)
    {
      char resolved[PATH_MAX];
      int saved_errno;

      if (realpath (current, resolved) != NULL)
        {
          result = g_string_new (resolved);
          break;
        }
      saved_errno = errno;
      if ((saved_errno != ENOENT && saved_errno != ENOTDIR) || strcmp (current, "/") == 0)
        {
          g_autofree char *display = g_filename_display_name (path);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not resolve the folder “%s”: %s"), display,
                       g_strerror (saved_errno));
          return NULL;
        }
      g_ptr_array_add (missing, g_path_get_basename (current));
      {
        char *parent = g_path_get_dirname (current);
        g_free (current);
        current = parent;
      }
    }

  for (guint i = missing->len; i > 0; i--)
    {
      const char *component = g_ptr_array_index (missing, i - 1);

      if (strcmp (component, ".") == 0 || strcmp (component, "/") == 0)
        continue;
      if (result->len == 0 || result->str[result->len - 1] != '/')
        g_string_append_c (result, '/');
      g_string_append (result, component);
    }

  /* Only the missing tail can still hold "..": collapse it textually. */
  {
    g_autofree char *text = g_string_free (result, FALSE);
    return g_canonicalize_filename (text, "/");
  }
}

gboolean
veil_paths_is_within (const char *parent,
                      const char *child)
{
  gsize len;

  g_return_val_if_fail (parent != NULL, FALSE);
  g_return_val_if_fail (child != NULL, FALSE);

  len = strlen (parent);
  if (len == 1 && parent[0] == '/')
    return TRUE;
  return strncmp (parent, child, len) == 0 && (child[len] == '\0' || child[len] == '/');
}

char *
veil_paths_display (const char *raw)
{
  if (raw == NULL)
    return g_strdup ("");
  if (g_utf8_validate (raw, -1, NULL))
    return g_strdup (raw);
  return g_utf8_make_valid (raw, -1);
}

/* "cat/a.jpg" → length of "cat/a"; a name without a dot (or only a leading one) is its own stem. */
static gsize
stem_length (const char *relative_path)
{
  const char *base = strrchr (relative_path, '/');
  const char *dot;

  base = base != NULL ? base + 1 : relative_path;
  dot = strrchr (base, '.');
  if (dot == NULL || dot == base)
    return strlen (relative_path);
  return (gsize) (dot - relative_path);
}

GHashTable *
veil_paths_stem_table_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

void
veil_paths_stem_table_add (GHashTable *stems,
                           const char *relative_path)
{
  g_autofree char *stem = NULL;
  guint count;

  g_return_if_fail (stems != NULL);
  g_return_if_fail (relative_path != NULL);

  stem = g_strndup (relative_path, stem_length (relative_path));
  count = GPOINTER_TO_UINT (g_hash_table_lookup (stems, stem));
  g_hash_table_replace (stems, g_steal_pointer (&stem), GUINT_TO_POINTER (count + 1));
}

char *
veil_paths_output_name (GHashTable *stems,
                        const char *relative_path,
                        const char *new_extension)
{
  g_autofree char *stem = NULL;
  guint count;

  g_return_val_if_fail (relative_path != NULL, NULL);

  if (new_extension == NULL)
    return g_strdup (relative_path);

  stem = g_strndup (relative_path, stem_length (relative_path));
  count = stems != NULL ? GPOINTER_TO_UINT (g_hash_table_lookup (stems, stem)) : 1;
  if (count > 1)
    return g_strconcat (relative_path, ".", new_extension, NULL);
  return g_strconcat (stem, ".", new_extension, NULL);
}

static void
set_write_error (GError    **error,
                 const char *path,
                 int         saved_errno)
{
  g_autofree char *display = g_filename_display_name (path);

  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    g_set_error (error, VEIL_ERROR, VEIL_ERROR_WRITE,
                 _("Could not write “%s”: the disk is full"), display);
  else
    g_set_error (error, VEIL_ERROR, VEIL_ERROR_WRITE,
                 _("Could not write “%s”: %s"), display, g_strerror (saved_errno));
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, MIN (len, (gsize) G_MAXSSIZE));

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* Opens a hidden temporary file next to @final_path, creating its folder. */
static int
open_temp (const char  *final_path,
           char       **out_temp,
           GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (final_path);
  g_autofree char *temp = NULL;
  int fd;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      set_write_error (error, dir, errno);
      return -1;
    }
  temp = g_build_filename (dir, VEIL_PATHS_TEMP_PREFIX "XXXXXX", NULL);
  fd = g_mkstemp_full (temp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      set_write_error (error, final_path, errno);
      return -1;
    }
  *out_temp = g_steal_pointer (&temp);
  return fd;
}

/* Closes @fd and renames @temp to @final_path; removes @temp on any failure. */
static gboolean
commit_temp (int         fd,
             const char *temp,
             const char *final_path,
             GError    **error)
{
  if (close (fd) != 0)
    {
      set_write_error (error, final_path, errno);
      g_unlink (temp);
      return FALSE;
    }
  if (g_rename (temp, final_path) != 0)
    {
      set_write_error (error, final_path, errno);
      g_unlink (temp);
      return FALSE;
    }
  return TRUE;
}

gboolean
veil_paths_write_atomic (const char  *root,
                         const char  *relative_path,
                         GBytes      *contents,
                         char       **out_sha256,
                         GError     **error)
{
  g_autofree char *final_path = NULL;
  g_autofree char *temp = NULL;
  const guint8 *data;
  gsize len;
  int fd;

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (relative_path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);

  final_path = g_build_filename (root, relative_path, NULL);
  fd = open_temp (final_path, &temp, error);
  if (fd < 0)
    return FALSE;

  data = g_bytes_get_data (contents, &len);
  if (!write_all (fd, data, len))
    {
      set_write_error (error, final_path, errno);
      close (fd);
      g_unlink (temp);
      return FALSE;
    }
  if (!commit_temp (fd, temp, final_path, error))
    return FALSE;

  if (out_sha256 != NULL)
    *out_sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, len);
  return TRUE;
}

gboolean
veil_paths_copy_atomic (const char    *source,
                        const char    *root,
                        const char    *relative_path,
                        char         **out_sha256,
                        guint64       *out_bytes_read,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autofree char *final_path = NULL;
  g_autofree char *temp = NULL;
  g_autofree guint8 *buffer = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint64 total = 0;
  int in_fd;
  int out_fd;

  g_return_val_if_fail (source != NULL, FALSE);
  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (relative_path != NULL, FALSE);

  in_fd = g_open (source, O_RDONLY | O_CLOEXEC, 0);
  if (in_fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (source);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not read “%s”: %s"), display, g_strerror (saved_errno));
      return FALSE;
    }

  final_path = g_build_filename (root, relative_path, NULL);
  out_fd = open_temp (final_path, &temp, error);
  if (out_fd < 0)
    {
      close (in_fd);
      return FALSE;
    }

  buffer = g_malloc (COPY_CHUNK);
  for (;;)
    {
      gssize n = read (in_fd, buffer, COPY_CHUNK);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 || g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          if (n < 0)
            {
              int saved_errno = errno;
              g_autofree char *display = g_filename_display_name (source);
              g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                           _("Could not read “%s”: %s"), display, g_strerror (saved_errno));
            }
          close (in_fd);
          close (out_fd);
          g_unlink (temp);
          return FALSE;
        }
      if (n == 0)
        break;
      if (!write_all (out_fd, buffer, (gsize) n))
        {
          set_write_error (error, final_path, errno);
          close (in_fd);
          close (out_fd);
          g_unlink (temp);
          return FALSE;
        }
      g_checksum_update (checksum, buffer, n);
      total += (guint64) n;
    }
  close (in_fd);

  if (!commit_temp (out_fd, temp, final_path, error))
    return FALSE;

  if (out_sha256 != NULL)
    *out_sha256 = g_strdup (g_checksum_get_string (checksum));
  if (out_bytes_read != NULL)
    *out_bytes_read = total;
  return TRUE;
}

char *
veil_paths_file_sha256 (const char  *path,
                        GError     **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not read “%s”: %s"), display, g_strerror (saved_errno));
      return NULL;
    }

  buffer = g_malloc (COPY_CHUNK);
  for (;;)
    {
      gssize n = read (fd, buffer, COPY_CHUNK);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;
          g_autofree char *display = g_filename_display_name (path);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not read “%s”: %s"), display, g_strerror (saved_errno));
          close (fd);
          return NULL;
        }
      if (n == 0)
        break;
      g_checksum_update (checksum, buffer, n);
    }
  close (fd);
  return g_strdup (g_checksum_get_string (checksum));
}

void
veil_paths_remove_temps (const char *root)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_return_if_fail (root != NULL);

  dir = g_dir_open (root, 0, NULL);
  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (root, name, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        veil_paths_remove_temps (path);
      else if (S_ISREG (st.st_mode) && g_str_has_prefix (name, VEIL_PATHS_TEMP_PREFIX))
        g_unlink (path);
    }
}

gboolean
veil_paths_sync_tree (const char  *root,
                      GError     **error)
{
  int fd;

  g_return_val_if_fail (root != NULL, FALSE);

  fd = g_open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0 || syncfs (fd) != 0)
    {
      set_write_error (error, root, errno);
      if (fd >= 0)
        close (fd);
      return FALSE;
    }
  close (fd);
  return TRUE;
}
