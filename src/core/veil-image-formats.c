/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-image-formats"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "veil-image-formats.h"

#define SCANNED  VEIL_IMAGE_FORMAT_SCANNED
#define WRITABLE VEIL_IMAGE_FORMAT_WRITABLE
#define LOSSY    VEIL_IMAGE_FORMAT_LOSSY
#define NO_ICC   VEIL_IMAGE_FORMAT_NO_ICC

/* Raster formats only: vector and text formats (svg, xpm, xbm) are absent so that a stray text
 * file is never taken for a picture. GIF, PNM and TGA files are decoded when a dataset image
 * turns out to hold one, but their extensions do not make a file an image: they are rare in
 * photo collections and GdkPixbuf cannot write them. HEIC/HEIF and AVIF are photographs that
 * GdkPixbuf cannot write either: a high-quality JPEG keeps them photograph-sized. Debian's
 * heif-gdk-pixbuf names its loader "heif/avif" and reads both. The installed WebP saver is
 * lossy only. */
static const VeilImageFormat formats[] = {
  { "png",  "PNG",       { "png" },                       { "png" },
    SCANNED | WRITABLE,          "png" },
  { "jpeg", "JPEG",      { "jpg", "jpeg" },               { "jpeg" },
    SCANNED | WRITABLE | LOSSY,  "png" },
  { "webp", "WebP",      { "webp" },                      { "webp" },
    SCANNED | WRITABLE | LOSSY,  "png" },
  { "tiff", "TIFF",      { "tif", "tiff" },               { "tiff" },
    SCANNED | WRITABLE,          "png" },
  { "bmp",  "BMP",       { "bmp" },                       { "bmp" },
    SCANNED | WRITABLE | NO_ICC, "png" },
  { "heif", "HEIC/HEIF", { "heic", "heif" },              { "heif", "heif/avif" },
    SCANNED,                     "jpeg" },
  { "avif", "AVIF",      { "avif" },                      { "avif", "heif/avif" },
    SCANNED,                     "jpeg" },
  { "gif",  "GIF",       { "gif" },                       { "gif" },
    0,                           "png" },
  { "pnm",  "PNM",       { "pnm", "pbm", "pgm", "ppm" },  { "pnm" },
    0,                           "png" },
  { "tga",  "TGA",       { "tga", "targa" },              { "tga" },
    0,                           "png" },
};

guint
veil_image_formats_get_n (void)
{
  return G_N_ELEMENTS (formats);
}

const VeilImageFormat *
veil_image_formats_get (guint i)
{
  g_return_val_if_fail (i < G_N_ELEMENTS (formats), NULL);

  return &formats[i];
}

const VeilImageFormat *
veil_image_formats_lookup (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      if (strcmp (name, formats[i].name) == 0)
        return &formats[i];
      for (guint l = 0; formats[i].loaders[l] != NULL; l++)
        if (strcmp (name, formats[i].loaders[l]) == 0)
          return &formats[i];
    }
  return NULL;
}

gboolean
veil_image_format_has_extension (const VeilImageFormat *row,
                                 const char            *extension)
{
  g_return_val_if_fail (row != NULL, FALSE);
  g_return_val_if_fail (extension != NULL, FALSE);

  for (guint e = 0; row->extensions[e] != NULL; e++)
    if (g_ascii_strcasecmp (extension, row->extensions[e]) == 0)
      return TRUE;
  return FALSE;
}

const VeilImageFormat *
veil_image_formats_for_extension (const char *extension)
{
  g_return_val_if_fail (extension != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (veil_image_format_has_extension (&formats[i], extension))
      return &formats[i];
  return NULL;
}

const VeilImageFormat *
veil_image_formats_for_path (const char *path)
{
  const char *base;
  const char *dot;

  g_return_val_if_fail (path != NULL, NULL);

  base = strrchr (path, '/');
  base = base != NULL ? base + 1 : path;
  dot = strrchr (base, '.');
  if (dot == NULL)
    return NULL;
  return veil_image_formats_for_extension (dot + 1);
}

char *
veil_image_formats_list (VeilImageFormatFlags having,
                         VeilImageFormatsList what,
                         gboolean             alternatives)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) head = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      const VeilImageFormat *row = &formats[i];

      if ((row->flags & having) != having)
        continue;
      if (what == VEIL_IMAGE_FORMATS_LIST_LABELS)
        g_ptr_array_add (items, g_strdup (row->label));
      else
        for (guint e = 0; row->extensions[e] != NULL; e++)
          {
            g_ptr_array_add (items, g_strconcat (".", row->extensions[e], NULL));
            if (what == VEIL_IMAGE_FORMATS_LIST_OUTPUT_EXTENSIONS)
              break;
          }
    }
  if (items->len == 0)
    return g_strdup ("");
  if (items->len == 1)
    return g_strdup (g_ptr_array_index (items, 0));

  for (guint i = 0; i + 1 < items->len; i++)
    {
      if (i > 0)
        /* Translators: between the items of a list, "PNG, JPEG, WebP and TIFF", except the
         * last two, which the next strings join. */
        g_string_append (head, C_("list", ", "));
      g_string_append (head, g_ptr_array_index (items, i));
    }
  if (alternatives)
    /* Translators: the last item of a list of choices: "PNG, JPEG or TIFF". */
    return g_strdup_printf (C_("list", "%s or %s"), head->str,
                            (char *) g_ptr_array_index (items, items->len - 1));
  /* Translators: the last item of a list: "PNG, JPEG and TIFF". */
  return g_strdup_printf (C_("list", "%s and %s"), head->str,
                          (char *) g_ptr_array_index (items, items->len - 1));
}
