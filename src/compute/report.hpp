// Monthly report figures (SPEC 3.5).
#pragma once

#include "compute/ops.hpp"
#include "compute/slo.hpp"
#include "model/model.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
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
};

struct ReportSloSummary {
  int services_meeting_slo = 0, services_breaching_slo = 0;
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
  int services_in_healthy = 0, services_in_warning = 0, services_in_critical = 0,
      services_exhausted = 0;
  std::map<std::string, std::string> service_state; // service → worst state
  std::vector<std::string> exhausted_slos;
};

struct ReportToil {
  double hours_spent = 0, hours_automated_away = 0;
  std::optional<double> pct_of_sre_time;
};

struct ReportOnCall {
  double total_pages = 0, off_hours_pages = 0;
  std::optional<double> false_positive_pct, avg_ack_time_min; // page-weighted means
  int rotations_reporting = 0;
  std::vector<std::string> critical; // "rotation: metric" pairs classified critical
};

struct ReportActionItems {
  int open = 0, completed_this_month = 0, overdue = 0;
};

struct MonthlyReport {
  std::string period;          // YYYY-MM
  std::string previous_period; // YYYY-MM
  ReportSloSummary slo_summary;
  ReportIncidents incidents;
  ReportErrorBudget error_budget;
  ReportToil toil;
  ReportOnCall on_call;
  ReportActionItems action_items;
  std::vector<std::string> highlights, concerns, next_month_priorities; // people's
  std::vector<std::string> computed_concerns;
  std::string report_doc; // id of the monthly_report document, if any
  // Every numeric figure (report_numbers keys) minus the previous month's; null when either is.
  std::map<std::string, std::optional<double>> delta;
  bool frozen = false; // figures come from `report --freeze`, not from a recomputation
};

// The report's numeric figures flattened to dotted keys ("incidents.by_severity.SEV1", …).
std::map<std::string, std::optional<double>> report_numbers(const MonthlyReport& r);

// The report for `period` (YYYY-MM); nullopt for a malformed period. Figures of months not yet
// over stop at now.
std::optional<MonthlyReport> compute_report(const Repo& repo,
                                            const std::map<std::string, DailySeries>& series,
                                            const std::string& period, std::int64_t now);

// Every month (YYYY-MM, ascending) with CSV data or a dated postmortem.
std::vector<std::string> months_with_data(const Repo& repo);

} // namespace nines
