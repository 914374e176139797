#!/usr/bin/env bash
# Checks the handling of bad input: the program must exit non-zero, print one
# clear message that matches a pattern (naming the entry and what is
# allowed), never crash or abort MPI, and leave earlier results untouched.
# Usage: expect_error.sh <program> <ranks> <pattern> <work dir> <args...>
set -uo pipefail
program=$1 ranks=$2 pattern=$3 work=$4
shift 4
rm -rf "$work" && mkdir -p "$work/out"
# Copies of an earlier run: a failed run, even one that fails after it has
# started writing, must leave every one of them as it was.
earlier_files=(summary.json input.prm parameters.prm statistics.txt solution.pvd)
for f in "${earlier_files[@]}"; do echo "earlier result" > "$work/out/$f"; done

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
for f in "${earlier_files[@]}"; do
  [[ "$(cat "$work/out/$f")" == "earlier result" ]] || fail "earlier result $f was overwritten"
done
[[ ! -e "$work/out/.incomplete" ]] || fail "the failed run left its staging folder behind"
echo "PASS: status $status, message matches /$pattern/"
