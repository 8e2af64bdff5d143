#include "compute/detail.hpp"
#include "compute/figures.hpp"
#include "compute/test_support.hpp"
#include "model/alerts.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <set>

using namespace nines;
using namespace nines::compute_test;

namespace {

// "Now" of these tests: the data of ready_repo (October 2026) lies in a 28-day window before it.
const std::int64_t k_now = at("2026-11-23T00:00:00Z");

const ReadinessRow& row(const ReadinessFigures& f, const std::string& slug) {
  for (const auto& r : f.rows)
    if (r.slug == slug) return r;
  FAIL("no row " << slug);
  return f.rows.front();
}

// A readiness review of "svc" with id `id`, dated `date`, listing no rows yet.
ReadinessReview review_of_svc(const std::string& id, const std::string& date) {
  ReadinessReview r;
  r.meta = meta("readiness_review", id);
  r.service = ref("svc");
  r.date = date;
  return r;
}

// Every row of the checklist passing in a review, so only the sign-offs decide.
std::vector<ReadinessItem> all_pass() {
  std::vector<ReadinessItem> items;
  for (const auto& c : readiness_checklist())
    items.push_back(ReadinessItem{c.slug, "pass", "", "", {}});
  return items;
}

Repo ready_repo(std::map<std::string, DailySeries>& series) {
  Repo repo;
  repo.config.golden_signals = {
      {"latency_p99", "q1"}, {"error_rate", "q2"}, {"traffic", "q3"}, {"saturation", "q4"}};
  Service svc = service("svc");
  svc.oncall_rotation = ref("rot");
  repo.services.push_back(svc);
  Sli sli;
  sli.meta = meta("sli", "success-rate");
  repo.slis.push_back(sli);
  Slo s = slo("svc-a", "svc", 99.9);
  s.alerts = {alert("fast_burn", 14.4, "5m", 5, "1h", 60),
              alert("slow_burn", 1, "6h", 360, "3d", 4320)};
  repo.slos.push_back(s);
  fill(series["svc-a"], "2026-10-01", "2026-10-31", 1000, 0);
  Policy p = seed_default_policy();
  p.meta = meta("error_budget_policy", "svc-policy");
  p.service = ref("svc");
  repo.policies.push_back(p);
  repo.runbooks = {runbook("r1", "svc", "fast_burn"), runbook("r2", "", "slow_burn"),
                   runbook("r3", "svc", "a"),         runbook("r4", "svc", "b"),
                   runbook("r5", "svc", "c"),         runbook("r6", "svc", "d")};
  Rotation rot;
  rot.meta = meta("oncall_rotation", "rot");
  rot.members = {"a"};
  rot.escalation = {"lead"};
  repo.rotations.push_back(rot);
  CapacityModel cap;
  cap.meta = meta("capacity_model", "svc-cap");
  cap.service = ref("svc");
  cap.auto_scaling = true;
  repo.capacity.push_back(cap);
  return repo;
}

} // namespace

TEST_SUITE("compute.readiness") {

  TEST_CASE("the checklist has the seed's 28 rows with stable slugs") {
    auto rows = readiness_checklist();
    CHECK(rows.size() == 28);
    std::set<std::string> slugs;
    int provable = 0;
    for (const auto& r : rows) {
      slugs.insert(r.slug);
      provable += r.provable;
    }
    CHECK(slugs.size() == 28);
    CHECK(provable == 8);
    CHECK(rows.front().slug == "slos.slis-defined");
    CHECK(rows.front().title == "SLIs defined and measured");
    CHECK(rows.back().slug == "docs.operational-runbook");
    CHECK(rows[10].category == "Capacity");
    CHECK(rows[10].title == "Load tested to 2x expected peak");
  }

  TEST_CASE("rows the repo proves pass; the rest come from the review or are to do") {
    std::map<std::string, DailySeries> series;
    Repo repo = ready_repo(series);
    ReadinessReview rr = review_of_svc("svc-review", "2026-10-01");
    rr.items = {ReadinessItem{"security.authn-authz", "pass", "OIDC", "", {}},
                ReadinessItem{"data.backup-restore", "fail", "", "restore never tested", {}}};
    repo.readiness.push_back(rr);
    auto f = compute_readiness(repo, "svc", series, k_now);
    CHECK(f.rows.size() == 28);
    for (const char* slug :
         {"slos.slis-defined", "slos.error-budget-policy", "monitoring.golden-signals",
          "monitoring.alerting-runbooks", "incidents.oncall-rotation", "incidents.escalation-paths",
          "incidents.runbooks-top5", "capacity.autoscaling"}) {
      CHECK_MESSAGE(row(f, slug).status == "pass", slug << ": " << row(f, slug).evidence);
      CHECK(row(f, slug).source == "repo");
    }
    CHECK(row(f, "security.authn-authz").status == "pass");
    CHECK(row(f, "security.authn-authz").source == "review");
    CHECK(row(f, "security.authn-authz").evidence == "OIDC");
    CHECK(row(f, "data.backup-restore").status == "fail");
    CHECK(row(f, "data.backup-restore").notes == "restore never tested");
    CHECK(row(f, "deploy.canary").status == "todo");
    CHECK(row(f, "deploy.canary").source == "missing");
    CHECK(f.pass == 9);
    CHECK(f.fail == 1);
    CHECK(f.todo == 18);
  }

  TEST_CASE("a review that disagrees with the repository's proof is kept beside it") {
    std::map<std::string, DailySeries> series;
    Repo repo = ready_repo(series);
    ReadinessReview rr = review_of_svc("svc-review", "2026-10-01");
    rr.items = {ReadinessItem{"slos.slis-defined", "fail", "reviewer says no", "", {}},
                ReadinessItem{"incidents.oncall-rotation", "pass", "ok", "", {}}};
    repo.readiness.push_back(rr);
    auto f = compute_readiness(repo, "svc", series, k_now);
    const ReadinessRow& r = row(f, "slos.slis-defined");
    CHECK(r.status == "pass");
    CHECK(r.source == "repo");
    CHECK(r.notes == "The review svc-review records fail: reviewer says no; the repository's "
                     "evidence decides this row.");
    // A review that agrees adds nothing.
    CHECK(row(f, "incidents.oncall-rotation").notes.empty());
  }

  TEST_CASE("unproven provable rows fall back to the review, else are to do with the reason") {
    std::map<std::string, DailySeries> series;
    Repo repo = ready_repo(series);
    repo.runbooks.pop_back();              // 4 runbooks
    repo.runbooks[0].alert_name = "other"; // fast_burn loses its runbook
    repo.config.golden_signals.erase("saturation");
    series.clear(); // nothing measured
    ReadinessReview rr = review_of_svc("svc-review", "2026-10-01");
    rr.items = {ReadinessItem{"monitoring.golden-signals", "pass", "Grafana board", "", {}}};
    repo.readiness.push_back(rr);
    auto f = compute_readiness(repo, "svc", series, k_now);
    // docs/scoring.md: a row no review lists is `todo` from `missing`, provable or not; what the
    // repository lacks stays as its evidence.
    CHECK(row(f, "slos.slis-defined").status == "todo");
    CHECK(row(f, "slos.slis-defined").source == "missing");
    CHECK(row(f, "monitoring.alerting-runbooks").status == "todo");
    CHECK(row(f, "monitoring.alerting-runbooks").source == "missing");
    CHECK(row(f, "monitoring.alerting-runbooks").evidence.find("fast_burn") != std::string::npos);
    CHECK(row(f, "incidents.runbooks-top5").status == "todo");
    CHECK(row(f, "incidents.runbooks-top5").evidence == "4 runbooks; 5 needed");
    CHECK(f.fail == 0);
    // Without any review the same holds.
    repo.readiness.clear();
    auto g = compute_readiness(repo, "svc", series, k_now);
    CHECK(row(g, "incidents.runbooks-top5").status == "todo");
    CHECK(row(g, "incidents.runbooks-top5").source == "missing");
    CHECK(row(g, "monitoring.golden-signals").status == "todo");
    CHECK(row(f, "monitoring.golden-signals").status == "pass");
    CHECK(row(f, "monitoring.golden-signals").source == "review");
    // The reviewer's pass decides, and what the repository shows stays beside it.
    CHECK(row(f, "monitoring.golden-signals").evidence == "Grafana board");
    CHECK(row(f, "monitoring.golden-signals").notes.starts_with("The repository shows: "));
  }

  TEST_CASE("the latest review wins for a check") {
    std::map<std::string, DailySeries> series;
    Repo repo = ready_repo(series);
    ReadinessReview a, b;
    a.meta = meta("readiness_review", "a");
    a.service = ref("svc");
    a.date = "2026-09-01";
    a.items = {ReadinessItem{"deploy.canary", "fail", "", "", {}}};
    b = a;
    b.meta = meta("readiness_review", "b");
    b.date = "2026-10-01";
    b.items[0].status = "pass";
    repo.readiness = {b, a};
    auto f = compute_readiness(repo, "svc", series, k_now);
    CHECK(row(f, "deploy.canary").status == "pass");
    CHECK(row(f, "deploy.canary").review == "b");
  }

  TEST_CASE("approval needs a current sign-off and no blocking row") {
    std::map<std::string, DailySeries> series;
    Repo repo = ready_repo(series);
    ReadinessReview rr = review_of_svc("svc-review", "2026-10-01");
    rr.items = {ReadinessItem{"deploy.canary", "pass", "", "", {}}};
    repo.readiness.push_back(rr);
    repo.readiness[0].signoffs = {Signoff{
        "Ana", "SRE", "2026-10-02", "approved", current_digest(repo, "svc", series, k_now), {}}};
    auto f = compute_readiness(repo, "svc", series, k_now);
    CHECK(f.current_approval);
    // Rows the review does not settle (todo, fail) keep the service from approval even with a
    // current sign-off: api/readiness.json and `gate readiness` say the same.
    const bool blocked = std::any_of(f.rows.begin(), f.rows.end(), readiness_row_blocks);
    CHECK(blocked);
    CHECK_FALSE(f.approved);
    CHECK(readiness_row_blocks(ReadinessRow{"a", "b", "c", "fail", "review", "", "", ""}));
    CHECK(readiness_row_blocks(ReadinessRow{"a", "b", "c", "na", "review", "", "", ""}));
    CHECK_FALSE(readiness_row_blocks(ReadinessRow{"a", "b", "c", "na", "review", "", "why", ""}));
    // Whitespace is no reason.
    CHECK(readiness_row_blocks(ReadinessRow{"a", "b", "c", "na", "review", " \t", "   ", ""}));
    // Unicode's white space says nothing either: a no-break space and an ideographic space.
    CHECK(readiness_row_blocks(
        ReadinessRow{"a", "b", "c", "na", "review", "", "\xC2\xA0\xE3\x80\x80 ", ""}));
    CHECK_FALSE(readiness_row_blocks(
        ReadinessRow{"a", "b", "c", "na", "review", "", "\xC2\xA0n/a: no users\xE3\x80\x80", ""}));
    CHECK_FALSE(readiness_row_blocks(ReadinessRow{"a", "b", "c", "na", "review", " x ", "", ""}));
    CHECK_FALSE(readiness_row_blocks(ReadinessRow{"a", "b", "c", "pass", "repo", "", "", ""}));
    // No sign-off: never approved, whatever the rows say.
    repo.readiness[0].signoffs.clear();
    CHECK_FALSE(compute_readiness(repo, "svc", series, k_now).approved);
  }

  TEST_CASE("each reviewer's latest current sign-off decides; a rejection or condition blocks") {
    std::map<std::string, DailySeries> series;
    Repo repo = ready_repo(series);
    ReadinessReview rr = review_of_svc("svc-review", "2026-10-01");
    // Every row the repository does not prove passes in the review: only sign-offs decide.
    rr.items = all_pass();
    repo.readiness.push_back(rr);
    const std::string d = current_digest(repo, "svc", series, k_now);
    auto& so = repo.readiness[0].signoffs;
    auto figures = [&] { return compute_readiness(repo, "svc", series, k_now); };

    so = {Signoff{"Ann", "SRE", "2026-11-01", "approved", d, {}}};
    CHECK(figures().approved);

    // The same reviewer rejects later: the approval is withdrawn.
    so.push_back(Signoff{"Ann", "SRE", "2026-11-02", "rejected", d, {}});
    auto f = figures();
    CHECK_FALSE(f.approved);
    CHECK_FALSE(f.current_approval);
    CHECK(f.signoffs[0].superseded);
    CHECK_FALSE(f.signoffs[1].superseded);
    CHECK(f.objections == std::vector<std::size_t>{1});

    // A later conditional does the same: conditions are still to meet.
    so[1].decision = "conditional";
    CHECK_FALSE(figures().approved);

    // Later approval by the same reviewer (another case of her name, same day, recorded after)
    // lifts her condition.
    so.push_back(Signoff{"ann ", "SRE", "2026-11-02", "approved", d, {}});
    CHECK(figures().approved);
    CHECK(figures().objections.empty());

    // Another reviewer's current rejection blocks whoever approved.
    so.push_back(Signoff{"Bo", "Security", "2026-11-03", "rejected", d, {}});
    f = figures();
    CHECK(f.current_approval);
    CHECK_FALSE(f.approved);
    CHECK(f.objections == std::vector<std::size_t>{3});

    // Order by date, not by position: an earlier-dated rejection recorded below is older.
    so.back().date = "2026-10-01";
    so.push_back(Signoff{"Bo", "Security", "2026-10-30", "approved", d, {}});
    CHECK(figures().approved);

    // A stale rejection decides nothing: it reviewed something else.
    so.push_back(Signoff{"Cy", "Eng", "2026-11-05", "rejected", "v5:0000000000000000", {}});
    CHECK(figures().approved);
    // Nor does a stale approval: only Cy's stale sign-off left, nothing approves.
    so = {Signoff{"Cy", "Eng", "2026-11-05", "approved", "v5:0000000000000000", {}}};
    CHECK_FALSE(figures().approved);
    CHECK_FALSE(figures().current_approval);
  }

  TEST_CASE("on one day, the sign-off in the later review decides, whatever the files are named") {
    std::map<std::string, DailySeries> series;
    Repo repo = ready_repo(series);
    ReadinessReview older = review_of_svc("svc", "2026-10-01");
    older.items = all_pass();
    ReadinessReview newer = review_of_svc("svc-2026-11-06", "2026-11-06");
    newer.items = older.items;
    // The newer review's file sorts first ("svc-2026-11-06.yaml" < "svc.yaml"): load order.
    repo.readiness.push_back(newer);
    repo.readiness.push_back(older);
    const std::string d = current_digest(repo, "svc", series, k_now);
    // Ann rejected in the older review, then approved the same day: `nines signoff` wrote the
    // approval into the latest review.
    repo.readiness[1].signoffs = {Signoff{"Ann", "SRE", "2026-11-06", "rejected", d, {}}};
    repo.readiness[0].signoffs = {Signoff{"Ann", "SRE", "2026-11-06", "approved", d, {}}};
    auto f = compute_readiness(repo, "svc", series, k_now);
    CHECK(f.approved);
    CHECK(withheld_text(f).empty());
    // The other way round, the rejection in the later review withholds the approval.
    std::swap(repo.readiness[0].signoffs, repo.readiness[1].signoffs);
    f = compute_readiness(repo, "svc", series, k_now);
    CHECK_FALSE(f.approved);
    CHECK(withheld_text(f) == "withheld by the latest current sign-off of Ann: rejected");
  }

  TEST_CASE("sign-offs go stale when what they reviewed changes") {
    std::map<std::string, DailySeries> series;
    Repo repo = ready_repo(series);
    ReadinessReview rr = review_of_svc("svc-review", "2026-10-01");
    rr.items = {ReadinessItem{"deploy.canary", "pass", "", "", {}}};
    repo.readiness.push_back(rr);

    const std::string digest = current_digest(repo, "svc", series, k_now);
    CHECK(digest.size() == 19);
    CHECK(digest.starts_with("v5:"));
    CHECK(digest == current_digest(repo, "svc", series, k_now)); // stable

    // Recording sign-offs (one current, one without a digest) does not change the digest.
    repo.readiness[0].signoffs = {Signoff{"Ana", "SRE", "2026-10-02", "approved", digest, {}},
                                  Signoff{"Bo", "Eng", "2026-10-02", "approved", "", {}}};
    CHECK(current_digest(repo, "svc", series, k_now) == digest);
    auto f = compute_readiness(repo, "svc", series, k_now);
    REQUIRE(f.signoffs.size() == 2);
    CHECK_FALSE(f.signoffs[0].stale);
    CHECK(f.signoffs[1].stale);
    CHECK(f.current_approval);

    // A runbook of the service changes: the sign-off is stale.
    repo.runbooks[0].meta.digest = "changed";
    auto g = compute_readiness(repo, "svc", series, k_now);
    CHECK(g.digest != digest);
    CHECK(g.signoffs[0].stale);
    CHECK_FALSE(g.current_approval);
    repo.runbooks[0].meta.digest = "d-r1";

    // A review item changes: stale too.
    repo.readiness[0].items[0].status = "fail";
    CHECK(current_digest(repo, "svc", series, k_now) != digest);
    repo.readiness[0].items[0].status = "pass";
    CHECK(current_digest(repo, "svc", series, k_now) == digest);

    // Another service's documents do not matter.
    repo.services.push_back(service("other"));
    repo.runbooks.push_back(runbook("other-rb", "other", "x"));
    CHECK(current_digest(repo, "svc", series, k_now) == digest);
  }

  TEST_CASE("the digest covers prose and governing policies, not file names") {
    std::map<std::string, DailySeries> series;
    Repo repo = ready_repo(series);
    ReadinessReview rr = review_of_svc("svc-review", "2026-10-01");
    rr.items = {ReadinessItem{"deploy.canary", "pass", "a|b", "c", {}}};
    repo.readiness.push_back(rr);
    const std::string digest = current_digest(repo, "svc", series, k_now);
    CHECK(digest == current_digest(repo, "svc", series, k_now));
    auto changes = [&](auto&& edit) {
      Repo copy = repo;
      edit(copy);
      return current_digest(copy, "svc", series, k_now) !=
             current_digest(repo, "svc", series, k_now);
    };
    // The Markdown prose of a runbook, of the service and of the review.
    CHECK(changes([](Repo& r) { r.runbooks[0].meta.body = "Never roll back."; }));
    CHECK(changes([](Repo& r) { r.services[0].meta.body = "Decommissioned."; }));
    CHECK(changes([](Repo& r) { r.readiness[0].meta.body = "Notes."; }));
    // Line endings and what ends the prose are no edit: a Windows checkout (CRLF) and a final
    // blank line read the same prose; a change inside it still counts.
    repo.runbooks[0].meta.body = "Roll back first.\n\nThen page.\n";
    CHECK_FALSE(changes([](Repo& r) {
      r.runbooks[0].meta.body = "Roll back first.\r\n\r\nThen page.\r\n\r\n  \n";
    }));
    CHECK(changes([](Repo& r) { r.runbooks[0].meta.body = "Roll back first.\n\nThen call.\n"; }));
    // Text moved across a field boundary of a review item.
    CHECK(changes([](Repo& r) {
      r.readiness[0].items[0].evidence = "a";
      r.readiness[0].items[0].notes = "b|c";
    }));
    // The service's own policy, and the policy its SLO names.
    CHECK(changes([](Repo& r) { r.policies[0].meta.digest = "gutted"; }));
    Policy named = seed_default_policy();
    named.meta = meta("error_budget_policy", "named");
    repo.policies.push_back(named);
    repo.slos[0].policy = ref("named");
    const std::string with_named = current_digest(repo, "svc", series, k_now);
    repo.policies.back().meta.digest = "edited";
    CHECK(current_digest(repo, "svc", series, k_now) != with_named);
    repo.policies.back().meta.digest = "d-named";
    // The SLI its SLO measures: redefining a good event changes what the SLO promises.
    CHECK(changes([](Repo& r) { r.slis[0].meta.digest = "5xx count as good"; }));
    CHECK(changes([](Repo& r) { r.slis[0].meta.body = "Good: any response."; }));
    // An SLI the service's SLOs do not measure stays out.
    CHECK_FALSE(changes([](Repo& r) {
      Sli other;
      other.meta = meta("sli", "latency");
      r.slis.push_back(other);
    }));
    // A policy governing nothing of the service stays out.
    CHECK_FALSE(changes([](Repo& r) {
      Policy other = seed_default_policy();
      other.meta = meta("error_budget_policy", "other-policy");
      other.service = ref("other");
      r.policies.push_back(other);
    }));
    // Records of what happened are not what was reviewed.
    CHECK_FALSE(changes(
        [](Repo& r) { r.postmortems.push_back(postmortem("pm", "svc", "2026-10-02", "SEV2")); }));
    // Renaming files (and so path-derived ids) with the same content, or loading the documents
    // in another order, keeps the digest.
    const std::string now = current_digest(repo, "svc", series, k_now);
    Repo renamed = repo;
    for (auto& rb : renamed.runbooks) {
      rb.meta.id += "-renamed";
      rb.meta.file = "elsewhere/" + rb.meta.id + ".yaml";
    }
    renamed.readiness[0].meta.id = "svc-annual-review";
    std::reverse(renamed.runbooks.begin(), renamed.runbooks.end());
    CHECK(current_digest(renamed, "svc", series, k_now) == now);
  }

  TEST_CASE("only a service with a readiness review publishes a digest, and names its files") {
    std::map<std::string, DailySeries> series;
    Repo repo = ready_repo(series);
    // No review: nothing is signed, so no digest is published and no file is in one.
    CHECK(compute_readiness(repo, "svc", series, k_now).digest.empty());
    CHECK(digest_files(repo).empty());
    // `nines signoff` still has one to record.
    CHECK(!current_digest(repo, "svc", series, k_now).empty());
    ReadinessReview rr;
    rr.meta = meta("readiness_review", "svc-review");
    rr.service = ref("svc");
    repo.readiness.push_back(rr);
    CHECK(compute_readiness(repo, "svc", series, k_now).digest ==
          current_digest(repo, "svc", series, k_now));
    const std::set<std::string> files = digest_files(repo);
    CHECK(files.count(repo.runbooks[0].meta.file) == 1);
    CHECK(files.count(repo.services[0].meta.file) == 1);
    CHECK(files.count(rr.meta.file) == 1);
    CHECK(files.count(repo.slis[0].meta.file) == 1);
  }

  TEST_CASE("a sign-off of an earlier digest format is stale, and says why") {
    std::map<std::string, DailySeries> series;
    Repo repo = ready_repo(series);
    ReadinessReview rr = review_of_svc("svc-review", "2026-10-01");
    rr.items = {ReadinessItem{"deploy.canary", "pass", "", "", {}}};
    rr.signoffs = {Signoff{"Ana", "SRE", "2026-10-02", "approved", "8e269e6d779302eb", {}},
                   Signoff{"Bo", "SRE", "2026-10-02", "approved", "v5:0000000000000000", {}},
                   Signoff{"Cy", "SRE", "2026-10-02", "approved", "v2:3c778c5e56e80f60", {}},
                   Signoff{"Di", "SRE", "2026-10-02", "approved", "v3:1906597cd54f3f01", {}}};
    repo.readiness.push_back(rr);
    auto f = compute_readiness(repo, "svc", series, k_now);
    REQUIRE(f.signoffs.size() == 4);
    CHECK(f.signoffs[0].stale);
    CHECK(f.signoffs[0].old_format);
    CHECK(f.signoffs[1].stale);
    CHECK_FALSE(f.signoffs[1].old_format);
    // v2 digests left the SLIs out: they cannot be compared with v3's.
    CHECK(f.signoffs[2].stale);
    CHECK(f.signoffs[2].old_format);
    // v3 digests left out the rule-file alerts and the service-less runbooks answering its alerts.
    CHECK(f.signoffs[3].stale);
    CHECK(f.signoffs[3].old_format);
    CHECK_FALSE(f.current_approval);
  }

  TEST_CASE("the alerting row counts the default alerts `nines rules` generates") {
    std::map<std::string, DailySeries> series;
    Repo repo = ready_repo(series);
    // An SLO without burn_rate_alerts whose SLI has a query: `nines rules` gives it the Workbook
    // defaults, and `check` asks each for a runbook (rules-runbook).
    repo.slos[0].alerts.clear();
    repo.slis[0].query = SliQuery{"good_total", "all_total", "", {}};
    repo.runbooks = {runbook("r1", "svc", "a"), runbook("r2", "svc", "b")};
    auto alerts = service_alerts(repo, "svc");
    REQUIRE(alerts.size() == 3);
    CHECK(alerts[0].name == "fast_burn");
    CHECK(alerts[0].where == "slo svc-a");
    CHECK(alerts[0].generated);
    CHECK_FALSE(alerts[0].covered);
    // A Prometheus rule of the service with a runbook_url: one alert with a runbook, as before, and
    // the three generated ones without.
    repo.prom_alerts.push_back(PromAlert{"alerts/svc.rules.yaml",
                                         {},
                                         "SvcDown",
                                         "up == 0",
                                         "svc",
                                         "page",
                                         "https://wiki.example.com/svc-down",
                                         "",
                                         "",
                                         {}});
    auto f = compute_readiness(repo, "svc", series, k_now);
    CHECK(row(f, "monitoring.alerting-runbooks").status == "todo");
    CHECK(row(f, "monitoring.alerting-runbooks").evidence ==
          "alerts without a runbook: fast_burn (slo svc-a, generated) medium_burn (slo svc-a, "
          "generated) slow_burn (slo svc-a, generated)");
    // A runbook answering each generated alert (one of them without `service:`) passes the row.
    repo.runbooks.push_back(runbook("fast", "svc", "fast_burn"));
    repo.runbooks.push_back(runbook("medium", "", "medium_burn"));
    repo.runbooks.push_back(runbook("slow", "svc", "slow_burn"));
    f = compute_readiness(repo, "svc", series, k_now);
    CHECK(row(f, "monitoring.alerting-runbooks").status == "pass");
    CHECK(row(f, "monitoring.alerting-runbooks").evidence == "4 alerts, each with a runbook");
    // `burn_rate_alerts: []` pages with nothing: only the rule is left.
    repo.slos[0].alerts_declared = true;
    f = compute_readiness(repo, "svc", series, k_now);
    CHECK(row(f, "monitoring.alerting-runbooks").evidence == "1 alert, with a runbook");
    // Its own alerts replace the defaults.
    repo.slos[0].alerts = {alert("page_me", 10, "5m", 5, "1h", 60)};
    CHECK(slo_alert_names(repo, repo.slos[0]) == std::vector<std::string>{"page_me"});
    // OpenSLO burn-rate conditions become alerts too, when the query makes rules.
    AlertPolicySpec policy;
    AlertConditionSpec cond;
    cond.name = "openslo_burn";
    cond.kind = "burnrate";
    cond.op = "gt";
    cond.threshold = 2;
    cond.lookback_minutes = 60;
    policy.conditions.push_back(cond);
    repo.slos[0].alert_policies.push_back(policy);
    std::vector<bool> generated;
    CHECK(slo_alert_names(repo, repo.slos[0], &generated) ==
          std::vector<std::string>{"page_me", "openslo_burn"});
    CHECK(generated == std::vector<bool>{false, true});
    repo.slis[0].query.reset();
    CHECK(slo_alert_names(repo, repo.slos[0]) == std::vector<std::string>{"page_me"});
  }

  TEST_CASE("a placeholder runbook_url is no runbook for the alerting row") {
    std::map<std::string, DailySeries> series;
    Repo repo = ready_repo(series);
    repo.slos[0].alerts_declared = true;
    repo.slos[0].alerts.clear();
    Runbook disk = runbook("disk", "svc", "DiskFull");
    disk.meta.file = "runbooks/disk.md";
    repo.runbooks.push_back(disk);
    auto covered = [&](const std::string& url) {
      Repo r = repo;
      r.prom_alerts.push_back(PromAlert{
          "alerts/svc.rules.yaml", {}, "SvcDown", "up == 0", "svc", "page", url, "", "", {}});
      const auto alerts = service_alerts(r, "svc");
      REQUIRE(alerts.size() == 1);
      CHECK(alerts[0].covered == runbook_url_is_runbook(r, r.prom_alerts[0]));
      const ReadinessRow& rr =
          row(compute_readiness(r, "svc", series, k_now), "monitoring.alerting-runbooks");
      CHECK((rr.status == "pass") == alerts[0].covered);
      return alerts[0].covered;
    };
    for (const char* placeholder :
         {"", "TODO", "tbd", "-", "n/a", "https://", "javascript:alert(1)", "runbooks/none.md"}) {
      CAPTURE(placeholder);
      CHECK_FALSE(covered(placeholder));
    }
    for (const char* url :
         {"https://wiki.example.com/svc-down", "http://wiki/x", "runbooks/disk.md",
          "/runbooks/disk.md#restart", "../runbooks/disk.md", "runbooks/disk/"}) {
      CAPTURE(url);
      CHECK(covered(url));
    }
    // The evidence names the alert a placeholder leaves without a runbook.
    Repo r = repo;
    r.prom_alerts.push_back(PromAlert{
        "alerts/svc.rules.yaml", {}, "SvcDown", "up == 0", "svc", "page", "TODO", "", "", {}});
    CHECK(
        row(compute_readiness(r, "svc", series, k_now), "monitoring.alerting-runbooks").evidence ==
        "alerts without a runbook: SvcDown (alerts/svc.rules.yaml)");
  }

  TEST_CASE("an SLI is measured only with daily data in its window as of now") {
    std::map<std::string, DailySeries> series;
    Repo repo = ready_repo(series);
    // Data of July only: on 2026-11-23 the 28-day window (2026-10-26 … 2026-11-22) holds none,
    // the budget is missing, and the maturity criterion does not count it either.
    series.clear();
    fill(series["svc-a"], "2026-07-04", "2026-07-31", 1000, 0);
    CHECK_FALSE(slo_measured(repo.slos[0], series, day("2026-11-23")));
    auto f = compute_readiness(repo, "svc", series, k_now);
    CHECK(row(f, "slos.slis-defined").status == "todo");
    CHECK(row(f, "slos.slis-defined").evidence ==
          "slo svc-a: sli success-rate defined, but no daily data in its window (the 28 days "
          "before now)");
    // As of 2026-08-01 the same data is in the window.
    CHECK(slo_measured(repo.slos[0], series, day("2026-08-01")));
    f = compute_readiness(repo, "svc", series, at("2026-08-01T00:00:00Z"));
    CHECK(row(f, "slos.slis-defined").status == "pass");
    // The window is the SLO's: a 7-day SLO measured on 2026-08-10 has no day of July left in it.
    repo.slos[0].window_days = 7;
    CHECK_FALSE(slo_measured(repo.slos[0], series, day("2026-08-10")));
    CHECK(slo_measured(repo.slos[0], series, day("2026-08-07")));
    // A day of no traffic is no data; the day of now itself is not a whole day yet.
    series["svc-a"].clear();
    series["svc-a"][day("2026-11-22")] = DailyCount{day("2026-11-22"), 0, 0};
    series["svc-a"][day("2026-11-23")] = DailyCount{day("2026-11-23"), 10, 10};
    CHECK_FALSE(slo_measured(repo.slos[0], series, day("2026-11-23")));
  }

  TEST_CASE("a sign-off dated after now is shown and decides nothing") {
    std::map<std::string, DailySeries> series;
    Repo repo = ready_repo(series);
    ReadinessReview rr = review_of_svc("svc-review", "2026-10-01");
    rr.items = all_pass();
    repo.readiness.push_back(rr);
    const std::string d = current_digest(repo, "svc", series, k_now);
    auto& so = repo.readiness[0].signoffs;
    // A mistyped year approves "later" than today's rejection by the same reviewer: it must not
    // supersede the rejection, nor approve.
    so = {Signoff{"Ann", "SRE", "2027-11-23", "approved", d, {}},
          Signoff{"Ann", "SRE", "2026-11-23", "rejected", d, {}}};
    auto f = compute_readiness(repo, "svc", series, k_now);
    REQUIRE(f.signoffs.size() == 2);
    CHECK(f.signoffs[0].future);
    CHECK_FALSE(f.signoffs[0].stale);
    CHECK_FALSE(f.signoffs[0].superseded);
    CHECK_FALSE(f.signoffs[1].future);
    CHECK_FALSE(f.signoffs[1].superseded);
    CHECK_FALSE(f.current_approval);
    CHECK_FALSE(f.approved);
    CHECK(f.objections == std::vector<std::size_t>{1});
    // A future approval alone approves nothing; a future rejection withholds nothing.
    so = {Signoff{"Ann", "SRE", "2026-11-24", "approved", d, {}}};
    CHECK_FALSE(compute_readiness(repo, "svc", series, k_now).approved);
    so = {Signoff{"Ann", "SRE", "2026-11-20", "approved", d, {}},
          Signoff{"Bo", "SRE", "2027-01-01", "rejected", d, {}}};
    f = compute_readiness(repo, "svc", series, k_now);
    CHECK(f.approved);
    CHECK(f.objections.empty());
    // Once its day comes, it decides as any other.
    f = compute_readiness(repo, "svc", series, at("2027-01-01T08:00:00Z"));
    CHECK_FALSE(f.signoffs[1].future);
    CHECK(f.objections == std::vector<std::size_t>{1});
    CHECK(date_after("2026-11-24", day("2026-11-23")));
    CHECK_FALSE(date_after("2026-11-23", day("2026-11-23")));
    CHECK_FALSE(date_after("", day("2026-11-23")));
    CHECK_FALSE(date_after("soon", day("2026-11-23")));
  }

  TEST_CASE("a readiness review dated after now decides no row") {
    std::map<std::string, DailySeries> series;
    Repo repo = ready_repo(series);
    ReadinessReview real = review_of_svc("real", "2026-08-20");
    real.items = {ReadinessItem{"monitoring.distributed-tracing", "fail", "no traces", "", {}},
                  ReadinessItem{"deploy.canary", "na", "", "", {}}};
    ReadinessReview typo = review_of_svc("typo", "2026-08-21");
    typo.items = {ReadinessItem{"monitoring.distributed-tracing", "pass", "fixed", "", {}},
                  ReadinessItem{"deploy.canary", "pass", "", "", {}},
                  ReadinessItem{"security.authn-authz", "pass", "", "", {}}};
    repo.readiness = {real, typo};
    const std::int64_t now = at("2026-08-20T12:00:00Z");
    auto f = compute_readiness(repo, "svc", series, now);
    const ReadinessRow& tracing = row(f, "monitoring.distributed-tracing");
    CHECK(tracing.status == "fail");
    CHECK(tracing.review == "real");
    CHECK(tracing.notes == "The review typo is dated 2026-08-21, after now: its pass (fixed) "
                           "decides nothing until then.");
    // A row only the future review lists is still to do, and says why.
    CHECK(row(f, "security.authn-authz").status == "todo");
    CHECK(row(f, "security.authn-authz").notes.find("The review typo") == 0);
    // An `na` without a reason keeps blocking: the note is not its reason.
    CHECK(row(f, "deploy.canary").status == "na");
    CHECK(row(f, "deploy.canary").notes.empty());
    CHECK(readiness_row_blocks(row(f, "deploy.canary")));
    // The day after, the review has happened and decides.
    f = compute_readiness(repo, "svc", series, at("2026-08-21T00:00:00Z"));
    CHECK(row(f, "monitoring.distributed-tracing").status == "pass");
    CHECK(row(f, "monitoring.distributed-tracing").review == "typo");
    CHECK(row(f, "monitoring.distributed-tracing").notes.empty());
  }

  TEST_CASE("the digest covers the service's rule-file alerts and the runbooks answering them") {
    std::map<std::string, DailySeries> series;
    Repo repo = ready_repo(series);
    repo.readiness.push_back(review_of_svc("svc-review", "2026-10-01"));
    repo.prom_alerts.push_back(PromAlert{
        "alerts/svc.rules.yaml", {}, "SvcLag", "lag > 10", "svc", "page", "", "", "", {}});
    repo.prom_alerts.push_back(PromAlert{
        "alerts/other.rules.yaml", {}, "OtherDown", "up == 0", "other", "page", "", "", "", {}});
    Runbook lag = runbook("lag", "", "SvcLag");
    lag.meta.body = "Fail over to the replica.\n";
    repo.runbooks.push_back(lag);
    auto changes = [&](auto&& edit) {
      Repo copy = repo;
      edit(copy);
      return current_digest(copy, "svc", series, k_now) !=
             current_digest(repo, "svc", series, k_now);
    };
    // The rule: its threshold, its severity, its runbook_url, and deleting it.
    CHECK(changes([](Repo& r) { r.prom_alerts[0].expr = "lag > 60"; }));
    CHECK(changes([](Repo& r) { r.prom_alerts[0].severity = "ticket"; }));
    CHECK(changes([](Repo& r) { r.prom_alerts[0].runbook_url = "https://wiki/lag"; }));
    CHECK(changes([](Repo& r) { r.prom_alerts.erase(r.prom_alerts.begin()); }));
    // How soon it fires, how long it keeps firing, and its labels (who it pages) too.
    CHECK(changes([](Repo& r) { r.prom_alerts[0].for_duration = "1h"; }));
    CHECK(changes([](Repo& r) { r.prom_alerts[0].keep_firing_for = "10m"; }));
    CHECK(changes([](Repo& r) { r.prom_alerts[0].labels = {{"team", "payments"}}; }));
    // Another service's rule is not the service's.
    CHECK_FALSE(changes([](Repo& r) { r.prom_alerts[1].expr = "up < 1"; }));
    // A runbook without `service:` answering the service's alert: its data and its prose.
    CHECK(changes([](Repo& r) { r.runbooks.back().meta.body = "Ignore it.\n"; }));
    CHECK(changes([](Repo& r) { r.runbooks.back().meta.digest = "edited"; }));
    // One answering a default alert the service's SLO gets from `nines rules`.
    Repo generated = repo;
    generated.slos[0].alerts.clear();
    generated.slis[0].query = SliQuery{"good_total", "all_total", "", {}};
    Runbook medium = runbook("medium", "", "medium_burn");
    generated.runbooks.push_back(medium);
    const std::string before = current_digest(generated, "svc", series, k_now);
    generated.runbooks.back().meta.body = "Rewritten.\n";
    CHECK(current_digest(generated, "svc", series, k_now) != before);
    // One answering an alert the service does not have, or the other service's, is not reviewed.
    CHECK_FALSE(changes([](Repo& r) {
      Runbook x = runbook("unrelated", "", "OtherDown");
      x.meta.body = "x\n";
      r.runbooks.push_back(x);
    }));
    // compute_all's index answers as the scans do.
    const std::string scanned = current_digest(repo, "svc", series, k_now);
    {
      const compute_detail::IndexScope index(repo);
      CHECK(current_digest(repo, "svc", series, k_now) == scanned);
    }
    const std::set<std::string> files = digest_files(repo);
    CHECK(files.count("runbook/lag.yaml") == 1);
    CHECK(files.count("alerts/svc.rules.yaml") == 1);
    CHECK(files.count("alerts/other.rules.yaml") == 0);
  }

} // TEST_SUITE
