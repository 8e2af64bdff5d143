#include "pipeline.hpp"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iomanip>
#include <sstream>

#include "link/link.hpp"
#include "load/loader.hpp"
#include "model/time.hpp"
#include "validate/decode.hpp"
#include "validate/schemas.hpp"
#include "validate/yaml_json.hpp"

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

// FNV-1a over the canonical JSON of a document: a change detector for sign-off digests, not a
// security boundary.
std::string digest_of(const std::string& canonical) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : canonical) {
    h ^= c;
    h *= 1099511628211ull;
  }
  std::ostringstream ss;
  ss << std::hex << std::setw(16) << std::setfill('0') << h;
  return ss.str();
}

bool checkpoint(const Run& run) { return !run.diags.has_errors(); }

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
  lopts.max_file_bytes = run.repo.config.max_file_bytes;
  lopts.yaml.max_nodes = run.repo.config.max_yaml_nodes;
  if (!o.out.empty()) {
    fs::path rel = fs::relative(o.out, o.dir, ec);
    if (!ec && !rel.empty() && *rel.begin() != "..") lopts.skip_dirs.push_back(rel.generic_string());
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
                  doc.kind == "backstage" || schemas.validate(schema, doc.root, doc.file, run.diags);
        if (!ok) return;
        decode_document(doc, digest_of(to_json(doc.root).value.dump()), run.repo, run.diags);
      },
      [&](RawCsvRow&& row) { decode_csv_row(row, run.repo, run.diags); });
  run.reached = Stage::Validate;
  if (!checkpoint(run) || o.last <= Stage::Validate) return exit_code(run);

  // Link: every reference must name a document, then the lints judge the repo as a whole. Lints
  // run even when references dangle so a pull request sees every problem at once.
  run.reached = Stage::Link;
  link_references(run.repo, run.diags);
  std::int64_t today = run.now >= 0 ? run.now / 86400 : (run.now - 86399) / 86400;
  run_lints(run.repo, today, run.diags);
  if (!checkpoint(run) || o.last <= Stage::Link) return exit_code(run);

  return exit_code(run);
}

} // namespace nines
