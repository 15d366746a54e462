/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <vigil/vigil.h>

G_BEGIN_DECLS

/* Removes @dir and everything below it; the test fails on a leftover. */
void           test_core_remove_tree (const char *dir);

/**
 * test_core_apply:
 * @incident: (nullable): the incident the operation is for; %NULL makes one
 * @squoted_payload: the payload JSON, with ' standing for "
 *
 * Applies one operation through @store as the app does, made now on the
 * incident's current revision, and fails the test when it is refused.
 *
 * Returns: (transfer full): the incident after it
 */
VigilIncident *test_core_apply       (VigilStore    *store,
                                      VigilIncident *incident,
                                      const char    *kind,
                                      const char    *actor,
                                      VigilRole      role,
                                      const char    *squoted_payload);

G_END_DECLS
