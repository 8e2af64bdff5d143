// ViewObject (site_detail.hpp) must build exactly the object an initializer list builds: the page
// input hashes of the site manifest are digests of the views.
#include "render/site_detail.hpp"

#include <doctest/doctest.h>

using nines::site::json;
using nines::site::ViewObject;

TEST_CASE("ViewObject builds the object an initializer list builds") {
  const std::string label = "Services";
  json nested = json::array({1, 2, 3});
  json from_list = {{"href", "catalog/index.html"},
                    {"label", label},
                    {"current", true},
                    {"count", 42},
                    {"share", 0.25},
                    {"missing", nullptr},
                    {"site", {{"title", "Reliability"}, {"repo_url", nullptr}}},
                    {"list", nested}};
  json built =
      ViewObject()
          .add("href", "catalog/index.html")
          .add("label", label)
          .add("current", true)
          .add("count", 42)
          .add("share", 0.25)
          .add("missing", nullptr)
          .add("site", ViewObject().add("title", "Reliability").add("repo_url", nullptr).take())
          .add("list", std::move(nested))
          .take();
  CHECK(built == from_list);
  CHECK(built.dump() == from_list.dump());
  CHECK(built["count"].is_number_integer());
  CHECK(built["site"].is_object());
  CHECK(built["list"].is_array());
  // The caller's label was copied, not moved from.
  CHECK(label == "Services");
}

TEST_CASE("ViewObject keeps the first value of a key given twice, as an initializer list does") {
  json from_list = {{"state", "healthy"}, {"state", "critical"}};
  json built = ViewObject().add("state", "healthy").add("state", "critical").take();
  REQUIRE(from_list.size() == 1);
  CHECK(from_list["state"] == "healthy");
  CHECK(built == from_list);
}

TEST_CASE("An empty ViewObject is an empty object, not null") {
  json built = ViewObject().take();
  CHECK(built.is_object());
  CHECK(built.dump() == "{}");
}
