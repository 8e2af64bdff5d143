#include "pipeline.hpp"

#include "compute/readiness.hpp"
#include "diag/errors.hpp"
#include "history/history.hpp"
#include "link/link.hpp"
#include "load/loader.hpp"
#include "metrics/http.hpp"
#include "metrics/pull.hpp"
#include "metrics/store.hpp"
#include "model/digest.hpp"
#include "model/entity_ref.hpp"
#include "model/numbers.hpp"
#include "model/parallel.hpp"
#include "model/time.hpp"
#include "net/net.hpp"
#include "render/content_links.hpp"
#include "render/site.hpp"
#include "render/theme.hpp"
#include "validate/decode.hpp"
#include "validate/schemas.hpp"
#include "validate/yaml_json.hpp"
#include "write/link_check.hpp"
#include "write/site_writer.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <elf.h>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <link.h>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <set>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_set>

namespace nines {
namespace fs = std::filesystem;

#ifndef NINES_VERSION
#error "NINES_VERSION comes from CMake's project(VERSION)"
#endif
const char* const k_version = NINES_VERSION;

const char* stage_name(Stage s) {
  switch (s) {
  case Stage::Load:
    return "load";
  case Stage::Validate:
    return "validate";
  case Stage::Link:
    return "link";
  case Stage::Metrics:
    return "metrics";
  case Stage::Compute:
    return "compute";
  case Stage::Render:
    return "render";
  case Stage::Write:
    return "write";
  }
  return "?";
}

std::optional<std::int64_t> resolve_now(const std::optional<std::string>& flag,
                                        std::optional<std::int64_t> clock) {
  // From the epoch on: a "now" in year 0 put the windows before it in negative years, dates no
  // page or API field can write (SOURCE_DATE_EPOCH is never before it either).
  auto from_epoch = [](std::optional<std::int64_t> t) { return t && *t >= 0 ? t : std::nullopt; };
  if (flag) return from_epoch(parse_timestamp(*flag));
  if (const char* sde = std::getenv("SOURCE_DATE_EPOCH"); sde && *sde)
    return from_epoch(parse_timestamp(sde));
  if (clock) return clock;
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// What the stages hand each other beyond the Run: the schemas and the load options are set up
// from nines.yaml before the first document is read.
struct Context {
  explicit Context(Run& r) : run(r) {}
  ~Context() {
    // A build that stopped before write leaves no half-saved views behind.
    prose_out.reset();
    std::error_code ec;
    if (!prose_temp.empty()) std::filesystem::remove(prose_temp, ec);
  }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  Run& run;
  SchemaSet schemas;
  LoadOptions load;
  double validate_ms = 0; // validation runs inside the load stream; its time is kept apart
  std::map<std::string, std::string> theme_overrides; // load: the repository's layouts/
  std::size_t files = 0, documents = 0, decoded = 0, csv_rows = 0;
  std::string last_file;
  std::set<std::string> files_with_documents; // load: the files a document was read from
  // Incremental builds: the hash of every input of this build ("" when it cannot be skipped),
  // and whether the previous build had the same, so its site stands and the stages are skipped.
  std::string fingerprint;
  bool up_to_date = false;
  // Rebuilding after a body edit (render/site.hpp): this build's fingerprint without the Markdown
  // bodies and the hash of each body; when only bodies changed since the previous build (and its
  // record, site and saved views allow it), the plan that replaces render and write.
  ProseFingerprint prose_fp;
  // The hash of the nines.yaml read_config read ("" for none): the fingerprint's walk reads the
  // file again later, and a file replaced in between (an editor's save, `git checkout`) must not
  // make the settings read stand for the new file's.
  std::string config_hash;
  // What the fingerprint's walk knows of each file (load's FingerprintCache), saved beside the
  // record when it changed, so the next walk reads only the files that did.
  FingerprintCache file_cache;
  // The files the fingerprint's walk read, for the loader to take instead of reading them again;
  // emptied by load.
  std::unique_ptr<ReadAhead> read_ahead;
  struct ProsePlan {
    std::string token;                           // names the saved views (prose_path)
    SiteManifest manifest;                       // the site's, when the plan was made
    ProseState state;                            // the saved views
    std::map<std::string, std::string> bodies;   // changed since the views were saved → body now
    std::set<std::string> changed;               // of them, changed since the previous build
    nlohmann::json saved_bodies;                 // each body's hash when the views were saved
    std::map<std::string, SiteFileUpdate> files; // the files made again (when planned), → write
    SiteStats rendered;                          // what making them took, for --timings
    std::vector<BrokenLink> broken; // the link check's findings, all in pages made again
    std::size_t pages = 0;          // pages of the site (manifest entries with inputs)
    SavedLinks links;               // every page's, for the link check
    bool git = false;               // the history was read (and is as it was)
    nlohmann::json uncommitted;     // as the record had them
    nlohmann::json signed_files;    // as the record had them (signed_files())
    nlohmann::json outside_slots;   // as the record had them (bodies_outside_slots)
  };
  std::optional<ProsePlan> prose;
  // A build that renders the whole site saves the views a later prose rebuild needs, streamed to
  // a temporary file beside the record as the pages are made, under the token its record gives.
  std::mutex prose_mutex;
  std::unique_ptr<std::ofstream> prose_out;
  std::filesystem::path prose_temp;
  std::string prose_token;
  std::size_t prose_pages = 0;
  std::string prose_digests; // each record's content_hash, in the order written
  std::string prose_pending; // records not yet written (add_prose_record)
  bool prose_search_saved = false;
  // render → write: the writer the pages stream into (its temporary tree is removed with it
  // unless write commits), the links of every page for the check before the swap, and the
  // render figures for --timings.
  std::unique_ptr<SiteWriter> writer;
  SavedLinks links;
  SiteStats rendered;
};

// The site folder: -o, else DIR/site.
fs::path output_dir(const Run& run) {
  return run.opts.out.empty() ? fs::path(run.opts.dir) / "site" : run.opts.out;
}

// nines.yaml first: it sets the limits, the rule severities, the timezone and the defaults that
// every later document is read with.
void read_config(Context& c) {
  Run& run = c.run;
  const RunOptions& o = run.opts;
  const std::size_t errors_before = run.diags.error_count();
  std::string config_bytes;
  Node config = load_config_file(o.dir, c.load, run.diags, &config_bytes);
  std::error_code config_ec;
  c.config_hash = fs::exists(fs::symlink_status(fs::path(o.dir) / "nines.yaml", config_ec))
                      ? content_hash(config_bytes)
                      : std::string();
  if (run.diags.error_count() > errors_before)
    run.repo.config.teams_known = run.repo.config.sources_known = false;
  // A setting in error costs only itself: every other one is read (include and exclude, rules,
  // teams, defaults) and the documents are linked and linted against them; the broken one keeps
  // its default. The error still fails the run.
  if (!config.is_null()) {
    if (c.schemas.validate("nines", config, "nines.yaml", run.diags)) {
      decode_config(config, run.repo.config);
    } else {
      const Node valid = c.schemas.valid_part("nines", config);
      decode_config(valid, run.repo.config);
      if (config.get("teams") && !valid.get("teams")) run.repo.config.teams_known = false;
      // Sources left out (one, or the whole `metrics` section): their names are not judged.
      auto sources_of = [](const Node& n) -> std::size_t {
        const Node* m = n.get("metrics");
        const Node* s = m && m->is_map() ? m->get("sources") : nullptr;
        return s && s->is_seq() ? s->items.size() : 0;
      };
      if (sources_of(config) != sources_of(valid) ||
          (config.get("metrics") && !valid.get("metrics")))
        run.repo.config.sources_known = false;
      // A team left out has its own error: references to it are not reported on top of it.
      if (const Node* teams = config.get("teams"); teams && teams->is_map())
        for (const auto& e : teams->entries)
          if (!run.repo.config.teams.count(e.key)) run.repo.failed_ids.insert(e.key);
    }
  }
  // A frozen or demo repository pins its own "now" (`as_of`), below --now and SOURCE_DATE_EPOCH.
  const char* sde = std::getenv("SOURCE_DATE_EPOCH");
  if (!o.now && !(sde && *sde) && !run.repo.config.as_of.empty()) {
    if (auto t = parse_timestamp(run.repo.config.as_of))
      run.now = *t;
    else
      run.diags.error("nines.yaml", run.repo.config.as_of_loc, "schema",
                      "cannot parse as_of '" + run.repo.config.as_of + "'; the clock is used",
                      "use an ISO 8601 time such as 2026-11-01T00:00:00Z");
  }
  // A default window of part days is one error at the setting, which keeps its default (28d),
  // not one at every SLO that would inherit it.
  if (auto w = parse_duration_minutes(run.repo.config.default_slo_window);
      w && (*w < 1440.0 || std::fmod(*w, 1440.0) != 0.0)) {
    run.diags.error("nines.yaml", run.repo.config.default_slo_window_loc, "slo-window",
                    "defaults.slo_window '" + run.repo.config.default_slo_window +
                        "' is not a whole number of days; 28d is used",
                    "budgets are computed over whole days, e.g. 28d or 30d");
    run.repo.config.default_slo_window = Config{}.default_slo_window;
  }
  run.diags.set_overrides(run.repo.config.rules);
  // A date or a time without an offset (`--now 2026-11-01`, `as_of: 2026-11-01`) is the
  // repository's wall clock, as every date nines shows is: midnight in its timezone, not in UTC.
  const std::string* now_text = o.now ? &*o.now
                                : !(sde && *sde) && !run.repo.config.as_of.empty()
                                    ? &run.repo.config.as_of
                                    : nullptr;
  if (now_text && timestamp_is_wall_clock(*now_text))
    if (auto instant = wall_clock_instant(run.repo.config.timezone, run.now)) run.now = *instant;
  if (auto offset = utc_offset(run.repo.config.timezone, run.now)) {
    run.local_now = run.now + *offset;
  } else {
    run.local_now = run.now;
    run.diags.error(
        "nines.yaml", run.repo.config.timezone_loc, "schema",
        [&] {
          const std::string near = did_you_mean(run.repo.config.timezone, time_zone_names());
          return "unknown timezone '" + run.repo.config.timezone + "'" +
                 (near.empty() ? "; UTC is used" : near + " UTC is used");
        }(),
        "use an IANA name such as Europe/Berlin, or UTC");
    run.repo.config.timezone = "UTC"; // as said: no later stage reads the unknown name
  }
  // A token pasted where the name of its variable goes is a credential committed to the
  // repository: an error at the key that never quotes it (it would reach CI logs and the site's
  // api/diagnostics.json), rather than a pull that reports "variable <token> is not set".
  for (const MetricsSource& src : run.repo.config.sources)
    if (looks_like_token(src.bearer_token_env))
      run.diags.error("nines.yaml", src.bearer_token_env_loc, "schema",
                      "metrics source '" + src.name +
                          "': bearer_token_env holds what looks like a token itself (not shown), "
                          "not the name of an environment variable",
                      "name the variable that holds the token, e.g. bearer_token_env: PROM_TOKEN, "
                      "and revoke this token: it is in the repository's history");
  // nines.yaml `output` is the site's folder when -o is not given: inside the repository (a
  // setting in the content may not send the site elsewhere), and then as -o, refused by the
  // writer when it is anything but a previous nines site.
  auto inside = [](const fs::path& rel) {
    return !(rel.is_absolute() || rel.empty() || *rel.begin() == ".." || rel == ".");
  };
  // An -o inside the repository naming that folder is the same as leaving -o out; any other is
  // refused as the check before the run refuses it (exit 2).
  if (run.output_unchecked) {
    run.output_unchecked = false;
    const fs::path rel = fs::path(run.repo.config.output).lexically_normal();
    if (inside(rel) && same_folder(o.dir / rel, run.opts.out))
      run.opts.out.clear();
    else
      check_output_dir(run.opts.out, run.repo.root);
  }
  // The key is checked whether or not -o overrides it: `check` and `build -o` agree on it.
  if (const std::string& out = run.repo.config.output; !out.empty()) {
    const fs::path rel = fs::path(out).lexically_normal();
    // Where it really is: a symbolic link in the repository (`lnk -> ../elsewhere`, output:
    // lnk/site) must not carry the site out of it either.
    std::error_code ec;
    const fs::path real_rel =
        fs::weakly_canonical(o.dir / rel, ec).lexically_relative(fs::weakly_canonical(o.dir, ec));
    // A folder holding the repository (`..`) is refused as the output folder of a build it would
    // be the output of (no -o), exit 2 as for `.` (SPEC 5); any other folder out of the
    // repository is an error of nines.yaml alone (exit 1), as it is for `check`.
    // A non-empty folder nines did not write is refused alike (SPEC 5: exit 2), wherever it is.
    auto refused_as_output = [&](const fs::path& folder) {
      if (o.last < Stage::Write || !run.opts.out.empty()) return false;
      if (lies_inside(o.dir, folder)) return true;
      try {
        check_output_dir(folder, {});
        return false;
      } catch (const OutputRefused&) {
        return true;
      }
    };
    // The repository however it is spelt (`.`, `../repo`, a link to it): its own message and
    // exit, as for `-o`.
    if (rel == "." || rel == "./" || same_folder(o.dir / rel, o.dir)) {
      // The repository itself: refused as `-o .` is (SPEC 5, exit 2 for a build).
      run.diags.error("nines.yaml", run.repo.config.output_loc, "schema",
                      "output '" + out +
                          "' is the content repository itself, which a build never "
                          "replaces",
                      "name a folder inside it, e.g. output: public (or use -o)");
      run.output_refused = o.last >= Stage::Write;
    } else if (!inside(rel)) {
      run.diags.error("nines.yaml", run.repo.config.output_loc, "schema",
                      "output '" + out + "' is not a folder inside the content repository",
                      "name a folder relative to nines.yaml, e.g. output: public (or use -o)");
      run.output_refused = refused_as_output(o.dir / rel);
    } else if (ec || !inside(real_rel)) {
      run.diags.error("nines.yaml", run.repo.config.output_loc, "schema",
                      "output '" + out +
                          "' leads out of the content repository through a symbolic link",
                      "name a folder of the repository itself, e.g. output: public (or use -o)");
      run.output_refused = refused_as_output(o.dir / rel);
    } else if (run.opts.out.empty()) {
      // Refused as -o would be (a folder of documents, a file); a refused one is not the output
      // folder, so the walk still reads it rather than hiding its documents behind the error.
      try {
        check_output_dir(o.dir / rel, {});
        run.opts.out = o.dir / rel;
        run.output_from_config = true;
      } catch (const OutputRefused& e) {
        run.diags.error("nines.yaml", run.repo.config.output_loc, "schema", e.what(),
                        "name a new folder, or one a previous build wrote");
        run.output_refused = o.last >= Stage::Write;
      }
    }
  }
  // The store inside the site's folder would be published with it (its fetch log and every
  // count), and a first build would write it there before the writer refuses a folder nines did
  // not write. Checked against the folder this run writes, or the default one for `check`.
  {
    const fs::path site = normal_output_dir(output_dir(run));
    const fs::path store = fs::absolute(store_path(run)).lexically_normal();
    const fs::path rel = store.lexically_relative(site);
    if (!rel.empty() && *rel.begin() != "..") {
      fs::path shown = site.lexically_relative(fs::absolute(run.opts.dir).lexically_normal());
      if (shown.empty() || *shown.begin() == "..") shown = site;
      const Loc& at = run.repo.config.cache_loc.line > 0 ? run.repo.config.cache_loc
                                                         : run.repo.config.output_loc;
      run.diags.error("nines.yaml", at, "schema",
                      "metrics.cache '" + run.repo.config.cache_path +
                          "' is inside the output folder '" + shown.generic_string() +
                          "', which is published with the store in it",
                      "keep the store outside the site, e.g. cache: .nines/cache.db");
    }
  }
  c.load.max_file_bytes = run.repo.config.max_file_bytes;
  c.load.yaml.max_nodes = run.repo.config.max_yaml_nodes;
  c.load.include = run.repo.config.include;
  c.load.include_locs = run.repo.config.include_locs;
  c.load.exclude = run.repo.config.exclude;
  // The output folder and the store's are nines' own: the walk does not read them (and `check
  // --verbose` names links into them by the same list).
  c.load.skip_dirs = run_skip_dirs(o.dir, o.out, store_path(run));
}

// A document that did not validate: the ids it may have had, so that references to it are not
// reported as dangling on top of its own error.
void note_failed(Repo& repo, const RawDoc& doc) {
  repo.failed_ids.insert(path_stem_slug(doc.file));
  if (doc.kind == "runbook") repo.runbook_may_have_failed = true;
  for (const Node* n : {doc.root.get(doc.kind), doc.root.get("metadata")}) {
    if (!n) continue;
    for (const char* key : {"id", "name"})
      if (const Node* v = n->get(key); v && v->is_scalar()) {
        repo.failed_ids.insert(v->value);
        // A dialect's name as references name it: a Backstage entity reference's slug.
        repo.failed_ids.insert(slug_id(v->value));
      }
  }
  // Its id as the decoder chooses it (its `id`, the `name` where the kind's rule takes it, else
  // the file name's slug), where the document has the shape to hold one.
  const Node* body = doc.root.get(doc.kind);
  if (!body || !body->is_map()) return;
  for_each_kind([&](const auto& row) {
    if (row.name != doc.kind) return;
    DocMeta m;
    m.kind = doc.kind;
    m.file = doc.file;
    m.id = path_stem_slug(doc.file);
    m.id_loc = doc.kind_loc;
    const Node* id = body->get("id");
    const Node* name = row.id_rule == IdRule::NameOrPathStem ? body->get("name") : nullptr;
    if (const Node* v = id ? id : name; v && v->is_scalar()) {
      m.id = v->value;
      m.id_loc = v->loc;
    } else if (id) {
      return; // an `id` that is not text: no id a new document could collide with
    }
    repo.failed_docs.push_back(std::move(m));
  });
}

// ---------------------------------------------------------------------------------------------
// Incremental builds. A build records in its site's marker a fingerprint of everything its output
// depends on; the next build with the same fingerprint (and an intact site) keeps that site and
// replays its diagnostics instead of running the stages again. Anything not covered here makes
// the fingerprint differ or be empty, so a doubt always means a full build.

// The store's state, taken after the metrics stage wrote and compared before the next build
// touches it, so a `metrics pull` or `metrics import` in between makes the next build a full one.
std::string store_stamp(const Run& run) {
  return Store::file_stamp(store_path(run));
}

// The names of the files a build keeps beside the store start with this.
constexpr const char* k_record_prefix = "nines-build-";

// Where a build leaves its record for the next build into the same output folder: beside the
// store (the only memory between runs), one file per output folder. Not in the site, whose bytes
// must not depend on the store's state.
fs::path record_path(const Run& run) {
  std::error_code ec;
  const fs::path out = normal_output_dir(output_dir(run));
  return fs::absolute(store_path(run), ec).lexically_normal().parent_path() /
         (k_record_prefix + content_hash(out.string()) + ".json");
}

// Beside the record: the links of every page of the site in the output folder (SavedLinks), so a
// page that is not rendered again need not be read again for the link check.
fs::path links_path(const Run& run) {
  fs::path p = record_path(run);
  p.replace_extension(".links");
  return p;
}

// Beside the record: the views a prose rebuild renders again (ProseState), after a line with the
// token the record names them by.
fs::path prose_path(const Run& run) {
  fs::path p = record_path(run);
  p.replace_extension(".prose");
  return p;
}

// Beside the record: what the fingerprint's walk knows of each file (FingerprintCache).
fs::path file_cache_path(const Run& run) {
  fs::path p = record_path(run);
  p.replace_extension(".files");
  return p;
}

// Beside the record: the site's stamps (read_site_stamps), which tell a file of the site nines
// left from one edited by hand without reading it. Not in the site, whose bytes must not depend
// on where it was built.
fs::path stamps_path(const Run& run) {
  fs::path p = record_path(run);
  p.replace_extension(".stamps");
  return p;
}

// Removes what killed builds left beside the records (of any output folder: one built into
// once may never be built into again): the temporary files of a record, its saved views, links
// and stamps, and the walk's cache. Only those of processes no longer running are touched.
void remove_stale_build_files(const Run& run) {
  remove_stale_temps(record_path(run).parent_path(), k_record_prefix);
}

// Why a place nines writes in the repository (`rel`, relative to it: the build lock, the store)
// is not written: a symbolic link on its way, committed with the content (`.nines -> /elsewhere`),
// leads out of the repository or to nothing (where it leads could be made later, anywhere), and a
// pull request must not make a build write outside the repository. "" when it stays inside; the
// message names the first link on the way.
std::string write_leaves_repo(const Run& run, const std::string& rel, const std::string& what) {
  const RealPath real = real_path(run.opts.dir, rel);
  if (real.where == RealPath::Where::Inside) return {};
  std::error_code ec;
  fs::path link;
  for (const auto& part : fs::path(rel)) {
    link /= part;
    if (fs::is_symlink(fs::symlink_status(run.opts.dir / link, ec))) break;
  }
  return what + " '" + rel + "' leads " +
         (real.where == RealPath::Where::Unfollowable
              ? "through a symbolic link that cannot be followed (to nothing, or a loop), '"
              : "out of the content repository through the symbolic link '") +
         link.generic_string() + "'; nothing is written there: " +
         (link == fs::path(rel)
              ? "remove the link"
              : "make '" + link.generic_string() + "' a folder of the repository");
}

// The store, and the build state beside it, that a link committed with the content would send
// out of the repository (write_leaves_repo): a store that cannot be used, exit 3, before anything
// is read from or written to its folder. NINES_CACHE is whoever runs nines' choice, not the
// content's, and a store the caller redirects (RunOptions::store) is not written where it is
// configured: neither is restricted. SQLite's own files beside the store are made by opening
// them, which a link would carry elsewhere too.
std::string store_leaves_repo(const Run& run) {
  if (run.opts.store) return {};
  if (const char* env = std::getenv("NINES_CACHE"); env && *env) return {};
  const std::string rel = fs::path(run.repo.config.cache_path).lexically_normal().generic_string();
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    if (std::string why = write_leaves_repo(run, rel + suffix, "the metrics store"); !why.empty())
      return why + ", or keep the store elsewhere with the NINES_CACHE environment variable";
  return {};
}

// The manifest of the site in the output folder, with its stamps when they describe it.
SiteManifest read_output_manifest(const Run& run) {
  SiteManifest m = read_site_manifest(output_dir(run));
  read_site_stamps(stamps_path(run), m);
  return m;
}

// The GNU build id the linker wrote into this executable: a hash of the linked binary, so it
// changes whenever the code or the embedded theme does. Read from the loaded program's notes, with
// no file to open; empty when the binary was linked without one.
std::string elf_build_id() {
  std::string id;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* out) -> int {
        // The first object is the program itself; the shared libraries after it are not ours.
        for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_NOTE) continue;
          const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
          const char* end = p + ph.p_memsz;
          while (p + sizeof(ElfW(Nhdr)) <= end) {
            const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(p);
            const char* name = p + sizeof(ElfW(Nhdr));
            const char* desc = name + ((note->n_namesz + 3) & ~3u);
            if (desc + note->n_descsz > end) break;
            if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 &&
                std::memcmp(name, "GNU", 4) == 0 && note->n_descsz > 0) {
              static const char* const k_hex = "0123456789abcdef";
              auto& text = *static_cast<std::string*>(out);
              for (ElfW(Word) b = 0; b < note->n_descsz; ++b) {
                const auto byte = static_cast<unsigned char>(desc[b]);
                text += k_hex[byte >> 4];
                text += k_hex[byte & 15];
              }
              return 1;
            }
            p = desc + ((note->n_descsz + 3) & ~3u);
          }
        }
        return 1;
      },
      &id);
  return id;
}

// Which renderer made a site: the nines binary itself. A page is reused only when the binary that
// rendered it is this one, so a nines rebuilt with another renderer (same version number or not)
// renders every page again. The linker's build id names the binary without reading it (hashing
// the whole executable cost about 0.1 s a build); a binary linked without one is hashed by
// content. Empty (nothing reused) when neither can be had.
const std::string& renderer_key() {
  static const std::string key = [] {
    if (std::string id = elf_build_id(); !id.empty())
      return std::string(k_version) + " build-id " + id;
    std::ifstream in("/proc/self/exe", std::ios::binary);
    if (!in) return std::string();
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.eof() && in.fail()) return std::string();
    return std::string(k_version) + " " + content_hash(bytes);
  }();
  return key;
}

// The links a previous build saved for the site whose manifest has `digest` (the one the writer
// replaces), when they describe exactly that site and were taken by this renderer.
std::optional<SavedLinks> previous_links(const Run& run, const std::string& digest) {
  if (renderer_key().empty() || digest.empty()) return std::nullopt;
  std::ifstream in(links_path(run), std::ios::binary);
  if (!in) return std::nullopt;
  auto saved = decode_saved_links(in);
  if (!saved || saved->key != renderer_key() + " " + digest) return std::nullopt;
  return saved;
}

// A file of the build's own, mapped read-only. The saved views are 50 MB at 10,000 pages; reading
// them into a string zeroed and copied every byte into fresh memory, a fifth of a prose rebuild's
// time. The build's records are only ever replaced by a rename, never rewritten in place, so the
// mapped bytes cannot change under the reader. Empty when the file cannot be mapped.
class MappedFile {
public:
  explicit MappedFile(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      const auto size = static_cast<std::size_t>(st.st_size);
      void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (p != MAP_FAILED) {
        m_data = p;
        m_size = size;
      }
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (m_data) ::munmap(m_data, m_size);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view bytes() const { return {static_cast<const char*>(m_data), m_size}; }

private:
  void* m_data = nullptr;
  std::size_t m_size = 0;
};

// Saves what the fingerprint's walk learnt, when it differs from what it was given and the store's
// folder is there to hold it. Losing it costs the next build its reading, nothing else.
void save_file_cache(const Context& c) {
  if (c.fingerprint.empty() || renderer_key().empty() || c.file_cache.unchanged) return;
  const fs::path path = file_cache_path(c.run);
  std::error_code ec;
  if (!fs::is_directory(path.parent_path(), ec)) return;
  try {
    write_file_atomic(path, encode_fingerprint_cache(c.file_cache, renderer_key()),
                      LinkAtName::Replace);
  } catch (const WriteError&) {
  }
}

// The repository's files and git commit (load's repo_fingerprint), the version, "now" and the
// options that change the output. Empty when the build must run anyway: a source may have new
// data to pull, or a file cannot be read.
std::string input_fingerprint(Context& c) {
  const Run& run = c.run;
  const RunOptions& o = run.opts;
  if (o.metrics != MetricsMode::Build || o.last < Stage::Write) return {};
  if (!run.repo.config.sources.empty() && !o.offline) return {};
  std::error_code ec;
  FingerprintScope scope;
  scope.out = normal_output_dir(output_dir(run));
  scope.store = fs::absolute(store_path(run), ec).lexically_normal();
  scope.store_records_prefix = k_record_prefix;
  // The cache is the binary's own: another binary may hash differently.
  FingerprintCache* cache = renderer_key().empty() ? nullptr : &c.file_cache;
  if (cache) {
    const MappedFile file(file_cache_path(run));
    if (!file.bytes().empty())
      c.file_cache = decode_fingerprint_cache(file.bytes(), renderer_key());
  }
  c.read_ahead = std::make_unique<ReadAhead>();
  std::string config_hash;
  const std::string files = repo_fingerprint(o.dir, c.load, scope, content_hash, &c.prose_fp, cache,
                                             c.read_ahead.get(), &config_hash);
  if (files.empty()) return {};
  // nines.yaml changed between read_config's read and the walk's: the build goes on with the
  // settings it read, but its output is no record of the file now there, so no fingerprint, and
  // the next build reads everything again.
  if (config_hash != c.config_hash) return {};
  const char* tz = std::getenv("TZ");
  const char* git_dir = std::getenv("GIT_DIR");
  // The binary is an input too: one rebuilt with another theme or renderer (same version number
  // or not) must not find "nothing changed" and keep the site the other one made.
  const std::string head = std::string("nines inputs 3\n") + k_version + "\n" + renderer_key() +
                           "\n" + std::to_string(run.now) + "\n" +
                           (o.offline ? "offline\n" : "online\n") + (o.strict ? "strict\n" : "\n") +
                           "TZ=" + (tz ? tz : "-") + "\nGIT_DIR=" + (git_dir ? git_dir : "-") +
                           "\n";
  c.prose_fp.structure = content_hash(head + "without bodies " + c.prose_fp.structure + "\n");
  return content_hash(head + files + "\n");
}

// The Markdown files git's history counts as changed now (uncommitted edits): a prose rebuild
// in a git repository must find the edited files as the history found them.
nlohmann::json uncommitted_files(const Context& c) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [file, hash] : c.prose_fp.bodies)
    if (const FileChange* fc = c.run.history.last_change(file); fc && fc->uncommitted)
      out.push_back(file);
  return out;
}

// The files whose Markdown body is part of a published readiness digest (docs/scoring.md): the
// documents reviewed for a service that has a readiness review. A body edit of one changes
// readiness figures (the digest, stale sign-offs, approval), which only the long way computes, so
// a prose rebuild declines when one of them changed; elsewhere prose edits keep the short way.
nlohmann::json signed_files(const Repo& repo) {
  return nlohmann::json(digest_files(repo));
}

// What the next build compares against: this build's fingerprint, the store as this build left
// it, the site it wrote (its marker's hash) and the diagnostics to print again when nothing
// changed; for a prose rebuild also the fingerprint without bodies, each body's hash, whether
// git's history was read (an edit changes what it says of the file), the token of the saved
// views (empty: none) and the files whose body edit must take the long way (signed_files,
// bodies_outside_slots).
std::string build_record(const Context& c, const std::string& site_digest,
                         const std::string& prose_token) {
  const Run& run = c.run;
  if (c.fingerprint.empty() || run.diags.capped()) return {};
  nlohmann::json diags = nlohmann::json::array();
  for (const auto& d : run.diags.sorted())
    diags.push_back({d.file, d.loc.line, d.loc.col,
                     d.severity == Severity::Error ? "error" : "warning", d.rule, d.message,
                     d.hint});
  nlohmann::json record = {
      {"inputs", c.fingerprint},
      {"store", store_stamp(run)},
      {"site", site_digest},
      {"diagnostics", diags},
      {"structure", c.prose_fp.structure},
      {"bodies", c.prose_fp.bodies},
      {"git", c.prose ? c.prose->git : c.run.history.available()},
      {"uncommitted", c.prose ? c.prose->uncommitted : uncommitted_files(c)},
      {"prose", prose_token},
      {"prose_bodies",
       c.prose && !prose_token.empty() ? c.prose->saved_bodies : nlohmann::json(c.prose_fp.bodies)},
      {"signed_files", c.prose ? c.prose->signed_files : signed_files(run.repo)},
      {"outside_slots",
       c.prose ? c.prose->outside_slots : nlohmann::json(bodies_outside_slots(run.repo))}};
  return record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The previous build's record for this output folder; null when there is none.
nlohmann::json read_record(const Run& run) {
  std::ifstream in(record_path(run), std::ios::binary);
  if (!in) return nullptr;
  auto record = nlohmann::json::parse(in, nullptr, false);
  return record.is_object() ? record : nlohmann::json(nullptr);
}

// The record's diagnostics, reported again as this run's. False (and nothing reported) when the
// record's list is damaged.
bool replay_diagnostics(Run& run, const nlohmann::json& record) {
  std::vector<Diagnostic> diags;
  try {
    for (const auto& d : record.at("diagnostics")) {
      Diagnostic x;
      x.file = d.at(0).get<std::string>();
      x.loc = {d.at(1).get<int>(), d.at(2).get<int>()};
      x.severity = d.at(3).get<std::string>() == "error" ? Severity::Error : Severity::Warning;
      x.rule = d.at(4).get<std::string>();
      x.message = d.at(5).get<std::string>();
      x.hint = d.at(6).get<std::string>();
      diags.push_back(std::move(x));
    }
  } catch (const nlohmann::json::exception&) {
    return false;
  }
  for (auto& d : diags)
    run.diags.add(std::move(d));
  return true;
}

// Whether the site in the output folder was built from exactly these inputs and is intact; if
// so, its diagnostics are reported again as this run's.
bool previous_site_stands(Context& c, const nlohmann::json& record) {
  Run& run = c.run;
  if (!record.is_object() || record.value("inputs", "") != c.fingerprint ||
      record.value("store", "") != store_stamp(run))
    return false;
  const SiteManifest previous = read_output_manifest(run);
  if (previous.digest.empty() || record.value("site", "") != previous.digest) return false;
  if (!site_matches_manifest(output_dir(run), previous)) return false;
  if (!replay_diagnostics(run, record)) return false;
  run.site_files = previous.files.size();
  run.site_reused = previous.files.size();
  run.up_to_date = true;
  return true;
}

// The pages showing the changed bodies and the search index, made again from the saved views
// into plan.files (nothing is written yet), and every page's links checked against them, as a
// full build checks them all. False when a page not made again has a broken link: a heading
// removed or renamed in an edited body took the anchor it names, and only the long way says so
// where that link is written (in the other document's Markdown), as a clean build does.
bool render_prose_pages(Context& c, Context::ProsePlan& plan) {
  SiteOptions site;
  site.version = k_version;
  site.jobs = c.run.opts.jobs;
  site.theme_overrides = c.theme_overrides; // a copy: the long way may still need them
  SiteSink sink;
  sink.file = [&plan](const std::string& path, std::string bytes, const std::string& input) {
    plan.files[path] = {std::move(bytes), input};
  };
  plan.rendered = render_prose(plan.state, plan.bodies, plan.changed, site, sink);
  // The other pages' links were checked by the build that made them; they stay right as long as
  // no page made again changed its ids (a heading's anchor) that a link could name.
  std::set<std::string> remade;
  bool same_ids = true;
  for (const auto& [path, f] : plan.files) {
    if (!is_html_path(path)) continue;
    PageLinks links = extract_links(f.bytes);
    links.hash = content_hash(f.bytes);
    PageLinks& saved = plan.links.pages[path];
    same_ids = same_ids && saved.ids == links.ids;
    saved = std::move(links);
    remade.insert(path);
  }
  plan.broken = check_links(
      plan.links.pages, [&plan](const std::string& p) { return plan.manifest.files.count(p) != 0; },
      same_ids ? &remade : nullptr, c.run.opts.jobs);
  return std::all_of(plan.broken.begin(), plan.broken.end(),
                     [&remade](const BrokenLink& b) { return remade.count(b.page) != 0; });
}

// Whether the only inputs that changed since the previous build into this output folder are
// Markdown bodies (render/site.hpp, "Rebuilding after a body edit"), with the site, the store,
// the saved views and links as that build left them. If so, the plan is in c.prose and the
// record's diagnostics are reported again as this run's. Any doubt is a no: the build then takes
// the long way, which is always right.
bool only_prose_changed(Context& c, const nlohmann::json& record) {
  Run& run = c.run;
  const nlohmann::json* bodies =
      record.is_object() && record.contains("bodies") ? &record.at("bodies") : nullptr;
  // The bodies when the views were saved: the search index is made again from its saved entries,
  // so every entry whose body changed since then is made again, not only since the last build.
  const nlohmann::json* saved =
      record.is_object() && record.contains("prose_bodies") ? &record.at("prose_bodies") : nullptr;
  if (!bodies || !bodies->is_object() || !saved || !saved->is_object() ||
      c.prose_fp.structure.empty() || record.value("structure", "") != c.prose_fp.structure ||
      record.value("store", "") != store_stamp(run) || !record.contains("git") ||
      !record.at("git").is_boolean() || !record.contains("uncommitted") ||
      !record.at("uncommitted").is_array() || record.value("prose", "").empty() ||
      bodies->size() != c.prose_fp.bodies.size() || saved->size() != c.prose_fp.bodies.size())
    return false;
  Context::ProsePlan plan;
  plan.token = record.value("prose", "");
  plan.saved_bodies = *saved;
  for (const auto& [file, hash] : c.prose_fp.bodies) {
    auto last = bodies->find(file);
    auto then = saved->find(file);
    if (last == bodies->end() || !last->is_string() || then == saved->end() || !then->is_string())
      return false;
    const bool since_last = last->get_ref<const std::string&>() != hash;
    if (since_last) plan.changed.insert(file);
    // A body edited back to what it was when the views were saved still needs its page again.
    if (!since_last && then->get_ref<const std::string&>() == hash) continue;
    auto body = read_markdown_body(run.opts.dir, file, c.load);
    if (!body) return false;
    plan.bodies[file] = std::move(*body);
  }
  if (plan.changed.empty()) return false;
  // A changed body that a readiness digest covers: the figures change, the long way computes them.
  const nlohmann::json* signed_list =
      record.contains("signed_files") ? &record.at("signed_files") : nullptr;
  if (!signed_list || !signed_list->is_array()) return false;
  for (const auto& f : *signed_list)
    if (!f.is_string() || plan.changed.count(f.get<std::string>())) return false;
  plan.signed_files = *signed_list;
  // A changed body that a page shows outside its slot (an SLI's on its SLOs' pages, a capacity
  // model's on its service's): render_prose makes only slots again, the long way makes the page.
  const nlohmann::json* outside =
      record.contains("outside_slots") ? &record.at("outside_slots") : nullptr;
  if (!outside || !outside->is_array()) return false;
  for (const auto& f : *outside)
    if (!f.is_string() || plan.changed.count(f.get<std::string>()) ||
        plan.bodies.count(f.get<std::string>()))
      return false;
  plan.outside_slots = *outside;
  // git's history says when each file last changed, which the pages' "last changed" lines and the
  // stale-runbook lint read: the history must be as the previous build read it. HEAD is in the
  // fingerprint, so only an edited file's own state can differ: counted as changed now (an
  // uncommitted edit) then and now alike.
  plan.git = record.at("git").get<bool>();
  plan.uncommitted = record.at("uncommitted");
  if (plan.git) {
    std::set<std::string> was;
    for (const auto& f : plan.uncommitted)
      if (f.is_string()) was.insert(f.get<std::string>());
    const auto now = uncommitted_now(
        run.repo.root, run.now, std::vector<std::string>(plan.changed.begin(), plan.changed.end()));
    if (!now) return false;
    for (const auto& [file, edited] : *now)
      if (edited != (was.count(file) != 0)) return false;
  }
  plan.manifest = read_site_manifest(output_dir(run));
  if (plan.manifest.digest.empty() || record.value("site", "") != plan.manifest.digest)
    return false;
  // Three independent reads, each into its own result, on the loader's threads: the site checked
  // against its manifest, the saved views and the saved links (60 MB at 10k documents between
  // them), one after the other most of this path's time.
  bool site_ok = false;
  std::optional<ProseState> state;
  std::optional<SavedLinks> links;
  parallel_for(3, static_cast<int>(c.load.jobs), [&](std::size_t task) {
    if (task == 0) {
      site_ok = read_site_stamps(stamps_path(run), plan.manifest) &&
                site_matches_manifest(output_dir(run), plan.manifest);
    } else if (task == 1) {
      const MappedFile file(prose_path(run));
      const std::string_view bytes = file.bytes();
      const std::size_t nl = bytes.find('\n');
      if (nl == std::string_view::npos || bytes.substr(0, nl) != plan.token) return;
      state = decode_prose(bytes.substr(nl + 1), plan.bodies);
    } else {
      links = previous_links(run, plan.manifest.digest);
    }
  });
  if (!site_ok || !state || !links) return false;
  plan.state = std::move(*state);
  // Every page to make again must have a view that decodes and be a page of the site.
  for (const auto& p : plan.state.pages)
    if (plan.changed.count(p.slot.file) &&
        (!plan.manifest.files.count(p.path) || !decode_view(p.view)))
      return false;
  if (!plan.manifest.files.count("search-index.js")) return false;
  plan.links = std::move(*links);
  // A new link in an edited body is checked where it is written, which only the long way does,
  // so one check_content_links could refuse sends the build the long way. Its rule holds here too:
  // an anchor of another page is a heading of that page's Markdown (not any id of the page, which
  // `check` cannot know without rendering). A page that shows a body has those from its slot (the
  // Markdown before the body) and the body as it is now; another page's (an SLO's description) are
  // not saved, so a link to one of its anchors takes the long way.
  const ProseSearch& search = plan.state.search;
  std::map<std::string, const ProsePage*> slots; // every page with a slot, made at the first need
  std::map<std::string, std::set<std::string>> anchors;
  const auto anchors_of = [&](const std::string& page) -> const std::set<std::string>* {
    if (auto known = anchors.find(page); known != anchors.end()) return &known->second;
    if (slots.empty())
      for (const auto* list : {&plan.state.pages, &plan.state.others})
        for (const auto& p : *list)
          slots.emplace(p.path, &p);
    auto it = slots.find(page);
    if (it == slots.end()) return nullptr;
    const ProseSlot& slot = it->second->slot;
    std::optional<std::string> unchanged;
    auto edited = plan.bodies.find(slot.file);
    if (edited == plan.bodies.end()) {
      unchanged = read_markdown_body(run.opts.dir, slot.file, c.load);
      if (!unchanged) return nullptr;
    }
    const std::string& body = unchanged ? *unchanged : edited->second;
    return &anchors
                .emplace(page, page_anchors(slot.file, body, page, slot.taken, search.file_pages,
                                            search.repo_url, search.branch))
                .first->second;
  };
  for (const auto& p : plan.state.pages) {
    if (!plan.changed.count(p.slot.file)) continue;
    auto body = plan.bodies.find(p.slot.file);
    if (body == plan.bodies.end() ||
        body_has_suspect_link(p.slot.file, body->second, p.path, p.slot.taken, search.file_pages,
                              search.repo_url, search.branch, anchors_of))
      return false;
  }
  // The theme overrides are read again (their bytes are in the fingerprint); a finding there
  // belongs to the long way.
  DiagBag theme_diags;
  c.theme_overrides = load_theme_overrides(run.opts.dir, c.load, theme_diags);
  if (!theme_diags.all().empty()) return false;
  try {
    if (!render_prose_pages(c, plan)) return false;
  } catch (const std::runtime_error&) {
    return false; // a saved view or search index that does not read: the long way makes them
  }
  for (const auto& [path, f] : plan.manifest.files)
    if (!f.input.empty()) ++plan.pages;
  if (!replay_diagnostics(run, record)) return false;
  c.prose = std::move(plan);
  return true;
}

bool is_dialect(const RawDoc& doc) {
  return doc.kind == "prometheus_rules" || doc.kind == "openslo" || doc.kind == "backstage" ||
         doc.kind == "sloth" || doc.kind == "pyrra";
}

// The schema check of one document, on the loader's thread that parsed it (so on several threads
// at once): its verdict, findings and digest go into doc.check for validate_document. Only the
// compute stage reads digests (readiness sign-offs), so a run that stops before it (`check`)
// leaves them empty: hashing every document was about 3% of a check.
void check_document(const SchemaSet& schemas, RawDoc& doc, bool want_digest) {
  // Dialect documents have schemas of their own where nines ships one (OpenSLO's kinds).
  const bool dialect = is_dialect(doc);
  const std::string schema = dialect ? dialect_schema(doc) : doc.kind;
  const bool no_schema = dialect && !schemas.has(schema);
  DiagBag diags;
  diags.set_cap(static_cast<std::size_t>(-1)); // the run's bag caps them when they are reported
  doc.check.ok = no_schema || schemas.validate(schema, doc.root, doc.file, diags);
  if (doc.check.ok && want_digest) doc.check.digest = node_digest(doc.root);
  doc.check.diags = diags.all();
}

// Takes one checked document, in file order: reports its schema findings, then decodes it into
// the typed model.
void validate_document(Context& c, RawDoc&& doc) {
  const auto start = Clock::now();
  Run& run = c.run;
  run.current_file = doc.file;
  ++c.documents;
  if (doc.file != c.last_file) {
    ++c.files;
    c.last_file = doc.file;
    c.files_with_documents.insert(doc.file);
  }
  const std::size_t errors_before = run.diags.error_count();
  // What every kind holds before the document, so a document whose decoding failed is dropped
  // again: the lints judge only documents that validated.
  std::vector<std::size_t> sizes;
  for_each_kind([&](const auto& row) { sizes.push_back((run.repo.*row.docs).size()); });
  for (auto& d : doc.check.diags)
    run.diags.add(std::move(d));
  if (doc.check.ok) {
    decode_document(doc, doc.check.digest, run.repo, run.diags);
    ++c.decoded;
  }
  if (run.diags.error_count() > errors_before) {
    note_failed(run.repo, doc);
    std::size_t i = 0;
    for_each_kind([&](const auto& row) {
      auto& docs = run.repo.*row.docs;
      const std::size_t keep = sizes[i++];
      if (docs.size() > keep)
        docs.erase(docs.begin() + static_cast<std::ptrdiff_t>(keep), docs.end());
    });
  }
  c.validate_ms += ms_since(start);
}

// load: nines.yaml, then the repository walk in sorted order. Load and validate are streamed:
// each document is handed to validate as soon as it is parsed, so only one file's YAML trees are
// alive at a time (keeping them all costs memory and time on large repos).
std::string stage_load(Context& c) {
  // Both cores by default: reading, hashing and checking files is most of the time of a check
  // and of a rebuild that finds nothing changed.
  c.load.jobs = c.run.opts.jobs > 0 ? static_cast<unsigned>(c.run.opts.jobs) : 2;
  read_config(c);
  // Every command that opens the store (metrics and later) stops here, before the fingerprint's
  // walk reads the build state beside it.
  if (c.run.opts.last >= Stage::Metrics)
    if (std::string why = store_leaves_repo(c.run); !why.empty()) throw FatalError(why);
  // Nothing changed since the previous build (same files, commit, store, "now" and options): its
  // site stands, and every later stage is skipped. Only from a clean nines.yaml, so no finding is
  // reported twice, and when the caller did not give a history of its own.
  if (c.run.opts.last >= Stage::Write && c.run.diags.all().empty() && !c.run.history.was_read()) {
    c.fingerprint = input_fingerprint(c);
    const nlohmann::json record = c.fingerprint.empty() ? nullptr : read_record(c.run);
    if (!record.is_null() && previous_site_stands(c, record)) {
      c.up_to_date = true;
      save_file_cache(c);
      return "nothing changed since the last build: " + plural(c.run.site_files, "file", "files") +
             " kept";
    }
    // Only Markdown bodies changed: the pages that show them are made again from the views the
    // previous build saved, and nothing is loaded.
    if (!record.is_null() && only_prose_changed(c, record))
      return "only prose changed in " + plural(c.prose->changed.size(), "file", "files") +
             ": the rest of the site stands";
  }
  // Git history, read once for the whole run (one walk of the commits, not one per file): the
  // last change of each file decides staleness and the pages' "last changed" line. No git (a
  // tarball) gives an empty history, and the documents' own dates are used instead.
  double history_ms = -1;
  if (!c.run.history.was_read()) {
    const auto history_start = Clock::now();
    c.run.history = read_history(c.run.repo.root, c.run.now);
    history_ms = ms_since(history_start);
    // Said once, on stderr: a CI checkout is shallow by default, and its staleness findings
    // would otherwise differ from a full clone's without a word.
    if (const std::string& why = c.run.history.reason(); why.rfind("git refuses", 0) == 0)
      std::cerr << "nines: note: no git history: " << why
                << "; documents are dated by their own fields\n";
    if (!c.run.history.partial_reason().empty())
      std::cerr << "nines: note: git history stops early (" << c.run.history.partial_reason()
                << "); files it does not reach are dated by their own fields. Fetch the whole "
                   "history for dates from git (actions/checkout: fetch-depth: 0)\n";
  }
  LoadNotes notes;
  LoadHooks hooks;
  // The schema check runs on the loader's threads beside the parsing; its time is counted
  // there, per thread, and given to the validate row divided by the threads sharing it.
  std::atomic<std::int64_t> check_ns{0};
  const bool want_digest = c.run.opts.last >= Stage::Compute;
  hooks.check = [&c, &check_ns, want_digest](RawDoc& doc) {
    const auto start = Clock::now();
    check_document(c.schemas, doc, want_digest);
    check_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
  };
  hooks.on_doc = [&c](RawDoc&& doc) { validate_document(c, std::move(doc)); };
  hooks.on_csv = [&c](RawCsvRow&& row) {
    if (decode_csv_row(row, c.run.repo, c.run.diags)) ++c.csv_rows;
  };
  const std::size_t found_before = c.run.diags.all().size();
  c.load.read_ahead = c.read_ahead.get();
  // The schemas tell a kind's field written at column 1 from another tool's key.
  c.load.kind_field = [&c](const std::string& kind, const std::string& key) {
    return c.schemas.has_field(kind, key);
  };
  load_repo(c.run.opts.dir, c.load, c.run.diags, hooks, &notes);
  // What the loader did not take (files it skips, or walked differently) is freed now.
  c.load.read_ahead = nullptr;
  c.read_ahead.reset();
  c.validate_ms += static_cast<double>(check_ns.load()) / 1e6 / c.load.jobs;
  c.run.repo.skipped_files = std::move(notes.skipped);
  c.run.repo.helm_charts = std::move(notes.helm_charts);
  c.run.repo.kustomize_patches = std::move(notes.kustomize_patches);
  for (const auto& f : notes.failed) {
    c.run.repo.failed_ids.insert(path_stem_slug(f));
    // No document of it was read: what it held, a runbook among it, is unknown.
    if (c.files_with_documents.count(f) == 0) c.run.repo.runbook_may_have_failed = true;
  }
  c.files_with_documents.clear();
  // A document dropped for its shape fails with its file: a reference to it is not dangling.
  c.run.repo.failed_ids.insert(notes.dropped_ids.begin(), notes.dropped_ids.end());
  if (!notes.dropped_ids.empty()) c.run.repo.runbook_may_have_failed = true;
  // A folder the walk could not list is not a failed file: its documents and their ids are
  // unknown, so any reference may point into it. The loader reports it as file-unreadable at the
  // folder's path; it is noted for link, and its path stem makes failed_ids non-empty, which
  // holds back the lints that judge the repository as a whole (runbook coverage, CSV ids).
  for (std::size_t i = found_before; i < c.run.diags.all().size(); ++i) {
    const Diagnostic& d = c.run.diags.all()[i];
    std::error_code ec;
    if (d.rule != "file-unreadable" || !fs::is_directory(fs::path(c.run.opts.dir) / d.file, ec))
      continue;
    c.run.repo.unreadable_folders.push_back(d.file);
    c.run.repo.failed_ids.insert(path_stem_slug(d.file));
    c.run.repo.runbook_may_have_failed = true;
  }
  // The dialects' references across files (OpenSLO alerting, Sloth and Pyrra queries) once every
  // file is read, and what failed or could not be read is known: a reference into it is not
  // dangling.
  finish_dialects(c.run.repo, c.run.diags);
  // Theme overrides are repository files like any other: read here, under the loader's rules
  // (size limit, no symbolic link out of the repository), so render never touches the disk and
  // `check` reports a broken override with the rest.
  c.theme_overrides = load_theme_overrides(c.run.opts.dir, c.load, c.run.diags);
  c.run.current_file.clear();
  std::string counts = plural(c.files, "file", "files") + ", " +
                       plural(c.documents, "document", "documents") + ", " +
                       plural(c.csv_rows, "CSV row", "CSV rows") + ", " +
                       plural(c.run.repo.skipped_files.size(), "file", "files") + " skipped";
  // The history walk is part of load; its own time shows whether a long history costs much.
  if (history_ms >= 0 && c.run.history.available()) {
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.1f", history_ms);
    counts +=
        ", git history of " + plural(c.run.history.size(), "file", "files") + " in " + ms + " ms";
  }
  return counts;
}

// validate: ran inside the load stream (above); this row is its boundary. A document that failed
// its schema does not stop link: the lints run over every document that did validate, and
// references to the failed ones are not reported as dangling (Repo::failed_ids). Errors still stop
// the run before metrics.
std::string stage_validate(Context& c) {
  if (c.up_to_date || c.prose) return "skipped";
  return plural(c.decoded, "document", "documents") + " decoded";
}

// link: every reference must name a document, then the lints judge the repository as a whole.
// Lints run even when references dangle, so a pull request sees every problem at once.
std::string stage_link(Context& c) {
  if (c.up_to_date || c.prose) return "skipped";
  Run& run = c.run;
  const std::size_t before = run.diags.all().size();
  link_references(run.repo, run.diags);
  run_lints(run.repo, day_of(run.local_now), run.diags, &run.history);
  // The links content hands to the site, at the line that holds them: `check` finds what the
  // site's link check would refuse, and a build stops here on it, never at a generated page.
  check_content_links(run.repo, run.diags, &run.links_reported);
  // The theme overrides, by the checks the render stage's theme makes: `check` reports every
  // broken one at its tag, and a build stops here on it, before any page is rendered.
  check_theme_overrides(c.theme_overrides, run.diags);
  // Postmortems against the data: `check` never opens the store, so it judges the claims by the
  // repository's recorded CSV rows; a command that reaches compute judges them there instead, by
  // the store (the same rows plus what was pulled), and reports them once. A run with errors by
  // now stops before compute: it judges them here, so its findings are `check`'s.
  if (run.opts.last < Stage::Compute || run.opts.check_findings || run.diags.has_errors())
    report_budget_claims(run.repo, check_budget_claims(run.repo, series_from_csv(run.repo)),
                         run.diags);
  return plural(run.diags.all().size() - before, "finding", "findings");
}

// metrics: recorded CSV rows go into the store (replacing only their own earlier values), then the
// sources fill in what the store lacks, and the daily series for compute are read back. The store
// is the only memory between runs; a corrupt or newer one stops the run (StoreError) instead of
// being wiped. A failed fetch is a warning: the build goes on from the store (SPEC 4.4).
std::string stage_metrics(Context& c) {
  if (c.up_to_date || c.prose) return "skipped";
  Run& run = c.run;
  const RunOptions& o = run.opts;
  auto store = Store::open(o.store ? o.store(store_path(run)) : store_path(run));
  // Days fetched under another query (or source, or time zone) measured something else: they go
  // before anything reads the store, offline too, and a pull fetches them again.
  store->forget_redefined(series_definitions(run.repo));
  std::string counts;
  if (o.metrics == MetricsMode::Build) {
    store->import_csv(run.repo, run.now);
    // Recorded golden-signal values too; also without any, so that a deleted file's go.
    store->import_golden_csv(run.repo, run.now);
    counts = plural(run.repo.csv_rows.size(), "CSV row", "CSV rows") + " imported";
    if (!run.repo.golden_rows.empty())
      counts += ", " + plural(run.repo.golden_rows.size(), "golden-signal value") + " recorded";
  }
  if (!run.repo.config.sources.empty() && (o.metrics == MetricsMode::Pull || !o.offline)) {
    PullOptions po;
    // The live windows are for a build's figures; `metrics pull` keeps closed days only.
    po.live = o.metrics == MetricsMode::Build;
    po.progress = o.pull_progress;
    auto http = make_curl_client();
    run.pull = pull_metrics(run.repo, *store, po, run.now, *http);
    run.live = run.pull->live;
    run.measured = run.pull->slos_measured;
    if (o.metrics == MetricsMode::Build)
      for (const auto& e : run.pull->errors)
        run.diags.warning(
            e.file.empty() ? "nines.yaml" : e.file, e.loc, "metrics-fetch", e.message,
            "the figures use the data already stored and are marked stale or missing");
    counts += std::string(counts.empty() ? "" : ", ") +
              plural(run.pull->queries_done, "query", "queries") + " (" +
              std::to_string(run.pull->queries_failed) + " failed)";
  }
  if (o.metrics == MetricsMode::Build) {
    run.series = store->daily_series();
    run.provisional = store->provisional_days();
    counts += ", " + plural(run.series.size(), "series", "series");
    // Golden signals were pulled into the store (now or by an earlier build); the service pages
    // chart what is there, so a build offline still shows the last pulled values. Closed days
    // only, as the SLO figures read them: a recorded row dated today or later is kept in the
    // store until its day has ended, never shown as a value of a day still to come.
    const std::int64_t today = day_of(run.local_now);
    for (const auto& s : run.repo.services)
      for (const auto& [signal, query] : run.repo.config.golden_signals) {
        auto days = store->golden_series(s.meta.id, signal);
        days.erase(days.lower_bound(today), days.end());
        if (!days.empty()) run.golden[s.meta.id][signal] = std::move(days);
      }
  }
  return counts;
}

// compute: every figure of SPEC section 3, once; pages, the API and the terminal only read them.
// Figures are dated in the configured timezone, so compute sees wall-clock time there.
std::string stage_compute(Context& c) {
  if (c.up_to_date || c.prose) return "skipped";
  Run& run = c.run;
  run.figures =
      compute_all(run.repo, run.series, run.live, run.local_now, &run.history, run.opts.jobs);
  // Findings from computed figures belong to this stage: its data was not there at link.
  if (!run.opts.check_findings)
    report_budget_claims(run.repo, run.figures.budget_claims, run.diags);
  // The live windows the pull asked for and did not get: the figures read from them are missing
  // (SPEC 4.4). A whole-day window that the daily data answered is not one of them.
  if (run.pull)
    for (auto& f : run.figures.slos) {
      auto failed = run.pull->live_failed.find(f.id);
      if (failed == run.pull->live_failed.end()) continue;
      for (const auto& label : failed->second) {
        const auto minutes = parse_duration_minutes(label);
        const bool whole_days = minutes && *minutes >= 1440 && std::fmod(*minutes, 1440.0) == 0;
        auto b = f.burn_rates.find(label);
        if (!(whole_days && b != f.burn_rates.end() && b->second))
          f.data.live_missing.push_back(label);
      }
    }
  // A last day stored before it had settled is used, and marked. It is fresh when this run's pull
  // fetched it (as current as the server can be); when this run did not (the refetch failed, an
  // offline build) the figure rests on a day that may be short and nobody checked since: stale.
  for (auto& f : run.figures.slos) {
    const auto days = run.provisional.find(f.id);
    if (!f.data.as_of || days == run.provisional.end()) continue;
    const auto last = parse_date(*f.data.as_of);
    if (!last || !days->second.count(*last)) continue;
    f.data.provisional = true;
    bool refetched = false;
    if (run.pull)
      if (auto got = run.pull->days_fetched.find(f.id); got != run.pull->days_fetched.end())
        refetched = got->second.count(*last) > 0;
    if (!refetched && f.data.status == "fresh") f.data.status = "stale";
  }
  // Days of a window this run's pull failed to get leave holes in it: not fresh (SPEC 4.4).
  if (run.pull)
    for (auto& f : run.figures.slos)
      if (auto failed = run.pull->days_failed.find(f.id); failed != run.pull->days_failed.end())
        mark_unfetched_days(f, failed->second);
  // --strict: a live-measured SLO on stale or missing data, or whose live windows or golden
  // signals could not be fetched, fails the run (exit 3, SPEC 4.4), but the site is still
  // written so the last good numbers stay visible.
  if (run.opts.strict && run.pull) {
    auto join_words = [](const auto& words) {
      std::string s;
      for (const auto& w : words)
        s += (s.empty() ? "" : ", ") + w;
      return s;
    };
    std::vector<std::string> bad;
    for (const auto& f : run.figures.slos) {
      if (!run.measured.count(f.id)) continue;
      if (f.data.status != "fresh")
        bad.push_back(f.id + " (" + f.data.status + ")");
      else if (!f.data.live_missing.empty())
        bad.push_back(f.id + " (live " + join_words(f.data.live_missing) + " not fetched)");
    }
    for (const auto& [service, signals] : run.pull->golden_failed)
      bad.push_back("the golden signals of " + service + " (" + join_words(signals) +
                    " not fetched)");
    if (!bad.empty()) {
      std::string list;
      for (std::size_t i = 0; i < bad.size() && i < 5; ++i)
        list += (i ? ", " : "") + bad[i];
      if (bad.size() > 5) list += " and " + std::to_string(bad.size() - 5) + " more";
      run.strict_failure = "--strict: the metrics of " + list + " are not fresh";
    }
  }
  return plural(run.figures.slos.size(), "SLO", "SLOs");
}

// The saved views go to their file a megabyte at a time. Written record by record, each page
// took a system call (5,800 at 10k documents), under the lock the render threads share.
constexpr std::size_t k_prose_batch = std::size_t{1} << 20;

void write_prose_pending(Context& c) {
  c.prose_out->write(c.prose_pending.data(), static_cast<std::streamsize>(c.prose_pending.size()));
  c.prose_pending.clear();
}

// One record of the saved views, and its content_hash; the caller holds prose_mutex. A record as
// large as a batch (the search index's) is written as it is, not copied.
void add_prose_record(Context& c, const std::string& bytes, const std::string& digest) {
  c.prose_digests += digest;
  if (bytes.size() >= k_prose_batch) {
    write_prose_pending(c);
    c.prose_out->write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return;
  }
  c.prose_pending += bytes;
  if (c.prose_pending.size() >= k_prose_batch) write_prose_pending(c);
}

// Opens the temporary file the views of this build are saved into (save_build_state renames it
// into place), under a token of its own: the record names the file it belongs with by it.
bool start_prose_file(Context& c) {
  const Run& run = c.run;
  const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
  c.prose_token = content_hash(renderer_key() + " " + c.fingerprint + " " +
                               std::to_string(::getpid()) + " " + std::to_string(stamp));
  // Leftovers of killed builds into this folder first: tens of megabytes each at 10,000 pages.
  remove_stale_build_files(run);
  const fs::path final_path = prose_path(run);
  std::error_code ec;
  c.prose_temp = final_path;
  c.prose_temp += ".tmp-" + std::to_string(::getpid());
  // Whatever has the name goes first: a stream would write through a symbolic link committed
  // there (the build state's folder is in the repository) to wherever it leads.
  fs::remove(c.prose_temp, ec);
  c.prose_out = std::make_unique<std::ofstream>(c.prose_temp, std::ios::binary | std::ios::trunc);
  *c.prose_out << c.prose_token << '\n' << prose_file_start();
  if (*c.prose_out) return true;
  c.prose_out.reset();
  fs::remove(c.prose_temp, ec);
  c.prose_temp.clear();
  return false;
}

// What render did, for --timings.
std::string render_counts(const SiteStats& st) {
  char detail[160];
  std::snprintf(detail, sizeof detail,
                "; thread time: views %.1f s, input hashes %.1f s, templates %.1f s, writing "
                "%.1f s",
                st.view_ms / 1000, st.hash_ms / 1000, st.template_ms / 1000, st.sink_ms / 1000);
  return plural(st.files, "file", "files") + ": " + std::to_string(st.pages_rendered) +
         " pages rendered, " + std::to_string(st.pages_reused) + " reused" + detail;
}

// The link check's findings (every internal link and anchor of the site's pages, checked before
// anything is swapped in) as the run's errors.
void report_broken_links(Run& run, const std::vector<BrokenLink>& broken) {
  for (const auto& b : broken)
    if (!run.links_reported.count({b.page, b.target}))
      run.diags.error(b.page, {}, "broken-link",
                      "broken internal link to '" + b.target + "': " + b.reason);
}

// render after a body edit (only_prose_changed): the pages showing the changed bodies and the
// search index were made again from the views the previous build saved when the plan was made
// (render_prose_pages). Their links are checked with the saved links of every other page, as a
// full build checks them all; nothing is written yet.
std::string render_prose_only(Context& c) {
  Run& run = c.run;
  Context::ProsePlan& plan = *c.prose;
  c.rendered = plan.rendered;
  report_broken_links(run, plan.broken);
  c.rendered.files = plan.manifest.files.size();
  c.rendered.pages_reused = plan.pages - std::min(plan.pages, c.rendered.pages_rendered);
  return render_counts(c.rendered);
}

// render: the pages and the JSON API, streamed into the site writer's temporary tree as they are
// made (render itself writes nothing; the writer does). A page whose inputs are those of the same
// page in the previous site is not rendered again but linked from there. Each page's links and
// ids are taken on the thread that rendered it, so only they are kept, and every internal link and
// anchor is checked at the end, before write swaps the site in: a failure here (a render error, a
// broken link, a full disk) drops the temporary tree and leaves the previous site as it was.
std::string stage_render(Context& c) {
  if (c.up_to_date) return "skipped";
  if (c.prose) return render_prose_only(c);
  Run& run = c.run;
  SiteOptions site;
  site.base_url = run.repo.config.base_url;
  site.version = k_version;
  site.jobs = run.opts.jobs;
  site.theme_overrides = std::move(c.theme_overrides);
  site.history = &run.history;
  site.golden = &run.golden;
  // The recorded CSV rows are in the store and the figures computed from them; nothing after
  // compute reads them, and at 10,000 documents they weigh tens of megabytes.
  std::vector<CsvRow>().swap(run.repo.csv_rows);
  std::vector<std::string>().swap(run.repo.csv_files);
  std::vector<std::string>().swap(run.repo.csv_slos);
  run.repo.csv_slo_ids.clear();
  // What load and compute freed is not trimmed back to the system: render reuses it at once, and
  // the page faults of taking it back cost more than the memory (docs/performance.md, "The
  // build, seventh round").
  try {
    std::mutex mutex;
    std::set<std::string> paths; // without a writer (a run that stops at render)
    std::optional<SavedLinks> previous;
    if (run.opts.last >= Stage::Write) {
      c.writer = std::make_unique<SiteWriter>(
          output_dir(run), SiteWriter::Mode::Streaming,
          run.output_from_config ? std::string() : run.repo.root, stamps_path(run));
      previous = previous_links(run, c.writer->previous().digest);
    }
    SiteSink sink;
    sink.file = [&](const std::string& path, std::string bytes, const std::string& input) {
      std::optional<PageLinks> links;
      if (is_html_path(path)) links = extract_links(bytes);
      // The writer hashes every file for its manifest; a page's links carry the same hash.
      std::string hash = c.writer ? c.writer->add(path, std::move(bytes), input)
                         : links  ? content_hash(bytes)
                                  : std::string();
      if (links) links->hash = std::move(hash);
      std::lock_guard<std::mutex> lock(mutex);
      if (!c.writer) paths.insert(path);
      if (links) c.links.pages[path] = std::move(*links);
    };
    if (previous)
      sink.reuse = [&](const std::string& path, const std::string& input) {
        SiteManifest::File old;
        if (!c.writer->reuse(path, input, &old)) return false;
        // Each path is asked for once, so no two threads touch the same entry of `previous`.
        PageLinks links;
        auto it = previous->pages.find(path);
        if (it != previous->pages.end() && it->second.hash == old.hash) {
          links = std::move(it->second);
        } else {
          // Not saved (or saved from other bytes): read the linked file again.
          std::ifstream in(c.writer->temp_dir() / path, std::ios::binary);
          const std::string bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
          if (!in.eof() && in.fail()) throw WriteError(path + ": cannot be read again");
          links = extract_links(bytes);
          links.hash = content_hash(bytes);
        }
        std::lock_guard<std::mutex> lock(mutex);
        c.links.pages[path] = std::move(links);
        return true;
      };
    // Saved for the next build, in case only bodies change before it (prose_path).
    if (c.writer && !c.fingerprint.empty() && !renderer_key().empty() && start_prose_file(c)) {
      sink.prose_page = [&c](ProsePage&& page) {
        const std::string bytes = encode_prose_page(page);
        const std::string digest = content_hash(bytes);
        std::lock_guard<std::mutex> lock(c.prose_mutex);
        add_prose_record(c, bytes, digest);
        ++c.prose_pages;
      };
      // Written at once, not kept: the drafts hold most of the index's text.
      sink.prose_search = [&c](ProseSearch&& search) {
        const std::string bytes = encode_prose_search(search);
        search = {};
        const std::string digest = content_hash(bytes);
        std::lock_guard<std::mutex> lock(c.prose_mutex);
        add_prose_record(c, bytes, digest);
        c.prose_search_saved = true;
      };
    }
    c.rendered = render_site(run.repo, run.figures, run.diags.sorted(), run.series, site, sink);
    previous.reset();
    // The pages are checked on every core: a set of their own to look paths up in, not the
    // writer's, which would take its lock for every link.
    std::unordered_set<std::string> written;
    if (c.writer)
      for (auto& p : c.writer->paths())
        written.insert(std::move(p));
    auto exists = [&](const std::string& p) {
      return c.writer ? written.count(p) != 0 : paths.count(p) != 0;
    };
    report_broken_links(run, check_links(c.links.pages, exists, nullptr, run.opts.jobs));
  } catch (const WriteError& e) {
    c.writer.reset(); // removes the temporary tree now
    throw FatalError(std::string("cannot write the site: ") + e.what());
  } catch (const fs::filesystem_error& e) {
    c.writer.reset();
    throw FatalError(std::string("cannot write the site: ") + e.what());
  } catch (...) {
    c.writer.reset();
    throw;
  }
  if (run.diags.has_errors()) c.writer.reset(); // a broken link: nothing is swapped in
  return render_counts(c.rendered);
}

// What the next build reads after a site is in place: the record of this build and the links of
// every page (and, from a build that rendered the whole site, the views a prose rebuild needs,
// named by the token the record gives). Each is written to a temporary file and renamed, so a
// reader sees the old file or the new one; a file that cannot be written only makes the next
// build a longer one.
void save_build_state(Context& c, const std::string& digest, std::string prose_token) {
  Run& run = c.run;
  std::error_code ec;
  save_file_cache(c);
  if (c.prose_out) {
    // The end, with the number of pages; then it takes the place of the previous one.
    write_prose_pending(c);
    *c.prose_out << encode_prose_end(c.prose_pages, c.prose_digests);
    c.prose_digests.clear();
    c.prose_out->close();
    const bool ok = c.prose_search_saved && !c.prose_out->fail();
    c.prose_out.reset();
    if (ok) fs::rename(c.prose_temp, prose_path(run), ec);
    if (!ok || ec) {
      fs::remove(c.prose_temp, ec);
      fs::remove(prose_path(run), ec);
    } else {
      prose_token = c.prose_token;
    }
    c.prose_temp.clear();
  } else if (prose_token.empty()) {
    fs::remove(prose_path(run), ec);
  }
  if (std::string record = build_record(c, digest, prose_token); !record.empty()) {
    try {
      write_file_atomic(record_path(run), record + "\n", LinkAtName::Replace);
    } catch (const WriteError&) {
      // Without a record the next build is a full one; the site itself is written.
    }
  }
  if (!renderer_key().empty()) {
    c.links.key = renderer_key() + " " + digest;
    // Streamed, so it is never held whole in memory; without it the next build renders every
    // page.
    fs::path temp = links_path(run);
    temp += ".tmp";
    fs::remove(temp, ec); // a link there is replaced, never written through (start_prose_file)
    std::ofstream f(temp, std::ios::binary | std::ios::trunc);
    if (f) write_saved_links(f, c.links);
    f.close();
    if (f) fs::rename(temp, links_path(run), ec);
    if (!f || ec) {
      fs::remove(temp, ec);
      fs::remove(links_path(run), ec);
    }
  }
  c.links = {};
}

// write after a body edit: the files made again replace theirs in the site (replace_site_files):
// a few in place, each atomically; more in a new tree swapped in whole, as a full build's is.
std::string write_prose_only(Context& c) {
  Run& run = c.run;
  Context::ProsePlan& plan = *c.prose;
  std::error_code ec;
  fs::remove(record_path(run), ec); // as below: no record may vouch for a site being changed
  const std::string digest =
      replace_site_files(output_dir(run), plan.manifest, plan.files, stamps_path(run),
                         run.output_from_config ? std::string() : run.repo.root, run.opts.jobs);
  run.site_files = plan.manifest.files.size();
  run.site_reused = run.site_files - plan.files.size();
  c.links = std::move(plan.links);
  save_build_state(c, digest, plan.token);
  const bool in_place = plan.files.size() <= k_replace_in_place_max;
  return plural(run.site_files, "file", "files") + " (" + std::to_string(run.site_reused) +
         (in_place ? " unchanged, kept in place; "
                   : " unchanged, linked from the previous site; ") +
         std::to_string(plan.files.size()) + (in_place ? " replaced in place)" : " made again)");
}

// write: the site rendered into the writer's temporary tree beside OUT is swapped in as a whole,
// so an error or a kill leaves the previous site as it was.
std::string stage_write(Context& c) {
  Run& run = c.run;
  // A build that keeps the previous site, or replaces a few of its files in place, still removes
  // what killed builds left beside it; a writer does that first, and these builds make none.
  if (c.up_to_date || c.prose) SiteWriter::clean_stale(output_dir(run));
  remove_stale_build_files(run);
  if (c.up_to_date) return "skipped";
  try {
    if (c.prose) return write_prose_only(c);
    if (!c.writer) throw FatalError("cannot write the site: nothing was rendered");
    SiteWriter& writer = *c.writer;
    // The previous record goes first: a run killed after the swap must not leave one that
    // vouches for a site it did not write (the marker's hash guards that too). The saved links
    // name the site they describe, so an old file is never taken for the new site's.
    std::error_code ec;
    fs::remove(record_path(run), ec);
    writer.commit();
    run.site_files = writer.paths().size();
    run.site_reused = writer.reused();
    save_build_state(c, writer.manifest_digest(), {});
  } catch (const WriteError& e) {
    throw FatalError(std::string("cannot write the site: ") + e.what());
  } catch (const fs::filesystem_error& e) {
    throw FatalError(std::string("cannot write the site: ") + e.what());
  }
  return plural(run.site_files, "file", "files") + " (" + std::to_string(run.site_reused) +
         " unchanged, linked from the previous site; " +
         std::to_string(c.writer->reused_by_input()) + " of them pages not rendered again)";
}

struct StageRow {
  Stage stage;
  std::string (*run)(Context&); // does the stage's work; returns the counts --timings prints
};

// The pipeline, in order. Each stage reads what the ones before it left in the Run.
constexpr StageRow k_stages[] = {
    {Stage::Load, stage_load},       {Stage::Validate, stage_validate},
    {Stage::Link, stage_link},       {Stage::Metrics, stage_metrics},
    {Stage::Compute, stage_compute}, {Stage::Render, stage_render},
    {Stage::Write, stage_write},
};

// The boundary between two stages: errors collected so far stop the run here.
bool checkpoint(const Run& run) {
  return !run.diags.has_errors() && run.fatal.empty() && run.usage_error.empty() &&
         run.internal_error.empty();
}

} // namespace

int exit_code(const Run& run) {
  if (!run.internal_error.empty()) return 4;
  if (!run.usage_error.empty() || run.output_refused) return 2;
  if (!run.fatal.empty() || !run.strict_failure.empty()) return 3;
  if (run.diags.has_errors()) return 1;
  if (run.opts.strict && run.diags.warning_count() > 0) return 1;
  return 0;
}

bool resolve_repo(Run& run) {
  // A folder that is not there is no repository (SPEC 2: exit 2, as when no nines.yaml is found);
  // one that is there but cannot be looked at is a file that cannot be reached (exit 3).
  std::error_code ec;
  const auto st = fs::status(run.opts.dir, ec);
  if (st.type() == fs::file_type::not_found) {
    run.usage_error = "content repository '" + run.opts.dir.string() + "' does not exist";
    return false;
  }
  if (!ec && st.type() != fs::file_type::directory) {
    run.usage_error = "content repository '" + run.opts.dir.string() + "' is not a folder";
    return false;
  }
  if (ec) {
    run.fatal = "content repository '" + run.opts.dir.string() +
                "' is not a readable folder: " + ec.message();
    return false;
  }
  std::string unreadable;
  auto root = find_repo_root(run.opts.dir, &unreadable, !run.opts.fixed_root);
  if (!unreadable.empty()) {
    // It is there but cannot be read: a file that could not be reached (SPEC 2: exit 3), for
    // every command, before anything is read or written.
    run.fatal = unreadable;
    return false;
  }
  if (!root) {
    run.usage_error = "not a nines repository (no nines.yaml in " +
                      fs::absolute(run.opts.dir, ec).lexically_normal().string() +
                      (run.opts.fixed_root ? "" : " or any parent") +
                      "); run 'nines init' to make one";
    return false;
  }
  // Keep the folder as given when it is the root, so paths in messages stay as the user wrote.
  if (!fs::equivalent(*root, run.opts.dir, ec)) run.opts.dir = *root;
  return true;
}

std::string bad_now_message(const std::optional<std::string>& flag) {
  const char* sde = std::getenv("SOURCE_DATE_EPOCH");
  const std::string given =
      flag ? "--now '" + *flag + "'" : "SOURCE_DATE_EPOCH '" + std::string(sde ? sde : "") + "'";
  return "cannot parse the time given by " + given +
         "; use a date (2026-11-01), an ISO 8601 time (2026-11-01T00:00:00Z, "
         "2026-11-01T02:00:00+02:00) or epoch seconds, from 1970-01-01 to 9999-12-31";
}

int run_pipeline(Run& run) {
  const RunOptions& o = run.opts;
  std::error_code ec;
  if (!resolve_repo(run)) return exit_code(run);
  auto now = resolve_now(o.now, o.clock);
  if (!now) {
    run.usage_error = bad_now_message(o.now);
    return exit_code(run);
  }
  run.now = *now;
  run.repo.root = fs::absolute(o.dir, ec).lexically_normal().string();
  // One build of the repository at a time (BuildLock): builds into one folder at once would mix
  // their sites. Taken before anything is read, in the folder nines keeps beside the content.
  std::optional<BuildLock> lock, out_lock;
  if (o.last >= Stage::Write) {
    // Its folder is `.nines` whatever the store's: a link there out of the repository stops the
    // build before the lock file is made through it.
    run.fatal = write_leaves_repo(run, ".nines/nines-build.lock", "the build lock");
    if (!run.fatal.empty()) return exit_code(run);
    lock.emplace(fs::path(run.repo.root) / ".nines" / "nines-build.lock");
  }
  // A build may only replace a previous nines site: refuse the repository, a folder holding it,
  // one inside it other than its output folder, a file, or a foreign non-empty folder, before
  // anything is read or written (exit 2).
  if (o.last >= Stage::Write) {
    try {
      // An -o inside the repository may be the folder nines.yaml `output` names: read_config
      // decides, and only the folder's own rules apply here.
      run.output_unchecked = !o.out.empty() && lies_inside(o.out, run.repo.root);
      check_output_dir(output_dir(run),
                       run.output_unchecked ? fs::path() : fs::path(run.repo.root));
    } catch (const OutputRefused& e) {
      run.usage_error = e.what();
      return exit_code(run);
    }
    // Builds of other repositories (or clones) into the same folder wait for each other too: the
    // repository's lock does not see them.
    out_lock.emplace(output_dir(run), BuildLock::OutputFolder{});
    // A prose rebuild killed during its renames: the previous site comes back before this build
    // looks at it (its record was removed first, so this build runs the long way).
    recover_site_files(output_dir(run));
  }

  Context c(run);
  for (const StageRow& row : k_stages) {
    if (row.stage > o.last) break;
    run.reached = row.stage;
    const auto start = Clock::now();
    StageTiming t{row.stage, 0, {}};
    try {
      t.counts = row.run(c);
    } catch (const RepoError& e) {
      run.diags.error(e.file(), e.loc(), e.rule(), e.what());
    } catch (const UsageError& e) {
      run.usage_error = e.what();
    } catch (const FatalError& e) {
      run.fatal = e.what();
    } catch (const std::bad_alloc&) {
      // The machine, not a bug: what the stage needed could not be had (exit 3, as for a disk
      // that cannot be written). Nothing is written after a failed stage.
      run.fatal = std::string("out of memory in the ") + stage_name(row.stage) +
                  " stage; give nines more memory (a limit set with ulimit -v, or a container's)";
    } catch (const std::exception& e) {
      run.internal_error = e.what();
      if (!run.current_file.empty())
        run.internal_error += " (while processing " + run.current_file + ")";
    }
    t.wall_ms = ms_since(start);
    if (row.stage == Stage::Load) t.wall_ms -= c.validate_ms; // streamed: split the two apart
    if (row.stage == Stage::Validate) t.wall_ms += c.validate_ms;
    run.timings.push_back(std::move(t));
    // Errors of load and validate (in documents and in nines.yaml, whose broken settings keep
    // their defaults) still let link run, so a pull request sees every finding at once.
    const bool go_on_to_link = row.stage < Stage::Link && run.fatal.empty() &&
                               run.usage_error.empty() && run.internal_error.empty();
    if (!checkpoint(run) && !go_on_to_link) break;
    // With --strict, warnings and data that is not fresh fail the build (exit 1 or 3). Every
    // finding is in by now, so the run stops before render: a failed build never replaces the
    // previous site.
    if (row.stage == Stage::Compute &&
        (!run.strict_failure.empty() || (o.strict && run.diags.warning_count() > 0)))
      break;
  }
  return exit_code(run);
}

int import_csv_file(Run& run, const fs::path& file, ImportSummary& summary) {
  if (!resolve_repo(run)) return exit_code(run);
  auto now = resolve_now(run.opts.now);
  if (!now) {
    run.usage_error = bad_now_message(run.opts.now);
    return exit_code(run);
  }
  run.now = *now;
  std::string text, why;
  if (!read_named_file(file, text, why)) {
    run.fatal = "cannot read '" + file.string() + "': " + why;
    return exit_code(run);
  }
  Context c(run);
  read_config(c);
  run.fatal = store_leaves_repo(run);
  if (!run.fatal.empty()) return exit_code(run);
  Repo rows;
  // Read as the loader reads metrics/*.csv: the same text rules, lines and empty-file error.
  if (!text_is_readable(text, file.string(), run.diags)) return exit_code(run);
  // The repository is read as `check` reads it; its own findings are `check`'s to report.
  Run repo_run;
  repo_run.opts = run.opts;
  repo_run.opts.last = Stage::Validate;
  const bool repo_read = run_pipeline(repo_run) == 0 || !repo_run.repo.slos.empty();
  CsvDays days; // as in metrics/*.csv, a second row of one SLO-day is an error, not read
  // A day the repository's own metrics/*.csv records is the repository's: importing it as well
  // would replace a committed, reviewed row in every figure while the file still says otherwise.
  // It is the same error as a day two of the repository's files give, naming both places.
  if (repo_read) {
    DiagBag repository_findings; // check's to report, not the import's
    std::error_code ec;
    const fs::path imported = fs::weakly_canonical(file, ec);
    std::uint32_t current = UINT32_MAX;
    bool same_file = false;
    for (const CsvRow& r : repo_run.repo.csv_rows) {
      if (r.file >= repo_run.repo.csv_files.size() || r.slo >= repo_run.repo.csv_slos.size())
        continue;
      if (r.file != current) {
        const std::string& name = repo_run.repo.csv_files[r.file];
        // Importing one of the repository's own files again only stores what a build stores.
        same_file = fs::weakly_canonical(fs::path(run.opts.dir) / name, ec) == imported;
        if (!same_file) days.begin_file(name);
        current = r.file;
      }
      if (!same_file)
        days.add(repo_run.repo.csv_slos[r.slo], format_date(r.day), r.line, repository_findings);
    }
  }
  days.begin_file(file.string());
  bool header = true, golden = false;
  for (auto& l : split_csv_text(text, file.string(), run.diags)) {
    if (header) golden = is_golden_csv_header(l.cells);
    const bool counts = !header && !golden && l.cells.size() >= 2;
    auto clash = counts ? days.claim(l.cells[0], l.cells[1], l.line) : std::nullopt;
    header = false;
    RawCsvRow row{file.string(), l.line, std::move(l.cells), std::move(l.cols)};
    row.golden = golden;
    row.clash = std::move(clash);
    decode_csv_row(row, rows, run.diags);
  }
  // Rows of an SLO the repository does not define, as `check` finds them in metrics/*.csv, and
  // beside the other rows' errors as `check` reports them: every bad row at once.
  if (repo_read) link_csv_rows(repo_run.repo, rows, run.diags);
  // Dated as check dates the repository's rows: a day to come is a warning, a year's typo that
  // reaches back more than ten years an error.
  const std::int64_t today = day_of(run.local_now);
  lint_csv_dates(rows, today, run.diags,
                 repo_read ? newest_recorded_day(repo_run.repo, today)
                           : std::numeric_limits<std::int64_t>::min());
  if (run.diags.has_errors()) return exit_code(run);
  // Every imported file is its own source, named by its file name: a later import of the same
  // file replaces its rows, other files' rows stay.
  const std::string name = file.filename().string();
  for (auto& f : rows.csv_files)
    f = "import/" + name;
  try {
    // Only this file's rows: the repository's own CSV files stay as the last build left them.
    // A file holds SLO counts or golden-signal values (by its header), never both.
    auto store = Store::open(store_path(run));
    summary = rows.golden_rows.empty() ? store->import_csv(rows, run.now, CsvScope::Files)
                                       : store->import_golden_csv(rows, run.now, CsvScope::Files);
  } catch (const StoreError& e) {
    run.fatal = e.what();
  } catch (const std::invalid_argument& e) {
    run.diags.error(file.string(), {}, "csv-row", e.what());
  }
  return exit_code(run);
}

std::vector<std::filesystem::path> build_state_files(const Run& run) {
  // None were written where a link leads out of the repository: none are removed there either.
  if (!store_leaves_repo(run).empty()) return {};
  return {record_path(run), links_path(run), prose_path(run), file_cache_path(run),
          stamps_path(run)};
}

std::filesystem::path store_path(const Run& run) {
  // Whoever runs nines may keep the store anywhere (a read-only checkout, a CI cache folder):
  // NINES_CACHE, relative to the working folder as a command-line path is. The repository itself
  // only names a place inside it (metrics.cache, refused otherwise by the schema and the decoder).
  if (const char* env = std::getenv("NINES_CACHE"); env && *env) {
    std::error_code ec;
    const fs::path p = fs::absolute(env, ec);
    return ec ? fs::path(env) : p;
  }
  fs::path p = run.repo.config.cache_path;
  return p.is_absolute() ? p : fs::path(run.opts.dir) / p;
}

} // namespace nines
