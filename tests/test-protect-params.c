/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

/* The one set of protection settings: its defaults, its limits, p_b kept as the decimal the
 * person chose, and the export refusing what the limits refuse. */

#include <math.h>
#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "veil-dataset.h"
#include "veil-error.h"
#include "veil-export.h"
#include "veil-key.h"
#include "veil-protect-params.h"
#include "veil-test-util.h"

static void
test_defaults (void)
{
  VeilProtectParams params;
  VeilExportOptions options;
  VeilProtectParams from_options;

  memset (&params, 0xff, sizeof params);
  veil_protect_params_init_defaults (&params);
  g_assert_cmpuint (params.k, ==, 9);
  g_assert_cmpfloat (params.pb, ==, 0.06);
  g_assert_cmpfloat (params.mix, ==, 1.0);
  g_assert_cmpuint (params.training_res, ==, 224);
  g_assert_false (params.keep_detail);
  g_assert_cmpint (params.kind, ==, VEIL_FILTER_KIND_BLUR);
  g_assert_true (veil_protect_params_validate (&params, NULL));

  /* The export starts from the same defaults. */
  veil_export_options_init (&options);
  veil_export_options_get_params (&options, &from_options);
  g_assert_true (veil_protect_params_equal (&params, &from_options));
}

typedef struct {
  const char *name;
  guint       k;
  double      pb;
  double      mix;
  guint       training_res;
  gboolean    valid;
} Case;

static const Case cases[] = {
  { "k3",             3,  0.3,    1.0, 224,   TRUE },
  { "k31",            31, 1.0,    0.0, 0,     TRUE },
  { "k-even",         4,  0.3,    1.0, 224,   FALSE },
  { "k1",             1,  0.3,    1.0, 224,   FALSE },
  { "k33",            33, 0.3,    1.0, 224,   FALSE },
  { "k0",             0,  0.3,    1.0, 224,   FALSE },
  { "pb0",            9,  0.0,    1.0, 224,   FALSE },
  { "pb-rounds-to-0", 9,  0.0004, 1.0, 224,   FALSE },
  { "pb-smallest",    9,  0.001,  1.0, 224,   TRUE },
  { "pb-above-1",     9,  1.01,   1.0, 224,   FALSE },
  { "pb-nan",         9,  NAN,    1.0, 224,   FALSE },
  { "mix-negative",   9,  0.06,   -0.1, 224,  FALSE },
  { "mix-above-1",    9,  0.06,   1.1, 224,   FALSE },
  { "mix-nan",        9,  0.06,   NAN, 224,   FALSE },
  { "res-native",     9,  0.06,   1.0, 0,     TRUE },
  { "res-min",        9,  0.06,   1.0, 16,    TRUE },
  { "res-below-min",  9,  0.06,   1.0, 15,    FALSE },
  { "res-max",        9,  0.06,   1.0, 65535, TRUE },
  { "res-above-max",  9,  0.06,   1.0, 65536, FALSE },
};

static void
test_validate (gconstpointer data)
{
  const Case *c = data;
  VeilProtectParams params;
  g_autoptr(GError) error = NULL;

  veil_protect_params_init_defaults (&params);
  params.k = c->k;
  params.pb = c->pb;
  params.mix = c->mix;
  params.training_res = c->training_res;

  if (c->valid)
    {
      g_assert_true (veil_protect_params_validate (&params, &error));
      g_assert_no_error (error);
    }
  else
    {
      g_assert_false (veil_protect_params_validate (&params, &error));
      g_assert_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT);
    }

  /* Clamping always gives settings that pass. */
  veil_protect_params_clamp (&params);
  g_assert_true (veil_protect_params_validate (&params, NULL));
  if (c->valid)
    g_assert_cmpuint (params.k, ==, c->k);
}

/* The export refuses what validation refuses, with the same sentence. */
static void
test_export_refuses (void)
{
  g_autofree char *root = veil_test_make_tmpdir ("veil-params-XXXXXX");
  g_autofree char *class_dir = g_build_filename (root, "in", "cats", NULL);
  g_autofree char *image = g_build_filename (class_dir, "a.png", NULL);
  g_autofree char *input = g_build_filename (root, "in", NULL);
  g_autofree char *output = g_build_filename (root, "out", NULL);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 8, 8);
  g_autoptr(VeilDataset) dataset = NULL;
  g_autoptr(VeilKey) key = NULL;
  VeilExportOptions options;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) expected = NULL;
  VeilProtectParams params;

  g_assert_cmpint (g_mkdir_with_parents (class_dir, 0755), ==, 0);
  gdk_pixbuf_fill (pixbuf, 0x80808000);
  g_assert_true (gdk_pixbuf_save (pixbuf, image, "png", NULL, NULL));
  dataset = veil_dataset_scan (input, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  key = veil_key_new_random ("test", &error);
  g_assert_no_error (error);

  veil_export_options_init (&options);
  options.key = key;
  options.k = 8;
  veil_export_options_get_params (&options, &params);
  g_assert_false (veil_protect_params_validate (&params, &expected));
  g_assert_null (veil_export_run (dataset, output, &options, NULL, NULL, NULL, &error));
  /* Refused before anything is written. */
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  veil_test_rm_rf (root);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, expected->message));
}

/* What a slider or a sum of steps gives back becomes the decimal the person saw. */
static void
test_round (void)
{
  VeilProtectParams params;
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  veil_protect_params_init_defaults (&params);
  params.pb = 0.3 - 0.2;     /* 0.09999999999999998 */
  params.mix = 0.1 * 3;      /* 0.30000000000000004 */
  params.k = 5;
  veil_protect_params_round (&params);
  g_assert_cmpfloat (params.pb, ==, 0.1);
  g_assert_cmpfloat (params.mix, ==, 0.3);
  g_assert_cmpuint (params.k, ==, 5);
  g_ascii_dtostr (text, sizeof text, params.pb);
  g_assert_cmpstr (text, ==, "0.10000000000000001");  /* 17 digits: the nearest double */
  g_ascii_formatd (text, sizeof text, "%.15g", params.pb);
  g_assert_cmpstr (text, ==, "0.1");
  g_assert_cmpfloat (veil_protect_params_round_decimal (0.0625), ==, 0.063);
  g_assert_cmpfloat (veil_protect_params_round_decimal (0.49999999), ==, 0.5);
}

static void
test_clamp (void)
{
  VeilProtectParams params;

  veil_protect_params_init_defaults (&params);
  params.k = 10;
  params.pb = 0;
  params.mix = 2;
  params.training_res = 3;
  veil_protect_params_clamp (&params);
  g_assert_cmpuint (params.k, ==, 11);
  g_assert_cmpfloat (params.pb, ==, 0.001);
  g_assert_cmpfloat (params.mix, ==, 1.0);
  g_assert_cmpuint (params.training_res, ==, 16);

  params.k = 32;
  params.training_res = 0;
  veil_protect_params_clamp (&params);
  g_assert_cmpuint (params.k, ==, 31);
  g_assert_cmpuint (params.training_res, ==, 0);
}

static void
test_equal (void)
{
  VeilProtectParams a, b;

  veil_protect_params_init_defaults (&a);
  b = a;
  b.pb = 0.06000000000000001;
  g_assert_true (veil_protect_params_equal (&a, &b));
  b.k = 11;
  g_assert_false (veil_protect_params_equal (&a, &b));
  b = a;
  b.keep_detail = TRUE;
  g_assert_false (veil_protect_params_equal (&a, &b));
  b = a;
  b.kind = VEIL_FILTER_KIND_ECHO;
  g_assert_false (veil_protect_params_equal (&a, &b));
}

/* Echo filters need 7 × 7: validating refuses less, clamping raises it; an unknown kind is
 * refused, and clamped to the paper's blur. */
static void
test_echo (void)
{
  VeilProtectParams params;
  g_autoptr(GError) error = NULL;

  veil_protect_params_init_defaults (&params);
  params.kind = VEIL_FILTER_KIND_ECHO;
  params.k = 7;
  g_assert_true (veil_protect_params_validate (&params, NULL));
  params.k = 5;
  g_assert_false (veil_protect_params_validate (&params, &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "at least 7"));
  g_clear_error (&error);
  veil_protect_params_clamp (&params);
  g_assert_cmpuint (params.k, ==, 7);
  g_assert_cmpint (params.kind, ==, VEIL_FILTER_KIND_ECHO);

  /* Switching kinds: the kind's own strength, echo at 9 × 9 at least; the same kind again
   * changes nothing. */
  veil_protect_params_init_defaults (&params);
  params.k = 3;
  params.pb = 0.3;
  veil_protect_params_set_kind (&params, VEIL_FILTER_KIND_ECHO);
  g_assert_cmpint (params.kind, ==, VEIL_FILTER_KIND_ECHO);
  g_assert_cmpuint (params.k, ==, 9);
  g_assert_cmpfloat (params.pb, ==, 1.0);
  params.k = 11;
  params.pb = 0.5;
  veil_protect_params_set_kind (&params, VEIL_FILTER_KIND_ECHO);
  g_assert_cmpuint (params.k, ==, 11);
  g_assert_cmpfloat (params.pb, ==, 0.5);
  veil_protect_params_set_kind (&params, VEIL_FILTER_KIND_BLUR);
  g_assert_cmpint (params.kind, ==, VEIL_FILTER_KIND_BLUR);
  g_assert_cmpuint (params.k, ==, 11);
  g_assert_cmpfloat (params.pb, ==, 0.06);

  params.kind = (VeilFilterKind) 7;
  g_assert_false (veil_protect_params_validate (&params, &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT);
  veil_protect_params_clamp (&params);
  g_assert_cmpint (params.kind, ==, VEIL_FILTER_KIND_BLUR);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/protect-params/defaults", test_defaults);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/protect-params/validate/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_validate);
    }
  g_test_add_func ("/core/protect-params/export-refuses", test_export_refuses);
  g_test_add_func ("/core/protect-params/round", test_round);
  g_test_add_func ("/core/protect-params/clamp", test_clamp);
  g_test_add_func ("/core/protect-params/equal", test_equal);
  g_test_add_func ("/core/protect-params/echo", test_echo);

  return g_test_run ();
}
