#include "model/alerts.hpp"

#include "model/budget.hpp"
#include "model/promql.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace nines {

bool slo_makes_rules(const Repo& repo, const Slo& slo) {
  const SliQuery* query = slo_query(repo, slo).query;
  return query && !query->good.empty() && !query->total.empty() && sli_query_renders(query->good) &&
         sli_query_renders(query->total);
}

bool pages_with_workbook_alerts(const Repo& repo, const Slo& slo) {
  if (slo.alerts_declared || !slo.alerts.empty()) return false;
  return slo_makes_rules(repo, slo);
}

namespace {

bool makes_rule(const AlertConditionSpec& c) {
  return c.kind == "burnrate" && c.threshold && c.lookback_minutes > 0 && !c.name.empty() &&
         (c.op == "gt" || c.op == "gte");
}

// Whether two conditions make the same alert rule: what the rule is made of, not how it is
// described (description, displayName) nor where it is written.
bool same_rule(const AlertConditionSpec& a, const AlertConditionSpec& b) {
  return a.kind == b.kind && a.op == b.op && a.threshold == b.threshold &&
         a.lookback_minutes == b.lookback_minutes &&
         a.alert_after_minutes == b.alert_after_minutes && a.severity == b.severity;
}

// rule_conditions, and the clashes among those it leaves out.
std::vector<RuleCondition> rule_conditions(const Slo& slo, std::vector<ConditionClash>* clashes) {
  std::vector<RuleCondition> out;
  std::map<std::string_view, std::size_t> by_name; // index in `out`
  for (const auto& p : slo.alert_policies)
    for (const auto& c : p.conditions) {
      if (!makes_rule(c)) continue;
      const auto [it, added] = by_name.emplace(c.name, out.size());
      if (added) {
        out.push_back({&p, &c});
        continue;
      }
      const RuleCondition& first = out[it->second];
      if (clashes && !same_rule(*first.condition, c)) clashes->push_back({first, {&p, &c}});
    }
  return out;
}

} // namespace

std::vector<RuleCondition> rule_conditions(const Slo& slo) {
  return rule_conditions(slo, nullptr);
}

std::vector<ConditionClash> condition_clashes(const Slo& slo) {
  std::vector<ConditionClash> out;
  rule_conditions(slo, &out);
  return out;
}

std::vector<BurnRateAlert> workbook_alerts(const Slo& slo) {
  std::vector<BurnRateAlert> out;
  for (const auto& w : k_workbook_alerts) {
    BurnRateAlert a;
    a.name = w.name;
    a.loc = slo.meta.loc;
    a.burn_rate = w.burn_rate;
    a.short_window = w.short_window;
    a.long_window = w.long_window;
    a.severity = w.severity;
    a.short_window_min = w.short_window_min;
    a.long_window_min = w.long_window_min;
    out.push_back(std::move(a));
  }
  return out;
}

bool window_holds_alert(double long_window_min, double window_days) {
  return !(long_window_min > 0 && window_days > 0 && long_window_min > window_days * 1440.0 + 1e-9);
}

std::vector<BurnRateAlert> reachable_workbook_alerts(const Slo& slo) {
  std::vector<BurnRateAlert> out = workbook_alerts(slo);
  std::erase_if(out, [&](const BurnRateAlert& a) {
    return !burn_rate_reachable(a.burn_rate, slo.target) ||
           !window_holds_alert(a.long_window_min, slo.window_days);
  });
  return out;
}

std::vector<BurnRateAlert> paging_alerts(const Repo& repo, const Slo& slo) {
  return pages_with_workbook_alerts(repo, slo) ? reachable_workbook_alerts(slo) : slo.alerts;
}

bool runbook_url_is_runbook(const Repo& repo, const PromAlert& alert) {
  // Prometheus expands Go templates in annotations when the alert fires: an action
  // (`{{ $labels.service }}`) stands for text nines cannot know, read here as one word. One that
  // starts the address (`{{ $externalURL }}/runbooks/db`) is an address Prometheus knows and
  // nines cannot judge, and is taken as given. An action never closed is no address at all.
  std::string expanded;
  bool templated_start = false;
  for (std::size_t i = 0; i < alert.runbook_url.size();) {
    if (alert.runbook_url.compare(i, 2, "{{") == 0) {
      const std::size_t close = alert.runbook_url.find("}}", i + 2);
      if (close == std::string::npos) return false;
      templated_start = templated_start || i == 0;
      expanded += 'x';
      i = close + 2;
    } else {
      expanded += alert.runbook_url[i++];
    }
  }
  std::string_view url = expanded;
  if (url.empty() || std::any_of(url.begin(), url.end(), [](char c) {
        return static_cast<unsigned char>(c) <= ' ' || c == 0x7f;
      }))
    return false;
  if (templated_start) return true;
  // A web address: its scheme, any case, and a host after it.
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (auto& c : out)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  for (std::string_view scheme : {"http://", "https://"})
    if (url.size() > scheme.size() && lower(url.substr(0, scheme.size())) == scheme)
      return std::string_view("/?#").find(url[scheme.size()]) == std::string_view::npos;
  // Otherwise a path in the repository: no scheme (`mailto:`, `javascript:`), the section and a
  // query aside, and a runbook document's file at the end of it.
  url = url.substr(0, url.find_first_of("?#"));
  const auto colon = url.find(':');
  if (url.empty() || (colon != std::string_view::npos && colon < url.find('/'))) return false;
  std::vector<std::filesystem::path> candidates;
  if (url.front() == '/') {
    candidates.emplace_back(std::string(url.substr(1)));
  } else {
    candidates.emplace_back(std::string(url));
    candidates.push_back(std::filesystem::path(alert.file).parent_path() / std::string(url));
  }
  for (auto& c : candidates) {
    const std::string path = c.lexically_normal().generic_string();
    if (path.empty() || path == "." || path.rfind("..", 0) == 0) continue;
    // The runbook's file, or its page on the site (`runbooks/ID/`, what `nines rules` writes
    // without a base_url).
    for (const auto& rb : repo.runbooks) {
      const std::string page = "runbooks/" + rb.meta.id;
      if (path == rb.meta.file || path == page || path == page + "/" ||
          path == page + "/index.html")
        return true;
    }
  }
  return false;
}

} // namespace nines
