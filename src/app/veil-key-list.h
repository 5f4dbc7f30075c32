/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-key.h"
#include "veil-key-item.h"

G_BEGIN_DECLS

#define VEIL_TYPE_KEY_LIST (veil_key_list_get_type ())
G_DECLARE_FINAL_TYPE (VeilKeyList, veil_key_list, VEIL, KEY_LIST, GObject)

/* The application's view of the key store ($XDG_DATA_HOME/veil/keys) and of the active-key,
 * use-seed and seed settings. One per process; loads the store lazily on first use. Key file
 * I/O happens on the calling (main) thread: key files are a few hundred bytes.
 *
 * Signal "active-key-changed" (no arguments): the active key or its settings changed, or keys
 * were added, removed, renamed or reloaded. */
VeilKeyList *veil_key_list_get_default      (void);

/* Items are VeilKeyItem, sorted by name. */
GListModel  *veil_key_list_get_model        (VeilKeyList *self);
/* The key exports use: the integer seed when use-seed is set, else the stored key named by
 * active-key. NULL when there is none. */
VeilKey     *veil_key_list_dup_active_key   (VeilKeyList *self);
/* The stored key named by active-key, or NULL (also when no such key exists). Borrowed. */
VeilKeyItem *veil_key_list_get_active_item  (VeilKeyList *self);
gboolean     veil_key_list_get_use_seed     (VeilKeyList *self);
/* Makes the stored key @name the active one and turns seed mode off; NULL means none. */
void         veil_key_list_set_active       (VeilKeyList *self,
                                             const char  *name);
/* Messages (each naming the file) for key files that could not be loaded; NULL-terminated,
 * owned by the list, valid until the next reload. */
const char * const *veil_key_list_get_problems (VeilKeyList *self);
const char  *veil_key_list_get_directory    (VeilKeyList *self);

/* Re-reads the key store. */
void         veil_key_list_reload           (VeilKeyList *self);

/* Each changes the store, then reloads. A new or imported key becomes active when none is. */
VeilKeyItem *veil_key_list_create           (VeilKeyList *self,
                                             const char  *name,
                                             GError     **error);
VeilKeyItem *veil_key_list_import           (VeilKeyList *self,
                                             const char  *path,
                                             GError     **error);
/* @replace: overwrite a file already at @path (the person confirmed it); otherwise
 * G_IO_ERROR_EXISTS. */
gboolean     veil_key_list_export           (VeilKeyList *self,
                                             const char  *name,
                                             const char  *path,
                                             gboolean     replace,
                                             GError     **error);
gboolean     veil_key_list_rename           (VeilKeyList *self,
                                             const char  *old_name,
                                             const char  *new_name,
                                             GError     **error);
gboolean     veil_key_list_delete           (VeilKeyList *self,
                                             const char  *name,
                                             GError     **error);
VeilKeyItem *veil_key_list_find             (VeilKeyList *self,
                                             const char  *name);

G_END_DECLS
