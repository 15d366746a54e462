/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <adwaita.h>

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

static gboolean
on_pause_done_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
test_gui_pause_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_pause_done_cb, &done);
  WAIT_UNTIL (done, "a pause");
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   gboolean      *painted)
{
  *painted = TRUE;
}

void
test_gui_wait_painted (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb),
                                     &painted);

  gtk_widget_queue_draw (widget);
  WAIT_UNTIL (painted, "a frame");
  g_signal_handler_disconnect (clock, handler);
}

static void
save_png (GtkWindow  *window,
          const char *dir,
          const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_strdup_printf ("%s/%s.png", dir, name);
  int width, height;

  test_gui_wait_painted (GTK_WIDGET (window));
  test_gui_pause_ms (300);
  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

void
test_gui_shoot (GtkWindow  *window,
                const char *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  const char *dir = g_getenv ("VIGIL_SHOT_DIR");
  g_autofree char *dark = g_strconcat (name, "-dark", NULL);

  if (dir == NULL)
    return;
  save_png (window, dir, name);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  save_png (window, dir, dark);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

GtkWidget *
test_gui_find_label_containing (GtkWidget  *root,
                                const char *text)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), text) != NULL)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *hit = test_gui_find_label_containing (child, text);

      if (hit != NULL)
        return hit;
    }
  return NULL;
}

GtkWidget *
test_gui_find_by_name (GtkWidget  *root,
                       const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *hit = test_gui_find_by_name (child, name);

      if (hit != NULL)
        return hit;
    }
  return NULL;
}
