/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-cli"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "veil-cli-progress.h"

#define BAR_WIDTH 24
/* Without a terminal nobody watches a line being redrawn: one line now and then is enough. */
#define PLAIN_INTERVAL_US (5 * G_USEC_PER_SEC)

struct _VeilCliProgress {
  gboolean json;
  gboolean quiet;
  gboolean tty;
  gboolean bar_shown;
  gint64   last_plain;
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

static void
print_json (const VeilExportProgress *state)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, "progress");
  json_builder_set_member_name (builder, "done");
  json_builder_add_int_value (builder, state->n_done);
  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, state->n_total);
  json_builder_set_member_name (builder, "failed");
  json_builder_add_int_value (builder, state->n_failed);
  json_builder_set_member_name (builder, "bytes_read");
  json_builder_add_int_value (builder, (gint64) state->bytes_read);
  json_builder_set_member_name (builder, "images_per_second");
  json_builder_add_double_value (builder, state->images_per_second);
  json_builder_set_member_name (builder, "eta_seconds");
  if (state->eta_seconds >= 0)
    json_builder_add_double_value (builder, state->eta_seconds);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  _veil_cli_print_json (builder);
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
      /* TRANSLATORS: the live progress line: bar, done/total, rate, time left, failures */
      fputc ('\r', stderr);
      fprintf (stderr, _("[%s] %u/%u  %.1f images/s  %s left  %u failed"), bar, state->n_done,
               state->n_total, state->images_per_second, eta, state->n_failed);
      fputs ("\033[K", stderr);
      fflush (stderr);
      progress->bar_shown = TRUE;
      return;
    }

  {
    gint64 now = g_get_monotonic_time ();

    if (progress->last_plain != 0 && now - progress->last_plain < PLAIN_INTERVAL_US
        && state->n_done < state->n_total)
      return;
    progress->last_plain = now;
    fprintf (stderr, _("%u of %u images (%.0f%%), %.1f images/s, %s left, %u failed"),
             state->n_done, state->n_total, fraction * 100.0, state->images_per_second, eta,
             state->n_failed);
    fputc ('\n', stderr);
    fflush (stderr);
  }
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
