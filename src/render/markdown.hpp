// Markdown to safe HTML (cmark-gfm), with heading anchors for tables of contents.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace nines {

struct Heading {
  int level = 1;      // 1..6, as rendered (heading_offset applied)
  std::string text;   // plain text of the heading, unescaped
  std::string anchor; // the id given to the heading element, unique within the document
};

// A link or image of the Markdown as written (reference links resolved), before any vetting or
// rewriting, and where it starts: line (1-based, in the Markdown given) and byte column (1-based).
// The one exception: a link to one of the text's own headings by GitHub's anchor (`#steps`) reads
// as that heading's id on the page (`#steps-1`), where the page took the anchor for another id.
struct MarkdownLink {
  std::string url;
  int line = 0;
  int col = 0;
};

// Why a Markdown text is not rendered at all, and where: line (1-based, in the Markdown given) and
// byte column (1-based), as MarkdownLink's, so a caller locates it in its file the same way. The
// caller that reports it names the rule (the catalog of rules is the diagnostics').
struct MarkdownRefusal {
  int line = 0;
  int col = 0;
  std::string message;
  std::string hint;
};

struct MarkdownResult {
  std::string html; // safe to insert unescaped ({{{...}}}) into a page
  std::vector<Heading> headings;
  std::vector<MarkdownLink> links; // in document order, for checks of the links content holds
  // The other ids the HTML gives elements, unique as the headings' are: its footnotes'
  // ("fn-1", and "fnref-1" for each reference to one).
  std::vector<std::string> ids;
  // Set when the text was refused (markdown_refusal): `html` is then one paragraph that says
  // so, and there are no headings and no links. A caller that reports problems reports it.
  std::optional<MarkdownRefusal> refused;
};

struct MarkdownOptions {
  // Ids the surrounding page already uses; a heading that would take one gets a suffix instead
  // ("main" -> "main-1"), so the skip link and scripts keep pointing where they should.
  std::set<std::string> reserved_ids = {"main",          "top",          "site-nav",
                                        "site-search",   "search-input", "search-results",
                                        "search-status", "content"};
  // More taken ids, read where they are rather than copied (a theme's many layout ids, the same
  // for every document); null for none.
  const std::set<std::string>* more_reserved_ids = nullptr;
  // Called for every link and image URL that passed is_safe_url, e.g. to turn "../runbooks/x.md"
  // into the page of that runbook. The result is vetted again; an unsafe result is dropped.
  std::function<std::string(std::string_view url)> rewrite_url;
  // Added to every heading's level (at most h6): prose shown under a page's own <h1> starts at
  // <h2>, so a page has one <h1> whatever its Markdown says.
  int heading_offset = 0;
  // When set (1..6), replaces heading_offset: the body's highest heading renders at this level
  // and the others keep their distance from it. Prose whose top heading is `##` (as most is)
  // then starts at <h2> under the page's <h1>, not <h3>, so no heading level is skipped.
  int top_heading_level = 0;
};

// Renders GitHub-flavoured Markdown (tables, strikethrough, autolinks, task lists, tag filter,
// footnotes). Footnotes are numbered per text; their ids ("fn-LABEL", "fnref-LABEL") become
// "fn-2-LABEL", "fnref-2-LABEL" (then 3, ...) when the reserved ids or this text's headings hold
// one, so several texts on one page never share one.
// Raw HTML is never emitted; links and images whose URL fails is_safe_url are dropped (a link
// keeps its text, an image becomes its alt text); an image from outside the site (a URL with a
// scheme, or protocol-relative) becomes a link to it named by its alt text, so no page makes a
// request that leaves the site; every heading gets a unique id; fenced and
// indented code blocks become <pre class="code-block"><code class="language-x">, which copy.js
// recognises. A heading's id is heading_anchor's (GitHub's), with "-1", "-2", ... for a repeat.
// Thread-safe and deterministic.
MarkdownResult render_markdown(std::string_view md, const MarkdownOptions& options = {});

// Why render_markdown refuses `md`, or nullopt (for all but hostile text). One case so far, to be
// reported as `markdown-too-large`: cmark-gfm copies a link reference definition's URL and title
// into every link that uses it (`[a]`, `[x][a]`, `[a][]`, `![a]`), so one long definition used
// many times makes a page hundreds of times the text's size (10 KB of URL used 20,000 times in
// 90 KB of Markdown: a 192 MB page). Refused when the copies would pass ten times the text's
// size, and 1 MiB; located at the definition whose uses copy the most. Linear in the text; for
// text without definitions, one search for "]:".
std::optional<MarkdownRefusal> markdown_refusal(std::string_view md);

// What the calling thread's Markdown arena holds between renders (every render_markdown call
// allocates cmark-gfm's memory from a per-thread arena and resets it on return). For tests: the
// memory a thread keeps must stay bounded however many documents it renders.
struct MarkdownArenaUsage {
  std::size_t blocks = 0;
  std::size_t bytes = 0;
};
MarkdownArenaUsage markdown_arena_usage();

} // namespace nines
