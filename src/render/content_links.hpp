// The links content hands to the site, checked where they are written: a service's `links` and
// the links and images of Markdown prose. The site's own link check (write/link_check) would find
// the same ones at the end of a build, at the generated page; here `check` finds them too, at the
// YAML node or the Markdown line, and a build stops on them before anything is rendered.
#pragma once

#include "diag/diagnostic.hpp"
#include "model/model.hpp"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace nines {

// Reports every such link the site's link check would refuse (docs/checks.md, "Links in
// content"), as `broken-link` errors: a root-absolute or protocol-relative URL anywhere; in
// `links`, any URL that is not absolute (it would resolve against the page nines generates); in
// prose, a relative path to a file that has no page when there is no repo_url to link it in the
// repository, a path that climbs above the repository, and a #fragment that names no heading of
// the page it leads to. Unsafe URLs (javascript:) are not links on the site at all, so not these.
// With `on_pages`, each prose link reported goes there as (page, URL as written), so that the
// site's own link check, run when the rule is lowered to a warning, does not report it again at
// the page's 1:1.
void check_content_links(const Repo& repo, DiagBag& diags,
                         std::set<std::pair<std::string, std::string>>* on_pages = nullptr);

// Whether the Markdown body of repository file `file`, shown on `page` after Markdown whose
// headings took the anchors `taken`, holds a link check_content_links could refuse: a build that
// would render only the pages of edited bodies takes the long way instead, which reports it at
// its line. The rule is check_content_links's: a fragment on the same page must name a heading of
// the page's Markdown (or `main`); one on another page must be in `anchors_of(that page)`, that
// page's heading anchors (page_anchors), which is null when they are not known (the link is then
// suspect).
bool body_has_suspect_link(
    const std::string& file, const std::string& body, const std::string& page,
    const std::vector<std::string>& taken, const std::map<std::string, std::string>& file_pages,
    const std::string& repo_url, const std::string& branch,
    const std::function<const std::set<std::string>*(const std::string& page)>& anchors_of);

// The anchors a link may name on `page`, which shows the Markdown body of `file` after Markdown
// whose headings took the anchors `taken`, as check_content_links counts them: every heading's of
// that Markdown and of the body, and `main`.
std::set<std::string> page_anchors(const std::string& file, const std::string& body,
                                   const std::string& page, const std::vector<std::string>& taken,
                                   const std::map<std::string, std::string>& file_pages,
                                   const std::string& repo_url, const std::string& branch);

} // namespace nines
