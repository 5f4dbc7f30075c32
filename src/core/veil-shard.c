/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "veil-error.h"
#include "veil-export.h"
#include "veil-shard.h"

#define MANIFEST_STEM "veil-manifest"

guint
veil_shard_of_path (const char *relative_path,
                    guint       shard_count)
{
  g_autoptr(GChecksum) checksum = NULL;
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  guint64 h = 0;

  g_return_val_if_fail (relative_path != NULL, 0);

  if (shard_count <= 1)
    return 0;

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) relative_path, strlen (relative_path));
  g_checksum_get_digest (checksum, digest, &digest_len);
  for (guint i = 0; i < 8; i++)
    h = (h << 8) | digest[i];
  return (guint) (h % shard_count);
}

static gboolean
parse_uint (const char  *text,
            const char **end,
            guint       *out)
{
  char *stop = NULL;
  guint64 value;

  if (!g_ascii_isdigit (*text))
    return FALSE;
  value = g_ascii_strtoull (text, &stop, 10);
  if (value == 0 || value > 1000000)
    return FALSE;
  *end = stop;
  *out = (guint) value;
  return TRUE;
}

gboolean
veil_shard_parse (const char  *text,
                  guint       *out_index,
                  guint       *out_count,
                  GError     **error)
{
  const char *p = text;
  guint index, count;

  g_return_val_if_fail (text != NULL, FALSE);

  if (!parse_uint (p, &p, &index) || *p != '/' || !parse_uint (p + 1, &p, &count) || *p != '\0'
      || index > count)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a shard: write I/N with 1 ≤ I ≤ N, for example 2/8"), text);
      return FALSE;
    }
  if (out_index != NULL)
    *out_index = index - 1;
  if (out_count != NULL)
    *out_count = count;
  return TRUE;
}

char *
veil_shard_manifest_name (guint shard_index,
                          guint shard_count)
{
  if (shard_count <= 1)
    return g_strdup (VEIL_MANIFEST_NAME);
  return g_strdup_printf (MANIFEST_STEM ".shard-%u-of-%u.json", shard_index + 1, shard_count);
}

char *
veil_shard_journal_name (guint shard_index,
                         guint shard_count)
{
  if (shard_count <= 1)
    return g_strdup (MANIFEST_STEM ".journal");
  return g_strdup_printf (MANIFEST_STEM ".shard-%u-of-%u.journal", shard_index + 1, shard_count);
}

static gboolean
is_name_with_suffix (const char *name,
                     const char *suffix)
{
  g_autofree char *plain = g_strconcat (MANIFEST_STEM, suffix, NULL);
  const char *p;
  guint index, count;

  if (strcmp (name, plain) == 0)
    return TRUE;
  if (!g_str_has_prefix (name, MANIFEST_STEM ".shard-"))
    return FALSE;
  p = name + strlen (MANIFEST_STEM ".shard-");
  if (!parse_uint (p, &p, &index) || !g_str_has_prefix (p, "-of-"))
    return FALSE;
  if (!parse_uint (p + 4, &p, &count) || index > count)
    return FALSE;
  return strcmp (p, suffix) == 0;
}

gboolean
veil_shard_is_manifest_name (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);
  return is_name_with_suffix (name, ".json");
}

gboolean
veil_shard_is_journal_name (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);
  return is_name_with_suffix (name, ".journal");
}
