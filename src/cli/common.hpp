// What the terminal commands share: the options every one of them takes, running the pipeline up
// to the figures, and aligned tables for people.
#pragma once

#include "pipeline.hpp"

#include <CLI/CLI.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace nines {

struct CommonOpts {
  std::string command; // the command's name, for its row in the command table
  std::string dir = ".";
  std::string now;
  bool json = false;
  bool timings = false;
};

// The last stage each command needs, from the one command table (cli/main_cli.cpp), as ninja's
// tools declare the step they run after.
Stage last_stage_of(std::string_view command);

// Adds `-C,--dir DIR`, `--now T`, `--timings` and (when `with_json`) `--json` to a command.
void add_common_options(CLI::App* cmd, CommonOpts& opts, bool with_json = true);

// Sets the options every command shares on a run: the repository, now, and the last stage.
void apply_common_options(const CommonOpts& opts, Run& run);

// Runs the command's stages (no network: the store and recorded CSV data only). Prints
// diagnostics to stderr when the content has errors. Returns nullopt on success, else the exit
// code to return.
std::optional<int> run_figures(const CommonOpts& opts, Run& run);

// Prints what stopped a run other than its diagnostics (a fatal, usage or internal error, or a
// --strict failure) to stderr, and --timings when asked. Returns true when something stopped it.
bool print_run_problems(const Run& run);
// One line per stage that ran: its name, wall time and the counts it handled.
void print_timings(const Run& run, std::ostream& out);

// Display formatting. Missing figures print as "—", never as 0 or 100%.
std::string fmt_num(std::optional<double> v, int decimals = 2);
std::string fmt_pct(std::optional<double> pct, int decimals = 2); // pct already ×100
// Text for a cell of a Markdown table: a '|' or a newline would break the table.
std::string md_cell(const std::string& s);

// A table of text cells with aligned columns; numeric-looking cells are right-aligned.
class Table {
public:
  explicit Table(std::vector<std::string> header) : m_header(std::move(header)) {}
  void add(std::vector<std::string> row) { m_rows.push_back(std::move(row)); }
  bool empty() const { return m_rows.empty(); }
  void print(std::ostream& out) const;

private:
  std::vector<std::string> m_header;
  std::vector<std::vector<std::string>> m_rows;
};

} // namespace nines
