/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

/* The photos people publish, through veil-cli: detail-preserving protection (--keep-detail) on
 * the bundled sample photos; HEIC, AVIF and 16-bit input. */

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "cli-test-util.h"
#include "veil-detail.h"
#include "veil-survival.h"
#include "veil-test-util.h"

/* Copies a bundled sample photo into @dir. */
static gboolean
copy_sample (const char *relative, const char *dir)
{
  const char *root = g_getenv ("VEIL_SOURCE_ROOT");
  g_autofree char *from = NULL;
  g_autofree char *name = g_path_get_basename (relative);
  g_autofree char *to = g_build_filename (dir, name, NULL);
  g_autofree char *data = NULL;
  gsize len;

  if (root == NULL)
    return FALSE;
  from = g_build_filename (root, "data", "samples", relative, NULL);
  if (!g_file_get_contents (from, &data, &len, NULL))
    return FALSE;
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  cli_write_file (to, data, len);
  return TRUE;
}

static JsonObject *
manifest_parameters (JsonParser *parser, const char *output)
{
  g_autofree char *path = g_build_filename (output, "veil-manifest.json", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                        "parameters");
}

/* Correlation between the detail bands (what the area shrink to 224 cannot see) of two image
 * files of the same size. */
static double
detail_correlation (const char *a_path, const char *b_path)
{
  g_autoptr(GdkPixbuf) a = gdk_pixbuf_new_from_file (a_path, NULL);
  g_autoptr(GdkPixbuf) b = gdk_pixbuf_new_from_file (b_path, NULL);
  g_autoptr(VeilDetailResampler) resampler = NULL;
  GdkPixbuf *images[2];
  float *band[2] = { NULL, NULL };  /* g_autofree would free only the first */
  double m[2] = { 0, 0 }, sab = 0, saa = 0, sbb = 0;
  int w, h, sw, sh;
  gsize n;

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  images[0] = a;
  images[1] = b;
  w = gdk_pixbuf_get_width (a);
  h = gdk_pixbuf_get_height (a);
  g_assert_cmpint (gdk_pixbuf_get_width (b), ==, w);
  g_assert_cmpint (gdk_pixbuf_get_height (b), ==, h);
  n = (gsize) w * h * 3;
  veil_survival_size_at (w, h, 224, &sw, &sh);
  resampler = veil_detail_resampler_new (w, h, sw, sh);
  for (int i = 0; i < 2; i++)
    {
      g_autofree float *small = g_new (float, (gsize) sw * sh * 3);
      int nc = gdk_pixbuf_get_n_channels (images[i]);
      int stride = gdk_pixbuf_get_rowstride (images[i]);
      const guint8 *p = gdk_pixbuf_read_pixels (images[i]);

      band[i] = g_new (float, n);
      veil_detail_shrink (resampler, p, stride, nc, small, 0);
      veil_detail_enlarge (resampler, small, band[i], 0);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          for (int c = 0; c < 3; c++)
            {
              gsize j = ((gsize) y * w + x) * 3 + c;

              band[i][j] = p[(gsize) y * stride + (gsize) x * nc + c] - band[i][j];
              m[i] += band[i][j];
            }
      m[i] /= n;
    }
  for (gsize j = 0; j < n; j++)
    {
      double da = band[0][j] - m[0], db = band[1][j] - m[1];

      sab += da * db;
      saa += da * da;
      sbb += db * db;
    }
  g_free (band[0]);
  g_free (band[1]);
  return sab / sqrt (saa * sbb);
}

/* --keep-detail is recorded in the manifest, verifies, passes the survival check, and leaves
 * the photo's detail (the current method smears it). */
static void
test_keep_detail (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-photos-XXXXXX");
  g_autofree char *input = g_build_filename (base, "in", NULL);
  g_autofree char *cats = g_build_filename (input, "flowers", NULL);
  g_autofree char *dogs = g_build_filename (input, "nature", NULL);
  g_autofree char *detail = g_build_filename (base, "detail", NULL);
  g_autofree char *current = g_build_filename (base, "current", NULL);
  g_autoptr(JsonParser) p1 = json_parser_new ();
  g_autoptr(JsonParser) p2 = json_parser_new ();
  const char *names[] = { "flowers/dandelion-seeds.jpg", "nature/dune.jpg" };
  g_autofree char *err = NULL;

  if (!copy_sample (names[0], cats) || !copy_sample (names[1], dogs))
    {
      g_test_skip ("the sample photos are not available");
      veil_test_rm_rf (base);
      return;
    }

  g_assert_cmpint (cli_run (NULL, NULL, &err, "protect", "--seed", "5", "-k", "9", "--pb",
                            "0.06", "--keep-detail", "-q", input, detail, NULL), ==, 0);
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "5", "-k", "9", "--pb",
                            "0.06", "-q", input, current, NULL), ==, 0);
  g_assert_true (json_object_get_boolean_member (manifest_parameters (p1, detail),
                                                 "keep_detail"));
  g_assert_false (json_object_get_boolean_member (manifest_parameters (p2, current),
                                                  "keep_detail"));
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "verify", detail, NULL), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *orig = g_build_filename (input, names[i], NULL);
      g_autofree char *a = g_build_filename (detail, names[i], NULL);
      g_autofree char *b = g_build_filename (current, names[i], NULL);
      double kept = detail_correlation (orig, a), smeared = detail_correlation (orig, b);

      /* JPEG re-encoding at quality 95 adds noise of its own to the band. */
      g_test_message ("%s: detail band correlation with the original: keep-detail %.3f, "
                      "current method %.3f", names[i], kept, smeared);
      g_assert_cmpfloat (kept, >=, 0.85);
      g_assert_cmpfloat (kept, >, smeared + 0.2);
    }
  veil_test_rm_rf (base);
}

static gboolean
run_tool (const char *const *argv)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                  | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  return proc != NULL && g_subprocess_wait_check (proc, NULL, NULL);
}

static gboolean
has_loader (const char *name)
{
  GSList *formats = gdk_pixbuf_get_formats ();
  gboolean found = FALSE;

  for (GSList *l = formats; l != NULL; l = l->next)
    {
      g_autofree char *format = gdk_pixbuf_format_get_name (l->data);

      found |= g_strcmp0 (format, name) == 0;
    }
  g_slist_free (formats);
  return found;
}

static guint32
crc32_of (const guint8 *data, gsize len, guint32 crc)
{
  crc = ~crc;
  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int b = 0; b < 8; b++)
        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
  return ~crc;
}

static void
put32 (GByteArray *a, guint32 v)
{
  guint8 b[4] = { v >> 24, v >> 16, v >> 8, v };

  g_byte_array_append (a, b, 4);
}

static void
put_chunk (GByteArray *png, const char *type, const guint8 *data, guint32 len)
{
  guint32 crc = crc32_of ((const guint8 *) type, 4, 0);

  put32 (png, len);
  g_byte_array_append (png, (const guint8 *) type, 4);
  g_byte_array_append (png, data, len);
  put32 (png, crc32_of (data, len, crc));
}

/* A 16-bit RGB PNG, a smooth gradient, written by hand (stored deflate blocks): GdkPixbuf
 * cannot write 16 bits. */
static void
write_png16 (const char *path, int width, int height)
{
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GByteArray) raw = g_byte_array_new ();
  g_autoptr(GByteArray) z = g_byte_array_new ();
  guint8 ihdr[13] = { 0 };
  guint32 a = 1, b = 0;
  const guint8 zhead[2] = { 0x78, 0x01 };

  for (int y = 0; y < height; y++)
    {
      guint8 filter = 0;

      g_byte_array_append (raw, &filter, 1);
      for (int x = 0; x < width; x++)
        for (int c = 0; c < 3; c++)
          {
            guint16 v = (guint16) (65535.0 * (x + y + 40 * c) / (width + height + 80));
            guint8 be[2] = { v >> 8, v & 0xff };

            g_byte_array_append (raw, be, 2);
          }
    }
  g_byte_array_append (z, zhead, 2);
  for (guint off = 0; off < raw->len; off += 65535)
    {
      guint16 n = MIN (65535u, raw->len - off);
      guint8 head[5] = { off + n >= raw->len, n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff };

      g_byte_array_append (z, head, 5);
      g_byte_array_append (z, raw->data + off, n);
    }
  for (guint i = 0; i < raw->len; i++)
    {
      a = (a + raw->data[i]) % 65521;
      b = (b + a) % 65521;
    }
  put32 (z, (b << 16) | a);

  g_byte_array_append (png, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  ihdr[0] = width >> 24; ihdr[1] = width >> 16; ihdr[2] = width >> 8; ihdr[3] = width;
  ihdr[4] = height >> 24; ihdr[5] = height >> 16; ihdr[6] = height >> 8; ihdr[7] = height;
  ihdr[8] = 16;
  ihdr[9] = 2;
  put_chunk (png, "IHDR", ihdr, 13);
  put_chunk (png, "IDAT", z->data, z->len);
  put_chunk (png, "IEND", NULL, 0);
  cli_write_file (path, png->data, png->len);
}

/* Phone photos (HEIC) and AVIF are read, protected and written as JPEG with the format change
 * in the summary and the manifest; a 16-bit PNG is reported as reduced to 8 bits. The files
 * are made with Debian's heif-enc and avifenc. */
static void
test_phone_formats (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-formats-XXXXXX");
  g_autofree char *input = g_build_filename (base, "in", NULL);
  g_autofree char *cls = g_build_filename (input, "phone", NULL);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autofree char *jpeg = g_build_filename (base, "source.jpg", NULL);
  g_autofree char *heic = g_build_filename (cls, "IMG_0001.HEIC", NULL);
  g_autofree char *avif = g_build_filename (cls, "photo.avif", NULL);
  g_autofree char *png16 = g_build_filename (cls, "scan.png", NULL);
  g_autofree char *out_heic = g_build_filename (output, "phone", "IMG_0001.jpg", NULL);
  g_autofree char *out_avif = g_build_filename (output, "phone", "photo.jpg", NULL);
  g_autofree char *manifest = g_build_filename (output, "veil-manifest.json", NULL);
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  const char *heif_enc[] = { "heif-enc", "-q", "90", "-o", heic, jpeg, NULL };
  const char *avif_enc[] = { "avifenc", "-s", "10", jpeg, avif, NULL };

  g_autofree char *heif_enc_path = g_find_program_in_path ("heif-enc");
  g_autofree char *avifenc_path = g_find_program_in_path ("avifenc");

  if (!(has_loader ("heif") || has_loader ("heif/avif")) || !has_loader ("avif")
      || heif_enc_path == NULL || avifenc_path == NULL)
    {
      veil_test_rm_rf (base);
      g_test_skip ("heif-gdk-pixbuf, libavif-gdk-pixbuf, heif-enc or avifenc is missing");
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (cls, 0755), ==, 0);
  cli_write_jpeg (jpeg, 320, 240, 3);
  g_assert_true (run_tool (heif_enc));
  g_assert_true (run_tool (avif_enc));
  write_png16 (png16, 300, 200);

  g_assert_cmpint (cli_run (NULL, &out, NULL, "protect", "--seed", "2", input, output, NULL),
                   ==, 0);
  g_test_message ("%s", out);
  g_assert_true (g_file_test (out_heic, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (out_avif, G_FILE_TEST_IS_REGULAR));
  {
    g_autoptr(GdkPixbuf) a = gdk_pixbuf_new_from_file (out_heic, NULL);
    g_autoptr(GdkPixbuf) b = gdk_pixbuf_new_from_file (out_avif, NULL);
    GdkPixbufFormat *fa = gdk_pixbuf_get_file_info (out_heic, NULL, NULL);
    g_autofree char *name = fa != NULL ? gdk_pixbuf_format_get_name (fa) : NULL;

    g_assert_cmpstr (name, ==, "jpeg");
    g_assert_cmpint (gdk_pixbuf_get_width (a), ==, 320);
    g_assert_cmpint (gdk_pixbuf_get_height (b), ==, 240);
  }
  g_assert_nonnull (strstr (out, "Changed on the way: 3 images"));
  g_assert_nonnull (strstr (out, "IMG_0001.HEIC: saved in another format"));
  g_assert_nonnull (strstr (out, "scan.png: 16 bits per colour reduced to 8"));
  g_assert_true (g_file_get_contents (manifest, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"converted\""));
  g_assert_nonnull (strstr (text, "\"8-bit\""));
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "verify", output, NULL), ==, 0);
  veil_test_rm_rf (base);
}

static void
write_bytes_file (const char *path, GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  cli_write_file (path, data, len);
}

/* A two-page TIFF and an animated GIF (under a .jpg name, as downloads often are) keep only
 * their first page or frame: the summary and the manifest say so, the outputs are written in
 * the format their names say, and verify passes. The files are written byte by byte in the
 * test (GdkPixbuf writes neither). */
static void
test_first_frame (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-frames-XXXXXX");
  g_autofree char *input = g_build_filename (base, "in", NULL);
  g_autofree char *cls = g_build_filename (input, "scans", NULL);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autofree char *tiff = g_build_filename (cls, "letter.tif", NULL);
  g_autofree char *gif = g_build_filename (cls, "reaction.jpg", NULL);
  g_autofree char *still = g_build_filename (cls, "still.png", NULL);
  g_autofree char *out_tiff = g_build_filename (output, "scans", "letter.tif", NULL);
  g_autofree char *out_gif = g_build_filename (output, "scans", "reaction.jpg", NULL);
  g_autofree char *manifest = g_build_filename (output, "veil-manifest.json", NULL);
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GBytes) tiff_bytes = veil_test_two_page_tiff (64, 48);
  g_autoptr(GBytes) gif_bytes = veil_test_animated_gif (40, 30);

  g_assert_cmpint (g_mkdir_with_parents (cls, 0755), ==, 0);
  write_bytes_file (tiff, tiff_bytes);
  write_bytes_file (gif, gif_bytes);
  cli_write_png (still, 40, 30, 5);

  g_assert_cmpint (cli_run (NULL, &out, NULL, "protect", "--seed", "4", input, output, NULL),
                   ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "Changed on the way: 2 images\n"));
  g_assert_nonnull (strstr (out, "  scans/letter.tif: only the first frame or page was kept\n"));
  g_assert_nonnull (strstr (out, "  scans/reaction.jpg: only the first frame or page was kept\n"));
  g_assert_null (strstr (out, "still.png:"));
  {
    GdkPixbufFormat *tiff_format = gdk_pixbuf_get_file_info (out_tiff, NULL, NULL);
    GdkPixbufFormat *gif_format = gdk_pixbuf_get_file_info (out_gif, NULL, NULL);
    g_autofree char *tiff_name = tiff_format ? gdk_pixbuf_format_get_name (tiff_format) : NULL;
    g_autofree char *gif_name = gif_format ? gdk_pixbuf_format_get_name (gif_format) : NULL;

    g_assert_cmpstr (tiff_name, ==, "tiff");
    g_assert_cmpstr (gif_name, ==, "jpeg");
  }
  g_assert_true (g_file_get_contents (manifest, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"first-frame\""));
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "verify", output, NULL), ==, 0);
  veil_test_rm_rf (base);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/photos/keep-detail", test_keep_detail);
  g_test_add_func ("/cli/photos/phone-formats", test_phone_formats);
  g_test_add_func ("/cli/photos/first-frame", test_first_frame);

  return g_test_run ();
}
