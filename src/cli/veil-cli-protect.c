/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-cli"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "veil-cli-private.h"
#include "veil-cli-progress.h"

typedef struct {
  GMainLoop        *loop;
  GCancellable     *cancellable;
  VeilCliProgress  *progress;
  VeilExportReport *report;
  GError           *error;
} ProtectRun;

static void
on_progress (const VeilExportProgress *state,
             gpointer                  user_data)
{
  veil_cli_progress_update (user_data, state);
}

static void
on_export_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ProtectRun *run = user_data;

  run->report = veil_export_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
on_signal (gpointer user_data)
{
  ProtectRun *run = user_data;

  /* The journal stays consistent: the export can be resumed. */
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
print_report_json (const VeilExportReport *report)
{
  guint n_failed = veil_export_report_get_n_failed (report);

  for (guint i = 0; i < n_failed; i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "event");
      json_builder_add_string_value (builder, "failed");
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, veil_export_report_get_failed_path (report, i));
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, veil_export_report_get_failed_reason (report, i));
      json_builder_end_object (builder);
      _veil_cli_print_json (builder);
    }

  /* Before "done", which stays the last event. */
  if (veil_export_report_get_survival (report) != NULL)
    _veil_cli_print_survival_json (veil_export_report_get_survival (report), "survival");

  {
    g_autoptr(JsonBuilder) builder = json_builder_new ();
    g_autofree char *manifest = veil_paths_display (veil_export_report_get_manifest_path (report));

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "event");
    json_builder_add_string_value (builder, "done");
    json_builder_set_member_name (builder, "protected");
    json_builder_add_int_value (builder, veil_export_report_get_n_protected (report));
    json_builder_set_member_name (builder, "unchanged");
    json_builder_add_int_value (builder, veil_export_report_get_n_unchanged (report));
    json_builder_set_member_name (builder, "copied");
    json_builder_add_int_value (builder, veil_export_report_get_n_copied (report));
    json_builder_set_member_name (builder, "failed");
    json_builder_add_int_value (builder, n_failed);
    json_builder_set_member_name (builder, "resumed");
    json_builder_add_int_value (builder, veil_export_report_get_n_skipped (report));
    json_builder_set_member_name (builder, "removed");
    json_builder_add_int_value (builder, veil_export_report_get_n_removed (report));
    json_builder_set_member_name (builder, "manifest");
    json_builder_add_string_value (builder, manifest);
    json_builder_end_object (builder);
    _veil_cli_print_json (builder);
  }

}

/* Reasons usually name their file already ("“cat/a.png” is empty"): then the reason alone
 * reads best; otherwise the path goes first. */
static void
print_failure (const char *path,
               const char *reason)
{
  g_autofree char *quoted = g_strdup_printf ("“%s”", path);

  if (strstr (reason, quoted) != NULL)
    printf ("  %s\n", reason);
  else
    printf ("  %s: %s\n", path, reason);
}

/* One line per image that changed on the way besides protection, saying what changed. */
static void
print_notes (const VeilExportReport *report)
{
  guint n = veil_export_report_get_n_noted (report);

  if (n == 0)
    return;
  printf (g_dngettext (GETTEXT_PACKAGE, "Changed on the way: %u image",
                       "Changed on the way: %u images", n), n);
  putchar ('\n');
  for (guint i = 0; i < n; i++)
    {
      VeilImageNotes notes = veil_export_report_get_noted_notes (report, i);
      g_autoptr(GString) what = g_string_new (NULL);

      if (notes & VEIL_IMAGE_NOTE_CONVERTED)
        g_string_append (what, _("saved in another format, since Veil cannot write its own "
                                 "(HEIC and AVIF photos become high-quality JPEG)"));
      if (notes & VEIL_IMAGE_NOTE_DEPTH_REDUCED)
        g_string_append_printf (what, "%s%s", what->len > 0 ? "; " : "",
                                _("16 bits per colour reduced to 8"));
      if (notes & VEIL_IMAGE_NOTE_FIRST_FRAME)
        g_string_append_printf (what, "%s%s", what->len > 0 ? "; " : "",
                                _("only the first frame or page was kept"));
      printf ("  %s: %s\n", veil_export_report_get_noted_path (report, i), what->str);
    }
}

static void
print_report (const VeilExportReport *report)
{
  guint n_failed = veil_export_report_get_n_failed (report);
  g_autofree char *manifest = veil_paths_display (veil_export_report_get_manifest_path (report));

  printf (ngettext ("Protected: %u image", "Protected: %u images",
                    veil_export_report_get_n_protected (report)),
          veil_export_report_get_n_protected (report));
  putchar ('\n');
  if (veil_export_report_get_n_unchanged (report) > 0)
    {
      printf (ngettext ("Left unprotected (mix): %u image", "Left unprotected (mix): %u images",
                        veil_export_report_get_n_unchanged (report)),
              veil_export_report_get_n_unchanged (report));
      putchar ('\n');
    }
  if (veil_export_report_get_n_copied (report) > 0)
    {
      printf (_("Other files copied: %u"), veil_export_report_get_n_copied (report));
      putchar ('\n');
    }
  if (veil_export_report_get_n_removed (report) > 0)
    {
      printf (ngettext ("Removed, its input being gone: %u file",
                        "Removed, their input being gone: %u files",
                        veil_export_report_get_n_removed (report)),
              veil_export_report_get_n_removed (report));
      putchar ('\n');
    }
  if (veil_export_report_get_n_skipped (report) > 0)
    {
      printf (_("Already done by the earlier run: %u"), veil_export_report_get_n_skipped (report));
      putchar ('\n');
    }
  if (n_failed > 0)
    {
      printf (ngettext ("Failed: %u file", "Failed: %u files", n_failed), n_failed);
      putchar ('\n');
      for (guint i = 0; i < n_failed; i++)
        print_failure (veil_export_report_get_failed_path (report, i),
                       veil_export_report_get_failed_reason (report, i));
    }
  print_notes (report);
  printf (_("Manifest: %s"), manifest);
  putchar ('\n');
}

/* After the counts: does the protection survive what a scraper does? A failing class is a
 * warning, not an error: every file was written as asked, and the sentence says what to do. */
static void
print_survival (const VeilExportReport  *report,
                const VeilExportOptions *options)
{
  const VeilSurvivalReport *survival = veil_export_report_get_survival (report);

  if (options->shard_count > 1)
    {
      putchar ('\n');
      printf ("%s\n", _("A shard sees only part of each class, so the protection is checked "
                        "after “veil-cli merge … --against INPUT” with the key."));
      return;
    }
  if (survival == NULL)
    return;

  putchar ('\n');
  /* Translators: %u counts images per class, the second %u is a size in pixels. */
  printf (ngettext ("Does the protection survive AI training? Up to %u protected image per "
                    "class was checked as a scraper would use it: shrunk to %u pixels when "
                    "larger, and saved as JPEG.",
                    "Does the protection survive AI training? Up to %u protected images per "
                    "class were checked as a scraper would use them: shrunk to %u pixels when "
                    "larger, and saved as JPEG.",
                    options->survival_sample),
          options->survival_sample, veil_survival_report_get_resolution (survival));
  putchar ('\n');
  _veil_cli_print_survival (survival, FALSE, FALSE);
}

/* The command line that continues this export: the same arguments, with --resume, quoted so
 * that it can be pasted into a shell. */
static char *
format_resume_command (int    argc,
                       char **argv)
{
  GString *command = g_string_new ("veil-cli protect --resume");

  for (int i = 1; i < argc; i++)
    {
      g_autofree char *quoted = NULL;

      if (g_str_equal (argv[i], "--resume"))
        continue;
      quoted = _veil_cli_shell_quote (argv[i]);
      g_string_append_c (command, ' ');
      g_string_append (command, quoted);
    }
  return g_string_free (command, FALSE);
}

/* The settings this run protects with, before it starts: what the manifest will record. */
static void
print_settings (const VeilProtectParams *params)
{
  g_autofree char *res = NULL;
  char pb[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (pb, sizeof pb, "%.15g", params->pb);
  if (params->training_res == VEIL_TRAINING_RES_NATIVE)
    res = g_strdup (_("native (filters applied as they are)"));
  else
    /* Translators: a training resolution, e.g. "224 px". */
    res = g_strdup_printf (_("%u px"), params->training_res);
  /* Translators: the protection settings: filter size k × k, strength p_b, the percentage of
   * images protected, the training resolution. */
  printf (_("Settings: filter %u × %u, p_b %s, %.3g %% of the images protected, training "
            "resolution %s"), params->k, params->k, pb, params->mix * 100.0, res);
  putchar ('\n');
}

static void
print_error_json (const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, "error");
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, error->message);
  json_builder_end_object (builder);
  _veil_cli_print_json (builder);
}

int
veil_cli_protect_main (int    argc,
                       char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilKey) key = NULL;
  g_autoptr(VeilDataset) dataset = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(VeilCliProgress) progress = NULL;
  g_autoptr(VeilExportReport) report = NULL;
  g_autofree char *training_res = NULL;
  g_autofree char *format = NULL;
  g_autofree char *shard = NULL;
  g_autofree char *resume_command = NULL;
  VeilCliKeyOptions key_options = { 0 };
  VeilExportOptions options;
  VeilProtectParams params;
  ProtectRun run = { 0 };
  int k;
  double pb;
  double mix;
  int quality = 95;
  int threads = 0;
  int check_sample = VEIL_SURVIVAL_DEFAULT_SAMPLE;
  gboolean no_check = FALSE;
  gboolean resume = FALSE;
  gboolean copy_other = FALSE;
  gboolean keep_detail = FALSE;
  gboolean json = FALSE;
  gboolean quiet = FALSE;
  gboolean usage = FALSE;
  guint sigint_id, sigterm_id;
  int status;
  const GOptionEntry entries[] = {
    { "kernel-size", 'k', 0, G_OPTION_ARG_INT, &k,
      N_("Filter size, odd, 3 to 31 (default 9)"), N_("K") },
    { "pb", 0, 0, G_OPTION_ARG_DOUBLE, &pb,
      N_("Filter strength, 0.001 to 1 (default 0.06)"), N_("PB") },
    { "mix", 0, 0, G_OPTION_ARG_DOUBLE, &mix,
      N_("Fraction of images to protect, 0 to 1 (default 1)"), N_("FRACTION") },
    { "training-res", 0, 0, G_OPTION_ARG_STRING, &training_res,
      N_("Short side in pixels a model would train at, or “native” (default 224)"), N_("R") },
    { "keep-detail", 0, 0, G_OPTION_ARG_NONE, &keep_detail,
      N_("Protect at the training resolution and keep the photo's finer detail untouched"),
      NULL },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      N_("“keep” each image's format (default) or write all as “png”"), N_("FORMAT") },
    { "quality", 0, 0, G_OPTION_ARG_INT, &quality,
      N_("JPEG quality, 1 to 100 (default 95)"), N_("Q") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads,
      N_("Threads to use, 0 for all cores (default 0)"), N_("N") },
    { "resume", 0, 0, G_OPTION_ARG_NONE, &resume,
      N_("Continue an interrupted export into OUTPUT, skipping finished files"), NULL },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard,
      N_("Do only part I of N of the files (see veil-cli merge)"), N_("I/N") },
    { "copy-other", 0, 0, G_OPTION_ARG_NONE, &copy_other,
      N_("Copy files that are not images too"), NULL },
    { "no-check", 0, 0, G_OPTION_ARG_NONE, &no_check,
      N_("Do not check afterwards that the protection survives a scraper's shrinking"), NULL },
    { "check-sample", 0, 0, G_OPTION_ARG_INT, &check_sample,
      N_("Protected images per class that check uses, 1 to 10000 (default 8)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print one JSON event per line instead of text"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Do not show progress"), NULL },
    { NULL }
  };

  context = _veil_cli_option_context_new ("protect", _("INPUT OUTPUT"),
                                          _("Writes a protected copy of the labeled folder INPUT "
                                            "(one subfolder per class) to the new folder OUTPUT, "
                                            "with the manifest veil-manifest.json. INPUT is never "
                                            "changed. Afterwards it checks, on the first few "
                                            "protected images of each class, that the protection "
                                            "survives what a scraper does (shrinking to the "
                                            "training size, saving as JPEG) and reports it; a "
                                            "class that fails is a warning and does not change "
                                            "the exit status (“veil-cli check” exits with 3)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  _veil_cli_key_options_add (context, &key_options);
  /* The defaults are the application's (veil-protect-params.h); the help repeats them. */
  veil_protect_params_init_defaults (&params);
  k = (int) params.k;
  pb = params.pb;
  mix = params.mix;
  resume_command = format_resume_command (argc, argv);
  if (!_veil_cli_parse (context, &argc, &argv))
    {
      _veil_cli_key_options_clear (&key_options);
      return VEIL_CLI_EXIT_USAGE;
    }

  veil_export_options_init (&options);
  params.k = k < 0 ? 0 : (guint) k;
  params.pb = pb;
  params.mix = mix;
  if (argc != 3)
    status = _veil_cli_usage_error ("protect", _("give an INPUT and an OUTPUT folder"));
  else if (training_res != NULL
           && !_veil_cli_parse_training_res (training_res, &params.training_res, &error))
    status = _veil_cli_usage_error ("protect", "%s", error->message);
  else if (!veil_protect_params_validate (&params, &error))
    status = _veil_cli_usage_error ("protect", "%s", error->message);
  else if (quality < 1 || quality > 100)
    status = _veil_cli_usage_error ("protect", _("--quality must be from 1 to 100"));
  else if (check_sample < 1 || check_sample > 10000)
    status = _veil_cli_usage_error ("protect", _("--check-sample must be from 1 to 10000"));
  else if (threads < 0 || threads > 1024)
    status = _veil_cli_usage_error ("protect", _("--threads must be from 0 (all cores) to 1024"));
  else if (format != NULL && g_strcmp0 (format, "keep") != 0 && g_strcmp0 (format, "png") != 0)
    status = _veil_cli_usage_error ("protect", _("--format must be “keep” or “png”"));
  else if (shard != NULL
           && !veil_shard_parse (shard, &options.shard_index, &options.shard_count, &error))
    status = _veil_cli_usage_error ("protect", "%s", error->message);
  else if ((key = _veil_cli_key_options_load (&key_options, &usage, &error)) == NULL)
    status = usage ? _veil_cli_usage_error ("protect", "%s", error->message)
                   : _veil_cli_fatal (error);
  else if (key_options.key_file != NULL
           && !veil_export_check_key_file (argv[1], key_options.key_file, &error))
    status = _veil_cli_fatal (error);
  else
    status = -1;
  _veil_cli_key_options_clear (&key_options);
  if (status >= 0)
    return status;

  params.keep_detail = keep_detail;
  veil_protect_params_round (&params);
  veil_export_options_set_params (&options, &params);
  options.key = key;
  options.format = g_strcmp0 (format, "png") == 0 ? VEIL_OUTPUT_FORMAT_PNG
                                                  : VEIL_OUTPUT_FORMAT_KEEP;
  options.jpeg_quality = quality;
  options.n_threads = (guint) threads;
  options.resume = resume;
  options.copy_other = copy_other;
  options.survival_sample = no_check ? 0 : (guint) check_sample;

  /* Refuse a bad output before spending time scanning a large input. */
  if (!veil_export_check_output (argv[1], argv[2], &error)
      || (dataset = veil_dataset_scan (argv[1], NULL, NULL, NULL, &error)) == NULL)
    {
      if (json)
        print_error_json (error);
      return _veil_cli_fatal (error);
    }

  if (!json)
    print_settings (&params);

  progress = veil_cli_progress_new (json, quiet);
  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  run.loop = loop;
  run.cancellable = cancellable;
  run.progress = progress;
  sigint_id = g_unix_signal_add (SIGINT, on_signal, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, &run);

  veil_export_async (dataset, argv[2], &options, on_progress, progress, NULL, cancellable,
                     on_export_done, &run);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  veil_cli_progress_finish (progress);

  report = run.report;
  if (report == NULL)
    {
      if (json)
        print_error_json (run.error);
      if (g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* The whole command, with the settings: a resume with others is refused. */
          fprintf (stderr, _("veil-cli: cancelled; continue with:"));
          fprintf (stderr, "\n  %s\n", resume_command);
          g_error_free (run.error);
          return VEIL_CLI_EXIT_FATAL;
        }
      status = _veil_cli_fatal (run.error);
      if (g_error_matches (run.error, VEIL_ERROR, VEIL_ERROR_WRITE)
          && veil_export_can_resume (argv[2]))
        {
          fprintf (stderr, _("veil-cli: the files finished so far are kept; once the problem is "
                             "solved, continue with:"));
          fprintf (stderr, "\n  %s\n", resume_command);
        }
      g_error_free (run.error);
      return status;
    }

  if (json)
    print_report_json (report);
  else
    {
      print_report (report);
      print_survival (report, &options);
    }
  return veil_export_report_get_n_failed (report) > 0 ? VEIL_CLI_EXIT_SOME_FAILED
                                                      : VEIL_CLI_EXIT_OK;
}
