#include "load/loader.hpp"
#include "model/time.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

using namespace nines;
namespace fs = std::filesystem;

namespace {

struct TempRepo {
  fs::path root;
  TempRepo() {
    root = fs::temp_directory_path() / ("nines-loader-test-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root);
  }
  ~TempRepo() { fs::remove_all(root); }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel) << text;
  }
};

// `n` runbooks in Markdown and `n` services, and nines.yaml.
void write_docs(const TempRepo& r, int n) {
  r.write("nines.yaml", "version: 1\n");
  for (int i = 0; i < n; ++i) {
    const std::string id = std::to_string(i);
    r.write("runbooks/r" + id + ".md",
            "---\nrunbook:\n  id: r" + id + "\n---\n# Body " + id + "\n");
    r.write("services/s" + id + ".yaml", "service:\n  id: s" + id + "\n");
  }
}

// Loads `repo`, each document handed on as "file:kind", in the order the loader hands them on.
std::vector<std::string> loaded_kinds(const TempRepo& repo, DiagBag& diags, LoadNotes& notes) {
  std::vector<std::string> seen;
  load_repo(
      repo.root, LoadOptions{}, diags, [&](RawDoc&& d) { seen.push_back(d.file + ":" + d.kind); },
      [](RawCsvRow&&) {}, &notes);
  return seen;
}

} // namespace

TEST_CASE("loader: front matter splits from the body and keeps line numbers") {
  std::string yaml, body;
  int body_line = 0;
  REQUIRE(split_front_matter("---\nrunbook:\n  title: x\n---\n# Body\n", yaml, body, body_line));
  CHECK(yaml == "runbook:\n  title: x\n");
  CHECK(body == "# Body\n");
  CHECK(body_line == 5);
  CHECK_FALSE(split_front_matter("# Just markdown\n", yaml, body, body_line));
}

TEST_CASE("loader: path stems become slugs") {
  CHECK(path_stem_slug("services/Pay API.yaml") == "pay-api");
  CHECK(path_stem_slug("a/b/checkout_v2.yml") == "checkout_v2");
  CHECK(path_stem_slug("x/--weird--.md") == "weird");
  // As `nines new` names files: transliterated, and a hash for a name it cannot spell.
  CHECK(path_stem_slug("pm/Zürich outage.md") == "zurich-outage");
  CHECK(path_stem_slug("pm/決済エラー.md").size() == 8);
  CHECK(path_stem_slug("pm/決済エラー.md") != path_stem_slug("pm/ログイン障害.md"));
}

TEST_CASE("loader: walks kinds, skips hidden and site folders, reads CSV rows") {
  TempRepo repo;
  repo.write("services/a.yaml", "service:\n  name: a\n---\nservice:\n  name: b\n");
  repo.write("runbooks/r.md", "---\nrunbook:\n  title: T\n---\nProse\n");
  repo.write("notes/readme.md", "# not a document\n");
  repo.write(".hidden/x.yaml", "service:\n  name: hidden\n");
  repo.write("site/x.yaml", "service:\n  name: built\n");
  repo.write("alerts/r.yaml", "groups:\n  - name: g\n    rules: []\n");
  repo.write("metrics/data.csv", "slo,date,good,total\ns,2026-01-01,1,2\n");
  repo.write("other.txt", "ignored");
  DiagBag diags;
  std::vector<std::string> seen;
  std::vector<int> csv_lines;
  load_repo(
      repo.root, LoadOptions{}, diags,
      [&](RawDoc&& d) { seen.push_back(d.file + ":" + d.kind + ":" + d.body); },
      [&](RawCsvRow&& r) { csv_lines.push_back(r.line); });
  CHECK_FALSE(diags.has_errors());
  CHECK(seen ==
        std::vector<std::string>{"alerts/r.yaml:prometheus_rules:", "runbooks/r.md:runbook:Prose\n",
                                 "services/a.yaml:service:", "services/a.yaml:service:"});
  CHECK(csv_lines == std::vector<int>{1, 2});
}

TEST_CASE("loader: the walk's rules, shared with serve's watcher") {
  // Folders: hidden ones at any depth; site/ (with the writer's folders beside it), layouts/ and
  // node_modules/ at the top only. A service named `site` has its runbooks in runbooks/site/.
  CHECK(walk_skips_folder(".git"));
  CHECK(walk_skips_folder("runbooks/.drafts"));
  CHECK(walk_skips_folder("site"));
  CHECK(walk_skips_folder("site.tmp-nines-42"));
  CHECK(walk_skips_folder("layouts"));
  CHECK(walk_skips_folder("node_modules"));
  CHECK_FALSE(walk_skips_folder("runbooks/site"));
  CHECK_FALSE(walk_skips_folder("docs/node_modules"));
  CHECK_FALSE(walk_skips_folder("docs/layouts"));
  CHECK_FALSE(walk_skips_folder("site.old-2024"));
  // Files.
  CHECK(walk_reads_file("runbooks/site/site-down.yaml"));
  CHECK(walk_reads_file("slos/a.yml"));
  CHECK(walk_reads_file("notes/x.md"));
  CHECK(walk_reads_file("metrics/a.csv"));
  CHECK_FALSE(walk_reads_file("metrics/old/a.csv"));
  CHECK_FALSE(walk_reads_file("data/a.csv"));
  CHECK_FALSE(walk_reads_file("services/.a.yaml.swp"));
  CHECK_FALSE(walk_reads_file("services/a.yaml~"));
  CHECK_FALSE(walk_reads_file("cache/nines.db"));
  CHECK(is_theme_file("layouts/page.mustache"));
  CHECK(is_theme_file("layouts/partials/head.mustache"));
  CHECK_FALSE(is_theme_file("layouts/deep/er/x.mustache"));
  CHECK_FALSE(is_theme_file("docs/layouts/page.mustache"));
  // The walk itself follows them: runbooks/site/ is read, the top-level site/ is not.
  TempRepo repo;
  repo.write("runbooks/site/r.md", "---\nrunbook:\n  title: T\n---\n");
  repo.write("site/x.yaml", "service:\n  name: built\n");
  DiagBag diags;
  std::vector<std::string> seen;
  load_repo(
      repo.root, LoadOptions{}, diags, [&](RawDoc&& d) { seen.push_back(d.file); },
      [](RawCsvRow&&) {});
  CHECK(seen == std::vector<std::string>{"runbooks/site/r.md"});
}

TEST_CASE("loader: unknown kinds suggest the closest one") {
  TempRepo repo;
  repo.write("x.yaml", "servce:\n  name: a\n");
  DiagBag diags;
  load_repo(
      repo.root, LoadOptions{}, diags, [](RawDoc&&) {}, [](RawCsvRow&&) {});
  auto d = diags.sorted();
  REQUIRE(d.size() == 1);
  CHECK(d[0].rule == "unknown-kind");
  CHECK(d[0].message == "unknown document kind 'servce', did you mean 'service'?");
}

TEST_CASE("loader: files over the size limit are refused") {
  TempRepo repo;
  repo.write("big.yaml", "service:\n  name: " + std::string(5000, 'a') + "\n");
  DiagBag diags;
  LoadOptions opts;
  opts.max_file_bytes = 1000;
  load_repo(
      repo.root, opts, diags, [](RawDoc&&) {}, [](RawCsvRow&&) {});
  auto d = diags.sorted();
  REQUIRE(d.size() == 1);
  CHECK(d[0].rule == "file-too-large");
}

TEST_CASE("loader: symlinks out of the repository are refused") {
  TempRepo repo;
  fs::path outside =
      repo.root.parent_path() / ("nines-outside-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(outside) << "service:\n  name: x\n";
  fs::create_symlink(outside, repo.root / "link.yaml");
  DiagBag diags;
  int docs = 0;
  load_repo(
      repo.root, LoadOptions{}, diags, [&](RawDoc&&) { ++docs; }, [](RawCsvRow&&) {});
  fs::remove(outside);
  CHECK(docs == 0);
  auto d = diags.sorted();
  REQUIRE(d.size() == 1);
  CHECK(d[0].rule == "symlink-outside");
}

TEST_CASE("loader: a link to a hidden file of the repository is refused wherever it is read") {
  // `.git/config` may hold a token in a remote's URL: behind a theme override it would be on every
  // page, behind nines.yaml or a document in the diagnostics.
  TempRepo repo;
  repo.write(".git/config", "[remote \"origin\"]\n  url = https://TOKEN@example.com/r.git\n");
  repo.write(".env", "service:\n  name: secret\n");
  repo.write("layouts/partials/keep.mustache", "<p>{{x}}</p>");
  fs::create_symlink("../../.git/config", repo.root / "layouts" / "partials" / "nav.mustache");
  fs::create_symlink("keep.mustache", repo.root / "layouts" / "partials" / "row.mustache");
  DiagBag diags;
  const auto files = load_theme_overrides(repo.root, LoadOptions{}, diags);
  // A link to a file of the repository outside hidden folders is read as before.
  CHECK(files.count("layouts/partials/row.mustache") == 1);
  CHECK(files.count("layouts/partials/keep.mustache") == 1);
  CHECK(files.count("layouts/partials/nav.mustache") == 0);
  REQUIRE(diags.all().size() == 1);
  CHECK(diags.all()[0].rule == "symlink-outside");
  CHECK(diags.all()[0].file == "layouts/partials/nav.mustache");
  CHECK(diags.all()[0].message.find(".git/config") != std::string::npos);
  CHECK(diags.all()[0].message.find("TOKEN") == std::string::npos);
  // The same rule for a document the walk reaches through a link named by a Location, and for any
  // file read through read_repo_file.
  std::string text, rule, message, hint;
  fs::create_symlink(".env", repo.root / "env.yaml");
  CHECK_FALSE(
      read_repo_file(repo.root, repo.root / "env.yaml", 1 << 20, text, rule, message, hint));
  CHECK(rule == "symlink-outside");
  CHECK(text.empty());
  // A layouts/ folder linked into .git/ is refused at the link: its files are no links.
  repo.write(".git/hooks/x.mustache", "secret");
  fs::remove_all(repo.root / "layouts");
  fs::create_symlink(".git/hooks", repo.root / "layouts");
  DiagBag folder;
  CHECK(load_theme_overrides(repo.root, LoadOptions{}, folder).empty());
  REQUIRE(folder.all().size() == 1);
  CHECK(folder.all()[0].rule == "symlink-outside");
  CHECK(folder.all()[0].file == "layouts");
}

TEST_CASE("loader: a loop of symbolic links is unreadable, not outside the repository") {
  TempRepo repo;
  fs::create_symlink("b.yaml", repo.root / "a.yaml");
  fs::create_symlink("a.yaml", repo.root / "b.yaml");
  DiagBag diags;
  int docs = 0;
  load_repo(
      repo.root, LoadOptions{}, diags, [&](RawDoc&&) { ++docs; }, [](RawCsvRow&&) {});
  CHECK(docs == 0);
  auto d = diags.sorted();
  REQUIRE(d.size() == 2);
  for (const auto& one : d) {
    CHECK(one.rule == "file-unreadable");
    CHECK(one.message.find("cannot follow the symbolic link") == 0);
  }
}

TEST_CASE("loader: invalid UTF-8 and NUL bytes are located errors, the file is not read") {
  CHECK_FALSE(check_text("ascii\nand é ü 日本 🙂\n"));
  auto p = check_text("ok: 1\nname: \"ab\xC3\x28\"\n");
  REQUIRE(p);
  CHECK(p->loc.line == 2);
  CHECK(p->loc.col == 10);
  CHECK(p->what == "invalid UTF-8 (byte 0xC3)");
  // UTF-16 is named as such, at the start, rather than by its first byte.
  auto le = check_text(std::string("\xFF\xFE"
                                   "s\0e\0",
                                   6));
  REQUIRE(le);
  CHECK(le->what == "the file is UTF-16 (little-endian, by its byte order mark), not UTF-8");
  CHECK(le->loc.line == 1);
  CHECK(le->loc.col == 1);
  auto be = check_text(std::string("\xFE\xFF\0s\0e", 6));
  REQUIRE(be);
  CHECK(be->what == "the file is UTF-16 (big-endian, by its byte order mark), not UTF-8");
  CHECK(check_text("\xC0\xAF"));         // overlong '/'
  CHECK(check_text("\xED\xA0\x80"));     // a surrogate
  CHECK(check_text("\xF4\x90\x80\x80")); // past U+10FFFF
  CHECK(check_text(std::string("a\0b", 3))->what == "NUL byte (\\0)");
  // The bad byte at every offset of an eight-byte step, after ASCII and after multi-byte text:
  // found, and located by line and character, wherever the fast scan meets it.
  for (const std::string& lead :
       std::vector<std::string>{"", "abc\n", "\xC3\xA9\xC3\xA9\n\xE6\x97\xA5x"}) {
    for (std::size_t at = 0; at < 24; ++at) {
      for (const std::string& bad :
           {std::string("\xFF"), std::string("\0", 1), std::string("\xE6\x97")}) {
        std::string text = lead + "key: " + std::string(at, 'v');
        text += bad + " tail\nmore: text here, long enough for a few steps\n";
        auto q = check_text(text);
        REQUIRE(q);
        CHECK(q->loc.line == (lead.empty() ? 1 : 2));
        const int before = lead.empty() ? 0 : lead == "abc\n" ? 0 : 2; // characters after lead's \n
        CHECK(q->loc.col == before + 6 + static_cast<int>(at));
        CHECK_FALSE(check_text(lead + "key: " + std::string(at, 'v') + "\xC3\xA9 tail\n"));
      }
    }
  }

  TempRepo repo;
  repo.write("services/a.yaml", "service:\n  name: a\n  description: \"caf\xE9\"\n");
  DiagBag diags;
  int docs = 0;
  load_repo(
      repo.root, LoadOptions{}, diags, [&](RawDoc&&) { ++docs; }, [](RawCsvRow&&) {});
  CHECK(docs == 0);
  REQUIRE(diags.all().size() == 1);
  CHECK(diags.all()[0].rule == "file-encoding");
  CHECK(diags.all()[0].loc.line == 3);
  CHECK(diags.all()[0].loc.col == 20);
}

namespace {

// `text` (ASCII) in UTF-16 or UTF-32, little- or big-endian, after its byte order mark or not.
std::string encode_wide(std::string_view text, int width, bool little, bool mark) {
  std::string out;
  auto put = [&](char32_t c) {
    for (int i = 0; i < width; ++i) {
      const int shift = 8 * (little ? i : width - 1 - i);
      out += static_cast<char>((c >> shift) & 0xFF);
    }
  };
  if (mark) put(0xFEFF);
  for (char c : text)
    put(static_cast<unsigned char>(c));
  return out;
}

} // namespace

TEST_CASE("loader: UTF-16 and UTF-32 are named exactly, by their mark or their zero bytes") {
  struct Case {
    int width;
    bool little;
    const char* name;
    const char* shown;
  };
  for (const Case& c : {Case{2, true, "UTF-16LE", "UTF-16 (little-endian"},
                        Case{2, false, "UTF-16BE", "UTF-16 (big-endian"},
                        Case{4, true, "UTF-32LE", "UTF-32 (little-endian"},
                        Case{4, false, "UTF-32BE", "UTF-32 (big-endian"}}) {
    CAPTURE(c.name);
    for (bool mark : {true, false}) {
      CAPTURE(mark);
      const std::string text = encode_wide("service:\n  name: a\n", c.width, c.little, mark);
      auto p = check_text(text);
      REQUIRE(p);
      CHECK(p->loc.line == 1);
      CHECK(p->loc.col == 1);
      CHECK(p->what == std::string(mark ? "the file is " : "the file looks like ") + c.shown +
                           (mark ? ", by its byte order mark), not UTF-8"
                                 : ", without a byte order mark), not UTF-8"));
      CHECK(p->hint.find("save it as UTF-8") == 0);
      CHECK(p->hint.find(std::string("iconv -f ") + c.name + " -t UTF-8") != std::string::npos);
      REQUIRE(foreign_encoding(text));
      CHECK(foreign_encoding(text)->what == p->what);
    }
  }
  // UTF-32 LE's mark is UTF-16 LE's and two zero bytes: the longer is tested first. A mark alone
  // is enough.
  CHECK(check_text(std::string("\xFF\xFE\0\0", 4))->what.find("UTF-32 (little") !=
        std::string::npos);
  CHECK(check_text(std::string("\xFF\xFE", 2))->what.find("UTF-16 (little") != std::string::npos);
  CHECK(check_text(std::string("\xFE\xFF", 2))->what.find("UTF-16 (big") != std::string::npos);
  // A stray NUL in UTF-8 text is a NUL, not an encoding, and UTF-8 is never foreign.
  CHECK(check_text(std::string("a\0b", 3))->what == "NUL byte (\\0)");
  CHECK(check_text(std::string("ab\0\0", 4))->what == "NUL byte (\\0)");
  CHECK(check_text(std::string("ab\0\0", 4))->hint.empty());
  CHECK_FALSE(foreign_encoding("service:\n"));
  CHECK_FALSE(foreign_encoding("\xEF\xBB\xBFservice:\n"));
  CHECK_FALSE(foreign_encoding(""));
}

TEST_CASE("loader: UTF-16 and UTF-32 text that starts outside Latin-1 is named by its zero bytes") {
  // No mark, and a first character whose bytes hold no zero (CJK): YAML 1.2's rule cannot tell,
  // the zero bytes of the ASCII characters further on do.
  auto encode = [](std::u32string_view text, int width, bool little) {
    std::string out;
    for (char32_t c : text)
      for (int i = 0; i < width; ++i)
        out += static_cast<char>((c >> (8 * (little ? i : width - 1 - i))) & 0xFF);
    return out;
  };
  struct Case {
    int width;
    bool little;
    const char* shown;
  };
  const std::u32string texts[] = {
      U"名前: 決済\n説明: 注文の支払い\nservice:\n  name: a\n",
      // U+4E00 is 00 4E in UTF-16 little-endian: a zero byte on the other side, which a few may
      // have.
      U"名前: 一覧\n一二三: 決済\nservice:\n  name: a\n",
      U"決済サービス\n\n障害が起きたら:\n- 状態を確認する\n- ログを見る\n"};
  for (const Case& c :
       {Case{2, true, "UTF-16 (little-endian"}, Case{2, false, "UTF-16 (big-endian"},
        Case{4, true, "UTF-32 (little-endian"}, Case{4, false, "UTF-32 (big-endian"}})
    for (const auto& text : texts) {
      CAPTURE(c.shown);
      const std::string bytes = encode(text, c.width, c.little);
      if (c.width == 2) {
        REQUIRE(bytes[0] != '\0');
        REQUIRE(bytes[1] != '\0');
      }
      auto p = check_text(bytes);
      REQUIRE(p);
      CHECK(p->loc.line == 1);
      CHECK(p->loc.col == 1);
      CHECK(p->what == std::string("the file looks like ") + c.shown +
                           ", without a byte order mark), not UTF-8");
    }
  // UTF-8 never holds a zero byte: a few stray ones are NULs at their place, as are many that
  // fall on both sides, and UTF-8 text is never foreign.
  const std::string cjk = "名前: 決済\n";
  for (const std::string& stray : {std::string("a\0b\0c\0", 6), std::string(8, '\0')}) {
    auto p = check_text(cjk + stray + "x\n");
    REQUIRE(p);
    CHECK(p->what == "NUL byte (\\0)");
    CHECK(p->loc.line == 2);
  }
  CHECK_FALSE(check_text(cjk));
  CHECK_FALSE(foreign_encoding(cjk));
  CHECK_FALSE(foreign_encoding(std::string(600, 'a') + std::string(8, '\0')));
  // A Markdown file so saved is refused at 1:1, not skipped as plain Markdown.
  TempRepo repo;
  repo.write("runbooks/r.md", encode(texts[2], 2, true));
  DiagBag diags;
  load_repo(
      repo.root, LoadOptions{}, diags, [](RawDoc&&) {}, [](RawCsvRow&&) {});
  REQUIRE(diags.all().size() == 1);
  CHECK(diags.all()[0].rule == "file-encoding");
  CHECK(diags.all()[0].loc.line == 1);
  CHECK(diags.all()[0].message.find("UTF-16 (little-endian") != std::string::npos);
}

TEST_CASE("loader: a document or CSV file whose name is not UTF-8 is refused; another's skipped") {
  TempRepo repo;
  repo.write("services/auth\xff.yaml", "service:\n  name: auth\n");
  repo.write("metrics/d\xe9.csv", "slo,date,good,total\nx,2026-10-01,1,1\n");
  repo.write("compose/d\xe9.yaml", "services:\n  web:\n    image: nginx\n");
  repo.write("services/ok.yaml", "service:\n  name: ok\n");
  DiagBag diags;
  std::vector<std::string> ids;
  std::size_t rows = 0;
  LoadNotes notes;
  load_repo(
      repo.root, LoadOptions{}, diags, [&](RawDoc&& d) { ids.push_back(d.file); },
      [&](RawCsvRow&&) { ++rows; }, &notes);
  CHECK(ids == std::vector<std::string>{"services/ok.yaml"});
  CHECK(rows == 0);
  REQUIRE(diags.all().size() == 2);
  for (const auto& d : diags.all()) {
    CHECK(d.rule == "file-encoding");
    CHECK(d.loc.line == 1);
    CHECK(d.message == "the file's name is not valid UTF-8; the file is not read");
  }
  CHECK(notes.skipped == std::vector<std::string>{"compose/d\xe9.yaml"});
}

TEST_CASE("loader: YAML, Markdown and CSV files in UTF-16 or UTF-32 are refused at 1:1") {
  TempRepo repo;
  const std::string service = "service:\n  name: a\n";
  const std::string runbook = "---\nrunbook:\n  title: T\n---\n# Body\n";
  const std::string plain_md = "# Notes\n\nNot a document.\n";
  const std::string csv = "slo,date,good,total\ns,2026-01-01,1,2\n";
  struct Enc {
    const char* tag;
    int width;
    bool little;
    bool mark;
  };
  const Enc encodings[] = {{"u16le", 2, true, true},     {"u16be", 2, false, true},
                           {"u32le", 4, true, true},     {"u32be", 4, false, true},
                           {"u16le-nm", 2, true, false}, {"u32be-nm", 4, false, false}};
  std::vector<std::string> expected; // every file, sorted as the walk reports them
  for (const Enc& e : encodings) {
    const std::string t = e.tag;
    repo.write("metrics/" + t + ".csv", encode_wide(csv, e.width, e.little, e.mark));
    repo.write("notes/" + t + ".md", encode_wide(plain_md, e.width, e.little, e.mark));
    repo.write("runbooks/" + t + ".md", encode_wide(runbook, e.width, e.little, e.mark));
    repo.write("services/" + t + ".yaml", encode_wide(service, e.width, e.little, e.mark));
    for (const char* f : {"metrics/", "notes/", "runbooks/", "services/"})
      expected.push_back(f + t + (f[0] == 'm' ? ".csv" : f[0] == 's' ? ".yaml" : ".md"));
  }
  // Plain Markdown in UTF-8, with a stray invalid byte, is still not ours to check.
  repo.write("notes/latin1.md", "# Caf\xE9\n");
  std::sort(expected.begin(), expected.end());
  DiagBag diags;
  LoadNotes notes;
  int docs = 0, rows = 0;
  LoadHooks hooks;
  hooks.on_doc = [&](RawDoc&&) { ++docs; };
  hooks.on_csv = [&](RawCsvRow&&) { ++rows; };
  load_repo(repo.root, LoadOptions{}, diags, hooks, &notes);
  CHECK(docs == 0);
  CHECK(rows == 0);
  std::vector<std::string> files;
  for (const auto& d : diags.all()) {
    CAPTURE(d.file);
    CHECK(d.rule == "file-encoding");
    CHECK(d.severity == Severity::Error);
    CHECK(d.loc.line == 1);
    CHECK(d.loc.col == 1);
    // Each named by its own encoding: u16le.md as UTF-16 little-endian, and so on.
    const std::string tag = fs::path(d.file).stem().string();
    const std::string shown = std::string(tag[1] == '1' ? "UTF-16 (" : "UTF-32 (") +
                              (tag.substr(3, 2) == "le" ? "little" : "big") + "-endian, ";
    CHECK(d.message.find(shown) != std::string::npos);
    CHECK((d.message.find("by its byte order mark") != std::string::npos) ==
          (tag.find("-nm") == std::string::npos));
    CHECK(d.hint.find("save it as UTF-8") == 0);
    files.push_back(d.file);
  }
  CHECK(files == expected);
  // Named as what they are: no Markdown file in these encodings is skipped as plain Markdown.
  CHECK(notes.skipped == std::vector<std::string>{"notes/latin1.md"});
  const auto message_of = [&](const std::string& file) {
    for (const auto& d : diags.all())
      if (d.file == file) return d.message;
    return std::string();
  };
  CHECK(message_of("runbooks/u32le.md") ==
        "the file is UTF-32 (little-endian, by its byte order mark), not UTF-8; the file is not "
        "read");
  CHECK(message_of("metrics/u32be.csv") ==
        "the file is UTF-32 (big-endian, by its byte order mark), not UTF-8; the file is not read");
  CHECK(message_of("notes/u16le-nm.md") ==
        "the file looks like UTF-16 (little-endian, without a byte order mark), not UTF-8; the "
        "file is not read");

  // nines.yaml and the theme overrides alike.
  TempRepo other;
  other.write("nines.yaml", encode_wide("title: T\n", 4, false, true));
  other.write("layouts/page.mustache", encode_wide("<p>{{title}}</p>\n", 2, false, true));
  DiagBag config_diags;
  CHECK(load_config_file(other.root, LoadOptions{}, config_diags).is_null());
  CHECK(load_theme_overrides(other.root, LoadOptions{}, config_diags).empty());
  REQUIRE(config_diags.all().size() == 2);
  CHECK(config_diags.all()[0].file == "nines.yaml");
  CHECK(config_diags.all()[0].message ==
        "the file is UTF-32 (big-endian, by its byte order mark), not UTF-8; not read");
  CHECK(config_diags.all()[0].hint.find("iconv -f UTF-32BE -t UTF-8") != std::string::npos);
  CHECK(config_diags.all()[1].file == "layouts/page.mustache");
  CHECK(config_diags.all()[1].message.find("UTF-16 (big-endian") != std::string::npos);
  CHECK(config_diags.all()[1].loc.line == 1);
}

TEST_CASE("loader: CSV byte order marks are dropped; an SLO-day in two files names both") {
  TempRepo repo;
  repo.write("metrics/a.csv",
             "\xEF\xBB\xBFslo,date,good,total\napi,2026-10-01,1,2\napi,2026-10-02,1,2\n");
  repo.write("metrics/b.csv", "slo,date,good,total\napi,2026-10-03,1,2\n api ,2026-10-02,5,5\n");
  DiagBag diags;
  std::vector<RawCsvRow> rows;
  load_repo(
      repo.root, LoadOptions{}, diags, [](RawDoc&&) {},
      [&](RawCsvRow&& r) { rows.push_back(std::move(r)); });
  // The row of a day another gave is handed on with its clash, which the row's decoding reports
  // only when the row can be read (a row that cannot holds no day).
  REQUIRE(rows.size() == 6);
  CHECK(rows[0].cells[0] == "slo");
  CHECK(diags.all().empty());
  for (std::size_t i = 0; i < 5; ++i)
    CHECK_FALSE(rows[i].clash);
  REQUIRE(rows[5].clash);
  const Diagnostic& d = *rows[5].clash;
  CHECK(d.rule == "csv-duplicate-day");
  CHECK(d.file == "metrics/b.csv");
  CHECK(d.loc.line == 3);
  CHECK(d.message == "SLO 'api' day 2026-10-02 is also recorded in metrics/a.csv:3");
}

TEST_CASE("loader: CsvDays finds a day again in any order and keeps odd spellings apart") {
  CsvDays days;
  DiagBag diags;
  days.begin_file("metrics/a.csv");
  CHECK(days.add("api", "2026-10-03", 2, diags));
  CHECK(days.add("api", "2026-10-01", 3, diags)); // before the last: inserted in place
  CHECK(days.add("api", "2026-10-02", 4, diags));
  CHECK(days.add("web", "2026-10-02", 5, diags)); // another SLO's day
  CHECK(days.add("api", "2026-10-1", 6, diags));  // not YYYY-MM-DD: kept as written
  CHECK(days.add("api", "0000-00-00", 7, diags));
  CHECK(diags.all().empty());
  days.begin_file("metrics/b.csv");
  CHECK_FALSE(days.add("api", "2026-10-01", 2, diags));
  CHECK_FALSE(days.add("api", " 2026-10-1 ", 3, diags));
  CHECK_FALSE(days.add("api", "0000-00-00", 4, diags));
  CHECK(days.add("api", "2026-10-04", 5, diags));
  CHECK_FALSE(days.add("api", "2026-10-04", 6, diags));
  REQUIRE(diags.all().size() == 4);
  CHECK(diags.all()[0].message == "SLO 'api' day 2026-10-01 is also recorded in metrics/a.csv:3");
  CHECK(diags.all()[1].message == "SLO 'api' day 2026-10-1 is also recorded in metrics/a.csv:6");
  CHECK(diags.all()[2].message == "SLO 'api' day 0000-00-00 is also recorded in metrics/a.csv:7");
  CHECK(diags.all()[3].message ==
        "SLO 'api' day 2026-10-04 is also recorded on line 5 of this file");
  CHECK(diags.all()[3].file == "metrics/b.csv");
}

namespace {

// Loads `repo` with a CSV hook that does what decode_csv_row does with a row: its own error first
// (a good count "x" is not a number), then its clash, else it is read. Returns "file:line" of the
// rows read.
std::vector<std::string> load_csv_as_decoded(const TempRepo& repo, DiagBag& diags) {
  std::vector<std::string> read;
  load_repo(
      repo.root, LoadOptions{}, diags, [](RawDoc&&) {},
      [&](RawCsvRow&& r) {
        if (r.cells[2] == "x")
          diags.error(r.file, {r.line, 1}, "csv-row", "good count 'x' is not a number");
        else if (r.clash)
          diags.add(*r.clash);
        else if (r.line > 1)
          read.push_back(r.file + ":" + std::to_string(r.line));
      });
  return read;
}

} // namespace

TEST_CASE("loader: a CSV row its hook refuses does not hold its day") {
  TempRepo repo;
  repo.write("metrics/a.csv", "slo,date,good,total\napi,2026-10-02,x,2\n");
  repo.write("metrics/b.csv", "slo,date,good,total\napi,2026-10-02,1,2\napi,2026-10-02,2,2\n");
  DiagBag diags;
  const std::vector<std::string> read = load_csv_as_decoded(repo, diags);
  // a.csv's row is refused, so b.csv's first row holds the day and its second is the duplicate.
  CHECK(read == std::vector<std::string>{"metrics/b.csv:2"});
  REQUIRE(diags.all().size() == 2);
  CHECK(diags.all()[0].rule == "csv-row");
  CHECK(diags.all()[1].rule == "csv-duplicate-day");
  CHECK(diags.all()[1].message ==
        "SLO 'api' day 2026-10-02 is also recorded on line 2 of this file");
}

TEST_CASE("loader: a broken row for a day a good row gave is its own error, not a clash") {
  TempRepo repo;
  repo.write("metrics/a.csv", "slo,date,good,total\napi,2026-10-02,1,2\n");
  repo.write("metrics/b.csv", "slo,date,good,total\napi,2026-10-02,x,2\napi,2026-10-02,2,2\n");
  DiagBag diags;
  const std::vector<std::string> read = load_csv_as_decoded(repo, diags);
  CHECK(read == std::vector<std::string>{"metrics/a.csv:2"});
  REQUIRE(diags.all().size() == 2);
  CHECK(diags.all()[0].rule == "csv-row");
  CHECK(diags.all()[0].loc.line == 2);
  CHECK(diags.all()[1].rule == "csv-duplicate-day");
  CHECK(diags.all()[1].loc.line == 3);
  CHECK(diags.all()[1].message == "SLO 'api' day 2026-10-02 is also recorded in metrics/a.csv:2");
}

TEST_CASE("loader: CsvDays forgets only the row it is asked to") {
  CsvDays days;
  DiagBag diags;
  days.begin_file("metrics/a.csv");
  CHECK(days.add("api", "2026-10-02", 2, diags));
  CHECK(days.add("api", "2026-10-1", 3, diags));
  days.forget("api", "2026-10-02", 9); // another line: kept
  days.forget("web", "2026-10-02", 2); // another SLO: nothing to forget
  CHECK_FALSE(days.add("api", "2026-10-02", 4, diags));
  days.forget("api", " 2026-10-02 ", 2);
  days.forget("api", "2026-10-1", 3);
  CHECK(days.add("api", "2026-10-02", 5, diags));
  CHECK(days.add("api", "2026-10-1", 6, diags));
  CHECK(diags.all().size() == 1);
}

TEST_CASE(
    "loader: CsvDays in descending date order finds every day again, forgets, and stays fast") {
  CsvDays days;
  DiagBag diags;
  days.begin_file("metrics/a.csv");
  // 300,000 days, newest first: each before the last given. In place, every insert moved the
  // days after it (quadratic: minutes); now each is a tree insert.
  const std::int64_t first = *parse_date("1200-01-01");
  const int n = 300000;
  for (int i = n - 1; i >= 0; --i)
    REQUIRE(days.add("api", format_date(first + i), n - i + 1, diags));
  CHECK(diags.all().empty());
  days.begin_file("metrics/b.csv");
  CHECK_FALSE(days.add("api", format_date(first), 2, diags));         // given last, in the tree
  CHECK_FALSE(days.add("api", format_date(first + n - 1), 3, diags)); // given first, in order
  CHECK(days.add("api", format_date(first + n), 4, diags));           // new, after every day
  REQUIRE(diags.all().size() == 2);
  // Forgetting a day of the tree frees it; a day the tree holds after the vector's last day (once
  // that is forgotten) is still found.
  CsvDays few;
  DiagBag more;
  few.begin_file("metrics/a.csv");
  CHECK(few.add("api", "2026-10-03", 2, more));
  CHECK(few.add("api", "2026-10-01", 3, more)); // before the last: the tree
  few.forget("api", "2026-10-01", 3);
  CHECK(few.add("api", "2026-10-01", 4, more));
  CHECK(few.add("api", "2026-10-05", 5, more));
  CHECK(few.add("api", "2026-10-04", 6, more)); // the tree
  few.forget("api", "2026-10-05", 5);           // the vector ends at 10-03 again
  CHECK_FALSE(few.add("api", "2026-10-04", 7, more));
  REQUIRE(more.all().size() == 1);
  CHECK(more.all()[0].message ==
        "SLO 'api' day 2026-10-04 is also recorded on line 6 of this file");
}

TEST_CASE("loader: an unreadable folder is reported, the walk goes on") {
  if (::geteuid() == 0) return; // root reads every folder: nothing to test
  TempRepo repo;
  repo.write("postmortems/p.yaml", "postmortem:\n  title: x\n");
  repo.write("services/a.yaml", "service:\n  name: a\n");
  fs::permissions(repo.root / "postmortems", fs::perms::none);
  DiagBag diags;
  int docs = 0;
  load_repo(
      repo.root, LoadOptions{}, diags, [&](RawDoc&&) { ++docs; }, [](RawCsvRow&&) {});
  fs::permissions(repo.root / "postmortems", fs::perms::owner_all);
  CHECK(docs == 1);
  REQUIRE(diags.all().size() == 1);
  CHECK(diags.all()[0].file == "postmortems");
  CHECK(diags.all()[0].rule == "file-unreadable");
  CHECK(diags.all()[0].message.find("cannot read folder") == 0);
}

TEST_CASE("loader: nines.yaml follows the loader's rules") {
  TempRepo repo;
  DiagBag diags;
  auto first = [&]() -> const Diagnostic& {
    REQUIRE(!diags.all().empty());
    return diags.all().back();
  };
  // A folder, a FIFO: not "larger than the limit".
  fs::create_directories(repo.root / "nines.yaml");
  CHECK(load_config_file(repo.root, LoadOptions{}, diags).is_null());
  CHECK(first().message == "is a folder, not a file; not read");
  fs::remove(repo.root / "nines.yaml");
  REQUIRE(::mkfifo((repo.root / "nines.yaml").c_str(), 0600) == 0);
  CHECK(load_config_file(repo.root, LoadOptions{}, diags).is_null());
  CHECK(first().message == "is a named pipe (FIFO), not a file; not read");
  fs::remove(repo.root / "nines.yaml");
  // A link to a file outside (a token file, say): not read, so never echoed.
  fs::path outside =
      repo.root.parent_path() / ("nines-outside-token-" + std::to_string(::getpid()));
  std::ofstream(outside) << "ghp_secret_token_value\n";
  fs::create_symlink(outside, repo.root / "nines.yaml");
  CHECK(load_config_file(repo.root, LoadOptions{}, diags).is_null());
  fs::remove(outside);
  CHECK(first().rule == "symlink-outside");
  for (const auto& d : diags.all())
    CHECK(d.message.find("ghp_") == std::string::npos);
  fs::remove(repo.root / "nines.yaml");
  // A link inside the repository is fine.
  repo.write("config/real.yaml", "title: T\n");
  fs::create_symlink("config/real.yaml", repo.root / "nines.yaml");
  const std::size_t before = diags.all().size();
  CHECK(load_config_file(repo.root, LoadOptions{}, diags).is_map());
  CHECK(diags.all().size() == before);
  fs::remove(repo.root / "nines.yaml");
  // A bare word is not a configuration.
  repo.write("nines.yaml", "GARBAGE\n");
  CHECK(load_config_file(repo.root, LoadOptions{}, diags).is_null());
  CHECK(first().rule == "schema");
  CHECK(first().loc.line == 1);
}

TEST_CASE("loader: theme overrides are read under the loader's rules") {
  TempRepo repo;
  repo.write("layouts/base.mustache", "<html>{{{content}}}</html>");
  repo.write("layouts/partials/nav.mustache", "<nav></nav>");
  fs::path outside = repo.root.parent_path() / ("nines-outside-" + std::to_string(::getpid()));
  std::ofstream(outside) << "root:x:0:0:root:/root:/bin/bash\n";
  fs::create_symlink(outside, repo.root / "layouts" / "slo.mustache");
  DiagBag diags;
  auto files = load_theme_overrides(repo.root, LoadOptions{}, diags);
  fs::remove(outside);
  CHECK(files.size() == 2);
  CHECK(files.at("layouts/base.mustache") == "<html>{{{content}}}</html>");
  CHECK(files.count("layouts/partials/nav.mustache") == 1);
  REQUIRE(diags.all().size() == 1);
  CHECK(diags.all()[0].rule == "symlink-outside");
  CHECK(diags.all()[0].file == "layouts/slo.mustache");

  // The size limit is the repository's own limits.max_file_bytes, not a fixed one.
  LoadOptions small;
  small.max_file_bytes = 12;
  DiagBag small_diags;
  auto kept = load_theme_overrides(repo.root, small, small_diags);
  CHECK(kept.count("layouts/partials/nav.mustache") == 1); // 11 bytes: within the limit
  CHECK(kept.count("layouts/base.mustache") == 0);
  bool too_large = false;
  for (const auto& d : small_diags.all())
    too_large |= d.rule == "file-too-large" && d.file == "layouts/base.mustache";
  CHECK(too_large);
}

TEST_CASE("loader: a layouts folder linked out of the repository is refused at the link") {
  TempRepo repo;
  const fs::path outside =
      repo.root.parent_path() / ("nines-outside-layouts-" + std::to_string(::getpid()));
  fs::remove_all(outside);
  fs::create_directories(outside / "partials");
  std::ofstream(outside / "base.mustache") << "root:x:0:0:root:/root:/bin/bash\n";
  std::ofstream(outside / "partials" / "nav.mustache") << "<nav>secret</nav>";
  auto load = [&](DiagBag& diags) { return load_theme_overrides(repo.root, LoadOptions{}, diags); };
  // layouts/ itself a link out: one error at the link, nothing of it (partials/ included) read.
  fs::create_symlink(outside, repo.root / "layouts");
  DiagBag whole;
  CHECK(load(whole).empty());
  REQUIRE(whole.all().size() == 1);
  CHECK(whole.all()[0].rule == "symlink-outside");
  CHECK(whole.all()[0].file == "layouts");
  CHECK(whole.all()[0].message.find("outside the content repository") != std::string::npos);
  // layouts/partials/ a link out of a folder of the repository: its files are left out, the
  // folder's own are read.
  fs::remove(repo.root / "layouts");
  repo.write("layouts/base.mustache", "<html>{{{content}}}</html>");
  fs::create_symlink(outside / "partials", repo.root / "layouts" / "partials");
  DiagBag partials;
  auto files = load(partials);
  CHECK(files.size() == 1);
  CHECK(files.count("layouts/base.mustache") == 1);
  REQUIRE(partials.all().size() == 1);
  CHECK(partials.all()[0].rule == "symlink-outside");
  CHECK(partials.all()[0].file == "layouts/partials");
  // A link to nothing is not followed: where it leads could be made later, anywhere.
  fs::remove(repo.root / "layouts" / "partials");
  fs::create_symlink(outside / "gone", repo.root / "layouts" / "partials");
  DiagBag dangling;
  CHECK(load(dangling).size() == 1);
  REQUIRE(dangling.all().size() == 1);
  CHECK(dangling.all()[0].rule == "file-unreadable");
  CHECK(dangling.all()[0].file == "layouts/partials");
  // A linked folder inside the repository is read as it is.
  fs::remove(repo.root / "layouts" / "partials");
  repo.write("theme/partials/nav.mustache", "<nav></nav>");
  fs::create_symlink("../theme/partials", repo.root / "layouts" / "partials");
  DiagBag inside;
  files = load(inside);
  fs::remove_all(outside);
  CHECK(inside.all().empty());
  CHECK(files.size() == 2);
  CHECK(files.at("layouts/partials/nav.mustache") == "<nav></nav>");
}

TEST_CASE("loader: files of other tools are skipped and listed, typos of a kind are not") {
  TempRepo repo;
  repo.write("mkdocs.yml", "site_name: Docs\nnav:\n  - Home: index.md\n");
  repo.write("docker-compose.yml", "services:\n  web:\n    image: nginx\n");
  repo.write("k8s/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n");
  repo.write("docs/page.md", "---\ntitle: Page\nslug: /page\n---\nText\n");
  repo.write("tasks.yaml", "- name: build\n- name: test\n");
  repo.write("promtool-test.yaml", "rule_files: [a.yaml]\ntests: []\n");
  repo.write("services/typo.yaml", "servces:\n  name: a\n  tier: critical\n");
  repo.write("services/ok.yaml", "service:\n  name: ok\n");
  repo.write("chart/values.yaml", "replicaCount: 2\nservice:\n  type: ClusterIP\n  port: 80\n");
  repo.write("sloth.yaml", "version: prometheus/v1\nservice: pay\nslos: []\n");
  DiagBag diags;
  std::vector<std::string> seen;
  LoadNotes notes;
  load_repo(
      repo.root, LoadOptions{}, diags, [&](RawDoc&& d) { seen.push_back(d.file); },
      [](RawCsvRow&&) {}, &notes);
  CHECK(seen == std::vector<std::string>{"services/ok.yaml", "sloth.yaml"}); // Sloth: a dialect
  CHECK(notes.skipped == std::vector<std::string>{"chart/values.yaml", "docker-compose.yml",
                                                  "docs/page.md", "k8s/deploy.yaml", "mkdocs.yml",
                                                  "promtool-test.yaml", "tasks.yaml"});
  CHECK(notes.failed == std::vector<std::string>{"services/typo.yaml"});
  auto d = diags.sorted();
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "unknown document kind 'servces', did you mean 'service'?");
}

TEST_CASE("loader: Markdown front matter reads its kind beside a site generator's keys") {
  TempRepo repo;
  // Hugo's and Jekyll's keys beside the runbook: the runbook is read, their keys dropped.
  // A kind's name with a plain value among them (`service: checkout-api`) is a page parameter.
  repo.write("runbooks/raid.md",
             "---\ntitle: Node RAID Degraded\nweight: 20\ndraft: false\n"
             "service: storage\ntags: [storage]\nrunbook:\n  title: Node RAID degraded\n"
             "  alert_name: NodeRAIDDegraded\nx-note: kept\n---\n# Body\n");
  // A kind key that holds no mapping is a page's own parameter (`service: checkout-api`).
  repo.write("docs/page.md", "---\ntitle: Checkout\nservice: checkout-api\n---\nText\n");
  // In a YAML file a kind key beside others stays another tool's: a Helm values.yaml.
  repo.write("values.yaml", "replicaCount: 2\nservice:\n  type: ClusterIP\n");
  DiagBag diags;
  LoadNotes notes;
  std::vector<RawDoc> docs;
  load_repo(
      repo.root, LoadOptions{}, diags, [&](RawDoc&& d) { docs.push_back(std::move(d)); },
      [](RawCsvRow&&) {}, &notes);
  CHECK(diags.sorted().empty());
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].file == "runbooks/raid.md");
  CHECK(docs[0].kind == "runbook");
  CHECK(docs[0].kind_loc.line == 7);
  std::vector<std::string> keys;
  for (const auto& e : docs[0].root.entries)
    keys.push_back(e.key);
  CHECK(keys == std::vector<std::string>{"runbook", "x-note"});
  CHECK(docs[0].body == "# Body\n");
  CHECK(notes.skipped == std::vector<std::string>{"docs/page.md", "values.yaml"});
}

TEST_CASE("loader: other tools' files are skipped: broken, near a kind, or a kind's name alone") {
  TempRepo repo;
  // Not one document parses and no key at column 1 names a kind: another tool's file (MkDocs
  // Material's template, valid YAML yaml-cpp refuses; a Helm template kept apart).
  repo.write("mkdocs/default.yml", "definitions:\n\n  - &background_image >-\n    {{ x }}\n");
  repo.write("k8s/deploy.yaml", "apiVersion: apps/v1\n{{- include \"x\" . | nindent 4 }}\n");
  // A nines document that does not parse keeps its error.
  repo.write("services/broken.yaml", "service:\n  name: [broken\n");
  // Words near a kind over another tool's mapping: a Drupal module's services, an agent's
  // incident record, a command's policy, a lone seo: in front matter.
  repo.write("drupal/ws.services.yml",
             "services:\n  _defaults:\n    autoconfigure: true\n  ws.manager:\n"
             "    class: Drupal\\ws\\Manager\n  Drupal\\ws\\ManagerInterface: '@ws.manager'\n");
  repo.write("agents/violation.md", "---\nincident:\n  id: 7\n  task_id: t-1\n"
                                    "  what_happened: x\n  category: y\n---\nText\n");
  repo.write("commands/validate.md", "---\npolicy:\n  tier: 1\n  triggers: [a]\n---\nText\n");
  repo.write("docs/seo.md", "---\nseo:\n  title: T\n  description: D\n---\nText\n");
  // A Hugo runbook page whose `runbook:` parameter is the generator's.
  repo.write("docs/runbook-page.md", "---\ntitle: Restart\nlayout: runbook\nowner: [x]\n"
                                     "runbook:\n  variables:\n    - name: INSTALLATION\n---\nT\n");
  // A typo of a kind over that kind's fields is still the error it was.
  repo.write("services/typo.yaml", "servce:\n  name: a\n  tier: critical\n  owner_team: t\n");
  // A kind whose line lost its colon is a nines document gone wrong, not another tool's file.
  repo.write("services/nocolon.yaml", "service\n  name: b\n  tier: critical\n");
  // A Jekyll page saved as .yml: its front matter parses as a first document, its Markdown not.
  repo.write("jekyll/page.yml", "---\nlayout: default\ntitle: T\n---\n\n`jekyll serve` x\n");
  // A policy's state pushed back to column 1 below two of its fields: the policy's error.
  repo.write("policies/p.yaml", "error_budget_policy:\n  service: a\n  budget_states:\n"
                                "healthy:\n  condition: remaining_budget > 50%\n");
  // In front matter, the kind's own name over half of its fields: a runbook with a typo.
  repo.write("runbooks/small.md", "---\ntitle: T\nweight: 1\nrunbook:\n  title: T\n"
                                  "  alertname: x\n---\nBody\n");
  // A Backstage skeleton's docker-compose file with Nunjucks lines: its `services:` opens a
  // mapping of mappings, no misspelt service. A misspelt service over its fields in a file that
  // does not parse keeps its syntax error.
  repo.write("skeleton/docker-compose.yaml",
             "version: \"3.9\"\nservices:\n  app:\n    image: nginx\n    environment:\n"
             "      - A=1\n{%- if values.x %}\n      - B=2\n{%- endif %}\n");
  repo.write("services/plural.yaml", "services:\n  name: c\n  tier: [critical\n");
  // A home-made SLO file that bears kinds' names over what no kind holds: another tool's.
  repo.write("slo/slo.yaml", "service: log-ingestion\nversion: \"1.0.0\"\nslos:\n  - id: SLO-001\n"
                             "error_budget_policy:\n  budget_50pct_consumed:\n    action: freeze\n"
                             "endpoints:\n  slo_status: GET /metrics\n");
  LoadOptions opts;
  opts.kind_field = [](const std::string& kind, const std::string& key) {
    static const std::map<std::string, std::set<std::string>> fields = {
        {"service", {"name", "tier", "owner_team", "type", "description"}},
        {"postmortem", {"id", "title", "date", "severity", "status"}},
        {"error_budget_policy", {"id", "service", "budget_states", "exceptions"}},
        {"slo", {"id", "service", "sli", "target", "window", "description"}},
        {"runbook", {"id", "title", "alert_name", "service", "owner", "last_updated"}}};
    const auto it = fields.find(kind);
    return it != fields.end() && it->second.count(key) != 0;
  };
  DiagBag diags;
  LoadNotes notes;
  std::vector<std::string> seen;
  load_repo(
      repo.root, opts, diags, [&](RawDoc&& d) { seen.push_back(d.file); }, [](RawCsvRow&&) {},
      &notes);
  CHECK(seen == std::vector<std::string>{"runbooks/small.md"});
  CHECK(notes.skipped == std::vector<std::string>{"agents/violation.md", "commands/validate.md",
                                                  "docs/runbook-page.md", "docs/seo.md",
                                                  "drupal/ws.services.yml", "jekyll/page.yml",
                                                  "k8s/deploy.yaml", "mkdocs/default.yml",
                                                  "skeleton/docker-compose.yaml", "slo/slo.yaml"});
  const auto d = diags.sorted();
  REQUIRE(d.size() == 5);
  CHECK(d[0].file == "policies/p.yaml");
  CHECK(d[0].rule == "unknown-kind");
  CHECK(d[0].loc.line == 4);
  CHECK(d[1].file == "services/broken.yaml");
  CHECK(d[1].rule == "yaml-syntax");
  CHECK(d[2].file == "services/nocolon.yaml");
  CHECK(d[2].rule == "yaml-syntax");
  CHECK(d[3].file == "services/plural.yaml");
  CHECK(d[3].rule == "yaml-syntax");
  CHECK(d[4].file == "services/typo.yaml");
  CHECK(d[4].message == "unknown document kind 'servce', did you mean 'service'?");
}

TEST_CASE("loader: a kind's own field beside it in front matter is an error, not dropped") {
  TempRepo repo;
  // `last_updated` at column 1: the runbook's field out of place. `title` and `id` (the site
  // generators' own keys) and `x-` keys stay the generator's and the user's.
  repo.write("runbooks/raid.md", "---\ntitle: RAID\nid: raid-page\nrunbook:\n  title: RAID\n"
                                 "  alert_name: NodeRAIDDegraded\nlast_updated: 2026-11-01\n"
                                 "x-note: kept\n---\n# Body\n");
  LoadOptions opts;
  opts.kind_field = [](const std::string& kind, const std::string& key) {
    return kind == "runbook" &&
           (key == "title" || key == "id" || key == "alert_name" || key == "last_updated");
  };
  DiagBag diags;
  std::vector<RawDoc> docs;
  load_repo(
      repo.root, opts, diags, [&](RawDoc&& d) { docs.push_back(std::move(d)); },
      [](RawCsvRow&&) {});
  REQUIRE(docs.size() == 1); // still read
  const auto d = diags.sorted();
  REQUIRE(d.size() == 1);
  CHECK(d[0].rule == "unknown-kind");
  CHECK(d[0].loc.line == 7);
  CHECK(d[0].loc.col == 1);
  CHECK(d[0].message == "'last_updated' is a field of runbook written beside `runbook:` instead "
                        "of under it, so it is not read");
}

TEST_CASE("loader: a kind's short form alone at the top is an unknown kind, with its kind") {
  TempRepo repo;
  const std::vector<std::pair<std::string, std::string>> forms = {
      {"toil", "toil_item"},
      {"capacity", "capacity_model"},
      {"rotation", "oncall_rotation"},
      {"oncall", "oncall_rotation"},
      {"policy", "error_budget_policy"},
      {"budget_policy", "error_budget_policy"},
      {"error_budget", "error_budget_policy"},
      {"readiness", "readiness_review"},
      {"incident", "postmortem"},
      {"report", "monthly_report"},
      // Separators and case aside, other words for a kind, and plurals.
      {"on_call", "oncall_rotation"},
      {"On-Call", "oncall_rotation"},
      {"chaos_experiment", "experiment"},
      {"maturity_assessment", "assessment"},
      {"ToilItem", "toil_item"},
      {"error_budget_policies", "error_budget_policy"},
      {"incidents", "postmortem"}};
  for (const auto& [key, kind] : forms)
    repo.write("docs/" + key + ".yaml", key + ":\n  name: x\n");
  // In front matter, the one key that reads as a kind beside the site generator's.
  repo.write("md/report.md", "---\ntitle: November\nreport:\n  month: 2026-11\n---\nBody\n");
  // Beside other keys of a YAML file, with no mapping under it, or beside another key that reads
  // as a kind: another tool's. A three-letter near miss beside others is no typo (jekyll-seo-tag).
  repo.write("other/app.yaml", "server: {port: 80}\npolicy:\n  retries: 3\n");
  repo.write("other/scalar.yaml", "incident: none\n");
  repo.write("other/two.md", "---\ntitle: t\ntoil:\n  a: 1\nreport:\n  b: 2\n---\nBody\n");
  repo.write("other/seo.md", "---\ntitle: t\nseo:\n  type: Person\n---\nBody\n");
  DiagBag diags;
  LoadNotes notes;
  const std::vector<std::string> seen = loaded_kinds(repo, diags, notes);
  CHECK(seen.empty());
  CHECK(notes.skipped == std::vector<std::string>{"other/app.yaml", "other/scalar.yaml",
                                                  "other/seo.md", "other/two.md"});
  const auto d = diags.sorted();
  REQUIRE(d.size() == forms.size() + 1);
  for (const auto& f : d) {
    CHECK(f.rule == "unknown-kind");
    CHECK(f.loc.col == 1);
  }
  for (std::size_t i = 0; i < forms.size(); ++i) {
    const auto& [key, kind] = forms[i];
    const auto it = std::find_if(
        d.begin(), d.end(), [&](const Diagnostic& x) { return x.file == "docs/" + key + ".yaml"; });
    REQUIRE(it != d.end());
    CHECK(it->message == "unknown document kind '" + key + "', did you mean '" + kind + "'?");
  }
  CHECK(d.back().file == "md/report.md");
  CHECK(d.back().loc.line == 3);
  CHECK(d.back().message == "unknown document kind 'report', did you mean 'monthly_report'?");
}

TEST_CASE("loader: TOML front matter over a nines kind is an error, other TOML front matter not") {
  TempRepo repo;
  repo.write("runbooks/table.md",
             "+++\n# a runbook\n[runbook]\ntitle = \"Disk full\"\nalert_name = \"DiskFull\"\n"
             "+++\n# Disk full\n");
  repo.write("runbooks/dotted.md",
             "+++\ntitle = \"Disk\"\n  runbook.title = \"Disk full\"\n+++\nx\n");
  repo.write("runbooks/inline.md", "\xEF\xBB\xBF+++\n\"service\" = { name = \"a\" }\n+++\n");
  // Hugo's own pages: a `service` key under another table, or in a multi-line string, is theirs.
  repo.write("docs/hugo.md",
             "+++\ntitle = \"Services\"\ndescription = \"\"\"\n"
             "runbook = the word\n\"\"\"\nslo = \"fast\"\n[params]\nservice = {a = 1}\n"
             "[[menu.main]]\nname = \"x\"\n+++\nText\n");
  repo.write("docs/unclosed.md", "+++\ntitle = \"x\"\n");
  DiagBag diags;
  LoadNotes notes;
  const std::vector<std::string> seen = loaded_kinds(repo, diags, notes);
  CHECK(seen.empty());
  CHECK(notes.skipped == std::vector<std::string>{"docs/hugo.md", "docs/unclosed.md"});
  const auto d = diags.sorted();
  REQUIRE(d.size() == 3);
  CHECK(d[0].file == "runbooks/dotted.md");
  CHECK(d[0].loc.line == 3);
  CHECK(d[0].loc.col == 3);
  CHECK(d[1].file == "runbooks/inline.md");
  CHECK(d[1].loc.line == 2);
  CHECK(d[1].message == "TOML front matter is not read; write YAML between `---` lines (its kind "
                        "is 'service')");
  CHECK(d[2].file == "runbooks/table.md");
  CHECK(d[2].loc.line == 3);
  CHECK(d[2].loc.col == 1);
  CHECK(d[2].rule == "yaml-syntax");
  CHECK(
      d[2].hint ==
      "replace the `+++` lines with `---` and write the fields in YAML, indented under `runbook:`");
}

TEST_CASE("loader: rule groups without rules make a rule file, other `groups:` lists do not") {
  TempRepo repo;
  // Prometheus's own testdata: promtool refuses it for the repeated name, so it must be read.
  repo.write("rules/dup.yaml", "groups:\n  - name: yolo\n  - name: yolo\n");
  // A `rules:` left empty (null), and every key Prometheus reads in a group.
  repo.write("rules/null.yml", "groups:\n\n- name: Exporter\n\n  rules:\n");
  repo.write("rules/keys.yaml", "groups:\n  - name: g\n    interval: 1m\n    query_offset: 30s\n"
                                "    limit: 5\n    labels: {team: a}\n    rules:\n");
  repo.write("rules/flow.yaml", "groups: [{name: a}, {name: b, rules: []}]\n");
  // Other tools' `groups:`: a key no rule group has, a name missing, settings beside the groups,
  // `rules` that is no list, no group at all, groups that are no mappings.
  repo.write("other/members.yaml", "groups:\n  - name: admins\n    members: [ana]\n");
  repo.write("other/grafana.yaml", "apiVersion: 1\ngroups:\n  - orgId: 1\n    name: g\n"
                                   "    folder: f\n    rules:\n");
  repo.write("other/noname.yaml", "groups:\n  - interval: 1m\n");
  repo.write("other/app.yaml", "server: {port: 80}\ngroups:\n  - name: admins\n");
  repo.write("other/rules-map.yaml", "groups:\n  - name: a\n    rules: {x: 1}\n");
  repo.write("other/empty.yaml", "groups: []\n");
  repo.write("other/names.yaml", "groups: [admins, devs]\n");
  DiagBag diags;
  LoadNotes notes;
  std::vector<std::string> seen = loaded_kinds(repo, diags, notes);
  std::sort(seen.begin(), seen.end());
  CHECK(seen == std::vector<std::string>{
                    "rules/dup.yaml:prometheus_rules", "rules/flow.yaml:prometheus_rules",
                    "rules/keys.yaml:prometheus_rules", "rules/null.yml:prometheus_rules"});
  CHECK(notes.skipped == std::vector<std::string>{"other/app.yaml", "other/empty.yaml",
                                                  "other/grafana.yaml", "other/members.yaml",
                                                  "other/names.yaml", "other/noname.yaml",
                                                  "other/rules-map.yaml"});
  CHECK(diags.sorted().empty());
}

TEST_CASE("loader: other rulers' groups without rules make a rule file, vmalert's keys alone not") {
  TempRepo repo;
  // A mimirtool (cortextool, lokitool) file names its namespace beside the groups.
  repo.write("rules/mimir.yaml", "namespace: payments\ngroups:\n  - name: federated\n"
                                 "    source_tenants: [a, b]\n    evaluation_delay: 1m\n"
                                 "    align_evaluation_time_on_interval: true\n    rules:\n");
  repo.write("rules/thanos.yaml", "groups:\n  - name: g\n    partial_response_strategy: warn\n");
  // A namespace that is no name is some other tool's setting; keys as common as vmalert's `type`
  // tell nothing without rules to judge by.
  repo.write("other/namespace-map.yaml", "namespace: {a: 1}\ngroups:\n  - name: g\n");
  repo.write("other/typed.yaml", "groups:\n  - name: admins\n    type: ldap\n");
  DiagBag diags;
  LoadNotes notes;
  std::vector<std::string> seen = loaded_kinds(repo, diags, notes);
  std::sort(seen.begin(), seen.end());
  CHECK(seen == std::vector<std::string>{"rules/mimir.yaml:prometheus_rules",
                                         "rules/thanos.yaml:prometheus_rules"});
  CHECK(notes.skipped == std::vector<std::string>{"other/namespace-map.yaml", "other/typed.yaml"});
  CHECK(diags.sorted().empty());
}

TEST_CASE("loader: a front matter that is no YAML is a template's, unless it names a kind") {
  TempRepo repo;
  // Hugo's classic archetype: YAML only once Hugo has filled it in.
  repo.write("archetypes/default.md", "---\ntitle: \"{{ replace .Name \"-\" \" \" | title }}\"\n"
                                      "date: {{ .Date }}\ndraft: true\n---\n");
  repo.write("docs/tab.md", "---\ntitle: a\n\tdate: b\n---\nText\n");
  // A key near a kind with a value on its line is no misspelt kind (a page's slug, not `slo:`).
  repo.write("docs/slug.md", "---\ntitle: \"a \"b\" c\"\nslug: /x\n---\nText\n");
  // A kind, a misspelt one over a mapping, one below `x-` keys and a dialect's mark: ours, broken.
  repo.write("runbooks/broken.md", "---\nrunbook:\n  title: \"a \"b\"\"\n---\nBody\n");
  repo.write("runbooks/near.md", "---\ntitle: \"a \"b\" c\"\nrunbok:\n  title: x\n---\nBody\n");
  repo.write("runbooks/x.md", "---\nx-note: \"a \"b\"\"\nrunbook:\n  title: t\n---\nBody\n");
  repo.write("slos/openslo.md", "---\napiVersion: openslo/v1\nkind: SLO\n"
                                "metadata: {name: \"a \"b\"}\n---\nBody\n");
  repo.write("slos/sloth.md", "---\nversion: \"prometheus/v1\"\nservice: [a\n---\nBody\n");
  // A Kubernetes manifest's apiVersion is no dialect of nines.
  repo.write("docs/k8s.md", "---\napiVersion: v1\nkind: \"a \"b\"\n---\nText\n");
  DiagBag diags;
  LoadNotes notes;
  std::vector<std::string> seen;
  load_repo(
      repo.root, LoadOptions{}, diags, [&](RawDoc&& d) { seen.push_back(d.file); },
      [](RawCsvRow&&) {}, &notes);
  CHECK(seen.empty());
  CHECK(notes.skipped == std::vector<std::string>{"archetypes/default.md", "docs/k8s.md",
                                                  "docs/slug.md", "docs/tab.md"});
  CHECK(notes.failed == std::vector<std::string>{"runbooks/broken.md", "runbooks/near.md",
                                                 "runbooks/x.md", "slos/openslo.md",
                                                 "slos/sloth.md"});
  const auto d = diags.sorted();
  REQUIRE(d.size() == 5);
  for (const auto& f : d)
    CHECK(f.rule == "yaml-syntax");
  CHECK(d[0].file == "runbooks/broken.md");
  CHECK(d[0].loc.line == 3);
}

TEST_CASE("loader: OpenSLO list files, PrometheusRule objects, unsupported versions") {
  TempRepo repo;
  repo.write("list.yaml", "- apiVersion: openslo/v1\n  kind: Service\n  metadata:\n    name: a\n"
                          "- apiVersion: openslo/v1\n  kind: SLI\n  metadata:\n    name: b\n");
  repo.write("rule.yaml",
             "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n"
             "metadata:\n  name: r\nspec:\n  groups:\n    - name: g\n      rules: []\n");
  repo.write("v2.yaml", "apiVersion: openslo/v2alpha\nkind: SLO\nmetadata:\n  name: c\n");
  DiagBag diags;
  std::vector<std::string> seen;
  load_repo(
      repo.root, LoadOptions{}, diags,
      [&](RawDoc&& d) {
        seen.push_back(d.file + ":" + d.kind);
        // The whole object, validated against the operator's CRD; its spec holds the groups.
        if (d.kind == "prometheus_rules")
          CHECK((d.root.get("spec") && d.root.get("spec")->get("groups")));
      },
      [](RawCsvRow&&) {});
  CHECK(seen == std::vector<std::string>{"list.yaml:openslo", "list.yaml:openslo",
                                         "rule.yaml:prometheus_rules"});
  auto d = diags.sorted();
  REQUIRE(d.size() == 1);
  CHECK(d[0].rule == "dialect-version");
  CHECK(d[0].loc.line == 1);
  CHECK(d[0].message == "unsupported OpenSLO version 'openslo/v2alpha'; nines reads openslo/v1");
}

TEST_CASE("loader: a Kubernetes List's dialect objects are documents, its others another tool's") {
  // As `kubectl get servicelevelobjectives,prometheusrules,deployments -o yaml` writes them.
  TempRepo repo;
  repo.write("export.yaml", "apiVersion: v1\nkind: List\nitems:\n"
                            "  - apiVersion: pyrra.dev/v1alpha1\n    kind: ServiceLevelObjective\n"
                            "    metadata: {name: api-errors}\n"
                            "  - apiVersion: apps/v1\n    kind: Deployment\n"
                            "    metadata: {name: api}\n"
                            "  - apiVersion: monitoring.coreos.com/v1\n    kind: PrometheusRule\n"
                            "    metadata: {name: r}\n    spec:\n      groups: []\n"
                            "metadata: {resourceVersion: \"\"}\n");
  repo.write("deployments.yaml", "apiVersion: v1\nkind: List\nitems:\n"
                                 "  - apiVersion: apps/v1\n    kind: Deployment\n"
                                 "    metadata: {name: api}\n");
  DiagBag diags;
  LoadNotes notes;
  std::vector<std::string> seen = loaded_kinds(repo, diags, notes);
  CHECK(seen == std::vector<std::string>{"export.yaml:pyrra", "export.yaml:prometheus_rules"});
  CHECK(diags.all().empty());
  CHECK(notes.skipped == std::vector<std::string>{"deployments.yaml"}); // the Deployments only
}

TEST_CASE("loader: include and exclude globs scope the walk") {
  CHECK(glob_match("docs/**", "docs/a/b.yaml"));
  CHECK(glob_match("**/*.yaml", "a.yaml"));
  CHECK(glob_match("**/*.yaml", "x/y/a.yaml"));
  CHECK_FALSE(glob_match("*.yaml", "x/a.yml"));
  CHECK(glob_match("docker-compose.yml", "deploy/docker-compose.yml")); // no '/': any depth
  CHECK_FALSE(glob_match("deploy/*.yaml", "deploy/sub/a.yaml"));
  CHECK(glob_match("deploy/?.yaml", "deploy/a.yaml"));
  // .gitignore's folder and root forms.
  CHECK(glob_match("services/a/", "services/a/s2.yaml"));
  CHECK(glob_match("services/a/", "services/a/b/s3.yaml"));
  CHECK(glob_match("services/a/", "services/a", true));
  CHECK_FALSE(glob_match("services/a/", "services/a")); // a file named so is no folder
  CHECK_FALSE(glob_match("services/a/", "services/s1.yaml"));
  CHECK(glob_match("a/", "x/a/s.yaml")); // no other '/': a folder of that name at any depth
  CHECK_FALSE(glob_match("*/", "s.yaml"));
  CHECK(glob_match("*/", "services/s1.yaml"));
  CHECK(glob_match("./services/**", "services/a/s2.yaml"));
  CHECK(glob_match("./s1.yaml", "s1.yaml"));
  CHECK_FALSE(glob_match("./s1.yaml", "services/s1.yaml")); // anchored at the root
  TempRepo repo;
  repo.write("docs/x.yaml", "servce:\n  name: a\n");
  repo.write("services/scratch-1.yaml", "servce:\n  name: a\n");
  repo.write("services/a.yaml", "service:\n  name: a\n");
  repo.write("services/b.yml", "service:\n  name: b\n");
  LoadOptions opts;
  opts.exclude = {"docs/**", "scratch-*.yaml"};
  opts.include = {"services/*.yaml"};
  DiagBag diags;
  std::vector<std::string> seen;
  load_repo(
      repo.root, opts, diags, [&](RawDoc&& d) { seen.push_back(d.file); }, [](RawCsvRow&&) {});
  CHECK_FALSE(diags.has_errors());
  CHECK(seen == std::vector<std::string>{"services/a.yaml"});
}

TEST_CASE("loader: .gitignore's folder and root forms of the globs scope the walk") {
  TempRepo repo;
  repo.write("services/s1.yaml", "service:\n  name: s1\n");
  repo.write("services/a/s2.yaml", "service:\n  name: s2\n");
  repo.write("services/a/b/s3.yaml", "service:\n  name: s3\n");
  repo.write("docs/s4.yaml", "service:\n  name: s4\n");
  auto walk = [&](std::vector<std::string> include, std::vector<std::string> exclude) {
    LoadOptions opts;
    opts.include = std::move(include);
    opts.exclude = std::move(exclude);
    DiagBag diags;
    std::vector<std::string> seen;
    load_repo(
        repo.root, opts, diags, [&](RawDoc&& d) { seen.push_back(d.file); }, [](RawCsvRow&&) {});
    CHECK_FALSE(diags.has_errors());
    return seen;
  };
  using V = std::vector<std::string>;
  CHECK(walk({}, {"services/a/"}) == V{"docs/s4.yaml", "services/s1.yaml"});
  CHECK(walk({"./services/**"}, {}) ==
        V{"services/a/b/s3.yaml", "services/a/s2.yaml", "services/s1.yaml"});
  CHECK(walk({"services/"}, {"./services/a/b/"}) == V{"services/a/s2.yaml", "services/s1.yaml"});
}

TEST_CASE("loader: a second YAML document in nines.yaml is an error where it starts") {
  TempRepo repo;
  repo.write("nines.yaml", "title: x\n---\nteams: {t1: {name: T, members: 5}}\n");
  DiagBag diags;
  Node config = load_config_file(repo.root, LoadOptions{}, diags);
  CHECK(config.get("title"));
  REQUIRE(diags.all().size() == 1);
  CHECK(diags.all()[0].file == "nines.yaml");
  CHECK(diags.all()[0].loc.line == 3);
  CHECK(diags.all()[0].message.find("more than one YAML document") != std::string::npos);
}

TEST_CASE("loader: a Backstage Location's targets are read past include and exclude") {
  TempRepo repo;
  const std::string head = "apiVersion: backstage.io/v1alpha1\n";
  repo.write("catalog-info.yaml", head + "kind: Location\n"
                                         "metadata:\n  name: all\n"
                                         "spec:\n"
                                         "  target: file:./catalog/more.yaml\n"
                                         "  targets:\n"
                                         "    - ./catalog/teams/*.yaml\n"
                                         "    - ./catalog/extr.yaml\n"
                                         "    - url:https://example.org/catalog-info.yaml\n"
                                         "    - ../elsewhere.yaml\n");
  repo.write("catalog/teams/a.yaml", head + "kind: Group\nmetadata:\n  name: a\n");
  repo.write("catalog/teams/b.yaml", head + "kind: Group\nmetadata:\n  name: b\n");
  repo.write("catalog/teams/c.yml", head + "kind: Group\nmetadata:\n  name: c\n"); // not *.yaml
  // A Location in a followed file is followed in turn; naming a file twice reads it once.
  repo.write("catalog/more.yaml", head + "kind: Location\nmetadata:\n  name: more\nspec:\n"
                                         "  targets: [./teams/a.yaml, ./extra.yaml]\n");
  repo.write("catalog/extra.yaml", head + "kind: User\nmetadata:\n  name: jdoe\n");
  LoadOptions opts;
  opts.exclude = {"catalog/**"};
  DiagBag diags;
  std::vector<std::string> seen;
  load_repo(
      repo.root, opts, diags, [&](RawDoc&& d) { seen.push_back(d.file); }, [](RawCsvRow&&) {});
  CHECK(seen == std::vector<std::string>{"catalog-info.yaml", "catalog/more.yaml",
                                         "catalog/teams/a.yaml", "catalog/teams/b.yaml",
                                         "catalog/extra.yaml"});
  // ./catalog/extr.yaml does not exist: an error at line 9, column 7, with a did-you-mean.
  // The remote and the outside targets are warnings at their own lines.
  REQUIRE(diags.all().size() == 3);
  const auto& missing = diags.all()[0];
  CHECK(missing.severity == Severity::Error);
  CHECK(missing.rule == "location-target");
  CHECK(missing.loc.line == 9);
  CHECK(missing.loc.col == 7);
  CHECK(missing.message.find("did you mean './catalog/extra.yaml'?") != std::string::npos);
  CHECK(diags.all()[1].severity == Severity::Warning);
  CHECK(diags.all()[1].loc.line == 10);
  CHECK(diags.all()[1].message.find("is remote") != std::string::npos);
  CHECK(diags.all()[2].loc.line == 11);
  CHECK(diags.all()[2].message.find("outside the repository") != std::string::npos);
}

TEST_CASE("loader: an optional Location's missing target is a warning") {
  TempRepo repo;
  repo.write("catalog-info.yaml", "apiVersion: backstage.io/v1alpha1\n"
                                  "kind: Location\n"
                                  "metadata:\n  name: maybe\n"
                                  "spec:\n"
                                  "  presence: optional\n"
                                  "  targets: [./later.yaml, ./later/*.yaml]\n");
  DiagBag diags;
  std::vector<std::string> seen;
  load_repo(
      repo.root, {}, diags, [&](RawDoc&& d) { seen.push_back(d.file); }, [](RawCsvRow&&) {});
  CHECK(seen == std::vector<std::string>{"catalog-info.yaml"});
  CHECK_FALSE(diags.has_errors());
  REQUIRE(diags.all().size() == 2);
  CHECK(diags.all()[0].rule == "location-target");
  CHECK(diags.all()[0].loc.line == 7);
  CHECK(diags.all()[0].message.find("does not exist") != std::string::npos);
  CHECK(diags.all()[1].message.find("matches no file") != std::string::npos);
}

TEST_CASE("loader: a Location's targets follow the walk's folders, as the walk does") {
  TempRepo repo;
  const std::string head = "apiVersion: backstage.io/v1alpha1\n";
  const std::string group = head + "kind: Group\nmetadata:\n  name: ";
  repo.write("catalog-info.yaml", head + "kind: Location\n"
                                         "metadata:\n  name: all\n"
                                         "spec:\n"
                                         "  targets:\n"
                                         "    - ./.github/catalog.yaml\n"        // line 7
                                         "    - ./site/api/catalog.yaml\n"       // 8
                                         "    - ./public/catalog.yaml\n"         // 9: -o public
                                         "    - ./data/store/catalog.yaml\n"     // 10: the store's
                                         "    - ./node_modules/x/catalog.yaml\n" // 11
                                         "    - ./layouts/catalog.yaml\n"        // 12
                                         "    - ./teams/.draft.yaml\n"           // 13
                                         "    - file:./teams/x/../../.git/c.yaml\n" // 14
                                         "    - ./.github/*.yaml\n"                 // 15
                                         "    - ./**/*.yaml\n"                      // 16
                                         "    - ./teams/.gone/a.yaml\n");           // 17: missing
  for (const char* f :
       {".github/catalog.yaml", "site/api/catalog.yaml", "public/catalog.yaml",
        "data/store/catalog.yaml", "node_modules/x/catalog.yaml", "layouts/catalog.yaml",
        "teams/.draft.yaml", ".git/c.yaml", "teams/.hidden/b.yaml", "public.tmp-nines-7/c.yaml"})
    repo.write(f, group + "hidden\n");
  repo.write("teams/a.yaml", group + "a\n");
  // site/ and node_modules/ only at the top: deeper, they are content, for the walk and the glob.
  repo.write("teams/site/s.yaml", group + "s\n");
  LoadOptions opts;
  opts.skip_dirs = {"public", "data/store"};
  opts.include = {"catalog-info.yaml"}; // the walk reads the Location, the Location the rest
  DiagBag diags;
  std::vector<std::string> seen;
  load_repo(
      repo.root, opts, diags, [&](RawDoc&& d) { seen.push_back(d.file); }, [](RawCsvRow&&) {});
  // The glob ./**/*.yaml reads what the walk would, and nothing in the folders it leaves alone.
  CHECK(seen == std::vector<std::string>{"catalog-info.yaml", "teams/a.yaml", "teams/site/s.yaml"});
  std::vector<std::pair<int, std::string>> found;
  for (const auto& d : diags.all()) {
    CHECK(d.rule == "location-target");
    CHECK(d.file == "catalog-info.yaml");
    CHECK(d.severity == Severity::Warning);
    found.emplace_back(d.loc.line, d.message);
  }
  const auto in = [](const std::string& target, const std::string& folder) {
    return "Location target '" + target + "' lies in '" + folder +
           "/', a folder nines reads no documents from; it is not followed";
  };
  CHECK(
      found ==
      std::vector<std::pair<int, std::string>>{
          {7, in("./.github/catalog.yaml", ".github")},
          {8, in("./site/api/catalog.yaml", "site")},
          {9, in("./public/catalog.yaml", "public")},
          {10, in("./data/store/catalog.yaml", "data/store")},
          {11, in("./node_modules/x/catalog.yaml", "node_modules")},
          {12, in("./layouts/catalog.yaml", "layouts")},
          {13, "Location target './teams/.draft.yaml' is a hidden file, which nines does not read; "
               "it is not followed"},
          {14, in("file:./teams/x/../../.git/c.yaml", ".git")},
          {15, in("./.github/*.yaml", ".github")},
          {17, in("./teams/.gone/a.yaml", "teams/.gone")}});
}

TEST_CASE("loader: a link into a folder the walk leaves alone is skipped, counted, not read") {
  TempRepo repo;
  const std::string head = "apiVersion: backstage.io/v1alpha1\n";
  const std::string group = head + "kind: Group\nmetadata:\n  name: ";
  for (const char* f : {".git/c.yaml", "site/x.yaml", "data/store/s.yaml", "teams/.draft.yaml"})
    repo.write(f, group + "hidden\n");
  repo.write("teams/a.yaml", group + "a\n");
  // Links (relative, as a repository holds them) to each, and one to an ordinary file.
  fs::create_directories(repo.root / "links");
  fs::create_symlink("../.git/c.yaml", repo.root / "links" / "git.yaml");
  fs::create_symlink("../site/x.yaml", repo.root / "links" / "site.yaml");
  fs::create_symlink("../data/store/s.yaml", repo.root / "links" / "store.yaml");
  fs::create_symlink("../teams/.draft.yaml", repo.root / "links" / "draft.yaml");
  fs::create_symlink("../teams/a.yaml", repo.root / "links" / "a.yaml");
  LoadOptions opts;
  opts.skip_dirs = {"data/store"};
  DiagBag diags;
  LoadNotes notes;
  std::vector<std::string> seen;
  LoadHooks hooks;
  hooks.on_doc = [&](RawDoc&& d) { seen.push_back(d.file); };
  hooks.on_csv = [](RawCsvRow&&) {};
  load_repo(repo.root, opts, diags, hooks, &notes);
  CHECK(diags.all().empty());
  CHECK(seen == std::vector<std::string>{"links/a.yaml", "teams/a.yaml"});
  CHECK(notes.skipped == std::vector<std::string>{"links/draft.yaml", "links/git.yaml",
                                                  "links/site.yaml", "links/store.yaml"});
  CHECK(notes.failed.empty());
  // What `check --verbose` asks to name them apart: the walk's own rule, for links only.
  for (const std::string& f : notes.skipped)
    CHECK(walk_skips_link(repo.root, f, opts.skip_dirs));
  CHECK_FALSE(walk_skips_link(repo.root, "links/a.yaml", opts.skip_dirs));
  CHECK_FALSE(walk_skips_link(repo.root, ".git/c.yaml", opts.skip_dirs)); // no link
  CHECK_FALSE(walk_skips_link(repo.root, "links/store.yaml", {}));        // not the store's
  // The run's folders as the pipeline gives them to the walk: inside the repository only, and
  // never its root.
  CHECK(run_skip_dirs(repo.root, repo.root / "public", repo.root / "data/store/cache.db") ==
        std::vector<std::string>{"public", "data/store"});
  CHECK(run_skip_dirs(repo.root, {}, repo.root / "cache.db").empty());
  CHECK(run_skip_dirs(repo.root, repo.root.parent_path() / "out", "/elsewhere/cache.db").empty());
}

TEST_CASE("loader: real_path follows the links on a path, made or still to be made") {
  TempRepo repo;
  const fs::path outside =
      repo.root.parent_path() / ("nines-outside-real-" + std::to_string(::getpid()));
  fs::remove_all(outside);
  fs::create_directories(outside);
  repo.write("data/a.yaml", "x: 1\n");
  fs::create_symlink("data", repo.root / "inside");
  fs::create_symlink(outside, repo.root / ".nines");
  fs::create_symlink(outside / "gone", repo.root / "dangling");
  auto where = [&](const std::string& rel) { return real_path(repo.root, rel); };
  CHECK(where("inside/a.yaml").where == RealPath::Where::Inside);
  CHECK(where("inside/a.yaml").rel == "data/a.yaml");
  // Not there yet: judged by the folders it would be made in.
  CHECK(where(".store/cache.db").rel == ".store/cache.db");
  CHECK(where(".nines/cache.db").where == RealPath::Where::Outside);
  CHECK(where(".nines/nines-build.lock").where == RealPath::Where::Outside);
  CHECK(where("dangling/cache.db").where == RealPath::Where::Unfollowable);
  CHECK(where(".").rel == ".");
  fs::remove_all(outside);
}

TEST_CASE("loader: a Location's target is followed by where its links lead") {
  TempRepo repo;
  const std::string head = "apiVersion: backstage.io/v1alpha1\n";
  const std::string group = head + "kind: Group\nmetadata:\n  name: ";
  const fs::path outside =
      repo.root.parent_path() / ("nines-outside-folder-" + std::to_string(::getpid()));
  fs::remove_all(outside);
  fs::create_directories(outside);
  std::ofstream(outside / "o.yaml") << group << "outside\n";
  repo.write("catalog-info.yaml", head + "kind: Location\n"
                                         "metadata:\n  name: all\n"
                                         "spec:\n"
                                         "  targets:\n"
                                         "    - ./links/git.yaml\n"     // line 7: a file link
                                         "    - ./gitdir/c.yaml\n"      // 8: a linked folder
                                         "    - ./gitdir/*.yaml\n"      // 9: a glob's folder
                                         "    - ./links/draft.yaml\n"   // 10: a hidden file
                                         "    - ./public-link/p.yaml\n" // 11: the output folder
                                         "    - ./out/o.yaml\n"         // 12: out of the repository
                                         "    - ./links/*.yaml\n"       // 13: reads a.yaml only
                                         "    - ./links/a.yaml\n");     // 14: read once
  repo.write(".git/c.yaml", group + "hidden\n");
  repo.write("teams/.draft.yaml", group + "hidden\n");
  repo.write("public/p.yaml", group + "built\n");
  repo.write("teams/a.yaml", group + "a\n");
  fs::create_directories(repo.root / "links");
  fs::create_symlink("../.git/c.yaml", repo.root / "links" / "git.yaml");
  fs::create_symlink("../teams/.draft.yaml", repo.root / "links" / "draft.yaml");
  fs::create_symlink("../teams/a.yaml", repo.root / "links" / "a.yaml");
  fs::create_symlink(".git", repo.root / "gitdir");
  fs::create_symlink("public", repo.root / "public-link");
  fs::create_symlink(outside, repo.root / "out");
  LoadOptions opts;
  opts.skip_dirs = {"public"};
  opts.include = {"catalog-info.yaml"}; // the walk reads the Location, the Location the rest
  DiagBag diags;
  std::vector<std::string> seen;
  load_repo(
      repo.root, opts, diags, [&](RawDoc&& d) { seen.push_back(d.file); }, [](RawCsvRow&&) {});
  fs::remove_all(outside);
  CHECK(seen == std::vector<std::string>{"catalog-info.yaml", "links/a.yaml"});
  std::vector<std::tuple<int, std::string, std::string>> found;
  for (const auto& d : diags.all()) {
    CHECK(d.file == "catalog-info.yaml");
    found.emplace_back(d.loc.line, d.rule, d.message);
  }
  const auto via = [](const std::string& target, const std::string& real,
                      const std::string& folder) {
    return "Location target '" + target + "' leads through a symbolic link to '" + real +
           "', which lies in '" + folder +
           "/', a folder nines reads no documents from; it is not followed";
  };
  CHECK(found ==
        std::vector<std::tuple<int, std::string, std::string>>{
            {7, "location-target", via("./links/git.yaml", ".git/c.yaml", ".git")},
            {8, "location-target", via("./gitdir/c.yaml", ".git/c.yaml", ".git")},
            {9, "location-target",
             "Location target './gitdir/*.yaml' leads through a symbolic link to '.git/', a "
             "folder nines reads no documents from; it is not followed"},
            {10, "location-target",
             "Location target './links/draft.yaml' leads through a symbolic link to "
             "'teams/.draft.yaml', a hidden file, which nines does not read; it is not followed"},
            {11, "location-target", via("./public-link/p.yaml", "public/p.yaml", "public")},
            {12, "symlink-outside",
             "Location target './out/o.yaml' leads through a symbolic link outside the "
             "repository; it is not followed"}});
  for (const auto& d : diags.all())
    CHECK(d.severity == (d.rule == "symlink-outside" ? Severity::Error : Severity::Warning));
}

TEST_CASE("loader: metrics.cache through a symbolic link out of the repository is refused") {
  TempRepo repo;
  const fs::path outside =
      repo.root.parent_path() / ("nines-outside-store-" + std::to_string(::getpid()));
  fs::remove_all(outside);
  fs::create_directories(outside);
  fs::create_symlink(outside, repo.root / "store"); // a folder out
  std::ofstream(outside / "c.db") << "";
  fs::create_symlink(outside / "c.db", repo.root / "file.db");    // the file itself
  fs::create_symlink(repo.root / "gone", repo.root / "dangling"); // a link to nothing
  fs::create_directories(repo.root / "data");
  fs::create_symlink("data", repo.root / "inner"); // inside: fine
  auto cache_of = [&](const std::string& cache, DiagBag& diags) {
    repo.write("nines.yaml", "title: T\nmetrics:\n  cache: " + cache + "\n  deadline: 30s\n");
    const Node config = load_config_file(repo.root, LoadOptions{}, diags);
    const Node* metrics = config.get("metrics");
    REQUIRE(metrics);
    CHECK(metrics->get("deadline")); // the rest of the section stays
    const Node* c = metrics->get("cache");
    return c ? c->value : std::string("(dropped)");
  };
  for (const char* bad : {"store/cache.db", "store/new/sub/cache.db", "file.db", "./store/cache.db",
                          "dangling/cache.db"}) {
    CAPTURE(bad);
    DiagBag diags;
    CHECK(cache_of(bad, diags) == "(dropped)");
    REQUIRE(diags.all().size() == 1);
    const Diagnostic& d = diags.all()[0];
    CHECK(d.rule == "schema");
    CHECK(d.severity == Severity::Error);
    CHECK(d.file == "nines.yaml");
    CHECK(d.loc.line == 3);
    CHECK(d.loc.col == 10);
    CHECK(d.message.find("metrics.cache '" + std::string(bad) + "' leads ") == 0);
    CHECK(d.message.find(std::string(bad) == "dangling/cache.db"
                             ? "cannot be followed"
                             : "out of the content repository through a symbolic link") !=
          std::string::npos);
    CHECK(d.hint.find("NINES_CACHE") != std::string::npos);
  }
  // Inside, a folder not made yet included; and what the schema refuses as written is its own
  // error, not reported twice.
  for (const char* fine : {".nines/cache.db", "inner/cache.db", "new/folder/cache.db",
                           "../outside.db", "/abs/cache.db", "store/../../x.db"}) {
    CAPTURE(fine);
    DiagBag diags;
    CHECK(cache_of(fine, diags) == fine);
    CHECK(diags.all().empty());
  }
  fs::remove_all(outside);
}

TEST_CASE("loader: threads change nothing that is handed on, nor its order") {
  TempRepo repo;
  for (int i = 0; i < 40; ++i) {
    const std::string n = std::to_string(i);
    if (i % 5 == 0)
      repo.write("services/s" + n + ".yaml", "service:\n  name: a\n  name: b\n"); // duplicate
    else if (i % 7 == 0)
      repo.write("services/s" + n + ".yaml", "servce:\n  name: typo\n");
    else
      repo.write("services/s" + n + ".yaml", "service:\n  name: s" + n + "\n---\nslo:\n  id: x\n");
    repo.write("runbooks/r" + n + ".md",
               "---\nrunbook:\n  title: r" + n + "\n---\nBody " + n + "\n");
    repo.write("metrics/m" + n + ".csv",
               "slo,date,good,total\ns,2026-01-0" + std::to_string(1 + i % 3) + ",1,2\n");
  }
  repo.write("notes/plain.md", "# not ours\n");
  auto run = [&](unsigned jobs) {
    LoadOptions opts;
    opts.jobs = jobs;
    DiagBag diags;
    LoadNotes notes;
    std::vector<std::string> seen;
    LoadHooks hooks;
    // The check runs on the threads; what it leaves in the document reaches on_doc.
    hooks.check = [](RawDoc& d) { d.check.digest = d.file + "#" + std::to_string(d.index); };
    hooks.on_doc = [&](RawDoc&& d) {
      seen.push_back("doc " + d.kind + " " + d.check.digest + " after " +
                     std::to_string(diags.all().size()));
    };
    hooks.on_csv = [&](RawCsvRow&& r) {
      seen.push_back("csv " + r.file + ":" + std::to_string(r.line) + " after " +
                     std::to_string(diags.all().size()));
    };
    load_repo(repo.root, opts, diags, hooks, &notes);
    for (const auto& d : diags.all())
      seen.push_back("diag " + d.file + ":" + std::to_string(d.loc.line) + " " + d.rule);
    for (const auto& f : notes.failed)
      seen.push_back("failed " + f);
    for (const auto& f : notes.skipped)
      seen.push_back("skipped " + f);
    return seen;
  };
  const auto one = run(1);
  CHECK(one.size() > 200);
  CHECK(run(2) == one);
  CHECK(run(3) == one);
  CHECK(run(16) == one);
}

TEST_CASE("loader: CSV lines split with and without quotes") {
  std::vector<std::string> cells;
  split_csv_line("slo,2026-01-02,5,10", cells);
  CHECK(cells == std::vector<std::string>{"slo", "2026-01-02", "5", "10"});
  split_csv_line("a,,b,", cells);
  CHECK(cells == std::vector<std::string>{"a", "", "b", ""});
  split_csv_line("a,b\r", cells);
  CHECK(cells == std::vector<std::string>{"a", "b"});
  split_csv_line("a\r,b", cells); // a CR outside quotes is dropped wherever it is
  CHECK(cells == std::vector<std::string>{"a", "b"});
  split_csv_line("\"x,y\",\"say \"\"hi\"\"\",z", cells);
  CHECK(cells == std::vector<std::string>{"x,y", "say \"hi\"", "z"});
  split_csv_line("single", cells);
  CHECK(cells == std::vector<std::string>{"single"});
}

TEST_CASE("loader: CSV cell columns count characters as written") {
  std::vector<std::string> cells;
  std::vector<int> cols;
  auto col = [&](std::string_view line, std::size_t cell) {
    split_csv_line(line, cells, &cols);
    return csv_cell_column(RawCsvRow{"m.csv", 2, cells, cols}, cell);
  };
  // ASCII without quotes: the sizes give the columns, nothing is stored.
  split_csv_line("api,2026-13-01,5,10", cells, &cols);
  CHECK(cols.empty());
  CHECK(col("api,2026-13-01,5,10", 1) == 5);
  CHECK(col("api,2026-13-01,5,10", 3) == 18);
  // Non-ASCII text before the cell: characters, not bytes.
  CHECK(col("\xC3\xBC\xC3\xBC-api,2026-13-01,5,10", 1) == 8);
  CHECK(col("\xE6\x97\xA5\xF0\x9F\x98\x80,x,5,10", 2) == 6);
  // Quotes count as written; a CR at the end changes nothing.
  CHECK(col("\"api\",2026-13-01,5,10", 1) == 7);
  CHECK(col("\"a,\"\"b\"\"\",x,5,10", 1) == 11);
  CHECK(col("\"\xC3\xBC\",x,\"5\",10\r", 3) == 11);
  split_csv_line("api,x,5,10\r", cells, &cols);
  CHECK(cols.empty());
}

TEST_CASE("loader: an empty metrics CSV file is a csv-header error at 1:1") {
  for (const std::string text : {"", "\n\r\n\n", "\xEF\xBB\xBF"}) {
    TempRepo repo;
    repo.write("metrics/empty.csv", text);
    repo.write("metrics/ok.csv", "slo,date,good,total\n");
    DiagBag diags;
    load_repo(
        repo.root, LoadOptions{}, diags, [](RawDoc&&) {}, [](RawCsvRow&&) {});
    REQUIRE(diags.all().size() == 1);
    CHECK(diags.all()[0].file == "metrics/empty.csv");
    CHECK(diags.all()[0].rule == "csv-header");
    CHECK(diags.all()[0].loc.line == 1);
    CHECK(diags.all()[0].loc.col == 1);
  }
}

TEST_CASE("loader: a file named on the command line must be a regular file") {
  TempRepo repo;
  repo.write("rec.csv", "slo,date,good,total\n");
  fs::create_directories(repo.root / "dir.csv");
  std::string text, why;
  CHECK(read_named_file(repo.root / "rec.csv", text, why));
  CHECK(text == "slo,date,good,total\n");
  CHECK_FALSE(read_named_file(repo.root / "dir.csv", text, why));
  CHECK(why == "it is a folder, not a file");
  CHECK_FALSE(read_named_file(repo.root / "missing.csv", text, why));
  CHECK_FALSE(why.empty());
}

TEST_CASE("loader: front matter positions count characters") {
  TempRepo repo;
  repo.write("runbooks/r.md",
             "---\nrunbook:\n  title: \"Caf\xC3\xA9 \xE2\x80\x94 \xC3\xBC\", x: [1, "
             "2]\n---\n# Body\n");
  DiagBag diags;
  std::vector<RawDoc> docs;
  load_repo(
      repo.root, LoadOptions{}, diags, [&](RawDoc&& d) { docs.push_back(std::move(d)); },
      [](RawCsvRow&&) {});
  REQUIRE(diags.all().size() == 1); // a comma after a quoted value is a syntax error
  CHECK(diags.all()[0].rule == "yaml-syntax");
  CHECK(diags.all()[0].loc.line == 3);
  CHECK(diags.all()[0].loc.col == 20); // the comma, after "Café — ü": 10 characters, 14 bytes
}

TEST_CASE("loader: the fingerprint is the same on any number of threads") {
  TempRepo r;
  write_docs(r, 40);
  r.write("notes/plain.md", "No front matter here.\n");
  FingerprintScope scope;
  auto hash = [](std::string_view s) { return std::to_string(std::hash<std::string_view>{}(s)); };
  auto take = [&](unsigned jobs, ProseFingerprint& p) {
    LoadOptions opts;
    opts.jobs = jobs;
    return repo_fingerprint(r.root, opts, scope, hash, &p);
  };
  ProseFingerprint one, four;
  const std::string a = take(1, one);
  REQUIRE_FALSE(a.empty());
  CHECK(take(4, four) == a);
  CHECK(one.structure == four.structure);
  CHECK(one.bodies == four.bodies);
  CHECK(one.bodies.size() == 40);
  // Every file counts, in its place: a changed body changes the fingerprint but not the
  // structure, a renamed file both.
  r.write("runbooks/r17.md", "---\nrunbook:\n  id: r17\n---\n# Body changed\n");
  ProseFingerprint changed;
  CHECK(take(4, changed) != a);
  CHECK(changed.structure == one.structure);
  CHECK(changed.bodies.at("runbooks/r17.md") != one.bodies.at("runbooks/r17.md"));
}

TEST_CASE("loader: the fingerprint leaves out only the site writer's own folders beside OUT") {
  TempRepo r;
  write_docs(r, 3);
  FingerprintScope scope;
  scope.out = r.root / "site";
  auto hash = [](std::string_view s) { return std::to_string(std::hash<std::string_view>{}(s)); };
  ProseFingerprint p;
  const std::string base = repo_fingerprint(r.root, LoadOptions{}, scope, hash, &p);
  // A build's temporary tree is not content: it comes and goes with every build.
  r.write("site.tmp-nines-123/index.html", "<p>x</p>\n");
  r.write("site.old-nines-124/index.html", "<p>y</p>\n");
  CHECK(repo_fingerprint(r.root, LoadOptions{}, scope, hash, &p) == base);
  // A user's folder that only looks like one is content: an edit in it must rebuild.
  r.write("site.old-2024/svc.yaml", "service:\n  name: old\n");
  CHECK(repo_fingerprint(r.root, LoadOptions{}, scope, hash, &p) != base);
  // And the walk reads what the fingerprint sees: not the writer's folders, the user's folder.
  r.write("site.old-nines-124/svc.yaml", "service:\n  name: leftover\n");
  DiagBag diags;
  std::vector<std::string> names;
  load_repo(
      r.root, LoadOptions{}, diags, [&](RawDoc&& d) { names.push_back(d.file); },
      [](RawCsvRow&&) {});
  CHECK(std::count(names.begin(), names.end(), "site.old-2024/svc.yaml") == 1);
  CHECK(std::count(names.begin(), names.end(), "site.old-nines-124/svc.yaml") == 0);
}

TEST_CASE("loader: the fingerprint leaves out the builds' files beside the store") {
  TempRepo r;
  write_docs(r, 3);
  FingerprintScope scope;
  scope.out = r.root / "site";
  scope.store = r.root / ".nines" / "cache.db";
  scope.store_records_prefix = "nines-build-";
  auto hash = [](std::string_view s) { return std::to_string(std::hash<std::string_view>{}(s)); };
  r.write(".nines/notes.txt", "kept\n");
  const std::string base = repo_fingerprint(r.root, LoadOptions{}, scope, hash, nullptr);
  // A record, and the temporary file a build writes it through (or a killed one left).
  r.write(".nines/nines-build-abc.json", "{}");
  r.write(".nines/.nines-build-abc.json.tmp-123-4", "{}");
  CHECK(repo_fingerprint(r.root, LoadOptions{}, scope, hash, nullptr) == base);
  // Anything else beside the store is content.
  r.write(".nines/.notes.tmp-123-4", "x");
  CHECK(repo_fingerprint(r.root, LoadOptions{}, scope, hash, nullptr) != base);
}

TEST_CASE("loader: the fingerprint without bodies sees everything but Markdown bodies") {
  TempRepo r;
  r.write("nines.yaml", "version: 1\n");
  r.write("runbooks/a.md", "---\nrunbook:\n  id: a\n---\n# Steps\n\nOne.\n");
  r.write("notes/plain.md", "No front matter here.\n");
  LoadOptions opts;
  FingerprintScope scope;
  auto hash = [](std::string_view s) { return std::to_string(std::hash<std::string_view>{}(s)); };
  auto take = [&](ProseFingerprint& p) { return repo_fingerprint(r.root, opts, scope, hash, &p); };

  ProseFingerprint first;
  const std::string full = take(first);
  REQUIRE_FALSE(full.empty());
  CHECK(first.bodies.size() == 1);
  CHECK(first.bodies.count("runbooks/a.md"));
  CHECK(read_markdown_body(r.root, "runbooks/a.md", opts) == std::string("# Steps\n\nOne.\n"));
  CHECK_FALSE(read_markdown_body(r.root, "notes/plain.md", opts));

  // A body edit: the full fingerprint and that body's hash change, the rest does not.
  r.write("runbooks/a.md", "---\nrunbook:\n  id: a\n---\n# Steps\n\nTwo.\n");
  ProseFingerprint body;
  CHECK(take(body) != full);
  CHECK(body.structure == first.structure);
  CHECK(body.bodies.at("runbooks/a.md") != first.bodies.at("runbooks/a.md"));

  // The front matter, a file without front matter, a new file: the structure changes.
  r.write("runbooks/a.md", "---\nrunbook:\n  id: b\n---\n# Steps\n\nTwo.\n");
  ProseFingerprint front;
  take(front);
  CHECK(front.structure != first.structure);
  r.write("runbooks/a.md", "---\nrunbook:\n  id: a\n---\n# Steps\n\nTwo.\n");
  r.write("notes/plain.md", "No front matter here, edited.\n");
  ProseFingerprint plain;
  take(plain);
  CHECK(plain.structure != first.structure);
  r.write("notes/plain.md", "No front matter here.\n");
  r.write("runbooks/b.md", "---\nrunbook:\n  id: b\n---\n");
  ProseFingerprint added;
  take(added);
  CHECK(added.structure != first.structure);

  // A body that the loader would not read as text is no body to take.
  r.write("runbooks/a.md", std::string("---\nrunbook:\n  id: a\n---\nbad \xC3\x28 byte\n"));
  CHECK_FALSE(read_markdown_body(r.root, "runbooks/a.md", opts));
}

namespace {

std::int64_t clock_ns() {
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

} // namespace

TEST_CASE("loader: the fingerprint cache skips unchanged files and sees every change") {
  TempRepo r;
  write_docs(r, 12);
  LoadOptions opts;
  opts.jobs = 2;
  FingerprintScope scope;
  auto hash = [](std::string_view s) { return std::to_string(std::hash<std::string_view>{}(s)); };
  auto fresh = [&](ProseFingerprint& p) { return repo_fingerprint(r.root, opts, scope, hash, &p); };
  FingerprintCache cache;
  // A walk with the cache, its clock `later_s` seconds after now.
  auto cached = [&](ProseFingerprint& p, int later_s) {
    cache.now_ns = clock_ns() + std::int64_t{later_s} * 1'000'000'000;
    return repo_fingerprint(r.root, opts, scope, hash, &p, &cache);
  };

  // Files changed within the clock's margin are read and not remembered: an edit in the same tick
  // could leave their size and times as they were.
  ProseFingerprint p0, p0_fresh;
  const std::string f0 = cached(p0, 0);
  REQUIRE_FALSE(f0.empty());
  CHECK(cache.entries.empty());
  CHECK(f0 == fresh(p0_fresh));

  // Older ones are remembered, with what a fresh walk makes of them.
  ProseFingerprint p1;
  CHECK(cached(p1, 10) == f0);
  REQUIRE(cache.entries.size() == 25);
  CHECK_FALSE(cache.unchanged);
  CHECK(p1.structure == p0_fresh.structure);
  CHECK(p1.bodies == p0_fresh.bodies);

  // The next walk takes them from the cache without reading them: a remembered hash, falsified
  // here, is believed.
  ProseFingerprint p2;
  CHECK(cached(p2, 10) == f0);
  CHECK(cache.unchanged);
  CHECK(p2.bodies == p0_fresh.bodies);
  const FingerprintCache kept = cache;
  for (auto& [rel, e] : cache.entries)
    if (rel == "services/s3.yaml") e.hash = "42";
  ProseFingerprint p3;
  CHECK(cached(p3, 10) != f0);
  cache = kept;

  // An edit that keeps the size and sets the modification time back still changes the
  // status-change time: the file is read again, and the fingerprint is a fresh walk's.
  struct stat before {};
  REQUIRE(::stat((r.root / "runbooks/r3.md").c_str(), &before) == 0);
  r.write("runbooks/r3.md", "---\nrunbook:\n  id: r3\n---\n# Bodx 3\n");
  struct timespec times[2] = {before.st_atim, before.st_mtim};
  REQUIRE(::utimensat(AT_FDCWD, (r.root / "runbooks/r3.md").c_str(), times, 0) == 0);
  ProseFingerprint p4, p4_fresh;
  const std::string f4 = cached(p4, 10);
  CHECK(f4 != f0);
  CHECK(f4 == fresh(p4_fresh));
  CHECK(p4.bodies == p4_fresh.bodies);
  CHECK(p4.structure == p4_fresh.structure);
  CHECK_FALSE(cache.unchanged);

  // A removed file leaves the cache; a new one is read.
  fs::remove(r.root / "services/s5.yaml");
  r.write("services/new.yaml", "service:\n  id: new\n");
  ProseFingerprint p5, p5_fresh;
  CHECK(cached(p5, 10) == fresh(p5_fresh));
  CHECK(cache.entries.size() == 25);
  CHECK(std::none_of(cache.entries.begin(), cache.entries.end(),
                     [](const auto& e) { return e.first == "services/s5.yaml"; }));
}

TEST_CASE("loader: the fingerprint's walk hands the files it read to the loader") {
  TempRepo r;
  write_docs(r, 3);
  r.write("notes/readme.txt", "not read by the loader\n");
  r.write("metrics/deep/x.csv", "not read by the loader either\n");
  FingerprintScope scope;
  auto hash = [](std::string_view s) { return std::to_string(std::hash<std::string_view>{}(s)); };
  ReadAhead ahead;
  REQUIRE_FALSE(
      repo_fingerprint(r.root, LoadOptions{}, scope, hash, nullptr, nullptr, &ahead).empty());
  // nines.yaml, 3 runbooks and 3 services: the files walk_reads_file names, nothing else.
  CHECK(ahead.size() == 7);
  std::string bytes;
  CHECK_FALSE(ahead.take("notes/readme.txt", bytes));
  // Changed on disk after the walk: the loader takes what the walk read (and hashed), once.
  r.write("runbooks/r1.md", "---\nrunbook:\n  id: r1\n---\n# Edited after the walk\n");
  LoadOptions opts;
  opts.read_ahead = &ahead;
  DiagBag diags;
  std::vector<std::string> bodies;
  load_repo(
      r.root, opts, diags, [&](RawDoc&& d) { bodies.push_back(d.file + ":" + d.body); },
      [](RawCsvRow&&) {});
  CHECK_FALSE(diags.has_errors());
  CHECK(std::find(bodies.begin(), bodies.end(), "runbooks/r1.md:# Body 1\n") != bodies.end());
  CHECK(ahead.size() == 1); // nines.yaml, which the walk of documents leaves to read_config
  // Without it, the file as it is now.
  bodies.clear();
  load_repo(
      r.root, LoadOptions{}, diags, [&](RawDoc&& d) { bodies.push_back(d.file + ":" + d.body); },
      [](RawCsvRow&&) {});
  CHECK(std::find(bodies.begin(), bodies.end(), "runbooks/r1.md:# Edited after the walk\n") !=
        bodies.end());
}

TEST_CASE("loader: the fingerprint changes when a shallow clone is deepened, HEAD the same") {
  TempRepo r;
  write_docs(r, 2);
  r.write(".git/HEAD", "ref: refs/heads/main\n");
  r.write(".git/refs/heads/main", "0123456789012345678901234567890123456789\n");
  FingerprintScope scope;
  auto hash = [](std::string_view s) { return std::to_string(std::hash<std::string_view>{}(s)); };
  auto take = [&] { return repo_fingerprint(r.root, LoadOptions{}, scope, hash); };
  const std::string whole = take();
  r.write(".git/shallow", "0123456789012345678901234567890123456789\n");
  const std::string depth1 = take();
  CHECK(depth1 != whole);
  r.write(".git/shallow", "1111111111111111111111111111111111111111\n"); // deepened
  CHECK(take() != depth1);
  fs::remove(r.root / ".git" / "shallow"); // unshallowed
  CHECK(take() == whole);
}

TEST_CASE("loader: the fingerprint cache survives its bytes, and nothing else does") {
  FingerprintCache cache;
  FingerprintCache::Entry plain;
  plain.dev = 2049;
  plain.ino = 77;
  plain.size = 120;
  plain.mtime_ns = 1'700'000'000'123'456'789;
  plain.ctime_ns = 1'700'000'001'000'000'000;
  plain.hash = "00ff00ff00ff00ff";
  FingerprintCache::Entry md = plain;
  md.ino = 78;
  md.front = true;
  md.head = 31;
  md.head_hash = "1111222233334444";
  md.body_hash = "5555666677778888";
  cache.entries = {{"a b/odd\nname.yaml", plain}, {"runbooks/r.md", md}};
  const std::string bytes = encode_fingerprint_cache(cache, "key 1");
  const FingerprintCache back = decode_fingerprint_cache(bytes, "key 1");
  REQUIRE(back.entries.size() == 2);
  CHECK(encode_fingerprint_cache(back, "key 1") == bytes);
  CHECK(back.entries[0].first == "a b/odd\nname.yaml");
  CHECK(back.entries[1].second.front);
  CHECK(back.entries[1].second.head == 31);
  CHECK(back.entries[0].second.mtime_ns == plain.mtime_ns);

  // Another binary's key, a file cut short anywhere, a damaged number or an unsorted list: empty.
  CHECK(decode_fingerprint_cache(bytes, "key 2").entries.empty());
  CHECK(decode_fingerprint_cache(bytes, "").entries.empty());
  for (std::size_t n = 0; n < bytes.size(); ++n)
    CHECK(decode_fingerprint_cache(bytes.substr(0, n), "key 1").entries.empty());
  std::string damaged = bytes;
  damaged[damaged.find("2049")] = 'x';
  CHECK(decode_fingerprint_cache(damaged, "key 1").entries.empty());
  FingerprintCache unsorted = cache;
  std::swap(unsorted.entries[0], unsorted.entries[1]);
  CHECK(decode_fingerprint_cache(encode_fingerprint_cache(unsorted, "k"), "k").entries.empty());
}

TEST_CASE("loader: the repository root, searched upward or fixed") {
  TempRepo repo;
  repo.write("nines.yaml", "title: Parent\n");
  repo.write("inner/README.md", "not a repository\n");
  repo.write("own/nines.yaml", "title: Own\n");
  // As git does: the nearest parent holding nines.yaml.
  CHECK(find_repo_root(repo.root / "inner") == repo.root);
  // A folder nines wrote itself (check --since): a parent's nines.yaml is not its own.
  CHECK_FALSE(find_repo_root(repo.root / "inner", nullptr, false));
  CHECK(find_repo_root(repo.root / "own", nullptr, false) == repo.root / "own");
}

TEST_CASE("loader: a nines.yaml that is not a readable file stops the search with the reason") {
  TempRepo repo;
  repo.write("nines.yaml", "title: Parent\n");
  auto unreadable_at = [](const std::filesystem::path& dir) {
    std::string why;
    const auto root = find_repo_root(dir, &why);
    CHECK_FALSE(root);
    return why;
  };
  // A folder named nines.yaml: not "no repository here", and not the parent's either.
  std::filesystem::create_directories(repo.root / "folder" / "nines.yaml");
  CHECK(unreadable_at(repo.root / "folder").find("it is a folder, not a file") !=
        std::string::npos);
  // A FIFO: refused without blocking on an open that waits for a writer.
  std::filesystem::create_directories(repo.root / "fifo");
  REQUIRE(::mkfifo((repo.root / "fifo" / "nines.yaml").c_str(), 0600) == 0);
  CHECK(unreadable_at(repo.root / "fifo").find("a named pipe (FIFO)") != std::string::npos);
  // A symbolic link to nothing: cannot be read, said with its target.
  std::filesystem::create_directories(repo.root / "dangling" / "sub");
  std::filesystem::create_symlink("/nonexistent/nines.yaml", repo.root / "dangling" / "nines.yaml");
  const std::string why = unreadable_at(repo.root / "dangling" / "sub");
  CHECK(why.find("symbolic link to '/nonexistent/nines.yaml', which does not exist") !=
        std::string::npos);
  // A link to a readable file is the repository.
  std::filesystem::create_directories(repo.root / "linked");
  std::filesystem::create_symlink(repo.root / "nines.yaml", repo.root / "linked" / "nines.yaml");
  CHECK(find_repo_root(repo.root / "linked") == repo.root / "linked");
}

TEST_CASE("loader: a duplicate key counts only in a document nines reads") {
  TempRepo repo;
  // MkDocs reads its mkdocs.yml with a key written twice; a Docusaurus page's front matter too.
  repo.write("mkdocs.yml", "site_name: Docs\nmarkdown_extensions:\n  - abbr\nplugins: []\n"
                           "markdown_extensions:\n  - toc\n");
  repo.write("docs/page.md", "---\ntitle: A\ntitle: B\n---\nText\n");
  repo.write("merge.yaml", "base: 1\nother:\n  <<: 5\n");
  // In a nines document it stays the error it was, where it was; so in front matter.
  repo.write("services/a.yaml", "service:\n  name: a\n  name: b\n");
  repo.write("runbooks/r.md", "---\nrunbook:\n  title: r\n  title: s\n---\nBody\n");
  DiagBag diags;
  LoadNotes notes;
  std::vector<std::string> seen;
  load_repo(
      repo.root, LoadOptions{}, diags, [&](RawDoc&& d) { seen.push_back(d.file); },
      [](RawCsvRow&&) {}, &notes);
  CHECK(seen == std::vector<std::string>{"runbooks/r.md", "services/a.yaml"});
  CHECK(notes.skipped == std::vector<std::string>{"docs/page.md", "merge.yaml", "mkdocs.yml"});
  CHECK(notes.failed == std::vector<std::string>{"runbooks/r.md", "services/a.yaml"});
  const auto d = diags.sorted();
  REQUIRE(d.size() == 2);
  CHECK(d[0].file == "runbooks/r.md");
  CHECK(d[0].rule == "yaml-duplicate-key");
  CHECK(d[0].loc.line == 4);
  CHECK(d[0].loc.col == 3);
  CHECK(d[1].file == "services/a.yaml");
  CHECK(d[1].rule == "yaml-duplicate-key");
  CHECK(d[1].loc.line == 3);
  CHECK(d[1].message == "duplicate key 'name' (first defined at line 2)");
}

TEST_CASE("loader: the files of a Helm chart are Helm's, skipped unread") {
  TempRepo repo;
  repo.write("services/ok.yaml", "service:\n  name: ok\n");
  const std::string chart = "apiVersion: v2\nname: api\nversion: 0.1.0\n";
  repo.write("deploy/api/Chart.yaml", chart);
  repo.write("deploy/api/values.yaml", "replicaCount: 1\nservice:\n  port: 80\n");
  // Not YAML until rendered, and a values file that reads as a nines service.
  repo.write("deploy/api/templates/deployment.yaml",
             "metadata:\n  labels:\n    {{- include \"api.labels\" . | nindent 4 }}\n");
  repo.write("deploy/api/ci/port-values.yaml", "service:\n  port: 9102\n");
  // A subchart, and a Helm 2 chart without apiVersion.
  repo.write("deploy/api/charts/db/Chart.yaml", chart);
  repo.write("deploy/api/charts/db/templates/x.yaml", "a: {{ .Values.a }}\n b: 1\n");
  repo.write("deploy/old/Chart.yaml", "name: old\nversion: 1.0\n");
  repo.write("deploy/old/values.yaml", "service:\n  type: ClusterIP\n");
  // A Chart.yaml no Helm reads as a chart hides nothing: its folder is read as any other.
  repo.write("notcharts/v3/Chart.yaml", "apiVersion: v3\nname: x\nversion: 1\n");
  repo.write("notcharts/v3/typo.yaml", "servce:\n  name: a\n");
  repo.write("notcharts/noversion/Chart.yaml", "name: x\n");
  repo.write("notcharts/noversion/s.yaml", "service:\n  name: s\n");
  repo.write("notcharts/broken/Chart.yaml", "name: [x\n");
  LoadOptions opts;
  opts.exclude = {"deploy/api/charts/db/templates/x.yaml"}; // excluded: not even skipped
  DiagBag diags;
  LoadNotes notes;
  std::vector<std::string> seen;
  LoadHooks hooks;
  hooks.on_doc = [&](RawDoc&& d) { seen.push_back(d.file); };
  hooks.on_csv = [](RawCsvRow&&) {};
  for (unsigned jobs : {1u, 3u}) {
    opts.jobs = jobs;
    diags = DiagBag{};
    notes = LoadNotes{};
    seen.clear();
    load_repo(repo.root, opts, diags, hooks, &notes);
    CHECK(seen == std::vector<std::string>{"notcharts/noversion/s.yaml", "services/ok.yaml"});
    // A Chart.yaml that is not YAML makes no chart and, naming no kind, is skipped as another
    // tool's file that does not parse.
    CHECK(notes.skipped ==
          std::vector<std::string>{"deploy/api/Chart.yaml", "deploy/api/charts/db/Chart.yaml",
                                   "deploy/api/ci/port-values.yaml",
                                   "deploy/api/templates/deployment.yaml", "deploy/api/values.yaml",
                                   "deploy/old/Chart.yaml", "deploy/old/values.yaml",
                                   "notcharts/broken/Chart.yaml", "notcharts/noversion/Chart.yaml",
                                   "notcharts/v3/Chart.yaml"});
    const auto d = diags.sorted();
    REQUIRE(d.size() == 1);
    CHECK(d[0].file == "notcharts/v3/typo.yaml");
    CHECK(d[0].rule == "unknown-kind");
  }
}

TEST_CASE("loader: the root is no Helm chart, and a Location reads a chart's file") {
  TempRepo repo;
  // A repository that is itself a chart: its documents are read (its templates are left out
  // with exclude).
  repo.write("Chart.yaml", "apiVersion: v2\nname: root\nversion: 1.0.0\n");
  repo.write("services/ok.yaml", "service:\n  name: ok\n");
  const std::string head = "apiVersion: backstage.io/v1alpha1\n";
  repo.write("catalog-info.yaml", head + "kind: Location\nmetadata:\n  name: all\n"
                                         "spec:\n  targets: [./deploy/api/catalog-info.yaml]\n");
  repo.write("deploy/api/Chart.yaml", "apiVersion: v2\nname: api\nversion: 0.1.0\n");
  repo.write("deploy/api/catalog-info.yaml", head + "kind: Group\nmetadata:\n  name: api\n");
  repo.write("deploy/api/values.yaml", "service:\n  port: 80\n");
  DiagBag diags;
  LoadNotes notes;
  std::vector<std::string> seen;
  load_repo(
      repo.root, LoadOptions{}, diags, [&](RawDoc&& d) { seen.push_back(d.file); },
      [](RawCsvRow&&) {}, &notes);
  CHECK(seen == std::vector<std::string>{"catalog-info.yaml", "services/ok.yaml",
                                         "deploy/api/catalog-info.yaml"});
  CHECK(notes.skipped ==
        std::vector<std::string>{"Chart.yaml", "deploy/api/Chart.yaml", "deploy/api/values.yaml"});
  CHECK(diags.all().empty());
}

namespace {

// The glob's rule written the plain way (exponential in stars): the reference the remembered
// matcher must agree with.
bool reference_glob(std::string_view p, std::string_view s) {
  while (!p.empty()) {
    if (p.substr(0, 2) == "**") {
      std::string_view rest = p.substr(2);
      if (!rest.empty() && rest.front() == '/') {
        rest.remove_prefix(1);
        if (reference_glob(rest, s)) return true;
        for (std::size_t i = 0; i < s.size(); ++i)
          if (s[i] == '/' && reference_glob(rest, s.substr(i + 1))) return true;
        return false;
      }
      for (std::size_t i = 0; i <= s.size(); ++i)
        if (reference_glob(rest, s.substr(i))) return true;
      return false;
    }
    if (p.front() == '*') {
      for (std::size_t i = 0; i <= s.size(); ++i) {
        if (reference_glob(p.substr(1), s.substr(i))) return true;
        if (i < s.size() && s[i] == '/') break;
      }
      return false;
    }
    if (s.empty()) return false;
    if (p.front() == '?' ? s.front() == '/' : p.front() != s.front()) return false;
    p.remove_prefix(1);
    s.remove_prefix(1);
  }
  return s.empty();
}

} // namespace

TEST_CASE("globs: many stars take time linear in them, and match as the plain rule does") {
  // 40 stars against a long name that fails at its end: the plain rule takes exponential time.
  std::string pattern = "/";
  for (int i = 0; i < 40; ++i)
    pattern += "*a";
  pattern += "*x.yaml";
  const std::string name(200, 'a');
  CHECK_FALSE(glob_match(pattern, name + ".yaml"));
  CHECK(glob_match(pattern, name + "x.yaml"));
  // Random patterns over a small alphabet agree with the plain rule.
  std::uint32_t seed = 12345;
  auto next = [&](std::uint32_t n) {
    seed = seed * 1664525u + 1013904223u;
    return (seed >> 8) % n;
  };
  const char* pattern_chars[] = {"a", "b", "/", "*", "**", "**/", "?"};
  const char path_chars[] = {'a', 'b', '/'};
  for (int round = 0; round < 20000; ++round) {
    std::string p, s;
    for (std::uint32_t k = next(7); k > 0; --k)
      p += pattern_chars[next(7)];
    for (std::uint32_t k = next(9); k > 0; --k)
      s += path_chars[next(3)];
    // A pattern ending in '/' names folders (glob_match's own rule, before the matching).
    if (!p.empty() && p.back() == '/') continue;
    CAPTURE(p);
    CAPTURE(s);
    CHECK(glob_match("/" + p, s) == reference_glob(p, s));
  }
}
