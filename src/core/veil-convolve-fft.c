/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <fftw3.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "veil-convolve-private.h"
#include "veil-error.h"
#include "veil-convolve-fft.h"

/* Tile sides FFTW transforms quickly (2^a × {1, 3, 5}). Larger tiles waste less overlap but
 * leave the cache; the cost model avoids the largest ones unless a kernel needs them (a 4096²
 * tile is a 64 MB buffer per thread). */
static const int tile_sizes[] = {
  16, 20, 24, 32, 40, 48, 64, 80, 96, 128, 160, 192, 256, 320, 384, 512, 640, 768, 1024, 1280,
  1536, 2048, 2560, 3072, 4096,
};

/* Cost model, measured with FFTW_ESTIMATE plans on the project's 2-core machine (forward plus
 * inverse in-place real transform, single thread): about 4.5 ns per tile pixel up to 2^18
 * pixels (512²), then 1.6 ns more per doubling as the tile leaves the cache (6.8 ns at 1024²,
 * 10.9 ns at 2048²). Filling the tile, the spectrum product and storing the result add about
 * 2.5 ns per tile pixel, the final normalisation pass 1.5 ns per image pixel, and each tile a
 * fixed setup. Checked against whole runs (1000×800, K = 15…61): within 20%. */
#define COST_FFT_BASE_NS       4.5
#define COST_FFT_PER_DOUBLING  1.6
#define COST_TILE_EXTRA_NS     2.5
#define COST_TILE_SETUP_NS     20000.0
#define COST_FINAL_PASS_NS     1.5

static double
tile_pixel_cost (double n_pixels)
{
  double excess = log2 (n_pixels) - 18.0;

  return COST_FFT_BASE_NS + COST_FFT_PER_DOUBLING * MAX (excess, 0.0) + COST_TILE_EXTRA_NS;
}

typedef struct {
  int th, tw;      /* tile size (FFT size) */
  int vh, vw;      /* valid output per tile: tile - kernel + 1 */
  int nty, ntx;    /* tiles down and across */
  double cost;     /* ns per colour channel */
} Tiling;

/* Picks the tile size minimising the modelled cost over all pairs of good sizes. */
static Tiling
choose_tiling (int width,
               int height,
               int kw,
               int kh)
{
  Tiling best = { 0 };

  best.cost = INFINITY;
  for (guint i = 0; i < G_N_ELEMENTS (tile_sizes); i++)
    {
      int th = tile_sizes[i];
      int vh = th - kh + 1;
      int nty;

      /* A tile much larger than the image plus its margin is pure waste. */
      if (vh < 1 || (i > 0 && tile_sizes[i - 1] >= height + kh - 1))
        continue;
      nty = (height + vh - 1) / vh;

      for (guint j = 0; j < G_N_ELEMENTS (tile_sizes); j++)
        {
          int tw = tile_sizes[j];
          int vw = tw - kw + 1;
          int ntx;
          double n_px, cost;

          if (vw < 1 || (j > 0 && tile_sizes[j - 1] >= width + kw - 1))
            continue;
          ntx = (width + vw - 1) / vw;
          n_px = (double) th * tw;
          cost = (double) nty * ntx * (n_px * tile_pixel_cost (n_px) + COST_TILE_SETUP_NS);
          if (cost < best.cost)
            {
              best = (Tiling) { th, tw, vh, vw, nty, ntx, cost };
            }
        }
    }

  return best;
}

double
veil_convolve_fft_protect_cost (int width,
                       int height,
                       int kw,
                       int kh)
{
  Tiling t;

  g_return_val_if_fail (width > 0 && height > 0, INFINITY);
  g_return_val_if_fail (kw > 0 && kh > 0, INFINITY);
  g_return_val_if_fail (kw <= VEIL_CONVOLVE_FFT_KERNEL_MAX, INFINITY);
  g_return_val_if_fail (kh <= VEIL_CONVOLVE_FFT_KERNEL_MAX, INFINITY);

  t = choose_tiling (width, height, kw, kh);
  return t.cost + COST_FINAL_PASS_NS * width * height;
}

/* Plans are made once per tile size and kept for the life of the process (a handful of sizes).
 * FFTW's planner is not thread-safe, so creation is serialised; executing a plan on other
 * arrays of the same layout and alignment (fftwf_execute_dft_*) is safe from many threads.
 * FFTW_ESTIMATE rather than FFTW_MEASURE: measuring takes seconds per size (1.7 s for 2048²)
 * and picks plans by timing, so the rounding, hence the output bytes, could change from run to
 * run; estimated plans are about 2× slower per transform here but deterministic. */
typedef struct {
  fftwf_plan forward;
  fftwf_plan inverse;
} PlanPair;

static GMutex plan_lock;
static GHashTable *plan_cache; /* (th << 16 | tw) → PlanPair */

static const PlanPair *
get_plans (int th,
           int tw)
{
  static gsize initialised = 0;
  gpointer key = GINT_TO_POINTER ((th << 16) | tw);
  PlanPair *pair;

  if (g_once_init_enter (&initialised))
    {
      /* The threaded library is initialised once so that FFTW's planner state is consistent
       * with it, but plans are single-threaded: threads work on separate tiles instead, which
       * keeps the bytes independent of the thread count. */
      fftwf_init_threads ();
      fftwf_plan_with_nthreads (1);
      g_once_init_leave (&initialised, 1);
    }

  g_mutex_lock (&plan_lock);
  if (plan_cache == NULL)
    plan_cache = g_hash_table_new (NULL, NULL);
  pair = g_hash_table_lookup (plan_cache, key);
  if (pair == NULL)
    {
      int wc = tw / 2 + 1;
      float *buf = fftwf_malloc (sizeof (float) * 2 * wc * th);

      pair = g_new0 (PlanPair, 1);
      pair->forward = fftwf_plan_dft_r2c_2d (th, tw, buf, (fftwf_complex *) buf,
                                             FFTW_ESTIMATE);
      pair->inverse = fftwf_plan_dft_c2r_2d (th, tw, (fftwf_complex *) buf, buf,
                                             FFTW_ESTIMATE);
      fftwf_free (buf);
      g_assert (pair->forward != NULL && pair->inverse != NULL);
      g_hash_table_insert (plan_cache, key, pair);
    }
  g_mutex_unlock (&plan_lock);

  return pair;
}

/* The correlation values are kept between the two passes (the maximum is known only at the
 * end) as 16-bit codes of v = y / bound ∈ [0, 2): a float with 4 exponent bits (v down to
 * 2⁻¹⁵) and 12 mantissa bits, rounded. Relative error ≤ 2⁻¹³, i.e. at most 0.03 of an 8-bit
 * step after normalisation, however dark the image. Code 0 stands for anything below 2⁻¹⁵. */
#define CODE_EXP_BASE (112u << 23) /* the bits of 2⁻¹⁵ */

static inline guint16
encode_value (float v)
{
  guint32 bits, code;

  if (!(v > 3.0517578125e-05f)) /* 2⁻¹⁵; also catches NaN and negative rounding noise */
    return 0;
  if (v >= 1.9995f)
    return 65535;
  memcpy (&bits, &v, sizeof bits);
  code = (bits - CODE_EXP_BASE + (1u << 10)) >> 11;
  return (guint16) MIN (code, 65535u);
}

static inline float
decode_value (guint32 code)
{
  guint32 bits;
  float v;

  if (code == 0)
    return 0.0f;
  bits = (code << 11) + CODE_EXP_BASE;
  memcpy (&v, &bits, sizeof v);
  return v;
}

/* The kernel's spectrum for one tile size, scaled by 1/(th·tw) for FFTW's unnormalised
 * inverse. Correlation is convolution with the mirrored kernel; for a real kernel that is the
 * complex conjugate of its spectrum, applied when multiplying. */
static fftwf_complex *
kernel_spectrum (const PlanPair *plans,
                 const float    *kernel,
                 int             kw,
                 int             kh,
                 int             th,
                 int             tw)
{
  int wc = tw / 2 + 1;
  int row = 2 * wc;
  float *buf = fftwf_malloc (sizeof (float) * row * th);
  float norm = 1.0f / ((float) th * (float) tw);

  memset (buf, 0, sizeof (float) * row * th);
  for (int y = 0; y < kh; y++)
    for (int x = 0; x < kw; x++)
      buf[y * row + x] = kernel[y * kw + x] * norm;
  fftwf_execute_dft_r2c (plans->forward, buf, (fftwf_complex *) buf);
  return (fftwf_complex *) buf;
}

/* One call's state, shared by its phases. */
typedef struct {
  const guint8            *src;
  int                      src_stride;
  guint8                  *dst;
  int                      dst_stride;
  int                      width;
  int                      height;
  int                      n_channels;
  int                      kw;
  int                      kh;
  Tiling                   t;
  const PlanPair          *plans;
  const fftwf_complex     *spectrum;   /* the kernel's, for the tile size */
  const VeilBorderWeights *border;     /* photo normalisation: the weight inside the image */
  guint8                  *low;        /* paper normalisation: the low bytes of the codes */
  float                    inv_bound;  /* paper normalisation: 1 / the bound of every value */
  GCancellable            *cancellable;
  gint                     cancelled;
} FftJob;

#define N_COLOUR 3

static int
resolve_threads (int n_threads)
{
  if (n_threads > 0)
    return n_threads;
#ifdef _OPENMP
  return omp_get_max_threads ();
#else
  return 1;
#endif
}

/* The largest colour byte of the image. */
static int
max_colour_byte (const guint8 *src,
                 int           src_stride,
                 int           width,
                 int           height,
                 int           n_channels)
{
  int max_in = 0;

  for (int y = 0; y < height; y++)
    {
      const guint8 *row = src + (gsize) y * src_stride;

      for (int x = 0; x < width; x++)
        for (int c = 0; c < N_COLOUR; c++)
          max_in = MAX (max_in, row[x * n_channels + c]);
    }
  return max_in;
}

/* Copies channel @c of the tile whose top left corner is at (@ox, @oy) in the image into @buf
 * (rows of 2·(tw/2 + 1) floats), zero outside the image (the zero padding). */
static void
fill_tile (const FftJob *job,
           int           c,
           int           oy,
           int           ox,
           float        *buf)
{
  const int row = 2 * (job->t.tw / 2 + 1);

  for (int r = 0; r < job->t.th; r++)
    {
      float *brow = buf + (gsize) r * row;
      int yy = oy + r;
      int xa, xb;

      memset (brow, 0, sizeof (float) * row);
      if (yy < 0 || yy >= job->height)
        continue;
      xa = MAX (0, -ox);
      xb = MIN (job->t.tw, job->width - ox);
      if (xb > xa)
        {
          const guint8 *s = job->src + (gsize) yy * job->src_stride
                                + (gsize) (ox + xa) * job->n_channels + c;

          for (int x = xa; x < xb; x++, s += job->n_channels)
            brow[x] = *s;
        }
    }
}

/* Correlates the tile in @buf with the kernel, in place: forward transform, product with the
 * conjugate of the kernel's spectrum, inverse transform. */
static void
correlate_tile (const FftJob *job,
                float        *buf)
{
  fftwf_complex *cbuf = (fftwf_complex *) buf;
  const gsize n = (gsize) (job->t.tw / 2 + 1) * job->t.th;

  fftwf_execute_dft_r2c (job->plans->forward, buf, cbuf);
  for (gsize i = 0; i < n; i++)
    {
      float ar = cbuf[i][0], ai = cbuf[i][1];
      float br = job->spectrum[i][0], bi = -job->spectrum[i][1];

      cbuf[i][0] = ar * br - ai * bi;
      cbuf[i][1] = ar * bi + ai * br;
    }
  fftwf_execute_dft_c2r (job->plans->inverse, cbuf, buf);
}

/* The photo normalisation: the tile's final bytes, each value divided by the weight inside. */
static void
store_tile_photo (const FftJob *job,
                  const float  *buf,
                  int           c,
                  int           y0,
                  int           x0,
                  int           out_h,
                  int           out_w,
                  float        *scale)
{
  const int row = 2 * (job->t.tw / 2 + 1);

  for (int r = 0; r < out_h; r++)
    {
      /* The values are sums of bytes: dividing by the weight inside gives bytes again. */
      const float *brow = buf + (gsize) r * row;
      guint8 *d = job->dst + (gsize) (y0 + r) * job->dst_stride + (gsize) x0 * job->n_channels
                  + c;

      _veil_border_weights_row (job->border, y0 + r, x0, out_w, 1.0f, scale);
      for (int x = 0; x < out_w; x++, d += job->n_channels)
        {
          float q = brow[x] * scale[x] + 0.5f;

          *d = q >= 255.0f ? 255 : q <= 0.0f ? 0 : (guint8) q;
        }
    }
}

/* The paper normalisation: the tile's values as 16-bit codes, high byte in @dst and low byte in
 * the scratch, until the maximum is known. Returns the largest code. */
static guint
store_tile_codes (const FftJob *job,
                  const float  *buf,
                  int           c,
                  int           y0,
                  int           x0,
                  int           out_h,
                  int           out_w)
{
  const int row = 2 * (job->t.tw / 2 + 1);
  guint max_code = 0;

  for (int r = 0; r < out_h; r++)
    {
      const float *brow = buf + (gsize) r * row;
      guint8 *d = job->dst + (gsize) (y0 + r) * job->dst_stride + (gsize) x0 * job->n_channels
                  + c;
      guint8 *l = job->low + ((gsize) (y0 + r) * job->width + x0) * N_COLOUR + c;

      for (int x = 0; x < out_w; x++, d += job->n_channels, l += N_COLOUR)
        {
          guint code = encode_value (brow[x] * job->inv_bound);

          *d = code >> 8;
          *l = code & 0xff;
          max_code = MAX (max_code, code);
        }
    }
  return max_code;
}

/* One (tile, channel) item: the tile's valid output is written to @dst. Returns the largest code
 * written (0 with the photo normalisation). */
static guint
convolve_item (FftJob *job,
               int     item,
               float  *buf,
               float  *scale)
{
  const Tiling *t = &job->t;
  int c = item % N_COLOUR;
  int tile = item / N_COLOUR;
  int ty = tile / t->ntx, tx = tile % t->ntx;
  int y0 = ty * t->vh, x0 = tx * t->vw;
  int out_h = MIN (t->vh, job->height - y0), out_w = MIN (t->vw, job->width - x0);

  fill_tile (job, c, y0 - job->kh / 2, x0 - job->kw / 2, buf);
  correlate_tile (job, buf);
  if (job->border != NULL)
    {
      store_tile_photo (job, buf, c, y0, x0, out_h, out_w, scale);
      return 0;
    }
  return store_tile_codes (job, buf, c, y0, x0, out_h, out_w);
}

/* Every (tile, channel) pair, spread over the threads, each transformed by the same
 * single-threaded plan (see get_plans()). Returns the largest code (paper normalisation). */
static guint
convolve_tiles (FftJob *job,
                int     n_threads)
{
  const int n_items = job->t.nty * job->t.ntx * N_COLOUR;
  guint max_code = 0;

#pragma omp parallel num_threads (n_threads)
  {
    float *buf = fftwf_malloc (sizeof (float) * 2 * (job->t.tw / 2 + 1) * job->t.th);
    float *scale = job->border != NULL ? g_new (float, job->width) : NULL;
    guint thread_max = 0;

#pragma omp for schedule (dynamic, 1)
    for (int item = 0; item < n_items; item++)
      {
        if (g_atomic_int_get (&job->cancelled))
          continue;
        if (job->cancellable != NULL && g_cancellable_is_cancelled (job->cancellable))
          {
            g_atomic_int_set (&job->cancelled, 1);
            continue;
          }
        thread_max = MAX (thread_max, convolve_item (job, item, buf, scale));
      }

    fftwf_free (buf);
    g_free (scale);
#pragma omp critical (veil_convolve_fft_max)
    max_code = MAX (max_code, thread_max);
  }
  return max_code;
}

/* The last pass: with the paper normalisation every code divided by the largest (@max_code;
 * 0 means every value is 0 and the image black); in both normalisations alpha copied. */
static void
finish_image (const FftJob *job,
              guint         max_code,
              int           n_threads)
{
  const gboolean photo = job->border != NULL;
  const int width = job->width, n_channels = job->n_channels;
  const float max_value = decode_value (max_code);

#pragma omp parallel for num_threads (n_threads) schedule (static)
  for (int y = 0; y < job->height; y++)
    {
      const guint8 *s = job->src + (gsize) y * job->src_stride;
      guint8 *d = job->dst + (gsize) y * job->dst_stride;
      const guint8 *l = job->low != NULL ? job->low + (gsize) y * width * N_COLOUR : NULL;

      for (int x = 0; x < width; x++)
        {
          for (int c = 0; c < N_COLOUR; c++)
            {
              guint8 *p = d + x * n_channels + c;

              if (photo)
                break; /* written by the tiles */
              if (max_code == 0)
                *p = 0;
              else
                {
                  float v = decode_value (((guint) *p << 8) | l[x * N_COLOUR + c]) / max_value;
                  float s255 = v * 255.0f;

                  *p = s255 >= 255.0f ? 255 : s255 <= 0.0f ? 0 : (guint8) s255;
                }
            }
          if (n_channels == 4)
            d[x * 4 + 3] = s[x * 4 + 3];
        }
    }
}

gboolean
veil_convolve_fft_protect (const guint8  *src,
                           int            src_stride,
                           guint8        *dst,
                           int            dst_stride,
                           int            width,
                           int            height,
                           int            n_channels,
                           const float   *kernel,
                           int            kw,
                           int            kh,
                           int            n_threads,
                           GCancellable  *cancellable,
                           GError       **error)
{
  return veil_convolve_fft_protect_normalised (src, src_stride, dst, dst_stride, width, height,
                                               n_channels, kernel, kw, kh, VEIL_NORMALISE_PAPER,
                                               n_threads, cancellable, error);
}

gboolean
veil_convolve_fft_protect_normalised (const guint8     *src,
                                      int               src_stride,
                                      guint8           *dst,
                                      int               dst_stride,
                                      int               width,
                                      int               height,
                                      int               n_channels,
                                      const float      *kernel,
                                      int               kw,
                                      int               kh,
                                      VeilNormalisation normalisation,
                                      int               n_threads,
                                      GCancellable     *cancellable,
                                      GError          **error)
{
  const gboolean photo = normalisation == VEIL_NORMALISE_PHOTO;
  g_autoptr(VeilBorderWeights) border = NULL;
  g_autofree guint8 *low = NULL;
  fftwf_complex *spectrum;
  FftJob job = {
    .src = src, .src_stride = src_stride, .dst = dst, .dst_stride = dst_stride,
    .width = width, .height = height, .n_channels = n_channels, .kw = kw, .kh = kh,
    .cancellable = cancellable,
  };
  double abs_sum = 0.0;
  int max_in;
  guint max_code = 0;

  g_return_val_if_fail (src != NULL && dst != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);
  g_return_val_if_fail (n_channels == 3 || n_channels == 4, FALSE);
  g_return_val_if_fail (src_stride >= width * n_channels, FALSE);
  g_return_val_if_fail (dst_stride >= width * n_channels, FALSE);
  g_return_val_if_fail (kernel != NULL, FALSE);
  g_return_val_if_fail (kw >= 1 && kh >= 1, FALSE);
  g_return_val_if_fail (kw <= VEIL_CONVOLVE_FFT_KERNEL_MAX, FALSE);
  g_return_val_if_fail (kh <= VEIL_CONVOLVE_FFT_KERNEL_MAX, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  n_threads = resolve_threads (n_threads);

  /* An upper bound of |y| lets the values be coded relative to it. */
  for (int i = 0; i < kw * kh; i++)
    abs_sum += fabs ((double) kernel[i]);
  max_in = max_colour_byte (src, src_stride, width, height, n_channels);

  job.t = choose_tiling (width, height, kw, kh);
  job.plans = get_plans (job.t.th, job.t.tw);

  if (photo || (max_in != 0 && abs_sum != 0.0))
    {
      /* Otherwise every value is 0: max_code stays 0 and the image is black. */
      job.inv_bound = photo ? 1.0f : (float) (1.0 / (max_in * abs_sum));
      spectrum = kernel_spectrum (job.plans, kernel, kw, kh, job.t.th, job.t.tw);
      job.spectrum = spectrum;
      if (photo)
        border = _veil_border_weights_new (kernel, kw, kh, width, height);
      else
        low = g_malloc ((gsize) width * height * N_COLOUR);
      job.border = border;
      job.low = low;

      max_code = convolve_tiles (&job, n_threads);
      fftwf_free (spectrum);

      if (job.cancelled)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("Operation was cancelled"));
          return FALSE;
        }
      if (photo && n_channels == 3)
        return TRUE; /* the tiles wrote every byte */
    }

  finish_image (&job, max_code, n_threads);
  return TRUE;
}
