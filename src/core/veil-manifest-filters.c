/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "veil-error.h"
#include "veil-filter-bank.h"
#include "veil-filter-echo.h"
#include "veil-manifest-private.h"

/* The filter bank an export was made with, rebuilt from its manifest: what check and merge
 * compare the pictures against; and what earlier versions of Veil recorded. */

/* Veil 0.2.0 dealt echo offsets from 2 pixels up (context "veil-echo-v1", 5 × 5 and larger);
 * later versions derive them differently (doc/filter-derivation.md section 8), so rebuilding
 * that export's filters would compare it with filters it never had. */
#define FIRST_ECHO_VERSION "0.2.0"
#define FIRST_ECHO_K_MIN 5u

gboolean
_veil_manifest_echo_is_current (const char *tool_version)
{
  return g_strcmp0 (tool_version, FIRST_ECHO_VERSION) != 0;
}

guint
_veil_manifest_echo_k_min (const char *tool_version)
{
  return _veil_manifest_echo_is_current (tool_version) ? VEIL_FILTER_ECHO_K_MIN
                                                        : FIRST_ECHO_K_MIN;
}

VeilFilterBank *
veil_manifest_new_filter_bank (const VeilManifest  *manifest,
                               VeilKey             *key,
                               GError             **error)
{
  g_return_val_if_fail (manifest != NULL && manifest->classes != NULL, NULL);

  if (manifest->kind == VEIL_FILTER_KIND_ECHO
      && !_veil_manifest_echo_is_current (manifest->tool_version))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_MANIFEST,
                   _("This export was made by Veil %s, whose echo filters were derived "
                     "differently; this version cannot rebuild them (protect the pictures "
                     "again to check them)"),
                   manifest->tool_version);
      return NULL;
    }
  return veil_filter_bank_new_full (key, (const char * const *) manifest->classes,
                                    g_strv_length (manifest->classes), manifest->kind,
                                    manifest->k, manifest->pb, manifest->decoy, error);
}
