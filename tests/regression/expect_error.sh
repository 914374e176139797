#!/usr/bin/env bash
# Checks the handling of bad input: the program must exit non-zero, print one
# clear message that matches a pattern (naming the entry and what is
# allowed), never crash or abort MPI, and leave earlier results untouched.
# Usage: expect_error.sh <program> <ranks> <pattern> <work dir> <args...>
set -uo pipefail
program=$1 ranks=$2 pattern=$3 work=$4
shift 4
rm -rf "$work" && mkdir -p "$work/out"
echo "earlier result" > "$work/out/summary.json"

mpiexec -n "$ranks" "$program" "$@" -s "Output/Directory=$work/out" > "$work/stdout" 2> "$work/stderr"
status=$?
cat "$work/stderr"
fail() { echo "FAIL: $*"; exit 1; }
[[ $status -ne 0 ]] || fail "exit status was 0"
grep -qE "$pattern" "$work/stderr" || fail "message does not match /$pattern/"
grep -qiE "MPI_ABORT|Aborting|Segmentation|stacktrace|terminate called" "$work/stderr" "$work/stdout" \
  && fail "the program crashed or aborted instead of reporting"
lines=$(grep -c "fokker-planck: error" "$work/stderr")
[[ $lines -eq 1 ]] || fail "expected exactly one error line, got $lines"
[[ "$(cat "$work/out/summary.json")" == "earlier result" ]] || fail "earlier results were overwritten"
echo "PASS: status $status, message matches /$pattern/"
