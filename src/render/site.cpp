#include "render/site.hpp"

#include "model/digest.hpp"
#include "model/parallel.hpp"
#include "render/api_json.hpp"
#include "render/html.hpp"
#include "render/site_detail.hpp"
#include "render/theme.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace nines {

// The default theme (themes/default), compiled into the binary by cmake/embed.cmake, keyed by path
// relative to the theme folder ("layouts/base.mustache", "static/style.css").
const std::map<std::string, std::string_view>& embedded_theme_files();

namespace {

using site::json;

struct PageJob {
  std::string path;
  std::string layout;
  // Built on a worker thread (views render Markdown and charts). A page that shows a document's
  // body says where in the slot it is given.
  std::function<json(ProseSlot*)> view;
};

Theme load_theme(const SiteOptions& opts, Theme::Check check = Theme::Check::Full) {
  std::map<std::string, std::string> files;
  for (const auto& [path, bytes] : embedded_theme_files())
    files.emplace(path, std::string(bytes));
  return Theme(files, opts.theme_overrides, check);
}

// A Theme is made from exactly these two maps, so their hash stands for every layout, partial and
// static file a page can be rendered with, overrides included.
std::string theme_hash(const SiteOptions& opts) {
  std::string text;
  auto add = [&text](char origin, const std::string& path, std::string_view bytes) {
    text += origin;
    text += path;
    text += '\n';
    text += std::to_string(bytes.size());
    text += '\n';
    text += content_hash(bytes);
    text += '\n';
  };
  for (const auto& [path, bytes] : embedded_theme_files())
    add('T', path, bytes);
  for (const auto& [path, bytes] : opts.theme_overrides)
    add('O', path, bytes);
  return content_hash(text);
}

std::vector<PageJob> page_jobs(const site::Site& s) {
  using namespace site;
  std::vector<PageJob> jobs;
  auto add = [&](std::string path, std::string layout, std::function<json()> view) {
    jobs.push_back({std::move(path), std::move(layout),
                    [view = std::move(view)](ProseSlot*) { return view(); }});
  };
  auto add_prose = [&](std::string path, std::string layout, std::function<json(ProseSlot*)> view) {
    jobs.push_back({std::move(path), std::move(layout), std::move(view)});
  };
  add("index.html", "dashboard", [&s] { return dashboard_view(s); });
  // A long list gets one more page per team (list_part). Its full view is built once, by the
  // first of its pages to run, and shared by all of them: building it again for every team made
  // the split lists cost teams × rows, quadratic in the size of the organisation. The last page
  // to use it frees it. The team pages are queued after the next section's pages (`parked`), not
  // right behind the list's own page: there, every other thread took one and waited for the
  // list's view to be built, with its core idle.
  std::vector<PageJob> parked;
  auto unpark = [&] {
    for (auto& job : parked)
      jobs.push_back(std::move(job));
    parked.clear();
  };
  struct SharedList {
    std::once_flag once;
    std::unique_ptr<SplitList> list;
    std::atomic<std::size_t> users{0};
  };
  auto add_list = [&](const std::string& folder, const std::string& layout,
                      const std::string& rows_key, const std::string& section, std::size_t total,
                      json (*view)(const Site&)) {
    auto shared = std::make_shared<SharedList>();
    auto part = [&s, view, shared, folder, rows_key, section, total](const std::string& id) {
      std::call_once(shared->once,
                     [&] { shared->list = std::make_unique<SplitList>(view(s), rows_key); });
      json out = list_part(s, *shared->list, folder, section, total, id);
      if (--shared->users == 0) shared->list.reset();
      return out;
    };
    const bool split = list_splits(folder, total);
    shared->users = 1 + (split ? s.team_ids.size() : 0);
    add(folder + "/index.html", layout, [part] { return part(""); });
    if (split)
      for (const auto& id : s.team_ids)
        parked.push_back(
            {list_part_page(folder, id), layout, [part, id](ProseSlot*) { return part(id); }});
  };
  // Catalog entries (libraries, tools) split with the services, by their owner team.
  add_list("catalog", "catalog", "services entries", "services", s.repo.services.size(),
           catalog_view);
  for (const auto& x : s.repo.services)
    add_prose(service_page(x.meta.id), "service",
              [&s, &x](ProseSlot* slot) { return service_view(s, x, slot); });
  unpark();
  add_list("slos", "slos", "slos", "slos", s.figs.slos.size(), slos_view);
  for (const auto& f : s.figs.slos)
    add_prose(slo_page(f.id), "slo", [&s, &f](ProseSlot* slot) { return slo_view(s, f, slot); });
  unpark();
  add_list("runbooks", "runbooks", "runbooks", "runbooks", s.repo.runbooks.size(), runbooks_view);
  for (const auto& x : s.repo.runbooks)
    add_prose(runbook_page(x.meta.id), "runbook",
              [&s, &x](ProseSlot* slot) { return runbook_view(s, x, slot); });
  unpark();
  add_list("postmortems", "postmortems", "postmortems", "incidents", s.repo.postmortems.size(),
           postmortems_view);
  for (const auto& x : s.repo.postmortems)
    add_prose(postmortem_page(x.meta.id), "postmortem",
              [&s, &x](ProseSlot* slot) { return postmortem_view(s, x, slot); });
  unpark();
  add("teams/index.html", "team", [&s] { return teams_view(s); });
  add_list("maturity", "maturity", "services rows", "maturity", s.figs.maturity.services.size(),
           maturity_view);
  add_list("readiness", "readiness", "services", "readiness", s.figs.readiness.size(),
           readiness_view);
  add("toil/index.html", "toil", [&s] { return toil_view(s); });
  add_list("capacity", "capacity", "resources", "capacity", s.figs.capacity.size(), capacity_view);
  add("oncall/index.html", "oncall", [&s] { return oncall_view(s); });
  add("reports/index.html", "reports", [&s] { return reports_view(s); });
  for (const auto& [period, r] : s.figs.reports)
    add_prose(report_page(period), "report",
              [&s, &r = r](ProseSlot* slot) { return report_page_view(s, r, slot); });
  add("reviews/index.html", "reviews", [&s] { return reviews_view(s); });
  for (const auto& [week, r] : s.figs.reviews)
    add(review_page(week), "review", [&s, &r = r] { return review_view(s, r); });
  for (const auto& [rotation, h] : s.figs.handoffs)
    add_prose(handoff_page(rotation), "handoff",
              [&s, &h = h](ProseSlot* slot) { return handoff_page_view(s, h, slot); });
  // Maturity, readiness and capacity have no pages of their own items: their teams' pages come
  // after the reports, reviews and handoffs.
  unpark();
  add("search.html", "search", [&s] { return search_view(s); });
  add("404.html", "404", [&s] { return not_found_view(s); });
  unpark();
  return jobs;
}

using Clock = std::chrono::steady_clock;

std::int64_t ns_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
}

// One unit of work for the rendering threads: a page, or a group of other files (the API, the
// search index, the static files).
using Task = std::function<void()>;

void run_tasks(const std::vector<Task>& tasks, int requested) {
  parallel_for(tasks.size(), requested, [&tasks](std::size_t i) { tasks[i](); });
}

// The URLs of every page but 404 and search, absolute under base_url (relative to the site's root
// without one); a folder's index.html is listed as the folder.
std::string sitemap(const Theme& theme, const std::string& base_url,
                    const std::vector<std::string>& paths) {
  std::string base = base_url;
  if (!base.empty() && base.back() != '/') base += '/';
  json urls = json::array();
  for (const auto& path : paths) {
    if (path.size() < 5 || path.compare(path.size() - 5, 5, ".html") != 0) continue;
    if (path == "404.html" || path == "search.html") continue;
    std::string loc = path;
    if (loc == "index.html")
      loc = base.empty() ? "./" : ""; // the root itself; an empty relative location is none
    else if (loc.size() > 11 && loc.compare(loc.size() - 11, 11, "/index.html") == 0)
      loc.erase(loc.size() - 10);
    urls.push_back({{"loc", loc}});
  }
  return theme.render_fragment("sitemap", {{"base_url", base}, {"urls", urls}});
}

// A view's exact contents as bytes, for hashing: a type tag per value, lengths before strings and
// containers, numbers as their bytes. Unlike dump() it escapes nothing and validates nothing (it
// cost 6% of a build), and any string hashes, UTF-8 or not. Two views append the same bytes only
// when they are equal, so the hash of the bytes stands for the view.
void append_view(std::string& out, const json& v) {
  auto put_size = [&out](std::size_t n) {
    const auto x = static_cast<std::uint64_t>(n);
    out.append(reinterpret_cast<const char*>(&x), sizeof x);
  };
  auto put_string = [&](const std::string& str) {
    put_size(str.size());
    out += str;
  };
  switch (v.type()) {
  case json::value_t::object:
    out += 'o';
    put_size(v.size());
    for (const auto& [key, x] : v.items()) {
      put_string(key);
      append_view(out, x);
    }
    return;
  case json::value_t::array:
    out += 'a';
    put_size(v.size());
    for (const auto& x : v)
      append_view(out, x);
    return;
  case json::value_t::string:
    out += 's';
    put_string(v.get_ref<const std::string&>());
    return;
  case json::value_t::boolean:
    out += v.get<bool>() ? 't' : 'f';
    return;
  case json::value_t::number_integer: {
    out += 'i';
    const auto x = v.get<std::int64_t>();
    out.append(reinterpret_cast<const char*>(&x), sizeof x);
    return;
  }
  case json::value_t::number_unsigned: {
    out += 'u';
    const auto x = v.get<std::uint64_t>();
    out.append(reinterpret_cast<const char*>(&x), sizeof x);
    return;
  }
  case json::value_t::number_float: {
    out += 'd';
    const auto x = v.get<double>();
    out.append(reinterpret_cast<const char*>(&x), sizeof x);
    return;
  }
  case json::value_t::binary:
    out += 'b';
    put_size(v.get_binary().size());
    out.append(reinterpret_cast<const char*>(v.get_binary().data()), v.get_binary().size());
    return;
  default:
    out += 'n'; // null, discarded
    return;
  }
}

// The bytes a page's input hash is taken of start with what it is rendered with: its layout, the
// theme and the version. Kept per thread; `tag` names the recipe.
std::string& input_bytes(std::string_view tag, const std::string& layout, const std::string& theme,
                         const std::string& version) {
  thread_local std::string bytes;
  bytes.assign(tag);
  bytes += layout;
  bytes += '\n';
  bytes += theme;
  bytes += '\n';
  bytes += version;
  bytes += '\n';
  return bytes;
}

std::string input_hash(std::string& bytes) {
  std::string hash = content_hash(bytes);
  // The buffer lives on with the thread; a huge view must not keep its size for good.
  if (bytes.capacity() > (std::size_t{1} << 22)) std::string().swap(bytes);
  return hash;
}

// What a page's bytes are made from: its layout, the theme, the version and its view.
std::string page_input(const std::string& layout, const std::string& theme,
                       const std::string& version, const json& view) {
  std::string& bytes = input_bytes("nines page input 2\n", layout, theme, version);
  append_view(bytes, view);
  return input_hash(bytes);
}

// The same for a page that shows a body: its view is saved without the body's fields (`saved`,
// the encoding of the view with them null) and those fields are hashed after it. A full build
// encodes the view once for both the hash and the saved copy, and a prose rebuild hashes the
// saved bytes as they are: both make the same input for the same page.
std::string prose_page_input(const std::string& layout, const std::string& theme,
                             const std::string& version, std::string_view saved, const json& body,
                             const json& toc) {
  std::string& bytes = input_bytes("nines prose page input 1\n", layout, theme, version);
  bytes += saved;
  append_view(bytes, body);
  append_view(bytes, toc);
  return input_hash(bytes);
}

} // namespace

SiteStats render_site(const Repo& repo, const Figures& figs,
                      const std::vector<Diagnostic>& diagnostics,
                      const std::map<std::string, DailySeries>& series, const SiteOptions& opts,
                      const SiteSink& sink) {
  Theme theme = load_theme(opts);
  const std::string theme_id = theme_hash(opts);
  site::Site s(repo, figs, diagnostics, series, opts);
  const std::vector<PageJob> jobs = page_jobs(s);

  std::mutex mutex;
  std::vector<std::string> paths; // every file handed to the sink, for the sitemap
  std::atomic<std::size_t> rendered{0}, reused{0};
  std::atomic<std::int64_t> view_ns{0}, hash_ns{0}, template_ns{0}, sink_ns{0};
  auto emit = [&](const std::string& path, std::string bytes, const std::string& input) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      paths.push_back(path);
    }
    const auto start = Clock::now();
    sink.file(path, std::move(bytes), input);
    sink_ns += ns_since(start);
  };

  // The API first: one task that takes long, so it runs while the other threads render pages.
  // Each file is handed on as soon as it is made, so only one is in memory at a time.
  std::vector<Task> tasks;
  tasks.emplace_back([&] {
    api_files(repo, figs, diagnostics, [&](const std::string& path, std::string bytes) {
      emit(path, std::move(bytes), {});
    });
  });
  tasks.emplace_back([&] {
    ProseSearch prose;
    ProseSearch* keep = sink.prose_search ? &prose : nullptr;
    emit("search-index.js", site::search_index(site::search_entries(s, keep)), {});
    if (keep) {
      prose.file_pages = s.file_pages;
      prose.repo_url = repo.config.repo_url;
      prose.branch = repo.config.branch;
      prose.repo_prefix = s.repo_prefix;
      sink.prose_search(std::move(prose));
    }
    for (const auto& [path, bytes] : theme.static_files())
      emit("static/" + path, bytes, {});
    // GitHub Pages would otherwise run Jekyll, which drops files and folders starting with "_".
    emit(".nojekyll", "", {});
  });
  // Each page is built, hashed, rendered and handed on by one thread, and dropped at once: only
  // the pages in flight are in memory.
  for (const PageJob& job : jobs)
    tasks.emplace_back([&] {
      auto start = Clock::now();
      ProseSlot slot;
      json view = job.view(&slot);
      view_ns += ns_since(start);
      start = Clock::now();
      // A page showing a body: its view without the body's fields, encoded once, is both what
      // its input is hashed from and what is saved for prose rebuilds.
      std::string saved;
      std::string input;
      if (slot.file.empty()) {
        input = page_input(job.layout, theme_id, opts.version, view);
      } else {
        const json::json_pointer body_at(slot.body_at);
        json body = std::exchange(view[body_at], nullptr);
        json toc;
        std::optional<json::json_pointer> toc_at;
        if (!slot.toc_at.empty()) {
          toc_at.emplace(slot.toc_at);
          toc = std::exchange(view[*toc_at], nullptr);
        }
        saved = encode_view(view);
        input = prose_page_input(job.layout, theme_id, opts.version, saved, body, toc);
        view[body_at] = std::move(body);
        if (toc_at) view[*toc_at] = std::move(toc);
      }
      hash_ns += ns_since(start);
      auto keep_prose = [&] {
        if (sink.prose_page && !slot.file.empty())
          sink.prose_page({job.path, job.layout, std::move(slot), std::move(saved)});
      };
      if (sink.reuse && !input.empty() && sink.reuse(job.path, input)) {
        ++reused;
        {
          std::lock_guard<std::mutex> lock(mutex);
          paths.push_back(job.path);
        }
        keep_prose();
        return;
      }
      start = Clock::now();
      std::string bytes = theme.render(job.layout, std::move(view));
      template_ns += ns_since(start);
      keep_prose();
      ++rendered;
      emit(job.path, std::move(bytes), input);
    });
  run_tasks(tasks, opts.jobs);

  // SPEC 5 lists sitemap.xml among the pages. Search engines want absolute URLs, which need
  // base_url; without it the locations are relative to the site's root (docs/site.md).
  std::sort(paths.begin(), paths.end());
  emit("sitemap.xml", sitemap(theme, opts.base_url, paths), {});
  SiteStats stats;
  stats.files = paths.size();
  stats.pages_rendered = rendered;
  stats.pages_reused = reused;
  stats.view_ms = static_cast<double>(view_ns.load()) / 1e6;
  stats.hash_ms = static_cast<double>(hash_ns.load()) / 1e6;
  stats.template_ms = static_cast<double>(template_ns.load()) / 1e6;
  stats.sink_ms = static_cast<double>(sink_ns.load()) / 1e6;
  return stats;
}

std::string encode_view(const json& view) {
  std::string out;
  append_view(out, view);
  return out;
}

SiteStats render_prose(const ProseState& state, const std::map<std::string, std::string>& bodies,
                       const std::set<std::string>& pages_of, const SiteOptions& opts,
                       const SiteSink& sink) {
  // The previous build checked this very theme: a prose rebuild is only taken when the binary
  // and every file but Markdown bodies are unchanged (its input hash below names the theme too).
  Theme theme = load_theme(opts, Theme::Check::DoneBefore);
  const std::string theme_id = theme_hash(opts);
  const ProseSearch& search = state.search;
  const site::LinkBase base{search.file_pages, search.repo_url, search.branch, search.repo_prefix};
  SiteStats stats;
  // A few pages: one thread, in path order.
  for (const ProsePage& p : state.pages) {
    auto body = bodies.find(p.slot.file);
    if (body == bodies.end() || !pages_of.count(p.slot.file)) continue;
    auto start = Clock::now();
    std::optional<json> view = decode_view(p.view);
    if (!view) throw std::runtime_error("the saved view of " + p.path + " is damaged");
    std::set<std::string> taken(p.slot.taken.begin(), p.slot.taken.end());
    site::put_body(*view, base, body->second, p.path, taken, p.slot);
    stats.view_ms += static_cast<double>(ns_since(start)) / 1e6;
    start = Clock::now();
    const std::string input = prose_page_input(
        p.layout, theme_id, opts.version, p.view, (*view)[json::json_pointer(p.slot.body_at)],
        p.slot.toc_at.empty() ? json() : (*view)[json::json_pointer(p.slot.toc_at)]);
    stats.hash_ms += static_cast<double>(ns_since(start)) / 1e6;
    start = Clock::now();
    std::string bytes = theme.render(p.layout, std::move(*view));
    stats.template_ms += static_cast<double>(ns_since(start)) / 1e6;
    start = Clock::now();
    sink.file(p.path, std::move(bytes), input);
    stats.sink_ms += static_cast<double>(ns_since(start)) / 1e6;
    ++stats.pages_rendered;
    ++stats.files;
  }
  std::vector<SearchEntry> entries;
  for (const auto& d : search.drafts) {
    auto body = bodies.find(d.file);
    if (body == bodies.end()) continue;
    if (entries.empty()) entries = search.entries;
    if (d.entry >= entries.size()) throw std::runtime_error("the saved search index is damaged");
    entries[d.entry] = site::search_entry(d, body->second, search.cap);
  }
  if (!entries.empty()) {
    sink.file("search-index.js", site::search_index(entries), {});
    ++stats.files;
  }
  return stats;
}

std::map<std::string, std::string> render_site(const Repo& repo, const Figures& figs,
                                               const std::vector<Diagnostic>& diagnostics,
                                               const std::map<std::string, DailySeries>& series,
                                               const SiteOptions& opts) {
  std::map<std::string, std::string> files;
  std::mutex mutex;
  SiteSink sink;
  sink.file = [&](const std::string& path, std::string bytes, const std::string&) {
    std::lock_guard<std::mutex> lock(mutex);
    files[path] = std::move(bytes);
  };
  render_site(repo, figs, diagnostics, series, opts, sink);
  return files;
}

namespace {

// A page that stands alone has nowhere to link to: every href of the view becomes null, which the
// layouts show as plain text.
void drop_links(json& v) {
  if (v.is_array()) {
    for (auto& x : v)
      drop_links(x);
    return;
  }
  if (!v.is_object()) return;
  for (auto& [key, x] : v.items()) {
    bool link = key == "href" || (key.size() > 5 && key.compare(key.size() - 5, 5, "_href") == 0);
    if (link)
      x = nullptr;
    else
      drop_links(x);
  }
}

} // namespace

std::optional<std::string> render_report_document(const Repo& repo, const Figures& figs,
                                                  const std::vector<Diagnostic>& diagnostics,
                                                  const std::map<std::string, DailySeries>& series,
                                                  const SiteOptions& opts,
                                                  const std::string& period) {
  auto it = figs.reports.find(period);
  if (it == figs.reports.end()) return std::nullopt;
  Theme theme = load_theme(opts);
  site::Site s(repo, figs, diagnostics, series, opts);
  // The bodies come without links (markdown_without_links): drop_links reaches only the view's
  // own hrefs, not those inside rendered Markdown.
  json view = site::report_page_view(s, it->second, nullptr, true);
  drop_links(view);
  view["root"] = "";
  std::string content = theme.render_fragment("report", view);
  auto css = theme.static_files().find("style.css");
  const std::string title = view.value("title", std::string("Reliability report"));
  std::string site_title;
  if (view.contains("site") && view["site"].is_object() && view["site"].contains("title") &&
      view["site"]["title"].is_string())
    site_title = view["site"]["title"].get<std::string>();
  // The site's report layout and stylesheet in one file, with nothing to fetch: it opens from
  // anywhere (a mail attachment, a shared drive) and prints as the site's page does.
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta name=\"color-scheme\" content=\"light dark\">\n"
                    "<meta name=\"generator\" content=\"nines\">\n<title>" +
                    html_escape(site_title.empty() ? title : title + " · " + site_title) +
                    "</title>\n<style>\n" +
                    (css == theme.static_files().end() ? std::string() : css->second) +
                    "</style>\n</head>\n<body class=\"layout-report standalone\">\n"
                    "<main id=\"main\">\n" +
                    content + "</main>\n";
  if (!opts.version.empty())
    out += "<footer class=\"site-footer\"><p>Generated by nines " + html_escape(opts.version) +
           " from the reliability repository.</p></footer>\n";
  out += "</body>\n</html>\n";
  return out;
}

} // namespace nines
