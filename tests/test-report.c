/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <vigil/vigil.h>

#include "test-core-util.h"

#define ANALYST "alice"
#define LEAD    "bob"

#define SHA_ABC   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

#define SUMMARY "A macro in an invoice attachment dropped a loader on two workstations"
#define ROOT_CAUSE "Office macros from the internet were allowed by policy"

typedef struct {
  char          *dir;
  VigilStore    *store;
  VigilIncident *incident;
} Fixture;

/* helpers */

/* Applies one operation through the store, as the app does. */
static void
apply (Fixture    *f,
       const char *kind,
       const char *actor,
       const char *squoted_payload)
{
  VigilIncident *result = test_core_apply (f->store, f->incident, kind, actor,
                                           g_str_equal (actor, LEAD) ? VIGIL_ROLE_LEAD
                                                                     : VIGIL_ROLE_ANALYST,
                                           squoted_payload);

  g_set_object (&f->incident, result);
  g_object_unref (result);
}

/* Fills every step through real operations on a real store. */
static void
fill_incident (Fixture *f,
               guint    n_timeline)
{
  apply (f, "incident.create", ANALYST,
         "{'title':'Loader dropped by invoice macro','type':'malware',"
         "'description':'Two finance workstations ran a macro from an invoice e-mail.\\n"
         "The loader reached out to a known command server.',"
         "'detection_method':'monitoring','detected_at':'2026-11-02T08:10:00Z',"
         "'aware_at':'2026-11-02T08:40:00Z','reporter':'SOC shift A',"
         "'affected_systems':['FIN-WS-12','FIN-WS-17']}");
  apply (f, "incident.update", ANALYST, "{'severity':'high','owner':'alice'}");
  apply (f, "item.add", ANALYST,
         "{'form':'collect','collection':'evidence','item':{'id':'ev1',"
         "'name':'FIN-WS-12 memory image','kind':'memory_dump','location':'evidence share /inc/1',"
         "'size':17179869184,'sha256':'" SHA_ABC "','collected_by':'alice',"
         "'collected_at':'2026-11-02T09:30:00Z','notes':'Taken before the reboot.'}}");
  apply (f, "item.add", ANALYST,
         "{'form':'collect','collection':'evidence','item':{'id':'ev2',"
         "'name':'Proxy log extract','kind':'log','location':'SIEM export',"
         "'size':0,'sha256':'" SHA_EMPTY "','collected_by':'alice',"
         "'collected_at':'2026-11-02T09:45:00Z'}}");
  apply (f, "item.update", ANALYST,
         "{'form':'collect','collection':'checklist','id':'system_logs',"
         "'fields':{'done':true,'by':'alice','at':'2026-11-02T09:00:00Z'}}");
  apply (f, "form.update", ANALYST,
         "{'form':'analyze','fields':{'notes':'The loader persisted through a run key.',"
         "'anomalies':'Beaconing every 60 seconds to one address.',"
         "'affected_assets':['FIN-WS-12','FIN-WS-17'],'open_questions':'Was data staged?'}}");
  apply (f, "form.update", ANALYST,
         "{'form':'correlate','fields':{'sources':['osint','commercial'],"
         "'notes':'The address is listed by two feeds.'}}");
  apply (f, "item.add", ANALYST,
         "{'form':'correlate','collection':'indicators','item':{'id':'ioc1','type':'ip',"
         "'value':'203.0.113.7','known':true,'source':'Commercial feed'}}");
  apply (f, "form.update", ANALYST,
         "{'form':'severity','fields':{'technical_impact':'Two workstations reimaged.',"
         "'business_impact':'Invoice runs delayed by half a day.',"
         "'affected_services':['Accounts payable']}}");
  apply (f, "form.update", ANALYST,
         "{'form':'findings','fields':{'summary':'" SUMMARY "',"
         "'involved_assets':['FIN-WS-12','FIN-WS-17','mail gateway'],"
         "'potential_impacts':'Theft of payment data had the loader run longer.',"
         "'root_cause':'" ROOT_CAUSE "',"
         "'recommendations':'Block macros from the internet; add the loader to the EDR rules.'}}");
  for (guint i = 0; i < n_timeline; i++)
    {
      g_autofree char *payload =
        g_strdup_printf ("{'form':'findings','collection':'timeline','item':{'id':'t%u',"
                         "'at':'2026-11-02T%02u:%02u:00Z','event':'Event number %u of the "
                         "timeline, with enough words to wrap over the width of its column "
                         "now and then'}}", i, 8 + i / 60, i % 60, i);

      apply (f, "item.add", ANALYST, payload);
    }
  apply (f, "form.update", ANALYST,
         "{'form':'escalate','fields':{'escalate':true,'to':['senior_management'],"
         "'reason':'Payment systems at risk.','at':'2026-11-02T10:00:00Z'}}");
  apply (f, "approval.submit", ANALYST, "{}");
  /* the approval moves the incident on to step 9 */
  apply (f, "approval.decide", LEAD, "{'decision':'approve','comment':'Well documented.'}");
  apply (f, "item.add", ANALYST,
         "{'form':'custody','collection':'handovers','item':{'id':'h1','evidence':'ev1',"
         "'from':'alice','to':'forensics lab','at':'2026-11-02T12:00:00Z','reason':'Analysis'}}");
  apply (f, "item.add", ANALYST,
         "{'form':'custody','collection':'verifications','item':{'id':'v1','evidence':'ev1',"
         "'sha256':'" SHA_ABC "','by':'lab','at':'2026-11-02T13:00:00Z'}}");
  apply (f, "form.update", ANALYST, "{'form':'coordinate','fields':{'channel':'#inc-bridge'}}");
  apply (f, "item.add", ANALYST,
         "{'form':'coordinate','collection':'actions','item':{'id':'a1',"
         "'title':'Isolate both workstations','owner':'carol','role':'Desktop team',"
         "'due':'2026-11-02T11:00:00Z','status':'done'}}");
  apply (f, "incident.move", ANALYST, "{'to':11}");
  apply (f, "item.add", ANALYST,
         "{'form':'remediate','collection':'actions','item':{'id':'r1',"
         "'title':'Group policy blocking internet macros','kind':'configuration',"
         "'owner':'dave','due':'2026-11-09T17:00:00Z','status':'done','effective':true}}");
  apply (f, "incident.move", ANALYST, "{'to':12}");
  apply (f, "form.update", ANALYST,
         "{'form':'review','fields':{'date':'2026-11-10T14:00:00Z',"
         "'participants':['alice','bob','carol'],'went_well':'Fast isolation.',"
         "'went_wrong':'The macro policy had an exception nobody knew about.'}}");
  apply (f, "item.add", ANALYST,
         "{'form':'review','collection':'lessons','item':{'id':'l1',"
         "'text':'Review policy exceptions every quarter'}}");
  apply (f, "incident.move", ANALYST, "{'to':13}");
  apply (f, "item.add", ANALYST,
         "{'form':'update_plan','collection':'changes','item':{'id':'c1',"
         "'section':'4.2 Containment','change':'Isolate first, image memory second.',"
         "'owner':'bob','lesson':'l1'}}");
  apply (f, "incident.move", ANALYST, "{'to':14}");
  apply (f, "form.update", ANALYST,
         "{'form':'finalize','fields':{'notes':'Closed with all actions done.','sign_off':true}}");
}

static GPtrArray *
list_log (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *log = vigil_store_list_log (f->store, vigil_incident_get_id (f->incident), &error);

  g_assert_no_error (error);
  return log;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->store = test_core_open_temp_store ("vigil-test-report-XXXXXX", &f->dir, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->incident);
  vigil_store_close (f->store);
  g_clear_object (&f->store);
  test_core_remove_tree (f->dir);
  g_free (f->dir);
}

static void
assert_pdf (const char *path,
            guint       expected_pages)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &data, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (g_str_has_prefix (data, "%PDF-"));
  g_assert_true (g_str_has_suffix (data + length - 16, "%%EOF\n"));
  g_assert_cmpuint (test_core_count_pdf_pages (data, length), ==, expected_pages);
}

/* tests */

static void
test_markdown (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(VigilReport) report = NULL;
  g_autoptr(GDateTime) when = g_date_time_new_utc (2026, 11, 20, 9, 30, 0);
  g_autofree char *md = NULL;
  g_autofree char *snapshot = NULL;

  fill_incident (f, 3);
  log = list_log (f);
  report = vigil_report_new (f->incident, log, when);
  md = vigil_report_to_markdown (report);
  g_test_message ("%s", md);

  g_assert_true (g_str_has_prefix (md, "# Final incident report INC-2026-"));
  g_assert_nonnull (strstr (md, "Loader dropped by invoice macro"));
  g_assert_nonnull (strstr (md, "- **Report generated:** 2026-11-20 09:30 UTC"));
  g_assert_nonnull (strstr (md, "- **Severity:** High"));
  /* findings */
  g_assert_nonnull (strstr (md, "**Summary**\n\n" SUMMARY "\n"));
  g_assert_nonnull (strstr (md, "**Root cause**\n\n" ROOT_CAUSE "\n"));
  g_assert_nonnull (strstr (md, "| 2026-11-02 08:02 UTC | Event number 2 of the timeline"));
  g_assert_nonnull (strstr (md, "- **Involved assets:** FIN-WS-12, FIN-WS-17, mail gateway"));
  /* analysis, intelligence, indicators */
  g_assert_nonnull (strstr (md, "- **Intelligence sources:** Open-source Intelligence, "
                                "Commercial Intelligence"));
  g_assert_nonnull (strstr (md, "| IP address | 203.0.113.7 | Yes | Commercial feed |"));
  /* evidence with hashes, sizes and custody */
  /* g_format_size() puts a no-break space before the unit */
  g_assert_nonnull (strstr (md, "| FIN-WS-12 memory image<br>Memory dump<br>evidence share /inc/1 "
                                "| 17.2\u00a0GB (17179869184 bytes) | `" SHA_ABC "` | "
                                "alice<br>2026-11-02 09:30 UTC |"));
  g_assert_nonnull (strstr (md, "| Proxy log extract<br>Log file<br>SIEM export | 0 bytes | `"
                                SHA_EMPTY "` |"));
  g_assert_nonnull (strstr (md, "| FIN-WS-12 memory image | `" SHA_ABC "` | Matches | lab |"));
  g_assert_nonnull (strstr (md, "`" SHA_ABC "`"));
  g_assert_nonnull (strstr (md, "`" SHA_EMPTY "`"));
  g_assert_nonnull (strstr (md, "(17179869184 bytes)"));
  g_assert_nonnull (strstr (md, "| FIN-WS-12 memory image | alice | forensics lab |"));
  g_assert_nonnull (strstr (md, "**Notes on “FIN-WS-12 memory image”**\n\nTaken before the reboot."));
  g_assert_nonnull (strstr (md, "| Collect system logs | Yes | alice |"));
  g_assert_nonnull (strstr (md, "| Gather network traffic | No |"));
  /* escalation and approval */
  g_assert_nonnull (strstr (md, "- **Escalated to:** Senior management"));
  g_assert_nonnull (strstr (md, "- **Decision:** Approved"));
  g_assert_nonnull (strstr (md, "- **Submitted by:** alice"));
  g_assert_nonnull (strstr (md, "- **Decided by:** bob"));
  g_assert_nonnull (strstr (md, "**Comment**\n\nWell documented."));
  snapshot = g_strdup_printf ("(SHA-256):** `%s`", vigil_incident_get_snapshot_hash (f->incident));
  g_assert_nonnull (strstr (md, snapshot));
  /* actions, review, plan */
  g_assert_nonnull (strstr (md, "| Isolate both workstations | carol | Desktop team |"));
  g_assert_nonnull (strstr (md, "| Group policy blocking internet macros | Configuration change "
                                "| dave |"));
  g_assert_nonnull (strstr (md, "| Review policy exceptions every quarter |"));
  g_assert_nonnull (strstr (md, "**Change 1: 4.2 Containment**\n\nIsolate first, image memory "
                                "second.\n"));
  g_assert_nonnull (strstr (md, "- **Lesson:** Review policy exceptions every quarter"));
  g_assert_nonnull (strstr (md, "- **Signed off:** alice, "));
  /* completeness and history */
  g_assert_nonnull (strstr (md, "| 6. Document findings | Complete |"));
  g_assert_nonnull (strstr (md, "| 2. Collect relevant data | "));
  g_assert_nonnull (strstr (md, "| bob | Approved: “Well documented.” |"));
  g_assert_nonnull (strstr (md, "| alice | Moved from “9. Coordinate response actions” to "
                                "“11. Implement remedial actions”. |"));
  g_assert_nonnull (strstr (md, "| alice | Added to “Evidence”: FIN-WS-12 memory image. |"));
  g_assert_nonnull (strstr (md, ((VigilLogEntry *) g_ptr_array_index (log, log->len - 1))->hash));
}

static void
test_markdown_escapes (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(VigilReport) report = NULL;
  g_autofree char *md = NULL;

  apply (f, "incident.create", ANALYST,
         "{'title':'Pipes | and *stars*','type':'phishing','detected_at':'2026-11-01T00:00:00Z'}");
  apply (f, "item.add", ANALYST,
         "{'form':'findings','collection':'timeline','item':{'id':'t1',"
         "'at':'2026-11-01T01:00:00Z','event':'a|b'}}");
  report = vigil_report_new (f->incident, NULL, NULL);
  md = vigil_report_to_markdown (report);
  /* A user's text neither breaks a table nor turns into formatting. */
  g_assert_nonnull (strstr (md, "**Pipes \\| and \\*stars\\***"));
  g_assert_nonnull (strstr (md, "| a\\|b |"));
  g_assert_nonnull (strstr (md, "*No history available.*"));
}

static void
test_pdf (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(VigilReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "report.pdf", NULL);
  g_autofree char *png = g_build_filename (f->dir, "page.png", NULL);
  g_autofree char *png_data = NULL;
  gsize png_length = 0;
  guint n_pages;

  fill_incident (f, 60);
  log = list_log (f);
  report = vigil_report_new (f->incident, log, NULL);
  n_pages = vigil_report_count_pages (report);
  g_test_message ("%u pages", n_pages);
  /* a title page, and the long timeline and history need several more */
  g_assert_cmpuint (n_pages, >, 4);

  g_assert_true (vigil_report_write_pdf (report, path, &error));
  g_assert_no_error (error);
  assert_pdf (path, n_pages);

  /* The preview of a page is the same drawing on an image. */
  g_assert_true (vigil_report_write_png (report, 2, 1.5, png, &error));
  g_assert_no_error (error);
  g_file_get_contents (png, &png_data, &png_length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (png_length, >, 8);
  g_assert_cmpmem (png_data, 8, "\x89PNG\r\n\x1a\n", 8);

  g_assert_false (vigil_report_write_png (report, n_pages + 1, 1.0, png, &error));
  g_assert_error (error, VIGIL_REPORT_ERROR, VIGIL_REPORT_ERROR_NO_PAGE);
  g_clear_error (&error);
  g_assert_false (vigil_report_write_png (report, 0, 1.0, png, &error));
  g_assert_error (error, VIGIL_REPORT_ERROR, VIGIL_REPORT_ERROR_NO_PAGE);
}

static void
test_pdf_empty (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr(VigilIncident) empty = vigil_incident_new (id);
  g_autoptr(VigilReport) report = vigil_report_new (empty, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "empty.pdf", NULL);
  g_autofree char *md = vigil_report_to_markdown (report);

  g_assert_true (g_str_has_prefix (md, "# Final incident report Unnumbered incident\n\n"
                                       "**Untitled incident**"));
  g_assert_nonnull (strstr (md, "*No evidence recorded.*"));
  g_assert_nonnull (strstr (md, "- **Decision:** Not submitted"));
  g_assert_nonnull (strstr (md, "| 6. Document findings | Fill in"));

  g_assert_true (vigil_report_write_pdf (report, path, &error));
  g_assert_no_error (error);
  assert_pdf (path, vigil_report_count_pages (report));
  g_assert_cmpuint (vigil_report_count_pages (report), >=, 2);
}

/* A table cell longer than a page is cut in the PDF, never in the Markdown. */
static void
test_long_cell (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GString) comment = g_string_new (NULL);
  g_autofree char *payload = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *md = NULL;
  g_autofree char *path = g_build_filename (f->dir, "long.pdf", NULL);
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(VigilReport) report = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 400; i++)
    g_string_append_printf (comment, "word%u ", i);
  g_string_append (comment, "END");
  apply (f, "incident.create", ANALYST,
         "{'title':'Long decision','type':'ddos','detected_at':'2026-11-01T00:00:00Z',"
         "'aware_at':'2026-11-01T00:10:00Z'}");
  apply (f, "incident.update", ANALYST, "{'severity':'low'}");
  apply (f, "form.update", ANALYST, "{'form':'findings','fields':{'summary':'Flood.'}}");
  apply (f, "form.update", ANALYST, "{'form':'escalate','fields':{'escalate':false}}");
  apply (f, "approval.submit", ANALYST, "{}");
  payload = g_strdup_printf ("{'decision':'reject','comment':'%s'}", comment->str);
  apply (f, "approval.decide", LEAD, payload);

  log = list_log (f);
  report = vigil_report_new (f->incident, log, NULL);
  md = vigil_report_to_markdown (report);
  expected = g_strdup_printf ("| bob | Rejected: “%s” |", comment->str);
  g_assert_nonnull (strstr (md, expected));
  g_assert_nonnull (strstr (md, "- **Decision:** Rejected"));

  g_assert_true (vigil_report_write_pdf (report, path, &error));
  g_assert_no_error (error);
  assert_pdf (path, vigil_report_count_pages (report));
}

static void
on_pdf_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GError **error = user_data;

  vigil_report_write_pdf_finish (VIGIL_REPORT (source), result, error);
  if (*error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NONE, "done");
}

static void
test_pdf_async (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(VigilReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "async.pdf", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "no-such-folder", "x.pdf", NULL);

  fill_incident (f, 2);
  log = list_log (f);
  report = vigil_report_new (f->incident, log, NULL);

  vigil_report_write_pdf_async (report, path, NULL, on_pdf_written_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NONE);
  g_clear_error (&error);
  assert_pdf (path, vigil_report_count_pages (report));

  /* A folder that does not exist gives an error that names the path. */
  vigil_report_write_pdf_async (report, bad, NULL, on_pdf_written_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, VIGIL_REPORT_ERROR, VIGIL_REPORT_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, "no-such-folder"));
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/vigil/report/markdown", Fixture, NULL, fixture_setup, test_markdown,
              fixture_teardown);
  g_test_add ("/vigil/report/markdown/escapes", Fixture, NULL, fixture_setup,
              test_markdown_escapes, fixture_teardown);
  g_test_add ("/vigil/report/pdf", Fixture, NULL, fixture_setup, test_pdf, fixture_teardown);
  g_test_add ("/vigil/report/pdf/empty", Fixture, NULL, fixture_setup, test_pdf_empty,
              fixture_teardown);
  g_test_add ("/vigil/report/pdf/long-cell", Fixture, NULL, fixture_setup, test_long_cell,
              fixture_teardown);
  g_test_add ("/vigil/report/pdf/async", Fixture, NULL, fixture_setup, test_pdf_async,
              fixture_teardown);

  return g_test_run ();
}
