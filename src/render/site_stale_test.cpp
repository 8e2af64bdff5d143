// Stale figures on the overviews (SPEC 4.4): the dashboard's rows and "Needs attention" list and
// the catalog's error budget cell say which figures rest on old data, and how old, in the words
// of the SLO list; a site whose data is current reads as it did without the marks.
#include "model/time.hpp"
#include "pipeline.hpp"
#include "pipeline_test_support.hpp"
#include "render/site.hpp"
#include "render/site_detail.hpp"
#include "render/test_content.hpp"

#include <doctest/doctest.h>
#include <map>
#include <string>
#include <vector>

using namespace nines;
using render_test::ContentCopy;

namespace {

constexpr const char* k_now = "2026-11-23T00:00:00Z";

using render_test::contains;

// The example organisation through load … compute, once for every test case of this file;
// offline: no live window asked for, none missing, so the marks are the days'.
const Run& stale_content_run() {
  static ContentCopy copy;
  static Run run = render_test::run_content(copy, k_now, Stage::Compute, true);
  return run;
}

std::map<std::string, std::string> render_pages(const Run& run, const Figures& figs) {
  SiteOptions o;
  o.base_url = "https://larkspur.github.io/reliability/";
  o.version = "0.1.0";
  o.jobs = 2;
  return render_site(run.repo, figs, {}, run.series, o);
}

// The line of `html` holding `needle` (rows and list items are one line each), or "".
std::string line_with(const std::string& html, const std::string& needle) {
  const std::size_t at = html.find(needle);
  if (at == std::string::npos) return {};
  const std::size_t begin = html.rfind('\n', at);
  const std::size_t end = html.find('\n', at);
  const std::size_t from = begin == std::string::npos ? 0 : begin + 1;
  return html.substr(from, end == std::string::npos ? std::string::npos : end - from);
}

// The figures of the example content with one SLO's days from `from` on left out, as when its
// pull has failed since then.
Figures figures_without_days(const Run& run, const std::string& slo, const std::string& from) {
  std::map<std::string, DailySeries> series = run.series;
  auto it = series.find(slo);
  REQUIRE(it != series.end());
  const std::int64_t first_dropped = *parse_date(from);
  it->second.erase(it->second.lower_bound(first_dropped), it->second.end());
  return compute_all(run.repo, series, run.live, *parse_timestamp(k_now));
}

} // namespace

TEST_CASE("render/site stale: the mark reads as the SLO list's, and only when stale") {
  DataFreshness fresh;
  fresh.status = "fresh";
  fresh.as_of = "2026-11-22";
  fresh.age_days = 0;
  CHECK(site::stale_mark(fresh).is_null());

  // No data at all already reads "No data" beside the state.
  DataFreshness missing;
  CHECK(site::stale_mark(missing).is_null());

  DataFreshness stale;
  stale.status = "stale";
  stale.as_of = "2026-11-17";
  stale.age_days = 5;
  const site::json mark = site::stale_mark(stale);
  REQUIRE(mark.is_object());
  CHECK(mark["status"] == "stale");
  CHECK(mark["text"] == "stale · 5 days old");
  CHECK(mark["text"] == site::freshness_of(stale)["text"]);
  CHECK(site::stale_reason(stale) == "figures rest on data up to 2026-11-17");

  // Current days but a live window not fetched: the overviews show no figure of the live windows
  // (state, budget and attainment come from the days), so nothing there is behind.
  DataFreshness live = fresh;
  live.live_missing = {"1h"};
  CHECK(site::stale_mark(live).is_null());
  // Old days and a live window not fetched: the list's whole text.
  DataFreshness both = stale;
  both.live_missing = {"1h"};
  CHECK(site::stale_mark(both)["text"] == "stale · 5 days old · live 1h not fetched");

  // Several SLOs behind one figure: the oldest one's mark, and how many of them are stale.
  SloFigures a, b, c;
  a.data = fresh;
  b.data = stale;
  c.data = stale;
  c.data.age_days = 9;
  c.data.as_of = "2026-11-13";
  CHECK(site::stale_mark(std::vector<const SloFigures*>{&a}).is_null());
  CHECK(site::stale_mark(std::vector<const SloFigures*>{}).is_null());
  CHECK(site::stale_mark(std::vector<const SloFigures*>{&b})["text"] == "stale · 5 days old");
  CHECK(site::stale_mark(std::vector<const SloFigures*>{&a, &b, &c})["text"] ==
        "stale · 9 days old · 2 of 3 SLOs");
  CHECK(site::stale_mark(std::vector<const SloFigures*>{&b, &c})["as_of"] == "2026-11-13");
}

TEST_CASE("render/site stale: dashboard and catalog mark a stale SLO with its age") {
  const Run& run = stale_content_run();
  // Tracking's pull stopped after 2026-11-17; the last closed day is 2026-11-22.
  const Figures figs = figures_without_days(run, "tracking-api-availability", "2026-11-18");
  auto files = render_pages(run, figs);
  const std::string& dashboard = files["index.html"];
  const std::string& catalog = files["catalog/index.html"];

  const std::string mark = "<span class=\"badge fresh-stale\">stale · 5 days old</span>";
  // The Error budgets row: beside the state it shows.
  const std::string row = line_with(
      dashboard, "<a href=\"slos/tracking-api-availability/index.html\">Tracking availability</a>"
                 "</th>");
  REQUIRE_FALSE(row.empty());
  CHECK(contains(row, "</span> " + mark + "</td>"));
  // A row of current data has no mark.
  const std::string fresh_row = line_with(
      dashboard,
      "<a href=\"slos/checkout-api-availability/index.html\">Checkout API availability</a></th>");
  REQUIRE_FALSE(fresh_row.empty());
  CHECK_FALSE(contains(fresh_row, "fresh-stale"));

  // Needs attention: healthy on old data is still a reason to look.
  const std::string item = line_with(dashboard, "Tracking availability (tracking-api)");
  REQUIRE_FALSE(item.empty());
  CHECK(contains(item, "<li>"));
  CHECK(contains(item, "— figures rest on data up to 2026-11-17 " + mark + "</li>"));

  // The catalog's error budget cell: one of tracking-api's two SLOs is behind.
  const std::string cell = line_with(
      catalog, "<span class=\"badge fresh-stale\">stale · 5 days old · 1 of 2 SLOs</span>");
  REQUIRE_FALSE(cell.empty());
  CHECK(contains(cell, "<td data-sort="));
  std::size_t marks = 0;
  for (std::size_t at = catalog.find("fresh-stale"); at != std::string::npos;
       at = catalog.find("fresh-stale", at + 1))
    ++marks;
  CHECK(marks == 1);
}

TEST_CASE("render/site stale: a spent budget on old data keeps its reason and gains the mark") {
  const Run& run = stale_content_run();
  Figures figs = run.figures;
  SloFigures* bff = nullptr;
  for (auto& f : figs.slos)
    if (f.id == "driver-app-bff-availability") bff = &f;
  REQUIRE(bff != nullptr);
  REQUIRE(bff->state.name() == "exhausted");
  bff->data.status = "stale";
  bff->data.age_days = 2;
  bff->data.as_of = "2026-11-20";
  auto files = render_pages(run, figs);
  const std::string item =
      line_with(files["index.html"], "Driver app availability (driver-app-bff)");
  REQUIRE_FALSE(item.empty());
  CHECK(contains(item, "— error budget overspent by"));
  CHECK(contains(item, " <span class=\"badge fresh-stale\">stale · 2 days old</span></li>"));
  // Its service has that one SLO: the catalog's mark needs no count.
  CHECK(contains(files["catalog/index.html"],
                 "<span class=\"badge state-exhausted\">Exhausted</span> <span class=\"badge "
                 "fresh-stale\">stale · 2 days old</span></td>"));
}

TEST_CASE("render/site stale: current data carries no mark") {
  const Run& run = stale_content_run();
  auto files = render_pages(run, run.figures);
  for (const auto& s : run.figures.slos)
    REQUIRE_MESSAGE(s.data.status != "stale", s.id);
  CHECK_FALSE(contains(files["index.html"], "fresh-stale"));
  CHECK_FALSE(contains(files["catalog/index.html"], "fresh-stale"));
  CHECK_FALSE(contains(files["index.html"], "figures rest on data"));
}
