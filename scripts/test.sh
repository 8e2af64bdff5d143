#!/usr/bin/env bash
# The README's second command: install what the tests need (a real Prometheus, Chromium), build
# everything with warnings as errors, and run every test tier under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh --with-tests
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNINES_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)"
