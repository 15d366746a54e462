/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <vigil/vigil.h>

#include "vigil-reminders.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_APPLICATION (vigil_application_get_type ())
G_DECLARE_FINAL_TYPE (VigilApplication, vigil_application, VIGIL, APPLICATION, AdwApplication)

VigilApplication *vigil_application_new          (void);
const char       *vigil_application_get_data_dir (VigilApplication *self);
void              vigil_application_set_data_dir (VigilApplication *self,
                                                  const char       *data_dir);
VigilWorkspace   *vigil_application_get_workspace (VigilApplication *self);
VigilSession     *vigil_application_get_session  (VigilApplication *self);
/* Returns: (transfer none) (nullable): the reminders, once started up */
VigilReminders   *vigil_application_get_reminders (VigilApplication *self);
char             *vigil_application_dup_session_path (VigilApplication *self);
/* Whether this data folder already has a replica of @server_url. */
gboolean          vigil_application_has_replica  (VigilApplication *self,
                                                  const char       *server_url);
/* Switch to a server with a new sign-in (taken), uploading the incidents of
 * local mode if @upload; or back to local mode. Both run off the main loop;
 * the windows follow. */
void              vigil_application_use_server   (VigilApplication *self,
                                                  VigilSession     *session,
                                                  gboolean          upload);
void              vigil_application_use_local    (VigilApplication *self);

G_END_DECLS
