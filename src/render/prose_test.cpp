#include "model/digest.hpp"
#include "render/site.hpp"

#include <doctest/doctest.h>

using namespace nines;
using nlohmann::json;

TEST_CASE("render/prose: a view's encoding decodes to the same view, and damage is refused") {
  const json view = {{"title", "Runbook \xE2\x80\x94 steps"},
                     {"count", -3},
                     {"size", 7u},
                     {"ratio", 0.25},
                     {"flags", {true, false, nullptr}},
                     {"runbook", {{"body_html", nullptr}, {"steps", json::array()}}},
                     {"empty", json::object()}};
  const std::string bytes = encode_view(view);
  const auto back = decode_view(bytes);
  REQUIRE(back);
  CHECK(*back == view);
  CHECK(encode_view(*back) == bytes);
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, bytes.size() / 2, bytes.size() - 1})
    CHECK_FALSE(decode_view(std::string_view(bytes).substr(0, cut)));
  CHECK_FALSE(decode_view(bytes + "x"));
  std::string wrong = bytes;
  wrong[0] = 'z';
  CHECK_FALSE(decode_view(wrong));
}

TEST_CASE("render/prose: saved pages and search parts decode, keeping only the wanted views") {
  ProsePage a{"runbooks/a/index.html",
              "runbook",
              {"runbooks/a.md", "/runbook/body_html", "/toc", {"overview"}},
              encode_view({{"runbook", {{"body_html", nullptr}}}})};
  ProsePage b{"services/b/index.html",
              "service",
              {"services/b.md", "/body_html", "", {}},
              encode_view({{"body_html", nullptr}})};
  ProseSearch search;
  search.entries = {{"A", "runbook", "sum", "runbooks/a/", "a words"},
                    {"B", "service", "", "services/b/", "b"}};
  search.cap = 160;
  search.drafts.push_back(
      {0, "runbooks/a.md", "runbook", "A", "runbooks/a/index.html", "sum", {"a"}, {"before"}, 1});
  search.file_pages = {{"runbooks/a.md", "runbooks/a/index.html"}};
  search.repo_url = "https://example.com/repo";
  search.branch = "main";
  search.repo_prefix = "ops/reliability/";
  // Pages and the search parts in any order, then the end.
  auto file = [](const std::vector<std::string>& records, std::size_t pages) {
    std::string bytes = prose_file_start(), digests;
    for (const auto& r : records) {
      bytes += r;
      digests += content_hash(r);
    }
    return bytes + encode_prose_end(pages, digests);
  };
  const std::string bytes =
      file({encode_prose_page(b), encode_prose_search(search), encode_prose_page(a)}, 2);

  auto state = decode_prose(bytes, {{"runbooks/a.md", "new body"}});
  REQUIRE(state);
  REQUIRE(state->pages.size() == 1);
  CHECK(state->pages[0].path == a.path);
  CHECK(state->pages[0].slot.taken == a.slot.taken);
  CHECK(state->pages[0].view == a.view);
  CHECK(state->search.entries.size() == 2);
  CHECK(state->search.entries[1].href == "services/b/");
  CHECK(state->search.cap == 160);
  REQUIRE(state->search.drafts.size() == 1);
  CHECK(state->search.drafts[0].prose == std::vector<std::string>{"before"});
  CHECK(state->search.drafts[0].body_at == 1);
  CHECK(state->search.file_pages == search.file_pages);
  CHECK(state->search.branch == "main");
  CHECK(state->search.repo_prefix == "ops/reliability/");

  auto both = decode_prose(bytes, {{"runbooks/a.md", ""}, {"services/b.md", ""}});
  REQUIRE(both);
  CHECK(both->pages.size() == 2);
  CHECK(both->pages[0].path < both->pages[1].path);

  // Cut short anywhere (between two records too), without the search parts, with a page count
  // that does not match, or with bytes after the end: refused.
  for (std::size_t cut = 0; cut < bytes.size(); cut += 7)
    CHECK_FALSE(decode_prose(std::string_view(bytes).substr(0, cut), {}));
  CHECK_FALSE(
      decode_prose(prose_file_start() + encode_prose_page(b) + encode_prose_search(search), {}));
  CHECK_FALSE(decode_prose(file({encode_prose_page(a)}, 1), {}));
  CHECK_FALSE(decode_prose(file({encode_prose_page(b), encode_prose_search(search)}, 2), {}));
  CHECK_FALSE(decode_prose(bytes + "x", {}));
  // A byte changed in place, sizes and all: refused by the records' hashes.
  std::string flipped = bytes;
  flipped[flipped.find("runbooks/a.md")] = 'R';
  CHECK_FALSE(decode_prose(flipped, {}));
  // A draft whose body would go past its prose is damage too.
  search.drafts[0].body_at = 5;
  CHECK_FALSE(decode_prose(file({encode_prose_search(search)}, 0), {}));
}
