// The Prometheus HTTP API (Prometheus, Thanos, Mimir, Cortex, VictoriaMetrics): building query
// requests, rendering SLI query templates (SPEC 1.3) and reading the JSON envelope.
//
// Parsing is strict: a response that is not exactly the documented shape is a failure of that
// query, with a message saying what was wrong, never a guess at a number.
#pragma once

#include "metrics/http.hpp"
#include "model/promql.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nines {

struct PromSeries {
  std::map<std::string, std::string> metric;      // labels
  std::vector<std::pair<double, double>> samples; // (unix seconds, value); one for a vector
};

struct PromResponse {
  bool ok = false;
  std::string error;      // when !ok: what failed, in words
  std::string error_type; // Prometheus' errorType (bad_data, execution, timeout, …), when sent
  std::vector<std::string> warnings;
  std::string result_type;        // vector | matrix | scalar
  std::vector<PromSeries> series; // vector and matrix results
  std::optional<std::pair<double, double>> scalar;
  // When !ok: the answer was read and says the expression itself cannot give a count (a string
  // result, native histogram samples), so the failure is reported at the query's line.
  bool of_query = false;
};

// Reads one API response (any HTTP status: error envelopes come with 4xx/5xx). Never throws: an
// answer that cannot be read (bad JSON, a number out of range) is a failed response. Server text
// kept in messages has `secret` and other credentials redacted before it is cut to length.
PromResponse parse_prom_response(long http_status, std::string_view body,
                                 std::string_view secret = {});

// A sample value as Prometheus writes it: a decimal, "NaN", "+Inf", "-Inf" (or "Inf"). nullopt for
// anything else. A decimal whose digits are above 2^53 but which reads as the double 2^53 (every
// number up to 2^53 + 1 does) is the next double up, so that it is over the counts' limit.
std::optional<double> parse_prom_value(std::string_view text);

// The number an instant query answered. `value` is nullopt for an empty vector: no data, which is
// not zero. More than one series is an error: the query must aggregate. With `at` (the evaluation
// time asked for, unix seconds), a sample stamped at any other time is an error too: Prometheus
// stamps an instant result with its evaluation time, so another stamp is an answer to another
// question (a caching proxy, a clock gone wrong), as a range sample off the asked steps is.
struct PromValue {
  bool ok = false;
  std::string error;
  bool of_query = false; // the error is the expression's: several series, a wrong result type
  std::optional<double> value;
};
PromValue single_value(const PromResponse& r, std::optional<std::int64_t> at = std::nullopt);

// The one series of a range query as unix seconds → value; empty for an empty matrix. Samples at
// a time that is not a whole second (`1793404799.6`) are left out: they are not at any step
// asked for, however close.
struct PromRange {
  bool ok = false;
  std::string error;
  bool of_query = false; // as PromValue::of_query
  std::map<std::int64_t, double> points;
};
PromRange single_range(const PromResponse& r);

// POST /api/v1/query with query and time (unix seconds).
HttpRequest instant_query(const std::string& base_url, const std::string& query, std::int64_t time);
// POST /api/v1/query_range; evaluated at start, start + step, … ≤ end, exactly as instant queries
// at those times.
HttpRequest range_query(const std::string& base_url, const std::string& query, std::int64_t start,
                        std::int64_t end, std::int64_t step);

// What went wrong with one completed request, for a message: "" when it brought a usable
// envelope; else transport error, HTTP status or envelope problem (with errorType). A success
// that carries `warnings` is a failure too: Thanos, Mimir and Cortex answer "success" with what
// the stores they reached held, and say in a warning that some did not answer, so the values may
// be short and are not to be stored as a day's final counts.
std::string describe_failure(const HttpResult& http, const PromResponse& parsed);

// The server read the request and refused its expression (errorType bad_data or execution: a
// parse error, a function given the wrong type): the query is to be fixed, not the server.
bool failure_of_query(const HttpResult& http, const PromResponse& parsed);

} // namespace nines
