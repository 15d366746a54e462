/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vigil-application.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_PREFERENCES_WINDOW (vigil_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (VigilPreferencesWindow, vigil_preferences_window, VIGIL,
                      PREFERENCES_WINDOW, AdwPreferencesWindow)

/* Sign-in to a server, sign-out, and the role of local mode. */
VigilPreferencesWindow *vigil_preferences_window_new       (VigilApplication       *application);
void                    vigil_preferences_window_sign_in   (VigilPreferencesWindow *self,
                                                            const char             *url,
                                                            const char             *user,
                                                            const char             *password);
/* Replaces the bank holidays of the states in @file (local mode), as the
 * Import button does once a file is chosen. */
void                    vigil_preferences_window_import_holidays (VigilPreferencesWindow *self,
                                                                  GFile                  *file);
/* Returns: (nullable): the error shown, if any */
const char             *vigil_preferences_window_get_error (VigilPreferencesWindow *self);

G_END_DECLS
