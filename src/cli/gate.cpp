// `nines gate deploy SERVICE [--change-type T] [--format text|github] [--json]` and
// `nines gate readiness SERVICE`: CI gates (SPEC 2). Deploy applies the service's error budget
// policy to the budget states of its SLOs; readiness passes exactly when the service is approved
// for production. Both read only the computed figures; `--json` prints the API's objects.
//
// Exit codes: 0 allowed, 1 blocked (or the content has errors), 2 usage (an unknown service or
// change type), 3 the figures cannot be computed (no SLO of the service has data, or the store
// cannot be read).
#include "cli/gate.hpp"

#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "render/api_json.hpp"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace nines {

namespace {

// GitHub workflow commands end at a newline and treat % specially.
std::string github_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else
      out += c;
  }
  return out;
}

std::string fmt_freshness(const DataFreshness& d) {
  if (!d.as_of) return "no data";
  std::string s = d.status + ", last day " + *d.as_of;
  if (d.age_days && *d.age_days > 0) s += " (" + plural(*d.age_days, "day") + " old)";
  return s;
}

// One SLO's verdict under its own policy.
struct SloVerdict {
  const SloFigures* slo = nullptr;
  bool measured = false; // has data; an SLO without data never blocks on its own
  bool blocks = false;
  std::string exception; // the policy exception that let the change through, if one did
};

} // namespace

DeployDecision decide_deploy(const std::vector<const SloFigures*>& slos,
                             const std::string& change_type) {
  DeployDecision d;
  d.change_type = change_type;
  std::vector<SloVerdict> verdicts;
  for (const auto* f : slos) {
    SloVerdict v;
    v.slo = f;
    v.measured = f->state.level != BudgetState::Missing;
    if (v.measured) {
      const bool frozen = f->state.level == BudgetState::Exhausted;
      const bool features_blocked =
          f->state.level == BudgetState::Critical && change_type == "feature";
      if (frozen || features_blocked) {
        for (const auto& e : f->state.exceptions)
          if (exception_names(e, change_type)) {
            v.exception = e;
            break;
          }
        v.blocks = v.exception.empty();
      }
    }
    verdicts.push_back(v);
  }
  // The SLO that decides: the worst blocking one; when nothing blocks, the worst measured one.
  // Ties go to the smaller remaining budget, then the SLO id, so the choice is stable.
  auto worse = [](const SloVerdict& a, const SloVerdict& b) {
    int ra = budget_state_rank(a.slo->state.level), rb = budget_state_rank(b.slo->state.level);
    if (ra != rb) return ra > rb;
    double xa = a.slo->remaining.value_or(1e300), xb = b.slo->remaining.value_or(1e300);
    if (xa != xb) return xa < xb;
    return a.slo->id < b.slo->id;
  };
  const SloVerdict* decider = nullptr;
  for (const auto& v : verdicts) {
    if (!v.measured) continue;
    d.computable = true;
    if (v.blocks) d.allowed = false;
  }
  for (const auto& v : verdicts) {
    if (!v.measured || (!d.allowed && !v.blocks)) continue;
    if (!decider || worse(v, *decider)) decider = &v;
  }
  if (decider) {
    d.deciding = decider->slo;
    d.exception = decider->exception;
  }
  for (const auto& v : verdicts)
    if (!v.measured) d.unmeasured.push_back(v.slo);
  return d;
}

namespace {

OrderedJson deploy_json(const std::string& service, const DeployDecision& d,
                        const std::vector<const SloFigures*>& slos, const Figures& figs) {
  OrderedJson a = OrderedJson::array();
  for (const auto* f : slos)
    a.push_back(slo_json(*f, budget_week_of(figs, f->id)));
  OrderedJson j;
  j["service"] = service;
  j["change_type"] = d.change_type;
  j["allowed"] = d.computable && d.allowed;
  j["decision"] = !d.computable ? "unknown" : d.allowed ? "allowed" : "blocked";
  j["state"] = d.deciding ? OrderedJson(d.deciding->state.name()) : OrderedJson(nullptr);
  j["slo"] = d.deciding ? OrderedJson(d.deciding->id) : OrderedJson(nullptr);
  j["exception"] = d.exception.empty() ? OrderedJson(nullptr) : OrderedJson(d.exception);
  j["slos"] = a;
  return j;
}

// The sentence that says why, for people and for the annotation.
std::string verdict_line(const std::string& service, const DeployDecision& d) {
  const SloFigures& f = *d.deciding;
  const std::string state = f.state.name();
  if (!d.allowed) {
    if (f.state.level == BudgetState::Exhausted)
      return "deploy of " + service + " blocked: error budget exhausted (SLO " + f.id +
             "); every change is blocked unless a policy exception names '" + d.change_type + "'";
    return "deploy of " + service + " blocked: error budget critical (SLO " + f.id +
           "); feature changes are blocked";
  }
  if (!d.exception.empty())
    return "deploy of " + service + " allowed by the policy exception '" + d.exception +
           "' (budget " + state + ", SLO " + f.id + ")";
  return "deploy of " + service + " allowed: budget " + state + " (SLO " + f.id + ")";
}

} // namespace

void print_deploy(std::ostream& out, const std::string& service, const DeployDecision& d,
                  const std::vector<const SloFigures*>& slos) {
  const SloFigures& f = *d.deciding;
  out << "gate deploy " << service << " (change type " << d.change_type
      << "): " << (d.allowed ? paint("ALLOWED", "pass") : paint("BLOCKED", "blocked")) << "\n";
  out << verdict_line(service, d) << "\n\n";
  out << "state      " << paint(f.state.name()) << ", set by SLO " << f.id << " (budget remaining "
      << remaining_text(pct(f.remaining), f.state.edges) << ")\n";
  std::string policy = f.state.policy.empty() ? "seed default" : f.state.policy;
  out << "policy     " << policy << " (" << f.state.policy_source << ")";
  if (f.state.seed_band)
    out << ": " << budget_condition_text(f.state);
  else if (!f.state.condition.empty())
    out << ", condition " << f.state.condition;
  out << "\n";
  // docs/governance.md: only a fix under a critical budget passes on conditions; security,
  // compliance and data-loss-prevention changes simply pass, and a feature is blocked.
  if (f.state.level == BudgetState::Critical && d.allowed && d.exception.empty() &&
      d.change_type == "fix")
    out << "conditions the change must meet:\n";
  else
    out << "actions:\n";
  if (f.state.actions.empty()) out << "  none\n";
  for (const auto& a : f.state.actions)
    out << "  - " << a << "\n";
  out << "exceptions:\n";
  if (f.state.exceptions.empty()) out << "  none\n";
  for (const auto& e : f.state.exceptions) {
    std::string t;
    for (const auto& type : exception_change_types(e))
      t += (t.empty() ? "" : ", ") + type;
    out << "  - " << e << (t.empty() ? "" : "  [" + t + "]")
        << (e == d.exception ? "  (applies)" : "") << "\n";
  }
  out << "\nslos\n";
  Table t({"  SLO", "STATE", "REMAINING", "DATA"});
  for (const auto* s : slos) {
    const bool missing = s->state.level == BudgetState::Missing;
    t.add({"  " + s->id,
           missing ? paint("missing (never blocks on its own)", "missing") : paint(s->state.name()),
           remaining_text(pct(s->remaining), s->state.edges), fmt_freshness(s->data)});
  }
  t.print(out);
}

namespace {

int gate_deploy(const CommonOpts& common, const std::string& service,
                const std::string& change_type, const std::string& format) {
  Run run;
  if (auto code = run_figures(common, run, format == "github")) return *code;
  std::vector<std::string> names;
  bool known = false;
  for (const auto& s : run.repo.services) {
    names.push_back(s.meta.id);
    known = known || s.meta.id == service;
  }
  if (!known) return unknown_name("service", service, names);
  std::vector<const SloFigures*> slos;
  for (const auto& f : run.figures.slos)
    if (f.service == service) slos.push_back(&f);
  DeployDecision d = decide_deploy(slos, change_type);
  if (common.json) std::cout << api_file_text(deploy_json(service, d, slos, run.figures), 2);
  if (!d.computable) {
    std::string why = slos.empty() ? "service '" + service + "' has no SLOs"
                                   : "no SLO of service '" + service + "' has data";
    const std::string fix = slos.empty()
                                ? "add one (`nines new slo NAME --service " + service + "`)"
                                : "record SLI data (metrics/*.csv) or run `nines metrics pull`";
    std::cerr << "nines: cannot decide the deploy gate: " << why << "; " << fix << "\n";
    if (format == "github")
      std::cout << "::error title=Deploy gate::" << github_escape("cannot decide: " + why) << "\n";
    return 3;
  }
  if (!common.json) print_deploy(std::cout, service, d, slos);
  if (format == "github") {
    const std::string msg = verdict_line(service, d);
    if (!d.allowed)
      std::cout << "::error title=Deploy blocked::" << github_escape(msg) << "\n";
    else
      std::cout << "::notice title=Deploy allowed::" << github_escape(msg) << "\n";
  }
  return d.allowed ? 0 : 1;
}

} // namespace

namespace {

int gate_readiness(const CommonOpts& common, const std::string& service) {
  Run run;
  if (auto code = run_figures(common, run)) return *code;
  const ReadinessFigures* r = nullptr;
  std::vector<std::string> names;
  for (const auto& x : run.figures.readiness) {
    names.push_back(x.service);
    if (x.service == service) r = &x;
  }
  if (!r) return unknown_name("service", service, names);
  std::vector<const ReadinessRow*> blocking;
  for (const auto& row : r->rows)
    if (readiness_row_blocks(row)) blocking.push_back(&row);
  const bool approved = r->approved; // the API's own figure: the gate and the site never disagree
  if (common.json) {
    std::cout << api_file_text(readiness_json(*r), 2);
    return approved ? 0 : 1;
  }
  std::cout << "gate readiness " << service << ": "
            << (approved ? paint("APPROVED", "pass") : paint("NOT APPROVED", "blocked")) << "\n";
  if (!blocking.empty()) {
    std::cout << "\n"
              << plural(static_cast<long long>(blocking.size()), "checklist row")
              << (blocking.size() == 1 ? " blocks" : " block") << "\n";
    Table t({"  STATUS", "CHECK", "TITLE"});
    for (const auto* row : blocking)
      t.add({"  " + (row->status == "na" ? std::string("na without a reason") : row->status),
             row->slug, row->title});
    t.print(std::cout);
  }
  std::cout << "\nsign-offs\n";
  if (r->signoffs.empty()) std::cout << "  missing: no sign-off recorded\n";
  for (const auto& s : r->signoffs) {
    std::string what = s.future           ? "dated after now, decides nothing (correct its date)"
                       : s.superseded     ? "current, superseded by a later sign-off of " + s.name
                       : !s.stale         ? "current"
                       : s.digest.empty() ? "stale (no digest recorded)"
                       : s.old_format
                           ? "stale (the digest format changed; sign off again to record one)"
                           : "stale (the documents changed since)";
    std::cout << "  " << s.name << " (" << s.role << ", " << s.date << "): " << s.decision << ", "
              << what << "\n";
  }
  // Who withholds approval is the figures' decision (compute/readiness.cpp), not re-derived here.
  for (std::size_t i : r->objections) {
    const auto& s = r->signoffs[i];
    std::cout << "  blocking: " << s.name << "'s latest current sign-off is " << s.decision
              << "; once resolved, " << s.name << " records `nines signoff " << service
              << " --decision approved ...`\n";
  }
  if (!r->current_approval && !r->signoffs.empty())
    std::cout << "  missing: no current approved sign-off; run `nines signoff " << service
              << " --decision approved ...` after review\n";
  return approved ? 0 : 1;
}

} // namespace

void add_gate_command(CLI::App& app, CommandAction& action) {
  auto* gate = app.add_subcommand("gate", "CI gates: deploy (error budget) and readiness");
  set_example(gate, "nines gate deploy checkout-api --change-type fix   # exit 1 when blocked");
  gate->require_subcommand(1);

  struct DeployOpts {
    CommonOpts common;
    std::string service;
    std::string change_type = "feature";
    std::string format = "text";
  };
  auto d = std::make_shared<DeployOpts>();
  auto* deploy = gate->add_subcommand("deploy", "Apply the error budget policy to a deploy");
  deploy->add_option("service", d->service, "A service id")->required();
  deploy
      ->add_option("--change-type", d->change_type,
                   "feature (default), fix, security, compliance or data-loss-prevention")
      ->check(CLI::IsMember(change_types()));
  deploy->add_option("--format", d->format, "Output: text or github (workflow annotations)")
      ->check(CLI::IsMember({"text", "github"}));
  add_common_options(deploy, d->common);
  set_example(deploy, "nines gate deploy checkout-api --change-type security --format github");
  d->common.command = "gate";
  deploy->callback([d, &action] {
    action = [d] { return gate_deploy(d->common, d->service, d->change_type, d->format); };
  });

  struct ReadinessOpts {
    CommonOpts common;
    std::string service;
  };
  auto r = std::make_shared<ReadinessOpts>();
  auto* readiness = gate->add_subcommand("readiness", "Pass only when approved for production");
  readiness->add_option("service", r->service, "A service id")->required();
  add_common_options(readiness, r->common);
  set_example(readiness, "nines gate readiness checkout-api   # exit 0 only when approved");
  r->common.command = "gate";
  readiness->callback(
      [r, &action] { action = [r] { return gate_readiness(r->common, r->service); }; });
}

} // namespace nines
