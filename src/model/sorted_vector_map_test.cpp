// SortedVectorMap keeps std::map's behaviour: compared with it, operation by operation, on random
// edits.
#include "model/sorted_vector_map.hpp"

#include <doctest/doctest.h>
#include <map>
#include <random>
#include <string>
#include <string_view>

namespace nines {
namespace {

std::string random_key(std::mt19937& rng) {
  // Few distinct keys, so that inserts collide with existing ones and erases find something.
  static const char* const k_keys[] = {"a", "b", "c", "href", "label", "zeta", "aa", "ab", "", "Z"};
  return k_keys[std::uniform_int_distribution<int>(0, 9)(rng)];
}

TEST_CASE("SortedVectorMap behaves as std::map under random edits") {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    SortedVectorMap<std::string, int> flat;
    std::map<std::string, int, std::less<>> ref;
    for (int step = 0; step < 60; ++step) {
      const std::string key = random_key(rng);
      const int value = std::uniform_int_distribution<int>(0, 99)(rng);
      switch (std::uniform_int_distribution<int>(0, 5)(rng)) {
      case 0: {
        auto a = flat.emplace(key, value);
        auto b = ref.emplace(key, value);
        CHECK(a.second == b.second);
        CHECK(a.first->second == b.first->second);
        break;
      }
      case 1:
        flat[key] = value;
        ref[key] = value;
        break;
      case 2:
        CHECK(flat.erase(key) == ref.erase(key));
        break;
      case 3: {
        auto a = flat.emplace_hint(flat.end(), key, value);
        auto b = ref.emplace_hint(ref.end(), key, value);
        CHECK(a->first == b->first);
        CHECK(a->second == b->second);
        break;
      }
      case 4: {
        CHECK(flat.count(std::string_view(key)) == ref.count(std::string_view(key)));
        // The bounds land on the same key (or the end) in both.
        auto lo = flat.lower_bound(key);
        auto ref_lo = ref.lower_bound(key);
        REQUIRE((lo == flat.end()) == (ref_lo == ref.end()));
        if (lo != flat.end()) CHECK(lo->first == ref_lo->first);
        auto hi = flat.upper_bound(key);
        auto ref_hi = ref.upper_bound(key);
        REQUIRE((hi == flat.end()) == (ref_hi == ref.end()));
        if (hi != flat.end()) CHECK(hi->first == ref_hi->first);
        break;
      }
      default: {
        auto a = flat.find(key);
        auto b = ref.find(key);
        REQUIRE((a == flat.end()) == (b == ref.end()));
        if (a != flat.end()) CHECK(a->second == b->second);
      }
      }
      REQUIRE(flat.size() == ref.size());
      auto it = ref.begin();
      for (const auto& [k, v] : flat) {
        CHECK(k == it->first);
        CHECK(v == it->second);
        ++it;
      }
    }
  }
}

} // namespace
} // namespace nines
