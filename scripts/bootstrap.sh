#!/usr/bin/env bash
# The README's first command: install what is missing, build nines, and render the example
# organisation in content/ into site/. Safe to run again: every step is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target nines
# --offline: the demo's data is recorded in content/metrics/*.csv; no Prometheus is needed.
./build/nines build content -o site --offline
echo "nines is built at build/nines; open site/index.html (or serve site/ over HTTP)"
