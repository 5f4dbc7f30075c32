/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

/* Echo filters (doc/filter-derivation.md section 8): their shape, the offsets no two classes
 * share, the sizes' limits, and vectors from an independent implementation of the spec. */

#include <string.h>

#include "veil-error.h"
#include "veil-filter-bank.h"
#include "veil-filter-echo.h"
#include "veil-key.h"

typedef struct {
  int dx, dy;
} Offset;

static VeilKey *
counting_key (void)
{
  guint8 secret[VEIL_KEY_SECRET_LENGTH];

  for (guint i = 0; i < sizeof secret; i++)
    secret[i] = (guint8) i;
  return veil_key_new_from_secret ("test", secret, NULL);
}

static char **
class_names (guint n)
{
  char **names = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    names[i] = g_strdup_printf ("class-%03u", i);
  return names;
}

static VeilFilterBank *
echo_bank (VeilKey *key,
           guint    n_classes,
           guint    k,
           double   pb)
{
  g_auto(GStrv) names = class_names (n_classes);
  g_autoptr(GError) error = NULL;
  VeilFilterBank *bank = veil_filter_bank_new_kind (key, (const char * const *) names, n_classes,
                                                    VEIL_FILTER_KIND_ECHO, k, pb, &error);

  g_assert_no_error (error);
  g_assert_cmpint (veil_filter_bank_get_kind (bank), ==, VEIL_FILTER_KIND_ECHO);
  return bank;
}

/* The offset of the filter's echo from its centre, after checking that the filter is exactly
 * a 1 at the centre and p_b at one other cell. */
static Offset
echo_offset (const float *filter,
             guint        k,
             double       pb)
{
  int r = (int) k / 2;
  Offset offset = { 0, 0 };
  guint others = 0;

  g_assert_cmpfloat (filter[r * k + r], ==, 1.0f);
  for (int y = 0; y < (int) k; y++)
    for (int x = 0; x < (int) k; x++)
      {
        float w = filter[y * (int) k + x];

        if ((x == r && y == r) || w == 0.0f)
          continue;
        g_assert_cmpfloat (w, ==, (float) pb);
        offset = (Offset) { x - r, y - r };
        others++;
      }
  g_assert_cmpuint (others, ==, 1);
  return offset;
}

static void
test_max_classes (void)
{
  g_assert_cmpuint (veil_filter_echo_max_classes (3), ==, 0);
  g_assert_cmpuint (veil_filter_echo_max_classes (5), ==, 0);
  g_assert_cmpuint (veil_filter_echo_max_classes (6), ==, 0);
  g_assert_cmpuint (veil_filter_echo_max_classes (7), ==, 7);
  g_assert_cmpuint (veil_filter_echo_max_classes (9), ==, 16);
  g_assert_cmpuint (veil_filter_echo_max_classes (11), ==, 27);
  g_assert_cmpuint (veil_filter_echo_max_classes (31), ==, 247);
}

/* Every class of a full bank: the right shape, 3 to (k − 1)/2 pixels long, and no two classes
 * alike even when a trainer flips pictures left to right or the copies swap places. */
static void
check_full_bank (VeilKey *key,
                 guint    k)
{
  guint n = veil_filter_echo_max_classes (k);
  g_autoptr(VeilFilterBank) bank = echo_bank (key, n, k, 0.7);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  gboolean left = FALSE, right = FALSE, up = FALSE, down = FALSE;

  for (guint c = 0; c < n; c++)
    {
      Offset o = echo_offset (veil_filter_bank_get_filter (bank, c), k, 0.7);
      int length = MAX (ABS (o.dx), ABS (o.dy));
      guint flip_class = (guint) (ABS (o.dx) * 100 + ABS (o.dy));

      g_assert_cmpint (length, >=, 3);
      g_assert_cmpint (length, <=, (int) k / 2);
      g_assert_true (g_hash_table_add (seen, GUINT_TO_POINTER (flip_class)));
      left |= o.dx < 0;
      right |= o.dx > 0;
      up |= o.dy < 0;
      down |= o.dy > 0;
    }
  /* The quadrant is drawn too. */
  g_assert_true (left && right && up && down);
}

static void
test_full_banks (void)
{
  g_autoptr(VeilKey) secret = counting_key ();
  g_autoptr(VeilKey) seed = veil_key_new_from_seed (3);

  for (guint k = 7; k <= 13; k += 2)
    {
      check_full_bank (secret, k);
      check_full_bank (seed, k);
    }
}

/* p_b is the echo's weight and nothing else: the offsets stay when it changes. */
static void
test_pb_keeps_offsets (void)
{
  g_autoptr(VeilKey) key = counting_key ();
  g_autoptr(VeilFilterBank) weak = echo_bank (key, 10, 9, 0.3);
  g_autoptr(VeilFilterBank) strong = echo_bank (key, 10, 9, 0.9);
  g_autoptr(VeilFilterBank) again = echo_bank (key, 10, 9, 0.9);

  for (guint c = 0; c < 10; c++)
    {
      Offset a = echo_offset (veil_filter_bank_get_filter (weak, c), 9, 0.3);
      Offset b = echo_offset (veil_filter_bank_get_filter (strong, c), 9, 0.9);

      g_assert_cmpint (a.dx, ==, b.dx);
      g_assert_cmpint (a.dy, ==, b.dy);
      g_assert_cmpmem (veil_filter_bank_get_filter (strong, c), 81 * sizeof (float),
                       veil_filter_bank_get_filter (again, c), 81 * sizeof (float));
    }
}

/* Another key, another assignment: ten classes of 16 offsets in four quadrants agree by
 * chance about once in 10^17 times. */
static void
test_keys_differ (void)
{
  g_autoptr(VeilKey) a = counting_key ();
  g_autoptr(VeilKey) b = veil_key_new_random ("other", NULL);
  g_autoptr(VeilFilterBank) bank_a = echo_bank (a, 10, 9, 0.7);
  g_autoptr(VeilFilterBank) bank_b = echo_bank (b, 10, 9, 0.7);
  gboolean differ = FALSE;

  for (guint c = 0; c < 10; c++)
    differ |= memcmp (veil_filter_bank_get_filter (bank_a, c),
                      veil_filter_bank_get_filter (bank_b, c), 81 * sizeof (float)) != 0;
  g_assert_true (differ);
}

/* From /usr/bin/python3 with hmac, hashlib and numpy's legacy RandomState, written from the
 * spec alone (doc/filter-derivation.md section 8 gives the same numbers). */
static void
test_vectors (void)
{
  static const Offset keyed[] = { { -2, -3 }, { 0, -4 }, { 4, 0 }, { -3, 0 } };
  static const Offset seeded[] = { { -4, 0 }, { 0, -3 }, { 2, 3 }, { -3, -3 } };
  g_autoptr(VeilKey) secret = counting_key ();
  g_autoptr(VeilKey) seed = veil_key_new_from_seed (0);
  g_autoptr(VeilFilterBank) keyed_bank = echo_bank (secret, 4, 9, 0.5);
  g_autoptr(VeilFilterBank) seeded_bank = echo_bank (seed, 4, 9, 0.5);

  for (guint c = 0; c < 4; c++)
    {
      Offset a = echo_offset (veil_filter_bank_get_filter (keyed_bank, c), 9, 0.5);
      Offset b = echo_offset (veil_filter_bank_get_filter (seeded_bank, c), 9, 0.5);

      g_assert_cmpint (a.dx, ==, keyed[c].dx);
      g_assert_cmpint (a.dy, ==, keyed[c].dy);
      g_assert_cmpint (b.dx, ==, seeded[c].dx);
      g_assert_cmpint (b.dy, ==, seeded[c].dy);
    }
}

static void
expect_refused (guint       k,
                guint       n_classes,
                const char *words)
{
  g_autoptr(VeilKey) key = counting_key ();
  g_auto(GStrv) names = class_names (n_classes);
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilFilterBank) bank = veil_filter_bank_new_kind (key, (const char * const *) names,
                                                              n_classes, VEIL_FILTER_KIND_ECHO,
                                                              k, 0.5, &error);

  g_assert_null (bank);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, words));
}

static void
test_limits (void)
{
  expect_refused (5, 2, "at least 7");
  expect_refused (7, 8, "larger filter size");
  expect_refused (9, 17, "only 16 classes");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/filter-echo/max-classes", test_max_classes);
  g_test_add_func ("/core/filter-echo/full-banks", test_full_banks);
  g_test_add_func ("/core/filter-echo/pb-keeps-offsets", test_pb_keeps_offsets);
  g_test_add_func ("/core/filter-echo/keys-differ", test_keys_differ);
  g_test_add_func ("/core/filter-echo/vectors", test_vectors);
  g_test_add_func ("/core/filter-echo/limits", test_limits);
  return g_test_run ();
}
