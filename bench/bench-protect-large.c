/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-bench"

/* A large photo protected at a training resolution, end to end: decode a 24 MP JPEG, protect it
 * at R = 224 with k = 9, p_b = 0.06, encode it as JPEG quality 95, in each mode: the enlarged
 * filter (an effective kernel of about 160 px, FFT backend) with the paper's normalisation and
 * with the photo normalisation, and detail-preserving protection (veil-detail.h), all in one run
 * so that their ratios hold however loaded the machine is. Reports each step's time and the
 * process's peak RSS (getrusage), then the direct backend against the FFT backend with the same
 * kernel on a crop, in ns per tap, which is the constant of the cost model in veil-protect.c.
 *
 *   bench-protect-large [--width 6000] [--height 4000] [--res 224] [--threads 0] [--crop 512]
 *
 * The test JPEG is written by a child process first, so that making it does not count towards
 * the peak memory. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "veil-convolve.h"
#include "veil-detail.h"
#include "veil-convolve-fft.h"
#include "veil-filter-bank.h"
#include "veil-image-io.h"
#include "veil-key.h"
#include "veil-protect.h"

static int opt_width = 6000;
static int opt_height = 4000;
static int opt_res = 224;
static int opt_threads = 0;
static int opt_crop = 512;

static const GOptionEntry entries[] = {
  { "width", 0, 0, G_OPTION_ARG_INT, &opt_width, "Photo width in pixels", "W" },
  { "height", 0, 0, G_OPTION_ARG_INT, &opt_height, "Photo height in pixels", "H" },
  { "res", 0, 0, G_OPTION_ARG_INT, &opt_res, "Training resolution", "R" },
  { "threads", 0, 0, G_OPTION_ARG_INT, &opt_threads, "Threads (0 = all cores)", "N" },
  { "crop", 0, 0, G_OPTION_ARG_INT, &opt_crop, "Side of the crop for direct vs FFT", "S" },
  { NULL }
};

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static long
peak_rss_mb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024; /* kB on Linux */
}

/* A photograph-like test image: gradients, texture, edges, noise. */
static void
write_photo (const char *path)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, opt_width,
                                                opt_height);
  guint8 *px = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  g_autoptr(GError) error = NULL;
  guint32 noise = 1;

  for (int y = 0; y < opt_height; y++)
    for (int x = 0; x < opt_width; x++)
      for (int c = 0; c < 3; c++)
        {
          double u = (double) x / opt_width, v = (double) y / opt_height;
          double val = 120 + 70 * sin (3 * u + c) * cos (2.5 * v) + 20 * sin (x * 0.03);

          if ((u - 0.5) * (u - 0.5) + (v - 0.5) * (v - 0.5) < 0.02)
            val = 220 - 60 * c;
          noise = noise * 1664525u + 1013904223u;
          val += (noise >> 28) - 8;
          px[(gsize) y * stride + x * 3 + c] = (guint8) CLAMP (val, 0, 255);
        }
  if (!gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "92", NULL))
    g_error ("Cannot write %s: %s", path, error->message);
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- large photos at a training "
                                                            "resolution");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  const char *names[] = { "photos" };
  g_autoptr(VeilKey) key = veil_key_new_from_seed (0);
  g_autoptr(VeilFilterBank) bank = NULL;
  g_autoptr(VeilImage) image = NULL;
  g_autoptr(GdkPixbuf) out = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_autofree float *kernel = NULL;
  double t0, t_decode, t_protect, t_encode;
  int ksize, w, h, stride;
  pid_t child;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  dir = g_dir_make_tmp ("veil-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "photo.jpg", NULL);
  child = fork ();
  if (child == 0)
    {
      write_photo (path);
      _exit (0);
    }
  waitpid (child, &status, 0);
  g_assert (WIFEXITED (status) && WEXITSTATUS (status) == 0);

  bank = veil_filter_bank_new (key, names, 1, 9, 0.06, &error);
  g_assert_no_error (error);

  t0 = now ();
  image = veil_image_load (path, NULL, &error);
  g_assert_no_error (error);
  t_decode = now () - t0;

  w = gdk_pixbuf_get_width (image->pixbuf);
  h = gdk_pixbuf_get_height (image->pixbuf);
  out = gdk_pixbuf_new (GDK_COLORSPACE_RGB, gdk_pixbuf_get_has_alpha (image->pixbuf), 8, w, h);
  stride = gdk_pixbuf_get_rowstride (out);
  kernel = veil_protect_effective_kernel (bank, 0, opt_res, w, h, &ksize);

  printf ("%d×%d JPEG, R = %d, k = 9 → effective kernel %d×%d (%s backend), %d threads\n",
          w, h, opt_res, ksize, ksize, veil_protect_prefers_fft (w, h, ksize) ? "FFT" : "direct",
          opt_threads);
  printf ("| mode | decode | protect | encode q95 (size) | total | peak RSS so far |\n");
  printf ("| --- | --- | --- | --- | --- | --- |\n");
  for (int mode = 0; mode < 3; mode++)
    {
      const char *mode_names[] = { "enlarged filter, paper normalisation",
                                   "enlarged filter, photo normalisation (default)",
                                   "detail-preserving (--keep-detail)" };
      const guint8 *src = gdk_pixbuf_read_pixels (image->pixbuf);
      int src_stride = gdk_pixbuf_get_rowstride (image->pixbuf);
      int nc = gdk_pixbuf_get_n_channels (out);
      gboolean ok;

      t0 = now ();
      if (mode == 0)
        ok = veil_protect_with_kernel (kernel, ksize, VEIL_NORMALISE_PAPER, src, src_stride,
                                       gdk_pixbuf_get_pixels (out), stride, w, h, nc,
                                       opt_threads, NULL, NULL, &error);
      else if (mode == 1)
        ok = veil_protect_pixels (bank, 0, opt_res, src, src_stride, gdk_pixbuf_get_pixels (out),
                                  stride, w, h, nc, opt_threads, NULL, &error);
      else
        ok = veil_detail_protect (bank, 0, opt_res, src, src_stride, gdk_pixbuf_get_pixels (out),
                                  stride, w, h, nc, opt_threads, NULL, &error);
      if (!ok)
        g_error ("%s", error->message);
      t_protect = now () - t0;

      t0 = now ();
      g_clear_pointer (&encoded, g_bytes_unref);
      encoded = veil_image_encode (image, out, "jpeg", 95, &error);
      g_assert_no_error (error);
      t_encode = now () - t0;

      printf ("| %s | %.2f s | %.2f s | %.2f s (%.1f MB) | **%.2f s** | %ld MB |\n",
              mode_names[mode], t_decode, t_protect, t_encode, g_bytes_get_size (encoded) / 1e6,
              t_decode + t_protect + t_encode, peak_rss_mb ());
    }

  /* Direct vs FFT with the same kernel on a crop (the direct loop is far too slow for the
   * whole photo: that is the point). */
  {
    int cw = MIN (opt_crop, w), ch = MIN (opt_crop, h);
    const guint8 *src = gdk_pixbuf_read_pixels (image->pixbuf);
    int src_stride = gdk_pixbuf_get_rowstride (image->pixbuf);
    g_autofree guint8 *a = g_malloc ((gsize) cw * ch * 3);
    g_autofree guint8 *b = g_malloc ((gsize) cw * ch * 3);
    double t_direct, t_fft, taps;
    int max_diff = 0;

    t0 = now ();
    veil_convolve_protect (src, src_stride, a, cw * 3, cw, ch, 3, kernel, ksize, ksize, 1,
                           NULL, NULL);
    t_direct = now () - t0;
    t0 = now ();
    veil_convolve_fft_protect (src, src_stride, b, cw * 3, cw, ch, 3, kernel, ksize, ksize, 1,
                               NULL, NULL);
    t_fft = now () - t0;
    for (gsize i = 0; i < (gsize) cw * ch * 3; i++)
      max_diff = MAX (max_diff, abs ((int) a[i] - (int) b[i]));
    taps = (double) cw * ch * 3 * ksize * ksize;
    printf ("\n%d×%d crop, one thread: direct %.2f s (%.3f ns per tap and colour sample), "
            "FFT %.3f s (model: %.3f s); largest difference %d step(s)\n",
            cw, ch, t_direct, t_direct / taps * 1e9, t_fft,
            3 * veil_convolve_fft_protect_cost (cw, ch, ksize, ksize) / 1e9, max_diff);
  }

  g_unlink (path);
  g_rmdir (dir);
  return 0;
}
