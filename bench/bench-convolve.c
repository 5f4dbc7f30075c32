/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-bench"

/* Convolution throughput: veil_convolve_protect() on a large RGB buffer for k = 3 and k = 9 at
 * 1 and 2 threads, next to a plain memcpy() of the same buffers and the naive reference loop,
 * all measured in one run so the ratios share the machine's state.
 *
 *   bench-convolve [--width 6000] [--height 4000] [--repeats 3] [--crop-rows 200]
 *                  [--k 3|9] [--threads 1|2] [--image photo|noise]
 *
 * Two images: a photo-like one with clipped highlights (the usual case, where the search for the
 * maximum skips most of the image) and noise (the worst case, where it skips nothing). Every
 * figure is the best of --repeats runs (the least disturbed by other processes). The naive loop
 * is far too slow for 24 MP, so it runs on the first --crop-rows rows at full width and is
 * reported per pixel; the optimised path is timed on that same crop too, for a like-for-like
 * ratio next to the full-image one. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <glib.h>

#include "veil-convolve.h"

static int opt_width = 6000;
static int opt_height = 4000;
static int opt_repeats = 3;
static int opt_crop_rows = 200;
static int opt_k = 0;
static int opt_threads = 0;
static char *opt_image = NULL;

static const GOptionEntry entries[] = {
  { "width", 0, 0, G_OPTION_ARG_INT, &opt_width, "Image width in pixels", "W" },
  { "height", 0, 0, G_OPTION_ARG_INT, &opt_height, "Image height in pixels", "H" },
  { "repeats", 0, 0, G_OPTION_ARG_INT, &opt_repeats, "Runs per figure (the best counts)", "N" },
  { "crop-rows", 0, 0, G_OPTION_ARG_INT, &opt_crop_rows, "Rows the naive loop runs on", "R" },
  { "k", 0, 0, G_OPTION_ARG_INT, &opt_k, "Only this kernel size (default: 3 and 9)", "K" },
  { "threads", 0, 0, G_OPTION_ARG_INT, &opt_threads, "Only this thread count (default: 1, 2)",
    "N" },
  { "image", 0, 0, G_OPTION_ARG_STRING, &opt_image, "Only this image: photo or noise", "NAME" },
  { NULL }
};

/* A photo-like test image: smooth shading, fine texture, a dark shadow and clipped highlights
 * (a sun and its glare at 255, as most outdoor photos have somewhere). */
static void
fill_photo (guint8 *buf,
            int     width,
            int     height)
{
  g_autofree double *across = g_new (double, (gsize) width * 3);
  guint32 state = 12345;

  for (int x = 0; x < width; x++)
    for (int c = 0; c < 3; c++)
      across[x * 3 + c] = sin (9.0 * x / width + c);

  for (int y = 0; y < height; y++)
    {
      const double down[3] = { cos (7.0 * y / height), cos (7.0 * y / height - 1),
                               cos (7.0 * y / height - 2) };

    for (int x = 0; x < width; x++)
      {
        const double u = x / (double) width, v = y / (double) height;
        const double dx = u - 0.7, dy = v - 0.2;
        const double sun = 0.004 / (dx * dx + dy * dy + 1e-4);

        for (int c = 0; c < 3; c++)
          {
            double base = 60 + 110 * v + 40 * across[x * 3 + c] * down[c];

            state = state * 1664525u + 1013904223u;
            base += (int) (state >> 28) - 8;               /* texture */
            if (u < 0.3 && v > 0.6)
              base *= 0.15;                               /* shadow */
            base += 255 * sun;                            /* sun and glare, clipped */
            buf[((gsize) y * width + x) * 3 + c] = (guint8) CLAMP (base, 0, 255);
          }
      }
    }
}

/* Noise: every tile holds a 255 but no kernel-sized patch does, so no part of the first pass can
 * be skipped: the worst case. */
static void
fill_noise (guint8 *buf,
            gsize   len)
{
  guint32 state = 54321;

  for (gsize i = 0; i < len; i++)
    {
      state = state * 1664525u + 1013904223u;
      buf[i] = (guint8) (state >> 24);
    }
}

/* A filter as the paper draws them: weights in [0, 0.5) and one cell exactly 1. */
static float *
make_kernel (int k)
{
  float *w = g_new (float, k * k);
  guint32 state = 777u + k;

  for (int i = 0; i < k * k; i++)
    {
      state = state * 1664525u + 1013904223u;
      w[i] = (float) (state >> 8) / (float) (1u << 24) * 0.5f;
    }
  w[(k / 2) * k + k / 3] = 1.0f;
  return w;
}

typedef enum { RUN_MEMCPY, RUN_OPTIMISED, RUN_NAIVE } RunKind;

/* CPU seconds of the whole process, all threads: on a busy machine a steadier figure than the
 * wall clock (it is not charged for time other processes hold the cores). */
static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double last_cpu_s;   /* CPU seconds of the run time_run() picked */

/* Seconds for the best of opt_repeats runs. */
static double
time_run (RunKind       kind,
          const guint8 *src,
          guint8       *dst,
          int           width,
          int           height,
          const float  *kernel,
          int           k,
          int           n_threads)
{
  double best = G_MAXDOUBLE;

  for (int r = 0; r < opt_repeats; r++)
    {
      gint64 start = g_get_monotonic_time ();
      double cpu_start = cpu_seconds ();
      double seconds;

      switch (kind)
        {
        case RUN_MEMCPY:
          memcpy (dst, src, (gsize) width * height * 3);
          break;
        case RUN_OPTIMISED:
          if (!veil_convolve_protect (src, width * 3, dst, width * 3, width, height, 3,
                                      kernel, k, k, n_threads, NULL, NULL))
            g_error ("veil_convolve_protect failed");
          break;
        case RUN_NAIVE:
          veil_convolve_protect_reference (src, width * 3, dst, width * 3, width, height, 3,
                                           kernel, k, k);
          break;
        default:
          g_assert_not_reached ();
        }
      seconds = (g_get_monotonic_time () - start) / 1e6;
      if (seconds < best)
        {
          best = seconds;
          last_cpu_s = cpu_seconds () - cpu_start;
        }
    }
  return best;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- convolution throughput");
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *src = NULL;
  g_autofree guint8 *dst = NULL;
  const int ks[] = { 3, 9 };
  const int threads[] = { 1, 2 };
  double mp, mp_crop, memcpy_s;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  if (opt_width < 1 || opt_height < 1 || opt_repeats < 1 || opt_crop_rows < 1)
    {
      fprintf (stderr, "Sizes and counts must be positive\n");
      return 2;
    }
  opt_crop_rows = MIN (opt_crop_rows, opt_height);

  src = g_malloc ((gsize) opt_width * opt_height * 3);
  dst = g_malloc ((gsize) opt_width * opt_height * 3);
  /* Touch both buffers once so that page faults are not charged to the first contender. */
  memset (src, 0, (gsize) opt_width * opt_height * 3);
  memset (dst, 1, (gsize) opt_width * opt_height * 3);

  mp = opt_width * (double) opt_height / 1e6;
  mp_crop = opt_width * (double) opt_crop_rows / 1e6;
  memcpy_s = time_run (RUN_MEMCPY, src, dst, opt_width, opt_height, NULL, 0, 1);

  printf ("image %d x %d RGB (%.1f MP, %.1f MB per buffer), best of %d runs\n",
          opt_width, opt_height, mp, mp * 3, opt_repeats);
  printf ("naive loop on a %d x %d crop of the same image, scaled per pixel\n",
          opt_width, opt_crop_rows);
  printf ("memcpy src->dst: %8.1f MP/s (%.1f ms, %.2f GB/s read+write)\n",
          mp / memcpy_s, memcpy_s * 1e3, 2 * mp * 3 / 1e3 / memcpy_s);

  for (int image = 0; image < 2; image++)
    {
      if (opt_image != NULL && !g_str_equal (opt_image, image == 0 ? "photo" : "noise"))
        continue;
      if (image == 0)
        fill_photo (src, opt_width, opt_height);
      else
        fill_noise (src, (gsize) opt_width * opt_height * 3);

      printf ("\n%s\n", image == 0 ? "photo-like image (clipped highlights)"
                                    : "noise (worst case: nothing can be skipped)");
      printf ("%-3s %-7s %10s %10s %10s %12s %12s %10s %16s\n", "k", "threads", "MP/s", "ms",
              "cpu ms", "vs memcpy", "naive MP/s", "vs naive", "vs naive (crop)");

      for (gsize i = 0; i < G_N_ELEMENTS (ks); i++)
        {
          g_autofree float *kernel = NULL;
          double naive_s, naive_mps;

          if (opt_k != 0 && opt_k != ks[i])
            continue;
          kernel = make_kernel (ks[i]);
          naive_s = time_run (RUN_NAIVE, src, dst, opt_width, opt_crop_rows, kernel,
                                     ks[i], 1);
          naive_mps = mp_crop / naive_s;

          for (gsize t = 0; t < G_N_ELEMENTS (threads); t++)
            {
              double s, s_crop, cpu_s;

              if (opt_threads != 0 && opt_threads != threads[t])
                continue;
              s = time_run (RUN_OPTIMISED, src, dst, opt_width, opt_height, kernel,
                            ks[i], threads[t]);
              cpu_s = last_cpu_s;
              s_crop = time_run (RUN_OPTIMISED, src, dst, opt_width, opt_crop_rows,
                                        kernel, ks[i], threads[t]);

              printf ("%-3d %-7d %10.1f %10.1f %10.1f %11.2fx %12.2f %9.1fx %15.1fx\n",
                      ks[i], threads[t], mp / s, s * 1e3, cpu_s * 1e3, s / memcpy_s, naive_mps,
                      (mp / s) / naive_mps, naive_s / s_crop);
            }
        }
    }
  printf ("\n\"vs memcpy\" is time / memcpy time (lower is better; target for k=3: <= 3x).\n"
          "\"vs naive\" is speed / naive speed (target for k=9: >= 20x).\n");
  return 0;
}
