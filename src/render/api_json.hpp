// The JSON API (SPEC 5): every figure as JSON, for `OUT/api/` and for the commands' `--json`.
// One serializer per figure, so the site, the API and the terminal never disagree.
#pragma once

#include "compute/figures.hpp"
#include "compute/figures_all.hpp"
#include "compute/slo.hpp"
#include "diag/diagnostic.hpp"
#include "model/model.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nines {

using OrderedJson = nlohmann::ordered_json;

// One object of the API, its fields appended in the order given (SPEC 5 fixes the order), each
// value moved in. The serializers use it instead of an initializer list or `operator[]`, which
// were most of the API's cost (docs/performance.md): a list makes every field a two-element JSON
// array first and copies the list's const elements, and both search the fields already there for
// the key, since ordered_json's object is a std::vector of pairs. That search only guards against
// a key written twice, and every key of the API is written once by our own code, so `add` appends
// without it; api_json_test.cpp checks every file of the API of the example organisation for a
// duplicated key.
class JsonObject {
public:
  // `fields`: how many fields will be added, at most. Reserved at once, because growing an
  // ordered_json object copies every value already in it: a pair with a const key has no
  // noexcept move, so std::vector copies the pairs, subtrees and all, when it reallocates.
  explicit JsonObject(std::size_t fields)
      : m_json(OrderedJson::object()), m_fields(&m_json.get_ref<OrderedJson::object_t&>()) {
    m_fields->reserve(fields);
  }
  JsonObject(const JsonObject&) = delete;
  JsonObject& operator=(const JsonObject&) = delete;

  JsonObject& add(std::string_view key, OrderedJson value) {
    m_fields->emplace_back(std::string(key), std::move(value));
    return *this;
  }

  // The object; the builder must not be used afterwards.
  OrderedJson take() { return std::move(m_json); }

private:
  OrderedJson m_json;
  OrderedJson::object_t* m_fields; // m_json's fields, on the heap until take()
};

// An empty JSON array with room for `n` values.
inline OrderedJson json_array(std::size_t n) {
  OrderedJson a = OrderedJson::array();
  a.get_ref<OrderedJson::array_t&>().reserve(n);
  return a;
}

// JSON null for a missing figure: never 0, never 100%.
template <typename T> OrderedJson json_or_null(const std::optional<T>& v) {
  return v ? OrderedJson(*v) : OrderedJson(nullptr);
}

// A fraction as the percentage the API writes, or null.
inline OrderedJson json_pct_or_null(const std::optional<double>& fraction) {
  return fraction ? OrderedJson(*pct(fraction)) : OrderedJson(nullptr);
}

// A count the model keeps as a number (pages: the schemas take whole numbers only) written as the
// integer it is, 150 and never 150.0, as `window_days` is; a value that is not whole stays as it
// is.
inline OrderedJson count_json(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 9e15)
    return OrderedJson(static_cast<std::int64_t>(v));
  return OrderedJson(v);
}
inline OrderedJson count_or_null(const std::optional<double>& v) {
  return v ? count_json(*v) : OrderedJson(nullptr);
}

// An SLO's entry of api/slos.json; `week`: its error budget of the last 7 whole days
// (budget_week_of), null in the JSON without one.
OrderedJson slo_json(const SloFigures& f, const BudgetWeek* week);
const BudgetWeek* budget_week_of(const Figures& figs, std::string_view slo);
OrderedJson service_json(const Repo& repo, const Figures& figs, const Service& s);
OrderedJson maturity_json(const MaturityFigures& m);
OrderedJson service_maturity_json(const ServiceMaturity& m);
OrderedJson readiness_json(const ReadinessFigures& r);
OrderedJson incident_json(const IncidentFigures& i);
OrderedJson toil_json(const std::vector<ToilFigures>& items, const std::vector<TeamToil>& teams);
OrderedJson capacity_json(const CapacityFigures& c);
OrderedJson oncall_json(const RotationFigures& r);
// `{"monthly_report": {...}}` with the seed's field names, plus `delta` and computed concerns.
OrderedJson report_json(const MonthlyReport& r);

// The weekly rhythm (api_weekly.cpp, docs/weekly.md): `{"weekly_review": {...}}` and
// `{"handoff": {...}}`, the error budget week of an SLO, and "↑", "↓", "→" for a budget trend.
OrderedJson budget_week_json(const BudgetWeek& w);
OrderedJson review_json(const WeeklyReview& r);
OrderedJson handoff_json(const Handoff& h);
const char* trend_arrow(const std::string& trend);
// The bytes of one file of the API, or of a command's --json output (`indent` 2), ending in a
// newline. A field whose text is empty was not given (SPEC: an empty string means not given), so it
// is null, as a number or a date not given is: a script tests one value, never both. Strings in
// lists are kept as they are. Everything in it was checked to be UTF-8 where it came in (a
// document's text and file name, git's author names); a byte that still is not becomes U+FFFD
// rather than failing the build at its last step.
std::string api_file_text(OrderedJson j, int indent = -1);
// Takes one file of the API: its path under OUT and its bytes.
using ApiFileSink = std::function<void(const std::string& path, std::string bytes)>;

// Hands on api/reviews/WEEK.json, api/reviews/index.json and api/handoffs/ROTATION.json.
void weekly_api_files(const Figures& figs, const ApiFileSink& emit);

// Every file of `OUT/api/`, each handed to `emit` as soon as it is made (so only one file's JSON
// is in memory at a time), from the calling thread. Byte-identical for the same input and now.
void api_files(const Repo& repo, const Figures& figs, const std::vector<Diagnostic>& diagnostics,
               const ApiFileSink& emit);

} // namespace nines
