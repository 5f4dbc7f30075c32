/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-key.h"

G_BEGIN_DECLS

#define VEIL_TYPE_KEY_ITEM (veil_key_item_get_type ())
G_DECLARE_FINAL_TYPE (VeilKeyItem, veil_key_item, VEIL, KEY_ITEM, GObject)

/* One key of the key store as a list item. Only the name, fingerprint, kind and creation date
 * are exposed as properties; the key itself (and its secret) only through get_key(). */
VeilKeyItem *veil_key_item_new             (VeilKey     *key);
VeilKey     *veil_key_item_get_key         (VeilKeyItem *self);
const char  *veil_key_item_get_name        (VeilKeyItem *self);
const char  *veil_key_item_get_fingerprint (VeilKeyItem *self);
/* The first group of the fingerprint ("3f2a"), for narrow places such as the header bar. */
char        *veil_key_item_dup_short_fingerprint (VeilKeyItem *self);
VeilKeyKind  veil_key_item_get_kind        (VeilKeyItem *self);
GDateTime   *veil_key_item_get_created     (VeilKeyItem *self);
/* "Secret key" or "Integer seed", translated. */
const char  *veil_key_item_get_kind_label  (VeilKeyItem *self);
/* Re-reads the name from the key after a rename and notifies "name". */
void         veil_key_item_set_name        (VeilKeyItem *self,
                                            const char  *name);

G_END_DECLS
