/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "vigil-incident-page.h"
#include "vigil-window.h"

G_BEGIN_DECLS

/* How long a GUI test waits for anything before it fails. */
#define TEST_GUI_WAIT_SECONDS 30

gboolean   test_gui_wait_timeout_cb (gpointer    what);

/* Spins the default main context until @cond holds; a stuck wait fails the
 * test, naming @what. */
#define WAIT_UNTIL(cond, what)                                                    \
  G_STMT_START {                                                                  \
    guint _guard = g_timeout_add_seconds (TEST_GUI_WAIT_SECONDS,                  \
                                          test_gui_wait_timeout_cb,               \
                                          (gpointer) (what));                     \
    while (!(cond))                                                               \
      g_main_context_iteration (NULL, TRUE);                                      \
    g_source_remove (_guard);                                                     \
  } G_STMT_END

/* Opens the display and libadwaita, after g_test_init(). Without a display
 * it prints a TAP skip and returns FALSE (main then returns 0), or fails
 * when $CI is set. Not gtk_test_init(): that aborts instead. */
gboolean   test_gui_init_display    (void);

/* Runs what is ready on the default main context. */
void       test_gui_drain           (void);

/* The first widget below @root (itself included), depth first, with this
 * builder id or of this type. */
GtkWidget *test_gui_find_by_id      (GtkWidget  *root,
                                     const char *id);
GtkWidget *test_gui_find_by_type    (GtkWidget  *root,
                                     GType       type);
/* The first label whose text contains @text, and the first widget named
 * @name (gtk_widget_set_name()). */
GtkWidget *test_gui_find_label_containing (GtkWidget  *root,
                                           const char *text);
GtkWidget *test_gui_find_by_name    (GtkWidget  *root,
                                     const char *name);
/* A visible label below @root whose text is @text. */
GtkWidget *test_gui_find_label      (GtkWidget  *root,
                                     const char *text);

/* Lets the main loop run for @ms. */
void       test_gui_pause_ms        (guint       ms);
/* Waits until @widget's window painted a frame. */
void       test_gui_wait_painted    (GtkWidget  *widget);
/* Saves @window as $VIGIL_SHOT_DIR/@name.png after a paint; then, in the
 * dark style, as @name-dark.png. Nothing without VIGIL_SHOT_DIR. */
void       test_gui_shoot           (GtkWindow  *window,
                                     const char *name);

/* Runs the shortcut bound to @keyval + @mods on @widget, as a key press
 * would; fails the test when there is none. */
void       test_gui_press_shortcut  (GtkWidget       *widget,
                                     guint            keyval,
                                     GdkModifierType  mods);

/* The name of the window's visible page: "board", "incident", … */
const char        *test_gui_window_page   (VigilWindow    *window);
/* A new window on @workspace (a reference the caller owns), @width by
 * @height when not 0, shown, once the board loaded. */
VigilWindow       *test_gui_open_window   (VigilWorkspace *workspace,
                                           int             width,
                                           int             height);
/* Opens the incident @id in @window and, unless 0, its step @step. */
VigilIncidentPage *test_gui_open_incident (VigilWindow    *window,
                                           const char     *id,
                                           guint           step);

G_END_DECLS
