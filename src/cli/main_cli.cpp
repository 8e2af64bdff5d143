#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "cli/terminal.hpp"
#include "diag/errors.hpp"
#include "pipeline.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <new>
#include <string_view>
#include <vector>

namespace nines {

namespace {

TerminalSafeBuf* g_stdout_buf = nullptr;

// Flushes standard output and says whether every byte written to it was taken. A failed write
// sets std::cout's badbit (it writes through stdio) or stdio's error flag; errno says why.
bool stdout_took_everything() {
  errno = 0;
  std::cout.flush();
  const bool flushed = std::fflush(stdout) == 0;
  return flushed && std::cout.good() && std::ferror(stdout) == 0;
}

// Every command, the last stage of the pipeline it needs, and what registers it on the app (null
// when another row's function registers it too). The one place that says how far a command runs.
struct CommandRow {
  const char* name;
  Stage last;
  void (*add)(CLI::App&, CommandAction&);
};

constexpr CommandRow k_commands[] = {
    {"check", Stage::Link, add_check_command},
    {"build", Stage::Write, add_build_command},
    {"budget", Stage::Compute, add_budget_command},
    {"score", Stage::Compute, add_score_command},
    {"assess", Stage::Compute, nullptr}, // registered with score
    {"readiness", Stage::Compute, add_readiness_command},
    {"signoff", Stage::Compute, add_signoff_command},
    {"toil", Stage::Compute, add_toil_command},
    {"capacity", Stage::Compute, add_capacity_command},
    {"oncall", Stage::Compute, add_oncall_command},
    {"report", Stage::Compute, add_report_command},
    {"review", Stage::Compute, add_review_command},
    {"handoff", Stage::Compute, add_handoff_command},
    {"metrics", Stage::Metrics, add_metrics_command}, // pull; import reads nines.yaml only
    {"init", Stage::Load, add_init_command},          // writes a repository; runs no stage
    {"new", Stage::Link, add_new_command},            // reads the ids it refers to
    {"serve", Stage::Write, add_serve_command},
    {"gate", Stage::Compute, add_gate_command},
    {"rules", Stage::Link, add_rules_command},
};

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const auto& c : k_commands)
    names.emplace_back(c.name);
  return names;
}

} // namespace

Stage last_stage_of(std::string_view command) {
  for (const auto& c : k_commands)
    if (command == c.name) return c.last;
  // A command missing from the table is a bug: fail loudly rather than run a partial pipeline.
  throw std::logic_error("command '" + std::string(command) + "' has no row in the command table");
}

int cli_main(int argc, char** argv) {
  // Everything nines prints goes through TerminalSafeBuf (cli/terminal.hpp): repository text
  // cannot act on the terminal, and a failed write keeps its reason.
  static TerminalSafeBuf stdout_buf(std::cout.rdbuf());
  static TerminalSafeBuf stderr_buf(std::cerr.rdbuf());
  if (!g_stdout_buf) {
    g_stdout_buf = &stdout_buf;
    std::cout.rdbuf(&stdout_buf);
    std::cerr.rdbuf(&stderr_buf);
  }
  CLI::App app{"nines: reliability governance from a git repository"};
  app.set_version_flag("--version", std::string("nines ") + k_version);
  app.require_subcommand(0, 1);
  CommandAction action;
  for (const auto& c : k_commands)
    if (c.add) c.add(app, action);

  // `nines -C DIR check`, as `git -C DIR status`: the options every command takes may come before
  // the command's name; they are handed to the command as if written after it.
  app.footer("Options every command takes may also come before its name (nines -C DIR check):\n"
             "  -C,--dir DIR      the content repository (default: the current folder or the\n"
             "                    nearest parent holding nines.yaml)\n"
             "  --now T           date the run (ISO 8601; default SOURCE_DATE_EPOCH, nines.yaml\n"
             "                    as_of, else the clock)\n"
             "  --timings         print each stage's time to stderr\n"
             "  --color WHEN      auto, always or never\n"
             "Run 'nines COMMAND --help' for a command's own options.");
  std::vector<char*> args(argv, argv + argc);
  {
    auto starts_with = [](std::string_view a, std::string_view p) {
      return a.substr(0, p.size()) == p;
    };
    std::size_t i = 1;
    while (i < args.size()) {
      const std::string_view a = args[i];
      if ((a == "-C" || a == "--dir" || a == "--now" || a == "--color") && i + 1 < args.size())
        i += 2;
      else if (a == "--timings" || (a.size() > 2 && starts_with(a, "-C")) ||
               starts_with(a, "--dir=") || starts_with(a, "--now=") || starts_with(a, "--color="))
        i += 1;
      else
        break;
    }
    if (i > 1 && i < args.size() && args[i][0] != '-') {
      // A command with commands of its own (`gate deploy`) takes its second word along, so the
      // check for a mistyped second word below sees it where it looks.
      std::size_t words = 1;
      for (const auto* sub : app.get_subcommands({}))
        if (sub->get_name() == args[i] && !sub->get_subcommands({}).empty() &&
            i + 1 < args.size() && args[i + 1][0] != '-')
          words = 2;
      std::rotate(args.begin() + 1, args.begin() + static_cast<std::ptrdiff_t>(i),
                  args.begin() + static_cast<std::ptrdiff_t>(i + words));
    }
    argc = static_cast<int>(args.size());
    argv = args.data();
  }

  // An unknown first word is a mistyped command, not a stray argument: say so, with a suggestion.
  if (argc > 1) {
    std::string_view first = argv[1];
    if (!first.empty() && first[0] != '-') {
      bool known = false;
      for (const auto* sub : app.get_subcommands({}))
        known = known || sub->get_name() == first;
      if (!known) {
        std::cerr << "nines: unknown command '" << first << "'"
                  << did_you_mean(first, command_names()) << "\n";
        std::string list;
        for (const auto& n : command_names())
          list += (list.empty() ? "" : ", ") + n;
        std::cerr << "commands: " << list << "\nrun 'nines --help' for details\n";
        return 2;
      }
      // The same for the word after a command that has commands of its own (`gate deploy`,
      // `metrics pull`): `nines gate deplyo x` is a mistyped command too.
      const CLI::App* cmd = app.get_subcommand(std::string(first));
      const auto subs = cmd->get_subcommands({});
      if (!subs.empty() && argc > 2 && argv[2][0] != '-') {
        const std::string_view second = argv[2];
        std::vector<std::string> names;
        for (const auto* sub : subs)
          names.push_back(sub->get_name());
        if (std::find(names.begin(), names.end(), second) == names.end()) {
          std::string list;
          for (const auto& n : names)
            list += (list.empty() ? "" : ", ") + n;
          std::cerr << "nines: unknown command '" << first << " " << second << "'"
                    << did_you_mean(second, names) << "\n"
                    << "commands of " << first << ": " << list << "\nrun 'nines " << first
                    << " --help' for details\n";
          return 2;
        }
      }
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11's own message ("--format: xml not in {...}", "--role is required") with the prefix
    // every other message of nines has.
    std::cerr << "nines: " << e.what() << "\nrun 'nines --help' for details\n";
    return 2; // SPEC 2: usage errors exit 2
  }
  if (!action) {
    // Bare `nines` (or options without a command): the help, and the exit code of a usage error,
    // as `nines gate` without its subcommand has, so a script that lost its command fails.
    std::cerr << app.help();
    return 2;
  }
  try {
    const int rc = action();
    // What a command printed reaches its reader only if standard output took it: a report piped
    // to a full disk, or to a closed pipe, must not exit 0 with the file cut short.
    if (!stdout_took_everything()) {
      const int why = errno != 0 ? errno : g_stdout_buf ? g_stdout_buf->first_errno() : 0;
      std::cerr << "nines: cannot write to standard output"
                << (why != 0 ? std::string(": ") + std::strerror(why) : std::string()) << "\n";
      return 3;
    }
    return rc;
  } catch (const UsageError& e) {
    std::cerr << "nines: " << e.what() << "\n";
    return 2;
  } catch (const FatalError& e) {
    // A file of the repository or of the store that a command writes cannot be written (a
    // read-only folder, a full disk): what it needed could not be reached, not a bug.
    std::cerr << "nines: " << e.what() << "\n";
    return 3;
  } catch (const std::bad_alloc&) {
    std::cerr << "nines: out of memory; give nines more memory (a limit set with ulimit -v, or a "
                 "container's)\n";
    return 3;
  } catch (const std::exception& e) {
    // A bug, not bad input: bad input is reported as diagnostics. Still never a crash, and never
    // exit 1, which means "the content has errors".
    std::cerr << "nines: internal error: " << e.what() << "\n";
    return 4;
  }
}

} // namespace nines
