// The load stage: walk a content repository and turn its files into positioned documents.
#pragma once

#include "diag/diagnostic.hpp"
#include "load/yaml_reader.hpp"
#include "model/node.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace nines {

// One document as read from disk, before schema validation.
struct RawDoc {
  std::string file;  // relative path
  int index = 0;     // position in a multi-document file
  std::string kind;  // "service", ..., "prometheus_rules", "openslo", "backstage"
  Node root;         // the whole document
  Loc kind_loc;      // the top-level key
  std::string body;  // Markdown prose after front matter
  int body_line = 0; // the file's line the body starts on
  // A rules file `nines rules` wrote: its first line is k_generated_rules_header.
  bool generated = false;
  // What LoadHooks::check found, on the thread that parsed the document, for on_doc: whether
  // the document passed, a digest of its content, and its findings, which are not yet in the
  // run's diagnostics so that on_doc reports them in file order.
  struct Check {
    bool ok = true;
    std::string digest;
    std::vector<Diagnostic> diags;
  };
  Check check;
};

// One line of metrics/*.csv, split but not yet checked.
struct RawCsvRow {
  std::string file;
  int line = 0;
  std::vector<std::string> cells;
  // The 1-based column (in characters) of each cell's first character as written; empty when the
  // cells' sizes give them (ASCII cells with no quotes): see csv_cell_column.
  std::vector<int> cols = {};
  // The file's first line is the golden-signal header service,signal,date,value: every row of it
  // is a golden-signal value, not SLO counts.
  bool golden = false;
  // The row gives an SLO-day a row before gave (CsvDays::claim): the csv-duplicate-day error,
  // reported by the row's decoding only when the row is readable. A row that cannot be read holds
  // no day, so its own csv-row error is the one reported, not a clash with a good row.
  std::optional<Diagnostic> clash = std::nullopt;
};

// The header of a recorded golden-signal file, and whether `cells` (a first line) is it.
bool is_golden_csv_header(const std::vector<std::string>& cells);

// The column of `row`'s cell number `cell` (0-based), for diagnostics.
int csv_cell_column(const RawCsvRow& row, std::size_t cell);

// The bytes of files the fingerprint's walk read (repo_fingerprint), handed to the loader so that
// a build reads each file once: on a build with no cache of the walk (a first build, a clean
// store), reading every file twice was 2%-3% of its CPU. Keyed by repository-relative path; only
// files walk_reads_file names, read whole as regular files, up to k_capacity bytes in all (then
// the loader reads the rest itself). What the loader takes is exactly what the fingerprint
// hashed, so the build's record stands for the files the site was made from. Safe to fill and to
// take from on several threads.
class ReadAhead {
public:
  static constexpr std::size_t k_capacity = std::size_t{96} << 20;

  // Keeps a copy of `bytes` for `rel` unless the capacity is reached.
  void put(const std::string& rel, std::string_view bytes);
  // Moves the bytes kept for `rel` into `out` and forgets them; false when none are kept.
  bool take(const std::string& rel, std::string& out);
  std::size_t size() const;

private:
  mutable std::mutex m_mutex;
  std::unordered_map<std::string, std::string> m_files;
  std::size_t m_bytes = 0;
};

struct LoadOptions {
  std::size_t max_file_bytes = 8u << 20;
  YamlLimits yaml;
  std::vector<std::string> skip_dirs; // relative folders never walked (output, cache)
  // nines.yaml `include` / `exclude`: globs of the files read (all when empty) and of the files
  // and folders never read.
  std::vector<std::string> include, exclude;
  std::vector<Loc> include_locs; // where each `include` glob is, for the one that matches nothing
  // Threads that read, parse and check files (the calling thread is one of them). The results
  // are handed on in sorted file order whatever the number.
  unsigned jobs = 1;
  // Files already read (by the fingerprint's walk); a file found here is not read again.
  ReadAhead* read_ahead = nullptr;
  // Whether a key is a field of a kind (the schemas know; validate sets it). A YAML document of
  // one kind key whose other top-level keys are all its fields is that kind with a field written
  // at column 1, an error at the stray key, not another tool's file skipped in silence. Called on
  // several threads at once. May be empty: such documents are then skipped.
  std::function<bool(const std::string& kind, const std::string& key)> kind_field;
};

// What load_repo hands each document and CSV row to.
struct LoadHooks {
  // Runs on the thread that parsed the document, as soon as it is parsed: files are parsed
  // concurrently, so it must be safe to run on several threads at once. May be empty.
  std::function<void(RawDoc&)> check;
  // Run on the calling thread, in sorted file order, each document after the file's findings
  // that came before it.
  std::function<void(RawDoc&&)> on_doc;
  std::function<void(RawCsvRow&&)> on_csv;
};

// What the walk left alone or could not read, for the driver's report and the link stage.
struct LoadNotes {
  // YAML/Markdown files with no nines or dialect document, the files of Helm charts, and the
  // symbolic links to a file the walk never reads (walk_skips_link: into `.git/`, the output or
  // store folder, or to a hidden file), in path order (those a Backstage Location names last)
  std::vector<std::string> skipped;
  // The folders the walk found to be Helm charts (the chart's folder, not its files), sorted:
  // what `check --verbose` names as the reason a chart's file was skipped.
  std::vector<std::string> helm_charts;
  // The Kustomize patch files among `skipped` (kustomize_patches in the loader), sorted.
  std::vector<std::string> kustomize_patches;
  std::vector<std::string> failed; // files with an error while reading or classifying them
  // The ids the documents dropped for their shape may have had (classify's errors, and the
  // documents that are none in a file of nines documents): their `id` or `name` at the top level
  // and under a kind's key (or one reading as a misspelt kind's), or `metadata`.
  std::vector<std::string> dropped_ids;
};

// What the loader reads, whatever nines.yaml `include` and `exclude` say, as one rule for the
// loader's walk and for everything that must agree with it (`serve` watches exactly these
// files). Paths are repository-relative and '/'-separated.
//
// The folder of the theme's templates: load_theme_overrides reads it, the document walk does not.
inline constexpr std::string_view k_theme_folder = "layouts";
// Whether the walk never enters folder `rel`: a hidden folder (`.git`, the store's `.nines`) at
// any depth, and at the top level only the output folder `site/` with the site writer's folders
// beside it, k_theme_folder and `node_modules/` (a `runbooks/site/` is content).
bool walk_skips_folder(std::string_view rel);
// Whether the walk reads file `rel` of a folder it enters: YAML and Markdown files, and CSV files
// directly in metrics/; never a hidden file. nines.yaml is read too, before the walk.
bool walk_reads_file(std::string_view rel);
// Whether load_theme_overrides reads `rel`: layouts/NAME.mustache or
// layouts/partials/NAME.mustache.
bool is_theme_file(std::string_view rel);
// Where repository path `rel` (relative, lexically normal) really is once the symbolic links on
// its way are followed, as one resolved path relative to the resolved repository.
struct RealPath {
  enum class Where { Inside, Outside, Unfollowable } where = Where::Inside;
  std::string rel; // Inside: "." for the repository itself
};
// RealPath of `rel` in the repository at `root`: its longest part that exists is resolved (what
// does not exist yet holds no link) and the rest appended, so a place nines is about to make is
// judged by the folders it would be made in. A link to nothing, or a loop, cannot be followed:
// where a link to nothing leads may be made later, anywhere, so it is never taken for inside.
RealPath real_path(const std::filesystem::path& root, const std::string& rel);
// The run's own folders the walk never enters (LoadOptions::skip_dirs), relative to the
// repository `dir`: the output folder `out` (none when empty) and the folder of the store at
// `store`, each when it lies inside the repository (the root itself is still walked).
std::vector<std::string> run_skip_dirs(const std::filesystem::path& dir,
                                       const std::filesystem::path& out,
                                       const std::filesystem::path& store);
// Whether the walk skips file `rel` as a symbolic link to what it never reads: a file in a hidden
// folder (`.git/`), the output or store folder (`skip_dirs`), layouts/ or node_modules/, or a
// hidden file. Such links are among LoadNotes::skipped; `check --verbose` names them apart.
bool walk_skips_link(const std::filesystem::path& root, const std::string& rel,
                     const std::vector<std::string>& skip_dirs);
// Whether `chart_file`, the Chart.yaml of a folder the walk enters, makes that folder a Helm
// chart's: Helm would read it as one (a mapping with a `name`, a `version` and an `apiVersion` of
// v2, v1 or none), read under `opts`' limits. The walk then reads nothing in or below the folder
// (docs/content.md, "Helm charts"). Never asked of the repository's root, which is no chart.
bool is_helm_chart_file(const std::filesystem::path& root, const std::filesystem::path& chart_file,
                        const LoadOptions& opts);

// A repository-relative path against a glob: `*` within one folder name, `**` across folders,
// `?` one character; a pattern without `/` matches the file name at any depth (as .gitignore).
// As in .gitignore too, a leading `/` or `./` anchors the pattern at the root, and a trailing
// `/` matches a folder (`is_folder`) and everything under it.
bool glob_match(std::string_view pattern, std::string_view path, bool is_folder = false);

// Whether the file `rel` is read under an `include` glob: the glob names the file or one of the
// folders it is in, as an `exclude` glob names what it leaves out (`services` is every folder
// called services, and all it holds).
bool include_matches(std::string_view pattern, std::string_view rel);

// The first byte of `text` that cannot be in a document: a NUL, or a byte that is not valid UTF-8
// (overlong forms and surrogates included). nines rejects such files rather than replacing the
// bytes, so what is published is always what the author wrote.
struct TextProblem {
  Loc loc; // line, and column in characters
  std::string what;
  std::string hint; // how to fix it, when there is more to say than "save the file as UTF-8"
};
std::optional<TextProblem> check_text(std::string_view text);

// A text in UTF-16 or UTF-32, named at 1:1 by its byte order mark (UTF-32's tested first: its
// little-endian mark starts with UTF-16's), or without one by the zero bytes of its first two
// characters as YAML 1.2 tells the encodings apart. check_text names such a file this way rather
// than by its first odd byte; the loader asks it of a Markdown file it finds no front matter in,
// which in these encodings it never could.
std::optional<TextProblem> foreign_encoding(std::string_view text);

// check_text as a `file-encoding` error of `file` in `diags`; false when there was one.
bool text_is_readable(std::string_view text, const std::string& file, DiagBag& diags);

// Reads one file of the repository at `root` under the loader's rules: a symbolic link must stay
// inside the repository, only regular files are read (not folders, FIFOs or devices), and the
// file must fit in `max_bytes`. On failure returns false with the diagnostic's rule, message and
// hint. `plain`: the walk saw a regular file there, not a link, so the common case needs no stat
// (anything else found there still goes the long way).
bool read_repo_file(const std::filesystem::path& root, const std::filesystem::path& path,
                    std::size_t max_bytes, std::string& out, std::string& rule,
                    std::string& message, std::string& hint, bool plain = false);

// Reads a file named on the command line (`metrics import FILE`), which may lie anywhere: only a
// regular file is read (a folder, FIFO or device is not). On failure returns false with the
// reason in `why`.
bool read_named_file(const std::filesystem::path& path, std::string& out, std::string& why);

// The theme overrides of the repository (layouts/NAME.mustache and layouts/partials/
// NAME.mustache), read in the load stage under the loader's rules; keyed by their path relative
// to the repository. Problems are diagnostics; the files with problems are left out.
std::map<std::string, std::string> load_theme_overrides(const std::filesystem::path& root,
                                                        const LoadOptions& opts, DiagBag& diags);

// Reads `nines.yaml` at the repository root (under read_repo_file's rules). Returns a Null node
// when there is none; a document that is not a mapping is an error. With `bytes`, the bytes read
// go there ("" when there were none), so a build can tell whether the file it fingerprints later
// is the one it read.
Node load_config_file(const std::filesystem::path& root, const LoadOptions& opts, DiagBag& diags,
                      std::string* bytes = nullptr);

// The content repository that `start` is in, found the way git finds its repository: `start`
// itself or its nearest parent holding `nines.yaml`. nullopt when there is none. A folder on the
// way that cannot be looked into, a repository folder that cannot be listed or a `nines.yaml`
// that cannot be opened (permissions) is not "no repository": nullopt, and `unreadable` (when
// given) says what cannot be read and why. With `upward` false only `start` itself is looked at.
std::optional<std::filesystem::path> find_repo_root(const std::filesystem::path& start,
                                                    std::string* unreadable = nullptr,
                                                    bool upward = true);

// Walks the repository in sorted path order and hands every document to `hooks.on_doc`, file by
// file. Files are read, parsed and checked on `opts.jobs` threads, a bounded window of files ahead
// of the one being handed on, so only a few files' trees are alive at a time; what reaches the
// hooks and `diags` (and its order) does not depend on the number of threads. CSV rows go to
// `hooks.on_csv` (a UTF-8 byte order mark is dropped; an SLO-day already given by another CSV file
// is an error naming both, and is not passed on). Folders and files that cannot be read are
// errors. YAML and Markdown files that are neither a nines kind nor a known dialect are skipped
// without error and listed in `notes`; so is every file in and below a folder (not the root)
// whose Chart.yaml is a Helm chart's, unread (docs/content.md, "Helm charts").
void load_repo(const std::filesystem::path& root, const LoadOptions& opts, DiagBag& diags,
               const LoadHooks& hooks, LoadNotes* notes = nullptr);
// The same without a check, on the calling thread alone.
void load_repo(const std::filesystem::path& root, const LoadOptions& opts, DiagBag& diags,
               const std::function<void(RawDoc&&)>& on_doc,
               const std::function<void(RawCsvRow&&)>& on_csv, LoadNotes* notes = nullptr);

// What repo_fingerprint leaves out besides git's own folder: the build's output folder (and the
// site writer's temporary folders beside it, OUT.tmp-* and OUT.old-*), the store's file (with its
// -wal, -shm and -journal) and, beside the store, the files whose names start with
// `store_records_prefix` or with "." and it (the builds' own records, and the temporary files
// they are written through). Absolute paths.
struct FingerprintScope {
  std::filesystem::path out;
  std::filesystem::path store;
  std::string store_records_prefix;
};

// A fingerprint of the repository at `root` for incremental builds: every file (path, size and
// `hash` of its content, in sorted order) but those `scope` leaves out, and the commit git's HEAD
// resolves to (loose or packed ref, worktrees included), since the history is a function of it.
// A symbolic link, or a file larger than the loader reads, is fingerprinted by its size and
// modification time, never its bytes (it may point anywhere, or be huge). Returns "" when the
// walk fails or a file cannot be read: the caller then cannot trust any fingerprint. Files are
// read and hashed on `opts.jobs` threads (so `hash` must be safe to call from several); the
// result does not depend on their number.
//
// With `prose`, a second fingerprint that leaves out the Markdown bodies is made in the same walk:
// a `.md` file with front matter counts there by its front matter alone (every byte up to and
// including the closing `---` line), and its body's hash goes to `prose->bodies`. Two builds with
// the same `prose->structure` differ at most in the bodies of the same Markdown files.
struct ProseFingerprint {
  std::string structure;
  std::map<std::string, std::string> bodies; // relative path → hash of the body
};

// What a fingerprint walk learnt of each file it read, so that the next walk takes the lines of a
// file whose identity is unchanged without reading it again, as git's index does: device, inode,
// size, and the modification and status-change times to the nanosecond (`cp -p` or `touch -d`
// can set a modification time back, never the status-change time). A file is remembered only
// when both its times lie more than `k_racy_margin_ns` before the walk started: an edit made in
// the same clock tick as a walk could leave every one of them as it was, so such a file is read
// again next time ("racily clean" in git's words). A rebuild that finds nothing changed then
// reads no file at all; at 1,000 documents the reading and hashing was a quarter of a rebuild
// after one body edit.
struct FingerprintCache {
  static constexpr std::int64_t k_racy_margin_ns = 2'000'000'000; // FAT's 2 s, the coarsest tick
  struct Entry {
    std::uint64_t dev = 0, ino = 0, size = 0;
    std::int64_t mtime_ns = 0, ctime_ns = 0;
    std::string hash;      // of the whole file
    bool front = false;    // a `.md` file with front matter: the three below are set
    std::size_t head = 0;  // bytes up to and including the closing `---` line
    std::string head_hash; // of those bytes
    std::string body_hash; // of the rest
  };
  std::vector<std::pair<std::string, Entry>> entries; // by relative path, sorted
  // Set by repo_fingerprint: whether the walk found the entries it was given exactly as they were
  // (every one used, none added), so the caller need not save them again.
  bool unchanged = false;
  // When the walk starts, in nanoseconds since the epoch; 0: the clock's. Tests set it, since a
  // file's status-change time cannot be set back.
  std::int64_t now_ns = 0;
};
// The cache as bytes, and back; `key` names what made the hashes (a file made under another key,
// damaged or cut short decodes to an empty cache, so every file is read).
std::string encode_fingerprint_cache(const FingerprintCache& cache, std::string_view key);
FingerprintCache decode_fingerprint_cache(std::string_view bytes, std::string_view key);

// With `cache`, files found in it unchanged are not read, and it is replaced by what this walk
// learnt; the result is the same as without it. The cache's hashes must come from `hash`.
// With `read_ahead`, the files it reads that the loader reads too are kept there for it. With
// `config_hash`, the `hash` of nines.yaml as this walk read it goes there ("" for none, or one
// fingerprinted by its size and time), for the caller to compare with the one it read before.
std::string repo_fingerprint(const std::filesystem::path& root, const LoadOptions& opts,
                             const FingerprintScope& scope,
                             const std::function<std::string(std::string_view)>& hash,
                             ProseFingerprint* prose = nullptr, FingerprintCache* cache = nullptr,
                             ReadAhead* read_ahead = nullptr, std::string* config_hash = nullptr);

// The Markdown body of the repository file `rel`, read as the loader reads it (read_repo_file's
// rules, UTF-8 text, front matter split off). nullopt when the loader would report anything about
// the file's bytes or would not read it as a document with front matter: a caller that only
// needs a changed body then takes the long way, which reports it.
std::optional<std::string> read_markdown_body(const std::filesystem::path& root,
                                              const std::string& rel, const LoadOptions& opts);

// Splits "---\nfront matter\n---\nbody". Returns false when the text has no front matter.
bool split_front_matter(const std::string& text, std::string& yaml, std::string& body,
                        int& body_line);

// Splits one CSV line into cells (RFC 4180 quotes; a trailing CR is dropped). With `cols`, the
// column of each cell as RawCsvRow::cols holds it (left empty when the sizes give it). The strings
// already in `cells` are written over, so a vector reused from line to line allocates nothing
// once its strings have the room.
void split_csv_line(std::string_view line, std::vector<std::string>& cells,
                    std::vector<int>* cols = nullptr);

// One non-blank line of a metrics CSV file, split.
struct CsvLine {
  int line = 0;
  std::vector<std::string> cells;
  std::vector<int> cols; // as RawCsvRow::cols
};

// Calls `each(line_number, line)` for each non-blank line of a metrics CSV file's text, a UTF-8
// byte order mark dropped; returns how many there were. The one way the loader and `metrics
// import` (through split_csv_text) walk a file's lines.
std::size_t for_each_csv_line(std::string_view text,
                              const std::function<void(int, std::string_view)>& each);

// The `csv-header` error at 1:1 of a metrics CSV file with no line (for_each_csv_line gave none):
// a file under metrics/ is there to hold data.
void report_empty_csv(const std::string& file, DiagBag& diags);

// The lines of a metrics CSV file's text, split (for_each_csv_line, then split_csv_line); a file
// with none is report_empty_csv's error in `diags`.
std::vector<CsvLine> split_csv_text(std::string_view text, const std::string& file, DiagBag& diags);

// Where each SLO-day of the metrics CSV rows read so far was first given, for `csv-duplicate-day`:
// one SLO-day belongs in one row of one file, so a second row giving it, in another file or in
// the same one, is an error naming the first and is not read. Shared by the loader and
// `metrics import`, so both refuse the same rows.
class CsvDays {
public:
  // Starts the rows of file `file`; add() then names it.
  void begin_file(const std::string& file);
  // Records the row at `line` of the current file whose first cells are `slo` and `day` (as
  // written: blanks around them are dropped); false, with the error in `diags`, when a row
  // before gave that SLO-day.
  bool add(std::string_view slo, std::string_view day, int line, DiagBag& diags);
  // As add(), but the error is returned (as RawCsvRow::clash) rather than reported.
  std::optional<Diagnostic> claim(std::string_view slo, std::string_view day, int line);
  // Takes back what add() recorded for the row at `line` of the current file: a row that turned
  // out not to be readable (a count that is not a number) does not hold its day, so a good row
  // for that day elsewhere is read, not reported as its duplicate.
  void forget(std::string_view slo, std::string_view day, int line);

private:
  // Where an SLO-day was first given: the file's index in m_files, and the line.
  struct First {
    std::uint32_t file = 0;
    int line = 0;
  };
  // The days of one SLO. A day written YYYY-MM-DD (nearly all) is a number in a sorted vector, 12
  // bytes a row: rows mostly come in date order, so it is appended to. A string key and a hash
  // node for each of them made this table the largest thing a check kept (10 MB at 10k
  // documents) and cost 150,000 allocations. A day that comes before one already given (a file
  // in descending date order) goes to `late` instead, so no insert moves the vector. Any other
  // spelling is kept as written.
  struct Days {
    std::vector<std::pair<std::uint32_t, First>> dates;
    std::map<std::uint32_t, First> late;
    std::unordered_map<std::string, First> other;
  };
  std::unordered_map<std::string, Days> m_days;
  std::vector<std::string> m_files;
  Days* m_slo_days = nullptr;
  std::string m_slo;
};

// The slug of a file name without its extension, by model/slug.hpp's rule keeping '.', '_' and
// '-': "Pay API.yaml" → "pay-api", "Zürich outage.md" → "zurich-outage", and a hash of the name
// when it has letters the slug cannot spell ("決済エラー.md").
std::string path_stem_slug(const std::string& rel_path);

} // namespace nines
