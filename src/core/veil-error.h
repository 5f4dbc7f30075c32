/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VEIL_ERROR (veil_error_quark ())

typedef enum {
  VEIL_ERROR_FAILED,
  VEIL_ERROR_INVALID_ARGUMENT,    /* a parameter out of range (k, p_b, mix, ...) */
  VEIL_ERROR_KEY_INVALID,         /* a key file that is damaged or of the wrong format */
  VEIL_ERROR_KEY_PERMISSIONS,     /* a key file that others can read */
  VEIL_ERROR_KEY_NOT_FOUND,
  VEIL_ERROR_KEY_EXISTS,
  VEIL_ERROR_IMAGE_TOO_LARGE,     /* dimensions that would need absurd memory */
  VEIL_ERROR_IMAGE_CORRUPT,       /* truncated, damaged or not really an image */
  VEIL_ERROR_IMAGE_UNSUPPORTED,   /* no loader or saver for this format */
  VEIL_ERROR_NOT_A_DATASET,       /* a folder without one subfolder per class */
  VEIL_ERROR_OUTPUT_OVERLAPS_INPUT,
  VEIL_ERROR_MANIFEST,            /* a manifest that is missing, damaged or does not match */
  VEIL_ERROR_WRITE,               /* the output cannot be written (full disk, permissions) */
  VEIL_ERROR_UNSAFE_PATH,         /* a path that would leave its folder, or not a regular file */
} VeilError;

GQuark veil_error_quark (void);

G_END_DECLS
