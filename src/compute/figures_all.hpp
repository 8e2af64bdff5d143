// Every figure of a run, computed once by the compute stage and read by the API, the site and
// the terminal commands: none of them computes a figure again.
#pragma once

#include "compute/figures.hpp"
#include "compute/weekly.hpp"
#include "model/history.hpp"
#include "model/model.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nines {

struct Figures {
  std::int64_t now = 0;
  std::vector<SloFigures> slos;
  MaturityFigures maturity;
  std::vector<ReadinessFigures> readiness; // one per service, repo order
  std::vector<IncidentFigures> incidents;
  std::vector<ToilFigures> toil;
  std::vector<TeamToil> team_toil;
  std::vector<CapacityFigures> capacity;
  std::vector<RotationFigures> oncall;
  std::map<std::string, MonthlyReport> reports;  // by period, every month with data
  std::vector<BudgetClaimFigures> budget_claims; // postmortems' budget claims against the data
  // The error budget week of every SLO over the last 7 whole days (its page), repo order.
  std::vector<BudgetWeek> budget_weeks;
  std::map<std::string, WeeklyReview> reviews; // by week (YYYY-Www), every complete week with data
  std::map<std::string, Handoff> handoffs;     // by rotation, runbook updates of the last 7 days
};

// Runs every formula of SPEC section 3 over the repo and its daily data.
// `history` (may be null) feeds the handoffs' recent changes. The formulas of each SLO, week and
// month run on `jobs` threads (parallel_for: 0 is one per core); the figures are the same on any
// number.
Figures compute_all(const Repo& repo, const std::map<std::string, DailySeries>& series,
                    const std::map<std::string, LiveWindows>& live, std::int64_t now,
                    const History* history = nullptr, int jobs = 1);

} // namespace nines
