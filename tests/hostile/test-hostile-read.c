/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cli-test-util.h"
#include "hostile-test-util.h"
#include "veil-manifest.h"
#include "veil-protect-params.h"
#include "veil-test-util.h"

/* The reading side of veil-cli under attack: manifests, journals and key stores crafted or
 * tampered with, FIFOs and symlinks where files are expected, names that are not UTF-8. Nothing
 * is read outside its folder, nothing hangs (every run is bounded by hostile_run()), every
 * refusal names the file and the entry, and no key byte reaches an output. */

typedef struct {
  char *base;     /* everything of the test lives here */
  char *home;     /* XDG_DATA_HOME: the key store */
  char *input;
  char *output;
  char *manifest; /* OUTPUT/veil-manifest.json */
  char *sentinel;
} Fixture;

static const char *output_only[] = { "out", NULL };

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->base = veil_test_make_tmpdir ("veil-hostile-XXXXXX");
  fixture->home = g_build_filename (fixture->base, "home", NULL);
  fixture->input = g_build_filename (fixture->base, "in", NULL);
  fixture->output = g_build_filename (fixture->base, "out", NULL);
  fixture->manifest = g_build_filename (fixture->output, "veil-manifest.json", NULL);
  fixture->sentinel = g_build_filename (fixture->base, "sentinel", NULL);
  hostile_make_sentinel (fixture->sentinel);
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "keygen", "k1", NULL), ==, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  veil_test_rm_rf (fixture->base);
  g_free (fixture->base);
  g_free (fixture->home);
  g_free (fixture->input);
  g_free (fixture->output);
  g_free (fixture->manifest);
  g_free (fixture->sentinel);
}

/* Six small images in classes "c" and "d". */
static void
make_input (Fixture *fixture)
{
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s/i%u.png", fixture->input,
                                               i % 2 == 0 ? "c" : "d", i);
      cli_write_png (path, 40, 32, i + 1);
    }
}

static void
export (Fixture *fixture)
{
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "protect", "--key", "k1", "-q",
                                "--no-check", fixture->input, fixture->output, NULL), ==, 0);
}

static void
assert_no_key_bytes (Fixture *fixture)
{
  g_autoptr(GBytes) secret = hostile_key_secret (fixture->home, "k1");

  hostile_assert_absent (fixture->output, secret);
}

/* The file parses as JSON, and every byte of it is valid UTF-8. */
static JsonNode *
assert_valid_json (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  if (!g_utf8_validate (data, (gssize) len, NULL))
    g_error ("“%s” is not valid UTF-8", path);
  json_parser_load_from_data (parser, data, (gssize) len, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* json_node_copy() shares objects and arrays: a copy to change without touching @node. */
static JsonNode *
deep_copy (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(GError) error = NULL;
  JsonNode *copy = json_from_string (text, &error);

  g_assert_no_error (error);
  return copy;
}

static void
write_json (const char *path,
            JsonNode   *root)
{
  g_autofree char *text = json_to_string (root, TRUE);

  cli_write_file (path, text, strlen (text));
}

static void
waited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

/* Waits for @process at most HOSTILE_TIMEOUT_S; a hang kills it and fails the test. */
static void
wait_bounded (GSubprocess *process,
              const char  *what)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  gboolean done = FALSE;
  gint64 deadline = g_get_monotonic_time () + HOSTILE_TIMEOUT_S * G_USEC_PER_SEC;

  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (process, NULL, waited_cb, &done);
  while (!done && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (context, FALSE);
      if (!done)
        g_usleep (5000);
    }
  if (!done)
    {
      g_subprocess_force_exit (process);
      while (!done)
        g_main_context_iteration (context, TRUE);
      g_main_context_pop_thread_default (context);
      g_error ("veil-cli hung for %d s: %s", HOSTILE_TIMEOUT_S, what);
    }
  g_main_context_pop_thread_default (context);
}

/* Runs veil-cli with its output discarded (the survival report prints class names as the bytes
 * they are, which hostile_run() cannot take), bounded the same way. Returns the exit status. */
static int
run_silenced (Fixture *fixture,
              ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, g_strdup (g_getenv ("VEIL_CLI")));
  va_start (args, fixture);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);
  command = g_strjoinv (" ", (char **) argv->pdata);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", fixture->home, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  wait_bounded (process, command);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = strchr (text, '\n'); p != NULL; p = strchr (p + 1, '\n'))
    n++;
  return n;
}

/* Issue 9, item 8: a class folder whose name is not UTF-8 aborted protect on an assertion (in
 * writing the survival report into the manifest) and left a journal that was not JSON. Now the
 * export completes, the manifest is JSON with the exact name in "classes_raw" and "class_raw",
 * and verify passes. */
static void
test_non_utf8_class (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const char *class_name = "caf\xe9";
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(VeilManifest) manifest = NULL;
  g_autoptr(GError) error = NULL;
  guint n_in_class = 0;

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s/i%u.png", fixture->input,
                                               i % 2 == 0 ? class_name : "d", i);
      cli_write_png (path, 40, 32, i + 1);
    }

  /* With the survival check, whose report names the classes. */
  g_assert_cmpint (run_silenced (fixture, "protect", "--key", "k1", "-q", fixture->input,
                                 fixture->output, NULL), ==, 0);
  root = assert_valid_json (fixture->manifest);
  g_assert_nonnull (json_object_get_member (json_node_get_object (root), "survival"));
  manifest = veil_manifest_load (fixture->manifest, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (manifest->classes[0], ==, class_name);
  for (guint i = 0; i < manifest->images->len; i++)
    {
      const VeilManifestEntry *entry = g_ptr_array_index (manifest->images, i);

      g_assert_cmpint (entry->status, ==, VEIL_MANIFEST_STATUS_PROTECTED);
      if (g_str_has_prefix (entry->source, class_name))
        {
          g_assert_cmpstr (entry->class_name, ==, class_name);
          n_in_class++;
        }
    }
  g_assert_cmpuint (n_in_class, ==, 2);
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "verify", fixture->output,
                                NULL), ==, 0);
  /* The survival report printed for scripts is JSON too: every line valid UTF-8. */
  {
    g_autofree char *out = NULL;
    g_autoptr(JsonNode) printed = NULL;
    int status = hostile_run (fixture->home, NULL, &out, NULL, "check", "--key", "k1", "--json",
                              "--against", fixture->input, fixture->output, NULL);

    g_assert_true (status == 0 || status == 3);
    g_assert_true (g_utf8_validate (out, -1, NULL));
    printed = json_from_string (out, NULL);
    g_assert_nonnull (printed);
  }
  assert_no_key_bytes (fixture);
}

/* Issue 9, item 8: after that abort every --resume failed on the journal. Interrupted with
 * SIGKILL once a few files are done, the journal is JSON line by line and the export resumes to
 * what a straight run writes. */
static void
test_non_utf8_class_resume (Fixture       *fixture,
                            gconstpointer  user_data)
{
  const char *class_name = "caf\xe9";
  g_autofree char *clean = g_build_filename (fixture->base, "clean", NULL);
  g_autofree char *journal = g_build_filename (fixture->output, "veil-manifest.journal", NULL);
  g_autoptr(GSubprocess) process = NULL;
  gint64 deadline;
  gboolean interrupted = FALSE;

  /* Large enough, with a large filter on one thread, for the run to be stopped midway. */
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s/i%u.png", fixture->input,
                                               i % 2 == 0 ? class_name : "d", i);
      cli_write_png (path, 200, 160, i + 1);
    }
  g_assert_cmpint (run_silenced (fixture, "protect", "--key", "k1", "-q", "--no-check", "-k",
                                 "15", "--training-res", "native", fixture->input, clean, NULL),
                   ==, 0);

  process = cli_spawn (fixture->home, "protect", "--key", "k1", "-q", "--no-check", "-k", "15",
                       "--training-res", "native", "--threads", "1", fixture->input,
                       fixture->output, NULL);
  deadline = g_get_monotonic_time () + HOSTILE_TIMEOUT_S * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline && !interrupted)
    {
      g_autofree char *data = NULL;

      /* The header and three files. */
      if (g_file_get_contents (journal, &data, NULL, NULL) && count_lines (data) >= 4)
        {
          g_subprocess_send_signal (process, SIGKILL);
          interrupted = TRUE;
        }
      g_usleep (2000);
    }
  wait_bounded (process, "protect, killed");
  if (!interrupted)
    g_error ("protect was not seen at work within %d s", HOSTILE_TIMEOUT_S);
  g_assert_false (g_file_test (fixture->manifest, G_FILE_TEST_EXISTS));
  {
    g_autofree char *data = NULL;
    g_auto(GStrv) lines = NULL;

    g_assert_true (g_file_get_contents (journal, &data, NULL, NULL));
    lines = g_strsplit (data, "\n", -1);
    /* The last line may be cut short by the kill. */
    for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
      {
        g_autoptr(JsonParser) parser = json_parser_new ();

        g_assert_true (g_utf8_validate (lines[i], -1, NULL));
        g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      }
  }
  g_assert_cmpint (run_silenced (fixture, "protect", "--key", "k1", "-q", "--no-check", "-k",
                                 "15", "--training-res", "native", "--resume", fixture->input,
                                 fixture->output, NULL), ==, 0);
  {
    g_autoptr(GHashTable) a = veil_test_tree_snapshot (clean, VEIL_TEST_TREE_ALL, NULL);
    g_autoptr(GHashTable) b = veil_test_tree_snapshot (fixture->output, VEIL_TEST_TREE_ALL, NULL);

    veil_test_assert_same_tree (a, b);
  }
  assert_no_key_bytes (fixture);
}

/* The manifest writer put numbers in through placeholder strings, and a file named like one
 * aborted the export on an assertion. */
static void
test_placeholder_names (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *a = g_build_filename (fixture->input, "c", "@veil-number-0@.png", NULL);
  g_autofree char *b = g_build_filename (fixture->input, "@pb@", "@mix@.png", NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(VeilManifest) manifest = NULL;
  g_autoptr(GError) error = NULL;

  cli_write_png (a, 40, 32, 1);
  cli_write_png (b, 40, 32, 2);
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "protect", "--key", "k1", "-q",
                                fixture->input, fixture->output, NULL), ==, 0);
  root = assert_valid_json (fixture->manifest);
  manifest = veil_manifest_load (fixture->manifest, &error);
  g_assert_no_error (error);
  g_assert_nonnull (json_object_get_member (json_node_get_object (root), "survival"));
  g_assert_cmpfloat (manifest->pb, ==, VEIL_PROTECT_DEFAULT_PB);
  g_assert_cmpuint (manifest->images->len, ==, 2);
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "verify", fixture->output,
                                NULL), ==, 0);
}

/* Paths a tampered manifest or journal may hold: every one leads out of OUTPUT. */
static const char *escapes[] = {
  "../../../../etc/passwd",
  "/etc/passwd",
  "/dev/zero",
  "c/../../sentinel/secret.txt",
  "c//i0.png",
  "./c/i0.png",
};

static void
set_path (JsonObject *entry,
          const char *member,
          const char *path)
{
  g_autofree char *raw = g_strconcat (member, "_raw", NULL);

  json_object_set_string_member (entry, member, path);
  if (json_object_has_member (entry, raw))
    json_object_remove_member (entry, raw);
}

/* Issue 9, item 9: verify and check opened out/../../../../etc/passwd, and an entry pointing at
 * /dev/zero made verify hang. Each such entry is now refused before anything is opened, with a
 * message naming the manifest and the entry. */
static void
test_tampered_manifest (Fixture       *fixture,
                        gconstpointer  user_data)
{
  const char *escape = user_data;
  const char *members[] = { "output", "source" };
  g_autoptr(JsonNode) original = NULL;

  make_input (fixture);
  export (fixture);
  original = assert_valid_json (fixture->manifest);

  for (guint m = 0; m < G_N_ELEMENTS (members); m++)
    {
      g_autoptr(JsonNode) root = deep_copy (original);
      JsonArray *images = json_object_get_array_member (json_node_get_object (root), "images");
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(GHashTable) tampered = NULL;
      g_autoptr(GHashTable) after = NULL;

      set_path (json_array_get_object_element (images, 1), members[m], escape);
      write_json (fixture->manifest, root);
      tampered = veil_test_tree_snapshot (fixture->base, VEIL_TEST_TREE_ALL, NULL);

      g_assert_cmpint (hostile_run (fixture->home, NULL, &out, &err, "verify", fixture->output,
                                    NULL), ==, 1);
      hostile_assert_mentions (err, fixture->manifest);
      hostile_assert_mentions (err, escape);
      g_assert_null (strstr (out, "root:"));
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);

      g_assert_cmpint (hostile_run (fixture->home, NULL, &out, &err, "check", "--key", "k1",
                                    "--against", fixture->input, fixture->output, NULL), ==, 1);
      hostile_assert_mentions (err, fixture->manifest);
      hostile_assert_mentions (err, escape);

      /* Reading changed nothing anywhere. */
      after = veil_test_tree_snapshot (fixture->base, VEIL_TEST_TREE_ALL, NULL);
      veil_test_assert_same_tree (tampered, after);
    }
  write_json (fixture->manifest, original);
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "verify", fixture->output,
                                NULL), ==, 0);
}

/* The journal an interrupted run would have left, made from a finished run's manifest: the
 * header line, then one line per image. @escape replaces the output of the second image. */
static void
write_journal (Fixture    *fixture,
               JsonNode   *manifest_root,
               const char *escape)
{
  g_autoptr(JsonNode) root = deep_copy (manifest_root);
  JsonObject *object = json_node_get_object (root);
  g_autoptr(JsonArray) images = json_array_ref (json_object_get_array_member (object, "images"));
  g_autofree char *path = g_build_filename (fixture->output, "veil-manifest.journal", NULL);
  GString *text = g_string_new (NULL);

  json_object_set_string_member (object, "format", "veil-journal");
  json_object_remove_member (object, "summary");
  json_object_remove_member (object, "images");
  json_object_remove_member (object, "other");
  if (json_object_has_member (object, "survival"))
    json_object_remove_member (object, "survival");
  {
    g_autofree char *line = json_to_string (root, FALSE);
    g_string_append_printf (text, "%s\n", line);
  }
  for (guint i = 0; i < json_array_get_length (images); i++)
    {
      g_autoptr(JsonNode) node = deep_copy (json_array_get_element (images, i));
      JsonObject *entry = json_node_get_object (node);
      g_autofree char *line = NULL;

      json_object_set_string_member (entry, "list", "images");
      if (i == 1 && escape != NULL)
        set_path (entry, "output", escape);
      line = json_to_string (node, FALSE);
      g_string_append_printf (text, "%s\n", line);
    }
  cli_write_file (path, text->str, text->len);
  g_string_free (text, TRUE);
}

/* Issue 9, item 9: --resume kept a journal entry whose output was outside OUTPUT. The resume
 * now stops at once, naming the journal and the entry, and changes nothing anywhere; the same
 * journal without the tampered entry resumes to a complete export. */
static void
test_tampered_journal_on_resume (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  const char *escape = user_data;
  g_autoptr(JsonNode) manifest = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *err = NULL;

  make_input (fixture);
  export (fixture);
  manifest = assert_valid_json (fixture->manifest);
  g_assert_cmpint (g_unlink (fixture->manifest), ==, 0);

  write_journal (fixture, manifest, escape);
  before = veil_test_tree_snapshot (fixture->base, VEIL_TEST_TREE_ALL, NULL);
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, &err, "protect", "--key", "k1", "-q",
                                "--no-check", "--resume", fixture->input, fixture->output, NULL),
                   ==, 1);
  hostile_assert_mentions (err, "veil-manifest.journal");
  hostile_assert_mentions (err, escape);
  after = veil_test_tree_snapshot (fixture->base, VEIL_TEST_TREE_ALL, NULL);
  veil_test_assert_same_tree (before, after);

  /* The hand-made journal is a valid one: untampered, it resumes. */
  write_journal (fixture, manifest, NULL);
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "protect", "--key", "k1", "-q",
                                "--no-check", "--resume", fixture->input, fixture->output, NULL),
                   ==, 0);
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "verify", fixture->output,
                                NULL), ==, 0);
}

/* Issue 9, items 9 and 10: a listed output replaced by a FIFO, a symlink to /dev/zero or to a
 * file outside OUTPUT (the very bytes recorded). verify and check finish; verify calls each such
 * file modified and says why. */
static void
test_special_outputs (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autofree char *fifo = g_build_filename (fixture->output, "c", "i0.png", NULL);
  g_autofree char *zero = g_build_filename (fixture->output, "d", "i1.png", NULL);
  g_autofree char *outside = g_build_filename (fixture->output, "c", "i2.png", NULL);
  g_autofree char *outside_target = g_build_filename (fixture->base, "elsewhere.png", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  make_input (fixture);
  export (fixture);
  /* The file outside is the very output it replaces: only confinement tells them apart. */
  g_assert_cmpint (g_rename (outside, outside_target), ==, 0);
  g_assert_cmpint (symlink (outside_target, outside), ==, 0);
  g_assert_cmpint (g_unlink (fifo), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  g_assert_cmpint (g_unlink (zero), ==, 0);
  g_assert_cmpint (symlink ("/dev/zero", zero), ==, 0);

  g_assert_cmpint (hostile_run (fixture->home, NULL, &out, &err, "verify", fixture->output,
                                NULL), ==, 3);
  hostile_assert_mentions (out, "modified: c/i0.png");
  hostile_assert_mentions (out, "modified: d/i1.png");
  hostile_assert_mentions (out, "modified: c/i2.png");
  hostile_assert_mentions (err, "c/i0.png");
  hostile_assert_mentions (err, "not a regular file");
  hostile_assert_mentions (err, "symbolic link");
  hostile_assert_mentions (out, "3 modified");

  /* check samples these outputs: it must come to an end, whatever it concludes. */
  status = hostile_run (fixture->home, NULL, NULL, NULL, "check", "--key", "k1", "--against",
                        fixture->input, fixture->output, NULL);
  g_assert_true (status == 0 || status == 3);
}

/* The number of image pairs `check --json` measured for @class_name. */
static gint64
checked_samples (Fixture    *fixture,
                 const char *class_name)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *survival;
  JsonArray *classes;
  int status;

  status = hostile_run (fixture->home, NULL, &out, NULL, "check", "--key", "k1", "--json",
                        "--against", fixture->input, fixture->output, NULL);
  g_assert_true (status == 0 || status == 3);
  root = json_from_string (out, NULL);
  g_assert_nonnull (root);
  survival = json_object_get_object_member (json_node_get_object (root), "survival");
  classes = json_object_get_array_member (survival, "classes");
  for (guint i = 0; i < json_array_get_length (classes); i++)
    {
      JsonObject *c = json_array_get_object_element (classes, i);

      if (g_strcmp0 (json_object_get_string_member (c, "class"), class_name) == 0)
        return json_object_get_int_member (c, "samples");
    }
  g_assert_not_reached ();
}

/* check loads the sampled images itself: a link planted in OUTPUT (here to a copy of the
 * original, so following it would even look plausible) must not be read. */
static void
test_check_ignores_links (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *planted = g_build_filename (fixture->output, "c", "i0.png", NULL);
  g_autofree char *original = g_build_filename (fixture->input, "c", "i0.png", NULL);
  g_autofree char *elsewhere = g_build_filename (fixture->base, "elsewhere.png", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  gint64 before;

  make_input (fixture);
  export (fixture);
  before = checked_samples (fixture, "c");
  g_assert_cmpint (before, ==, 3);

  g_assert_true (g_file_get_contents (original, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (elsewhere, contents, (gssize) length, NULL));
  g_assert_cmpint (g_unlink (planted), ==, 0);
  g_assert_cmpint (symlink (elsewhere, planted), ==, 0);
  g_assert_cmpint (checked_samples (fixture, "c"), ==, before - 1);
}

/* Veil publishes what it reads: an image in INPUT that is a link to a picture elsewhere fails,
 * named, and nothing of it reaches OUTPUT; links that stay inside INPUT still work. */
static void
test_input_links_stay_inside (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autofree char *elsewhere = g_build_filename (fixture->base, "private.png", NULL);
  g_autofree char *out_link = g_build_filename (fixture->input, "c", "out-link.png", NULL);
  g_autofree char *in_link = g_build_filename (fixture->input, "d", "in-link.png", NULL);
  g_autofree char *in_target = g_build_filename (fixture->input, "d", "i1.png", NULL);
  g_autofree char *published = g_build_filename (fixture->output, "c", "out-link.png", NULL);
  g_autofree char *kept = g_build_filename (fixture->output, "d", "in-link.png", NULL);
  g_autofree char *out = NULL;

  make_input (fixture);
  cli_write_png (elsewhere, 40, 32, 99);
  g_assert_cmpint (symlink (elsewhere, out_link), ==, 0);
  g_assert_cmpint (symlink (in_target, in_link), ==, 0);
  g_assert_cmpint (hostile_run (fixture->home, NULL, &out, NULL, "protect", "--key", "k1",
                                "--no-check", fixture->input, fixture->output, NULL), ==, 3);
  hostile_assert_mentions (out, "c/out-link.png");
  hostile_assert_mentions (out, "outside the input folder");
  hostile_assert_mentions (out, "Failed: 1 file\n");
  g_assert_false (g_file_test (published, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));
}

/* Issue 9, item 10: a FIFO given as --key-file, or lying in the key store as *.key, made
 * protect and keys list hang where Ctrl+C did not help. */
static void
test_fifo_keys (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *fifo = g_build_filename (fixture->base, "given.key", NULL);
  g_autofree char *stored = g_build_filename (fixture->home, "veil", "keys", "planted.key", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  make_input (fixture);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, &err, "protect", "--key-file", fifo,
                                "-q", fixture->input, fixture->output, NULL), ==, 1);
  hostile_assert_mentions (err, fifo);
  hostile_assert_mentions (err, "not a regular file");
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (mkfifo (stored, 0600), ==, 0);
  g_assert_cmpint (hostile_run (fixture->home, NULL, &out, &err, "keys", "list", NULL), ==, 3);
  hostile_assert_mentions (out, "k1");
  hostile_assert_mentions (err, "planted.key");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Looking a key up by name reads the folder too. */
  g_assert_cmpint (hostile_run (fixture->home, NULL, &out, NULL, "keys", "show", "k1", NULL),
                   ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, &err, "keys", "show", "nobody", NULL),
                   ==, 1);
  hostile_assert_mentions (err, "nobody");
  g_assert_cmpint (hostile_run (fixture->home, NULL, NULL, NULL, "protect", "--key", "k1", "-q",
                                "--no-check", fixture->input, fixture->output, NULL), ==, 0);
  assert_no_key_bytes (fixture);
}

/* Issue 9, item 10: an input image replaced by a FIFO after the scan hung the export. It is now
 * that one file's failure, named, and the rest of the export goes on. The run is stopped
 * (SIGSTOP) once it has scanned, to replace the last image while nothing reads it. */
static void
test_fifo_input_after_scan (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autofree char *last = g_build_filename (fixture->input, "z", "last.png", NULL);
  g_autofree char *last_output = g_build_filename (fixture->output, "z", "last.png", NULL);
  g_autofree char *journal = g_build_filename (fixture->output, "veil-manifest.journal", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(VeilManifest) manifest = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline;
  gboolean stopped = FALSE;
  const VeilManifestEntry *entry;

  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/a/i%u.png", fixture->input, i);
      cli_write_png (path, 320, 240, i + 1);
    }
  cli_write_png (last, 320, 240, 99);

  process = cli_spawn (fixture->home, "protect", "--key", "k1", "-q", "--no-check", "-k", "15",
                       "--training-res", "native", "--threads", "1", fixture->input,
                       fixture->output, NULL);
  deadline = g_get_monotonic_time () + HOSTILE_TIMEOUT_S * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline && !stopped)
    {
      if (g_file_test (journal, G_FILE_TEST_EXISTS))
        {
          g_subprocess_send_signal (process, SIGSTOP);
          stopped = TRUE;
        }
      else
        g_usleep (1000);
    }
  if (!stopped)
    g_error ("protect did not start within %d s", HOSTILE_TIMEOUT_S);
  if (g_file_test (last_output, G_FILE_TEST_EXISTS))
    g_error ("protect reached “%s” before it could be replaced", last);
  g_assert_cmpint (g_unlink (last), ==, 0);
  g_assert_cmpint (mkfifo (last, 0644), ==, 0);
  g_subprocess_send_signal (process, SIGCONT);

  /* Bounded: a hang is a failure, not a stuck suite. */
  wait_bounded (process, "protect with a FIFO put in place of an input");
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 3);

  manifest = veil_manifest_load (fixture->manifest, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (manifest->images->len, ==, 9);
  entry = g_ptr_array_index (manifest->images, 8);
  g_assert_cmpstr (entry->source, ==, "z/last.png");
  g_assert_cmpint (entry->status, ==, VEIL_MANIFEST_STATUS_FAILED);
  hostile_assert_mentions (entry->message, "not a regular file");
  for (guint i = 0; i < 8; i++)
    g_assert_cmpint (((VeilManifestEntry *) g_ptr_array_index (manifest->images, i))->status,
                     ==, VEIL_MANIFEST_STATUS_PROTECTED);
}

/* Issue 9, item 12: verify said nothing of files in OUTPUT that no manifest lists, such as the
 * output of an input deleted since. It now names each (symlinks and FIFOs included), exit 3. */
static void
test_unlisted_outputs (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *stale = g_build_filename (fixture->output, "c", "stale.png", NULL);
  g_autofree char *nested = g_build_filename (fixture->output, "d", "x", "note.txt", NULL);
  g_autofree char *link = g_build_filename (fixture->output, "c", "link.png", NULL);
  g_autofree char *fifo = g_build_filename (fixture->output, "fifo", NULL);
  g_autofree char *linked_dir = g_build_filename (fixture->output, "elsewhere", NULL);
  g_autofree char *out = NULL;

  make_input (fixture);
  export (fixture);
  g_assert_cmpint (hostile_run (fixture->home, NULL, &out, NULL, "verify", fixture->output,
                                NULL), ==, 0);
  g_assert_null (strstr (out, "not in the manifest"));
  g_clear_pointer (&out, g_free);

  cli_write_png (stale, 40, 32, 7);
  cli_write_file (nested, "note\n", 5);
  g_assert_cmpint (symlink ("/etc/passwd", link), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  /* A symlinked folder is named, not entered. */
  g_assert_cmpint (symlink (fixture->sentinel, linked_dir), ==, 0);

  g_assert_cmpint (hostile_run (fixture->home, NULL, &out, NULL, "verify", fixture->output,
                                NULL), ==, 3);
  hostile_assert_mentions (out, "not in the manifest: c/stale.png");
  hostile_assert_mentions (out, "not in the manifest: d/x/note.txt");
  hostile_assert_mentions (out, "not in the manifest: c/link.png");
  hostile_assert_mentions (out, "not in the manifest: fifo");
  hostile_assert_mentions (out, "not in the manifest: elsewhere");
  hostile_assert_mentions (out, "5 files in the folder are not in the manifest");
  g_assert_null (strstr (out, "secret.txt"));
  g_assert_null (strstr (out, "c/i0.png"));
}

/* Issue 9, item 14: keys export NAME FILE overwrote FILE without asking. */
static void
test_keys_export_no_overwrite (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autofree char *file = g_build_filename (fixture->base, "precious.txt", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GBytes) secret = hostile_key_secret (fixture->home, "k1");
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  GStatBuf st;

  cli_write_file (file, "precious\n", 9);
  before = veil_test_tree_snapshot (fixture->base, VEIL_TEST_TREE_ALL, output_only);
  g_assert_cmpint (hostile_run (fixture->home, NULL, &out, &err, "keys", "export", "k1", file,
                                NULL), ==, 1);
  hostile_assert_mentions (err, file);
  hostile_assert_mentions (err, "--force");
  after = veil_test_tree_snapshot (fixture->base, VEIL_TEST_TREE_ALL, output_only);
  veil_test_assert_same_tree (before, after);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (hostile_run (fixture->home, NULL, &out, &err, "keys", "export", "--force",
                                "k1", file, NULL), ==, 0);
  g_assert_cmpint (g_stat (file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "Secret="));
  /* The key went into the file and nowhere else. */
  g_assert_null (strstr (out, "Secret"));
  g_assert_null (strstr (err, "Secret"));
  {
    const char *hex = g_bytes_get_data (secret, NULL);
    g_autofree char *hex_text = g_strndup (hex, 64);

    g_assert_nonnull (strstr (contents, hex_text));
    g_assert_null (strstr (out, hex_text));
    g_assert_null (strstr (err, hex_text));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, data, func) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/hostile/read/non-utf8-class", NULL, test_non_utf8_class);
  ADD ("/hostile/read/non-utf8-class-resume", NULL, test_non_utf8_class_resume);
  ADD ("/hostile/read/placeholder-names", NULL, test_placeholder_names);
  for (guint i = 0; i < G_N_ELEMENTS (escapes); i++)
    {
      g_autofree char *manifest_path = g_strdup_printf ("/hostile/read/tampered-manifest/%u", i);
      g_autofree char *journal_path = g_strdup_printf ("/hostile/read/tampered-journal/%u", i);

      ADD (manifest_path, escapes[i], test_tampered_manifest);
      ADD (journal_path, escapes[i], test_tampered_journal_on_resume);
    }
  ADD ("/hostile/read/special-outputs", NULL, test_special_outputs);
  ADD ("/hostile/read/check-ignores-links", NULL, test_check_ignores_links);
  ADD ("/hostile/read/input-links-stay-inside", NULL, test_input_links_stay_inside);
  ADD ("/hostile/read/fifo-keys", NULL, test_fifo_keys);
  ADD ("/hostile/read/fifo-input-after-scan", NULL, test_fifo_input_after_scan);
  ADD ("/hostile/read/unlisted-outputs", NULL, test_unlisted_outputs);
  ADD ("/hostile/read/keys-export-no-overwrite", NULL, test_keys_export_no_overwrite);
#undef ADD
  return g_test_run ();
}
