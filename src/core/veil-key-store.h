/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "veil-key.h"

G_BEGIN_DECLS

/* The folder of a person's keys: $XDG_DATA_HOME/veil/keys (created 0700 on first save).
 * Every function takes the folder so tests and tools can point elsewhere; pass NULL for the
 * default. Key names are free text (see veil_key_check_name); file names are derived from them
 * safely (an ASCII slug plus a hash of the name), and a key file copied into the folder under any
 * *.key name is found by its Name too. */

char      *veil_key_store_default_dir (void);
/* Keys sorted by name; files that fail to load are reported in @problems (one message each,
 * naming the file) instead of failing the whole listing. Element type: VeilKey. */
GPtrArray *veil_key_store_list        (const char  *dir,
                                       GPtrArray  **problems,
                                       GError     **error);
VeilKey   *veil_key_store_lookup      (const char  *dir,
                                       const char  *name,
                                       GError     **error);
/* Fails with VEIL_ERROR_KEY_EXISTS if a key of that name exists. */
gboolean   veil_key_store_add         (const char  *dir,
                                       VeilKey     *key,
                                       GError     **error);
gboolean   veil_key_store_rename      (const char  *dir,
                                       const char  *old_name,
                                       const char  *new_name,
                                       GError     **error);
gboolean   veil_key_store_delete      (const char  *dir,
                                       const char  *name,
                                       GError     **error);
/* Reads a key file from anywhere (checking it) and adds it to the store. */
VeilKey   *veil_key_store_import      (const char  *dir,
                                       const char  *path,
                                       GError     **error);
/* Writes a copy of a stored key to @path, mode 0600. A file already at @path is replaced only
 * when @replace (the person said so); otherwise G_IO_ERROR_EXISTS naming it. */
gboolean   veil_key_store_export      (const char  *dir,
                                       const char  *name,
                                       const char  *path,
                                       gboolean     replace,
                                       GError     **error);

G_END_DECLS
