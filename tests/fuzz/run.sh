#!/usr/bin/env bash
# Builds the libFuzzer target with clang (ASan + UBSan) and runs it for SECONDS (default 60) on a
# seed corpus made of content/ and the fixture repositories. Exit 77 (ctest: skipped) when clang
# or libFuzzer is missing. A crash leaves crash-* in BUILD_DIR/fuzz/artifacts; turn each into a
# fixture under tests/fixtures/invalid/ (see docs/hardening.md).
#   tests/fuzz/run.sh BUILD_DIR [SECONDS]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: run.sh BUILD_DIR [SECONDS]}/fuzz
seconds=${2:-${NINES_FUZZ_SECONDS:-60}}
cxx=$(command -v clang++ || command -v clang++-14 || true)
if [ -z "$cxx" ] || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a \
    >/dev/null 2>&1; then
  echo "SKIP: clang++ with libFuzzer is not installed (apt-get install clang libfuzzer-14-dev)"
  exit 77
fi
cmake -S "$src/tests/fuzz" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug \
  >"$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 1; }
cmake --build "$build" -j2 >"$build.build.log" 2>&1 || { tail -50 "$build.build.log"; exit 1; }

# Seeds: every YAML and Markdown front matter file as a document ('y'), every CSV as 'c', and
# every Markdown file also as a body ('m').
corpus=$build/corpus
mkdir -p "$corpus" "$build/artifacts"
i=0
while IFS= read -r -d '' f; do
  i=$((i + 1))
  case "$f" in
    *.csv) { printf c; cat "$f"; } >"$corpus/seed-$i" ;;
    *) { printf y; cat "$f"; } >"$corpus/seed-$i" ;;
  esac
  case "$f" in
    *.md) i=$((i + 1)); { printf m; cat "$f"; } >"$corpus/seed-$i" ;;
  esac
done < <(find "$src/content" "$src/tests/fixtures" -type f \
           \( -name '*.yaml' -o -name '*.yml' -o -name '*.csv' -o -name '*.md' \) \
           -size -64k -print0 | sort -z)
echo "fuzzing for ${seconds}s on $i seeds"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  LSAN_OPTIONS=suppressions="$src/tests/fuzz/lsan.supp" \
  "$build/nines_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -artifact_prefix="$build/artifacts/" "$corpus"
