/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "veil-cli-private.h"

/* The survival report as veil-cli prints it: after "protect", by "check" and by "merge". */

/* Beyond this many classes "protect" lists only the failing ones: a thousand lines of "pass"
 * would bury them. The manifest has them all. */
#define MAX_CLASSES_LISTED 12

void
_veil_cli_print_survival (const VeilSurvivalReport *report,
                          gboolean                  all_classes,
                          gboolean                  details)
{
  g_autofree char *summary = veil_survival_report_dup_summary (report);
  guint n_classes = veil_survival_report_get_n_classes (report);
  guint n_hidden = 0;

  for (guint i = 0; i < n_classes; i++)
    {
      VeilSurvivalClassResult r;
      g_autofree char *sentence = NULL;
      const char *verdict;

      veil_survival_report_get_result (report, i, &r);
      if (!all_classes && n_classes > MAX_CLASSES_LISTED && (r.pass || r.n_samples == 0))
        {
          n_hidden++;
          continue;
        }
      sentence = veil_survival_report_dup_class_summary (report, i);
      verdict = r.n_samples == 0 ? _("not checked") : r.pass ? _("pass") : _("FAIL");
      printf ("%s: %s\n  %s\n", veil_survival_report_get_class_name (report, i), verdict,
              sentence);
      if (details && r.n_samples > 0)
        {
          /* Translators: the details behind the verdict; "similarity" is a cosine, 1 at best. */
          printf (_("  %u images, %.1f dB from the originals on average and %.1f dB for the "
                    "least protected one, filter similarity %.2f (best other class %.2f)"),
                  r.n_samples, r.psnr_mean, r.psnr, r.cosine_own,
                  isfinite (r.cosine_best_other) ? r.cosine_best_other : 0.0);
          putchar ('\n');
        }
    }
  if (n_hidden > 0)
    {
      printf (ngettext ("(%u more class passes or was not checked; the manifest lists every "
                        "class.)",
                        "(%u more classes pass or were not checked; the manifest lists every "
                        "class.)", n_hidden), n_hidden);
      putchar ('\n');
    }
  printf ("%s\n", summary);
}

void
_veil_cli_print_survival_json (const VeilSurvivalReport *report,
                               const char               *event)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  if (event != NULL)
    {
      json_builder_set_member_name (builder, "event");
      json_builder_add_string_value (builder, event);
    }
  json_builder_set_member_name (builder, "survival");
  veil_survival_report_to_json_builder (report, builder);
  json_builder_end_object (builder);
  _veil_cli_print_json (builder);
}
