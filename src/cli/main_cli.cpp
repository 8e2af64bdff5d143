#include "cli/cli.hpp"
#include "pipeline.hpp"

#include <iostream>

namespace nines {

int cli_main(int argc, char** argv) {
  CLI::App app{"nines: reliability governance from a git repository"};
  app.set_version_flag("--version", std::string("nines ") + k_version);
  app.require_subcommand(1);
  CommandAction action;
  add_check_command(app, action);
  add_build_command(app, action);
  add_signoff_command(app, action);
  add_budget_command(app, action);
  add_score_command(app, action);
  add_readiness_command(app, action);
  add_toil_command(app, action);
  add_capacity_command(app, action);
  add_oncall_command(app, action);
  add_report_command(app, action);
  add_metrics_command(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2; // SPEC 2: usage errors exit 2
  }
  if (!action) return 2;
  try {
    return action();
  } catch (const std::exception& e) {
    // A bug, not bad input: bad input is reported as diagnostics. Still never a crash.
    std::cerr << "nines: internal error: " << e.what() << "\n";
    return 1;
  }
}

} // namespace nines
