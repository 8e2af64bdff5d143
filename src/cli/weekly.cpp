// The weekly rhythm's commands (docs/weekly.md):
//
// `nines review [DIR] [--week YYYY-Www] [--format md|json]`: the seed's weekly SRE review of an
// ISO week (default: the last complete week before now, in the configured timezone).
// `nines handoff ROTATION [DIR] [--since DATE] [--format md|json]`: the seed's on-call handoff
// document of a rotation.
//
// `md` is for a meeting document, `json` is the API's file. Every number is read from the computed
// figures (Run::figures.reviews, .handoffs); only a handoff with an earlier --since than the run's
// history covers reads the history again.
#include "compute/weekly.hpp"

#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "history/history.hpp"
#include "model/numbers.hpp"
#include "model/time.hpp"
#include "render/api_json.hpp"

#include <cmath>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nines {
namespace {

std::string or_dash(const std::string& s) {
  return s.empty() ? "—" : s;
}

// A Markdown table cell; "—" when empty.
std::string cell(const std::string& s) {
  return md_cell(or_dash(s));
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v)
    s += (s.empty() ? "" : ", ") + x;
  return s;
}

// "↓ down −25.00 pts": an arrow is never alone (screen readers, copy into tickets).
std::string trend_text(const BudgetWeek& w) {
  if (w.trend == "unknown") return "— (no data 7 days earlier)";
  std::string change =
      w.remaining_change ? fmt_num(std::fabs(*w.remaining_change * 100.0), 2) : std::string("—");
  const char* sign = w.trend == "up" ? "+" : w.trend == "down" ? "−" : "±";
  return std::string(trend_arrow(w.trend)) + " " + w.trend + " " + sign + change + " pts";
}

// ---- review

// The review's shares and incident budget figures, with the page's one decimal (commands.md:
// percentages not against a target have one).
std::string week_pct(std::optional<double> pct) {
  return fmt_pct(pct, 1);
}

// "pm1 (21.4% of the budget from the data, 5.0% claimed)", as the page's row says it.
std::string incident_text(const WeekIncident& i) {
  return i.postmortem + " (" +
         (i.computed_pct ? week_pct(i.computed_pct) + " of the budget from the data"
                         : std::string("no figure from the data")) +
         ", " +
         (i.claimed_pct ? week_pct(i.claimed_pct) + " claimed" : std::string("none claimed")) + ")";
}

// `figures`: the run's SLO figures, whose states' band edges the remaining budget is kept off.
void write_review_md(std::ostream& out, const WeeklyReview& r,
                     const std::vector<SloFigures>& figures) {
  auto edges = [&figures](const std::string& slo) -> std::span<const double> {
    for (const auto& f : figures)
      if (f.id == slo) return f.state.edges;
    return {};
  };
  out << "# Weekly SRE review — " << r.week << " (" << r.first_day << " to " << r.last_day << ")\n";

  out << "\n## 1. SLO status\n\n";
  out << "Error budget remaining at the end of the week, against 7 days earlier; burn rates of "
         "the week's last day (1h and 6h need a live source, which only knows now).\n\n";
  if (r.slos.empty()) out << "No SLOs.\n";
  if (!r.slos.empty()) {
    out << "| SLO | Service | Remaining | Trend | State | Consumed this week | Burn 24h | "
           "Incidents | Top error day | Projected exhaustion |\n"
        << "|---|---|---:|---|---|---:|---:|---|---|---|\n";
    for (const auto& w : r.slos) {
      std::string incidents;
      for (const auto& i : w.incidents)
        incidents += (incidents.empty() ? "" : ", ") + incident_text(i);
      std::string top =
          w.top_contributor && w.top_contributor->bad > 0
              ? w.top_contributor->day + " (" +
                    week_pct(w.top_contributor->share
                                 ? std::optional<double>(*w.top_contributor->share * 100.0)
                                 : std::nullopt) +
                    " of bad events)"
              : "—";
      out << "| " << cell(w.slo) << " | " << cell(w.service) << " | "
          << remaining_text(pct(w.remaining), edges(w.slo)) << " | " << trend_text(w) << " | "
          << budget_state_name(w.state) << " | " << consumed_text(pct(w.consumed)) << " | "
          << burn_rate_text(w.burn_rates.count("24h") ? w.burn_rates.at("24h") : std::nullopt)
          << " | " << or_dash(incidents) << " | " << top << " | "
          << (w.exhaustion_beyond ? std::string(k_exhaustion_beyond_text)
                                  : w.projected_exhaustion.value_or("—"))
          << " |\n";
    }
  }
  out << "\n### Burn-rate alerts this week\n\n";
  out << "Judged from daily data: an alert fires on a day when its long window (whole days "
         "ending that day) and its short window (the day itself when under a day) both burn "
         "above its rate.\n\n";
  std::vector<std::string> live_only;
  int lines = 0;
  for (const auto& w : r.slos)
    for (const auto& a : w.alerts) {
      if (!a.judged) {
        live_only.push_back(w.slo + "/" + a.name);
        continue;
      }
      if (a.fired.empty()) continue;
      ++lines;
      out << "- " << w.slo << " — " << a.name << " (" << burn_rate_text(a.burn_rate) << " over "
          << alert_windows_text(a.long_window, a.short_window) << ", " << or_dash(a.severity)
          << "): fired on " << join(a.fired) << "\n";
    }
  if (lines == 0) out << "No alert would have fired.\n";
  if (!live_only.empty())
    out << "\nNeed a live source (long window under a day): " << join(live_only) << ".\n";

  const auto& inc = r.incidents;
  out << "\n## 2. Incidents\n\n";
  out << "- Incidents this week: " << inc.total;
  std::string sev;
  for (const auto& [s, n] : inc.by_severity)
    sev += (sev.empty() ? "" : ", ") + s + " " + std::to_string(n);
  out << " (" << sev << ")\n";
  out << "- Total duration (time to resolve): "
      << (inc.total_duration_minutes ? fmt_num(inc.total_duration_minutes, 0) + " min" : "—")
      << "\n";
  if (!inc.postmortems.empty()) {
    out << "\n| Postmortem | Date | Severity | Duration | Services |\n|---|---|---|---:|---|\n";
    for (const auto& p : inc.postmortems)
      out << "| " << cell(p.id) << " | " << cell(p.date) << " | " << cell(p.severity) << " | "
          << (p.time_to_resolve_minutes ? fmt_num(p.time_to_resolve_minutes, 0) + " min" : "—")
          << " | " << cell(join(p.services)) << " |\n";
  }
  out << "\nOpen postmortem action items: " << inc.open << " open, " << inc.in_progress
      << " in progress, " << inc.overdue << " overdue at the end of the week.\n";
  if (!inc.open_action_items.empty()) {
    out << "\n| Item | Postmortem | Owner | Deadline | Status |\n|---|---|---|---|---|\n";
    for (const auto& a : inc.open_action_items)
      out << "| " << cell(a.id) << " " << cell(a.description) << " | " << cell(a.postmortem)
          << " | " << cell(a.owner) << " | " << cell(a.deadline) << " | " << cell(a.status)
          << (a.overdue ? " **(overdue)**" : "") << " |\n";
  }

  out << "\n## 3. On-call health\n\n";
  out << "Rotation health is recorded per month: these are the monthly figures of "
      << join(r.on_call.periods) << ", the month" << (r.on_call.periods.size() == 1 ? "" : "s")
      << " this week falls in.\n\n";
  if (r.on_call.entries.empty()) {
    out << "No rotation reported for " << join(r.on_call.periods) << ".\n";
  } else {
    out << "| Rotation | Month | Pages | Off-hours pages | False positives |\n"
        << "|---|---|---:|---:|---:|\n";
    for (const auto& e : r.on_call.entries)
      out << "| " << cell(e.rotation) << " | " << e.period << " | " << fmt_num(e.pages, 0) << " | "
          << fmt_num(e.off_hours_pages, 0) << " | " << fp_text(e.false_positive_pct) << " |\n";
    out << "\nTotal: " << fmt_num(r.on_call.total_pages, 0) << " pages, "
        << fmt_num(r.on_call.off_hours_pages, 0) << " off-hours.\n";
  }

  out << "\n## 4. Reliability work\n\n";
  out << "Toil automated this week: ";
  if (r.toil_automated.empty()) out << "none.\n";
  if (!r.toil_automated.empty()) {
    out << fmt_num(r.hours_saved_per_month, 1) << " h a month saved.\n\n";
    for (const auto& t : r.toil_automated)
      out << "- " << t.id << (t.name.empty() ? "" : " — " + t.name) << " (" << t.automated_on
          << "): " << fmt_num(t.hours_saved_per_month, 1) << " h a month\n";
  }
  out << "\nChaos experiments run: ";
  if (r.experiments.empty()) out << "none.\n";
  if (!r.experiments.empty()) {
    out << r.experiments.size() << ".\n\n";
    for (const auto& e : r.experiments)
      out << "- " << e.id << (e.name.empty() ? "" : " — " + e.name) << " (" << e.date << ", "
          << or_dash(e.service) << "): " << or_dash(e.outcome) << "\n";
  }
  out << "\nCapacity concerns (runway under " << k_capacity_concern_months << " months): ";
  if (r.capacity_concerns.empty()) out << "none.\n";
  if (!r.capacity_concerns.empty()) {
    out << r.capacity_concerns.size() << ".\n\n";
    for (const auto& c : r.capacity_concerns)
      out << "- " << c.id << " (" << or_dash(c.service)
          << "): " << runway_text(c.runway_months, c.runway_months_fractional) << "\n";
  }
}

struct ReviewOpts {
  CommonOpts common;
  std::string week;          // YYYY-Www; empty → the last complete week before now
  std::string format = "md"; // md | json
};

int run_review(const ReviewOpts& o) {
  if (!o.week.empty() && !parse_iso_week(o.week)) {
    std::cerr << "nines: --week must be an ISO week YYYY-Www (e.g. 2026-W47), got '" << o.week
              << "'\n";
    return 2;
  }
  Run run;
  if (auto code = run_figures(o.common, run)) return *code;
  const std::string week = o.week.empty() ? format_iso_week(last_complete_week(run.figures.now))
                                          : format_iso_week(*parse_iso_week(o.week));
  auto it = run.figures.reviews.find(week);
  if (it == run.figures.reviews.end()) {
    const auto& r = run.figures.reviews;
    std::cerr << "nines: no review for " << week
              << " (a complete week with SLO data or a postmortem); "
              << (r.empty() ? std::string("no week has data")
                            : "weeks with data: " + r.begin()->first + " to " + r.rbegin()->first)
              << "\n";
    return 1;
  }
  if (o.format == "json")
    std::cout << api_file_text(review_json(it->second), 2);
  else
    write_review_md(std::cout, it->second, run.figures.slos);
  return 0;
}

// ---- handoff

void write_handoff_md(std::ostream& out, const Handoff& h) {
  out << "## On-call handoff: " << h.rotation
      << (h.name.empty() || h.name == h.rotation ? "" : " (" + h.name + ")") << " — " << h.date
      << "\n\n";
  out << "Services: " << (h.services.empty() ? "none name this rotation" : join(h.services))
      << "\n";

  out << "\n### Open issues\n\n";
  if (h.open_postmortems.empty() && h.open_action_items.empty()) out << "None.\n";
  for (const auto& p : h.open_postmortems)
    out << "- Postmortem " << p.id << (p.title.empty() ? "" : " — " + p.title) << " ("
        << or_dash(p.severity) << ", " << or_dash(p.date) << "): " << p.status << "\n";
  for (const auto& a : h.open_action_items)
    out << "- " << a.id << " (" << a.postmortem << "): " << or_dash(a.description) << " — "
        << or_dash(a.status) << ", owner " << or_dash(a.owner) << ", due " << or_dash(a.deadline)
        << (a.overdue ? " **OVERDUE**" : "") << "\n";

  out << "\n### Recent changes (last " << k_handoff_recent_days << " days)\n\n";
  if (!h.history_available)
    out << "No git history (" << h.history_reason << ").\n";
  else if (h.recent_changes.empty())
    out << "None.\n";
  for (const auto& c : h.recent_changes)
    out << "- " << c.date << " " << or_dash(c.kind) << " " << or_dash(c.id) << " (" << c.file
        << "): commit " << c.short_hash << " by " << or_dash(c.author) << "\n";

  out << "\n### Known risks\n\n";
  if (h.risks.empty()) out << "None.\n";
  for (const auto& r : h.risks)
    out << "- " << r.id << (r.service.empty() ? "" : " (" + r.service + ")") << ": " << r.text
        << "\n";

  out << "\n### Scheduled maintenance\n\n";
  if (h.maintenance.empty())
    out << "None under way or in the next " << k_handoff_maintenance_days << " days.\n";
  for (const auto& m : h.maintenance)
    out << "- " << m.start << " to " << or_dash(m.end) << (m.under_way ? " (under way)" : "")
        << ": " << m.id << " (" << m.service << ")"
        << (m.description.empty() ? "" : " — " + m.description)
        << "; rollback: " << or_dash(m.rollback_plan) << "\n";

  out << "\n### Runbook updates (since " << h.since << ")\n\n";
  if (h.runbook_updates.empty()) out << "None.\n";
  for (const auto& u : h.runbook_updates)
    out << "- " << u.id << (u.title.empty() ? "" : " — " + u.title) << ": " << u.date
        << (u.source == "git" ? ", commit " + u.short_hash + " by " + or_dash(u.author)
                              : std::string(" (last_updated)"))
        << "\n";
}

struct HandoffOpts {
  CommonOpts common;
  std::string rotation;
  std::string since;         // YYYY-MM-DD; empty → 7 days before now
  std::string format = "md"; // md | json
};

int run_handoff(const HandoffOpts& o) {
  std::optional<std::int64_t> since_day;
  if (!o.since.empty()) {
    since_day = parse_date(o.since);
    if (!since_day) {
      std::cerr << "nines: --since must be a date YYYY-MM-DD, got '" << o.since << "'\n";
      return 2;
    }
  }
  Run run;
  if (auto code = run_figures(o.common, run)) return *code;
  auto it = run.figures.handoffs.find(o.rotation);
  if (it == run.figures.handoffs.end()) {
    std::vector<std::string> ids;
    for (const auto& [id, h] : run.figures.handoffs)
      ids.push_back(id);
    const int code = unknown_name("rotation", o.rotation, ids);
    if (!ids.empty()) std::cerr << "rotations: " << join(ids) << "\n";
    return code;
  }
  Handoff h = it->second;
  if (since_day) {
    // Runbook updates since another day: the run's history lists the last 7 days' commits; an
    // earlier day needs them read again, from that day.
    const History* history = &run.history;
    History longer;
    const std::int64_t since_utc = (*since_day - 1) * 86400; // a day early: any timezone's day
    if (run.history.available() && since_utc < run.history.commits_since()) {
      longer = read_history(run.repo.root, run.now, "", since_utc);
      history = &longer;
    }
    const Rotation* rotation = nullptr;
    for (const auto& r : run.repo.rotations)
      if (r.meta.id == o.rotation) rotation = &r;
    h = compute_handoff(run.repo, *rotation, history, run.figures.slos, run.figures.capacity,
                        run.figures.now, *since_day);
  }
  if (o.format == "json")
    std::cout << api_file_text(handoff_json(h), 2);
  else
    write_handoff_md(std::cout, h);
  return 0;
}

} // namespace

void add_review_command(CLI::App& app, CommandAction& action) {
  auto* cmd = app.add_subcommand("review", "The weekly SRE review of an ISO week");
  auto opts = std::make_shared<ReviewOpts>();
  cmd->add_option("--week", opts->week,
                  "The ISO week, YYYY-Www (default: the last complete week before now)")
      ->check(non_empty("an ISO week, YYYY-Www"));
  cmd->add_option("--format", opts->format, "Output: md or json")
      ->check(CLI::IsMember({"md", "json"}));
  // SPEC 2: `nines <command> [DIR]`; -C DIR says the same.
  add_dir_argument(cmd, opts->common);
  add_common_options(cmd, opts->common, false);
  set_example(cmd, "nines review --week 2026-W44   # the review of that week, as Markdown");
  cmd->callback([opts, &action] { action = [opts] { return run_review(*opts); }; });
}

void add_handoff_command(CLI::App& app, CommandAction& action) {
  auto* cmd = app.add_subcommand("handoff", "The on-call handoff document of a rotation");
  auto opts = std::make_shared<HandoffOpts>();
  cmd->add_option("rotation", opts->rotation, "The rotation (an oncall_rotation id)")->required();
  add_dir_argument(cmd, opts->common);
  cmd->add_option("--since", opts->since,
                  "Runbook updates since this date, YYYY-MM-DD (default: 7 days before now)")
      ->check(non_empty("a date"));
  cmd->add_option("--format", opts->format, "Output: md or json")
      ->check(CLI::IsMember({"md", "json"}));
  add_common_options(cmd, opts->common, false);
  set_example(cmd, "nines handoff platform-oncall --format json   # this week's handoff, as JSON");
  cmd->callback([opts, &action] { action = [opts] { return run_handoff(*opts); }; });
}

} // namespace nines
