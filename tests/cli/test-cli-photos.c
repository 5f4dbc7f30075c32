/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

/* The photos people publish, through veil-cli: detail-preserving protection (--keep-detail) on
 * the bundled sample photos. */

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>
#include <math.h>

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
  g_autofree float *band[2] = { NULL, NULL };
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/photos/keep-detail", test_keep_detail);

  return g_test_run ();
}
