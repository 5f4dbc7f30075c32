/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-cli"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "veil-cli-private.h"
#include "veil-survival-text.h"

/* The survival report as veil-cli prints it: after "protect", by "check" and by "merge". */

/* Beyond this many classes "protect" lists only the failing ones: a thousand lines of "pass"
 * would bury them. The manifest has them all. */
#define MAX_CLASSES_LISTED 12

/* One class: its name and verdict, the sentence, and with @details the figures. */
static void
print_class (const VeilSurvivalReport      *report,
             guint                          class_index,
             const VeilSurvivalClassResult *r,
             gboolean                       details)
{
  g_autofree char *sentence = veil_survival_text_class (report, class_index);
  g_autofree char *figures = details ? veil_survival_text_class_details (report, class_index)
                                     : NULL;
  /* A word that stands out in a terminal and in a log that is grepped. */
  const char *mark = r->verdict == VEIL_SURVIVAL_VERDICT_NOT_CHECKED ? _("not checked")
                     : r->verdict == VEIL_SURVIVAL_VERDICT_DECOY ? _("decoy")
                     : r->pass ? _("pass") : _("FAIL");

  printf ("%s: %s (%s)\n  %s\n", veil_survival_report_get_class_name (report, class_index), mark,
          veil_survival_text_verdict_label (r->verdict), sentence);
  if (figures != NULL)
    printf ("  %s\n", figures);
}

void
_veil_cli_print_survival (const VeilSurvivalReport *report,
                          gboolean                  all_classes,
                          gboolean                  details)
{
  g_autofree char *headline = veil_survival_text_headline (report);
  g_autofree char *advice = NULL;
  guint n_classes = veil_survival_report_get_n_classes (report);
  guint n_hidden = 0, n_failed = 0;

  /* The verdict first: a failing class is what the person must not miss. A single failing
   * class says why on its own line just below. */
  veil_survival_report_get_verdict (report, NULL, &n_failed);
  printf ("%s\n", headline);
  if (n_failed > 1)
    advice = veil_survival_text_advice (report);
  if (advice != NULL)
    printf ("%s\n", advice);

  /* Failing classes first, then the others. */
  for (int failing = 1; failing >= 0; failing--)
    for (guint i = 0; i < n_classes; i++)
      {
        VeilSurvivalClassResult r;

        veil_survival_report_get_result (report, i, &r);
        if (veil_survival_verdict_is_failure (r.verdict) != failing)
          continue;
        if (!failing && !all_classes && n_classes > MAX_CLASSES_LISTED)
          {
            n_hidden++;
            continue;
          }
        print_class (report, i, &r, details);
      }
  if (n_hidden > 0)
    {
      printf (ngettext ("(%u more class passes or was not checked; the manifest lists every "
                        "class.)",
                        "(%u more classes pass or were not checked; the manifest lists every "
                        "class.)", n_hidden), n_hidden);
      putchar ('\n');
    }
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
