/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "veil-error.h"
#include "veil-key.h"
#include "veil-test-util.h"

#define SECRET_HEX "00112233445566778899aabbccddeeff0123456789abcdef0f1e2d3c4b5a6978"

static char *
secret_hex (const VeilKey *key)
{
  const guint8 *secret = veil_key_get_secret (key);
  GString *hex = g_string_new (NULL);

  for (guint i = 0; i < VEIL_KEY_SECRET_LENGTH; i++)
    g_string_append_printf (hex, "%02x", secret[i]);
  return g_string_free (hex, FALSE);
}

static void
write_file (const char *path,
            const char *data,
            gssize      len,
            int         mode)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static void
test_round_trip (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ("veil-key-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "k.key", NULL);
  static const char * const names[] = {
    "holiday", "  spaces and = signs [x] #", "Ünïcödé 鍵 🔑", "..", ".hidden", "a\\b;c",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VeilKey) key = veil_key_new_random (names[i], &error);
      g_autoptr(VeilKey) loaded = NULL;
      g_autofree char *a = NULL;
      g_autofree char *b = NULL;

      g_assert_no_error (error);
      g_assert_cmpint (veil_key_get_kind (key), ==, VEIL_KEY_KIND_SECRET);
      g_assert_true (veil_key_save (key, path, &error));
      g_assert_no_error (error);
      loaded = veil_key_load (path, &error);
      g_assert_no_error (error);
      g_assert_nonnull (loaded);

      g_assert_cmpstr (veil_key_get_name (loaded), ==, names[i]);
      g_assert_cmpint (veil_key_get_kind (loaded), ==, VEIL_KEY_KIND_SECRET);
      g_assert_cmpmem (veil_key_get_secret (loaded), VEIL_KEY_SECRET_LENGTH,
                       veil_key_get_secret (key), VEIL_KEY_SECRET_LENGTH);
      g_assert_true (veil_key_equal (key, loaded));
      g_assert_true (g_date_time_equal (veil_key_get_created (key),
                                        veil_key_get_created (loaded)));
      a = veil_key_dup_fingerprint (key);
      b = veil_key_dup_fingerprint (loaded);
      g_assert_cmpstr (a, ==, b);
    }
  veil_test_rm_rf (dir);
}

static void
test_seed_round_trip (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ("veil-key-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "seed.key", NULL);
  static const guint32 seeds[] = { 0, 1, 42, G_MAXUINT32 };

  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VeilKey) key = veil_key_new_from_seed (seeds[i]);
      g_autoptr(VeilKey) loaded = NULL;

      g_assert_cmpint (veil_key_get_kind (key), ==, VEIL_KEY_KIND_SEED);
      g_assert_cmpuint (veil_key_get_seed (key), ==, seeds[i]);
      g_assert_nonnull (veil_key_get_name (key));
      g_assert_true (veil_key_save (key, path, &error));
      loaded = veil_key_load (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (veil_key_get_kind (loaded), ==, VEIL_KEY_KIND_SEED);
      g_assert_cmpuint (veil_key_get_seed (loaded), ==, seeds[i]);
      g_assert_cmpstr (veil_key_get_name (loaded), ==, veil_key_get_name (key));
      g_assert_true (veil_key_equal (key, loaded));
    }
  veil_test_rm_rf (dir);
}

static void
test_save_mode (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ("veil-key-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "k.key", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilKey) key = veil_key_new_random ("mode", &error);
  g_autoptr(GDir) listing = NULL;
  g_autofree char *hex = secret_hex (key);
  g_autofree char *contents = NULL;
  mode_t old_umask;
  struct stat st;

  /* Even with a permissive umask, and when replacing a readable file, the key ends up 0600. */
  write_file (path, "old", -1, 0644);
  old_umask = umask (0);
  g_assert_true (veil_key_save (key, path, &error));
  umask (old_umask);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "[Veil Key]\n"));
  g_assert_nonnull (strstr (contents, "\nVersion=1\n"));
  g_assert_nonnull (strstr (contents, "\nKind=secret\n"));
  g_assert_nonnull (strstr (contents, hex));

  /* No temporary file is left behind. */
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_dir_read_name (listing), ==, "k.key");
  g_assert_null (g_dir_read_name (listing));
  veil_test_rm_rf (dir);
}

static void
test_save_unwritable (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ("veil-key-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "missing", "k.key", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilKey) key = veil_key_new_random ("x", &error);

  g_assert_false (veil_key_save (key, path, &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, path));
  veil_test_rm_rf (dir);
}

/* Damaged key files: each with its own code and a message that names the file and the fault */

typedef struct {
  const char *what;
  const char *text;   /* NULL: do not create the file */
  gssize      len;    /* -1: text is NUL-terminated */
  int         mode;
  int         code;
  const char *says;   /* must appear in the message */
} DamagedCase;

#define HEAD "[Veil Key]\nVersion=1\nName=holiday\n"
#define GOOD_TAIL "Kind=secret\nCreated=2024-05-01T10:00:00Z\nSecret=" SECRET_HEX "\n"

static const DamagedCase damaged_cases[] = {
  { "missing-file", NULL, -1, 0600, VEIL_ERROR_KEY_NOT_FOUND, "does not exist" },
  { "empty", "", 0, 0600, VEIL_ERROR_KEY_INVALID, "is empty" },
  { "binary-junk", "\x7f" "ELF\x02\x01\x00\x00\xff\xfe", 10, 0600, VEIL_ERROR_KEY_INVALID,
    "binary data" },
  { "invalid-utf8", "[Veil Key]\nName=\xc3\x28\n", -1, 0600, VEIL_ERROR_KEY_INVALID,
    "binary data" },
  { "not-a-key-file", "Dear diary,\ntoday I made a key.\n", -1, 0600, VEIL_ERROR_KEY_INVALID,
    "is not a Veil key file:" },
  { "missing-group", "[Other Key]\nVersion=1\nName=holiday\n" GOOD_TAIL, -1, 0600,
    VEIL_ERROR_KEY_INVALID, "no [Veil Key] section" },
  { "missing-version", "[Veil Key]\nName=holiday\n" GOOD_TAIL, -1, 0600, VEIL_ERROR_KEY_INVALID,
    "no “Version” entry" },
  { "wrong-version", "[Veil Key]\nVersion=2\nName=holiday\n" GOOD_TAIL, -1, 0600,
    VEIL_ERROR_KEY_INVALID, "version 2" },
  { "version-not-number", "[Veil Key]\nVersion=one\nName=holiday\n" GOOD_TAIL, -1, 0600,
    VEIL_ERROR_KEY_INVALID, "not a number" },
  { "missing-name", "[Veil Key]\nVersion=1\n" GOOD_TAIL, -1, 0600, VEIL_ERROR_KEY_INVALID,
    "no “Name” entry" },
  { "bad-name", "[Veil Key]\nVersion=1\nName=a/b\n" GOOD_TAIL, -1, 0600, VEIL_ERROR_KEY_INVALID,
    "invalid name" },
  { "bad-kind", HEAD "Kind=banana\nCreated=2024-05-01T10:00:00Z\nSecret=" SECRET_HEX "\n", -1,
    0600, VEIL_ERROR_KEY_INVALID, "unknown kind “banana”" },
  { "missing-kind", HEAD "Created=2024-05-01T10:00:00Z\nSecret=" SECRET_HEX "\n", -1, 0600,
    VEIL_ERROR_KEY_INVALID, "no “Kind” entry" },
  { "bad-created", HEAD "Kind=secret\nCreated=yesterday\nSecret=" SECRET_HEX "\n", -1, 0600,
    VEIL_ERROR_KEY_INVALID, "not an ISO 8601 date" },
  { "bad-hex", HEAD "Kind=secret\nCreated=2024-05-01T10:00:00Z\nSecret="
    "00112233445566778899aabbccddeeff0123456789abcdef0f1e2d3c4b5a69zz\n", -1, 0600,
    VEIL_ERROR_KEY_INVALID, "not hexadecimal digits" },
  { "short-secret", HEAD "Kind=secret\nCreated=2024-05-01T10:00:00Z\nSecret="
    "00112233445566778899aabbccddeeff0123456789abcdef0f1e2d3c4b5a69\n", -1, 0600,
    VEIL_ERROR_KEY_INVALID, "secret of 62 hexadecimal digits instead of 64" },
  { "long-secret", HEAD "Kind=secret\nCreated=2024-05-01T10:00:00Z\nSecret=" SECRET_HEX "ab\n",
    -1, 0600, VEIL_ERROR_KEY_INVALID, "secret of 66 hexadecimal digits instead of 64" },
  { "truncated-in-secret", HEAD "Kind=secret\nCreated=2024-05-01T10:00:00Z\nSecret=0011223344",
    -1, 0600, VEIL_ERROR_KEY_INVALID, "secret of 10 hexadecimal digits instead of 64; it is "
    "truncated" },
  { "truncated-before-secret", HEAD "Kind=secret\nCreated=2024-05-01T10:00:00Z\n", -1, 0600,
    VEIL_ERROR_KEY_INVALID, "no “Secret” entry" },
  { "truncated-in-header", "[Veil K", -1, 0600, VEIL_ERROR_KEY_INVALID,
    "is not a Veil key file:" },
  { "bad-seed", HEAD "Kind=seed\nCreated=2024-05-01T10:00:00Z\nSeed=4294967296\n", -1, 0600,
    VEIL_ERROR_KEY_INVALID, "seed “4294967296” that is not a whole number" },
  { "world-readable", HEAD GOOD_TAIL, -1, 0644, VEIL_ERROR_KEY_PERMISSIONS, "chmod 600" },
  { "group-readable", HEAD GOOD_TAIL, -1, 0640, VEIL_ERROR_KEY_PERMISSIONS, "mode 0640" },
};

static char *
load_damaged (const DamagedCase *c,
              const char        *dir,
              GError           **error)
{
  g_autofree char *path = g_build_filename (dir, c->what, NULL);
  g_autoptr(VeilKey) key = NULL;

  if (c->text != NULL)
    write_file (path, c->text, c->len, c->mode);
  key = veil_key_load (path, error);
  g_assert_null (key);
  return g_steal_pointer (&path);
}

static void
test_damaged (gconstpointer data)
{
  const DamagedCase *c = data;
  g_autofree char *dir = veil_test_make_tmpdir ("veil-key-XXXXXX");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = load_damaged (c, dir, &error);

  g_assert_error (error, VEIL_ERROR, c->code);
  if (strstr (error->message, c->says) == NULL)
    g_error ("“%s” does not say “%s”", error->message, c->says);
  g_assert_nonnull (strstr (error->message, path));
  /* The secret in a damaged file is never echoed back. */
  g_assert_null (strstr (error->message, "00112233445566"));
  veil_test_rm_rf (dir);
}

static void
test_damaged_distinct (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ("veil-key-XXXXXX");
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (damaged_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = load_damaged (&damaged_cases[i], dir, &error);
      g_auto(GStrv) parts = g_strsplit (error->message, path, -1);
      g_autofree char *without_path = g_strjoinv ("", parts);

      g_ptr_array_add (messages, g_steal_pointer (&without_path));
    }
  /* The world- and group-readable cases differ only in the mode they report. */
  for (guint i = 0; i < messages->len; i++)
    for (guint j = 0; j < i; j++)
      if (g_str_equal (messages->pdata[i], messages->pdata[j])
          && !(g_str_equal (damaged_cases[i].what, "invalid-utf8")
               && g_str_equal (damaged_cases[j].what, "binary-junk"))
          && !(g_str_equal (damaged_cases[i].what, "truncated-in-header")
               && g_str_equal (damaged_cases[j].what, "not-a-key-file")))
        g_error ("“%s” and “%s” give the same message: %s", damaged_cases[i].what,
                 damaged_cases[j].what, (char *) messages->pdata[i]);
  veil_test_rm_rf (dir);
}

/* Fingerprints */

static gboolean
looks_like_fingerprint (const char *text)
{
  g_autoptr(GRegex) regex = g_regex_new ("^[0-9a-f]{4}( [0-9a-f]{4}){3}$", 0, 0, NULL);

  return g_regex_match (regex, text, 0, NULL);
}

static void
test_fingerprint (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VeilKey) key = veil_key_new_random ("fp", &error);
      g_autofree char *fingerprint = veil_key_dup_fingerprint (key);
      g_autofree char *again = veil_key_dup_fingerprint (key);
      g_autofree char *hex = secret_hex (key);
      g_auto(GStrv) groups = g_strsplit (fingerprint, " ", -1);
      g_autofree char *joined = g_strjoinv ("", groups);

      g_assert_no_error (error);
      g_assert_true (looks_like_fingerprint (fingerprint));
      g_assert_cmpstr (fingerprint, ==, again);
      /* One-way: not a piece of the secret, either way round. */
      g_assert_null (strstr (hex, joined));
      g_assert_null (strstr (joined, hex));
      g_assert_true (g_hash_table_add (seen, g_steal_pointer (&fingerprint)));
    }
}

static void
test_fingerprint_known (void)
{
  guint8 secret[VEIL_KEY_SECRET_LENGTH];
  g_autoptr(VeilKey) key = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *fingerprint = NULL;
  const char *digest;
  g_autofree char *expected = NULL;

  for (guint i = 0; i < sizeof secret; i++)
    secret[i] = (guint8) i;
  key = veil_key_new_from_secret ("known", secret, NULL);
  fingerprint = veil_key_dup_fingerprint (key);

  /* As documented: SHA-256 of "veil-key-fingerprint-v1" NUL secret, first 8 bytes. */
  g_checksum_update (checksum, (const guchar *) "veil-key-fingerprint-v1", 24);
  g_checksum_update (checksum, secret, sizeof secret);
  digest = g_checksum_get_string (checksum);
  expected = g_strdup_printf ("%.4s %.4s %.4s %.4s", digest, digest + 4, digest + 8, digest + 12);
  g_assert_cmpstr (fingerprint, ==, expected);
}

static void
test_fingerprint_seed (void)
{
  g_autoptr(VeilKey) a = veil_key_new_from_seed (0);
  g_autoptr(VeilKey) b = veil_key_new_from_seed (1);
  g_autofree char *fa = veil_key_dup_fingerprint (a);
  g_autofree char *fb = veil_key_dup_fingerprint (b);

  g_assert_true (g_str_has_prefix (fa, "seed:"));
  g_assert_true (looks_like_fingerprint (fa + 5));
  g_assert_true (g_str_has_prefix (fb, "seed:"));
  g_assert_cmpstr (fa, !=, fb);
}

/* Names */

typedef struct {
  const char *name;
  gboolean    valid;
} NameCase;

static const NameCase name_cases[] = {
  { "holiday", TRUE },
  { "with spaces", TRUE },
  { "Ünïcödé 鍵", TRUE },
  { "../x", FALSE },
  { "..", TRUE },
  { "a/b", FALSE },
  { "", FALSE },
  { "tab\there", FALSE },
  { "new\nline", FALSE },
  { "del\x7f", FALSE },
  { "bad \xc3\x28 utf8", FALSE },
};

static void
test_names (void)
{
  g_autofree char *long_name = g_strnfill (256, 'x');
  g_autofree char *max_name = g_strnfill (255, 'x');

  for (guint i = 0; i < G_N_ELEMENTS (name_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = veil_key_check_name (name_cases[i].name, &error);

      if (ok != name_cases[i].valid)
        g_error ("name “%s”: expected %s", name_cases[i].name,
                 name_cases[i].valid ? "valid" : "invalid");
      if (!ok)
        g_assert_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT);
      else
        g_assert_no_error (error);
    }
  g_assert_false (veil_key_check_name (long_name, NULL));
  g_assert_true (veil_key_check_name (max_name, NULL));
  g_assert_false (veil_key_check_name (NULL, NULL));
}

static void
test_new_random (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilKey) a = veil_key_new_random ("a", &error);
  g_autoptr(VeilKey) b = veil_key_new_random ("b", &error);
  g_autoptr(VeilKey) bad = NULL;

  g_assert_no_error (error);
  g_assert_false (veil_key_equal (a, b));
  g_assert_nonnull (veil_key_get_created (a));

  bad = veil_key_new_random ("", &error);
  g_assert_null (bad);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT);

  veil_key_set_name (a, "renamed");
  g_assert_cmpstr (veil_key_get_name (a), ==, "renamed");
  g_assert_true (veil_key_equal (a, veil_key_ref (a)));
  veil_key_unref (a);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/key/round-trip", test_round_trip);
  g_test_add_func ("/core/key/seed-round-trip", test_seed_round_trip);
  g_test_add_func ("/core/key/save-mode", test_save_mode);
  g_test_add_func ("/core/key/save-unwritable", test_save_unwritable);
  for (guint i = 0; i < G_N_ELEMENTS (damaged_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/key/damaged/%s", damaged_cases[i].what);

      g_test_add_data_func (path, &damaged_cases[i], test_damaged);
    }
  g_test_add_func ("/core/key/damaged-distinct", test_damaged_distinct);
  g_test_add_func ("/core/key/fingerprint", test_fingerprint);
  g_test_add_func ("/core/key/fingerprint-known", test_fingerprint_known);
  g_test_add_func ("/core/key/fingerprint-seed", test_fingerprint_seed);
  g_test_add_func ("/core/key/names", test_names);
  g_test_add_func ("/core/key/new-random", test_new_random);

  return g_test_run ();
}
