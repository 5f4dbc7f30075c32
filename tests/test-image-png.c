/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <string.h>

#include <png.h>
#include <zlib.h>

#include <glib/gstdio.h>

#include "veil-error.h"
#include "veil-image-io.h"
#include "veil-image-png.h"
#include "veil-test-util.h"

/* The direct libpng path must give exactly what GdkPixbuf's loader gives, take only the files it
 * can, and leave every other file (and every error) to GdkPixbuf. */

static char *tmpdir;

typedef struct {
  const char *name;
  int         color_type;   /* PNG_COLOR_TYPE_* */
  int         bit_depth;
  gboolean    interlaced;
  gboolean    trns;
  int         width;
  int         height;
  gboolean    plain;        /* whether the direct path takes it */
} PngCase;

static const PngCase cases[] = {
  { "rgb-32", PNG_COLOR_TYPE_RGB, 8, FALSE, FALSE, 32, 32, TRUE },
  { "rgb-1x1", PNG_COLOR_TYPE_RGB, 8, FALSE, FALSE, 1, 1, TRUE },
  { "rgb-odd", PNG_COLOR_TYPE_RGB, 8, FALSE, FALSE, 33, 7, TRUE },
  { "rgba-odd", PNG_COLOR_TYPE_RGB_ALPHA, 8, FALSE, FALSE, 17, 9, TRUE },
  { "rgb-interlaced", PNG_COLOR_TYPE_RGB, 8, TRUE, FALSE, 19, 13, FALSE },
  { "rgb-16", PNG_COLOR_TYPE_RGB, 16, FALSE, FALSE, 12, 5, FALSE },
  { "rgb-trns", PNG_COLOR_TYPE_RGB, 8, FALSE, TRUE, 8, 8, FALSE },
  { "gray", PNG_COLOR_TYPE_GRAY, 8, FALSE, FALSE, 10, 6, FALSE },
  { "gray-alpha", PNG_COLOR_TYPE_GRAY_ALPHA, 8, FALSE, FALSE, 10, 6, FALSE },
  { "palette", PNG_COLOR_TYPE_PALETTE, 8, FALSE, FALSE, 10, 6, FALSE },
};

static void
append_to_array (png_structp png,
                 png_bytep   data,
                 png_size_t  len)
{
  g_byte_array_append (png_get_io_ptr (png), data, (guint) len);
}

static void
flush_nothing (png_structp png)
{
}

/* A PNG of @c with noise pixels, written by libpng itself with its defaults. */
static GBytes *
make_png (const PngCase *c)
{
  GByteArray *out = g_byte_array_new ();
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  int channels = c->color_type == PNG_COLOR_TYPE_RGB ? 3
                 : c->color_type == PNG_COLOR_TYPE_RGB_ALPHA ? 4
                 : c->color_type == PNG_COLOR_TYPE_GRAY_ALPHA ? 2 : 1;
  gsize row_bytes = (gsize) c->width * channels * (c->bit_depth / 8);
  g_autofree guint8 *pixels = g_malloc (row_bytes * c->height);
  g_autofree png_bytep *rows = g_new (png_bytep, c->height);

  g_assert_false (setjmp (png_jmpbuf (png)));
  veil_test_fill_random (pixels, row_bytes * c->height, (guint32) c->width * 31 + c->height);
  for (int y = 0; y < c->height; y++)
    rows[y] = pixels + row_bytes * y;
  png_set_write_fn (png, out, append_to_array, flush_nothing);
  png_set_IHDR (png, info, c->width, c->height, c->bit_depth, c->color_type,
                c->interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
  if (c->color_type == PNG_COLOR_TYPE_PALETTE)
    {
      png_color palette[256];

      for (int i = 0; i < 256; i++)
        palette[i] = (png_color) { (png_byte) i, (png_byte) (255 - i), (png_byte) (i * 7) };
      png_set_PLTE (png, info, palette, 256);
    }
  if (c->trns)
    {
      png_color_16 key = { .red = 0, .green = 0, .blue = 0 };

      png_set_tRNS (png, info, NULL, 0, &key);
    }
  png_write_info (png, info);
  png_write_image (png, rows);
  png_write_end (png, info);
  png_destroy_write_struct (&png, &info);
  return g_byte_array_free_to_bytes (out);
}

static char *
write_file (const char *name,
            GBytes     *bytes)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
  return path;
}

/* GdkPixbuf's own decode of @path, the way Veil used it before the direct path. */
static GdkPixbuf *
load_with_gdk_pixbuf (const char *path)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  gdk_pixbuf_loader_write (loader, (const guchar *) data, len, &error);
  g_assert_no_error (error);
  gdk_pixbuf_loader_close (loader, &error);
  g_assert_no_error (error);
  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

static void
assert_same_pixels (GdkPixbuf *a,
                    GdkPixbuf *b)
{
  int row_bytes = gdk_pixbuf_get_width (a) * gdk_pixbuf_get_n_channels (a);

  g_assert_cmpint (gdk_pixbuf_get_width (a), ==, gdk_pixbuf_get_width (b));
  g_assert_cmpint (gdk_pixbuf_get_height (a), ==, gdk_pixbuf_get_height (b));
  g_assert_cmpint (gdk_pixbuf_get_n_channels (a), ==, gdk_pixbuf_get_n_channels (b));
  for (int y = 0; y < gdk_pixbuf_get_height (a); y++)
    g_assert_cmpmem (gdk_pixbuf_read_pixels (a) + (gsize) y * gdk_pixbuf_get_rowstride (a),
                     row_bytes,
                     gdk_pixbuf_read_pixels (b) + (gsize) y * gdk_pixbuf_get_rowstride (b),
                     row_bytes);
}

static void
test_same_as_gdk_pixbuf (gconstpointer data)
{
  const PngCase *c = data;
  g_autoptr(GBytes) bytes = make_png (c);
  g_autofree char *name = g_strconcat (c->name, ".png", NULL);
  g_autofree char *path = write_file (name, bytes);
  g_autoptr(GdkPixbuf) expected = load_with_gdk_pixbuf (path);
  g_autoptr(VeilImage) plain = _veil_png_load_plain (path);
  g_autoptr(VeilImage) loaded = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true ((plain != NULL) == c->plain);
  if (plain != NULL)
    {
      assert_same_pixels (plain->pixbuf, expected);
      g_assert_cmpstr (plain->format, ==, "png");
      g_assert_null (plain->icc_profile);
    }

  /* Whichever path it takes, the public loader gives GdkPixbuf's pixels. */
  loaded = veil_image_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->format, ==, "png");
  g_assert_cmpint (loaded->source_width, ==, c->width);
  g_assert_cmpint (loaded->source_height, ==, c->height);
  assert_same_pixels (loaded->pixbuf, expected);
}

/* Damaged, extended or disguised files are not the direct path's to judge. */
static void
test_refused (void)
{
  const PngCase *c = &cases[0];
  g_autoptr(GBytes) bytes = make_png (c);
  gsize len;
  const guint8 *good = g_bytes_get_data (bytes, &len);
  g_autoptr(GByteArray) trailing = g_byte_array_new ();
  g_autoptr(GBytes) truncated = g_bytes_new (good, len - 20);
  g_autofree guint8 *bad_crc = g_memdup2 (good, len);
  g_autoptr(GBytes) bad_crc_bytes = NULL;
  g_autoptr(GBytes) text = g_bytes_new_static ("not a picture", 13);
  struct {
    const char *name;
    GBytes     *bytes;
  } refused[4];

  g_byte_array_append (trailing, good, (guint) len);
  g_byte_array_append (trailing, (const guint8 *) "junk", 4);
  bad_crc[8 + 8 + 13] ^= 0x55;        /* IHDR's CRC */
  bad_crc_bytes = g_bytes_new (bad_crc, len);
  refused[0].name = "trailing.png";
  refused[0].bytes = g_bytes_new (trailing->data, trailing->len);
  refused[1].name = "truncated.png";
  refused[1].bytes = g_bytes_ref (truncated);
  refused[2].name = "bad-crc.png";
  refused[2].bytes = g_bytes_ref (bad_crc_bytes);
  refused[3].name = "text.png";
  refused[3].bytes = g_bytes_ref (text);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *path = write_file (refused[i].name, refused[i].bytes);
      g_autoptr(VeilImage) plain = _veil_png_load_plain (path);

      g_assert_null (plain);
      g_bytes_unref (refused[i].bytes);
    }
  {
    g_autofree char *path = g_build_filename (tmpdir, "missing.png", NULL);
    g_assert_null (_veil_png_load_plain (path));
  }
}

/* What the encoder writes decodes to the same pixels in GdkPixbuf, with GdkPixbuf's chunks. */
static void
test_encode (gconstpointer data)
{
  const PngCase *c = data;
  g_autoptr(GdkPixbuf) source = gdk_pixbuf_new (GDK_COLORSPACE_RGB,
                                                c->color_type == PNG_COLOR_TYPE_RGB_ALPHA, 8,
                                                c->width, c->height);
  g_autoptr(GdkPixbuf) decoded = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *name = g_strconcat ("encoded-", c->name, ".png", NULL);
  g_autofree char *path = NULL;
  const char *expected_chunks[] = { "IHDR", "sBIT", "IDAT", "IEND" };
  guint n_chunks = 0;
  gsize len = 0;
  gsize pos = 8;

  veil_test_fill_random (gdk_pixbuf_get_pixels (source),
                         gdk_pixbuf_get_byte_length (source), (guint32) c->width);
  g_assert_true (_veil_png_encode (source, &out, &len, &error));
  g_assert_no_error (error);
  bytes = g_bytes_new_take (g_steal_pointer (&out), len);
  path = write_file (name, bytes);
  decoded = load_with_gdk_pixbuf (path);
  assert_same_pixels (decoded, source);

  /* The chunk types in order, consecutive IDATs counted once. */
  out = g_bytes_unref_to_data (g_steal_pointer (&bytes), &len);
  while (pos + 12 <= len)
    {
      guint32 chunk_len;
      const char *type = out + pos + 4;

      memcpy (&chunk_len, out + pos, sizeof chunk_len); /* chunks are not 4-byte aligned */
      chunk_len = GUINT32_FROM_BE (chunk_len);

      if (n_chunks == 0 || memcmp (type, "IDAT", 4) != 0
          || memcmp (expected_chunks[n_chunks - 1], "IDAT", 4) != 0)
        {
          g_assert_cmpuint (n_chunks, <, G_N_ELEMENTS (expected_chunks));
          g_assert_cmpmem (type, 4,
                           expected_chunks[MIN (n_chunks, G_N_ELEMENTS (expected_chunks) - 1)], 4);
          n_chunks++;
        }
      pos += 12 + chunk_len;
    }
  g_assert_cmpuint (n_chunks, ==, G_N_ELEMENTS (expected_chunks));
  g_assert_cmpuint (pos, ==, len);
}

/* A PNG put together chunk by chunk, so that the direct decoder (veil-image-png-direct.c) can
 * be given what libpng never writes: any filter on any row, IDAT split anywhere, chunks it must
 * pass over or refuse, and damage behind a valid CRC. */
typedef struct {
  int         width;
  int         height;
  gboolean    alpha;
  guint32     seed;
  guint       idat_size;   /* bytes per IDAT chunk; 0: one chunk */
  const char *before_idat; /* an extra chunk type before the IDATs, or NULL */
  const char *after_idat;  /* ... between the IDATs and IEND */
  guint8      bad_filter;  /* when not 0, row 1's filter byte */
  int         extra_rows;  /* rows more (or fewer) in the zlib stream than the image has */
  gboolean    zlib_trailing; /* bytes after the end of the zlib stream, inside IDAT */
  gboolean    bad_adler;   /* the stream's checksum wrong (the chunk's CRC right) */
  gboolean    bad_crc;     /* the first IDAT's CRC wrong */
  gboolean    split_by_text; /* a tEXt chunk between two IDATs */
  gboolean    trailing;    /* bytes after IEND */
} Crafted;

static void
append_chunk (GByteArray   *out,
              const char   *type,
              const guint8 *data,
              guint32       len,
              gboolean      bad_crc)
{
  guint32 be_len = GUINT32_TO_BE (len);
  guint32 crc = crc32 (crc32 (0L, Z_NULL, 0), (const Bytef *) type, 4);

  if (len > 0)
    crc = crc32 (crc, data, len); /* (with NULL, crc32() starts over) */
  if (bad_crc)
    crc ^= 1;
  crc = GUINT32_TO_BE (crc);
  g_byte_array_append (out, (const guint8 *) &be_len, 4);
  g_byte_array_append (out, (const guint8 *) type, 4);
  if (len > 0)
    g_byte_array_append (out, data, len);
  g_byte_array_append (out, (const guint8 *) &crc, 4);
}

static GBytes *
make_crafted (const Crafted *c)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  GByteArray *out = g_byte_array_new ();
  gsize row_bytes = (gsize) c->width * (c->alpha ? 4 : 3);
  int rows = c->height + c->extra_rows;
  gsize raw_len = (row_bytes + 1) * rows;
  g_autofree guint8 *raw = g_malloc (raw_len);
  uLongf z_len = compressBound (raw_len) + 8;
  g_autofree guint8 *z = g_malloc (z_len);
  guint8 ihdr[13];
  guint32 be;

  veil_test_fill_random (raw, raw_len, c->seed);
  /* Every filter, on rows chosen by the same random bytes. */
  for (int y = 0; y < rows; y++)
    raw[(row_bytes + 1) * y] %= 5;
  if (c->bad_filter != 0 && rows > 1)
    raw[row_bytes + 1] = c->bad_filter;
  g_assert_cmpint (compress2 (z, &z_len, raw, raw_len, 6), ==, Z_OK);
  if (c->bad_adler)
    z[z_len - 1] ^= 0x40;
  if (c->zlib_trailing)
    {
      memcpy (z + z_len, "junk", 4);
      z_len += 4;
    }

  g_byte_array_append (out, signature, sizeof signature);
  be = GUINT32_TO_BE ((guint32) c->width);
  memcpy (ihdr, &be, 4);
  be = GUINT32_TO_BE ((guint32) c->height);
  memcpy (ihdr + 4, &be, 4);
  ihdr[8] = 8;
  ihdr[9] = c->alpha ? 6 : 2;
  ihdr[10] = ihdr[11] = ihdr[12] = 0;
  append_chunk (out, "IHDR", ihdr, sizeof ihdr, FALSE);
  if (c->before_idat != NULL)
    append_chunk (out, c->before_idat, (const guint8 *) "\0\0\0\0\0\0\0\0\0\0\0\0", 12, FALSE);
  {
    gsize step = c->idat_size > 0 ? c->idat_size : z_len;
    gboolean first = TRUE;

    for (gsize pos = 0; pos < z_len; pos += step)
      {
        append_chunk (out, "IDAT", z + pos, (guint32) MIN (step, z_len - pos),
                      first && c->bad_crc);
        if (first && c->split_by_text)
          append_chunk (out, "tEXt", (const guint8 *) "a\0b", 3, FALSE);
        first = FALSE;
      }
  }
  if (c->after_idat != NULL)
    append_chunk (out, c->after_idat, (const guint8 *) "x\0y", 3, FALSE);
  append_chunk (out, "IEND", NULL, 0, FALSE);
  if (c->trailing)
    g_byte_array_append (out, (const guint8 *) "junk", 4);
  return g_byte_array_free_to_bytes (out);
}

/* Valid files with every filter, IDAT split in many ways and harmless ancillary chunks: the
 * direct decoder takes them and gives libpng's pixels (through GdkPixbuf's loader). */
static void
test_direct_same_pixels (void)
{
  const Crafted valid[] = {
    { .width = 32, .height = 32, .seed = 1 },
    { .width = 32, .height = 32, .alpha = TRUE, .seed = 2 },
    { .width = 1, .height = 1, .seed = 3 },
    { .width = 1, .height = 40, .alpha = TRUE, .seed = 4 },
    { .width = 57, .height = 3, .seed = 5, .idat_size = 1 },
    { .width = 33, .height = 17, .seed = 6, .idat_size = 100 },
    { .width = 20, .height = 20, .seed = 7, .before_idat = "gAMA", .after_idat = "tEXt" },
    { .width = 20, .height = 20, .seed = 8, .before_idat = "pHYs", .after_idat = "zzZz" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GBytes) bytes = make_crafted (&valid[i]);
      g_autofree char *name = g_strdup_printf ("direct-%u.png", i);
      g_autofree char *path = write_file (name, bytes);
      g_autoptr(GdkPixbuf) expected = load_with_gdk_pixbuf (path);
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);
      g_autoptr(VeilImage) direct = _veil_png_decode_direct (data, len);
      g_autoptr(VeilImage) plain = _veil_png_load_plain (path);

      g_test_message ("case %u", i);
      g_assert_nonnull (direct);
      assert_same_pixels (direct->pixbuf, expected);
      g_assert_cmpstr (direct->format, ==, "png");
      g_assert_null (direct->icc_profile);
      g_assert_cmpint (direct->source_width, ==, valid[i].width);
      g_assert_cmpint (direct->source_height, ==, valid[i].height);
      g_assert_nonnull (plain);
      assert_same_pixels (plain->pixbuf, expected);
    }

  /* And the files the encoder writes, as an export reads them back. */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    if (cases[i].plain)
      {
        g_autoptr(GBytes) bytes = make_png (&cases[i]);
        g_autofree char *name = g_strconcat ("direct-", cases[i].name, ".png", NULL);
        g_autofree char *path = write_file (name, bytes);
        g_autoptr(GdkPixbuf) expected = load_with_gdk_pixbuf (path);
        gsize len;
        const guint8 *data = g_bytes_get_data (bytes, &len);
        g_autoptr(VeilImage) direct = _veil_png_decode_direct (data, len);

        g_assert_nonnull (direct);
        assert_same_pixels (direct->pixbuf, expected);
      }
}

/* Anything unusual or damaged is left to libpng, with every check it makes: the CRCs and the
 * zlib checksum included. */
static void
test_direct_refused (void)
{
  const Crafted refused[] = {
    { .width = 16, .height = 16, .seed = 10, .bad_crc = TRUE },
    { .width = 16, .height = 16, .seed = 11, .bad_adler = TRUE },
    { .width = 16, .height = 16, .seed = 12, .bad_filter = 5 },
    { .width = 16, .height = 16, .seed = 13, .extra_rows = 1 },
    { .width = 16, .height = 16, .seed = 14, .extra_rows = -1 },
    { .width = 16, .height = 16, .seed = 15, .zlib_trailing = TRUE },
    { .width = 16, .height = 16, .seed = 16, .split_by_text = TRUE, .idat_size = 50 },
    { .width = 16, .height = 16, .seed = 17, .trailing = TRUE },
    { .width = 16, .height = 16, .seed = 18, .before_idat = "PLTE" },
    { .width = 16, .height = 16, .seed = 19, .before_idat = "tRNS" },
    { .width = 16, .height = 16, .seed = 20, .before_idat = "iCCP" },
    { .width = 16, .height = 16, .seed = 21, .before_idat = "ABCD" },
    { .width = 16, .height = 16, .seed = 22, .after_idat = "abcd" },
    { .width = 16, .height = 16, .seed = 23, .after_idat = "IHDR" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GBytes) bytes = make_crafted (&refused[i]);
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);
      g_autoptr(VeilImage) direct = _veil_png_decode_direct (data, len);

      g_test_message ("case %u", i);
      g_assert_null (direct);
    }

  /* Cut anywhere, a valid file is refused. */
  {
    const Crafted good = { .width = 8, .height = 8, .seed = 30, .idat_size = 40 };
    g_autoptr(GBytes) bytes = make_crafted (&good);
    gsize len;
    const guint8 *data = g_bytes_get_data (bytes, &len);

    for (gsize cut = 0; cut < len; cut++)
      g_assert_null (_veil_png_decode_direct (data, cut));
    {
      g_autoptr(VeilImage) whole = _veil_png_decode_direct (data, len);
      g_assert_nonnull (whole);
    }
  }
}

/* Rewrites every chunk's CRC of @data that its length allows, so that a mutation reaches the
 * checks behind the CRC. */
static void
fix_crcs (guint8 *data,
          gsize   len)
{
  gsize pos = 8;

  while (pos + 12 <= len)
    {
      guint32 chunk_len = (guint32) data[pos] << 24 | (guint32) data[pos + 1] << 16
                          | (guint32) data[pos + 2] << 8 | data[pos + 3];
      guint32 crc;

      if (chunk_len > len - pos - 12)
        break;
      crc = crc32 (crc32 (0L, Z_NULL, 0), data + pos + 4, 4 + chunk_len);
      crc = GUINT32_TO_BE (crc);
      memcpy (data + pos + 8 + chunk_len, &crc, 4);
      pos += 12 + chunk_len;
    }
}

/* Differential: of thousands of damaged variants (bits flipped, CRCs made right again), every
 * one the direct decoder takes, libpng (through GdkPixbuf's loader) reads to the same pixels. */
static void
test_direct_mutations (void)
{
  const Crafted sources[] = {
    { .width = 12, .height = 9, .seed = 40, .idat_size = 64, .before_idat = "gAMA",
      .after_idat = "tEXt" },
    { .width = 7, .height = 5, .alpha = TRUE, .seed = 41 },
  };
  GRand *rand = g_rand_new_with_seed (42);
  const guint n_variants = 3000;
  guint n_taken = 0;

  for (guint s = 0; s < G_N_ELEMENTS (sources); s++)
    {
      g_autoptr(GBytes) bytes = make_crafted (&sources[s]);
      gsize len;
      const guint8 *good = g_bytes_get_data (bytes, &len);

      for (guint i = 0; i < n_variants; i++)
        {
          g_autofree guint8 *data = g_memdup2 (good, len);
          guint n_flips = 1 + g_rand_int_range (rand, 0, 3);
          g_autoptr(VeilImage) direct = NULL;

          for (guint f = 0; f < n_flips; f++)
            data[g_rand_int_range (rand, 8, (gint32) len)] ^= 1u << g_rand_int_range (rand, 0, 8);
          if (g_rand_int_range (rand, 0, 4) != 0)
            fix_crcs (data, len);
          direct = _veil_png_decode_direct (data, len);
          if (direct != NULL)
            {
              g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
              g_autoptr(GError) error = NULL;

              n_taken++;
              gdk_pixbuf_loader_write (loader, data, len, &error);
              g_assert_no_error (error);
              gdk_pixbuf_loader_close (loader, &error);
              g_assert_no_error (error);
              assert_same_pixels (direct->pixbuf, gdk_pixbuf_loader_get_pixbuf (loader));
            }
        }
    }
  g_test_message ("%u of %u variants taken", n_taken,
                  n_variants * (guint) G_N_ELEMENTS (sources));
  /* Some land in places that change nothing (a text chunk, a flipped bit in a CRC made right
   * again...), so the comparison is exercised. */
  g_assert_cmpuint (n_taken, >, 0);
  g_rand_free (rand);
}

/* The public functions take the direct path: with GdkPixbuf's PNG module disabled, a plain PNG
 * still loads and PNG output is still written, while a PNG only GdkPixbuf reads fails. (A merge
 * once dropped the two hooks in veil-image-io.c and every other test still passed.) */
static void
test_public_path (void)
{
  g_autoptr(GBytes) plain_bytes = make_png (&cases[0]);
  g_autoptr(GBytes) interlaced_bytes = make_png (&cases[4]);
  g_autofree char *plain_path = write_file ("public-plain.png", plain_bytes);
  g_autofree char *interlaced_path = write_file ("public-interlaced.png", interlaced_bytes);
  g_autoptr(GdkPixbuf) expected = load_with_gdk_pixbuf (plain_path);
  g_autoptr(VeilImage) plain = NULL;
  g_autoptr(VeilImage) interlaced = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GError) error = NULL;
  GdkPixbufFormat *png_format = NULL;
  GSList *formats = gdk_pixbuf_get_formats ();

  g_assert_false (cases[4].plain);
  for (GSList *l = formats; l != NULL; l = l->next)
    {
      g_autofree char *name = gdk_pixbuf_format_get_name (l->data);

      if (g_str_equal (name, "png"))
        png_format = l->data;
    }
  g_slist_free (formats);
  g_assert_nonnull (png_format);

  gdk_pixbuf_format_set_disabled (png_format, TRUE);
  plain = veil_image_load (plain_path, NULL, &error);
  g_assert_no_error (error);
  assert_same_pixels (plain->pixbuf, expected);
  encoded = veil_image_encode (plain, plain->pixbuf, "png", 90, &error);
  g_assert_no_error (error);
  g_assert_nonnull (encoded);
  interlaced = veil_image_load (interlaced_path, NULL, &error);
  gdk_pixbuf_format_set_disabled (png_format, FALSE);
  g_assert_null (interlaced);
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = veil_test_make_tmpdir ("veil-image-png-XXXXXX");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strconcat ("/core/image-png/same-as-gdk-pixbuf/", cases[i].name,
                                           NULL);
      g_test_add_data_func (name, &cases[i], test_same_as_gdk_pixbuf);
    }
  g_test_add_func ("/core/image-png/refused", test_refused);
  g_test_add_func ("/core/image-png/public-path", test_public_path);
  g_test_add_func ("/core/image-png/direct/same-pixels", test_direct_same_pixels);
  g_test_add_func ("/core/image-png/direct/refused", test_direct_refused);
  g_test_add_func ("/core/image-png/direct/mutations", test_direct_mutations);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    if (cases[i].plain)
      {
        g_autofree char *name = g_strconcat ("/core/image-png/encode/", cases[i].name, NULL);
        g_test_add_data_func (name, &cases[i], test_encode);
      }

  status = g_test_run ();
  veil_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
