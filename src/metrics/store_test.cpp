#include "metrics/store.hpp"
#include "model/digest.hpp"
#include "model/time.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <doctest/doctest.h>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <random>
#include <sqlite3.h>
#include <thread>
#include <tuple>

using namespace nines;

namespace {

// A fresh folder under the system temp dir, removed with everything in it at scope exit.
class TempDir {
public:
  TempDir() {
    static std::atomic<unsigned> counter{0};
    std::random_device random;
    m_path = std::filesystem::temp_directory_path() /
             ("nines-store-test-" + std::to_string(random()) + "-" +
              std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + "-" +
              std::to_string(counter++));
    std::filesystem::create_directories(m_path);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out << bytes;
}

// Looks at the file with plain SQLite, independently of Store.
std::int64_t raw_int(const std::filesystem::path& p, const std::string& sql) {
  SQLite::Database db(p, SQLite::OPEN_READONLY);
  SQLite::Statement q(db, sql);
  REQUIRE(q.executeStep());
  return q.getColumn(0).getInt64();
}

std::int64_t d(const char* date) {
  return *parse_date(date);
}

// A CSV row as written in a file; rows() turns a list of them into the repository's rows.
struct CsvLine {
  std::string file;
  int line;
  std::string slo, date;
  double good, total;
};

CsvLine csv(const std::string& file, int line, const std::string& slo, const std::string& date,
            double good, double total) {
  return CsvLine{file, line, slo, date, good, total};
}

Repo rows(std::initializer_list<CsvLine> lines) {
  Repo repo;
  for (const auto& l : lines)
    repo.add_csv_row(l.file, l.line, l.slo, d(l.date.c_str()), l.good, l.total);
  return repo;
}

std::string exception_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const StoreError& e) {
    return e.what();
  }
  return "(no StoreError)";
}

} // namespace

TEST_CASE("store: create and reopen keep data and schema version") {
  TempDir dir;
  const auto path = dir.path() / "nested" / ".nines" / "cache.db";
  {
    auto store = Store::open(path);
    CHECK(store->schema_version() == Store::latest_schema_version());
    CHECK(Store::latest_schema_version() >= 1);
    store->put_daily("prometheus:prom", {{"api-avail", d("2026-10-01"), 990, 1000}}, 1000);
    store->put_golden("prometheus:prom", {{"api", "traffic", d("2026-10-01"), 12.5}}, 1000);
    store->log_fetch("prometheus:prom", "api-avail/2026-10-01", 1000, true, "");
  }
  REQUIRE(std::filesystem::exists(path));
  CHECK(raw_int(path, "PRAGMA user_version") == Store::latest_schema_version());

  auto store = Store::open(path);
  CHECK(store->schema_version() == Store::latest_schema_version());
  const auto series = store->daily_series("api-avail");
  REQUIRE(series.size() == 1);
  CHECK(series.at(d("2026-10-01")).good == 990);
  CHECK(series.at(d("2026-10-01")).total == 1000);
  CHECK(store->golden_series("api", "traffic") ==
        std::map<std::int64_t, double>{{d("2026-10-01"), 12.5}});
  CHECK(store->last_success("prometheus:prom", "api-avail/2026-10-01") == 1000);
}

TEST_CASE(
    "store: migrations run in order, each bumping user_version, and a failed one rolls back") {
  TempDir dir;
  const auto path = dir.path() / "cache.db";
  const std::string v1 = "CREATE TABLE first (x INTEGER);";
  const std::string v2 = "CREATE TABLE second (y INTEGER); INSERT INTO second VALUES (42);";

  CHECK(Store::open_with_migrations(path, {v1})->schema_version() == 1);
  CHECK(raw_int(path, "PRAGMA user_version") == 1);
  CHECK(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'second'") == 0);

  CHECK(Store::open_with_migrations(path, {v1, v2})->schema_version() == 2);
  CHECK(raw_int(path, "PRAGMA user_version") == 2);
  CHECK(raw_int(path, "SELECT y FROM second") == 42);

  // v3 fails halfway (its second statement clashes): neither its table nor the bump remain.
  const std::string v3 = "CREATE TABLE third (z INTEGER); CREATE TABLE second (y INTEGER);";
  CHECK_THROWS_AS(Store::open_with_migrations(path, {v1, v2, v3}), StoreError);
  CHECK(raw_int(path, "PRAGMA user_version") == 2);
  CHECK(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'third'") == 0);

  // The real list takes a brand-new file from 0 to the latest version, with its tables.
  const auto real = dir.path() / "real.db";
  Store::open(real);
  CHECK(raw_int(real, "PRAGMA user_version") == Store::latest_schema_version());
  CHECK(raw_int(real, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                      "('daily', 'golden', 'fetch_log')") == 3);
}

TEST_CASE("store: a newer schema version is refused with a message, the file untouched") {
  TempDir dir;
  const auto path = dir.path() / "cache.db";
  Store::open(path)->put_daily("csv:metrics/a.csv", {{"s", 1, 1, 1}}, 5);
  const int newer = Store::latest_schema_version() + 7;
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version = " + std::to_string(newer));
    // Out of WAL, so that even a journal-mode switch on the refused file would show below.
    db.exec("PRAGMA journal_mode = DELETE");
  }
  const std::string before = read_bytes(path);

  CHECK(exception_message([&] { Store::open(path); }) ==
        "cache database '" + path.string() + "' has schema version " + std::to_string(newer) +
            ", newer than this nines (" + std::to_string(Store::latest_schema_version()) +
            "); upgrade nines or use another cache path");
  CHECK(read_bytes(path) == before);
  CHECK(raw_int(path, "PRAGMA user_version") == newer);
}

TEST_CASE("store: a file of garbage is refused as corrupt and left byte-identical") {
  TempDir dir;
  const auto path = dir.path() / "cache.db";
  const std::string garbage(4096, static_cast<char>(0xAB));
  write_bytes(path, garbage);

  CHECK_THROWS_AS(Store::open(path), StoreError);
  const std::string message = exception_message([&] { Store::open(path); });
  CHECK(message.find("cache database '" + path.string() + "' is corrupt (") == 0);
  CHECK(message.find("move it aside to rebuild it from the sources — nines never deletes it") !=
        std::string::npos);
  CHECK(read_bytes(path) == garbage);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "cache.db-wal"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "cache.db-journal"));
}

TEST_CASE("store: another program's SQLite database is refused, not adopted") {
  TempDir dir;
  const auto path = dir.path() / "cache.db";
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine')");
  }
  const std::string before = read_bytes(path);
  CHECK(exception_message([&] { Store::open(path); }).find("not a nines cache") !=
        std::string::npos);
  CHECK(read_bytes(path) == before);
  CHECK(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'daily'") == 0);
}

TEST_CASE("store: a foreign database with a user_version of its own is refused, byte-identical") {
  TempDir dir;
  for (int version : {1, 2, 3, Store::latest_schema_version() + 1}) {
    CAPTURE(version);
    const auto path = dir.path() / ("app" + std::to_string(version) + ".db");
    {
      SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      db.exec("CREATE TABLE users (id INTEGER, name TEXT); INSERT INTO users VALUES (1, 'alice')");
      db.exec("PRAGMA user_version = " + std::to_string(version));
    }
    const std::string before = read_bytes(path);
    CHECK(exception_message([&] { Store::open(path); }) ==
          "cache database '" + path.string() +
              "' is a SQLite database but not a nines cache; use another cache path");
    CHECK(read_bytes(path) == before);
    CHECK_FALSE(std::filesystem::exists(path.string() + "-wal"));
    CHECK(raw_int(path, "PRAGMA user_version") == version);
    CHECK(raw_int(path, "PRAGMA application_id") == 0);
  }
  // nines' own tables beside another program's are not a cache either.
  const auto mixed = dir.path() / "mixed.db";
  {
    SQLite::Database db(mixed, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE daily (slo TEXT); CREATE TABLE users (id INTEGER)");
    db.exec("PRAGMA user_version = 1");
  }
  const std::string mixed_before = read_bytes(mixed);
  CHECK_THROWS_AS(Store::open(mixed), StoreError);
  CHECK(read_bytes(mixed) == mixed_before);
  // An empty database another program has marked is not a new cache.
  const auto marked = dir.path() / "marked.db";
  {
    SQLite::Database db(marked, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA user_version = 4");
  }
  const std::string marked_before = read_bytes(marked);
  CHECK_THROWS_AS(Store::open(marked), StoreError);
  CHECK(read_bytes(marked) == marked_before);
  // A zero-byte file is a new cache.
  const auto empty = dir.path() / "empty.db";
  write_bytes(empty, "");
  CHECK(Store::open(empty)->schema_version() == Store::latest_schema_version());
}

TEST_CASE("store: a cache without application_id but with exactly nines' tables is adopted") {
  TempDir dir;
  const auto path = dir.path() / "cache.db";
  {
    // As the first migration leaves it, without the mark.
    Store::open(path)->put_daily("prometheus:prom", {{"s", 3, 9, 10}}, 5);
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("DROP TABLE series_def; DROP TABLE csv_file; DROP INDEX daily_by_source; "
            "ALTER TABLE daily DROP COLUMN provisional; "
            "ALTER TABLE golden DROP COLUMN provisional; PRAGMA user_version = 1; "
            "PRAGMA application_id = 0");
  }
  auto store = Store::open(path);
  CHECK(store->schema_version() == Store::latest_schema_version());
  CHECK(store->daily_series("s").at(3).good == 9);
  CHECK(raw_int(path, "PRAGMA application_id") == 0x4E494E45);
}

TEST_CASE("store: the migrations a file lacks run in one transaction") {
  TempDir dir;
  const auto path = dir.path() / "cache.db";
  const std::string v1 = "CREATE TABLE first (x INTEGER);";
  const std::string v2 = "CREATE TABLE second (y INTEGER);";
  const std::string v3 = "CREATE TABLE first (z INTEGER);"; // fails
  CHECK(Store::open_with_migrations(path, {v1})->schema_version() == 1);
  CHECK_THROWS_AS(Store::open_with_migrations(path, {v1, v2, v3}), StoreError);
  // v2 succeeded, v3 failed: neither is kept.
  CHECK(raw_int(path, "PRAGMA user_version") == 1);
  CHECK(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'second'") == 0);
  CHECK(Store::open_with_migrations(path, {v1, v2})->schema_version() == 2);
}

TEST_CASE("store: a count or value that is not a number in the file is never read as 0") {
  TempDir dir;
  const auto path = dir.path() / "cache.db";
  {
    auto store = Store::open(path);
    store->put_daily(
        "csv:metrics/a.csv",
        {{"s", 10, 990, 1000}, {"s", 11, 995, 1000}, {"s", 12, 1, 2}, {"s", 13, 9, 10}}, 5);
    store->put_golden("prometheus:prom", {{"api", "traffic", 10, 4}, {"api", "traffic", 11, 5}}, 5);
  }
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("UPDATE daily SET good = 'abc' WHERE day = 10");
    db.exec("UPDATE daily SET total = x'00' WHERE day = 11");
    db.exec("UPDATE daily SET day = 'x' WHERE day = 12");
    // Past 2^53 a count cannot be summed exactly: 1e300 of 1e300 would hide every bad event.
    db.exec("UPDATE daily SET good = 1e300, total = 1e300 WHERE day = 13");
    db.exec("UPDATE golden SET value = 'abc' WHERE day = 10");
    db.exec("UPDATE golden SET value = -3 WHERE day = 11");
  }
  auto store = Store::open(path);
  for (const auto& series : {store->daily_series("s"), store->daily_series().at("s")}) {
    REQUIRE(series.size() == 3);
    CHECK(std::isnan(series.at(13).good));
    CHECK(std::isnan(series.at(13).total));
    CHECK(std::isnan(series.at(10).good));
    CHECK(series.at(10).total == 1000);
    CHECK(series.at(11).good == 995);
    CHECK(std::isnan(series.at(11).total));
  }
  CHECK(store->golden_series("api", "traffic").empty());
  CHECK_THROWS_AS(store->put_golden("prometheus:prom", {{"api", "traffic", 12, -1}}, 6),
                  std::invalid_argument);
}

TEST_CASE("store: a day outside the years nines can write is no day") {
  TempDir dir;
  const auto path = dir.path() / "cache.db";
  {
    auto store = Store::open(path);
    store->put_daily("prometheus:prom", {{"s", 10, 990, 1000}, {"s", 11, 995, 1000}}, 5);
    store->put_golden("prometheus:prom", {{"api", "traffic", 10, 4}, {"api", "traffic", 11, 5}}, 5);
  }
  {
    // Edited by hand: the largest day SQLite holds, and one before 0001-01-01. Read as days, the
    // calendar arithmetic of the later stages never ended.
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("UPDATE daily SET day = 9223372036854775807 WHERE day = 10");
    db.exec("UPDATE daily SET day = -9223372036854775807 WHERE day = 11");
    db.exec("UPDATE golden SET day = 9223372036854775807 WHERE day = 10");
  }
  auto store = Store::open(path);
  CHECK(store->daily_series("s").empty());
  CHECK(store->daily_series().count("s") == 0);
  const auto golden = store->golden_series("api", "traffic");
  REQUIRE(golden.size() == 1);
  CHECK(golden.begin()->first == 11);
}

TEST_CASE("store: a CSV import replaces only the same source's (slo, day) pairs") {
  TempDir dir;
  const auto path = dir.path() / "cache.db";
  auto store = Store::open(path);
  const Repo first = rows({
      csv("metrics/a.csv", 2, "api", "2026-10-01", 90, 100),
      csv("metrics/a.csv", 3, "api", "2026-10-02", 95, 100),
      csv("metrics/b.csv", 2, "api", "2026-10-01", 50, 100),
      csv("metrics/b.csv", 3, "web", "2026-10-01", 7, 8),
  });
  const auto s1 = store->import_csv(first, 1000);
  CHECK(s1.rows == 4);
  CHECK(s1.sources == 2);
  CHECK(s1.inserted == 4);
  CHECK(s1.replaced == 0);
  store->put_daily("prometheus:prom", {{"api", d("2026-10-01"), 1, 2}}, 500);

  // a.csv again, with one day changed and the other day gone from the file: it goes from the
  // store too.
  const auto s2 = store->import_csv(rows({csv("metrics/a.csv", 2, "api", "2026-10-01", 91, 100)}),
                                    2000, CsvScope::Files);
  CHECK(s2.rows == 1);
  CHECK(s2.sources == 1);
  CHECK(s2.replaced == 1);
  CHECK(s2.inserted == 0);
  CHECK(s2.removed == 1);

  auto good_of = [&](const std::string& source, const std::string& slo, const char* date) {
    return raw_int(path, "SELECT good FROM daily WHERE source = '" + source + "' AND slo = '" +
                             slo + "' AND day = " + std::to_string(d(date)));
  };
  auto fetched_of = [&](const std::string& source, const std::string& slo, const char* date) {
    return raw_int(path, "SELECT fetched_at FROM daily WHERE source = '" + source +
                             "' AND slo = '" + slo + "' AND day = " + std::to_string(d(date)));
  };
  CHECK(raw_int(path, "SELECT count(*) FROM daily") == 4);
  CHECK(good_of("csv:metrics/a.csv", "api", "2026-10-01") == 91);
  CHECK(fetched_of("csv:metrics/a.csv", "api", "2026-10-01") == 2000);
  CHECK(raw_int(path, "SELECT count(*) FROM daily WHERE source = 'csv:metrics/a.csv'") == 1);
  CHECK(good_of("csv:metrics/b.csv", "api", "2026-10-01") == 50); // other file remains
  CHECK(fetched_of("csv:metrics/b.csv", "api", "2026-10-01") == 1000);
  CHECK(good_of("csv:metrics/b.csv", "web", "2026-10-01") == 7);
  CHECK(good_of("prometheus:prom", "api", "2026-10-01") == 1); // other source remains

  // Reimporting unchanged counts keeps when they came, so the CSV does not look newer.
  const auto s3 = store->import_csv(rows({csv("metrics/b.csv", 2, "api", "2026-10-01", 50, 100),
                                          csv("metrics/b.csv", 3, "web", "2026-10-01", 7, 8)}),
                                    3000, CsvScope::Files);
  CHECK(s3.unchanged == 2);
  CHECK(s3.replaced + s3.inserted + s3.removed == 0);
  CHECK(fetched_of("csv:metrics/b.csv", "api", "2026-10-01") == 1000);

  // A later line for the same pair in one file wins, as in series_from_csv().
  store->import_csv(rows({csv("metrics/c.csv", 2, "db", "2026-10-01", 1, 10),
                          csv("metrics/c.csv", 3, "db", "2026-10-01", 9, 10)}),
                    4000, CsvScope::Files);
  CHECK(good_of("csv:metrics/c.csv", "db", "2026-10-01") == 9);
}

TEST_CASE("store: the store follows the files of metrics/ (deleted rows and files go)") {
  auto store = Store::open_memory();
  store->import_csv(rows({csv("metrics/a.csv", 2, "api", "2026-10-01", 90, 100),
                          csv("metrics/a.csv", 3, "api", "2026-10-02", 95, 100),
                          csv("metrics/b.csv", 2, "web", "2026-10-01", 7, 8)}),
                    1000);
  store->import_csv(rows({csv("import/x.csv", 2, "db", "2026-10-01", 1, 1)}), 1000,
                    CsvScope::Files);
  store->put_daily("prometheus:prom", {{"api", d("2026-10-03"), 1, 2}}, 500);
  CHECK(store->csv_files().size() == 3);
  const std::string hash_a = store->csv_files().at("csv:metrics/a.csv");

  // A row deleted from a.csv and b.csv deleted: the next build's import sees only a.csv's
  // remaining row, and the store forgets the rest. The import's and the fetched rows stay.
  const auto s =
      store->import_csv(rows({csv("metrics/a.csv", 2, "api", "2026-10-01", 90, 100)}), 2000);
  CHECK(s.removed == 2);
  CHECK(s.unchanged == 1);
  const auto all = store->daily_series();
  CHECK(all.count("web") == 0);
  REQUIRE(all.count("api") == 1);
  CHECK(all.at("api").count(d("2026-10-02")) == 0);
  CHECK(all.at("api").count(d("2026-10-01")) == 1);
  CHECK(all.at("api").count(d("2026-10-03")) == 1); // fetched
  CHECK(all.count("db") == 1);                      // metrics import
  const auto files = store->csv_files();
  CHECK(files.count("csv:metrics/b.csv") == 0);
  CHECK(files.at("csv:metrics/a.csv") != hash_a);

  // The same file again is recognised by its hash: nothing is written.
  const auto again =
      store->import_csv(rows({csv("metrics/a.csv", 2, "api", "2026-10-01", 90, 100)}), 3000);
  CHECK(again.unchanged == 1);
  CHECK(again.inserted + again.replaced + again.removed == 0);

  // No CSV file left at all.
  CHECK(store->import_csv({}, 4000).removed == 1);
  CHECK(store->daily_series().at("api").size() == 1);
}

TEST_CASE("store: a CSV file's recorded hash is of its rows printed with %.17g") {
  // Stores written by earlier versions keep their hashes valid: the same rows are recognised
  // as already imported, whatever formats the numbers for the hash.
  auto store = Store::open_memory();
  store->import_csv(rows({csv("metrics/a.csv", 3, "db", "2026-10-02", 0.1, 1e15),
                          csv("metrics/a.csv", 2, "api", "2026-10-01", 90, 100.5)}),
                    1000);
  std::string canonical;
  char buf[96];
  std::snprintf(buf, sizeof buf, "\t%lld\t%.17g\t%.17g\n", static_cast<long long>(d("2026-10-01")),
                90.0, 100.5);
  canonical += std::string("api") + buf;
  std::snprintf(buf, sizeof buf, "\t%lld\t%.17g\t%.17g\n", static_cast<long long>(d("2026-10-02")),
                0.1, 1e15);
  canonical += std::string("db") + buf;
  CHECK(store->csv_files().at("csv:metrics/a.csv") == fnv1a_hex(canonical));
}

namespace {

// Every row of `daily` as "source slo day good total fetched_at", in key order.
std::vector<std::string> daily_table(const std::filesystem::path& p) {
  SQLite::Database db(p, SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT source, slo, day, good, total, fetched_at FROM daily "
                          "ORDER BY source, slo, day");
  std::vector<std::string> result;
  while (q.executeStep()) {
    char buf[128];
    std::snprintf(buf, sizeof buf, " %lld %.17g %.17g %lld",
                  static_cast<long long>(q.getColumn(2).getInt64()), q.getColumn(3).getDouble(),
                  q.getColumn(4).getDouble(), static_cast<long long>(q.getColumn(5).getInt64()));
    result.push_back(q.getColumn(0).getString() + " " + q.getColumn(1).getString() + buf);
  }
  return result;
}

// Files of many lines, out of (slo, day) order, with pairs given twice (the later line wins),
// more rows than one multi-row INSERT takes, and the same file name in two runs of rows.
std::vector<CsvLine> many_lines(int variant) {
  std::vector<CsvLine> lines;
  int line = 2;
  for (int i = 0; i < 150; ++i) {
    const int day = (i * 37) % 150; // every day once, out of order
    const std::string slo = i % 3 == 0 ? "zeta" : (i % 3 == 1 ? "api" : "api-2");
    lines.push_back(csv("metrics/a.csv", line++, slo, format_date(20000 + day), 10 + day,
                        100 + day + variant * (day % 5 == 0 ? 1 : 0)));
  }
  // Duplicates of earlier pairs with other counts: these are the ones that count.
  lines.push_back(csv("metrics/a.csv", line++, "zeta", format_date(20000), 1, 2));
  lines.push_back(csv("metrics/a.csv", line++, "api", format_date(20000 + 37), 3, 4 + variant));
  lines.push_back(csv("metrics/b.csv", 2, "web", format_date(20001), 5, 6));
  lines.push_back(csv("metrics/b.csv", 3, "web", format_date(20000), 7, 8));
  if (variant == 0) {
    lines.push_back(csv("metrics/b.csv", 4, "web", format_date(20002), 9, 10));
  }
  lines.push_back(csv("metrics/a.csv", 2, "api", format_date(20000 + 37), 11, 12)); // a.csv again
  return lines;
}

Repo repo_of(const std::vector<CsvLine>& lines) {
  Repo repo;
  for (const auto& l : lines)
    repo.add_csv_row(l.file, l.line, l.slo, d(l.date.c_str()), l.good, l.total);
  return repo;
}

// What the store must hold for `lines`: the last line of each (source, slo, day).
std::map<std::string, std::pair<double, double>> expected_pairs(const std::vector<CsvLine>& lines) {
  std::map<std::string, std::pair<double, double>> result;
  for (const auto& l : lines)
    result["csv:" + l.file + " " + l.slo + " " + std::to_string(d(l.date.c_str()))] = {l.good,
                                                                                       l.total};
  return result;
}

} // namespace

TEST_CASE("store: a new store and a store with older rows end with the same table") {
  TempDir dir;
  const auto lines = many_lines(0);
  // Into a new store: every source takes the plain INSERT path.
  const auto fresh_path = dir.path() / "fresh.db";
  auto fresh = Store::open(fresh_path);
  const auto s = fresh->import_csv(repo_of(lines), 1000);
  const auto expected = expected_pairs(lines);
  CHECK(s.rows == lines.size());
  CHECK(s.sources == 2);
  CHECK(s.inserted == expected.size());
  CHECK(s.replaced + s.unchanged + s.removed == 0);
  const auto table = daily_table(fresh_path);
  REQUIRE(table.size() == expected.size());
  std::size_t i = 0;
  for (const auto& [key, counts] : expected) {
    char buf[96];
    std::snprintf(buf, sizeof buf, " %.17g %.17g 1000", counts.first, counts.second);
    CHECK(table[i++] == key + buf);
  }

  // Into a store that holds another version of the files: the merge path. Counts of some pairs
  // differ, b.csv lists a day fewer; in the end the table is the new store's, and only the
  // changed pairs were written again.
  const auto old_path = dir.path() / "old.db";
  auto old = Store::open(old_path);
  old->import_csv(repo_of(many_lines(1)), 1000);
  const auto again = old->import_csv(repo_of(lines), 1000);
  CHECK(daily_table(old_path) == table);
  CHECK(again.inserted == 1);  // b.csv's third day
  CHECK(again.replaced == 29); // 30 days differ, one of them overridden by a later line
  CHECK(again.unchanged == expected.size() - 30);
  CHECK(again.removed == 0);
  CHECK(fresh->csv_files() == old->csv_files());

  // And back: the day b.csv no longer lists goes, the changed pairs take the new fetched_at,
  // the others keep theirs.
  const auto back = old->import_csv(repo_of(many_lines(1)), 2000);
  CHECK(back.removed == 1);
  CHECK(back.replaced == 29);
  CHECK(back.inserted == 0);
  std::size_t newer = 0;
  for (const auto& row : daily_table(old_path))
    newer += row.size() > 5 && row.compare(row.size() - 5, 5, " 2000") == 0 ? 1 : 0;
  CHECK(newer == 29);
  CHECK(daily_table(old_path).size() == expected.size() - 1);
}

TEST_CASE("store: gone files are found among daily's sources too, and only csv: ones go") {
  TempDir dir;
  const auto path = dir.path() / "cache.db";
  auto store = Store::open(path);
  store->import_csv(rows({csv("metrics/a.csv", 2, "api", "2026-10-01", 90, 100)}), 1000);
  // Rows of "csv:" sources without a recorded file (as put_daily() writes them), and sources
  // whose names sort right beside "csv:".
  store->put_daily("csv:metrics/gone.csv", {{"api", d("2026-10-02"), 1, 2}}, 1000);
  store->put_daily("csv:metrics/gone.csv", {{"web", d("2026-10-02"), 1, 2}}, 1000);
  store->put_daily("csv:zzz.csv", {{"api", d("2026-10-03"), 1, 2}}, 1000);
  store->put_daily("csv9", {{"api", d("2026-10-04"), 1, 2}}, 1000);
  store->put_daily("csv;", {{"api", d("2026-10-05"), 1, 2}}, 1000);
  store->put_daily("csv", {{"api", d("2026-10-06"), 1, 2}}, 1000);
  store->put_daily("csv:import/x.csv", {{"api", d("2026-10-07"), 1, 2}}, 1000);
  const auto s =
      store->import_csv(rows({csv("metrics/a.csv", 2, "api", "2026-10-01", 90, 100)}), 2000);
  CHECK(s.unchanged == 1);
  CHECK(s.removed == 3);
  CHECK(raw_int(path, "SELECT count(*) FROM daily WHERE source LIKE 'csv:metrics/gone%'") == 0);
  CHECK(raw_int(path, "SELECT count(*) FROM daily WHERE source = 'csv:zzz.csv'") == 0);
  CHECK(raw_int(path, "SELECT count(*) FROM daily") == 5);
}

TEST_CASE("store: whole counts hash as %.17g prints them") {
  // The import prints whole counts through the integer conversion; the hash must not change.
  const std::vector<double> counts = {0.0,
                                      -0.0,
                                      1.0,
                                      7.0,
                                      1e15,
                                      9007199254740992.0,
                                      0.5,
                                      0.1,
                                      1e-300,
                                      123456789012345.0,
                                      4503599627370497.0,
                                      99.0,
                                      1e16 / 2};
  for (const double good : counts) {
    auto store = Store::open_memory();
    const double total = 9007199254740992.0;
    store->import_csv(rows({csv("metrics/a.csv", 2, "api", "2026-10-01", good, total)}), 1000);
    char buf[96];
    std::snprintf(buf, sizeof buf, "\t%lld\t%.17g\t%.17g\n",
                  static_cast<long long>(d("2026-10-01")), good, total);
    CAPTURE(good);
    CHECK(store->csv_files().at("csv:metrics/a.csv") == fnv1a_hex(std::string("api") + buf));
  }
}

TEST_CASE("store: counts above 2^53 are refused") {
  auto store = Store::open_memory();
  CHECK_THROWS_AS(store->put_daily("prometheus:p", {{"api", 1, 1, 1e300}}, 1),
                  std::invalid_argument);
  CHECK_THROWS_AS(
      store->import_csv(rows({csv("metrics/a.csv", 2, "api", "2026-10-01", 1e17, 1e17)}), 1),
      std::invalid_argument);
  store->put_daily("prometheus:p", {{"api", 1, 9007199254740992.0, 9007199254740992.0}}, 1);
}

TEST_CASE("store: a refused CSV row is named by its file and line") {
  auto store = Store::open_memory();
  auto message = [&](const Repo& repo) {
    try {
      store->import_csv(repo, 1);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  Repo r = rows({csv("metrics/a.csv", 2, "api", "2026-10-01", 1, 2)});
  r.add_csv_row("metrics/b.csv", 7, "api", days_from_civil(10000, 1, 1), 1, 2);
  CHECK(message(r) == "metrics/b.csv:7: date '10000-01-01' is not a YYYY-MM-DD day");
  r = rows({csv("metrics/a.csv", 2, "api", "2026-10-01", 1, 2)});
  r.add_csv_row("metrics/a.csv", 3, "api", days_from_civil(-1, 12, 31), 1, 2);
  CHECK(message(r) == "metrics/a.csv:3: date '-001-12-31' is not a YYYY-MM-DD day");
  CHECK(message(rows({csv("metrics/a.csv", 4, "", "2026-10-01", 1, 2)})) ==
        "metrics/a.csv:4: the SLO id is empty");
  CHECK(message(rows({csv("metrics/a.csv", 2, "api", "2026-10-01", 1, 2),
                      csv("metrics/c.csv", 5, "web", "2026-10-01", 3, 2)})) ==
        "metrics/c.csv:5: good exceeds total");
  CHECK(store->daily_series().empty()); // nothing of a refused batch is written
  // The first and last days a date can name are stored.
  CHECK(message(rows({csv("metrics/a.csv", 2, "api", "0001-01-01", 1, 2),
                      csv("metrics/a.csv", 3, "api", "9999-12-31", 1, 2)})) == "(no error)");
  CHECK(store->daily_series("api").size() == 2);
}

TEST_CASE(
    "store: merged series take a recorded row, then the latest fetch, then the first source") {
  const auto day1 = d("2026-10-01");
  const auto day2 = d("2026-10-02");
  auto check_store = [&](Store& store) {
    const auto api = store.daily_series("api");
    REQUIRE(api.size() == 2);
    // The recorded row, though prometheus fetched the day later: a recorded day is the
    // repository's, whatever order earlier builds stamped the two in.
    CHECK(api.at(day1).good == 90);
    CHECK(api.at(day1).day == day1);
    CHECK(api.at(day2).good == 70); // recorded, and the same fetched_at
    const auto all = store.daily_series();
    REQUIRE(all.size() == 2);
    CHECK(all.at("api").at(day1).good == 90);
    CHECK(all.at("api").at(day2).good == 70);
    CHECK(all.at("web").at(day1).total == 3);
    const auto prov = store.provenance("api", day1, day2);
    REQUIRE(prov.size() == 2);
    CHECK(prov[0].day == day1);
    CHECK(prov[0].source == "csv:metrics/a.csv");
    CHECK(prov[0].fetched_at == 1000);
    CHECK(prov[1].day == day2);
    CHECK(prov[1].source == "csv:metrics/a.csv");
    CHECK(prov[1].fetched_at == 3000);
    CHECK(store.provenance("api", day2, day2).size() == 1);
    CHECK(store.golden_series("api", "latency_p99") ==
          std::map<std::int64_t, double>{{day1, 0.25}, {day2, 0.5}});
  };

  // The same writes in two orders give the same answers.
  auto forward = Store::open_memory();
  forward->put_daily("csv:metrics/a.csv", {{"api", day1, 90, 100}, {"api", day2, 70, 100}}, 1000);
  forward->put_daily("csv:metrics/a.csv", {{"api", day2, 70, 100}}, 3000);
  forward->put_daily("prometheus:prom", {{"api", day1, 80, 100}, {"api", day2, 60, 100}}, 2000);
  forward->put_daily("prometheus:prom", {{"api", day2, 60, 100}, {"web", day1, 2, 3}}, 3000);
  forward->put_golden("prometheus:prom", {{"api", "latency_p99", day1, 0.25}}, 2000);
  forward->put_golden("prometheus:b", {{"api", "latency_p99", day2, 0.5}}, 2000);
  forward->put_golden("prometheus:c", {{"api", "latency_p99", day2, 0.75}}, 2000);
  forward->put_golden("prometheus:old", {{"api", "latency_p99", day1, 9}}, 1000);
  check_store(*forward);

  auto backward = Store::open_memory();
  backward->put_golden("prometheus:old", {{"api", "latency_p99", day1, 9}}, 1000);
  backward->put_golden("prometheus:c", {{"api", "latency_p99", day2, 0.75}}, 2000);
  backward->put_golden("prometheus:b", {{"api", "latency_p99", day2, 0.5}}, 2000);
  backward->put_golden("prometheus:prom", {{"api", "latency_p99", day1, 0.25}}, 2000);
  backward->put_daily("prometheus:prom", {{"web", day1, 2, 3}, {"api", day2, 60, 100}}, 3000);
  backward->put_daily("prometheus:prom", {{"api", day1, 80, 100}}, 2000);
  backward->put_daily("csv:metrics/a.csv", {{"api", day2, 70, 100}}, 3000);
  backward->put_daily("csv:metrics/a.csv", {{"api", day1, 90, 100}}, 1000);
  check_store(*backward);
}

TEST_CASE("store: a batch with a bad row stores nothing at all") {
  TempDir dir;
  const auto path = dir.path() / "cache.db";
  auto store = Store::open(path);
  store->put_daily("prometheus:prom", {{"api", 1, 5, 10}}, 100);
  REQUIRE(raw_int(path, "SELECT count(*) FROM daily") == 1);

  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<std::vector<DailyRow>> bad_batches = {
      {{"api", 2, 1, 2}, {"api", 3, 11, 10}}, // good > total
      {{"api", 2, 1, 2}, {"api", 3, nan, 10}},
      {{"api", 2, 1, 2}, {"api", 3, 1, inf}},
      {{"api", 2, 1, 2}, {"api", 3, -1, 10}},
      {{"api", 1, 1, 2}, {"", 3, 1, 2}}, // would also have overwritten day 1
  };
  for (const auto& batch : bad_batches) {
    CHECK_THROWS_AS(store->put_daily("prometheus:prom", batch, 200), std::invalid_argument);
    CHECK(raw_int(path, "SELECT count(*) FROM daily") == 1);
  }
  CHECK(raw_int(path, "SELECT good FROM daily") == 5);
  CHECK(raw_int(path, "SELECT fetched_at FROM daily") == 100);

  CHECK_THROWS_AS(store->import_csv(rows({csv("metrics/a.csv", 2, "api", "2026-10-01", 1, 2),
                                          csv("metrics/b.csv", 2, "api", "2026-10-01", nan, 2)}),
                                    300),
                  std::invalid_argument);
  Repo bad_day = rows({csv("metrics/a.csv", 2, "api", "2026-10-01", 1, 2)});
  bad_day.add_csv_row("metrics/a.csv", 3, "api", days_from_civil(10000, 1, 1), 1, 2);
  CHECK_THROWS_AS(store->import_csv(bad_day, 300), std::invalid_argument);
  CHECK(raw_int(path, "SELECT count(*) FROM daily") == 1);

  CHECK_THROWS_AS(store->put_golden("prometheus:prom",
                                    {{"api", "traffic", 1, 3}, {"api", "traffic", 2, nan}}, 100),
                  std::invalid_argument);
  CHECK(raw_int(path, "SELECT count(*) FROM golden") == 0);
}

TEST_CASE("store: two stores on one file write concurrently from two threads") {
  TempDir dir;
  const auto path = dir.path() / "cache.db";
  constexpr int k_rows = 200;
  std::string errors[2];
  auto writer = [&](int which) {
    try {
      // Each thread opens its own connection, as two nines processes would.
      auto store = Store::open(path);
      const std::string source = "prometheus:thread" + std::to_string(which);
      for (int i = 0; i < k_rows; ++i) {
        store->put_daily(source, {{"api", i, 1, 2}}, 1000 + i);
      }
    } catch (const std::exception& e) {
      errors[which] = e.what();
    }
  };
  std::thread a(writer, 0);
  std::thread b(writer, 1);
  a.join();
  b.join();
  CHECK(errors[0] == "");
  CHECK(errors[1] == "");
  CHECK(raw_int(path, "SELECT count(*) FROM daily") == 2 * k_rows);
  CHECK(raw_int(path, "SELECT count(*) FROM daily WHERE source = 'prometheus:thread0'") == k_rows);
  CHECK(raw_int(path, "SELECT count(*) FROM daily WHERE source = 'prometheus:thread1'") == k_rows);
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
}

TEST_CASE("store: days_present tells which days exactly one source already has") {
  auto store = Store::open_memory();
  store->put_daily("prometheus:prom", {{"api", 10, 1, 1}, {"api", 11, 1, 1}}, 100);
  store->put_daily("prometheus:prom2", {{"api", 14, 1, 1}}, 100);
  store->import_csv(rows({csv("metrics/a.csv", 2, "api", format_date(12), 1, 1),
                          csv("metrics/a.csv", 3, "web", format_date(13), 1, 1)}),
                    100);

  CHECK(store->days_present("api", "prometheus:prom") == std::set<std::int64_t>{10, 11});
  CHECK(store->days_present("api", "prometheus:prom2") == std::set<std::int64_t>{14});
  CHECK(store->days_present("api", "prometheus:").empty()); // a prefix is not a name
  CHECK(store->days_present("api", "csv:metrics/a.csv") == std::set<std::int64_t>{12});
  CHECK(store->days_present("web", "csv:metrics/a.csv") == std::set<std::int64_t>{13});
  CHECK(store->days_present("db", "").empty());
  CHECK(store->days_present("api", "PROMETHEUS:PROM").empty()); // case matters
  CHECK(store->days_present("api", "%").empty());               // no wildcards
}

TEST_CASE("store: a day whose stored counts read as no data is not present, so it is fetched "
          "again") {
  TempDir dir;
  const auto path = dir.path() / "cache.db";
  {
    auto store = Store::open(path);
    store->put_daily("prometheus:prom",
                     {{"s", 10, 990, 1000},
                      {"s", 11, 995, 1000},
                      {"s", 12, 1, 2},
                      {"s", 13, 9, 10},
                      {"s", 14, 9, 10}},
                     5);
  }
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("UPDATE daily SET good = -5 WHERE day = 10");
    db.exec("UPDATE daily SET good = 'abc' WHERE day = 11");
    db.exec("UPDATE daily SET good = 20 WHERE day = 12"); // good > total
    db.exec("UPDATE daily SET total = 1e300 WHERE day = 13");
  }
  auto store = Store::open(path);
  CHECK(store->days_present("s", "prometheus:prom") == std::set<std::int64_t>{14});
  // Stored again from a good fetch, the day is held once more.
  store->put_daily("prometheus:prom", {{"s", 10, 991, 1000}}, 6);
  CHECK(store->days_present("s", "prometheus:prom") == std::set<std::int64_t>{10, 14});
  CHECK(store->daily_series("s").at(10).good == 991);
}

TEST_CASE("store: a provisional day is used, not present, and cleared when stored settled") {
  auto store = Store::open_memory();
  DailyRow partial{"api", 11, 40, 50};
  partial.provisional = true;
  store->put_daily("prometheus:prom", {{"api", 10, 90, 100}, partial}, 100);
  // Used by the readers as any stored day…
  CHECK(store->daily_series("api").at(11).total == 50);
  CHECK(store->daily_series().at("api").at(11).good == 40);
  // …but not present, so the next pull asks for it again.
  CHECK(store->days_present("api", "prometheus:prom") == std::set<std::int64_t>{10});
  CHECK(store->provisional_days() == std::map<std::string, std::set<std::int64_t>>{{"api", {11}}});
  // Fetched again, still before it settled: replaced, still provisional.
  DailyRow more = partial;
  more.good = 70;
  more.total = 80;
  store->put_daily("prometheus:prom", {more}, 200);
  CHECK(store->daily_series("api").at(11).total == 80);
  CHECK(store->provisional_days().at("api") == std::set<std::int64_t>{11});
  // Settled: the final counts replace it and the mark is gone.
  store->put_daily("prometheus:prom", {{"api", 11, 99, 100}}, 300);
  CHECK(store->daily_series("api").at(11).total == 100);
  CHECK(store->days_present("api", "prometheus:prom") == std::set<std::int64_t>{10, 11});
  CHECK(store->provisional_days().empty());
}

TEST_CASE("store: a provisional row that is not the day's winner marks nothing") {
  auto store = Store::open_memory();
  DailyRow partial{"api", 11, 40, 50};
  partial.provisional = true;
  store->put_daily("prometheus:prom", {partial}, 100);
  // A later recorded row wins the day; recorded rows are never provisional.
  store->import_csv(rows({csv("metrics/a.csv", 2, "api", format_date(11), 95, 100)}), 200);
  CHECK(store->daily_series("api").at(11).total == 100);
  CHECK(store->provisional_days().empty());
  // The source's own row stays provisional, so that source still asks for the day again.
  CHECK(store->days_present("api", "prometheus:prom").empty());
}

TEST_CASE("store: a cache of schema version 3 is upgraded in place, its rows kept settled") {
  TempDir dir;
  const auto path = dir.path() / "cache.db";
  {
    // The schema as nines wrote it before days could be provisional.
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE daily (slo TEXT NOT NULL, day INTEGER NOT NULL, source TEXT NOT NULL,"
            " good REAL NOT NULL, total REAL NOT NULL, fetched_at INTEGER NOT NULL,"
            " PRIMARY KEY (slo, day, source)) WITHOUT ROWID;"
            "CREATE TABLE golden (service TEXT NOT NULL, signal TEXT NOT NULL,"
            " day INTEGER NOT NULL, source TEXT NOT NULL, value REAL NOT NULL,"
            " fetched_at INTEGER NOT NULL, PRIMARY KEY (service, signal, day, source))"
            " WITHOUT ROWID;"
            "CREATE TABLE fetch_log (source TEXT NOT NULL, query_key TEXT NOT NULL,"
            " fetched_at INTEGER NOT NULL, ok INTEGER NOT NULL, error TEXT);"
            "CREATE INDEX fetch_log_by_key ON fetch_log (source, query_key, fetched_at);"
            "CREATE TABLE csv_file (source TEXT PRIMARY KEY, hash TEXT NOT NULL,"
            " rows INTEGER NOT NULL, imported_at INTEGER NOT NULL) WITHOUT ROWID;"
            "CREATE INDEX daily_by_source ON daily (source);"
            "INSERT INTO daily VALUES ('api', 10, 'prometheus:prom', 90, 100, 5),"
            " ('api', 11, 'prometheus:prom', 40, 50, 6), ('web', 10, 'csv:metrics/w.csv', 1, 2, 7);"
            "INSERT INTO golden VALUES ('api', 'traffic', 10, 'prometheus:prom', 4, 5);"
            "INSERT INTO fetch_log VALUES ('prometheus:prom', 'pull', 6, 1, NULL);"
            "PRAGMA user_version = 3; PRAGMA application_id = 1313427013;");
  }
  auto store = Store::open(path);
  CHECK(store->schema_version() == 6);
  CHECK(store->schema_version() == Store::latest_schema_version());
  const auto all = store->daily_series();
  REQUIRE(all.size() == 2);
  CHECK(all.at("api").at(10).good == 90);
  CHECK(all.at("api").at(11).total == 50);
  CHECK(all.at("web").at(10).total == 2);
  CHECK(store->golden_series("api", "traffic").at(10) == 4);
  CHECK(store->last_success("prometheus:prom", "pull") == 6);
  // Rows of the old schema were taken as final then, and stay so.
  CHECK(store->provisional_days().empty());
  CHECK(store->days_present("api", "prometheus:prom") == std::set<std::int64_t>{10, 11});
  // The new column works on the upgraded file.
  DailyRow partial{"api", 12, 1, 2};
  partial.provisional = true;
  store->put_daily("prometheus:prom", {partial}, 8);
  CHECK(store->provisional_days().at("api") == std::set<std::int64_t>{12});
  CHECK(raw_int(path, "SELECT count(*) FROM daily") == 4);
  // Golden-signal rows too (v5).
  CHECK(store->golden_provisional_days("api", "traffic").empty());
  GoldenRow golden{"api", "traffic", 11, 6};
  golden.provisional = true;
  store->put_golden("prometheus:prom", {golden}, 9);
  CHECK(store->golden_provisional_days("api", "traffic") == std::set<std::int64_t>{11});
}

namespace {

// Recorded golden-signal rows as the loader hands them on: file, line, service, signal, day, value.
Repo golden(std::initializer_list<
            std::tuple<const char*, int, const char*, const char*, const char*, double>>
                lines) {
  Repo repo;
  for (const auto& [file, line, service, signal, date, value] : lines) {
    GoldenCsvRow g;
    g.file = repo.intern_csv_file(file);
    g.line = line;
    g.service = service;
    g.signal = signal;
    g.day = d(date);
    g.value = value;
    repo.golden_rows.push_back(g);
  }
  return repo;
}

} // namespace

TEST_CASE("store: a golden-signal day recorded in two files is the later file's, whatever was "
          "edited last") {
  auto store = Store::open_memory();
  store->import_golden_csv(golden({{"metrics/a.csv", 2, "api", "traffic", "2026-10-01", 10},
                                   {"metrics/z.csv", 2, "api", "traffic", "2026-10-01", 20}}),
                           1000);
  CHECK(store->golden_series("api", "traffic").at(d("2026-10-01")) == 20);
  // The earlier file's value edited later: stored last, it would have won the day; a clean
  // import of the same files gives the later file's.
  store->import_golden_csv(golden({{"metrics/a.csv", 2, "api", "traffic", "2026-10-01", 11},
                                   {"metrics/z.csv", 2, "api", "traffic", "2026-10-01", 20}}),
                           2000);
  CHECK(store->golden_series("api", "traffic").at(d("2026-10-01")) == 20);
  // The later file edited: its new value, as a clean import gives.
  store->import_golden_csv(golden({{"metrics/a.csv", 2, "api", "traffic", "2026-10-01", 11},
                                   {"metrics/z.csv", 2, "api", "traffic", "2026-10-01", 21}}),
                           3000);
  CHECK(store->golden_series("api", "traffic").at(d("2026-10-01")) == 21);
  auto clean = Store::open_memory();
  clean->import_golden_csv(golden({{"metrics/a.csv", 2, "api", "traffic", "2026-10-01", 11},
                                   {"metrics/z.csv", 2, "api", "traffic", "2026-10-01", 21}}),
                           3000);
  CHECK(clean->golden_series("api", "traffic") == store->golden_series("api", "traffic"));
  // Without the later file, the earlier one's day is back.
  store->import_golden_csv(golden({{"metrics/a.csv", 2, "api", "traffic", "2026-10-01", 11}}),
                           4000);
  CHECK(store->golden_series("api", "traffic").at(d("2026-10-01")) == 11);
}

TEST_CASE("store: recorded golden-signal files follow metrics/, as the counts' files do") {
  auto store = Store::open_memory();
  auto s = store->import_golden_csv(
      golden({{"metrics/g.csv", 2, "api", "traffic", "2026-10-01", 90},
              {"metrics/g.csv", 3, "api", "traffic", "2026-10-02", 95},
              {"metrics/g.csv", 4, "api", "traffic", "2026-10-02", 97}, // a later line wins
              {"metrics/h.csv", 2, "web", "latency_p99", "2026-10-01", 0.25}}),
      1000);
  CHECK(s.inserted == 3);
  CHECK(store->golden_series("api", "traffic") ==
        std::map<std::int64_t, double>{{d("2026-10-01"), 90}, {d("2026-10-02"), 97}});
  store->import_golden_csv(golden({{"import/x.csv", 2, "db", "traffic", "2026-10-01", 1}}), 1000,
                           CsvScope::Files);
  // A recorded value keeps its day over a pulled one, whichever was fetched later: the figure
  // does not depend on the order earlier builds stamped them in.
  store->put_golden("prometheus:prom", {{"api", "traffic", d("2026-10-01"), 91}}, 1500);
  s = store->import_golden_csv(
      golden({{"metrics/g.csv", 2, "api", "traffic", "2026-10-01", 90},
              {"metrics/g.csv", 3, "api", "traffic", "2026-10-02", 97},
              {"metrics/h.csv", 2, "web", "latency_p99", "2026-10-01", 0.25}}),
      2000);
  CHECK(s.unchanged == 3);
  CHECK(s.inserted + s.replaced + s.removed == 0);
  CHECK(store->golden_series("api", "traffic").at(d("2026-10-01")) == 90);
  // A changed value is read at once; a day the file no longer lists and a file that is
  // gone take their values with them; `metrics import`'s and the fetched ones stay.
  s = store->import_golden_csv(golden({{"metrics/g.csv", 2, "api", "traffic", "2026-10-01", 80}}),
                               3000);
  CHECK(s.replaced == 1);
  CHECK(s.removed == 2);
  CHECK(store->golden_series("api", "traffic") ==
        std::map<std::int64_t, double>{{d("2026-10-01"), 80}});
  CHECK(store->golden_series("web", "latency_p99").empty());
  CHECK(store->golden_series("db", "traffic").size() == 1);
  // No golden file left: the folder's values go, the import's stay.
  s = store->import_golden_csv({}, 4000);
  CHECK(s.removed == 1);
  CHECK(store->golden_series("api", "traffic") ==
        std::map<std::int64_t, double>{{d("2026-10-01"), 91}});
  CHECK(store->golden_series("db", "traffic").size() == 1);
  // A negative value stores nothing.
  CHECK_THROWS_AS(store->import_golden_csv(
                      golden({{"metrics/g.csv", 2, "api", "traffic", "2026-10-03", -1}}), 5000),
                  std::invalid_argument);
}

TEST_CASE("store: a provisional golden-signal day is shown, marked, and cleared when settled") {
  auto store = Store::open_memory();
  GoldenRow partial{"api", "traffic", 11, 40};
  partial.provisional = true;
  store->put_golden("prometheus:prom", {{"api", "traffic", 10, 90}, partial}, 100);
  CHECK(store->golden_series("api", "traffic") ==
        std::map<std::int64_t, double>{{10, 90}, {11, 40}});
  CHECK(store->golden_provisional_days("api", "traffic") == std::set<std::int64_t>{11});
  CHECK(store->golden_provisional_days("api", "latency_p99").empty());
  CHECK(store->golden_provisional_days("web", "traffic").empty());
  // A later row of another source wins the day: the mark goes with it.
  store->put_golden("prometheus:other", {{"api", "traffic", 11, 45}}, 150);
  CHECK(store->golden_series("api", "traffic").at(11) == 45);
  CHECK(store->golden_provisional_days("api", "traffic").empty());
  // The source's own settled value replaces its provisional one, and is the latest again.
  store->put_golden("prometheus:prom", {{"api", "traffic", 11, 99}}, 200);
  CHECK(store->golden_series("api", "traffic").at(11) == 99);
  CHECK(store->golden_provisional_days("api", "traffic").empty());
}

TEST_CASE("store: a series fetched under another definition loses its fetched days") {
  auto store = Store::open_memory();
  store->put_daily("prometheus:prom", {{"a", 10, 9, 10}, {"b", 10, 8, 10}}, 5);
  store->put_daily("csv:metrics/a.csv", {{"a", 11, 7, 10}}, 5);
  store->put_golden("prometheus:prom", {{"api", "traffic", 10, 4}}, 5);
  SeriesDefinitions defs;
  defs.slos = {{"a", "d1"}, {"b", "d1"}};
  defs.golden = {{{"api", "traffic"}, "g1"}};
  // First seen (a store from before definitions were kept): adopted, every row kept.
  CHECK(store->forget_redefined(defs).empty());
  CHECK(store->daily_series("a").size() == 2);
  // Unchanged: nothing happens.
  CHECK(store->forget_redefined(defs).empty());
  // a's query changed: its fetched day goes, its recorded (CSV) day stays; b keeps its days.
  defs.slos["a"] = "d2";
  defs.golden[{"api", "traffic"}] = "g2";
  const auto forgotten = store->forget_redefined(defs);
  CHECK(forgotten.slos == std::vector<std::string>{"a"});
  CHECK(forgotten.golden.size() == 1);
  const auto a = store->daily_series("a");
  REQUIRE(a.size() == 1);
  CHECK(a.count(11) == 1);
  CHECK(store->daily_series("b").size() == 1);
  CHECK(store->golden_series("api", "traffic").empty());
  CHECK(store->days_present("a", "prometheus:prom").empty());
  // The new definition is recorded: fetched again under it, the days stay.
  store->put_daily("prometheus:prom", {{"a", 10, 10, 10}}, 6);
  CHECK(store->forget_redefined(defs).empty());
  CHECK(store->daily_series("a").size() == 2);
}

TEST_CASE("store: the fetch log answers the last successful fetch") {
  auto store = Store::open_memory();
  CHECK(store->schema_version() == Store::latest_schema_version());
  CHECK_FALSE(store->last_success("prometheus:prom", "api"));
  store->log_fetch("prometheus:prom", "api", 100, true, "");
  store->log_fetch("prometheus:prom", "api", 300, false, "HTTP 503");
  store->log_fetch("prometheus:prom", "api", 200, true, "");
  store->log_fetch("prometheus:prom", "web", 400, false, "timeout");
  CHECK(store->last_success("prometheus:prom", "api") == 200);
  CHECK_FALSE(store->last_success("prometheus:prom", "web"));
  CHECK_FALSE(store->last_success("prometheus:other", "api"));
}

TEST_CASE("store: a store at the latest version opens beside another process's write lock") {
  TempDir dir;
  const auto path = dir.path() / "cache.db";
  Store::open(path);
  SQLite::Database other(path, SQLite::OPEN_READWRITE);
  SQLite::Transaction lock(other, SQLite::TransactionBehavior::IMMEDIATE);
  const auto started = std::chrono::steady_clock::now();
  auto store = Store::open(path); // nothing to migrate: no write, no wait for the lock
  CHECK(store->schema_version() == Store::latest_schema_version());
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}

TEST_CASE("store: a lock and a read-only store are said as such, with what to do") {
  const std::string busy =
      store_failure_text("c.db", "importing", SQLITE_BUSY, "database is locked");
  CHECK(busy.find("another process holds the store") != std::string::npos);
  CHECK(busy.find("importing failed") != std::string::npos);
  const std::string ro =
      store_failure_text("c.db", "importing", SQLITE_READONLY | (1 << 8), "attempt to write");
  CHECK(ro.find("cannot be written") != std::string::npos);
  CHECK(store_failure_text("c.db", "reading", SQLITE_IOERR, "disk I/O error") ==
        "cache database 'c.db': reading failed: disk I/O error");
}
