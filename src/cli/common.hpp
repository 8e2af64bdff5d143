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
  std::string dir = ".";
  std::string now;
  bool json = false;
};

// Adds `-C,--dir DIR`, `--now T` and (when `with_json`) `--json` to a command.
void add_common_options(CLI::App* cmd, CommonOpts& opts, bool with_json = true);

// Runs load → compute (no network: the store and recorded CSV data only). Prints diagnostics to
// stderr when the content has errors. Returns nullopt on success, else the exit code to return.
std::optional<int> run_figures(const CommonOpts& opts, Run& run);

// Display formatting. Missing figures print as "—", never as 0 or 100%.
std::string fmt_num(std::optional<double> v, int decimals = 2);
std::string fmt_pct(std::optional<double> pct, int decimals = 2); // pct already ×100

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
