/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-core"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "veil-confined.h"
#include "veil-error.h"
#include "veil-paths.h"

static void
set_unsafe (GError    **error,
            const char *path,
            const char *format_with_path)
{
  g_autofree char *display = veil_paths_display (path);

  g_set_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH, format_with_path, display);
}

static void
set_errno_error (GError    **error,
                 const char *path,
                 int         saved_errno)
{
  g_autofree char *display = veil_paths_display (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _("Could not open “%s”: %s"), display, g_strerror (saved_errno));
}

/* Explains why @name below @dir_fd was not opened: a symlink or a non-folder is a refusal
 * (VEIL_ERROR_UNSAFE_PATH), anything else the plain errno. */
static void
set_open_error (GError    **error,
                int         dir_fd,
                const char *name,
                const char *shown_path,
                int         saved_errno)
{
  struct stat st;

  if ((saved_errno == ELOOP || saved_errno == ENOTDIR || saved_errno == EMLINK)
      && fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      if (S_ISLNK (st.st_mode))
        set_unsafe (error, shown_path,
                    _("“%s” is a symbolic link, which Veil does not follow inside a folder it "
                      "reads or writes"));
      else
        set_unsafe (error, shown_path, _("“%s” is not a folder"));
      return;
    }
  set_errno_error (error, shown_path, saved_errno);
}

gboolean
veil_confined_check_relative (const char  *relative_path,
                              GError     **error)
{
  const char *component;

  if (relative_path == NULL || relative_path[0] == '\0')
    {
      g_set_error_literal (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH,
                           _("An empty file name is not a safe path"));
      return FALSE;
    }
  if (strlen (relative_path) > PATH_MAX)
    {
      set_unsafe (error, relative_path, _("“%s” is too long to be a file name"));
      return FALSE;
    }
  if (relative_path[0] == '/')
    {
      set_unsafe (error, relative_path,
                  _("“%s” is an absolute path; only paths inside the folder are allowed"));
      return FALSE;
    }

  component = relative_path;
  for (;;)
    {
      const char *slash = strchr (component, '/');
      gsize len = slash != NULL ? (gsize) (slash - component) : strlen (component);

      if (len == 0 || (len == 1 && component[0] == '.')
          || (len == 2 && component[0] == '.' && component[1] == '.'))
        {
          set_unsafe (error, relative_path,
                      _("“%s” is not a plain path inside the folder (it has an empty, “.” or "
                        "“..” part)"));
          return FALSE;
        }
      if (slash == NULL)
        break;
      component = slash + 1;
    }
  return TRUE;
}

int
veil_confined_open_root (const char  *root,
                         GError     **error)
{
  int fd;

  g_return_val_if_fail (root != NULL, -1);

  do
    fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *display = veil_paths_display (root);

      if (saved_errno == ENOTDIR)
        g_set_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH,
                     _("“%s” is not a folder"), display);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     _("Could not open the folder “%s”: %s"), display,
                     g_strerror (saved_errno));
    }
  return fd;
}

/* Opens the folder @name below @dir_fd without following a symlink, creating it first when
 * @create is TRUE and it is missing. */
static int
open_folder_at (int         dir_fd,
                const char *name,
                gboolean    create,
                const char *shown_path,
                GError    **error)
{
  for (int attempt = 0; attempt < 2; attempt++)
    {
      int fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      int saved_errno;

      if (fd >= 0)
        return fd;
      saved_errno = errno;
      if (saved_errno == EINTR)
        {
          attempt--;
          continue;
        }
      if (saved_errno == ENOENT && create && attempt == 0)
        {
          /* Another writer may create it at the same moment: EEXIST is fine, the openat()
           * above then checks what it is. */
          if (mkdirat (dir_fd, name, 0755) == 0 || errno == EEXIST)
            continue;
          saved_errno = errno;
        }
      set_open_error (error, dir_fd, name, shown_path, saved_errno);
      return -1;
    }
  g_assert_not_reached ();
}

int
veil_confined_open_parent (int           root_fd,
                           const char   *relative_path,
                           gboolean      create,
                           const char  **out_name,
                           GError      **error)
{
  const char *component;
  int dir_fd;

  g_return_val_if_fail (root_fd >= 0, -1);

  if (!veil_confined_check_relative (relative_path, error))
    return -1;

  dir_fd = fcntl (root_fd, F_DUPFD_CLOEXEC, 0);
  if (dir_fd < 0)
    {
      set_errno_error (error, relative_path, errno);
      return -1;
    }

  component = relative_path;
  for (;;)
    {
      const char *slash = strchr (component, '/');
      g_autofree char *name = NULL;
      g_autofree char *shown = NULL;
      int next_fd;

      if (slash == NULL)
        break;
      name = g_strndup (component, (gsize) (slash - component));
      shown = g_strndup (relative_path, (gsize) (slash - relative_path));
      next_fd = open_folder_at (dir_fd, name, create, shown, error);
      close (dir_fd);
      if (next_fd < 0)
        return -1;
      dir_fd = next_fd;
      component = slash + 1;
    }

  if (out_name != NULL)
    *out_name = component;
  return dir_fd;
}

/* Accepts @fd only when it is a regular file, then makes it blocking again; closes it otherwise.
 * @st receives what fstat() said. */
static int
keep_if_regular (int          fd,
                 const char  *shown_path,
                 struct stat *st_out,
                 GError     **error)
{
  struct stat local_st;
  struct stat *st = st_out != NULL ? st_out : &local_st;

  if (fstat (fd, st) != 0)
    {
      set_errno_error (error, shown_path, errno);
      close (fd);
      return -1;
    }
  if (!S_ISREG (st->st_mode))
    {
      if (S_ISDIR (st->st_mode))
        set_unsafe (error, shown_path, _("“%s” is a folder, not a file"));
      else
        set_unsafe (error, shown_path,
                    _("“%s” is not a regular file (a pipe, device or socket), so Veil does not "
                      "read it"));
      close (fd);
      return -1;
    }
  /* Every caller opened @fd read-only with O_NONBLOCK as its only file status flag that
   * F_SETFL changes, so clearing them all clears just that one (no F_GETFL needed). */
  if (fcntl (fd, F_SETFL, 0) != 0)
    {
      set_errno_error (error, shown_path, errno);
      close (fd);
      return -1;
    }
  return fd;
}

int
veil_confined_open_read (int          root_fd,
                         const char  *relative_path,
                         GError     **error)
{
  const char *name = NULL;
  int dir_fd;
  int fd;

  dir_fd = veil_confined_open_parent (root_fd, relative_path, FALSE, &name, error);
  if (dir_fd < 0)
    return -1;

  do
    fd = openat (dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    {
      set_open_error (error, dir_fd, name, relative_path, errno);
      close (dir_fd);
      return -1;
    }
  close (dir_fd);
  return keep_if_regular (fd, relative_path, NULL, error);
}

int
veil_open_regular (const char  *path,
                   GError     **error)
{
  return veil_open_regular_stat (path, NULL, error);
}

int
veil_open_regular_stat (const char   *path,
                        struct stat  *out_st,
                        GError      **error)
{
  int fd;

  g_return_val_if_fail (path != NULL, -1);

  do
    fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    {
      set_errno_error (error, path, errno);
      return -1;
    }
  return keep_if_regular (fd, path, out_st, error);
}

gboolean
veil_confined_check_readable (const char  *root,
                              const char  *relative_path,
                              GError     **error)
{
  int root_fd;
  int fd;

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (relative_path != NULL, FALSE);

  root_fd = veil_confined_open_root (root, error);
  if (root_fd < 0)
    return FALSE;
  fd = veil_confined_open_read (root_fd, relative_path, error);
  close (root_fd);
  if (fd < 0)
    return FALSE;
  close (fd);
  return TRUE;
}
