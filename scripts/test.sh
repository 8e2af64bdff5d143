#!/usr/bin/env bash
# The README's second command: install what the tests need (a real Prometheus, Chromium), build
# everything with warnings as errors, and run every test tier under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh --with-tests
# Every C++ file must match .clang-format; a diff fails the run before anything is built.
if ! find src tests bench \( -name '*.cpp' -o -name '*.hpp' \) -print0 |
    xargs -0 clang-format --dry-run --Werror 2>/tmp/nines-format.log; then
  head -40 /tmp/nines-format.log >&2
  echo "test: files above are not clang-formatted; run: clang-format -i <file>" >&2
  exit 1
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNINES_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)"
