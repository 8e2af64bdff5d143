#include "write/link_check.hpp"

#include <doctest/doctest.h>
#include <set>
#include <sstream>

using namespace nines;

namespace {

std::string page(const std::string& body) {
  return "<!DOCTYPE html><html><head><link rel=\"stylesheet\" href=\"../static/style.css\"></head>"
         "<body>" +
         body + "</body></html>";
}

} // namespace

TEST_CASE("write/link_check: a clean site has no broken links") {
  std::map<std::string, std::string> files = {
      {"index.html", "<a href=\"services/\">s</a><a href=\"services\">s2</a>"
                     "<a href=\"slos/a.html#burn\">b</a><a href=\"#top\">t</a><p id=\"top\"></p>"
                     "<a href=\"https://example.com/x\">ext</a><a href=\"mailto:a@b.c\">m</a>"
                     "<a href=\"#\">hash</a><a href=\"\">empty</a>"
                     "<img src=\"data:image/png;base64,AAAA\" alt=\"\">"
                     "<form action=\"search.html\"></form><a href=\"search.html?q=x\">q</a>"},
      {"search.html", "<p>search</p>"},
      {"services/index.html", page("<a href=\"../index.html\">home</a><a href=\"./\">self</a>"
                                   "<a href=\"..\">up</a>")},
      {"slos/a.html", page("<h2 id=\"burn\">Burn</h2><a href=\"a.html#x&amp;y\">amp</a>"
                           "<span id='x&amp;y'></span><a name=\"old\"></a>"
                           "<a href=\"#old\">old</a><a href=\"my%20file.txt\">space</a>"
                           "<svg><a xlink:href=\"#burn\"></a></svg>")},
      {"slos/my file.txt", "x"},
      {"static/style.css", "body{}"},
  };
  auto broken = check_links(files);
  for (const auto& b : broken)
    FAIL_CHECK(b.page << " -> " << b.target << ": " << b.reason);
}

TEST_CASE("write/link_check: reports a missing page and a missing anchor") {
  std::map<std::string, std::string> files = {
      {"index.html", "<a href=\"slos/missing.html\">x</a>\n<a href=\"slos/a.html#nope\">y</a>"
                     "<a href=\"slos/a.html#ok\">z</a><a href=\"#gone\">w</a>"
                     "<a href=\"slos/missing.html\">dup</a>"},
      {"slos/a.html", "<h2 id=\"ok\">ok</h2>"},
  };
  auto broken = check_links(files);
  REQUIRE(broken.size() == 3);
  CHECK(broken[0].page == "index.html");
  CHECK(broken[0].target == "slos/missing.html");
  CHECK(broken[0].reason == "no such file: slos/missing.html");
  CHECK(broken[1].target == "slos/a.html#nope");
  CHECK(broken[1].reason == "no element with id 'nope' in slos/a.html");
  CHECK(broken[2].target == "#gone");
  CHECK(broken[2].reason == "no element with id 'gone' in index.html");
}

TEST_CASE("write/link_check: absolute, protocol-relative, escaping and unsafe URLs") {
  std::map<std::string, std::string> files = {
      {"a/index.html", "<a href=\"/index.html\">1</a><a href=\"//cdn.example.com/x.js\">2</a>"
                       "<a href=\"../../x.html\">3</a><a href=\"javascript:alert(1)\">4</a>"
                       "<script src=\"missing.js\"></script><a href=\"sub/\">5</a>"},
      {"index.html", ""},
  };
  auto broken = check_links(files);
  REQUIRE(broken.size() == 6);
  CHECK(broken[0].reason.rfind("root-absolute", 0) == 0);
  CHECK(broken[1].reason.rfind("protocol-relative", 0) == 0);
  CHECK(broken[2].reason == "climbs above the site root");
  CHECK(broken[3].reason == "unsafe URL");
  CHECK(broken[4].target == "missing.js");
  CHECK(broken[5].reason == "no such file: a/sub/index.html");
}

TEST_CASE("write/link_check: text inside scripts, styles and comments is not markup") {
  std::map<std::string, std::string> files = {
      {"index.html", "<script>var s = '<a href=\"nope.html\">';</script>"
                     "<style>/* <a href=\"x.html\"> */</style>"
                     "<!-- <a href=\"gone.html\"> -->"
                     "<p>&lt;a href=\"escaped.html\"&gt;</p>"
                     "<SCRIPT type=\"text/javascript\">'<img src=\"x.png\">'</SCRIPT>"},
  };
  CHECK(check_links(files).empty());
}

TEST_CASE("write/link_check: per-page extraction keeps what the check needs, once") {
  PageLinks p = extract_links(
      "<a href=\"x.html\">1</a><a href=\"https://example.com\">ext</a><a href=\"#\">h</a>"
      "<a href=\"\">e</a><a href=\"x.html\">again</a><a href=\" javascript:x \">js</a>"
      "<h2 id=\"b\"></h2><h2 id=\"a\"></h2><a name=\"c\"></a><p id=\"a\"></p>");
  CHECK(p.urls.values() == std::vector<std::string>{"x.html", " javascript:x "});
  CHECK(p.ids == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("write/link_check: names in any case, values decoded only where they are kept") {
  PageLinks p = extract_links(
      "<A HREF='a.html' CLASS=\"x &amp; y\">1</A><IMG Src=b.png alt=\"<a href=no.html>\">"
      "<Form ACTION=\"c.html?x=1&amp;y=2\"></Form><svg><use XLink:Href=\"#d\"/></svg>"
      "<A Name=\"e&#45;f\"></A><div NAME=\"not-an-anchor\" Id=g></div><a hrefx=\"h.html\">"
      "<a data-href=\"i.html\" title=\"j\">");
  CHECK(p.urls.values() == std::vector<std::string>{"a.html", "b.png", "c.html?x=1&y=2", "#d"});
  CHECK(p.ids == std::vector<std::string>{"e-f", "g"});
}

TEST_CASE("write/link_check: checking extracted links gives what checking the bytes gives") {
  const std::map<std::string, std::string> files = {
      {"index.html", "<a href=\"slos/a.html#ok\">1</a><a href=\"slos/a.html#nope\">2</a>"
                     "<a href=\"gone.html\">3</a><a href=\"/abs\">4</a><a href=\"slos\">5</a>"},
      {"slos/a.html", "<h2 id=\"ok\"></h2><a href=\"../index.html#top\">t</a>"},
      {"slos/index.html", ""},
      {"data.json", "{}"},
  };
  std::map<std::string, PageLinks> pages;
  for (const auto& [path, bytes] : files)
    if (is_html_path(path)) pages[path] = extract_links(bytes);
  const auto streamed =
      check_links(pages, [&](const std::string& p) { return files.count(p) != 0; });
  const auto whole = check_links(files);
  REQUIRE(streamed.size() == whole.size());
  REQUIRE(whole.size() == 4);
  for (std::size_t i = 0; i < whole.size(); ++i) {
    CHECK(streamed[i].page == whole[i].page);
    CHECK(streamed[i].target == whole[i].target);
    CHECK(streamed[i].reason == whole[i].reason);
  }
}

TEST_CASE("write/link_check: saved links read back whole, and only whole") {
  SavedLinks saved;
  saved.key = "nines 1.0 abc def";
  saved.pages["a b/x.html"] = {{"id\\1", "id\n2"}, {"u\r\n\\n", "../y.html#z"}, "0123456789abcdef"};
  saved.pages["empty.html"] = {};
  const std::string text = encode_saved_links(saved);
  std::istringstream in(text);
  auto back = decode_saved_links(in);
  REQUIRE(back);
  CHECK(back->key == saved.key);
  REQUIRE(back->pages.size() == 2);
  CHECK(back->pages.at("a b/x.html").ids == saved.pages.at("a b/x.html").ids);
  CHECK(back->pages.at("a b/x.html").urls == saved.pages.at("a b/x.html").urls);
  CHECK(back->pages.at("a b/x.html").urls.values() ==
        std::vector<std::string>{"u\r\n\\n", "../y.html#z"});
  CHECK(back->pages.at("a b/x.html").hash == "0123456789abcdef");
  CHECK(back->pages.at("empty.html").urls.empty());
  // Cut short anywhere (a full disk, a killed run) or damaged: not taken.
  for (std::size_t cut = 0; cut + 1 < text.size(); cut += 7) {
    std::istringstream part(text.substr(0, cut));
    CHECK_FALSE(decode_saved_links(part));
  }
  std::istringstream bad("nines-links 1\nK k\nX what\nE\n");
  CHECK_FALSE(decode_saved_links(bad));
  std::istringstream bad_escape("nines-links 1\nK k\nP a\\q\nE\n");
  CHECK_FALSE(decode_saved_links(bad_escape));
  // Changed in place with every size kept (a damaged block, an edit): refused by the chunks'
  // hashes, in the header, in a page, in the end mark.
  for (const std::string& needle : {std::string("abc"), std::string("y.html"), std::string("E ")}) {
    std::string damaged = text;
    const std::size_t at = damaged.find(needle);
    REQUIRE(at != std::string::npos);
    damaged[at + 1] ^= 0x20;
    std::istringstream in_damaged(damaged);
    CHECK_FALSE(decode_saved_links(in_damaged));
  }
  // Nothing after the end mark.
  std::istringstream trailing(text + "P x\n");
  CHECK_FALSE(decode_saved_links(trailing));
}

TEST_CASE("write/link_check: any number of threads finds the same links in the same order") {
  // More pages than one batch of work, each with its own mix of good and broken links, and a
  // `only` that leaves some out.
  std::map<std::string, PageLinks> pages;
  std::set<std::string> only;
  for (int i = 0; i < 300; ++i) {
    const std::string path = "p" + std::to_string(i) + "/index.html";
    std::string body = "<h2 id=\"h" + std::to_string(i) + "\"></h2>";
    body += "<a href=\"../p" + std::to_string((i + 1) % 300) + "/#h" + std::to_string(i + 1) +
            "\">next</a>";
    if (i % 7 == 0) body += "<a href=\"../gone" + std::to_string(i) + ".html\">gone</a>";
    if (i % 11 == 0) body += "<a href=\"/abs\">abs</a>";
    pages[path] = extract_links(page(body));
    if (i % 5 != 0) only.insert(path);
  }
  auto exists = [&](const std::string& p) { return pages.count(p) != 0; };
  for (const std::set<std::string>* filter : {static_cast<const std::set<std::string>*>(nullptr),
                                              static_cast<const std::set<std::string>*>(&only)}) {
    const auto one = check_links(pages, exists, filter, 1);
    REQUIRE(!one.empty());
    for (int jobs : {2, 4, 0}) {
      const auto many = check_links(pages, exists, filter, jobs);
      REQUIRE(many.size() == one.size());
      for (std::size_t i = 0; i < one.size(); ++i) {
        CHECK(many[i].page == one[i].page);
        CHECK(many[i].target == one[i].target);
        CHECK(many[i].reason == one[i].reason);
      }
    }
  }
}
