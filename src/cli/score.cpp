// `nines score [SERVICE]` and `nines assess SERVICE` (-C DIR, --now T, --json): maturity scores
// with the evidence that set them (SPEC 3.2). Without a service: the organisation, its teams and a
// table of services. With one: every dimension's computed, manual and effective score, its
// evidence and what would raise it. Every number is read from the computed figures.
#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "render/api_json.hpp"

#include <cctype>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace nines {
namespace {

// Column headers for the eight dimensions of the services table.
std::string short_name(const std::string& dimension) {
  static const std::vector<std::pair<std::string, std::string>> names = {
      {"slos", "SLO"},
      {"monitoring", "MON"},
      {"incident_response", "INC"},
      {"automation", "AUTO"},
      {"chaos_engineering", "CHAOS"},
      {"capacity_planning", "CAP"},
      {"toil_management", "TOIL"},
      {"oncall_health", "ONCALL"}};
  for (const auto& [d, n] : names)
    if (d == dimension) return n;
  std::string up = dimension;
  for (auto& c : up)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return up;
}

std::string slash(std::optional<double> v, int decimals, const char* of) {
  return fmt_num(v, decimals) + "/" + of;
}

void print_org(std::ostream& out, const MaturityFigures& m) {
  const auto& org = m.org;
  if (!org.scored) {
    out << "organisation: no services scored yet (add a service to score it)\n";
    return;
  }
  // A mean total beside its band never reads across a band line (16.96 is 16.9, not 17.0).
  out << "organisation: " << maturity_total_text(org.total) << "/40 " << org.band << " (computed "
      << maturity_total_text(org.computed_total) << "), quality rubric "
      << slash(org.rubric.total, 1, "100") << ", "
      << plural(static_cast<long long>(org.services.size()), "service") << "\n";
  if (!m.slo_coverage_by_tier.empty()) {
    out << "SLO coverage:";
    bool first = true;
    for (const auto& [tier, c] : m.slo_coverage_by_tier) {
      out << (first ? " " : ", ") << tier << " " << c.with_slo << "/" << c.services;
      first = false;
    }
    out << "\n";
  }

  if (!m.teams.empty()) {
    out << "\n";
    Table teams({"TEAM", "SERVICES", "TOTAL", "BAND", "RUBRIC"});
    for (const auto& t : m.teams)
      teams.add({t.id, std::to_string(t.services.size()), maturity_total_text(t.total), t.band,
                 fmt_num(t.rubric.total, 1)});
    teams.print(out);
  }

  out << "\n";
  std::vector<std::string> header = {"SERVICE", "TIER", "TOTAL", "BAND", "RUBRIC"};
  for (const auto& d : maturity_dimensions())
    header.push_back(short_name(d));
  Table t(header);
  bool any_manual = false;
  for (const auto& s : m.services) {
    std::vector<std::string> row = {s.service, s.tier.empty() ? "—" : s.tier,
                                    std::to_string(s.total), s.band, fmt_num(s.rubric.total, 1)};
    for (const auto& d : s.dimensions) {
      bool manual = d.source == "assessment";
      any_manual = any_manual || manual;
      row.push_back(std::to_string(d.effective) + (manual ? "*" : ""));
    }
    t.add(std::move(row));
  }
  t.print(out);
  if (any_manual) out << "\n* set by a manual assessment (`nines assess SERVICE` shows both)\n";
}

void print_service(std::ostream& out, const ServiceMaturity& s) {
  out << s.service;
  if (!s.tier.empty() || !s.team.empty()) {
    out << " (";
    if (!s.tier.empty()) out << s.tier << (s.team.empty() ? "" : ", ");
    out << s.team << ")";
  }
  out << ": " << s.total << "/40 " << s.band << " (computed " << s.computed_total
      << "), quality rubric " << fmt_num(s.rubric.total, 1) << "/100\n";
  for (const auto& d : s.dimensions) {
    out << "\n" << d.dimension << ": " << d.effective << "/5";
    if (d.source == "assessment") out << " (manual assessment)";
    out << "\n";
    out << "  computed  " << d.computed << "\n";
    if (d.manual) {
      out << "  manual    " << *d.manual << " (assessment";
      if (!d.manual_assessment.empty()) out << " " << d.manual_assessment;
      if (!d.manual_date.empty()) out << ", " << d.manual_date;
      out << ")\n";
    }
    out << "  effective " << d.effective << "\n";
    if (!d.evidence.empty()) {
      out << "  evidence:\n";
      for (const auto& e : d.evidence)
        out << "    - " << e << "\n";
    }
    out << "  to raise: " << (d.to_raise.empty() ? "at the top of the scale" : d.to_raise) << "\n";
  }
  out << "\nquality rubric\n";
  Table t({"LINE", "WEIGHT", "SCORE", "POINTS"});
  for (const auto& l : s.rubric.lines)
    t.add({l.name, fmt_num(l.weight, 0), fmt_num(l.score, 2) + "/5", fmt_num(l.points, 2)});
  t.add({"total", "100", "", fmt_num(s.rubric.total, 2)});
  t.print(out);
  // The Documentation line is the one rubric line not read from a dimension: its own evidence.
  out << "\ndocumentation: " << s.documentation << "/5\n";
  if (!s.documentation_evidence.empty()) {
    out << "  evidence:\n";
    for (const auto& e : s.documentation_evidence)
      out << "    - " << e << "\n";
  }
  out << "  to raise: "
      << (s.documentation_to_raise.empty() ? "at the top of the scale" : s.documentation_to_raise)
      << "\n";
}

// The detailed view of one service, shared by `score SERVICE` and `assess SERVICE`.
int show_service(const CommonOpts& common, const std::string& service) {
  Run run;
  if (auto code = run_figures(common, run)) return *code;
  std::vector<std::string> names;
  for (const auto& s : run.figures.maturity.services) {
    if (s.service == service) {
      if (common.json)
        std::cout << api_file_text(service_maturity_json(s), 2);
      else
        print_service(std::cout, s);
      return 0;
    }
    names.push_back(s.service);
  }
  return unknown_name("service", service, names);
}

} // namespace

void add_score_command(CLI::App& app, CommandAction& action) {
  struct Opts {
    CommonOpts common;
    std::string service;
  };
  {
    auto* cmd = app.add_subcommand("score", "Maturity scores of the organisation or of a service");
    auto opts = std::make_shared<Opts>();
    // An empty one (an unset CI variable) must not quietly widen the answer to every service.
    cmd->add_option("service", opts->service, "A service id (default: every service)")
        ->check(non_empty("a service id"));
    add_common_options(cmd, opts->common);
    set_example(cmd, "nines score               # the organisation, teams and services\n"
                     "  nines score checkout-api  # one service with its evidence");
    cmd->callback([opts, &action] {
      action = [opts] {
        if (!opts->service.empty()) return show_service(opts->common, opts->service);
        Run run;
        if (auto code = run_figures(opts->common, run)) return *code;
        if (opts->common.json)
          std::cout << api_file_text(maturity_json(run.figures.maturity), 2);
        else
          print_org(std::cout, run.figures.maturity);
        return 0;
      };
    });
  }
  {
    // SPEC 2 lists `assess SERVICE`: the same detailed view as `score SERVICE`.
    auto* cmd = app.add_subcommand("assess", "A service's maturity dimensions with their evidence");
    auto opts = std::make_shared<Opts>();
    cmd->add_option("service", opts->service, "A service id")->required();
    add_common_options(cmd, opts->common);
    set_example(cmd, "nines assess checkout-api --json");
    cmd->callback(
        [opts, &action] { action = [opts] { return show_service(opts->common, opts->service); }; });
  }
}

} // namespace nines
