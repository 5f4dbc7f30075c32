/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "veil-confined.h"
#include "veil-error.h"
#include "veil-filter-decoy.h"
#include "veil-manifest-private.h"
#include "veil-protect-params.h"
#include "veil-paths.h"

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

/* A member of the given kind, or NULL when it is missing or of another kind (json-glib's own
 * getters warn on the wrong kind, and a manifest is outside data). */
static JsonObject *
get_object (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_TYPE (node) == JSON_NODE_OBJECT
         ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (JsonObject *object,
           const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_TYPE (node) == JSON_NODE_ARRAY
         ? json_node_get_array (node) : NULL;
}

static gboolean
incomplete (GError    **error,
            const char *path)
{
  return _veil_manifest_damaged (error, path, _("a file entry is incomplete"));
}

/* @name's boolean when present; @out is left as it is when absent. FALSE for another type. */
static gboolean
get_optional_boolean (JsonObject *object,
                      const char *name,
                      gboolean   *out)
{
  JsonNode *node;

  if (!json_object_has_member (object, name))
    return TRUE;
  node = json_object_get_member (object, name);
  if (json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  *out = json_node_get_boolean (node);
  return TRUE;
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

/* A name's exact bytes from base64; NULL when empty or holding a NUL. */
static char *
decode_raw (const char *raw)
{
  gsize len;
  g_autofree guchar *bytes = g_base64_decode (raw, &len);
  char *name = g_malloc (len + 1);

  memcpy (name, bytes, len);
  name[len] = '\0';
  if (strlen (name) != len || len == 0)
    {
      g_free (name);
      return NULL;
    }
  return name;
}

/* The raw bytes of a path member: from "<member>_raw" when present. */
static char *
get_path (JsonObject *object,
          const char *member)
{
  g_autofree char *raw_member = g_strconcat (member, "_raw", NULL);
  const char *raw = _veil_manifest_get_string (object, raw_member);

  if (raw != NULL)
    return decode_raw (raw);
  return g_strdup (_veil_manifest_get_string (object, member));
}

/* The class names: "classes", or their exact bytes from "classes_raw" when a name is not valid
 * UTF-8 (see add_classes() in veil-manifest-write.c). */
static GStrv
get_classes (JsonObject *root)
{
  JsonArray *classes = get_array (root, "classes");
  JsonArray *raw = get_array (root, "classes_raw");
  guint n;
  g_auto(GStrv) names = NULL;

  if (classes == NULL || (json_object_has_member (root, "classes_raw") && raw == NULL))
    return NULL;
  n = json_array_get_length (classes);
  if (raw != NULL && json_array_get_length (raw) != n)
    return NULL;
  names = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (raw != NULL ? raw : classes, i);

      if (json_node_get_value_type (node) != G_TYPE_STRING)
        return NULL;
      names[i] = raw != NULL ? decode_raw (json_node_get_string (node))
                             : g_strdup (json_node_get_string (node));
      /* A class is a folder name. */
      if (names[i] == NULL || !veil_confined_check_relative (names[i], NULL)
          || strchr (names[i], '/') != NULL)
        return NULL;
    }
  return g_steal_pointer (&names);
}

gboolean
_veil_manifest_parse_header (JsonObject   *root,
                             const char   *format,
                             VeilManifest *manifest)
{
  JsonObject *tool, *parameters, *key, *shard;
  const char *text;
  gint64 value;

  if (g_strcmp0 (_veil_manifest_get_string (root, "format"), format) != 0
      || !get_int (root, "version", VEIL_MANIFEST_FORMAT_VERSION, VEIL_MANIFEST_FORMAT_VERSION,
                   &value))
    return FALSE;

  tool = get_object (root, "tool");
  parameters = get_object (root, "parameters");
  key = get_object (root, "key");
  if (tool == NULL || parameters == NULL || key == NULL)
    return FALSE;

  manifest->tool_version = g_strdup (_veil_manifest_get_string (tool, "version"));
  if (manifest->tool_version == NULL)
    return FALSE;

  if (!get_int (parameters, "k", VEIL_KERNEL_SIZE_MIN, VEIL_KERNEL_SIZE_MAX, &value)
      || value % 2 == 0)
    return FALSE;
  manifest->k = (guint) value;
  /* The ranges an export accepts (veil_export_run()). */
  if (!get_double (parameters, "pb", &manifest->pb)
      || !get_double (parameters, "mix", &manifest->mix)
      || !(manifest->pb > 0.0 && manifest->pb <= 1.0)
      || !(manifest->mix >= 0.0 && manifest->mix <= 1.0))
    return FALSE;
  text = _veil_manifest_get_string (parameters, "training_res");
  if (g_strcmp0 (text, "native") == 0)
    manifest->training_res = VEIL_TRAINING_RES_NATIVE;
  else if (get_int (parameters, "training_res", 1, G_MAXINT, &value))
    manifest->training_res = (guint) value;
  else
    return FALSE;
  /* Absent in manifests written before echo filters existed: the paper's blur. */
  text = _veil_manifest_get_string (parameters, "filters");
  if (text == NULL && json_object_has_member (parameters, "filters"))
    return FALSE;
  manifest->kind = VEIL_FILTER_KIND_BLUR;
  if (text != NULL && !veil_filter_kind_from_string (text, &manifest->kind))
    return FALSE;
  if (manifest->kind == VEIL_FILTER_KIND_ECHO
      && manifest->k < _veil_manifest_echo_k_min (manifest->tool_version))
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
  if (!get_optional_boolean (parameters, "copy_other", &manifest->copy_other))
    return FALSE;
  /* Absent in manifests written before the decoy existed: they had none. */
  manifest->decoy = FALSE;
  if (!get_optional_boolean (parameters, "decoy", &manifest->decoy))
    return FALSE;

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

  manifest->classes = get_classes (root);
  if (manifest->classes == NULL)
    return FALSE;
  if (manifest->decoy && veil_filter_decoy_plan (TRUE, manifest->key_kind,
                                                 g_strv_length (manifest->classes))
                           != VEIL_DECOY_CHOSEN)
    return FALSE;

  shard = get_object (root, "shard");
  if (json_object_has_member (root, "shard") && shard == NULL)
    return FALSE;
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

/* Whether @name (a "source", "output" or "class" read from the file) is a plain path inside
 * its folder, and for a class a single folder name; otherwise @file is damaged, the entry named. */
static gboolean
check_confined (const char  *file,
                const char  *name,
                gboolean     single_component,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!veil_confined_check_relative (name, &local_error))
    return _veil_manifest_damaged (error, file, local_error->message);
  if (single_component && strchr (name, '/') != NULL)
    {
      g_autofree char *display = veil_paths_display (name);
      g_autofree char *what = g_strdup_printf (_("the class “%s” is not a folder name"),
                                               display);

      return _veil_manifest_damaged (error, file, what);
    }
  return TRUE;
}

VeilManifestEntry *
_veil_manifest_parse_entry (JsonObject  *object,
                            gboolean     is_image,
                            const char  *path,
                            GError     **error)
{
  g_autoptr(VeilManifestEntry) entry = veil_manifest_entry_new ();
  gint64 index;

  entry->is_image = is_image;
  if (!get_int (object, "index", 0, G_MAXUINT32, &index))
    return incomplete (error, path), NULL;
  entry->index = (guint) index;
  entry->source = get_path (object, "source");
  if (entry->source == NULL
      || !_veil_manifest_status_from_string (_veil_manifest_get_string (object, "status"),
                                             &entry->status))
    return incomplete (error, path), NULL;
  entry->class_name = get_path (object, "class");
  entry->reason = g_strdup (_veil_manifest_get_string (object, "reason"));
  if (json_object_has_member (object, "output"))
    {
      entry->output = get_path (object, "output");
      if (entry->output == NULL)
        return incomplete (error, path), NULL;
    }
  entry->sha256 = g_strdup (_veil_manifest_get_string (object, "sha256"));
  entry->message = g_strdup (_veil_manifest_get_string (object,
                                                        entry->status == VEIL_MANIFEST_STATUS_FAILED
                                                        ? "error" : "message"));
  if ((entry->output == NULL) != (entry->sha256 == NULL))
    return incomplete (error, path), NULL;
  /* Every path is used below INPUT or OUTPUT: one that leads out of them is an attack or
   * damage, never something to open. */
  if (!check_confined (path, entry->source, FALSE, error)
      || (entry->output != NULL && !check_confined (path, entry->output, FALSE, error))
      || (entry->class_name != NULL && !check_confined (path, entry->class_name, TRUE, error)))
    return NULL;
  if (json_object_has_member (object, "source_size")
      || json_object_has_member (object, "source_mtime"))
    {
      gint64 size, mtime;

      if (!get_int (object, "source_size", 0, G_MAXINT64, &size)
          || !get_int (object, "source_mtime", G_MININT64, G_MAXINT64, &mtime))
        return incomplete (error, path), NULL;
      entry->has_source_stat = TRUE;
      entry->source_size = (guint64) size;
      entry->source_mtime_ns = mtime;
    }
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
parse_entries (JsonObject    *root,
               const char    *member,
               gboolean       is_image,
               VeilManifest  *manifest,
               const char    *path,
               GError       **error)
{
  JsonArray *array = get_array (root, member);

  if (array == NULL)
    return incomplete (error, path);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      VeilManifestEntry *entry;

      if (JSON_NODE_TYPE (node) != JSON_NODE_OBJECT)
        return incomplete (error, path);
      entry = _veil_manifest_parse_entry (json_node_get_object (node), is_image, path, error);
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
  g_autoptr(GString) data = g_string_new (NULL);
  char buffer[64 * 1024];
  int fd;

  /* A manifest replaced by a FIFO or a device must not hang the reader or feed it forever. */
  fd = veil_open_regular (path, &local_error);
  if (fd < 0)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST, "%s", local_error->message);
      return FALSE;
    }
  for (;;)
    {
      gssize n = read (fd, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;
          g_autofree char *display = g_filename_display_name (path);

          close (fd);
          g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST, _("Could not read “%s”: %s"),
                       display, g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0)
        break;
      g_string_append_len (data, buffer, n);
    }
  close (fd);
  *out_length = data->len;
  *out_data = g_string_free (g_steal_pointer (&data), FALSE);
  return TRUE;
}

VeilManifest *
_veil_manifest_load_data (const char  *path,
                          const char  *data,
                          gsize        length,
                          GError     **error)
{
  g_autoptr(VeilManifest) manifest = veil_manifest_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  root = _veil_manifest_parse_object (parser, data, (gssize) length);
  if (root == NULL)
    return _veil_manifest_damaged (error, path, _("not valid JSON")), NULL;
  if (!_veil_manifest_parse_header (root, VEIL_MANIFEST_FORMAT, manifest))
    return _veil_manifest_damaged (error, path, _("unknown format or settings")), NULL;
  if (!parse_entries (root, "images", TRUE, manifest, path, error)
      || !parse_entries (root, "other", FALSE, manifest, path, error))
    return NULL;
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

VeilManifest *
veil_manifest_load (const char  *path,
                    GError     **error)
{
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);

  if (!_veil_manifest_read_contents (path, &data, &length, error))
    return NULL;
  return _veil_manifest_load_data (path, data, length, error);
}
