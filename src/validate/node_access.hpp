// Typed reads from positioned trees that the schema has already checked. Missing → empty.
#pragma once

#include "model/model.hpp"
#include "model/node.hpp"
#include "validate/yaml_json.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nines {

inline const Node& null_node() {
  static const Node n{};
  return n;
}

inline const Node& at(const Node& n, std::string_view key) {
  const Node* v = n.is_map() ? n.get(key) : nullptr;
  return v ? *v : null_node();
}

inline std::string str(const Node& n) {
  return n.is_scalar() ? n.value : std::string();
}
inline std::string str(const Node& n, std::string_view key) {
  return str(at(n, key));
}

inline Text text(const Node& n, std::string_view key) {
  const Node& v = at(n, key);
  return Text{str(v), v.loc};
}

inline std::optional<double> num(const Node& n) {
  if (!n.is_scalar() || n.quoted) return std::nullopt;
  auto v = resolve_plain(n.value);
  if (v && v->is_number()) return v->get<double>();
  return std::nullopt;
}
inline std::optional<double> num(const Node& n, std::string_view key) {
  return num(at(n, key));
}

inline std::optional<bool> boolean(const Node& n) {
  if (!n.is_scalar() || n.quoted) return std::nullopt;
  auto v = resolve_plain(n.value);
  if (v && v->is_boolean()) return v->get<bool>();
  return std::nullopt;
}
inline bool flag(const Node& n, std::string_view key) {
  return boolean(at(n, key)).value_or(false);
}

inline std::vector<std::string> strs(const Node& n) {
  std::vector<std::string> out;
  for (const auto& i : n.items)
    if (i.is_scalar() && !i.value.empty()) out.push_back(i.value);
  return out;
}
inline std::vector<std::string> strs(const Node& n, std::string_view key) {
  return strs(at(n, key));
}

// The entries of a mapping whose keys are data (budget states, ICS roles, golden signals...),
// without its `x-` extensions: the schemas admit those beside the named keys, and a note such as
// `x-todo: ask the platform team` is never a state, a role or a query. Every decoder that reads
// a mapping's keys as data reads them through this.
// (A list, not a filtering view: the fuzz target's clang cannot compile libstdc++'s views.)
inline std::vector<std::reference_wrapper<const Entry>> data_entries(const Node& n) {
  std::vector<std::reference_wrapper<const Entry>> out;
  for (const auto& e : n.entries)
    if (!is_extension_key(e.key)) out.push_back(std::cref(e));
  return out;
}

inline Ref ref(const Node& n, std::string_view key) {
  const Node& v = at(n, key);
  return Ref{str(v), v.loc};
}

inline std::vector<Ref> refs(const Node& n) {
  std::vector<Ref> out;
  for (const auto& i : n.items)
    if (i.is_scalar() && !i.value.empty()) out.push_back(Ref{i.value, i.loc});
  return out;
}

} // namespace nines
