/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "veil.h"
#include "veil-manifest.h"
#include "veil-paths.h"
#include "veil-shard.h"

G_BEGIN_DECLS

/* Exit statuses, documented in every --help and in veil-cli(1). */
typedef enum {
  VEIL_CLI_EXIT_OK = 0,
  VEIL_CLI_EXIT_FATAL = 1,
  VEIL_CLI_EXIT_USAGE = 2,
  VEIL_CLI_EXIT_SOME_FAILED = 3,
} VeilCliExit;

/* Subcommands: each gets argv with argv[0] set to its own name. */
int veil_cli_keygen_main  (int argc, char **argv);
int veil_cli_keys_main    (int argc, char **argv);
int veil_cli_protect_main (int argc, char **argv);
int veil_cli_preview_main (int argc, char **argv);
int veil_cli_verify_main  (int argc, char **argv);
int veil_cli_scan_main    (int argc, char **argv);
int veil_cli_merge_main   (int argc, char **argv);
int veil_cli_check_main   (int argc, char **argv);

/* A GOptionContext for subcommand @command ("protect"), with a translated summary and the
 * exit statuses as its description. Sets the program name so --help reads
 * "veil-cli protect". */
GOptionContext *_veil_cli_option_context_new (const char *command,
                                              const char *parameter_string,
                                              const char *summary);
/* Parses; on a bad option prints the problem and a hint to stderr and returns FALSE. */
gboolean        _veil_cli_parse              (GOptionContext *context,
                                              int            *argc,
                                              char         ***argv);

/* Prints "veil-cli COMMAND: MESSAGE" and the --help hint to stderr; returns
 * VEIL_CLI_EXIT_USAGE. */
int             _veil_cli_usage_error        (const char *command,
                                              const char *format,
                                              ...) G_GNUC_PRINTF (2, 3);
/* Prints "veil-cli: MESSAGE" to stderr; returns VEIL_CLI_EXIT_FATAL. */
int             _veil_cli_fatal              (const GError *error);

/* The key options shared by protect and preview. */
typedef struct {
  char *key_name;
  char *key_file;
  char *seed;
} VeilCliKeyOptions;

void     _veil_cli_key_options_add   (GOptionContext    *context,
                                      VeilCliKeyOptions *options);
void     _veil_cli_key_options_clear (VeilCliKeyOptions *options);
/* The key the options name. Exactly one of them must be given: otherwise @usage is set and
 * NULL returned with a message in @error. */
VeilKey *_veil_cli_key_options_load  (VeilCliKeyOptions *options,
                                      gboolean          *usage,
                                      GError           **error);

/* --filters (NULL means blur), -k and --pb (NaN when not given: the kind's default strength)
 * into @params, which holds the defaults. */
gboolean _veil_cli_set_filter_options (const char        *filters,
                                       int                k,
                                       double             pb,
                                       VeilProtectParams *params,
                                       GError           **error);

/* "native" or a short side in pixels (16 or more). */
gboolean _veil_cli_parse_training_res (const char *text,
                                       guint      *out,
                                       GError    **error);

/* @arg as a POSIX shell word: as it is when it holds only safe characters, else in straight
 * single quotes. For commands printed for pasting. */
char    *_veil_cli_shell_quote        (const char *arg);

/* Prints a JSON object built by @builder as one line on stdout. */
void     _veil_cli_print_json         (JsonBuilder *builder);

/* The survival report in words on stdout: a line per class (with @all_classes, else only the
 * failing ones when there are many), the numbers behind each verdict with @details, and the
 * overall sentence (see veil-cli-survival.c). */
void     _veil_cli_print_survival      (const VeilSurvivalReport *report,
                                        gboolean                  all_classes,
                                        gboolean                  details);
/* The report as one JSON line: {"event": @event (omitted when NULL), "survival": {...}}. */
void     _veil_cli_print_survival_json (const VeilSurvivalReport *report,
                                        const char               *event);

G_END_DECLS
