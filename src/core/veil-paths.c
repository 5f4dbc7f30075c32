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
#include <nettle/sha2.h>

#include "veil-confined.h"
#include "veil-error.h"
#include "veil-key.h"
#include "veil-paths.h"
#include "veil-paths-private.h"

#define COPY_CHUNK (256 * 1024)

/* Every checksum Veil writes is SHA-256 in lowercase hex, as GChecksum words it. Nettle's
 * implementation uses the CPU's SHA instructions where there are any: on a folder of small
 * images GLib's portable one took a tenth of the export's time. */
static char *
sha256_finish (struct sha256_ctx *ctx)
{
  guint8 digest[SHA256_DIGEST_SIZE];
  char *hex = g_malloc (2 * SHA256_DIGEST_SIZE + 1);

  sha256_digest (ctx, sizeof digest, digest);
  for (guint i = 0; i < SHA256_DIGEST_SIZE; i++)
    {
      hex[2 * i] = "0123456789abcdef"[digest[i] >> 4];
      hex[2 * i + 1] = "0123456789abcdef"[digest[i] & 0xf];
    }
  hex[2 * SHA256_DIGEST_SIZE] = '\0';
  return hex;
}

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

/* Whether @relative_path is plain names (no "", "." or "..") of which none is a symbolic link
 * below @root: such a path lies inside @root whatever @root itself resolves to. One lstat() per
 * component, where resolving the whole path (realpath) reads every link of @root again too; it is
 * asked once per image of an export. */
static gboolean
has_no_link_below (const char *root,
                   const char *relative_path)
{
  g_auto(GStrv) names = g_strsplit (relative_path, G_DIR_SEPARATOR_S, -1);
  g_autoptr(GString) path = g_string_new (root);

  if (g_path_is_absolute (relative_path) || names[0] == NULL)
    return FALSE;
  for (guint i = 0; names[i] != NULL; i++)
    {
      struct stat st;

      if (names[i][0] == '\0' || strcmp (names[i], ".") == 0 || strcmp (names[i], "..") == 0)
        return FALSE;
      g_string_append_c (path, G_DIR_SEPARATOR);
      g_string_append (path, names[i]);
      if (lstat (path->str, &st) != 0 || S_ISLNK (st.st_mode))
        return FALSE;
    }
  return TRUE;
}

gboolean
veil_paths_resolves_within (const char  *root,
                            const char  *relative_path,
                            GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *canonical_root = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *display = NULL;

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (relative_path != NULL, FALSE);

  if (has_no_link_below (root, relative_path))
    return TRUE;
  path = g_build_filename (root, relative_path, NULL);
  canonical_root = veil_paths_canonicalize (root, error);
  if (canonical_root == NULL)
    return FALSE;
  canonical = veil_paths_canonicalize (path, error);
  if (canonical == NULL)
    return FALSE;
  if (veil_paths_is_within (canonical_root, canonical) && strcmp (canonical_root, canonical) != 0)
    return TRUE;
  display = veil_paths_display (relative_path);
  g_set_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH,
               _("“%s” is a link to a file outside the input folder; Veil reads only files "
                 "inside it"), display);
  return FALSE;
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

void
veil_paths_set_write_error (GError    **error,
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

gboolean
veil_paths_write_all (int         fd,
                      const void *data,
                      gsize       len)
{
  const guint8 *next = data;

  while (len > 0)
    {
      gssize n = write (fd, next, MIN (len, (gsize) G_MAXSSIZE));

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      next += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* A problem with the name itself (too long, a folder in the way) fails that one file; anything
 * else (full disk, no permission) stops the export as VEIL_ERROR_WRITE. */
static void
set_create_error (GError    **error,
                  const char *relative_path,
                  int         saved_errno)
{
  g_autofree char *display = veil_paths_display (relative_path);

  if (saved_errno == ENAMETOOLONG || saved_errno == EISDIR || saved_errno == ENOTDIR)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 _("Could not write “%s”: %s"), display, g_strerror (saved_errno));
  else
    veil_paths_set_write_error (error, relative_path, saved_errno);
}

/* A file being written below the output folder: a hidden temporary file created with O_EXCL in
 * the folder (opened without following any symlink) that will hold the output, renamed over the
 * final name within that same folder. The folder's fd belongs to the VeilPathsFolders it came
 * from. */
typedef struct {
  const char *relative_path;
  int dir_fd;
  int fd;
  const char *name;
  char temp_name[sizeof VEIL_PATHS_TEMP_PREFIX + 8];
} AtomicFile;

static gboolean
atomic_file_open (AtomicFile        *file,
                  VeilPathsFolders  *folders,
                  const char        *relative_path,
                  mode_t             mode,
                  GError           **error)
{
  g_autoptr(GError) local_error = NULL;

  file->relative_path = relative_path;
  file->fd = -1;
  file->dir_fd = _veil_paths_folders_open_parent (folders, relative_path, &file->name,
                                                  &local_error);
  if (file->dir_fd < 0)
    {
      /* A path or a symlink Veil refuses fails that file; a folder that cannot be made is a
       * write error like any other. */
      if (local_error->domain == G_IO_ERROR)
        {
          int code = local_error->code;
          g_clear_error (&local_error);
          set_create_error (error, relative_path,
                            code == G_IO_ERROR_FILENAME_TOO_LONG ? ENAMETOOLONG
                            : code == G_IO_ERROR_NOT_DIRECTORY ? ENOTDIR
                            : code == G_IO_ERROR_NO_SPACE ? ENOSPC
                            : code == G_IO_ERROR_PERMISSION_DENIED ? EACCES
                            : code == G_IO_ERROR_READ_ONLY ? EROFS
                            : code == G_IO_ERROR_NOT_FOUND ? ENOENT
                            : code == G_IO_ERROR_TOO_MANY_OPEN_FILES ? EMFILE : EIO);
          return FALSE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_snprintf (file->temp_name, sizeof file->temp_name, VEIL_PATHS_TEMP_PREFIX "%08x",
                  g_random_int ());
      file->fd = openat (file->dir_fd, file->temp_name,
                         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
      if (file->fd >= 0 || (errno != EEXIST && errno != EINTR))
        break;
    }
  if (file->fd < 0)
    {
      set_create_error (error, relative_path, errno);
      return FALSE;
    }
  return TRUE;
}

static void
atomic_file_abandon (AtomicFile *file)
{
  if (file->fd >= 0)
    close (file->fd);
  unlinkat (file->dir_fd, file->temp_name, 0);
}

/* Closes the temporary file and renames it to its final name; removes it on any failure. */
static gboolean
atomic_file_commit (AtomicFile  *file,
                    GError     **error)
{
  int fd = file->fd;

  file->fd = -1;
  if (close (fd) != 0)
    {
      veil_paths_set_write_error (error, file->relative_path, errno);
      atomic_file_abandon (file);
      return FALSE;
    }
  /* renameat() replaces a symlink at the final name, it never writes through it. */
  if (renameat (file->dir_fd, file->temp_name, file->dir_fd, file->name) != 0)
    {
      set_create_error (error, file->relative_path, errno);
      atomic_file_abandon (file);
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
  g_autoptr(VeilPathsFolders) folders = NULL;

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (relative_path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);

  folders = _veil_paths_folders_new (root, FALSE);
  return veil_paths_write_atomic_in (folders, relative_path, contents, out_sha256, error);
}

gboolean
veil_paths_write_atomic_in (VeilPathsFolders  *folders,
                            const char        *relative_path,
                            GBytes            *contents,
                            char             **out_sha256,
                            GError           **error)
{
  AtomicFile file;
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (folders != NULL, FALSE);
  g_return_val_if_fail (relative_path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);

  if (!atomic_file_open (&file, folders, relative_path, VEIL_PATHS_OUTPUT_MODE, error))
    return FALSE;

  data = g_bytes_get_data (contents, &len);
  if (!veil_paths_write_all (file.fd, data, len))
    {
      veil_paths_set_write_error (error, relative_path, errno);
      atomic_file_abandon (&file);
      return FALSE;
    }
  if (!atomic_file_commit (&file, error))
    return FALSE;

  if (out_sha256 != NULL)
    {
      struct sha256_ctx ctx;

      sha256_init (&ctx);
      sha256_update (&ctx, len, data);
      *out_sha256 = sha256_finish (&ctx);
    }
  return TRUE;
}

static void
set_read_error (GError    **error,
                const char *path,
                int         saved_errno)
{
  g_autofree char *display = veil_paths_display (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _("Could not read “%s”: %s"), display, g_strerror (saved_errno));
}

/* Reads from @fd until @buffer is full or the file ends; the count, or -1 with errno. */
static gssize
read_full (int     fd,
           guint8 *buffer,
           gsize   size)
{
  gsize done = 0;

  while (done < size)
    {
      gssize n = read (fd, buffer + done, size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      done += (gsize) n;
    }
  return (gssize) done;
}

static void
set_key_error (GError    **error,
               const char *source_name)
{
  g_autofree char *display = veil_paths_display (source_name);

  g_set_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH,
               _("“%s” holds a Veil key: Veil never copies a key into an export"), display);
}

/* Whether the chunk @data, read right after the last @tail_len bytes @tail of the one before,
 * holds a key file's marker, also across the boundary. */
static gboolean
holds_key_across (const guint8 *tail,
                  gsize         tail_len,
                  const guint8 *data,
                  gsize         len)
{
  guint8 seam[2 * (sizeof VEIL_KEY_FILE_MARKER - 2)];
  gsize head = MIN (len, sizeof seam / 2);

  if (veil_key_data_holds_key (data, len))
    return TRUE;
  memcpy (seam, tail, tail_len);
  memcpy (seam + tail_len, data, head);
  return veil_key_data_holds_key (seam, tail_len + head);
}

gboolean
veil_paths_copy_atomic (int            source_fd,
                        const char    *source_name,
                        const char    *root,
                        const char    *relative_path,
                        const char    *expected_sha256,
                        char         **out_sha256,
                        guint64       *out_bytes_read,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autofree guint8 *buffer = NULL;
  g_autofree char *sha256 = NULL;
  g_autoptr(VeilPathsFolders) folders = NULL;
  struct sha256_ctx checksum;
  AtomicFile file;
  struct stat st;
  guint8 tail[sizeof VEIL_KEY_FILE_MARKER - 2];
  gsize tail_len = 0;
  guint64 total = 0;
  gssize n;

  g_return_val_if_fail (source_fd >= 0, FALSE);
  g_return_val_if_fail (source_name != NULL, FALSE);
  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (relative_path != NULL, FALSE);

  if (fstat (source_fd, &st) != 0)
    {
      set_read_error (error, source_name, errno);
      return FALSE;
    }
  sha256_init (&checksum);

  /* A key file is never published, whatever its name: look before anything is written. A key
   * file is at most VEIL_KEY_FILE_MAX_BYTES long, so its header lies in the first chunk. */
  buffer = g_malloc (COPY_CHUNK);
  n = read_full (source_fd, buffer, COPY_CHUNK);
  if (n < 0)
    {
      set_read_error (error, source_name, errno);
      return FALSE;
    }
  if (holds_key_across (tail, 0, buffer, (gsize) n))
    {
      set_key_error (error, source_name);
      return FALSE;
    }

  /* The copy is never more readable than its source (a private file stays private). */
  folders = _veil_paths_folders_new (root, FALSE);
  if (!atomic_file_open (&file, folders, relative_path,
                         VEIL_PATHS_OUTPUT_MODE & st.st_mode & 0777, error))
    return FALSE;

  while (n > 0)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          atomic_file_abandon (&file);
          return FALSE;
        }
      if (!veil_paths_write_all (file.fd, buffer, (gsize) n))
        {
          veil_paths_set_write_error (error, relative_path, errno);
          atomic_file_abandon (&file);
          return FALSE;
        }
      sha256_update (&checksum, (gsize) n, buffer);
      total += (guint64) n;
      memcpy (tail, buffer + n - MIN ((gsize) n, sizeof tail), MIN ((gsize) n, sizeof tail));
      tail_len = MIN ((gsize) n, sizeof tail);
      n = read_full (source_fd, buffer, COPY_CHUNK);
      if (n < 0)
        {
          set_read_error (error, source_name, errno);
          atomic_file_abandon (&file);
          return FALSE;
        }
      /* A key inside a larger file (an archive of the key store): never past the temporary
       * file. */
      if (n > 0 && holds_key_across (tail, tail_len, buffer, (gsize) n))
        {
          set_key_error (error, source_name);
          atomic_file_abandon (&file);
          return FALSE;
        }
    }

  /* A copy that is not what it should be never takes the final name. */
  sha256 = sha256_finish (&checksum);
  if (expected_sha256 != NULL && g_strcmp0 (sha256, expected_sha256) != 0)
    {
      g_autofree char *display = veil_paths_display (source_name);
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                   _("“%s” differs from what its manifest records"), display);
      atomic_file_abandon (&file);
      return FALSE;
    }
  if (!atomic_file_commit (&file, error))
    return FALSE;

  if (out_sha256 != NULL)
    *out_sha256 = g_steal_pointer (&sha256);
  if (out_bytes_read != NULL)
    *out_bytes_read = total;
  return TRUE;
}

char *
veil_paths_fd_sha256 (int          fd,
                      const char  *shown_path,
                      GError     **error)
{
  struct sha256_ctx checksum;
  g_autofree guint8 *buffer = g_malloc (COPY_CHUNK);

  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (shown_path != NULL, NULL);

  sha256_init (&checksum);
  for (;;)
    {
      gssize n = read (fd, buffer, COPY_CHUNK);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_read_error (error, shown_path, errno);
          return NULL;
        }
      if (n == 0)
        break;
      sha256_update (&checksum, (gsize) n, buffer);
    }
  return sha256_finish (&checksum);
}

char *
veil_paths_file_sha256 (const char  *path,
                        GError     **error)
{
  char *sha256;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  fd = veil_open_regular (path, error);
  if (fd < 0)
    return NULL;
  sha256 = veil_paths_fd_sha256 (fd, path, error);
  close (fd);
  return sha256;
}

char *
veil_paths_file_sha256_at (const char  *root,
                           const char  *relative_path,
                           GError     **error)
{
  char *sha256;
  int root_fd;
  int fd;

  g_return_val_if_fail (root != NULL, NULL);
  g_return_val_if_fail (relative_path != NULL, NULL);

  root_fd = veil_confined_open_root (root, error);
  if (root_fd < 0)
    return NULL;
  fd = veil_confined_open_read (root_fd, relative_path, error);
  close (root_fd);
  if (fd < 0)
    return NULL;
  sha256 = veil_paths_fd_sha256 (fd, relative_path, error);
  close (fd);
  return sha256;
}

gboolean
veil_paths_remove_at (const char  *root,
                      const char  *relative_path,
                      GError     **error)
{
  const char *name = NULL;
  int root_fd;
  int dir_fd;
  int result;

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (relative_path != NULL, FALSE);

  root_fd = veil_confined_open_root (root, error);
  if (root_fd < 0)
    return FALSE;
  dir_fd = veil_confined_open_parent (root_fd, relative_path, FALSE, &name, error);
  close (root_fd);
  if (dir_fd < 0)
    return FALSE;
  result = unlinkat (dir_fd, name, 0);
  if (result != 0)
    veil_paths_set_write_error (error, relative_path, errno);
  close (dir_fd);
  return result == 0;
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
      veil_paths_set_write_error (error, root, errno);
      if (fd >= 0)
        close (fd);
      return FALSE;
    }
  close (fd);
  return TRUE;
}
