#include "cli/templates.hpp"
#include "write/site_writer.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fstream>

using namespace nines;

TEST_CASE("templates: one per kind of `nines new`, and the files of `nines init`") {
  for (const char* kind : {"service", "sli", "slo", "policy", "runbook", "postmortem", "incident",
                           "experiment", "toil", "capacity", "rotation", "readiness", "assessment"})
    CHECK_NOTHROW(render_template(std::string(kind) + ".yaml", {}));
  auto init = template_paths("init/");
  CHECK(std::find(init.begin(), init.end(), "init/nines.yaml") != init.end());
  CHECK(std::find(init.begin(), init.end(), "init/dot-github/workflows/nines-check.yml") !=
        init.end());
  CHECK(std::is_sorted(init.begin(), init.end()));
  CHECK_THROWS_AS(render_template("no-such-kind.yaml", {}), std::logic_error);
}

TEST_CASE("templates: values go in unescaped; nines and GitHub placeholders pass through") {
  kainjow::mustache::data d;
  d.set("action", "acme/nines@v1 & <more>");
  std::string wf = render_template("init/dot-github/workflows/nines-check.yml", d);
  CHECK(wf.find("uses: acme/nines@v1 & <more>") != std::string::npos);
  CHECK(wf.find("${{ github.base_ref }}") != std::string::npos);
  std::string sli = render_template("sli.yaml", {});
  CHECK(sli.find("{{service}}") != std::string::npos);
  CHECK(sli.find("{{window}}") != std::string::npos);
}

TEST_CASE("templates: write_new_files refuses before writing anything") {
  auto root = std::filesystem::temp_directory_path() / "nines-templates-test";
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root / "b");
  std::ofstream(root / "b" / "two.yaml") << "kept\n";
  std::string existing = write_new_files(root, {{"a/one.yaml", "1"}, {"b/two.yaml", "2"}});
  CHECK(existing == (root / "b" / "two.yaml").string());
  CHECK_FALSE(std::filesystem::exists(root / "a" / "one.yaml"));
  CHECK(write_new_files(root, {{"a/one.yaml", "1"}}) == "");
  CHECK(std::filesystem::exists(root / "a" / "one.yaml"));
  std::filesystem::remove_all(root);
}

TEST_CASE("templates: write_new_files checks every folder first and leaves nothing on failure") {
  namespace fs = std::filesystem;
  auto root = fs::temp_directory_path() / "nines-templates-test-io";
  fs::remove_all(root);
  fs::create_directories(root / "runbooks");
  std::ofstream(root / "runbooks" / "svc") << "a stray file\n";
  // A file where a folder must go: refused before the SLO is written.
  CHECK_THROWS_AS(
      write_new_files(root, {{"slos/s.yaml", "1"}, {"runbooks/svc/svc-fast-burn.yaml", "2"}}),
      WriteError);
  CHECK_FALSE(fs::exists(root / "slos"));
  // A file that cannot be written (its name is too long) after others were: they go again, and
  // the folders made for them.
  const std::string long_name(300, 'x');
  CHECK_THROWS_AS(write_new_files(root, {{"slos/s.yaml", "1"}, {"deep/er/" + long_name, "2"}}),
                  WriteError);
  CHECK_FALSE(fs::exists(root / "slos"));
  CHECK_FALSE(fs::exists(root / "deep"));
  CHECK(fs::exists(root / "runbooks" / "svc"));
  fs::remove_all(root);
}
