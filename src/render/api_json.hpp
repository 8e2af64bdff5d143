// The JSON API (SPEC 5): every figure as JSON, for `OUT/api/` and for the commands' `--json`.
// One serializer per figure, so the site, the API and the terminal never disagree.
#pragma once

#include "compute/figures.hpp"
#include "compute/figures_all.hpp"
#include "diag/diagnostic.hpp"
#include "model/model.hpp"

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nines {

using OrderedJson = nlohmann::ordered_json;

OrderedJson slo_json(const SloFigures& f);
OrderedJson service_json(const Repo& repo, const Figures& figs, const Service& s);
OrderedJson maturity_json(const MaturityFigures& m);
OrderedJson service_maturity_json(const ServiceMaturity& m);
OrderedJson readiness_json(const ReadinessFigures& r);
OrderedJson incident_json(const IncidentFigures& i);
OrderedJson toil_json(const std::vector<ToilFigures>& items, const std::vector<TeamToil>& teams);
OrderedJson capacity_json(const CapacityFigures& c);
OrderedJson oncall_json(const RotationFigures& r);
// `{"monthly_report": {...}}` with the seed's field names, plus `delta` and computed concerns.
OrderedJson report_json(const MonthlyReport& r);

// The weekly rhythm (api_weekly.cpp, docs/weekly.md): `{"weekly_review": {...}}` and
// `{"handoff": {...}}`, the error budget week of an SLO, and "↑", "↓", "→" for a budget trend.
OrderedJson budget_week_json(const BudgetWeek& w);
OrderedJson review_json(const WeeklyReview& r);
OrderedJson handoff_json(const Handoff& h);
const char* trend_arrow(const std::string& trend);
// Takes one file of the API: its path under OUT and its bytes.
using ApiFileSink = std::function<void(const std::string& path, std::string bytes)>;

// Hands on api/reviews/WEEK.json, api/reviews/index.json and api/handoffs/ROTATION.json.
void weekly_api_files(const Figures& figs, const ApiFileSink& emit);

// Every file of `OUT/api/`, each handed to `emit` as soon as it is made (so only one file's JSON
// is in memory at a time), from the calling thread. Byte-identical for the same input and now.
void api_files(const Repo& repo, const Figures& figs, const std::vector<Diagnostic>& diagnostics,
               const ApiFileSink& emit);

} // namespace nines
