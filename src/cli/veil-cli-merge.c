/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "veil-cli-private.h"
#include "veil-confined.h"

/* Joining shards: every shard wrote its files and veil-manifest.shard-I-of-N.json, either into
 * one shared folder or into folders of their own. merge copies the files of shards kept
 * elsewhere into OUTPUT (checking each against its recorded SHA-256), writes the
 * veil-manifest.json that one unsharded run would have written, and removes the shard
 * manifests from OUTPUT: the result is byte for byte the export of a single run.
 *
 * A shard sees only part of each class, so no shard checks that its protection survives a
 * scraper's shrinking (the survival report). Given the key and the input, merge does, on the
 * same sample one run would have used, and the manifest then equals a single run's with its
 * check; without them the manifest has no "survival" and merge says how to check later. */

typedef struct {
  char         *dir;
  char         *path;
  VeilManifest *manifest;
} ShardFile;

static void
shard_file_free (ShardFile *shard)
{
  g_free (shard->dir);
  g_free (shard->path);
  veil_manifest_free (shard->manifest);
  g_free (shard);
}

static gboolean
collect_shards (const char  *dir,
                GPtrArray   *shards,
                GError     **error)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, error);
  const char *name;

  if (handle == NULL)
    return FALSE;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      ShardFile *shard;

      if (veil_shard_is_journal_name (name))
        {
          g_autofree char *display = g_filename_display_name (dir);
          g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                       _("“%s” holds an unfinished shard (%s): resume it first"), display, name);
          return FALSE;
        }
      if (!veil_shard_is_manifest_name (name) || strcmp (name, VEIL_MANIFEST_NAME) == 0)
        continue;
      shard = g_new0 (ShardFile, 1);
      shard->dir = g_strdup (dir);
      shard->path = g_build_filename (dir, name, NULL);
      g_ptr_array_add (shards, shard);
      shard->manifest = veil_manifest_load (shard->path, error);
      if (shard->manifest == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Copies the files of a shard kept outside OUTPUT into it. Each is read only inside the shard's
 * folder, never through a symlink, and takes its name in OUTPUT only once its SHA-256 is the one
 * its manifest records. */
static gboolean
copy_outputs (const ShardFile *shard,
              GPtrArray       *entries,
              const char      *output,
              GError         **error)
{
  int shard_fd = veil_confined_open_root (shard->dir, error);

  if (shard_fd < 0)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      const VeilManifestEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *source = NULL;
      gboolean ok;
      int fd;

      if (entry->output == NULL)
        continue;
      source = g_build_filename (shard->dir, entry->output, NULL);
      fd = veil_confined_open_read (shard_fd, entry->output, error);
      if (fd < 0)
        {
          g_autofree char *display = veil_paths_display (shard->dir);
          g_prefix_error (error, _("In the shard folder “%s”: "), display);
          close (shard_fd);
          return FALSE;
        }
      ok = veil_paths_copy_atomic (fd, source, output, entry->output, entry->sha256, NULL, NULL,
                                   NULL, error);
      close (fd);
      if (!ok)
        {
          close (shard_fd);
          return FALSE;
        }
    }
  close (shard_fd);
  return TRUE;
}

/* Every output a shard manifest names must be a plain path inside the folder, with a recorded
 * SHA-256, and no two files may claim one name: checked for all shards before anything is
 * written. The outputs of shards already in OUTPUT go to @in_place. */
static gboolean
check_entries (GPtrArray   *shards,
               const char  *output,
               GHashTable  *in_place,
               GError     **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint s = 0; s < shards->len; s++)
    {
      const ShardFile *shard = g_ptr_array_index (shards, s);
      const GPtrArray *lists[] = { shard->manifest->images, shard->manifest->other };
      g_autofree char *dir = veil_paths_canonicalize (shard->dir, error);

      if (dir == NULL)
        return FALSE;
      for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
        for (guint i = 0; i < lists[l]->len; i++)
          {
            const VeilManifestEntry *entry = g_ptr_array_index (lists[l], i);
            g_autofree char *manifest = veil_paths_display (shard->path);

            if (entry->output == NULL)
              continue;
            if (!veil_confined_check_relative (entry->output, error))
              {
                g_prefix_error (error, _("The shard manifest “%s” is not trustworthy: "), manifest);
                return FALSE;
              }
            if (entry->sha256 == NULL || g_hash_table_contains (seen, entry->output))
              {
                g_autofree char *display = veil_paths_display (entry->output);
                g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                             entry->sha256 == NULL
                               ? _("The shard manifest “%s” records no checksum for “%s”")
                               : _("The shard manifest “%s” gives “%s”, which another file of "
                                   "the shards already has"),
                             manifest, display);
                return FALSE;
              }
            g_hash_table_add (seen, entry->output);
            if (strcmp (dir, output) == 0)
              g_hash_table_add (in_place, g_strdup (entry->output));
          }
    }
  return TRUE;
}

/* OUTPUT may be the folder of some shards, but never an input, never inside or around a shard
 * folder, and never hold files that no shard wrote. */
static gboolean
check_folders (GPtrArray   *shards,
               const char  *output_arg,
               const char  *output,
               const char  *against,
               GHashTable  *in_place,
               GError     **error)
{
  g_autofree char *unaccounted = NULL;

  if (against != NULL && !veil_export_check_output (against, output_arg, error))
    return FALSE;
  for (guint s = 0; s < shards->len; s++)
    {
      const ShardFile *shard = g_ptr_array_index (shards, s);
      g_autofree char *dir = veil_paths_canonicalize (shard->dir, error);

      if (dir == NULL)
        return FALSE;
      if (strcmp (dir, output) != 0
          && (veil_paths_is_within (dir, output) || veil_paths_is_within (output, dir)))
        {
          g_autofree char *display = veil_paths_display (output_arg);
          g_autofree char *shard_display = veil_paths_display (shard->dir);
          g_set_error (error, VEIL_ERROR, VEIL_ERROR_OUTPUT_OVERLAPS_INPUT,
                       _("The output folder “%s” and the shard folder “%s” lie one inside the "
                         "other: choose a folder outside the shards, or the shards' own folder"),
                       display, shard_display);
          return FALSE;
        }
    }
  if (!veil_export_find_unaccounted (output_arg, in_place, &unaccounted, error))
    return FALSE;
  if (unaccounted != NULL)
    {
      g_autofree char *display = veil_paths_display (output_arg);
      g_autofree char *file_display = veil_paths_display (unaccounted);
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("The output folder “%s” holds “%s”, which no shard wrote: merge into the "
                     "shards' own folder or a new, empty one"), display, file_display);
      return FALSE;
    }
  return TRUE;
}

/* The survival report of the merged export, into @merged and @out_report. */
static gboolean
check_survival (VeilManifest        *merged,
                VeilSurvivalReport **out_report,
                VeilKey       *key,
                const char    *input,
                const char    *output,
                guint          sample,
                GError       **error)
{
  g_autofree char *fingerprint = veil_key_dup_fingerprint (key);
  g_autoptr(VeilFilterBank) bank = NULL;
  g_autoptr(VeilSurvivalReport) report = NULL;

  /* With another key every class would fail for the wrong reason. */
  if (g_strcmp0 (fingerprint, merged->key_fingerprint) != 0)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                   _("This key is not the one the shards were made with (their manifests record "
                     "the key %s, this key is %s)"),
                   merged->key_fingerprint != NULL ? merged->key_fingerprint : "?", fingerprint);
      return FALSE;
    }
  if (merged->classes == NULL || merged->classes[0] == NULL)
    return TRUE;
  bank = veil_manifest_new_filter_bank (merged, key, error);
  if (bank == NULL)
    return FALSE;
  report = veil_survival_check_manifest (merged, input, output, bank, sample, NULL, error);
  if (report == NULL)
    return FALSE;
  merged->survival = veil_survival_report_to_json (report);
  *out_report = g_steal_pointer (&report);
  return TRUE;
}

/* The command line as given: options with their defaults, then what parsing found. */
typedef struct {
  VeilCliKeyOptions  key_options;
  char              *against;
  int                sample;
} MergeArgs;

static void
merge_args_clear (MergeArgs *args)
{
  _veil_cli_key_options_clear (&args->key_options);
  g_free (args->against);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MergeArgs, merge_args_clear)

/* Reads the options into @args, whose fields hold the defaults; FALSE after a usage message. */
static gboolean
parse_args (MergeArgs   *args,
            int         *argc,
            char      ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  const GOptionEntry entries[] = {
    { "against", 0, 0, G_OPTION_ARG_FILENAME, &args->against,
      N_("The labeled folder the shards were made from, to check the protection"), N_("INPUT") },
    { "check-sample", 0, 0, G_OPTION_ARG_INT, &args->sample,
      N_("Protected images per class to check, as given to protect (default 8)"), N_("N") },
    { NULL }
  };

  context = _veil_cli_option_context_new ("merge", _("OUTPUT [SHARD_DIR…]"),
                                          _("Joins the shards of an export made with “veil-cli "
                                            "protect --shard I/N” into OUTPUT. Shards written "
                                            "into OUTPUT itself need no SHARD_DIR; files of "
                                            "shards written elsewhere are copied in and checked. "
                                            "The shard manifests in OUTPUT are replaced by one "
                                            "veil-manifest.json, the same as one run would have "
                                            "written. Shards do not check that their protection "
                                            "survives a scraper's shrinking; given the key and "
                                            "--against INPUT, merge does, and the manifest then "
                                            "records it as one run would have. Otherwise check "
                                            "later with “veil-cli check”."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  _veil_cli_key_options_add (context, &args->key_options);
  return _veil_cli_parse (context, argc, argv);
}

/* Checks the arguments and loads the key when one is given (*@key stays NULL otherwise); a
 * usage or fatal exit status, or -1. */
static int
validate_args (MergeArgs  *args,
               int         argc,
               VeilKey   **key)
{
  VeilCliKeyOptions *key_options = &args->key_options;
  g_autoptr(GError) error = NULL;
  gboolean usage = FALSE;

  if (argc < 2)
    return _veil_cli_usage_error ("merge", _("give the OUTPUT folder"));
  if (args->sample < 1 || args->sample > 10000)
    return _veil_cli_usage_error ("merge", _("--check-sample must be from 1 to 10000"));
  if (args->against == NULL && key_options->key_name == NULL && key_options->key_file == NULL
      && key_options->seed == NULL)
    return -1;
  if (args->against == NULL)
    return _veil_cli_usage_error ("merge", _("to check the protection, give the INPUT folder "
                                             "with --against INPUT too"));
  *key = _veil_cli_key_options_load (key_options, &usage, &error);
  if (*key == NULL)
    return usage ? _veil_cli_usage_error ("merge", "%s", error->message)
                 : _veil_cli_fatal (error);
  return -1;
}

/* The shards in OUTPUT (@dirs[0]) or in the SHARD_DIRs after it, into @shards, and their
 * manifests merged; NULL when OUTPUT is already finished or the shards do not belong
 * together. */
static VeilManifest *
gather_shards (int          n_dirs,
               char       **dirs,
               const char  *merged_path,
               GPtrArray   *shards,
               GError     **error)
{
  g_autoptr(GPtrArray) manifests = g_ptr_array_new ();

  if (g_file_test (merged_path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *display = g_filename_display_name (dirs[0]);
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                   _("“%s” already holds a finished export"), display);
      return NULL;
    }
  if (n_dirs == 1 && !collect_shards (dirs[0], shards, error))
    return NULL;
  for (int i = 1; i < n_dirs; i++)
    if (!collect_shards (dirs[i], shards, error))
      return NULL;

  for (guint i = 0; i < shards->len; i++)
    g_ptr_array_add (manifests, ((ShardFile *) g_ptr_array_index (shards, i))->manifest);
  return veil_manifest_merge (manifests, error);
}

/* Locks OUTPUT (@output_dir as given, @output canonical), checks what the shards wrote and
 * copies in the files of shards kept elsewhere. The lock, held until the manifest is written;
 * NULL on error. */
static VeilExportLock *
bring_files_in (GPtrArray   *shards,
                const char  *output_dir,
                const char  *output,
                const char  *against,
                GError     **error)
{
  g_autoptr(VeilExportLock) lock = NULL;
  g_autoptr(GHashTable) in_place = NULL;

  if (g_mkdir_with_parents (output_dir, 0755) != 0)
    {
      g_autofree char *display = g_filename_display_name (output_dir);
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_WRITE, _("Could not create “%s”"), display);
      return NULL;
    }
  lock = veil_export_lock_output (output_dir, 0, 0, error);
  if (lock == NULL)
    return NULL;
  in_place = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!check_entries (shards, output, in_place, error)
      || !check_folders (shards, output_dir, output, against, in_place, error))
    return NULL;

  for (guint i = 0; i < shards->len; i++)
    {
      const ShardFile *shard = g_ptr_array_index (shards, i);
      g_autofree char *dir = veil_paths_canonicalize (shard->dir, error);

      if (dir == NULL)
        return NULL;
      if (strcmp (dir, output) == 0)
        continue;
      if (!copy_outputs (shard, shard->manifest->images, output_dir, error)
          || !copy_outputs (shard, shard->manifest->other, output_dir, error))
        return NULL;
    }
  return g_steal_pointer (&lock);
}

/* Writes the merged manifest once every file is on the disk, then removes the shard manifests
 * in OUTPUT: the merged one says everything they said. */
static gboolean
write_merged (VeilManifest  *merged,
              const char    *merged_path,
              GPtrArray     *shards,
              const char    *output_dir,
              const char    *output,
              GError       **error)
{
  if (!veil_paths_sync_tree (output_dir, error) || !veil_manifest_save (merged, merged_path, error))
    return FALSE;
  for (guint i = 0; i < shards->len; i++)
    {
      const ShardFile *shard = g_ptr_array_index (shards, i);
      g_autofree char *dir = veil_paths_canonicalize (shard->dir, NULL);

      if (g_strcmp0 (dir, output) == 0)
        g_unlink (shard->path);
    }
  return TRUE;
}

static void
print_merged (guint                     n_shards,
              const VeilManifest       *merged,
              const char               *merged_path,
              const VeilSurvivalReport *survival,
              const char               *output_dir)
{
  {
    g_autofree char *display = g_filename_display_name (merged_path);
    printf (_("Merged %u shards: %u images. Manifest: %s"), n_shards, merged->images->len,
            display);
    putchar ('\n');
  }
  if (survival != NULL)
    {
      putchar ('\n');
      _veil_cli_print_survival (survival, FALSE, FALSE);
    }
  else
    {
      g_autofree char *display = g_filename_display_name (output_dir);

      printf (_("The protection was not checked (a shard sees only part of each class): check it "
                "with “veil-cli check %s --against INPUT” and the key."), display);
      putchar ('\n');
    }
}

int
veil_cli_merge_main (int    argc,
                     char **argv)
{
  g_auto(MergeArgs) args = { .sample = VEIL_SURVIVAL_DEFAULT_SAMPLE };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) shards = g_ptr_array_new_with_free_func ((GDestroyNotify) shard_file_free);
  g_autoptr(VeilManifest) merged = NULL;
  g_autofree char *output = NULL;
  g_autofree char *merged_path = NULL;
  g_autoptr(VeilKey) key = NULL;
  g_autoptr(VeilSurvivalReport) survival = NULL;
  g_autoptr(VeilExportLock) lock = NULL;
  int status;

  if (!parse_args (&args, &argc, &argv))
    return VEIL_CLI_EXIT_USAGE;
  status = validate_args (&args, argc, &key);
  if (status >= 0)
    return status;

  output = veil_paths_canonicalize (argv[1], &error);
  if (output == NULL)
    return _veil_cli_fatal (error);
  merged_path = g_build_filename (argv[1], VEIL_MANIFEST_NAME, NULL);
  merged = gather_shards (argc - 1, argv + 1, merged_path, shards, &error);
  if (merged == NULL)
    return _veil_cli_fatal (error);
  lock = bring_files_in (shards, argv[1], output, args.against, &error);
  if (lock == NULL)
    return _veil_cli_fatal (error);
  if (key != NULL
      && !check_survival (merged, &survival, key, args.against, argv[1], (guint) args.sample,
                          &error))
    return _veil_cli_fatal (error);
  if (!write_merged (merged, merged_path, shards, argv[1], output, &error))
    return _veil_cli_fatal (error);

  print_merged (shards->len, merged, merged_path, survival, argv[1]);
  return VEIL_CLI_EXIT_OK;
}
