// `nines capacity SERVICE [--growth PCT] [-C DIR] [--now T] [--json]`: a service's capacity
// models (SPEC 3.4): peak utilization against the scale-up threshold, monthly growth, runway and
// the 6- and 12-month projections, all read from the computed figures. `--growth PCT` is a what-if
// shown beside them.
#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "render/api_json.hpp"

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nines {
namespace {

// The what-if scenario of `--growth PCT`. This is the one figure the CLI computes itself: it is
// the command's own scenario, not a figure of the repo (nothing on the site or in the API shows
// it), and it uses the compute stage's pure formulas so it cannot drift from them.
struct WhatIf {
  double growth_pct = 0;
  std::optional<double> projected_6mo, projected_12mo, utilization_6mo, utilization_12mo;
  std::optional<int> runway_months;
  std::optional<double> runway_months_fractional;
};

WhatIf what_if(const CapacityFigures& c, double growth) {
  WhatIf w;
  w.growth_pct = growth;
  if (c.current) {
    w.projected_6mo = capacity_projection(*c.current, growth, 6);
    w.projected_12mo = capacity_projection(*c.current, growth, 12);
  }
  if (c.peak_utilization_pct) {
    w.utilization_6mo = capacity_projection(*c.peak_utilization_pct, growth, 6);
    w.utilization_12mo = capacity_projection(*c.peak_utilization_pct, growth, 12);
    w.runway_months = capacity_runway_months(*c.peak_utilization_pct, c.threshold_pct, growth);
    w.runway_months_fractional =
        capacity_runway_fractional(*c.peak_utilization_pct, c.threshold_pct, growth);
  }
  return w;
}

OrderedJson what_if_json(const WhatIf& w) {
  auto opt = [](const auto& v) { return v ? OrderedJson(*v) : OrderedJson(nullptr); };
  return {{"monthly_growth_pct", w.growth_pct},
          {"projected_6mo", opt(w.projected_6mo)},
          {"projected_12mo", opt(w.projected_12mo)},
          {"utilization_6mo", opt(w.utilization_6mo)},
          {"utilization_12mo", opt(w.utilization_12mo)},
          {"runway_months", opt(w.runway_months)},
          {"runway_months_fractional", opt(w.runway_months_fractional)},
          {"runway_beyond_horizon", runway_beyond_horizon(w.runway_months_fractional)}};
}

// A monthly growth with one decimal, or as many as a tiny one needs not to read as none: a
// positive growth is never "0.0%".
std::string growth_text(std::optional<double> pct) {
  return pct ? amount_text(*pct, 1) + "%" : std::string("—");
}

// The runway as the site shows it, coloured by how soon it runs out, with that said in words;
// `why` says what is missing when it is not known.
std::string fmt_runway(bool has_data, std::optional<int> months, std::optional<double> fractional,
                       const std::string& why = "") {
  if (!has_data) return paint("no data", "missing") + why;
  const RunwayStatus st = runway_status(has_data, months, fractional);
  // "no limit at this growth" says its state already; "— no limit" would say it twice.
  if (!months) return paint(runway_text(months, fractional), st.state);
  return paint(runway_text(months, fractional), st.state) + " — " + st.label;
}

void print_model(std::ostream& out, const CapacityFigures& c, const std::optional<WhatIf>& w) {
  auto kv = [&out](const std::string& label, const std::string& value) {
    std::string pad(label.size() < 20 ? 20 - label.size() : 1, ' ');
    out << "  " << label << pad << value << "\n";
  };
  out << c.id << (c.bottleneck_resource.empty() ? "" : " — bottleneck: " + c.bottleneck_resource)
      << "\n";
  kv("peak utilization", percent_against(c.peak_utilization_pct, c.threshold_pct));
  kv("scale-up threshold",
     fmt_pct(c.threshold_pct, 1) + (c.threshold_defaulted ? " (default)" : ""));
  if (c.over_threshold) kv("", paint("OVER THRESHOLD", "critical"));
  kv("monthly growth", growth_text(c.monthly_growth_pct) +
                           (c.growth_metric.empty() ? "" : " (" + c.growth_metric + ")"));
  kv("runway", fmt_runway(capacity_runway_known(c), c.runway_months, c.runway_months_fractional,
                          c.peak_utilization_pct ? " — no growth forecast" : ""));
  if (c.auto_scaling) kv("auto-scaling", *c.auto_scaling ? "yes" : "no");

  std::vector<std::string> header = {"  ", "NOW", "6 MONTHS", "12 MONTHS"};
  if (w)
    header = {"  ",
              "NOW",
              "6 MONTHS",
              "12 MONTHS",
              "6 MO @" + growth_text(w->growth_pct),
              "12 MO @" + growth_text(w->growth_pct)};
  Table t(header);
  std::vector<std::string> growth = {"  " + (c.growth_metric.empty() ? "growth" : c.growth_metric),
                                     fmt_num(c.current), fmt_num(c.projected_6mo),
                                     fmt_num(c.projected_12mo)};
  // Utilization against the threshold, as the capacity page reads it.
  auto util_text = [&c](std::optional<double> v) { return percent_against(v, c.threshold_pct); };
  std::vector<std::string> util = {"  peak utilization", util_text(c.peak_utilization_pct),
                                   util_text(c.utilization_6mo), util_text(c.utilization_12mo)};
  if (w) {
    growth.push_back(fmt_num(w->projected_6mo));
    growth.push_back(fmt_num(w->projected_12mo));
    util.push_back(util_text(w->utilization_6mo));
    util.push_back(util_text(w->utilization_12mo));
  }
  t.add(growth);
  t.add(util);
  if (c.stated_projected_6mo || c.stated_projected_12mo)
    t.add({"  stated in the model", "", fmt_num(c.stated_projected_6mo),
           fmt_num(c.stated_projected_12mo)});
  out << "\n";
  t.print(out);
  if (w)
    out << "\n  what-if at " << growth_text(w->growth_pct) << "/month: runway "
        << fmt_runway(c.peak_utilization_pct.has_value(), w->runway_months,
                      w->runway_months_fractional)
        << "\n";
}

} // namespace

void add_capacity_command(CLI::App& app, CommandAction& action) {
  auto* cmd = app.add_subcommand("capacity", "A service's capacity runway and projections");
  struct Opts {
    CommonOpts common;
    std::string service;
    std::optional<double> growth;
  };
  auto opts = std::make_shared<Opts>();
  cmd->add_option("service", opts->service, "A service id")->required();
  cmd->add_option("--growth", opts->growth,
                  "What-if: monthly growth in percent, instead of each model's own")
      // The schema's range of monthly_growth_pct: below -100% the load would turn negative and
      // the formulas mean nothing; far above it the figures overflow any column.
      ->check(non_empty("a monthly growth in percent"))
      ->check(finite_number_in(k_growth_min_pct, k_growth_max_pct, "a monthly growth in percent"));
  add_common_options(cmd, opts->common);
  set_example(cmd, "nines capacity checkout-api --growth 15   # what if it grew 15% a month");
  cmd->callback([opts, &action] {
    action = [opts] {
      Run run;
      if (auto code = run_figures(opts->common, run)) return *code;
      bool known = false;
      std::vector<std::string> names;
      for (const auto& s : run.repo.services) {
        names.push_back(s.meta.id);
        known = known || s.meta.id == opts->service;
      }
      if (!known) return unknown_name("service", opts->service, names);
      std::vector<const CapacityFigures*> models;
      for (const auto& c : run.figures.capacity)
        if (c.service == opts->service) models.push_back(&c);

      if (opts->common.json) {
        OrderedJson a = OrderedJson::array();
        for (const auto* c : models) {
          OrderedJson j = capacity_json(*c);
          if (opts->growth) j["what_if"] = what_if_json(what_if(*c, *opts->growth));
          a.push_back(std::move(j));
        }
        std::cout << api_file_text(a, 2);
        return 0;
      }
      if (models.empty()) {
        std::cout << "service '" << opts->service << "' has no capacity model\n";
        return 0;
      }
      bool first = true;
      for (const auto* c : models) {
        if (!first) std::cout << "\n";
        first = false;
        std::optional<WhatIf> w;
        if (opts->growth) w = what_if(*c, *opts->growth);
        print_model(std::cout, *c, w);
      }
      return 0;
    };
  });
}

} // namespace nines
