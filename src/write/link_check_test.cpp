#include "diag/utf8.hpp"
#include "model/digest.hpp"
#include "render/html.hpp"
#include "write/link_check.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <functional>
#include <random>
#include <set>
#include <sstream>

using namespace nines;

namespace {

// The scanner, extraction, check and saved-links writer as they were before they read values in
// place, kept verbatim (but for the types they fill) as the reference the randomized tests below
// compare the current ones with.
namespace reference {

struct Links {
  std::vector<std::string> ids;
  std::vector<std::string> urls;
};

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// The entities html_escape produces, plus numeric references: enough to read our own output.
std::string decode_entities(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] != '&') {
      out += s[i++];
      continue;
    }
    std::size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += s[i++];
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp")
      out += '&';
    else if (ent == "lt")
      out += '<';
    else if (ent == "gt")
      out += '>';
    else if (ent == "quot")
      out += '"';
    else if (ent == "apos")
      out += '\'';
    else if (ent.size() > 1 && ent[0] == '#') {
      bool hex = ent[1] == 'x' || ent[1] == 'X';
      std::string_view digits = ent.substr(hex ? 2 : 1);
      unsigned long cp = 0;
      bool ok = !digits.empty();
      for (char c : digits) {
        int d = c >= '0' && c <= '9'                        ? c - '0'
                : hex && lower(c) >= 'a' && lower(c) <= 'f' ? lower(c) - 'a' + 10
                                                            : -1;
        if (d < 0 || cp > 0x10FFFF) {
          ok = false;
          break;
        }
        cp = cp * (hex ? 16 : 10) + static_cast<unsigned long>(d);
      }
      if (!ok) {
        out += s[i++];
        continue;
      }
      append_utf8(out, static_cast<char32_t>(cp)); // below 0x10FFFF * 16 + 16: it fits
    } else {
      out += s[i++];
      continue;
    }
    i = semi + 1;
  }
  return out;
}

std::string percent_decode(std::string_view s) {
  auto hex = [](char c) {
    c = lower(c);
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// A small HTML tokenizer: start tags and their attributes, skipping comments, doctype and the
// raw text of <script> and <style>. Our pages come from our own templates, so this does not need
// the full HTML5 error recovery; it only must not mistake text for tags, which escaping ensures.
struct Scan {
  std::set<std::string> ids;
  std::vector<std::string> urls;
};

// Whether an HTML name equals `lowercase` (already in lower case), ignoring ASCII case.
bool same_name(std::string_view name, std::string_view lowercase) {
  if (name.size() != lowercase.size()) return false;
  for (std::size_t k = 0; k < name.size(); ++k)
    if (lower(name[k]) != lowercase[k]) return false;
  return true;
}

Scan scan_page(std::string_view html) {
  Scan page;
  std::size_t i = 0;
  const std::size_t n = html.size();
  auto skip_past = [&](std::string_view end) {
    std::size_t at = html.find(end, i);
    i = at == std::string_view::npos ? n : at + end.size();
  };
  while (i < n) {
    std::size_t lt = html.find('<', i);
    if (lt == std::string_view::npos) break;
    i = lt;
    if (html.compare(i, 4, "<!--") == 0) {
      skip_past("-->");
      continue;
    }
    if (html.compare(i, 9, "<![CDATA[") == 0) {
      skip_past("]]>");
      continue;
    }
    if (i + 1 < n && (html[i + 1] == '!' || html[i + 1] == '?' || html[i + 1] == '/')) {
      skip_past(">");
      continue;
    }
    if (i + 1 >= n || !((html[i + 1] >= 'a' && html[i + 1] <= 'z') ||
                        (html[i + 1] >= 'A' && html[i + 1] <= 'Z'))) {
      ++i;
      continue;
    }
    ++i;
    // Names are compared in place, case-insensitively: copying each tag and attribute name was
    // most of the scan's time.
    const std::size_t tag_start = i;
    while (i < n && !is_space(html[i]) && html[i] != '>' && html[i] != '/')
      ++i;
    const std::string_view tag = html.substr(tag_start, i - tag_start);
    // Attributes.
    while (i < n && html[i] != '>') {
      if (is_space(html[i]) || html[i] == '/') {
        ++i;
        continue;
      }
      const std::size_t name_start = i;
      while (i < n && !is_space(html[i]) && html[i] != '=' && html[i] != '>' && html[i] != '/')
        ++i;
      const std::string_view name = html.substr(name_start, i - name_start);
      while (i < n && is_space(html[i]))
        ++i;
      // Only ids and link targets are kept: other attributes' values (class, style, data-*, most
      // of a page's bytes) are stepped over without being decoded or copied.
      const bool is_id = same_name(name, "id") || (same_name(name, "name") && same_name(tag, "a"));
      const bool is_url = !is_id && (same_name(name, "href") || same_name(name, "src") ||
                                     same_name(name, "action") || same_name(name, "xlink:href"));
      if (i >= n || html[i] != '=') continue;
      ++i;
      while (i < n && is_space(html[i]))
        ++i;
      std::string_view raw;
      if (i < n && (html[i] == '"' || html[i] == '\'')) {
        char q = html[i++];
        std::size_t end = html.find(q, i);
        if (end == std::string_view::npos) end = n;
        raw = html.substr(i, end - i);
        i = end < n ? end + 1 : n;
      } else {
        std::size_t start = i;
        while (i < n && !is_space(html[i]) && html[i] != '>')
          ++i;
        raw = html.substr(start, i - start);
      }
      if (is_id)
        page.ids.insert(decode_entities(raw));
      else if (is_url)
        page.urls.push_back(decode_entities(raw));
    }
    if (i < n) ++i; // '>'
    if (same_name(tag, "script") || same_name(tag, "style")) {
      // Raw text up to the matching end tag, case-insensitively.
      std::string close = "</";
      for (char c : tag)
        close += lower(c);
      std::size_t j = i;
      while (j < n) {
        std::size_t at = html.find("</", j);
        if (at == std::string_view::npos) {
          j = n;
          break;
        }
        bool match = true;
        for (std::size_t k = 0; k < close.size() && match; ++k)
          match = at + k < n && lower(html[at + k]) == close[k];
        if (match) {
          j = at;
          break;
        }
        j = at + 2;
      }
      i = j;
    }
  }
  return page;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_html(std::string_view path) {
  return ends_with(path, ".html") || ends_with(path, ".htm");
}

bool has_scheme(std::string_view url) {
  std::size_t stop = url.find_first_of(":/?#");
  return stop != std::string_view::npos && url[stop] == ':';
}

// The value with the spaces HTML ignores around an attribute value removed.
std::string trimmed(const std::string& raw) {
  std::size_t b = 0, e = raw.size();
  while (b < e && is_space(raw[b]))
    ++b;
  while (e > b && is_space(raw[e - 1]))
    --e;
  return raw.substr(b, e - b);
}

Links extract_links(std::string_view html) {
  Scan scan = scan_page(html);
  Links page;
  page.ids.assign(scan.ids.begin(), scan.ids.end());
  std::set<std::string> seen;
  for (auto& raw : scan.urls) {
    const std::string url = trimmed(raw);
    if (url.empty() || url == "#" || (is_safe_url(url) && has_scheme(url))) continue;
    if (seen.insert(raw).second) page.urls.push_back(raw);
  }
  return page;
}

// The broken links of one page, in document order, each target once.
std::vector<BrokenLink> check_page(const std::string& page, const Links& links,
                                   const std::map<std::string, Links>& pages,
                                   const std::function<bool(const std::string&)>& exists) {
  std::vector<BrokenLink> broken;
  std::set<std::string> reported;
  auto report = [&](const std::string& target, std::string reason) {
    if (reported.insert(target).second) broken.push_back({page, target, std::move(reason)});
  };
  for (const std::string& raw : links.urls) {
    std::string url = trimmed(raw);
    if (url.empty() || url == "#") continue;
    if (!is_safe_url(url)) {
      report(raw, "unsafe URL");
      continue;
    }
    if (has_scheme(url)) continue; // http, https, mailto, data:image: not ours to check
    if (url.rfind("//", 0) == 0) {
      report(raw, "protocol-relative URL: breaks from file://");
      continue;
    }
    if (url.front() == '/') {
      report(raw, "root-absolute URL: breaks at a sub-path and from file://");
      continue;
    }

    std::string fragment;
    if (std::size_t hash = url.find('#'); hash != std::string::npos) {
      fragment = url.substr(hash + 1);
      url.erase(hash);
    }
    if (std::size_t q = url.find('?'); q != std::string::npos) url.erase(q);

    std::string target;
    if (url.empty()) {
      target = page;
    } else {
      // Resolve against the page's directory.
      std::vector<std::string> segs;
      std::size_t slash = page.rfind('/');
      std::string base = slash == std::string::npos ? "" : page.substr(0, slash + 1);
      std::string joined = base + percent_decode(url);
      bool dir = joined.back() == '/';
      bool escapes = false;
      std::size_t start = 0;
      while (start <= joined.size()) {
        std::size_t end = joined.find('/', start);
        if (end == std::string::npos) end = joined.size();
        std::string seg = joined.substr(start, end - start);
        if (seg == "..") {
          if (segs.empty())
            escapes = true;
          else
            segs.pop_back();
          dir = end == joined.size() || dir;
        } else if (seg == ".") {
          dir = end == joined.size() || dir;
        } else if (!seg.empty()) {
          segs.push_back(seg);
        }
        start = end + 1;
      }
      if (escapes) {
        report(raw, "climbs above the site root");
        continue;
      }
      std::string path;
      for (const auto& s : segs)
        path += (path.empty() ? "" : "/") + s;
      if (dir || path.empty()) {
        target = path.empty() ? "index.html" : path + "/index.html";
      } else if (exists(path)) {
        target = path;
      } else {
        target = path + "/index.html";
      }
      if (!exists(target)) {
        report(raw, "no such file: " + (dir || path.empty() ? target : path));
        continue;
      }
    }

    if (fragment.empty() || !is_html(target)) continue;
    const auto it = pages.find(target);
    if (it == pages.end()) {
      // A page of the site whose links were not collected: nothing to check its ids against.
      report(raw, "no element with id '" + percent_decode(fragment) + "' in " + target);
      continue;
    }
    const std::vector<std::string>& ids = it->second.ids;
    if (!std::binary_search(ids.begin(), ids.end(), fragment) &&
        !std::binary_search(ids.begin(), ids.end(), percent_decode(fragment)))
      report(raw, "no element with id '" + percent_decode(fragment) + "' in " + target);
  }
  return broken;
}

std::vector<BrokenLink> check_links(const std::map<std::string, std::string>& files) {
  std::map<std::string, Links> pages;
  for (const auto& [path, content] : files)
    if (is_html(path)) pages.emplace(path, extract_links(content));
  std::vector<BrokenLink> broken;
  for (const auto& [path, links] : pages) {
    auto page = check_page(path, links, pages,
                           [&files](const std::string& p) { return files.count(p) != 0; });
    broken.insert(broken.end(), page.begin(), page.end());
  }
  return broken;
}

// One value per line: backslashes and line breaks are escaped, nothing else.
void put_line(std::string& out, char tag, std::string_view value) {
  out += tag;
  out += ' ';
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
  out += '\n';
}

constexpr std::string_view k_saved_magic = "nines-links 2";

void write_saved_links(std::ostream& out, const SavedLinks& saved) {
  // The content_hash of every chunk written (the header, then each page), in order: the end mark
  // carries their hash, so bytes changed in place (a damaged block) are refused on reading, not
  // taken for links a page does not have.
  std::string digests;
  std::string buf(k_saved_magic);
  buf += '\n';
  put_line(buf, 'K', saved.key);
  auto flush = [&] {
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
    digests += content_hash(buf);
    buf.clear();
  };
  flush();
  for (const auto& [path, links] : saved.pages) {
    put_line(buf, 'P', path);
    put_line(buf, 'H', links.hash);
    for (const auto& id : links.ids)
      put_line(buf, 'I', id);
    for (const auto& url : links.urls.values())
      put_line(buf, 'U', url);
    // A page at a time: the whole encoding is never held in memory.
    flush();
  }
  // The end mark: a file cut short (a full disk) is never taken for a complete one.
  buf = "E " + content_hash(digests) + "\n";
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
}

} // namespace reference

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

namespace {

// Random HTML built from the pieces the scanner treats specially (tags and attribute names in any
// case, every kind of quoting, entities, comments, raw text, values dropped or kept), then
// mutated: bytes cut, inserted or repeated, the end cut off, so that unterminated attributes,
// comments and tags come up too.
class HtmlGen {
public:
  explicit HtmlGen(unsigned seed) : m_rng(seed) {}

  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(m_rng);
  }
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }
  template <class T> const T& pick(const std::vector<T>& from) { return from[below(from.size())]; }

  std::string value() {
    static const std::vector<std::string> k_values = {"x.html",
                                                      "../y.html#z",
                                                      "#",
                                                      "",
                                                      " ",
                                                      " #top ",
                                                      "#top",
                                                      "#a%20b",
                                                      "https://e.com/x",
                                                      "HTTPS://e.com",
                                                      "http:x",
                                                      "javascript:alert(1)",
                                                      " javascript:x ",
                                                      "java\tscript:x",
                                                      "data:image/png;base64,AA",
                                                      "DATA:image/gif;base64,",
                                                      "data:text/html,x",
                                                      "mailto:a@b.c",
                                                      "a&amp;b.html",
                                                      "&#x41;.html",
                                                      "&#65;",
                                                      "&#0;",
                                                      "&#xD800;",
                                                      "&#x110000;",
                                                      "&bogus;",
                                                      "&",
                                                      "&#;",
                                                      "&#x;",
                                                      "&#12a;",
                                                      "&lt;&gt;&quot;&apos;",
                                                      "%20a.html",
                                                      "a%2",
                                                      "%zz",
                                                      "//cdn/x.js",
                                                      "/abs",
                                                      "a\nb",
                                                      "a\\b",
                                                      "a\\nb",
                                                      "\\",
                                                      "dup.html",
                                                      "dup.html",
                                                      "?q",
                                                      "x.html?a=1&amp;b=2",
                                                      "sub/",
                                                      "./",
                                                      "..",
                                                      "../../up",
                                                      "a b:c",
                                                      "\x01x",
                                                      " \t\n",
                                                      "\r",
                                                      "id-1",
                                                      "h",
                                                      "H",
                                                      "tab\there",
                                                      "ünï.html",
                                                      "&#x1F600;",
                                                      "&#128512;"};
    std::string v = pick(k_values);
    if (chance(20)) v += pick(k_values);
    if (chance(10)) v += static_cast<char>(below(128));
    return v;
  }

  std::string attribute() {
    static const std::vector<std::string> k_names = {
        "href",      "HREF",   "Href",  "src",   "SRC",         "action",     "ACTION", "id",
        "ID",        "Id",     "name",  "NAME",  "xlink:href",  "XLink:Href", "class",  "hrefx",
        "data-href", "srcset", "title", "style", "xlink:hrefs", "nam",        "i",      ""};
    std::string out = pick(k_names);
    if (chance(10)) return out; // no value
    static const std::vector<std::string> k_spaces = {"", "", " ", "\t", "\n ", "\f", "\r"};
    out += pick(k_spaces);
    out += '=';
    out += pick(k_spaces);
    const std::string v = value();
    switch (below(5)) {
    case 0:
    case 1:
      out += '"' + v + (chance(97) ? "\"" : "");
      break;
    case 2:
      out += '\'' + v + (chance(97) ? "'" : "");
      break;
    case 3: {
      // Unquoted: the value ends at a space or '>', as the scanner reads it.
      std::string bare;
      for (char c : v)
        if (c != ' ' && c != '>' && c != '\t' && c != '\n') bare += c;
      out += bare;
      break;
    }
    default:
      out += '"' + v + '"';
    }
    return out;
  }

  std::string piece() {
    static const std::vector<std::string> k_tags = {
        "a",   "A",    "img", "IMG",  "form",   "h2",     "p",     "div",   "svg",
        "use", "span", "x",   "link", "script", "SCRIPT", "style", "Style", "aa"};
    static const std::vector<std::string> k_other = {"<!-- <a href=\"c.html\"> -->",
                                                     "<!--",
                                                     "-->",
                                                     "<![CDATA[<a href=\"d.html\">]]>",
                                                     "<![CDATA[",
                                                     "<!DOCTYPE html>",
                                                     "</a>",
                                                     "</div >",
                                                     "<?xml version=\"1.0\"?>",
                                                     "< a>",
                                                     "<1>",
                                                     "text & more",
                                                     "&lt;a href=\"e.html\"&gt;",
                                                     ">",
                                                     "<",
                                                     "</",
                                                     "<!",
                                                     "<?",
                                                     "\"",
                                                     "'",
                                                     "</script>",
                                                     "</SCRIPT >",
                                                     "</scriptx>",
                                                     "</style>",
                                                     " ",
                                                     "\n",
                                                     "=",
                                                     "/>",
                                                     "<a/",
                                                     "<a "};
    if (chance(30)) return pick(k_other);
    const std::string tag = pick(k_tags);
    std::string out = "<" + tag;
    for (std::size_t n = below(4); n > 0; --n)
      out += (chance(90) ? " " : chance(50) ? "/" : "\n") + attribute();
    if (chance(95)) out += chance(10) ? "/>" : ">";
    std::string lower_tag;
    for (char c : tag)
      lower_tag += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (lower_tag == "script" || lower_tag == "style") {
      // Raw text with markup in it, closed in any case (or not at all).
      out += "var s = '<a href=\"raw.html\">' </b " + (chance(50) ? attribute() : std::string());
      static const std::vector<std::string> k_close = {
          "</script>", "</SCRIPT>", "</ScRiPt >", "</style>", "</STYLE>", "</scripts>", ""};
      out += pick(k_close);
    }
    return out;
  }

  std::string page() {
    std::string html;
    for (std::size_t n = below(40); n > 0; --n)
      html += piece();
    for (std::size_t n = below(4); n > 0 && !html.empty(); --n) {
      const std::size_t at = below(html.size());
      switch (below(4)) {
      case 0:
        html.erase(at, below(8) + 1);
        break;
      case 1:
        html.insert(at, 1, "<>\"'= /&#;!-\n\tax"[below(16)]);
        break;
      case 2:
        html.insert(at, html.substr(below(html.size()), below(20)));
        break;
      default:
        html.resize(at);
      }
    }
    return html;
  }

private:
  std::mt19937 m_rng;
};

void check_same(const std::vector<BrokenLink>& got, const std::vector<BrokenLink>& want,
                const std::string& what) {
  INFO(what);
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    CHECK(got[i].page == want[i].page);
    CHECK(got[i].target == want[i].target);
    CHECK(got[i].reason == want[i].reason);
  }
}

} // namespace

TEST_CASE("write/link_check: extraction matches the reference scanner on random HTML") {
  HtmlGen gen(20261203);
  std::size_t ids = 0, urls = 0;
  for (int round = 0; round < 20000; ++round) {
    const std::string html = gen.page();
    const PageLinks got = extract_links(html);
    const reference::Links want = reference::extract_links(html);
    ids += want.ids.size();
    urls += want.urls.size();
    INFO(html);
    REQUIRE(got.ids == want.ids);
    REQUIRE(got.urls.values() == want.urls);
    // The values as the check and the saved links read them.
    std::vector<std::string> seen;
    got.urls.for_each([&seen](std::string_view v) { seen.emplace_back(v); });
    REQUIRE(seen == want.urls);
  }
  // The generator must reach both kinds of value, or the comparison proves little.
  CHECK(ids > 20000);
  CHECK(urls > 20000);
}

TEST_CASE("write/link_check: the check matches the reference on random sites") {
  HtmlGen gen(7);
  const std::vector<std::string> paths = {"index.html",   "a/index.html",   "a/b.html",
                                          "a/c d.html",   "b/index.html",   "b/x.htm",
                                          "static/s.css", "deep/er/p.html", "deep/index.html",
                                          "x.html",       "y.html",         "a/y.html"};
  const std::vector<std::string> parts = {"../",
                                          "./",
                                          "a/",
                                          "b/",
                                          "deep/",
                                          "er/",
                                          "b.html",
                                          "x.htm",
                                          "index.html",
                                          "c%20d.html",
                                          "c d.html",
                                          "p.html",
                                          "x.html",
                                          "y.html",
                                          "s.css",
                                          "static/",
                                          "..",
                                          ".",
                                          "/",
                                          "//",
                                          "#",
                                          "#top",
                                          "#h%20i",
                                          "#h i",
                                          "#x&amp;y",
                                          "?q=1",
                                          "?",
                                          "%2e%2e/",
                                          "a%2Fb",
                                          "gone.html",
                                          "javascript:x",
                                          "https://e.com",
                                          " ",
                                          "/abs",
                                          "#a",
                                          "#id-1",
                                          "#b",
                                          "&#35;top",
                                          "deep"};
  const std::vector<std::string> ids = {"top", "h i", "h%20i", "x&amp;y", "a", "id-1", "b"};
  std::size_t broken = 0;
  for (int round = 0; round < 1500; ++round) {
    std::map<std::string, std::string> files;
    for (const auto& path : paths) {
      if (gen.chance(25)) continue;
      std::string html;
      for (std::size_t n = gen.below(12); n > 0; --n) {
        if (gen.chance(30)) {
          html += "<h2 id=\"" + gen.pick(ids) + "\">";
          continue;
        }
        std::string url;
        for (std::size_t k = gen.below(4) + 1; k > 0; --k)
          url += gen.pick(parts);
        html += std::string(gen.chance(80) ? "<a href=\"" : "<img src=\"") + url + "\">";
        if (gen.chance(5)) html += gen.piece();
      }
      files[path] = html;
    }
    const auto want = reference::check_links(files);
    broken += want.size();
    check_same(check_links(files), want, "round " + std::to_string(round));
  }
  CHECK(broken > 1500);
}

TEST_CASE("write/link_check: saved links are written byte for byte as the reference writes them") {
  HtmlGen gen(99);
  SavedLinks saved;
  saved.key = "nines 1.0 key\\with\nescapes\r";
  for (int i = 0; i < 300; ++i) {
    PageLinks links = extract_links(gen.page());
    links.hash = content_hash(std::to_string(i));
    saved.pages["p" + std::to_string(i) + (i % 3 ? "/index.html" : " x\n.html")] = std::move(links);
  }
  std::ostringstream want;
  reference::write_saved_links(want, saved);
  CHECK(encode_saved_links(saved) == want.str());
  std::istringstream in(want.str());
  const auto back = decode_saved_links(in);
  REQUIRE(back);
  for (const auto& [path, links] : saved.pages) {
    CHECK(back->pages.at(path).ids == links.ids);
    CHECK(back->pages.at(path).urls == links.urls);
  }
}
