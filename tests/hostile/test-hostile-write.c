/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cli-test-util.h"
#include "hostile-test-util.h"
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
  fixture->before = hostile_state (fixture->base, output_only);
}

static void
assert_outside_unchanged (Fixture *fixture)
{
  g_autoptr(GHashTable) after = hostile_state (fixture->base, output_only);

  hostile_assert_same_state (fixture->before, after);
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
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/hostile/write/symlink-in-output-on-resume", test_symlink_in_output_on_resume);
#undef ADD
  return g_test_run ();
}
