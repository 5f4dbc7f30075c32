/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-fuzz"

#include <stdint.h>
#include <stdio.h>

#include <glib.h>

/* Runs the fuzz target once on every file of the folders given, without libFuzzer: the seed
 * corpus and every input that once crashed (fuzz/regressions) stay regular tests in every
 * build. Prints TAP. */

int LLVMFuzzerInitialize   (int            *argc,
                            char         ***argv);
int LLVMFuzzerTestOneInput (const uint8_t  *data,
                            size_t          size);

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  LLVMFuzzerInitialize (&argc, &argv);
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
      const char *name;

      if (dir == NULL)
        g_error ("cannot read the folder “%s”", argv[i]);
      while ((name = g_dir_read_name (dir)) != NULL)
        if (name[0] != '.')
          g_ptr_array_add (files, g_build_filename (argv[i], name, NULL));
    }
  g_ptr_array_sort (files, compare_paths);
  if (files->len == 0)
    g_error ("no inputs found");

  printf ("1..%u\n", files->len);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autofree char *data = NULL;
      gsize len;

      if (!g_file_get_contents (path, &data, &len, NULL))
        g_error ("cannot read “%s”", path);
      /* A failure aborts inside the target, naming the problem; reaching here is a pass. */
      printf ("# %s\n", path);
      fflush (stdout);
      LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
      printf ("ok %u %s\n", i + 1, path);
    }
  return 0;
}
