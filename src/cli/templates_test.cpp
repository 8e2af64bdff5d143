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

TEST_CASE("templates: file_slug makes ASCII file and channel names") {
  CHECK(file_slug("Checkout errors after deploy", "incident") == "checkout-errors-after-deploy");
  CHECK(file_slug("  SEV1: DB -- down!! ", "incident") == "sev1-db-down");
  CHECK(file_slug("../../etc/passwd", "incident") == "etc-passwd");
  CHECK(file_slug(std::string(200, 'a'), "incident").size() == 48);
  CHECK(file_slug("500", "incident") == "500");
}

TEST_CASE("templates: file_slug spells Latin letters with diacritics in ASCII") {
  CHECK(file_slug("Zürich outage", "incident") == "zurich-outage");
  // The same title with the umlaut as a combining mark (decomposed, NFD).
  CHECK(file_slug("Zu\u0308rich outage", "incident") == "zurich-outage");
  CHECK(file_slug("Café crème — déjà vu", "incident") == "cafe-creme-deja-vu");
  CHECK(file_slug("Straße, Æsir, Søren, Łódź, Ærø", "incident") == "strasse-aesir-soren-lodz-aero");
  CHECK(file_slug("ÉCHEC Ça", "incident") == "echec-ca");
  // Two bytes more for one letter still keeps 48 characters at most.
  CHECK(file_slug(std::string(47, 'a') + "ß", "incident").size() == 48);
}

TEST_CASE("templates: file_slug tells titles it cannot spell apart by a hash") {
  const std::string a = file_slug("決済エラー", "incident"),
                    b = file_slug("ログイン障害", "incident");
  CHECK(a.rfind("incident-", 0) == 0);
  CHECK(a.size() == std::string("incident-").size() + 8);
  CHECK(a != b);
  CHECK(a == file_slug("決済エラー", "incident")); // stable
  CHECK(file_slug("***", "postmortem").rfind("postmortem-", 0) == 0);
  CHECK(file_slug("Отказ базы", "incident") != file_slug("Отказ кэша", "incident"));
  // What it could spell stays; the hash keeps "API 障害" and "API 遅延" apart.
  const std::string mixed = file_slug("API 障害", "incident");
  CHECK(mixed.rfind("api-", 0) == 0);
  CHECK(mixed.size() == 4 + 8);
  CHECK(mixed != file_slug("API 遅延", "incident"));
  // Letters it cannot spell after the 48-character cut still take the hash, of the whole title:
  // two such titles on one day get two files.
  const std::string words = "word word word word word word word word word word word word ";
  const std::string cut_a = file_slug(words + "障害", "incident"),
                    cut_b = file_slug(words + "停止", "incident");
  CHECK(cut_a != cut_b);
  CHECK(cut_a.size() == 48);
  CHECK(cut_a.rfind("word-word-", 0) == 0);
  CHECK(cut_a.substr(39, 1) == "-");
  // Past the cut, ASCII is only cut, as before: no hash.
  CHECK(file_slug(words + "more", "incident") == file_slug(words + "less", "incident"));
  // Punctuation and symbols outside ASCII are separators, not lost letters.
  CHECK(file_slug("DB down — “again” 🔥", "incident") == "db-down-again");
  // Bytes that are not UTF-8 are no letters it can spell either.
  CHECK(file_slug("DB \xff down", "incident").size() == std::string("db-down-").size() + 8);
  for (const auto& title : {std::string("決済エラー"), std::string(300, 'x') + "障害",
                            std::string("***"), std::string("Zürich")}) {
    const std::string slug = file_slug(title, "incident");
    CHECK(slug.size() <= 48);
    CHECK(slug.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos);
    CHECK(slug.front() != '-');
    CHECK(slug.back() != '-');
  }
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
