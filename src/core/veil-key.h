/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "veil-types.h"

G_BEGIN_DECLS

#define VEIL_KEY_SECRET_LENGTH 32

/* A key: either a 256-bit secret or the paper's integer seed. Reference counted, immutable
 * except for its name. The secret is wiped from memory when the last reference goes. */

VeilKey     *veil_key_new_random      (const char    *name,
                                       GError       **error);
VeilKey     *veil_key_new_from_secret (const char    *name,
                                       const guint8  *secret, /* VEIL_KEY_SECRET_LENGTH bytes */
                                       GDateTime     *created);
VeilKey     *veil_key_new_from_seed   (guint32        seed);
VeilKey     *veil_key_ref             (VeilKey       *key);
void         veil_key_unref           (VeilKey       *key);

const char  *veil_key_get_name        (const VeilKey *key);
void         veil_key_set_name        (VeilKey       *key,
                                       const char    *name);
VeilKeyKind  veil_key_get_kind        (const VeilKey *key);
GDateTime   *veil_key_get_created     (const VeilKey *key);
/* Only for VEIL_KEY_KIND_SEED. */
guint32      veil_key_get_seed        (const VeilKey *key);
/* Only for VEIL_KEY_KIND_SECRET; never log, show or write these bytes anywhere but a key file. */
const guint8 *veil_key_get_secret     (const VeilKey *key);

/* A one-way, grouped hex digest such as "3f2a 91bc 07d4 e812", safe to show and record.
 * For a seed key it is prefixed "seed:" so it is never mistaken for a secret key's. */
char        *veil_key_dup_fingerprint (const VeilKey *key);

/* Key files (GKeyFile format, doc/filter-derivation.md). save writes atomically with mode 0600,
 * replacing an existing file (VEIL_ERROR_WRITE on failure); load checks format, length and
 * permissions (VEIL_ERROR_KEY_INVALID / VEIL_ERROR_KEY_PERMISSIONS; VEIL_ERROR_KEY_NOT_FOUND for
 * a missing file) and names the file and the problem in the message. */
gboolean     veil_key_save            (const VeilKey *key,
                                       const char    *path,
                                       GError       **error);
/* As veil_key_save(), but never replaces a file already at @path: G_IO_ERROR_EXISTS naming
 * it. */
gboolean     veil_key_save_new        (const VeilKey *key,
                                       const char    *path,
                                       GError       **error);
VeilKey     *veil_key_load            (const char    *path,
                                       GError       **error);

/* The line that starts every key file's only group; a file holding it is taken for a key file
 * (or an archive of one) and never copied into an export. */
#define VEIL_KEY_FILE_MARKER "[Veil Key]"

/* Whether @data (any bytes, a whole file or a part of one) holds VEIL_KEY_FILE_MARKER. */
gboolean     veil_key_data_holds_key  (const guint8  *data,
                                       gsize          len);

/* Whether @name can name a key: not empty, at most 255 bytes of valid UTF-8, no control
 * characters and no '/'. Fails with VEIL_ERROR_INVALID_ARGUMENT saying what is wrong. */
gboolean     veil_key_check_name      (const char    *name,
                                       GError       **error);
/* Same kind and same secret or seed (names and dates are not compared). Constant time over
 * the secret. */
gboolean     veil_key_equal           (const VeilKey *a,
                                       const VeilKey *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilKey, veil_key_unref)

G_END_DECLS
