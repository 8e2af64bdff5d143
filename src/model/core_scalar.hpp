// The YAML 1.2 core schema's reading of a plain scalar's text: null, boolean, integer, float or
// string. One rule for the reader, which checks the explicit tags (`!!int 40`) against it, and
// for the conversion to JSON, which resolves the untagged plain scalars with it.
#pragma once

#include <cstddef>
#include <string_view>

namespace nines {

enum class CoreNumber : unsigned char { None, Int, Float };

// The core schema's number forms, matched by hand: a std::regex per scalar cost more than
// parsing the YAML. Int is [-+]?[0-9]+; float is
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?.
inline CoreNumber core_number(std::string_view s) {
  auto digits = [&s](std::size_t& i) {
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
      ++i;
    return i - start;
  };
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  const std::size_t int_digits = digits(i);
  if (i == s.size()) return int_digits > 0 ? CoreNumber::Int : CoreNumber::None;
  if (s[i] == '.') {
    ++i;
    const std::size_t frac_digits = digits(i);
    if (int_digits == 0 && frac_digits == 0) return CoreNumber::None;
  } else if (int_digits == 0) {
    return CoreNumber::None;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (digits(i) == 0) return CoreNumber::None;
  }
  return i == s.size() ? CoreNumber::Float : CoreNumber::None;
}

inline bool core_null(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// True or false for the core schema's boolean words, else neither (`yes` is a string).
inline bool core_bool(std::string_view s, bool& value) {
  if (s == "true" || s == "True" || s == "TRUE") return value = true, true;
  if (s == "false" || s == "False" || s == "FALSE") return value = false, true;
  return false;
}

} // namespace nines
