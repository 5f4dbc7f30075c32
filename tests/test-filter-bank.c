/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "veil-error.h"
#include "veil-filter-bank.h"
#include "veil-key.h"
#include "veil-key-stream.h"
#include "veil-mt19937.h"
#include "veil-test-util.h"

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

static guint32
float_bits (float f)
{
  guint32 bits;

  memcpy (&bits, &f, sizeof bits);
  return bits;
}

static VeilKey *
make_secret_key (guint8 fill)
{
  guint8 secret[VEIL_KEY_SECRET_LENGTH];

  for (guint i = 0; i < sizeof secret; i++)
    secret[i] = (guint8) (fill + 7 * i);
  return veil_key_new_from_secret ("test", secret, NULL);
}

static void
secret_from_hex (const char *hex,
                 guint8     *secret)
{
  g_assert_cmpuint (strlen (hex), ==, 2 * VEIL_KEY_SECRET_LENGTH);
  for (guint i = 0; i < VEIL_KEY_SECRET_LENGTH; i++)
    secret[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4
                          | g_ascii_xdigit_value (hex[2 * i + 1]));
}

/* numpy's generator, raw and through its legacy conversions */

static void
test_mt19937_numpy (gconstpointer data)
{
  JsonObject *c = json_node_get_object ((JsonNode *) data);
  JsonArray *raw = json_object_get_array_member (c, "uint32");
  JsonArray *doubles = json_object_get_array_member (c, "random_sample");
  JsonArray *uniforms = json_object_get_array_member (c, "uniform_0_0.3");
  JsonObject *small = json_object_get_object_member (c, "randint");
  JsonArray *large = json_object_get_array_member (c, "randint_2^40+12345");
  static const guint highs[] = { 1, 2, 3, 5, 9, 31 };
  VeilMt19937 mt;

  veil_mt19937_init (&mt, (guint32) json_object_get_int_member (c, "seed"));
  for (guint i = 0; i < json_array_get_length (raw); i++)
    g_assert_cmpuint (veil_mt19937_next_uint32 (&mt), ==,
                      (guint32) json_array_get_int_element (raw, i));
  for (guint i = 0; i < json_array_get_length (doubles); i++)
    g_assert_cmpfloat (veil_mt19937_next_double (&mt), ==,
                       veil_test_parse_double (json_array_get_string_element (doubles, i)));
  for (guint i = 0; i < json_array_get_length (uniforms); i++)
    g_assert_cmpfloat (veil_mt19937_uniform (&mt, 0.0, 0.3), ==,
                       veil_test_parse_double (json_array_get_string_element (uniforms, i)));
  for (guint h = 0; h < G_N_ELEMENTS (highs); h++)
    {
      g_autofree char *member = g_strdup_printf ("%u", highs[h]);
      JsonArray *expected = json_object_get_array_member (small, member);

      for (guint i = 0; i < json_array_get_length (expected); i++)
        g_assert_cmpuint (veil_mt19937_randint (&mt, highs[h]), ==,
                          (guint64) json_array_get_int_element (expected, i));
    }
  for (guint i = 0; i < json_array_get_length (large); i++)
    g_assert_cmpuint (veil_mt19937_randint (&mt, (G_GUINT64_CONSTANT (1) << 40) + 12345), ==,
                      (guint64) json_array_get_int_element (large, i));
  g_assert_cmpfloat (veil_mt19937_next_double (&mt), ==,
                     veil_test_parse_double (json_object_get_string_member (c, "random_sample_after")));
}

/* Seed keys against the reference draws */

static void
test_seeded_numpy (gconstpointer data)
{
  JsonObject *c = json_node_get_object ((JsonNode *) data);
  JsonArray *filters = json_object_get_array_member (c, "filters");
  guint n_classes = json_object_get_int_member (c, "n_classes");
  guint k = json_object_get_int_member (c, "k");
  double pb = json_object_get_double_member (c, "pb");
  guint32 seed = (guint32) json_object_get_int_member (c, "seed");
  g_autoptr(VeilKey) key = veil_key_new_from_seed (seed);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(VeilFilterBank) bank = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n_classes; i++)
    g_ptr_array_add (names, g_strdup_printf ("class%02u", i));
  bank = veil_filter_bank_new (key, (const char * const *) names->pdata, n_classes, k, pb, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (filters), ==, n_classes);

  for (guint i = 0; i < n_classes; i++)
    {
      JsonObject *f = json_array_get_object_element (filters, i);
      JsonArray *weights = json_object_get_array_member (f, "weights");
      JsonArray *one = json_object_get_array_member (f, "one");
      const float *w = veil_filter_bank_get_filter (bank, i);
      guint one_index = json_array_get_int_element (one, 0) * k
                        + json_array_get_int_element (one, 1);

      g_assert_cmpuint (json_array_get_length (weights), ==, k * k);
      for (guint j = 0; j < k * k; j++)
        g_assert_cmphex (float_bits (w[j]), ==, (guint32) json_array_get_int_element (weights, j));
      g_assert_cmpfloat (w[one_index], ==, 1.0f);
    }
}

/* Secret keys against the independent Python implementation of the document */

static void
test_keyed_stream_vectors (void)
{
  g_autoptr(JsonNode) root = load_vectors ("keyed-vectors.json");
  JsonObject *s = json_object_get_object_member (json_node_get_object (root), "stream");
  JsonArray *values = json_object_get_array_member (s, "uint64");
  JsonArray *below = json_object_get_array_member (s, "below_1000003");
  const char *context = json_object_get_string_member (s, "context");
  guint8 secret[VEIL_KEY_SECRET_LENGTH];
  g_autoptr(VeilKeyStream) stream = NULL;

  secret_from_hex (json_object_get_string_member (s, "secret"), secret);
  stream = veil_key_stream_new (secret, (const guint8 *) context, strlen (context));
  for (guint i = 0; i < json_array_get_length (values); i++)
    g_assert_cmpuint (veil_key_stream_next_uint64 (stream), ==,
                      g_ascii_strtoull (json_array_get_string_element (values, i), NULL, 10));
  for (guint i = 0; i < json_array_get_length (below); i++)
    g_assert_cmpuint (veil_key_stream_next_below (stream, 1000003), ==,
                      (guint64) json_array_get_int_element (below, i));
}

/* The first block computed directly with GLib's HMAC, outside the stream code. */
static void
test_keyed_stream_first_block (void)
{
  guint8 secret[VEIL_KEY_SECRET_LENGTH];
  guint8 message[] = { 'c', 't', 'x', 0, 0, 0, 0, 0, 0, 0, 0 };
  g_autoptr(GHmac) hmac = NULL;
  g_autoptr(VeilKeyStream) stream = NULL;
  guint8 digest[32];
  gsize len = sizeof digest;

  for (guint i = 0; i < sizeof secret; i++)
    secret[i] = (guint8) (255 - i);
  hmac = g_hmac_new (G_CHECKSUM_SHA256, secret, sizeof secret);
  g_hmac_update (hmac, message, sizeof message);
  g_hmac_get_digest (hmac, digest, &len);

  stream = veil_key_stream_new (secret, (const guint8 *) "ctx", 3);
  for (guint v = 0; v < 4; v++)
    {
      guint64 expected = 0;

      for (guint i = 0; i < 8; i++)
        expected = expected << 8 | digest[8 * v + i];
      g_assert_cmpuint (veil_key_stream_next_uint64 (stream), ==, expected);
    }
}

static void
test_keyed_filter_vectors (void)
{
  g_autoptr(JsonNode) root = load_vectors ("keyed-vectors.json");
  JsonArray *cases = json_object_get_array_member (json_node_get_object (root), "filters");

  g_assert_cmpuint (json_array_get_length (cases), >, 0);
  for (guint c = 0; c < json_array_get_length (cases); c++)
    {
      JsonObject *o = json_array_get_object_element (cases, c);
      JsonArray *weights = json_object_get_array_member (o, "weights");
      const char *name = json_object_get_string_member (o, "class");
      guint k = json_object_get_int_member (o, "k");
      guint8 secret[VEIL_KEY_SECRET_LENGTH];
      g_autoptr(VeilKey) key = NULL;
      g_autoptr(VeilFilterBank) bank = NULL;
      g_autoptr(GError) error = NULL;
      const float *w;

      secret_from_hex (json_object_get_string_member (o, "secret"), secret);
      key = veil_key_new_from_secret ("vector", secret, NULL);
      bank = veil_filter_bank_new (key, &name, 1, k, json_object_get_double_member (o, "pb"),
                                   &error);
      g_assert_no_error (error);
      w = veil_filter_bank_get_filter (bank, 0);
      for (guint j = 0; j < k * k; j++)
        g_assert_cmphex (float_bits (w[j]), ==, (guint32) json_array_get_int_element (weights, j));
    }
}

/* Properties of the keyed derivation */

static VeilFilterBank *
make_bank (VeilKey            *key,
           const char * const *names,
           guint               n,
           guint               k,
           double              pb)
{
  g_autoptr(GError) error = NULL;
  VeilFilterBank *bank = veil_filter_bank_new (key, names, n, k, pb, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bank);
  return bank;
}

static void
assert_same_filter (const VeilFilterBank *a,
                    guint                 ia,
                    const VeilFilterBank *b,
                    guint                 ib)
{
  guint k = veil_filter_bank_get_k (a);

  g_assert_cmpuint (k, ==, veil_filter_bank_get_k (b));
  g_assert_cmpmem (veil_filter_bank_get_filter (a, ia), k * k * sizeof (float),
                   veil_filter_bank_get_filter (b, ib), k * k * sizeof (float));
}

/* The decoy (doc/filter-derivation.md section 9): the class the vectors name, in the given order
 * and reversed; its filter leaves a picture as it is and every other class keeps the filter it
 * has without a decoy. A seed key has none, nor has a bank of one class. */
static void
test_decoy_vectors (void)
{
  g_autoptr(JsonNode) root = load_vectors ("keyed-vectors.json");
  JsonArray *cases = json_object_get_array_member (json_node_get_object (root), "decoy");
  g_autoptr(VeilKey) seed = veil_key_new_from_seed (0);

  g_assert_cmpuint (json_array_get_length (cases), >, 0);
  for (guint c = 0; c < json_array_get_length (cases); c++)
    {
      JsonObject *o = json_array_get_object_element (cases, c);
      JsonArray *list = json_object_get_array_member (o, "classes");
      guint n = json_array_get_length (list);
      int expected = (int) json_object_get_int_member (o, "decoy");
      g_autofree const char **names = g_new0 (const char *, n + 1);
      g_autofree const char **reversed = g_new0 (const char *, n + 1);
      guint8 secret[VEIL_KEY_SECRET_LENGTH];
      g_autoptr(VeilKey) key = NULL;
      g_autoptr(GError) error = NULL;

      for (guint i = 0; i < n; i++)
        {
          names[i] = json_array_get_string_element (list, i);
          reversed[n - 1 - i] = names[i];
        }
      secret_from_hex (json_object_get_string_member (o, "secret"), secret);
      key = veil_key_new_from_secret ("vector", secret, NULL);
      for (guint order = 0; order < 2; order++)
        {
          const char **these = order == 0 ? names : reversed;
          g_autoptr(VeilFilterBank) with = veil_filter_bank_new_full (key, these, n,
                                                                      VEIL_FILTER_KIND_BLUR, 5,
                                                                      0.3, TRUE, &error);
          g_autoptr(VeilFilterBank) without = make_bank (key, these, n, 5, 0.3);
          g_autoptr(VeilFilterBank) seeded = veil_filter_bank_new_full (seed, these, n,
                                                                        VEIL_FILTER_KIND_BLUR, 5,
                                                                        0.3, TRUE, &error);
          int decoy;

          g_assert_no_error (error);
          decoy = veil_filter_bank_get_decoy (with);
          g_assert_cmpint (veil_filter_bank_get_decoy (without), ==, -1);
          g_assert_cmpint (veil_filter_bank_get_decoy (seeded), ==, -1);
          if (expected < 0)
            {
              g_assert_cmpint (decoy, ==, -1);
              continue;
            }
          g_assert_cmpint (decoy, >=, 0);
          g_assert_cmpstr (these[decoy], ==, names[expected]);
          for (guint i = 0; i < n; i++)
            {
              const float *w = veil_filter_bank_get_filter (with, i);

              if ((int) i != decoy)
                assert_same_filter (with, i, without, i);
              else
                for (guint j = 0; j < 25; j++)
                  g_assert_cmpfloat (w[j], ==, j == 12 ? 1.0f : 0.0f);
            }
        }
    }
}

static void
test_keyed_determinism (void)
{
  static const char * const names[] = { "airplane", "bird", "cat" };
  g_autoptr(VeilKey) key = make_secret_key (1);
  g_autoptr(VeilKey) same = make_secret_key (1);
  g_autoptr(VeilKey) other = make_secret_key (2);
  g_autoptr(VeilFilterBank) a = make_bank (key, names, 3, 5, 0.3);
  g_autoptr(VeilFilterBank) b = make_bank (same, names, 3, 5, 0.3);
  g_autoptr(VeilFilterBank) c = make_bank (other, names, 3, 5, 0.3);

  for (guint i = 0; i < 3; i++)
    {
      assert_same_filter (a, i, b, i);
      g_assert_true (memcmp (veil_filter_bank_get_filter (a, i), veil_filter_bank_get_filter (c, i),
                             25 * sizeof (float)) != 0);
    }
  /* Different classes of one key get different filters. */
  g_assert_true (memcmp (veil_filter_bank_get_filter (a, 0), veil_filter_bank_get_filter (a, 1),
                         25 * sizeof (float)) != 0);
}

static void
test_keyed_class_independence (void)
{
  static const char * const sorted[] = { "airplane", "bird", "cat", "deer" };
  static const char * const reordered[] = { "deer", "cat", "airplane", "bird" };
  static const char * const removed[] = { "bird", "deer" };
  static const char * const added[] = { "aardvark", "airplane", "bird", "cat", "cow", "deer" };
  g_autoptr(VeilKey) key = make_secret_key (9);
  g_autoptr(VeilFilterBank) base = make_bank (key, sorted, 4, 7, 0.2);
  g_autoptr(VeilFilterBank) b_reordered = make_bank (key, reordered, 4, 7, 0.2);
  g_autoptr(VeilFilterBank) b_removed = make_bank (key, removed, 2, 7, 0.2);
  g_autoptr(VeilFilterBank) b_added = make_bank (key, added, 6, 7, 0.2);
  VeilFilterBank *others[] = { b_reordered, b_removed, b_added };

  for (guint o = 0; o < G_N_ELEMENTS (others); o++)
    for (guint i = 0; i < veil_filter_bank_get_n_classes (others[o]); i++)
      {
        const char *name = veil_filter_bank_get_class_name (others[o], i);
        int in_base = veil_filter_bank_lookup (base, name);

        if (in_base >= 0)
          assert_same_filter (base, in_base, others[o], i);
      }
}

static void
test_keyed_pb_scaling (void)
{
  static const char * const names[] = { "a", "b", "c" };
  static const double pbs[] = { 0.01, 0.06, 0.1, 0.25, 0.3, 0.5 };
  g_autoptr(VeilKey) key = make_secret_key (3);
  g_autoptr(VeilFilterBank) unit = make_bank (key, names, 3, 9, 1.0);

  for (guint p = 0; p < G_N_ELEMENTS (pbs); p++)
    {
      g_autoptr(VeilFilterBank) low = make_bank (key, names, 3, 9, pbs[p]);
      g_autoptr(VeilFilterBank) high = make_bank (key, names, 3, 9, 2 * pbs[p]);

      for (guint i = 0; i < 3; i++)
        {
          const float *u = veil_filter_bank_get_filter (unit, i);
          const float *wl = veil_filter_bank_get_filter (low, i);
          const float *wh = veil_filter_bank_get_filter (high, i);

          for (guint j = 0; j < 81; j++)
            {
              /* The 1 sits in the same cell whatever p_b is. */
              if (u[j] == 1.0f)
                {
                  g_assert_cmpfloat (wl[j], ==, 1.0f);
                  g_assert_cmpfloat (wh[j], ==, 1.0f);
                  continue;
                }
              /* Same draws: only the rounding of the products to float differs. */
              g_assert_cmpfloat_with_epsilon (wh[j], 2.0f * wl[j], 4e-7f * wh[j] + 1e-30f);
              g_assert_cmpfloat_with_epsilon (wl[j], (float) (u[j] * pbs[p]),
                                              4e-7f * wl[j] + 1e-30f);
            }
        }
    }
}

typedef struct {
  guint  k;
  double pb;
} ShapeCase;

static const ShapeCase shape_cases[] = {
  { 3, 0.3 }, { 3, 1.0 }, { 5, 0.05 }, { 9, 0.06 }, { 15, 0.5 }, { 31, 0.3 }, { 31, 1e-6 },
};

static void
assert_shape (const VeilFilterBank *bank)
{
  guint k = veil_filter_bank_get_k (bank);
  float pb = (float) veil_filter_bank_get_pb (bank);

  for (guint i = 0; i < veil_filter_bank_get_n_classes (bank); i++)
    {
      const float *w = veil_filter_bank_get_filter (bank, i);
      guint ones = 0;

      for (guint j = 0; j < k * k; j++)
        {
          if (w[j] == 1.0f && pb < 1.0f)
            ones++;
          else
            {
              g_assert_cmpfloat (w[j], >=, 0.0f);
              /* Rounding a double just below p_b to float may reach p_b, never beyond. */
              g_assert_cmpfloat (w[j], <=, pb);
            }
        }
      if (pb < 1.0f)
        g_assert_cmpuint (ones, ==, 1);
    }
}

static void
test_shape (gconstpointer data)
{
  const ShapeCase *c = data;
  static const char * const names[] = { "a", "b", "c", "d", "e", "f", "g", "h" };
  g_autoptr(VeilKey) secret = make_secret_key (5);
  g_autoptr(VeilKey) seed = veil_key_new_from_seed (12345);
  g_autoptr(VeilFilterBank) a = make_bank (secret, names, 8, c->k, c->pb);
  g_autoptr(VeilFilterBank) b = make_bank (seed, names, 8, c->k, c->pb);

  assert_shape (a);
  assert_shape (b);
}

typedef struct {
  guint       k;
  double      pb;
  guint       n_classes;
  const char *what;
} RangeCase;

static const RangeCase range_cases[] = {
  { 4, 0.3, 2, "even" },
  { 1, 0.3, 2, "one" },
  { 33, 0.3, 2, "too-large" },
  { 0, 0.3, 2, "zero" },
  { 3, 0.0, 2, "pb-zero" },
  { 3, -0.1, 2, "pb-negative" },
  { 3, 1.0000001, 2, "pb-above-one" },
  { 3, NAN, 2, "pb-nan" },
  { 3, 0.3, 0, "no-classes" },
};

static void
test_range (gconstpointer data)
{
  const RangeCase *c = data;
  static const char * const names[] = { "a", "b" };
  g_autoptr(VeilKey) secret = make_secret_key (5);
  g_autoptr(VeilKey) seed = veil_key_new_from_seed (0);
  VeilKey *keys[] = { secret, seed };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VeilFilterBank) bank = veil_filter_bank_new (keys[i], names, c->n_classes, c->k,
                                                             c->pb, &error);

      g_assert_null (bank);
      g_assert_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT);
    }
}

static void
test_duplicate_class (void)
{
  static const char * const names[] = { "cat", "dog", "cat" };
  g_autoptr(VeilKey) key = make_secret_key (5);
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilFilterBank) bank = veil_filter_bank_new (key, names, 3, 3, 0.3, &error);

  g_assert_null (bank);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "cat"));
}

static void
test_accessors (void)
{
  static const char * const names[] = { "airplane", "bird" };
  g_autoptr(VeilKey) key = make_secret_key (5);
  g_autoptr(VeilFilterBank) bank = make_bank (key, names, 2, 11, 0.125);
  VeilFilterBank *extra = veil_filter_bank_ref (bank);

  g_assert_cmpuint (veil_filter_bank_get_k (bank), ==, 11);
  g_assert_cmpfloat (veil_filter_bank_get_pb (bank), ==, 0.125);
  g_assert_cmpuint (veil_filter_bank_get_n_classes (bank), ==, 2);
  g_assert_cmpstr (veil_filter_bank_get_class_name (bank, 1), ==, "bird");
  g_assert_cmpint (veil_filter_bank_lookup (bank, "airplane"), ==, 0);
  g_assert_cmpint (veil_filter_bank_lookup (bank, "bird"), ==, 1);
  g_assert_cmpint (veil_filter_bank_lookup (bank, "cat"), ==, -1);
  veil_filter_bank_unref (extra);
  g_assert_cmpuint (veil_filter_bank_get_k (bank), ==, 11);
}

int
main (int argc, char **argv)
{
  g_autoptr(JsonNode) numpy = NULL;
  JsonArray *generators, *filters;

  g_test_init (&argc, &argv, NULL);

  numpy = load_vectors ("numpy-vectors.json");
  generators = json_object_get_array_member (json_node_get_object (numpy), "generator");
  filters = json_object_get_array_member (json_node_get_object (numpy), "filters");
  for (guint i = 0; i < json_array_get_length (generators); i++)
    {
      JsonNode *c = json_array_get_element (generators, i);
      gint64 seed = json_object_get_int_member (json_node_get_object (c), "seed");
      g_autofree char *path = g_strdup_printf ("/core/mt19937/numpy/seed-%" G_GINT64_FORMAT,
                                               seed);

      g_test_add_data_func (path, c, test_mt19937_numpy);
    }
  for (guint i = 0; i < json_array_get_length (filters); i++)
    {
      JsonObject *o = json_array_get_object_element (filters, i);
      g_autofree char *path = g_strdup_printf (
        "/core/filter-bank/seeded/numpy/seed-%" G_GINT64_FORMAT "-k%" G_GINT64_FORMAT "-%u",
        json_object_get_int_member (o, "seed"), json_object_get_int_member (o, "k"), i);

      g_test_add_data_func (path, json_array_get_element (filters, i), test_seeded_numpy);
    }

  g_test_add_func ("/core/key-stream/first-block", test_keyed_stream_first_block);
  g_test_add_func ("/core/key-stream/vectors", test_keyed_stream_vectors);
  g_test_add_func ("/core/filter-bank/keyed/vectors", test_keyed_filter_vectors);
  g_test_add_func ("/core/filter-bank/keyed/determinism", test_keyed_determinism);
  g_test_add_func ("/core/filter-bank/decoy/vectors", test_decoy_vectors);
  g_test_add_func ("/core/filter-bank/keyed/class-independence", test_keyed_class_independence);
  g_test_add_func ("/core/filter-bank/keyed/pb-scaling", test_keyed_pb_scaling);
  for (guint i = 0; i < G_N_ELEMENTS (shape_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/filter-bank/shape/k%u-pb%g",
                                               shape_cases[i].k, shape_cases[i].pb);

      g_test_add_data_func (path, &shape_cases[i], test_shape);
    }
  for (guint i = 0; i < G_N_ELEMENTS (range_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/filter-bank/range/%s", range_cases[i].what);

      g_test_add_data_func (path, &range_cases[i], test_range);
    }
  g_test_add_func ("/core/filter-bank/duplicate-class", test_duplicate_class);
  g_test_add_func ("/core/filter-bank/accessors", test_accessors);

  return g_test_run ();
}
