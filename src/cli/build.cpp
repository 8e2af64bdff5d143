// `nines build [DIR] [-o OUT] [--offline] [--strict] [--jobs N] [--now T]`: check, refresh the
// metrics store, compute every figure and write the site into OUT (default DIR/site).
#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "diag/format.hpp"
#include "pipeline.hpp"

#include <iostream>

namespace nines {

void add_build_command(CLI::App& app, CommandAction& action) {
  auto* cmd = app.add_subcommand("build", "Check, compute every figure and write the site");
  struct Opts {
    CommonOpts common;
    std::string out;
    bool offline = false;
    bool strict = false;
    int jobs = 0;
  };
  auto opts = std::make_shared<Opts>();
  add_dir_argument(cmd, opts->common);
  add_common_options(cmd, opts->common, false);
  set_example(cmd, "nines build --offline -o public   # the site from recorded data only");
  cmd->add_option("-o,--out", opts->out, "Output folder (default: DIR/site)")
      ->check(non_empty("a folder"));
  cmd->add_flag("--offline", opts->offline, "Make no network request; use the store and CSV data");
  cmd->add_flag("--strict", opts->strict, "Warnings, and stale or missing data, fail the build");
  add_jobs_option(cmd, opts->jobs, "all cores");
  cmd->callback([opts, &action] {
    action = [opts] {
      // Not freed: the process ends right after the build, and freeing every document, figure
      // and series of a large repository one by one took longer than the write stage (as mold
      // and compilers do, the operating system takes the memory back at once).
      Run& run = *new Run;
      apply_common_options(opts->common, run);
      // Empty: DIR/site, once the driver has found the repository.
      run.opts.out = opts->out;
      run.opts.strict = opts->strict;
      run.opts.offline = opts->offline;
      run.opts.jobs = opts->jobs;
      int code = run_pipeline(run);
      // Diagnostics go to stderr: stdout is kept for what the build says it made.
      auto diags = run.diags.sorted();
      if (!diags.empty() || run.diags.has_errors())
        write_diagnostics(std::cerr, DiagFormat::Text, diags, run.diags.error_count(),
                          run.diags.warning_count(), run.diags.dropped(), k_version);
      if (opts->common.timings) print_timings(run, std::cerr);
      if (print_run_problems(run)) return code;
      // Warnings alone stopped the build: say why nothing was written.
      if (run.opts.strict && code == 1 && !run.diags.has_errors() &&
          run.diags.warning_count() > 0) {
        std::cerr << "nines: --strict: warnings fail the build; the site was not written\n";
        return code;
      }
      // The same line whether the files were written, reused or all kept as they stood
      // (nothing changed): an incremental build reads as the full build it stands for, to a
      // person and to a script; --timings says which it was.
      if (run.reached == Stage::Write && code != 3)
        std::cout << "wrote " << run.site_files << " files to "
                  << (run.opts.out.empty() ? run.opts.dir / "site" : run.opts.out).string() << "\n";
      return code;
    };
  });
}

} // namespace nines
