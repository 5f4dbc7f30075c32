/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

#include "veil-export-private.h"
#include "veil-paths.h"

VeilExportReport *
_veil_export_report_new (void)
{
  VeilExportReport *report = g_new0 (VeilExportReport, 1);

  report->failed_paths = g_ptr_array_new_with_free_func (g_free);
  report->failed_reasons = g_ptr_array_new_with_free_func (g_free);
  report->noted_paths = g_ptr_array_new_with_free_func (g_free);
  report->noted_notes = g_array_new (FALSE, FALSE, sizeof (VeilImageNotes));
  return report;
}

void
_veil_export_report_add_failure (VeilExportReport *report,
                                 const char       *relative_path,
                                 const char       *reason)
{
  g_assert (report != NULL);

  report->n_failed++;
  g_ptr_array_add (report->failed_paths, veil_paths_display (relative_path));
  g_ptr_array_add (report->failed_reasons, g_strdup (reason != NULL ? reason : ""));
}

guint
veil_export_report_get_n_protected (const VeilExportReport *report)
{
  g_return_val_if_fail (report != NULL, 0);
  return report->n_protected;
}

guint
veil_export_report_get_n_unchanged (const VeilExportReport *report)
{
  g_return_val_if_fail (report != NULL, 0);
  return report->n_unchanged;
}

guint
veil_export_report_get_n_skipped (const VeilExportReport *report)
{
  g_return_val_if_fail (report != NULL, 0);
  return report->n_skipped;
}

guint
veil_export_report_get_n_failed (const VeilExportReport *report)
{
  g_return_val_if_fail (report != NULL, 0);
  return report->n_failed;
}

guint
veil_export_report_get_n_copied (const VeilExportReport *report)
{
  g_return_val_if_fail (report != NULL, 0);
  return report->n_copied;
}

const char *
veil_export_report_get_failed_path (const VeilExportReport *report,
                                    guint                   i)
{
  g_return_val_if_fail (report != NULL, NULL);
  g_return_val_if_fail (i < report->failed_paths->len, NULL);
  return g_ptr_array_index (report->failed_paths, i);
}

const char *
veil_export_report_get_failed_reason (const VeilExportReport *report,
                                      guint                   i)
{
  g_return_val_if_fail (report != NULL, NULL);
  g_return_val_if_fail (i < report->failed_reasons->len, NULL);
  return g_ptr_array_index (report->failed_reasons, i);
}

guint
veil_export_report_get_n_noted (const VeilExportReport *report)
{
  g_return_val_if_fail (report != NULL, 0);
  return report->noted_paths->len;
}

const char *
veil_export_report_get_noted_path (const VeilExportReport *report,
                                   guint                   i)
{
  g_return_val_if_fail (report != NULL, NULL);
  g_return_val_if_fail (i < report->noted_paths->len, NULL);
  return g_ptr_array_index (report->noted_paths, i);
}

VeilImageNotes
veil_export_report_get_noted_notes (const VeilExportReport *report,
                                    guint                   i)
{
  g_return_val_if_fail (report != NULL, 0);
  g_return_val_if_fail (i < report->noted_notes->len, 0);
  return g_array_index (report->noted_notes, VeilImageNotes, i);
}

const char *
veil_export_report_get_manifest_path (const VeilExportReport *report)
{
  g_return_val_if_fail (report != NULL, NULL);
  return report->manifest_path;
}

const VeilSurvivalReport *
veil_export_report_get_survival (const VeilExportReport *report)
{
  g_return_val_if_fail (report != NULL, NULL);
  return report->survival;
}

void
veil_export_report_free (VeilExportReport *report)
{
  if (report == NULL)
    return;
  g_ptr_array_unref (report->failed_paths);
  g_ptr_array_unref (report->failed_reasons);
  g_ptr_array_unref (report->noted_paths);
  g_array_unref (report->noted_notes);
  g_free (report->manifest_path);
  g_clear_pointer (&report->survival, veil_survival_report_unref);
  g_free (report);
}

/* The report of a finished run, counted from its manifest so that it covers the files an
 * earlier, resumed run did too. */
VeilExportReport *
_veil_export_report_from_manifest (VeilManifest *manifest,
                                   const char   *manifest_path,
                                   guint         n_resumed)
{
  VeilExportReport *report = _veil_export_report_new ();
  GPtrArray *lists[] = { manifest->images, manifest->other };

  report->n_skipped = n_resumed;
  report->manifest_path = g_strdup (manifest_path);
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        const VeilManifestEntry *entry = g_ptr_array_index (lists[l], i);

        if (entry->notes != 0 && entry->status != VEIL_MANIFEST_STATUS_FAILED)
          {
            g_ptr_array_add (report->noted_paths, veil_paths_display (entry->source));
            g_array_append_val (report->noted_notes, entry->notes);
          }

        switch (entry->status)
          {
          case VEIL_MANIFEST_STATUS_PROTECTED:
            report->n_protected++;
            break;
          case VEIL_MANIFEST_STATUS_UNCHANGED:
            report->n_unchanged++;
            break;
          case VEIL_MANIFEST_STATUS_COPIED:
            report->n_copied++;
            break;
          case VEIL_MANIFEST_STATUS_FAILED:
            _veil_export_report_add_failure (report, entry->source, entry->message);
            break;
          case VEIL_MANIFEST_STATUS_SKIPPED:
          default:
            break;
          }
      }
  return report;
}

guint
veil_export_report_get_n_removed (const VeilExportReport *report)
{
  g_return_val_if_fail (report != NULL, 0);
  return report->n_removed;
}
