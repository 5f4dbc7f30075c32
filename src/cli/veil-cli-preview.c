/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-cli"

#include "config.h"

#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "veil-cli-private.h"
#include "veil-image-notes-text.h"

/* With a secret key a blur filter depends only on the key, the class name and k, so the
 * class name alone is enough. With a seed the i-th class gets the i-th draws, and echo filters
 * are dealt out over the classes in order, so then the whole class list is needed: from
 * --classes or from --dataset. */

#define SIDE_BY_SIDE_GAP 8

/* The format OUT's extension names, when Veil can write it. */
static const char *
format_for_output (const char *path)
{
  const VeilImageFormat *row = veil_image_formats_for_path (path);

  if (row == NULL || !veil_image_format_is_writable (row->name))
    return NULL;
  return row->name;
}

/* The extensions OUT may have: ".png, .jpg, .webp, .tif or .bmp". */
static char *
output_extensions (void)
{
  return veil_image_formats_list (VEIL_IMAGE_FORMAT_WRITABLE,
                                  VEIL_IMAGE_FORMATS_LIST_OUTPUT_EXTENSIONS, TRUE);
}

static int
compare_names (const void *a,
               const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static GdkPixbuf *
side_by_side (GdkPixbuf *left,
              GdkPixbuf *right)
{
  int width = gdk_pixbuf_get_width (left);
  int height = gdk_pixbuf_get_height (left);
  GdkPixbuf *both = gdk_pixbuf_new (GDK_COLORSPACE_RGB, gdk_pixbuf_get_has_alpha (left), 8,
                                    2 * width + SIDE_BY_SIDE_GAP, height);

  if (both == NULL)
    return NULL;
  gdk_pixbuf_fill (both, 0xffffffff);
  gdk_pixbuf_copy_area (left, 0, 0, width, height, both, 0, 0);
  gdk_pixbuf_copy_area (right, 0, 0, width, height, both, width + SIDE_BY_SIDE_GAP, 0);
  return both;
}

/* The command line as given: options with their defaults, then what parsing found. */
typedef struct {
  VeilCliKeyOptions  key_options;
  char              *class_name;
  char              *class_list;
  char              *dataset_dir;
  char              *output;
  char              *training_res;
  char              *filters;
  int                k;
  double             pb;
  int                quality;
  gboolean           both;
  gboolean           no_decoy;
} PreviewArgs;

static void
preview_args_clear (PreviewArgs *args)
{
  _veil_cli_key_options_clear (&args->key_options);
  g_free (args->class_name);
  g_free (args->class_list);
  g_free (args->dataset_dir);
  g_free (args->output);
  g_free (args->training_res);
  g_free (args->filters);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PreviewArgs, preview_args_clear)

/* Reads the options into @args, whose fields hold the defaults; FALSE after a usage message. */
static gboolean
parse_args (PreviewArgs   *args,
            int           *argc,
            char        ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *extensions = output_extensions ();
  /* Translators: %s lists file extensions: ".png, .jpg or .bmp". */
  g_autofree char *output_help = g_strdup_printf (_("Write the result to OUT (%s; required)"),
                                                  extensions);
  const GOptionEntry entries[] = {
    { "class", 'c', 0, G_OPTION_ARG_STRING, &args->class_name,
      N_("The image's class (required)"), N_("NAME") },
    { "classes", 0, 0, G_OPTION_ARG_STRING, &args->class_list,
      N_("All class names, comma-separated, in any order (needed with --seed)"), N_("A,B,…") },
    { "dataset", 0, 0, G_OPTION_ARG_FILENAME, &args->dataset_dir,
      N_("Take the class names from this labeled folder"), N_("DIR") },
    { "filters", 0, 0, G_OPTION_ARG_STRING, &args->filters,
      N_("“blur”, the paper's filters (default), or “echo”: a copy of each picture on top, "
         "shifted differently for each class (beyond the paper); needs K of at least 7"),
      N_("KIND") },
    { "kernel-size", 'k', 0, G_OPTION_ARG_INT, &args->k,
      N_("Filter size, odd, 3 to 31 (default 9)"), N_("K") },
    { "pb", 0, 0, G_OPTION_ARG_DOUBLE, &args->pb,
      N_("Filter strength, 0.001 to 1 (default 0.06; 1 for echo filters)"), N_("PB") },
    { "training-res", 0, 0, G_OPTION_ARG_STRING, &args->training_res,
      N_("Short side in pixels a model would train at, or “native” (default 224)"), N_("R") },
    { "quality", 0, 0, G_OPTION_ARG_INT, &args->quality,
      N_("JPEG quality of OUT, 1 to 100 (default 95)"), N_("Q") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &args->output,
      output_help, N_("OUT") },
    { "side-by-side", 0, 0, G_OPTION_ARG_NONE, &args->both,
      N_("Write the original and the protected image next to each other"), NULL },
    { "no-decoy", 0, 0, G_OPTION_ARG_NONE, &args->no_decoy,
      N_("Show the filter of an export made with --no-decoy"), NULL },
    { NULL }
  };

  context = _veil_cli_option_context_new ("preview", _("IMAGE"),
                                          _("Protects the single image IMAGE with the filter of "
                                            "its class and writes the result to OUT. IMAGE is "
                                            "never changed."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  _veil_cli_key_options_add (context, &args->key_options);
  return _veil_cli_parse (context, argc, argv);
}

/* Checks the arguments, filling @params and the output's *@format; the key (NULL when it could
 * not be loaded, @key_error saying why) is checked last. A usage or fatal exit status, or -1. */
static int
validate_args (PreviewArgs       *args,
               int                argc,
               VeilKey           *key,
               gboolean           key_usage,
               const GError      *key_error,
               VeilProtectParams *params,
               const char       **format)
{
  g_autoptr(GError) error = NULL;

  if (argc != 2)
    return _veil_cli_usage_error ("preview", _("give one IMAGE"));
  if (args->class_name == NULL)
    return _veil_cli_usage_error ("preview", _("give the image's class with --class NAME"));
  if (args->output == NULL)
    return _veil_cli_usage_error ("preview", _("give the output file with -o OUT"));
  if (args->class_list != NULL && args->dataset_dir != NULL)
    return _veil_cli_usage_error ("preview", _("give only one of --classes and --dataset"));
  if (!_veil_cli_set_filter_options (args->filters, args->k, args->pb, params, &error))
    return _veil_cli_usage_error ("preview", "%s", error->message);
  if (args->training_res != NULL
      && !_veil_cli_parse_training_res (args->training_res, &params->training_res, &error))
    return _veil_cli_usage_error ("preview", "%s", error->message);
  if (!veil_protect_params_validate (params, &error))
    return _veil_cli_usage_error ("preview", "%s", error->message);
  veil_protect_params_round (params);
  if (args->quality < 1 || args->quality > 100)
    return _veil_cli_usage_error ("preview", _("--quality must be from 1 to 100"));
  *format = format_for_output (args->output);
  if (*format == NULL)
    {
      g_autofree char *extensions = output_extensions ();

      /* Translators: %s lists file extensions: ".png, .jpg or .bmp". */
      return _veil_cli_usage_error ("preview", _("OUT must end in %s"), extensions);
    }
  if (key == NULL)
    return key_usage ? _veil_cli_usage_error ("preview", "%s", key_error->message)
                     : _veil_cli_fatal (key_error);
  return -1;
}

/* Every class name, in dataset order: from --dataset, from --classes, or the image's class
 * alone (enough for a secret key's blur filters, which depend only on the class name). NULL
 * after printing why. */
static char **
class_names (PreviewArgs             *args,
             VeilKey                 *key,
             const VeilProtectParams *params,
             int                     *status)
{
  g_autoptr(GError) error = NULL;
  char **classes;

  if (args->dataset_dir != NULL)
    {
      g_autoptr(VeilDataset) dataset = veil_dataset_scan (args->dataset_dir, NULL, NULL, NULL,
                                                          &error);

      if (dataset == NULL)
        {
          *status = _veil_cli_fatal (error);
          return NULL;
        }
      return g_strdupv ((char **) veil_dataset_get_class_names (dataset));
    }
  if (args->class_list != NULL)
    {
      classes = g_strsplit (args->class_list, ",", -1);
      /* Dataset order is byte order of the names, whatever order they were typed in. */
      qsort (classes, g_strv_length (classes), sizeof (char *), compare_names);
      return classes;
    }
  if (veil_key_get_kind (key) == VEIL_KEY_KIND_SEED)
    {
      *status = _veil_cli_usage_error ("preview", _("with --seed the filters depend on all "
                                                    "classes: give --classes or --dataset"));
      return NULL;
    }
  if (params->kind == VEIL_FILTER_KIND_ECHO)
    {
      *status = _veil_cli_usage_error ("preview", _("echo filters depend on all classes: give "
                                                    "--classes or --dataset"));
      return NULL;
    }
  if (params->decoy)
    {
      *status = _veil_cli_usage_error ("preview", _("the key chooses a decoy class among all "
                                                    "classes: give --classes or --dataset (or "
                                                    "--no-decoy)"));
      return NULL;
    }
  classes = g_new0 (char *, 2);
  classes[0] = g_strdup (args->class_name);
  return classes;
}

/* The filter bank of @classes and the index of @class_name in it; NULL after printing why. */
static VeilFilterBank *
make_bank (VeilKey                 *key,
           char                   **classes,
           const VeilProtectParams *params,
           const char              *class_name,
           int                     *class_index,
           int                     *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilFilterBank) bank = NULL;

  bank = veil_filter_bank_new_full (key, (const char * const *) classes, g_strv_length (classes),
                                    params->kind, params->k, params->pb, params->decoy, &error);
  if (bank == NULL)
    {
      *status = _veil_cli_fatal (error);
      return NULL;
    }
  *class_index = veil_filter_bank_lookup (bank, class_name);
  if (*class_index < 0)
    {
      g_autofree char *list = g_strjoinv (", ", classes);
      g_autofree char *list_display = veil_paths_display (list);
      g_autofree char *class_display = veil_paths_display (class_name);

      *status = _veil_cli_usage_error ("preview", _("“%s” is not one of the classes (%s)"),
                                       class_display, list_display);
      return NULL;
    }
  return g_steal_pointer (&bank);
}

/* Loads @input, protects it with the class's filter and writes it (beside the original with
 * @both) to @output in @format, through a temporary file; what changed on the way besides
 * the protection (16 bits read as 8, a first frame only) in *@notes. An exit status. */
static int
protect_and_write (VeilFilterBank          *bank,
                   int                      class_index,
                   const VeilProtectParams *params,
                   const char              *input,
                   const char              *output,
                   const char              *format,
                   int                      quality,
                   gboolean                 both,
                   VeilImageNotes          *notes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilImage) image = NULL;
  g_autoptr(GdkPixbuf) protected = NULL;
  g_autoptr(GdkPixbuf) shown = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_autofree char *dir = g_path_get_dirname (output);
  g_autofree char *name = g_path_get_basename (output);
  GdkPixbuf *pixels;

  image = veil_image_load (input, NULL, &error);
  if (image == NULL)
    return _veil_cli_fatal (error);
  *notes = image->notes;
  pixels = image->pixbuf;
  protected = gdk_pixbuf_new (GDK_COLORSPACE_RGB, gdk_pixbuf_get_has_alpha (pixels), 8,
                              gdk_pixbuf_get_width (pixels), gdk_pixbuf_get_height (pixels));
  if (protected == NULL)
    {
      g_set_error (&error, VEIL_ERROR, VEIL_ERROR_IMAGE_TOO_LARGE, _("Out of memory"));
      return _veil_cli_fatal (error);
    }
  if (!veil_protect_pixels (bank, (guint) class_index, params->training_res,
                            gdk_pixbuf_read_pixels (pixels),
                            gdk_pixbuf_get_rowstride (pixels), gdk_pixbuf_get_pixels (protected),
                            gdk_pixbuf_get_rowstride (protected), gdk_pixbuf_get_width (pixels),
                            gdk_pixbuf_get_height (pixels), gdk_pixbuf_get_n_channels (pixels), 0,
                            NULL, &error))
    return _veil_cli_fatal (error);

  shown = both ? side_by_side (pixels, protected) : g_object_ref (protected);
  if (shown == NULL)
    {
      g_set_error (&error, VEIL_ERROR, VEIL_ERROR_IMAGE_TOO_LARGE, _("Out of memory"));
      return _veil_cli_fatal (error);
    }
  encoded = veil_image_encode (image, shown, format, quality, &error);
  if (encoded == NULL)
    return _veil_cli_fatal (error);
  /* Through a temporary file and a rename, like every output: an interrupted preview never
   * leaves half an image under the name asked for. */
  if (!veil_paths_write_atomic (dir, name, encoded, NULL, &error))
    return _veil_cli_fatal (error);
  return VEIL_CLI_EXIT_OK;
}

/* What was written, and what changed on the way besides the protection, in the words of
 * protect's summary: a multi-page scan must not lose pages without a word. */
static void
print_written (const PreviewArgs *args,
               const char        *input,
               gboolean           decoy,
               VeilImageNotes     notes)
{
  g_autofree char *display = g_filename_display_name (args->output);
  g_autofree char *class_display = veil_paths_display (args->class_name);

  printf (args->both ? _("Wrote “%s”: the original on the left, protected as class “%s” on the "
                         "right")
                     : _("Wrote “%s”: the image protected as class “%s”"), display,
          class_display);
  putchar ('\n');
  if (decoy)
    {
      /* Translators: %s is a class name. */
      printf (_("“%s” is the decoy class: the key leaves its pictures as they are."),
              class_display);
      putchar ('\n');
    }
  if (notes != 0)
    {
      g_autofree char *heading = veil_image_notes_text_heading (1);
      g_autofree char *what = veil_image_notes_text (notes);
      g_autofree char *input_display = g_filename_display_name (input);

      printf ("%s\n  %s: %s\n", heading, input_display, what);
    }
}

int
veil_cli_preview_main (int    argc,
                       char **argv)
{
  g_auto(PreviewArgs) args = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) key_error = NULL;
  g_autoptr(VeilKey) key = NULL;
  g_autoptr(VeilFilterBank) bank = NULL;
  g_auto(GStrv) classes = NULL;
  g_autofree char *input_path = NULL;
  g_autofree char *output_path = NULL;
  VeilProtectParams params;
  gboolean key_usage = FALSE;
  const char *format = NULL;
  VeilImageNotes notes = 0;
  int class_index = -1;
  int status = VEIL_CLI_EXIT_OK;

  /* The same defaults as protect and the application. */
  veil_protect_params_init_defaults (&params);
  args.k = (int) params.k;
  args.pb = NAN; /* the kind's default */
  args.quality = 95;
  if (!parse_args (&args, &argc, &argv))
    return VEIL_CLI_EXIT_USAGE;
  params.decoy = !args.no_decoy;
  key = _veil_cli_key_options_load (&args.key_options, &key_usage, &key_error);
  status = validate_args (&args, argc, key, key_usage, key_error, &params, &format);
  if (status >= 0)
    return status;

  classes = class_names (&args, key, &params, &status);
  if (classes == NULL)
    return status;
  bank = make_bank (key, classes, &params, args.class_name, &class_index, &status);
  if (bank == NULL)
    return status;

  /* Never write over the input. */
  input_path = veil_paths_canonicalize (argv[1], &error);
  output_path = input_path != NULL ? veil_paths_canonicalize (args.output, &error) : NULL;
  if (output_path == NULL)
    return _veil_cli_fatal (error);
  if (strcmp (input_path, output_path) == 0)
    return _veil_cli_usage_error ("preview", _("OUT must not be IMAGE itself"));

  status = protect_and_write (bank, class_index, &params, argv[1], args.output, format,
                              args.quality, args.both, &notes);
  if (status != VEIL_CLI_EXIT_OK)
    return status;
  print_written (&args, argv[1], class_index == veil_filter_bank_get_decoy (bank), notes);
  return VEIL_CLI_EXIT_OK;
}
