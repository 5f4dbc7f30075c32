/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The training resolutions offered by the adjust panel and by Preferences, the same list in
 * both: the common training sizes, "Native" and "Custom" (any size, typed in). */

/* A list model of the choices' labels (GtkStringObject). */
GListModel *veil_resolution_choices_new_model (void);
/* The position of @training_res in the list: its own entry, or "Custom". */
guint       veil_resolution_choices_find      (guint training_res);
/* Whether @position is "Custom". */
gboolean    veil_resolution_choices_is_custom (guint position);
/* The training resolution at @position; not for "Custom". */
guint       veil_resolution_choices_get       (guint position);

G_END_DECLS
