// The metrics store (SPEC 4.2): a SQLite cache of daily good/total counts per SLO, golden-signal
// series and a log of fetches, so that a build fetches only what the cache lacks and still
// succeeds from it when a backend is down.
//
// Every value is kept per source ("csv:metrics/x.csv", "prometheus:prom"); readers see one value
// per (slo, day), merged by a fixed rule, so results never depend on insertion order.
//
// A Store is one SQLite connection: use one Store per thread. Several Stores (in threads or
// processes) may share a file; WAL and a busy timeout serialize their writes.
#pragma once

#include "diag/errors.hpp"
#include "model/model.hpp"
#include "model/series.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace SQLite {
class Database;
} // namespace SQLite

namespace nines {

// A cache that cannot be opened, is corrupt, foreign or too new, or a failed read/write. The
// message names the file and says what the user can do.
class StoreError : public FatalError {
public:
  using FatalError::FatalError;
};

// The message of a StoreError for a SQLite failure with result `code` while `doing` something to
// the store `name`: a lock held by another process and a store that cannot be written say so and
// what to do, rather than SQLite's own words alone.
std::string store_failure_text(const std::string& name, const std::string& doing, int code,
                               const std::string& what);

// One day of one SLO from one source.
struct DailyRow {
  std::string slo;
  std::int64_t day = 0; // days since the epoch
  double good = 0;
  double total = 0;
  // Fetched less than the source's `settle` after the day's end: the server may not have had all
  // of it, so a later pull asks for it again. Recorded rows (CSV, `metrics import`) never are.
  bool provisional = false;
};

// One day of one golden signal of one service from one source.
struct GoldenRow {
  std::string service;
  std::string signal; // latency_p99 | error_rate | traffic | saturation | …
  std::int64_t day = 0;
  double value = 0;
  // As DailyRow's: fetched less than the source's `settle` after the day's end, so possibly short;
  // shown, and fetched again by later pulls until it has settled.
  bool provisional = false;
};

// Where and when the value the readers see for one day came from.
struct DailyProvenance {
  std::int64_t day = 0;
  std::string source;
  std::int64_t fetched_at = 0; // seconds since the epoch
};

struct ImportSummary {
  std::size_t rows = 0;      // CSV rows given
  std::size_t sources = 0;   // distinct CSV files
  std::size_t inserted = 0;  // (slo, day) pairs the source did not have
  std::size_t replaced = 0;  // pairs whose counts changed
  std::size_t unchanged = 0; // pairs already stored with the same counts (fetched_at kept)
  std::size_t removed = 0;   // pairs of changed or vanished files that are gone from the store
};

// The largest event count nines accepts: every integer up to 2^53 is exact in a double, and a
// sum of 400 days of such counts stays finite and exact enough.
inline constexpr double k_max_count = 9007199254740992.0;

// What the fetched values of each series mean, as digests (series_definitions() in pull.hpp): per
// SLO id, and per (service, golden signal). The store keeps values, not the queries that made
// them; these tell a series whose query (or source, or time zone) changed since it was fetched.
struct SeriesDefinitions {
  std::map<std::string, std::string> slos;
  std::map<std::pair<std::string, std::string>, std::string> golden;
};

// The series forget_redefined() dropped fetched days of.
struct ForgottenSeries {
  std::vector<std::string> slos;
  std::vector<std::pair<std::string, std::string>> golden;
  bool empty() const { return slos.empty() && golden.empty(); }
};

// Which CSV sources a batch of import_csv() speaks for.
enum class CsvScope {
  Folder, // every file of metrics/: a "csv:" source missing from the batch is a file that is gone
  Files,  // only the files in the batch (`metrics import`)
};

class Store {
public:
  // Opens (creating folders and file when needed) and migrates the cache at `path`. Throws
  // StoreError when the file is corrupt, not a nines cache, or has a newer schema; such a file is
  // never modified.
  static std::unique_ptr<Store> open(const std::filesystem::path& path);
  // A private in-memory cache, for tests.
  static std::unique_ptr<Store> open_memory();
  // As open(), with another migration list: for tests of the migration runner only.
  static std::unique_ptr<Store> open_with_migrations(const std::filesystem::path& path,
                                                     const std::vector<std::string>& migrations);

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();

  // The state of the store's files at `path` as the file system sees it (size and modification
  // time of the database and of its write-ahead log), without opening it: equal stamps before
  // and after mean nothing wrote to the store in between.
  static std::string file_stamp(const std::filesystem::path& path);

  int schema_version() const;
  static int latest_schema_version();

  // Upserts `rows` as coming from `source`, all in one transaction. Throws std::invalid_argument,
  // writing nothing, when any row has a non-finite or negative count or good > total: a bad
  // batch means a bad fetch, and nothing from a failed fetch may be stored (SPEC 4.4).
  void put_daily(const std::string& source, const std::vector<DailyRow>& rows,
                 std::int64_t fetched_at);

  // Loads the repository's metrics/*.csv rows (Repo::csv_rows, with the names of its csv_files
  // and csv_slos tables): each file is the source "csv:<file>". The store follows the files:
  // a file whose rows hash as at its last import is skipped; a changed file's (slo, day) pairs
  // replace that source's, and the days it no longer lists are removed; with CsvScope::Folder,
  // "csv:" sources not in the batch (other than `metrics import`'s "csv:import/…") are files that
  // are gone, and lose their rows. Rows of other sources stay. A pair whose counts did not change
  // keeps its fetched_at, so a reimport does not make the CSV look newer than a later fetch. One
  // transaction; throws std::invalid_argument, writing nothing, on a bad date or count.
  ImportSummary import_csv(const Repo& repo, std::int64_t now, CsvScope scope = CsvScope::Folder);
  // Loads the repository's recorded golden-signal rows (Repo::golden_rows), each file the source
  // "csv:<file>", under import_csv()'s rules: a file's (service, signal, day) values replace that
  // source's, days it no longer lists are removed, an unchanged value keeps its fetched_at, and
  // with CsvScope::Folder the "csv:" golden sources not in the batch (other than "csv:import/…")
  // are files that are gone. A later line for the same (service, signal, day) wins. One
  // transaction; throws std::invalid_argument, writing nothing, on a bad date or value.
  ImportSummary import_golden_csv(const Repo& repo, std::int64_t now,
                                  CsvScope scope = CsvScope::Folder);
  // The imported CSV sources with the hash of their rows (provenance of the "csv:" sources).
  std::map<std::string, std::string> csv_files() const;

  // Merged across sources: for each (slo, day) the row with the latest fetched_at wins; on a tie
  // the source name that sorts first (bytewise) wins. A count that is not stored as a number
  // (text written into the file by hand) reads as NaN, never 0, so the day is no data, as a
  // stored Inf is; a row whose day is not an integer is skipped.
  std::map<std::string, DailySeries> daily_series() const;
  DailySeries daily_series(const std::string& slo) const;
  // The winners of daily_series(slo) over [first_day, last_day], by day.
  std::vector<DailyProvenance> provenance(const std::string& slo, std::int64_t first_day,
                                          std::int64_t last_day) const;
  // Days of `slo` stored by exactly `source` and settled (not provisional), so a pull fetches only
  // the closed days the store lacks and the provisional ones again. A row whose counts read as no
  // data (daily_series() drops it) is not a day held.
  std::set<std::int64_t> days_present(const std::string& slo, const std::string& source) const;
  // Per SLO, the days whose winner (daily_series()' rule) is a provisional row.
  std::map<std::string, std::set<std::int64_t>> provisional_days() const;

  // As put_daily(); values must be finite and not negative.
  void put_golden(const std::string& source, const std::vector<GoldenRow>& rows,
                  std::int64_t fetched_at);
  // Day → value, with daily_series()' winner rule; a winner that is not a finite, non-negative
  // number (the file edited by hand) is no data for its day.
  std::map<std::int64_t, double> golden_series(const std::string& service,
                                               const std::string& signal) const;
  // The days of golden_series(service, signal) whose winner is a provisional row.
  std::set<std::int64_t> golden_provisional_days(const std::string& service,
                                                 const std::string& signal) const;

  // Compares `defs` with the definitions recorded for the fetched rows and records `defs`. A
  // series whose definition changed measured something else: its fetched days (every source but
  // "csv:" ones, which were recorded, not queried) are deleted, so they are fetched again under
  // the new definition and never mixed with it. A series with no recorded definition (a store
  // from before definitions were kept, or a new series) keeps its rows. One transaction.
  ForgottenSeries forget_redefined(const SeriesDefinitions& defs);

  // Every fetch attempt, for the freshness and age of stale figures.
  void log_fetch(const std::string& source, const std::string& query_key, std::int64_t fetched_at,
                 bool ok, const std::string& error);
  std::optional<std::int64_t> last_success(const std::string& source,
                                           const std::string& query_key) const;

private:
  Store(std::unique_ptr<SQLite::Database> db, std::string name);
  static std::unique_ptr<Store> open_impl(const std::filesystem::path& path,
                                          const std::vector<std::string>& migrations);
  void write_daily(const std::string& source, const std::vector<DailyRow>& rows,
                   std::int64_t fetched_at);
  [[noreturn]] void fail(const char* doing, const std::exception& e) const;

  std::unique_ptr<SQLite::Database> m_db;
  std::string m_name; // the path as the user wrote it, for messages
};

} // namespace nines
