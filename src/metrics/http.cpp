#include "metrics/http.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <iomanip>
#include <locale>
#include <mutex>
#include <random>
#include <sstream>
#include <unordered_set>

namespace nines {

RetryDecision decide_retry(const AttemptOutcome& outcome, int attempts_made,
                           const RetryPolicy& policy, double jitter01) {
  RetryDecision d;
  bool retryable = false;
  switch (outcome.kind) {
  case AttemptOutcome::Kind::Response:
    retryable = outcome.status == 429 || (outcome.status >= 500 && outcome.status <= 599);
    break;
  case AttemptOutcome::Kind::ConnectError:
    retryable = true;
    break;
  case AttemptOutcome::Kind::Timeout:
  case AttemptOutcome::Kind::OtherError:
    break;
  }
  if (!retryable) return d;
  if (attempts_made > policy.retries) {
    d.exhausted = true;
    return d;
  }
  const int exponent = std::clamp(attempts_made - 1, 0, 30);
  const double backoff = std::min(policy.max_s, std::ldexp(policy.base_s, exponent));
  const double jitter = std::clamp(jitter01, 0.0, 1.0);
  d.delay_s = backoff * (0.5 + 0.5 * jitter);
  if (outcome.retry_after_s) {
    if (*outcome.retry_after_s > policy.retry_after_max_s) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "the server asked to retry after %.0fs, over the %.0fs limit",
                    *outcome.retry_after_s, policy.retry_after_max_s);
      d.why_not = buf;
      d.delay_s = 0;
      return d;
    }
    d.delay_s = std::max(d.delay_s, *outcome.retry_after_s);
  }
  d.retry = true;
  return d;
}

std::optional<double> parse_retry_after(std::string_view value) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return parse_retry_after(value, std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

namespace {

// An HTTP-date (RFC 9110 section 5.6.7) as unix seconds: IMF-fixdate, and the obsolete RFC 850
// and asctime forms every recipient must accept too. nullopt for anything else.
std::optional<std::int64_t> parse_http_date(std::string_view value) {
  for (const char* format :
       {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
    std::tm tm{};
    std::istringstream in{std::string(value)};
    in.imbue(std::locale::classic());
    in >> std::get_time(&tm, format);
    if (in.fail()) continue;
    in >> std::ws;
    if (!in.eof()) continue;
    const std::time_t t = ::timegm(&tm);
    if (t == static_cast<std::time_t>(-1)) continue;
    return static_cast<std::int64_t>(t);
  }
  return std::nullopt;
}

} // namespace

std::optional<double> parse_retry_after(std::string_view value, std::int64_t now_unix) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r' ||
                            value.back() == '\n'))
    value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (value.find_first_not_of("0123456789") != std::string_view::npos) {
    const auto at = parse_http_date(value);
    if (!at) return std::nullopt;
    return static_cast<double>(std::max<std::int64_t>(0, *at - now_unix));
  }
  // More digits than any wait nines would honour: a very long wait, over every cap, so the request
  // fails at once and says so, rather than a header ignored and the server asked again at once.
  if (value.size() > 9) return 999'999'999.0;
  double seconds = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = seconds * 10 + (c - '0');
  }
  return seconds;
}

namespace {

// How a message names the variable: by its name when that is a variable's name as people write
// them (upper case, digits, `_`) and no token, else only as the one bearer_token_env names: a
// token pasted there by mistake must never reach a message, the site's diagnostics or a CI log.
std::string shown_variable(const std::string& env_name) {
  const bool conventional = !env_name.empty() && !(env_name[0] >= '0' && env_name[0] <= '9') &&
                            std::all_of(env_name.begin(), env_name.end(), [](char c) {
                              return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
                            });
  return conventional && !looks_like_token(env_name)
             ? "the environment variable " + env_name + " (bearer_token_env)"
             : std::string("the environment variable that bearer_token_env names (not shown)");
}

} // namespace

BearerToken clean_bearer_token(std::string_view raw, const std::string& env_name) {
  BearerToken t;
  if (!raw.empty() && raw.back() == '\n') raw.remove_suffix(1);
  if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
  if (raw.empty()) {
    t.error = shown_variable(env_name) + " is not set; no request was sent";
    return t;
  }
  for (const char c : raw)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      t.error = shown_variable(env_name) +
                " holds a control character (a line break, a tab or another) "
                "that no HTTP header may carry; no request was sent";
      return t;
    }
  t.token = std::string(raw);
  return t;
}

bool looks_like_token(std::string_view v) {
  for (const std::string_view prefix :
       {"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "glsa_", "glc_", "xoxb-",
        "xoxp-", "eyJ", "sk-", "AKIA", "Bearer "})
    if (v.size() > prefix.size() + 8 && v.substr(0, prefix.size()) == prefix) return true;
  // A long run of hexadecimal digits with some of each kind is a key or a digest, not a name.
  const bool hex =
      v.size() >= 32 && std::all_of(v.begin(), v.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      });
  if (hex && std::any_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return true;
  if (v.size() < 24 || v.find('_') != std::string_view::npos) return false;
  bool lower = false, upper = false, digit = false;
  for (const char c : v) {
    lower = lower || (c >= 'a' && c <= 'z');
    upper = upper || (c >= 'A' && c <= 'Z');
    digit = digit || (c >= '0' && c <= '9');
  }
  return lower && upper && digit;
}

BearerToken bearer_token(const std::string& env_name) {
  const char* raw = std::getenv(env_name.c_str());
  return clean_bearer_token(raw ? std::string_view(raw) : std::string_view(), env_name);
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  auto encode = [&](const std::string& s) {
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
  };
  for (const auto& [key, value] : fields) {
    if (!out.empty()) out += '&';
    encode(key);
    out += '=';
    encode(value);
  }
  return out;
}

std::string url_decode(std::string_view s) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && digit(s[i + 1]) >= 0 && digit(s[i + 2]) >= 0) {
      out += static_cast<char>(digit(s[i + 1]) * 16 + digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

namespace {

constexpr std::string_view k_redacted = "[redacted]";

bool ieq(char a, char b) {
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

bool starts_with_ci(std::string_view s, std::size_t pos, std::string_view prefix) {
  if (s.size() - pos < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (!ieq(s[pos + i], prefix[i])) return false;
  return true;
}

bool contains_ci(std::string_view s, std::string_view needle) {
  for (std::size_t i = 0; i + needle.size() <= s.size(); ++i)
    if (starts_with_ci(s, i, needle)) return true;
  return false;
}

// A query parameter whose value is a credential.
bool is_secret_param(std::string_view name) {
  for (std::string_view word :
       {"token", "secret", "password", "passwd", "pwd", "api_key", "apikey", "api-key", "auth",
        "signature", "sig", "credential", "session", "private_key", "client_secret"})
    if (contains_ci(name, word)) return true;
  return name == "key" || name == "KEY" || name == "Key";
}

bool is_url_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u != 0x7F && c != '"' && c != '\'' && c != '<' && c != '>' && c != '`' &&
         c != '\\';
}

// user:password@ after every "://" in `s` (the userinfo ends at the last '@' before the host's
// end), and the values of credential-like parameters after '?', '&' or ';'.
std::string redact_urls(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t scheme = s.find("://", i);
    if (scheme == std::string_view::npos) {
      out.append(s.substr(i));
      break;
    }
    const std::size_t start = scheme + 3;
    out.append(s.substr(i, start - i));
    std::size_t end = start;
    while (end < s.size() && is_url_char(s[end]))
      ++end;
    std::string_view url = s.substr(start, end - start);
    // Userinfo: before the first '/', '?' or '#', up to the last '@'.
    const std::size_t host_end = std::min(url.find_first_of("/?#"), url.size());
    const std::size_t at = url.substr(0, host_end).rfind('@');
    std::string rest;
    if (at != std::string_view::npos) {
      rest = std::string(k_redacted) + "@";
      url.remove_prefix(at + 1);
    }
    // Parameters: name=value pairs after '?' (and in a fragment, which some APIs use too).
    std::size_t p = 0;
    bool in_query = false;
    while (p < url.size()) {
      const char c = url[p];
      if (c == '?' || c == '#' || (in_query && (c == '&' || c == ';'))) {
        in_query = true;
        rest += c;
        ++p;
        const std::size_t eq = url.find('=', p);
        const std::size_t stop = std::min(url.find_first_of("&;#", p), url.size());
        if (eq != std::string_view::npos && eq < stop && is_secret_param(url.substr(p, eq - p))) {
          rest.append(url.substr(p, eq + 1 - p));
          rest.append(k_redacted);
          p = stop;
          // A value redacted before (a source URL quoted in a message that is scrubbed as a
          // whole) followed only by punctuation: that is the message's text ("(URL): not
          // fetched"), not part of a secret, so it stays.
          const std::string_view value = url.substr(eq + 1, stop - eq - 1);
          if (value.substr(0, k_redacted.size()) == k_redacted &&
              value.find_first_not_of(")]}>:,.!?", k_redacted.size()) == std::string_view::npos)
            p = eq + 1 + k_redacted.size();
        }
        continue;
      }
      rest += c;
      ++p;
    }
    out += rest;
    i = end;
  }
  return out;
}

// The values of credential-like parameters anywhere in `s`, not only in a URL with a scheme: a
// server echoing the request's path (`/api/v1/query?api_key=…`, no "://") quotes them too. A
// parameter starts after '?', '&', ';' or '#'; its value ends at the next of those or at a
// character no URL holds. A value already "[redacted]" followed only by punctuation is the text
// of a message scrubbed before, and stays as it is.
std::string redact_params(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    out += c;
    ++i;
    if (c != '?' && c != '&' && c != ';' && c != '#') continue;
    std::size_t eq = i;
    while (eq < s.size() && is_url_char(s[eq]) &&
           std::string_view("?&;#=").find(s[eq]) == std::string_view::npos)
      ++eq;
    if (eq == i || eq >= s.size() || s[eq] != '=' || !is_secret_param(s.substr(i, eq - i)))
      continue;
    std::size_t stop = eq + 1;
    while (stop < s.size() && is_url_char(s[stop]) && s[stop] != '&' && s[stop] != ';' &&
           s[stop] != '#')
      ++stop;
    if (stop == eq + 1) continue; // no value
    const std::string_view value = s.substr(eq + 1, stop - eq - 1);
    out.append(s.substr(i, eq + 1 - i));
    out.append(k_redacted);
    i = stop;
    if (value.substr(0, k_redacted.size()) == k_redacted &&
        value.find_first_not_of(")]}>:,.!?", k_redacted.size()) == std::string_view::npos)
      i = eq + 1 + k_redacted.size();
  }
  return out;
}

} // namespace

std::string redact_url(const std::string& url) {
  // A bare "host:port/path" has no "://": read it as one.
  if (url.find("://") == std::string::npos) {
    std::string r = redact_urls("x://" + url);
    return r.substr(4);
  }
  std::string r = redact_urls(url);
  // In a source URL, userinfo is dropped rather than marked: the URL stays a usable address.
  const std::string marker = std::string(k_redacted) + "@";
  if (auto pos = r.find("://" + marker); pos != std::string::npos) r.erase(pos + 3, marker.size());
  return r;
}

namespace {

// The part of a token's base64 encoding that does not depend on the bytes around it, for each
// of the three places the token can start at within a 3-byte group, in both alphabets (standard
// and URL-safe). A server echoing an `Authorization` header, a basic credential (`user:TOKEN`)
// or a JWT re-encoded writes the token in base64 after some prefix: whatever the prefix, the
// characters of the groups made only of the token's bytes are these.
void append_base64_forms(std::string_view token, std::vector<std::string>& forms) {
  static constexpr std::string_view k_standard =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t offset = 0; offset < 3; ++offset) {
    // The first whole group starts at the token's byte (3 - offset) % 3; groups that also hold
    // a byte before or after the token are left out.
    const std::size_t first = (3 - offset) % 3;
    if (token.size() < first + 3) continue;
    const std::size_t groups = (token.size() - first) / 3;
    std::string standard;
    for (std::size_t g = 0; g < groups; ++g) {
      const auto* b = reinterpret_cast<const unsigned char*>(token.data() + first + 3 * g);
      const unsigned v = (unsigned{b[0]} << 16) | (unsigned{b[1]} << 8) | b[2];
      for (int shift = 18; shift >= 0; shift -= 6)
        standard += k_standard[(v >> shift) & 63];
    }
    std::string url_safe = standard;
    std::replace(url_safe.begin(), url_safe.end(), '+', '-');
    std::replace(url_safe.begin(), url_safe.end(), '/', '_');
    forms.push_back(std::move(standard));
    forms.push_back(std::move(url_safe));
  }
}

// The forms a server may echo a token in: as sent, percent-encoded (upper- or lower-case hex, or
// a form's `+` for a space), JSON-escaped, HTML-escaped and base64-encoded. A 401 body quoting the
// request's URL or header re-encodes it, and `token=eyJ%2FAbc%3D%3D` is the token all the same.
std::vector<std::string> token_forms(std::string_view token) {
  std::vector<std::string> forms{std::string(token)};
  for (const char* hex : {"0123456789ABCDEF", "0123456789abcdef"})
    for (const bool plus : {false, true}) {
      std::string f;
      for (const unsigned char c : token) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
          f += static_cast<char>(c);
        } else if (plus && c == ' ') {
          f += '+';
        } else {
          f += '%';
          f += hex[c >> 4];
          f += hex[c & 15];
        }
      }
      forms.push_back(std::move(f));
    }
  std::string json, html;
  for (const unsigned char c : token) {
    if (c == '"' || c == '\\' || c == '/') {
      json += '\\';
      json += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      json += buf;
    } else {
      json += static_cast<char>(c);
    }
    switch (c) {
    case '&':
      html += "&amp;";
      break;
    case '<':
      html += "&lt;";
      break;
    case '>':
      html += "&gt;";
      break;
    case '"':
      html += "&quot;";
      break;
    case '\'':
      html += "&#39;";
      break;
    default:
      html += static_cast<char>(c);
    }
  }
  forms.push_back(std::move(json));
  forms.push_back(std::move(html));
  append_base64_forms(token, forms);
  // Longest first, so no form is left half replaced by a shorter one inside it.
  std::sort(forms.begin(), forms.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  forms.erase(std::unique(forms.begin(), forms.end()), forms.end());
  return forms;
}

// A piece of a token at least this long is the token's: a server that cuts what it echoes
// ("token eyJhbGciOiJIUzI1…") must not publish the part it kept.
constexpr std::size_t k_min_token_piece = 12;

} // namespace

std::string redact_text(std::string_view text, std::string_view token) {
  std::string s(text);
  if (token.size() >= 4) {
    const std::vector<std::string> forms = token_forms(token);
    for (const std::string& form : forms) {
      std::size_t pos = 0;
      while (pos + form.size() <= s.size()) {
        if (starts_with_ci(s, pos, form)) {
          s.replace(pos, form.size(), k_redacted);
          pos += k_redacted.size();
        } else {
          ++pos;
        }
      }
    }
    // What is left of any form in pieces: every run of the text made of overlapping
    // k_min_token_piece-byte pieces of a form. One pass over the text, whatever its length.
    if (token.size() >= k_min_token_piece) {
      std::unordered_set<std::string_view> pieces;
      for (const std::string& form : forms)
        for (std::size_t j = 0; j + k_min_token_piece <= form.size(); ++j)
          pieces.insert(std::string_view(form).substr(j, k_min_token_piece));
      std::vector<bool> covered(s.size(), false);
      bool any = false;
      for (std::size_t i = 0; i + k_min_token_piece <= s.size(); ++i)
        if (pieces.count(std::string_view(s).substr(i, k_min_token_piece))) {
          std::fill_n(covered.begin() + static_cast<std::ptrdiff_t>(i), k_min_token_piece, true);
          any = true;
        }
      if (any) {
        std::string out;
        for (std::size_t i = 0; i < s.size(); ++i) {
          if (!covered[i]) {
            out += s[i];
          } else if (i == 0 || !covered[i - 1]) {
            out += k_redacted;
          }
        }
        s = std::move(out);
      }
    }
  }
  // Whatever credential follows an authorization scheme, known token or not.
  for (std::string_view scheme : {"bearer ", "basic ", "token "}) {
    std::size_t pos = 0;
    while (pos < s.size()) {
      std::size_t hit = std::string::npos;
      for (std::size_t i = pos; i + scheme.size() <= s.size(); ++i)
        if (starts_with_ci(s, i, scheme)) {
          hit = i;
          break;
        }
      if (hit == std::string::npos) break;
      std::size_t v = hit + scheme.size();
      while (v < s.size() && s[v] == ' ')
        ++v;
      std::size_t e = v;
      while (e < s.size() && (std::isalnum(static_cast<unsigned char>(s[e])) ||
                              std::string_view("-._~+/=").find(s[e]) != std::string_view::npos))
        ++e;
      // "Bearer [redacted]" is already safe; a plain word after "token " is often prose, so only
      // a value of 8 characters or more counts there.
      const bool credential = e > v && s.compare(v, k_redacted.size(), k_redacted) != 0 &&
                              (scheme != "token " || e - v >= 8);
      if (credential) {
        s.replace(v, e - v, k_redacted);
        e = v + k_redacted.size();
      }
      pos = std::max(e, hit + 1);
    }
  }
  return redact_params(redact_urls(s));
}

std::vector<std::string> url_secrets(const std::string& url) {
  std::vector<std::string> out;
  auto add = [&out](std::string_view raw) {
    if (raw.empty()) return;
    out.emplace_back(raw);
    if (std::string decoded = url_decode(raw); decoded != raw) out.push_back(std::move(decoded));
  };
  std::string_view u = url;
  if (const auto scheme = u.find("://"); scheme != std::string_view::npos)
    u.remove_prefix(scheme + 3);
  const std::size_t host_end = std::min(u.find_first_of("/?#"), u.size());
  if (const std::size_t at = u.substr(0, host_end).rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = u.substr(0, at);
    add(userinfo);
    if (const auto colon = userinfo.find(':'); colon != std::string_view::npos)
      add(userinfo.substr(colon + 1));
  }
  const std::size_t query = u.find('?');
  if (query == std::string_view::npos) return out;
  std::string_view q = u.substr(query + 1);
  q = q.substr(0, std::min(q.find('#'), q.size()));
  while (!q.empty()) {
    const std::size_t stop = std::min(q.find_first_of("&;"), q.size());
    const std::string_view pair = q.substr(0, stop);
    if (const auto eq = pair.find('=');
        eq != std::string_view::npos && is_secret_param(url_decode(pair.substr(0, eq))))
      add(pair.substr(eq + 1));
    q.remove_prefix(std::min(stop + 1, q.size()));
  }
  return out;
}

std::string redact_secrets(std::string_view text, const std::vector<std::string>& secrets) {
  std::string s(text);
  for (const auto& secret : secrets)
    s = redact_text(s, secret);
  return secrets.empty() ? redact_text(s) : s;
}

} // namespace nines
