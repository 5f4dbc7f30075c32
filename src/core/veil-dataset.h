/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-types.h"

G_BEGIN_DECLS

/* A labeled folder in the ImageFolder layout: root/<class>/.../<image>.
 *
 * Classes are sorted by name (byte order, as Python's sorted() on the names); images are in
 * torchvision's order: for each class, directories in sorted order of their path (as
 * sorted(os.walk(...)) gives), and the file names sorted within each directory. Paths are
 * file-system bytes (possibly not UTF-8), relative to the root, separated by '/'.
 *
 * Details a caller may rely on:
 * - Image files: the extensions of the formats veil-image-formats.h marks SCANNED (.png .jpg
 *   .jpeg .webp .tif .tiff .bmp .heic .heif .avif), any case. Symbolic links
 *   to files and to folders are followed (torchvision's followlinks=True); a link to a folder
 *   already on the current walk path (an ancestor or the root) is listed as
 *   VEIL_SKIP_SYMLINK_LOOP and not entered, so scans always end.
 * - Hidden names (leading '.') are skipped and listed, folders as a whole (contents not
 *   listed). Unlike torchvision, hidden images inside a class are not used.
 * - Classes are the non-hidden folders directly in the root. A class folder without images is
 *   KEPT as a class with 0 images (torchvision refuses such a dataset), so the class indices
 *   (and, with a seed, the filter each class gets) follow the folders the user sees; it is not
 *   in the skipped list: check veil_dataset_get_class_n_images() == 0 to warn about it.
 * - VEIL_SKIP_UNREADABLE: a folder that cannot be opened or listed, a broken link, or a file
 *   that is neither a regular file nor a folder (FIFO, device: reading it would block), with
 *   the OS reason in the message. Whether an image file can be opened is not checked by the
 *   scan (one syscall more per file): veil_image_load() reports that, naming the file.
 * - The skipped list is sorted by relative path (byte order).
 * - veil_dataset_get_root() is the absolute, canonical form of the path given (links not
 *   resolved). */

typedef enum {
  VEIL_SKIP_HIDDEN,        /* a name starting with '.' */
  VEIL_SKIP_NOT_IMAGE,     /* no image extension: copied only on request */
  VEIL_SKIP_OUTSIDE_CLASS, /* a file directly in the root, not in a class folder */
  VEIL_SKIP_SYMLINK_LOOP,  /* a link to a folder already being walked */
  VEIL_SKIP_UNREADABLE,    /* a folder or file that could not be read */
} VeilSkipReason;

typedef struct {
  char    *relative_path; /* "cat/sub/img001.jpg" */
  guint    class_index;
  guint64  size;          /* bytes on disk at scan time */
} VeilDatasetImage;

typedef struct {
  char           *relative_path;
  VeilSkipReason  reason;
  char           *message;       /* a sentence for people, naming the file */
} VeilDatasetSkipped;

/* Progress for long scans: called from the scanning thread every few thousand files. */
typedef void (*VeilDatasetScanProgress) (guint n_images_found, gpointer user_data);

/* Fails with VEIL_ERROR_NOT_A_DATASET when @root has no class subfolder with an image, and a
 * G_IO_ERROR when @root cannot be read. Thread-safe; the result is immutable. */
VeilDataset  *veil_dataset_scan               (const char               *root,
                                               VeilDatasetScanProgress   progress,
                                               gpointer                  user_data,
                                               GCancellable             *cancellable,
                                               GError                  **error);
VeilDataset  *veil_dataset_ref                (VeilDataset              *dataset);
void          veil_dataset_unref              (VeilDataset              *dataset);

const char   *veil_dataset_get_root           (const VeilDataset *dataset);
guint         veil_dataset_get_n_classes      (const VeilDataset *dataset);
/* NULL-terminated, in dataset order; owned by the dataset. */
const char * const *veil_dataset_get_class_names (const VeilDataset *dataset);
const char   *veil_dataset_get_class_name     (const VeilDataset *dataset,
                                               guint              class_index);
guint         veil_dataset_get_class_n_images (const VeilDataset *dataset,
                                               guint              class_index);
/* Index of the class's first image; a class's images are contiguous. */
guint         veil_dataset_get_class_first    (const VeilDataset *dataset,
                                               guint              class_index);
guint         veil_dataset_get_n_images       (const VeilDataset *dataset);
const VeilDatasetImage *veil_dataset_get_image (const VeilDataset *dataset,
                                               guint              index);
guint         veil_dataset_get_n_skipped      (const VeilDataset *dataset);
const VeilDatasetSkipped *veil_dataset_get_skipped (const VeilDataset *dataset,
                                               guint              index);
/* A stable, untranslated name for @reason ("hidden", "not-image", …), for records such as the
 * manifest and JSON output. */
const char   *veil_dataset_skip_reason_name   (VeilSkipReason     reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilDataset, veil_dataset_unref)

G_END_DECLS
