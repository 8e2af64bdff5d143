// The decisions of `nines gate`, apart from their printing, so they can be tested directly.
#pragma once

#include "compute/figures.hpp"
#include "model/exceptions.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace nines {

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
