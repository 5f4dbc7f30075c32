/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-paths.h"

G_BEGIN_DECLS

/* Shared by veil-paths.c (the atomic writers) and veil-paths-folders.c (the folders they write
 * into). */

/* @keep FALSE: for a single write, nothing kept between writes nor checked again. */
VeilPathsFolders *_veil_paths_folders_new         (const char        *root,
                                                   gboolean           keep);
/* The folder that will hold @relative_path below the root (opened, and the root made, when
 * needed), as veil_confined_open_parent() with @create opens it, or a kept one that is still
 * the same folder. The fd stays owned by @folders, valid until the next call or the free.
 * *@out_name points into @relative_path at the last component. Errors as
 * veil_confined_open_parent()'s, or VEIL_ERROR_WRITE when the root cannot be made. */
int               _veil_paths_folders_open_parent (VeilPathsFolders  *folders,
                                                   const char        *relative_path,
                                                   const char       **out_name,
                                                   GError           **error);

G_END_DECLS
