/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vigil-forms.h"
#include "vigil-op.h"

G_BEGIN_DECLS

/* A copy that shares nothing: json_node_copy() only takes references on
 * objects and arrays, so editing its result would edit the original. */
JsonNode *vigil_json_node_deep_copy (JsonNode *node);

/* Applies a form.update, item.add, item.update or item.remove operation to
 * @result (a copy that vigil_op_apply() owns), appending {"field", "old",
 * "new"} objects to @changes. Leaves @result untouched when it fails. */
gboolean vigil_forms_apply_op (VigilOp           *op,
                               VigilIncident     *result,
                               VigilPolicyFlags   policy,
                               JsonArray         *changes,
                               GError           **error);

/* Records a lead's decision on the notification @item_id of @result (the
 * checks are the operation's), appending its changes. */
void     vigil_forms_record_notification_decision (VigilOp        *op,
                                                   VigilIncident  *result,
                                                   const char     *item_id,
                                                   gboolean        approve,
                                                   const char     *comment,
                                                   const char     *sha256,
                                                   JsonArray      *changes);

G_END_DECLS
