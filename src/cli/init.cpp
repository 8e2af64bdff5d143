// `nines init [DIR] [--action OWNER/REPO@REF] [--title T]`: writes a working content repository
// — nines.yaml, one linked example of each kind with recorded data, .gitignore, a README and the
// two GitHub workflows (check pull requests, publish the default branch to Pages). In a folder
// that has files already it adds only what is missing and never overwrites. Whatever stands in
// its way is found before anything is written; a write that fails all the same takes back what
// the run had made, so that init can simply be run again.
#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "cli/templates.hpp"
#include "history/history.hpp"
#include "load/loader.hpp"
#include "model/time.hpp"
#include "write/repo_edit.hpp"
#include "write/site_writer.hpp"
#include "write/walk_scope.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace nines {
namespace {

// Template paths spell a leading dot as "dot-", so that nothing in templates/ is hidden.
std::string output_path(const std::string& template_path) {
  std::string rel = template_path.substr(std::string("init/").size());
  std::string out;
  std::size_t start = 0;
  while (start <= rel.size()) {
    std::size_t slash = rel.find('/', start);
    std::string part =
        rel.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part.rfind("dot-", 0) == 0) part = "." + part.substr(4);
    out += (out.empty() ? "" : "/") + part;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

// 35 days of recorded daily data for the example SLO, ending yesterday: a steady 0.15% error
// rate (about a third of the 0.5% budget) and the example incident's day at 1.2%. Deterministic:
// the same day always gives the same rows.
std::string example_csv(std::int64_t today, std::int64_t incident_day) {
  std::string out = "slo,date,good,total\n";
  for (std::int64_t day = today - 35; day < today; ++day) {
    std::int64_t total = 1'000'000 + (day % 7) * 25'000;
    std::int64_t bad = day == incident_day ? total * 12 / 1000 : total * (12 + day % 7) / 10000;
    out += "example-api-availability," + format_date(day) + "," + std::to_string(total - bad) +
           "," + std::to_string(total) + "\n";
  }
  return out;
}

// `text` on one line, for a comment of nines.yaml and the README's heading: every control
// character and Unicode line or paragraph separator becomes a space. A newline in --title must not
// end the comment and make the rest of the title a key of nines.yaml; the `title:` value itself
// keeps the exact text, quoted.
std::string one_line(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    const auto after = i + 2 < text.size() ? static_cast<unsigned char>(text[i + 2]) : 0;
    if (c < 0x20 || c == 0x7f) {
      out += ' ';
    } else if (c == 0xc2 && next >= 0x80 && next <= 0x9f) { // C1 controls, NEL among them
      out += ' ';
      i += 1;
    } else if (c == 0xe2 && next == 0x80 && (after == 0xa8 || after == 0xa9)) { // U+2028, U+2029
      out += ' ';
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

namespace fs = std::filesystem;

// The content repository above `dir` that would read what init writes into it, if any. Its own
// documents and the examples would share ids (duplicate-id), so it would no longer check. A
// folder its walk leaves out (hidden, its site/, or matched by its nines.yaml `exclude`) is not
// read, and may hold a repository of its own.
std::optional<fs::path> enclosing_repo_reading(const fs::path& dir) {
  std::error_code ec;
  fs::path abs = fs::absolute(dir, ec).lexically_normal();
  if (abs.filename().empty()) abs = abs.parent_path(); // "reliability/"
  if (ec || abs == abs.parent_path()) return std::nullopt;
  auto outer = find_repo_root(abs.parent_path());
  if (!outer) return std::nullopt;
  DiagBag diags;
  Node config = load_config_file(*outer, LoadOptions{}, diags);
  Config walk;
  if (const Node* exclude = config.get("exclude"); exclude && exclude->is_seq())
    for (const auto& g : exclude->items)
      if (g.is_scalar()) walk.exclude.push_back(g.value);
  // "\x01" stands for any file of the folder, as in the loader's own test of a folder.
  const std::string rel = abs.lexically_relative(*outer).generic_string();
  auto skip = walk_skips(walk, rel + "/\x01");
  if (skip && skip->setting != "include") return std::nullopt;
  return outer;
}

// The first content repository below `dir` that the new one would read (a `nines.yaml` in a
// folder its walk enters: not hidden, not its site/), if any: its documents and the examples would
// be read as one repository's, with duplicate ids, and neither would check. The walk stops at the
// first one; folders that cannot be read are passed over.
std::optional<fs::path> content_repo_below(const fs::path& dir) {
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_symlink(ec)) continue; // not followed by the walk either
    const fs::path rel = it->path().lexically_relative(dir);
    if (it->is_directory(ec)) {
      if (walk_skips_folder(rel.generic_string())) it.disable_recursion_pending();
      continue;
    }
    if (it.depth() > 0 && it->path().filename() == "nines.yaml" && it->is_regular_file(ec))
      return it->path().parent_path();
  }
  return std::nullopt;
}

// `path` as one word of a POSIX shell command line, quoted only when it must be ('my repo' ->
// "'my repo'"), so that the command init suggests can be pasted as printed.
std::string shell_word(const std::string& path) {
  const bool plain = !path.empty() && std::all_of(path.begin(), path.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '_' ||
           c == '-' || c == '+' || c == ',' || c == ':' || c == '@' || c == '%';
  });
  if (plain) return path;
  std::string out = "'";
  for (const char c : path)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The system's words for an error number ("Permission denied", "No space left on device").
std::string reason_text(int err) {
  return std::generic_category().message(err);
}

// What is at a path init means to make, looked at without creating anything. A link is what it
// leads to (a link to a folder is a folder); a link to nothing is told apart.
enum class Found { nothing, folder, file, other, dead_link, unreadable };
struct Look {
  Found found = Found::nothing;
  int err = 0; // why it could not be looked at (unreadable)
};

Look look_at(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0)
    return {S_ISDIR(st.st_mode) ? Found::folder : S_ISREG(st.st_mode) ? Found::file : Found::other};
  const int err = errno;
  if (err == ENOENT) return {::lstat(path.c_str(), &st) == 0 ? Found::dead_link : Found::nothing};
  if (err == ENOTDIR) return {Found::nothing}; // a folder above is a file: reported there
  return {Found::unreadable, err};
}

std::string what_is(Found found) {
  switch (found) {
  case Found::folder:
    return "a folder";
  case Found::file:
    return "a file";
  case Found::dead_link:
    return "a link to nothing";
  default:
    return "not a folder";
  }
}

// The folder nearest to `dir` that exists: `dir` itself, else the closest one above it. Init
// looks for the git repository around DIR before it has made DIR.
fs::path nearest_folder(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return dir;
  fs::path at = fs::absolute(dir, ec).lexically_normal();
  if (at.filename().empty()) at = at.parent_path();
  while (at != at.parent_path()) {
    at = at.parent_path();
    if (fs::is_directory(at, ec)) return at;
  }
  return at;
}

// Everything init is about to make, and everything in its way, found before anything is made: a
// run that stops half-way leaves a repository no second run would complete on its own, so all
// that can be known in advance is, and reported together.
class InitPlan {
public:
  struct Step {
    fs::path path;
    std::string shown;                    // as the user gave the folder
    const std::string* content = nullptr; // a file's bytes; nullptr for a folder
    bool write = true;                    // false: a file that exists, kept as it is
  };

  InitPlan() { m_shown["."] = "."; }

  // The folders of DIR itself, outermost first. False when one of them is in the way.
  bool add_root(const fs::path& root) {
    fs::path at, parent = ".";
    for (const auto& part : root) {
      if (part.empty()) continue; // "reliability/"
      at /= part;
      if (!add_folder(at, at.string(), parent)) return false;
      parent = at;
    }
    return true;
  }

  // A folder that exists and that init writes below without looking at it (the git top).
  void add_known_folder(const fs::path& path, const std::string& shown) {
    m_usable.insert(path);
    m_shown[path] = shown;
  }

  // The file `rel` below `base` (a folder add_root or add_known_folder gave), shown below
  // `base_shown`: written when nothing is there, kept when a file is.
  void add_file(const fs::path& base, const fs::path& base_shown, const fs::path& rel,
                const std::string& content) {
    fs::path at = base, parent = base, shown = base_shown;
    for (const auto& part : rel.parent_path()) {
      at /= part;
      shown /= part;
      if (!add_folder(at, shown.lexically_normal().string(), parent)) return;
      parent = at;
    }
    Step step{base / rel, (base_shown / rel).lexically_normal().string(), &content};
    if (m_planned.count(parent) == 0) {
      const Look look = look_at(step.path);
      if (look.found == Found::folder) {
        m_problems.push_back("remove or rename " + step.shown +
                             ", which is a folder; init writes a file there");
        return;
      }
      if (look.found == Found::unreadable) {
        m_problems.push_back("cannot look at " + step.shown + ": " + reason_text(look.err));
        return;
      }
      if (look.found == Found::nothing)
        m_write_into.insert(parent);
      else
        step.write = false; // the rule of every init: what exists is never overwritten
    }
    m_files.push_back(std::move(step));
  }

  // Every folder that exists and gets something new must take it. Checked last, once all the
  // folders are known; root may write anywhere, a read-only file system stops root too.
  void check_writable() {
    for (const auto& dir : m_write_into)
      if (m_planned.count(dir) == 0 && ::access(dir.c_str(), W_OK | X_OK) != 0)
        m_problems.push_back("cannot write into " + m_shown[dir] + ": " + reason_text(errno) +
                             "; make it writable or choose another folder");
  }

  const std::vector<Step>& folders() const { return m_folders; }
  const std::vector<Step>& files() const { return m_files; }
  const std::vector<std::string>& problems() const { return m_problems; }

private:
  bool add_folder(const fs::path& at, const std::string& shown, const fs::path& parent) {
    if (m_usable.count(at) || m_planned.count(at)) return true;
    if (m_blocked.count(at)) return false;
    m_shown[at] = shown;
    // Below a folder init makes there is nothing yet ("." and ".." name folders that may exist).
    const bool dots = at.filename() == "." || at.filename() == "..";
    const Look look = m_planned.count(parent) && !dots ? Look{} : look_at(at);
    switch (look.found) {
    case Found::folder:
      m_usable.insert(at);
      return true;
    case Found::nothing:
      m_planned.insert(at);
      m_folders.push_back({at, shown});
      m_write_into.insert(parent);
      return true;
    case Found::unreadable:
      m_problems.push_back("cannot look at " + shown + ": " + reason_text(look.err));
      break;
    default:
      m_problems.push_back("remove or rename " + shown + ", which is " + what_is(look.found) +
                           "; init makes a folder there");
    }
    m_blocked.insert(at);
    return false;
  }

  std::vector<Step> m_folders, m_files;
  std::vector<std::string> m_problems;
  std::set<fs::path> m_usable, m_planned, m_blocked, m_write_into;
  std::map<fs::path, std::string> m_shown;
};

// Makes what `plan` says, in order. When a step fails (a full disk, a folder that refuses),
// removes exactly what this run made (files, then the folders, only when empty again: never
// anything that was there before) and returns the error, naming the path and the system's reason
// for it; "" when everything was made. `done` gets each file's line for the terminal.
std::string carry_out(const InitPlan& plan, std::vector<std::string>& done, int& created,
                      int& kept) {
  std::vector<const InitPlan::Step*> made;
  // Room for every step first: recording what was made must not fail once it is made.
  made.reserve(plan.folders().size() + plan.files().size());
  std::string failed;
  try {
    for (const auto& dir : plan.folders()) {
      if (::mkdir(dir.path.c_str(), 0777) == 0) {
        made.push_back(&dir);
        continue;
      }
      const int err = errno;
      std::error_code ec;
      if (err == EEXIST && fs::is_directory(dir.path, ec)) continue; // "new/..", or made meanwhile
      failed = "cannot create the folder " + dir.shown + ": " + reason_text(err);
      break;
    }
    for (std::size_t i = 0; failed.empty() && i < plan.files().size(); ++i) {
      const auto& file = plan.files()[i];
      struct stat st {};
      // Looked at again just before: a file that appeared since the plan is someone's, and kept.
      if (!file.write || ::lstat(file.path.c_str(), &st) == 0) {
        done.push_back("kept    " + file.shown + " (exists)");
        ++kept;
        continue;
      }
      try {
        write_file_atomic(file.path, *file.content);
      } catch (const WriteError& e) {
        // write_file_atomic says "cannot write PATH: REASON" with the path init gave it; the
        // message names the path as the user wrote it.
        std::string reason = e.what();
        const std::string prefix = "cannot write " + file.path.string() + ": ";
        if (reason.rfind(prefix, 0) == 0) reason = reason.substr(prefix.size());
        failed = "cannot write " + file.shown + ": " + reason;
        break;
      }
      made.push_back(&file);
      done.push_back("created " + file.shown);
      ++created;
    }
  } catch (const std::exception& e) { // out of memory: what was made goes all the same
    if (failed.empty()) failed = e.what();
  }
  if (failed.empty()) return "";
  int files = 0, folders = 0;
  std::vector<std::string> left;
  for (auto it = made.rbegin(); it != made.rend(); ++it) {
    const bool folder = (*it)->content == nullptr;
    if ((folder ? ::rmdir((*it)->path.c_str()) : ::unlink((*it)->path.c_str())) == 0)
      ++(folder ? folders : files);
    else if (errno != ENOENT)
      left.push_back((*it)->shown + " (" + reason_text(errno) + ")");
  }
  failed += "\nnines init: removed what this run had made (" + std::to_string(files) +
            (files == 1 ? " file, " : " files, ") + std::to_string(folders) +
            (folders == 1 ? " folder" : " folders") +
            "); nothing that was there before was changed";
  if (!left.empty()) {
    failed += "; could not remove ";
    for (std::size_t i = 0; i < left.size(); ++i)
      failed += (i ? ", " : "") + left[i];
  }
  return failed + ". Run init again once the cause is fixed.";
}

} // namespace

void add_init_command(CLI::App& app, CommandAction& action) {
  auto* cmd = app.add_subcommand("init", "Write a new content repository with its workflows");
  struct Opts {
    CommonOpts common; // DIR or -C DIR: the folder to write
    std::string action, title;
  };
  auto opts = std::make_shared<Opts>();
  add_dir_argument(cmd, opts->common);
  cmd->get_option("dir")
      ->description("Folder to write (default: current folder; created if needed)")
      ->check(non_empty("a folder"));
  cmd->add_option("--action", opts->action,
                  std::string("The nines action the workflows use (default nines-dev/nines@v") +
                      k_version + ")");
  cmd->add_option("--title", opts->title, "The site's title (default: the folder's name)");
  // The options every command takes: -C names the folder to write, --now dates the examples,
  // --timings times the writing (init runs no stage of the pipeline), --color is accepted (init
  // prints no figures to colour).
  add_common_options(cmd, opts->common, false);
  set_example(cmd, "nines init reliability --title \"Acme reliability\"");
  cmd->callback([opts, &action] {
    auto write = [opts]() -> int {
      std::string ref =
          opts->action.empty() ? std::string("nines-dev/nines@v") + k_version : opts->action;
      static const std::regex ref_re(R"(^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\s]+)?@[^\s]+$)");
      if (!std::regex_match(ref, ref_re)) {
        std::cerr << "nines init: --action '" << ref
                  << "' is not an action reference; use OWNER/REPO@REF, e.g. nines-dev/nines@v"
                  << k_version << "\n";
        return 2;
      }
      auto now =
          resolve_now(opts->common.now.empty() ? std::nullopt : std::optional(opts->common.now));
      if (!now) {
        std::cerr << "nines init: cannot parse --now '" << opts->common.now
                  << "'; use a date (2026-11-01), an ISO 8601 time (2026-11-01T00:00:00Z) or "
                     "epoch seconds\n";
        return 2;
      }
      // Checked before anything is written: a title that is not UTF-8 would make the very
      // nines.yaml it writes unreadable (file-encoding), so the new repository would not check.
      if (auto bad = check_text(opts->title)) {
        std::cerr << "nines init: --title is not UTF-8 text: " << bad->what << " at character "
                  << bad->loc.col << "; nothing was written\n";
        return 2;
      }
      fs::path root = opts->common.dir;
      std::error_code ec;
      // "reliability/" is the folder reliability: one name for it in every path below.
      if (!root.has_filename() && root.has_relative_path()) root = root.parent_path();
      // An existing content repository (it has nines.yaml) gets the workflows and .gitignore
      // only: the examples' documents name the example team and rotation, which its nines.yaml
      // does not define, and would leave it with errors. A folder named nines.yaml is no
      // configuration: it is in the way of the one init writes.
      const Found config_found = look_at(root / "nines.yaml").found;
      const bool has_config = config_found == Found::file || config_found == Found::other ||
                              config_found == Found::dead_link;
      const Found root_found = look_at(root).found;
      if (!has_config && (root_found == Found::nothing || root_found == Found::folder)) {
        if (auto outer = enclosing_repo_reading(root)) {
          const fs::path rel = fs::absolute(root, ec).lexically_normal().lexically_relative(*outer);
          std::cerr << "nines init: " << root.string() << " is inside the content repository "
                    << outer->string() << " (it has nines.yaml), which would read the new "
                    << "documents as its own and no longer check (duplicate ids); nothing was "
                    << "written. Choose a folder outside it, or first leave the folder out of "
                    << "it: exclude: [\"" << rel.generic_string() << "/**\"] in "
                    << (*outer / "nines.yaml").string() << "\n";
          return 2;
        }
        if (auto inner = content_repo_below(root)) {
          const fs::path rel = inner->lexically_relative(root);
          std::cerr << "nines init: " << root.string() << " holds the content repository "
                    << inner->string() << " (it has nines.yaml), whose documents the new "
                    << "repository would read as its own (duplicate ids); nothing was written. "
                    << "Choose a folder that holds none, or move " << rel.generic_string()
                    << " out of it first\n";
          return 2;
        }
      }
      std::string title = opts->title;
      if (title.empty()) title = fs::absolute(root).lexically_normal().filename().string();
      // A folder name that is not UTF-8 is no title (the default one is a plain word instead).
      if (title.empty() || title == "." || check_text(title)) title = "Reliability";

      std::int64_t today = day_of(*now);
      kainjow::mustache::data d;
      d.set("title", one_line(title));
      d.set("title_yaml", yaml_quote(title));
      d.set("action", ref);
      // The workflows go where GitHub reads them: .github/workflows at the top of the git
      // repository, with their steps run in the content folder when that is below the top. DIR
      // need not exist yet: the repository is the one around the nearest folder that does.
      const auto git = git_checkout_of(nearest_folder(root).string());
      const std::string branch = git && !git->branch.empty() ? git->branch : "main";
      const std::string branch_yaml = yaml_quote(branch);
      d.set("branch_yaml", branch_yaml);
      d.set("branch_padded",
            branch_yaml + std::string(branch_yaml.size() < 26 ? 26 - branch_yaml.size() : 1, ' '));
      fs::path top;    // the git repository's top when the content folder is below it
      std::string sub; // the content folder relative to `top`
      if (git) {
        // Made absolute first: a relative DIR none of whose parts exist yet is returned as it
        // is by weakly_canonical, and is then relative to nothing.
        const fs::path here = fs::weakly_canonical(fs::absolute(root, ec), ec);
        const fs::path rel = here.lexically_relative(git->top);
        if (!ec && !rel.empty() && rel != "." && *rel.begin() != "..") {
          top = git->top;
          sub = rel.generic_string();
        }
      }
      d.set("workdir", sub.empty() ? kainjow::mustache::data(false) : kainjow::mustache::data(sub));
      d.set("date", format_date(today));
      d.set("pm_date", format_date(today - 12));
      d.set("due_date", format_date(today + 30));
      d.set("exp_date", format_date(today - 20));

      std::vector<PlannedFile> files;
      for (const auto& path : template_paths("init/"))
        files.push_back({output_path(path), render_template(path, d)});
      files.push_back({"metrics/example-api.csv", example_csv(today, today - 12)});

      // An init cut short (killed, the machine down) may have left nines.yaml exactly as init
      // writes it: the folder is then init's own unfinished repository, not one of the user's
      // to add only the workflows to, and this run completes it.
      bool existing = has_config;
      if (has_config)
        for (const auto& f : files)
          if (f.rel == "nines.yaml") {
            std::string have, why;
            if (read_named_file(root / f.rel, have, why) && have == f.content) existing = false;
          }

      // Below the top of a git repository, the workflows are written at the top when that
      // overwrites nothing (a file there that is already what init writes is kept); otherwise
      // into the content folder, where GitHub does not run them, with a note saying where they
      // belong. A file where one of their folders goes is in the way as much.
      auto is_workflow = [](const std::string& rel) { return rel.rfind(".github/", 0) == 0; };
      bool workflows_at_top = !top.empty();
      std::vector<std::string> in_the_way;
      auto in_way = [&](const fs::path& at) {
        if (std::find(in_the_way.begin(), in_the_way.end(), at.string()) == in_the_way.end())
          in_the_way.push_back(at.string());
      };
      if (workflows_at_top)
        for (const auto& f : files) {
          if (!is_workflow(f.rel.generic_string())) continue;
          fs::path at = top;
          bool blocked = false;
          for (const auto& part : f.rel.parent_path()) {
            at /= part;
            const Found found = look_at(at).found;
            if (found == Found::folder) continue;
            if (found != Found::nothing) {
              in_way(at);
              blocked = true;
            }
            break;
          }
          if (blocked) continue;
          at = top / f.rel;
          const Found found = look_at(at).found;
          if (found == Found::nothing) continue;
          bool same = false;
          if (found == Found::file) {
            std::string have, why;
            same = read_named_file(at, have, why) && have == f.content;
          }
          if (!same) in_way(at);
        }
      if (!in_the_way.empty()) workflows_at_top = false;
      // The top as the user would write it: relative when the folder was given relative (DIR may
      // not exist yet, so the folders above it are compared as they would resolve).
      fs::path top_shown = top;
      if (workflows_at_top && root.is_relative()) {
        fs::path up = root;
        for (const auto& part : fs::path(sub)) {
          (void)part;
          up /= "..";
        }
        up = up.lexically_normal();
        if (up.filename().empty() && up.has_parent_path()) up = up.parent_path(); // "g/" → "g"
        if (up.empty()) up = ".";
        const fs::path resolved = fs::weakly_canonical(up, ec);
        if (!ec && resolved == fs::path(top)) top_shown = up;
      }

      // Everything is looked at before anything is written: a file where a folder goes, a
      // folder where a file goes, a folder that takes nothing. All of them are reported at once,
      // and nothing is written.
      InitPlan plan;
      const bool root_usable = plan.add_root(root);
      if (workflows_at_top) plan.add_known_folder(top, top_shown.string());
      for (const auto& f : files) {
        const std::string rel = f.rel.generic_string();
        if (existing && !is_workflow(rel) && rel != ".gitignore") continue;
        const bool at_top = workflows_at_top && is_workflow(rel);
        if (!at_top && !root_usable) continue;
        plan.add_file(at_top ? top : root, at_top ? top_shown : root, f.rel, f.content);
      }
      plan.check_writable();
      if (!plan.problems().empty()) {
        std::cerr << "nines init: cannot write the repository into " << root.string()
                  << "; nothing was written:\n";
        for (const auto& problem : plan.problems())
          std::cerr << "  " << problem << "\n";
        return 3;
      }

      int created = 0, kept = 0;
      std::vector<std::string> done;
      std::string failed;
      try {
        failed = carry_out(plan, done, created, kept);
      } catch (const std::exception& e) {
        failed = e.what(); // out of memory while saying what was removed
      }
      if (!failed.empty()) {
        std::cerr << "nines init: " << failed << "\n";
        return 3;
      }
      for (const auto& line : done)
        std::cout << line << "\n";
      // Only when something was missing: a second init of a finished repository writes nothing.
      if (has_config && !existing && created > 0)
        std::cout << "nines.yaml is the one init writes: completed the repository an earlier "
                     "init left unfinished\n";
      else if (has_config && !existing)
        std::cout << "nines.yaml is the one init writes and every file is there: nothing to do\n";
      if (existing)
        std::cout << "nines.yaml exists: only the workflows and .gitignore were added, no "
                     "example documents\n";
      if (!top.empty() && workflows_at_top)
        std::cout << "the workflows are at the top of the git repository " << top_shown.string()
                  << ", where GitHub runs them; their steps run in " << sub << "\n";
      if (!top.empty() && !workflows_at_top) {
        std::cout << "note: GitHub runs only the workflows in "
                  << (top / ".github/workflows").string()
                  << ", and init overwrites nothing there (";
        for (std::size_t i = 0; i < in_the_way.size(); ++i)
          std::cout << (i ? ", " : "") << in_the_way[i] << " exists";
        std::cout << "). Add the steps of "
                  << (root / ".github/workflows/nines-check.yml").lexically_normal().string()
                  << " and "
                  << (root / ".github/workflows/nines-publish.yml").lexically_normal().string()
                  << " to workflows there yourself; they already run in " << sub << "\n";
      }
      std::cout << created << " files created, " << kept << " kept\n"
                << "next: nines check -C " << shell_word(root.string()) << " && nines serve "
                << shell_word(root.string()) << " --open\n";
      return 0;
    };
    action = [opts, write] {
      const auto start = std::chrono::steady_clock::now();
      const int code = write();
      if (opts->common.timings) {
        Run run; // what init does is the write step's: one line, and the total
        run.timings.push_back(
            {Stage::Write,
             std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                 .count(),
             "a new content repository"});
        print_timings(run, std::cerr);
      }
      return code;
    };
  });
}

} // namespace nines
