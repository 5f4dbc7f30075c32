/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "veil-application.h"
#include "veil-window-private.h"
#include "veil-export-dialog.h"

G_BEGIN_DECLS

/* How long a test waits for something the application does asynchronously: generous, because
 * CI runs on a loaded 2-core machine, and a wait ends as soon as its condition holds. */
#define UI_TEST_TIMEOUT_S 60

/* Iterates the main context until @expr holds; fails the test naming @what after @seconds.
 * Checks of asynchronous work wait with this (or ui_test_wait_until), never for a fixed
 * time. */
#define UI_TEST_WAIT_FOR(expr, seconds, what)                                         \
  G_STMT_START {                                                                      \
    gint64 _ui_end = g_get_monotonic_time () + (gint64) ((seconds) * G_USEC_PER_SEC); \
    while (!(expr))                                                                   \
      {                                                                               \
        if (g_get_monotonic_time () > _ui_end)                                        \
          g_error ("Timed out after %d s waiting for %s", (int) (seconds), (what));   \
        if (!g_main_context_iteration (NULL, FALSE))                                  \
          g_usleep (1000);                                                            \
      }                                                                               \
  } G_STMT_END

/* Starts the real application (registered on the test's private bus) and returns its window. */
VeilWindow *ui_test_start_app       (VeilApplication **app_out);
/* Iterates the main context until @cond returns TRUE; fails the test after @timeout_ms. */
void        ui_test_wait_until      (gboolean   (*cond) (gpointer data),
                                     gpointer     data,
                                     guint        timeout_ms,
                                     const char  *what);
void        ui_test_wait_ms         (guint        ms);
/* A temporary folder for the test's own XDG data and config folders and a memory GSettings
 * backend, set in the environment; call before GLib first reads them. Remove it with
 * veil_test_rm_rf(). */
char       *ui_test_make_private_home (const char *name_template);
/* The first visible toplevel of @type, or NULL. */
GtkWidget  *ui_test_find_toplevel   (GType        type);
/* Waits until a toplevel of @type is mapped and laid out (its first frame drawn), and returns
 * it: a test drives a window only once it is on screen, as a person would. */
GtkWidget  *ui_test_wait_toplevel   (GType        type,
                                     const char  *what);
/* Waits until @widget is mapped, then for @n_frames frames to be drawn. */
void        ui_test_wait_frames     (GtkWidget   *widget,
                                     guint        n_frames,
                                     const char  *what);
/* Waits until @window is mapped and laid out. */
void        ui_test_wait_mapped     (GtkWidget   *window,
                                     const char  *what);
/* Waits until no visible toplevel of @type is left. */
void        ui_test_wait_no_toplevel (GType       type,
                                      const char *what);
/* @widget or its first descendant of @type, or NULL. */
GtkWidget  *ui_test_find_descendant (GtkWidget   *widget,
                                     GType        type);
/* The descendant of @type (or @widget itself) that comes @n-th (from 0) in depth-first order,
 * or NULL. */
GtkWidget  *ui_test_find_nth_descendant (GtkWidget *widget,
                                         GType      type,
                                         guint      n);
/* The @n-th (from 0) widget of @type in @window's adjust panel, in the panel's order; fails
 * the test when there is none. */
GtkWidget  *ui_test_panel_widget    (VeilWindow  *window,
                                     GType        type,
                                     guint        n);
/* Opens the export dialog as Ctrl+E does (the window's "win.export") and waits for it. */
VeilExportDialog *ui_test_open_export_dialog (GtkWidget *window);
/* For ui_test_wait_until: whether the export dialog @dialog has left its setup and running
 * states (finished, failed or cancelled). */
gboolean    ui_test_export_finished (gpointer     dialog);
/* Makes the key named @name the active one, creating it first when the key list has none. */
void        ui_test_use_key         (const char  *name);
/* Clicks @button as Space or Enter on it does (it must be sensitive), and waits for its
 * "clicked", which comes a moment later. */
void        ui_test_press           (GtkButton   *button);
/* Space on the focused switch @sw (it must be sensitive); waits for it to flip, at the end of
 * its animation. */
void        ui_test_flip            (GtkSwitch   *sw);
/* The first AdwPreferencesRow of @type (or a subtype) under @widget titled @title, or NULL. */
GtkWidget  *ui_test_find_row        (GtkWidget   *widget,
                                     GType        type,
                                     const char  *title);
/* Whether a visible label or row title/subtitle under @widget contains @needle. */
gboolean    ui_test_shows_text      (GtkWidget   *widget,
                                     const char  *needle);
/* A labeled folder of @n_classes × @n_images random PNGs of @width×@height. */
char       *ui_test_make_dataset    (guint        n_classes,
                                     guint        n_images,
                                     int          width,
                                     int          height);
/* Opens @path and waits until the first image's preview is on screen. */
void        ui_test_open_and_wait   (VeilWindow  *window,
                                     const char  *path);
/* The application's window, 1200 × 800, on the bundled samples ($VEIL_SAMPLES_DIR) with a new
 * key named @key_name and the adjust panel shown: where the settings tests start. */
VeilWindow *ui_test_open_samples_window (VeilApplication **app_out,
                                         const char       *key_name);
/* Closes @window and lets it go. */
void        ui_test_close_window    (VeilWindow  *window);
/* Waits for the preview to settle (no decode or update pending). */
void        ui_test_wait_preview    (VeilWindow  *window);
/* @widget as it looks, to $G_TEST_BUILDDIR/screenshots/@name for a person to look at. */
void        ui_test_save_screenshot (GtkWidget   *widget,
                                     const char  *name);
/* The texture's pixels as RGBA bytes. */
GBytes     *ui_test_download        (GdkTexture  *texture);

G_END_DECLS
