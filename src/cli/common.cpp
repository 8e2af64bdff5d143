#include "cli/common.hpp"

#include "diag/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace nines {

void add_common_options(CLI::App* cmd, CommonOpts& opts, bool with_json) {
  opts.command = cmd->get_name();
  cmd->add_option("-C,--dir", opts.dir, "Content repository (default: current folder)");
  cmd->add_option("--now", opts.now,
                  "Date the run (ISO 8601); default SOURCE_DATE_EPOCH or the clock");
  cmd->add_flag("--timings", opts.timings, "Print each stage's time to stderr");
  if (with_json) cmd->add_flag("--json", opts.json, "Print JSON (the same as the site's api/)");
}

void apply_common_options(const CommonOpts& opts, Run& run) {
  run.opts.dir = opts.dir;
  run.opts.last = last_stage_of(opts.command);
  if (!opts.now.empty()) run.opts.now = opts.now;
}

void print_timings(const Run& run, std::ostream& out) {
  double total = 0;
  for (const auto& t : run.timings) {
    char line[64];
    std::snprintf(line, sizeof line, "%-9s %9.1f ms  ", stage_name(t.stage), t.wall_ms);
    out << line << t.counts << "\n";
    total += t.wall_ms;
  }
  char line[64];
  std::snprintf(line, sizeof line, "%-9s %9.1f ms", "total", total);
  out << line << "\n";
}

bool print_run_problems(const Run& run) {
  bool stopped = false;
  for (const std::string* m : {&run.usage_error, &run.fatal, &run.strict_failure})
    if (!m->empty()) {
      std::cerr << "nines: " << *m << "\n";
      stopped = true;
    }
  if (!run.internal_error.empty()) {
    std::cerr << "nines: internal error: " << run.internal_error << "\n";
    stopped = true;
  }
  return stopped;
}

std::optional<int> run_figures(const CommonOpts& opts, Run& run) {
  apply_common_options(opts, run);
  run.opts.offline = true;
  int code = run_pipeline(run);
  if (opts.timings) print_timings(run, std::cerr);
  if (print_run_problems(run)) return code;
  if (run.diags.has_errors()) {
    write_diagnostics(std::cerr, DiagFormat::Text, run.diags.sorted(), run.diags.error_count(),
                      run.diags.warning_count(), run.diags.dropped(), k_version);
    return code;
  }
  return std::nullopt;
}

std::string fmt_num(std::optional<double> v, int decimals) {
  if (!v || !std::isfinite(*v)) return "—";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, *v);
  return buf;
}

std::string fmt_pct(std::optional<double> pct, int decimals) {
  if (!pct || !std::isfinite(*pct)) return "—";
  return fmt_num(pct, decimals) + "%";
}

std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

namespace {

// Display width in terminal columns: counts UTF-8 code points, not bytes ("—" is one column).
std::size_t width(const std::string& s) {
  std::size_t w = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++w;
  return w;
}

// Right-align figures ("99.95%", "-34.39", "0.38", "—"), not text that starts with a digit.
bool numeric(const std::string& s) {
  if (s == "—") return true;
  if (s.empty() || s.find_first_not_of("0123456789.,%+-x") != std::string::npos) return false;
  return s.find_first_of("0123456789") != std::string::npos;
}

} // namespace

void Table::print(std::ostream& out) const {
  std::vector<std::size_t> widths(m_header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], width(row[i]));
  };
  measure(m_header);
  for (const auto& r : m_rows)
    measure(r);
  auto line = [&](const std::vector<std::string>& row, bool header) {
    std::string text;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      std::string cell = i < row.size() ? row[i] : "";
      std::string pad(widths[i] - width(cell), ' ');
      bool right = !header && numeric(cell);
      if (i > 0) text += "  ";
      text += right ? pad + cell : cell + (i + 1 < widths.size() ? pad : "");
    }
    while (!text.empty() && text.back() == ' ')
      text.pop_back();
    out << text << "\n";
  };
  line(m_header, true);
  for (const auto& r : m_rows)
    line(r, false);
}

} // namespace nines
