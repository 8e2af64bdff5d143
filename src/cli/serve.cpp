// `nines serve [DIR] [--port P] [--open]`: builds the site into a private folder, serves it on
// 127.0.0.1 only, watches the repository with inotify and rebuilds on every change. Pages reload
// themselves through a small long-poll script that only serve injects; a build that fails keeps
// the last good site and lays its diagnostics over every page until the edit is fixed. When no
// build has passed yet there is no site: every path gets a page of the diagnostics (status 503).
#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "diag/format.hpp"
#include "load/loader.hpp"
#include "net/net.hpp"
#include "pipeline.hpp"
#include "render/html.hpp"

#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <poll.h>
#include <pthread.h>
#include <set>
#include <signal.h>
#include <spawn.h>
#include <sstream>
#include <string_view>
#include <sys/inotify.h>
#include <thread>
#include <unistd.h>
#include <utility>

extern char** environ;

namespace nines {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_poll_path = "/__nines/poll";
constexpr int k_poll_wait_s = 20;  // a long-poll answers at least this often
constexpr int k_debounce_ms = 150; // editors write a file in several steps; build once
// Every open page holds a connection, and so a worker, while its long-poll waits. At most
// k_max_polls of them wait at once; the pool has k_page_workers more, so a page, a stylesheet
// or a kept-alive connection never queues behind the open tabs. A poll beyond the bound is
// answered at once and asked to come back in k_poll_retry_ms.
constexpr std::size_t k_max_polls = 32;
constexpr std::size_t k_page_workers = 32;
constexpr int k_poll_retry_ms = 2000;

// What the server shows: the last good site, and the diagnostics of the latest build if it
// failed. `generation` moves on with every build, which is what open pages wait for.
struct State {
  std::mutex mutex;
  std::condition_variable changed;
  std::uint64_t generation = 0;
  bool have_site = false;
  std::string problems; // the latest build's diagnostics when it failed; empty when it passed
  bool stopping = false;
  bool listen_done = false; // the server loop has returned, or was never entered
  std::size_t polls = 0;    // long-polls waiting now
  // What the builds into the session's folder left beside the store, removed with the folder.
  std::set<fs::path> build_state;
  // The limits the latest build read files and YAML with (nines.yaml), with which the watcher
  // reads a Chart.yaml as the loader does.
  LoadOptions load_limits;
  // The base_url the latest site was built with: the 404 page's links start with it, and serve
  // points them at itself instead (as Hugo's server serves its site under its own address).
  std::string base_url;
};

struct ServeOpts {
  CommonOpts common;
  int port = 8000;
  bool open = false;
  bool online = false;
};

// Runs the pipeline to the write stage into `out` and records the result in `state`.
void rebuild(const ServeOpts& o, const fs::path& out, State& state) {
  // The session's clock, read once: every rebuild is dated when serve started (unless --now,
  // SOURCE_DATE_EPOCH or as_of date it), so a rebuild after an edit does only what the edit
  // requires instead of a full build dated a few seconds later.
  static const std::int64_t k_started = std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count();
  Run run;
  apply_common_options(o.common, run);
  run.opts.clock = k_started;
  run.opts.last = Stage::Write;
  run.opts.out = out;
  run.opts.offline = !o.online;
  int code = 4;
  try {
    code = run_pipeline(run);
  } catch (const std::exception& e) {
    run.internal_error = e.what();
  }
  if (o.common.timings) print_timings(run, std::cerr);
  std::ostringstream text;
  bool wrote = run.reached == Stage::Write && run.diags.error_count() == 0 && run.fatal.empty() &&
               run.usage_error.empty() && run.internal_error.empty();
  if (!wrote) {
    auto diags = run.diags.sorted();
    if (!diags.empty() || run.diags.has_errors())
      write_diagnostics(text, DiagFormat::Text, diags, run.diags.error_count(),
                        run.diags.warning_count(), run.diags.dropped(), k_version);
    for (const std::string* s : {&run.fatal, &run.usage_error, &run.internal_error})
      if (!s->empty()) text << "nines: " << *s << "\n";
    if (text.str().empty()) text << "nines: the build stopped (exit " << code << ")\n";
  }
  std::lock_guard lock(state.mutex);
  for (auto& f : build_state_files(run))
    state.build_state.insert(std::move(f));
  state.load_limits.max_file_bytes = run.repo.config.max_file_bytes;
  state.load_limits.yaml.max_nodes = run.repo.config.max_yaml_nodes;
  if (wrote) state.base_url = run.repo.config.base_url;
  ++state.generation;
  state.problems = wrote ? "" : text.str();
  if (wrote) state.have_site = true;
  if (wrote)
    std::cerr << "serve: built " << run.site_files << " files (generation " << state.generation
              << ")\n";
  else if (state.have_site)
    std::cerr << "serve: the build failed; serving the last site that built, with these "
                 "diagnostics over every page\n"
              << state.problems;
  else
    std::cerr << "serve: the build failed and no build has passed yet; every page shows these "
                 "diagnostics (status 503) until one does\n"
              << state.problems;
  state.changed.notify_all();
}

// The script every served page gets: waits for the next build, then reloads.
std::string reload_script(std::uint64_t generation) {
  return "<script>/* nines serve: live reload (never in the published site) */(function(){var "
         "g=" +
         std::to_string(generation) + ";function p(){fetch('" + k_poll_path +
         "?gen='+g,{cache:'no-store'}).then(function(r){return r.json()}).then(function(j){if("
         "j.generation!==g){location.reload()}else if(j.retry){setTimeout(p,j.retry)}else{p()}})"
         ".catch(function(){setTimeout(p,1000)})}p()})();</script>";
}

// The banner over the pages of the last site that built, when a later build failed. Pages reload
// after every build, passed or not, so the banner is always the latest build's.
std::string overlay(const std::string& problems) {
  return "<div id=\"nines-serve-diagnostics\" role=\"alert\" style=\"position:fixed;inset:0 0 "
         "auto 0;z-index:2147483647;max-height:70vh;overflow:auto;margin:0;padding:1rem 1.25rem;"
         "background:#2b0f12;color:#ffe3e3;font:13px/1.45 ui-monospace,monospace;border-bottom:"
         "3px solid #ff6b6b\"><strong>nines serve: the latest build failed; this is the site of "
         "the last build that passed. The page reloads after the next build.</strong><pre "
         "style=\"white-space:pre-wrap;margin:.5rem 0 0;padding:0;border:0;border-radius:0;"
         "background:transparent;color:inherit;font:inherit\">" +
         html_escape(problems) + "</pre></div>";
}

// What every path gets while no build has passed (the first failed, and every one since): there
// is no site to show, so the page is the latest build's diagnostics, and it reloads after the
// next build, which serves the site once one passes.
std::string no_site_page(const std::string& problems, std::uint64_t generation) {
  return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta "
         "name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Build failed "
         "- nines serve</title></head><body style=\"margin:0;background:#2b0f12;color:#ffe3e3;"
         "font:15px/1.5 system-ui,sans-serif\"><main id=\"nines-serve-build-failed\" "
         "role=\"alert\" style=\"max-width:72rem;margin:0 auto;padding:1.5rem 1.25rem\"><h1 "
         "style=\"font-size:1.4rem;margin:0 0 .75rem\">nines serve: the build failed</h1><p>No "
         "build of this repository has passed yet, so there is no site to show. Fix the errors "
         "below and save: this page reloads after every build, and the site is served as soon "
         "as a build passes.</p><pre style=\"white-space:pre-wrap;margin:1rem 0 0;padding:1rem;"
         "background:#1a0709;border-left:3px solid #ff6b6b;font:13px/1.45 ui-monospace,"
         "monospace\">" +
         html_escape(problems) + "</pre></main>" + reload_script(generation) + "</body></html>";
}

// Puts `extra` just before </body> (or at the end when there is none).
std::string inject(std::string html, const std::string& extra) {
  auto pos = html.rfind("</body>");
  if (pos == std::string::npos) return html + extra;
  html.insert(pos, extra);
  return html;
}

std::string mime_of(const fs::path& p) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".xml", "application/xml"},
      {".woff2", "font/woff2"},
      {".webmanifest", "application/manifest+json"}};
  auto it = types.find(p.extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

// The file of the site a request path names, or nullopt when it would leave the site. The path
// arrives percent-decoded (so %2e%2e is already ".."); every segment is vetted, and the result
// must still lie inside the site after symbolic links are resolved.
std::optional<fs::path> resolve_request(const fs::path& site, const std::string& path) {
  if (path.find('\0') != std::string::npos || path.find('\\') != std::string::npos)
    return std::nullopt;
  fs::path rel;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    std::string seg =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (seg == ".." || seg == ".") return std::nullopt;
    if (!seg.empty()) rel /= seg;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  std::error_code ec;
  fs::path file = site / rel;
  if (fs::is_directory(file, ec)) file /= "index.html";
  fs::path real = fs::weakly_canonical(file, ec);
  // A name longer than the file system takes names no file: the path, made of segments without
  // `..`, stays below the site, and reading it fails (the site's 404, not a refusal).
  if (ec == std::errc::filename_too_long) return file;
  if (ec) return std::nullopt;
  fs::path root = fs::weakly_canonical(site, ec);
  auto [r, f] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
  if (r != root.end()) return std::nullopt;
  return real;
}

// Whether a request's Host header names this machine's loopback (127.0.0.1, localhost, [::1],
// with any port), or is absent (HTTP/1.0). A page elsewhere that makes its own name resolve to
// 127.0.0.1 (DNS rebinding) sends its own name as the Host, so it cannot read the preview.
bool loopback_host(std::string_view host) {
  if (host.empty()) return true;
  std::string_view name = host, port;
  if (name.front() == '[') {
    const std::size_t close = name.find(']');
    if (close == std::string_view::npos) return false;
    port = name.substr(close + 1);
    name = name.substr(0, close + 1);
  } else if (const std::size_t colon = name.rfind(':'); colon != std::string_view::npos) {
    port = name.substr(colon);
    name = name.substr(0, colon);
  }
  // `:PORT` or nothing: a Host with more after the name (`localhost:80@evil`, `localhost:80,
  // evil`, a port past 65535) is not one this server's address could have been reached by.
  if (!port.empty()) {
    if (port.size() < 2 || port.size() > 6 || port[0] != ':') return false;
    unsigned number = 0;
    for (const char c : port.substr(1)) {
      if (c < '0' || c > '9') return false;
      number = number * 10 + static_cast<unsigned>(c - '0');
    }
    if (number == 0 || number > 65535) return false;
  }
  std::string lower(name);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!lower.empty() && lower.back() == '.') lower.pop_back(); // `localhost.` is the same name
  return lower == "127.0.0.1" || lower == "localhost" || lower == "[::1]";
}

std::string read_file(const fs::path& p, bool& ok) {
  std::ifstream in(p, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The site's own 404 page for a path that is not there, as GitHub Pages serves it, or nullopt
// when the site has none. Without base_url its links are relative to the site's top, where it
// is written, so a <base> puts them there whatever the depth of the missing path. With one they
// name the published site: each link and asset starting with it is made to start at this
// server's top instead, so the preview's 404 page leads into the preview.
std::optional<std::string> not_found_page(const fs::path& site, const std::string& base_url) {
  bool ok = false;
  std::string html = read_file(site / "404.html", ok);
  if (!ok) return std::nullopt;
  if (!base_url.empty()) {
    std::string root = base_url;
    if (root.back() != '/') root += '/';
    for (const char* attr : {"href=\"", "src=\"", "action=\""}) {
      const std::string from = attr + root;
      const std::string to = std::string(attr) + "/";
      for (std::size_t at = html.find(from); at != std::string::npos;
           at = html.find(from, at + to.size()))
        html.replace(at, from.size(), to);
    }
  }
  if (auto head = html.find("<head>"); head != std::string::npos)
    html.insert(head + 6, "<base href=\"/\">");
  return html;
}

// Exactly what the loader reads is watched, by its own rules (load/loader.hpp): the folders its
// walk enters and the theme's folder, and in them the files it reads. A `runbooks/site/` is
// content; the top-level site/, the store in .nines and .git are not, so a build never wakes
// the watcher. A Helm chart's folder is Helm's (is_helm_chart_file): the walk reads nothing in
// or below it, so only its Chart.yaml is watched there, which may stop making it a chart.
bool watched_folder(const std::string& rel) {
  return !walk_skips_folder(rel) || rel == k_theme_folder;
}
bool watched_file(const std::string& rel) {
  return rel == "nines.yaml" || walk_reads_file(rel) || is_theme_file(rel);
}
constexpr const char* k_chart_file = "Chart.yaml";

class Watcher {
public:
  // `limits` gives the limits the loader reads a Chart.yaml with (those of nines.yaml).
  Watcher(const fs::path& root, std::function<LoadOptions()> limits)
      : m_root(root), m_limits(std::move(limits)), m_fd(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    if (m_fd >= 0) add_tree(root);
  }
  ~Watcher() {
    if (m_fd >= 0) close(m_fd);
  }
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;
  bool ok() const { return m_fd >= 0; }

  // Waits up to `timeout_ms` for changes; true when one may be relevant: settle() says, once
  // the changes stop coming.
  bool wait(int timeout_ms) {
    // The repository's folder removed or moved away and made again (`rm -rf` then a fresh
    // clone, a `mv` and a copy back): watched anew once it is there, and rebuilt.
    if (m_root_gone) {
      std::error_code ec;
      if (fs::is_directory(m_root, ec)) {
        m_root_gone = false;
        add_tree(m_root);
        m_relevant = true;
        return true;
      }
    }
    pollfd p{m_fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return false;
    bool relevant = false;
    alignas(inotify_event) char buf[8192];
    for (;;) {
      ssize_t n = read(m_fd, buf, sizeof buf);
      if (n <= 0) break;
      for (char* ptr = buf; ptr < buf + n;) {
        auto* ev = reinterpret_cast<inotify_event*>(ptr);
        ptr += sizeof(inotify_event) + ev->len;
        std::string name = ev->len ? ev->name : "";
        auto dir = m_dirs.find(ev->wd);
        if (dir == m_dirs.end()) continue;
        if (dir->second == m_root && (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF))) {
          // The root itself went: what is watched below it is no longer the repository's (a
          // moved folder keeps its watches under another name). Forgotten, and looked for again.
          for (const auto& [wd, folder] : m_dirs)
            inotify_rm_watch(m_fd, wd);
          m_dirs.clear();
          m_charts.clear();
          m_root_gone = true;
          m_relevant = relevant = true;
          break;
        }
        if (ev->mask & IN_IGNORED) {
          m_dirs.erase(ev->wd);
          continue;
        }
        if (name.empty()) continue;          // the watched folder itself; its parent reports it
        const fs::path folder = dir->second; // a copy: add_tree and forget_below change m_dirs
        const fs::path path = folder / name;
        const std::string rel = relative(path);
        const bool is_dir = ev->mask & IN_ISDIR;
        if (!is_dir && name == k_chart_file && chart_may_be(folder)) {
          // The file that says whether its folder is Helm's, looked at once the changes stop:
          // an editor saving it by rename has it gone for a moment.
          m_chart_checks.insert(folder);
          relevant = true;
          continue;
        }
        // Anything else in a chart's folder is Helm's (its subfolders are not watched).
        if (m_charts.count(folder)) continue;
        if (is_dir) {
          if (!watched_folder(rel)) continue;
          // A chart's folder that goes takes no file the loader read.
          if ((ev->mask & (IN_DELETE | IN_MOVED_FROM)) && m_charts.erase(path)) continue;
          // A folder that comes or goes brings or takes files. One that comes as a chart's still
          // counts: the last build may have read it before its Chart.yaml came.
          if (ev->mask & (IN_CREATE | IN_MOVED_TO)) add_tree(path);
          m_relevant = relevant = true;
          continue;
        }
        // Editors' swap and backup files, the store and anything else the loader never reads
        // are not content.
        if (watched_file(rel)) m_relevant = relevant = true;
      }
    }
    return relevant;
  }

  // Whether the changes wait() saw since the last call change what the loader reads. A folder's
  // Chart.yaml counts when it makes the folder a chart's or no longer (its files leave the site
  // or come into it), or when the folder is no chart's (it is an ordinary YAML file there).
  bool settle() {
    bool relevant = std::exchange(m_relevant, false);
    for (const fs::path& folder : std::exchange(m_chart_checks, {})) {
      std::error_code ec;
      if (!fs::is_directory(folder, ec)) continue; // gone: its parent reported it
      const bool was = m_charts.count(folder) > 0, is = is_chart(folder);
      if (was && is) continue;
      relevant = true;
      if (is) {
        m_charts.insert(folder);
        forget_below(folder);
      } else if (was) {
        m_charts.erase(folder);
        add_subfolders(folder);
      }
    }
    return relevant;
  }

private:
  void add_tree(const fs::path& dir) {
    constexpr std::uint32_t mask = IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                                   IN_MOVED_TO | IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF |
                                   IN_MOVE_SELF;
    int wd = inotify_add_watch(m_fd, dir.c_str(), mask);
    if (wd >= 0) m_dirs[wd] = dir;
    // Looked at anew: a folder may come where a chart's was (moved away, or removed).
    if (is_chart(dir)) {
      m_charts.insert(dir);
      return;
    }
    m_charts.erase(dir);
    add_subfolders(dir);
  }

  void add_subfolders(const fs::path& dir) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_directory(ec) && !it->is_symlink(ec) && watched_folder(relative(it->path())))
        add_tree(it->path());
  }

  // Stops watching the folders below `dir`, which became a chart's.
  void forget_below(const fs::path& dir) {
    for (auto it = m_dirs.begin(); it != m_dirs.end();) {
      const fs::path rel = it->second.lexically_relative(dir);
      if (!rel.empty() && *rel.begin() != ".." && rel != ".") {
        inotify_rm_watch(m_fd, it->first);
        m_charts.erase(it->second);
        it = m_dirs.erase(it);
      } else {
        ++it;
      }
    }
  }

  // Whether the loader asks if `dir` is a chart: a folder its walk enters (not the theme's, which
  // only load_theme_overrides reads), never the repository's root.
  bool chart_may_be(const fs::path& dir) const {
    if (dir == m_root) return false;
    const std::string rel = relative(dir);
    return rel != k_theme_folder && rel.rfind(std::string(k_theme_folder) + "/", 0) != 0;
  }

  bool is_chart(const fs::path& dir) const {
    if (!chart_may_be(dir)) return false;
    std::error_code ec;
    const fs::path chart = dir / k_chart_file;
    return fs::exists(chart, ec) && is_helm_chart_file(m_root, chart, m_limits());
  }

  std::string relative(const fs::path& p) const {
    return p.lexically_relative(m_root).generic_string();
  }

  fs::path m_root;
  std::function<LoadOptions()> m_limits;
  int m_fd;
  std::map<int, fs::path> m_dirs;
  std::set<fs::path> m_charts;       // the watched folders that are Helm charts'
  std::set<fs::path> m_chart_checks; // folders whose Chart.yaml changed, for settle()
  bool m_relevant = false;           // a change wait() saw is relevant whatever settle() finds
  bool m_root_gone = false;          // the repository's folder was removed or moved away
};

void open_browser(const std::string& url) {
  pid_t pid = 0;
  const char* argv[] = {"xdg-open", url.c_str(), nullptr};
  if (posix_spawnp(&pid, "xdg-open", nullptr, nullptr, const_cast<char* const*>(argv), environ) !=
      0)
    std::cerr << "serve: cannot start xdg-open; open " << url << " yourself\n";
}

int serve(const ServeOpts& o) {
  // The repository as every command finds it, before a port or a folder is taken: none is exit 2,
  // one that cannot be read exit 3.
  Run probe;
  probe.opts.dir = o.common.dir;
  if (!resolve_repo(probe)) {
    print_run_problems(probe);
    return exit_code(probe);
  }
  // A "now" that cannot be read is a usage error no edit of the content can fix: exit 2 here, as
  // every other command does, not a server whose every build fails.
  const auto now_flag = o.common.now.empty() ? std::nullopt : std::optional(o.common.now);
  if (!resolve_now(now_flag, 0)) {
    std::cerr << "nines: " << bad_now_message(now_flag) << "\n";
    return 2;
  }
  const fs::path repo = probe.opts.dir;
  std::error_code ec;
  // SIGINT and SIGTERM are taken by one thread with sigwait, so every other thread (and the
  // server's pool) runs undisturbed and shutdown happens in one place. Blocked from here on:
  // a signal that comes during the first build waits for the signal thread, never kills the
  // process half-way (leaving the temporary folder behind).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  // cpp-httplib, from the network module: loaded here, not at every start of nines.
  std::unique_ptr<HttpServer> server = make_http_server();
  server->set_workers(k_max_polls + k_page_workers);
  if (!server->bind("127.0.0.1", o.port)) {
    std::cerr << "nines serve: cannot listen on 127.0.0.1:" << o.port
              << " (the port is in use, or not allowed); choose another with --port\n";
    return 3;
  }
  // In the system's temporary folder ($TMPDIR, else /tmp), as other tools put their scratch.
  std::error_code tec;
  const fs::path temp_root = fs::temp_directory_path(tec);
  std::string tmpl = ((tec ? fs::path("/tmp") : temp_root) / "nines-serve-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) {
    std::cerr << "nines serve: cannot create a temporary folder for the site\n";
    return 3;
  }
  const fs::path temp = tmpl;
  const fs::path site = temp / "site";

  State state;
  // From here the signal thread stops everything. stop() ends the server loop only once that
  // loop runs (cpp-httplib ignores it before), so it is repeated until the loop has returned or
  // the main thread has decided not to enter it: a signal is never lost, whenever it comes.
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::unique_lock lock(state.mutex);
    state.stopping = true;
    state.changed.notify_all();
    while (!state.listen_done) {
      lock.unlock();
      server->stop();
      lock.lock();
      state.changed.wait_for(lock, std::chrono::milliseconds(50),
                             [&] { return state.listen_done; });
    }
  });

  rebuild(o, site, state);

  server->get(k_poll_path, [&](const HttpServer::Request& req, HttpServer::Response& res) {
    if (!loopback_host(req.host)) {
      res.status = 403;
      return;
    }
    std::uint64_t seen = 0;
    if (auto gen = req.params.find("gen"); gen != req.params.end())
      seen = std::strtoull(gen->second.c_str(), nullptr, 10);
    std::unique_lock lock(state.mutex);
    const bool waits = state.polls < k_max_polls;
    if (waits) {
      ++state.polls;
      state.changed.wait_for(lock, std::chrono::seconds(k_poll_wait_s),
                             [&] { return state.generation != seen || state.stopping; });
      --state.polls;
    }
    res.set_header("Cache-Control", "no-store");
    res.set_content("{\"generation\":" + std::to_string(state.generation) +
                        ",\"ok\":" + (state.problems.empty() ? "true" : "false") +
                        (waits ? "" : ",\"retry\":" + std::to_string(k_poll_retry_ms)) + "}",
                    "application/json");
  });
  server->get(".*", [&](const HttpServer::Request& req, HttpServer::Response& res) {
    std::uint64_t generation;
    std::string problems, base_url;
    bool have_site;
    {
      std::lock_guard lock(state.mutex);
      generation = state.generation;
      problems = state.problems;
      have_site = state.have_site;
      base_url = state.base_url;
    }
    res.set_header("Cache-Control", "no-store");
    if (!loopback_host(req.host)) {
      res.status = 403;
      res.set_content("nines serve answers only to 127.0.0.1 and localhost\n", "text/plain");
      return;
    }
    if (!have_site) {
      res.status = 503;
      res.set_content(no_site_page(problems, generation), "text/html; charset=utf-8");
      return;
    }
    std::string extra = (problems.empty() ? "" : overlay(problems)) + reload_script(generation);
    auto file = resolve_request(site, req.path);
    bool ok = false;
    std::string body;
    if (file) body = read_file(*file, ok);
    if (!file || !ok || fs::is_directory(*file, ec)) {
      res.status = file ? 404 : 403;
      if (auto page = file ? not_found_page(site, base_url) : std::nullopt) {
        res.set_content(inject(std::move(*page), extra), "text/html; charset=utf-8");
        return;
      }
      std::string msg = file ? "Not found" : "Forbidden: outside the site";
      res.set_content("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + msg +
                          "</title></head><body><h1>" + msg + "</h1>" + extra + "</body></html>",
                      "text/html; charset=utf-8");
      return;
    }
    std::string type = mime_of(*file);
    if (type.rfind("text/html", 0) == 0) body = inject(std::move(body), extra);
    res.set_content(body, type);
  });

  std::thread watcher_thread([&] {
    Watcher watcher(repo, [&] {
      std::lock_guard lock(state.mutex);
      return state.load_limits;
    });
    if (!watcher.ok()) {
      std::cerr << "serve: inotify is not available; the site will not rebuild on changes\n";
      return;
    }
    auto stopping = [&] {
      std::lock_guard lock(state.mutex);
      return state.stopping;
    };
    while (!stopping()) {
      if (!watcher.wait(250)) continue;
      while (watcher.wait(k_debounce_ms)) {
      }
      if (watcher.settle() && !stopping()) rebuild(o, site, state);
    }
  });

  bool stopping_already;
  {
    std::lock_guard lock(state.mutex);
    stopping_already = state.stopping;
  }
  // A signal during the first build: the server never starts.
  if (!stopping_already) {
    std::string url = "http://127.0.0.1:" + std::to_string(o.port) + "/";
    std::cout << "serving " << repo.string() << " at " << url << " (Ctrl-C stops)" << std::endl;
    if (o.open) open_browser(url);
    server->listen();
  }

  // listen_after_bind returns after stop(): from a signal, or if the socket failed. The signal
  // thread is woken in the second case, by a signal of its own.
  {
    std::lock_guard lock(state.mutex);
    state.listen_done = true;
    if (!state.stopping) {
      state.stopping = true;
      pthread_kill(signal_thread.native_handle(), SIGTERM);
    }
    state.changed.notify_all();
  }
  signal_thread.join();
  watcher_thread.join();
  fs::remove_all(temp, ec);
  for (const auto& f : state.build_state)
    fs::remove(f, ec);
  std::cout << "serve: stopped" << std::endl;
  return 0;
}

} // namespace

void add_serve_command(CLI::App& app, CommandAction& action) {
  auto* cmd = app.add_subcommand("serve", "Serve the site on 127.0.0.1, rebuilt as you edit");
  auto opts = std::make_shared<ServeOpts>();
  add_dir_argument(cmd, opts->common);
  add_common_options(cmd, opts->common, false);
  set_example(cmd, "nines serve --port 8080   # then open http://127.0.0.1:8080/");
  cmd->add_option("-p,--port", opts->port, "Port on 127.0.0.1 (default 8000)")
      ->check(whole_number())
      ->check(CLI::Range(1, 65535));
  cmd->add_flag("--open", opts->open, "Open the site in the browser");
  cmd->add_flag("--online", opts->online,
                "Pull from the metrics sources on each build (default: the store and CSV only)");
  cmd->callback([opts, &action] { action = [opts] { return serve(*opts); }; });
}

} // namespace nines
