/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "veil-error.h"
#include "veil-manifest-private.h"

/* The journal's format: a header line, then one line per finished file appended as the export
 * goes, so that an interrupted export can resume. This file makes those lines and reads a
 * journal back; veil-export-journal-writer.c appends them to the file on disk. */

char *
veil_manifest_journal_header (const VeilManifest *manifest)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (manifest != NULL, NULL);

  json_builder_begin_object (builder);
  _veil_manifest_build_header (builder, manifest, VEIL_MANIFEST_JOURNAL_FORMAT);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return _veil_manifest_node_to_data (root, manifest, NULL, FALSE, NULL);
}

char *
veil_manifest_journal_entry (const VeilManifestEntry *entry)
{
  GString *line = g_string_sized_new (256);

  g_return_val_if_fail (entry != NULL, NULL);

  _veil_manifest_append_entry (line, entry, TRUE, -1);
  g_string_append_c (line, '\n');
  return g_string_free (line, FALSE);
}

VeilManifest *
_veil_manifest_load_journal_data (const char  *path,
                                  const char  *data,
                                  gsize        length,
                                  GError     **error)
{
  g_autoptr(VeilManifest) manifest = veil_manifest_new ();
  const char *line;
  const char *end;
  gboolean have_header = FALSE;

  /* Only complete lines count: the last one may have been cut short by a crash. */
  for (line = data; (end = memchr (line, '\n', length - (gsize) (line - data))) != NULL;
       line = end + 1)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *object;

      if (end == line)
        continue;
      object = _veil_manifest_parse_object (parser, line, end - line);
      if (object == NULL)
        return _veil_manifest_damaged (error, path, _("a line is not valid JSON")), NULL;
      if (!have_header)
        {
          if (!_veil_manifest_parse_header (object, VEIL_MANIFEST_JOURNAL_FORMAT, manifest))
            return _veil_manifest_damaged (error, path, _("unknown format or settings")), NULL;
          have_header = TRUE;
        }
      else
        {
          const char *list = _veil_manifest_get_string (object, "list");
          VeilManifestEntry *entry = NULL;

          if (g_strcmp0 (list, "images") != 0 && g_strcmp0 (list, "other") != 0)
            return _veil_manifest_damaged (error, path, _("a file entry is incomplete")), NULL;
          entry = _veil_manifest_parse_entry (object, g_strcmp0 (list, "images") == 0, path,
                                              error);
          if (entry == NULL)
            return NULL;
          veil_manifest_add (manifest, entry);
        }
    }
  if (!have_header)
    return _veil_manifest_damaged (error, path, _("no header")), NULL;
  return g_steal_pointer (&manifest);
}

VeilManifest *
veil_manifest_load_journal (const char  *path,
                            GError     **error)
{
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);

  if (!_veil_manifest_read_contents (path, &data, &length, error))
    return NULL;
  return _veil_manifest_load_journal_data (path, data, length, error);
}
