/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-image-io"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "veil-confined.h"
#include "veil-error.h"
#include "veil-image-container.h"
#include "veil-image-formats.h"
#include "veil-image-io.h"
#include "veil-image-png.h"

/* Big enough that a typical photo is fed to the loader in a few calls, small enough that a file
 * whose header is refused is barely read. */
#define READ_CHUNK (64 * 1024)

typedef struct {
  const char *path;
  int         max_width;   /* 0: full size */
  int         max_height;
  int         raw_width;   /* as stored, before the EXIF orientation */
  int         raw_height;
  gboolean    got_size;
  gboolean    too_large;
  char       *refused_format;
} LoadContext;

static void
fit_within (int  width,
            int  height,
            int  max_width,
            int  max_height,
            int *out_width,
            int *out_height)
{
  double scale = MIN ((double) max_width / width, (double) max_height / height);

  if (scale >= 1.0)
    {
      *out_width = width;
      *out_height = height;
      return;
    }
  *out_width = CLAMP ((int) (width * scale + 0.5), 1, max_width);
  *out_height = CLAMP ((int) (height * scale + 0.5), 1, max_height);
}

static gboolean
exceeds_limits (guint64 width,
                guint64 height)
{
  return width > VEIL_IMAGE_MAX_SIDE || height > VEIL_IMAGE_MAX_SIDE
         || width * height > VEIL_IMAGE_MAX_PIXELS;
}

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  LoadContext     *ctx)
{
  GdkPixbufFormat *format = gdk_pixbuf_loader_get_format (loader);
  g_autofree char *format_name = format != NULL ? gdk_pixbuf_format_get_name (format) : NULL;

  ctx->raw_width = width;
  ctx->raw_height = height;
  ctx->got_size = TRUE;

  /* A size of 0×0 makes every loader stop before it allocates the pixels (this is how
   * gdk_pixbuf_get_file_info() reads only the header). */
  if (exceeds_limits ((guint64) width, (guint64) height))
    {
      ctx->too_large = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      return;
    }
  if (format_name != NULL && veil_image_formats_lookup (format_name) == NULL)
    {
      ctx->refused_format = g_steal_pointer (&format_name);
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      return;
    }

  if (ctx->max_width > 0 && width > 0 && height > 0)
    {
      /* The orientation is not known yet, and orientations 5–8 swap the axes: decode to fit a
       * square of the larger side, which is never smaller than the final size either way. The
       * exact box is applied after turning the image upright. */
      int side = MAX (ctx->max_width, ctx->max_height);
      int w, h;

      fit_within (width, height, side, side, &w, &h);
      if (w < width || h < height)
        gdk_pixbuf_loader_set_size (loader, w, h);
    }
}

static gboolean pixbuf_has_loader (const char *format);

const char *
veil_image_format_from_name (const char *path)
{
  const VeilImageFormat *row;

  g_return_val_if_fail (path != NULL, NULL);

  row = veil_image_formats_for_path (path);
  return row != NULL && (row->flags & VEIL_IMAGE_FORMAT_SCANNED) ? row->name : NULL;
}

/* The format a file's extension names when none of its loaders is installed, else NULL. */
static const VeilImageFormat *
missing_loader_for_extension (const char *path)
{
  const VeilImageFormat *row = veil_image_formats_for_path (path);

  if (row == NULL || !(row->flags & VEIL_IMAGE_FORMAT_SCANNED))
    return NULL;
  for (guint l = 0; row->loaders[l] != NULL; l++)
    if (pixbuf_has_loader (row->loaders[l]))
      return NULL;
  return row;
}

static void
set_load_error (GError     **error,
                LoadContext *ctx,
                GError      *pixbuf_error,
                gboolean     empty)
{
  g_autofree char *display = g_filename_display_name (ctx->path);

  if (ctx->too_large)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_IMAGE_TOO_LARGE,
                   _("“%s” is %d × %d pixels, more than Veil can process (at most %d pixels on "
                     "a side and %u megapixels)"),
                   display, ctx->raw_width, ctx->raw_height, VEIL_IMAGE_MAX_SIDE,
                   VEIL_IMAGE_MAX_PIXELS / (1024u * 1024u));
      return;
    }
  if (ctx->refused_format != NULL)
    {
      g_autofree char *known = veil_image_formats_list (VEIL_IMAGE_FORMAT_SCANNED,
                                                        VEIL_IMAGE_FORMATS_LIST_LABELS, FALSE);

      /* Translators: the second %s is a format name ("svg"), the third a list of them. */
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_IMAGE_UNSUPPORTED,
                   _("“%s” is a %s image; Veil processes %s images"),
                   display, ctx->refused_format, known);
      return;
    }
  if (empty)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_IMAGE_CORRUPT,
                   _("“%s” is empty (0 bytes), not an image"), display);
      return;
    }
  if (pixbuf_error != NULL && g_error_matches (pixbuf_error, GDK_PIXBUF_ERROR,
                                               GDK_PIXBUF_ERROR_UNKNOWN_TYPE))
    {
      const VeilImageFormat *missing = missing_loader_for_extension (ctx->path);

      if (missing != NULL)
        g_set_error (error, VEIL_ERROR, VEIL_ERROR_IMAGE_UNSUPPORTED,
                     _("“%s” cannot be read: no image loader for the %s format is installed"),
                     display, missing->label);
      else
        g_set_error (error, VEIL_ERROR, VEIL_ERROR_IMAGE_CORRUPT,
                     _("“%s” is not an image in any format Veil knows"), display);
      return;
    }
  if (pixbuf_error != NULL && g_error_matches (pixbuf_error, GDK_PIXBUF_ERROR,
                                               GDK_PIXBUF_ERROR_INSUFFICIENT_MEMORY))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_IMAGE_TOO_LARGE,
                   _("“%s” is too large to load into the available memory"), display);
      return;
    }
  if (pixbuf_error != NULL && g_error_matches (pixbuf_error, GDK_PIXBUF_ERROR,
                                               GDK_PIXBUF_ERROR_UNSUPPORTED_OPERATION))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_IMAGE_UNSUPPORTED,
                   _("“%s” uses a feature the image loader does not support: %s"),
                   display, pixbuf_error->message);
      return;
    }
  g_set_error (error, VEIL_ERROR, VEIL_ERROR_IMAGE_CORRUPT,
               _("“%s” is damaged or incomplete: %s"), display,
               pixbuf_error != NULL ? pixbuf_error->message : _("no picture in the file"));
}

/* libpng announces the size only once the chunk after IHDR starts, so a file that is only a
 * header would otherwise look truncated rather than too large: read IHDR directly. */
static gboolean
png_header_too_large (const guint8 *data,
                      gsize         len,
                      LoadContext  *ctx)
{
  guint32 width, height;

  if (!_veil_png_header_size (data, len, &width, &height) || !exceeds_limits (width, height))
    return FALSE;
  ctx->raw_width = (int) MIN (width, (guint32) G_MAXINT);
  ctx->raw_height = (int) MIN (height, (guint32) G_MAXINT);
  ctx->too_large = TRUE;
  return TRUE;
}

/* Feeds the file to @loader in chunks. Returns FALSE with @error set for read errors and
 * cancellation (the loader is then closed); *decode_error receives the loader's own error. */
static gboolean
feed_loader (GdkPixbufLoader *loader,
             LoadContext     *ctx,
             GCancellable    *cancellable,
             gboolean        *empty,
             GError         **decode_error,
             GError         **error)
{
  g_autofree guint8 *buf = NULL;
  guint64 total = 0;
  int fd;

  /* A regular file only, opened without blocking: an image replaced by a FIFO must not hang. */
  fd = veil_open_regular (ctx->path, error);
  if (fd < 0)
    {
      gdk_pixbuf_loader_close (loader, NULL);
      return FALSE;
    }

  buf = g_malloc (READ_CHUNK);
  for (;;)
    {
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          gdk_pixbuf_loader_close (loader, NULL);
          close (fd);
          return FALSE;
        }
      n = read (fd, buf, READ_CHUNK);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;
          g_autofree char *display = g_filename_display_name (ctx->path);

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not read “%s”: %s"), display, g_strerror (saved_errno));
          gdk_pixbuf_loader_close (loader, NULL);
          close (fd);
          return FALSE;
        }
      if (n == 0)
        break;
      if (total == 0 && png_header_too_large (buf, (gsize) n, ctx))
        {
          gdk_pixbuf_loader_close (loader, NULL);
          close (fd);
          *empty = FALSE;
          return TRUE;
        }
      total += (guint64) n;
      /* On failure the loader closes itself. */
      if (!gdk_pixbuf_loader_write (loader, buf, (gsize) n, decode_error))
        {
          close (fd);
          *empty = FALSE;
          return TRUE;
        }
      if (ctx->too_large || ctx->refused_format != NULL)
        {
          /* Some loaders only notice the 0×0 size at the next step; never feed them more. */
          gdk_pixbuf_loader_close (loader, NULL);
          close (fd);
          *empty = FALSE;
          return TRUE;
        }
    }
  close (fd);
  *empty = total == 0;
  if (*empty)
    gdk_pixbuf_loader_close (loader, NULL);
  else
    gdk_pixbuf_loader_close (loader, decode_error);
  return TRUE;
}

static int
orientation_of (GdkPixbuf *pixbuf)
{
  const char *value = gdk_pixbuf_get_option (pixbuf, "orientation");
  guint64 v = 1;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, 8, &v, NULL))
    return 1;
  return (int) v;
}

static gboolean
alpha_is_opaque (GdkPixbuf *pixbuf)
{
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < height; y++)
    {
      const guint8 *row = pixels + (gsize) y * stride;

      for (int x = 0; x < width; x++)
        if (row[x * 4 + 3] != 255)
          return FALSE;
    }
  return TRUE;
}

static void
unpremultiply (GdkPixbuf *pixbuf)
{
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < height; y++)
    {
      guint8 *p = pixels + (gsize) y * stride;

      for (int x = 0; x < width; x++, p += 4)
        {
          guint a = p[3];

          if (a == 0 || a == 255)
            continue;
          for (int c = 0; c < 3; c++)
            p[c] = (guint8) MIN (255u, (p[c] * 255u + a / 2) / a);
        }
    }
}

/* An RGB copy of an RGBA pixbuf, or NULL when memory runs out. */
static GdkPixbuf *
drop_alpha (GdkPixbuf *rgba)
{
  int width = gdk_pixbuf_get_width (rgba);
  int height = gdk_pixbuf_get_height (rgba);
  const guint8 *src = gdk_pixbuf_read_pixels (rgba);
  int src_stride = gdk_pixbuf_get_rowstride (rgba);
  GdkPixbuf *rgb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guint8 *dst;
  int dst_stride;

  if (rgb == NULL)
    return NULL;
  dst = gdk_pixbuf_get_pixels (rgb);
  dst_stride = gdk_pixbuf_get_rowstride (rgb);
  for (int y = 0; y < height; y++)
    {
      const guint8 *s = src + (gsize) y * src_stride;
      guint8 *d = dst + (gsize) y * dst_stride;

      for (int x = 0; x < width; x++)
        {
          d[3 * x] = s[4 * x];
          d[3 * x + 1] = s[4 * x + 1];
          d[3 * x + 2] = s[4 * x + 2];
        }
    }
  return rgb;
}

/* Completes what the loader checked, for formats whose loader is too forgiving. */
static gboolean
decode_error_checked (GdkPixbufFormat *format,
                      const char      *path,
                      LoadContext     *ctx,
                      GError         **error)
{
  g_autofree char *name = gdk_pixbuf_format_get_name (format);
  g_autoptr(GError) truncated = NULL;

  if (_veil_image_file_is_complete (path, name))
    return TRUE;
  truncated = g_error_new_literal (GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_CORRUPT_IMAGE,
                                   _("the file ends before the end of the image"));
  set_load_error (error, ctx, truncated, FALSE);
  return FALSE;
}

static VeilImage *
load_image (const char    *path,
            int            max_width,
            int            max_height,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) decode_error = NULL;
  g_autoptr(GdkPixbuf) upright = NULL;
  LoadContext ctx = { .path = path, .max_width = max_width, .max_height = max_height };
  GdkPixbufFormat *format;
  GdkPixbuf *decoded;
  const char *icc;
  gboolean empty = FALSE;
  VeilImage *image;
  int orientation;

  /* Most files of a folder of small PNGs take the direct path; anything else, GdkPixbuf's. */
  if (max_width == 0 && !g_cancellable_is_cancelled (cancellable)
      && (image = _veil_png_load_plain (path)) != NULL)
    return image;

  loader = gdk_pixbuf_loader_new ();
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &ctx);

  if (!feed_loader (loader, &ctx, cancellable, &empty, &decode_error, error))
    {
      g_free (ctx.refused_format);
      return NULL;
    }

  decoded = gdk_pixbuf_loader_get_pixbuf (loader);
  if (ctx.too_large || ctx.refused_format != NULL || empty || decode_error != NULL
      || decoded == NULL)
    {
      set_load_error (error, &ctx, decode_error, empty);
      g_free (ctx.refused_format);
      return NULL;
    }

  format = gdk_pixbuf_loader_get_format (loader);
  if (format != NULL && !decode_error_checked (format, path, &ctx, error))
    {
      g_free (ctx.refused_format);
      return NULL;
    }
  orientation = orientation_of (decoded);
  upright = gdk_pixbuf_apply_embedded_orientation (decoded);
  if (upright == NULL)
    upright = g_object_ref (decoded);

  image = g_new0 (VeilImage, 1);
  image->format = format != NULL ? gdk_pixbuf_format_get_name (format) : g_strdup ("png");
  /* GdkPixbuf says neither: the file does. */
  if (_veil_image_bit_depth (path, image->format) > 8)
    image->notes |= VEIL_IMAGE_NOTE_DEPTH_REDUCED;
  {
    GdkPixbufAnimation *animation = gdk_pixbuf_loader_get_animation (loader);

    if ((animation != NULL && !gdk_pixbuf_animation_is_static_image (animation))
        || (g_str_equal (image->format, "tiff") && _veil_tiff_has_more_pages (path)))
      image->notes |= VEIL_IMAGE_NOTE_FIRST_FRAME;
  }
  if (orientation >= 5)
    {
      image->source_width = ctx.raw_height;
      image->source_height = ctx.raw_width;
    }
  else
    {
      image->source_width = ctx.raw_width;
      image->source_height = ctx.raw_height;
    }

  icc = gdk_pixbuf_get_option (decoded, "icc-profile");
  if (icc != NULL)
    {
      gsize len = 0;
      guchar *data = g_base64_decode (icc, &len);

      if (len > 0)
        image->icc_profile = g_bytes_new_take (data, len);
      else
        g_free (data);
    }

  if (image->icc_profile == NULL && g_str_equal (image->format, "webp"))
    image->icc_profile = _veil_webp_read_icc (path);

  /* The TIFF loader always gives 4 channels; an opaque TIFF stays RGB, as it came. Otherwise
   * its colours come premultiplied (libtiff's RGBA reader), unlike every other GdkPixbuf. */
  if (g_strcmp0 (image->format, "tiff") == 0 && gdk_pixbuf_get_has_alpha (upright))
    {
      if (alpha_is_opaque (upright))
        {
          GdkPixbuf *rgb = drop_alpha (upright);

          if (rgb != NULL)
            {
              g_object_unref (upright);
              upright = rgb;
            }
        }
      else
        unpremultiply (upright);
    }

  if (max_width > 0)
    {
      int w, h;

      fit_within (image->source_width, image->source_height, max_width, max_height, &w, &h);
      if (w != gdk_pixbuf_get_width (upright) || h != gdk_pixbuf_get_height (upright))
        {
          GdkPixbuf *scaled = gdk_pixbuf_scale_simple (upright, w, h, GDK_INTERP_BILINEAR);

          if (scaled == NULL)
            {
              g_autofree char *display = g_filename_display_name (path);

              g_set_error (error, VEIL_ERROR, VEIL_ERROR_IMAGE_TOO_LARGE,
                           _("“%s” is too large to load into the available memory"), display);
              veil_image_free (image);
              return NULL;
            }
          g_object_unref (upright);
          upright = scaled;
        }
    }

  image->pixbuf = g_steal_pointer (&upright);
  return image;
}

/**
 * veil_image_load:
 * Loads @path whole, upright, with its ICC profile. The dimensions are checked from the header
 * before any pixel is decoded. Free with veil_image_free().
 */
VeilImage *
veil_image_load (const char    *path,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return load_image (path, 0, 0, cancellable, error);
}

/**
 * veil_image_load_at_size:
 * Like veil_image_load() but fits the result within @max_width × @max_height, never enlarging.
 * JPEGs are decoded at 1/2, 1/4 or 1/8 scale when that is enough. source_width/height are the
 * full upright dimensions.
 */
VeilImage *
veil_image_load_at_size (const char    *path,
                         int            max_width,
                         int            max_height,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (max_width > 0 && max_height > 0, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return load_image (path, max_width, max_height, cancellable, error);
}

/* The header's size is all that is wanted: stop the loader before it allocates pixels. */
static void
on_peek_size_prepared (GdkPixbufLoader *loader,
                       int              width,
                       int              height,
                       int             *size)
{
  size[0] = width;
  size[1] = height;
  gdk_pixbuf_loader_set_size (loader, 0, 0);
}

/* The header is within the first chunks of any supported format. */
#define PEEK_MAX_BYTES (4 * READ_CHUNK)

gboolean
veil_image_peek_size (const char *path,
                      int        *width,
                      int        *height)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autofree guint8 *buf = NULL;
  int size[2] = { 0, 0 };
  gsize total = 0;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (width != NULL && height != NULL, FALSE);

  /* Unlike gdk_pixbuf_get_file_info(), which would block on a FIFO put in the file's place. */
  fd = veil_open_regular (path, NULL);
  if (fd < 0)
    return FALSE;
  loader = gdk_pixbuf_loader_new ();
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_peek_size_prepared), size);
  buf = g_malloc (READ_CHUNK);
  while (size[0] <= 0 && total < PEEK_MAX_BYTES)
    {
      gssize n = read (fd, buf, READ_CHUNK);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0 || !gdk_pixbuf_loader_write (loader, buf, (gsize) n, NULL))
        break;
      total += (gsize) n;
    }
  close (fd);
  gdk_pixbuf_loader_close (loader, NULL);
  *width = size[0];
  *height = size[1];
  return size[0] > 0 && size[1] > 0;
}

void
veil_image_free (VeilImage *image)
{
  if (image == NULL)
    return;
  g_clear_object (&image->pixbuf);
  g_clear_pointer (&image->icc_profile, g_bytes_unref);
  g_free (image->format);
  g_free (image);
}

/* The installed GdkPixbuf modules, read once: format name → whether it can save. */
static GHashTable *
pixbuf_formats (void)
{
  static GHashTable *formats = NULL;

  if (g_once_init_enter (&formats))
    {
      GSList *list = gdk_pixbuf_get_formats ();
      GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);

      for (GSList *l = list; l != NULL; l = l->next)
        g_hash_table_insert (table, gdk_pixbuf_format_get_name (l->data),
                             GINT_TO_POINTER (gdk_pixbuf_format_is_writable (l->data) ? 2 : 1));
      g_slist_free (list);
      g_once_init_leave (&formats, table);
    }
  return formats;
}

static gboolean
pixbuf_has_loader (const char *format)
{
  return g_hash_table_contains (pixbuf_formats (), format);
}

static gboolean
pixbuf_can_save (const char *format)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (pixbuf_formats (), format)) == 2;
}

/* The row of a format Veil writes, or NULL. */
static const VeilImageFormat *
writable_row (const char *format)
{
  const VeilImageFormat *row = veil_image_formats_lookup (format);

  return row != NULL && (row->flags & VEIL_IMAGE_FORMAT_WRITABLE)
         && g_str_equal (row->name, format) ? row : NULL;
}

gboolean
veil_image_format_is_writable (const char *format)
{
  g_return_val_if_fail (format != NULL, FALSE);

  return writable_row (format) != NULL && pixbuf_can_save (format);
}

const char *
veil_image_output_format (const char       *source_format,
                          VeilOutputFormat  requested)
{
  const VeilImageFormat *row;

  if (requested == VEIL_OUTPUT_FORMAT_PNG || source_format == NULL)
    return "png";
  row = veil_image_formats_lookup (source_format);
  if (row == NULL)
    return "png";
  if (veil_image_format_is_writable (row->name))
    return row->name;
  return row->keep_as;
}

const char *
veil_image_format_extension (const char *format)
{
  const VeilImageFormat *row;

  g_return_val_if_fail (format != NULL, NULL);

  row = writable_row (format);
  return row != NULL ? row->extensions[0] : NULL;
}

char *
veil_image_output_path (const char *path,
                        const char *output_format)
{
  const char *base;
  const char *dot;
  const char *ext;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (output_format != NULL, NULL);

  ext = veil_image_format_extension (output_format);
  if (ext == NULL)
    return g_strdup (path);
  base = strrchr (path, '/');
  base = base != NULL ? base + 1 : path;
  dot = strrchr (base, '.');
  if (dot != NULL && dot != base
      && veil_image_format_has_extension (veil_image_formats_lookup (output_format), dot + 1))
    return g_strdup (path);
  if (dot == NULL || dot == base)
    return g_strconcat (path, ".", ext, NULL);
  return g_strdup_printf ("%.*s.%s", (int) (dot - path), path, ext);
}

/**
 * veil_image_encode:
 * Encodes @pixels as @format. @image (may be NULL) supplies the ICC profile, embedded for PNG,
 * JPEG, TIFF and WebP. JPEG and BMP cannot hold alpha: an alpha channel is dropped (not
 * composited), which only happens when a caller asks for those formats for an RGBA image.
 * @jpeg_quality (1…100) is used for JPEG and for WebP, whose saver is lossy.
 * Fails with VEIL_ERROR_IMAGE_UNSUPPORTED for a format Veil cannot write.
 */
GBytes *
veil_image_encode (const VeilImage *image,
                   GdkPixbuf       *pixels,
                   const char      *format,
                   int              jpeg_quality,
                   GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *quality = NULL;
  g_autofree char *icc = NULL;
  const char *keys[4] = { NULL };
  const char *values[4] = { NULL };
  VeilImageFormatFlags flags;
  gboolean keeps_icc;
  gboolean uses_quality;
  gboolean is_png;
  gchar *buffer = NULL;
  gsize size = 0;
  guint n = 0;

  g_return_val_if_fail (GDK_IS_PIXBUF (pixels), NULL);
  g_return_val_if_fail (format != NULL, NULL);
  g_return_val_if_fail (jpeg_quality >= 1 && jpeg_quality <= 100, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!veil_image_format_is_writable (format))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_IMAGE_UNSUPPORTED,
                   _("Images cannot be saved in the %s format"), format);
      return NULL;
    }

  flags = veil_image_formats_lookup (format)->flags;
  uses_quality = (flags & VEIL_IMAGE_FORMAT_LOSSY) != 0;
  keeps_icc = (flags & VEIL_IMAGE_FORMAT_NO_ICC) == 0;
  is_png = g_str_equal (format, "png");
  if (uses_quality)
    {
      quality = g_strdup_printf ("%d", jpeg_quality);
      keys[n] = "quality";
      values[n++] = quality;
    }
  if (keeps_icc && !is_png && image != NULL && image->icc_profile != NULL)
    {
      gsize len;
      const guchar *data = g_bytes_get_data (image->icc_profile, &len);

      icc = g_base64_encode (data, len);
      keys[n] = "icc-profile";
      values[n++] = icc;
    }
  if (g_str_equal (format, "tiff"))
    {
      /* LZW: lossless and read by every TIFF reader; the saver's default is uncompressed. */
      keys[n] = "compression";
      values[n++] = "5";
    }

  if (is_png ? !_veil_png_encode (pixels, &buffer, &size, &local_error)
             : !gdk_pixbuf_save_to_bufferv (pixels, &buffer, &size, format, (char **) keys,
                                            (char **) values, &local_error))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_FAILED,
                   _("Could not encode the image as %s: %s"), format, local_error->message);
      return NULL;
    }
  if (is_png && image != NULL && image->icc_profile != NULL)
    {
      GBytes *with_profile = _veil_png_insert_iccp ((const guint8 *) buffer, size, image->icc_profile,
                                                    error);

      g_free (buffer);
      return with_profile;
    }
  return g_bytes_new_take (buffer, size);
}
