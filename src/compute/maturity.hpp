// Maturity figures (SPEC 3.2). The rules are written out at the top of maturity.cpp.
#pragma once

#include "compute/slo.hpp"
#include "model/history.hpp"
#include "model/model.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nines {

// ---------------------------------------------------------------------------------------------
// Maturity (SPEC 3.2). The rules are written out at the top of maturity.cpp.

// The eight dimensions, in the seed's order.
std::vector<std::string> maturity_dimensions();
// 8–16 Firefighting, 17–24 Foundation, 25–32 Maturing, 33–40 Advanced; a fractional (org mean)
// total takes the band of the integer range it falls in (< 17 Firefighting, < 25 Foundation, …).
std::string maturity_band(double total);
// A (team or organisation) total with `decimals` decimals, kept apart from the band lines 17, 25
// and 33 (number_against): a total never reads on the other side of a line than its band, so
// 16.96 (Firefighting) is "16.9", never "17.0"; exactly 17 reads "17.0".
std::string maturity_total_text(double total, int decimals = 1);

struct DimensionScore {
  std::string dimension;
  int computed = 1;              // 1–5 from the repo
  std::optional<int> manual;     // from an assessment
  std::string manual_assessment; // its id
  std::string manual_date;
  std::string manual_notes;          // its notes, as written
  int effective = 1;                 // manual when present, else computed
  std::string source = "computed";   // computed | assessment
  std::vector<std::string> evidence; // the documents and facts that set `computed`
  // What would raise `effective` by one; empty at 5. For a computed score, the first unmet
  // criterion; for a manual one, that a newer assessment sets it, with what the evidence lacks.
  std::string to_raise;
};

struct RubricLine {
  std::string name;  // "SLO Coverage", …
  double weight = 0; // 20, 15, …
  double score = 0;  // 0–5
  double points = 0; // weight·score/5
};

struct Rubric {
  std::vector<RubricLine> lines;
  double total = 0; // 0–100
};

struct ServiceMaturity {
  std::string service, team, tier;
  std::vector<DimensionScore> dimensions; // maturity_dimensions() order
  int computed_total = 8;
  int total = 8; // effective
  std::string band;
  int documentation = 0;                           // 0–5, the rubric's Documentation line
  std::vector<std::string> documentation_evidence; // the points it has
  std::string documentation_to_raise;              // the first point it lacks; empty at 5
  Rubric rubric;
};

struct MeanDimension {
  std::string dimension;
  double computed = 1, effective = 1;
};

struct GroupMaturity {
  std::string id; // team id; "org" for the organisation
  std::vector<std::string> services;
  std::vector<MeanDimension> dimensions;
  double computed_total = 8, total = 8;
  std::string band;
  Rubric rubric;
  // A group of no services (an organisation with none yet) has no scores: a mean of nothing is
  // no data, not the lowest band. Its totals, band and rubric are then not to be shown.
  bool scored = false;
};

struct TierCoverage {
  int services = 0, with_slo = 0;
};

struct MaturityFigures {
  std::vector<ServiceMaturity> services; // repo order
  std::vector<GroupMaturity> teams;      // by team id
  GroupMaturity org;                     // mean of services
  std::map<std::string, TierCoverage> slo_coverage_by_tier;
};

// Rubric from 1–5 dimension scores (maturity_dimensions() order) and a 0–5 documentation score.
Rubric quality_rubric(const std::vector<double>& dimension_scores, double documentation);

// `history` (may be null): git's last commits, which date runbooks for the Documentation line's
// "current" point as they do for the runbook-stale lint.
MaturityFigures compute_maturity(const Repo& repo, const std::map<std::string, DailySeries>& series,
                                 std::int64_t now, const History* history = nullptr);

} // namespace nines
