// `nines new KIND [NAME] [--service S] ...`: writes the next document from its template in
// templates/, into the kind's conventional folder, so that the repository still checks: the
// required fields come from the arguments and the repository, placeholders stay "".
#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "cli/templates.hpp"
#include "compute/slo.hpp"
#include "model/alerts.hpp"
#include "model/budget.hpp"
#include "model/kinds.hpp"
#include "model/numbers.hpp"
#include "model/severity.hpp"
#include "model/slug.hpp"
#include "model/time.hpp"
#include "write/repo_edit.hpp"

#include <array>
#include <charconv>
#include <iostream>
#include <map>
#include <sstream>
#include <unistd.h>

namespace nines {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::list;

struct NewOpts {
  CommonOpts common;
  std::string kind, name, service, sli, alert, team, tier = "standard", type = "availability";
  std::string function, scope;
  std::vector<std::string> members;
  double target = 99.9;
};

// A usage problem: the message says what to give instead (exit 2).
struct NewUsage : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const std::vector<std::string> k_new_kinds = {
    "service",    "sli",  "slo",      "policy",   "runbook",   "postmortem", "incident",
    "experiment", "toil", "capacity", "rotation", "readiness", "assessment", "maintenance"};

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v)
    out += (out.empty() ? "" : ", ") + s;
  return out;
}

void require_id(const std::string& what, const std::string& id) {
  if (id.empty()) throw NewUsage(what + " is required");
  if (!valid_id(id))
    throw NewUsage(what + " '" + id +
                   "' is not a valid id: lower-case letters, digits, '.', '_' and '-', starting "
                   "with a letter or digit, at most 128 characters" +
                   (id.size() > 128 ? " (this one has " + std::to_string(id.size()) + ")" : ""));
}

// A reference that must resolve, so that what `new` writes checks.
void require_known(const std::string& what, const std::string& id,
                   const std::vector<std::string>& known, const std::string& hint) {
  if (std::find(known.begin(), known.end(), id) != known.end()) return;
  throw NewUsage("unknown " + what + " '" + id + "'" + did_you_mean(id, known) +
                 (known.empty() ? "; " + hint : "; known: " + join(known)));
}

// The one candidate when the repository has exactly one; else asks on a terminal, else stops.
std::string pick_one(const std::string& what, const std::string& option,
                     const std::vector<std::string>& known, const std::string& hint) {
  if (known.size() == 1) return known.front();
  if (known.empty()) throw NewUsage("the repository has no " + what + "; " + hint);
  if (isatty(STDIN_FILENO)) {
    std::cerr << "which " << what << "? (" << join(known) << "): " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (std::find(known.begin(), known.end(), answer) != known.end()) return answer;
    throw NewUsage("unknown " + what + " '" + answer + "'" + did_you_mean(answer, known));
  }
  throw NewUsage("the repository has several " + what + "s; give " + option +
                 " (one of: " + join(known) + ")");
}

std::string q(const std::string& s) {
  return yaml_quote(s);
}

// What the alert's threshold means over this SLO's window (SPEC 3.1): at burn B the whole budget
// lasts W/B, and when it fires at least B·L/W of the budget went in its long window L. Hours below
// two days, else days, as `nines budget` shows them.
std::string exhaust_comment(const WorkbookAlert& a, double window_days) {
  const double days = time_to_exhaust_days(window_days, a.burn_rate).value_or(0);
  const std::string lasts =
      days * 24 < 48 ? fixed_text(days * 24, 1) + " h" : fixed_text(days, 1) + " d";
  const double spent =
      budget_consumed_when_fires(a.burn_rate, a.long_window_min, window_days) * 100;
  return "at this rate the budget lasts " + lasts + "; firing means " + fixed_text(spent, 2) +
         "% of it went in " + std::string(a.long_window);
}

struct RepoNames {
  std::vector<std::string> services, slis, teams;
};

RepoNames names_of(const Repo& repo) {
  RepoNames n;
  for (const auto& s : repo.services)
    n.services.push_back(s.meta.id);
  for (const auto& s : repo.slis)
    n.slis.push_back(s.meta.id);
  for (const auto& [id, t] : repo.config.teams)
    n.teams.push_back(id);
  return n;
}

std::vector<PlannedFile> plan(const NewOpts& o, const Repo& repo, std::int64_t local_now) {
  RepoNames names = names_of(repo);
  const std::string today = format_date(day_of(local_now));
  const std::string service_hint = "add one with 'nines new service NAME'";
  data d;
  d.set("date", today);
  auto need_service = [&](bool required) {
    if (o.service.empty()) {
      if (required) throw NewUsage("--service is required for 'new " + o.kind + "'");
      return;
    }
    require_id("--service", o.service);
    require_known("service", o.service, names.services, service_hint);
  };
  // --team: the id, or the display name as the site shows it ("Platform & SRE"), for every kind.
  auto known_team = [&]() -> std::string {
    if (auto id = resolve_team(repo, o.team)) return *id;
    require_known("team", o.team, names.teams, "add teams to nines.yaml");
    return o.team;
  };
  auto team_or_only = [&]() -> std::string {
    if (!o.team.empty()) return known_team();
    return pick_one("team", "--team", names.teams, "add one under 'teams:' in nines.yaml");
  };
  d.set("service", o.service.empty() ? std::string("\"\"") : q(o.service));
  std::vector<PlannedFile> files;
  // Every template holds one document of one kind, named by its file's stem (the templates set
  // `id`/`name` to it, or leave the id to the path).
  static const std::map<std::string, std::string> k_template_kinds = {
      {"service.yaml", "service"},
      {"sli.yaml", "sli"},
      {"slo.yaml", "slo"},
      {"policy.yaml", "error_budget_policy"},
      {"runbook.yaml", "runbook"},
      {"postmortem.yaml", "postmortem"},
      {"incident.yaml", "postmortem"},
      {"experiment.yaml", "experiment"},
      {"maintenance.yaml", "maintenance"},
      {"toil.yaml", "toil_item"},
      {"capacity.yaml", "capacity_model"},
      {"readiness.yaml", "readiness_review"},
      {"rotation.yaml", "oncall_rotation"},
      {"assessment.yaml", "assessment"}};
  auto add = [&](std::string rel, const std::string& tmpl, const data& values) {
    files.push_back(
        {std::filesystem::path(rel), render_template(tmpl, values), k_template_kinds.at(tmpl)});
  };

  const std::string& k = o.kind;
  if (k == "service") {
    require_id("NAME", o.name);
    d.set("name", o.name);
    d.set("tier", o.tier);
    d.set("team", team_or_only());
    add("services/" + o.name + ".yaml", "service.yaml", d);
  } else if (k == "sli") {
    require_id("NAME", o.name);
    d.set("name", o.name);
    d.set("type", o.type);
    add("slis/" + o.name + ".yaml", "sli.yaml", d);
  } else if (k == "slo") {
    require_id("NAME", o.name);
    need_service(true);
    std::string sli = o.sli;
    if (!sli.empty())
      require_known("SLI", sli, names.slis, "add one with 'nines new sli NAME'");
    else
      sli = pick_one("SLI", "--sli", names.slis, "add one with 'nines new sli NAME'");
    if (!(o.target > 0 && o.target < 100))
      throw NewUsage("--target must be a percentage between 0 and 100, e.g. 99.9");
    // What check would refuse (slo-target-ratio) is refused here, so what is written passes.
    if (target_reads_as_ratio(o.target))
      throw NewUsage("--target " + shortest_text(o.target) +
                     " is a percentage: " + shortest_text(o.target) + "% — did you mean " +
                     shortest_text(published_figure(o.target * 100)) + "?");
    // The budget and its minutes follow from the target, so the SLO's own lints hold. The
    // budget is written to 10 decimals, far inside the slo-error-budget lint's 1e-6; a target
    // so close to 100 that even those round it to 0 leaves no budget the schema accepts (> 0).
    const std::string budget = trimmed_text(100 - o.target, 10);
    if (budget == "0")
      throw NewUsage("--target " + shortest_text(o.target) +
                     " leaves no error budget (100 - target rounds to 0 at 10 decimals); give "
                     "a target at most 99.9999999999");
    std::int64_t days = 28;
    if (auto w = parse_duration_minutes(repo.config.default_slo_window))
      days = static_cast<std::int64_t>(*w / 1440);
    if (days <= 0) days = 28;
    const double window_days = static_cast<double>(days);
    d.set("name", o.name);
    d.set("sli", sli);
    d.set("target", shortest_text(o.target));
    d.set("window", std::to_string(days) + "d");
    d.set("error_budget", budget);
    d.set("error_budget_minutes", trimmed_text(allowed_bad_minutes(o.target, window_days), 2));
    // The SRE Workbook's three alerts, less those the target makes unreachable (the rule of the
    // burn-alert-never-fires lint, so what is written passes check).
    const double max_burn = max_burn_rate(o.target);
    list alerts, dropped;
    std::vector<std::string> kept;
    for (const auto& a : k_workbook_alerts) {
      if (!burn_rate_reachable(a.burn_rate, o.target)) {
        // At the maximum itself the reason is the rule's strict comparison, as check says it:
        // "the highest possible burn rate is 6x, so 6x could never fire" would read as if it could.
        const bool at_max = !burn_rate_exceeds(a.burn_rate, max_burn);
        // Windows long first, as every page, the terminal and the docs write them ("1h / 5m").
        dropped.push_back(
            data(std::string(a.name) + " (" + shortest_text(a.burn_rate) + "x over " +
                 alert_windows_text(std::string(a.long_window), std::string(a.short_window)) +
                 ") is left out: at a " + shortest_text(o.target) +
                 "% target the highest possible burn rate is " + trimmed_text(max_burn) + "x" +
                 (at_max ? " and an alert fires only on a burn above its threshold" : "") +
                 ", so it could never fire"));
        continue;
      }
      if (!window_holds_alert(a.long_window_min, window_days)) {
        dropped.push_back(
            data(std::string(a.name) + " (" + shortest_text(a.burn_rate) + "x over " +
                 alert_windows_text(std::string(a.long_window), std::string(a.short_window)) +
                 ") is left out: its " + std::string(a.long_window) +
                 " window is longer than the SLO's " + std::to_string(days) + "-day window"));
        continue;
      }
      kept.emplace_back(a.name);
      data alert;
      alert.set("name", std::string(a.name));
      alert.set("burn_rate", fixed_text(a.burn_rate, 1));
      alert.set("short_window", std::string(a.short_window));
      alert.set("long_window", std::string(a.long_window));
      alert.set("severity", std::string(a.severity));
      alert.set("exhausts", exhaust_comment(a, window_days));
      alerts.push_back(alert);
    }
    d.set("alerts", alerts);
    d.set("dropped", dropped);
    add("slos/" + o.name + ".yaml", "slo.yaml", d);
    // A runbook stub for each burn-rate alert that has none, so the `alert-runbook` rule holds.
    for (const std::string& alert : kept) {
      bool covered = false;
      for (const auto& rb : repo.runbooks)
        covered = covered ||
                  (rb.alert_name == alert && (rb.service.empty() || rb.service.id == o.service));
      if (covered) continue;
      std::string stem = o.service + "-" + alert;
      std::replace(stem.begin(), stem.end(), '_', '-');
      data r;
      r.set("title", q(o.service + ": " + alert));
      r.set("alert", alert);
      r.set("service", o.service);
      r.set("date", today);
      add("runbooks/" + o.service + "/" + stem + ".yaml", "runbook.yaml", r);
    }
  } else if (k == "policy") {
    require_id("NAME", o.name);
    need_service(false);
    d.set("name", o.name);
    add("policies/" + o.name + ".yaml", "policy.yaml", d);
  } else if (k == "runbook") {
    require_id("NAME", o.name);
    need_service(false);
    d.set("title", q(o.name));
    d.set("alert", q(o.alert.empty() ? o.name : o.alert));
    std::string folder = o.service.empty() ? "runbooks/" : "runbooks/" + o.service + "/";
    add(folder + o.name + ".yaml", "runbook.yaml", d);
  } else if (k == "postmortem" || k == "incident") {
    // The title is written into the document and its file name: UTF-8, one line, as a sign-off's
    // name must be, or what `new` writes would fail `check`.
    if (const std::string why = unusable_text(o.name); !why.empty() && !o.name.empty())
      throw NewUsage("the title " + why);
    if (o.name.empty())
      throw NewUsage("a title is required, e.g. nines new " + k +
                     " \"Checkout errors after "
                     "deploy\"");
    need_service(false);
    // Another incident of the same day whose title slugs the same (a title cut at 48 characters,
    // "DB: down" beside "DB down") gets the next free suffix, for its file and its channel; the
    // same title again is the same incident, and `new` never overwrites it.
    std::string slug = file_slug(o.name, k);
    auto title_at = [&repo](const std::string& file) -> const std::string* {
      for (const auto& pm : repo.postmortems)
        if (pm.meta.file == file) return &pm.title;
      return nullptr;
    };
    for (int n = 2; n < 100; ++n) {
      const std::string* other = title_at("postmortems/" + today + "-" + slug + ".yaml");
      if (!other || *other == o.name) break;
      slug = file_slug(o.name, k) + "-" + std::to_string(n);
    }
    bool classified = !o.function.empty() && !o.scope.empty();
    if (o.function.empty() != o.scope.empty())
      throw NewUsage("give --function and --scope together: the severity matrix needs both");
    // Without a classification the draft takes the middle of the matrix, and says so.
    std::string function = classified ? o.function : "degraded";
    std::string scope = classified ? o.scope : "lt-25pct";
    int sev = matrix_severity(function, scope).value_or(3); // both checked by CLI11
    std::string severity = "SEV" + std::to_string(sev);
    d.set("title", q(o.name));
    d.set("severity", severity);
    d.set("severity_reason",
          classified ? "from the matrix: " + function + " affecting " + scope
                     : "a default: give --function and --scope to take it from the matrix");
    d.set("function", function);
    d.set("scope", scope);
    d.set("service", o.service);
    std::string channel = "#inc-" + today + "-" + slug;
    d.set("channel", channel);
    std::int64_t secs = ((local_now % 86400) + 86400) % 86400;
    char hhmm[8];
    std::snprintf(hhmm, sizeof hhmm, "%02d:%02d", static_cast<int>(secs / 3600),
                  static_cast<int>(secs % 3600 / 60));
    d.set("time", std::string(hhmm));
    add("postmortems/" + today + "-" + slug + ".yaml", k + ".yaml", d);
  } else if (k == "experiment") {
    require_id("NAME", o.name);
    need_service(false);
    d.set("name", o.name);
    add("chaos/" + o.name + ".yaml", "experiment.yaml", d);
  } else if (k == "maintenance") {
    require_id("NAME", o.name);
    need_service(true);
    // A placeholder window people move: two hours from 02:00 UTC tomorrow, valid as written.
    const std::string tomorrow = format_date(day_of(local_now) + 1);
    d.set("start", tomorrow + "T02:00:00Z");
    d.set("end", tomorrow + "T04:00:00Z");
    add("maintenance/" + o.name + ".yaml", "maintenance.yaml", d);
  } else if (k == "toil") {
    require_id("NAME", o.name);
    need_service(false);
    d.set("name", o.name);
    d.set("team", o.team.empty() && names.teams.size() != 1 ? std::string() : team_or_only());
    add("toil/" + o.name + ".yaml", "toil.yaml", d);
  } else if (k == "capacity" || k == "readiness") {
    NewOpts copy = o;
    if (copy.service.empty()) copy.service = copy.name;
    if (copy.service.empty()) throw NewUsage("give the service: nines new " + k + " SERVICE");
    require_id("the service", copy.service);
    require_known("service", copy.service, names.services, service_hint);
    d.set("service", copy.service);
    add((k == "capacity" ? "capacity/" : "readiness/") + copy.service + ".yaml", k + ".yaml", d);
  } else if (k == "rotation") {
    require_id("NAME", o.name);
    std::string team = team_or_only();
    std::vector<std::string> members = o.members;
    if (members.empty()) members = repo.config.teams.at(team).members;
    if (members.empty())
      throw NewUsage("team '" + team +
                     "' lists no members in nines.yaml; give them with --member NAME (repeatable)");
    list people;
    for (const auto& m : members)
      people.push_back(data(q(m)));
    d.set("name", o.name);
    d.set("team", team);
    d.set("members", people);
    add("oncall/" + o.name + ".yaml", "rotation.yaml", d);
  } else if (k == "assessment") {
    std::string subject_key = "service", subject = o.service.empty() ? o.name : o.service;
    if (!o.team.empty()) {
      if (!subject.empty()) throw NewUsage("assess a service or a team, not both");
      subject_key = "team";
      subject = known_team();
    } else {
      if (subject.empty())
        throw NewUsage("give the service (nines new assessment SERVICE) or --team T");
      require_id("the service", subject);
      require_known("service", subject, names.services, service_hint);
    }
    d.set("subject_key", subject_key);
    d.set("subject", subject);
    add("assessments/" + subject + "-" + today.substr(0, 7) + ".yaml", "assessment.yaml", d);
  }
  return files;
}

// Where a document of the repository already has the id of one `files` would add: "the slo id
// 'x' is already defined at slos/y.yaml:3:7", or "" when none has. Documents that did not
// validate count too: fixing one would turn it into a duplicate-id error. A file `new` would
// write over is left to write_new_files, which names the file.
std::string taken_id(const Repo& repo, const std::vector<PlannedFile>& files) {
  std::string found;
  for (const auto& f : files) {
    const std::string id = f.rel.stem().string();
    auto check = [&](const DocMeta& meta, std::string_view label, bool failed) {
      if (!found.empty() || meta.id != id || meta.file == f.rel.generic_string()) return;
      found = "the " + std::string(label) + " id '" + id + "' is already defined at " + meta.file +
              ":" + std::to_string(meta.id_loc.line) + ":" + std::to_string(meta.id_loc.col) +
              (failed ? " (a document with errors)" : "");
    };
    for_each_kind([&](const auto& row) {
      if (row.name != f.kind) return;
      for (const auto& doc : repo.*row.docs)
        check(doc.meta, row.label, false);
      for (const auto& meta : repo.failed_docs)
        if (meta.kind == row.name) check(meta, row.label, true);
    });
    if (!found.empty()) break;
  }
  return found;
}

} // namespace

void add_new_command(CLI::App& app, CommandAction& action) {
  auto* cmd = app.add_subcommand("new", "Write a new document from its template");
  auto opts = std::make_shared<NewOpts>();
  cmd->add_option("kind", opts->kind, "What to write: " + join(k_new_kinds))
      ->required()
      ->check(CLI::IsMember(k_new_kinds));
  cmd->add_option("name", opts->name,
                  "Its id (the title for postmortem and incident; the service for capacity, "
                  "readiness and assessment)");
  add_common_options(cmd, opts->common, false);
  set_example(cmd, "nines new slo --service checkout-api --target 99.95 checkout-latency\n"
                   "  nines new incident \"Checkout returns 502s\" --service checkout-api");
  cmd->add_option("--service", opts->service, "The service it belongs to")
      ->check(non_empty("a service id"));
  cmd->add_option("--sli", opts->sli, "slo: the SLI (default: the repository's only SLI)")
      ->check(non_empty("an SLI id"));
  cmd->add_option("--target", opts->target, "slo: the target in percent (default 99.9)")
      ->check(finite_number());
  cmd->add_option("--alert", opts->alert, "runbook: the alert it answers (default: NAME)");
  cmd->add_option("--team", opts->team,
                  "service, rotation, toil, assessment: the team, by id or name (default: the "
                  "only team)")
      ->check(non_empty("a team id or name"));
  cmd->add_option("--tier", opts->tier, "service: critical, important, standard, experimental")
      ->check(CLI::IsMember({"critical", "important", "standard", "experimental"}));
  cmd->add_option("--type", opts->type, "sli: availability, latency, quality, freshness")
      ->check(CLI::IsMember({"availability", "latency", "quality", "freshness"}));
  cmd->add_option("--member", opts->members,
                  "rotation: a person in it, repeatable (default: the team's members)");
  cmd->add_option("--function", opts->function, "incident, postmortem: what broke")
      ->check(CLI::IsMember({"core-down", "degraded", "non-core-down", "cosmetic"}));
  cmd->add_option("--scope", opts->scope, "incident, postmortem: who is affected")
      ->check(CLI::IsMember({"one-user", "lt-25pct", "gt-25pct", "all-users"}));
  cmd->callback([opts, &action] {
    action = [opts]() -> int {
      Run run;
      apply_common_options(opts->common, run);
      run_pipeline(run);
      if (opts->common.timings) print_timings(run, std::cerr);
      // Documents with errors are still decoded where they can be; only an unreadable
      // repository (or bad options) stops `new`.
      if (!run.fatal.empty() || !run.usage_error.empty() || !run.internal_error.empty()) {
        print_run_problems(run);
        return exit_code(run);
      }
      std::vector<PlannedFile> files;
      try {
        files = plan(*opts, run.repo, run.local_now);
      } catch (const NewUsage& e) {
        std::cerr << "nines: new " << opts->kind << ": " << e.what() << "\n";
        return 2;
      }
      // Two documents of a kind with one id fail `check` (duplicate-id): the ids are those the
      // pipeline read, from every file of the repository, Markdown and dialects included.
      if (const std::string taken = taken_id(run.repo, files); !taken.empty()) {
        std::cerr << "nines: new " << opts->kind << ": " << taken
                  << "; choose another name (nothing was written)\n";
        return 1;
      }
      std::filesystem::path root = run.repo.root;
      std::string existing;
      try {
        existing = write_new_files(root, files);
      } catch (const std::exception& e) {
        // A folder that cannot be made or a file that cannot be written: nothing of it stays.
        std::cerr << "nines: new " << opts->kind << ": " << e.what() << " (nothing was written)\n";
        return 3;
      }
      // Paths as the user can type them: relative to the working folder, as `cd` left it.
      auto shown = [](const std::filesystem::path& p) {
        std::error_code ec;
        auto rel = std::filesystem::relative(p, ec);
        return (ec || rel.empty() ? p : rel).string();
      };
      if (!existing.empty()) {
        std::cerr << "nines: " << shown(existing)
                  << " already exists; 'nines new' never overwrites (nothing was written)\n";
        return 1;
      }
      for (const auto& f : files)
        std::cout << "wrote " << shown(root / f.rel) << "\n";
      return 0;
    };
  });
}

} // namespace nines
