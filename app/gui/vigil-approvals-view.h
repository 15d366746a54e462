/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <vigil/vigil.h>

G_BEGIN_DECLS

#define VIGIL_TYPE_APPROVALS_VIEW (vigil_approvals_view_get_type ())
G_DECLARE_FINAL_TYPE (VigilApprovalsView, vigil_approvals_view, VIGIL, APPROVALS_VIEW, AdwBin)

/* Step 8: the submissions waiting for the incident response lead, oldest
 * first, with the read-only summary of steps 1-7, what changed since a
 * previous submission, and Approve / Reject with a comment. */
void           vigil_approvals_view_set_workspace (VigilApprovalsView *self,
                                                   VigilWorkspace     *workspace);
guint          vigil_approvals_view_get_n_pending (VigilApprovalsView *self);
void           vigil_approvals_view_set_comment   (VigilApprovalsView *self,
                                                   const char         *comment);
/* Returns: (nullable): the notice shown above the decision, if any */
const char    *vigil_approvals_view_get_notice    (VigilApprovalsView *self);
/* Returns: (transfer none) (nullable): the submission shown */
VigilIncident *vigil_approvals_view_get_shown     (VigilApprovalsView *self);
/* Returns: (nullable): the id of the notification shown, when the incident
 *   shown waits for a decision on a notification rather than on steps 1-7 */
const char    *vigil_approvals_view_get_shown_notification (VigilApprovalsView *self);

G_END_DECLS
