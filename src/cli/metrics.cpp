// `nines metrics pull [DIR] [--now T]`: refresh the metrics store from the sources of nines.yaml.
// `nines metrics import FILE [-C DIR] [--now T]`: check a recorded CSV and load it into the store.
#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "diag/format.hpp"
#include "pipeline.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace nines {

namespace {

// Progress is for people watching a terminal; logs and CI get the summary line only.
bool show_progress() {
  const char* ci = std::getenv("CI");
  return isatty(STDOUT_FILENO) && (!ci || !*ci);
}

// Redraws one stderr line, at most ten times a second.
class ProgressLine {
public:
  void update(const PullProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    if (m_drawn && now - m_last < std::chrono::milliseconds(100) && p.done < p.total) return;
    m_last = now;
    m_drawn = true;
    const double rate = p.elapsed_s > 0 ? static_cast<double>(p.done) / p.elapsed_s : 0.0;
    std::fprintf(stderr, "\r\033[Kpulling: %zu/%zu queries, %zu failed, %.1f/s", p.done, p.total,
                 p.failed, rate);
    std::fflush(stderr);
  }
  void clear() {
    if (m_drawn) std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }

private:
  bool m_drawn = false;
  std::chrono::steady_clock::time_point m_last;
};

// Prints the run's diagnostics (the content's errors, or the fetch warnings) the way `check` does.
void print_diagnostics(const Run& run) {
  if (!run.diags.all().empty())
    write_diagnostics(std::cerr, DiagFormat::Text, run.diags.sorted(), run.diags.error_count(),
                      run.diags.warning_count(), run.diags.dropped(), k_version);
}

int pull_command(const CommonOpts& common) {
  Run run;
  apply_common_options(common, run);
  run.opts.last = Stage::Metrics;
  run.opts.metrics = MetricsMode::Pull;
  ProgressLine line;
  if (show_progress()) run.opts.pull_progress = [&line](const PullProgress& p) { line.update(p); };
  const int code = run_pipeline(run);
  line.clear();
  if (common.timings) print_timings(run, std::cerr);
  if (print_run_problems(run) || run.diags.has_errors()) {
    if (run.diags.has_errors()) print_diagnostics(run);
    return code;
  }
  if (!run.pull) {
    std::cout << "nothing to pull: nines.yaml has no metrics sources\n";
    return 0;
  }
  const PullReport& report = *run.pull;
  DiagBag diags;
  diags.set_overrides(run.repo.config.rules);
  for (const auto& e : report.errors)
    diags.warning(e.file, e.loc, "metrics-fetch", e.message);
  if (!diags.all().empty())
    write_diagnostics(std::cerr, DiagFormat::Text, diags.sorted(), diags.error_count(),
                      diags.warning_count(), diags.dropped(), k_version);

  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.1fs", report.elapsed_s);
  std::cout << "pulled " << plural(report.queries_done, "query", "queries") << " ("
            << report.queries_failed << " failed) from "
            << plural(report.sources.size(), "source", "sources") << " in " << elapsed << ": "
            << plural(report.days_stored, "day", "days");
  // Days not settled yet are stored and asked for again by the next pull.
  if (report.days_provisional) std::cout << " (" << report.days_provisional << " provisional)";
  std::cout << " and "
            << plural(report.golden_stored, "golden-signal value", "golden-signal values");
  if (report.golden_provisional) std::cout << " (" << report.golden_provisional << " provisional)";
  std::cout << " stored";
  if (report.values_rejected) std::cout << ", " << report.values_rejected << " rejected";
  std::cout << "\n";
  // 3: nothing could be fetched (every query failed); 1: some queries failed; 0: all answered.
  if (report.nothing_fetched()) {
    std::cerr << (report.unreachable_and_nothing_fetched()
                      ? "nines: no metrics source could be reached; nothing was fetched\n"
                      : "nines: every query failed; nothing was fetched\n");
    return 3;
  }
  if (report.queries_failed > 0) {
    std::cerr << "nines: " << report.queries_failed << " of "
              << plural(report.queries_done, "query", "queries")
              << " failed; what was fetched is stored\n";
    return 1;
  }
  return 0;
}

int import_command(const std::string& file, const CommonOpts& common) {
  Run run;
  run.opts.dir = common.dir;
  if (!common.now.empty()) run.opts.now = common.now;
  ImportSummary s;
  const auto start = std::chrono::steady_clock::now();
  const int code = import_csv_file(run, file, s);
  if (common.timings) {
    // The import is the metrics stage's work on one file (with the reading of nines.yaml and the
    // check of its rows against the repository's SLOs): one line, and the total.
    run.timings.push_back(
        {Stage::Metrics,
         std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
             .count(),
         plural(static_cast<long long>(s.rows), "row") + " imported"});
    print_timings(run, std::cerr);
  }
  print_diagnostics(run);
  if (print_run_problems(run)) return code;
  if (run.diags.has_errors()) {
    std::cerr << "nines: nothing imported\n";
    return code;
  }
  const std::string name = std::filesystem::path(file).filename().string();
  std::cout << "imported " << plural(s.rows, "row", "rows") << " from " << file << " into "
            << store_path(run).string() << " as source csv:import/" << name << " (" << s.inserted
            << " new, " << s.replaced << " replaced, " << s.unchanged << " unchanged, " << s.removed
            << " removed)\n";
  return code;
}

} // namespace

void add_metrics_command(CLI::App& app, CommandAction& action) {
  auto* cmd = app.add_subcommand("metrics", "Refresh the metrics store");
  set_example(cmd, "nines metrics pull\n  nines metrics import recorded.csv");
  cmd->require_subcommand(1);

  auto po = std::make_shared<CommonOpts>();
  auto* pull = cmd->add_subcommand("pull", "Fetch the closed days and golden signals the store "
                                           "lacks from the metrics sources");
  add_dir_argument(pull, *po);
  add_common_options(pull, *po, false);
  set_example(pull, "nines metrics pull   # then nines build --offline");
  po->command = "metrics";
  pull->callback([po, &action] { action = [po] { return pull_command(*po); }; });

  struct ImportOpts {
    std::string file;
    CommonOpts common;
  };
  auto io = std::make_shared<ImportOpts>();
  auto* imp = cmd->add_subcommand("import", "Check a recorded CSV (slo,date,good,total) and load "
                                            "it into the store");
  imp->add_option("file", io->file, "CSV file with the header slo,date,good,total")
      ->required()
      ->check(non_empty("a file"));
  add_common_options(imp, io->common, false);
  set_example(imp, "nines metrics import exported/checkout-2026-11.csv");
  io->common.command = "metrics";
  imp->callback([io, &action] { action = [io] { return import_command(io->file, io->common); }; });
}

} // namespace nines
