// A YAML tree that remembers where every node came from. yaml-cpp's own Node keeps no marks for
// keys and allows duplicate keys, so the loader builds this from parser events instead.
#pragma once

#include "diag/diagnostic.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace nines {

struct Entry;

struct Node {
  enum class Kind : unsigned char { Null, Scalar, Seq, Map };

  Kind kind = Kind::Null;
  // Quoted or block scalars are always strings; plain ones resolve to null/bool/number/string.
  bool quoted = false;
  // A mapping or list written in flow style (`{a: 1}`, `[x]`): its entries share lines with
  // others, so an edit by lines cannot touch it (write/repo_edit).
  bool flow = false;
  // A mapping that had a key which is not a scalar, set aside by the reader: the unquoted
  // `{{ … }}` of a cookiecutter, Jinja or Helm template reads as a mapping used as a key.
  bool complex_key = false;
  Loc loc;
  std::string value;          // Scalar
  std::vector<Node> items;    // Seq
  std::vector<Entry> entries; // Map, in document order

  bool is_null() const { return kind == Kind::Null; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_seq() const { return kind == Kind::Seq; }
  bool is_map() const { return kind == Kind::Map; }

  // The value under `key` in a map, or nullptr.
  const Node* get(std::string_view key) const;
  const Entry* entry(std::string_view key) const;

  // "Not given": null, or an empty string (the seed templates' "" placeholder).
  bool is_absent() const { return kind == Kind::Null || (kind == Kind::Scalar && value.empty()); }
};

struct Entry {
  std::string key;
  Loc key_loc;
  Node value;
};

// Whether a mapping key is an `x-` extension: the author's own field, which SPEC 1.3 lets any
// document carry where its schema admits `^x-` keys, and which nines never reads as data.
inline bool is_extension_key(std::string_view key) {
  return key.substr(0, 2) == "x-";
}

inline const Entry* Node::entry(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

inline const Node* Node::get(std::string_view key) const {
  const Entry* e = entry(key);
  return e ? &e->value : nullptr;
}

} // namespace nines
