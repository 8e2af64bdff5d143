// The libcurl client of metrics/ (HttpClient): one thread, curl's multi interface, connections
// reused across requests. Built into the network module (net/net.hpp says why).
#include "metrics/http.hpp"
#include "net/net.hpp"

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
#include <unordered_set>

namespace nines {

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
  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  // Frees the handle on every path, an exception from a callback included.
  ~Transfer() {
    if (easy == nullptr) return;
    if (multi != nullptr) curl_multi_remove_handle(multi, easy);
    curl_easy_cleanup(easy);
  }
  CURLM* multi = nullptr; // set while the handle is added to it
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
    BearerToken token = bearer_token(opts.bearer_token_env);
    if (!token.error.empty()) {
      for (std::size_t i = 0; i < requests.size(); ++i) {
        HttpResult r;
        r.unreachable = true; // as good as down: no request can be made
        r.error = token.error;
        on_done(i, std::move(r));
      }
      return;
    }
    headers.add("Authorization: Bearer " + token.token);
    std::fill(token.token.begin(), token.token.end(), '\0');
  }

  CURLM* multi = curl_multi_init();
  // Declared before the transfers, so it is cleaned up after them on every path.
  struct MultiGuard {
    CURLM* m;
    ~MultiGuard() {
      if (m) curl_multi_cleanup(m);
    }
  } multi_guard{multi};
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
    if (t->easy == nullptr) {
      HttpResult r;
      r.attempts = t->attempts;
      r.error = "cannot initialise libcurl";
      on_done(w.index, std::move(r));
      return;
    }
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
    // Never past the batch's deadline: the request would only be cut there.
    long request_ms = timeout_ms;
    if (opts.deadline != Clock::time_point::max()) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(opts.deadline - Clock::now())
              .count();
      request_ms = static_cast<long>(std::clamp<std::int64_t>(left, 1, timeout_ms));
    }
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, request_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 10000L));
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    // Never follow redirects: the Authorization header must not travel to another host.
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_USERAGENT, "nines");
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    if (!opts.ca_bundle.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, opts.ca_bundle.c_str());
    if (curl_multi_add_handle(multi, e) == CURLM_OK) t->multi = multi;
    active.push_back(std::move(t));
  };

  // Every request the batch gave up on says the same thing, whether it was waiting to start, in
  // backoff or still trying: which of them was first to run out of retries depends on jitter and
  // timing, and a build must not (SPEC 2: the same input gives the same output).
  auto fail_waiting = [&](const Waiting& w) {
    HttpResult r;
    r.attempts = w.attempts;
    r.unreachable = true;
    r.error = give_up_reason;
    on_done(w.index, std::move(r));
  };
  auto past_deadline = [&](std::size_t index, int attempts, bool running) {
    HttpResult r;
    r.attempts = attempts;
    r.deadline_passed = true;
    r.error = running ? "stopped: the pull's deadline passed"
                      : "skipped: the pull's deadline passed before it was sent";
    on_done(index, std::move(r));
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
        give_up_reason =
            "given up: " + std::to_string(consecutive_timeouts) + " requests in a row timed out";
      }
      if (r.unreachable && !given_up) {
        given_up = true;
        give_up_reason =
            "the server could not be reached (" + std::string(curl_easy_strerror(code)) + ")";
      }
      // The same words as the requests given up while waiting (fail_waiting), and for the same
      // reason: no attempt count, which differs with timing.
      if (r.unreachable) r.error = give_up_reason;
      if (given_up) r.unreachable = true;
    }
    on_done(t.index, std::move(r));
  };

  while (!queue.empty() || !delayed.empty() || !active.empty()) {
    if (Clock::now() >= opts.deadline) {
      // What is left is skipped: the caller reports it, the batch ends now.
      for (auto& t : active)
        past_deadline(t->index, t->attempts, true);
      active.clear();
      for (const auto& w : delayed)
        past_deadline(w.index, w.attempts, false);
      delayed.clear();
      for (const auto& w : queue)
        past_deadline(w.index, w.attempts, false);
      queue.clear();
      break;
    }
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
      if (it == active.end()) {
        curl_multi_remove_handle(multi, e);
        curl_easy_cleanup(e);
        continue;
      }
      // Owned here: its handle is freed when `t` goes, even if finish() throws.
      std::unique_ptr<Transfer> t = std::move(*it);
      active.erase(it);
      curl_multi_remove_handle(multi, e);
      t->multi = nullptr;
      finish(*t, code);
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
    if (opts.deadline != Clock::time_point::max()) {
      const auto until_deadline =
          std::chrono::duration_cast<std::chrono::milliseconds>(opts.deadline - Clock::now())
              .count();
      wait_ms = static_cast<int>(std::clamp<std::int64_t>(until_deadline, 0, wait_ms));
    }
    if (wait_ms > 0) curl_multi_poll(multi, nullptr, 0, wait_ms, nullptr);
  }
  active.clear(); // each Transfer removes and frees its handle, then multi_guard the multi handle
}

} // namespace

std::unique_ptr<HttpClient> new_curl_client() {
  return std::make_unique<CurlClient>();
}

} // namespace nines
