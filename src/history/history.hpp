// What git knows about a content repository: when each file last changed, and the files of any
// revision. Read with libgit2; nothing here runs `git` or touches the working tree.
//
// Staleness (runbooks, capacity and SLO reviews) and the "last changed" line of document pages
// come from here rather than from fields people forget to bump. A repository without git (a
// tarball), or a file never committed, has no history: callers fall back to the fields and say so.
#pragma once

#include "model/history.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nines {

// Reads the history of the git repository that holds `content_root` (the content repository
// may be a folder inside it) as it stood at `now` (seconds since the epoch): commits after `now`
// are not seen, so a run dated by --now or SOURCE_DATE_EPOCH sees the same history whatever was
// committed since. Walks the commits from `rev` (HEAD when empty) once, newest first, diffing
// each with its parents, and stops as soon as every file of `rev` under the content root has
// its last commit. With an empty `rev`, files with uncommitted changes count as changed at
// `now` (unless `now` is before HEAD's commit: the edits came later still). Never throws: a
// missing or unreadable repository gives an empty history whose reason() says why.
//
// The same walk lists every commit's changed files from `commits_since` (seconds since the
// epoch; nullopt: 7 days before `now`, what a handoff reads) up to `now` (History::commits()):
// it goes on past the last "last change" while commits are that recent.
History read_history(const std::string& content_root, std::int64_t now, const std::string& rev = "",
                     std::optional<std::int64_t> commits_since = std::nullopt);

// For each of `files` (paths relative to the content root), whether read_history(content_root,
// now) would find it changed now: committed in HEAD, with the working tree or index differing
// from HEAD, and HEAD not later than `now`. Reads only those files' status, not the history: for a
// rebuild that must know whether an edit changed what the history says. nullopt when there is no
// repository or it cannot be read.
std::optional<std::map<std::string, bool>> uncommitted_now(const std::string& content_root,
                                                           std::int64_t now,
                                                           const std::vector<std::string>& files);

// A commit's text (its author's name) as UTF-8, for the pages and the API: converted with iconv
// from the commit's `encoding` header (git_commit_message_encoding(): null or UTF-8 when the
// commit names none) when it names another that iconv knows; then any byte that still starts no
// valid UTF-8 sequence (a name written in Latin-1 without the header, an encoding the header
// names wrongly) becomes U+FFFD, as does a byte the encoding itself cannot read.
std::string commit_text_utf8(std::string_view text, const char* encoding);

// The git work tree that holds `folder` (an existing folder, at its top or below it) and the
// branch checked out there, for `init`, which writes workflows where GitHub reads them and for
// the branch that is pushed. nullopt when no repository holds it, or it is bare.
struct GitCheckout {
  std::string top;    // the work tree's top folder, symbolic links resolved
  std::string branch; // the branch HEAD names, one with no commit yet too; empty when detached
};
std::optional<GitCheckout> git_checkout_of(const std::string& folder);

// The files of the content root as they were at revision `rev` (anything `git rev-parse`
// understands: a branch, tag, commit id, HEAD~2), path relative to the content root → bytes.
// Read straight from the object database; the working tree is only read, to find moved files.
struct TreeFiles {
  std::map<std::string, std::string> files;
  // Symbolic links: path → target, as git stores them. A checkout makes them links, and the
  // loader follows those that stay inside the repository, so REV's side makes them too.
  std::map<std::string, std::string> links;
  // Files moved since `rev`: path at `rev` → path in the working tree, as `git status` pairs
  // them (a removed file and an added or untracked one at least half alike, libgit2's rename
  // detection), both relative to the content root. A move is not a new finding.
  std::map<std::string, std::string> moved;
  std::string commit; // the full id `rev` resolved to
  std::string error;  // non-empty when `rev` or the repository could not be read
  // With `error`: the revision exists but its objects could not be read (a partial clone
  // without them): a file that cannot be reached (exit 3), not a usage error.
  bool unreachable = false;
};
TreeFiles read_tree_at(const std::string& content_root, const std::string& rev);

} // namespace nines
