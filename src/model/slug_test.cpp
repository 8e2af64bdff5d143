#include "model/entity_ref.hpp"
#include "model/slug.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace nines;

TEST_CASE("slug: file_slug makes ASCII file and channel names") {
  CHECK(file_slug("Checkout errors after deploy", "incident") == "checkout-errors-after-deploy");
  CHECK(file_slug("  SEV1: DB -- down!! ", "incident") == "sev1-db-down");
  CHECK(file_slug("../../etc/passwd", "incident") == "etc-passwd");
  CHECK(file_slug(std::string(200, 'a'), "incident").size() == 48);
  CHECK(file_slug("500", "incident") == "500");
}

TEST_CASE("slug: file_slug spells Latin letters with diacritics in ASCII") {
  CHECK(file_slug("Zürich outage", "incident") == "zurich-outage");
  // The same title with the umlaut as a combining mark (decomposed, NFD).
  CHECK(file_slug("Zu\u0308rich outage", "incident") == "zurich-outage");
  CHECK(file_slug("Café crème — déjà vu", "incident") == "cafe-creme-deja-vu");
  CHECK(file_slug("Straße, Æsir, Søren, Łódź, Ærø", "incident") == "strasse-aesir-soren-lodz-aero");
  CHECK(file_slug("ÉCHEC Ça", "incident") == "echec-ca");
  // Two bytes more for one letter still keeps 48 characters at most.
  CHECK(file_slug(std::string(47, 'a') + "ß", "incident").size() == 48);
}

TEST_CASE("slug: file_slug tells titles it cannot spell apart by a hash") {
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

TEST_CASE("slug: file names become ids, transliterated, with punctuation ids allow") {
  const SlugRules id{"._-", 128, ""};
  CHECK(slug("Pay API", id) == "pay-api");
  CHECK(slug("checkout_v2", id) == "checkout_v2");
  CHECK(slug("--weird--", id) == "weird");
  CHECK(slug(".draft", id) == "draft");
  CHECK(slug("2026-10-10.db_outage", id) == "2026-10-10.db_outage");
  CHECK(slug("Zürich outage", id) == "zurich-outage");
  // No letter it can spell, and no fallback: the hash alone, a valid id all the same.
  const std::string jp = slug("決済エラー", id);
  CHECK(jp.size() == 8);
  CHECK(jp.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(jp != slug("ログイン障害", id));
  CHECK(slug("---", id).size() == 8);
  CHECK(slug(std::string(300, 'a'), id).size() == 128);
  CHECK(slug(std::string(300, 'a') + "障害", id).size() == 128);
}

TEST_CASE("slug: slug_collision names two names written differently that make one id") {
  // Both as written, the first's kind only when it is another.
  CHECK(slug_collision("OpenSLO Service", "example service", "OpenSLO Service", "example-service",
                       "example-service") ==
        "OpenSLO Service 'example service' and 'example-service' both become the id "
        "'example-service'; 'example-service' is also defined at ");
  CHECK(slug_collision("Backstage Group", "Team_A", "OpenSLO Service", "team-a", "team-a") ==
        "Backstage Group 'Team_A' and OpenSLO Service 'team-a' both become the id 'team-a'; "
        "'team-a' is also defined at ");
  // Not a slug collision: one name written twice, a name missing, or slugs that differ (ids that
  // meet only through a suffix such as an OpenSLO objective's).
  CHECK(slug_collision("Backstage User", "guest", "Backstage User", "guest", "guest").empty());
  CHECK(slug_collision("Backstage User", "", "Backstage User", "guest", "guest").empty());
  CHECK(slug_collision("OpenSLO SLO", "web", "OpenSLO SLO", "web.sla", "web.sla").empty());
  CHECK(k_slug_collision_hint.find("rename one of them in `metadata.name`") == 0);
}

TEST_CASE("slug_id: a dialect's name as the id docs/dialects.md describes") {
  CHECK(nines::slug_id("Checkout_API") == "checkout-api");
  CHECK(nines::slug_id("example service") == "example-service");
  // A run of other characters is one '-', none right after a kept '-'.
  CHECK(nines::slug_id("Technology_-_Development") == "technology--development");
  CHECK(nines::slug_id("_a.b-") == "a.b");
}
