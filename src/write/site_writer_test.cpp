#include "model/digest.hpp"
#include "write/site_writer.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace nines;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> n{0};
    path = fs::temp_directory_path() /
           ("nines-writer-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The tree under `dir` as "path\tmode\tbytes" lines, sorted: equal strings mean identical trees.
std::string snapshot(const fs::path& dir) {
  std::map<std::string, std::string> lines;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    std::string rel = e.path().lexically_relative(dir).generic_string();
    struct stat st {};
    ::stat(e.path().c_str(), &st);
    std::string mode = std::to_string(st.st_mode & 07777);
    lines[rel] = mode + "\t" + (e.is_regular_file() ? read(e.path()) : std::string("<dir>"));
  }
  std::string out;
  for (const auto& [k, v] : lines)
    out += k + "\t" + v + "\n";
  return out;
}

// Entries of `dir` whose name starts with `prefix`.
std::vector<std::string> siblings(const fs::path& dir, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The site at `out` after its page and search index were replaced, against a writer of the same
// files into `fresh`: the same bytes, marker included, and `digest` is that marker's.
void check_as_written(const fs::path& out, const fs::path& fresh, const std::string& digest) {
  {
    SiteWriter w(fresh);
    w.add("index.html", "<p>home</p>", "in-1");
    w.add("a/page.html", "<p>new</p>", "in-3");
    w.add("search-index.js", "new");
    w.commit();
    CHECK(w.manifest_digest() == digest);
  }
  CHECK(snapshot(out) == snapshot(fresh));
}

// Every file under `dir` with its bytes, for "nothing was touched" checks.
std::map<std::string, std::string> contents(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    out[e.path().lexically_relative(dir).generic_string()] =
        e.is_regular_file() ? read(e.path()) : "<dir>";
  return out;
}

// A previous site in `out`, as a build writes it: the files, and the marker with their manifest.
void old_site(const fs::path& out, const std::map<std::string, std::string>& files) {
  SiteWriter w(out);
  for (const auto& [path, bytes] : files)
    w.add(path, bytes);
  w.commit();
}

} // namespace

TEST_CASE("write/site_writer: path validation") {
  for (const char* ok : {"index.html", "a/b/c.html", "static/style.css", ".nojekyll", "a..b/c"})
    CHECK_MESSAGE(SiteWriter::is_valid_path(ok), ok);
  for (const char* bad : {"", "/etc/passwd", "../x", "a/../b", "a/./b", "./a", "a//b", "a/", "a/..",
                          "a\\b", "a\nb", "..", "."})
    CHECK_MESSAGE(!SiteWriter::is_valid_path(bad), bad);

  TempDir t;
  SiteWriter w(t.path / "site");
  CHECK_THROWS_AS(w.add("../escape.html", "x"), WriteError);
  CHECK_THROWS_AS(w.add("/abs.html", "x"), WriteError);
  CHECK_THROWS_AS(w.add("a//b.html", "x"), WriteError);
  w.add("a.html", "1");
  CHECK_THROWS_AS(w.add("a.html", "2"), WriteError);        // twice
  CHECK_THROWS_AS(w.add("a.html/b.html", "2"), WriteError); // inside a file
  w.add("dir/x.html", "1");
  CHECK_THROWS_AS(w.add("dir", "2"), WriteError); // a directory already
  CHECK(w.paths() == std::vector<std::string>{"a.html", "dir/x.html"});
}

TEST_CASE("write/site_writer: commit replaces the previous site as a whole") {
  TempDir t;
  const fs::path out = t.path / "site";
  old_site(out, {{"old/stale.html", "old"}, {"index.html", "old index"}});

  {
    SiteWriter w(out);
    w.add("index.html", "new index");
    w.add("slos/a.html", "slo");
    // Nothing is visible before commit.
    CHECK(read(out / "index.html") == "old index");
    CHECK(siblings(t.path, "site.tmp-").empty()); // in memory until commit
    w.commit();
    CHECK_THROWS_AS(w.commit(), WriteError);
    CHECK_THROWS_AS(w.add("late.html", "x"), WriteError);
  }
  CHECK(read(out / "index.html") == "new index");
  CHECK(read(out / "slos" / "a.html") == "slo");
  CHECK(!fs::exists(out / "old"));
  CHECK(siblings(t.path, "site.").empty());
  CHECK(siblings(t.path, "site") == std::vector<std::string>{"site"});
}

TEST_CASE("write/site_writer: the same files give byte-identical trees in both modes") {
  TempDir t;
  auto build = [&](const fs::path& out, SiteWriter::Mode mode, bool reverse) {
    std::vector<std::pair<std::string, std::string>> files = {
        {"index.html", "i"}, {"b/z.html", "z"}, {"a/b/c.css", "c"}, {"a/x.js", "x"}};
    if (reverse) std::reverse(files.begin(), files.end());
    SiteWriter w(out, mode);
    for (auto& [p, b] : files)
      CHECK(w.add(p, b) == content_hash(b)); // the hash the manifest records, handed back
    w.commit();
  };
  const mode_t old_mask = ::umask(077); // the umask must not leak into the output
  build(t.path / "one", SiteWriter::Mode::InMemory, false);
  ::umask(022);
  build(t.path / "two", SiteWriter::Mode::Streaming, true);
  ::umask(old_mask);
  CHECK(snapshot(t.path / "one") == snapshot(t.path / "two"));
  CHECK(snapshot(t.path / "one").find("a/b/c.css\t420\tc\n") != std::string::npos); // 0644
  CHECK(snapshot(t.path / "one").find("a/b\t493\t<dir>\n") != std::string::npos);   // 0755
}

TEST_CASE("write/site_writer: a writer dropped before commit leaves the old site untouched") {
  TempDir t;
  const fs::path out = t.path / "site";
  old_site(out, {{"index.html", "old"}});
  {
    SiteWriter w(out, SiteWriter::Mode::Streaming);
    w.add("index.html", "half");
    CHECK(fs::exists(w.temp_dir()));
    CHECK(w.temp_dir().parent_path() == fs::absolute(out).lexically_normal().parent_path());
    // The build fails here (an exception in rendering, say) and the writer goes out of scope.
  }
  CHECK(read(out / "index.html") == "old");
  CHECK(siblings(t.path, "site.").empty());
}

TEST_CASE("write/site_writer: a failure during the swap restores the previous site") {
  TempDir t;
  const fs::path out = t.path / "site";
  old_site(out, {{"index.html", "old"}});
  SiteWriter w(out, SiteWriter::Mode::Streaming);
  w.add("index.html", "new");
  fs::remove_all(w.temp_dir()); // the new tree vanishes: the second rename must fail
  CHECK_THROWS_AS(w.commit(), WriteError);
  CHECK(read(out / "index.html") == "old");
  CHECK(siblings(t.path, "site.").empty());
}

namespace {

// A temporary tree as a writer killed while it wrote pages leaves it, renamed to `as`.
void killed_temp(const fs::path& scratch, const fs::path& as) {
  SiteWriter w(scratch, SiteWriter::Mode::Streaming);
  w.add("x/page.html", "half");
  fs::rename(w.temp_dir(), as); // the writer then finds nothing to remove
}

} // namespace

TEST_CASE("write/site_writer: leftovers of killed runs are cleaned, live ones and others kept") {
  TempDir t;
  const fs::path out = t.path / "site";
  old_site(out, {{"index.html", "current"}});
  // A dead process: pid numbers this high are not in use (pid_max is at most 4194304).
  killed_temp(t.path / "scratch", t.path / "site.tmp-nines-99999999");
  old_site(t.path / "site.old-nines-99999998", {{"index.html", "previous"}});
  fs::create_directories(t.path / "site.tmp-nines-99999997"); // killed before its first file
  // A removal killed after the files (the marker among them) went: folders only, removed.
  fs::create_directories(t.path / "site.old-nines-99999992" / "slos" / "a");
  fs::create_directories(t.path / "site.old-nines-99999992" / "api" / "reports");
  // A live process (ours is excluded by design, so use the parent): must be left alone.
  const std::string live = "site.tmp-nines-" + std::to_string(::getppid());
  fs::create_directories(t.path / live);
  // The writer's names, but not what nines writes there: left alone, and named.
  fs::create_directories(t.path / "site.tmp-nines-99999996");
  std::ofstream(t.path / "site.tmp-nines-99999996" / "mine.txt") << "mine";
  fs::create_directories(t.path / "site.old-nines-99999995");
  std::ofstream(t.path / "site.old-nines-99999995" / k_site_marker) << "";
  std::ofstream(t.path / "site.old-nines-99999995" / "CNAME") << "example.com";
  // The names older versions used are a user's backup as often as not: never removed. One that
  // looks like a site is named; a plain folder of the user's is not.
  fs::create_directories(t.path / "site.old-2024");
  std::ofstream(t.path / "site.old-2024" / "keep.txt") << "backup";
  fs::create_directories(t.path / "site.tmp-99999994");
  old_site(t.path / "site.old-99999993", {{"index.html", "a copy"}});
  // Unrelated names are never touched.
  fs::create_directories(t.path / "site.tmp-notapid");
  fs::create_directories(t.path / "sitemap.tmp-nines-99999999");
  const auto kept = contents(t.path);
  std::vector<std::string> notes;
  {
    SiteWriter w(out);
    notes = w.notes();
    w.add("index.html", "new");
    w.commit();
  }
  CHECK(read(out / "index.html") == "new");
  std::vector<std::string> left = {
      "site.old-2024",     "site.old-99999993",       "site.old-nines-99999995", live,
      "site.tmp-99999994", "site.tmp-nines-99999996", "site.tmp-notapid"};
  std::sort(left.begin(), left.end());
  CHECK(siblings(t.path, "site.") == left);
  auto now = contents(t.path);
  for (const auto& [rel, bytes] : kept)
    if (rel.rfind("site/", 0) != 0 && rel.rfind("site.tmp-nines-99999999", 0) != 0 &&
        rel.rfind("site.tmp-nines-99999997", 0) != 0 &&
        rel.rfind("site.old-nines-99999998", 0) != 0 &&
        rel.rfind("site.old-nines-99999992", 0) != 0)
      CHECK_MESSAGE(now[rel] == bytes, rel);
  CHECK(fs::exists(t.path / "sitemap.tmp-nines-99999999"));
  REQUIRE(notes.size() == 3);
  CHECK(notes[0].find("site.tmp-nines-99999996' has the name") != std::string::npos);
  CHECK(notes[1].find("site.old-nines-99999995' has the name") != std::string::npos);
  CHECK(notes[2].find("site.old-99999993' looks like a folder an earlier version") !=
        std::string::npos);
}

TEST_CASE("write/site_writer: a killed removal's second names of carried files go, others stay") {
  TempDir t;
  const fs::path out = t.path / "site";
  old_site(out, {{"index.html", "current"}});
  std::ofstream(out / "CNAME") << "example.com";
  fs::create_directories(out / "extra");
  std::ofstream(out / "extra" / "x.txt") << "mine";
  // The old tree of a build killed while removing it, after nines's own files went: only the
  // user's files, each a second name of the file carried into the live site.
  const fs::path old = t.path / "site.tmp-nines-99999990";
  fs::create_directories(old / "extra");
  fs::create_hard_link(out / "CNAME", old / "CNAME");
  fs::create_hard_link(out / "extra" / "x.txt", old / "extra" / "x.txt");
  // The same, but one file is not the live site's (another inode): the folder is the user's.
  const fs::path other = t.path / "site.old-nines-99999991";
  fs::create_directories(other);
  fs::create_hard_link(out / "CNAME", other / "CNAME");
  std::ofstream(other / "notes.txt") << "only here";
  std::vector<std::string> notes;
  {
    SiteWriter w(out);
    notes = w.notes();
    w.add("index.html", "new");
    w.commit();
  }
  CHECK_FALSE(fs::exists(old));
  CHECK(read(out / "CNAME") == "example.com");
  CHECK(read(out / "extra" / "x.txt") == "mine");
  CHECK(read(other / "notes.txt") == "only here");
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("site.old-nines-99999991' has the name") != std::string::npos);
}

TEST_CASE("write/site_writer: a leftover site loses only what its manifest lists") {
  TempDir t;
  const fs::path out = t.path / "site";
  old_site(out, {{"index.html", "current"}});
  // A previous site set aside (or a hand copy under the same name) with the user's files in it:
  // a CNAME, notes in a folder of their own, and a page of nines's the user edited (another size).
  const fs::path aside = t.path / "site.old-nines-99999998";
  old_site(aside, {{"index.html", "previous"}, {"a/page.html", "page"}, {"b/edited.html", "x"}});
  std::ofstream(aside / "CNAME") << "example.com";
  fs::create_directories(aside / "mydir");
  std::ofstream(aside / "mydir" / "notes.txt") << "important";
  std::ofstream(aside / "b" / "edited.html") << "edited by hand";
  // A finished tree under a temporary name, nothing of the user's in it: all of it goes.
  old_site(t.path / "site.tmp-nines-99999997", {{"index.html", "done"}, {"c/d.html", "d"}});
  std::vector<std::string> notes;
  {
    SiteWriter w(out);
    notes = w.notes();
    w.add("index.html", "new");
    w.commit();
  }
  CHECK(read(out / "index.html") == "new");
  CHECK_FALSE(fs::exists(t.path / "site.tmp-nines-99999997"));
  CHECK(read(aside / "CNAME") == "example.com");
  CHECK(read(aside / "mydir" / "notes.txt") == "important");
  CHECK(read(aside / "b" / "edited.html") == "edited by hand");
  CHECK_FALSE(fs::exists(aside / "index.html"));
  CHECK_FALSE(fs::exists(aside / "a"));
  CHECK_FALSE(fs::exists(aside / k_site_marker));
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("site.old-nines-99999998' has the name of a folder a killed build") !=
        std::string::npos);
  CHECK(notes[0].find("files nines did not write") != std::string::npos);
}

TEST_CASE("write/site_writer: a run killed between the renames loses nothing") {
  TempDir t;
  const fs::path out = t.path / "site";
  // The state after "rename OUT -> OUT.old" and before "rename tmp -> OUT": no OUT at all.
  old_site(out, {{"index.html", "previous"}});
  std::ofstream(out / "CNAME") << "example.com";
  fs::rename(out, t.path / "site.old-nines-99999999");
  killed_temp(t.path / "scratch", t.path / "site.tmp-nines-99999999");
  // A backup of the user's, with the name older versions used: never taken for the site.
  fs::create_directories(t.path / "site.old-2023");
  std::ofstream(t.path / "site.old-2023" / "old-svc.yaml") << "service:\n  name: old\n";
  {
    SiteWriter w(out);
    // The previous site is back in place before anything else happens.
    CHECK(read(out / "index.html") == "previous");
    CHECK(w.notes().empty());
    w.add("index.html", "next");
    w.commit();
  }
  CHECK(read(out / "index.html") == "next");
  CHECK(read(out / "CNAME") == "example.com");
  CHECK(siblings(t.path, "site.") == std::vector<std::string>{"site.old-2023"});
  CHECK(read(t.path / "site.old-2023" / "old-svc.yaml") == "service:\n  name: old\n");
}

TEST_CASE("write/site_writer: a folder nines cannot prove it set aside never becomes OUT") {
  TempDir t;
  const fs::path out = t.path / "site";
  // An older version's name with a site in it, and the new name with a folder nines did not
  // write: OUT is missing, yet neither is moved there, and both are named.
  old_site(t.path / "site.old-99999999", {{"index.html", "maybe the previous site"}});
  fs::create_directories(t.path / "site.old-nines-99999998");
  std::ofstream(t.path / "site.old-nines-99999998" / "mine.yaml") << "service: {}\n";
  const auto before = contents(t.path);
  std::vector<std::string> notes;
  {
    SiteWriter w(out);
    notes = w.notes();
    w.add("index.html", "new");
    w.commit();
  }
  CHECK(read(out / "index.html") == "new");
  auto after = contents(t.path);
  for (const auto& [rel, bytes] : before)
    CHECK_MESSAGE(after[rel] == bytes, rel);
  REQUIRE(notes.size() == 2);
  CHECK(notes[0].find("site.old-nines-99999998' has the name") != std::string::npos);
  CHECK(notes[1].find("rename it back to 'site'") != std::string::npos);
}

TEST_CASE("write/site_writer: first build creates OUT and its parents; parallel adds") {
  TempDir t;
  const fs::path out = t.path / "deep" / "er" / "site" / ""; // trailing slash is fine
  SiteWriter w(out, SiteWriter::Mode::Streaming);
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k)
    threads.emplace_back([&w, k] {
      for (int i = 0; i < 25; ++i)
        w.add("p" + std::to_string(k) + "/page-" + std::to_string(i) + ".html", "x");
    });
  for (auto& th : threads)
    th.join();
  w.commit();
  CHECK(w.paths().size() == 100);
  CHECK(fs::exists(t.path / "deep" / "er" / "site" / "p3" / "page-24.html"));
  CHECK_THROWS_AS(SiteWriter("/"), OutputRefused);
}

namespace {} // namespace

TEST_CASE("write/site_writer: only a previous nines site, an empty or a new folder is replaced") {
  TempDir t;
  const fs::path repo = t.path / "repo";
  fs::create_directories(repo / ".git");
  fs::create_directories(repo / "slos");
  std::ofstream(repo / "nines.yaml") << "timezone: UTC\n";
  std::ofstream(repo / ".git" / "HEAD") << "ref: refs/heads/main\n";
  std::ofstream(repo / "slos" / "a.yaml") << "slo: {}\n";
  fs::create_directories(t.path / "other");
  std::ofstream(t.path / "other" / "notes.txt") << "mine";
  std::ofstream(t.path / "file.txt") << "a file";
  fs::create_symlink(repo, t.path / "link");
  const auto before = contents(t.path);

  auto refused = [&](const fs::path& out, const std::string& why) {
    CAPTURE(out);
    try {
      SiteWriter w(out, SiteWriter::Mode::Streaming, repo);
      w.add("index.html", "site");
      w.commit();
      FAIL("accepted");
    } catch (const OutputRefused& e) {
      CHECK(std::string(e.what()).find(why) != std::string::npos);
    }
    CHECK(contents(t.path) == before); // nothing touched, nothing left beside it
  };
  refused(repo, "the content repository itself");
  refused(repo / "", "the content repository itself");
  refused(repo / "slos" / "..", "the content repository itself");
  refused(t.path, "contains the content repository");
  refused(repo / "slos", "inside the content repository");
  refused(repo / "public", "inside the content repository");
  refused(t.path / "other", "nines did not write");
  refused(t.path / "file.txt", "a file");
  refused(t.path / "link", "the content repository itself");
  fs::remove(t.path / "link");

  // The repository's own site/ folder, a new folder, an empty one and a previous site are fine,
  // and a previous site needs no --force.
  for (const fs::path& out : {repo / "site", t.path / "new", t.path / "empty"}) {
    if (out.filename() == "empty") fs::create_directories(out);
    for (int round = 0; round < 2; ++round) {
      SiteWriter w(out, SiteWriter::Mode::InMemory, repo);
      w.add("index.html", "site " + std::to_string(round));
      w.commit();
      CHECK(read(out / "index.html") == "site " + std::to_string(round));
      CHECK(fs::is_regular_file(out / k_site_marker));
    }
  }
  CHECK_THROWS_AS(SiteWriter(t.path / "x").add(k_site_marker, "x"), WriteError);
}

TEST_CASE("write/site_writer: a folder that cannot be made is named as asked for") {
  // /proc/sys takes no new folders, not even from root; the temporary tree is nines's own name,
  // so the message leads with the output folder the user gave.
  const fs::path out = "/proc/sys/nines-site-test";
  if (!fs::is_directory("/proc/sys")) return;
  try {
    SiteWriter w(out, SiteWriter::Mode::Streaming);
    w.add("index.html", "x");
    w.commit();
    FAIL("the site was written under /proc/sys");
  } catch (const WriteError& e) {
    const std::string what = e.what();
    CHECK(what.rfind(out.string() + " (its new tree, nines-site-test.tmp-nines-", 0) == 0);
    CHECK(what.find("cannot create directory") != std::string::npos);
  }
}

TEST_CASE("write/site_writer: a marker without a readable manifest proves nothing") {
  TempDir t;
  const fs::path out = t.path / "site";
  // Nines writes the manifest after the marker's first line; cut short by a full disk, emptied,
  // overwritten or written by hand, it no longer tells nines's files from the user's.
  std::string whole;
  {
    old_site(t.path / "real", {{"index.html", "page"}});
    whole = read(t.path / "real" / k_site_marker);
  }
  const std::string first_line = whole.substr(0, whole.find('\n') + 1);
  for (const std::string& marker :
       {std::string(), first_line, whole.substr(0, whole.size() - 5),
        std::string("garbage\0\xff", 9), first_line + "{\"files\": not json}\n",
        first_line + "{\"nines_manifest\": 2}\n"}) {
    CAPTURE(marker);
    fs::remove_all(out);
    fs::create_directories(out / "mine");
    std::ofstream(out / k_site_marker, std::ios::binary) << marker;
    std::ofstream(out / "CNAME") << "example.com\n";
    std::ofstream(out / "mine" / "notes.txt") << "mine";
    const auto before = contents(t.path);
    try {
      SiteWriter w(out, SiteWriter::Mode::Streaming);
      w.add("index.html", "new");
      w.commit();
      FAIL("accepted");
    } catch (const OutputRefused& e) {
      CHECK(std::string(e.what()).find("has no manifest nines can read") != std::string::npos);
    }
    CHECK(contents(t.path) == before);
  }
  // The marker alone, whatever it holds, is a site with nothing of the user's in it.
  fs::remove_all(out);
  fs::create_directories(out);
  std::ofstream(out / k_site_marker) << "";
  old_site(out, {{"index.html", "new"}});
  CHECK(read(out / "index.html") == "new");
  CHECK_FALSE(read_site_manifest(out).digest.empty());
}

TEST_CASE("write/site_writer: a listed file that no longer holds nines's bytes is the user's") {
  for (const auto mode : {SiteWriter::Mode::InMemory, SiteWriter::Mode::Streaming}) {
    TempDir t;
    const fs::path out = t.path / "site";
    old_site(out, {{"index.html", "home"},
                   {"gone.html", "page"},
                   {"same.html", "same"},
                   {"edited.html", "nines"},
                   {"swapped.html", "abcd"}});
    // A manifest written by hand that claims a file of the user's with a made-up hash and size.
    std::string marker = read(out / k_site_marker);
    const std::string entry = "\"index.html\":";
    marker.insert(marker.find(entry), "\"important.txt\":[\"0000000000000000\",9],");
    std::ofstream(out / k_site_marker, std::ios::binary) << marker;
    REQUIRE(read_site_manifest(out).files.count("important.txt") == 1);
    std::ofstream(out / "important.txt") << "mine, 22 bytes long!\n";
    // Pages edited in place (another size; the same size, other bytes), and one the next site
    // no longer has that nobody touched.
    std::ofstream(out / "edited.html") << "edited by hand";
    std::ofstream(out / "swapped.html") << "dcba";
    {
      SiteWriter w(out, mode);
      w.add("index.html", "home 2");
      w.add("same.html", "same");
      w.commit();
    }
    CHECK(read(out / "important.txt") == "mine, 22 bytes long!\n");
    CHECK(read(out / "edited.html") == "edited by hand");
    CHECK(read(out / "swapped.html") == "dcba");
    CHECK_FALSE(fs::exists(out / "gone.html")); // nines's, as it wrote it
    CHECK(read(out / "same.html") == "same");
    CHECK(read_site_manifest(out).files.count("edited.html") == 0); // the user's from now on
    // Where the new site writes such a file again, it is a conflict: nothing is replaced.
    const std::string before = snapshot(out);
    std::string what;
    try {
      SiteWriter w(out, mode);
      w.add("index.html", "home 3");
      w.add("edited.html", "nines again");
      w.commit();
    } catch (const WriteError& e) {
      what = e.what();
    }
    CHECK(what.find("'edited.html' was not written by nines") != std::string::npos);
    CHECK(snapshot(out) == before);
    // A page of nines's edited in place that the next site writes again: the new page replaces
    // it (a site edited by hand is repaired by the next build).
    old_site(t.path / "two", {{"index.html", "home"}, {"page.html", "page"}});
    std::ofstream(t.path / "two" / "index.html") << "home, edited";
    {
      SiteWriter w(t.path / "two", mode);
      w.add("index.html", "home 2");
      w.add("page.html", "page");
      w.commit();
    }
    CHECK(read(t.path / "two" / "index.html") == "home 2");
    // One the next site puts a folder in place of: a conflict, named as an edited page.
    std::ofstream(t.path / "two" / "page.html") << "page, edited";
    const std::string two = snapshot(t.path / "two");
    what.clear();
    try {
      SiteWriter w(t.path / "two", mode);
      w.add("index.html", "home 2");
      w.add("page.html/index.html", "page");
      w.commit();
    } catch (const WriteError& e) {
      what = e.what();
    }
    CHECK(what.find("'page.html' was changed since nines wrote it") != std::string::npos);
    CHECK(snapshot(t.path / "two") == two);
  }
}

TEST_CASE("write/site_writer: a folder filled after the check is still not replaced") {
  TempDir t;
  const fs::path out = t.path / "out";
  SiteWriter w(out);
  w.add("index.html", "site");
  fs::create_directories(out);
  std::ofstream(out / "precious.txt") << "keep";
  CHECK_THROWS_AS(w.commit(), OutputRefused);
  CHECK(read(out / "precious.txt") == "keep");
  CHECK(siblings(t.path, "out.").empty());
}

TEST_CASE("write/site_writer: write_file_atomic replaces a file whole") {
  TempDir t;
  const fs::path file = t.path / "api.json";
  write_file_atomic(file, "{\"v\":1}");
  CHECK(read(file) == "{\"v\":1}");
  write_file_atomic(file, "{\"v\":2}");
  CHECK(read(file) == "{\"v\":2}");
  CHECK(siblings(t.path, ".api.json.tmp").empty());
  // A file made private stays private: the replacement keeps its permissions.
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
  write_file_atomic(file, "{\"v\":3}");
  CHECK(read(file) == "{\"v\":3}");
  CHECK((fs::status(file).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  CHECK_THROWS_AS(write_file_atomic(t.path / "no-such-dir" / "x.json", "x"), WriteError);
  CHECK(std::distance(fs::directory_iterator(t.path), fs::directory_iterator()) == 1);
}

TEST_CASE("write/site_writer: temporary files of processes gone are removed, others kept") {
  TempDir t;
  // A pid no process has: a child that has exited and been waited for.
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  REQUIRE(child > 0);
  int status = 0;
  ::waitpid(child, &status, 0);
  const std::string dead = std::to_string(child), live = std::to_string(::getpid());
  const std::vector<std::string> gone = {".nines-build-a.json.tmp-" + dead + "-0",
                                         ".nines-build-b.files.tmp-" + dead + "-17",
                                         "nines-build-a.prose.tmp-" + dead};
  const std::vector<std::string> kept = {
      ".nines-build-a.json.tmp-" + live + "-0", // a build still running
      "nines-build-a.json",                     // the record itself
      ".nines-build-a.json.tmp-" + dead + "-x", // not such a name
      ".other.json.tmp-" + dead + "-0",         // not the stem's
      "cache.db"};
  for (const auto& name : gone)
    std::ofstream(t.path / name) << "{}";
  for (const auto& name : kept)
    std::ofstream(t.path / name) << "{}";
  remove_stale_temps(t.path, "nines-build-");
  for (const auto& name : gone)
    CHECK_MESSAGE(!fs::exists(t.path / name), name);
  for (const auto& name : kept)
    CHECK_MESSAGE(fs::exists(t.path / name), name);
  remove_stale_temps(t.path / "missing", "nines-build-"); // no folder: nothing to do
}

TEST_CASE("write/site_writer: a rebuild links unchanged files and records a manifest") {
  TempDir t;
  const fs::path out = t.path / "site";
  const fs::path stamps = t.path / "stamps"; // kept outside the site, as a build keeps them
  {
    SiteWriter w(out, SiteWriter::Mode::InMemory, {}, stamps);
    w.add("a.html", "same");
    w.add("b/c.html", "old");
    w.commit();
    CHECK(w.reused() == 0);
  }
  SiteManifest first = read_site_manifest(out);
  REQUIRE(first.files.size() == 2);
  CHECK(first.files.at("a.html").hash == content_hash("same"));
  CHECK(first.files.at("a.html").size == 4);
  CHECK_FALSE(site_matches_manifest(out, first)); // without its stamps, nothing is vouched for
  REQUIRE(read_site_stamps(stamps, first));
  CHECK(site_matches_manifest(out, first));
  struct stat before {};
  ::stat((out / "a.html").c_str(), &before);
  {
    SiteWriter w(out, SiteWriter::Mode::InMemory, {}, stamps);
    w.add("a.html", "same");
    w.add("b/c.html", "new!");
    w.commit();
    CHECK(w.reused() == 1);
    CHECK(w.manifest_digest() == read_site_manifest(out).digest);
  }
  struct stat after {};
  ::stat((out / "a.html").c_str(), &after);
  CHECK(before.st_ino == after.st_ino);
  CHECK(read(out / "a.html") == "same");
  CHECK(read(out / "b/c.html") == "new!");
  CHECK((after.st_mode & 07777) == 0644);
  // A rebuild from scratch into another folder gives the same bytes, marker included.
  {
    SiteWriter w(t.path / "fresh");
    w.add("a.html", "same");
    w.add("b/c.html", "new!");
    w.commit();
  }
  CHECK(snapshot(out) == snapshot(t.path / "fresh"));
  // A file edited in place no longer matches the manifest.
  SiteManifest now = read_site_manifest(out);
  REQUIRE(read_site_stamps(stamps, now));
  CHECK(site_matches_manifest(out, now));
  std::ofstream(out / "a.html") << "edited";
  CHECK_FALSE(site_matches_manifest(out, now));
  // Stamps of another manifest are not read as this one's.
  SiteManifest other = read_site_manifest(out);
  other.digest = content_hash("another marker");
  CHECK_FALSE(read_site_stamps(stamps, other));
}

TEST_CASE("write/site_writer: a file edited by hand at the same size is written again") {
  TempDir t;
  const fs::path out = t.path / "site";
  const fs::path stamps = t.path / "stamps";
  auto build = [&](const fs::path& stamps_file) {
    SiteWriter w(out, SiteWriter::Mode::Streaming, {}, stamps_file);
    w.add("api/slos.json", R"({"state": "exhausted"})");
    w.add("p/index.html", "<h1>auth</h1>", "in-p");
    w.add("q/index.html", "<h1>q</h1>", "in-q");
    w.add("r/index.html", "<h1>r</h1>", "in-r");
    w.commit();
    return w.reused();
  };
  CHECK(build(stamps) == 0);
  CHECK(build(stamps) == 4); // untouched: every file linked
  struct stat before {};
  ::lstat((out / "q" / "index.html").c_str(), &before);
  // Same-size edits: a new file by rename (as `sed -i` makes), a write in place (a new mtime: a
  // clock tick after the build's write, as any edit by hand is), and one with its old
  // modification time put back (a new inode all the same).
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  {
    std::ofstream(t.path / "x") << R"({"state": "EXHAUSTED"})";
    fs::rename(t.path / "x", out / "api" / "slos.json");
    std::ofstream f(out / "p" / "index.html", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(1);
    f << "H";
  }
  struct stat st {};
  ::lstat((out / "r" / "index.html").c_str(), &st);
  std::ofstream(t.path / "y") << "<h1>R</h1>";
  const timespec times[2] = {st.st_atim, st.st_mtim};
  ::utimensat(AT_FDCWD, (t.path / "y").c_str(), times, 0);
  fs::rename(t.path / "y", out / "r" / "index.html");
  SiteManifest m = read_site_manifest(out);
  REQUIRE(read_site_stamps(stamps, m));
  CHECK_FALSE(site_matches_manifest(out, m));
  // Only the untouched file is linked; the edited ones are written, by content or by input.
  {
    SiteWriter w(out, SiteWriter::Mode::Streaming, {}, stamps);
    CHECK_FALSE(w.reuse("p/index.html", "in-p"));
    CHECK(w.reuse("q/index.html", "in-q"));
    CHECK_FALSE(w.reuse("r/index.html", "in-r"));
    w.add("api/slos.json", R"({"state": "exhausted"})");
    w.add("p/index.html", "<h1>auth</h1>", "in-p");
    w.add("r/index.html", "<h1>r</h1>", "in-r");
    w.commit();
    CHECK(w.reused() == 1);
  }
  CHECK(read(out / "api" / "slos.json") == R"({"state": "exhausted"})");
  CHECK(read(out / "p" / "index.html") == "<h1>auth</h1>");
  CHECK(read(out / "r" / "index.html") == "<h1>r</h1>");
  struct stat after {};
  ::lstat((out / "q" / "index.html").c_str(), &after);
  CHECK(after.st_ino == before.st_ino);
  m = read_site_manifest(out);
  REQUIRE(read_site_stamps(stamps, m));
  CHECK(site_matches_manifest(out, m));
  // Stamps that are missing, damaged or of an older nines: nothing is trusted, all is written.
  fs::remove(stamps);
  CHECK(build(stamps) == 0);
  std::ofstream(stamps, std::ios::app) << "1 2\n";
  CHECK(build(stamps) == 0);
  CHECK(build({}) == 0); // a writer given no stamps file trusts nothing
}

TEST_CASE("write/site_writer: content_hash tells contents apart") {
  CHECK(content_hash("") != content_hash(std::string(1, '\0')));
  CHECK(content_hash("abcdefgh") != content_hash("abcdefgi"));
  CHECK(content_hash("abcdefghi") != content_hash("abcdefghj"));
  CHECK(content_hash("x") == content_hash("x"));
  CHECK(content_hash("x").size() == 16);
}

TEST_CASE("write/site_writer: streaming writes each file at once and keeps no bytes") {
  TempDir t;
  const fs::path out = t.path / "site";
  SiteWriter w(out, SiteWriter::Mode::Streaming);
  w.add("a/b/page.html", "page", "input-1");
  // On disk in the temporary tree before commit, the output folder not yet made.
  CHECK(read(w.temp_dir() / "a" / "b" / "page.html") == "page");
  CHECK_FALSE(fs::exists(out));
  CHECK(w.files().empty());
  CHECK(w.contains("a/b/page.html"));
  CHECK_FALSE(w.contains("a/b"));
  CHECK_THROWS_AS(w.add("a/b/page.html", "again"), WriteError);
  CHECK_THROWS_AS(w.add("a/b", "dir"), WriteError);
  w.commit();
  const SiteManifest m = read_site_manifest(out);
  CHECK(m.files.at("a/b/page.html").input == "input-1");
  CHECK(m.files.at("a/b/page.html").hash == content_hash("page"));
}

TEST_CASE("write/site_writer: parallel streaming gives the tree of a sequential in-memory build") {
  TempDir t;
  std::vector<std::pair<std::string, std::string>> files;
  for (int i = 0; i < 200; ++i)
    files.emplace_back(
        "d" + std::to_string(i % 7) + "/e" + std::to_string(i % 3) + "/p" + std::to_string(i) +
            ".html",
        std::string(static_cast<std::size_t>(i) * 37, static_cast<char>('a' + i % 26)));
  {
    SiteWriter w(t.path / "mem");
    for (const auto& [p, b] : files)
      w.add(p, b, "in-" + p);
    w.commit();
  }
  {
    SiteWriter w(t.path / "stream", SiteWriter::Mode::Streaming);
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> threads;
    for (int k = 0; k < 4; ++k)
      threads.emplace_back([&] {
        // Taken from the end, so the order differs from the in-memory writer's.
        for (std::size_t i = next++; i < files.size(); i = next++)
          w.add(files[files.size() - 1 - i].first, files[files.size() - 1 - i].second,
                "in-" + files[files.size() - 1 - i].first);
      });
    for (auto& th : threads)
      th.join();
    w.commit();
  }
  CHECK(snapshot(t.path / "mem") == snapshot(t.path / "stream"));
}

TEST_CASE("write/site_writer: reuse links a page whose input hash is unchanged") {
  TempDir t;
  const fs::path out = t.path / "site";
  const fs::path stamps = t.path / "stamps";
  {
    SiteWriter w(out, SiteWriter::Mode::Streaming, {}, stamps);
    w.add("p/one.html", "one", "in-1");
    w.add("p/two.html", "two", "in-2");
    w.add("data.json", "{}"); // no input hash: never reused by input
    w.commit();
  }
  struct stat before {};
  ::stat((out / "p" / "one.html").c_str(), &before);
  {
    SiteWriter w(out, SiteWriter::Mode::Streaming, {}, stamps);
    SiteManifest::File old;
    CHECK(w.reuse("p/one.html", "in-1", &old));
    CHECK(old.hash == content_hash("one"));
    CHECK(old.size == 3);
    CHECK(w.contains("p/one.html"));
    CHECK_FALSE(w.reuse("p/two.html", "in-2-changed")); // another input: the caller renders
    CHECK_FALSE(w.contains("p/two.html"));
    CHECK_FALSE(w.reuse("data.json", ""));
    CHECK_FALSE(w.reuse("p/new.html", "in-1")); // not in the previous site
    CHECK_THROWS_AS(w.reuse("../x.html", "in-1"), WriteError);
    w.add("p/two.html", "TWO", "in-2-changed");
    w.add("data.json", "{}");
    CHECK_THROWS_AS(w.reuse("p/one.html", "in-1"), WriteError); // twice
    w.commit();
    CHECK(w.reused() == 2); // one.html by input, data.json by content
    CHECK(w.reused_by_input() == 1);
  }
  struct stat after {};
  ::stat((out / "p" / "one.html").c_str(), &after);
  CHECK(before.st_ino == after.st_ino);
  const SiteManifest m = read_site_manifest(out);
  CHECK(m.files.at("p/one.html").input == "in-1");
  CHECK(m.files.at("p/two.html").input == "in-2-changed");
  CHECK(m.files.at("data.json").input.empty());
  // The same as a build from scratch, marker included.
  {
    SiteWriter w(t.path / "fresh", SiteWriter::Mode::Streaming);
    w.add("data.json", "{}");
    w.add("p/two.html", "TWO", "in-2-changed");
    w.add("p/one.html", "one", "in-1");
    w.commit();
  }
  CHECK(snapshot(out) == snapshot(t.path / "fresh"));

  // An old file that is gone, or not at its recorded size, is not reused.
  fs::remove(out / "p" / "one.html");
  std::ofstream(out / "p" / "two.html") << "longer than before";
  SiteWriter w(out, SiteWriter::Mode::Streaming, {}, stamps);
  CHECK_FALSE(w.reuse("p/one.html", "in-1"));
  CHECK_FALSE(w.reuse("p/two.html", "in-2-changed"));
  CHECK_FALSE(w.contains("p/one.html"));
}

TEST_CASE(
    "write/site_writer: a streaming writer dropped mid-way leaves the old site and no trees") {
  TempDir t;
  const fs::path out = t.path / "site";
  const fs::path stamps = t.path / "stamps";
  {
    SiteWriter w(out, SiteWriter::Mode::Streaming, {}, stamps);
    w.add("index.html", "old", "in");
    w.commit();
  }
  const std::string before = snapshot(out);
  fs::path temp;
  {
    SiteWriter w(out, SiteWriter::Mode::Streaming, {}, stamps);
    temp = w.temp_dir();
    CHECK(w.reuse("index.html", "in"));
    w.add("more/page.html", "new");
    CHECK(fs::exists(temp / "more" / "page.html"));
    // No commit: a render error or a broken link.
  }
  CHECK_FALSE(fs::exists(temp));
  CHECK(snapshot(out) == before);
  CHECK(siblings(t.path, "site.").empty());
}

namespace {

// A previous site of `pages` pages, each in a folder of its own as a real site's are.
void write_site(const fs::path& out, int pages, const std::string& text,
                const fs::path& stamps = {}) {
  SiteWriter w(out, SiteWriter::Mode::Streaming, {}, stamps);
  for (int i = 0; i < pages; ++i)
    w.add("s" + std::to_string(i % 3) + "/p" + std::to_string(i) + "/index.html",
          text + std::to_string(i));
  w.add("index.html", text);
  w.commit();
}

} // namespace

TEST_CASE("write/site_writer: remove_tree removes a tree and follows no links") {
  TempDir t;
  const fs::path tree = t.path / "tree";
  for (int i = 0; i < 700; ++i) { // enough entries for several threads
    const fs::path dir = tree / ("d" + std::to_string(i % 5)) / std::to_string(i) / "x";
    fs::create_directories(dir);
    std::ofstream(dir / "f.html") << i;
  }
  std::ofstream(tree / "top.txt") << "top";
  fs::create_directories(tree / "empty");
  // Links to a folder and to a file outside the tree: the links go, what they name stays.
  fs::create_directories(t.path / "outside");
  std::ofstream(t.path / "outside" / "keep.txt") << "keep";
  fs::create_directory_symlink(t.path / "outside", tree / "d0" / "link-to-dir");
  fs::create_directory_symlink(t.path / "outside", tree / "link-at-top");
  fs::create_symlink(t.path / "outside" / "keep.txt", tree / "d1" / "link-to-file");
  // A file hard-linked elsewhere (as a rebuild's are) keeps its other name.
  fs::create_hard_link(tree / "d2" / "2" / "x" / "f.html", t.path / "linked.html");

  CHECK(remove_tree(tree));
  CHECK_FALSE(fs::exists(fs::symlink_status(tree)));
  CHECK(read(t.path / "outside" / "keep.txt") == "keep");
  CHECK(read(t.path / "linked.html") == "2");
  CHECK(remove_tree(tree)); // nothing there: nothing to do

  // A file or a link where the folder was expected is removed itself, never followed.
  fs::create_directory_symlink(t.path / "outside", t.path / "alias");
  CHECK(remove_tree(t.path / "alias"));
  CHECK_FALSE(fs::exists(fs::symlink_status(t.path / "alias")));
  CHECK(read(t.path / "outside" / "keep.txt") == "keep");
}

TEST_CASE("write/site_writer: a rebuild removes the whole previous tree after the swap") {
  TempDir t;
  const fs::path out = t.path / "site";
  const fs::path stamps = t.path / "stamps";
  write_site(out, 600, "old", stamps);
  // Something the user put into the old site: a link to a folder outside it. The folder is
  // replaced (it has the marker), and the link, which no build wrote, is carried into the new
  // tree as a link, never followed.
  fs::create_directories(t.path / "outside");
  std::ofstream(t.path / "outside" / "keep.txt") << "keep";
  fs::create_directory_symlink(t.path / "outside", out / "s0" / "link");
  {
    SiteWriter w(out, SiteWriter::Mode::Streaming, {}, stamps);
    for (int i = 0; i < 600; i += 2) // half the pages unchanged (linked), half gone
      w.add("s" + std::to_string(i % 3) + "/p" + std::to_string(i) + "/index.html",
            "old" + std::to_string(i));
    w.add("index.html", "new");
    w.commit();
    CHECK(w.reused() == 300);
  }
  CHECK(siblings(t.path, "site.").empty()); // neither the old tree nor the temporary one
  CHECK(read(out / "index.html") == "new");
  CHECK(read(out / "s0" / "p0" / "index.html") == "old0");
  CHECK_FALSE(fs::exists(out / "s1" / "p1"));
  CHECK(fs::is_symlink(fs::symlink_status(out / "s0" / "link")));
  CHECK(fs::read_symlink(out / "s0" / "link") == t.path / "outside");
  CHECK(read(t.path / "outside" / "keep.txt") == "keep");
  fs::remove(out / "s0" / "link");
  struct stat st {};
  ::stat((out / "s0" / "p0" / "index.html").c_str(), &st);
  CHECK(st.st_nlink == 1); // the old name is gone, the file is the new site's alone
  write_site(t.path / "fresh", 0, "");
  SiteWriter w(t.path / "fresh", SiteWriter::Mode::Streaming);
  for (int i = 0; i < 600; i += 2)
    w.add("s" + std::to_string(i % 3) + "/p" + std::to_string(i) + "/index.html",
          "old" + std::to_string(i));
  w.add("index.html", "new");
  w.commit();
  CHECK(snapshot(out) == snapshot(t.path / "fresh"));
}

TEST_CASE("write/site_writer: what the user put into a site is carried into the next one") {
  for (const auto mode : {SiteWriter::Mode::InMemory, SiteWriter::Mode::Streaming}) {
    TempDir t;
    const fs::path out = t.path / "site";
    write_site(out, 6, "old");
    std::ofstream(out / "CNAME") << "status.example.com\n";
    fs::create_directories(out / "mine" / "deep");
    std::ofstream(out / "mine" / "deep" / "notes.txt") << "notes";
    std::ofstream(out / "s1" / "extra.txt") << "beside nines's pages";
    fs::create_directories(out / "empty");
    // A killed writer's leftovers inside the site are nines's, not the user's: they go. (A pid
    // above Linux's limit, 2^22, names no process that runs.)
    std::ofstream(out / "s0" / "p0" / ".index.html.tmp-99999991") << "half";
    std::ofstream(out / ".index.html.prev-99999992") << "old";
    std::ofstream(out / ".index.html.tmp-99999993-3") << "half";
    std::ofstream(out / "..nines-site.tmp-99999994-1") << "half";
    std::ofstream(out / ".nines-site.pending") << "99\n";
    std::ofstream(out / ".hidden-but-mine") << "kept";
    // Names that only look like them are the user's: beside no file of nines (a user's own
    // .htaccess, a folder of theirs), or of a process that still runs (this one's parent).
    std::ofstream(out / ".htaccess") << "mine";
    std::ofstream(out / ".htaccess.prev-2024") << "mine";
    std::ofstream(out / "mine" / ".notes.txt.tmp-99999995-1") << "mine";
    const std::string running = ".index.html.prev-" + std::to_string(::getppid());
    std::ofstream(out / running) << "a running writer's";
    {
      SiteWriter w(out, mode);
      w.add("index.html", "new");
      w.add("s0/p0/index.html", "new0");
      w.commit();
    }
    CHECK(read(out / "CNAME") == "status.example.com\n");
    CHECK(read(out / "mine" / "deep" / "notes.txt") == "notes");
    CHECK(read(out / "s1" / "extra.txt") == "beside nines's pages");
    CHECK(fs::is_directory(out / "empty"));
    CHECK(read(out / ".hidden-but-mine") == "kept");
    for (const char* gone :
         {"s0/p0/.index.html.tmp-99999991", ".index.html.prev-99999992",
          ".index.html.tmp-99999993-3", "..nines-site.tmp-99999994-1", ".nines-site.pending"})
      CHECK_FALSE(fs::exists(out / gone));
    for (const std::string& kept : {std::string(".htaccess.prev-2024"),
                                    std::string("mine/.notes.txt.tmp-99999995-1"), running})
      CHECK(fs::exists(out / kept));
    CHECK(read(out / "s0" / "p0" / "index.html") == "new0");
    CHECK_FALSE(fs::exists(out / "s1" / "p1")); // nines's own pages that are gone, go
    // They stay outside the manifest: the next writer carries them again.
    CHECK(read_site_manifest(out).files.count("CNAME") == 0);
    {
      SiteWriter w(out, mode);
      w.add("index.html", "newer");
      w.commit();
    }
    CHECK(read(out / "CNAME") == "status.example.com\n");
    CHECK(read(out / "s1" / "extra.txt") == "beside nines's pages");

    // Where the new site puts a file, or a folder, the user's file is a conflict: nothing is
    // replaced.
    for (const std::string taken : {"CNAME", "mine/deep/notes.txt/index.html", "mine"}) {
      CAPTURE(taken);
      const std::string before = snapshot(out);
      SiteWriter w(out, mode);
      w.add(taken == "mine" ? "mine" : taken, "page");
      CHECK_THROWS_AS(w.commit(), WriteError);
      CHECK(snapshot(out) == before);
      CHECK(siblings(t.path, "site.").empty());
    }
  }
}

TEST_CASE("write/site_writer: a failure before the swap keeps the previous site whole") {
  TempDir t;
  const fs::path out = t.path / "site";
  write_site(out, 400, "old");
  const std::string before = snapshot(out);
  {
    SiteWriter w(out, SiteWriter::Mode::Streaming);
    for (int i = 0; i < 400; ++i) // linked from the old tree, or written new
      w.add("s" + std::to_string(i % 3) + "/p" + std::to_string(i) + "/index.html",
            (i % 2 ? "new" : "old") + std::to_string(i));
    w.add("index.html", "new");
    CHECK_THROWS_AS(w.add("index.html/x", "inside a file"), WriteError);
    // A folder nines did not write appears where OUT was: commit refuses it and keeps both.
    fs::rename(out, t.path / "kept");
    fs::create_directories(out);
    std::ofstream(out / "precious.txt") << "mine";
    CHECK_THROWS_AS(w.commit(), OutputRefused);
    CHECK(read(out / "precious.txt") == "mine");
    fs::remove_all(out);
    fs::rename(t.path / "kept", out);
  }
  CHECK(snapshot(out) == before); // the linked files were not touched by the failed build
  CHECK(siblings(t.path, "site.").empty());
}

TEST_CASE("write/site_writer: write errors name the file") {
  TempDir t;
  try {
    write_file_atomic(t.path / "missing" / "x.json", "x");
    FAIL("no error");
  } catch (const WriteError& e) {
    // The file asked for and the reason, never the temporary file beside it.
    CHECK(std::string(e.what()) == "cannot write " + (t.path / "missing" / "x.json").string() +
                                       ": No such file or directory");
  }
  // A file where the writer needs a folder of the temporary tree.
  SiteWriter w(t.path / "site", SiteWriter::Mode::Streaming);
  std::ofstream(w.temp_dir() / "taken") << "x";
  try {
    w.add("taken/page.html", "x");
    FAIL("no error");
  } catch (const WriteError& e) {
    CHECK(std::string(e.what()).find("taken: cannot create directory") != std::string::npos);
  }
}

TEST_CASE("write/site_writer: files waiting for a directory another thread failed to make fail") {
  TempDir t;
  SiteWriter w(t.path / "site", SiteWriter::Mode::Streaming);
  std::ofstream(w.temp_dir() / "taken") << "x";
  // Many threads add files below the same directory at once: one claims it and fails to make
  // it, and every other must get an error too, none may wait for it for good, none may write.
  std::atomic<int> failed{0}, written{0};
  std::vector<std::thread> threads;
  for (int k = 0; k < 8; ++k)
    threads.emplace_back([&, k] {
      for (int i = 0; i < 20; ++i) {
        try {
          w.add("taken/deeper/p" + std::to_string(k * 100 + i) + ".html", "x");
          ++written;
        } catch (const WriteError& e) {
          if (std::string(e.what()).find("taken") != std::string::npos) ++failed;
        }
      }
    });
  for (auto& th : threads)
    th.join();
  CHECK(written == 0);
  CHECK(failed == 160);
  // A sibling directory is unaffected.
  w.add("fine/page.html", "ok");
  CHECK(read(w.temp_dir() / "fine" / "page.html") == "ok");
}

TEST_CASE(
    "write/site_writer: a few files replaced in place, with the manifest a full write gives") {
  TempDir t;
  const fs::path out = t.path / "site";
  {
    SiteWriter w(out);
    w.add("index.html", "<p>home</p>", "in-1");
    w.add("a/page.html", "<p>old</p>", "in-2");
    w.add("search-index.js", "old index");
    w.commit();
  }
  const SiteManifest before = read_site_manifest(out);
  REQUIRE_FALSE(before.digest.empty());

  const std::string digest = replace_site_files(
      out, before, {{"a/page.html", {"<p>new</p>", "in-3"}}, {"search-index.js", {"new", ""}}});
  CHECK(read(out / "a/page.html") == "<p>new</p>");
  CHECK(read(out / "index.html") == "<p>home</p>");
  CHECK(siblings(out / "a", ".page.html.tmp").empty());

  // The marker is the one a writer of the same files writes.
  check_as_written(out, t.path / "fresh", digest);
  const SiteManifest after = read_site_manifest(out);
  CHECK(after.digest == digest);
  CHECK(after.files.at("a/page.html").input == "in-3");

  // A stale manifest, a file that is not the site's, a path out of it: refused, nothing touched.
  const std::string kept = snapshot(out);
  CHECK_THROWS_AS(replace_site_files(out, before, {{"index.html", {"x", ""}}}), WriteError);
  CHECK_THROWS_AS(replace_site_files(out, after, {{"other.html", {"x", ""}}}), WriteError);
  CHECK_THROWS_AS(replace_site_files(out, after, {{"../x.html", {"x", ""}}}), WriteError);
  CHECK(snapshot(out) == kept);

  // A file that cannot be written (its folder is gone): the site, marker included, stays as it was
  // and no temporary file is left.
  fs::remove_all(out / "a");
  const std::string damaged = snapshot(out);
  CHECK_THROWS_AS(replace_site_files(out, after,
                                     {{"index.html", {"<p>home 2</p>", "in-4"}},
                                      {"a/page.html", {"<p>newer</p>", "in-5"}}}),
                  WriteError);
  CHECK(snapshot(out) == damaged);
  CHECK(siblings(out, ".index.html.tmp").empty());
}

TEST_CASE(
    "write/site_writer: more files than go in place go in a new tree swapped in whole, with the "
    "manifest a full write gives") {
  TempDir t;
  const fs::path out = t.path / "site";
  const fs::path stamps = t.path / "stamps";
  {
    SiteWriter w(out, SiteWriter::Mode::InMemory, {}, stamps);
    w.add("index.html", "<p>home</p>", "in-1");
    w.add("a/page.html", "<p>old</p>", "in-2");
    w.add("search-index.js", "old index");
    w.commit();
  }
  SiteManifest before = read_site_manifest(out);
  REQUIRE_FALSE(before.digest.empty());
  REQUIRE(read_site_stamps(stamps, before));
  struct stat home {};
  REQUIRE(::stat((out / "index.html").c_str(), &home) == 0);
  // A reader holding the previous site's folder keeps the previous site, whole.
  const int held = ::open(out.c_str(), O_RDONLY | O_DIRECTORY);
  REQUIRE(held >= 0);

  const std::string digest = replace_site_files(
      out, before, {{"a/page.html", {"<p>new</p>", "in-3"}}, {"search-index.js", {"new", ""}}},
      stamps, {}, 2, 0);
  CHECK(read(out / "a/page.html") == "<p>new</p>");
  CHECK(read(out / "index.html") == "<p>home</p>");
  struct stat kept {};
  REQUIRE(::stat((out / "index.html").c_str(), &kept) == 0);
  CHECK(kept.st_ino == home.st_ino); // linked, not written again
  CHECK(siblings(t.path, "site.").empty());
  struct stat gone {};
  CHECK(::fstat(held, &gone) == 0);
  CHECK(gone.st_nlink == 0); // the folder the reader holds is the previous tree, now removed
  ::close(held);

  // The marker is the one a writer of the same files writes.
  check_as_written(out, t.path / "fresh", digest);
  SiteManifest after = read_site_manifest(out);
  CHECK(after.digest == digest);
  CHECK(after.files.at("a/page.html").input == "in-3");
  REQUIRE(read_site_stamps(stamps, after)); // the stamps follow the new manifest

  // A stale manifest, a file that is not the site's, a path out of it: refused, nothing touched.
  const std::string kept_site = snapshot(out);
  CHECK_THROWS_AS(replace_site_files(out, before, {{"index.html", {"x", ""}}}, stamps, {}, 2, 0),
                  WriteError);
  CHECK_THROWS_AS(replace_site_files(out, after, {{"other.html", {"x", ""}}}, stamps, {}, 2, 0),
                  WriteError);
  CHECK_THROWS_AS(replace_site_files(out, after, {{"../x.html", {"x", ""}}}, stamps, {}, 2, 0),
                  WriteError);
  CHECK(snapshot(out) == kept_site);

  // A file not made again that is no longer as nines left it (edited by hand): refused, the site
  // stays as it was and no new tree is left beside it.
  std::ofstream(out / "search-index.js", std::ios::binary | std::ios::app) << " edited";
  const std::string edited = snapshot(out);
  CHECK_THROWS_AS(
      replace_site_files(out, after, {{"index.html", {"<p>home 2</p>", "in-4"}}}, stamps, {}, 2, 0),
      WriteError);
  CHECK(snapshot(out) == edited);
  CHECK(siblings(t.path, "site.").empty());
}

TEST_CASE("write/site_writer: files replaced in place by a run killed part-way come back") {
  TempDir t;
  const fs::path out = t.path / "site";
  {
    SiteWriter w(out);
    w.add("index.html", "<p>home</p>", "in-1");
    w.add("a/page.html", "<p>old</p>", "in-2");
    w.commit();
  }
  const std::string before = snapshot(out);
  auto put = [](const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary) << bytes;
  };

  // What a run (pid 999999, not running) leaves when killed after renaming one of two files: the
  // journal, every old file's second name, the other file's new bytes not yet renamed in.
  const std::string tag = "999999";
  REQUIRE(::kill(999999, 0) != 0);
  // (Second names are ".NAME.prev-PID": the marker's is "..nines-site.prev-PID".)
  fs::create_hard_link(out / ".nines-site", out / ("..nines-site.prev-" + tag));
  fs::create_hard_link(out / "index.html", out / (".index.html.prev-" + tag));
  fs::create_hard_link(out / "a/page.html", out / ("a/.page.html.prev-" + tag));
  put(out / ".nines-site.pending", tag + "\nindex.html\na/page.html\n");
  put(out / (".index.html.tmp-" + tag), "<p>home, new</p>");
  fs::remove(out / "index.html");
  put(out / "index.html", "<p>home, new</p>"); // renamed in
  put(out / ("a/.page.html.tmp-" + tag), "<p>new</p>");
  put(out / "manifest.tmp", "a manifest without them"); // written as a new file, then renamed
  fs::rename(out / "manifest.tmp", out / ".nines-site");
  CHECK(recover_site_files(out));
  CHECK(snapshot(out) == before);
  CHECK_FALSE(recover_site_files(out)); // nothing left to undo

  // Killed while clearing up after the renames: the new site stands, the leftovers go.
  put(out / ".nines-site.pending", tag + "\nindex.html\n");
  put(out / (".index.html.prev-" + tag), "<p>home</p>");
  CHECK_FALSE(recover_site_files(out)); // the marker's second name is gone: it had finished
  CHECK(snapshot(out) == before);

  // Killed while writing the new files, before any second name: the journal comes first, so
  // what it wrote goes and the site stays as it was, whichever way the next build takes.
  put(out / ".nines-site.pending", tag + "\nindex.html\na/page.html\n");
  put(out / (".index.html.tmp-" + tag), "<p>home, new</p>");
  put(out / ("a/.page.html.tmp-" + tag), "<p>half of it");
  CHECK_FALSE(recover_site_files(out));
  CHECK(snapshot(out) == before);
  // Killed while writing the journal itself: its temporary name goes too, and a user's file of
  // a like name but no dead writer's pid stays.
  put(out / ("..nines-site.pending.tmp-" + tag + "-0"), tag + "\n");
  put(out / ("..nines-site.tmp-" + tag + "-1"), "half a manifest");
  CHECK_FALSE(recover_site_files(out));
  CHECK(snapshot(out) == before);

  // A journal of a run still going is left alone.
  put(out / ".nines-site.pending", std::to_string(::getppid()) + "\nindex.html\n");
  CHECK_FALSE(recover_site_files(out));
  CHECK(fs::exists(out / ".nines-site.pending"));
  fs::remove(out / ".nines-site.pending");

  // A replacement after the recovery leaves nothing beside the files.
  {
    SiteWriter w(out, SiteWriter::Mode::InMemory, {}, t.path / "stamps");
    w.add("index.html", "<p>home</p>", "in-1");
    w.add("a/page.html", "<p>old</p>", "in-2");
    w.commit();
  }
  replace_site_files(out, read_site_manifest(out), {{"a/page.html", {"<p>newer</p>", "in-3"}}},
                     t.path / "stamps");
  CHECK(siblings(out, ".nines-site.").empty());
  CHECK(siblings(out, "..nines-site.").empty());
  CHECK(siblings(out / "a", ".page.html.").empty());
  CHECK(read(out / "a/page.html") == "<p>newer</p>");
}

TEST_CASE("write/site_writer: flushing to disk names the folder it could not flush") {
  TempDir t;
  CHECK_NOTHROW(flush_to_disk(t.path, true));
  CHECK_NOTHROW(flush_to_disk(t.path, false));
  const fs::path missing = t.path / "gone";
  try {
    flush_to_disk(missing, true);
    FAIL("a missing folder was flushed");
  } catch (const WriteError& e) {
    CHECK(std::string(e.what()).find(missing.string() + ": cannot be opened") == 0);
  }
  std::ofstream(t.path / "file") << "x";
  CHECK_THROWS_AS(flush_to_disk(t.path / "file", false), WriteError); // not a folder
}

TEST_CASE("write/site_writer: an atomic write through a symbolic link keeps the link") {
  TempDir t;
  fs::create_directories(t.path / "shared");
  std::ofstream(t.path / "shared" / "r.yaml") << "old\n";
  fs::create_directory(t.path / "readiness");
  fs::create_symlink("../shared/r.yaml", t.path / "readiness" / "r.yaml");
  write_file_atomic(t.path / "readiness" / "r.yaml", "new\n");
  CHECK(fs::is_symlink(t.path / "readiness" / "r.yaml"));
  CHECK(read(t.path / "shared" / "r.yaml") == "new\n");
  CHECK(siblings(t.path / "shared", ".r.yaml").empty());
  // A plain file is replaced as before.
  write_file_atomic(t.path / "plain.yaml", "a\n");
  write_file_atomic(t.path / "plain.yaml", "b\n");
  CHECK(read(t.path / "plain.yaml") == "b\n");
}

TEST_CASE("write/site_writer: nines' own files replace a link at their name, never write through") {
  TempDir t;
  std::ofstream(t.path / "victim") << "precious\n";
  fs::create_directory(t.path / "state");
  // A link committed where a state file goes, and one where a temporary file goes.
  fs::create_symlink("../victim", t.path / "state" / "build.stamps");
  write_file_atomic(t.path / "state" / "build.stamps", "stamps\n", LinkAtName::Replace);
  CHECK(read(t.path / "victim") == "precious\n");
  CHECK_FALSE(fs::is_symlink(t.path / "state" / "build.stamps"));
  CHECK(read(t.path / "state" / "build.stamps") == "stamps\n");

  // A site's few files replaced in place: a link at a temporary name is replaced, not followed.
  const fs::path out = t.path / "site";
  {
    SiteWriter w(out);
    w.add("index.html", "<p>home</p>", "in-1");
    w.add("search-index.js", "old index");
    w.commit();
  }
  const std::string tag = std::to_string(::getpid());
  fs::create_symlink("../victim", out / (".search-index.js.tmp-" + tag));
  fs::create_symlink("../victim", out / (".index.html.tmp-" + tag));
  replace_site_files(out, read_site_manifest(out),
                     {{"index.html", {"<p>new</p>", "in-2"}}, {"search-index.js", {"new", ""}}});
  CHECK(read(t.path / "victim") == "precious\n");
  CHECK(read(out / "search-index.js") == "new");
  CHECK_FALSE(fs::is_symlink(out / "search-index.js"));
  CHECK_FALSE(fs::is_symlink(out / "index.html"));
}

namespace {

// The permission bits of the file at `p` (not followed when a link), 0 when it is missing.
unsigned mode_of(const fs::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0 ? static_cast<unsigned>(st.st_mode & 07777) : 0;
}

ino_t inode_of(const fs::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0 ? st.st_ino : 0;
}

} // namespace

TEST_CASE("write/site_writer: a file chmodded in the old site gets a fresh write's mode again") {
  TempDir t;
  const fs::path out = t.path / "site";
  const fs::path stamps = t.path / "stamps";
  // A fresh write gives 0644 whatever the umask; a rebuild under a strict one must too.
  const mode_t old_mask = ::umask(077);
  const auto build = [&](const fs::path& into, const fs::path& stamps_file, bool rebuild) {
    SiteWriter w(into, SiteWriter::Mode::Streaming, {}, stamps_file);
    if (rebuild) {
      CHECK(w.reuse("p/run.html", "in-run")); // by input: copied, as its mode changed
      CHECK(w.keep("q/kept.html"));           // kept: copied too
    } else {
      w.add("p/run.html", "<h1>run</h1>", "in-run");
      w.add("q/kept.html", "<h1>kept</h1>");
    }
    w.add("index.html", "<h1>home</h1>"); // by content: written from its bytes
    w.add("same.html", "<h1>same</h1>");  // untouched: linked
    w.commit();
    return std::make_pair(w.reused(), w.reused_by_input());
  };
  build(out, stamps, false);
  SiteManifest m = read_site_manifest(out);
  REQUIRE(read_site_stamps(stamps, m));
  CHECK(m.files.at("index.html").mode == 0644);
  CHECK(site_matches_manifest(out, m));
  // The user's chmods on the site, and second names of the old files, held outside it: a reader
  // of the old tree (or a web server still serving it) sees its modes stay as the user set them.
  fs::permissions(out / "index.html", fs::perms(0600));
  fs::permissions(out / "p" / "run.html", fs::perms(0755));
  fs::permissions(out / "q" / "kept.html", fs::perms(0640));
  fs::create_hard_link(out / "index.html", t.path / "held-index");
  fs::create_hard_link(out / "p" / "run.html", t.path / "held-run");
  fs::create_hard_link(out / "q" / "kept.html", t.path / "held-kept");
  const ino_t same = inode_of(out / "same.html");
  // A chmod changes neither inode nor modification time: the stamps' mode tells it, so the
  // no-change and prose checks no longer take the site as it stands.
  CHECK_FALSE(site_matches_manifest(out, m));

  const auto [reused, by_input] = build(out, stamps, true);
  CHECK(reused == 3); // same.html linked, run.html and kept.html copied; index.html written
  CHECK(by_input == 1);
  for (const char* rel : {"index.html", "p/run.html", "q/kept.html", "same.html", k_site_marker})
    CHECK_MESSAGE(mode_of(out / rel) == 0644, rel);
  CHECK(inode_of(out / "same.html") == same);
  CHECK(inode_of(out / "index.html") != inode_of(t.path / "held-index"));
  CHECK(inode_of(out / "p" / "run.html") != inode_of(t.path / "held-run"));
  CHECK(read(out / "p" / "run.html") == "<h1>run</h1>");
  CHECK(read(out / "q" / "kept.html") == "<h1>kept</h1>");
  // The old files were never chmodded in place.
  CHECK(mode_of(t.path / "held-index") == 0600);
  CHECK(mode_of(t.path / "held-run") == 0755);
  CHECK(mode_of(t.path / "held-kept") == 0640);
  // The stamps vouch for the new site, and it is the tree a clean build gives, modes included.
  m = read_site_manifest(out);
  REQUIRE(read_site_stamps(stamps, m));
  CHECK(site_matches_manifest(out, m));
  build(t.path / "fresh", {}, false);
  ::umask(old_mask);
  CHECK(snapshot(out) == snapshot(t.path / "fresh"));

  // A chmod of the marker is seen too (one lstat for the whole site), and the next full build
  // writes a fresh one.
  fs::permissions(out / k_site_marker, fs::perms(0600));
  CHECK_FALSE(site_matches_manifest(out, m));
  build(out, stamps, true);
  CHECK(mode_of(out / k_site_marker) == 0644);

  // Stamps of an older nines, which recorded no mode, are read with the 0644 it gave every file.
  m = read_site_manifest(out);
  std::string text = read(stamps);
  const std::string v2 = "nines-site-stamps 2 " + m.digest + " 4 644\n";
  REQUIRE(text.rfind(v2, 0) == 0);
  text.replace(0, v2.size(), "nines-site-stamps 1 " + m.digest + " 4\n");
  std::ofstream(stamps, std::ios::binary | std::ios::trunc) << text;
  REQUIRE(read_site_stamps(stamps, m));
  CHECK(m.files.at("same.html").mode == 0644);
  CHECK(site_matches_manifest(out, m));
  // Files of different modes have no stamps: the next build trusts none and writes each once.
  m.files.at("same.html").mode = 0600;
  write_site_stamps(stamps, m.files, m.digest);
  CHECK_FALSE(fs::exists(stamps));
}

TEST_CASE("write/site_writer: every kind of build removes the leftovers beside OUT, however OUT "
          "is named") {
  TempDir t;
  const fs::path out = t.path / "site";
  old_site(out, {{"index.html", "current"}});
  // A pid no process has (a child that has exited and been waited for), and a live one.
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  REQUIRE(child > 0);
  int status = 0;
  ::waitpid(child, &status, 0);
  const std::string dead = std::to_string(child), live = std::to_string(::getppid());
  // The builds that make no writer (nothing changed, prose rewritten in place) pass OUT as the
  // user gave it; relative and with a trailing slash, the folders beside it were never looked for.
  struct Cwd {
    fs::path was = fs::current_path();
    ~Cwd() { fs::current_path(was); }
  } cwd;
  fs::current_path(t.path);
  for (const fs::path& given : {fs::path("site"), fs::path("site/"), fs::path("./site/."),
                                fs::path("../" + t.path.filename().string() + "/site"), out}) {
    CAPTURE(given);
    // A previous site set aside by a build that had swapped its own in but was still exiting
    // when the next build ran (so that one left it alone), and one of a build still running.
    old_site(t.path / ("site.old-nines-" + dead), {{"index.html", "previous"}});
    old_site(t.path / ("site.old-nines-" + live), {{"index.html", "being removed"}});
    fs::create_directories(t.path / ("site.tmp-nines-" + dead) / "a");
    // Folders nines did not write, with similar names: beside OUT (the writer's name holding a
    // file of the user's, an older version's name, not a pid) and inside it, where a name taken
    // as "" + ".old-nines-PID" would have been looked for.
    const fs::path users = t.path / "site.old-nines-99999997";
    fs::create_directories(users);
    std::ofstream(users / "notes.txt") << "mine";
    fs::create_directories(t.path / "site.old-nines-backup");
    fs::create_directories(t.path / ("site.old-" + dead));
    fs::create_directories(out / (".old-nines-" + dead));
    fs::create_directories(out / (".tmp-nines-" + dead));

    const std::vector<std::string> notes = SiteWriter::clean_stale(given);
    CHECK_FALSE(fs::exists(t.path / ("site.old-nines-" + dead)));
    CHECK_FALSE(fs::exists(t.path / ("site.tmp-nines-" + dead)));
    CHECK(read(t.path / ("site.old-nines-" + live) / "index.html") == "being removed");
    CHECK(read(users / "notes.txt") == "mine");
    CHECK(fs::is_directory(t.path / "site.old-nines-backup"));
    CHECK(fs::is_directory(t.path / ("site.old-" + dead)));
    CHECK(fs::is_directory(out / (".old-nines-" + dead)));
    CHECK(fs::is_directory(out / (".tmp-nines-" + dead)));
    CHECK(read(out / "index.html") == "current");
    REQUIRE(notes.size() == 1); // the folder of the user's under the writer's name, named
    CHECK(notes[0].find((t.path / "site.old-nines-99999997").string() + "' has the name") !=
          std::string::npos);
    // Once the live process has ended, the next build removes its folder too: here, as if it
    // had (a folder of the build's own pid is an earlier process's).
    fs::rename(t.path / ("site.old-nines-" + live),
               t.path / ("site.old-nines-" + std::to_string(::getpid())));
    SiteWriter::clean_stale(given);
    CHECK(siblings(t.path, "site.old-nines-") ==
          std::vector<std::string>{"site.old-nines-99999997", "site.old-nines-backup"});
    fs::remove_all(users);
    fs::remove_all(t.path / "site.old-nines-backup");
    fs::remove_all(t.path / ("site.old-" + dead));
    fs::remove_all(out / (".old-nines-" + dead));
    fs::remove_all(out / (".tmp-nines-" + dead));
  }
}

TEST_CASE("write/site_writer: a build locks its repository and the folder holding its output") {
  TempDir t;
  fs::create_directories(t.path / "repo");
  fs::create_directories(t.path / "pages");
  auto locked_elsewhere = [](const fs::path& p, int flags) {
    const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
    REQUIRE(fd >= 0);
    const bool taken = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
    return taken;
  };
  {
    BuildLock repo(t.path / "repo" / ".nines" / "nines-build.lock");
    BuildLock out(t.path / "pages" / "site", BuildLock::OutputFolder{});
    REQUIRE(repo.held());
    REQUIRE(out.held());
    CHECK(locked_elsewhere(t.path / "repo" / ".nines" / "nines-build.lock", O_RDONLY));
    CHECK(locked_elsewhere(t.path / "pages", O_RDONLY | O_DIRECTORY));
    CHECK_FALSE(fs::exists(t.path / "pages" / "site")); // nothing made for the output's lock
  }
  CHECK_FALSE(locked_elsewhere(t.path / "pages", O_RDONLY | O_DIRECTORY));
  // A link committed where the repository's lock file goes is not followed.
  fs::remove(t.path / "repo" / ".nines" / "nines-build.lock");
  fs::create_symlink("../../outside.lock", t.path / "repo" / ".nines" / "nines-build.lock");
  BuildLock refused(t.path / "repo" / ".nines" / "nines-build.lock");
  CHECK_FALSE(refused.held());
  CHECK_FALSE(fs::exists(t.path / "outside.lock"));
}

TEST_CASE("write/site_writer: the folder of a killed run not yet reaped (a zombie) is cleaned") {
  TempDir t;
  const fs::path out = t.path / "site";
  old_site(out, {{"index.html", "current"}});
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(0);
  // Not waited for yet: the child stays a zombie until waitpid below.
  const std::string stat_path = "/proc/" + std::to_string(child) + "/stat";
  std::string stat;
  for (int i = 0; i < 200; ++i) {
    std::ifstream in(stat_path);
    std::getline(in, stat);
    if (stat.find(") Z") != std::string::npos) break;
    ::usleep(10'000);
  }
  REQUIRE(stat.find(") Z") != std::string::npos);
  const std::string name = "site.tmp-nines-" + std::to_string(child);
  killed_temp(t.path / "scratch", t.path / name);
  {
    SiteWriter w(out);
    w.add("index.html", "new");
    w.commit();
  }
  CHECK_FALSE(fs::exists(t.path / name));
  int status = 0;
  ::waitpid(child, &status, 0);
}
