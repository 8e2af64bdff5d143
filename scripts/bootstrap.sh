#!/usr/bin/env bash
# The README's first command: install what is missing, build nines, and check the example
# organisation in content/. Safe to run again: every step is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target nines
./build/nines check content
echo "nines is built at build/nines"
