/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-bench"

/* What the application does when a person moves the p_b slider, timed on its own: the photo is
 * decoded once at window size, then every change builds a filter bank and protects that decoded
 * copy. Also times opening a folder of 50 000 images (the scan behind the class list).
 *
 *   bench-preview [--megapixels 24] [--updates 30] [--images 50000]
 */

#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <unistd.h>

#include "veil.h"

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* A photograph stand-in: smooth light, texture and hard edges, so JPEG sizes are realistic. */
static GdkPixbuf *
make_photo (int width, int height)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  guint32 noise = 12345;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + (gsize) x * 3;
        double u = (double) x / width, v = (double) y / height;
        gboolean block = ((x / 400) + (y / 300)) % 3 == 0;

        noise = noise * 1664525u + 1013904223u;
        for (int c = 0; c < 3; c++)
          {
            double value = 120 + 80 * sin (6 * u + c) * cos (4 * v - c) + (block ? 40 : 0)
                           + (int) (noise >> (27 - c)) % 24;
            p[c] = (guint8) CLAMP (value, 0, 255);
          }
      }
  return pixbuf;
}

static void
bench_preview (const char *dir, double megapixels, int n_updates, int n_threads)
{
  g_autoptr(GError) error = NULL;
  int width = (int) round (sqrt (megapixels * 1e6 * 1.5));
  int height = (int) round (width / 1.5);
  g_autofree char *path = g_build_filename (dir, "photo.jpg", NULL);
  const char *classes[] = { "cats", "dogs" };
  g_autoptr(VeilKey) key = veil_key_new_random ("bench", &error);
  g_autoptr(VeilImage) image = NULL;
  double *times = g_new0 (double, n_updates);
  double t0, decode_ms;

  g_assert_no_error (error);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GdkPixbuf) photo = make_photo (width, height);

      if (!gdk_pixbuf_save (photo, path, "jpeg", &error, "quality", "95", NULL))
        g_error ("Could not write %s: %s", path, error->message);
    }

  /* The first decode, at the size of a large window's image area. */
  t0 = now_ms ();
  image = veil_image_load_at_size (path, 1200, 800, NULL, &error);
  g_assert_no_error (error);
  decode_ms = now_ms () - t0;

  for (int i = 0; i < n_updates; i++)
    {
      g_autoptr(VeilFilterBank) bank = NULL;
      double pb = 0.03 + 0.002 * i; /* a slider being dragged */

      t0 = now_ms ();
      bank = veil_filter_bank_new (key, classes, G_N_ELEMENTS (classes), 9, pb, &error);
      g_assert_no_error (error);
      {
        /* Exactly what the application's preview job runs in its worker thread. */
        VeilPreviewRequest request = {
          .original = image->pixbuf,
          .source_width = image->source_width,
          .source_height = image->source_height,
          .bank = bank,
          .class_index = 0,
          .training_res = 224,
          .protect = TRUE,
          .model_view = FALSE,
          .n_threads = n_threads, /* the app passes 0, "all of them" */
        };
        g_autoptr(VeilPreviewResult) result = NULL;

        result = veil_preview_compute (&request, NULL, &error);
        if (result == NULL)
          g_error ("Preview failed: %s", error->message);
      }
      times[i] = now_ms () - t0;
    }
  qsort (times, n_updates, sizeof *times, compare_doubles);

  g_print ("| %.0f MP JPEG (%dx%d) | %d | %dx%d | %.0f ms | %.1f ms | %.1f ms | %.1f ms |\n",
           megapixels, image->source_width, image->source_height, n_threads,
           gdk_pixbuf_get_width (image->pixbuf), gdk_pixbuf_get_height (image->pixbuf), decode_ms,
           times[n_updates / 2], times[(n_updates * 9) / 10], times[n_updates - 1]);
  g_free (times);
}

static void
scan_progress (guint n_images_found, gpointer user_data)
{
  double *first_progress_ms = user_data;

  if (*first_progress_ms == 0)
    *first_progress_ms = now_ms ();
}

static void
bench_open_folder (const char *dir, int n_images)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_build_filename (dir, "dataset", NULL);
  g_autoptr(VeilDataset) dataset = NULL;
  const int n_classes = 10;
  double t0, first_progress_ms = 0;

  /* Empty files are enough: opening a folder only lists it, images are decoded lazily. */
  for (int c = 0; c < n_classes; c++)
    {
      g_autofree char *class_dir = g_strdup_printf ("%s/class-%02d", root, c);

      g_mkdir_with_parents (class_dir, 0755);
      for (int i = c; i < n_images; i += n_classes)
        {
          g_autofree char *file = g_strdup_printf ("%s/IMG_%06d.jpg", class_dir, i);
          int fd = g_open (file, O_CREAT | O_WRONLY, 0644);

          if (fd >= 0)
            close (fd);
        }
    }

  t0 = now_ms ();
  dataset = veil_dataset_scan (root, scan_progress, &first_progress_ms, NULL, &error);
  g_assert_no_error (error);
  g_print ("| %u images in %u classes | %.0f ms |\n",
           veil_dataset_get_n_images (dataset), veil_dataset_get_n_classes (dataset),
           now_ms () - t0);
}

int
main (int argc, char **argv)
{
  double megapixels = 24;
  int n_updates = 30, n_images = 50000;
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("- time preview updates");
  GOptionEntry entries[] = {
    { "megapixels", 0, 0, G_OPTION_ARG_DOUBLE, &megapixels, "Photo size", "MP" },
    { "updates", 0, 0, G_OPTION_ARG_INT, &n_updates, "Slider changes to time", "N" },
    { "images", 0, 0, G_OPTION_ARG_INT, &n_images, "Images in the folder to open", "N" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_updates < 1)
    g_error ("%s", error ? error->message : "--updates must be at least 1");

  dir = g_dir_make_tmp ("veil-bench-preview-XXXXXX", &error);
  g_assert_no_error (error);

  g_print ("Preview update after a slider change (filter bank + veil_preview_compute(): "
           "protected copy and difference image), k = 9, R = 224:\n\n");
  g_print ("| photo | threads | decoded at | first decode | median update | 90th pct | max |\n");
  g_print ("|---|---|---|---|---|---|---|\n");
  bench_preview (dir, megapixels, n_updates, 2);
  bench_preview (dir, megapixels, n_updates, 1);

  g_print ("\nOpening a folder (scan that fills the class list):\n\n");
  g_print ("| folder | scan time |\n|---|---|\n");
  bench_open_folder (dir, n_images);

  {
    const char *rm_argv[] = { "rm", "-rf", dir, NULL };

    if (!g_spawn_sync (NULL, (char **) rm_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                       NULL, NULL))
      g_printerr ("Could not remove %s\n", dir);
  }
  return 0;
}
