/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cli-test-util.h"
#include "veil-test-util.h"

/* veil-cli scan: the classes with their image counts, and every file left out with the
 * reason, as text and as JSON; the input is never changed. */

static char *
make_tree (const char *base)
{
  char *input = g_build_filename (base, "in", NULL);
  const char *images[] = {
    "cat/a.png", "cat/b.PNG", "cat/deep/c.jpg", "cat/caf\xe9.png", "dog/d.jpeg", "dog/e.webp",
  };
  const char *others[] = {
    "dog/notes.txt", "cat/.thumbs", ".DS_Store", "loose.png",
  };

  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autofree char *path = g_build_filename (input, images[i], NULL);
      cli_write_file (path, "?", 1); /* scan looks at names, not contents */
    }
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autofree char *path = g_build_filename (input, others[i], NULL);
      cli_write_file (path, "x", 1);
    }
  {
    g_autofree char *empty = g_build_filename (input, "owl", NULL);
    g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  }
  return input;
}

static void
test_text (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base);
  g_autoptr(GHashTable) before = veil_test_tree_snapshot (input, VEIL_TEST_TREE_MTIME, NULL);
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GRegex) cat = g_regex_new ("^  cat +4$", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GRegex) dog = g_regex_new ("^  dog +2$", G_REGEX_MULTILINE, 0, NULL);

  g_assert_cmpint (cli_run (NULL, &out, NULL, "scan", input, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "6 images in 3 classes"));
  g_assert_true (g_regex_match (cat, out, 0, NULL));
  g_assert_true (g_regex_match (dog, out, 0, NULL));
  /* A class without images is named: with a seed it still takes a filter. */
  g_assert_nonnull (strstr (out, "“owl” has no images"));
  g_assert_nonnull (strstr (out, "Skipped: 4 files"));
  g_assert_nonnull (strstr (out, "“dog/notes.txt” is not an image"));
  g_assert_nonnull (strstr (out, "“cat/.thumbs” is hidden"));
  g_assert_nonnull (strstr (out, "“.DS_Store” is hidden"));
  g_assert_nonnull (strstr (out, "“loose.png” is not inside a class folder"));
  g_assert_true (g_utf8_validate (out, -1, NULL));

  after = veil_test_tree_snapshot (input, VEIL_TEST_TREE_MTIME, NULL);
  veil_test_assert_same_tree (before, after);
  veil_test_rm_rf (base);
}

/* One of each: "1 image in 1 class", "Skipped: 1 file". */
static void
test_singular (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *image = g_build_filename (base, "in", "cat", "a.png", NULL);
  g_autofree char *other = g_build_filename (base, "in", "cat", "notes.txt", NULL);
  g_autofree char *input = g_build_filename (base, "in", NULL);
  g_autofree char *out = NULL;

  cli_write_file (image, "?", 1);
  cli_write_file (other, "x", 1);
  g_assert_cmpint (cli_run (NULL, &out, NULL, "scan", input, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "1 image in 1 class\n"));
  g_assert_nonnull (strstr (out, "Skipped: 1 file\n"));
  veil_test_rm_rf (base);
}

static void
test_json (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  JsonObject *root;
  JsonArray *classes, *skipped;
  const char *expected_classes[][2] = { { "cat", "4" }, { "dog", "2" }, { "owl", "0" } };
  const char *expected_skipped[][2] = {
    { ".DS_Store", "hidden" }, { "cat/.thumbs", "hidden" }, { "dog/notes.txt", "not-image" },
    { "loose.png", "outside-class" },
  };

  g_assert_cmpint (cli_run (NULL, &out, NULL, "scan", "--json", input, NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "images"), ==, 6);

  classes = json_object_get_array_member (root, "classes");
  g_assert_cmpuint (json_array_get_length (classes), ==, G_N_ELEMENTS (expected_classes));
  for (guint i = 0; i < G_N_ELEMENTS (expected_classes); i++)
    {
      JsonObject *c = json_array_get_object_element (classes, i);

      g_assert_cmpstr (json_object_get_string_member (c, "name"), ==, expected_classes[i][0]);
      g_assert_cmpint (json_object_get_int_member (c, "images"), ==,
                       g_ascii_strtoll (expected_classes[i][1], NULL, 10));
    }

  skipped = json_object_get_array_member (root, "skipped");
  g_assert_cmpuint (json_array_get_length (skipped), ==, G_N_ELEMENTS (expected_skipped));
  for (guint i = 0; i < G_N_ELEMENTS (expected_skipped); i++)
    {
      JsonObject *s = json_array_get_object_element (skipped, i);

      g_assert_cmpstr (json_object_get_string_member (s, "path"), ==, expected_skipped[i][0]);
      g_assert_cmpstr (json_object_get_string_member (s, "reason"), ==, expected_skipped[i][1]);
      g_assert_nonnull (strstr (json_object_get_string_member (s, "message"),
                                expected_skipped[i][0]));
    }
  veil_test_rm_rf (base);
}

/* A class folder the user may not read: named with the cause, exit status 3. */
static void
test_unreadable (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base);
  g_autofree char *locked = g_build_filename (input, "eel", NULL);
  g_autofree char *inside = g_build_filename (locked, "f.png", NULL);
  g_autofree char *out = NULL;

  if (!cli_can_run_unprivileged ())
    {
      g_test_skip ("running as root without setpriv(1): every folder is readable");
      veil_test_rm_rf (base);
      return;
    }
  cli_write_file (inside, "?", 1);
  cli_share (input, FALSE);
  g_assert_cmpint (g_chmod (locked, 0), ==, 0);
  g_assert_cmpint (cli_run_full (NULL, NULL, TRUE, &out, NULL, "scan", input, NULL), ==, 3);
  g_assert_nonnull (strstr (out, "eel"));
  g_assert_nonnull (strstr (out, "Permission denied"));
  g_chmod (locked, 0755);
  veil_test_rm_rf (base);
}

typedef struct {
  const char *args[4];
  int         status;
  const char *message; /* in stderr */
} ErrorCase;

static const ErrorCase error_cases[] = {
  { { "scan", NULL }, 2, "give the INPUT folder" },
  { { "scan", "@BASE@/in", "@BASE@/in", NULL }, 2, "give the INPUT folder" },
  { { "scan", "@BASE@/nowhere", NULL }, 1, "nowhere" },
  { { "scan", "@BASE@/in/dog", NULL }, 1, "in/dog" },    /* images, but no class folders */
};

static void
test_errors (gconstpointer data)
{
  const ErrorCase *c = data;
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base);
  g_autofree char *err = NULL;
  char *args[4] = { NULL };

  for (guint i = 0; c->args[i] != NULL; i++)
    {
      GString *arg = g_string_new (c->args[i]);
      g_string_replace (arg, "@BASE@", base, 0);
      args[i] = g_string_free (arg, FALSE);
    }
  g_assert_cmpint (cli_run (NULL, NULL, &err, args[0], args[1], args[2], NULL), ==, c->status);
  g_assert_nonnull (strstr (err, c->message));
  for (guint i = 0; i < G_N_ELEMENTS (args); i++)
    g_free (args[i]);
  veil_test_rm_rf (base);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/scan/text", test_text);
  g_test_add_func ("/cli/scan/singular", test_singular);
  g_test_add_func ("/cli/scan/json", test_json);
  g_test_add_func ("/cli/scan/unreadable", test_unreadable);
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cli/scan/errors/%u", i);
      g_test_add_data_func (path, &error_cases[i], test_errors);
    }
  return g_test_run ();
}
