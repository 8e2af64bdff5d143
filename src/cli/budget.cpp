// `nines budget [SERVICE|SLO] [-C DIR] [--now T] [--json]`: error budget status in the terminal.
// No argument: every SLO. A service: its SLOs. An SLO: that SLO in detail. Every number is read
// from the computed figures (SPEC 3.1); `--json` prints the API's serialization of them.
#include "model/budget.hpp"

#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "render/api_json.hpp"

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace nines {
namespace {

// A target as written: 99.9 → "99.9%", 99.95 → "99.95%".
std::string fmt_target(double target) {
  return written_percent(target);
}

std::string fmt_days(double days) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10gd", days);
  return buf;
}

std::optional<double> burn(const SloFigures& f, const char* window) {
  auto it = f.burn_rates.find(window);
  return it == f.burn_rates.end() ? std::nullopt : it->second;
}

// "2.0 h" under two days, else "1.2 d"; "—" when the burn rate is zero.
std::string fmt_exhaust(const AlertFigures& a) {
  if (a.time_to_exhaust_hours && *a.time_to_exhaust_hours < 48)
    return fmt_num(a.time_to_exhaust_hours, 1) + " h";
  if (a.time_to_exhaust_days) return fmt_num(a.time_to_exhaust_days, 1) + " d";
  return "—";
}

// The projected exhaustion as the pages say it: a date, the text for one after 9999-12-31, or "—".
std::string exhaustion_text(const SloFigures& f) {
  if (f.exhaustion_beyond) return std::string(k_exhaustion_beyond_text);
  return f.projected_exhaustion.value_or("—");
}

std::string fmt_data(const DataFreshness& d) {
  if (!d.as_of) return d.status;
  return d.status + " " + *d.as_of;
}

void print_list(std::ostream& out, const std::vector<const SloFigures*>& slos) {
  Table t({"SLO", "SERVICE", "TARGET", "ATTAINMENT", "REMAINING", "STATE", "BURN 24h", "EXHAUSTS",
           "DATA"});
  for (const auto* f : slos)
    t.add({f->id, f->service, fmt_target(f->target), attainment_text(pct(f->attainment), f->target),
           remaining_text(pct(f->remaining), f->state.edges), paint(f->state.name()),
           fmt_num(burn(*f, "24h")), exhaustion_text(*f), fmt_data(f->data)});
  t.print(out);
}

void print_detail(std::ostream& out, const SloFigures& f) {
  auto kv = [&out](const std::string& label, const std::string& value) {
    std::string pad(label.size() < 22 ? 22 - label.size() : 1, ' ');
    out << label << pad << value << "\n";
  };
  out << f.id << (f.name.empty() ? "" : " — " + f.name) << "\n\n";
  kv("service", f.service);
  kv("SLI", f.sli.empty() ? "—" : f.sli);
  kv("target", fmt_target(f.target) + " over " + fmt_days(f.window_days) +
                   (f.sla ? " (SLA " + fmt_target(*f.sla) + ")" : ""));
  kv("window", f.window_start + " … " + f.window_end + " (" +
                   std::to_string(f.coverage.days_with_data) + "/" +
                   std::to_string(f.coverage.window_days) + " days with data)");
  kv("allowed bad minutes",
     budget_minutes_text(f.allowed_bad_minutes) + " (budget " + error_budget_text(f.target) + "%)");
  kv("attainment", attainment_text(pct(f.attainment), f.target));
  kv("budget consumed", consumed_text(pct(f.consumed)));
  kv("budget remaining", remaining_text(pct(f.remaining), f.state.edges));
  kv("bad minutes spent", bad_minutes_text(f.bad_minutes, f.allowed_bad_minutes));
  std::string policy = f.state.policy.empty() ? "seed default" : f.state.policy;
  std::string state = paint(f.state.name()) + " (policy " + policy + ", " + f.state.policy_source;
  if (!f.state.condition.empty())
    state += (f.state.seed_band ? "; " : ": ") + budget_condition_text(f.state);
  kv("state", state + ")");
  for (const auto& a : f.state.actions)
    out << "  - " << a << "\n";
  if (!f.state.exceptions.empty()) {
    out << "  exceptions:\n";
    for (const auto& e : f.state.exceptions)
      out << "  - " << e << "\n";
  }
  std::string rates;
  for (const char* w : {"1h", "6h", "24h", "3d"}) {
    if (!rates.empty()) rates += "   ";
    rates += std::string(w) + " " + fmt_num(burn(f, w));
  }
  kv("burn rates", rates);
  kv("projected exhaustion", exhaustion_text(f));
  std::string data = f.data.status;
  if (f.data.as_of) data += ", as of " + *f.data.as_of;
  if (f.data.age_days) data += " (" + plural(*f.data.age_days, "day") + " old)";
  if (f.coverage.first_data) data += "; first data " + *f.coverage.first_data;
  for (std::size_t i = 0; i < f.data.live_missing.size(); ++i)
    data += (i ? ", " : "; live ") + f.data.live_missing[i] +
            (i + 1 == f.data.live_missing.size() ? " not fetched" : "");
  kv("data", data);
  if (!f.alerts.empty()) {
    out << "\nalerts\n";
    // Windows long / short, as the site's SLO page shows them ("1h / 5m"); thresholds with two
    // decimals, as the burn rates above, so 0.14 and 0.13 do not both read 0.1.
    Table t({"ALERT", "SEVERITY", "BURN", "WINDOWS (LONG / SHORT)", "BUDGET WHEN FIRES",
             "EXHAUSTS IN", "FIRING"});
    for (const auto& a : f.alerts)
      t.add({a.name + (a.generated ? " (generated)" : ""), paint(a.severity),
             fmt_num(a.burn_rate, 2), alert_windows_text(a.long_window, a.short_window),
             fmt_pct(a.budget_consumed_when_fires * 100.0), fmt_exhaust(a),
             a.firing ? (*a.firing ? paint("yes", "critical") : std::string("no")) : "—"});
    t.print(out);
  }
}

} // namespace

void add_budget_command(CLI::App& app, CommandAction& action) {
  auto* cmd = app.add_subcommand("budget", "Error budget status of every SLO, a service or an SLO");
  struct Opts {
    CommonOpts common;
    std::string target; // a service id or an SLO id; empty for every SLO
  };
  auto opts = std::make_shared<Opts>();
  // An empty one (an unset CI variable) must not quietly widen the answer to every SLO.
  cmd->add_option("target", opts->target, "A service id or an SLO id (default: every SLO)")
      ->check(non_empty("a service id or an SLO id"));
  add_common_options(cmd, opts->common);
  set_example(cmd, "nines budget checkout-api        # every SLO of the service\n"
                   "  nines budget checkout-api-availability   # one SLO in detail");
  cmd->callback([opts, &action] {
    action = [opts] {
      Run run;
      if (auto code = run_figures(opts->common, run)) return *code;
      const auto& slos = run.figures.slos;

      // An id that names a service and an SLO (an SLO may share its service's id) is the
      // service: all of its SLOs, that one among them, with a note that says so.
      bool is_service = opts->target.empty();
      for (const auto& s : run.repo.services)
        if (s.meta.id == opts->target) is_service = true;
      const SloFigures* slo = nullptr;
      for (const auto& f : slos)
        if (!opts->target.empty() && f.id == opts->target) slo = &f;
      if (slo && !is_service) {
        if (opts->common.json)
          std::cout << api_file_text(slo_json(*slo, budget_week_of(run.figures, slo->id)), 2);
        else
          print_detail(std::cout, *slo);
        return 0;
      }
      if (!is_service) {
        std::vector<std::string> names;
        for (const auto& s : run.repo.services)
          names.push_back(s.meta.id);
        for (const auto& f : slos)
          names.push_back(f.id);
        return unknown_name("service or SLO", opts->target, names);
      }
      if (slo)
        std::cerr << "nines: note: '" << opts->target
                  << "' is a service and also an SLO id: showing every SLO of the service"
                  << (slo->service == opts->target
                          ? ", SLO '" + opts->target + "' among them"
                          : "; SLO '" + opts->target + "' is of service '" + slo->service + "'")
                  << "\n";

      std::vector<const SloFigures*> chosen;
      for (const auto& f : slos)
        if (opts->target.empty() || f.service == opts->target) chosen.push_back(&f);
      if (opts->common.json) {
        OrderedJson a = OrderedJson::array();
        for (const auto* f : chosen)
          a.push_back(slo_json(*f, budget_week_of(run.figures, f->id)));
        std::cout << api_file_text(a, 2);
        return 0;
      }
      if (chosen.empty()) {
        std::cout << (opts->target.empty() ? std::string("no SLOs defined")
                                           : "service '" + opts->target + "' has no SLOs")
                  << "\n";
        return 0;
      }
      print_list(std::cout, chosen);
      return 0;
    };
  });
}

} // namespace nines
