/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-export"

/* Writes the journal of a running export: a header line with the settings, then one line per
 * finished file, appended as the export goes (a batch of lines at a time) and synced at least
 * once a second. It is what
 * --resume reads after a crash, a kill, a cancel or a full disk; the finished export replaces
 * it with veil-manifest.json. The lines themselves are made and read by
 * veil-manifest-journal-format.c. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "veil-error.h"
#include "veil-paths.h"
#include "veil-export-private.h"

/* The journal reaches the disk at least once a second: a crash loses at most that much work. */
#define JOURNAL_SYNC_INTERVAL_US G_USEC_PER_SEC
/* Lines wait in memory until the collector has taken every result at hand (see run_jobs() in
 * veil-export.c), or this many bytes: one write() per batch instead of one per file. */
#define JOURNAL_PENDING_BYTES (64 * 1024)

static gboolean
journal_fail (VeilExportJournal  *journal,
              int                 saved_errno,
              GError            **error)
{
  veil_paths_set_write_error (error, journal->path, saved_errno);
  return FALSE;
}

/* Starts the journal afresh with the header and the entries carried over, atomically, so that
 * a torn line of an earlier crash never stays in the middle of it. */
gboolean
_veil_export_journal_open (VeilExportJournal   *journal,
                           const char          *path,
                           const VeilManifest  *header,
                           GPtrArray           *kept,
                           GError             **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) local_error = NULL;

  journal->fd = -1;
  journal->path = g_strdup (path);
  journal->last_sync = g_get_monotonic_time ();

  {
    g_autofree char *line = veil_manifest_journal_header (header);
    g_string_append (text, line);
  }
  for (guint i = 0; i < kept->len; i++)
    {
      g_autofree char *line = veil_manifest_journal_entry (g_ptr_array_index (kept, i));
      g_string_append (text, line);
    }
  if (!g_file_set_contents_full (path, text->str, (gssize) text->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0644, &local_error))
    {
      /* GLib's own message names a temporary file; name the journal instead. */
      int saved_errno = g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOSPC) ? ENOSPC
                        : g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_ACCES) ? EACCES
                        : g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_ROFS) ? EROFS
                        : 0;

      if (saved_errno != 0)
        return journal_fail (journal, saved_errno, error);
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_WRITE, "%s", local_error->message);
      return FALSE;
    }
  /* The file just renamed into place: never a symlink put there since. */
  journal->fd = g_open (path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0);
  if (journal->fd < 0)
    return journal_fail (journal, errno, error);
  return TRUE;
}

/* The lines waiting in memory, written out. A line cut short by a full disk is harmless: the
 * journal's reader ignores an incomplete last line, and the next run starts the journal
 * afresh. */
static gboolean
write_pending (VeilExportJournal  *journal,
               GError            **error)
{
  gboolean written;
  int saved_errno;

  if (journal->pending == NULL || journal->pending->len == 0)
    return TRUE;
  written = veil_paths_write_all (journal->fd, journal->pending->str, journal->pending->len);
  saved_errno = errno;
  g_string_truncate (journal->pending, 0);
  return written || journal_fail (journal, saved_errno, error);
}

static gboolean
sync_now (VeilExportJournal  *journal,
          GError            **error)
{
  journal->last_sync = g_get_monotonic_time ();
  if (journal->fd >= 0 && fdatasync (journal->fd) != 0)
    return journal_fail (journal, errno, error);
  return TRUE;
}

gboolean
_veil_export_journal_sync (VeilExportJournal  *journal,
                           GError            **error)
{
  return write_pending (journal, error) && sync_now (journal, error);
}

gboolean
_veil_export_journal_flush (VeilExportJournal  *journal,
                            GError            **error)
{
  if (!write_pending (journal, error))
    return FALSE;
  if (g_get_monotonic_time () - journal->last_sync >= JOURNAL_SYNC_INTERVAL_US)
    return sync_now (journal, error);
  return TRUE;
}

gboolean
_veil_export_journal_append (VeilExportJournal        *journal,
                             const VeilManifestEntry  *entry,
                             GError                  **error)
{
  g_autofree char *line = veil_manifest_journal_entry (entry);

  if (journal->pending == NULL)
    journal->pending = g_string_sized_new (JOURNAL_PENDING_BYTES);
  g_string_append (journal->pending, line);
  if (journal->pending->len >= JOURNAL_PENDING_BYTES)
    return _veil_export_journal_flush (journal, error);
  return TRUE;
}

void
_veil_export_journal_close (VeilExportJournal *journal)
{
  if (journal->fd >= 0)
    {
      write_pending (journal, NULL);
      sync_now (journal, NULL);
      close (journal->fd);
    }
  journal->fd = -1;
  g_clear_pointer (&journal->path, g_free);
  if (journal->pending != NULL)
    g_string_free (g_steal_pointer (&journal->pending), TRUE);
}
