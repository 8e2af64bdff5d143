#include "history/history.hpp"

#include "diag/utf8.hpp"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <git2.h>
#include <iconv.h>
#include <memory>
#include <queue>
#include <set>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;

namespace nines {
namespace {

// libgit2 counts its initialisations; each reader holds one for as long as it runs.
struct Libgit2 {
  Libgit2() { git_libgit2_init(); }
  ~Libgit2() { git_libgit2_shutdown(); }
  Libgit2(const Libgit2&) = delete;
  Libgit2& operator=(const Libgit2&) = delete;
};

template <typename T, void (*Free)(T*)> struct Deleter {
  void operator()(T* p) const {
    if (p) Free(p);
  }
};
using RepoPtr = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using CommitPtr = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using ObjectPtr = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;
using EntryPtr = std::unique_ptr<git_tree_entry, Deleter<git_tree_entry, git_tree_entry_free>>;
using BlobPtr = std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>>;
using StatusPtr = std::unique_ptr<git_status_list, Deleter<git_status_list, git_status_list_free>>;
using DiffPtr = std::unique_ptr<git_diff, Deleter<git_diff, git_diff_free>>;

std::string last_git_error(const std::string& what) {
  const git_error* e = git_error_last();
  return what + (e && e->message ? std::string(": ") + e->message : "");
}

std::string oid_hex(const git_oid* oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, oid);
  return buf;
}

// Whether an encoding name is UTF-8's, as git spells it (`UTF-8`, `utf8`, any case).
bool names_utf8(std::string_view encoding) {
  std::string folded;
  for (const char c : encoding)
    if (c != '-' && c != '_') folded += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return folded == "utf8";
}

// `text` converted from `encoding` to UTF-8 by iconv; a byte the encoding cannot read becomes
// U+FFFD and the conversion goes on after it. nullopt when iconv does not know the encoding.
std::optional<std::string> iconv_to_utf8(std::string_view text, const std::string& encoding) {
  iconv_t cd = iconv_open("UTF-8", encoding.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string in(text);
  char* in_p = in.data();
  std::size_t in_left = in.size();
  std::string out;
  char buf[256];
  while (in_left > 0) {
    char* out_p = buf;
    std::size_t out_left = sizeof buf;
    const std::size_t r = iconv(cd, &in_p, &in_left, &out_p, &out_left);
    out.append(buf, static_cast<std::size_t>(out_p - buf));
    if (r != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) continue;
    // EILSEQ (not a character of the encoding) or EINVAL (cut short at the end): one byte
    // replaced, and the shift state starts over.
    out += "\xEF\xBF\xBD"; // U+FFFD
    ++in_p;
    --in_left;
    iconv(cd, nullptr, nullptr, nullptr, nullptr);
  }
  // The shift sequence back to the initial state, for the stateful encodings.
  char* out_p = buf;
  std::size_t out_left = sizeof buf;
  iconv(cd, nullptr, nullptr, &out_p, &out_left);
  out.append(buf, static_cast<std::size_t>(out_p - buf));
  iconv_close(cd);
  return out;
}

} // namespace

std::string commit_text_utf8(std::string_view text, const char* encoding) {
  if (encoding && *encoding && !names_utf8(encoding))
    if (std::optional<std::string> converted = iconv_to_utf8(text, encoding))
      return valid_utf8(*converted);
  // Without a declared encoding git means UTF-8; one iconv does not know, or a name that is not
  // what the commit holds, leaves the bytes as they are but for those that are not UTF-8.
  return valid_utf8(text);
}

namespace {

// The boundary commits of a shallow clone (the `shallow` file of the repository's common
// folder: one commit id a line), as raw ids; empty for a complete repository.
std::set<std::string> shallow_commits(git_repository* repo) {
  std::set<std::string> out;
  const char* common = git_repository_commondir(repo);
  if (!common) return out;
  std::ifstream in(fs::path(common) / "shallow");
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
      line.pop_back();
    git_oid id;
    if (line.size() == GIT_OID_HEXSZ && git_oid_fromstr(&id, line.c_str()) == 0)
      out.insert(std::string(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ));
  }
  return out;
}

// An open repository and where the content root sits inside its work tree ("" at the top,
// else "folder/sub/" with a trailing slash, so it prefixes paths directly).
struct Opened {
  RepoPtr repo;
  std::string prefix;
  std::string error;
};

// Whether libgit2 could find a repository for `content_root`: a `.git` (folder or file) in it
// or a folder above it, or a folder that looks like a bare repository, along its path as given
// and as resolved. Looser than libgit2's own search, never stricter. libgit2's initialisation
// loads the system's CA certificates for its TLS backend, which costs more than checking a
// thousand files; a content folder outside any repository need not pay for it.
bool may_hold_repository(const std::string& content_root) {
  std::error_code ec;
  for (const fs::path& start : {fs::absolute(content_root, ec).lexically_normal(),
                                fs::weakly_canonical(content_root, ec)}) {
    for (fs::path d = start;; d = d.parent_path()) {
      if (fs::exists(fs::symlink_status(d / ".git", ec)) ||
          (fs::exists(d / "HEAD", ec) && fs::exists(d / "objects", ec)))
        return true;
      if (d.empty() || d == d.parent_path()) break;
    }
  }
  return false;
}

// Whether git's configuration (global or system) trusts every repository whatever its owner:
// `safe.directory = *`, which git honours and the libgit2 of Debian 12 does not.
bool every_directory_safe() {
  git_config* raw = nullptr;
  if (git_config_open_default(&raw) != 0) return false;
  bool star = false;
  git_config_get_multivar_foreach(
      raw, "safe.directory", nullptr,
      [](const git_config_entry* e, void* payload) {
        if (e->value && std::string_view(e->value) == "*") *static_cast<bool*>(payload) = true;
        return 0;
      },
      &star);
  git_config_free(raw);
  return star;
}

Opened open_repository(const std::string& content_root) {
  Opened o;
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, content_root.c_str(), 0, nullptr) != 0) {
    // A repository owned by another user (a CI container's checkout, a mounted volume): git
    // refuses it unless safe.directory trusts it, and so does libgit2, but for the `*` form, and
    // the libgit2 of Debian 12 says only that a config value was not found. Opened again without
    // the owner check, it tells the two apart.
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
    const bool opens = git_repository_open_ext(&raw, content_root.c_str(), 0, nullptr) == 0;
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 1);
    if (!opens) {
      o.error = "not a git repository";
      return o;
    }
    if (!every_directory_safe()) {
      git_repository_free(raw);
      o.error = "git refuses the repository: it belongs to another user; trust it with "
                "`git config --global --add safe.directory PATH`, or '*' for every repository";
      return o;
    }
  }
  o.repo.reset(raw);
  const char* workdir = git_repository_workdir(raw);
  if (!workdir) {
    o.error = "a bare git repository has no work tree";
    return o;
  }
  std::error_code ec;
  fs::path root = fs::weakly_canonical(content_root, ec);
  fs::path top = fs::weakly_canonical(workdir, ec);
  fs::path rel = root.lexically_relative(top);
  std::string r = rel.generic_string();
  if (r.empty() || r == ".")
    o.prefix.clear();
  else if (r.rfind("..", 0) == 0)
    o.error = "the content repository is outside the git work tree";
  else
    o.prefix = r + "/";
  return o;
}

// What a walk of HEAD's tree collects (collect_entry): every blob path, and every submodule
// (gitlink) path.
struct TreeContents {
  std::set<std::string> blobs;
  std::vector<std::string> submodules;
};

// Every blob and submodule path under `root` of a tree, for git_tree_walk.
int collect_entry(const char* root, const git_tree_entry* entry, void* payload) {
  auto* contents = static_cast<TreeContents*>(payload);
  const git_object_t type = git_tree_entry_type(entry);
  if (type == GIT_OBJECT_BLOB)
    contents->blobs.insert(std::string(root) + git_tree_entry_name(entry));
  else if (type == GIT_OBJECT_COMMIT)
    contents->submodules.push_back(std::string(root) + git_tree_entry_name(entry));
  return 0;
}

// Every blob below `tree`, as changed paths under `base` (a subtree added or removed whole).
void add_all_blobs(git_repository* repo, const git_tree* tree, const std::string& base,
                   std::set<std::string>& out, bool& ok);

// The blobs that differ between two trees (either may be null: nothing there), as paths under
// `base`. It descends only into subtrees whose ids differ, so a commit that changes one file
// costs the depth of that file, not the size of the repository. libgit2's tree-to-tree diff
// gives the same answer but sets up a diff (configuration, attributes, every entry of the
// trees it is handed) per call, which made a walk of 5,000 commits over 4,400 files take
// minutes; only ids are compared here, and no blob is read.
void diff_trees(git_repository* repo, const git_tree* a, const git_tree* b, const std::string& base,
                std::set<std::string>& out, bool& ok) {
  auto subtree = [&](const git_tree_entry* e) -> TreePtr {
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, repo, git_tree_entry_id(e)) != 0) ok = false;
    return TreePtr(raw);
  };
  auto add_side = [&](const git_tree_entry* e) {
    const std::string path = base + git_tree_entry_name(e);
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
      TreePtr t = subtree(e);
      if (t) add_all_blobs(repo, t.get(), path + "/", out, ok);
    } else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
      out.insert(path);
    }
  };
  const std::size_t na = a ? git_tree_entrycount(a) : 0;
  const std::size_t nb = b ? git_tree_entrycount(b) : 0;
  for (std::size_t i = 0; i < na && ok; ++i) {
    const git_tree_entry* ea = git_tree_entry_byindex(a, i);
    const git_tree_entry* eb = b ? git_tree_entry_byname(b, git_tree_entry_name(ea)) : nullptr;
    if (!eb) {
      add_side(ea); // removed
      continue;
    }
    if (git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
        git_tree_entry_filemode(ea) == git_tree_entry_filemode(eb))
      continue; // the same object: nothing below it changed
    const bool ta = git_tree_entry_type(ea) == GIT_OBJECT_TREE;
    const bool tb = git_tree_entry_type(eb) == GIT_OBJECT_TREE;
    if (ta && tb) {
      TreePtr sa = subtree(ea), sb = subtree(eb);
      if (sa && sb)
        diff_trees(repo, sa.get(), sb.get(), base + git_tree_entry_name(ea) + "/", out, ok);
    } else {
      add_side(ea); // a changed blob, or a file that became a folder (or back)
      add_side(eb);
    }
  }
  for (std::size_t i = 0; i < nb && ok; ++i) {
    const git_tree_entry* eb = git_tree_entry_byindex(b, i);
    if (!a || !git_tree_entry_byname(a, git_tree_entry_name(eb))) add_side(eb); // added
  }
}

void add_all_blobs(git_repository* repo, const git_tree* tree, const std::string& base,
                   std::set<std::string>& out, bool& ok) {
  diff_trees(repo, nullptr, tree, base, out, ok);
}

// The subtree of `tree` at `prefix` ("" or "dir/sub/"): the content root inside the work tree.
// Null when the commit has no such folder (before the content repository existed).
TreePtr content_tree(git_repository* repo, git_tree* tree, const std::string& prefix, bool& ok) {
  if (!tree) return TreePtr();
  if (prefix.empty()) {
    git_tree* copy = nullptr;
    if (git_tree_dup(&copy, tree) != 0) ok = false;
    return TreePtr(copy);
  }
  git_tree_entry* raw = nullptr;
  if (git_tree_entry_bypath(&raw, tree, prefix.substr(0, prefix.size() - 1).c_str()) != 0)
    return TreePtr();
  EntryPtr entry(raw);
  if (git_tree_entry_type(raw) != GIT_OBJECT_TREE) return TreePtr();
  git_tree* sub = nullptr;
  if (git_tree_lookup(&sub, repo, git_tree_entry_id(raw)) != 0) ok = false;
  return TreePtr(sub);
}

// Paths (full, from the top of the work tree) that differ between two trees, limited to the
// content root.
std::set<std::string> changed_paths(git_repository* repo, git_tree* old_tree, git_tree* new_tree,
                                    const std::string& prefix, bool& ok) {
  std::set<std::string> paths;
  TreePtr a = content_tree(repo, old_tree, prefix, ok);
  TreePtr b = content_tree(repo, new_tree, prefix, ok);
  if (ok) diff_trees(repo, a.get(), b.get(), prefix, paths, ok);
  return paths;
}

// The exact renames among `changed` (a commit's changed paths against its one parent): a path the
// commit added whose blob (and mode) is one it removed. Moving a file is not editing it.
// `unmatched` (when given) is set when an added file is left that no removal among `changed`
// explains.
std::map<std::string, std::string> exact_renames(git_tree* old_tree, git_tree* new_tree,
                                                 const std::set<std::string>& changed,
                                                 bool* unmatched = nullptr) {
  std::map<std::string, std::string> renames; // new path → old path
  auto entry = [](git_tree* t, const std::string& path) {
    git_tree_entry* e = nullptr;
    return git_tree_entry_bypath(&e, t, path.c_str()) == 0 ? EntryPtr(e) : EntryPtr();
  };
  std::map<std::pair<std::string, unsigned>, std::string> removed; // (blob id, mode) → path
  std::vector<std::pair<std::string, EntryPtr>> added;
  for (const auto& p : changed) {
    EntryPtr before = entry(old_tree, p), after = entry(new_tree, p);
    if (before && !after && git_tree_entry_type(before.get()) == GIT_OBJECT_BLOB)
      removed.emplace(std::pair{oid_hex(git_tree_entry_id(before.get())),
                                static_cast<unsigned>(git_tree_entry_filemode(before.get()))},
                      p);
    else if (after && !before && git_tree_entry_type(after.get()) == GIT_OBJECT_BLOB)
      added.emplace_back(p, std::move(after));
  }
  for (const auto& [path, e] : added) {
    auto it = removed.find({oid_hex(git_tree_entry_id(e.get())),
                            static_cast<unsigned>(git_tree_entry_filemode(e.get()))});
    if (it == removed.end()) {
      if (unmatched) *unmatched = true;
      continue;
    }
    renames[path] = it->second;
    removed.erase(it); // one removed file becomes one added file
  }
  return renames;
}

} // namespace

History read_history(const std::string& content_root, std::int64_t now, const std::string& rev,
                     std::optional<std::int64_t> commits_since) {
  History h;
  // A handoff's "last 7 days" is the default range of the commit list: whole days of the
  // repository's timezone (compute_handoff keeps the commits dated from the 7th day back), so the
  // list starts early enough for the first of them to be whole in any timezone (UTC-12 to
  // UTC+14), not 7×24 hours before now, which cut that day short.
  const std::int64_t since = commits_since.value_or(now - 9 * 86400);
  h.set_commits_since(since);
  if (!may_hold_repository(content_root)) {
    h.mark_read("not a git repository");
    return h;
  }
  Libgit2 lib;
  Opened o = open_repository(content_root);
  if (!o.error.empty()) {
    h.mark_read(o.error);
    return h;
  }
  git_repository* repo = o.repo.get();
  const std::string& prefix = o.prefix;
  h.set_prefix(prefix);

  git_oid head_oid;
  if (rev.empty()) {
    if (git_reference_name_to_id(&head_oid, repo, "HEAD") != 0) {
      h.mark_read("the git repository has no commits");
      return h;
    }
  } else {
    git_object* obj = nullptr;
    if (git_revparse_single(&obj, repo, rev.c_str()) != 0) {
      h.mark_read("unknown revision '" + rev + "'");
      return h;
    }
    ObjectPtr held(obj);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0) {
      h.mark_read("revision '" + rev + "' is not a commit");
      return h;
    }
    git_oid_cpy(&head_oid, git_object_id(peeled));
    git_object_free(peeled);
  }
  git_commit* head_raw = nullptr;
  if (git_commit_lookup(&head_raw, repo, &head_oid) != 0) {
    h.mark_read(last_git_error("cannot read HEAD"));
    return h;
  }
  CommitPtr head(head_raw);
  git_tree* head_tree_raw = nullptr;
  if (git_commit_tree(&head_tree_raw, head_raw) != 0) {
    h.mark_read(last_git_error("cannot read HEAD's tree"));
    return h;
  }
  TreePtr head_tree(head_tree_raw);

  // The files whose last commit we need: those of HEAD under the content root.
  TreeContents contents;
  git_tree_walk(head_tree_raw, GIT_TREEWALK_PRE, collect_entry, &contents);
  std::set<std::string>& wanted = contents.blobs;
  // Submodules under the content root: their files are committed in another repository, whose
  // history is not read; the pages say so rather than "not committed".
  for (const auto& path : contents.submodules)
    if (path.rfind(prefix, 0) == 0) h.add_submodule(path.substr(prefix.size()));
  for (auto it = wanted.begin(); it != wanted.end();)
    it = it->rfind(prefix, 0) == 0 ? std::next(it) : wanted.erase(it);

  // The commits from HEAD, newest first by commit time, each once: a walk of our own rather than
  // libgit2's revwalk, which fails before handing out a single commit when a parent is missing,
  // as every parent of a shallow clone's boundary is (the libgit2 of Debian 12 reads no `shallow`
  // file). A boundary commit's own changes are unknown (its parent is not there to compare
  // with), so the walk ends at it; a commit or parent that cannot be read ends it too, rather than
  // crediting its changes to an older commit. Files the walk did not reach have no last change,
  // and partial_reason() says why.
  const std::set<std::string> shallow = shallow_commits(repo);
  struct Queued {
    std::int64_t time;
    git_oid oid;
    bool operator<(const Queued& o) const {
      if (time != o.time) return time < o.time;
      return git_oid_cmp(&oid, &o.oid) < 0;
    }
  };
  std::priority_queue<Queued> queue;
  std::set<std::string> queued;
  std::string stopped; // why the walk ended before the first commit, if it did
  auto raw_key = [](const git_oid* id) {
    return std::string(reinterpret_cast<const char*>(id->id), GIT_OID_RAWSZ);
  };
  auto enqueue = [&](const git_oid* id) {
    if (!queued.insert(raw_key(id)).second) return true;
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, repo, id) != 0) return false;
    queue.push({static_cast<std::int64_t>(git_commit_time(c)), *id});
    git_commit_free(c);
    return true;
  };
  enqueue(&head_oid);
  auto next_commit = [&](git_oid* out) {
    if (!stopped.empty() || queue.empty()) return false;
    *out = queue.top().oid;
    queue.pop();
    return true;
  };

  // One pass, newest commit first: a path is assigned the first commit found to change it, and
  // the walk ends once every wanted path has one. A merge changes a path only when the path
  // differs from every parent; otherwise the change belongs to the branch that brought it.
  std::size_t remaining = wanted.size();
  // The folder the commits are diffed under: the content root's, until a file is followed to a
  // name outside it (the content folder was moved), then the whole tree.
  std::string diff_prefix = prefix;
  // A wanted file that an exact rename brought follows its old name into older commits: an old
  // path → the wanted path it became.
  std::map<std::string, std::string> follows;
  git_oid oid;
  // Commits come newest first (GIT_SORT_TIME), so once one is older than `since` and every file
  // has its last change, nothing later in the walk is needed.
  bool recent = true;
  while ((remaining > 0 || recent) && next_commit(&oid)) {
    const std::string short_id = oid_hex(&oid).substr(0, 7);
    if (shallow.count(raw_key(&oid))) {
      stopped = "the clone is shallow: its history starts at commit " + short_id +
                ", whose changes it cannot tell";
      break;
    }
    git_commit* c_raw = nullptr;
    if (git_commit_lookup(&c_raw, repo, &oid) != 0) {
      stopped = last_git_error("commit " + short_id + " cannot be read");
      break;
    }
    CommitPtr commit(c_raw);
    git_tree* t_raw = nullptr;
    if (git_commit_tree(&t_raw, c_raw) != 0) {
      stopped = last_git_error("the tree of commit " + short_id + " cannot be read");
      break;
    }
    TreePtr tree(t_raw);
    const unsigned parents = git_commit_parentcount(c_raw);
    for (unsigned i = 0; i < parents && stopped.empty(); ++i)
      if (!enqueue(git_commit_parent_id(c_raw, i)))
        stopped = last_git_error("a parent of commit " + short_id + " cannot be read");
    if (!stopped.empty()) break;
    std::set<std::string> changed;
    std::map<std::string, std::string> renames;
    bool ok = true;
    if (parents == 0) {
      changed = changed_paths(repo, nullptr, t_raw, diff_prefix, ok);
    } else {
      for (unsigned i = 0; i < parents && ok; ++i) {
        git_commit* p_raw = nullptr;
        if (git_commit_parent(&p_raw, c_raw, i) != 0) {
          ok = false;
          break;
        }
        CommitPtr parent(p_raw);
        git_tree* pt_raw = nullptr;
        if (git_commit_tree(&pt_raw, p_raw) != 0) {
          ok = false;
          break;
        }
        TreePtr parent_tree(pt_raw);
        std::set<std::string> d = changed_paths(repo, pt_raw, t_raw, diff_prefix, ok);
        if (i == 0) {
          bool unmatched = false;
          if (ok && parents == 1) renames = exact_renames(pt_raw, t_raw, d, &unmatched);
          // A file added under the content root that no removal there explains may have come
          // from outside it (the content folder itself moved, `git mv docs reliability`): the
          // whole commit is looked at for it.
          if (ok && unmatched && !diff_prefix.empty()) {
            const std::set<std::string> all = changed_paths(repo, pt_raw, t_raw, "", ok);
            if (ok) renames = exact_renames(pt_raw, t_raw, all);
          }
          changed = std::move(d);
        } else {
          std::set<std::string> both;
          for (const auto& p : changed)
            if (d.count(p)) both.insert(p);
          changed = std::move(both);
        }
      }
    }
    if (!ok) {
      stopped = "the changes of commit " + short_id + " cannot be read";
      break;
    }
    FileChange fc;
    fc.time = static_cast<std::int64_t>(git_commit_time(c_raw));
    // A commit after the run's now has not happened yet, as far as the run is concerned.
    if (fc.time > now) continue;
    fc.hash = oid_hex(&oid);
    fc.short_hash = fc.hash.substr(0, 7);
    const git_signature* author = git_commit_author(c_raw);
    // Published on pages and in the API, which are UTF-8: git stores the name as the author's
    // machine wrote it, in the encoding the commit names (`i18n.commitEncoding`) or in no
    // declared one at all.
    fc.author = author && author->name
                    ? commit_text_utf8(author->name, git_commit_message_encoding(c_raw))
                    : "";
    recent = fc.time >= since;
    // The path each changed path stands for now: the wanted path a later exact rename made of
    // it, else itself when wanted. The rename first: a file created at the old path after the
    // move is another file, whose own commits are all newer than the move.
    auto now_path = [&](const std::string& p) -> const std::string* {
      if (auto f = follows.find(p); f != follows.end()) return &f->second;
      return wanted.count(p) ? &p : nullptr;
    };
    std::set<std::string> moved_only; // the new names of exact renames: their change is older
    for (const auto& [to, from] : renames)
      if (const std::string* target = now_path(to)) {
        follows[from] = *target;
        moved_only.insert(to);
        moved_only.insert(from);
        // Followed out of the content root: older commits are diffed whole from here on.
        if (from.rfind(diff_prefix, 0) != 0) diff_prefix.clear();
      }
    for (const auto& p : changed) {
      // Moving a file is not editing it, under either name: not a recent change either.
      if (moved_only.count(p)) continue;
      // A recent change is listed under the name the file has now (an edit before a later move
      // is the moved file's); files deleted since are part of the recent changes too, under their
      // last name, but have no last change.
      const std::string* target = now_path(p);
      const std::string& listed = target ? *target : p;
      if (recent && listed.rfind(prefix, 0) == 0) h.add_commit({listed.substr(prefix.size()), fc});
      if (!target) continue;
      std::string rel = target->substr(prefix.size());
      if (h.add(rel, fc)) --remaining;
    }
  }

  if (!stopped.empty()) h.set_partial_reason(stopped);

  // Uncommitted changes to committed files count as changed now, unless now is before HEAD's
  // commit (then the edits are later than now too). A move staged with `git mv` and not edited
  // is no change, as a committed one: the file keeps its last change under its new name.
  const bool edits_visible =
      rev.empty() && static_cast<std::int64_t>(git_commit_time(head_raw)) <= now;
  git_status_options so = GIT_STATUS_OPTIONS_INIT;
  so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  // The content root's folder as a literal path, not a pattern: a pathspec is a glob, and a
  // folder named `docs [prod]` would match no path of its own.
  so.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES | GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH |
             GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX;
  std::string spec = prefix;
  char* specs[1] = {spec.data()};
  if (!prefix.empty()) {
    so.pathspec.strings = specs;
    so.pathspec.count = 1;
  }
  git_status_list* status_raw = nullptr;
  if (edits_visible && git_status_list_new(&status_raw, repo, &so) == 0) {
    StatusPtr status(status_raw);
    const std::size_t n = git_status_list_entrycount(status_raw);
    for (std::size_t i = 0; i < n; ++i) {
      const git_status_entry* e = git_status_byindex(status_raw, i);
      if (e->status == GIT_STATUS_CURRENT) continue;
      const git_diff_delta* d = e->head_to_index ? e->head_to_index : e->index_to_workdir;
      if (!d || !d->old_file.path) continue;
      std::string p = d->old_file.path;
      if (!wanted.count(p)) continue; // not in HEAD: never committed, no history
      const git_diff_delta* staged = e->head_to_index;
      if (staged && staged->status == GIT_DELTA_RENAMED && staged->new_file.path) {
        const std::string to = staged->new_file.path;
        if (to.rfind(prefix, 0) != 0) continue; // moved out of the content root
        const FileChange* before = h.last_change(p.substr(prefix.size()));
        if (staged->similarity == 100 && !e->index_to_workdir) {
          if (before) h.replace(to.substr(prefix.size()), FileChange(*before));
          continue;
        }
        p = to;
      }
      FileChange fc;
      fc.uncommitted = true;
      fc.time = now;
      h.replace(p.substr(prefix.size()), fc);
    }
  }

  h.mark_available(oid_hex(&head_oid).substr(0, 7));
  return h;
}

namespace {

struct BlobCollector {
  git_repository* repo;
  std::map<std::string, std::string>* files;
  std::map<std::string, std::string>* links;
  bool failed = false;
  std::string repo_prefix; // where the walked tree is in `repo` ("" or "reliability/")
  std::string out_prefix;  // what the files' names start with in `files` and `links`
};

int collect_blob(const char* root, const git_tree_entry* entry, void* payload);

using SubmodulePtr = std::unique_ptr<git_submodule, Deleter<git_submodule, git_submodule_free>>;

// A submodule's files at the commit the revision's gitlink records, read from the submodule's
// own repository (`git submodule update` put it there), as a checkout of the revision with its
// submodules holds them. One that was never fetched, or lacks that commit, holds nothing: its
// documents then read as added since REV, as before submodules were read.
void collect_submodule(BlobCollector& c, const std::string& path, const git_oid* commit_id) {
  git_submodule* sm_raw = nullptr;
  if (git_submodule_lookup(&sm_raw, c.repo, (c.repo_prefix + path).c_str()) != 0) return;
  SubmodulePtr sm(sm_raw);
  git_repository* sub_raw = nullptr;
  if (git_submodule_open(&sub_raw, sm_raw) != 0) return;
  RepoPtr sub(sub_raw);
  git_commit* commit_raw = nullptr;
  if (git_commit_lookup(&commit_raw, sub_raw, commit_id) != 0) return;
  CommitPtr commit(commit_raw);
  git_tree* tree_raw = nullptr;
  if (git_commit_tree(&tree_raw, commit_raw) != 0) return;
  TreePtr tree(tree_raw);
  BlobCollector inner{sub_raw, c.files, c.links, false, "", c.out_prefix + path + "/"};
  git_tree_walk(tree_raw, GIT_TREEWALK_PRE, collect_blob, &inner);
  if (inner.failed) c.failed = true;
}

int collect_blob(const char* root, const git_tree_entry* entry, void* payload) {
  auto* c = static_cast<BlobCollector*>(payload);
  // A submodule's files are read from its own repository. A symbolic link's blob is its target:
  // kept apart, to be made a link again, as a checkout makes it.
  if (git_tree_entry_type(entry) == GIT_OBJECT_COMMIT) {
    collect_submodule(*c, std::string(root) + git_tree_entry_name(entry), git_tree_entry_id(entry));
    return 0;
  }
  if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) return 0;
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, c->repo, git_tree_entry_id(entry)) != 0) {
    c->failed = true;
    return -1;
  }
  BlobPtr blob(raw);
  const auto* data = static_cast<const char*>(git_blob_rawcontent(raw));
  auto& into = git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK ? *c->links : *c->files;
  into[c->out_prefix + std::string(root) + git_tree_entry_name(entry)] =
      std::string(data, static_cast<std::size_t>(git_blob_rawsize(raw)));
  return 0;
}

// The files under `prefix` moved between `tree` and the working tree (staged or not, the new
// name tracked or not): path at `tree` → path now, both without `prefix`. What cannot be read
// leaves the map short: the summary then shows a moved file's findings as new and fixed, as
// before this was known.
std::map<std::string, std::string> moved_since(git_repository* repo, git_tree* tree,
                                               const std::string& prefix) {
  std::map<std::string, std::string> moved;
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
  // Only the kinds of file the loader reads: an untracked site or cache folder in the work tree
  // is listed but none of its files is read for the rename search.
  std::string base;
  for (char c : prefix) {
    if (c == '*' || c == '?' || c == '[' || c == '\\') base += '\\';
    base += c;
  }
  std::vector<std::string> globs;
  for (const char* ext : {"yaml", "yml", "md", "csv"})
    globs.push_back(base + "*." + ext);
  std::vector<char*> specs;
  for (auto& g : globs)
    specs.push_back(g.data());
  opts.pathspec = {specs.data(), specs.size()};
  git_diff* raw = nullptr;
  if (git_diff_tree_to_workdir_with_index(&raw, repo, tree, &opts) != 0) return moved;
  DiffPtr diff(raw);
  // libgit2 searches for similar files pairwise, up to a limit of candidates (1,000) that caps
  // exact matches too: a folder of thousands moved with `git mv` would be paired only in part.
  // Beyond that many changes, only files moved unchanged are paired, however many there are.
  git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
  find.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_FOR_UNTRACKED;
  constexpr std::size_t k_similar_limit = 1000;
  if (const std::size_t n = git_diff_num_deltas(raw); n > k_similar_limit) {
    find.flags |= GIT_DIFF_FIND_EXACT_MATCH_ONLY;
    find.rename_limit = n;
  }
  if (git_diff_find_similar(raw, &find) != 0) return moved;
  for (std::size_t i = 0, n = git_diff_num_deltas(raw); i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(raw, i);
    if (d->status != GIT_DELTA_RENAMED || !d->old_file.path || !d->new_file.path) continue;
    const std::string_view from = d->old_file.path, to = d->new_file.path;
    if (from.substr(0, prefix.size()) != prefix || to.substr(0, prefix.size()) != prefix) continue;
    moved.emplace(from.substr(prefix.size()), to.substr(prefix.size()));
  }
  return moved;
}

} // namespace

std::optional<std::map<std::string, bool>> uncommitted_now(const std::string& content_root,
                                                           std::int64_t now,
                                                           const std::vector<std::string>& files) {
  if (!may_hold_repository(content_root)) return std::nullopt;
  Libgit2 lib;
  Opened o = open_repository(content_root);
  if (!o.error.empty()) return std::nullopt;
  git_repository* repo = o.repo.get();
  git_oid head_oid;
  if (git_reference_name_to_id(&head_oid, repo, "HEAD") != 0) return std::nullopt;
  git_commit* head_raw = nullptr;
  if (git_commit_lookup(&head_raw, repo, &head_oid) != 0) return std::nullopt;
  CommitPtr head(head_raw);
  git_tree* tree_raw = nullptr;
  if (git_commit_tree(&tree_raw, head_raw) != 0) return std::nullopt;
  TreePtr tree(tree_raw);
  // As read_history decides: edits count only when HEAD is not later than now, and only for
  // files HEAD has.
  const bool edits_visible = static_cast<std::int64_t>(git_commit_time(head_raw)) <= now;
  std::map<std::string, bool> out;
  for (const auto& rel : files) {
    const std::string path = o.prefix + rel;
    git_tree_entry* entry = nullptr;
    bool in_head = false;
    if (git_tree_entry_bypath(&entry, tree_raw, path.c_str()) == 0) {
      in_head = git_tree_entry_type(entry) == GIT_OBJECT_BLOB;
      git_tree_entry_free(entry);
    }
    if (!in_head || !edits_visible) {
      out[rel] = false;
      continue;
    }
    unsigned flags = 0;
    if (git_status_file(&flags, repo, path.c_str()) != 0) return std::nullopt;
    out[rel] = flags != GIT_STATUS_CURRENT;
  }
  return out;
}

std::optional<GitCheckout> git_checkout_of(const std::string& folder) {
  if (!may_hold_repository(folder)) return std::nullopt;
  Libgit2 lib;
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, folder.c_str(), 0, nullptr) != 0) return std::nullopt;
  RepoPtr repo(raw);
  const char* workdir = git_repository_workdir(raw);
  if (!workdir) return std::nullopt;
  GitCheckout out;
  std::error_code ec;
  out.top = fs::weakly_canonical(workdir, ec).string();
  if (ec) return std::nullopt;
  // HEAD itself, not git_repository_head: a fresh `git init -b master` has no commit, and its
  // branch is still the one the first push makes.
  git_reference* head = nullptr;
  if (git_reference_lookup(&head, raw, "HEAD") == 0) {
    if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC) {
      const std::string target = git_reference_symbolic_target(head);
      const std::string prefix = "refs/heads/";
      if (target.rfind(prefix, 0) == 0) out.branch = target.substr(prefix.size());
    }
    git_reference_free(head);
  }
  return out;
}

TreeFiles read_tree_at(const std::string& content_root, const std::string& rev) {
  Libgit2 lib;
  TreeFiles out;
  Opened o = open_repository(content_root);
  if (!o.error.empty()) {
    out.error = o.error;
    return out;
  }
  git_repository* repo = o.repo.get();
  git_object* obj_raw = nullptr;
  if (git_revparse_single(&obj_raw, repo, rev.c_str()) != 0) {
    out.error = "unknown revision '" + rev + "'";
    // The usual cause in CI: a checkout of depth 1 (actions/checkout's default) has no parent
    // commit nor other branches to compare with.
    if (const std::set<std::string> shallow = shallow_commits(repo); !shallow.empty())
      out.error += " (the clone is shallow, its history cut at " + std::to_string(shallow.size()) +
                   " commit" + (shallow.size() == 1 ? "" : "s") +
                   ": fetch the history, e.g. actions/checkout with fetch-depth: 0)";
    return out;
  }
  ObjectPtr obj(obj_raw);
  git_object* commit_raw = nullptr;
  if (git_object_peel(&commit_raw, obj_raw, GIT_OBJECT_COMMIT) != 0) {
    out.error = "revision '" + rev + "' is not a commit";
    return out;
  }
  ObjectPtr commit(commit_raw);
  out.commit = oid_hex(git_object_id(commit_raw));
  git_tree* tree_raw = nullptr;
  if (git_commit_tree(&tree_raw, reinterpret_cast<git_commit*>(commit_raw)) != 0) {
    out.error = last_git_error("cannot read the tree of '" + rev + "'");
    return out;
  }
  TreePtr tree(tree_raw);
  TreePtr sub;
  git_tree* walk_tree = tree_raw;
  if (!o.prefix.empty()) {
    git_tree_entry* e_raw = nullptr;
    std::string folder = o.prefix.substr(0, o.prefix.size() - 1);
    if (git_tree_entry_bypath(&e_raw, tree_raw, folder.c_str()) != 0) {
      // The content folder did not exist yet at that revision: it held no documents.
      return out;
    }
    EntryPtr entry(e_raw);
    git_object* sub_raw = nullptr;
    if (git_tree_entry_type(e_raw) != GIT_OBJECT_TREE ||
        git_tree_entry_to_object(&sub_raw, repo, e_raw) != 0)
      return out;
    sub.reset(reinterpret_cast<git_tree*>(sub_raw));
    walk_tree = sub.get();
  }
  BlobCollector c{repo, &out.files, &out.links, false, o.prefix, ""};
  git_tree_walk(walk_tree, GIT_TREEWALK_PRE, collect_blob, &c);
  if (c.failed) {
    out.error = last_git_error("cannot read the files of '" + rev + "'");
    out.unreachable = true;
    return out;
  }
  out.moved = moved_since(repo, tree_raw, o.prefix);
  return out;
}

} // namespace nines
