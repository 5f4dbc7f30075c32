/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include "cli-test-util.h"
#include "veil-test-util.h"

static GSubprocessLauncher *
new_launcher (const char     *home,
              GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  if (home != NULL)
    g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", home, TRUE);
  /* Messages in English whatever the machine's language, so the tests can read them. */
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  return launcher;
}

static char *
setpriv_path (void)
{
  return g_find_program_in_path ("setpriv");
}

gboolean
cli_can_run_unprivileged (void)
{
  g_autofree char *setpriv = NULL;

  if (geteuid () != 0)
    return TRUE;
  setpriv = setpriv_path ();
  return setpriv != NULL;
}

static GPtrArray *
collect_args (gboolean unprivileged,
              va_list  args)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  const char *cli = g_getenv ("VEIL_CLI");
  const char *arg;

  g_assert_nonnull (cli);
  if (unprivileged && geteuid () == 0)
    {
      char *setpriv = setpriv_path ();

      g_assert_nonnull (setpriv);
      g_ptr_array_add (argv, setpriv);
      g_ptr_array_add (argv, g_strdup_printf ("--reuid=%u", CLI_UNPRIVILEGED_ID));
      g_ptr_array_add (argv, g_strdup_printf ("--regid=%u", CLI_UNPRIVILEGED_ID));
      g_ptr_array_add (argv, g_strdup ("--clear-groups"));
    }
  g_ptr_array_add (argv, g_strdup (cli));
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  g_ptr_array_add (argv, NULL);
  return argv;
}

static int
run_argv (const char          *home,
          const char * const  *env,
          GPtrArray           *argv,
          char               **out_stdout,
          char               **out_stderr)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  launcher = new_launcher (home, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);

      g_assert_nonnull (pair[1]);
      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  {
    g_autofree char *command = g_strjoinv (" ", (char **) argv->pdata);
    g_test_message ("%s → stdout:\n%s\nstderr:\n%s", command, out, err);
  }
  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&out);
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&err);
  if (!g_subprocess_get_if_exited (process))
    return -1;
  return g_subprocess_get_exit_status (process);
}

int
cli_run (const char  *home,
         char       **out_stdout,
         char       **out_stderr,
         ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  va_list args;

  va_start (args, out_stderr);
  argv = collect_args (FALSE, args);
  va_end (args);
  return run_argv (home, NULL, argv, out_stdout, out_stderr);
}

int
cli_run_full (const char          *home,
              const char * const  *env,
              gboolean             unprivileged,
              char               **out_stdout,
              char               **out_stderr,
              ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  va_list args;

  va_start (args, out_stderr);
  argv = collect_args (unprivileged, args);
  va_end (args);
  return run_argv (home, env, argv, out_stdout, out_stderr);
}

void
cli_share (const char *path,
           gboolean    writable)
{
  g_autofree char *current = g_strdup (path);
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  if (writable && geteuid () == 0)
    g_assert_cmpint (chown (path, CLI_UNPRIVILEGED_ID, CLI_UNPRIVILEGED_ID), ==, 0);
  g_assert_cmpint (g_chmod (path, S_ISDIR (st.st_mode) ? 0755 : 0644), ==, 0);

  /* Every folder above must let others through (temporary folders are made 0700). */
  for (;;)
    {
      char *parent = g_path_get_dirname (current);

      g_free (current);
      current = parent;
      if (strcmp (current, "/") == 0 || strcmp (current, ".") == 0)
        break;
      g_assert_cmpint (g_stat (current, &st), ==, 0);
      if ((st.st_mode & 0001) == 0 && st.st_uid == geteuid ())
        g_assert_cmpint (g_chmod (current, (st.st_mode & 07777) | 0005), ==, 0);
    }
}

GSubprocess *
cli_spawn (const char *home,
           ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  va_list args;

  va_start (args, home);
  argv = collect_args (FALSE, args);
  va_end (args);

  launcher = new_launcher (home, G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                 | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

static GdkPixbuf *
random_pixbuf (int     width,
               int     height,
               guint32 seed)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);

  for (int y = 0; y < height; y++)
    veil_test_fill_random (pixels + (gsize) y * stride, (gsize) width * 3, seed * 7919u + y);
  return pixbuf;
}

static void
ensure_parent (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
}

void
cli_write_png (const char *path,
               int         width,
               int         height,
               guint32     seed)
{
  g_autoptr(GdkPixbuf) pixbuf = random_pixbuf (width, height, seed);
  g_autoptr(GError) error = NULL;

  ensure_parent (path);
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
}

void
cli_write_jpeg (const char *path,
                int         width,
                int         height,
                guint32     seed)
{
  g_autoptr(GdkPixbuf) pixbuf = random_pixbuf (width, height, seed);
  g_autoptr(GError) error = NULL;

  ensure_parent (path);
  gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "90", NULL);
  g_assert_no_error (error);
}

void
cli_write_file (const char *path,
                const void *data,
                gsize       len)
{
  g_autoptr(GError) error = NULL;

  ensure_parent (path);
  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
}

guint
cli_count_files (const char *root,
                 const char *suffix)
{
  g_autoptr(GHashTable) table = veil_test_tree_snapshot (root, VEIL_TEST_TREE_FILES, NULL);
  GHashTableIter iter;
  gpointer key;
  guint n = 0;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_str_has_suffix (key, suffix))
      n++;
  return n;
}
