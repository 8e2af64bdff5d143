#!/usr/bin/env bash
# Runs `nines check` on one fixture repository and compares its output and exit code exactly with
# the expectations stored beside it:
#   expected.txt  the full text output (diagnostics and summary)
#   exit          the expected exit code (default 1)
#   args          extra arguments for `nines check` (optional)
# Every finding in the output must be followed by its `  hint:` line.
# NINES_UPDATE_FIXTURES=1 rewrites expected.txt from the current output, for review in git diff.
set -u
nines=$1
case_dir=$2
expect_dir=${3:-$2} # the example content keeps its expectations outside the repository
export SOURCE_DATE_EPOCH=1795392000 # 2026-11-23T00:00:00Z: fixtures never depend on the clock
args=()
[ -f "$expect_dir/args" ] && read -r -a args < "$expect_dir/args"
want_exit=1
[ -f "$expect_dir/exit" ] && want_exit=$(cat "$expect_dir/exit")
out=$("$nines" check "$case_dir" "${args[@]}" 2>&1)
code=$?
if [ "${NINES_UPDATE_FIXTURES:-}" = 1 ]; then
  printf '%s\n' "$out" > "$expect_dir/expected.txt"
  echo "$code" > "$expect_dir/exit"
  exit 0
fi
status=0
if [ "$code" != "$want_exit" ]; then
  echo "exit code $code, expected $want_exit"
  status=1
fi
if ! diff -u "$expect_dir/expected.txt" <(printf '%s\n' "$out"); then
  status=1
fi
# Every finding comes with a hint (the line after it): a finding without one fails the case.
bare=$(printf '%s\n' "$out" | awk '
  /^[^ ].*:[0-9]+:[0-9]+: (error|warning): / { if (p != "") print p; p = $0; next }
  /^  hint: / { p = ""; next }
  { if (p != "") print p; p = "" }
  END { if (p != "") print p }')
if [ -n "$bare" ]; then
  echo "findings without a hint:"
  printf '%s\n' "$bare"
  status=1
fi
exit $status
