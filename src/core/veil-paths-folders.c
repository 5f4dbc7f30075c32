/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

/* The folders below an output root that the atomic writers of veil-paths.c write into, kept
 * open between writes by one thread. Opening them for every file (the root by its path, then
 * each folder with O_NOFOLLOW) took five system calls per output; an export of small images
 * writes thousands of files into the same few folders. A kept folder is used again only after
 * checking, without following any symlink, that each folder on its way still is the very one
 * opened (same device and inode): a folder swapped for a symlink, or moved elsewhere, since the
 * last write is opened again from the root, and a symlink is then refused as always. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "veil-confined.h"
#include "veil-paths.h"
#include "veil-paths-private.h"

/* Kept folders per thread: an export's outputs lie in a few class folders; a tree of very many
 * folders must not use up the process's descriptors. */
#define MAX_KEPT_FOLDERS 32

typedef struct {
  dev_t dev;
  ino_t ino;
} FolderId;

typedef struct {
  int       fd;
  guint     n_ids;
  FolderId *ids;  /* of each folder from the root down to this one, as lstat() saw them */
} KeptFolder;

struct _VeilPathsFolders {
  char       *root;
  int         root_fd;   /* -1 until the first write */
  gboolean    keep;      /* FALSE: one write only, nothing kept or checked */
  GHashTable *kept;      /* folder path below the root ("" for the root) → KeptFolder */
  int         last_fd;   /* when not keeping: the folder of the one write */
};

static void
kept_folder_free (gpointer data)
{
  KeptFolder *folder = data;

  if (folder->fd >= 0)
    close (folder->fd);
  g_free (folder->ids);
  g_free (folder);
}

VeilPathsFolders *
_veil_paths_folders_new (const char *root,
                         gboolean    keep)
{
  VeilPathsFolders *folders = g_new0 (VeilPathsFolders, 1);

  folders->root = g_strdup (root);
  folders->root_fd = -1;
  folders->last_fd = -1;
  folders->keep = keep;
  folders->kept = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, kept_folder_free);
  return folders;
}

VeilPathsFolders *
veil_paths_folders_new (const char *root)
{
  g_return_val_if_fail (root != NULL, NULL);

  return _veil_paths_folders_new (root, TRUE);
}

void
veil_paths_folders_free (VeilPathsFolders *folders)
{
  if (folders == NULL)
    return;
  g_hash_table_unref (folders->kept);
  if (folders->last_fd >= 0)
    close (folders->last_fd);
  if (folders->root_fd >= 0)
    close (folders->root_fd);
  g_free (folders->root);
  g_free (folders);
}

/* The root is the caller's choice, made as a whole path; only below it is every folder opened
 * without following links. Made only when missing. Any failure takes the whole way, so errors
 * read as they always did. */
static gboolean
open_root (VeilPathsFolders  *folders,
           GError           **error)
{
  if (folders->root_fd >= 0)
    return TRUE;
  folders->root_fd = veil_confined_open_root (folders->root, NULL);
  if (folders->root_fd >= 0)
    return TRUE;
  if (g_mkdir_with_parents (folders->root, 0755) != 0)
    {
      veil_paths_set_write_error (error, folders->root, errno);
      return FALSE;
    }
  folders->root_fd = veil_confined_open_root (folders->root, error);
  return folders->root_fd >= 0;
}

/* Whether each folder on the way from the root to @folder (named @path) is still the one it
 * was, found again without following a symlink. */
static gboolean
is_still_there (VeilPathsFolders *folders,
                const char       *path,
                const KeptFolder *folder)
{
  g_autofree char *prefix = g_strdup (path);
  char *end = prefix + strlen (prefix);

  /* From the deepest folder up: each check looks at one more component's lstat. */
  for (guint i = folder->n_ids; i-- > 0;)
    {
      struct stat st;

      *end = '\0';
      if (fstatat (folders->root_fd, prefix, &st, AT_SYMLINK_NOFOLLOW) != 0
          || !S_ISDIR (st.st_mode) || st.st_dev != folder->ids[i].dev
          || st.st_ino != folder->ids[i].ino)
        return FALSE;
      if (i > 0)
        end = strrchr (prefix, '/');
    }
  return TRUE;
}

/* Remembers the folder @fd just opened as @path, with the identity of each folder on its way;
 * a folder that changed while this looked is simply checked again, and found changed, next
 * time. */
static void
keep_folder (VeilPathsFolders *folders,
             const char       *path,
             int               fd)
{
  KeptFolder *folder = g_new0 (KeptFolder, 1);
  g_autofree char *prefix = g_strdup (path);
  guint n = 1;

  for (const char *p = path; *p != '\0'; p++)
    n += *p == '/';
  folder->fd = fd;
  folder->n_ids = n;
  folder->ids = g_new0 (FolderId, n);
  for (guint i = 0, start = 0; i < n; i++)
    {
      char *slash = i + 1 < n ? strchr (prefix + start, '/') : NULL;
      struct stat st;
      gboolean ok;

      /* Every component but the last one: the prefix up to it. The last: the fd itself. */
      if (slash != NULL)
        *slash = '\0';
      ok = slash != NULL ? fstatat (folders->root_fd, prefix, &st, AT_SYMLINK_NOFOLLOW) == 0
                         : fstat (fd, &st) == 0;
      if (slash != NULL)
        {
          *slash = '/';
          start = (guint) (slash - prefix) + 1;
        }
      if (ok)
        {
          folder->ids[i].dev = st.st_dev;
          folder->ids[i].ino = st.st_ino;
        }
      else
        folder->ids[i].ino = 0; /* never matches a real folder: opened again next time */
    }
  if (g_hash_table_size (folders->kept) >= MAX_KEPT_FOLDERS)
    g_hash_table_remove_all (folders->kept);
  g_hash_table_replace (folders->kept, g_strdup (path), folder);
}

int
_veil_paths_folders_open_parent (VeilPathsFolders  *folders,
                                 const char        *relative_path,
                                 const char       **out_name,
                                 GError           **error)
{
  const char *slash;
  g_autofree char *path = NULL;
  KeptFolder *folder;
  int fd;

  if (!open_root (folders, error))
    return -1;

  if (!folders->keep)
    {
      fd = veil_confined_open_parent (folders->root_fd, relative_path, TRUE, out_name, error);
      if (fd >= 0)
        {
          if (folders->last_fd >= 0)
            close (folders->last_fd);
          folders->last_fd = fd;
        }
      return fd;
    }

  /* The path itself is checked every time, as veil_confined_open_parent() does. */
  if (!veil_confined_check_relative (relative_path, error))
    return -1;
  slash = strrchr (relative_path, '/');
  if (slash == NULL)
    {
      /* The root itself: kept open anyway. */
      *out_name = relative_path;
      return folders->root_fd;
    }
  path = g_strndup (relative_path, (gsize) (slash - relative_path));
  folder = g_hash_table_lookup (folders->kept, path);
  if (folder != NULL && is_still_there (folders, path, folder))
    {
      *out_name = slash + 1;
      return folder->fd;
    }
  g_hash_table_remove (folders->kept, path);

  fd = veil_confined_open_parent (folders->root_fd, relative_path, TRUE, out_name, error);
  if (fd < 0)
    return -1;
  keep_folder (folders, path, fd);
  return fd;
}
