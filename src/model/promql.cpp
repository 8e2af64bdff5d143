#include "model/promql.hpp"

#include <cmath>
#include <string_view>

namespace nines {

namespace {

std::string replace_all(std::string s, std::string_view from, const std::string& to) {
  std::size_t pos = 0;
  while ((pos = s.find(from, pos)) != std::string::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
  return s;
}

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return {};
  const auto b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

} // namespace

std::string promql_duration(double minutes) {
  const auto seconds = std::llround(minutes * 60.0);
  if (seconds <= 0) return "1s";
  if (seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

std::string render_service_template(const std::string& expr, const std::string& service) {
  return replace_all(expr, "{{service}}", service);
}

std::string render_sli_query(const std::string& expr, const std::string& window,
                             const std::string& service) {
  std::string q = render_service_template(expr, service);
  if (q.find("{{window}}") != std::string::npos) return replace_all(q, "{{window}}", window);
  return "sum(increase(" + trim(q) + "[" + window + "]))";
}

} // namespace nines
