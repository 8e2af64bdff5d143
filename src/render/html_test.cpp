#include "render/html.hpp"

#include <doctest/doctest.h>
#include <random>
#include <string>

using namespace nines;

TEST_CASE("render/html: html_escape replaces the five special characters") {
  CHECK(html_escape("a & b < c > d \" e ' f") == "a &amp; b &lt; c &gt; d &quot; e &#39; f");
  CHECK(html_escape("") == "");
  CHECK(html_escape("plain text, ünïcode") == "plain text, ünïcode");
  CHECK(html_escape("&amp;") == "&amp;amp;"); // no double-unescape: entities are text too
  CHECK(html_escape(std::string_view("a\0b", 3)) == "a&#xFFFD;b");
  // Control characters other than white space are HTML parse errors: replaced, as NUL is.
  CHECK(html_escape("bell\a esc\x1B del\x7F") == "bell&#xFFFD; esc&#xFFFD; del&#xFFFD;");
  CHECK(html_escape("tab\tline\nfeed\fret\r") == "tab\tline\nfeed\fret\r");
}

TEST_CASE("render/html: C1 controls are replaced as C0 ones are, and other UTF-8 is kept") {
  // U+0080, U+0085 (NEL) and U+009F: the bytes C2 80-C2 9F. U+00A0 (no-break space) and U+00A9
  // (copyright), the same lead byte, are text; so are "é", "—" and an emoji.
  CHECK(html_escape("a\xC2\x80"
                    "b\xC2\x85"
                    "c\xC2\x9F") == "a&#xFFFD;b&#xFFFD;c&#xFFFD;");
  CHECK(html_escape("\xC2\xA0\xC2\xA9 caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x9A\x80") ==
        "\xC2\xA0\xC2\xA9 caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x9A\x80");
  CHECK(attr_escape("x\xC2\x9By") == "x&#xFFFD;y");
  CHECK(html_escape("end\xC2") == "end\xC2"); // a cut sequence is not read past the text's end
  CHECK(html_escape("\xC2\xC2\x80") == "\xC2&#xFFFD;");
}

TEST_CASE("render/html: without_controls writes what html_escape writes, and only that") {
  // HTML made elsewhere (cmark's) keeps its markup; its controls become what a field's would.
  const std::string text = std::string("bell\a nul ", 10) + std::string(1, '\0') +
                           " esc\x1B del\x7F nel\xC2\x85 rlo\xE2\x80\xAE "
                           "tab\tlf\nff\fcr\r caf\xC3\xA9 \xE2\x80\x94 \xC2\xA0 \xF0\x9F\x9A\x80";
  CHECK(without_controls("<p class=\"x\">" + text + "</p>") ==
        "<p class=\"x\">" + html_escape(text) + "</p>");
  CHECK(without_controls(
            "bell&#xFFFD; nul &#xFFFD; esc&#xFFFD; del&#xFFFD; nel&#xFFFD; rlo&#xFFFD; ") ==
        "bell&#xFFFD; nul &#xFFFD; esc&#xFFFD; del&#xFFFD; nel&#xFFFD; rlo&#xFFFD; ");
  CHECK(without_controls("") == "");
  CHECK(without_controls("\xC2") == "\xC2");
  CHECK(without_controls("a\x01") == "a&#xFFFD;");
  CHECK(without_controls("\xC2\x80") == "&#xFFFD;");
}

TEST_CASE("render/html: without_controls finds controls at every place, eight bytes at a time") {
  // Random texts of controls, white space, C1 and bidirectional controls and the characters that
  // share their lead bytes, at every length and position: the same as html_escape (they hold
  // nothing else it escapes).
  const std::string alphabet("ab\n\t\f\r\x01\x1F\x7F\xC2\x85\xA0\xE2\x80\xAE\x94\xC3\xA9", 18);
  std::mt19937 rng(20261206);
  for (int round = 0; round < 5000; ++round) {
    std::string text(rng() % 70, ' ');
    for (char& c : text)
      c = alphabet[rng() % alphabet.size()];
    CHECK(without_controls(text) == html_escape(text));
  }
}

TEST_CASE("render/html: attr_escape also covers the backtick") {
  CHECK(attr_escape("x\" onmouseover=\"alert(1)") == "x&quot; onmouseover=&quot;alert(1)");
  CHECK(attr_escape("'`") == "&#39;&#96;");
}

TEST_CASE("render/html: escaping copies whole runs and matches a byte-by-byte reference") {
  // The reference escapes one byte at a time, as the rules are written; the escaper copies the
  // runs between special bytes whole. Random texts over an alphabet rich in special bytes (NUL
  // and bytes above 0x7F included) must come out the same, at every run length and position.
  auto reference = [](std::string_view text, bool backtick) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '\xC2' && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
          static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
        out += "&#xFFFD;"; // a C1 control
        ++i;
      } else if (c == '&')
        out += "&amp;";
      else if (c == '<')
        out += "&lt;";
      else if (c == '>')
        out += "&gt;";
      else if (c == '"')
        out += "&quot;";
      else if (c == '\'')
        out += "&#39;";
      else if (c == '\0' || c == '\x07' || c == '\x1B' || c == '\x7F')
        out += "&#xFFFD;";
      else if (c == '`' && backtick)
        out += "&#96;";
      else
        out += c;
    }
    return out;
  };
  const std::string alphabet("ab &<>\"'`\0\xC3\xA9z\n\t\x07\x1B\x7F\r\xC2\x85\xA0", 22);
  std::mt19937 rng(20261203);
  for (int round = 0; round < 3000; ++round) {
    std::string text(rng() % 40, ' ');
    for (char& c : text)
      c = alphabet[rng() % alphabet.size()];
    CHECK(html_escape(text) == reference(text, false));
    CHECK(attr_escape(text) == reference(text, true));
  }
}

TEST_CASE("render/html: is_safe_url accepts relative, http(s), mailto and raster data URLs") {
  for (const char* url : {"", "page.html", "../slos/x.html#burn", "#anchor", "?q=1", "./a/b",
                          "//example.com/x", "http://example.com", "HTTPS://example.com/a?b#c",
                          "mailto:sre@example.com", "data:image/png;base64,iVBORw0KGgo=",
                          "DATA:image/webp;base64,AAAA", " https://example.com ", "a/b:c"})
    CHECK_MESSAGE(is_safe_url(url), url);
}

TEST_CASE("render/html: is_remote_url tells the URLs a page would fetch from elsewhere") {
  for (const char* url : {"http://example.com/x.png", "HTTPS://example.com", "//cdn.example/y",
                          " https://example.com"})
    CHECK_MESSAGE(is_remote_url(url), url);
  for (const char* url : {"", "img/x.png", "../a.png", "#x", "data:image/png;base64,AAAA",
                          "mailto:sre@example.com", "a/http://x"})
    CHECK_MESSAGE(!is_remote_url(url), url);
}

TEST_CASE("render/html: is_safe_url refuses script, unknown schemes and control-character tricks") {
  for (const char* url :
       {"javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
        "   JAVASCRIPT:alert(1)", "vbscript:msgbox", "file:///etc/passwd",
        "data:text/html;base64,PHNjcmlwdD4=", "data:image/svg+xml;base64,PHN2Zz4=",
        "data:image/png,raw", "ftp://example.com", "chrome://settings", "tel:123", ":nothing",
        "java script:x", "\xC2\xA0javascript:alert(1)"})
    CHECK_MESSAGE(!is_safe_url(url), url);
  CHECK(!is_safe_url("java\tscript:alert(1)"));
  CHECK(!is_safe_url("java\nscript:alert(1)"));
  CHECK(!is_safe_url("\x01javascript:alert(1)"));
  CHECK(!is_safe_url("https://example.com/\r\n"));
  CHECK(!is_safe_url(std::string_view("javascript\0:alert(1)", 20)));
  CHECK(!is_safe_url("page.html\x7f"));
}

TEST_CASE("render/html: heading_anchor makes GitHub's anchors") {
  CHECK(heading_anchor("Overview") == "overview");
  // Punctuation and symbols are dropped, each space is a '-', and nothing is collapsed.
  CHECK(heading_anchor("What's wrong?") == "whats-wrong");
  CHECK(heading_anchor("CPU & Memory") == "cpu--memory");
  CHECK(heading_anchor("v1.2 upgrade") == "v12-upgrade");
  CHECK(heading_anchor("Prometheus/Thanos") == "prometheusthanos");
  CHECK(heading_anchor("a - b") == "a---b");
  CHECK(heading_anchor("Error budget: policy & escalation!") == "error-budget-policy--escalation");
  CHECK(heading_anchor("snake_case-and-dash") == "snake_case-and-dash");
  CHECK(heading_anchor("SLO 99.9%") == "slo-999");
  CHECK(heading_anchor("<script>") == "script");
  // An em dash, curly quotes and emoji are symbols and punctuation too; a no-break space is not a
  // space.
  CHECK(heading_anchor("Rollback \u2014 \u201cfast\u201d \U0001F525") == "rollback--fast-");
  CHECK(heading_anchor("a\u00A0b") == "ab");
  // Letters of every script are kept, lower-cased where they have cases; marks stay.
  CHECK(heading_anchor("\u00DCberblick") == "\u00FCberblick");
  CHECK(heading_anchor("\u0421\u0431\u043E\u0439 \u0411\u0414") ==
        "\u0441\u0431\u043E\u0439-\u0431\u0434");
  CHECK(heading_anchor("\u6C7A\u6E08\u30A8\u30E9\u30FC\u3002") == "\u6C7A\u6E08\u30A8\u30E9\u30FC");
  CHECK(heading_anchor("Zu\u0308rich \u0130stanbul") == "zu\u0308rich-i\u0307stanbul");
  CHECK(heading_anchor("\uFF21\uFF22\uFF23\uFF11") == "\uFF41\uFF42\uFF43\uFF11");
  CHECK(heading_anchor("") == "section");
  CHECK(heading_anchor("!!!") == "section");
  // Bytes that are not UTF-8 are dropped, as the replacement character is a symbol.
  CHECK(heading_anchor("a\xFF\xC0\x80"
                       "b") == "ab");
}

TEST_CASE("has_scheme: a colon before any path, query or fragment") {
  CHECK(has_scheme("https://example.com/"));
  CHECK(has_scheme("mailto:a@b"));
  CHECK(has_scheme("javascript:alert(1)"));
  CHECK_FALSE(has_scheme("runbooks/x.md"));
  CHECK_FALSE(has_scheme("./a:b"));
  CHECK_FALSE(has_scheme("?q=a:b"));
  CHECK_FALSE(has_scheme("#a:b"));
  CHECK_FALSE(has_scheme(""));
}

TEST_CASE("percent_decode: %XX in either case, stray '%' kept") {
  CHECK(percent_decode("caf%C3%A9") == "caf\xC3\xA9");
  CHECK(percent_decode("caf%c3%a9") == "caf\xC3\xA9");
  CHECK(percent_decode("100%") == "100%");
  CHECK(percent_decode("%zz%4") == "%zz%4");
  CHECK(percent_decode("a%20b%2") == "a b%2");
  CHECK(percent_decode("") == "");
  std::string out = "x";
  percent_decode_into(out, "%41b");
  CHECK(out == "xAb");
}

TEST_CASE("render/html: bidirectional controls never reach a page as themselves") {
  // U+202E (right-to-left override) and U+2066 (left-to-right isolate) become the replacement
  // character; U+2014 (an em dash, the same lead byte) and U+200F (a mark, harmless) stay.
  const std::string name = "Avail \xE2\x80\xAE (svc) \xE2\x81\xA6x \xE2\x80\x94 \xE2\x80\x8F";
  CHECK(html_escape(name) == "Avail &#xFFFD; (svc) &#xFFFD;x \xE2\x80\x94 \xE2\x80\x8F");
  CHECK(attr_escape(name) == html_escape(name));
  CHECK(without_controls("<p>" + name + "</p>") == "<p>" + html_escape(name) + "</p>");
  CHECK(without_controls("plain") == "plain");
  CHECK(html_escape("\xE2") == "\xE2"); // a cut sequence is not read past the text's end
  CHECK(without_controls("\xE2\x80") == "\xE2\x80");
  std::string text = name;
  replace_controls(text);
  CHECK(text == "Avail \xEF\xBF\xBD (svc) \xEF\xBF\xBDx \xE2\x80\x94 \xE2\x80\x8F");
  std::string cut = "a\xE2\x80";
  replace_controls(cut);
  CHECK(cut == "a\xE2\x80");
  // C0 and C1 controls too, as the pages show them; white space and other UTF-8 stay.
  std::string c1 = "a\xC2\x85"
                   "b\x07"
                   "c\td\ne \xC3\xA9 \xC2\xA0";
  replace_controls(c1);
  CHECK(c1 == "a\xEF\xBF\xBD"
              "b\xEF\xBF\xBD"
              "c\td\ne \xC3\xA9 \xC2\xA0");
}
