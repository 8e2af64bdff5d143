#include "metrics/http.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <curl/curl.h>
#include <deque>
#include <mutex>
#include <random>

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
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r' ||
                            value.back() == '\n'))
    value.remove_suffix(1);
  if (value.empty() || value.size() > 9) return std::nullopt;
  double seconds = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = seconds * 10 + (c - '0');
  }
  return seconds;
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

std::string redact_url(const std::string& url) {
  const auto scheme = url.find("://");
  const std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const auto end = url.find_first_of("/?#", start);
  const auto at = url.rfind('@', end == std::string::npos ? url.size() - 1 : end);
  if (at == std::string::npos || at < start) return url;
  return url.substr(0, start) + url.substr(at + 1);
}

namespace {

using Clock = std::chrono::steady_clock;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Errors that mean "nobody answered at this address": the server is down, not merely busy.
bool is_unreachable(CURLcode c) {
  return c == CURLE_COULDNT_CONNECT || c == CURLE_COULDNT_RESOLVE_HOST ||
         c == CURLE_COULDNT_RESOLVE_PROXY;
}

// Errors worth another attempt: the connection failed or broke, the request itself was fine.
bool is_connection_error(CURLcode c) {
  return is_unreachable(c) || c == CURLE_SEND_ERROR || c == CURLE_RECV_ERROR ||
         c == CURLE_GOT_NOTHING || c == CURLE_PARTIAL_FILE;
}

// Consecutive timeouts after which a source is taken as unresponsive for the rest of the batch.
constexpr int k_timeouts_to_give_up = 3;

struct Transfer {
  std::size_t index = 0;
  int attempts = 0; // including this one
  CURL* easy = nullptr;
  std::string body;
  std::optional<double> retry_after;
  bool too_big = false;
  std::size_t max_body = 0;
};

struct Waiting {
  std::size_t index = 0;
  int attempts = 0; // made so far
  Clock::time_point not_before;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (t->body.size() + n > t->max_body) {
    t->too_big = true;
    return 0; // aborts the transfer
  }
  t->body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  std::string_view line(data, n);
  // Each response (a 100 Continue, then the real one) starts with a status line.
  if (line.rfind("HTTP/", 0) == 0) t->retry_after.reset();
  constexpr std::string_view name = "retry-after:";
  if (line.size() > name.size()) {
    bool match = true;
    for (std::size_t i = 0; i < name.size() && match; ++i)
      match = std::tolower(static_cast<unsigned char>(line[i])) == name[i];
    if (match) t->retry_after = parse_retry_after(line.substr(name.size()));
  }
  return n;
}

class CurlClient : public HttpClient {
public:
  CurlClient() { global_init(); }

  void post_all(const std::vector<HttpRequest>& requests, const HttpOptions& opts,
                const OnDone& on_done) override;
};

// Owns the header list; the token lives only in it (and in the environment).
class Headers {
public:
  ~Headers() {
    if (m_list) curl_slist_free_all(m_list);
  }
  void add(std::string line) {
    m_list = curl_slist_append(m_list, line.c_str());
    // Do not leave a copy of the token in freed memory of ours.
    std::fill(line.begin(), line.end(), '\0');
  }
  curl_slist* get() const { return m_list; }

private:
  curl_slist* m_list = nullptr;
};

void CurlClient::post_all(const std::vector<HttpRequest>& requests, const HttpOptions& opts,
                          const OnDone& on_done) {
  if (requests.empty()) return;
  Headers headers;
  headers.add("Accept: application/json");
  headers.add("Expect:"); // no 100-continue round trip for larger forms
  if (!opts.bearer_token_env.empty()) {
    const char* token = std::getenv(opts.bearer_token_env.c_str());
    if (!token || !*token) {
      for (std::size_t i = 0; i < requests.size(); ++i) {
        HttpResult r;
        r.unreachable = true; // as good as down: no request can be made
        r.error = "the environment variable " + opts.bearer_token_env +
                  " (bearer_token_env) is not set; no request was sent";
        on_done(i, std::move(r));
      }
      return;
    }
    headers.add(std::string("Authorization: Bearer ") + token);
  }

  CURLM* multi = curl_multi_init();
  if (!multi) {
    for (std::size_t i = 0; i < requests.size(); ++i) {
      HttpResult r;
      r.error = "cannot initialise libcurl";
      on_done(i, std::move(r));
    }
    return;
  }
  const long concurrency = std::max(1, opts.concurrency);
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, concurrency);
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, concurrency);

  const auto timeout_ms = static_cast<long>(std::max(1.0, opts.timeout_s * 1000.0));
  std::mt19937 rng(std::random_device{}());
  std::uniform_real_distribution<double> unit(0.0, 1.0);

  std::deque<Waiting> queue;
  for (std::size_t i = 0; i < requests.size(); ++i)
    queue.push_back({i, 0, Clock::now()});
  std::vector<Waiting> delayed; // retries in backoff
  std::vector<std::unique_ptr<Transfer>> active;

  bool given_up = false;
  std::string give_up_reason;
  int consecutive_timeouts = 0;

  auto start = [&](const Waiting& w) {
    auto t = std::make_unique<Transfer>();
    t->index = w.index;
    t->attempts = w.attempts + 1;
    t->max_body = opts.max_body_bytes;
    t->easy = curl_easy_init();
    const HttpRequest& req = requests[w.index];
    CURL* e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, req.form.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.form.size()));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 10000L));
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    // Never follow redirects: the Authorization header must not travel to another host.
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_USERAGENT, "nines");
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    if (!opts.ca_bundle.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, opts.ca_bundle.c_str());
    curl_multi_add_handle(multi, e);
    active.push_back(std::move(t));
  };

  auto fail_waiting = [&](const Waiting& w) {
    HttpResult r;
    r.attempts = w.attempts;
    r.unreachable = true;
    r.error = (w.attempts > 0 ? "not retried: " : "not sent: ") + give_up_reason;
    on_done(w.index, std::move(r));
  };

  auto finish = [&](Transfer& t, CURLcode code) {
    long status = 0;
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
    AttemptOutcome outcome;
    if (code == CURLE_OK) {
      outcome.kind = AttemptOutcome::Kind::Response;
      outcome.status = status;
      outcome.retry_after_s = t.retry_after;
      consecutive_timeouts = 0;
    } else if (is_connection_error(code)) {
      outcome.kind = AttemptOutcome::Kind::ConnectError;
    } else if (code == CURLE_OPERATION_TIMEDOUT) {
      outcome.kind = AttemptOutcome::Kind::Timeout;
    } else {
      outcome.kind = AttemptOutcome::Kind::OtherError;
    }
    RetryDecision d = decide_retry(outcome, t.attempts, opts.retry, unit(rng));
    if (d.retry && !given_up) {
      delayed.push_back(
          {t.index, t.attempts,
           Clock::now() + std::chrono::microseconds(static_cast<std::int64_t>(d.delay_s * 1e6))});
      return;
    }
    HttpResult r;
    r.attempts = t.attempts;
    if (code == CURLE_OK) {
      r.status = status;
      r.body = std::move(t.body);
      r.note = d.why_not;
    } else {
      // curl_easy_strerror, not the error buffer: its text has no timings, so the same failure
      // gives the same message and builds stay byte-identical.
      r.error = t.too_big ? "the response is larger than " +
                                std::to_string(opts.max_body_bytes >> 20) + " MiB"
                          : std::string(curl_easy_strerror(code));
      if (!d.why_not.empty()) r.error += " (" + d.why_not + ")";
      r.timed_out = code == CURLE_OPERATION_TIMEDOUT;
      r.unreachable = is_unreachable(code);
      if (r.timed_out && ++consecutive_timeouts >= k_timeouts_to_give_up && !given_up) {
        given_up = true;
        give_up_reason = std::to_string(consecutive_timeouts) + " requests in a row timed out";
      }
      if (r.unreachable && !given_up) {
        given_up = true;
        give_up_reason =
            "the server could not be reached (" + std::string(curl_easy_strerror(code)) + ")";
      }
      if (given_up) r.unreachable = true;
    }
    on_done(t.index, std::move(r));
  };

  while (!queue.empty() || !delayed.empty() || !active.empty()) {
    if (given_up) {
      for (const auto& w : delayed)
        fail_waiting(w);
      delayed.clear();
      for (const auto& w : queue)
        fail_waiting(w);
      queue.clear();
    }
    // Retries whose backoff has passed go first: they are the oldest work.
    const auto now = Clock::now();
    std::sort(delayed.begin(), delayed.end(),
              [](const Waiting& a, const Waiting& b) { return a.not_before > b.not_before; });
    while (!delayed.empty() && delayed.back().not_before <= now) {
      queue.push_front(delayed.back());
      delayed.pop_back();
    }
    while (static_cast<long>(active.size()) < concurrency && !queue.empty()) {
      start(queue.front());
      queue.pop_front();
    }

    int running = 0;
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* e = msg->easy_handle;
      const CURLcode code = msg->data.result;
      auto it =
          std::find_if(active.begin(), active.end(), [e](const auto& t) { return t->easy == e; });
      curl_multi_remove_handle(multi, e);
      if (it == active.end()) {
        curl_easy_cleanup(e);
        continue;
      }
      std::unique_ptr<Transfer> t = std::move(*it);
      active.erase(it);
      finish(*t, code);
      curl_easy_cleanup(t->easy);
    }
    if (queue.empty() && delayed.empty() && active.empty()) break;

    // Sleep until a socket is ready, or the next retry is due, whichever is first.
    int wait_ms = 1000;
    if (!delayed.empty()) {
      auto next =
          std::min_element(delayed.begin(), delayed.end(), [](const Waiting& a, const Waiting& b) {
            return a.not_before < b.not_before;
          })->not_before;
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count();
      wait_ms = static_cast<int>(std::clamp<std::int64_t>(ms, 0, wait_ms));
    }
    if (!queue.empty() && static_cast<long>(active.size()) < concurrency) wait_ms = 0;
    if (wait_ms > 0) curl_multi_poll(multi, nullptr, 0, wait_ms, nullptr);
  }
  for (auto& t : active) {
    curl_multi_remove_handle(multi, t->easy);
    curl_easy_cleanup(t->easy);
  }
  curl_multi_cleanup(multi);
}

} // namespace

std::unique_ptr<HttpClient> make_curl_client() {
  return std::make_unique<CurlClient>();
}

} // namespace nines
