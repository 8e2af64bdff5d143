#include "validate/yaml_json.hpp"

#include "load/yaml_reader.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace nines {
using nlohmann::json;

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Advances past a run of ASCII digits; returns how many there were.
std::size_t skip_digits(const std::string& s, std::size_t& i) {
  std::size_t start = i;
  while (i < s.size() && is_digit(s[i]))
    ++i;
  return i - start;
}

enum class Number { None, Int, Float };

// The YAML 1.2 core schema's number forms, matched by hand: a std::regex per scalar cost more
// than parsing the YAML. Int is [-+]?[0-9]+; float is
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?.
Number classify_number(const std::string& s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t int_digits = skip_digits(s, i);
  if (i == s.size()) return int_digits > 0 ? Number::Int : Number::None;
  if (s[i] == '.') {
    ++i;
    std::size_t frac_digits = skip_digits(s, i);
    if (int_digits == 0 && frac_digits == 0) return Number::None;
  } else if (int_digits == 0) {
    return Number::None;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (skip_digits(s, i) == 0) return Number::None;
  }
  return i == s.size() ? Number::Float : Number::None;
}

} // namespace

std::optional<json> resolve_plain(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return json(nullptr);
  if (s == "true" || s == "True" || s == "TRUE") return json(true);
  if (s == "false" || s == "False" || s == "FALSE") return json(false);
  switch (classify_number(s)) {
  case Number::Int: {
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno == 0) return json(v);
    return json(std::strtod(s.c_str(), nullptr));
  }
  case Number::Float: {
    double v = std::strtod(s.c_str(), nullptr);
    if (std::isfinite(v)) return json(v);
    break;
  }
  case Number::None:
    break;
  }
  return std::nullopt;
}

namespace {

json convert(const Node& n, std::vector<Loc>& bools) {
  switch (n.kind) {
  case Node::Kind::Null:
    return json(nullptr);
  case Node::Kind::Scalar:
    if (!n.quoted) {
      if (auto v = resolve_plain(n.value)) return *v;
      if (looks_like_yaml11_bool(n.value)) bools.push_back(n.loc);
    }
    return json(n.value);
  case Node::Kind::Seq: {
    json a = json::array();
    for (const auto& item : n.items)
      if (!item.is_absent()) a.push_back(convert(item, bools));
    return a;
  }
  case Node::Kind::Map: {
    json o = json::object();
    for (const auto& e : n.entries)
      if (!e.value.is_absent()) o[e.key] = convert(e.value, bools);
    return o;
  }
  }
  return json(nullptr);
}

} // namespace

YamlJson to_json(const Node& root) {
  YamlJson out;
  out.value = convert(root, out.yaml11_bools);
  return out;
}

} // namespace nines
