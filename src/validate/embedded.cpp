#include "validate/schemas.hpp"

#include <map>
#include <string>
#include <string_view>

namespace nines {

const std::map<std::string, std::string_view>& embedded_schema_files(); // generated

const std::map<std::string, std::string_view>& embedded_schemas() {
  // "slo.schema.json" → "slo"; "nines.schema.json" → "nines".
  static const std::map<std::string, std::string_view> by_kind = [] {
    std::map<std::string, std::string_view> m;
    for (const auto& [file, text] : embedded_schema_files()) {
      std::string kind = file.substr(0, file.find('.'));
      m.emplace(kind, text);
    }
    return m;
  }();
  return by_kind;
}

} // namespace nines
