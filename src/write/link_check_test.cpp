#include "write/link_check.hpp"

#include <doctest/doctest.h>

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
