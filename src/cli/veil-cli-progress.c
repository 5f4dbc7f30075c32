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
  gboolean json;
  gboolean quiet;
  gboolean tty;
  gboolean bar_shown;
  gint64   last_line;
  guint    last_done;
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
  fprintf (stdout, "{\"event\":\"progress\",\"done\":%u,\"total\":%u,\"failed\":%u,"
           "\"bytes_read\":%" G_GUINT64_FORMAT ",\"images_per_second\":%s,"
           "\"eta_seconds\":%s}\n",
           state->n_done, state->n_total, state->n_failed, state->bytes_read, rate, eta);
  fflush (stdout);
}

/* Whether a line is due: the first, the last, and otherwise one per @interval_us. */
static gboolean
line_due (VeilCliProgress          *progress,
          const VeilExportProgress *state,
          gint64                    interval_us)
{
  gint64 now = g_get_monotonic_time ();

  if (progress->last_line != 0 && now - progress->last_line < interval_us
      && state->n_done < state->n_total)
    return FALSE;
  /* The end may be reported twice (last file, then the finish): say it once. */
  if (progress->last_line != 0 && state->n_done == state->n_total
      && progress->last_done == state->n_done)
    return FALSE;
  progress->last_line = now;
  progress->last_done = state->n_done;
  return TRUE;
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

  fraction = state->n_total > 0 ? (double) state->n_done / state->n_total : 1.0;
  eta = veil_cli_format_duration (state->eta_seconds);

  if (progress->tty)
    {
      char bar[BAR_WIDTH + 1];
      guint filled = (guint) (fraction * BAR_WIDTH);

      for (guint i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
      bar[BAR_WIDTH] = '\0';
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
