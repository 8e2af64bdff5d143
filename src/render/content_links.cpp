#include "render/content_links.hpp"

#include "compute/slo.hpp"
#include "render/html.hpp"
#include "render/markdown.hpp"
#include "render/site_detail.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace nines {
namespace {

using site::LinkBase;

constexpr const char* k_rule = "broken-link";

std::string_view trimmed(std::string_view url) {
  while (!url.empty() && (url.front() == ' ' || url.front() == '\t' || url.front() == '\n'))
    url.remove_prefix(1);
  while (!url.empty() && (url.back() == ' ' || url.back() == '\t' || url.back() == '\n'))
    url.remove_suffix(1);
  return url;
}

// One Markdown text of a page, and where it is written: a document's body, or a YAML field.
struct Prose {
  const std::string* md = nullptr;
  const DocMeta* meta = nullptr;
  Loc field; // the YAML field holding it (not for a body)
  bool body = false;
};

// A page's Markdown, in the order the page renders it (each text's heading anchors avoid the
// ones before it).
struct PageProse {
  std::string page;
  const DocMeta* meta = nullptr;
  std::vector<Prose> texts;
};

// Where a link of `prose` is written in its file: a body's line and column (the column in
// characters, as every diagnostic's), or the YAML field that holds the Markdown.
// The lines of a Markdown body, found once on its first broken link, and how far the last one was
// counted: links come in document order, so a body of thousands of broken links (all on one line,
// even) is read once, not once per link.
struct LineCursor {
  std::vector<std::size_t> starts; // offsets of the body's lines
  std::size_t line = 0;            // the last link's line, 1-based (0: none yet)
  std::size_t at = 0;              // its byte offset in the body
  int col = 1;                     // its column in code points
};

// Where `link` is written.
Loc where(const Prose& prose, const MarkdownLink& link, LineCursor& cursor) {
  if (!prose.body) return prose.field.line > 0 ? prose.field : prose.meta->loc;
  const std::string& md = *prose.md;
  if (cursor.starts.empty()) {
    cursor.starts.push_back(0);
    for (std::size_t at = md.find('\n'); at != std::string::npos; at = md.find('\n', at + 1))
      cursor.starts.push_back(at + 1);
  }
  int col = 1;
  if (link.line >= 1 && static_cast<std::size_t>(link.line) <= cursor.starts.size()) {
    const auto line = static_cast<std::size_t>(link.line);
    const std::size_t start = cursor.starts[line - 1];
    const std::size_t target = start + static_cast<std::size_t>(std::max(link.col - 1, 0));
    if (cursor.line != line || cursor.at > target) {
      cursor.line = line;
      cursor.at = start;
      cursor.col = 1;
    }
    for (; cursor.at < md.size() && cursor.at < target; ++cursor.at)
      if ((static_cast<unsigned char>(md[cursor.at]) & 0xC0) != 0x80) ++cursor.col;
    col = cursor.col;
  }
  return {std::max(prose.meta->body_line, 1) + link.line - 1, col};
}

bool names_anchor(const std::set<std::string>& anchors, std::string_view fragment) {
  const std::string decoded = percent_decode(fragment);
  return anchors.count(std::string(fragment)) != 0 || anchors.count(decoded) != 0;
}

// What a missing anchor's message says: where it was looked for, and the page's nearest anchor
// when one is close enough to be what was meant ("what-s-wrong" for `#whats-wrong`).
std::string missing_anchor(std::string_view fragment, const std::set<std::string>* anchors,
                           const std::string& where) {
  const std::string wanted = percent_decode(fragment);
  std::string message = "no heading with the anchor '" + wanted + "' " + where;
  // Only anchors whose length is within closest's reach can be close enough, and a page of
  // thousands of headings with as many broken links must not cost their product in edit
  // distances: past k_max_suggested such anchors there is no suggestion.
  constexpr std::size_t k_max_suggested = 2000;
  if (!anchors) return message;
  const std::size_t reach = std::max<std::size_t>(2, wanted.size() / 3);
  std::vector<std::string> near_in_length;
  for (const std::string& a : *anchors)
    if (a.size() + reach >= wanted.size() && a.size() <= wanted.size() + reach)
      near_in_length.push_back(a);
  if (near_in_length.size() > k_max_suggested) return message;
  if (const std::string near = closest(wanted, near_in_length); !near.empty())
    message += ", did you mean '#" + near + "'?";
  return message;
}

// Why the site's link check would refuse a link of Markdown prose in `file` on `page`, or "".
// `here` holds the page's anchors; `anchors_of` gives another page's, or null when unknown.
std::string
prose_problem(const LinkBase& base, const std::string& file, const std::string& page,
              std::string_view written, const std::set<std::string>& here,
              const std::function<const std::set<std::string>*(const std::string&)>& anchors_of) {
  const std::string_view url = trimmed(written);
  // Unsafe URLs are dropped from the page (the text stays); "" and "#" lead nowhere.
  if (url.empty() || url == "#" || !is_safe_url(written)) return {};
  if (const std::string_view why = unportable_url_reason(url); !why.empty())
    return std::string(why);
  if (has_scheme(url) || url.front() == '?') return {};
  if (url.front() == '#') {
    if (names_anchor(here, url.substr(1))) return {};
    return missing_anchor(url.substr(1), &here, "on this page");
  }
  const site::ResolvedLink r = site::resolve_link(base, file, site::root_of(page), url);
  if (r.climbs) return "the path '" + r.file + "' climbs above the repository";
  if (!r.page) {
    if (!base.repo_url.empty()) return {}; // the file in the repository's web view
    return "'" + r.file +
           "' is no document with a page of its own, and without repo_url in nines.yaml the "
           "site cannot link it in the repository";
  }
  const std::size_t hash = url.find('#');
  if (hash == std::string_view::npos || hash + 1 == url.size()) return {};
  const std::string target = base.file_pages.at(r.file);
  const std::set<std::string>* there = anchors_of(target);
  const std::string_view fragment = url.substr(hash + 1);
  if (there && names_anchor(*there, fragment)) return {};
  return missing_anchor(fragment, there, "on the page of '" + r.file + "'");
}

// Whether a link breaks, and which anchors a page has, do not depend on where the content root
// sits in the git work tree (only the repository's web view's URLs do): the checks resolve links
// as if at its top.
const std::string k_no_prefix;

const char* k_prose_hint =
    "link other documents by their file (../services/api.md), other sites by their full address "
    "(https://…), and headings by their anchor (#the-heading)";

// The Markdown of every page that shows some, in repository order.
std::vector<PageProse> prose_pages(const Repo& repo) {
  std::vector<PageProse> pages;
  auto add = [&pages](std::string page, const DocMeta& meta, std::vector<Prose> texts) {
    std::erase_if(texts, [](const Prose& p) { return p.md->empty(); });
    if (!texts.empty()) pages.push_back({std::move(page), &meta, std::move(texts)});
  };
  auto body = [](const DocMeta& m) { return Prose{&m.body, &m, {}, true}; };
  // The other documents' bodies a page shows come before its own (site::service_notes,
  // site::slo_notes), as the page renders them.
  const auto notes = site::service_notes(repo);
  for (const auto& s : repo.services) {
    std::vector<Prose> texts;
    if (auto it = notes.find(s.meta.id); it != notes.end())
      for (const DocMeta* m : it->second)
        texts.push_back(body(*m));
    texts.push_back(body(s.meta));
    add(site::service_page(s.meta.id), s.meta, std::move(texts));
  }
  std::unordered_map<std::string_view, const Sli*> slis;
  for (const auto& x : repo.slis)
    slis.emplace(x.meta.id, &x);
  for (const auto& s : repo.slos) {
    std::vector<Prose> texts = {Prose{&s.description, &s.meta, s.description_loc}};
    auto sli = slis.find(s.sli.id);
    for (const DocMeta* m :
         site::slo_notes(sli == slis.end() ? nullptr : sli->second, policy_for(repo, s)))
      texts.push_back(body(*m));
    texts.push_back(body(s.meta));
    add(site::slo_page(s.meta.id), s.meta, std::move(texts));
  }
  for (const auto& r : repo.runbooks)
    add(site::runbook_page(r.meta.id), r.meta,
        {Prose{&r.overview, &r.meta, r.overview_loc}, Prose{&r.impact, &r.meta, r.impact_loc},
         body(r.meta)});
  for (const auto& p : repo.postmortems)
    add(site::postmortem_page(p.meta.id), p.meta,
        {Prose{&p.root_cause, &p.meta, p.root_cause_loc}, body(p.meta)});
  // A month's report page: its other documents, then the first (site::report_page_view). Every
  // month a report document names has its page (months_with_data counts the document).
  std::set<std::string_view> periods;
  for (const auto& r : repo.reports) {
    if (!periods.insert(r.period).second) continue;
    const auto docs = site::report_documents(repo, r.period);
    std::vector<Prose> texts;
    for (std::size_t k = 1; k < docs.size(); ++k)
      texts.push_back(body(docs[k]->meta));
    texts.push_back(body(docs.front()->meta));
    add(site::report_page(r.period), r.meta, std::move(texts));
  }
  for (const auto& r : repo.rotations)
    add(site::handoff_page(r.meta.id), r.meta, {body(r.meta)});
  return pages;
}

bool may_link(const std::string& md) {
  return md.find('[') != std::string::npos;
}

} // namespace

void check_content_links(const Repo& repo, DiagBag& diags,
                         std::set<std::pair<std::string, std::string>>* on_pages) {
  // A service's links go on its page as written: only an absolute URL means the same there.
  for (const auto& s : repo.services)
    for (std::size_t i = 0; i < s.links.size(); ++i) {
      const std::string& written = s.links[i].second;
      const std::string_view url = trimmed(written);
      // An unsafe URL is shown as text, not linked.
      if (url.empty() || !is_safe_url(written)) continue;
      const Loc at = i < s.link_locs.size() ? s.link_locs[i] : s.meta.loc;
      if (on_pages && (!unportable_url_reason(url).empty() || !has_scheme(url))) {
        on_pages->emplace(site::service_page(s.meta.id), written);
        on_pages->emplace(site::service_page(s.meta.id), std::string(url));
      }
      if (const std::string_view why = unportable_url_reason(url); !why.empty())
        diags.error(s.meta.file, at, k_rule,
                    "link '" + written + "' in `links` breaks on the site: " + std::string(why),
                    "give the full address, with https:// and the host");
      else if (!has_scheme(url))
        diags.error(s.meta.file, at, k_rule,
                    "link '" + written +
                        "' in `links` is relative: it would resolve against the service's page "
                        "on the generated site",
                    "give the full address, with https:// and the host");
    }

  const std::map<std::string, std::string> file_pages = site::file_pages_of(repo);
  const LinkBase base{file_pages, repo.config.repo_url, repo.config.branch, k_no_prefix};
  const std::vector<PageProse> pages = prose_pages(repo);
  std::map<std::string, const PageProse*> by_page;
  for (const auto& p : pages)
    by_page.emplace(p.page, &p);
  // A page's anchors, rendered as the page renders its Markdown, once, when a link needs them.
  // Of each text only what the check reads is kept, its links and its refusal: the HTML of every
  // page at once would be several times the repository's Markdown.
  struct Checked {
    std::vector<MarkdownLink> links;
    std::optional<MarkdownRefusal> refused;
  };
  std::map<std::string, std::set<std::string>> anchors;
  std::map<std::string, std::vector<Checked>> rendered;
  auto render_page = [&](const PageProse& p) -> const std::set<std::string>& {
    auto found = anchors.find(p.page);
    if (found != anchors.end()) return found->second;
    std::set<std::string> taken;
    std::vector<Checked>& results = rendered[p.page];
    for (const auto& t : p.texts) {
      MarkdownResult r = site::markdown_for(base, t.meta->file, *t.md, p.page, &taken);
      results.push_back({std::move(r.links), std::move(r.refused)});
    }
    taken.insert("main"); // the skip link's target, on every page
    return anchors.emplace(p.page, std::move(taken)).first->second;
  };
  auto anchors_of = [&](const std::string& page) -> const std::set<std::string>* {
    auto it = by_page.find(page);
    if (it == by_page.end()) {
      static const std::set<std::string> k_main = {"main"};
      return &k_main;
    }
    return &render_page(*it->second);
  };
  // A body on several pages (an SLI's on each of its SLOs') is checked on each, and a problem it
  // has on all of them is reported once.
  std::set<std::tuple<std::string, int, int, std::string>> reported;
  // A text render_markdown refuses is reported where it says, and its page is not published.
  auto report_refusal = [&](const Prose& text, const MarkdownRefusal& refused, LineCursor& cursor) {
    const Loc at = where(text, MarkdownLink{{}, refused.line, refused.col}, cursor);
    if (reported.emplace(text.meta->file, at.line, at.col, refused.message).second)
      diags.error(text.meta->file, at, "markdown-too-large", refused.message, refused.hint);
  };
  for (const auto& p : pages) {
    bool any = false;
    for (const auto& t : p.texts)
      any = any || may_link(*t.md);
    if (!any) {
      // Nothing to follow on the page, but a text may still be one the site cannot render.
      for (const auto& t : p.texts) {
        LineCursor cursor;
        if (const auto refused = markdown_refusal(*t.md)) report_refusal(t, *refused, cursor);
      }
      continue;
    }
    const std::set<std::string>& here = render_page(p);
    const std::vector<Checked>& results = rendered.at(p.page);
    for (std::size_t k = 0; k < p.texts.size(); ++k) {
      const std::string& file = p.texts[k].meta->file;
      LineCursor cursor;
      if (const auto& refused = results[k].refused) {
        report_refusal(p.texts[k], *refused, cursor);
        continue;
      }
      for (const auto& link : results[k].links) {
        const std::string why = prose_problem(base, file, p.page, link.url, here, anchors_of);
        if (why.empty()) continue;
        const Loc at = where(p.texts[k], link, cursor);
        std::string message = "link '" + link.url + "' breaks on the site: " + why;
        if (on_pages) on_pages->emplace(p.page, link.url);
        if (reported.emplace(file, at.line, at.col, message).second)
          diags.error(file, at, k_rule, std::move(message), k_prose_hint);
      }
    }
  }
}

std::set<std::string> page_anchors(const std::string& file, const std::string& body,
                                   const std::string& page, const std::vector<std::string>& taken,
                                   const std::map<std::string, std::string>& file_pages,
                                   const std::string& repo_url, const std::string& branch) {
  const LinkBase base{file_pages, repo_url, branch, k_no_prefix};
  std::set<std::string> anchors(taken.begin(), taken.end());
  site::markdown_for(base, file, body, page, &anchors);
  anchors.insert("main"); // the skip link's target, as check_content_links counts it
  return anchors;
}

bool body_has_suspect_link(
    const std::string& file, const std::string& body, const std::string& page,
    const std::vector<std::string>& taken, const std::map<std::string, std::string>& file_pages,
    const std::string& repo_url, const std::string& branch,
    const std::function<const std::set<std::string>*(const std::string& page)>& anchors_of) {
  if (!may_link(body)) return false;
  const LinkBase base{file_pages, repo_url, branch, k_no_prefix};
  // The page's anchors as check_content_links renders them: the Markdown before the body, the
  // body, and `main`.
  std::set<std::string> here(taken.begin(), taken.end());
  const MarkdownResult r = site::markdown_for(base, file, body, page, &here);
  if (r.refused) return true; // reported at its line by the long way
  here.insert("main");
  for (const auto& link : r.links)
    if (!prose_problem(base, file, page, link.url, here, anchors_of).empty()) return true;
  return false;
}

} // namespace nines
