/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-core"

#include "config.h"

#include <math.h>
#include <string.h>
#include <stdlib.h>
#include <omp.h>
#include <glib/gi18n-lib.h>

#include "veil-convolve.h"
#include "veil-convolve-private.h"
#include "veil-error.h"

/* The optimised path (its row kernels are in veil-convolve-rows.c). It must write exactly the
 * bytes of veil-convolve-reference.c (whose header comment fixes the arithmetic), so each output
 * value is still the float32 sum 0 + w[0]·x + w[1]·x + … in kernel row-major order; what changes
 * is only that eight neighbouring output values are summed side by side in one vector register
 * (never a reordering inside one value), and that the conversion of a byte to float happens once
 * per source row instead of once per tap.
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
 * Pass 2 computes every row again and writes it, two rows per sweep so that the source rows they
 * share are loaded once for both. Each thread owns a contiguous band of rows and keeps the kh + 1
 * source rows it needs as floats in a small ring (channel-interleaved RGB, zero-padded by kw/2
 * pixels on both sides, so one kernel tap is one contiguous multiply-add over a row). Rows
 * outside the image read a shared all-zero row: adding w·0 leaves a sum unchanged, as the
 * reference's zero padding does.
 *
 * The photo normalisation (VEIL_NORMALISE_PHOTO) has no maximum to find: it skips pass 1 and
 * divides each value of pass 2 by the kernel weight inside the image (veil-convolve-border.c).
 *
 * Memory: the input, the output and, per thread, kh + 3 padded float rows, one tile's rows for
 * pass 1 and a few bytes per 256×32 tile. */

#define BLOCK VEIL_CONVOLVE_BLOCK
/* Rows between two looks at the cancellable. */
#define CANCEL_BAND 16

/* Pass 1 works on tiles so that it can skip most of the image (see the top of this file). */
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

/* Fills the first @len floats of @f (at most seg_len) from row @sy, starting at source column
 * x0 - kw/2: pixels as floats, zero outside the image. Only what the tile's register blocks read
 * is written: zeroing a whole segment per row was 7 % of the work on a 32-pixel image. */
static void
convert_segment (const Job *job,
                 int        sy,
                 int        x0,
                 gsize      len,
                 float     *f)
{
  const int first = x0 - job->kw / 2;
  const int n_px = (int) (len / 3);
  const int from = MAX (first, 0);
  const int to = MIN (first + n_px, job->width);
  const guint8 *row = job->src + (gsize) sy * job->src_stride;
  gsize lead, end;

  if (to <= from)
    {
      memset (f, 0, len * sizeof (float));
      return;
    }
  lead = (gsize) (from - first) * 3;
  end = (gsize) (to - first) * 3;
  memset (f, 0, lead * sizeof (float));
  _veil_convolve_convert_pixels (row + (gsize) from * job->n_channels, to - from, job->n_channels,
                                 f + lead);
  memset (f + end, 0, (len - end) * sizeof (float));
}

/* The largest result in one tile. @seg holds TILE_H + kh - 1 segments, @y and @y2 one tile row
 * each. */
static float
tile_max (const Job     *job,
          int            tile,
          float         *seg,
          float         *y,
          float         *y2,
          const float  **rows)
{
  const int x0 = (tile % job->n_tx) * TILE_W;
  const int y0 = (tile / job->n_tx) * TILE_H;
  const int n_rows = MIN (TILE_H, job->height - y0);
  const gsize n_floats = (gsize) MIN (TILE_W, job->width - x0) * 3;
  const gsize n_blocks = (n_floats + BLOCK - 1) / BLOCK;
  /* The last float the widest tap of the last block reads, plus one. */
  const gsize read_len = n_blocks * BLOCK + (gsize) (job->kw - 1) * 3;
  const float **seg_rows = rows + job->kh;
  float m = 0.0f;

  for (int r = 0; r < n_rows + job->kh - 1; r++)
    {
      int sy = y0 + r - job->kh / 2;

      if (sy < 0 || sy >= job->height)
        seg_rows[r] = job->zero_row;
      else
        {
          convert_segment (job, sy, x0, read_len, seg + (gsize) r * job->seg_len);
          seg_rows[r] = seg + (gsize) r * job->seg_len;
        }
    }

  for (int r = 0; r < n_rows; r += 2)
    {
      if (r + 1 < n_rows)
        {
          _veil_convolve_blocks2 (seg_rows + r, job->kernel, job->kw, job->kh, 0, n_blocks, y,
                                  y2, NULL, 0, 0);
          m = _veil_convolve_floats_max (y2, n_floats, m);
        }
      else
        _veil_convolve_blocks (seg_rows + r, job->kernel, job->kw, job->kh, 0, n_blocks, y, NULL,
                               0);
      m = _veil_convolve_floats_max (y, n_floats, m);
    }
  return m;
}

/* Fills @rows with the kh + @n_out - 1 source rows that output rows @row … @row + @n_out - 1
 * read, converting those not in the ring of kh + 1 rows. */
static void
gather_rows (const Job     *job,
             float         *ring,
             int           *ring_row,
             int            row,
             int            n_out,
             const float  **rows)
{
  const gsize pad = (gsize) (job->kw / 2) * 3;

  for (int i = 0; i < job->kh + n_out - 1; i++)
    {
      int sy = row + i - job->kh / 2;
      int slot;

      if (sy < 0 || sy >= job->height)
        {
          rows[i] = job->zero_row;
          continue;
        }
      slot = sy % (job->kh + 1);
      if (ring_row[slot] != sy)
        {
          _veil_convolve_convert_pixels (job->src + (gsize) sy * job->src_stride, job->width,
                                         job->n_channels, ring + slot * job->row_len + pad);
          ring_row[slot] = sy;
        }
      rows[i] = ring + slot * job->row_len;
    }
}

/* The weighted sum every result is bounded by when no byte under the kernel exceeds @b: the
 * float32 sum in the fixed order is monotonic in each x as long as no weight is negative
 * (rounding never reverses an inequality), and a zero-padded tap only lowers it. */
static float
bound_for_byte (const Job *job,
                int        b)
{
  const float x = _veil_convolve_byte_to_float (b);
  float acc = 0.0f;

  for (int i = 0; i < job->kw * job->kh; i++)
    acc = acc + job->kernel[i] * x;
  return acc;
}

/* Whether the call was cancelled, by another thread's look or by @cancellable now. */
static gboolean
is_cancelled (GCancellable *cancellable,
              gint         *cancelled)
{
  if (g_atomic_int_get (cancelled))
    return TRUE;
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_atomic_int_set (cancelled, TRUE);
      return TRUE;
    }
  return FALSE;
}

/* Rejects a weight that is not a finite number and tells whether any is negative (which makes
 * the bounds of pass 1 useless). */
static gboolean
check_kernel (const float  *kernel,
              int           n_weights,
              gboolean     *negative_weights,
              GError      **error)
{
  *negative_weights = FALSE;
  for (int i = 0; i < n_weights; i++)
    {
      if (!isfinite (kernel[i]))
        {
          g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                       _("The convolution filter contains a weight that is not a finite number"));
          return FALSE;
        }
      if (kernel[i] < 0.0f)
        *negative_weights = TRUE;
    }
  return TRUE;
}

/* The geometry both passes share; @zero_row is allocated here and freed by the caller. */
static void
plan_job (Job           *job,
          const guint8  *src,
          int            src_stride,
          int            width,
          int            height,
          int            n_channels,
          const float   *kernel,
          int            kw,
          int            kh,
          gboolean       negative_weights,
          float        **zero_row)
{
  job->src = src;
  job->src_stride = src_stride;
  job->width = width;
  job->height = height;
  job->n_channels = n_channels;
  job->kernel = kernel;
  job->kw = kw;
  job->kh = kh;
  job->negative_weights = negative_weights;
  job->n_blocks = ((gsize) width * 3 + BLOCK - 1) / BLOCK;
  /* Room for the left padding, the row, and whatever the last register block and the widest
   * tap read beyond it. */
  job->row_len = job->n_blocks * BLOCK + (gsize) (kw - 1) * 3;
  /* What the widest tile reads: an image narrower than a tile needs no more than its row. */
  job->seg_len = MIN ((gsize) TILE_W * 3, job->n_blocks * BLOCK) + (gsize) (kw - 1) * 3;
  *zero_row = g_new0 (float, MAX (job->row_len, job->seg_len));
  job->zero_row = *zero_row;
  job->n_tx = (width + TILE_W - 1) / TILE_W;
  job->n_ty = (height + TILE_H - 1) / TILE_H;
}

/* Floats in one output row buffer, large enough for a whole image row and for a pass-1 tile. */
static gsize
row_buffer_len (const Job *job)
{
  return MAX (job->n_blocks, (gsize) TILE_W * 3 / BLOCK) * BLOCK;
}

/* The largest byte and the byte sum of every tile in tile row @ty. */
static void
scan_tile_row (const Job *job,
               int        ty,
               guint8    *tile_bytes,
               guint64   *tile_sums)
{
  for (int yy = ty * TILE_H; yy < MIN ((ty + 1) * TILE_H, job->height); yy++)
    for (int tx = 0; tx < job->n_tx; tx++)
      {
        /* Alpha is included: it can only raise the bound, never make it wrong. */
        const guint8 *p = job->src + (gsize) yy * job->src_stride
                          + (gsize) tx * TILE_W * job->n_channels;
        const int n_bytes = MIN (TILE_W, job->width - tx * TILE_W) * job->n_channels;

        _veil_convolve_scan_bytes (p, n_bytes, &tile_bytes[ty * job->n_tx + tx],
                                   &tile_sums[ty * job->n_tx + tx]);
      }
}

/* Pass 1, step 1: the largest byte and the byte sum of every tile. Reading the image once costs
 * about a memory copy, a fraction of convolving it. Each phase runs without an OpenMP region
 * when it has one thread, as the export gives every small image: opening one costs about as
 * much as the phase on a 32-pixel image. */
static void
scan_tiles (const Job    *job,
            int           n_threads,
            guint8       *tile_bytes,
            guint64      *tile_sums,
            GCancellable *cancellable,
            gint         *cancelled)
{
  if (n_threads == 1)
    {
      for (int ty = 0; ty < job->n_ty && !is_cancelled (cancellable, cancelled); ty++)
        scan_tile_row (job, ty, tile_bytes, tile_sums);
      return;
    }

#pragma omp parallel for num_threads (n_threads) schedule (static)
  for (int ty = 0; ty < job->n_ty; ty++)
    if (!is_cancelled (cancellable, cancelled))
      scan_tile_row (job, ty, tile_bytes, tile_sums);
}

/* Step 2: a bound per tile from the largest byte its results can read, which for a kernel radius
 * of up to a tile reaches into the neighbouring tiles; then the tiles by falling bound, so that
 * the tile holding the maximum tends to come first. */
static void
order_tiles (const Job     *job,
             const guint8  *tile_bytes,
             const guint64 *tile_sums,
             TileOrder     *order)
{
  const int rx = (job->kw / 2 + TILE_W - 1) / TILE_W;
  const int ry = (job->kh / 2 + TILE_H - 1) / TILE_H;
  const int n_tiles = job->n_tx * job->n_ty;
  float bounds[256];

  for (int b = 0; b < 256; b++)
    bounds[b] = job->negative_weights ? INFINITY : bound_for_byte (job, b);

  for (int t = 0; t < n_tiles; t++)
    {
      const int tx = t % job->n_tx, ty = t / job->n_tx;
      guint8 b = 0;

      for (int j = MAX (ty - ry, 0); j <= MIN (ty + ry, job->n_ty - 1); j++)
        for (int i = MAX (tx - rx, 0); i <= MIN (tx + rx, job->n_tx - 1); i++)
          b = MAX (b, tile_bytes[j * job->n_tx + i]);
      order[t].bound = bounds[b];
      order[t].tile = t;
      order[t].sum = tile_sums[t];
    }
  qsort (order, n_tiles, sizeof *order, tile_order_compare);
  order_probes_first (order, n_tiles);
}

/* Raises *@found to @value if that is larger. A compare-and-swap, not a lock: a named critical
 * section is one lock for the whole process, which the export's workers, each convolving its own
 * image, waited for in turn. */
static void
raise_found (float *found,
             float  value)
{
  float old;

  __atomic_load (found, &old, __ATOMIC_RELAXED);
  while (value > old &&
         !__atomic_compare_exchange (found, &old, &value, TRUE, __ATOMIC_RELAXED,
                                     __ATOMIC_RELAXED))
    ;
}

/* One thread's part of step 3: takes the next tile of @order from *@next until none is left, and
 * computes each whose bound exceeds the largest result found so far by any thread (*@found). */
static void
search_some_tiles (const Job       *job,
                   const TileOrder *order,
                   gint            *next,
                   float           *found,
                   GCancellable    *cancellable,
                   gint            *cancelled)
{
  const int n_tiles = job->n_tx * job->n_ty;
  const gsize y_len = row_buffer_len (job);
  g_autofree const float **rows = g_new (const float *, job->kh + TILE_H + job->kh);
  g_autofree float *y = g_new (float, y_len);
  g_autofree float *y2 = g_new (float, y_len);
  g_autofree float *seg = g_new (float, (gsize) (TILE_H + job->kh - 1) * job->seg_len);

  for (int i = g_atomic_int_add (next, 1); i < n_tiles; i = g_atomic_int_add (next, 1))
    {
      float so_far;

      if (is_cancelled (cancellable, cancelled))
        break;
      __atomic_load (found, &so_far, __ATOMIC_RELAXED);
      if (order[i].bound <= so_far)
        continue;
      raise_found (found, tile_max (job, order[i].tile, seg, y, y2, rows));
    }
}

/* Step 3: the exact maximum of every tile whose bound exceeds the largest result found so far.
 * A skipped tile cannot hold a larger result, so the maximum is exact and the same whichever
 * thread finds what first. */
static float
search_tiles (const Job       *job,
              const TileOrder *order,
              int              n_threads,
              GCancellable    *cancellable,
              gint            *cancelled)
{
  float found = 0.0f;
  gint next = 0;

  if (n_threads == 1)
    search_some_tiles (job, order, &next, &found, cancellable, cancelled);
  else
    {
#pragma omp parallel num_threads (n_threads)
      search_some_tiles (job, order, &next, &found, cancellable, cancelled);
    }
  /* The end of the parallel region makes every tile's maximum visible. */
  return found;
}

/* Pass 1 (see the top of this file): the largest result of the whole image, exactly. */
static float
find_maximum (const Job    *job,
              int           n_threads,
              GCancellable *cancellable,
              gint         *cancelled)
{
  const int n_tiles = job->n_tx * job->n_ty;
  g_autofree guint8 *tile_bytes = g_new0 (guint8, n_tiles);
  g_autofree guint64 *tile_sums = g_new0 (guint64, n_tiles);
  g_autofree TileOrder *order = g_new (TileOrder, n_tiles);

  scan_tiles (job, n_threads, tile_bytes, tile_sums, cancellable, cancelled);
  if (g_atomic_int_get (cancelled))
    return 0.0f;
  order_tiles (job, tile_bytes, tile_sums, order);
  return search_tiles (job, order, n_threads, cancellable, cancelled);
}

/* Stores output row @row from its values @yi: divided by the maximum @m (or by the weight inside
 * the image with @border), or black when the maximum is 0. @line (one RGBA row) and @scale (one
 * float per pixel, with @border) are the thread's scratch. */
static void
store_row (const Job               *job,
           const VeilBorderWeights *border,
           float                    m,
           gboolean                 streaming,
           int                      row,
           const float             *yi,
           guint8                  *out,
           guint8                  *line,
           float                   *scale)
{
  const guint8 *in = job->src + (gsize) row * job->src_stride;
  const int width = job->width;

  if (border != NULL)
    {
      _veil_border_weights_row (border, row, 0, width, 255.0f, scale);
      _veil_convolve_quantise_photo (yi, scale, width, job->n_channels, in, out);
    }
  else if (m > 0.0f && job->n_channels == 3)
    _veil_convolve_quantise_values (yi, m, width * 3, job->negative_weights, out,
                                    streaming && !job->negative_weights);
  else if (m > 0.0f)
    {
      _veil_convolve_quantise_row (yi, m, width, 4, job->negative_weights, in, line,
                                   FALSE);
      _veil_convolve_write_row (out, line, (gsize) width * 4, streaming);
    }
  else if (job->n_channels == 3)
    memset (out, 0, (gsize) width * 3);
  else
    for (int x = 0; x < width; x++)
      {
        memset (out + 4 * x, 0, 3);
        out[4 * x + 3] = in[4 * x + 3];
      }
}

/* Pass 2 for the rows [@first, @last) of one thread: computes them again, two per sweep (see
 * _veil_convolve_blocks2()), a band of an odd number of rows ending with a single one. */
static void
write_band (const Job               *job,
            const VeilBorderWeights *border,
            float                    m,
            int                      first,
            int                      last,
            guint8                  *dst,
            int                      dst_stride,
            GCancellable            *cancellable,
            gint                    *cancelled)
{
  const int width = job->width, height = job->height, n_channels = job->n_channels;
  const int kw = job->kw, kh = job->kh;
  const gsize y_len = row_buffer_len (job);
  const gsize prefetch_step = ((gsize) width * n_channels + job->n_blocks - 1) / job->n_blocks;
  const gboolean streaming = _veil_convolve_have_avx2 () &&
                             (gsize) width * height * n_channels > VEIL_CONVOLVE_STREAM_THRESHOLD;
  g_autofree const float **rows = g_new (const float *, kh + 1);
  g_autofree float *ring = g_new0 (float, job->row_len * (kh + 1));
  g_autofree int *ring_row = g_new (int, kh + 1);
  g_autofree float *y = g_new (float, y_len);
  g_autofree float *y2 = g_new (float, y_len);
  g_autofree guint8 *line = g_malloc ((gsize) width * n_channels);
  g_autofree float *scale = border != NULL ? g_new (float, width) : NULL;

  for (int i = 0; i < kh + 1; i++)
    ring_row[i] = -1;
  for (int row = first, n_out; row < last && !g_atomic_int_get (cancelled); row += n_out)
    {
      n_out = MIN (2, last - row);
      if ((row - first) % CANCEL_BAND < 2 && is_cancelled (cancellable, cancelled))
        break;

      if (m > 0.0f)
        {
          const int next = row + n_out + kh - 1 - kh / 2;
          /* The next rows to convert are fetched while these are computed: the hardware
           * prefetcher alone leaves the conversion waiting for memory. */
          const guint8 *prefetch = next < height ? job->src + (gsize) next * job->src_stride
                                                 : NULL;
          const gsize prefetch_stride = next + 1 < height ? (gsize) job->src_stride : 0;

          gather_rows (job, ring, ring_row, row, n_out, rows);
          if (n_out == 2)
            _veil_convolve_blocks2 (rows, job->kernel, kw, kh, 0, job->n_blocks, y, y2,
                                    prefetch, prefetch_step, prefetch_stride);
          else
            _veil_convolve_blocks (rows, job->kernel, kw, kh, 0, job->n_blocks, y, prefetch,
                                   prefetch_step);
        }

      for (int i = 0; i < n_out; i++)
        store_row (job, border, m, streaming, row + i, i == 0 ? y : y2,
                   dst + (gsize) (row + i) * dst_stride, line, scale);
    }
  _veil_convolve_finish_writes (streaming);
}

/* Pass 2: every thread owns a contiguous band of rows, which keeps its ring useful (each source
 * row is converted about once). */
static void
write_image (const Job               *job,
             const VeilBorderWeights *border,
             float                    m,
             guint8                  *dst,
             int                      dst_stride,
             int                      n_threads,
             GCancellable            *cancellable,
             gint                    *cancelled)
{
  if (n_threads == 1)
    {
      write_band (job, border, m, 0, job->height, dst, dst_stride, cancellable, cancelled);
      return;
    }

#pragma omp parallel num_threads (n_threads)
  {
    const int tid = omp_get_thread_num ();
    const int n = omp_get_num_threads ();
    const int first = (int) ((gint64) job->height * tid / n);
    const int last = (int) ((gint64) job->height * (tid + 1) / n);

    write_band (job, border, m, first, last, dst, dst_stride, cancellable, cancelled);
  }
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
  return veil_convolve_protect_normalised (src, src_stride, dst, dst_stride, width, height,
                                           n_channels, kernel, kw, kh, VEIL_NORMALISE_PAPER,
                                           n_threads, cancellable, error);
}

gboolean
veil_convolve_protect_normalised (const guint8     *src,
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
  g_autoptr(VeilBorderWeights) border = NULL;
  const gboolean photo = normalisation == VEIL_NORMALISE_PHOTO;
  g_autofree float *zero_row = NULL;
  gboolean negative_weights;
  Job job;
  float m;
  gint cancelled = FALSE;

  g_return_val_if_fail (src != NULL && dst != NULL && kernel != NULL, FALSE);
  g_return_val_if_fail (n_channels == 3 || n_channels == 4, FALSE);
  g_return_val_if_fail (width > 0 && height > 0 && kw > 0 && kh > 0, FALSE);
  g_return_val_if_fail (src_stride >= width * n_channels, FALSE);
  g_return_val_if_fail (dst_stride >= width * n_channels, FALSE);
  g_return_val_if_fail (n_threads >= 0, FALSE);
  g_return_val_if_fail (normalisation == VEIL_NORMALISE_PAPER || photo, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_kernel (kernel, kw * kh, &negative_weights, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  plan_job (&job, src, src_stride, width, height, n_channels, kernel, kw, kh, negative_weights,
            &zero_row);
  if (n_threads == 0)
    n_threads = omp_get_max_threads ();
  n_threads = MIN (n_threads, height);

  /* The photo normalisation needs no maximum; any positive m takes the computing path. */
  if (photo)
    {
      border = _veil_border_weights_new (kernel, kw, kh, width, height);
      m = 1.0f;
    }
  else
    m = find_maximum (&job, n_threads, cancellable, &cancelled);

  if (!cancelled)
    write_image (&job, border, m, dst, dst_stride, n_threads, cancellable, &cancelled);

  if (cancelled)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("The convolution was cancelled"));
      return FALSE;
    }
  return TRUE;
}
