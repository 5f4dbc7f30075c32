/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sys/stat.h>

#include <gio/gio.h>

G_BEGIN_DECLS

/* Confinement: every path Veil reads or writes below INPUT, OUTPUT, a shard folder or the key
 * store is resolved one component at a time from a folder fd with O_NOFOLLOW, so that neither a
 * crafted relative path ("..", absolute) nor a symlink planted anywhere below the folder can lead
 * a read or a write out of it, and only regular files are opened, without ever blocking on a FIFO.
 *
 * Errors are VEIL_ERROR_UNSAFE_PATH (a path or file Veil refuses) or G_IO_ERROR from errno, and
 * always name the path. Returned fds are O_CLOEXEC and owned by the caller. */

/* A path from a folder walk, manifest, journal or shard: non-empty, relative, no empty, "." or
 * ".." component, no NUL, at most PATH_MAX bytes. Otherwise VEIL_ERROR_UNSAFE_PATH naming it. */
gboolean veil_confined_check_relative (const char  *relative_path,
                                       GError     **error);

/* Opens @root itself (a directory; symlinks in @root's own path are the user's choice and are
 * followed) as an O_DIRECTORY|O_CLOEXEC fd, or -1 with an error. */
int      veil_confined_open_root      (const char  *root,
                                       GError     **error);

/* Opens @relative_path below the directory @root_fd for reading. Only a regular file is
 * accepted: a FIFO, device, socket, folder or symlink (at any component) is
 * VEIL_ERROR_UNSAFE_PATH naming it. Never blocks. Returns the fd or -1. */
int      veil_confined_open_read      (int          root_fd,
                                       const char  *relative_path,
                                       GError     **error);

/* Whether veil_confined_open_read() accepts @relative_path below the folder @root (opened and
 * closed at once): for code that must then hand the full path to a library that opens it
 * itself. */
gboolean veil_confined_check_readable (const char  *root,
                                       const char  *relative_path,
                                       GError     **error);

/* Opens the folder that will hold @relative_path below @root_fd, component by component with
 * O_NOFOLLOW (a symlinked folder is refused, never followed), creating missing folders (mode
 * 0755 less umask) when @create is TRUE. *@out_name points into @relative_path at the last
 * component. Returns the folder's fd or -1. */
int      veil_confined_open_parent    (int          root_fd,
                                       const char  *relative_path,
                                       gboolean     create,
                                       const char **out_name,
                                       GError     **error);

/* A single path the user named (a --key-file, a key-store entry, an input image): opened
 * read-only with symlinks followed, accepted only when it is a regular file. Never blocks on a
 * FIFO. Returns the fd or -1. */
int      veil_open_regular            (const char  *path,
                                       GError     **error);
/* The same, filling @out_st with the open file's fstat() (a regular file's), so that a caller
 * that needs its size asks the system once. */
int      veil_open_regular_stat       (const char  *path,
                                       struct stat *out_st,
                                       GError     **error);

G_END_DECLS
