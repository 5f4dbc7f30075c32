/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-dataset"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "veil-dataset.h"
#include "veil-error.h"
#include "veil-image-formats.h"

/* How often, in directory entries, the scan reports progress and checks for cancellation. */
#define PROGRESS_EVERY 2048
#define CANCEL_EVERY 256

struct _VeilDataset {
  gatomicrefcount  ref_count;
  char            *root;
  char           **class_names;   /* NULL-terminated */
  guint            n_classes;
  guint           *class_first;   /* n_classes + 1 entries */
  GArray          *images;        /* VeilDatasetImage, paths in @strings */
  GArray          *skipped;       /* VeilDatasetSkipped, owning their strings */
  GStringChunk    *strings;
};

/* One folder of a class: its path and the images found directly in it. */
typedef struct {
  char   *relative_path;
  GArray *files;                  /* FileEntry */
} DirNode;

typedef struct {
  char    *name;
  guint64  size;
} FileEntry;

typedef struct {
  dev_t dev;
  ino_t ino;
} DirId;

typedef struct {
  int                      root_fd;
  GCancellable            *cancellable;
  VeilDatasetScanProgress  progress;
  gpointer                 user_data;
  guint                    n_entries;
  guint                    n_images;
  GArray                  *walk_path;  /* DirId of the folders being walked */
  GPtrArray               *dirs;       /* DirNode of the current class */
  GArray                  *skipped;
} Scan;

static void
file_entry_clear (FileEntry *entry)
{
  g_free (entry->name);
}

static void
dir_node_free (DirNode *node)
{
  g_free (node->relative_path);
  g_array_unref (node->files);
  g_free (node);
}

static void
skipped_clear (VeilDatasetSkipped *skipped)
{
  g_free (skipped->relative_path);
  g_free (skipped->message);
}

static void
add_skipped (Scan           *scan,
             const char     *relative_path,
             VeilSkipReason  reason,
             int             errsv)
{
  g_autofree char *display = g_filename_display_name (relative_path);
  VeilDatasetSkipped skipped = { g_strdup (relative_path), reason, NULL };

  switch (reason)
    {
    case VEIL_SKIP_HIDDEN:
      skipped.message = g_strdup_printf (_("“%s” is hidden (its name starts with a dot) and was "
                                           "left out"), display);
      break;
    case VEIL_SKIP_NOT_IMAGE:
      {
        g_autofree char *extensions = veil_image_formats_list (VEIL_IMAGE_FORMAT_SCANNED,
                                                               VEIL_IMAGE_FORMATS_LIST_EXTENSIONS,
                                                               FALSE);

        /* Translators: the second %s lists extensions: ".png, .jpg and .avif". */
        skipped.message = g_strdup_printf (_("“%s” is not an image: only %s files are used"),
                                           display, extensions);
      }
      break;
    case VEIL_SKIP_OUTSIDE_CLASS:
      skipped.message = g_strdup_printf (_("“%s” is not inside a class folder and was left "
                                           "out"), display);
      break;
    case VEIL_SKIP_SYMLINK_LOOP:
      skipped.message = g_strdup_printf (_("“%s” links back to a folder that contains it and "
                                           "was not followed"), display);
      break;
    case VEIL_SKIP_UNREADABLE:
    default:
      if (errsv == ENOENT)
        skipped.message = g_strdup_printf (_("“%s” is a link to something that does not "
                                             "exist"), display);
      else if (errsv == 0)
        skipped.message = g_strdup_printf (_("“%s” is not a regular file or folder and was "
                                             "left out"), display);
      else
        skipped.message = g_strdup_printf (_("“%s” could not be read: %s"), display,
                                           g_strerror (errsv));
      break;
    }
  g_array_append_val (scan->skipped, skipped);
}

static gboolean
has_image_extension (const char *name)
{
  const char *dot = strrchr (name, '.');
  const VeilImageFormat *row;

  if (dot == NULL || dot == name)
    return FALSE;
  row = veil_image_formats_for_extension (dot + 1);
  return row != NULL && (row->flags & VEIL_IMAGE_FORMAT_SCANNED) != 0;
}

static char *
join (const char *dir,
      const char *name)
{
  return dir[0] != '\0' ? g_strconcat (dir, "/", name, NULL) : g_strdup (name);
}

static gboolean
on_walk_path (Scan        *scan,
              const DirId *id)
{
  for (guint i = 0; i < scan->walk_path->len; i++)
    {
      const DirId *other = &g_array_index (scan->walk_path, DirId, i);

      if (other->dev == id->dev && other->ino == id->ino)
        return TRUE;
    }
  return FALSE;
}

static gboolean
tick (Scan    *scan,
      GError **error)
{
  scan->n_entries++;
  if (scan->n_entries % CANCEL_EVERY == 1
      && g_cancellable_set_error_if_cancelled (scan->cancellable, error))
    return FALSE;
  if (scan->progress != NULL && scan->n_entries % PROGRESS_EVERY == 0)
    scan->progress (scan->n_images, scan->user_data);
  return TRUE;
}

/* Reads the folder @relative_path (already on the walk path) of a class, then its subfolders.
 * Only the cancellation is an error; everything else is recorded as skipped. */
static gboolean
walk_dir (Scan        *scan,
          const char  *relative_path,
          GError     **error)
{
  g_autoptr(GPtrArray) subdirs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) subdir_ids = g_array_new (FALSE, FALSE, sizeof (DirId));
  DirNode *node;
  struct dirent *entry;
  DIR *dir;
  int fd;

  fd = openat (scan->root_fd, relative_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  dir = fd >= 0 ? fdopendir (fd) : NULL;
  if (dir == NULL)
    {
      int errsv = errno;

      if (fd >= 0)
        close (fd);
      add_skipped (scan, relative_path, VEIL_SKIP_UNREADABLE, errsv);
      return TRUE;
    }

  node = g_new0 (DirNode, 1);
  node->relative_path = g_strdup (relative_path);
  node->files = g_array_new (FALSE, FALSE, sizeof (FileEntry));
  g_array_set_clear_func (node->files, (GDestroyNotify) file_entry_clear);
  g_ptr_array_add (scan->dirs, node);

  while (TRUE)
    {
      g_autofree char *path = NULL;
      const char *name;
      struct stat st;
      gboolean is_dir;

      errno = 0;
      entry = readdir (dir);
      if (entry == NULL)
        {
          if (errno != 0)
            add_skipped (scan, relative_path, VEIL_SKIP_UNREADABLE, errno);
          break;
        }
      name = entry->d_name;
      if (strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
        continue;
      if (!tick (scan, error))
        {
          closedir (dir);
          return FALSE;
        }

      path = join (relative_path, name);
      if (name[0] == '.')
        {
          add_skipped (scan, path, VEIL_SKIP_HIDDEN, 0);
          continue;
        }
      /* A plain file without an image extension needs no stat; everything else does (links
       * are followed, images need their size). */
      if (entry->d_type == DT_REG && !has_image_extension (name))
        {
          add_skipped (scan, path, VEIL_SKIP_NOT_IMAGE, 0);
          continue;
        }
      if (fstatat (dirfd (dir), name, &st, 0) != 0)
        {
          add_skipped (scan, path, VEIL_SKIP_UNREADABLE, errno);
          continue;
        }
      is_dir = S_ISDIR (st.st_mode);
      if (is_dir)
        {
          DirId id = { st.st_dev, st.st_ino };

          if (on_walk_path (scan, &id))
            add_skipped (scan, path, VEIL_SKIP_SYMLINK_LOOP, 0);
          else
            {
              g_ptr_array_add (subdirs, g_steal_pointer (&path));
              g_array_append_val (subdir_ids, id);
            }
        }
      else if (!S_ISREG (st.st_mode))
        /* Reading a FIFO or a device would block or never end. */
        add_skipped (scan, path, VEIL_SKIP_UNREADABLE, 0);
      else if (!has_image_extension (name))
        add_skipped (scan, path, VEIL_SKIP_NOT_IMAGE, 0);
      else
        {
          FileEntry file = { g_strdup (name), (guint64) st.st_size };

          g_array_append_val (node->files, file);
          scan->n_images++;
        }
    }
  closedir (dir);

  for (guint i = 0; i < subdirs->len; i++)
    {
      gboolean ok;

      g_array_append_val (scan->walk_path, g_array_index (subdir_ids, DirId, i));
      ok = walk_dir (scan, g_ptr_array_index (subdirs, i), error);
      g_array_set_size (scan->walk_path, scan->walk_path->len - 1);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static int
compare_dir_nodes (gconstpointer a,
                   gconstpointer b)
{
  const DirNode *na = *(const DirNode * const *) a;
  const DirNode *nb = *(const DirNode * const *) b;

  return strcmp (na->relative_path, nb->relative_path);
}

static int
compare_file_entries (gconstpointer a,
                      gconstpointer b)
{
  return strcmp (((const FileEntry *) a)->name, ((const FileEntry *) b)->name);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static int
compare_skipped (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (((const VeilDatasetSkipped *) a)->relative_path,
                 ((const VeilDatasetSkipped *) b)->relative_path);
}

/* Appends the images of the class just walked in torchvision's order: folders sorted by path
 * (as sorted(os.walk()) sorts its tuples), then file names sorted within each folder. */
static void
collect_class (Scan        *scan,
               VeilDataset *dataset,
               guint        class_index)
{
  g_ptr_array_sort (scan->dirs, compare_dir_nodes);
  for (guint d = 0; d < scan->dirs->len; d++)
    {
      DirNode *node = g_ptr_array_index (scan->dirs, d);

      g_array_sort (node->files, compare_file_entries);
      for (guint f = 0; f < node->files->len; f++)
        {
          FileEntry *file = &g_array_index (node->files, FileEntry, f);
          g_autofree char *path = join (node->relative_path, file->name);
          VeilDatasetImage image = {
            g_string_chunk_insert (dataset->strings, path), class_index, file->size
          };

          g_array_append_val (dataset->images, image);
        }
    }
  g_ptr_array_set_size (scan->dirs, 0);
}

static void
dataset_free (VeilDataset *dataset)
{
  g_free (dataset->root);
  g_strfreev (dataset->class_names);
  g_free (dataset->class_first);
  g_array_unref (dataset->images);
  g_array_unref (dataset->skipped);
  g_string_chunk_free (dataset->strings);
  g_free (dataset);
}

/* Opens the root folder: its descriptor (kept in @scan) and a stream of its entries. */
static DIR *
open_root (Scan         *scan,
           const char   *canonical,
           const char   *display,
           struct stat  *root_st,
           GError      **error)
{
  DIR *dir;
  int fd;

  fd = open (canonical, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || fstat (fd, root_st) != 0)
    {
      int errsv = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not open the folder “%s”: %s"), display, g_strerror (errsv));
      return NULL;
    }
  dir = fdopendir (dup (fd));
  if (dir == NULL)
    {
      int errsv = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not read the folder “%s”: %s"), display, g_strerror (errsv));
      return NULL;
    }
  scan->root_fd = fd;
  return dir;
}

/* The root's entries: folders are classes (@class_names, unsorted), anything else is outside
 * every class. Counts the entries and the images among them for the messages of check_found(). */
static gboolean
list_classes (Scan              *scan,
              DIR               *dir,
              const struct stat *root_st,
              const char        *display,
              GPtrArray         *class_names,
              guint             *n_root_entries,
              guint             *n_root_images,
              GError           **error)
{
  for (;;)
    {
      struct dirent *entry;
      const char *name;
      struct stat st;

      errno = 0;
      entry = readdir (dir);
      if (entry == NULL)
        {
          int errsv = errno;

          if (errsv == 0)
            return TRUE;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _("Could not read the folder “%s”: %s"), display, g_strerror (errsv));
          return FALSE;
        }
      name = entry->d_name;
      if (strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
        continue;
      if (!tick (scan, error))
        return FALSE;
      (*n_root_entries)++;
      if (name[0] == '.')
        add_skipped (scan, name, VEIL_SKIP_HIDDEN, 0);
      else if (fstatat (scan->root_fd, name, &st, 0) != 0)
        add_skipped (scan, name, VEIL_SKIP_UNREADABLE, errno);
      else if (S_ISDIR (st.st_mode))
        {
          DirId id = { st.st_dev, st.st_ino };

          if (id.dev == root_st->st_dev && id.ino == root_st->st_ino)
            add_skipped (scan, name, VEIL_SKIP_SYMLINK_LOOP, 0);
          else
            g_ptr_array_add (class_names, g_strdup (name));
        }
      else
        {
          *n_root_images += has_image_extension (name);
          add_skipped (scan, name, VEIL_SKIP_OUTSIDE_CLASS, 0);
        }
    }
}

/* Walks each class folder in sorted order, appending its images to @dataset. */
static gboolean
walk_classes (Scan              *scan,
              VeilDataset       *dataset,
              GPtrArray         *class_names,
              const struct stat *root_st,
              GError           **error)
{
  g_ptr_array_sort (class_names, compare_strings);
  dataset->class_first = g_new0 (guint, class_names->len + 1);
  for (guint c = 0; c < class_names->len; c++)
    {
      const char *name = g_ptr_array_index (class_names, c);
      struct stat st;

      dataset->class_first[c] = dataset->images->len;
      /* Stat again: the folder's identity starts the walk path below the root. */
      if (fstatat (scan->root_fd, name, &st, 0) != 0)
        {
          add_skipped (scan, name, VEIL_SKIP_UNREADABLE, errno);
          continue;
        }
      g_array_set_size (scan->walk_path, 0);
      g_array_append_vals (scan->walk_path, &(DirId) { root_st->st_dev, root_st->st_ino }, 1);
      g_array_append_vals (scan->walk_path, &(DirId) { st.st_dev, st.st_ino }, 1);
      if (!walk_dir (scan, name, error))
        return FALSE;
      collect_class (scan, dataset, c);
    }
  dataset->class_first[class_names->len] = dataset->images->len;
  dataset->n_classes = class_names->len;
  return TRUE;
}

/* A folder without any image in a class folder is no dataset: say what was found, so that the
 * person knows what to change. */
static gboolean
check_found (VeilDataset *dataset,
             const char  *display,
             guint        n_root_entries,
             guint        n_root_images,
             GError     **error)
{
  if (dataset->images->len > 0)
    return TRUE;
  if (n_root_images > 0)
    g_set_error (error, VEIL_ERROR, VEIL_ERROR_NOT_A_DATASET,
                 g_dngettext (GETTEXT_PACKAGE,
                              "“%s” holds %u image directly, not in class folders: put each "
                              "class’s images in a subfolder named after the class (for "
                              "example “cat/001.jpg” and “dog/001.jpg”)",
                              "“%s” holds %u images directly, not in class folders: put each "
                              "class’s images in a subfolder named after the class (for "
                              "example “cat/001.jpg” and “dog/001.jpg”)", n_root_images),
                 display, n_root_images);
  else if (n_root_entries == 0)
    g_set_error (error, VEIL_ERROR, VEIL_ERROR_NOT_A_DATASET,
                 _("“%s” is empty: it must hold one subfolder per class, each with that "
                   "class’s images (for example “cat/001.jpg” and “dog/001.jpg”)"), display);
  else
    g_set_error (error, VEIL_ERROR, VEIL_ERROR_NOT_A_DATASET,
                 _("“%s” is not a labeled image folder: it must hold one subfolder per class, "
                   "each with that class’s images (for example “cat/001.jpg” and "
                   "“dog/001.jpg”), and none of its subfolders holds an image"),
                 display);
  return FALSE;
}

/**
 * veil_dataset_scan:
 * Scans @root as a labeled folder; see veil-dataset.h for the order and what is skipped.
 * Returns a new dataset (unref with veil_dataset_unref()).
 */
VeilDataset *
veil_dataset_scan (const char               *root,
                   VeilDatasetScanProgress   progress,
                   gpointer                  user_data,
                   GCancellable             *cancellable,
                   GError                  **error)
{
  g_autoptr(GPtrArray) class_names = NULL;
  g_autofree char *display = NULL;
  g_autofree char *canonical = NULL;
  VeilDataset *dataset;
  struct stat root_st;
  guint n_root_entries = 0;
  guint n_root_images = 0;
  Scan scan = { 0 };
  gboolean ok;
  DIR *dir;

  g_return_val_if_fail (root != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  canonical = g_canonicalize_filename (root, NULL);
  display = g_filename_display_name (canonical);
  dir = open_root (&scan, canonical, display, &root_st, error);
  if (dir == NULL)
    return NULL;

  scan.cancellable = cancellable;
  scan.progress = progress;
  scan.user_data = user_data;
  scan.walk_path = g_array_new (FALSE, FALSE, sizeof (DirId));
  scan.dirs = g_ptr_array_new_with_free_func ((GDestroyNotify) dir_node_free);
  scan.skipped = g_array_new (FALSE, FALSE, sizeof (VeilDatasetSkipped));
  g_array_set_clear_func (scan.skipped, (GDestroyNotify) skipped_clear);

  dataset = g_new0 (VeilDataset, 1);
  g_atomic_ref_count_init (&dataset->ref_count);
  dataset->root = g_steal_pointer (&canonical);
  dataset->images = g_array_new (FALSE, FALSE, sizeof (VeilDatasetImage));
  dataset->strings = g_string_chunk_new (64 * 1024);
  dataset->skipped = scan.skipped;

  class_names = g_ptr_array_new_with_free_func (g_free);
  ok = list_classes (&scan, dir, &root_st, display, class_names, &n_root_entries,
                     &n_root_images, error);
  closedir (dir);
  ok = ok && walk_classes (&scan, dataset, class_names, &root_st, error);
  close (scan.root_fd);
  g_array_unref (scan.walk_path);
  g_ptr_array_unref (scan.dirs);

  g_ptr_array_add (class_names, NULL);
  dataset->class_names = (char **) g_ptr_array_free (g_steal_pointer (&class_names), FALSE);
  g_array_sort (dataset->skipped, compare_skipped);
  if (!ok || !check_found (dataset, display, n_root_entries, n_root_images, error))
    {
      veil_dataset_unref (dataset);
      return NULL;
    }
  if (progress != NULL)
    progress (dataset->images->len, user_data);
  return dataset;
}

VeilDataset *
veil_dataset_ref (VeilDataset *dataset)
{
  g_return_val_if_fail (dataset != NULL, NULL);

  g_atomic_ref_count_inc (&dataset->ref_count);
  return dataset;
}

void
veil_dataset_unref (VeilDataset *dataset)
{
  g_return_if_fail (dataset != NULL);

  if (g_atomic_ref_count_dec (&dataset->ref_count))
    dataset_free (dataset);
}

const char *
veil_dataset_get_root (const VeilDataset *dataset)
{
  g_return_val_if_fail (dataset != NULL, NULL);

  return dataset->root;
}

guint
veil_dataset_get_n_classes (const VeilDataset *dataset)
{
  g_return_val_if_fail (dataset != NULL, 0);

  return dataset->n_classes;
}

const char * const *
veil_dataset_get_class_names (const VeilDataset *dataset)
{
  g_return_val_if_fail (dataset != NULL, NULL);

  return (const char * const *) dataset->class_names;
}

const char *
veil_dataset_get_class_name (const VeilDataset *dataset,
                             guint              class_index)
{
  g_return_val_if_fail (dataset != NULL, NULL);
  g_return_val_if_fail (class_index < dataset->n_classes, NULL);

  return dataset->class_names[class_index];
}

guint
veil_dataset_get_class_n_images (const VeilDataset *dataset,
                                 guint              class_index)
{
  g_return_val_if_fail (dataset != NULL, 0);
  g_return_val_if_fail (class_index < dataset->n_classes, 0);

  return dataset->class_first[class_index + 1] - dataset->class_first[class_index];
}

guint
veil_dataset_get_class_first (const VeilDataset *dataset,
                              guint              class_index)
{
  g_return_val_if_fail (dataset != NULL, 0);
  g_return_val_if_fail (class_index < dataset->n_classes, 0);

  return dataset->class_first[class_index];
}

guint
veil_dataset_get_n_images (const VeilDataset *dataset)
{
  g_return_val_if_fail (dataset != NULL, 0);

  return dataset->images->len;
}

const VeilDatasetImage *
veil_dataset_get_image (const VeilDataset *dataset,
                        guint              index)
{
  g_return_val_if_fail (dataset != NULL, NULL);
  g_return_val_if_fail (index < dataset->images->len, NULL);

  return &g_array_index (dataset->images, VeilDatasetImage, index);
}

guint
veil_dataset_get_n_skipped (const VeilDataset *dataset)
{
  g_return_val_if_fail (dataset != NULL, 0);

  return dataset->skipped->len;
}

const VeilDatasetSkipped *
veil_dataset_get_skipped (const VeilDataset *dataset,
                          guint              index)
{
  g_return_val_if_fail (dataset != NULL, NULL);
  g_return_val_if_fail (index < dataset->skipped->len, NULL);

  return &g_array_index (dataset->skipped, VeilDatasetSkipped, index);
}

const char *
veil_dataset_skip_reason_name (VeilSkipReason reason)
{
  switch (reason)
    {
    case VEIL_SKIP_HIDDEN: return "hidden";
    case VEIL_SKIP_NOT_IMAGE: return "not-image";
    case VEIL_SKIP_OUTSIDE_CLASS: return "outside-class";
    case VEIL_SKIP_SYMLINK_LOOP: return "symlink-loop";
    case VEIL_SKIP_UNREADABLE: return "unreadable";
    default: return "other";
    }
}
