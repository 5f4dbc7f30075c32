/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A fresh temporary folder for one test, removed with everything in it by veil_test_rm_rf(). */
char    *veil_test_make_tmpdir (const char *name_template);
void     veil_test_rm_rf       (const char *path);
/* Fills @buf with deterministic pseudo-random bytes from @seed (not for keys). */
void     veil_test_fill_random (guint8 *buf, gsize len, guint32 seed);
/* A number written as text in C notation ("0x1.8p-3" or "0.25"), the whole of @text. */
double   veil_test_parse_double (const char *text);
/* SHA-256 of a file's contents as hex, or NULL when unreadable. */
char    *veil_test_file_sha256 (const char *path);
typedef enum {
  VEIL_TEST_TREE_FILES = 0,      /* regular files only, by contents (SHA-256) */
  VEIL_TEST_TREE_MTIME = 1 << 0, /* files' modification times too */
  VEIL_TEST_TREE_ALL   = 1 << 1, /* every entry: folders, links (their targets) and others, with
                                  * type and mode */
} VeilTestTreeFlags;

/* Everything below @root except the entries named in @excluded (paths relative to @root, a
 * NULL-terminated list, may be NULL): relative path → what @flags asks to compare. */
GHashTable *veil_test_tree_snapshot   (const char          *root,
                                       VeilTestTreeFlags    flags,
                                       const char * const  *excluded);
/* Asserts two snapshots are equal, naming the first entry that disappeared, changed or
 * appeared. */
void        veil_test_assert_same_tree (GHashTable         *before,
                                        GHashTable         *after);

/* Files GdkPixbuf cannot write, byte by byte: a TIFF of two pages (uncompressed 8-bit RGB,
 * @width × @height each, textured in red and green, blue 60 on the first page and 220 on the
 * second), and an animated GIF of two frames. */
GBytes  *veil_test_two_page_tiff (guint width, guint height);
GBytes  *veil_test_animated_gif  (guint width, guint height);

G_END_DECLS
