#include "metrics/store.hpp"

#include "model/digest.hpp"
#include "model/time.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sqlite3.h>
#include <string_view>
#include <sys/stat.h>
#include <system_error>
#include <thread>
#include <tuple>
#include <utility>

namespace nines {

namespace {

// Marks the file as a nines cache ("NINE"), so that a foreign database is refused, not adopted.
constexpr int k_application_id = 0x4E494E45;
constexpr int k_busy_timeout_ms = 10000;

// Schema migrations, oldest first: entry i takes user_version i to i + 1. Append, never edit: a
// cache written by an older nines is brought up to date by replaying the entries it lacks.
const std::vector<std::string>& schema_migrations() {
  static const std::vector<std::string> migrations = {
      // v1
      "CREATE TABLE daily ("
      "  slo TEXT NOT NULL,"
      "  day INTEGER NOT NULL," // days since the epoch
      "  source TEXT NOT NULL," // 'csv:metrics/x.csv', 'prometheus:prom'
      "  good REAL NOT NULL,"
      "  total REAL NOT NULL,"
      "  fetched_at INTEGER NOT NULL," // seconds since the epoch
      "  PRIMARY KEY (slo, day, source)"
      ") WITHOUT ROWID;"
      "CREATE TABLE golden ("
      "  service TEXT NOT NULL,"
      "  signal TEXT NOT NULL,"
      "  day INTEGER NOT NULL,"
      "  source TEXT NOT NULL,"
      "  value REAL NOT NULL,"
      "  fetched_at INTEGER NOT NULL,"
      "  PRIMARY KEY (service, signal, day, source)"
      ") WITHOUT ROWID;"
      "CREATE TABLE fetch_log ("
      "  source TEXT NOT NULL,"
      "  query_key TEXT NOT NULL,"
      "  fetched_at INTEGER NOT NULL,"
      "  ok INTEGER NOT NULL,"
      "  error TEXT"
      ");"
      "CREATE INDEX fetch_log_by_key ON fetch_log (source, query_key, fetched_at);",
      // v2: the CSV files the daily rows of each "csv:" source came from, so the store follows
      // the files: a file whose content changed or that went away takes its rows with it.
      "CREATE TABLE csv_file ("
      "  source TEXT PRIMARY KEY," // 'csv:metrics/x.csv'
      "  hash TEXT NOT NULL,"      // of the file's (slo, day, good, total) rows as imported
      "  rows INTEGER NOT NULL,"
      "  imported_at INTEGER NOT NULL"
      ") WITHOUT ROWID;",
      // v3: the rows of one source. An import reads a changed file's stored rows, and finds the
      // files that are gone, by source; without this index each was a scan of the whole table,
      // once per file (an import of 834 files into an empty store took 6 s).
      "CREATE INDEX daily_by_source ON daily (source);",
      // v4: a day fetched before it had settled (less than the source's `settle` after its end)
      // is provisional: it is used, and fetched again until a pull finds it settled. Rows of
      // earlier versions were taken as final, as they were then.
      "ALTER TABLE daily ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;",
      // v5: the same for golden-signal days: one fetched before it had settled is shown, and
      // fetched again until a pull finds it settled. Rows of earlier versions were final.
      "ALTER TABLE golden ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;",
      // v6: the definition (a digest of source, queries and time zone) each fetched series was
      // fetched under, so a changed query drops the days the old one measured
      // (forget_redefined). Keys: "slo:<id>" and "golden:<service>\n<signal>".
      "CREATE TABLE series_def (key TEXT PRIMARY KEY, digest TEXT NOT NULL) WITHOUT ROWID;",
  };
  return migrations;
}

std::string quoted(const std::string& name) {
  return "cache database '" + name + "'";
}

bool is_corruption(int code) {
  const int primary = code & 0xff;
  return primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT;
}

} // namespace

std::string store_failure_text(const std::string& name, const std::string& doing, int code,
                               const std::string& what) {
  // What the user can do differs by cause: a lock is another process at work (wait for it), a
  // read-only file or folder is the checkout's (make it writable or use another cache path).
  switch (code & 0xff) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return quoted(name) + ": " + doing + " failed: another process holds the store (waited " +
           std::to_string(k_busy_timeout_ms / 1000) +
           " s); run again when it is done, or set another cache path";
  case SQLITE_READONLY:
    return quoted(name) + ": " + doing + " failed: the store cannot be written (" + what +
           "); make it and its folder writable, or set another cache path";
  default:
    return quoted(name) + ": " + doing + " failed: " + what;
  }
}

namespace {

[[noreturn]] void throw_corrupt(const std::string& name, const std::string& detail) {
  throw StoreError(quoted(name) + " is corrupt (" + detail +
                   "); move it aside to rebuild it from the sources — nines never deletes it");
}

// Rethrows a SQLite failure as a message that names the file (and, for corruption, says what to
// do about it).
[[noreturn]] void throw_sqlite(const std::string& name, const std::string& doing,
                               const SQLite::Exception& e) {
  if (is_corruption(e.getErrorCode())) {
    throw_corrupt(name, e.what());
  }
  throw StoreError(store_failure_text(name, doing, e.getErrorCode(), e.what()));
}

int pragma_int(const SQLite::Database& db, const char* pragma) {
  SQLite::Statement q(db, std::string("PRAGMA ") + pragma);
  return q.executeStep() ? q.getColumn(0).getInt() : 0;
}

// quick_check answers "ok" or up to N lines of problems; a few of them are enough to tell the user.
std::optional<std::string> quick_check_problem(const SQLite::Database& db) {
  SQLite::Statement q(db, "PRAGMA quick_check(3)");
  std::string detail;
  while (q.executeStep()) {
    const std::string line = q.getColumn(0).getString();
    if (line == "ok") {
      continue;
    }
    detail += (detail.empty() ? "" : "; ") + line;
  }
  if (detail.empty()) {
    return std::nullopt;
  }
  return detail;
}

// The tables and indexes of a database (SQLite's own sqlite_* objects left out), as "type name".
std::set<std::string> schema_objects(const SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT type || ' ' || name FROM sqlite_master "
                          "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
  std::set<std::string> objects;
  while (q.executeStep()) {
    objects.insert(q.getColumn(0).getString());
  }
  return objects;
}

// The objects the first `version` migrations create, built in memory.
std::set<std::string> objects_of_version(const std::vector<std::string>& migrations, int version) {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
  for (int i = 0; i < version; ++i) {
    db.exec(migrations[static_cast<std::size_t>(i)]);
  }
  return schema_objects(db);
}

struct SchemaState {
  int version = 0;
  bool marked = false; // carries nines' application_id
};

// Refuses files this nines must not touch, before anything is written to them: a database is a
// nines cache only when it carries nines' application_id, or is empty (no tables, user_version 0:
// a new file), or — a cache written before the id was set — holds exactly the tables and indexes
// of its user_version. Another program's database with a user_version of its own is refused, not
// migrated.
SchemaState check_foreign_or_newer(const SQLite::Database& db, const std::string& name,
                                   const std::vector<std::string>& migrations) {
  const int latest = static_cast<int>(migrations.size());
  // One statement, so one snapshot: another connection may be migrating the file meanwhile.
  SQLite::Statement q(db, "SELECT (SELECT application_id FROM pragma_application_id), "
                          "(SELECT user_version FROM pragma_user_version), "
                          "(SELECT count(*) FROM sqlite_master)");
  q.executeStep();
  const int app_id = q.getColumn(0).getInt();
  const int version = q.getColumn(1).getInt();
  const bool has_objects = q.getColumn(2).getInt() > 0;
  q.reset();
  auto foreign = [&] {
    return StoreError(quoted(name) +
                      " is a SQLite database but not a nines cache; use another cache path");
  };
  if (app_id == k_application_id) {
    if (version > latest) {
      throw StoreError(quoted(name) + " has schema version " + std::to_string(version) +
                       ", newer than this nines (" + std::to_string(latest) +
                       "); upgrade nines or use another cache path");
    }
    return SchemaState{version, true};
  }
  if (app_id != 0) {
    throw foreign();
  }
  if (!has_objects) {
    if (version != 0) {
      throw foreign(); // another program's mark on an empty database
    }
    return SchemaState{0, false};
  }
  if (version < 1 || version > latest ||
      schema_objects(db) != objects_of_version(migrations, version)) {
    throw foreign();
  }
  return SchemaState{version, false};
}

// Applies the migrations the file lacks, all in one transaction together with the version bump
// and the application_id, so that a failure or a crash leaves the file as it was. The state is
// re-read under the write lock because another process may have migrated the same file meanwhile.
void migrate(SQLite::Database& db, const std::string& name,
             const std::vector<std::string>& migrations) {
  const int latest = static_cast<int>(migrations.size());
  // A store already at the latest version needs no write: read-only commands (`budget`, `gate`)
  // then work beside another process holding the write lock, and on a store they cannot write.
  if (const SchemaState seen = check_foreign_or_newer(db, name, migrations);
      seen.version >= latest && seen.marked) {
    return;
  }
  SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
  const SchemaState state = check_foreign_or_newer(db, name, migrations);
  if (state.version >= latest && state.marked) {
    return;
  }
  for (int version = state.version; version < latest; ++version) {
    try {
      db.exec(migrations[static_cast<std::size_t>(version)]);
    } catch (const SQLite::Exception& e) {
      throw_sqlite(name, "migrating to schema version " + std::to_string(version + 1), e);
    }
  }
  db.exec("PRAGMA user_version = " + std::to_string(std::max(state.version, latest)));
  db.exec("PRAGMA application_id = " + std::to_string(k_application_id));
  transaction.commit();
}

// Switching a file into WAL needs an exclusive lock, and when another connection is opening the
// same new file at that moment SQLite answers SQLITE_BUSY at once, without waiting the busy
// timeout. So wait here, up to the same timeout.
void enable_wal(SQLite::Database& db) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(k_busy_timeout_ms);
  for (;;) {
    try {
      db.exec("PRAGMA journal_mode = WAL");
      return;
    } catch (const SQLite::Exception& e) {
      const int primary = e.getErrorCode() & 0xff;
      if ((primary != SQLITE_BUSY && primary != SQLITE_LOCKED) ||
          std::chrono::steady_clock::now() >= deadline) {
        throw;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// A count or value as read back: NaN unless SQLite holds a number there. A REAL column keeps a
// text it cannot convert (a file edited by hand: good = 'abc') as text, which a plain read turns
// into 0, a figure nobody measured; NaN makes the compute stage drop the day as no data, as it
// drops a stored Inf (1e999) or good > total.
double stored_number(int type, double value) {
  return type == SQLITE_INTEGER || type == SQLITE_FLOAT ? value
                                                        : std::numeric_limits<double>::quiet_NaN();
}

double stored_number(const SQLite::Column& column) {
  return stored_number(column.getType(), column.getDouble());
}

// A daily count as read back: stored_number(), and NaN past 2^53 too, the limit every fetched and
// recorded count is held to. Such a count (a store edited by hand, or written by another tool)
// can no longer be summed exactly: 1e300 good of 1e300 would hide the window's bad events and
// read 100%, so the day is no data instead.
double stored_count(int type, double value) {
  const double v = stored_number(type, value);
  return v > k_max_count ? std::numeric_limits<double>::quiet_NaN() : v;
}

double stored_count(const SQLite::Column& column) {
  return stored_count(column.getType(), column.getDouble());
}

// A day nines can write: from 0000-01-01 to 9999-12-31 (the days a CSV date can name), the
// four-digit years every date it shows has. A row edited by hand to day 2^63−1 would otherwise send
// the calendar arithmetic of every later stage (the months with data, the report's periods) past
// any year it can count to.
bool day_in_range(std::int64_t day) {
  static const std::int64_t first = days_from_civil(0, 1, 1);
  static const std::int64_t last = days_from_civil(9999, 12, 31);
  return day >= first && day <= last;
}

// A day is an integer in range; a row whose day is anything else names no day and is skipped.
bool stored_day(const SQLite::Column& column) {
  return column.getType() == SQLITE_INTEGER && day_in_range(column.getInt64());
}

// Why a count pair cannot be stored, or nullptr.
const char* count_problem(double good, double total) {
  if (!std::isfinite(good) || !std::isfinite(total)) {
    return "counts must be finite numbers";
  }
  if (good > k_max_count || total > k_max_count) {
    return "counts must not exceed 2^53 (9007199254740992)";
  }
  if (good < 0 || total < 0) {
    return "counts must not be negative";
  }
  if (good > total) {
    return "good exceeds total";
  }
  return nullptr;
}

void check_daily(const std::string& source, const std::vector<DailyRow>& rows) {
  if (source.empty()) {
    throw std::invalid_argument("daily rows need a source name");
  }
  for (const auto& row : rows) {
    const std::string where =
        "daily row " + row.slo + " " + format_date(row.day) + " from '" + source + "'";
    if (row.slo.empty()) {
      throw std::invalid_argument(where + ": the SLO id is empty");
    }
    if (const char* problem = count_problem(row.good, row.total)) {
      throw std::invalid_argument(where + ": " + problem + " (good " + std::to_string(row.good) +
                                  ", total " + std::to_string(row.total) + ")");
    }
  }
}

const char* const k_upsert_daily =
    "INSERT INTO daily (slo, day, source, good, total, fetched_at, provisional) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT (slo, day, source) DO UPDATE SET "
    "good = excluded.good, total = excluded.total, "
    "fetched_at = excluded.fetched_at, provisional = excluded.provisional";

// Winners of a per-source table: for each key a recorded row (a "csv:" source: metrics/*.csv or
// `metrics import`) before a fetched one, then the latest fetched_at, then the first source. A
// recorded day is the repository's, reviewed as it is written; were the latest simply to win, a
// day both recorded and fetched would take its figure from whichever the earlier builds had
// stamped last (an offline build before an online one), and two builds of one input would differ.
std::string winners_sql(const std::string& columns, const std::string& key,
                        const std::string& table, const std::string& where,
                        const std::string& order) {
  return "SELECT " + columns + " FROM (SELECT " + columns + ", ROW_NUMBER() OVER (PARTITION BY " +
         key + " ORDER BY (substr(source, 1, 4) = 'csv:') DESC, fetched_at DESC, source ASC) " +
         "AS pick FROM " + table + " WHERE " + where + ") WHERE pick = 1 ORDER BY " + order;
}

} // namespace

Store::Store(std::unique_ptr<SQLite::Database> db, std::string name)
    : m_db(std::move(db)), m_name(std::move(name)) {}

Store::~Store() = default;

int Store::latest_schema_version() {
  return static_cast<int>(schema_migrations().size());
}

std::unique_ptr<Store> Store::open(const std::filesystem::path& path) {
  return open_impl(path, schema_migrations());
}

std::unique_ptr<Store> Store::open_with_migrations(const std::filesystem::path& path,
                                                   const std::vector<std::string>& migrations) {
  return open_impl(path, migrations);
}

std::unique_ptr<Store> Store::open_memory() {
  const std::string name = ":memory:";
  try {
    auto db =
        std::make_unique<SQLite::Database>(name, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db->exec("PRAGMA foreign_keys = ON");
    migrate(*db, name, schema_migrations());
    return std::unique_ptr<Store>(new Store(std::move(db), name));
  } catch (const SQLite::Exception& e) {
    throw_sqlite(name, "opening", e);
  }
}

std::unique_ptr<Store> Store::open_impl(const std::filesystem::path& path,
                                        const std::vector<std::string>& migrations) {
  const std::string name = path.string();
  std::error_code ec;
  // An empty file is what SQLite itself leaves before the first write: a new cache, not a
  // corrupt one.
  const bool existed = std::filesystem::file_size(path, ec) > 0 && !ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      throw StoreError(quoted(name) + ": cannot create folder '" + path.parent_path().string() +
                       "': " + ec.message());
    }
  }
  std::unique_ptr<SQLite::Database> db;
  try {
    // A Store is used by one thread at a time (see the header), so SQLite's own mutexes, taken
    // on every call, only cost.
    db = std::make_unique<SQLite::Database>(
        path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
        k_busy_timeout_ms);
  } catch (const SQLite::Exception& e) {
    throw_sqlite(name, "opening", e);
  }
  std::string step = "checking";
  try {
    // Read-only checks come first: until they pass, nothing may be written to the file.
    if (existed) {
      if (auto problem = quick_check_problem(*db)) {
        throw_corrupt(name, *problem);
      }
    }
    check_foreign_or_newer(*db, name, migrations);
    // WAL lets readers run beside one writer; the busy timeout makes writers of several
    // processes (or threads) queue instead of failing.
    step = "switching to WAL mode";
    enable_wal(*db);
    step = "setting connection options";
    db->exec("PRAGMA busy_timeout = " + std::to_string(k_busy_timeout_ms));
    // In WAL mode NORMAL syncs at checkpoints only, not at every commit: a power cut may lose the
    // last transactions but cannot corrupt the file. For a cache that is safe: what is lost is
    // imported again from the CSV files (their hashes went with the same transaction) or
    // fetched again, and the next build sees a changed store stamp and builds in full.
    db->exec("PRAGMA synchronous = NORMAL");
    // Up to 64 MiB of pages (SQLite's default is 2 MiB): an import into a new store of 10k
    // documents (20 MB) spilled dirty pages to the log over and over within its transaction,
    // four times the writes. Pages are taken only as the file needs them.
    db->exec("PRAGMA cache_size = -65536");
    db->exec("PRAGMA foreign_keys = ON");
    step = "migrating";
    migrate(*db, name, migrations);
  } catch (const SQLite::Exception& e) {
    throw_sqlite(name, step, e);
  }
  return std::unique_ptr<Store>(new Store(std::move(db), name));
}

void Store::fail(const char* doing, const std::exception& e) const {
  if (const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&e)) {
    throw_sqlite(m_name, doing, *sqlite);
  }
  throw StoreError(quoted(m_name) + ": " + doing + " failed: " + e.what());
}

std::string Store::file_stamp(const std::filesystem::path& path) {
  std::string stamp;
  for (const char* suffix : {"", "-wal"}) {
    std::filesystem::path p = path;
    p += suffix;
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) {
      stamp += "-;";
      continue;
    }
    stamp += std::to_string(st.st_size) + "@" + std::to_string(st.st_mtim.tv_sec) + "." +
             std::to_string(st.st_mtim.tv_nsec) + ";";
  }
  return stamp;
}

int Store::schema_version() const {
  try {
    return pragma_int(*m_db, "user_version");
  } catch (const SQLite::Exception& e) {
    fail("reading the schema version", e);
  }
}

namespace {

// One row through k_upsert_daily: the pull's and the CSV import's writes are the same statement.
void upsert_daily(SQLite::Statement& upsert, const std::string& source, const DailyRow& row,
                  std::int64_t fetched_at) {
  upsert.reset();
  upsert.bind(1, row.slo);
  upsert.bind(2, row.day);
  upsert.bind(3, source);
  upsert.bind(4, row.good);
  upsert.bind(5, row.total);
  upsert.bind(6, fetched_at);
  upsert.bind(7, static_cast<std::int32_t>(row.provisional ? 1 : 0));
  upsert.exec();
}

} // namespace

void Store::write_daily(const std::string& source, const std::vector<DailyRow>& rows,
                        std::int64_t fetched_at) {
  SQLite::Statement upsert(*m_db, k_upsert_daily);
  for (const auto& row : rows)
    upsert_daily(upsert, source, row, fetched_at);
}

void Store::put_daily(const std::string& source, const std::vector<DailyRow>& rows,
                      std::int64_t fetched_at) {
  check_daily(source, rows);
  try {
    SQLite::Transaction transaction(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
    write_daily(source, rows, fetched_at);
    transaction.commit();
  } catch (const SQLite::Exception& e) {
    fail("storing daily counts", e);
  }
}

namespace {

// A statement on the connection's own handle, for the loops that run once per row: SQLiteCpp
// copies every text it binds and hands out each value read through a shared Column, which
// cost more than SQLite's own work there. Failures are thrown as SQLite::Exception, as
// SQLiteCpp's are, so the callers report them the same way.
class RawStatement {
public:
  RawStatement(sqlite3* db, const std::string& sql) : m_db(db) {
    check(sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()),
                             SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr));
  }
  RawStatement(const RawStatement&) = delete;
  RawStatement& operator=(const RawStatement&) = delete;
  ~RawStatement() { sqlite3_finalize(m_stmt); }

  // The text is not copied: it must stay alive and unchanged until the next reset().
  void bind_static(int index, std::string_view text) {
    // A null pointer would bind NULL, not an empty text.
    check(sqlite3_bind_text(m_stmt, index, text.data() == nullptr ? "" : text.data(),
                            static_cast<int>(text.size()), SQLITE_STATIC));
  }
  void bind(int index, std::int64_t value) { check(sqlite3_bind_int64(m_stmt, index, value)); }
  void bind(int index, double value) { check(sqlite3_bind_double(m_stmt, index, value)); }
  // True while a row is ready to read.
  bool step() {
    const int code = sqlite3_step(m_stmt);
    if (code == SQLITE_ROW) {
      return true;
    }
    if (code != SQLITE_DONE) {
      throw SQLite::Exception(m_db, code);
    }
    return false;
  }
  // sqlite3_reset() repeats the last step's error, which step() has already thrown.
  void reset() { sqlite3_reset(m_stmt); }
  std::string_view text(int column) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    return {text == nullptr ? "" : text,
            static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column))};
  }
  std::int64_t int64(int column) const { return sqlite3_column_int64(m_stmt, column); }
  // A number column; NaN for a text or blob stored there (see stored_number()).
  double number(int column) const {
    return stored_number(sqlite3_column_type(m_stmt, column),
                         sqlite3_column_double(m_stmt, column));
  }
  // A daily count column (see stored_count()).
  double count(int column) const {
    return stored_count(sqlite3_column_type(m_stmt, column), sqlite3_column_double(m_stmt, column));
  }
  bool is_integer(int column) const {
    return sqlite3_column_type(m_stmt, column) == SQLITE_INTEGER;
  }

private:
  void check(int code) const {
    if (code != SQLITE_OK) {
      throw SQLite::Exception(m_db, code);
    }
  }

  sqlite3* m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

// A count as %.17g prints it (the hash recipe: every double exact, so equal hashes mean equal
// rows). Counts are nearly always whole numbers, and %.17g prints a whole number of at most 17
// digits as its plain digits; one up to 2^53 has at most 16, so the integer conversion writes the
// same text at a fraction of the cost of to_chars(double, general, 17) (printf's %.17g without its
// locale and format parsing). -0 keeps its sign through the double path.
char* put_count(char* p, char* end, double value) {
  if (!std::signbit(value) && value <= k_max_count && value == std::trunc(value)) {
    return std::to_chars(p, end, static_cast<std::int64_t>(value)).ptr;
  }
  return std::to_chars(p, end, value, std::chars_format::general, 17).ptr;
}

// Writes rows that no source stored before, so a plain INSERT: a clash would be a bug here, and
// fails the import. Rows go k_batch to a statement (INSERT … VALUES (…), (…), …), which shares a
// statement's fixed cost (step, reset, the program's start) among them; the last few go one by
// one. The texts are bound without a copy: they must live until flush() has returned.
class DailyInserter {
public:
  static constexpr std::size_t k_batch = 64;

  DailyInserter(sqlite3* db, std::int64_t fetched_at)
      : m_batch(db, insert_sql(k_batch)), m_one(db, insert_sql(1)) {
    m_batch.bind(1, fetched_at);
    m_one.bind(1, fetched_at);
    m_pending.reserve(k_batch);
  }

  void add(std::string_view slo, std::int64_t day, std::string_view source, double good,
           double total) {
    m_pending.push_back(Pending{slo, day, source, good, total});
    if (m_pending.size() == k_batch) {
      write(m_batch);
    }
  }

  void flush() {
    const std::vector<Pending> rest = std::move(m_pending);
    m_pending.clear();
    for (const auto& row : rest) {
      m_pending.push_back(row);
      write(m_one);
    }
  }

private:
  struct Pending {
    std::string_view slo;
    std::int64_t day;
    std::string_view source;
    double good;
    double total;
  };

  // ?1 is the fetched_at all rows share; each row's five values follow.
  static std::string insert_sql(std::size_t rows) {
    std::string sql = "INSERT INTO daily (slo, day, source, good, total, fetched_at) VALUES ";
    for (std::size_t r = 0; r < rows; ++r) {
      const std::size_t first = 2 + 5 * r;
      sql += r == 0 ? "(" : ", (";
      for (std::size_t c = 0; c < 5; ++c) {
        sql += "?" + std::to_string(first + c) + ", ";
      }
      sql += "?1)";
    }
    return sql;
  }

  void write(RawStatement& statement) {
    int index = 2;
    for (const auto& row : m_pending) {
      statement.bind_static(index++, row.slo);
      statement.bind(index++, row.day);
      statement.bind_static(index++, row.source);
      statement.bind(index++, row.good);
      statement.bind(index++, row.total);
    }
    statement.step();
    statement.reset();
    m_pending.clear();
  }

  RawStatement m_batch;
  RawStatement m_one;
  std::vector<Pending> m_pending;
};

// One CSV file's rows, as the import writes them: row indices into Repo::csv_rows, sorted by
// (slo, day), one per pair (the file's last line for it), and the hash of those rows.
struct CsvSource {
  std::string name; // "csv:<file>"
  struct Entry {
    std::uint64_t key; // the SLO id's rank in byte order, then the day
    std::uint32_t row;
  };
  std::vector<Entry> rows;
  std::string hash;
};

} // namespace

ImportSummary Store::import_csv(const Repo& repo, std::int64_t now, CsvScope scope) {
  const std::vector<CsvRow>& rows = repo.csv_rows;
  // The days a YYYY-MM-DD date names: years 0000 to 9999 (day_in_range).
  static const std::int64_t first_day = days_from_civil(0, 1, 1);
  // 22 bits hold every day of that range (3,652,059 days), so (SLO rank, day) packs into one
  // integer key.
  constexpr int k_day_bits = 22;
  for (const auto& row : rows) {
    const std::string& file = repo.csv_file(row);
    auto where = [&] { return file + ":" + std::to_string(row.line); };
    if (!day_in_range(row.day)) {
      throw std::invalid_argument(where() + ": date '" + format_date(row.day) +
                                  "' is not a YYYY-MM-DD day");
    }
    if (repo.csv_slo(row).empty()) {
      throw std::invalid_argument(where() + ": the SLO id is empty");
    }
    if (const char* problem = count_problem(row.good, row.total)) {
      throw std::invalid_argument(where() + ": " + problem);
    }
  }
  // Each SLO id's rank in byte order (equal ids, equal rank): rows then sort by (slo, day) as
  // integers, in the order SQLite's BINARY collation and std::string agree on.
  const std::vector<std::string>& slos = repo.csv_slos;
  std::vector<std::uint32_t> by_name(slos.size());
  for (std::uint32_t i = 0; i < by_name.size(); ++i) {
    by_name[i] = i;
  }
  std::sort(by_name.begin(), by_name.end(),
            [&](std::uint32_t a, std::uint32_t b) { return slos[a] < slos[b]; });
  std::vector<std::uint64_t> rank(slos.size());
  for (std::size_t i = 0; i < by_name.size(); ++i) {
    rank[by_name[i]] = i > 0 && slos[by_name[i]] == slos[by_name[i - 1]]
                           ? rank[by_name[i - 1]]
                           : static_cast<std::uint64_t>(i);
  }
  // Rows by source. A file's rows come together, but its name may recur in csv_files, so
  // sources are found by name once per file index.
  std::vector<CsvSource> sources;
  {
    std::map<std::string_view, std::size_t> slot_by_name;
    constexpr std::size_t k_none = static_cast<std::size_t>(-1);
    std::vector<std::size_t> slot_by_file(repo.csv_files.size(), k_none);
    for (std::uint32_t i = 0; i < rows.size(); ++i) {
      const CsvRow& row = rows[i];
      std::size_t& slot = slot_by_file[row.file];
      if (slot == k_none) {
        const auto [it, added] = slot_by_name.emplace(repo.csv_files[row.file], sources.size());
        if (added) {
          sources.push_back(CsvSource{"csv:" + repo.csv_files[row.file], {}, {}});
        }
        slot = it->second;
      }
      sources[slot].rows.push_back(CsvSource::Entry{
          rank[row.slo] << k_day_bits | static_cast<std::uint64_t>(row.day - first_day), i});
    }
  }
  std::sort(sources.begin(), sources.end(),
            [](const CsvSource& a, const CsvSource& b) { return a.name < b.name; });
  for (auto& source : sources) {
    auto& entries = source.rows;
    // Lines of a file usually come in (slo, day) order already.
    auto by_key = [](const CsvSource::Entry& a, const CsvSource::Entry& b) {
      return a.key != b.key ? a.key < b.key : a.row < b.row;
    };
    if (!std::is_sorted(entries.begin(), entries.end(), by_key)) {
      std::sort(entries.begin(), entries.end(), by_key);
    }
    // A later line for the same pair replaces an earlier one, as in series_from_csv(): of a run
    // of equal keys the last (the highest line) stays.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (i + 1 < entries.size() && entries[i + 1].key == entries[i].key) {
        continue;
      }
      entries[kept++] = entries[i];
    }
    entries.resize(kept);
    Fnv1a hash;
    char buf[96];
    for (const auto& entry : entries) {
      const CsvRow& row = rows[entry.row];
      const std::string& slo = repo.csv_slo(row);
      char* p = buf;
      char* const end = buf + sizeof buf;
      *p++ = '\t';
      p = std::to_chars(p, end, row.day).ptr;
      *p++ = '\t';
      p = put_count(p, end, row.good);
      *p++ = '\t';
      p = put_count(p, end, row.total);
      *p++ = '\n';
      hash.add(slo);
      hash.add(std::string_view(buf, static_cast<std::size_t>(p - buf)));
    }
    source.hash = hash.hex();
  }
  ImportSummary summary;
  summary.rows = rows.size();
  summary.sources = sources.size();
  try {
    SQLite::Transaction transaction(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
    sqlite3* const db = m_db->getHandle();
    std::map<std::string, std::string, std::less<>> stored_hashes;
    {
      RawStatement q(db, "SELECT source, hash FROM csv_file");
      while (q.step()) {
        stored_hashes.emplace(q.text(0), q.text(1));
      }
    }
    RawStatement stored_rows(db, "SELECT slo, day, good, total FROM daily WHERE source = ?1");
    RawStatement update(db, "UPDATE daily SET good = ?4, total = ?5, fetched_at = ?6, "
                            "provisional = 0 "
                            "WHERE slo = ?1 AND day = ?2 AND source = ?3");
    RawStatement remove_row(db, "DELETE FROM daily WHERE slo = ?1 AND day = ?2 AND source = ?3");
    RawStatement record(db, "INSERT INTO csv_file (source, hash, rows, imported_at) "
                            "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (source) DO UPDATE SET "
                            "hash = excluded.hash, rows = excluded.rows, "
                            "imported_at = excluded.imported_at");
    DailyInserter insert(db, now);
    struct StoredRow {
      std::string slo;
      std::int64_t day;
      double good;
      double total;
    };
    std::vector<StoredRow> stored;
    for (const auto& source : sources) {
      const auto& entries = source.rows;
      if (const auto it = stored_hashes.find(source.name);
          it != stored_hashes.end() && it->second == source.hash) {
        summary.unchanged += entries.size(); // the file is as last imported: nothing to do
        continue;
      }
      // The file is new or changed: one read of the source's stored rows (by daily_by_source)
      // tells which pairs are new, changed, unchanged and gone.
      stored.clear();
      stored_rows.bind_static(1, source.name);
      while (stored_rows.step()) {
        stored.push_back(StoredRow{std::string(stored_rows.text(0)), stored_rows.int64(1),
                                   stored_rows.number(2), stored_rows.number(3)});
      }
      stored_rows.reset();
      std::sort(stored.begin(), stored.end(), [](const StoredRow& a, const StoredRow& b) {
        return a.slo != b.slo ? a.slo < b.slo : a.day < b.day;
      });
      // Both lists are in (slo, day) order: one merge pass.
      std::size_t s = 0;
      // A stored day the file no longer lists goes.
      auto remove_stored = [&] {
        remove_row.bind_static(1, stored[s].slo);
        remove_row.bind(2, stored[s].day);
        remove_row.bind_static(3, source.name);
        remove_row.step();
        remove_row.reset();
        ++summary.removed;
      };
      for (const auto& entry : entries) {
        const CsvRow& row = rows[entry.row];
        const std::string& slo = repo.csv_slo(row);
        auto before = [&](const StoredRow& stored_row) {
          const int order = stored_row.slo.compare(slo);
          return order != 0 ? order < 0 : stored_row.day < row.day;
        };
        for (; s < stored.size() && before(stored[s]); ++s)
          remove_stored();
        if (s < stored.size() && stored[s].slo == slo && stored[s].day == row.day) {
          const StoredRow& old = stored[s++];
          if (old.good == row.good && old.total == row.total) {
            ++summary.unchanged; // fetched_at kept: the CSV does not look newer than it is
            continue;
          }
          update.bind_static(1, slo);
          update.bind(2, row.day);
          update.bind_static(3, source.name);
          update.bind(4, row.good);
          update.bind(5, row.total);
          update.bind(6, now);
          update.step();
          update.reset();
          ++summary.replaced;
          continue;
        }
        insert.add(slo, row.day, source.name, row.good, row.total);
        ++summary.inserted;
      }
      for (; s < stored.size(); ++s)
        remove_stored();
      record.bind_static(1, source.name);
      record.bind_static(2, source.hash);
      record.bind(3, static_cast<std::int64_t>(entries.size()));
      record.bind(4, now);
      record.step();
      record.reset();
    }
    insert.flush();
    if (scope == CsvScope::Folder) {
      // Files of metrics/ that are gone (or hold no rows any more) take their rows with them.
      // Sources of `metrics import` are not the folder's and stay.
      std::set<std::string> known;
      {
        RawStatement q(db, "SELECT source FROM csv_file");
        while (q.step()) {
          known.emplace(q.text(0));
        }
      }
      // The "csv:" sources of daily, one index seek each: DISTINCT would visit every row.
      RawStatement next_source(db, "SELECT source FROM daily WHERE source > ?1 AND "
                                   "source >= 'csv:' AND source < 'csv;' "
                                   "ORDER BY source LIMIT 1");
      std::string after;
      for (;;) {
        next_source.bind_static(1, after);
        if (!next_source.step()) {
          next_source.reset();
          break;
        }
        std::string found(next_source.text(0));
        next_source.reset();
        after = found;
        known.insert(std::move(found));
      }
      std::set<std::string_view> in_batch;
      for (const auto& source : sources) {
        in_batch.insert(source.name);
      }
      RawStatement drop_rows(db, "DELETE FROM daily WHERE source = ?1");
      RawStatement drop_file(db, "DELETE FROM csv_file WHERE source = ?1");
      for (const auto& source : known) {
        if (source.rfind("csv:import/", 0) == 0 || in_batch.count(source) != 0) {
          continue;
        }
        drop_rows.bind_static(1, source);
        drop_rows.step();
        drop_rows.reset();
        summary.removed += static_cast<std::size_t>(sqlite3_changes(db));
        drop_file.bind_static(1, source);
        drop_file.step();
        drop_file.reset();
      }
    }
    transaction.commit();
  } catch (const SQLite::Exception& e) {
    fail("importing metrics CSV rows", e);
  }
  return summary;
}

ImportSummary Store::import_golden_csv(const Repo& repo, std::int64_t now, CsvScope scope) {
  // Per source, (service, signal, day) → value; a later line for the same key wins.
  using Key = std::tuple<std::string, std::string, std::int64_t>;
  std::map<std::string, std::map<Key, double>> sources;
  for (const auto& row : repo.golden_rows) {
    const std::string& file = repo.csv_files[row.file];
    const std::string where = file + ":" + std::to_string(row.line);
    if (!day_in_range(row.day))
      throw std::invalid_argument(where + ": date '" + format_date(row.day) +
                                  "' is not a YYYY-MM-DD day");
    if (row.service.empty() || row.signal.empty())
      throw std::invalid_argument(where + ": the service or signal is empty");
    if (!std::isfinite(row.value) || row.value < 0)
      throw std::invalid_argument(where + ": the value must be a finite number, 0 or more");
    sources["csv:" + file][Key{row.service, row.signal, row.day}] = row.value;
  }
  // A day recorded in two files is the later file's (in path order, which the sources' names
  // keep): the other file's value is not stored at all. Stored in both, the winner would be the
  // one stored last, so a rebuild after an edit of either file could show another value than a
  // clean build of the same files.
  std::map<Key, const std::string*> owner;
  for (const auto& [source, rows] : sources)
    for (const auto& [key, value] : rows)
      owner[key] = &source;
  for (auto& [source, rows] : sources)
    std::erase_if(rows, [&](const auto& row) { return owner[row.first] != &source; });
  ImportSummary summary;
  summary.rows = repo.golden_rows.size();
  summary.sources = sources.size();
  try {
    SQLite::Transaction transaction(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement stored_rows(
        *m_db, "SELECT service, signal, day, value FROM golden WHERE source = ?1");
    SQLite::Statement upsert(*m_db,
                             "INSERT INTO golden (service, signal, day, source, value, fetched_at, "
                             "provisional) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0) "
                             "ON CONFLICT (service, signal, day, source) DO UPDATE SET "
                             "value = excluded.value, fetched_at = excluded.fetched_at, "
                             "provisional = 0");
    SQLite::Statement remove_row(
        *m_db,
        "DELETE FROM golden WHERE service = ?1 AND signal = ?2 AND day = ?3 AND source = ?4");
    for (const auto& [source, rows] : sources) {
      std::map<Key, double> stored;
      stored_rows.reset();
      stored_rows.bind(1, source);
      while (stored_rows.executeStep())
        stored[Key{stored_rows.getColumn(0).getString(), stored_rows.getColumn(1).getString(),
                   stored_rows.getColumn(2).getInt64()}] = stored_number(stored_rows.getColumn(3));
      for (const auto& [key, value] : rows) {
        auto it = stored.find(key);
        if (it != stored.end() && it->second == value) {
          ++summary.unchanged; // fetched_at kept: the file does not look newer than it is
          stored.erase(it);
          continue;
        }
        ++(it == stored.end() ? summary.inserted : summary.replaced);
        if (it != stored.end()) stored.erase(it);
        upsert.reset();
        upsert.bind(1, std::get<0>(key));
        upsert.bind(2, std::get<1>(key));
        upsert.bind(3, std::get<2>(key));
        upsert.bind(4, source);
        upsert.bind(5, value);
        upsert.bind(6, now);
        upsert.exec();
      }
      for (const auto& [key, value] : stored) { // days the file no longer lists
        remove_row.reset();
        remove_row.bind(1, std::get<0>(key));
        remove_row.bind(2, std::get<1>(key));
        remove_row.bind(3, std::get<2>(key));
        remove_row.bind(4, source);
        remove_row.exec();
        ++summary.removed;
      }
    }
    if (scope == CsvScope::Folder) {
      // Golden-signal files of metrics/ that are gone take their values with them; those of
      // `metrics import` stay.
      std::vector<std::string> gone;
      SQLite::Statement q(*m_db, "SELECT DISTINCT source FROM golden WHERE source >= 'csv:' AND "
                                 "source < 'csv;' AND source NOT LIKE 'csv:import/%'");
      while (q.executeStep())
        if (std::string source = q.getColumn(0).getString(); !sources.count(source))
          gone.push_back(std::move(source));
      SQLite::Statement drop(*m_db, "DELETE FROM golden WHERE source = ?1");
      for (const auto& source : gone) {
        drop.reset();
        drop.bind(1, source);
        summary.removed += static_cast<std::size_t>(drop.exec());
      }
    }
    transaction.commit();
  } catch (const SQLite::Exception& e) {
    fail("importing golden-signal CSV rows", e);
  }
  return summary;
}

std::map<std::string, std::string> Store::csv_files() const {
  std::map<std::string, std::string> result;
  try {
    SQLite::Statement q(*m_db, "SELECT source, hash FROM csv_file ORDER BY source");
    while (q.executeStep()) {
      result[q.getColumn(0).getString()] = q.getColumn(1).getString();
    }
  } catch (const SQLite::Exception& e) {
    fail("reading the imported CSV files", e);
  }
  return result;
}

std::map<std::string, DailySeries> Store::daily_series() const {
  std::map<std::string, DailySeries> result;
  try {
    // The winner rule of winners_sql() applied while reading the table in its key order, which
    // needs no sort: a window function over every row cost more than the import itself.
    RawStatement q(m_db->getHandle(),
                   "SELECT slo, day, fetched_at, good, total, substr(source, 1, 4) = 'csv:' "
                   "FROM daily ORDER BY slo, day, source");
    DailySeries* series = nullptr;
    std::string slo;
    std::int64_t best_fetched = 0;
    bool best_recorded = false;
    while (q.step()) {
      if (!q.is_integer(1) || !day_in_range(q.int64(1))) {
        continue; // names no day (see stored_day())
      }
      const std::string_view text = q.text(0);
      if (series == nullptr || slo != text) {
        slo.assign(text);
        series = &result.emplace_hint(result.end(), slo, DailySeries{})->second;
      }
      const std::int64_t day = q.int64(1);
      const std::int64_t fetched = q.int64(2);
      const bool recorded = q.int64(5) != 0;
      // Sources come in ascending order, so on an equal rank the first one stays.
      if (!series->empty() && series->rbegin()->first == day) {
        if (recorded < best_recorded || (recorded == best_recorded && fetched <= best_fetched)) {
          continue;
        }
        series->rbegin()->second = DailyCount{day, q.count(3), q.count(4)};
      } else {
        series->emplace_hint(series->end(), day, DailyCount{day, q.count(3), q.count(4)});
      }
      best_fetched = fetched;
      best_recorded = recorded;
    }
  } catch (const SQLite::Exception& e) {
    fail("reading daily counts", e);
  }
  return result;
}

DailySeries Store::daily_series(const std::string& slo) const {
  DailySeries result;
  try {
    SQLite::Statement q(*m_db,
                        winners_sql("day, good, total, source", "day", "daily", "slo = ?1", "day"));
    q.bind(1, slo);
    while (q.executeStep()) {
      const std::int64_t day = q.getColumn(0).getInt64();
      if (!stored_day(q.getColumn(0))) {
        continue;
      }
      result[day] = DailyCount{day, stored_count(q.getColumn(1)), stored_count(q.getColumn(2))};
    }
  } catch (const SQLite::Exception& e) {
    fail("reading daily counts", e);
  }
  return result;
}

std::vector<DailyProvenance> Store::provenance(const std::string& slo, std::int64_t first_day,
                                               std::int64_t last_day) const {
  std::vector<DailyProvenance> result;
  try {
    SQLite::Statement q(*m_db, winners_sql("day, source, fetched_at", "day", "daily",
                                           "slo = ?1 AND day BETWEEN ?2 AND ?3", "day"));
    q.bind(1, slo);
    q.bind(2, first_day);
    q.bind(3, last_day);
    while (q.executeStep()) {
      result.push_back(DailyProvenance{q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                                       q.getColumn(2).getInt64()});
    }
  } catch (const SQLite::Exception& e) {
    fail("reading where daily counts came from", e);
  }
  return result;
}

std::set<std::int64_t> Store::days_present(const std::string& slo,
                                           const std::string& source) const {
  std::set<std::int64_t> result;
  try {
    // The exact name: a prefix would let source 'prom' see the days of 'prom2'.
    SQLite::Statement q(*m_db, "SELECT day, good, total FROM daily WHERE slo = ?1 AND source = ?2 "
                               "AND provisional = 0 ORDER BY day");
    q.bind(1, slo);
    q.bind(2, source);
    // A row that reads as no data (a count that is not a number, negative, good > total: a store
    // edited by hand or written by another tool) is not a day held: it is fetched again, as a
    // golden-signal value like that is, rather than left a hole for good behind a fresh SLO.
    while (q.executeStep()) {
      if (!stored_day(q.getColumn(0)) ||
          count_problem(stored_count(q.getColumn(1)), stored_count(q.getColumn(2))))
        continue;
      result.insert(q.getColumn(0).getInt64());
    }
  } catch (const SQLite::Exception& e) {
    fail("reading stored days", e);
  }
  return result;
}

std::map<std::string, std::set<std::int64_t>> Store::provisional_days() const {
  std::map<std::string, std::set<std::int64_t>> result;
  try {
    // Provisional rows are few (the last day or so of each fetched SLO): find them, then keep
    // those no other row of their (slo, day) beats by the winner rule of daily_series().
    SQLite::Statement q(*m_db, "SELECT slo, day FROM daily AS p WHERE provisional = 1 "
                               "AND typeof(day) = 'integer' AND NOT EXISTS ("
                               "SELECT 1 FROM daily AS o WHERE o.slo = p.slo AND o.day = p.day "
                               "AND (o.fetched_at > p.fetched_at OR "
                               "(o.fetched_at = p.fetched_at AND o.source < p.source)))");
    while (q.executeStep())
      result[q.getColumn(0).getString()].insert(q.getColumn(1).getInt64());
  } catch (const SQLite::Exception& e) {
    fail("reading provisional days", e);
  }
  return result;
}

void Store::put_golden(const std::string& source, const std::vector<GoldenRow>& rows,
                       std::int64_t fetched_at) {
  if (source.empty()) {
    throw std::invalid_argument("golden-signal rows need a source name");
  }
  for (const auto& row : rows) {
    const std::string where = "golden-signal row " + row.service + " " + row.signal + " " +
                              format_date(row.day) + " from '" + source + "'";
    if (row.service.empty() || row.signal.empty()) {
      throw std::invalid_argument(where + ": the service or signal is empty");
    }
    if (!std::isfinite(row.value)) {
      throw std::invalid_argument(where + ": the value must be a finite number");
    }
    // Latency, error rate, traffic and saturation are never negative (docs/metrics.md).
    if (row.value < 0) {
      throw std::invalid_argument(where + ": the value must not be negative");
    }
  }
  try {
    SQLite::Transaction transaction(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement upsert(*m_db,
                             "INSERT INTO golden (service, signal, day, source, value, fetched_at, "
                             "provisional) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                             "ON CONFLICT (service, signal, day, source) DO UPDATE SET "
                             "value = excluded.value, fetched_at = excluded.fetched_at, "
                             "provisional = excluded.provisional");
    for (const auto& row : rows) {
      upsert.reset();
      upsert.bind(1, row.service);
      upsert.bind(2, row.signal);
      upsert.bind(3, row.day);
      upsert.bind(4, source);
      upsert.bind(5, row.value);
      upsert.bind(6, fetched_at);
      upsert.bind(7, static_cast<std::int32_t>(row.provisional ? 1 : 0));
      upsert.exec();
    }
    transaction.commit();
  } catch (const SQLite::Exception& e) {
    fail("storing golden signals", e);
  }
}

std::map<std::int64_t, double> Store::golden_series(const std::string& service,
                                                    const std::string& signal) const {
  std::map<std::int64_t, double> result;
  try {
    SQLite::Statement q(*m_db, winners_sql("day, value, source", "day", "golden",
                                           "service = ?1 AND signal = ?2", "day"));
    q.bind(1, service);
    q.bind(2, signal);
    while (q.executeStep()) {
      // Only what put_golden() accepts is a value: a text, Inf or negative number written there
      // by hand (or a negative one by a nines that still stored them) is no data for that day,
      // and the next pull asks for the day again.
      const double value = stored_number(q.getColumn(1));
      if (stored_day(q.getColumn(0)) && std::isfinite(value) && value >= 0) {
        result[q.getColumn(0).getInt64()] = value;
      }
    }
  } catch (const SQLite::Exception& e) {
    fail("reading golden signals", e);
  }
  return result;
}

std::set<std::int64_t> Store::golden_provisional_days(const std::string& service,
                                                      const std::string& signal) const {
  std::set<std::int64_t> result;
  try {
    // As provisional_days(): the provisional rows no other row of their day beats.
    SQLite::Statement q(*m_db, "SELECT day FROM golden AS p WHERE service = ?1 AND signal = ?2 "
                               "AND provisional = 1 AND typeof(day) = 'integer' AND NOT EXISTS ("
                               "SELECT 1 FROM golden AS o WHERE o.service = p.service "
                               "AND o.signal = p.signal AND o.day = p.day "
                               "AND (o.fetched_at > p.fetched_at OR "
                               "(o.fetched_at = p.fetched_at AND o.source < p.source)))");
    q.bind(1, service);
    q.bind(2, signal);
    while (q.executeStep())
      result.insert(q.getColumn(0).getInt64());
  } catch (const SQLite::Exception& e) {
    fail("reading provisional golden-signal days", e);
  }
  return result;
}

ForgottenSeries Store::forget_redefined(const SeriesDefinitions& defs) {
  ForgottenSeries forgotten;
  try {
    std::map<std::string, std::string> recorded;
    {
      SQLite::Statement q(*m_db, "SELECT key, digest FROM series_def");
      while (q.executeStep())
        recorded.emplace(q.getColumn(0).getString(), q.getColumn(1).getString());
    }
    // Nothing changed (every build after the first): no write, and no transaction.
    bool same = recorded.size() == defs.slos.size() + defs.golden.size();
    for (const auto& [slo, digest] : defs.slos) {
      if (!same) break;
      auto it = recorded.find("slo:" + slo);
      same = it != recorded.end() && it->second == digest;
    }
    for (const auto& [key, digest] : defs.golden) {
      if (!same) break;
      auto it = recorded.find("golden:" + key.first + "\n" + key.second);
      same = it != recorded.end() && it->second == digest;
    }
    if (same) return forgotten;

    SQLite::Transaction transaction(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement drop_daily(*m_db,
                                 "DELETE FROM daily WHERE slo = ?1 AND source NOT LIKE 'csv:%'");
    SQLite::Statement drop_golden(*m_db, "DELETE FROM golden WHERE service = ?1 AND signal = ?2 "
                                         "AND source NOT LIKE 'csv:%'");
    SQLite::Statement record(*m_db, "INSERT OR REPLACE INTO series_def (key, digest) "
                                    "VALUES (?1, ?2)");
    // Whether `key` was fetched under another definition; records `digest` for it either way.
    auto changed = [&](const std::string& key, const std::string& digest) {
      auto it = recorded.find(key);
      const bool differs = it != recorded.end() && it->second != digest;
      if (it == recorded.end() || differs) {
        record.bind(1, key);
        record.bind(2, digest);
        record.exec();
        record.reset();
      }
      return differs;
    };
    for (const auto& [slo, digest] : defs.slos) {
      if (!changed("slo:" + slo, digest)) continue;
      drop_daily.bind(1, slo);
      if (drop_daily.exec() > 0) forgotten.slos.push_back(slo);
      drop_daily.reset();
    }
    for (const auto& [key, digest] : defs.golden) {
      if (!changed("golden:" + key.first + "\n" + key.second, digest)) continue;
      drop_golden.bind(1, key.first);
      drop_golden.bind(2, key.second);
      if (drop_golden.exec() > 0) forgotten.golden.push_back(key);
      drop_golden.reset();
    }
    transaction.commit();
  } catch (const SQLite::Exception& e) {
    fail("recording the series' definitions", e);
  }
  return forgotten;
}

void Store::log_fetch(const std::string& source, const std::string& query_key,
                      std::int64_t fetched_at, bool ok, const std::string& error) {
  try {
    SQLite::Statement q(*m_db, "INSERT INTO fetch_log (source, query_key, fetched_at, ok, error) "
                               "VALUES (?1, ?2, ?3, ?4, ?5)");
    q.bind(1, source);
    q.bind(2, query_key);
    q.bind(3, fetched_at);
    q.bind(4, static_cast<std::int32_t>(ok ? 1 : 0));
    if (error.empty()) {
      q.bind(5);
    } else {
      q.bind(5, error);
    }
    q.exec();
  } catch (const SQLite::Exception& e) {
    fail("logging a fetch", e);
  }
}

std::optional<std::int64_t> Store::last_success(const std::string& source,
                                                const std::string& query_key) const {
  try {
    SQLite::Statement q(*m_db, "SELECT max(fetched_at) FROM fetch_log "
                               "WHERE source = ?1 AND query_key = ?2 AND ok = 1");
    q.bind(1, source);
    q.bind(2, query_key);
    if (q.executeStep() && !q.getColumn(0).isNull()) {
      return q.getColumn(0).getInt64();
    }
  } catch (const SQLite::Exception& e) {
    fail("reading the fetch log", e);
  }
  return std::nullopt;
}

} // namespace nines
