/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vigil-incident.h"
#include "vigil-op.h"

G_BEGIN_DECLS

#define VIGIL_NOTIFY_ERROR (vigil_notify_error_quark ())

/**
 * VigilNotifyError:
 * @VIGIL_NOTIFY_ERROR_UNKNOWN_PLACEHOLDER: a template names a placeholder
 *   that does not exist (the message names it)
 * @VIGIL_NOTIFY_ERROR_BAD_TEMPLATE: a template file lacks its header lines
 *   or has an unclosed placeholder
 * @VIGIL_NOTIFY_ERROR_WRITE: an export could not be written
 * @VIGIL_NOTIFY_ERROR_GAPS: the text still has gaps to fill in (the
 *   message names them)
 */
typedef enum {
  VIGIL_NOTIFY_ERROR_UNKNOWN_PLACEHOLDER,
  VIGIL_NOTIFY_ERROR_BAD_TEMPLATE,
  VIGIL_NOTIFY_ERROR_WRITE,
  VIGIL_NOTIFY_ERROR_GAPS,
} VigilNotifyError;

GQuark vigil_notify_error_quark (void);

/**
 * VigilTemplate:
 * @id: the file name without ".txt"
 * @audience: an id of %VIGIL_CHOICES_AUDIENCE
 * @title: the name shown in the composer
 * @subject: the subject line, with placeholders
 * @body: the text, with placeholders
 * @builtin: shipped with Vigil (else the user's own)
 *
 * A notification template: a plain text file that starts with the lines
 * "Audience: ID", "Title: NAME" and "Subject: TEXT", then an empty line and
 * the body. Placeholders are written {{name}}; see vigil_notify_get_placeholders().
 */
typedef struct {
  char     *id;
  char     *audience;
  char     *title;
  char     *subject;
  char     *body;
  gboolean  builtin;
} VigilTemplate;

void           vigil_template_free             (VigilTemplate  *template_);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilTemplate, vigil_template_free)

VigilTemplate *vigil_template_parse            (const char     *id,
                                                const char     *text,
                                                GError        **error);
/**
 * vigil_templates_list:
 * @user_dir: (nullable): a folder of the user's own templates (*.txt)
 * @problems: (out) (optional) (transfer full): messages about user
 *   templates that could not be read; they are left out
 *
 * Returns: (transfer full) (element-type VigilTemplate): the templates
 *   shipped with Vigil, then the user's
 */
GPtrArray     *vigil_templates_list            (const char     *user_dir,
                                                GStrv          *problems);
/* The folder of the user's own templates: $XDG_CONFIG_HOME/vigil/templates */
char          *vigil_templates_dup_user_dir    (void);

/* Returns: (transfer none): the %NULL-terminated placeholder names */
const char * const *vigil_notify_get_placeholders (void);

/**
 * vigil_notify_render:
 * @text: a template's subject or body
 * @incident: the incident whose data fills it
 * @extra: (nullable): values the incident does not hold: "next_update",
 *   "contact", "update_number" (string to string)
 * @gaps: (out) (optional) (transfer full): the placeholders that had no
 *   value; they stand in the text as "[to fill in: NAME]"
 *
 * Fills @text. An unknown placeholder is an error naming it; a missing value
 * is never left silently empty.
 */
char          *vigil_notify_render             (const char     *text,
                                                VigilIncident  *incident,
                                                GHashTable     *extra,
                                                GStrv          *gaps,
                                                GError        **error);

/* Gaps: a value the renderer could not fill stands in the text as
 * "[to fill in: NAME]" (in the user's language; the English marker is
 * recognised in any language). These functions are the only place that
 * knows the marker. */

/* Returns: (transfer full): the marker for @name */
char          *vigil_notify_format_gap         (const char     *name);

/**
 * vigil_notify_match_gap:
 * @text: (nullable): a subject or message
 * @end: (out): where the gap found ends
 * @name: (out) (optional) (transfer full): the name in it
 *
 * Returns: (nullable): where the first gap of @text starts, or %NULL
 */
const char    *vigil_notify_match_gap          (const char     *text,
                                                const char    **end,
                                                char          **name);

/**
 * vigil_notify_find_gaps:
 * @subject: (nullable): a subject
 * @message: (nullable): a message
 *
 * Returns: (transfer full): the names of the gaps left in @subject and
 *   @message, each once, in the order they appear; empty when there is none
 */
GStrv          vigil_notify_find_gaps          (const char     *subject,
                                                const char     *message);

/* Returns: (transfer full): @gaps as words, "next update, contact" */
char          *vigil_notify_dup_gap_list       (const char * const *gaps);

/**
 * vigil_notify_check_gaps:
 *
 * A notification with gaps left is not sent: the error
 * (%VIGIL_NOTIFY_ERROR_GAPS) says how many there are and names them.
 *
 * Returns: whether @subject and @message have no gap left
 */
gboolean       vigil_notify_check_gaps         (const char     *subject,
                                                const char     *message,
                                                GError        **error);

/**
 * vigil_notify_to_eml:
 * @from: (nullable): the sender, "Name <address>" or an address
 * @recipients: (nullable): addresses
 * @date: (nullable): the date of the message, default now
 *
 * An RFC 5322 message (UTF-8, headers encoded as RFC 2047 words where they
 * are not ASCII, the body in base64) marked as a draft (X-Unsent: 1), so
 * that a mail client opens it ready to send. Lines end in CRLF.
 */
char          *vigil_notify_to_eml             (const char          *subject,
                                                const char          *body,
                                                const char          *from,
                                                const char * const  *recipients,
                                                GDateTime           *date);
char          *vigil_notify_to_markdown        (const char          *subject,
                                                const char          *body,
                                                const char * const  *recipients);

/**
 * vigil_notify_to_pdf:
 * @recipients: (nullable): addresses
 * @date: (nullable): the date printed on it, default now
 * @path: where to write the file
 *
 * Writes the notification as an A4 PDF: the subject as a heading, the
 * "To" and "Date" lines, then the body, wrapped and broken across pages;
 * pages are numbered when there is more than one. Safe to call from a
 * worker thread.
 */
gboolean       vigil_notify_to_pdf             (const char          *subject,
                                                const char          *body,
                                                const char * const  *recipients,
                                                GDateTime           *date,
                                                const char          *path,
                                                GError             **error);

/**
 * VigilNotificationApproval:
 * @VIGIL_NOTIFICATION_APPROVAL_NOT_NEEDED: an internal audience, the policy
 *   is off, or the notification was sent
 * @VIGIL_NOTIFICATION_APPROVAL_AWAITING: waits for a lead's decision
 * @VIGIL_NOTIFICATION_APPROVAL_APPROVED: a lead approved the text as it is
 * @VIGIL_NOTIFICATION_APPROVAL_REJECTED: a lead rejected the text as it is
 *   (with a comment); changing the text makes it wait again
 */
typedef enum {
  VIGIL_NOTIFICATION_APPROVAL_NOT_NEEDED,
  VIGIL_NOTIFICATION_APPROVAL_AWAITING,
  VIGIL_NOTIFICATION_APPROVAL_APPROVED,
  VIGIL_NOTIFICATION_APPROVAL_REJECTED,
} VigilNotificationApproval;

/* Clients and the regulator: audiences outside the entity. */
gboolean       vigil_notification_audience_is_external (const char *audience);

/**
 * vigil_notification_dup_text_hash:
 * @item: a notification of the "notify" form
 *
 * The SHA-256 of what a lead approves: the audience, the subject, the
 * message and the recipients, each one without leading and trailing white space (as the
 * core stores them) and length-prefixed so that no two texts share a hash.
 *
 * Returns: (transfer full): 64 lower-case hex digits
 */
char          *vigil_notification_dup_text_hash (JsonObject *item);

/**
 * vigil_notification_get_approval:
 * @item: a notification of the "notify" form
 * @policy: the workspace's rules
 *
 * Returns: where the notification stands with the lead; a decision counts
 *   only for the text it was taken on
 */
VigilNotificationApproval vigil_notification_get_approval (JsonObject       *item,
                                                           VigilPolicyFlags  policy);

/**
 * vigil_incident_list_notifications_awaiting:
 *
 * Returns: (transfer container) (element-type JsonObject): the unsent
 *   notifications of @incident that wait for a lead's decision, oldest
 *   first (borrowed items)
 */
GPtrArray     *vigil_incident_list_notifications_awaiting (VigilIncident    *incident,
                                                           VigilPolicyFlags  policy);

G_END_DECLS
