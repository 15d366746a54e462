/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The manager's dashboard in a real window under Xvfb, on a real store. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include <vigil/vigil.h>

#include "vigil-dashboard.h"
#include "vigil-window.h"
#include "vigil-sample.h"
#include "test-gui-util.h"
#include "test-core-util.h"

#define N_SAMPLE 20

typedef struct {
  char           *dir;
  VigilStore     *store;
  VigilWorkspace *workspace;
  VigilWindow    *window;
  VigilDashboard *view;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->store = test_core_open_temp_store ("vigil-dashboard-XXXXXX", &f->dir, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (f->window));
      test_gui_drain ();
    }
  g_clear_object (&f->workspace);
  vigil_store_close (f->store);
  g_clear_object (&f->store);
  test_core_remove_tree (f->dir);
  g_free (f->dir);
}

static void
open_dashboard (Fixture *f)
{
  gint64 started;

  f->workspace = vigil_workspace_new (f->store, "mia", VIGIL_ROLE_LEAD);
  f->window = VIGIL_WINDOW (vigil_window_new (NULL, f->workspace));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 1000);
  gtk_window_present (GTK_WINDOW (f->window));
  WAIT_UNTIL (vigil_workspace_get_loaded (f->workspace), "the workspace");
  f->view = VIGIL_DASHBOARD (test_gui_find_by_type (GTK_WIDGET (f->window),
                                                    VIGIL_TYPE_DASHBOARD));
  g_assert_nonnull (f->view);
  /* Nothing is computed while the dashboard is not shown. */
  g_assert_null (vigil_dashboard_get_figures (f->view));

  started = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-view", "s", "dashboard");
  g_assert_true (vigil_dashboard_get_computing (f->view));
  WAIT_UNTIL (vigil_dashboard_get_figures (f->view) != NULL &&
              !vigil_dashboard_get_computing (f->view), "the figures");
  g_test_message ("figures shown %.1f ms after the view was shown",
                  (g_get_monotonic_time () - started) / 1000.0);
  test_gui_wait_painted (GTK_WIDGET (f->view));
}

static guint
count_open (VigilStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) incidents = vigil_store_list_incidents (store, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < incidents->len; i++)
    if (!vigil_incident_is_archived (g_ptr_array_index (incidents, i)))
      n++;
  return n;
}

static void
test_figures (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  GtkWidget *label;
  guint n_open;

  g_assert_true (vigil_sample_fill_store (f->store, N_SAMPLE, 7, &error));
  g_assert_no_error (error);
  n_open = count_open (f->store);
  g_assert_cmpuint (n_open, >, 0);
  g_assert_cmpuint (n_open, <, N_SAMPLE);

  open_dashboard (f);
  g_assert_cmpuint (vigil_dashboard_get_figures (f->view)->n_incidents, ==, N_SAMPLE);
  label = test_gui_find_by_name (GTK_WIDGET (f->view), "open-count");
  g_assert_nonnull (label);
  expected = g_strdup_printf ("%u open incidents", n_open);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, expected);
  g_assert_true (gtk_widget_get_mapped (label));
  /* The times are written out as text. */
  g_assert_nonnull (test_gui_find_label_containing (GTK_WIDGET (f->view), "median"));

  test_gui_shoot (GTK_WINDOW (f->window), "dashboard");
}

static void
test_refresh (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilOp) op = NULL;
  g_autoptr(VigilIncident) created = NULL;
  g_autoptr(JsonNode) node = NULL;
  VigilFigures *before;
  GtkWidget *label;

  g_assert_true (vigil_sample_fill_store (f->store, N_SAMPLE, 7, &error));
  open_dashboard (f);
  before = vigil_dashboard_get_figures (f->view);
  g_assert_cmpuint (before->n_incidents, ==, N_SAMPLE);

  node = json_from_string ("{\"title\": \"Phishing wave\", \"type\": \"malware\"}", &error);
  g_assert_no_error (error);
  op = vigil_op_new (VIGIL_OP_INCIDENT_CREATE, NULL, "mia", 0,
                     json_object_ref (json_node_get_object (node)));
  vigil_workspace_apply_async (f->workspace, op, NULL, NULL, NULL);
  /* Debounced: the figures shown stay while the newer ones are computed. */
  WAIT_UNTIL (vigil_dashboard_get_computing (f->view), "the refresh to start");
  g_assert_true (vigil_dashboard_get_figures (f->view) == before);
  label = test_gui_find_by_name (GTK_WIDGET (f->view), "open-count");
  g_assert_true (gtk_widget_get_mapped (label));

  WAIT_UNTIL (vigil_dashboard_get_figures (f->view) != NULL &&
              vigil_dashboard_get_figures (f->view)->n_incidents == N_SAMPLE + 1 &&
              !vigil_dashboard_get_computing (f->view), "the refreshed figures");
  label = test_gui_find_by_name (GTK_WIDGET (f->view), "open-count");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "open incident"));
  g_assert_cmpuint (vigil_dashboard_get_figures (f->view)->n_open, ==, count_open (f->store));
}

static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) folder = NULL;

  open_dashboard (f);
  g_assert_cmpuint (vigil_dashboard_get_figures (f->view)->n_incidents, ==, 0);
  g_assert_nonnull (test_gui_find_label (GTK_WIDGET (f->view), "No Incidents Yet"));
}

static VigilIncident *
apply_at (Fixture       *f,
          VigilIncident *incident,
          const char    *kind,
          GDateTime     *at,
          const char    *squoted_payload)
{
  g_autofree char *when = vigil_time_to_iso (at);
  VigilIncident *result = test_core_apply_at (f->store, incident, kind, "lea", VIGIL_ROLE_LEAD,
                                              when, squoted_payload);

  g_clear_object (&incident);
  return result;
}

static void
on_open_incident_cb (VigilWindow    *window,
                     VigilIncident  *incident,
                     VigilIncident **out)
{
  g_set_object (out, incident);
}

/* A major incident, aware @hours_ago and classified an hour later. */
static VigilIncident *
add_major (Fixture    *f,
           const char *title,
           int         hours_ago)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) aware = g_date_time_add_hours (now, -hours_ago);
  g_autoptr(GDateTime) classified = g_date_time_add_hours (aware, 1);
  g_autofree char *aware_text = vigil_time_to_iso (aware);
  g_autofree char *create = g_strdup_printf ("{'title':'%s','type':'malware',"
                                             "'detected_at':'%s','aware_at':'%s'}",
                                             title, aware_text, aware_text);
  VigilIncident *incident = NULL;

  incident = apply_at (f, incident, "incident.create", aware, create);
  return apply_at (f, incident, "dora.classify", classified,
                   "{'criteria':{'critical_services':{'malicious_access':true},"
                   "'data_losses':{'intrusion':true}}}");
}

/* The DORA tiles: two majors, one with its initial report overdue (aware
 * two days ago), one with it still due; the numbers in words and the
 * incidents in the tooltips. */
static void
test_dora (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIncident) overdue = NULL;
  g_autoptr(VigilIncident) pending = NULL;
  g_autoptr(VigilIncident) opened = NULL;
  GtkWidget *majors, *reports, *tile, *popover, *list, *row;
  const char *tooltip;

  g_assert_true (vigil_sample_fill_store (f->store, N_SAMPLE, 7, &error));
  g_assert_no_error (error);
  overdue = add_major (f, "Payments down", 48);
  pending = add_major (f, "Card fraud", 1);
  open_dashboard (f);

  g_assert_cmpuint (vigil_dashboard_get_figures (f->view)->majors->len, ==, 2);
  majors = test_gui_find_by_name (GTK_WIDGET (f->view), "dora-majors");
  reports = test_gui_find_by_name (GTK_WIDGET (f->view), "overdue-reports");
  g_assert_nonnull (majors);
  g_assert_nonnull (reports);
  g_assert_true (gtk_widget_get_mapped (majors));
  g_assert_true (gtk_widget_get_mapped (reports));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (majors)), ==, "2");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (reports)), ==, "1");
  g_assert_nonnull (test_gui_find_label (GTK_WIDGET (f->view), "DORA major incidents open"));
  g_assert_nonnull (test_gui_find_label (GTK_WIDGET (f->view),
                                         "2 with a report deadline running"));
  g_assert_nonnull (test_gui_find_label (GTK_WIDGET (f->view), "DORA report overdue"));
  g_assert_nonnull (test_gui_find_label (GTK_WIDGET (f->view), "0 reports submitted late"));
  /* Overdue is shown in red as well as in words. */
  g_assert_true (gtk_widget_has_css_class (reports, "error"));
  g_assert_false (gtk_widget_has_css_class (majors, "error"));

  tile = gtk_widget_get_ancestor (majors, GTK_TYPE_MENU_BUTTON);
  g_assert_nonnull (tile);
  tooltip = gtk_widget_get_tooltip_text (tile);
  g_assert_nonnull (strstr (tooltip, vigil_incident_get_reference (overdue)));
  g_assert_nonnull (strstr (tooltip, vigil_incident_get_reference (pending)));
  g_assert_nonnull (strstr (tooltip, "Initial report due"));
  g_assert_nonnull (strstr (tooltip, "pending"));
  tile = gtk_widget_get_ancestor (reports, GTK_TYPE_MENU_BUTTON);
  tooltip = gtk_widget_get_tooltip_text (tile);
  g_assert_nonnull (strstr (tooltip, "Payments down"));
  g_assert_nonnull (strstr (tooltip, "missed"));
  g_assert_null (strstr (tooltip, "Card fraud"));
  test_gui_shoot (GTK_WINDOW (f->window), "dashboard-dora");

  /* A click lists the incidents; choosing one opens it. */
  g_signal_connect (f->window, "open-incident", G_CALLBACK (on_open_incident_cb), &opened);
  gtk_menu_button_popup (GTK_MENU_BUTTON (tile));
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (tile)));
  WAIT_UNTIL (gtk_widget_get_mapped (popover), "the list of overdue reports");
  list = test_gui_find_by_type (popover, GTK_TYPE_LIST_BOX);
  g_assert_nonnull (list);
  row = test_gui_find_by_type (list, GTK_TYPE_LIST_BOX_ROW);
  g_assert_nonnull (row);
  g_assert_nonnull (test_gui_find_label_containing (row, "Payments down"));
  if (g_getenv ("VIGIL_SHOT_DIR") != NULL)
    {
      /* The popover is a surface of its own: the screen shows it. */
      g_autofree char *command = g_strdup_printf ("import -window root %s/dashboard-dora-list.png",
                                                  g_getenv ("VIGIL_SHOT_DIR"));

      test_gui_wait_painted (popover);
      g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
    }
  g_signal_emit_by_name (list, "row-activated", row);
  g_assert_nonnull (opened);
  g_assert_cmpstr (vigil_incident_get_id (opened), ==, vigil_incident_get_id (overdue));
  g_assert_false (gtk_widget_get_visible (popover));
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GFile) png = NULL;
  g_autofree char *out = g_build_filename (f->dir, "out", NULL);
  g_autofree char *png_path = g_build_filename (out, "dashboard.png", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  const char *tables[] = { "steps", "severity", "type", "times", "weeks", "incidents", "dora",
                           "reports" };

  g_assert_true (vigil_sample_fill_store (f->store, N_SAMPLE, 11, &error));
  open_dashboard (f);
  g_assert_cmpint (g_mkdir (out, 0700), ==, 0);
  folder = g_file_new_for_path (out);

  g_assert_true (vigil_dashboard_export_csv (f->view, folder, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *name = g_strdup_printf ("vigil-figures-%s.csv", tables[i]);
      g_autofree char *path = g_build_filename (out, name, NULL);
      g_autofree char *csv = NULL;

      g_assert_true (g_file_get_contents (path, &csv, &length, &error));
      g_assert_no_error (error);
      g_assert_nonnull (strstr (csv, "\r\n"));
    }
  {
    g_autofree char *path = g_build_filename (out, "vigil-figures-incidents.csv", NULL);
    g_autofree char *csv = NULL;
    g_auto(GStrv) rows = NULL;

    g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
    rows = g_strsplit (csv, "\r\n", -1);
    /* A header, one row per incident, and the empty piece after the last CRLF. */
    g_assert_cmpuint (g_strv_length (rows), ==, N_SAMPLE + 2);
  }

  png = g_file_new_for_path (png_path);
  g_assert_true (vigil_dashboard_export_png (f->view, png, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (png_path, &contents, &length, &error));
  g_assert_cmpuint (length, >, 1000);
  g_assert_cmpmem (contents, 4, "\x89PNG", 4);
  {
    GtkWidget *content = test_gui_find_by_id (GTK_WIDGET (f->view), "content");

    /* The dashboard as shown, with a margin of 24 pixels all round. */
    test_core_assert_png_size (png_path, gtk_widget_get_width (content) + 48,
                     gtk_widget_get_height (content) + 48);
    /* The DORA tiles are part of what the images show. */
    g_assert_true (gtk_widget_is_ancestor (test_gui_find_by_name (content, "dora-majors"),
                                           content));
    g_assert_true (gtk_widget_is_ancestor (test_gui_find_by_name (content, "overdue-reports"),
                                           content));
  }

  /* The PDF: one page, the text and bars as vectors. */
  {
    g_autofree char *pdf_path = g_build_filename (out, "dashboard.pdf", NULL);
    g_autoptr(GFile) pdf = g_file_new_for_path (pdf_path);
    g_autofree char *pdf_contents = NULL;
    g_autoptr(GFile) nowhere = g_file_new_for_path ("/nonexistent-folder/dashboard.pdf");

    g_assert_true (vigil_dashboard_export_pdf (f->view, pdf, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (pdf_path, &pdf_contents, &length, &error));
    g_assert_cmpuint (length, >, 1000);
    g_assert_cmpmem (pdf_contents, 5, "%PDF-", 5);
    g_assert_cmpuint (test_core_count_pdf_pages (pdf_contents, length), ==, 1);
    g_assert_nonnull (test_core_find_bytes (pdf_contents, pdf_contents + length, "%%EOF"));

    /* A folder that does not exist: an error that says what to do. */
    g_assert_false (vigil_dashboard_export_pdf (f->view, nowhere, &error));
    g_assert_error (error, VIGIL_DASHBOARD_ERROR, VIGIL_DASHBOARD_ERROR_RENDER);
    g_assert_nonnull (strstr (error->message, "Choose a folder"));
    g_clear_error (&error);
  }

  if (g_getenv ("VIGIL_SHOT_DIR") != NULL)
    {
      g_autofree char *shot = g_build_filename (g_getenv ("VIGIL_SHOT_DIR"),
                                                "dashboard-export.png", NULL);
      g_autoptr(GFile) shot_file = g_file_new_for_path (shot);

      g_assert_true (vigil_dashboard_export_png (f->view, shot_file, &error));
      g_free (shot);
      shot = g_build_filename (g_getenv ("VIGIL_SHOT_DIR"), "dashboard-export.pdf", NULL);
      g_object_unref (shot_file);
      shot_file = g_file_new_for_path (shot);
      g_assert_true (vigil_dashboard_export_pdf (f->view, shot_file, &error));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!test_gui_init_display ())
    return 0;

  g_test_add ("/vigil/dashboard/figures", Fixture, NULL, fixture_set_up, test_figures,
              fixture_tear_down);
  g_test_add ("/vigil/dashboard/refresh", Fixture, NULL, fixture_set_up, test_refresh,
              fixture_tear_down);
  g_test_add ("/vigil/dashboard/dora", Fixture, NULL, fixture_set_up, test_dora,
              fixture_tear_down);
  g_test_add ("/vigil/dashboard/empty", Fixture, NULL, fixture_set_up, test_empty,
              fixture_tear_down);
  g_test_add ("/vigil/dashboard/export", Fixture, NULL, fixture_set_up, test_export,
              fixture_tear_down);

  return g_test_run ();
}
