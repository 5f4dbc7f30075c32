/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-cli"

#include "config.h"

#include <math.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "veil-cli-private.h"

typedef struct {
  const char *name;
  int       (*main) (int argc, char **argv);
  const char *summary; /* N_() */
} Command;

static const Command commands[] = {
  { "keygen",  veil_cli_keygen_main,  N_("Create a new secret key in your key store") },
  { "keys",    veil_cli_keys_main,    N_("List, show, export, import or delete keys") },
  { "scan",    veil_cli_scan_main,    N_("Show the classes, image counts and skipped files") },
  { "protect", veil_cli_protect_main, N_("Write a protected copy of a labeled folder") },
  { "preview", veil_cli_preview_main, N_("Protect one image to see what protection does") },
  { "verify",  veil_cli_verify_main,  N_("Check an export against its manifest") },
  { "merge",   veil_cli_merge_main,   N_("Join the shards of a sharded export into one") },
  { "check",   veil_cli_check_main,   N_("Report whether protection survives a scraper's resize") },
};

static const char *
exit_status_text (void)
{
  return _("Exit status:\n"
           "  0  everything was done\n"
           "  1  a fatal error stopped the command\n"
           "  2  the command line was wrong\n"
           "  3  the command finished, but some files failed (for “check”: a class whose\n"
           "     protection does not survive; after “protect” that is only a warning)");
}

static void
print_help (FILE *out)
{
  fprintf (out, "%s\n  veil-cli %s\n\n", _("Usage:"), _("COMMAND [OPTION…]"));
  fprintf (out, "%s\n\n", _("Make a labeled photo collection unlearnable before you publish it."));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-9s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Options:"));
  fprintf (out, "  -h, --help     %s\n", _("Show this help"));
  fprintf (out, "  --version      %s\n\n", _("Show the version"));
  fprintf (out, "%s\n\n", _("“veil-cli COMMAND --help” describes a command."));
  fprintf (out, "%s\n", exit_status_text ());
}

GOptionContext *
_veil_cli_option_context_new (const char *command,
                              const char *parameter_string,
                              const char *summary)
{
  g_autofree char *prgname = g_strdup_printf ("veil-cli %s", command);
  GOptionContext *context = g_option_context_new (parameter_string);

  g_set_prgname (prgname);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, exit_status_text ());
  return context;
}

gboolean
_veil_cli_parse (GOptionContext   *context,
                 int              *argc,
                 char           ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      fprintf (stderr, "%s: %s\n", g_get_prgname (), error->message);
      fprintf (stderr, _("Try “%s --help” for more information."), g_get_prgname ());
      fputc ('\n', stderr);
      return FALSE;
    }
  return TRUE;
}

int
_veil_cli_usage_error (const char *command,
                       const char *format,
                       ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "veil-cli %s: %s\n", command, message);
  fprintf (stderr, _("Try “veil-cli %s --help” for more information."), command);
  fputc ('\n', stderr);
  return VEIL_CLI_EXIT_USAGE;
}

int
_veil_cli_fatal (const GError *error)
{
  fprintf (stderr, "veil-cli: %s\n", error->message);
  return VEIL_CLI_EXIT_FATAL;
}

void
_veil_cli_key_options_add (GOptionContext    *context,
                           VeilCliKeyOptions *options)
{
  const GOptionEntry entries[] = {
    { "key", 0, 0, G_OPTION_ARG_STRING, &options->key_name,
      N_("Use the key NAME from your key store"), N_("NAME") },
    { "key-file", 0, 0, G_OPTION_ARG_FILENAME, &options->key_file,
      N_("Use the key in FILE"), N_("FILE") },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &options->seed,
      N_("Use the paper's integer seed N (reproducible, but anyone can guess it)"), N_("N") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

void
_veil_cli_key_options_clear (VeilCliKeyOptions *options)
{
  g_clear_pointer (&options->key_name, g_free);
  g_clear_pointer (&options->key_file, g_free);
  g_clear_pointer (&options->seed, g_free);
}

VeilKey *
_veil_cli_key_options_load (VeilCliKeyOptions *options,
                            gboolean          *usage,
                            GError           **error)
{
  guint n_given = (options->key_name != NULL) + (options->key_file != NULL)
                  + (options->seed != NULL);

  *usage = FALSE;
  if (n_given != 1)
    {
      *usage = TRUE;
      g_set_error_literal (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                           n_given == 0
                           ? _("no key given: use --key NAME, --key-file FILE or --seed N")
                           : _("give only one of --key, --key-file and --seed"));
      return NULL;
    }
  if (options->seed != NULL)
    {
      guint64 seed;

      if (!g_ascii_string_to_unsigned (options->seed, 10, 0, G_MAXUINT32, &seed, NULL))
        {
          *usage = TRUE;
          g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a seed: give a whole number from 0 to %u"), options->seed,
                       G_MAXUINT32);
          return NULL;
        }
      return veil_key_new_from_seed ((guint32) seed);
    }
  if (options->key_file != NULL)
    return veil_key_load (options->key_file, error);
  return veil_key_store_lookup (NULL, options->key_name, error);
}

gboolean
_veil_cli_parse_training_res (const char *text,
                              guint      *out,
                              GError    **error)
{
  guint64 value;

  if (g_ascii_strcasecmp (text, "native") == 0)
    {
      *out = VEIL_TRAINING_RES_NATIVE;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 16, 65535, &value, NULL))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a training resolution: give “native” or a number of pixels "
                     "from 16 to 65535"), text);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

gboolean
_veil_cli_set_filter_options (const char        *filters,
                              int                k,
                              double             pb,
                              VeilProtectParams *params,
                              GError           **error)
{
  g_autofree char *name = g_ascii_strdown (filters != NULL ? filters : "blur", -1);
  VeilFilterKind kind;

  if (veil_filter_kind_from_string (name, &kind))
    veil_protect_params_set_kind (params, kind);
  else
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a kind of filter: give “blur” or “echo”"), filters);
      return FALSE;
    }
  params->k = k < 0 ? 0 : (guint) k;
  if (!isnan (pb))
    params->pb = pb;
  return TRUE;
}

char *
_veil_cli_shell_quote (const char *arg)
{
  gboolean plain = *arg != '\0';

  for (const char *c = arg; *c != '\0' && plain; c++)
    plain = g_ascii_isalnum (*c) || strchr ("-_./=,:+@%", *c) != NULL;
  return plain ? g_strdup (arg) : g_shell_quote (arg);
}

void
_veil_cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  fprintf (stdout, "%s\n", text);
  fflush (stdout);
}

int
main (int    argc,
      char **argv)
{
  const char *name;

  setlocale (LC_ALL, "");
  /* VEIL_LOCALEDIR lets an uninstalled build (and its tests) find the catalogues it built. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("VEIL_LOCALEDIR") ? g_getenv ("VEIL_LOCALEDIR")
                                                               : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("veil-cli");

  if (argc < 2)
    {
      print_help (stderr);
      return VEIL_CLI_EXIT_USAGE;
    }

  name = argv[1];
  if (strcmp (name, "--help") == 0 || strcmp (name, "-h") == 0 || strcmp (name, "help") == 0)
    {
      print_help (stdout);
      return VEIL_CLI_EXIT_OK;
    }
  if (strcmp (name, "--version") == 0)
    {
      printf ("veil-cli %s\n", PACKAGE_VERSION);
      return VEIL_CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (name, commands[i].name) == 0)
      return commands[i].main (argc - 1, argv + 1);

  fprintf (stderr, _("veil-cli: “%s” is not a command."), name);
  fputc ('\n', stderr);
  fprintf (stderr, "%s\n", _("Try “veil-cli --help” for the list of commands."));
  return VEIL_CLI_EXIT_USAGE;
}
