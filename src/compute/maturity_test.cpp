#include "compute/detail.hpp"
#include "compute/figures.hpp"
#include "compute/test_support.hpp"
#include "model/history.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <functional>

using namespace nines;
using namespace nines::compute_test;

namespace {

const std::int64_t k_now = at("2026-11-01T00:00:00Z");

// A service with evidence for every criterion of every dimension.
Repo full_repo(std::map<std::string, DailySeries>& series) {
  Repo repo;
  repo.config.golden_signals = {
      {"latency_p99", "q1"}, {"error_rate", "q2"}, {"traffic", "q3"}, {"saturation", "q4"}};
  repo.config.teams["team-a"] = Team{"team-a", "Team A", {}, 6.0, 160.0};
  Service svc = service("svc");
  svc.health_checks.push_back(HealthCheck{"live", "liveness", "/healthz", "10s", "2s", 3.0});
  svc.deployment_frequency = "daily";
  svc.oncall_rotation = ref("rot");
  repo.services.push_back(svc);

  MetricsSource prom;
  prom.name = "prom";
  prom.type = "prometheus";
  prom.url = "http://prometheus:9090";
  repo.config.sources.push_back(prom);
  Sli sli;
  sli.meta = meta("sli", "success-rate");
  sli.query = SliQuery{"good", "total", "", {}};
  repo.slis.push_back(sli);
  Slo s = slo("svc-availability", "svc", 99.9);
  s.alerts = {alert("fast_burn", 14.4, "5m", 5, "1h", 60)};
  s.review_cadence = "monthly";
  s.last_reviewed = Text{"2026-10-20", {}};
  repo.slos.push_back(s);
  fill(series["svc-availability"], "2026-10-04", "2026-10-31", 1000, 0);
  Policy p = seed_default_policy();
  p.meta = meta("error_budget_policy", "company");
  repo.policies.push_back(p);
  repo.config.default_policy = "company";

  Runbook rb = runbook("svc-fast-burn", "svc", "fast_burn");
  rb.escalation_contact = "platform lead";
  rb.diagnosis.push_back(DiagnosisStep{"check", "", "", ""});
  rb.mitigation.push_back(MitigationOption{"Rollback", "deploy", {}});
  rb.steps.push_back(RunbookStep{"verify", "verify", "curl", true, false});
  rb.last_updated = "2026-10-01";
  repo.runbooks.push_back(rb);

  Postmortem pm = postmortem("pm-1", "svc", "2026-10-10", "SEV2");
  pm.how_detected = "Alert (fast_burn)";
  pm.five_whys = {"why"};
  ActionItem ai;
  ai.id = "AI-1";
  ai.owner = "sam";
  ai.deadline = "2026-11-30";
  ai.status = "open";
  pm.action_items.push_back(ai);
  repo.postmortems.push_back(pm);

  AutoRemediation ar;
  ar.meta = meta("auto_remediation", "svc-remediation");
  ar.service = ref("svc");
  ar.rules.push_back(RemediationRule{"crash", "restarts > 3", "delete pod", ""});
  repo.remediations.push_back(ar);

  CapacityModel cap;
  cap.meta = meta("capacity_model", "svc-capacity");
  cap.service = ref("svc");
  cap.auto_scaling = true;
  cap.monthly_growth_pct = 5;
  cap.last_reviewed.value = "2026-10-01";
  repo.capacity.push_back(cap);

  ToilItem t;
  t.meta = meta("toil_item", "cert-renewal");
  t.service = ref("svc");
  t.status = "automated";
  t.automation_value = 12;
  t.time_per_occurrence_min = 60;
  t.occurrences_per_month = 12;
  repo.toil.push_back(t);

  Rotation rot;
  rot.meta = meta("oncall_rotation", "rot");
  rot.members = {"a", "b", "c", "d", "e"};
  rot.escalation = {"lead"};
  RotationHealth h;
  h.period = "2026-10";
  h.pages = 4;
  h.shifts = 4;
  rot.health.push_back(h);
  repo.rotations.push_back(rot);

  Experiment e;
  e.meta = meta("experiment", "kill-pods");
  e.service = ref("svc");
  e.environment = "production";
  e.level = 4;
  e.date = "2026-10-15";
  e.outcome = "confirmed";
  repo.experiments.push_back(e);

  ReadinessReview rr;
  rr.meta = meta("readiness_review", "svc-review");
  rr.service = ref("svc");
  rr.date = "2026-10-01";
  rr.items.push_back(ReadinessItem{"docs.operational-runbook", "pass", "", "", {}});
  repo.readiness.push_back(rr);
  return repo;
}

const ServiceMaturity& only(const MaturityFigures& f) {
  REQUIRE(f.services.size() == 1);
  return f.services[0];
}

} // namespace

TEST_SUITE("compute.maturity") {

  TEST_CASE("bands at their boundaries") {
    CHECK(maturity_band(8) == "Firefighting");
    CHECK(maturity_band(16) == "Firefighting");
    CHECK(maturity_band(17) == "Foundation");
    CHECK(maturity_band(24) == "Foundation");
    CHECK(maturity_band(25) == "Maturing");
    CHECK(maturity_band(32) == "Maturing");
    CHECK(maturity_band(33) == "Advanced");
    CHECK(maturity_band(40) == "Advanced");
    CHECK(maturity_band(16.5) == "Firefighting");
    CHECK(maturity_band(32.9) == "Maturing");
  }

  TEST_CASE("an organisation of no services has no scores, not the lowest band") {
    Repo repo;
    const MaturityFigures none = compute_maturity(repo, {}, 0);
    CHECK_FALSE(none.org.scored);
    CHECK(none.org.band.empty());
    CHECK(none.teams.empty());
    std::map<std::string, DailySeries> series;
    Repo full = full_repo(series);
    const MaturityFigures some = compute_maturity(full, series, 0);
    CHECK(some.org.scored);
    CHECK(!some.org.band.empty());
  }

  TEST_CASE("a mean total never reads across a band line") {
    // The band reads the exact mean; the figure beside it must not be rounded into the next one.
    CHECK(maturity_band(16.96) == "Firefighting");
    CHECK(maturity_total_text(16.96) == "16.9");
    CHECK(maturity_total_text(24.95) == "24.9");
    CHECK(maturity_total_text(32.95) == "32.9");
    CHECK(maturity_total_text(17) == "17.0");
    CHECK(maturity_total_text(33.04) == "33.1");
    CHECK(maturity_total_text(20.25) == "20.3"); // away from the lines: as rounded, half up
    // 24 services at 17 and one at 16: the organisation's mean is 16.96.
    Repo repo;
    for (int i = 0; i < 25; ++i) {
      const std::string id = "svc-" + std::to_string(i);
      repo.services.push_back(service(id));
      Assessment a;
      a.meta = meta("assessment", id);
      a.service = ref(id);
      a.date = "2026-10-01";
      a.scores = {{"slos", i == 0 ? 2 : 3}, {"monitoring", 2},        {"incident_response", 2},
                  {"automation", 2},        {"chaos_engineering", 2}, {"capacity_planning", 2},
                  {"toil_management", 2},   {"oncall_health", 2}};
      repo.assessments.push_back(a);
    }
    auto f = compute_maturity(repo, {}, k_now);
    CHECK(f.org.total == doctest::Approx(16.96));
    CHECK(f.org.band == "Firefighting");
    CHECK(maturity_total_text(f.org.total) == "16.9");
    REQUIRE(f.teams.size() == 1);
    CHECK(maturity_total_text(f.teams[0].total) == "16.9");
  }

  TEST_CASE("the Documentation line names its evidence and what would raise it") {
    Repo repo;
    repo.services.push_back(service("svc"));
    auto bare = only(compute_maturity(repo, {}, k_now));
    CHECK(bare.documentation == 0);
    CHECK(bare.documentation_evidence.empty());
    CHECK(bare.documentation_to_raise == "write a runbook for the service");

    Runbook rb = runbook("rb", "svc", "fast_burn");
    rb.diagnosis.push_back(DiagnosisStep{"check", "", "", ""});
    rb.mitigation.push_back(MitigationOption{"Rollback", "deploy", {}});
    rb.last_updated = "2026-10-01";
    repo.runbooks.push_back(rb);
    auto m = only(compute_maturity(repo, {}, k_now));
    CHECK(m.documentation == 3);
    CHECK(m.documentation_evidence ==
          std::vector<std::string>{"runbook rb", "runbook rb has diagnosis and mitigation",
                                   "runbook rb is current"});
    CHECK(m.documentation_to_raise == "add a verify step or an automated step to a runbook");

    std::map<std::string, DailySeries> series;
    auto full = only(compute_maturity(full_repo(series), series, k_now));
    CHECK(full.documentation == 5);
    CHECK(full.documentation_evidence.size() == 5);
    CHECK(full.documentation_to_raise.empty());
  }

  TEST_CASE("toil that affects the owner team counts, whichever service it names") {
    Repo repo;
    repo.services = {service("svc-a"), service("svc-b"), service("svc-c", "team-b")};
    ToilItem t;
    t.meta = meta("toil_item", "cert-rotation");
    t.service = ref("svc-a");
    t.teams_affected = {ref("team-a")};
    t.status = "automated";
    t.automation_value = 12;
    repo.toil.push_back(t);
    auto check_all = [](const MaturityFigures& f) {
      REQUIRE(f.services.size() == 3);
      const auto& a = f.services[0].dimensions[6];
      const auto& b = f.services[1].dimensions[6];
      const auto& c = f.services[2].dimensions[6];
      CHECK(a.dimension == "toil_management");
      CHECK(a.computed == 5);
      CHECK(b.computed == 5); // svc-b's owner team is affected
      CHECK(b.evidence.front() == "toil_item cert-rotation tracked (affects team team-a)");
      CHECK(c.computed == 1); // another team's service
      // The item is the named service's automation, not every team service's.
      CHECK(f.services[0].dimensions[3].computed == 2);
      CHECK(f.services[1].dimensions[3].computed == 1);
    };
    check_all(compute_maturity(repo, {}, k_now));
    const compute_detail::IndexScope index(repo);
    check_all(compute_maturity(repo, {}, k_now));
    // Scoped to the service and affecting its team: listed once.
    CHECK(compute_detail::toil_items_of(repo, "svc-a", "team-a").size() == 1);
  }

  TEST_CASE("an SLI query is live only where a metrics source can run it") {
    std::map<std::string, DailySeries> series;
    Repo repo = full_repo(series);
    auto monitoring = [&](const Repo& r) {
      return only(compute_maturity(r, series, k_now)).dimensions[1];
    };
    CHECK(monitoring(repo).computed == 5);
    CHECK(monitoring(repo).evidence.back() ==
          "sli success-rate is queried live from metrics source prom");
    repo.readiness.clear(); // no distributed-tracing pass to stand in
    Repo none = repo;
    none.config.sources.clear();
    CHECK(monitoring(none).computed == 4);
    CHECK(monitoring(none).to_raise.find("configure a metrics source") == 0);
    Repo named = repo;
    named.slis[0].query->source = "thanos"; // names a source nines.yaml lacks
    CHECK(monitoring(named).computed == 4);
    CHECK(monitoring(named).to_raise.find("configure metrics source thanos") == 0);
    named.config.sources[0].name = "thanos";
    CHECK(monitoring(named).computed == 5);
  }

  TEST_CASE("an assessment dated after now overrides nothing") {
    Repo repo;
    repo.services.push_back(service("svc"));
    Assessment typo, real;
    typo.meta = meta("assessment", "typo");
    typo.service = ref("svc");
    typo.date = "2027-10-01";
    typo.scores = {{"slos", 4}};
    real.meta = meta("assessment", "real");
    real.service = ref("svc");
    real.date = "2026-10-20";
    real.scores = {{"slos", 2}};
    repo.assessments = {typo, real};
    auto slos = only(compute_maturity(repo, {}, k_now)).dimensions[0];
    CHECK(slos.manual_assessment == "real");
    CHECK(slos.effective == 2);
    repo.assessments = {typo};
    slos = only(compute_maturity(repo, {}, k_now)).dimensions[0];
    CHECK_FALSE(slos.manual);
    CHECK(slos.source == "computed");
    // Dated today, it has happened.
    repo.assessments[0].date = "2026-11-01";
    CHECK(*only(compute_maturity(repo, {}, k_now)).dimensions[0].manual == 4);
  }

  TEST_CASE("to_raise of a manual score is about the score shown") {
    std::map<std::string, DailySeries> series;
    Repo repo = full_repo(series);
    Assessment a;
    a.meta = meta("assessment", "svc-2026-10");
    a.service = ref("svc");
    a.date = "2026-10-01";
    a.scores = {{"slos", 3}, {"monitoring", 5}};
    repo.assessments.push_back(a);
    auto m = only(compute_maturity(repo, series, k_now));
    CHECK(m.dimensions[0].effective == 3);
    CHECK(m.dimensions[0].to_raise == "record a newer assessment of the service (svc-2026-10 "
                                      "sets 3, which overrides the computed 5); the evidence is "
                                      "at the top of the scale");
    CHECK(m.dimensions[1].to_raise.empty()); // a manual 5 is at the top
    // A manual 4 above a computed 1: the evidence's next step follows.
    Repo bare;
    bare.services.push_back(service("svc"));
    a.scores = {{"slos", 4}};
    bare.assessments.push_back(a);
    auto b = only(compute_maturity(bare, {}, k_now)).dimensions[0];
    CHECK(b.to_raise == "record a newer assessment of the service (svc-2026-10 sets 4, which "
                        "overrides the computed 1); the evidence lacks: define an SLO for the "
                        "service");
    // A team's assessment gives way to any of the service's, or a newer one of the team's.
    Repo team_scored;
    team_scored.services.push_back(service("svc"));
    team_scored.services[0].owner_team = ref("t1");
    a.service = Ref{};
    a.team = ref("t1");
    team_scored.assessments.push_back(a);
    auto t = only(compute_maturity(team_scored, {}, k_now)).dimensions[0];
    CHECK(t.to_raise.starts_with("record an assessment of the service, or a newer one of its team "
                                 "(svc-2026-10 sets 4"));
  }

  TEST_CASE("a service with nothing scores 1 everywhere and 0 on the rubric") {
    Repo repo;
    repo.services.push_back(service("bare"));
    auto f = compute_maturity(repo, {}, k_now);
    const auto& m = only(f);
    CHECK(m.dimensions.size() == 8);
    for (const auto& d : m.dimensions) {
      CHECK_MESSAGE(d.computed == 1, d.dimension);
      CHECK(d.source == "computed");
      CHECK_FALSE(d.to_raise.empty());
    }
    CHECK(m.total == 8);
    CHECK(m.band == "Firefighting");
    CHECK(m.documentation == 0);
    CHECK(m.rubric.total == doctest::Approx(0));
  }

  TEST_CASE("a service with every kind of evidence scores 5 everywhere and 100 on the rubric") {
    std::map<std::string, DailySeries> series;
    Repo repo = full_repo(series);
    auto f = compute_maturity(repo, series, k_now);
    const auto& m = only(f);
    for (const auto& d : m.dimensions) {
      CHECK_MESSAGE(d.computed == 5, d.dimension << " to raise: " << d.to_raise);
      CHECK(d.to_raise.empty());
      CHECK_FALSE(d.evidence.empty());
    }
    CHECK(m.total == 40);
    CHECK(m.band == "Advanced");
    CHECK(m.documentation == 5);
    CHECK(m.rubric.total == doctest::Approx(100));
    CHECK(f.org.total == doctest::Approx(40));
    REQUIRE(f.teams.size() == 1);
    CHECK(f.teams[0].id == "team-a");
    CHECK(f.slo_coverage_by_tier["critical"].with_slo == 1);
  }

  TEST_CASE("documentation: git's last commit decides whether a runbook is current") {
    // The runbook-stale lint dates a runbook by its file's last commit (docs/governance.md); the
    // rubric's "current" point must read the same date, not the last_updated field alone.
    Repo repo;
    repo.services.push_back(service("svc"));
    Runbook rb = runbook("rb", "svc", "fast_burn");
    rb.last_updated = "2026-01-01"; // 304 days before k_now: stale by the field
    repo.runbooks.push_back(rb);
    CHECK(only(compute_maturity(repo, {}, k_now)).documentation == 1);
    History h;
    FileChange recent;
    recent.time = at("2026-10-20T10:00:00Z");
    h.add(rb.meta.file, recent);
    CHECK(only(compute_maturity(repo, {}, k_now, &h)).documentation == 2);
    // A recent field does not help a file whose last commit is old.
    repo.runbooks[0].last_updated = "2026-10-30";
    FileChange old;
    old.time = at("2026-03-01T10:00:00Z");
    h.replace(rb.meta.file, old);
    CHECK(only(compute_maturity(repo, {}, k_now, &h)).documentation == 1);
    CHECK(only(compute_maturity(repo, {}, k_now)).documentation == 2);
  }

  TEST_CASE("the quality rubric weights") {
    auto r = quality_rubric({5, 1, 1, 1, 1, 1, 1, 1}, 0);
    CHECK(r.total == doctest::Approx(20));
    r = quality_rubric({3, 3, 3, 3, 3, 3, 3, 3}, 2.5);
    CHECK(r.total == doctest::Approx(50));
    r = quality_rubric({1, 1, 1, 5, 1, 1, 1, 1}, 5); // automation alone is half its line
    CHECK(r.total == doctest::Approx(7.5 + 5));
    double weights = 0;
    for (const auto& l : r.lines)
      weights += l.weight;
    CHECK(weights == 100);
    CHECK(r.lines.size() == 8);
  }

  TEST_CASE("manual assessments override, beside the computed value") {
    Repo repo;
    repo.services.push_back(service("svc"));
    Assessment team;
    team.meta = meta("assessment", "team-2026-09");
    team.team = ref("team-a");
    team.date = "2026-09-01";
    team.scores = {{"chaos_engineering", 2}, {"slos", 4}};
    Assessment older, newer;
    older.meta = meta("assessment", "svc-2026-08");
    older.service = ref("svc");
    older.date = "2026-08-01";
    older.scores = {{"slos", 2}};
    newer.meta = meta("assessment", "svc-2026-10");
    newer.service = ref("svc");
    newer.date = "2026-10-01";
    newer.scores = {{"slos", 3}};
    repo.assessments = {newer, team, older};
    auto f = compute_maturity(repo, {}, k_now);
    const auto& m = only(f);
    const auto& slos = m.dimensions[0];
    CHECK(slos.computed == 1);
    CHECK(*slos.manual == 3); // the service's latest, over the team's
    CHECK(slos.effective == 3);
    CHECK(slos.source == "assessment");
    CHECK(slos.manual_assessment == "svc-2026-10");
    const auto& chaos = m.dimensions[4];
    CHECK(chaos.dimension == "chaos_engineering");
    CHECK(*chaos.manual == 2); // the team's, for lack of the service's own
    CHECK(m.computed_total == 8);
    CHECK(m.total == 8 + 2 + 1);
  }

  TEST_CASE("chaos levels from experiments") {
    Repo repo;
    repo.services.push_back(service("svc"));
    auto chaos = [&] { return only(compute_maturity(repo, {}, k_now)).dimensions[4].computed; };
    Experiment e;
    e.meta = meta("experiment", "e1");
    e.service = ref("svc");
    e.environment = "staging";
    e.outcome = "confirmed";
    e.level = 4; // capped at 2 outside production
    repo.experiments.push_back(e);
    CHECK(chaos() == 3);
    repo.experiments[0].level.reset();
    CHECK(chaos() == 2);
    e.meta.id = "e2";
    e.level.reset();
    repo.experiments.push_back(e);
    CHECK(chaos() == 3); // two staging experiments: systematic
    e.meta.id = "e3";
    e.environment = "production";
    repo.experiments.push_back(e);
    CHECK(chaos() == 4);
  }

  TEST_CASE("an experiment counts once it has run: an outcome, and a date not after now") {
    Repo repo;
    repo.services.push_back(service("svc"));
    auto chaos = [&] { return only(compute_maturity(repo, {}, k_now)).dimensions[4]; };
    // Two scaffolds as `nines new experiment` writes them: no outcome, no date, no level.
    for (const char* id : {"x1", "x2"}) {
      Experiment e;
      e.meta = meta("experiment", id);
      e.service = ref("svc");
      repo.experiments.push_back(e);
    }
    CHECK(chaos().computed == 1);
    CHECK(chaos().evidence.empty());
    CHECK(chaos().to_raise.find("not counted until run") != std::string::npos);
    CHECK(chaos().to_raise.find("x1 x2") != std::string::npos);
    // A production game day planned for next year, even with an outcome written in advance.
    Experiment planned;
    planned.meta = meta("experiment", "e3");
    planned.service = ref("svc");
    planned.environment = "production";
    planned.date = "2027-03-01";
    planned.outcome = "confirmed";
    repo.experiments.push_back(planned);
    CHECK(chaos().computed == 1);
    // Run today (now's day is not after now): it counts.
    repo.experiments.back().date = "2026-11-01";
    CHECK(chaos().computed == 4);
    // Results without a date count too: the outcome says it ran.
    repo.experiments.back().date.clear();
    CHECK(chaos().computed == 4);
  }

  TEST_CASE("review dates after now are not reviews") {
    std::map<std::string, DailySeries> series;
    Repo repo = full_repo(series);
    auto dims = [&] { return only(compute_maturity(repo, series, k_now)); };
    REQUIRE(dims().dimensions[0].computed == 5);
    REQUIRE(dims().dimensions[5].computed == 5);
    REQUIRE(dims().documentation == 5);
    repo.slos[0].last_reviewed.value = "2027-01-20"; // a mistyped year
    repo.capacity[0].last_reviewed.value = "2027-01-20";
    repo.runbooks[0].last_updated = "2027-01-20";
    CHECK(dims().dimensions[0].computed == 4);
    CHECK(dims().dimensions[5].computed == 4);
    CHECK(dims().documentation == 4);
    // Today is within every cadence.
    repo.slos[0].last_reviewed.value = "2026-11-01";
    repo.capacity[0].last_reviewed.value = "2026-11-01";
    repo.runbooks[0].last_updated = "2026-11-01";
    CHECK(dims().dimensions[0].computed == 5);
    CHECK(dims().dimensions[5].computed == 5);
    CHECK(dims().documentation == 5);
  }

  TEST_CASE("a capacity model without a growth forecast is a model, not reviewed forecasting") {
    Repo repo;
    repo.services.push_back(service("svc"));
    CapacityModel cap; // `nines new capacity`: figures "" (absent), reviewed today
    cap.meta = meta("capacity_model", "svc");
    cap.service = ref("svc");
    cap.auto_scaling = false;
    cap.last_reviewed.value = "2026-11-01";
    repo.capacity.push_back(cap);
    auto capacity = [&] { return only(compute_maturity(repo, {}, k_now)).dimensions[5]; };
    CHECK(capacity().computed == 2);
    CHECK(capacity().to_raise == "give a growth forecast (monthly_growth_pct)");
    // A forecast of no growth is a forecast.
    repo.capacity[0].monthly_growth_pct = 0;
    CHECK(capacity().computed == 4);
  }

  TEST_CASE("an incident, an automation or an on-call month still to come is no evidence") {
    std::map<std::string, DailySeries> series;
    Repo repo = full_repo(series);
    auto dims = [&] { return only(compute_maturity(repo, series, k_now)).dimensions; };
    REQUIRE(dims()[2].computed == 5);
    REQUIRE(dims()[6].computed == 5);
    REQUIRE(dims()[7].computed == 5);
    repo.postmortems[0].date = "2026-11-20"; // after now: tracks and detects nothing yet
    CHECK(dims()[2].computed == 3);
    repo.toil[0].automated_on = "2026-11-20"; // planned, not yet automated nor saving
    CHECK(dims()[6].computed == 3);
    CHECK(dims()[6].to_raise == "automate a toil item");
    repo.rotations[0].health[0].period = "2026-12"; // a month that has not started
    CHECK(dims()[7].computed == 4);
    // On the days themselves they count.
    const auto later = only(compute_maturity(repo, series, at("2026-12-01T00:00:00Z"))).dimensions;
    CHECK(later[2].computed == 5);
    CHECK(later[6].computed == 5);
    CHECK(later[7].computed == 5);
  }

  TEST_CASE("empty ICS roles record no role") {
    Repo repo;
    repo.services.push_back(service("svc"));
    Postmortem pm = postmortem("draft", "svc", "2026-10-20", "SEV3");
    pm.how_detected = "alert";
    pm.ics = {{"incident_commander", ""},
              {"communications_lead", ""},
              {"operations_lead", ""},
              {"subject_matter_expert", ""},
              {"scribe", " "}};
    repo.postmortems.push_back(pm);
    auto ir = [&] { return only(compute_maturity(repo, {}, k_now)).dimensions[2]; };
    // Criteria 1-3 unmet; the fourth alone would still be one point.
    CHECK(ir().computed == 1);
    repo.postmortems[0].ics["incident_commander"] = "Sam Roe";
    CHECK(ir().computed == 2);
  }

  TEST_CASE("org and team scores are means of services") {
    std::map<std::string, DailySeries> series;
    Repo repo = full_repo(series);
    repo.services.push_back(service("bare", "team-b"));
    auto f = compute_maturity(repo, series, k_now);
    // The bare service has only the org-wide golden-signal queries: monitoring 2, the rest 1.
    CHECK(f.services[1].total == 9);
    CHECK(f.org.total == doctest::Approx((40 + 9) / 2.0));
    CHECK(f.org.band == "Foundation");
    CHECK(f.org.dimensions[0].effective == doctest::Approx(3));
    CHECK(f.org.rubric.total == doctest::Approx((100 + 3.75) / 2.0));
    REQUIRE(f.teams.size() == 2);
    CHECK(f.teams[1].id == "team-b");
    CHECK(f.teams[1].total == doctest::Approx(9));
  }

  TEST_CASE(
      "a service only a dialect's SLO implies is scored, but not in the organisation's mean") {
    std::map<std::string, DailySeries> series;
    Repo repo = full_repo(series);
    const double before = compute_maturity(repo, series, k_now).org.total;
    Service implied = service("monitoring", "");
    implied.implied = true;
    repo.services.push_back(implied);
    auto f = compute_maturity(repo, series, k_now);
    REQUIRE(f.services.size() == 2);
    CHECK(f.services[1].total < before);           // the implied service has its own low score
    CHECK(f.org.total == doctest::Approx(before)); // and adding its SLO lowered nothing
    // With nothing declared, the organisation is what the SLOs imply.
    repo.services.erase(repo.services.begin());
    f = compute_maturity(repo, series, k_now);
    CHECK(f.org.scored);
    CHECK(f.org.total == doctest::Approx(f.services[0].total));
  }

  TEST_CASE("a later readiness review that has not got to a check keeps the earlier pass") {
    // SPEC 3.2: adding a document never lowers a score. Either file order, either date order.
    auto review = [](const char* id, const char* date, const char* status) {
      ReadinessReview rr;
      rr.meta = meta("readiness_review", id);
      rr.service = ref("bare");
      rr.date = date;
      for (const char* check : {"deploy.canary", "docs.operational-runbook"})
        rr.items.push_back(ReadinessItem{check, status, "", "", {}});
      return rr;
    };
    Repo one;
    one.services.push_back(service("bare"));
    one.readiness.push_back(review("rv1", "2026-09-01", "pass"));
    const auto before = only(compute_maturity(one, {}, k_now));
    CHECK(before.total == 9);
    for (const char* date : {"2026-10-15", "2026-09-01", "2026-08-01"}) {
      for (bool first : {true, false}) {
        Repo two = one;
        auto later = review("rv2", date, "todo");
        if (first)
          two.readiness.insert(two.readiness.begin(), later);
        else
          two.readiness.push_back(later);
        const auto after = only(compute_maturity(two, {}, k_now));
        CHECK_MESSAGE(after.total == before.total, date);
        CHECK(after.documentation == before.documentation);
        CHECK(after.rubric.total == doctest::Approx(before.rubric.total));
      }
    }
  }

  TEST_CASE("adding evidence never lowers a score") {
    std::map<std::string, DailySeries> full_series;
    std::vector<std::function<void(Repo&)>> additions = {
        [](Repo& r) { r.runbooks.push_back(runbook("rb-bare", "svc", "")); },
        [](Repo& r) {
          Runbook rb = runbook("rb-old", "svc", "other_alert");
          rb.last_updated = "2019-01-01";
          r.runbooks.push_back(rb);
        },
        [](Repo& r) {
          Experiment e;
          e.meta = meta("experiment", "exp-staging");
          e.service = ref("svc");
          e.environment = "staging";
          e.level = 0;
          r.experiments.push_back(e);
        },
        [](Repo& r) {
          Experiment e;
          e.meta = meta("experiment", "exp-bare");
          e.target = "svc";
          r.experiments.push_back(e);
        },
        [](Repo& r) {
          r.postmortems.push_back(postmortem("pm-bare", "svc", "2026-10-20", "SEV1"));
        },
        [](Repo& r) {
          Postmortem p = postmortem("pm-repeat", "svc", "2026-10-21", "SEV3");
          p.how_detected = "customer report";
          ActionItem ai;
          ai.id = "AI-9";
          ai.status = "open";
          ai.deadline = "2020-01-01";
          p.action_items.push_back(ai);
          r.postmortems.push_back(p);
        },
    };
    auto scores = [](const MaturityFigures& f) {
      std::vector<int> v;
      for (const auto& s : f.services) {
        for (const auto& d : s.dimensions)
          v.push_back(d.computed);
        v.push_back(s.documentation);
      }
      return v;
    };
    // From a bare service, a partly documented one and a complete one, each addition alone and all
    // of them cumulatively.
    std::vector<std::pair<Repo, std::map<std::string, DailySeries>>> bases;
    {
      Repo bare;
      bare.services.push_back(service("svc"));
      bases.push_back({bare, {}});
      Repo partial;
      partial.services.push_back(service("svc"));
      partial.runbooks.push_back(runbook("rb", "svc", "fast_burn"));
      partial.slos.push_back(slo("svc-a", "svc", 99.9));
      bases.push_back({partial, {}});
      std::map<std::string, DailySeries> s;
      Repo full = full_repo(s);
      bases.push_back({full, s});
    }
    for (auto& [base, series] : bases) {
      auto before = scores(compute_maturity(base, series, k_now));
      Repo cumulative = base;
      for (std::size_t i = 0; i < additions.size(); ++i) {
        Repo one = base;
        additions[i](one);
        auto after = scores(compute_maturity(one, series, k_now));
        for (std::size_t k = 0; k < before.size(); ++k)
          CHECK_MESSAGE(after[k] >= before[k], "addition " << i << " lowered score " << k);
        auto prev = scores(compute_maturity(cumulative, series, k_now));
        additions[i](cumulative);
        auto now_scores = scores(compute_maturity(cumulative, series, k_now));
        for (std::size_t k = 0; k < prev.size(); ++k)
          CHECK_MESSAGE(now_scores[k] >= prev[k], "cumulative addition " << i << " lowered " << k);
      }
    }
  }

  TEST_CASE("maturity: the per-service look-ups through compute's index agree with the scans") {
    // Documents of every kind the scores look up per service, in an order that interleaves the
    // services, with unscoped toil affecting teams, experiments by target, postmortems of two
    // services and ids repeated across kinds: the scores and their evidence must be the same
    // with an IndexScope (as compute_all runs) and without one.
    Repo repo;
    repo.services = {service("a", "team-a"), service("b", "team-b"), service("c", "")};
    for (int i = 0; i < 12; ++i) {
      const std::string svc = std::string(1, static_cast<char>('a' + i % 3));
      const std::string n = std::to_string(i);
      ToilItem t;
      t.meta = meta("toil_item", "toil-" + n);
      if (i % 4 == 0) {
        t.teams_affected = {ref("team-a"), ref("team-b"), ref("team-a")};
      } else {
        t.service = ref(svc);
      }
      t.status = i % 2 ? "automated" : "automating";
      t.time_per_occurrence_min = 30.0 + i;
      t.occurrences_per_month = 10;
      repo.toil.push_back(t);
      AutoRemediation a;
      a.meta = meta("auto_remediation", "rem-" + n);
      a.service = ref(svc);
      if (i % 2) a.rules.resize(1);
      repo.remediations.push_back(a);
      CapacityModel c;
      c.meta = meta("capacity_model", "cap-" + n);
      c.service = ref(svc);
      if (i % 3 == 1) c.monthly_growth_pct = 5;
      if (i % 2) c.auto_scaling = true;
      c.last_reviewed.value = i % 2 ? "2026-10-01" : "2025-01-01";
      repo.capacity.push_back(c);
      Experiment e;
      e.meta = meta("experiment", "exp-" + n);
      if (i % 2)
        e.service = ref(svc);
      else
        e.target = svc;
      e.environment = i % 3 ? "production" : "staging";
      e.outcome = "confirmed";
      repo.experiments.push_back(e);
      Postmortem p = postmortem("pm-" + n, svc, "2026-09-0" + std::to_string(1 + i % 9), "SEV2");
      if (i % 5 == 0) p.services.push_back(ref(i % 2 ? "a" : "b"));
      p.how_detected = i % 2 ? "Alert fired" : "customer report";
      if (i % 3 == 0) p.five_whys = {"why"};
      ActionItem ai;
      ai.id = "AI-" + n;
      if (i % 2) {
        ai.owner = "jo";
        ai.deadline = "2026-12-01";
      }
      p.action_items = {ai};
      repo.postmortems.push_back(p);
    }
    auto flat = [](const MaturityFigures& f) {
      std::string out;
      for (const auto& m : f.services) {
        out += m.service + " " + std::to_string(m.total) + "\n";
        for (const auto& d : m.dimensions) {
          out += d.dimension + " " + std::to_string(d.computed) + " " + d.to_raise + "\n";
          for (const auto& e : d.evidence)
            out += "  " + e + "\n";
        }
      }
      return out;
    };
    const std::string scanned = flat(compute_maturity(repo, {}, k_now));
    std::string indexed;
    {
      const compute_detail::IndexScope index(repo);
      indexed = flat(compute_maturity(repo, {}, k_now));
    }
    CHECK(scanned == indexed);
    CHECK(scanned.find("toil_item toil-0") != std::string::npos); // unscoped, through the team
    CHECK(scanned.find("experiment exp-0") != std::string::npos); // by target
  }

  TEST_CASE("the default alerts `nines rules` generates are the service's alerts") {
    std::map<std::string, DailySeries> series;
    Repo repo = full_repo(series);
    // No burn_rate_alerts key, an SLI with a query: the SLO pages with the Workbook defaults.
    repo.slos[0].alerts.clear();
    repo.runbooks[0].alert_name = "unrelated";
    auto m = only(compute_maturity(repo, series, k_now));
    // Measured, with alerts: the fourth SLO criterion holds without any written alert.
    CHECK(m.dimensions[0].computed == 5);
    CHECK(m.dimensions[0].evidence.back() ==
          "slo svc-availability measured, with 3 burn-rate alerts (generated by `nines rules`)");
    // No runbook answers them yet: the alerting criterion is what to raise.
    CHECK(m.dimensions[1].computed == 4);
    CHECK(m.dimensions[1].to_raise == "give an alert of the service a runbook");
    // A runbook answering the generated fast_burn is evidence.
    repo.runbooks[0].alert_name = "fast_burn";
    m = only(compute_maturity(repo, series, k_now));
    CHECK(m.dimensions[1].computed == 5);
    CHECK(std::find(m.dimensions[1].evidence.begin(), m.dimensions[1].evidence.end(),
                    "alert fast_burn of slo svc-availability (generated by `nines rules`) has a "
                    "runbook") != m.dimensions[1].evidence.end());
    // `burn_rate_alerts: []` pages with nothing: no alerts to measure with, none to answer.
    repo.slos[0].alerts_declared = true;
    m = only(compute_maturity(repo, series, k_now));
    CHECK(m.dimensions[0].computed == 4);
    CHECK(m.dimensions[0].to_raise ==
          "measure an SLO (daily data in its window) and give it burn-rate alerts");
    CHECK(m.dimensions[1].computed == 4);
  }

  TEST_CASE("measured is the readiness row's rule: daily data in the SLO's window before now") {
    std::map<std::string, DailySeries> series;
    Repo repo = full_repo(series);
    series.clear();
    fill(series["svc-availability"], "2026-07-04", "2026-07-31", 1000, 0);
    const std::string measure =
        "measure an SLO (daily data in its window) and give it burn-rate alerts";
    auto m = only(compute_maturity(repo, series, k_now));
    CHECK(m.dimensions[0].computed == 4);
    CHECK(m.dimensions[0].to_raise == measure);
    CHECK_FALSE(slo_measured(repo.slos[0], series, day("2026-11-01")));
    // As of 2026-08-01 July is in the window (and the review of 2026-10-20 is still to come).
    m = only(compute_maturity(repo, series, at("2026-08-01T00:00:00Z")));
    CHECK(m.dimensions[0].to_raise != measure);
    CHECK(m.dimensions[0].evidence.back() ==
          "slo svc-availability measured, with 1 burn-rate alert");
  }

  TEST_CASE("a readiness review dated after now is no evidence") {
    std::map<std::string, DailySeries> series;
    Repo repo;
    repo.services.push_back(service("bare"));
    ReadinessReview rr;
    rr.meta = meta("readiness_review", "typo");
    rr.service = ref("bare");
    rr.date = "2027-10-01"; // a mistyped year
    for (const char* check :
         {"deploy.canary", "docs.operational-runbook", "monitoring.distributed-tracing"})
      rr.items.push_back(ReadinessItem{check, "pass", "", "", {}});
    repo.readiness.push_back(rr);
    auto m = only(compute_maturity(repo, series, k_now));
    CHECK(m.total == 8);
    CHECK(m.documentation == 0);
    // Dated today, it counts: automation, monitoring and the documentation point.
    repo.readiness[0].date = "2026-11-01";
    m = only(compute_maturity(repo, series, k_now));
    CHECK(m.total == 10);
    CHECK(m.documentation == 1);
  }

  TEST_CASE("mean scores, totals and rubric points carry no binary noise") {
    // Three services of one team whose 8 scores add up to 75: a mean total of exactly 25, on
    // the Maturing line. Summed as eight means of thirds, binary makes it 24.999999999999996,
    // which read Foundation; the line of a mean of 14/3 was 13.750000000000004 points.
    const std::vector<std::vector<int>> scores = {
        {2, 4, 4, 3, 4, 2, 2, 3}, {3, 3, 3, 3, 5, 3, 4, 5}, {3, 5, 3, 3, 3, 2, 1, 2}};
    Repo repo;
    const auto dims = maturity_dimensions();
    for (std::size_t i = 0; i < scores.size(); ++i) {
      const std::string id = "svc-" + std::to_string(i);
      repo.services.push_back(service(id, "team-a"));
      Assessment a;
      a.meta = meta("assessment", id);
      a.service = ref(id);
      a.date = "2026-10-01";
      for (std::size_t d = 0; d < dims.size(); ++d)
        a.scores[dims[d]] = scores[i][d];
      repo.assessments.push_back(a);
    }
    const auto f = compute_maturity(repo, {}, k_now);
    REQUIRE(f.teams.size() == 1);
    for (const GroupMaturity* g : {&f.org, &f.teams[0]}) {
      CHECK(g->total == 25);
      CHECK(g->band == "Maturing");
      CHECK(g->dimensions[1].effective == 4);             // 12 / 3
      CHECK(g->dimensions[0].effective == 2.66666666667); // 8 / 3, to 12 significant digits
    }
    const Rubric r = quality_rubric({1, 14.0 / 3, 1, 1, 1, 1, 1, 1}, 0);
    CHECK(r.lines[1].score == 4.58333333333);
    CHECK(r.lines[1].points == 13.75);
    CHECK(r.total == 13.75);
  }

} // TEST_SUITE
