#include "model/time.hpp"
#include "pipeline.hpp"
#include "pipeline_test_support.hpp"
#include "render/content_links.hpp"
#include "render/html.hpp"
#include "render/site.hpp"
#include "render/site_detail.hpp"
#include "render/test_content.hpp"
#include "render/theme.hpp"
#include "write/link_check.hpp"
#include "write/site_writer.hpp"

#include <algorithm>
#include <atomic>
#include <doctest/doctest.h>
#include <fstream>
#include <regex>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace nines {

const std::map<std::string, std::string_view>& embedded_theme_files(); // generated

} // namespace nines

using namespace nines;
using render_test::ContentCopy;

namespace {

constexpr const char* k_now = "2026-11-23T00:00:00Z";

using render_test::contains;

// The example organisation through load … compute, once for every test case.
const Run& content_run() {
  static ContentCopy copy;
  static Run run = render_test::run_content(copy, k_now);
  return run;
}

SiteOptions options(int jobs, std::string base_url = "https://larkspur.github.io/reliability/") {
  SiteOptions o;
  o.base_url = std::move(base_url);
  o.version = "0.1.0";
  o.jobs = jobs;
  return o;
}

std::map<std::string, std::string> render(const Repo& repo, const Figures& figs,
                                          const std::map<std::string, DailySeries>& series,
                                          const SiteOptions& opts,
                                          std::vector<BrokenLink>* broken_out = nullptr) {
  auto files = render_site(repo, figs, {}, series, opts);
  std::vector<BrokenLink> broken = check_links(files);
  if (broken_out)
    *broken_out = broken;
  else
    for (const auto& b : broken)
      FAIL_CHECK(b.page << ": " << b.target << ": " << b.reason);
  return files;
}

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// Every output a browser would interpret: pages, the sitemap and the search index. (api/*.json is
// data for scripts; its strings are JSON-escaped, not HTML.)
void check_inert(const std::map<std::string, std::string>& files) {
  const std::regex unsafe_attr(
      R"((href|src|action|formaction|xlink:href)\s*=\s*["']?\s*javascript:)", std::regex::icase);
  for (const auto& [path, bytes] : files) {
    if (path.rfind("api/", 0) == 0) continue;
    std::string low = lower(bytes);
    CHECK_MESSAGE(!contains(low, "<script>alert"), path);
    CHECK_MESSAGE(!contains(low, "onerror="), path);
    CHECK_MESSAGE(!contains(low, "javascript:"), path);
    CHECK_MESSAGE(!std::regex_search(bytes, unsafe_attr), path);
  }
}

} // namespace

TEST_CASE("render/site: the embedded theme loads from its file map") {
  std::map<std::string, std::string> files;
  for (const auto& [path, bytes] : embedded_theme_files())
    files.emplace(path, std::string(bytes));
  Theme theme(files, {});
  for (const char* name :
       {"base",     "dashboard",   "catalog",    "service", "slos",     "slo",       "runbooks",
        "runbook",  "postmortems", "postmortem", "team",    "maturity", "readiness", "toil",
        "capacity", "oncall",      "reports",    "report",  "search",   "404",       "sitemap"})
    CHECK_MESSAGE(theme.has_layout(name), name);
  CHECK(theme.static_files().count("style.css") == 1);
  // Messages name the embedded file.
  files["layouts/broken.mustache"] = "{{#open}}";
  CHECK_THROWS_WITH_AS(Theme(files, {}), doctest::Contains("theme:layouts/broken.mustache"),
                       ThemeError);
}

TEST_CASE("render/site: every page of the example organisation, with no broken link") {
  const Run& run = content_run();
  auto files = render(run.repo, run.figures, run.series, options(2));

  std::vector<std::string> expected = {"index.html",
                                       "catalog/index.html",
                                       "slos/index.html",
                                       "runbooks/index.html",
                                       "postmortems/index.html",
                                       "teams/index.html",
                                       "maturity/index.html",
                                       "readiness/index.html",
                                       "toil/index.html",
                                       "capacity/index.html",
                                       "oncall/index.html",
                                       "reports/index.html",
                                       "search.html",
                                       "search-index.js",
                                       "404.html",
                                       "sitemap.xml",
                                       ".nojekyll",
                                       "static/style.css",
                                       "static/search.js",
                                       "static/copy.js",
                                       "api/slos.json",
                                       "api/services.json",
                                       "api/maturity.json",
                                       "api/readiness.json",
                                       "api/diagnostics.json"};
  for (const auto& s : run.repo.services)
    expected.push_back("services/" + s.meta.id + "/index.html");
  for (const auto& s : run.repo.slos)
    expected.push_back("slos/" + s.meta.id + "/index.html");
  for (const auto& r : run.repo.runbooks)
    expected.push_back("runbooks/" + r.meta.id + "/index.html");
  for (const auto& p : run.repo.postmortems)
    expected.push_back("postmortems/" + p.meta.id + "/index.html");
  for (const auto& [period, r] : run.figures.reports) {
    expected.push_back("reports/" + period + "/index.html");
    expected.push_back("api/reports/" + period + ".json");
  }
  for (const auto& path : expected)
    CHECK_MESSAGE(files.count(path) == 1, path);

  // Every page: a language, a title, a main landmark, and the shared frame with relative links.
  for (const auto& [path, html] : files) {
    if (path.size() < 5 || path.compare(path.size() - 5, 5, ".html") != 0) continue;
    CHECK_MESSAGE(contains(html, "<html lang=\"en\">"), path);
    CHECK_MESSAGE(contains(html, "<title>"), path);
    CHECK_MESSAGE(contains(html, "<main id=\"main\""), path);
    CHECK_MESSAGE(!contains(html, "href=\"/"), path);
    CHECK_MESSAGE(!contains(html, "src=\"/"), path);
    // 404.html is served at any depth: with base_url its assets are absolute under it.
    if (path != "404.html") CHECK_MESSAGE(!contains(html, "src=\"http"), path);
    // A "}}" inside a layout's leading comment would end it early and print the rest.
    CHECK_MESSAGE(!contains(html, "View fields"), path);
  }
  const std::string& svc = files["services/checkout-api/index.html"];
  CHECK(contains(svc, "href=\"../../static/style.css\""));
  CHECK(contains(svc, "class=\"chart chart-deps\""));             // dependency graph
  CHECK(contains(svc, "no stored data"));                         // golden signals placeholder
  CHECK(contains(svc, "chart-gauge"));                            // budget gauge per SLO
  CHECK(contains(svc, "Error budget remaining over the window")); // burn-down per SLO

  // SLO pages show the figures as computed, with their freshness.
  const std::string& slo = files["slos/checkout-api-availability/index.html"];
  CHECK(contains(slo, "Budget burn-down"));
  CHECK(contains(slo, "Daily attainment"));
  CHECK(contains(slo, "<time>2026-12-19</time>")); // projected exhaustion (test_build.py)
  CHECK(contains(slo, "fresh"));
  CHECK(contains(slo, "46.7 hours")); // 14.4× over 28 days: W/B
  CHECK(contains(files["slos/eta-predictor-accuracy/index.html"], "missing · no data"));

  // Runbook commands are copyable code blocks.
  CHECK(contains(files["runbooks/checkout-api-fast-burn/index.html"],
                 "<pre><code>argocd app history checkout-api-prod | head -5</code></pre>"));
  CHECK(contains(files["index.html"], "Overdue action items"));
  CHECK(contains(files["maturity/index.html"], "heat-table"));
  CHECK(contains(files["maturity/index.html"], "heat-legend"));
  CHECK(contains(files["sitemap.xml"],
                 "<loc>https://larkspur.github.io/reliability/services/checkout-api/</loc>"));
  CHECK(files["search-index.js"].rfind("window.NINES_SEARCH = [", 0) == 0);
  // Full text: entries are [kind, title, href, summary, text], with runbook commands, incident
  // ids and people searchable.
  const std::string& index = files["search-index.js"];
  CHECK(contains(index, "[\"service\",\"checkout-api\",\"services/checkout-api/\""));
  CHECK(contains(index, "argocd app history checkout-api-prod"));
  CHECK(contains(index, "INC-2026-0188"));
  CHECK(contains(index, "[\"person\",\"Priya Raman\","));
  // A person leads to their team, where their memberships are, not to the first postmortem that
  // names them (Aiko Tanaka owns an action item of one).
  CHECK(contains(index, "[\"person\",\"Aiko Tanaka\",\"teams/index.html#team-payments-team\","));
  CHECK(contains(index, "[\"person\",\"Priya Raman\",\"teams/index.html#team-payments-team\","));
  CHECK(contains(index, "[\"rotation\","));
  // One <h1> per page: Markdown headings start below the page's title.
  for (const auto& [path, bytes] : files) {
    if (path.size() < 5 || path.compare(path.size() - 5, 5, ".html") != 0) continue;
    std::size_t n = 0;
    for (std::size_t at = bytes.find("<h1"); at != std::string::npos;
         at = bytes.find("<h1", at + 1))
      ++n;
    CHECK_MESSAGE(n == 1, path);
  }
}

TEST_CASE("render/site: output is identical whatever the number of threads") {
  const Run& run = content_run();
  auto one = render(run.repo, run.figures, run.series, options(1));
  auto two = render(run.repo, run.figures, run.series, options(2));
  auto many = render(run.repo, run.figures, run.series, options(7));
  CHECK(one.size() == two.size());
  CHECK(one == two);
  CHECK(one == many);
}

TEST_CASE("render/site: figures computed on any number of threads render the same site") {
  // compute_all runs its formulas as tasks on the threads (every SLO, week, month, service's
  // readiness, and the organisation-wide figures side by side); the site, API included, must
  // not depend on how many there were.
  const Run& run = content_run();
  auto site_of = [&](int jobs) {
    Figures figs = compute_all(run.repo, run.series, run.live, run.figures.now, nullptr, jobs);
    return render(run.repo, figs, run.series, options(1));
  };
  const auto one = site_of(1);
  CHECK(one.count("api/readiness.json") == 1);
  CHECK(one == site_of(2));
  CHECK(one == site_of(8));
  // Each task writes its own slot: every service's readiness is the one computed for it alone,
  // in repo order, and every rotation has its handoff.
  Figures figs = compute_all(run.repo, run.series, run.live, run.figures.now, nullptr, 8);
  REQUIRE(figs.readiness.size() == run.repo.services.size());
  for (std::size_t i = 0; i < run.repo.services.size(); ++i) {
    const std::string& id = run.repo.services[i].meta.id;
    const ReadinessFigures alone = compute_readiness(run.repo, id, run.series, run.figures.now);
    CHECK(figs.readiness[i].service == id);
    CHECK(figs.readiness[i].digest == alone.digest);
    CHECK(figs.readiness[i].pass == alone.pass);
    CHECK(figs.readiness[i].fail == alone.fail);
    CHECK(figs.readiness[i].rows.size() == alone.rows.size());
  }
  CHECK(figs.handoffs.size() == run.repo.rotations.size());
  for (const auto& r : run.repo.rotations)
    CHECK_MESSAGE(figs.handoffs.count(r.meta.id) == 1, r.meta.id);
}

TEST_CASE("render/site: golden signals of any name are labelled from it") {
  const Run& run = content_run();
  Repo repo = run.repo;
  repo.config.golden_signals["latency_p50"] = "histogram_quantile(0.5, x)";
  repo.config.golden_signals["queue_depth"] = "sum(queue_depth)";
  auto files = render(repo, run.figures, run.series, options(2, ""));
  const std::string& svc = files["services/checkout-api/index.html"];
  CHECK(contains(svc, "Latency (p50)"));
  CHECK(contains(svc, "Queue depth"));
  CHECK(contains(svc, "Latency (p99)"));
}

TEST_CASE("render/site: a service page says which of its sections have nothing") {
  // SPEC 5 lists runbooks, postmortems, toil, capacity and chaos on the service page: an empty
  // one says so, so "none exists" never reads as "not shown".
  const Run& run = content_run();
  auto files = render(run.repo, run.figures, run.series, options(2, ""));
  const std::string& none = files["services/returns-portal/index.html"];
  CHECK(contains(none, "<a href=\"#runbooks\">Runbooks</a>"));
  CHECK(contains(none, "No runbook names this service."));
  CHECK(contains(none, "No postmortem names this service."));
  const std::string& some = files["services/checkout-api/index.html"];
  CHECK_FALSE(contains(some, "No runbook names this service."));
  CHECK(contains(some, "id=\"runbooks\""));
}

TEST_CASE("render/site: no base_url, a sitemap of relative locations") {
  const Run& run = content_run();
  auto files = render(run.repo, run.figures, run.series, options(2, ""));
  REQUIRE(files.count("sitemap.xml") == 1);
  const std::string& map = files["sitemap.xml"];
  CHECK(contains(map, "<loc>catalog/</loc>"));
  CHECK_FALSE(contains(map, "<loc>/"));
  CHECK_FALSE(contains(map, "search.html"));
  CHECK(files.count("index.html") == 1);
}

TEST_CASE("render/site: a review date after today is never shown as the last change") {
  // The example has no git history here, so the SLO page's "Last changed" comes from the
  // document's last_reviewed; one dated after today is a date to come, not a change.
  const Run& run = content_run();
  Repo repo = run.repo;
  Slo* slo = nullptr;
  for (auto& s : repo.slos)
    if (s.meta.id == "checkout-api-availability") slo = &s;
  REQUIRE(slo != nullptr);
  REQUIRE_FALSE(slo->last_reviewed.value.empty());
  const std::string page = "slos/checkout-api-availability/index.html";
  auto files = render(repo, run.figures, run.series, options(2));
  CHECK(contains(files[page], "Last changed <time>" + slo->last_reviewed.value + "</time>"));
  slo->last_reviewed.value = "2026-12-25";
  files = render(repo, run.figures, run.series, options(2));
  CHECK_FALSE(contains(files[page], "Last changed <time>2026-12-25"));
  CHECK(contains(files[page], "last_reviewed field (2026-12-25) is after today"));
}

TEST_CASE("render/site: stale data shows its age") {
  const Run& run = content_run();
  // Three days later with no new data: every SLO with data is stale by three days.
  auto later = *parse_timestamp("2026-11-26T00:00:00Z");
  Figures figs = compute_all(run.repo, run.series, run.live, later);
  auto files = render(run.repo, figs, run.series, options(2));
  CHECK(contains(files["slos/checkout-api-availability/index.html"], "stale · 3 days old"));
  CHECK(contains(files["index.html"], "Metrics: stale"));
}

TEST_CASE("render/site: hostile input renders inert") {
  const Run& run = content_run();
  Repo repo = run.repo;
  repo.services[0].description = "<script>alert(1)</script> and \"quotes\" & 'apostrophes'";
  repo.services[0].links.push_back({"evil", "javascript:alert(1)"});
  repo.services[0].links.push_back({"\"><script>alert(1)</script>", "JaVaScRiPt:alert(1)"});
  repo.services[0].meta.body = "[x](javascript:alert(1))\n\n<img src=x onerror=alert(1)>\n\n"
                               "<script>alert(1)</script>\n";
  repo.runbooks[0].meta.body =
      "# Steps\n\n[x](javascript:alert(1)) and [y](JAVASCRIPT:alert(1))\n\n"
      "<img src=x onerror=alert(1)>\n\n<a href=\"javascript:alert(1)\">z</a>\n";
  repo.runbooks[0].title = "\"><script>alert(1)</script>";
  repo.runbooks[0].overview = "<b>raw</b> HTML and `code` in the overview";
  repo.postmortems[0].title = "\"><script>alert(1)</script>";
  repo.postmortems[0].summary = "<script>alert(1)</script>";
  repo.slos[0].name = "\"><script>alert(1)</script>";
  repo.config.title = "</title><script>alert(1)</script>";
  repo.config.repo_url = "javascript:alert(1)";
  // Ids are validated upstream; a page path is still never built from one that climbs out.
  repo.runbooks[1].meta.id = "../../etc/passwd";
  Figures figs = compute_all(repo, run.series, run.live, run.figures.now);

  std::vector<BrokenLink> broken;
  auto files = render(repo, figs, run.series, options(2), &broken);
  check_inert(files);
  for (const auto& [path, bytes] : files) {
    CHECK_MESSAGE(SiteWriter::is_valid_path(path), path);
    CHECK_MESSAGE(!contains(path, ".."), path);
  }
  for (const auto& b : broken)
    FAIL_CHECK(b.page << ": " << b.target << ": " << b.reason);
  // The text is still there, escaped.
  const std::string& svc = files["services/" + repo.services[0].meta.id + "/index.html"];
  CHECK(contains(svc, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK(contains(files["search-index.js"], "\\u003cscript\\u003e"));
}

TEST_CASE("render/site: the seed's fields reach their pages, escaped") {
  const Run& run = content_run();
  Repo repo = run.repo;
  const std::string hostile = "<b>x</b> & \"y\"";
  const std::string escaped = "&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;";
  // An SLO's indicator: how it is measured and what it leaves out.
  Slo& slo = repo.slos[0];
  auto sli = std::find_if(repo.slis.begin(), repo.slis.end(),
                          [&](const Sli& s) { return s.meta.id == slo.sli.id; });
  REQUIRE(sli != repo.slis.end());
  sli->measurement_source = "source " + hostile;
  sli->aggregation = "aggregation " + hostile;
  sli->exclusions = {"exclusion " + hostile};
  // The policy's reset rule, whichever document applies.
  for (auto& p : repo.policies)
    p.reset = "reset " + hostile;
  // An experiment's method, safety controls and results, on its service's page.
  auto exp = std::find_if(repo.experiments.begin(), repo.experiments.end(), [&](const auto& e) {
    return std::any_of(repo.services.begin(), repo.services.end(),
                       [&](const Service& s) { return s.meta.id == e.service_id(); });
  });
  REQUIRE(exp != repo.experiments.end());
  exp->blast_radius = "blast " + hostile;
  exp->rollback_plan = "rollback " + hostile;
  exp->steady_state = {{"metric " + hostile, "baseline " + hostile, "range " + hostile}};
  exp->abort_conditions = {"abort " + hostile};
  exp->required_approvals = {"approver " + hostile};
  exp->observations = {"observed " + hostile};
  exp->action_items = {"follow-up " + hostile};
  // A postmortem action item's tracker ticket and type.
  REQUIRE(!repo.postmortems[0].action_items.empty());
  repo.postmortems[0].action_items[0].ticket = "ticket " + hostile;
  repo.postmortems[0].action_items[0].type = "type " + hostile;
  // A capacity model's scaling strategy and costs.
  REQUIRE(!repo.capacity.empty());
  CapacityModel& cap = repo.capacity[0];
  cap.scaling_type = "scaling " + hostile;
  cap.headroom_pct = 41.5;
  cap.min_instances = 8;
  cap.max_instances = 1200;
  cap.cooldown_seconds = 300;
  cap.cost_per_month_usd = 18400;
  cap.cost_projected_12mo = 29459;
  cap.monthly_growth_pct = 1e-9; // a tiny growth is still growth, never "0.00%"
  cap.growth_current = 1000;
  cap.projected_6mo = 1800; // the model's own figures, shown beside the computed ones
  cap.projected_12mo = 3100;
  // The notes of the assessment that sets a service's manual scores.
  auto assessment = std::find_if(repo.assessments.begin(), repo.assessments.end(),
                                 [](const Assessment& a) { return !a.service.empty(); });
  REQUIRE(assessment != repo.assessments.end());
  assessment->notes = "notes " + hostile;
  Figures figs = compute_all(repo, run.series, run.live, run.figures.now);
  auto files = render(repo, figs, run.series, options(2));
  check_inert(files);

  const std::string& capacity = files["capacity/index.html"];
  CHECK(contains(capacity, "scaling " + escaped));
  CHECK(contains(capacity, "<dd>41.5%</dd>"));
  CHECK(contains(capacity, "<dd>8–1,200</dd>"));
  CHECK(contains(capacity, "<dd>300 s</dd>"));
  CHECK(contains(capacity, "<dd>18,400 USD</dd>"));
  CHECK(contains(capacity, "29,459 USD in 12 months"));
  CHECK(contains(capacity, "<dd>1,000 (stated 1,800)</dd>"));
  CHECK(contains(capacity, "<dd>1,000 (stated 3,100)</dd>"));
  CHECK(contains(capacity, "0.0000000010% a month"));
  CHECK(!contains(capacity, ">0.00% a month"));
  CHECK(contains(files["api/capacity.json"], R"("cooldown_seconds":300.0)"));
  const std::string assessed = "services/" + assessment->service.id + "/index.html";
  CHECK(contains(files[assessed], "notes " + escaped));
  CHECK(contains(files["api/maturity.json"], R"("manual_notes":"notes <b>x</b> & \"y\"")"));

  const std::string& slo_page = files["slos/" + slo.meta.id + "/index.html"];
  for (const char* field : {"source ", "aggregation ", "exclusion ", "reset "})
    CHECK_MESSAGE(contains(slo_page, field + escaped), field);
  CHECK(contains(files["api/slos.json"], R"("reset":"reset <b>x</b> & \"y\"")"));

  const std::string& svc_page = files["services/" + exp->service_id() + "/index.html"];
  for (const char* field : {"blast ", "rollback ", "metric ", "baseline ", "range ", "abort ",
                            "approver ", "observed ", "follow-up "})
    CHECK_MESSAGE(contains(svc_page, field + escaped), field);

  const std::string& pm_page = files["postmortems/" + repo.postmortems[0].meta.id + "/index.html"];
  CHECK(contains(pm_page, "ticket " + escaped));
  CHECK(contains(pm_page, "type " + escaped));
  CHECK(contains(files["api/incidents.json"], R"("ticket":"ticket <b>x</b> & \"y\"")"));
}

TEST_CASE("render/site: golden signals show closed days only, as the SLO figures") {
  // The example's recorded golden signals run to 2026-11-22; three weeks earlier those days are
  // still to come, so neither a card nor a chart may show them.
  ContentCopy copy;
  const Run run = render_test::run_content(copy, "2026-11-01T00:00:00Z", Stage::Compute, true);
  const std::int64_t today = day_of(run.local_now);
  REQUIRE_FALSE(run.golden.empty());
  for (const auto& [service, signals] : run.golden)
    for (const auto& [signal, days] : signals) {
      REQUIRE_FALSE(days.empty());
      CHECK_MESSAGE(days.rbegin()->first == today - 1, service << " " << signal);
    }
  SiteOptions o = options(2, "");
  o.golden = &run.golden;
  auto files = render(run.repo, run.figures, run.series, o);
  const std::string& svc = files["services/tracking-api/index.html"];
  CHECK(contains(svc, "<p class=\"muted\">on 2026-10-31"));
  CHECK_FALSE(contains(svc, "2026-11-22"));
  CHECK_FALSE(contains(svc, "28 days to 2026-11-"));
}

namespace {

// A repository of `files` (path → text) in a scratch folder, run through the link stage; its
// `broken-link` findings as "file:line: message".
std::vector<std::string> broken_links_of(const std::map<std::string, std::string>& files) {
  static std::atomic<int> n{0};
  const fs::path dir =
      fs::temp_directory_path() /
      ("nines-site-links-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  fs::remove_all(dir);
  for (const auto& [path, text] : files) {
    fs::create_directories((dir / path).parent_path());
    std::ofstream(dir / path, std::ios::binary) << text;
  }
  Run run;
  run.opts.dir = dir;
  run.opts.last = Stage::Link;
  run.opts.now = k_now;
  run_pipeline(run);
  std::vector<std::string> out;
  for (const auto& d : run.diags.sorted())
    if (d.rule == "broken-link")
      out.push_back(d.file + ":" + std::to_string(d.loc.line) + ": " + d.message);
  fs::remove_all(dir);
  return out;
}

const std::string k_runbook_head = "---\nrunbook:\n  title: T\n  alert_name: A\n---\n";

} // namespace

TEST_CASE("render/site: a relative link names its file percent-decoded, query and fragment apart") {
  const std::map<std::string, std::string> pages = {
      {"runbooks/disk full.md", "runbooks/disk-full/index.html"}};
  const std::string repo_url = "https://github.com/o/r/", branch = "main", prefix = "docs/";
  const site::LinkBase base{pages, repo_url, branch, prefix};
  const std::string from = "runbooks/node-down.md";
  auto r = site::resolve_link(base, from, "../../", "disk%20full.md#steps");
  CHECK(r.page);
  CHECK(r.file == "runbooks/disk full.md");
  CHECK(r.url == "../../runbooks/disk-full/index.html#steps");
  r = site::resolve_link(base, from, "../../", "disk full.md?plain=1");
  CHECK(r.page);
  CHECK(r.url == "../../runbooks/disk-full/index.html");
  // A file without a page: the web view's URL, the path encoded once, query and fragment kept.
  r = site::resolve_link(base, from, "../../", "notes%20and%20more/a+b.md?plain=1#L3");
  CHECK_FALSE(r.page);
  CHECK(r.file == "runbooks/notes and more/a+b.md");
  CHECK(r.url == "https://github.com/o/r/blob/main/docs/runbooks/notes%20and%20more/a%2Bb.md"
                 "?plain=1#L3");
  r = site::resolve_link(base, from, "../../", "%2E%2E/%2E%2E/x.md");
  CHECK(r.climbs);
  // Schemes, fragments and queries alone are the page's, as written.
  CHECK(site::resolve_link(base, from, "../../", "#a%20b").url == "#a%20b");
  CHECK(site::resolve_link(base, from, "../../", "https://x/a%20b").url == "https://x/a%20b");
}

TEST_CASE("render/site: a body's headings avoid only the ids of its own page's layout") {
  const std::map<std::string, std::string> pages;
  const std::string none;
  const site::LinkBase base{pages, none, none, none};
  std::set<std::string> taken;
  const std::string md = "## Overview\n\n## Steps h\n\nA[^1].\n\n[^1]: b\n";
  auto runbook = site::markdown_for(base, "runbooks/a.md", md, "runbooks/a/index.html", &taken);
  REQUIRE(runbook.headings.size() == 2);
  CHECK(runbook.headings[0].anchor == "overview");  // the runbook layout has no `overview`
  CHECK(runbook.headings[1].anchor == "steps-h-1"); // it has `steps-h`
  CHECK(taken == std::set<std::string>{"overview", "steps-h-1", "fn-1", "fnref-1"});
  // A second body on the same page avoids the first's headings and footnotes.
  auto notes = site::markdown_for(base, "toil/a.md", md, "runbooks/a/index.html", &taken, 3);
  CHECK(notes.headings[0].anchor == "overview-1");
  CHECK(notes.headings[0].level == 3);
  CHECK(contains(notes.html, "<h3 id=\"overview-1\">"));
  CHECK(contains(notes.html, "<li id=\"fn-2-1\">"));
  // A service page's layout has a section `overview`.
  auto service = site::markdown_for(base, "services/a.md", md, "services/a/index.html");
  CHECK(service.headings[0].anchor == "overview-1");
}

TEST_CASE("render/site: links to GitHub's anchors, encoded paths and footnotes pass the check") {
  const auto broken = broken_links_of({
      {"nines.yaml", "title: t\n"},
      {"runbooks/api-errors.md",
       k_runbook_head +
           "[Overview](#overview) · [What's wrong?](#whats-wrong) · [CPU](#cpu--memory) · "
           "[v1.2](#v12-upgrade) · [note](#fn-1) · [typo](#what-s-wrong)\n\n"
           "Measured[^1].\n\n## Overview\n\n## What's wrong?\n\n## CPU & Memory\n\n"
           "## v1.2 upgrade\n\n[^1]: From the first page.\n"},
      {"runbooks/disk full.md", k_runbook_head + "## Steps\n\nFree space.\n"},
      {"runbooks/node-down.md",
       k_runbook_head + "See [disk](disk%20full.md), [disk2](<disk full.md>), "
                        "[steps](disk%20full.md#steps), [plain](disk%20full.md?plain=1) and "
                        "[cpu](api-errors.md#cpu--memory), [bad](api-errors.md#cpu-memory).\n"},
  });
  CHECK(broken == std::vector<std::string>{
                      "runbooks/api-errors.md:6: link '#what-s-wrong' breaks on the site: no "
                      "heading with the anchor 'what-s-wrong' on this page, did you mean "
                      "'#whats-wrong'?",
                      "runbooks/node-down.md:6: link 'api-errors.md#cpu-memory' breaks on the "
                      "site: no heading with the anchor 'cpu-memory' on the page of "
                      "'runbooks/api-errors.md', did you mean '#cpu--memory'?"});
}

TEST_CASE("render/site: another document's body folded under a section starts at <h3>") {
  ContentCopy copy;
  {
    std::ofstream(copy.path / "readiness/returns-portal.md", std::ios::app | std::ios::binary)
        << "\n## Folded notes heading\n\nText.\n";
  }
  const Run run = render_test::run_content(copy, k_now);
  auto files = render(run.repo, run.figures, run.series, options(2));
  const std::string& page = files.at("services/returns-portal/index.html");
  CHECK(contains(page, "<h3 id=\"folded-notes-heading\">Folded notes heading</h3>"));
}
