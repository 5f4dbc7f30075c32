/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-text"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "veil-survival-text.h"

/* Sentences for the survival check's verdicts. The cause comes from the core's verdict; these
 * functions only choose the words, so the CLI, the app and a saved report say the same thing. */

static gboolean
all_native (const VeilSurvivalReport *report)
{
  for (guint i = 0; i < veil_survival_report_get_n_classes (report); i++)
    {
      VeilSurvivalClassResult r;

      veil_survival_report_get_result (report, i, &r);
      if (r.n_samples > 0 && r.n_native < r.n_samples)
        return FALSE;
    }
  return TRUE;
}

char *
veil_survival_text_headline (const VeilSurvivalReport *report)
{
  guint n_measured = 0, n_failed = 0, res;
  VeilSurvivalVerdict verdict;

  g_return_val_if_fail (report != NULL, NULL);

  verdict = veil_survival_report_get_verdict (report, &n_measured, &n_failed);
  res = veil_survival_report_get_resolution (report);
  if (verdict == VEIL_SURVIVAL_VERDICT_NOT_CHECKED)
    return g_strdup (_("The protection could not be checked: no protected image was found."));
  if (verdict != VEIL_SURVIVAL_VERDICT_PASS)
    /* Translators: the headline of a failed check; %u of %u count classes. */
    return g_strdup_printf (ngettext ("%u of %u checked classes would not stay protected in AI "
                                      "training.",
                                      "%u of %u checked classes would not stay protected in AI "
                                      "training.", n_failed),
                            n_failed, n_measured);
  /* Small images (icons, CIFAR-like sets) are what the paper protects; shrinking does not
   * apply to them, and saying the protection "survives shrinking" would be misleading. */
  if (all_native (report))
    /* Translators: %u is a size in pixels, then a number of classes. */
    return g_strdup_printf (ngettext ("These images are no larger than the %u-pixel size AI "
                                      "training uses, so their filters are applied as they are, "
                                      "without enlarging: the checked class keeps its protection "
                                      "when saved as JPEG.",
                                      "These images are no larger than the %u-pixel size AI "
                                      "training uses, so their filters are applied as they are, "
                                      "without enlarging: all %u checked classes keep their "
                                      "protection when saved as JPEG.", n_measured),
                            res, n_measured);
  /* Translators: %u is a size in pixels, then a number of classes. */
  return g_strdup_printf (ngettext ("The protection survives being shrunk to the %u-pixel size "
                                    "AI training uses: the checked class passes.",
                                    "The protection survives being shrunk to the %u-pixel size "
                                    "AI training uses: all %u checked classes pass.",
                                    n_measured),
                          res, n_measured);
}

/* The one failing class, or -1 when several fail. */
static int
only_failing_class (const VeilSurvivalReport *report)
{
  int found = -1;

  for (guint i = 0; i < veil_survival_report_get_n_classes (report); i++)
    {
      VeilSurvivalClassResult r;

      veil_survival_report_get_result (report, i, &r);
      if (!veil_survival_verdict_is_failure (r.verdict))
        continue;
      if (found >= 0)
        return -1;
      found = (int) i;
    }
  return found;
}

/* What to do about a failing class, given what the check saw (the finding says the rest). */
static char *
remedy (const VeilSurvivalReport      *report,
        VeilSurvivalVerdict            verdict,
        const VeilSurvivalClassResult *r,
        guint                          class_index)
{
  guint res = veil_survival_report_get_resolution (report);

  switch (verdict)
    {
    case VEIL_SURVIVAL_VERDICT_WASHED_OUT:
      /* Translators: %u is a size in pixels. */
      return g_strdup_printf (_("The patterns were not made for that size: protect again with "
                                "the training resolution set to %u pixels."), res);
    case VEIL_SURVIVAL_VERDICT_TOO_WEAK:
      return g_strdup (_("The patterns were made for that size but are too faint there: protect "
                         "again with a higher strength or a larger filter size."));
    case VEIL_SURVIVAL_VERDICT_CONFUSABLE:
      if (r != NULL && r->best_other >= 0)
        /* Translators: two class names: the first class's protection is too much like the
         * second's. */
        return g_strdup_printf (_("The protection of “%s” is too similar to that of “%s”: a "
                                  "model cannot tell the two classes apart by it. Protect again "
                                  "with a different key or a larger filter size, which give "
                                  "each class a more distinct pattern."),
                                veil_survival_report_get_class_name (report, class_index),
                                veil_survival_report_get_class_name (report, r->best_other));
      return g_strdup (_("Some classes have protection too similar to another class’s: a model "
                         "cannot tell them apart by it. Protect again with a different key or a "
                         "larger filter size, which give each class a more distinct pattern."));
    case VEIL_SURVIVAL_VERDICT_TOO_PLAIN:
      return g_strdup (_("Saved as JPEG, these images no longer carry a pattern that tells their "
                         "class apart: plain or nearly uniform pictures carry little of it. A "
                         "higher strength may help."));
    case VEIL_SURVIVAL_VERDICT_UNMEASURABLE:
      return g_strdup (_("There was too little to measure: the checked images are too few, too "
                         "small or too plain. Check again with more images of the class."));
    case VEIL_SURVIVAL_VERDICT_MIXED:
      return g_strdup (_("The classes fail for different reasons: each class below says why and "
                         "what to do."));
    case VEIL_SURVIVAL_VERDICT_PASS:
    case VEIL_SURVIVAL_VERDICT_NOT_CHECKED:
    case VEIL_SURVIVAL_VERDICT_DECOY:
    default:
      return NULL;
    }
}

/* The same for the whole collection: the shrink is named, since no finding comes before. */
static char *
cause_and_remedy (const VeilSurvivalReport      *report,
                  VeilSurvivalVerdict            verdict,
                  const VeilSurvivalClassResult *r,
                  guint                          class_index)
{
  g_autofree char *what = remedy (report, verdict, r, class_index);

  if (what != NULL && (verdict == VEIL_SURVIVAL_VERDICT_WASHED_OUT
                       || verdict == VEIL_SURVIVAL_VERDICT_TOO_WEAK))
    /* Translators: %u is a size in pixels; %s says why and what to do. */
    return g_strdup_printf (_("Shrunk to the %u-pixel size AI training uses and saved as JPEG, "
                              "the photos lose their protection. %s"),
                            veil_survival_report_get_resolution (report), what);
  return g_steal_pointer (&what);
}

char *
veil_survival_text_advice (const VeilSurvivalReport *report)
{
  VeilSurvivalVerdict verdict;
  int only;

  g_return_val_if_fail (report != NULL, NULL);

  verdict = veil_survival_report_get_verdict (report, NULL, NULL);
  only = only_failing_class (report);
  if (only >= 0)
    {
      VeilSurvivalClassResult r;

      veil_survival_report_get_result (report, only, &r);
      return cause_and_remedy (report, verdict, &r, only);
    }
  return cause_and_remedy (report, verdict, NULL, 0);
}

const char *
veil_survival_text_verdict_label (VeilSurvivalVerdict verdict)
{
  switch (verdict)
    {
    case VEIL_SURVIVAL_VERDICT_PASS:
      return _("Protected");
    case VEIL_SURVIVAL_VERDICT_NOT_CHECKED:
      return _("Not checked");
    case VEIL_SURVIVAL_VERDICT_DECOY:
      return _("Decoy, left as it is");
    case VEIL_SURVIVAL_VERDICT_UNMEASURABLE:
      return _("Could not be measured");
    case VEIL_SURVIVAL_VERDICT_WASHED_OUT:
    case VEIL_SURVIVAL_VERDICT_TOO_WEAK:
    case VEIL_SURVIVAL_VERDICT_CONFUSABLE:
    case VEIL_SURVIVAL_VERDICT_TOO_PLAIN:
    case VEIL_SURVIVAL_VERDICT_MIXED:
    default:
      return _("Not protected");
    }
}

/* What the check saw, before the cause. */
static char *
finding (const VeilSurvivalReport      *report,
         const VeilSurvivalClassResult *r)
{
  guint res = veil_survival_report_get_resolution (report);

  switch (r->verdict)
    {
    case VEIL_SURVIVAL_VERDICT_PASS:
      if (r->n_native == r->n_samples)
        /* Translators: %u is a size in pixels. */
        return g_strdup_printf (_("These images are no larger than the %u-pixel size AI "
                                  "training uses, so their filters are applied as they are and "
                                  "they are not shrunk; saved as JPEG, they still "
                                  "carry this class’s pattern."), res);
      /* Translators: %u is a size in pixels. */
      return g_strdup_printf (_("Shrunk to the %u-pixel size AI training uses and saved as "
                                "JPEG, the images still carry this class’s pattern."), res);
    case VEIL_SURVIVAL_VERDICT_NOT_CHECKED:
      return g_strdup (_("No protected image of this class was found."));
    case VEIL_SURVIVAL_VERDICT_DECOY:
      return g_strdup (_("This is the decoy class: the key leaves its photos as they are on "
                         "purpose, so that a model trained on the copy takes real photos for "
                         "this class."));
    case VEIL_SURVIVAL_VERDICT_WASHED_OUT:
    case VEIL_SURVIVAL_VERDICT_TOO_WEAK:
      if (!isfinite (r->psnr))
        /* Translators: %u is a size in pixels. */
        return g_strdup_printf (_("Shrunk to %u pixels, the images are identical to the "
                                  "originals."), res);
      if (r->n_weak > 0)
        /* Translators: the first two %u count images, the third is a size in pixels. */
        return g_strdup_printf (ngettext ("%u of %u checked images, shrunk to %u pixels, is "
                                          "almost identical to its original.",
                                          "%u of %u checked images, shrunk to %u pixels, are "
                                          "almost identical to their originals.",
                                          r->n_weak),
                                r->n_weak, r->n_samples, res);
      /* Translators: %u is a size in pixels. */
      return g_strdup_printf (_("Shrunk to %u pixels and saved as JPEG, this class’s pattern can "
                                "no longer be told apart from the other classes’."), res);
    case VEIL_SURVIVAL_VERDICT_CONFUSABLE:
    case VEIL_SURVIVAL_VERDICT_TOO_PLAIN:
    case VEIL_SURVIVAL_VERDICT_UNMEASURABLE:
    case VEIL_SURVIVAL_VERDICT_MIXED:
    default:
      return NULL;
    }
}

char *
veil_survival_text_class (const VeilSurvivalReport *report,
                          guint                     class_index)
{
  VeilSurvivalClassResult r;
  g_autofree char *seen = NULL;
  g_autofree char *cause = NULL;

  g_return_val_if_fail (report != NULL, NULL);
  g_return_val_if_fail (class_index < veil_survival_report_get_n_classes (report), NULL);

  veil_survival_report_get_result (report, class_index, &r);
  seen = finding (report, &r);
  cause = remedy (report, r.verdict, &r, class_index);
  if (seen != NULL && cause != NULL)
    return g_strdup_printf ("%s %s", seen, cause);
  return g_strdup (seen != NULL ? seen : cause != NULL ? cause : "");
}

char *
veil_survival_text_class_details (const VeilSurvivalReport *report,
                                  guint                     class_index)
{
  VeilSurvivalClassResult r;
  GString *s;

  g_return_val_if_fail (report != NULL, NULL);
  g_return_val_if_fail (class_index < veil_survival_report_get_n_classes (report), NULL);

  veil_survival_report_get_result (report, class_index, &r);
  if (r.n_samples == 0)
    return NULL;

  s = g_string_new (NULL);
  if (!isfinite (r.psnr_mean))
    /* Translators: the figures behind a verdict; %u counts images. */
    g_string_append_printf (s, ngettext ("%u image: identical to its original at that size",
                                         "%u images: identical to their originals at that size",
                                         r.n_samples), r.n_samples);
  else
    /* Translators: the figures behind a verdict. A PSNR in decibels measures how far the
     * protected image is from its original: lower is more protection. "inf" is identical. */
    g_string_append_printf (s, ngettext ("%u image: %.1f dB from the original on average, "
                                         "%.1f dB for the least protected (at most %.0f dB "
                                         "counts as protected)",
                                         "%u images: %.1f dB from the originals on average, "
                                         "%.1f dB for the least protected (at most %.0f dB "
                                         "counts as protected)", r.n_samples),
                            r.n_samples, r.psnr_mean, r.psnr, VEIL_SURVIVAL_MAX_PSNR);
  if (isfinite (r.cosine_own))
    {
      g_string_append (s, "; ");
      /* Translators: similarities are cosines, 1 at best. */
      g_string_append_printf (s, _("estimated filter similarity %.2f to its own"), r.cosine_own);
      if (r.best_other >= 0 && isfinite (r.cosine_best_other))
        {
          g_string_append (s, ", ");
          /* Translators: %.2f is a similarity, %s a class name. */
          g_string_append_printf (s, _("%.2f to “%s”’s (the two filters alike at %.2f)"),
                                  r.cosine_best_other,
                                  veil_survival_report_get_class_name (report, r.best_other),
                                  r.cosine_filters);
        }
    }
  return g_string_free (s, FALSE);
}

static void
append_classes (GString                  *s,
                const VeilSurvivalReport *report,
                gboolean                  failing,
                gboolean                  details)
{
  for (guint i = 0; i < veil_survival_report_get_n_classes (report); i++)
    {
      VeilSurvivalClassResult r;
      g_autofree char *text = NULL;
      g_autofree char *figures = NULL;

      veil_survival_report_get_result (report, i, &r);
      if (r.verdict == VEIL_SURVIVAL_VERDICT_NOT_CHECKED
          || veil_survival_verdict_is_failure (r.verdict) != failing)
        continue;
      text = veil_survival_text_class (report, i);
      g_string_append_printf (s, "  %s: %s. %s\n", veil_survival_report_get_class_name (report, i),
                              veil_survival_text_verdict_label (r.verdict), text);
      figures = details ? veil_survival_text_class_details (report, i) : NULL;
      if (figures != NULL)
        g_string_append_printf (s, "    %s\n", figures);
    }
}

char *
veil_survival_text_report (const VeilSurvivalReport *report,
                           gboolean                  details)
{
  g_autofree char *headline = NULL;
  g_autofree char *advice = NULL;
  GString *s;

  g_return_val_if_fail (report != NULL, NULL);

  headline = veil_survival_text_headline (report);
  advice = veil_survival_text_advice (report);
  s = g_string_new (NULL);
  g_string_append_printf (s, "%s\n", headline);
  if (advice != NULL)
    g_string_append_printf (s, "%s\n", advice);
  append_classes (s, report, TRUE, details);
  append_classes (s, report, FALSE, details);
  return g_string_free (s, FALSE);
}
