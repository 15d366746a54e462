/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include <vigil/vigil.h>

G_BEGIN_DECLS

/*
 * A field editor is the widgets of one field of the step forms, made from
 * the field's kind in the forms table: an entry row for text, a framed text
 * view for long text, a "YYYY-MM-DD HH:MM" entry for times, a switch for
 * yes/no, a combo row for a choice, check rows for several choices, and
 * read-only rows for integrity data and sign-offs. It reads and writes the
 * field's value as the JSON node an operation carries, and shows a problem
 * inline, in a row under the field.
 */
typedef struct _VigilFieldEditor VigilFieldEditor;

typedef void (*VigilFieldEditorChanged) (VigilFieldEditor *editor,
                                         gpointer          user_data);

/* Appends the editor's rows to @list (a boxed GtkListBox). @incident gives
 * the entries that reference fields may point to. */
VigilFieldEditor     *vigil_field_editor_new          (const VigilFieldInfo    *field,
                                                       const char              *form_id,
                                                       GtkListBox              *list,
                                                       VigilIncident           *incident,
                                                       VigilFieldEditorChanged  changed,
                                                       gpointer                 user_data);
void                  vigil_field_editor_free         (VigilFieldEditor        *editor);
const VigilFieldInfo *vigil_field_editor_get_field    (VigilFieldEditor        *editor);
/* The form id given at creation, %NULL for the incident's own fields. */
const char           *vigil_field_editor_get_form_id  (VigilFieldEditor        *editor);
GtkWidget            *vigil_field_editor_get_widget   (VigilFieldEditor        *editor);

/**
 * vigil_field_editor_dup_value:
 * @value: (out) (transfer full): the value, %NULL when the field is empty
 *
 * Returns: %FALSE with a message for the user when the text cannot be a
 *   value of the field (a time that is not YYYY-MM-DD HH:MM)
 */
gboolean              vigil_field_editor_dup_value    (VigilFieldEditor        *editor,
                                                       JsonNode               **value,
                                                       char                   **problem);
/* Shows @value (%NULL: empty) without reporting a change. */
void                  vigil_field_editor_set_value    (VigilFieldEditor        *editor,
                                                       JsonNode                *value);
/* Shows @value unless the editor already shows the same. */
void                  vigil_field_editor_sync_value   (VigilFieldEditor        *editor,
                                                       JsonNode                *value);
void                  vigil_field_editor_set_problem  (VigilFieldEditor        *editor,
                                                       const char              *problem);
const char           *vigil_field_editor_get_problem  (VigilFieldEditor        *editor);
void                  vigil_field_editor_set_editable (VigilFieldEditor        *editor,
                                                       gboolean                 editable);
/* Checks the editor's value the way the operation will (the time format,
 * then vigil_forms_check_value()); sets or clears the inline problem.
 * Returns: (transfer full) (nullable): the value, %NULL with *ok FALSE when
 * it is not valid */
JsonNode             *vigil_field_editor_check        (VigilFieldEditor        *editor,
                                                       JsonObject              *item,
                                                       gboolean                *ok);

/* "YYYY-MM-DD HH:MM" in local time, both ways. */
GDateTime            *vigil_parse_local_time          (const char              *text);
char                 *vigil_format_local_time         (GDateTime               *when);
char                 *vigil_format_iso_local          (const char              *iso);
/* A value as a short text for lists and the history. */
char                 *vigil_field_format_value        (const VigilFieldInfo    *field,
                                                       JsonNode                *value);

G_END_DECLS
