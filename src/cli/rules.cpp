// `nines rules [DIR] [-o FILE] [--check FILE]`: Prometheus recording and multi-window,
// multi-burn-rate alert rules from the SLOs, each alert linked to its runbook's page on the site.
// `--check FILE` compares with a committed rules file and fails on drift, for CI.
#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "diag/format.hpp"
#include "model/alerts.hpp"
#include "model/kinds.hpp"
#include "render/prom_rules.hpp"
#include "write/site_writer.hpp"

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

// Whether `file` starts with the line every rules file nines writes starts with.
bool written_by_nines(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string head(k_generated_rules_header.size(), '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  return in && head == k_generated_rules_header;
}

// Why `-o FILE` may not be written, or "" when it may: FILE is new, or a rules file nines wrote
// before. nines.yaml, a document the loader reads, any other file (or a folder, a FIFO) is
// refused, never replaced, as the output folder of `build` may only replace a previous site.
std::string refuse_output(const fs::path& out, const Repo& repo) {
  std::error_code ec;
  const auto st = fs::status(out, ec);
  if (st.type() == fs::file_type::not_found) return "";
  const fs::path file = fs::weakly_canonical(out, ec);
  const fs::path root = fs::weakly_canonical(repo.root, ec);
  if (file == root / "nines.yaml") return "it is the repository's nines.yaml";
  if (st.type() != fs::file_type::regular) return "it exists and is not a file";
  const std::string rel = file.lexically_relative(root).generic_string();
  if (!rel.empty() && rel.rfind("..", 0) != 0) {
    std::string kind;
    for_each_kind([&](const auto& row) {
      for (const auto& doc : repo.*row.docs)
        if (kind.empty() && doc.meta.file == rel) kind = std::string(row.label);
    });
    for (const auto& meta : repo.failed_docs)
      if (kind.empty() && meta.file == rel) kind = meta.kind;
    if (!kind.empty()) return "it is a document of the repository (" + kind + ")";
  }
  if (!written_by_nines(out))
    return "it exists and is not a rules file nines wrote (its first line is not '" +
           std::string(k_generated_rules_header) + " ...')";
  return "";
}

// The path in the repository of `file` when it is a rules file nines wrote there, else "". The
// loader reads it as any rule file; what it finds wrong there (a file an older nines wrote, an
// edit by hand) is about the file this run replaces or compares, and must not keep it from being
// regenerated or checked.
std::string own_rules_file(const fs::path& file, const Repo& repo) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec) || !written_by_nines(file)) return "";
  const fs::path root = fs::weakly_canonical(repo.root, ec);
  const std::string rel = fs::weakly_canonical(file, ec).lexically_relative(root).generic_string();
  return rel.empty() || rel.rfind("..", 0) == 0 ? "" : rel;
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
  cmd->add_option("-o,--output", opts->out, "Write the rules to FILE (default: standard output)")
      ->check(non_empty("a file"));
  cmd->add_option("--check", opts->check,
                  "Compare with a committed rules file; exit 1 when it differs (writes nothing, "
                  "so not with -o)")
      ->check(non_empty("a file"));
  add_common_options(cmd, opts->common, false);
  set_example(cmd, "nines rules -o prometheus/nines.rules.yaml");
  cmd->callback([opts, &action] {
    action = [opts] {
      // --check writes nothing: with -o one of the two would be ignored, and a CI step that
      // meant to regenerate (or to compare) would pass having done the other.
      if (!opts->check.empty() && !opts->out.empty()) {
        std::cerr << "nines: --check and -o cannot go together: --check compares the rules with a "
                     "committed file and writes nothing; write them with `nines rules -o "
                  << opts->out << "`, or compare with `nines rules --check " << opts->check
                  << "`\n";
        return 2;
      }
      Run run;
      apply_common_options(opts->common, run);
      int code = run_pipeline(run);
      if (opts->common.timings) print_timings(run, std::cerr);
      if (print_run_problems(run)) return code;
      // The errors of the rules file this run regenerates or compares are its own business: the
      // file is replaced, or reported as drift.
      const std::string own =
          own_rules_file(opts->check.empty() ? opts->out : opts->check, run.repo);
      std::size_t own_errors = 0;
      for (const auto& d : run.diags.all())
        if (d.severity == Severity::Error && !own.empty() && d.file == own) ++own_errors;
      if (run.diags.error_count() > own_errors || run.diags.dropped() > 0) {
        write_diagnostics(std::cerr, DiagFormat::Text, run.diags.sorted(), run.diags.error_count(),
                          run.diags.warning_count(), run.diags.dropped(), k_version);
        return code;
      }
      if (own_errors > 0)
        std::cerr << "nines: " << own << " has " << own_errors
                  << (own_errors == 1 ? " error" : " errors") << " of its own (`nines check` lists "
                  << (own_errors == 1 ? "it" : "them") << "); "
                  << (opts->check.empty() ? "it is regenerated" : "it is compared as it is")
                  << "\n";
      DiagBag warnings;
      const std::string rules = prometheus_rules(run.repo, warnings);
      if (warnings.warning_count() > 0 || warnings.has_errors())
        write_diagnostics(std::cerr, DiagFormat::Text, warnings.sorted(), warnings.error_count(),
                          warnings.warning_count(), 0, k_version);
      // A query that cannot make a valid rule leaves only its SLO out (a rules-query warning);
      // any error still writes nothing rather than a file Prometheus would refuse.
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
      if (const std::string why = refuse_output(opts->out, run.repo); !why.empty()) {
        std::cerr << "nines: refusing to write the rules to " << opts->out << ": " << why
                  << "; give another file with -o (nothing was written)\n";
        return 2;
      }
      try {
        write_file_atomic(opts->out, rules);
      } catch (const WriteError& e) {
        // "cannot write FILE: REASON", as every command's write errors read; the old file stays.
        std::cerr << "nines: " << e.what() << "\n";
        return 3;
      }
      return 0;
    };
  });
}

} // namespace nines
