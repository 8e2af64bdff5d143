// Checks the links of the rendered site before it is swapped in.
#pragma once

#include <functional>
#include <initializer_list>
#include <istream>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace nines {

struct BrokenLink {
  std::string page;   // the HTML file holding the link, relative to the site root
  std::string target; // the href/src/action value as written (entities decoded)
  std::string reason;
};

// What the link check needs of one HTML page, taken from its bytes right after it is rendered so
// the bytes need not be kept: the ids it defines (id attributes and <a name>), sorted and unique,
// and the href, src, action and xlink:href values that could be broken, as written (entities
// decoded), in document order, each once. Values that can never be reported (a safe absolute URL
// such as http:, https:, mailto: or a raster data: URL; "" and "#") are left out.
//
// A list of strings kept in one string (each value escaped and ended by a line break): a page's
// link values would otherwise cost an allocation each, which at ten thousand pages is tens of
// megabytes held until the end of the build.
class ValueList {
public:
  ValueList() = default;
  ValueList(std::initializer_list<std::string> values);
  void push_back(std::string_view value);
  void reserve(std::size_t bytes) { m_text.reserve(bytes); }
  bool empty() const { return m_text.empty(); }
  std::vector<std::string> values() const;
  // Calls f(std::string_view) with each value in order, without a string per value: a value with
  // nothing escaped (nearly all) is seen in place, any other is unescaped into one buffer.
  template <class F> void for_each(F&& f) const;
  void shrink_to_fit() { m_text.shrink_to_fit(); }
  bool operator==(const ValueList& other) const { return m_text == other.m_text; }

private:
  std::string m_text;
};

template <class F> void ValueList::for_each(F&& f) const {
  std::string scratch;
  const std::string_view text(m_text);
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t nl = text.find('\n', pos);
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.find('\\') == std::string_view::npos) {
      f(line);
      continue;
    }
    scratch.clear();
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 1 < line.size())
        scratch += line[++i] == 'n' ? '\n' : line[i];
      else
        scratch += line[i];
    }
    f(std::string_view(scratch));
  }
}

struct PageLinks {
  std::vector<std::string> ids;
  ValueList urls;
  std::string hash; // content_hash of the bytes they were taken from, when the caller sets it
};
PageLinks extract_links(std::string_view html);

// Whether the link check reads `path` as a page (.html or .htm).
bool is_html_path(std::string_view path);

// Checks every page's links against the site: `pages` holds the links of every HTML file of the
// site, `exists` says whether a path (relative to the site root) is a file of it. Relative URLs
// must resolve to a file of the site (a directory, written with or without a trailing slash,
// resolves to its index.html) without climbing above the root, and a #fragment must name an id in
// the target page. Root-absolute ("/x") and protocol-relative ("//host/x") URLs are reported, since
// they break at a sub-path and from file://, and so is any URL is_safe_url refuses.
// Results follow page order, then document order, each (page, target) once. With `only`, just
// the links of those pages are checked (their targets are still any page's): for a build that
// changed a few pages and no page's ids, the others' links stand as checked before.
// `jobs` threads check the pages (0: one per core), so `exists` must be safe to call from several
// threads at once; the result does not depend on their number.
std::vector<BrokenLink> check_links(const std::map<std::string, PageLinks>& pages,
                                    const std::function<bool(const std::string&)>& exists,
                                    const std::set<std::string>* only = nullptr, int jobs = 1);

// The same over a whole site in memory: path relative to the site root → contents.
std::vector<BrokenLink> check_links(const std::map<std::string, std::string>& files);

// The links of a site's pages, kept between builds (beside the store) so a page that is not
// rendered again need not be read again: `key` says which site and renderer they describe, and
// each page carries the content hash of the bytes they were taken from (PageLinks::hash).
struct SavedLinks {
  std::string key;
  std::map<std::string, PageLinks> pages;
};
void write_saved_links(std::ostream& out, const SavedLinks& saved);
std::string encode_saved_links(const SavedLinks& saved);
// Nullopt for text that is not a complete encoding (damaged or cut short).
std::optional<SavedLinks> decode_saved_links(std::istream& in);

} // namespace nines
