// The view JSON type keeps std::map's behaviour: compared, operation by operation, with
// nlohmann::json (whose objects are std::map) on random edits, and by the dumps of whole trees.
#include "render/view_json.hpp"

#include <doctest/doctest.h>
#include <map>
#include <random>
#include <string>

namespace nines {
namespace {

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
