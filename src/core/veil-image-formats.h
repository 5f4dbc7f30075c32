/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The image formats Veil knows, in one table: which file names a dataset takes as images, which
 * GdkPixbuf loaders may decode a file, which formats Veil writes and what "keep format" writes
 * for the others. Everything that names, lists or maps formats asks this table (the dataset
 * scan, image loading and encoding, output names, the command line). Whether a loader or saver
 * is actually installed is asked of GdkPixbuf at run time (veil-image-io.h). */

typedef enum {
  VEIL_IMAGE_FORMAT_SCANNED  = 1 << 0, /* files with its extensions are a dataset's images */
  VEIL_IMAGE_FORMAT_WRITABLE = 1 << 1, /* veil_image_encode() writes it when its saver exists */
  VEIL_IMAGE_FORMAT_LOSSY    = 1 << 2, /* written with a quality setting (the JPEG quality) */
  VEIL_IMAGE_FORMAT_NO_ICC   = 1 << 3, /* cannot hold an ICC profile */
} VeilImageFormatFlags;

typedef struct {
  const char           *name;          /* GdkPixbuf's format name: "jpeg" */
  const char           *label;         /* as people know it: "JPEG" (a name: not translated) */
  const char           *extensions[5]; /* lower case, no dot, NULL-terminated; outputs get the
                                        * first */
  const char           *loaders[3];    /* GdkPixbuf format names that decode it, NULL-terminated */
  VeilImageFormatFlags  flags;
  const char           *keep_as;       /* what "keep format" writes when Veil cannot write this
                                        * format (or its saver is missing): "jpeg" or "png" */
} VeilImageFormat;

/* The table's rows, in the order lists are given to people. @i < veil_image_formats_get_n(). */
guint                  veil_image_formats_get_n           (void);
const VeilImageFormat *veil_image_formats_get             (guint       i);
/* The row whose name or one of whose loader names is @name ("heif/avif" gives the HEIC/HEIF
 * row); NULL for a format Veil does not decode (svg, xpm, ico, …). */
const VeilImageFormat *veil_image_formats_lookup          (const char *name);
/* The row listing @extension (no dot, any case); NULL when none does. */
const VeilImageFormat *veil_image_formats_for_extension   (const char *extension);
/* The row of the extension of @path's last component ("cat/a.JPG" → JPEG); NULL when the name
 * has no extension or an unknown one. */
const VeilImageFormat *veil_image_formats_for_path        (const char *path);
/* Whether @row lists @extension (no dot, any case). */
gboolean               veil_image_format_has_extension    (const VeilImageFormat *row,
                                                           const char            *extension);

typedef enum {
  VEIL_IMAGE_FORMATS_LIST_EXTENSIONS,        /* every extension: ".jpg, .jpeg" */
  VEIL_IMAGE_FORMATS_LIST_OUTPUT_EXTENSIONS, /* the first extension of each row: ".jpg" */
  VEIL_IMAGE_FORMATS_LIST_LABELS,            /* "JPEG" */
} VeilImageFormatsList;

/* The rows having every flag in @having, listed for a sentence in the user's language:
 * ".png, .jpg and .bmp", or with @alternatives ".png, .jpg or .bmp". Newly allocated. */
char                  *veil_image_formats_list            (VeilImageFormatFlags  having,
                                                           VeilImageFormatsList  what,
                                                           gboolean              alternatives);

G_END_DECLS
