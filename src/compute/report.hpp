// Monthly report figures (SPEC 3.5).
#pragma once

#include "compute/ops.hpp"
#include "compute/slo.hpp"
#include "model/model.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nines {

// ---------------------------------------------------------------------------------------------
// Monthly report (SPEC 3.5)

struct SloMonth {
  std::string slo, service;
  double target = 0;
  std::optional<double> attainment, consumed; // over the calendar month
  int days_with_data = 0;
  std::optional<bool> meets; // null without data
  // A frozen report holds percentages, not fractions: kept as written so the API repeats them
  // exactly (99.8548, not the 99.85480000000001 of a fraction times 100).
  std::optional<double> frozen_attainment_pct, frozen_consumed_pct;
};

// The month's attainment and budget consumed as percentages: as frozen, else ×100.
std::optional<double> attainment_pct(const SloMonth& m);
std::optional<double> consumed_pct(const SloMonth& m);

struct ReportSloSummary {
  // Null when no SLO has data in the month: "no data", not "no service met its SLOs".
  std::optional<int> services_meeting_slo, services_breaching_slo;
  std::optional<std::string> worst_performing; // service of the SLO with the largest consumed
  std::optional<std::string> worst_slo;
  std::vector<std::string> meeting, breaching;
  std::vector<SloMonth> slos;
};

struct ReportIncidents {
  int total = 0;
  std::map<std::string, int> by_severity; // SEV1..SEV4, always present
  std::optional<double> mttr_minutes, mttd_minutes;
  int repeat_incidents = 0;
  std::vector<std::string> postmortems;
};

struct ReportErrorBudget {
  // Null when no service has data in its window at the end of the month.
  std::optional<int> services_in_healthy, services_in_warning, services_in_critical,
      services_exhausted;
  std::map<std::string, std::string> service_state; // service → worst state
  std::vector<std::string> exhausted_slos;
};

struct ReportToil {
  double hours_spent = 0, hours_automated_away = 0;
  std::optional<double> pct_of_sre_time;
};

struct ReportOnCall {
  // Null when no rotation has a health entry for the month.
  std::optional<double> total_pages, off_hours_pages;
  std::optional<double> false_positive_pct, avg_ack_time_min; // page-weighted means
  int rotations_reporting = 0;
  std::vector<std::string> critical; // "rotation: metric" pairs classified critical
};

struct ReportActionItems {
  int open = 0, completed_this_month = 0, overdue = 0;
};

// How much of the month the metrics cover: days (closed, up to now) on which at least one SLO has
// data, of the days in the month. A month covered in part says so ("6 of 31 days").
struct ReportCoverage {
  int days_with_data = 0, days_in_month = 0;
};

struct MonthlyReport {
  std::string period;          // YYYY-MM
  std::string previous_period; // YYYY-MM
  ReportCoverage coverage;
  ReportSloSummary slo_summary;
  ReportIncidents incidents;
  ReportErrorBudget error_budget;
  ReportToil toil;
  ReportOnCall on_call;
  ReportActionItems action_items;
  std::vector<std::string> highlights, concerns, next_month_priorities; // people's
  std::vector<std::string> computed_concerns;
  std::string report_doc; // id of the monthly_report document, if any
  // Every numeric figure (report_numbers keys) minus the previous month's; null when either is,
  // and every one null when the previous month has no report (no data at all).
  std::map<std::string, std::optional<double>> delta;
  bool previous_has_report = false; // the changes above are shown only when it has one
  bool frozen = false;              // figures come from `report --freeze`, not from a recomputation
};

// The report's numeric figures flattened to dotted keys ("incidents.by_severity.SEV1", …).
std::map<std::string, std::optional<double>> report_numbers(const MonthlyReport& r);

// The change of report figure `key` (a report_numbers key) against the previous month as people
// read it, the same in Markdown, the terminal and on the site: counts whole ("+2"), minutes and
// hours with one decimal ("−90.2 min", "+4.5 h"), the toil share with two ("−1.25 pts"), the false
// positive rate with one ("+3.0 pts"); "±0" when it rounds to nothing. nullopt when there is no
// change to show (either month lacks the figure).
std::optional<std::string> report_change_text(const MonthlyReport& r, const std::string& key);
// Whether report figure `key` (a report_numbers key) is a count, whose change is a whole number
// (written as an integer in the JSON, 2 and never 2.0).
bool report_figure_is_count(std::string_view key);

// The report for `period` (YYYY-MM); nullopt for a malformed period. Figures of months not yet
// over stop at now. `months`: months_with_data(repo, series) when the caller has it (reports made
// together share one list: made again for each, a long history made them quadratic in its days).
std::optional<MonthlyReport> compute_report(const Repo& repo,
                                            const std::map<std::string, DailySeries>& series,
                                            const std::string& period, std::int64_t now,
                                            const std::vector<std::string>* months = nullptr);

// Overwrites a report's figures with every figure frozen in its monthly_report document
// (`nines report --freeze`), so a closed month reads the same once its metrics are gone.
void apply_frozen(MonthlyReport& report, const std::string& frozen_json);

// Every month (YYYY-MM, ascending) with data: a usable day of an SLO's daily counts in `series`
// (the store: pulled, imported or from the repository's CSV files), a row of the repository's CSV
// files, a dated postmortem, a monthly_report document for it or a rotation's health entry for it.
std::vector<std::string> months_with_data(const Repo& repo,
                                          const std::map<std::string, DailySeries>& series);

} // namespace nines
