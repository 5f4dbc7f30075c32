/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VEIL_TYPE_KEY_CHOOSER (veil_key_chooser_get_type ())
G_DECLARE_FINAL_TYPE (VeilKeyChooser, veil_key_chooser, VEIL, KEY_CHOOSER, GtkWidget)

/* The header-bar button that shows the active key (name and short fingerprint, or "No Key")
 * and whose popover picks another key or opens the key manager. */
GtkWidget *veil_key_chooser_new         (void);
/* Only the icon, the name in the tooltip: for a narrow window, where a name squeezed to "…"
 * says nothing and would push the window's title out. */
void       veil_key_chooser_set_compact (VeilKeyChooser *self,
                                         gboolean        compact);

G_END_DECLS
