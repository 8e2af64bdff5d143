// The site's search index (search-index.js): every page worth finding with the full text of its
// document, small enough to load on a phone at ten thousand documents.
//
// The index is a script assigning window.NINES_SEARCH, not JSON to fetch, so search works from
// file:// too; search.js loads it on first use. Each entry is one line,
//   ["kind", "title", "href", "summary", "text"]
// with href relative to the site root ("…/" stands for "…/index.html") and text the searchable
// words: ids, people, alert names first, then the document's prose. Text is capped per entry by a
// budget shared over all entries (k_text_budget), so the file stays near 3 MB whatever the size of
// the repository: a text over its cap keeps each word once, in order, then is cut at a word.
#include "model/entity_ref.hpp"
#include "render/html.hpp"
#include "render/site_detail.hpp"
#include "render/svg.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace nines::site {

namespace {

// Bytes of searchable text over all entries; each entry gets an equal share within the clamp.
constexpr std::size_t k_text_budget = 1'200'000;
constexpr std::size_t k_text_min = 160;
constexpr std::size_t k_text_max = 12'000;
constexpr std::size_t k_summary_max = 96;

struct Draft {
  Draft(std::string k, std::string t, std::string h, std::string s,
        std::vector<std::string> key_list, std::vector<std::string> prose_list)
      : kind(std::move(k)), title(std::move(t)), href(std::move(h)), summary(std::move(s)),
        keys(std::move(key_list)), prose(std::move(prose_list)) {}
  std::string kind, title, href, summary;
  std::vector<std::string> keys; // ids, people, names: kept before any prose
  std::vector<std::string> prose;
  std::string file;                                   // the document whose body is in `prose`
  std::size_t body_at = static_cast<std::size_t>(-1); // where in `prose` (add_body)
};

void add(std::vector<std::string>& v, const std::string& s) {
  if (!s.empty()) v.push_back(s);
}
void add_all(std::vector<std::string>& v, const std::vector<std::string>& items) {
  for (const auto& s : items)
    add(v, s);
}

// Which bytes plain() turns into a blank: whitespace, and with `markdown` the markup characters.
constexpr std::array<bool, 256> blank_bytes(bool markdown) {
  std::array<bool, 256> t{};
  for (unsigned char c : {'\n', '\r', '\t', ' '})
    t[c] = true;
  if (markdown)
    for (unsigned char c : {'#', '*', '`', '|', '>', '[', ']', '(', ')', '~'})
      t[c] = true;
  return t;
}
constexpr std::array<bool, 256> k_blank = blank_bytes(false);
constexpr std::array<bool, 256> k_markdown_blank = blank_bytes(true);

// Text on one line: its words (runs of other bytes) with one space between them. With `markdown`,
// markup characters become spaces too (links keep their text and URL); fields such as commands
// keep theirs ("| head -5"). Written through a pointer into a buffer of the input's size (the
// text never grows): appending byte by byte made this the search index's largest cost.
std::string plain(const std::string& md, bool markdown = false) {
  const std::array<bool, 256>& blank = markdown ? k_markdown_blank : k_blank;
  std::string out(md.size(), '\0');
  char* const begin = out.data();
  char* p = begin;
  for (char c : md) {
    if (blank[static_cast<unsigned char>(c)]) {
      if (p != begin && p[-1] != ' ') *p++ = ' ';
    } else {
      *p++ = c;
    }
  }
  if (p != begin && p[-1] == ' ') --p;
  out.resize(static_cast<std::size_t>(p - begin));
  return out;
}

// A Markdown body without what the page leaves out of it: raw HTML, which cmark-gfm's safe mode
// omits (SPEC 5), so a comment or a hidden block the page does not show is not published in the
// search index either. An HTML block (a line opening with a tag or a comment, up to the next
// blank line; a comment up to its `-->`) goes whole, an inline tag alone (its text stays, as
// on the page); code (fenced or indented blocks, backtick spans) is kept as written, since the
// page shows it. Read as the CommonMark rules read it for the common cases, not to the letter:
// this is the index's text, not the page's. Most bodies have no `<` and are returned at once.
std::string without_raw_html(const std::string& md) {
  if (md.find('<') == std::string::npos) return md;
  std::string out;
  out.reserve(md.size());
  const std::size_t n = md.size();
  auto tag_end = [&](std::size_t at) -> std::size_t { // one past a tag at `at`, or npos
    if (at + 1 >= n) return std::string::npos;
    const char c = md[at + 1];
    if (!(std::isalpha(static_cast<unsigned char>(c)) || c == '/' || c == '!' || c == '?'))
      return std::string::npos;
    const std::size_t close = md.find_first_of(">\n", at + 1);
    if (close == std::string::npos || md[close] != '>') return std::string::npos;
    const std::string_view inside(md.data() + at + 1, close - at - 1);
    // An autolink (`<https://…>`, `<ops@example.org>`) is a link the page shows.
    if (inside.find("://") != std::string_view::npos ||
        (inside.find('@') != std::string_view::npos && inside.find(' ') == std::string_view::npos))
      return std::string::npos;
    return close + 1;
  };
  bool fence = false;
  std::string fence_mark;
  for (std::size_t pos = 0; pos < n;) {
    std::size_t eol = md.find('\n', pos);
    if (eol == std::string::npos) eol = n;
    const std::string_view line(md.data() + pos, eol - pos);
    const std::size_t indent = line.find_first_not_of(' ');
    const std::string_view rest =
        indent == std::string_view::npos ? std::string_view() : line.substr(indent);
    const bool fence_line = indent != std::string_view::npos && indent < 4 &&
                            (rest.starts_with("```") || rest.starts_with("~~~"));
    if (fence || fence_line || (indent != std::string_view::npos && indent >= 4)) {
      if (fence_line && !fence) {
        fence = true;
        fence_mark = std::string(rest.substr(0, 3));
      } else if (fence_line && rest.starts_with(fence_mark)) {
        fence = false;
      }
      out.append(line);
      out += '\n';
      pos = eol + 1;
      continue;
    }
    // An HTML block: a comment up to its end, anything else up to a blank line.
    if (indent != std::string_view::npos && indent < 4 && rest.starts_with('<') &&
        (rest.starts_with("<!--") || tag_end(pos + indent) != std::string::npos)) {
      std::size_t end;
      if (rest.starts_with("<!--")) {
        end = md.find("-->", pos + indent);
        end = end == std::string::npos ? n : md.find('\n', end);
      } else {
        end = md.find("\n\n", pos);
        end = end == std::string::npos ? n : end + 1;
      }
      pos = end == std::string::npos ? n : end + 1;
      out += '\n';
      continue;
    }
    // Inline: tags and comments out, code spans as written.
    for (std::size_t i = pos; i < eol;) {
      if (md[i] == '`') {
        std::size_t run = i;
        while (run < eol && md[run] == '`')
          ++run;
        const std::string ticks(run - i, '`');
        const std::size_t close = md.find(ticks, run);
        const std::size_t to =
            close == std::string::npos || close > eol ? run : close + ticks.size();
        out.append(md, i, to - i);
        i = to;
        continue;
      }
      if (md[i] == '<') {
        if (md.compare(i, 4, "<!--") == 0) {
          const std::size_t end = md.find("-->", i);
          if (end != std::string::npos) {
            if (end >= eol)
              eol = std::min(n, md.find('\n', end) == std::string::npos ? n : md.find('\n', end));
            i = end + 3;
            out += ' ';
            continue;
          }
        }
        if (const std::size_t end = tag_end(i); end != std::string::npos) {
          i = end;
          out += ' ';
          continue;
        }
      }
      out += md[i++];
    }
    out += '\n';
    pos = eol + 1;
  }
  return out;
}

// The document's body as the draft's prose, remembered with its place so that the entry can be
// made again with another body (search_entry).
// Kept even when empty (unlike add's): the entry's text reads the prose through plain(), which
// collapses the blank an empty part leaves, so the text is the same and the place is known.
void add_body(Draft& d, const DocMeta& m) {
  d.file = m.file;
  d.body_at = d.prose.size();
  d.prose.push_back(plain(without_raw_html(m.body), true));
}

// The word as the index compares words: lower case, letters, digits, UTF-8 and - _ . / only.
// Written into `k`, whose buffer the caller reuses from word to word. ASCII rules by table (the
// program never sets a locale, so isalnum and tolower are the C locale's): this runs once per word
// of every long text.
constexpr std::array<char, 256> word_bytes() {
  std::array<char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    bool keep = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                c >= 0x80 || c == '-' || c == '_' || c == '.' || c == '/';
    char lower = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    t[static_cast<std::size_t>(c)] = keep ? lower : '\0';
  }
  return t;
}
constexpr std::array<char, 256> k_word_bytes = word_bytes();

void lower_word(std::string_view w, std::string& k) {
  k.resize(w.size());
  char* const begin = k.data();
  char* p = begin;
  for (char c : w) {
    char lower = k_word_bytes[static_cast<unsigned char>(c)];
    if (lower != '\0') *p++ = lower;
  }
  k.resize(static_cast<std::size_t>(p - begin));
}

// Calls `f` with each run of non-blank characters of `s`, in order, until `f` returns false.
template <typename F> void for_each_word(std::string_view s, F f) {
  auto blank = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && blank(s[i]))
      ++i;
    std::size_t j = i;
    while (j < s.size() && !blank(s[j]))
      ++j;
    if (j > i && !f(s.substr(i, j - i))) return;
    i = j;
  }
}

// A set of non-empty words by open addressing in one array: the node set it replaces allocated
// and freed a node for every word of every capped text. The words themselves are kept by the
// caller and must not move while the set is used.
class WordSet {
public:
  explicit WordSet(std::size_t expected) {
    std::size_t size = 16;
    while (size < expected * 2)
      size *= 2;
    m_slots.resize(size);
  }
  bool contains(std::string_view w) const { return !m_slots[find(w)].empty(); }
  // `w` must not be in the set yet.
  void insert(std::string_view w) {
    if ((m_count + 1) * 2 > m_slots.size()) grow();
    m_slots[find(w)] = w;
    ++m_count;
  }

private:
  // The slot holding `w`, else the empty slot where it would go.
  std::size_t find(std::string_view w) const {
    const std::size_t mask = m_slots.size() - 1;
    const std::size_t hash = std::hash<std::string_view>{}(w);
    std::size_t i = hash & mask;
    while (!m_slots[i].empty() && m_slots[i] != w)
      i = (i + 1) & mask;
    return i;
  }
  void grow() {
    std::vector<std::string_view> old(m_slots.size() * 2);
    old.swap(m_slots);
    for (std::string_view w : old)
      if (!w.empty()) m_slots[find(w)] = w;
  }

  std::vector<std::string_view> m_slots; // empty: a free slot
  std::size_t m_count = 0;
};

// The entry's text within `cap` bytes: as written when it fits, else each word once (the first
// time it occurs; words of the title and summary count as seen), cut at a word. The text as
// written is the words of the keys and then of the prose, one space between them, so words are
// read in place from each part and the reading stops at the cap: long bodies made this a large
// part of the index.
std::string text_of(const Draft& d, std::size_t cap) {
  auto each_word = [&](auto f) {
    bool more = true;
    auto g = [&](std::string_view w) { return more = f(w); };
    for (const auto& k : d.keys)
      if (more) for_each_word(k, g);
    for (const auto& p : d.prose)
      if (more) for_each_word(p, g);
  };
  std::string out;
  out.reserve(cap + 1);
  bool fits = true;
  each_word([&](std::string_view w) {
    if (!out.empty()) out += ' ';
    out.append(w.data(), w.size());
    return fits = out.size() <= cap;
  });
  if (fits) return out;
  out.clear();
  // The words seen, lower case, in one buffer that never moves: it holds the title's and the
  // summary's words and then only words that went into the text, which fit in `cap`.
  std::string words;
  words.reserve(d.title.size() + d.summary.size() + cap);
  // Sized for words of eight bytes with their space; it grows if they are shorter.
  WordSet seen(words.capacity() / 9 + 1);
  std::string k;
  auto keep = [&](const std::string& lower) {
    if (words.size() + lower.size() > words.capacity())
      throw std::logic_error("search text: seen words past their buffer");
    words.append(lower);
    seen.insert(std::string_view(words).substr(words.size() - lower.size()));
  };
  // An empty word (punctuation only) is never looked up, so it is not kept.
  auto see = [&](std::string_view w) {
    lower_word(w, k);
    if (!k.empty() && !seen.contains(k)) keep(k);
    return true;
  };
  for_each_word(d.title, see);
  for_each_word(d.summary, see);
  each_word([&](std::string_view w) {
    lower_word(w, k);
    if (k.empty() || seen.contains(k)) return true;
    if (out.size() + 1 + w.size() > cap) return false;
    keep(k);
    if (!out.empty()) out += ' ';
    out.append(w.data(), w.size());
    return true;
  });
  return out;
}

// "x/index.html" → "x/": search.js puts index.html back.
std::string short_href(std::string href) {
  const std::string tail = "/index.html";
  if (href.size() > tail.size() && href.compare(href.size() - tail.size(), tail.size(), tail) == 0)
    href.erase(href.size() - tail.size() + 1);
  return href;
}

// Who owns a service or catalog entry, for its summary: the team's name, else the owner person (a
// Backstage User), else "external: REF" as written.
std::string owner_text(const Site& site, const std::string& team, const CatalogInfo& c) {
  if (!team.empty()) return site.team_name(team);
  if (!c.owner_person.empty()) return c.owner_person;
  if (c.owner_external) return "external: " + c.owner_ref;
  return "";
}

// Where a person's search result leads, best first: the teams page at their team, the on-call
// page at their rotation, the page of a service they own, and only for someone named nowhere else
// the first postmortem naming them (the one page that shows them).
enum class PersonPlace { Team, Rotation, Owner, Postmortem, None };

// A person's memberships and roles, gathered over the documents that name them.
struct Person {
  std::string href;
  PersonPlace place = PersonPlace::None;
  std::vector<std::string> roles;
  int postmortems = 0;
};

std::vector<Draft> drafts(const Site& site) {
  std::vector<Draft> out;
  std::map<std::string, Person> people;
  auto person = [&](const std::string& name, const std::string& href, const std::string& role,
                    PersonPlace place) {
    if (name.empty() || name.size() > 80) return;
    Person& p = people[name];
    // The first page of the best kind: teams in id order, rotations and the rest in the order
    // they are walked.
    if (place < p.place) {
      p.href = href;
      p.place = place;
    }
    if (!role.empty() && std::find(p.roles.begin(), p.roles.end(), role) == p.roles.end())
      p.roles.push_back(role);
  };

  for (const auto& s : site.repo.services) {
    const std::string name = s.name.empty() ? s.meta.id : s.name;
    const CatalogInfo none;
    const CatalogInfo& c = s.catalog ? *s.catalog : none;
    Draft d{"service",
            name,
            service_page(s.meta.id),
            join({s.tier.empty() ? "" : "Tier " + s.tier, owner_text(site, s.owner_team.id, c),
                  s.description},
                 " · "),
            {},
            {}};
    add_all(d.keys, {s.meta.id, s.owner_team.id, c.owner_person, s.oncall_rotation.id, s.type,
                     s.language, s.infra, s.architecture});
    person(c.owner_person, service_page(s.meta.id), "owner of " + name, PersonPlace::Owner);
    for (const auto& r : s.upstream)
      add(d.keys, r.id);
    for (const auto& r : s.downstream)
      add(d.keys, r.id);
    add(d.prose, s.description);
    add_body(d, s.meta);
    out.push_back(std::move(d));
  }
  // Catalog entries (libraries, documentation, tools) have no page: their row in the catalog list.
  for (const auto& e : site.repo.catalog.entries) {
    const std::string name = e.name.empty() ? e.meta.id : e.name;
    const std::string href = catalog_entry_href(site, e);
    const std::string team = owner_team_id(e.catalog);
    Draft d{"component", name,
            href,        join({e.type, owner_text(site, team, e.catalog), e.description}, " · "),
            {},          {}};
    add_all(d.keys, {e.meta.id, e.type, team, e.catalog.owner_person, e.catalog.system,
                     e.catalog.system_name, e.catalog.lifecycle});
    add_all(d.keys, e.catalog.tags);
    add(d.prose, e.description);
    person(e.catalog.owner_person, href, "owner of " + name, PersonPlace::Owner);
    out.push_back(std::move(d));
  }
  for (const auto& f : site.figs.slos) {
    std::string figure = f.remaining
                             ? remaining_text(*f.remaining * 100.0, f.state.edges) + " budget left"
                             : std::string("no data");
    Draft d{"SLO",
            f.name.empty() ? f.id : f.name,
            slo_page(f.id),
            join({site.service_name(f.service), "target " + target_text(f.target),
                  state_label(f.state.name()), figure},
                 " · "),
            {},
            {}};
    add_all(d.keys, {f.id, f.service});
    if (auto it = site.slos.find(f.id); it != site.slos.end()) {
      const Slo& slo = *it->second;
      add_all(d.keys, {slo.sli.id, slo.policy.id, slo.owner});
      for (const auto& a : slo.alerts)
        add(d.keys, a.name);
      add_all(d.keys, slo.stakeholders);
      add(d.prose, slo.description);
      add_body(d, slo.meta);
    }
    out.push_back(std::move(d));
  }
  for (const auto& rb : site.repo.runbooks) {
    const std::string href = runbook_page(rb.meta.id);
    Draft d{"runbook",
            rb.title.empty() ? rb.meta.id : rb.title,
            href,
            join({site.service_name(rb.service.id),
                  rb.alert_name.empty() ? "" : "alert " + rb.alert_name, rb.overview},
                 " · "),
            {},
            {}};
    add_all(d.keys, {rb.meta.id, rb.alert_name, rb.service.id, rb.owner, rb.escalation_contact});
    add_all(d.prose, {rb.overview, rb.impact});
    for (const auto& s : rb.diagnosis)
      add_all(d.prose, {s.step, s.command, s.expected, s.if_unexpected});
    for (const auto& m : rb.mitigation) {
      add_all(d.prose, {m.option, m.when});
      add_all(d.prose, m.steps);
    }
    for (const auto& s : rb.steps)
      add_all(d.prose, {s.name, s.action, s.command});
    add(d.prose, rb.escalation_context);
    add_body(d, rb.meta);
    out.push_back(std::move(d));
  }
  for (const auto& pm : site.repo.postmortems) {
    const std::string href = postmortem_page(pm.meta.id);
    Draft d{"postmortem", pm.title.empty() ? pm.meta.id : pm.title,
            href,         join({pm.date, pm.severity, pm.incident_id, pm.summary}, " · "),
            {},           {}};
    add_all(d.keys, {pm.meta.id, pm.incident_id, pm.root_cause_category, pm.repeat_of.id});
    for (const auto& s : pm.services)
      add(d.keys, s.id);
    add_all(d.keys, pm.authors);
    add_all(d.keys, pm.reviewers);
    for (const auto& [role, who] : pm.ics)
      add(d.keys, who);
    for (const auto& a : pm.action_items)
      add_all(d.keys, {a.id, a.owner, a.ticket});
    add_all(d.prose, {pm.summary, pm.root_cause});
    for (const auto& t : pm.timeline)
      add(d.prose, t.time + " " + t.event);
    add_all(d.prose, {pm.how_detected, pm.could_have_detected_sooner, pm.how_resolved});
    add_all(d.prose, pm.contributing_factors);
    add_all(d.prose, pm.what_went_well);
    add_all(d.prose, pm.what_went_wrong);
    add_all(d.prose, pm.where_we_got_lucky);
    add_all(d.prose, pm.five_whys);
    for (const auto& a : pm.action_items)
      add(d.prose, a.description);
    add_body(d, pm.meta);
    for (const auto& name : pm.authors)
      person(name, href, "", PersonPlace::Postmortem);
    for (const auto& name : pm.authors)
      ++people[name].postmortems;
    for (const auto& name : pm.reviewers)
      person(name, href, "", PersonPlace::Postmortem);
    for (const auto& a : pm.action_items)
      person(a.owner, href, "", PersonPlace::Postmortem);
    out.push_back(std::move(d));
  }
  for (const auto& id : site.team_ids) {
    Draft d{"team", site.team_name(id), team_anchor(id), "Team " + id, {id}, {}};
    if (auto it = site.repo.config.teams.find(id); it != site.repo.config.teams.end()) {
      add_all(d.keys, it->second.members);
      d.summary = join({"Team " + id, join(it->second.members, ", ")}, " · ");
      for (const auto& m : it->second.members)
        person(m, team_anchor(id), "team " + site.team_name(id), PersonPlace::Team);
    }
    out.push_back(std::move(d));
  }
  for (const auto& r : site.repo.rotations) {
    const std::string href = rotation_anchor(r.meta.id);
    // The entry holds the rotation's body, which its handoff page shows; its people lead to the
    // on-call page's row of figures.
    Draft d{"rotation",
            r.name.empty() ? r.meta.id : r.name,
            handoff_page(r.meta.id),
            join({site.team_name(r.team.id), r.primary.empty() ? "" : "primary " + r.primary,
                  r.secondary.empty() ? "" : "secondary " + r.secondary, r.schedule},
                 " · "),
            {},
            {}};
    add_all(d.keys, {r.meta.id, r.team.id, r.primary, r.secondary});
    add_all(d.keys, r.members);
    add_all(d.prose, r.escalation);
    add_body(d, r.meta);
    for (const auto& m : r.members)
      person(m, href, "on-call " + (r.name.empty() ? r.meta.id : r.name), PersonPlace::Rotation);
    out.push_back(std::move(d));
  }
  // Alert rules: to the runbook that answers the alert, else the service.
  std::map<std::string, std::string> runbook_of_alert;
  for (const auto& rb : site.repo.runbooks)
    if (!rb.alert_name.empty()) runbook_of_alert.emplace(rb.alert_name, runbook_page(rb.meta.id));
  for (const auto& a : site.repo.prom_alerts) {
    std::string href;
    if (auto it = runbook_of_alert.find(a.name); it != runbook_of_alert.end())
      href = it->second;
    else if (site.services.count(a.service))
      href = service_page(a.service);
    if (href.empty() || a.name.empty()) continue;
    Draft d{"alert",
            a.name,
            href,
            join({site.service_name(a.service), a.severity.empty() ? "" : "severity " + a.severity},
                 " · "),
            {a.name, a.service},
            {a.expr}};
    out.push_back(std::move(d));
  }
  for (const auto& [name, p] : people) {
    std::vector<std::string> roles = p.roles;
    if (p.postmortems > 0)
      roles.push_back(std::to_string(p.postmortems) + " postmortem" +
                      (p.postmortems == 1 ? "" : "s"));
    out.push_back({"person", name, p.href, join(roles, " · "), {}, {}});
  }
  for (const auto& [period, r] : site.figs.reports)
    out.push_back({"report",
                   "Reliability report: " + month_label(period),
                   report_page(period),
                   report_summary(r),
                   {period},
                   {}});
  return out;
}

// One string of the index: the JSON dump's (bidirectional controls replaced, as on the pages),
// ASCII only (ensure_ascii, invalid UTF-8 replaced), so the file's encoding never matters; then
// "<", ">", "&" and "=" as \u escapes too, so the index stays inert even if someone inlines it into
// a page's <script> (and indexed prose such as "onerror=" never reads as markup). They only occur
// inside strings, where the escapes mean the same. One reused JSON string per thread is dumped, and
// the runs between those four bytes are copied whole: building a JSON array of copies per entry and
// escaping its dump byte by byte was most of the search index's cost.
void put_escaped(std::string& out, const std::string& s) {
  thread_local json value = std::string();
  value.get_ref<std::string&>().assign(s);
  // The search page shows these strings as text, as the pages do their fields: a bidirectional
  // control must not reorder what follows it there either, nor a C0 or C1 control act on it.
  replace_controls(value.get_ref<std::string&>());
  const std::string dumped = value.dump(-1, ' ', true, json::error_handler_t::replace);
  std::size_t run = 0;
  for (std::size_t i = 0; i < dumped.size(); ++i) {
    const char* escape = nullptr;
    switch (dumped[i]) {
    case '<':
      escape = "\\u003c";
      break;
    case '>':
      escape = "\\u003e";
      break;
    case '&':
      escape = "\\u0026";
      break;
    case '=':
      escape = "\\u003d";
      break;
    default:
      continue;
    }
    out.append(dumped, run, i - run);
    out += escape;
    run = i + 1;
  }
  out.append(dumped, run, std::string::npos);
}

// Indexed prose may quote a hostile link: "javascript:" (any case) keeps its colon as "\u003a",
// which means the same inside a JSON string, so the text never reads as a script URL. Applied to
// the escaped text of one string from `from` on: escapes hold no letter j and no colon, so a match
// is always eleven bytes as written.
void inert_scheme(std::string& s, std::size_t from) {
  static constexpr std::string_view k_scheme = "javascript:";
  for (std::size_t at = s.find(':', from); at != std::string::npos; at = s.find(':', at + 1)) {
    if (at < from + k_scheme.size() - 1) continue;
    std::size_t start = at + 1 - k_scheme.size();
    bool match = true;
    for (std::size_t k = 0; k + 1 < k_scheme.size() && match; ++k)
      match = std::tolower(static_cast<unsigned char>(s[start + k])) == k_scheme[k];
    if (match) s.replace(at, 1, "\\u003a");
  }
}

void put_string(std::string& out, const std::string& s) {
  const std::size_t from = out.size();
  put_escaped(out, s); // quotes included
  inert_scheme(out, from);
}

} // namespace

// The index's string as search_index writes it (tests compare it with the JSON dump).
std::string search_index_string(std::string_view s) {
  std::string out;
  put_string(out, std::string(s));
  return out;
}

namespace {

SearchEntry entry_of(const Draft& d, std::size_t cap) {
  return {d.title, d.kind, truncate_text(d.summary, k_summary_max), short_href(d.href),
          text_of(d, cap)};
}

} // namespace

std::vector<SearchEntry> search_entries(const Site& site, ProseSearch* prose) {
  std::vector<Draft> ds = drafts(site);
  std::size_t cap = ds.empty() ? k_text_max : k_text_budget / ds.size();
  cap = std::clamp(cap, k_text_min, k_text_max);
  std::vector<SearchEntry> out;
  out.reserve(ds.size());
  for (auto& d : ds) {
    out.push_back(entry_of(d, cap));
    if (!prose || d.file.empty()) continue;
    d.prose.erase(d.prose.begin() + static_cast<std::ptrdiff_t>(d.body_at)); // the body's place
    prose->drafts.push_back({out.size() - 1, std::move(d.file), std::move(d.kind),
                             std::move(d.title), std::move(d.href), std::move(d.summary),
                             std::move(d.keys), std::move(d.prose), d.body_at});
  }
  if (prose) {
    prose->entries = out;
    prose->cap = cap;
  }
  return out;
}

SearchEntry search_entry(const ProseSearch::Draft& draft, const std::string& body,
                         std::size_t cap) {
  Draft d{draft.kind, draft.title, draft.href, draft.summary, draft.keys, draft.prose};
  d.file = draft.file;
  d.body_at = draft.body_at;
  if (d.body_at > d.prose.size()) throw std::invalid_argument("search draft: body out of place");
  d.prose.insert(d.prose.begin() + static_cast<std::ptrdiff_t>(d.body_at),
                 plain(without_raw_html(body), true));
  return entry_of(d, cap);
}

std::string search_index(const std::vector<SearchEntry>& entries) {
  std::size_t size = 32;
  for (const auto& e : entries)
    size += 16 + e.kind.size() + e.title.size() + e.href.size() + e.summary.size() + e.text.size();
  std::string js;
  js.reserve(size + size / 8);
  js += "window.NINES_SEARCH = [\n";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    js += "  [";
    put_string(js, e.kind);
    js += ',';
    put_string(js, e.title);
    js += ',';
    put_string(js, e.href);
    js += ',';
    put_string(js, e.summary);
    js += ',';
    put_string(js, e.text);
    js += i + 1 < entries.size() ? "],\n" : "]\n";
  }
  js += "];\n";
  return js;
}

} // namespace nines::site
