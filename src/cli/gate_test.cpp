#include "cli/gate.hpp"

#include <doctest/doctest.h>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace nines;

namespace {

SloFigures slo_in(BudgetState level, double remaining, std::string condition) {
  SloFigures f;
  f.id = "a-avail";
  f.service = "a";
  f.remaining = remaining;
  f.state.level = level;
  f.state.policy = "p";
  f.state.policy_source = "service";
  f.state.condition = std::move(condition);
  f.state.actions = {"Feature freeze"};
  f.data.status = "fresh";
  f.data.as_of = "2026-10-31";
  return f;
}

std::string deploy_text(const SloFigures& f, const std::string& change_type) {
  const std::vector<const SloFigures*> slos = {&f};
  const DeployDecision d = decide_deploy(slos, change_type);
  std::ostringstream out;
  print_deploy(out, "a", d, slos);
  return out.str();
}

} // namespace

TEST_CASE("gate: under a critical budget only a fix has conditions to meet") {
  const SloFigures f = slo_in(BudgetState::Critical, 0.2, "remaining_budget 0-25%");
  const std::string fix = deploy_text(f, "fix");
  CHECK(fix.find("conditions the change must meet:\n  - Feature freeze\n") != std::string::npos);
  for (const char* type : {"feature", "security", "compliance", "data-loss-prevention"}) {
    CAPTURE(type);
    const std::string text = deploy_text(f, type);
    CHECK(text.find("conditions the change must meet") == std::string::npos);
    CHECK(text.find("actions:\n  - Feature freeze\n") != std::string::npos);
  }
}

TEST_CASE("gate: in a policy gap the seed's band is named as the seed's") {
  SloFigures f = slo_in(BudgetState::Healthy, 0.643, "remaining_budget > 50%");
  f.state.actions.clear();
  f.state.seed_band = true;
  const std::string text = deploy_text(f, "feature");
  CAPTURE(text);
  // The policy has no "> 50%": it must not read as the policy's condition.
  CHECK(text.find("condition remaining_budget > 50%") == std::string::npos);
  CHECK(text.find("policy     p (service): none of its states covers this budget (policy-gap); "
                  "the seed default's band remaining_budget > 50% applies\n") != std::string::npos);
  // A band of the policy's own is named as the policy's.
  f.state.seed_band = false;
  CHECK(deploy_text(f, "feature")
            .find("policy     p (service), condition remaining_budget > "
                  "50%\n") != std::string::npos);
}

TEST_CASE("gate: an exhausted budget lets through only what an exception allows") {
  SloFigures f = slo_in(BudgetState::Exhausted, -0.5, "remaining_budget <= 0");
  // The audit's sentences: a type word that is not what the sentence allows lets nothing
  // through, so a feature or a fix stays blocked.
  f.state.exceptions = {"Turning off a feature flag is always allowed",
                        "Rollbacks of a feature always allowed",
                        "Reverting a broken feature always allowed",
                        "Changes that fix a security hole", "Non-compliance fixes allowed"};
  const std::vector<const SloFigures*> slos = {&f};
  for (const char* type : {"feature", "fix", "security", "compliance", "data-loss-prevention"}) {
    CAPTURE(type);
    const DeployDecision d = decide_deploy(slos, type);
    CHECK(d.computable);
    CHECK_FALSE(d.allowed);
    CHECK(d.exception.empty());
  }
  // The seed's, with a denial after the permission and another spelling of data loss
  // prevention: each lets its own type through, and only it.
  f.state.exceptions = {"Security patches always allowed, no approval needed",
                        "Regulatory compliance changes always allowed",
                        "Data-loss prevention always allowed"};
  const std::vector<std::pair<const char*, const char*>> allowed = {
      {"security", "Security patches always allowed, no approval needed"},
      {"compliance", "Regulatory compliance changes always allowed"},
      {"data-loss-prevention", "Data-loss prevention always allowed"}};
  for (const auto& [type, by] : allowed) {
    CAPTURE(type);
    const DeployDecision d = decide_deploy(slos, type);
    CHECK(d.allowed);
    CHECK(d.exception == by);
  }
  for (const char* type : {"feature", "fix"}) {
    CAPTURE(type);
    CHECK_FALSE(decide_deploy(slos, type).allowed);
  }
  // The text output marks only what an exception names.
  const std::string text = deploy_text(f, "security");
  CHECK(text.find("  - Security patches always allowed, no approval needed  [security]  "
                  "(applies)\n") != std::string::npos);
  CHECK(text.find("  - Data-loss prevention always allowed  [data-loss-prevention]\n") !=
        std::string::npos);
}
