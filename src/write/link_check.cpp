#include "write/link_check.hpp"

#include "diag/utf8.hpp"
#include "model/digest.hpp"
#include "model/parallel.hpp"
#include "render/html.hpp"

#include <algorithm>
#include <array>
#include <forward_list>
#include <set>
#include <sstream>
#include <string_view>

namespace nines {

namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// What ends each of the scanner's tokens, one table lookup per byte instead of up to five
// comparisons: a tag name ends at a space, '>' or '/'; an attribute name also at '='; an unquoted
// value at a space or '>'.
enum : unsigned char { k_space = 1, k_ends_tag = 2, k_ends_name = 4, k_ends_bare = 8 };
constexpr std::array<unsigned char, 256> k_byte_class = [] {
  std::array<unsigned char, 256> table{};
  for (unsigned char c : {' ', '\t', '\n', '\r', '\f'})
    table[c] = k_space | k_ends_tag | k_ends_name | k_ends_bare;
  table['>'] = k_ends_tag | k_ends_name | k_ends_bare;
  table['/'] = k_ends_tag | k_ends_name;
  table['='] = k_ends_name;
  return table;
}();

bool has_class(char c, unsigned char cls) {
  return (k_byte_class[static_cast<unsigned char>(c)] & cls) != 0;
}

bool is_space(char c) {
  return has_class(c, k_space);
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

// A small HTML tokenizer: start tags and their attributes, skipping comments, doctype and the
// raw text of <script> and <style>. Our pages come from our own templates, so this does not need
// the full HTML5 error recovery; it only must not mistake text for tags, which escaping ensures.
// The values are views of the page's bytes as written, entities not yet decoded: most values have
// none, and a copy of each was most of the extraction's allocations.
struct Scan {
  std::vector<std::string_view> ids;
  std::vector<std::string_view> urls;
};

// Whether an HTML name equals `lowercase` (already in lower case), ignoring ASCII case.
bool same_name(std::string_view name, std::string_view lowercase) {
  if (name.size() != lowercase.size()) return false;
  for (std::size_t k = 0; k < name.size(); ++k)
    if (lower(name[k]) != lowercase[k]) return false;
  return true;
}

void scan_page(std::string_view html, Scan& page) {
  page.ids.clear();
  page.urls.clear();
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
    // Markup declarations are told apart by their second byte first: comparing every tag's first
    // bytes with "<!--" and "<![CDATA[" cost a library call each.
    const bool bang = i + 1 < n && html[i + 1] == '!';
    if (bang && html.compare(i, 4, "<!--") == 0) {
      skip_past("-->");
      continue;
    }
    if (bang && html.compare(i, 9, "<![CDATA[") == 0) {
      skip_past("]]>");
      continue;
    }
    if (i + 1 < n && (html[i + 1] == '!' || html[i + 1] == '?' || html[i + 1] == '/')) {
      const std::size_t gt = html.find('>', i);
      i = gt == std::string_view::npos ? n : gt + 1;
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
    while (i < n && !has_class(html[i], k_ends_tag))
      ++i;
    const std::string_view tag = html.substr(tag_start, i - tag_start);
    // Attributes.
    while (i < n && html[i] != '>') {
      if (is_space(html[i]) || html[i] == '/') {
        ++i;
        continue;
      }
      const std::size_t name_start = i;
      while (i < n && !has_class(html[i], k_ends_name))
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
        while (i < n && !has_class(html[i], k_ends_bare))
          ++i;
        raw = html.substr(start, i - start);
      }
      if (is_id)
        page.ids.push_back(raw);
      else if (is_url)
        page.urls.push_back(raw);
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
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_html(std::string_view path) {
  return ends_with(path, ".html") || ends_with(path, ".htm");
}

// The value with the spaces HTML ignores around an attribute value removed.
std::string_view trimmed(std::string_view raw) {
  std::size_t b = 0, e = raw.size();
  while (b < e && is_space(raw[b]))
    ++b;
  while (e > b && is_space(raw[e - 1]))
    --e;
  return raw.substr(b, e - b);
}

// Whether a link value is left out of a page's links: see PageLinks.
bool never_reported(std::string_view raw) {
  const std::string_view url = trimmed(raw);
  // has_scheme first: it is cheap and false for nearly every internal link.
  return url.empty() || url == "#" || (has_scheme(url) && is_safe_url(url));
}

} // namespace

ValueList::ValueList(std::initializer_list<std::string> values) {
  for (const auto& v : values)
    push_back(v);
}

void ValueList::push_back(std::string_view value) {
  // Runs without a byte to escape (nearly every value is one) are appended whole.
  std::size_t run = 0;
  for (std::size_t k = 0; k < value.size(); ++k) {
    const char c = value[k];
    if (c != '\\' && c != '\n') continue;
    m_text.append(value.substr(run, k - run));
    m_text += c == '\\' ? "\\\\" : "\\n";
    run = k + 1;
  }
  m_text.append(value.substr(run));
  m_text += '\n';
}

std::vector<std::string> ValueList::values() const {
  std::vector<std::string> out(1);
  for (std::size_t i = 0; i < m_text.size(); ++i) {
    const char c = m_text[i];
    if (c == '\n')
      out.emplace_back();
    else if (c == '\\' && i + 1 < m_text.size())
      out.back() += m_text[++i] == 'n' ? '\n' : m_text[i];
    else
      out.back() += c;
  }
  out.pop_back();
  return out;
}

bool is_html_path(std::string_view path) {
  return is_html(path);
}

PageLinks extract_links(std::string_view html) {
  // Reused from page to page on each rendering thread, so a page costs no allocation for them.
  thread_local Scan scan;
  thread_local std::vector<std::string_view> table, kept;
  scan_page(html, scan);
  // Values with an entity are decoded into strings of their own (a node each, so views of them
  // stay valid); every other value is used in place.
  std::forward_list<std::string> decoded;
  auto decode = [&decoded](std::string_view raw) -> std::string_view {
    if (raw.find('&') == std::string_view::npos) return raw;
    decoded.push_front(decode_entities(raw));
    return decoded.front();
  };
  PageLinks page;
  for (std::string_view& id : scan.ids)
    id = decode(id);
  std::sort(scan.ids.begin(), scan.ids.end());
  scan.ids.erase(std::unique(scan.ids.begin(), scan.ids.end()), scan.ids.end());
  page.ids.reserve(scan.ids.size());
  for (std::string_view id : scan.ids)
    page.ids.emplace_back(id);

  // Values that can never be reported are dropped here, so a page keeps only what the check at
  // the end of the build needs: a safe absolute URL (http, https, mailto, data:image) is not ours
  // to follow, and "" and "#" point nowhere. A value repeated on a page gives the same verdict
  // each time, and each (page, target) is reported once, so one copy is enough: the first, found
  // with an open-addressing table of views (a kept value is never empty, so "" marks a free slot).
  std::size_t slots = 16;
  while (slots < 2 * scan.urls.size())
    slots *= 2;
  table.assign(slots, std::string_view());
  kept.clear();
  std::size_t bytes = 0;
  for (std::string_view raw : scan.urls) {
    const std::string_view value = decode(raw);
    if (never_reported(value)) continue;
    std::size_t slot = std::hash<std::string_view>{}(value) & (slots - 1);
    while (!table[slot].empty() && table[slot] != value)
      slot = (slot + 1) & (slots - 1);
    if (!table[slot].empty()) continue;
    table[slot] = value;
    kept.push_back(value);
    bytes += value.size() + 1;
  }
  page.urls.reserve(bytes);
  for (std::string_view value : kept)
    page.urls.push_back(value);
  // Reserved for values without escapes, and a small reservation may have been rounded up.
  page.urls.shrink_to_fit();
  return page;
}

namespace {

// The broken links of one page, in document order, each target once. Values are read in place
// and resolved in buffers kept for the whole page: strings are made only for what is reported.
std::vector<BrokenLink> check_page(const std::string& page, const PageLinks& links,
                                   const std::map<std::string, PageLinks>& pages,
                                   const std::function<bool(const std::string&)>& exists) {
  std::vector<BrokenLink> broken;
  std::set<std::string, std::less<>> reported;
  auto report = [&](std::string_view target, std::string reason) {
    if (reported.emplace(target).second)
      broken.push_back({page, std::string(target), std::move(reason)});
  };
  const std::size_t slash = page.rfind('/');
  const std::string_view base =
      slash == std::string::npos ? std::string_view() : std::string_view(page).substr(0, slash + 1);
  std::string joined, path, resolved;
  std::vector<std::string_view> segs;
  links.urls.for_each([&](std::string_view raw) {
    std::string_view url = trimmed(raw);
    if (url.empty() || url == "#") return;
    if (!is_safe_url(url)) {
      report(raw, "unsafe URL");
      return;
    }
    if (has_scheme(url)) return; // http, https, mailto, data:image: not ours to check
    if (const std::string_view why = unportable_url_reason(url); !why.empty()) {
      report(raw, std::string(why));
      return;
    }

    std::string_view fragment;
    if (std::size_t hash = url.find('#'); hash != std::string_view::npos) {
      fragment = url.substr(hash + 1);
      url = url.substr(0, hash);
    }
    if (std::size_t q = url.find('?'); q != std::string_view::npos) url = url.substr(0, q);

    const std::string* target = &page;
    if (!url.empty()) {
      // Resolve against the page's directory.
      joined.assign(base);
      percent_decode_into(joined, url);
      bool dir = joined.back() == '/';
      bool escapes = false;
      segs.clear();
      const std::string_view all(joined);
      std::size_t start = 0;
      while (start <= all.size()) {
        std::size_t end = all.find('/', start);
        if (end == std::string_view::npos) end = all.size();
        const std::string_view seg = all.substr(start, end - start);
        if (seg == "..") {
          if (segs.empty())
            escapes = true;
          else
            segs.pop_back();
          dir = end == all.size() || dir;
        } else if (seg == ".") {
          dir = end == all.size() || dir;
        } else if (!seg.empty()) {
          segs.push_back(seg);
        }
        start = end + 1;
      }
      if (escapes) {
        report(raw, "climbs above the site root");
        return;
      }
      path.clear();
      for (std::string_view seg : segs) {
        if (!path.empty()) path += '/';
        path += seg;
      }
      if (!dir && !path.empty() && exists(path)) {
        target = &path;
      } else {
        resolved.assign(path);
        resolved += path.empty() ? "index.html" : "/index.html";
        target = &resolved;
      }
      if (!exists(*target)) {
        report(raw, "no such file: " + (dir || path.empty() ? *target : path));
        return;
      }
    }

    if (fragment.empty() || !is_html(*target)) return;
    const auto it = pages.find(*target);
    if (it == pages.end()) {
      // A page of the site whose links were not collected: nothing to check its ids against.
      report(raw, "no element with id '" + percent_decode(fragment) + "' in " + *target);
      return;
    }
    const std::vector<std::string>& ids = it->second.ids;
    auto has_id = [&ids](std::string_view id) {
      return std::binary_search(ids.begin(), ids.end(), id, std::less<>());
    };
    // Decoding only changes a fragment with a '%' in it.
    if (has_id(fragment)) return;
    if (fragment.find('%') != std::string_view::npos && has_id(percent_decode(fragment))) return;
    report(raw, "no element with id '" + percent_decode(fragment) + "' in " + *target);
  });
  return broken;
}

} // namespace

std::vector<BrokenLink> check_links(const std::map<std::string, PageLinks>& pages,
                                    const std::function<bool(const std::string&)>& exists,
                                    const std::set<std::string>* only, int jobs) {
  std::vector<const std::pair<const std::string, PageLinks>*> todo;
  for (const auto& entry : pages)
    if (!only || only->count(entry.first)) todo.push_back(&entry);
  // Pages are checked on every core, a batch of pages per task (a page alone is too little work
  // to hand out), each batch into its own slot; the slots are joined in page order, so the
  // result is the same on any number of threads.
  constexpr std::size_t k_batch = 64;
  std::vector<std::vector<BrokenLink>> found((todo.size() + k_batch - 1) / k_batch);
  parallel_for(found.size(), jobs, [&](std::size_t b) {
    for (std::size_t i = b * k_batch; i < std::min(todo.size(), (b + 1) * k_batch); ++i) {
      auto page = check_page(todo[i]->first, todo[i]->second, pages, exists);
      found[b].insert(found[b].end(), std::make_move_iterator(page.begin()),
                      std::make_move_iterator(page.end()));
    }
  });
  std::vector<BrokenLink> broken;
  for (auto& batch : found)
    broken.insert(broken.end(), std::make_move_iterator(batch.begin()),
                  std::make_move_iterator(batch.end()));
  return broken;
}

std::vector<BrokenLink> check_links(const std::map<std::string, std::string>& files) {
  std::map<std::string, PageLinks> pages;
  for (const auto& [path, content] : files)
    if (is_html(path)) pages.emplace(path, extract_links(content));
  return check_links(pages, [&files](const std::string& p) { return files.count(p) != 0; });
}

namespace {

// One value per line: backslashes and line breaks are escaped, nothing else.
void put_line(std::string& out, char tag, std::string_view value) {
  out += tag;
  out += ' ';
  // Runs without a byte to escape (nearly every value is one) are appended whole.
  std::size_t run = 0;
  for (std::size_t k = 0; k < value.size(); ++k) {
    const char c = value[k];
    if (c != '\\' && c != '\n' && c != '\r') continue;
    out.append(value.substr(run, k - run));
    out += c == '\\' ? "\\\\" : c == '\n' ? "\\n" : "\\r";
    run = k + 1;
  }
  out.append(value.substr(run));
  out += '\n';
}

bool unescape(std::string_view in, std::string& out) {
  out.clear();
  // Runs without a backslash (nearly every value is one) are copied whole.
  std::size_t run = 0;
  for (std::size_t i = in.find('\\'); i != std::string_view::npos; i = in.find('\\', run)) {
    out.append(in.substr(run, i - run));
    if (i + 1 == in.size()) return false;
    const char c = in[i + 1];
    if (c == '\\')
      out += '\\';
    else if (c == 'n')
      out += '\n';
    else if (c == 'r')
      out += '\r';
    else
      return false;
    run = i + 2;
  }
  out.append(in.substr(run));
  return true;
}

constexpr std::string_view k_saved_magic = "nines-links 2";

} // namespace

void write_saved_links(std::ostream& out, const SavedLinks& saved) {
  // The content_hash of every chunk written (the header, then each page), in order: the end mark
  // carries their hash, so bytes changed in place (a damaged block) are refused on reading, not
  // taken for links a page does not have.
  std::string digests;
  std::string buf(k_saved_magic);
  buf += '\n';
  put_line(buf, 'K', saved.key);
  // Chunks are hashed one by one and written 64 KiB at a time: a page's chunk is about a
  // kilobyte, and the stream writes one that large with a system call of its own.
  std::string pending;
  auto write_pending = [&] {
    out.write(pending.data(), static_cast<std::streamsize>(pending.size()));
    pending.clear();
  };
  auto flush = [&] {
    digests += content_hash(buf);
    pending += buf;
    buf.clear();
    if (pending.size() >= (std::size_t{1} << 16)) write_pending();
  };
  flush();
  for (const auto& [path, links] : saved.pages) {
    put_line(buf, 'P', path);
    put_line(buf, 'H', links.hash);
    for (const auto& id : links.ids)
      put_line(buf, 'I', id);
    links.urls.for_each([&buf](std::string_view url) { put_line(buf, 'U', url); });
    // A page at a time: the whole encoding is never held in memory.
    flush();
  }
  // The end mark: a file cut short (a full disk) is never taken for a complete one.
  pending += "E " + content_hash(digests) + "\n";
  write_pending();
}

std::string encode_saved_links(const SavedLinks& saved) {
  std::ostringstream out;
  write_saved_links(out, saved);
  return out.str();
}

std::optional<SavedLinks> decode_saved_links(std::istream& in) {
  std::ostringstream whole;
  whole << in.rdbuf();
  const std::string text = std::move(whole).str();
  const std::string_view all(text);
  SavedLinks saved;
  PageLinks* page = nullptr;
  bool key = false;
  // The chunks as the writer hashed them: the header, then each page from its P line.
  std::string digests, value;
  std::size_t chunk = 0;
  std::size_t pos = 0;
  bool first = true;
  while (pos < all.size()) {
    const std::size_t nl = all.find('\n', pos);
    if (nl == std::string_view::npos) return std::nullopt; // cut short
    const std::string_view line = all.substr(pos, nl - pos);
    if (first) {
      if (line != k_saved_magic) return std::nullopt;
      first = false;
      pos = nl + 1;
      continue;
    }
    if (!line.empty() && (line[0] == 'P' || line[0] == 'E')) {
      digests += content_hash(all.substr(chunk, pos - chunk));
      chunk = pos;
    }
    if (line.size() >= 2 && line[0] == 'E' && line[1] == ' ') {
      if (!key || line.substr(2) != content_hash(digests) || nl + 1 != all.size())
        return std::nullopt;
      return saved;
    }
    if (line.size() < 2 || line[1] != ' ' || !unescape(line.substr(2), value)) return std::nullopt;
    switch (line[0]) {
    case 'K':
      if (key) return std::nullopt;
      saved.key = value;
      key = true;
      break;
    case 'P':
      page = &saved.pages[value];
      break;
    case 'H':
    case 'I':
    case 'U':
      if (!page) return std::nullopt;
      if (line[0] == 'H')
        page->hash = value;
      else if (line[0] == 'I')
        page->ids.push_back(value);
      else
        page->urls.push_back(value);
      break;
    default:
      return std::nullopt;
    }
    pos = nl + 1;
  }
  return std::nullopt;
}

} // namespace nines
