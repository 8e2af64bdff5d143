// `nines init [DIR] [--action OWNER/REPO@REF] [--title T]`: writes a working content repository
// — nines.yaml, one linked example of each kind with recorded data, .gitignore, a README and the
// two GitHub workflows (check pull requests, publish the default branch to Pages). In a folder
// that has files already it adds only what is missing and never overwrites.
#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "cli/templates.hpp"
#include "history/history.hpp"
#include "load/loader.hpp"
#include "model/time.hpp"
#include "write/repo_edit.hpp"
#include "write/site_writer.hpp"
#include "write/walk_scope.hpp"

#include <chrono>
#include <iostream>
#include <regex>

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
      if (fs::exists(root, ec) && !fs::is_directory(root, ec)) {
        std::cerr << "nines init: " << root.string() << " exists and is not a folder\n";
        return 3;
      }
      // An existing content repository (it has nines.yaml) gets the workflows and .gitignore
      // only: the examples' documents name the example team and rotation, which its nines.yaml
      // does not define, and would leave it with errors.
      const bool existing = fs::exists(root / "nines.yaml", ec);
      if (!existing) {
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
      }
      fs::create_directories(root, ec);
      if (ec) {
        std::cerr << "nines init: cannot create " << root.string() << ": " << ec.message() << "\n";
        return 3;
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
      // repository, with their steps run in the content folder when that is below the top.
      const auto git = git_checkout_of(root.string());
      const std::string branch = git && !git->branch.empty() ? git->branch : "main";
      const std::string branch_yaml = yaml_quote(branch);
      d.set("branch_yaml", branch_yaml);
      d.set("branch_padded",
            branch_yaml + std::string(branch_yaml.size() < 26 ? 26 - branch_yaml.size() : 1, ' '));
      fs::path top;    // the git repository's top when the content folder is below it
      std::string sub; // the content folder relative to `top`
      if (git) {
        const fs::path here = fs::weakly_canonical(root, ec);
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

      // Below the top of a git repository, the workflows are written at the top when that
      // overwrites nothing (a file there that is already what init writes is kept); otherwise
      // into the content folder, where GitHub does not run them, with a note saying where they
      // belong.
      auto is_workflow = [](const std::string& rel) { return rel.rfind(".github/", 0) == 0; };
      bool workflows_at_top = !top.empty();
      std::vector<std::string> in_the_way;
      if (workflows_at_top)
        for (const auto& f : files) {
          if (!is_workflow(f.rel.generic_string())) continue;
          const fs::path at = top / f.rel;
          if (!fs::exists(at, ec) && !fs::is_symlink(at, ec)) continue;
          bool same = false;
          if (fs::is_regular_file(at, ec)) {
            std::string have, why;
            same = read_named_file(at, have, why) && have == f.content;
          }
          if (!same) in_the_way.push_back(at.string());
        }
      if (!in_the_way.empty()) workflows_at_top = false;
      // The top as the user would write it: relative when the folder was given relative.
      fs::path top_shown = top;
      if (workflows_at_top && root.is_relative()) {
        fs::path up = root;
        for (const auto& part : fs::path(sub)) {
          (void)part;
          up /= "..";
        }
        if (fs::equivalent(up, top, ec)) top_shown = up.lexically_normal();
        if (top_shown.filename().empty()) top_shown = top_shown.parent_path(); // "g/" → "g"
      }

      int created = 0, kept = 0;
      try {
        for (const auto& f : files) {
          const std::string rel = f.rel.generic_string();
          if (existing && !is_workflow(rel) && rel != ".gitignore") continue;
          const bool at_top = workflows_at_top && is_workflow(rel);
          fs::path target = (at_top ? top : root) / f.rel;
          std::string shown = ((at_top ? top_shown : root) / f.rel).lexically_normal().string();
          if (fs::exists(target, ec) || fs::is_symlink(target, ec)) {
            std::cout << "kept    " << shown << " (exists)\n";
            ++kept;
            continue;
          }
          fs::create_directories(target.parent_path());
          write_file_atomic(target, f.content);
          std::cout << "created " << shown << "\n";
          ++created;
        }
      } catch (const std::exception& e) {
        std::cerr << "nines init: " << e.what() << "\n";
        return 3;
      }
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
                << "next: nines check -C " << root.string() << " && nines serve " << root.string()
                << " --open\n";
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
