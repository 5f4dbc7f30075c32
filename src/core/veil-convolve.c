/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-core"

#include "config.h"

#include <math.h>
#include <string.h>
#include <stdlib.h>
#include <omp.h>
#include <immintrin.h>
#include <glib/gi18n-lib.h>

#include "veil-convolve.h"
#include "veil-convolve-private.h"
#include "veil-error.h"

/* The optimised path. It must write exactly the bytes of veil-convolve-reference.c (whose header
 * comment fixes the arithmetic), so each output value is still the float32 sum
 * 0 + w[0]·x + w[1]·x + … in kernel row-major order; what changes is only that eight neighbouring
 * output values are summed side by side in one vector register (never a reordering inside one
 * value), and that the conversion of a byte to float happens once per source row instead of once
 * per tap.
 *
 * The normalisation needs the maximum over the whole image before the first byte can be written,
 * and a full-image float copy of a 24-megapixel photo would be 288 MB, so there are two passes:
 *
 * Pass 1 finds the maximum, exactly, without computing most of the image. It reads the bytes
 * once to get each tile's largest byte; because the float sum in its fixed order can only grow
 * when an input grows (for non-negative weights), the sum over a kernel full of that byte bounds
 * every result the tile can hold. Tiles are then convolved by falling bound until the largest
 * result found reaches the bound of every tile left. In a photo with clipped highlights one
 * kernel-sized patch of 255 reaches the top bound and ends the search almost at once; in noise
 * nothing can be skipped, and the pass costs as much as computing the image.
 *
 * Pass 2 computes every row again and writes it. Each thread owns a contiguous band of rows and
 * keeps the kh source rows it needs as floats in a small ring (channel-interleaved RGB,
 * zero-padded by kw/2 pixels on both sides, so one kernel tap is one contiguous multiply-add over
 * a row). Rows outside the image read a shared all-zero row: adding w·0 leaves a sum unchanged,
 * as the reference's zero padding does.
 *
 * Memory: the input, the output and, per thread, kh padded float rows, one tile's rows for
 * pass 1 and a few bytes per 256×32 tile. */

/* Output floats computed per register block: eight vectors of eight, enough independent sums to
 * hide the latency of the vector adds. */
#define VEC_LEN 8
#define BLOCK (8 * VEC_LEN)
/* Rows between two looks at the cancellable. */
#define CANCEL_BAND 16

typedef float v8f __attribute__ ((vector_size (VEC_LEN * sizeof (float))));
typedef gint32 v8i __attribute__ ((vector_size (VEC_LEN * sizeof (gint32))));

/* The same vector as it may sit anywhere in a float array: unaligned, aliasing floats. */
typedef float v8f_u __attribute__ ((vector_size (VEC_LEN * sizeof (float)), aligned (4),
                                    may_alias));

#define LOAD(p) (*(const v8f_u *) (p))
#define STORE(p, v) (*(v8f_u *) (p) = (v))

/* Lane-wise maximum without a vector ?: (C has none) and without intrinsics (the default clone
 * has no AVX): a select through the comparison mask. The maximum is exact, so lanes may be
 * combined in any order. */
#define MAX_V8F(a, b) ((v8f) (((v8i) (a) & ((a) > (b))) | ((v8i) (b) & ~((a) > (b)))))

/* For the few loops written with AVX2 intrinsics; the others are cloned by the compiler. */
static gboolean
have_avx2 (void)
{
  static int result = -1;

  if (g_atomic_int_get (&result) < 0)
    g_atomic_int_set (&result, __builtin_cpu_supports ("avx2") ? 1 : 0);
  return g_atomic_int_get (&result) == 1;
}

/* Computes @n_blocks × BLOCK output floats of one image row into @out. @rows are the kh padded
 * source rows (row ky of the kernel reads rows[ky]); a kernel tap kx reads the same row shifted
 * by kx pixels, i.e. 3·kx floats. The AVX2 clone only widens the vectors; it has no FMA, so every
 * clone computes the same bits. */
__attribute__ ((target_clones ("avx2", "default")))
static void
convolve_blocks (const float *const *rows,
              const float        *kernel,
              int                 kw,
              int                 kh,
              gsize               n_blocks,
              float              *out,
              const guint8       *prefetch,
              gsize               prefetch_step)
{
  for (gsize b = 0; b < n_blocks; b++)
    {
      /* A bit of the next source row per block: a burst of prefetches for a whole row would
       * mostly be dropped for lack of line fill buffers. */
      if (prefetch != NULL)
        {
          __builtin_prefetch (prefetch + b * prefetch_step);
          __builtin_prefetch (prefetch + (b + 1) * prefetch_step - 1);
        }

      v8f a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 };
      v8f a4 = { 0 }, a5 = { 0 }, a6 = { 0 }, a7 = { 0 };

      for (int ky = 0; ky < kh; ky++)
        {
          const float *r = rows[ky] + b * BLOCK;

          for (int kx = 0; kx < kw; kx++, r += 3)
            {
              const float k = kernel[ky * kw + kx];
              const v8f w = { k, k, k, k, k, k, k, k };

              a0 = a0 + w * LOAD (r + 0 * VEC_LEN);
              a1 = a1 + w * LOAD (r + 1 * VEC_LEN);
              a2 = a2 + w * LOAD (r + 2 * VEC_LEN);
              a3 = a3 + w * LOAD (r + 3 * VEC_LEN);
              a4 = a4 + w * LOAD (r + 4 * VEC_LEN);
              a5 = a5 + w * LOAD (r + 5 * VEC_LEN);
              a6 = a6 + w * LOAD (r + 6 * VEC_LEN);
              a7 = a7 + w * LOAD (r + 7 * VEC_LEN);
            }
        }

      float *o = out + b * BLOCK;
      STORE (o + 0 * VEC_LEN, a0);
      STORE (o + 1 * VEC_LEN, a1);
      STORE (o + 2 * VEC_LEN, a2);
      STORE (o + 3 * VEC_LEN, a3);
      STORE (o + 4 * VEC_LEN, a4);
      STORE (o + 5 * VEC_LEN, a5);
      STORE (o + 6 * VEC_LEN, a6);
      STORE (o + 7 * VEC_LEN, a7);
    }
}

#define BYTE_TO_FLOAT(b) _veil_convolve_byte_to_float (b)

/* One run of @n_px pixels to floats at @f (channel-interleaved RGB), dropping alpha. */
__attribute__ ((target_clones ("avx2", "default")))
static void
convert_pixels (const guint8 *src,
                int           n_px,
                int           n_channels,
                float        *f)
{
  if (n_channels == 3)
    {
#pragma omp simd
      for (int i = 0; i < n_px * 3; i++)
        f[i] = BYTE_TO_FLOAT (src[i]);
    }
  else
    {
#pragma omp simd
      for (int x = 0; x < n_px; x++)
        {
          f[3 * x + 0] = BYTE_TO_FLOAT (src[4 * x + 0]);
          f[3 * x + 1] = BYTE_TO_FLOAT (src[4 * x + 1]);
          f[3 * x + 2] = BYTE_TO_FLOAT (src[4 * x + 2]);
        }
    }
}

/* The largest of @m and the @n floats at @y. */
__attribute__ ((target_clones ("avx2", "default")))
static float
floats_max (const float *y,
            gsize        n,
            float        m)
{
  v8f vm = { m, m, m, m, m, m, m, m };
  gsize i = 0;

  for (; i + VEC_LEN <= n; i += VEC_LEN)
    vm = MAX_V8F (LOAD (y + i), vm);
  for (int j = 0; j < VEC_LEN; j++)
    m = MAX (m, vm[j]);
  for (; i < n; i++)
    m = MAX (m, y[i]);
  return m;
}

/* The reference's quantisation of one value, exactly as written there. */
static inline guint8
quantise_exact (float y,
                float m)
{
  float q = y / m * 255.0f;

  q = q > 255.0f ? 255.0f : q;
  q = q > 0.0f ? q : 0.0f;
  return (guint8) q;
}

/* How far either side of the estimate the exact value is looked for; see quantise_row_avx2(). */
#define QUANTISE_MARGIN 1.5e-4f

/* The plain quantisation of one row, for CPUs without AVX2 and for negative weights. */
static void
quantise_row_exact (const float *y,
                    float        m,
                    int          n,
                    guint8      *q)
{
  for (int i = 0; i < n; i++)
    q[i] = quantise_exact (y[i], m);
}

/* The bytes of quantise_exact() for one row at a fraction of the cost of a division per value.
 * The estimate t = y · fl(255/m) and the reference's r = fl(fl(y/m) · 255) both lie within
 * 2^-23 relative of the real y·255/m ≤ 255, so |r - t| < 6.1e-5; fl(t ± QUANTISE_MARGIN) are
 * still more than that away from t (their rounding moves them by at most 1.6e-5), so r lies
 * between them, and when both truncate to the same integer so does r. Otherwise (about 1 % of
 * groups of 32 values) the group is redone exactly, except where y == m: then r is exactly 255,
 * and so is the upper truncation; this case is frequent in photos with clipped highlights.
 * Truncation toward zero makes y == 0 agree on 0 without a special case. Needs 0 ≤ y ≤ m. */
__attribute__ ((target ("avx2")))
static void
quantise_row_avx2 (const float *y,
                   float        m,
                   int          n,
                   guint8      *q)
{
  const __m256 vs = _mm256_set1_ps (255.0f / m);
  const __m256 vm = _mm256_set1_ps (m);
  const __m256 margin = _mm256_set1_ps (QUANTISE_MARGIN);
  const __m256i ones = _mm256_set1_epi32 (-1);
  /* packus works within 128-bit lanes; this puts the eight groups of bytes back in order. */
  const __m256i order = _mm256_setr_epi32 (0, 4, 1, 5, 2, 6, 3, 7);
  int i = 0;

/* One group of eight: the upper truncation into @e, lanes that need the exact path into @unsure. */
#define QUANTISE_8(offset, e)                                                                   \
  G_STMT_START {                                                                                \
    __m256 v_ = _mm256_loadu_ps (y + i + (offset));                                             \
    __m256 t_ = _mm256_mul_ps (v_, vs);                                                         \
    __m256i hi_ = _mm256_cvttps_epi32 (_mm256_add_ps (t_, margin));                             \
    __m256i lo_ = _mm256_cvttps_epi32 (_mm256_sub_ps (t_, margin));                             \
    __m256i sure_ = _mm256_or_si256 (_mm256_cmpeq_epi32 (hi_, lo_),                             \
                                     _mm256_castps_si256 (_mm256_cmp_ps (v_, vm, _CMP_EQ_OQ))); \
    unsure = _mm256_or_si256 (unsure, _mm256_xor_si256 (sure_, ones));                          \
    (e) = hi_;                                                                                  \
  } G_STMT_END

  for (; i + 32 <= n; i += 32)
    {
      __m256i e0, e1, e2, e3;
      __m256i unsure = _mm256_setzero_si256 ();

      /* Written out: a loop over an array of four here ends up on the stack. */
      QUANTISE_8 (0, e0);
      QUANTISE_8 (8, e1);
      QUANTISE_8 (16, e2);
      QUANTISE_8 (24, e3);

      if (!_mm256_testz_si256 (unsure, unsure))
        quantise_row_exact (y + i, m, 32, q + i);
      else
        {
          __m256i w01 = _mm256_packus_epi32 (e0, e1);
          __m256i w23 = _mm256_packus_epi32 (e2, e3);
          __m256i b = _mm256_packus_epi16 (w01, w23);

          _mm256_storeu_si256 ((__m256i *) (q + i), _mm256_permutevar8x32_epi32 (b, order));
        }
    }
  quantise_row_exact (y + i, m, n - i, q + i);
#undef QUANTISE_8
}

/* Pass 2's row in one go for AVX2: the same sums as convolve_blocks(), quantised as
 * quantise_row_avx2() does while they are still in registers, into @q. @y is scratch for the
 * groups that need the exact path and for the last, partial block. */
__attribute__ ((target ("avx2")))
static void
convolve_quantise_avx2 (const float *const *rows,
                        const float        *kernel,
                        int                 kw,
                        int                 kh,
                        int                 n,
                        float               m,
                        float              *y,
                        guint8             *q,
                        const guint8       *prefetch,
                        gsize               prefetch_step)
{
  const __m256 vs = _mm256_set1_ps (255.0f / m);
  const __m256 vm = _mm256_set1_ps (m);
  const __m256 margin = _mm256_set1_ps (QUANTISE_MARGIN);
  const __m256i ones = _mm256_set1_epi32 (-1);
  const __m256i order = _mm256_setr_epi32 (0, 4, 1, 5, 2, 6, 3, 7);
  const gsize n_full = (gsize) n / BLOCK;

#define QUANTISE_V(v, e)                                                                        \
  G_STMT_START {                                                                                \
    __m256 t_ = _mm256_mul_ps ((v), vs);                                                        \
    __m256i hi_ = _mm256_cvttps_epi32 (_mm256_add_ps (t_, margin));                             \
    __m256i lo_ = _mm256_cvttps_epi32 (_mm256_sub_ps (t_, margin));                             \
    __m256i sure_ = _mm256_or_si256 (_mm256_cmpeq_epi32 (hi_, lo_),                             \
                                     _mm256_castps_si256 (_mm256_cmp_ps ((v), vm, _CMP_EQ_OQ))); \
    unsure = _mm256_or_si256 (unsure, _mm256_xor_si256 (sure_, ones));                          \
    (e) = hi_;                                                                                  \
  } G_STMT_END

  for (gsize b = 0; b < n_full; b++)
    {
      __m256 a0 = _mm256_setzero_ps (), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
      __m256 a7 = a0;
      __m256i e0, e1, e2, e3, e4, e5, e6, e7;
      __m256i unsure = _mm256_setzero_si256 ();

      if (prefetch != NULL)
        {
          __builtin_prefetch (prefetch + b * prefetch_step);
          __builtin_prefetch (prefetch + (b + 1) * prefetch_step - 1);
        }
      for (int ky = 0; ky < kh; ky++)
        {
          const float *r = rows[ky] + b * BLOCK;

          for (int kx = 0; kx < kw; kx++, r += 3)
            {
              const __m256 w = _mm256_set1_ps (kernel[ky * kw + kx]);

              a0 = _mm256_add_ps (a0, _mm256_mul_ps (w, _mm256_loadu_ps (r + 0)));
              a1 = _mm256_add_ps (a1, _mm256_mul_ps (w, _mm256_loadu_ps (r + 8)));
              a2 = _mm256_add_ps (a2, _mm256_mul_ps (w, _mm256_loadu_ps (r + 16)));
              a3 = _mm256_add_ps (a3, _mm256_mul_ps (w, _mm256_loadu_ps (r + 24)));
              a4 = _mm256_add_ps (a4, _mm256_mul_ps (w, _mm256_loadu_ps (r + 32)));
              a5 = _mm256_add_ps (a5, _mm256_mul_ps (w, _mm256_loadu_ps (r + 40)));
              a6 = _mm256_add_ps (a6, _mm256_mul_ps (w, _mm256_loadu_ps (r + 48)));
              a7 = _mm256_add_ps (a7, _mm256_mul_ps (w, _mm256_loadu_ps (r + 56)));
            }
        }

      QUANTISE_V (a0, e0);
      QUANTISE_V (a1, e1);
      QUANTISE_V (a2, e2);
      QUANTISE_V (a3, e3);
      QUANTISE_V (a4, e4);
      QUANTISE_V (a5, e5);
      QUANTISE_V (a6, e6);
      QUANTISE_V (a7, e7);

      if (!_mm256_testz_si256 (unsure, unsure))
        {
          _mm256_storeu_ps (y + 0, a0);
          _mm256_storeu_ps (y + 8, a1);
          _mm256_storeu_ps (y + 16, a2);
          _mm256_storeu_ps (y + 24, a3);
          _mm256_storeu_ps (y + 32, a4);
          _mm256_storeu_ps (y + 40, a5);
          _mm256_storeu_ps (y + 48, a6);
          _mm256_storeu_ps (y + 56, a7);
          quantise_row_exact (y, m, BLOCK, q + b * BLOCK);
        }
      else
        {
          __m256i lo = _mm256_packus_epi16 (_mm256_packus_epi32 (e0, e1),
                                            _mm256_packus_epi32 (e2, e3));
          __m256i hi = _mm256_packus_epi16 (_mm256_packus_epi32 (e4, e5),
                                            _mm256_packus_epi32 (e6, e7));

          _mm256_storeu_si256 ((__m256i *) (q + b * BLOCK),
                               _mm256_permutevar8x32_epi32 (lo, order));
          _mm256_storeu_si256 ((__m256i *) (q + b * BLOCK + 32),
                               _mm256_permutevar8x32_epi32 (hi, order));
        }
    }
#undef QUANTISE_V

  if (n_full * BLOCK < (gsize) n)
    {
      const float *tail_rows[kh];

      for (int ky = 0; ky < kh; ky++)
        tail_rows[ky] = rows[ky] + n_full * BLOCK;
      convolve_blocks (tail_rows, kernel, kw, kh, 1, y, NULL, 0);
      quantise_row_exact (y, m, n - (int) (n_full * BLOCK), q + n_full * BLOCK);
    }
}

/* Turns a row of packed RGB bytes at the front of @dst into RGBA with the alpha of @src, from the
 * back so that nothing is overwritten before it is read. */
static void
spread_alpha (guint8       *dst,
              const guint8 *src,
              int           width)
{
  for (int x = width - 1; x >= 0; x--)
    {
      guint8 r = dst[3 * x], g = dst[3 * x + 1], b = dst[3 * x + 2];

      dst[4 * x + 0] = r;
      dst[4 * x + 1] = g;
      dst[4 * x + 2] = b;
      dst[4 * x + 3] = src[4 * x + 3];
    }
}

/* Writes one row of results. For RGBA the colour bytes are first written packed to the front of
 * the output row (3 ≤ 4 bytes per pixel, so nothing is overwritten before it is read) and then
 * spread out from the back, next to the copied alpha. */
static void
quantise_row (const float  *y,
              float         m,
              int           width,
              int           n_channels,
              gboolean      exact_only,
              const guint8 *src,
              guint8       *dst)
{
  if (exact_only || !have_avx2 ())
    quantise_row_exact (y, m, width * 3, dst);
  else
    quantise_row_avx2 (y, m, width * 3, dst);
  if (n_channels == 4)
    spread_alpha (dst, src, width);
}

/* Above this many output bytes the result cannot stay in the caches anyway, and writing it with
 * streaming stores saves the memory reads a normal store makes first: a third of the traffic. */
#define STREAM_THRESHOLD (16u << 20)

__attribute__ ((target ("avx2")))
static void
copy_streaming_avx2 (guint8       *dst,
                     const guint8 *src,
                     gsize         n)
{
  gsize head = MIN (n, (32 - ((guintptr) dst & 31)) & 31);
  gsize i = head;

  memcpy (dst, src, head);
  for (; i + 32 <= n; i += 32)
    _mm256_stream_si256 ((__m256i *) (dst + i), _mm256_loadu_si256 ((const __m256i *) (src + i)));
  memcpy (dst + i, src + i, n - i);
}

/* Copies one finished output row out of the thread's scratch. */
static void
write_row (guint8       *dst,
           const guint8 *line,
           gsize         n,
           gboolean      streaming)
{
  if (streaming)
    copy_streaming_avx2 (dst, line, n);
  else
    memcpy (dst, line, n);
}

/* Raises *@max to the largest of @n bytes at @p and adds them to *@sum. */
static void
scan_bytes_plain (const guint8 *p,
                  int           n,
                  guint8       *max,
                  guint64      *sum)
{
  guint8 m = *max;
  guint64 s = 0;

  for (int i = 0; i < n; i++)
    {
      m = MAX (m, p[i]);
      s += p[i];
    }
  *max = m;
  *sum += s;
}

__attribute__ ((target ("avx2")))
static void
scan_bytes_avx2 (const guint8 *p,
                 int           n,
                 guint8       *max,
                 guint64      *sum)
{
  __m256i vmax = _mm256_setzero_si256 ();
  __m256i vsum = _mm256_setzero_si256 ();
  guint8 lanes[32];
  guint64 sums[4];
  int i = 0;

  for (; i + 32 <= n; i += 32)
    {
      __m256i v = _mm256_loadu_si256 ((const __m256i *) (p + i));

      vmax = _mm256_max_epu8 (vmax, v);
      vsum = _mm256_add_epi64 (vsum, _mm256_sad_epu8 (v, _mm256_setzero_si256 ()));
    }
  _mm256_storeu_si256 ((__m256i *) lanes, vmax);
  _mm256_storeu_si256 ((__m256i *) sums, vsum);
  for (int j = 0; j < 32; j++)
    *max = MAX (*max, lanes[j]);
  *sum += sums[0] + sums[1] + sums[2] + sums[3];
  scan_bytes_plain (p + i, n - i, max, sum);
}

static void
scan_bytes (const guint8 *p,
            int           n,
            guint8       *max,
            guint64      *sum)
{
  if (have_avx2 ())
    scan_bytes_avx2 (p, n, max, sum);
  else
    scan_bytes_plain (p, n, max, sum);
}

/* Pass 1 works on tiles so that it can skip most of the image; see find_max(). */
#define TILE_W 256   /* pixels: 768 floats, a whole number of register blocks */
#define TILE_H 32

typedef struct {
  const guint8 *src;
  int           src_stride;
  int           width;
  int           height;
  int           n_channels;
  const float  *kernel;
  int           kw;
  int           kh;
  gboolean      negative_weights;
  gsize         n_blocks;   /* register blocks per image row */
  gsize         row_len;    /* floats per padded source row of pass 2 */
  gsize         seg_len;    /* floats per padded source segment of a pass-1 tile */
  const float  *zero_row;   /* max (row_len, seg_len) zeros */
  int           n_tx;
  int           n_ty;
} Job;

/* Tiles that may hold the maximum that are tried first, the brightest on average: in a photo
 * with clipped highlights one of them usually reaches the bound, which ends the search. */
#define PROBES 8

typedef struct {
  float   bound;     /* no result in the tile can exceed it */
  guint32 tile;
  guint64 sum;       /* of the tile's bytes */
} TileOrder;

/* By falling bound, then in image order, which keeps the reads of neighbouring tiles close
 * together in memory (a third faster than any other order when nothing can be skipped). */
static int
tile_order_compare (const void *a,
                    const void *b)
{
  const TileOrder *x = a, *y = b;

  if (x->bound != y->bound)
    return x->bound > y->bound ? -1 : 1;
  return x->tile < y->tile ? -1 : (x->tile > y->tile);
}

/* Moves the PROBES brightest tiles of the highest bound to the front, the rest keeping their
 * order. */
static void
order_probes_first (TileOrder *order,
                    int        n_tiles)
{
  TileOrder probes[PROBES];
  int n_top = 1, n_probes = 0, kept = 0;

  while (n_top < n_tiles && order[n_top].bound == order[0].bound)
    n_top++;
  if (n_top <= PROBES)
    return;

  for (int p = 0; p < PROBES; p++)
    {
      int best = -1;

      for (int i = 0; i < n_top; i++)
        if (order[i].tile != G_MAXUINT32 && (best < 0 || order[i].sum > order[best].sum))
          best = i;
      probes[n_probes++] = order[best];
      order[best].tile = G_MAXUINT32;   /* taken */
    }
  for (int i = n_top - 1; i >= 0; i--)
    if (order[i].tile != G_MAXUINT32)
      order[n_top - 1 - kept++] = order[i];
  memcpy (order, probes, sizeof probes);
}

/* Converts the source columns [x0 - kw/2, x0 - kw/2 + seg_len/3) of row @sy into @f, zero outside
 * the image. */
static void
convert_segment (const Job *job,
                 int        sy,
                 int        x0,
                 float     *f)
{
  const int first = x0 - job->kw / 2;
  const int n_px = (int) (job->seg_len / 3);
  const int from = MAX (first, 0);
  const int to = MIN (first + n_px, job->width);

  if (to <= from)
    {
      memset (f, 0, job->seg_len * sizeof (float));
      return;
    }
  memset (f, 0, (gsize) (from - first) * 3 * sizeof (float));
  convert_pixels (job->src + (gsize) sy * job->src_stride + (gsize) from * job->n_channels,
                  to - from, job->n_channels, f + (gsize) (from - first) * 3);
  memset (f + (gsize) (to - first) * 3, 0, (job->seg_len - (gsize) (to - first) * 3) * sizeof (float));
}

/* The largest result in one tile. @seg holds TILE_H + kh - 1 segments, @y one tile row. */
static float
tile_max (const Job     *job,
          int            tile,
          float         *seg,
          float         *y,
          const float  **rows)
{
  const int x0 = (tile % job->n_tx) * TILE_W;
  const int y0 = (tile / job->n_tx) * TILE_H;
  const int n_rows = MIN (TILE_H, job->height - y0);
  const gsize n_floats = (gsize) MIN (TILE_W, job->width - x0) * 3;
  const gsize n_blocks = (n_floats + BLOCK - 1) / BLOCK;
  const float **seg_rows = rows + job->kh;
  float m = 0.0f;

  for (int r = 0; r < n_rows + job->kh - 1; r++)
    {
      int sy = y0 + r - job->kh / 2;

      if (sy < 0 || sy >= job->height)
        seg_rows[r] = job->zero_row;
      else
        {
          convert_segment (job, sy, x0, seg + (gsize) r * job->seg_len);
          seg_rows[r] = seg + (gsize) r * job->seg_len;
        }
    }

  for (int r = 0; r < n_rows; r++)
    {
      convolve_blocks (seg_rows + r, job->kernel, job->kw, job->kh, n_blocks, y, NULL, 0);
      m = floats_max (y, n_floats, m);
    }
  return m;
}

/* Fills @rows with the kh source rows output row @row reads, converting those not in the ring. */
static void
gather_rows (const Job     *job,
             float         *ring,
             int           *ring_row,
             int            row,
             const float  **rows)
{
  const gsize pad = (gsize) (job->kw / 2) * 3;

  for (int ky = 0; ky < job->kh; ky++)
    {
      int sy = row + ky - job->kh / 2;
      int slot;

      if (sy < 0 || sy >= job->height)
        {
          rows[ky] = job->zero_row;
          continue;
        }
      slot = sy % job->kh;
      if (ring_row[slot] != sy)
        {
          convert_pixels (job->src + (gsize) sy * job->src_stride, job->width, job->n_channels,
                          ring + slot * job->row_len + pad);
          ring_row[slot] = sy;
        }
      rows[ky] = ring + slot * job->row_len;
    }
}

/* The weighted sum every result is bounded by when no byte under the kernel exceeds @b: the
 * float32 sum in the fixed order is monotonic in each x as long as no weight is negative
 * (rounding never reverses an inequality), and a zero-padded tap only lowers it. */
static float
bound_for_byte (const Job *job,
                int        b)
{
  const float x = BYTE_TO_FLOAT (b);
  float acc = 0.0f;

  for (int i = 0; i < job->kw * job->kh; i++)
    acc = acc + job->kernel[i] * x;
  return acc;
}

gboolean
veil_convolve_protect (const guint8  *src,
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
  g_autofree float *zero_row = NULL;
  g_autofree guint8 *tile_bytes = NULL;
  g_autofree guint64 *tile_sums = NULL;
  g_autofree TileOrder *order = NULL;
  Job job;
  float bounds[256];
  float shared_max = 0.0f;
  gint cancelled = FALSE;
  int n_tiles;

  g_return_val_if_fail (src != NULL && dst != NULL && kernel != NULL, FALSE);
  g_return_val_if_fail (n_channels == 3 || n_channels == 4, FALSE);
  g_return_val_if_fail (width > 0 && height > 0 && kw > 0 && kh > 0, FALSE);
  g_return_val_if_fail (src_stride >= width * n_channels, FALSE);
  g_return_val_if_fail (dst_stride >= width * n_channels, FALSE);
  g_return_val_if_fail (n_threads >= 0, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  job.negative_weights = FALSE;
  for (int i = 0; i < kw * kh; i++)
    {
      if (!isfinite (kernel[i]))
        {
          g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                       _("The convolution filter contains a weight that is not a finite number"));
          return FALSE;
        }
      if (kernel[i] < 0.0f)
        job.negative_weights = TRUE;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  job.src = src;
  job.src_stride = src_stride;
  job.width = width;
  job.height = height;
  job.n_channels = n_channels;
  job.kernel = kernel;
  job.kw = kw;
  job.kh = kh;
  job.n_blocks = ((gsize) width * 3 + BLOCK - 1) / BLOCK;
  /* Room for the left padding, the row, and whatever the last register block and the widest
   * tap read beyond it. */
  job.row_len = job.n_blocks * BLOCK + (gsize) (kw - 1) * 3;
  job.seg_len = (gsize) TILE_W * 3 + (gsize) (kw - 1) * 3;
  zero_row = g_new0 (float, MAX (job.row_len, job.seg_len));
  job.zero_row = zero_row;
  job.n_tx = (width + TILE_W - 1) / TILE_W;
  job.n_ty = (height + TILE_H - 1) / TILE_H;
  n_tiles = job.n_tx * job.n_ty;

  tile_bytes = g_new0 (guint8, n_tiles);
  tile_sums = g_new0 (guint64, n_tiles);
  order = g_new (TileOrder, n_tiles);
  for (int b = 0; b < 256; b++)
    bounds[b] = job.negative_weights ? INFINITY : bound_for_byte (&job, b);

  if (n_threads == 0)
    n_threads = omp_get_max_threads ();
  n_threads = MIN (n_threads, height);

#pragma omp parallel num_threads (n_threads)
  {
    const int tid = omp_get_thread_num ();
    const int n = omp_get_num_threads ();
    /* Contiguous bands keep the ring useful: each source row is converted about once. */
    const int first = (int) ((gint64) height * tid / n);
    const int last = (int) ((gint64) height * (tid + 1) / n);
    const gsize y_len = MAX (job.n_blocks, (gsize) TILE_W * 3 / BLOCK) * BLOCK;
    g_autofree const float **rows = g_new (const float *, kh + TILE_H + kh);
    g_autofree float *y = g_new (float, y_len);
    g_autofree float *buf = NULL;
    g_autofree int *ring_row = g_new (int, kh);
    g_autofree guint8 *line = g_malloc ((gsize) width * n_channels);
    /* Quantising straight from the registers needs the fast quantisation's premise, y ≥ 0. */
    const gboolean fused = have_avx2 () && !job.negative_weights;
    const gsize prefetch_step = ((gsize) width * n_channels + job.n_blocks - 1) / job.n_blocks;
    const gboolean streaming = have_avx2 () &&
                               (gsize) width * height * n_channels > STREAM_THRESHOLD;
    float m;

    /* Pass 1, step 1: the largest byte and the byte sum of every tile. Reading the image once
     * costs about a memory copy, a fraction of convolving it. */
#pragma omp for schedule (static)
    for (int ty = 0; ty < job.n_ty; ty++)
      {
        if (g_cancellable_is_cancelled (cancellable))
          g_atomic_int_set (&cancelled, TRUE);
        if (g_atomic_int_get (&cancelled))
          continue;
        for (int yy = ty * TILE_H; yy < MIN ((ty + 1) * TILE_H, height); yy++)
          for (int tx = 0; tx < job.n_tx; tx++)
            {
              /* Alpha is included: it can only raise the bound, never make it wrong. */
              const guint8 *p = src + (gsize) yy * src_stride + (gsize) tx * TILE_W * n_channels;
              const int n_bytes = MIN (TILE_W, width - tx * TILE_W) * n_channels;

              scan_bytes (p, n_bytes, &tile_bytes[ty * job.n_tx + tx],
                          &tile_sums[ty * job.n_tx + tx]);
            }
      }

    /* Step 2: a bound per tile from the largest byte its results can read, which for a kernel
     * radius of up to a tile reaches into the neighbouring tiles; then the tiles by falling
     * bound, so that the tile holding the maximum tends to come first. */
#pragma omp single
    {
      const int rx = (kw / 2 + TILE_W - 1) / TILE_W;
      const int ry = (kh / 2 + TILE_H - 1) / TILE_H;

      for (int t = 0; t < n_tiles; t++)
        {
          const int tx = t % job.n_tx, ty = t / job.n_tx;
          guint8 b = 0;

          for (int j = MAX (ty - ry, 0); j <= MIN (ty + ry, job.n_ty - 1); j++)
            for (int i = MAX (tx - rx, 0); i <= MIN (tx + rx, job.n_tx - 1); i++)
              b = MAX (b, tile_bytes[j * job.n_tx + i]);
          order[t].bound = bounds[b];
          order[t].tile = t;
          order[t].sum = tile_sums[t];
        }
      qsort (order, n_tiles, sizeof *order, tile_order_compare);
      order_probes_first (order, n_tiles);
    }

    /* Step 3: the exact maximum of every tile whose bound exceeds the largest result found so
     * far. A skipped tile cannot hold a larger result, so the maximum is exact and the same
     * whichever thread finds what first. */
    buf = g_new (float, (gsize) (TILE_H + kh - 1) * job.seg_len);
#pragma omp for schedule (dynamic, 1)
    for (int i = 0; i < n_tiles; i++)
      {
        float found, tm;

        if (g_atomic_int_get (&cancelled))
          continue;
        if (g_cancellable_is_cancelled (cancellable))
          {
            g_atomic_int_set (&cancelled, TRUE);
            continue;
          }
#pragma omp atomic read
        found = shared_max;
        if (order[i].bound <= found)
          continue;

        tm = tile_max (&job, order[i].tile, buf, y, rows);
#pragma omp critical (veil_convolve_max)
        if (tm > shared_max)
          {
#pragma omp atomic write
            shared_max = tm;
          }
      }
    g_clear_pointer (&buf, g_free);
    /* The implicit barrier of the loop above makes every tile's maximum visible. */
    m = shared_max;

    /* Pass 2: compute every row again and write it. */
    buf = g_new0 (float, job.row_len * kh);
    for (int i = 0; i < kh; i++)
      ring_row[i] = -1;
    for (int row = first; row < last && !g_atomic_int_get (&cancelled); row++)
      {
        guint8 *out = dst + (gsize) row * dst_stride;
        const guint8 *in = src + (gsize) row * src_stride;

        if ((row - first) % CANCEL_BAND == 0 && g_cancellable_is_cancelled (cancellable))
          {
            g_atomic_int_set (&cancelled, TRUE);
            break;
          }

        if (m > 0.0f)
          {
            const int next = row + kh - kh / 2;
            /* The next row to convert is fetched while this one is computed: the hardware
             * prefetcher alone leaves the conversion waiting for memory. */
            const guint8 *prefetch = next < height ? src + (gsize) next * src_stride : NULL;

            gather_rows (&job, buf, ring_row, row, rows);
            if (fused)
              {
                convolve_quantise_avx2 (rows, kernel, kw, kh, width * 3, m, y, line, prefetch,
                                        prefetch_step);
                if (n_channels == 4)
                  spread_alpha (line, in, width);
              }
            else
              {
                convolve_blocks (rows, kernel, kw, kh, job.n_blocks, y, prefetch, prefetch_step);
                quantise_row (y, m, width, n_channels, job.negative_weights, in, line);
              }
            write_row (out, line, (gsize) width * n_channels, streaming);
          }
        else if (n_channels == 3)
          memset (out, 0, (gsize) width * 3);
        else
          for (int x = 0; x < width; x++)
            {
              memset (out + 4 * x, 0, 3);
              out[4 * x + 3] = in[4 * x + 3];
            }
      }
    /* Streaming stores are weakly ordered: make them visible before the threads join. */
    if (streaming)
      _mm_sfence ();
  }

  if (cancelled)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("The convolution was cancelled"));
      return FALSE;
    }
  return TRUE;
}
