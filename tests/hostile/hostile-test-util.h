/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Helpers of the hostile-input tests (on top of tests/cli/cli-test-util.h). */

/* Seconds any one veil-cli run may take before the test fails as a hang. */
#define HOSTILE_TIMEOUT_S 60

/* Runs veil-cli as cli_run_full() does, but kills it and fails the test when it has not
 * finished within HOSTILE_TIMEOUT_S. Returns the exit status (-1 when killed by a signal). */
int         hostile_run            (const char          *home,
                                    const char * const  *env,
                                    char               **out_stdout,
                                    char               **out_stderr,
                                    ...) G_GNUC_NULL_TERMINATED;

/* Starts veil-cli without waiting; hostile_wait() then collects it as hostile_run() does. */
GSubprocess *hostile_spawn         (const char          *home,
                                    ...) G_GNUC_NULL_TERMINATED;
int         hostile_wait           (GSubprocess         *process,
                                    char               **out_stdout,
                                    char               **out_stderr);

/* The contents of the sentinel's private file, secret.txt. */
#define HOSTILE_SENTINEL_SECRET "top secret: the sentinel's private words\n"

/* Makes a small tree of sentinel files (one private, one public, one nested) in @dir. */
void        hostile_make_sentinel  (const char          *dir);

/* The secret of the key @name in the key store below @home: its hex text as stored and its raw
 * bytes, one after the other, so hostile_assert_absent() finds either form. */
GBytes     *hostile_key_secret     (const char          *home,
                                    const char          *name);

/* Asserts that no file below @root contains @secret (or any 16-byte window of it). */
void        hostile_assert_absent  (const char          *root,
                                    GBytes              *secret);

/* Asserts that @text contains @needle, printing both otherwise. */
#define hostile_assert_mentions(text, needle) \
  G_STMT_START { \
    const char *__t = (text), *__n = (needle); \
    if (__t == NULL || strstr (__t, __n) == NULL) \
      g_error ("expected “%s” in:\n%s", __n, __t != NULL ? __t : "(null)"); \
  } G_STMT_END

G_END_DECLS
