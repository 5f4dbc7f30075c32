/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "veil-manifest.h"

G_BEGIN_DECLS

/* Shared by the files of the manifest: veil-manifest.c (the data), -write.c, -read.c,
 * -entry-text.c (the entries' text), -journal-format.c (the journal's lines) and -merge.c. */

#define VEIL_MANIFEST_FORMAT         "veil-manifest"
#define VEIL_MANIFEST_JOURNAL_FORMAT "veil-journal"
#define VEIL_MANIFEST_FORMAT_VERSION 1
#define VEIL_MANIFEST_N_STATUSES     (VEIL_MANIFEST_STATUS_SKIPPED + 1)

/* The names of VeilImageNotes in a manifest entry's "notes". */
static const struct {
  VeilImageNotes  note;
  const char     *name;
} _veil_manifest_note_names[] = {
  { VEIL_IMAGE_NOTE_CONVERTED, "converted" },
  { VEIL_IMAGE_NOTE_DEPTH_REDUCED, "8-bit" },
  { VEIL_IMAGE_NOTE_FIRST_FRAME, "first-frame" },
};

gboolean  _veil_manifest_status_from_string (const char         *text,
                                             VeilManifestStatus *out);

/* Writing (veil-manifest-write.c) */

/* The settings members of a manifest or journal header, into an object already begun. */
void      _veil_manifest_build_header (JsonBuilder             *builder,
                                       const VeilManifest      *manifest,
                                       const char              *format);
/* Entries as text (veil-manifest-entry-text.c), exactly as json-glib's generator writes the
 * same members. One entry as an object; @for_journal adds the "list" it belongs to. @level < 0:
 * compact, as a journal line; else indented by 2 as json-glib's pretty generator does an object
 * at that depth (the caller has written the indent before the opening brace). */
void      _veil_manifest_append_entry   (GString                 *out,
                                         const VeilManifestEntry *entry,
                                         gboolean                 for_journal,
                                         int                      level);
/* @entries (VeilManifestEntry) as a pretty array at depth @level. */
void      _veil_manifest_append_entries (GString                 *out,
                                         GPtrArray               *entries,
                                         int                      level);
/* @root as text ending in '\n', with the header's and the survival report's numbers in their
 * shortest exact form. */
char     *_veil_manifest_node_to_data (JsonNode                *root,
                                       const VeilManifest      *header,
                                       GArray                  *numbers,
                                       gboolean                 pretty,
                                       gsize                   *out_length);

/* Echo filters as a given version of Veil made them (veil-manifest-filters.c) */

/* Whether @tool_version derived echo filters as this version does. */
gboolean  _veil_manifest_echo_is_current (const char      *tool_version);
/* The smallest echo filter @tool_version made: smaller ones in its manifest mean damage. */
guint     _veil_manifest_echo_k_min      (const char      *tool_version);

/* Reading (veil-manifest-read.c) */

/* VEIL_ERROR_MANIFEST naming @path and saying @what is wrong; returns FALSE. */
gboolean  _veil_manifest_damaged       (GError           **error,
                                        const char        *path,
                                        const char        *what);
/* The whole file, or VEIL_ERROR_MANIFEST. */
gboolean  _veil_manifest_read_contents (const char        *path,
                                        char             **out_data,
                                        gsize             *out_length,
                                        GError           **error);
const char *_veil_manifest_get_string  (JsonObject        *object,
                                        const char        *member);
/* The root object of @data, owned by @parser; NULL when it is not a JSON object. */
JsonObject *_veil_manifest_parse_object (JsonParser       *parser,
                                         const char       *data,
                                         gssize            length);
gboolean  _veil_manifest_parse_header  (JsonObject        *root,
                                        const char        *format,
                                        VeilManifest      *manifest);
/* NULL with VEIL_ERROR_MANIFEST naming @path when the entry is incomplete or one of its paths
 * is not a plain relative path inside its folder (veil_confined_check_relative()). */
VeilManifestEntry *_veil_manifest_parse_entry (JsonObject  *object,
                                               gboolean     is_image,
                                               const char  *path,
                                               GError     **error);

/* veil_manifest_load() and veil_manifest_load_journal() on data already read; @path names it in
 * errors. Also what the fuzz target (fuzz/) feeds. */
VeilManifest *_veil_manifest_load_data         (const char  *path,
                                                const char  *data,
                                                gsize        length,
                                                GError     **error);
VeilManifest *_veil_manifest_load_journal_data (const char  *path,
                                                const char  *data,
                                                gsize        length,
                                                GError     **error);

G_END_DECLS
