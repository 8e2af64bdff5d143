// Internals of the site renderer (site.cpp, site_format.cpp, site_pages.cpp); not part of its
// interface (site.hpp is).
//
// Views are JSON objects for the theme's layouts; each layout documents the fields it reads at its
// top. Figures are pre-formatted here ("99.866%", "4.7 days") and a missing figure is null, which
// the layouts show as "no data": never 0, never 100%.
#pragma once

#include "compute/figures.hpp"
#include "compute/figures_all.hpp"
#include "compute/weekly.hpp"
#include "diag/diagnostic.hpp"
#include "model/model.hpp"
#include "model/runbook_index.hpp"
#include "render/markdown.hpp"
#include "render/site.hpp"
#include "render/view_json.hpp"

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nines::site {

using json = ViewJson;

// Everything pages are built from, with the lookups they share built once. Immutable after
// construction, so page views can be built on several threads at once.
struct Site {
  Site(const Repo& repo, const Figures& figs, const std::vector<Diagnostic>& diagnostics,
       const std::map<std::string, DailySeries>& series, const SiteOptions& opts);

  const Repo& repo;
  const Figures& figs;
  const std::vector<Diagnostic>& diagnostics;
  const std::map<std::string, DailySeries>& series;
  const SiteOptions& opts;

  std::int64_t today = 0; // the UTC day of figs.now
  std::string today_text; // YYYY-MM-DD
  std::string this_month; // YYYY-MM

  std::map<std::string, const Service*> services;
  std::map<std::string, const Slo*> slos;
  std::map<std::string, const SloFigures*> slo_figs;
  std::map<std::string, const Sli*> slis;
  std::map<std::string, const Runbook*> runbooks;
  std::map<std::string, const Postmortem*> postmortems;
  std::map<std::string, const IncidentFigures*> incidents;
  std::map<std::string, const ReadinessFigures*> readiness; // by service
  std::map<std::string, const ServiceMaturity*> maturity;   // by service
  std::map<std::string, const Rotation*> rotations;
  std::map<std::string, const RotationFigures*> rotation_figs;
  std::map<std::string, const CapacityFigures*> capacity_figs;
  std::map<std::string, const ToilFigures*> toil_figs;
  std::map<std::string, const Policy*> policies;
  // The runbook-stale lint's message, by runbook id: the lint owns the rule, the site shows it.
  std::map<std::string, std::string> stale_runbooks;
  // Every team id: nines.yaml's teams plus those only named by documents.
  std::set<std::string> team_ids;
  // Content file (relative to the repository) → its page, for links between Markdown documents.
  std::map<std::string, std::string> file_pages;
  // Where the content root sits in the git work tree ("" or "folder/sub/", History::prefix()):
  // the repository's web view names files by their path from the work tree's top.
  std::string repo_prefix;

  // What belongs to one service, each list in repository order: looked up per service page, the
  // scans of every list made the pages cost services × documents.
  struct ServiceDocs {
    std::vector<const SloFigures*> slos;
    std::vector<const Runbook*> runbooks;
    std::vector<const IncidentFigures*> incidents; // each once, however often it names the service
    std::vector<const ToilFigures*> toil;
    std::vector<const CapacityFigures*> capacity;
    std::vector<const Experiment*> experiments;
    std::vector<const AutoRemediation*> remediations;
    std::vector<const std::string*> upstream_of; // services whose upstream names this one
    std::vector<const std::string*> downstream_of;
  };
  const ServiceDocs& service_docs(const std::string& service) const;
  // Each SLO's error budget week: an SLO page asked every week before.
  std::unordered_map<std::string_view, const BudgetWeek*> budget_weeks;
  // The runbooks answering each alert (SPEC 3.6), in repository order.
  RunbookIndex runbooks_by_alert;
  // A postmortem's budget claims, in order: its page scanned every claim.
  const std::vector<const BudgetClaimFigures*>& claims_of(const std::string& postmortem) const;

  bool has_team(const std::string& id) const { return team_ids.count(id) != 0; }

  // The documents whose body the service's page shows besides its own (service_notes): built on
  // first use, by whichever page thread asks first.
  const std::vector<const DocMeta*>& notes_of_service(const std::string& service) const;

private:
  std::unordered_map<std::string_view, ServiceDocs> m_service_docs;
  ClaimsByPostmortem m_claims_by_postmortem;
  std::unordered_map<std::string, const std::string*> m_team_by_name;
  mutable std::once_flag m_notes_once;
  mutable std::unordered_map<std::string, std::vector<const DocMeta*>> m_notes;

public:
  std::string team_name(const std::string& id) const;
  // The first team (in team_ids order) whose name is `name`, if any.
  const std::string* team_named(const std::string& name) const;
  std::string service_name(const std::string& id) const;
};

// A view's object built field by field, each value moved straight into the object's fields.
// An initializer list ({{"href", x}, {"label", y}}) makes every field a two-element JSON array
// first (allocating it and a JSON string for the key) and then copies the list's elements, which
// are const, subtrees and all: that made building views about a third of a build's CPU
// (docs/performance.md). As with the list, a key given twice keeps its first value.
class ViewObject {
public:
  ViewObject() : m_json(json::object()), m_fields(&m_json.get_ref<json::object_t&>()) {}
  ViewObject(const ViewObject&) = delete;
  ViewObject& operator=(const ViewObject&) = delete;

  ViewObject& add(std::string key, json value) {
    m_fields->emplace(std::move(key), std::move(value));
    return *this;
  }

  // The object; the builder must not be used afterwards.
  json take() { return std::move(m_json); }

private:
  json m_json;
  json::object_t* m_fields; // m_json's fields, on the heap until take()
};

// ---------------------------------------------------------------------------------------------
// Paths. Every href in a view is relative to the site root; layouts prefix it with `root`.

// An id as a path segment or fragment: ids are validated upstream (^[a-z0-9][a-z0-9._-]*$), and
// anything else is replaced by a digest so it can never climb out of its folder.
std::string segment(const std::string& id);
std::string service_page(const std::string& id);
std::string slo_page(const std::string& id);
std::string runbook_page(const std::string& id);
std::string postmortem_page(const std::string& id);
std::string report_page(const std::string& period);
std::string team_anchor(const std::string& id);     // teams/index.html#team-ID
std::string rotation_anchor(const std::string& id); // oncall/index.html#rotation-ID
// "../" once per folder of `page`.
std::string root_of(const std::string& page);

// Links that exist: the page of a known document, else null (the layouts then show plain text).
json service_href(const Site& site, const std::string& id);
json slo_href(const Site& site, const std::string& id);
json team_href(const Site& site, const std::string& id);
json rotation_href(const Site& site, const std::string& id);
json postmortem_href(const Site& site, const std::string& id);
// The name of the team owning a service, or null.
json team_of_service(const Site& site, const std::string& service);

// ---------------------------------------------------------------------------------------------
// Formatting: display only, no figure is derived here.

json text_or_null(const std::string& s);
json opt_text(const std::optional<std::string>& s);
// What "Projected exhaustion" reads when there is no date: an exhausted budget is already spent
// (not "not projected", which reads as safe), an SLO without data has none, and otherwise
// `otherwise` ("not projected": R > 0 and no burn to run it out).
std::string exhaustion_none(BudgetState state, std::string_view otherwise);
// `value` with at most `decimals` decimals, trailing zeros dropped ("14.4", "2", "0.35").
std::string num(double value, int decimals);
json num_or_null(const std::optional<double>& value, int decimals, const std::string& unit = "");
// A burn rate as burn_rate_text writes it ("0.38×", "<0.01×"), or null when missing.
json burn_or_null(const std::optional<double>& rate);
// As num(), kept apart from the thresholds the figure is judged against (number_against): an
// on-call metric or a toil item's hours never reads on the other side of its line. The JSON keeps
// the unrounded figure.
std::string num_against(double value, std::initializer_list<double> thresholds, int decimals);
// A team's or the organisation's mean maturity total, one decimal at most, kept apart from the
// band lines (maturity_total_text): 16.96 beside Firefighting is "16.9", never "17".
std::string maturity_total(double total);
// A toil item's hours a month, kept apart from the value bands it is placed by (< 2, > 10).
std::string toil_hours_text(double hours_per_month);
json num_against_or_null(const std::optional<double>& value,
                         std::initializer_list<double> thresholds, int decimals,
                         const std::string& unit = "");
// As num(), with thousands separated by commas ("18,400").
std::string grouped(double value, int decimals);
// A fraction as a percentage with fixed decimals ("99.866%"); null when missing.
json pct_or_null(const std::optional<double>& fraction, int decimals);
std::string target_text(double target_pct);
// Decimals that show an attainment next to its target: one more than the target has, at least 2.
int attainment_decimals(double target_pct);
// An attainment fraction next to its target, by the one percentage rule (model/numbers.hpp): a
// miss never reads as a hit. Null when missing.
json attainment_or_null(const std::optional<double>& fraction, double target_pct);
// A percentage (already ×100) next to a threshold by the same rule ("24.9%" under 25%); null when
// missing.
json pct_against_or_null(const std::optional<double>& pct, double threshold_pct);
// share_against's text (a toil share against its 25% target), null when unknown.
json share_or_null(const std::optional<double>& pct, double threshold_pct);
// Budget consumed (×100) as consumed_text, or null.
json consumed_or_null(const std::optional<double>& pct);
std::string minutes_text(double minutes);
std::string duration_days_text(double days);
// A window's length: "28 days", "1 day", "1.5 days".
std::string window_days_text(double days);
// Sort keys of list cells (static/tables.js reads a cell's data-sort before its text): a date as
// the number YYYYMMDD, a duration in minutes. "" when missing or not a real date, which the lists
// sort last in either direction.
std::string date_sort_key(const std::string& date);
std::string minutes_sort_key(const std::optional<double>& minutes);
// A class-safe word ([a-z0-9-]) for CSS, e.g. a budget state.
std::string css_word(const std::string& s);
std::string state_label(const std::string& state);
std::string month_label(const std::string& period); // "2026-11" → "November 2026"
// One line for a month's report (archive, search): incidents, then the SLO results when the
// month has SLO data, and its coverage when only part of it has data.
std::string report_summary(const MonthlyReport& r);

// Reports and reviews are read on paper: past this many rows a list keeps its first (most
// important) ones and says how many more its JSON file holds, so a thousand services still make
// a short page.
constexpr std::size_t k_paper_rows = 100;
// Keeps the first k_paper_rows items of `list`; `more` becomes "N more NOUNs are in API_FILE", or
// null when nothing was cut.
void cut_paper_list(json& list, json& more, const std::string& noun, const std::string& api_file);
// What cut_paper_list says of a list of `total` items: null when nothing would be cut.
json paper_more(std::size_t total, const std::string& noun, const std::string& api_file);
std::string truncate_text(const std::string& s, std::size_t max_chars);
std::string join(const std::vector<std::string>& parts, const std::string& sep);
// The non-empty strings as a JSON array.
json strings(const std::vector<std::string>& v);
std::string
dimension_label(const std::string& dimension); // "incident_response" → "Incident response"

// A figure's data freshness: {status, text, as_of}; text is "fresh", "stale · 3 days old" or
// "missing · no data".
json freshness_of(const DataFreshness& d);
// A golden signal that is not current: its name, "7 days old" or "no stored data", and the last
// stored day (none when nothing is stored).
struct StaleSignal {
  std::string name, text;
  std::optional<std::string> as_of;
};
// The page's freshness badge over the SLOs it shows (and the golden signals of a service page
// that are behind): fresh only when every one of them is.
json metrics_freshness(const std::vector<const SloFigures*>& slos,
                       const std::vector<StaleSignal>& golden = {});
// For pages whose figures come from the repository's documents, as of the build.
json documents_freshness(const Site& site);
// "2 stale sign-offs", with how many of them are dated after now ("(1 dated after now)"): a
// mistyped date reads otherwise like a change after sign-off. Null when none is stale.
json stale_signoffs_text(const ReadinessFigures& r);
// The mark beside an overview's figures (the dashboard's rows, the catalog's error budget cell)
// when the days they are made from are stale: freshness_of's {status, text, as_of}, else null.
// The page-wide badge alone does not say which figures are behind. A fresh figure carries no
// mark, so a site whose data is current reads as before; a figure without data already reads
// "No data".
json stale_mark(const DataFreshness& d);
// The mark of a figure made from several SLOs (a service's worst state): the oldest stale one's,
// with " · 1 of 2 SLOs" when not all of them are stale; null when none is.
json stale_mark(const std::vector<const SloFigures*>& slos);
// Why a stale SLO that is otherwise fine needs attention: "figures rest on data up to 2026-11-17".
std::string stale_reason(const DataFreshness& d);

// ---------------------------------------------------------------------------------------------
// Pieces shared by several pages.

// The frame every page shares: root, title, nav, breadcrumbs, site, build. `section` marks the
// current nav entry; `crumbs` are (href, label) pairs between the dashboard and the page itself.
json page_view(const Site& site, const std::string& page, const std::string& title,
               const std::string& section,
               const std::vector<std::pair<std::string, std::string>>& crumbs = {});

std::vector<const SloFigures*> all_slos(const Site& site);

// An SLO as a card or table row: figures, state, freshness; charts when `charts` is set.
json slo_summary(const Site& site, const SloFigures& f, bool charts);
std::string budget_gauge(const SloFigures& f);
// Remaining budget per day over the window, and daily attainment, from the recorded series.
std::string burn_down_chart(const Site& site, const SloFigures& f, int width, int height);
std::string attainment_chart(const Site& site, const SloFigures& f);
// Callers on the left, the service in the middle, what it calls on the right.
std::string dependency_graph(const std::string& name, const std::vector<std::string>& callers,
                             const std::vector<std::string>& callees);

// A catalog entry's row in the catalog list (its id attribute, "entry-ID"), and the link to it:
// the team's part of the list when the list is split (list_part), else catalog/index.html.
std::string catalog_entry_anchor_id(const std::string& id);
std::string catalog_entry_href(const Site& site, const CatalogEntry& e);

// A capacity model's figures and state; with its projection chart when `chart` is set.
json capacity_item(const Site& site, const CapacityFigures& c, bool chart);
// A service's maturity: totals, band and every dimension with its evidence.
json maturity_brief(const Site& site, const ServiceMaturity& m);

// Markdown → safe HTML for a document's prose on `page`: links to other content files become links
// to their pages; other relative links go to the repository when repo_url is set.
// Heading and footnote anchors avoid the ids the page's layout uses and, when `taken` is given,
// the anchors of the page's other Markdown (which this call adds to).
MarkdownResult markdown_for(const Site& site, const DocMeta& doc, const std::string& md,
                            const std::string& page, std::set<std::string>* taken = nullptr);
// What a document's relative links resolve against: the pages of the repository's files, else
// the file in the repository's web view (repo_url, branch, and `prefix`: where the content root
// sits in the git work tree, "" or "folder/sub/"), else the link as written.
struct LinkBase {
  const std::map<std::string, std::string>& file_pages;
  const std::string& repo_url;
  const std::string& branch;
  const std::string& prefix;
};
LinkBase link_base(const Site& site);
// The page of each content file that has one (services, SLOs, runbooks, postmortems), by the
// file's path in the repository: the first document of a file names its page.
std::map<std::string, std::string> file_pages_of(const Repo& repo);
// Where a link of Markdown prose in repository file `doc_file` leads, from a page whose way to
// the site root is `root` ("../../"): markdown_for writes `url`. A relative path names a
// repository file (`file`, the path percent-decoded: "disk%20full.md" is `disk full.md`); it
// becomes that file's page (with the link's #fragment; a ?query is dropped), else (with repo_url)
// the file in the repository's web view (query and fragment kept), else it stays as written.
// Schemes, fragments and queries alone stay as written.
struct ResolvedLink {
  std::string url;
  std::string file;    // the repository file a relative path names, "" for any other URL
  bool page = false;   // `file` has a page, and `url` is it
  bool climbs = false; // the path climbs above the repository: `url` is as written
};
ResolvedLink resolve_link(const LinkBase& base, const std::string& doc_file,
                          const std::string& root, std::string_view url);
// Every id the default theme's layouts and partials write.
const std::set<std::string>& layout_ids();
// The ids the default theme writes on `page` (its frame's and its layout's), which the page's
// Markdown headings avoid; every layout's for a page that shows no Markdown body.
const std::set<std::string>& layout_ids(std::string_view page);
// `top_heading_level`: the level the body's highest heading renders at (MarkdownOptions): 2 for
// prose under the page's <h1>, 3 for a body shown inside a section that has its own <h2>.
MarkdownResult markdown_for(const LinkBase& base, const std::string& doc_file,
                            const std::string& md, const std::string& page,
                            std::set<std::string>* taken = nullptr, int top_heading_level = 2);
// A document's body on its page: its HTML at `slot.body_at` of `v` and, when `slot.toc_at` is not
// empty, its table of contents there. `taken` holds the anchors the page used before it (and
// gets the body's). The one place a page's body is made, whether the page is built from the
// model or again from a saved view (render_prose).
void put_body(json& v, const LinkBase& base, const std::string& md, const std::string& page,
              std::set<std::string>& taken, const ProseSlot& slot);
json toc_of(const MarkdownResult& md);

// Document bodies on pages that are not their own (docs/site.md, "Document bodies"). A page holds
// one ProseSlot, its own document's body; the bodies of the other documents it shows are rendered
// first, into `taken`, so the slot's body avoids their anchors and never the other way round: a
// prose rebuild re-renders the slot's body alone and leaves theirs as they were. An edit of one of
// these bodies takes the long way (bodies_outside_slots).
//
// The documents whose body each service's page shows besides its own, by service id, in the order
// the page renders them: its readiness reviews, the assessments of the service and of its owner
// team, then its toil items, capacity models, chaos experiments and automatic remediation.
// Repository order within each kind. check_content_links reads the same list.
std::unordered_map<std::string, std::vector<const DocMeta*>> service_notes(const Repo& repo);
// The other bodies an SLO's page shows, in the order it renders them: its SLI's, then its error
// budget policy's (policy_for). Null entries are left out.
std::vector<const DocMeta*> slo_notes(const Sli* sli, const Policy* policy);
// The monthly_report documents of `period` in repository order; the first is the report page's
// own (MonthlyReport::report_doc), the others are shown on it as notes.
std::vector<const MonthlyReportDoc*> report_documents(const Repo& repo, const std::string& period);
// Another document's body on `page`: its HTML (null when it has none), its anchors added to
// `taken`. Such a body is folded inside one of the page's sections, under that section's <h2>,
// so its highest heading is an <h3> by default.
json notes_html(const Site& site, const DocMeta& doc, const std::string& page,
                std::set<std::string>& taken, int top_heading_level = 3);
// A body for a page that stands alone (`nines report --format html`): links and images become
// their text, since nothing they point to travels with the page. With `taken`, its headings and
// footnotes avoid those ids and add their own, so several bodies on the page never share one.
std::string markdown_without_links(const std::string& md, std::set<std::string>* taken = nullptr);
// The document's source in the repository (repo_url, branch, the content root's place in the git
// work tree and file), or null.
json source_url(const Site& site, const DocMeta& doc);

// ---------------------------------------------------------------------------------------------
// Pages. Each returns the full view for its layout.

json dashboard_view(const Site& site);
json catalog_view(const Site& site);
json service_view(const Site& site, const Service& s, ProseSlot* slot = nullptr);
json slos_view(const Site& site);
json slo_view(const Site& site, const SloFigures& f, ProseSlot* slot = nullptr);
json runbooks_view(const Site& site);
json runbook_view(const Site& site, const Runbook& rb, ProseSlot* slot = nullptr);
json postmortems_view(const Site& site);
json postmortem_view(const Site& site, const Postmortem& pm, ProseSlot* slot = nullptr);
json teams_view(const Site& site);
json maturity_view(const Site& site);
json readiness_view(const Site& site);
json toil_view(const Site& site);
json capacity_view(const Site& site);
json oncall_view(const Site& site);
json reports_view(const Site& site);
json report_view(const Site& site, const MonthlyReport& r);
// The report's page: report_view with the body of the month's monthly_report document (its slot,
// "/report/body_html") and those of any other document of the month ("/report/notes"). With
// `standalone`, the bodies are rendered without links and there is no slot.
json report_page_view(const Site& site, const MonthlyReport& r, ProseSlot* slot,
                      bool standalone = false);
json search_view(const Site& site);

// The weekly rhythm (site_weekly.cpp, docs/weekly.md).
std::string review_page(const std::string& week);      // reviews/YYYY-Www.html
std::string handoff_page(const std::string& rotation); // handoffs/ROTATION.html
json reviews_view(const Site& site);
json review_view(const Site& site, const WeeklyReview& r);
json handoff_view(const Site& site, const Handoff& h);
// The handoff page: handoff_view with the rotation document's body (its slot,
// "/handoff/body_html").
json handoff_page_view(const Site& site, const Handoff& h, ProseSlot* slot);
// The error budget week of an SLO page (its data-key paths start with "budget_week").
json budget_week_block(const Site& site, const BudgetWeek& w);
json not_found_view(const Site& site);

// Long lists (services, SLOs, runbooks, postmortems) split into one page per owning team past
// k_list_split rows, so no page grows with the organisation: FOLDER/team-ID/index.html. The
// list's own page then links to the parts (and keeps the rows without a team).
constexpr std::size_t k_list_split = 300;
// The lists whose rows carry a whole checklist or rubric (readiness, maturity: 5 to 7 KB of HTML
// a service) split sooner, so their page stays under 500 KB.
constexpr std::size_t k_heavy_list_split = 60;
// Whether the list in FOLDER with `total` rows is split into team pages.
bool list_splits(const std::string& folder, std::size_t total);
std::string list_part_page(const std::string& folder, const std::string& team_id);
// A list's view with every row (rows under `rows_key`, several keys separated by spaces, each
// row with its team's name under "team"), and its rows by team: built once, read by every part.
struct SplitList {
  SplitList(json view, const std::string& rows_key);
  SplitList(const SplitList&) = delete; // the index points into `full`
  SplitList& operator=(const SplitList&) = delete;

  json full;
  std::vector<std::string> keys;
  // Per key, team name ("" for none) → its rows, in list order.
  std::vector<std::unordered_map<std::string_view, std::vector<const json*>>> rows_by_team;
};
// `team_id` empty gives the list's own page, else the part of that team.
json list_part(const Site& site, const SplitList& list, const std::string& folder,
               const std::string& section, std::size_t total, const std::string& team_id);

// The page of FOLDER that holds `service` when its `total` entries are split like the lists
// (readiness checklists, maturity evidence): its team's part, else FOLDER/index.html.
std::string part_page_of(const Site& site, const std::string& folder, std::size_t total,
                         const std::string& service);

// One line of search-index.js (site_search.cpp): href relative to the root, "x/" for
// "x/index.html"; text the searchable words, capped so the index stays small.
// With `prose`, the index's parts for a later build in which only bodies change (its entries,
// cap and drafts; the caller fills in the link base).
std::vector<SearchEntry> search_entries(const Site& site, ProseSearch* prose = nullptr);
// The entry of `draft` with `body` as its document's body: what search_entries gives for it.
SearchEntry search_entry(const ProseSearch::Draft& draft, const std::string& body, std::size_t cap);
// search-index.js: window.NINES_SEARCH = [[kind, title, href, summary, text], ...].
std::string search_index(const std::vector<SearchEntry>& entries);
// One string of search-index.js: as json(s).dump(-1, ' ', true, replace) writes it, and then
// "<", ">", "&", "=" and the colon of "javascript:" (any case) as \u escapes.
std::string search_index_string(std::string_view s);

} // namespace nines::site
