// The compute stage: every figure of SPEC section 3, as plain structs, from the typed model.
//
// Pure functions only: no I/O, no clock, no globals. "Now" is passed in as wall-clock seconds in
// the configured timezone (the driver adds its UTC offset), so days, months and "the end of P" are
// that zone's calendar boundaries.
//
// Nulls are std::optional; nothing is rounded (rounding is for display). Fractions are fractions
// (0.86 is 86%); the API multiplies by 100 with pct().
//
// This header gathers the figures of every area for the code that shows them all (the site, the
// API, compute_all); a file that needs one area includes that area's header.
#pragma once

#include "compute/claims.hpp"
#include "compute/maturity.hpp"
#include "compute/ops.hpp"
#include "compute/readiness.hpp"
#include "compute/report.hpp"
#include "compute/slo.hpp"
