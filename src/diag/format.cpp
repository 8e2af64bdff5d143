#include "diag/format.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

namespace nines {
using nlohmann::json;
using ordered = nlohmann::ordered_json;

const std::vector<std::pair<std::string, std::string>>& rule_catalog() {
  static const std::vector<std::pair<std::string, std::string>> rules = {
      {"yaml-syntax", "The file is not valid YAML."},
      {"yaml-duplicate-key", "A mapping has the same key twice."},
      {"yaml-tab", "A tab character is used for indentation."},
      {"yaml-bool-string", "A bare yes/no/on/off is used where a string is expected."},
      {"yaml-too-large", "Too many YAML nodes after alias expansion."},
      {"file-too-large", "The file is over the size limit."},
      {"markdown-too-large",
       "A Markdown text too dense in markup to render, or whose link references would copy too "
       "much."},
      {"file-unreadable", "The file cannot be read."},
      {"file-encoding", "The file is not valid UTF-8 or holds a NUL byte."},
      {"symlink-outside", "A symbolic link leads outside the content repository."},
      {"unknown-kind", "The document's top-level key is not a known kind."},
      {"dialect-version", "An OpenSLO apiVersion other than openslo/v1."},
      {"schema", "The document does not match its JSON Schema."},
      {"invalid-id", "The document's id cannot name a page."},
      {"duplicate-id", "Two documents of one kind share an id."},
      {"backstage-namespace",
       "A Backstage User or Group of one name in two namespaces: the default one is read."},
      {"unknown-reference", "A reference names no document."},
      {"self-dependency", "A service lists itself among its dependencies."},
      {"repeat-of", "A postmortem's repeat_of names itself or an incident dated after it."},
      {"location-target", "A Backstage Location target does not exist or is not followed."},
      {"include-unmatched", "A nines.yaml include glob matches no file nines reads."},
      {"policy-condition", "An error budget policy condition cannot be parsed."},
      {"policy-gap",
       "An error budget policy's states leave a range of remaining budget uncovered."},
      {"alert-service", "A rule-file alert's service label is a near miss of a service."},
      {"policy-conflict", "Two error budget policies name one service."},
      {"policy-overlap",
       "Two states of an error budget policy both match a range of remaining budget."},
      {"policy-exception-unread",
       "A policy exception names no change type nines can read, so it lets nothing through."},
      {"slo-target-ratio", "A native SLO target below 1, a ratio written where a percentage "
                           "belongs."},
      {"slo-target-precision", "An SLO target past twelve nines leaves a budget too fine to "
                               "compute exactly."},
      {"slo-window", "An SLO window is not a whole number of days."},
      {"maintenance-window", "A maintenance window's start or end cannot be read, or it ends "
                             "before it starts."},
      {"rules-file", "A Prometheus rule file is malformed."},
      {"csv-header", "A metrics CSV file has the wrong header."},
      {"csv-row", "A metrics CSV row is malformed or impossible."},
      {"csv-duplicate-day", "An SLO-day is recorded in two metrics CSV files."},
      {"csv-future-date", "A metrics CSV row is dated after today."},
      {"csv-old-date", "A metrics CSV row is dated more than ten years before the newest day "
                       "recorded up to today: most likely a typo in the year."},
      {"slo-error-budget", "error_budget is not 100 - target."},
      {"slo-budget-minutes", "error_budget_minutes is off by more than a minute."},
      {"slo-sla", "The SLA is not below the SLO target."},
      {"slo-review-overdue", "The SLO was not reviewed within its cadence."},
      {"slo-multi-region", "multi_region is below the decision guide for the SLO target."},
      {"burn-alert-never-fires",
       "A burn-rate alert's threshold exceeds the highest possible burn rate."},
      {"burn-alert-windows",
       "A burn-rate alert's short window is not shorter than its long window, or its long window "
       "is longer than the SLO's."},
      {"postmortem-severity",
       "Declared severity is below the severity matrix or escalation rules."},
      {"postmortem-timeline-order", "Postmortem timeline entries are out of order."},
      {"action-item-owner", "A postmortem action item has no owner."},
      {"action-item-deadline", "A postmortem action item has no deadline."},
      {"action-item-status", "A postmortem action item has a completed date but its status is "
                             "not done, so the monthly report counts it as completed and open."},
      {"oncall-rotation-size", "An on-call rotation has fewer than 5 members."},
      {"duplicate-period", "An on-call rotation lists the same health period twice."},
      {"duplicate-member", "An on-call rotation lists the same person twice."},
      {"duplicate-reference", "A list of references (a toil item's teams_affected, a "
                              "postmortem's services, a service's dependencies) names one "
                              "document twice."},
      {"sli-query-at", "An SLI query pins its evaluation time with the @ modifier, so every day "
                       "would read the same counts."},
      {"sli-query-range", "An SLI query without {{window}} is not a counter selector (it holds "
                          "a range, a function or an operator), so it cannot be queried as one."},
      {"alert-runbook", "An alert has no runbook."},
      {"toil-hours", "total_hours_per_month disagrees with time x occurrences."},
      {"toil-automated-status", "A toil item has automated_on but its status is not automated, "
                                "so one month counts it as spent and as automated away."},
      {"runbook-stale", "A runbook was not updated within stale_after_days."},
      {"capacity-review-overdue", "A capacity model was not reviewed within a quarter."},
      {"review-date-in-future", "A review or update date is after now."},
      {"event-date-in-future", "An incident, or an experiment's outcome, is dated after now."},
      {"field-out-of-date", "last_updated or last_reviewed is older than the file's last commit."},
      {"postmortem-budget-claim",
       "A postmortem's budget consumed is far from the recorded data of its SLOs."},
      {"rules-runbook", "A generated alert has no runbook; its runbook_url points at the SLO."},
      {"rules-query", "An SLI query cannot make a valid Prometheus rule; nines rules leaves "
                      "that SLO's rules out."},
      {"rules-default-alert", "A default burn-rate alert the SLO's target makes unreachable is "
                              "left out of the generated rules."},
      {"rules-openslo-condition",
       "An OpenSLO burn-rate condition that cannot be an alert rule (op lt or lte, a lookback "
       "window too long to count, a name with no letter or digit) gets none."},
      {"report-figures-computed",
       "A monthly report writes figures by hand; nines computes them (or keeps them frozen)."},
      {"metrics-fetch", "A metrics source could not be queried; figures use stored data."},
      {"broken-link", "A page of the site links to a page or anchor that does not exist."},
      {"theme", "A theme layout or partial cannot be rendered."},
  };
  return rules;
}

const char* rule_kept_as_error(std::string_view id) {
  static const std::map<std::string_view, const char*> k_kept = {
      {"yaml-syntax", "the file it reports is not read"},
      {"yaml-duplicate-key", "one of the two values is not read"},
      {"yaml-tab", "the file it reports is not read"},
      {"yaml-too-large", "the file it reports is not read"},
      {"file-too-large", "the file it reports is not read"},
      {"markdown-too-large", "the text it reports is not shown"},
      {"file-unreadable", "the file it reports is not read"},
      {"file-encoding", "the file it reports is not read"},
      {"symlink-outside", "the link it reports is not followed"},
      {"unknown-kind", "the document it reports is not read"},
      {"schema", "a document that breaks its schema is not read"},
      {"invalid-id", "a document whose id cannot name its page is not read"},
      {"duplicate-id", "two documents with one id would be written to one page"},
      {"csv-header", "the file it reports is not read"},
      {"csv-row", "the row it reports is not counted"},
      {"csv-duplicate-day", "the second row of the day is not counted"},
      {"slo-target-precision", "every budget figure of the SLO would be published wrong"},
  };
  const auto it = k_kept.find(id);
  return it == k_kept.end() ? nullptr : it->second;
}

bool parse_diag_format(const std::string& s, DiagFormat& out) {
  static const std::map<std::string, DiagFormat> m = {{"text", DiagFormat::Text},
                                                      {"json", DiagFormat::Json},
                                                      {"github", DiagFormat::Github},
                                                      {"sarif", DiagFormat::Sarif}};
  auto it = m.find(s);
  if (it == m.end()) return false;
  out = it->second;
  return true;
}

namespace {

// Lines and columns are 1-based in every format (SPEC 2): a finding that names no node (line 0)
// points at the start of its file.
int shown_line(const Diagnostic& d) {
  return std::max(d.loc.line, 1);
}
int shown_col(const Diagnostic& d) {
  return d.loc.line > 0 ? std::max(d.loc.col, 1) : 1;
}

} // namespace

ordered diagnostic_json(const Diagnostic& d) {
  ordered o;
  o["file"] = d.file;
  o["line"] = shown_line(d);
  o["column"] = shown_col(d);
  o["severity"] = severity_name(d.severity);
  o["rule"] = d.rule;
  o["message"] = d.message;
  if (!d.hint.empty()) o["hint"] = d.hint;
  return o;
}

std::string percent_encode_path(std::string_view path) {
  static const char* const k_hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~' || c == '/') {
      out += ch;
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

namespace {

// A finding's message with its hint, for formats with one text field (GitHub annotations, SARIF):
// the hint in parentheses, so it reads apart from a message that ends without a full stop.
std::string message_with_hint(const Diagnostic& d) {
  return d.hint.empty() ? d.message : d.message + " (hint: " + d.hint + ")";
}

// GitHub's workflow command syntax needs %, CR, LF (and in properties : and ,) escaped.
std::string gh_escape(const std::string& s, bool property) {
  std::string out;
  for (char c : s) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else if (property && c == ':')
      out += "%3A";
    else if (property && c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}

// Text output is one finding a line: CR and LF (kept in a file name or a message) as spaces.
std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  return s;
}

std::string summary(std::size_t errors, std::size_t warnings) {
  auto plural = [](std::size_t n, const char* w) {
    return std::to_string(n) + " " + w + (n == 1 ? "" : "s");
  };
  return plural(errors, "error") + ", " + plural(warnings, "warning");
}

// What every format says of the findings the cap left out.
std::string dropped_note(std::size_t dropped, std::size_t shown) {
  return std::to_string(dropped) + " more not shown: the first " + std::to_string(shown) +
         " are listed";
}

} // namespace

std::string diagnostics_json(const std::vector<Diagnostic>& diags) {
  ordered a = ordered::array();
  for (const auto& d : diags)
    a.push_back(diagnostic_json(d));
  return a.dump(2) + "\n";
}

void write_diagnostics(std::ostream& out, DiagFormat format, const std::vector<Diagnostic>& diags,
                       std::size_t errors, std::size_t warnings, std::size_t dropped,
                       const std::string& tool_version, std::ostream* note_out,
                       const std::string& git_prefix) {
  switch (format) {
  case DiagFormat::Text:
    for (const auto& d : diags) {
      out << one_line(d.file) << ':' << shown_line(d) << ':' << shown_col(d) << ": "
          << severity_name(d.severity) << ": " << one_line(d.message) << " [" << d.rule << "]\n";
      if (!d.hint.empty()) out << "  hint: " << one_line(d.hint) << "\n";
    }
    if (dropped > 0) out << "(" << dropped_note(dropped, diags.size()) << ")\n";
    out << summary(errors, warnings) << "\n";
    return;
  case DiagFormat::Json:
    // The array is the documented shape, findings only; the note goes beside it.
    out << diagnostics_json(diags);
    if (dropped > 0 && note_out)
      *note_out << "nines: " << dropped_note(dropped, diags.size()) << " ("
                << summary(errors, warnings) << " in all)\n";
    return;
  case DiagFormat::Github:
    for (const auto& d : diags) {
      out << "::" << (d.severity == Severity::Error ? "error" : "warning")
          << " file=" << gh_escape(git_prefix + d.file, true) << ",line=" << shown_line(d)
          << ",col=" << shown_col(d) << ",title=" << gh_escape(d.rule, true)
          << "::" << gh_escape(message_with_hint(d), false) << "\n";
    }
    out << summary(errors, warnings) << "\n";
    if (dropped > 0)
      out << "::notice title=nines::"
          << gh_escape(dropped_note(dropped, diags.size()) + " (" + summary(errors, warnings) +
                           " in all)",
                       false)
          << "\n";
    return;
  case DiagFormat::Sarif: {
    ordered rules = ordered::array();
    std::map<std::string, std::size_t> index;
    for (const auto& [id, text] : rule_catalog()) {
      index[id] = rules.size();
      ordered r;
      r["id"] = id;
      r["shortDescription"] = {{"text", text}};
      rules.push_back(r);
    }
    ordered results = ordered::array();
    for (const auto& d : diags) {
      ordered r;
      r["ruleId"] = d.rule;
      if (auto it = index.find(d.rule); it != index.end()) r["ruleIndex"] = it->second;
      r["level"] = d.severity == Severity::Error ? "error" : "warning";
      r["message"] = {{"text", message_with_hint(d)}};
      ordered region;
      // SARIF regions are 1-based; a whole-file finding points at line 1.
      region["startLine"] = shown_line(d);
      region["startColumn"] = shown_col(d);
      ordered phys;
      const std::string& file = d.raw_file.empty() ? d.file : d.raw_file;
      phys["artifactLocation"] = {{"uri", percent_encode_path(git_prefix + file)},
                                  {"uriBaseId", "%SRCROOT%"}};
      phys["region"] = region;
      r["locations"] = ordered::array({ordered{{"physicalLocation", phys}}});
      results.push_back(r);
    }
    ordered driver;
    driver["name"] = "nines";
    driver["version"] = tool_version;
    driver["informationUri"] = "https://github.com/nines-dev/nines";
    driver["rules"] = rules;
    ordered run;
    run["tool"] = {{"driver", driver}};
    // Columns count Unicode code points (Loc), not SARIF's default UTF-16 code units.
    run["columnKind"] = "unicodeCodePoints";
    // Every uri is relative to %SRCROOT%; SARIF asks a run to declare the base ids it uses. The
    // base is described, not given as a file: URI, so the log names no path of the machine that
    // made it and stays the same from one checkout to the next (consumers such as GitHub resolve
    // %SRCROOT% to their own checkout).
    run["originalUriBaseIds"] = {
        {"%SRCROOT%",
         {{"description",
           {{"text", git_prefix.empty() ? "The root of the content repository"
                                        : "The root of the git repository holding the content "
                                          "repository"}}}}}};
    run["results"] = results;
    if (dropped > 0) {
      // Consumers read the results; the run says, in its properties and in a notification, that
      // they are not all of them.
      ordered note;
      note["level"] = "warning";
      note["message"] = {{"text", dropped_note(dropped, diags.size()) + " (" +
                                      summary(errors, warnings) + " in all)"}};
      run["invocations"] = ordered::array({ordered{
          {"executionSuccessful", true}, {"toolExecutionNotifications", ordered::array({note})}}});
      run["properties"] = {{"errors", errors}, {"warnings", warnings}, {"notShown", dropped}};
    }
    ordered sarif;
    sarif["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
    sarif["version"] = "2.1.0";
    sarif["runs"] = ordered::array({run});
    out << sarif.dump(2) << "\n";
    return;
  }
  }
}

} // namespace nines
