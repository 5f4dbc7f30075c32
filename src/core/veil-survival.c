/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-survival"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "veil-error.h"
#include "veil-filter-bank.h"
#include "veil-image-io.h"
#include "veil-survival.h"
#include "veil-survival-private.h"

/* Pixels per image that enter the least-squares fit (every pixel of a 224-px image; a grid
 * sample of larger ones). The normal equations cost k⁴/2 per pixel (3400 multiply-adds for
 * k = 9), about 0.15 s per image at this size. */
#define FIT_VALUES_PER_IMAGE 70000

/* Each pair's sums are computed in floating point in a fixed order, then added to its class's
 * in fixed point (units of 1/FIXED_ONE): integer addition is associative, so a report does not
 * depend on the order pairs arrive in, which an export's threads decide. The resolution is far
 * below what the fit can see (entries are up to about 10¹⁰, known to 10⁻³), and the range
 * leaves room for over a million pairs per class. */
#define FIXED_ONE 1024.0

typedef struct {
  guint    n_samples;
  guint    n_native;   /* images not shrunk: at most R on their short side */
  gint64   sse;        /* squared differences at R, colour values, all images; fixed point */
  guint64  n_values;
  double   weakest;    /* the highest PSNR of one image */
  guint    n_weak;     /* images above VEIL_SURVIVAL_MAX_PSNR */
  gint64  *ata;        /* normal equations, n_unknowns², upper triangle filled; lazily made;
                        * fixed point */
  gint64  *atb;
  gboolean overflow;   /* a sum left the fixed-point range: no fit */
  gboolean valid;      /* result below is up to date */
  VeilSurvivalClassResult result;
} ClassData;

struct _VeilSurvivalReport {
  gatomicrefcount  ref_count;
  VeilFilterBank  *bank;
  guint            res;
  int              k;
  int              n_unknowns; /* k² weights and an offset */
  gboolean         made_for_res; /* the filters were enlarged for res */
  GMutex           lock;
  guint            n_classes;
  ClassData       *classes;
};

VeilSurvivalReport *
veil_survival_report_new (VeilFilterBank *bank,
                          guint           training_res)
{
  VeilSurvivalReport *report;

  g_return_val_if_fail (bank != NULL, NULL);

  report = g_new0 (VeilSurvivalReport, 1);
  g_atomic_ref_count_init (&report->ref_count);
  report->bank = veil_filter_bank_ref (bank);
  report->res = training_res == VEIL_TRAINING_RES_NATIVE ? VEIL_SURVIVAL_DEFAULT_RES
                                                         : training_res;
  report->made_for_res = training_res != VEIL_TRAINING_RES_NATIVE;
  report->k = veil_filter_bank_get_k (bank);
  report->n_unknowns = report->k * report->k + 1;
  g_mutex_init (&report->lock);
  report->n_classes = veil_filter_bank_get_n_classes (bank);
  report->classes = g_new0 (ClassData, report->n_classes);
  return report;
}

VeilSurvivalReport *
veil_survival_report_ref (VeilSurvivalReport *report)
{
  g_return_val_if_fail (report != NULL, NULL);

  g_atomic_ref_count_inc (&report->ref_count);
  return report;
}

void
veil_survival_report_unref (VeilSurvivalReport *report)
{
  g_return_if_fail (report != NULL);

  if (!g_atomic_ref_count_dec (&report->ref_count))
    return;
  for (guint i = 0; i < report->n_classes; i++)
    {
      g_free (report->classes[i].ata);
      g_free (report->classes[i].atb);
    }
  g_free (report->classes);
  g_mutex_clear (&report->lock);
  veil_filter_bank_unref (report->bank);
  g_free (report);
}

guint
veil_survival_report_get_resolution (const VeilSurvivalReport *report)
{
  g_return_val_if_fail (report != NULL, 0);
  return report->res;
}

gboolean
veil_survival_report_get_made_for_resolution (const VeilSurvivalReport *report)
{
  g_return_val_if_fail (report != NULL, FALSE);
  return report->made_for_res;
}

void
_veil_survival_report_set_made_for_resolution (VeilSurvivalReport *report,
                                               gboolean            made_for_res)
{
  g_return_if_fail (report != NULL);
  report->made_for_res = made_for_res;
}

guint
veil_survival_report_get_n_classes (const VeilSurvivalReport *report)
{
  g_return_val_if_fail (report != NULL, 0);
  return report->n_classes;
}

const char *
veil_survival_report_get_class_name (const VeilSurvivalReport *report,
                                     guint                     class_index)
{
  g_return_val_if_fail (report != NULL, NULL);
  g_return_val_if_fail (class_index < report->n_classes, NULL);
  return veil_filter_bank_get_class_name (report->bank, class_index);
}

/* The fit looks at luma only: JPEG keeps it at full resolution and quantises it finely, while
 * chroma is halved and quantised coarsely, so per-channel R, G, B targets carry the chroma
 * errors (measured: cosine with the own filter 0.65–0.8 instead of 0.5–0.7). Luma is a fixed
 * linear mix of the channels, so it obeys the same model. (Whitening both sides to condition
 * the system better made no measurable difference.) */
static float *
luma (const GdkPixbuf *pixbuf,
      double           scale)
{
  int w = gdk_pixbuf_get_width (pixbuf), h = gdk_pixbuf_get_height (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf), nc = gdk_pixbuf_get_n_channels (pixbuf);
  const guint8 *px = gdk_pixbuf_read_pixels (pixbuf);
  float *out = g_new (float, (gsize) w * h);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guint8 *q = px + (gsize) y * stride + x * nc;

        out[(gsize) y * w + x] = scale * (0.299 * q[0] + 0.587 * q[1] + 0.114 * q[2]);
      }
  return out;
}

/* Accumulates the normal equations of protected ≈ Σ h_q · original(p + q) + d over a grid of
 * interior pixels of one pair at R. The target is rescaled so that its mean matches the
 * original's: each image was divided by its own maximum, and this puts all images of a class
 * on one scale (h then sums to about 1) so they can share one fit. */
static void
accumulate_fit (const GdkPixbuf *original,
                const GdkPixbuf *protected_pixels,
                int              k,
                double          *ata,
                double          *atb)
{
  int w = gdk_pixbuf_get_width (original), h = gdk_pixbuf_get_height (original);
  int os = gdk_pixbuf_get_rowstride (original), ps = gdk_pixbuf_get_rowstride (protected_pixels);
  int onc = gdk_pixbuf_get_n_channels (original);
  int pnc = gdk_pixbuf_get_n_channels (protected_pixels);
  const guint8 *o8 = gdk_pixbuf_read_pixels (original);
  const guint8 *p8 = gdk_pixbuf_read_pixels (protected_pixels);
  int m = k / 2, n = k * k + 1;
  int iw = w - 2 * m, ih = h - 2 * m;
  int step;
  double sum_o = 0.0, sum_p = 0.0;
  g_autofree float *o = NULL;
  g_autofree float *p = NULL;
  g_autofree double *r = g_new (double, n);

  if (iw < 1 || ih < 1)
    return;
  step = MAX (1, (int) ceil (sqrt ((double) iw * ih / FIT_VALUES_PER_IMAGE)));

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int ch = 0; ch < 3; ch++)
        {
          sum_o += o8[(gsize) y * os + x * onc + ch];
          sum_p += p8[(gsize) y * ps + x * pnc + ch];
        }
  if (sum_p <= 0.0 || sum_o <= 0.0)
    return;
  o = luma (original, 1.0);
  p = luma (protected_pixels, sum_o / sum_p);

  for (int y = m; y < h - m; y += step)
    for (int x = m; x < w - m; x += step)
      {
        double t = p[(gsize) y * w + x];

        for (int dy = 0; dy < k; dy++)
          for (int dx = 0; dx < k; dx++)
            r[dy * k + dx] = o[(gsize) (y + dy - m) * w + (x + dx - m)];
        r[n - 1] = 255.0;
        for (int i = 0; i < n; i++)
          {
            double ri = r[i];
            double *row = ata + (gsize) i * n;

            for (int j = i; j < n; j++)
              row[j] += ri * r[j];
            atb[i] += ri * t;
          }
      }
}

/* @sum += @value in fixed point; FALSE when either leaves the range. */
static gboolean
add_fixed (gint64 *sum,
           double  value)
{
  double scaled = value * FIXED_ONE;
  gint64 fixed;

  if (!(fabs (scaled) < 0x1p62))
    return FALSE;
  fixed = (gint64) llround (scaled);
  return !__builtin_add_overflow (*sum, fixed, sum);
}

/* The squared error between the two shrunk images after the least-squares gain that maps the
 * protected one onto the original, and the number of colour values it sums.
 *
 * Protection divides each image by its own maximum, which also changes its overall brightness
 * by a factor that depends on the photo (how close its highlights come to white), not on the
 * class. Models normalise brightness away, so that factor is not protection: the PSNR is taken
 * after the least-squares gain between the two images, else a photo without highlights would
 * look protected by a mere brightening. */
static void
gain_adjusted_error (GdkPixbuf *orig_small,
                     GdkPixbuf *prot_small,
                     double    *out_sse,
                     guint64   *out_n_values)
{
  const int w = gdk_pixbuf_get_width (orig_small);
  const int h = gdk_pixbuf_get_height (orig_small);
  const int os = gdk_pixbuf_get_rowstride (orig_small);
  const int ps = gdk_pixbuf_get_rowstride (prot_small);
  const int onc = gdk_pixbuf_get_n_channels (orig_small);
  const int pnc = gdk_pixbuf_get_n_channels (prot_small);
  const guint8 *o = gdk_pixbuf_read_pixels (orig_small);
  const guint8 *p = gdk_pixbuf_read_pixels (prot_small);
  double op = 0.0, pp = 0.0, gain, sse = 0.0;
  guint64 n_values = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < 3; c++)
        {
          double ov = o[(gsize) y * os + x * onc + c], pv = p[(gsize) y * ps + x * pnc + c];

          op += ov * pv;
          pp += pv * pv;
        }
  gain = pp > 0.0 ? op / pp : 1.0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < 3; c++)
        {
          double d = o[(gsize) y * os + x * onc + c] - gain * p[(gsize) y * ps + x * pnc + c];

          sse += d * d;
          n_values++;
        }
  *out_sse = sse;
  *out_n_values = n_values;
}

/* Adds one pair's sums to its class, under the report's lock (pairs arrive from several
 * threads); @native says the image was no larger than the training resolution. */
static void
add_to_class (VeilSurvivalReport *report,
              guint               class_index,
              const double       *ata,
              const double       *atb,
              double              sse,
              guint64             n_values,
              gboolean            native)
{
  const int n = report->n_unknowns;
  const double image_psnr = sse > 0.0 ? 10.0 * log10 (255.0 * 255.0 * n_values / sse)
                                      : INFINITY;
  ClassData *cd;

  g_mutex_lock (&report->lock);
  cd = &report->classes[class_index];
  if (cd->ata == NULL)
    {
      cd->ata = g_new0 (gint64, (gsize) n * n);
      cd->atb = g_new0 (gint64, n);
    }
  for (int i = 0; i < n * n && !cd->overflow; i++)
    cd->overflow = !add_fixed (&cd->ata[i], ata[i]);
  for (int i = 0; i < n && !cd->overflow; i++)
    cd->overflow = !add_fixed (&cd->atb[i], atb[i]);
  cd->weakest = cd->n_samples == 0 ? image_psnr : MAX (cd->weakest, image_psnr);
  cd->n_weak += !(image_psnr <= VEIL_SURVIVAL_MAX_PSNR);
  cd->overflow = cd->overflow || !add_fixed (&cd->sse, sse);
  cd->n_values += n_values;
  cd->n_native += native;
  cd->n_samples++;
  cd->valid = FALSE;
  g_mutex_unlock (&report->lock);
}

static gboolean
add_pair (VeilSurvivalReport *report,
          guint               class_index,
          const guint8       *original,
          int                 original_stride,
          int                 original_channels,
          const guint8       *protected_pixels,
          int                 protected_stride,
          int                 protected_channels,
          int                 width,
          int                 height,
          GError            **error)
{
  g_autoptr(GdkPixbuf) orig_small = NULL;
  g_autoptr(GdkPixbuf) prot_small = NULL;
  g_autoptr(GdkPixbuf) prot_jpeg = NULL;
  g_autofree double *ata = NULL;
  g_autofree double *atb = NULL;
  double sse;
  guint64 n_values;

  if (class_index >= report->n_classes)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("There is no class number %u in this protection"), class_index);
      return FALSE;
    }

  /* The PSNR compares the two at R before the JPEG: it measures the protection's own strength
   * where a model looks; two JPEG encodings differ by a noise of their own (about 36 dB on a
   * finely textured photo) that would hide the difference between "nothing left" and "weak".
   * The fit uses what the scraper keeps, the protected image after the JPEG, against the
   * original before it: noise in the regressors would bias the estimate towards zero. */
  orig_small = _veil_survival_downscale_rgb (original, original_stride, width, height,
                                             original_channels, report->res);
  prot_small = _veil_survival_downscale_rgb (protected_pixels, protected_stride, width, height,
                                             protected_channels, report->res);
  prot_jpeg = _veil_survival_jpeg_round_trip (prot_small, error);
  if (prot_jpeg == NULL)
    return FALSE;

  gain_adjusted_error (orig_small, prot_small, &sse, &n_values);
  ata = g_new0 (double, (gsize) report->n_unknowns * report->n_unknowns);
  atb = g_new0 (double, report->n_unknowns);
  accumulate_fit (orig_small, prot_jpeg, report->k, ata, atb);
  add_to_class (report, class_index, ata, atb, sse, n_values,
                MIN (width, height) <= (int) report->res);
  return TRUE;
}

gboolean
veil_survival_report_add_pixels (VeilSurvivalReport *report,
                                 guint               class_index,
                                 const guint8       *original,
                                 int                 original_stride,
                                 const guint8       *protected_pixels,
                                 int                 protected_stride,
                                 int                 width,
                                 int                 height,
                                 int                 n_channels,
                                 GError            **error)
{
  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (original != NULL && protected_pixels != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);
  g_return_val_if_fail (n_channels == 3 || n_channels == 4, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return add_pair (report, class_index, original, original_stride, n_channels,
                   protected_pixels, protected_stride, n_channels, width, height, error);
}

gboolean
veil_survival_report_add_pixbufs (VeilSurvivalReport *report,
                                  guint               class_index,
                                  GdkPixbuf          *original,
                                  GdkPixbuf          *protected_pixels,
                                  GError            **error)
{
  int w, h;

  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (GDK_IS_PIXBUF (original) && GDK_IS_PIXBUF (protected_pixels), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  w = gdk_pixbuf_get_width (original);
  h = gdk_pixbuf_get_height (original);
  if (w != gdk_pixbuf_get_width (protected_pixels) ||
      h != gdk_pixbuf_get_height (protected_pixels) ||
      gdk_pixbuf_get_bits_per_sample (original) != 8 ||
      gdk_pixbuf_get_bits_per_sample (protected_pixels) != 8)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("The protected image is %d×%d but its original is %d×%d"),
                   gdk_pixbuf_get_width (protected_pixels),
                   gdk_pixbuf_get_height (protected_pixels), w, h);
      return FALSE;
    }

  /* Only the colour channels are compared, so an RGBA original may have an RGB output. */
  return add_pair (report, class_index,
                   gdk_pixbuf_read_pixels (original), gdk_pixbuf_get_rowstride (original),
                   gdk_pixbuf_get_n_channels (original),
                   gdk_pixbuf_read_pixels (protected_pixels),
                   gdk_pixbuf_get_rowstride (protected_pixels),
                   gdk_pixbuf_get_n_channels (protected_pixels), w, h, error);
}

gboolean
veil_survival_report_add_files (VeilSurvivalReport *report,
                                guint               class_index,
                                const char         *original_path,
                                const char         *protected_path,
                                GCancellable       *cancellable,
                                GError            **error)
{
  g_autoptr(VeilImage) original = NULL;
  g_autoptr(VeilImage) protected_image = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (original_path != NULL && protected_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  original = veil_image_load (original_path, cancellable, error);
  if (original == NULL)
    return FALSE;
  protected_image = veil_image_load (protected_path, cancellable, error);
  if (protected_image == NULL)
    return FALSE;

  if (!veil_survival_report_add_pixbufs (report, class_index, original->pixbuf,
                                         protected_image->pixbuf, &local_error))
    {
      shown = g_filename_display_name (protected_path);
      g_set_error (error, local_error->domain, local_error->code, "%s: %s",
                   shown, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Solves the symmetric positive definite system (upper triangle of @a given) in place by
 * Cholesky, with a tiny ridge so that flat images (a singular system) fail cleanly. */
static gboolean
solve_spd (double *a,
           double *b,
           int     n)
{
  double trace = 0.0;

  for (int i = 0; i < n; i++)
    {
      trace += a[i * n + i];
      for (int j = 0; j < i; j++)
        a[i * n + j] = a[j * n + i];
    }
  if (!(trace > 0.0))
    return FALSE;
  for (int i = 0; i < n; i++)
    a[i * n + i] += 1e-9 * trace / n;

  for (int j = 0; j < n; j++)
    {
      double d = a[j * n + j];

      for (int m = 0; m < j; m++)
        d -= a[j * n + m] * a[j * n + m];
      if (!(d > 1e-12 * trace / n))
        return FALSE;
      d = sqrt (d);
      a[j * n + j] = d;
      for (int i = j + 1; i < n; i++)
        {
          double s = a[i * n + j];

          for (int m = 0; m < j; m++)
            s -= a[i * n + m] * a[j * n + m];
          a[i * n + j] = s / d;
        }
    }
  for (int i = 0; i < n; i++)
    {
      double s = b[i];

      for (int m = 0; m < i; m++)
        s -= a[i * n + m] * b[m];
      b[i] = s / a[i * n + i];
    }
  for (int i = n - 1; i >= 0; i--)
    {
      double s = b[i];

      for (int m = i + 1; m < n; m++)
        s -= a[m * n + i] * b[m];
      b[i] = s / a[i * n + i];
    }
  return TRUE;
}

static double
cosine_filters (const float *a,
                const float *b,
                int          n)
{
  double dot = 0.0, aa = 0.0, bb = 0.0;

  for (int i = 0; i < n; i++)
    {
      dot += (double) a[i] * b[i];
      aa += (double) a[i] * a[i];
      bb += (double) b[i] * b[i];
    }
  if (aa <= 0.0 || bb <= 0.0)
    return NAN;
  return dot / sqrt (aa * bb);
}

static double
cosine (const double *h,
        const float  *w,
        int           n)
{
  double dot = 0.0, hh = 0.0, ww = 0.0;

  for (int i = 0; i < n; i++)
    {
      dot += h[i] * w[i];
      hh += h[i] * h[i];
      ww += (double) w[i] * w[i];
    }
  if (hh <= 0.0 || ww <= 0.0)
    return NAN;
  return dot / sqrt (hh * ww);
}

/* Why a measured class passes or fails. The order matters: images the shrink left practically
 * unchanged have lost their protection whatever the fit says. When the fit resembles another
 * class's filter as much as its own and the two filters are themselves alike (as alike as two
 * filters with the same peak cell, or no less alike than the fit is to its own), their
 * likeness is the cause: a protection made for another resolution or a higher strength would
 * not separate them. Otherwise the filter was blurred away, by the JPEG alone for images that
 * were not shrunk. */
static VeilSurvivalVerdict
judge (const VeilSurvivalClassResult *r,
       gboolean                       made_for_res)
{
  gboolean weak = !(r->psnr <= VEIL_SURVIVAL_MAX_PSNR);
  gboolean all_native = r->n_native == r->n_samples;

  if (!weak && isfinite (r->cosine_own)
      && (r->best_other < 0 || r->cosine_own > r->cosine_best_other))
    return VEIL_SURVIVAL_VERDICT_PASS;
  if (!weak && !isfinite (r->cosine_own))
    return VEIL_SURVIVAL_VERDICT_UNMEASURABLE;
  if (!weak && (r->cosine_filters >= VEIL_SURVIVAL_ALIKE_FILTERS
                || r->cosine_filters >= r->cosine_own))
    return VEIL_SURVIVAL_VERDICT_CONFUSABLE;
  if (all_native)
    return VEIL_SURVIVAL_VERDICT_TOO_PLAIN;
  return made_for_res ? VEIL_SURVIVAL_VERDICT_TOO_WEAK : VEIL_SURVIVAL_VERDICT_WASHED_OUT;
}

/* Called with the lock held. */
static void
update_result (VeilSurvivalReport *report,
               guint               class_index)
{
  ClassData *cd = &report->classes[class_index];
  VeilSurvivalClassResult *r = &cd->result;
  int n = report->n_unknowns, kk = report->k * report->k;
  g_autofree double *a = NULL;
  g_autofree double *h = NULL;

  if (cd->valid)
    return;
  cd->valid = TRUE;

  *r = (VeilSurvivalClassResult) {
    .verdict = VEIL_SURVIVAL_VERDICT_NOT_CHECKED,
    .n_samples = cd->n_samples,
    .psnr = NAN,
    .psnr_mean = NAN,
    .cosine_own = NAN,
    .cosine_best_other = NAN,
    .best_other = -1,
    .cosine_filters = NAN,
    .n_native = cd->n_native,
  };
  if (cd->n_samples == 0)
    return;

  /* A class is as protected as its least protected image: pooling would let a class of small
   * images (protected alike at any setting) hide its large photos that lost their protection. */
  r->psnr = cd->weakest;
  r->psnr_mean = cd->sse > 0 ? 10.0 * log10 (255.0 * 255.0 * cd->n_values
                                             / (cd->sse / FIXED_ONE))
                             : INFINITY;
  r->n_weak = cd->n_weak;
  /* The decoy carries no pattern on purpose: its figures say how close it stayed, and there is
   * no filter to find. */
  if ((int) class_index == veil_filter_bank_get_decoy (report->bank))
    {
      r->verdict = VEIL_SURVIVAL_VERDICT_DECOY;
      return;
    }

  if (cd->ata != NULL && !cd->overflow)
    {
      a = g_new (double, (gsize) n * n);
      h = g_new (double, n);
      for (int i = 0; i < n * n; i++)
        a[i] = cd->ata[i] / FIXED_ONE;
      for (int i = 0; i < n; i++)
        h[i] = cd->atb[i] / FIXED_ONE;
    }
  if (a != NULL && solve_spd (a, h, n))
    {
      r->cosine_own = cosine (h, veil_filter_bank_get_filter (report->bank, class_index), kk);
      for (guint j = 0; j < report->n_classes; j++)
        {
          double cj;

          if (j == class_index)
            continue;
          cj = cosine (h, veil_filter_bank_get_filter (report->bank, j), kk);
          if (r->best_other < 0 || cj > r->cosine_best_other)
            {
              r->cosine_best_other = cj;
              r->best_other = j;
            }
        }
    }

  if (r->best_other >= 0)
    r->cosine_filters = cosine_filters (veil_filter_bank_get_filter (report->bank, class_index),
                                        veil_filter_bank_get_filter (report->bank,
                                                                     r->best_other),
                                        kk);
  r->verdict = judge (r, report->made_for_res);
  r->pass = r->verdict == VEIL_SURVIVAL_VERDICT_PASS;
}

void
veil_survival_report_get_result (const VeilSurvivalReport *report,
                                 guint                     class_index,
                                 VeilSurvivalClassResult  *result)
{
  /* Reading computes the result once and caches it: logically const. */
  VeilSurvivalReport *self = (VeilSurvivalReport *) report;

  g_return_if_fail (report != NULL);
  g_return_if_fail (class_index < report->n_classes);
  g_return_if_fail (result != NULL);

  g_mutex_lock (&self->lock);
  update_result (self, class_index);
  *result = self->classes[class_index].result;
  g_mutex_unlock (&self->lock);
}

gboolean
veil_survival_verdict_is_failure (VeilSurvivalVerdict verdict)
{
  return verdict != VEIL_SURVIVAL_VERDICT_PASS && verdict != VEIL_SURVIVAL_VERDICT_NOT_CHECKED
         && verdict != VEIL_SURVIVAL_VERDICT_DECOY;
}

VeilSurvivalVerdict
veil_survival_report_get_verdict (const VeilSurvivalReport *report,
                                  guint                    *n_measured,
                                  guint                    *n_failed)
{
  VeilSurvivalVerdict failing = VEIL_SURVIVAL_VERDICT_PASS;
  guint measured = 0, failed = 0;

  g_return_val_if_fail (report != NULL, VEIL_SURVIVAL_VERDICT_NOT_CHECKED);

  for (guint i = 0; i < report->n_classes; i++)
    {
      VeilSurvivalClassResult r;

      veil_survival_report_get_result (report, i, &r);
      if (r.verdict == VEIL_SURVIVAL_VERDICT_NOT_CHECKED
          || r.verdict == VEIL_SURVIVAL_VERDICT_DECOY)
        continue;
      measured++;
      if (!veil_survival_verdict_is_failure (r.verdict))
        continue;
      failing = failed == 0 || failing == r.verdict ? r.verdict : VEIL_SURVIVAL_VERDICT_MIXED;
      failed++;
    }
  if (n_measured != NULL)
    *n_measured = measured;
  if (n_failed != NULL)
    *n_failed = failed;
  return measured == 0 ? VEIL_SURVIVAL_VERDICT_NOT_CHECKED : failing;
}

gboolean
veil_survival_report_get_all_pass (const VeilSurvivalReport *report)
{
  g_return_val_if_fail (report != NULL, FALSE);

  return veil_survival_report_get_verdict (report, NULL, NULL) == VEIL_SURVIVAL_VERDICT_PASS;
}

