/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-cli-private.h"

G_BEGIN_DECLS

/* Export progress for people and scripts: a live bar on a terminal (stderr), plain lines every
 * few seconds otherwise, or with @json one JSON event per line on stdout. */
typedef struct _VeilCliProgress VeilCliProgress;

VeilCliProgress *veil_cli_progress_new    (gboolean                  json,
                                           gboolean                  quiet);
void             veil_cli_progress_update (VeilCliProgress          *progress,
                                           const VeilExportProgress *state);
/* Clears the live bar so that what follows starts on a clean line. */
void             veil_cli_progress_finish (VeilCliProgress          *progress);
void             veil_cli_progress_free   (VeilCliProgress          *progress);

/* "1:02:03", "4:05" or "12 s". */
char            *veil_cli_format_duration (double                    seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilCliProgress, veil_cli_progress_free)

G_END_DECLS
