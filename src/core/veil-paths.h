/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* File-system helpers of the export: where outputs may go, what they are called, and how they
 * are written so that a file with its final name is always complete.
 *
 * Relative paths are file-system bytes separated by '/', as VeilDataset gives them. */

/* Prefix of the hidden temporary files written next to each output before the rename. */
#define VEIL_PATHS_TEMP_PREFIX ".veil-tmp-"

/* The absolute, symlink-free path of @path. A path that does not exist yet is resolved through
 * its nearest existing ancestor, the missing components appended. */
char     *veil_paths_canonicalize     (const char  *path,
                                       GError     **error);
/* Whether canonical @child equals canonical @parent or lies inside it. */
gboolean  veil_paths_is_within        (const char  *parent,
                                       const char  *child);

/* Whether @root/@relative_path, every symlink resolved, still lies inside @root: a link that
 * leads out of the folder is VEIL_ERROR_UNSAFE_PATH naming it (Veil publishes what it reads, so
 * it reads nothing from outside the folder it was given). */
gboolean  veil_paths_resolves_within  (const char  *root,
                                       const char  *relative_path,
                                       GError     **error);

/* A UTF-8 rendering of @raw for people and for the manifest; invalid bytes become U+FFFD.
 * Returns NULL-safe, newly allocated text. */
char     *veil_paths_display          (const char  *raw);

/* Counts, per folder, how many files share each name stem ("cat/a.jpg" and "cat/a.png" both
 * count for "cat/a"), so that an output whose extension changes never collides with another
 * file: see veil_paths_output_name(). Free with g_hash_table_unref(). */
GHashTable *veil_paths_stem_table_new (void);
void      veil_paths_stem_table_add   (GHashTable  *stems,
                                       const char  *relative_path);
/* The output's relative path: @relative_path itself when @new_extension is NULL, else the
 * name with its extension replaced ("a.webp" → "a.png"), or, when another input file in the
 * same folder has the same stem, the extension appended ("a.webp" → "a.webp.png"). The choice
 * depends on the whole input tree only, so every shard and every resumed run agrees. */
char     *veil_paths_output_name      (GHashTable  *stems,
                                       const char  *relative_path,
                                       const char  *new_extension);

/* Writes all @len bytes of @data to @fd, again after EINTR; FALSE with errno set otherwise. */
gboolean  veil_paths_write_all        (int          fd,
                                       const void  *data,
                                       gsize        len);
/* Sets a VEIL_ERROR_WRITE naming @path (a file name in the file system's encoding) for
 * @saved_errno: "the disk is full" for ENOSPC and EDQUOT, else the system's words. */
void      veil_paths_set_write_error  (GError     **error,
                                       const char  *path,
                                       int          saved_errno);

/* The mode of every file the export writes (less the umask); a copied file is never more
 * readable than its source. */
#define VEIL_PATHS_OUTPUT_MODE 0644

/* Writes @contents to @root/@relative_path through a hidden temporary file in the same folder
 * and a rename, creating folders as needed. Every folder below @root is opened without following
 * a symlink (see veil-confined.h), so nothing planted in @root can redirect the write. Returns
 * the SHA-256 (hex) of what was written. A path Veil refuses is VEIL_ERROR_UNSAFE_PATH, a name
 * the file system refuses (too long, a folder in the way) a G_IO_ERROR: both concern that one
 * file. Anything else (full disk, permissions) is VEIL_ERROR_WRITE. All name the file. */
gboolean  veil_paths_write_atomic     (const char  *root,
                                       const char  *relative_path,
                                       GBytes      *contents,
                                       char       **out_sha256,
                                       GError     **error);
/* Folders below @root kept open between writes by one thread (an export worker), so that each
 * output does not open the root and its folder again: see veil-paths-folders.c. A kept folder
 * is used again only while every folder on its way from the root is still the very folder that
 * was opened (checked without following symlinks before each write), so the guarantee of
 * veil_paths_write_atomic() holds across writes too: a folder swapped for a symlink between two
 * writes is refused, never written through. The root is opened (and made) at the first write
 * and stays the folder written to. Not for use by several threads at once. */
typedef struct _VeilPathsFolders VeilPathsFolders;

VeilPathsFolders *veil_paths_folders_new  (const char       *root);
void      veil_paths_folders_free     (VeilPathsFolders *folders);
/* veil_paths_write_atomic() below the root of @folders. */
gboolean  veil_paths_write_atomic_in  (VeilPathsFolders *folders,
                                       const char       *relative_path,
                                       GBytes           *contents,
                                       char            **out_sha256,
                                       GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilPathsFolders, veil_paths_folders_free)

/* Copies the open regular file @source_fd (read from its current position; @source_name names
 * it in messages) byte for byte to @root/@relative_path the same way. A Veil key file, whatever
 * its name, is refused (VEIL_ERROR_UNSAFE_PATH) before anything is written. The copy's mode is
 * VEIL_PATHS_OUTPUT_MODE narrowed by the source's. With @expected_sha256, a copy with other
 * contents is removed before it takes its name (VEIL_ERROR_MANIFEST). A problem reading is a
 * G_IO_ERROR naming the source. The caller keeps @source_fd. */
gboolean  veil_paths_copy_atomic      (int          source_fd,
                                       const char  *source_name,
                                       const char  *root,
                                       const char  *relative_path,
                                       const char  *expected_sha256,
                                       char       **out_sha256,
                                       guint64     *out_bytes_read,
                                       GCancellable *cancellable,
                                       GError     **error);
/* SHA-256 (hex) of a file, or NULL with an error. Only a regular file is read (see
 * veil_open_regular()), so a FIFO never blocks it. */
char     *veil_paths_file_sha256      (const char  *path,
                                       GError     **error);
/* The same for @relative_path below @root, opened confined to @root (see veil-confined.h). */
char     *veil_paths_file_sha256_at   (const char  *root,
                                       const char  *relative_path,
                                       GError     **error);
/* Removes the file @relative_path below @root, never through a symlink. */
gboolean  veil_paths_remove_at        (const char  *root,
                                       const char  *relative_path,
                                       GError     **error);
/* SHA-256 (hex) of what is left to read from @fd (not closed), or NULL with an error naming
 * @shown_path. */
char     *veil_paths_fd_sha256        (int          fd,
                                       const char  *shown_path,
                                       GError     **error);
/* Removes temporary files an interrupted export left below @root (only names starting with
 * VEIL_PATHS_TEMP_PREFIX). */
void      veil_paths_remove_temps     (const char  *root);
/* Flushes everything written below @root to stable storage (syncfs on Linux). */
gboolean  veil_paths_sync_tree        (const char  *root,
                                       GError     **error);

G_END_DECLS
