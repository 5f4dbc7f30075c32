/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"
#define _GNU_SOURCE /* F_OFD_SETLK */

/* Where an export may write: never over, inside or around its input, only into a folder that
 * is new, empty, or holds this export's own manifest or journal (or other shards of it), and
 * one writer at a time (the lock). */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "veil-confined.h"
#include "veil-error.h"
#include "veil-export-private.h"
#include "veil-paths.h"
#include "veil-shard.h"

gboolean
veil_export_check_output (const char  *input_dir,
                          const char  *output_dir,
                          GError     **error)
{
  g_autofree char *input = NULL;
  g_autofree char *output = NULL;
  g_autofree char *input_display = NULL;
  g_autofree char *output_display = NULL;

  g_return_val_if_fail (input_dir != NULL, FALSE);
  g_return_val_if_fail (output_dir != NULL, FALSE);

  input = veil_paths_canonicalize (input_dir, error);
  if (input == NULL)
    return FALSE;
  output = veil_paths_canonicalize (output_dir, error);
  if (output == NULL)
    return FALSE;

  input_display = g_filename_display_name (input_dir);
  output_display = g_filename_display_name (output_dir);
  if (strcmp (input, output) == 0)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_OUTPUT_OVERLAPS_INPUT,
                   _("The output folder “%s” is the input folder: choose a new, empty folder"),
                   output_display);
      return FALSE;
    }
  if (veil_paths_is_within (input, output))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_OUTPUT_OVERLAPS_INPUT,
                   _("The output folder “%s” lies inside the input folder “%s”: choose a folder "
                     "outside it"), output_display, input_display);
      return FALSE;
    }
  if (veil_paths_is_within (output, input))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_OUTPUT_OVERLAPS_INPUT,
                   _("The output folder “%s” contains the input folder “%s”: choose a folder "
                     "outside it"), output_display, input_display);
      return FALSE;
    }
  return TRUE;
}

/* Byte ranges of the lock file: the whole export (exclusive for an unsharded export or a
 * merge, shared by the shards of one export in a shared folder), the set-up of a shard (held
 * while it inspects the folder and starts its journal, so that two exports starting together
 * see each other), and one byte per shard (a shard runs once at a time). */
#define LOCK_BYTE_EXPORT 0
#define LOCK_BYTE_SETUP  1
#define LOCK_BYTE_SHARD0 2

static gboolean
lock_byte (int      fd,
           short    type,
           off_t    start,
           gboolean wait)
{
  struct flock lock = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = 1 };

  while (fcntl (fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &lock) != 0)
    if (errno != EINTR || !wait)
      return FALSE;
  return TRUE;
}

/* @conflict: the lock is held by another run (else @saved_errno says what failed). */
static void
set_lock_error (GError    **error,
                const char *output_dir,
                gboolean    conflict,
                int         saved_errno)
{
  g_autofree char *display = veil_paths_display (output_dir);

  if (conflict)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                 _("Another Veil export or merge is writing to “%s”: wait until it ends, or "
                   "choose another folder"), display);
  else
    g_set_error (error, VEIL_ERROR, VEIL_ERROR_WRITE,
                 _("Could not lock the output folder “%s”: %s"), display,
                 g_strerror (saved_errno));
}

gboolean
veil_export_check_key_file (const char  *input_dir,
                            const char  *key_path,
                            GError     **error)
{
  g_autofree char *input = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (input_dir != NULL, FALSE);
  g_return_val_if_fail (key_path != NULL, FALSE);

  input = veil_paths_canonicalize (input_dir, error);
  key = input != NULL ? veil_paths_canonicalize (key_path, error) : NULL;
  if (key == NULL)
    return FALSE;
  if (veil_paths_is_within (input, key))
    {
      g_autofree char *key_display = veil_paths_display (key_path);
      g_autofree char *input_display = veil_paths_display (input_dir);
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_OUTPUT_OVERLAPS_INPUT,
                   _("The key file “%s” lies inside the input folder “%s”: move it out, so that "
                     "it can never be published with the photos"), key_display, input_display);
      return FALSE;
    }
  return TRUE;
}

struct _VeilExportLock {
  int dir_fd;  /* the output folder */
  int fd;      /* its lock file */
};

/* Opens the lock file of the folder @dir_fd and locks it as asked; retries when the file it
 * locked was removed meanwhile by a run that ended (then nobody else would see this lock). */
static int
open_locked (int         dir_fd,
             const char *output_dir,
             guint       shard_index,
             guint       shard_count,
             GError    **error)
{
  for (;;)
    {
      struct stat st, linked;
      int fd = openat (dir_fd, VEIL_EXPORT_LOCK_NAME,
                       O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);

      if (fd < 0 || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
        {
          int saved_errno = fd < 0 ? errno : EINVAL;
          g_autofree char *path = g_build_filename (output_dir, VEIL_EXPORT_LOCK_NAME, NULL);
          g_autofree char *display = veil_paths_display (path);

          if (saved_errno == ELOOP || saved_errno == EINVAL)
            g_set_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH,
                         _("“%s” is not a regular file: Veil does not use it"), display);
          else
            set_lock_error (error, output_dir, FALSE, saved_errno);
          if (fd >= 0)
            close (fd);
          return -1;
        }

      if (shard_count <= 1 ? !lock_byte (fd, F_WRLCK, LOCK_BYTE_EXPORT, FALSE)
                           : !lock_byte (fd, F_RDLCK, LOCK_BYTE_EXPORT, FALSE)
                             || !lock_byte (fd, F_WRLCK, LOCK_BYTE_SHARD0 + (off_t) shard_index,
                                            FALSE))
        {
          int saved_errno = errno;
          set_lock_error (error, output_dir, saved_errno == EAGAIN || saved_errno == EACCES,
                          saved_errno);
          close (fd);
          return -1;
        }
      if (fstatat (dir_fd, VEIL_EXPORT_LOCK_NAME, &linked, AT_SYMLINK_NOFOLLOW) == 0
          && linked.st_dev == st.st_dev && linked.st_ino == st.st_ino)
        return fd;
      close (fd);
    }
}

VeilExportLock *
veil_export_lock_output (const char  *output_dir,
                         guint        shard_index,
                         guint        shard_count,
                         GError     **error)
{
  VeilExportLock *lock;
  int dir_fd;
  int fd;

  g_return_val_if_fail (output_dir != NULL, NULL);

  dir_fd = veil_confined_open_root (output_dir, error);
  if (dir_fd < 0)
    return NULL;
  fd = open_locked (dir_fd, output_dir, shard_index, shard_count, error);
  if (fd < 0)
    {
      close (dir_fd);
      return NULL;
    }
  /* Set-ups are short: wait for one running in another shard rather than fail. */
  if (shard_count > 1 && !lock_byte (fd, F_WRLCK, LOCK_BYTE_SETUP, TRUE))
    {
      set_lock_error (error, output_dir, FALSE, errno);
      close (fd);
      close (dir_fd);
      return NULL;
    }
  lock = g_new0 (VeilExportLock, 1);
  lock->dir_fd = dir_fd;
  lock->fd = fd;
  return lock;
}

void
_veil_export_setup_done (VeilExportLock *lock)
{
  struct flock range = { .l_type = F_UNLCK, .l_whence = SEEK_SET, .l_start = LOCK_BYTE_SETUP,
                         .l_len = 1 };

  fcntl (lock->fd, F_OFD_SETLK, &range);
}

void
_veil_export_remove_temps (VeilExportLock *lock,
                           gboolean        shared,
                           const char     *output_dir)
{
  if (!shared)
    {
      veil_paths_remove_temps (output_dir);
      return;
    }
  /* Temporary files of a shard still running in a shared folder are not stale: only when this
   * run can hold the folder alone (the shared lock converted to an exclusive one) is every
   * temporary file a leftover of a run that died. */
  if (!lock_byte (lock->fd, F_WRLCK, LOCK_BYTE_EXPORT, FALSE))
    return;
  veil_paths_remove_temps (output_dir);
  if (!lock_byte (lock->fd, F_RDLCK, LOCK_BYTE_EXPORT, FALSE))
    g_warning ("Could not share the lock of %s again", output_dir);
}

void
veil_export_unlock_output (VeilExportLock *lock)
{
  struct flock whole = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };

  if (lock == NULL)
    return;
  /* The last run out removes the lock file, so a finished export holds only its files; a run
   * that opened it meanwhile notices (see open_locked()). While another shard still runs, it
   * stays for that shard to remove. */
  if (fcntl (lock->fd, F_OFD_SETLK, &whole) == 0)
    unlinkat (lock->dir_fd, VEIL_EXPORT_LOCK_NAME, 0);
  /* Closing the last descriptor of an open file description drops its locks. */
  close (lock->fd);
  close (lock->dir_fd);
  g_free (lock);
}

gboolean
veil_export_can_resume (const char *output_dir)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_return_val_if_fail (output_dir != NULL, FALSE);

  dir = g_dir_open (output_dir, 0, NULL);
  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (veil_shard_is_journal_name (name))
      return TRUE;
  return FALSE;
}

/* Loads the manifest or journal @name of another shard in @output_dir and checks that it
 * belongs to the same export as @header: same key, same settings, same number of shards. */
static gboolean
check_sibling (const char         *output_dir,
               const char         *name,
               const VeilManifest *header,
               GHashTable         *outputs,
               gboolean           *out_running,
               GError            **error)
{
  g_autofree char *path = g_build_filename (output_dir, name, NULL);
  g_autoptr(VeilManifest) sibling = NULL;
  g_autoptr(GError) local_error = NULL;

  sibling = veil_shard_is_journal_name (name) ? veil_manifest_load_journal (path, &local_error)
                                              : veil_manifest_load (path, &local_error);
  if (sibling != NULL)
    {
      VeilManifest probe = *sibling;

      /* Every setting but the shard's own number. */
      probe.shard_index = header->shard_index;
      if (veil_manifest_same_settings (header, &probe, &local_error))
        {
          const GPtrArray *lists[] = { sibling->images, sibling->other };

          if (veil_shard_is_journal_name (name))
            *out_running = TRUE;

          for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
            for (guint i = 0; i < lists[l]->len; i++)
              {
                const VeilManifestEntry *entry = g_ptr_array_index (lists[l], i);
                if (entry->output != NULL)
                  g_hash_table_add (outputs, g_strdup (entry->output));
              }
          return TRUE;
        }
    }
  {
    g_autofree char *display = veil_paths_display (output_dir);
    g_autofree char *name_display = veil_paths_display (name);
    g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                 _("The output folder “%s” holds “%s”, which is not from another part of this "
                   "export (%s): choose a new or empty folder"),
                 display, name_display, local_error->message);
  }
  return FALSE;
}

/* Whether @relative (a regular file below the output folder) may be there: the lock, a
 * temporary file, a manifest or journal at the top, or an output another shard recorded.
 * @outputs NULL: any regular file (a shard still running writes files its journal does not
 * list yet). */
static gboolean
is_accounted (const char *relative,
              GHashTable *outputs)
{
  if (outputs == NULL)
    return TRUE;
  const char *base = strrchr (relative, '/');

  base = base != NULL ? base + 1 : relative;
  if (g_str_has_prefix (base, VEIL_PATHS_TEMP_PREFIX))
    return TRUE;
  if (base == relative && (strcmp (base, VEIL_EXPORT_LOCK_NAME) == 0
                           || veil_shard_is_manifest_name (base)
                           || veil_shard_is_journal_name (base)))
    return TRUE;
  return g_hash_table_contains (outputs, relative);
}

/* The first entry below @dir_fd (the folder @relative of the output) that no other shard of
 * this export wrote, or NULL. Symlinks and special files are never accounted for. */
static char *
find_unaccounted (int         dir_fd,
                  const char *relative,
                  GHashTable *outputs)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  DIR *dir;
  struct dirent *item;
  int fd = dup (dir_fd);

  if (fd < 0 || (dir = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return g_strdup (relative[0] != '\0' ? relative : ".");
    }
  while ((item = readdir (dir)) != NULL)
    if (strcmp (item->d_name, ".") != 0 && strcmp (item->d_name, "..") != 0)
      g_ptr_array_add (names, g_strdup (item->d_name));
  closedir (dir);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *child = relative[0] != '\0' ? g_strconcat (relative, "/", name, NULL)
                                                   : g_strdup (name);
      struct stat st;

      if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return g_steal_pointer (&child);
      if (S_ISDIR (st.st_mode))
        {
          int sub_fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          char *found;

          if (sub_fd < 0)
            return g_steal_pointer (&child);
          found = find_unaccounted (sub_fd, child, outputs);
          close (sub_fd);
          if (found != NULL)
            return found;
        }
      else if (!S_ISREG (st.st_mode) || !is_accounted (child, outputs))
        return g_steal_pointer (&child);
    }
  return NULL;
}

gboolean
veil_export_find_unaccounted (const char  *output_dir,
                              GHashTable  *outputs,
                              char       **out_unaccounted,
                              GError     **error)
{
  int dir_fd;

  g_return_val_if_fail (output_dir != NULL, FALSE);
  g_return_val_if_fail (out_unaccounted != NULL, FALSE);

  dir_fd = veil_confined_open_root (output_dir, error);
  if (dir_fd < 0)
    return FALSE;
  *out_unaccounted = find_unaccounted (dir_fd, "", outputs);
  close (dir_fd);
  return TRUE;
}

/* What the output folder holds decides what may happen there:
 * - our journal: an interrupted export, continued only with resume;
 * - our finished manifest: a finished export, checked and completed only with resume;
 * - manifests or journals of other shards: allowed when each is of this same export (same
 *   key, settings and number of shards), and then only with files those shards wrote (any
 *   regular file while one of them has not finished: it cannot list what it is writing);
 * - anything else: refused, so that an export never mixes with unrelated files. */
gboolean
_veil_export_inspect_output (const char               *output_dir,
                             const VeilExportOptions  *options,
                             const VeilManifest       *header,
                             const char               *manifest_path,
                             const char               *journal_path,
                             VeilManifest            **out_previous,
                             GError                  **error)
{
  g_autofree char *display = veil_paths_display (output_dir);
  g_autofree char *own_manifest = g_path_get_basename (manifest_path);
  g_autofree char *own_journal = g_path_get_basename (journal_path);
  g_autoptr(GHashTable) outputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;
  gboolean running = FALSE;

  *out_previous = NULL;

  dir = g_dir_open (output_dir, 0, &local_error);
  if (dir == NULL)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_WRITE, _("Cannot use the output folder “%s”: %s"),
                   display, local_error->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (strcmp (name, own_manifest) == 0 || strcmp (name, own_journal) == 0)
        continue;
      if ((veil_shard_is_manifest_name (name) || veil_shard_is_journal_name (name))
          && !check_sibling (output_dir, name, header, outputs, &running, error))
        return FALSE;
    }

  if (g_file_test (journal_path, G_FILE_TEST_EXISTS))
    {
      if (!options->resume)
        {
          g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                       _("“%s” holds an unfinished export: resume it, or choose an empty folder"),
                       display);
          return FALSE;
        }
      *out_previous = veil_manifest_load_journal (journal_path, error);
      return *out_previous != NULL;
    }
  if (g_file_test (manifest_path, G_FILE_TEST_EXISTS))
    {
      if (!options->resume)
        {
          g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                       _("“%s” already holds a finished export: choose an empty folder"), display);
          return FALSE;
        }
      *out_previous = veil_manifest_load (manifest_path, error);
      return *out_previous != NULL;
    }

  /* A fresh export: the folder is empty but for what other shards of this export wrote. */
  {
    g_autofree char *unaccounted = NULL;

    if (!veil_export_find_unaccounted (output_dir, running ? NULL : outputs, &unaccounted,
                                       error))
      return FALSE;
    if (unaccounted != NULL)
      {
        g_autofree char *unaccounted_display = veil_paths_display (unaccounted);
        g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                     _("The output folder “%s” is not empty (it holds “%s”): choose a new or "
                       "empty folder"), display, unaccounted_display);
        return FALSE;
      }
  }
  return TRUE;
}
