// The pull-request summary of `nines check --since REV`. Both sides go through the same pipeline
// up to the figures: the working tree as it is, and REV's tree written from git's objects into a
// private temporary folder (nothing is checked out, the working tree is never touched). The
// summary is then a comparison of two runs, so it can never disagree with `check` or the site.
#include "cli/since.hpp"

#include "compute/readiness.hpp"
#include "diag/format.hpp"
#include "history/history.hpp"
#include "metrics/store.hpp"
#include "model/alerts.hpp"
#include "model/numbers.hpp"
#include "model/runbook_index.hpp"
#include "pipeline.hpp"
#include "render/api_json.hpp"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace nines {
namespace {

namespace fs = std::filesystem;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f');
}

// "commit abc1234 on 2026-09-01" at `at` (link/lints.cpp's change_text): its length, else 0.
std::size_t commit_text_at(std::string_view m, std::size_t at) {
  constexpr std::string_view k_commit = "commit ";
  if (m.substr(at, k_commit.size()) != k_commit) return 0;
  std::size_t i = at + k_commit.size();
  const std::size_t hex = i;
  while (i < m.size() && is_hex(m[i]))
    ++i;
  if (i - hex < 4 || m.substr(i, 4) != " on ") return 0;
  i += 4;
  // YYYY-MM-DD
  for (std::size_t k = 0; k < 10; ++k, ++i)
    if (i >= m.size() || ((k == 4 || k == 7) ? m[i] != '-' : !is_digit(m[i]))) return 0;
  return i - at;
}

// Where ":LINE:COLUMN" ends `m` (a position "FILE:3:5" at the end of a message), else npos.
std::size_t position_suffix(std::string_view m) {
  std::size_t i = m.size();
  for (int part = 0; part < 2; ++part) {
    const std::size_t end = i;
    while (i > 0 && is_digit(m[i - 1]))
      --i;
    if (i == end || i == 0 || m[i - 1] != ':') return std::string::npos;
    --i;
  }
  return i;
}

} // namespace

// A diagnostic without its position: lines move when a file is edited, so a finding is "the
// same" when its file, rule, severity and message are. Some messages also say where something
// else is, or where the file's last change came from; those parts move with edits of other lines
// or files, or change with every commit, while the finding stays, so the key leaves them out:
// - "(first defined at line 7)" (yaml-duplicate-key) and "(first at line 7)" (duplicate-member,
//   duplicate-period, a repeated rule group): the line;
// - duplicate-id "also defined at slos/a.yaml:3:5" (and "also listed at"): the line and column,
//   not the file;
// - "(commit abc1234 on 2026-09-01" and "(an uncommitted change" (field-out-of-date,
//   runbook-stale and the review lints): which change it was.
std::string since_key(const Diagnostic& d) {
  std::string m;
  const std::string_view msg = d.message;
  m.reserve(msg.size());
  for (std::size_t i = 0; i < msg.size();) {
    if (msg[i] == '(') {
      constexpr std::string_view k_uncommitted = "(an uncommitted change";
      const std::size_t n = commit_text_at(msg, i + 1);
      if (n > 0 || msg.substr(i, k_uncommitted.size()) == k_uncommitted) {
        m += "(a change";
        i += n > 0 ? n + 1 : k_uncommitted.size();
        continue;
      }
    }
    m += msg[i++];
  }
  // "(first defined at line 7)" (yaml-duplicate-key), "(first at line 7)" (duplicate-member,
  // duplicate-period, a repeated rule group), of any rule: the line of the first listing.
  for (std::string_view first : {"(first defined at line ", "(first at line "}) {
    for (std::size_t at = m.find(first); at != std::string::npos; at = m.find(first, at + 1)) {
      const std::size_t from = at + first.size();
      std::size_t to = from;
      while (to < m.size() && is_digit(m[to]))
        ++to;
      m.erase(from, to - from);
    }
  }
  std::string files = d.file;
  if (d.rule == "duplicate-id")
    for (std::string_view also : {"also defined at ", "also listed at "})
      if (const std::size_t said = m.rfind(also); said != std::string::npos) {
        if (const std::size_t at = position_suffix(m); at != std::string::npos && at > said) {
          // The pair of files is the finding, whichever of the two it is reported at (the one
          // that sorts second, which a move can change): both names, in order, and neither in
          // the message.
          const std::string other = m.substr(said + also.size(), at - said - also.size());
          m.erase(said + also.size());
          files = std::min(d.file, other) + "\x1f" + std::max(d.file, other);
        }
        break;
      }
  return files + "\x1f" + d.rule + "\x1f" + severity_name(d.severity) + "\x1f" + m;
}

// The message of a finding at REV with a moved file named as it is now ("also defined at
// slis/dup1.yaml:2:9" after `git mv slis/dup1.yaml slis/one.yaml`), so that its key is the key
// of the same finding now.
void rename_in_message(Diagnostic& d, const std::map<std::string, std::string>& moved) {
  if (d.rule != "duplicate-id") return;
  for (std::string_view also : {"also defined at ", "also listed at "}) {
    const std::size_t said = d.message.rfind(also);
    if (said == std::string::npos) continue;
    const std::size_t from = said + also.size();
    const std::size_t at = position_suffix(d.message);
    if (at == std::string::npos || at <= from) return;
    if (auto to = moved.find(d.message.substr(from, at - from)); to != moved.end())
      d.message.replace(from, at - from, to->second);
    return;
  }
}

// One Markdown code span holding `text` as it is (CommonMark 6.1): a fence of backticks longer
// than the longest run inside, and a space inside each end when the text starts or ends with a
// backtick (else it would join the fence) or starts and ends with a space (one of each is
// stripped). Control characters become spaces: a line break would end the list item, and the
// span shows a break as a space anyway.
std::string md_code(std::string_view text) {
  std::string t(text);
  for (char& c : t)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  std::size_t longest = 0;
  for (std::size_t i = 0, run = 0; i < t.size(); ++i) {
    run = t[i] == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool all_spaces = t.find_first_not_of(' ') == std::string::npos;
  const bool pad = !t.empty() && (t.front() == '`' || t.back() == '`' ||
                                  (t.front() == ' ' && t.back() == ' ' && !all_spaces));
  return fence + (pad ? " " : "") + t + (pad ? " " : "") + fence;
}

// `text` as literal Markdown inside a line: the characters with inline meaning (emphasis, code,
// links, images, autolinks and HTML, entities, strikethrough, math) are backslash-escaped, and
// control characters become spaces, so a name such as `*Ann* [x](y)` prints as written.
std::string md_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += ' ';
      continue;
    }
    if (std::string_view("\\`*_[]<>&~!$|").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

namespace {

std::string diag_text(const Diagnostic& d) {
  return d.file + ":" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + ": " +
         severity_name(d.severity) + ": " + d.message + " [" + d.rule + "]";
}

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

// A private temporary folder, removed with everything in it when the summary is done, and when
// the run is stopped (Ctrl-C, a cancelled CI job's SIGTERM): it holds the revision's documents
// and a copy of the store. The two signals are taken by one thread of their own with sigwait
// (blocked in every thread started after this), which removes the folder and ends the process
// as the signal would have.
struct TempDir {
  fs::path path;
  TempDir() {
    // Blocked before the folder exists, so no signal can come between its making and its guard.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigset_t before;
    pthread_sigmask(SIG_BLOCK, &stop, &before);
    std::string tmpl = (fs::temp_directory_path() / "nines-since-XXXXXX").string();
    if (char* p = mkdtemp(tmpl.data())) path = p;
    if (path.empty()) {
      pthread_sigmask(SIG_SETMASK, &before, nullptr);
      return;
    }
    std::thread([stop, folder = path] {
      int sig = 0;
      if (sigwait(&stop, &sig) != 0) return;
      std::error_code ec;
      fs::remove_all(folder, ec);
      std::_Exit(128 + sig);
    }).detach();
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

struct Side {
  Run run;
  int code = 0;
  bool figures = false; // reached compute without errors
};

void run_side(Side& side, const CommonOpts& common, const fs::path& dir, bool strict,
              bool fixed_root, std::function<fs::path(const fs::path& configured)> store) {
  side.run.opts.dir = dir;
  side.run.opts.fixed_root = fixed_root;
  // Every finding of each side, not the first 1,000 `check` prints: two capped sides keep
  // different subsets (moving files changes which come first), and the difference of those
  // would show untouched files' findings as new and moved ones' as fixed.
  side.run.diags.set_cap(static_cast<std::size_t>(-1));
  side.run.opts.store = std::move(store);
  side.run.opts.last = Stage::Compute;
  // Diagnostics as `check` finds them, whether the side reaches compute or stops on errors: the
  // summary's new and fixed findings are a difference of two `check` runs.
  side.run.opts.check_findings = true;
  side.run.opts.offline = true; // like check: no network
  side.run.opts.strict = strict;
  if (!common.now.empty()) side.run.opts.now = common.now;
  side.code = run_pipeline(side.run);
  side.figures = side.run.reached == Stage::Compute && !side.run.diags.has_errors() &&
                 side.run.fatal.empty() && side.run.internal_error.empty();
}

// A private copy of the store at `from` (when there is one) at `to`, for one side's run: the
// database file and its write-ahead log, where committed rows may still sit. The configured store
// is only read as files, never opened, locked or written; the copy is what the metrics stage
// opens, imports that side's CSV files into and reads the figures' data from. Throws StoreError
// (the run stops at the metrics stage) when a file is there but cannot be copied.
fs::path private_store(const fs::path& from, const fs::path& to) {
  for (const char* suffix : {"", "-wal"}) {
    fs::path src = from, dst = to;
    src += suffix;
    dst += suffix;
    std::error_code ec;
    if (from.empty() || !fs::exists(src, ec)) {
      if (ec) throw StoreError("cannot read '" + src.string() + "': " + ec.message());
      continue;
    }
    fs::copy_file(src, dst, fs::copy_options::overwrite_existing, ec);
    if (ec) throw StoreError("cannot copy '" + src.string() + "': " + ec.message());
  }
  return to;
}

// The run stopped at the metrics stage: offline, that is the private store (a corrupt store or
// one of a newer nines was copied, or the temporary folder is full). `check` never opens the
// store, so this is no failure of the check: only the figures cannot be compared. Returns what
// went wrong, with the configured store's path in place of the copy's, and clears it from the run.
std::string store_problem(Run& run, const fs::path& copy, const fs::path& configured) {
  if (run.fatal.empty() || run.reached != Stage::Metrics) return {};
  std::string why = std::exchange(run.fatal, {});
  if (!configured.empty())
    for (std::size_t at = 0; (at = why.find(copy.string(), at)) != std::string::npos;
         at += configured.string().size())
      why.replace(at, copy.string().size(), configured.string());
  return why;
}

// The exit code `check` gives for these diagnostics: the link stage's verdict.
int check_code(const Side& s, bool strict) {
  if (!s.run.internal_error.empty()) return 4;
  if (!s.run.usage_error.empty()) return 2;
  if (s.run.diags.has_errors()) return 1;
  if (strict && s.run.diags.warning_count() > 0) return 1;
  return 0;
}

struct AlertCoverage {
  std::string key, alert, owner, service; // owner: "SLO x" or the rules file
  bool covered = false;
};

// Every alert the repository pages with, and whether a runbook answers it: the SLOs' own
// burn-rate alerts, the Workbook defaults `nines rules` generates for an SLO without any, the
// alerts of its OpenSLO alert conditions, and the Prometheus rule files' alerts.
std::vector<AlertCoverage> alert_coverage(const Repo& repo) {
  const RunbookIndex runbooks(repo.runbooks);
  std::vector<AlertCoverage> out;
  for (const auto& slo : repo.slos) {
    auto add = [&](const std::string& name) {
      if (name.empty()) return;
      out.push_back({"slo\x1f" + slo.meta.id + "\x1f" + name, name, "SLO " + slo.meta.id,
                     slo.service.id, runbooks.covers(name, slo.service.id)});
    };
    const bool defaults = pages_with_workbook_alerts(repo, slo);
    for (const auto& a : defaults ? reachable_workbook_alerts(slo) : slo.alerts)
      add(a.name);
    if (slo_makes_rules(repo, slo))
      for (const auto& c : rule_conditions(slo))
        add(c.condition->name);
  }
  for (const auto& a : repo.prom_alerts) {
    if (a.name.empty()) continue;
    out.push_back({"rule\x1f" + a.file + "\x1f" + a.name, a.name, a.file, a.service,
                   runbook_url_is_runbook(repo, a) || runbooks.covers(a.name, a.service, true)});
  }
  return out;
}

struct Summary {
  std::vector<Diagnostic> new_diags, fixed_diags;
  OrderedJson slos_added = OrderedJson::array(), slos_removed = OrderedJson::array(),
              slos_changed = OrderedJson::array(), states = OrderedJson::array(),
              maturity = OrderedJson::array(), stale = OrderedJson::array(),
              lost = OrderedJson::array();
  std::vector<std::string> md_slos, md_states, md_maturity, md_stale, md_lost;
  bool figures_compared = true;
  std::string figures_note;
};

Summary compare(const Side& old_side, const Side& cur,
                const std::map<std::string, std::string>& moved) {
  Summary s;
  // Diagnostics: new and fixed, by their position-free key. Findings of one key are paired where
  // they stand at the same place first (a file that repeats a warning, one of them added: the one
  // added is the new one), then in order (lines moved by an edit above them). A finding of a file
  // moved since REV is keyed by the file's name now: moving a file fixes nothing and adds nothing.
  std::map<std::string, std::pair<std::vector<const Diagnostic*>, std::vector<const Diagnostic*>>>
      by_key;
  const std::vector<Diagnostic> old_sorted = old_side.run.diags.sorted();
  const std::vector<Diagnostic> cur_sorted = cur.run.diags.sorted();
  std::vector<Diagnostic> old_named_now = old_sorted;
  for (auto& d : old_named_now) {
    if (auto to = moved.find(d.file); to != moved.end()) d.file = to->second;
    rename_in_message(d, moved);
  }
  for (const auto& d : old_named_now)
    by_key[since_key(d)].first.push_back(&d);
  for (const auto& d : cur_sorted)
    by_key[since_key(d)].second.push_back(&d);
  std::set<const Diagnostic*> paired;
  for (auto& [key, sides] : by_key) {
    auto& [olds, curs] = sides;
    for (const Diagnostic* c : curs)
      for (const Diagnostic* o : olds)
        if (!paired.count(o) && o->file == c->file && o->loc.line == c->loc.line &&
            o->loc.col == c->loc.col) {
          paired.insert(o);
          paired.insert(c);
          break;
        }
    std::size_t o = 0;
    for (const Diagnostic* c : curs) {
      if (paired.count(c)) continue;
      while (o < olds.size() && paired.count(olds[o]))
        ++o;
      if (o == olds.size()) break;
      paired.insert(olds[o]);
      paired.insert(c);
    }
  }
  for (const auto& d : cur_sorted)
    if (!paired.count(&d)) s.new_diags.push_back(d);
  for (std::size_t i = 0; i < old_sorted.size(); ++i)
    if (!paired.count(&old_named_now[i])) s.fixed_diags.push_back(old_sorted[i]);

  // SLOs: added, removed, target or window changed (from the documents, so this works even when
  // one side has errors).
  std::map<std::string, const Slo*> olds, curs;
  for (const auto& x : old_side.run.repo.slos)
    olds[x.meta.id] = &x;
  for (const auto& x : cur.run.repo.slos)
    curs[x.meta.id] = &x;
  for (const auto& [id, slo] : curs) {
    auto it = olds.find(id);
    if (it == olds.end()) {
      s.slos_added.push_back({{"id", id},
                              {"service", slo->service.id},
                              {"target", slo->target},
                              {"window_days", slo->window_days}});
      s.md_slos.push_back("added " + md_code(id) + " (" + num(slo->target) + "% over " +
                          num(slo->window_days) + "d)");
      continue;
    }
    const Slo* o = it->second;
    if (o->target == slo->target && o->window_days == slo->window_days) continue;
    OrderedJson j = {{"id", id}};
    std::string md = "changed " + md_code(id) + ":";
    if (o->target != slo->target) {
      j["target"] = {{"from", o->target}, {"to", slo->target}};
      md += " target " + num(o->target) + "% → " + num(slo->target) + "%";
    }
    if (o->window_days != slo->window_days) {
      j["window_days"] = {{"from", o->window_days}, {"to", slo->window_days}};
      md += std::string(o->target != slo->target ? "," : "") + " window " + num(o->window_days) +
            "d → " + num(slo->window_days) + "d";
    }
    s.slos_changed.push_back(j);
    s.md_slos.push_back(md);
  }
  for (const auto& [id, slo] : olds)
    if (!curs.count(id)) {
      s.slos_removed.push_back({{"id", id}, {"service", slo->service.id}});
      s.md_slos.push_back("removed " + md_code(id));
    }

  // Alerts that lost their runbook: covered at REV, present and uncovered now.
  std::map<std::string, AlertCoverage> old_cov;
  for (auto& c : alert_coverage(old_side.run.repo))
    old_cov[c.key] = c;
  for (const auto& c : alert_coverage(cur.run.repo)) {
    auto it = old_cov.find(c.key);
    if (it == old_cov.end() || !it->second.covered || c.covered) continue;
    s.lost.push_back({{"alert", c.alert}, {"of", c.owner}, {"service", c.service}});
    s.md_lost.push_back(md_code(c.alert) + " of " + md_text(c.owner));
  }

  // The figures, when both sides have them.
  if (!old_side.figures || !cur.figures) {
    s.figures_compared = false;
    s.figures_note = std::string("figures not compared: ") +
                     (!cur.figures ? "the change has errors" : "the revision has errors");
    return s;
  }
  std::map<std::string, const SloFigures*> old_f;
  for (const auto& f : old_side.run.figures.slos)
    old_f[f.id] = &f;
  for (const auto& f : cur.run.figures.slos) {
    auto it = old_f.find(f.id);
    if (it == old_f.end() || it->second->state.level == f.state.level) continue;
    s.states.push_back({{"slo", f.id}, {"from", it->second->state.name()}, {"to", f.state.name()}});
    s.md_states.push_back(md_code(f.id) + ": " + it->second->state.name() + " → " + f.state.name());
  }
  std::map<std::string, const ServiceMaturity*> old_m;
  for (const auto& m : old_side.run.figures.maturity.services)
    old_m[m.service] = &m;
  for (const auto& m : cur.run.figures.maturity.services) {
    auto it = old_m.find(m.service);
    if (it == old_m.end()) continue;
    for (std::size_t i = 0; i < m.dimensions.size() && i < it->second->dimensions.size(); ++i) {
      const auto& a = it->second->dimensions[i];
      const auto& b = m.dimensions[i];
      if (a.effective == b.effective) continue;
      s.maturity.push_back({{"service", m.service},
                            {"dimension", b.dimension},
                            {"from", a.effective},
                            {"to", b.effective}});
      s.md_maturity.push_back(md_code(m.service) + " " + b.dimension + ": " +
                              std::to_string(a.effective) + " → " + std::to_string(b.effective));
    }
    // The service's level as a whole: its total of 40 and the seed's band.
    const ServiceMaturity& was = *it->second;
    if (was.total != m.total || was.band != m.band) {
      s.maturity.push_back({{"service", m.service},
                            {"dimension", "total"},
                            {"from", was.total},
                            {"to", m.total},
                            {"from_band", was.band},
                            {"to_band", m.band}});
      s.md_maturity.push_back(md_code(m.service) + " total: " + std::to_string(was.total) + "/40 " +
                              was.band + " → " + std::to_string(m.total) + "/40 " + m.band);
    }
  }
  // Each team's, and the organisation's, level: the mean total of its services (one decimal, as
  // `nines score` shows it) and its band, when either moved. A group scored on neither side, or
  // on one only (a team with no services yet), has no level that moved.
  auto group_moved = [&](const GroupMaturity& was, const GroupMaturity& now) {
    if (!was.scored || !now.scored) return;
    const std::string from = fixed_text(was.total, 1), to = fixed_text(now.total, 1);
    if (from == to && was.band == now.band) return;
    s.maturity.push_back({{"team", now.id},
                          {"dimension", "total"},
                          {"from", rounded_figure(was.total)},
                          {"to", rounded_figure(now.total)},
                          {"from_band", was.band},
                          {"to_band", now.band}});
    s.md_maturity.push_back(
        (now.id == "org" ? std::string("organisation") : "team " + md_code(now.id)) +
        " total: " + from + "/40 " + was.band + " → " + to + "/40 " + now.band);
  };
  std::map<std::string, const GroupMaturity*> old_t;
  for (const auto& t : old_side.run.figures.maturity.teams)
    old_t[t.id] = &t;
  for (const auto& t : cur.run.figures.maturity.teams)
    if (auto it = old_t.find(t.id); it != old_t.end()) group_moved(*it->second, t);
  group_moved(old_side.run.figures.maturity.org, cur.run.figures.maturity.org);
  std::map<std::string, const ReadinessFigures*> old_r;
  for (const auto& r : old_side.run.figures.readiness)
    old_r[r.service] = &r;
  for (const auto& r : cur.run.figures.readiness) {
    auto it = old_r.find(r.service);
    if (it == old_r.end()) continue;
    // Each sign-off now is matched to its record at REV: by the reviewer (any case), the date
    // and the digest, else, for a record the pull request edited (its date or digest), to a
    // record of the same reviewer at REV that has no such match now, in order. Only one that was
    // current at REV and is stale now was made stale here: one already stale at REV was not. One
    // whose reviewer signed again, and is current now, lost nothing.
    const ReadinessFigures& was = *it->second;
    auto key = [](const SignoffFigure& x) {
      return reviewer_key(x.name) + '\n' + x.date + '\n' + x.digest;
    };
    std::map<std::string, std::vector<std::size_t>> old_by_key;
    for (std::size_t i = 0; i < was.signoffs.size(); ++i)
      old_by_key[key(was.signoffs[i])].push_back(i);
    std::vector<const SignoffFigure*> match(r.signoffs.size(), nullptr);
    std::vector<bool> taken(was.signoffs.size(), false);
    for (std::size_t i = 0; i < r.signoffs.size(); ++i) {
      auto& left = old_by_key[key(r.signoffs[i])];
      if (left.empty()) continue;
      match[i] = &was.signoffs[left.front()];
      taken[left.front()] = true;
      left.erase(left.begin());
    }
    std::map<std::string, std::vector<std::size_t>> edited; // reviewer → REV's unmatched records
    for (std::size_t i = 0; i < was.signoffs.size(); ++i)
      if (!taken[i]) edited[reviewer_key(was.signoffs[i].name)].push_back(i);
    for (std::size_t i = 0; i < r.signoffs.size(); ++i) {
      if (match[i]) continue;
      auto& left = edited[reviewer_key(r.signoffs[i].name)];
      if (left.empty()) continue;
      match[i] = &was.signoffs[left.front()];
      left.erase(left.begin());
    }
    auto current_by = [](const ReadinessFigures& f, const std::string& name) {
      return std::any_of(f.signoffs.begin(), f.signoffs.end(), [&](const auto& x) {
        return !x.stale && reviewer_key(x.name) == reviewer_key(name);
      });
    };
    for (std::size_t i = 0; i < r.signoffs.size(); ++i) {
      const SignoffFigure& so = r.signoffs[i];
      if (!so.stale || !match[i] || match[i]->stale || current_by(r, so.name)) continue;
      s.stale.push_back({{"service", r.service},
                         {"name", so.name},
                         {"role", so.role},
                         {"date", so.date},
                         {"decision", so.decision}});
      s.md_stale.push_back(md_code(r.service) + ": " + md_text(so.name) + " (" + md_text(so.role) +
                           ", " + md_text(so.date) + ", " + md_text(so.decision) + ")");
    }
  }
  return s;
}

void md_section(std::ostream& out, const std::string& title, const std::vector<std::string>& items,
                const std::string& note = "") {
  out << "\n### " << title << "\n\n";
  if (!note.empty()) {
    out << "_" << note << "_\n";
    return;
  }
  if (items.empty()) out << "none\n";
  // As `check` prints them: the first 1,000, and how many more there are.
  const std::size_t shown = std::min(items.size(), DiagBag::k_default_cap);
  for (std::size_t i = 0; i < shown; ++i)
    out << "- " << items[i] << "\n";
  if (items.size() > shown) out << "- … and " << items.size() - shown << " more not shown\n";
}

void print_markdown(std::ostream& out, const std::string& rev, const std::string& commit,
                    const Summary& s, const Side& cur) {
  out << "## nines: changes since " << md_code(rev) << " (" << commit.substr(0, 7) << ")\n\n";
  out << plural(static_cast<long long>(cur.run.diags.error_count()), "error") << ", "
      << plural(static_cast<long long>(cur.run.diags.warning_count()), "warning") << "; "
      << s.new_diags.size() << " new, " << s.fixed_diags.size() << " fixed\n";
  std::vector<std::string> n, f;
  for (const auto& d : s.new_diags)
    n.push_back(md_code(diag_text(d)));
  for (const auto& d : s.fixed_diags)
    f.push_back(md_code(diag_text(d)));
  md_section(out, "New diagnostics", n);
  md_section(out, "Fixed diagnostics", f);
  md_section(out, "SLOs", s.md_slos);
  const std::string note = s.figures_compared ? "" : s.figures_note;
  md_section(out, "Error budget states", s.md_states, note);
  md_section(out, "Maturity", s.md_maturity, note);
  md_section(out, "Readiness sign-offs made stale", s.md_stale, note);
  md_section(out, "Alerts that lost their runbook", s.md_lost);
}

OrderedJson diags_json(const std::vector<Diagnostic>& ds) {
  OrderedJson a = OrderedJson::array();
  for (const auto& d : ds)
    a.push_back(diagnostic_json(d));
  return a;
}

} // namespace

int run_check_since(const CommonOpts& common, const std::string& rev, const std::string& format,
                    bool strict) {
  if (format != "text" && format != "json") {
    std::cerr << "nines: check --since prints Markdown (the default) or --format json, not "
              << format << "\n";
    return 2;
  }
  // REV is printed back in the summary (JSON and Markdown are UTF-8), as `signoff --name` is
  // written into a document: the same check, a usage error before anything is read.
  if (const std::string why = unusable_text(rev); !why.empty()) {
    std::cerr << "nines: --since " << why << "\n";
    return 2;
  }
  // The repository and REV's files first, before anything is written: no repository, no git
  // repository or a revision that does not exist is exit 2 with nothing created.
  Side cur;
  cur.run.opts.dir = common.dir;
  if (!resolve_repo(cur.run)) {
    print_run_problems(cur.run);
    return exit_code(cur.run);
  }
  std::error_code ec;
  const std::string root = fs::absolute(cur.run.opts.dir, ec).lexically_normal().string();
  TreeFiles tree = read_tree_at(root, rev);
  if (!tree.error.empty()) {
    std::cerr << "nines: check --since: " << tree.error << "\n";
    return tree.unreachable ? 3 : 2;
  }
  // Everything either side writes goes in here: REV's files and both sides' stores.
  TempDir tmp;
  if (tmp.path.empty()) {
    std::cerr << "nines: check --since: cannot create a temporary folder\n";
    return 3;
  }
  // Both sides read the same recorded and pulled data: each a copy of the configured store (as
  // the current side's nines.yaml names it), so budget states differ only where the documents or
  // the CSV files do. The current side runs before REV's files are written, so a temporary
  // folder inside the repository holds nothing its load could read.
  fs::path configured;
  const fs::path cur_store = tmp.path / "current.db";
  const fs::path old_store = tmp.path / "revision.db";
  run_side(cur, common, cur.run.opts.dir, strict, false, [&](const fs::path& path) {
    configured = path;
    return private_store(path, cur_store);
  });
  std::string store_error = store_problem(cur.run, cur_store, configured);
  if (common.timings) {
    std::cerr << "the working tree:\n";
    print_timings(cur.run, std::cerr);
  }
  if (print_run_problems(cur.run)) return cur.code;

  Side old_side;
  if (!tree.files.count("nines.yaml")) {
    // REV held no nines repository (the content folder did not exist yet, or nines came later):
    // an empty one, with no documents and no findings, so everything now is added.
    old_side.figures = true;
  } else {
    const fs::path rev_root = tmp.path / "revision";
    for (const auto& [rel, bytes] : tree.files) {
      fs::path p = rev_root / fs::path(rel);
      fs::create_directories(p.parent_path(), ec);
      std::ofstream(p, std::ios::binary) << bytes;
    }
    // Links after the files, so none is in the way of a write. The load reads them as on a
    // checkout: one inside the tree is followed, one leading outside is refused.
    for (const auto& [rel, target] : tree.links) {
      fs::path p = rev_root / fs::path(rel);
      fs::create_directories(p.parent_path(), ec);
      fs::create_symlink(target, p, ec);
    }
    // REV's files are as git had them: their history is the history as of REV.
    old_side.run.history = read_history(root, cur.run.now, rev);
    // Both sides are dated by the same now, so ages differ only where the documents do.
    CommonOpts dated = common;
    dated.now = std::to_string(cur.run.now);
    // REV's root is its folder, never a parent's nines.yaml; its store is a copy of the same
    // configured store, whatever REV's own nines.yaml names.
    run_side(old_side, dated, rev_root, strict, true,
             [&](const fs::path&) { return private_store(configured, old_store); });
    if (common.timings) {
      std::cerr << "revision " << rev << " (" << tree.commit.substr(0, 7) << "):\n";
      print_timings(old_side.run, std::cerr);
    }
    if (!old_side.run.internal_error.empty()) {
      std::cerr << "nines: internal error at " << rev << ": " << old_side.run.internal_error
                << "\n";
      return 4;
    }
    if (store_error.empty()) store_error = store_problem(old_side.run, old_store, configured);
  }

  Summary s = compare(old_side, cur, tree.moved);
  if (!store_error.empty()) {
    std::cerr << "nines: check --since: the figures are not compared: " << store_error << "\n";
    s.figures_compared = false;
    s.figures_note = "figures not compared: the metrics store cannot be read";
  }
  const int code = check_code(cur, strict);
  if (format == "json") {
    OrderedJson j;
    j["since"] = rev;
    j["commit"] = tree.commit;
    j["errors"] = cur.run.diags.error_count();
    j["warnings"] = cur.run.diags.warning_count();
    j["diagnostics"] = {{"new", diags_json(s.new_diags)}, {"fixed", diags_json(s.fixed_diags)}};
    j["slos"] = {{"added", s.slos_added}, {"removed", s.slos_removed}, {"changed", s.slos_changed}};
    j["figures_compared"] = s.figures_compared;
    j["budget_states"] = s.states;
    j["maturity"] = s.maturity;
    j["stale_signoffs"] = s.stale;
    j["alerts_without_runbook"] = s.lost;
    j["exit"] = code;
    std::cout << api_file_text(std::move(j), 2);
  } else {
    print_markdown(std::cout, rev, tree.commit, s, cur);
  }
  return code;
}

} // namespace nines
