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

gboolean
test_gui_init_display (void)
{
  if (!gtk_init_check ())
    {
      if (g_getenv ("CI") != NULL)
        g_error ("No display in CI: run the GUI tests under xvfb-run -a");
      g_print ("1..0 # SKIP no display (run under xvfb-run -a)\n");
      return FALSE;
    }
  adw_init ();
  return TRUE;
}

void
test_gui_press_shortcut (GtkWidget       *widget,
                         guint            keyval,
                         GdkModifierType  mods)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_keyval_trigger_new (keyval, mods);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            {
              g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                           0, widget,
                                                           gtk_shortcut_get_arguments (shortcut)));
              return;
            }
        }
    }
  g_error ("No shortcut for key %u", keyval);
}

const char *
test_gui_window_page (VigilWindow *window)
{
  GtkWidget *stack = test_gui_find_by_id (GTK_WIDGET (window), "main_stack");

  g_assert_nonnull (stack);
  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

VigilWindow *
test_gui_open_window (VigilWorkspace *workspace,
                      int             width,
                      int             height)
{
  VigilWindow *window = g_object_ref_sink (vigil_window_new (NULL, workspace));

  if (width != 0 && height != 0)
    gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (g_str_equal (test_gui_window_page (window), "board"), "the board to load");
  return window;
}

VigilIncidentPage *
test_gui_open_incident (VigilWindow *window,
                        const char  *id,
                        guint        step)
{
  VigilIncidentPage *page = VIGIL_INCIDENT_PAGE (test_gui_find_by_id (GTK_WIDGET (window),
                                                                      "incident_page"));

  g_assert_nonnull (page);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-incident", "s", id));
  g_assert_cmpstr (test_gui_window_page (window), ==, "incident");
  g_assert_cmpstr (vigil_incident_get_id (vigil_incident_page_get_incident (page)), ==, id);
  if (step != 0)
    {
      vigil_incident_page_select_step (page, step);
      g_assert_cmpuint (vigil_incident_page_get_step (page), ==, step);
    }
  return page;
}
