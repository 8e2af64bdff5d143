// What git knows about a content repository's files, as plain data: when each file last changed.
// The history reader (history/) fills it in; the lints and pages read it. No I/O here.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace nines {

// The last commit that touched one file, or its uncommitted change.
struct FileChange {
  std::int64_t time = 0; // commit time, seconds since the epoch (the run's now when uncommitted)
  std::string hash;      // full commit id; empty when uncommitted
  std::string short_hash;
  std::string author;
  bool uncommitted = false; // the working tree or index differs from HEAD: "changed now"
};

// One commit's change of one file: the commit list of a recent range (handoffs, "what changed").
struct FileCommit {
  std::string path; // relative to the content root ('/' separators)
  FileChange change;
};

class History {
public:
  // An empty history: not a git repository (see reason()).
  History() = default;

  // True once read() ran (with or without finding a repository).
  bool was_read() const { return m_read; }

  bool available() const { return m_available; }
  // Why there is no history ("not a git repository", "the repository has no commits", ...).
  const std::string& reason() const { return m_reason; }

  // The last change of a file, by its path relative to the content root ('/' separators);
  // nullptr when git does not know it (never committed, or no history at all).
  const FileChange* last_change(const std::string& rel_path) const {
    auto it = m_changes.find(rel_path);
    return it == m_changes.end() ? nullptr : &it->second;
  }

  // Every (commit, file) change of the commits from `commits_since()` up to now, newest commit
  // first; files in a commit in path order.
  const std::vector<FileCommit>& commits() const { return m_commits; }
  // The start of the range commits() covers (seconds since the epoch); commits before it are not
  // listed. Meaningless without history.
  std::int64_t commits_since() const { return m_commits_since; }

  // Number of files with a known last change.
  std::size_t size() const { return m_changes.size(); }
  // The commit HEAD points at (short form); empty without history.
  const std::string& head() const { return m_head; }
  // Where the content root sits in the git work tree: "" at its top (or without a repository),
  // else "folder/sub/" with a trailing slash. A file's path in the repository's web view is this
  // followed by its path relative to the content root.
  const std::string& prefix() const { return m_prefix; }

  // For the reader (history/): what it found.
  void mark_read(std::string reason) {
    m_read = true;
    m_reason = std::move(reason);
  }
  void mark_available(std::string head) {
    m_read = true;
    m_available = true;
    m_reason.clear();
    m_head = std::move(head);
  }
  // Records a file's last change unless it has one already; true when it was recorded.
  bool add(const std::string& rel_path, const FileChange& change) {
    return m_changes.emplace(rel_path, change).second;
  }
  void replace(const std::string& rel_path, const FileChange& change) {
    m_changes[rel_path] = change;
  }
  // Why the history stops before the repository's first commit, when it does (a shallow
  // clone's boundary, a commit that cannot be read): files it did not reach have no last change
  // for that reason, not because they are uncommitted. Empty for a whole history.
  const std::string& partial_reason() const { return m_partial_reason; }
  void set_partial_reason(std::string reason) { m_partial_reason = std::move(reason); }
  // The submodule that holds `rel_path` (its folder, relative to the content root), or nullptr:
  // its files are committed in another repository, whose history is not read.
  const std::string* submodule_of(const std::string& rel_path) const {
    for (const auto& s : m_submodules)
      if (rel_path.size() > s.size() && rel_path.compare(0, s.size(), s) == 0 &&
          rel_path[s.size()] == '/')
        return &s;
    return nullptr;
  }
  void add_submodule(std::string folder) { m_submodules.push_back(std::move(folder)); }
  void set_commits_since(std::int64_t since) { m_commits_since = since; }
  void set_prefix(std::string prefix) { m_prefix = std::move(prefix); }
  void add_commit(FileCommit c) { m_commits.push_back(std::move(c)); }

private:
  bool m_read = false;
  bool m_available = false;
  std::string m_reason = "no git history was read";
  std::string m_head;
  std::string m_prefix;
  std::string m_partial_reason;
  std::vector<std::string> m_submodules;
  std::map<std::string, FileChange> m_changes;
  std::vector<FileCommit> m_commits;
  std::int64_t m_commits_since = 0;
};

} // namespace nines
