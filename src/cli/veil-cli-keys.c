/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "veil-cli-private.h"

/* Key material never reaches the terminal: only names, kinds, fingerprints and dates. */

static const char *
kind_name (const VeilKey *key)
{
  return veil_key_get_kind (key) == VEIL_KEY_KIND_SEED ? _("seed") : _("secret");
}

static char *
created_text (const VeilKey *key)
{
  GDateTime *created = veil_key_get_created (key);

  if (created == NULL)
    return g_strdup ("-");
  return g_date_time_format_iso8601 (created);
}

int
veil_cli_keygen_main (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilKey) key = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *quoted = NULL;

  context = _veil_cli_option_context_new ("keygen", _("NAME"),
                                          _("Creates a new 256-bit secret key called NAME in "
                                            "your key store. Keep a copy somewhere safe (veil-cli "
                                            "keys export): without it nobody, you included, can "
                                            "repeat the protection."));
  if (!_veil_cli_parse (context, &argc, &argv))
    return VEIL_CLI_EXIT_USAGE;
  if (argc != 2)
    return _veil_cli_usage_error ("keygen", _("give the new key's NAME"));
  if (!veil_key_check_name (argv[1], &error))
    return _veil_cli_usage_error ("keygen", "%s", error->message);

  key = veil_key_new_random (argv[1], &error);
  if (key == NULL || !veil_key_store_add (NULL, key, &error))
    return _veil_cli_fatal (error);

  fingerprint = veil_key_dup_fingerprint (key);
  printf (_("Created the key “%s”."), argv[1]);
  putchar ('\n');
  printf (_("Fingerprint: %s"), fingerprint);
  putchar ('\n');
  /* A command to paste: the name quoted for the shell, with straight quotes. */
  quoted = _veil_cli_shell_quote (argv[1]);
  printf (_("Keep a copy in a safe place: veil-cli keys export %s FILE"), quoted);
  putchar ('\n');
  return VEIL_CLI_EXIT_OK;
}

static int
keys_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) keys = veil_key_store_list (NULL, &problems, &error);

  if (keys == NULL)
    return _veil_cli_fatal (error);

  if (keys->len == 0)
    {
      printf ("%s\n", _("No keys yet. Create one with “veil-cli keygen NAME”."));
    }
  else
    {
      for (guint i = 0; i < keys->len; i++)
        {
          VeilKey *key = g_ptr_array_index (keys, i);
          g_autofree char *fingerprint = veil_key_dup_fingerprint (key);
          g_autofree char *created = created_text (key);

          printf ("%s\t%s\t%s\t%s\n", veil_key_get_name (key), kind_name (key), fingerprint,
                  created);
        }
    }
  for (guint i = 0; problems != NULL && i < problems->len; i++)
    fprintf (stderr, "veil-cli: %s\n", (const char *) g_ptr_array_index (problems, i));
  return problems != NULL && problems->len > 0 ? VEIL_CLI_EXIT_SOME_FAILED : VEIL_CLI_EXIT_OK;
}

static int
keys_show (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilKey) key = veil_key_store_lookup (NULL, name, &error);
  g_autofree char *fingerprint = NULL;
  g_autofree char *created = NULL;

  if (key == NULL)
    return _veil_cli_fatal (error);
  fingerprint = veil_key_dup_fingerprint (key);
  created = created_text (key);
  printf ("%s %s\n", _("Name:"), veil_key_get_name (key));
  printf ("%s %s\n", _("Kind:"), kind_name (key));
  printf ("%s %s\n", _("Fingerprint:"), fingerprint);
  printf ("%s %s\n", _("Created:"), created);
  return VEIL_CLI_EXIT_OK;
}

static int
keys_export (const char *name,
             const char *file,
             gboolean    force)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *display = g_filename_display_name (file);

  if (!veil_key_store_export (NULL, name, file, force, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          g_clear_error (&error);
          g_set_error (&error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                       _("“%s” already exists: nothing was written (give --force to "
                         "replace it)"), display);
        }
      return _veil_cli_fatal (error);
    }
  printf (_("Wrote the key “%s” to “%s”. Keep this file private."), name, display);
  putchar ('\n');
  return VEIL_CLI_EXIT_OK;
}

static int
keys_import (const char *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilKey) key = veil_key_store_import (NULL, file, &error);
  g_autofree char *fingerprint = NULL;

  if (key == NULL)
    return _veil_cli_fatal (error);
  fingerprint = veil_key_dup_fingerprint (key);
  printf (_("Imported the key “%s” (fingerprint %s)."), veil_key_get_name (key), fingerprint);
  putchar ('\n');
  return VEIL_CLI_EXIT_OK;
}

static int
keys_delete (const char *name)
{
  g_autoptr(GError) error = NULL;

  if (!veil_key_store_delete (NULL, name, &error))
    return _veil_cli_fatal (error);
  printf (_("Deleted the key “%s”."), name);
  putchar ('\n');
  return VEIL_CLI_EXIT_OK;
}

/* Reads the options; FALSE after a usage message. */
static gboolean
parse_args (gboolean   *force,
            int        *argc,
            char     ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  const GOptionEntry entries[] = {
    { "force", 0, 0, G_OPTION_ARG_NONE, force,
      N_("export: replace FILE when it exists"), NULL },
    { NULL }
  };

  context = _veil_cli_option_context_new ("keys", _("list | show NAME | export NAME FILE | "
                                                    "import FILE | delete NAME"),
                                          _("Manages the keys in your key store "
                                            "($XDG_DATA_HOME/veil/keys). Key files are written "
                                            "with mode 0600; the key itself is never printed. "
                                            "“export” never replaces an existing FILE unless "
                                            "given --force."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return _veil_cli_parse (context, argc, argv);
}

int
veil_cli_keys_main (int    argc,
                    char **argv)
{
  gboolean force = FALSE;
  const char *action;

  if (!parse_args (&force, &argc, &argv))
    return VEIL_CLI_EXIT_USAGE;
  if (argc < 2)
    return _veil_cli_usage_error ("keys", _("give an action: list, show, export, import or "
                                            "delete"));

  action = argv[1];
  if (strcmp (action, "list") == 0)
    return argc == 2 ? keys_list ()
                     : _veil_cli_usage_error ("keys", _("“list” takes no arguments"));
  if (strcmp (action, "show") == 0)
    return argc == 3 ? keys_show (argv[2])
                     : _veil_cli_usage_error ("keys", _("give the NAME of the key to show"));
  if (strcmp (action, "export") == 0)
    return argc == 4 ? keys_export (argv[2], argv[3], force)
                     : _veil_cli_usage_error ("keys", _("give the key's NAME and the FILE to "
                                                        "write"));
  if (strcmp (action, "import") == 0)
    return argc == 3 ? keys_import (argv[2])
                     : _veil_cli_usage_error ("keys", _("give the key FILE to import"));
  if (strcmp (action, "delete") == 0)
    return argc == 3 ? keys_delete (argv[2])
                     : _veil_cli_usage_error ("keys", _("give the NAME of the key to delete"));
  return _veil_cli_usage_error ("keys", _("“%s” is not an action: use list, show, export, "
                                          "import or delete"), action);
}
