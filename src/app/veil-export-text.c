/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export-text"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "veil-dataset.h"
#include "veil-export-text.h"
#include "veil-filter-bank.h"
#include "veil-image-notes-text.h"
#include "veil-key.h"
#include "veil-survival-text.h"

char *
veil_export_text_time_left (double seconds)
{
  guint minutes;
  guint hours;

  if (seconds < 0 || !isfinite (seconds))
    return g_strdup (_("estimating time left…"));

  if (seconds < 1.5)
    return g_strdup (_("almost done"));

  if (seconds < 60)
    {
      guint s = (guint) lround (seconds);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %u second left",
                                           "about %u seconds left", s), s);
    }

  minutes = (guint) lround (seconds / 60.0);
  if (minutes < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %u minute left",
                                         "about %u minutes left", minutes), minutes);

  hours = minutes / 60;
  minutes %= 60;
  /* TRANSLATORS: hours and minutes of an export still to go */
  return g_strdup_printf (_("about %u h %02u min left"), hours, minutes);
}

char *
veil_export_text_count (const VeilExportProgress *progress)
{
  g_return_val_if_fail (progress != NULL, NULL);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u image", "%u of %u images",
                                       progress->n_total),
                          progress->n_done, progress->n_total);
}

char *
veil_export_text_checked (const VeilExportProgress *progress)
{
  g_return_val_if_fail (progress != NULL, NULL);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u image checked",
                                       "%u of %u images checked", progress->n_to_check),
                          progress->n_checked, progress->n_to_check);
}

char *
veil_export_text_status (const VeilExportProgress *progress)
{
  GString *s;
  g_autofree char *left = NULL;

  g_return_val_if_fail (progress != NULL, NULL);

  s = g_string_new (NULL);

  if (progress->images_per_second > 0)
    g_string_append_printf (s, _("%.1f images per second"), progress->images_per_second);

  left = veil_export_text_time_left (progress->eta_seconds);
  if (s->len > 0)
    g_string_append (s, " · ");
  g_string_append (s, left);

  if (progress->n_failed > 0)
    {
      g_string_append (s, " · ");
      g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "%u failed", "%u failed",
                                              progress->n_failed),
                              progress->n_failed);
    }

  return g_string_free (s, FALSE);
}

char *
veil_export_text_training_res (guint training_res)
{
  if (training_res == VEIL_TRAINING_RES_NATIVE)
    return g_strdup (_("Native (as in the paper)"));

  return g_strdup_printf (_("%u px on the short side"), training_res);
}

char *
veil_export_text_filter_kind (VeilFilterKind kind)
{
  if (kind == VEIL_FILTER_KIND_ECHO)
    return g_strdup (_("Echo (beyond the paper)"));
  return g_strdup (_("Blur (the paper's)"));
}

char *
veil_export_text_keep_detail (gboolean keep_detail)
{
  /* Translators: whether "Keep fine detail" is used (the export dialog's "Fine Detail" row). */
  return g_strdup (keep_detail ? _("Kept") : _("Not kept"));
}

char *
veil_export_text_decoy (VeilDecoyPlan decoy)
{
  /* Translators: whether one class is left as it is (the export dialog's "Decoy Class" row). */
  switch (decoy)
    {
    case VEIL_DECOY_CHOSEN:
      return g_strdup (_("On"));
    case VEIL_DECOY_SEED_KEY:
      return g_strdup (_("None (integer seed keys have none)"));
    case VEIL_DECOY_ONE_CLASS:
      return g_strdup (_("None (a single class has none)"));
    case VEIL_DECOY_TURNED_OFF:
    default:
      return g_strdup (_("Off"));
    }
}

static const char *
outcome_heading (VeilExportOutcome outcome)
{
  switch (outcome)
    {
    case VEIL_EXPORT_OUTCOME_CANCELLED:
      return _("Export cancelled: the output folder is INCOMPLETE");
    case VEIL_EXPORT_OUTCOME_FAILED:
      return _("Export stopped by an error: the output folder may be INCOMPLETE");
    case VEIL_EXPORT_OUTCOME_COMPLETE:
    default:
      return _("Export complete");
    }
}

char *
veil_export_text_report (const VeilExportParams *params,
                         VeilExportOutcome       outcome,
                         const VeilExportReport *report,
                         const GError           *error,
                         const char             *extra)
{
  GString *s;
  g_autofree char *input = NULL;
  g_autofree char *output = NULL;
  g_autofree char *res = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *decoy = NULL;

  g_return_val_if_fail (params != NULL, NULL);

  s = g_string_new (NULL);
  input = g_filename_display_name (params->input_dir);
  output = g_filename_display_name (params->output_dir);
  res = veil_export_text_training_res (params->training_res);
  detail = veil_export_text_keep_detail (params->keep_detail);
  kind = veil_export_text_filter_kind (params->kind);
  decoy = veil_export_text_decoy (params->decoy);

  g_string_append_printf (s, "%s\n\n", outcome_heading (outcome));
  if (error != NULL)
    g_string_append_printf (s, "%s\n\n", error->message);

  g_string_append_printf (s, _("Input: %s\n"), input);
  g_string_append_printf (s, _("Output: %s\n"), output);
  /* Only the fingerprint identifies the key: the report may be shared. */
  if (params->key_is_seed)
    g_string_append_printf (s, _("Key: integer seed (guessable), fingerprint %s\n"),
                            params->key_fingerprint);
  else
    g_string_append_printf (s, _("Key: %s, fingerprint %s\n"),
                            params->key_name != NULL ? params->key_name : "",
                            params->key_fingerprint);
  g_string_append_printf (s, _("Kind of filter: %s\n"), kind);
  g_string_append_printf (s, _("Filter size k: %u\n"), params->k);
  g_string_append_printf (s, _("Filter strength p_b: %.2f\n"), params->pb);
  g_string_append_printf (s, _("Protected fraction: %.0f %%\n"), params->mix * 100.0);
  g_string_append_printf (s, _("Training resolution: %s\n"), res);
  g_string_append_printf (s, _("Fine detail: %s\n"), detail);
  /* Whether there is one; the survival check below names it. */
  g_string_append_printf (s, _("Decoy class: %s\n"), decoy);
  if (params->format == VEIL_OUTPUT_FORMAT_PNG)
    g_string_append (s, _("Format: PNG\n"));
  else
    g_string_append_printf (s, _("Format: same as the original (JPEG quality %d)\n"),
                            params->jpeg_quality);

  if (report != NULL)
    {
      guint n_failed = veil_export_report_get_n_failed (report);

      g_string_append_c (s, '\n');
      g_string_append_printf (s, _("Protected: %u\n"),
                              veil_export_report_get_n_protected (report));
      g_string_append_printf (s, _("Left unchanged by the protected fraction: %u\n"),
                              veil_export_report_get_n_unchanged (report));
      /* Among the counts above, not in addition to them. */
      g_string_append_printf (s, _("Of these, already in the folder from an earlier run: %u\n"),
                              veil_export_report_get_n_skipped (report));
      g_string_append_printf (s, _("Failed: %u\n"), n_failed);

      if (n_failed > 0)
        {
          g_string_append_printf (s, "\n%s\n", _("Files that could not be protected:"));
          for (guint i = 0; i < n_failed; i++)
            {
              g_autofree char *path =
                g_filename_display_name (veil_export_report_get_failed_path (report, i));

              g_string_append_printf (s, "  %s: %s\n", path,
                                      veil_export_report_get_failed_reason (report, i));
            }
        }

      if (veil_export_report_get_n_noted (report) > 0)
        {
          g_autofree char *heading =
            veil_image_notes_text_heading (veil_export_report_get_n_noted (report));

          g_string_append_printf (s, "\n%s\n", heading);
          for (guint i = 0; i < veil_export_report_get_n_noted (report); i++)
            {
              g_autofree char *path =
                g_filename_display_name (veil_export_report_get_noted_path (report, i));
              g_autofree char *what =
                veil_image_notes_text (veil_export_report_get_noted_notes (report, i));

              g_string_append_printf (s, "  %s: %s\n", path, what);
            }
        }
    }

  if (extra != NULL && *extra != '\0')
    g_string_append_printf (s, "\n%s\n", extra);

  return g_string_free (s, FALSE);
}

char *
veil_export_text_survival (const VeilSurvivalReport *report)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (report != NULL, NULL);

  text = veil_survival_text_report (report, TRUE);
  return g_strdup_printf ("%s\n%s", _("Will the protection survive training?"), text);
}
