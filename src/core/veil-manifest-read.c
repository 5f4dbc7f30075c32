/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "veil-error.h"
#include "veil-manifest-private.h"

/* Reading a manifest, and the parsing of headers and entries the journal shares. */

gboolean
_veil_manifest_damaged (GError    **error,
                        const char *path,
                        const char *what)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
               _("“%s” is not a Veil manifest or is damaged (%s)"), display, what);
  return FALSE;
}

const char *
_veil_manifest_get_string (JsonObject *object,
                           const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
get_int (JsonObject *object,
         const char *member,
         gint64      min,
         gint64      max,
         gint64     *out)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return *out >= min && *out <= max;
}

static gboolean
get_double (JsonObject *object,
            const char *member,
            double     *out)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else if (json_node_get_value_type (node) == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else
    return FALSE;
  return TRUE;
}

/* The raw bytes of a path member: from "<member>_raw" when present. */
static char *
get_path (JsonObject *object,
          const char *member)
{
  g_autofree char *raw_member = g_strconcat (member, "_raw", NULL);
  const char *raw = _veil_manifest_get_string (object, raw_member);
  const char *text = _veil_manifest_get_string (object, member);

  if (raw != NULL)
    {
      gsize len;
      guchar *bytes = g_base64_decode (raw, &len);
      char *path = g_malloc (len + 1);

      memcpy (path, bytes, len);
      path[len] = '\0';
      g_free (bytes);
      if (strlen (path) != len || len == 0)
        {
          g_free (path);
          return NULL;
        }
      return path;
    }
  return g_strdup (text);
}

gboolean
_veil_manifest_parse_header (JsonObject   *root,
                             const char   *format,
                             VeilManifest *manifest)
{
  JsonObject *tool, *parameters, *key, *shard;
  JsonArray *classes;
  const char *text;
  gint64 value;

  if (g_strcmp0 (_veil_manifest_get_string (root, "format"), format) != 0
      || !get_int (root, "version", VEIL_MANIFEST_FORMAT_VERSION, VEIL_MANIFEST_FORMAT_VERSION,
                   &value))
    return FALSE;

  tool = json_object_get_object_member (root, "tool");
  parameters = json_object_get_object_member (root, "parameters");
  key = json_object_get_object_member (root, "key");
  classes = json_object_get_array_member (root, "classes");
  if (tool == NULL || parameters == NULL || key == NULL || classes == NULL)
    return FALSE;

  manifest->tool_version = g_strdup (_veil_manifest_get_string (tool, "version"));
  if (manifest->tool_version == NULL)
    return FALSE;

  if (!get_int (parameters, "k", 1, 1000, &value))
    return FALSE;
  manifest->k = (guint) value;
  if (!get_double (parameters, "pb", &manifest->pb)
      || !get_double (parameters, "mix", &manifest->mix))
    return FALSE;
  text = _veil_manifest_get_string (parameters, "training_res");
  if (g_strcmp0 (text, "native") == 0)
    manifest->training_res = VEIL_TRAINING_RES_NATIVE;
  else if (get_int (parameters, "training_res", 1, G_MAXINT, &value))
    manifest->training_res = (guint) value;
  else
    return FALSE;
  /* Absent in manifests written before the option existed: they did not keep detail. */
  manifest->keep_detail = json_object_get_boolean_member_with_default (parameters, "keep_detail",
                                                                       FALSE);
  text = _veil_manifest_get_string (parameters, "format");
  if (g_strcmp0 (text, "png") == 0)
    manifest->format = VEIL_OUTPUT_FORMAT_PNG;
  else if (g_strcmp0 (text, "keep") == 0)
    manifest->format = VEIL_OUTPUT_FORMAT_KEEP;
  else
    return FALSE;
  if (!get_int (parameters, "jpeg_quality", 1, 100, &value))
    return FALSE;
  manifest->jpeg_quality = (int) value;
  manifest->copy_other = json_object_get_boolean_member_with_default (parameters, "copy_other",
                                                                      FALSE);

  text = _veil_manifest_get_string (key, "kind");
  if (g_strcmp0 (text, "seed") == 0)
    manifest->key_kind = VEIL_KEY_KIND_SEED;
  else if (g_strcmp0 (text, "secret") == 0)
    manifest->key_kind = VEIL_KEY_KIND_SECRET;
  else
    return FALSE;
  manifest->key_fingerprint = g_strdup (_veil_manifest_get_string (key, "fingerprint"));
  if (manifest->key_fingerprint == NULL)
    return FALSE;

  manifest->classes = g_new0 (char *, json_array_get_length (classes) + 1);
  for (guint i = 0; i < json_array_get_length (classes); i++)
    {
      JsonNode *node = json_array_get_element (classes, i);

      if (json_node_get_value_type (node) != G_TYPE_STRING)
        return FALSE;
      manifest->classes[i] = g_strdup (json_node_get_string (node));
    }

  shard = json_object_has_member (root, "shard")
          ? json_object_get_object_member (root, "shard") : NULL;
  if (shard != NULL)
    {
      gint64 index, count;

      if (!get_int (shard, "count", 2, G_MAXINT, &count)
          || !get_int (shard, "index", 1, count, &index))
        return FALSE;
      manifest->shard_index = (guint) index - 1;
      manifest->shard_count = (guint) count;
    }
  return TRUE;
}

VeilManifestEntry *
_veil_manifest_parse_entry (JsonObject *object,
                            gboolean    is_image)
{
  g_autoptr(VeilManifestEntry) entry = veil_manifest_entry_new ();
  gint64 index;

  entry->is_image = is_image;
  if (!get_int (object, "index", 0, G_MAXUINT32, &index))
    return NULL;
  entry->index = (guint) index;
  entry->source = get_path (object, "source");
  if (entry->source == NULL
      || !_veil_manifest_status_from_string (_veil_manifest_get_string (object, "status"),
                                             &entry->status))
    return NULL;
  entry->class_name = g_strdup (_veil_manifest_get_string (object, "class"));
  entry->reason = g_strdup (_veil_manifest_get_string (object, "reason"));
  if (json_object_has_member (object, "output"))
    {
      entry->output = get_path (object, "output");
      if (entry->output == NULL)
        return NULL;
    }
  entry->sha256 = g_strdup (_veil_manifest_get_string (object, "sha256"));
  entry->message = g_strdup (_veil_manifest_get_string (object,
                                                        entry->status == VEIL_MANIFEST_STATUS_FAILED
                                                        ? "error" : "message"));
  if ((entry->output == NULL) != (entry->sha256 == NULL))
    return NULL;
  if (json_object_has_member (object, "notes"))
    {
      JsonNode *node = json_object_get_member (object, "notes");
      JsonArray *notes = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

      for (guint i = 0; notes != NULL && i < json_array_get_length (notes); i++)
        {
          JsonNode *element = json_array_get_element (notes, i);
          const char *name = json_node_get_value_type (element) == G_TYPE_STRING
                             ? json_node_get_string (element) : NULL;

          /* Notes a newer Veil writes and this one does not know are left out. */
          for (guint n = 0; name != NULL && n < G_N_ELEMENTS (_veil_manifest_note_names); n++)
            if (g_str_equal (name, _veil_manifest_note_names[n].name))
              entry->notes |= _veil_manifest_note_names[n].note;
        }
    }
  return g_steal_pointer (&entry);
}

static gboolean
parse_entries (JsonObject   *root,
               const char   *member,
               gboolean      is_image,
               VeilManifest *manifest)
{
  JsonArray *array = json_object_get_array_member (root, member);

  if (array == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      VeilManifestEntry *entry = object != NULL ? _veil_manifest_parse_entry (object, is_image)
                                                : NULL;

      if (entry == NULL)
        return FALSE;
      veil_manifest_add (manifest, entry);
    }
  return TRUE;
}

JsonObject *
_veil_manifest_parse_object (JsonParser *parser,
                             const char *data,
                             gssize      length)
{
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, length, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || JSON_NODE_TYPE (root) != JSON_NODE_OBJECT)
    return NULL;
  return json_node_get_object (root);
}

gboolean
_veil_manifest_read_contents (const char  *path,
                              char       **out_data,
                              gsize       *out_length,
                              GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_file_get_contents (path, out_data, out_length, &local_error))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST, "%s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

VeilManifest *
veil_manifest_load (const char  *path,
                    GError     **error)
{
  g_autoptr(VeilManifest) manifest = veil_manifest_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *data = NULL;
  gsize length;
  JsonObject *root;

  g_return_val_if_fail (path != NULL, NULL);

  if (!_veil_manifest_read_contents (path, &data, &length, error))
    return NULL;
  root = _veil_manifest_parse_object (parser, data, (gssize) length);
  if (root == NULL)
    return _veil_manifest_damaged (error, path, _("not valid JSON")), NULL;
  if (!_veil_manifest_parse_header (root, VEIL_MANIFEST_FORMAT, manifest))
    return _veil_manifest_damaged (error, path, _("unknown format or settings")), NULL;
  if (!parse_entries (root, "images", TRUE, manifest)
      || !parse_entries (root, "other", FALSE, manifest))
    return _veil_manifest_damaged (error, path, _("a file entry is incomplete")), NULL;
  /* Kept as it is, so that loading and saving a manifest keeps its report. */
  if (json_object_has_member (root, "survival"))
    {
      JsonNode *survival = json_object_get_member (root, "survival");

      if (JSON_NODE_TYPE (survival) != JSON_NODE_OBJECT)
        return _veil_manifest_damaged (error, path, _("the survival report is not an object")),
               NULL;
      manifest->survival = json_node_copy (survival);
    }
  veil_manifest_sort (manifest);
  return g_steal_pointer (&manifest);
}
