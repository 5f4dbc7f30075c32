/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VEIL_TYPE_PREFERENCES_WINDOW (veil_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (VeilPreferencesWindow, veil_preferences_window,
                      VEIL, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* Output format, JPEG quality and training resolution, bound to GSettings. */
GtkWindow *veil_preferences_window_new (GtkWindow *parent);

/* Binds the "output-format" setting ('keep' | 'png') to a combo row whose items are
 * "Same as the original" and "PNG", in that order. */
void       veil_preferences_bind_output_format (GSettings   *settings,
                                                AdwComboRow *row);

G_END_DECLS
