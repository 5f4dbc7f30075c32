/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-image-io"

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "veil-confined.h"
#include "veil-error.h"
#include "veil-image-container.h"

#define READ_CHUNK (64 * 1024)

gboolean
_veil_png_header_size (const guint8 *data,
                       gsize         len,
                       guint32      *width,
                       guint32      *height)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  if (len < 24 || memcmp (data, signature, 8) != 0 || memcmp (data + 12, "IHDR", 4) != 0)
    return FALSE;
  *width = ((guint32) data[16] << 24) | ((guint32) data[17] << 16) | ((guint32) data[18] << 8)
           | data[19];
  *height = ((guint32) data[20] << 24) | ((guint32) data[21] << 16) | ((guint32) data[22] << 8)
            | data[23];
  return TRUE;
}

static guint32
read_le32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

/* The installed WebP loader does not pass the ICC profile on, although its saver writes one:
 * read the ICCP chunk of the RIFF container ourselves. It precedes the image data, so only
 * the first chunks are read. NULL when there is none or the file is not as expected. */
GBytes *
_veil_webp_read_icc (const char *path)
{
  guint8 header[12];
  goffset offset = 12;
  goffset file_end;
  int fd = veil_open_regular (path, NULL);
  GBytes *result = NULL;

  if (fd < 0)
    return NULL;
  if (pread (fd, header, sizeof header, 0) != sizeof header
      || memcmp (header, "RIFF", 4) != 0 || memcmp (header + 8, "WEBP", 4) != 0)
    goto out;
  file_end = 8 + (goffset) read_le32 (header + 4);

  while (offset + 8 <= file_end)
    {
      guint8 chunk[8];
      guint32 size;

      if (pread (fd, chunk, sizeof chunk, offset) != sizeof chunk)
        break;
      size = read_le32 (chunk + 4);
      if (memcmp (chunk, "ICCP", 4) == 0)
        {
          guint8 *data;

          if (size == 0 || size > 64 * 1024 * 1024 || offset + 8 + size > file_end)
            break;
          data = g_malloc (size);
          if (pread (fd, data, size, offset + 8) == (gssize) size)
            result = g_bytes_new_take (data, size);
          else
            g_free (data);
          break;
        }
      if (memcmp (chunk, "VP8 ", 4) == 0 || memcmp (chunk, "VP8L", 4) == 0
          || memcmp (chunk, "ANIM", 4) == 0)
        break;
      offset += 8 + (goffset) size + (size & 1);
    }
out:
  close (fd);
  return result;
}

/* Whether @pattern occurs in the file at or after @min_offset. Searched backwards from the end,
 * where an end marker normally is, so a complete file costs one small read. */
static gboolean
file_has_after (int           fd,
                goffset       file_size,
                goffset       min_offset,
                const guint8 *pattern,
                gsize         len)
{
  g_autofree guint8 *buf = g_malloc (READ_CHUNK);
  goffset end = file_size;

  while (end - min_offset >= (goffset) len)
    {
      goffset start = MAX (min_offset, end - READ_CHUNK);
      gssize n = pread (fd, buf, (gsize) (end - start), start);

      if (n != end - start)
        return FALSE;
      for (gssize i = n - (gssize) len; i >= 0; i--)
        if (buf[i] == pattern[0] && memcmp (buf + i, pattern, len) == 0)
          return TRUE;
      if (start == min_offset)
        break;
      /* Overlap so a pattern split across two reads is seen. */
      end = start + (goffset) len - 1;
    }
  return FALSE;
}

/* Offset of the JPEG's first start-of-scan marker, or -1. */
static goffset
jpeg_find_sos (int fd)
{
  goffset offset = 2;

  for (guint guard = 0; guard < 100000; guard++)
    {
      guint8 marker[4];

      if (pread (fd, marker, sizeof marker, offset) != sizeof marker || marker[0] != 0xff)
        return -1;
      if (marker[1] == 0xda)
        return offset;
      if (marker[1] == 0xff)
        offset++;                                   /* fill byte */
      else if (marker[1] == 0x01 || (marker[1] >= 0xd0 && marker[1] <= 0xd7))
        offset += 2;                                /* no length */
      else
        offset += 2 + (((goffset) marker[2] << 8) | marker[3]);
    }
  return -1;
}

/* Uncompressed BMP rows have a known size: the pixel data must fit in the file. RLE-compressed
 * files cannot be checked this cheaply and are left to the loader. */
static gboolean
bmp_is_complete (int     fd,
                 goffset file_size)
{
  guint8 h[34];
  guint32 off_bits, header_size, compression;
  gint64 width, height, bpp, row_bytes;

  if (pread (fd, h, sizeof h, 0) != sizeof h)
    return FALSE;
  off_bits = read_le32 (h + 10);
  header_size = read_le32 (h + 14);
  if (header_size < 40)
    return TRUE;                                    /* OS/2 headers: left to the loader */
  width = (gint32) read_le32 (h + 18);
  height = ABS ((gint64) (gint32) read_le32 (h + 22));
  bpp = h[28] | (h[29] << 8);
  compression = read_le32 (h + 30);
  if (compression != 0 && compression != 3)
    return TRUE;
  row_bytes = ((width * bpp + 31) / 32) * 4;
  return (gint64) off_bits + height * row_bytes <= (gint64) file_size;
}

/* Whether a file the loader accepted really holds a whole image. GdkPixbuf's JPEG, PNG, BMP
 * and WebP loaders accept a truncated file and leave the missing rows grey or empty: a protected copy
 * of such a picture would silently be wrong. So the end marker is looked for:
 * - JPEG: FF D9 after the first start of scan. Within entropy-coded data every 0xFF byte is
 *   followed by 0x00 or a restart marker, so FF D9 found there is the real end; data some
 *   cameras append after it is ignored.
 * - PNG: the IEND chunk (zero length, "IEND") after the signature.
 * - BMP (uncompressed) and WebP: the file is as long as its header says. */
gboolean
_veil_image_file_is_complete (const char *path,
                  const char *format)
{
  static const guint8 jpeg_eoi[] = { 0xff, 0xd9 };
  static const guint8 png_iend[] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D' };
  gboolean complete = FALSE;
  struct stat st;
  int fd;

  if (!g_str_equal (format, "jpeg") && !g_str_equal (format, "png")
      && !g_str_equal (format, "bmp") && !g_str_equal (format, "webp"))
    return TRUE;
  fd = veil_open_regular (path, NULL);
  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) == 0)
    {
      if (g_str_equal (format, "png"))
        complete = file_has_after (fd, st.st_size, 8, png_iend, sizeof png_iend);
      else if (g_str_equal (format, "bmp"))
        complete = bmp_is_complete (fd, st.st_size);
      else if (g_str_equal (format, "webp"))
        {
          guint8 riff[8];

          /* The RIFF header gives the size of everything after it. */
          complete = pread (fd, riff, sizeof riff, 0) == sizeof riff
                     && 8 + (goffset) read_le32 (riff + 4) <= st.st_size;
        }
      else
        {
          goffset sos = jpeg_find_sos (fd);

          complete = sos >= 0 && file_has_after (fd, st.st_size, sos + 2, jpeg_eoi,
                                                 sizeof jpeg_eoi);
        }
    }
  close (fd);
  return complete;
}

static guint32
png_crc (const guint8 *data,
         gsize         len,
         guint32       crc)
{
  static guint32 table[256];
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (guint32 n = 0; n < 256; n++)
        {
          guint32 c = n;

          for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
          table[n] = c;
        }
      g_once_init_leave (&initialized, 1);
    }
  for (gsize i = 0; i < len; i++)
    crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return crc;
}

static void
append_be32 (GByteArray *array,
             guint32     v)
{
  guint8 b[4] = { (guint8) (v >> 24), (guint8) (v >> 16), (guint8) (v >> 8), (guint8) v };

  g_byte_array_append (array, b, 4);
}

/* GdkPixbuf's PNG saver hands libpng the profile before the image header, so libpng checks an
 * RGB profile against a "grayscale" image and refuses it. Write the iCCP chunk ourselves, right
 * after IHDR, where the PNG specification wants it (before PLTE and IDAT). */
GBytes *
_veil_png_insert_iccp (const guint8  *png,
                 gsize          png_len,
                 GBytes        *profile,
                 GError       **error)
{
  static const char keyword[] = "ICC profile";
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GByteArray) chunk = g_byte_array_new ();
  gsize profile_len;
  const guint8 *profile_data = g_bytes_get_data (profile, &profile_len);
  gsize ihdr_end = 8 + 4 + 4 + 13 + 4;
  gsize room = profile_len + profile_len / 100 + 64;
  gsize read = 0, written = 0;
  guint8 method = 0;
  GConverterResult result;

  if (png_len < ihdr_end || memcmp (png + 12, "IHDR", 4) != 0)
    {
      g_set_error_literal (error, VEIL_ERROR, VEIL_ERROR_FAILED,
                           _("The PNG encoder wrote an unexpected header"));
      return NULL;
    }

  /* type, keyword, NUL, compression method, then the deflated profile */
  g_byte_array_append (chunk, (const guint8 *) "iCCP", 4);
  g_byte_array_append (chunk, (const guint8 *) keyword, sizeof keyword);
  g_byte_array_append (chunk, &method, 1);
  g_byte_array_set_size (chunk, chunk->len + room);
  result = g_converter_convert (G_CONVERTER (compressor), profile_data, profile_len,
                                chunk->data + chunk->len - room, room,
                                G_CONVERTER_INPUT_AT_END, &read, &written, error);
  if (result != G_CONVERTER_FINISHED)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, VEIL_ERROR, VEIL_ERROR_FAILED,
                             _("Could not compress the ICC profile"));
      return NULL;
    }
  g_byte_array_set_size (chunk, chunk->len - room + written);

  g_byte_array_append (out, png, ihdr_end);
  append_be32 (out, chunk->len - 4);
  g_byte_array_append (out, chunk->data, chunk->len);
  append_be32 (out, png_crc (chunk->data, chunk->len, 0xffffffffu) ^ 0xffffffffu);
  g_byte_array_append (out, png + ihdr_end, png_len - ihdr_end);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* A TIFF's integers in its byte order; every read is bounds-checked by the caller. */
static guint32
tiff_read (const guint8 *p,
           gboolean      big_endian,
           int           size)
{
  guint32 v = 0;

  for (int i = 0; i < size; i++)
    v |= (guint32) p[big_endian ? i : size - 1 - i] << (8 * (size - 1 - i));
  return v;
}

/* The value of @tag in the IFD at @ifd (first value of a SHORT or LONG), or @fallback; the
 * offset of the next IFD in *@next. */
static guint32
tiff_ifd_tag (const guint8 *data,
              gsize         len,
              gboolean      be,
              guint32       ifd,
              guint16       tag,
              guint32       fallback,
              guint32      *next)
{
  guint32 n, value = fallback;

  *next = 0;
  if ((gsize) ifd + 2 > len)
    return fallback;
  n = tiff_read (data + ifd, be, 2);
  if ((gsize) ifd + 2 + (gsize) n * 12 + 4 > len)
    return fallback;
  for (guint32 i = 0; i < n; i++)
    {
      const guint8 *e = data + ifd + 2 + i * 12;
      guint32 type = tiff_read (e + 2, be, 2), count = tiff_read (e + 4, be, 4);
      int size = type == 3 ? 2 : type == 4 ? 4 : 0;

      if (tiff_read (e, be, 2) != tag || size == 0 || count == 0)
        continue;
      if ((gsize) count * size <= 4)
        value = tiff_read (e + 8, be, size);
      else
        {
          guint32 offset = tiff_read (e + 8, be, 4);

          if ((gsize) offset + size <= len)
            value = tiff_read (data + offset, be, size);
        }
    }
  *next = tiff_read (data + ifd + 2 + n * 12, be, 4);
  return value;
}

static GMappedFile *
map_tiff (const char    *path,
          const guint8 **data,
          gsize         *len,
          gboolean      *be,
          guint32       *ifd)
{
  GMappedFile *file;
  struct stat st;
  /* Only a regular file, opened without waiting: the path may have changed since the loader
   * read it. */
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

  if (fd < 0)
    return NULL;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      return NULL;
    }
  file = g_mapped_file_new_from_fd (fd, FALSE, NULL);
  close (fd);
  if (file == NULL)
    return NULL;
  *data = (const guint8 *) g_mapped_file_get_contents (file);
  *len = g_mapped_file_get_length (file);
  if (*len < 8 || (memcmp (*data, "II*\0", 4) != 0 && memcmp (*data, "MM\0*", 4) != 0))
    {
      g_mapped_file_unref (file);
      return NULL;
    }
  *be = (*data)[0] == 'M';
  *ifd = tiff_read (*data + 4, *be, 4);
  return file;
}

guint
_veil_image_bit_depth (const char *path,
                       const char *format)
{
  if (g_strcmp0 (format, "png") == 0)
    {
      guint8 head[25];
      gssize n = 0;
      int fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

      if (fd < 0)
        return 0;
      n = read (fd, head, sizeof head);
      close (fd);
      /* Signature, IHDR length and type, width, height, then the bit depth. */
      if (n == (gssize) sizeof head && memcmp (head + 12, "IHDR", 4) == 0)
        return head[24];
      return 0;
    }
  if (g_strcmp0 (format, "tiff") == 0)
    {
      const guint8 *data;
      gsize len;
      gboolean be;
      guint32 ifd, next, bits;
      g_autoptr(GMappedFile) file = map_tiff (path, &data, &len, &be, &ifd);

      if (file == NULL)
        return 0;
      bits = tiff_ifd_tag (data, len, be, ifd, 258, 1, &next);
      return bits;
    }
  return 0;
}

gboolean
_veil_tiff_has_more_pages (const char *path)
{
  const guint8 *data;
  gsize len;
  gboolean be;
  guint32 ifd, next;
  g_autoptr(GMappedFile) file = map_tiff (path, &data, &len, &be, &ifd);

  if (file == NULL)
    return FALSE;
  tiff_ifd_tag (data, len, be, ifd, 254, 0, &next);
  /* Pages, not reduced-resolution copies (NewSubfileType bit 0); a bounded walk. */
  for (int i = 0; i < 64 && next != 0 && next != ifd; i++)
    {
      guint32 after;

      ifd = next;
      if ((tiff_ifd_tag (data, len, be, ifd, 254, 0, &after) & 1) == 0)
        return TRUE;
      next = after;
    }
  return FALSE;
}
