#!/usr/bin/env bash
# A finished run replaces the results of the previous one in the same
# folder: the files the previous run wrote and this one did not (later
# output steps, pieces of ranks it did not have) are removed, files the
# user put there are not.
# Usage: output_replacement.sh <program> <parameter file> <work dir>
set -euo pipefail
program=$1 prm=$2 work=$3
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work/out"
run() { # <ranks> <end time>: one .vtu piece per rank
  mpiexec -n "$1" "$program" "$prm" -s "Output/Directory=$work/out" \
    -s "Output/Number of output groups=$1" \
    -s "Geometry/Global refinements=2" -s "Time stepping/Adaptive=false" \
    -s "Time stepping/Time step=0.05" -s "Time stepping/End time=$2" \
    -s "Output/Every n steps=1" > "$work/log.txt"
}
echo "kept" > "$work/out/notes.txt"
run 2 0.5
steps_first=$(ls "$work/out" | grep -c '^solution_.*\.pvtu$')
pieces_first=$(ls "$work/out" | grep -c '^solution_.*\.vtu$')
[[ $pieces_first -eq $((2 * steps_first)) ]] || fail "2 ranks wrote $pieces_first pieces for $steps_first steps"
run 1 0.2
steps=$(ls "$work/out" | grep -c '^solution_.*\.pvtu$')
pieces=$(ls "$work/out" | grep -c '^solution_.*\.vtu$')
listed=$(grep -o 'file="[^"]*"' "$work/out/solution.pvd" | sort)
present=$(cd "$work/out" && ls solution_*.pvtu | sed 's/.*/file="&"/' | sort)
echo "first run: $steps_first steps, $pieces_first pieces; second run: $steps steps, $pieces pieces"
[[ $steps -lt $steps_first ]] || fail "the second run should have fewer output steps"
[[ "$listed" == "$present" ]] || fail "the .pvtu files present are not those solution.pvd lists"
[[ $pieces -eq $steps ]] || fail "pieces of the 2-rank run are left: $pieces pieces for $steps steps"
[[ "$(cat "$work/out/notes.txt")" == "kept" ]] || fail "a file the user put there was removed"
while read -r name; do
  [[ -e "$work/out/$name" ]] || fail "the list names $name, which is missing"
done < "$work/out/.fokker-planck-files"
echo "PASS: only the files of the last run (and the user's) are left"
