#include "metrics/store.hpp"
#include "model/time.hpp"
#include "pipeline.hpp"

#include <atomic>
#include <chrono>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

using namespace nines;

namespace {

class TempRepo {
public:
  TempRepo() {
    static std::atomic<unsigned> counter{0};
    std::random_device random;
    m_path = std::filesystem::temp_directory_path() /
             ("nines-pipeline-test-" + std::to_string(random()) + "-" +
              std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + "-" +
              std::to_string(counter++));
    std::filesystem::create_directories(m_path);
    write("nines.yaml", "title: Test\n");
  }
  TempRepo(const TempRepo&) = delete;
  TempRepo& operator=(const TempRepo&) = delete;
  ~TempRepo() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path write(const std::string& rel, const std::string& text) const {
    const auto p = m_path / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

private:
  std::filesystem::path m_path;
};

// `nines metrics import FILE` on the repository, as of 2026-11-01.
int import_file(const TempRepo& repo, const std::filesystem::path& file, Run& run,
                ImportSummary& summary) {
  run.opts.dir = repo.path();
  run.opts.now = "2026-11-01T00:00:00Z";
  return import_csv_file(run, file, summary);
}

} // namespace

TEST_CASE("pipeline: `metrics import` stores a file's rows as the source csv:import/<name>") {
  TempRepo repo;
  for (const char* id : {"api", "web"})
    repo.write(std::string("slos/") + id + ".yaml",
               std::string("slo:\n  id: ") + id + "\n  service: x\n  sli: s\n  target: 99\n");
  // Two SLOs, back and forth: every row goes to the one source named after the file.
  const auto file = repo.write("elsewhere/recorded.csv", "slo,date,good,total\n"
                                                         "api,2026-10-30,90,100\n"
                                                         "web,2026-10-30,7,8\n"
                                                         "api,2026-10-31,95,100\n");
  Run run;
  ImportSummary summary;
  CHECK(import_file(repo, file, run, summary) == 0);
  CHECK_FALSE(run.diags.has_errors());
  CHECK(summary.rows == 3);
  CHECK(summary.sources == 1);
  CHECK(summary.inserted == 3);
  auto store = Store::open(store_path(run));
  const auto files = store->csv_files();
  REQUIRE(files.size() == 1);
  CHECK(files.begin()->first == "csv:import/recorded.csv");
  CHECK(store->days_present("api", "csv:import/recorded.csv") ==
        std::set<std::int64_t>{*parse_date("2026-10-30"), *parse_date("2026-10-31")});
  CHECK(store->days_present("web", "csv:import/recorded.csv") ==
        std::set<std::int64_t>{*parse_date("2026-10-30")});
}

TEST_CASE("pipeline: `metrics import` refuses a day the repository's metrics/*.csv records") {
  TempRepo repo;
  repo.write("slos/api.yaml", "slo:\n  id: api\n  service: x\n  sli: s\n  target: 99\n");
  const auto own = repo.write("metrics/api.csv", "slo,date,good,total\napi,2026-10-30,90,100\n");
  const auto file = repo.write("elsewhere/recorded.csv", "slo,date,good,total\n"
                                                         "api,2026-10-29,95,100\n"
                                                         "api,2026-10-30,99,100\n");
  Run run;
  ImportSummary summary;
  CHECK(import_file(repo, file, run, summary) == 1);
  REQUIRE(run.diags.all().size() == 1);
  const Diagnostic& d = run.diags.all().front();
  CHECK(d.rule == "csv-duplicate-day");
  CHECK(d.loc.line == 3);
  CHECK(d.message.find("is also recorded in metrics/api.csv:2") != std::string::npos);
  CHECK(summary.rows == 0); // nothing stored
  // The repository's own file imported again is not a duplicate of itself.
  Run again;
  ImportSummary s2;
  CHECK(import_file(repo, own, again, s2) == 0);
  CHECK_FALSE(again.diags.has_errors());
}

TEST_CASE("pipeline: `metrics import` reports an unknown SLO beside other bad rows, as check") {
  TempRepo repo;
  repo.write("slos/api.yaml", "slo:\n  id: api\n  service: x\n  sli: s\n  target: 99\n");
  const auto file = repo.write("rows.csv", "slo,date,good,total\n"
                                           "nope,2026-10-03,1,2\n"
                                           "api,2026-10-05,3,2\n");
  Run run;
  ImportSummary summary;
  CHECK(import_file(repo, file, run, summary) == 1);
  std::set<std::pair<int, std::string>> found;
  for (const auto& d : run.diags.all())
    found.emplace(d.loc.line, d.rule);
  CHECK(found == std::set<std::pair<int, std::string>>{{2, "unknown-reference"}, {3, "csv-row"}});
  CHECK_FALSE(std::filesystem::exists(store_path(run)));
}

TEST_CASE("pipeline: a bad row of `metrics import` is check's error at its line, nothing stored") {
  struct Case {
    const char* second_row;
    const char* rule;
    const char* message;
  };
  // A row check rejects in itself, and a row of an SLO the repository does not define.
  for (const Case& c :
       {Case{"api,2026-10-31,101,100\n", "csv-row", "good count 101 is greater than total 100"},
        Case{"apj,2026-10-31,90,100\n", "unknown-reference",
             "unknown slo 'apj', did you mean 'api'?"}}) {
    CAPTURE(c.message);
    TempRepo repo;
    repo.write("slos/api.yaml", "slo:\n  id: api\n  service: x\n  sli: s\n  target: 99\n");
    const auto file = repo.write(
        "rows.csv", std::string("slo,date,good,total\napi,2026-10-30,90,100\n") + c.second_row);
    Run run;
    ImportSummary summary;
    CHECK(import_file(repo, file, run, summary) == 1);
    REQUIRE(run.diags.all().size() == 1);
    CHECK(run.diags.all()[0].file == file.string());
    CHECK(run.diags.all()[0].loc.line == 3);
    CHECK(run.diags.all()[0].rule == c.rule);
    CHECK(run.diags.all()[0].message == c.message);
    CHECK(summary.rows == 0);
    CHECK_FALSE(std::filesystem::exists(store_path(run)));
  }
}

TEST_CASE("pipeline: a date or a time without an offset is the repository's wall clock") {
  TempRepo repo;
  repo.write("nines.yaml", "title: Test\ntimezone: America/New_York\n");
  auto local_now_of = [&](std::optional<std::string> now) {
    Run run;
    run.opts.dir = repo.path();
    run.opts.last = Stage::Load;
    run.opts.now = std::move(now);
    run_pipeline(run);
    return std::pair{run.now, run.local_now};
  };
  const std::int64_t midnight = *parse_timestamp("2026-11-01T00:00:00Z"); // as wall-clock seconds
  // New York is at UTC-4 on 1 November 2026 (daylight saving time ends at 2:00 that day).
  for (const char* wall : {"2026-11-01", "2026-11-01T00:00", "2026-11-01 00:00:00"}) {
    CAPTURE(wall);
    const auto [now, local] = local_now_of(wall);
    CHECK(local == midnight);
    CHECK(now == midnight + 4 * 3600);
  }
  // An instant stays the instant it names.
  const auto [now, local] = local_now_of("2026-11-01T00:00:00Z");
  CHECK(now == midnight);
  CHECK(local == midnight - 4 * 3600);
  CHECK(local_now_of("2026-11-01T00:00:00-04:00").second == midnight);
  // as_of, below --now, reads the same way.
  repo.write("nines.yaml", "title: Test\ntimezone: America/New_York\nas_of: 2026-11-01\n");
  CHECK(local_now_of(std::nullopt).second == midnight);
  // A wall-clock time is as valid in nines.yaml as on the command line: its schema takes it.
  repo.write("nines.yaml", "title: Test\ntimezone: America/New_York\nas_of: 2026-11-01T00:00\n");
  Run run;
  run.opts.dir = repo.path();
  run.opts.last = Stage::Validate;
  run_pipeline(run);
  CHECK_FALSE(run.diags.has_errors());
  CHECK(run.local_now == midnight);
}
