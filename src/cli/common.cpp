#include "cli/common.hpp"

#include "diag/format.hpp"
#include "load/loader.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string_view>
#include <unistd.h>

namespace nines {

namespace {

bool g_color = false; // decided once per command, before it prints (set_color)

} // namespace

void set_color(const std::string& when) {
  if (when == "always") {
    g_color = true;
  } else if (when == "never") {
    g_color = false;
  } else {
    const char* no_color = std::getenv("NO_COLOR");
    g_color = isatty(STDOUT_FILENO) != 0 && (no_color == nullptr || *no_color == '\0');
  }
}

bool color_enabled() {
  return g_color;
}

std::string paint(const std::string& text, std::string_view status) {
  if (!g_color || text.empty()) return text;
  std::string s(status);
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const char* code = nullptr;
  if (s == "healthy" || s == "ok" || s == "pass" || s == "fresh" || s == "met" || s == "approved" ||
      s == "yes")
    code = "32"; // green
  else if (s == "warning" || s == "stale" || s == "sev2" || s == "sev3" || s == "conditional" ||
           s == "todo")
    code = "33"; // yellow
  else if (s == "critical" || s == "sev1" || s == "page" || s == "blocked" || s == "fail" ||
           s == "over" || s == "missed" || s == "rejected")
    code = "31"; // red
  else if (s == "exhausted")
    code = "1;31"; // bold red: past critical
  else if (s == "ticket" || s == "sev4" || s == "info")
    code = "36"; // cyan
  else if (s == "missing" || s == "no data" || s == "unknown" || s == "na")
    code = "2"; // dim
  if (!code) return text;
  return std::string("\x1b[") + code + "m" + text + "\x1b[0m";
}

std::string paint(const std::string& status) {
  return paint(status, status);
}

void set_example(CLI::App* cmd, const std::string& example) {
  cmd->footer("Example:\n  " + example);
}

namespace {

// A decimal number as people write one: [+-]digits[.digits][(e|E)[+-]digits]. strtod also reads
// hexadecimal (0x10), which no one means by a growth or a target.
bool decimal_syntax(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
      ++i;
    return i - from;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t mantissa = digits();
  if (i < s.size() && s[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

} // namespace

CLI::Validator finite_number() {
  return CLI::Validator(
      [](const std::string& text) {
        const char* begin = text.c_str();
        char* end = nullptr;
        errno = 0;
        const double v = std::strtod(begin, &end);
        // Underflow (1e-320) is a finite number near zero; overflow is not finite.
        if (!decimal_syntax(text) || end == begin || *end != '\0' || !std::isfinite(v) ||
            (errno == ERANGE && std::fabs(v) >= 1.0))
          return "needs a finite number, got '" + text + "'";
        return std::string();
      },
      "NUMBER");
}

CLI::Validator finite_number_in(double lo, double hi, const std::string& what) {
  return CLI::Validator(
      [lo, hi, what](const std::string& text) {
        const std::string not_finite = finite_number()(text);
        if (!not_finite.empty()) return not_finite;
        const double v = std::strtod(text.c_str(), nullptr);
        if (v < lo || v > hi)
          return "needs " + what + " from " + shortest_text(lo) + " to " + shortest_text(hi) +
                 ", got '" + text + "'";
        return std::string();
      },
      "NUMBER");
}

std::string unusable_text(const std::string& value) {
  if (value.find_first_not_of(" \t") == std::string::npos) return "must not be empty";
  // As every file of the repository must be: text the command would write there.
  if (check_text(value)) return "must be UTF-8 text";
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    const auto next = i + 1 < value.size() ? static_cast<unsigned char>(value[i + 1]) : 0u;
    const auto third = i + 2 < value.size() ? static_cast<unsigned char>(value[i + 2]) : 0u;
    // U+2028 and U+2029 end a line too, to YAML 1.1 readers (PyYAML) and to editors.
    if (c == '\n' || c == '\r' || (c == 0xE2 && next == 0x80 && (third == 0xA8 || third == 0xA9)))
      return "must be one line";
    if (c < 0x20 || c == 0x7F || (c == 0xC2 && next >= 0x80 && next <= 0x9F))
      return "must not hold control characters";
  }
  return "";
}

CLI::Validator whole_number() {
  return CLI::Validator(
      [](const std::string& text) {
        // Digits only: CLI11 reads 010 as octal 8 and 0x50 as 80, which nobody means by a port
        // or a count of jobs.
        if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
            (text.size() > 1 && text[0] == '0'))
          return "needs a whole number in decimal digits (no sign, no leading zero), got '" + text +
                 "'";
        return std::string();
      },
      "INT");
}

CLI::Validator non_empty(const std::string& what) {
  return CLI::Validator(
      [what](const std::string& value) {
        return value.empty() ? "needs " + what + ", got an empty one" : std::string();
      },
      "");
}

void add_jobs_option(CLI::App* cmd, int& jobs, const std::string& default_is) {
  cmd->add_option("--jobs", jobs, "Parallel jobs (default: " + default_is + ")")
      ->check(whole_number())
      ->check(CLI::Range(0, 1024));
}

void add_dir_argument(CLI::App* cmd, CommonOpts& opts) {
  cmd->add_option("dir", opts.dir_arg, "Content repository (default: current folder)");
  // After the whole command line is read, whatever the order of DIR and -C.
  cmd->parse_complete_callback([cmd, &opts] {
    if (cmd->count("dir") == 0) return;
    if (cmd->count("--dir") > 0 && opts.dir != opts.dir_arg) {
      namespace fs = std::filesystem;
      std::error_code ec;
      const bool same = fs::equivalent(opts.dir, opts.dir_arg, ec) ||
                        fs::absolute(opts.dir, ec).lexically_normal() ==
                            fs::absolute(opts.dir_arg, ec).lexically_normal();
      if (!same)
        throw CLI::ValidationError("DIR '" + opts.dir_arg + "' and -C '" + opts.dir +
                                   "' name different folders; give one of them");
    }
    opts.dir = opts.dir_arg;
  });
}

void add_common_options(CLI::App* cmd, CommonOpts& opts, bool with_json) {
  opts.command = cmd->get_name();
  cmd->add_option("-C,--dir", opts.dir, "Content repository (default: current folder)");
  // An empty --now (an unset CI variable) must not quietly fall back to the clock.
  cmd->add_option(
         "--now", opts.now,
         "Date the run (ISO 8601); default SOURCE_DATE_EPOCH, nines.yaml as_of or the clock")
      ->check(non_empty("a time"));
  cmd->add_flag("--timings", opts.timings, "Print each stage's time to stderr");
  cmd->add_option("--color", opts.color,
                  "Colour the terminal output: auto (on a terminal, unless NO_COLOR is set), "
                  "always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  if (with_json) cmd->add_flag("--json", opts.json, "Print JSON (the same as the site's api/)");
}

void apply_common_options(const CommonOpts& opts, Run& run) {
  run.opts.dir = opts.dir;
  run.opts.last = last_stage_of(opts.command);
  set_color(opts.color);
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

std::optional<int> run_figures(const CommonOpts& opts, Run& run, bool github_annotations) {
  apply_common_options(opts, run);
  run.opts.offline = true;
  int code = run_pipeline(run);
  if (opts.timings) print_timings(run, std::cerr);
  if (print_run_problems(run)) return code;
  if (run.diags.has_errors()) {
    write_diagnostics(std::cerr, DiagFormat::Text, run.diags.sorted(), run.diags.error_count(),
                      run.diags.warning_count(), run.diags.dropped(), k_version);
    // A CI step that asked for annotations gets the errors that stopped it as annotations too,
    // on the file and line, not only a failed step with nothing on the pull request.
    if (github_annotations)
      write_diagnostics(std::cout, DiagFormat::Github, run.diags.sorted(), run.diags.error_count(),
                        run.diags.warning_count(), run.diags.dropped(), k_version);
    return code;
  }
  return std::nullopt;
}

std::optional<int> run_edit_check(const CommonOpts& opts, Run& run) {
  apply_common_options(opts, run);
  run.opts.offline = true;
  const int code = run_pipeline(run);
  const bool stopped = !run.usage_error.empty() || !run.fatal.empty() ||
                       !run.strict_failure.empty() || !run.internal_error.empty();
  if (stopped || run.diags.has_errors()) return code;
  return std::nullopt;
}

void print_edit_check(const Run& run, const std::string& edited_file) {
  if (print_run_problems(run)) return;
  std::vector<Diagnostic> diags = run.diags.sorted();
  for (auto& d : diags)
    if (d.file == edited_file) d.loc = Loc{};
  write_diagnostics(std::cerr, DiagFormat::Text, diags, run.diags.error_count(),
                    run.diags.warning_count(), run.diags.dropped(), k_version);
}

std::optional<std::string> resolve_team(const Repo& repo, const std::string& given,
                                        const std::vector<std::string>& other_ids) {
  auto lower = [](std::string s) {
    for (char& c : s)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  if (repo.config.teams.count(given)) return given;
  for (const auto& id : other_ids)
    if (id == given) return id;
  // Then the display name ("Platform & SRE"), which people type as they read it on the site.
  for (const auto& [id, team] : repo.config.teams)
    if (!team.name.empty() && lower(team.name) == lower(given)) return id;
  return std::nullopt;
}

int unknown_name(const std::string& what, const std::string& given,
                 const std::vector<std::string>& known) {
  std::cerr << "nines: unknown " << what << " '" << given << "'" << did_you_mean(given, known)
            << "\n";
  return 2;
}

std::string fmt_num(std::optional<double> v, int decimals) {
  if (!v || !std::isfinite(*v)) return "—";
  // fixed_text, as every page: an exact half rounds away from zero (41.25 → 41.3), where printf
  // rounds it to the even digit (41.2).
  return fixed_text(*v, decimals);
}

std::string fp_text(std::optional<double> pct) {
  const std::string v =
      number_against(pct, {k_false_positive_pct.healthy, k_false_positive_pct.critical}, 1);
  return v == "—" ? v : v + "%";
}

std::string fmt_pct(std::optional<double> pct, int decimals) {
  if (!pct || !std::isfinite(*pct)) return "—";
  return fmt_num(pct, decimals) + "%";
}

std::string budget_condition_text(const BudgetStateFigure& state) {
  if (!state.seed_band) return state.condition;
  return "none of its states covers this budget (policy-gap); the seed default's band " +
         state.condition + " applies";
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

// `s` without colour escapes (ESC [ ... m), which take no columns.
std::string plain(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {
      i = s.find('m', i);
      if (i == std::string::npos) break;
      continue;
    }
    out += s[i];
  }
  return out;
}

std::size_t width(const std::string& text) {
  return display_width(text);
}

// Right-align figures ("99.95%", "-34.39", "0.38", "—"), not text that starts with a digit.
bool numeric(const std::string& text) {
  const std::string s = plain(text);
  if (s == "—") return true;
  if (s.empty() || s.find_first_not_of("0123456789.,%+-x") != std::string::npos) return false;
  return s.find_first_of("0123456789") != std::string::npos;
}

} // namespace

std::size_t display_width(const std::string& text) {
  std::size_t w = 0;
  for (unsigned char c : plain(text))
    if ((c & 0xC0) != 0x80) ++w;
  return w;
}

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
