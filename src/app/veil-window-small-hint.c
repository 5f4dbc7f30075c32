/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-window"

/* A folder of small pictures (CIFAR-sized) opened with settings for photos: the filter is then
 * applied to each picture as it is, a 9 × 9 blur on 32 pixels, which changes it far more than
 * the paper's setting for such pictures. Judged on the folder's first picture only (a folder of
 * photos may hold a thumbnail), and said at most once, with that preset one click away.
 *
 * The toast is never dismissed from here: libadwaita 1.2 can free a toast dismissed during its
 * animation (a crash seen in test-ui-tryout). It goes by itself after a while, and its button
 * does nothing once the settings no longer assume photos. */

#include "config.h"

#include <glib/gi18n.h>

#include "veil-protect-settings.h"
#include "veil-window-private.h"

/* Pictures up to this short side are "small": the paper's CIFAR-10 setting is for 32 pixels. */
#define SMALL_PICTURE_SIDE 64
#define TOAST_SECONDS      15

void
_veil_window_hint_small_pictures (VeilWindow *self,
                                  int         width,
                                  int         height)
{
  VeilProtectParams params;
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (self->small_hint_done || width <= 0 || height <= 0)
    return;
  self->small_hint_done = TRUE;
  veil_protect_settings_read (self->settings, &params);
  if (MIN (width, height) > SMALL_PICTURE_SIDE || params.training_res == VEIL_TRAINING_RES_NATIVE)
    return;

  /* Translators: %d × %d is the size of the picture shown, e.g. "32 × 32". */
  title = g_strdup_printf (_("These pictures are small (%d × %d pixels) and the settings are "
                             "for photos"), width, height);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("Use Small Images"));
  adw_toast_set_action_name (toast, "win.use-small-images-preset");
  adw_toast_set_timeout (toast, TOAST_SECONDS);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
_veil_window_use_small_images_preset (VeilWindow *self)
{
  VeilProtectParams params;

  /* Pressed after the person chose native settings themselves: theirs stay. */
  veil_protect_settings_read (self->settings, &params);
  if (params.training_res != VEIL_TRAINING_RES_NATIVE)
    veil_protect_settings_apply_preset (self->settings, VEIL_PRESET_SMALL_IMAGES);
}
