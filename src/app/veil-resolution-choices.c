/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-resolution-choices"

#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "veil-protect-params.h"
#include "veil-resolution-choices.h"

/* Sizes models are commonly trained at (short side), then "Native"; "Custom" comes last. */
static const guint choices[] = { 224, 256, 288, 384, 512, VEIL_TRAINING_RES_NATIVE };
#define CUSTOM G_N_ELEMENTS (choices)

GListModel *
veil_resolution_choices_new_model (void)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    {
      g_autofree char *label = NULL;

      if (choices[i] == VEIL_TRAINING_RES_NATIVE)
        label = g_strdup (_("Native (as in the paper)"));
      else if (choices[i] == VEIL_PROTECT_DEFAULT_TRAINING_RES)
        /* Translators: a training resolution in pixels, the default one. */
        label = g_strdup_printf (_("%u px (default)"), choices[i]);
      else
        /* Translators: a training resolution in pixels. */
        label = g_strdup_printf (_("%u px"), choices[i]);
      gtk_string_list_append (list, label);
    }
  gtk_string_list_append (list, _("Custom"));
  return G_LIST_MODEL (list);
}

guint
veil_resolution_choices_find (guint training_res)
{
  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    if (choices[i] == training_res)
      return i;
  return CUSTOM;
}

gboolean
veil_resolution_choices_is_custom (guint position)
{
  return position == CUSTOM;
}

guint
veil_resolution_choices_get (guint position)
{
  g_return_val_if_fail (position < CUSTOM, VEIL_PROTECT_DEFAULT_TRAINING_RES);

  return choices[position];
}
