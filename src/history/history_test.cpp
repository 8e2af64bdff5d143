#include "history/history.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace nines;

namespace {

constexpr std::int64_t k_now = 1798761600; // 2027-01-01

// A scratch git repository built with the real git, with commits at fixed dates.
struct ScratchRepo {
  fs::path dir;
  ScratchRepo() {
    dir = fs::temp_directory_path() /
          ("nines-history-" + std::to_string(std::rand()) + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    git("init -q -b main");
  }
  ~ScratchRepo() { fs::remove_all(dir); }
  ScratchRepo(const ScratchRepo&) = delete;
  ScratchRepo& operator=(const ScratchRepo&) = delete;
  void git(const std::string& args, const std::string& date = "2026-01-01T00:00:00Z") const {
    std::string cmd =
        "cd '" + dir.string() + "' && GIT_AUTHOR_DATE=" + date + " GIT_COMMITTER_DATE=" + date +
        " git -c user.name=Tess -c user.email=t@example.org " + args + " >/dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((dir / rel).parent_path());
    std::ofstream(dir / rel) << text;
  }
  void commit(const std::string& msg, const std::string& date) const {
    git("add -A", date);
    git("commit -q -m '" + msg + "'", date);
  }
};

} // namespace

TEST_CASE("history: the last commit that touched each file, walking once") {
  ScratchRepo r;
  r.write("docs/a.yaml", "a: 1\n");
  r.write("docs/b.yaml", "b: 1\n");
  r.write("other.txt", "x\n");
  r.commit("first", "2026-01-01T00:00:00Z");
  r.write("docs/a.yaml", "a: 2\n");
  r.commit("second", "2026-02-01T00:00:00Z");
  r.write("other.txt", "y\n");
  r.commit("third", "2026-03-01T00:00:00Z");

  History whole = read_history(r.dir.string(), k_now);
  REQUIRE(whole.available());
  REQUIRE(whole.last_change("docs/a.yaml"));
  CHECK(whole.last_change("docs/a.yaml")->time == 1769904000); // 2026-02-01
  CHECK(whole.last_change("docs/b.yaml")->time == 1767225600); // 2026-01-01
  CHECK(whole.last_change("other.txt")->time == 1772323200);   // 2026-03-01
  CHECK(whole.last_change("docs/a.yaml")->author == "Tess");
  CHECK(whole.last_change("docs/a.yaml")->short_hash.size() == 7);
  CHECK(whole.last_change("missing.yaml") == nullptr);

  // A content root inside the work tree: paths are relative to it.
  History sub = read_history((r.dir / "docs").string(), k_now);
  REQUIRE(sub.available());
  CHECK(sub.size() == 2);
  REQUIRE(sub.last_change("a.yaml"));
  CHECK(sub.last_change("a.yaml")->time == 1769904000);
  CHECK(sub.last_change("other.txt") == nullptr);

  // Uncommitted edits count as changed now; a new file has no history yet.
  r.write("docs/b.yaml", "b: 2\n");
  r.write("docs/new.yaml", "n: 1\n");
  History dirty = read_history((r.dir / "docs").string(), k_now);
  REQUIRE(dirty.last_change("b.yaml"));
  CHECK(dirty.last_change("b.yaml")->uncommitted);
  CHECK(dirty.last_change("new.yaml") == nullptr);
  CHECK_FALSE(dirty.last_change("a.yaml")->uncommitted);
  CHECK(dirty.last_change("b.yaml")->time == k_now);

  // As of a now before the last commits, they have not happened: the older ones decide, and the
  // uncommitted edit (later than HEAD) is not seen either.
  History before = read_history((r.dir / "docs").string(), 1770000000); // 2026-02-02
  CHECK(before.last_change("a.yaml")->time == 1769904000);
  CHECK_FALSE(before.last_change("b.yaml")->uncommitted);
  History earliest = read_history((r.dir / "docs").string(), 1768000000); // 2026-01-09
  CHECK(earliest.last_change("a.yaml")->time == 1767225600);

  // From a revision: its files and their last commits, no working tree.
  History at_first = read_history((r.dir / "docs").string(), k_now, "HEAD~2");
  REQUIRE(at_first.available());
  CHECK(at_first.last_change("a.yaml")->time == 1767225600);
  CHECK_FALSE(at_first.last_change("b.yaml")->uncommitted);
  CHECK(read_history(r.dir.string(), k_now, "nope").reason() == "unknown revision 'nope'");
}

TEST_CASE("history: a merge takes the date of the branch commit that made the change") {
  ScratchRepo r;
  r.write("a.yaml", "a: 1\n");
  r.write("b.yaml", "b: 1\n");
  r.commit("base", "2026-01-01T00:00:00Z");
  r.git("checkout -q -b side");
  r.write("a.yaml", "a: side\n");
  r.commit("side change", "2026-01-05T00:00:00Z");
  r.git("checkout -q main");
  r.write("b.yaml", "b: main\n");
  r.commit("main change", "2026-01-10T00:00:00Z");
  r.git("merge -q --no-edit side", "2026-01-20T00:00:00Z");
  History h = read_history(r.dir.string(), k_now);
  REQUIRE(h.available());
  CHECK(h.last_change("a.yaml")->time == 1767571200); // 2026-01-05, not the merge
  CHECK(h.last_change("b.yaml")->time == 1768003200); // 2026-01-10
}

TEST_CASE("history: no git repository gives an empty history that says so") {
  fs::path dir = fs::temp_directory_path() / ("nines-nogit-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  History h = read_history(dir.string(), k_now);
  // The temporary folder may itself sit inside some repository; only assert when it does not.
  if (!h.available()) {
    CHECK(h.reason() == "not a git repository");
    CHECK(h.last_change("x") == nullptr);
  }
  fs::remove_all(dir);
}

TEST_CASE("history: the checkout that holds a folder, and its branch before the first commit") {
  ScratchRepo r;
  r.git("symbolic-ref HEAD refs/heads/trunk"); // no commit yet: HEAD names an unborn branch
  fs::create_directories(r.dir / "reliability/sub");
  auto at = git_checkout_of((r.dir / "reliability/sub").string());
  REQUIRE(at.has_value());
  CHECK(at->top == fs::canonical(r.dir).string());
  CHECK(at->branch == "trunk");
  r.write("a.yaml", "a: 1\n");
  r.commit("one", "2026-01-02T00:00:00Z");
  r.git("checkout -q --detach");
  at = git_checkout_of(r.dir.string());
  REQUIRE(at.has_value());
  CHECK(at->branch.empty());
}

TEST_CASE("history: files of a tree at a revision, and a bad revision") {
  ScratchRepo r;
  r.write("c/nines.yaml", "title: T\n");
  r.write("c/s.yaml", "old\n");
  r.commit("one", "2026-01-01T00:00:00Z");
  r.write("c/s.yaml", "new\n");
  r.write("c/t.yaml", "t\n");
  r.commit("two", "2026-01-02T00:00:00Z");
  TreeFiles old = read_tree_at((r.dir / "c").string(), "HEAD~1");
  CHECK(old.error.empty());
  CHECK(old.files.size() == 2);
  CHECK(old.files["s.yaml"] == "old\n");
  CHECK(old.commit.size() == 40);
  TreeFiles bad = read_tree_at((r.dir / "c").string(), "no-such-branch");
  CHECK(bad.error == "unknown revision 'no-such-branch'");
  CHECK_FALSE(bad.unreachable);
}

TEST_CASE("history: files moved since a revision, staged or not, edited a little or not") {
  ScratchRepo r;
  const std::string body = "runbook:\n  title: Disk full\n  alert_name: DiskFull\n  owner: a\n";
  r.write("c/nines.yaml", "title: T\n");
  r.write("c/runbooks/a.yaml", body);
  r.write("c/runbooks/b.yaml", body + "  escalation: b\n");
  r.write("c/runbooks/c.yaml", body + "  escalation: c\n");
  r.write("c/gone.yaml", "x: 1\n");
  r.write("outside.yaml", "capacity_model:\n  service: elsewhere\n");
  r.commit("one", "2026-01-01T00:00:00Z");
  fs::create_directories(r.dir / "c/ops");
  r.git("mv c/runbooks/a.yaml c/ops/a.yaml");                   // staged, unchanged
  fs::rename(r.dir / "c/runbooks/b.yaml", r.dir / "c/b2.yaml"); // untracked new name
  r.git("mv c/runbooks/c.yaml c/c3.yaml");
  r.write("c/c3.yaml", body + "  escalation: c, then the lead\n"); // moved and edited
  fs::remove(r.dir / "c/gone.yaml");
  fs::rename(r.dir / "outside.yaml", r.dir / "c/inside.yaml"); // from outside the content root
  TreeFiles t = read_tree_at((r.dir / "c").string(), "HEAD");
  REQUIRE(t.error.empty());
  CHECK(t.moved.size() == 3);
  CHECK(t.moved["runbooks/a.yaml"] == "ops/a.yaml");
  CHECK(t.moved["runbooks/b.yaml"] == "b2.yaml");
  CHECK(t.moved["runbooks/c.yaml"] == "c3.yaml");
  CHECK_FALSE(t.moved.count("gone.yaml"));
}

TEST_CASE("history: a move staged with git mv keeps the last change; edited too, it is now") {
  ScratchRepo r;
  r.write("c/a.yaml", "runbook:\n  title: A\n");
  r.write("c/b.yaml", "runbook:\n  title: B\n");
  r.commit("one", "2026-01-01T00:00:00Z");
  r.git("mv c/a.yaml c/moved.yaml");
  r.git("mv c/b.yaml c/edited.yaml");
  r.write("c/edited.yaml", "runbook:\n  title: B, edited\n");
  History h = read_history((r.dir / "c").string(), k_now);
  REQUIRE(h.last_change("moved.yaml"));
  CHECK(h.last_change("moved.yaml")->time == 1767225600);
  CHECK_FALSE(h.last_change("moved.yaml")->uncommitted);
  REQUIRE(h.last_change("edited.yaml"));
  CHECK(h.last_change("edited.yaml")->uncommitted);
  CHECK(h.last_change("edited.yaml")->time == k_now);
}

TEST_CASE("history: a file moved without an edit keeps the last change of its content") {
  ScratchRepo r;
  r.write("c/runbooks/old.yaml", "runbook: {}\n");
  r.write("c/runbooks/edited.yaml", "runbook: {}\n# edited\n");
  r.write("c/twice.yaml", "t: 1\n");
  r.commit("one", "2026-01-01T00:00:00Z");
  r.git("mv c/runbooks/old.yaml c/runbooks/moved.yaml");
  r.git("mv c/runbooks/edited.yaml c/runbooks/renamed.yaml");
  r.write("c/runbooks/renamed.yaml", "runbook: {}\n# edited again\n");
  r.commit("two", "2026-02-01T00:00:00Z");
  r.git("mv c/twice.yaml c/once.yaml");
  r.commit("three", "2026-03-01T00:00:00Z");
  r.git("mv c/once.yaml c/folder.yaml");
  r.commit("four", "2026-04-01T00:00:00Z");
  History h = read_history((r.dir / "c").string(), k_now);
  REQUIRE(h.last_change("runbooks/moved.yaml"));
  CHECK(h.last_change("runbooks/moved.yaml")->time == 1767225600);   // 2026-01-01: only moved
  CHECK(h.last_change("runbooks/renamed.yaml")->time == 1769904000); // 2026-02-01: edited too
  REQUIRE(h.last_change("folder.yaml"));
  CHECK(h.last_change("folder.yaml")->time == 1767225600); // moved twice, edited never
}

TEST_CASE("history: a tree's symbolic links are kept as links, with their targets") {
  ScratchRepo r;
  r.write("c/nines.yaml", "title: T\n");
  r.write("c/shared/s.slo", "slo: {}\n");
  fs::create_directories(r.dir / "c/slos");
  fs::create_symlink("../shared/s.slo", r.dir / "c/slos/s.yaml");
  r.commit("one", "2026-01-01T00:00:00Z");
  TreeFiles t = read_tree_at((r.dir / "c").string(), "HEAD");
  CHECK(t.error.empty());
  CHECK(t.files.count("slos/s.yaml") == 0);
  CHECK(t.links["slos/s.yaml"] == "../shared/s.slo");
  CHECK(t.files["shared/s.slo"] == "slo: {}\n");
}

TEST_CASE("history: nested folders, a file that becomes a folder, and a content root added late") {
  ScratchRepo r;
  r.write("top.txt", "t\n");
  r.commit("before the content", "2026-01-01T00:00:00Z");
  r.write("content/deep/x/y.yaml", "y: 1\n");
  r.write("content/deep/x/z.yaml", "z: 1\n");
  r.write("content/thing", "a file\n");
  r.commit("content arrives", "2026-01-02T00:00:00Z");
  r.write("content/deep/x/y.yaml", "y: 2\n");
  r.commit("deep change", "2026-01-03T00:00:00Z");
  r.git("rm -q content/thing", "2026-01-04T00:00:00Z");
  r.write("content/thing/inner.yaml", "i: 1\n");
  r.commit("file becomes a folder", "2026-01-04T00:00:00Z");
  History h = read_history((r.dir / "content").string(), k_now);
  REQUIRE(h.available());
  CHECK(h.size() == 3);
  CHECK(h.last_change("deep/x/y.yaml")->time == 1767398400);    // 2026-01-03
  CHECK(h.last_change("deep/x/z.yaml")->time == 1767312000);    // 2026-01-02
  CHECK(h.last_change("thing/inner.yaml")->time == 1767484800); // 2026-01-04
  CHECK(h.last_change("thing") == nullptr);                     // gone at HEAD
}

TEST_CASE("history: where the content root sits in the work tree, for the web view's links") {
  ScratchRepo r;
  r.write("ops/reliability/nines.yaml", "title: T\n");
  // Before the first commit the place is known already.
  CHECK(read_history((r.dir / "ops/reliability").string(), k_now).prefix() == "ops/reliability/");
  r.commit("one", "2026-01-01T00:00:00Z");
  CHECK(read_history((r.dir / "ops/reliability").string(), k_now).prefix() == "ops/reliability/");
  CHECK(read_history((r.dir / "ops").string(), k_now).prefix() == "ops/");
  CHECK(read_history(r.dir.string(), k_now).prefix().empty());
  CHECK(History().prefix().empty());
}

TEST_CASE("history: the commits of a recent range, per file, newest first, in the same walk") {
  ScratchRepo r;
  r.write("docs/a.yaml", "a: 1\n");
  r.write("docs/b.yaml", "b: 1\n");
  r.commit("first", "2026-01-01T00:00:00Z");
  r.write("docs/a.yaml", "a: 2\n");
  r.commit("second", "2026-02-01T00:00:00Z");
  r.write("docs/a.yaml", "a: 3\n");
  r.write("docs/b.yaml", "b: 2\n");
  r.commit("third", "2026-03-01T00:00:00Z");

  const std::int64_t now = 1772668800; // 2026-03-05
  // The default range: the 7 whole days before now in any timezone (9 days of instants) hold
  // the third commit only.
  History h = read_history((r.dir / "docs").string(), now);
  REQUIRE(h.available());
  CHECK(h.commits_since() == now - 9 * 86400);
  REQUIRE(h.commits().size() == 2);
  CHECK(h.commits()[0].path == "a.yaml");
  CHECK(h.commits()[1].path == "b.yaml");
  CHECK(h.commits()[0].change.time == 1772323200); // 2026-03-01
  CHECK(h.commits()[0].change.author == "Tess");
  // At noon on 2026-03-08 the third commit (midnight, 2026-03-01) is on the 7th day back: a
  // handoff's week lists it, though it is more than 7×24 hours before now.
  History edge = read_history((r.dir / "docs").string(), now + 3 * 86400 + 12 * 3600);
  CHECK(edge.commits().size() == 2);

  // From 2026-01-15: the walk goes on past the last changes to list the second commit too.
  History longer = read_history((r.dir / "docs").string(), now, "", 1768435200);
  REQUIRE(longer.commits().size() == 3);
  CHECK(longer.commits()[2].path == "a.yaml");
  CHECK(longer.commits()[2].change.time == 1769904000); // 2026-02-01
  // Last changes are unaffected.
  CHECK(longer.last_change("b.yaml")->time == 1772323200);
}

TEST_CASE("history: which files count as changed now, as read_history finds them") {
  ScratchRepo r;
  r.write("content/a.md", "a\n");
  r.write("content/b.md", "b\n");
  r.commit("first", "2026-01-01T00:00:00Z");
  r.write("content/a.md", "a, edited\n"); // an uncommitted edit
  r.write("content/new.md", "never committed\n");
  const std::string root = (r.dir / "content").string();

  auto now = uncommitted_now(root, k_now, {"a.md", "b.md", "new.md"});
  REQUIRE(now);
  CHECK(now->at("a.md"));
  CHECK_FALSE(now->at("b.md"));
  CHECK_FALSE(now->at("new.md"));
  // The same answer the history gives.
  History h = read_history(root, k_now);
  REQUIRE(h.available());
  CHECK(h.last_change("a.md")->uncommitted);
  CHECK_FALSE(h.last_change("b.md")->uncommitted);
  CHECK(h.last_change("new.md") == nullptr);

  // Dated before HEAD, an edit is not seen as changed now (it came later still).
  auto before = uncommitted_now(root, 1767139200 /* 2025-12-31 */, {"a.md"});
  REQUIRE(before);
  CHECK_FALSE(before->at("a.md"));
  // Staged counts too; back to HEAD's bytes, it does not.
  r.git("add content/a.md");
  CHECK(uncommitted_now(root, k_now, {"a.md"})->at("a.md"));
  r.git("reset -q --hard");
  CHECK_FALSE(uncommitted_now(root, k_now, {"a.md"})->at("a.md"));

  CHECK_FALSE(uncommitted_now((fs::temp_directory_path() / "nines-no-such-repo").string(), k_now,
                              {"a.md"}));
}

TEST_CASE("history: a shallow clone dates what its commits changed and says where it stops") {
  ScratchRepo r;
  r.write("docs/a.yaml", "a: 1\n");
  r.write("docs/b.yaml", "b: 1\n");
  r.commit("first", "2026-01-01T00:00:00Z");
  r.write("docs/b.yaml", "b: 2\n");
  r.commit("second", "2026-02-01T00:00:00Z");
  r.write("docs/a.yaml", "a: 3\n");
  r.commit("third", "2026-03-01T00:00:00Z");
  const History whole = read_history(r.dir.string(), k_now);
  REQUIRE(whole.available());
  CHECK(whole.partial_reason().empty());
  REQUIRE(whole.last_change("docs/b.yaml"));

  // As actions/checkout makes them: --depth 2 knows the last commit's changes (its parent is
  // there to compare with), not those of the boundary commit or before.
  const fs::path clone2 = r.dir.string() + "-depth2";
  const fs::path clone1 = r.dir.string() + "-depth1";
  for (const auto& [path, depth] : {std::pair{clone2, 2}, std::pair{clone1, 1}}) {
    fs::remove_all(path);
    const std::string cmd = "git clone -q --depth " + std::to_string(depth) + " file://" +
                            r.dir.string() + " " + path.string() + " >/dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
  const History two = read_history(clone2.string(), k_now);
  REQUIRE(two.available());
  REQUIRE(two.last_change("docs/a.yaml"));
  CHECK(two.last_change("docs/a.yaml")->time == whole.last_change("docs/a.yaml")->time);
  CHECK_FALSE(two.last_change("docs/b.yaml")); // changed in the boundary commit: unknown
  CHECK(two.partial_reason().find("shallow") != std::string::npos);
  const History one = read_history(clone1.string(), k_now);
  REQUIRE(one.available());
  CHECK(one.size() == 0);
  CHECK(one.partial_reason().find("shallow") != std::string::npos);
  fs::remove_all(clone2);
  fs::remove_all(clone1);
}

TEST_CASE("history: an uncommitted edit is seen under a content folder whose name is a glob") {
  ScratchRepo r;
  r.write("docs [prod]/a.yaml", "a: 1\n");
  r.commit("first", "2026-01-01T00:00:00Z");
  r.write("docs [prod]/a.yaml", "a: 2\n");
  const History h = read_history((r.dir / "docs [prod]").string(), k_now);
  REQUIRE(h.available());
  REQUIRE(h.last_change("a.yaml"));
  CHECK(h.last_change("a.yaml")->uncommitted);
}

TEST_CASE("history: moving the content folder itself keeps every file's last change") {
  ScratchRepo r;
  r.write("docs/runbooks/a.yaml", "runbook: {}\n");
  r.write("docs/b.yaml", "b: 1\n");
  r.commit("one", "2026-01-01T00:00:00Z");
  r.write("docs/b.yaml", "b: 2\n");
  r.commit("two", "2026-02-01T00:00:00Z");
  r.git("mv docs reliability");
  r.commit("move", "2026-03-01T00:00:00Z");
  const History h = read_history((r.dir / "reliability").string(), k_now);
  REQUIRE(h.last_change("runbooks/a.yaml"));
  CHECK(h.last_change("runbooks/a.yaml")->time == 1767225600); // 2026-01-01, not the move
  REQUIRE(h.last_change("b.yaml"));
  CHECK(h.last_change("b.yaml")->time == 1769904000); // 2026-02-01
}

TEST_CASE("history: a file created at a moved file's old path does not take its history") {
  ScratchRepo r;
  r.write("c/slow.yaml", "runbook: {}\n");
  r.commit("one", "2026-01-01T00:00:00Z");
  r.git("mv c/slow.yaml c/renamed.yaml");
  r.commit("move", "2026-02-01T00:00:00Z");
  r.write("c/slow.yaml", "runbook: {new: 1}\n");
  r.commit("new", "2026-03-01T00:00:00Z");
  const History h = read_history((r.dir / "c").string(), k_now);
  REQUIRE(h.last_change("renamed.yaml"));
  CHECK(h.last_change("renamed.yaml")->time == 1767225600); // 2026-01-01: only moved since
  REQUIRE(h.last_change("slow.yaml"));
  CHECK(h.last_change("slow.yaml")->time == 1772323200); // 2026-03-01: the new file
}

TEST_CASE("history: a recent edit is listed under the file's name now, and a move is no change") {
  ScratchRepo r;
  r.write("c/old.yaml", "runbook: {}\n");
  r.commit("one", "2026-03-01T00:00:00Z");
  r.write("c/old.yaml", "runbook: {edited: 1}\n");
  r.commit("edit", "2026-03-02T00:00:00Z");
  r.git("mv c/old.yaml c/new.yaml");
  r.commit("move", "2026-03-03T00:00:00Z");
  const std::int64_t now = 1772668800; // 2026-03-05
  const History h = read_history((r.dir / "c").string(), now);
  std::vector<std::string> listed;
  for (const auto& c : h.commits())
    listed.push_back(c.path + "@" + std::to_string(c.change.time));
  // The edit (2026-03-02) and the creation (2026-03-01), both under the name it has now.
  CHECK(listed == std::vector<std::string>{"new.yaml@1772409600", "new.yaml@1772323200"});
}

TEST_CASE("history: files in a submodule are named as such, not as uncommitted") {
  ScratchRepo inner;
  inner.write("r.yaml", "runbook: {}\n");
  inner.commit("inner", "2026-01-01T00:00:00Z");
  ScratchRepo r;
  r.write("c/nines.yaml", "title: T\n");
  r.commit("one", "2026-01-02T00:00:00Z");
  r.git("-c protocol.file.allow=always submodule add -q " + inner.dir.string() + " c/shared");
  r.commit("sub", "2026-01-03T00:00:00Z");
  const History h = read_history((r.dir / "c").string(), k_now);
  REQUIRE(h.available());
  CHECK_FALSE(h.last_change("shared/r.yaml"));
  REQUIRE(h.submodule_of("shared/r.yaml"));
  CHECK(*h.submodule_of("shared/r.yaml") == "shared");
  CHECK_FALSE(h.submodule_of("nines.yaml"));
  CHECK_FALSE(h.submodule_of("shared")); // the folder itself is no file in it
}

TEST_CASE("history: an author's name is published as UTF-8, whatever the commit holds") {
  // Converted from the encoding the commit names; bytes no encoding explains become U+FFFD.
  CHECK(commit_text_utf8("Ren\xE9", "ISO-8859-1") == "Ren\xC3\xA9");
  CHECK(commit_text_utf8("Ren\xE9", "latin1") == "Ren\xC3\xA9");
  CHECK(commit_text_utf8("Ren\xC3\xA9", nullptr) == "Ren\xC3\xA9");
  CHECK(commit_text_utf8("Ren\xC3\xA9", "utf8") == "Ren\xC3\xA9");
  CHECK(commit_text_utf8("Ren\xE9", nullptr) == "Ren\xEF\xBF\xBD");
  CHECK(commit_text_utf8("Ren\xE9", "UTF-8") == "Ren\xEF\xBF\xBD");
  CHECK(commit_text_utf8("Ren\xE9", "no-such-encoding") == "Ren\xEF\xBF\xBD");
  // A byte the named encoding cannot read (0x81 is no character of Windows-1252).
  CHECK(commit_text_utf8("a\x81"
                         "b",
                         "CP1252") == "a\xEF\xBF\xBD"
                                      "b");
  // Overlong forms, surrogates, past U+10FFFF and a sequence cut short are not UTF-8.
  CHECK(commit_text_utf8("\xC0\xAF", nullptr) == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(commit_text_utf8("\xED\xA0\x80", nullptr) == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(commit_text_utf8("\xF4\x90\x80\x80", nullptr) ==
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(commit_text_utf8("x\xE2\x80", nullptr) == "x\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(commit_text_utf8("", "ISO-8859-1").empty());

  ScratchRepo r;
  r.write("a.yaml", "a: 1\n");
  r.write("b.yaml", "b: 1\n");
  r.commit("first", "2026-12-01T00:00:00Z");
  r.write("a.yaml", "a: 2\n");
  r.git("add -A", "2026-12-20T00:00:00Z");
  r.git("-c i18n.commitEncoding=ISO-8859-1 -c user.name=\"$(printf 'Ren\\351')\" commit -q -m "
        "latin",
        "2026-12-20T00:00:00Z");
  // git itself reads a name that is not UTF-8, with no encoding named, as Latin-1 and stores it
  // converted; an older git, or another tool, stores the bytes as given: such a commit is made
  // here by hand.
  r.write("b.yaml", "b: 2\n");
  r.git("add -A", "2026-12-21T00:00:00Z");
  const std::string raw =
      "cd '" + r.dir.string() +
      "' && t=$(git write-tree) && c=$(printf 'tree %s\\nparent %s\\nauthor Ren\\351 <r@x> "
      "1797811200 +0000\\ncommitter Ren\\351 <r@x> 1797811200 +0000\\n\\nraw\\n' $t "
      "$(git rev-parse HEAD) | git hash-object -t commit -w --stdin) && git update-ref HEAD $c";
  REQUIRE(std::system(raw.c_str()) == 0);

  History h = read_history(r.dir.string(), k_now, "", 0);
  REQUIRE(h.available());
  REQUIRE(h.last_change("a.yaml"));
  CHECK(h.last_change("a.yaml")->author == "Ren\xC3\xA9");
  REQUIRE(h.last_change("b.yaml"));
  CHECK(h.last_change("b.yaml")->author == "Ren\xEF\xBF\xBD");
  // The recent range's commits carry the same names.
  REQUIRE(h.commits().size() == 4);
  CHECK(h.commits()[0].change.author == "Ren\xEF\xBF\xBD");
  CHECK(h.commits()[1].change.author == "Ren\xC3\xA9");
}
