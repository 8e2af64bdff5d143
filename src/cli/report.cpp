// `nines report [--month YYYY-MM] [--format md|json|html] [-C DIR] [--now T]`: the monthly
// leadership report (SPEC 3.5) for a month (default: the last full month before now), with every
// figure's change against the previous month when that month has a report. `md` prints Markdown,
// `json` the API's report_json, `html` the site's report page as one self-contained file.
//
// Laid out to be extended: the options live in ReportOpts (add_report_options), the month is chosen
// by report_period, each format has its own writer (write_report_md), and run_report ties them
// together. Every number is read from the computed figures (Run::figures.reports).
#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "model/numbers.hpp"
#include "model/time.hpp"
#include "render/api_json.hpp"
#include "render/site.hpp"
#include "write/repo_edit.hpp"
#include "write/site_writer.hpp"
#include "write/walk_scope.hpp"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace nines {
namespace {

struct ReportOpts {
  CommonOpts common;
  std::string month;         // YYYY-MM; empty → the last full month before now
  std::string format = "md"; // md | json | html
  bool format_given = false; // --format was on the command line (a freeze then prints the report)
  bool freeze = false;       // write the figures into the repo's monthly_report document
};

void add_report_options(CLI::App* cmd, ReportOpts& o) {
  cmd->add_option("--month", o.month,
                  "The month, YYYY-MM (default: the last full month before now)")
      ->check(non_empty("a month, YYYY-MM"));
  cmd->add_option("--format", o.format,
                  "Output: md (Markdown), json (as api/reports/) or html (one self-contained page "
                  "that prints well)")
      ->check(non_empty("md, json or html"))
      ->check(CLI::IsMember({"md", "json", "html"}))
      ->each([&o](const std::string&) { o.format_given = true; });
  cmd->add_flag("--freeze", o.freeze,
                "Write every figure into the month's monthly_report document, so it never changes");
  // SPEC 2: `nines <command> [DIR]`; -C DIR says the same.
  add_dir_argument(cmd, o.common);
  add_common_options(cmd, o.common, false);
  set_example(cmd, "nines report --month 2026-10 --format html > report-2026-10.html\n"
                   "  nines report --month 2026-10 --freeze   # keep its figures for good");
}

// --month as given, else the calendar month before the one `now` falls in. `now` is wall-clock
// seconds in the configured timezone, so the month is that zone's (SPEC 3.5).
std::string report_period(const ReportOpts& o, std::int64_t now) {
  if (!o.month.empty()) return o.month;
  std::int64_t day = day_of(now);
  int y;
  unsigned m, d;
  civil_from_days(day, y, m, d);
  return m == 1 ? format_period(y - 1, 12) : format_period(y, static_cast<int>(m) - 1);
}

// ---- Markdown

// A change for people: "+2", "−12.0" (a real minus sign), "±0"; "—" when either month is null.
class MdWriter {
public:
  MdWriter(std::ostream& out, const MonthlyReport& r) : m_out(out), m_r(r) {}

  // " (−12.0 min vs 2026-09)", as the report page reads it; nothing when there is no change to
  // show (either month lacks it).
  std::string vs(const std::string& key) const {
    auto change = report_change_text(m_r, key);
    return change ? " (" + *change + " vs " + m_r.previous_period + ")" : "";
  }
  // "- label: value (change vs previous)"
  void item(const std::string& label, const std::string& value, const std::string& key) {
    m_out << "- " << label << ": " << value << vs(key) << "\n";
  }
  void list(const std::vector<std::string>& v, const char* none = "None.") {
    if (v.empty()) m_out << none << "\n";
    for (const auto& s : v)
      m_out << "- " << s << "\n";
  }
  void heading(const char* h) { m_out << "\n## " << h << "\n\n"; }
  std::ostream& out() { return m_out; }

private:
  std::ostream& m_out;
  const MonthlyReport& m_r;
};

// A count, or "no data" when the month has nothing to count it from.
std::string count(const std::optional<int>& n) {
  return n ? std::to_string(*n) : std::string("no data");
}

// A target as written: 99.9 → "99.9%", 99.995 → "99.995%".
std::string fmt_target(double target) {
  return written_percent(target);
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v)
    s += (s.empty() ? "" : ", ") + x;
  return s;
}

void write_report_md(std::ostream& out, const MonthlyReport& r) {
  MdWriter w(out, r);
  out << "# Monthly reliability report — " << r.period << "\n\n";
  if (r.coverage.days_in_month > 0) {
    if (r.coverage.days_with_data < r.coverage.days_in_month)
      out << "Partial month: metrics cover " << r.coverage.days_with_data << " of "
          << plural(r.coverage.days_in_month, "day") << ".\n";
    else
      out << "Metrics cover all " << plural(r.coverage.days_in_month, "day") << ".\n";
  }
  if (r.previous_has_report)
    out << "Changes are against " << r.previous_period << ".\n";
  else
    out << "No changes shown: " << r.previous_period << " has no report.\n";

  const auto& s = r.slo_summary;
  w.heading("SLO summary");
  w.item("Services meeting their SLOs", count(s.services_meeting_slo),
         "slo_summary.services_meeting_slo");
  w.item("Services breaching their SLOs", count(s.services_breaching_slo),
         "slo_summary.services_breaching_slo");
  if (!s.breaching.empty()) out << "  - breaching: " << join(s.breaching) << "\n";
  out << "- Worst performing: "
      << (s.worst_performing ? *s.worst_performing + (s.worst_slo ? " (" + *s.worst_slo + ")" : "")
                             : std::string("—"))
      << "\n";
  if (!s.slos.empty()) {
    out << "\n| SLO | Service | Target | Attainment | Budget consumed | Days with data | Meets |\n"
        << "|---|---|---:|---:|---:|---:|---|\n";
    for (const auto& m : s.slos)
      out << "| " << md_cell(m.slo) << " | " << md_cell(m.service) << " | " << fmt_target(m.target)
          << " | " << attainment_text(pct(m.attainment), m.target) << " | "
          << consumed_text(pct(m.consumed)) << " | " << m.days_with_data << " | "
          << (m.meets ? (*m.meets ? "yes" : "**no**") : "—") << " |\n";
  }

  const auto& inc = r.incidents;
  w.heading("Incidents");
  w.item("Total", count(inc.total), "incidents.total");
  // The change column only when the previous month has a report to compare with.
  if (r.previous_has_report)
    out << "\n| Severity | Incidents | Change vs " << r.previous_period << " |\n|---|---:|---:|\n";
  else
    out << "\n| Severity | Incidents |\n|---|---:|\n";
  for (const char* sev : {"SEV1", "SEV2", "SEV3", "SEV4"}) {
    auto it = inc.by_severity.find(sev);
    int n = it == inc.by_severity.end() ? 0 : it->second;
    out << "| " << sev << " | " << n << " |";
    if (r.previous_has_report)
      out << " " << report_change_text(r, std::string("incidents.by_severity.") + sev).value_or("—")
          << " |";
    out << "\n";
  }
  out << "\n";
  w.item("MTTR", inc.mttr_minutes ? fmt_num(inc.mttr_minutes, 1) + " min" : std::string("no data"),
         "incidents.mttr_minutes");
  w.item("MTTD", inc.mttd_minutes ? fmt_num(inc.mttd_minutes, 1) + " min" : std::string("no data"),
         "incidents.mttd_minutes");
  w.item("Repeat incidents", count(inc.repeat_incidents), "incidents.repeat_incidents");
  if (!inc.postmortems.empty()) out << "- Postmortems: " << join(inc.postmortems) << "\n";

  const auto& eb = r.error_budget;
  w.heading("Error budget");
  out << "Services by the worst budget state of their SLOs at the end of the month.\n\n";
  w.item("Healthy", count(eb.services_in_healthy), "error_budget.services_in_healthy");
  w.item("Warning", count(eb.services_in_warning), "error_budget.services_in_warning");
  w.item("Critical", count(eb.services_in_critical), "error_budget.services_in_critical");
  w.item("Exhausted", count(eb.services_exhausted), "error_budget.services_exhausted");
  if (!eb.exhausted_slos.empty()) out << "- Exhausted SLOs: " << join(eb.exhausted_slos) << "\n";

  const auto& t = r.toil;
  w.heading("Toil");
  w.item("Hours spent", fmt_num(t.hours_spent, 1) + " h", "toil.hours_spent");
  w.item("Hours automated away", fmt_num(t.hours_automated_away, 1) + " h",
         "toil.hours_automated_away");
  w.item("Share of SRE time",
         t.pct_of_sre_time ? share_against(t.pct_of_sre_time, 25) + " (target < 25%)"
                           : std::string("no data (no team has sre_hours_per_month)"),
         "toil.pct_of_sre_time");

  const auto& oc = r.on_call;
  w.heading("On-call");
  out << "From " << plural(oc.rotations_reporting, "rotation") << " reporting for the month.\n\n";
  auto or_no_data = [](const std::string& v) { return v == "—" ? std::string("no data") : v; };
  w.item("Total pages", or_no_data(fmt_num(oc.total_pages, 0)), "on_call.total_pages");
  w.item("Off-hours pages", or_no_data(fmt_num(oc.off_hours_pages, 0)), "on_call.off_hours_pages");
  // Kept apart from the seed's thresholds (healthy < 10% and < 5 min), as on the on-call page.
  w.item("False positive rate", or_no_data(fp_text(oc.false_positive_pct)),
         "on_call.false_positive_pct");
  w.item("Average time to acknowledge",
         oc.avg_ack_time_min
             ? number_against(oc.avg_ack_time_min, {k_ack_min.healthy, k_ack_min.critical}, 1) +
                   " min"
             : std::string("no data"),
         "on_call.avg_ack_time_min");
  if (!oc.critical.empty()) out << "- Critical: " << join(oc.critical) << "\n";

  const auto& ai = r.action_items;
  w.heading("Action items");
  w.item("Open", count(ai.open), "action_items.open");
  w.item("Completed this month", count(ai.completed_this_month),
         "action_items.completed_this_month");
  w.item("Overdue", count(ai.overdue), "action_items.overdue");

  w.heading("Highlights");
  w.list(r.highlights);

  w.heading("Concerns");
  if (r.concerns.empty() && r.computed_concerns.empty()) out << "None.\n";
  for (const auto& c : r.concerns)
    out << "- " << c << "\n";
  for (const auto& c : r.computed_concerns)
    out << "- " << c << " *(computed)*\n";

  w.heading("Next month priorities");
  w.list(r.next_month_priorities);
}

// ---- --freeze

// The figures to freeze, exactly as computed (each number in its shortest round-trip form). Any
// rounding could move a figure across a line the pages draw: an attainment just under its target,
// stored to a few decimals, would read as meeting it, and 100.0002% consumed as exactly 100%.
nlohmann::json frozen_figures(const nlohmann::ordered_json& figures) {
  return nlohmann::json(figures);
}

// The refusal of a freeze whose new file the walk would not read: which setting leaves it out and
// what to change, as one line.
std::string walk_skip_message(const WalkSkip& skip, const std::string& period,
                              const std::string& folder, const std::string& rel) {
  std::string why, fix;
  if (skip.setting == "exclude") {
    why = "nines.yaml exclude \"" + skip.pattern + "\" leaves it out";
    fix = "take that glob out of exclude";
  } else if (skip.setting == "include") {
    const std::string glob = folder.empty() ? rel : folder + "/**";
    why = "no glob of nines.yaml include matches it";
    fix = "add \"" + glob + "\" to include";
  } else {
    why = "the walk skips the folder " + skip.pattern;
    fix = "move the monthly_report documents out of it";
  }
  return "nines: cannot freeze " + period + ": " + rel + " would not be read (" + why + "); " +
         fix +
         ", or keep the monthly_report documents in a folder that is read (a new one is written "
         "beside the first); nothing was written";
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The month's report on stdout in the format asked for.
void print_report(const std::string& format, const Run& run, const MonthlyReport& r) {
  if (format == "json") {
    std::cout << api_file_text(report_json(r), 2);
  } else if (format == "html") {
    SiteOptions site;
    site.version = k_version;
    site.jobs = 1; // the built-in theme: a repository's layouts are for its site
    auto html = render_report_document(run.repo, run.figures, run.diags.sorted(), run.series, site,
                                       r.period);
    std::cout << html.value_or("");
  } else {
    write_report_md(std::cout, r);
  }
}

// Writes the month's figures into its monthly_report document (creating one when there is none),
// so the report reads the same after the backend has dropped the data (SPEC 4.2). Only closed
// months can be frozen, and a frozen month is never rewritten.
int freeze_report(const ReportOpts& o, const Run& run, const MonthlyReport& r) {
  auto p = parse_period(r.period);
  std::int64_t today = day_of(run.figures.now);
  std::int64_t first_of_next =
      p->second == 12 ? days_from_civil(p->first + 1, 1, 1)
                      : days_from_civil(p->first, static_cast<unsigned>(p->second + 1), 1);
  if (today < first_of_next) {
    // A request that cannot be served as asked, in content without errors: a usage error.
    std::cerr << "nines: " << r.period << " is not over yet; only closed months can be frozen\n";
    return 2;
  }
  if (r.frozen) {
    std::cerr << "nines: " << r.period << " is already frozen; its figures never change\n";
    return 1;
  }
  nlohmann::ordered_json figures = report_json(r)["monthly_report"];
  for (const char* people : {"period", "highlights", "concerns", "next_month_priorities", "frozen"})
    figures.erase(people);
  std::string frozen_yaml = json_to_yaml(frozen_figures(figures));
  std::string stamp = "\"" + format_timestamp(run.now) + "\"\n";
  const MonthlyReportDoc* doc = nullptr;
  for (const auto& d : run.repo.reports)
    if (d.period == r.period && !doc) doc = &d;
  // The repository's root as the run found it (DIR may be a folder below it).
  const std::filesystem::path dir = run.opts.dir;
  std::string rel;
  std::string text;
  if (doc) {
    rel = doc->meta.file;
    std::string before = read_text(dir / rel);
    try {
      text = set_field(before, "monthly_report", "period", r.period, "frozen", frozen_yaml);
      text = set_field(text, "monthly_report", "period", r.period, "frozen_at", stamp);
    } catch (const EditError& e) {
      // The document cannot take the edit as written (flow style, say): the content's to
      // change, exit 1. Nothing was written, so the place is in the file as it is.
      std::cerr << "nines: " << edit_error_place(rel, e) << ": cannot freeze " << r.period << ": "
                << e.what() << "; nothing was changed\n";
      return 1;
    }
  } else {
    std::string folder = "reports";
    if (!run.repo.reports.empty())
      folder =
          std::filesystem::path(run.repo.reports.front().meta.file).parent_path().generic_string();
    rel = (folder.empty() ? "" : folder + "/") + r.period + ".yaml";
    // A new file the walk would not read freezes nothing: refuse before writing, and say which
    // setting leaves it out (also when it is there already, from an earlier such freeze).
    if (auto skip = walk_skips(run.repo.config, rel)) {
      std::cerr << walk_skip_message(*skip, r.period, folder, rel) << "\n";
      return 1;
    }
    if (std::filesystem::exists(dir / rel)) {
      std::cerr << "nines: " << rel << " exists but holds no monthly_report for " << r.period
                << "\n";
      return 1;
    }
    text = "monthly_report:\n  period: \"" + r.period + "\"\n  frozen_at: " + stamp + "  frozen:\n";
    std::istringstream in(frozen_yaml);
    for (std::string line; std::getline(in, line);)
      text += "    " + line + "\n";
  }
  std::string before = std::filesystem::exists(dir / rel) ? read_text(dir / rel) : std::string();
  // A repository without reports yet (as `nines init` writes it) gets the folder; it is removed
  // again, with the file, when the freeze is undone.
  std::error_code ec;
  const std::filesystem::path folder = (dir / rel).parent_path();
  const bool new_folder = !std::filesystem::exists(folder, ec);
  if (new_folder && !std::filesystem::create_directories(folder, ec)) {
    std::cerr << "nines: cannot create " << folder.lexically_relative(dir).generic_string() << ": "
              << ec.message() << "; nothing was changed\n";
    return 3;
  }
  write_file_atomic(dir / rel, text);
  auto restore = [&] {
    if (before.empty())
      std::filesystem::remove(dir / rel);
    else
      write_file_atomic(dir / rel, before);
    if (new_folder) std::filesystem::remove(folder, ec);
  };
  // The frozen document must check clean; otherwise restore the file as it was.
  Run verify;
  if (auto code = run_edit_check(o.common, verify)) {
    restore();
    print_edit_check(verify, rel);
    std::cerr << "nines: freezing would have made the repository invalid; nothing was changed\n";
    return *code;
  }
  // Every document the file held must still be read from it (a file that no longer reads as a
  // monthly_report checks clean, as a skipped one).
  if (const std::string lost = documents_lost(run.repo, verify.repo, rel); !lost.empty()) {
    restore();
    std::cerr << "nines: cannot freeze " << r.period << ": " << rel
              << " would no longer be read as " << lost << "; nothing was changed\n";
    return 1;
  }
  // And the month must now read as frozen: a file the run does not read (or a document it does
  // not take as the month's) would leave the figures live while saying they are kept.
  auto frozen = verify.figures.reports.find(r.period);
  if (frozen == verify.figures.reports.end() || !frozen->second.frozen) {
    restore();
    std::cerr << "nines: " << r.period << " does not read as frozen after writing " << rel
              << " (is the file read? see nines.yaml include and exclude); nothing was changed\n";
    return 1;
  }
  // With --format, stdout is the report as it now reads (frozen) in that format, for a script or
  // a mail, and the line saying where it went moves to stderr.
  if (o.format_given) {
    std::cerr << "froze " << r.period << " into " << rel << "\n";
    print_report(o.format, verify, frozen->second);
  } else {
    std::cout << "froze " << r.period << " into " << rel << "\n";
  }
  return 0;
}

// ---- the command

int run_report(const ReportOpts& o) {
  if (!o.month.empty() && !parse_period(o.month)) {
    std::cerr << "nines: --month must be YYYY-MM, got '" << o.month << "'\n";
    return 2;
  }
  Run run;
  if (auto code = run_figures(o.common, run)) return *code;
  const std::string period = report_period(o, run.figures.now);
  auto it = run.figures.reports.find(period);
  if (it == run.figures.reports.end() && period > period_of_day(day_of(run.figures.now))) {
    // Not a month with no data: one that has not begun (its rows are stored, never shown).
    std::cerr << "nines: " << period << " has not begun yet; reports cover months up to the "
              << "current one\n";
    return 2;
  }
  if (it == run.figures.reports.end()) {
    std::string months;
    for (const auto& [p, r] : run.figures.reports)
      months += (months.empty() ? "" : ", ") + p;
    std::cerr << "nines: no data for " << period
              << " (no metrics, no postmortem dated in it, no monthly_report document and no "
                 "on-call health entry for it); "
              << (months.empty() ? "no month has data" : "months with data: " + months) << "\n";
    return 1;
  }
  if (o.freeze) return freeze_report(o, run, it->second);
  print_report(o.format, run, it->second);
  return 0;
}

} // namespace

void add_report_command(CLI::App& app, CommandAction& action) {
  auto* cmd = app.add_subcommand("report", "The monthly leadership report");
  auto opts = std::make_shared<ReportOpts>();
  add_report_options(cmd, *opts);
  cmd->callback([opts, &action] { action = [opts] { return run_report(*opts); }; });
}

} // namespace nines
