/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The image-format table (veil-image-formats.h): its rows agree with the GdkPixbuf loaders they
 * name, and every extension it lists goes through the dataset scan and the output-name planning
 * exactly as the separate lists before the table did. */

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include "veil.h"
#include "veil-export-private.h"
#include "veil-test-util.h"

static char *tmpdir;

/* ---- the table itself -------------------------------------------------------------------- */

static void
test_table_consistent (void)
{
  g_autoptr(GHashTable) extensions = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (veil_image_formats_get_n (), >, 0);
  for (guint i = 0; i < veil_image_formats_get_n (); i++)
    {
      const VeilImageFormat *row = veil_image_formats_get (i);
      const VeilImageFormat *keep_as = veil_image_formats_lookup (row->keep_as);

      g_assert_nonnull (row->name);
      g_assert_nonnull (row->label);
      g_assert_nonnull (row->extensions[0]);
      g_assert_nonnull (row->loaders[0]);
      g_assert_true (veil_image_formats_lookup (row->name) == row);
      for (guint e = 0; row->extensions[e] != NULL; e++)
        {
          g_autofree char *lower = g_ascii_strdown (row->extensions[e], -1);

          g_assert_cmpstr (row->extensions[e], ==, lower);
          /* One row per extension, or a name would have two formats. */
          g_assert_false (g_hash_table_contains (extensions, row->extensions[e]));
          g_hash_table_add (extensions, (gpointer) row->extensions[e]);
          g_assert_true (veil_image_formats_for_extension (row->extensions[e]) == row);
        }
      for (guint l = 0; row->loaders[l] != NULL; l++)
        g_assert_nonnull (veil_image_formats_lookup (row->loaders[l]));
      /* What "keep format" falls back to is always a format Veil writes. */
      g_assert_nonnull (keep_as);
      g_assert_true (keep_as->flags & VEIL_IMAGE_FORMAT_WRITABLE);
      g_assert_true (veil_image_format_is_writable (keep_as->name));
      if (row->flags & VEIL_IMAGE_FORMAT_WRITABLE)
        g_assert_cmpstr (veil_image_format_extension (row->name), ==, row->extensions[0]);
      else
        g_assert_null (veil_image_format_extension (row->name));
    }
  g_assert_null (veil_image_formats_lookup ("svg"));
  g_assert_null (veil_image_formats_lookup ("xpm"));
  g_assert_null (veil_image_formats_for_extension ("txt"));
  g_assert_true (veil_image_formats_lookup ("heif/avif") == veil_image_formats_lookup ("heif"));
}

/* Every installed loader the table names lists the table's extensions among its own, and saves
 * when the table says Veil writes its format: a typo in the table cannot pass. */
static void
test_table_matches_gdk_pixbuf (void)
{
  GSList *installed = gdk_pixbuf_get_formats ();
  guint checked = 0;

  for (GSList *l = installed; l != NULL; l = l->next)
    {
      g_autofree char *name = gdk_pixbuf_format_get_name (l->data);
      g_auto(GStrv) their_extensions = gdk_pixbuf_format_get_extensions (l->data);
      const VeilImageFormat *row = veil_image_formats_lookup (name);

      if (row == NULL)
        continue;
      for (guint e = 0; row->extensions[e] != NULL; e++)
        {
          /* The "heif/avif" loader reads both rows; each row's own extensions are among its. */
          gboolean listed = FALSE;

          for (guint t = 0; their_extensions[t] != NULL; t++)
            listed |= g_ascii_strcasecmp (their_extensions[t], row->extensions[e]) == 0;
          g_assert_true (listed);
        }
      /* The WebP saver is optional; the others are part of GdkPixbuf. */
      if ((row->flags & VEIL_IMAGE_FORMAT_WRITABLE) && !g_str_equal (name, "webp"))
        g_assert_true (gdk_pixbuf_format_is_writable (l->data));
      checked++;
    }
  g_slist_free (installed);
  /* PNG, JPEG, TIFF, BMP, GIF at least. */
  g_assert_cmpuint (checked, >=, 5);
}

static void
test_lists (void)
{
  g_autofree char *scanned = veil_image_formats_list (VEIL_IMAGE_FORMAT_SCANNED,
                                                      VEIL_IMAGE_FORMATS_LIST_EXTENSIONS, FALSE);
  g_autofree char *outputs = veil_image_formats_list (VEIL_IMAGE_FORMAT_WRITABLE,
                                                      VEIL_IMAGE_FORMATS_LIST_OUTPUT_EXTENSIONS,
                                                      TRUE);
  g_autofree char *labels = veil_image_formats_list (VEIL_IMAGE_FORMAT_SCANNED,
                                                     VEIL_IMAGE_FORMATS_LIST_LABELS, FALSE);
  g_autofree char *lossy = veil_image_formats_list (VEIL_IMAGE_FORMAT_WRITABLE
                                                    | VEIL_IMAGE_FORMAT_LOSSY,
                                                    VEIL_IMAGE_FORMATS_LIST_LABELS, TRUE);

  g_assert_cmpstr (scanned, ==, ".png, .jpg, .jpeg, .webp, .tif, .tiff, .bmp, .heic, .heif and "
                                ".avif");
  g_assert_cmpstr (outputs, ==, ".png, .jpg, .webp, .tif or .bmp");
  g_assert_cmpstr (labels, ==, "PNG, JPEG, WebP, TIFF, BMP, HEIC/HEIF and AVIF");
  g_assert_cmpstr (lossy, ==, "JPEG or WebP");
}

/* A format GdkPixbuf reads but the table leaves out is refused, naming what Veil reads. */
static void
test_refused_names_the_table (void)
{
  static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" "
                            "height=\"4\"><rect width=\"4\" height=\"4\"/></svg>";
  g_autofree char *path = g_build_filename (tmpdir, "drawing.png", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, svg, -1, &error));
  g_assert_null (veil_image_load (path, NULL, &error));
  g_assert_error (error, VEIL_ERROR, VEIL_ERROR_IMAGE_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "is a svg image; Veil processes PNG, JPEG, WebP, "
                                            "TIFF, BMP, HEIC/HEIF and AVIF images"));
}

/* ---- every extension through the scan and the output names ------------------------------- */

/* What the scan and the output-name planning did with each extension before the table: the
 * dataset's own list, and the names "keep format" and "all as PNG" give. "webp" marks the
 * WebP output, which is PNG when the installed WebP loader cannot save. */
static const struct {
  const char *extension;
  gboolean    image;
  const char *keep;    /* output name with KEEP */
} expected[] = {
  { "png",   TRUE,  "png" },
  { "jpg",   TRUE,  "jpg" },
  { "jpeg",  TRUE,  "jpeg" },
  { "webp",  TRUE,  "webp" },
  { "tif",   TRUE,  "tif" },
  { "tiff",  TRUE,  "tiff" },
  { "bmp",   TRUE,  "bmp" },
  { "heic",  TRUE,  "jpg" },
  { "heif",  TRUE,  "jpg" },
  { "avif",  TRUE,  "jpg" },
  { "gif",   FALSE, NULL },
  { "pnm",   FALSE, NULL },
  { "pbm",   FALSE, NULL },
  { "pgm",   FALSE, NULL },
  { "ppm",   FALSE, NULL },
  { "tga",   FALSE, NULL },
  { "targa", FALSE, NULL },
};

static void
write_file (const char *dir,
            const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "x", 1, &error));
}

/* The output name planned for @source among @names. */
static const char *
output_of (VeilDataset           *dataset,
           const VeilExportNames *names,
           const char            *source)
{
  for (guint i = 0; i < veil_dataset_get_n_images (dataset); i++)
    if (strcmp (veil_dataset_get_image (dataset, i)->relative_path, source) == 0)
      return names->image_outputs[i];
  for (guint i = 0; i < veil_dataset_get_n_skipped (dataset); i++)
    if (strcmp (veil_dataset_get_skipped (dataset, i)->relative_path, source) == 0)
      return names->other_outputs[i];
  g_assert_not_reached ();
}

static void
test_scan_and_names (void)
{
  g_autofree char *root = g_build_filename (tmpdir, "names", NULL);
  g_autofree char *cat = g_build_filename (root, "cat", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilDataset) dataset = NULL;
  g_autofree gboolean *protect = NULL;
  g_autoptr(VeilExportNames) keep = NULL;
  g_autoptr(VeilExportNames) png = NULL;
  g_autofree char *scanned_extensions = NULL;
  VeilExportOptions options;
  guint n_images = 0;
  guint n_listed = 0;
  gboolean webp_writable = veil_image_format_is_writable ("webp");

  /* Every extension the table lists is in the expectations, and nothing else. */
  for (guint i = 0; i < veil_image_formats_get_n (); i++)
    for (guint e = 0; veil_image_formats_get (i)->extensions[e] != NULL; e++)
      n_listed++;
  g_assert_cmpuint (n_listed, ==, G_N_ELEMENTS (expected));

  g_assert_cmpint (g_mkdir_with_parents (cat, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *lower = g_strdup_printf ("l-%s.%s", expected[i].extension,
                                                expected[i].extension);
      g_autofree char *upper_ext = g_ascii_strup (expected[i].extension, -1);
      g_autofree char *upper = g_strdup_printf ("U-%s.%s", expected[i].extension, upper_ext);

      g_assert_nonnull (veil_image_formats_for_extension (expected[i].extension));
      write_file (cat, lower);
      write_file (cat, upper);
      n_images += expected[i].image ? 2 : 0;
    }

  dataset = veil_dataset_scan (root, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (veil_dataset_get_n_images (dataset), ==, n_images);
  g_assert_cmpuint (veil_dataset_get_n_skipped (dataset), ==,
                    2 * G_N_ELEMENTS (expected) - n_images);

  veil_export_options_init (&options);
  options.copy_other = TRUE;
  protect = g_new (gboolean, n_images);
  for (guint i = 0; i < n_images; i++)
    protect[i] = TRUE;
  keep = _veil_export_names_plan (dataset, &options, protect);
  options.format = VEIL_OUTPUT_FORMAT_PNG;
  png = _veil_export_names_plan (dataset, &options, protect);

  scanned_extensions = veil_image_formats_list (VEIL_IMAGE_FORMAT_SCANNED,
                                                VEIL_IMAGE_FORMATS_LIST_EXTENSIONS, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    for (int upper = 0; upper < 2; upper++)
      {
        g_autofree char *ext = upper ? g_ascii_strup (expected[i].extension, -1)
                                     : g_strdup (expected[i].extension);
        g_autofree char *stem = g_strdup_printf ("cat/%s-%s", upper ? "U" : "l",
                                                 expected[i].extension);
        g_autofree char *source = g_strdup_printf ("%s.%s", stem, ext);
        const char *keep_ext = expected[i].keep;
        g_autofree char *keep_name = NULL;
        g_autofree char *png_name = NULL;
        const char *format = veil_image_format_from_name (source);

        if (!expected[i].image)
          {
            /* Set aside, said why in the words of the table's list, copied under its name. */
            g_autofree char *message =
              g_strdup_printf ("“%s” is not an image: only .png, .jpg, .jpeg, .webp, .tif, "
                               ".tiff, .bmp, .heic, .heif and .avif files are used", source);

            g_assert_null (format);
            for (guint s = 0; s < veil_dataset_get_n_skipped (dataset); s++)
              {
                const VeilDatasetSkipped *skipped = veil_dataset_get_skipped (dataset, s);

                if (strcmp (skipped->relative_path, source) == 0)
                  {
                    g_assert_cmpint (skipped->reason, ==, VEIL_SKIP_NOT_IMAGE);
                    g_assert_cmpstr (skipped->message, ==, message);
                  }
              }
            g_assert_cmpstr (output_of (dataset, keep, source), ==, source);
            g_assert_cmpstr (output_of (dataset, png, source), ==, source);
            continue;
          }

        g_assert_nonnull (format);
        g_assert_nonnull (strstr (scanned_extensions, expected[i].extension));
        if (g_str_equal (keep_ext, "webp") && !webp_writable)
          keep_ext = "png";
        /* An extension kept is kept in its own case; a new one is the table's, lower case. */
        if (g_ascii_strcasecmp (keep_ext, expected[i].extension) == 0)
          keep_name = g_strdup (source);
        else
          keep_name = g_strdup_printf ("%s.%s", stem, keep_ext);
        png_name = g_str_equal (expected[i].extension, "png") ? g_strdup (source)
                                                               : g_strdup_printf ("%s.png", stem);
        g_assert_cmpstr (output_of (dataset, keep, source), ==, keep_name);
        g_assert_cmpstr (output_of (dataset, png, source), ==, png_name);
      }
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = veil_test_make_tmpdir ("veil-image-formats-XXXXXX");

  g_test_add_func ("/core/image-formats/table/consistent", test_table_consistent);
  g_test_add_func ("/core/image-formats/table/gdk-pixbuf", test_table_matches_gdk_pixbuf);
  g_test_add_func ("/core/image-formats/lists", test_lists);
  g_test_add_func ("/core/image-formats/refused", test_refused_names_the_table);
  g_test_add_func ("/core/image-formats/scan-and-names", test_scan_and_names);

  ret = g_test_run ();
  veil_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return ret;
}
