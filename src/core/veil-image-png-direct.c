/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-image-io"

/* Decoding the simplest PNGs without libpng's row-by-row reader. libpng inflates a PNG one row
 * at a time, and zlib decodes that slowly when its output space is this short (under 258 bytes:
 * a 32-pixel RGB row is 97), which made inflating a tenth of an export of CIFAR-sized images.
 * Here the whole image is inflated in one call, then unfiltered.
 *
 * Only a file that is valid in every respect is taken: the signature, a well-formed IHDR for an
 * 8-bit RGB or RGBA non-interlaced image within Veil's limits, letters-only chunk names, every
 * chunk's CRC, consecutive IDAT chunks holding exactly one zlib stream (its Adler-32 checked by
 * zlib) that inflates to exactly the image's bytes, known row filters, and IEND with nothing
 * after it. Ancillary chunks that change nothing in the decoded pixels are passed over (after
 * their CRC); a palette, a transparency chunk or an ICC profile, and anything unexpected, send
 * the file to libpng (veil-image-png.c) and from there to GdkPixbuf, which decide and word the
 * errors as before. So this path changes no result, only the time. */

#include "config.h"

#include <string.h>

#include <zlib.h>

#include "veil-image-png.h"

#define CHUNK_OVERHEAD 12u /* length, type, CRC */
/* The whole inflated image is held at once besides the pixels: larger images go to libpng,
 * which needs one row, and gain little here. Deflate expands at most 1032 times, so a file
 * that claims more than that cannot hold its image. */
#define MAX_FILTERED_BYTES (32u * 1024u * 1024u)
#define MAX_DEFLATE_RATIO  1032u

static guint32
read_be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | (guint32) p[3];
}

typedef struct {
  const guint8 *type;
  const guint8 *data;
  guint32       length;
} Chunk;

/* The chunk at *@pos of @data, its CRC checked; advances *@pos past it. */
static gboolean
next_chunk (const guint8 *data,
            gsize         len,
            gsize        *pos,
            Chunk        *chunk)
{
  guint32 length;
  uLong crc;

  if (len - *pos < CHUNK_OVERHEAD)
    return FALSE;
  length = read_be32 (data + *pos);
  if (length > 0x7fffffffu || len - *pos - CHUNK_OVERHEAD < length)
    return FALSE;
  chunk->type = data + *pos + 4;
  chunk->data = chunk->type + 4;
  chunk->length = length;
  for (guint i = 0; i < 4; i++)
    if (!g_ascii_isalpha (chunk->type[i]))
      return FALSE;
  crc = crc32 (crc32 (0L, Z_NULL, 0), chunk->type, 4 + length);
  if (crc != read_be32 (chunk->data + length))
    return FALSE;
  *pos += CHUNK_OVERHEAD + length;
  return TRUE;
}

static gboolean
is_type (const Chunk *chunk,
         const char  *type)
{
  return memcmp (chunk->type, type, 4) == 0;
}

/* The Paeth predictor of the PNG specification, written without branches (with p = a + b - c:
 * |p - a| = |b - c|, |p - b| = |a - c|, |p - c| = |a + b - 2c|), so that the compiler picks
 * with conditional moves: the choice changes from byte to byte and defeats branch prediction. */
static inline guint8
paeth (guint8 a,
       guint8 b,
       guint8 c)
{
  int pa = ABS ((int) b - c);
  int pb = ABS ((int) a - c);
  int pc = ABS ((int) a + b - 2 * c);
  guint8 b_or_c = pb <= pc ? b : c;

  return pa <= pb && pa <= pc ? a : b_or_c;
}

/* Undoes the filter of one row: @src (without its filter byte) into @dst, @prior being the
 * row above as decoded (zeros for the first). */
static gboolean
unfilter_row (guint         filter,
              const guint8 *src,
              const guint8 *prior,
              guint8       *dst,
              gsize         row_bytes,
              guint         bpp)
{
  switch (filter)
    {
    case 0:
      memcpy (dst, src, row_bytes);
      return TRUE;
    case 1:
      memcpy (dst, src, bpp);
      for (gsize i = bpp; i < row_bytes; i++)
        dst[i] = (guint8) (src[i] + dst[i - bpp]);
      return TRUE;
    case 2:
      for (gsize i = 0; i < row_bytes; i++)
        dst[i] = (guint8) (src[i] + prior[i]);
      return TRUE;
    case 3:
      for (gsize i = 0; i < bpp; i++)
        dst[i] = (guint8) (src[i] + (prior[i] >> 1));
      for (gsize i = bpp; i < row_bytes; i++)
        dst[i] = (guint8) (src[i] + ((dst[i - bpp] + prior[i]) >> 1));
      return TRUE;
    case 4:
      for (gsize i = 0; i < bpp; i++)
        dst[i] = (guint8) (src[i] + prior[i]); /* Paeth of (0, b, 0) is b */
      for (gsize i = bpp; i < row_bytes; i++)
        dst[i] = (guint8) (src[i] + paeth (dst[i - bpp], prior[i], prior[i - bpp]));
      return TRUE;
    default:
      return FALSE;
    }
}

/* Unfilters @filtered (rows each preceded by their filter byte) into @pixbuf. */
static gboolean
unfilter (const guint8 *filtered,
          GdkPixbuf    *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  guint bpp = (guint) gdk_pixbuf_get_n_channels (pixbuf);
  gsize row_bytes = (gsize) width * bpp;
  gsize stride = (gsize) gdk_pixbuf_get_rowstride (pixbuf);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  g_autofree guint8 *zeros = g_malloc0 (row_bytes);

  for (int y = 0; y < height; y++)
    {
      const guint8 *src = filtered + (gsize) y * (row_bytes + 1);
      guint8 *dst = pixels + (gsize) y * stride;
      const guint8 *prior = y > 0 ? dst - stride : zeros;

      if (!unfilter_row (src[0], src + 1, prior, dst, row_bytes, bpp))
        return FALSE;
    }
  return TRUE;
}

/* Inflates the IDAT chunks starting at *@pos into exactly @out_len bytes of @out; leaves *@pos
 * at the chunk after them. */
static gboolean
inflate_idat (const guint8 *data,
              gsize         len,
              gsize        *pos,
              guint8       *out,
              gsize         out_len)
{
  z_stream zs = { 0 };
  gboolean ended = FALSE;
  gboolean ok = TRUE;

  if (out_len > G_MAXUINT32 || inflateInit (&zs) != Z_OK)
    return FALSE;
  zs.next_out = out;
  zs.avail_out = (uInt) out_len;
  for (;;)
    {
      gsize here = *pos;
      Chunk chunk;
      int status;

      if (!next_chunk (data, len, &here, &chunk))
        {
          ok = FALSE;
          break;
        }
      if (!is_type (&chunk, "IDAT"))
        break;
      *pos = here;
      /* Nothing may follow the end of the stream, not even an empty IDAT. */
      if (ended)
        {
          ok = FALSE;
          break;
        }
      zs.next_in = (Bytef *) chunk.data;
      zs.avail_in = chunk.length;
      status = inflate (&zs, Z_NO_FLUSH);
      if (status == Z_STREAM_END)
        ended = TRUE;
      else if (status != Z_OK && !(status == Z_BUF_ERROR && chunk.length == 0))
        {
          ok = FALSE;
          break;
        }
      if (zs.avail_in != 0)
        {
          ok = FALSE;
          break;
        }
    }
  ok = ok && ended && zs.total_out == out_len;
  inflateEnd (&zs);
  return ok;
}

VeilImage *
_veil_png_decode_direct (const guint8 *data,
                         gsize         len)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree guint8 *filtered = NULL;
  gsize pos = sizeof signature;
  gboolean seen_idat = FALSE;
  guint32 width, height;
  guint channels;
  gsize filtered_len;
  Chunk chunk;
  VeilImage *image;

  g_return_val_if_fail (data != NULL, NULL);

  if (len < sizeof signature || memcmp (data, signature, sizeof signature) != 0)
    return NULL;
  if (!next_chunk (data, len, &pos, &chunk) || !is_type (&chunk, "IHDR") || chunk.length != 13)
    return NULL;
  width = read_be32 (chunk.data);
  height = read_be32 (chunk.data + 4);
  /* 8 bits, RGB (2) or RGBA (6), deflate, adaptive filters, not interlaced. */
  if (chunk.data[8] != 8 || (chunk.data[9] != 2 && chunk.data[9] != 6) || chunk.data[10] != 0
      || chunk.data[11] != 0 || chunk.data[12] != 0)
    return NULL;
  if (width == 0 || height == 0 || width > VEIL_IMAGE_MAX_SIDE || height > VEIL_IMAGE_MAX_SIDE
      || (guint64) width * height > VEIL_IMAGE_MAX_PIXELS)
    return NULL;
  channels = chunk.data[9] == 6 ? 4 : 3;
  filtered_len = ((gsize) width * channels + 1) * height;
  if (filtered_len > MAX_FILTERED_BYTES || filtered_len / MAX_DEFLATE_RATIO > len)
    return NULL;

  for (;;)
    {
      gsize here = pos;

      if (!next_chunk (data, len, &here, &chunk))
        return NULL;
      if (is_type (&chunk, "IEND"))
        {
          if (!seen_idat || chunk.length != 0 || here != len)
            return NULL;
          break;
        }
      if (is_type (&chunk, "IDAT"))
        {
          if (seen_idat)
            return NULL;
          seen_idat = TRUE;
          pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, channels == 4, 8, (int) width,
                                   (int) height);
          filtered = g_try_malloc (filtered_len);
          if (pixbuf == NULL || filtered == NULL
              || !inflate_idat (data, len, &pos, filtered, filtered_len))
            return NULL;
          continue;
        }
      /* A critical chunk (uppercase first letter) other than those above, one whose reserved
       * bit is set (lowercase third letter), or an ancillary one that changes the pixels or
       * the profile: libpng's to judge. */
      if ((chunk.type[0] & 0x20) == 0 || (chunk.type[2] & 0x20) != 0
          || is_type (&chunk, "tRNS") || is_type (&chunk, "iCCP"))
        return NULL;
      pos = here;
    }

  if (!unfilter (filtered, pixbuf))
    return NULL;

  image = g_new0 (VeilImage, 1);
  image->pixbuf = g_steal_pointer (&pixbuf);
  image->format = g_strdup ("png");
  image->source_width = (int) width;
  image->source_height = (int) height;
  return image;
}
