/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "veil-export-view.h"
#include "veil-image-notes-text.h"
#include "veil-survival-text.h"

struct _VeilExportView
{
  GtkWidget            parent_instance;

  GPtrArray           *failed_rows;
  GPtrArray           *noted_rows;
  GPtrArray           *survival_rows;
  char                *survival_text;
  gboolean             stopping;  /* the title says so until the export ends */

  GtkStack            *stack;
  GtkLabel            *progress_title;
  GtkProgressBar      *progress_bar;
  GtkLabel            *progress_count;
  GtkLabel            *progress_status;
  GtkLabel            *progress_file;
  GtkImage            *summary_icon;
  GtkLabel            *summary_title;
  GtkLabel            *summary_description;
  GtkWidget           *resume_button;
  GtkWidget           *open_button;
  GtkWidget           *results_group;
  GtkLabel            *protected_label;
  GtkWidget           *unchanged_row;
  GtkLabel            *unchanged_label;
  GtkWidget           *skipped_row;
  GtkWidget           *failed_none_row;
  AdwExpanderRow      *failed_row;
  AdwExpanderRow      *noted_row;
  AdwPreferencesGroup *survival_group;
};

G_DEFINE_FINAL_TYPE (VeilExportView, veil_export_view, GTK_TYPE_WIDGET)

static void hide_survival (VeilExportView *self);

void
veil_export_view_show_running (VeilExportView *self,
                               gboolean        resume)
{
  g_return_if_fail (VEIL_IS_EXPORT_VIEW (self));

  hide_survival (self);
  self->stopping = FALSE;
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_label_set_label (self->progress_title,
                       resume ? _("Resuming the Export…") : _("Protecting Photos…"));
  gtk_label_set_label (self->progress_count, "");
  gtk_label_set_label (self->progress_status, _("Starting…"));
  gtk_label_set_label (self->progress_file, "");
  gtk_stack_set_visible_child_name (self->stack, "progress");
}

/* Every file is written; the export measures its sample before writing the manifest. Stop
 * still works: the export can then be resumed, and only checks. */
static void
set_checking (VeilExportView           *self,
              const VeilExportProgress *progress)
{
  g_autofree char *count = veil_export_text_checked (progress);

  if (!self->stopping)
    gtk_label_set_label (self->progress_title, _("Checking the Protection…"));
  gtk_progress_bar_set_fraction (self->progress_bar,
                                 progress->n_to_check > 0
                                 ? (double) progress->n_checked / progress->n_to_check : 1.0);
  gtk_label_set_label (self->progress_count, count);
  gtk_label_set_label (self->progress_status,
                       _("Every file is written. Checking on a sample of each class that the "
                         "protection survives the shrinking AI training does."));
  gtk_label_set_label (self->progress_file, "");
}

void
veil_export_view_set_progress (VeilExportView           *self,
                               const VeilExportProgress *progress)
{
  g_autofree char *count = NULL;
  g_autofree char *status = NULL;

  g_return_if_fail (VEIL_IS_EXPORT_VIEW (self));
  g_return_if_fail (progress != NULL);

  if (progress->phase == VEIL_EXPORT_PHASE_CHECKING)
    {
      set_checking (self, progress);
      return;
    }

  count = veil_export_text_count (progress);
  status = veil_export_text_status (progress);

  gtk_progress_bar_set_fraction (self->progress_bar,
                                 progress->n_total > 0
                                 ? (double) progress->n_done / progress->n_total : 0.0);
  gtk_label_set_label (self->progress_count, count);
  gtk_label_set_label (self->progress_status, status);
  if (progress->current_path != NULL)
    {
      g_autofree char *display = g_filename_display_name (progress->current_path);

      gtk_label_set_label (self->progress_file, display);
    }
}

void
veil_export_view_show_stopping (VeilExportView *self)
{
  g_return_if_fail (VEIL_IS_EXPORT_VIEW (self));

  self->stopping = TRUE;
  gtk_label_set_label (self->progress_title, _("Stopping…"));
}

static void
clear_rows (GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      GtkWidget *parent = gtk_widget_get_parent (row);

      /* Rows sit in an expander's or a group's inner list box. */
      if (GTK_IS_LIST_BOX (parent))
        gtk_list_box_remove (GTK_LIST_BOX (parent), row);
    }
  g_ptr_array_set_size (rows, 0);
}

static void
set_count (GtkLabel *label,
           guint     n)
{
  g_autofree char *text = g_strdup_printf ("%u", n);

  gtk_label_set_label (label, text);
}

/* A row under @expander naming a file (@path, file-system bytes) and what happened to it. */
static void
add_file_row (AdwExpanderRow *expander,
              GPtrArray      *rows,
              const char     *path,
              const char     *what)
{
  g_autofree char *display = g_filename_display_name (path);
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), display);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), what);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_expander_row_add_row (expander, row);
  g_ptr_array_add (rows, row);
}

static void
show_results (VeilExportView         *self,
              const VeilExportParams *params,
              const VeilExportReport *report)
{
  guint n_failed = veil_export_report_get_n_failed (report);
  guint n_unchanged = veil_export_report_get_n_unchanged (report);
  guint n_skipped = veil_export_report_get_n_skipped (report);
  guint n_noted = veil_export_report_get_n_noted (report);
  g_autofree char *failed_subtitle = NULL;
  g_autofree char *noted_subtitle = NULL;
  g_autofree char *skipped_title = NULL;

  set_count (self->protected_label, veil_export_report_get_n_protected (report));
  set_count (self->unchanged_label, n_unchanged);
  /* Not a count of its own: these images are among those counted above, each once. */
  skipped_title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "%u of these was already in the folder",
                                                "%u of these were already in the folder",
                                                n_skipped), n_skipped);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->skipped_row), skipped_title);
  gtk_widget_set_visible (self->unchanged_row, n_unchanged > 0 || params->mix < 1.0);
  gtk_widget_set_visible (self->skipped_row, n_skipped > 0);

  gtk_widget_set_visible (self->failed_none_row, n_failed == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->failed_row), n_failed > 0);
  failed_subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "%u file could not be protected and is "
                                                  "not in the output",
                                                  "%u files could not be protected and are "
                                                  "not in the output", n_failed),
                                     n_failed);
  adw_expander_row_set_subtitle (self->failed_row, failed_subtitle);
  /* A few failures are worth seeing at once; a long list stays folded. */
  adw_expander_row_set_expanded (self->failed_row, n_failed > 0 && n_failed <= 5);

  for (guint i = 0; i < n_failed; i++)
    add_file_row (self->failed_row, self->failed_rows,
                  veil_export_report_get_failed_path (report, i),
                  veil_export_report_get_failed_reason (report, i));

  /* Written, but not quite as they came: a 16-bit scan, a multi-page TIFF, a HEIC photo. */
  gtk_widget_set_visible (GTK_WIDGET (self->noted_row), n_noted > 0);
  noted_subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%u image was changed besides being protected",
                                                 "%u images were changed besides being "
                                                 "protected", n_noted),
                                    n_noted);
  adw_expander_row_set_subtitle (self->noted_row, noted_subtitle);
  adw_expander_row_set_expanded (self->noted_row, n_noted > 0 && n_noted <= 5);
  for (guint i = 0; i < n_noted; i++)
    {
      g_autofree char *what =
        veil_image_notes_text (veil_export_report_get_noted_notes (report, i));

      add_file_row (self->noted_row, self->noted_rows,
                    veil_export_report_get_noted_path (report, i), what);
    }
}

void
veil_export_view_show_summary (VeilExportView         *self,
                               VeilExportOutcome       outcome,
                               const VeilExportParams *params,
                               const VeilExportReport *report,
                               const GError           *error,
                               guint                   n_done,
                               guint                   n_total,
                               gboolean                resumable,
                               gboolean                output_exists)
{
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  g_autofree char *folder = NULL;
  const char *icon = "emblem-ok-symbolic";
  const char *icon_class = "success";
  guint n_failed;

  g_return_if_fail (VEIL_IS_EXPORT_VIEW (self));
  g_return_if_fail (params != NULL);

  folder = g_filename_display_name (params->output_dir);
  n_failed = report != NULL ? veil_export_report_get_n_failed (report) : 0;

  switch (outcome)
    {
    case VEIL_EXPORT_OUTCOME_COMPLETE:
      {
        guint n_written = 0;

        if (report != NULL)
          n_written = veil_export_report_get_n_protected (report)
                      + veil_export_report_get_n_unchanged (report);
        if (n_failed > 0)
          {
            title = g_strdup (_("Export Finished With Problems"));
            icon = "dialog-warning-symbolic";
            icon_class = "warning";
          }
        else
          title = g_strdup (_("Export Complete"));
        description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "%u image is in %s.",
                                                    "%u images are in %s.", n_written),
                                       n_written, folder);
      }
      break;

    case VEIL_EXPORT_OUTCOME_CANCELLED:
      title = g_strdup (_("Export Cancelled: Incomplete"));
      icon = "dialog-warning-symbolic";
      icon_class = "warning";
      if (n_total > 0 && n_done == n_total)
        /* Stopped during the survival check: only the manifest is missing. */
        description = g_strdup_printf (_("Every image was written, but you stopped the check "
                                         "that the protection survives. The folder %s has no "
                                         "manifest yet: do not share it yet. Resume to finish "
                                         "the check; nothing is written again."), folder);
      else
        description = g_strdup_printf (_("%u of %u images were done when you stopped. The "
                                         "folder %s is incomplete: do not share it yet. Resume "
                                         "to finish it; what is done is kept."),
                                       n_done, n_total, folder);
      break;

    case VEIL_EXPORT_OUTCOME_FAILED:
    default:
      title = g_strdup (_("Export Stopped"));
      icon = "dialog-error-symbolic";
      icon_class = "error";
      if (resumable)
        description = g_strdup_printf (_("%s\n\nThe folder %s is incomplete. Fix the problem, "
                                         "then resume to finish it."),
                                       error != NULL ? error->message : "", folder);
      else
        description = g_strdup (error != NULL ? error->message : "");
      break;
    }

  gtk_image_set_from_icon_name (self->summary_icon, icon);
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_icon), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_icon), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->summary_icon), icon_class);
  gtk_label_set_label (self->summary_title, title);
  gtk_label_set_label (self->summary_description, description);

  gtk_widget_set_visible (self->resume_button, resumable);
  gtk_widget_set_visible (self->open_button, output_exists);

  clear_rows (self->failed_rows);
  clear_rows (self->noted_rows);
  gtk_widget_set_visible (self->results_group, report != NULL);
  if (report != NULL)
    show_results (self, params, report);

  hide_survival (self);
  gtk_stack_set_visible_child_name (self->stack, "summary");
}

static void
hide_survival (VeilExportView *self)
{
  g_clear_pointer (&self->survival_text, g_free);
  clear_rows (self->survival_rows);
  gtk_widget_set_visible (GTK_WIDGET (self->survival_group), FALSE);
}

static void
add_survival_row (VeilExportView *self,
                  GtkWidget      *row)
{
  adw_preferences_group_add (self->survival_group, row);
  g_ptr_array_add (self->survival_rows, row);
}

static GtkWidget *
new_class_row (const VeilSurvivalReport      *report,
               guint                          class_index,
               const VeilSurvivalClassResult *result)
{
  g_autofree char *line = veil_survival_text_class (report, class_index);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;
  const char *icon_name = "emblem-ok-symbolic";
  const char *style = "success";

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 veil_survival_report_get_class_name (report, class_index));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), line);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  /* The decoy is left as it is on purpose: neither a pass nor a failure. */
  if (result->verdict == VEIL_SURVIVAL_VERDICT_DECOY)
    {
      icon_name = "dialog-information-symbolic";
      style = "dim-label";
    }
  else if (veil_survival_verdict_is_failure (result->verdict))
    {
      icon_name = "dialog-warning-symbolic";
      style = "warning";
    }
  icon = gtk_image_new_from_icon_name (icon_name);
  gtk_widget_add_css_class (icon, style);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  veil_survival_text_verdict_label (result->verdict),
                                  -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
  return row;
}

/* The figures behind the verdicts, folded away: they are for whoever wants to look closer. */
static GtkWidget *
new_details_row (const VeilSurvivalReport *report)
{
  GtkWidget *expander = adw_expander_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), _("Details"));
  for (guint i = 0; i < veil_survival_report_get_n_classes (report); i++)
    {
      g_autofree char *figures = veil_survival_text_class_details (report, i);
      VeilSurvivalClassResult result;
      GtkWidget *row;

      /* The decoy's figures (how close it stayed to its originals) are in the manifest and in
       * "veil-cli check"; here, beside the protection limit, they would read as a failure. */
      veil_survival_report_get_result (report, i, &result);
      if (figures == NULL || result.verdict == VEIL_SURVIVAL_VERDICT_DECOY)
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     veil_survival_report_get_class_name (report, i));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), figures);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
    }
  return expander;
}

/* A class that would not stay protected is the outcome that matters most: the summary's title
 * says so instead of "Export Complete", and the check's advice comes first. */
static void
show_survival_headline (VeilExportView           *self,
                        const VeilSurvivalReport *report,
                        guint                     n_failed)
{
  g_autofree char *title = NULL;
  g_autofree char *advice = veil_survival_text_advice (report);
  g_autofree char *description = NULL;

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "%u Class Would Not Stay Protected",
                                        "%u Classes Would Not Stay Protected", n_failed),
                           n_failed);
  description = g_strdup_printf ("%s\n\n%s", advice,
                                 gtk_label_get_label (self->summary_description));
  gtk_image_set_from_icon_name (self->summary_icon, "dialog-warning-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_icon), "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->summary_icon), "warning");
  gtk_label_set_label (self->summary_title, title);
  gtk_label_set_label (self->summary_description, description);
}

static void
show_survival (VeilExportView           *self,
               const VeilSurvivalReport *report)
{
  g_autofree char *headline = NULL;
  guint n_failed = 0;
  guint n;

  clear_rows (self->survival_rows);
  headline = veil_survival_text_headline (report);
  adw_preferences_group_set_description (self->survival_group, headline);

  veil_survival_report_get_verdict (report, NULL, &n_failed);
  if (n_failed > 0)
    show_survival_headline (self, report, n_failed);

  /* Failing classes first; the decoy is not one. */
  n = veil_survival_report_get_n_classes (report);
  for (int failing = 1; failing >= 0; failing--)
    for (guint i = 0; i < n; i++)
      {
        VeilSurvivalClassResult result;

        veil_survival_report_get_result (report, i, &result);
        if (result.verdict == VEIL_SURVIVAL_VERDICT_NOT_CHECKED
            || veil_survival_verdict_is_failure (result.verdict) != failing)
          continue;
        add_survival_row (self, new_class_row (report, i, &result));
      }
  add_survival_row (self, new_details_row (report));
  gtk_widget_set_visible (GTK_WIDGET (self->survival_group), TRUE);
}

void
veil_export_view_show_survival (VeilExportView           *self,
                                const VeilSurvivalReport *report)
{
  g_return_if_fail (VEIL_IS_EXPORT_VIEW (self));
  g_return_if_fail (report != NULL);

  hide_survival (self);
  self->survival_text = veil_export_text_survival (report);
  show_survival (self, report);
}

const char *
veil_export_view_get_survival_text (VeilExportView *self)
{
  g_return_val_if_fail (VEIL_IS_EXPORT_VIEW (self), NULL);

  return self->survival_text;
}

static void
veil_export_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VEIL_TYPE_EXPORT_VIEW);

  G_OBJECT_CLASS (veil_export_view_parent_class)->dispose (object);
}

static void
veil_export_view_finalize (GObject *object)
{
  VeilExportView *self = VEIL_EXPORT_VIEW (object);

  g_clear_pointer (&self->failed_rows, g_ptr_array_unref);
  g_clear_pointer (&self->noted_rows, g_ptr_array_unref);
  g_clear_pointer (&self->survival_rows, g_ptr_array_unref);
  g_clear_pointer (&self->survival_text, g_free);

  G_OBJECT_CLASS (veil_export_view_parent_class)->finalize (object);
}

static void
veil_export_view_class_init (VeilExportViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_export_view_dispose;
  object_class->finalize = veil_export_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/unlearnable/Veil/veil-export-view.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, VeilExportView, name)
  BIND (stack);
  BIND (progress_title);
  BIND (progress_bar);
  BIND (progress_count);
  BIND (progress_status);
  BIND (progress_file);
  BIND (summary_icon);
  BIND (summary_title);
  BIND (summary_description);
  BIND (resume_button);
  BIND (open_button);
  BIND (results_group);
  BIND (protected_label);
  BIND (unchanged_row);
  BIND (unchanged_label);
  BIND (skipped_row);
  BIND (failed_none_row);
  BIND (failed_row);
  BIND (noted_row);
  BIND (survival_group);
#undef BIND

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
veil_export_view_init (VeilExportView *self)
{
  self->failed_rows = g_ptr_array_new ();
  self->noted_rows = g_ptr_array_new ();
  self->survival_rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}
