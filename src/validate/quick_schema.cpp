#include "validate/quick_schema.hpp"

#include "validate/json_view.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <unordered_map>
#include <valijson/utils/utf8_utils.hpp>

namespace nines {
using nlohmann::json;

namespace {
class LazyRegex;
}

// One schema node. Each check mirrors the valijson 1.0 constraint of the same keyword with
// strict types (the Validator's default), so that what passes here passes there.
struct QuickSchema::Rule {
  bool never = false; // the `false` schema
  unsigned types = 0; // allowed JSON types, a bit each (k_type_*); 0 = any
  std::vector<json> enum_values;
  bool has_enum = false;
  std::optional<json> const_value;
  std::vector<std::string> required;
  // properties / patternProperties / additionalProperties, as one constraint (valijson's)
  bool has_properties = false;
  std::vector<std::pair<std::string, int>> properties; // sorted by name
  struct PatternProperty {
    std::string prefix; // a pattern `^literal` is tested as a prefix
    LazyRegex* regex = nullptr;
    int rule = -1;
  };
  std::vector<PatternProperty> pattern_properties;
  int additional = -1;           // the rule of properties matched by neither, -1 = any value
  bool additional_false = false; // `additionalProperties: false`
  int items = -1;
  LazyRegex* pattern = nullptr;
  std::optional<std::uint64_t> min_length, max_length, min_items, max_items, min_props, max_props;
  // valijson makes `minimum` and `exclusiveMinimum` two constraints; so are they here.
  std::optional<double> minimum, maximum, exclusive_minimum, exclusive_maximum;
  std::vector<int> all_of, any_of, one_of;
  // if/then/else (draft 7), -1 = absent; `then` and `else` count only beside an `if`.
  int if_rule = -1, then_rule = -1, else_rule = -1;
};

namespace {

constexpr unsigned k_type_array = 1, k_type_boolean = 2, k_type_integer = 4, k_type_null = 8,
                   k_type_number = 16, k_type_object = 32, k_type_string = 64;

unsigned type_bit(const std::string& name) {
  if (name == "array") return k_type_array;
  if (name == "boolean") return k_type_boolean;
  if (name == "integer") return k_type_integer;
  if (name == "null") return k_type_null;
  if (name == "number") return k_type_number;
  if (name == "object") return k_type_object;
  if (name == "string") return k_type_string;
  return 0;
}

bool type_allows(unsigned types, json::value_t type) {
  switch (type) {
  case json::value_t::array:
    return types & k_type_array;
  case json::value_t::boolean:
    return types & k_type_boolean;
  case json::value_t::number_integer:
  case json::value_t::number_unsigned:
    return types & (k_type_integer | k_type_number);
  case json::value_t::number_float:
    return types & k_type_number;
  case json::value_t::null:
    return types & k_type_null;
  case json::value_t::object:
    return types & k_type_object;
  case json::value_t::string:
    return types & k_type_string;
  default:
    return false;
  }
}

// valijson's strict equality for the values an enum or const can hold here. Numbers, arrays
// and objects are never called equal: a false "no" only sends the document to valijson.
template <class View> bool strictly_equal(const json& wanted, const View& v) {
  if (wanted.is_string())
    return v.type() == json::value_t::string && wanted.get_ref<const std::string&>() == v.string();
  if (wanted.is_null()) return v.type() == json::value_t::null;
  if (wanted.is_boolean())
    return v.type() == json::value_t::boolean && wanted.get<bool>() == v.boolean();
  return false;
}

// The number as valijson's asDouble() reads it.
double as_double(const json& v) {
  if (v.is_number_float()) return v.get<double>();
  return static_cast<double>(v.get<std::int64_t>());
}

std::optional<std::uint64_t> count_of(const json& v) {
  if (!v.is_number_integer() || v.get<std::int64_t>() < 0) return std::nullopt;
  return static_cast<std::uint64_t>(v.get<std::int64_t>());
}

// A pattern that is `^` and plain characters matches exactly the names with that prefix.
bool literal_prefix(const std::string& pattern, std::string& prefix) {
  if (pattern.size() < 2 || pattern[0] != '^') return false;
  for (std::size_t i = 1; i < pattern.size(); ++i) {
    const char c = pattern[i];
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_';
    if (!plain) return false;
  }
  prefix = pattern.substr(1);
  return true;
}

// A pattern as valijson builds it (std::regex's ECMAScript), compiled on its first use and once
// per process: the same few patterns recur in every schema, many are never needed in a run, and
// compiling one costs more than using it many times. A const std::regex may be used by several
// threads at once.
class LazyRegex {
public:
  explicit LazyRegex(std::string pattern) : m_pattern(std::move(pattern)) {}
  // Whether `s` has a match; false also when the pattern does not compile (valijson, asked
  // next, then fails on it as it always did).
  bool search(const std::string& s) {
    std::call_once(m_once, [this] {
      try {
        m_regex = std::make_unique<const std::regex>(m_pattern);
      } catch (const std::regex_error&) {
      }
    });
    if (!m_regex) return false;
    // Ids, references and dates recur from document to document: each thread remembers a few
    // thousand verdicts of each pattern, a hash lookup instead of running std::regex again.
    thread_local std::unordered_map<const LazyRegex*, std::unordered_map<std::string, bool>> memo;
    auto& seen = memo[this];
    if (auto it = seen.find(s); it != seen.end()) return it->second;
    const bool found = std::regex_search(s, *m_regex);
    if (seen.size() < k_memo_size) seen.emplace(s, found);
    return found;
  }

private:
  static constexpr std::size_t k_memo_size = 4096;
  std::string m_pattern;
  std::once_flag m_once;
  std::unique_ptr<const std::regex> m_regex;
};

LazyRegex& shared_regex(const std::string& pattern) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<LazyRegex>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = cache[pattern];
  if (!slot) slot = std::make_unique<LazyRegex>(pattern);
  return *slot;
}

} // namespace

QuickSchema::QuickSchema(const json& schema) {
  m_root = compile(schema, schema, 0);
}

QuickSchema::~QuickSchema() = default;

int QuickSchema::compile(const json& root, const json& s_in, int depth) {
  const json* s = &s_in;
  // A `$ref` node is the node it names (its other keys are annotations in these schemas).
  for (int guard = 0; s->is_object() && s->contains("$ref"); ++guard) {
    const json& ref = (*s)["$ref"];
    if (guard > 32 || !ref.is_string() || ref.get_ref<const std::string&>().rfind('#', 0) != 0) {
      m_complete = false;
      return -1;
    }
    try {
      s = &root.at(json::json_pointer(ref.get<std::string>().substr(1)));
    } catch (const json::exception&) {
      m_complete = false;
      return -1;
    }
  }
  for (const auto& [node, rule] : m_compiled)
    if (node == s) return rule;
  if (depth > 64) {
    m_complete = false;
    return -1;
  }
  const int id = static_cast<int>(m_rules.size());
  m_rules.push_back(std::make_unique<Rule>());
  m_compiled.emplace_back(s, id);
  if (s->is_boolean()) {
    m_rules[static_cast<std::size_t>(id)]->never = !s->get<bool>();
    return id;
  }
  if (!s->is_object()) {
    m_complete = false;
    return id;
  }
  // Compiled into a local first: compiling a child may grow m_rules.
  Rule r;
  auto child = [&](const json& c) {
    const int k = compile(root, c, depth + 1);
    if (k < 0) m_complete = false;
    return k;
  };
  auto number = [&](const json& v) -> std::optional<double> {
    if (!v.is_number()) {
      m_complete = false;
      return std::nullopt;
    }
    return v.get<double>();
  };
  auto count = [&](const json& v) {
    auto c = count_of(v);
    if (!c) m_complete = false;
    return c;
  };
  for (const auto& [key, v] : s->items()) {
    if (key == "$schema" || key == "$id" || key == "id" || key == "title" || key == "description" ||
        key == "definitions" || key == "$comment" || key == "default" || key == "examples" ||
        key.rfind("x-nines-", 0) == 0) // nines' own annotations (schemas.cpp), no constraint
      continue;
    if (key == "type") {
      if (v.is_string()) {
        r.types = type_bit(v.get<std::string>());
        if (!r.types) m_complete = false;
      } else if (v.is_array() && !v.empty()) {
        for (const auto& t : v) {
          const unsigned bit = t.is_string() ? type_bit(t.get<std::string>()) : 0;
          if (!bit) m_complete = false;
          r.types |= bit;
        }
      } else {
        m_complete = false;
      }
    } else if (key == "enum") {
      if (!v.is_array()) m_complete = false;
      r.has_enum = true;
      for (const auto& e : v)
        r.enum_values.push_back(e);
    } else if (key == "const") {
      r.const_value = v;
    } else if (key == "required") {
      if (!v.is_array()) m_complete = false;
      for (const auto& n : v) {
        if (!n.is_string()) m_complete = false;
        if (n.is_string()) r.required.push_back(n.get<std::string>());
      }
    } else if (key == "properties") {
      r.has_properties = true;
      if (!v.is_object()) m_complete = false;
      if (v.is_object())
        for (const auto& [name, sub] : v.items())
          r.properties.emplace_back(name, child(sub));
      std::sort(r.properties.begin(), r.properties.end());
    } else if (key == "patternProperties") {
      r.has_properties = true;
      if (!v.is_object()) m_complete = false;
      if (v.is_object())
        for (const auto& [pattern, sub] : v.items()) {
          Rule::PatternProperty p;
          if (!literal_prefix(pattern, p.prefix)) p.regex = &shared_regex(pattern);
          p.rule = child(sub);
          r.pattern_properties.push_back(std::move(p));
        }
    } else if (key == "additionalProperties") {
      r.has_properties = true;
      if (v.is_boolean())
        r.additional_false = !v.get<bool>();
      else if (v.is_object())
        r.additional = child(v);
      else
        m_complete = false;
    } else if (key == "items") {
      if (v.is_object() || v.is_boolean())
        r.items = child(v);
      else
        m_complete = false; // the array form (one schema per position)
    } else if (key == "pattern") {
      if (v.is_string())
        r.pattern = &shared_regex(v.get<std::string>());
      else
        m_complete = false;
    } else if (key == "minLength") {
      r.min_length = count(v);
    } else if (key == "maxLength") {
      r.max_length = count(v);
    } else if (key == "minItems") {
      r.min_items = count(v);
    } else if (key == "maxItems") {
      r.max_items = count(v);
    } else if (key == "minProperties") {
      r.min_props = count(v);
    } else if (key == "maxProperties") {
      r.max_props = count(v);
    } else if (key == "minimum") {
      r.minimum = number(v);
    } else if (key == "maximum") {
      r.maximum = number(v);
    } else if (key == "exclusiveMinimum") {
      r.exclusive_minimum = number(v);
    } else if (key == "exclusiveMaximum") {
      r.exclusive_maximum = number(v);
    } else if (key == "allOf" || key == "anyOf" || key == "oneOf") {
      std::vector<int>& list = key == "allOf" ? r.all_of : key == "anyOf" ? r.any_of : r.one_of;
      if (!v.is_array() || v.empty()) m_complete = false;
      for (const auto& sub : v)
        list.push_back(child(sub));
    } else if (key == "if") {
      r.if_rule = child(v);
    } else if (key == "then") {
      r.then_rule = child(v);
    } else if (key == "else") {
      r.else_rule = child(v);
    } else {
      // format, not, dependencies, contains, uniqueItems, ...: valijson decides.
      m_complete = false;
    }
  }
  *m_rules[static_cast<std::size_t>(id)] = std::move(r);
  return id;
}

bool QuickSchema::passes(const json& doc) const {
  return m_complete && m_root >= 0 && check(m_root, JsonView(doc));
}

bool QuickSchema::passes(const Node& doc) const {
  return m_complete && m_root >= 0 && check(m_root, NodeView(doc));
}

template <class View> bool QuickSchema::check(int id, const View& v) const {
  const Rule& r = *m_rules[static_cast<std::size_t>(id)];
  if (r.never) return false;
  const json::value_t type = v.type();
  if (r.types && !type_allows(r.types, type)) return false;
  if (r.has_enum && std::none_of(r.enum_values.begin(), r.enum_values.end(),
                                 [&](const json& e) { return strictly_equal(e, v); }))
    return false;
  if (r.const_value && !strictly_equal(*r.const_value, v)) return false;
  switch (type) {
  case json::value_t::string: {
    const std::string& s = v.string();
    if (r.min_length || r.max_length) {
      // valijson counts characters up to the first NUL, as a C string
      const std::uint64_t n = valijson::utils::u8_strlen(s.c_str());
      if (r.min_length && n < *r.min_length) return false;
      if (r.max_length && n > *r.max_length) return false;
    }
    if (r.pattern && !r.pattern->search(s)) return false;
    break;
  }
  case json::value_t::number_integer:
  case json::value_t::number_unsigned:
  case json::value_t::number_float: {
    const double d = as_double(v.scalar());
    if (r.minimum && d < *r.minimum) return false;
    if (r.exclusive_minimum && d <= *r.exclusive_minimum) return false;
    if (r.maximum && d > *r.maximum) return false;
    if (r.exclusive_maximum && d >= *r.exclusive_maximum) return false;
    break;
  }
  case json::value_t::array: {
    if (r.min_items || r.max_items) {
      const std::size_t n = v.size();
      if (r.min_items && n < *r.min_items) return false;
      if (r.max_items && n > *r.max_items) return false;
    }
    if (r.items >= 0 && !v.all_items([&](const View& item) { return check(r.items, item); }))
      return false;
    break;
  }
  case json::value_t::object: {
    if (r.min_props || r.max_props) {
      const std::size_t n = v.size();
      if (r.min_props && n < *r.min_props) return false;
      if (r.max_props && n > *r.max_props) return false;
    }
    for (const auto& name : r.required)
      if (!v.has(name)) return false;
    if (!r.has_properties) break;
    // Both the object's members and the named properties are sorted: one merge walk.
    auto prop = r.properties.begin();
    const bool members_pass = v.all_members([&](const std::string& key, const View& value) {
      while (prop != r.properties.end() && prop->first < key)
        ++prop;
      bool matched = false;
      if (prop != r.properties.end() && prop->first == key) {
        matched = true;
        if (!check(prop->second, value)) return false;
      }
      for (const auto& p : r.pattern_properties) {
        const bool hit = p.regex ? p.regex->search(key) : key.rfind(p.prefix, 0) == 0;
        if (!hit) continue;
        matched = true;
        if (!check(p.rule, value)) return false;
      }
      if (matched) return true;
      if (r.additional_false) return false;
      return r.additional < 0 || check(r.additional, value);
    });
    if (!members_pass) return false;
    break;
  }
  default:
    break;
  }
  for (int sub : r.all_of)
    if (!check(sub, v)) return false;
  if (!r.any_of.empty() &&
      std::none_of(r.any_of.begin(), r.any_of.end(), [&](int sub) { return check(sub, v); }))
    return false;
  if (!r.one_of.empty()) {
    int valid = 0;
    for (int sub : r.one_of)
      if (check(sub, v) && ++valid > 1) return false;
    if (valid != 1) return false;
  }
  if (r.if_rule >= 0) {
    const int branch = check(r.if_rule, v) ? r.then_rule : r.else_rule;
    if (branch >= 0 && !check(branch, v)) return false;
  }
  return true;
}

} // namespace nines
