// The view JSON type keeps std::map's behaviour: compared, operation by operation, with
// nlohmann::json (whose objects are std::map) on random edits, and by the dumps of whole trees.
#include "render/view_json.hpp"

#include <doctest/doctest.h>
#include <map>
#include <random>
#include <string>

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
      case 4:
        CHECK(flat.count(std::string_view(key)) == ref.count(std::string_view(key)));
        break;
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

TEST_CASE("ViewJson builds, reads and dumps as nlohmann::json does") {
  const char* const text =
      R"({"title": "SLOs", "nav": [{"href": "index.html", "label": "Dashboard", "current": true},
          {"label": "SLOs", "href": "slos/index.html", "current": false}],
          "z": null, "a": {"c": 1, "b": [1.5, "x", {"y": -2}], "a": {}}, "": "empty key"})";
  const nlohmann::json ref = nlohmann::json::parse(text);
  const ViewJson view = ViewJson::parse(text);
  CHECK(view.dump() == ref.dump());
  CHECK(view.dump(2) == ref.dump(2));
  CHECK(view == ViewJson(ref)); // basic_json converts between its own instantiations
  CHECK(view.at("nav").at(1).at("href") == "slos/index.html");
  CHECK(view.contains("z"));
  CHECK_FALSE(view.contains("y"));
  CHECK(view.value("title", "") == "SLOs");

  ViewJson edited = view;
  edited["a"].erase("c");
  edited["new"] = {{"k", 1}};
  edited.erase("z");
  nlohmann::json ref_edited = ref;
  ref_edited["a"].erase("c");
  ref_edited["new"] = {{"k", 1}};
  ref_edited.erase("z");
  CHECK(edited.dump() == ref_edited.dump());
  CHECK(edited != view);

  std::string keys;
  for (const auto& [key, value] : view.items())
    keys += key + ",";
  CHECK(keys == ",a,nav,title,z,");
}

} // namespace
} // namespace nines
