// `nines metrics pull [DIR] [--now T]`: refresh the metrics store from the sources of nines.yaml.
// `nines metrics import FILE [-C DIR] [--now T]`: check a recorded CSV and load it into the store.
#include "cli/cli.hpp"
#include "diag/format.hpp"
#include "load/loader.hpp"
#include "metrics/http.hpp"
#include "metrics/pull.hpp"
#include "metrics/store.hpp"
#include "pipeline.hpp"
#include "validate/decode.hpp"
#include "validate/schemas.hpp"

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

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Prints content errors (or a fatal/usage problem) the way `check` does; nullopt when the run can
// go on.
std::optional<int> report_run_problems(const Run& run, int code) {
  if (!run.fatal.empty() || !run.usage_error.empty()) {
    std::cerr << "nines: " << run.fatal << run.usage_error << "\n";
    return code;
  }
  if (run.diags.has_errors()) {
    write_diagnostics(std::cerr, DiagFormat::Text, run.diags.sorted(), run.diags.error_count(),
                      run.diags.warning_count(), run.diags.dropped(), k_version);
    return code;
  }
  return std::nullopt;
}

int pull_command(const std::string& dir, const std::string& now_flag) {
  Run run;
  run.opts.dir = dir;
  run.opts.last = Stage::Link;
  run.opts.offline = true; // the pipeline's own Metrics stage is not run: we pull here
  if (!now_flag.empty()) run.opts.now = now_flag;
  const int code = run_pipeline(run);
  if (auto stop = report_run_problems(run, code)) return *stop;
  if (run.repo.config.sources.empty()) {
    std::cout << "nothing to pull: nines.yaml has no metrics sources\n";
    return 0;
  }

  std::unique_ptr<Store> store;
  try {
    store = Store::open(store_path(run));
  } catch (const StoreError& e) {
    std::cerr << "nines: " << e.what() << "\n";
    return 3;
  }
  ProgressLine line;
  PullOptions po;
  po.live = false; // the live windows are for a build's figures; the store keeps closed days only
  if (show_progress()) po.progress = [&line](const PullProgress& p) { line.update(p); };
  auto http = make_curl_client();
  PullReport report;
  try {
    report = pull_metrics(run.repo, *store, po, run.now, *http);
  } catch (const StoreError& e) {
    line.clear();
    std::cerr << "nines: " << e.what() << "\n";
    return 3;
  }
  line.clear();

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
            << plural(report.days_stored, "day", "days") << " and "
            << plural(report.golden_stored, "golden-signal value", "golden-signal values")
            << " stored";
  if (report.values_rejected) std::cout << ", " << report.values_rejected << " rejected";
  std::cout << "\n";
  if (report.unreachable_and_nothing_fetched()) {
    std::cerr << "nines: no metrics source could be reached; nothing was fetched\n";
    return 3;
  }
  return 0;
}

int import_command(const std::string& file, const std::string& dir, const std::string& now_flag) {
  auto now = resolve_now(now_flag.empty() ? std::nullopt : std::optional<std::string>(now_flag));
  if (!now) {
    std::cerr << "nines: cannot parse the time given by --now or SOURCE_DATE_EPOCH\n";
    return 2;
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    std::cerr << "nines: content repository '" << dir << "' is not a readable folder\n";
    return 3;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "nines: cannot read '" << file << "'\n";
    return 3;
  }

  // Only nines.yaml matters here (the cache path): a repository with errors elsewhere can still
  // take recorded data.
  Run run;
  run.opts.dir = dir;
  LoadOptions lopts;
  Node config = load_config_file(dir, lopts, run.diags);
  SchemaSet schemas;
  if (!config.is_null() && schemas.validate("nines", config, "nines.yaml", run.diags))
    decode_config(config, run.repo.config, run.diags);

  // Rows are checked by the validate stage's own decoder, so messages match `check`.
  Repo rows;
  std::string line;
  int n = 0;
  bool any = false;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line == "\r") continue;
    any = true;
    std::vector<std::string> cells;
    split_csv_line(line, cells);
    decode_csv_row(RawCsvRow{file, n, cells}, rows, run.diags);
  }
  if (!any)
    run.diags.error(file, {1, 1}, "csv-header",
                    "the file is empty; expected the header slo,date,good,total");
  if (run.diags.has_errors() || !run.diags.all().empty())
    write_diagnostics(std::cerr, DiagFormat::Text, run.diags.sorted(), run.diags.error_count(),
                      run.diags.warning_count(), run.diags.dropped(), k_version);
  if (run.diags.has_errors()) {
    std::cerr << "nines: nothing imported\n";
    return 1;
  }

  // Every imported file is its own source, named by its file name: a later import of the same
  // file replaces its rows, other files' rows stay.
  const std::string name = std::filesystem::path(file).filename().string();
  for (auto& r : rows.csv_rows)
    r.file = "import/" + name;
  try {
    auto store = Store::open(store_path(run));
    ImportSummary s = store->import_csv(rows.csv_rows, *now);
    std::cout << "imported " << plural(s.rows, "row", "rows") << " from " << file << " into "
              << store_path(run).string() << " as source csv:import/" << name << " (" << s.inserted
              << " new, " << s.replaced << " replaced, " << s.unchanged << " unchanged)\n";
  } catch (const StoreError& e) {
    std::cerr << "nines: " << e.what() << "\n";
    return 3;
  } catch (const std::invalid_argument& e) {
    std::cerr << "nines: " << e.what() << "\nnines: nothing imported\n";
    return 1;
  }
  return 0;
}

} // namespace

void add_metrics_command(CLI::App& app, CommandAction& action) {
  auto* cmd = app.add_subcommand("metrics", "Refresh the metrics store");
  cmd->require_subcommand(1);

  struct PullOpts {
    std::string dir = ".";
    std::string now;
  };
  auto po = std::make_shared<PullOpts>();
  auto* pull = cmd->add_subcommand("pull", "Fetch the closed days and golden signals the store "
                                           "lacks from the metrics sources");
  pull->add_option("dir", po->dir, "Content repository (default: current folder)");
  pull->add_option("--now", po->now,
                   "Date the run (ISO 8601); default SOURCE_DATE_EPOCH or the clock");
  pull->callback([po, &action] { action = [po] { return pull_command(po->dir, po->now); }; });

  struct ImportOpts {
    std::string file;
    std::string dir = ".";
    std::string now;
  };
  auto io = std::make_shared<ImportOpts>();
  auto* imp = cmd->add_subcommand("import", "Check a recorded CSV (slo,date,good,total) and load "
                                            "it into the store");
  imp->add_option("file", io->file, "CSV file with the header slo,date,good,total")->required();
  imp->add_option("-C,--dir", io->dir, "Content repository (default: current folder)");
  imp->add_option("--now", io->now,
                  "Date the import (ISO 8601); default SOURCE_DATE_EPOCH or the clock");
  imp->callback(
      [io, &action] { action = [io] { return import_command(io->file, io->dir, io->now); }; });
}

} // namespace nines
