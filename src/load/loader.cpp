#include "load/loader.hpp"

#include "diag/utf8.hpp"
#include "model/alerts.hpp"
#include "model/kinds.hpp"
#include "model/parallel.hpp"
#include "model/site_folders.hpp"
#include "model/slug.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <system_error>
#include <thread>
#include <time.h>
#include <tuple>
#include <unistd.h>
#include <unordered_map>

namespace nines {
namespace fs = std::filesystem;

namespace {

// The whole file in one buffer, read straight into it: a stream and a string stream in between
// copied every file twice. `expected` is its size when known: the buffer is then one byte
// larger, so the read that finds the end needs no second buffer (growing one zero-fills it).
// With `stop_at_expected`, a read that reached that size ends there, without the read that would
// find the end: for a caller whose result stands for the file as a stat saw it.
bool read_file(const fs::path& p, std::string& out, std::size_t expected = 0,
               bool stop_at_expected = false) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out.clear();
  out.resize(expected > 0 ? expected + 1 : 16384);
  std::size_t used = 0;
  for (;;) {
    if (stop_at_expected && expected > 0 && used == expected) break;
    if (used == out.size()) out.resize(std::max<std::size_t>(out.size() * 2, 16384));
    const ssize_t got = ::read(fd, out.data() + used, out.size() - used);
    if (got < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return false;
    }
    if (got == 0) break;
    used += static_cast<std::size_t>(got);
  }
  ::close(fd);
  out.resize(used);
  return true;
}

std::string_view trim_view(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  return s;
}

// What kind of thing is at `p` when it is not a regular file, for messages.
std::string what_is(const fs::file_status& st) {
  switch (st.type()) {
  case fs::file_type::directory:
    return "a folder";
  case fs::file_type::fifo:
    return "a named pipe (FIFO)";
  case fs::file_type::socket:
    return "a socket";
  case fs::file_type::block:
  case fs::file_type::character:
    return "a device";
  default:
    return "not a regular file";
  }
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// What classify made of one top-level YAML document.
enum class Verdict {
  Empty,    // nothing in it (a trailing "---")
  Accepted, // handed on as a document (or as several, for an OpenSLO list)
  Foreign,  // neither a nines kind nor a known dialect: left alone
  Error,    // reported
};

// Whether a Backstage document's identity is still a Scaffolder template expression: its name,
// owner, system or type, which a skeleton fills in from the template's values. `${{ … }}` for
// Backstage's own templates; the unquoted `{{ … }}` of a `fetch:cookiecutter` skeleton (or a
// Jinja or Helm one) reads as a mapping whose key is a mapping, which the reader set aside.
bool is_scaffolder_skeleton(const Node& root) {
  auto templated = [](const Node* n, const char* key) {
    const Node* v = n ? n->get(key) : nullptr;
    return v && ((v->is_scalar() && v->value.find("${{") != std::string::npos) ||
                 (v->is_map() && v->complex_key));
  };
  const Node* md = root.get("metadata");
  const Node* spec = root.get("spec");
  return templated(md, "name") || templated(spec, "owner") || templated(spec, "system") ||
         templated(spec, "type");
}

// Whether an object's `apiVersion` is in the group of a dialect nines reads (any version).
bool names_dialect_group(const Node& root) {
  const Node* api = root.get("apiVersion");
  if (!api || !api->is_scalar()) return false;
  for (std::string_view group : {"openslo/", "openslo.com/", "backstage.io/", "sloth.slok.dev/",
                                 "pyrra.dev/", "monitoring.coreos.com/"})
    if (api->value.rfind(group, 0) == 0) return true;
  return false;
}

// The dialect an `apiVersion` names, "" for none; an OpenSLO version other than v1 is reported.
std::string dialect_of(const Node& root, const std::string& rel, DiagBag& diags) {
  const Node* api = root.get("apiVersion");
  if (!api || !api->is_scalar()) return "";
  const std::string& v = api->value;
  if (v == "openslo/v1") return "openslo";
  // OpenSLO's later drafts name their group `openslo.com` (`openslo.com/v2alpha`).
  if (v.rfind("openslo/", 0) == 0 || v.rfind("openslo.com/", 0) == 0) {
    diags.error(rel, api->loc, "dialect-version",
                "unsupported OpenSLO version '" + v + "'; nines reads openslo/v1",
                "write the document in OpenSLO v1 (apiVersion: openslo/v1)");
    return "unsupported";
  }
  const Node* kind = root.get("kind");
  const std::string k = kind && kind->is_scalar() ? kind->value : "";
  if (v.rfind("backstage.io/", 0) == 0) {
    // A kind nines does not read and no typo of one (Environment, a plugin's AiResource) is left
    // alone like any foreign document; a typo goes on to the decoder's did-you-mean error.
    if (!k.empty() && backstage_kind_meant(k).empty()) return "";
    // A Scaffolder template's skeleton (`name: ${{ values.name }}`) becomes an entity only once
    // the template has filled it in, in another repository: Backstage never reads it as one, and
    // every repository made with Backstage's create-app holds one. Left alone likewise.
    if (is_scaffolder_skeleton(root)) return "";
    return "backstage";
  }
  // Sloth's and Pyrra's groups name only those tools: a version nines does not read, or a kind
  // close to theirs, is an error at its line, never a file skipped with its SLOs.
  for (const auto& [group, version, wanted, tool] :
       {std::tuple<std::string_view, std::string_view, std::string_view, const char*>{
            "sloth.slok.dev/", "sloth.slok.dev/v1", "PrometheusServiceLevel", "sloth"},
        {"pyrra.dev/", "pyrra.dev/v1alpha1", "ServiceLevelObjective", "pyrra"}}) {
    if (v.rfind(group, 0) != 0) continue;
    const std::string name = tool == std::string_view("sloth") ? "Sloth" : "Pyrra";
    if (v != version) {
      diags.error(rel, api->loc, "dialect-version",
                  "unsupported " + name + " version '" + v + "'; nines reads " +
                      std::string(version),
                  "write apiVersion: " + std::string(version));
      return "unsupported";
    }
    if (k == wanted) return tool;
    if (kind && !k.empty() && edit_distance(k, wanted) <= 3) {
      diags.error(rel, kind->loc, "unknown-kind",
                  "unknown " + name + " kind '" + k + "'" + did_you_mean(k, {std::string(wanted)}),
                  "nines reads " + name + "'s " + std::string(wanted));
      return "unsupported";
    }
    return "";
  }
  return "";
}

// The kind `key` reads as a misspelling of, or "": case aside (`SLO:` is the kind misspelt), within
// edit distance 1 of it for a key of 4 characters, 2 for a longer one, and none for a key of 3
// (only the kind in other case: `seo:`, `sla:` are other tools' keys). Two edits turn
// any short key into `sli` or `slo`, so a key of one or two characters is never a typo: a locale
// file's `pl:`, a config file's `api:` or `ci:` are other tools' keys.
std::string kind_misspelt_as(std::string_view key) {
  if (key.size() <= 2) return {};
  std::string lower(key);
  for (auto& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Three characters are no typo (jekyll-seo-tag's `seo:`, an `sla:` settings file) but a kind in
  // capitals (`SLO:`) is still that kind.
  const std::size_t limit = key.size() <= 3 ? 0 : key.size() <= 4 ? 1 : 2;
  std::string best;
  std::size_t best_d = limit + 1;
  for (const auto& k : kind_names())
    if (const std::size_t d = edit_distance(lower, k); d < best_d) {
      best_d = d;
      best = k;
    }
  return best;
}

// The kind a key names in the words people use for it, or "": the names `nines new` takes for a
// kind (`toil`, `capacity`, `rotation`, `policy`, `readiness`, `incident`), the obvious other
// forms of one (`oncall`, `budget_policy`, `error_budget`, `report`, `chaos_experiment`,
// `maturity_assessment`), case, `-`, `_` and spaces aside (`on-call`, `On Call`), and with
// `plurals` their plurals and a kind's (`error_budget_policies`), for classify, which reads what
// is under the key before it calls it a typo. None is within kind_misspelt_as's distance of its
// kind, and a document under one would be skipped as another tool's without a word.
std::string kind_short_form(std::string_view key, bool plurals = false) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 17> k_short = {{
      {"toil", "toil_item"},
      {"capacity", "capacity_model"},
      {"rotation", "oncall_rotation"},
      {"oncall", "oncall_rotation"},
      {"policy", "error_budget_policy"},
      {"budgetpolicy", "error_budget_policy"},
      {"errorbudget", "error_budget_policy"},
      {"readiness", "readiness_review"},
      {"incident", "postmortem"},
      {"report", "monthly_report"},
      {"chaos", "experiment"},
      {"chaosexperiment", "experiment"},
      {"maturity", "assessment"},
      {"maturityassessment", "assessment"},
      {"remediation", "auto_remediation"},
      {"autoremediation", "auto_remediation"},
      {"toilitem", "toil_item"},
  }};
  // The key as one word: lower case with no separators, so `on_call`, `On-Call` and `oncall` meet.
  std::string word;
  for (const char c : key)
    if (c != '_' && c != '-' && c != ' ')
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto lookup = [](std::string_view w) -> std::string {
    for (const auto& [form, kind] : k_short)
      if (w == form) return std::string(kind);
    for (const auto& kind : kind_names()) {
      std::string joined;
      for (const char c : kind)
        if (c != '_') joined += c;
      if (w == joined) return kind;
    }
    return {};
  };
  // A word that is a kind as written (`service`, `SLO`) is kind_misspelt_as's, and so is its
  // plural (`services`), which knows a docker-compose `services:` from a misspelt service.
  const auto other_form = [&](const std::string& w) {
    std::string k = lookup(w);
    return k == w ? std::string() : k;
  };
  if (word.size() <= 3) return {};
  if (std::string k = other_form(word); !k.empty() || lookup(word) == word || !plurals) return k;
  if (word.ends_with("ies")) return other_form(word.substr(0, word.size() - 3) + "y");
  if (word.ends_with("s")) return other_form(word.substr(0, word.size() - 1));
  return {};
}

// The kind a key reads as a misspelling of (`servce:`) with a nines document's shape under it: a
// mapping, or nothing yet; "" for none. A docker-compose `services:` holds a mapping of mappings,
// and a Docusaurus `slug:` a string, so those are not typos of `service` or `slo`.
std::string misspelt_kind(const Entry& e) {
  if (!e.value.is_map() && !e.value.is_null()) return {};
  const std::string k = kind_misspelt_as(e.key);
  if (k.empty()) return {};
  if (e.key == k + "s" && e.value.is_map() && !e.value.entries.empty()) {
    bool all_maps = true;
    for (const auto& c : e.value.entries)
      all_maps = all_maps && (c.value.is_map() || c.value.is_null());
    if (all_maps) return {};
  }
  return k;
}

// The kind a top-level key that names none means, "": a misspelt kind (misspelt_kind), or one of
// its short forms (kind_short_form) with a mapping under it.
std::string kind_meant(const Entry& e) {
  if (std::string k = misspelt_kind(e); !k.empty()) return k;
  return e.value.is_map() ? kind_short_form(e.key, true) : std::string();
}

// How front_matter_kind_key reads the lines under a Markdown file's opening `---`.
enum class FrontMatterKeys {
  // split_front_matter found no closing `---`: the first key decides, for the lines below it may
  // be the Markdown body (plain Markdown under a `---` rule).
  First,
  // The front matter, up to its closing line, did not parse as YAML: any key at column 1 decides,
  // and so does what marks a dialect's document, as classify reads one.
  Any,
};

// Whether a key at column 1 of a front matter that does not parse marks a dialect's document as
// classify would read it: an `apiVersion` of a dialect's group (dialect_of, and the
// PrometheusRule objects), a Sloth spec's `version: prometheus/…`, a rule file's `groups`. The
// value is read as written on the key's line, its quotes aside.
bool marks_dialect(std::string_view key, std::string_view value) {
  if (key == "groups") return true;
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  if (!value.empty() && (value.front() == '"' || value.front() == '\'')) value.remove_prefix(1);
  if (key == "version") return value.starts_with("prometheus/");
  if (key != "apiVersion") return false;
  constexpr std::array<std::string_view, 6> k_groups = {"openslo/",      "openslo.com/",
                                                        "backstage.io/", "sloth.slok.dev/",
                                                        "pyrra.dev/",    "monitoring.coreos.com/"};
  return std::any_of(k_groups.begin(), k_groups.end(),
                     [&](std::string_view g) { return value.starts_with(g); });
}

// The key under the line `---` at `pos` (the first line, or the first below blank lines) that
// makes a Markdown file's front matter a document nines reads, though it cannot be read as one:
// a nines kind, a key that reads as a misspelt one, or (FrontMatterKeys::Any) a dialect's mark;
// "" when the file does not look like a document at all (a `---` rule at the top of plain
// Markdown, a site generator's template). `x-` keys may come before the kind, so they and what
// is indented under them are passed over. With FrontMatterKeys::First only the first other key
// is looked at (split_front_matter found no front matter, and what follows may be prose); with
// FrontMatterKeys::Any every key at column 1 up to the closing `---` or `...` is, and a near miss
// of a kind counts only with nothing after its colon (a mapping below, or null), as classify's
// misspelt_kind has it: a page's `slug: /x` is no misspelt `slo`.
// The key at column 1 of the lines from `pos` on that makes them a document nines reads (above):
// front_matter_kind_key's scan, and a YAML file's that does not parse. `rules_end` says whether a
// `---` or `...` line ends the lines (a front matter's close) or only separates documents.
std::string kind_key_at_column_one(const std::string& text, std::size_t pos, FrontMatterKeys scan,
                                   bool rules_end);

std::string front_matter_kind_key(const std::string& text, std::size_t pos, FrontMatterKeys scan) {
  std::size_t nl = text.find('\n', pos);
  if (nl == std::string::npos) return {};
  std::string_view first(text.data() + pos, nl - pos);
  while (!first.empty() && (first.back() == '\r' || first.back() == ' '))
    first.remove_suffix(1);
  if (first != "---") return {};
  return kind_key_at_column_one(text, nl + 1, scan, true);
}

// Whether the first line below the line that ends at `nl` (blank lines and comments aside) is an
// indented key with nothing after its colon: the start of a mapping of mappings, as under a
// docker-compose `services:` (`  app:` over its `image:`), which is no misspelt `service:` (that
// has its fields, with values, below it). misspelt_kind tells the same from a parsed tree.
bool opens_mapping_of_mappings(const std::string& text, std::size_t nl) {
  for (std::size_t pos = nl + 1; pos < text.size();) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
      line.remove_suffix(1);
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    if (first == 0 || line[first] == '-') return false;
    const std::size_t colon = line.find(':', first);
    if (colon == std::string_view::npos) return false;
    const std::size_t after = line.find_first_not_of(" \t", colon + 1);
    return after == std::string_view::npos || line[after] == '#';
  }
  return false;
}

std::string kind_key_at_column_one(const std::string& text, std::size_t pos, FrontMatterKeys scan,
                                   bool rules_end) {
  const bool any = scan == FrontMatterKeys::Any;
  bool in_extension = false; // the lines under an `x-` key are its value
  for (std::size_t nl = 0; pos < text.size(); pos = nl + 1) {
    nl = std::min(text.find('\n', pos), text.size());
    std::string_view line(text.data() + pos, nl - pos);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
      line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    if (any && (line == "---" || line == "...")) {
      if (rules_end) return {};
      in_extension = false;
      continue;
    }
    const bool indented = line.front() == ' ' || line.front() == '\t' || line.front() == '-';
    if (indented && (in_extension || any)) continue;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      // A kind's name alone on its line (`service` that lost its colon, with its fields indented
      // below) is a nines document whose kind line is broken.
      const auto& kinds = kind_names();
      if (any && std::find(kinds.begin(), kinds.end(), line) != kinds.end())
        return std::string(line);
      if (any) continue;
      return {};
    }
    const std::string key(line.substr(0, colon));
    in_extension = is_extension_key(key);
    if (in_extension) continue;
    const auto& kinds = kind_names();
    if (std::find(kinds.begin(), kinds.end(), key) != kinds.end()) return key;
    const std::string_view value = line.substr(colon + 1);
    const bool nothing_after = value.find_first_not_of(" \t") == std::string_view::npos ||
                               value[value.find_first_not_of(" \t")] == '#';
    if (const std::string k = kind_misspelt_as(key);
        !k.empty() && (!any || nothing_after) &&
        !(nothing_after && key == k + "s" && opens_mapping_of_mappings(text, nl)))
      return key;
    if (any && nothing_after && !kind_short_form(key).empty()) return key;
    if (!any) return {};
    if (marks_dialect(key, value)) return key;
  }
  return {};
}

// Where TOML front matter (Hugo's `+++` … `+++` from the first line at `pos`) names a nines kind
// at its top level, as a table (`[runbook]`, `[runbook.escalation]`) or a key (`runbook.title =
// …`, `runbook = {…}`), with the kind; {} for none. nines reads YAML front matter only: without
// this such a runbook would be skipped as another tool's Markdown without a word. Keys under a
// table of another name (`[params]`) are that table's; lines inside a multi-line string are text.
std::optional<std::pair<Loc, std::string>> toml_front_matter_kind(const std::string& text,
                                                                  std::size_t pos) {
  auto line_at = [&](std::size_t from, std::size_t& nl) {
    nl = std::min(text.find('\n', from), text.size());
    std::string_view line(text.data() + from, nl - from);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    return line;
  };
  std::size_t nl = 0;
  if (line_at(pos, nl) != "+++") return std::nullopt;
  const auto& kinds = kind_names();
  // The first part of a dotted key (`runbook` of `"runbook".title`), its quotes aside.
  auto names_kind = [&](std::string_view key) {
    key = trim_view(key.substr(0, key.find('.')));
    if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'') && key.back() == key.front())
      key = key.substr(1, key.size() - 2);
    return std::find(kinds.begin(), kinds.end(), key) != kinds.end() ? std::string(key)
                                                                     : std::string();
  };
  bool in_table = false;  // keys below a table header of another name are that table's
  bool in_string = false; // inside a `"""` or `'''` string
  int line_no = 1;
  for (pos = nl + 1; pos < text.size(); pos = nl + 1) {
    ++line_no;
    const std::string_view raw = line_at(pos, nl);
    const std::size_t indent = raw.find_first_not_of(" \t");
    if (indent == std::string_view::npos) continue;
    const std::string_view line = raw.substr(indent);
    const std::size_t quotes = [&] {
      std::size_t n = 0;
      for (const std::string_view q : {"\"\"\"", "'''"})
        for (std::size_t at = line.find(q); at != std::string_view::npos; at = line.find(q, at + 3))
          ++n;
      return n;
    }();
    const bool was_in_string = in_string;
    if (quotes % 2 == 1) in_string = !in_string;
    if (was_in_string || line.front() == '#') continue;
    if (line == "+++") return std::nullopt;
    const Loc at{line_no, static_cast<int>(indent) + 1};
    if (line.front() == '[') {
      std::string_view name = line.substr(line.starts_with("[[") ? 2 : 1);
      name = name.substr(0, name.find(']'));
      if (std::string kind = names_kind(name); !kind.empty())
        return std::make_pair(at, std::move(kind));
      in_table = true;
      continue;
    }
    const std::size_t eq = line.find('=');
    if (in_table || eq == std::string_view::npos) continue;
    // A kind's fields: a dotted key or an inline table. `service = "checkout"` is a page's own
    // parameter, as `service: checkout` is in YAML front matter.
    const std::string_view key = line.substr(0, eq);
    const bool fields =
        key.find('.') != std::string_view::npos || trim_view(line.substr(eq + 1)).starts_with('{');
    if (std::string kind = names_kind(key); fields && !kind.empty())
      return std::make_pair(at, std::move(kind));
  }
  return std::nullopt;
}

// Whether every group of a non-empty `groups` list has the shape of a Prometheus rule group: a
// mapping with a `name` and only the keys Prometheus reads in a group, or Thanos Ruler, Cortex
// and Mimir beside them, whose `rules` is absent, null or a list. promtool accepts groups with no
// rules yet (`- name: yolo` alone, `rules:` left empty), and a file of them still holds what it
// refuses, a group name used twice. `groups: []` says nothing about its tool and stays foreign.
// vmalert's own group keys (`type`, `params`, `headers`, ...) are left out: as common as they are
// elsewhere, only rules with `alert`, `record` or `expr` tell such a group from another tool's.
bool all_rule_groups(const Node& groups) {
  if (groups.items.empty()) return false;
  for (const auto& group : groups.items) {
    const Node* name = group.is_map() ? group.get("name") : nullptr;
    if (!name || name->is_map() || name->is_seq()) return false;
    for (const auto& e : group.entries) {
      constexpr std::array<std::string_view, 10> k_group_keys = {
          "name",
          "interval",
          "query_offset",
          "limit",
          "labels",
          "rules",
          "partial_response_strategy",
          "source_tenants",
          "evaluation_delay",
          "align_evaluation_time_on_interval"};
      if (std::find(k_group_keys.begin(), k_group_keys.end(), e.key) == k_group_keys.end())
        return false;
      if (e.key == "rules" && !e.value.is_seq() && !e.value.is_null()) return false;
    }
  }
  return true;
}

// Whether a top-level `groups` list holds Prometheus rule groups (SPEC 1.1: `groups: - name: …
// rules: - alert: …`): a group with a `rules` list that is empty or one of whose rules has
// `alert`, `record` or `expr`. A key one edit from those (`rulez`, `exp`, `recrd`) counts too, so a
// rule file with a typo is still checked and its typo reported. Groups with no rules to judge by
// count when the file has nothing else (all_rule_groups, and no top-level key but `groups`, which
// promtool refuses, or the `namespace` a cortextool, mimirtool or lokitool file names beside it):
// an application's settings with a `groups:` of names have other keys too. A Grafana alerting
// provisioning file (rules of `uid`, `title`, `data`) or a list of user groups (`name`, `members`)
// is another tool's file.
bool holds_rule_groups(const Node& root, const Node& groups) {
  const bool only_groups =
      std::all_of(root.entries.begin(), root.entries.end(), [](const Entry& e) {
        return e.key == "groups" || (e.key == "namespace" && e.value.is_scalar()) ||
               is_extension_key(e.key);
      });
  if (only_groups && all_rule_groups(groups)) return true;
  for (const auto& group : groups.items) {
    if (!group.is_map()) continue;
    for (const auto& list : group.entries) {
      if (!list.value.is_seq() || edit_distance(list.key, "rules") > 1) continue;
      if (list.value.items.empty()) return true; // a group with no rules yet
      for (const auto& rule : list.value.items) {
        if (!rule.is_map()) continue;
        for (const auto& field : rule.entries)
          for (const std::string_view want : {"alert", "record", "expr"})
            if (edit_distance(field.key, want) <= 1) return true;
      }
    }
  }
  return false;
}

// Where classify's document was written: Markdown front matter is shared with the site generator
// that renders the file (Hugo, Jekyll), whose own keys sit beside the kind's.
enum class Source { Yaml, FrontMatter };

// Decides what a top-level document is: a nines kind, a dialect document, a rule file, or
// something foreign. Reports documents that look like a nines kind but are not one.
// Whether the mapping `value` under a key reads as a document of `kind`: more than half of its
// keys (x- notes aside) are fields of that kind (the schema's, LoadOptions::kind_field). Nothing
// yet under it (null, an empty mapping) reads as anything. Without the schema's fields (a
// loader run alone) every mapping does, as before they were known.
bool reads_as_kind(const Node& value, const std::string& kind, const LoadOptions& opts,
                   bool exact = false) {
  if (!opts.kind_field || !value.is_map()) return true;
  std::size_t keys = 0, fields = 0;
  for (const auto& e : value.entries) {
    if (is_extension_key(e.key)) continue;
    ++keys;
    if (opts.kind_field(kind, e.key)) ++fields;
  }
  // Under the kind's own name half of them will do: a small runbook with one misspelt field
  // (`title` and `alertname`) is a runbook with a typo, not a page's parameter.
  return keys == 0 || 2 * fields > keys || (exact && 2 * fields == keys);
}

Verdict classify(Node&& root, int index, const std::string& rel, const std::string& body,
                 DiagBag& diags, const std::function<void(RawDoc&&)>& on_doc,
                 Source source = Source::Yaml, const LoadOptions* opts = nullptr) {
  if (root.is_null()) return Verdict::Empty;
  if (root.is_seq()) {
    // OpenSLO's list form: one YAML sequence of objects instead of `---` documents. A list with
    // no object of a dialect's group in it is some other tool's: Nobl9's `sloctl get -o yaml`
    // (`n9/v1alpha` objects), a list of Kubernetes objects.
    bool any = false;
    for (const auto& item : root.items)
      if (item.is_map() && item.get("kind") && names_dialect_group(item)) any = true;
    if (!any) return Verdict::Foreign;
    Verdict v = Verdict::Accepted;
    for (auto& item : root.items) {
      if (!item.is_map() || !item.get("apiVersion")) {
        diags.error(rel, item.loc, "unknown-kind",
                    "an item of a list-form file must be an object with apiVersion and kind",
                    "e.g. `- apiVersion: openslo/v1` followed by kind, metadata and spec");
        v = Verdict::Error;
        continue;
      }
      const Loc at = item.loc;
      Verdict one = classify(std::move(item), index, rel, body, diags, on_doc, source, opts);
      if (one == Verdict::Error) v = one;
      if (one == Verdict::Foreign) {
        diags.error(rel, at, "unknown-kind",
                    "an item of a list-form file must be a document of a known dialect",
                    "nines reads openslo/v1 and backstage.io lists");
        v = Verdict::Error;
      }
    }
    return v;
  }
  if (!root.is_map()) return Verdict::Foreign; // a bare word or number
  // A Kubernetes List (what `kubectl get … -o yaml` writes) holds its objects under `items`: those
  // of a dialect (Pyrra SLOs, PrometheusRules, Sloth specs) are read as documents of their own,
  // the others (a Deployment, a ConfigMap) are another tool's, as they are in a file of their own.
  if (const Node* api = root.get("apiVersion"), *kind = root.get("kind"),
      *items = root.get("items");
      api && kind && items && api->is_scalar() && api->value == "v1" && kind->is_scalar() &&
      kind->value == "List" && items->is_seq()) {
    Verdict v = Verdict::Foreign;
    auto list = std::find_if(root.entries.begin(), root.entries.end(),
                             [](const Entry& e) { return e.key == "items"; });
    for (auto& item : list->value.items) {
      if (!item.is_map() || !item.get("apiVersion")) continue;
      const Verdict one = classify(std::move(item), index, rel, body, diags, on_doc, source, opts);
      if (one == Verdict::Error || (one == Verdict::Accepted && v != Verdict::Error)) v = one;
    }
    return v;
  }
  RawDoc doc;
  doc.file = rel;
  doc.index = index;
  doc.body = body;
  doc.kind = dialect_of(root, rel, diags);
  if (doc.kind == "unsupported") return Verdict::Error;
  if (!doc.kind.empty()) {
    doc.kind_loc = root.loc;
    doc.root = std::move(root);
    on_doc(std::move(doc));
    return Verdict::Accepted;
  }
  // A prometheus-operator PrometheusRule object is a rule file under `spec`.
  if (const Node* api = root.get("apiVersion");
      api && api->is_scalar() && api->value.rfind("monitoring.coreos.com/", 0) == 0) {
    const Node* kind = root.get("kind");
    const Node* spec = root.get("spec");
    const Node* groups = spec ? spec->get("groups") : nullptr;
    if (kind && kind->is_scalar() && kind->value != "PrometheusRule" && groups &&
        edit_distance(kind->value, "PrometheusRule") <= 2) {
      diags.error(rel, kind->loc, "unknown-kind",
                  "unknown kind '" + kind->value + "'" +
                      did_you_mean(kind->value, {"PrometheusRule"}),
                  "nines reads monitoring.coreos.com/v1 PrometheusRule objects");
      return Verdict::Error;
    }
    if (!kind || kind->value != "PrometheusRule" || !groups || !groups->is_seq())
      return Verdict::Foreign; // a ServiceMonitor, an Alertmanager...
    // The whole object: it is validated against the operator's CRD, whose findings name their
    // path from the object's top (`spec.groups[0]`); the decoder reads its `spec`.
    doc.kind = "prometheus_rules";
    doc.kind_loc = root.loc;
    doc.root = std::move(root);
    on_doc(std::move(doc));
    return Verdict::Accepted;
  }
  // A Sloth spec: `version: prometheus/v1` with its `service` and `slos`; another version of that
  // shape (a near miss, or any prometheus/ version: Sloth's own tests use prometheus/v999) is an
  // error at the version, not a file skipped with its SLOs.
  if (const Node* v = root.get("version");
      v && v->is_scalar() && v->value != "prometheus/v1" && root.get("slos") &&
      (edit_distance(v->value, "prometheus/v1") <= 2 || v->value.starts_with("prometheus/"))) {
    diags.error(rel, v->loc, "dialect-version",
                "unsupported Sloth version '" + v->value + "'; nines reads prometheus/v1",
                "write version: \"prometheus/v1\"");
    return Verdict::Error;
  }
  if (const Node* v = root.get("version"); v && v->is_scalar() && v->value == "prometheus/v1") {
    doc.kind = "sloth";
    doc.kind_loc = root.loc;
    doc.root = std::move(root);
    on_doc(std::move(doc));
    return Verdict::Accepted;
  }
  // A Prometheus rule file has `groups` and no `apiVersion` (a PrometheusRule object is above).
  if (const Node* groups = root.get("groups");
      groups && groups->is_seq() && !root.get("apiVersion") && holds_rule_groups(root, *groups)) {
    doc.kind = "prometheus_rules";
    doc.kind_loc = root.loc;
    doc.root = std::move(root);
    on_doc(std::move(doc));
    return Verdict::Accepted;
  }
  std::vector<const Entry*> keys;
  for (const auto& e : root.entries)
    if (!is_extension_key(e.key)) keys.push_back(&e);
  const auto& kinds = kind_names();
  const bool front_matter = source == Source::FrontMatter;
  // In front matter a kind's name with a plain value beside a kind's mapping is a page parameter
  // of the site generator (`service: checkout-api` above `runbook:`), not a second document:
  // there, when exactly one kind key holds a mapping, only that one names the kind.
  bool mapped_only = false;
  auto is_kind = [&](const Entry* e) {
    return std::find(kinds.begin(), kinds.end(), e->key) != kinds.end() &&
           (!mapped_only || e->value.is_map());
  };
  auto kind_keys = std::count_if(keys.begin(), keys.end(), is_kind);
  if (front_matter && kind_keys > 1) {
    mapped_only = true;
    if (std::count_if(keys.begin(), keys.end(), is_kind) == 1)
      kind_keys = 1;
    else
      mapped_only = false;
  }
  // Two kinds' documents run together (a missing `---`) each hold a document under their key.
  // Another tool's file may bear kinds' names too, over what no kind holds: a home-made SLO file's
  // `service: checkout` beside its own `error_budget_policy: {budget_50pct_consumed: …}`.
  if (kind_keys > 1 && !front_matter && opts &&
      std::count_if(keys.begin(), keys.end(), [&](const Entry* e) {
        return is_kind(e) && (e->value.is_null() ||
                              (e->value.is_map() && reads_as_kind(e->value, e->key, *opts)));
      }) < 2)
    return Verdict::Foreign;
  if (kind_keys > 1) {
    std::string found;
    const Entry* second = nullptr;
    for (const Entry* e : keys)
      if (is_kind(e)) {
        if (!found.empty()) second = second ? second : e;
        found += (found.empty() ? "'" : ", '") + e->key + "'";
      }
    diags.error(rel, second->key_loc, "unknown-kind",
                "a document has exactly one top-level key naming its kind, found " +
                    std::to_string(kind_keys) + ": " + found,
                "separate documents with `---`, or indent the fields under the kind key");
    return Verdict::Error;
  }
  if (kind_keys == 1 && keys.size() > 1) {
    // One kind key among other keys is some other tool's file in YAML: a Helm values.yaml has a
    // `service:` beside `image:` and `replicaCount:`, a Sloth file beside `version:` and `slos:`.
    // In Markdown front matter the other keys are the site generator's (`title:`, `weight:`,
    // `draft:`), and a kind's mapping beside them is the document: read, the others dropped.
    const auto kind = std::find_if(keys.begin(), keys.end(), is_kind);
    if (!front_matter || !(*kind)->value.is_map()) return Verdict::Foreign;
    // A page parameter of the generator's that happens to bear a kind's name (a Hugo runbook
    // page's `runbook: {variables: …}`) is the generator's too: the kind is read only when its
    // mapping reads as that kind's.
    if (opts && !reads_as_kind((*kind)->value, (*kind)->key, *opts, true)) return Verdict::Foreign;
    const std::string name = (*kind)->key;
    std::erase_if(root.entries,
                  [&](const Entry& e) { return e.key != name && !is_extension_key(e.key); });
    keys.assign(1, &*std::find_if(root.entries.begin(), root.entries.end(),
                                  [&](const Entry& e) { return e.key == name; }));
  }
  if (kind_keys == 0) {
    // A misspelt kind or a kind's short form, alone at the top; in front matter also beside the
    // site generator's keys, as the one key that reads as a kind. There a key of three characters
    // is no typo (jekyll-seo-tag's `seo:` is one edit from `slo`), nor one with no mapping under
    // it.
    const Entry* meant_at = nullptr;
    std::string meant;
    if (keys.size() == 1) {
      meant_at = keys[0];
      meant = kind_meant(*keys[0]);
    } else if (front_matter) {
      std::size_t found = 0;
      for (const Entry* e : keys) {
        std::string k = e->value.is_map() && e->key.size() > 3 ? kind_meant(*e) : "";
        if (k.empty()) continue;
        ++found;
        meant_at = e;
        meant = std::move(k);
      }
      if (found != 1) meant.clear();
    }
    // Another tool's mapping under a word near a kind's (a Drupal `services:` with its aliases,
    // an agent's `incident:` record, a command's `policy:`) is that tool's: the near miss is an
    // error only when what is under it reads as the kind meant.
    if (!meant.empty() && opts && !reads_as_kind(meant_at->value, meant, *opts)) meant.clear();
    if (!meant.empty()) {
      std::string known;
      for (const auto& k : kinds)
        known += (known.empty() ? "" : ", ") + k;
      diags.error(rel, meant_at->key_loc, "unknown-kind",
                  "unknown document kind '" + meant_at->key + "', did you mean '" + meant + "'?",
                  "known kinds: " + known);
      return Verdict::Error;
    }
    return Verdict::Foreign; // mkdocs.yml, a CI file, a Kubernetes manifest...
  }
  doc.kind = keys[0]->key;
  doc.kind_loc = keys[0]->key_loc;
  doc.root = std::move(root);
  on_doc(std::move(doc));
  return Verdict::Accepted;
}

// Reports a document classify left alone as foreign, in a file that holds nines documents:
// there it is no other tool's file but a nines document gone wrong (a field indented too little
// is a top-level key beside the kind, a `---` too many splits one), and it must not be dropped
// without a word. A file of nothing but foreign documents is skipped and counted instead.
// Whether `root` is one kind's document with some of its own fields written beside the kind key
// instead of under it (`action_items:` at column 1 below `postmortem:`): one kind key holding a
// mapping, and every other top-level key (x- notes aside) a field of that kind. A Helm
// values.yaml's `service:` beside `image:` and `replicaCount:` is not: those are no service fields.
constexpr std::ptrdiff_t k_min_fields_of_a_document = 2;

bool holds_misplaced_fields(const Node& root, const LoadOptions& opts) {
  if (!opts.kind_field || !root.is_map()) return false;
  const auto& kinds = kind_names();
  const Entry* kind = nullptr;
  std::vector<const Entry*> others;
  for (const auto& e : root.entries) {
    if (is_extension_key(e.key)) continue;
    if (std::find(kinds.begin(), kinds.end(), e.key) != kinds.end()) {
      if (kind) return false;
      kind = &e;
    } else {
      others.push_back(&e);
    }
  }
  if (!kind || !kind->value.is_map() || others.empty()) return false;
  // The kind's own mapping must read as the kind's too: a values file's `service:` holds `port:`
  // beside `type:`, and its `name:` at the top would otherwise pass for a service field.
  auto is_field = [&](const Entry& e) {
    return is_extension_key(e.key) || opts.kind_field(kind->key, e.key);
  };
  if (!std::all_of(kind->value.entries.begin(), kind->value.entries.end(), is_field)) return false;
  if (std::all_of(others.begin(), others.end(), [&](const Entry* e) { return is_field(*e); }))
    return true;
  // A kind's mapping of two or more of its own fields and nothing else is that kind's document
  // whatever sits beside it (`notes:` or a line without its colon at column 1 below a service):
  // dropping it would lose the document without a word, and report every reference to it as
  // dangling. A values file's `service:` holds `port:` beside its `type:`.
  const auto own = std::count_if(kind->value.entries.begin(), kind->value.entries.end(),
                                 [](const Entry& e) { return !is_extension_key(e.key); });
  return own >= k_min_fields_of_a_document;
}

// The keys site generators give a page in its front matter (Hugo, Jekyll, MkDocs, Docusaurus):
// beside a kind in Markdown they are the generator's, whatever a kind of nines calls a field so.
bool site_generator_key(std::string_view key) {
  static constexpr std::string_view k_keys[] = {
      "aliases",   "author",    "authors",        "build",    "cascade",       "categories",
      "category",  "date",      "description",    "draft",    "expiryDate",    "headless",
      "hide",      "id",        "images",         "keywords", "lastmod",       "layout",
      "linkTitle", "markup",    "menu",           "outputs",  "permalink",     "publishDate",
      "published", "resources", "search",         "series",   "sidebar_label", "sidebar_position",
      "sitemap",   "slug",      "status",         "summary",  "tags",          "template",
      "title",     "toc",       "translationKey", "type",     "url",           "weight"};
  return std::find(std::begin(k_keys), std::end(k_keys), key) != std::end(k_keys);
}

// In front matter the keys beside a kind's mapping are the site generator's and are dropped
// (classify). One that is a field of that kind and no generator's (`last_updated:` at column 1
// below `runbook:`) is the document's own field written out of place: dropped, it would change
// what the pages show (a runbook read as never updated) without a word. An error at it, as the
// same mistake in a YAML file is.
void report_front_matter_fields_beside(const Node& root, const std::string& rel,
                                       const LoadOptions& opts, DiagBag& diags) {
  if (!opts.kind_field || !root.is_map()) return;
  const auto& kinds = kind_names();
  const Entry* kind = nullptr;
  for (const auto& e : root.entries)
    if (e.value.is_map() && std::find(kinds.begin(), kinds.end(), e.key) != kinds.end()) {
      if (kind) return; // two kinds: classify's error
      kind = &e;
    }
  if (!kind || !reads_as_kind(kind->value, kind->key, opts, true)) return; // the generator's page
  for (const auto& e : root.entries) {
    if (&e == kind || is_extension_key(e.key) || site_generator_key(e.key) ||
        std::find(kinds.begin(), kinds.end(), e.key) != kinds.end() ||
        !opts.kind_field(kind->key, e.key))
      continue;
    diags.error(rel, e.key_loc, "unknown-kind",
                "'" + e.key + "' is a field of " + kind->key + " written beside `" + kind->key +
                    ":` instead of under it, so it is not read",
                "indent it under `" + kind->key + ":` with the document's other fields");
  }
}

void report_stray_document(const Node& root, const std::string& rel, DiagBag& diags) {
  const auto& kinds = kind_names();
  const Entry* kind = nullptr;
  const Entry* other = nullptr;
  std::string others;
  for (const auto& e : root.entries) {
    if (is_extension_key(e.key)) continue;
    if (std::find(kinds.begin(), kinds.end(), e.key) != kinds.end()) {
      kind = kind ? kind : &e;
      continue;
    }
    other = other ? other : &e;
    others += (others.empty() ? "'" : ", '") + e.key + "'";
  }
  if (kind && other) {
    diags.error(rel, other->key_loc, "unknown-kind",
                "a document has exactly one top-level key naming its kind: '" + kind->key +
                    "' has " + others + " beside it",
                "indent the document's fields under `" + kind->key + ":`");
    return;
  }
  const std::string what = !root.is_map()   ? (root.is_seq() ? "a list" : "a plain value")
                           : others.empty() ? "no top-level key but x- keys"
                                            : "top-level keys " + others;
  diags.error(rel, root.loc, "unknown-kind",
              "not a nines document (" + what + "), in a file of nines documents",
              "give it its kind's key (`slo:`, `service:`, ...) with its fields under it, or "
              "move it to a file of its own");
}

// The ids a document dropped for its shape (classify's error, or a stray one) may have had, so
// that a reference to it is not reported as dangling on top of its own error: an `id` or `name`
// under a key naming a kind, reading as a misspelt one, or `metadata`, and at the top level (its
// fields indented too little).
void add_dropped_ids(const Node& root, std::vector<std::string>& out) {
  if (!root.is_map()) return;
  auto add = [&out](const Node& n) {
    for (const char* key : {"id", "name"})
      if (const Node* v = n.get(key); v && v->is_scalar()) out.push_back(v->value);
  };
  add(root);
  const auto& kinds = kind_names();
  for (const auto& e : root.entries)
    if (e.value.is_map() && (std::find(kinds.begin(), kinds.end(), e.key) != kinds.end() ||
                             !kind_misspelt_as(e.key).empty() ||
                             !kind_short_form(e.key, true).empty() || e.key == "metadata"))
      add(e.value);
}

// Whether folder `rel` is the output folder `out` or one of the site writer's own folders beside
// it (model/site_folders.hpp): neither is content.
bool writer_folder(std::string_view rel, std::string_view out) {
  return rel == out || is_writer_folder_name(rel, out);
}

std::string_view base_name(std::string_view rel) {
  const auto slash = rel.rfind('/');
  return slash == std::string_view::npos ? rel : rel.substr(slash + 1);
}

// A glob against a path, remembering which (star, place in the path) pairs failed: tried again
// they fail again, and without the memory a pattern of many stars (`*a*a*a*…x`) takes time
// exponential in its stars. With it, each pair is tried once: at most (stars + 1) · (|path| + 1)
// tries, each a loop over the path.
class GlobMatcher {
public:
  GlobMatcher(std::string_view pattern, std::string_view path) : m_p(pattern), m_s(path) {
    std::size_t stars = 0;
    for (std::size_t i = 0; i < m_p.size(); ++i)
      if (m_p[i] == '*') m_star_index.emplace_back(i, stars++);
    m_failed.assign(stars * (m_s.size() + 1), 0);
  }

  bool match() { return at(0, 0); }

private:
  bool at(std::size_t i, std::size_t j) {
    while (i < m_p.size()) {
      if (m_p[i] == '*') return star(i, j);
      if (j >= m_s.size()) return false;
      if (m_p[i] == '?' ? m_s[j] == '/' : m_p[i] != m_s[j]) return false;
      ++i;
      ++j;
    }
    return j == m_s.size();
  }

  // The star at pattern place `i`, the path at `j`: looked up, tried once, remembered if failed.
  bool star(std::size_t i, std::size_t j) {
    const auto it = std::lower_bound(m_star_index.begin(), m_star_index.end(),
                                     std::pair<std::size_t, std::size_t>{i, 0});
    char& failed = m_failed[it->second * (m_s.size() + 1) + j];
    if (failed) return false;
    const bool matched = try_star(i, j);
    if (!matched) failed = 1;
    return matched;
  }

  bool try_star(std::size_t i, std::size_t j) {
    if (m_p.compare(i, 2, "**") == 0) {
      std::size_t rest = i + 2;
      if (rest < m_p.size() && m_p[rest] == '/') {
        // "**/": zero or more whole folders.
        ++rest;
        if (at(rest, j)) return true;
        for (std::size_t k = j; k < m_s.size(); ++k)
          if (m_s[k] == '/' && at(rest, k + 1)) return true;
        return false;
      }
      for (std::size_t k = j; k <= m_s.size(); ++k)
        if (at(rest, k)) return true;
      return false;
    }
    // One star: any run of characters within one folder name.
    for (std::size_t k = j; k <= m_s.size(); ++k) {
      if (at(i + 1, k)) return true;
      if (k < m_s.size() && m_s[k] == '/') break;
    }
    return false;
  }

  std::string_view m_p, m_s;
  std::vector<std::pair<std::size_t, std::size_t>> m_star_index; // (place, star number)
  std::vector<char> m_failed;                                    // star number × place in path
};

bool glob_at(std::string_view p, std::string_view s) {
  return GlobMatcher(p, s).match();
}

// Whether a file or folder name is hidden (`.git`, `.env.yaml`): the walk enters no such folder
// and reads no such file.
bool is_hidden_name(std::string_view name) {
  return !name.empty() && name[0] == '.';
}

// Whether the walk leaves folder `rel` alone whatever the globs say: walk_skips_folder's folders,
// and the run's own (`skip_dirs`: the output folder, the store's) with the site writer's folders
// beside them. One rule for the walk and for a Location's targets.
bool walk_leaves_folder(std::string_view rel, const std::vector<std::string>& skip_dirs) {
  return walk_skips_folder(rel) ||
         std::any_of(skip_dirs.begin(), skip_dirs.end(),
                     [&](const std::string& d) { return writer_folder(rel, d); });
}

// What keeps the walk from file `rel`: the first folder on its way the walk leaves alone, or the
// file itself when it is hidden; empty when the walk would reach it (globs aside).
std::string_view walk_bars(std::string_view rel, const std::vector<std::string>& skip_dirs) {
  for (auto slash = rel.find('/'); slash != std::string_view::npos;
       slash = rel.find('/', slash + 1))
    if (walk_leaves_folder(rel.substr(0, slash), skip_dirs)) return rel.substr(0, slash);
  if (is_hidden_name(base_name(rel))) return rel;
  return {};
}

// What keeps the walk from the file or folder a symbolic link at `rel` leads to, inside the
// repository (walk_bars of its real path), with that path; an empty bar when nothing does, or
// when the link leads outside or cannot be followed (read_repo_file says so when it reads it).
std::pair<std::string, std::string> link_bar(const fs::path& root, const std::string& rel,
                                             const std::vector<std::string>& skip_dirs) {
  const RealPath real = real_path(root, rel);
  if (real.where != RealPath::Where::Inside || real.rel == ".") return {};
  return {std::string(walk_bars(real.rel, skip_dirs)), real.rel};
}

// The YAML files of the repository under folder `under`, in the folders the walk enters (not a
// hidden one, nor the output, store, layouts/ or node_modules/ folders), relative and sorted:
// where a Location's glob target looks, and the did-you-mean of a missing target. A symbolic link
// into one of those folders, or to a hidden file, is left out as the walk leaves it.
std::vector<std::string> repo_yaml_files(const fs::path& root, const fs::path& under,
                                         const std::vector<std::string>& skip_dirs) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(under, ec)) return out;
  fs::recursive_directory_iterator it(under, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code tec;
    if (it->is_directory(tec)) {
      if (name.empty() ||
          walk_leaves_folder(it->path().lexically_relative(root).generic_string(), skip_dirs))
        it.disable_recursion_pending();
      continue;
    }
    if (is_hidden_name(name) || !(ends_with(name, ".yaml") || ends_with(name, ".yml"))) continue;
    std::string rel = it->path().lexically_relative(root).generic_string();
    if (it->is_symlink(tec) && !link_bar(root, rel, skip_dirs).first.empty()) continue;
    out.push_back(std::move(rel));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A Backstage Location's targets (spec.target, spec.targets), followed within the repository:
// each relative target (`./x.yaml`, `file:./x.yaml`, a glob `./teams/*.yaml`) is resolved
// against the Location's folder and handed to `read`, even when include/exclude would skip it.
// A target that is missing is an error (a warning with `presence: optional`); one outside the
// repository or remote (`https://…`) is a warning that it is not followed (docs/dialects.md).
// So is one in a folder the walk never enters, or a hidden file (walk_bars): `.git/`, the
// output folder and the store are not content, and a glob does not descend into them.
void follow_location(const fs::path& root, const std::vector<std::string>& skip_dirs,
                     const RawDoc& doc, DiagBag& diags,
                     const std::function<void(const std::string&)>& read) {
  const Node* spec = doc.root.get("spec");
  if (!spec || !spec->is_map()) return;
  std::vector<const Node*> targets;
  if (const Node* t = spec->get("target"); t && t->is_scalar()) targets.push_back(t);
  if (const Node* ts = spec->get("targets"); ts && ts->is_seq())
    for (const auto& t : ts->items)
      if (t.is_scalar()) targets.push_back(&t);
  const Node* presence = spec->get("presence");
  const bool optional = presence && presence->is_scalar() && presence->value == "optional";
  const fs::path base = fs::path(doc.file).parent_path();
  std::optional<std::vector<std::string>> all; // listed once, when a target is missing
  for (const Node* t : targets) {
    std::string target = t->value;
    for (const char* prefix : {"url:", "file:"})
      if (target.rfind(prefix, 0) == 0) target = target.substr(std::string_view(prefix).size());
    if (target.find("://") != std::string::npos) {
      diags.warning(doc.file, t->loc, "location-target",
                    "Location target '" + t->value +
                        "' is remote; nines reads this repository only and does not follow it",
                    "copy the entities into the repository, or name them by a relative path");
      continue;
    }
    const std::string rel = (base / target).lexically_normal().generic_string();
    if (target.empty() || target.front() == '/' || rel == ".." || rel.rfind("../", 0) == 0) {
      diags.warning(doc.file, t->loc, "location-target",
                    "Location target '" + t->value +
                        "' lies outside the repository; it is not followed",
                    "name a file inside the repository, relative to this Location");
      continue;
    }
    const bool glob = rel.find_first_of("*?") != std::string::npos;
    // A glob's fixed leading folders, or the file a plain target names.
    const std::string fixed = glob ? rel.substr(0, rel.find_first_of("*?")) : rel;
    const auto dir = fixed.rfind('/');
    const std::string leading = dir == std::string::npos ? "" : fixed.substr(0, dir + 1);
    // `written` is the file a plain target names, or a glob's fixed leading folders; `via` is
    // where a symbolic link on its way leads (empty when there is none), which is what is read.
    auto refuse = [&](std::string_view bar, const std::string& written, const std::string& via,
                      bool folder) {
      const bool file = bar.size() == (via.empty() ? written : via).size() && !folder;
      const std::string what =
          file ? "a hidden file, which nines does not read"
               : "in '" + std::string(bar) + "/', a folder nines reads no documents from";
      // A link to the folder itself is a link to it, not into it.
      const std::string how = via.empty() ? (file ? "is " : "lies ") + what
                              : via == bar && !file
                                  ? "leads through a symbolic link to '" + via +
                                        "/', a folder nines reads no documents from"
                                  : "leads through a symbolic link to '" + via + "', " +
                                        (file ? "" : "which lies ") + what;
      diags.warning(doc.file, t->loc, "location-target",
                    "Location target '" + t->value + "' " + how + "; it is not followed",
                    file ? "rename the file without the leading dot"
                         : "hidden folders, the output folder (site/), the metrics store's "
                           "folder, layouts/ (the theme's templates) and node_modules/ hold no "
                           "documents: move the file into another folder");
    };
    const std::string written =
        glob ? (leading.empty() ? "" : leading.substr(0, leading.size() - 1)) : fixed;
    if (const std::string_view bar = walk_bars(glob ? leading : fixed, skip_dirs);
        rel != "." && !bar.empty()) {
      refuse(bar, written, "", glob);
      continue;
    }
    // The same rule for where the target really is: a link named by the target (or a linked
    // folder on its way) into `.git/`, the output folder or the store is not followed either, nor
    // one that leaves the repository through a linked folder. A file that is itself a link out
    // of the repository, or one that cannot be followed, is read_repo_file's to report, at the
    // file, as the walk reports it.
    std::error_code ec;
    if (!written.empty() && rel != "." && fs::exists(fs::symlink_status(root / written, ec))) {
      const RealPath real = real_path(root, written);
      if (real.where == RealPath::Where::Inside && real.rel != written && real.rel != ".") {
        // A folder (a glob's, or a link to one) as walk_bars reads a folder: with a slash after.
        const bool folder = glob || fs::is_directory(root / real.rel, ec);
        const std::string probe = folder ? real.rel + "/" : real.rel;
        if (const std::string_view bar = walk_bars(probe, skip_dirs); !bar.empty()) {
          refuse(bar, written, real.rel, folder);
          continue;
        }
      } else if (real.where != RealPath::Where::Inside &&
                 (glob || !fs::is_symlink(fs::symlink_status(root / written, ec)))) {
        diags.error(doc.file, t->loc, "symlink-outside",
                    "Location target '" + t->value + "' leads through a symbolic link " +
                        (real.where == RealPath::Where::Outside
                             ? "outside the repository"
                             : "that cannot be followed (to nothing, or a loop)") +
                        "; it is not followed",
                    "name a file of the repository, in no linked folder");
        continue;
      }
    }
    if (glob) {
      // A glob: the files under its fixed leading folders that match it whole, in the folders
      // the walk enters.
      int n = 0;
      for (const auto& f : repo_yaml_files(
               root, dir == std::string::npos ? root : root / fixed.substr(0, dir), skip_dirs))
        if (glob_at(rel, f)) {
          read(f);
          ++n;
        }
      if (n == 0)
        diags.add({doc.file, t->loc, optional ? Severity::Warning : Severity::Error,
                   "location-target", "Location target '" + t->value + "' matches no file",
                   "check the pattern: * matches within one folder, ** across folders"});
      continue;
    }
    if (fs::exists(fs::symlink_status(root / rel, ec))) {
      read(rel); // read_repo_file reports a folder, a link out of the repository, ...
      continue;
    }
    if (!all) all = repo_yaml_files(root, root, skip_dirs);
    // Suggestions written as the target is: relative to the Location's folder.
    std::vector<std::string> near;
    const bool dotted = target.rfind("./", 0) == 0;
    for (const auto& f : *all) {
      std::string r = fs::path(f).lexically_relative(base).generic_string();
      near.push_back(dotted && r.rfind("../", 0) != 0 ? "./" + r : r);
    }
    diags.add({doc.file, t->loc, optional ? Severity::Warning : Severity::Error, "location-target",
               "Location target '" + t->value + "' does not exist (" + rel + ")" +
                   did_you_mean(target, near),
               "targets are relative to the Location's own file"});
  }
}

bool any_glob(const std::vector<std::string>& globs, const std::string& rel, bool is_folder) {
  for (const auto& g : globs)
    if (glob_match(g, rel, is_folder)) return true;
  return false;
}

} // namespace

RealPath real_path(const fs::path& root, const std::string& rel) {
  RealPath out;
  std::error_code ec;
  const fs::path canon_root = fs::canonical(root, ec);
  if (ec) {
    out.where = RealPath::Where::Unfollowable;
    return out;
  }
  fs::path existing = root, rest;
  for (const auto& part : fs::path(rel)) {
    if (rest.empty() && fs::exists(fs::symlink_status(existing / part, ec)))
      existing /= part;
    else
      rest /= part;
  }
  fs::path real = fs::canonical(existing, ec);
  if (ec) {
    out.where = RealPath::Where::Unfollowable;
    return out;
  }
  if (!rest.empty()) real = (real / rest).lexically_normal();
  const fs::path r = real.lexically_relative(canon_root);
  if (r.empty() || *r.begin() == "..") {
    out.where = RealPath::Where::Outside;
    return out;
  }
  out.rel = r.generic_string();
  return out;
}

std::vector<std::string> run_skip_dirs(const fs::path& dir, const fs::path& out,
                                       const fs::path& store) {
  std::vector<std::string> dirs;
  std::error_code ec;
  if (!out.empty()) {
    fs::path rel = fs::relative(out, dir, ec);
    if (!ec && !rel.empty() && *rel.begin() != "..") dirs.push_back(rel.generic_string());
  }
  // The metrics store's folder is nines' own too (SPEC 1.1), as `.nines/` is by being hidden; the
  // repository root itself is still walked when the store lies there.
  if (fs::path rel = fs::relative(store.lexically_normal().parent_path(), dir, ec);
      !ec && !rel.empty() && rel != "." && *rel.begin() != "..")
    dirs.push_back(rel.generic_string());
  return dirs;
}

bool walk_skips_link(const fs::path& root, const std::string& rel,
                     const std::vector<std::string>& skip_dirs) {
  std::error_code ec;
  return fs::is_symlink(fs::symlink_status(root / rel, ec)) &&
         !link_bar(root, rel, skip_dirs).first.empty();
}

bool walk_skips_folder(std::string_view rel) {
  return is_hidden_name(base_name(rel)) || writer_folder(rel, "site") || rel == k_theme_folder ||
         rel == "node_modules";
}

bool walk_reads_file(std::string_view rel) {
  const std::string_view name = base_name(rel);
  if (name.empty() || is_hidden_name(name)) return false;
  if (ends_with(name, ".yaml") || ends_with(name, ".yml") || ends_with(name, ".md")) return true;
  return ends_with(name, ".csv") && rel.rfind("metrics/", 0) == 0 &&
         rel.find('/', 8) == std::string_view::npos;
}

bool is_theme_file(std::string_view rel) {
  const std::string_view name = base_name(rel);
  const std::string_view folder = rel.substr(0, rel.size() - name.size());
  return ends_with(name, ".mustache") && (folder == "layouts/" || folder == "layouts/partials/");
}

bool glob_match(std::string_view pattern, std::string_view path, bool is_folder) {
  // `./x` is `x` at the root, as `/x` is.
  if (pattern.substr(0, 2) == "./") pattern.remove_prefix(1);
  // `folder/` is a folder and all it holds, as in .gitignore: the path, when it is a folder, or
  // one of the folders it is in.
  if (pattern.size() > 1 && pattern.back() == '/') {
    pattern.remove_suffix(1);
    if (is_folder && glob_match(pattern, path, true)) return true;
    for (auto slash = path.find('/'); slash != std::string_view::npos;
         slash = path.find('/', slash + 1))
      if (glob_match(pattern, path.substr(0, slash), true)) return true;
    return false;
  }
  if (pattern.find('/') == std::string_view::npos) {
    // No folder in the pattern: it matches the name at any depth, as in .gitignore.
    auto slash = path.rfind('/');
    if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  }
  if (!pattern.empty() && pattern.front() == '/') pattern.remove_prefix(1);
  return glob_at(pattern, path);
}

bool include_matches(std::string_view pattern, std::string_view rel) {
  if (glob_match(pattern, rel)) return true;
  for (auto slash = rel.find('/'); slash != std::string_view::npos;
       slash = rel.find('/', slash + 1))
    if (glob_match(pattern, rel.substr(0, slash), true)) return true;
  return false;
}

namespace {

// Whether the text is free of NULs and invalid UTF-8. Eight bytes at a time while they are
// ASCII, which is nearly every byte of a repository: a file is read here before it is parsed.
bool text_is_clean(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  constexpr std::uint64_t k_high = 0x8080808080808080ull, k_low = 0x0101010101010101ull;
  std::size_t i = 0;
  while (i < n) {
    if (n - i >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      // no byte with its top bit set, and no zero byte
      if ((w & k_high) == 0 && ((w - k_low) & ~w & k_high) == 0) {
        i += 8;
        continue;
      }
    }
    if (p[i] == 0) return false;
    const std::size_t len = utf8_sequence(p + i, n - i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

// UTF-16 or UTF-32 without a mark whose first character is outside Latin-1 (CJK text: neither
// of its first two bytes is zero, so YAML 1.2's rule cannot tell), by where the zero bytes of its
// first 512 bytes fall: in UTF-32 every character's top byte is zero; in UTF-16 every ASCII
// character (a key, `:`, a space, a line end) has one, at odd offsets little-endian and at even
// ones big-endian, while the other side has one only for the rare character ending (or starting)
// in 00 (U+4E00 is 00 4E little-endian). The name as iconv says it, or null. UTF-8 text never
// holds a zero byte, so a file with a stray NUL or a few is not taken for one: at least 4 on one
// side, and at most one in 8 of those on the other.
const char* unmarked_wide_encoding(std::string_view text) {
  const std::string_view head =
      text.substr(0, std::min<std::size_t>(text.size(), 512) & ~std::size_t{3});
  if (head.find('\0') == std::string_view::npos) return nullptr; // nearly every text: one memchr
  const auto* p = reinterpret_cast<const unsigned char*>(head.data());
  // UTF-32: at least 4 characters, none NUL, each at most U+10FFFF.
  bool le32 = head.size() >= 16, be32 = le32;
  for (std::size_t i = 0; i + 4 <= head.size() && (le32 || be32); i += 4) {
    const bool nul = (p[i] | p[i + 1] | p[i + 2] | p[i + 3]) == 0;
    le32 = le32 && !nul && p[i + 3] == 0 && p[i + 2] <= 0x10;
    be32 = be32 && !nul && p[i] == 0 && p[i + 1] <= 0x10;
  }
  if (le32) return "UTF-32LE";
  if (be32) return "UTF-32BE";
  std::size_t even = 0, odd = 0;
  for (std::size_t i = 0; i < head.size(); ++i)
    if (p[i] == 0) ++(i % 2 == 0 ? even : odd);
  if (odd >= 4 && even * 8 <= odd) return "UTF-16LE";
  if (even >= 4 && odd * 8 <= even) return "UTF-16BE";
  return nullptr;
}

} // namespace

std::optional<TextProblem> foreign_encoding(std::string_view text) {
  // UTF-32 LE's mark starts with UTF-16 LE's, and UTF-32 BE's with a NUL: each is tested before
  // what it would otherwise be taken for.
  struct Mark {
    std::string_view bytes;
    const char* name; // as iconv names it
  };
  static constexpr Mark k_marks[] = {{{"\xFF\xFE\0\0", 4}, "UTF-32LE"},
                                     {{"\0\0\xFE\xFF", 4}, "UTF-32BE"},
                                     {{"\xFF\xFE", 2}, "UTF-16LE"},
                                     {{"\xFE\xFF", 2}, "UTF-16BE"}};
  // Without a mark, as YAML 1.2 (5.2) tells them: by the zero bytes of the first two characters
  // (0: a zero byte, x: any other), which text that starts in ASCII or Latin-1 has.
  struct Zeros {
    std::string_view bytes;
    const char* name;
  };
  static constexpr Zeros k_zeros[] = {
      {"x000", "UTF-32LE"}, {"000x", "UTF-32BE"}, {"x0x0", "UTF-16LE"}, {"0x0x", "UTF-16BE"}};
  auto problem = [](std::string_view name, bool marked) {
    const std::string shown = std::string(name.substr(0, 6)) + " (" +
                              (name.substr(6) == "LE" ? "little" : "big") + "-endian";
    return TextProblem{{1, 1},
                       marked ? "the file is " + shown + ", by its byte order mark), not UTF-8"
                              : "the file looks like " + shown +
                                    ", without a byte order mark), not UTF-8",
                       "save it as UTF-8 (in the editor's encoding menu, or with `iconv -f " +
                           std::string(name) + " -t UTF-8`); nines reads no other encoding"};
  };
  for (const Mark& m : k_marks)
    if (text.substr(0, m.bytes.size()) == m.bytes) return problem(m.name, true);
  if (text.size() >= 4)
    for (const Zeros& z : k_zeros) {
      bool match = true;
      for (std::size_t i = 0; i < 4; ++i)
        match = match && (z.bytes[i] == '0') == (text[i] == '\0');
      if (match) return problem(z.name, false);
    }
  if (const char* name = unmarked_wide_encoding(text)) return problem(name, false);
  return std::nullopt;
}

std::optional<TextProblem> check_text(std::string_view text) {
  if (text_is_clean(text)) return std::nullopt;
  // A file in UTF-16 or UTF-32 is named as such at its start, which names its problem better
  // than its first odd byte or NUL does.
  if (auto foreign = foreign_encoding(text)) return foreign;
  // Only now count lines and characters, to say where the problem is.
  int line = 1, col = 1;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = p[i];
    if (c == 0) return TextProblem{{line, col}, "NUL byte (\\0)", {}};
    if (c == '\n') {
      ++line;
      col = 1;
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence(p + i, text.size() - i);
    if (n == 0) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%02X", c);
      return TextProblem{{line, col}, std::string("invalid UTF-8 (byte ") + buf + ")", {}};
    }
    i += n;
    ++col;
  }
  return std::nullopt;
}

bool read_named_file(const fs::path& path, std::string& out, std::string& why) {
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (ec) {
    why = ec.message();
    return false;
  }
  if (!fs::is_regular_file(st)) {
    why = "it is " + what_is(st) + ", not a file";
    return false;
  }
  if (!read_file(path, out)) {
    why = std::strerror(errno);
    return false;
  }
  return true;
}

bool text_is_readable(std::string_view text, const std::string& file, DiagBag& diags) {
  if (auto problem = check_text(text)) {
    diags.error(file, problem->loc, "file-encoding", problem->what + "; the file is not read",
                problem->hint.empty()
                    ? "save the file as UTF-8 text; nines rejects invalid bytes rather than guess"
                    : problem->hint);
    return false;
  }
  return true;
}

// YAML 1.2 (b-break) and CommonMark read a lone CR, the line end of classic Mac OS files, as a line
// break; yaml-cpp and the line counting of diagnostics know only LF, so such a file was one long
// line: a comment swallowed the whole document. A lone CR becomes LF (the same length, so every
// offset stays); CR LF is left as it is.
void lone_cr_to_lf(std::string& text) {
  for (std::size_t at = text.find('\r'); at != std::string::npos; at = text.find('\r', at + 1))
    if (at + 1 == text.size() || text[at + 1] != '\n') text[at] = '\n';
}

// A file the walk saw as a regular file, not a link, read with no stat: the walk's directory
// entry already said what it is, and the stat was 3% of a check at 10k documents. The open
// refuses a link and never waits (a FIFO put in its place since the walk reads as empty); an
// empty read, a failure and a file over the limit go the long way, which says what is wrong.
bool read_plain_file(const fs::path& path, std::size_t max_bytes, std::string& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return false;
  // Read into a buffer of the thread's that only grows, so no read zero-fills memory (a string
  // resized up to the next file's size would), then copied out once.
  thread_local std::vector<char> raw(16384);
  std::size_t used = 0;
  bool ok = true;
  for (;;) {
    if (used > max_bytes) {
      ok = false;
      break;
    }
    if (used == raw.size()) raw.resize(raw.size() * 2);
    const ssize_t got = ::read(fd, raw.data() + used, raw.size() - used);
    if (got < 0) {
      if (errno == EINTR) continue;
      ok = false;
      break;
    }
    if (got == 0) break;
    used += static_cast<std::size_t>(got);
  }
  ::close(fd);
  if (!ok || used == 0 || used > max_bytes) return false;
  out.assign(raw.data(), used);
  return true;
}

namespace {

// Whether repository path `rel` (relative, resolved) is a hidden file or lies in a hidden folder.
bool in_hidden_place(const fs::path& rel) {
  return std::any_of(rel.begin(), rel.end(), [](const fs::path& part) {
    const std::string name = part.string();
    return name != "." && name != ".." && is_hidden_name(name);
  });
}

} // namespace

bool read_repo_file(const fs::path& root, const fs::path& path, std::size_t max_bytes,
                    std::string& out, std::string& rule, std::string& message, std::string& hint,
                    bool plain) {
  if (plain && read_plain_file(path, max_bytes, out)) {
    lone_cr_to_lf(out);
    return true;
  }
  // The common case, a regular file (not a link) within the limit, from one lstat; anything else,
  // and a read that fails, takes the checks below, which say what is wrong.
  struct stat lst {};
  if (::lstat(path.c_str(), &lst) == 0 && S_ISREG(lst.st_mode) &&
      static_cast<std::uintmax_t>(lst.st_size) <= max_bytes &&
      read_file(path, out, static_cast<std::size_t>(lst.st_size)) && out.size() <= max_bytes) {
    lone_cr_to_lf(out);
    return true;
  }
  std::error_code ec;
  const auto link = fs::symlink_status(path, ec);
  if (ec || !fs::exists(link)) {
    rule = "file-unreadable";
    message = "cannot read file: " + (ec ? ec.message() : std::string("it does not exist"));
    return false;
  }
  if (fs::is_symlink(link)) {
    // Compared after resolving both, so a link within the repository may point anywhere in it.
    const fs::path target = fs::weakly_canonical(path, ec);
    std::error_code rec;
    const fs::path canon_root = fs::weakly_canonical(root, rec);
    const fs::path rel = target.lexically_relative(canon_root);
    if (ec) {
      // A loop of links, or one the system will not follow: not a question of where it leads.
      rule = "file-unreadable";
      message = "cannot follow the symbolic link: " + ec.message() + "; not read";
      hint = "point the link at a file of the repository";
      return false;
    }
    if (rec || rel.empty() || *rel.begin() == ".." || rel == ".") {
      rule = "symlink-outside";
      message = "symbolic link leads outside the content repository; not read";
      hint = "copy the file into the repository instead";
      return false;
    }
    // Nor into a hidden folder or to a hidden file of it, which nines never reads: `.git/config`
    // (a remote's URL may hold a token) or `.env` behind a theme override or a document would be
    // published on the site or echoed in diagnostics.
    if (in_hidden_place(rel)) {
      rule = "symlink-outside";
      message = "symbolic link leads to '" + rel.generic_string() +
                "', in a hidden folder or a hidden file, which nines never reads; not read";
      hint = "make it a file of the repository outside hidden folders";
      return false;
    }
  }
  const auto st = fs::status(path, ec);
  if (ec) {
    rule = "file-unreadable";
    message = "cannot read file: " + ec.message();
    return false;
  }
  if (!fs::is_regular_file(st)) {
    rule = "file-unreadable";
    message = "is " + what_is(st) + ", not a file; not read";
    hint = "nines reads regular files only";
    return false;
  }
  const auto size = fs::file_size(path, ec);
  if (ec) {
    rule = "file-unreadable";
    message = "cannot read file: " + ec.message();
    return false;
  }
  if (size > max_bytes) {
    rule = "file-too-large";
    message = "file is " + std::to_string(size) + " bytes, over the limit of " +
              std::to_string(max_bytes);
    hint = "split it, or raise limits.max_file_bytes in nines.yaml";
    return false;
  }
  if (!read_file(path, out)) {
    // The open or read failed: errno says why (EACCES: its permissions).
    const int why = errno;
    rule = "file-unreadable";
    message = "cannot read file" + (why ? ": " + std::generic_category().message(why) : "");
    hint = why == EACCES ? "give the user nines runs as read permission on the file (chmod a+r)"
                         : "check that the file can be read, then run again";
    return false;
  }
  // A file that grew past the limit between the size check and the read.
  if (out.size() > max_bytes) {
    rule = "file-too-large";
    message = "file is over the limit of " + std::to_string(max_bytes) + " bytes";
    hint = "split it, or raise limits.max_file_bytes in nines.yaml";
    out.clear();
    return false;
  }
  lone_cr_to_lf(out);
  return true;
}

std::map<std::string, std::string> load_theme_overrides(const fs::path& root,
                                                        const LoadOptions& opts, DiagBag& diags) {
  std::map<std::string, std::string> out;
  for (const char* sub : {"layouts", "layouts/partials"}) {
    const fs::path dir = root / sub;
    std::error_code ec;
    // layouts/ or its partials/ as a symbolic link out of the repository, or to nothing, holds
    // files the repository does not: refused as a file linked out is, at the link. Each file of
    // it is no link itself, so read_repo_file would not see where it really is.
    if (fs::is_symlink(fs::symlink_status(dir, ec))) {
      const RealPath real = real_path(root, sub);
      if (real.where == RealPath::Where::Outside) {
        diags.error(sub, {}, "symlink-outside",
                    "symbolic link leads outside the content repository; the theme overrides in "
                    "it are not read",
                    "copy the folder into the repository instead");
        break; // nor layouts/partials/ below it
      }
      if (real.where == RealPath::Where::Unfollowable) {
        diags.error(sub, {}, "file-unreadable",
                    "cannot follow the symbolic link (to nothing, or a loop); the theme "
                    "overrides in it are not read",
                    "point the link at a folder of the repository");
        break;
      }
      // Into a hidden folder (`.git/`), which nines never reads, as read_repo_file refuses a
      // linked file there: its files are no links themselves, so it would not see it.
      if (in_hidden_place(real.rel)) {
        diags.error(sub, {}, "symlink-outside",
                    "symbolic link leads to '" + real.rel +
                        "', a hidden folder nines never reads; the theme overrides in it are not "
                        "read",
                    "make it a folder of the repository outside hidden folders");
        break;
      }
    }
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> files;
    fs::directory_iterator it(dir, ec), end;
    if (ec) {
      diags.error(sub, {}, "file-unreadable", "cannot read folder: " + ec.message());
      continue;
    }
    for (; !ec && it != end; it.increment(ec))
      if (it->path().extension() == ".mustache") files.push_back(it->path());
    std::sort(files.begin(), files.end());
    for (const auto& p : files) {
      const std::string rel = p.lexically_relative(root).generic_string();
      std::string text, rule, message, hint;
      if (!read_repo_file(root, p, opts.max_file_bytes, text, rule, message, hint)) {
        if (rule == "file-unreadable" && fs::is_directory(p, ec)) continue; // a folder x.mustache
        diags.error(rel, {}, rule, message, hint);
        continue;
      }
      if (auto problem = check_text(text)) {
        diags.error(rel, problem->loc, "file-encoding", problem->what + "; not read",
                    problem->hint.empty() ? "save the file as UTF-8 text" : problem->hint);
        continue;
      }
      out[rel] = std::move(text);
    }
  }
  return out;
}

void split_csv_line(std::string_view line, std::vector<std::string>& cells,
                    std::vector<int>* cols) {
  if (cols) cols->clear();
  // Nearly every line has no quotes and no CR: its cells are the text between commas.
  // (A loop of our own, not find_first_of: that searches the set once for every character.)
  std::size_t commas = 0;
  bool plain = true;
  unsigned char high = 0;
  for (char c : line) {
    commas += c == ',';
    plain = plain && c != '"' && c != '\r';
    high |= static_cast<unsigned char>(c);
  }
  // Columns follow from the cells' sizes unless a cell holds non-ASCII text, or quotes or a CR
  // were dropped from it: only then are they counted here.
  const bool shifted =
      high >= 0x80 ||
      (!plain && (line.find('"') != std::string_view::npos || line.find('\r') + 1 < line.size()));
  if (!shifted) cols = nullptr;
  if (plain) {
    cells.resize(commas + 1);
    int col = 1;
    for (std::string& cell : cells) {
      const std::size_t comma = line.find(',');
      cell.assign(line.substr(0, comma));
      if (cols) {
        cols->push_back(col);
        col = char_column(cell) + col;
      }
      line.remove_prefix(comma == std::string_view::npos ? line.size() : comma + 1);
    }
    return;
  }
  cells.clear();
  std::string cur;
  bool in_quotes = false;
  std::size_t counted = 0; // bytes of `line` already in `col`
  int col = 1;
  auto start_cell = [&](std::size_t at) {
    if (!cols) return;
    col += char_column(line.substr(counted, at - counted)) - 1;
    counted = at;
    cols->push_back(col);
  };
  start_cell(0);
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == ',') {
      cells.push_back(cur);
      cur.clear();
      start_cell(i + 1);
    } else if (c != '\r') {
      cur += c;
    }
  }
  cells.push_back(cur);
}

int csv_cell_column(const RawCsvRow& row, std::size_t cell) {
  if (cell < row.cols.size()) return row.cols[cell];
  int col = 1;
  for (std::size_t i = 0; i < cell && i < row.cells.size(); ++i)
    col += static_cast<int>(row.cells[i].size()) + 1;
  return col;
}

void CsvDays::begin_file(const std::string& file) {
  m_files.push_back(file);
}

namespace {

// YYYY-MM-DD as the number YYYYMMDD, or 0 when `day` is not written so: one number for one
// spelling, so two rows clash exactly when their dates are written alike.
std::uint32_t date_key(std::string_view day) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return 0;
  std::uint32_t key = 0;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (day[i] < '0' || day[i] > '9') return 0;
    key = key * 10 + static_cast<std::uint32_t>(day[i] - '0');
  }
  return key; // 0 for 0000-00-00: kept as written, as any other odd spelling
}

} // namespace

bool CsvDays::add(std::string_view slo, std::string_view day, int line, DiagBag& diags) {
  auto clash = claim(slo, day, line);
  if (!clash) return true;
  diags.add(std::move(*clash));
  return false;
}

std::optional<Diagnostic> CsvDays::claim(std::string_view slo, std::string_view day, int line) {
  slo = trim_view(slo);
  day = trim_view(day);
  if (!m_slo_days || slo != m_slo) {
    m_slo.assign(slo);
    m_slo_days = &m_days[m_slo];
  }
  const First here{static_cast<std::uint32_t>(m_files.size() - 1), line};
  const First* first = nullptr;
  if (const std::uint32_t key = date_key(day); key != 0) {
    auto& dates = m_slo_days->dates;
    auto& late = m_slo_days->late;
    const auto late_at = late.empty() ? late.end() : late.find(key);
    if (late_at != late.end()) {
      first = &late_at->second;
    } else if (dates.empty() || dates.back().first < key) {
      dates.emplace_back(key, here);
      return std::nullopt;
    } else {
      auto at = std::lower_bound(dates.begin(), dates.end(), key,
                                 [](const auto& d, std::uint32_t k) { return d.first < k; });
      if (at == dates.end() || at->first != key) {
        // Before a day already given: into the tree, not into the vector's middle, which would
        // move every later day (a file in descending date order made loading quadratic).
        late.emplace(key, here);
        return std::nullopt;
      }
      first = &at->second;
    }
  } else {
    auto [found, inserted] = m_slo_days->other.try_emplace(std::string(day), here);
    if (inserted) return std::nullopt;
    first = &found->second;
  }
  return Diagnostic{m_files[here.file],
                    {line, 1},
                    Severity::Error,
                    "csv-duplicate-day",
                    "SLO '" + std::string(slo) + "' day " + std::string(day) +
                        " is also recorded " +
                        (first->file == here.file
                             ? "on line " + std::to_string(first->line) + " of this file"
                             : "in " + m_files[first->file] + ":" + std::to_string(first->line)),
                    "one SLO-day belongs in one row; remove one of the two"};
}

void CsvDays::forget(std::string_view slo, std::string_view day, int line) {
  slo = trim_view(slo);
  day = trim_view(day);
  auto it = m_days.find(std::string(slo));
  if (it == m_days.end()) return;
  const std::uint32_t file = static_cast<std::uint32_t>(m_files.size() - 1);
  auto mine = [&](const First& f) { return f.file == file && f.line == line; };
  if (const std::uint32_t key = date_key(day); key != 0) {
    auto& dates = it->second.dates;
    auto& late = it->second.late;
    if (auto l = late.find(key); l != late.end()) {
      if (mine(l->second)) late.erase(l);
      return;
    }
    auto at = std::lower_bound(dates.begin(), dates.end(), key,
                               [](const auto& d, std::uint32_t k) { return d.first < k; });
    if (at != dates.end() && at->first == key && mine(at->second)) dates.erase(at);
  } else if (auto found = it->second.other.find(std::string(day));
             found != it->second.other.end() && mine(found->second)) {
    it->second.other.erase(found);
  }
}

bool is_golden_csv_header(const std::vector<std::string>& cells) {
  return cells.size() == 4 && cells[0] == "service" && cells[1] == "signal" && cells[2] == "date" &&
         cells[3] == "value";
}

std::size_t for_each_csv_line(std::string_view text,
                              const std::function<void(int, std::string_view)>& each) {
  std::size_t lines = 0;
  std::size_t pos = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0; // a byte order mark (Excel)
  for (int n = 1; pos < text.size(); ++n) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty() || line == "\r") continue;
    ++lines;
    each(n, line);
  }
  return lines;
}

void report_empty_csv(const std::string& file, DiagBag& diags) {
  // A file under metrics/ is there to hold data: one with nothing in it is a mistake (a failed
  // export, a truncated copy), not a file to pass over in silence.
  diags.error(file, {1, 1}, "csv-header",
              "the file is empty; expected the header slo,date,good,total",
              "write the header line slo,date,good,total, or remove the file");
}

std::vector<CsvLine> split_csv_text(std::string_view text, const std::string& file,
                                    DiagBag& diags) {
  std::vector<CsvLine> out;
  for_each_csv_line(text, [&](int n, std::string_view line) {
    CsvLine& l = out.emplace_back();
    l.line = n;
    split_csv_line(line, l.cells, &l.cols);
  });
  if (out.empty()) report_empty_csv(file, diags);
  return out;
}

std::string path_stem_slug(const std::string& rel_path) {
  // The rule `nines new` names files by, with the punctuation ids allow kept: a file `new` wrote
  // keeps its name as its id, "Zürich outage.md" is `zurich-outage`, and a name with no letter
  // it can spell ("決済エラー.md") is a hash of it, never an empty id.
  return slug(fs::path(rel_path).stem().string(), SlugRules{"._-", 128, ""});
}

bool split_front_matter(const std::string& text, std::string& yaml, std::string& body,
                        int& body_line) {
  std::size_t start = 0;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) start = 3; // UTF-8 byte order mark
  auto line_is = [&](std::size_t pos, const char* marker) {
    std::size_t n = std::char_traits<char>::length(marker);
    if (text.compare(pos, n, marker) != 0) return false;
    std::size_t after = pos + n;
    while (after < text.size() && (text[after] == ' ' || text[after] == '\r'))
      ++after;
    return after == text.size() || text[after] == '\n';
  };
  if (!line_is(start, "---")) return false;
  std::size_t first_nl = text.find('\n', start);
  if (first_nl == std::string::npos) return false;
  std::size_t pos = first_nl + 1;
  int line = 2;
  while (pos <= text.size()) {
    if (line_is(pos, "---") || line_is(pos, "...")) {
      // Assigned, not made anew: a caller's buffers keep their room from file to file.
      yaml.assign(text, first_nl + 1, pos - first_nl - 1);
      std::size_t nl = text.find('\n', pos);
      if (nl == std::string::npos)
        body.clear();
      else
        body.assign(text, nl + 1);
      body_line = line + 1;
      return true;
    }
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;
    pos = nl + 1;
    ++line;
  }
  return false;
}

std::optional<std::string> read_markdown_body(const fs::path& root, const std::string& rel,
                                              const LoadOptions& opts) {
  std::string text, yaml, body, rule, message, hint;
  int body_line = 0;
  if (!ends_with(rel, ".md") ||
      !read_repo_file(root, root / rel, opts.max_file_bytes, text, rule, message, hint) ||
      check_text(text) || !split_front_matter(text, yaml, body, body_line))
    return std::nullopt;
  return body;
}

namespace {

// metrics.cache places the store, and the build state nines keeps beside it, where nines writes:
// inside the repository (SPEC 4.1). The schema refuses a path that leaves it as written (absolute,
// or with a `..` part); one that leaves it through a symbolic link (`store/cache.db` where
// `store` is a link to a folder elsewhere, or the file a link out) is refused here, where the
// repository's folder is known: an error at the value, and the setting dropped, so that the
// decoder keeps the default store as it does for the schema's refusal. A link to nothing is
// refused too: where it leads may be made later, anywhere. The store folder need not exist yet:
// its longest part that does is resolved (real_path).
void refuse_cache_through_link(const fs::path& root, Node& config, DiagBag& diags) {
  const auto metrics = std::find_if(config.entries.begin(), config.entries.end(),
                                    [](const Entry& e) { return e.key == "metrics"; });
  if (metrics == config.entries.end() || !metrics->value.is_map()) return;
  auto& entries = metrics->value.entries;
  const auto cache =
      std::find_if(entries.begin(), entries.end(), [](const Entry& e) { return e.key == "cache"; });
  if (cache == entries.end() || !cache->value.is_scalar()) return;
  const std::string& written = cache->value.value;
  // What the schema refuses as written is its error alone (the same rule as its pattern).
  if (written.empty() || written.front() == '/' || written.front() == '\\' ||
      (written.size() >= 2 && written[1] == ':' &&
       std::isalpha(static_cast<unsigned char>(written[0]))))
    return;
  for (std::size_t start = 0; start <= written.size();) {
    const std::size_t end = std::min(written.find_first_of("/\\", start), written.size());
    if (std::string_view(written).substr(start, end - start) == "..") return;
    start = end + 1;
  }
  const RealPath real = real_path(root, written);
  if (real.where == RealPath::Where::Inside) return;
  diags.error("nines.yaml", cache->value.loc, "schema",
              "metrics.cache '" + written + "' leads " +
                  (real.where == RealPath::Where::Unfollowable
                       ? "through a symbolic link that cannot be followed (to nothing, or a loop)"
                       : "out of the content repository through a symbolic link") +
                  "; the default store is used",
              "name a place of the repository itself, e.g. cache: .nines/cache.db; whoever runs "
              "nines may keep the store elsewhere with the NINES_CACHE environment variable");
  entries.erase(cache);
}

} // namespace

Node load_config_file(const fs::path& root, const LoadOptions& opts, DiagBag& diags,
                      std::string* bytes) {
  fs::path p = root / "nines.yaml";
  std::error_code ec;
  if (bytes) bytes->clear();
  if (!fs::exists(fs::symlink_status(p, ec))) return Node{};
  // The loader's rules, as for every other file: no link out of the repository (a link to a
  // token file would echo it in diagnostics), regular files only, the size limit.
  std::string text, rule, message, hint;
  if (!read_repo_file(root, p, opts.max_file_bytes, text, rule, message, hint)) {
    diags.error("nines.yaml", {}, rule, message, hint);
    return Node{};
  }
  if (bytes) *bytes = text;
  if (auto problem = check_text(text)) {
    diags.error("nines.yaml", problem->loc, "file-encoding", problem->what + "; not read",
                problem->hint.empty() ? "save the file as UTF-8 text" : problem->hint);
    return Node{};
  }
  Node out;
  read_yaml(text, "nines.yaml", 0, opts.yaml, diags, [&](Node&& n, int idx) {
    if (idx == 0) {
      out = std::move(n);
      return;
    }
    // Settings after a `---` would be dropped without a word (teams that are not read).
    diags.error("nines.yaml", n.loc, "schema",
                "nines.yaml holds more than one YAML document; only the first is read",
                "remove the `---` line so that every setting is in one document");
  });
  if (!out.is_null() && !out.is_map()) {
    // A bare word, a list: nothing a configuration can be read from.
    diags.error("nines.yaml", out.loc, "schema",
                "nines.yaml must be a mapping of settings (title:, defaults:, metrics:, ...)",
                "remove the stray line, or write it as `key: value`");
    return Node{};
  }
  refuse_cache_through_link(root, out, diags);
  return out;
}

namespace {

// One file the walk found: its repository-relative path, its path, and whether its directory
// entry said a regular file, not a link (known without a stat where the file system says).
struct WalkedFile {
  std::string rel;
  fs::path abs;
  bool plain = false;
  bool operator<(const WalkedFile& o) const { return rel < o.rel; }
};

} // namespace

// Whether `chart_file`, a folder's Chart.yaml, is a Helm chart's, as Helm reads one: a mapping
// with a `name` and a `version`, and an `apiVersion` of v2 (Helm 3) or v1 (Helm 2's, which may be
// left out). Any other file of that name (not YAML, a nines document, another tool's file) makes
// no chart, so that it hides nothing: the walk reads its folder as any other, and reports what is
// wrong there. Read under the loader's rules; its findings are not the run's.
bool is_helm_chart_file(const fs::path& root, const fs::path& chart_file, const LoadOptions& opts) {
  std::string text, rule, message, hint;
  if (!read_repo_file(root, chart_file, opts.max_file_bytes, text, rule, message, hint) ||
      check_text(text))
    return false;
  DiagBag scratch;
  bool chart = false;
  read_yaml(text, "Chart.yaml", 0, opts.yaml, scratch, [&](Node&& n, int idx) {
    if (idx != 0 || !n.is_map()) return;
    auto given = [&](const char* key) {
      const Node* v = n.get(key);
      return v && v->is_scalar() && !v->value.empty();
    };
    const Node* api = n.get("apiVersion");
    chart = given("name") && given("version") &&
            (!api || (api->is_scalar() && (api->value == "v1" || api->value == "v2")));
  });
  return chart;
}

namespace {

// The patch files a Kustomize `kustomization` in folder `dir_rel` names, repository-relative:
// `patches[].path`, `patchesJson6902[].path` and the file names of `patchesStrategicMerge`
// (an entry holding a line break or a `:` is an inline patch, no file). A patch is a piece of
// another object (a PrometheusRule's alert with its `severity` changed and no `expr`), which
// Kustomize merges into the real one; read alone it would be an invalid document. Read under the
// loader's rules; its findings are not the run's, and a file that is not one names nothing.
std::vector<std::string> kustomize_patches(const fs::path& root, const fs::path& file,
                                           const std::string& dir_rel, const LoadOptions& opts) {
  std::vector<std::string> out;
  std::string text, rule, message, hint;
  if (!read_repo_file(root, file, opts.max_file_bytes, text, rule, message, hint) ||
      check_text(text))
    return out;
  auto add = [&](const Node* v) {
    if (!v || !v->is_scalar() || v->value.empty() ||
        v->value.find_first_of(":\n") != std::string::npos)
      return;
    const fs::path joined = (fs::path(dir_rel == "." ? "" : dir_rel) / v->value).lexically_normal();
    const std::string rel = joined.generic_string();
    if (!rel.empty() && !rel.starts_with("../") && rel != ".." && !joined.is_absolute())
      out.push_back(rel);
  };
  DiagBag scratch;
  read_yaml(text, file.filename().string(), 0, opts.yaml, scratch, [&](Node&& n, int idx) {
    if (idx != 0 || !n.is_map()) return;
    if (const Node* kind = n.get("kind");
        kind &&
        (!kind->is_scalar() || (kind->value != "Kustomization" && kind->value != "Component")))
      return;
    for (const char* key : {"patches", "patchesJson6902"})
      if (const Node* list = n.get(key); list && list->is_seq())
        for (const Node& item : list->items)
          if (item.is_map()) add(item.get("path"));
    if (const Node* list = n.get("patchesStrategicMerge"); list && list->is_seq())
      for (const Node& item : list->items)
        add(&item);
  });
  return out;
}

// Whether `name` is a file Kustomize reads as a folder's kustomization.
bool is_kustomization_name(std::string_view name) {
  return name == "kustomization.yaml" || name == "kustomization.yml" || name == "Kustomization";
}

// The files the loader reads, in sorted order. A walk of our own rather than
// recursive_directory_iterator: a folder that cannot be read is reported and the walk goes on,
// instead of being skipped silently or ending the walk.
//
// The files of Helm charts go to `helm` instead, sorted: every file in and below a folder whose
// Chart.yaml is a chart's (is_helm_chart_file), but the root's. A chart's templates are no YAML
// until rendered and its values files are Helm's (a `ci/port-values.yaml` of nothing but
// `service:` reads as a nines service), so they are skipped as another tool's files are. The
// repository's root is never a chart: a repository that is one would hide every document it holds.
// A folder is known to be a chart from its own listing, so the walk costs one read of Chart.yaml
// for each chart and nothing for any other folder; below a chart no Chart.yaml is read at all.
//
// A symbolic link whose file lies where the walk never reads (walk_bars: a hidden folder such as
// `.git/`, the output or store folder, or a hidden file) goes to `linked_away`, sorted: skipped
// and counted, never read.
//
// The patch files a folder's Kustomize kustomization names (kustomize_patches) go to `patches`,
// sorted: Kustomize's, as a chart's files are Helm's.
std::vector<WalkedFile> list_repo_files(const fs::path& root, const LoadOptions& opts,
                                        DiagBag& diags, std::vector<std::string>& helm,
                                        std::vector<std::string>& charts,
                                        std::vector<std::string>& linked_away,
                                        std::vector<std::string>& patches) {
  std::set<std::string> patch_files; // named by a kustomization anywhere in the walk
  std::error_code ec;
  fs::path canon_root = fs::weakly_canonical(root, ec);
  std::vector<WalkedFile> files;
  struct Folder {
    fs::path path;
    bool in_chart = false; // in and below a Helm chart
  };
  std::vector<Folder> pending{{root, false}};
  std::vector<char> included(opts.include.size(), 0); // whether each include glob read a file
  // The files of the folder being listed that its globs let through, kept until the listing says
  // whether the folder is a chart.
  struct Found {
    std::string rel;
    fs::path abs;
    bool is_link = false;
    bool plain = false;
  };
  std::vector<Found> here;
  while (!pending.empty()) {
    const Folder folder = std::move(pending.back());
    pending.pop_back();
    const fs::path& dir = folder.path;
    const std::string dir_rel = dir == root ? "." : dir.lexically_relative(root).generic_string();
    fs::directory_iterator it(dir, ec), end;
    if (ec) {
      diags.error(dir_rel, {}, "file-unreadable", "cannot read folder: " + ec.message(),
                  "give nines read and search permission on it, or move it out of the "
                  "repository");
      ec.clear();
      continue;
    }
    here.clear();
    const std::size_t first_subfolder = pending.size();
    fs::path chart_file;    // the folder's Chart.yaml, when it has one and may be a chart
    fs::path kustomization; // the folder's kustomization file, when it has one
    for (; !ec && it != end; it.increment(ec)) {
      const fs::path& p = it->path();
      // Lexical, so a symbolic link is named by where it is, not where it points.
      std::string rel = p.lexically_relative(root).generic_string();
      std::error_code tec;
      bool is_link = it->is_symlink(tec);
      if (it->is_directory(tec)) {
        bool skip = walk_leaves_folder(rel, opts.skip_dirs) || is_link;
        // An excluded folder, or one whose whole content is excluded (`docs/**`), is not walked.
        if (any_glob(opts.exclude, rel, true) || any_glob(opts.exclude, rel + "/\x01", false))
          skip = true;
        if (!skip) pending.push_back({p, folder.in_chart});
        continue;
      }
      // Whatever the globs say of the file itself: it says what its folder is.
      if (!folder.in_chart && dir != root && base_name(rel) == "Chart.yaml") chart_file = p;
      if (is_kustomization_name(base_name(rel))) kustomization = p;
      if (!walk_reads_file(rel)) continue;
      if (rel == "nines.yaml") continue; // read first, by load_config_file
      if (any_glob(opts.exclude, rel, false)) continue;
      if (!opts.include.empty()) {
        bool read = false;
        for (std::size_t i = 0; i < opts.include.size(); ++i)
          if (include_matches(opts.include[i], rel)) {
            included[i] = 1;
            read = true;
          }
        if (!read) continue;
      }
      const bool plain = !is_link && it->is_regular_file(tec) && !tec;
      here.push_back(Found{std::move(rel), p, is_link, plain});
    }
    if (ec) {
      diags.error(dir_rel, {}, "file-unreadable", "cannot walk the folder: " + ec.message());
      ec.clear();
    }
    if (folder.in_chart || (!chart_file.empty() && is_helm_chart_file(root, chart_file, opts))) {
      if (!folder.in_chart) charts.push_back(dir_rel);
      // Helm's, and so is every folder below: none of it is read, so none of it is checked.
      for (std::size_t i = first_subfolder; i < pending.size(); ++i)
        pending[i].in_chart = true;
      for (Found& f : here)
        helm.push_back(std::move(f.rel));
      continue;
    }
    if (!kustomization.empty())
      for (std::string& rel : kustomize_patches(root, kustomization, dir_rel, opts))
        patch_files.insert(std::move(rel));
    for (Found& f : here) {
      if (f.is_link) {
        std::error_code tec;
        fs::path target = fs::weakly_canonical(f.abs, tec);
        std::string t = target.generic_string(), r = canon_root.generic_string() + "/";
        if (tec) {
          // A loop of links, or one the system will not follow: not a question of where it leads.
          diags.error(f.rel, {}, "file-unreadable",
                      "cannot follow the symbolic link: " + tec.message() + "; not read",
                      "point the link at a file of the repository");
          continue;
        }
        if (t.rfind(r, 0) != 0) {
          diags.error(f.rel, {}, "symlink-outside",
                      "symbolic link leads outside the content repository; not read",
                      "copy the file into the repository instead");
          continue;
        }
        // A link into a folder the walk leaves alone (`.git/`, the output folder, the store's),
        // or to a hidden file, reaches what the walk never reads: skipped as it would be there.
        if (!walk_bars(std::string_view(t).substr(r.size()), opts.skip_dirs).empty()) {
          linked_away.push_back(std::move(f.rel));
          continue;
        }
      }
      files.push_back(WalkedFile{std::move(f.rel), std::move(f.abs), f.plain});
    }
  }
  // A glob that reads nothing is most likely a typo, and the run would otherwise say nothing of
  // the files it meant.
  for (std::size_t i = 0; i < opts.include.size(); ++i)
    if (!included[i])
      diags.warning("nines.yaml", i < opts.include_locs.size() ? opts.include_locs[i] : Loc{},
                    "include-unmatched",
                    "include glob '" + opts.include[i] + "' matches no file nines reads",
                    "check the pattern: * matches within one folder name, ** across folders, "
                    "and a name without / matches a file or folder at any depth");
  if (!patch_files.empty())
    files.erase(std::remove_if(files.begin(), files.end(),
                               [&](WalkedFile& f) {
                                 if (!patch_files.count(f.rel)) return false;
                                 patches.push_back(f.rel);
                                 return true;
                               }),
                files.end());
  std::sort(files.begin(), files.end());
  std::sort(helm.begin(), helm.end());
  std::sort(charts.begin(), charts.end());
  std::sort(linked_away.begin(), linked_away.end());
  std::sort(patches.begin(), patches.end());
  return files;
}

// One file read, parsed and checked, waiting to be handed on in order. Its findings are kept
// apart from the run's until then, so they are reported in file order whichever thread read it.
struct FileResult {
  DiagBag diags;
  std::vector<std::pair<std::size_t, RawDoc>> docs; // each after this many of `diags`
  // A metrics CSV file's text, split into rows when it is handed on: one row object, reused from
  // line to line, rather than a vector and strings for each of 150,000 lines at 10k documents.
  std::string csv_text;
  bool accepted = false;                // a document was handed on
  std::vector<std::string> dropped_ids; // add_dropped_ids of the documents classify dropped
  std::exception_ptr error;             // a failure (a bug) while reading it, rethrown in order
};

std::unique_ptr<FileResult> read_file_result(const fs::path& root, const std::string& rel,
                                             const fs::path& abs, bool plain,
                                             const LoadOptions& opts, const LoadHooks& hooks);

// Reads, parses and checks one file, on whichever thread runs it. A file of documents or rows
// whose name is not UTF-8 (a Latin-1 name) is refused as its text would be: its name goes into
// its pages' links, every JSON file that names a document's source and the store, all UTF-8. Any
// other tool's file of such a name is skipped as before.
std::unique_ptr<FileResult> read_one(const fs::path& root, const std::string& rel,
                                     const fs::path& abs, bool plain, const LoadOptions& opts,
                                     const LoadHooks& hooks) {
  auto r = read_file_result(root, rel, abs, plain, opts, hooks);
  if (r->error || (r->docs.empty() && r->csv_text.empty()) || valid_utf8(rel) == rel) return r;
  // Its documents' ids are known to have been there: references to them are not also unknown.
  for (const auto& [at, doc] : r->docs)
    add_dropped_ids(doc.root, r->dropped_ids);
  r->docs.clear();
  r->csv_text.clear();
  r->diags.error(rel, {1, 1}, "file-encoding",
                 "the file's name is not valid UTF-8; the file is not read",
                 "rename the file: its name is part of its pages' links and of the API");
  return r;
}

std::unique_ptr<FileResult> read_file_result(const fs::path& root, const std::string& rel,
                                             const fs::path& abs, bool plain,
                                             const LoadOptions& opts, const LoadHooks& hooks) {
  auto r = std::make_unique<FileResult>();
  DiagBag& diags = r->diags;
  // Every finding of the file is kept; the run's own bag applies the cap and the overrides.
  diags.set_cap(static_cast<std::size_t>(-1));
  try {
    // One buffer a thread for the files' text, kept from file to file: allocating one for each
    // file cost a large allocation (and a consolidation of the allocator's free lists) each time.
    thread_local std::string text_buffer;
    std::string& text = text_buffer;
    std::string rule, message, hint;
    // A file the fingerprint's walk read as a regular file within the limit is not read again;
    // anything else (a link, an empty file) takes read_repo_file's way, which says what is wrong.
    if (plain && opts.read_ahead && opts.read_ahead->take(rel, text) && !text.empty() &&
        text.size() <= opts.max_file_bytes) {
      lone_cr_to_lf(text);
    } else if (!read_repo_file(root, abs, opts.max_file_bytes, text, rule, message, hint, plain)) {
      diags.error(rel, {}, rule, message, hint);
      return r;
    }
    auto encoding_ok = [&](std::string_view t) { return text_is_readable(t, rel, diags); };
    if (ends_with(rel, ".csv")) {
      if (!encoding_ok(text)) return r;
      if (for_each_csv_line(text, [](int, std::string_view) {}) == 0)
        report_empty_csv(rel, diags);
      else
        r->csv_text = text;
      return r;
    }
    int body_line = 0;      // a Markdown file's, once its front matter is split off
    bool nines_doc = false; // a document of a nines kind was handed on
    const std::function<void(RawDoc &&)> take_doc = [&](RawDoc&& doc) {
      doc.body_line = body_line;
      doc.generated = doc.kind == "prometheus_rules" && text.starts_with(k_generated_rules_header);
      const auto& kinds = kind_names();
      nines_doc = nines_doc || std::find(kinds.begin(), kinds.end(), doc.kind) != kinds.end();
      if (hooks.check) hooks.check(doc);
      r->docs.emplace_back(diags.all().size(), std::move(doc));
    };
    auto take = [&](Verdict v) {
      if (v == Verdict::Accepted) r->accepted = true;
    };
    // Mapping keys that are not names (a Helm template's `{{ .Values.x }}` is valid YAML), keys
    // written twice (an mkdocs.yml with two `markdown_extensions:`) and merge keys that merge no
    // mapping are errors in a document nines reads, and nothing in another tool's file, which is
    // skipped (HeldFindings). The verdict is asked first, on a copy and with its findings set
    // aside, so that the errors come before the document is handed on, where they came when the
    // reader reported them. Such documents are rare.
    HeldFindings held;
    auto report_held_if_ours = [&](const Node& n, int idx, const std::string& body_text,
                                   Source source) {
      if (held.empty()) return;
      DiagBag scratch;
      const Verdict v = classify(
          Node(n), idx, rel, body_text, scratch, [](RawDoc&&) {}, source, &opts);
      if (v != Verdict::Foreign && v != Verdict::Empty) report_held_findings(held, rel, diags);
    };
    if (ends_with(rel, ".md")) {
      thread_local std::string yaml, body;
      if (!split_front_matter(text, yaml, body, body_line)) {
        // In UTF-16 or UTF-32 no front matter can be found, so whether the file is a runbook or
        // plain Markdown cannot be told: refused, not skipped as plain Markdown, where a runbook
        // saved in the wrong encoding would vanish without a word.
        if (foreign_encoding(text)) {
          encoding_ok(text);
          return r;
        }
        // Plain Markdown is not ours; but a `---` line over a kind's key (or one close to it)
        // with no closing `---` is a document whose front matter was never closed.
        // The kind, not "the first key": `x-` keys may come before it.
        const std::size_t top = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
        const auto& kinds = kind_names();
        auto kind_text = [&](const std::string& key) {
          return std::find(kinds.begin(), kinds.end(), key) != kinds.end()
                     ? "its kind is '" + key + "'"
                     : "its kind key '" + key + "' reads as a misspelt '" + kind_misspelt_as(key) +
                           "'";
        };
        if (const std::string key = front_matter_kind_key(text, top, FrontMatterKeys::First);
            !key.empty()) {
          diags.error(rel, {1, 1}, "yaml-syntax",
                      "front matter opened here is never closed (" + kind_text(key) + ")",
                      "end the front matter with a line `---`, then the Markdown body");
          return r;
        }
        if (const auto toml = toml_front_matter_kind(text, top)) {
          diags.error(rel, toml->first, "yaml-syntax",
                      "TOML front matter is not read; write YAML between `---` lines (its kind "
                      "is '" +
                          toml->second + "')",
                      "replace the `+++` lines with `---` and write the fields in YAML, indented "
                      "under `" +
                          toml->second + ":`");
          return r;
        }
        // Front matter below blank lines is no front matter (as in Hugo and Jekyll): the file
        // would be skipped as plain Markdown, and the runbook it is would vanish without a word.
        std::size_t at = top;
        int line = 1;
        for (std::size_t nl; (nl = text.find('\n', at)) != std::string::npos &&
                             text.find_first_not_of(" \t\r", at) >= nl;
             at = nl + 1)
          ++line;
        if (line > 1)
          if (const std::string key = front_matter_kind_key(text, at, FrontMatterKeys::First);
              !key.empty())
            diags.error(rel, {line, 1}, "yaml-syntax",
                        "front matter must start on the first line of the file; this one starts "
                        "on line " +
                            std::to_string(line) + " (" + kind_text(key) +
                            "), so the file reads as plain Markdown",
                        "remove the blank lines above the first `---`");
        return r;
      }
      if (!encoding_ok(text)) return r;
      // The parser's own findings are kept aside and passed on as they come, before each document
      // they came with: when the front matter does not parse at all, whether it is ours decides
      // whether they are said. A site generator's template (Hugo's archetypes: `date: {{ .Date
      // }}`) is YAML only once the generator has filled it in; it is another tool's file, skipped
      // and counted like any other foreign Markdown. A front matter that names a kind, a near
      // miss of one or a dialect is a document of ours that is broken, and its error stays.
      DiagBag parsed;
      std::size_t passed = 0; // of parsed's findings, those passed on to diags
      bool any_doc = false;
      auto pass_on = [&] {
        for (; passed < parsed.all().size(); ++passed)
          diags.add(parsed.all()[passed]);
      };
      read_yaml(
          yaml, rel, 1, opts.yaml, parsed,
          [&](Node&& n, int idx) {
            any_doc = true;
            pass_on();
            if (idx > 0) {
              diags.error(rel, n.loc, "unknown-kind", "front matter holds more than one document");
              return;
            }
            report_held_if_ours(n, idx, body, Source::FrontMatter);
            report_front_matter_fields_beside(n, rel, opts, diags);
            const Verdict v =
                classify(std::move(n), idx, rel, body, diags, take_doc, Source::FrontMatter, &opts);
            take(v);
            // classify leaves a document it does not hand on as it was.
            if (v == Verdict::Error) add_dropped_ids(n, r->dropped_ids);
          },
          &held);
      const auto& found = parsed.all();
      const bool not_yaml =
          !any_doc && !found.empty() && std::all_of(found.begin(), found.end(), [](const auto& d) {
            return d.rule == "yaml-syntax" || d.rule == "yaml-tab";
          });
      const std::size_t top = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
      if (not_yaml && front_matter_kind_key(text, top, FrontMatterKeys::Any).empty()) return r;
      pass_on();
      return r;
    }
    if (encoding_ok(text)) {
      const std::string no_body;
      std::vector<Node> foreign; // documents of no kind nor dialect, in file order
      // As for front matter (above): a file of which not one document parses is another tool's
      // (an MkDocs theme's template, a YAML construct the reader does not take) unless a key at
      // column 1 names a kind, a near miss of one or a dialect's mark; then its error stays.
      DiagBag parsed;
      std::size_t passed = 0;
      bool ours = false; // a document of the file was a nines kind's or a dialect's, or an error
      auto pass_on = [&] {
        for (; passed < parsed.all().size(); ++passed)
          diags.add(parsed.all()[passed]);
      };
      read_yaml(
          text, rel, 0, opts.yaml, parsed,
          [&](Node&& n, int idx) {
            pass_on();
            report_held_if_ours(n, idx, no_body, Source::Yaml);
            const Verdict v =
                classify(std::move(n), idx, rel, no_body, diags, take_doc, Source::Yaml, &opts);
            ours = ours || v == Verdict::Accepted || v == Verdict::Error;
            take(v);
            // classify hands a document on by moving it, and leaves one it finds foreign or wrong
            // as it was.
            if (v == Verdict::Foreign) foreign.push_back(std::move(n));
            if (v == Verdict::Error) add_dropped_ids(n, r->dropped_ids);
          },
          &held);
      // Here the documents before the one that does not parse decide too: a Jekyll page's front
      // matter read as a first document, then its Markdown, is another tool's file.
      const auto& found = parsed.all();
      const bool not_yaml = !ours && passed < found.size() &&
                            std::all_of(found.begin() + static_cast<std::ptrdiff_t>(passed),
                                        found.end(), [](const auto& d) {
                                          return d.rule == "yaml-syntax" || d.rule == "yaml-tab";
                                        });
      const std::size_t top = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
      if (not_yaml && kind_key_at_column_one(text, top, FrontMatterKeys::Any, false).empty())
        return r;
      pass_on();
      for (const Node& n : foreign)
        if (nines_doc || holds_misplaced_fields(n, opts)) {
          report_stray_document(n, rel, diags);
          add_dropped_ids(n, r->dropped_ids);
        }
    }
  } catch (...) {
    r->error = std::current_exception();
  }
  return r;
}

} // namespace

void load_repo(const fs::path& root, const LoadOptions& opts, DiagBag& diags,
               const LoadHooks& hooks, LoadNotes* notes) {
  std::vector<std::string> helm;        // the files of Helm charts, skipped
  std::vector<std::string> charts;      // their folders
  std::vector<std::string> linked_away; // links to what the walk never reads, skipped
  std::vector<std::string> patches;     // Kustomize's patch files, skipped
  std::vector<std::string> aside;       // all three, in path order
  const std::vector<WalkedFile> files =
      list_repo_files(root, opts, diags, helm, charts, linked_away, patches);
  aside = helm;
  aside.insert(aside.end(), linked_away.begin(), linked_away.end());
  aside.insert(aside.end(), patches.begin(), patches.end());
  std::sort(aside.begin(), aside.end());
  if (notes) {
    notes->helm_charts = std::move(charts);
    notes->kustomize_patches = patches;
  }
  // Files a Backstage Location names are read after the walk's, in the order they are named,
  // even when include/exclude skip them or they are in a Helm chart: naming a file in a Location
  // is asking for it to be read.
  std::set<std::string> queued;
  for (const auto& f : files)
    queued.insert(f.rel);
  std::vector<std::string> followed;

  CsvDays csv_days; // one SLO-day belongs in one row of one file
  // Hands one file's results on, in file order, on the calling thread.
  auto commit = [&](const std::string& rel, FileResult& r) {
    const std::size_t errors_before = diags.error_count();
    std::size_t replayed = 0;
    auto replay = [&](std::size_t upto) {
      for (; replayed < upto; ++replayed)
        diags.add(r.diags.all()[replayed]);
    };
    for (auto& [at, doc] : r.docs) {
      replay(at);
      if (doc.kind == "backstage")
        if (const Node* k = doc.root.get("kind"); k && k->value == "Location")
          follow_location(root, opts.skip_dirs, doc, diags, [&](const std::string& target) {
            if (queued.insert(target).second) followed.push_back(target);
          });
      hooks.on_doc(std::move(doc));
    }
    replay(r.diags.all().size());
    if (r.error) std::rethrow_exception(r.error);
    if (ends_with(rel, ".csv")) {
      bool header = true;
      csv_days.begin_file(rel);
      // One row object for the file's rows rather than a copy of its name for each of them; the
      // name is put back should the hook have taken it.
      // The row's cells are kept from line to line (split_csv_line writes over them), so the
      // file's rows cost no allocation once the first has made room; made and freed here, by
      // this thread.
      RawCsvRow row{rel, 0, {}, {}};
      for_each_csv_line(r.csv_text, [&](int n, std::string_view line) {
        split_csv_line(line, row.cells, &row.cols);
        if (header) row.golden = is_golden_csv_header(row.cells);
        // One SLO-day in one row: SLO counts only (a golden-signal file's later line for the same
        // day replaces the earlier one, docs/content.md).
        const bool counts = !header && !row.golden && row.cells.size() >= 2;
        row.clash = counts ? csv_days.claim(row.cells[0], row.cells[1], n) : std::nullopt;
        header = false;
        if (row.file != rel) row.file = rel;
        row.line = n;
        // The hook may take the cells; what the day was is kept for forget().
        std::string slo, day;
        if (counts) slo = row.cells[0], day = row.cells[1];
        const std::size_t errors = diags.error_count();
        hooks.on_csv(std::move(row));
        if (counts && diags.error_count() > errors) csv_days.forget(slo, day, n);
      });
      return; // data, not documents: never listed in the notes
    }
    if (!notes) return;
    notes->dropped_ids.insert(notes->dropped_ids.end(), r.dropped_ids.begin(), r.dropped_ids.end());
    if (diags.error_count() > errors_before)
      notes->failed.push_back(rel);
    else if (!r.accepted)
      notes->skipped.push_back(rel);
  };

  const std::size_t n = files.size();
  const unsigned threads =
      static_cast<unsigned>(std::clamp<std::size_t>(opts.jobs, 1, std::max<std::size_t>(n, 1)));
  // The walk's files, on `threads` threads, handed on in order.
  auto read_walked = [&] {
    if (threads == 1) {
      for (const auto& f : files) {
        auto r = read_one(root, f.rel, f.abs, f.plain, opts, hooks);
        commit(f.rel, *r);
      }
      return;
    }
    // A pool of helpers reads files ahead, at most `window` files past the one being handed on, so
    // memory stays bounded; the calling thread hands results on in order and, while the next one
    // is not ready, reads files too.
    //
    // A result is freed by the thread that made it: the calling thread hands a helper's results
    // back to it. Freeing another thread's trees takes that thread's allocator arena lock for
    // most of the frees, and the two threads then queue on the lock: it cost about a tenth of a
    // check's CPU on a large repository.
    const std::size_t window = 4 * static_cast<std::size_t>(threads);
    struct Made {
      std::unique_ptr<FileResult> result;
      unsigned by = 0; // 0: the calling thread; 1..threads-1: a helper
    };
    std::vector<Made> ready(n);
    std::vector<std::vector<std::unique_ptr<FileResult>>> to_free(threads);
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t next = 0, committed = 0;
    unsigned sleeping = 0; // threads waiting on `changed`: a wake-up only when one is
    bool stop = false;
    auto claimable = [&] { return next < n && next < committed + window; };
    auto wake = [&] {
      if (sleeping > 0) changed.notify_all();
    };
    auto work = [&](std::unique_lock<std::mutex>& lock, unsigned self) {
      const std::size_t i = next++;
      std::vector<std::unique_ptr<FileResult>> garbage = std::move(to_free[self]);
      lock.unlock();
      garbage.clear();
      auto r = read_one(root, files[i].rel, files[i].abs, files[i].plain, opts, hooks);
      lock.lock();
      ready[i] = Made{std::move(r), self};
      wake();
    };
    auto wait = [&](std::unique_lock<std::mutex>& lock, auto ready_now) {
      ++sleeping;
      changed.wait(lock, ready_now);
      --sleeping;
    };
    std::vector<std::thread> helpers;
    struct Joiner {
      std::mutex& mutex;
      std::condition_variable& changed;
      bool& stop;
      std::vector<std::thread>& helpers;
      ~Joiner() {
        {
          std::lock_guard<std::mutex> lock(mutex);
          stop = true;
        }
        changed.notify_all();
        for (auto& t : helpers)
          t.join();
      }
    } joiner{mutex, changed, stop, helpers};
    for (unsigned t = 1; t < threads; ++t) {
      // A helper the system will not start leaves its files to the others and the calling thread,
      // which reads whatever is not ready.
      try {
        helpers.emplace_back([&, t] {
          prepare_worker_thread();
          std::unique_lock<std::mutex> lock(mutex);
          for (;;) {
            wait(lock, [&] { return stop || claimable() || next >= n; });
            if (stop || next >= n) break;
            work(lock, t);
          }
          std::vector<std::unique_ptr<FileResult>> garbage = std::move(to_free[t]);
          lock.unlock();
        });
      } catch (const std::system_error&) {
        break;
      }
    }
    std::unique_lock<std::mutex> lock(mutex);
    while (committed < n) {
      if (!ready[committed].result) {
        if (claimable())
          work(lock, 0);
        else
          wait(lock, [&] { return ready[committed].result != nullptr || claimable(); });
        continue;
      }
      Made made = std::move(ready[committed]);
      const std::size_t i = committed++;
      wake();
      lock.unlock();
      commit(files[i].rel, *made.result);
      if (made.by == 0) made.result.reset();
      lock.lock();
      // The helper frees it when it next claims a file; what comes back after its last file is
      // freed when this function returns.
      if (made.result) to_free[made.by].push_back(std::move(made.result));
    }
  };
  read_walked();
  const std::size_t walk_skipped = notes ? notes->skipped.size() : 0;
  // Then the files the Locations named (one may name more), one at a time: they are few.
  for (std::size_t i = 0; i < followed.size(); ++i) {
    const std::string rel = followed[i]; // a copy: commit may append to `followed`
    auto r = read_one(root, rel, root / rel, false, opts, hooks);
    commit(rel, *r);
  }
  // The files of Helm charts and the links to what the walk never reads are listed with the
  // walk's skipped files, in path order, but for those a Location named, which were read (and are
  // in `queued`).
  if (notes && !aside.empty()) {
    std::vector<std::string> skipped;
    skipped.reserve(notes->skipped.size() + aside.size());
    auto walked = notes->skipped.begin() + static_cast<std::ptrdiff_t>(walk_skipped);
    auto h = aside.begin();
    for (auto w = notes->skipped.begin(); w != walked || h != aside.end();) {
      if (h != aside.end() && queued.count(*h)) {
        ++h;
      } else if (w == walked || (h != aside.end() && *h < *w)) {
        skipped.push_back(std::move(*h++));
      } else {
        skipped.push_back(std::move(*w++));
      }
    }
    skipped.insert(skipped.end(), std::make_move_iterator(walked),
                   std::make_move_iterator(notes->skipped.end()));
    notes->skipped = std::move(skipped);
  }
}

void load_repo(const fs::path& root, const LoadOptions& opts, DiagBag& diags,
               const std::function<void(RawDoc&&)>& on_doc,
               const std::function<void(RawCsvRow&&)>& on_csv, LoadNotes* notes) {
  LoadHooks hooks;
  hooks.on_doc = on_doc;
  hooks.on_csv = on_csv;
  LoadOptions one = opts;
  one.jobs = 1;
  load_repo(root, one, diags, hooks, notes);
}

namespace {

std::string read_small(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.pop_back();
  return s;
}

// HEAD of the git repository whose `.git` (a folder, or a file naming one) is `dot` in work
// tree `d`, resolved through its ref.
std::string git_head_in(const fs::path& d, const fs::path& dot) {
  std::error_code ec;
  fs::path gitdir, common;
  if (fs::is_directory(dot, ec)) {
    gitdir = common = dot;
  } else {
    std::string text = read_small(dot);
    if (text.rfind("gitdir: ", 0) != 0) return "?";
    gitdir = fs::path(text.substr(8));
    if (gitdir.is_relative()) gitdir = d / gitdir;
    common = gitdir;
    if (fs::is_regular_file(gitdir / "commondir", ec)) {
      fs::path c = read_small(gitdir / "commondir");
      common = c.is_relative() ? gitdir / c : c;
    }
  }
  // A shallow clone's boundary commits: deepening it (`git fetch --unshallow`) changes the
  // history the run reads, not HEAD.
  const std::string shallow = fs::is_regular_file(common / "shallow", ec)
                                  ? " shallow " + read_small(common / "shallow")
                                  : std::string();
  std::string head = read_small(gitdir / "HEAD");
  if (head.rfind("ref: ", 0) != 0) return "head " + head + shallow;
  const std::string ref = head.substr(5);
  for (const fs::path& base : {gitdir, common})
    if (fs::is_regular_file(base / ref, ec)) return ref + " " + read_small(base / ref) + shallow;
  std::ifstream packed(common / "packed-refs");
  for (std::string line; std::getline(packed, line);)
    if (line.size() > ref.size() + 1 &&
        line.compare(line.size() - ref.size(), ref.size(), ref) == 0 &&
        line[line.size() - ref.size() - 1] == ' ')
      return ref + " " + line + shallow;
  return "unborn " + ref;
}

// The commit the history is read from: HEAD of the git repository holding `root`, resolved
// through its ref (loose or packed, worktrees included), after where `root` sits in the work tree.
// The history of a run is a function of this commit, `now` and the working tree's files (which
// the fingerprint hashes); the pages' links to the repository's web view name files by their path
// from the work tree's top, so the same files in another folder of it make other pages.
std::string git_head(const fs::path& root) {
  std::error_code ec;
  const fs::path start = root.has_filename() ? root : root.parent_path();
  for (fs::path d = start;; d = d.parent_path()) {
    const fs::path dot = d / ".git";
    if (fs::is_directory(dot, ec) || fs::is_regular_file(dot, ec))
      return "at " + start.lexically_relative(d).generic_string() + " " + git_head_in(d, dot);
    if (d == d.parent_path() || d.empty()) return "no git";
  }
}

} // namespace

std::string encode_fingerprint_cache(const FingerprintCache& cache, std::string_view key) {
  // One line a file: its path and a NUL (a path may hold any byte but NUL, newlines included),
  // then its numbers and hashes, none of which holds a space or a newline.
  std::string out = "nines files 1 ";
  out += key;
  out += '\n';
  for (const auto& [rel, e] : cache.entries) {
    out += rel;
    out += '\0';
    out += std::to_string(e.dev) + ' ' + std::to_string(e.ino) + ' ' + std::to_string(e.size) +
           ' ' + std::to_string(e.mtime_ns) + ' ' + std::to_string(e.ctime_ns) + ' ' + e.hash;
    if (e.front) out += " md " + std::to_string(e.head) + ' ' + e.head_hash + ' ' + e.body_hash;
    out += '\n';
  }
  out += "end " + std::to_string(cache.entries.size()) + '\n';
  return out;
}

FingerprintCache decode_fingerprint_cache(std::string_view bytes, std::string_view key) {
  FingerprintCache cache;
  const std::string head = "nines files 1 " + std::string(key) + '\n';
  if (key.empty() || bytes.substr(0, head.size()) != head) return cache;
  bytes.remove_prefix(head.size());
  auto number = [](std::string_view word, auto& out) {
    const auto r = std::from_chars(word.data(), word.data() + word.size(), out);
    return r.ec == std::errc() && r.ptr == word.data() + word.size();
  };
  while (!bytes.empty()) {
    const std::size_t nul = bytes.find('\0');
    if (nul == std::string_view::npos) {
      // The last line counts the entries, so a file cut short is never taken for a whole one.
      std::size_t n = 0;
      if (bytes.substr(0, 4) == "end " && bytes.back() == '\n' &&
          number(bytes.substr(4, bytes.size() - 5), n) && n == cache.entries.size())
        return cache;
      break;
    }
    const std::size_t nl = bytes.find('\n', nul);
    if (nl == std::string_view::npos) break;
    std::string_view line = bytes.substr(nul + 1, nl - nul - 1);
    std::vector<std::string_view> words;
    for (std::size_t at = 0; at <= line.size();) {
      const std::size_t sp = std::min(line.find(' ', at), line.size());
      words.push_back(line.substr(at, sp - at));
      at = sp + 1;
    }
    FingerprintCache::Entry e;
    const bool front = words.size() == 10 && words[6] == "md";
    if ((words.size() != 6 && !front) || !number(words[0], e.dev) || !number(words[1], e.ino) ||
        !number(words[2], e.size) || !number(words[3], e.mtime_ns) ||
        !number(words[4], e.ctime_ns) || words[5].empty())
      break;
    e.hash = words[5];
    if (front) {
      if (!number(words[7], e.head) || words[8].empty() || words[9].empty()) break;
      e.front = true;
      e.head_hash = words[8];
      e.body_hash = words[9];
    }
    std::string rel(bytes.substr(0, nul));
    if (!cache.entries.empty() && !(cache.entries.back().first < rel)) break; // sorted, unique
    cache.entries.emplace_back(std::move(rel), std::move(e));
    bytes.remove_prefix(nl + 1);
  }
  return {};
}

void ReadAhead::put(const std::string& rel, std::string_view bytes) {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_bytes + bytes.size() > k_capacity || m_files.count(rel)) return;
  m_bytes += bytes.size();
  m_files.emplace(rel, std::string(bytes));
}

bool ReadAhead::take(const std::string& rel, std::string& out) {
  std::string found;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_files.find(rel);
    if (it == m_files.end()) return false;
    found = std::move(it->second);
    m_files.erase(it);
  }
  out = std::move(found);
  return true;
}

std::size_t ReadAhead::size() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_files.size();
}

std::string repo_fingerprint(const fs::path& root_in, const LoadOptions& opts,
                             const FingerprintScope& scope,
                             const std::function<std::string(std::string_view)>& hash,
                             ProseFingerprint* prose, FingerprintCache* cache,
                             ReadAhead* read_ahead, std::string* config_hash) {
  // Files changed after the walk's start, less the clock's coarsest tick, are not remembered.
  struct timespec started {};
  ::clock_gettime(CLOCK_REALTIME, &started);
  const std::int64_t remember_before =
      (cache && cache->now_ns != 0
           ? cache->now_ns
           : static_cast<std::int64_t>(started.tv_sec) * 1'000'000'000 + started.tv_nsec) -
      FingerprintCache::k_racy_margin_ns;
  std::error_code ec;
  const fs::path root = fs::absolute(root_in, ec).lexically_normal();
  const fs::path& out = scope.out;
  const std::string out_name = out.filename().string();
  const std::string store = scope.store.string();
  std::vector<std::pair<std::string, fs::path>> files;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  if (ec) return {};
  for (; it != end; it.increment(ec)) {
    if (ec) return {};
    const fs::path& p = it->path();
    const std::string name = p.filename().string();
    // The site writer's own folders beside OUT; any other folder, a user's `site.old-2024`
    // included, is content like the rest.
    const bool writer_temp =
        p.parent_path() == out.parent_path() && is_writer_folder_name(name, out_name);
    if (name == ".git" || p == out || writer_temp) {
      if (it->is_directory(ec) && !it->is_symlink(ec)) it.disable_recursion_pending();
      continue;
    }
    const std::string ps = p.string();
    if (ps == store || ps == store + "-wal" || ps == store + "-shm" || ps == store + "-journal")
      continue;
    // The build's own files, and the temporary ones they are written through (".NAME.tmp-…"),
    // which a build into another folder may have there right now, or a killed one left.
    if (!scope.store_records_prefix.empty() && p.parent_path() == scope.store.parent_path() &&
        std::string_view(name)
            .substr(name.size() > 1 && name[0] == '.' ? 1 : 0)
            .starts_with(scope.store_records_prefix))
      continue;
    if (it->is_symlink(ec) || it->is_regular_file(ec))
      files.emplace_back(p.lexically_relative(root).generic_string(), p);
  }
  std::sort(files.begin(), files.end());
  // Each file's line (and, with `prose`, its structure line and body hash) is made on the
  // loader's threads, into its own slot, and the slots are joined in path order: the result does
  // not depend on the threads. Read and hashed one after the other, the files kept a rebuild on
  // one core while the other idled.
  struct FileLines {
    std::string text, structure, body_hash, hash;
    bool body = false;
    bool failed = false;
    bool from_cache = false;
    std::optional<FingerprintCache::Entry> remembered; // for the cache this walk leaves
  };
  // With a cache, a file's lines are made from what the cache (or this walk) knows of it, the
  // same way either way; its Markdown split is needed then even without `prose`.
  const bool split = prose || cache;
  auto fill = [&](const std::string& rel, const FingerprintCache::Entry& e, FileLines& line) {
    line.text = rel + " " + std::to_string(e.size) + " " + e.hash + "\n";
    line.hash = e.hash;
    if (e.front) {
      line.structure = rel + " md " + std::to_string(e.head) + " " + e.head_hash + "\n";
      line.body = true;
      line.body_hash = e.body_hash;
    } else {
      line.structure = line.text;
    }
  };
  auto find_cached = [&](const std::string& rel) -> const FingerprintCache::Entry* {
    if (!cache) return nullptr;
    const auto found = std::lower_bound(
        cache->entries.begin(), cache->entries.end(), rel,
        [](const auto& entry, const std::string& key) { return entry.first < key; });
    return found != cache->entries.end() && found->first == rel ? &found->second : nullptr;
  };
  auto nanoseconds = [](const struct timespec& t) {
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
  };
  std::vector<FileLines> lines(files.size());
  parallel_for(files.size(), static_cast<int>(std::max(1u, opts.jobs)), [&](std::size_t i) {
    const auto& [rel, p] = files[i];
    FileLines& line = lines[i];
    std::error_code link_ec;
    line.text = rel;
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) {
      line.failed = true;
      return;
    }
    const bool link = S_ISLNK(st.st_mode);
    if (link) {
      line.text += " -> " + fs::read_symlink(p, link_ec).string();
      if (::stat(p.c_str(), &st) != 0) st = {};
    }
    if (link || static_cast<std::uintmax_t>(st.st_size) > opts.max_file_bytes) {
      line.text += " " + std::to_string(st.st_size) + "@" + std::to_string(st.st_mtim.tv_sec) +
                   "." + std::to_string(st.st_mtim.tv_nsec) + "\n";
      if (prose) line.structure = line.text;
      // The build compares nines.yaml's bytes as it read them with the ones this walk saw; a
      // linked nines.yaml with no hash here would never match, and every build would be full.
      if (config_hash && link && rel == "nines.yaml" && S_ISREG(st.st_mode) &&
          static_cast<std::uintmax_t>(st.st_size) <= opts.max_file_bytes) {
        std::string linked;
        if (read_file(p, linked, static_cast<std::size_t>(st.st_size), true))
          line.hash = hash(linked);
      }
      return;
    }
    FingerprintCache::Entry seen;
    seen.dev = static_cast<std::uint64_t>(st.st_dev);
    seen.ino = static_cast<std::uint64_t>(st.st_ino);
    seen.size = static_cast<std::uint64_t>(st.st_size);
    seen.mtime_ns = nanoseconds(st.st_mtim);
    seen.ctime_ns = nanoseconds(st.st_ctim);
    const bool settled = seen.mtime_ns < remember_before && seen.ctime_ns < remember_before;
    if (const FingerprintCache::Entry* e = find_cached(rel);
        e && settled && e->dev == seen.dev && e->ino == seen.ino && e->size == seen.size &&
        e->mtime_ns == seen.mtime_ns && e->ctime_ns == seen.ctime_ns) {
      fill(rel, *e, line);
      line.from_cache = true;
      line.remembered = *e;
      return;
    }
    thread_local std::string bytes, yaml, body;
    // Up to the size the lstat saw: the line stands for the file as that lstat saw it (the cache
    // keeps its stamps with it), and a file changed since has other stamps at the next walk.
    if (!read_file(p, bytes, static_cast<std::size_t>(st.st_size), true)) {
      line.failed = true;
      return;
    }
    seen.hash = hash(bytes);
    // Whole (the read found its end where the lstat said) and one the loader reads: kept for it.
    if (read_ahead && !bytes.empty() && walk_reads_file(rel) &&
        bytes.size() == static_cast<std::size_t>(st.st_size))
      read_ahead->put(rel, bytes);
    int body_line = 0;
    const bool markdown = rel.size() > 3 && rel.compare(rel.size() - 3, 3, ".md") == 0;
    if (split && markdown && split_front_matter(bytes, yaml, body, body_line)) {
      const std::string_view head(bytes.data(), bytes.size() - body.size());
      seen.front = true;
      seen.head = head.size();
      seen.head_hash = hash(head);
      seen.body_hash = hash(body);
    }
    // The size read, not the size stat saw: the file may have changed in between.
    seen.size = bytes.size();
    fill(rel, seen, line);
    // Hashes that hold a space or a newline could not be saved; such a hash function gets no
    // cache.
    const auto plain = [](const std::string& h) {
      return !h.empty() && h.find_first_of(" \n") == std::string::npos;
    };
    if (cache && settled && plain(seen.hash) &&
        (!seen.front || (plain(seen.head_hash) && plain(seen.body_hash))))
      line.remembered = std::move(seen);
    // A huge file read once must not keep its buffer on the thread for good.
    if (bytes.capacity() > (std::size_t{1} << 22)) std::string().swap(bytes);
  });
  std::string text = git_head(root) + "\n";
  std::string structure = text; // with `prose`: the same lines, a Markdown file's front matter only
  FingerprintCache learnt;
  std::size_t hits = 0;
  if (config_hash) config_hash->clear();
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (lines[i].failed) return {};
    text += lines[i].text;
    if (config_hash && files[i].first == "nines.yaml") *config_hash = lines[i].hash;
    if (lines[i].remembered) {
      hits += lines[i].from_cache ? 1 : 0;
      learnt.entries.emplace_back(files[i].first, std::move(*lines[i].remembered));
    }
    if (!prose) continue;
    structure += lines[i].structure;
    if (lines[i].body) prose->bodies[files[i].first] = std::move(lines[i].body_hash);
  }
  if (cache) {
    learnt.unchanged = hits == cache->entries.size() && hits == learnt.entries.size();
    *cache = std::move(learnt);
  }
  if (prose) prose->structure = hash(structure);
  return hash(text);
}

std::optional<fs::path> find_repo_root(const fs::path& start, std::string* unreadable,
                                       bool upward) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec).lexically_normal();
  if (ec) return std::nullopt;
  // The folder as the user named it, in messages.
  const fs::path given = dir;
  auto shown = [&](const fs::path& d) { return d == given ? start.string() : d.string(); };
  auto refuse = [&](const std::string& what) {
    if (unreadable) *unreadable = what;
    return std::nullopt;
  };
  while (true) {
    const fs::path config = dir / "nines.yaml";
    ec.clear();
    // Not followed: a symbolic link whose target is missing is a nines.yaml that cannot be read,
    // not a folder without one.
    const bool found = fs::exists(fs::symlink_status(config, ec));
    // A folder that cannot be looked into is not a folder without nines.yaml: saying "not a
    // nines repository" would send people to `nines init` instead of to the permissions.
    if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory)
      return refuse("cannot read the folder '" + shown(dir) + "': " + ec.message());
    if (found) {
      // The repository is read as a whole: a root that cannot be listed, or a nines.yaml that
      // cannot be opened, would otherwise look like an empty repository (and every reference
      // into it like a dangling one).
      fs::directory_iterator list(dir, ec);
      if (ec) return refuse("cannot read the folder '" + shown(dir) + "': " + ec.message());
      const std::string file = (fs::path(shown(dir)) / "nines.yaml").string();
      // Only a regular file (or a link to one) is read: a folder, a FIFO or a device named
      // nines.yaml is refused here, before anything is read or written. O_NONBLOCK: a FIFO with
      // no writer never holds the open up.
      const int fd = ::open(config.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0) {
        const int err = errno;
        if (err == ENOENT)
          return refuse("cannot read '" + file + "': it is a symbolic link to '" +
                        fs::read_symlink(config, ec).string() + "', which does not exist");
        return refuse("cannot read '" + file + "': " + std::generic_category().message(err));
      }
      struct stat st {};
      const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
      const mode_t mode = st.st_mode;
      ::close(fd);
      if (!regular)
        return refuse("cannot read '" + file + "': it is " +
                      (S_ISDIR(mode)    ? "a folder"
                       : S_ISFIFO(mode) ? "a named pipe (FIFO)"
                       : S_ISSOCK(mode) ? "a socket"
                                        : "a device") +
                      ", not a file");
      return dir;
    }
    // Fixed (a folder nines wrote itself), or the filesystem root.
    if (!upward || !dir.has_relative_path()) return std::nullopt;
    dir = dir.parent_path();
  }
}

} // namespace nines
