#include "load/yaml_reader.hpp"
#include "model/kinds.hpp"
#include "model/time.hpp"
#include "validate/decode.hpp"
#include "validate/schemas.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <sstream>
#include <tuple>
#include <utility>

using namespace nines;

namespace {

// Parses `yaml` as the document `file` of kind `kind` and decodes it (schema-checked first, as the
// driver does), returning the repository it lands in.
Repo decode(const std::string& kind, const std::string& file, const std::string& yaml,
            DiagBag& diags) {
  RawDoc doc;
  doc.file = file;
  doc.kind = kind;
  doc.root = parse_yaml_string(yaml, diags, file);
  REQUIRE_FALSE(diags.has_errors());
  if (const Node* key = doc.root.get(kind)) doc.kind_loc = key->loc;
  SchemaSet schemas;
  REQUIRE(schemas.validate(kind, doc.root, file, diags));
  Repo repo;
  decode_document(doc, "digest", repo, diags);
  return repo;
}

std::size_t count_of(const Repo& repo, std::string_view kind) {
  std::size_t n = 0;
  for_each_kind([&](const auto& row) {
    if (row.name == kind) n = (repo.*row.docs).size();
  });
  return n;
}

} // namespace

TEST_CASE("decode: the id is the id field, else name where the kind uses it, else the stem") {
  DiagBag diags;
  Repo a = decode("service", "services/Pay API.yaml",
                  "service:\n  name: pay-api\n  tier: critical\n  owner_team: payments\n", diags);
  REQUIRE(a.services.size() == 1);
  CHECK(a.services[0].meta.id == "pay-api");
  CHECK(a.services[0].meta.id_loc.line == 2);

  Repo b = decode(
      "slo", "slos/Checkout Latency.yaml",
      "slo:\n  name: checkout-latency\n  service: pay-api\n  sli: lat\n  target: 99.9\n", diags);
  REQUIRE(b.slos.size() == 1);
  // SLOs do not take their id from `name` (SPEC 1.2): the file's stem names them.
  CHECK(b.slos[0].meta.id == "checkout-latency");
  CHECK(b.slos[0].meta.file == "slos/Checkout Latency.yaml");

  Repo c = decode("slo", "slos/x.yaml",
                  "slo:\n  id: explicit\n  service: pay-api\n  sli: lat\n  target: 99.9\n", diags);
  CHECK(c.slos[0].meta.id == "explicit");
  CHECK_FALSE(diags.has_errors());
}

TEST_CASE("decode: an id that could leave the output folder is an error at its line") {
  // The schema's id pattern would stop it first; decode checks again, since dialects and path
  // stems reach it without that pattern.
  DiagBag diags;
  RawDoc doc;
  doc.file = "runbooks/r.yaml";
  doc.kind = "runbook";
  doc.root =
      parse_yaml_string("runbook:\n  id: ../etc\n  title: R\n  alert_name: A\n", diags, doc.file);
  Repo repo;
  decode_document(doc, "d", repo, diags);
  REQUIRE(diags.has_errors());
  CHECK(diags.all()[0].rule == "invalid-id");
  CHECK(diags.all()[0].loc.line == 2);
}

TEST_CASE("decode: every registry kind decodes into its own Repo member") {
  // The smallest document each kind's schema accepts, so a row whose decoder or member is wrong
  // shows up here rather than as a silently dropped document.
  const std::map<std::string, std::string> minimal = {
      {"service", "service:\n  name: s\n  tier: critical\n  owner_team: t\n"},
      {"sli", "sli:\n  name: i\n"},
      {"slo", "slo:\n  service: s\n  sli: i\n  target: 99.9\n"},
      {"error_budget_policy", "error_budget_policy:\n  budget_states:\n    healthy:\n"
                              "      condition: remaining_budget > 50%\n"},
      {"postmortem", "postmortem:\n  title: P\n  date: 2026-10-01\n  severity: SEV2\n"},
      {"runbook", "runbook:\n  title: R\n  alert_name: A\n"},
      {"toil_item",
       "toil_item:\n  name: t\n  time_per_occurrence_min: 5\n  occurrences_per_month: 2\n"},
      {"capacity_model", "capacity_model:\n  service: s\n"},
      {"experiment", "experiment:\n  name: e\n  hypothesis: h\n"},
      {"auto_remediation",
       "auto_remediation:\n  service: s\n  rules:\n    - trigger: t\n      action: a\n"},
      {"oncall_rotation", "oncall_rotation:\n  name: r\n  team: t\n  members: [a]\n"},
      {"readiness_review", "readiness_review:\n  service: s\n  items:\n    - check: "
                           "slos.slis-defined\n      status: pass\n"},
      {"assessment", "assessment:\n  service: s\n  date: 2026-10-01\n  scores: {slos: 3}\n"},
      {"monthly_report", "monthly_report:\n  period: 2026-10\n"},
      {"maintenance", "maintenance:\n  service: s\n  start: 2026-11-25T02:00:00Z\n"
                      "  end: 2026-11-25T04:00:00Z\n"},
  };
  for (const auto& kind : kind_names()) {
    auto it = minimal.find(kind);
    REQUIRE_MESSAGE(it != minimal.end(), "no minimal document for kind " << kind);
    DiagBag diags;
    RawDoc doc;
    doc.file = kind + "/doc.yaml";
    doc.kind = kind;
    doc.root = parse_yaml_string(it->second, diags, doc.file);
    SchemaSet schemas;
    const bool valid = schemas.validate(kind, doc.root, doc.file, diags);
    for (const auto& d : diags.all())
      MESSAGE(kind << ": " << d.message);
    REQUIRE_MESSAGE(valid, kind);
    Repo repo;
    decode_document(doc, "digest", repo, diags);
    CHECK_MESSAGE(count_of(repo, kind) == 1, kind);
  }
}

TEST_CASE("decode: a maintenance window must end after it starts") {
  auto decode_window = [](const std::string& yaml, DiagBag& diags) {
    RawDoc doc;
    doc.file = "maintenance/w.yaml";
    doc.kind = "maintenance";
    doc.root = parse_yaml_string(yaml, diags, doc.file);
    Repo repo;
    decode_document(doc, "digest", repo, diags);
    return repo;
  };
  DiagBag ok;
  Repo repo = decode_window("maintenance:\n  service: s\n  start: 2026-11-25T03:00:00+01:00\n"
                            "  end: 2026-11-25T04:00:00Z\n",
                            ok);
  REQUIRE(repo.maintenance.size() == 1);
  CHECK(ok.all().empty());
  // The offset is honoured: 03:00+01:00 is 02:00 UTC.
  CHECK(*repo.maintenance[0].start_time == *parse_timestamp("2026-11-25T02:00:00Z"));
  CHECK(*repo.maintenance[0].end_time - *repo.maintenance[0].start_time == 7200);
  // Every time the schema takes is read: a fraction of a second too.
  DiagBag fraction;
  repo = decode_window("maintenance:\n  service: s\n  start: 2026-11-25T02:00:00.000Z\n"
                       "  end: 2026-11-25 04:00:00.5\n",
                       fraction);
  REQUIRE(repo.maintenance.size() == 1);
  CHECK(fraction.all().empty());
  CHECK(*repo.maintenance[0].end_time - *repo.maintenance[0].start_time == 7200);

  DiagBag bad;
  decode_window("maintenance:\n  service: s\n  start: 2026-11-25T04:00:00Z\n"
                "  end: 2026-11-25T02:00:00Z\n",
                bad);
  REQUIRE(bad.all().size() == 1);
  CHECK(bad.all()[0].rule == "maintenance-window");
  CHECK(bad.all()[0].loc.line == 4);
  CHECK(bad.all()[0].message ==
        "the maintenance ends (2026-11-25T02:00:00Z) before it starts (2026-11-25T04:00:00Z)");
}

TEST_CASE("decode: the seed's auto-escalation triggers raise a postmortem's severity") {
  struct Case {
    const char* declared;
    const char* fields; // below the postmortem key
    const char* counted;
    const char* because;
  };
  for (const Case& c : {
           Case{"SEV3", "  impact:\n    data_loss: true\n", "SEV1", "data loss"},
           Case{"SEV4", "  security_breach_pii: true\n", "SEV1", "a security breach with PII"},
           Case{"SEV3", "  revenue_impacting: true\n", "SEV2", "revenue impact"},
           Case{"SEV1", "  revenue_impacting: true\n", "SEV1", ""}, // never lowered
           // The seed's own record of revenue impact: a positive amount is revenue impact, even
           // beside an explicit `revenue_impacting: false`; a zero amount (the seed template's
           // placeholder) is not.
           Case{"SEV4", "  impact:\n    revenue_impact_usd: 250000\n", "SEV2", "revenue impact"},
           Case{"SEV4", "  revenue_impacting: false\n  impact:\n    revenue_impact_usd: 0.5\n",
                "SEV2", "revenue impact"},
           Case{"SEV4", "  impact:\n    revenue_impact_usd: 0\n", "SEV4", ""},
           Case{"SEV2", "  impact:\n    data_loss: false\n", "SEV2", ""},
           // The matrix only warns (the postmortem-severity lint): no trigger here.
           Case{"SEV4", "  classification: {function: core-down, scope: all-users}\n", "SEV4", ""},
       }) {
    CAPTURE(c.fields);
    DiagBag diags;
    const Repo repo =
        decode("postmortem", "postmortems/p.yaml",
               std::string("postmortem:\n  title: P\n  date: 2026-10-01\n  severity: ") +
                   c.declared + "\n" + c.fields,
               diags);
    REQUIRE(repo.postmortems.size() == 1);
    CHECK(repo.postmortems[0].severity == c.counted);
    CHECK(repo.postmortems[0].declared_severity == c.declared);
    CHECK(repo.postmortems[0].escalated_because == c.because);
    // The page's "Revenue impacting" row and the lint read the same flag as the escalation.
    CHECK(repo.postmortems[0].revenue_impacting ==
          (std::string(c.because) == "revenue impact" ||
           std::string(c.fields).find("revenue_impacting: true") != std::string::npos));
  }
}

TEST_CASE("decode: a rotation member listed again counts once, with a warning at the repeat") {
  DiagBag diags;
  Repo repo = decode("oncall_rotation", "oncall/r.yaml",
                     "oncall_rotation:\n  name: r\n  team: t\n  members:\n    - Ann\n"
                     "    - Bob\n    - ann \n    - Cy\n    - Bob\n",
                     diags);
  REQUIRE(repo.rotations.size() == 1);
  CHECK(repo.rotations[0].members == std::vector<std::string>{"Ann", "Bob", "Cy"});
  REQUIRE(diags.all().size() == 2);
  CHECK(diags.all()[0].rule == "duplicate-member");
  CHECK(diags.all()[0].loc.line == 7);
  CHECK(diags.all()[0].message == "'ann' is listed again (first at line 5); a person counts once");
  CHECK(diags.all()[1].loc.line == 9);
}

TEST_CASE("decode: a reference listed again counts once, with a warning at the repeat") {
  DiagBag diags;
  Repo repo = decode("toil_item", "toil/t.yaml",
                     "toil_item:\n  name: t\n  time_per_occurrence_min: 10\n"
                     "  occurrences_per_month: 12\n  teams_affected: [team-b, team-a, team-b]\n",
                     diags);
  REQUIRE(repo.toil.size() == 1);
  REQUIRE(repo.toil[0].teams_affected.size() == 2);
  CHECK(repo.toil[0].teams_affected[0].id == "team-b");
  CHECK(repo.toil[0].teams_affected[1].id == "team-a");
  REQUIRE(diags.all().size() == 1);
  CHECK(diags.all()[0].rule == "duplicate-reference");
  CHECK(diags.all()[0].loc.line == 5);
  CHECK(diags.all()[0].loc.col == 36);
  CHECK(diags.all()[0].message ==
        "'team-b' is listed again in teams_affected (first at line 5); it counts once");

  DiagBag pm_diags;
  Repo pm = decode("postmortem", "postmortems/p.md",
                   "postmortem:\n  title: x\n  date: 2026-10-01\n  severity: SEV2\n"
                   "  services:\n    - a\n    - a\n",
                   pm_diags);
  REQUIRE(pm.postmortems.size() == 1);
  CHECK(pm.postmortems[0].services.size() == 1);
  REQUIRE(pm_diags.all().size() == 1);
  CHECK(pm_diags.all()[0].loc.line == 7);
}

TEST_CASE("decode: a service link left empty is not given") {
  DiagBag diags;
  Repo repo = decode("service", "services/pay.yaml",
                     "service:\n  name: pay\n  tier: critical\n  owner_team: t\n  links:\n"
                     "    dashboard: \"\"\n    runbook: https://wiki.example.org/pay\n",
                     diags);
  REQUIRE(repo.services.size() == 1);
  REQUIRE(repo.services[0].links.size() == 1);
  CHECK(repo.services[0].links[0].first == "runbook");
  CHECK(repo.services[0].link_locs.size() == 1);
}

TEST_CASE("decode: a probe's milliseconds, as the seed writes them, read with their unit") {
  DiagBag diags;
  Repo repo = decode("service", "services/pay.yaml",
                     "service:\n  name: pay\n  tier: critical\n  owner_team: t\n"
                     "  health_checks:\n"
                     "    - {name: live, type: liveness, interval: 30000, timeout: 500}\n"
                     "    - {name: ready, type: readiness, interval: 10s, timeout: 250ms}\n",
                     diags);
  REQUIRE(repo.services.size() == 1);
  const auto& h = repo.services[0].health_checks;
  REQUIRE(h.size() == 2);
  CHECK(h[0].interval == "30s");
  CHECK(h[0].timeout == "500ms");
  CHECK(h[1].interval == "10s");
  CHECK(h[1].timeout == "250ms");
}

TEST_CASE("decode: a kind outside the registry is a bug, not a dropped document") {
  DiagBag diags;
  RawDoc doc;
  doc.file = "x.yaml";
  doc.kind = "no_such_kind";
  doc.root = parse_yaml_string("no_such_kind:\n  a: 1\n", diags, doc.file);
  Repo repo;
  CHECK_THROWS_AS(decode_document(doc, "d", repo, diags), std::logic_error);
}

TEST_CASE("decode: policy states and conditions use the shared budget vocabulary") {
  DiagBag diags;
  Repo r = decode("error_budget_policy", "policies/p.yaml",
                  "error_budget_policy:\n  budget_states:\n    critical:\n"
                  "      condition: remaining_budget 0-25%\n      actions: [Freeze]\n",
                  diags);
  REQUIRE(r.policies.size() == 1);
  REQUIRE(r.policies[0].states.size() == 1);
  CHECK(r.policies[0].states[0].state == BudgetState::Critical);
  CHECK(*r.policies[0].states[0].condition.lo == 0);
  CHECK(*r.policies[0].states[0].condition.hi == 25);
}

TEST_CASE("decode: overlapping budget states are an error at the later condition") {
  DiagBag diags;
  decode("error_budget_policy", "policies/p.yaml",
         "error_budget_policy:\n  budget_states:\n"
         "    healthy: {condition: \"remaining_budget > -10%\", actions: [go]}\n"
         "    warning: {condition: \"remaining_budget 25-50%\", actions: [careful]}\n"
         "    critical: {condition: \"remaining_budget 0-25%\", actions: [freeze]}\n"
         "    exhausted: {condition: \"remaining_budget <= 0\", actions: [stop]}\n",
         diags);
  std::vector<Diagnostic> overlaps;
  for (const auto& d : diags.all())
    if (d.rule == "policy-overlap") overlaps.push_back(d);
  REQUIRE(overlaps.size() == 3);
  CHECK(overlaps[0].severity == Severity::Error);
  CHECK(overlaps[0].loc.line == 4); // warning's condition, against healthy's
  CHECK(overlaps[0].message ==
        "warning condition 'remaining_budget 25-50%' overlaps healthy condition 'remaining_budget "
        "> -10%' for a remaining budget between 25% and 50%; there the stricter state, warning, "
        "applies");
  CHECK(overlaps[2].loc.line == 6);
  CHECK(overlaps[2].message.find("exhausted condition 'remaining_budget <= 0' overlaps healthy "
                                 "condition 'remaining_budget > -10%' for a remaining budget "
                                 "between -10% and 0%; there the stricter state, exhausted") == 0);
}

TEST_CASE("decode: x- notes in mappings whose keys are data are not read as data") {
  DiagBag diags;
  Repo pol = decode("error_budget_policy", "policies/p.yaml",
                    "error_budget_policy:\n  budget_states:\n"
                    "    healthy: {condition: \"remaining_budget > 50%\"}\n"
                    "    warning: {condition: \"remaining_budget 25-50%\"}\n"
                    "    critical: {condition: \"remaining_budget 0-25%\"}\n"
                    "    exhausted: {condition: \"remaining_budget <= 0\"}\n"
                    "    x-note: agreed 2026-03-02\n",
                    diags);
  CHECK(diags.all().empty()); // no "cannot parse budget state condition ''"
  REQUIRE(pol.policies.size() == 1);
  CHECK(pol.policies[0].states.size() == 4);

  Repo pm = decode("postmortem", "postmortems/pm.yaml",
                   "postmortem:\n  title: Outage\n  date: 2026-10-10\n  severity: SEV2\n"
                   "  ics: {x-todo: assign roles at the review}\n",
                   diags);
  REQUIRE(pm.postmortems.size() == 1);
  CHECK(pm.postmortems[0].ics.empty());
  Repo pm2 = decode("postmortem", "postmortems/pm2.yaml",
                    "postmortem:\n  title: Outage\n  date: 2026-10-10\n  severity: SEV2\n"
                    "  ics: {incident_commander: ana, x-todo: scribe}\n",
                    diags);
  CHECK(pm2.postmortems[0].ics.size() == 1);
  // A fishbone's keys are its categories: a note beside them is neither a category nor an error.
  Repo pm3 = decode("postmortem", "postmortems/pm3.yaml",
                    "postmortem:\n  title: Outage\n  date: 2026-10-10\n  severity: SEV3\n"
                    "  fishbone:\n    x-note: \"reviewer: add a Testing branch\"\n"
                    "    People: [Fatigue]\n",
                    diags);
  REQUIRE(pm3.postmortems.size() == 1);
  CHECK(pm3.postmortems[0].fishbone ==
        std::map<std::string, std::vector<std::string>>{{"People", {"Fatigue"}}});

  Repo as = decode("assessment", "assessments/a.yaml",
                   "assessment:\n  service: api\n  date: 2026-10-10\n"
                   "  scores: {slos: 3, x-draft: 5}\n",
                   diags);
  REQUIRE(as.assessments.size() == 1);
  CHECK(as.assessments[0].scores == std::map<std::string, int>{{"slos", 3}});
  CHECK(diags.all().empty());

  DiagBag cdiags;
  Node root =
      parse_yaml_string("metrics:\n  golden_signals:\n    latency_p99: lat\n    error_rate: err\n"
                        "    traffic: reqs\n    x-saturation: 'TODO: ask the platform team'\n",
                        cdiags);
  SchemaSet schemas;
  REQUIRE(schemas.validate("nines", root, "nines.yaml", cdiags));
  Config cfg;
  decode_config(root, cfg);
  CHECK(cfg.golden_signals.size() == 3);
  CHECK(cfg.golden_signals.count("x-saturation") == 0);
}

TEST_CASE("docs: every registry kind is documented in docs/content.md") {
  std::ifstream in(std::string(NINES_SOURCE_DIR) + "/docs/content.md");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  for (const auto& kind : kind_names())
    CHECK_MESSAGE(text.find("`" + kind + "`") != std::string::npos, kind);
}

namespace {

// Decodes CSV lines of `file` (the header first) into `repo`, as the loader hands them over.
void decode_csv(Repo& repo, const std::string& file, const std::vector<std::string>& lines,
                DiagBag& diags) {
  int n = 0;
  for (const auto& line : lines) {
    std::vector<std::string> cells;
    std::string cell;
    for (char ch : line) {
      if (ch == ',') {
        cells.push_back(cell);
        cell.clear();
      } else {
        cell += ch;
      }
    }
    cells.push_back(cell);
    decode_csv_row(RawCsvRow{file, ++n, cells}, repo, diags);
  }
}

} // namespace

TEST_CASE("decode: a CSV header is not a data row; a bad data row is one") {
  Repo repo;
  DiagBag diags;
  const std::string f = "metrics/a.csv";
  CHECK_FALSE(decode_csv_row(RawCsvRow{f, 1, {"slo", "date", "good", "total"}}, repo, diags));
  CHECK(decode_csv_row(RawCsvRow{f, 2, {"a", "2026-10-01", "9", "10"}}, repo, diags));
  CHECK(decode_csv_row(RawCsvRow{f, 3, {"a", "2026-10-02", "11", "10"}}, repo, diags));
  CHECK_FALSE(decode_csv_row(RawCsvRow{f, 4, {"slo", "date", "good", "total"}}, repo, diags));
  CHECK(repo.csv_rows.size() == 1);
  CHECK(diags.all().size() == 1);
}

TEST_CASE("decode: a golden-signal file's rows are values of a service's signal") {
  Repo repo;
  DiagBag diags;
  const std::string f = "metrics/golden.csv";
  auto row = [&](int line, std::vector<std::string> cells) {
    RawCsvRow r{f, line, std::move(cells)};
    r.golden = true;
    return decode_csv_row(r, repo, diags);
  };
  CHECK_FALSE(row(1, {"service", "signal", "date", "value"}));
  CHECK(row(2, {"api", "latency_p99", "2026-10-01", "0.245"}));
  CHECK(row(3, {"api", "traffic", "2026-10-01", "0"})); // 0 is a value
  CHECK(row(4, {"api", "traffic", "2026-10-02", "-1"}));
  CHECK(row(5, {"api", "traffic", "2026-10-0x", "1"}));
  CHECK(row(6, {"api", "", "2026-10-02", "1"}));
  CHECK(row(7, {"api", "traffic", "2026-10-02"}));
  CHECK(row(8, {"api", "traffic", "2026-10-02", "nan"}));
  CHECK_FALSE(row(9, {"service", "signal", "date", "value"})); // the header again
  REQUIRE(repo.golden_rows.size() == 2);
  CHECK(repo.golden_rows[0].service == "api");
  CHECK(repo.golden_rows[0].signal == "latency_p99");
  CHECK(repo.golden_rows[0].value == 0.245);
  CHECK(repo.csv_files[repo.golden_rows[1].file] == f);
  CHECK(repo.csv_rows.empty()); // no SLO counts
  CHECK(diags.error_count() == 5);
}

TEST_CASE("decode: CSV rows keep their file, SLO id and day in tables, not in each row") {
  Repo repo;
  DiagBag diags;
  decode_csv(repo, "metrics/a.csv",
             {"slo,date,good,total", "svc-00000-availability,2026-10-01,9,10",
              "svc-00000-availability,2026-10-02,8,10", "svc-00000-latency,2026-10-01,7,10"},
             diags);
  decode_csv(repo, "metrics/b.csv",
             {"slo,date,good,total", "svc-00000-latency,2026-10-03,6,10",
              "svc-00001-availability,1970-01-01,5,10"},
             diags);
  CHECK_FALSE(diags.has_errors());
  CHECK(repo.csv_files == std::vector<std::string>{"metrics/a.csv", "metrics/b.csv"});
  // An SLO id seen in an earlier file is not added again.
  CHECK(repo.csv_slos == std::vector<std::string>{"svc-00000-availability", "svc-00000-latency",
                                                  "svc-00001-availability"});
  REQUIRE(repo.csv_rows.size() == 5);
  const auto& rows = repo.csv_rows;
  CHECK(repo.csv_file(rows[0]) == "metrics/a.csv");
  CHECK(repo.csv_file(rows[2]) == "metrics/a.csv");
  CHECK(repo.csv_file(rows[3]) == "metrics/b.csv");
  CHECK(repo.csv_slo(rows[1]) == "svc-00000-availability");
  CHECK(repo.csv_slo(rows[2]) == "svc-00000-latency");
  CHECK(repo.csv_slo(rows[3]) == "svc-00000-latency");
  CHECK(rows[3].slo == rows[2].slo);
  CHECK(repo.csv_slo(rows[4]) == "svc-00001-availability");
  CHECK(rows[0].line == 2);
  CHECK(rows[4].line == 3);
  // The date column as a day number, as parse_date() gives it.
  CHECK(rows[0].day == *parse_date("2026-10-01"));
  CHECK(rows[1].day == rows[0].day + 1);
  CHECK(format_date(rows[3].day) == "2026-10-03");
  CHECK(rows[4].day == 0);
  CHECK(rows[0].good == 9);
  CHECK(rows[0].total == 10);
}

TEST_CASE("decode: a CSV whose rows switch between SLOs back and forth adds each id once") {
  Repo repo;
  DiagBag diags;
  decode_csv(repo, "metrics/m.csv",
             {"slo,date,good,total", "api,2026-10-01,1,1", "web,2026-10-01,1,1",
              "api,2026-10-02,1,1", "web,2026-10-02,1,1", "db,2026-10-02,1,1",
              "api,2026-10-03,1,1"},
             diags);
  CHECK_FALSE(diags.has_errors());
  CHECK(repo.csv_files == std::vector<std::string>{"metrics/m.csv"});
  CHECK(repo.csv_slos == std::vector<std::string>{"api", "web", "db"});
  std::vector<std::string> slos;
  for (const auto& row : repo.csv_rows)
    slos.push_back(repo.csv_slo(row));
  CHECK(slos == std::vector<std::string>{"api", "web", "api", "web", "db", "api"});
}

TEST_CASE("decode: refused CSV rows add nothing to the tables") {
  Repo repo;
  DiagBag diags;
  decode_csv(
      repo, "metrics/bad.csv",
      {"slo,date,good,total", "api,2026-02-30,1,1", "web,2026-10-01,2,1", "db,2026-10-01,x,1"},
      diags);
  decode_csv(repo, "metrics/ok.csv", {"\xEF\xBB\xBFslo,date,good,total", "api,2026-10-01,1,2"},
             diags);
  REQUIRE(diags.all().size() == 3);
  CHECK(diags.all()[0].message == "bad date '2026-02-30'");
  CHECK(diags.all()[0].loc.line == 2);
  CHECK(diags.all()[0].loc.col == 5);
  CHECK(diags.all()[1].message == "good count 2 is greater than total 1");
  CHECK(diags.all()[2].message == "good count 'x' is not a number");
  CHECK(repo.csv_files == std::vector<std::string>{"metrics/ok.csv"});
  CHECK(repo.csv_slos == std::vector<std::string>{"api"});
  REQUIRE(repo.csv_rows.size() == 1);
  CHECK(repo.csv_rows[0].day == *parse_date("2026-10-01"));
}

TEST_CASE("decode: a CSV count above 2^53 is refused by its digits, not by its double") {
  Repo repo;
  DiagBag diags;
  // 2^53 + 1 parses to the double 2^53: only its digits tell it is over the limit.
  decode_csv(repo, "metrics/m.csv",
             {"slo,date,good,total", "api,2026-10-01,9007199254740992,9007199254740992",
              "api,2026-10-02,1,9007199254740993", "api,2026-10-03,1,9007199254740992.5",
              "api,2026-10-04,1,9.007199254740993e15", "api,2026-10-05,1,0.9007199254740992e16",
              "api,2026-10-06,1,+00090071992547409920e-1", "api,2026-10-07,1,9007199254740991.9",
              "api,2026-10-08,1,9007199254740994", "api,2026-10-09,1,1e400000000000000000000"},
             diags);
  std::vector<int> over;
  for (const auto& d : diags.all())
    if (d.message.find("is over 2^53 (9007199254740992)") != std::string::npos)
      over.push_back(d.loc.line);
  CHECK(over == std::vector<int>{3, 4, 5, 9});
  // 1e400000000000000000000 is not finite: refused as not a number, before the limit.
  REQUIRE(diags.all().size() == 5);
  CHECK(diags.all().back().message.find("is not a number") != std::string::npos);
  REQUIRE(repo.csv_rows.size() == 4);
  CHECK(repo.csv_rows[0].total == 9007199254740992.0);
}

TEST_CASE("decode: metrics.cache stays in the repository; refused at the value, never used") {
  SchemaSet schemas;
  auto check_cache = [&](const std::string& cache, DiagBag& diags) {
    Node root = parse_yaml_string("title: t\nmetrics:\n  cache: '" + cache + "'\n", diags);
    const bool ok = schemas.validate("nines", root, "nines.yaml", diags);
    Config cfg;
    decode_config(root, cfg); // the decoder alone, as if the schema had been bypassed
    Config valid;
    decode_config(schemas.valid_part("nines", root), valid);
    CHECK(valid.cache_path == cfg.cache_path);
    return std::make_pair(ok, cfg.cache_path);
  };
  for (const char* inside :
       {".nines/cache.db", "store/c.db", "..x/c.db", "c..db", "data/...db", "~/c.db"}) {
    CAPTURE(inside);
    DiagBag diags;
    CHECK(check_cache(inside, diags) == std::make_pair(true, std::string(inside)));
    CHECK(diags.all().empty());
  }
  for (const char* outside :
       {"../../etc/x.db", "..", "../x.db", "/abs/path.db", "//host/x.db", "store/../../x.db",
        "store/..", "a/../c.db", "\\\\server\\x.db", "C:\\x.db", "c:x.db", "store\\..\\..\\x.db"}) {
    CAPTURE(outside);
    DiagBag diags;
    // Refused: the default store, and one error at the value that says what is allowed.
    CHECK(check_cache(outside, diags) == std::make_pair(false, std::string(".nines/cache.db")));
    REQUIRE(diags.all().size() == 1);
    const Diagnostic& d = diags.all()[0];
    CHECK(d.rule == "schema");
    CHECK(d.loc.line == 3);
    CHECK(d.loc.col == 10);
    CHECK(d.message ==
          "field 'metrics.cache' has value '" + std::string(outside) + "' in the wrong format");
    CHECK(d.hint.find("inside it: no absolute path, no '..'") != std::string::npos);
  }
}

TEST_CASE("decode: limits are capped where memory stays bounded, at the value") {
  SchemaSet schemas;
  auto check_limit = [&](const std::string& key, const std::string& value, DiagBag& diags) {
    Node root = parse_yaml_string("limits:\n  " + key + ": " + value + "\n", diags);
    const bool ok = schemas.validate("nines", root, "nines.yaml", diags);
    Config cfg;
    decode_config(root, cfg);
    return std::make_tuple(ok, cfg.max_file_bytes, cfg.max_yaml_nodes);
  };
  DiagBag ok;
  CHECK(check_limit("max_yaml_nodes", "2000000", ok) ==
        std::make_tuple(true, std::size_t{8} << 20, std::size_t{2'000'000}));
  CHECK(check_limit("max_file_bytes", "16777216", ok) ==
        std::make_tuple(true, std::size_t{16} << 20, std::size_t{1'000'000}));
  CHECK(ok.all().empty());
  for (const char* nodes : {"2000001", "100000000"}) {
    DiagBag diags;
    // Over the cap: an error at the value, and the default kept.
    CHECK(check_limit("max_yaml_nodes", nodes, diags) ==
          std::make_tuple(false, std::size_t{8} << 20, std::size_t{1'000'000}));
    REQUIRE(diags.all().size() == 1);
    CHECK(diags.all()[0].loc.line == 2);
    CHECK(diags.all()[0].loc.col == 19);
    CHECK(diags.all()[0].message == "field 'limits.max_yaml_nodes' has value '" +
                                        std::string(nodes) +
                                        "': expected number less than or equal to 2000000");
  }
  DiagBag diags;
  CHECK(check_limit("max_file_bytes", "1073741824", diags) ==
        std::make_tuple(false, std::size_t{8} << 20, std::size_t{1'000'000}));
  REQUIRE(diags.all().size() == 1);
  CHECK(diags.all()[0].loc.col == 19);
  CHECK(diags.all()[0].message == "field 'limits.max_file_bytes' has value '1073741824': expected "
                                  "number less than or equal to 16777216");
}

TEST_CASE("decode: the alerts of a rules file nines wrote are its SLOs', not alerts of their own") {
  // A committed `nines rules` file points a default alert without a runbook at its SLO's page;
  // the SLO already answers for it (rules-runbook), and readiness counts it there.
  const std::string rules = "groups:\n"
                            "  - name: slo-checkout\n"
                            "    rules:\n"
                            "      - alert: fast_burn\n"
                            "        expr: slo:sli_error:ratio_rate1h > (14.4 * 0.001)\n"
                            "        labels: {service: checkout, severity: page}\n"
                            "        annotations: {runbook_url: slos/checkout/}\n";
  for (const bool generated : {true, false}) {
    DiagBag diags;
    RawDoc doc;
    doc.file = "prometheus/nines.rules.yml";
    doc.kind = "prometheus_rules";
    doc.generated = generated;
    doc.root = parse_yaml_string(rules, diags, doc.file);
    SchemaSet schemas;
    REQUIRE(schemas.validate(doc.kind, doc.root, doc.file, diags));
    Repo repo;
    decode_document(doc, "digest", repo, diags);
    CHECK_FALSE(diags.has_errors());
    // The same alert in a file people wrote is an alert of its own, with its runbook to find.
    CHECK(repo.prom_alerts.size() == (generated ? 0U : 1U));
  }
}

TEST_CASE("decode: a rule group's labels are every rule's, a rule's own label in their place") {
  // As Prometheus sends the alerts: the group labels the service, one rule pages another team.
  const std::string rules = "groups:\n"
                            "  - name: pay-api\n"
                            "    labels: {service: pay-api, severity: ticket, team: payments}\n"
                            "    rules:\n"
                            "      - alert: PayDown\n"
                            "        expr: up == 0\n"
                            "      - alert: LedgerLag\n"
                            "        expr: lag > 10\n"
                            "        labels: {service: ledger, severity: page}\n";
  DiagBag diags;
  const Repo repo = decode("prometheus_rules", "alerts/pay.rules.yml", rules, diags);
  CHECK_FALSE(diags.has_errors());
  REQUIRE(repo.prom_alerts.size() == 2);
  const PromAlert& down = repo.prom_alerts[0];
  CHECK(down.service == "pay-api");
  CHECK(down.severity == "ticket");
  using Labels = std::vector<std::pair<std::string, std::string>>;
  CHECK(down.labels ==
        Labels{{"service", "pay-api"}, {"severity", "ticket"}, {"team", "payments"}});
  const PromAlert& lag = repo.prom_alerts[1];
  CHECK(lag.service == "ledger");
  CHECK(lag.severity == "page");
  CHECK(lag.labels == Labels{{"service", "ledger"}, {"severity", "page"}, {"team", "payments"}});
}

TEST_CASE(
    "decode: a recording rule's annotations are refused as Prometheus does, not for vmalert") {
  for (const bool vmalert : {false, true}) {
    CAPTURE(vmalert);
    const std::string rules = std::string("groups:\n  - name: logs\n") +
                              (vmalert ? "    type: vlogs\n" : "") +
                              "    rules:\n"
                              "      - record: errors:count\n"
                              "        expr: up\n"
                              "        annotations: {summary: errors}\n";
    DiagBag diags;
    decode("prometheus_rules", "alerts/logs.rules.yml", rules, diags);
    CHECK(diags.has_errors() == !vmalert);
  }
}
