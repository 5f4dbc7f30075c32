/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "veil-types.h"

G_BEGIN_DECLS

/* veil-manifest.json: what an export did, file by file, and the journal that lets an
 * interrupted export resume. The format:
 *
 *   { "format": "veil-manifest", "version": 1, "tool": {"name", "version"},
 *     "parameters": {filters ("blur"|"echo", absent: blur), k, pb, mix, training_res ("native"
 *                    or pixels), keep_detail, decoy (absent: false), format, jpeg_quality,
 *                    copy_other},
 *     "key": {"kind": "secret"|"seed", "fingerprint"},   never the key or the seed itself
 *     "classes": [...], "shard": {"index" (1-based), "count"} only in a shard's manifest,
 *     "summary": {...counts...},
 *     "survival": {...} the survival report (veil_survival_report_to_json_builder() in
 *                 veil-survival.h): only in the manifest of a whole export that checked it,
 *                 never in a shard's manifest or the journal,
 *     "images": [{index, source, class, status, output, sha256 | error, notes, source_size,
 *                 source_mtime}...] in dataset order, "notes" only when the image was converted,
 *                reduced to 8 bits or cut to its first frame,
 *     "other":  [{index, source, reason, status, output, sha256, message, source_size,
 *                 source_mtime}...] in scan order }
 *   source_size and source_mtime (nanoseconds since 1970) describe the source file as it was
 *   read, for a resume to redo an input that changed since; absent when it was never read.
 *
 * Paths are relative to the input or output root. A path or class name that is not valid UTF-8
 * is stored as its UTF-8 rendering (invalid bytes as U+FFFD) in "source"/"output"/"class", plus
 * the exact bytes in base64 in "source_raw"/"output_raw"/"class_raw"; "classes" then comes with
 * "classes_raw", every name in base64. The file is always valid UTF-8 JSON. Nothing depends on
 * time, so an export resumed after a crash writes the same bytes as one that ran straight
 * through.
 *
 * Reading trusts nothing: every "source" and "output" must be a plain relative path inside its
 * folder and every class a plain folder name (veil_confined_check_relative()), or the file is
 * refused as damaged, naming the entry. Files are read only when they are regular files.
 *
 * The journal (veil-manifest.journal) is one JSON object per line: a header line with the
 * settings, then one line per finished file, appended as the export goes. */

typedef enum {
  VEIL_MANIFEST_STATUS_PROTECTED, /* images: protected and written */
  VEIL_MANIFEST_STATUS_UNCHANGED, /* images: left unprotected under mix < 1, written as is */
  VEIL_MANIFEST_STATUS_FAILED,    /* could not be read or decoded: see message */
  VEIL_MANIFEST_STATUS_COPIED,    /* other: copied byte for byte (copy_other) */
  VEIL_MANIFEST_STATUS_SKIPPED,   /* other: not written */
} VeilManifestStatus;

typedef struct {
  gboolean            is_image;   /* in "images" (else in "other") */
  guint               index;      /* dataset image index, or the scan's skipped-file index */
  char               *source;     /* relative path, file-system bytes */
  char               *class_name; /* images only */
  VeilManifestStatus  status;
  char               *output;     /* relative path, file-system bytes; NULL when none */
  char               *sha256;     /* of the output, hex; NULL when none */
  char               *reason;     /* other only: "hidden", "not-image", "outside-class", ... */
  char               *message;    /* the error (failed) or the scan's note (other) */
  VeilImageNotes      notes;      /* images: "notes" ["converted", "8-bit", "first-frame"] */
  /* The source as it was when read, so that a resume can tell a changed input: its size in
   * bytes and modification time in nanoseconds since 1970. Only when @has_source_stat. */
  gboolean            has_source_stat;
  guint64             source_size;
  gint64              source_mtime_ns;
} VeilManifestEntry;

typedef struct {
  char              *tool_version;
  VeilFilterKind     kind;
  guint              k;
  double             pb;
  double             mix;
  guint              training_res;
  gboolean           keep_detail;  /* detail-preserving protection (veil-detail.h) */
  gboolean           decoy;        /* one class, chosen by the key, left as it is
                                    * (veil-filter-decoy.h) */
  VeilOutputFormat   format;
  int                jpeg_quality;
  gboolean           copy_other;
  VeilKeyKind        key_kind;
  char              *key_fingerprint;
  GStrv              classes;
  guint              shard_index; /* 0-based */
  guint              shard_count; /* 0 = not sharded */
  GPtrArray         *images;      /* VeilManifestEntry, owned */
  GPtrArray         *other;       /* VeilManifestEntry, owned */
  JsonNode          *survival;    /* owned, NULL when the export was not checked */
} VeilManifest;

VeilManifestEntry *veil_manifest_entry_new  (void);
VeilManifestEntry *veil_manifest_entry_copy (const VeilManifestEntry *entry);
void               veil_manifest_entry_free (VeilManifestEntry       *entry);
const char        *veil_manifest_status_to_string (VeilManifestStatus status);

VeilManifest *veil_manifest_new  (void);
void          veil_manifest_free (VeilManifest *manifest);
/* Takes ownership of @entry and files it under "images" or "other". */
void          veil_manifest_add  (VeilManifest      *manifest,
                                  VeilManifestEntry *entry);
/* Sorts both lists by index; later duplicates of an index replace earlier ones. */
void          veil_manifest_sort (VeilManifest *manifest);

/* Pretty-printed JSON with a final newline, entries sorted. */
char         *veil_manifest_to_data (VeilManifest *manifest,
                                     gsize        *out_length);
/* Writes atomically and durably; VEIL_ERROR_WRITE on failure. */
gboolean      veil_manifest_save    (VeilManifest *manifest,
                                     const char   *path,
                                     GError      **error);
/* VEIL_ERROR_MANIFEST when damaged or not a manifest, naming the file. */
VeilManifest *veil_manifest_load    (const char   *path,
                                     GError      **error);

/* Journal lines, each ending in '\n'. */
char         *veil_manifest_journal_header (const VeilManifest      *manifest);
char         *veil_manifest_journal_entry  (const VeilManifestEntry *entry);
/* Reads a journal: its header and every complete entry line. A last line cut short by a
 * crash is ignored; any other damage is VEIL_ERROR_MANIFEST. */
VeilManifest *veil_manifest_load_journal   (const char   *path,
                                            GError      **error);

/* Whether two manifests were made with the same settings (tool version, parameters, key,
 * classes, shard). Otherwise VEIL_ERROR_MANIFEST saying which setting differs. */
gboolean      veil_manifest_same_settings  (const VeilManifest *a,
                                            const VeilManifest *b,
                                            GError            **error);

/* Merges the manifests of all N shards of one export (any order) into the manifest one
 * unsharded run would have written, without "survival" (see veil_survival_check_manifest()).
 * Fails with VEIL_ERROR_MANIFEST when they do not belong
 * together or a shard is missing or repeated. */
VeilManifest *veil_manifest_merge (GPtrArray *shards,
                                   GError   **error);

/* The filter bank the export was made with, from @key (whose fingerprint the caller has
 * compared with the manifest's) and the recorded classes (at least one), kind, k, p_b and decoy.
 * VEIL_ERROR_MANIFEST when the manifest records filters this version of Veil derives
 * differently. */
VeilFilterBank *veil_manifest_new_filter_bank (const VeilManifest  *manifest,
                                               VeilKey             *key,
                                               GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilManifest, veil_manifest_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilManifestEntry, veil_manifest_entry_free)

G_END_DECLS
