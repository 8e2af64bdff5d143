// `nines rules [DIR] [-o FILE] [--check FILE]`: Prometheus recording and multi-window,
// multi-burn-rate alert rules from the SLOs, each alert linked to its runbook's page on the site.
// `--check FILE` compares with a committed rules file and fails on drift, for CI.
#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "diag/format.hpp"
#include "render/prom_rules.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

namespace nines {
namespace {

namespace fs = std::filesystem;

std::string line_at(const std::string& text, std::size_t n) {
  std::istringstream in(text);
  std::string line;
  for (std::size_t i = 1; std::getline(in, line); ++i)
    if (i == n) return line;
  return "";
}

// The first line where two texts differ (1-based), or 0 when they are equal.
std::size_t first_difference(const std::string& a, const std::string& b) {
  if (a == b) return 0;
  std::size_t line = 1;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] != b[i]) return line;
    if (a[i] == '\n') ++line;
  }
  return line;
}

bool write_atomically(const fs::path& file, const std::string& text, std::string& error) {
  fs::path tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.good()) {
      error = "cannot write " + tmp.string();
      return false;
    }
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) {
    fs::remove(tmp, ec);
    error = "cannot write " + file.string();
    return false;
  }
  return true;
}

} // namespace

void add_rules_command(CLI::App& app, CommandAction& action) {
  auto* cmd = app.add_subcommand(
      "rules", "Prometheus recording and burn-rate alert rules generated from the SLOs");
  struct Opts {
    CommonOpts common;
    std::string out;
    std::string check;
  };
  auto opts = std::make_shared<Opts>();
  add_dir_argument(cmd, opts->common);
  cmd->add_option("-o,--output", opts->out, "Write the rules to FILE (default: standard output)");
  cmd->add_option("--check", opts->check,
                  "Compare with a committed rules file; exit 1 when it differs");
  add_common_options(cmd, opts->common, false);
  set_example(cmd, "nines rules -o prometheus/nines.rules.yaml");
  cmd->callback([opts, &action] {
    action = [opts] {
      Run run;
      apply_common_options(opts->common, run);
      int code = run_pipeline(run);
      if (opts->common.timings) print_timings(run, std::cerr);
      if (print_run_problems(run)) return code;
      if (run.diags.has_errors()) {
        write_diagnostics(std::cerr, DiagFormat::Text, run.diags.sorted(), run.diags.error_count(),
                          run.diags.warning_count(), run.diags.dropped(), k_version);
        return code;
      }
      DiagBag warnings;
      const std::string rules = prometheus_rules(run.repo, warnings);
      if (warnings.warning_count() > 0 || warnings.has_errors())
        write_diagnostics(std::cerr, DiagFormat::Text, warnings.sorted(), warnings.error_count(),
                          warnings.warning_count(), 0, k_version);
      // A query that cannot make a valid rule: Prometheus loads a rule file all or nothing, so
      // nothing is written (or compared) rather than a file it refuses, as Sloth refuses to
      // generate from such a spec.
      if (warnings.has_errors()) return 1;
      if (run.repo.config.base_url.empty())
        std::cerr << "nines: nines.yaml has no base_url; runbook_url annotations are relative "
                     "to the site's root\n";

      if (!opts->check.empty()) {
        std::ifstream in(opts->check, std::ios::binary);
        if (!in) {
          std::cerr << "nines: rules drift: " << opts->check
                    << " does not exist; write it with `nines rules -o " << opts->check << "`\n";
          return 1;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        const std::string committed = ss.str();
        if (std::size_t line = first_difference(committed, rules)) {
          std::cerr << "nines: rules drift: " << opts->check
                    << " differs from the rules the SLOs generate, first at line " << line
                    << "\n  committed: " << line_at(committed, line)
                    << "\n  generated: " << line_at(rules, line)
                    << "\nregenerate it with `nines rules -o " << opts->check << "`\n";
          return 1;
        }
        std::cerr << "nines: " << opts->check << " is up to date\n";
        return 0;
      }
      if (opts->out.empty()) {
        std::cout << rules;
        return 0;
      }
      std::string error;
      if (!write_atomically(opts->out, rules, error)) {
        std::cerr << "nines: " << error << "\n";
        return 3;
      }
      return 0;
    };
  });
}

} // namespace nines
