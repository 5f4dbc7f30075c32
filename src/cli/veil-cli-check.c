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

int
veil_cli_check_main (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilKey) key = NULL;
  g_autoptr(VeilManifest) manifest = NULL;
  g_autoptr(VeilDataset) dataset = NULL;
  g_autoptr(VeilFilterBank) bank = NULL;
  g_autoptr(VeilSurvivalReport) report = NULL;
  g_autofree char *against = NULL;
  g_autofree char *training_res_text = NULL;
  g_autofree char *manifest_path = NULL;
  g_autofree char *fingerprint = NULL;
  VeilCliKeyOptions key_options = { 0 };
  guint training_res = 0;
  int sample = VEIL_SURVIVAL_DEFAULT_SAMPLE;
  gboolean json = FALSE;
  gboolean usage = FALSE;
  int status = -1;
  const GOptionEntry entries[] = {
    { "against", 0, 0, G_OPTION_ARG_FILENAME, &against,
      N_("The labeled folder the export was made from"), N_("INPUT") },
    { "sample", 0, 0, G_OPTION_ARG_INT, &sample,
      N_("Protected images to check per class (default 8)"), N_("N") },
    { "training-res", 0, 0, G_OPTION_ARG_STRING, &training_res_text,
      N_("Check at this short side in pixels instead of the export's (224 for “native”)"),
      N_("R") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the report as JSON"), NULL },
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
  _veil_cli_key_options_add (context, &key_options);
  if (!_veil_cli_parse (context, &argc, &argv))
    {
      _veil_cli_key_options_clear (&key_options);
      return VEIL_CLI_EXIT_USAGE;
    }

  if (argc != 2)
    status = _veil_cli_usage_error ("check", _("give the OUTPUT folder of an export"));
  else if (against == NULL)
    status = _veil_cli_usage_error ("check", _("give the INPUT folder with --against INPUT"));
  else if (sample < 1 || sample > 10000)
    status = _veil_cli_usage_error ("check", _("--sample must be from 1 to 10000"));
  else if (training_res_text != NULL
           && !_veil_cli_parse_training_res (training_res_text, &training_res, &error))
    status = _veil_cli_usage_error ("check", "%s", error->message);
  else if ((key = _veil_cli_key_options_load (&key_options, &usage, &error)) == NULL)
    status = usage ? _veil_cli_usage_error ("check", "%s", error->message)
                   : _veil_cli_fatal (error);
  _veil_cli_key_options_clear (&key_options);
  if (status >= 0)
    return status;

  manifest_path = g_build_filename (argv[1], VEIL_MANIFEST_NAME, NULL);
  if (!g_file_test (manifest_path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *display = g_filename_display_name (argv[1]);

      g_set_error (&error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                   _("“%s” holds no %s: it is not a finished Veil export (merge a sharded "
                     "export first)"), display, VEIL_MANIFEST_NAME);
      return _veil_cli_fatal (error);
    }
  manifest = veil_manifest_load (manifest_path, &error);
  if (manifest == NULL)
    return _veil_cli_fatal (error);

  /* The filters depend on the key: with another key every class would fail for the wrong
   * reason. */
  fingerprint = veil_key_dup_fingerprint (key);
  if (g_strcmp0 (fingerprint, manifest->key_fingerprint) != 0)
    {
      g_set_error (&error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                   _("This key is not the one the export was made with (the manifest records "
                     "the key %s, this key is %s)"),
                   manifest->key_fingerprint != NULL ? manifest->key_fingerprint : "?",
                   fingerprint);
      return _veil_cli_fatal (error);
    }

  if (manifest->classes == NULL || manifest->classes[0] == NULL)
    {
      g_autofree char *display = g_filename_display_name (manifest_path);

      g_set_error (&error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                   _("The manifest “%s” lists no classes"), display);
      return _veil_cli_fatal (error);
    }
  bank = veil_filter_bank_new (key, (const char * const *) manifest->classes,
                               g_strv_length (manifest->classes), manifest->k, manifest->pb,
                               &error);
  if (bank == NULL)
    return _veil_cli_fatal (error);

  dataset = veil_dataset_scan (against, NULL, NULL, NULL, &error);
  if (dataset == NULL)
    return _veil_cli_fatal (error);

  if (training_res_text == NULL)
    training_res = manifest->training_res;
  report = veil_survival_check_export (argv[1], dataset, bank, training_res, sample, NULL,
                                       &error);
  if (report == NULL)
    return _veil_cli_fatal (error);

  if (json)
    _veil_cli_print_survival_json (report, NULL);
  else
    _veil_cli_print_survival (report, TRUE, TRUE);

  return veil_survival_report_get_all_pass (report) ? VEIL_CLI_EXIT_OK
                                                    : VEIL_CLI_EXIT_SOME_FAILED;
}
