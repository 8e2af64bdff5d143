// Checks the links of the rendered site before it is written.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace nines {

struct BrokenLink {
  std::string page;   // the HTML file holding the link, relative to the site root
  std::string target; // the href/src/action value as written (entities decoded)
  std::string reason;
};

// `files` maps paths relative to the site root to contents (SiteWriter::files()). Every .html
// file's href, src, action and xlink:href values are checked: relative URLs must resolve to a
// file of the set (a directory, written with or without a trailing slash, resolves to its
// index.html) without climbing above the root, and a #fragment must name an id (or an <a name>)
// in the target page. http:, https:, mailto: and raster data: URLs are not followed, nor "#" and
// empty values. Root-absolute ("/x") and protocol-relative ("//host/x") URLs are reported, since
// they break at a sub-path and from file://, and so is any URL is_safe_url refuses.
// Results follow page order, then document order, each (page, target) once.
std::vector<BrokenLink> check_links(const std::map<std::string, std::string>& files);

} // namespace nines
