// policy-exception-unread and toil-automated-status: each at the line it is about.
#include "link/link.hpp"
#include "model/time.hpp"

#include <cstdint>
#include <doctest/doctest.h>
#include <string>
#include <vector>

namespace nines {
namespace {

const std::int64_t k_now = *parse_date("2026-11-23");

std::vector<Diagnostic> findings(const Repo& repo, const std::string& rule) {
  DiagBag bag;
  run_lints(repo, k_now, bag);
  std::vector<Diagnostic> out;
  for (auto& d : bag.sorted())
    if (d.rule == rule) out.push_back(std::move(d));
  return out;
}

Policy policy_with(const std::vector<std::string>& exceptions) {
  Policy p;
  p.meta.kind = "error_budget_policy";
  p.meta.id = "default-policy";
  p.meta.file = "policies/default-policy.yaml";
  p.meta.loc = {1, 1};
  int line = 20;
  for (const auto& e : exceptions) {
    p.exceptions.push_back(e);
    p.exception_locs.push_back({line++, 7});
  }
  return p;
}

ToilItem toil_with(const std::string& status, const std::string& automated_on) {
  ToilItem t;
  t.meta.kind = "toil_item";
  t.meta.id = "cert-rotation";
  t.meta.file = "toil/cert-rotation.yaml";
  t.meta.loc = {1, 1};
  t.status = status;
  t.automated_on = automated_on;
  t.automated_on_loc = {9, 17};
  t.time_per_occurrence_min = 60;
  t.occurrences_per_month = 10;
  t.automation_value = 9;
  return t;
}

} // namespace

TEST_CASE("policy-exception-unread: an exception using a type's word but naming none, at its "
          "line") {
  Repo repo;
  repo.policies.push_back(policy_with(
      {"Security patches always allowed", "Turning off a feature flag is always allowed",
       "fix: Fixes for the incident", "Security patches always allowed, no approval needed",
       "Data-loss prevention always allowed"}));
  const auto got = findings(repo, "policy-exception-unread");
  REQUIRE(got.size() == 1);
  CHECK(got[0].file == "policies/default-policy.yaml");
  CHECK(got[0].loc.line == 21);
  CHECK(got[0].loc.col == 7);
  CHECK(got[0].severity == Severity::Warning);
  CHECK(got[0].message == "exception 'Turning off a feature flag is always allowed' names no "
                          "change type nines can read; it lets nothing through");
  CHECK(got[0].hint.find("change_type:") != std::string::npos);
  // Prose that uses no change type's word is about a change the gate has no type for.
  repo.policies[0] =
      policy_with({"Rollbacks always allowed",
                   "Acquirer routing changes (configuration, not code) always allowed"});
  CHECK(findings(repo, "policy-exception-unread").empty());
  // The seed's three are read: nothing to say.
  repo.policies[0] = policy_with({"Security patches always allowed",
                                  "Regulatory compliance changes always allowed",
                                  "Data loss prevention always allowed"});
  CHECK(findings(repo, "policy-exception-unread").empty());
}

TEST_CASE("toil-automated-status: automated_on while the status says not automated") {
  Repo repo;
  repo.toil.push_back(toil_with("active", "2026-10-10"));
  auto got = findings(repo, "toil-automated-status");
  REQUIRE(got.size() == 1);
  CHECK(got[0].file == "toil/cert-rotation.yaml");
  CHECK(got[0].loc.line == 9);
  CHECK(got[0].loc.col == 17);
  CHECK(got[0].severity == Severity::Warning);
  CHECK(got[0].message == "automated_on 2026-10-10 is set while status is 'active': the monthly "
                          "report for 2026-10 counts the item both as toil spent and as "
                          "automated away");
  CHECK(got[0].hint.find("status: automated") != std::string::npos);
  // automating, and no status at all (active), are not automated either.
  repo.toil[0] = toil_with("automating", "2026-10-12");
  CHECK(findings(repo, "toil-automated-status").size() == 1);
  repo.toil[0] = toil_with("", "2026-10-12");
  got = findings(repo, "toil-automated-status");
  REQUIRE(got.size() == 1);
  CHECK(got[0].message.find("status is not given (active)") != std::string::npos);
  // Automated with its date, or not automated without one: consistent.
  repo.toil[0] = toil_with("automated", "2026-10-12");
  repo.toil.push_back(toil_with("active", ""));
  CHECK(findings(repo, "toil-automated-status").empty());
}

} // namespace nines
