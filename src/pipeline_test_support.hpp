// The example content run through the pipeline, for the unit tests of the render stage (only
// *_test.cpp include this): the driver's part of their setup, kept out of render/ so render
// never depends on the driver.
#pragma once

#include "pipeline.hpp"
#include "render/test_content.hpp"

#include <doctest/doctest.h>

namespace nines::render_test {

// `copy` run through load ... `last` at `now` (offline: no live window asked for, so none is
// missing); the example content must run cleanly.
inline Run run_content(const ContentCopy& copy, const char* now, Stage last = Stage::Compute,
                       bool offline = false) {
  Run r;
  r.opts.dir = copy.path;
  r.opts.last = last;
  r.opts.now = now;
  r.opts.offline = offline;
  const int code = run_pipeline(r);
  REQUIRE_MESSAGE(code == 0, "the example content must run cleanly");
  return r;
}

} // namespace nines::render_test
