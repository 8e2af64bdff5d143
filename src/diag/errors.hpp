// The two ways a run stops other than by the diagnostics of its stages. Each has one type, thrown
// where the problem is found and caught once, by the driver. Anything else that escapes a stage is
// a bug in nines and is reported as an internal error (exit 4).
#pragma once

#include "diag/diagnostic.hpp"

#include <stdexcept>
#include <string>

namespace nines {

// A required file or backend cannot be reached or used (the store, the output folder): exit 3.
class FatalError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// The options cannot be used as given (a refused output folder, an unparsable --now): exit 2.
class UsageError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// A problem of the repository that a stage finds by failing rather than by adding a diagnostic
// (a broken theme override): the driver turns it into a located error and stops at the boundary.
class RepoError : public std::runtime_error {
public:
  RepoError(std::string file, Loc loc, std::string rule, const std::string& message)
      : std::runtime_error(message), m_file(std::move(file)), m_loc(loc), m_rule(std::move(rule)) {}

  const std::string& file() const { return m_file; }
  Loc loc() const { return m_loc; }
  const std::string& rule() const { return m_rule; }

private:
  std::string m_file;
  Loc m_loc;
  std::string m_rule;
};

} // namespace nines
