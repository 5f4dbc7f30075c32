/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VEIL_TYPE_KEY_MANAGER (veil_key_manager_get_type ())
G_DECLARE_FINAL_TYPE (VeilKeyManager, veil_key_manager, VEIL, KEY_MANAGER, AdwPreferencesWindow)

/* The key manager window: create, import, export, rename, delete keys, copy fingerprints,
 * choose the active key, and the advanced integer seed. One per parent: presenting it again
 * raises the existing window. */
void       veil_key_manager_present (GtkWindow *parent);
GtkWindow *veil_key_manager_new     (GtkWindow *parent);

G_END_DECLS
