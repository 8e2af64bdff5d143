#include "model/exceptions.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <string>
#include <utility>
#include <vector>

using namespace nines;

namespace {

using Types = std::vector<std::string>;

void check_reads(const std::vector<std::pair<const char*, Types>>& cases) {
  for (const auto& [text, want] : cases) {
    CAPTURE(text);
    CHECK(exception_change_types(text) == want);
    for (const auto& t : change_types())
      CHECK(exception_names(text, t) == (std::find(want.begin(), want.end(), t) != want.end()));
  }
}

} // namespace

TEST_CASE("exceptions: the seed's sentences and the documented examples keep their meaning") {
  check_reads({
      // The seed's three, and the same types in other words.
      {"Security patches always allowed", {"security"}},
      {"Regulatory compliance changes always allowed", {"compliance"}},
      {"Data loss prevention always allowed", {"data-loss-prevention"}},
      {"security", {"security"}},
      {"SECURITY FIXES always allowed", {"security"}},
      {"Compliance changes always allowed", {"compliance"}},
      {"data-loss-prevention changes always allowed", {"data-loss-prevention"}},
      {"Fixes for the incident that spent the budget", {"fix"}},
      {"fix", {"fix"}},
      {"Hotfixes and features behind a flag", {"feature", "fix"}},
      {"Security and compliance changes", {"security", "compliance"}},
      {"Regulatory compliance", {"compliance"}}, // the schema's example
      // The structured form, decoded as "change_type: note", names its type alone.
      {"fix: Fixes for security", {"fix"}},
      {"feature:", {"feature"}},
      // Denials and other prose name nothing.
      {"Features are never excepted", {}},
      {"No security exceptions", {}},
      {"Marketing launches are excepted", {}},
      {"Prefix and suffix rules", {}},
      {"", {}},
  });
}

TEST_CASE("exceptions: a type word that is not what the sentence allows names nothing") {
  check_reads({
      // Part of a compound, the object of another action: a feature flag is no feature.
      {"Turning off a feature flag is always allowed", {}},
      {"Rollbacks of a feature always allowed", {}},
      {"Reverting a broken feature always allowed", {}},
      {"Feature flag changes always allowed", {}},
      {"Disabling features always allowed", {}},
      {"Feature rollbacks always allowed", {}},
      // A verb, and a fix of another type's subject: not every fix.
      {"Changes that fix a security hole", {}},
      {"Non-compliance fixes allowed", {}},
      {"Non compliance changes always allowed", {}},
      {"Non-security patches always allowed", {}},
      {"Feature fixes always allowed", {}},
      {"Data loss fixes always allowed", {}},
      // A denial or a prohibition before the permission.
      {"Security patches are not always allowed", {}},
      {"Security patches can\xE2\x80\x99t be excepted", {}}, // a typographic apostrophe
      {"Feature changes blocked", {}},
      // Nothing a type names.
      {"Acquirer routing changes (configuration, not code) always allowed", {}},
      {"Rollbacks always allowed", {}},
      {"Always allowed: security patches", {}},
  });
}

TEST_CASE("exceptions: what the sentence allows names its type, whatever follows it") {
  check_reads({
      // A denial after the permission does not cancel it.
      {"Security patches always allowed, no approval needed", {"security"}},
      {"Security patches always allowed; features never", {"security"}},
      // Every spelling of data loss prevention.
      {"Data-loss prevention always allowed", {"data-loss-prevention"}},
      {"data loss-prevention changes permitted", {"data-loss-prevention"}},
      {"DATA-LOSS-PREVENTION", {"data-loss-prevention"}},
      {"DLP changes always allowed", {"data-loss-prevention"}},
      {"Data loss prevention fixes always allowed", {"data-loss-prevention"}},
      // Other permission words, modifiers, determiners and coordinations.
      {"Security patches are exempt", {"security"}},
      {"PCI-DSS and regulatory compliance changes always allowed", {"compliance"}},
      {"Only security patches", {"security"}},
      {"Security patches only", {"security"}},
      {"All pending security patches always allowed", {"security"}},
      {"Security patches \xE2\x80\x94 always allowed", {"security"}}, // an em dash
      {"Security patches (CVE fixes) always allowed", {"security"}},
      {"Security, compliance and data loss prevention changes",
       {"security", "compliance", "data-loss-prevention"}},
      {"Bug fixes always allowed", {"fix"}},
      {"Urgent hotfixes are permitted", {"fix"}},
      {"Feature releases always allowed", {"feature"}},
  });
}

TEST_CASE("exceptions: the change types are the gate's, in its order") {
  CHECK(change_types() ==
        Types{"feature", "fix", "security", "compliance", "data-loss-prevention"});
  // One sentence naming several types lists them in that order, whatever its own.
  CHECK(exception_change_types("Data loss prevention and security changes") ==
        Types{"security", "data-loss-prevention"});
}

TEST_CASE("exceptions: prose that uses a change type's word, read or not") {
  for (const char* text :
       {"Turning off a feature flag is always allowed", "Changes that fix a security hole",
        "Non-compliance fixes allowed", "Features are never excepted",
        "Data-loss prevention always allowed", "Security patches always allowed"}) {
    CAPTURE(text);
    CHECK(exception_mentions_change_type(text));
  }
  for (const char* text : {"Acquirer routing changes (configuration, not code) always allowed",
                           "Rollbacks always allowed", "Prefix and suffix rules", ""}) {
    CAPTURE(text);
    CHECK_FALSE(exception_mentions_change_type(text));
  }
}
