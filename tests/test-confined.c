/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "veil-confined.h"
#include "veil-error.h"
#include "veil-paths.h"
#include "veil-test-util.h"

/* The confinement primitive: relative paths only, no symlink followed below the root, only
 * regular files read, never blocking on a FIFO. */

typedef struct {
  char *dir;    /* the test's temporary folder */
  char *root;   /* dir/root: the confined folder */
  char *outside;/* dir/outside: a folder next to it that nothing may touch */
  int root_fd;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;

  fixture->dir = veil_test_make_tmpdir ("veil-confined-XXXXXX");
  fixture->root = g_build_filename (fixture->dir, "root", NULL);
  fixture->outside = g_build_filename (fixture->dir, "outside", NULL);
  g_assert_cmpint (g_mkdir (fixture->root, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (fixture->outside, 0755), ==, 0);
  secret = g_build_filename (fixture->outside, "secret.txt", NULL);
  g_assert_true (g_file_set_contents (secret, "secret", -1, NULL));
  fixture->root_fd = veil_confined_open_root (fixture->root, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fixture->root_fd, >=, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  close (fixture->root_fd);
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->root);
  g_free (fixture->outside);
}

static void
assert_outside_untouched (Fixture *fixture)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->outside, 0, NULL);
  g_autofree char *secret = g_build_filename (fixture->outside, "secret.txt", NULL);
  g_autofree char *contents = NULL;
  guint count = 0;

  while (g_dir_read_name (dir) != NULL)
    count++;
  g_assert_cmpuint (count, ==, 1);
  g_assert_true (g_file_get_contents (secret, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "secret");
}

static void
test_check_relative (void)
{
  const char *good[] = { "a", "c/a.png", "c/.hidden", "c/..a", "c/a..", "\xff\xfe/x", NULL };
  const char *bad[] = { "", "/etc/passwd", "a/../b", "..", "../a", "a/..", "./a", "a/./b",
                        "a//b", "a/", NULL };
  g_autofree char *too_long = g_strnfill (PATH_MAX + 1, 'a');

  for (guint i = 0; good[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_true (veil_confined_check_relative (good[i], &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (veil_confined_check_relative (bad[i], &error));
      g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
      if (bad[i][0] != '\0')
        g_assert_nonnull (strstr (error->message, bad[i]));
    }
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (veil_confined_check_relative (too_long, &error));
    g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
  }
}

static void
test_dotdot_and_absolute_refused (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autofree char *absolute = g_build_filename (fixture->outside, "secret.txt", NULL);
  const char *name = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (veil_confined_open_read (fixture->root_fd, "../outside/secret.txt", &error),
                   ==, -1);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
  g_assert_nonnull (strstr (error->message, "../outside/secret.txt"));
  g_clear_error (&error);

  g_assert_cmpint (veil_confined_open_read (fixture->root_fd, absolute, &error), ==, -1);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
  g_clear_error (&error);

  g_assert_cmpint (veil_confined_open_parent (fixture->root_fd, "../outside/new.txt", TRUE, &name,
                                              &error), ==, -1);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
  g_clear_error (&error);

  g_assert_cmpint (veil_confined_open_parent (fixture->root_fd, "a/../../outside/x/new.txt", TRUE,
                                              &name, &error), ==, -1);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
  assert_outside_untouched (fixture);
}

static void
test_symlinked_folder_refused (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autofree char *link = g_build_filename (fixture->root, "lnk", NULL);
  g_autofree char *file_link = g_build_filename (fixture->root, "notes.txt", NULL);
  g_autofree char *secret = g_build_filename (fixture->outside, "secret.txt", NULL);
  const char *name = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (symlink (fixture->outside, link), ==, 0);
  g_assert_cmpint (symlink (secret, file_link), ==, 0);

  /* Writing through a symlinked folder, even when creating below it. */
  g_assert_cmpint (veil_confined_open_parent (fixture->root_fd, "lnk/new.txt", TRUE, &name,
                                              &error), ==, -1);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
  g_assert_nonnull (strstr (error->message, "lnk"));
  g_clear_error (&error);
  g_assert_cmpint (veil_confined_open_parent (fixture->root_fd, "lnk/sub/new.txt", TRUE, &name,
                                              &error), ==, -1);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
  g_clear_error (&error);

  /* Reading through a symlinked folder or a symlinked file. */
  g_assert_cmpint (veil_confined_open_read (fixture->root_fd, "lnk/secret.txt", &error), ==, -1);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
  g_clear_error (&error);
  g_assert_cmpint (veil_confined_open_read (fixture->root_fd, "notes.txt", &error), ==, -1);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
  g_assert_nonnull (strstr (error->message, "notes.txt"));
  assert_outside_untouched (fixture);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Files in @path (a folder), sorted, joined by spaces. */
static char *
list_folder (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
write_kept (VeilPathsFolders *folders,
            const char       *relative,
            GError          **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("png", 3);

  veil_paths_write_atomic_in (folders, relative, bytes, NULL, error);
}

/* The folders an export worker keeps open between writes (veil-paths-folders.c) promise what a
 * single write promises: no symlink below the root is ever written through, and a file goes
 * into the folder its path names at the time it is written. Swapping a kept folder between two
 * writes (for a symlink, or for a symlink that leads back to the folder moved away) must not
 * leave the second write in the old folder, nor in the symlink's target. */
static void
test_kept_folders (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(VeilPathsFolders) folders = veil_paths_folders_new (fixture->root);
  g_autofree char *class_dir = g_build_filename (fixture->root, "c", NULL);
  g_autofree char *moved = g_build_filename (fixture->dir, "moved", NULL);
  g_autofree char *deep = g_build_filename (fixture->root, "x", NULL);
  g_autofree char *moved_deep = g_build_filename (fixture->dir, "moved-x", NULL);
  g_autofree char *moved_deep_y = g_build_filename (moved_deep, "y", NULL);
  g_autofree char *listing = NULL;
  g_autoptr(GError) error = NULL;

  /* The same folder, kept: both files land in it. */
  write_kept (folders, "c/a.png", &error);
  g_assert_no_error (error);
  write_kept (folders, "c/b.png", &error);
  g_assert_no_error (error);
  listing = list_folder (class_dir);
  g_assert_cmpstr (listing, ==, "a.png b.png");
  g_clear_pointer (&listing, g_free);

  /* Moved away and replaced by a symlink to a folder outside: refused, naming the folder, and
   * written neither into the folder moved away nor through the link. */
  g_assert_cmpint (g_rename (class_dir, moved), ==, 0);
  g_assert_cmpint (symlink (fixture->outside, class_dir), ==, 0);
  write_kept (folders, "c/d.png", &error);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
  g_assert_nonnull (strstr (error->message, "“c”"));
  g_clear_error (&error);
  listing = list_folder (moved);
  g_assert_cmpstr (listing, ==, "a.png b.png");
  g_clear_pointer (&listing, g_free);
  assert_outside_untouched (fixture);

  /* Removed and made again: the new folder gets the file. */
  g_assert_cmpint (unlink (class_dir), ==, 0);
  g_assert_cmpint (g_mkdir (class_dir, 0755), ==, 0);
  write_kept (folders, "c/e.png", &error);
  g_assert_no_error (error);
  listing = list_folder (class_dir);
  g_assert_cmpstr (listing, ==, "e.png");
  g_clear_pointer (&listing, g_free);

  /* A folder two levels down whose parent becomes a symlink leading to the parent moved away:
   * the path still reaches the very folder kept, but through a link, so it is refused. */
  write_kept (folders, "x/y/a.png", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_rename (deep, moved_deep), ==, 0);
  g_assert_cmpint (symlink (moved_deep, deep), ==, 0);
  write_kept (folders, "x/y/b.png", &error);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
  g_assert_nonnull (strstr (error->message, "“x”"));
  g_clear_error (&error);
  listing = list_folder (moved_deep_y);
  g_assert_cmpstr (listing, ==, "a.png");
  g_clear_pointer (&listing, g_free);

  /* A path Veil refuses is refused whatever is kept. */
  write_kept (folders, "c/../../outside/f.png", &error);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
  assert_outside_untouched (fixture);
}

static void
test_fifo_refused (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *fifo = g_build_filename (fixture->root, "pipe.jpg", NULL);
  g_autoptr(GError) error = NULL;
  gint64 start;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);

  /* No writer ever opens the FIFO: a blocking open would hang the test (and meson's timeout
   * would fail it). */
  start = g_get_monotonic_time ();
  g_assert_cmpint (veil_confined_open_read (fixture->root_fd, "pipe.jpg", &error), ==, -1);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
  g_assert_nonnull (strstr (error->message, "pipe.jpg"));
  g_clear_error (&error);

  g_assert_cmpint (veil_open_regular (fifo, &error), ==, -1);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
  g_clear_error (&error);

  g_assert_cmpint (veil_open_regular ("/dev/zero", &error), ==, -1);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_folder_refused_for_reading (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autofree char *folder = g_build_filename (fixture->root, "c", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
  g_assert_cmpint (veil_confined_open_read (fixture->root_fd, "c", &error), ==, -1);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
  g_clear_error (&error);
  g_assert_cmpint (veil_confined_open_read (fixture->root_fd, "missing.png", &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "missing.png"));
}

static void
test_create_and_read (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autofree char *created = g_build_filename (fixture->root, "a", "b", "c.txt", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  const char *name = NULL;
  char buffer[16] = { 0 };
  int dir_fd;
  int fd;

  /* Without @create a missing folder is an error, nothing is made. */
  g_assert_cmpint (veil_confined_open_parent (fixture->root_fd, "a/b/c.txt", FALSE, &name,
                                              &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  dir_fd = veil_confined_open_parent (fixture->root_fd, "a/b/c.txt", TRUE, &name, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dir_fd, >=, 0);
  g_assert_cmpstr (name, ==, "c.txt");
  fd = openat (dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, "hello", 5), ==, 5);
  close (fd);
  close (dir_fd);
  g_assert_true (g_file_get_contents (created, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "hello");

  /* A top-level name has the root itself as its folder. */
  dir_fd = veil_confined_open_parent (fixture->root_fd, "top.txt", TRUE, &name, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "top.txt");
  close (dir_fd);

  fd = veil_confined_open_read (fixture->root_fd, "a/b/c.txt", &error);
  g_assert_no_error (error);
  g_assert_cmpint (read (fd, buffer, sizeof buffer - 1), ==, 5);
  g_assert_cmpstr (buffer, ==, "hello");
  /* O_NONBLOCK is cleared before the fd is handed back. */
  g_assert_cmpint (fcntl (fd, F_GETFL) & O_NONBLOCK, ==, 0);
  close (fd);

  fd = veil_open_regular (created, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (fcntl (fd, F_GETFL) & O_NONBLOCK, ==, 0);
  g_assert_cmpint (fcntl (fd, F_GETFL) & O_ACCMODE, ==, O_RDONLY);
  close (fd);

  /* The stat of the file opened, handed back with it. */
  {
    struct stat st, expected;

    fd = veil_open_regular_stat (created, &st, &error);
    g_assert_no_error (error);
    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (fcntl (fd, F_GETFL) & O_NONBLOCK, ==, 0);
    g_assert_cmpint (fstat (fd, &expected), ==, 0);
    g_assert_true (S_ISREG (st.st_mode));
    g_assert_cmpint (st.st_size, ==, 5);
    g_assert_cmpuint (st.st_ino, ==, expected.st_ino);
    g_assert_cmpuint (st.st_dev, ==, expected.st_dev);
    close (fd);
  }
  assert_outside_untouched (fixture);
}

static void
test_root_symlink_followed (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autofree char *link = g_build_filename (fixture->dir, "root-link", NULL);
  g_autoptr(GError) error = NULL;
  int fd;

  /* The root's own path is the user's choice. */
  g_assert_cmpint (symlink (fixture->root, link), ==, 0);
  fd = veil_confined_open_root (link, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
}


static void
test_write_atomic (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *new_root = g_build_filename (fixture->dir, "new", "root", NULL);
  g_autofree char *written = g_build_filename (new_root, "c", "a.txt", NULL);
  g_autofree char *link = g_build_filename (fixture->root, "lnk", NULL);
  g_autoptr(GBytes) bytes = g_bytes_new_static ("data", 4);
  g_autofree char *sha256 = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  /* A missing root is made, as the caller named it. */
  g_assert_true (veil_paths_write_atomic (new_root, "c/a.txt", bytes, &sha256, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (written, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "data");
  /* The published checksum is SHA-256 in lowercase hex (sha256sum of "data"). */
  g_assert_cmpstr (sha256, ==, "3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7");

  /* Below the root, a symlinked folder fails that file, naming it. */
  g_assert_cmpint (symlink (fixture->outside, link), ==, 0);
  g_assert_false (veil_paths_write_atomic (fixture->root, "lnk/owned.txt", bytes, NULL, &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
  g_assert_nonnull (strstr (error->message, "lnk"));
  g_clear_error (&error);
  g_assert_false (veil_paths_write_atomic (fixture->root, "../outside/owned.txt", bytes, NULL,
                                           &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
  assert_outside_untouched (fixture);
}

static void
test_copy_atomic (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *private = g_build_filename (fixture->root, "private.txt", NULL);
  g_autofree char *key = g_build_filename (fixture->root, "renamed.txt", NULL);
  g_autofree char *archive = g_build_filename (fixture->root, "archive.tar", NULL);
  g_autofree char *copied = g_build_filename (fixture->dir, "out", "private.txt", NULL);
  g_autofree char *out = g_build_filename (fixture->dir, "out", NULL);
  g_autofree char *sha256 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) big = g_string_new (NULL);
  GStatBuf st;
  int fd;

  g_assert_true (g_file_set_contents (private, "mine", -1, NULL));
  g_assert_cmpint (g_chmod (private, 0600), ==, 0);
  g_assert_true (g_file_set_contents (key, "# a note\n[Veil Key]\nVersion=1\n", -1, NULL));
  /* The marker across the boundary of the copy's 256 KiB chunks. */
  while (big->len < 256 * 1024 - 4)
    g_string_append_c (big, 'x');
  g_string_append (big, "[Veil Key]\nSecret=00\n");
  g_assert_true (g_file_set_contents (archive, big->str, (gssize) big->len, NULL));
  /* A file read in several chunks has the checksum of its whole contents. */
  {
    g_autofree char *expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                             (const guchar *) big->str, big->len);
    g_autofree char *whole = veil_paths_file_sha256 (archive, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (whole, ==, expected);
  }

  /* A private file stays private. */
  fd = veil_confined_open_read (fixture->root_fd, "private.txt", &error);
  g_assert_no_error (error);
  g_assert_true (veil_paths_copy_atomic (fd, "private.txt", out, "private.txt", NULL, &sha256,
                                         NULL, NULL, &error));
  g_assert_no_error (error);
  close (fd);
  g_assert_cmpint (g_stat (copied, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpstr (sha256, ==, "3fd30542fe3f61b14bd4a4b2dc0b6fb30fa6f63ebce52dd1778aaa8c4dc02cff");

  /* A wrong checksum: nothing takes the name. */
  fd = veil_confined_open_read (fixture->root_fd, "private.txt", &error);
  g_assert_false (veil_paths_copy_atomic (fd, "private.txt", out, "other.txt", "00", NULL, NULL,
                                          NULL, &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST);
  g_clear_error (&error);
  close (fd);

  /* A key, whatever its name, also inside a larger file. */
  for (guint i = 0; i < 2; i++)
    {
      const char *name = i == 0 ? "renamed.txt" : "archive.tar";
      g_autofree char *target = g_build_filename (out, name, NULL);

      fd = veil_confined_open_read (fixture->root_fd, name, &error);
      g_assert_no_error (error);
      g_assert_false (veil_paths_copy_atomic (fd, name, out, name, NULL, NULL, NULL, NULL,
                                              &error));
      g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
      g_assert_nonnull (strstr (error->message, name));
      g_clear_error (&error);
      close (fd);
      g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
    }
  {
    g_autoptr(GDir) dir = g_dir_open (out, 0, NULL);
    const char *name;
    guint n = 0;

    while ((name = g_dir_read_name (dir)) != NULL)
      n++;
    g_assert_cmpuint (n, ==, 1);
  }
}

/* veil_paths_resolves_within, asked for every image of an export: plain paths and links that
 * stay inside pass, links (to a file or a folder) that lead out fail naming the path, and so do
 * paths that climb out. The root itself may be reached through a link. */
static void
test_resolves_within (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autofree char *class_dir = g_build_filename (fixture->root, "cat", NULL);
  g_autofree char *file = g_build_filename (class_dir, "a.png", NULL);
  g_autofree char *link_inside = g_build_filename (class_dir, "b.png", NULL);
  g_autofree char *link_outside = g_build_filename (class_dir, "c.png", NULL);
  g_autofree char *folder_outside = g_build_filename (fixture->root, "dog", NULL);
  g_autofree char *secret = g_build_filename (fixture->outside, "secret.txt", NULL);
  g_autofree char *root_link = g_build_filename (fixture->dir, "root-link", NULL);
  const char *inside[] = { "cat/a.png", "cat/b.png", "cat" };
  const char *outside[] = { "cat/c.png", "dog/secret.txt", "../outside/secret.txt",
                            "cat/../../outside/secret.txt", "." };

  g_assert_cmpint (g_mkdir (class_dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  g_assert_cmpint (symlink ("a.png", link_inside), ==, 0);
  g_assert_cmpint (symlink (secret, link_outside), ==, 0);
  g_assert_cmpint (symlink (fixture->outside, folder_outside), ==, 0);
  g_assert_cmpint (symlink (fixture->root, root_link), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (inside); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (veil_paths_resolves_within (fixture->root, inside[i], &error));
      g_assert_no_error (error);
      g_assert_true (veil_paths_resolves_within (root_link, inside[i], &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (outside); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (veil_paths_resolves_within (fixture->root, outside[i], &error));
      g_assert_error (error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH);
      g_assert_nonnull (strstr (error->message, outside[i]));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/confined/check-relative", test_check_relative);
  g_test_add ("/core/confined/dotdot-and-absolute", Fixture, NULL, fixture_set_up,
              test_dotdot_and_absolute_refused, fixture_tear_down);
  g_test_add ("/core/confined/symlinked-folder", Fixture, NULL, fixture_set_up,
              test_symlinked_folder_refused, fixture_tear_down);
  g_test_add ("/core/confined/kept-folders", Fixture, NULL, fixture_set_up,
              test_kept_folders, fixture_tear_down);
  g_test_add ("/core/confined/fifo", Fixture, NULL, fixture_set_up, test_fifo_refused,
              fixture_tear_down);
  g_test_add ("/core/confined/folder-not-file", Fixture, NULL, fixture_set_up,
              test_folder_refused_for_reading, fixture_tear_down);
  g_test_add ("/core/confined/create-and-read", Fixture, NULL, fixture_set_up,
              test_create_and_read, fixture_tear_down);
  g_test_add ("/core/confined/root-symlink", Fixture, NULL, fixture_set_up,
              test_root_symlink_followed, fixture_tear_down);
  g_test_add ("/core/confined/write-atomic", Fixture, NULL, fixture_set_up, test_write_atomic,
              fixture_tear_down);
  g_test_add ("/core/confined/copy-atomic", Fixture, NULL, fixture_set_up, test_copy_atomic,
              fixture_tear_down);
  g_test_add ("/core/confined/resolves-within", Fixture, NULL, fixture_set_up,
              test_resolves_within, fixture_tear_down);
  return g_test_run ();
}
