// `nines rules`: Prometheus recording rules and multi-window, multi-burn-rate alert rules from the
// SLOs (SPEC 2, 3.1, 3.6), so that alerts, runbooks and the site cannot drift apart.
#pragma once

#include "diag/diagnostic.hpp"
#include "model/model.hpp"

#include <string>
#include <vector>

namespace nines {

// One burn-rate alert as generated: the SLO's own, or the Workbook defaults.
struct GeneratedAlert {
  std::string name, severity;
  double burn_rate = 0;
  double short_window_min = 0, long_window_min = 0;
  Loc loc; // the alert in the SLO document (the SLO's kind key for the defaults)
};

// A number as people write it: 14.4, 0.001, 0.00005, 6; never 0.014400000000000001. Twelve
// decimals at most, trailing zeros dropped.
std::string clean_number(double v);

// The runbook URL of an SLO alert: the site's page of the runbook whose alert_name equals the
// alert's name (and whose service, when it names one, is the SLO's service), else the SLO's page.
// Pages hang off `base_url` (relative when it is empty). `found` says which it was.
std::string alert_runbook_url(const Repo& repo, const Slo& slo, const std::string& alert_name,
                              bool& found);

// The rules file: one group per SLO whose SLI has a query, in SLO id order; the recording rules of
// every window an alert needs, then the alerts. Deterministic for the same repository. Each alert
// without a runbook is a warning in `diags` at the alert's line. An SLI query that cannot make a
// valid rule (sli_query_renders) is a warning `rules-query` at the query, naming its SLO, whose
// group is left out: Prometheus loads a rule file all or nothing, so one such SLO must not take
// every other SLO's rules down with it, and `check` reports the same query as a warning.
std::string prometheus_rules(const Repo& repo, DiagBag& diags);

} // namespace nines
