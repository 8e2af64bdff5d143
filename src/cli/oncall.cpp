// `nines oncall [-C DIR] [--now T] [--json]`: the seed's on-call health audit (SPEC 3.4). Per
// rotation: its members (fewer than 5 is a warning) and the latest period's metrics, each
// classified healthy, warning or critical by the seed's thresholds. Every value and status is
// read from the computed figures.
#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "render/api_json.hpp"

#include <cctype>
#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace nines {
namespace {

std::string upper(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

void print_rotation(std::ostream& out, const RotationFigures& r) {
  out << r.id << (r.name.empty() || r.name == r.id ? "" : " — " + r.name)
      << (r.team.empty() ? "" : " (" + r.team + ")") << "\n";
  out << "  members: " << r.members;
  if (r.size_warning)
    out << "  " << paint("WARNING", "warning")
        << ": fewer than 5 members (the seed's minimum rotation size)";
  out << "\n";
  const OncallPeriod* p = latest_period(r);
  if (!p) {
    out << "  no health data\n";
    return;
  }
  auto count = [](const std::optional<double>& n, const char* noun) {
    return n ? plural(std::llround(*n), noun) : std::string("no ") + noun + " data";
  };
  out << "  latest period: " << p->period << " (" << count(p->pages, "page") << ", "
      << count(p->shifts, "shift") << ", " << count(p->off_hours_pages, "off-hours page") << ")";
  if (!p->worst.empty()) out << ", overall " << paint(upper(p->worst), p->worst);
  out << "\n";
  // The seed's thresholds, for the reader; the statuses themselves come from the figures, and
  // each value is kept apart from the thresholds it was judged against, so 9.96% never reads
  // 10.0% beside "healthy < 10%".
  struct Line {
    const char* name;
    const MetricHealth* m;
    int decimals;
    const char* unit;
  };
  const Line lines[] = {
      {"pages per shift", &p->pages_per_shift, 2, ""},
      {"off-hours pages per week", &p->off_hours_per_week, 2, ""},
      {"time to acknowledge (min)", &p->ack_min, 1, ""},
      {"time to mitigate (min)", &p->mitigate_min, 1, ""},
      {"false positive rate", &p->false_positive_pct, 1, "%"},
      {"escalation rate", &p->escalation_pct, 1, "%"},
      {"satisfaction (1-5)", &p->satisfaction, 1, ""},
  };
  Table t({"  METRIC", "VALUE", "STATUS", "SEED THRESHOLDS"});
  for (const auto& l : lines) {
    const OncallThresholds& th = l.m->thresholds;
    const bool higher_better = th.healthy > th.critical;
    const std::string value = number_against(l.m->value, {th.healthy, th.critical}, l.decimals);
    t.add({std::string("  ") + l.name, value == "—" ? value : value + l.unit,
           l.m->status.empty() ? "—" : paint(l.m->status),
           std::string("healthy ") + (higher_better ? "> " : "< ") + shortest_text(th.healthy) +
               l.unit + ", critical " + (higher_better ? "< " : "> ") + shortest_text(th.critical) +
               l.unit});
  }
  t.print(out);
}

} // namespace

void add_oncall_command(CLI::App& app, CommandAction& action) {
  auto* cmd = app.add_subcommand("oncall", "On-call health of every rotation");
  struct Opts {
    CommonOpts common;
  };
  auto opts = std::make_shared<Opts>();
  // SPEC 2: `nines <command> [DIR]`; -C DIR says the same.
  add_dir_argument(cmd, opts->common);
  add_common_options(cmd, opts->common);
  set_example(cmd, "nines oncall --json | jq '.[].periods[-1].worst'");
  cmd->callback([opts, &action] {
    action = [opts] {
      Run run;
      if (auto code = run_figures(opts->common, run)) return *code;
      if (opts->common.json) {
        OrderedJson a = OrderedJson::array();
        for (const auto& r : run.figures.oncall)
          a.push_back(oncall_json(r));
        std::cout << api_file_text(a, 2);
        return 0;
      }
      if (run.figures.oncall.empty()) {
        std::cout << "no on-call rotations defined\n";
        return 0;
      }
      bool first = true;
      for (const auto& r : run.figures.oncall) {
        if (!first) std::cout << "\n";
        first = false;
        print_rotation(std::cout, r);
      }
      return 0;
    };
  });
}

} // namespace nines
