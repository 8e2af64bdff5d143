#include "render/markdown.hpp"

#include <algorithm>
#include <cctype>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <cstdlib>
#include <doctest/doctest.h>
#include <set>
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

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1))
    ++n;
  return n;
}

// cmark-gfm on its own, with its default allocator and the options render_markdown uses: for a
// document without headings, links, images or code blocks (the nodes render_markdown rewrites)
// the two must agree byte for byte, whatever the arena does.
std::string reference_html(const std::string& md) {
  cmark_gfm_core_extensions_ensure_registered();
  cmark_parser* parser = cmark_parser_new(CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8);
  for (const char* name : {"table", "strikethrough", "autolink", "tasklist", "tagfilter"})
    cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension(name));
  cmark_parser_feed(parser, md.data(), md.size());
  cmark_node* doc = cmark_parser_finish(parser);
  char* html =
      cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser));
  std::string stock = html;
  std::free(html);
  cmark_node_free(doc);
  cmark_parser_free(parser);
  // render_markdown puts each table in a scroll frame of its own, numbered in document order;
  // everything else is cmark-gfm's own output.
  std::string out;
  int n = 0;
  std::size_t at = 0;
  for (std::size_t open; (open = stock.find("<table>", at)) != std::string::npos;) {
    const std::size_t close = stock.find("</table>\n", open) + 9;
    out += stock.substr(at, open - at) +
           "<div class=\"table-wrap\" role=\"region\" aria-label=\"Table " + std::to_string(++n) +
           "\" tabindex=\"0\">\n" + stock.substr(open, close - open) + "</div>\n";
    at = close;
  }
  return out + stock.substr(at);
}

// A document of every construct render_markdown handles, about `paragraphs` paragraphs long;
// `seed` varies the text so no two documents are alike.
std::string sample_document(int seed, int paragraphs) {
  std::string md = "# Runbook " + std::to_string(seed) + "\n\n";
  for (int i = 0; i < paragraphs; ++i) {
    const std::string n = std::to_string(seed * 1000 + i);
    switch ((seed + i) % 6) {
    case 0:
      md +=
          "## Step " + n + "\n\nRestart *pod* " + n + " with `kubectl` and ~~wait~~ **check**.\n\n";
      break;
    case 1:
      md +=
          "- [x] item " + n + "\n- [ ] [link " + n + "](../runbooks/r" + n + ".md)\n  - nested\n\n";
      break;
    case 2:
      md += "| a | b " + n + " |\n|---|--:|\n| 1 | " + n + " |\n\n";
      break;
    case 3:
      md += "```bash\necho " + n + " '<x>'\n```\n\n![diagram " + n + "](img/" + n + ".png)\n\n";
      break;
    case 4:
      md += "> quoted " + n + "\n> [bad](javascript:alert(" + n + "))\n\n";
      break;
    default:
      md += std::string(static_cast<std::size_t>(i % 7) * 40 + 10, 'x') + " " + n + "\n\n";
      break;
    }
  }
  return md;
}

} // namespace

TEST_CASE("render/markdown: links and images are listed as written, where they start") {
  const MarkdownResult r = render_markdown("# T\n\nSee [a](/x) and\nmore [b][ref] ![i](img.png)\n\n"
                                           "[ref]: ../other/\n");
  REQUIRE(r.links.size() == 3);
  CHECK(r.links[0].url == "/x");
  CHECK(r.links[0].line == 3);
  CHECK(r.links[0].col == 5);
  CHECK(r.links[1].url == "../other/");
  CHECK(r.links[1].line == 4);
  CHECK(r.links[1].col == 6);
  CHECK(r.links[2].url == "img.png");
  CHECK(r.links[2].line == 4);
  CHECK(r.links[2].col == 15);
}

TEST_CASE("render/markdown: a paragraph's reference definitions do not move its links up") {
  // cmark takes the two definitions out of the paragraph; the links are on line 5, not line 3.
  const MarkdownResult r = render_markdown("# T\n\n[a]: /x\n  [b\\]]: /y\nmore [a] and [b\\]]\n"
                                           "then [c](/z)\n\nlast [a]\n\n[not]:no-def [x](/w)\n");
  REQUIRE(r.links.size() == 5);
  CHECK(r.links[0].url == "/x");
  CHECK(r.links[0].line == 5);
  CHECK(r.links[0].col == 6);
  CHECK(r.links[1].url == "/y");
  CHECK(r.links[1].line == 5);
  CHECK(r.links[2].url == "/z");
  CHECK(r.links[2].line == 6);
  CHECK(r.links[3].line == 8); // a paragraph without definitions: as cmark says
  CHECK(r.links[3].col == 6);
  CHECK(r.links[4].url == "/w"); // `[not]:no-def [x](/w)` is no definition: text, then a link
  CHECK(r.links[4].line == 10);
}

TEST_CASE("render/markdown: many documents on several threads at once render as one at a time") {
  std::vector<std::string> docs;
  for (int seed = 0; seed < 120; ++seed)
    docs.push_back(sample_document(seed, 1 + (seed * 37) % 400)); // some past one arena block
  std::vector<std::string> expected;
  for (const auto& md : docs)
    expected.push_back(render_markdown(md).html);

  constexpr std::size_t k_threads = 4;
  std::vector<std::vector<std::string>> got(k_threads, std::vector<std::string>(docs.size()));
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < k_threads; ++t)
    threads.emplace_back([&, t] {
      // Each thread starts elsewhere, so different sizes render at the same moment.
      for (std::size_t k = 0; k < docs.size(); ++k) {
        const std::size_t i = (k + t * docs.size() / k_threads) % docs.size();
        got[t][i] = render_markdown(docs[i]).html;
      }
    });
  for (auto& t : threads)
    t.join();
  for (std::size_t t = 0; t < k_threads; ++t)
    for (std::size_t i = 0; i < docs.size(); ++i)
      CHECK(got[t][i] == expected[i]);
}

TEST_CASE("render/markdown: documents larger than an arena block render as cmark-gfm does") {
  // Sizes from a fraction of a block to many blocks, with paragraphs, lists, quotes and tables
  // interleaved, so strbufs grow in place, move between blocks and outgrow a block on their own.
  for (int size : {1, 30, 200, 1500, 9000, 20000}) {
    std::string md;
    for (int i = 0; i < size; ++i) {
      const std::string n = std::to_string(i);
      switch (i % 5) {
      case 0:
        md += "- item " + n + " with *emphasis* and ~~struck~~ text\n";
        break;
      case 1:
        md += "\nA paragraph " + n + " that runs on\nover **several** lines `code " + n + "`\n" +
              std::string(static_cast<std::size_t>(i % 13) * 30, 'p') + "\n\n";
        break;
      case 2:
        md += "> quote " + n + "\n> > nested _" + n + "_\n\n";
        break;
      case 3:
        md += "| a | b |\n|---|---|\n| " + n + " | x |\n| y | " + n + " |\n\n";
        break;
      default:
        md += "1. first " + n + "\n2. second\n\n";
        break;
      }
    }
    CHECK(render_markdown(md).html == reference_html(md));
  }
  std::string line = std::string(300000, 'y') + " *z*"; // one line past a block on its own
  CHECK(render_markdown(line).html == reference_html(line));
  line += "\n";
  CHECK(render_markdown(line).html == reference_html(line));
}

TEST_CASE("render/markdown: hostile documents still render") {
  std::string items;
  for (int i = 0; i < 100000; ++i)
    items += "- a\n";
  auto r = render_markdown(items);
  CHECK(count(r.html, "<li>") == 100000);

  auto quotes = render_markdown(std::string(20000, '>') + " deep\n");
  CHECK(count(quotes.html, "<blockquote>") == 20000);
  CHECK(contains(quotes.html, "<p>deep</p>"));

  std::string lists;
  for (int i = 0; i < 500; ++i)
    lists += std::string(static_cast<std::size_t>(i) * 2, ' ') + "- level\n";
  CHECK(count(render_markdown(lists).html, "<ul>") == 500);

  auto brackets = render_markdown(std::string(50000, '[') + "x" + std::string(50000, ']'));
  CHECK(count(brackets.html, "[") == 50000);
  auto stars = render_markdown(std::string(50000, '*') + "x" + std::string(50000, '_'));
  CHECK(contains(stars.html, "x"));
}

TEST_CASE("render/markdown: the arena is reused and stays bounded") {
  // A huge document leaves no memory behind: past a few MB the arena releases everything.
  std::string items;
  for (int i = 0; i < 100000; ++i)
    items += "- a\n";
  render_markdown(items);
  CHECK(markdown_arena_usage().blocks == 0);
  CHECK(markdown_arena_usage().bytes == 0);

  // Many documents keep one block between renders, grown to what the largest of them needs.
  const std::string small = sample_document(1, 5);
  const std::string large = sample_document(2, 300);
  render_markdown(large);
  const MarkdownArenaUsage after_large = markdown_arena_usage();
  CHECK(after_large.blocks == 1);
  CHECK(after_large.bytes <= (std::size_t{4} << 20));
  for (int i = 0; i < 10000; ++i) {
    render_markdown(i % 100 == 0 ? large : small);
    const MarkdownArenaUsage usage = markdown_arena_usage();
    if (usage.blocks != 1 || usage.bytes > after_large.bytes) {
      FAIL("the arena grew at render " << i << ": " << usage.blocks << " blocks, " << usage.bytes
                                       << " bytes");
    }
  }
  CHECK(render_markdown(small).html == render_markdown(small).html);
}

TEST_CASE("render/markdown: a render inside rewrite_url leaves the outer render intact") {
  std::string md;
  for (int i = 0; i < 200; ++i)
    md += "[link " + std::to_string(i) + "](page" + std::to_string(i) + ".md) ";
  MarkdownOptions plain;
  plain.rewrite_url = [](std::string_view url) { return std::string(url) + ".html"; };
  const std::string expected = render_markdown(md, plain).html;
  MarkdownOptions nested;
  const std::string inner_doc = sample_document(3, 50);
  nested.rewrite_url = [&](std::string_view url) {
    render_markdown(inner_doc); // allocates on the same thread's arena
    return std::string(url) + ".html";
  };
  CHECK(render_markdown(md, nested).html == expected);
}

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

TEST_CASE("render/markdown: an image from elsewhere becomes a link, never a request") {
  auto r =
      render_markdown("![dashboard](https://grafana.example/x.png) ![](http://t.example/p.gif) "
                      "![proto](//cdn.example/y.png) ![local](img/z.png) "
                      "![inline](data:image/png;base64,AAAA)\n");
  CHECK(contains(r.html, "<a href=\"https://grafana.example/x.png\">dashboard</a>"));
  // Without alt text the link is named by its URL, so it is not an empty link.
  CHECK(contains(r.html, "<a href=\"http://t.example/p.gif\">http://t.example/p.gif</a>"));
  CHECK(contains(r.html, "<a href=\"//cdn.example/y.png\">proto</a>"));
  CHECK(!contains(r.html, "src=\"https:"));
  CHECK(!contains(r.html, "src=\"http:"));
  CHECK(!contains(r.html, "src=\"//"));
  // Images inside the site, and data: images, load nothing from elsewhere.
  CHECK(contains(r.html, "<img src=\"img/z.png\" alt=\"local\" />"));
  CHECK(contains(r.html, "src=\"data:image/png;base64,AAAA\""));
  // A rewrite that sends a relative image to the repository's web view makes it remote too.
  MarkdownOptions o;
  o.rewrite_url = [](std::string_view u) {
    return "https://git.example/blob/main/" + std::string(u);
  };
  auto w = render_markdown("![arch](docs/arch.png)\n", o);
  CHECK(contains(w.html, "<a href=\"https://git.example/blob/main/docs/arch.png\">arch</a>"));
}

TEST_CASE("render/markdown: table rows too wide or too many are read as text") {
  const std::string divides = "\xE2\x88\xA3"; // U+2223, which stands in for a pipe there
  // A real table of 40 columns is a table.
  std::string row;
  for (int i = 0; i < 40; ++i)
    row += "| c" + std::to_string(i) + " ";
  std::string rule;
  for (int i = 0; i < 40; ++i)
    rule += "|---";
  const auto wide = render_markdown(row + "|\n" + rule + "|\n" + row + "|\n");
  CHECK(count(wide.html, "<td>") == 40);
  CHECK(count(wide.html, "<th>") == 40);

  // A row of 5,000 pipes under a two-column header: its pipes are text, not 5,000 cells (which
  // cost cmark-gfm time quadratic in them), and the rows before and after it are still the
  // table's.
  const std::string huge(5000, '|');
  const auto r = render_markdown("a|b\n-|-\n1|2\n" + huge + "\n3|4\n");
  CHECK(count(r.html, divides) == 5000);
  CHECK(count(r.html, "|") == 0);
  CHECK(contains(r.html, "<td>1</td>"));
  // In fenced code every pipe stays as written, however many.
  const auto code = render_markdown("```\n" + huge + "\n```\n\n~~~~\n```\n" + huge + "\n~~~~\n");
  CHECK(count(code.html, "|") == 10000);
  CHECK(count(code.html, divides) == 0);

  // Past 50,000 pipes in a document, further rows are text as well: 2,000 rows of 30 cells.
  std::string many = "a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q|r|s|t|u|v|w|x|y|z|0|1|2|3\n";
  many += "-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-\n";
  std::string cells;
  for (int i = 0; i < 30; ++i)
    cells += "|1";
  for (int i = 0; i < 2000; ++i)
    many += cells + "|\n"; // 31 pipes a row
  const auto capped = render_markdown(many);
  // Rows up to the 50,000th pipe, (50,000 - 58) / 31 of them, keep theirs; the rest become text
  // (a line without a pipe still continues a table, as one cell: GFM's rule).
  const int kept = (50000 - 58) / 31;
  CHECK(count(capped.html, divides) == (2000 - kept) * 31);
  CHECK(count(capped.html, "<tr>") == 2001);
}

TEST_CASE("render/markdown: a paragraph of thousands of emphasis marks and links parses at once") {
  const std::string star = "\xE2\x88\x97"; // U+2217, which stands in for '*' there
  // 20,000 of `*em* [l](https://x/a_b*c) ` in one paragraph: cmark-gfm 0.29 took 20 s and more.
  std::string hostile;
  for (int i = 0; i < 20000; ++i)
    hostile += "*em* [l](https://x/a_b*c) ";
  const auto r = render_markdown(hostile + "\n\nA *normal* paragraph after it.\n");
  CHECK(count(r.html, "<em>") == 1); // only the paragraph after it has emphasis
  CHECK(contains(r.html, "<em>normal</em>"));
  CHECK(count(r.html, star) == 40000);
  // Every link and its destination stay as written.
  CHECK(r.links.size() == 20000);
  CHECK(r.links.front().url == "https://x/a_b*c");

  // Reference links and strikethrough cost the same: 20,000 of `*em* [l][r] ` and of
  // `~s~ [l](https://x) ` parse at once too.
  std::string refs;
  for (int i = 0; i < 20000; ++i)
    refs += "*em* [l][r] ";
  const auto rr = render_markdown(refs + "\n\n[r]: https://x/\n");
  CHECK(count(rr.html, "<em>") == 0);
  CHECK(count(rr.html, "href=\"https://x/\"") == 20000);
  std::string strike;
  for (int i = 0; i < 20000; ++i)
    strike += "~s~ [l](https://x) ";
  const auto st = render_markdown(strike);
  CHECK(count(st.html, "<del>") == 0);
  CHECK(count(st.html, "\xE2\x88\xBC") == 40000);

  // A list of emphasised links is many small paragraphs: it keeps its emphasis.
  std::string list;
  for (int i = 0; i < 3000; ++i)
    list +=
        "- **Dashboard " + std::to_string(i) + "**: [open](https://x/" + std::to_string(i) + ")\n";
  const auto l = render_markdown(list);
  CHECK(count(l.html, "<strong>") == 3000);
  CHECK(count(l.html, star) == 0);

  // In code spans and fenced code the marks stay as written.
  std::string code = "```\n";
  for (int i = 0; i < 5000; ++i)
    code += "*em* [l](https://x) ";
  code += "\n```\n";
  const auto c = render_markdown(code);
  CHECK(count(c.html, star) == 0);
  CHECK(count(c.html, "*") == 10000);
}

TEST_CASE("render/markdown: a paragraph of thousands of image openers and links parses at once") {
  const std::string click = "\xC7\x83"; // U+01C3, which stands in for the `!` of `![` there
  // 100,000 of `![[]()` in one paragraph (600 KB): cmark-gfm 0.29 took 128 s. 80,000 of them
  // (240,000 brackets) stay under the markup limit.
  std::string hostile;
  for (int i = 0; i < 80000; ++i)
    hostile += "![[]()";
  const auto r = render_markdown(hostile + "\n\nAn ![image](img/i.png) after it.\n");
  REQUIRE(!r.refused);
  CHECK(count(r.html, click) == 80000);
  CHECK(count(r.html, "<img") == 1); // only the paragraph after it has an image
  CHECK(contains(r.html, "<img src=\"img/i.png\" alt=\"image\""));
  // A paragraph of a few images and links is left as written.
  const auto few = render_markdown("![a](img/a.png) [l](https://x/) ![b](img/b.png)\n");
  CHECK(count(few.html, "<img") == 2);
  CHECK(count(few.html, click) == 0);
}

TEST_CASE("render/markdown: a table scrolls in a frame of its own, never the page") {
  const std::string html =
      render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\ntext\n\n| c |\n|---|\n| 3 |\n").html;
  CHECK(
      html.find("<div class=\"table-wrap\" role=\"region\" aria-label=\"Table 1\" tabindex=\"0\">\n"
                "<table>") == 0);
  CHECK(html.find("</table>\n</div>\n<p>text</p>") != std::string::npos);
  CHECK(html.find("aria-label=\"Table 2\"") != std::string::npos);
  // Raw HTML stays filtered: a table typed as HTML gets no frame and no table.
  CHECK(render_markdown("<table><tr><td>x</td></tr></table>\n").html.find("table-wrap") ==
        std::string::npos);
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

TEST_CASE("render/markdown: heading anchors are GitHub's, so links written for it work") {
  auto r = render_markdown("## What's wrong?\n\n## CPU & Memory\n\n## v1.2 upgrade\n\n"
                           "## What's wrong?\n");
  REQUIRE(r.headings.size() == 4);
  CHECK(r.headings[0].anchor == "whats-wrong");
  CHECK(r.headings[1].anchor == "cpu--memory");
  CHECK(r.headings[2].anchor == "v12-upgrade");
  CHECK(r.headings[3].anchor == "whats-wrong-1");
  CHECK(contains(r.html, "<h2 id=\"cpu--memory\">CPU &amp; Memory</h2>"));
  // Spaces as written, each a '-', a tab dropped; the text shown is still collapsed.
  r = render_markdown("## Bad  heading\n\n## Two   three\n\n## Tab\there\n");
  REQUIRE(r.headings.size() == 3);
  CHECK(r.headings[0].anchor == "bad--heading");
  CHECK(r.headings[0].text == "Bad heading");
  CHECK(r.headings[1].anchor == "two---three");
  CHECK(r.headings[2].anchor == "tabhere");
}

TEST_CASE("render/markdown: on a page no heading skips a level after the one before") {
  MarkdownOptions options;
  options.top_heading_level = 2;
  auto r = render_markdown("#### Small first\n\n## Overview\n\n#### Deep\n\n### Step\n", options);
  REQUIRE(r.headings.size() == 4);
  CHECK(r.headings[0].level == 2);
  CHECK(r.headings[1].level == 2);
  CHECK(r.headings[2].level == 3);
  CHECK(r.headings[3].level == 3);
  CHECK(contains(r.html, "<h2 id=\"small-first\">Small first</h2>"));
  // Without a page level, as written.
  r = render_markdown("#### Small first\n\n## Overview\n");
  CHECK(r.headings[0].level == 4);
  // Siblings after a skipped level keep one level; the next group is back at its own
  // (kubernetes-mixin's runbook: `#`, `###`, then a run of `#####`).
  r = render_markdown("# Title\n\n### Group one\n\n##### A\n\n##### B\n\n##### C\n\n"
                      "### Group two\n\n##### D\n",
                      options);
  std::vector<int> levels;
  for (const auto& h : r.headings)
    levels.push_back(h.level);
  CHECK(levels == std::vector<int>{2, 3, 4, 4, 4, 3, 4});
}

TEST_CASE("render/markdown: an outside image inside a link is its alt text, no link in a link") {
  auto r =
      render_markdown("[![CI](https://ci.example.org/badge.svg)](https://ci.example.org/run)\n");
  CHECK(contains(r.html, "<a href=\"https://ci.example.org/run\">CI</a>"));
  CHECK_FALSE(contains(r.html, "badge.svg"));
  // Alone, it is a link to the image named by its alt text, as before.
  r = render_markdown("![CI](https://ci.example.org/badge.svg)\n");
  CHECK(contains(r.html, "<a href=\"https://ci.example.org/badge.svg\">CI</a>"));
}

TEST_CASE("render/markdown: footnotes render, with ids no other text of the page has") {
  const std::string md = "Time to recovery[^1], twice[^1], and a note[^n].\n\n"
                         "[^1]: Measured from the first page.\n"
                         "[^n]: See [the first](#fn-1). <script>alert(1)</script><b>x</b>\n";
  auto r = render_markdown(md);
  CHECK(contains(r.html, "<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\""));
  CHECK(contains(r.html, "<a href=\"#fn-1\" id=\"fnref-1-2\""));
  CHECK(contains(r.html, "<li id=\"fn-1\">"));
  CHECK(contains(r.html, "<a href=\"#fnref-1\" class=\"footnote-backref\""));
  CHECK(contains(r.html, "<section class=\"footnotes\""));
  CHECK_FALSE(contains(r.html, "[^1]"));
  // Raw HTML in a note is filtered as anywhere else.
  CHECK_FALSE(contains(lower(r.html), "<script"));
  CHECK_FALSE(contains(r.html, "<b>"));
  std::set<std::string> ids(r.ids.begin(), r.ids.end());
  CHECK(ids == std::set<std::string>{"fn-1", "fn-n", "fnref-1", "fnref-1-2", "fnref-n"});

  // A second text of the page: its footnotes take the next free ids, its links to them follow,
  // and a link written to "#fn-1" is left as written.
  MarkdownOptions options;
  options.reserved_ids.insert(ids.begin(), ids.end());
  auto second = render_markdown(md, options);
  CHECK(contains(second.html, "<a href=\"#fn-2-1\" id=\"fnref-2-1\""));
  CHECK(contains(second.html, "<li id=\"fn-2-1\">"));
  CHECK(contains(second.html, "<a href=\"#fnref-2-1-2\" class=\"footnote-backref\""));
  CHECK(contains(second.html, "<a href=\"#fn-1\">the first</a>"));
  CHECK_FALSE(contains(second.html, "id=\"fn-1\""));
  for (const std::string& id : second.ids)
    CHECK_MESSAGE(ids.count(id) == 0, id);

  // A heading of the text itself counts too.
  auto heading = render_markdown("## Fn 1\n\nA[^1].\n\n[^1]: b\n");
  CHECK(heading.headings.at(0).anchor == "fn-1");
  CHECK(contains(heading.html, "<li id=\"fn-2-1\">"));
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

TEST_CASE("render/markdown: many headings of one text each get the next free suffix") {
  // Twenty thousand headings of one text (and their setext twins, and suffixed texts between
  // them): each search for a free suffix goes on where the last one for its text stopped.
  std::string md;
  for (int i = 0; i < 20000; ++i)
    md += i % 1000 == 1 ? "# a-" + std::to_string(i + 1) + "\n" : i % 2 ? "# a\n" : "a\n=\n";
  MarkdownOptions options;
  options.reserved_ids = {"a-3"};
  auto r = render_markdown(md, options);
  REQUIRE(r.headings.size() == 20000);
  std::set<std::string> seen;
  for (const auto& h : r.headings)
    CHECK(seen.insert(h.anchor).second);
  CHECK(r.headings[0].anchor == "a");
  CHECK(r.headings[1].anchor == "a-2"); // the text "a-2" as written
  CHECK(r.headings[2].anchor == "a-1");
  CHECK(r.headings[3].anchor == "a-4"); // a-2 is the second heading's, a-3 the page's
  CHECK(r.headings[4].anchor == "a-5");
  CHECK(r.headings[1001].anchor == "a-1002");
  CHECK_FALSE(seen.count("a-3"));
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

TEST_CASE("render/markdown: top_heading_level starts prose at h2 whatever its top heading") {
  MarkdownOptions options;
  options.top_heading_level = 2;
  // Most prose starts at `##`: under the page's <h1> it is <h2>, not <h3> (no level skipped).
  auto r = render_markdown("## Notes\n\n### Detail\n", options);
  REQUIRE(r.headings.size() == 2);
  CHECK(r.headings[0].level == 2);
  CHECK(r.headings[1].level == 3);
  CHECK(contains(r.html, "<h2 id=\"notes\">Notes</h2>"));
  // A `#` top is demoted; a `###` top promoted; distances between levels are kept, but a
  // level is never skipped (`######` after `###` reads one deeper).
  auto d = render_markdown("# Intro\n\n## Next\n", options);
  CHECK(d.headings[0].level == 2);
  CHECK(d.headings[1].level == 3);
  auto p = render_markdown("### Only\n\n###### Deep\n", options);
  CHECK(p.headings[0].level == 2);
  CHECK(p.headings[1].level == 3);
  CHECK(!contains(r.html + d.html + p.html, "<h1"));
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

namespace {

// A link reference definition of `url_bytes` bytes of URL, and "title".
std::string long_definition(const std::string& label, std::size_t url_bytes) {
  return "[" + label + "]: http://x/" + std::string(url_bytes - 9, 'A') + " \"title\"\n";
}

std::string repeated(const std::string& text, std::size_t times) {
  std::string out;
  out.reserve(text.size() * times);
  for (std::size_t i = 0; i < times; ++i)
    out += text;
  return out;
}

} // namespace

TEST_CASE("render/markdown: one long reference used many times is refused where it is defined") {
  // 10 KB of URL used 20,000 times in 70 KB: a 192 MB page and 1 GB of memory before.
  const std::string md = "# Links\n\nSome text.\n\n" + long_definition("a", 10000) + "\n" +
                         repeated("[a]", 20000) + "\n";
  const MarkdownResult r = render_markdown(md);
  REQUIRE(r.refused);
  CHECK(r.refused->line == 5);
  CHECK(r.refused->col == 1);
  CHECK(contains(r.refused->message, "[a], 9.8 KiB of URL and title, is used 20000 times"));
  CHECK(contains(r.refused->message, "more than the 1.0 MiB allowed"));
  CHECK(!r.refused->hint.empty());
  CHECK(r.html.size() < 1000);
  CHECK(contains(r.html, "not shown"));
  CHECK(r.links.empty());
  CHECK(r.headings.empty());
  const auto alone = markdown_refusal(md);
  REQUIRE(alone);
  CHECK(alone->message == r.refused->message);

  // Full and collapsed references and images count alike; a definition in a list item or a block
  // quote, after a few lines, is found at its column.
  const std::string full = "text\n\n- item\n\n  > " + long_definition("Ref", 10000) + "\n" +
                           repeated("[x][ref] [REF][] ![ref] ", 7000);
  const MarkdownResult f = render_markdown(full);
  REQUIRE(f.refused);
  CHECK(f.refused->line == 5);
  CHECK(f.refused->col == 5);
  CHECK(markdown_refusal(full));
}

TEST_CASE("render/markdown: reference links just under the bound render") {
  // The bound is 10 times the text's size, and at least 1 MiB: each use (and the definition's
  // own label) copies the 10,000 bytes of URL plus the 7 of the title.
  const std::size_t copy = 10000 + 7;
  const std::size_t uses = (std::size_t{1} << 20) / copy - 1;
  const std::string head = long_definition("a", 10000) + "\n";
  const MarkdownResult under = render_markdown(head + repeated("[a] ", uses));
  CHECK(!under.refused);
  CHECK(under.links.size() == uses);
  CHECK(count(under.html, "<a href=\"http://x/AAAA") == uses);
  const MarkdownResult over = render_markdown(head + repeated("[a] ", uses + 1));
  CHECK(over.refused);

  // A longer text may copy ten times its size: its own 200 KB allow 2 MB.
  const std::string prose = repeated("Plain words of a long runbook, no links in them.\n", 4200);
  const std::size_t allowed = (prose.size() + head.size()) * 10 / copy - 2;
  CHECK(!markdown_refusal(head + prose + repeated("[a]", allowed)));
  CHECK(markdown_refusal(head + prose + repeated("[a]", allowed + 400)));

  // Ordinary reference links render as ever.
  const MarkdownResult plain =
      render_markdown("See [the docs][d], [d] and [D][].\n\n[d]: https://example.com/docs\n");
  CHECK(!plain.refused);
  CHECK(plain.links.size() == 3);
  CHECK(!markdown_refusal(sample_document(7, 300)));
}

TEST_CASE("render/markdown: uses are matched to definitions as cmark-gfm matches them") {
  // Unicode case folding (U+1E9E, capital sharp s, folds to "ss"), white space across lines, a
  // table cell's `\|`, look-alikes the emphasis guard writes, and a decoy definition in code
  // before the one cmark reads: each would let the copies pass unseen if labels were compared as
  // bytes, or the first definition taken.
  const std::string sharp = long_definition("Stra\xE1\xBA\x9E"
                                            "e",
                                            10000) +
                            "\n" + repeated("[strasse] ", 20000);
  const std::string folded = "[x]\n\n" + repeated("[strasse] ", 3) + "\n\n" +
                             long_definition("Stra\xE1\xBA\x9E"
                                             "e",
                                             100);
  CHECK(render_markdown(folded).links.size() == 4 - 1);
  CHECK(markdown_refusal(sharp));

  CHECK(
      markdown_refusal(long_definition("two words", 10000) + repeated("[two\n   words] ", 20000)));
  CHECK(markdown_refusal(long_definition("a|b", 10000) + "\n| x |\n|---|\n" +
                         repeated("| [a\\|b] |\n", 20000)));
  // 20,000 `[a*b]`: past the emphasis guard's limit, so their `*` become U+2217, the definition's.
  CHECK(markdown_refusal(long_definition("a\xE2\x88\x97"
                                         "b",
                                         10000) +
                         "\n" + repeated("[a*b] ", 20000)));
  CHECK(markdown_refusal("```\n[a]: /short\n```\n\n" + long_definition("a", 10000) + "\n" +
                         repeated("[a] ", 20000)));
  // A label or definition that goes on on a line of a block quote is charged as the largest.
  CHECK(markdown_refusal("> " + long_definition("a\n> b", 10000) + "\n" + repeated("[x] ", 20000)));
  CHECK(markdown_refusal(long_definition("a b", 10000) + "\n> " + repeated("[a\n> b] ", 20000)));
}

TEST_CASE("render/markdown: hostile definitions are read in linear time") {
  // In well under a second each: definitions whose titles never close, each of which would read
  // to the end (each is charged up to its paragraph's end, so their uses are refused); a label
  // that never closes on each of many lines; a line of `[` alone.
  CHECK(markdown_refusal(repeated("[a]: /x (\n", 100000) + repeated("[a]", 1000)));
  CHECK(!markdown_refusal(repeated("[a\n", 100000) + "]: /x\n" + repeated("[a]", 1000)));
  CHECK(!markdown_refusal(std::string(200000, '[') + "]: /x\n" + repeated("[a]", 1000)));
}

TEST_CASE("render/markdown: control characters in a body reach the page as U+FFFD") {
  // C0 controls but tab, line feed, form feed and carriage return, DEL, and C1 controls, written
  // raw or as entities, in text, headings, code, link titles and tables: written as fields are.
  const std::string md = "# Head\x01ing \xC2\x85\n\ntext \x07 and \x1B[2J and \x7F and "
                         "\xC2\x80 \xC2\x9F &#1; &#133; &#x9b; end\n\n"
                         "```\ncode \x02 \xC2\x90\n```\n\n"
                         "[link](/u \"ti\x03tle \xC2\x8E\")\n\n| a\x04 | b\xC2\x81 |\n|---|---|\n";
  const MarkdownResult r = render_markdown(md);
  for (unsigned char c = 0; c < 0x20; ++c) {
    if (c == '\t' || c == '\n' || c == '\f' || c == '\r') continue;
    CHECK_MESSAGE(r.html.find(static_cast<char>(c)) == std::string::npos, int(c));
  }
  CHECK(r.html.find('\x7F') == std::string::npos);
  for (unsigned char c = 0x80; c <= 0x9F; ++c)
    CHECK_MESSAGE(r.html.find(std::string("\xC2") + static_cast<char>(c)) == std::string::npos,
                  int(c));
  // The heading's anchor drops them, as it drops every character that is not a letter or digit.
  CHECK(count(r.html, "&#xFFFD;") >= 16);
  CHECK(contains(r.html, "<h1 id=\"heading-\">"));
  CHECK(contains(r.html, "text &#xFFFD; and &#xFFFD;[2J and &#xFFFD; and &#xFFFD; &#xFFFD;"));
  CHECK(contains(r.html, "code &#xFFFD; &#xFFFD;"));

  // Ordinary UTF-8 stays as written, and so does a body without controls, byte for byte.
  const std::string text = "caf\xC3\xA9 \xE2\x80\x94 \xC2\xA0\xC2\xA9 \xF0\x9F\x9A\x80 tab\there\n";
  CHECK(render_markdown(text).html == "<p>" + text.substr(0, text.size() - 1) + "</p>\n");
  CHECK(render_markdown(text).html == reference_html(text));
}

TEST_CASE("render/markdown: a text too dense in markup is refused, long prose and code are not") {
  // 2 pieces a line (the line and its `-`): 130,000 items are 260,000 pieces, above 250,000.
  const std::string items = repeated("- x\n", 130000);
  const MarkdownResult r = render_markdown("Intro\n\n" + items);
  REQUIRE(r.refused);
  CHECK(r.refused->line == 1);
  CHECK(r.refused->col == 1);
  CHECK(contains(r.refused->message, "too dense to render: 260001 pieces"));
  CHECK(contains(r.refused->message, "more than the 250000"));
  CHECK(!r.refused->hint.empty());
  CHECK(contains(r.html, "not shown"));
  CHECK(r.headings.empty());
  REQUIRE(markdown_refusal(items));
  CHECK(contains(markdown_refusal(items)->message, "260000 pieces"));
  // Just under the limit it renders.
  CHECK(!render_markdown(repeated("- x\n", 125000)).refused);
  // Emphasis and links count their marks; blank lines do not count.
  CHECK(markdown_refusal(repeated("*a* [b](c)\n\n", 50001)));
  CHECK(!markdown_refusal(repeated("*a* [b](c)\n\n", 49999)));
  // Prose is a few pieces a line (the line, a `w`, a `.`): 3 MB of it passes, and so do logs in
  // fenced code, where a line counts once whatever marks it holds.
  CHECK(!markdown_refusal(
      repeated("Plain words of a long postmortem, told at some length.\n", 55000)));
  CHECK(
      !markdown_refusal("```\n" + repeated("- [12:00] <err> *disk* full #3\n", 200000) + "```\n"));
  // Lines of what the inline parser stops at, `w` (the autolink extension's) or quotes, count each
  // byte; a fence cmark does not open (a backtick in a backtick fence's info string) still counts
  // every line, so what follows it is not free.
  CHECK(markdown_refusal(repeated(std::string(99, 'w') + "\n", 2600)));
  CHECK(markdown_refusal(repeated(std::string(99, '"') + "\n", 2600)));
  CHECK(markdown_refusal("```a`\n" + repeated("- x\n", 260000)));
  CHECK(markdown_refusal("- a\n  ```\n" + repeated("- x\n", 260000)));
  // The size quoted is the text's as written, not after the table guard's wider look-alikes.
  const std::string table = "| a | b |\n|---|---|\n" + repeated("| 1 | 2 |\n", 220000);
  const auto refusal = markdown_refusal(table);
  REQUIRE(refusal);
  CHECK(contains(refusal->message, "in 2.1 MiB"));
}

TEST_CASE("render/markdown: a text's links to GitHub's anchors follow its headings on the page") {
  MarkdownOptions options;
  options.reserved_ids = {"dependencies", "steps", "steps-1"};
  const auto r =
      render_markdown("See [deps](#dependencies), [the steps](#steps), [again](#steps-1) "
                      "and [top](#main).\n\n## Dependencies\n\n## Steps\n\n## Steps\n",
                      options);
  REQUIRE(r.headings.size() == 3);
  CHECK(r.headings[0].anchor == "dependencies-1");
  CHECK(r.headings[1].anchor == "steps-2");
  CHECK(r.headings[2].anchor == "steps-3");
  CHECK(contains(r.html, "<a href=\"#dependencies-1\">deps</a>"));
  CHECK(contains(r.html, "<a href=\"#steps-2\">the steps</a>"));
  CHECK(contains(r.html, "<a href=\"#steps-3\">again</a>"));
  CHECK(contains(r.html, "<a href=\"#main\">top</a>")); // no heading of its own: as written
  // The link check reads them as the page has them, against the page's anchors.
  REQUIRE(r.links.size() == 4);
  CHECK(r.links[0].url == "#dependencies-1");
  CHECK(r.links[2].url == "#steps-3");
  CHECK(r.links[3].url == "#main");
}
