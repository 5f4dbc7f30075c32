/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <string.h>
#include <sys/stat.h>

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

static void
put_le (GByteArray *out,
        guint32     value,
        guint       size)
{
  for (guint i = 0; i < size; i++)
    {
      guint8 byte = (value >> (8 * i)) & 0xff;

      g_byte_array_append (out, &byte, 1);
    }
}

/* One IFD entry of a little-endian TIFF: SHORT (3) or LONG (4), one value or an offset. */
static void
put_tiff_entry (GByteArray *out,
                guint16     tag,
                guint16     type,
                guint32     count,
                guint32     value)
{
  put_le (out, tag, 2);
  put_le (out, type, 2);
  put_le (out, count, 4);
  if (type == 3 && count == 1)
    {
      put_le (out, value, 2);
      put_le (out, 0, 2);
    }
  else
    put_le (out, value, 4);
}

GBytes *
veil_test_two_page_tiff (guint width,
                         guint height)
{
  const guint n_entries = 10;
  const guint ifd_size = 2 + 12 * n_entries + 4;
  const guint pixels_size = width * height * 3;
  const guint page_size = ifd_size + 6 + pixels_size + (pixels_size & 1);
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, (const guint8 *) "II*\0", 4);
  put_le (out, 8, 4);
  for (guint page = 0; page < 2; page++)
    {
      guint32 ifd = 8 + page * page_size;

      g_assert_cmpuint (out->len, ==, ifd);
      put_le (out, n_entries, 2);
      put_tiff_entry (out, 256, 3, 1, width);               /* ImageWidth */
      put_tiff_entry (out, 257, 3, 1, height);              /* ImageLength */
      put_tiff_entry (out, 258, 3, 3, ifd + ifd_size);      /* BitsPerSample: 8, 8, 8 */
      put_tiff_entry (out, 259, 3, 1, 1);                   /* no compression */
      put_tiff_entry (out, 262, 3, 1, 2);                   /* RGB */
      put_tiff_entry (out, 273, 4, 1, ifd + ifd_size + 6);  /* StripOffsets */
      put_tiff_entry (out, 277, 3, 1, 3);                   /* SamplesPerPixel */
      put_tiff_entry (out, 278, 3, 1, height);              /* RowsPerStrip */
      put_tiff_entry (out, 279, 4, 1, pixels_size);         /* StripByteCounts */
      put_tiff_entry (out, 284, 3, 1, 1);                   /* chunky */
      put_le (out, page == 0 ? 8 + page_size : 0, 4);       /* the next page */
      for (guint i = 0; i < 3; i++)
        put_le (out, 8, 2);
      for (guint y = 0; y < height; y++)
        for (guint x = 0; x < width; x++)
          {
            /* Texture in red and green (a filter has something to change), one blue per
             * page. */
            guint32 hash = (x * 73856093u) ^ (y * 19349663u) ^ (page * 83492791u);
            guint8 rgb[3] = { (guint8) (hash * 2654435761u >> 24),
                              (guint8) (hash * 2246822519u >> 24),
                              page == 0 ? 60 : 220 };

            g_byte_array_append (out, rgb, 3);
          }
      if (pixels_size & 1)
        put_le (out, 0, 1);
    }
  return g_byte_array_free_to_bytes (out);
}

/* Appends @code of @bits bits to a GIF's LZW stream (least significant bit first). */
static void
put_lzw_code (GByteArray *data,
              guint32    *acc,
              guint      *n_bits,
              guint       code,
              guint       bits)
{
  *acc |= (guint32) code << *n_bits;
  *n_bits += bits;
  while (*n_bits >= 8)
    {
      guint8 byte = *acc & 0xff;

      g_byte_array_append (data, &byte, 1);
      *acc >>= 8;
      *n_bits -= 8;
    }
}

GBytes *
veil_test_animated_gif (guint width,
                        guint height)
{
  static const guint8 palette[] = { 200, 40, 30, 30, 60, 210 };
  static const guint8 loop[] = { 0x21, 0xff, 0x0b, 'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E',
                                 '2', '.', '0', 0x03, 0x01, 0x00, 0x00, 0x00 };
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, (const guint8 *) "GIF89a", 6);
  put_le (out, width, 2);
  put_le (out, height, 2);
  put_le (out, 0x80, 1);  /* a global palette of two colours */
  put_le (out, 0, 2);
  g_byte_array_append (out, palette, sizeof palette);
  g_byte_array_append (out, loop, sizeof loop);
  for (guint frame = 0; frame < 2; frame++)
    {
      g_autoptr(GByteArray) lzw = g_byte_array_new ();
      guint32 acc = 0;
      guint n_bits = 0;
      guint n = width * height;

      /* Graphic control: shown for 0.1 s, then replaced. */
      put_le (out, 0x21, 1);
      put_le (out, 0xf9, 1);
      put_le (out, 4, 1);
      put_le (out, 0x04, 1);
      put_le (out, 10, 2);
      put_le (out, 0, 2);
      /* The frame covers the whole picture. */
      put_le (out, 0x2c, 1);
      put_le (out, 0, 4);
      put_le (out, width, 2);
      put_le (out, height, 2);
      put_le (out, 0, 1);
      /* Minimum code size 2: clear is 4, end 5, codes 3 bits. A clear code before every second
       * pixel keeps the table from growing, so the codes stay 3 bits. */
      put_le (out, 2, 1);
      for (guint i = 0; i < n; i++)
        {
          guint x = i % width, y = i / width;

          if (i % 2 == 0)
            put_lzw_code (lzw, &acc, &n_bits, 4, 3);
          put_lzw_code (lzw, &acc, &n_bits, ((x / 4 + y / 4 + frame) & 1), 3);
        }
      put_lzw_code (lzw, &acc, &n_bits, 5, 3);
      if (n_bits > 0)
        put_lzw_code (lzw, &acc, &n_bits, 0, 8 - n_bits);
      for (guint off = 0; off < lzw->len; off += 255)
        {
          guint block = MIN (255u, lzw->len - off);

          put_le (out, block, 1);
          g_byte_array_append (out, lzw->data + off, block);
        }
      put_le (out, 0, 1);
    }
  put_le (out, 0x3b, 1);
  return g_byte_array_free_to_bytes (out);
}

static void
snapshot_dir (const char          *root,
              const char          *relative,
              VeilTestTreeFlags    flags,
              const char * const  *excluded,
              GHashTable          *table)
{
  g_autofree char *dir_path = relative[0] != '\0' ? g_build_filename (root, relative, NULL)
                                                  : g_strdup (root);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *rel = relative[0] != '\0' ? g_build_filename (relative, name, NULL)
                                                 : g_strdup (name);
      g_autofree char *path = g_build_filename (root, rel, NULL);
      gboolean skip = FALSE;
      GStatBuf st;

      for (guint i = 0; excluded != NULL && excluded[i] != NULL; i++)
        skip = skip || strcmp (excluded[i], rel) == 0;
      if (skip || g_lstat (path, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        {
          if (flags & VEIL_TEST_TREE_ALL)
            g_hash_table_insert (table, g_strdup (rel), g_strdup_printf ("dir %o", st.st_mode));
          snapshot_dir (root, rel, flags, excluded, table);
        }
      else if (S_ISREG (st.st_mode))
        {
          g_autofree char *sha = veil_test_file_sha256 (path);
          GString *value = g_string_new (NULL);

          if (flags & VEIL_TEST_TREE_ALL)
            g_string_append_printf (value, "file %o ", st.st_mode);
          g_string_append (value, sha != NULL ? sha : "unreadable");
          if (flags & VEIL_TEST_TREE_MTIME)
            g_string_append_printf (value, " %" G_GINT64_FORMAT ".%09ld", (gint64) st.st_mtime,
                                    (long) st.st_mtim.tv_nsec);
          g_hash_table_insert (table, g_strdup (rel), g_string_free (value, FALSE));
        }
      else if ((flags & VEIL_TEST_TREE_ALL) && S_ISLNK (st.st_mode))
        {
          g_autofree char *target = g_file_read_link (path, NULL);

          g_hash_table_insert (table, g_strdup (rel), g_strdup_printf ("link %s", target));
        }
      else if (flags & VEIL_TEST_TREE_ALL)
        g_hash_table_insert (table, g_strdup (rel), g_strdup_printf ("other %o", st.st_mode));
    }
}

GHashTable *
veil_test_tree_snapshot (const char          *root,
                         VeilTestTreeFlags    flags,
                         const char * const  *excluded)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  snapshot_dir (root, "", flags, excluded, table);
  return table;
}

void
veil_test_assert_same_tree (GHashTable *before,
                            GHashTable *after)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *now = g_hash_table_lookup (after, key);

      if (now == NULL)
        g_error ("“%s” disappeared", (const char *) key);
      if (strcmp (now, value) != 0)
        g_error ("“%s” changed: was %s, is %s", (const char *) key, (const char *) value, now);
    }
  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (before, key))
      g_error ("“%s” appeared (%s)", (const char *) key, (const char *) value);
}
