/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-cli"

#include "config.h"

#include <math.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "veil-cli-private.h"
#include "veil-cli-progress.h"
#include "veil-image-notes-text.h"

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
  g_autofree char *heading = NULL;

  if (n == 0)
    return;
  heading = veil_image_notes_text_heading (n);
  printf ("%s\n", heading);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *what = veil_image_notes_text (veil_export_report_get_noted_notes (report,
                                                                                         i));

      printf ("  %s: %s\n", veil_export_report_get_noted_path (report, i), what);
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
print_settings (const VeilProtectParams *params,
                VeilKey                 *key,
                guint                    n_classes)
{
  g_autofree char *res = NULL;
  char pb[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (pb, sizeof pb, "%.15g", params->pb);
  if (params->training_res == VEIL_TRAINING_RES_NATIVE)
    res = g_strdup (_("native (filters applied as they are)"));
  else
    /* Translators: a training resolution, e.g. "224 px". */
    res = g_strdup_printf (_("%u px"), params->training_res);
  if (params->kind == VEIL_FILTER_KIND_ECHO)
    /* Translators: the protection settings with echo filters: filter size k × k, the echo's
     * strength p_b, the percentage of images protected, the training resolution. */
    printf (_("Settings: echo filter %u × %u, p_b %s, %.3g %% of the images protected, "
              "training resolution %s"), params->k, params->k, pb, params->mix * 100.0, res);
  else
    /* Translators: the protection settings: filter size k × k, strength p_b, the percentage
     * of images protected, the training resolution. */
    printf (_("Settings: filter %u × %u, p_b %s, %.3g %% of the images protected, training "
              "resolution %s"), params->k, params->k, pb, params->mix * 100.0, res);
  putchar ('\n');
  switch (veil_filter_decoy_plan (params->decoy, veil_key_get_kind (key), n_classes))
    {
    case VEIL_DECOY_TURNED_OFF:
      printf ("%s\n", _("Decoy: none, every class is protected (--no-decoy)"));
      break;
    case VEIL_DECOY_SEED_KEY:
      printf ("%s\n", _("Decoy: none, a seed key reproduces the paper, which has none"));
      break;
    case VEIL_DECOY_ONE_CLASS:
      printf ("%s\n", _("Decoy: none, there is only one class"));
      break;
    case VEIL_DECOY_CHOSEN:
    default:
      printf ("%s\n", _("Decoy: one class, chosen by the key, is left as it is (the check "
                         "below names it)"));
      break;
    }
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

/* The command line as given: options with their defaults, then what parsing found. */
typedef struct {
  VeilCliKeyOptions  key_options;
  char              *filters;
  int                k;
  double             pb;
  double             mix;
  char              *training_res;
  char              *format;
  char              *shard;
  int                quality;
  int                threads;
  int                check_sample;
  gboolean           no_check;
  gboolean           resume;
  gboolean           copy_other;
  gboolean           keep_detail;
  gboolean           no_decoy;
  gboolean           json;
  gboolean           quiet;
} ProtectArgs;

static void
protect_args_clear (ProtectArgs *args)
{
  _veil_cli_key_options_clear (&args->key_options);
  g_free (args->filters);
  g_free (args->training_res);
  g_free (args->format);
  g_free (args->shard);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ProtectArgs, protect_args_clear)

/* Reads the options into @args, whose fields hold the defaults; FALSE after a usage message. */
static gboolean
parse_args (ProtectArgs   *args,
            int           *argc,
            char        ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  const GOptionEntry entries[] = {
    { "filters", 0, 0, G_OPTION_ARG_STRING, &args->filters,
      N_("“blur”, the paper's filters (default), or “echo”: a copy of each picture on top, "
         "shifted differently for each class (beyond the paper); needs K of at least 7"),
      N_("KIND") },
    { "kernel-size", 'k', 0, G_OPTION_ARG_INT, &args->k,
      N_("Filter size, odd, 3 to 31 (default 9)"), N_("K") },
    { "pb", 0, 0, G_OPTION_ARG_DOUBLE, &args->pb,
      N_("Filter strength, 0.001 to 1 (default 0.06; 1 for echo filters)"), N_("PB") },
    { "mix", 0, 0, G_OPTION_ARG_DOUBLE, &args->mix,
      N_("Fraction of images to protect, 0 to 1 (default 1)"), N_("FRACTION") },
    { "training-res", 0, 0, G_OPTION_ARG_STRING, &args->training_res,
      N_("Short side in pixels a model would train at, or “native” (default 224)"), N_("R") },
    { "keep-detail", 0, 0, G_OPTION_ARG_NONE, &args->keep_detail,
      N_("Protect at the training resolution and keep the photo's finer detail untouched"),
      NULL },
    { "no-decoy", 0, 0, G_OPTION_ARG_NONE, &args->no_decoy,
      N_("Protect every class: by default a secret key leaves one class as it is, a decoy that "
         "a model trained on the copy takes real photos for"), NULL },
    { "format", 0, 0, G_OPTION_ARG_STRING, &args->format,
      N_("“keep” each image's format (default) or write all as “png”"), N_("FORMAT") },
    { "quality", 0, 0, G_OPTION_ARG_INT, &args->quality,
      N_("JPEG quality, 1 to 100 (default 95)"), N_("Q") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &args->threads,
      N_("Threads to use, 0 for all cores (default 0)"), N_("N") },
    { "resume", 0, 0, G_OPTION_ARG_NONE, &args->resume,
      N_("Continue an interrupted export into OUTPUT, skipping finished files"), NULL },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &args->shard,
      N_("Do only part I of N of the files (see veil-cli merge)"), N_("I/N") },
    { "copy-other", 0, 0, G_OPTION_ARG_NONE, &args->copy_other,
      N_("Copy files that are not images too"), NULL },
    { "no-check", 0, 0, G_OPTION_ARG_NONE, &args->no_check,
      N_("Do not check afterwards that the protection survives a scraper's shrinking"), NULL },
    { "check-sample", 0, 0, G_OPTION_ARG_INT, &args->check_sample,
      N_("Protected images per class that check uses, 1 to 10000 (default 8)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &args->json,
      N_("Print one JSON event per line instead of text"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &args->quiet, N_("Do not show progress"), NULL },
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
  _veil_cli_key_options_add (context, &args->key_options);
  return _veil_cli_parse (context, argc, argv);
}

/* Checks every argument and loads the key, filling @options (whose key is *@key); a usage or
 * fatal exit status when something is wrong, else -1. */
static int
validate_args (ProtectArgs        *args,
               int                 argc,
               char              **argv,
               VeilProtectParams  *params,
               VeilExportOptions  *options,
               VeilKey           **key)
{
  g_autoptr(GError) error = NULL;
  gboolean usage = FALSE;

  veil_export_options_init (options);
  params->mix = args->mix;
  if (argc != 3)
    return _veil_cli_usage_error ("protect", _("give an INPUT and an OUTPUT folder"));
  if (!_veil_cli_set_filter_options (args->filters, args->k, args->pb, params, &error))
    return _veil_cli_usage_error ("protect", "%s", error->message);
  if (args->training_res != NULL
      && !_veil_cli_parse_training_res (args->training_res, &params->training_res, &error))
    return _veil_cli_usage_error ("protect", "%s", error->message);
  if (!veil_protect_params_validate (params, &error))
    return _veil_cli_usage_error ("protect", "%s", error->message);
  if (args->quality < 1 || args->quality > 100)
    return _veil_cli_usage_error ("protect", _("--quality must be from 1 to 100"));
  if (args->check_sample < 1 || args->check_sample > 10000)
    return _veil_cli_usage_error ("protect", _("--check-sample must be from 1 to 10000"));
  if (args->threads < 0 || args->threads > 1024)
    return _veil_cli_usage_error ("protect", _("--threads must be from 0 (all cores) to 1024"));
  if (args->format != NULL && g_strcmp0 (args->format, "keep") != 0
      && g_strcmp0 (args->format, "png") != 0)
    return _veil_cli_usage_error ("protect", _("--format must be “keep” or “png”"));
  if (args->shard != NULL
      && !veil_shard_parse (args->shard, &options->shard_index, &options->shard_count, &error))
    return _veil_cli_usage_error ("protect", "%s", error->message);
  *key = _veil_cli_key_options_load (&args->key_options, &usage, &error);
  if (*key == NULL)
    return usage ? _veil_cli_usage_error ("protect", "%s", error->message)
                 : _veil_cli_fatal (error);
  if (args->key_options.key_file != NULL
      && !veil_export_check_key_file (argv[1], args->key_options.key_file, &error))
    return _veil_cli_fatal (error);

  params->keep_detail = args->keep_detail;
  params->decoy = !args->no_decoy;
  veil_protect_params_round (params);
  veil_export_options_set_params (options, params);
  options->key = *key;
  options->format = g_strcmp0 (args->format, "png") == 0 ? VEIL_OUTPUT_FORMAT_PNG
                                                         : VEIL_OUTPUT_FORMAT_KEEP;
  options->jpeg_quality = args->quality;
  options->n_threads = (guint) args->threads;
  options->resume = args->resume;
  options->copy_other = args->copy_other;
  options->survival_sample = args->no_check ? 0 : (guint) args->check_sample;
  return -1;
}

/* Runs the export with progress until it ends or a signal stops it; @run gets the report or
 * the error. */
static void
run_export (VeilDataset             *dataset,
            const char              *output,
            const VeilExportOptions *options,
            gboolean                 json,
            gboolean                 quiet,
            ProtectRun              *run)
{
  g_autoptr(VeilCliProgress) progress = veil_cli_progress_new (json, quiet);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  guint sigint_id, sigterm_id;

  run->loop = loop;
  run->cancellable = cancellable;
  run->progress = progress;
  sigint_id = g_unix_signal_add (SIGINT, on_signal, run);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, run);

  veil_export_async (dataset, output, options, on_progress, progress, NULL, cancellable,
                     on_export_done, run);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  veil_cli_progress_finish (progress);
  run->loop = NULL;
  run->cancellable = NULL;
  run->progress = NULL;
}

/* An export that stopped: why, and how to continue it when it can be. Takes @error. */
static int
report_stopped (GError     *error,
                const char *output,
                const char *resume_command,
                gboolean    json)
{
  int status;

  if (json)
    print_error_json (error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The whole command, with the settings: a resume with others is refused. */
      fprintf (stderr, _("veil-cli: cancelled; continue with:"));
      fprintf (stderr, "\n  %s\n", resume_command);
      g_error_free (error);
      return VEIL_CLI_EXIT_FATAL;
    }
  status = _veil_cli_fatal (error);
  if (g_error_matches (error, VEIL_ERROR, VEIL_ERROR_WRITE) && veil_export_can_resume (output))
    {
      fprintf (stderr, _("veil-cli: the files finished so far are kept; once the problem is "
                         "solved, continue with:"));
      fprintf (stderr, "\n  %s\n", resume_command);
    }
  g_error_free (error);
  return status;
}

int
veil_cli_protect_main (int    argc,
                       char **argv)
{
  g_auto(ProtectArgs) args = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilKey) key = NULL;
  g_autoptr(VeilDataset) dataset = NULL;
  g_autoptr(VeilExportReport) report = NULL;
  g_autofree char *resume_command = NULL;
  VeilExportOptions options;
  VeilProtectParams params;
  ProtectRun run = { 0 };
  int status;

  /* The defaults are the application's (veil-protect-params.h); the help repeats them. */
  veil_protect_params_init_defaults (&params);
  args.k = (int) params.k;
  args.pb = NAN; /* the kind's default */
  args.mix = params.mix;
  args.quality = 95;
  args.check_sample = VEIL_SURVIVAL_DEFAULT_SAMPLE;
  resume_command = format_resume_command (argc, argv);
  if (!parse_args (&args, &argc, &argv))
    return VEIL_CLI_EXIT_USAGE;
  status = validate_args (&args, argc, argv, &params, &options, &key);
  if (status >= 0)
    return status;

  /* Refuse a bad output before spending time scanning a large input. */
  if (!veil_export_check_output (argv[1], argv[2], &error)
      || (dataset = veil_dataset_scan (argv[1], NULL, NULL, NULL, &error)) == NULL)
    {
      if (args.json)
        print_error_json (error);
      return _veil_cli_fatal (error);
    }

  if (!args.json)
    print_settings (&params, key, veil_dataset_get_n_classes (dataset));
  run_export (dataset, argv[2], &options, args.json, args.quiet, &run);
  report = run.report;
  if (report == NULL)
    return report_stopped (run.error, argv[2], resume_command, args.json);

  if (args.json)
    print_report_json (report);
  else
    {
      print_report (report);
      print_survival (report, &options);
    }
  return veil_export_report_get_n_failed (report) > 0 ? VEIL_CLI_EXIT_SOME_FAILED
                                                      : VEIL_CLI_EXIT_OK;
}
