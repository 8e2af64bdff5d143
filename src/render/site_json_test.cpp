// ViewObject (site_detail.hpp) must build exactly the object an initializer list builds: the page
// input hashes of the site manifest are digests of the views. Likewise the search index, written
// without JSON values, must be byte for byte what they made.
#include "model/entity_ref.hpp"
#include "pipeline.hpp"
#include "render/html.hpp"
#include "render/site_detail.hpp"
#include "render/test_content.hpp"

#include <algorithm>
#include <cctype>
#include <doctest/doctest.h>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

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

namespace {

// search-index.js as it was written before the index wrote its strings itself: a JSON array per
// entry dumped ASCII-only, then "javascript:" made inert and < > & = escaped.
std::string reference_index(const std::vector<nines::SearchEntry>& entries) {
  auto inert = [](std::string s) {
    const std::string scheme = "javascript:";
    for (std::size_t at = 0; at + scheme.size() <= s.size(); ++at) {
      bool match = true;
      for (std::size_t k = 0; k < scheme.size() && match; ++k)
        match = std::tolower(static_cast<unsigned char>(s[at + k])) == scheme[k];
      if (match) s.replace(at + scheme.size() - 1, 1, "\\u003a");
    }
    return s;
  };
  std::string js = "window.NINES_SEARCH = [\n";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    json j = json::array();
    for (std::string field : {e.kind, e.title, e.href, e.summary, e.text}) {
      nines::replace_controls(field); // as the pages show them: never reordering the text
      j.push_back(field);
    }
    js += "  ";
    for (char c : inert(j.dump(-1, ' ', true, json::error_handler_t::replace))) {
      if (c == '<')
        js += "\\u003c";
      else if (c == '>')
        js += "\\u003e";
      else if (c == '&')
        js += "\\u0026";
      else if (c == '=')
        js += "\\u003d";
      else
        js += c;
    }
    js += i + 1 < entries.size() ? ",\n" : "\n";
  }
  js += "];\n";
  return js;
}

// Random bytes weighted towards what escaping and UTF-8 checking care about: controls, quotes,
// markup, the scheme's letters, every kind of lead and continuation byte, valid sequences of
// every length (up to U+10FFFF), and the invalid ones (overlong, surrogates, cut short).
std::string random_text(std::mt19937& rng) {
  static const std::vector<std::string> pieces = {"a",
                                                  "Z",
                                                  " ",
                                                  "\t",
                                                  "\n",
                                                  "\r",
                                                  "\b",
                                                  "\f",
                                                  std::string(1, '\0'),
                                                  "\x01",
                                                  "\x1f",
                                                  "\x7f",
                                                  "\"",
                                                  "\\",
                                                  "/",
                                                  "<",
                                                  ">",
                                                  "&",
                                                  "=",
                                                  ":",
                                                  "javascript:",
                                                  "JavaScript:",
                                                  "jAvAsCrIpT:",
                                                  "java",
                                                  "script:",
                                                  "\xC3\xA9",
                                                  "\xE2\x80\xA6",
                                                  "\xF0\x9F\x98\x80",
                                                  "\xF4\x8F\xBF\xBF",
                                                  "\xEF\xBF\xBF",
                                                  "\xC2\x80",
                                                  "\xDF\xBF",
                                                  "\xE0\xA0\x80",
                                                  "\xED\x9F\xBF",
                                                  "\xEE\x80\x80",
                                                  "\xF0\x90\x80\x80",
                                                  "\xC0\xAF",
                                                  "\xC1\xBF",
                                                  "\xE0\x80\xAF",
                                                  "\xED\xA0\x80",
                                                  "\xF0\x80\x80\x80",
                                                  "\xF4\x90\x80\x80",
                                                  "\xF5\x80\x80\x80",
                                                  "\xFF",
                                                  "\xFE",
                                                  "\x80",
                                                  "\xBF",
                                                  "\xC3",
                                                  "\xE2\x80",
                                                  "\xF0\x9F\x98",
                                                  "\xE2",
                                                  "\xF0",
                                                  "\xF4"};
  std::uniform_int_distribution<std::size_t> count(0, 24);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string s;
  for (std::size_t n = count(rng); n > 0; --n) {
    if (rng() % 4 == 0)
      s += static_cast<char>(byte(rng));
    else
      s += pieces[pick(rng)];
  }
  return s;
}

} // namespace

TEST_CASE("search-index.js strings are written as the JSON dump wrote them") {
  std::mt19937 rng(20261101);
  for (int round = 0; round < 20000; ++round) {
    std::string s = random_text(rng);
    std::string expected = reference_index({{s, s, s, s, s}});
    // One entry: "window.NINES_SEARCH = [\n  [S,S,S,S,S]\n];\n"; compare the first string.
    std::string got = nines::site::search_index_string(s);
    std::string reference =
        expected.substr(std::string("window.NINES_SEARCH = [\n  [").size(), got.size());
    REQUIRE_MESSAGE(got == reference,
                    "input bytes: " << json(s).dump(-1, ' ', true, json::error_handler_t::replace));
  }
  // Fixed cases, so a broken escaper fails on what matters even if the generator changes.
  // Control characters other than white space read U+FFFD, as on the pages.
  CHECK(nines::site::search_index_string("a\"b\\c\n\t\x01\x7f") ==
        "\"a\\\"b\\\\c\\n\\t\\ufffd\\ufffd\"");
  CHECK(nines::site::search_index_string("<a href=x>&") ==
        "\"\\u003ca href\\u003dx\\u003e\\u0026\"");
  CHECK(nines::site::search_index_string("see JavaScript:alert(1)") ==
        "\"see JavaScript\\u003aalert(1)\"");
  CHECK(nines::site::search_index_string("caf\xC3\xA9 \xF0\x9F\x98\x80") ==
        "\"caf\\u00e9 \\ud83d\\ude00\"");
  CHECK(nines::site::search_index_string("\xE2\x80x\xFF") == "\"\\ufffdx\\ufffd\"");
  // A right-to-left override and a first-strong isolate would reorder the result as shown.
  CHECK(nines::site::search_index_string("a\xE2\x80\xAE"
                                         "1 \xE2\x81\xA8"
                                         "b") == "\"a\\ufffd1 \\ufffdb\"");
}

TEST_CASE("search-index.js is byte for byte what the JSON dump made of the same entries") {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<nines::SearchEntry> entries;
    for (std::size_t n = rng() % 6; n > 0; --n)
      entries.push_back({random_text(rng), random_text(rng), random_text(rng), random_text(rng),
                         random_text(rng)});
    REQUIRE(nines::site::search_index(entries) == reference_index(entries));
  }
}

namespace {

// An entry's text as search_entries made it before it read words in place: the parts joined,
// flattened by plain(), and past the cap each word once (lower-cased by the C library).
std::string reference_plain(const std::string& md, bool markdown) {
  std::string out;
  for (char c : md) {
    bool markup = markdown && (c == '#' || c == '*' || c == '`' || c == '|' || c == '>' ||
                               c == '[' || c == ']' || c == '(' || c == ')' || c == '~');
    bool space = markup || c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

std::vector<std::string> reference_words(const std::string& s) {
  std::vector<std::string> out;
  std::string w;
  for (char c : s + " ") {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      if (!w.empty()) out.push_back(w);
      w.clear();
    } else {
      w += c;
    }
  }
  return out;
}

std::string reference_lower(const std::string& w) {
  std::string k;
  for (char c : w)
    if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80 ||
        c == '-' || c == '_' || c == '.' || c == '/')
      k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return k;
}

std::string reference_text(const std::string& title, const std::string& summary,
                           const std::vector<std::string>& keys,
                           const std::vector<std::string>& prose, std::size_t cap) {
  std::string full =
      reference_plain(nines::site::join(keys, " ") + " " + nines::site::join(prose, " "), false);
  if (full.size() <= cap) return full;
  std::set<std::string> seen;
  for (const auto& w : reference_words(title))
    seen.insert(reference_lower(w));
  for (const auto& w : reference_words(summary))
    seen.insert(reference_lower(w));
  std::string out;
  for (const auto& w : reference_words(full)) {
    std::string k = reference_lower(w);
    if (k.empty() || !seen.insert(k).second) continue;
    if (out.size() + 1 + w.size() > cap) break;
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

std::string random_words(std::mt19937& rng, std::size_t max_words) {
  static const std::vector<std::string> words = {
      "Checkout",   "checkout",    "CHECKOUT",     "latency", "p99",
      "db-primary", "api_gateway", "v1.2/x",       "(see",    "[link](https://x.example/a)",
      "#",          "**bold**",    "`kubectl`",    "|",       "~~old~~",
      ">",          "caf\xC3\xA9", "CAF\xC3\x89",  "--",      "!!",
      "a",          "A",           "\xE2\x80\xA6", "restart", "Restart."};
  static const std::vector<std::string> gaps = {" ", "  ", "\n", "\t", "\r\n", " \n\n "};
  std::string s;
  for (std::size_t n = rng() % (max_words + 1); n > 0; --n) {
    if (!s.empty() || rng() % 3 == 0) s += gaps[rng() % gaps.size()];
    s += words[rng() % words.size()];
  }
  if (rng() % 3 == 0) s += gaps[rng() % gaps.size()];
  return s;
}

} // namespace

TEST_CASE("search entries: the text read in place is the text the joined parts made") {
  std::mt19937 rng(1101);
  std::size_t cut = 0;
  for (int round = 0; round < 3000; ++round) {
    nines::ProseSearch::Draft d;
    d.kind = "runbook";
    d.title = random_words(rng, 4);
    d.href = rng() % 2 ? "runbooks/x/index.html" : "runbooks/x.html";
    d.summary = random_words(rng, 30);
    for (std::size_t n = rng() % 5; n > 0; --n)
      d.keys.push_back(random_words(rng, 3));
    for (std::size_t n = rng() % 4; n > 0; --n)
      d.prose.push_back(random_words(rng, 40));
    d.body_at = rng() % (d.prose.size() + 1);
    std::string body = random_words(rng, 200);
    std::size_t cap = 1 + rng() % 600;

    nines::SearchEntry e = nines::site::search_entry(d, body, cap);

    std::vector<std::string> prose = d.prose;
    prose.insert(prose.begin() + static_cast<std::ptrdiff_t>(d.body_at),
                 reference_plain(body, true));
    std::string expected = reference_text(d.title, d.summary, d.keys, prose, cap);
    REQUIRE(e.text == expected);
    CHECK(e.text.size() <= cap);
    CHECK(e.title == d.title);
    CHECK(e.href == (d.href == "runbooks/x/index.html" ? "runbooks/x/" : d.href));
    CHECK(e.summary == nines::site::truncate_text(d.summary, 96));
    if (expected.size() <
        reference_plain(nines::site::join(d.keys, " ") + " " + nines::site::join(prose, " "), false)
            .size())
      ++cut;
  }
  // Both paths ran: texts that fit and texts cut to their words once.
  CHECK(cut > 100);
  CHECK(cut < 2900);
}

TEST_CASE("search entries: a body's raw HTML, which the page omits, is not in the index") {
  nines::ProseSearch::Draft d;
  d.kind = "runbook";
  d.title = "R";
  d.href = "runbooks/r/index.html";
  d.body_at = 0;
  const std::string body =
      "## Check\n\n<!-- internal: escalate to Bob on 555-0100 -->\n\n"
      "<div hidden>secretnote only for editors</div>\n\n"
      "Run `kubectl get <xr>` and see <span class=\"x\">the pods</span> <!-- aside -->now.\n"
      "Mail <ops@example.org> or <https://status.example.org>.\n\n"
      "```\n<keep> in code\n```\n\n    <indented code>\n";
  const nines::SearchEntry e = nines::site::search_entry(d, body, 4096);
  for (const char* gone :
       {"internal", "Bob", "555-0100", "secretnote", "editors", "span", "aside", "hidden", "class"})
    CHECK_MESSAGE(e.text.find(gone) == std::string::npos, gone);
  for (const char* kept : {"Check", "kubectl get <xr", "the pods", "now.", "ops@example.org",
                           "https://status.example.org", "<keep", "in code", "<indented code"})
    CHECK_MESSAGE(e.text.find(kept) != std::string::npos, kept);
}

TEST_CASE("search entries: a capped text of many short distinct words") {
  // More distinct words than the set of seen words is first sized for, so it has to grow.
  std::mt19937 rng(42);
  for (std::size_t cap : {160u, 2000u, 12000u}) {
    nines::ProseSearch::Draft d;
    d.kind = "postmortem";
    d.title = "W1 w2 W3";
    d.href = "postmortems/x/index.html";
    d.summary = "w4 w5";
    d.keys = {"w6 w1", ""};
    std::string body;
    for (int i = 0; i < 6000; ++i)
      body += "w" + std::to_string(rng() % 4000) + (i % 7 == 0 ? "\n" : " ");
    d.prose = {"W7 w8"};
    d.body_at = 1;
    nines::SearchEntry e = nines::site::search_entry(d, body, cap);
    std::vector<std::string> prose = d.prose;
    prose.push_back(reference_plain(body, true));
    REQUIRE(e.text == reference_text(d.title, d.summary, d.keys, prose, cap));
    CHECK(e.text.size() <= cap);
    CHECK(e.text.size() + 8 > cap);                 // cut near the cap: there were words enough
    CHECK(e.text.find("w1 ") == std::string::npos); // a word of the title, so seen
  }
}

namespace {

// A repository of the source tree (the example organisation unless `from` names a fixture)
// through load … compute, once per repository for every test case.
const nines::Run& content_run(const std::string& from = "content") {
  struct Copy {
    explicit Copy(const std::string& folder) : copy(folder) {
      run.opts.dir = copy.path;
      run.opts.last = nines::Stage::Compute;
      run.opts.now = "2026-11-23T00:00:00Z";
      int code = nines::run_pipeline(run);
      REQUIRE_MESSAGE(code == 0, folder << " must compute cleanly");
    }
    nines::render_test::ContentCopy copy;
    nines::Run run;
  };
  static std::map<std::string, std::unique_ptr<Copy>> runs;
  auto& slot = runs[from];
  if (!slot) slot = std::make_unique<Copy>(from);
  return slot->run;
}

// A part of a split list as list_part made it before it skipped the fields its frame replaces:
// every field copied, the team's rows kept, then the frame's fields (but its freshness) over them.
json reference_part(const nines::site::Site& site, const json& full, const std::string& rows_key,
                    const std::string& folder, const std::string& section,
                    const std::string& team_id) {
  using namespace nines::site;
  auto team_of = [](const json& row) -> std::string {
    auto it = row.find("team");
    return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::vector<std::string> keys;
  for (std::size_t at = 0; at <= rows_key.size();) {
    std::size_t end = std::min(rows_key.find(' ', at), rows_key.size());
    keys.push_back(rows_key.substr(at, end - at));
    at = end + 1;
  }
  auto keep = [&](const std::string& name) {
    json out = json::object();
    for (const auto& [key, value] : full.items()) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        out[key] = value;
        continue;
      }
      json kept = json::array();
      for (const auto& row : value)
        if (team_of(row) == name) kept.push_back(row);
      out[key] = std::move(kept);
    }
    for (const auto& key : keys)
      if (!out.contains(key)) out[key] = json::array();
    out["parts"] = json::array();
    return out;
  };
  const std::string name = site.team_name(team_id);
  json out = keep(name);
  out["chart_svg"] = nullptr;
  const std::string title = full["title"].get<std::string>();
  json frame = page_view(site, list_part_page(folder, team_id), title + ": " + name, section,
                         {{folder + "/index.html", title}});
  for (const auto& [key, value] : frame.items())
    if (key != "freshness") out[key] = value;
  return out;
}

} // namespace

TEST_CASE("list_part: a team's part of a split list is the fields, rows and frame it was") {
  const nines::Run& run = content_run();
  nines::SiteOptions opts;
  opts.version = "0.1.0";
  const std::vector<nines::Diagnostic> diagnostics; // the Site keeps a reference
  nines::site::Site site(run.repo, run.figures, diagnostics, run.series, opts);
  struct List {
    const char* folder;
    const char* rows_key;
    const char* section;
    json (*view)(const nines::site::Site&);
  };
  const std::vector<List> lists = {
      {"catalog", "services entries", "services", nines::site::catalog_view},
      {"slos", "slos", "slos", nines::site::slos_view},
      {"runbooks", "runbooks", "runbooks", nines::site::runbooks_view},
      {"postmortems", "postmortems", "incidents", nines::site::postmortems_view},
      {"readiness", "services", "readiness", nines::site::readiness_view},
      {"maturity", "services", "maturity", nines::site::maturity_view}};
  REQUIRE(site.team_ids.size() > 1);
  std::size_t rows = 0;
  for (const auto& l : lists) {
    const nines::site::SplitList list(l.view(site), l.rows_key);
    const json& full = list.full;
    const std::string first_key =
        std::string(l.rows_key).substr(0, std::string(l.rows_key).find(' '));
    for (const auto& id : site.team_ids) {
      // A total past every split, so each list is split into its teams' parts.
      json part = nines::site::list_part(site, list, l.folder, l.section, 100000, id);
      json expected = reference_part(site, full, l.rows_key, l.folder, l.section, id);
      REQUIRE_MESSAGE(part == expected, l.folder << " part of team " << id);
      CHECK(part.dump() == expected.dump());
      rows += part[first_key].size();
      // The frame's breadcrumbs, not the list's.
      CHECK(part["breadcrumbs"].size() == 3);
      CHECK(part["chart_svg"].is_null());
    }
  }
  CHECK(rows > 0); // the parts held rows, not only frames
}

TEST_CASE("freshness views are the objects their initializer lists built") {
  using nines::site::opt_text;
  auto reference_of = [](const nines::DataFreshness& d) -> json {
    std::string text = d.status;
    if (d.status == "stale" && d.age_days)
      text =
          "stale · " + std::to_string(*d.age_days) + (*d.age_days == 1 ? " day old" : " days old");
    else if (d.status == "missing")
      text = "missing · no data";
    return {
        {"status", nines::site::css_word(d.status)}, {"text", text}, {"as_of", opt_text(d.as_of)}};
  };
  std::vector<nines::DataFreshness> cases;
  for (const char* status : {"fresh", "stale", "missing", "Odd Status"})
    for (std::optional<std::int64_t> age :
         {std::optional<std::int64_t>(), std::optional<std::int64_t>(1),
          std::optional<std::int64_t>(9)})
      for (std::optional<std::string> as_of :
           {std::optional<std::string>(), std::optional<std::string>("2026-11-20"),
            std::optional<std::string>("")})
        cases.push_back({status, as_of, age});
  for (const auto& d : cases) {
    json built = nines::site::freshness_of(d);
    CHECK(built == reference_of(d));
    CHECK(built.dump() == reference_of(d).dump());
  }
  CHECK(nines::site::freshness_of(cases[3 * 3 + 1 * 3]).at("text") == "stale · 1 day old");

  // The page badge over real SLOs, then over the same with their data made stale and missing.
  const nines::Run& run = content_run();
  std::vector<nines::SloFigures> figs = run.figures.slos;
  REQUIRE(figs.size() > 2);
  auto reference_badge = [&](const std::vector<const nines::SloFigures*>& slos) -> json {
    int fresh = 0, stale = 0, missing = 0, live_missing = 0;
    std::optional<std::int64_t> oldest_age;
    std::optional<std::string> latest, oldest;
    for (const auto* f : slos) {
      const auto& d = f->data;
      if (!d.live_missing.empty()) ++live_missing;
      if (d.status == "fresh")
        ++fresh;
      else if (d.status == "stale")
        ++stale;
      else
        ++missing;
      if (d.age_days && d.status == "stale" && (!oldest_age || *d.age_days > *oldest_age))
        oldest_age = d.age_days;
      if (d.as_of) {
        if (!latest || *d.as_of > *latest) latest = d.as_of;
        if (!oldest || *d.as_of < *oldest) oldest = d.as_of;
      }
    }
    // A failed live fetch leaves the figures of now missing: never fresh.
    std::string status = stale > 0 || live_missing > 0 ? "stale" : fresh > 0 ? "fresh" : "missing";
    std::vector<std::string> parts;
    if (fresh) parts.push_back(std::to_string(fresh) + " fresh");
    if (stale)
      parts.push_back(std::to_string(stale) + " stale" +
                      (oldest_age ? " (up to " + std::to_string(*oldest_age) +
                                        (*oldest_age == 1 ? " day old)" : " days old)")
                                  : std::string()));
    if (missing) parts.push_back(std::to_string(missing) + " with no data");
    std::string detail =
        "SLO data: " + nines::site::join(parts, ", ") + " of " + std::to_string(slos.size()) + ".";
    if (live_missing)
      detail += " Live windows not fetched for " + std::to_string(live_missing) +
                (live_missing == 1 ? " SLO." : " SLOs.");
    return {{"label", "Metrics"},
            {"status", status},
            {"as_of", opt_text(status == "stale" ? oldest : latest)},
            {"detail", detail}};
  };
  for (int variant = 0; variant < 4; ++variant) {
    if (variant == 0) // every live window fetched
      for (auto& f : figs)
        f.data.live_missing.clear();
    if (variant == 3) figs[3].data.live_missing = {"1h", "6h"};
    if (variant == 1) {
      figs[0].data = {"stale", std::string("2026-11-01"), 21};
      figs[1].data = {"stale", std::string("2026-11-20"), 1};
    }
    if (variant == 2) figs[2].data = {"missing", std::nullopt, std::nullopt};
    std::vector<const nines::SloFigures*> ptrs;
    for (const auto& f : figs)
      ptrs.push_back(&f);
    json built = nines::site::metrics_freshness(ptrs);
    CHECK(built == reference_badge(ptrs));
    CHECK(built.dump() == reference_badge(ptrs).dump());
    if (variant == 1) CHECK(built.at("status") == "stale");
    if (variant == 3)
      CHECK(built.at("detail").get<std::string>().find("Live windows not fetched for 1 SLO.") !=
            std::string::npos);
  }
  // A golden signal behind the last closed day makes the badge stale, with its age.
  {
    std::vector<const nines::SloFigures*> fresh_ones;
    for (const auto& f : figs)
      if (f.data.status == "fresh" && f.data.live_missing.empty()) fresh_ones.push_back(&f);
    REQUIRE_FALSE(fresh_ones.empty());
    CHECK(nines::site::metrics_freshness(fresh_ones).at("status") == "fresh");
    json golden = nines::site::metrics_freshness(
        fresh_ones, {{"Traffic", "7 days old", std::string("2026-10-24")}});
    CHECK(golden.at("status") == "stale");
    CHECK(golden.at("as_of") == "2026-10-24");
    CHECK(golden.at("detail").get<std::string>().find("Golden signals: Traffic 7 days old.") !=
          std::string::npos);
  }
  CHECK(nines::site::metrics_freshness({}).is_null());
}

TEST_CASE(
    "constant tables, toil rows and catalog entry rows are what their initializer lists built") {
  using namespace nines::site;
  const nines::Run& run = content_run();
  nines::SiteOptions opts;
  const std::vector<nines::Diagnostic> diagnostics;
  Site site(run.repo, run.figures, diagnostics, run.series, opts);

  json bands = json::array({{{"range", "8–16"}, {"name", "Firefighting"}},
                            {{"range", "17–24"}, {"name", "Foundation"}},
                            {{"range", "25–32"}, {"name", "Maturing"}},
                            {{"range", "33–40"}, {"name", "Advanced"}}});
  CHECK(maturity_view(site).at("bands") == bands);
  json thresholds = json::array({
      {{"metric", "Pages per shift"}, {"healthy", "< 2"}, {"critical", "> 5"}},
      {{"metric", "Off-hours pages per week"}, {"healthy", "< 1"}, {"critical", "> 3"}},
      {{"metric", "Time to acknowledge"}, {"healthy", "< 5 min"}, {"critical", "> 15 min"}},
      {{"metric", "Time to mitigate"}, {"healthy", "< 30 min"}, {"critical", "> 60 min"}},
      {{"metric", "False positives"}, {"healthy", "< 10%"}, {"critical", "> 30%"}},
      {{"metric", "Escalations"}, {"healthy", "< 20%"}, {"critical", "> 40%"}},
      {{"metric", "Satisfaction (1–5)"}, {"healthy", "> 4"}, {"critical", "< 3"}},
  });
  CHECK(oncall_view(site).at("thresholds") == thresholds);

  const json toil = toil_view(site).at("items");
  REQUIRE(toil.size() == run.figures.toil.size());
  REQUIRE(!toil.empty());
  for (std::size_t i = 0; i < toil.size(); ++i) {
    const auto& t = run.figures.toil[i];
    std::vector<std::string> team_names;
    for (const auto& id : t.teams)
      team_names.push_back(site.team_name(id));
    json expected = {
        {"id", segment(t.id)},
        {"title", t.name.empty() ? t.id : t.name},
        {"team", text_or_null(join(team_names, ", "))},
        {"service", text_or_null(site.service_name(t.service))},
        {"service_href", service_href(site, t.service)},
        {"category", text_or_null(t.category)},
        {"frequency", text_or_null(t.frequency)},
        {"hours_per_month", num(t.hours_per_month, 1)},
        {"stated_hours",
         t.stated_hours_per_month && num(*t.stated_hours_per_month, 1) != num(t.hours_per_month, 1)
             ? num_or_null(t.stated_hours_per_month, 1)
             : json(nullptr)},
        {"automation_value", num_or_null(t.automation_value, 1)},
        {"effort", text_or_null(t.difficulty)},
        {"priority", text_or_null(t.priority)},
        {"status", text_or_null(t.status)},
        {"automated_on", text_or_null(t.automated_on)},
        {"active", t.active}};
    // The view may sort its items; find this one by id.
    const json* row = nullptr;
    for (const auto& r : toil)
      if (r.at("id") == expected.at("id")) row = &r;
    REQUIRE(row != nullptr);
    CHECK(*row == expected);
  }
}

TEST_CASE("catalog entry rows are what their initializer list built") {
  using namespace nines::site;
  // Backstage libraries, documentation and tools, some in systems, some owned by a person.
  const nines::Run& run = content_run("tests/fixtures/dialects/backstage-catalog");
  nines::SiteOptions opts;
  const std::vector<nines::Diagnostic> diagnostics;
  Site site(run.repo, run.figures, diagnostics, run.series, opts);
  REQUIRE(!run.repo.catalog.entries.empty());
  const json entries = catalog_view(site).at("entries");
  REQUIRE(entries.size() == run.repo.catalog.entries.size());
  for (const auto& e : run.repo.catalog.entries) {
    const nines::CatalogInfo& c = e.catalog;
    json system = nullptr;
    if (!c.system_ref.empty())
      system = {{"name", c.system_name.empty() ? c.system_ref : c.system_name},
                {"known", !c.system_name.empty()}};
    const std::string team_id = nines::owner_team_id(c);
    const bool team = !team_id.empty();
    json expected = {
        {"anchor", catalog_entry_anchor_id(e.meta.id)},
        {"name", e.name.empty() ? e.meta.id : e.name},
        {"id", e.meta.id},
        {"type", text_or_null(e.type)},
        {"team", team ? json(site.team_name(team_id)) : json(nullptr)},
        {"team_href", team ? team_href(site, team_id) : json(nullptr)},
        {"owner_person", c.owner_person.empty() ? json(nullptr) : json(c.owner_person)},
        {"external_owner", c.owner_external ? json(c.owner_ref) : json(nullptr)},
        {"system", system},
        {"lifecycle", text_or_null(c.lifecycle)},
        {"tags", c.tags},
        {"has_tags", !c.tags.empty()},
        {"description", text_or_null(truncate_text(e.description, 140))}};
    const json* row = nullptr;
    for (const auto& r : entries)
      if (r.at("id") == e.meta.id) row = &r;
    REQUIRE(row != nullptr);
    CHECK(*row == expected);
  }
}

TEST_CASE("list sort keys: dates as YYYYMMDD, durations in minutes, missing as empty") {
  using namespace nines::site;
  CHECK(date_sort_key("2026-11-17") == "20261117");
  CHECK(date_sort_key("2026-02-30") == ""); // not a real date: sorted with the missing
  CHECK(date_sort_key("soon") == "");
  CHECK(date_sort_key("") == "");
  CHECK(minutes_sort_key(52.0) == "52");
  CHECK(minutes_sort_key(125.25) == "125.25");
  CHECK(minutes_sort_key(std::nullopt) == "");
  CHECK(minutes_sort_key(std::numeric_limits<double>::quiet_NaN()) == "");
}

TEST_CASE("the lists' date, duration and state cells carry sort keys") {
  using namespace nines::site;
  const nines::Run& run = content_run();
  nines::SiteOptions opts;
  const std::vector<nines::Diagnostic> diagnostics;
  Site site(run.repo, run.figures, diagnostics, run.series, opts);

  const json pms = postmortems_view(site).at("postmortems");
  REQUIRE(!pms.empty());
  for (const auto& row : pms) {
    std::string date = row.at("date").get<std::string>();
    date.erase(std::remove(date.begin(), date.end(), '-'), date.end());
    CHECK(row.at("date_sort") == date);
    // "2.1 h" and "52 min" sort by their minutes, not their leading number.
    CHECK(row.at("ttr").is_null() == (row.at("ttr_sort") == ""));
    if (!row.at("ttr").is_null())
      CHECK(minutes_text(std::stod(row.at("ttr_sort").get<std::string>())) == row.at("ttr"));
    CHECK(row.at("ttd").is_null() == (row.at("ttd_sort") == ""));
  }
  // Views are kept in locals: a range-for over a member of a temporary would dangle.
  const json runbooks = runbooks_view(site), slos = slos_view(site), catalog = catalog_view(site);
  for (const auto& row : runbooks.at("runbooks"))
    CHECK(row.at("updated_sort").get<std::string>().size() ==
          (row.at("last_updated").is_null() ? 0u : 8u));
  for (const auto& row : slos.at("slos"))
    CHECK(row.at("projected_exhaustion").is_null() == (row.at("exhaustion_sort") == ""));

  // The catalog's error budget sorts by the SLO lists' severity key, not by its label.
  std::map<std::string, int> rank;
  for (const auto& row : slos.at("slos"))
    rank[row.at("state").get<std::string>()] = row.at("state_rank").get<int>();
  int with_state = 0;
  for (const auto& row : catalog.at("services")) {
    if (row.at("state").is_null()) {
      CHECK(row.at("state_rank") == "");
      continue;
    }
    ++with_state;
    CHECK(row.at("state_rank") == rank.at(row.at("state").get<std::string>()));
  }
  CHECK(with_state > 0);
  CHECK(rank.at("healthy") < rank.at("warning"));
  CHECK(rank.at("critical") < rank.at("exhausted"));
}
