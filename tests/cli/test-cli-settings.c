/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

/* The protection settings through veil-cli: the defaults (the application's), the settings
 * printed before a run and recorded as chosen, one set of limits, and a cancelled run whose
 * hint, pasted as it is, continues the export. */

#include <signal.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "cli-test-util.h"
#include "veil-protect-params.h"
#include "veil-test-util.h"

static char *
make_tree (const char *base,
           guint       n_per_class,
           int         size)
{
  char *input = g_build_filename (base, "in put", NULL);

  for (guint i = 0; i < n_per_class; i++)
    {
      g_autofree char *cat = g_strdup_printf ("%s/cat/c%03u.png", input, i);
      g_autofree char *dog = g_strdup_printf ("%s/dog/d%03u.png", input, i);

      cli_write_png (cat, size, size, i + 1);
      cli_write_png (dog, size, size, i + 500);
    }
  return input;
}

static JsonObject *
read_parameters (const char *output,
                 JsonParser *parser,
                 char      **text)
{
  g_autofree char *path = g_build_filename (output, "veil-manifest.json", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, text, NULL, &error));
  g_assert_true (json_parser_load_from_data (parser, *text, -1, &error));
  g_assert_no_error (error);
  return json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                        "parameters");
}

/* No settings given: the application's defaults, printed before the run and recorded. */
static void
test_defaults (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base, 2, 24);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  g_autofree char *text = NULL;
  JsonObject *parameters;

  g_assert_cmpint (cli_run (NULL, &out, NULL, "protect", "--seed", "3", "-q", "--no-check",
                            input, output, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Settings: filter 9 × 9, p_b 0.06, 100 % of the images "
                                 "protected, training resolution 224 px\n"));
  parameters = read_parameters (output, parser, &text);
  g_assert_cmpint (json_object_get_int_member (parameters, "k"), ==, VEIL_PROTECT_DEFAULT_K);
  g_assert_cmpfloat (json_object_get_double_member (parameters, "pb"), ==,
                     VEIL_PROTECT_DEFAULT_PB);
  g_assert_cmpfloat (json_object_get_double_member (parameters, "mix"), ==, 1.0);
  g_assert_cmpint (json_object_get_int_member (parameters, "training_res"), ==, 224);
  veil_test_rm_rf (base);
}

/* A p_b typed with float noise is recorded, and printed, as the decimal it stands for. */
static void
test_as_chosen (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base, 2, 24);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  g_autofree char *text = NULL;
  JsonObject *parameters;

  g_assert_cmpint (cli_run (NULL, &out, NULL, "protect", "--seed", "3", "-q", "--no-check",
                            "-k", "5", "--pb", "0.09999999999999998", "--mix",
                            "0.30000000000000004", "--training-res", "native", input, output,
                            NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Settings: filter 5 × 5, p_b 0.1, 30 % of the images "
                                 "protected, training resolution native"));
  parameters = read_parameters (output, parser, &text);
  g_assert_cmpint (json_object_get_int_member (parameters, "k"), ==, 5);
  g_assert_cmpfloat (json_object_get_double_member (parameters, "pb"), ==, 0.1);
  g_assert_cmpfloat (json_object_get_double_member (parameters, "mix"), ==, 0.3);
  g_assert_null (strstr (text, "0.09999"));
  g_assert_null (strstr (text, "0.30000000000000004"));
  veil_test_rm_rf (base);
}

typedef struct {
  const char *option;
  const char *value;
  const char *message;
} Refused;

static const Refused refused[] = {
  { "-k", "4", "filter size must be an odd number from 3 to 31, not 4" },
  { "-k", "33", "filter size must be an odd number from 3 to 31, not 33" },
  { "--pb", "0", "filter strength p_b must be from 0.001 to 1" },
  { "--pb", "1.5", "filter strength p_b must be from 0.001 to 1" },
  { "--mix", "-0.5", "fraction of images protected must be from 0 to 1" },
  { "--training-res", "8", "from 16 to 65535" },
};

static void
test_refused (gconstpointer data)
{
  const Refused *c = data;
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base, 1, 16);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autofree char *err = NULL;

  for (guint i = 0; i < 2; i++)
    {
      const char *command = i == 0 ? "protect" : "preview";
      g_autofree char *image = g_build_filename (input, "cat", "c000.png", NULL);
      g_autofree char *preview = g_build_filename (base, "p.png", NULL);

      /* preview protects one image: it has no fraction. */
      if (i == 1 && g_str_equal (c->option, "--mix"))
        continue;
      g_clear_pointer (&err, g_free);
      if (i == 0)
        g_assert_cmpint (cli_run (NULL, NULL, &err, command, "--seed", "1", c->option, c->value,
                                  input, output, NULL), ==, 2);
      else
        g_assert_cmpint (cli_run (NULL, NULL, &err, command, "--seed", "1", "--classes", "cat",
                                  "--class", "cat", "-o", preview, c->option, c->value, image,
                                  NULL), ==, 2);
      g_assert_nonnull (strstr (err, c->message));
      g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (preview, G_FILE_TEST_EXISTS));
    }
  veil_test_rm_rf (base);
}

/* Ctrl+C: the hint is the whole command with the settings; pasted into a shell as it is, it
 * continues the export, which then equals an uninterrupted one. */
static void
test_cancel_hint (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base, 40, 160);
  g_autofree char *output = g_build_filename (base, "out dir", NULL);
  g_autofree char *clean = g_build_filename (base, "clean", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (
    G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *script = NULL;
  g_auto(GStrv) lines = NULL;
  const char *hint = NULL;
  gint64 deadline;

  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("VEIL_CLI"), "protect",
                                         "--seed", "11", "-k", "7", "--pb", "0.1", "--mix", "0.9",
                                         "--training-res", "native", "--threads", "1",
                                         "--no-check", "-q", input, output, NULL);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (cli_count_files (output, ".png") < 4 && g_get_monotonic_time () < deadline)
    g_usleep (2000);
  g_subprocess_send_signal (process, SIGINT);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (process) == 0)
    {
      g_test_skip ("the export finished before it could be stopped");
      veil_test_rm_rf (base);
      return;
    }
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);

  /* The line after "continue with:". */
  lines = g_strsplit (err, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    if (strstr (lines[i], "cancelled; continue with:") != NULL)
      hint = g_strstrip (lines[i + 1]);
  g_assert_nonnull (hint);
  g_assert_true (g_str_has_prefix (hint, "veil-cli protect --resume "));
  g_assert_nonnull (strstr (hint, " -k 7 --pb 0.1 --mix 0.9 --training-res native"));
  /* Straight quotes only, so that it pastes. */
  g_assert_null (strstr (hint, "“"));
  g_assert_null (strstr (hint, "”"));

  /* Run it as a shell would, with the real program for "veil-cli". */
  script = g_strdup_printf ("\"$VEIL_CLI\"%s\n", hint + strlen ("veil-cli"));
  {
    g_autoptr(GSubprocess) shell = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                                                     "/bin/sh", "-c", script, NULL);

    g_assert_no_error (error);
    g_assert_true (g_subprocess_wait_check (shell, NULL, &error));
    g_assert_no_error (error);
  }

  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "11", "-k", "7", "--pb", "0.1",
                            "--mix", "0.9", "--training-res", "native", "--no-check", "-q", input,
                            clean, NULL), ==, 0);
  {
    g_autoptr(GHashTable) a = veil_test_tree_snapshot (clean, VEIL_TEST_TREE_FILES, NULL);
    g_autoptr(GHashTable) b = veil_test_tree_snapshot (output, VEIL_TEST_TREE_FILES, NULL);

    veil_test_assert_same_tree (a, b);
  }
  veil_test_rm_rf (base);
}

/* keygen's hint is a command to paste: straight quotes, and only where the shell needs them. */
static void
test_keygen_hint (void)
{
  g_autofree char *home = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *out = NULL;

  g_assert_cmpint (cli_run (home, &out, NULL, "keygen", "clitest", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "veil-cli keys export clitest FILE\n"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_run (home, &out, NULL, "keygen", "my key", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "veil-cli keys export 'my key' FILE\n"));
  g_assert_null (strstr (out, "“my key”\n"));
  g_assert_null (strstr (out, "export “"));
  veil_test_rm_rf (home);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/settings/defaults", test_defaults);
  g_test_add_func ("/cli/settings/as-chosen", test_as_chosen);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cli/settings/refused/%s=%s", refused[i].option,
                                               refused[i].value);

      g_test_add_data_func (path, &refused[i], test_refused);
    }
  g_test_add_func ("/cli/settings/cancel-hint", test_cancel_hint);
  g_test_add_func ("/cli/settings/keygen-hint", test_keygen_hint);

  return g_test_run ();
}
