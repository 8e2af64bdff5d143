// `nines check [DIR] [--format text|json|github|sarif] [--strict]`: load, validate, link and lint,
// with no network. Built for pull requests.
#include "cli/cli.hpp"
#include "diag/format.hpp"
#include "pipeline.hpp"

#include <iostream>

namespace nines {

void add_check_command(CLI::App& app, CommandAction& action) {
  auto* cmd =
      app.add_subcommand("check", "Validate, cross-reference and lint a content repository");
  struct Opts {
    std::string dir = ".";
    std::string format = "text";
    bool strict = false;
    std::string now;
  };
  auto opts = std::make_shared<Opts>();
  cmd->add_option("dir", opts->dir, "Content repository (default: current folder)");
  cmd->add_option("--format", opts->format, "Output: text, json, github or sarif")
      ->check(CLI::IsMember({"text", "json", "github", "sarif"}));
  cmd->add_flag("--strict", opts->strict, "Warnings fail the check too");
  cmd->add_option("--now", opts->now,
                  "Date the run (ISO 8601); default SOURCE_DATE_EPOCH or the clock");
  cmd->callback([opts, &action] {
    action = [opts] {
      DiagFormat format = DiagFormat::Text;
      parse_diag_format(opts->format, format);
      Run run;
      run.opts.dir = opts->dir;
      run.opts.strict = opts->strict;
      run.opts.last = Stage::Link;
      if (!opts->now.empty()) run.opts.now = opts->now;
      int code = run_pipeline(run);
      if (!run.fatal.empty() || !run.usage_error.empty()) {
        std::cerr << "nines: " << run.fatal << run.usage_error << "\n";
        return code;
      }
      write_diagnostics(std::cout, format, run.diags.sorted(), run.diags.error_count(),
                        run.diags.warning_count(), run.diags.dropped(), k_version);
      return code;
    };
  });
}

} // namespace nines
