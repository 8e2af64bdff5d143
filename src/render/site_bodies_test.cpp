// Document bodies on the site (SPEC 1.1, docs/site.md "Document bodies"): every kind's Markdown
// body on the page that shows the document, the pages whose own body is a prose slot, the files
// whose body edit takes the long way, and the links of the new bodies checked at their lines.
#include "model/time.hpp"
#include "pipeline.hpp"
#include "render/content_links.hpp"
#include "render/site.hpp"
#include "render/site_detail.hpp"
#include "render/test_content.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <vector>

using namespace nines;
using render_test::ContentCopy;

namespace {

constexpr const char* k_now = "2026-11-23T00:00:00Z";

using render_test::contains;

void append(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::app | std::ios::binary);
  out << text;
}

// The example organisation with a marker at the end of one Markdown document of each kind, run
// up to `last`.
struct MarkedContent {
  // Repository file → the marker appended to its body, with the page it must reach.
  struct Mark {
    std::string marker, page;
  };
  ContentCopy copy;
  std::map<std::string, Mark> marks = {
      {"slos/returns-portal.md", {"BODYMARK-slo", "slos/returns-portal-availability/index.html"}},
      {"slis/page-load-lcp.md", {"BODYMARK-sli", "slos/customer-web-lcp/index.html"}},
      {"policies/checkout-api-policy.md",
       {"BODYMARK-policy", "slos/checkout-api-availability/index.html"}},
      {"capacity/eta-predictor.md", {"BODYMARK-capacity", "services/eta-predictor/index.html"}},
      {"toil/customer-team.md", {"BODYMARK-toil", "services/notification-service/index.html"}},
      {"chaos/tracking-api-pod-kill.md", {"BODYMARK-chaos", "services/tracking-api/index.html"}},
      {"automation/driver-app-bff.md",
       {"BODYMARK-remediation", "services/driver-app-bff/index.html"}},
      {"readiness/returns-portal.md", {"BODYMARK-readiness", "services/returns-portal/index.html"}},
      {"assessments/delivery-team-2026-11.md",
       {"BODYMARK-assessment", "services/dispatch-service/index.html"}},
      {"oncall/delivery-oncall.md", {"BODYMARK-rotation", "handoffs/delivery-oncall.html"}},
      {"reports/2026-10.md", {"BODYMARK-report", "reports/2026-10/index.html"}},
  };
  Run run;

  explicit MarkedContent(Stage last) {
    for (const auto& [file, mark] : marks)
      append(copy.path / file, "\nThe marker " + mark.marker + " closes the body.\n");
    run.opts.dir = copy.path;
    run.opts.last = last;
    run.opts.now = k_now;
    REQUIRE(run_pipeline(run) == 0);
  }
};

const MarkedContent& marked() {
  static MarkedContent content(Stage::Compute);
  return content;
}

SiteOptions options() {
  SiteOptions o;
  o.version = "0.1.0";
  o.jobs = 2;
  return o;
}

} // namespace

TEST_CASE("render/site bodies: every kind's body reaches the page that shows its document") {
  const MarkedContent& c = marked();
  const auto files = render_site(c.run.repo, c.run.figures, {}, c.run.series, options());
  for (const auto& [file, mark] : c.marks) {
    auto page = files.find(mark.page);
    REQUIRE_MESSAGE(page != files.end(), mark.page);
    CHECK_MESSAGE(contains(page->second, mark.marker), file << " on " << mark.page);
  }
  // A body shown outside its page's slot is folded under "Notes".
  const std::string& capacity = files.at("services/eta-predictor/index.html");
  const auto at = capacity.find("BODYMARK-capacity");
  CHECK(capacity.rfind("<details class=\"notes\"><summary>Notes</summary>", at) !=
        std::string::npos);
  // The team's assessment is on every page of the team's services.
  CHECK(contains(files.at("services/tracking-api/index.html"), "BODYMARK-assessment"));
  CHECK_FALSE(contains(files.at("services/checkout-api/index.html"), "BODYMARK-assessment"));
}

TEST_CASE("render/site bodies: a link to a rotation's or a report's file leads to its page") {
  // The pages that show those bodies, as a runbook's or an SLO's file leads to its page.
  const auto pages = site::file_pages_of(marked().run.repo);
  CHECK(pages.at("oncall/delivery-oncall.md") == "handoffs/delivery-oncall.html");
  CHECK(pages.at("reports/2026-10.md") == "reports/2026-10/index.html");
  CHECK(pages.at("slos/returns-portal.md") == "slos/returns-portal-availability/index.html");
  CHECK(pages.count("capacity/eta-predictor.md") == 0); // shown folded on another page
}

TEST_CASE("render/site bodies: the SLO, report and handoff pages hold their document's slot") {
  const MarkedContent& c = marked();
  std::mutex mutex;
  std::map<std::string, ProseSlot> slots;
  SiteSink sink;
  sink.file = [](const std::string&, std::string, const std::string&) {};
  sink.prose_page = [&](ProsePage&& page) {
    std::lock_guard<std::mutex> lock(mutex);
    slots.emplace(page.path, std::move(page.slot));
  };
  sink.prose_search = [](ProseSearch&&) {};
  render_site(c.run.repo, c.run.figures, {}, c.run.series, options(), sink);
  const std::map<std::string, std::pair<std::string, std::string>> want = {
      {"slos/returns-portal-availability/index.html", {"slos/returns-portal.md", "/slo/body_html"}},
      {"reports/2026-10/index.html", {"reports/2026-10.md", "/report/body_html"}},
      {"handoffs/delivery-oncall.html", {"oncall/delivery-oncall.md", "/handoff/body_html"}},
      {"services/returns-portal/index.html", {"services/returns-portal.md", "/body_html"}}};
  for (const auto& [page, slot] : want) {
    auto it = slots.find(page);
    REQUIRE_MESSAGE(it != slots.end(), page);
    CHECK(it->second.file == slot.first);
    CHECK(it->second.body_at == slot.second);
  }
  // The bodies rendered before the slot's on the same page (the readiness review's, here) took
  // their anchors first: the slot's body avoids them.
  const ProseSlot& service = slots.at("services/returns-portal/index.html");
  CHECK_FALSE(service.taken.empty());
}

TEST_CASE("render/site bodies: the bodies shown outside a slot are listed for the long way") {
  const MarkedContent& c = marked();
  const std::vector<std::string> outside = bodies_outside_slots(c.run.repo);
  auto listed = [&outside](const std::string& file) {
    return std::find(outside.begin(), outside.end(), file) != outside.end();
  };
  for (const char* file :
       {"slis/page-load-lcp.md", "policies/checkout-api-policy.md", "capacity/eta-predictor.md",
        "toil/customer-team.md", "chaos/tracking-api-pod-kill.md", "automation/driver-app-bff.md",
        "readiness/returns-portal.md", "assessments/delivery-team-2026-11.md"})
    CHECK_MESSAGE(listed(file), file);
  for (const char* file : {"slos/returns-portal.md", "reports/2026-10.md",
                           "oncall/delivery-oncall.md", "services/returns-portal.md"})
    CHECK_MESSAGE(!listed(file), file);
  CHECK(std::is_sorted(outside.begin(), outside.end()));
  for (const auto& file : outside)
    CHECK(file.ends_with(".md"));
}

TEST_CASE("render/site bodies: the standalone report shows its body without links") {
  const MarkedContent& c = marked();
  const auto doc =
      render_report_document(c.run.repo, c.run.figures, {}, c.run.series, options(), "2026-10");
  REQUIRE(doc.has_value());
  CHECK(contains(*doc, "BODYMARK-report"));
  CHECK_FALSE(contains(*doc, "href="));
}

TEST_CASE("render/site bodies: bodies without links on one page share no heading or footnote id") {
  std::set<std::string> taken;
  const std::string md = "## Notes\n\nA claim.[^1]\n\n[^1]: Its source.\n";
  const std::string first = site::markdown_without_links(md, &taken);
  const std::string second = site::markdown_without_links(md, &taken);
  CHECK(contains(first, "id=\"notes\""));
  CHECK(contains(first, "id=\"fn-1\""));
  CHECK(contains(second, "id=\"notes-1\""));
  CHECK(contains(second, "id=\"fn-2-1\""));
  CHECK_FALSE(contains(second, "id=\"fn-1\""));
  CHECK(taken.count("fn-2-1") == 1);
}

TEST_CASE("render/site bodies: links in the new bodies are checked at their lines") {
  ContentCopy copy;
  // A path that climbs above the repository breaks on any page; the SLO body's at its line, the
  // SLI's (on one SLO page here) and the capacity model's (on its service's page) too.
  const std::map<std::string, std::string> files = {{"slos/returns-portal.md", "slo"},
                                                    {"slis/page-load-lcp.md", "sli"},
                                                    {"capacity/eta-predictor.md", "capacity"},
                                                    {"reports/2026-10.md", "report"},
                                                    {"oncall/delivery-oncall.md", "rotation"}};
  std::map<std::string, int> lines;
  for (const auto& [file, name] : files) {
    std::ifstream in(copy.path / file, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    lines[file] = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 2;
    append(copy.path / file, "\nSee [" + name + "](../../../outside-" + name + ".md).\n");
  }
  Run run;
  run.opts.dir = copy.path;
  run.opts.last = Stage::Link;
  run.opts.now = k_now;
  CHECK(run_pipeline(run) != 0);
  for (const auto& [file, name] : files) {
    int found = 0;
    for (const auto& d : run.diags.all())
      if (d.rule == "broken-link" && d.file == file && contains(d.message, "outside-" + name)) {
        ++found;
        CHECK(d.loc.line == lines[file]);
        CHECK(d.loc.col == 5);
        CHECK(contains(d.message, "climbs above the repository"));
      }
    CHECK_MESSAGE(found == 1, file << ": reported once");
  }
}

TEST_CASE("render/site bodies: an assessment none of whose scores is used has no body shown") {
  // As the maturity page shows only the notes of the assessments that set a score, the service
  // page shows only their bodies.
  const MarkedContent& c = marked();
  const char* page = "services/dispatch-service/index.html";
  auto old = std::find_if(c.run.repo.assessments.begin(), c.run.repo.assessments.end(),
                          [](const Assessment& a) { return a.meta.id == "delivery-team-2026-11"; });
  REQUIRE(old != c.run.repo.assessments.end());
  SUBCASE("superseded by a later assessment of every dimension it scores") {
    Repo repo = c.run.repo;
    Assessment later = *old;
    later.meta.id = "delivery-team-2026-11-20";
    later.meta.file = "assessments/delivery-team-2026-11-20.md";
    later.meta.body = "The marker BODYMARK-later closes the body.\n";
    later.date = "2026-11-20";
    later.notes = "NOTEMARK-later";
    repo.assessments.push_back(later);
    const Figures figs = compute_all(repo, c.run.series, c.run.live, c.run.figures.now);
    const auto files = render_site(repo, figs, {}, c.run.series, options());
    CHECK(contains(files.at(page), "BODYMARK-later"));
    CHECK(contains(files.at(page), "NOTEMARK-later"));
    CHECK_FALSE(contains(files.at(page), "BODYMARK-assessment"));
    CHECK_FALSE(contains(files.at(page), "Honest self-assessment"));
  }
  SUBCASE("dated after now, so not counted") {
    const std::int64_t earlier = *parse_timestamp("2026-11-01T00:00:00Z");
    const Figures figs = compute_all(c.run.repo, c.run.series, c.run.live, earlier);
    const auto files = render_site(c.run.repo, figs, {}, c.run.series, options());
    CHECK_FALSE(contains(files.at(page), "BODYMARK-assessment"));
    CHECK_FALSE(contains(files.at("services/tracking-api/index.html"), "BODYMARK-assessment"));
    CHECK_FALSE(contains(files.at(page), "Honest self-assessment"));
  }
}

TEST_CASE("render/site bodies: a heading with no text has no contents entry") {
  // `## ![](x.png)` has an anchor but nothing to read in the contents; `## !!!` reads "!!!".
  const MarkdownResult md = render_markdown("## Steps\n\n## !!!\n\n## ![](x.png)\n\n## Rollback\n");
  REQUIRE(md.headings.size() == 4);
  CHECK(md.headings[2].text.empty());
  CHECK(md.headings[2].anchor == "section-1");
  const auto toc = site::toc_of(md);
  REQUIRE(toc.size() == 3);
  CHECK(toc[0]["anchor"] == "steps");
  CHECK(toc[1]["anchor"] == "section");
  CHECK(toc[1]["text"] == "!!!");
  CHECK(toc[2]["anchor"] == "rollback");
}
