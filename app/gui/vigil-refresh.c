/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigil-refresh"

#include "config.h"

#include "vigil-refresh.h"

static gboolean
on_timeout_cb (gpointer user_data)
{
  VigilRefresh *self = user_data;

  self->timeout_id = 0;
  self->func (self->widget);
  return G_SOURCE_REMOVE;
}

void
vigil_refresh_init (VigilRefresh     *self,
                    GtkWidget        *widget,
                    guint             delay_ms,
                    VigilRefreshFunc  func)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (func != NULL);

  self->widget = widget;
  self->func = func;
  self->delay_ms = delay_ms;
  self->timeout_id = 0;
  self->stale = TRUE;
}

void
vigil_refresh_reset (VigilRefresh *self)
{
  g_return_if_fail (self != NULL);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->stale = TRUE;
}

void
vigil_refresh_changed (VigilRefresh *self)
{
  g_return_if_fail (self != NULL);

  self->stale = TRUE;
  if (!gtk_widget_get_mapped (self->widget))
    return;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timeout_id = g_timeout_add (self->delay_ms, on_timeout_cb, self);
}

void
vigil_refresh_mapped (VigilRefresh *self)
{
  g_return_if_fail (self != NULL);

  if (self->stale && self->timeout_id == 0)
    self->func (self->widget);
}

void
vigil_refresh_started (VigilRefresh *self)
{
  g_return_if_fail (self != NULL);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->stale = FALSE;
}

void
vigil_refresh_failed (VigilRefresh *self)
{
  g_return_if_fail (self != NULL);

  self->stale = TRUE;
}
