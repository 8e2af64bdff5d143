// `nines check [DIR] [--format text|json|github|sarif] [--strict] [--jobs N]`: load, validate, link
// and lint, with no network. Built for pull requests.
#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "cli/since.hpp"
#include "diag/format.hpp"
#include "load/loader.hpp"
#include "pipeline.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>

namespace nines {

void add_check_command(CLI::App& app, CommandAction& action) {
  auto* cmd =
      app.add_subcommand("check", "Validate, cross-reference and lint a content repository");
  struct Opts {
    CommonOpts common;
    std::string format = "text";
    bool strict = false;
    bool verbose = false;
    std::string since;       // --since REV: the pull-request summary (cli/since.cpp)
    std::string path_prefix; // before github and sarif paths: DIR's folder in a monorepo
    int jobs = 0;
  };
  auto opts = std::make_shared<Opts>();
  add_dir_argument(cmd, opts->common);
  add_common_options(cmd, opts->common, false);
  set_example(cmd, "nines check --format github   # annotations on a pull request\n"
                   "  nines check --since origin/main   # what a pull request changes");
  cmd->add_option("--format", opts->format, "Output: text, json, github or sarif")
      ->check(non_empty("text, json, github or sarif"))
      ->check(CLI::IsMember({"text", "json", "github", "sarif"}));
  // GitHub resolves annotation and SARIF paths from the top of its checkout; in a monorepo DIR is
  // a folder below it, which `nines init` writes into the workflows as this prefix.
  cmd->add_option("--path-prefix", opts->path_prefix,
                  "Put PREFIX before each path of github and sarif output (DIR's folder in the "
                  "git repository, e.g. reliability/)")
      ->check([](const std::string& p) {
        // A folder below the checkout's top: not absolute and no `..` step (`a/..b/` has none).
        bool up = false;
        for (const auto& step : std::filesystem::path(p))
          up = up || step == "..";
        return p.empty() || p.front() == '/' || up
                   ? std::string("a relative folder such as reliability/")
                   : std::string();
      });
  cmd->add_flag("--strict", opts->strict, "Warnings fail the check too");
  add_jobs_option(cmd, opts->jobs, "2");
  cmd->add_flag("--verbose,-v", opts->verbose,
                "List the files skipped: neither nines documents nor a known dialect, in Helm "
                "charts, or symbolic links to files nines does not read");
  // An empty REV (an unset CI variable) must not quietly drop the summary.
  cmd->add_option("--since", opts->since,
                  "Summarise what changed since git revision REV (Markdown, or --format json)")
      ->check(non_empty("a git revision"));
  cmd->callback([opts, &action] {
    action = [opts] {
      if (!opts->since.empty())
        return run_check_since(opts->common, opts->since, opts->format, opts->strict);
      DiagFormat format = DiagFormat::Text;
      parse_diag_format(opts->format, format);
      // Left to the end of the process: freeing every document and tree of a large repository
      // one by one took about 4% of a check, for memory the exit returns at once anyway.
      Run& run = *new Run;
      apply_common_options(opts->common, run);
      run.opts.strict = opts->strict;
      run.opts.jobs = opts->jobs;
      int code = run_pipeline(run);
      if (opts->common.timings) print_timings(run, std::cerr);
      if (print_run_problems(run)) return code;
      // Written as GitHub names paths: `./reliability` and `reliability//` are `reliability/`.
      std::string prefix =
          std::filesystem::path(opts->path_prefix).lexically_normal().generic_string();
      if (prefix == ".") prefix.clear();
      if (!prefix.empty() && prefix.back() != '/') prefix += '/';
      if (format != DiagFormat::Github && format != DiagFormat::Sarif) prefix.clear();
      write_diagnostics(std::cout, format, run.diags.sorted(), run.diags.error_count(),
                        run.diags.warning_count(), run.diags.dropped(), k_version, &std::cerr,
                        prefix);
      // Foreign files (mkdocs.yml, docker-compose, CI files) are left alone; text output says
      // how many, so a misplaced document does not go unnoticed.
      const auto& skipped = run.repo.skipped_files;
      if (format == DiagFormat::Text && !skipped.empty()) {
        // The Helm chart a skipped file is in (the longest chart folder above it), or null.
        const auto& charts = run.repo.helm_charts;
        auto chart_of = [&](const std::string& file) -> const std::string* {
          const std::string* found = nullptr;
          for (const auto& c : charts)
            if (file.size() > c.size() && file.compare(0, c.size(), c) == 0 &&
                file[c.size()] == '/' && (!found || c.size() > found->size()))
              found = &c;
          return found;
        };
        // A symbolic link the walk skipped because it leads where nines reads nothing (`.git/`,
        // the output or store folder, a hidden file) was never read: it is not "neither a
        // document nor a dialect", and the author may have meant it to be read. Asked of the
        // walk's own rule, with the folders this run left alone.
        const std::vector<std::string> skip_dirs =
            run_skip_dirs(run.opts.dir, run.opts.out, store_path(run));
        std::vector<char> linked(skipped.size(), 0), patch(skipped.size(), 0);
        std::size_t in_charts = 0, links = 0, patches = 0;
        const auto& patch_files = run.repo.kustomize_patches;
        for (std::size_t i = 0; i < skipped.size(); ++i)
          if (chart_of(skipped[i])) {
            ++in_charts;
          } else if (std::binary_search(patch_files.begin(), patch_files.end(), skipped[i])) {
            patch[i] = 1;
            ++patches;
          } else if (walk_skips_link(run.opts.dir, skipped[i], skip_dirs)) {
            linked[i] = 1;
            ++links;
          }
        const std::string link_words = links == 1 ? "a symbolic link to a file nines does not read"
                                                  : "symbolic links to files nines does not read";
        std::cout << skipped.size() << (skipped.size() == 1 ? " file" : " files") << " skipped: ";
        if (in_charts == skipped.size()) {
          std::cout << "in Helm charts";
        } else if (links == skipped.size()) {
          std::cout << link_words;
        } else {
          std::cout << "neither a nines document nor a known dialect";
          if (in_charts > 0) std::cout << ", " << in_charts << " of them in Helm charts";
          if (links > 0) std::cout << ", " << links << " of them " << link_words;
          if (patches > 0)
            std::cout << ", " << patches << " of them Kustomize patch"
                      << (patches == 1 ? "" : "es");
        }
        std::cout << (opts->verbose ? "" : " (--verbose lists them)") << "\n";
        if (opts->verbose)
          for (std::size_t i = 0; i < skipped.size(); ++i) {
            const std::string& f = skipped[i];
            std::cout << "  skipped " << f;
            if (const std::string* chart = chart_of(f))
              std::cout << " (in the Helm chart " << *chart << ")";
            else if (patch[i])
              std::cout << " (a Kustomize patch, which its kustomization merges into an object)";
            else if (linked[i])
              std::cout << " (a symbolic link to " << real_path(run.opts.dir, f).rel
                        << ", which nines does not read)";
            std::cout << "\n";
          }
      }
      return code;
    };
  });
}

} // namespace nines
