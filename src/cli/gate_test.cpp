#include "cli/gate.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <string>
#include <utility>
#include <vector>

using namespace nines;

TEST_CASE("gate: the change types a policy exception names") {
  using V = std::vector<std::string>;
  const std::vector<std::pair<const char*, V>> cases = {
      // The seed's three, and the same types in other words.
      {"Security patches always allowed", {"security"}},
      {"Regulatory compliance changes always allowed", {"compliance"}},
      {"Data loss prevention always allowed", {"data-loss-prevention"}},
      {"security", {"security"}},
      {"SECURITY FIXES always allowed", {"security"}},
      {"Compliance changes always allowed", {"compliance"}},
      {"data-loss-prevention changes always allowed", {"data-loss-prevention"}},
      {"Fixes for the incident that spent the budget", {"fix"}},
      {"fix", {"fix"}},
      {"Hotfixes and features behind a flag", {"feature", "fix"}},
      {"Security and compliance changes", {"security", "compliance"}},
      // The structured form, decoded as "change_type: note", names its type alone.
      {"fix: Fixes for security", {"fix"}},
      {"feature:", {"feature"}},
      // Denials and other prose name nothing.
      {"Features are never excepted", {}},
      {"No security exceptions", {}},
      {"Marketing launches are excepted", {}},
      {"Prefix and suffix rules", {}},
      {"", {}},
  };
  for (const auto& [text, want] : cases) {
    CAPTURE(text);
    CHECK(exception_change_types(text) == want);
    for (const char* t : {"feature", "fix", "security", "compliance", "data-loss-prevention"})
      CHECK(exception_names(text, t) == (std::find(want.begin(), want.end(), t) != want.end()));
  }
}
