#!/usr/bin/env bash
# Runs one parameter file and compares its statistics table with a stored one.
# Usage: run_case.sh <program> <ranks> <parameter file> <expected statistics>
#                    <work dir> [-s 'Entry=value']...
# Columns that depend on the run rather than on the mathematics (GMRES
# iterations, wall times) are dropped before the comparison. numdiff accepts
# a difference if it is below 1e-8 absolutely OR 1e-7 relatively, so the same
# stored table checks that 1 and 2 ranks agree to that accuracy. A test may
# widen the relative tolerance with FP_RELATIVE_TOLERANCE (see CMakeLists.txt
# for which, and why).
set -euo pipefail
program=$1 ranks=$2 prm=$3 expected=$4 work=$5
relative=${FP_RELATIVE_TOLERANCE:-1e-7}
shift 5
rm -rf "$work" && mkdir -p "$work"
# FP_RUN_FLAGS: flags before the file (e.g. --estimate); FP_TABLE: the table
# compared (default statistics.txt).
# shellcheck disable=SC2086
mpiexec -n "$ranks" "$program" ${FP_RUN_FLAGS:-} "$prm" -s "Output/Directory=$work/out" "$@" > "$work/log.txt"

filter() {
  # Keep columns whose header name is not run-dependent.
  awk '
    /^# [0-9]+: / { if ($3 !~ /^(iterations|wall_seconds)$/) { keep[$2+0] = 1; print $3 } next }
    { line = ""; for (i = 1; i <= NF; ++i) if (keep[i]) line = line $i " "; print line }
  ' "$1"
}
filter "$work/out/${FP_TABLE:-statistics.txt}" > "$work/statistics.filtered"
if [[ "${FP_UPDATE_EXPECTED:-0}" == 1 ]]; then
  cp "$work/statistics.filtered" "$expected"
  echo "updated $expected"
fi
numdiff -q -a 1e-8 -r "$relative" -s ' \t\n' "$expected" "$work/statistics.filtered" \
  || { echo "statistics differ from $expected:"; numdiff -a 1e-8 -r "$relative" -s ' \t\n' "$expected" "$work/statistics.filtered" | head -30; exit 1; }
echo "statistics match $expected"
