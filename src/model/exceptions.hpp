// The change types an error budget policy's exceptions name (docs/governance.md, "Exceptions"):
// one reading for the deploy gate, which lets a change through by it, and for the lint that says
// when an exception names nothing. Pure: no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nines {

// The change types of `nines gate deploy --change-type`, in the order it lists them.
const std::vector<std::string>& change_types();

// The change types an exception names, in the order of change_types().
//
// The structured form, decoded as "change_type: note", names its one type. Prose names a type
// only when the type is what the sentence allows: the head of the noun phrase the sentence opens
// with (cut at the first preposition, relative word, verb such as "are", "always" or permission
// word), alone ("Data loss prevention always allowed") or before a change noun ("Security patches
// always allowed"). So no type is named by a compound ("feature flag", "non-compliance"), a verb
// ("Changes that fix a …"), the object of another action ("Rollbacks of a feature", "Reverting a
// broken feature"), or prose that denies or forbids before its permission ("Features are never
// excepted"); a denial after it ("…, no approval needed") does not count. What the rule cannot
// read names nothing.
std::vector<std::string> exception_change_types(std::string_view exception);

bool exception_names(std::string_view exception, std::string_view change_type);

// Whether prose uses a change type's word anywhere, a synonym or a compound's part included
// ("Rollbacks of a feature", "Non-compliance fixes"): one that names nothing all the same was
// meant to let something through that the rule cannot read. Prose without one ("Acquirer routing
// changes always allowed") is about no change type the gate knows.
bool exception_mentions_change_type(std::string_view exception);

} // namespace nines
