// The driver: load → validate → link → metrics → compute → render → write.
#pragma once

#include "compute/figures_all.hpp"
#include "diag/diagnostic.hpp"
#include "model/model.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace nines {

// Each command names the last stage it needs, as ninja's tools do: `check` stops after Link.
enum class Stage { Load, Validate, Link, Metrics, Compute, Render, Write };

struct RunOptions {
  std::filesystem::path dir = ".";
  Stage last = Stage::Link;
  std::optional<std::string> now; // --now, as given
  bool offline = false;
  bool strict = false;
  int jobs = 0;
  std::filesystem::path out;
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
  Figures figures;                           // compute
  std::map<std::string, std::string> files;  // render: output path → content
  std::string fatal;       // a required file or backend could not be reached (exit 3)
  std::string usage_error; // the options cannot be used (exit 2)
};

// "Now" is --now, else SOURCE_DATE_EPOCH, else the clock (SPEC 2). Returns nullopt for a --now or
// SOURCE_DATE_EPOCH that cannot be parsed.
std::optional<std::int64_t> resolve_now(const std::optional<std::string>& flag);

// Runs the stages up to `run.opts.last`, stopping at the first stage boundary with errors.
// The store's path for a repository: `metrics.cache` from nines.yaml, relative to the repository.
std::filesystem::path store_path(const Run& run);

// Returns the exit code of SPEC 2: 0, 1 (content errors; warnings too under --strict), or 3.
int run_pipeline(Run& run);

extern const char* const k_version;

} // namespace nines
