/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "veil-cli-private.h"

/* veil-cli check OUTPUT --against INPUT: does the protection of an export survive what a
 * scraper does (shrink to the training size, JPEG)? The export's parameters come from its
 * manifest; the key is needed to know each class's filter, and must match the manifest's
 * fingerprint. With the export's resolution and sample size, the report is the one
 * "protect" wrote into the manifest. Unlike "protect", a failing class is exit status 3: this
 * command exists to answer that question. */

/* The command line as given: options with their defaults, then what parsing found. */
typedef struct {
  VeilCliKeyOptions  key_options;
  char              *against;
  char              *training_res_text;
  guint              training_res;   /* from training_res_text when given */
  int                sample;
  gboolean           json;
} CheckArgs;

static void
check_args_clear (CheckArgs *args)
{
  _veil_cli_key_options_clear (&args->key_options);
  g_free (args->against);
  g_free (args->training_res_text);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CheckArgs, check_args_clear)

/* Reads the options into @args, whose fields hold the defaults; FALSE after a usage message. */
static gboolean
parse_args (CheckArgs   *args,
            int         *argc,
            char      ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  const GOptionEntry entries[] = {
    { "against", 0, 0, G_OPTION_ARG_FILENAME, &args->against,
      N_("The labeled folder the export was made from"), N_("INPUT") },
    { "sample", 0, 0, G_OPTION_ARG_INT, &args->sample,
      N_("Protected images to check per class (default 8)"), N_("N") },
    { "training-res", 0, 0, G_OPTION_ARG_STRING, &args->training_res_text,
      N_("Check at this short side in pixels instead of the export's (224 for “native”)"),
      N_("R") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &args->json, N_("Print the report as JSON"), NULL },
    { NULL }
  };

  context = _veil_cli_option_context_new ("check", _("OUTPUT"),
                                          _("Checks whether the protection of the export OUTPUT "
                                            "survives what a scraper does before training: "
                                            "shrinking each photo to the training size and "
                                            "saving it as JPEG. For each class a sample of "
                                            "protected images is compared with its originals in "
                                            "INPUT; a class fails (exit status 3) when its "
                                            "protection is too faint at that size or its filter "
                                            "can no longer be recognised. Give the key the "
                                            "export was made with."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  _veil_cli_key_options_add (context, &args->key_options);
  return _veil_cli_parse (context, argc, argv);
}

/* Checks the arguments and loads the key; a usage or fatal exit status, or -1. */
static int
validate_args (CheckArgs  *args,
               int         argc,
               VeilKey   **key)
{
  g_autoptr(GError) error = NULL;
  gboolean usage = FALSE;

  if (argc != 2)
    return _veil_cli_usage_error ("check", _("give the OUTPUT folder of an export"));
  if (args->against == NULL)
    return _veil_cli_usage_error ("check", _("give the INPUT folder with --against INPUT"));
  if (args->sample < 1 || args->sample > 10000)
    return _veil_cli_usage_error ("check", _("--sample must be from 1 to 10000"));
  if (args->training_res_text != NULL
      && !_veil_cli_parse_training_res (args->training_res_text, &args->training_res, &error))
    return _veil_cli_usage_error ("check", "%s", error->message);
  *key = _veil_cli_key_options_load (&args->key_options, &usage, &error);
  if (*key == NULL)
    return usage ? _veil_cli_usage_error ("check", "%s", error->message)
                 : _veil_cli_fatal (error);
  return -1;
}

/* The manifest of the finished export @output; NULL when there is none or it is unreadable. */
static VeilManifest *
load_manifest (const char  *output,
               char       **manifest_path,
               GError     **error)
{
  *manifest_path = g_build_filename (output, VEIL_MANIFEST_NAME, NULL);
  if (!g_file_test (*manifest_path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *display = g_filename_display_name (output);

      g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                   _("“%s” holds no %s: it is not a finished Veil export (merge a sharded "
                     "export first)"), display, VEIL_MANIFEST_NAME);
      return NULL;
    }
  return veil_manifest_load (*manifest_path, error);
}

/* The export's filter bank, made with @key once it is known to be the export's own. */
static VeilFilterBank *
make_bank (VeilKey             *key,
           const VeilManifest  *manifest,
           const char          *manifest_path,
           GError             **error)
{
  g_autofree char *fingerprint = veil_key_dup_fingerprint (key);

  /* The filters depend on the key: with another key every class would fail for the wrong
   * reason. */
  if (g_strcmp0 (fingerprint, manifest->key_fingerprint) != 0)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                   _("This key is not the one the export was made with (the manifest records "
                     "the key %s, this key is %s)"),
                   manifest->key_fingerprint != NULL ? manifest->key_fingerprint : "?",
                   fingerprint);
      return NULL;
    }
  if (manifest->classes == NULL || manifest->classes[0] == NULL)
    {
      g_autofree char *display = g_filename_display_name (manifest_path);

      g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                   _("The manifest “%s” lists no classes"), display);
      return NULL;
    }
  return veil_manifest_new_filter_bank (manifest, key, error);
}

int
veil_cli_check_main (int    argc,
                     char **argv)
{
  g_auto(CheckArgs) args = { .sample = VEIL_SURVIVAL_DEFAULT_SAMPLE };
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilKey) key = NULL;
  g_autoptr(VeilManifest) manifest = NULL;
  g_autoptr(VeilDataset) dataset = NULL;
  g_autoptr(VeilFilterBank) bank = NULL;
  g_autoptr(VeilSurvivalReport) report = NULL;
  g_autofree char *manifest_path = NULL;
  int status;

  if (!parse_args (&args, &argc, &argv))
    return VEIL_CLI_EXIT_USAGE;
  status = validate_args (&args, argc, &key);
  if (status >= 0)
    return status;

  manifest = load_manifest (argv[1], &manifest_path, &error);
  if (manifest == NULL)
    return _veil_cli_fatal (error);
  bank = make_bank (key, manifest, manifest_path, &error);
  if (bank == NULL)
    return _veil_cli_fatal (error);
  dataset = veil_dataset_scan (args.against, NULL, NULL, NULL, &error);
  if (dataset == NULL)
    return _veil_cli_fatal (error);

  report = veil_survival_check_export (argv[1], dataset, bank,
                                       args.training_res_text != NULL ? args.training_res
                                                                      : manifest->training_res,
                                       args.sample, NULL, &error);
  if (report == NULL)
    return _veil_cli_fatal (error);

  if (args.json)
    _veil_cli_print_survival_json (report, NULL);
  else
    _veil_cli_print_survival (report, TRUE, TRUE);
  return veil_survival_report_get_all_pass (report) ? VEIL_CLI_EXIT_OK
                                                    : VEIL_CLI_EXIT_SOME_FAILED;
}
