// `nines readiness SERVICE [-C DIR] [--now T] [--json]`: the seed's 28-row production-readiness
// checklist of a service (SPEC 3.3), grouped by category, with where each row's status came from
// (the repo, a readiness review, or nowhere yet), the summary and the sign-offs (stale ones
// marked). Every status is read from the computed figures.
#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "render/api_json.hpp"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace nines {
namespace {

std::string upper(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Left-aligned columns. Table right-aligns cells that look numeric, which would push evidence
// such as "6 alerts, each with a runbook" to the right; here every column is text.
void print_text_columns(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& r : rows) {
    if (widths.size() < r.size()) widths.resize(r.size(), 0);
    for (std::size_t i = 0; i < r.size(); ++i)
      widths[i] = std::max(widths[i], display_width(r[i]));
  }
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (i > 0) line += "  ";
      line += r[i];
      if (i + 1 < r.size()) line += std::string(widths[i] - display_width(r[i]), ' ');
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out << line << "\n";
  }
}

void print_readiness(std::ostream& out, const ReadinessFigures& r) {
  out << r.service << ": production readiness ("
      << plural(static_cast<long long>(r.rows.size()), "check") << ")\n";
  // Categories in checklist order.
  std::vector<std::string> categories;
  for (const auto& row : r.rows) {
    bool seen = false;
    for (const auto& c : categories)
      seen = seen || c == row.category;
    if (!seen) categories.push_back(row.category);
  }
  for (const auto& cat : categories) {
    out << "\n" << cat << "\n";
    std::vector<std::vector<std::string>> t = {{"  STATUS", "SOURCE", "CHECK", "EVIDENCE"}};
    for (const auto& row : r.rows) {
      if (row.category != cat) continue;
      std::string evidence = row.evidence;
      if (!row.notes.empty()) evidence += (evidence.empty() ? "" : " — ") + row.notes;
      std::string source = row.source;
      if (row.source == "review" && !row.review.empty()) source += " (" + row.review + ")";
      t.push_back({"  " + paint(upper(row.status), row.status), source, row.title,
                   evidence.empty() ? "—" : evidence});
    }
    print_text_columns(out, t);
  }
  out << "\nsummary: " << r.pass << " pass, " << r.fail << " fail, " << r.na << " n/a, " << r.todo
      << " to do\n";
  // No review, no digest (docs/scoring.md): shown as every other missing value is.
  out << "current digest: " << (r.digest.empty() ? "—" : r.digest) << "\n";
  std::string why;
  if (r.approved)
    why = " (a current sign-off, no blocking row)";
  else if (!r.objections.empty())
    why = " (" + withheld_text(r) + ")";
  else if (r.current_approval)
    why = " (a current sign-off, but rows block)";
  else
    why = " (no current sign-off)";
  out << "approval: " << (r.approved ? paint("approved", "pass") : paint("not approved", "blocked"))
      << why << "\n";
  out << "\nsign-offs\n";
  if (r.signoffs.empty()) {
    out << "  none\n";
    return;
  }
  std::vector<std::vector<std::string>> t = {
      {"  NAME", "ROLE", "DATE", "DECISION", "DIGEST", "REVIEW", ""}};
  for (const auto& s : r.signoffs)
    t.push_back({"  " + s.name, s.role, s.date, s.decision, s.digest.empty() ? "—" : s.digest,
                 s.review.empty() ? "—" : s.review,
                 // Dated after now decides nothing, stale or not: the date is what to correct.
                 s.future       ? paint("FUTURE", "stale")
                 : s.stale      ? paint("STALE", "stale")
                 : s.superseded ? paint("superseded", "stale")
                                : paint("current", "ok")});
  print_text_columns(out, t);
  bool undigested = false, changed = false, old_format = false, future = false;
  for (const auto& s : r.signoffs) {
    future = future || s.future;
    if (!s.stale || s.future) continue;
    if (s.digest.empty())
      undigested = true;
    else if (s.old_format)
      old_format = true;
    else
      changed = true;
  }
  if (changed)
    out << "\nSTALE: the service's documents or checklist changed after the sign-off (its digest "
           "differs from the current one)\n";
  if (undigested)
    out << (changed ? "" : "\n")
        << "STALE (digest —): the sign-off recorded no digest of what was reviewed; sign off "
           "again with `nines signoff` to record one\n";
  if (old_format)
    out << (changed || undigested ? "" : "\n")
        << "STALE (digest format): the sign-off recorded a digest of an earlier format, which "
           "cannot be compared; the digest format changed, sign off again with `nines signoff`\n";
  if (future)
    out << (changed || undigested || old_format ? "" : "\n")
        << "FUTURE: the sign-off is dated after now: one that has not happened decides nothing "
           "(neither approves nor objects); correct its date to the day it was given\n";
}

} // namespace

void add_readiness_command(CLI::App& app, CommandAction& action) {
  auto* cmd = app.add_subcommand("readiness", "A service's production-readiness checklist");
  struct Opts {
    CommonOpts common;
    std::string service;
  };
  auto opts = std::make_shared<Opts>();
  cmd->add_option("service", opts->service, "A service id")->required();
  add_common_options(cmd, opts->common);
  set_example(cmd, "nines readiness checkout-api --color never");
  cmd->callback([opts, &action] {
    action = [opts] {
      Run run;
      if (auto code = run_figures(opts->common, run)) return *code;
      std::vector<std::string> names;
      for (const auto& r : run.figures.readiness) {
        if (r.service == opts->service) {
          if (opts->common.json)
            std::cout << api_file_text(readiness_json(r), 2);
          else
            print_readiness(std::cout, r);
          return 0;
        }
        names.push_back(r.service);
      }
      return unknown_name("service", opts->service, names);
    };
  });
}

} // namespace nines
