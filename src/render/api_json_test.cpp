#include "pipeline.hpp"
#include "render/api_json.hpp"
#include "render/test_content.hpp"

#include <atomic>
#include <doctest/doctest.h>
#include <filesystem>
#include <map>
#include <set>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace nines;
using render_test::ContentCopy;

namespace {

// Every key written twice in one object of a JSON text, as "outer/inner/key". JsonObject appends
// without looking for the key (api_json.hpp), so this is the check that each key of the API is
// written once. A parser keeps only one of two equal keys, hence a SAX pass over the text.
class DuplicateKeys : public nlohmann::json_sax<nlohmann::json> {
public:
  std::vector<std::string> found;
  bool failed = false;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    m_keys.emplace_back();
    m_path.emplace_back();
    return true;
  }
  bool key(string_t& k) override {
    m_path.back() = k;
    if (!m_keys.back().insert(k).second) {
      std::string where;
      for (const auto& p : m_path)
        where += (where.empty() ? "" : "/") + p;
      found.push_back(where);
    }
    return true;
  }
  bool end_object() override {
    m_keys.pop_back();
    m_path.pop_back();
    return true;
  }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    failed = true;
    return false;
  }

private:
  std::vector<std::set<std::string>> m_keys; // per open object, the keys read so far
  std::vector<std::string> m_path;           // per open object, the key read last
};

std::vector<std::string> duplicate_keys(const std::string& text) {
  DuplicateKeys sax;
  nlohmann::json::sax_parse(text, &sax);
  REQUIRE_FALSE(sax.failed);
  return sax.found;
}

// Every file of the API of a content repository of the source tree, by path.
std::map<std::string, std::string> api_of(const std::string& repo) {
  ContentCopy copy(repo);
  Run run;
  run.opts.dir = copy.path;
  run.opts.last = Stage::Compute;
  run.opts.now = "2026-11-01T00:00:00Z";
  REQUIRE(run_pipeline(run) == 0);
  std::map<std::string, std::string> files;
  api_files(run.repo, run.figures, run.diags.sorted(),
            [&files](const std::string& path, std::string bytes) {
              files.emplace(path, std::move(bytes));
            });
  return files;
}

// Whether a file of `files` whose path starts with `prefix` holds `text`.
bool has(const std::map<std::string, std::string>& files, const std::string& prefix,
         const std::string& text) {
  for (const auto& [path, bytes] : files)
    if (path.rfind(prefix, 0) == 0 && bytes.find(text) != std::string::npos) return true;
  return false;
}

void check_no_duplicate_keys(const std::map<std::string, std::string>& files) {
  for (const auto& [path, bytes] : files) {
    std::string twice; // the duplicated keys, to show them when the check fails
    for (const auto& k : duplicate_keys(bytes))
      twice += path + ": " + k + "\n";
    CHECK(twice == "");
  }
}

} // namespace

TEST_CASE("maturity of an organisation with no services is null, not the lowest band") {
  MaturityFigures m;
  m.org.id = "org";
  m.org.band = "Firefighting"; // what an unscored group must never show
  const OrderedJson j = maturity_json(m);
  CHECK(j["org"]["total"].is_null());
  CHECK(j["org"]["computed_total"].is_null());
  CHECK(j["org"]["band"].is_null());
  CHECK(j["org"]["rubric"].is_null());
  m.org.scored = true;
  CHECK(maturity_json(m)["org"]["total"] == 8.0);
}

TEST_CASE("JsonObject keeps the fields in the order they are added") {
  OrderedJson built = JsonObject(6)
                          .add("zeta", 1)
                          .add("alpha", "a")
                          .add("mid", nullptr)
                          .add("ratio", 0.1)
                          .add("count", std::size_t{3})
                          .add("nested", JsonObject(2).add("b", true).add("a", -2).take())
                          .take();
  CHECK(built.dump() ==
        R"({"zeta":1,"alpha":"a","mid":null,"ratio":0.1,"count":3,"nested":{"b":true,"a":-2}})");
  // The same bytes as the initializer list the serializers used before, numbers included.
  const OrderedJson listed = {{"zeta", 1},
                              {"alpha", "a"},
                              {"mid", nullptr},
                              {"ratio", 0.1},
                              {"count", std::size_t{3}},
                              {"nested", {{"b", true}, {"a", -2}}}};
  CHECK(built.dump(2) == listed.dump(2));
  CHECK(built == listed);

  OrderedJson empty = JsonObject(0).take();
  CHECK(empty.is_object());
  CHECK(empty.dump() == "{}");
}

TEST_CASE("JsonObject moves the values in and reserves the fields once") {
  OrderedJson text = std::string(200, 'x');
  OrderedJson list = OrderedJson::array({1, 2, 3});
  const std::string* text_storage = text.get_ptr<const std::string*>();
  const OrderedJson::array_t* list_storage = list.get_ptr<const OrderedJson::array_t*>();

  JsonObject j(3);
  j.add("text", std::move(text)).add("list", std::move(list));
  OrderedJson out = j.take();
  // Moved, not copied: the string and the array are the ones handed in.
  CHECK(out["text"].get_ptr<const std::string*>() == text_storage);
  CHECK(out["list"].get_ptr<const OrderedJson::array_t*>() == list_storage);
  CHECK(text.is_null());
  CHECK(list.is_null());
  // Storage for the three announced fields, reserved up front (growing would copy the values).
  CHECK(out.get_ref<const OrderedJson::object_t&>().capacity() == 3);

  OrderedJson a = json_array(5);
  CHECK(a.is_array());
  CHECK(a.empty());
  CHECK(a.get_ref<const OrderedJson::array_t&>().capacity() == 5);
  CHECK(a.dump() == "[]");
}

TEST_CASE("a key written twice is caught by the duplicate check") {
  // JsonObject does not look for the key: both fields are kept and both are written out.
  const std::string twice = JsonObject(3).add("a", 1).add("b", 2).add("a", 3).take().dump(2);
  CHECK(twice.find("\"a\": 1") != std::string::npos);
  CHECK(twice.find("\"a\": 3") != std::string::npos);
  CHECK(duplicate_keys(twice) == std::vector<std::string>{"a"});

  OrderedJson inner_twice = JsonObject(1).add("x", 1).take();
  inner_twice.get_ref<OrderedJson::object_t&>().emplace_back("x", 2);
  OrderedJson list = OrderedJson::array();
  list.push_back(JsonObject(1).add("outer", std::move(inner_twice)).take());
  CHECK(duplicate_keys(list.dump()) == std::vector<std::string>{"outer/x"});

  // The same key in two objects, or in an object and the one inside it, is no duplicate.
  CHECK(duplicate_keys(R"([{"id": 1}, {"id": 2, "sub": {"id": 3}}])").empty());
}

TEST_CASE("no object of the API has a key twice") {
  SUBCASE("the example organisation: every file of the API") {
    const auto files = api_of("content");
    check_no_duplicate_keys(files);
    // Every list had something in it (an empty list would check none of its objects' keys).
    for (const std::string path :
         {"api/slos.json", "api/services.json", "api/maturity.json", "api/readiness.json",
          "api/incidents.json", "api/toil.json", "api/capacity.json", "api/oncall.json",
          "api/reports/index.json", "api/reviews/index.json"}) {
      INFO(path);
      REQUIRE(files.count(path) == 1);
      CHECK(files.at(path).size() > 40);
    }
    CHECK(has(files, "api/reports/2", "\"monthly_report\""));
    CHECK(has(files, "api/reviews/2", "\"top_error_contributor\":{"));
    CHECK(has(files, "api/handoffs/", "\"handoff\""));
  }
  SUBCASE("Backstage: owners, systems and catalog entries") {
    const auto files = api_of("tests/fixtures/dialects/backstage-catalog");
    check_no_duplicate_keys(files);
    CHECK(has(files, "api/services.json", "\"owner\":{"));
    CHECK(has(files, "api/services.json", "\"system\":{"));
    CHECK(has(files, "api/catalog-entries.json", "\"owner\":{"));
  }
  SUBCASE("OpenSLO: alert policies, conditions and notification targets") {
    const auto files = api_of("tests/fixtures/dialects/openslo-alerting");
    check_no_duplicate_keys(files);
    CHECK(has(files, "api/slos.json", "\"conditions\":[{"));
    CHECK(has(files, "api/slos.json", "\"notification_targets\":[{"));
  }
}

TEST_CASE("a report's change of a count is an integer in the JSON, of a figure as it is") {
  MonthlyReport r;
  r.period = "2026-10";
  r.delta["incidents.total"] = 2.0;
  r.delta["on_call.total_pages"] = -207.0;
  r.delta["incidents.mttr_minutes"] = 1.0;
  r.delta["toil.pct_of_sre_time"] = -1.25;
  r.delta["action_items.overdue"] = std::nullopt;
  const std::string text = report_json(r).dump();
  CHECK(text.find("\"incidents.total\":2,") != std::string::npos);
  CHECK(text.find("\"on_call.total_pages\":-207,") != std::string::npos);
  CHECK(text.find("\"incidents.mttr_minutes\":1.0,") != std::string::npos);
  CHECK(text.find("\"toil.pct_of_sre_time\":-1.25}") != std::string::npos);
  CHECK(text.find("\"action_items.overdue\":null,") != std::string::npos);
}

TEST_CASE("a field whose text is empty is null in the API, a string in a list is kept") {
  OrderedJson j =
      JsonObject(4)
          .add("repeat_of", "")
          .add("title", "x")
          .add("items", OrderedJson::array({"", "a"}))
          .add("rows",
               OrderedJson::array({JsonObject(2).add("notes", "").add("evidence", "seen").take()}))
          .take();
  CHECK(api_file_text(j) == "{\"repeat_of\":null,\"title\":\"x\",\"items\":[\"\",\"a\"],"
                            "\"rows\":[{\"notes\":null,\"evidence\":\"seen\"}]}\n");
  CHECK(api_file_text(OrderedJson(""), 2) == "\"\"\n");
}

TEST_CASE("a service's health checks are in its API entry, as its page shows them") {
  Repo repo;
  Service s;
  s.meta.id = "pay";
  s.name = "pay";
  s.health_checks.push_back(HealthCheck{"live", "liveness", "/healthz", "30s", "", 3.0});
  repo.services.push_back(s);
  Figures figs;
  const OrderedJson j = service_json(repo, figs, repo.services[0]);
  REQUIRE(j.contains("health_checks"));
  CHECK(api_file_text(j["health_checks"]) ==
        "[{\"name\":\"live\",\"type\":\"liveness\",\"endpoint\":\"/healthz\",\"interval\":\"30s\","
        "\"timeout\":null,\"failure_threshold\":3.0}]\n");
}
