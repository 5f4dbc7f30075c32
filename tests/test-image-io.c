/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "veil-error.h"
#include "veil-image-io.h"
#include "veil-test-util.h"

static char *tmpdir;

/* ---- fixtures ---------------------------------------------------------------------------- */

static GdkPixbuf *
make_noise (int      width,
            int      height,
            gboolean alpha,
            guint32  seed)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, alpha, 8, width, height);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int n = gdk_pixbuf_get_n_channels (pixbuf);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);

  for (int y = 0; y < height; y++)
    veil_test_fill_random (pixels + (gsize) y * stride, (gsize) width * n, seed + (guint32) y);
  return pixbuf;
}

/* Smooth content, so lossy formats stay close to it. */
static GdkPixbuf *
make_gradient (int      width,
               int      height,
               gboolean alpha)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, alpha, 8, width, height);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int n = gdk_pixbuf_get_n_channels (pixbuf);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + (gsize) x * n;

        p[0] = (guint8) (x * 255 / MAX (width - 1, 1));
        p[1] = (guint8) (y * 255 / MAX (height - 1, 1));
        p[2] = (guint8) ((x + y) * 127 / MAX (width + height - 2, 1));
        if (alpha)
          p[3] = (guint8) (64 + (x * 191) / MAX (width - 1, 1));
      }
  return pixbuf;
}

/* SHA-256 of the visible pixel bytes (row padding excluded). */
static char *
pixel_checksum (GdkPixbuf *pixbuf)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  int row_bytes = gdk_pixbuf_get_width (pixbuf) * gdk_pixbuf_get_n_channels (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);

  for (int y = 0; y < gdk_pixbuf_get_height (pixbuf); y++)
    g_checksum_update (sum, pixels + (gsize) y * gdk_pixbuf_get_rowstride (pixbuf),
                       row_bytes);
  return g_strdup (g_checksum_get_string (sum));
}

/* Mean absolute difference over the RGB samples of two same-sized pixbufs. */
static double
mean_abs_diff (GdkPixbuf *a,
               GdkPixbuf *b)
{
  int width = gdk_pixbuf_get_width (a);
  int height = gdk_pixbuf_get_height (a);
  guint64 total = 0;

  g_assert_cmpint (gdk_pixbuf_get_width (b), ==, width);
  g_assert_cmpint (gdk_pixbuf_get_height (b), ==, height);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *pa = gdk_pixbuf_read_pixels (a) + (gsize) y * gdk_pixbuf_get_rowstride (a)
                           + (gsize) x * gdk_pixbuf_get_n_channels (a);
        const guint8 *pb = gdk_pixbuf_read_pixels (b) + (gsize) y * gdk_pixbuf_get_rowstride (b)
                           + (gsize) x * gdk_pixbuf_get_n_channels (b);

        for (int c = 0; c < 3; c++)
          total += (guint64) ABS ((int) pa[c] - (int) pb[c]);
      }
  return (double) total / ((double) width * height * 3);
}

static char *
write_file (const char   *name,
            const guint8 *data,
            gsize         len)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) data, (gssize) len, &error);
  g_assert_no_error (error);
  return path;
}

static char *
write_bytes (const char *name,
             GBytes     *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return write_file (name, data, len);
}

static GBytes *
encode_plain (GdkPixbuf  *pixbuf,
              const char *format)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = veil_image_encode (NULL, pixbuf, format, 95, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

static guint32
crc32_of (const guint8 *data,
          gsize         len)
{
  guint32 crc = 0xffffffffu;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
  return crc ^ 0xffffffffu;
}

static void
put_be32 (guint8  *p,
          guint32  v)
{
  p[0] = (guint8) (v >> 24);
  p[1] = (guint8) (v >> 16);
  p[2] = (guint8) (v >> 8);
  p[3] = (guint8) v;
}

/* A PNG signature and an IHDR chunk with a correct CRC, then nothing: the header claims the
 * size, no pixel data follows. */
static GBytes *
png_header_only (guint32 width,
                 guint32 height)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 data[8 + 25];

  memcpy (data, signature, 8);
  put_be32 (data + 8, 13);
  memcpy (data + 12, "IHDR", 4);
  put_be32 (data + 16, width);
  put_be32 (data + 20, height);
  data[24] = 8;  /* bit depth */
  data[25] = 2;  /* RGB */
  data[26] = 0;
  data[27] = 0;
  data[28] = 0;
  put_be32 (data + 29, crc32_of (data + 12, 17));
  return g_bytes_new (data, sizeof data);
}

/* A valid JPEG whose SOF0 frame header is patched to claim @width × @height. */
static GBytes *
jpeg_claiming (guint16 width,
               guint16 height)
{
  g_autoptr(GdkPixbuf) pixbuf = make_gradient (16, 16, FALSE);
  g_autoptr(GBytes) jpeg = encode_plain (pixbuf, "jpeg");
  gsize len;
  guint8 *data = g_bytes_unref_to_data (g_steal_pointer (&jpeg), &len);

  for (gsize i = 2; i + 9 < len; i++)
    if (data[i] == 0xff && data[i + 1] == 0xc0)
      {
        data[i + 5] = (guint8) (height >> 8);
        data[i + 6] = (guint8) height;
        data[i + 7] = (guint8) (width >> 8);
        data[i + 8] = (guint8) width;
        return g_bytes_new_take (data, len);
      }
  g_assert_not_reached ();
}

/* A BMP header (BITMAPINFOHEADER) claiming the size, with no pixel data. */
static GBytes *
bmp_header_only (gint32 width,
                 gint32 height)
{
  guint8 data[54] = { 'B', 'M' };
  guint32 fields[][2] = {
    { 2, 54 }, { 10, 54 }, { 14, 40 }, { 18, (guint32) width }, { 22, (guint32) height },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      guint8 *p = data + fields[i][0];

      p[0] = (guint8) fields[i][1];
      p[1] = (guint8) (fields[i][1] >> 8);
      p[2] = (guint8) (fields[i][1] >> 16);
      p[3] = (guint8) (fields[i][1] >> 24);
    }
  data[26] = 1;   /* planes */
  data[28] = 24;  /* bits per pixel */
  return g_bytes_new (data, sizeof data);
}

/* ---- round trips ------------------------------------------------------------------------- */

typedef struct {
  const char *format;
  const char *extension;
  gboolean    alpha;
  gboolean    lossless;
  gboolean    keeps_alpha;
} RoundTrip;

static const RoundTrip round_trips[] = {
  { "png", "png", FALSE, TRUE, TRUE },
  { "png", "png", TRUE, TRUE, TRUE },
  { "tiff", "tif", FALSE, TRUE, TRUE },
  /* GdkPixbuf's TIFF reader premultiplies alpha: colours come back within rounding. */
  { "tiff", "tiff", TRUE, FALSE, TRUE },
  { "bmp", "bmp", FALSE, TRUE, FALSE },
  { "jpeg", "jpg", FALSE, FALSE, FALSE },
  { "jpeg", "JPEG", TRUE, FALSE, FALSE },  /* alpha dropped on purpose */
  { "webp", "webp", FALSE, FALSE, TRUE },
  { "webp", "webp", TRUE, FALSE, TRUE },
};

static void
test_round_trip (gconstpointer data)
{
  const RoundTrip *rt = data;
  g_autoptr(GdkPixbuf) source = rt->lossless ? make_noise (67, 41, rt->alpha, 7)
                                             : make_gradient (67, 41, rt->alpha);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(VeilImage) image = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  if (!veil_image_format_is_writable (rt->format))
    {
      g_test_skip ("no GdkPixbuf saver for this format");
      return;
    }

  bytes = encode_plain (source, rt->format);
  name = g_strdup_printf ("round-trip-%s-%d.%s", rt->format, rt->alpha, rt->extension);
  path = write_bytes (name, bytes);
  image = veil_image_load (path, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (image->format, ==, rt->format);
  g_assert_cmpint (gdk_pixbuf_get_width (image->pixbuf), ==, 67);
  g_assert_cmpint (gdk_pixbuf_get_height (image->pixbuf), ==, 41);
  g_assert_cmpint (image->source_width, ==, 67);
  g_assert_cmpint (image->source_height, ==, 41);
  g_assert_cmpint (gdk_pixbuf_get_bits_per_sample (image->pixbuf), ==, 8);
  g_assert_cmpint (gdk_pixbuf_get_has_alpha (image->pixbuf), ==, rt->alpha && rt->keeps_alpha);
  g_assert_null (image->icc_profile);

  if (rt->lossless && (rt->keeps_alpha || !rt->alpha))
    {
      g_autofree char *expected = pixel_checksum (source);
      g_autofree char *actual = pixel_checksum (image->pixbuf);

      g_assert_cmpstr (actual, ==, expected);
    }
  else
    g_assert_cmpfloat (mean_abs_diff (source, image->pixbuf), <, 3.0);
}

/* Encoding the loaded image again and loading that gives the same pixels (lossless formats). */
static void
test_reencode_stable (void)
{
  g_autoptr(GdkPixbuf) source = make_noise (33, 17, TRUE, 11);
  g_autoptr(GBytes) first = encode_plain (source, "png");
  g_autofree char *path = write_bytes ("stable.png", first);
  g_autoptr(VeilImage) image = veil_image_load (path, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) second = veil_image_encode (image, image->pixbuf, "png", 95, &error);

  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (first, second));
}

/* ---- ICC profile ------------------------------------------------------------------------- */

/* A small, well-formed ICC v2 display profile (header, one media white point tag), with
 * distinctive bytes in the profile ID so that any change to it is noticed. */
static GBytes *
make_icc_profile (void)
{
  static const guint8 d50[12] = { 0, 0, 0xf6, 0xd6, 0, 1, 0, 0, 0, 0, 0xd3, 0x2d };
  guint8 profile[128 + 4 + 12 + 20] = { 0 };

  put_be32 (profile, sizeof profile);
  put_be32 (profile + 8, 0x02100000);
  memcpy (profile + 12, "mntr", 4);
  memcpy (profile + 16, "RGB ", 4);
  memcpy (profile + 20, "XYZ ", 4);
  memcpy (profile + 36, "acsp", 4);
  memcpy (profile + 68, d50, sizeof d50);
  for (int i = 0; i < 16; i++)
    profile[84 + i] = (guint8) (0xa0 + 3 * i);
  put_be32 (profile + 128, 1);           /* tag count */
  memcpy (profile + 132, "wtpt", 4);     /* tag: signature, offset, size */
  put_be32 (profile + 136, 144);
  put_be32 (profile + 140, 20);
  memcpy (profile + 144, "XYZ ", 4);     /* XYZType: D50 white */
  memcpy (profile + 152, d50, sizeof d50);
  return g_bytes_new (profile, sizeof profile);
}

static void
test_icc_kept (gconstpointer data)
{
  const char *format = data;
  g_autoptr(GBytes) profile = make_icc_profile ();
  g_autoptr(GdkPixbuf) source = make_gradient (24, 16, FALSE);
  VeilImage carrier = { .pixbuf = source, .format = (char *) format, .icc_profile = profile };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(VeilImage) image = NULL;
  g_autoptr(VeilImage) image2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *path2 = NULL;

  if (!veil_image_format_is_writable (format))
    {
      g_test_skip ("no GdkPixbuf saver for this format");
      return;
    }

  /* encode → load → encode → load: the profile survives both trips byte for byte. */
  bytes = veil_image_encode (&carrier, source, format, 90, &error);
  g_assert_no_error (error);
  name = g_strdup_printf ("icc.%s", veil_image_format_extension (format));
  path = write_bytes (name, bytes);
  image = veil_image_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (image->icc_profile);
  g_assert_true (g_bytes_equal (image->icc_profile, profile));

  again = veil_image_encode (image, image->pixbuf, format, 90, &error);
  g_assert_no_error (error);
  g_free (name);
  name = g_strdup_printf ("icc2.%s", veil_image_format_extension (format));
  path2 = write_bytes (name, again);
  image2 = veil_image_load (path2, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (image2->icc_profile);
  g_assert_true (g_bytes_equal (image2->icc_profile, profile));
}

/* ---- EXIF orientation -------------------------------------------------------------------- */

/* The source's four quadrants: red top-left, green top-right, blue bottom-left, white
 * bottom-right. Blocks are multiples of 16 pixels so JPEG keeps the colours clean. */
#define Q_W 64
#define Q_H 32

static const guint8 quadrant_colors[4][3] = {
  { 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 }, { 255, 255, 255 }
};

static int
quadrant_of (int x,
             int y)
{
  return (y >= Q_H / 2 ? 2 : 0) + (x >= Q_W / 2 ? 1 : 0);
}

static GdkPixbuf *
make_quadrants (void)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, Q_W, Q_H);

  for (int y = 0; y < Q_H; y++)
    for (int x = 0; x < Q_W; x++)
      memcpy (gdk_pixbuf_get_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf) + x * 3,
              quadrant_colors[quadrant_of (x, y)], 3);
  return pixbuf;
}

/* Inserts an APP1 Exif segment holding only IFD0 with the Orientation tag right after SOI
 * (GdkPixbuf's JPEG saver writes no EXIF). Little-endian TIFF inside. */
static GBytes *
splice_exif_orientation (GBytes *jpeg,
                         guint   orientation)
{
  static const guint8 tiff_header[8] = { 'I', 'I', 42, 0, 8, 0, 0, 0 };
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);
  GByteArray *out = g_byte_array_new ();
  guint8 payload[6 + 8 + 2 + 12 + 4] = { 'E', 'x', 'i', 'f', 0, 0 };
  guint8 *ifd = payload + 14;
  guint8 marker[4] = { 0xff, 0xe1 };
  guint seg_len = sizeof payload + 2;

  g_assert_cmpuint (len, >, 4);
  g_assert_cmpint (data[0], ==, 0xff);
  g_assert_cmpint (data[1], ==, 0xd8);

  memcpy (payload + 6, tiff_header, sizeof tiff_header);
  ifd[0] = 1;            /* one entry */
  ifd[2] = 0x12;         /* tag 0x0112 Orientation */
  ifd[3] = 0x01;
  ifd[4] = 3;            /* SHORT */
  ifd[6] = 1;            /* count 1 */
  ifd[10] = (guint8) orientation;
  /* next IFD offset: 0 (already zero) */
  marker[2] = (guint8) (seg_len >> 8);
  marker[3] = (guint8) seg_len;

  g_byte_array_append (out, data, 2);
  g_byte_array_append (out, marker, sizeof marker);
  g_byte_array_append (out, payload, sizeof payload);
  g_byte_array_append (out, data + 2, (guint) (len - 2));
  return g_byte_array_free_to_bytes (out);
}

/* Where the upright pixel (x, y) comes from in the stored W×H image, per EXIF orientation. */
static void
stored_coords (guint  orientation,
               int    x,
               int    y,
               int   *sx,
               int   *sy)
{
  switch (orientation)
    {
    case 1: *sx = x; *sy = y; break;
    case 2: *sx = Q_W - 1 - x; *sy = y; break;
    case 3: *sx = Q_W - 1 - x; *sy = Q_H - 1 - y; break;
    case 4: *sx = x; *sy = Q_H - 1 - y; break;
    case 5: *sx = y; *sy = x; break;
    case 6: *sx = y; *sy = Q_H - 1 - x; break;
    case 7: *sx = Q_W - 1 - y; *sy = Q_H - 1 - x; break;
    case 8: *sx = Q_W - 1 - y; *sy = x; break;
    default: g_assert_not_reached ();
    }
}

static void
check_upright (VeilImage *image,
               guint      orientation,
               int        scale_down)
{
  gboolean swapped = orientation >= 5;
  int up_w = swapped ? Q_H : Q_W;
  int up_h = swapped ? Q_W : Q_H;
  GdkPixbuf *pixbuf = image->pixbuf;

  g_assert_cmpint (image->source_width, ==, up_w);
  g_assert_cmpint (image->source_height, ==, up_h);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, up_w / scale_down);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, up_h / scale_down);

  /* Sample the middle of each upright quadrant. */
  for (int qy = 0; qy < 2; qy++)
    for (int qx = 0; qx < 2; qx++)
      {
        int x = up_w / 4 + qx * up_w / 2;
        int y = up_h / 4 + qy * up_h / 2;
        int sx, sy;
        const guint8 *expected;
        const guint8 *actual;

        stored_coords (orientation, x, y, &sx, &sy);
        expected = quadrant_colors[quadrant_of (sx, sy)];
        actual = gdk_pixbuf_read_pixels (pixbuf)
                 + (y / scale_down) * gdk_pixbuf_get_rowstride (pixbuf)
                 + (x / scale_down) * gdk_pixbuf_get_n_channels (pixbuf);
        for (int c = 0; c < 3; c++)
          g_assert_cmpint (ABS ((int) actual[c] - (int) expected[c]), <, 40);
      }
}

static void
test_orientation (gconstpointer data)
{
  guint orientation = GPOINTER_TO_UINT (data);
  g_autoptr(GdkPixbuf) source = make_quadrants ();
  g_autoptr(GBytes) plain = encode_plain (source, "jpeg");
  g_autoptr(GBytes) tagged = splice_exif_orientation (plain, orientation);
  g_autofree char *name = g_strdup_printf ("orientation-%u.jpg", orientation);
  g_autofree char *path = write_bytes (name, tagged);
  g_autoptr(VeilImage) full = NULL;
  g_autoptr(VeilImage) half = NULL;
  g_autoptr(GError) error = NULL;
  gboolean swapped = orientation >= 5;

  full = veil_image_load (path, NULL, &error);
  g_assert_no_error (error);
  check_upright (full, orientation, 1);

  /* Reduced size: the box is the upright shape halved, so the result is exactly half. */
  half = veil_image_load_at_size (path, (swapped ? Q_H : Q_W) / 2, (swapped ? Q_W : Q_H) / 2,
                                  NULL, &error);
  g_assert_no_error (error);
  check_upright (half, orientation, 2);
}

/* ---- reduced-size decode ----------------------------------------------------------------- */

static void
test_load_at_size (void)
{
  g_autoptr(GdkPixbuf) source = make_gradient (2400, 1600, FALSE);
  g_autoptr(GBytes) jpeg = encode_plain (source, "jpeg");
  g_autofree char *path = write_bytes ("large.jpg", jpeg);
  g_autoptr(VeilImage) small = NULL;
  g_autoptr(VeilImage) tall_box = NULL;
  g_autoptr(VeilImage) big_box = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  gint64 reduced_us, full_us;

  start = g_get_monotonic_time ();
  small = veil_image_load_at_size (path, 300, 300, NULL, &error);
  reduced_us = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (small->pixbuf), ==, 300);
  g_assert_cmpint (gdk_pixbuf_get_height (small->pixbuf), ==, 200);
  g_assert_cmpint (small->source_width, ==, 2400);
  g_assert_cmpint (small->source_height, ==, 1600);
  g_assert_cmpstr (small->format, ==, "jpeg");

  /* Content is the same picture, scaled: compare against a scaled full decode. */
  {
    g_autoptr(VeilImage) full = NULL;
    g_autoptr(GdkPixbuf) scaled = NULL;

    start = g_get_monotonic_time ();
    full = veil_image_load (path, NULL, &error);
    full_us = g_get_monotonic_time () - start;
    g_assert_no_error (error);
    scaled = gdk_pixbuf_scale_simple (full->pixbuf, 300, 200, GDK_INTERP_BILINEAR);
    g_assert_cmpfloat (mean_abs_diff (scaled, small->pixbuf), <, 4.0);
    g_test_message ("2400×1600 JPEG: full decode %.1f ms, fit in 300×300 %.1f ms",
                    full_us / 1000.0, reduced_us / 1000.0);
  }

  /* A narrow box limits the width; never enlarged in a big box. */
  tall_box = veil_image_load_at_size (path, 120, 5000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (tall_box->pixbuf), ==, 120);
  g_assert_cmpint (gdk_pixbuf_get_height (tall_box->pixbuf), ==, 80);
  big_box = veil_image_load_at_size (path, 10000, 10000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (big_box->pixbuf), ==, 2400);
  g_assert_cmpint (gdk_pixbuf_get_height (big_box->pixbuf), ==, 1600);
}

static void
test_load_at_size_png (void)
{
  g_autoptr(GdkPixbuf) source = make_noise (90, 30, TRUE, 3);
  g_autoptr(GBytes) png = encode_plain (source, "png");
  g_autofree char *path = write_bytes ("small-alpha.png", png);
  g_autoptr(VeilImage) image = NULL;
  g_autoptr(GError) error = NULL;

  image = veil_image_load_at_size (path, 45, 45, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (image->pixbuf), ==, 45);
  g_assert_cmpint (gdk_pixbuf_get_height (image->pixbuf), ==, 15);
  g_assert_true (gdk_pixbuf_get_has_alpha (image->pixbuf));
  g_assert_cmpint (image->source_width, ==, 90);
}

/* ---- tiny images ------------------------------------------------------------------------- */

static void
test_one_pixel (gconstpointer data)
{
  const char *format = data;
  g_autoptr(GdkPixbuf) source = make_noise (1, 1, FALSE, 5);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(VeilImage) image = NULL;
  g_autoptr(VeilImage) preview = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  if (!veil_image_format_is_writable (format))
    {
      g_test_skip ("no GdkPixbuf saver for this format");
      return;
    }
  bytes = encode_plain (source, format);
  name = g_strdup_printf ("one.%s", veil_image_format_extension (format));
  path = write_bytes (name, bytes);
  image = veil_image_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (image->pixbuf), ==, 1);
  g_assert_cmpint (gdk_pixbuf_get_height (image->pixbuf), ==, 1);
  preview = veil_image_load_at_size (path, 1, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (preview->pixbuf), ==, 1);
  again = veil_image_encode (image, image->pixbuf, format, 95, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (again), >, 0);
}

/* ---- bad input --------------------------------------------------------------------------- */

typedef GBytes *(*MakeBad) (void);

typedef struct {
  const char *test_name;
  const char *file_name;
  MakeBad     make;
  GQuark    (*domain) (void);
  int         code;
} BadInput;

static GBytes *
bad_empty (void)
{
  return g_bytes_new (NULL, 0);
}

static GBytes *
bad_text (void)
{
  static const char text[] = "This is a note about the photos, not a photo.\n";

  return g_bytes_new_static (text, sizeof text - 1);
}

static GBytes *
truncated (const char *format,
           gboolean    noise)
{
  g_autoptr(GdkPixbuf) source = noise ? make_noise (256, 256, FALSE, 9)
                                      : make_gradient (256, 256, FALSE);
  g_autoptr(GBytes) whole = encode_plain (source, format);

  return g_bytes_new_from_bytes (whole, 0, g_bytes_get_size (whole) / 2);
}

static GBytes *
bad_truncated_jpeg (void)
{
  return truncated ("jpeg", TRUE);
}

static GBytes *
bad_truncated_png (void)
{
  return truncated ("png", TRUE);
}

static GBytes *
bad_truncated_bmp (void)
{
  return truncated ("bmp", TRUE);
}

static GBytes *
bad_truncated_tiff (void)
{
  return truncated ("tiff", TRUE);
}

static GBytes *
bad_truncated_webp (void)
{
  return truncated ("webp", TRUE);
}

static GBytes *
bad_corrupt_png (void)
{
  g_autoptr(GdkPixbuf) source = make_noise (64, 64, FALSE, 1);
  g_autoptr(GBytes) whole = encode_plain (source, "png");
  gsize len;
  guint8 *data = g_bytes_unref_to_data (g_steal_pointer (&whole), &len);

  /* Scramble the middle of the compressed data (the IDAT CRC then fails too). */
  for (gsize i = len / 3; i < len / 3 + 64; i++)
    data[i] ^= 0x5a;
  return g_bytes_new_take (data, len);
}

static GBytes *
bad_jpeg_garbage_after_header (void)
{
  g_autoptr(GdkPixbuf) source = make_noise (64, 64, FALSE, 2);
  g_autoptr(GBytes) whole = encode_plain (source, "jpeg");
  gsize len;
  guint8 *data = g_bytes_unref_to_data (g_steal_pointer (&whole), &len);

  /* Keep the headers, then cut right after the start of scan: no entropy data at all. */
  for (gsize i = 2; i + 1 < len; i++)
    if (data[i] == 0xff && data[i + 1] == 0xda)
      {
        gsize sos_len = ((gsize) data[i + 2] << 8) | data[i + 3];

        return g_bytes_new_take (data, MIN (len, i + 2 + sos_len));
      }
  g_assert_not_reached ();
}

static GBytes *
bad_huge_png (void)
{
  return png_header_only (100000, 100000);
}

static GBytes *
bad_many_pixels_png (void)
{
  /* Each side allowed, the product (3.6 gigapixels) is not. */
  return png_header_only (60000, 60000);
}

static GBytes *
bad_huge_jpeg (void)
{
  return jpeg_claiming (65000, 65000);
}

static GBytes *
bad_huge_bmp (void)
{
  return bmp_header_only (100000, 100000);
}

static GBytes *
bad_svg (void)
{
  static const char svg[] = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
                            "width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>\n";

  return g_bytes_new_static (svg, sizeof svg - 1);
}

#define VEIL_ERR veil_error_quark
static const BadInput bad_inputs[] = {
  { "empty", "empty.png", bad_empty, VEIL_ERR, VEIL_ERROR_IMAGE_CORRUPT },
  { "text-named-jpg", "notes.jpg", bad_text, VEIL_ERR, VEIL_ERROR_IMAGE_CORRUPT },
  { "truncated-jpeg", "cut.jpg", bad_truncated_jpeg, VEIL_ERR, VEIL_ERROR_IMAGE_CORRUPT },
  { "jpeg-no-scan-data", "noscan.jpg", bad_jpeg_garbage_after_header, VEIL_ERR,
    VEIL_ERROR_IMAGE_CORRUPT },
  { "truncated-png", "cut.png", bad_truncated_png, VEIL_ERR, VEIL_ERROR_IMAGE_CORRUPT },
  { "truncated-bmp", "cut.bmp", bad_truncated_bmp, VEIL_ERR, VEIL_ERROR_IMAGE_CORRUPT },
  { "truncated-tiff", "cut.tif", bad_truncated_tiff, VEIL_ERR, VEIL_ERROR_IMAGE_CORRUPT },
  { "truncated-webp", "cut.webp", bad_truncated_webp, VEIL_ERR, VEIL_ERROR_IMAGE_CORRUPT },
  { "corrupt-png", "scrambled.png", bad_corrupt_png, VEIL_ERR, VEIL_ERROR_IMAGE_CORRUPT },
  { "huge-png", "huge.png", bad_huge_png, VEIL_ERR, VEIL_ERROR_IMAGE_TOO_LARGE },
  { "many-pixels-png", "wide.png", bad_many_pixels_png, VEIL_ERR, VEIL_ERROR_IMAGE_TOO_LARGE },
  { "huge-jpeg", "huge.jpg", bad_huge_jpeg, VEIL_ERR, VEIL_ERROR_IMAGE_TOO_LARGE },
  { "huge-bmp", "huge.bmp", bad_huge_bmp, VEIL_ERR, VEIL_ERROR_IMAGE_TOO_LARGE },
  { "svg-named-png", "vector.png", bad_svg, VEIL_ERR, VEIL_ERROR_IMAGE_UNSUPPORTED },
};

static void
test_bad_input (gconstpointer data)
{
  const BadInput *bad = data;
  g_autoptr(GBytes) bytes = bad->make ();
  g_autofree char *path = write_bytes (bad->file_name, bytes);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  VeilImage *image;
  gint64 start = g_get_monotonic_time ();

  image = veil_image_load (path, NULL, &error);
  g_assert_null (image);
  g_assert_error (error, bad->domain (), bad->code);
  g_assert_nonnull (strstr (error->message, path));
  g_test_message ("%s: %s", bad->test_name, error->message);
  /* Refused from the header: no decoding, no giant allocation. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);

  image = veil_image_load_at_size (path, 64, 64, NULL, &error2);
  g_assert_null (image);
  g_assert_error (error2, bad->domain (), bad->code);
}

static void
test_missing_file (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "does-not-exist.png", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_null (veil_image_load (path, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "does-not-exist.png"));
}

static void
test_unreadable_file (void)
{
  g_autoptr(GdkPixbuf) source = make_noise (4, 4, FALSE, 1);
  g_autoptr(GBytes) png = encode_plain (source, "png");
  g_autofree char *path = write_bytes ("locked.png", png);
  g_autoptr(GError) error = NULL;

  if (geteuid () == 0)
    {
      g_test_skip ("root can read every file");
      return;
    }
  g_assert_cmpint (g_chmod (path, 0), ==, 0);
  g_assert_null (veil_image_load (path, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "locked.png"));
}

static void
test_non_utf8_name (void)
{
  g_autoptr(GBytes) text = bad_text ();
  g_autofree char *path = write_bytes ("caf\xe9-photo.jpg", text);
  g_autoptr(GError) error = NULL;

  g_assert_null (veil_image_load (path, NULL, &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_IMAGE_CORRUPT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_nonnull (strstr (error->message, "-photo.jpg"));
}

static void
test_cancelled (void)
{
  g_autoptr(GdkPixbuf) source = make_noise (8, 8, FALSE, 1);
  g_autoptr(GBytes) png = encode_plain (source, "png");
  g_autofree char *path = write_bytes ("cancel.png", png);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_null (veil_image_load (path, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- only the first frame ---------------------------------------------------------------- */

/* A two-page TIFF and an animated GIF load as their first page or frame, said in the notes; a
 * single-page TIFF and a still GIF carry no such note. */
static void
test_first_frame (void)
{
  g_autoptr(GBytes) tiff = veil_test_two_page_tiff (21, 13);
  g_autoptr(GBytes) gif = veil_test_animated_gif (9, 7);
  g_autoptr(GdkPixbuf) plain = make_gradient (21, 13, FALSE);
  g_autoptr(GBytes) one_page = encode_plain (plain, "tiff");
  g_autofree char *tiff_path = write_bytes ("pages.tif", tiff);
  g_autofree char *gif_path = write_bytes ("anim.gif", gif);
  g_autofree char *one_page_path = write_bytes ("one-page.tif", one_page);
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilImage) pages = veil_image_load (tiff_path, NULL, &error);
  g_autoptr(VeilImage) frames = NULL;
  g_autoptr(VeilImage) single = NULL;
  const guint8 *p;

  g_assert_no_error (error);
  g_assert_cmpstr (pages->format, ==, "tiff");
  g_assert_cmpint (gdk_pixbuf_get_width (pages->pixbuf), ==, 21);
  g_assert_cmpint (gdk_pixbuf_get_height (pages->pixbuf), ==, 13);
  g_assert_cmpuint (pages->notes, ==, VEIL_IMAGE_NOTE_FIRST_FRAME);
  /* The first page's colours (blue 60), not the second's (220). */
  p = gdk_pixbuf_read_pixels (pages->pixbuf);
  g_assert_cmpint (p[2], ==, 60);

  frames = veil_image_load (gif_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (frames->format, ==, "gif");
  g_assert_cmpint (gdk_pixbuf_get_width (frames->pixbuf), ==, 9);
  g_assert_cmpint (gdk_pixbuf_get_height (frames->pixbuf), ==, 7);
  g_assert_cmpuint (frames->notes, ==, VEIL_IMAGE_NOTE_FIRST_FRAME);
  /* The first frame starts with the first palette colour; the second with the other. */
  p = gdk_pixbuf_read_pixels (frames->pixbuf);
  g_assert_cmpint (p[0], ==, 200);
  g_assert_cmpint (p[2], ==, 30);

  single = veil_image_load (one_page_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (single->notes, ==, 0);
}

/* ---- formats and names ------------------------------------------------------------------- */

static void
test_output_format (void)
{
  g_assert_cmpstr (veil_image_output_format ("jpeg", VEIL_OUTPUT_FORMAT_KEEP), ==, "jpeg");
  g_assert_cmpstr (veil_image_output_format ("png", VEIL_OUTPUT_FORMAT_KEEP), ==, "png");
  g_assert_cmpstr (veil_image_output_format ("tiff", VEIL_OUTPUT_FORMAT_KEEP), ==, "tiff");
  g_assert_cmpstr (veil_image_output_format ("gif", VEIL_OUTPUT_FORMAT_KEEP), ==, "png");
  g_assert_cmpstr (veil_image_output_format ("jpeg", VEIL_OUTPUT_FORMAT_PNG), ==, "png");
  g_assert_cmpstr (veil_image_output_format ("webp", VEIL_OUTPUT_FORMAT_KEEP), ==,
                   veil_image_format_is_writable ("webp") ? "webp" : "png");

  g_assert_true (veil_image_format_is_writable ("png"));
  g_assert_true (veil_image_format_is_writable ("jpeg"));
  g_assert_false (veil_image_format_is_writable ("gif"));
  g_assert_false (veil_image_format_is_writable ("ico"));
  g_assert_false (veil_image_format_is_writable ("no-such-format"));

  g_assert_cmpstr (veil_image_format_extension ("png"), ==, "png");
  g_assert_cmpstr (veil_image_format_extension ("jpeg"), ==, "jpg");
  g_assert_null (veil_image_format_extension ("gif"));
}

static void
test_output_path (void)
{
  static const struct { const char *path, *format, *expected; } cases[] = {
    { "cat/IMG_1.JPEG", "jpeg", "cat/IMG_1.JPEG" },
    { "cat/a.jpg", "jpeg", "cat/a.jpg" },
    { "cat/a.jpg", "png", "cat/a.png" },
    { "cat/b.PNG", "png", "cat/b.PNG" },
    { "cat/c.tiff", "png", "cat/c.png" },
    { "cat/c.tif", "tiff", "cat/c.tif" },
    { "cat/d.v2.bmp", "png", "cat/d.v2.png" },
    { "cat.x/noext", "png", "cat.x/noext.png" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = veil_image_output_path (cases[i].path, cases[i].format);

      g_assert_cmpstr (out, ==, cases[i].expected);
    }
}

static void
test_encode_unsupported (void)
{
  g_autoptr(GdkPixbuf) source = make_noise (4, 4, FALSE, 1);
  g_autoptr(GError) error = NULL;

  g_assert_null (veil_image_encode (NULL, source, "gif", 95, &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_IMAGE_UNSUPPORTED);
}

int
main (int    argc,
      char **argv)
{
  static const char * const icc_formats[] = { "png", "jpeg", "tiff", "webp" };
  static const char * const tiny_formats[] = { "png", "jpeg", "tiff", "bmp", "webp" };
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = veil_test_make_tmpdir ("veil-image-io-XXXXXX");

  for (guint i = 0; i < G_N_ELEMENTS (round_trips); i++)
    {
      g_autofree char *name = g_strdup_printf ("/core/image-io/round-trip/%s%s",
                                               round_trips[i].format,
                                               round_trips[i].alpha ? "-alpha" : "");
      g_test_add_data_func (name, &round_trips[i], test_round_trip);
    }
  g_test_add_func ("/core/image-io/round-trip/png-reencode-identical", test_reencode_stable);
  for (guint i = 0; i < G_N_ELEMENTS (icc_formats); i++)
    {
      g_autofree char *name = g_strdup_printf ("/core/image-io/icc/%s", icc_formats[i]);
      g_test_add_data_func (name, icc_formats[i], test_icc_kept);
    }
  for (guint o = 1; o <= 8; o++)
    {
      g_autofree char *name = g_strdup_printf ("/core/image-io/orientation/%u", o);
      g_test_add_data_func (name, GUINT_TO_POINTER (o), test_orientation);
    }
  g_test_add_func ("/core/image-io/load-at-size/jpeg", test_load_at_size);
  g_test_add_func ("/core/image-io/load-at-size/png-alpha", test_load_at_size_png);
  for (guint i = 0; i < G_N_ELEMENTS (tiny_formats); i++)
    {
      g_autofree char *name = g_strdup_printf ("/core/image-io/one-pixel/%s", tiny_formats[i]);
      g_test_add_data_func (name, tiny_formats[i], test_one_pixel);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_inputs); i++)
    {
      g_autofree char *name = g_strdup_printf ("/core/image-io/bad/%s", bad_inputs[i].test_name);
      g_test_add_data_func (name, &bad_inputs[i], test_bad_input);
    }
  g_test_add_func ("/core/image-io/bad/missing", test_missing_file);
  g_test_add_func ("/core/image-io/bad/unreadable", test_unreadable_file);
  g_test_add_func ("/core/image-io/bad/non-utf8-name", test_non_utf8_name);
  g_test_add_func ("/core/image-io/cancelled", test_cancelled);
  g_test_add_func ("/core/image-io/first-frame", test_first_frame);
  g_test_add_func ("/core/image-io/output-format", test_output_format);
  g_test_add_func ("/core/image-io/output-path", test_output_path);
  g_test_add_func ("/core/image-io/encode-unsupported", test_encode_unsupported);

  ret = g_test_run ();
  veil_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return ret;
}
