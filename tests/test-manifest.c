/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "veil.h"
#include "veil-manifest.h"
#include "veil-paths.h"
#include "veil-shard.h"
#include "veil-test-util.h"

/* The manifest and journal formats, shard assignment and the path helpers of the export. */

static VeilManifest *
sample_manifest (guint shard_index,
                 guint shard_count)
{
  VeilManifest *manifest = veil_manifest_new ();
  const char *classes[] = { "cat", "dog", NULL };

  manifest->tool_version = g_strdup ("1.2.3");
  manifest->kind = VEIL_FILTER_KIND_ECHO;
  manifest->k = 7;
  manifest->pb = 0.25;
  manifest->mix = 0.5;
  manifest->training_res = 224;
  manifest->keep_detail = TRUE;
  manifest->decoy = TRUE;
  manifest->format = VEIL_OUTPUT_FORMAT_PNG;
  manifest->jpeg_quality = 90;
  manifest->copy_other = TRUE;
  manifest->key_kind = VEIL_KEY_KIND_SECRET;
  manifest->key_fingerprint = g_strdup ("0123 4567 89ab cdef");
  manifest->classes = g_strdupv ((char **) classes);
  manifest->shard_index = shard_index;
  manifest->shard_count = shard_count;
  return manifest;
}

static VeilManifestEntry *
image_entry (guint               index,
             const char         *source,
             VeilManifestStatus  status)
{
  VeilManifestEntry *entry = veil_manifest_entry_new ();

  entry->is_image = TRUE;
  entry->index = index;
  entry->source = g_strdup (source);
  entry->class_name = g_strdup ("cat");
  entry->status = status;
  if (status == VEIL_MANIFEST_STATUS_FAILED)
    entry->message = g_strdup ("“x” is damaged");
  else
    {
      entry->output = g_strdup (source);
      entry->sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, source, -1);
    }
  return entry;
}

static void
test_round_trip (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ("veil-manifest-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "m.json", NULL);
  g_autoptr(VeilManifest) manifest = sample_manifest (0, 0);
  g_autoptr(VeilManifest) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  const char *odd = "cat/caf\xe9-\xff.png"; /* Latin-1 bytes: not UTF-8 */

  /* Added out of order: written in index order. */
  veil_manifest_add (manifest, image_entry (2, odd, VEIL_MANIFEST_STATUS_PROTECTED));
  veil_manifest_add (manifest, image_entry (0, "cat/a.png", VEIL_MANIFEST_STATUS_UNCHANGED));
  veil_manifest_add (manifest, image_entry (1, "cat/b.png", VEIL_MANIFEST_STATUS_FAILED));

  g_assert_true (veil_manifest_save (manifest, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &first, NULL, NULL));
  g_assert_true (g_utf8_validate (first, -1, NULL));
  g_assert_null (strstr (first, "\"shard\""));
  g_assert_true (strstr (first, "cat/a.png") < strstr (first, "cat/b.png"));

  loaded = veil_manifest_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (veil_manifest_same_settings (manifest, loaded, &error));
  g_assert_true (loaded->keep_detail);
  g_assert_true (loaded->decoy);
  g_assert_cmpint (loaded->kind, ==, VEIL_FILTER_KIND_ECHO);
  g_assert_cmpuint (loaded->images->len, ==, 3);
  {
    const VeilManifestEntry *entry = g_ptr_array_index (loaded->images, 2);
    const VeilManifestEntry *failed = g_ptr_array_index (loaded->images, 1);

    /* The exact bytes come back. */
    g_assert_cmpstr (entry->source, ==, odd);
    g_assert_cmpstr (entry->output, ==, odd);
    g_assert_cmpint (failed->status, ==, VEIL_MANIFEST_STATUS_FAILED);
    g_assert_cmpstr (failed->message, ==, "“x” is damaged");
    g_assert_null (failed->output);
  }

  /* Saving what was loaded writes the same bytes. */
  g_assert_true (veil_manifest_save (loaded, path, &error));
  g_assert_true (g_file_get_contents (path, &second, NULL, NULL));
  g_assert_cmpstr (first, ==, second);
  veil_test_rm_rf (dir);
}

typedef struct {
  double      value;
  const char *text;  /* how it must read in the manifest; NULL: any form, as long as it is exact */
} NumberCase;

static const NumberCase number_cases[] = {
  { 0.3, "0.3" },
  { 0.06, "0.06" },
  { 1.0, "1" },
  { 0.5, "0.5" },
  { 0.1 + 0.2, "0.30000000000000004" },
  { 1.0 / 3.0, "0.3333333333333333" },
  { 1e-5, "1e-05" },
  { 0.123456789, "0.123456789" },
  { 4.9406564584124654e-324, NULL }, /* the smallest double */
  { 0.9999999999999999, "0.9999999999999999" },
};

/* pb and mix are written as the shortest decimal that reads back bit for bit: readable, and a
 * resumed run compares them exactly. Checked in the manifest and in the journal header. */
static void
test_numbers (gconstpointer data)
{
  const NumberCase *c = data;
  g_autofree char *dir = veil_test_make_tmpdir ("veil-manifest-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "m.json", NULL);
  g_autofree char *journal = g_build_filename (dir, "m.journal", NULL);
  g_autoptr(VeilManifest) manifest = sample_manifest (0, 0);
  g_autoptr(VeilManifest) loaded = NULL;
  g_autoptr(VeilManifest) from_journal = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *header = NULL;

  manifest->pb = c->value;
  manifest->mix = c->value;
  g_assert_true (veil_manifest_save (manifest, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  if (c->text != NULL)
    {
      g_autofree char *pb = g_strdup_printf ("\"pb\" : %s,\n", c->text);
      g_autofree char *mix = g_strdup_printf ("\"mix\" : %s,\n", c->text);

      g_assert_nonnull (strstr (text, pb));
      g_assert_nonnull (strstr (text, mix));
    }
  g_assert_null (strstr (text, "@"));

  loaded = veil_manifest_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (memcmp (&loaded->pb, &c->value, sizeof (double)) == 0);
  g_assert_true (memcmp (&loaded->mix, &c->value, sizeof (double)) == 0);
  g_assert_true (veil_manifest_same_settings (manifest, loaded, &error));

  header = veil_manifest_journal_header (manifest);
  g_assert_true (g_file_set_contents (journal, header, -1, NULL));
  from_journal = veil_manifest_load_journal (journal, &error);
  g_assert_no_error (error);
  g_assert_true (memcmp (&from_journal->pb, &c->value, sizeof (double)) == 0);
  g_assert_true (veil_manifest_same_settings (manifest, from_journal, &error));
  veil_test_rm_rf (dir);
}

static void
test_damaged (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ("veil-manifest-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "m.json", NULL);
  const char *cases[] = {
    "",
    "not json",
    "[1, 2]",
    "{\"format\": \"something-else\", \"version\": 1}",
    "{\"format\": \"veil-manifest\", \"version\": 99}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VeilManifest) manifest = NULL;

      g_assert_true (g_file_set_contents (path, cases[i], -1, NULL));
      manifest = veil_manifest_load (path, &error);
      g_assert_null (manifest);
      g_assert_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST);
      g_assert_nonnull (strstr (error->message, "m.json"));
    }
  veil_test_rm_rf (dir);
}

/* The decoy: absent in manifests from before it existed (none), and a manifest that records one
 * for a seed key or a single class, or not as a boolean, is damaged. The bank rebuilt from a
 * manifest has a decoy exactly when the manifest says so. */
static void
test_decoy (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ("veil-manifest-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "m.json", NULL);
  g_autoptr(VeilManifest) manifest = sample_manifest (0, 0);
  g_autofree char *text = NULL;
  const char *member = "\"decoy\" : true,";
  const struct { const char *from, *to; gboolean valid, decoy; } cases[] = {
    { member, member, TRUE, TRUE },
    { member, "", TRUE, FALSE },
    { member, "\"decoy\" : false,", TRUE, FALSE },
    { member, "\"decoy\" : \"yes\",", FALSE, FALSE },
    { member, "\"decoy\" : 1,", FALSE, FALSE },
    { "\"kind\" : \"secret\"", "\"kind\" : \"seed\"", FALSE, FALSE },
    { "\"dog\"", "\"cat\"", FALSE, FALSE },
  };
  guint8 secret[VEIL_KEY_SECRET_LENGTH] = { 7 };
  g_autoptr(VeilKey) key = veil_key_new_from_secret ("test", secret, NULL);

  manifest->kind = VEIL_FILTER_KIND_BLUR;
  g_assert_true (veil_manifest_save (manifest, path, NULL));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, member));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) changed = g_string_new (text);
      g_autoptr(VeilManifest) loaded = NULL;
      g_autoptr(VeilFilterBank) bank = NULL;
      g_autoptr(GError) error = NULL;

      g_string_replace (changed, cases[i].from, cases[i].to, 1);
      /* One class: the list ["cat", "cat"] would be a repeated class, so drop the second. */
      if (g_str_equal (cases[i].to, "\"cat\""))
        g_assert_cmpuint (g_string_replace (changed, ",\n    \"cat\"\n", "\n", 1), ==, 1);
      g_assert_true (g_file_set_contents (path, changed->str, -1, NULL));
      loaded = veil_manifest_load (path, &error);
      if (!cases[i].valid)
        {
          g_assert_null (loaded);
          g_assert_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpint (loaded->decoy, ==, cases[i].decoy);
      bank = veil_manifest_new_filter_bank (loaded, key, &error);
      g_assert_no_error (error);
      g_assert_cmpint (veil_filter_bank_get_decoy (bank) >= 0, ==, cases[i].decoy);
    }
  veil_test_rm_rf (dir);
}

/* The kind of filter: absent in manifests from before echo filters (the paper's blur), and a
 * manifest with an unknown kind, a kind that is not a string or echo filters smaller than
 * 7 × 7 (5 × 5 from Veil 0.2.0) is damaged. */
static void
test_filter_kinds (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ("veil-manifest-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "m.json", NULL);
  g_autoptr(VeilManifest) manifest = sample_manifest (0, 0);
  g_autofree char *text = NULL;
  const char *member = "\"filters\" : \"echo\",";
  const struct { const char *replacement; gboolean valid; VeilFilterKind kind; } cases[] = {
    { "", TRUE, VEIL_FILTER_KIND_BLUR },
    { "\"filters\" : \"blur\",", TRUE, VEIL_FILTER_KIND_BLUR },
    { "\"filters\" : \"echo\",", TRUE, VEIL_FILTER_KIND_ECHO },
    { "\"filters\" : \"sharpen\",", FALSE, 0 },
    { "\"filters\" : 1,", FALSE, 0 },
    { "\"filters\" : null,", FALSE, 0 },
  };

  g_assert_true (veil_manifest_save (manifest, path, NULL));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, member));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) changed = g_string_new (text);
      g_autoptr(VeilManifest) loaded = NULL;
      g_autoptr(GError) error = NULL;

      g_string_replace (changed, member, cases[i].replacement, 1);
      g_assert_true (g_file_set_contents (path, changed->str, -1, NULL));
      loaded = veil_manifest_load (path, &error);
      if (cases[i].valid)
        {
          g_assert_no_error (error);
          g_assert_cmpint (loaded->kind, ==, cases[i].kind);
        }
      else
        {
          g_assert_null (loaded);
          g_assert_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST);
        }
    }

  /* Echo filters need 7 × 7; Veil 0.2.0 made them from 5 × 5, and its manifests still load
   * (verify needs nothing more), but their filters are not rebuilt: version 2 deals other
   * offsets. */
  {
    const struct { const char *version; const char *k; gboolean valid; } sizes[] = {
      { "1.2.3", "5", FALSE },
      { "0.2.0", "5", TRUE },
      { "0.2.0", "3", FALSE },
    };

    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      {
        g_autoptr(GString) changed = g_string_new (text);
        g_autofree char *k = g_strdup_printf ("\"k\" : %s,", sizes[i].k);
        g_autofree char *version = g_strdup_printf ("\"version\" : \"%s\"", sizes[i].version);
        g_autoptr(GError) error = NULL;
        g_autoptr(VeilManifest) loaded = NULL;
        g_autoptr(VeilKey) key = veil_key_new_from_seed (1);
        g_autoptr(VeilFilterBank) bank = NULL;

        g_assert_cmpuint (g_string_replace (changed, "\"k\" : 7,", k, 1), ==, 1);
        g_assert_cmpuint (g_string_replace (changed, "\"version\" : \"1.2.3\"", version, 1),
                          ==, 1);
        g_assert_true (g_file_set_contents (path, changed->str, -1, NULL));
        loaded = veil_manifest_load (path, &error);
        if (!sizes[i].valid)
          {
            g_assert_null (loaded);
            g_assert_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST);
            continue;
          }
        g_assert_no_error (error);
        bank = veil_manifest_new_filter_bank (loaded, key, &error);
        g_assert_null (bank);
        g_assert_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST);
        g_assert_nonnull (strstr (error->message, "Veil 0.2.0"));
      }
  }

  /* This version's echo filters are rebuilt as the bank of the recorded settings. */
  {
    g_autoptr(VeilManifest) loaded = NULL;
    g_autoptr(VeilKey) key = veil_key_new_from_seed (1);
    g_autoptr(VeilFilterBank) bank = NULL;
    g_autoptr(VeilFilterBank) expected = NULL;
    const char *classes[] = { "cat", "dog" };
    g_autoptr(GError) error = NULL;

    g_assert_true (g_file_set_contents (path, text, -1, NULL));
    loaded = veil_manifest_load (path, &error);
    g_assert_no_error (error);
    bank = veil_manifest_new_filter_bank (loaded, key, &error);
    g_assert_no_error (error);
    expected = veil_filter_bank_new_kind (key, classes, 2, VEIL_FILTER_KIND_ECHO, 7, 0.25, &error);
    g_assert_no_error (error);
    for (guint c = 0; c < 2; c++)
      g_assert_cmpmem (veil_filter_bank_get_filter (bank, c), 49 * sizeof (float),
                       veil_filter_bank_get_filter (expected, c), 49 * sizeof (float));
  }
  veil_test_rm_rf (dir);
}

/* Class names that are not UTF-8 come back byte for byte, from the manifest and the journal,
 * and every file stays valid UTF-8 JSON, also when the survival report holds such a name. */
static void
test_non_utf8_classes (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ("veil-manifest-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "m.json", NULL);
  g_autofree char *journal_path = g_build_filename (dir, "m.journal", NULL);
  g_autoptr(VeilManifest) manifest = sample_manifest (0, 0);
  g_autoptr(VeilManifest) loaded = NULL;
  g_autoptr(VeilManifest) journal = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *data = NULL;
  g_autofree char *header = NULL;
  g_autofree char *line = NULL;
  VeilManifestEntry *entry;
  gsize len;

  g_free (manifest->classes[0]);
  manifest->classes[0] = g_strdup ("caf\xe9");
  entry = image_entry (0, "caf\xe9/a.png", VEIL_MANIFEST_STATUS_PROTECTED);
  g_free (entry->class_name);
  entry->class_name = g_strdup ("caf\xe9");
  veil_manifest_add (manifest, entry);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "class");
  json_builder_add_string_value (builder, "caf\xe9");
  json_builder_set_member_name (builder, "psnr");
  json_builder_add_double_value (builder, 22.4);
  json_builder_end_object (builder);
  manifest->survival = json_builder_get_root (builder);

  g_assert_true (veil_manifest_save (manifest, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_true (g_utf8_validate (data, (gssize) len, NULL));
  g_assert_nonnull (strstr (data, "\"psnr\" : 22.4"));
  loaded = veil_manifest_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->classes[0], ==, "caf\xe9");
  g_assert_cmpstr (loaded->classes[1], ==, "dog");
  entry = g_ptr_array_index (loaded->images, 0);
  g_assert_cmpstr (entry->class_name, ==, "caf\xe9");

  header = veil_manifest_journal_header (manifest);
  line = veil_manifest_journal_entry (g_ptr_array_index (manifest->images, 0));
  g_assert_true (g_utf8_validate (header, -1, NULL));
  g_assert_true (g_utf8_validate (line, -1, NULL));
  g_clear_pointer (&data, g_free);
  data = g_strconcat (header, line, NULL);
  g_assert_true (g_file_set_contents (journal_path, data, -1, NULL));
  journal = veil_manifest_load_journal (journal_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (journal->classes[0], ==, "caf\xe9");
  g_assert_cmpstr (((VeilManifestEntry *) g_ptr_array_index (journal->images, 0))->class_name,
                   ==, "caf\xe9");
  veil_test_rm_rf (dir);
}

/* An entry whose path leads out of its folder, or a class that is not a folder name, is
 * refused, naming the file and the entry. */
static void
test_unsafe_entries (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ("veil-manifest-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "m.json", NULL);
  const char *cases[][2] = {
    { "output", "../x.png" },
    { "output", "/etc/passwd" },
    { "output", "cat/../../x.png" },
    { "output", "cat//x.png" },
    { "source", "./cat/x.png" },
    { "source", "" },
    { "class", "a/b" },
    { "class", ".." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VeilManifest) manifest = sample_manifest (0, 0);
      g_autoptr(VeilManifest) loaded = NULL;
      g_autoptr(GError) error = NULL;
      VeilManifestEntry *entry = image_entry (0, "cat/a.png", VEIL_MANIFEST_STATUS_PROTECTED);
      char **field = g_str_equal (cases[i][0], "output") ? &entry->output
                     : g_str_equal (cases[i][0], "source") ? &entry->source
                     : &entry->class_name;

      g_free (*field);
      *field = g_strdup (cases[i][1]);
      veil_manifest_add (manifest, entry);
      g_assert_true (veil_manifest_save (manifest, path, &error));
      g_assert_no_error (error);
      loaded = veil_manifest_load (path, &error);
      g_assert_null (loaded);
      g_assert_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST);
      g_assert_nonnull (strstr (error->message, "m.json"));
      if (cases[i][1][0] != '\0')
        g_assert_nonnull (strstr (error->message, cases[i][1]));
    }
  veil_test_rm_rf (dir);
}

/* Whether @text (ending in a newline) is what json-glib's generator writes for what it parses
 * to. */
static void
assert_as_json_glib_writes (const char *text,
                            gboolean    pretty)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);
  gsize length = strlen (text);

  g_assert_cmpuint (length, >, 0);
  g_assert_cmpint (text[length - 1], ==, '\n');
  g_assert_true (json_parser_load_from_data (parser, text, (gssize) length - 1, &error));
  g_assert_no_error (error);
  json_generator_set_pretty (generator, pretty);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, json_parser_get_root (parser));
  json_generator_to_gstring (generator, expected);
  g_string_append_c (expected, '\n');
  g_assert_cmpstr (text, ==, expected->str);
}

/* The entries are written as text directly (veil-manifest-entry-text.c): byte for byte what
 * json-glib writes for the same members, whatever the names hold. */
static void
test_entry_text (void)
{
  g_autoptr(VeilManifest) manifest = sample_manifest (0, 0);
  const char *sources[] = {
    "cat/plain.png", "cat/quote\"back\\slash.png", "cat/tab\tnew\nline\x01\x1f\x7f.png",
    "cat/caf\xc3\xa9 \xe2\x80\x9c\xf0\x9f\x90\x88.png", "cat/caf\xe9-\xff.png", "cat/@pb@.png",
  };
  g_autofree char *text = NULL;
  gsize length;

  /* Numbers json-glib writes the same way (the others are shortened, see test_numbers). */
  manifest->pb = 0.5;
  manifest->mix = 0.25;
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      VeilManifestEntry *entry = image_entry (i, sources[i],
                                              i == 2 ? VEIL_MANIFEST_STATUS_FAILED
                                                     : VEIL_MANIFEST_STATUS_PROTECTED);

      if (i == 1)
        {
          g_free (entry->class_name);
          entry->class_name = g_strdup ("d\xffg \"x\"");
        }
      if (i == 2)
        {
          g_free (entry->message);
          entry->message = g_strdup ("“cat/tab\t” is damaged: \"bad\" \\ \x02");
        }
      entry->notes = i == 3 ? VEIL_IMAGE_NOTE_CONVERTED
                     : i == 4 ? VEIL_IMAGE_NOTE_CONVERTED | VEIL_IMAGE_NOTE_DEPTH_REDUCED
                                | VEIL_IMAGE_NOTE_FIRST_FRAME
                              : 0;
      entry->has_source_stat = i != 5;
      entry->source_size = 1000 + i;
      entry->source_mtime_ns = G_GINT64_CONSTANT (1796446855205206475) + i;
      veil_manifest_add (manifest, entry);
    }
  {
    VeilManifestEntry *other = veil_manifest_entry_new ();

    other->is_image = FALSE;
    other->source = g_strdup ("notes\x80.txt");
    other->reason = g_strdup ("not-an-image");
    other->status = VEIL_MANIFEST_STATUS_SKIPPED;
    veil_manifest_add (manifest, other);
  }

  text = veil_manifest_to_data (manifest, &length);
  g_assert_cmpuint (length, ==, strlen (text));
  assert_as_json_glib_writes (text, TRUE);

  /* An empty list, and the journal's compact lines. */
  g_ptr_array_set_size (manifest->other, 0);
  g_clear_pointer (&text, g_free);
  text = veil_manifest_to_data (manifest, &length);
  g_assert_nonnull (strstr (text, "\"other\" : []\n}\n"));
  assert_as_json_glib_writes (text, TRUE);
  for (guint i = 0; i < manifest->images->len; i++)
    {
      g_autofree char *line = veil_manifest_journal_entry (g_ptr_array_index (manifest->images, i));

      assert_as_json_glib_writes (line, FALSE);
    }
}

static void
test_journal (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ("veil-manifest-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "j", NULL);
  g_autoptr(VeilManifest) header = sample_manifest (1, 4);
  g_autoptr(VeilManifest) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *line = NULL;

  line = veil_manifest_journal_header (header);
  g_assert_nonnull (strchr (line, '\n'));
  g_assert_true (strchr (line, '\n') == line + strlen (line) - 1);
  g_string_append (text, line);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(VeilManifestEntry) entry = image_entry (i, "cat/x.png",
                                                        VEIL_MANIFEST_STATUS_PROTECTED);
      g_autofree char *entry_line = veil_manifest_journal_entry (entry);
      g_string_append (text, entry_line);
    }
  /* A crash in the middle of the last line. */
  {
    g_autoptr(VeilManifestEntry) entry = image_entry (3, "cat/y.png",
                                                      VEIL_MANIFEST_STATUS_PROTECTED);
    g_autofree char *entry_line = veil_manifest_journal_entry (entry);
    g_string_append_len (text, entry_line, (gssize) strlen (entry_line) / 2);
  }
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, NULL));

  loaded = veil_manifest_load_journal (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->images->len, ==, 3);
  g_assert_true (veil_manifest_same_settings (header, loaded, &error));
  g_assert_cmpuint (loaded->shard_index, ==, 1);
  g_assert_cmpuint (loaded->shard_count, ==, 4);

  /* Damage in the middle is not a torn end: refused. */
  g_string_insert (text, strlen (line), "{oops\n");
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, NULL));
  g_clear_pointer (&loaded, veil_manifest_free);
  loaded = veil_manifest_load_journal (path, &error);
  g_assert_null (loaded);
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST);
  veil_test_rm_rf (dir);
}

typedef struct {
  const char *what;
  void      (*change) (VeilManifest *manifest);
} SettingCase;

static void change_kind (VeilManifest *m) { m->kind = VEIL_FILTER_KIND_BLUR; }
static void change_k (VeilManifest *m) { m->k = 9; }
static void change_pb (VeilManifest *m) { m->pb = 0.3; }
static void change_mix (VeilManifest *m) { m->mix = 1.0; }
static void change_res (VeilManifest *m) { m->training_res = VEIL_TRAINING_RES_NATIVE; }
static void change_keep_detail (VeilManifest *m) { m->keep_detail = FALSE; }
static void change_decoy (VeilManifest *m) { m->decoy = FALSE; }
static void change_format (VeilManifest *m) { m->format = VEIL_OUTPUT_FORMAT_KEEP; }
static void change_key (VeilManifest *m) { g_free (m->key_fingerprint);
                                           m->key_fingerprint = g_strdup ("other"); }
static void change_classes (VeilManifest *m) { g_free (m->classes[1]);
                                               m->classes[1] = g_strdup ("emu"); }
static void change_shard (VeilManifest *m) { m->shard_count = 3; }

static const SettingCase setting_cases[] = {
  { "kind of filter", change_kind },
  { "filter size", change_k },
  { "filter strength", change_pb },
  { "fraction protected", change_mix },
  { "training resolution", change_res },
  { "detail-preserving protection", change_keep_detail },
  { "decoy class", change_decoy },
  { "output format", change_format },
  { "key", change_key },
  { "class list", change_classes },
  { "shard", change_shard },
};

static void
test_settings (gconstpointer data)
{
  const SettingCase *c = data;
  g_autoptr(VeilManifest) a = sample_manifest (0, 2);
  g_autoptr(VeilManifest) b = sample_manifest (0, 2);
  g_autoptr(GError) error = NULL;

  g_assert_true (veil_manifest_same_settings (a, b, NULL));
  c->change (b);
  g_assert_false (veil_manifest_same_settings (a, b, &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST);
  g_assert_nonnull (strstr (error->message, c->what));
}

static void
test_merge (void)
{
  g_autoptr(VeilManifest) s1 = sample_manifest (0, 2);
  g_autoptr(VeilManifest) s2 = sample_manifest (1, 2);
  g_autoptr(VeilManifest) single = sample_manifest (0, 0);
  g_autoptr(VeilManifest) merged = NULL;
  g_autoptr(GPtrArray) shards = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *merged_text = NULL;
  g_autofree char *single_text = NULL;

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *name = g_strdup_printf ("cat/%u.png", i);

      veil_manifest_add (i % 3 == 0 ? s1 : s2,
                         image_entry (i, name, VEIL_MANIFEST_STATUS_PROTECTED));
      veil_manifest_add (single, image_entry (i, name, VEIL_MANIFEST_STATUS_PROTECTED));
    }

  /* One shard is not enough. */
  g_ptr_array_add (shards, s2);
  g_assert_null (veil_manifest_merge (shards, &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST);
  g_clear_error (&error);

  /* The same shard twice is refused. */
  g_ptr_array_add (shards, s2);
  g_assert_null (veil_manifest_merge (shards, &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST);
  g_clear_error (&error);

  g_ptr_array_set_size (shards, 1);
  g_ptr_array_add (shards, s1);
  merged = veil_manifest_merge (shards, &error);
  g_assert_no_error (error);
  merged_text = veil_manifest_to_data (merged, NULL);
  single_text = veil_manifest_to_data (single, NULL);
  g_assert_cmpstr (merged_text, ==, single_text);
}

static void
test_shard_assignment (void)
{
  guint counts[4] = { 0 };
  guint index, count;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  /* Stable: a fixed path always lands in the same shard; spread over all shards. */
  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *path = g_strdup_printf ("class%u/image%04u.jpg", i % 7, i);
      guint s = veil_shard_of_path (path, 4);

      g_assert_cmpuint (s, <, 4);
      g_assert_cmpuint (s, ==, veil_shard_of_path (path, 4));
      counts[s]++;
    }
  for (guint s = 0; s < 4; s++)
    g_assert_cmpuint (counts[s], >, 60);
  g_assert_cmpuint (veil_shard_of_path ("anything", 1), ==, 0);

  g_assert_true (veil_shard_parse ("2/8", &index, &count, &error));
  g_assert_cmpuint (index, ==, 1);
  g_assert_cmpuint (count, ==, 8);
  g_assert_false (veil_shard_parse ("0/8", &index, &count, NULL));
  g_assert_false (veil_shard_parse ("9/8", &index, &count, NULL));
  g_assert_false (veil_shard_parse ("1/", &index, &count, NULL));
  g_assert_false (veil_shard_parse ("a/b", &index, &count, NULL));
  g_assert_false (veil_shard_parse ("1/2x", &index, &count, &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT);

  name = veil_shard_manifest_name (1, 8);
  g_assert_cmpstr (name, ==, "veil-manifest.shard-2-of-8.json");
  g_assert_true (veil_shard_is_manifest_name (name));
  g_assert_true (veil_shard_is_manifest_name ("veil-manifest.json"));
  g_assert_false (veil_shard_is_manifest_name ("veil-manifest.shard-9-of-8.json"));
  g_assert_true (veil_shard_is_journal_name ("veil-manifest.journal"));
  g_assert_true (veil_shard_is_journal_name ("veil-manifest.shard-1-of-2.journal"));
  g_assert_false (veil_shard_is_journal_name ("veil-manifest.json"));
}

typedef struct {
  const char *path;
  const char *extension;
  const char *expected;
} NameCase;

static const NameCase name_cases[] = {
  { "cat/a.webp", NULL, "cat/a.webp" },
  { "cat/a.webp", "png", "cat/a.png" },
  { "cat/b.tif", "png", "cat/b.tif.png" },  /* cat/b.png exists in the input */
  { "cat/b.png", NULL, "cat/b.png" },
  { "dog/b.tif", "png", "dog/b.png" },      /* another folder: no collision */
  { "cat/.hidden", "png", "cat/.hidden.png" },
};

static void
test_output_names (gconstpointer data)
{
  const NameCase *c = data;
  g_autoptr(GHashTable) stems = veil_paths_stem_table_new ();
  g_autofree char *name = NULL;
  const char *inputs[] = { "cat/a.webp", "cat/b.tif", "cat/b.png", "dog/b.tif", "cat/.hidden" };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    veil_paths_stem_table_add (stems, inputs[i]);
  name = veil_paths_output_name (stems, c->path, c->extension);
  g_assert_cmpstr (name, ==, c->expected);
}

static void
test_canonicalize (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ("veil-paths-XXXXXX");
  g_autofree char *real = g_build_filename (dir, "real", NULL);
  g_autofree char *link = g_build_filename (dir, "link", NULL);
  g_autofree char *through = g_build_filename (link, "not", "yet", "..", "there", NULL);
  g_autofree char *resolved_dir = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (real, 0755), ==, 0);
  g_assert_cmpint (symlink (real, link), ==, 0);
  resolved_dir = veil_paths_canonicalize (dir, &error);
  g_assert_no_error (error);
  resolved = veil_paths_canonicalize (through, &error);
  g_assert_no_error (error);
  expected = g_build_filename (resolved_dir, "real", "not", "there", NULL);
  g_assert_cmpstr (resolved, ==, expected);

  g_assert_true (veil_paths_is_within ("/a/b", "/a/b"));
  g_assert_true (veil_paths_is_within ("/a/b", "/a/b/c"));
  g_assert_false (veil_paths_is_within ("/a/b", "/a/bc"));
  g_assert_false (veil_paths_is_within ("/a/b/c", "/a/b"));
  g_assert_true (veil_paths_is_within ("/", "/a"));
  veil_test_rm_rf (dir);
}

static void
test_atomic_write (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ("veil-paths-XXXXXX");
  g_autoptr(GBytes) bytes = g_bytes_new_static ("hello", 5);
  g_autoptr(GError) error = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *path = g_build_filename (dir, "a", "b", "c.txt", NULL);
  g_autofree char *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "hello", 5);
  g_autofree char *read_only = g_build_filename (dir, "ro", NULL);
  g_autofree char *stale = g_build_filename (dir, "a", VEIL_PATHS_TEMP_PREFIX "abc", NULL);

  g_assert_true (veil_paths_write_atomic (dir, "a/b/c.txt", bytes, &sha, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (sha, ==, expected);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  g_assert_true (g_file_set_contents (stale, "x", 1, NULL));
  veil_paths_remove_temps (dir);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  if (geteuid () != 0)
    {
      g_assert_cmpint (g_mkdir (read_only, 0555), ==, 0);
      g_assert_false (veil_paths_write_atomic (read_only, "x.png", bytes, NULL, &error));
      g_assert_error (error, VEIL_ERROR, VEIL_ERROR_WRITE);
      g_assert_nonnull (strstr (error->message, "x.png"));
    }
  else
    g_test_message ("root writes anywhere: the unwritable case is left out");
  veil_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/manifest/round-trip", test_round_trip);
  g_test_add_func ("/core/manifest/damaged", test_damaged);
  g_test_add_func ("/core/manifest/filter-kinds", test_filter_kinds);
  g_test_add_func ("/core/manifest/decoy", test_decoy);
  g_test_add_func ("/core/manifest/non-utf8-classes", test_non_utf8_classes);
  g_test_add_func ("/core/manifest/unsafe-entries", test_unsafe_entries);
  for (guint i = 0; i < G_N_ELEMENTS (number_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/manifest/numbers/%u", i);
      g_test_add_data_func (path, &number_cases[i], test_numbers);
    }
  g_test_add_func ("/core/manifest/journal", test_journal);
  g_test_add_func ("/core/manifest/entry-text", test_entry_text);
  for (guint i = 0; i < G_N_ELEMENTS (setting_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/manifest/settings/%u", i);
      g_test_add_data_func (path, &setting_cases[i], test_settings);
    }
  g_test_add_func ("/core/manifest/merge", test_merge);
  g_test_add_func ("/core/shard/assignment", test_shard_assignment);
  for (guint i = 0; i < G_N_ELEMENTS (name_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/paths/output-name/%u", i);
      g_test_add_data_func (path, &name_cases[i], test_output_names);
    }
  g_test_add_func ("/core/paths/canonicalize", test_canonicalize);
  g_test_add_func ("/core/paths/atomic-write", test_atomic_write);
  return g_test_run ();
}
