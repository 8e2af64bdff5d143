#include "render/prom_rules.hpp"

#include "compute/figures.hpp"
#include "model/alerts.hpp"
#include "model/budget.hpp"
#include "model/numbers.hpp"
#include "model/promql.hpp"
#include "render/site_detail.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace nines {
namespace {

// The recorded error ratio of an SLO over one window.
std::string record_name(double minutes) {
  return "slo:sli_error:ratio_rate" + promql_duration(minutes);
}

// A YAML scalar that reads back as exactly `s`: plain when that is safe, single-quoted when only
// quotes need care, double-quoted (JSON escapes are valid YAML) when it spans lines or holds
// control characters.
std::string yaml_scalar(const std::string& s) {
  bool control = false;
  for (unsigned char c : s)
    control = control || c < 0x20 || c == 0x7f;
  if (control) {
    std::string out = "\"";
    for (unsigned char c : s) {
      char buf[8];
      switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
      }
    }
    return out + "\"";
  }
  // Plain (block context): no indicator first, no ": " or " #" inside, no ':' last.
  bool plain = !s.empty() &&
               std::string("-?:,[]{}#&*!|>'\"%@`").find(s.front()) == std::string::npos &&
               s.find(": ") == std::string::npos && s.find(" #") == std::string::npos &&
               s.back() != ':' && s.front() != ' ' && s.back() != ' ';
  // Words YAML would read as something other than a string.
  static const std::set<std::string> k_special = {"true", "false", "yes", "no", "on",
                                                  "off",  "null",  "~",   "y",  "n"};
  std::string lower = s;
  for (auto& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (plain && k_special.count(lower)) plain = false;
  if (plain && std::isdigit(static_cast<unsigned char>(s.front()))) plain = false;
  if (plain) return s;
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// A PromQL string literal.
std::string promql_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Prometheus expands alert labels and annotations as Go templates: text written by people (names,
// ids, URLs) is data, so each `{{` and `}}` in it becomes an action printing it literally. A name
// "p{{ 99 }}" would otherwise fail the whole file ("function not defined") and one holding
// `{{ $labels.x }}` would be expanded at alert time.
std::string template_text(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i + 1 < s.size() && (s[i] == '{' || s[i] == '}') && s[i + 1] == s[i]) {
      out += s[i] == '{' ? "{{ \"{{\" }}" : "{{ \"}}\" }}";
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// An alert label or annotation value: literal for the template, then quoted for YAML.
std::string alert_text(const std::string& s) {
  return yaml_scalar(template_text(s));
}

std::string url_join(const std::string& base, const std::string& page) {
  std::string p = page;
  const std::string index = "index.html";
  if (p.size() >= index.size() && p.compare(p.size() - index.size(), index.size(), index) == 0)
    p.erase(p.size() - index.size());
  if (base.empty()) return p;
  return base.back() == '/' ? base + p : base + "/" + p;
}

// The burnrate conditions of an SLO's OpenSLO alert policies that become alerts
// (rule_conditions). A condition that becomes none is never dropped silently: one with lt or lte
// would fire while the budget burns slowly, which no budget alert means; any other is one the
// check stage lets through (an inline condition whose name gives no id, a lookbackWindow too long
// to count in minutes), or one whose finding `check` already gave (a conditionRef it could not
// resolve), and says what it lacks. Each a warning, and no rule.
std::vector<RuleCondition> openslo_conditions(const Slo& slo, DiagBag& diags) {
  for (const auto& p : slo.alert_policies)
    for (const auto& c : p.conditions) {
      const std::string name = !c.name.empty()           ? c.name
                               : !c.display_name.empty() ? c.display_name
                                                         : c.ref;
      std::string lacks, hint;
      if (c.kind.empty() && !c.ref.empty()) {
        lacks = "its conditionRef '" + c.ref + "' names no AlertCondition that was read";
        hint = "`nines check` reports the reference";
      } else if (c.kind != "burnrate") {
        lacks = "its kind is '" + c.kind + "', not burnrate";
        hint = "OpenSLO v1 alert conditions are kind: burnrate";
      } else if (!c.threshold) {
        lacks = "it has no threshold";
        hint = "add the burn rate to alert above, e.g. threshold: 14.4";
      } else if (c.lookback_minutes <= 0) {
        // Quoted short: the one such window the schema admits is a number too long to count.
        const std::string written = c.lookback_window.size() > 24
                                        ? c.lookback_window.substr(0, 20) + "…" +
                                              c.lookback_window.substr(c.lookback_window.size() - 1)
                                        : c.lookback_window;
        lacks = "its lookbackWindow '" + written + "' is no length nines can count";
        hint = "write lookbackWindow as a duration such as 1h or 3d";
      } else if (c.name.empty()) {
        lacks = "its metadata.name gives no id to name the alert";
        hint = "give the condition a metadata.name with letters or digits";
      }
      if (!lacks.empty()) {
        diags.warning(p.file, c.loc, "rules-openslo-condition",
                      "AlertCondition '" + name + "' of SLO '" + slo.meta.id +
                          "' gets no rule: " + lacks,
                      hint);
        continue;
      }
      if (c.op != "gt" && c.op != "gte") {
        diags.warning(p.file, c.loc, "rules-openslo-condition",
                      "AlertCondition '" + c.name + "' of SLO '" + slo.meta.id + "' has op '" +
                          (c.op.empty() ? std::string("(none)") : c.op) +
                          "': nines generates burn-rate alerts that fire above a threshold, so "
                          "it gets no rule",
                      "use op: gt or gte (fire when the burn rate exceeds the threshold)");
      }
    }
  return rule_conditions(slo);
}

std::string fmt_hours(double days) {
  const double hours = days * 24.0;
  return hours < 48 ? fixed_text(hours, 1) + " hours" : fixed_text(days, 1) + " days";
}

} // namespace

std::string clean_number(double v) {
  return std::isfinite(v) ? trimmed_text(v, 12) : "0";
}

namespace {

// The product of two numbers written in decimal ("14.4", "0.0055"), exactly, in decimal
// ("0.0792"): an alert's threshold, burn rate times budget fraction. PromQL would multiply
// `14.4 * 0.0055` in floating point, 0.07919999999999999, and an error ratio of exactly 0.0792
// (792 failures in 10,000) would fire there while nines, comparing the burn with the rate, says
// it does not: one literal, read by Prometheus as the double nearest to it, agrees with nines.
// A number in exponent form is multiplied as PromQL would (`(a * b)`), as before.
std::string threshold_text(const std::string& a, const std::string& b) {
  if (a.find_first_of("eE") != std::string::npos || b.find_first_of("eE") != std::string::npos)
    return "(" + a + " * " + b + ")";
  // Each as its digits and the count of them after the point.
  auto split = [](const std::string& s, std::string& digits, std::size_t& scale) {
    const std::size_t point = s.find('.');
    digits = point == std::string::npos ? s : s.substr(0, point) + s.substr(point + 1);
    scale = point == std::string::npos ? 0 : s.size() - point - 1;
  };
  std::string da, db;
  std::size_t sa = 0, sb = 0;
  split(a, da, sa);
  split(b, db, sb);
  const bool negative = (!da.empty() && da[0] == '-') != (!db.empty() && db[0] == '-');
  if (!da.empty() && da[0] == '-') da.erase(0, 1);
  if (!db.empty() && db[0] == '-') db.erase(0, 1);
  if (da.empty() || db.empty() || da.find_first_not_of("0123456789") != std::string::npos ||
      db.find_first_not_of("0123456789") != std::string::npos)
    return "(" + a + " * " + b + ")";
  // Schoolbook multiplication of the digit strings.
  std::vector<int> prod(da.size() + db.size(), 0);
  for (std::size_t i = da.size(); i-- > 0;)
    for (std::size_t j = db.size(); j-- > 0;) {
      const int sum = prod[i + j + 1] + (da[i] - '0') * (db[j] - '0');
      prod[i + j + 1] = sum % 10;
      prod[i + j] += sum / 10;
    }
  std::string digits;
  for (const int d : prod)
    digits += static_cast<char>('0' + d);
  const std::size_t scale = sa + sb;
  if (digits.size() <= scale) digits.insert(0, scale - digits.size() + 1, '0');
  std::string whole = digits.substr(0, digits.size() - scale);
  std::string frac = digits.substr(digits.size() - scale);
  whole.erase(0, std::min(whole.find_first_not_of('0'), whole.size() - 1));
  while (!frac.empty() && frac.back() == '0')
    frac.pop_back();
  const std::string text = frac.empty() ? whole : whole + "." + frac;
  return (negative && text != "0" ? "-" : "") + text;
}

} // namespace

std::string alert_runbook_url(const Repo& repo, const Slo& slo, const std::string& alert_name,
                              bool& found) {
  // A runbook naming the service beats a service-less one; ties go to the smaller id, so the
  // choice does not depend on the walk order.
  const Runbook* best = nullptr;
  for (const auto& rb : repo.runbooks) {
    if (rb.alert_name != alert_name) continue;
    if (!rb.service.empty() && rb.service.id != slo.service.id) continue;
    if (!best) {
      best = &rb;
      continue;
    }
    bool rb_named = !rb.service.empty(), best_named = !best->service.empty();
    if (rb_named != best_named ? rb_named : rb.meta.id < best->meta.id) best = &rb;
  }
  found = best != nullptr;
  return url_join(repo.config.base_url,
                  best ? site::runbook_page(best->meta.id) : site::slo_page(slo.meta.id));
}

std::string prometheus_rules(const Repo& repo, DiagBag& diags) {
  std::vector<const Slo*> slos;
  for (const auto& s : repo.slos)
    slos.push_back(&s);
  std::sort(slos.begin(), slos.end(),
            [](const Slo* a, const Slo* b) { return a->meta.id < b->meta.id; });

  std::string out;
  // The first line tells the file from one people wrote (k_generated_rules_header): `-o` replaces
  // only such a file, and `check` judges its alerts' runbooks at their SLOs.
  out +=
      std::string(k_generated_rules_header) + " from the SLOs of this repository; do not edit.\n";
  out += "# Regenerate with `nines rules -o FILE`; `nines rules --check FILE` fails on drift.\n";
  out += "groups:";
  std::size_t groups = 0;
  for (const Slo* slo : slos) {
    // An OpenSLO threshold objective has a query of its own; every other SLO its SLI's.
    const auto [sli, query] = slo_query(repo, *slo);
    if (!sli || !query || query->good.empty() || query->total.empty()) continue;
    bool renders = true;
    for (const auto& [which, q] : {std::pair<const char*, const std::string*>{"good", &query->good},
                                   {"total", &query->total}}) {
      if (sli_query_renders(*q)) continue;
      renders = false;
      // Reported where the query is written: an OpenSLO threshold SLO's own query is nines'.
      // A warning, as `check` reports the same query (sli-query-range): the SLO's rules are left
      // out, and every other SLO's are written.
      const auto misplaced =
          q->find("{{window}}") != std::string::npos ? range_on_non_selector(*q) : std::nullopt;
      diags.warning(slo->query ? slo->meta.file : sli->meta.file, query->side_loc(which[0] == 'g'),
                    "rules-query",
                    std::string("SLO '") + slo->meta.id + "': SLI query '" + which +
                        "' cannot make a valid rule (" +
                        (misplaced ? "a range on '" + *misplaced + "', which is no vector selector"
                                   : std::string("no {{window}}, not a counter selector: "
                                                 "sum(increase(<query>[<window>])) is no PromQL")) +
                        "); this SLO's rules are left out of the file, the other SLOs' are "
                        "written",
                    "put {{window}} on a vector selector, or give the counter selector alone; "
                    "`nines check` reports it as sli-query-range");
    }
    if (!renders) continue;
    ++groups;

    std::vector<GeneratedAlert> alerts;
    if (pages_with_workbook_alerts(repo, *slo)) {
      // The Workbook's defaults, less those the target makes unreachable (the rule `check` and
      // `nines new slo` apply): at a 90% target a 14.4x alert would need an error ratio above
      // 1.44. Each one left out is a warning at the target, so no page is dropped silently.
      const Loc at = slo->target_loc.line > 0 ? slo->target_loc : slo->meta.loc;
      for (const auto& a : workbook_alerts(*slo)) {
        const bool reachable = burn_rate_reachable(a.burn_rate, slo->target);
        if (reachable && window_holds_alert(a.long_window_min, slo->window_days)) {
          alerts.push_back(
              {a.name, a.severity, a.burn_rate, a.short_window_min, a.long_window_min, a.loc});
          continue;
        }
        const std::string alert =
            "default alert '" + a.name + "' (" + clean_number(a.burn_rate) + "x over " +
            alert_windows_text(promql_duration(a.long_window_min),
                               promql_duration(a.short_window_min)) +
            ", " + a.severity + ") of SLO '" + slo->meta.id + "' is left out: ";
        if (!reachable)
          diags.warning(slo->meta.file, at, "rules-default-alert",
                        alert + "at a " + shortest_text(slo->target) +
                            "% target the highest possible burn rate is " +
                            trimmed_text(max_burn_rate(slo->target)) + "x, so it could never fire",
                        "give the SLO burn_rate_alerts of its own, with thresholds below " +
                            trimmed_text(max_burn_rate(slo->target)) +
                            "x, so that an outage pages");
        else
          // A long window past the SLO's: by the time it fires, more than the whole budget is
          // spent (the burn-alert-windows rule an SLO's own alert is held to).
          diags.warning(slo->meta.file, slo->window_loc.line > 0 ? slo->window_loc : at,
                        "rules-default-alert",
                        alert + "its " + promql_duration(a.long_window_min) +
                            " window is longer than the SLO's " + trimmed_text(slo->window_days) +
                            "-day window, so by the time it fires more than the whole budget "
                            "is spent",
                        "give the SLO burn_rate_alerts of its own, with long windows within its "
                        "window");
      }
    } else {
      for (const auto& a : slo->alerts)
        alerts.push_back(
            {a.name, a.severity, a.burn_rate, a.short_window_min, a.long_window_min, a.loc});
    }
    std::set<double> windows;
    // `burn_rate_alerts: []` pages with nothing, but its error ratios are still recorded, over
    // the Workbook's windows, for the dashboards that show the SLO's burn.
    if (slo->alerts_declared && slo->alerts.empty())
      for (const auto& a : workbook_alerts(*slo)) {
        windows.insert(a.short_window_min);
        if (window_holds_alert(a.long_window_min, slo->window_days))
          windows.insert(a.long_window_min);
      }
    for (const auto& a : alerts) {
      if (a.short_window_min > 0) windows.insert(a.short_window_min);
      if (a.long_window_min > 0) windows.insert(a.long_window_min);
    }
    const auto conditions = openslo_conditions(*slo, diags);
    for (const auto& c : conditions)
      windows.insert(c.condition->lookback_minutes);

    const std::string& service = slo->service.id;
    const std::string selector =
        "{slo=" + promql_string(slo->meta.id) + ", service=" + promql_string(service) + "}";
    const double b = budget_fraction(slo->target);
    const std::string budget = clean_number(b);

    out += "\n  - name: " + yaml_scalar("nines-slo-" + slo->meta.id) + "\n    rules:\n";
    for (double w : windows) {
      const std::string d = promql_duration(w);
      // Each query comes without its PromQL comments (render_sli_query): spliced on one line
      // into the expression below, a `# note` would swallow the parentheses after it.
      const std::string good = render_sli_query(query->good, d, service);
      // A constant total (a raw ratio's `vector(1)`: each window counts once) divides as a
      // number, so the error ratio over w is the raw ratio over w; as `vector(1)` it has no
      // labels and would match nothing of a good that keeps some (avg_over_time(up[5m])).
      const auto constant = sli_query_constant(render_service_template(query->total, service));
      const std::string total = constant ? *constant : render_sli_query(query->total, d, service);
      out += "      - record: " + record_name(w) + "\n";
      // Counted events: the bad ones over all, (total - good) / total. A good series that does
      // not exist (every request of a total outage failing, on processes that never counted a
      // success) is no good events, not no data: zero with the total's own labels, `total * 0`,
      // so a total that keeps some (`sum by (service)`) still matches it, where a bare
      // `vector(0)` matched nothing and the outage never paged; and only while good has no
      // series at all (`unless on() (good)`), so a good grouped by other labels than the total
      // stays unmatched (no data) rather than reading every event as bad. The difference keeps a
      // burn exactly at its threshold equal to it, where 1 - good/total was off by float noise and
      // fired. A constant total is a raw ratio, whose absence is no data.
      const std::string expr = constant
                                   ? "1 - ((" + good + ") / (" + total + "))"
                                   : "((" + total + ") - ((" + good + ") or ((" + total +
                                         ") * 0 unless on() (" + good + ")))) / (" + total + ")";
      out += "        expr: " + yaml_scalar(expr) + "\n";
      out += "        labels:\n";
      out += "          slo: " + yaml_scalar(slo->meta.id) + "\n";
      out += "          service: " + yaml_scalar(service) + "\n";
    }
    const std::string title = slo->name.empty() ? slo->meta.id : slo->name;
    for (const auto& a : alerts) {
      if (a.name.empty() || a.short_window_min <= 0 || a.long_window_min <= 0) continue;
      const std::string threshold = threshold_text(clean_number(a.burn_rate), budget);
      const std::string expr = record_name(a.long_window_min) + selector + " > " + threshold +
                               " and " + record_name(a.short_window_min) + selector + " > " +
                               threshold;
      bool found = false;
      const std::string url = alert_runbook_url(repo, *slo, a.name, found);
      if (!found)
        diags.warning(slo->meta.file, a.loc, "rules-runbook",
                      "alert '" + a.name + "' of SLO '" + slo->meta.id +
                          "' has no runbook; its runbook_url points at the SLO's page",
                      "add a runbook with alert_name: " + a.name + " and service: " + service);
      const std::string long_d = promql_duration(a.long_window_min);
      const std::string short_d = promql_duration(a.short_window_min);
      // The budget a firing alert has spent is the longer window's, whichever of the two the
      // SLO calls long (the rule is the same either way: both windows must burn).
      const double longer_min = std::max(a.long_window_min, a.short_window_min);
      const std::string longer_d = promql_duration(longer_min);
      const double consumed =
          100.0 * budget_consumed_when_fires(a.burn_rate, longer_min, slo->window_days);
      auto exhaust = time_to_exhaust_days(slo->window_days, a.burn_rate);
      std::string summary = title + ": error budget burning " + clean_number(a.burn_rate) +
                            "x too fast (" + long_d + " and " + short_d + ")";
      std::string description =
          "SLO " + slo->meta.id + " of " + service + " (target " + clean_number(slo->target) +
          "% over " + clean_number(slo->window_days) + "d): the error ratio over both " + long_d +
          " and " + short_d + " is above " + clean_number(a.burn_rate) + " x " + budget + ". " +
          "Firing for " + longer_d + " spends " + clean_number(std::round(consumed * 100) / 100) +
          "% of the budget" +
          (exhaust ? "; at this rate the whole budget is gone in " + fmt_hours(*exhaust) : "") +
          ".";
      out += "      - alert: " + yaml_scalar(a.name) + "\n";
      out += "        expr: " + yaml_scalar(expr) + "\n";
      out += "        labels:\n";
      out += "          slo: " + alert_text(slo->meta.id) + "\n";
      out += "          service: " + alert_text(service) + "\n";
      out += "          severity: " + alert_text(a.severity.empty() ? "page" : a.severity) + "\n";
      out += "        annotations:\n";
      out += "          summary: " + alert_text(summary) + "\n";
      out += "          description: " + alert_text(description) + "\n";
      out += "          runbook_url: " + alert_text(url) + "\n";
    }
    for (const auto& [policy, c] : conditions) {
      // An extra alert of the SLO's OpenSLO alert policy: the error ratio over lookbackWindow
      // against threshold × budget, held for alertAfter.
      const std::string lookback = promql_duration(c->lookback_minutes);
      const std::string threshold = threshold_text(clean_number(*c->threshold), budget);
      const std::string expr = record_name(c->lookback_minutes) + selector +
                               (c->op == "gte" ? " >= " : " > ") + threshold;
      bool found = false;
      const std::string url = alert_runbook_url(repo, *slo, c->name, found);
      if (!found)
        diags.warning(policy->file, c->loc, "rules-runbook",
                      "alert '" + c->name + "' (OpenSLO AlertCondition of SLO '" + slo->meta.id +
                          "') has no runbook; its runbook_url points at the SLO's page",
                      "add a runbook with alert_name: " + c->name + " and service: " + service);
      std::string targets;
      for (const auto& t : policy->targets)
        if (!t.name.empty())
          targets += (targets.empty() ? "" : ", ") + t.display_name +
                     (t.target.empty() ? "" : " (" + t.target + ")");
      const double consumed =
          100.0 * budget_consumed_when_fires(*c->threshold, c->lookback_minutes, slo->window_days);
      std::string summary = title + ": error budget burning " + clean_number(*c->threshold) +
                            "x too fast over " + lookback + " (OpenSLO alert policy " +
                            policy->display_name + ")";
      std::string description =
          "SLO " + slo->meta.id + " of " + service + " (target " + clean_number(slo->target) +
          "% over " + clean_number(slo->window_days) + "d): the error ratio over " + lookback +
          " is " + (c->op == "gte" ? "at or above " : "above ") + clean_number(*c->threshold) +
          " x " + budget + ". Firing for " + lookback + " spends " +
          clean_number(std::round(consumed * 100) / 100) + "% of the budget.";
      out += "      - alert: " + yaml_scalar(c->name) + "\n";
      out += "        expr: " + yaml_scalar(expr) + "\n";
      if (c->alert_after_minutes > 0)
        out += "        for: " + promql_duration(c->alert_after_minutes) + "\n";
      out += "        labels:\n";
      out += "          slo: " + alert_text(slo->meta.id) + "\n";
      out += "          service: " + alert_text(service) + "\n";
      out += "          severity: " + alert_text(c->severity.empty() ? "page" : c->severity) + "\n";
      out += "          openslo_alert_policy: " + alert_text(policy->name) + "\n";
      out += "        annotations:\n";
      out += "          summary: " + alert_text(summary) + "\n";
      out += "          description: " + alert_text(description) + "\n";
      out += "          runbook_url: " + alert_text(url) + "\n";
      if (!targets.empty()) out += "          notification_targets: " + alert_text(targets) + "\n";
    }
  }
  if (groups == 0) out += " []\n";
  return out;
}

} // namespace nines
