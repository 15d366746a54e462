/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <vigil/vigil.h>

G_BEGIN_DECLS

#define VIGIL_TYPE_REMINDERS (vigil_reminders_get_type ())
G_DECLARE_FINAL_TYPE (VigilReminders, vigil_reminders, VIGIL, REMINDERS, GObject)

VigilReminders *vigil_reminders_new            (GApplication   *application);
void            vigil_reminders_set_workspace  (VigilReminders *self,
                                                VigilWorkspace *workspace);
/* Returns: (transfer container) (element-type VigilReminder): what is still
 * to be given as of @now, earliest first (borrowed reminders) */
GPtrArray      *vigil_reminders_list_pending   (VigilReminders *self,
                                                GDateTime      *now);
/* Gives every reminder due at @now that was not given in this run yet.
 * Returns: how many were given */
guint           vigil_reminders_fire           (VigilReminders *self,
                                                GDateTime      *now);
/* Returns: (nullable): when the one timeout goes off next */
GDateTime      *vigil_reminders_get_scheduled  (VigilReminders *self);

G_END_DECLS
