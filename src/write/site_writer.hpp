// Atomic output of the site: the new tree replaces the old one only when it is complete.
#pragma once

#include "diag/errors.hpp"

#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nines {

class WriteError : public FatalError {
public:
  using FatalError::FatalError;
};

// The output folder cannot be used: it is the repository, holds it, lies inside it (other than
// its `site/` folder), is a file, or is a non-empty folder that no nines build wrote. A usage
// error (exit 2), thrown before anything is touched.
class OutputRefused : public UsageError {
public:
  using UsageError::UsageError;
};

// The file nines writes into every site it builds. Only a folder holding it (or an empty or
// missing one) is ever replaced, so `-o` can never wipe a folder nines did not write.
inline constexpr const char* k_site_marker = ".nines-site";

// Throws OutputRefused when `out` must not be replaced by a site built from the repository at
// `repo_root` (empty: no repository rules, only the folder's own). Reads only; for drivers that
// check before doing any work.
void check_output_dir(const std::filesystem::path& out, const std::filesystem::path& repo_root);

// Collects the files of a site and swaps them in as a whole.
//
// Files go to a temporary directory `OUT.tmp-<pid>` beside OUT (same parent, so the final rename
// stays on one file system and is atomic), written at commit() (InMemory) or as they are added
// (Streaming, for sites too large to hold). commit() renames OUT to `OUT.old-<pid>`, the
// temporary directory to OUT, and removes the old tree. Until then OUT is untouched: a writer
// destroyed without commit(), or a failure anywhere before the swap, removes the temporary
// directory, and a failure between the two renames puts the old OUT back.
//
// A run killed half-way leaves `OUT.tmp-<pid>` (or, killed between the renames, `OUT.old-<pid>`
// and no OUT); the next writer for OUT removes leftovers of processes that no longer run, and
// restores an orphaned `OUT.old-*` if OUT is missing, so the previous site is never lost. One
// writer per OUT at a time.
//
// Output is deterministic: files are written in path order, files get mode 0644 and directories
// 0755 whatever the umask, and nothing but the given bytes and the marker file k_site_marker is
// written.
class SiteWriter {
public:
  enum class Mode { InMemory, Streaming };

  // Runs check_output_dir(out, repo_root) first: a refused folder throws OutputRefused and nothing
  // is touched (not even leftovers of killed runs beside it).
  explicit SiteWriter(std::filesystem::path out, Mode mode = Mode::InMemory,
                      const std::filesystem::path& repo_root = {});
  ~SiteWriter();
  SiteWriter(const SiteWriter&) = delete;
  SiteWriter& operator=(const SiteWriter&) = delete;

  // Adds a file at `path` relative to OUT, '/'-separated. Refuses (WriteError) absolute paths,
  // empty, "." and ".." segments, backslashes and control characters, the marker's name, a path
  // added twice, and a path that is also a directory of another ("a" and "a/b"). Thread-safe.
  void add(std::string_view path, std::string bytes);

  // The files added so far (InMemory; empty in Streaming mode) and the paths in either mode.
  const std::map<std::string, std::string>& files() const { return m_files; }
  std::vector<std::string> paths() const;

  // Writes what is still in memory and swaps the tree in. At most once.
  void commit();

  const std::filesystem::path& out() const { return m_out; }
  const std::filesystem::path& temp_dir() const { return m_temp; }

  // Whether `path` is acceptable to add(), for callers that build paths from content ids.
  static bool is_valid_path(std::string_view path);

private:
  void clean_stale() const;
  void create_temp();
  void write_one(const std::string& rel, const std::string& bytes) const;
  void discard() noexcept;

  std::filesystem::path m_out;
  std::filesystem::path m_temp;
  std::filesystem::path m_old;
  std::filesystem::path m_repo_root;
  Mode m_mode;
  bool m_temp_created = false;
  bool m_committed = false;
  mutable std::mutex m_mutex;
  std::map<std::string, std::string> m_files;
  std::set<std::string> m_paths;
  std::set<std::string> m_dirs;
};

// Replaces the file at `path` with `bytes` atomically: a temporary file in the same directory,
// then a rename, so readers see the old or the new content, never a partial one.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

} // namespace nines
