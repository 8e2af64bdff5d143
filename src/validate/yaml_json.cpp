#include "validate/yaml_json.hpp"

#include "load/yaml_reader.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <regex>

namespace nines {
using nlohmann::json;

std::optional<json> resolve_plain(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return json(nullptr);
  if (s == "true" || s == "True" || s == "TRUE") return json(true);
  if (s == "false" || s == "False" || s == "FALSE") return json(false);
  static const std::regex int_re("^[-+]?[0-9]+$");
  static const std::regex float_re("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
  if (std::regex_match(s, int_re)) {
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno == 0) return json(v);
    return json(std::strtod(s.c_str(), nullptr));
  }
  if (std::regex_match(s, float_re)) {
    double v = std::strtod(s.c_str(), nullptr);
    if (std::isfinite(v)) return json(v);
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
