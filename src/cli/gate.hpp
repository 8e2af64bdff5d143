// The decisions of `nines gate`, apart from their printing, so they can be tested directly.
#pragma once

#include "compute/figures.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace nines {

// The change types a policy exception names, in the order of change_types(): for the structured
// form (decoded as "change_type: note") its one type; for prose, each change type whose words it
// uses, case-insensitively: "feature(s)", "security", "compliance", "data-loss-prevention" or
// "data loss prevention", "fix(es)"/"bugfix"/"hotfix" (not after "security", "compliance" or
// "prevention": a security fix is a security change). Prose that denies ("no", "not", "never",
// "none", "nothing", "cannot") names nothing.
std::vector<std::string> exception_change_types(const std::string& exception);
bool exception_names(const std::string& exception, const std::string& change_type);

struct DeployDecision {
  std::string change_type;
  bool computable = false; // some SLO of the service has data
  bool allowed = true;
  const SloFigures* deciding = nullptr; // the SLO whose state decided
  std::string exception;                // the exception that let the change through
  std::vector<const SloFigures*> unmeasured;
};

// Each measured SLO under its own policy: exhausted blocks every change, critical blocks
// features, warning and healthy pass; an exception naming the change type lets it through. The
// change is blocked when any SLO blocks it.
DeployDecision decide_deploy(const std::vector<const SloFigures*>& slos,
                             const std::string& change_type);

// The text verdict of `nines gate deploy` (docs/governance.md), `d` computable.
void print_deploy(std::ostream& out, const std::string& service, const DeployDecision& d,
                  const std::vector<const SloFigures*>& slos);

} // namespace nines
