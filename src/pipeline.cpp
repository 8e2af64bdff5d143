#include "pipeline.hpp"

#include "link/link.hpp"
#include "load/loader.hpp"
#include "metrics/http.hpp"
#include "metrics/pull.hpp"
#include "metrics/store.hpp"
#include "model/digest.hpp"
#include "model/time.hpp"
#include "render/api_json.hpp"
#include "render/site.hpp"
#include "validate/decode.hpp"
#include "validate/schemas.hpp"
#include "validate/yaml_json.hpp"
#include "write/link_check.hpp"
#include "write/site_writer.hpp"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <set>

namespace nines {
namespace fs = std::filesystem;

const char* const k_version = "0.1.0";

std::optional<std::int64_t> resolve_now(const std::optional<std::string>& flag) {
  if (flag) return parse_timestamp(*flag);
  if (const char* sde = std::getenv("SOURCE_DATE_EPOCH"); sde && *sde) return parse_timestamp(sde);
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

// The configured timezone's offset from UTC at `now`, from the system's tz database. Periods and
// "today" are the wall-clock date there (SPEC 3.5: "a calendar month in the configured timezone").
std::optional<long> utc_offset(const std::string& tz, std::int64_t now) {
  if (tz.empty() || tz == "UTC" || tz == "Etc/UTC") return 0;
  std::error_code ec;
  if (tz.find("..") != std::string::npos || !fs::is_regular_file("/usr/share/zoneinfo/" + tz, ec))
    return std::nullopt;
  const char* old = std::getenv("TZ");
  std::string saved = old ? old : "";
  setenv("TZ", tz.c_str(), 1);
  tzset();
  std::time_t t = static_cast<std::time_t>(now);
  std::tm local{};
  localtime_r(&t, &local);
  long offset = local.tm_gmtoff;
  if (old)
    setenv("TZ", saved.c_str(), 1);
  else
    unsetenv("TZ");
  tzset();
  return offset;
}

bool checkpoint(const Run& run) {
  return !run.diags.has_errors();
}

int exit_code(const Run& run) {
  if (!run.fatal.empty()) return 3;
  if (run.diags.has_errors()) return 1;
  if (run.opts.strict && run.diags.warning_count() > 0) return 1;
  return 0;
}

} // namespace

int run_pipeline(Run& run) {
  const RunOptions& o = run.opts;
  std::error_code ec;
  if (!fs::is_directory(o.dir, ec)) {
    run.fatal = "content repository '" + o.dir.string() + "' is not a readable folder";
    return 3;
  }
  auto now = resolve_now(o.now);
  if (!now) {
    run.usage_error = "cannot parse the time given by --now or SOURCE_DATE_EPOCH";
    return 2;
  }
  run.now = *now;
  run.repo.root = fs::absolute(o.dir, ec).lexically_normal().string();
  SchemaSet schemas;

  // Load + validate nines.yaml first: it sets the limits, the rule severities and the defaults
  // that every later document is read with.
  LoadOptions lopts;
  Node config = load_config_file(o.dir, lopts, run.diags);
  if (!config.is_null() && schemas.validate("nines", config, "nines.yaml", run.diags))
    decode_config(config, run.repo.config, run.diags);
  run.diags.set_overrides(run.repo.config.rules);
  if (auto offset = utc_offset(run.repo.config.timezone, run.now)) {
    run.local_now = run.now + *offset;
  } else {
    run.local_now = run.now;
    run.diags.error("nines.yaml", run.repo.config.timezone_loc, "schema",
                    "unknown timezone '" + run.repo.config.timezone + "'",
                    "use an IANA name such as Europe/Berlin, or UTC");
  }
  lopts.max_file_bytes = run.repo.config.max_file_bytes;
  lopts.yaml.max_nodes = run.repo.config.max_yaml_nodes;
  if (!o.out.empty()) {
    fs::path rel = fs::relative(o.out, o.dir, ec);
    if (!ec && !rel.empty() && *rel.begin() != "..")
      lopts.skip_dirs.push_back(rel.generic_string());
  }

  // Load and validate, streamed: each document is parsed, schema-checked and decoded into the
  // typed model before the next is read, so only one file's YAML trees are ever alive (keeping
  // them all costs memory and time on large repos). Both stages' errors are collected and the
  // run stops at the boundary below.
  run.reached = Stage::Load;
  load_repo(
      o.dir, lopts, run.diags,
      [&](RawDoc&& doc) {
        std::string schema = doc.kind;
        bool ok = doc.kind == "prometheus_rules" || doc.kind == "openslo" ||
                  doc.kind == "backstage" ||
                  schemas.validate(schema, doc.root, doc.file, run.diags);
        if (!ok) return;
        decode_document(doc, fnv1a_hex(to_json(doc.root).value.dump()), run.repo, run.diags);
      },
      [&](RawCsvRow&& row) { decode_csv_row(row, run.repo, run.diags); });
  run.reached = Stage::Validate;
  if (!checkpoint(run) || o.last <= Stage::Validate) return exit_code(run);

  // Link: every reference must name a document, then the lints judge the repo as a whole. Lints
  // run even when references dangle so a pull request sees every problem at once.
  run.reached = Stage::Link;
  link_references(run.repo, run.diags);
  std::int64_t today = run.local_now >= 0 ? run.local_now / 86400 : (run.local_now - 86399) / 86400;
  run_lints(run.repo, today, run.diags);
  if (!checkpoint(run) || o.last <= Stage::Link) return exit_code(run);

  // Metrics: recorded CSV rows go into the store (replacing only their own earlier values), and
  // the daily series for compute are read back from it, merged across every source. The store
  // is the only memory between runs; a corrupt or newer one stops the run instead of being wiped.
  run.reached = Stage::Metrics;
  std::set<std::string> measured; // SLOs with a live query: --strict wants them fresh
  try {
    auto store = Store::open(store_path(run));
    store->import_csv(run.repo.csv_rows, run.now);
    // Then the sources: the closed days the store lacks, the golden signals and the short live
    // windows. A failed fetch is a warning; the build goes on from the store (SPEC 4.4), and
    // --offline makes no request at all.
    if (!o.offline && !run.repo.config.sources.empty()) {
      auto http = make_curl_client();
      PullReport pulled = pull_metrics(run.repo, *store, PullOptions{}, run.now, *http);
      run.live = std::move(pulled.live);
      measured = std::move(pulled.slos_measured);
      for (const auto& e : pulled.errors)
        run.diags.warning(
            e.file.empty() ? "nines.yaml" : e.file, e.loc, "metrics-fetch", e.message,
            "the figures use the data already stored and are marked stale or missing");
    }
    run.series = store->daily_series();
  } catch (const StoreError& e) {
    run.fatal = e.what();
    return 3;
  }
  if (o.last <= Stage::Metrics) return exit_code(run);

  // Compute: every figure of SPEC section 3, once. Pages, the API and the terminal only read them.
  run.reached = Stage::Compute;
  // Figures are dated in the configured timezone: compute sees wall-clock time there.
  run.figures = compute_all(run.repo, run.series, run.live, run.local_now);
  if (o.last <= Stage::Compute) return exit_code(run);

  // --strict: a figure of a live-measured SLO built on stale or missing data fails the build
  // (exit 3, SPEC 4.4). The site is still written, so the last good numbers stay visible.
  if (o.strict && !measured.empty()) {
    std::vector<std::string> bad;
    for (const auto& f : run.figures.slos)
      if (measured.count(f.id) && f.data.status != "fresh")
        bad.push_back(f.id + " (" + f.data.status + ")");
    if (!bad.empty()) {
      std::string list;
      for (std::size_t i = 0; i < bad.size() && i < 5; ++i)
        list += (i ? ", " : "") + bad[i];
      if (bad.size() > 5) list += " and " + std::to_string(bad.size() - 5) + " more";
      run.fatal = "--strict: the metrics of " + list + " are not fresh";
    }
  }

  // Render: the pages and the JSON API as an in-memory tree of files, so the write stage can swap
  // the whole site in at once. Every internal link and anchor is checked before anything is
  // written.
  run.reached = Stage::Render;
  SiteOptions site;
  site.base_url = run.repo.config.base_url;
  site.version = k_version;
  site.jobs = o.jobs;
  site.override_dir = fs::path(o.dir) / "layouts";
  std::vector<BrokenLink> broken;
  try {
    run.files = render_site(run.repo, run.figures, run.diags.sorted(), run.series, site, broken);
  } catch (const std::exception& e) {
    // A broken theme override is the repository's error, reported like any other.
    run.diags.error("layouts", {}, "theme", e.what());
    return exit_code(run);
  }
  for (const auto& b : broken)
    run.diags.error(b.page, {}, "broken-link",
                    "broken internal link to '" + b.target + "': " + b.reason);
  if (!checkpoint(run) || o.last <= Stage::Render) return exit_code(run);

  // Write: the whole tree goes to a temp folder beside OUT and is swapped in only when complete,
  // so an error or a kill leaves the previous site as it was.
  run.reached = Stage::Write;
  try {
    SiteWriter writer(o.out.empty() ? fs::path(o.dir) / "site" : o.out);
    for (auto& [path, bytes] : run.files)
      writer.add(path, bytes);
    writer.commit();
  } catch (const std::exception& e) {
    run.fatal = std::string("cannot write the site: ") + e.what();
    return 3;
  }
  if (!run.fatal.empty()) return 3; // --strict with stale data: the site is written, the run fails
  return exit_code(run);
}

std::filesystem::path store_path(const Run& run) {
  fs::path p = run.repo.config.cache_path;
  return p.is_absolute() ? p : fs::path(run.opts.dir) / p;
}

} // namespace nines
