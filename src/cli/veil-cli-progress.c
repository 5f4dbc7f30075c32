/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-cli"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "veil-cli-progress.h"

#define BAR_WIDTH 24
/* Without a terminal nobody watches a line being redrawn: one line now and then is enough. A
 * script reading JSON events wants to follow closely, but not at a line per image. */
#define PLAIN_INTERVAL_US (5 * G_USEC_PER_SEC)
#define JSON_INTERVAL_US G_USEC_PER_SEC

struct _VeilCliProgress {
  gboolean        json;
  gboolean        quiet;
  gboolean        tty;
  gboolean        bar_shown;
  gint64          last_line;
  VeilExportPhase last_phase;
  guint           last_count;  /* of the last line's phase */
};

VeilCliProgress *
veil_cli_progress_new (gboolean json,
                       gboolean quiet)
{
  VeilCliProgress *progress = g_new0 (VeilCliProgress, 1);

  progress->json = json;
  progress->quiet = quiet;
  progress->tty = isatty (STDERR_FILENO);
  return progress;
}

char *
veil_cli_format_duration (double seconds)
{
  guint64 s;

  if (seconds < 0)
    return g_strdup ("?");
  s = (guint64) (seconds + 0.5);
  if (s >= 3600)
    return g_strdup_printf ("%" G_GUINT64_FORMAT ":%02u:%02u", s / 3600, (guint) (s / 60 % 60),
                            (guint) (s % 60));
  if (s >= 60)
    return g_strdup_printf ("%u:%02u", (guint) (s / 60), (guint) (s % 60));
  /* TRANSLATORS: a duration in seconds */
  return g_strdup_printf (_("%u s"), (guint) s);
}

/* Written by hand rather than with json-glib, whose doubles read "12.300000000000001": a rate
 * to a tenth and a whole number of seconds are all a script needs. */
static void
print_json (const VeilExportProgress *state)
{
  char rate[G_ASCII_DTOSTR_BUF_SIZE];
  char eta[G_ASCII_DTOSTR_BUF_SIZE] = "null";

  g_ascii_formatd (rate, sizeof rate, "%.1f", state->images_per_second);
  if (state->eta_seconds >= 0)
    g_ascii_formatd (eta, sizeof eta, "%.0f", state->eta_seconds);
  fprintf (stdout, "{\"event\":\"progress\",\"phase\":\"%s\",\"done\":%u,\"total\":%u,"
           "\"failed\":%u,\"bytes_read\":%" G_GUINT64_FORMAT ",\"images_per_second\":%s,"
           "\"eta_seconds\":%s",
           state->phase == VEIL_EXPORT_PHASE_CHECKING ? "checking" : "writing",
           state->n_done, state->n_total, state->n_failed, state->bytes_read, rate, eta);
  if (state->phase == VEIL_EXPORT_PHASE_CHECKING)
    fprintf (stdout, ",\"checked\":%u,\"to_check\":%u", state->n_checked, state->n_to_check);
  fputs ("}\n", stdout);
  fflush (stdout);
}

/* The count of the phase under way and what it counts up to. */
static void
phase_count (const VeilExportProgress *state,
             guint                    *count,
             guint                    *total)
{
  gboolean checking = state->phase == VEIL_EXPORT_PHASE_CHECKING;

  *count = checking ? state->n_checked : state->n_done;
  *total = checking ? state->n_to_check : state->n_total;
}

/* Whether a line is due: the first of each phase, its last, and otherwise one per
 * @interval_us. */
static gboolean
line_due (VeilCliProgress          *progress,
          const VeilExportProgress *state,
          gint64                    interval_us)
{
  gint64 now = g_get_monotonic_time ();
  gboolean new_phase = progress->last_line == 0 || state->phase != progress->last_phase;
  guint count, total;

  phase_count (state, &count, &total);
  if (!new_phase && now - progress->last_line < interval_us && count < total)
    return FALSE;
  /* The end may be reported twice (last file, then the finish): say it once. */
  if (!new_phase && count == total && progress->last_count == count)
    return FALSE;
  progress->last_line = now;
  progress->last_phase = state->phase;
  progress->last_count = count;
  return TRUE;
}

static void
format_bar (char   *bar,
            double  fraction)
{
  guint filled = (guint) (fraction * BAR_WIDTH);

  for (guint i = 0; i < BAR_WIDTH; i++)
    bar[i] = i < filled ? '#' : '.';
  bar[BAR_WIDTH] = '\0';
}

/* The survival check at the end: every file is written, the sample is being measured. */
static void
update_checking (VeilCliProgress          *progress,
                 const VeilExportProgress *state)
{
  if (progress->tty)
    {
      char bar[BAR_WIDTH + 1];

      format_bar (bar, state->n_to_check > 0 ? (double) state->n_checked / state->n_to_check
                                             : 1.0);
      fputc ('\r', stderr);
      /* TRANSLATORS: the live progress line while the survival check runs: bar, pairs
       * checked/pairs to check */
      fprintf (stderr, _("[%s] Checking that the protection survives shrinking… %u/%u"), bar,
               state->n_checked, state->n_to_check);
      fputs ("\033[K", stderr);
      fflush (stderr);
      progress->bar_shown = TRUE;
      return;
    }

  if (!line_due (progress, state, PLAIN_INTERVAL_US))
    return;
  /* TRANSLATORS: printed now and then while the survival check runs: pairs checked/pairs to
   * check */
  fprintf (stderr, _("Checking that the protection survives shrinking… %u/%u"), state->n_checked,
           state->n_to_check);
  fputc ('\n', stderr);
  fflush (stderr);
}

void
veil_cli_progress_update (VeilCliProgress          *progress,
                          const VeilExportProgress *state)
{
  g_autofree char *eta = NULL;
  double fraction;

  g_return_if_fail (progress != NULL);
  g_return_if_fail (state != NULL);

  if (progress->json)
    {
      if (line_due (progress, state, JSON_INTERVAL_US))
        print_json (state);
      return;
    }
  if (progress->quiet)
    return;
  if (state->phase == VEIL_EXPORT_PHASE_CHECKING)
    {
      update_checking (progress, state);
      return;
    }

  fraction = state->n_total > 0 ? (double) state->n_done / state->n_total : 1.0;
  eta = veil_cli_format_duration (state->eta_seconds);

  if (progress->tty)
    {
      char bar[BAR_WIDTH + 1];

      format_bar (bar, fraction);
      /* The export reports a few times a second: redrawing the line each time is fine. */
      fputc ('\r', stderr);
      if (state->eta_seconds >= 0)
        /* TRANSLATORS: the live progress line: bar, done/total, rate, time left, failures */
        fprintf (stderr, _("[%s] %u/%u  %.1f images/s  %s left  %u failed"), bar, state->n_done,
                 state->n_total, state->images_per_second, eta, state->n_failed);
      else
        /* TRANSLATORS: the live progress line before the time left is known */
        fprintf (stderr, _("[%s] %u/%u  %.1f images/s  %u failed"), bar, state->n_done,
                 state->n_total, state->images_per_second, state->n_failed);
      fputs ("\033[K", stderr);
      fflush (stderr);
      progress->bar_shown = TRUE;
      return;
    }

  if (!line_due (progress, state, PLAIN_INTERVAL_US))
    return;
  if (state->eta_seconds >= 0)
    fprintf (stderr, _("%u of %u images (%.0f%%), %.1f images/s, %s left, %u failed"),
             state->n_done, state->n_total, fraction * 100.0, state->images_per_second, eta,
             state->n_failed);
  else
    fprintf (stderr, _("%u of %u images (%.0f%%), %u failed"), state->n_done, state->n_total,
             fraction * 100.0, state->n_failed);
  fputc ('\n', stderr);
  fflush (stderr);
}

void
veil_cli_progress_finish (VeilCliProgress *progress)
{
  g_return_if_fail (progress != NULL);

  if (progress->bar_shown)
    {
      fputs ("\r\033[K", stderr);
      fflush (stderr);
      progress->bar_shown = FALSE;
    }
}

void
veil_cli_progress_free (VeilCliProgress *progress)
{
  if (progress == NULL)
    return;
  veil_cli_progress_finish (progress);
  g_free (progress);
}
