/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "veil-test-util.h"

char *
veil_test_make_tmpdir (const char *name_template)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (name_template, &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      GFileInfo *info;
      GFile *child;

      while (g_file_enumerator_iterate (children, &info, &child, NULL, NULL) && info != NULL)
        {
          if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
            {
              /* Tests make folders unreadable on purpose; give them back first. */
              g_autofree char *path = g_file_get_path (child);
              g_chmod (path, 0700);
              remove_tree (child);
            }
          else
            g_file_delete (child, NULL, NULL);
        }
    }
  g_file_delete (file, NULL, NULL);
}

void
veil_test_rm_rf (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_chmod (path, 0700);
  remove_tree (file);
}

void
veil_test_fill_random (guint8 *buf, gsize len, guint32 seed)
{
  guint32 state = seed * 2654435761u + 1;

  for (gsize i = 0; i < len; i++)
    {
      /* xorshift32: cheap, deterministic, plenty for test pixels. */
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      buf[i] = (guint8) (state >> 24);
    }
}

char *
veil_test_file_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

double
veil_test_parse_double (const char *text)
{
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);

  g_assert_true (end != NULL && *end == '\0');
  return value;
}
