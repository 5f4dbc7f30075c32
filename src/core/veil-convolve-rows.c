/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-core"

/* The row kernels of the optimised convolution (veil-convolve.c drives them): vectorised loops
 * that must reproduce the reference's arithmetic bit for bit. The hot loops are written with GCC
 * vector extensions and cloned for AVX2 and plain x86-64 (target_clones, or for the two-row
 * kernel one macro body compiled twice); a few that need instructions the extensions cannot
 * express (packing, streaming stores, byte sums) are written with AVX2 intrinsics next to a plain
 * version, chosen at run time. No clone uses FMA, and the
 * project builds with -ffp-contract=off, so every variant computes the same bits. */

#include <string.h>
#include <immintrin.h>

#include "veil-convolve-private.h"

/* Building with -DVEIL_CONVOLVE_BASELINE keeps only the plain x86-64 code, to check on an AVX2
 * machine that it writes the same bytes (test-convolve against the reference). */
#ifdef VEIL_CONVOLVE_BASELINE
#define CLONED
#else
#define CLONED __attribute__ ((target_clones ("avx2", "default")))
#endif

/* Output floats computed per register block: eight vectors of eight, enough independent sums to
 * hide the latency of the vector adds. */
#define VEC_LEN 8
#define BLOCK VEIL_CONVOLVE_BLOCK

G_STATIC_ASSERT (BLOCK == 8 * VEC_LEN);

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
gboolean
_veil_convolve_have_avx2 (void)
{
  static int result = -1;

  if (g_atomic_int_get (&result) < 0)
#ifdef VEIL_CONVOLVE_BASELINE
    g_atomic_int_set (&result, 0);
#else
    g_atomic_int_set (&result, __builtin_cpu_supports ("avx2") ? 1 : 0);
#endif
  return g_atomic_int_get (&result) == 1;
}

/* Computes the output floats of blocks [@first, @end) of one image row into @out (block b at
 * out + b·BLOCK). @rows are the kh padded
 * source rows (row ky of the kernel reads rows[ky]); a kernel tap kx reads the same row shifted
 * by kx pixels, i.e. 3·kx floats. The AVX2 clone only widens the vectors; it has no FMA, so every
 * clone computes the same bits. */
CLONED
void
_veil_convolve_blocks (const float *const *rows,
                       const float        *kernel,
                       int                 kw,
                       int                 kh,
                       gsize               first,
                       gsize               end,
                       float              *out,
                       const guint8       *prefetch,
                       gsize               prefetch_step)
{
  for (gsize b = first; b < end; b++)
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

/* Two output rows per sweep (row 0 from rows[0 .. kh-1], row 1 from rows[1 .. kh]): each source
 * vector the two rows share is loaded once and used for both, a third fewer loads for k = 3,
 * where the loads (two thirds of them misaligned by the tap's shift) and not the arithmetic
 * bound the one-row kernel. Each value is still summed alone, in the order ky, then kx. Four
 * vectors per row: eight accumulators, the loaded vectors and the weight fit the 16 registers.
 * @PIN keeps a loaded vector in a register: without it GCC folds the load into both
 * multiplications, loading it twice. */
#define BLOCKS2_BODY(PIN)                                                                        \
  for (gsize b = first; b < end; b++)                                                           \
    {                                                                                           \
      if (prefetch != NULL)                                                                     \
        {                                                                                       \
          __builtin_prefetch (prefetch + b * prefetch_step);                                    \
          __builtin_prefetch (prefetch + (b + 1) * prefetch_step - 1);                          \
          __builtin_prefetch (prefetch + prefetch_stride + b * prefetch_step);                  \
          __builtin_prefetch (prefetch + prefetch_stride + (b + 1) * prefetch_step - 1);        \
        }                                                                                       \
      for (gsize half = 0; half < BLOCK; half += 4 * VEC_LEN)                                   \
        {                                                                                       \
          const gsize off = b * BLOCK + half;                                                   \
          v8f a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 };                                   \
          v8f c0 = { 0 }, c1 = { 0 }, c2 = { 0 }, c3 = { 0 };                                   \
          const float *r = rows[0] + off;                                                       \
                                                                                                \
          for (int kx = 0; kx < kw; kx++, r += 3)                                               \
            {                                                                                   \
              const float k = kernel[kx];                                                       \
              const v8f w = { k, k, k, k, k, k, k, k };                                         \
                                                                                                \
              a0 = a0 + w * LOAD (r + 0 * VEC_LEN);                                             \
              a1 = a1 + w * LOAD (r + 1 * VEC_LEN);                                             \
              a2 = a2 + w * LOAD (r + 2 * VEC_LEN);                                             \
              a3 = a3 + w * LOAD (r + 3 * VEC_LEN);                                             \
            }                                                                                   \
          for (int sy = 1; sy < kh; sy++)                                                       \
            {                                                                                   \
              const float *k0 = kernel + sy * kw, *k1 = kernel + (sy - 1) * kw;                 \
                                                                                                \
              r = rows[sy] + off;                                                               \
              for (int kx = 0; kx < kw; kx++, r += 3)                                           \
                {                                                                               \
                  v8f x0 = LOAD (r + 0 * VEC_LEN), x1 = LOAD (r + 1 * VEC_LEN);                 \
                  v8f x2 = LOAD (r + 2 * VEC_LEN), x3 = LOAD (r + 3 * VEC_LEN);                 \
                  const float k = k0[kx], u = k1[kx];                                           \
                  const v8f w = { k, k, k, k, k, k, k, k };                                     \
                  const v8f wu = { u, u, u, u, u, u, u, u };                                    \
                                                                                                \
                  PIN (x0, x1, x2, x3);                                                         \
                  a0 = a0 + w * x0;                                                             \
                  a1 = a1 + w * x1;                                                             \
                  a2 = a2 + w * x2;                                                             \
                  a3 = a3 + w * x3;                                                             \
                  c0 = c0 + wu * x0;                                                            \
                  c1 = c1 + wu * x1;                                                            \
                  c2 = c2 + wu * x2;                                                            \
                  c3 = c3 + wu * x3;                                                            \
                }                                                                               \
            }                                                                                   \
          r = rows[kh] + off;                                                                   \
          for (int kx = 0; kx < kw; kx++, r += 3)                                               \
            {                                                                                   \
              const float k = kernel[(kh - 1) * kw + kx];                                       \
              const v8f w = { k, k, k, k, k, k, k, k };                                         \
                                                                                                \
              c0 = c0 + w * LOAD (r + 0 * VEC_LEN);                                             \
              c1 = c1 + w * LOAD (r + 1 * VEC_LEN);                                             \
              c2 = c2 + w * LOAD (r + 2 * VEC_LEN);                                             \
              c3 = c3 + w * LOAD (r + 3 * VEC_LEN);                                             \
            }                                                                                   \
          STORE (out0 + off + 0 * VEC_LEN, a0);                                                 \
          STORE (out0 + off + 1 * VEC_LEN, a1);                                                 \
          STORE (out0 + off + 2 * VEC_LEN, a2);                                                 \
          STORE (out0 + off + 3 * VEC_LEN, a3);                                                 \
          STORE (out1 + off + 0 * VEC_LEN, c0);                                                 \
          STORE (out1 + off + 1 * VEC_LEN, c1);                                                 \
          STORE (out1 + off + 2 * VEC_LEN, c2);                                                 \
          STORE (out1 + off + 3 * VEC_LEN, c3);                                                 \
        }                                                                                       \
    }

#define PIN_NONE(x0, x1, x2, x3) G_STMT_START { } G_STMT_END
/* An empty statement that claims to change the vectors in their registers. */
#define PIN_YMM(x0, x1, x2, x3) __asm__ ("" : "+x" (x0), "+x" (x1), "+x" (x2), "+x" (x3))

G_STATIC_ASSERT (BLOCK % (4 * VEC_LEN) == 0);

static void
blocks2_plain (const float *const *rows,
               const float        *kernel,
               int                 kw,
               int                 kh,
               gsize               first,
               gsize               end,
               float              *out0,
               float              *out1,
               const guint8       *prefetch,
               gsize               prefetch_step,
               gsize               prefetch_stride)
{
  BLOCKS2_BODY (PIN_NONE)
}

#ifndef VEIL_CONVOLVE_BASELINE
__attribute__ ((target ("avx2")))
static void
blocks2_avx2 (const float *const *rows,
              const float        *kernel,
              int                 kw,
              int                 kh,
              gsize               first,
              gsize               end,
              float              *out0,
              float              *out1,
              const guint8       *prefetch,
              gsize               prefetch_step,
              gsize               prefetch_stride)
{
  BLOCKS2_BODY (PIN_YMM)
}
#endif

void
_veil_convolve_blocks2 (const float *const *rows,
                        const float        *kernel,
                        int                 kw,
                        int                 kh,
                        gsize               first,
                        gsize               end,
                        float              *out0,
                        float              *out1,
                        const guint8       *prefetch,
                        gsize               prefetch_step,
                        gsize               prefetch_stride)
{
#ifndef VEIL_CONVOLVE_BASELINE
  if (_veil_convolve_have_avx2 ())
    blocks2_avx2 (rows, kernel, kw, kh, first, end, out0, out1, prefetch, prefetch_step,
                  prefetch_stride);
  else
#endif
    blocks2_plain (rows, kernel, kw, kh, first, end, out0, out1, prefetch, prefetch_step,
                   prefetch_stride);
}

/* One run of @n_px pixels to floats at @f (channel-interleaved RGB), dropping alpha. */
CLONED
void
_veil_convolve_convert_pixels (const guint8 *src,
                               int           n_px,
                               int           n_channels,
                               float        *f)
{
  if (n_channels == 3)
    {
#pragma omp simd
      for (int i = 0; i < n_px * 3; i++)
        f[i] = _veil_convolve_byte_to_float (src[i]);
    }
  else
    {
#pragma omp simd
      for (int x = 0; x < n_px; x++)
        {
          f[3 * x + 0] = _veil_convolve_byte_to_float (src[4 * x + 0]);
          f[3 * x + 1] = _veil_convolve_byte_to_float (src[4 * x + 1]);
          f[3 * x + 2] = _veil_convolve_byte_to_float (src[4 * x + 2]);
        }
    }
}

/* The largest of @m and the @n floats at @y. */
CLONED
float
_veil_convolve_floats_max (const float *y,
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

/* How far either side of the estimate the exact value is looked for; see quantise_values_avx2(). */
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

/* Whether every value of the group of 32 at @y is one quantise_values_avx2() may take from the
 * upper truncation of its estimate: the two truncations agree, or y == m (see there). Called only
 * when some truncations disagree, so the comparison with m stays out of the common path. */
__attribute__ ((target ("avx2")))
static gboolean
group_sure_avx2 (const float *y,
                 __m256       vs,
                 __m256       vm,
                 __m256       margin)
{
  __m256i unsure = _mm256_setzero_si256 ();

  for (int g = 0; g < 32; g += 8)
    {
      __m256 v = _mm256_loadu_ps (y + g);
      __m256 t = _mm256_mul_ps (v, vs);
      __m256i hi = _mm256_cvttps_epi32 (_mm256_add_ps (t, margin));
      __m256i lo = _mm256_cvttps_epi32 (_mm256_sub_ps (t, margin));
      __m256i differ = _mm256_xor_si256 (hi, lo);

      /* Lanes where y == m count as agreeing. */
      differ = _mm256_andnot_si256 (_mm256_castps_si256 (_mm256_cmp_ps (v, vm, _CMP_EQ_OQ)),
                                    differ);
      unsure = _mm256_or_si256 (unsure, differ);
    }
  return _mm256_testz_si256 (unsure, unsure);
}

/* The bytes of quantise_exact() for @n values at a fraction of the cost of a division per value.
 * The estimate t = y · fl(255/m) and the reference's r = fl(fl(y/m) · 255) both lie within
 * 2^-23 relative of the real y·255/m ≤ 255, so |r - t| < 6.1e-5; fl(t ± QUANTISE_MARGIN) are
 * still more than that away from t (their rounding moves them by at most 1.6e-5), so r lies
 * between them, and when both truncate to the same integer so does r. Otherwise (about 1 % of
 * groups of 32 values) the group is redone exactly, except where y == m: then r is exactly 255,
 * and so is the upper truncation; this case is frequent in photos with clipped highlights, and is
 * looked for only in a group with disagreeing truncations. Truncation toward zero makes y == 0
 * agree on 0 without a special case. Needs 0 ≤ y ≤ m. With @streaming, @q must be 32-byte
 * aligned from the first whole group on, which the caller arranges (values before it go the plain
 * way). */
__attribute__ ((target ("avx2")))
static void
quantise_values_avx2 (const float *y,
                      float        m,
                      int          n,
                      guint8      *q,
                      gboolean     streaming)
{
  const __m256 vs = _mm256_set1_ps (255.0f / m);
  const __m256 vm = _mm256_set1_ps (m);
  const __m256 margin = _mm256_set1_ps (QUANTISE_MARGIN);
  /* packus works within 128-bit lanes; this puts the eight groups of bytes back in order. */
  const __m256i order = _mm256_setr_epi32 (0, 4, 1, 5, 2, 6, 3, 7);
  int i = 0;

  /* Streaming stores need aligned addresses: the values before the first one go the plain way. */
  if (streaming)
    {
      i = MIN (n, (int) ((32 - ((guintptr) q & 31)) & 31));
      quantise_row_exact (y, m, i, q);
    }

/* One group of eight: the upper truncation into @e; lanes whose truncations differ set bits of
 * differ. */
#define QUANTISE_8(offset, e)                                                                   \
  G_STMT_START {                                                                                \
    __m256 t_ = _mm256_mul_ps (_mm256_loadu_ps (y + i + (offset)), vs);                          \
    __m256i hi_ = _mm256_cvttps_epi32 (_mm256_add_ps (t_, margin));                             \
    __m256i lo_ = _mm256_cvttps_epi32 (_mm256_sub_ps (t_, margin));                             \
    differ = _mm256_or_si256 (differ, _mm256_xor_si256 (hi_, lo_));                             \
    (e) = hi_;                                                                                  \
  } G_STMT_END

  for (; i + 32 <= n; i += 32)
    {
      __m256i e0, e1, e2, e3, bytes;
      __m256i differ = _mm256_setzero_si256 ();

      /* Written out: a loop over an array of four here ends up on the stack. */
      QUANTISE_8 (0, e0);
      QUANTISE_8 (8, e1);
      QUANTISE_8 (16, e2);
      QUANTISE_8 (24, e3);

      if (G_UNLIKELY (!_mm256_testz_si256 (differ, differ)) &&
          !group_sure_avx2 (y + i, vs, vm, margin))
        {
          guint8 exact[32];

          quantise_row_exact (y + i, m, 32, exact);
          bytes = _mm256_loadu_si256 ((const __m256i *) exact);
        }
      else
        {
          __m256i w01 = _mm256_packus_epi32 (e0, e1);
          __m256i w23 = _mm256_packus_epi32 (e2, e3);

          bytes = _mm256_permutevar8x32_epi32 (_mm256_packus_epi16 (w01, w23), order);
        }
      if (streaming)
        _mm256_stream_si256 ((__m256i *) (q + i), bytes);
      else
        _mm256_storeu_si256 ((__m256i *) (q + i), bytes);
    }
  quantise_row_exact (y + i, m, n - i, q + i);
#undef QUANTISE_8
}

void
_veil_convolve_quantise_values (const float *y,
                                float        m,
                                int          n,
                                gboolean     exact_only,
                                guint8      *q,
                                gboolean     streaming)
{
  g_assert (!streaming || _veil_convolve_have_avx2 ());

  if (exact_only || !_veil_convolve_have_avx2 ())
    quantise_row_exact (y, m, n, q);
  else
    quantise_values_avx2 (y, m, n, q, streaming);
}

CLONED
void
_veil_convolve_quantise_photo (const float  *y,
                               const float  *scale,
                               int           width,
                               int           n_channels,
                               const guint8 *src,
                               guint8       *dst)
{
  for (int x = 0; x < width; x++)
    {
      const float s = scale[x];

      for (int c = 0; c < 3; c++)
        {
          float q = y[3 * x + c] * s + 0.5f;

          q = q > 255.0f ? 255.0f : q;
          q = q > 0.0f ? q : 0.0f;
          dst[x * n_channels + c] = (guint8) q;
        }
      if (n_channels == 4)
        dst[4 * x + 3] = src[4 * x + 3];
    }
}

/* Writes one row of results. For RGBA the colour bytes are first written packed to the front of
 * the output row (3 ≤ 4 bytes per pixel, so nothing is overwritten before it is read) and then
 * spread out from the back, next to the copied alpha; so streaming is for RGB only. */
void
_veil_convolve_quantise_row (const float  *y,
                             float         m,
                             int           width,
                             int           n_channels,
                             gboolean      exact_only,
                             const guint8 *src,
                             guint8       *dst,
                             gboolean      streaming)
{
  g_assert (!streaming || n_channels == 3);

  _veil_convolve_quantise_values (y, m, width * 3, exact_only, dst, streaming);

  if (n_channels == 4)
    for (int x = width - 1; x >= 0; x--)
      {
        guint8 r = dst[3 * x], g = dst[3 * x + 1], b = dst[3 * x + 2];

        dst[4 * x + 0] = r;
        dst[4 * x + 1] = g;
        dst[4 * x + 2] = b;
        dst[4 * x + 3] = src[4 * x + 3];
      }
}

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
void
_veil_convolve_write_row (guint8       *dst,
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

void
_veil_convolve_scan_bytes (const guint8 *p,
                           int           n,
                           guint8       *max,
                           guint64      *sum)
{
  if (_veil_convolve_have_avx2 ())
    scan_bytes_avx2 (p, n, max, sum);
  else
    scan_bytes_plain (p, n, max, sum);
}

void
_veil_convolve_finish_writes (gboolean streaming)
{
  /* Streaming stores are weakly ordered: make them visible before the threads join. */
  if (streaming)
    _mm_sfence ();
}
