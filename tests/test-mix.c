/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "veil-key.h"
#include "veil-mix.h"
#include "veil-mt19937.h"
#include "veil-test-util.h"

#define N_PATHS 10000

static JsonNode *
load_vectors (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static VeilKey *
make_key (guint8 fill)
{
  guint8 secret[VEIL_KEY_SECRET_LENGTH];

  for (guint i = 0; i < sizeof secret; i++)
    secret[i] = (guint8) (fill * 31 + i);
  return veil_key_new_from_secret ("mix", secret, NULL);
}

static char *
path_for (guint i)
{
  return g_strdup_printf ("class%02u/sub/img_%05u.png", i % 10, i);
}

/* Seed keys: numpy's draws after the filters */

static void
test_seeded_numpy (gconstpointer data)
{
  JsonObject *c = json_node_get_object ((JsonNode *) data);
  JsonArray *draws = json_object_get_array_member (c, "draws");
  JsonArray *expected = json_object_get_array_member (c, "protected");
  guint32 seed = (guint32) json_object_get_int_member (c, "seed");
  guint n_classes = json_object_get_int_member (c, "n_classes");
  guint k = json_object_get_int_member (c, "k");
  guint n_images = json_object_get_int_member (c, "n_images");
  double mix = json_object_get_double_member (c, "mix");
  g_autofree gboolean *protect = veil_mix_decide_seeded (seed, n_classes, k, n_images, mix);
  VeilMt19937 mt;

  g_assert_cmpuint (json_array_get_length (expected), ==, n_images);
  for (guint i = 0; i < n_images; i++)
    g_assert_cmpint (protect[i], ==, json_array_get_int_element (expected, i) != 0);

  /* The draws themselves, to the last bit, so a near miss cannot hide behind the threshold. */
  veil_mt19937_init (&mt, seed);
  for (guint i = 0; i < n_classes; i++)
    veil_mt19937_draw_filter (&mt, k, json_object_get_double_member (c, "pb"), NULL);
  for (guint i = 0; i < n_images; i++)
    g_assert_cmpfloat (veil_mt19937_next_double (&mt), ==,
                       veil_test_parse_double (json_array_get_string_element (draws, i)));
}

static void
test_seeded_ends (void)
{
  g_autofree gboolean *none = veil_mix_decide_seeded (3, 4, 5, 500, 0.0);
  g_autofree gboolean *all = veil_mix_decide_seeded (3, 4, 5, 500, 1.0);
  g_autofree gboolean *empty = veil_mix_decide_seeded (3, 4, 5, 0, 0.5);

  g_assert_nonnull (empty);
  for (guint i = 0; i < 500; i++)
    {
      g_assert_false (none[i]);
      g_assert_true (all[i]);
    }
}

/* Secret keys */

static void
test_keyed_vectors (void)
{
  g_autoptr(JsonNode) root = load_vectors ("keyed-vectors.json");
  JsonArray *cases = json_object_get_array_member (json_node_get_object (root), "mix");

  g_assert_cmpuint (json_array_get_length (cases), >, 0);
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *o = json_array_get_object_element (cases, i);
      const char *hex = json_object_get_string_member (o, "secret");
      const char *path = json_object_get_string_member (o, "path");
      double draw = veil_test_parse_double (json_object_get_string_member (o, "draw"));
      guint8 secret[VEIL_KEY_SECRET_LENGTH];
      g_autoptr(VeilKey) key = NULL;

      for (guint b = 0; b < VEIL_KEY_SECRET_LENGTH; b++)
        secret[b] = (guint8) (g_ascii_xdigit_value (hex[2 * b]) << 4
                              | g_ascii_xdigit_value (hex[2 * b + 1]));
      key = veil_key_new_from_secret ("vector", secret, NULL);

      /* Protected exactly when draw < mix: the threshold pins the draw to the last bit. */
      g_assert_false (veil_mix_decide_keyed (key, path, draw));
      g_assert_true (veil_mix_decide_keyed (key, path, nextafter (draw, 2.0)));
    }
}

static void
test_keyed_fraction (gconstpointer data)
{
  double mix = *(const double *) data;
  g_autoptr(VeilKey) key = make_key (1);
  guint protected = 0;
  double fraction, sigma;

  for (guint i = 0; i < N_PATHS; i++)
    {
      g_autofree char *path = path_for (i);

      protected += veil_mix_decide_keyed (key, path, mix) ? 1 : 0;
    }
  fraction = (double) protected / N_PATHS;
  sigma = sqrt (mix * (1.0 - mix) / N_PATHS);
  g_test_message ("mix %g: %u of %u protected", mix, protected, N_PATHS);
  /* Five standard deviations: a failure means a bias, not bad luck. */
  g_assert_cmpfloat (fabs (fraction - mix), <=, 5 * sigma + 1e-12);
}

static void
test_keyed_order (void)
{
  g_autoptr(VeilKey) key = make_key (2);
  g_autofree gboolean *forward = g_new (gboolean, 2000);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint order[2000];

  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *path = path_for (i);

      forward[i] = veil_mix_decide_keyed (key, path, 0.5);
      order[i] = i;
    }
  for (guint i = 1999; i > 0; i--)
    {
      guint j = g_rand_int_range (rand, 0, i + 1);
      guint t = order[i];

      order[i] = order[j];
      order[j] = t;
    }
  /* Shuffled, and each asked twice with other paths in between: the same answers. */
  for (guint n = 0; n < 2000; n++)
    {
      g_autofree char *path = path_for (order[n]);

      g_assert_cmpint (veil_mix_decide_keyed (key, path, 0.5), ==, forward[order[n]]);
    }
  for (guint i = 2000; i-- > 0;)
    {
      g_autofree char *path = path_for (i);

      g_assert_cmpint (veil_mix_decide_keyed (key, path, 0.5), ==, forward[i]);
    }
}

static void
test_keyed_ends_and_keys (void)
{
  g_autoptr(VeilKey) a = make_key (3);
  g_autoptr(VeilKey) b = make_key (4);
  guint differ = 0;

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *path = path_for (i);

      g_assert_false (veil_mix_decide_keyed (a, path, 0.0));
      g_assert_true (veil_mix_decide_keyed (a, path, 1.0));
      differ += veil_mix_decide_keyed (a, path, 0.5) != veil_mix_decide_keyed (b, path, 0.5);
    }
  /* Another key decides independently: about half the answers change. */
  g_assert_cmpuint (differ, >, 400);
  g_assert_cmpuint (differ, <, 600);

  /* A larger mix only ever adds images: the draw is fixed, the threshold moves. */
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *path = path_for (i);

      if (veil_mix_decide_keyed (a, path, 0.3))
        g_assert_true (veil_mix_decide_keyed (a, path, 0.6));
    }
}

/* The one rule the export and the preview share, for both kinds of key. */
static void
test_decide (void)
{
  g_autoptr(VeilKey) secret = make_key (7);
  g_autoptr(VeilKey) seed = veil_key_new_from_seed (3);
  g_autofree gboolean *draws = veil_mix_decide_seeded (3, 4, 3, 200, 0.4);
  guint seeded_protected = 0;

  g_assert_false (veil_mix_needs_draws (secret, 0.4));
  g_assert_true (veil_mix_needs_draws (seed, 0.4));
  g_assert_false (veil_mix_needs_draws (seed, 1.0));

  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *path = path_for (i);

      g_assert_true (veil_mix_decide (secret, NULL, i, path, 1.0));
      g_assert_true (veil_mix_decide (seed, NULL, i, path, 1.0));
      g_assert_cmpint (veil_mix_decide (secret, NULL, i, path, 0.4), ==,
                       veil_mix_decide_keyed (secret, path, 0.4));
      g_assert_cmpint (veil_mix_decide (seed, draws, i, path, 0.4), ==, draws[i]);
      /* A seed whose filters could not be made protects nothing. */
      g_assert_false (veil_mix_decide (seed, NULL, i, path, 0.4));
      seeded_protected += draws[i] ? 1 : 0;
    }
  g_assert_cmpuint (seeded_protected, >, 0);
  g_assert_cmpuint (seeded_protected, <, 200);
}

int
main (int argc, char **argv)
{
  static const double fractions[] = { 0.05, 0.3, 0.5, 0.9 };
  g_autoptr(JsonNode) numpy = NULL;
  JsonArray *cases;

  g_test_init (&argc, &argv, NULL);

  numpy = load_vectors ("numpy-vectors.json");
  cases = json_object_get_array_member (json_node_get_object (numpy), "mix");
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *o = json_array_get_object_element (cases, i);
      g_autofree char *path = g_strdup_printf (
        "/core/mix/seeded/numpy/seed-%" G_GINT64_FORMAT "-mix%g-%u",
        json_object_get_int_member (o, "seed"), json_object_get_double_member (o, "mix"), i);

      g_test_add_data_func (path, json_array_get_element (cases, i), test_seeded_numpy);
    }
  g_test_add_func ("/core/mix/seeded/ends", test_seeded_ends);
  g_test_add_func ("/core/mix/keyed/vectors", test_keyed_vectors);
  for (guint i = 0; i < G_N_ELEMENTS (fractions); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/mix/keyed/fraction/%g", fractions[i]);

      g_test_add_data_func (path, &fractions[i], test_keyed_fraction);
    }
  g_test_add_func ("/core/mix/keyed/order-independent", test_keyed_order);
  g_test_add_func ("/core/mix/keyed/ends-and-keys", test_keyed_ends_and_keys);
  g_test_add_func ("/core/mix/decide", test_decide);

  return g_test_run ();
}
