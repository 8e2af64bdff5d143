#include "load/loader.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
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
