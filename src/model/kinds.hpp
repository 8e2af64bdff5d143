// The kind registry: one row per document kind (SPEC 1.2). Everything that needs to know the kinds
// reads them from here: the loader's list and its hint, the decode dispatch, the link stage's id
// collection, the schema-list test and the docs test.
//
// Adding a kind means a schema (schemas/<name>.schema.json), a struct with a `DocMeta meta` and a
// `std::vector` of it in Repo (model.hpp), a row below, and its decoder: the overload
// `decode_fields(const Node&, T&, const Config&, DiagBag&)` in validate/decode.cpp. A row without
// a decoder does not compile, so no kind can be dropped silently.
#pragma once

#include "model/model.hpp"

#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace nines {

// How a document's id is chosen when it has no `id` field (SPEC 1.2).
enum class IdRule {
  PathStem,       // the slug of the file name
  NameOrPathStem, // the `name` field, else the slug of the file name
};

template <typename T> struct KindRow {
  using Doc = T;
  std::string_view name;      // the top-level key, e.g. "error_budget_policy"
  std::string_view label;     // in messages, e.g. "error budget policy"
  IdRule id_rule;             // without an `id` field
  std::vector<T> Repo::*docs; // where decoded documents go
};

// In the order the site lists them.
inline constexpr auto k_kinds = std::make_tuple(
    KindRow<Service>{"service", "service", IdRule::NameOrPathStem, &Repo::services},
    KindRow<Sli>{"sli", "sli", IdRule::NameOrPathStem, &Repo::slis},
    KindRow<Slo>{"slo", "slo", IdRule::PathStem, &Repo::slos},
    KindRow<Policy>{"error_budget_policy", "error budget policy", IdRule::PathStem,
                    &Repo::policies},
    KindRow<Postmortem>{"postmortem", "postmortem", IdRule::PathStem, &Repo::postmortems},
    KindRow<Runbook>{"runbook", "runbook", IdRule::PathStem, &Repo::runbooks},
    KindRow<ToilItem>{"toil_item", "toil item", IdRule::NameOrPathStem, &Repo::toil},
    KindRow<CapacityModel>{"capacity_model", "capacity model", IdRule::PathStem, &Repo::capacity},
    KindRow<Experiment>{"experiment", "experiment", IdRule::NameOrPathStem, &Repo::experiments},
    KindRow<AutoRemediation>{"auto_remediation", "auto remediation", IdRule::PathStem,
                             &Repo::remediations},
    KindRow<Rotation>{"oncall_rotation", "on-call rotation", IdRule::NameOrPathStem,
                      &Repo::rotations},
    KindRow<ReadinessReview>{"readiness_review", "readiness review", IdRule::PathStem,
                             &Repo::readiness},
    KindRow<Assessment>{"assessment", "assessment", IdRule::PathStem, &Repo::assessments},
    KindRow<MonthlyReportDoc>{"monthly_report", "monthly report", IdRule::PathStem, &Repo::reports},
    KindRow<Maintenance>{"maintenance", "maintenance", IdRule::PathStem, &Repo::maintenance});

// The Backstage kinds nines reads (SPEC 1.2). Backstage's kinds are open: it added Environment,
// and plugins bring their own. A `backstage.io/` document of another kind is skipped and counted as
// a foreign file is, unless its kind is a typo of one of these (`Componet`): that is an error
// with its did-you-mean (docs/dialects.md).
inline const std::vector<std::string> k_backstage_kinds = {
    "Component", "API", "Resource", "System", "Domain", "Group", "User", "Location"};

// The Backstage kind that `kind` is a typo of, or "" when it is a kind of its own. A typo is
// within closest()'s distance of one of the eight (`Componet`, `component`); but one of the eight
// with whole CamelCase words added before or after it (`AiResource`, the AI-model plugin's kind)
// is a plugin's kind, however close: the part added starts with a capital letter. `Components`
// adds a lowercase letter, so it stays a typo.
inline std::string backstage_kind_meant(std::string_view kind) {
  const std::string meant = closest(kind, k_backstage_kinds);
  if (meant.empty() || kind == meant) return meant;
  auto capital = [](char c) { return c >= 'A' && c <= 'Z'; };
  for (const auto& k : k_backstage_kinds)
    for (auto p = kind.find(k); p != std::string_view::npos; p = kind.find(k, p + 1)) {
      const std::string_view after = kind.substr(p + k.size());
      if ((p > 0 || !after.empty()) && (after.empty() || capital(after.front())) &&
          (p == 0 || capital(kind.front())))
        return "";
    }
  return meant;
}

// Calls `f(row)` for every row, in order.
template <typename F> constexpr void for_each_kind(F&& f) {
  std::apply([&](const auto&... row) { (f(row), ...); }, k_kinds);
}

// True when `id` can name an output page: ^[a-z0-9][a-z0-9._-]{0,127}$ (SPEC 1.2), so an id can
// never reach outside the output folder.
inline bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  auto ok = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (!first && (c == '.' || c == '_' || c == '-'));
  };
  for (std::size_t i = 0; i < id.size(); ++i)
    if (!ok(id[i], i == 0)) return false;
  return true;
}

// The kinds' names, in registry order.
inline const std::vector<std::string>& kind_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for_each_kind([&](const auto& row) { v.emplace_back(row.name); });
    return v;
  }();
  return names;
}

// The label of a kind ("error budget policy"), or the name itself when it is no kind.
inline std::string kind_label(std::string_view name) {
  std::string label(name);
  for_each_kind([&](const auto& row) {
    if (row.name == name) label = row.label;
  });
  return label;
}

} // namespace nines
