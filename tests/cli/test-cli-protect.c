/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cli-test-util.h"
#include "veil-convolve.h"
#include "veil-filter-bank.h"
#include "veil-key.h"
#include "veil-test-util.h"

/* The real veil-cli on trees made here: layout, formats, an untouched input, bad files,
 * refused outputs, JSON events, exit statuses and --help. */

static char *
make_good_tree (const char *base)
{
  char *input = g_build_filename (base, "in", NULL);

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *png = g_strdup_printf ("%s/cat/c%u.png", input, i);
      g_autofree char *jpg = g_strdup_printf ("%s/dog/sub/d%u.jpg", input, i);

      cli_write_png (png, 24 + i, 20, i + 1);
      cli_write_jpeg (jpg, 20, 28 + i, i + 100);
    }
  {
    g_autofree char *notes = g_build_filename (input, "dog", "notes.txt", NULL);
    cli_write_file (notes, "not an image\n", 13);
  }
  return input;
}

static gboolean
has_magic (const char *path,
           const char *magic,
           gsize       len)
{
  g_autofree char *data = NULL;
  gsize size;

  if (!g_file_get_contents (path, &data, &size, NULL))
    return FALSE;
  return size >= len && memcmp (data, magic, len) == 0;
}

static void
test_mirror (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_good_tree (base);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autofree char *output_png = g_build_filename (base, "out-png", NULL);
  g_autoptr(GHashTable) before = veil_test_tree_snapshot (input, VEIL_TEST_TREE_MTIME, NULL);
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpint (cli_run (NULL, &out, NULL, "protect", "--seed", "7", "-q", input, output,
                            NULL), ==, 0);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *png = g_strdup_printf ("%s/cat/c%u.png", output, i);
      g_autofree char *jpg = g_strdup_printf ("%s/dog/sub/d%u.jpg", output, i);
      g_autofree char *src = g_strdup_printf ("%s/cat/c%u.png", input, i);
      g_autofree char *src_sha = veil_test_file_sha256 (src);
      g_autofree char *out_sha = veil_test_file_sha256 (png);

      g_assert_true (has_magic (png, "\x89PNG", 4));
      g_assert_true (has_magic (jpg, "\xff\xd8\xff", 3));
      /* Protected, so not a copy. */
      g_assert_cmpstr (src_sha, !=, out_sha);
    }
  /* Not an image, not copied without --copy-other; no temporary file left. */
  g_assert_cmpuint (cli_count_files (output, ".txt"), ==, 0);
  g_assert_cmpuint (cli_count_files (output, ".json"), ==, 1);
  g_assert_cmpuint (cli_count_files (output, ""), ==, 9);

  /* All PNG on request: extensions follow; other files copied on request. */
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "7", "-q", "--format", "png",
                            "--copy-other", input, output_png, NULL), ==, 0);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *png = g_strdup_printf ("%s/dog/sub/d%u.png", output_png, i);
      g_assert_true (has_magic (png, "\x89PNG", 4));
    }
  g_assert_cmpuint (cli_count_files (output_png, ".jpg"), ==, 0);
  g_assert_cmpuint (cli_count_files (output_png, "notes.txt"), ==, 1);

  after = veil_test_tree_snapshot (input, VEIL_TEST_TREE_MTIME, NULL);
  veil_test_assert_same_tree (before, after);
  veil_test_rm_rf (base);
}

static guint32
crc32_of (const guint8 *data,
          gsize         len)
{
  guint32 crc = 0xffffffffu;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int b = 0; b < 8; b++)
        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
  return crc ^ 0xffffffffu;
}

/* A PNG whose header claims 100000×100000 pixels, followed by a token of data. */
static void
write_huge_png (const char *path)
{
  guint8 data[8 + 25 + 12];
  guint8 *ihdr = data + 8;
  guint32 crc;

  memcpy (data, "\x89PNG\r\n\x1a\n", 8);
  memcpy (ihdr, "\0\0\0\x0dIHDR", 8);
  ihdr[8] = 0; ihdr[9] = 0x01; ihdr[10] = 0x86; ihdr[11] = 0xa0;   /* width 100000 */
  ihdr[12] = 0; ihdr[13] = 0x01; ihdr[14] = 0x86; ihdr[15] = 0xa0; /* height */
  ihdr[16] = 8; ihdr[17] = 2; ihdr[18] = 0; ihdr[19] = 0; ihdr[20] = 0;
  crc = crc32_of (ihdr + 4, 17);
  ihdr[21] = crc >> 24; ihdr[22] = crc >> 16; ihdr[23] = crc >> 8; ihdr[24] = crc;
  memcpy (data + 33, "\0\0\0\0IEND\xae\x42\x60\x82", 12);
  cli_write_file (path, data, sizeof data);
}

/* Run as an ordinary user (uid 65534 when the tests run as root, as in CI), so that a file
 * with mode 000 really is unreadable. */
static void
test_bad_files (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_good_tree (base);
  g_autofree char *output_parent = g_build_filename (base, "export", NULL);
  g_autofree char *output = g_build_filename (output_parent, "out", NULL);
  g_autofree char *truncated = g_build_filename (input, "dog", "truncated.jpg", NULL);
  g_autofree char *empty = g_build_filename (input, "cat", "empty.png", NULL);
  g_autofree char *text = g_build_filename (input, "dog", "text.jpg", NULL);
  g_autofree char *unreadable = g_build_filename (input, "cat", "unreadable.png", NULL);
  g_autofree char *huge = g_build_filename (input, "cat", "huge.png", NULL);
  g_autofree char *bad_name = g_build_filename (input, "cat", "bad-\xff\xfe.png", NULL);
  g_autofree char *good_name = g_build_filename (input, "dog", "ok-\xe9t\xe9.jpg", NULL);
  g_autofree char *good_name_out = g_build_filename (output, "dog", "ok-\xe9t\xe9.jpg", NULL);
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *out = NULL;
  g_autofree char *manifest = NULL;

  if (!cli_can_run_unprivileged ())
    {
      g_test_skip ("running as root without setpriv(1): an unreadable file cannot be made");
      veil_test_rm_rf (base);
      return;
    }

  {
    g_autofree char *data = NULL;
    gsize len;

    cli_write_jpeg (truncated, 64, 64, 5);
    g_assert_true (g_file_get_contents (truncated, &data, &len, NULL));
    cli_write_file (truncated, data, len / 2);
  }
  cli_write_file (empty, "", 0);
  cli_write_file (text, "This is a text file, not a JPEG.\n", 33);
  write_huge_png (huge);
  cli_write_file (bad_name, "garbage", 7);
  cli_write_jpeg (good_name, 16, 16, 9);
  cli_write_png (unreadable, 16, 16, 3);
  cli_share (input, FALSE);
  g_assert_cmpint (g_mkdir (output_parent, 0755), ==, 0);
  cli_share (output_parent, TRUE);
  g_assert_cmpint (g_chmod (unreadable, 0), ==, 0);

  before = veil_test_tree_snapshot (input, VEIL_TEST_TREE_MTIME, NULL);
  g_assert_cmpint (cli_run_full (NULL, NULL, TRUE, &out, NULL, "protect", "--seed", "3", "-q",
                                 input, output, NULL), ==, 3);

  /* Each bad file is named, with what is wrong with it. */
  g_assert_nonnull (strstr (out, "dog/truncated.jpg"));
  g_assert_nonnull (strstr (out, "cat/empty.png"));
  g_assert_nonnull (strstr (out, "dog/text.jpg"));
  g_assert_nonnull (strstr (out, "cat/huge.png"));
  g_assert_nonnull (strstr (out, "cat/bad-\xef\xbf\xbd"));
  g_assert_nonnull (strstr (out, "cat/unreadable.png"));
  g_assert_nonnull (strstr (out, "Permission denied"));
  g_assert_nonnull (strstr (out, "Failed: 6 files"));

  /* Every good file is there, the bad ones are not. */
  g_assert_cmpuint (cli_count_files (output, ".png"), ==, 4);
  g_assert_cmpuint (cli_count_files (output, ".jpg"), ==, 5);
  g_assert_true (g_file_test (good_name_out, G_FILE_TEST_IS_REGULAR));

  /* The odd name is in the manifest, readable and exact. */
  manifest = g_build_filename (output, "veil-manifest.json", NULL);
  {
    g_autofree char *json = NULL;
    g_autofree char *raw = g_base64_encode ((const guchar *) "dog/ok-\xe9t\xe9.jpg",
                                            strlen ("dog/ok-\xe9t\xe9.jpg"));

    g_assert_true (g_file_get_contents (manifest, &json, NULL, NULL));
    g_assert_true (g_utf8_validate (json, -1, NULL));
    g_assert_nonnull (strstr (json, raw));
  }
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "verify", output, NULL), ==, 0);

  /* Only the mode changed back; compare contents after restoring it. */
  g_chmod (unreadable, 0644);
  after = veil_test_tree_snapshot (input, VEIL_TEST_TREE_MTIME, NULL);
  g_hash_table_remove (before, "cat/unreadable.png");
  g_hash_table_remove (after, "cat/unreadable.png");
  veil_test_assert_same_tree (before, after);
  veil_test_rm_rf (base);
}

static void
test_refused_outputs (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_good_tree (base);
  g_autofree char *inside = g_build_filename (input, "cat", "protected", NULL);
  g_autofree char *busy = g_build_filename (base, "busy", NULL);
  g_autofree char *busy_file = g_build_filename (busy, "mine.txt", NULL);
  g_autoptr(GHashTable) before = veil_test_tree_snapshot (input, VEIL_TEST_TREE_MTIME, NULL);
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (cli_run (NULL, NULL, &err,
                            "protect", "--seed", "1", input, inside, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "inside the input"));
  g_assert_false (g_file_test (inside, G_FILE_TEST_EXISTS));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (cli_run (NULL, NULL, &err,
                            "protect", "--seed", "1", input, input, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "is the input"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (cli_run (NULL, NULL, &err,
                            "protect", "--seed", "1", input, base, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "contains the input"));
  g_clear_pointer (&err, g_free);

  /* A folder with unrelated files is not an export target. */
  cli_write_file (busy_file, "x", 1);
  g_assert_cmpint (cli_run (NULL, NULL, &err,
                            "protect", "--seed", "1", input, busy, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "not empty"));

  after = veil_test_tree_snapshot (input, VEIL_TEST_TREE_MTIME, NULL);
  veil_test_assert_same_tree (before, after);
  veil_test_rm_rf (base);
}

static void
test_json (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_good_tree (base);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_progress = 0;
  gboolean done = FALSE;

  g_assert_cmpint (cli_run (NULL, &out, NULL, "protect", "--seed", "2", "--json", input, output,
                            NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *object;
      const char *event;

      if (lines[i][0] == '\0')
        continue;
      g_assert_false (done); /* "done" is the last event */
      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      event = json_object_get_string_member (object, "event");
      if (g_strcmp0 (event, "progress") == 0)
        {
          g_assert_cmpint (json_object_get_int_member (object, "total"), ==, 8);
          g_assert_cmpint (json_object_get_int_member (object, "done"), <=, 8);
          n_progress++;
        }
      else if (g_strcmp0 (event, "done") == 0)
        {
          g_assert_cmpint (json_object_get_int_member (object, "protected"), ==, 8);
          g_assert_cmpint (json_object_get_int_member (object, "failed"), ==, 0);
          done = TRUE;
        }
      else if (g_strcmp0 (event, "survival") == 0)
        g_assert_true (json_object_has_member (object, "survival"));
      else
        g_error ("unexpected event %s", event);
    }
  g_assert_cmpuint (n_progress, >=, 1);
  g_assert_true (done);
  veil_test_rm_rf (base);
}

typedef struct {
  const char *args[12];
  int         status;
} ExitCase;

static const ExitCase exit_cases[] = {
  { { NULL }, 2 },
  { { "frobnicate", NULL }, 2 },
  { { "--version", NULL }, 0 },
  { { "--help", NULL }, 0 },
  { { "protect", "--no-such-option", "a", "b", NULL }, 2 },
  { { "protect", "in", NULL }, 2 },
  { { "protect", "@BASE@/in", "@BASE@/out", NULL }, 2 },                /* no key */
  { { "protect", "--seed", "1", "--key", "x", "@BASE@/in", "@BASE@/out", NULL }, 2 },
  { { "protect", "--seed", "-4", "@BASE@/in", "@BASE@/out", NULL }, 2 },
  { { "protect", "--seed", "1", "-k", "4", "@BASE@/in", "@BASE@/out", NULL }, 2 },
  { { "protect", "--seed", "1", "--shard", "3/2", "@BASE@/in", "@BASE@/out", NULL }, 2 },
  { { "protect", "--seed", "1", "@BASE@/missing", "@BASE@/out", NULL }, 1 },
  { { "protect", "--key", "nobody", "@BASE@/in", "@BASE@/out", NULL }, 1 },
  { { "verify", "@BASE@/in", NULL }, 1 },
  { { "keys", "fly", NULL }, 2 },
  { { "scan", "@BASE@/in", NULL }, 0 },
  { { "preview", "@BASE@/in/cat/c0.png", "--class", "cat", "--seed", "1", "-o",
      "@BASE@/p.png", NULL }, 2 },                                      /* seed needs classes */
  { { "preview", "@BASE@/in/cat/c0.png", "--class", "cat", "--seed", "1", "--classes",
      "dog,cat", "-o", "@BASE@/p.png", NULL }, 0 },
};

static void
test_exit_status (gconstpointer data)
{
  const ExitCase *c = data;
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_good_tree (base);
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (args, g_strdup (g_getenv ("VEIL_CLI")));
  for (guint i = 0; c->args[i] != NULL; i++)
    {
      GString *arg = g_string_new (c->args[i]);
      g_string_replace (arg, "@BASE@", base, 0);
      g_ptr_array_add (args, g_string_free (arg, FALSE));
    }
  g_ptr_array_add (args, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", base, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, c->status);
  veil_test_rm_rf (base);
}

static const char *commands[] = {
  "keygen", "keys", "scan", "protect", "preview", "verify", "merge", "check",
};

/* Every command's --help shows its usage and the exit statuses, and the man page describes
 * the command and every option --help lists. */
static void
test_help (gconstpointer data)
{
  const char *command = data;
  g_autofree char *out = NULL;
  g_autofree char *man = NULL;
  g_autofree char *man_path = g_test_build_filename (G_TEST_DIST, "..", "..", "src", "cli",
                                                     "veil-cli.1", NULL);
  g_autofree char *man_command = g_strdup_printf ("veil-cli %s", command);
  g_autoptr(GRegex) option = g_regex_new ("^  (?:-[a-z], )?--([a-z-]+)", G_REGEX_MULTILINE, 0,
                                          NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_assert_cmpint (cli_run (NULL, &out, NULL, command, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Usage:"));
  g_assert_nonnull (strstr (out, command));
  g_assert_nonnull (strstr (out, "Exit status"));
  g_assert_nonnull (strstr (out, "3  the command finished, but some files failed"));

  g_assert_true (g_file_get_contents (man_path, &man, NULL, NULL));
  g_assert_nonnull (strstr (man, man_command));
  for (g_regex_match (option, out, 0, &match); g_match_info_matches (match);
       g_match_info_next (match, NULL))
    {
      g_autofree char *name = g_match_info_fetch (match, 1);
      g_autoptr(GString) escaped = g_string_new (name);

      if (strcmp (name, "help") == 0)
        continue;
      /* In roff every '-' of an option is written "\-". */
      g_string_replace (escaped, "-", "\\-", 0);
      g_string_prepend (escaped, "\\-\\-");
      if (strstr (man, escaped->str) == NULL)
        g_error ("veil-cli.1 does not describe “%s --%s”", command, name);
    }
}

static void
test_keys (void)
{
  g_autofree char *home = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *file = g_build_filename (home, "backup.key", NULL);
  g_autofree char *out = NULL;
  g_autofree char *key_dir = g_build_filename (home, "veil", "keys", NULL);
  GStatBuf st;

  g_assert_cmpint (cli_run (home, &out, NULL, "keygen", "studio", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Fingerprint"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_run (home, NULL, NULL, "keygen", "studio", NULL), ==, 1);
  g_assert_cmpint (cli_run (home, &out, NULL, "keys", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "studio"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_run (home, &out, NULL, "keys", "show", "studio", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "secret"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_run (home, NULL, NULL, "keys", "export", "studio", file, NULL), ==, 0);
  g_assert_cmpint (g_stat (file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (cli_run (home, NULL, NULL, "keys", "delete", "studio", NULL), ==, 0);
  g_assert_cmpint (cli_run (home, NULL, NULL, "keys", "show", "studio", NULL), ==, 1);
  g_assert_cmpint (cli_run (home, &out, NULL, "keys", "import", file, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "studio"));
  veil_test_rm_rf (home);
}

static void
test_key_use (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_good_tree (base);
  g_autofree char *file = g_build_filename (base, "k.key", NULL);
  g_autofree char *out_a = g_build_filename (base, "a", NULL);
  g_autofree char *out_b = g_build_filename (base, "b", NULL);
  g_autofree char *preview = g_build_filename (base, "p.png", NULL);
  g_autofree char *secret_hex = NULL;
  g_autoptr(GHashTable) tree_a = NULL;
  g_autoptr(GHashTable) tree_b = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpint (cli_run (base, NULL, NULL, "keygen", "mine", NULL), ==, 0);
  g_assert_cmpint (cli_run (base, NULL, NULL, "keys", "export", "mine", file, NULL), ==, 0);

  /* The same key from the store and from its file gives the same export, with --mix. */
  g_assert_cmpint (cli_run (base, &out, NULL, "protect", "--key", "mine", "--mix", "0.5", "-q",
                            input, out_a, NULL), ==, 0);
  g_assert_cmpint (cli_run (base, NULL, NULL, "protect", "--key-file", file, "--mix", "0.5", "-q",
                            input, out_b, NULL), ==, 0);
  tree_a = veil_test_tree_snapshot (out_a, VEIL_TEST_TREE_FILES, NULL);
  tree_b = veil_test_tree_snapshot (out_b, VEIL_TEST_TREE_FILES, NULL);
  veil_test_assert_same_tree (tree_a, tree_b);

  /* Key material appears nowhere but in the key file. */
  {
    g_autoptr(GKeyFile) kf = g_key_file_new ();
    g_auto(GStrv) groups = NULL;
    g_autofree char *manifest = NULL;
    g_autofree char *manifest_path = g_build_filename (out_a, "veil-manifest.json", NULL);

    g_assert_true (g_key_file_load_from_file (kf, file, G_KEY_FILE_NONE, NULL));
    groups = g_key_file_get_groups (kf, NULL);
    for (guint g = 0; groups[g] != NULL; g++)
      {
        g_auto(GStrv) keys = g_key_file_get_keys (kf, groups[g], NULL, NULL);
        for (guint k = 0; keys[k] != NULL; k++)
          {
            g_autofree char *value = g_key_file_get_value (kf, groups[g], keys[k], NULL);
            if (strlen (value) >= 32)
              secret_hex = g_strdup (value);
          }
      }
    g_assert_nonnull (secret_hex);
    g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));
    g_assert_null (strstr (manifest, secret_hex));
    g_assert_null (strstr (out, secret_hex));
  }

  g_assert_cmpint (cli_run (base, NULL, NULL, "preview", "--key", "mine", "--class", "cat",
                            "--side-by-side", "-o", preview, "--", NULL), ==, 2);
  {
    g_autofree char *src = g_build_filename (input, "cat", "c0.png", NULL);
    g_autoptr(GdkPixbuf) shown = NULL;

    g_assert_cmpint (cli_run (base, NULL, NULL, "preview", src, "--key", "mine", "--class", "cat",
                              "--dataset", input, "--side-by-side", "-o", preview, NULL), ==, 0);
    shown = gdk_pixbuf_new_from_file (preview, NULL);
    g_assert_nonnull (shown);
    g_assert_cmpint (gdk_pixbuf_get_width (shown), >, 2 * 24);
  }
  veil_test_rm_rf (base);
}

/* Asserts that @output_root/@relative is @input_root/@relative filtered with @bank's filter for
 * @class_index in the paper's arithmetic (zero padding, division by the maximum). */
static void
assert_paper_arithmetic (VeilFilterBank *bank,
                         guint           class_index,
                         const char     *input_root,
                         const char     *output_root,
                         const char     *relative)
{
  g_autofree char *in_path = g_build_filename (input_root, relative, NULL);
  g_autofree char *out_path = g_build_filename (output_root, relative, NULL);
  g_autoptr(GdkPixbuf) in = gdk_pixbuf_new_from_file (in_path, NULL);
  g_autoptr(GdkPixbuf) out = gdk_pixbuf_new_from_file (out_path, NULL);
  int w, h, channels, stride;
  g_autofree guint8 *expected = NULL;
  guint k = veil_filter_bank_get_k (bank);

  g_assert_nonnull (in);
  g_assert_nonnull (out);
  w = gdk_pixbuf_get_width (in);
  h = gdk_pixbuf_get_height (in);
  channels = gdk_pixbuf_get_n_channels (in);
  stride = w * channels;
  g_assert_cmpint (gdk_pixbuf_get_width (out), ==, w);
  g_assert_cmpint (gdk_pixbuf_get_height (out), ==, h);
  g_assert_cmpint (gdk_pixbuf_get_n_channels (out), ==, channels);
  expected = g_malloc ((gsize) stride * h);
  g_assert_true (veil_convolve_protect (gdk_pixbuf_read_pixels (in),
                                        gdk_pixbuf_get_rowstride (in), expected, stride, w, h,
                                        channels, veil_filter_bank_get_filter (bank, class_index),
                                        (int) k, (int) k, 1, NULL, NULL));
  for (int y = 0; y < h; y++)
    g_assert_cmpmem (gdk_pixbuf_read_pixels (out) + (gsize) y * gdk_pixbuf_get_rowstride (out),
                     stride, expected + (gsize) y * stride, stride);
}

/* Two classes of small pictures of different sizes, as CIFAR-like input. */
static const char * const small_files[] = { "cat/c0.png", "cat/c1.png", "dog/d0.png",
                                            "dog/d1.png" };

static void
write_small_pictures (const char *input)
{
  for (guint i = 0; i < G_N_ELEMENTS (small_files); i++)
    {
      g_autofree char *path = g_build_filename (input, small_files[i], NULL);
      cli_write_png (path, 32, 30 - 2 * (int) i, 40 + i);
    }
}

/* Small pictures trained at their own size ("native") get the paper's arithmetic with a secret
 * key too, not only with a seed key: the efficacy lab measured less protection with the photo
 * normalisation there. Checked on the files veil-cli writes. */
static void
test_native_is_the_paper (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = g_build_filename (base, "in", NULL);
  g_autofree char *file = g_build_filename (base, "k.key", NULL);
  const char *classes[] = { "cat", "dog" };
  write_small_pictures (input);
  g_assert_cmpint (cli_run (base, NULL, NULL, "keygen", "mine", NULL), ==, 0);
  g_assert_cmpint (cli_run (base, NULL, NULL, "keys", "export", "mine", file, NULL), ==, 0);

  for (guint kind = 0; kind < 2; kind++)
    {
      g_autofree char *output = g_strdup_printf ("%s/out-%u", base, kind);
      g_autoptr(VeilKey) key = NULL;
      g_autoptr(VeilFilterBank) bank = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;

      g_assert_cmpint (cli_run (base, &out, NULL, "protect", kind == 0 ? "--seed" : "--key-file",
                                kind == 0 ? "4" : file, "-k", "3", "--pb", "0.3",
                                "--training-res", "native", "--no-check", input, output,
                                NULL), ==, 0);
      /* What the settings say is what the bank below holds. */
      g_assert_nonnull (strstr (out, kind == 0 ? "Decoy: none, a seed key" : "Decoy: one class"));
      key = kind == 0 ? veil_key_new_from_seed (4) : veil_key_load (file, &error);
      g_assert_no_error (error);
      /* With the secret key one of the two classes is the decoy, whose filter is the identity:
       * its pictures too get the paper's division by the maximum. */
      bank = veil_filter_bank_new_full (key, classes, 2, VEIL_FILTER_KIND_BLUR, 3, 0.3, TRUE,
                                        &error);
      g_assert_no_error (error);
      g_assert_cmpint (veil_filter_bank_get_decoy (bank) >= 0, ==, kind == 1);
      for (guint i = 0; i < G_N_ELEMENTS (small_files); i++)
        assert_paper_arithmetic (bank, small_files[i][0] == 'c' ? 0 : 1, input, output,
                                 small_files[i]);
    }
  veil_test_rm_rf (base);
}

/* --filters echo: the files are the echo filters' arithmetic, the manifest says so, the
 * survival check recognises them, a resume with the paper's blur is refused, and sizes or
 * kinds echo filters cannot have are usage errors. */
static void
test_echo_filters (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = g_build_filename (base, "in", NULL);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autofree char *manifest = g_build_filename (output, "veil-manifest.json", NULL);
  g_autofree char *text = NULL;
  g_autofree char *err = NULL;
  g_autoptr(VeilKey) key = veil_key_new_from_seed (4);
  g_autoptr(VeilFilterBank) bank = NULL;
  g_autoptr(GError) error = NULL;
  const char *classes[] = { "cat", "dog" };
  write_small_pictures (input);
  g_assert_cmpint (cli_run (base, NULL, NULL, "protect", "--seed", "4", "--filters", "echo",
                            "-k", "7", "--pb", "0.7", "--training-res", "native", "--no-check",
                            "-q", input, output, NULL), ==, 0);
  bank = veil_filter_bank_new_kind (key, classes, 2, VEIL_FILTER_KIND_ECHO, 7, 0.7, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (small_files); i++)
    assert_paper_arithmetic (bank, small_files[i][0] == 'c' ? 0 : 1, input, output, small_files[i]);
  g_assert_true (g_file_get_contents (manifest, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"filters\" : \"echo\""));

  g_assert_cmpint (cli_run (base, NULL, NULL, "check", "--seed", "4", "--against", input, output,
                            NULL), ==, 0);
  /* Veil 0.2.0 derived echo offsets differently: its exports are not checked against these. */
  {
    g_autofree char *tool = g_strdup_printf ("\"version\" : \"%s\"", PACKAGE_VERSION);
    g_autoptr(GString) old_text = g_string_new (text);

    g_assert_cmpuint (g_string_replace (old_text, tool, "\"version\" : \"0.2.0\"", 1), ==, 1);
    g_assert_true (g_file_set_contents (manifest, old_text->str, -1, NULL));
    g_assert_cmpint (cli_run (base, NULL, &err, "check", "--seed", "4", "--against", input,
                              output, NULL), ==, 1);
    g_assert_nonnull (strstr (err, "Veil 0.2.0"));
    g_assert_nonnull (strstr (err, "derived differently"));
    g_clear_pointer (&err, g_free);
    g_assert_true (g_file_set_contents (manifest, text, -1, NULL));
  }
  g_assert_cmpint (cli_run (base, NULL, &err, "protect", "--seed", "4", "-k", "7", "--pb", "0.7",
                            "--training-res", "native", "--resume", "-q", input, output, NULL),
                   !=, 0);
  g_assert_nonnull (strstr (err, "kind of filter"));
  g_clear_pointer (&err, g_free);

  /* Without --pb, echo filters get their own strength, not the blur's 0.06. */
  {
    g_autofree char *plain = g_build_filename (base, "plain", NULL);
    g_autofree char *plain_manifest = g_build_filename (plain, "veil-manifest.json", NULL);
    g_autofree char *plain_text = NULL;

    g_assert_cmpint (cli_run (base, NULL, NULL, "protect", "--seed", "4", "--filters", "echo",
                              "--no-check", "-q", input, plain, NULL), ==, 0);
    g_assert_true (g_file_get_contents (plain_manifest, &plain_text, NULL, NULL));
    g_assert_nonnull (strstr (plain_text, "\"pb\" : 1,"));
  }

  g_assert_cmpint (cli_run (base, NULL, &err, "protect", "--seed", "4", "--filters", "echo",
                            "-k", "5", input, output, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "at least 7"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli_run (base, NULL, &err, "protect", "--seed", "4", "--filters", "sharpen",
                            input, output, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "sharpen"));
  veil_test_rm_rf (base);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/protect/mirror", test_mirror);
  g_test_add_func ("/cli/protect/bad-files", test_bad_files);
  g_test_add_func ("/cli/protect/refused-outputs", test_refused_outputs);
  g_test_add_func ("/cli/protect/json", test_json);
  g_test_add_func ("/cli/keys/lifecycle", test_keys);
  g_test_add_func ("/cli/keys/use", test_key_use);
  g_test_add_func ("/cli/protect/native-is-the-paper", test_native_is_the_paper);
  g_test_add_func ("/cli/protect/echo-filters", test_echo_filters);
  for (guint i = 0; i < G_N_ELEMENTS (exit_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cli/exit-status/%u", i);
      g_test_add_data_func (path, &exit_cases[i], test_exit_status);
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cli/help/%s", commands[i]);
      g_test_add_data_func (path, commands[i], test_help);
    }
  return g_test_run ();
}
