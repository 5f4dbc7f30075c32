/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-application"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-application.h"
#include "veil-window.h"

#include "veil-key-manager.h"
#include "veil-preferences-window.h"

struct _VeilApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (VeilApplication, veil_application, ADW_TYPE_APPLICATION)

static VeilWindow *
get_window (VeilApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL || !VEIL_IS_WINDOW (window))
    {
      GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

      for (GList *l = windows; l != NULL; l = l->next)
        if (VEIL_IS_WINDOW (l->data))
          return l->data;
      return veil_window_new (GTK_APPLICATION (self));
    }
  return VEIL_WINDOW (window);
}

static void
veil_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_window (VEIL_APPLICATION (app))));
}

static void
veil_application_open (GApplication  *app,
                       GFile        **files,
                       int            n_files,
                       const char    *hint)
{
  VeilWindow *window = get_window (VEIL_APPLICATION (app));

  /* One collection at a time: the first folder given. */
  if (n_files > 0)
    veil_window_open_folder (window, files[0]);
  gtk_window_present (GTK_WINDOW (window));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GApplication *app = G_APPLICATION (user_data);

  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app)));

  /* Closing the windows lets them save their size. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free (windows);
  g_application_quit (app);
}

/* The README's section on the limits (GitHub's anchor for its heading) and the measurements. */
#define VEIL_ABOUT_LIMITS_URL   PACKAGE_URL "#what-protection-does-not-promise"
#define VEIL_ABOUT_EFFICACY_URL PACKAGE_URL "/blob/main/doc/EFFICACY.md"

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  static const char *developers[] = { "The Veil developers", NULL };
  static const char *paper[] = {
    "Vinu Sankar Sadasivan",
    "Mahdi Soltanolkotabi",
    "Soheil Feizi",
    NULL
  };
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "modal", TRUE,
                        "application-name", _("Veil"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Veil developers"),
                        "developers", developers,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "website", PACKAGE_URL,
                        "issue-url", PACKAGE_URL "/issues",
                        "comments", _("Makes a labeled photo collection unlearnable: each class "
                                      "gets a secret blur filter, so models trained on the "
                                      "protected copy learn the filters instead of the "
                                      "pictures.\n\nBased on “CUDA: Convolution-based "
                                      "Unlearnable Datasets” by Vinu Sankar Sadasivan, Mahdi "
                                      "Soltanolkotabi and Soheil Feizi (CVPR 2023)."),
                        "translator-credits", _("translator-credits"),
                        NULL);
  adw_about_window_add_acknowledgement_section (ADW_ABOUT_WINDOW (about),
                                                _("The method (CUDA, CVPR 2023)"), paper);
  /* What a model trained on the protected copy was measured to do, and what undoes it: in plain
   * words in the README, with every figure and its command in doc/EFFICACY.md. */
  adw_about_window_add_link (ADW_ABOUT_WINDOW (about),
                             _("What Protection Does and Does Not Do"),
                             VEIL_ABOUT_LIMITS_URL);
  adw_about_window_add_link (ADW_ABOUT_WINDOW (about), _("How Protection Was Measured"),
                             VEIL_ABOUT_EFFICACY_URL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  gtk_window_present (veil_preferences_window_new (parent));
}

static void
keys_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  veil_key_manager_present (gtk_application_get_active_window (GTK_APPLICATION (user_data)));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "preferences", preferences_activated },
  { "keys", keys_activated },
};

static void
veil_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *keys_accels[] = { "<Control>k", NULL };
  static const char *help_accels[] = { "<Control>question", "<Control>slash", NULL };
  static const struct
  {
    const char *action;
    const char *accels[4];
  } win_accels[] = {
    { "win.open", { "<Control>o", NULL } },
    { "win.export", { "<Control>e", NULL } },
    { "win.zoom-in", { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL } },
    { "win.zoom-out", { "<Control>minus", "<Control>KP_Subtract", NULL } },
    { "win.zoom-fit", { "<Control>0", NULL } },
    { "win.zoom-100", { "<Control>1", NULL } },
  };

  G_APPLICATION_CLASS (veil_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.keys", keys_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay",
                                         help_accels);
  for (guint i = 0; i < G_N_ELEMENTS (win_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), win_accels[i].action,
                                           win_accels[i].accels);
}

static void
veil_application_class_init (VeilApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = veil_application_activate;
  app_class->open = veil_application_open;
  app_class->startup = veil_application_startup;
}

static void
veil_application_init (VeilApplication *self)
{
  g_set_application_name (_("Veil"));
  gtk_window_set_default_icon_name (APP_ID);
}

VeilApplication *
veil_application_new (void)
{
  return g_object_new (VEIL_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/unlearnable/Veil",
                       NULL);
}
