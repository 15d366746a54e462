/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vigild-live"

#include "config.h"

#include "vigild-live.h"

/* Clients only listen; anything they send is read and dropped, and a large
 * message closes the connection. */
#define MAX_INCOMING_PAYLOAD 4096
/* The newest sequence number a connection was told of. */
#define TOLD_KEY "vigild-live-told"

struct _VigildLive
{
  GObject    parent_instance;

  GPtrArray *connections;   /* SoupWebsocketConnection */
};

G_DEFINE_FINAL_TYPE (VigildLive, vigild_live, G_TYPE_OBJECT)

static char *
make_message (const char *type,
              gint64      last_seq)
{
  return g_strdup_printf ("{\"type\":\"%s\",\"last_seq\":%" G_GINT64_FORMAT "}", type, last_seq);
}

static void
on_connection_closed_cb (SoupWebsocketConnection *connection,
                         VigildLive              *self)
{
  g_signal_handlers_disconnect_by_data (connection, self);
  g_ptr_array_remove_fast (self->connections, connection);
}

static void
vigild_live_dispose (GObject *object)
{
  VigildLive *self = (VigildLive *) object;

  if (self->connections != NULL)
    {
      for (guint i = 0; i < self->connections->len; i++)
        g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->connections, i), self);
      g_clear_pointer (&self->connections, g_ptr_array_unref);
    }

  G_OBJECT_CLASS (vigild_live_parent_class)->dispose (object);
}

static void
vigild_live_class_init (VigildLiveClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vigild_live_dispose;
}

static void
vigild_live_init (VigildLive *self)
{
  self->connections = g_ptr_array_new_with_free_func (g_object_unref);
}

VigildLive *
vigild_live_new (void)
{
  return g_object_new (VIGILD_TYPE_LIVE, NULL);
}

void
vigild_live_add (VigildLive              *self,
                 SoupWebsocketConnection *connection,
                 const char              *user,
                 gint64                   last_seq)
{
  g_autofree char *hello = NULL;

  g_return_if_fail (VIGILD_IS_LIVE (self));
  g_return_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection));

  if (self->connections->len >= VIGILD_LIVE_MAX_CONNECTIONS)
    {
      g_message ("Refusing a live connection of “%s”: %u are open", user ? user : "?",
                 self->connections->len);
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                                       "too many connections");
      return;
    }

  g_object_set (connection, "max-incoming-payload-size", (guint64) MAX_INCOMING_PAYLOAD, NULL);
  soup_websocket_connection_set_keepalive_interval (connection, VIGILD_LIVE_KEEPALIVE_SECONDS);
  g_ptr_array_add (self->connections, g_object_ref (connection));
  g_signal_connect (connection, "closed", G_CALLBACK (on_connection_closed_cb), self);
  g_object_set_data_full (G_OBJECT (connection), TOLD_KEY,
                          g_memdup2 (&last_seq, sizeof last_seq), g_free);

  hello = make_message ("hello", last_seq);
  soup_websocket_connection_send_text (connection, hello);
}

void
vigild_live_broadcast (VigildLive *self,
                       gint64      last_seq)
{
  g_autofree char *message = NULL;

  g_return_if_fail (VIGILD_IS_LIVE (self));

  if (self->connections->len == 0)
    return;

  message = make_message ("changed", last_seq);
  for (guint i = 0; i < self->connections->len; i++)
    {
      SoupWebsocketConnection *connection = g_ptr_array_index (self->connections, i);
      gint64 *told = g_object_get_data (G_OBJECT (connection), TOLD_KEY);

      /* A commit can land between a connection's hello and this call: it
       * is no news to that connection. */
      if (told == NULL || *told >= last_seq)
        continue;
      *told = last_seq;
      if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_send_text (connection, message);
    }
}

guint
vigild_live_get_n_connections (VigildLive *self)
{
  g_return_val_if_fail (VIGILD_IS_LIVE (self), 0);

  return self->connections->len;
}

void
vigild_live_close_all (VigildLive *self)
{
  g_autoptr(GPtrArray) connections = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (VIGILD_IS_LIVE (self));

  /* Closing may remove a connection from the list: work on a copy. */
  for (guint i = 0; i < self->connections->len; i++)
    g_ptr_array_add (connections, g_object_ref (g_ptr_array_index (self->connections, i)));

  for (guint i = 0; i < connections->len; i++)
    {
      SoupWebsocketConnection *connection = g_ptr_array_index (connections, i);

      if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                                         "server shutting down");
    }
}
