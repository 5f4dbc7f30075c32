/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>

#include "veil-manifest.h"
#include "veil-types.h"

G_BEGIN_DECLS

/* Does the protection survive what a scraper does to a photo before training on it?
 *
 * A scraper shrinks each image to a training size (area downscale to short side R) and stores
 * it as a JPEG of moderate quality. For a class, the report takes pairs (original, protected),
 * does exactly that to both, and measures
 *  (a) the PSNR of protected vs original at R: how strong the protection is where it counts
 *      (the paper's setting gives about 22 dB; above 40 dB practically nothing is left). It is
 *      taken after the downscale but before the JPEG (whose own noise is no protection), and
 *      after the least-squares brightness gain between the two (the per-image division by the
 *      maximum brightens photos without highlights, which is not protection either), and
 *  (b) whether the class is still recognisable by its filter: a k×k filter h estimated by
 *      least squares from protected ≈ c · (original ⋆ h) + d at R over all pairs, compared by
 *      cosine similarity with every class's filter.
 * A class passes when its own filter is the most similar and the PSNR of every checked image is
 * at most VEIL_SURVIVAL_MAX_PSNR; otherwise its VeilSurvivalVerdict says why. The report holds
 * facts only: the sentences are in src/text/veil-survival-text.h. */

#define VEIL_SURVIVAL_DEFAULT_RES      224u /* used when the protection was made "native" */
#define VEIL_SURVIVAL_JPEG_QUALITY     75
#define VEIL_SURVIVAL_MAX_PSNR         35.0
#define VEIL_SURVIVAL_DEFAULT_SAMPLE   8u   /* pairs per class for an export check */
/* Two classes' filters at least this similar (cosine) count as alike: filters whose peak cells
 * coincide are (0.82 for k = 3 at p_b = 1, above 0.95 at the paper's settings); filters with
 * different peaks are not (about 0.1 at k = 9, p_b = 0.06; 0.4 at k = 3, p_b = 0.3). */
#define VEIL_SURVIVAL_ALIKE_FILTERS    0.8

/* The size a scraper shrinks a @width×@height image to: short side @res, the long side in
 * proportion (rounded), never enlarged. */
void       veil_survival_size_at         (int           width,
                                          int           height,
                                          guint         res,
                                          int          *out_width,
                                          int          *out_height);

/* Area (box) resampling to a smaller size: each output value is the mean of the source area it
 * covers, partial pixels weighted by the covered fraction, rounded to nearest. Any strides;
 * @n_channels 1…4, all channels (alpha too) resampled alike. */
void       veil_survival_downscale_area  (const guint8 *src,
                                          int           src_stride,
                                          int           width,
                                          int           height,
                                          int           n_channels,
                                          guint8       *dst,
                                          int           dst_stride,
                                          int           dst_width,
                                          int           dst_height);

/* The image as a model sees it: area-downscaled to short side @res (unless already that small)
 * and, with @jpeg, through a JPEG of quality 75 and back. A new RGB pixbuf (alpha is dropped).
 * The one shrink of Veil: the survival check measures with it and the app's "As a Model Sees
 * It" view shows it. */
GdkPixbuf *veil_survival_as_scraper_sees (GdkPixbuf    *pixbuf,
                                          guint         res,
                                          gboolean      jpeg,
                                          GError      **error);

typedef struct _VeilSurvivalReport VeilSurvivalReport;

/* What the check found for a class (or, from veil_survival_report_get_verdict(), for the whole
 * collection). A fact, not a sentence: the words are the CLI's and the app's. Each has a stable
 * id for records, veil_survival_verdict_to_id(). */
typedef enum {
  VEIL_SURVIVAL_VERDICT_NOT_CHECKED,  /* "not-checked": no protected image was measured */
  VEIL_SURVIVAL_VERDICT_PASS,         /* "pass": still carries its own filter, strongly enough */
  VEIL_SURVIVAL_VERDICT_WASHED_OUT,   /* "washed-out": shrunk to R, images lost their filter;
                                       * the filters were not made for R (native or another
                                       * training resolution, or not known) */
  VEIL_SURVIVAL_VERDICT_TOO_WEAK,     /* "too-weak": the same although the filters were made
                                       * for R: the strength or filter size is too small */
  VEIL_SURVIVAL_VERDICT_CONFUSABLE,   /* "confusable": what survives resembles another class's
                                       * filter as much as its own, because the two filters are
                                       * alike (best_other names that class; cosine_filters at
                                       * least VEIL_SURVIVAL_ALIKE_FILTERS or cosine_own) */
  VEIL_SURVIVAL_VERDICT_TOO_PLAIN,    /* "too-plain": images not shrunk (at most R) whose
                                       * filter does not survive the JPEG: too plain to carry
                                       * it */
  VEIL_SURVIVAL_VERDICT_UNMEASURABLE, /* "unmeasurable": too few or too flat pixels to estimate
                                       * a filter from */
  VEIL_SURVIVAL_VERDICT_MIXED,        /* "mixed": overall only: classes fail for several of the
                                       * reasons above */
  VEIL_SURVIVAL_VERDICT_DECOY,        /* "decoy": the class the key leaves as it is on purpose
                                       * (veil-filter-decoy.h); not measured, and left out of
                                       * the overall verdict like a class not checked */
} VeilSurvivalVerdict;

#define VEIL_SURVIVAL_N_VERDICTS (VEIL_SURVIVAL_VERDICT_DECOY + 1)

/* Whether @verdict is a class or collection that lost its protection: neither a pass, nor not
 * checked, nor the decoy. */
gboolean    veil_survival_verdict_is_failure (VeilSurvivalVerdict verdict);

/* The verdict's stable id ("pass", "washed-out", …), and back: FALSE for an unknown id. */
const char *veil_survival_verdict_to_id   (VeilSurvivalVerdict  verdict);
gboolean    veil_survival_verdict_from_id (const char          *id,
                                           VeilSurvivalVerdict *out_verdict);

typedef struct {
  VeilSurvivalVerdict verdict;
  guint    n_samples;          /* pairs measured */
  double   psnr;               /* dB at R (downscaled, best gain) of the least protected
                                * image; INFINITY when identical */
  double   psnr_mean;          /* the same over all the class's images pooled */
  double   cosine_own;         /* estimated filter vs the class's own filter */
  double   cosine_best_other;  /* the most similar other class's filter; NAN with one class */
  int      best_other;         /* its class index, -1 with one class */
  double   cosine_filters;     /* the class's own filter vs best_other's (both as the key made
                                * them); NAN with one class */
  guint    n_weak;             /* images above VEIL_SURVIVAL_MAX_PSNR */
  gboolean pass;               /* verdict == VEIL_SURVIVAL_VERDICT_PASS */
  guint    n_native;           /* images at most R on their short side: protected with the
                                * filter as is (the paper's setting) and measured at their own
                                * size, not shrunk */
} VeilSurvivalClassResult;

/* A report for the classes of @bank, whose filters were made for @training_res, evaluated at
 * that resolution (VEIL_TRAINING_RES_NATIVE means at VEIL_SURVIVAL_DEFAULT_RES, a typical
 * scraper's size). Adding pairs is thread-safe, and the result does not depend on the order
 * pairs are added in (the sums are exact). */
VeilSurvivalReport *veil_survival_report_new   (VeilFilterBank     *bank,
                                                guint               training_res);
VeilSurvivalReport *veil_survival_report_ref   (VeilSurvivalReport *report);
void                veil_survival_report_unref (VeilSurvivalReport *report);

/* Adds one pair given as 8-bit RGB/RGBA buffers of the same size (full resolution, as
 * exported). VEIL_ERROR_INVALID_ARGUMENT for a bad class index; VEIL_ERROR_FAILED when the
 * JPEG round trip fails. */
gboolean veil_survival_report_add_pixels   (VeilSurvivalReport *report,
                                            guint               class_index,
                                            const guint8       *original,
                                            int                 original_stride,
                                            const guint8       *protected_pixels,
                                            int                 protected_stride,
                                            int                 width,
                                            int                 height,
                                            int                 n_channels,
                                            GError            **error);
/* The same for two pixbufs; VEIL_ERROR_INVALID_ARGUMENT when their sizes differ. */
gboolean veil_survival_report_add_pixbufs  (VeilSurvivalReport *report,
                                            guint               class_index,
                                            GdkPixbuf          *original,
                                            GdkPixbuf          *protected_pixels,
                                            GError            **error);
/* The same for two image files (loaded upright, as the export read them). Errors name the
 * file. */
gboolean veil_survival_report_add_files    (VeilSurvivalReport *report,
                                            guint               class_index,
                                            const char         *original_path,
                                            const char         *protected_path,
                                            GCancellable       *cancellable,
                                            GError            **error);

/* The resolution the report measures at (the short side R). */
guint    veil_survival_report_get_resolution (const VeilSurvivalReport *report);
guint    veil_survival_report_get_n_classes  (const VeilSurvivalReport *report);
const char *veil_survival_report_get_class_name (const VeilSurvivalReport *report,
                                                 guint                     class_index);
/* Computes (once per change) and fills @result for a class. */
void     veil_survival_report_get_result     (const VeilSurvivalReport *report,
                                              guint                     class_index,
                                              VeilSurvivalClassResult  *result);
/* Whether the filters were enlarged for the resolution the report measures at (else they were
 * made native, for another resolution, or it is not known). */
gboolean veil_survival_report_get_made_for_resolution (const VeilSurvivalReport *report);
/* TRUE when at least one class was measured and every measured class passes. */
gboolean veil_survival_report_get_all_pass   (const VeilSurvivalReport *report);
/* The collection's verdict: NOT_CHECKED when no class was measured, PASS when every measured
 * class passes, else the verdict every failing class shares, or MIXED. @n_measured and
 * @n_failed (may be NULL) count classes. */
VeilSurvivalVerdict veil_survival_report_get_verdict (const VeilSurvivalReport *report,
                                                      guint                    *n_measured,
                                                      guint                    *n_failed);

/* Writes the report as the value of a member: call with @builder inside an object, after
 * json_builder_set_member_name(). Facts only, no sentences, so the bytes do not depend on the
 * locale. The value is
 *   {"resolution", "made_for_resolution", "jpeg_quality", "max_psnr",
 *    "verdict" (an id of veil_survival_verdict_to_id()), "all_pass",
 *    "classes": [{"class", "verdict", "pass", "samples",
 *                 "psnr" (the least protected image; null if identical), "psnr_mean",
 *                 "weak_images", "native_images", "cosine_own",
 *                 "cosine_best_other", "best_other_class", "cosine_filters" (null with one
 *                 class)}...]}
 * Manifests written before verdicts existed have "summary" sentences instead of "verdict"s
 * (and no "made_for_resolution" or "cosine_filters"). */
void      veil_survival_report_to_json_builder (const VeilSurvivalReport *report,
                                                JsonBuilder              *builder);
JsonNode *veil_survival_report_to_json         (const VeilSurvivalReport *report);

/* The survival report an export records in its manifest (see veil_export_report_get_survival()
 * in veil-export.h): for each class, the first @sample_per_class images (in dataset order) that
 * @manifest records as protected, each loaded from @output_dir with its original from
 * @input_root, measured at the manifest's training resolution. @bank must hold the export's
 * filters (its key, k, p_b and classes). Used for a merged sharded export, whose shards cannot
 * check alone. Files that cannot be read are skipped, not fatal. Errors: G_IO_ERROR_CANCELLED. */
VeilSurvivalReport *veil_survival_check_manifest (const VeilManifest *manifest,
                                                  const char         *input_root,
                                                  const char         *output_dir,
                                                  VeilFilterBank     *bank,
                                                  guint               sample_per_class,
                                                  GCancellable       *cancellable,
                                                  GError            **error);

/* Checks an export at @training_res: for each class up to @sample_per_class protected images,
 * each with its original from @input. When @output_dir holds a veil-manifest.json, the sample
 * is the export's own (as veil_survival_check_manifest()), so at the export's resolution both
 * agree. Otherwise outputs are matched by relative path (or the same path ending in .png), the
 * sample is spread evenly over each class, and pairs that are pixel-identical to the original
 * are skipped (left unprotected by mix < 1). Files that cannot be read are skipped, not fatal.
 * Errors: G_IO_ERROR_CANCELLED; VEIL_ERROR_MANIFEST for a damaged manifest. */
VeilSurvivalReport *veil_survival_check_export (const char      *output_dir,
                                                VeilDataset     *input,
                                                VeilFilterBank  *bank,
                                                guint            training_res,
                                                guint            sample_per_class,
                                                GCancellable    *cancellable,
                                                GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilSurvivalReport, veil_survival_report_unref)

G_END_DECLS
