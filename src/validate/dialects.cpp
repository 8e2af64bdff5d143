// Foreign dialects, read so that teams need not convert what they already have (SPEC 1.2):
// OpenSLO v1 (SLO, SLI, Service, AlertPolicy, DataSource) and the Backstage catalog
// (Component, System, Group). Each maps onto the native model; what has no native meaning
// (AlertPolicy, DataSource, System) is accepted and not used.
#include "model/time.hpp"
#include "validate/decode.hpp"
#include "validate/node_access.hpp"

#include <cmath>

namespace nines {
namespace {

// Backstage entity references look like "group:default/payments" or "component:checkout".
std::string entity_name(const std::string& ref) {
  std::string s = ref;
  if (auto c = s.find(':'); c != std::string::npos) s = s.substr(c + 1);
  if (auto sl = s.rfind('/'); sl != std::string::npos) s = s.substr(sl + 1);
  return s;
}

DocMeta dialect_meta(const RawDoc& doc, const std::string& kind, const Node& metadata,
                     const std::string& digest, const std::string& dialect, DiagBag& diags) {
  DocMeta m;
  m.kind = kind;
  m.file = doc.file;
  m.loc = doc.kind_loc;
  m.digest = digest;
  m.body = doc.body;
  m.dialect = dialect;
  const Node& name = at(metadata, "name");
  m.id = str(name);
  m.id_loc = name.is_absent() ? doc.kind_loc : name.loc;
  if (m.id.empty()) {
    diags.error(doc.file, doc.kind_loc, "schema", "field 'metadata.name' is required");
  } else if (!valid_id(m.id)) {
    diags.error(doc.file, m.id_loc, "invalid-id",
                "id '" + m.id + "' is not valid: ids match ^[a-z0-9][a-z0-9._-]{0,127}$",
                "use lowercase letters, digits, '.', '_' and '-'");
  }
  return m;
}

void decode_openslo(const RawDoc& doc, const std::string& digest, Repo& repo, DiagBag& diags) {
  const Node& root = doc.root;
  std::string kind = str(root, "kind");
  const Node& md = at(root, "metadata");
  const Node& spec = at(root, "spec");
  if (kind == "Service") {
    Service s;
    s.meta = dialect_meta(doc, "service", md, digest, "openslo", diags);
    s.name = s.meta.id;
    s.description = str(spec, "description");
    s.tier = "standard";
    repo.services.push_back(std::move(s));
  } else if (kind == "SLI") {
    Sli s;
    s.meta = dialect_meta(doc, "sli", md, digest, "openslo", diags);
    s.name = s.meta.id;
    s.description = str(spec, "description");
    const Node& ratio = at(spec, "ratioMetric");
    std::string good = str(at(at(at(ratio, "good"), "metricSource"), "spec"), "query");
    std::string total = str(at(at(at(ratio, "total"), "metricSource"), "spec"), "query");
    if (!good.empty() && !total.empty()) s.query = SliQuery{good, total, "", ratio.loc};
    repo.slis.push_back(std::move(s));
  } else if (kind == "SLO") {
    Slo s;
    s.meta = dialect_meta(doc, "slo", md, digest, "openslo", diags);
    s.service = ref(spec, "service");
    s.sli = ref(spec, "indicatorRef");
    s.description = str(spec, "description");
    const Node& tw = at(spec, "timeWindow");
    const Node& first_window = tw.items.empty() ? null_node() : tw.items.front();
    s.window = str(first_window, "duration");
    s.window_loc = at(first_window, "duration").loc;
    if (auto w = parse_duration_minutes(s.window)) s.window_days = *w / 1440.0;
    const Node& objectives = at(spec, "objectives");
    const Node& obj = objectives.items.empty() ? null_node() : objectives.items.front();
    if (auto t = num(obj, "target")) {
      s.target = *t * 100.0;
      s.target_loc = at(obj, "target").loc;
    } else if (auto p = num(obj, "targetPercent")) {
      s.target = *p;
      s.target_loc = at(obj, "targetPercent").loc;
    }
    if (!(s.target > 0 && s.target < 100)) {
      diags.error(doc.file, obj.is_absent() ? doc.kind_loc : obj.loc, "schema",
                  "OpenSLO SLO needs spec.objectives[0].target between 0 and 1 "
                  "(or targetPercent between 0 and 100)");
      return;
    }
    if (s.service.empty() || s.sli.empty()) {
      diags.error(doc.file, doc.kind_loc, "schema",
                  "OpenSLO SLO needs spec.service and spec.indicatorRef");
      return;
    }
    repo.slos.push_back(std::move(s));
  } else if (kind == "AlertPolicy" || kind == "DataSource" || kind == "AlertCondition" ||
             kind == "AlertNotificationTarget") {
    // Accepted; nines derives alerts from the SLOs' burn rates.
  } else {
    diags.error(doc.file, at(root, "kind").loc, "unknown-kind",
                "unsupported OpenSLO kind '" + kind + "'",
                "nines reads SLO, SLI, Service, AlertPolicy and DataSource");
  }
}

void decode_backstage(const RawDoc& doc, const std::string& digest, Repo& repo, DiagBag& diags) {
  const Node& root = doc.root;
  std::string kind = str(root, "kind");
  const Node& md = at(root, "metadata");
  const Node& spec = at(root, "spec");
  if (kind == "Component") {
    Service s;
    s.meta = dialect_meta(doc, "service", md, digest, "backstage", diags);
    s.name = s.meta.id;
    s.description = str(md, "description");
    // Backstage has no tier; a `nines.dev/tier` annotation sets it, else "standard".
    s.tier = str(at(md, "annotations"), "nines.dev/tier");
    if (s.tier.empty()) s.tier = "standard";
    const Node& owner = at(spec, "owner");
    s.owner_team = Ref{entity_name(str(owner)), owner.loc};
    std::string type = str(spec, "type");
    s.type = type == "website" ? "frontend" : type == "service" ? "api" : "";
    for (const auto& d : at(spec, "dependsOn").items)
      if (str(d).rfind("component:", 0) == 0 || str(d).find(':') == std::string::npos)
        s.upstream.push_back(Ref{entity_name(str(d)), d.loc});
    repo.services.push_back(std::move(s));
  } else if (kind == "Group") {
    DocMeta m = dialect_meta(doc, "team", md, digest, "backstage", diags);
    Team t;
    t.id = m.id;
    t.name = str(at(at(spec, "profile"), "displayName"));
    if (t.name.empty()) t.name = t.id;
    for (const auto& mem : at(spec, "members").items)
      t.members.push_back(entity_name(str(mem)));
    if (!t.id.empty()) repo.config.teams.emplace(t.id, std::move(t));
  } else if (kind == "System" || kind == "API" || kind == "Resource" || kind == "Domain" ||
             kind == "User" || kind == "Location") {
    // Accepted; nines has no use for them.
  } else {
    diags.error(doc.file, at(root, "kind").loc, "unknown-kind",
                "unsupported Backstage kind '" + kind + "'",
                "nines reads Component, System and Group");
  }
}

} // namespace

void decode_dialect(const RawDoc& doc, const std::string& digest, Repo& repo, DiagBag& diags) {
  if (doc.kind == "openslo")
    decode_openslo(doc, digest, repo, diags);
  else
    decode_backstage(doc, digest, repo, diags);
}

} // namespace nines
