/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sharding: which part of a dataset one of N independent runs takes.
 *
 * A file belongs to shard (0-based) H mod N, where H is the first 8 bytes, read big-endian, of
 * the SHA-256 of its relative path's bytes (no terminating NUL). It depends on nothing but the
 * path, so shards agree wherever and whenever they run. */

guint     veil_shard_of_path        (const char *relative_path,
                                     guint       shard_count);
/* Parses "I/N" as written on the command line (1-based, 1 ≤ I ≤ N) into a 0-based index. */
gboolean  veil_shard_parse          (const char *text,
                                     guint      *out_index,
                                     guint      *out_count,
                                     GError    **error);
/* veil-manifest.json without sharding; veil-manifest.shard-I-of-N.json (1-based) otherwise. */
char     *veil_shard_manifest_name  (guint       shard_index,
                                     guint       shard_count);
/* The journal next to it: veil-manifest.journal or veil-manifest.shard-I-of-N.journal. */
char     *veil_shard_journal_name   (guint       shard_index,
                                     guint       shard_count);
/* Whether @name is one of the two kinds of names above (any shard). */
gboolean  veil_shard_is_manifest_name (const char *name);
gboolean  veil_shard_is_journal_name  (const char *name);

G_END_DECLS
