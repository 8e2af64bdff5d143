#include "cli/gate.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace nines;

TEST_CASE("gate: the change types a policy exception names") {
  using V = std::vector<std::string>;
  const std::vector<std::pair<const char*, V>> cases = {
      // The seed's three, and the same types in other words.
      {"Security patches always allowed", {"security"}},
      {"Regulatory compliance changes always allowed", {"compliance"}},
      {"Data loss prevention always allowed", {"data-loss-prevention"}},
      {"security", {"security"}},
      {"SECURITY FIXES always allowed", {"security"}},
      {"Compliance changes always allowed", {"compliance"}},
      {"data-loss-prevention changes always allowed", {"data-loss-prevention"}},
      {"Fixes for the incident that spent the budget", {"fix"}},
      {"fix", {"fix"}},
      {"Hotfixes and features behind a flag", {"feature", "fix"}},
      {"Security and compliance changes", {"security", "compliance"}},
      // The structured form, decoded as "change_type: note", names its type alone.
      {"fix: Fixes for security", {"fix"}},
      {"feature:", {"feature"}},
      // Denials and other prose name nothing.
      {"Features are never excepted", {}},
      {"No security exceptions", {}},
      {"Marketing launches are excepted", {}},
      {"Prefix and suffix rules", {}},
      {"", {}},
  };
  for (const auto& [text, want] : cases) {
    CAPTURE(text);
    CHECK(exception_change_types(text) == want);
    for (const char* t : {"feature", "fix", "security", "compliance", "data-loss-prevention"})
      CHECK(exception_names(text, t) == (std::find(want.begin(), want.end(), t) != want.end()));
  }
}

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
