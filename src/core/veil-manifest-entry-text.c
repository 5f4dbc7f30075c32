/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

/* One manifest or journal entry as JSON text, written directly instead of through a JsonBuilder
 * tree and a JsonGenerator: an export writes one journal line per file on the thread that
 * collects the workers' results, and the finished manifest lists every file, which json-glib
 * built as a hash table per entry (a tenth of a second for 10 000 small images, during which
 * nothing else runs). The text is byte for byte what json-glib's generator makes of the same
 * members (test-manifest checks it): a string of plain printable ASCII is copied as it is, any
 * other goes through json-glib's own escaping. */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "veil-manifest-private.h"

/* Whether json-glib writes @text as it is between quotes: printable ASCII but '"' and '\'. */
static gboolean
is_plain_ascii (const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\')
      return FALSE;
  return TRUE;
}

static void
append_string_value (GString    *out,
                     const char *text)
{
  if (is_plain_ascii (text))
    {
      g_string_append_c (out, '"');
      g_string_append (out, text);
      g_string_append_c (out, '"');
      return;
    }
  {
    g_autoptr(JsonGenerator) generator = json_generator_new ();
    g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);

    json_generator_set_root (generator, node);
    json_generator_to_gstring (generator, out);
  }
}

/* Where the members of one object go: compact (level < 0) or indented as json-glib's pretty
 * generator with an indent of 2 does at @level. */
typedef struct {
  GString *out;
  int      level;
  guint    n_members;
} ObjectText;

static void
append_indent (GString *out,
               int      level)
{
  for (int i = 0; i < level * 2; i++)
    g_string_append_c (out, ' ');
}

static void
begin_member (ObjectText *object,
              const char *name)
{
  if (object->n_members > 0)
    g_string_append_c (object->out, ',');
  if (object->level >= 0)
    {
      g_string_append_c (object->out, '\n');
      append_indent (object->out, object->level + 1);
    }
  object->n_members++;
  g_string_append_c (object->out, '"');
  g_string_append (object->out, name);
  g_string_append (object->out, object->level >= 0 ? "\" : " : "\":");
}

static void
add_string (ObjectText *object,
            const char *name,
            const char *value)
{
  if (value == NULL)
    return;
  begin_member (object, name);
  if (g_utf8_validate (value, -1, NULL))
    append_string_value (object->out, value);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);
      append_string_value (object->out, valid);
    }
}

/* A file-system name: as UTF-8 text, and when it is not valid UTF-8, its exact bytes in base64
 * as "<name>_raw" too, so that a resume finds the same file. */
static void
add_path (ObjectText *object,
          const char *name,
          const char *raw)
{
  g_autofree char *raw_name = NULL;
  g_autofree char *encoded = NULL;

  add_string (object, name, raw);
  if (g_utf8_validate (raw, -1, NULL))
    return;
  raw_name = g_strconcat (name, "_raw", NULL);
  encoded = g_base64_encode ((const guchar *) raw, strlen (raw));
  add_string (object, raw_name, encoded);
}

static void
add_int (ObjectText *object,
         const char *name,
         gint64      value)
{
  begin_member (object, name);
  g_string_append_printf (object->out, "%" G_GINT64_FORMAT, value);
}

static void
add_notes (ObjectText     *object,
           VeilImageNotes  notes)
{
  guint n = 0;

  begin_member (object, "notes");
  g_string_append_c (object->out, '[');
  for (guint i = 0; i < G_N_ELEMENTS (_veil_manifest_note_names); i++)
    {
      if (!(notes & _veil_manifest_note_names[i].note))
        continue;
      if (n++ > 0)
        g_string_append_c (object->out, ',');
      if (object->level >= 0)
        {
          g_string_append_c (object->out, '\n');
          append_indent (object->out, object->level + 2);
        }
      append_string_value (object->out, _veil_manifest_note_names[i].name);
    }
  if (object->level >= 0 && n > 0)
    {
      g_string_append_c (object->out, '\n');
      append_indent (object->out, object->level + 1);
    }
  g_string_append_c (object->out, ']');
}

void
_veil_manifest_append_entry (GString                 *out,
                             const VeilManifestEntry *entry,
                             gboolean                 for_journal,
                             int                      level)
{
  ObjectText object = { .out = out, .level = level };

  g_string_append_c (out, '{');
  if (for_journal)
    add_string (&object, "list", entry->is_image ? "images" : "other");
  add_int (&object, "index", entry->index);
  add_path (&object, "source", entry->source);
  if (entry->is_image && entry->class_name != NULL)
    add_path (&object, "class", entry->class_name);
  else
    add_string (&object, "reason", entry->reason);
  add_string (&object, "status", veil_manifest_status_to_string (entry->status));
  if (entry->output != NULL)
    add_path (&object, "output", entry->output);
  add_string (&object, "sha256", entry->sha256);
  add_string (&object, entry->status == VEIL_MANIFEST_STATUS_FAILED ? "error" : "message",
              entry->message);
  if (entry->notes != 0)
    add_notes (&object, entry->notes);
  if (entry->has_source_stat)
    {
      add_int (&object, "source_size", (gint64) MIN (entry->source_size, (guint64) G_MAXINT64));
      add_int (&object, "source_mtime", entry->source_mtime_ns);
    }
  if (level >= 0)
    {
      g_string_append_c (out, '\n');
      append_indent (out, level);
    }
  g_string_append_c (out, '}');
}

void
_veil_manifest_append_entries (GString   *out,
                               GPtrArray *entries,
                               int        level)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < entries->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '\n');
      append_indent (out, level + 1);
      _veil_manifest_append_entry (out, g_ptr_array_index (entries, i), FALSE, level + 1);
    }
  if (entries->len > 0)
    {
      g_string_append_c (out, '\n');
      append_indent (out, level);
    }
  g_string_append_c (out, ']');
}
