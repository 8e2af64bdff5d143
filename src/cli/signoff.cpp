// `nines signoff SERVICE --name N --role R --decision D`: record a production-readiness sign-off
// in the service's readiness_review, with the digest of what was reviewed (SPEC 3.3). When the
// service's documents or checklist change later, the digest no longer matches and the sign-off
// shows as stale.
#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "load/loader.hpp"
#include "model/time.hpp"
#include "write/repo_edit.hpp"
#include "write/site_writer.hpp"

#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <utility>

namespace nines {
namespace {

// nullopt when the file cannot be read.
std::optional<std::string> read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return ss.str();
}

} // namespace

void add_signoff_command(CLI::App& app, CommandAction& action) {
  auto* cmd = app.add_subcommand("signoff", "Record a readiness sign-off with the reviewed digest");
  struct Opts {
    CommonOpts common;
    std::string service, name, role, decision;
  };
  auto opts = std::make_shared<Opts>();
  add_common_options(cmd, opts->common, false);
  set_example(cmd, "nines signoff checkout-api --name \"Rosa Delgado\" --role \"SRE lead\" "
                   "--decision approved");
  cmd->add_option("service", opts->service, "Service id")->required();
  cmd->add_option("--name", opts->name, "Who signs off")->required();
  cmd->add_option("--role", opts->role, "Their role, e.g. SRE lead")->required();
  cmd->add_option("--decision", opts->decision, "approved, rejected or conditional")
      ->required()
      ->check(CLI::IsMember({"approved", "rejected", "conditional"}));
  cmd->callback([opts, &action] {
    action = [opts]() -> int {
      // Checked before anything is read or written: a usage error (exit 2), never a file put
      // back after the repository rejected the edit.
      for (const auto& [option, value] :
           {std::pair<const char*, const std::string*>{"--name", &opts->name},
            {"--role", &opts->role}}) {
        if (const std::string why = unusable_text(*value); !why.empty()) {
          std::cerr << "nines: " << option << " " << why << "\n";
          return 2;
        }
      }
      Run run;
      if (auto code = run_figures(opts->common, run)) return *code;
      const Repo& repo = run.repo;
      std::vector<std::string> ids;
      for (const auto& s : repo.services)
        ids.push_back(s.meta.id);
      if (std::find(ids.begin(), ids.end(), opts->service) == ids.end())
        return unknown_name("service", opts->service, ids);
      // The latest review of the service is the one being signed. A review dated after now has
      // not happened and decides nothing (docs/governance.md): it is signed only when the
      // service has no other.
      const std::int64_t now_day = day_of(run.local_now);
      const ReadinessReview* review = nullptr;
      const ReadinessReview* future = nullptr;
      for (const auto& r : repo.readiness) {
        if (r.service.id != opts->service) continue;
        const ReadinessReview*& latest = date_after(r.date, now_day) ? future : review;
        if (!latest || r.date > latest->date) latest = &r;
      }
      if (!review) review = future;
      if (!review) {
        std::cerr << "nines: service '" << opts->service
                  << "' has no readiness_review to sign\n  hint: write one with `nines new "
                     "readiness "
                  << opts->service
                  << "`, then fill in the checklist rows the repository cannot prove (see "
                     "docs/scoring.md)\n";
        return 1;
      }
      std::string digest;
      for (const auto& r : run.figures.readiness)
        if (r.service == opts->service) digest = r.digest;
      // Today, as --now (or nines.yaml as_of) has it: never a day to come.
      std::string today = format_date(now_day);
      std::string item = "name: " + yaml_quote(opts->name) + "\nrole: " + yaml_quote(opts->role) +
                         "\ndate: " + today + "\ndecision: " + opts->decision +
                         "\ndigest: " + yaml_quote(digest) + "\n";
      // The repository's root as the run found it (DIR may be a folder below it).
      std::filesystem::path file = run.opts.dir / review->meta.file;
      const auto before = read_text(file);
      if (!before) {
        std::cerr << "nines: cannot read " << review->meta.file << "; nothing was changed\n";
        return 3;
      }
      std::string after;
      try {
        after = append_list_item(*before, "readiness_review", "service", opts->service, "signoffs",
                                 item);
      } catch (const EditError& e) {
        // The document cannot take the edit (flow style, say): the content's to fix, exit 1.
        // The place is in the file as it is: nothing was written.
        std::cerr << "nines: " << edit_error_place(review->meta.file, e)
                  << ": cannot record the sign-off: " << e.what() << "; nothing was changed\n";
        return 1;
      }
      try {
        write_file_atomic(file, after);
      } catch (const std::exception& e) {
        // A file that cannot be written is one a required file could not be reached (exit 3,
        // docs/commands.md), not a content error; write_file_atomic leaves the old file whole.
        std::cerr << "nines: cannot record the sign-off in " << review->meta.file << ": "
                  << e.what() << "; nothing was changed\n";
        return 3;
      }
      // The edit must leave a valid repository in which the file still holds every document it
      // held (a file that no longer reads as a readiness_review checks clean, as a skipped one);
      // if it does not, put the file back as it was, then say why.
      Run verify;
      if (auto code = run_edit_check(opts->common, verify)) {
        write_file_atomic(file, *before);
        print_edit_check(verify, review->meta.file);
        std::cerr << "nines: the sign-off would have made the repository invalid; nothing was "
                     "changed\n";
        return *code;
      }
      if (const std::string lost = documents_lost(repo, verify.repo, review->meta.file);
          !lost.empty()) {
        write_file_atomic(file, *before);
        std::cerr << "nines: cannot record the sign-off in " << review->meta.file
                  << ": the edited file would no longer be read as " << lost
                  << "; nothing was changed\n";
        return 1;
      }
      std::cout << "recorded: " << opts->name << " (" << opts->role << ") " << opts->decision << " "
                << opts->service << " on " << today << ", digest " << digest << ", in "
                << review->meta.file << "\n";
      return 0;
    };
  });
}

} // namespace nines
