// Command-line interface: one file per command, each registering itself on the CLI11 app.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace nines {

// What a command does once CLI11 has parsed its options: returns the process exit code.
using CommandAction = std::function<int()>;

// Each command adds its subcommand and sets `action` when it is the one chosen.
void add_check_command(CLI::App& app, CommandAction& action);
void add_build_command(CLI::App& app, CommandAction& action);
void add_signoff_command(CLI::App& app, CommandAction& action);
void add_budget_command(CLI::App& app, CommandAction& action);
void add_score_command(CLI::App& app, CommandAction& action); // score and assess
void add_readiness_command(CLI::App& app, CommandAction& action);
void add_toil_command(CLI::App& app, CommandAction& action);
void add_capacity_command(CLI::App& app, CommandAction& action);
void add_oncall_command(CLI::App& app, CommandAction& action);
void add_report_command(CLI::App& app, CommandAction& action);
void add_metrics_command(CLI::App& app, CommandAction& action);
void add_init_command(CLI::App& app, CommandAction& action);
void add_new_command(CLI::App& app, CommandAction& action);
void add_serve_command(CLI::App& app, CommandAction& action);
void add_gate_command(CLI::App& app, CommandAction& action); // gate deploy, gate readiness
void add_rules_command(CLI::App& app, CommandAction& action);
void add_review_command(CLI::App& app, CommandAction& action);  // weekly.cpp
void add_handoff_command(CLI::App& app, CommandAction& action); // weekly.cpp

int cli_main(int argc, char** argv);

} // namespace nines
