/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-text"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "veil-image-notes-text.h"

char *
veil_image_notes_text_heading (guint n_images)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Changed on the way: %u image",
                                       "Changed on the way: %u images", n_images), n_images);
}

char *
veil_image_notes_text (VeilImageNotes notes)
{
  GString *what = g_string_new (NULL);

  if (notes & VEIL_IMAGE_NOTE_CONVERTED)
    g_string_append (what, _("saved in another format, since Veil cannot write its own "
                             "(HEIC and AVIF photos become high-quality JPEG)"));
  if (notes & VEIL_IMAGE_NOTE_DEPTH_REDUCED)
    g_string_append_printf (what, "%s%s", what->len > 0 ? "; " : "",
                            _("16 bits per colour reduced to 8"));
  if (notes & VEIL_IMAGE_NOTE_FIRST_FRAME)
    g_string_append_printf (what, "%s%s", what->len > 0 ? "; " : "",
                            _("only the first frame or page was kept"));
  return g_string_free (what, FALSE);
}
