/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cli-test-util.h"
#include "hostile-test-util.h"
#include "veil.h"
#include "veil-manifest.h"
#include "veil-test-util.h"

/* The writing side of veil-cli under attack: every write stays inside OUTPUT, nothing is
 * written through a symlink, no key reaches an output, no image is lost without a word. Each
 * test keeps a sentinel tree next to the folders it uses and checks that nothing outside OUTPUT
 * changed. */

typedef struct {
  char *base;     /* everything of the test lives here */
  char *home;     /* XDG_DATA_HOME: the key store */
  char *input;
  char *output;
  char *sentinel;
  GHashTable *before; /* the state of base, OUTPUT excluded, after set-up */
} Fixture;

static const char *output_only[] = { "out", NULL };

static void
make_input (const char *input)
{
  const char *classes[] = { "c", "d" };

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s/i%u.%s", input, classes[i % 2], i,
                                               i % 3 == 0 ? "jpg" : "png");
      if (i % 3 == 0)
        cli_write_jpeg (path, 40, 32, i + 1);
      else
        cli_write_png (path, 40, 32, i + 1);
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->base = veil_test_make_tmpdir ("veil-hostile-XXXXXX");
  fixture->home = g_build_filename (fixture->base, "home", NULL);
  fixture->input = g_build_filename (fixture->base, "in", NULL);
  fixture->output = g_build_filename (fixture->base, "out", NULL);
  fixture->sentinel = g_build_filename (fixture->base, "sentinel", NULL);
  make_input (fixture->input);
  hostile_make_sentinel (fixture->sentinel);
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "keygen", "k1", NULL), ==, 0);
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "keygen", "k2", NULL), ==, 0);
}

/* Records the state of everything but OUTPUT, for assert_outside_unchanged(). */
static void
fixture_freeze (Fixture *fixture)
{
  g_clear_pointer (&fixture->before, g_hash_table_unref);
  fixture->before = veil_test_tree_snapshot (fixture->base, VEIL_TEST_TREE_ALL, output_only);
}

static void
assert_outside_unchanged (Fixture *fixture)
{
  g_autoptr(GHashTable) after = veil_test_tree_snapshot (fixture->base, VEIL_TEST_TREE_ALL,
                                                         output_only);

  veil_test_assert_same_tree (fixture->before, after);
}

/* No byte of either key's secret below OUTPUT. */
static void
assert_no_key_bytes (Fixture *fixture)
{
  const char *names[] = { "k1", "k2" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GBytes) secret = hostile_key_secret (fixture->home, names[i]);
      hostile_assert_absent (fixture->output, secret);
    }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  veil_test_rm_rf (fixture->base);
  g_clear_pointer (&fixture->before, g_hash_table_unref);
  g_free (fixture->base);
  g_free (fixture->home);
  g_free (fixture->input);
  g_free (fixture->output);
  g_free (fixture->sentinel);
}

/* Issue 9, item 4: "rm -rf out/c; ln -s $PWD/in/c out/c; protect --resume" overwrote every
 * original in in/c. */
static void
test_symlink_in_output_on_resume (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autofree char *class_out = g_build_filename (fixture->output, "c", NULL);
  g_autofree char *class_in = g_build_filename (fixture->input, "c", NULL);
  g_autofree char *out = NULL;
  int status;

  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "protect", "--key", "k1", "-q",
                                "--no-check", fixture->input, fixture->output, NULL), ==, 0);
  veil_test_rm_rf (class_out);
  g_assert_cmpint (symlink (class_in, class_out), ==, 0);
  fixture_freeze (fixture);

  /* Each image of the class fails, named, and the originals stay as they were. */
  status = hostile_run (fixture->home, NULL, &out, NULL, "protect", "--key", "k1", "-q",
                        "--no-check", "--resume", fixture->input, fixture->output, NULL);
  g_assert_cmpint (status, ==, 3);
  hostile_assert_mentions (out, "c/i0.jpg");
  hostile_assert_mentions (out, "symbolic link");
  assert_outside_unchanged (fixture);
  assert_no_key_bytes (fixture);

  /* A fresh export or a merge into a folder holding a planted link: refused, named. */
  {
    g_autofree char *err = NULL;
    g_autofree char *s1 = g_build_filename (fixture->base, "s1", NULL);
    g_autofree char *s2 = g_build_filename (fixture->base, "s2", NULL);

    veil_test_rm_rf (fixture->output);
    g_assert_cmpint (g_mkdir (fixture->output, 0755), ==, 0);
    g_assert_cmpint (symlink (class_in, class_out), ==, 0);
    for (guint i = 1; i <= 2; i++)
      {
        g_autofree char *shard = g_strdup_printf ("%u/2", i);
        g_autofree char *dir = g_strdup_printf ("%s/s%u", fixture->base, i);

        g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "protect", "--key", "k1",
                                      "-q", "--shard", shard, fixture->input, dir, NULL), ==, 0);
      }
    fixture_freeze (fixture);
    g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, &err, "protect", "--key", "k1", "-q",
                                  fixture->input, fixture->output, NULL), ==, 1);
    hostile_assert_mentions (err, "“c”");
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, &err, "merge", fixture->output, s1,
                                  s2, NULL), ==, 1);
    hostile_assert_mentions (err, "“c”");
    assert_outside_unchanged (fixture);
  }
}


/* Rewrites the first image entry of the manifest at @path to name @output (with @sha256). */
static void
tamper_first_output (const char *path,
                     const char *output,
                     const char *sha256)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *entry;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  entry = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "images"),
    0);
  json_object_set_string_member (entry, "output", output);
  json_object_set_string_member (entry, "sha256", sha256);
  json_generator_set_root (generator, json_parser_get_root (parser));
  json_generator_to_file (generator, path, &error);
  g_assert_no_error (error);
}

static void
make_shards (Fixture *fixture)
{
  for (guint i = 1; i <= 2; i++)
    {
      g_autofree char *shard = g_strdup_printf ("%u/2", i);
      g_autofree char *dir = g_strdup_printf ("%s/s%u", fixture->base, i);

      g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "protect", "--key", "k1",
                                    "-q", "--shard", shard, fixture->input, dir, NULL), ==, 0);
    }
}

/* Issue 9, item 1: shard-manifest outputs with "..", through a symlink in the shard folder, or
 * over an existing private file: merge must refuse before writing anything. */
static void
test_merge_crafted_outputs (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autofree char *s1 = g_build_filename (fixture->base, "s1", NULL);
  g_autofree char *s2 = g_build_filename (fixture->base, "s2", NULL);
  g_autofree char *manifest = g_build_filename (s1, "veil-manifest.shard-1-of-2.json", NULL);
  g_autofree char *pristine = NULL;
  g_autofree char *link = g_build_filename (s1, "lnk", NULL);
  g_autofree char *payload = g_build_filename (fixture->base, "payload.txt", NULL);
  g_autofree char *payload_sha = NULL;
  const char *sentinel_secret_up = "../../../../../../../../../../../..";
  struct {
    const char *what;
    char *output;
    const char *mention;
  } cases[4];

  make_shards (fixture);
  g_assert_true (g_file_get_contents (manifest, &pristine, NULL, NULL));
  cli_write_file (payload, "owned\n", 6);
  payload_sha = veil_test_file_sha256 (payload);
  g_assert_cmpint (symlink (fixture->base, link), ==, 0);

  cases[0].what = "dotdot through a symlink";
  cases[0].output = g_strdup_printf ("lnk/../../../../../../../../../..%s/sentinel/owned.txt",
                                     fixture->base);
  cases[0].mention = "lnk/";
  cases[1].what = "dotdot over a private file";
  cases[1].output = g_strdup_printf ("%s%s/sentinel/secret.txt", sentinel_secret_up,
                                     fixture->base);
  cases[1].mention = "secret.txt";
  cases[2].what = "through a symlink, no dotdot";
  cases[2].output = g_strdup ("lnk/payload.txt");
  cases[2].mention = "lnk";
  cases[3].what = "absolute";
  cases[3].output = g_strdup_printf ("%s/sentinel/owned.txt", fixture->base);
  cases[3].mention = "owned.txt";

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_test_message ("case: %s", cases[i].what);
      g_assert_true (g_file_set_contents (manifest, pristine, -1, NULL));
      tamper_first_output (manifest, cases[i].output, payload_sha);
      fixture_freeze (fixture);
      g_assert_cmpint (hostile_run (fixture->home, NULL, &out, &err, "merge", fixture->output, s1,
                                    s2, NULL), ==, 1);
      hostile_assert_mentions (err, cases[i].mention);
      assert_outside_unchanged (fixture);
      g_assert_false (g_file_test (fixture->output, G_FILE_TEST_EXISTS)
                      && cli_count_files (fixture->output, ".png") > 0);
      veil_test_rm_rf (fixture->output);
      g_free (cases[i].output);
    }
}

/* A shard file whose bytes differ from its manifest never takes its name in OUTPUT. */
static void
test_merge_checks_before_rename (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autofree char *s1 = g_build_filename (fixture->base, "s1", NULL);
  g_autofree char *s2 = g_build_filename (fixture->base, "s2", NULL);
  g_autofree char *manifest = g_build_filename (s1, "veil-manifest.shard-1-of-2.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *victim = NULL;
  g_autofree char *victim_path = NULL;
  g_autofree char *placed = NULL;
  g_autofree char *err = NULL;

  make_shards (fixture);
  g_assert_true (json_parser_load_from_file (parser, manifest, NULL));
  victim = g_strdup (json_object_get_string_member (json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "images"),
    0), "output"));
  victim_path = g_build_filename (s1, victim, NULL);
  cli_write_file (victim_path, "not the protected image", 23);

  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, &err, "merge", fixture->output, s1, s2,
                                NULL), ==, 1);
  hostile_assert_mentions (err, victim);
  placed = g_build_filename (fixture->output, victim, NULL);
  g_assert_false (g_file_test (placed, G_FILE_TEST_EXISTS));
}

/* Issue 9, item 3: merge into the input (with or without --against) or into an unrelated
 * folder that is not empty changes nothing there. */
static void
test_merge_into_input_or_unrelated (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autofree char *s1 = g_build_filename (fixture->base, "s1", NULL);
  g_autofree char *s2 = g_build_filename (fixture->base, "s2", NULL);
  g_autofree char *unrelated = g_build_filename (fixture->base, "unrelated", NULL);
  g_autofree char *err = NULL;

  make_shards (fixture);
  /* Same names as the outputs, other contents. */
  make_input (unrelated);
  fixture_freeze (fixture);

  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, &err, "merge", fixture->input, s1, s2,
                                "--against", fixture->input, "--key", "k1", NULL), ==, 1);
  hostile_assert_mentions (err, fixture->input);
  assert_outside_unchanged (fixture);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, &err, "merge", fixture->input, s1, s2,
                                NULL), ==, 1);
  hostile_assert_mentions (err, fixture->input);
  assert_outside_unchanged (fixture);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, &err, "merge", unrelated, s1, s2,
                                NULL), ==, 1);
  hostile_assert_mentions (err, "unrelated");
  assert_outside_unchanged (fixture);
}

/* Issue 9, item 2: --copy-other never publishes a key: not a key file inside INPUT whatever its
 * name, not one behind a symlink, not one named like an image that the mix leaves unchanged;
 * a private file keeps its mode; and a --key-file inside INPUT is refused. */
static void
test_copy_other_never_publishes_keys (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  g_autofree char *exported = g_build_filename (fixture->input, "c", "holidays.key", NULL);
  g_autofree char *renamed = g_build_filename (fixture->input, "c", "notes.txt", NULL);
  g_autofree char *as_image = g_build_filename (fixture->input, "d", "zz.png", NULL);
  g_autofree char *link = g_build_filename (fixture->input, "c", "linked.txt", NULL);
  g_autofree char *image_link = g_build_filename (fixture->input, "d", "zz-link.jpg", NULL);
  g_autofree char *sentinel_secret = g_build_filename (fixture->sentinel, "secret.txt", NULL);
  g_autoptr(GBytes) sentinel_bytes = g_bytes_new_static (HOSTILE_SENTINEL_SECRET,
                                                         strlen (HOSTILE_SENTINEL_SECRET));
  g_autofree char *shadow = g_build_filename (fixture->input, "c", "shadow.txt", NULL);
  g_autofree char *private = g_build_filename (fixture->input, "c", "private.txt", NULL);
  g_autofree char *private_out = g_build_filename (fixture->output, "c", "private.txt", NULL);
  g_autofree char *keys = g_build_filename (fixture->home, "veil", "keys", NULL);
  g_autofree char *store_key = NULL;
  g_autofree char *key_text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  GStatBuf st;

  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "keys", "export", "k1",
                                exported, NULL), ==, 0);
  g_assert_true (g_file_get_contents (exported, &key_text, NULL, NULL));
  cli_write_file (renamed, key_text, strlen (key_text));
  cli_write_file (as_image, key_text, strlen (key_text));
  {
    g_autoptr(GDir) dir = g_dir_open (keys, 0, NULL);
    const char *name = g_dir_read_name (dir);
    store_key = g_build_filename (keys, name, NULL);
  }
  g_assert_cmpint (symlink (store_key, link), ==, 0);
  g_assert_cmpint (symlink (fixture->sentinel, shadow), ==, 0);
  g_assert_cmpint (symlink (sentinel_secret, image_link), ==, 0);
  cli_write_file (private, "mine\n", 5);
  g_assert_cmpint (g_chmod (private, 0600), ==, 0);
  fixture_freeze (fixture);

  /* --mix 0: every image is copied unchanged, byte for byte, zz.png included. */
  g_assert_cmpint (hostile_run (fixture->home, NULL, &out, &err, "protect", "--key", "k1", "-q",
                                "--no-check", "--copy-other", "--mix", "0", fixture->input,
                                fixture->output, NULL), ==, 3);
  hostile_assert_mentions (out, "c/holidays.key");
  hostile_assert_mentions (out, "c/notes.txt");
  hostile_assert_mentions (out, "d/zz.png");
  hostile_assert_mentions (out, "c/linked.txt");
  /* A link named like a picture, to a private file elsewhere: not a picture, not copied. */
  hostile_assert_mentions (out, "d/zz-link.jpg");
  hostile_assert_absent (fixture->output, sentinel_bytes);
  assert_outside_unchanged (fixture);
  assert_no_key_bytes (fixture);
  g_assert_cmpint (g_stat (private_out, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  veil_test_rm_rf (fixture->output);

  /* Protected images are decoded, so only the other files matter; the same holds. */
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "protect", "--key", "k1", "-q",
                                "--no-check", "--copy-other", fixture->input, fixture->output,
                                NULL), ==, 3);
  assert_outside_unchanged (fixture);
  assert_no_key_bytes (fixture);
  veil_test_rm_rf (fixture->output);

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, &err, "protect", "--key-file", exported,
                                "-q", fixture->input, fixture->output, NULL), ==, 1);
  hostile_assert_mentions (err, "holidays.key");
  g_assert_false (g_file_test (fixture->output, G_FILE_TEST_EXISTS));
}

/* Issue 9, item 5: dataset B with key k2 into a folder holding dataset A's shards (key k1), and
 * a stray "veil-manifest…" name beside unrelated files: both refused, nothing changed. */
static void
test_foreign_shards_and_stray_manifest (Fixture       *fixture,
                                        gconstpointer  user_data)
{
  g_autofree char *other = g_build_filename (fixture->base, "other-in", NULL);
  g_autofree char *stray = g_build_filename (fixture->base, "stray", NULL);
  g_autofree char *stray_name = g_build_filename (stray, "veil-manifest.shard-1-of-2.json", NULL);
  g_autofree char *stray_photo = g_build_filename (stray, "c", "i1.png", NULL);
  g_autoptr(GHashTable) output_before = NULL;
  g_autoptr(GHashTable) output_after = NULL;
  g_autofree char *err = NULL;

  make_input (other);
  for (guint i = 1; i <= 2; i++)
    {
      g_autofree char *shard = g_strdup_printf ("%u/2", i);
      g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "protect", "--key", "k1",
                                    "-q", "--shard", shard, fixture->input, fixture->output,
                                    NULL), ==, 0);
    }
  cli_write_png (stray_photo, 20, 20, 99);
  cli_write_file (stray_name, "", 0);
  fixture_freeze (fixture);
  output_before = veil_test_tree_snapshot (fixture->output, VEIL_TEST_TREE_ALL, NULL);

  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, &err, "protect", "--key", "k2", "-q",
                                other, fixture->output, NULL), ==, 1);
  hostile_assert_mentions (err, "veil-manifest.shard-");
  g_clear_pointer (&err, g_free);
  /* The same shard split with another key, resumed or not. */
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, &err, "protect", "--key", "k2", "-q",
                                "--shard", "1/2", "--resume", other, fixture->output, NULL), ==, 1);
  hostile_assert_mentions (err, "key");
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, &err, "protect", "--key", "k1", "-q",
                                fixture->input, stray, NULL), ==, 1);
  hostile_assert_mentions (err, "veil-manifest.shard-1-of-2.json");
  assert_outside_unchanged (fixture);
  output_after = veil_test_tree_snapshot (fixture->output, VEIL_TEST_TREE_ALL, NULL);
  veil_test_assert_same_tree (output_before, output_after);
}

/* Issue 9, item 7: a second export into a locked OUTPUT fails at once, naming the folder;
 * exports started together never both succeed; shards of one export still share a folder. */
static void
test_one_writer_per_output (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  VeilExportLock *lock;
  gint64 start;

  g_assert_cmpint (g_mkdir (fixture->output, 0755), ==, 0);
  lock = veil_export_lock_output (fixture->output, 0, 0, &error);
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, &err, "protect", "--key", "k1", "-q",
                                fixture->input, fixture->output, NULL), ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  hostile_assert_mentions (err, "Another Veil export");
  hostile_assert_mentions (err, fixture->output);
  g_clear_pointer (&err, g_free);
  veil_export_unlock_output (lock);

  for (guint trial = 0; trial < 4; trial++)
    {
      g_autoptr(GSubprocess) a = NULL;
      g_autoptr(GSubprocess) b = NULL;
      int status_a, status_b;

      veil_test_rm_rf (fixture->output);
      a = hostile_spawn (fixture->home, "protect", "--key", "k1", "-q", "--no-check",
                         fixture->input, fixture->output, NULL);
      b = hostile_spawn (fixture->home, "protect", "--key", "k2", "-q", "--no-check",
                         fixture->input, fixture->output, NULL);
      status_a = hostile_wait (a, NULL, NULL);
      status_b = hostile_wait (b, NULL, NULL);
      g_assert_true ((status_a == 0) != (status_b == 0));
      g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "verify", fixture->output,
                                    NULL), ==, 0);
    }

  /* Two shards of one export side by side in one folder, then merged there. */
  veil_test_rm_rf (fixture->output);
  {
    g_autoptr(GSubprocess) a = hostile_spawn (fixture->home, "protect", "--key", "k1", "-q",
                                              "--shard", "1/2", fixture->input, fixture->output,
                                              NULL);
    g_autoptr(GSubprocess) b = hostile_spawn (fixture->home, "protect", "--key", "k1", "-q",
                                              "--shard", "2/2", fixture->input, fixture->output,
                                              NULL);
    g_assert_cmpint (hostile_wait (a, NULL, NULL), ==, 0);
    g_assert_cmpint (hostile_wait (b, NULL, NULL), ==, 0);
  }
  lock = veil_export_lock_output (fixture->output, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, &err, "merge", fixture->output, NULL),
                   ==, 1);
  hostile_assert_mentions (err, "Another Veil export");
  veil_export_unlock_output (lock);
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "merge", fixture->output, NULL),
                   ==, 0);
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "verify", fixture->output, NULL),
                   ==, 0);
}

/* Asserts that verify accepts OUTPUT and that it holds @n files named @suffix. */
static void
assert_verified (Fixture    *fixture,
                 const char *suffix,
                 guint       n)
{
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "verify", fixture->output, NULL),
                   ==, 0);
  g_assert_cmpuint (cli_count_files (fixture->output, suffix), ==, n);
}

/* Issue 9, item 6: names that collide once extensions change: every input gets an output of its
 * own, with the names the documentation gives, in either format. */
static void
test_colliding_names (Fixture       *fixture,
                      gconstpointer  user_data)
{
  const char *jpeg_as_png[] = { "c/a.png", NULL };
  const char *pngs[] = { "c/a.jpg", "c/a.png.jpg", "c/b.bmp", "c/b.png", "c/b.bmp.png", NULL };
  const char *keep_names[] = { "c/a.png", "c/a.jpg", "c/a.png.jpg", "c/b.bmp", "c/b.png",
                               "c/b.bmp.png", NULL };
  const char *png_names[] = { "c/a.png", "c/a.jpg.png", "c/a.png.png", "c/b.bmp.veil.png",
                              "c/b.png", "c/b.bmp.png", NULL };
  g_autofree char *out = NULL;

  for (guint i = 0; jpeg_as_png[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (fixture->input, jpeg_as_png[i], NULL);
      cli_write_jpeg (path, 30, 20, 50 + i);
    }
  for (guint i = 0; pngs[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (fixture->input, pngs[i], NULL);
      cli_write_png (path, 30, 20, 60 + i);
    }
  fixture_freeze (fixture);

  g_assert_cmpint (hostile_run (fixture->home, NULL, &out, NULL, "protect", "--key", "k1", "-q",
                                "--no-check", fixture->input, fixture->output, NULL), ==, 0);
  hostile_assert_mentions (out, "Protected: 12 images");
  for (guint i = 0; keep_names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (fixture->output, keep_names[i], NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_error ("no output “%s”", keep_names[i]);
    }
  assert_verified (fixture, "", 13);
  assert_outside_unchanged (fixture);
  veil_test_rm_rf (fixture->output);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (hostile_run (fixture->home, NULL, &out, NULL, "protect", "--key", "k1", "-q",
                                "--no-check", "--format", "png", fixture->input, fixture->output,
                                NULL), ==, 0);
  hostile_assert_mentions (out, "Protected: 12 images");
  for (guint i = 0; png_names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (fixture->output, png_names[i], NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_error ("no output “%s”", png_names[i]);
    }
  assert_verified (fixture, ".png", 12);
  assert_outside_unchanged (fixture);
}

/* Issue 9, item 11: a name too long once its extension changes, and an output that would be a
 * folder, fail those files only; the export completes, and so does every resume. */
static void
test_bad_names_fail_one_file (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autofree char *stem = g_strnfill (248, 's');
  g_autofree char *long_jpeg = g_strdup_printf ("%s/c/%s.jpeg", fixture->input, stem);
  g_autofree char *long_jpg = g_strdup_printf ("%s/c/%s.jpg", fixture->input, stem);
  g_autofree char *tif = g_build_filename (fixture->input, "d", "x.tif", NULL);
  g_autofree char *folder_png = g_build_filename (fixture->input, "d", "x.png", "y.png", NULL);
  g_autofree char *out = NULL;

  cli_write_jpeg (long_jpeg, 20, 20, 70);
  cli_write_jpeg (long_jpg, 20, 20, 71);
  cli_write_png (tif, 20, 20, 72);
  cli_write_png (folder_png, 20, 20, 73);
  fixture_freeze (fixture);

  g_assert_cmpint (hostile_run (fixture->home, NULL, &out, NULL, "protect", "--key", "k1", "-q",
                                "--no-check", "--format", "png", fixture->input, fixture->output,
                                NULL), ==, 3);
  hostile_assert_mentions (out, "Protected: 8 images");
  hostile_assert_mentions (out, "File name too long");
  hostile_assert_mentions (out, stem);
  g_clear_pointer (&out, g_free);
  /* x.png is a folder in the output: x.tif takes the documented fallback. */
  {
    g_autofree char *fallback = g_build_filename (fixture->output, "d", "x.tif.veil.png", NULL);
    g_assert_true (g_file_test (fallback, G_FILE_TEST_IS_REGULAR));
  }
  g_assert_cmpint (hostile_run (fixture->home, NULL, &out, NULL, "protect", "--key", "k1", "-q",
                                "--no-check", "--format", "png", "--resume", fixture->input,
                                fixture->output, NULL), ==, 3);
  hostile_assert_mentions (out, "Already done by the earlier run: 8");
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "verify", fixture->output, NULL),
                   ==, 0);
  assert_outside_unchanged (fixture);
}

/* Issue 9, item 12: after an input changes, resume redoes it; after an input is deleted, resume
 * removes its output and says so; after a crash the same holds for the journal. */
static void
test_resume_stale_inputs (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *changed = g_build_filename (fixture->input, "c", "i2.png", NULL);
  g_autofree char *deleted = g_build_filename (fixture->input, "d", "i1.png", NULL);
  g_autofree char *changed_out = g_build_filename (fixture->output, "c", "i2.png", NULL);
  g_autofree char *deleted_out = g_build_filename (fixture->output, "d", "i1.png", NULL);
  g_autofree char *journal = g_build_filename (fixture->output, "veil-manifest.journal", NULL);
  g_autofree char *manifest = g_build_filename (fixture->output, "veil-manifest.json", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "protect", "--key", "k1", "-q",
                                "--no-check", fixture->input, fixture->output, NULL), ==, 0);
  before = veil_test_file_sha256 (changed_out);
  /* Same size, other pixels, a later time. */
  cli_write_png (changed, 40, 32, 1234);
  g_assert_cmpint (g_unlink (deleted), ==, 0);

  g_assert_cmpint (hostile_run (fixture->home, NULL, &out, NULL, "protect", "--key", "k1", "-q",
                                "--no-check", "--resume", fixture->input, fixture->output, NULL),
                   ==, 0);
  hostile_assert_mentions (out, "Already done by the earlier run: 4");
  hostile_assert_mentions (out, "Removed, its input being gone: 1 file");
  after = veil_test_file_sha256 (changed_out);
  g_assert_cmpstr (before, !=, after);
  g_assert_false (g_file_test (deleted_out, G_FILE_TEST_EXISTS));
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "verify", fixture->output, NULL),
                   ==, 0);

  /* The journal of an interrupted run: the finished manifest turned back into one. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VeilManifest) loaded = veil_manifest_load (manifest, &error);
    g_autoptr(GString) text = g_string_new (NULL);
    g_autofree char *header = NULL;

    g_assert_no_error (error);
    header = veil_manifest_journal_header (loaded);
    g_string_append (text, header);
    for (guint i = 0; i < loaded->images->len; i++)
      {
        g_autofree char *line = veil_manifest_journal_entry (g_ptr_array_index (loaded->images,
                                                                                i));
        g_string_append (text, line);
      }
    g_assert_true (g_file_set_contents (journal, text->str, -1, NULL));
    g_assert_cmpint (g_unlink (manifest), ==, 0);
  }
  cli_write_png (changed, 40, 32, 4321);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (hostile_run (fixture->home, NULL, &out, NULL, "protect", "--key", "k1", "-q",
                                "--no-check", "--resume", fixture->input, fixture->output, NULL),
                   ==, 0);
  hostile_assert_mentions (out, "Already done by the earlier run: 4");
  g_clear_pointer (&before, g_free);
  before = veil_test_file_sha256 (changed_out);
  g_assert_cmpstr (before, !=, after);
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "verify", fixture->output, NULL),
                   ==, 0);
}

typedef struct {
  GMainLoop *loop;
  GCancellable *cancellable;
  VeilExportReport *report;
  GError *error;
} CancelLate;

/* The progress data goes once the run has returned, its manifest written: a cancel now is the
 * Ctrl+C that arrives just after the work is done. */
static void
cancel_late_cb (gpointer user_data)
{
  CancelLate *state = user_data;

  g_cancellable_cancel (state->cancellable);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  CancelLate *state = user_data;

  state->report = veil_export_finish (result, &state->error);
  g_main_loop_quit (state->loop);
}

static void
ignore_progress (const VeilExportProgress *progress,
                 gpointer                  user_data)
{
}

/* Issue 9, item 13: a cancel after the manifest is complete leaves a successful export. */
static void
test_cancel_after_completion (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(VeilDataset) dataset = NULL;
  g_autoptr(VeilKey) key = veil_key_new_from_seed (7);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *manifest = g_build_filename (fixture->output, "veil-manifest.json", NULL);
  CancelLate state = { 0 };
  VeilExportOptions options;

  dataset = veil_dataset_scan (fixture->input, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  veil_export_options_init (&options);
  options.key = key;
  options.survival_sample = 0;
  state.loop = g_main_loop_new (NULL, FALSE);
  state.cancellable = cancellable;
  veil_export_async (dataset, fixture->output, &options, ignore_progress, &state, cancel_late_cb,
                     cancellable, export_done_cb, &state);
  g_main_loop_run (state.loop);
  g_main_loop_unref (state.loop);

  g_assert_no_error (state.error);
  g_assert_nonnull (state.report);
  g_assert_true (g_cancellable_is_cancelled (cancellable));
  g_assert_true (g_file_test (manifest, G_FILE_TEST_IS_REGULAR));
  veil_export_report_free (state.report);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/hostile/write/symlink-in-output-on-resume", test_symlink_in_output_on_resume);
  ADD ("/hostile/write/merge-crafted-outputs", test_merge_crafted_outputs);
  ADD ("/hostile/write/merge-checks-before-rename", test_merge_checks_before_rename);
  ADD ("/hostile/write/merge-into-input-or-unrelated", test_merge_into_input_or_unrelated);
  ADD ("/hostile/write/copy-other-never-publishes-keys", test_copy_other_never_publishes_keys);
  ADD ("/hostile/write/foreign-shards-and-stray-manifest", test_foreign_shards_and_stray_manifest);
  ADD ("/hostile/write/one-writer-per-output", test_one_writer_per_output);
  ADD ("/hostile/write/colliding-names", test_colliding_names);
  ADD ("/hostile/write/bad-names-fail-one-file", test_bad_names_fail_one_file);
  ADD ("/hostile/write/resume-stale-inputs", test_resume_stale_inputs);
  ADD ("/hostile/write/cancel-after-completion", test_cancel_after_completion);
#undef ADD
  return g_test_run ();
}
