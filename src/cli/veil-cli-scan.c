/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-cli"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "veil-cli-private.h"

static void
print_json (VeilDataset *dataset)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint n_classes = veil_dataset_get_n_classes (dataset);
  guint n_skipped = veil_dataset_get_n_skipped (dataset);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "images");
  json_builder_add_int_value (builder, veil_dataset_get_n_images (dataset));
  json_builder_set_member_name (builder, "classes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_classes; i++)
    {
      g_autofree char *name = veil_paths_display (veil_dataset_get_class_name (dataset, i));

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "images");
      json_builder_add_int_value (builder, veil_dataset_get_class_n_images (dataset, i));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "skipped");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_skipped; i++)
    {
      const VeilDatasetSkipped *skipped = veil_dataset_get_skipped (dataset, i);
      g_autofree char *path = veil_paths_display (skipped->relative_path);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, path);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, veil_dataset_skip_reason_name (skipped->reason));
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, skipped->message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  _veil_cli_print_json (builder);
}

static void
print_text (VeilDataset *dataset)
{
  guint n_classes = veil_dataset_get_n_classes (dataset);
  guint n_skipped = veil_dataset_get_n_skipped (dataset);

  {
    guint n_images = veil_dataset_get_n_images (dataset);
    /* Translators: the first half of "12 images in 3 classes". */
    g_autofree char *images = g_strdup_printf (ngettext ("%u image", "%u images", n_images),
                                               n_images);
    /* Translators: the second half of "12 images in 3 classes". */
    g_autofree char *classes = g_strdup_printf (ngettext ("%u class", "%u classes", n_classes),
                                                n_classes);

    /* Translators: "12 images" in "3 classes". */
    printf (_("%s in %s"), images, classes);
    putchar ('\n');
  }
  for (guint i = 0; i < n_classes; i++)
    {
      g_autofree char *name = veil_paths_display (veil_dataset_get_class_name (dataset, i));

      printf ("  %-24s %u\n", name, veil_dataset_get_class_n_images (dataset, i));
    }
  /* An empty class folder still counts as a class: with a seed it shifts every filter after
   * it, so say so rather than let it pass unnoticed. */
  for (guint i = 0; i < n_classes; i++)
    if (veil_dataset_get_class_n_images (dataset, i) == 0)
      {
        g_autofree char *name = veil_paths_display (veil_dataset_get_class_name (dataset, i));

        printf (_("Note: the class folder “%s” has no images"), name);
        putchar ('\n');
      }
  if (n_skipped > 0)
    {
      printf (ngettext ("Skipped: %u file", "Skipped: %u files", n_skipped), n_skipped);
      putchar ('\n');
      for (guint i = 0; i < n_skipped; i++)
        {
          const VeilDatasetSkipped *skipped = veil_dataset_get_skipped (dataset, i);

          /* The scan's message names the file and says why, in words. */
          printf ("  %s\n", skipped->message);
        }
    }
}

int
veil_cli_scan_main (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilDataset) dataset = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };

  context = _veil_cli_option_context_new ("scan", _("INPUT"),
                                          _("Lists the classes (subfolders) of the labeled folder "
                                            "INPUT with their image counts, and the files that "
                                            "would be skipped, with the reason. Changes "
                                            "nothing."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!_veil_cli_parse (context, &argc, &argv))
    return VEIL_CLI_EXIT_USAGE;
  if (argc != 2)
    return _veil_cli_usage_error ("scan", _("give the INPUT folder"));

  dataset = veil_dataset_scan (argv[1], NULL, NULL, NULL, &error);
  if (dataset == NULL)
    return _veil_cli_fatal (error);

  if (json)
    print_json (dataset);
  else
    print_text (dataset);

  for (guint i = 0; i < veil_dataset_get_n_skipped (dataset); i++)
    if (veil_dataset_get_skipped (dataset, i)->reason == VEIL_SKIP_UNREADABLE)
      return VEIL_CLI_EXIT_SOME_FAILED;
  return VEIL_CLI_EXIT_OK;
}
