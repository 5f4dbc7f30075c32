/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include "veil.h"
#include "veil-manifest.h"
#include "veil-test-util.h"

/* The export pipeline through its C API: output checks, identical results at any thread
 * count and shard split, progress, cancellation (while writing and while checking) and the
 * asynchronous form. */

#define N_IMAGES 24

static char *
make_dataset (const char *base)
{
  char *root = g_build_filename (base, "in", NULL);

  for (guint i = 0; i < N_IMAGES; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s/img%02u.png", root,
                                               i % 3 == 0 ? "ant" : i % 3 == 1 ? "bee" : "cow",
                                               i);
      g_autofree char *dir = g_path_get_dirname (path);
      g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, i % 5 == 0, 8,
                                                    20 + i, 18 + (i % 4));
      g_autoptr(GError) error = NULL;
      int stride = gdk_pixbuf_get_rowstride (pixbuf);
      int row = gdk_pixbuf_get_width (pixbuf) * gdk_pixbuf_get_n_channels (pixbuf);

      for (int y = 0; y < gdk_pixbuf_get_height (pixbuf); y++)
        veil_test_fill_random (gdk_pixbuf_get_pixels (pixbuf) + y * stride, row, i * 131 + y);
      g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
      gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
      g_assert_no_error (error);
    }
  return root;
}

static VeilDataset *
scan (const char *root)
{
  g_autoptr(GError) error = NULL;
  VeilDataset *dataset = veil_dataset_scan (root, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return dataset;
}

static VeilKey *
test_key (void)
{
  guint8 secret[VEIL_KEY_SECRET_LENGTH];

  veil_test_fill_random (secret, sizeof secret, 42);
  return veil_key_new_from_secret ("test", secret, NULL);
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Every file below @root as "relative path=sha256" lines, sorted. */
static char *
tree_digest (const char *root,
             const char *relative)
{
  g_autofree char *path = relative != NULL ? g_build_filename (root, relative, NULL)
                                           : g_strdup (root);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *rel = relative != NULL ? g_build_filename (relative, name, NULL)
                                              : g_strdup (name);
      g_autofree char *full = g_build_filename (root, rel, NULL);

      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (lines, tree_digest (root, rel));
      else
        {
          g_autofree char *sha = veil_test_file_sha256 (full);
          g_ptr_array_add (lines, g_strdup_printf ("%s=%s\n", rel, sha));
        }
    }
  g_ptr_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    g_string_append (out, g_ptr_array_index (lines, i));
  return g_string_free (out, FALSE);
}

typedef struct {
  const char *output; /* relative to the test folder */
  int         code;   /* VEIL_ERROR_* or -1 for success */
} OutputCase;

static const OutputCase output_cases[] = {
  { "in", VEIL_ERROR_OUTPUT_OVERLAPS_INPUT },
  { "in/ant", VEIL_ERROR_OUTPUT_OVERLAPS_INPUT },
  { "in/new/deeper", VEIL_ERROR_OUTPUT_OVERLAPS_INPUT },
  { ".", VEIL_ERROR_OUTPUT_OVERLAPS_INPUT },
  { "link-to-in", VEIL_ERROR_OUTPUT_OVERLAPS_INPUT },
  { "link-to-in/ant/x", VEIL_ERROR_OUTPUT_OVERLAPS_INPUT },
  { "in-sibling", -1 },
  { "out/not/yet", -1 },
};

static void
test_check_output (gconstpointer data)
{
  const OutputCase *c = data;
  g_autofree char *base = veil_test_make_tmpdir ("veil-export-XXXXXX");
  g_autofree char *input = g_build_filename (base, "in", "ant", NULL);
  g_autofree char *root = g_build_filename (base, "in", NULL);
  g_autofree char *link = g_build_filename (base, "link-to-in", NULL);
  g_autofree char *output = g_build_filename (base, c->output, NULL);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_assert_cmpint (g_mkdir_with_parents (input, 0755), ==, 0);
  g_assert_cmpint (symlink (root, link), ==, 0);
  ok = veil_export_check_output (root, output, &error);
  if (c->code < 0)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  else
    {
      g_assert_false (ok);
      g_assert_error (error, VEIL_ERROR, c->code);
    }
  veil_test_rm_rf (base);
}

static VeilExportReport *
export (VeilDataset       *dataset,
        const char        *output,
        VeilExportOptions *options)
{
  g_autoptr(GError) error = NULL;
  VeilExportReport *report = veil_export_run (dataset, output, options, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static void
test_threads_and_shards (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-export-XXXXXX");
  g_autofree char *root = make_dataset (base);
  g_autoptr(VeilDataset) dataset = scan (root);
  g_autoptr(VeilKey) key = test_key ();
  g_autofree char *digest1 = NULL;
  const guint threads[] = { 1, 2, 5 };
  VeilExportOptions options;

  veil_export_options_init (&options);
  options.key = key;
  options.mix = 0.5;

  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      g_autofree char *output = g_strdup_printf ("%s/out-%u", base, threads[t]);
      g_autoptr(VeilExportReport) report = NULL;
      g_autofree char *digest = NULL;

      options.n_threads = threads[t];
      report = export (dataset, output, &options);
      g_assert_cmpuint (veil_export_report_get_n_failed (report), ==, 0);
      g_assert_cmpuint (veil_export_report_get_n_protected (report)
                        + veil_export_report_get_n_unchanged (report), ==, N_IMAGES);
      /* A fair coin over 24 images: both outcomes occur. */
      g_assert_cmpuint (veil_export_report_get_n_protected (report), >, 0);
      g_assert_cmpuint (veil_export_report_get_n_unchanged (report), >, 0);
      digest = tree_digest (output, NULL);
      if (digest1 == NULL)
        digest1 = g_steal_pointer (&digest);
      else
        g_assert_cmpstr (digest, ==, digest1);
    }

  /* Three shards into one folder: disjoint image sets whose manifests merge into the single
   * run's. A shard sees part of each class and does not check survival; the merged export is
   * checked on the same sample one run uses, which gives the single run's report. */
  {
    g_autofree char *shared = g_build_filename (base, "shared", NULL);
    g_autoptr(VeilFilterBank) bank = NULL;
    g_autoptr(VeilSurvivalReport) survival = NULL;
    g_autoptr(GPtrArray) manifests = g_ptr_array_new_with_free_func (
      (GDestroyNotify) veil_manifest_free);
    g_autoptr(VeilManifest) merged = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *merged_path = g_build_filename (base, "merged.json", NULL);
    g_autofree char *single_path = g_build_filename (base, "out-1", VEIL_MANIFEST_NAME, NULL);
    g_autofree char *merged_text = NULL;
    g_autofree char *single_text = NULL;
    guint n_total = 0;

    options.n_threads = 2;
    options.shard_count = 3;
    for (guint s = 0; s < 3; s++)
      {
        g_autofree char *name = g_strdup_printf ("veil-manifest.shard-%u-of-3.json", s + 1);
        g_autofree char *manifest_path = g_build_filename (shared, name, NULL);
        g_autoptr(VeilExportReport) report = NULL;
        VeilManifest *manifest;

        options.shard_index = s;
        report = export (dataset, shared, &options);
        g_assert_null (veil_export_report_get_survival (report));
        n_total += veil_export_report_get_n_protected (report)
                   + veil_export_report_get_n_unchanged (report);
        manifest = veil_manifest_load (manifest_path, &error);
        g_assert_no_error (error);
        g_assert_null (manifest->survival);
        g_ptr_array_add (manifests, manifest);
      }
    g_assert_cmpuint (n_total, ==, N_IMAGES);
    merged = veil_manifest_merge (manifests, &error);
    g_assert_no_error (error);
    g_assert_null (merged->survival);
    /* The bank as "veil-cli merge" rebuilds it: from the merged manifest. */
    bank = veil_manifest_new_filter_bank (merged, key, &error);
    g_assert_no_error (error);
    g_assert_cmpint (veil_filter_bank_get_decoy (bank), >=, 0);
    survival = veil_survival_check_manifest (merged, root, shared, bank, options.survival_sample,
                                             NULL, &error);
    g_assert_no_error (error);
    merged->survival = veil_survival_report_to_json (survival);
    g_assert_true (veil_manifest_save (merged, merged_path, &error));
    g_assert_true (g_file_get_contents (merged_path, &merged_text, NULL, NULL));
    g_assert_true (g_file_get_contents (single_path, &single_text, NULL, NULL));
    g_assert_cmpstr (merged_text, ==, single_text);
  }
  veil_test_rm_rf (base);
}

/* A photograph-like JPEG: gradients, texture at a scale that survives shrinking to 224 px,
 * and noise (the idea of tests/test-survival.c's fixture). */
static void
write_photo (const char *path,
             int         width,
             int         height,
             guint32     seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  double phase = g_rand_double_range (rand, 0, 6.28);
  g_autofree double *cols = g_new (double, width * 3);
  g_autofree double *rows = g_new (double, height * 3);

  for (int x = 0; x < width; x++)
    for (int c = 0; c < 3; c++)
      cols[x * 3 + c] = sin (3.0 * x / width + c + phase);
  for (int y = 0; y < height; y++)
    for (int c = 0; c < 3; c++)
      rows[y * 3 + c] = cos (2.5 * y / height - 0.5 * c);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < 3; c++)
        {
          double texture = sin (140.0 * x / width + c) * sin (97.0 * y / height + phase);
          double v = 115 + 70 * cols[x * 3 + c] * rows[y * 3 + c] + 25 * texture
                     + (g_rand_int (rand) >> 24) * (10.0 / 255) - 5;

          pixels[(gsize) y * stride + x * 3 + c] = (guint8) CLAMP (v, 0, 255);
        }
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "92", NULL));
  g_assert_no_error (error);
}

static char *
survival_json (const VeilSurvivalReport *report)
{
  g_autoptr(JsonNode) node = veil_survival_report_to_json (report);

  return json_to_string (node, FALSE);
}

/* The case, in small: photos exported at R = 224 keep their protection where a model
 * looks, the same photos protected natively at full size lose it. The report is in the export
 * report and the manifest, and equals a check made from the files alone (what a resumed export
 * or a merge computes), so it never depends on what happened to be in memory. */
static void
test_survival (void)
{
  static const char *classes[] = { "birds", "boats", "trees" };
  g_autofree char *base = veil_test_make_tmpdir ("veil-export-XXXXXX");
  g_autofree char *root = g_build_filename (base, "in", NULL);
  g_autoptr(VeilDataset) dataset = NULL;
  g_autoptr(VeilKey) key = veil_key_new_from_seed (1);
  VeilExportOptions options;
  const guint resolutions[] = { 224, VEIL_TRAINING_RES_NATIVE };

  for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s/photo.jpg", root, classes[c]);

      write_photo (path, 2000, 1500, 100 + c);
    }
  dataset = scan (root);

  veil_export_options_init (&options);
  options.key = key;
  options.k = 9;
  options.pb = 0.06;

  for (guint r = 0; r < G_N_ELEMENTS (resolutions); r++)
    {
      g_autofree char *output = g_strdup_printf ("%s/out-%u", base, resolutions[r]);
      g_autofree char *manifest_path = g_build_filename (output, VEIL_MANIFEST_NAME, NULL);
      g_autoptr(VeilExportReport) report = NULL;
      g_autoptr(VeilManifest) manifest = NULL;
      g_autoptr(VeilFilterBank) bank = NULL;
      g_autoptr(VeilSurvivalReport) from_disk = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *in_report = NULL;
      g_autofree char *in_manifest = NULL;
      g_autofree char *on_disk = NULL;
      const VeilSurvivalReport *survival;
      gboolean expect_pass = resolutions[r] != VEIL_TRAINING_RES_NATIVE;

      options.training_res = resolutions[r];
      report = export (dataset, output, &options);
      survival = veil_export_report_get_survival (report);
      g_assert_nonnull (survival);
      g_assert_cmpuint (veil_survival_report_get_resolution (survival), ==, 224);
      for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
        {
          VeilSurvivalClassResult result;

          veil_survival_report_get_result (survival, c, &result);
          g_test_message ("R=%u %s: %.1f dB, cosine %.2f vs %.2f", resolutions[r], classes[c],
                          result.psnr, result.cosine_own, result.cosine_best_other);
          g_assert_cmpuint (result.n_samples, ==, 1);
          g_assert_cmpuint (result.n_native, ==, 0);
          g_assert_cmpint (result.pass, ==, expect_pass);
          /* Native filters on large photos: the shrink to 224 px takes them away. */
          g_assert_cmpint (result.verdict, ==, expect_pass ? VEIL_SURVIVAL_VERDICT_PASS
                                                           : VEIL_SURVIVAL_VERDICT_WASHED_OUT);
        }
      g_assert_cmpint (veil_survival_report_get_all_pass (survival), ==, expect_pass);

      manifest = veil_manifest_load (manifest_path, &error);
      g_assert_no_error (error);
      g_assert_nonnull (manifest->survival);
      g_assert_cmpint (json_object_get_boolean_member (json_node_get_object (manifest->survival),
                                                       "all_pass"), ==, expect_pass);
      in_report = survival_json (survival);

      bank = veil_manifest_new_filter_bank (manifest, key, &error);
      g_assert_no_error (error);
      from_disk = veil_survival_check_manifest (manifest, root, output, bank, 8, NULL, &error);
      g_assert_no_error (error);
      on_disk = survival_json (from_disk);
      g_assert_cmpstr (on_disk, ==, in_report);

      /* The manifest written is the one a check from the files gives, byte for byte. */
      g_assert_true (g_file_get_contents (manifest_path, &in_manifest, NULL, NULL));
      g_clear_pointer (&manifest->survival, json_node_unref);
      manifest->survival = veil_survival_report_to_json (from_disk);
      {
        g_autofree char *rewritten = veil_manifest_to_data (manifest, NULL);

        g_assert_cmpstr (rewritten, ==, in_manifest);
      }
    }
  veil_test_rm_rf (base);
}

/* How far the protected @output is from a picture of @input changed only in brightness: the
 * largest difference after the least-squares gain. */
static double
distance_from_gain (const char *input,
                    const char *output)
{
  g_autoptr(GdkPixbuf) in = gdk_pixbuf_new_from_file (input, NULL);
  g_autoptr(GdkPixbuf) out = gdk_pixbuf_new_from_file (output, NULL);
  int width = gdk_pixbuf_get_width (in), height = gdk_pixbuf_get_height (in);
  double xy = 0, xx = 0, gain, largest = 0;

  g_assert_nonnull (in);
  g_assert_nonnull (out);
  g_assert_cmpint (gdk_pixbuf_get_width (out), ==, width);
  g_assert_cmpint (gdk_pixbuf_get_height (out), ==, height);
  for (int pass = 0; pass < 2; pass++)
    {
      gain = pass == 1 ? xy / xx : 0.0;
      for (int y = 0; y < height; y++)
        {
          const guint8 *a = gdk_pixbuf_read_pixels (in) + (gsize) y * gdk_pixbuf_get_rowstride (in);
          const guint8 *b = gdk_pixbuf_read_pixels (out)
                            + (gsize) y * gdk_pixbuf_get_rowstride (out);

          for (int x = 0; x < width * 3; x++)
            if (pass == 0)
              {
                xy += (double) a[x] * b[x];
                xx += (double) a[x] * a[x];
              }
            else
              largest = MAX (largest, fabs (b[x] - gain * a[x]));
        }
    }
  return largest;
}

/* The decoy class: with a secret key one class's photos come out as they went in (but for
 * brightness), the others are filtered; the manifest says there is a decoy but not which, check
 * and merge rebuild it from the manifest, the survival check names it without calling it a
 * failure, and a resume cannot switch it. A seed key and --no-decoy have none. */
static void
test_decoy (void)
{
  static const char *classes[] = { "birds", "boats", "trees" };
  g_autofree char *base = veil_test_make_tmpdir ("veil-export-XXXXXX");
  g_autofree char *root = g_build_filename (base, "in", NULL);
  g_autoptr(VeilDataset) dataset = NULL;
  g_autoptr(VeilKey) key = test_key ();
  g_autoptr(VeilKey) seed = veil_key_new_from_seed (3);
  VeilExportOptions options;
  struct { const char *name; VeilKey *key; gboolean decoy; gboolean expect; } runs[] = {
    { "default", key, TRUE, TRUE },
    { "no-decoy", key, FALSE, FALSE },
    { "seed", seed, TRUE, FALSE },
  };

  for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s/photo.jpg", root, classes[c]);

      write_photo (path, 600, 400, 200 + c);
    }
  dataset = scan (root);

  for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
    {
      g_autofree char *output = g_build_filename (base, runs[r].name, NULL);
      g_autofree char *manifest_path = g_build_filename (output, VEIL_MANIFEST_NAME, NULL);
      g_autofree char *manifest_text = NULL;
      g_autoptr(VeilExportReport) report = NULL;
      g_autoptr(VeilManifest) manifest = NULL;
      g_autoptr(VeilFilterBank) bank = NULL;
      g_autoptr(GError) error = NULL;
      const VeilSurvivalReport *survival;
      int decoy;

      veil_export_options_init (&options);
      options.key = runs[r].key;
      options.decoy = runs[r].decoy;
      options.format = VEIL_OUTPUT_FORMAT_PNG;
      report = export (dataset, output, &options);

      manifest = veil_manifest_load (manifest_path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (manifest->decoy, ==, runs[r].expect);
      g_assert_true (g_file_get_contents (manifest_path, &manifest_text, NULL, NULL));
      g_assert_nonnull (strstr (manifest_text, runs[r].expect ? "\"decoy\" : true"
                                                              : "\"decoy\" : false"));
      bank = veil_manifest_new_filter_bank (manifest, runs[r].key, &error);
      g_assert_no_error (error);
      decoy = veil_filter_bank_get_decoy (bank);
      g_assert_cmpint (decoy >= 0, ==, runs[r].expect);

      survival = veil_export_report_get_survival (report);
      g_assert_nonnull (survival);
      g_assert_true (veil_survival_report_get_all_pass (survival));
      for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
        {
          g_autofree char *in = g_strdup_printf ("%s/%s/photo.jpg", root, classes[c]);
          g_autofree char *out = g_strdup_printf ("%s/%s/photo.png", output, classes[c]);
          double distance = distance_from_gain (in, out);
          VeilSurvivalClassResult result;

          veil_survival_report_get_result (survival, c, &result);
          g_test_message ("%s %s: %.1f from the input", runs[r].name, classes[c], distance);
          if ((int) c == decoy)
            {
              g_assert_cmpfloat (distance, <=, 1.0);
              g_assert_cmpint (result.verdict, ==, VEIL_SURVIVAL_VERDICT_DECOY);
              g_assert_false (veil_survival_verdict_is_failure (result.verdict));
              /* Measured like every class, so its figures are facts, not a blank. */
              g_assert_cmpuint (result.n_samples, ==, 1);
              g_assert_false (isnan (result.psnr_mean));
            }
          else
            {
              g_assert_cmpfloat (distance, >, 10.0);
              g_assert_cmpint (result.verdict, ==, VEIL_SURVIVAL_VERDICT_PASS);
            }
        }

      /* Resuming with the other choice would mix two kinds of export in one folder. */
      if (runs[r].key == key)
        {
          g_autoptr(VeilExportReport) resumed = NULL;

          options.resume = TRUE;
          options.decoy = !options.decoy;
          resumed = veil_export_run (dataset, output, &options, NULL, NULL, NULL, &error);
          g_assert_null (resumed);
          g_assert_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST);
          g_assert_nonnull (strstr (error->message, "decoy"));
        }
    }
  veil_test_rm_rf (base);
}

/* With survival_sample 0 nothing is checked and the manifest has no report; small images are
 * measured at their own size and said to be protected as in the paper. */
static void
test_survival_off_and_small (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-export-XXXXXX");
  g_autofree char *root = make_dataset (base);
  g_autofree char *off = g_build_filename (base, "off", NULL);
  g_autofree char *on = g_build_filename (base, "on", NULL);
  g_autofree char *manifest_path = g_build_filename (off, VEIL_MANIFEST_NAME, NULL);
  g_autofree char *text = NULL;
  g_autoptr(VeilDataset) dataset = scan (root);
  g_autoptr(VeilKey) key = veil_key_new_from_seed (2);
  g_autoptr(VeilExportReport) report = NULL;
  const VeilSurvivalReport *survival;
  VeilExportOptions options;

  veil_export_options_init (&options);
  g_assert_cmpuint (options.survival_sample, ==, VEIL_SURVIVAL_DEFAULT_SAMPLE);
  options.key = key;
  options.survival_sample = 0;
  report = export (dataset, off, &options);
  g_assert_null (veil_export_report_get_survival (report));
  g_assert_true (g_file_get_contents (manifest_path, &text, NULL, NULL));
  g_assert_null (strstr (text, "\"survival\""));
  g_clear_pointer (&report, veil_export_report_free);

  /* Eight images per class, a sample of 3: the first three of each. */
  options.survival_sample = 3;
  report = export (dataset, on, &options);
  survival = veil_export_report_get_survival (report);
  g_assert_nonnull (survival);
  for (guint c = 0; c < 3; c++)
    {
      VeilSurvivalClassResult result;

      veil_survival_report_get_result (survival, c, &result);
      g_assert_cmpuint (result.n_samples, ==, 3);
      g_assert_cmpuint (result.n_native, ==, 3);
    }
  /* Nothing was shrunk, so nothing can have been lost to shrinking. */
  for (guint c = 0; c < 3; c++)
    {
      VeilSurvivalClassResult result;

      veil_survival_report_get_result (survival, c, &result);
      g_assert_cmpint (result.verdict, !=, VEIL_SURVIVAL_VERDICT_WASHED_OUT);
      g_assert_cmpint (result.verdict, !=, VEIL_SURVIVAL_VERDICT_TOO_WEAK);
    }
  veil_test_rm_rf (base);
}

typedef struct {
  guint  n_calls;
  guint  last_done;
  guint  last_total;
  GThread *thread;
  gboolean wrong_thread;
} ProgressLog;

static void
on_progress (const VeilExportProgress *progress,
             gpointer                  user_data)
{
  ProgressLog *log = user_data;

  log->n_calls++;
  g_assert_cmpuint (progress->n_done, >=, log->last_done);
  g_assert_cmpuint (progress->n_done, <=, progress->n_total);
  log->last_done = progress->n_done;
  log->last_total = progress->n_total;
  if (g_thread_self () != log->thread)
    log->wrong_thread = TRUE;
}

static void
test_progress_and_cancel (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-export-XXXXXX");
  g_autofree char *root = make_dataset (base);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autofree char *cancelled_output = g_build_filename (base, "cancelled", NULL);
  g_autoptr(VeilDataset) dataset = scan (root);
  g_autoptr(VeilKey) key = veil_key_new_from_seed (3);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VeilExportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  ProgressLog log = { .thread = g_thread_self () };
  VeilExportOptions options;

  veil_export_options_init (&options);
  options.key = key;
  report = veil_export_run (dataset, output, &options, on_progress, &log, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (log.n_calls, >=, 2);
  g_assert_cmpuint (log.last_done, ==, N_IMAGES);
  g_assert_cmpuint (log.last_total, ==, N_IMAGES);
  g_assert_false (log.wrong_thread);
  g_assert_false (veil_export_can_resume (output));

  /* Cancelled: an error, a journal to resume from, and no manifest. */
  g_cancellable_cancel (cancellable);
  g_assert_null (veil_export_run (dataset, cancelled_output, &options, NULL, NULL, cancellable,
                                  &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (veil_export_can_resume (cancelled_output));
  g_clear_error (&error);

  /* Resumed, it ends up identical to the export that ran through. */
  g_clear_pointer (&report, veil_export_report_free);
  options.resume = TRUE;
  report = veil_export_run (dataset, cancelled_output, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  {
    g_autofree char *a = tree_digest (output, NULL);
    g_autofree char *b = tree_digest (cancelled_output, NULL);
    g_assert_cmpstr (a, ==, b);
  }
  veil_test_rm_rf (base);
}

typedef struct {
  GCancellable *cancel_on_check; /* cancelled at the first CHECKING report, may be NULL */
  guint         n_writing;
  guint         n_checking;
  guint         n_after_cancel;  /* reports after the cancellation */
  guint         first_checked;   /* n_checked of the first CHECKING report */
  guint         last_checked;
  guint         last_to_check;
} CheckLog;

static void
on_check_progress (const VeilExportProgress *progress,
                   gpointer                  user_data)
{
  CheckLog *log = user_data;

  if (log->cancel_on_check != NULL && g_cancellable_is_cancelled (log->cancel_on_check))
    log->n_after_cancel++;
  if (progress->phase == VEIL_EXPORT_PHASE_WRITING)
    {
      /* Writing never comes back once checking started. */
      g_assert_cmpuint (log->n_checking, ==, 0);
      g_assert_cmpuint (progress->n_to_check, ==, 0);
      log->n_writing++;
      return;
    }
  g_assert_cmpint (progress->phase, ==, VEIL_EXPORT_PHASE_CHECKING);
  g_assert_cmpuint (progress->n_done, ==, progress->n_total);
  g_assert_cmpuint (progress->n_checked, <=, progress->n_to_check);
  if (log->n_checking == 0)
    log->first_checked = progress->n_checked;
  else
    {
      g_assert_cmpuint (progress->n_checked, >=, log->last_checked);
      g_assert_cmpuint (progress->n_to_check, ==, log->last_to_check);
    }
  log->n_checking++;
  log->last_checked = progress->n_checked;
  log->last_to_check = progress->n_to_check;
  if (log->cancel_on_check != NULL)
    g_cancellable_cancel (log->cancel_on_check);
}

/* Cancelled during the survival check, an export is resumable: the resumed run redoes only the
 * check, from the files, and ends identical to one that ran through. Progress shows the check,
 * counting the pairs measured while writing as checked, and stops at the cancellation. */
static void
test_cancel_while_checking (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-export-XXXXXX");
  g_autofree char *root = make_dataset (base);
  g_autofree char *clean = g_build_filename (base, "clean", NULL);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autofree char *manifest_path = g_build_filename (output, VEIL_MANIFEST_NAME, NULL);
  g_autoptr(VeilDataset) dataset = scan (root);
  g_autoptr(VeilKey) key = test_key ();
  g_autoptr(VeilExportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  VeilExportOptions options;
  CheckLog log = { 0 };
  /* Eight images per class, all protected: the whole collection is the sample. */
  const guint n_sample = N_IMAGES;

  veil_export_options_init (&options);
  options.key = key;
  g_assert_cmpuint (options.survival_sample * 3, ==, n_sample);

  report = veil_export_run (dataset, clean, &options, on_check_progress, &log, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (veil_export_report_get_survival (report));
  g_assert_cmpuint (log.n_writing, >=, 1);
  /* Every pair was measured while writing: the check starts complete. */
  g_assert_cmpuint (log.n_checking, >=, 1);
  g_assert_cmpuint (log.first_checked, ==, n_sample);
  g_assert_cmpuint (log.last_checked, ==, n_sample);
  g_assert_cmpuint (log.last_to_check, ==, n_sample);
  g_clear_pointer (&report, veil_export_report_free);

  /* Cancelled when the check starts, twice: in a fresh run, and in a resumed one that loads
   * every pair from the disk. Each time nothing is reported after the cancellation, there is
   * no manifest and the export can be resumed. */
  for (guint run = 0; run < 2; run++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();

      log = (CheckLog) { .cancel_on_check = cancellable };
      options.resume = run > 0;
      g_assert_null (veil_export_run (dataset, output, &options, on_check_progress, &log,
                                      cancellable, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&error);
      g_assert_cmpuint (log.n_checking, ==, 1);
      g_assert_cmpuint (log.n_after_cancel, ==, 0);
      g_assert_cmpuint (log.first_checked, ==, run == 0 ? n_sample : 0);
      g_assert_cmpuint (log.last_to_check, ==, n_sample);
      g_assert_false (g_file_test (manifest_path, G_FILE_TEST_EXISTS));
      g_assert_true (veil_export_can_resume (output));
    }

  /* Resumed: nothing is written again, the check counts up from nothing. */
  log = (CheckLog) { 0 };
  options.resume = TRUE;
  report = veil_export_run (dataset, output, &options, on_check_progress, &log, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (veil_export_report_get_n_skipped (report), ==, N_IMAGES);
  g_assert_cmpuint (log.first_checked, ==, 0);
  g_assert_cmpuint (log.last_checked, ==, n_sample);
  g_assert_cmpuint (log.last_to_check, ==, n_sample);
  g_assert_false (veil_export_can_resume (output));
  {
    g_autofree char *a = tree_digest (clean, NULL);
    g_autofree char *b = tree_digest (output, NULL);

    g_assert_cmpstr (a, ==, b);
  }
  veil_test_rm_rf (base);
}

typedef struct {
  GMainLoop        *loop;
  VeilExportReport *report;
  GError           *error;
  ProgressLog       log;
  gboolean          destroyed;
} AsyncState;

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncState *state = user_data;

  state->report = veil_export_finish (result, &state->error);
  g_main_loop_quit (state->loop);
}

static void
on_destroy (gpointer data)
{
  ((AsyncState *) data)->destroyed = TRUE;
}

static void
async_progress (const VeilExportProgress *progress,
                gpointer                  user_data)
{
  on_progress (progress, &((AsyncState *) user_data)->log);
}

static void
test_async (void)
{
  g_autofree char *base = veil_test_make_tmpdir ("veil-export-XXXXXX");
  g_autofree char *root = make_dataset (base);
  g_autofree char *output = g_build_filename (base, "out", NULL);
  g_autoptr(VeilDataset) dataset = scan (root);
  g_autoptr(VeilKey) key = test_key ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncState state = { .loop = loop, .log.thread = g_thread_self () };
  VeilExportOptions options;

  veil_export_options_init (&options);
  options.key = key;
  veil_export_async (dataset, output, &options, async_progress, &state, on_destroy, NULL,
                     on_async_done, &state);
  g_main_loop_run (loop);
  g_assert_no_error (state.error);
  g_assert_nonnull (state.report);
  g_assert_cmpuint (veil_export_report_get_n_protected (state.report), ==, N_IMAGES);
  /* Progress came to this thread, and all of it before the result. */
  g_assert_false (state.log.wrong_thread);
  g_assert_cmpuint (state.log.last_done, ==, N_IMAGES);
  veil_export_report_free (state.report);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (state.destroyed);
  veil_test_rm_rf (base);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (output_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/export/check-output/%u", i);
      g_test_add_data_func (path, &output_cases[i], test_check_output);
    }
  g_test_add_func ("/core/export/threads-and-shards", test_threads_and_shards);
  g_test_add_func ("/core/export/survival", test_survival);
  g_test_add_func ("/core/export/decoy", test_decoy);
  g_test_add_func ("/core/export/survival-off-and-small", test_survival_off_and_small);
  g_test_add_func ("/core/export/progress-and-cancel", test_progress_and_cancel);
  g_test_add_func ("/core/export/cancel-while-checking", test_cancel_while_checking);
  g_test_add_func ("/core/export/async", test_async);
  return g_test_run ();
}
