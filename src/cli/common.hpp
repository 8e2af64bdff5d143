// What the terminal commands share: the options every one of them takes, running the pipeline up
// to the figures, and aligned tables for people.
#pragma once

#include "model/numbers.hpp"
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
  std::string dir_arg; // the positional DIR, where the command takes one (add_dir_argument)
  std::string now;
  bool json = false;
  bool timings = false;
  std::string color = "auto"; // --color auto | always | never
};

// The last stage each command needs, from the one command table (cli/main_cli.cpp), as ninja's
// tools declare the step they run after.
Stage last_stage_of(std::string_view command);

// Adds `-C,--dir DIR`, `--now T`, `--timings`, `--color WHEN` and (when `with_json`) `--json` to
// a command, and `example` (a command line with what it does) as its help's footer.
void add_common_options(CLI::App* cmd, CommonOpts& opts, bool with_json = true);

// The positional `[DIR]` of the commands that take one besides `-C DIR`. Both naming the same
// folder is fine; two different folders are a usage error (exit 2) naming both, never one of them
// silently ignored.
void add_dir_argument(CLI::App* cmd, CommonOpts& opts);

// The check of every numeric option that takes a fraction: a finite number. `nan` and `inf` read as
// numbers, but no figure may ever be NaN or infinite (a usage error, exit 2).
CLI::Validator finite_number();
// finite_number() within [lo, hi] as well, said with what the number is (a usage error, exit 2):
// "needs a monthly growth from -100 to 100000 (percent), got '-150'".
CLI::Validator finite_number_in(double lo, double hi, const std::string& what);

// The check of an option whose value may not be empty (an unset CI variable): "--now: needs
// `what`, got an empty one" (a usage error, exit 2).
CLI::Validator non_empty(const std::string& what);
// Why `value` cannot be written into a document as a one-line text (a sign-off's --name or
// --role, a new postmortem's title), or "": it must say something, be UTF-8, on one line (U+2028
// and U+2029 count as line breaks), with no control characters.
std::string unusable_text(const std::string& value);
// A whole number in decimal digits only (no sign, no 0x, no leading-zero octal): --jobs, --port.
CLI::Validator whole_number();

// `--jobs N` of the commands that read the repository on several threads (build, check): 0 is the
// command's default, `default_is` in the help; more than 1,024 threads would only cost memory.
void add_jobs_option(CLI::App* cmd, int& jobs, const std::string& default_is);

// `Example:` and the lines of `example` as a command's help footer; every command has one.
void set_example(CLI::App* cmd, const std::string& example);

// Sets the options every command shares on a run: the repository, now, and the last stage; and
// whether the terminal output is coloured (color_enabled).
void apply_common_options(const CommonOpts& opts, Run& run);

// Colour on stdout: `always`, `never`, or (auto) when stdout is a terminal and NO_COLOR is unset or
// empty (no-color.org). Decided once per command by apply_common_options.
bool color_enabled();
void set_color(const std::string& when);

// `text` coloured for `status` when colour is on, else `text` as is. The status word is always in
// the text itself, so nothing is said by colour alone. Known statuses: budget states (healthy,
// warning, critical, exhausted, missing), severities (SEV1..SEV4, page, ticket), and verdicts
// (ok, pass, blocked, fail, over, stale, fresh).
std::string paint(const std::string& text, std::string_view status);
// paint(text, text): for cells that are their own status word.
std::string paint(const std::string& status);

// Runs the command's stages (no network: the store and recorded CSV data only). Prints
// diagnostics to stderr when the content has errors (with `github_annotations`, to stdout as
// workflow annotations too). Returns nullopt on success, else the exit code to return.
std::optional<int> run_figures(const CommonOpts& opts, Run& run, bool github_annotations = false);

// The run that checks a repository document a command just edited (`signoff`, `report
// --freeze`): as run_figures, but prints nothing, so the command can put the file back first and
// then print_edit_check, whose diagnostics of the edited file name no line (the lines were those
// of the text just thrown away; the file's own lines say nothing about them).
std::optional<int> run_edit_check(const CommonOpts& opts, Run& run);
void print_edit_check(const Run& run, const std::string& edited_file);

// Prints what stopped a run other than its diagnostics (a fatal, usage or internal error, or a
// --strict failure) to stderr, and --timings when asked. Returns true when something stopped it.
bool print_run_problems(const Run& run);
// One line per stage that ran: its name, wall time and the counts it handled.
void print_timings(const Run& run, std::ostream& out);

// The team `given` names: its id, or its display name from nines.yaml (any case), among the
// configured teams and `other_ids` (teams only named by documents). Nullopt when none matches.
std::optional<std::string> resolve_team(const Repo& repo, const std::string& given,
                                        const std::vector<std::string>& other_ids = {});

// A SERVICE, SLO, TEAM or rotation named on the command line that the repository does not have:
// prints "nines: unknown `what` 'given'" with a did-you-mean from `known` to stderr and returns
// 2, the usage error every command gives for it (docs/commands.md, "Exit codes").
int unknown_name(const std::string& what, const std::string& given,
                 const std::vector<std::string>& known);

// Display formatting. Missing figures print as "—", never as 0 or 100%.
std::string fmt_num(std::optional<double> v, int decimals = 2);
// An on-call false positive rate with one decimal, kept apart from the seed's thresholds (healthy
// below 10%, critical above 30%): 9.96 is "9.9%", never "10.0%". "—" when missing.
std::string fp_text(std::optional<double> pct);
std::string fmt_pct(std::optional<double> pct, int decimals = 2); // pct already ×100
// The policy condition that set a budget state, for the terminal: "remaining_budget > 50%" as the
// policy writes it, or, where none of the policy's states covers the budget (`policy-gap`), the
// seed default's band named as such: the policy does not contain that condition.
std::string budget_condition_text(const BudgetStateFigure& state);
// Text for a cell of a Markdown table: a '|' or a newline would break the table.
std::string md_cell(const std::string& s);

// Display width in terminal columns: UTF-8 code points, not bytes ("—" is one column), and no
// colour escapes.
std::size_t display_width(const std::string& text);

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
