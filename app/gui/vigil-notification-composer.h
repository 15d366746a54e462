/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include <vigil/vigil.h>

G_BEGIN_DECLS

#define VIGIL_TYPE_NOTIFICATION_COMPOSER (vigil_notification_composer_get_type ())
G_DECLARE_FINAL_TYPE (VigilNotificationComposer, vigil_notification_composer,
                      VIGIL, NOTIFICATION_COMPOSER, AdwWindow)

typedef enum {
  VIGIL_NOTIFICATION_EML,
  VIGIL_NOTIFICATION_MARKDOWN,
  VIGIL_NOTIFICATION_PDF,
} VigilNotificationFormat;

/**
 * vigil_notification_composer_new:
 * @item_id: (nullable): the notification to reopen, or %NULL for a new one
 * @editable: %FALSE to only show it (a sent notification is never editable)
 *
 * Writes a notification of step 10 from a template, filled with the
 * incident's current data. Save Draft sends item.add or item.update through
 * the workspace; Mark as Sent records channel, time and recipients in one
 * item.update, after which the core keeps the entry as sent.
 */
GtkWidget   *vigil_notification_composer_new          (GtkWindow                 *parent,
                                                       VigilWorkspace            *workspace,
                                                       VigilIncident             *incident,
                                                       const char                *item_id,
                                                       gboolean                   editable);
gboolean     vigil_notification_composer_select_template (VigilNotificationComposer *self,
                                                       const char                *template_id);
/* "next_update" or "contact": as if typed in their fields */
void         vigil_notification_composer_set_extra    (VigilNotificationComposer *self,
                                                       const char                *name,
                                                       const char                *value);
void         vigil_notification_composer_set_recipients (VigilNotificationComposer *self,
                                                       const char                *text);
char        *vigil_notification_composer_dup_subject  (VigilNotificationComposer *self);
char        *vigil_notification_composer_dup_body     (VigilNotificationComposer *self);
void         vigil_notification_composer_set_body     (VigilNotificationComposer *self,
                                                       const char                *body);
/* Returns: (transfer none): the placeholders still to fill in, as listed */
const char * const *vigil_notification_composer_get_gaps (VigilNotificationComposer *self);
const char  *vigil_notification_composer_get_item_id  (VigilNotificationComposer *self);
gboolean     vigil_notification_composer_get_editable (VigilNotificationComposer *self);
gboolean     vigil_notification_composer_get_busy     (VigilNotificationComposer *self);
/* The error shown in the composer, or %NULL */
const char  *vigil_notification_composer_get_problem  (VigilNotificationComposer *self);
/**
 * vigil_notification_composer_mark_sent:
 * @recipients: (nullable): one address or name per element
 *
 * What the Mark as Sent dialog does once confirmed.
 */
void         vigil_notification_composer_mark_sent    (VigilNotificationComposer *self,
                                                       const char                *channel,
                                                       GDateTime                 *sent_at,
                                                       const char * const        *recipients);
/* Writes the notification as shown, as "Save as…" does. */
gboolean     vigil_notification_composer_export       (VigilNotificationComposer *self,
                                                       VigilNotificationFormat    format,
                                                       GFile                     *file,
                                                       GError                   **error);

/**
 * vigil_notification_fill_list:
 *
 * Shows the notifications of @incident in @list: audience, status and
 * subject, each opening the composer (read-only once sent).
 */
void         vigil_notification_fill_list             (GtkListBox                *list,
                                                       VigilWorkspace            *workspace,
                                                       VigilIncident             *incident,
                                                       gboolean                   editable);

G_END_DECLS
