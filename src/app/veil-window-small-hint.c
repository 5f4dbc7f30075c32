/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-window"

/* A folder of small pictures (CIFAR-sized) opened with settings for photos: the filter is then
 * applied to each picture as it is, a 9 × 9 blur on 32 pixels, which changes it far more than
 * the paper's setting for such pictures. Judged on the folder's first picture only (a folder of
 * photos may hold a thumbnail), and said at most once, with that preset one click away. */

#include "config.h"

#include <glib/gi18n.h>

#include "veil-protect-settings.h"
#include "veil-window-private.h"

/* Pictures up to this short side are "small": the paper's CIFAR-10 setting is for 32 pixels. */
#define SMALL_PICTURE_SIDE 64

/* The overlay owns the toast and keeps it through its hiding animation; the window only points
 * at it while it is shown (a reference of ours dropped on "dismissed" freed it mid-animation). */
static void
on_toast_dismissed_cb (AdwToast   *toast,
                       VeilWindow *self)
{
  g_clear_weak_pointer (&self->small_hint_toast);
}

static void
dismiss_toast (VeilWindow *self)
{
  if (self->small_hint_toast != NULL)
    adw_toast_dismiss (self->small_hint_toast);
}

/* A new folder is judged on its own first picture; a toast about the previous one goes. */
void
_veil_window_small_hint_reset (VeilWindow *self)
{
  self->small_hint_done = FALSE;
  dismiss_toast (self);
}

/* Once the settings no longer assume photos (a preset or the training resolution changed to
 * Native), the toast would be wrong: it goes. */
void
_veil_window_small_hint_settings_changed (VeilWindow *self)
{
  VeilProtectParams params;

  if (self->small_hint_toast == NULL)
    return;
  veil_protect_settings_read (self->settings, &params);
  if (params.training_res == VEIL_TRAINING_RES_NATIVE)
    dismiss_toast (self);
}

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
  adw_toast_set_timeout (toast, 0);
  g_set_weak_pointer (&self->small_hint_toast, toast);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed_cb), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}
