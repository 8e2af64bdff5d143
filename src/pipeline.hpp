// The driver: load → validate → link → metrics → compute → render → write.
//
// A run is a table of stages (pipeline.cpp). Each command names the last stage it needs (the CLI's
// command table), the driver runs the stages in order, times each one, and stops at the first
// stage boundary with errors, so every problem of a stage is reported at once.
#pragma once

#include "compute/figures_all.hpp"
#include "diag/diagnostic.hpp"
#include "metrics/pull.hpp"
#include "model/history.hpp"
#include "model/model.hpp"
#include "model/series.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace nines {

enum class Stage { Load, Validate, Link, Metrics, Compute, Render, Write };

// "load", "validate", ...: the names --timings prints.
const char* stage_name(Stage s);

// What the metrics stage does with the sources of nines.yaml.
enum class MetricsMode {
  Build, // import recorded CSV data, fetch what the store lacks and the live windows (unless
         // offline)
  Pull,  // `metrics pull`: fetch the closed days and golden signals only; nothing is computed
};

struct RunOptions {
  std::filesystem::path dir = ".";
  // `dir` is the repository itself: no search of its parents for nines.yaml. For a folder nines
  // wrote (check --since: REV's files in a private temporary folder), where a nines.yaml above
  // it belongs to something else.
  bool fixed_root = false;
  // The store the metrics stage opens instead of metrics.cache, given the path metrics.cache
  // names once nines.yaml is read; unset: that path. check --since hands each side a private copy
  // in its temporary folder, so the configured store is never opened or written.
  std::function<std::filesystem::path(const std::filesystem::path& configured)> store;
  Stage last = Stage::Link;
  // The findings are `check`'s even when the run goes on to compute: the postmortem budget claims
  // are judged at link by the recorded CSV rows, as `check` judges them, and compute reports none
  // of its own (by the store, which may hold pulled data too). check --since sets it, so each
  // side's diagnostics are what `check` reports on that tree, whether or not it reaches compute.
  bool check_findings = false;
  std::optional<std::string> now; // --now, as given
  // What the clock says, when a caller reads it once for several runs (serve: when it started,
  // so the rebuilds of one session are dated alike and can reuse each other's work); nullopt:
  // the system clock at the run's start. Below --now, SOURCE_DATE_EPOCH and as_of.
  std::optional<std::int64_t> clock;
  bool offline = false;
  bool strict = false;
  int jobs = 0;
  std::filesystem::path out;
  MetricsMode metrics = MetricsMode::Build;
  std::function<void(const PullProgress&)> pull_progress; // MetricsMode::Pull only
};

// One line of --timings: a stage, its wall time and what it handled.
struct StageTiming {
  Stage stage = Stage::Load;
  double wall_ms = 0;
  std::string counts; // e.g. "112 files, 140 documents"
};

// Everything a run produces; commands read what they need from it.
struct Run {
  RunOptions opts;
  Repo repo;
  DiagBag diags;
  std::int64_t now = 0;       // seconds since the epoch, UTC
  std::int64_t local_now = 0; // `now` as wall-clock seconds in the configured timezone
  Stage reached = Stage::Load;
  std::map<std::string, DailySeries> series; // metrics: daily good/total per SLO
  std::map<std::string, LiveWindows> live;   // metrics: short windows from a live source
  GoldenSeries golden;                       // metrics: stored golden signals per service
  std::set<std::string> measured;            // metrics: SLOs with a live query (--strict)
  std::optional<PullReport> pull;            // metrics: what the sources answered, when asked
  // metrics: per SLO, the days whose stored value is provisional (fetched before it had settled)
  std::map<std::string, std::set<std::int64_t>> provisional;
  // link: the prose links reported at their line, by (page, URL): render's link check of the
  // pages leaves them to that finding (they reach it when the rule is lowered to a warning).
  std::set<std::pair<std::string, std::string>> links_reported;
  History history; // load: what git knows of the files (staleness, "last changed"); a caller
                   // may set it beforehand (check --since reads it at a revision)
  Figures figures; // compute
  // write: the files of the site now in the output folder, and how many of them were not
  // rewritten (unchanged since the previous build); `up_to_date` when no input changed since the
  // previous build, which then stands as it is and nothing is rendered or written.
  std::size_t site_files = 0;
  std::size_t site_reused = 0;
  bool up_to_date = false;
  std::vector<StageTiming> timings; // one per stage run
  std::string fatal;                // a required file or backend could not be reached (exit 3)
  std::string usage_error;          // the options cannot be used (exit 2)
  // The output folder is the one nines.yaml `output` names, inside the repository: the content
  // chose it, so the writer takes it as it takes DIR/site (no "inside the repository" refusal).
  bool output_from_config = false;
  // -o names a folder inside the repository: refused unless it is the one nines.yaml `output`
  // names (then the same as leaving -o out), which only reading nines.yaml tells.
  bool output_unchecked = false;
  // nines.yaml `output` names a folder the writer refuses (SPEC 5: exit 2, as -o would be): kept
  // as a located diagnostic at the key, and the run's code is 2 when it was to write the site.
  bool output_refused = false;
  std::string internal_error; // a bug in nines (exit 4), with the file being processed if known
  std::string strict_failure; // --strict: live data not fresh (exit 3; the site is still written)
  std::string current_file;   // the document being processed, for internal-error messages
};

// "Now" is --now, else SOURCE_DATE_EPOCH, else the clock (SPEC 2): `clock` when given, else the
// system clock. Returns nullopt for a --now or SOURCE_DATE_EPOCH that cannot be parsed.
std::optional<std::int64_t> resolve_now(const std::optional<std::string>& flag,
                                        std::optional<std::int64_t> clock = std::nullopt);

// What a command says when resolve_now cannot read the time it was given (a usage error, exit 2):
// the --now value when one was given, else SOURCE_DATE_EPOCH's, named with where it came from.
std::string bad_now_message(const std::optional<std::string>& flag);

// The files a build into `run`'s output folder leaves beside the store for the next one (its
// record, the saved links, the saved views, the site's stamps and what it knows of the files),
// for a caller whose output folder does not outlive it (serve) to remove. Meaningful once
// run_pipeline has read nines.yaml.
std::vector<std::filesystem::path> build_state_files(const Run& run);

// Finds the repository from `run.opts.dir` (or the current folder), as git does, and makes it the
// run's folder. Without one the run stops before anything is read or written: false, with
// `run.usage_error` (no such folder, no nines.yaml: exit 2) or `run.fatal` (a folder or nines.yaml
// that is there but cannot be read: exit 3) set. run_pipeline starts with it.
bool resolve_repo(Run& run);

// Runs the stages up to `run.opts.last`, stopping at the first stage boundary with errors.
// Returns the exit code of SPEC 2: 0; 1 (content errors; warnings too under --strict); 2 (usage);
// 3 (a file or backend could not be reached); 4 (internal error).
int run_pipeline(Run& run);

// `metrics import FILE`: reads nines.yaml only (a repository with errors elsewhere can still take
// recorded data), checks FILE's rows with the validate stage's own decoder, so messages match
// `check`, and loads them into the store as the source `csv:import/<file name>`. Diagnostics go to
// run.diags; returns the exit code.
int import_csv_file(Run& run, const std::filesystem::path& file, ImportSummary& summary);

// The exit code of a finished run (the value run_pipeline returned).
int exit_code(const Run& run);

// The store's path for a repository: `metrics.cache` from nines.yaml, relative to the repository
// (RunOptions::store does not change it: it is the configured store).
std::filesystem::path store_path(const Run& run);

// The version, from CMake's project(VERSION).
extern const char* const k_version;

} // namespace nines
