/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include <vigil/vigil.h>

G_BEGIN_DECLS

/*
 * What the forms of step 5 that apply one operation have in common (the
 * DORA classification and the threat assessment): the incident they show,
 * a column of groups, a line for the form's error, the operation on its
 * way to the store and the list of earlier ones from the operation log.
 * A widget keeps one inside its instance struct.
 */
typedef struct {
  GtkWidget      *owner;
  VigilWorkspace *workspace;
  VigilIncident  *incident;
  GCancellable   *cancellable;

  GtkWidget      *box;
  GtkLabel       *form_error;
  GtkListBox     *history_list;
  GtkLabel       *history_status;

  guint           n_applying;
  guint           n_loading;
  gint64          history_revision;
  int             n_history;       /* -1 while the history is read */
} VigilSection;

/* From the owner's init: the column of groups becomes its child. */
void          vigil_section_init             (VigilSection        *self,
                                              GtkWidget           *owner);
void          vigil_section_set_incident     (VigilSection        *self,
                                              VigilWorkspace      *workspace,
                                              VigilIncident       *incident);
/* Taken off the page for good: what is still on its way no longer keeps
 * the workspace alive, and its answer is dropped. */
void          vigil_section_unroot           (VigilSection        *self);
void          vigil_section_dispose          (VigilSection        *self);
gboolean      vigil_section_get_busy         (VigilSection        *self);

/* Building */
GtkWidget    *vigil_section_make_label       (const char          *text,
                                              const char          *css_class);
GtkListBox   *vigil_section_add_group        (VigilSection        *self,
                                              const char          *title,
                                              const char          *description);
/* The error line and @button, at the end of the row of actions. */
void          vigil_section_add_actions      (VigilSection        *self,
                                              GtkWidget           *button);
/* A group holding a padded card; returns the card's box for its lines. */
GtkBox       *vigil_section_add_card         (VigilSection        *self,
                                              const char          *title,
                                              GtkWidget          **group);
void          vigil_section_add_history      (VigilSection        *self,
                                              const char          *title,
                                              const char          *list_name);

/* Applying */
/* Applies @kind with @payload (taken) and disables @action_name meanwhile;
 * @callback gets a reference to the owner as its data. */
void          vigil_section_apply            (VigilSection        *self,
                                              VigilOpKind          kind,
                                              JsonObject          *payload,
                                              const char          *action_name,
                                              GAsyncReadyCallback  callback);
/* FALSE when the answer no longer matters (the section is gone or it was
 * cancelled); otherwise @error tells whether the operation failed. */
gboolean      vigil_section_apply_finish     (VigilSection        *self,
                                              GAsyncResult        *result,
                                              GError             **error);
void          vigil_section_show_error       (VigilSection        *self,
                                              const char          *message);
/* Whether the workspace's role may apply @kind to the incident now: the
 * core decides on a copy, with @payload (taken) standing for any input.
 * When it may not, @error says why. */
gboolean      vigil_section_may_apply        (VigilWorkspace      *workspace,
                                              VigilIncident       *incident,
                                              VigilOpKind          kind,
                                              JsonObject          *payload,
                                              GError             **error);

/* The operation log */
/* Reads the log of @incident in a thread and says so in @status. */
void          vigil_section_read_log_async   (VigilWorkspace      *workspace,
                                              VigilIncident       *incident,
                                              GtkLabel            *status,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* Returns: (transfer full) (nullable): the entries, oldest first, with
 * @list emptied for them; %NULL when cancelled or when it failed (then
 * @status says so). */
GPtrArray    *vigil_section_read_log_finish  (GAsyncResult        *result,
                                              GtkLabel            *status,
                                              GtkListBox          *list);
/* Reads the history again when the incident changed since. */
gboolean      vigil_section_load_history     (VigilSection        *self,
                                              GAsyncReadyCallback  callback);
/* Like vigil_section_read_log_finish(), for the section's own history. */
GPtrArray    *vigil_section_history_begin    (VigilSection        *self,
                                              GAsyncResult        *result);
/* @n rows are listed; @status counts them (unused for none). */
void          vigil_section_history_end      (VigilSection        *self,
                                              guint                n,
                                              const char          *status);

G_END_DECLS
