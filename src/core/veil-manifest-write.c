/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "veil-error.h"
#include "veil-paths.h"
#include "veil-manifest-private.h"
#include "veil-protect-params.h"

/* Writing a manifest: JSON with numbers in their shortest exact form, saved durably. */

#define PB_PLACEHOLDER "@pb@"
#define MIX_PLACEHOLDER "@mix@"

/* The survival report's numbers become strings "<prefix><i>@" while the text is generated. The
 * prefix holds a random part drawn once per process, so no file or class name can spell one and
 * be mistaken for a number. */
static const char *
number_placeholder_prefix (void)
{
  static const char *prefix = NULL;

  if (g_once_init_enter (&prefix))
    g_once_init_leave (&prefix, g_strdup_printf ("@veil-number-%08x%08x-", g_random_int (),
                                                 g_random_int ()));
  return prefix;
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

/* "classes" as UTF-8 text; when a class folder's name is not valid UTF-8, also "classes_raw":
 * every name's exact bytes in base64, so that a resume or a check finds the same classes. */
static void
add_classes (JsonBuilder        *builder,
             const char * const *classes)
{
  gboolean all_valid = TRUE;

  json_builder_set_member_name (builder, "classes");
  json_builder_begin_array (builder);
  for (guint i = 0; classes != NULL && classes[i] != NULL; i++)
    {
      g_autofree char *display = g_utf8_make_valid (classes[i], -1);

      all_valid = all_valid && g_utf8_validate (classes[i], -1, NULL);
      json_builder_add_string_value (builder, display);
    }
  json_builder_end_array (builder);
  if (all_valid)
    return;

  json_builder_set_member_name (builder, "classes_raw");
  json_builder_begin_array (builder);
  for (guint i = 0; classes[i] != NULL; i++)
    {
      g_autofree char *encoded = g_base64_encode ((const guchar *) classes[i],
                                                  strlen (classes[i]));

      json_builder_add_string_value (builder, encoded);
    }
  json_builder_end_array (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

void
_veil_manifest_build_header (JsonBuilder        *builder,
                             const VeilManifest *manifest,
                             const char         *format)
{
  add_string (builder, "format", format);
  add_int (builder, "version", VEIL_MANIFEST_FORMAT_VERSION);

  json_builder_set_member_name (builder, "tool");
  json_builder_begin_object (builder);
  add_string (builder, "name", "veil");
  add_string (builder, "version", manifest->tool_version);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "parameters");
  json_builder_begin_object (builder);
  add_string (builder, "filters", veil_filter_kind_to_string (manifest->kind));
  add_int (builder, "k", manifest->k);
  /* Placeholders, replaced by the numbers' shortest exact form: see
   * _veil_manifest_node_to_data(). */
  add_string (builder, "pb", PB_PLACEHOLDER);
  add_string (builder, "mix", MIX_PLACEHOLDER);
  if (manifest->training_res == VEIL_TRAINING_RES_NATIVE)
    add_string (builder, "training_res", "native");
  else
    add_int (builder, "training_res", manifest->training_res);
  json_builder_set_member_name (builder, "keep_detail");
  json_builder_add_boolean_value (builder, manifest->keep_detail);
  json_builder_set_member_name (builder, "decoy");
  json_builder_add_boolean_value (builder, manifest->decoy);
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

  add_classes (builder, (const char * const *) manifest->classes);

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
 * number_placeholder_prefix() "<i>@", its value appended to @numbers. */
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
          g_autofree char *placeholder = g_strdup_printf ("%s%u@", number_placeholder_prefix (),
                                                          numbers->len);

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

/* A deep copy of @node (json_node_copy() shares objects and arrays) in which every string and
 * member name is valid UTF-8: the report names classes by their folder names, which may not be,
 * and a manifest must stay valid JSON. Sets *@has_placeholder when a string looks like one of
 * the number placeholders. */
static JsonNode *
copy_valid (JsonNode *node,
            gboolean *has_placeholder)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(JsonObject) copy = json_object_new ();
        g_autoptr(GList) names = json_object_get_members (object);

        for (GList *l = names; l != NULL; l = l->next)
          {
            g_autofree char *name = g_utf8_make_valid (l->data, -1);

            json_object_set_member (copy, name,
                                    copy_valid (json_object_get_member (object, l->data),
                                                has_placeholder));
          }
        return json_node_init_object (json_node_alloc (), copy);
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        g_autoptr(JsonArray) copy = json_array_sized_new (json_array_get_length (array));

        for (guint i = 0; i < json_array_get_length (array); i++)
          json_array_add_element (copy, copy_valid (json_array_get_element (array, i),
                                                    has_placeholder));
        return json_node_init_array (json_node_alloc (), copy);
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          g_autofree char *text = g_utf8_make_valid (json_node_get_string (node), -1);

          if (strstr (text, number_placeholder_prefix ()) != NULL)
            *has_placeholder = TRUE;
          return json_node_init_string (json_node_alloc (), text);
        }
      return json_node_copy (node);
    case JSON_NODE_NULL:
    default:
      return json_node_init_null (json_node_alloc ());
    }
}

/* The survival report's numbers in their shortest exact form too ("22.4", not json-glib's
 * "22.399999999999999"), through placeholders as for the parameters. A class named like a
 * placeholder would make them ambiguous: then the report keeps json-glib's form. */
static JsonNode *
survival_with_placeholders (JsonNode *survival,
                            GArray   *numbers)
{
  gboolean has_placeholder = FALSE;
  JsonNode *copy = copy_valid (survival, &has_placeholder);

  if (!has_placeholder)
    replace_numbers (copy, numbers);
  return copy;
}

/* @header: the manifest whose header @root holds, to fill in its numbers; NULL for an entry.
 * @numbers: the survival report's numbers, see survival_with_placeholders(); may be NULL. */
char *
_veil_manifest_node_to_data (JsonNode           *root,
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

      g_assert (count_occurrences (text->str, number_placeholder_prefix ()) == numbers->len);
      for (guint i = 0; i < numbers->len; i++)
        {
          g_autofree char *token = g_strdup_printf ("\"%s%u@\"", number_placeholder_prefix (),
                                                    i);
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
  guint counts[VEIL_MANIFEST_N_STATUSES] = { 0 };
  guint other_counts[VEIL_MANIFEST_N_STATUSES] = { 0 };
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *head = NULL;
  gsize head_length;
  GString *text;

  g_return_val_if_fail (manifest != NULL, NULL);

  veil_manifest_sort (manifest);
  for (guint i = 0; i < manifest->images->len; i++)
    counts[((VeilManifestEntry *) g_ptr_array_index (manifest->images, i))->status]++;
  for (guint i = 0; i < manifest->other->len; i++)
    other_counts[((VeilManifestEntry *) g_ptr_array_index (manifest->other, i))->status]++;

  json_builder_begin_object (builder);
  _veil_manifest_build_header (builder, manifest, VEIL_MANIFEST_FORMAT);

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

  json_builder_end_object (builder);

  /* The file lists are the last members: written as text after the rest (see
   * veil-manifest-entry-text.c), in place of the closing brace. */
  root = json_builder_get_root (builder);
  head = _veil_manifest_node_to_data (root, manifest, numbers, TRUE, &head_length);
  g_assert (head_length >= 3 && strcmp (head + head_length - 3, "\n}\n") == 0);
  text = g_string_sized_new (head_length + 320 * (manifest->images->len + manifest->other->len));
  g_string_append_len (text, head, (gssize) head_length - 3);
  g_string_append (text, ",\n  \"images\" : ");
  _veil_manifest_append_entries (text, manifest->images, 1);
  g_string_append (text, ",\n  \"other\" : ");
  _veil_manifest_append_entries (text, manifest->other, 1);
  g_string_append (text, "\n}\n");
  if (out_length != NULL)
    *out_length = text->len;
  return g_string_free (text, FALSE);
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
        veil_paths_set_write_error (error, path, ENOSPC);
      else
        g_set_error (error, VEIL_ERROR, VEIL_ERROR_WRITE, _("Could not write “%s”: %s"), display,
                     local_error->message);
      return FALSE;
    }
  return TRUE;
}
