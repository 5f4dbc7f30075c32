/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-fuzz"

#include "config.h"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "veil-manifest-private.h"

/* The fuzz target of the manifest and journal readers (libFuzzer: build with -Dfuzz=true, run
 * fuzz/run-fuzz). Every input goes through both readers. What must hold for any bytes:
 * - no crash, no sanitizer report, no GLib critical or warning (made fatal below);
 * - an input refused is refused with an error naming the file;
 * - whatever reads back is written as a manifest that reads back again, and writing it a second
 *   time gives the same bytes;
 * - its journal (header and entry lines) reads back with the same entries. */

int LLVMFuzzerInitialize   (int            *argc,
                            char         ***argv);
int LLVMFuzzerTestOneInput (const uint8_t  *data,
                            size_t          size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

static void
check_journal (VeilManifest *manifest)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(VeilManifest) journal = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *header = veil_manifest_journal_header (manifest);
  GPtrArray *lists[] = { manifest->images, manifest->other };

  g_string_append (text, header);
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        g_autofree char *line = veil_manifest_journal_entry (g_ptr_array_index (lists[l], i));
        g_string_append (text, line);
      }
  journal = _veil_manifest_load_journal_data ("written.journal", text->str, text->len, &error);
  if (journal == NULL)
    g_error ("a written journal does not read back: %s", error->message);
  veil_manifest_sort (journal);
  if (journal->images->len != manifest->images->len || journal->other->len != manifest->other->len)
    g_error ("a written journal reads back with other entries");
}

static void
check_round_trip (VeilManifest *manifest)
{
  g_autoptr(VeilManifest) second = NULL;
  g_autoptr(VeilManifest) third = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_data = NULL;
  g_autofree char *second_data = NULL;
  g_autofree char *third_data = NULL;
  gsize first_len, second_len, third_len;

  first_data = veil_manifest_to_data (manifest, &first_len);
  second = _veil_manifest_load_data ("written.json", first_data, first_len, &error);
  if (second == NULL)
    g_error ("a written manifest does not read back: %s", error->message);
  second_data = veil_manifest_to_data (second, &second_len);
  third = _veil_manifest_load_data ("rewritten.json", second_data, second_len, &error);
  if (third == NULL)
    g_error ("a rewritten manifest does not read back: %s", error->message);
  third_data = veil_manifest_to_data (third, &third_len);
  if (second_len != third_len || memcmp (second_data, third_data, second_len) != 0)
    g_error ("writing a manifest again changes it:\n%s\n---\n%s", second_data, third_data);
  check_journal (manifest);
}

/* A refusal is an error that names the file. */
static void
check_refusal (VeilManifest *loaded,
               GError       *error,
               const char   *name)
{
  if (loaded != NULL)
    return;
  if (error == NULL)
    g_error ("refused without an error");
  if (strstr (error->message, name) == NULL)
    g_error ("the error does not name the file: %s", error->message);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(VeilManifest) manifest = NULL;
  g_autoptr(VeilManifest) journal = NULL;
  g_autoptr(GError) manifest_error = NULL;
  g_autoptr(GError) journal_error = NULL;

  manifest = _veil_manifest_load_data ("fuzz.json", (const char *) data, size, &manifest_error);
  check_refusal (manifest, manifest_error, "fuzz.json");
  if (manifest != NULL)
    check_round_trip (manifest);
  journal = _veil_manifest_load_journal_data ("fuzz.journal", (const char *) data, size,
                                              &journal_error);
  check_refusal (journal, journal_error, "fuzz.journal");
  if (journal != NULL)
    check_round_trip (journal);
  return 0;
}
