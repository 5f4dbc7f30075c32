/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-survival"

#include "config.h"

#include <math.h>
#include <string.h>

#include "veil-paths.h"
#include "veil-survival.h"

/* The survival report as a record (the manifest, the CLI's JSON events): verdict ids and
 * numbers, never sentences, so that the same export writes the same bytes in any language. */

static const char *const verdict_ids[VEIL_SURVIVAL_N_VERDICTS] = {
  [VEIL_SURVIVAL_VERDICT_NOT_CHECKED] = "not-checked",
  [VEIL_SURVIVAL_VERDICT_PASS] = "pass",
  [VEIL_SURVIVAL_VERDICT_WASHED_OUT] = "washed-out",
  [VEIL_SURVIVAL_VERDICT_TOO_WEAK] = "too-weak",
  [VEIL_SURVIVAL_VERDICT_CONFUSABLE] = "confusable",
  [VEIL_SURVIVAL_VERDICT_TOO_PLAIN] = "too-plain",
  [VEIL_SURVIVAL_VERDICT_UNMEASURABLE] = "unmeasurable",
  [VEIL_SURVIVAL_VERDICT_MIXED] = "mixed",
  [VEIL_SURVIVAL_VERDICT_DECOY] = "decoy",
};

const char *
veil_survival_verdict_to_id (VeilSurvivalVerdict verdict)
{
  g_return_val_if_fail ((guint) verdict < VEIL_SURVIVAL_N_VERDICTS, NULL);
  return verdict_ids[verdict];
}

gboolean
veil_survival_verdict_from_id (const char          *id,
                               VeilSurvivalVerdict *out_verdict)
{
  g_return_val_if_fail (out_verdict != NULL, FALSE);

  for (guint i = 0; id != NULL && i < VEIL_SURVIVAL_N_VERDICTS; i++)
    if (strcmp (id, verdict_ids[i]) == 0)
      {
        *out_verdict = (VeilSurvivalVerdict) i;
        return TRUE;
      }
  return FALSE;
}

static void
add_double_or_null (JsonBuilder *builder,
                    const char  *name,
                    double       value)
{
  json_builder_set_member_name (builder, name);
  if (isfinite (value))
    json_builder_add_double_value (builder, round (value * 1000.0) / 1000.0);
  else
    json_builder_add_null_value (builder);
}

static void
add_class (JsonBuilder              *builder,
           const VeilSurvivalReport *report,
           guint                     class_index)
{
  VeilSurvivalClassResult r;
  /* Class names are folder names, any bytes: JSON gets their UTF-8 rendering. */
  g_autofree char *name = veil_paths_display (veil_survival_report_get_class_name (report,
                                                                                  class_index));
  g_autofree char *best_other = NULL;

  veil_survival_report_get_result (report, class_index, &r);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "class");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "verdict");
  json_builder_add_string_value (builder, veil_survival_verdict_to_id (r.verdict));
  json_builder_set_member_name (builder, "pass");
  json_builder_add_boolean_value (builder, r.pass);
  json_builder_set_member_name (builder, "samples");
  json_builder_add_int_value (builder, r.n_samples);
  add_double_or_null (builder, "psnr", r.psnr);
  add_double_or_null (builder, "psnr_mean", r.psnr_mean);
  json_builder_set_member_name (builder, "weak_images");
  json_builder_add_int_value (builder, r.n_weak);
  json_builder_set_member_name (builder, "native_images");
  json_builder_add_int_value (builder, r.n_native);
  add_double_or_null (builder, "cosine_own", r.cosine_own);
  add_double_or_null (builder, "cosine_best_other", r.cosine_best_other);
  json_builder_set_member_name (builder, "best_other_class");
  if (r.best_other >= 0)
    {
      best_other = veil_paths_display (veil_survival_report_get_class_name (report,
                                                                           r.best_other));
      json_builder_add_string_value (builder, best_other);
    }
  else
    json_builder_add_null_value (builder);
  add_double_or_null (builder, "cosine_filters", r.cosine_filters);
  json_builder_end_object (builder);
}

void
veil_survival_report_to_json_builder (const VeilSurvivalReport *report,
                                      JsonBuilder              *builder)
{
  VeilSurvivalVerdict verdict;

  g_return_if_fail (report != NULL);
  g_return_if_fail (JSON_IS_BUILDER (builder));

  verdict = veil_survival_report_get_verdict (report, NULL, NULL);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "resolution");
  json_builder_add_int_value (builder, veil_survival_report_get_resolution (report));
  json_builder_set_member_name (builder, "made_for_resolution");
  json_builder_add_boolean_value (builder,
                                  veil_survival_report_get_made_for_resolution (report));
  json_builder_set_member_name (builder, "jpeg_quality");
  json_builder_add_int_value (builder, VEIL_SURVIVAL_JPEG_QUALITY);
  json_builder_set_member_name (builder, "max_psnr");
  json_builder_add_double_value (builder, VEIL_SURVIVAL_MAX_PSNR);
  json_builder_set_member_name (builder, "verdict");
  json_builder_add_string_value (builder, veil_survival_verdict_to_id (verdict));
  json_builder_set_member_name (builder, "all_pass");
  json_builder_add_boolean_value (builder, verdict == VEIL_SURVIVAL_VERDICT_PASS);
  json_builder_set_member_name (builder, "classes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < veil_survival_report_get_n_classes (report); i++)
    add_class (builder, report, i);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

JsonNode *
veil_survival_report_to_json (const VeilSurvivalReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (report != NULL, NULL);

  veil_survival_report_to_json_builder (report, builder);
  return json_builder_get_root (builder);
}
