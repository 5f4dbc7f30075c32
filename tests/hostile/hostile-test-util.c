/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"
#define _GNU_SOURCE /* memmem() */

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cli-test-util.h"
#include "hostile-test-util.h"
#include "veil-test-util.h"

typedef struct {
  GMainLoop *loop;
  gboolean timed_out;
  char *out;
  char *err;
} RunState;

static void
communicated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RunState *state = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &state->out, &state->err,
                                        &error);
  g_assert_no_error (error);
  g_main_loop_quit (state->loop);
}

static gboolean
timeout_cb (gpointer user_data)
{
  RunState *state = user_data;

  state->timed_out = TRUE;
  g_main_loop_quit (state->loop);
  return G_SOURCE_REMOVE;
}

static GSubprocess *
spawn_argv (const char          *home,
            const char * const  *env,
            GPtrArray           *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (home != NULL)
    g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);
      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_object_set_data_full (G_OBJECT (process), "hostile-command",
                          g_strjoinv (" ", (char **) argv->pdata), g_free);
  return process;
}

static GPtrArray *
collect_argv (va_list args)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  const char *cli = g_getenv ("VEIL_CLI");
  const char *arg;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, g_strdup (cli));
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  g_ptr_array_add (argv, NULL);
  return argv;
}

GSubprocess *
hostile_spawn (const char *home,
               ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  va_list args;

  va_start (args, home);
  argv = collect_argv (args);
  va_end (args);
  return spawn_argv (home, NULL, argv);
}

int
hostile_wait (GSubprocess  *process,
              char        **out_stdout,
              char        **out_stderr)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  const char *command = g_object_get_data (G_OBJECT (process), "hostile-command");
  RunState state = { 0 };
  GSource *timeout;

  g_main_context_push_thread_default (context);
  state.loop = g_main_loop_new (context, FALSE);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicated_cb, &state);
  timeout = g_timeout_source_new_seconds (HOSTILE_TIMEOUT_S);
  g_source_set_callback (timeout, timeout_cb, &state, NULL);
  g_source_attach (timeout, context);
  g_main_loop_run (state.loop);
  g_source_destroy (timeout);
  g_source_unref (timeout);
  if (state.timed_out)
    {
      g_subprocess_force_exit (process);
      g_error ("veil-cli hung for %d s: %s", HOSTILE_TIMEOUT_S, command);
    }
  g_subprocess_wait (process, NULL, NULL);
  g_main_loop_unref (state.loop);
  g_main_context_pop_thread_default (context);

  g_test_message ("%s → stdout:\n%s\nstderr:\n%s", command, state.out, state.err);
  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&state.out);
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&state.err);
  g_free (state.out);
  g_free (state.err);
  if (!g_subprocess_get_if_exited (process))
    return -1;
  return g_subprocess_get_exit_status (process);
}

int
hostile_run (const char          *home,
             const char * const  *env,
             char               **out_stdout,
             char               **out_stderr,
             ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GSubprocess) process = NULL;
  va_list args;

  va_start (args, out_stderr);
  argv = collect_argv (args);
  va_end (args);
  process = spawn_argv (home, env, argv);
  return hostile_wait (process, out_stdout, out_stderr);
}

void
hostile_make_sentinel (const char *dir)
{
  g_autofree char *secret = g_build_filename (dir, "secret.txt", NULL);
  g_autofree char *public = g_build_filename (dir, "public.txt", NULL);
  g_autofree char *nested = g_build_filename (dir, "x", "deep.txt", NULL);

  cli_write_file (secret, HOSTILE_SENTINEL_SECRET, strlen (HOSTILE_SENTINEL_SECRET));
  g_assert_cmpint (g_chmod (secret, 0600), ==, 0);
  cli_write_file (public, "public\n", 7);
  cli_write_file (nested, "deep\n", 5);
}

static gboolean
contains_window (const guint8 *hay,
                 gsize         hay_len,
                 const guint8 *needle,
                 gsize         needle_len)
{
  gsize window = MIN (needle_len, 16);

  for (gsize start = 0; start + window <= needle_len; start++)
    if (memmem (hay, hay_len, needle + start, window) != NULL)
      return TRUE;
  return FALSE;
}

static void
absent_dir (const char   *path,
            const guint8 *secret,
            gsize         secret_len)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GStatBuf st;

      if (g_lstat (child, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        absent_dir (child, secret, secret_len);
      else if (S_ISREG (st.st_mode))
        {
          g_autofree char *contents = NULL;
          gsize len = 0;

          g_assert_true (g_file_get_contents (child, &contents, &len, NULL));
          if (contains_window ((const guint8 *) contents, len, secret, secret_len))
            g_error ("“%s” holds key bytes", child);
        }
    }
}

void
hostile_assert_absent (const char *root,
                       GBytes     *secret)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (secret, &len);

  g_assert_cmpuint (len, >=, 16);
  absent_dir (root, data, len);
}

GBytes *
hostile_key_secret (const char *home,
                    const char *name)
{
  g_autofree char *keys = g_build_filename (home, "veil", "keys", NULL);
  g_autoptr(GDir) dir = g_dir_open (keys, 0, NULL);
  g_autofree char *prefix = g_strconcat (name, "-", NULL);
  const char *entry;

  g_assert_nonnull (dir);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (keys, entry, NULL);
      g_autofree char *text = NULL;
      const char *line;
      GByteArray *secret;

      if (!g_str_has_prefix (entry, prefix) && strcmp (entry, name) != 0)
        continue;
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      line = strstr (text, "Secret=");
      g_assert_nonnull (line);
      line += strlen ("Secret=");
      secret = g_byte_array_new ();
      g_byte_array_append (secret, (const guint8 *) line, 64);
      for (guint i = 0; i < 32; i++)
        {
          guint8 byte = (guint8) ((g_ascii_xdigit_value (line[2 * i]) << 4)
                                  | g_ascii_xdigit_value (line[2 * i + 1]));
          g_byte_array_append (secret, &byte, 1);
        }
      return g_byte_array_free_to_bytes (secret);
    }
  g_error ("no key “%s” in %s", name, keys);
}
