// The decisions of `nines gate`, apart from their printing, so they can be tested directly.
#pragma once

#include "compute/figures.hpp"

#include <string>
#include <vector>

namespace nines {

// The change type a policy exception names: "security", "compliance", "data-loss-prevention",
// or any change type for the structured form (decoded as "change_type: note"); "" for none.
// The prose form matches case-insensitively on the words "security patch", "regulatory
// compliance" and "data loss prevention".
std::string exception_change_type(const std::string& exception);

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

} // namespace nines
