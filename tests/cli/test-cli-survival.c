/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <math.h>
#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>

#include "cli-test-util.h"
#include "veil-test-util.h"

/* The survival report after "protect": in its words on stdout, as a JSON event (after
 * progress events of the check), in the manifest; off with --no-check; a failing class is a
 * warning for protect (exit 0) and exit 3 for check, which agrees with what protect
 * recorded. */

/* Two classes of textured images, which keep their pattern, and one of blank grey images,
 * which carry no pattern at all (convolving a flat picture leaves it flat): that class fails. */
static char *
make_tree (const char *base)
{
  char *input = g_build_filename (base, "in", NULL);

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *cat = g_strdup_printf ("%s/cat/c%u.png", input, i);
      g_autofree char *dog = g_strdup_printf ("%s/dog/d%u.jpg", input, i);

      cli_write_png (cat, 48, 40, i);
      cli_write_jpeg (dog, 40, 48, 10 + i);
    }
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *sky = g_strdup_printf ("%s/sky/s%u.png", input, i);
      g_autofree char *dir = g_path_get_dirname (sky);
      g_autoptr(GdkPixbuf) grey = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 40, 40);
      g_autoptr(GError) error = NULL;

      gdk_pixbuf_fill (grey, 0x80808000u + i * 0x01010100u);
      g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
      g_assert_true (gdk_pixbuf_save (grey, sky, "png", &error, NULL));
      g_assert_no_error (error);
    }
  return input;
}

static JsonObject *
class_result (JsonObject *survival,
              const char *name)
{
  JsonArray *classes = json_object_get_array_member (survival, "classes");

  for (guint i = 0; i < json_array_get_length (classes); i++)
    {
      JsonObject *c = json_array_get_object_element (classes, i);

      if (g_strcmp0 (json_object_get_string_member (c, "class"), name) == 0)
        return c;
    }
  g_assert_not_reached ();
}

/* The "survival" member of a manifest or of a line of JSON output. */
static JsonNode *
survival_of (const char *json_text)
{
  g_autoptr(JsonNode) root = json_from_string (json_text, NULL);
  JsonObject *object;

  g_assert_nonnull (root);
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "survival"))
    return NULL;
  return json_node_copy (json_object_get_member (object, "survival"));
}

static void
assert_verdicts (JsonNode *node)
{
  JsonObject *survival = json_node_get_object (node);

  g_assert_false (json_object_get_boolean_member (survival, "all_pass"));
  g_assert_cmpint (json_object_get_int_member (survival, "resolution"), ==, 224);
  g_assert_true (json_object_get_boolean_member (class_result (survival, "cat"), "pass"));
  g_assert_true (json_object_get_boolean_member (class_result (survival, "dog"), "pass"));
  g_assert_false (json_object_get_boolean_member (class_result (survival, "sky"), "pass"));
  /* Verdicts as ids, no sentences: a uniform grey carries no pattern through a JPEG. */
  g_assert_cmpstr (json_object_get_string_member (survival, "verdict"), ==, "too-plain");
  g_assert_cmpstr (json_object_get_string_member (class_result (survival, "sky"), "verdict"), ==,
                   "too-plain");
  g_assert_cmpstr (json_object_get_string_member (class_result (survival, "cat"), "verdict"), ==,
                   "pass");
  g_assert_false (json_object_has_member (survival, "summary"));
  g_assert_false (json_object_has_member (class_result (survival, "sky"), "summary"));
  g_assert_cmpint (json_object_get_int_member (class_result (survival, "cat"), "samples"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (class_result (survival, "sky"), "samples"), ==, 3);
  /* Small images are not shrunk: protected exactly as the paper does. */
  g_assert_cmpint (json_object_get_int_member (class_result (survival, "cat"), "native_images"),
                   ==, 4);
}

static void
test_protect_and_check (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autofree char *manifest_path = g_build_filename (output, "veil-manifest.json", NULL);
  g_autofree char *manifest = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) recorded = NULL;
  g_autoptr(JsonNode) checked = NULL;

  /* A failing class is a warning: every file was written. */
  g_assert_cmpint (cli_run (NULL, &out, NULL, "protect", "--seed", "3", "-q", input, output,
                            NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "Does the protection survive AI training?"));
  g_assert_nonnull (strstr (out, "cat: pass"));
  g_assert_nonnull (strstr (out, "sky: FAIL"));
  g_assert_nonnull (strstr (out, "their filters are applied as they are"));
  /* The failure is the headline, before any class, and the advice says why in words. */
  g_assert_nonnull (strstr (out, "1 of 3 checked classes would not stay protected"));
  g_assert_true (strstr (out, "1 of 3 checked classes") < strstr (out, "sky: FAIL"));
  g_assert_true (strstr (out, "sky: FAIL") < strstr (out, "cat: pass"));
  g_assert_nonnull (strstr (out, "plain or nearly uniform pictures"));
  g_assert_null (strstr (out, "dB"));

  g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));
  recorded = survival_of (manifest);
  g_assert_nonnull (recorded);
  assert_verdicts (recorded);

  /* check answers the question with its exit status, on the same sample. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_run (NULL, &out, NULL, "check", "--seed", "3", "--against", input, output,
                            NULL), ==, 3);
  g_assert_nonnull (strstr (out, "sky: FAIL"));
  /* check gives the figures too, in a row of their own. */
  g_assert_nonnull (strstr (out, "dB from the originals on average"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_run (NULL, &out, NULL, "check", "--seed", "3", "--json", "--against",
                            input, output, NULL), ==, 3);
  checked = survival_of (out);
  g_assert_nonnull (checked);
  assert_verdicts (checked);
  g_assert_cmpfloat (json_object_get_double_member (class_result (json_node_get_object (checked),
                                                                  "cat"), "psnr_mean"), ==,
                     json_object_get_double_member (class_result (json_node_get_object (recorded),
                                                                  "cat"), "psnr_mean"));
  veil_test_rm_rf (base);
}

/* A smooth picture, like a photo at a size where its detail is spread over many pixels. */
static void
write_smooth_png (const char *path,
                  int         width,
                  int         height,
                  guint       seed)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < 3; c++)
        pixels[(gsize) y * stride + x * 3 + c] =
          (guint8) (128 + 60 * sin (x / (29.0 + seed) + c) * cos (y / (23.0 + c + seed)));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  g_assert_no_error (error);
}

/* Photos larger than the training size, protected with native filters: shrunk to 224 px they
 * lose them, and the advice is the training resolution. */
static void
test_washed_out (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = g_build_filename (base, "in", NULL);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autofree char *manifest_path = g_build_filename (output, "veil-manifest.json", NULL);
  g_autofree char *manifest = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) survival = NULL;
  const char *names[] = { "bird", "boat", "tree" };

  for (guint c = 0; c < G_N_ELEMENTS (names); c++)
    for (guint i = 0; i < 2; i++)
      {
        g_autofree char *path = g_strdup_printf ("%s/%s/%u.png", input, names[c], i);

        write_smooth_png (path, 720, 540, c * 2 + i);
      }
  g_assert_cmpint (cli_run (NULL, &out, NULL, "protect", "--seed", "3", "-k", "3", "--pb", "0.3",
                            "--training-res", "native", "-q", input, output, NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "3 of 3 checked classes would not stay protected"));
  g_assert_nonnull (strstr (out, "protect again with the training resolution set to 224 pixels"));
  g_assert_null (strstr (out, "dB"));

  g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));
  survival = survival_of (manifest);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (survival), "verdict"), ==,
                   "washed-out");
  g_assert_false (json_object_get_boolean_member (json_node_get_object (survival),
                                                  "made_for_resolution"));
  for (guint c = 0; c < G_N_ELEMENTS (names); c++)
    g_assert_cmpstr (json_object_get_string_member (class_result (json_node_get_object (survival),
                                                                  names[c]), "verdict"), ==,
                     "washed-out");
  veil_test_rm_rf (base);
}

/* The "truck" and "bird": classes whose filters are alike fail because of each other,
 * even though the protection was made for the training resolution. The advice names the other
 * class and does not send the person back to the resolution they already used. Ten 3×3 filters
 * share nine peak cells, and at the lowest strength two with the same peak are almost equal. */
static void
test_confusable_named (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = g_build_filename (base, "in", NULL);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autofree char *manifest_path = g_build_filename (output, "veil-manifest.json", NULL);
  g_autofree char *manifest = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *classes;
  guint n_confusable = 0;

  for (guint c = 0; c < 10; c++)
    for (guint i = 0; i < 2; i++)
      {
        g_autofree char *path = g_strdup_printf ("%s/class%u/%u.png", input, c, i);

        cli_write_png (path, 300, 240, 70 + c * 2 + i);
      }
  g_assert_cmpint (cli_run (NULL, &out, NULL, "protect", "--seed", "3", "-k", "3", "--pb", "0.01",
                            "--training-res", "224", "-q", input, output, NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_null (strstr (out, "training resolution set to"));
  g_assert_null (strstr (out, "dB"));

  g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));
  node = survival_of (manifest);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node),
                                                 "made_for_resolution"));
  classes = json_object_get_array_member (json_node_get_object (node), "classes");
  for (guint i = 0; i < json_array_get_length (classes); i++)
    {
      JsonObject *c = json_array_get_object_element (classes, i);
      const char *verdict = json_object_get_string_member (c, "verdict");

      g_assert_cmpstr (verdict, !=, "washed-out");
      if (g_strcmp0 (verdict, "confusable") == 0)
        {
          g_autofree char *named = g_strdup_printf ("The protection of “%s” is too similar to "
                                                    "that of “%s”",
                                                    json_object_get_string_member (c, "class"),
                                                    json_object_get_string_member (c, "best_other_class"));

          g_assert_cmpfloat (json_object_get_double_member (c, "cosine_filters"), >=, 0.8);
          g_assert_nonnull (strstr (out, named));
          n_confusable++;
        }
    }
  g_assert_cmpuint (n_confusable, >, 0);
  veil_test_rm_rf (base);
}

/* The survival event, and before it progress events for both phases: writing, then checking
 * the whole sample (4 + 4 + 3 pairs), never back. */
static void
test_json_event (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean seen = FALSE;
  guint n_writing = 0, n_checking = 0;
  gint64 last_checked = -1, last_to_check = -1;

  g_assert_cmpint (cli_run (NULL, &out, NULL, "protect", "--seed", "3", "--json", input, output,
                            NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) line = NULL;
      JsonObject *object;
      const char *event;

      if (lines[i][0] == '\0')
        continue;
      line = json_from_string (lines[i], NULL);
      g_assert_nonnull (line);
      object = json_node_get_object (line);
      event = json_object_get_string_member_with_default (object, "event", "");
      if (g_strcmp0 (event, "progress") == 0)
        {
          const char *phase = json_object_get_string_member (object, "phase");

          g_assert_false (seen);
          if (g_strcmp0 (phase, "writing") == 0)
            {
              g_assert_cmpuint (n_checking, ==, 0);
              g_assert_false (json_object_has_member (object, "checked"));
              n_writing++;
              continue;
            }
          g_assert_cmpstr (phase, ==, "checking");
          g_assert_cmpint (json_object_get_int_member (object, "done"), ==, 11);
          g_assert_cmpint (json_object_get_int_member (object, "total"), ==, 11);
          last_checked = json_object_get_int_member (object, "checked");
          last_to_check = json_object_get_int_member (object, "to_check");
          g_assert_cmpint (last_checked, <=, last_to_check);
          n_checking++;
        }
      else if (g_strcmp0 (event, "survival") == 0)
        {
          g_autoptr(JsonNode) survival = survival_of (lines[i]);

          assert_verdicts (survival);
          seen = TRUE;
        }
    }
  g_assert_true (seen);
  g_assert_cmpuint (n_writing, >=, 1);
  g_assert_cmpuint (n_checking, >=, 1);
  g_assert_cmpint (last_checked, ==, 11);
  g_assert_cmpint (last_to_check, ==, 11);
  veil_test_rm_rf (base);
}

/* Without a terminal, the check shows as a plain line of its own. */
static void
test_plain_progress (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autofree char *err = NULL;
  const char *env[] = { "LANGUAGE=en", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", NULL };

  g_assert_cmpint (cli_run_full (NULL, env, FALSE, NULL, &err, "protect", "--seed", "3", input,
                                 output, NULL), ==, 0);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "11 of 11 images"));
  g_assert_nonnull (strstr (err, "Checking that the protection survives shrinking… 11/11\n"));
  /* The end of the check is said once. */
  g_assert_null (strstr (strstr (err, "shrinking…") + 1, "shrinking…"));
  veil_test_rm_rf (base);
}

static void
test_no_check_and_sample (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base);
  g_autofree char *off = g_build_filename (base, "off", NULL);
  g_autofree char *two = g_build_filename (base, "two", NULL);
  g_autofree char *manifest_path = g_build_filename (off, "veil-manifest.json", NULL);
  g_autofree char *two_path = g_build_filename (two, "veil-manifest.json", NULL);
  g_autofree char *manifest = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) survival = NULL;

  g_assert_cmpint (cli_run (NULL, &out, NULL, "protect", "--seed", "3", "--no-check", "-q", input,
                            off, NULL), ==, 0);
  g_assert_null (strstr (out, "survive"));
  g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));
  g_assert_null (strstr (manifest, "\"survival\""));

  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "3", "--check-sample", "0",
                            input, two, NULL), ==, 2);
  g_assert_cmpint (cli_run (NULL, NULL, NULL, "protect", "--seed", "3", "--check-sample", "2",
                            "-q", input, two, NULL), ==, 0);
  g_clear_pointer (&manifest, g_free);
  g_assert_true (g_file_get_contents (two_path, &manifest, NULL, NULL));
  survival = survival_of (manifest);
  g_assert_cmpint (json_object_get_int_member (class_result (json_node_get_object (survival),
                                                             "cat"), "samples"), ==, 2);
  veil_test_rm_rf (base);
}

/* The manifest is a record, not a message: the same export in another language writes the same
 * bytes (or resuming under another locale would change them), while what is printed for the
 * person is translated. */
static void
test_manifest_language_independent (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-cli-XXXXXX");
  g_autofree char *input = make_tree (base);
  g_autofree char *english = g_build_filename (base, "en", NULL);
  g_autofree char *german = g_build_filename (base, "de", NULL);
  g_autofree char *english_manifest = g_build_filename (english, "veil-manifest.json", NULL);
  g_autofree char *german_manifest = g_build_filename (german, "veil-manifest.json", NULL);
  g_autofree char *english_out = NULL, *german_out = NULL;
  g_autofree char *english_text = NULL, *german_text = NULL;
  const char *english_env[] = { "LANGUAGE=en", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", NULL };
  const char *german_env[] = { "LANGUAGE=de", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", NULL };

  if (g_getenv ("VEIL_LOCALEDIR") == NULL)
    {
      g_test_skip ("No translations built (VEIL_LOCALEDIR unset)");
      return;
    }
  g_assert_cmpint (cli_run_full (NULL, english_env, FALSE, &english_out, NULL, "protect",
                                 "--seed", "3", "-q", input, english, NULL), ==, 0);
  g_assert_cmpint (cli_run_full (NULL, german_env, FALSE, &german_out, NULL, "protect",
                                 "--seed", "3", "-q", input, german, NULL), ==, 0);
  /* The German run really was in German… */
  g_assert_cmpstr (english_out, !=, german_out);
  /* …and recorded the same manifest: verdicts and figures, no sentences in any language. */
  g_assert_true (g_file_get_contents (english_manifest, &english_text, NULL, NULL));
  g_assert_true (g_file_get_contents (german_manifest, &german_text, NULL, NULL));
  g_assert_cmpstr (english_text, ==, german_text);
  g_assert_nonnull (strstr (german_text, "\"verdict\" : \"too-plain\""));
  g_assert_null (strstr (german_text, "\"summary\" : \""));
  veil_test_rm_rf (base);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/survival/protect-and-check", test_protect_and_check);
  g_test_add_func ("/cli/survival/washed-out", test_washed_out);
  g_test_add_func ("/cli/survival/confusable-named", test_confusable_named);
  g_test_add_func ("/cli/survival/json-event", test_json_event);
  g_test_add_func ("/cli/survival/plain-progress", test_plain_progress);
  g_test_add_func ("/cli/survival/no-check-and-sample", test_no_check_and_sample);
  g_test_add_func ("/cli/survival/manifest-language-independent",
                   test_manifest_language_independent);

  return g_test_run ();
}
