#include "render/markdown.hpp"

#include "render/html.hpp"

#include <algorithm>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>

namespace nines {

namespace {

// The GFM extensions the site enables. tagfilter only matters if raw HTML were ever let through,
// but it is the documented GitHub behaviour, so a document renders the same here as there.
constexpr const char* k_extensions[] = {"table", "strikethrough", "autolink", "tasklist",
                                        "tagfilter"};

// Parse and render options. Without CMARK_OPT_UNSAFE cmark-gfm replaces raw HTML with a comment
// and blanks javascript:/vbscript:/file:/data: URLs itself; the AST pass below is stricter still.
constexpr int k_parse_options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
constexpr int k_render_options = CMARK_OPT_DEFAULT;

void ensure_extensions_registered() {
  // Registration writes a global list without locking; parallel page renders must not race on it.
  static std::once_flag once;
  std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
}

struct ParserFree {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeFree {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct CharFree {
  void operator()(char* s) const { std::free(s); }
};

// Plain text of an inline subtree: what a screen reader or a table of contents should show.
std::string plain_text(cmark_node* node) {
  std::string out;
  cmark_iter* iter = cmark_iter_new(node);
  cmark_event_type ev;
  while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* cur = cmark_iter_get_node(iter);
    switch (cmark_node_get_type(cur)) {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_CODE:
      if (const char* lit = cmark_node_get_literal(cur)) out += lit;
      break;
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
      out += ' ';
      break;
    default:
      break;
    }
  }
  cmark_iter_free(iter);
  // Collapse whitespace so anchors and tables of contents do not depend on line wrapping.
  std::string collapsed;
  for (char c : out) {
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (space) {
      if (!collapsed.empty() && collapsed.back() != ' ') collapsed += ' ';
    } else {
      collapsed += c;
    }
  }
  while (!collapsed.empty() && collapsed.back() == ' ')
    collapsed.pop_back();
  return collapsed;
}

std::string rendered(cmark_node* node, cmark_llist* extensions) {
  std::unique_ptr<char, CharFree> html(cmark_render_html(node, k_render_options, extensions));
  return html ? std::string(html.get()) : std::string();
}

// Replaces `node` with a custom block that prints `html` verbatim; the renderer emits custom
// blocks as given, which is how headings get an id attribute cmark itself cannot set.
void replace_with_html_block(cmark_node* node, const std::string& html) {
  cmark_node* block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
  cmark_node_set_on_enter(block, html.c_str());
  cmark_node_set_on_exit(block, "");
  cmark_node_insert_before(node, block);
  cmark_node_free(node); // unlinks first
}

// Removes a link but keeps its content in place.
void unwrap(cmark_node* node) {
  while (cmark_node* child = cmark_node_first_child(node))
    cmark_node_insert_before(node, child);
  cmark_node_free(node);
}

// The vetted URL for a link or image, or nullopt when it must not be emitted.
std::optional<std::string> vetted_url(const char* raw, const MarkdownOptions& options) {
  std::string url = raw ? raw : "";
  if (!is_safe_url(url)) return std::nullopt;
  if (options.rewrite_url) {
    url = options.rewrite_url(url);
    if (!is_safe_url(url)) return std::nullopt;
  }
  return url;
}

// The language of a fenced block's info string ("python title=x" -> "python"), restricted to
// characters that need no escaping in a class name.
std::string code_language(const char* info) {
  std::string lang;
  for (const char* p = info ? info : ""; *p && *p != ' ' && *p != '\t'; ++p) {
    char c = *p;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '+' || c == '#' || c == '.';
    if (!ok) return {};
    lang += c;
  }
  return lang;
}

std::string unique_anchor(const std::string& base, std::set<std::string>& used,
                          const MarkdownOptions& options) {
  auto taken = [&](const std::string& id) {
    return used.count(id) != 0 || options.reserved_ids.count(id) != 0 ||
           (options.more_reserved_ids && options.more_reserved_ids->count(id) != 0);
  };
  std::string candidate = base;
  for (int n = 1; taken(candidate); ++n)
    candidate = base + "-" + std::to_string(n);
  used.insert(candidate);
  return candidate;
}

} // namespace

MarkdownResult render_markdown(std::string_view md, const MarkdownOptions& options) {
  ensure_extensions_registered();
  std::unique_ptr<cmark_parser, ParserFree> parser(cmark_parser_new(k_parse_options));
  if (!parser) throw std::runtime_error("markdown: cannot create the parser");
  for (const char* name : k_extensions) {
    cmark_syntax_extension* ext = cmark_find_syntax_extension(name);
    if (!ext)
      throw std::runtime_error(std::string("markdown: missing cmark-gfm extension ") + name);
    cmark_parser_attach_syntax_extension(parser.get(), ext);
  }
  cmark_parser_feed(parser.get(), md.data(), md.size());
  std::unique_ptr<cmark_node, NodeFree> doc(cmark_parser_finish(parser.get()));
  cmark_llist* extensions = cmark_parser_get_syntax_extensions(parser.get());

  // Collect first, edit after: the tree must not change under the iterator.
  std::vector<cmark_node*> links, images, headings, code_blocks;
  cmark_iter* iter = cmark_iter_new(doc.get());
  cmark_event_type ev;
  while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* node = cmark_iter_get_node(iter);
    switch (cmark_node_get_type(node)) {
    case CMARK_NODE_LINK:
      links.push_back(node);
      break;
    case CMARK_NODE_IMAGE:
      images.push_back(node);
      break;
    case CMARK_NODE_HEADING:
      headings.push_back(node);
      break;
    case CMARK_NODE_CODE_BLOCK:
      code_blocks.push_back(node);
      break;
    default:
      break;
    }
  }
  cmark_iter_free(iter);

  // Links first: unwrapping frees only the link itself. Images last and innermost first (reverse
  // document order), since replacing an image frees everything inside its description.
  for (cmark_node* link : links) {
    auto url = vetted_url(cmark_node_get_url(link), options);
    if (url)
      cmark_node_set_url(link, url->c_str());
    else
      unwrap(link);
  }
  for (auto it = images.rbegin(); it != images.rend(); ++it) {
    auto url = vetted_url(cmark_node_get_url(*it), options);
    if (url) {
      cmark_node_set_url(*it, url->c_str());
      continue;
    }
    cmark_node* alt = cmark_node_new(CMARK_NODE_TEXT);
    cmark_node_set_literal(alt, plain_text(*it).c_str());
    cmark_node_insert_before(*it, alt);
    cmark_node_free(*it);
  }

  for (cmark_node* block : code_blocks) {
    std::string lang = code_language(cmark_node_get_fence_info(block));
    const char* literal = cmark_node_get_literal(block);
    std::string html = "<pre class=\"code-block\"><code";
    if (!lang.empty()) html += " class=\"language-" + attr_escape(lang) + "\"";
    html += ">" + html_escape(literal ? literal : "") + "</code></pre>\n";
    replace_with_html_block(block, html);
  }

  MarkdownResult result;
  std::set<std::string> used; // the ids this document's headings took
  for (cmark_node* heading : headings) {
    Heading h;
    const int written = cmark_node_get_heading_level(heading);
    h.level = std::clamp(written + std::max(options.heading_offset, 0), 1, 6);
    h.text = plain_text(heading);
    h.anchor = unique_anchor(slugify(h.text), used, options);
    std::string html = rendered(heading, extensions);
    // cmark renders a heading as "<hN>" + content + "</hN>\n"; the tags get the page's level and
    // the opening one the anchor.
    std::string open = "<h" + std::to_string(written) + ">";
    std::string close = "</h" + std::to_string(written) + ">";
    std::size_t close_at = html.rfind(close);
    if (html.compare(0, open.size(), open) != 0 || close_at == std::string::npos)
      throw std::runtime_error("markdown: unexpected heading markup from cmark-gfm");
    const std::string tag = "h" + std::to_string(h.level);
    html = "<" + tag + " id=\"" + attr_escape(h.anchor) + "\">" +
           html.substr(open.size(), close_at - open.size()) + "</" + tag + ">" +
           html.substr(close_at + close.size());
    replace_with_html_block(heading, html);
    result.headings.push_back(std::move(h));
  }

  result.html = rendered(doc.get(), extensions);
  return result;
}

} // namespace nines
