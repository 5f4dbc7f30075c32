/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "veil-error.h"
#include "veil-manifest.h"

#define MANIFEST_FORMAT "veil-manifest"
#define JOURNAL_FORMAT "veil-journal"
#define FORMAT_VERSION 1
#define PB_PLACEHOLDER "@pb@"
#define MIX_PLACEHOLDER "@mix@"
#define NUMBER_PLACEHOLDER "@veil-number-"

static const char *status_names[] = {
  [VEIL_MANIFEST_STATUS_PROTECTED] = "protected",
  [VEIL_MANIFEST_STATUS_UNCHANGED] = "unchanged",
  [VEIL_MANIFEST_STATUS_FAILED] = "failed",
  [VEIL_MANIFEST_STATUS_COPIED] = "copied",
  [VEIL_MANIFEST_STATUS_SKIPPED] = "skipped",
};

VeilManifestEntry *
veil_manifest_entry_new (void)
{
  return g_new0 (VeilManifestEntry, 1);
}

VeilManifestEntry *
veil_manifest_entry_copy (const VeilManifestEntry *entry)
{
  VeilManifestEntry *copy;

  g_return_val_if_fail (entry != NULL, NULL);

  copy = g_new0 (VeilManifestEntry, 1);
  *copy = *entry;
  copy->source = g_strdup (entry->source);
  copy->class_name = g_strdup (entry->class_name);
  copy->output = g_strdup (entry->output);
  copy->sha256 = g_strdup (entry->sha256);
  copy->reason = g_strdup (entry->reason);
  copy->message = g_strdup (entry->message);
  return copy;
}

void
veil_manifest_entry_free (VeilManifestEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->source);
  g_free (entry->class_name);
  g_free (entry->output);
  g_free (entry->sha256);
  g_free (entry->reason);
  g_free (entry->message);
  g_free (entry);
}

const char *
veil_manifest_status_to_string (VeilManifestStatus status)
{
  g_return_val_if_fail (status <= VEIL_MANIFEST_STATUS_SKIPPED, NULL);
  return status_names[status];
}

static gboolean
status_from_string (const char         *text,
                    VeilManifestStatus *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    if (g_strcmp0 (text, status_names[i]) == 0)
      {
        *out = (VeilManifestStatus) i;
        return TRUE;
      }
  return FALSE;
}

VeilManifest *
veil_manifest_new (void)
{
  VeilManifest *manifest = g_new0 (VeilManifest, 1);

  manifest->images = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_manifest_entry_free);
  manifest->other = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_manifest_entry_free);
  return manifest;
}

void
veil_manifest_free (VeilManifest *manifest)
{
  if (manifest == NULL)
    return;
  g_free (manifest->tool_version);
  g_free (manifest->key_fingerprint);
  g_strfreev (manifest->classes);
  g_ptr_array_unref (manifest->images);
  g_ptr_array_unref (manifest->other);
  g_clear_pointer (&manifest->survival, json_node_unref);
  g_free (manifest);
}

void
veil_manifest_add (VeilManifest      *manifest,
                   VeilManifestEntry *entry)
{
  g_return_if_fail (manifest != NULL);
  g_return_if_fail (entry != NULL);

  g_ptr_array_add (entry->is_image ? manifest->images : manifest->other, entry);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const VeilManifestEntry *ea = *(VeilManifestEntry * const *) a;
  const VeilManifestEntry *eb = *(VeilManifestEntry * const *) b;

  return ea->index < eb->index ? -1 : ea->index > eb->index ? 1 : 0;
}

static void
sort_unique (GPtrArray *entries)
{
  guint out = 0;

  /* A stable sort keeps duplicates in the order they were added: the last one wins. */
  g_ptr_array_sort (entries, compare_entries);
  for (guint i = 0; i < entries->len; i++)
    {
      VeilManifestEntry *entry = g_ptr_array_index (entries, i);

      if (i + 1 < entries->len
          && ((VeilManifestEntry *) g_ptr_array_index (entries, i + 1))->index == entry->index)
        {
          veil_manifest_entry_free (entry);
          continue;
        }
      entries->pdata[out++] = entry;
    }
  /* The pointers past @out were moved or freed above: drop them without the free func. */
  for (guint i = out; i < entries->len; i++)
    entries->pdata[i] = NULL;
  g_ptr_array_set_free_func (entries, NULL);
  g_ptr_array_set_size (entries, out);
  g_ptr_array_set_free_func (entries, (GDestroyNotify) veil_manifest_entry_free);
}

void
veil_manifest_sort (VeilManifest *manifest)
{
  g_return_if_fail (manifest != NULL);

  sort_unique (manifest->images);
  sort_unique (manifest->other);
}

/* Writing */

static void
add_path (JsonBuilder *builder,
          const char  *member,
          const char  *raw)
{
  json_builder_set_member_name (builder, member);
  if (g_utf8_validate (raw, -1, NULL))
    {
      json_builder_add_string_value (builder, raw);
      return;
    }
  {
    g_autofree char *display = g_utf8_make_valid (raw, -1);
    g_autofree char *raw_member = g_strconcat (member, "_raw", NULL);
    g_autofree char *encoded = g_base64_encode ((const guchar *) raw, strlen (raw));

    json_builder_add_string_value (builder, display);
    json_builder_set_member_name (builder, raw_member);
    json_builder_add_string_value (builder, encoded);
  }
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, member);
  if (g_utf8_validate (value, -1, NULL))
    json_builder_add_string_value (builder, value);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);
      json_builder_add_string_value (builder, valid);
    }
}

static void
add_int (JsonBuilder *builder,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

static void
build_entry (JsonBuilder             *builder,
             const VeilManifestEntry *entry,
             gboolean                 for_journal)
{
  json_builder_begin_object (builder);
  if (for_journal)
    add_string (builder, "list", entry->is_image ? "images" : "other");
  add_int (builder, "index", entry->index);
  add_path (builder, "source", entry->source);
  if (entry->is_image)
    add_string (builder, "class", entry->class_name);
  else
    add_string (builder, "reason", entry->reason);
  add_string (builder, "status", veil_manifest_status_to_string (entry->status));
  if (entry->output != NULL)
    add_path (builder, "output", entry->output);
  add_string (builder, "sha256", entry->sha256);
  add_string (builder, entry->status == VEIL_MANIFEST_STATUS_FAILED ? "error" : "message",
              entry->message);
  json_builder_end_object (builder);
}

static void
build_header (JsonBuilder        *builder,
              const VeilManifest *manifest,
              const char         *format)
{
  add_string (builder, "format", format);
  add_int (builder, "version", FORMAT_VERSION);

  json_builder_set_member_name (builder, "tool");
  json_builder_begin_object (builder);
  add_string (builder, "name", "veil");
  add_string (builder, "version", manifest->tool_version);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "parameters");
  json_builder_begin_object (builder);
  add_int (builder, "k", manifest->k);
  /* Placeholders, replaced by the numbers' shortest exact form: see node_to_data(). */
  add_string (builder, "pb", PB_PLACEHOLDER);
  add_string (builder, "mix", MIX_PLACEHOLDER);
  if (manifest->training_res == VEIL_TRAINING_RES_NATIVE)
    add_string (builder, "training_res", "native");
  else
    add_int (builder, "training_res", manifest->training_res);
  add_string (builder, "format", manifest->format == VEIL_OUTPUT_FORMAT_PNG ? "png" : "keep");
  add_int (builder, "jpeg_quality", manifest->jpeg_quality);
  json_builder_set_member_name (builder, "copy_other");
  json_builder_add_boolean_value (builder, manifest->copy_other);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "key");
  json_builder_begin_object (builder);
  add_string (builder, "kind", manifest->key_kind == VEIL_KEY_KIND_SEED ? "seed" : "secret");
  add_string (builder, "fingerprint", manifest->key_fingerprint);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "classes");
  json_builder_begin_array (builder);
  for (guint i = 0; manifest->classes != NULL && manifest->classes[i] != NULL; i++)
    json_builder_add_string_value (builder, manifest->classes[i]);
  json_builder_end_array (builder);

  if (manifest->shard_count > 1)
    {
      json_builder_set_member_name (builder, "shard");
      json_builder_begin_object (builder);
      add_int (builder, "index", manifest->shard_index + 1);
      add_int (builder, "count", manifest->shard_count);
      json_builder_end_object (builder);
    }
}

/* The shortest decimal text that reads back as exactly @value ("0.3", not json-glib's
 * "0.29999999999999999"), so that the manifest is pleasant to read and a resumed run, which
 * compares parameters bit for bit, sees the same numbers. */
static void
format_shortest (char   buffer[G_ASCII_DTOSTR_BUF_SIZE],
                 double value)
{
  for (int precision = 1; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buffer, G_ASCII_DTOSTR_BUF_SIZE, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        return;
    }
}

/* Replaces the first "@placeholder@" string token of @text by @value as a JSON number. The
 * parameters come before anything read from the file system, so the first match is ours. */
static void
substitute_number (GString    *text,
                   const char *placeholder,
                   double      value)
{
  g_autofree char *token = g_strconcat ("\"", placeholder, "\"", NULL);
  const char *found = strstr (text->str, token);
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_assert (found != NULL);
  format_shortest (number, value);
  g_string_erase (text, found - text->str, (gssize) strlen (token));
  g_string_insert (text, found - text->str, number);
}

/* Replaces every floating-point number under @node by a string placeholder
 * NUMBER_PLACEHOLDER "<i>@", its value appended to @numbers. */
static void
replace_numbers (JsonNode *node,
                 GArray   *numbers)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        /* In the order the generator writes them, that of insertion. (The ordered iterator of
         * json-glib 1.6 crashes.) */
        g_autoptr(GList) names = json_object_get_members (object);

        for (GList *l = names; l != NULL; l = l->next)
          replace_numbers (json_object_get_member (object, l->data), numbers);
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          replace_numbers (json_array_get_element (array, i), numbers);
      }
      break;
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
        {
          double value = json_node_get_double (node);
          g_autofree char *placeholder = g_strdup_printf (NUMBER_PLACEHOLDER "%u@", numbers->len);

          g_array_append_val (numbers, value);
          json_node_set_string (node, placeholder);
        }
      break;
    case JSON_NODE_NULL:
    default:
      break;
    }
}

static guint
count_occurrences (const char *text,
                   const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* The survival report's numbers in their shortest exact form too ("22.4", not json-glib's
 * "22.399999999999999"), through placeholders as for the parameters. A class named like a
 * placeholder would make them ambiguous: then the report keeps json-glib's form. */
static JsonNode *
survival_with_placeholders (JsonNode *survival,
                            GArray   *numbers)
{
  g_autofree char *plain = json_to_string (survival, FALSE);
  /* A deep copy (json_node_copy() shares objects), read back exactly: doubles are written
   * with 17 digits. */
  JsonNode *copy = json_from_string (plain, NULL);

  g_assert (copy != NULL);
  if (strstr (plain, NUMBER_PLACEHOLDER) == NULL)
    replace_numbers (copy, numbers);
  return copy;
}

/* @header: the manifest whose header @root holds, to fill in its numbers; NULL for an entry.
 * @numbers: the survival report's numbers, see survival_with_placeholders(); may be NULL. */
static char *
node_to_data (JsonNode           *root,
              const VeilManifest *header,
              GArray             *numbers,
              gboolean            pretty,
              gsize              *out_length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  GString *text;

  json_generator_set_pretty (generator, pretty);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  text = g_string_new (NULL);
  json_generator_to_gstring (generator, text);
  if (header != NULL)
    {
      substitute_number (text, PB_PLACEHOLDER, header->pb);
      substitute_number (text, MIX_PLACEHOLDER, header->mix);
    }
  if (numbers != NULL && numbers->len > 0)
    {
      /* One pass: a manifest of a million images is large, and the placeholders come in the
       * order they were made. */
      GString *out = g_string_sized_new (text->len);
      const char *rest = text->str;

      g_assert (count_occurrences (text->str, NUMBER_PLACEHOLDER) == numbers->len);
      for (guint i = 0; i < numbers->len; i++)
        {
          g_autofree char *token = g_strdup_printf ("\"" NUMBER_PLACEHOLDER "%u@\"", i);
          const char *found = strstr (rest, token);
          char number[G_ASCII_DTOSTR_BUF_SIZE];

          g_assert (found != NULL);
          format_shortest (number, g_array_index (numbers, double, i));
          g_string_append_len (out, rest, found - rest);
          g_string_append (out, number);
          rest = found + strlen (token);
        }
      g_string_append (out, rest);
      g_string_free (text, TRUE);
      text = out;
    }
  g_string_append_c (text, '\n');
  if (out_length != NULL)
    *out_length = text->len;
  return g_string_free (text, FALSE);
}

char *
veil_manifest_to_data (VeilManifest *manifest,
                       gsize        *out_length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint counts[G_N_ELEMENTS (status_names)] = { 0 };
  guint other_counts[G_N_ELEMENTS (status_names)] = { 0 };
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (double));

  g_return_val_if_fail (manifest != NULL, NULL);

  veil_manifest_sort (manifest);
  for (guint i = 0; i < manifest->images->len; i++)
    counts[((VeilManifestEntry *) g_ptr_array_index (manifest->images, i))->status]++;
  for (guint i = 0; i < manifest->other->len; i++)
    other_counts[((VeilManifestEntry *) g_ptr_array_index (manifest->other, i))->status]++;

  json_builder_begin_object (builder);
  build_header (builder, manifest, MANIFEST_FORMAT);

  json_builder_set_member_name (builder, "summary");
  json_builder_begin_object (builder);
  add_int (builder, "images", manifest->images->len);
  add_int (builder, "protected", counts[VEIL_MANIFEST_STATUS_PROTECTED]);
  add_int (builder, "unchanged", counts[VEIL_MANIFEST_STATUS_UNCHANGED]);
  add_int (builder, "failed", counts[VEIL_MANIFEST_STATUS_FAILED]
                              + other_counts[VEIL_MANIFEST_STATUS_FAILED]);
  add_int (builder, "other", manifest->other->len);
  add_int (builder, "copied", other_counts[VEIL_MANIFEST_STATUS_COPIED]);
  json_builder_end_object (builder);

  if (manifest->survival != NULL)
    {
      json_builder_set_member_name (builder, "survival");
      json_builder_add_value (builder, survival_with_placeholders (manifest->survival, numbers));
    }

  json_builder_set_member_name (builder, "images");
  json_builder_begin_array (builder);
  for (guint i = 0; i < manifest->images->len; i++)
    build_entry (builder, g_ptr_array_index (manifest->images, i), FALSE);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "other");
  json_builder_begin_array (builder);
  for (guint i = 0; i < manifest->other->len; i++)
    build_entry (builder, g_ptr_array_index (manifest->other, i), FALSE);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return node_to_data (root, manifest, numbers, TRUE, out_length);
}

gboolean
veil_manifest_save (VeilManifest *manifest,
                    const char   *path,
                    GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (manifest != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  data = veil_manifest_to_data (manifest, &length);
  if (!g_file_set_contents_full (path, data, (gssize) length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0644, &local_error))
    {
      g_autofree char *display = g_filename_display_name (path);

      /* GLib's message names the temporary file; a person wants the manifest named. */
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
        g_set_error (error, VEIL_ERROR, VEIL_ERROR_WRITE,
                     _("Could not write “%s”: the disk is full"), display);
      else
        g_set_error (error, VEIL_ERROR, VEIL_ERROR_WRITE, _("Could not write “%s”: %s"), display,
                     local_error->message);
      return FALSE;
    }
  return TRUE;
}

char *
veil_manifest_journal_header (const VeilManifest *manifest)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (manifest != NULL, NULL);

  json_builder_begin_object (builder);
  build_header (builder, manifest, JOURNAL_FORMAT);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return node_to_data (root, manifest, NULL, FALSE, NULL);
}

char *
veil_manifest_journal_entry (const VeilManifestEntry *entry)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (entry != NULL, NULL);

  build_entry (builder, entry, TRUE);
  root = json_builder_get_root (builder);
  return node_to_data (root, NULL, NULL, FALSE, NULL);
}

/* Reading */

static gboolean
damaged (GError    **error,
         const char *path,
         const char *what)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
               _("“%s” is not a Veil manifest or is damaged (%s)"), display, what);
  return FALSE;
}

static const char *
get_string (JsonObject *object,
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
  const char *raw = get_string (object, raw_member);
  const char *text = get_string (object, member);

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

static gboolean
parse_header (JsonObject   *root,
              const char   *format,
              VeilManifest *manifest)
{
  JsonObject *tool, *parameters, *key, *shard;
  JsonArray *classes;
  const char *text;
  gint64 value;

  if (g_strcmp0 (get_string (root, "format"), format) != 0
      || !get_int (root, "version", FORMAT_VERSION, FORMAT_VERSION, &value))
    return FALSE;

  tool = json_object_get_object_member (root, "tool");
  parameters = json_object_get_object_member (root, "parameters");
  key = json_object_get_object_member (root, "key");
  classes = json_object_get_array_member (root, "classes");
  if (tool == NULL || parameters == NULL || key == NULL || classes == NULL)
    return FALSE;

  manifest->tool_version = g_strdup (get_string (tool, "version"));
  if (manifest->tool_version == NULL)
    return FALSE;

  if (!get_int (parameters, "k", 1, 1000, &value))
    return FALSE;
  manifest->k = (guint) value;
  if (!get_double (parameters, "pb", &manifest->pb)
      || !get_double (parameters, "mix", &manifest->mix))
    return FALSE;
  text = get_string (parameters, "training_res");
  if (g_strcmp0 (text, "native") == 0)
    manifest->training_res = VEIL_TRAINING_RES_NATIVE;
  else if (get_int (parameters, "training_res", 1, G_MAXINT, &value))
    manifest->training_res = (guint) value;
  else
    return FALSE;
  text = get_string (parameters, "format");
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

  text = get_string (key, "kind");
  if (g_strcmp0 (text, "seed") == 0)
    manifest->key_kind = VEIL_KEY_KIND_SEED;
  else if (g_strcmp0 (text, "secret") == 0)
    manifest->key_kind = VEIL_KEY_KIND_SECRET;
  else
    return FALSE;
  manifest->key_fingerprint = g_strdup (get_string (key, "fingerprint"));
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

static VeilManifestEntry *
parse_entry (JsonObject *object,
             gboolean    is_image)
{
  g_autoptr(VeilManifestEntry) entry = veil_manifest_entry_new ();
  gint64 index;

  entry->is_image = is_image;
  if (!get_int (object, "index", 0, G_MAXUINT32, &index))
    return NULL;
  entry->index = (guint) index;
  entry->source = get_path (object, "source");
  if (entry->source == NULL || !status_from_string (get_string (object, "status"),
                                                     &entry->status))
    return NULL;
  entry->class_name = g_strdup (get_string (object, "class"));
  entry->reason = g_strdup (get_string (object, "reason"));
  if (json_object_has_member (object, "output"))
    {
      entry->output = get_path (object, "output");
      if (entry->output == NULL)
        return NULL;
    }
  entry->sha256 = g_strdup (get_string (object, "sha256"));
  entry->message = g_strdup (get_string (object, entry->status == VEIL_MANIFEST_STATUS_FAILED
                                                 ? "error" : "message"));
  if ((entry->output == NULL) != (entry->sha256 == NULL))
    return NULL;
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
      VeilManifestEntry *entry = object != NULL ? parse_entry (object, is_image) : NULL;

      if (entry == NULL)
        return FALSE;
      veil_manifest_add (manifest, entry);
    }
  return TRUE;
}

static JsonObject *
parse_object (JsonParser *parser,
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

VeilManifest *
veil_manifest_load (const char  *path,
                    GError     **error)
{
  g_autoptr(VeilManifest) manifest = veil_manifest_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize length;
  JsonObject *root;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST, "%s", local_error->message);
      return NULL;
    }
  root = parse_object (parser, data, (gssize) length);
  if (root == NULL)
    return damaged (error, path, _("not valid JSON")), NULL;
  if (!parse_header (root, MANIFEST_FORMAT, manifest))
    return damaged (error, path, _("unknown format or settings")), NULL;
  if (!parse_entries (root, "images", TRUE, manifest)
      || !parse_entries (root, "other", FALSE, manifest))
    return damaged (error, path, _("a file entry is incomplete")), NULL;
  /* Kept as it is, so that loading and saving a manifest keeps its report. */
  if (json_object_has_member (root, "survival"))
    {
      JsonNode *survival = json_object_get_member (root, "survival");

      if (JSON_NODE_TYPE (survival) != JSON_NODE_OBJECT)
        return damaged (error, path, _("the survival report is not an object")), NULL;
      manifest->survival = json_node_copy (survival);
    }
  veil_manifest_sort (manifest);
  return g_steal_pointer (&manifest);
}

VeilManifest *
veil_manifest_load_journal (const char  *path,
                            GError     **error)
{
  g_autoptr(VeilManifest) manifest = veil_manifest_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize length;
  char *line;
  char *end;
  gboolean have_header = FALSE;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST, "%s", local_error->message);
      return NULL;
    }

  /* Only complete lines count: the last one may have been cut short by a crash. */
  for (line = data; (end = memchr (line, '\n', length - (gsize) (line - data))) != NULL;
       line = end + 1)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *object;

      if (end == line)
        continue;
      object = parse_object (parser, line, end - line);
      if (object == NULL)
        return damaged (error, path, _("a line is not valid JSON")), NULL;
      if (!have_header)
        {
          if (!parse_header (object, JOURNAL_FORMAT, manifest))
            return damaged (error, path, _("unknown format or settings")), NULL;
          have_header = TRUE;
        }
      else
        {
          const char *list = get_string (object, "list");
          VeilManifestEntry *entry = NULL;

          if (g_strcmp0 (list, "images") == 0 || g_strcmp0 (list, "other") == 0)
            entry = parse_entry (object, g_strcmp0 (list, "images") == 0);
          if (entry == NULL)
            return damaged (error, path, _("a file entry is incomplete")), NULL;
          veil_manifest_add (manifest, entry);
        }
    }
  if (!have_header)
    return damaged (error, path, _("no header")), NULL;
  return g_steal_pointer (&manifest);
}

gboolean
veil_manifest_same_settings (const VeilManifest *a,
                             const VeilManifest *b,
                             GError            **error)
{
  const char *what = NULL;

  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (g_strcmp0 (a->tool_version, b->tool_version) != 0)
    what = _("Veil version");
  else if (a->k != b->k)
    what = _("filter size");
  else if (a->pb != b->pb)
    what = _("filter strength");
  else if (a->mix != b->mix)
    what = _("fraction protected");
  else if (a->training_res != b->training_res)
    what = _("training resolution");
  else if (a->format != b->format)
    what = _("output format");
  else if (a->jpeg_quality != b->jpeg_quality)
    what = _("JPEG quality");
  else if (a->copy_other != b->copy_other)
    what = _("copying of other files");
  else if (a->key_kind != b->key_kind || g_strcmp0 (a->key_fingerprint, b->key_fingerprint) != 0)
    what = _("key");
  else if (!g_strv_equal ((const char * const *) a->classes, (const char * const *) b->classes))
    what = _("class list");
  else if (a->shard_count != b->shard_count
           || (a->shard_count > 1 && a->shard_index != b->shard_index))
    what = _("shard");

  if (what != NULL)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                   _("The settings differ from the earlier export (%s)"), what);
      return FALSE;
    }
  return TRUE;
}

VeilManifest *
veil_manifest_merge (GPtrArray  *shards,
                     GError    **error)
{
  g_autoptr(VeilManifest) merged = NULL;
  g_autofree gboolean *seen = NULL;
  const VeilManifest *first;
  guint count;

  g_return_val_if_fail (shards != NULL, NULL);

  if (shards->len == 0)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST, _("There are no shard manifests"));
      return NULL;
    }
  first = g_ptr_array_index (shards, 0);
  count = first->shard_count;
  if (count < 2)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                   _("Only the manifests of a sharded export can be merged"));
      return NULL;
    }

  seen = g_new0 (gboolean, count);
  merged = veil_manifest_new ();
  merged->tool_version = g_strdup (first->tool_version);
  merged->k = first->k;
  merged->pb = first->pb;
  merged->mix = first->mix;
  merged->training_res = first->training_res;
  merged->format = first->format;
  merged->jpeg_quality = first->jpeg_quality;
  merged->copy_other = first->copy_other;
  merged->key_kind = first->key_kind;
  merged->key_fingerprint = g_strdup (first->key_fingerprint);
  merged->classes = g_strdupv (first->classes);

  for (guint s = 0; s < shards->len; s++)
    {
      const VeilManifest *shard = g_ptr_array_index (shards, s);
      VeilManifest probe = *shard;

      /* Compare everything but the shard's own index. */
      probe.shard_index = first->shard_index;
      if (!veil_manifest_same_settings (first, &probe, error))
        return NULL;
      if (seen[shard->shard_index])
        {
          g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                       _("Shard %u of %u is given twice"), shard->shard_index + 1, count);
          return NULL;
        }
      seen[shard->shard_index] = TRUE;
      for (guint i = 0; i < shard->images->len; i++)
        veil_manifest_add (merged, veil_manifest_entry_copy (g_ptr_array_index (shard->images,
                                                                                  i)));
      for (guint i = 0; i < shard->other->len; i++)
        veil_manifest_add (merged, veil_manifest_entry_copy (g_ptr_array_index (shard->other,
                                                                                  i)));
    }
  for (guint i = 0; i < count; i++)
    if (!seen[i])
      {
        g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                     _("The manifest of shard %u of %u is missing"), i + 1, count);
        return NULL;
      }

  /* Shards take disjoint files, so an index seen twice means the manifests disagree. */
  {
    guint n_images = merged->images->len;
    guint n_other = merged->other->len;

    veil_manifest_sort (merged);
    if (merged->images->len != n_images || merged->other->len != n_other)
      {
        g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                     _("The shard manifests list the same file more than once"));
        return NULL;
      }
  }
  return g_steal_pointer (&merged);
}
