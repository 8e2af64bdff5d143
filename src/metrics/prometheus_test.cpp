#include "metrics/prometheus.hpp"

#include <cmath>
#include <doctest/doctest.h>

using namespace nines;

TEST_CASE("envelope: vector") {
  auto r = parse_prom_response(200, R"({"status":"success","data":{"resultType":"vector","result":[
      {"metric":{"service":"pay-api"},"value":[1761955200,"12345.5"]}]}})");
  REQUIRE(r.ok);
  CHECK(r.result_type == "vector");
  REQUIRE(r.series.size() == 1);
  CHECK(r.series[0].metric.at("service") == "pay-api");
  CHECK(r.series[0].samples[0].first == 1761955200.0);
  CHECK(r.series[0].samples[0].second == 12345.5);
  auto v = single_value(r);
  CHECK(v.ok);
  CHECK(v.value == 12345.5);
}

TEST_CASE("envelope: an instant answer stamped at another time than asked is refused") {
  auto r = parse_prom_response(200, R"({"status":"success","data":{"resultType":"vector","result":[
      {"metric":{},"value":[1761523200,"500"]}]}})");
  REQUIRE(r.ok);
  CHECK(single_value(r, 1761523200).value == 500.0);
  auto v = single_value(r, 1761955200); // five days later
  CHECK_FALSE(v.ok);
  CHECK_FALSE(v.value.has_value());
  CHECK(v.error == "the answer is stamped at unix time 1761523200, not at the requested "
                   "1761955200; not used");
  auto s = parse_prom_response(
      200, R"({"status":"success","data":{"resultType":"scalar","result":[1761955199.5,"42"]}})");
  CHECK_FALSE(single_value(s, 1761955200).ok);
  // No data has no stamp to check.
  auto empty = parse_prom_response(
      200, R"({"status":"success","data":{"resultType":"vector","result":[]}})");
  CHECK(single_value(empty, 1761955200).ok);
}

TEST_CASE("envelope: empty vector is no data, not zero") {
  auto r = parse_prom_response(
      200, R"({"status":"success","data":{"resultType":"vector","result":[]}})");
  REQUIRE(r.ok);
  auto v = single_value(r);
  CHECK(v.ok);
  CHECK_FALSE(v.value.has_value());
}

TEST_CASE("envelope: several series must be aggregated") {
  auto r = parse_prom_response(200, R"({"status":"success","data":{"resultType":"vector","result":[
      {"metric":{"code":"200"},"value":[1,"1"]},{"metric":{"code":"500"},"value":[1,"2"]}]}})");
  REQUIRE(r.ok);
  auto v = single_value(r);
  CHECK_FALSE(v.ok);
  CHECK(v.error.find("2 series") != std::string::npos);
}

TEST_CASE("envelope: matrix") {
  auto r = parse_prom_response(200, R"({"status":"success","data":{"resultType":"matrix","result":[
      {"metric":{},"values":[[86400,"10"],[172800,"NaN"],[259200,"+Inf"],[345600,"-Inf"]]}]}})");
  REQUIRE(r.ok);
  auto m = single_range(r);
  REQUIRE(m.ok);
  REQUIRE(m.points.size() == 4);
  CHECK(m.points.at(86400) == 10.0);
  CHECK(std::isnan(m.points.at(172800)));
  CHECK(m.points.at(259200) == INFINITY);
  CHECK(m.points.at(345600) == -INFINITY);
  // An instant reader refuses a matrix; a range reader refuses a vector.
  CHECK_FALSE(single_value(r).ok);
  auto vec = parse_prom_response(
      200, R"({"status":"success","data":{"resultType":"vector","result":[]}})");
  CHECK_FALSE(single_range(vec).ok);
  auto empty = parse_prom_response(
      200, R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
  CHECK(single_range(empty).ok);
  CHECK(single_range(empty).points.empty());
}

TEST_CASE("envelope: a range series with two different values at one time fails") {
  auto conflict =
      parse_prom_response(200, R"({"status":"success","data":{"resultType":"matrix","result":[
      {"metric":{},"values":[[86400,"990"],[172800,"995"],[86400,"0"]]}]}})");
  REQUIRE(conflict.ok);
  auto m = single_range(conflict);
  CHECK_FALSE(m.ok);
  CHECK(m.points.empty());
  CHECK(m.error == "the series has two different values at time 86400 (990 and 0); a range "
                   "query answers one value per step");
  // The order of the samples does not matter: the other order fails the same way.
  auto reversed =
      parse_prom_response(200, R"({"status":"success","data":{"resultType":"matrix","result":[
      {"metric":{},"values":[[86400,"0"],[86400,"990"]]}]}})");
  CHECK_FALSE(single_range(reversed).ok);
  // An exact repeat is kept once.
  auto repeat = parse_prom_response(200, R"({"status":"success","data":{"resultType":"matrix",
      "result":[{"metric":{},"values":[[86400,"990"],[172800,"NaN"],[86400,"990"],
      [172800,"NaN"]]}]}})");
  auto r = single_range(repeat);
  REQUIRE(r.ok);
  CHECK(r.points.size() == 2);
  CHECK(r.points.at(86400) == 990);
}

TEST_CASE("envelope: range samples a fraction of a second off a step are no step's value") {
  auto off = parse_prom_response(200, R"({"status":"success","data":{"resultType":"matrix",
      "result":[{"metric":{},"values":[[86399.6,"1"],[172800,"2"],[259200.4,"3"]]}]}})");
  auto r = single_range(off);
  REQUIRE(r.ok);
  CHECK(r.points.size() == 1);
  CHECK(r.points.count(86400) == 0);
  CHECK(r.points.at(172800) == 2);
  CHECK(r.points.count(259200) == 0);
  // Nor do they clash with the value at the step itself.
  auto both = parse_prom_response(200, R"({"status":"success","data":{"resultType":"matrix",
      "result":[{"metric":{},"values":[[86400,"1"],[86400.3,"9"]]}]}})");
  auto b = single_range(both);
  REQUIRE(b.ok);
  CHECK(b.points.at(86400) == 1);
}

TEST_CASE("envelope: a bad sample value is quoted whole") {
  auto error_for = [](const std::string& value) {
    auto r = parse_prom_response(
        200, R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},)"
             R"("value":[1,")" +
                 value + R"("]}]}})");
    CHECK_FALSE(r.ok);
    return r.error;
  };
  CHECK(error_for(" 12") == "sample value ' 12' is not a number");
  CHECK(error_for("1e-400") == "sample value '1e-400' is out of a number's range");
  CHECK(error_for("1e999") == "sample value '1e999' is out of a number's range");
  CHECK(error_for("a b") == "sample value 'a b' is not a number");
  CHECK(error_for("") == "sample value '' is not a number");
  CHECK(error_for(R"(it's\\x\n1)") == R"(sample value 'it\'s\\x\n1' is not a number)");
  CHECK(error_for(R"(\u0001)") == R"(sample value '\x01' is not a number)");
  CHECK(error_for(std::string(50, '9') + "x") ==
        "sample value '" + std::string(40, '9') + "'… is not a number");
  // Cut at 40 bytes, never inside a character: "é" is two bytes.
  std::string accents = "a";
  for (int i = 0; i < 25; ++i)
    accents += "\xC3\xA9";
  std::string kept = "a";
  for (int i = 0; i < 19; ++i)
    kept += "\xC3\xA9";
  CHECK(error_for(accents) == "sample value '" + kept + "'… is not a number");
}

TEST_CASE("envelope: scalar and string") {
  auto s = parse_prom_response(
      200, R"({"status":"success","data":{"resultType":"scalar","result":[1.5,"42"]}})");
  REQUIRE(s.ok);
  CHECK(s.scalar->second == 42.0);
  CHECK(single_value(s).value == 42.0);
  auto str = parse_prom_response(
      200, R"({"status":"success","data":{"resultType":"string","result":[1,"x"]}})");
  CHECK_FALSE(str.ok);
  CHECK(str.error.find("string") != std::string::npos);
  // The expression gives a string: reported at the query, not at the SLO.
  CHECK(str.of_query);
  CHECK(failure_of_query(HttpResult{}, str));
  auto other = parse_prom_response(
      200, R"({"status":"success","data":{"resultType":"streams","result":[]}})");
  CHECK_FALSE(other.ok);
}

TEST_CASE("envelope: sample value strings") {
  CHECK(parse_prom_value("0") == 0.0);
  CHECK(parse_prom_value("1e3") == 1000.0);
  CHECK(parse_prom_value("-2.5") == -2.5);
  CHECK(std::isnan(*parse_prom_value("NaN")));
  CHECK(*parse_prom_value("+Inf") == INFINITY);
  CHECK(*parse_prom_value("Inf") == INFINITY);
  CHECK(*parse_prom_value("-Inf") == -INFINITY);
  CHECK_FALSE(parse_prom_value(""));
  CHECK_FALSE(parse_prom_value("nan"));
  CHECK_FALSE(parse_prom_value("inf"));
  CHECK_FALSE(parse_prom_value("+1"));
  CHECK_FALSE(parse_prom_value("12abc"));
  CHECK_FALSE(parse_prom_value(" 1"));
  // Over 2^53 by its digits, though a double reads it as 2^53: the next double up.
  CHECK(*parse_prom_value("9007199254740992") == 9007199254740992.0);
  CHECK(*parse_prom_value("9007199254740993") > 9007199254740992.0);
  CHECK(*parse_prom_value("9007199254740992.5") > 9007199254740992.0);
  CHECK(*parse_prom_value("9007199254740991.9") == 9007199254740992.0);
}

TEST_CASE("envelope: error with errorType") {
  auto r = parse_prom_response(400, R"({"status":"error","errorType":"bad_data",
      "error":"invalid parameter \"query\": 1:5: parse error: unexpected <EOF>"})");
  CHECK_FALSE(r.ok);
  CHECK(r.error_type == "bad_data");
  CHECK(r.error.find("HTTP 400") == 0);
  CHECK(r.error.find("bad_data") != std::string::npos);
  CHECK(r.error.find("unexpected <EOF>") != std::string::npos);
  auto t = parse_prom_response(
      503, R"({"status":"error","errorType":"timeout","error":"query timed out"})");
  CHECK(t.error == "HTTP 503: Prometheus answered timeout: query timed out");
}

TEST_CASE("envelope: warnings are kept") {
  auto r = parse_prom_response(200, R"({"status":"success","warnings":["partial response","x"],
      "data":{"resultType":"vector","result":[]}})");
  REQUIRE(r.ok);
  CHECK(r.warnings == std::vector<std::string>{"partial response", "x"});
  auto bad = parse_prom_response(200, R"({"status":"success","warnings":"no",
      "data":{"resultType":"vector","result":[]}})");
  CHECK_FALSE(bad.ok);
}

TEST_CASE("envelope: truncated and malformed bodies fail that query") {
  const std::string full = R"({"status":"success","data":{"resultType":"vector",)"
                           R"("result":[{"metric":{},"value":[1,"5"]}]}})";
  for (std::size_t cut : {std::size_t{1}, std::size_t{20}, full.size() / 2, full.size() - 1}) {
    auto r = parse_prom_response(200, full.substr(0, cut));
    CHECK_FALSE(r.ok);
    CHECK_MESSAGE(r.error.find("truncated") != std::string::npos, r.error);
  }
  CHECK(parse_prom_response(200, "").error == "the response body is empty");
  CHECK(parse_prom_response(200, "<html>oops</html>").error.find("not valid JSON") !=
        std::string::npos);
  CHECK(parse_prom_response(502, "<html>Bad Gateway</html>").error ==
        "HTTP 502: not a Prometheus API response");
  CHECK_FALSE(parse_prom_response(200, "[1,2]").ok);
  CHECK_FALSE(parse_prom_response(200, R"({"data":{}})").ok);
  CHECK_FALSE(parse_prom_response(200, R"({"status":"success"})").ok);
  CHECK_FALSE(
      parse_prom_response(200, R"({"status":"success","data":{"resultType":"vector"}})").ok);
  CHECK_FALSE(parse_prom_response(200, R"({"status":"maybe","data":{}})").ok);
  // A success envelope with an error status is not trusted.
  CHECK_FALSE(
      parse_prom_response(500, R"({"status":"success","data":{"resultType":"vector","result":[]}})")
          .ok);
}

TEST_CASE("envelope: wrong types inside the result") {
  auto bad = [](const char* result) {
    return parse_prom_response(
        200, std::string(R"({"status":"success","data":{"resultType":"vector","result":)") +
                 result + "}}");
  };
  CHECK_FALSE(bad(R"({})").ok);                                   // not an array
  CHECK_FALSE(bad(R"([{"metric":{},"value":[1,5]}])").ok);        // value not a string
  CHECK_FALSE(bad(R"([{"metric":{},"value":["1","5"]}])").ok);    // time not a number
  CHECK_FALSE(bad(R"([{"metric":{},"value":[1]}])").ok);          // not a pair
  CHECK_FALSE(bad(R"([{"metric":{},"value":[1,"five"]}])").ok);   // not a number
  CHECK_FALSE(bad(R"([{"metric":{"a":1},"value":[1,"5"]}])").ok); // label not a string
  CHECK_FALSE(bad(R"([{"metric":[],"value":[1,"5"]}])").ok);      // metric not an object
  CHECK_FALSE(bad(R"([{"metric":{}}])").ok);                      // no value
  CHECK_FALSE(bad(R"([5])").ok);                                  // entry not an object
  auto h = bad(R"([{"metric":{},"histogram":[1,{"count":"2"}]}])");
  CHECK_FALSE(h.ok);
  CHECK(h.error.find("native histogram") != std::string::npos);
  auto m = parse_prom_response(200, R"({"status":"success","data":{"resultType":"matrix",)"
                                    R"("result":[{"metric":{},"values":[[1,"1"],[2]]}]}})");
  CHECK_FALSE(m.ok);
  auto ok = bad(R"([{"value":[1,"5"]}])"); // metric omitted: an empty label set
  CHECK(ok.ok);
}

TEST_CASE("query requests") {
  auto i = instant_query("http://127.0.0.1:9090/", "up", 1761955200);
  CHECK(i.url == "http://127.0.0.1:9090/api/v1/query");
  CHECK(i.form == "query=up&time=1761955200");
  auto r = range_query("https://mimir.example/prometheus", "sum(x)", 86400, 259200, 86400);
  CHECK(r.url == "https://mimir.example/prometheus/api/v1/query_range");
  CHECK(r.form == "query=sum%28x%29&start=86400&end=259200&step=86400");
  // A query string stays on the URL, after the API path; a fragment is not sent.
  CHECK(instant_query("http://127.0.0.1:9090/?api_key=K", "up", 1).url ==
        "http://127.0.0.1:9090/api/v1/query?api_key=K");
  CHECK(range_query("https://p.example/prom/?a=1&b=2#top", "x", 0, 1, 1).url ==
        "https://p.example/prom/api/v1/query_range?a=1&b=2");
  CHECK(instant_query("http://h:9090/prom?", "up", 1).url == "http://h:9090/prom/api/v1/query");
  CHECK(instant_query("http://h:9090#x", "up", 1).url == "http://h:9090/api/v1/query");
}

TEST_CASE("failure descriptions") {
  HttpResult transport;
  transport.error = "Couldn't connect to server";
  transport.attempts = 4;
  CHECK(describe_failure(transport, {}) == "Couldn't connect to server (after 4 attempts)");
  // A source given up as unreachable: its requests stopped at different attempts, so none says
  // how many (the same failure reads the same in every build).
  HttpResult given_up = transport;
  given_up.unreachable = true;
  given_up.error = "the server could not be reached (Couldn't connect to server)";
  CHECK(describe_failure(given_up, {}) == given_up.error);
  HttpResult got;
  got.status = 200;
  got.attempts = 1;
  auto ok = parse_prom_response(
      200, R"({"status":"success","data":{"resultType":"vector","result":[]}})");
  CHECK(describe_failure(got, ok).empty());
  // A success with warnings (a Thanos or Mimir partial response) is not a usable answer.
  auto partial = parse_prom_response(
      200, R"({"status":"success","warnings":["partial response: store 10.0.0.7:10901 )"
           R"(unavailable; see /q?api_key=K3Y"],"data":{"resultType":"vector","result":[]}})");
  REQUIRE(partial.ok);
  CHECK(describe_failure(got, partial) ==
        "the server answered with a warning, so the answer may be partial and is not used: "
        "partial response: store 10.0.0.7:10901 unavailable; see /q?api_key=[redacted]");
  got.status = 503;
  got.attempts = 3;
  auto err = parse_prom_response(503, "busy");
  CHECK(describe_failure(got, err) == "HTTP 503: not a Prometheus API response (after 3 attempts)");
  got.status = 429;
  got.attempts = 1;
  got.note = "the server asked to retry after 600s, over the 30s limit";
  CHECK(describe_failure(got, parse_prom_response(429, "")) ==
        "HTTP 429: not a Prometheus API response (the server asked to retry after 600s, over the "
        "30s limit)");
}
