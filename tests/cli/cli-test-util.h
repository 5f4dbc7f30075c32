/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Helpers of the veil-cli tests: they run the real program (path in $VEIL_CLI) on trees made
 * here. */

/* Runs veil-cli with the NULL-terminated arguments; returns its exit status (or -1 when it was
 * killed by a signal) and its output when asked. XDG_DATA_HOME is pointed at @home when given,
 * so the key store is the test's own. */
int         cli_run               (const char  *home,
                                   char       **out_stdout,
                                   char       **out_stderr,
                                   ...) G_GNUC_NULL_TERMINATED;
/* As cli_run(), with extra environment variables (a NULL-terminated list of "NAME=value",
 * may be NULL) and, when @unprivileged, as an ordinary user: as root that is uid and gid 65534
 * through setpriv(1), so that file modes mean what they say; otherwise the user as is. */
int         cli_run_full          (const char  *home,
                                   const char * const *env,
                                   gboolean     unprivileged,
                                   char       **out_stdout,
                                   char       **out_stderr,
                                   ...) G_GNUC_NULL_TERMINATED;
/* Whether cli_run_full() can run unprivileged here (as root it needs setpriv). */
gboolean    cli_can_run_unprivileged (void);
/* The user cli_run_full() runs as when unprivileged, to give it folders it may write. */
#define CLI_UNPRIVILEGED_ID 65534
/* Makes @path readable (and, for folders, enterable) by everyone, and for @writable folders
 * owned by the unprivileged user, so that an unprivileged veil-cli can use them. */
void        cli_share             (const char  *path,
                                   gboolean     writable);

/* Starts veil-cli without waiting. */
GSubprocess *cli_spawn            (const char  *home,
                                   ...) G_GNUC_NULL_TERMINATED;

/* Writes test images: random pixels from @seed. */
void        cli_write_png         (const char  *path,
                                   int          width,
                                   int          height,
                                   guint32      seed);
void        cli_write_jpeg        (const char  *path,
                                   int          width,
                                   int          height,
                                   guint32      seed);
void        cli_write_file        (const char  *path,
                                   const void  *data,
                                   gsize        len);

/* Number of regular files below @root whose name ends in @suffix. */
guint       cli_count_files       (const char  *root,
                                   const char  *suffix);

G_END_DECLS
