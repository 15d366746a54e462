/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "test-gui-util.h"

gboolean
test_gui_wait_timeout_cb (gpointer what)
{
  g_error ("Timed out after %d s waiting for %s", TEST_GUI_WAIT_SECONDS, (const char *) what);
  return G_SOURCE_REMOVE;
}

void
test_gui_drain (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

GtkWidget *
test_gui_find_by_id (GtkWidget  *root,
                     const char *id)
{
  if (g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)), id) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *hit = test_gui_find_by_id (child, id);

      if (hit != NULL)
        return hit;
    }
  return NULL;
}

GtkWidget *
test_gui_find_by_type (GtkWidget *root,
                       GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *hit = test_gui_find_by_type (child, type);

      if (hit != NULL)
        return hit;
    }
  return NULL;
}

GtkWidget *
test_gui_find_label (GtkWidget  *root,
                     const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_visible (root) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *hit = test_gui_find_label (child, text);

      if (hit != NULL)
        return hit;
    }
  return NULL;
}
