#include "render/markdown.hpp"

#include <algorithm>
#include <cctype>
#include <doctest/doctest.h>
#include <thread>

using namespace nines;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("render/markdown: raw HTML is never emitted") {
  auto r = render_markdown("Hello\n\n<script>alert(1)</script>\n\n"
                           "inline <img src=x onerror=alert(1)> and <b onclick=x>bold</b>\n\n"
                           "<div>\n<iframe src=\"https://evil.example\"></iframe>\n</div>\n");
  std::string html = lower(r.html);
  CHECK(!contains(html, "<script"));
  CHECK(!contains(html, "<img"));
  CHECK(!contains(html, "onerror"));
  CHECK(!contains(html, "onclick"));
  CHECK(!contains(html, "<iframe"));
  CHECK(!contains(html, "<div"));
  CHECK(contains(r.html, "<p>Hello</p>"));
}

TEST_CASE("render/markdown: unsafe link and image URLs never become attributes") {
  auto r = render_markdown("[x](javascript:alert(1)) [y](JavaScript:alert(1)) "
                           "[z](vbscript:msgbox) [w](data:text/html;base64,PHNjcmlwdD4=) "
                           "[v](<java\tscript:alert(1)>) [ok](https://example.com)\n\n"
                           "![alt text](javascript:alert(1)) ![pic](data:image/png;base64,AAAA)\n\n"
                           "<javascript:alert(1)>\n\n[ref]\n\n[ref]: jAvAsCrIpT:alert(1)\n");
  std::string html = lower(r.html);
  // No unsafe URL in any attribute (a dropped autolink may leave its harmless text).
  CHECK(!contains(html, "\"javascript:"));
  CHECK(!contains(html, "\"vbscript:"));
  CHECK(!contains(html, "\"data:text"));
  CHECK(!contains(html, "\"java\tscript"));
  CHECK(!contains(html, "href=\"\""));
  // The text of a dropped link stays; a dropped image becomes its alt text.
  CHECK(contains(r.html, "x y z w"));
  CHECK(contains(r.html, "alt text"));
  CHECK(contains(r.html, "<a href=\"https://example.com\">ok</a>"));
  CHECK(contains(r.html, "src=\"data:image/png;base64,AAAA\""));
}

TEST_CASE("render/markdown: GFM tables, task lists, strikethrough and autolinks render") {
  auto r = render_markdown("| a | b |\n|---|--:|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n"
                           "~~gone~~ www.example.com\n");
  CHECK(contains(r.html, "<table>"));
  CHECK(contains(r.html, "<th>a</th>"));
  CHECK(contains(r.html, "<td align=\"right\">2</td>"));
  CHECK(contains(r.html, "type=\"checkbox\" checked=\"\" disabled=\"\""));
  CHECK(contains(r.html, "<del>gone</del>"));
  CHECK(contains(r.html, "<a href=\"http://www.example.com\">www.example.com</a>"));
}

TEST_CASE("render/markdown: headings get unique anchors and are listed") {
  auto r = render_markdown("# Overview\n\n## Overview\n\n## Overview\n\n### Steps: *restart* the "
                           "`pod`\n\n## Main\n\nSetext\n------\n");
  REQUIRE(r.headings.size() == 6);
  CHECK(r.headings[0].anchor == "overview");
  CHECK(r.headings[1].anchor == "overview-1");
  CHECK(r.headings[2].anchor == "overview-2");
  CHECK(r.headings[3].level == 3);
  CHECK(r.headings[3].text == "Steps: restart the pod");
  CHECK(r.headings[3].anchor == "steps-restart-the-pod");
  // "main" is the page's skip-link target, so a heading cannot take it.
  CHECK(r.headings[4].anchor == "main-1");
  CHECK(r.headings[5].level == 2);
  CHECK(contains(r.html, "<h1 id=\"overview\">Overview</h1>"));
  CHECK(contains(r.html, "<h2 id=\"overview-1\">Overview</h2>"));
  CHECK(contains(r.html, "<h3 id=\"steps-restart-the-pod\">Steps: <em>restart</em> the "
                         "<code>pod</code></h3>"));
  CHECK(contains(r.html, "<h2 id=\"setext\">Setext</h2>"));
}

TEST_CASE("render/markdown: ids reserved by the caller's shared set are not taken either") {
  const std::set<std::string> layout_ids = {"timeline-h", "timeline-h-1"};
  MarkdownOptions options;
  options.more_reserved_ids = &layout_ids;
  auto r = render_markdown("## Timeline h\n\n## Main\n\n## Timeline h\n", options);
  REQUIRE(r.headings.size() == 3);
  CHECK(r.headings[0].anchor == "timeline-h-2");
  CHECK(r.headings[1].anchor == "main-1"); // the defaults still hold
  CHECK(r.headings[2].anchor == "timeline-h-3");
  CHECK(layout_ids.size() == 2); // read, not written
}

TEST_CASE("render/markdown: heading_offset demotes headings below the page title, at most h6") {
  MarkdownOptions options;
  options.heading_offset = 1;
  auto r = render_markdown("# Intro\n\n## Next *x*\n\n###### Deep\n", options);
  REQUIRE(r.headings.size() == 3);
  CHECK(r.headings[0].level == 2);
  CHECK(r.headings[2].level == 6);
  CHECK(contains(r.html, "<h2 id=\"intro\">Intro</h2>"));
  CHECK(contains(r.html, "<h3 id=\"next-x\">Next <em>x</em></h3>"));
  CHECK(contains(r.html, "<h6 id=\"deep\">Deep</h6>"));
  CHECK(!contains(r.html, "<h1"));
}

TEST_CASE("render/markdown: heading text with markup stays escaped") {
  auto r = render_markdown("# a <b> & \"c\"\n");
  REQUIRE(r.headings.size() == 1);
  CHECK(r.headings[0].text == "a & \"c\""); // the inline raw <b> is dropped from the text
  CHECK(!contains(r.html, "<b>"));
  CHECK(contains(r.html, "&amp; &quot;c&quot;"));
}

TEST_CASE("render/markdown: code blocks keep a class for copy buttons and are escaped") {
  auto r = render_markdown("```bash title=x\nkubectl get pods | grep '<none>'\n```\n\n"
                           "    indented & code\n\n```\"><script>\nx\n```\n");
  CHECK(contains(r.html, "<pre class=\"code-block\"><code class=\"language-bash\">kubectl get pods "
                         "| grep &#39;&lt;none&gt;&#39;\n</code></pre>"));
  CHECK(contains(r.html, "<pre class=\"code-block\"><code>indented &amp; code\n</code></pre>"));
  CHECK(!contains(r.html, "<script"));
}

TEST_CASE("render/markdown: rewrite_url maps links and its result is vetted") {
  MarkdownOptions opts;
  opts.rewrite_url = [](std::string_view url) -> std::string {
    if (url == "../runbooks/db.md") return "../runbooks/db.html";
    if (url == "evil") return "javascript:alert(1)";
    return std::string(url);
  };
  auto r = render_markdown("[db](../runbooks/db.md) [e](evil)\n", opts);
  CHECK(contains(r.html, "<a href=\"../runbooks/db.html\">db</a>"));
  CHECK(!contains(r.html, "javascript"));
  CHECK(contains(r.html, " e</p>"));
}

TEST_CASE("render/markdown: output is deterministic across threads") {
  const std::string md = "# T\n\n| a |\n|---|\n| [x](y.html) |\n\n```c\nint x;\n```\n";
  const std::string expected = render_markdown(md).html;
  std::vector<std::string> got(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < got.size(); ++i)
    threads.emplace_back([&, i] {
      for (int k = 0; k < 20; ++k)
        got[i] = render_markdown(md).html;
    });
  for (auto& t : threads)
    t.join();
  for (const auto& g : got)
    CHECK(g == expected);
}

TEST_CASE("render/markdown: invalid UTF-8 and NUL bytes are replaced") {
  auto r = render_markdown(std::string("bad \xFF byte and nul \0 here", 26));
  CHECK(!contains(r.html, "\xFF"));
  CHECK(r.html.find('\0') == std::string::npos);
}
