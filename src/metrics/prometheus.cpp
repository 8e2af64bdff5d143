#include "metrics/prometheus.hpp"

#include "metrics/http.hpp"
#include "metrics/store.hpp"
#include "model/numbers.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>

namespace nines {

namespace {

using nlohmann::json;

// Server text in our messages: credentials redacted first, on the whole raw text, then one line,
// bounded, so a diagnostic stays a diagnostic and a secret straddling the cut or a line break is
// never half kept.
std::string clip(std::string_view raw, std::string_view secret, std::size_t max = 300) {
  const std::string s = redact_text(raw, secret);
  std::string out;
  for (char c : std::string_view(s).substr(0, max))
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (s.size() > max) out += "…";
  return out;
}

// A value from the server, whole, in quotes: blanks kept (" 12" is ' 12', not ''), quotes,
// backslashes and control characters escaped, credentials redacted, cut at `max` bytes on a
// character boundary.
std::string quote_value(std::string_view raw, std::string_view secret, std::size_t max = 40) {
  const std::string s = redact_text(raw, secret);
  std::size_t end = std::min(s.size(), max);
  // Never half a UTF-8 character: back up over continuation bytes.
  while (end < s.size() && end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
    --end;
  std::string out = "'";
  for (char c : std::string_view(s).substr(0, end)) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\'' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7F) {
      static const char k_hex[] = "0123456789abcdef";
      out += "\\x";
      out += k_hex[u >> 4];
      out += k_hex[u & 0xF];
    } else {
      out += c;
    }
  }
  out += '\'';
  if (end < s.size()) out += "…";
  return out;
}

std::string http_prefix(long status) {
  return status >= 200 && status < 300 ? std::string() : "HTTP " + std::to_string(status) + ": ";
}

// [<unix seconds>, "<value>"], as in vector, matrix and scalar results.
bool read_sample(const json& j, std::pair<double, double>& out, std::string& error,
                 std::string_view secret) {
  if (!j.is_array() || j.size() != 2) {
    error = "a sample is not a [time, \"value\"] pair";
    return false;
  }
  if (!j[0].is_number()) {
    error = "a sample time is not a number";
    return false;
  }
  if (!j[1].is_string()) {
    error = "a sample value is not a string";
    return false;
  }
  const auto& text = j[1].get_ref<const std::string&>();
  auto v = parse_prom_value(text);
  if (!v) {
    // A number too large or too small for a double (1e999, 1e-400) is a number all the same.
    double ignored = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ignored);
    const bool out_of_range =
        ec == std::errc::result_out_of_range && end == text.data() + text.size();
    error = "sample value " + quote_value(text, secret) +
            (out_of_range ? " is out of a number's range" : " is not a number");
    return false;
  }
  out = {j[0].get<double>(), *v};
  return true;
}

bool read_metric(const json& series, PromSeries& out, std::string& error, std::string_view secret) {
  if (!series.is_object()) {
    error = "a result entry is not an object";
    return false;
  }
  auto m = series.find("metric");
  if (m == series.end()) return true; // some servers omit empty label sets
  if (!m->is_object()) {
    error = "a result's metric is not an object";
    return false;
  }
  for (const auto& [k, v] : m->items()) {
    if (!v.is_string()) {
      error = "label '" + clip(k, secret, 60) + "' is not a string";
      return false;
    }
    out.metric[k] = v.get<std::string>();
  }
  return true;
}

bool has_histogram(const json& series) {
  return series.is_object() && (series.contains("histogram") || series.contains("histograms"));
}

// A number as %.17g writes it (NaN and ±Inf as Prometheus does).
std::string show_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

PromResponse fail(PromResponse r, long status, std::string what) {
  r.ok = false;
  r.error = http_prefix(status) + what;
  r.series.clear();
  r.scalar.reset();
  return r;
}

} // namespace

std::optional<double> parse_prom_value(std::string_view text) {
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "+Inf" || text == "Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  if (text.empty() || text.front() == '+') return std::nullopt;
  double v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  // from_chars also reads "nan" and "inf" spellings Prometheus never writes; refuse them.
  if (!std::isfinite(v)) return std::nullopt;
  if (v == k_max_count && decimal_over_two_to_53(text))
    return std::nextafter(v, std::numeric_limits<double>::infinity());
  return v;
}

namespace {
PromResponse parse_envelope(long http_status, std::string_view body, std::string_view secret);
} // namespace

PromResponse parse_prom_response(long http_status, std::string_view body, std::string_view secret) {
  // Any exception while reading one answer fails that query only, never the run.
  try {
    return parse_envelope(http_status, body, secret);
  } catch (const json::exception& e) {
    return fail(PromResponse{}, http_status,
                "the response cannot be read (" + clip(e.what(), secret, 120) + ")");
  } catch (const std::exception& e) {
    return fail(PromResponse{}, http_status,
                "the response cannot be read (" + clip(e.what(), secret, 120) + ")");
  }
}

namespace {

PromResponse parse_envelope(long http_status, std::string_view body, std::string_view secret) {
  PromResponse r;
  json root;
  try {
    root = json::parse(body.begin(), body.end());
  } catch (const json::out_of_range&) {
    // 1e999: a number no double holds. nlohmann reports it as out_of_range, not parse_error.
    return fail(r, http_status, "the response holds a number out of range");
  } catch (const json::parse_error& e) {
    // A proxy's or load balancer's error page, not the API's: the status says it all.
    if (http_status < 200 || http_status >= 300)
      return fail(r, http_status, "not a Prometheus API response");
    if (body.empty()) return fail(r, http_status, "the response body is empty");
    if (e.byte >= body.size())
      return fail(r, http_status, "the response is truncated (its JSON ends early)");
    return fail(r, http_status,
                "the response is not valid JSON (at byte " + std::to_string(e.byte) + ")");
  }
  if (!root.is_object()) return fail(r, http_status, "the response is not a JSON object");

  if (auto w = root.find("warnings"); w != root.end()) {
    if (!w->is_array()) return fail(r, http_status, "'warnings' is not an array");
    for (const auto& s : *w)
      r.warnings.push_back(s.is_string() ? clip(s.get<std::string>(), secret)
                                         : clip(s.dump(), secret));
  }
  auto status = root.find("status");
  if (status == root.end() || !status->is_string())
    return fail(r, http_status, "the response has no 'status'");
  if (auto t = root.find("errorType"); t != root.end() && t->is_string())
    r.error_type = clip(t->get<std::string>(), secret, 60);
  if (*status == "error") {
    std::string message;
    if (auto e = root.find("error"); e != root.end() && e->is_string())
      message = clip(e->get<std::string>(), secret);
    std::string what = r.error_type.empty() ? "error" : r.error_type;
    return fail(r, http_status,
                "Prometheus answered " + what + (message.empty() ? "" : ": ") + message);
  }
  if (*status != "success")
    return fail(r, http_status,
                "unknown status '" + clip(status->get<std::string>(), secret, 40) + "'");
  if (http_status < 200 || http_status >= 300)
    return fail(r, http_status, "a success envelope with an error status");

  auto data = root.find("data");
  if (data == root.end() || !data->is_object())
    return fail(r, http_status, "the response has no 'data' object");
  auto type = data->find("resultType");
  if (type == data->end() || !type->is_string())
    return fail(r, http_status, "the response has no 'data.resultType'");
  r.result_type = type->get<std::string>();
  auto result = data->find("result");
  if (result == data->end()) return fail(r, http_status, "the response has no 'data.result'");

  std::string error;
  if (r.result_type == "vector") {
    if (!result->is_array()) return fail(r, http_status, "a vector result is not an array");
    for (const auto& s : *result) {
      PromSeries series;
      if (!read_metric(s, series, error, secret)) return fail(r, http_status, error);
      auto v = s.find("value");
      if (v == s.end()) {
        if (has_histogram(s)) {
          r.of_query = true;
          return fail(r, http_status,
                      "native histogram samples are not supported; aggregate "
                      "them to a number (e.g. histogram_count)");
        }
        return fail(r, http_status, "a vector sample has no 'value'");
      }
      std::pair<double, double> sample;
      if (!read_sample(*v, sample, error, secret)) return fail(r, http_status, error);
      series.samples.push_back(sample);
      r.series.push_back(std::move(series));
    }
  } else if (r.result_type == "matrix") {
    if (!result->is_array()) return fail(r, http_status, "a matrix result is not an array");
    for (const auto& s : *result) {
      PromSeries series;
      if (!read_metric(s, series, error, secret)) return fail(r, http_status, error);
      auto vs = s.find("values");
      if (vs == s.end()) {
        if (has_histogram(s)) {
          r.of_query = true;
          return fail(r, http_status,
                      "native histogram samples are not supported; aggregate "
                      "them to a number (e.g. histogram_count)");
        }
        return fail(r, http_status, "a matrix series has no 'values'");
      }
      if (!vs->is_array()) return fail(r, http_status, "a matrix series' values is not an array");
      for (const auto& v : *vs) {
        std::pair<double, double> sample;
        if (!read_sample(v, sample, error, secret)) return fail(r, http_status, error);
        series.samples.push_back(sample);
      }
      r.series.push_back(std::move(series));
    }
  } else if (r.result_type == "scalar") {
    std::pair<double, double> sample;
    if (!read_sample(*result, sample, error, secret)) return fail(r, http_status, error);
    r.scalar = sample;
  } else if (r.result_type == "string") {
    r.of_query = true;
    return fail(r, http_status, "the query returned a string, not a number");
  } else {
    return fail(r, http_status, "unknown resultType '" + clip(r.result_type, secret, 40) + "'");
  }
  r.ok = true;
  return r;
}

} // namespace

PromValue single_value(const PromResponse& r, std::optional<std::int64_t> at) {
  PromValue v;
  if (!r.ok) {
    v.error = r.error;
    return v;
  }
  auto stamped_elsewhere = [&](double t) {
    if (!at || t == static_cast<double>(*at)) return false;
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "the answer is stamped at unix time %.17g, not at the requested %lld; not used",
                  t, static_cast<long long>(*at));
    v.error = buf;
    return true;
  };
  if (r.result_type == "scalar") {
    if (stamped_elsewhere(r.scalar->first)) return v;
    v.ok = true;
    v.value = r.scalar->second;
    return v;
  }
  if (r.result_type != "vector") {
    v.error = "expected an instant vector, got a " + r.result_type;
    v.of_query = true;
    return v;
  }
  if (r.series.size() > 1) {
    v.error = "the query returned " + std::to_string(r.series.size()) +
              " series; it must return one (wrap it in sum(...))";
    v.of_query = true;
    return v;
  }
  if (!r.series.empty() && stamped_elsewhere(r.series.front().samples.front().first)) return v;
  v.ok = true;
  if (!r.series.empty()) v.value = r.series.front().samples.front().second;
  return v;
}

PromRange single_range(const PromResponse& r) {
  PromRange out;
  if (!r.ok) {
    out.error = r.error;
    return out;
  }
  if (r.result_type != "matrix") {
    out.error = "expected a range vector (matrix), got a " + r.result_type;
    out.of_query = true;
    return out;
  }
  if (r.series.size() > 1) {
    out.of_query = true;
    out.error = "the query returned " + std::to_string(r.series.size()) +
                " series; it must return one (wrap it in sum(...))";
    return out;
  }
  if (r.series.empty()) {
    out.ok = true;
    return out;
  }
  for (const auto& [t, v] : r.series.front().samples) {
    // Evaluation times are whole seconds here (we ask for whole-second start and step), and a
    // sample even a fraction of a second off them was evaluated at another time: it is no
    // step's value, and the caller reports it as off the steps, never stored (the instant
    // answers' rule, single_value).
    if (!(t == std::floor(t))) continue;
    const auto [it, added] = out.points.emplace(std::llround(t), v);
    // A range query answers one value per step. Two different ones at the same time leave no
    // way to tell which is right (the last would win, so the figure would depend on the order
    // of the samples): the query fails. An exact repeat says nothing new and is kept once.
    const bool same = it->second == v || (std::isnan(it->second) && std::isnan(v));
    if (!added && !same) {
      out.points.clear();
      out.error = "the series has two different values at time " + show_number(t) + " (" +
                  show_number(it->second) + " and " + show_number(v) +
                  "); a range query answers one value per step";
      return out;
    }
  }
  out.ok = true;
  return out;
}

namespace {

// The API path goes after the source URL's own path and before its query string: a proxy in
// front of the server may want a parameter (`?api_key=…`) on every request. A fragment is never
// sent, so it is dropped.
std::string join_url(const std::string& base, const char* path) {
  std::string b = base.substr(0, base.find('#'));
  std::string query;
  if (const auto q = b.find('?'); q != std::string::npos) {
    query = b.substr(q);
    b.erase(q);
  }
  while (!b.empty() && b.back() == '/')
    b.pop_back();
  return b + path + (query.size() > 1 ? query : std::string());
}

} // namespace

HttpRequest instant_query(const std::string& base_url, const std::string& query,
                          std::int64_t time) {
  return {join_url(base_url, "/api/v1/query"),
          form_encode({{"query", query}, {"time", std::to_string(time)}})};
}

HttpRequest range_query(const std::string& base_url, const std::string& query, std::int64_t start,
                        std::int64_t end, std::int64_t step) {
  return {join_url(base_url, "/api/v1/query_range"), form_encode({{"query", query},
                                                                  {"start", std::to_string(start)},
                                                                  {"end", std::to_string(end)},
                                                                  {"step", std::to_string(step)}})};
}

std::string describe_failure(const HttpResult& http, const PromResponse& parsed) {
  if (!http.error.empty()) {
    std::string s = http.error;
    // Not for a source given up as unreachable: its requests stop at whatever attempt they were
    // at when the first ran out of retries, and they all fail for that one reason.
    if (http.attempts > 1 && !http.unreachable)
      s += " (after " + std::to_string(http.attempts) + " attempts)";
    return s;
  }
  if (parsed.ok && !parsed.warnings.empty()) {
    // The warnings were redacted and cut when read; a few are enough to say what happened.
    std::string s = "the server answered with a warning, so the answer may be partial and is "
                    "not used: ";
    for (std::size_t i = 0; i < parsed.warnings.size() && i < 3; ++i)
      s += (i ? "; " : "") + parsed.warnings[i];
    if (parsed.warnings.size() > 3)
      s += " and " + std::to_string(parsed.warnings.size() - 3) + " more";
    return s;
  }
  if (parsed.ok) return {};
  std::string s = parsed.error;
  if (!http.note.empty()) s += " (" + http.note + ")";
  if (http.attempts > 1) s += " (after " + std::to_string(http.attempts) + " attempts)";
  return s;
}

bool failure_of_query(const HttpResult& http, const PromResponse& parsed) {
  return http.error.empty() && !parsed.ok &&
         (parsed.of_query || parsed.error_type == "bad_data" || parsed.error_type == "execution");
}

} // namespace nines
