#include "model/exceptions.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <initializer_list>

namespace nines {

const std::vector<std::string>& change_types() {
  static const std::vector<std::string> k_types = {"feature", "fix", "security", "compliance",
                                                   "data-loss-prevention"};
  return k_types;
}

namespace {

using Words = std::initializer_list<std::string_view>;

bool one_of(std::string_view w, Words words) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

// A word of the sentence, lower-cased, or a punctuation mark. A hyphen joins parts into one word
// ("feature-flag", "non-compliance"), which is why a compound never reads as its type.
struct Token {
  std::string text;
  std::vector<std::string> parts; // the word's hyphen-joined parts; empty for punctuation
  bool is_word() const { return !parts.empty(); }
};

std::vector<std::string> split_parts(const std::string& word) {
  std::vector<std::string> parts;
  std::string part;
  for (const char c : word + "-") {
    if (c != '-') {
      part += c;
    } else if (!part.empty()) {
      parts.push_back(std::move(part));
      part.clear();
    }
  }
  return parts;
}

// Punctuation that ends a clause or coordinates; quotes and other signs separate words only.
bool is_mark(char c) {
  return std::string_view(",;:.()[]!?/&").find(c) != std::string_view::npos;
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::string word;
  auto flush = [&] {
    // Hyphens and apostrophes at a word's ends belong to no part of it ("non- compliance").
    const auto b = word.find_first_not_of("-'");
    if (b == std::string::npos) {
      if (word.find('-') != std::string::npos) out.push_back({"-", {}}); // a dash: " - "
    } else {
      std::string w = word.substr(b, word.find_last_not_of("-'") - b + 1);
      std::vector<std::string> parts = split_parts(w);
      out.push_back({std::move(w), std::move(parts)});
    }
    word.clear();
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    // Typographic apostrophes (U+2018, U+2019) and dashes (U+2013, U+2014), as word processors
    // write them.
    if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80) {
      const auto d = static_cast<unsigned char>(s[i + 2]);
      if (d == 0x98 || d == 0x99) {
        word += '\'';
        i += 2;
        continue;
      }
      if (d == 0x93 || d == 0x94) {
        flush();
        out.push_back({"-", {}});
        i += 2;
        continue;
      }
    }
    if (std::isalnum(c) || c >= 0x80 || c == '-' || c == '\'') {
      word += static_cast<char>(std::tolower(c));
    } else {
      flush();
      if (is_mark(static_cast<char>(c))) out.push_back({std::string(1, static_cast<char>(c)), {}});
    }
  }
  flush();
  return out;
}

// "data loss prevention" in any spelling of its hyphens ("data-loss prevention") is one word.
void join_data_loss_prevention(std::vector<Token>& tokens) {
  static const std::vector<std::string> k_dlp = {"data", "loss", "prevention"};
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::vector<std::string> parts;
    for (std::size_t j = i; j < tokens.size() && j < i + k_dlp.size() && tokens[j].is_word(); ++j) {
      parts.insert(parts.end(), tokens[j].parts.begin(), tokens[j].parts.end());
      if (parts.size() > k_dlp.size() || !std::equal(parts.begin(), parts.end(), k_dlp.begin()))
        break;
      if (parts.size() == k_dlp.size()) {
        tokens[i] = Token{"data-loss-prevention", k_dlp};
        tokens.erase(tokens.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                     tokens.begin() + static_cast<std::ptrdiff_t>(j) + 1);
        break;
      }
    }
  }
}

// The change type a word names by itself: the type's word or a documented synonym.
std::string_view word_type(std::string_view w) {
  if (one_of(w, {"feature", "features"})) return "feature";
  if (w == "security") return "security";
  if (w == "compliance") return "compliance";
  if (one_of(w, {"data-loss-prevention", "dlp"})) return "data-loss-prevention";
  if (one_of(w, {"fix", "fixes", "bugfix", "bugfixes", "hotfix", "hotfixes", "bug-fix", "bug-fixes",
                 "hot-fix", "hot-fixes"}))
    return "fix";
  return {};
}

// A word that touches a change type: it names one, or a part of it would ("non-compliance",
// "feature-flag", the "loss" of "data loss"). Beside the head it leaves open which type is meant.
bool touches_type(const Token& t) {
  if (!word_type(t.text).empty()) return true;
  return std::any_of(t.parts.begin(), t.parts.end(), [](const std::string& p) {
    return !word_type(p).empty() || one_of(p, {"loss", "prevention"});
  });
}

bool is_change_noun(std::string_view w) {
  return one_of(w, {"change", "changes", "patch", "patches", "deploy", "deploys", "deployment",
                    "deployments", "release", "releases", "update", "updates"});
}

bool is_permission(std::string_view w) {
  return one_of(w, {"allowed", "permitted", "exempt", "exempted", "excepted"});
}

// Words that deny or forbid: before the permission (or anywhere, without one) they make the
// sentence say what is not allowed.
bool denies(std::string_view w) {
  return one_of(w, {"no",         "not",    "never",   "none",      "nothing",   "nobody",
                    "cannot",     "nor",    "neither", "blocked",   "forbidden", "prohibited",
                    "disallowed", "banned", "denied",  "frozen",    "excluded",  "rejected",
                    "refused",    "halted", "paused",  "suspended", "stopped",   "barred"}) ||
         w.ends_with("n't");
}

// Words at the start of a phrase that do not change what it names ("All security patches").
bool is_determiner(std::string_view w) {
  return one_of(w, {"a", "an", "the", "all", "any", "every", "each", "some", "such"});
}

// Words that end the opening noun phrase: prepositions, relative words and verbs. What follows
// them says something about the allowed thing, or is the object of another action.
bool ends_phrase(std::string_view w) {
  return one_of(w,
                {// prepositions
                 "for", "of", "to", "in", "into", "on", "onto", "at", "by", "with", "without",
                 "behind", "from", "during", "under", "after", "before", "until", "till", "within",
                 "via", "per", "about", "against", "through", "across", "except", "beyond", "like",
                 "than", "upon",
                 // relative words and conjunctions that open a clause
                 "that", "which", "who", "whom", "whose", "when", "whenever", "where", "while",
                 "if", "unless", "because", "since", "as", "so", "but", "once", "though",
                 "although", "whether",
                 // verbs and adverbs between the allowed thing and its permission
                 "is", "are", "was", "were", "be", "been", "being", "am", "can", "could", "may",
                 "might", "must", "shall", "should", "will", "would", "do", "does", "did", "need",
                 "needs", "require", "requires", "get", "gets", "remain", "remains", "stay",
                 "stays", "go", "goes", "pass", "passes", "have", "has", "had", "always", "also",
                 "still", "even", "anytime", "immediately", "automatically"}) ||
         is_permission(w) || denies(w);
}

// Words before the head that make it the object of another action ("Reverting a broken
// feature", "Turning off a feature flag") or negate it ("non compliance").
bool is_action(std::string_view w) {
  if (one_of(w, {// an article inside the phrase follows a verb
                 "a", "an", "the", "this", "these", "those", "its", "their", "our", "my", "your",
                 "his", "her",
                 // particles of phrasal verbs
                 "off", "back", "out", "up", "down", "away", "over",
                 // negation
                 "non", "anti",
                 // actions done to a change or a feature
                 "revert", "reverts", "reverted", "rollback", "rollbacks", "roll", "rolls",
                 "rolled", "undo", "undoes", "undid", "disable", "disables", "disabled", "turn",
                 "turns", "turned", "remove", "removes", "removed", "delete", "deletes", "deleted",
                 "kill", "kills", "killed", "toggle", "toggles", "toggled", "deprecate",
                 "deprecates", "deprecated", "pause", "pauses", "stop", "stops", "block", "blocks",
                 "skip", "skips", "skipped", "bypass", "bypasses", "hide", "hides"}))
    return true;
  // A verb's -ing form ("reverting"); the adjectives of that form a change takes are kept.
  return w.size() >= 5 && w.ends_with("ing") &&
         !one_of(w, {"pending", "outstanding", "ongoing", "incoming", "upcoming", "existing",
                     "remaining", "missing", "blocking", "breaking"});
}

bool is_coordinator(std::string_view w) {
  return one_of(w, {",", "/", "&", "and", "or", "plus"});
}

// The type one coordinated part of the opening phrase names: its head (last word) when that is a
// type's word, or the type's word right before a change noun. Any other word touching a type, or
// an action before the head, and it names nothing.
std::string_view conjunct_type(const std::vector<const Token*>& c) {
  std::size_t b = 0;
  while (b < c.size() && is_determiner(c[b]->text))
    ++b;
  if (b == c.size()) return {};
  const std::size_t head = c.size() - 1;
  for (std::size_t i = b; i < head; ++i)
    if (is_action(c[i]->text)) return {};
  auto clear_before = [&](std::size_t end) {
    for (std::size_t i = b; i < end; ++i)
      if (touches_type(*c[i])) return false;
    return true;
  };
  const std::string_view own = word_type(c[head]->text);
  const std::string_view before = head > b ? word_type(c[head - 1]->text) : std::string_view{};
  if (!own.empty()) {
    // A security fix is a security change, not any fix; a feature fix is neither for sure.
    if (own == "fix" && !before.empty() && before != "fix" && before != "feature")
      return clear_before(head - 1) ? before : std::string_view{};
    return clear_before(head) ? own : std::string_view{};
  }
  if (is_change_noun(c[head]->text) && !before.empty())
    return clear_before(head - 1) ? before : std::string_view{};
  return {};
}

} // namespace

std::vector<std::string> exception_change_types(std::string_view exception) {
  // The structured form {change_type, note} is decoded to "change_type: note".
  for (const auto& t : change_types())
    if (exception.size() > t.size() && exception.starts_with(t) && exception[t.size()] == ':')
      return {t};
  std::vector<Token> tokens = tokenize(exception);
  join_data_loss_prevention(tokens);
  // A denial counts when it negates the permission: before it, or anywhere without one.
  std::size_t permission = tokens.size();
  for (std::size_t i = 0; i < tokens.size() && permission == tokens.size(); ++i)
    if (is_permission(tokens[i].text)) permission = i;
  for (std::size_t i = 0; i < permission; ++i)
    if (denies(tokens[i].text)) return {};
  // The opening noun phrase, its coordinated parts read one by one. "only" restricts nothing
  // the gate could tell apart ("Security patches only").
  std::vector<std::string_view> named;
  std::vector<const Token*> part;
  auto close = [&] {
    const std::string_view t = conjunct_type(part);
    if (!t.empty()) named.push_back(t);
    part.clear();
  };
  std::size_t i = 0;
  while (i < tokens.size() && !tokens[i].is_word())
    ++i;
  for (; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.text == "only") continue;
    if (is_coordinator(t.text)) {
      close();
      continue;
    }
    if (!t.is_word() || ends_phrase(t.text)) break;
    part.push_back(&t);
  }
  close();
  // In the order of `nines gate deploy --change-type`'s list, whatever the sentence's.
  std::vector<std::string> ordered;
  for (const auto& t : change_types())
    if (std::find(named.begin(), named.end(), t) != named.end()) ordered.push_back(t);
  return ordered;
}

bool exception_names(std::string_view exception, std::string_view change_type) {
  const auto types = exception_change_types(exception);
  return std::find(types.begin(), types.end(), change_type) != types.end();
}

bool exception_mentions_change_type(std::string_view exception) {
  std::vector<Token> tokens = tokenize(exception);
  join_data_loss_prevention(tokens);
  return std::any_of(tokens.begin(), tokens.end(), [](const Token& t) {
    return !word_type(t.text).empty() ||
           std::any_of(t.parts.begin(), t.parts.end(),
                       [](const std::string& p) { return !word_type(p).empty(); });
  });
}

} // namespace nines
