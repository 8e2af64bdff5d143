// Two read-only views of a JSON value with one interface, so the quick schema check and the
// document digest are written once and read either form:
// - JsonView: an nlohmann::json value;
// - NodeView: a positioned YAML tree read as to_json() would convert it (plain scalars typed by
//   the YAML 1.2 core schema, absent values left out of mappings and placeholder rows out of
//   lists), without building
//   the converted tree. Building it cost more than the check and the digest together.
#pragma once

#include "model/node.hpp"
#include "validate/yaml_json.hpp"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace nines {

class JsonView {
public:
  explicit JsonView(const nlohmann::json& v) : m_v(v) {}

  nlohmann::json::value_t type() const { return m_v.type(); }
  // Only for a string, a boolean and a number, in that order.
  const std::string& string() const { return m_v.get_ref<const std::string&>(); }
  bool boolean() const { return m_v.get<bool>(); }
  // A scalar that is not a string, as nlohmann holds it (null, boolean or number).
  const nlohmann::json& scalar() const { return m_v; }
  // Arrays and objects: the number of items or members.
  std::size_t size() const { return m_v.size(); }
  bool has(const std::string& key) const { return m_v.find(key) != m_v.end(); }
  // Calls f(item) for each item, until it returns false; returns whether none did.
  template <class F> bool all_items(F&& f) const {
    for (const auto& item : m_v)
      if (!f(JsonView(item))) return false;
    return true;
  }
  // Calls f(key, value) for each member in key order, until it returns false.
  template <class F> bool all_members(F&& f) const {
    for (auto it = m_v.begin(); it != m_v.end(); ++it)
      if (!f(it.key(), JsonView(it.value()))) return false;
    return true;
  }

private:
  const nlohmann::json& m_v;
};

class NodeView {
public:
  explicit NodeView(const Node& n) : m_n(n) {
    if (n.kind == Node::Kind::Scalar && !n.quoted) m_plain = resolve_plain(n.value);
  }

  nlohmann::json::value_t type() const {
    using T = nlohmann::json::value_t;
    switch (m_n.kind) {
    case Node::Kind::Null:
      return T::null;
    case Node::Kind::Scalar:
      return m_plain ? m_plain->type() : T::string;
    case Node::Kind::Seq:
      return T::array;
    case Node::Kind::Map:
      return T::object;
    }
    return T::null;
  }
  const std::string& string() const { return m_n.value; }
  bool boolean() const { return m_plain->get<bool>(); }
  const nlohmann::json& scalar() const {
    static const nlohmann::json null_value;
    return m_plain ? *m_plain : null_value;
  }
  std::size_t size() const {
    if (m_n.kind == Node::Kind::Seq)
      return static_cast<std::size_t>(
          std::count_if(m_n.items.begin(), m_n.items.end(),
                        [](const Node& i) { return !is_placeholder_row(i); }));
    return static_cast<std::size_t>(
        std::count_if(m_n.entries.begin(), m_n.entries.end(),
                      [](const Entry& e) { return !e.value.is_absent(); }));
  }
  bool has(const std::string& key) const {
    const Node* v = m_n.get(key);
    return v && !v->is_absent();
  }
  template <class F> bool all_items(F&& f) const {
    for (const auto& item : m_n.items)
      if (!is_placeholder_row(item) && !f(NodeView(item))) return false;
    return true;
  }
  // In key order, as a std::map-backed nlohmann object holds them: the digest depends on it.
  // The tree has no duplicate keys (the reader reports and drops them).
  template <class F> bool all_members(F&& f) const {
    std::vector<const Entry*> present;
    present.reserve(m_n.entries.size());
    for (const auto& e : m_n.entries)
      if (!e.value.is_absent()) present.push_back(&e);
    std::sort(present.begin(), present.end(),
              [](const Entry* a, const Entry* b) { return a->key < b->key; });
    for (const Entry* e : present)
      if (!f(e->key, NodeView(e->value))) return false;
    return true;
  }

private:
  const Node& m_n;
  std::optional<nlohmann::json> m_plain; // a plain scalar's null, boolean or number
};

} // namespace nines
