/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "veil-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(VeilApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* VEIL_LOCALEDIR lets the uninstalled build find the catalogues it built. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("VEIL_LOCALEDIR") ? g_getenv ("VEIL_LOCALEDIR")
                                                               : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = veil_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
